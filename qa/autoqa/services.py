"""Build the automatic review of contacts: read their turns, run the detectors their scorecard names, score with the
QA scoring rule over the automatic answers, write with upserts. Batched (a constant number of queries per batch),
idempotent (a contact already scored by the current engine is skipped unless forced), re-run when the engine's
fingerprint changes (a detector, a phrase list or a scorecard's detector settings)."""

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import Q

from core.models import Contact, ContactTurn
from qa.autoqa.detectors import ENGINE_VERSION, Conversation, Turn, analyse, warm_up
from qa.autoqa.models import AutoAnswer, AutoReview, PhraseList
from qa.autoqa.phrases import compile_lists
from qa.reviews.text import split_transcript
from qa.scorecards.models import Criterion
from qa.scorecards.services import versions_for_contacts
from qa.scoring import RawAnswer, score_answers

BATCH = 500


def contacts_with_text() -> "Q":
    """Contacts AutoQA can read: a plain transcript, or turns."""
    return ~Q(transcript="") | Q(pk__in=ContactTurn.objects.values("contact_id"))


def engine_fingerprint(phrase_rows: list[tuple] | None = None) -> str:
    """The detectors' version, the phrase lists and every scorecard's detector settings, hashed: a change in any
    re-scores the contacts it touches (the sweep finds them by engine)."""
    rows = (
        phrase_rows
        if phrase_rows is not None
        else list(PhraseList.objects.order_by("kind", "language").values_list("kind", "language", "phrases"))
    )
    settings = list(
        Criterion.objects.exclude(detector="")
        .order_by("pk")
        .values_list("pk", "detector", "detector_params", "weight", "critical", "channels")
    )
    digest = hashlib.sha256(json.dumps([ENGINE_VERSION, rows, settings], default=str).encode()).hexdigest()
    return f"{ENGINE_VERSION}:{digest[:16]}"[:64]


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _conversation(contact: Contact, turns: list[tuple[str, str, object]]) -> Conversation | None:
    if turns:
        shaped = tuple(Turn(author=author, text=text, at=at) for author, text, at in turns)
    elif contact.transcript.strip():
        shaped = tuple(
            Turn(author=speaker, text=body) for speaker, _label, body in split_transcript(contact.transcript)
        )
    else:
        return None
    return Conversation(turns=shaped, language=(contact.language or "en").lower(), channel=contact.channel)


def autoreviews_build(*, contact_ids: Iterable[int], force: bool = False, batch: int = BATCH, progress=None) -> dict:
    """Score `contact_ids` in batches. Returns counts: scored, skipped (already scored by this engine), no_text
    (nothing to read), no_scorecard (no version with automatic criteria)."""
    warm_up()
    phrase_rows = list(PhraseList.objects.order_by("kind", "language").values_list("kind", "language", "phrases"))
    patterns = compile_lists(phrase_rows)
    engine = engine_fingerprint(phrase_rows)
    criteria_of: dict[int, list[Criterion]] = {}
    counts = {"scored": 0, "skipped": 0, "no_text": 0, "no_scorecard": 0}
    for ids in _chunks(sorted(set(contact_ids)), batch):
        _build_batch(ids, engine=engine, patterns=patterns, criteria_of=criteria_of, force=force, counts=counts)
        if progress:
            progress(len(ids))
    return counts


def _build_batch(ids, *, engine, patterns, criteria_of, force, counts) -> None:
    done = set()
    if not force:
        done = set(AutoReview.objects.filter(contact_id__in=ids, engine=engine).values_list("contact_id", flat=True))
        counts["skipped"] += len(done)
    contacts = list(
        Contact.objects.filter(pk__in=[pk for pk in ids if pk not in done]).only(
            "pk", "transcript", "language", "channel", "team_id", "agent_id"
        )
    )
    turns: dict[int, list] = defaultdict(list)
    for contact_id, author, text, at in (
        ContactTurn.objects.filter(contact_id__in=[c.pk for c in contacts])
        .order_by("contact_id", "position")
        .values_list("contact_id", "author", "text", "at")
    ):
        turns[contact_id].append((author, text, at))
    versions = versions_for_contacts(contacts)
    missing = {v.pk for v in versions.values() if v is not None and v.pk not in criteria_of}
    if missing:
        for version_id in missing:
            criteria_of[version_id] = []
        for criterion in Criterion.objects.filter(version_id__in=missing).exclude(detector="").order_by("pk"):
            criteria_of[criterion.version_id].append(criterion)
    reviews: list[AutoReview] = []
    answers: dict[int, list[AutoAnswer]] = {}
    for contact in contacts:
        conversation = _conversation(contact, turns.get(contact.pk, []))
        if conversation is None:
            counts["no_text"] += 1
            continue
        version = versions.get(contact.pk)
        criteria = criteria_of.get(version.pk, []) if version else []
        specs = [(c.pk, c.detector, {**c.detector_params, "patterns": patterns}) for c in criteria]
        findings, flags, (start, end) = analyse(conversation, specs)
        raw = {
            pk: RawAnswer(value=f.value, is_na=f.is_na) for pk, f in findings.items() if f.value is not None or f.is_na
        }
        result = score_answers(criteria=criteria, answers=raw, channel=contact.channel) if criteria else None
        if not criteria:
            counts["no_scorecard"] += 1
        reviews.append(
            AutoReview(
                contact_id=contact.pk,
                version=version if criteria else None,
                engine=engine,
                score=result.score if result and result.answered else None,
                auto_failed=bool(result and result.auto_failed),
                answered=result.answered if result else 0,
                sentiment_start=start,
                sentiment_end=end,
                flags=flags,
            )
        )
        answers[contact.pk] = [
            AutoAnswer(
                criterion_id=pk,
                value=f.value,
                is_na=f.is_na,
                evidence=f.evidence[:2000],
                source=AutoAnswer.Source.RULE,
                source_version=ENGINE_VERSION[:40],
            )
            for pk, f in findings.items()
            if f.value is not None or f.is_na
        ]
        counts["scored"] += 1
    if not reviews:
        return
    with transaction.atomic():
        AutoReview.objects.bulk_create(
            reviews,
            update_conflicts=True,
            unique_fields=["contact"],
            update_fields=[
                "version",
                "engine",
                "score",
                "auto_failed",
                "answered",
                "sentiment_start",
                "sentiment_end",
                "flags",
                "scored_at",
            ],
        )
        by_contact = dict(AutoReview.objects.filter(contact_id__in=list(answers)).values_list("contact_id", "pk"))
        AutoAnswer.objects.filter(auto_review_id__in=by_contact.values()).delete()
        rows = []
        for contact_id, items in answers.items():
            for item in items:
                item.auto_review_id = by_contact[contact_id]
                rows.append(item)
        AutoAnswer.objects.bulk_create(rows, batch_size=1000)


def autoreviews_due(*, limit: int | None = None, since=None) -> list[int]:
    """Contacts with text (started on or after `since`, a date, when given) whose automatic review is missing or made
    by another engine, newest first."""
    engine = engine_fingerprint()
    qs = Contact.objects.filter(contacts_with_text())
    if since is not None:
        qs = qs.filter(day__gte=since)
    qs = (
        qs.exclude(pk__in=AutoReview.objects.filter(engine=engine).values("contact_id"))
        .order_by("-started_at", "-pk")
        .values_list("pk", flat=True)
    )
    return list(qs[:limit] if limit else qs)
