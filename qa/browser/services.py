"""Writes of the conversation browser: saved filters, and "review this" (an ad-hoc review on the right scorecard)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import Contact, User
from qa.browser.models import SavedFilter
from qa.reviews.models import Review
from qa.reviews.services import review_create
from qa.scorecards.services import version_for_contact

# Why a conversation was picked on purpose (a sampled review comes from sampling, a self-review from the agent).
PICKED_ORIGINS = [Review.Origin.AD_HOC, Review.Origin.COMPLAINT, Review.Origin.ESCALATION]


def review_this(*, contact: Contact, reviewer: User, origin: str) -> Review:
    """A draft review of `contact` assigned to `reviewer`, on the scorecard the rules pick for it, counted apart from
    the random sample (its origin says why it was picked)."""
    if origin not in PICKED_ORIGINS:
        raise ValidationError({"origin": "Choose why this conversation is reviewed."})
    version = version_for_contact(contact)
    if version is None:
        raise ValidationError({"version": "No published scorecard to review this conversation with."})
    return review_create(contact=contact, reviewer=reviewer, version=version, origin=origin)


@transaction.atomic
def saved_filter_create(*, user: User, name: str, query: str) -> SavedFilter:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the filter a name."})
    saved = SavedFilter(user=user, name=name, query=query.lstrip("?"))
    saved.full_clean()
    try:
        with transaction.atomic():
            saved.save()
    except IntegrityError:
        raise ValidationError({"name": "You already have a saved filter with this name."}) from None
    return saved


def saved_filter_delete(*, saved_filter: SavedFilter) -> None:
    saved_filter.delete()
