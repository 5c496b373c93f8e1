"""Forms of sampling: a run's filters, and the margin the reviews-needed figure plans for."""

from django import forms

from core.selectors.channels import channel_choices
from qa.sampling.services import last_week
from qa.scorecards.models import ScorecardVersion


class SamplingForm(forms.Form):
    teams = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    period_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    per_agent = forms.IntegerField(min_value=1, max_value=50, initial=5, label="Conversations per agent")
    channel = forms.ChoiceField(choices=lambda: [("", "Any channel"), *channel_choices()], required=False)
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
    version = forms.ModelChoiceField(
        queryset=ScorecardVersion.objects.filter(status=ScorecardVersion.Status.PUBLISHED)
        .select_related("template")
        .order_by("template__name"),
        required=False,
        empty_label="By rules (each team's, vendor's or channel's own scorecard)",
        label="Scorecard",
        help_text="By rules, each conversation gets the scorecard its rule picks (the default where none does); "
        "a scorecard chosen here is used for every conversation of the draw.",
    )
    seed = forms.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        help_text="Blank: a new random seed (the preview shows it). The same seed over the same conversations draws "
        "the same sample (conversations that already have a review are skipped).",
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams
        # The weekly job's week (one definition), so an extra draw defaults to what Monday's job sampled.
        self.fields["period_start"].initial, self.fields["period_end"].initial = last_week()

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", "The period ends before it starts.")
        return data


class MarginForm(forms.Form):
    margin = forms.FloatField(min_value=0.5, max_value=50, initial=5, label="Margin (± points)")
