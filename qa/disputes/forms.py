"""Forms of disputes: the agent's dispute (a reason code and a comment), a QA lead's send-back note, a comment."""

from django import forms

from qa.disputes.models import DisputeReason
from qa.disputes.services import COMMENT_MAX_LENGTH


class DisputeForm(forms.Form):
    code = forms.ModelChoiceField(
        queryset=DisputeReason.objects.none(),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        label="What is wrong with this review?",
        error_messages={"required": "Choose a reason.", "invalid_choice": "Choose one of the listed reasons."},
    )
    reason = forms.CharField(
        label="Comment for the reviewer",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            'Required when you choose "Other", since nothing else says what is wrong; optional otherwise, but a '
            "time in the recording or the earlier contact you mean helps the reviewer decide faster."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].queryset = DisputeReason.objects.filter(active=True).order_by("position", "label")

    def clean(self):
        data = super().clean()
        code = data.get("code")
        if code is not None and code.needs_comment and not (data.get("reason") or "").strip():
            self.add_error("reason", 'Say why you dispute this review (required with "Other").')
        return data


class SendBackForm(forms.Form):
    note = forms.CharField(
        label="What should the resolver look at again?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what the resolver should look at again."},
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Type @ and a username to mention someone who can see this review.",
        error_messages={"required": "Write a comment."},
    )
