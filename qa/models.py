"""The module Django loads for the qa app: every QA model, defined in its topic package (app label "qa").

Code inside qa imports models from their topic package (qa.scorecards.models, qa.reviews.models, …), never from
here; other apps read QA through qa's selectors.
"""

from qa.autoqa.models import AutoAnswer, AutoReview, PhraseList
from qa.browser.models import SavedFilter
from qa.calibration.models import (
    CalibrationAssignment,
    CalibrationDiscussion,
    CalibrationItem,
    CalibrationParticipant,
    CalibrationRevision,
    CalibrationSession,
    GoldAnswer,
    GoldSet,
    GoldSetItem,
)
from qa.disputes.models import DisputeProposal, DisputeReason, ReviewComment
from qa.reviews.models import (
    ALREADY_REVIEWED,
    COUNTED_STATUSES,
    TARGETED_ORIGINS,
    Review,
    ReviewAnswer,
    ReviewerPreference,
    ReviewSkillScore,
)
from qa.sampling.models import SamplingRun
from qa.scorecards.models import Criterion, ScorecardRule, ScorecardSection, ScorecardTemplate, ScorecardVersion

__all__ = [
    "AutoAnswer",
    "AutoReview",
    "PhraseList",
    "ALREADY_REVIEWED",
    "COUNTED_STATUSES",
    "CalibrationAssignment",
    "CalibrationDiscussion",
    "CalibrationItem",
    "CalibrationParticipant",
    "CalibrationRevision",
    "CalibrationSession",
    "Criterion",
    "DisputeProposal",
    "DisputeReason",
    "GoldAnswer",
    "GoldSet",
    "GoldSetItem",
    "Review",
    "ReviewAnswer",
    "ReviewComment",
    "ReviewSkillScore",
    "ReviewerPreference",
    "SamplingRun",
    "TARGETED_ORIGINS",
    "ScorecardRule",
    "SavedFilter",
    "ScorecardSection",
    "ScorecardTemplate",
    "ScorecardVersion",
]
