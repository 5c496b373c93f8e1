"""Writes of scorecards: templates, versions (only a draft changes; published and retired ones are frozen), sections
and criteria."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from core.models import User
from core.selectors.channels import channel_codes
from qa.scorecards.models import Criterion, ScorecardSection, ScorecardTemplate, ScorecardVersion

DRAFT_EXISTS = "This template already has a draft version; edit that one."


@transaction.atomic
def template_create(*, name: str, description: str = "", created_by: User | None = None) -> ScorecardTemplate:
    """A new template with an empty draft version 1."""
    if ScorecardTemplate.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": "A template with this name exists."})
    template = ScorecardTemplate.objects.create(name=name.strip(), description=description)
    ScorecardVersion.objects.create(template=template, number=1, created_by=created_by, notes="First version")
    return template


def version_is_frozen(*, version: ScorecardVersion) -> bool:
    """Only a draft is edited in place: once published (reviews may be scored with it at any moment) or retired, a
    version's content never changes; its edits go to the template's draft."""
    return version.status != ScorecardVersion.Status.DRAFT


@transaction.atomic
def version_for_editing(*, version: ScorecardVersion, user: User | None) -> ScorecardVersion:
    """The version an edit of `version` goes to: itself while it is a draft, else the template's draft (created as a
    copy of `version` when there is none). Reviews keep the version they were scored with."""
    if not version_is_frozen(version=version):
        return version
    drafts = ScorecardVersion.objects.filter(template_id=version.template_id, status=ScorecardVersion.Status.DRAFT)
    draft = drafts.first()
    if draft is not None:
        return draft
    try:
        return version_copy(version=version, user=user)
    except ValidationError:
        # A double submit: the other request made the draft after this one looked. Its draft is the answer.
        draft = drafts.first()
        if draft is None:
            raise
        return draft


@transaction.atomic
def version_copy(*, version: ScorecardVersion, user: User | None, notes: str = "") -> ScorecardVersion:
    """A new draft version with the same sections and criteria (criterion keys kept, so answers can be matched)."""
    template = ScorecardTemplate.objects.select_for_update().get(pk=version.template_id)
    if template.versions.filter(status=ScorecardVersion.Status.DRAFT).exists():
        raise ValidationError(DRAFT_EXISTS)
    number = (template.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            copy = ScorecardVersion.objects.create(
                template=template, number=number, created_by=user, notes=notes or f"Edited from v{version.number}"
            )
    except IntegrityError:
        # Another request numbered or drafted a version of this template meanwhile (a database without row locks).
        raise ValidationError(DRAFT_EXISTS) from None
    for section in version.sections.prefetch_related("criteria"):
        new_section = ScorecardSection.objects.create(version=copy, title=section.title, position=section.position)
        Criterion.objects.bulk_create(
            Criterion(
                version=copy,
                section=new_section,
                key=c.key,
                skill_id=c.skill_id,
                text=c.text,
                guidance=c.guidance,
                weight=c.weight,
                scale=c.scale,
                scale_min=c.scale_min,
                scale_max=c.scale_max,
                point_labels=c.point_labels,
                critical=c.critical,
                allow_na=c.allow_na,
                channels=c.channels,
                position=c.position,
            )
            for c in section.criteria.all()
        )
    return copy


def _check_editable(version: ScorecardVersion) -> None:
    if version_is_frozen(version=version):
        raise ValidationError("Only a draft version is edited; edits of a published or retired one go to a new draft.")


@transaction.atomic
def version_publish(*, version: ScorecardVersion, user: User | None = None) -> ScorecardVersion:
    """Make a draft the version new reviews use; the previously published one is retired (its reviews keep it)."""
    if version.status != ScorecardVersion.Status.DRAFT:
        raise ValidationError("Only a draft version can be published.")
    if not version.criteria.exists():
        raise ValidationError("Add at least one criterion before publishing.")
    version.template.versions.filter(status=ScorecardVersion.Status.PUBLISHED).update(
        status=ScorecardVersion.Status.RETIRED
    )
    version.status = ScorecardVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return version


@transaction.atomic
def section_save(
    *, version: ScorecardVersion, title: str, section: ScorecardSection | None = None, position: int | None = None
) -> ScorecardSection:
    _check_editable(version)
    if not title.strip():
        raise ValidationError({"title": "A section needs a title."})
    if section is None:
        if position is None:
            position = (version.sections.aggregate(m=Max("position"))["m"] or 0) + 1
        return ScorecardSection.objects.create(version=version, title=title.strip(), position=position)
    section.title = title.strip()
    if position is not None:
        section.position = position
    section.save()
    return section


@transaction.atomic
def section_delete(*, section: ScorecardSection) -> None:
    _check_editable(section.version)
    section.delete()


def _clean_criterion(data: dict) -> dict:
    errors: dict[str, str] = {}
    scale = data.get("scale", Criterion.Scale.YES_NO)
    if scale == Criterion.Scale.POINTS:
        low, high = data.get("scale_min", 1), data.get("scale_max", 5)
        if high <= low:
            errors["scale_max"] = "The maximum must be above the minimum."
        elif high - low > 10:
            errors["scale_max"] = "At most 11 points."
        labels = [label.strip() for label in data.get("point_labels") or []]
        if not errors and (len(labels) != high - low + 1 or not all(labels)):
            errors["point_labels"] = f"Describe each of the {high - low + 1} points, one per line, lowest first."
        data["point_labels"] = labels
    else:
        data["scale_min"], data["scale_max"], data["point_labels"] = 0, 1, []
    channels = list(dict.fromkeys(data.get("channels") or []))
    if channels and not set(channels) <= channel_codes(include_inactive=True):
        errors["channels"] = "Unknown channel."
    data["channels"] = channels
    if data.get("weight") is None or data["weight"] <= 0:
        errors["weight"] = "The weight must be above 0."
    if not (data.get("text") or "").strip():
        errors["text"] = "Describe the behaviour."
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def criterion_save(*, section: ScorecardSection, criterion: Criterion | None = None, **fields) -> Criterion:
    """Create or change a criterion of a version that has no reviews yet."""
    version = section.version
    _check_editable(version)
    data = _clean_criterion(fields)
    if criterion is None:
        key = data.pop("key", "") or _unique_key(version=version, text=data["text"])
        if version.criteria.filter(key=key).exists():
            raise ValidationError({"key": "Another criterion of this version has this key."})
        position = data.pop("position", None)
        if position is None:
            position = (section.criteria.aggregate(m=Max("position"))["m"] or 0) + 1
        return Criterion.objects.create(version=version, section=section, key=key, position=position, **data)
    data.pop("key", None)
    for name, value in data.items():
        setattr(criterion, name, value)
    criterion.section = section
    criterion.save()
    return criterion


def _unique_key(*, version: ScorecardVersion, text: str) -> str:
    base = slugify(text)[:60] or "criterion"
    taken = set(version.criteria.values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def criterion_delete(*, criterion: Criterion) -> None:
    _check_editable(criterion.version)
    criterion.delete()


def default_version() -> ScorecardVersion | None:
    """The published version of the default template (else of any template): what new reviews are scored with."""
    published = ScorecardVersion.objects.filter(status=ScorecardVersion.Status.PUBLISHED).select_related("template")
    return published.order_by("-template__is_default", "template__name").first()


def version_for_contact(contact) -> ScorecardVersion | None:
    """The published scorecard a review of `contact` is scored with (sampling and ad-hoc reviews both ask here).

    Scorecard rules (a team's, a vendor's or a channel's own scorecard) are resolved here; with none matching, the
    default template's published version."""
    return default_version()
