"""The demo's conversations give AutoQA something to find (each pattern at least once, agents that differ by their
survey scores), are the same for the same seed, and the demo scorecard gets its detectors in a new version."""

import random
import re

import pytest

from core.models import Contact, ContactTurn
from core.tests.factories import ContactFactory
from demo import autoqa as demo_autoqa
from demo import contacts as demo_contacts
from demo import conversations as talk
from demo import org as demo
from qa.models import ScorecardVersion

GREETING = re.compile(r"\b(hi|hello|good morning|thanks? (you )?for (contacting|reaching out))\b", re.I)
NUMBER = re.compile(r"\b(?:\d{4} ){3}\d{4}\b")


def luhn(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    return total % 10 == 0


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setattr(demo_contacts, "DAYS", 20)
    demo.seed_org(rng=random.Random(1))
    demo_contacts.seed_contacts(rng=random.Random(2))


def _conversations() -> dict[str, list[tuple[str, object, str]]]:
    turns: dict[str, list] = {}
    rows = ContactTurn.objects.filter(contact__external_id__startswith="DEMO-").exclude(contact__transcript="")
    for external_id, author, at, text in rows.order_by("contact__external_id", "position").values_list(
        "contact__external_id", "author", "at", "text"
    ):
        turns.setdefault(external_id, []).append((author, at, text))
    return turns


def _agent_waits(turns) -> list[float]:
    return [(b[1] - a[1]).total_seconds() for a, b in zip(turns, turns[1:]) if (a[0], b[0]) == ("customer", "agent")]


def test_demo_conversations_hold_every_pattern_autoqa_looks_for(seeded):
    conversations = _conversations()
    assert len(conversations) > 1000

    def some(predicate) -> int:
        return sum(1 for turns in conversations.values() if predicate(turns))

    first_agent = lambda turns: next(t for a, _, t in turns if a == "agent")  # noqa: E731
    agent_text = lambda turns: " ".join(t for a, _, t in turns if a == "agent")  # noqa: E731
    customer = lambda turns: [t for a, _, t in turns if a == "customer"]  # noqa: E731
    angry = lambda turns: any(o in customer(turns)[0] for o in talk.ANGRY_OPENERS)  # noqa: E731

    assert some(lambda turns: not GREETING.search(first_agent(turns)))  # greeting missing
    assert some(lambda turns: GREETING.search(first_agent(turns)))
    assert some(lambda turns: "my name is" in first_agent(turns).lower())
    assert some(lambda turns: "sorry to hear" in agent_text(turns).lower())  # empathy
    assert some(lambda turns: "not my job" in agent_text(turns).lower())  # dismissive
    assert some(lambda turns: "put you on hold" in agent_text(turns) and "for holding" in agent_text(turns))
    assert some(lambda turns: talk.HOLD_SILENT in [t for a, _, t in turns if a == "agent"])
    assert some(lambda turns: turns[-1][2] in talk.CLOSINGS) and some(lambda turns: turns[-1][2] in talk.ABRUPT)
    cards = [n for turns in conversations.values() for n in NUMBER.findall(agent_text(turns))]
    assert any(luhn(n) for n in cards) and any(not luhn(n) for n in cards)  # a card typed, an order number
    assert all(luhn(card) for card in talk.TEST_CARDS) and not luhn(talk.NOT_A_CARD)
    assert some(lambda turns: "@example." in agent_text(turns)) and some(lambda turns: "+44 7700" in agent_text(turns))
    assert some(lambda turns: angry(turns) and customer(turns)[-1] in talk.CALMED)  # angry, calmed
    assert some(lambda turns: angry(turns) and customer(turns)[-1] in talk.STILL_ANGRY)  # angry to the end
    chats = [turns for eid, turns in conversations.items() if _agent_waits(turns)]
    assert any(max(_agent_waits(turns)) > 120 for turns in chats)  # slow replies
    assert any(max(_agent_waits(turns)) < 60 for turns in chats)  # fast ones


def test_demo_agents_differ_by_tier_and_the_tier_follows_csat(seeded):
    rows = list(Contact.objects.filter(external_id__startswith="DEMO-").values("agent_id", "csat"))
    tiers = talk.agent_tiers(rows)
    assert set(tiers.values()) == {"weak", "steady", "strong"}

    def mean_csat(tier: str) -> float:
        scores = [r["csat"] for r in rows if r["csat"] is not None and tiers[r["agent_id"]] == tier]
        return sum(scores) / len(scores)

    assert mean_csat("weak") < mean_csat("steady") < mean_csat("strong")
    greeted: dict[str, list[bool]] = {}
    agents = dict(Contact.objects.filter(external_id__startswith="DEMO-").values_list("external_id", "agent_id"))
    for external_id, turns in _conversations().items():
        first = next(t for a, _, t in turns if a == "agent")
        greeted.setdefault(tiers[agents[external_id]], []).append(bool(GREETING.search(first)))
    share = {tier: sum(values) / len(values) for tier, values in greeted.items()}
    assert share["weak"] < 0.7 < 0.9 < share["strong"], share


def test_demo_conversations_are_the_same_for_the_same_seed(seeded):
    before = _conversations()
    Contact.objects.filter(external_id__startswith="DEMO-").delete()
    demo_contacts.seed_contacts(rng=random.Random(2))
    assert _conversations() == before


def test_demo_scorecard_gets_its_detectors_in_a_new_version_once(db):
    v1 = ScorecardVersion.objects.get(template__is_default=True, status=ScorecardVersion.Status.PUBLISHED)
    version = demo_autoqa.scorecard_configure()
    assert version.pk != v1.pk and version.status == ScorecardVersion.Status.PUBLISHED
    v1.refresh_from_db()
    assert v1.status == ScorecardVersion.Status.RETIRED and not v1.criteria.exclude(detector="").exists()
    detectors = dict(version.criteria.values_list("key", "detector"))
    assert detectors["greeted"] == "phrases" and detectors["data-protection"] == "pii"
    assert detectors["closed-next-steps"] == "phrases" and detectors["readable"] == "readability"
    assert version.criteria.get(key="greeted").detector_params == {
        "kind": "greeting",
        "where": "first_agent_turn",
        "expect": "present",
    }
    # The criteria humans answer on the old version keep their key, scale and channels (apart from hold etiquette).
    old = {c.key: (c.scale, c.critical, c.channels) for c in v1.criteria.exclude(key="hold-etiquette")}
    new = {c.key: (c.scale, c.critical, c.channels) for c in version.criteria.filter(key__in=old)}
    assert new == old
    assert demo_autoqa.scorecard_configure() == version
    assert ScorecardVersion.objects.filter(template=version.template).count() == 2


def test_demo_autoqa_runs_the_runner_when_it_is_there(db, monkeypatch):
    ContactFactory(channel="chat", transcript="Customer: hi")
    ContactFactory()  # a call without turns: nothing to score
    monkeypatch.setattr(demo_autoqa.importlib.util, "find_spec", lambda name: None)
    assert demo_autoqa.autoqa_run() == 0  # no runner installed: the demo seeds without it
    monkeypatch.undo()

    called = {}

    class Runner:
        @staticmethod
        def autoreviews_build(*, contact_ids):
            called["ids"] = contact_ids

    monkeypatch.setattr(demo_autoqa.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(demo_autoqa.importlib, "import_module", lambda name: Runner)
    assert demo_autoqa.autoqa_run() == 1 and called["ids"] == list(
        Contact.objects.exclude(transcript="").values_list("pk", flat=True)
    )
