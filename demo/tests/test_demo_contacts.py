import random
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db.models import Count, Q, Sum

from core.models import Agent, Contact, ContactTurn, Team
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
    counts = (Contact.objects.count(), AgentDay.objects.count(), ContactTurn.objects.count())
    details = list(Contact.objects.order_by("external_id").values_list("external_id", "reason", "tags", "customer_id"))
    demo_contacts.seed_contacts(rng=random.Random(2))
    assert (Contact.objects.count(), AgentDay.objects.count(), ContactTurn.objects.count()) == counts
    assert list(
        Contact.objects.order_by("external_id").values_list("external_id", "reason", "tags", "customer_id")
    ) == (details)
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


def check_details():
    """The richer fields look like a real export's: shares within bounds, turns from the transcripts."""
    contacts = Contact.objects.all()
    total = contacts.count()
    share = lambda **filters: contacts.filter(**filters).count() / total  # noqa: E731
    assert 0.05 <= share(escalated=True) <= 0.10
    assert 0.01 <= share(complaint=True) <= 0.05
    assert 0.02 <= share(transferred=True) <= 0.10
    assert not contacts.filter(reason="").exists() and not contacts.filter(language="").exists()
    assert contacts.filter(team__name="Partner Lisbon", language="pt-PT").exists()
    renewals = set(contacts.filter(team__name="Renewals", channel="phone").values_list("reason", flat=True))
    assert "renewal" in renewals and "delivery" not in renewals
    assert contacts.exclude(tags=[]).exists()
    phone = contacts.filter(channel="phone")
    assert not phone.filter(hold_seconds__isnull=True).exists() and phone.filter(hold_seconds__gt=0).exists()
    assert not contacts.exclude(channel="phone").filter(hold_seconds__isnull=False).exists()
    recorded = contacts.exclude(recording_url="")
    assert recorded.exists() and set(recorded.values_list("recording_url", flat=True)) == {"/static/demo/call.wav"}
    # A case's contacts share one customer, and some customers have several cases.
    per_case = contacts.values("case_id").annotate(n=Count("customer_id", distinct=True))
    assert not per_case.filter(n__gt=1).exists()
    # Some cases cross channels (a written case called back about), so their timelines do too.
    assert contacts.values("case_id").annotate(n=Count("channel", distinct=True)).filter(n__gt=1).exists()
    per_customer = contacts.values("customer_id").annotate(n=Count("case_id", distinct=True))
    assert per_customer.filter(n__gt=1).exists()
    answered = contacts.filter(csat__isnull=False)
    assert 0.2 < answered.exclude(survey_comment="").count() / answered.count() < 0.5
    assert not contacts.filter(csat__isnull=True).exclude(survey_comment="").exists()
    whatsapp = contacts.filter(channel="whatsapp")
    assert whatsapp.exists() and set(whatsapp.values_list("team__name", flat=True)) == {"Partner Lisbon"}
    written = contacts.exclude(channel="phone")
    with_turns = written.exclude(transcript="").count() + recorded.count()
    assert ContactTurn.objects.values("contact").distinct().count() == with_turns
    call = recorded.first()  # a recorded call's turns carry the times of the stand-in recording's segments
    offsets = [(t.at - call.started_at).total_seconds() for t in call.turns.order_by("position")]
    assert offsets == [0, 3, 5, 8] and call.turns.first().author == "customer"
    sample = written.exclude(transcript="").first()
    turns = list(sample.turns.order_by("position"))
    assert [t.text for t in turns] == [line.split(": ", 1)[1] for line in sample.transcript.splitlines()]
    assert turns[0].author == "customer" and {t.author for t in turns} == {"customer", "agent"}
    assert all(a.at <= b.at for a, b in zip(turns, turns[1:], strict=False))


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
    check_details()
    check_formulas(settings)
    check_idempotent()


def test_the_shipped_demo_recording_is_the_generated_one_and_small():
    import wave

    from demo.recording import PATH, SECONDS, demo_recording_bytes

    assert PATH.read_bytes() == demo_recording_bytes()
    assert PATH.stat().st_size < 100_000
    with wave.open(str(PATH)) as wav:
        assert wav.getnframes() / wav.getframerate() == SECONDS > max(o for _, o, _ in demo_contacts.CALL_TURNS)
