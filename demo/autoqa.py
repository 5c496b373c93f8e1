"""AutoQA on the demo: the default scorecard's criteria that a detector can answer get one, the behaviours it lacks
("Greeted the customer", "Closed with next steps", …) are added, in a new published version (a published version
never changes); then every demo conversation with text is scored automatically, when the AutoQA runner is installed.
Safe to run twice: a published version already configured is left alone, and the runner is idempotent."""

import importlib.util
import random

from django.db import transaction
from django.db.models import Q

from core.models import Contact, Skill, User
from qa.scorecards import services as scorecard_services

SECTION = "Conversation basics"
# Existing criteria (by key) → (detector, params); only yes/no ones (a detector answers 1 or 0).
EXISTING = {
    "acknowledged-feelings": ("phrases", {"kind": "empathy", "where": "any", "expect": "present"}),
    "took-ownership": ("phrases", {"kind": "prohibited", "where": "any", "expect": "absent"}),
    "data-protection": ("pii", {}),
    "chat-responsiveness": ("response_time", {"max_seconds": 120}),
    "hold-etiquette": ("phrases", {"kind": "hold", "where": "any", "expect": "present"}),
}
# Criteria added: (key, skill code, text, guidance, allow N/A, detector, params).
ADDED = [
    (
        "greeted",
        "communication",
        "Greeted the customer",
        "A greeting in the agent's first message: 'Hi, thanks for contacting us'.",
        False,
        "phrases",
        {"kind": "greeting", "where": "first_agent_turn", "expect": "present"},
    ),
    (
        "introduced",
        "communication",
        "Introduced themself by name",
        "'My name is Ana and I'll be helping you today.'",
        False,
        "phrases",
        {"kind": "introduction", "where": "first_agent_turn", "expect": "present"},
    ),
    (
        "closed-next-steps",
        "problem_solving",
        "Closed with next steps",
        "The last message says what happens next, or offers more help; not an abrupt 'Ok.'",
        False,
        "phrases",
        {"kind": "closing", "where": "last_agent_turns", "expect": "present"},
    ),
    (
        "verified-before-account",
        "product_knowledge",
        "Verified the customer's identity before giving account details",
        "N/A when no account details were given.",
        True,
        "verification_before_account",
        {},
    ),
    (
        "readable",
        "communication",
        "Wrote in plain, readable sentences",
        "Short sentences and everyday words (Flesch reading ease 60 or more). N/A on calls.",
        True,
        "readability",
        {"min_flesch": 60},
    ),
    (
        "customer-calm-at-end",
        "de_escalation",
        "The customer ended the conversation calm or satisfied",
        "Read the customer's last message.",
        True,
        "sentiment_end",
        {"min_end": 0.05},
    ),
]
FIELDS = (
    "skill",
    "text",
    "guidance",
    "weight",
    "scale",
    "scale_min",
    "scale_max",
    "point_labels",
    "critical",
    "allow_na",
    "channels",
)


def seed_autoqa(*, rng: random.Random, stdout=None) -> None:
    version = scorecard_configure()
    scored = autoqa_run()
    if stdout is not None:
        stdout.write(f"  AutoQA: scorecard v{version.number if version else '-'}; {scored} conversations scored")


@transaction.atomic
def scorecard_configure():
    """The default scorecard's published version with its detectors: the one there when configured before, else a new
    version (the criteria that map to a detector get it, the missing ones are added), published."""
    version = scorecard_services.default_version()
    if version is None or version.criteria.filter(key="greeted").exclude(detector="").exists():
        return version
    admin = User.objects.filter(username="admin").first()
    draft = scorecard_services.version_for_editing(version=version, user=admin)
    for criterion in draft.criteria.select_related("section", "skill").filter(key__in=EXISTING):
        detector, params = EXISTING[criterion.key]
        fields = {name: getattr(criterion, name) for name in FIELDS}
        if criterion.key == "hold-etiquette":
            fields["channels"] = []  # chats put customers on hold too
        scorecard_services.criterion_save(
            section=criterion.section, criterion=criterion, **fields, detector=detector, detector_params=params
        )
    taken = set(draft.criteria.values_list("key", flat=True))
    section = draft.sections.filter(title=SECTION).first() or scorecard_services.section_save(
        version=draft, title=SECTION
    )
    skills = {skill.code: skill for skill in Skill.objects.all()}
    for key, skill, text, guidance, allow_na, detector, params in ADDED:
        if key in taken:
            continue
        scorecard_services.criterion_save(
            section=section,
            key=key,
            skill=skills[skill],
            text=text,
            guidance=guidance,
            weight=1,
            scale="yes_no",
            allow_na=allow_na,
            channels=[],
            detector=detector,
            detector_params=params,
        )
    return scorecard_services.version_publish(version=draft, user=admin)


def autoqa_run() -> int:
    """Score every demo conversation with text (a transcript or turns) with the AutoQA runner, when it is installed;
    the number of contacts handed to it (0 without the runner)."""
    if importlib.util.find_spec("qa.autoqa.services") is None:
        return 0
    services = importlib.import_module("qa.autoqa.services")
    build = getattr(services, "autoreviews_build", None)
    if build is None:
        return 0
    ids = list(
        Contact.objects.filter(~Q(transcript="") | Q(turns__isnull=False))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    build(contact_ids=ids)
    return len(ids)
