"""Forms of the scorecard builder."""

from django import forms
from django.core.exceptions import ValidationError

from core.models import Skill
from core.selectors.channels import channel_choices
from core.views import add_service_errors
from qa.scorecards.models import Criterion, ScorecardSection


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
        choices=channel_choices,
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


class ScorecardRuleForm(forms.Form):
    template = forms.ModelChoiceField(queryset=None, label="Scorecard", help_text="Its published version is used.")
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any team")
    vendor = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Any vendor",
        help_text="A team already names its vendor: choose a team or a vendor.",
    )
    channel = forms.ChoiceField(choices=lambda: [("", "Any channel"), *channel_choices()], required=False)
    active = forms.BooleanField(required=False, initial=True, help_text="An inactive rule is kept but never used.")

    def __init__(self, *args, templates, teams, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["template"].label_from_instance = lambda t: t.name if t.version_id else f"{t.name} (not published)"
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda t: f"{t.name} ({t.vendor.name})"
        self.fields["vendor"].queryset = vendors

    def add_service_error(self, error: ValidationError) -> None:
        add_service_errors(self, error)


class RuleExplainForm(forms.Form):
    """Which scorecard would a contact of this team on this channel get?"""

    team = forms.ModelChoiceField(queryset=None)
    channel = forms.ChoiceField(choices=lambda: channel_choices())

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
