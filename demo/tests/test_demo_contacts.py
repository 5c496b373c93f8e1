import random
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db.models import Count, Q, Sum

from core.models import Agent, Contact, Team
from demo import contacts as demo_contacts
from demo import org as demo
from metrics.models import AgentDay
from metrics.selectors import metrics_by_team, metrics_total


@pytest.fixture
def demo_data(db, monkeypatch):
    monkeypatch.setattr(demo_contacts, "DAYS", 40)
    demo.seed_org(rng=random.Random(1))
    demo_contacts.seed_contacts(rng=random.Random(2))


def check_idempotent():
    counts = (Contact.objects.count(), AgentDay.objects.count())
    demo_contacts.seed_contacts(rng=random.Random(2))
    assert (Contact.objects.count(), AgentDay.objects.count()) == counts
    assert counts[0] > 40 * 20 * 8


def check_story():
    start, end = demo_contacts.demo_period()
    teams = Team.objects.all()
    period = {row["team_name"]: row for row in metrics_by_team(teams=teams, start=start, end=end)}
    assert period["Partner Lisbon"]["fcr_pct"] < min(period[name]["fcr_pct"] for name in ("North", "Renewals")) - 5
    half = (end - start) // 2
    early = {r["team_name"]: r for r in metrics_by_team(teams=teams, start=start, end=start + half)}
    late = {r["team_name"]: r for r in metrics_by_team(teams=teams, start=end - half, end=end)}
    assert late["South"]["fcr_pct"] > early["South"]["fcr_pct"] + 3
    assert Contact.objects.exclude(channel="phone").exclude(transcript="").exists()
    assert 0.1 < Contact.objects.filter(csat__isnull=False).count() / Contact.objects.count() < 0.4


def check_formulas(settings):
    """The rollup against a plain, independent computation over the contacts."""
    start, end = demo_contacts.demo_period()
    total = metrics_total(agents=Agent.objects.all(), start=start - timedelta(days=400), end=end + timedelta(days=1))
    raw = Contact.objects.aggregate(
        contacts=Count("pk"),
        satisfied=Count("pk", filter=Q(csat__gte=4)),
        csat=Count("csat"),
        promoters=Count("pk", filter=Q(nps__gte=9)),
        detractors=Count("pk", filter=Q(nps__lte=6)),
        seconds=Sum("handle_seconds") + Sum("after_contact_seconds"),
    )
    assert total["contacts"] == raw["contacts"]
    assert total["csat_pct"] == pytest.approx(100 * raw["satisfied"] / raw["csat"])
    assert (total["promoters"], total["detractors"]) == (raw["promoters"], raw["detractors"])
    assert total["aht_seconds"] == pytest.approx(raw["seconds"] / raw["contacts"])
    cases = defaultdict(list)
    for case_id, started_at, resolved, flag in Contact.objects.values_list(
        "case_id", "started_at", "resolved", "first_contact_resolved"
    ):
        cases[case_id].append((started_at, resolved, flag))
    window = timedelta(days=settings.REPEAT_WINDOW_DAYS)
    fcr = 0
    for contacts in cases.values():
        contacts.sort()
        first_at, resolved, flag = contacts[0]
        repeat = any(at <= first_at + window for at, _, _ in contacts[1:])
        fcr += flag if flag is not None else (resolved and not repeat)
    assert (total["cases"], total["fcr_cases"]) == (len(cases), fcr)


def test_demo_contacts_tell_the_story_match_the_formulas_and_are_idempotent(demo_data, settings):
    # One test, so the demo is seeded once.
    check_story()
    check_formulas(settings)
    check_idempotent()
