"""Forms of calibration sessions and gold sets; choices are limited to what the asking lead may use."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from core.models import Agent, Contact, Team, User
from core.selectors.channels import channel_choices
from core.selectors.scope import agents_for_user, teams_for_user
from qa.calibration.models import GoldSet
from qa.calibration.selectors import eligible_participants, gold_sets_for_user
from qa.scorecards.models import Criterion, ScorecardVersion

NA = "na"


def _contacts_for(user: User):
    return (
        Contact.objects.filter(
            agent__in=agents_for_user(user=user).values("pk"), team__in=teams_for_user(user=user).values("pk")
        )
        .select_related("agent__user", "team")
        .order_by("-started_at")
    )


class ContactChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Contact) -> str:
        where = f"{obj.agent.name} ({obj.team.name})"
        return f"{obj.external_id} · {obj.get_channel_display()} · {where} · {obj.started_at:%d %b}"


class UserChoiceLabel:
    @staticmethod
    def label(user: User) -> str:
        return user.get_full_name() or user.username


class ReviewerMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return UserChoiceLabel.label(obj)


class ReviewerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return UserChoiceLabel.label(obj)


def _published_versions():
    return ScorecardVersion.objects.exclude(status=ScorecardVersion.Status.DRAFT).select_related("template")


class SessionForm(forms.Form):
    title = forms.CharField(max_length=160, widget=forms.TextInput(attrs={"class": "form-control"}))
    gold_set = forms.ModelChoiceField(
        queryset=GoldSet.objects.none(),
        required=False,
        empty_label="— none: pick conversations and a calibrator —",
        help_text="Run a gold set: its conversations and agreed answers replace the fields below.",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    version = forms.ModelChoiceField(
        queryset=ScorecardVersion.objects.none(), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    # Picked with the conversation finder (ContactSearchForm, rendered by the page, not by this field): any
    # conversation in the lead's scope, however old.
    contacts = ContactChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="Conversations",
        widget=forms.MultipleHiddenInput,
    )
    calibrator = ReviewerField(
        queryset=User.objects.none(),
        required=False,
        help_text="Their answers are the benchmark.",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    participants = ReviewerMultipleField(
        queryset=User.objects.none(),
        help_text="QA reviewers of any vendor in your scope, in-house and partner.",
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
    )
    deadline = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )

    def __init__(self, *args, lead: User, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("deadline", timezone.localtime() + timedelta(days=3))
        super().__init__(*args, **kwargs)
        self.fields["gold_set"].queryset = gold_sets_for_user(user=lead)
        self.fields["version"].queryset = _published_versions()
        self.fields["contacts"].queryset = _contacts_for(lead)
        reviewers = eligible_participants(lead=lead)
        self.fields["calibrator"].queryset = reviewers
        self.fields["participants"].queryset = reviewers


class ContactSearchForm(forms.Form):
    """The conversation finder of the session form: words of the transcript or the conversation id, channel, team,
    agent and a date range, over every conversation in the lead's scope. Its fields are prefixed "find"."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        widget=forms.SearchInput(attrs={"class": "form-control", "placeholder": "Transcript words or conversation id"}),
    )
    channel = forms.ChoiceField(
        required=False,
        choices=lambda: [("", "Any channel"), *channel_choices(include_inactive=True)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="Any team",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    agent = forms.ModelChoiceField(
        queryset=Agent.objects.none(),
        required=False,
        empty_label="Any agent",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def __init__(self, *args, lead: User, **kwargs):
        kwargs.setdefault("prefix", "find")
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_for_user(user=lead).select_related("vendor").order_by("name")
        self.fields["agent"].queryset = (
            agents_for_user(user=lead).select_related("user").order_by("user__last_name", "user__first_name")
        )

    def filters(self) -> dict:
        """The valid filters given (an invalid one is left out: the finder keeps answering)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ReviseForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.CharField(max_length=10)

    def answer(self) -> tuple[int | None, bool]:
        raw = self.cleaned_data["value"]
        if raw == NA:
            return None, True
        try:
            return int(raw), False
        except ValueError:
            raise forms.ValidationError("Choose a value of the scale.") from None

    def clean(self):
        cleaned = super().clean()
        if "value" in cleaned:
            self.answer()
        return cleaned


class DiscussionForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    agreed = forms.CharField(required=False, max_length=10)

    def agreed_answer(self) -> tuple[int | None, bool]:
        raw = self.cleaned_data.get("agreed") or ""
        if raw == NA:
            return None, True
        if raw == "":
            return None, False
        try:
            return int(raw), False
        except ValueError:
            return None, False


class GoldSetForm(forms.Form):
    name = forms.CharField(max_length=120, widget=forms.TextInput(attrs={"class": "form-control"}))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    version = forms.ModelChoiceField(
        queryset=ScorecardVersion.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    contacts = ContactChoiceField(
        queryset=Contact.objects.none(), label="Conversations", widget=forms.MultipleHiddenInput
    )  # picked with the conversation finder, like the session form's

    def __init__(self, *args, lead: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = _published_versions()
        self.fields["contacts"].queryset = _contacts_for(lead)


def criterion_choices(criterion: Criterion) -> list[tuple[str, str]]:
    choices = [
        (str(value), f"{value} {label}".strip() if criterion.scale == "points" else label)
        for value, label in criterion.points
    ]
    if criterion.allow_na:
        choices.append((NA, "N/A"))
    return choices
