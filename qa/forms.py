from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import Channel, Skill
from core.views import add_service_errors
from qa.models import Criterion, ScorecardSection
from qa.scoring import RawAnswer, fraction_of
from qa.selectors import criteria_by_skill

NA = "na"


@dataclass
class CriterionRow:
    criterion: Criterion
    choice: forms.BoundField
    comment: forms.BoundField
    failing: frozenset[str]  # values that fail a critical criterion (no, or below half)


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
        """The answers given (valid fields only, so a live preview works on a half-filled form)."""
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

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                field = f"c{key.removeprefix('criterion_')}" if key.startswith("criterion_") else key
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error)


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label="Why do you dispute this review?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SectionForm(forms.Form):
    title = forms.CharField(max_length=120)


class CriterionForm(forms.Form):
    section = forms.ModelChoiceField(queryset=ScorecardSection.objects.none())
    skill = forms.ModelChoiceField(queryset=Skill.objects.order_by("position", "name"))
    text = forms.CharField(max_length=300, label="Observable behaviour")
    guidance = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weight = forms.DecimalField(min_value=0.01, max_digits=5, decimal_places=2, initial=1)
    scale = forms.ChoiceField(choices=Criterion.Scale.choices, initial=Criterion.Scale.YES_NO)
    # The model keeps the points as small integers.
    scale_min = forms.IntegerField(initial=1, required=False, min_value=-100, max_value=100, label="Lowest point")
    scale_max = forms.IntegerField(initial=4, required=False, min_value=-100, max_value=100, label="Highest point")
    point_labels = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Point descriptions",
        help_text="One line per point, lowest first (points scale only).",
    )
    critical = forms.BooleanField(required=False, help_text="A fail (no, or below half) sets the review to 0.")
    allow_na = forms.BooleanField(required=False, label="Allow N/A")
    channels = forms.MultipleChoiceField(
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every channel.",
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = version.sections.order_by("position", "pk")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("section")
        data["point_labels"] = [line for line in (data.get("point_labels") or "").splitlines() if line.strip()]
        data["scale_min"] = data.get("scale_min") if data.get("scale_min") is not None else 1
        data["scale_max"] = data.get("scale_max") if data.get("scale_max") is not None else 4
        return data

    def add_service_error(self, error: ValidationError) -> None:
        add_service_errors(self, error)


class SamplingForm(forms.Form):
    teams = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    period_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    per_agent = forms.IntegerField(min_value=1, max_value=50, initial=5, label="Conversations per agent")
    channel = forms.ChoiceField(choices=[("", "Any channel"), *Channel.choices], required=False)
    max_csat = forms.IntegerField(
        min_value=1, max_value=5, required=False, label="Only CSAT at most", help_text="e.g. 2 for unhappy customers"
    )
    min_handle_seconds = forms.IntegerField(
        min_value=0,
        max_value=86_400,
        required=False,
        label="Only handle time at least (s)",
        help_text="e.g. 900 for long contacts",
    )
    seed = forms.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        help_text="Blank: a new random seed. The same seed over the same conversations draws the same sample "
        "(conversations that already have a review are skipped).",
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams
        today = timezone.localdate()
        monday = today - timedelta(days=today.weekday())
        self.fields["period_start"].initial = monday - timedelta(days=7)
        self.fields["period_end"].initial = monday - timedelta(days=1)

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", "The period ends before it starts.")
        return data


class MarginForm(forms.Form):
    margin = forms.FloatField(min_value=0.5, max_value=50, initial=5, label="Margin (± points)")
