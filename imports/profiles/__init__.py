"""Import profiles: how one source's export maps to SkillHub's fields, so nobody writes a conversion script.

    load_profile("zendesk")            a built-in, the name of a saved ImportProfile, or a file path
    parse_profile(text)                YAML or JSON text
    read_header(binary, profile)       the file's column names
    preview(binary, profile)           the first rows as SkillHub will store them

The built-in profiles (zendesk, freshdesk, intercom, acd, skillhub) are YAML files in builtin/, each describing
the export it reads; `builtin_profiles()` returns them by name.
"""

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

from .reader import ExportFile, FieldReader, PreviewRow, detect_delimiter, preview, read_header
from .spec import (
    AGENT_FIELDS,
    CONTACT_FIELDS,
    CONTACT_REQUIRED,
    CONTACTS,
    ROSTER,
    ROSTER_FIELDS,
    ROSTER_REQUIRED,
    FieldSpec,
    Profile,
    SkipRule,
    parse_profile,
)

__all__ = [
    "AGENT_FIELDS",
    "BUILTIN",
    "CONTACT_FIELDS",
    "CONTACT_REQUIRED",
    "CONTACTS",
    "ROSTER",
    "ROSTER_FIELDS",
    "ROSTER_REQUIRED",
    "ExportFile",
    "FieldReader",
    "FieldSpec",
    "PreviewRow",
    "Profile",
    "SkipRule",
    "builtin_profiles",
    "detect_delimiter",
    "load_profile",
    "parse_profile",
    "preview",
    "read_header",
]

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"


@cache
def builtin_profiles() -> dict[str, Profile]:
    """The built-in contact profiles by name; each one's `description` says which export it reads."""
    profiles = {}
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        profile = parse_profile(path.read_text(encoding="utf-8"), name=path.stem)
        profiles[profile.name] = profile
    return profiles


class _Builtin(Mapping):
    """BUILTIN: name -> Profile, read on first use (after Django's settings are configured)."""

    def __getitem__(self, key: str) -> Profile:
        return builtin_profiles()[key]

    def __iter__(self):
        return iter(builtin_profiles())

    def __len__(self) -> int:
        return len(builtin_profiles())


BUILTIN: Mapping[str, Profile] = _Builtin()


def load_profile(source: str, *, kind: str = CONTACTS) -> Profile:
    """A profile from a file path, the name of a saved ImportProfile, or a built-in name (in that order)."""
    from imports.models import ImportProfile

    path = Path(source)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.is_file():
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise ValidationError(f"Cannot read the profile {source}: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise ValidationError(f"The profile {source} is not UTF-8 text.") from None
        return parse_profile(text, kind=kind, name=path.stem)
    saved = ImportProfile.objects.filter(name=source).first()
    if saved is not None:
        if saved.kind != kind:
            raise ValidationError(f"The saved profile {source!r} is a {saved.kind} profile, not a {kind} profile.")
        return parse_profile(saved.definition, kind=kind, name=saved.name)
    if kind == CONTACTS and source in BUILTIN:
        return BUILTIN[source]
    names = ", ".join(BUILTIN) if kind == CONTACTS else "none"
    raise ValidationError(
        f"No profile {source!r}: not a file, not a saved {kind} profile, not a built-in (built-ins: {names})."
    )
