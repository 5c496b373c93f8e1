from django import forms
from django.contrib.auth.models import Group
from django.utils import timezone

from assessments.models import ASSESSMENT_STAGES, Candidate, CandidateTest, Interview, Requisition, Scenario, Stage
from assessments.validators import CV_EXTENSIONS
from core import roles
from core.models import RoleProfile, Team, User
from core.selectors.channels import channel_choices


def hiring_managers():
    group = Group.objects.filter(name=roles.HIRING_MANAGER).first()
    users = User.objects.filter(is_active=True)
    return users.filter(groups=group) if group else users.none()


class RequisitionForm(forms.Form):
    title = forms.CharField(max_length=150)
    role_profile = forms.ModelChoiceField(queryset=RoleProfile.objects.order_by("name"))
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True).order_by("name"),
        required=False,
        help_text="The team hires will join.",
    )
    hiring_team = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Hiring managers who work this requisition (you are added if you are one).",
    )
    stages = forms.MultipleChoiceField(
        choices=[(str(stage), stage.label) for stage in ASSESSMENT_STAGES],
        widget=forms.CheckboxSelectMultiple,
        initial=[str(stage) for stage in ASSESSMENT_STAGES],
    )
    openings = forms.IntegerField(min_value=1, max_value=500, initial=1)
    status = forms.ChoiceField(choices=Requisition.Status.choices, initial=Requisition.Status.OPEN)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hiring_team"].queryset = hiring_managers().order_by("last_name", "first_name")
        if not editing:
            del self.fields["status"]


class CandidateForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = ["first_name", "last_name", "email", "phone", "source", "cv"]
        help_texts = {"cv": f"{', '.join(sorted(CV_EXTENSIONS))}; up to 5 MB."}
        widgets = {"cv": forms.ClearableFileInput(attrs={"accept": ",".join(sorted(CV_EXTENSIONS))})}

    def __init__(self, *args, requisition: Requisition, **kwargs):
        self.requisition = requisition
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if self.requisition.candidates.filter(email__iexact=email).exists():
            raise forms.ValidationError("This person is already a candidate for this requisition.")
        return email


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(choices=[(str(stage), stage.label) for stage in ASSESSMENT_STAGES])
    note = forms.CharField(max_length=300, required=False)


class InterviewStartForm(forms.Form):
    stage = forms.ChoiceField(choices=[], widget=forms.Select(attrs={"class": "form-select"}))
    scenario = forms.ModelChoiceField(
        queryset=Scenario.objects.filter(is_active=True).order_by("title"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="For the role-play stage.",
    )

    def __init__(self, *args, requisition: Requisition, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Stage.choices)
        self.fields["stage"].choices = [(code, labels[code]) for code in requisition.stages if code != Stage.APTITUDE]

    def clean(self):
        data = super().clean()
        if data.get("stage") == Stage.ROLE_PLAY and not data.get("scenario"):
            self.add_error("scenario", "Choose the role-play scenario.")
        return data


class SubmitInterviewForm(forms.Form):
    recommendation = forms.ChoiceField(choices=Interview.Recommendation.choices, widget=forms.RadioSelect)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)


class IssueLinkForm(forms.Form):
    kind = forms.ChoiceField(choices=CandidateTest.Kind.choices, widget=forms.Select(attrs={"class": "form-select"}))
    valid_days = forms.IntegerField(
        min_value=1, max_value=30, initial=7, widget=forms.NumberInput(attrs={"class": "form-control"})
    )


class TestEmailForm(forms.Form):
    """The requisition's email carrying a candidate's test link (checked by the service: placeholders, {link})."""

    test_email_subject = forms.CharField(label="Subject", max_length=200)
    test_email_body = forms.CharField(
        label="Body",
        widget=forms.Textarea(attrs={"rows": 14, "class": "font-monospace"}),
        max_length=10000,
        help_text="Plain text. The email also carries an “Open your test” button with the link.",
    )


class RejectForm(forms.Form):
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class HireForm(forms.Form):
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    team = forms.ModelChoiceField(queryset=Team.objects.filter(is_active=True).order_by("name"))
    # <input type="date"> only shows a value in ISO form (YYYY-MM-DD), whatever the locale's date format.
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    employee_id = forms.CharField(max_length=50)
    username = forms.CharField(max_length=150, required=False, help_text="Defaults to the email's local part.")
    channels = forms.MultipleChoiceField(
        choices=channel_choices, widget=forms.CheckboxSelectMultiple, required=False, initial=["email", "chat"]
    )

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].initial = candidate.requisition.team_id
        self.fields["start_date"].initial = timezone.localdate()
