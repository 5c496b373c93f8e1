"""Forms of the upload pages: choose a file, its kind and profile; build a profile from a file's header."""

from django import forms
from django.conf import settings

from imports import builder
from imports.models import ImportKind, ImportProfile

OWN_COLUMNS = builder.OWN_COLUMNS
BUILD = builder.BUILD


def profile_choices() -> list:
    """The profile select: SkillHub's own columns, the built-in profiles, the saved ones, or build one."""
    saved = [(f"saved:{name}", f"{name} ({kind})") for name, kind in ImportProfile.objects.values_list("name", "kind")]
    choices: list = [(OWN_COLUMNS, "None: the file uses SkillHub's own column names")]
    builtin = [(f"builtin:{name}", name) for name in builder.builtin_names()]
    if builtin:
        choices.append(("Built-in profiles", builtin))
    if saved:
        choices.append(("Saved profiles", saved))
    choices.append((BUILD, "Build one from this file's header…"))
    return choices


class StartForm(forms.Form):
    """What to do with an uploaded file: its kind, its profile, and whether unknown agents (or teams) are added."""

    kind = forms.ChoiceField(choices=ImportKind.choices, initial=ImportKind.CONTACTS)
    profile = forms.ChoiceField(
        help_text="How the file's columns map to SkillHub's fields. Saved profiles are listed under Imports → Profiles."
    )
    create_agents = forms.BooleanField(
        required=False,
        label="Create agents (or, for a roster, teams) the file names that SkillHub does not know yet",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = profile_choices()


class UploadForm(StartForm):
    file = forms.FileField(
        help_text="A CSV export (comma, semicolon, tab or pipe separated; UTF-8 unless its profile says otherwise). "
        f"At most {settings.IMPORT_UPLOAD_MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv"}),
    )
    field_order = ["file", "kind", "profile", "create_agents"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {upload.size / (1024 * 1024):,.1f} MB; the largest upload is "
                f"{limit / (1024 * 1024):,.0f} MB. Split it, or ask an admin to import it on the server."
            )
        if not upload.size:
            raise forms.ValidationError("The file is empty.")
        return upload


class ProfileTextForm(forms.ModelForm):
    """A saved profile edited as text (admins)."""

    class Meta:
        model = ImportProfile
        fields = ["name", "kind", "definition"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 22, "class": "font-monospace", "spellcheck": "false"})}

    def clean(self):
        cleaned = super().clean()
        definition, kind = cleaned.get("definition"), cleaned.get("kind")
        if definition and kind:
            try:
                builder.check_definition(definition, kind=kind)
            except forms.ValidationError as error:
                self.add_error("definition", error)
        return cleaned
