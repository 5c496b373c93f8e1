"""Forms of the review page: the scorecard answers (reviews, dispute resolution, calibration); the dispute's forms are
in qa.disputes.forms."""

from dataclasses import dataclass
from fractions import Fraction

from django import forms
from django.core.exceptions import ValidationError

from core.models import Skill
from core.views import int_param
from qa.scorecards.models import Criterion
from qa.scorecards.selectors import criteria_by_skill
from qa.scoring import RawAnswer, fraction_of

NA = "na"


@dataclass
class CriterionRow:
    criterion: Criterion
    choice: forms.BoundField
    comment: forms.BoundField
    failing: frozenset[str]  # values that fail a critical criterion (no, or below half)

    @property
    def needs_reason(self) -> bool:
        """Refused for a failing critical answer without a reason: the error belongs next to the comment box."""
        return bool(self.choice.errors) and str(self.choice.value() or "") in self.failing


@dataclass
class SkillRows:
    skill: Skill
    rows: list[CriterionRow]


def _failing(criterion: Criterion) -> frozenset[str]:
    if not criterion.critical:
        return frozenset()
    return frozenset(str(v) for v, _ in criterion.points if fraction_of(criterion, v) < Fraction(1, 2))


class ScorecardForm(forms.Form):
    """The answers to a scorecard version for one contact: a choice (and N/A where allowed) and a comment per
    criterion that applies to the contact's channel. Used by reviews, dispute resolution and calibration."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        required=False,
        label="Overall feedback for the agent",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, criteria: list[Criterion], channel: str, answers=None, **kwargs):
        initial = dict(kwargs.pop("initial", {}) or {})
        for criterion_id, raw in (answers or {}).items():
            initial[f"c{criterion_id}"] = NA if raw.is_na else ("" if raw.value is None else str(raw.value))
            initial[f"c{criterion_id}_comment"] = raw.comment
        super().__init__(*args, initial=initial, **kwargs)
        self.groups_by_skill = criteria_by_skill(criteria, channel=channel)
        self.criteria = [c for group in self.groups_by_skill for c in group.criteria]
        for criterion in self.criteria:
            choices = [(str(value), label or str(value)) for value, label in criterion.points]
            if criterion.allow_na:
                choices.append((NA, "N/A"))
            self.fields[f"c{criterion.pk}"] = forms.ChoiceField(
                choices=choices, required=False, widget=forms.RadioSelect, label=criterion.text
            )
            self.fields[f"c{criterion.pk}_comment"] = forms.CharField(
                required=False,
                label="Comment" + (" (a fail needs a reason)" if criterion.critical else ""),
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
            )

    def skill_rows(self) -> list[SkillRows]:
        return [
            SkillRows(
                skill=group.skill,
                rows=[CriterionRow(c, self[f"c{c.pk}"], self[f"c{c.pk}_comment"], _failing(c)) for c in group.criteria],
            )
            for group in self.groups_by_skill
        ]

    def answers(self) -> dict[int, RawAnswer]:
        """The answers given (valid fields only, so a live preview works on a half-filled form). Once a service has
        refused them (add_service_error), still the answers that were posted: Django drops a field in error from
        cleaned_data, and the page must go on scoring what is on screen (a critical "No" still auto-fails)."""
        if getattr(self, "_refused_answers", None) is not None:
            return self._refused_answers
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        out: dict[int, RawAnswer] = {}
        for criterion in self.criteria:
            choice = data.get(f"c{criterion.pk}") or ""
            comment = (data.get(f"c{criterion.pk}_comment") or "").strip()
            if choice == NA:
                out[criterion.pk] = RawAnswer(is_na=True, comment=comment)
            elif choice:
                out[criterion.pk] = RawAnswer(value=int(choice), comment=comment)
            elif comment:
                out[criterion.pk] = RawAnswer(value=None, comment=comment)
        return out

    def error_rows(self) -> list[tuple[Criterion, list[str]]]:
        """The criteria in error with their messages, in scorecard order (the summary above the form links to them)."""
        return [(c, list(self.errors[f"c{c.pk}"])) for c in self.criteria if f"c{c.pk}" in self.errors]

    def add_service_error(self, error: ValidationError) -> None:
        self._refused_answers = self.answers()
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                field = f"c{key.removeprefix('criterion_')}" if key.startswith("criterion_") else key
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error)


# Queue (the reviewer's workspace) -----------------------------------------------------------------------------------

MAX_BULK = 100


class ReviewIdsField(forms.Field):
    """The ids of the rows ticked in the queue (`review` repeated)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        ids = [int_param(v) for v in values]
        if None in ids:
            raise ValidationError("Not a review of the queue.")
        if len(set(ids)) > MAX_BULK:
            raise ValidationError(f"Select at most {MAX_BULK} reviews at once.")
        return sorted(set(ids))


class QueueAssignForm(forms.Form):
    """A QA lead gives the ticked drafts to a reviewer of their scope, or unassigns them."""

    ASSIGN, UNASSIGN = "assign", "unassign"

    review = ReviewIdsField(error_messages={"required": "Select at least one review."})
    action = forms.ChoiceField(choices=[(ASSIGN, "Assign"), (UNASSIGN, "Unassign")])
    reviewer = forms.ModelChoiceField(queryset=None, required=False, empty_label="Choose a reviewer")

    def __init__(self, *args, reviewers, **kwargs):
        kwargs.setdefault("auto_id", "id_assign_%s")  # the queue's filter form has a "reviewer" field too
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].widget.attrs["class"] = "form-select form-select-sm"

    def clean(self):
        data = super().clean()
        if data.get("action") == self.ASSIGN and not data.get("reviewer"):
            self.add_error("reviewer", "Choose the reviewer to assign the selected reviews to.")
        return data


class ReviewerPreferenceForm(forms.Form):
    auto_advance = forms.BooleanField(required=False, label="Open the next review after submitting")
