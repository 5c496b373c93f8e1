"""Writes of scorecards: templates, versions (only a draft changes; published and retired ones are frozen), sections
and criteria."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import slugify

from core.models import Contact, Team, User, Vendor
from core.selectors.channels import channel_codes
from qa.scorecards.models import Criterion, ScorecardRule, ScorecardSection, ScorecardTemplate, ScorecardVersion

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
                detector=c.detector,
                detector_params=c.detector_params,
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


# Scorecard rules: which template a contact's review is scored with.


@dataclass(frozen=True)
class RuleMatch:
    """A rule as resolution reads it: its conditions and its template's published version (None: not published)."""

    pk: int
    template_id: int
    team_id: int | None
    vendor_id: int | None
    channel: str
    position: int
    version_id: int | None

    @property
    def specificity(self) -> int:
        return (4 if self.team_id else 0) + (2 if self.vendor_id else 0) + (1 if self.channel else 0)

    def matches(self, *, team_id: int | None, vendor_id: int | None, channel: str) -> bool:
        return (
            (self.team_id is None or self.team_id == team_id)
            and (self.vendor_id is None or self.vendor_id == vendor_id)
            and (not self.channel or self.channel == channel)
        )


def rule_order(rule: RuleMatch) -> tuple[int, int, int]:
    """The order rules are tried in: the most specific first, then the lower position (then the older)."""
    return (-rule.specificity, rule.position, rule.pk)


def pick_rule(
    rules: Iterable[RuleMatch], *, team_id: int | None, vendor_id: int | None, channel: str
) -> RuleMatch | None:
    """The rule that decides for a contact of this team, vendor and channel: the first matching one, in rule_order,
    whose template has a published version; None when no rule decides (the default template then)."""
    candidates = [
        r
        for r in rules
        if r.version_id is not None and r.matches(team_id=team_id, vendor_id=vendor_id, channel=channel)
    ]
    return min(candidates, key=rule_order, default=None)


def published_version_subquery(template_ref: str = "template_id") -> Subquery:
    """The id of the published version of the template `template_ref` names in the outer query (None: none)."""
    return Subquery(
        ScorecardVersion.objects.filter(
            template_id=OuterRef(template_ref), status=ScorecardVersion.Status.PUBLISHED
        ).values("pk")[:1]
    )


def active_rules(filters: Q | None = None) -> list[RuleMatch]:
    """The active rules (those matching `filters`) with their template's published version: one query."""
    rules = ScorecardRule.objects.filter(active=True)
    if filters is not None:
        rules = rules.filter(filters)
    rows = rules.annotate(version_id=published_version_subquery()).values_list(
        "pk", "template_id", "team_id", "vendor_id", "channel", "position", "version_id"
    )
    return [RuleMatch(*row) for row in rows]


def version_for_contact(contact: Contact) -> ScorecardVersion | None:
    """The published scorecard a review of `contact` is scored with (sampling and ad-hoc reviews both ask here): the
    version its scorecard rule picks, else the default template's published version. Two queries."""
    team_id = contact.team_id
    rules = active_rules(
        (Q(team__isnull=True) | Q(team_id=team_id))
        & (Q(vendor__isnull=True) | Q(vendor__teams=team_id))
        & (Q(channel="") | Q(channel=contact.channel))
    )
    # Only rules matching the contact came back; a vendor rule matched through the contact's team.
    vendor_ids = {r.vendor_id for r in rules if r.vendor_id}
    rule = pick_rule(rules, team_id=team_id, vendor_id=next(iter(vendor_ids), None), channel=contact.channel)
    if rule is None:
        return default_version()
    return ScorecardVersion.objects.select_related("template").get(pk=rule.version_id)


def versions_for_contacts(
    contacts: Sequence[Contact], *, fallback: ScorecardVersion | None = None
) -> dict[int, ScorecardVersion | None]:
    """contact id → the version version_for_contact would give, for many contacts in a constant number of queries
    (sampling). `fallback` replaces the default template's version where no rule decides."""
    if not contacts:
        return {}
    rules = active_rules()
    team_ids = {c.team_id for c in contacts}
    vendor_of = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "vendor_id")) if rules else {}
    picked: dict[int, int | None] = {}
    for contact in contacts:
        rule = pick_rule(
            rules, team_id=contact.team_id, vendor_id=vendor_of.get(contact.team_id), channel=contact.channel
        )
        picked[contact.pk] = rule.version_id if rule else None
    versions = ScorecardVersion.objects.select_related("template").in_bulk({v for v in picked.values() if v})
    if None in picked.values() and fallback is None:
        fallback = default_version()
    return {contact_id: versions[v] if v else fallback for contact_id, v in picked.items()}


def _rule_fields(
    *, template: ScorecardTemplate, team: Team | None, vendor: Vendor | None, channel: str
) -> tuple[Team | None, Vendor | None, str]:
    """The conditions as stored: a team implies its vendor (the same vendor is dropped, another one refused)."""
    errors: dict[str, str] = {}
    channel = (channel or "").strip()
    if team is not None and vendor is not None:
        if team.vendor_id != vendor.pk:
            errors["vendor"] = f"{team.name} is a team of {team.vendor.name}, not of {vendor.name}."
        vendor = None
    if team is None and vendor is None and not channel:
        errors["__all__"] = "Choose a team, a vendor or a channel: a rule needs at least one condition."
    if channel and channel not in channel_codes(include_inactive=True):
        errors["channel"] = "Unknown channel."
    if not template.versions.exists():
        errors["template"] = "This template has no version."
    if errors:
        raise ValidationError(errors)
    return team, vendor, channel


@transaction.atomic
def scorecard_rule_save(
    *,
    template: ScorecardTemplate,
    team: Team | None = None,
    vendor: Vendor | None = None,
    channel: str = "",
    active: bool = True,
    rule: ScorecardRule | None = None,
    user: User | None = None,
) -> ScorecardRule:
    """Create (at the end of the list) or change a scorecard rule; two rules never have the same conditions."""
    team, vendor, channel = _rule_fields(template=template, team=team, vendor=vendor, channel=channel)
    same = ScorecardRule.objects.filter(team=team, vendor=vendor, channel=channel)
    if rule is not None:
        same = same.exclude(pk=rule.pk)
    if same.exists():
        raise ValidationError("Another rule has exactly these conditions; change that one instead.")
    if rule is None:
        position = (ScorecardRule.objects.aggregate(m=Max("position"))["m"] or 0) + 1
        rule = ScorecardRule(position=position, created_by=user)
    rule.template, rule.team, rule.vendor, rule.channel, rule.active = template, team, vendor, channel, active
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:  # the same conditions saved by another request meanwhile
        raise ValidationError("Another rule has exactly these conditions; change that one instead.") from None
    return rule


def _renumber(rows: list, model) -> None:
    """Positions 1..n in the given order, in one UPDATE (only the rows that moved are written)."""
    changed = []
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            changed.append(row)
    if changed:
        model.objects.bulk_update(changed, ["position"])


def _moved(rows: list, row, direction: str) -> list:
    if direction not in ("up", "down"):
        raise ValidationError("Move up or down.")
    index = next(i for i, r in enumerate(rows) if r.pk == row.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    return rows


@transaction.atomic
def scorecard_rule_move(*, rule: ScorecardRule, direction: str) -> ScorecardRule:
    """One place up or down the list (the position breaks ties between equally specific rules)."""
    rows = list(ScorecardRule.objects.select_for_update().order_by("position", "pk"))
    _renumber(_moved(rows, rule, direction), ScorecardRule)
    rule.refresh_from_db(fields=["position"])
    return rule


@transaction.atomic
def scorecard_rule_delete(*, rule: ScorecardRule) -> None:
    rule.delete()
    _renumber(list(ScorecardRule.objects.select_for_update().order_by("position", "pk")), ScorecardRule)


@transaction.atomic
def section_move(*, section: ScorecardSection, direction: str) -> ScorecardSection:
    """One place up or down its version (a draft only: published versions are frozen)."""
    _check_editable(section.version)
    rows = list(
        ScorecardSection.objects.select_for_update().filter(version_id=section.version_id).order_by("position", "pk")
    )
    _renumber(_moved(rows, section, direction), ScorecardSection)
    section.refresh_from_db(fields=["position"])
    return section


@transaction.atomic
def criterion_move(*, criterion: Criterion, direction: str) -> Criterion:
    """One place up or down its section (a draft only: published versions are frozen)."""
    _check_editable(criterion.version)
    rows = list(
        Criterion.objects.select_for_update().filter(section_id=criterion.section_id).order_by("position", "pk")
    )
    _renumber(_moved(rows, criterion, direction), Criterion)
    criterion.refresh_from_db(fields=["position"])
    return criterion
