"""The weekly digest: its figures equal the metrics API's, scope, preferences, once per week, the inline chart, the
significance wording, bounded queries, the command."""

import base64
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from coaching.status import GoalStatus
from coaching.tests.factories import GoalFactory, PlanFactory
from core import roles
from core.models import Delivery, OutboxMessage
from core.notifications import outbox
from core.notifications.services import preference_set
from core.tests.factories import AgentFactory, ScopeFactory, TeamFactory, UserFactory
from dashboards import weekly_digest
from dashboards.charts import kpi_cards
from dashboards.periods import Period
from dashboards.tasks import weekly_digest_send
from dashboards.tests.dashboard_data import fill_rollups
from metrics import kpis, rollups
from metrics.models import AgentDay
from qa.disputes.selectors import open_disputes_count
from qa.rules import QA_LEAD_GROUP

WEEK = Period(start=date(2026, 3, 16), end=date(2026, 3, 22))  # Monday to Sunday
BEFORE = Period(start=date(2026, 3, 9), end=date(2026, 3, 15))
FIGURES = [
    ("fcr_pct", "cases"),
    ("csat_pct", "csat_responses"),
    ("ces_avg", "ces_responses"),
    ("aht_seconds", "contacts"),
    ("qa_score", "qa_reviews"),
]


@pytest.fixture
def data(team, partner_team):
    """Four agents in the in-house team, three in the partner's, 10 weeks of daily rollups to the week's Sunday."""
    agents = AgentFactory.create_batch(4, team=team) + AgentFactory.create_batch(3, team=partner_team)
    fill_rollups(agents=agents, start=WEEK.end - timedelta(weeks=10), end=WEEK.end)
    return agents


@pytest.fixture
def partner_lead(partner_vendor):
    user = UserFactory(roles=[roles.OPS_LEAD])
    ScopeFactory(user=user, vendors=[partner_vendor])
    return user


def _sent(user) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(user=user, event="weekly_digest"))


def _api_team(client, team, period: Period) -> dict:
    response = client.get(reverse("metrics-teams"), {"start": period.start, "end": period.end, "team": team.name})
    assert response.status_code == 200, response.content
    (row,) = response.json()["results"]
    return row


def test_weekly_digest_figures_equal_the_metrics_api_for_the_same_week(client, lead_user, team, data):
    context = weekly_digest.digest_build(user=lead_user, week=WEEK)
    (digest_team,) = context["teams"]
    client.force_login(lead_user)
    for label, period in (("now", WEEK), ("before", BEFORE)):
        api = _api_team(client, team, period)
        for figure, sample in FIGURES:
            assert digest_team[label][figure] == pytest.approx(api[figure], rel=1e-9), (label, figure)
            assert digest_team[label][sample] == api[sample], (label, sample)
    cards = {card["kpi"].figure: card for card in digest_team["cards"]}
    assert set(cards) == {figure for figure, _ in FIGURES}  # FCR, CSAT, CES, AHT, QA: NPS is not in the digest
    api = _api_team(client, team, WEEK)
    for figure, _ in FIGURES:
        assert cards[figure]["value"] == pytest.approx(api[figure], rel=1e-9)
        assert cards[figure]["n"] == api[kpis.for_figure(figure).sample]


def test_weekly_digest_of_a_partner_lead_holds_only_partner_teams(partner_lead, lead_user, team, partner_team, data):
    partner = weekly_digest.digest_build(user=partner_lead, week=WEEK)
    assert [row["team_id"] for row in partner["teams"]] == [partner_team.pk]
    in_house = weekly_digest.digest_build(user=lead_user, week=WEEK)
    assert [row["team_id"] for row in in_house["teams"]] == [team.pk]

    weekly_digest.digests_send(week=WEEK)
    (message,) = _sent(lead_user)
    assert team.name in message.body_html and partner_team.name not in message.body_html
    assert partner_team.name not in message.body_text
    assert not any(agent.user.last_name in message.body_text for agent in data[4:])
    (message,) = _sent(partner_lead)
    assert partner_team.name in message.body_text and team.name not in message.body_text


def test_weekly_digest_goes_to_ops_leads_and_qa_leads_only(lead_user, reviewer_user, vendor, admin_user, data):
    qa_lead = UserFactory(roles=[roles.QA_REVIEWER, QA_LEAD_GROUP])
    ScopeFactory(user=qa_lead, vendors=[vendor])
    no_email = UserFactory(roles=[roles.OPS_LEAD], email="")
    assert {user.pk for user in weekly_digest.recipients()} == {lead_user.pk, qa_lead.pk}
    weekly_digest.digests_send(week=WEEK)
    assert len(_sent(lead_user)) == len(_sent(qa_lead)) == 1
    # A QA reviewer who is not a lead, an admin who did not ask for it (default off), agents: nothing.
    assert not _sent(reviewer_user) and not _sent(admin_user) and not _sent(no_email) and not _sent(data[0].user)
    # A QA lead cannot open the team dashboard: their link goes to the disputes.
    (message,) = _sent(qa_lead)
    assert reverse("qa:dispute-list") in message.body_text and reverse("dashboards:team-dashboard") not in (
        message.body_text
    )


def test_weekly_digest_goes_to_an_admin_who_turned_it_on(admin_user, team, data):
    preference_set(user=admin_user, event="weekly_digest", delivery=Delivery.NOW)
    weekly_digest.digests_send(week=WEEK)
    (message,) = _sent(admin_user)
    assert team.name in message.body_text


def test_weekly_digest_sends_nothing_when_the_preference_is_off(lead_user, data, django_capture_on_commit_callbacks):
    preference_set(user=lead_user, event="weekly_digest", delivery=Delivery.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digest.digests_send(week=WEEK)
    assert not _sent(lead_user) and not mail.outbox


def test_weekly_digest_run_twice_the_same_week_sends_once(lead_user, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_digest_send(week=WEEK.start.isoformat()) == {"queued": 1}
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digest_send(week=(WEEK.start + timedelta(days=3)).isoformat())  # any day of the week names it
        weekly_digest.digests_send(week=WEEK)
    assert len(_sent(lead_user)) == 1 and len(mail.outbox) == 1
    assert _sent(lead_user)[0].key == "weekly_digest:2026-03-16"
    weekly_digest.digests_send(week=WEEK.previous())  # another week is another digest
    assert len(_sent(lead_user)) == 2


def test_weekly_digest_chart_is_an_inline_png_referenced_by_its_cid(
    lead_user, data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digest.digests_send(week=WEEK)
    (row,) = _sent(lead_user)
    (image,) = row.images
    png = base64.b64decode(image["base64"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and image["subtype"] == "png"
    assert f'src="cid:{image["cid"]}"' in row.body_html
    assert 'alt="Line chart of FCR and CSAT of your teams together' in row.body_html
    (sent,) = mail.outbox
    message = sent.message()
    parts = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert (
        len(parts) == 1 and parts[0]["Content-ID"] == f"<{image['cid']}>" and parts[0].get_payload(decode=True) == png
    )
    assert outbox.build_email(row).mixed_subtype == "related"


def test_weekly_digest_links_are_absolute_with_the_weeks_dates_and_it_can_be_unsubscribed(
    client, settings, lead_user, team, data
):
    settings.SITE_URL = "https://skillhub.example.com"
    weekly_digest.digests_send(week=WEEK)
    (row,) = _sent(lead_user)
    link = (
        f"https://skillhub.example.com{reverse('dashboards:team-dashboard')}"
        f"?start=2026-03-16&end=2026-03-22&grain=day&team={team.pk}"
    )
    assert link in row.body_text and link.replace("&", "&amp;") in row.body_html
    unsubscribe = row.headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://skillhub.example.com/") and unsubscribe in row.body_text
    client.force_login(lead_user)
    page = client.get(link.removeprefix("https://skillhub.example.com"))
    assert page.status_code == 200 and page.context["filters"].period == WEEK
    client.logout()
    assert client.post(unsubscribe.removeprefix("https://skillhub.example.com")).status_code == 200
    assert weekly_digest.recipients() == []


def _day(agent, day, **counts):
    return AgentDay(day=day, agent_id=agent.pk, team_id=agent.team_id, **counts)


def test_weekly_digest_says_better_or_within_noise_by_the_dashboards_rule(lead_user, agent):
    # FCR 50 % of 1,000 cases, then 80 % of 1,000: beyond the noise. CSAT 80 % of 100, then 81 % of 100: noise.
    AgentDay.objects.bulk_create(
        [
            _day(agent, BEFORE.start, contacts=1000, cases=1000, fcr_cases=500, csat_responses=100, csat_satisfied=80),
            _day(agent, WEEK.start, contacts=1000, cases=1000, fcr_cases=800, csat_responses=100, csat_satisfied=81),
        ]
    )
    rollups.derived_rebuild(start=BEFORE.start, end=WEEK.end)
    context = weekly_digest.digest_build(user=lead_user, week=WEEK)
    cards = {card["kpi"].key: card for card in context["teams"][0]["cards"]}
    now, before = context["teams"][0]["now"], context["teams"][0]["before"]
    fcr, csat = kpis.get(kpis.FCR), kpis.get(kpis.CSAT)
    assert fcr.change(now, before).significant and fcr.change(now, before).label == "better"
    assert not csat.change(now, before).significant and csat.change(now, before).label == "within noise"
    # The same cards as the team dashboard's for the same counts.
    dashboard = {card["kpi"].key: card["change"] for card in kpi_cards(now=now, before=before)}
    assert cards[kpis.FCR]["change"] == dashboard[kpis.FCR] and cards[kpis.CSAT]["change"] == dashboard[kpis.CSAT]

    weekly_digest.digests_send(week=WEEK)
    (row,) = _sent(lead_user)
    assert "FCR: 80.0 % (n = 1000 cases); +30.0 pts vs before · better" in row.body_text
    assert "CSAT: 81.0 % (n = 100 responses); +1.0 pts vs before · within noise" in row.body_text
    assert "+30.0 pts vs before · better" in row.body_html and "within noise" in row.body_html


def test_weekly_digest_counts_flags_goals_at_risk_and_open_disputes_in_scope(lead_user, team, partner_team, data):
    from qa.tests.factories import disputed_review_world

    disputed_review_world(agent=data[0], vendor=team.vendor)
    disputed_review_world(agent=data[5], vendor=partner_team.vendor)  # the partner's: not in the lead's digest
    plan = PlanFactory(agent=data[1])
    GoalFactory(plan=plan, status=GoalStatus.AT_RISK)
    GoalFactory(plan=plan, status=GoalStatus.AT_RISK, kpi="csat")
    GoalFactory(plan=PlanFactory(agent=data[2]), status=GoalStatus.ON_TRACK)
    GoalFactory(plan=PlanFactory(agent=data[6]), status=GoalStatus.AT_RISK)
    (row,) = weekly_digest.digest_build(user=lead_user, week=WEEK)["teams"]
    assert row["disputes"].count == open_disputes_count(team_ids=[team.pk]) == 1
    assert row["disputes"].names == [data[0].name]
    assert row["at_risk"].count == 2 and row["at_risk"].names == [data[1].name]
    assert row["flagged"].count == len(row["flagged"].names) <= 4


def test_weekly_digest_newly_flagged_leaves_out_agents_flagged_the_week_before(lead_user, team):
    flagged_since, newly = AgentFactory.create_batch(2, team=team)
    days = []
    for step in range(4):  # FCR far below target in each of four weeks; the newcomer only in the last three
        monday = WEEK.start - timedelta(weeks=step)
        days.append(_day(flagged_since, monday, contacts=200, cases=200, fcr_cases=60))
        if step < 3:
            days.append(_day(newly, monday, contacts=200, cases=200, fcr_cases=60))
        else:
            days.append(_day(newly, monday, contacts=200, cases=200, fcr_cases=190))
    AgentDay.objects.bulk_create(days)
    rollups.derived_rebuild(start=WEEK.start - timedelta(weeks=3), end=WEEK.end)
    (row,) = weekly_digest.digest_build(user=lead_user, week=WEEK)["teams"]
    assert row["flagged"].count == 1 and row["flagged"].names == [f"{newly.name} (FCR)"]


@pytest.mark.parametrize("n_teams", [1, 5])
def test_weekly_digest_runs_a_fixed_number_of_queries_per_recipient(
    vendor, n_teams, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    teams = TeamFactory.create_batch(n_teams, vendor=vendor)
    agents = [agent for team in teams for agent in AgentFactory.create_batch(3, team=team)]
    fill_rollups(agents=agents, start=WEEK.end - timedelta(weeks=8), end=WEEK.end, skills=False)
    lead = UserFactory(roles=[roles.OPS_LEAD])
    ScopeFactory(user=lead, vendors=[vendor])
    for agent in agents[::2]:
        GoalFactory(plan=PlanFactory(agent=agent), status=GoalStatus.AT_RISK)
    with django_assert_max_num_queries(14):  # the same for 1 and 5 teams
        assert weekly_digest.digest_send(user=lead, week=WEEK) is not None


def test_weekly_digest_skips_a_lead_without_teams(db):
    lead = UserFactory(roles=[roles.OPS_LEAD])
    assert weekly_digest.digest_send(user=lead, week=WEEK) is None
    assert not _sent(lead)


def test_weekly_digest_week_is_monday_to_sunday_before_this_one():
    assert weekly_digest.last_week(date(2026, 3, 23)) == WEEK  # a Monday
    assert weekly_digest.last_week(date(2026, 3, 29)) == WEEK  # a Sunday
    assert weekly_digest.week_of(date(2026, 3, 19)) == WEEK


def test_send_weekly_digest_command_dry_run_lists_and_sends_nothing(lead_user, team, data):
    out = StringIO()
    call_command("send_weekly_digest", "--week", "2026-03-18", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "2026-03-16 to 2026-03-22" in text and lead_user.email in text and team.name in text
    assert "would send" in text and not OutboxMessage.objects.exists()
    call_command("send_weekly_digest", "--week", "2026-03-18", stdout=StringIO())
    assert len(_sent(lead_user)) == 1
    out = StringIO()
    call_command("send_weekly_digest", "--week", "2026-03-18", "--dry-run", stdout=out)
    assert "already sent" in out.getvalue()


def test_send_weekly_digest_command_refuses_a_bad_week(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_weekly_digest", "--week", "last monday")
