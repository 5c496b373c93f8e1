"""Reads of scorecards: a version's criteria (grouped by skill as reviewers see them), templates, versions."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from core import roles
from core.models import Channel, Skill, Team, User
from core.selectors.channels import channel_choices, channel_names
from core.selectors.scope import teams_for_user, vendors_for_user
from qa.rules import is_qa_lead
from qa.scorecards import services
from qa.scorecards.models import Criterion, ScorecardRule, ScorecardTemplate, ScorecardVersion


def version_criteria(*, version: ScorecardVersion) -> list[Criterion]:
    return list(version.criteria.select_related("skill", "section").order_by("section__position", "position", "pk"))


def preview_channel(code: str | None) -> tuple[str, list[tuple[str, str]]]:
    """The channel a preview shows (`code` if the catalogue has it, else phone) and the catalogue's choices."""
    channels = channel_choices()
    if code not in {value for value, _ in channels}:
        code = Channel.PHONE
    return code, channels


@dataclass
class CriterionGroup:
    skill: Skill
    criteria: list[Criterion]


def criteria_by_skill(criteria: list[Criterion], *, channel: str | None) -> list[CriterionGroup]:
    """Criteria that apply to `channel` (all when None), grouped by skill in catalogue order."""
    groups: dict[int, CriterionGroup] = {}
    for criterion in sorted(criteria, key=lambda c: (c.skill.position, c.skill.name, c.section.position, c.position)):
        if channel is not None and not criterion.applies_to(channel):
            continue
        groups.setdefault(criterion.skill_id, CriterionGroup(skill=criterion.skill, criteria=[])).criteria.append(
            criterion
        )
    return list(groups.values())


def template_list(*, user: User) -> QuerySet[ScorecardTemplate]:
    return ScorecardTemplate.objects.prefetch_related(
        Prefetch("versions", queryset=ScorecardVersion.objects.annotate(n_reviews=Count("reviews")).order_by("-number"))
    ).order_by("-is_default", "name")


def version_queryset() -> QuerySet[ScorecardVersion]:
    return ScorecardVersion.objects.select_related("template", "created_by")


def can_build(user: User) -> bool:
    return is_qa_lead(user)


@dataclass
class PublishImpact:
    n_criteria: int
    n_skills: int
    replaced: ScorecardVersion | None  # the published version it retires
    replaced_reviews: int


def publish_impact(*, version: ScorecardVersion) -> PublishImpact:
    """What publishing `version` changes: its content, and the published version it retires (its reviews keep it)."""
    content = version.criteria.aggregate(n=Count("pk"), skills=Count("skill", distinct=True))
    replaced = (
        version.template.versions.filter(status=ScorecardVersion.Status.PUBLISHED)
        .annotate(n_reviews=Count("reviews"))
        .first()
    )
    return PublishImpact(
        n_criteria=content["n"],
        n_skills=content["skills"],
        replaced=replaced,
        replaced_reviews=replaced.n_reviews if replaced else 0,
    )


def rules_for_user(*, user: User) -> QuerySet[ScorecardRule]:
    """The scorecard rules `user` may see: every rule for an admin; else those of teams and vendors in their scope and
    the channel-only rules (they apply to every team). In list order."""
    rules = ScorecardRule.objects.select_related("template", "team__vendor", "vendor").order_by("position", "pk")
    if roles.is_admin(user):
        return rules
    return rules.filter(
        Q(team__in=teams_for_user(user=user))
        | Q(vendor__in=vendors_for_user(user=user))
        | Q(team__isnull=True, vendor__isnull=True)
    )


def rule_templates() -> QuerySet[ScorecardTemplate]:
    """Templates a rule may point at, with their published version (None: the rule is passed over until one is)."""
    return ScorecardTemplate.objects.annotate(version_id=services.published_version_subquery("pk")).order_by("name")


@dataclass
class Explanation:
    """Which scorecard a contact of a team (on a channel) gets, and why."""

    version: ScorecardVersion | None
    rule: ScorecardRule | None  # None: no rule decides, the default template's version is used
    skipped: list[ScorecardRule]  # more specific matching rules passed over: their template has no published version


@dataclass
class TeamScorecards:
    team: Team
    other_channels: Explanation  # every channel but those listed in by_channel
    by_channel: list[tuple[str, str, Explanation]]  # (code, name, explanation) where a channel's own rule decides


class RuleExplainer:
    """Answers "which scorecard would a contact of this team on this channel get?" for many teams and channels with
    the queries of one: the active rules, their published versions and the default version are read once."""

    def __init__(self):
        rules = list(
            ScorecardRule.objects.filter(active=True)
            .select_related("template", "team", "vendor")
            .annotate(version_id=services.published_version_subquery())
        )
        self._rules = {r.pk: r for r in rules}
        self._matches = [
            services.RuleMatch(r.pk, r.template_id, r.team_id, r.vendor_id, r.channel, r.position, r.version_id)
            for r in rules
        ]
        self._versions = ScorecardVersion.objects.select_related("template").in_bulk(
            {r.version_id for r in rules if r.version_id}
        )
        self._default = services.default_version()
        self.rule_channels = sorted({r.channel for r in rules if r.channel})
        self._names = channel_names()

    def explain(self, *, team: Team, channel: str) -> Explanation:
        rule = services.pick_rule(self._matches, team_id=team.pk, vendor_id=team.vendor_id, channel=channel)
        skipped = [
            self._rules[r.pk]
            for r in sorted(self._matches, key=services.rule_order)
            if r.version_id is None
            and r.matches(team_id=team.pk, vendor_id=team.vendor_id, channel=channel)
            and (rule is None or services.rule_order(r) < services.rule_order(rule))
        ]
        if rule is None:
            return Explanation(version=self._default, rule=None, skipped=skipped)
        return Explanation(version=self._versions[rule.version_id], rule=self._rules[rule.pk], skipped=skipped)

    def for_team(self, team: Team) -> TeamScorecards:
        # No rule names the empty channel code: a contact on it stands for every channel without a rule of its own.
        other = self.explain(team=team, channel="")
        by_channel = []
        for code in self.rule_channels:
            explanation = self.explain(team=team, channel=code)
            if explanation.rule != other.rule:
                by_channel.append((code, self._names.get(code, code), explanation))
        return TeamScorecards(team=team, other_channels=other, by_channel=by_channel)
