"""Dashboards: figures equal the metrics API, scope, constant queries, CSV exports, the significance rule."""

import csv
import io
from datetime import UTC, date, timedelta

import pytest
from django.urls import reverse

from coaching.models import CoachingPlan, Goal
from coaching.status import GoalStatus
from core import roles
from core.exports import neutralise
from core.models import Skill
from core.tests.factories import AgentFactory, TeamFactory, UserFactory
from dashboards.periods import Period
from dashboards.tests.dashboard_data import fill_rollups
from metrics import rollups, stats
from metrics.models import AgentDay

END = date(2026, 3, 31)
START = END - timedelta(days=29)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


@pytest.fixture
def data(team, partner_team):
    """Five agents in the lead's team, three in the partner's, 120 days of daily rollups."""
    agents = AgentFactory.create_batch(5, team=team) + AgentFactory.create_batch(3, team=partner_team)
    fill_rollups(agents=agents, start=END - timedelta(days=119), end=END)
    return agents


def _api(client, name, **params):
    response = client.get(reverse(f"metrics-{name}"), {**PERIOD, "page_size": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


FIGURES = ["contacts", "cases", "fcr_pct", "csat_pct", "ces_avg", "nps", "aht_seconds", "qa_score", "qa_reviews"]


def _same(a, b):
    for key in FIGURES:
        if a[key] is None or b[key] is None:
            assert a[key] == b[key], key
        else:
            assert a[key] == pytest.approx(b[key], rel=1e-9), key


def test_team_dashboard_figures_equal_the_metrics_api(client, lead_user, team, data):
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:team-dashboard"), {**PERIOD, "team": team.pk})
    assert response.status_code == 200
    api_agents = {row["agent_id"]: row for row in _api(client, "agents", team=team.name)}
    page_agents = response.context["agent_rows"]
    assert {row["agent_id"] for row in page_agents} == set(api_agents) and len(page_agents) == 5
    for row in page_agents:
        _same(row, api_agents[row["agent_id"]])
    (api_team,) = _api(client, "teams", team=team.name)
    cards = {card["kpi"].figure: card for card in response.context["cards"]}
    for key in ["fcr_pct", "csat_pct", "ces_avg", "nps", "aht_seconds", "qa_score"]:
        assert cards[key]["value"] == pytest.approx(api_team[key])
    assert cards["fcr_pct"]["n"] == api_team["cases"]
    _same(response.context["team_rows"][0], api_team)
    # The figure is on the page as rendered, with its n.
    html = response.content.decode()
    assert f"{api_team['fcr_pct']:.1f} %" in html and f"n = {api_team['cases']} cases" in html


@pytest.mark.parametrize("days", [7, 30, 120])
def test_heatmap_cells_equal_the_skill_rows_summed(client, lead_user, team, data, days):
    """Each heatmap cell is the agent's AgentSkillDay rows of the skill summed over the period, whether the period is
    short (daily rows) or long enough to read the running totals."""
    from django.db.models import Sum

    from metrics.models import AgentSkillDay

    client.force_login(lead_user)
    start = END - timedelta(days=days - 1)
    response = client.get(reverse("dashboards:team-dashboard"), {"start": start.isoformat(), "end": END.isoformat()})
    sums = AgentSkillDay.objects.filter(day__range=(start, END), agent__team=team).values("agent_id", "skill_id")
    expected = {
        (r["agent_id"], r["skill_id"]): (r["reviews"], float(r["score_sum"]) / r["reviews"])
        for r in sums.annotate(reviews=Sum("reviews"), score_sum=Sum("score_sum"))
    }
    shown = {
        (row["agent_id"], cell["skill"].pk): (cell["reviews"], cell["score"])
        for row in response.context["heatmap"]
        for cell in row["cells"]
        if cell["reviews"]
    }
    assert len(expected) > 5 and set(shown) == set(expected)
    for key, (reviews, score) in expected.items():
        assert shown[key][0] == reviews and shown[key][1] == pytest.approx(score, abs=1e-9), key


def test_heatmap_mutes_thin_cells_shows_n_and_puts_the_core_ten_first(client, lead_user, team):
    from decimal import Decimal

    from django.core.cache import cache

    from metrics.models import AgentSkillDay

    extra = Skill.objects.create(code="upselling", name="Upselling", tier="advanced", position=0)
    cache.clear()  # the dashboards keep the skill catalogue for a minute
    core = Skill.objects.filter(is_core=True).order_by("position").first()
    agent = AgentFactory(team=team)
    AgentDay.objects.create(day=END, agent=agent, team=team, contacts=5, cases=5, reviews=50, qa_score_sum=4500)
    AgentSkillDay.objects.bulk_create(
        [
            AgentSkillDay(day=END, agent=agent, team=team, skill=core, reviews=50, score_sum=Decimal(4750)),
            AgentSkillDay(day=END, agent=agent, team=team, skill=extra, reviews=1, score_sum=Decimal(95)),
        ]
    )
    rollups.derived_rebuild(start=END, end=END)
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:team-dashboard"), PERIOD)
    skills = response.context["skills"]
    extras = Skill.objects.filter(is_core=False).count()
    assert all(s.is_core for s in skills[:10]) and not any(s.is_core for s in skills[10:])
    assert extra in skills[10:] and len(skills) == 10 + extras  # position 0, yet after the core ten
    (row,) = response.context["heatmap"]
    cells = {cell["skill"].pk: cell for cell in row["cells"]}
    assert cells[core.pk]["css"] == "heat-5" and cells[extra.pk]["css"] == "heat-thin"  # both 95, n = 50 and 1
    page = response.content.decode()
    assert 'class="heat-thin text-center" title="Upselling: 95.0 over 1 review (too few reviews to colour)"' in page
    assert f'<span class="visually-hidden">{core.name}: 95.0 over 50 reviews</span>' in page  # n read out
    assert 'colspan="10" class="heat-group">Core skills</th>' in page
    assert f'colspan="{extras}" class="heat-group">Additional (role-specific) skills</th>' in page
    agent_page = client.get(reverse("dashboards:agent-dashboard", args=[agent.pk]), PERIOD).content.decode()
    assert "Additional (role-specific) skills" in agent_page


def test_vendor_comparison_figures_equal_the_metrics_api(client, admin_user, data):
    client.force_login(admin_user)
    response = client.get(reverse("dashboards:vendor-comparison"), PERIOD)
    assert response.status_code == 200
    api = {row["vendor_id"]: row for row in _api(client, "vendors")}
    rows = response.context["vendor_rows"]
    assert len(rows) == 2
    for row in rows:
        _same(row, api[row["vendor_id"]])
    partner = next(row for row in rows if row["vendor_kind"] == "partner")
    assert partner["against_in_house"] is not None


def test_a_lead_sees_a_vendors_figures_of_their_own_teams_only(client, lead_user, team):
    sister = TeamFactory(vendor=team.vendor)  # same vendor, not the lead's
    mine, theirs = AgentFactory(team=team), AgentFactory(team=sister)
    fill_rollups(agents=[mine, theirs], start=START, end=END)
    own_contacts = sum(AgentDay.objects.filter(team=team).values_list("contacts", flat=True))
    assert own_contacts < sum(AgentDay.objects.values_list("contacts", flat=True))
    client.force_login(lead_user)
    (api_row,) = _api(client, "vendors")
    assert api_row["contacts"] == own_contacts
    (page_row,) = client.get(reverse("dashboards:vendor-comparison"), PERIOD).context["vendor_rows"]
    assert page_row["contacts"] == own_contacts
    export = client.get(reverse("dashboards:vendor-comparison"), {**PERIOD, "export": "vendors"})
    header, row = list(csv.reader(io.StringIO(export.content.decode())))
    assert int(row[header.index("Contacts")]) == own_contacts


def test_agent_dashboard_figures_equal_the_metrics_api(client, agent_user, agent, team):
    fill_rollups(agents=[agent], start=END - timedelta(days=59), end=END)
    client.force_login(agent_user)
    response = client.get(reverse("dashboards:my-dashboard"), PERIOD)
    assert response.status_code == 200
    (api_row,) = _api(client, "agents")
    _same(response.context["totals"], api_row)
    (api_team,) = [row for row in _api(client, "agents") if row["agent_id"] == agent.pk]
    assert response.context["team_totals"]["contacts"] == api_team["contacts"]  # alone in the team


def test_agent_dashboard_counts_the_agent_over_all_teams_and_the_team_over_its_contacts(client, lead_user, team):
    """An agent who moved into the lead's team: their figures count all their contacts (both teams), the team's only
    the contacts handled in the team (the other agent's and theirs since the move); both equal the metrics API."""
    from core.models import Agent

    elsewhere = TeamFactory(vendor=team.vendor)
    mover, mate = AgentFactory(team=elsewhere), AgentFactory(team=team)
    fill_rollups(agents=[mover], start=START - timedelta(days=30), end=START + timedelta(days=9))
    fill_rollups(agents=[mate], start=START - timedelta(days=30), end=END)
    Agent.objects.filter(pk=mover.pk).update(team=team)
    mover.refresh_from_db()
    fill_rollups(agents=[mover], start=START + timedelta(days=10), end=END)
    assert AgentDay.objects.filter(agent=mover, team=elsewhere, day__gte=START).exists()
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:agent-dashboard", args=[mover.pk]), PERIOD)
    api_agent = next(row for row in _api(client, "agents") if row["agent_id"] == mover.pk)
    (api_team,) = _api(client, "teams", team=team.name)
    _same(response.context["totals"], api_agent)
    _same(response.context["team_totals"], api_team)
    assert response.context["team_totals"]["contacts"] != response.context["totals"]["contacts"]
    # The trends add up to the same figures: the agent's days over both teams, the team's from its own rows.
    assert sum(row["contacts"] for row in response.context["trend_rows"]) == api_agent["contacts"]
    assert sum(row["contacts"] for row in response.context["team_trend"]) == api_team["contacts"]


def test_lead_sees_only_their_teams(client, lead_user, team, partner_team, data):
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:team-dashboard"), PERIOD)
    assert [pk for pk, _, _ in response.context["team_choices"]] == [team.pk]
    assert {row["team_id"] for row in response.context["agent_rows"]} == {team.pk}
    # Asking for the partner's team is refused by the form; nothing of it is shown.
    response = client.get(reverse("dashboards:team-dashboard"), {**PERIOD, "team": partner_team.pk})
    assert response.status_code == 200 and response.context["form"].errors
    assert partner_team.name not in response.content.decode()
    # Nor can its agent's dashboard or CSV be reached.
    other = data[-1]
    assert client.get(reverse("dashboards:agent-dashboard", args=[other.pk])).status_code == 404
    # A name no agent of the lead's team can share (Faker's random names sometimes repeat).
    other.user.last_name = "Outofscope-Partner"
    other.user.save(update_fields=["last_name"])
    exported = client.get(reverse("dashboards:team-dashboard"), {**PERIOD, "export": "agents"}).content.decode()
    assert other.user.last_name not in exported and data[0].user.last_name in exported


def test_partner_lead_sees_only_the_partner(client, partner_team, team, data):
    partner_lead = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(partner_lead)
    client.force_login(partner_lead)
    response = client.get(reverse("dashboards:vendor-comparison"), PERIOD)
    assert [row["vendor_id"] for row in response.context["vendor_rows"]] == [partner_team.vendor_id]
    assert response.context["in_house"] is None
    assert team.name not in response.content.decode()
    response = client.get(reverse("dashboards:team-dashboard"), PERIOD)
    assert {row["team_id"] for row in response.context["agent_rows"]} == {partner_team.pk}


def test_agent_sees_only_their_own_dashboard(client, agent_user, agent, other_agent):
    client.force_login(agent_user)
    assert client.get(reverse("dashboards:agent-dashboard", args=[agent.pk])).status_code == 200
    assert client.get(reverse("dashboards:agent-dashboard", args=[other_agent.pk])).status_code == 404
    assert client.get(reverse("dashboards:team-dashboard")).status_code == 403
    assert client.get(reverse("dashboards:vendor-comparison")).status_code == 403


def test_lead_drills_down_to_an_agent(client, lead_user, data):
    client.force_login(lead_user)
    page = client.get(reverse("dashboards:team-dashboard"), PERIOD).content.decode()
    url = reverse("dashboards:agent-dashboard", args=[data[0].pk])
    assert url in page
    response = client.get(url, PERIOD)
    assert response.status_code == 200 and data[0].user.last_name in response.content.decode()


def test_agent_links_carry_the_period_and_teams_and_open_the_agent_dashboard_with_them(client, lead_user, team, data):
    """The agent table, heatmap and goals-at-risk links hold the filters' query string, not a method's repr."""
    plan = CoachingPlan.objects.create(agent=data[0])
    Goal.objects.create(
        plan=plan,
        skill=Skill.objects.first(),
        kpi="fcr",
        target=80,
        start_date=START,
        due_date=END + timedelta(days=30),
        status=GoalStatus.AT_RISK,
    )
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:team-dashboard"), {**PERIOD, "team": team.pk, "grain": "week"})
    page = response.content.decode()
    assert "bound method" not in page
    query = f"start={START.isoformat()}&amp;end={END.isoformat()}&amp;grain=week&amp;team={team.pk}"
    url = reverse("dashboards:agent-dashboard", args=[data[0].pk])
    assert page.count(f'href="{url}?{query}"') == 3  # agent table, heatmap, goals at risk
    agent_page = client.get(url, {**PERIOD, "team": team.pk, "grain": "week"})
    assert agent_page.status_code == 200
    filters = agent_page.context["filters"]
    assert (filters.period.start, filters.period.end, filters.grain) == (START, END, "week")
    assert f"?start={START.isoformat()}&amp;end={END.isoformat()}&amp;grain=week&amp;team={team.pk}" in (
        agent_page.content.decode()
    )  # the breadcrumb back to the team dashboard keeps them


@pytest.mark.parametrize("n_agents", [5, 50])
def test_dashboards_run_a_constant_number_of_queries(
    client, team, lead_user, n_agents, django_assert_max_num_queries, settings
):
    agents = AgentFactory.create_batch(n_agents, team=team)
    fill_rollups(agents=agents, start=END - timedelta(days=29), end=END, skills=True)
    plan = CoachingPlan.objects.create(agent=agents[0])
    Goal.objects.create(
        plan=plan,
        skill=Skill.objects.first(),
        kpi="fcr",
        target=80,
        start_date=START,
        due_date=END + timedelta(days=30),
        status=GoalStatus.AT_RISK,
    )
    client.force_login(lead_user)
    for url in [
        reverse("dashboards:team-dashboard"),
        reverse("dashboards:vendor-comparison"),
        reverse("dashboards:agent-dashboard", args=[agents[0].pk]),
    ]:
        with django_assert_max_num_queries(15):
            response = client.get(url, PERIOD)
        assert response.status_code == 200
    assert response.context["goals"][0].status == GoalStatus.AT_RISK
    # As deployed (the body cache on), a page drawn afresh (a new period: not in the cache) stays within 15 too.
    from django.core.cache import cache

    cache.clear()
    settings.DASHBOARD_CACHE_SECONDS = 60
    for url in [reverse("dashboards:team-dashboard"), reverse("dashboards:vendor-comparison")]:
        with django_assert_max_num_queries(15):
            assert client.get(url, {**PERIOD, "grain": "week"}).status_code == 200
    cache.clear()
    assert b'data-testid="goal-fcr_pct"' in response.content  # the goal on its KPI's card


def test_agent_csv_export_has_the_page_rows_and_filters(client, lead_user, team, data):
    data[0].user.first_name = "=HYPERLINK(1)"
    data[0].user.save()
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:team-dashboard"), {**PERIOD, "team": team.pk, "export": "agents"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 5
    api = {row["agent_name"]: row for row in _api(client, "agents", team=team.name)}
    for row in rows:
        name = row["Agent"].removeprefix("'")
        assert int(row["Contacts"]) == api[name]["contacts"]
        assert float(row["FCR %"]) == pytest.approx(api[name]["fcr_pct"], abs=1e-4)
    assert any(row["Agent"].startswith("'=HYPERLINK") for row in rows)


@pytest.mark.parametrize("export", ["teams", "trend", "skills"])
def test_every_team_dashboard_table_exports(client, lead_user, team, data, export):
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:team-dashboard"), {**PERIOD, "export": export})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) > 1
    if export == "trend":
        assert len(rows) == 1 + 30  # a row per day of the period
        total = sum(int(row[1]) for row in rows[1:])
        assert total == sum(
            AgentDay.objects.filter(team=team, day__range=(START, END)).values_list("contacts", flat=True)
        )


def test_vendor_and_agent_exports(client, admin_user, data):
    client.force_login(admin_user)
    vendors = client.get(reverse("dashboards:vendor-comparison"), {**PERIOD, "export": "vendors"})
    assert len(list(csv.reader(io.StringIO(vendors.content.decode())))) == 3
    url = reverse("dashboards:agent-dashboard", args=[data[0].pk])
    trend = client.get(url, {**PERIOD, "export": "trend"})  # an agent's 30 days: by week (5 weeks) unless asked
    assert len(list(csv.reader(io.StringIO(trend.content.decode())))) == 6
    trend = client.get(url, {**PERIOD, "grain": "day", "export": "trend"})
    assert len(list(csv.reader(io.StringIO(trend.content.decode())))) == 31


def test_neutralise_defuses_formula_cells():
    assert neutralise("=1+2") == "'=1+2"
    assert neutralise("+SUM(A1)") == "'+SUM(A1)"
    assert neutralise("-2+3") == "'-2+3"
    assert neutralise("@cmd") == "'@cmd"
    assert neutralise("Ana") == "Ana"
    assert neutralise(-3.5) == -3.5 and neutralise(None) == ""


def test_bad_period_re_renders_with_errors(client, lead_user):
    client.force_login(lead_user)
    for params in [{"start": "2026-13-01", "end": "x"}, {"start": "2026-03-10", "end": "2026-03-01"}, {"preset": "5"}]:
        response = client.get(reverse("dashboards:team-dashboard"), params)
        assert response.status_code == 200 and response.context["form"].errors
        assert "could not be used" in response.content.decode()


def test_presets_and_grain(client, lead_user, data):
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:team-dashboard"), {"preset": 90})
    filters = response.context["filters"]
    assert filters.period.days == 90 and filters.chart_grain == "week"
    response = client.get(reverse("dashboards:team-dashboard"), {"preset": 7})
    assert response.context["filters"].chart_grain == "day"
    assert len(response.context["charts"][0]["labels"]) == 7


def _days(agent, team, *, days: int, cases: int, fcr_cases: int, reviews: int = 0, qa_sum: float = 0):
    return [
        AgentDay(
            day=END - timedelta(days=offset),
            agent=agent,
            team=team,
            contacts=cases,
            cases=cases,
            fcr_cases=fcr_cases,
            reviews=reviews,
            qa_score_sum=qa_sum,
        )
        for offset in range(days)
    ]


def test_agent_below_target_three_periods_running_is_flagged(client, lead_user, team):
    weak, fine = AgentFactory(team=team), AgentFactory(team=team)
    AgentDay.objects.bulk_create(
        _days(weak, team, days=90, cases=10, fcr_cases=5) + _days(fine, team, days=90, cases=10, fcr_cases=9)
    )
    rollups.derived_rebuild(start=END - timedelta(days=89), end=END)
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:team-dashboard"), PERIOD)
    flags = {row["agent_id"]: row["flag_keys"] for row in response.context["agent_rows"]}
    assert flags[weak.pk] == ["fcr_pct"] and flags[fine.pk] == []
    (flag,) = next(row for row in response.context["agent_rows"] if row["agent_id"] == weak.pk)["flags"]
    assert [(p["value"], p["n"]) for p in flag["periods"]] == [(50.0, 300)] * 3 and flag["target"] == 75.0
    assert [p["period"] for p in flag["periods"]] == [Period(START, END).previous(s) for s in (2, 1, 0)]
    page = response.content.decode()
    assert "⚑ FCR</span>" in page and "FCR 50.0% (n = 300), 50.0% (n = 300), 50.0% (n = 300); target 75.0%" in page
    # The agent's own dashboard shows the same flag and why, and none for the other.
    for agent, expected in ((weak, ["fcr_pct"]), (fine, [])):
        page = client.get(reverse("dashboards:agent-dashboard", args=[agent.pk]), PERIOD)
        assert [flag["kpi"].figure for flag in page.context["flags"]] == expected
    banner = client.get(reverse("dashboards:agent-dashboard", args=[weak.pk]), PERIOD).content.decode()
    assert 'data-testid="flag-banner"' in banner and "50.0 % (n = 300" in banner and "target 75.0 %" in banner


def test_a_shortfall_within_chance_or_below_the_minimum_sample_is_not_flagged(client, lead_user, team):
    """Below target every period, but by too little for its n (about 67 % of 30 cases against 75 %: p ≈ 0.15), or
    with fewer reviews than QA's minimum sample: no flag. 70 % over 3,000 cases a period is flagged."""
    close, thin, many = AgentFactory(team=team), AgentFactory(team=team), AgentFactory(team=team)
    rows = _days(close, team, days=90, cases=1, fcr_cases=1)
    for row in rows:
        row.fcr_cases = 0 if row.day.day % 3 == 0 else 1  # about 2 of 3 resolved, 30 cases a period
    rows += _days(thin, team, days=90, cases=10, fcr_cases=9)
    for row in rows[-90:]:
        if row.day.day in (10, 20):
            row.reviews, row.qa_score_sum = 1, 40  # 2 reviews a period at 40: QA's min sample is 3
    rows += _days(many, team, days=90, cases=100, fcr_cases=70)  # 70 % of 3,000 cases a period
    AgentDay.objects.bulk_create(rows)
    rollups.derived_rebuild(start=END - timedelta(days=89), end=END)
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:team-dashboard"), PERIOD)
    flags = {row["agent_id"]: row["flag_keys"] for row in response.context["agent_rows"]}
    assert flags == {close.pk: [], thin.pk: [], many.pk: ["fcr_pct"]}


def test_flags_say_not_enough_history_when_the_data_do_not_reach_back_three_periods(client, lead_user, team):
    weak = AgentFactory(team=team)
    AgentDay.objects.bulk_create(_days(weak, team, days=150, cases=10, fcr_cases=5))  # 5 months of data
    rollups.derived_rebuild(start=END - timedelta(days=149), end=END)
    client.force_login(lead_user)
    thirty = client.get(reverse("dashboards:team-dashboard"), PERIOD)
    assert thirty.context["flagged_count"] == 1 and thirty.context["no_history_count"] == 0
    ninety = client.get(
        reverse("dashboards:team-dashboard"), {"start": (END - timedelta(days=89)).isoformat(), "end": END.isoformat()}
    )
    assert ninety.context["flagged_count"] == 0 and ninety.context["no_history_count"] == 1
    page = ninety.content.decode()
    assert "not enough history" in page and 'data-testid="flag-history"' in page
    agent_page = client.get(
        reverse("dashboards:agent-dashboard", args=[weak.pk]),
        {"start": (END - timedelta(days=89)).isoformat(), "end": END.isoformat()},
    )
    assert agent_page.context["flags"] == [] and "not enough history" in agent_page.content.decode()


def test_one_sided_tests_against_a_target():
    assert stats.proportion_short_of_target(50, 100, target_pct=75).significant  # z = −5.8
    assert not stats.proportion_short_of_target(7, 10, target_pct=75).significant  # z = −0.37
    assert not stats.proportion_short_of_target(90, 100, target_pct=75).significant  # above target
    low = stats.proportion_short_of_target(700, 1000, target_pct=75)
    assert low.p == pytest.approx(0.000134, rel=0.05)
    assert stats.mean_short_of_target(60, 12, target=85, low=0, high=100).significant
    assert not stats.mean_short_of_target(60, 3, target=85, low=0, high=100).significant
    assert stats.mean_short_of_target(4.5, 400, target=3, low=1, high=7, higher_is_better=False).significant


def test_change_within_noise_is_not_coloured():
    small = stats.proportion_change(72, 100, 70, 100)
    assert not small.significant and small.css == "text-body-secondary" and small.label == "within noise"
    big = stats.proportion_change(7200, 10000, 7000, 10000)
    assert big.significant and big.better and big.css == "text-success"
    worse_aht = stats.duration_change(400, 5000, 360, 5000)
    assert worse_aht.significant and worse_aht.better is False
    assert not stats.proportion_change(9, 9, 1, 9).significant  # too few answers
    assert stats.nps_change(60, 10, 200, 40, 30, 200).significant
    assert not stats.bounded_mean_change(3.1, 30, 3.0, 30, low=1, high=7, higher_is_better=False).significant


def test_period_previous_has_the_same_length():
    period = Period(start=date(2026, 3, 1), end=date(2026, 3, 30))
    assert period.previous() == Period(start=date(2026, 1, 30), end=date(2026, 2, 28))


def test_empty_team_renders(client, lead_user):
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:team-dashboard"))
    assert response.status_code == 200 and "No agents in these teams" in response.content.decode()


def test_hiring_manager_and_reviewer_cannot_read_team_dashboards(client, hiring_user, reviewer_user):
    for user in (hiring_user, reviewer_user):
        client.force_login(user)
        assert client.get(reverse("dashboards:team-dashboard")).status_code == 403


def test_team_from_another_lead_is_not_in_scope(client, lead_user, vendor):
    foreign = TeamFactory(vendor=vendor)
    client.force_login(lead_user)
    response = client.get(reverse("dashboards:team-dashboard"), {"team": foreign.pk})
    assert response.context["form"].errors and not response.context["filters"].team_ids


def test_rendered_body_is_cached_per_user_and_filters(
    client, lead_user, team, data, settings, django_assert_max_num_queries
):
    from django.core.cache import cache

    cache.clear()
    settings.DASHBOARD_CACHE_SECONDS = 60
    client.force_login(lead_user)
    first = client.get(reverse("dashboards:team-dashboard"), PERIOD)
    with django_assert_max_num_queries(7):  # session, user, roles, the teams in scope (the key) and the session write
        second = client.get(reverse("dashboards:team-dashboard"), PERIOD)
    assert first.content.count(b'data-testid="agent-table"') == second.content.count(b'data-testid="agent-table"') == 1
    other = client.get(reverse("dashboards:team-dashboard"), {**PERIOD, "grain": "week"})
    assert other.context["filters"].grain == "week"  # other filters: computed afresh
    assert client.get(reverse("dashboards:team-dashboard"), {**PERIOD, "export": "agents"})["Content-Type"].startswith(
        "text/csv"
    )
    cache.clear()


def test_cached_body_is_not_served_after_the_user_loses_access(client, lead_user, team, data, settings):
    """A lead taken off a team, or losing the ops-lead role, within the cache's minute gets no body drawn with the old
    access: the cache key holds the roles and the teams in scope."""
    from django.contrib.auth.models import Group
    from django.core.cache import cache

    from core.tests.factories import TeamFactory

    cache.clear()
    settings.DASHBOARD_CACHE_SECONDS = 60
    second_team = TeamFactory(vendor=team.vendor, name="Second Shift Squad")
    second_team.leads.add(lead_user)
    client.force_login(lead_user)
    url = reverse("dashboards:team-dashboard")
    assert b"Second Shift Squad" in client.get(url, PERIOD).content
    second_team.leads.remove(lead_user)
    assert b"Second Shift Squad" not in client.get(url, PERIOD).content
    second_team.leads.add(lead_user)
    assert b"Second Shift Squad" in client.get(url, PERIOD).content
    lead_user.groups.remove(Group.objects.get(name=roles.OPS_LEAD))
    assert client.get(url, PERIOD).status_code == 403
    cache.clear()


@pytest.fixture
def pipeline(hiring_user):
    from datetime import datetime

    from assessments import services as hiring_services
    from assessments.models import StageMove
    from assessments.tests.factories import RequisitionFactory

    mine = RequisitionFactory(title="North intake", hiring_team=[hiring_user])
    other = RequisitionFactory(title="Someone else's")
    people = [
        hiring_services.candidate_create(
            requisition=mine, first_name="C", last_name=str(i), email=f"c{i}@x.test", created_by=hiring_user
        )
        for i in range(4)
    ]
    hiring_services.candidate_create(
        requisition=other, first_name="D", last_name="0", email="d@x.test", created_by=hiring_user
    )
    hiring_services.candidate_move(candidate=people[0], to_stage="behavioural", moved_by=hiring_user)
    hiring_services.candidate_move(candidate=people[1], to_stage="behavioural", moved_by=hiring_user)
    hiring_services.candidate_reject(candidate=people[2], decided_by=hiring_user, reasons="Not a fit")
    # Two days between entering screening and leaving it, for every move out of screening.
    StageMove.objects.filter(from_stage="").update(moved_at=datetime(2026, 3, 1, tzinfo=UTC))
    StageMove.objects.exclude(from_stage="").update(moved_at=datetime(2026, 3, 3, tzinfo=UTC))
    return mine


def test_hiring_dashboard_counts_stages_pass_rates_and_time(client, hiring_user, pipeline):
    client.force_login(hiring_user)
    response = client.get(reverse("dashboards:hiring-dashboard"))
    assert response.status_code == 200
    (row,) = response.context["rows"]  # only the requisition the manager is on
    labels = response.context["labels"]
    counts = dict(zip(labels, row["stages"], strict=True))
    assert counts["Screening"] == 1 and counts["Behavioural interview"] == 2 and counts["Rejected"] == 1
    screening = response.context["stages"][0]
    assert (screening["entered"], screening["left"], screening["passed"]) == (4, 3, 2)
    assert screening["pass_rate"] == pytest.approx(200 / 3)
    assert screening["mean_days"] == pytest.approx(2.0)
    exported = client.get(reverse("dashboards:hiring-dashboard"), {"export": "stages"}).content.decode()
    assert exported.splitlines()[1].startswith('"Screening",4,3,2,66.6667,2')


def test_hiring_dashboard_is_for_hiring_managers(client, lead_user, agent_user):
    for user in (lead_user, agent_user):
        client.force_login(user)
        assert client.get(reverse("dashboards:hiring-dashboard")).status_code == 403


def test_qa_coverage_counts_the_listed_agents_with_contacts_and_their_reviews(client, lead_user, team):
    reviewed, unreviewed, idle = AgentFactory.create_batch(3, team=team)
    rows = [
        # Inside the period: two reviews for one agent, contacts only for the other.
        AgentDay(day=START, agent=reviewed, team=team, contacts=5, cases=5, reviews=1, qa_score_sum=80),
        AgentDay(day=END, agent=reviewed, team=team, contacts=4, cases=4, reviews=1, qa_score_sum=90),
        AgentDay(day=START + timedelta(days=3), agent=unreviewed, team=team, contacts=7, cases=7),
        # Before the period: counts for nobody now.
        AgentDay(day=START - timedelta(days=1), agent=idle, team=team, contacts=9, cases=9, reviews=3),
    ]
    AgentDay.objects.bulk_create(rows)
    rollups.derived_rebuild(start=START - timedelta(days=1), end=END)
    client.force_login(lead_user)
    coverage = client.get(reverse("dashboards:team-dashboard"), PERIOD).context["coverage"]
    assert (coverage["agents_worked"], coverage["agents_reviewed"], coverage["reviews"]) == (2, 1, 2)
    assert coverage["reviewed_share"] == 50 and coverage["reviews_per_agent"] == 1


def test_agent_trend_defaults_to_weeks_marks_thin_points_and_partial_weeks(client, lead_user, team):
    """30 days of one agent: weekly points by default (daily n of 1 to 5 swings CSAT 0–100 %); a point under the KPI's
    minimum sample is thin; the weeks cut by the period's start and end are partial in labels and table."""
    agent = AgentFactory(team=team)
    AgentDay.objects.bulk_create(
        [
            AgentDay(
                day=START + timedelta(days=offset),
                agent=agent,
                team=team,
                contacts=4,
                cases=4,
                fcr_cases=3,
                csat_responses=2 if offset < 25 else 0,
                csat_satisfied=1,
            )
            for offset in range(30)
        ]
    )
    rollups.derived_rebuild(start=START, end=END)
    client.force_login(lead_user)
    url = reverse("dashboards:agent-dashboard", args=[agent.pk])
    response = client.get(url, PERIOD)  # 2 Mar (a Monday) – 31 Mar (a Tuesday)
    assert response.context["filters"].chart_grain == "week"
    rates = response.context["charts"][0]
    assert rates["labels"][0] == "wk 2 Mar" and rates["labels"][-1] == "wk 30 Mar (partial)"
    assert rates["partial"][-1] == "partial week: 30–31 Mar, 2 of 7 days" and not rates["partial"][0]
    csat = rates["datasets"][2]
    assert csat["label"] == "CSAT · Agent" and csat["n"][0] == 14 and csat["thin"][0] is False
    assert csat["n"][3] == 8 and csat["thin"][3] is True  # 23–29 Mar: 4 days with answers, under 10
    page = response.content.decode()
    assert "wk 30 Mar (partial) (partial week: 30–31 Mar, 2 of 7 days)</th>" in page  # the accessible table
    assert "<td>8 (thin)</td>" in page
    # The QA chart has no reviews: it says so instead of drawing an empty axis.
    assert response.context["charts"][-1]["empty"] == "No reviews in this period."
    assert 'data-testid="chart-empty-qa">No reviews in this period.</p>' in page
    assert 'data-chart="qa"' not in page
    assert "Hollow points" in page.split('data-chart="rates"')[1].split("</figure>")[0]
    aht = response.context["charts"][3]["datasets"][0]
    assert aht["thin"] == [False, False, False, False, True]  # 28 contacts a week; 8 in the 2-day partial week
    # A week cut by the start too, and the team dashboard keeps days up to 31 days.
    week = client.get(url, {"start": "2026-03-04", "end": "2026-03-31", "grain": "week"})
    assert week.context["charts"][0]["partial"][0] == "partial week: 4–8 Mar, 5 of 7 days"
    assert client.get(url, {"preset": 7}).context["filters"].chart_grain == "day"
    assert client.get(reverse("dashboards:team-dashboard"), PERIOD).context["filters"].chart_grain == "day"


def test_cards_show_both_n_and_agree_with_the_target_and_the_subject(client, agent_user, agent, team):
    """FCR 70 % is inside the benchmark's solid band but under the 75 % target: the card says below target, never a
    green "solid". The agent worse than the team reads as the agent's, not the team's. "vs before" shows both n."""
    teammate = AgentFactory(team=team)
    rows = []
    for offset in range(60):
        day = END - timedelta(days=offset)
        recent = offset < 30
        cases = 10 if recent else 2
        rows.append(AgentDay(day=day, agent=agent, team=team, contacts=10, cases=cases, fcr_cases=7 if recent else 1))
        rows.append(AgentDay(day=day, agent=teammate, team=team, contacts=10, cases=10, fcr_cases=10))
    AgentDay.objects.bulk_create(rows)
    rollups.derived_rebuild(start=END - timedelta(days=59), end=END)
    client.force_login(agent_user)
    response = client.get(reverse("dashboards:my-dashboard"), PERIOD)
    fcr = next(card for card in response.context["cards"] if card["kpi"].figure == "fcr_pct")
    assert fcr["band"] == "solid" and fcr["target_status"] == "below"
    page = response.content.decode()
    assert 'data-testid="status-fcr_pct">below target 75.0 %</span>' in page
    assert "text-bg-success" not in page.split('data-testid="kpi-cards"')[1].split('data-kpi="csat_pct"')[0]
    assert '<span class="text-body-secondary">benchmark solid (70–79 %)</span>' in page  # said, not as a green badge
    assert 'data-testid="against-team-fcr_pct">you are worse than the team</span>' in page
    before = page.split('data-testid="before-fcr_pct">')[1].split("</p>")[0]
    assert "Before: 50.0 % (n = 60)" in before
    assert "now n = 300" in before and "n differs 5×" in before


def test_a_chart_line_without_data_is_said_not_drawn_as_zero():
    """The team was reviewed, the agent was not: the QA chart draws the team and says the agent had no reviews."""
    from dashboards.charts import trend_charts
    from metrics import selectors as metrics

    day = date(2026, 3, 2)
    agent = [{"bucket": day, **metrics.figures({})}]
    team = [{"bucket": day, **metrics.figures({"reviews": 4, "qa_score_sum": 340})}]
    qa = trend_charts(agent, grain="day", period=Period(day, day), team_rows=team)[-1]
    assert "empty" not in qa and qa["notes"] == ["Agent: no reviews in this period."]
    assert qa["datasets"][1]["data"] == [85.0] and qa["datasets"][0]["data"] == [None]
