"""What-if: re-score last period's reviews under a (draft) version, matching criteria by their stable key.

The reviews come from qa.reviews.selectors.whatif_reviews (the page lives with the review pages); this is the rule."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Model

from qa.scorecards.models import Criterion, ScorecardVersion
from qa.scorecards.selectors import version_criteria
from qa.scoring import RawAnswer, fraction_of, score_answers

LIMIT = 300  # reviews re-scored at most


@dataclass
class WhatIfRow:
    review: Model  # a qa.reviews Review
    real: Decimal | None
    real_auto_failed: bool
    whatif: Decimal | None
    whatif_auto_failed: bool
    unanswered: int  # criteria of the draft with no matching answer (left out, as if N/A)

    @property
    def delta(self) -> Decimal | None:
        if self.real is None or self.whatif is None:
            return None
        return self.whatif - self.real


def _translate(answer: RawAnswer, old: Criterion, new: Criterion) -> RawAnswer | None:
    """An old answer on the new criterion's scale: same scale kept as is, else mapped through its fraction."""
    if answer.is_na:
        return RawAnswer(is_na=True, comment=answer.comment) if new.allow_na else None
    if answer.value is None:
        return None
    if (old.scale, old.scale_min, old.scale_max) == (new.scale, new.scale_min, new.scale_max):
        return RawAnswer(value=answer.value, comment=answer.comment)
    fraction = fraction_of(old, answer.value)
    if new.scale == Criterion.Scale.YES_NO:
        return RawAnswer(value=1 if fraction >= Fraction(1, 2) else 0, comment=answer.comment)
    value = new.scale_min + math.floor(fraction * (new.scale_max - new.scale_min) + Fraction(1, 2))
    return RawAnswer(value=value, comment=answer.comment)


def whatif_rescore(*, version: ScorecardVersion, reviews: Iterable) -> tuple[list[WhatIfRow], dict]:
    """Each review (with its answers and their criteria prefetched) re-scored under `version`, beside its real score."""
    criteria = version_criteria(version=version)
    by_key = {c.key: c for c in criteria}
    rows: list[WhatIfRow] = []
    for review in reviews:
        mapped: dict[int, RawAnswer] = {}
        for answer in review.answers.all():
            new = by_key.get(answer.criterion.key)
            if new is None:
                continue
            given = RawAnswer(value=answer.value, is_na=answer.is_na, comment=answer.comment)
            raw = _translate(given, answer.criterion, new)
            if raw is not None:
                mapped[new.pk] = raw
        result = score_answers(criteria=criteria, answers=mapped, channel=review.contact.channel)
        rows.append(
            WhatIfRow(
                review=review,
                real=review.score,
                real_auto_failed=review.auto_failed,
                whatif=result.score,
                whatif_auto_failed=result.auto_failed,
                unanswered=len(result.missing),
            )
        )
    scored = [r for r in rows if r.real is not None and r.whatif is not None]
    summary = {
        "n": len(rows),
        "real_mean": sum(r.real for r in scored) / len(scored) if scored else None,
        "whatif_mean": sum(r.whatif for r in scored) / len(scored) if scored else None,
        "changed": sum(1 for r in scored if r.delta),
        "real_auto_failed": sum(1 for r in rows if r.real_auto_failed),
        "whatif_auto_failed": sum(1 for r in rows if r.whatif_auto_failed),
        "limit": LIMIT,
    }
    return rows, summary
