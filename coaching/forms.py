from datetime import timedelta

from django import forms
from django.utils import timezone

from coaching.models import Activity
from core.models import Skill
from metrics import kpis

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type=date> reads


class PlanCreateForm(forms.Form):
    agent = forms.ModelChoiceField(queryset=None)
    focus = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents


class GoalForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.order_by("position", "name"))
    kpi = forms.ChoiceField(label="KPI", choices=kpis.CHOICES)
    target = forms.FloatField()
    due_date = forms.DateField(widget=DATE)
    baseline_start = forms.DateField(
        widget=DATE, required=False, help_text="Leave both empty for the window before today."
    )
    baseline_end = forms.DateField(widget=DATE, required=False)
    window_days = forms.IntegerField(
        label="Measure over (days)", min_value=1, max_value=366, initial=28, help_text="Trailing window."
    )
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_date"].initial = timezone.localdate() + timedelta(weeks=6)


class GoalEditForm(forms.Form):
    target = forms.FloatField()
    due_date = forms.DateField(widget=DATE)
    note = forms.CharField(max_length=300, required=False)


class AssignForm(forms.Form):
    activity = forms.ModelChoiceField(queryset=None)
    goal = forms.ModelChoiceField(queryset=None, required=False, help_text="The goal it serves (optional).")
    mentor = forms.ModelChoiceField(queryset=None, required=False, help_text="Peer mentoring only.")
    due_on = forms.DateField(widget=DATE, required=False)

    def __init__(self, *args, plan, activities, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["goal"].queryset = plan.goals.select_related("skill")
        self.fields["mentor"].queryset = mentors


class CompleteForm(forms.Form):
    answer = forms.TypedChoiceField(coerce=int, required=False, widget=forms.RadioSelect, empty_value=None)

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        choices = list(enumerate(activity.check_choices or []))
        self.fields["answer"].choices = choices
        self.fields["answer"].label = activity.check_question or "Answer"


class SessionForm(forms.Form):
    held_on = forms.DateField(widget=DATE)
    strengths = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="What went well.")
    try_differently = forms.CharField(label="One thing to try differently", widget=forms.Textarea(attrs={"rows": 2}))
    agreed_actions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_session_on = forms.DateField(widget=DATE, required=False)
    reviews = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, help_text="QA reviews discussed."
    )

    def __init__(self, *args, reviews, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["reviews"].queryset = reviews
        self.fields["reviews"].label_from_instance = lambda review: (
            f"{review.contact.started_at:%d %b %Y} · {review.contact.external_id} · "
            f"{'—' if review.score is None else f'{review.score:.0f}'}"
        )


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000, label="Your comment (optional)"
    )


class ActivityForm(forms.ModelForm):
    link = forms.URLField(required=False, assume_scheme="https", help_text="Optional link to the material.")
    check_choices_text = forms.CharField(
        label="Answer options",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One per line (micro-learning).",
    )

    class Meta:
        model = Activity
        fields = [
            "code",
            "title",
            "kind",
            "skill",
            "summary",
            "content",
            "link",
            "duration_minutes",
            "check_question",
            "check_answer",
            "is_active",
        ]
        labels = {"check_answer": "Correct option (0 = first line)"}

    def __init__(self, *args, is_admin: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["check_choices_text"].initial = "\n".join(self.instance.check_choices or [])
        self.fields["skill"].queryset = Skill.objects.order_by("position", "name")
        if not is_admin:  # a lead's activity is a proposal: an admin decides when it is active
            del self.fields["is_active"]

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        data["check_choices"] = [
            line.strip() for line in self.cleaned_data.get("check_choices_text", "").splitlines() if line.strip()
        ]
        return data


class SuggestionAcceptForm(forms.Form):
    target = forms.FloatField()
    due_date = forms.DateField(widget=DATE)
    activities = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    mentor = forms.ModelChoiceField(queryset=None, required=False, help_text="Empty: no peer mentor.")

    def __init__(self, *args, suggestion, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = Activity.objects.filter(skill=suggestion.skill, is_active=True).exclude(
            kind=Activity.Kind.PEER_MENTORING
        )
        self.fields["mentor"].queryset = mentors


class TargetForm(forms.Form):
    """One row per KPI: empty means the default target applies."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kpi, label in kpis.CHOICES:
            low, high = kpis.get(kpi).scale
            # The browser keeps values in range; the server's check (services.kpi_targets_set) names the range.
            self.fields[kpi] = forms.FloatField(
                label=label,
                required=False,
                initial=current.get(kpi),
                widget=forms.NumberInput(attrs={"min": f"{low:g}", "max": f"{high:g}", "step": "any"}),
            )
