"""What reviewers see of AutoQA: the suggestions beside each criterion on the review page, the suggestion recorded
on each human answer when it is saved, and the reads of the API (automatic reviews in scope, the automatic criteria
with their agreement with released human answers). Nothing here writes a Review or feeds a QA figure."""

from dataclasses import dataclass

from django.db.models import Case, Count, F, FloatField, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import Cast

from core.models import User
from core.selectors.scope import agents_for_user
from qa.autoqa.models import AutoAnswer, AutoReview
from qa.reviews.models import COUNTED_STATUSES, Review
from qa.scorecards.models import Criterion, ScorecardVersion
from qa.scoring import answer_label

# How a flag reads on the review page; an unknown flag reads as its code made readable.
FLAG_LABELS = {
    "pii_card_number": "Card number typed by the agent",
    "pii_iban": "IBAN typed by the agent",
    "pii_email": "Email address typed by the agent",
    "pii_phone": "Phone number typed by the agent",
    "account_details_before_verification": "Account details given before the identity was verified",
    "prohibited_phrase": "Prohibited phrase used",
}

NA = "na"  # the form's value for N/A (qa.reviews.forms.NA)


def flag_label(flag: str) -> str:
    return FLAG_LABELS.get(flag) or flag.replace("_", " ").capitalize()


def suggestions_shown(review: Review) -> bool:
    """Whether the review page shows AutoQA's suggestions on this review: not on a calibration review (scored
    blind) nor on the agent's self-review."""
    return not review.is_calibration and review.origin != Review.Origin.SELF


@dataclass(frozen=True)
class Suggestion:
    """AutoQA's answer to one criterion as the review page shows it."""

    value: int | None
    is_na: bool
    label: str  # "Yes", "No", "4 of 1–5", "N/A"
    form_value: str  # the radio's value it selects ("1", "0", "4", "na")
    evidence: str
    source: str
    source_label: str


def suggestions_for_save(*, review: Review, criterion_ids) -> dict[int, tuple[int | None, bool]]:
    """The suggestion (value, is_na) shown for each of `criterion_ids` on `review`, from the contact's AutoAnswers at
    save time, matched on the criterion's key (stable across versions: AutoQA may have scored the contact with
    another version of the scorecard). One query; empty when the review shows none."""
    if not suggestions_shown(review) or not criterion_ids:
        return {}
    auto = AutoAnswer.objects.filter(
        Q(value__isnull=False) | Q(is_na=True),
        auto_review__contact_id=review.contact_id,
        criterion__key=OuterRef("key"),
    ).order_by("pk")
    rows = (
        Criterion.objects.filter(pk__in=list(criterion_ids))
        .annotate(s_value=Subquery(auto.values("value")[:1]), s_na=Subquery(auto.values("is_na")[:1]))
        .filter(s_na__isnull=False)
        .values_list("pk", "s_value", "s_na")
    )
    return {pk: (None if na else value, bool(na)) for pk, value, na in rows}


def review_page_section(*, user: User, review: Review, criteria, answers, **_) -> dict:
    """The review page's AutoQA context (registered in REVIEW_PAGE_SECTIONS): the contact's automatic review (score,
    sentiment, flags) and a suggestion per criterion (matched on its key), for reviewers on a review that shows them.
    Two queries."""
    from qa.rules import is_reviewer  # qa.rules reads reviews; imported late like the other page sections

    if not suggestions_shown(review) or not is_reviewer(user):
        return {}
    auto = (
        AutoReview.objects.filter(contact_id=review.contact_id)
        .prefetch_related(Prefetch("answers", queryset=AutoAnswer.objects.select_related("criterion").order_by("pk")))
        .first()
    )
    if auto is None:
        return {}
    by_key = {c.key: c for c in criteria}  # the key is stable across versions
    suggestions: dict[int, Suggestion] = {}
    for answer in auto.answers.all():
        criterion = by_key.get(answer.criterion.key)
        if criterion is None or (answer.value is None and not answer.is_na):
            continue
        suggestions[criterion.pk] = Suggestion(
            value=answer.value,
            is_na=answer.is_na,
            label=answer_label(criterion, answer.value, is_na=answer.is_na, points="of_scale_described"),
            form_value=NA if answer.is_na else str(answer.value),
            evidence=answer.evidence,
            source=answer.source,
            source_label=f"{answer.get_source_display()}{' ' + answer.source_version if answer.source_version else ''}",
        )
    return {
        "autoqa": {
            "review": auto,
            "suggestions": suggestions,
            "flags": [flag_label(flag) for flag in auto.flags or []],
        }
    }


# API reads --------------------------------------------------------------------------------------------------------


def auto_reviews_for_user(*, user: User) -> QuerySet[AutoReview]:
    """Automatic reviews of the contacts of the agents in the caller's scope (an agent: their own), with their
    answers and criteria loaded (a constant number of queries per page)."""
    answers = AutoAnswer.objects.select_related("criterion").order_by("criterion__position", "pk")
    return (
        AutoReview.objects.filter(contact__agent__in=agents_for_user(user=user).values("pk"))
        .select_related("contact__agent", "contact__team")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("-contact__started_at", "-pk")
    )


def auto_criteria_for_user(*, user: User, reviews: QuerySet[Review]) -> QuerySet[Criterion]:
    """Criteria with a detector on published scorecard versions, each with its agreement with the human answers of
    the released `reviews` (the caller's scope) that were shown a suggestion: n_suggested, n_agreed (same value, or
    both N/A) and agreement_share, computed in the database."""
    shown = Q(answers__review__in=reviews.filter(status__in=COUNTED_STATUSES).values("pk")) & (
        Q(answers__suggested_value__isnull=False) | Q(answers__suggested_na=True)
    )
    agreed = shown & (
        Q(answers__suggested_na=True, answers__is_na=True)
        | Q(answers__suggested_na=False, answers__is_na=False, answers__value=F("answers__suggested_value"))
    )
    return (
        Criterion.objects.exclude(detector="")
        .filter(version__status=ScorecardVersion.Status.PUBLISHED)
        .select_related("version__template")
        .annotate(n_suggested=Count("answers", filter=shown), n_agreed=Count("answers", filter=agreed))
        .annotate(
            agreement_share=Case(
                When(n_suggested=0, then=None),
                default=Cast(F("n_agreed"), FloatField()) / Cast(F("n_suggested"), FloatField()),
                output_field=FloatField(),
            )
        )
        .order_by("version__template__name", "section__position", "position", "pk")
    )
