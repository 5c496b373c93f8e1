"""The email that carries a candidate's test link: the placeholders a requisition's template may use, the default
template, checking a template and filling it in.

A template is plain text with placeholders in braces, e.g. ``Hello {first_name}``; ``{{`` and ``}}`` write a brace.
Only the names below are allowed, written plainly (no ``{link.attr}``, ``{link!r}`` or ``{link:>9}``), and the body
must carry ``{link}``: a template is filled in by pasting strings, never by ``str.format`` on the template.
"""

from dataclasses import dataclass
from string import Formatter

from django.core.exceptions import ValidationError

PLACEHOLDERS: dict[str, str] = {
    "candidate_name": "The candidate's full name",
    "first_name": "The candidate's first name",
    "test_name": "The test: Mock tickets or Aptitude test",
    "link": "The private link to the test (required in the body)",
    "expires_at": "When the link expires (date and time)",
    "company": "Your company's name",
    "requisition": "The requisition's title",
}

DEFAULT_SUBJECT = "{company}: your {test_name} for {requisition}"
DEFAULT_BODY = """Hello {first_name},

Thank you for applying for {requisition} at {company}. The next step is a short online test: {test_name}.

Open your private link to take it:
{link}

The link works until {expires_at}, for you alone, and once: your answers are saved as you go, and the test ends when \
you submit it.

Best regards,
The {company} hiring team"""


@dataclass(frozen=True)
class FilledEmail:
    subject: str
    body: str


def _parts(text: str, *, field: str) -> list[tuple[str, str | None]]:
    """(literal text, placeholder name or None) pairs of a template; ValidationError on `field` if it is malformed
    or names anything but a known placeholder, written plainly."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as error:
        raise ValidationError(
            {
                field: f"Braces must pair up around a placeholder such as {{link}}; write {{{{ or }}}} for a brace "
                f"itself ({error})."
            }
        ) from error
    parts = []
    unknown = []
    for literal, name, spec, conversion in parsed:
        if name is None:
            parts.append((literal, None))
            continue
        if name not in PLACEHOLDERS:
            unknown.append("{" + name + "}")
        elif spec or conversion:
            raise ValidationError({field: f"Write the placeholder {{{name}}} plainly, with nothing after its name."})
        parts.append((literal, name))
    if unknown:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        raise ValidationError(
            {field: f"Unknown placeholder{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}. Use only: {known}."}
        )
    return parts


def template_check(*, subject: str, body: str) -> None:
    """Refuse a template that could not be filled in: ValidationError per field, all fields checked at once."""
    errors: dict[str, list[str]] = {}
    for field, text in (("test_email_subject", subject), ("test_email_body", body)):
        try:
            names = {name for _, name in _parts(text, field=field)}
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        if field == "test_email_body" and "link" not in names:
            errors[field] = ["The body must carry the test's link: put {link} where it goes."]
    if "\n" in subject or "\r" in subject:
        errors.setdefault("test_email_subject", []).append("The subject is one line.")
    if errors:
        raise ValidationError(errors)


def fill(text: str, values: dict[str, str]) -> str:
    return "".join(literal + (values[name] if name else "") for literal, name in _parts(text, field="template"))


def fill_template(*, subject: str, body: str, values: dict[str, str]) -> FilledEmail:
    """The template (empty parts: the default) filled in with `values`, one per placeholder."""
    # One line whatever the values hold: a line break in a header would stop the email at the mail library.
    one_line = " ".join(fill(subject or DEFAULT_SUBJECT, values).split())
    return FilledEmail(subject=one_line, body=fill(body or DEFAULT_BODY, values))
