"""Reads of scorecards: a version's criteria (grouped by skill as reviewers see them), templates, versions."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from core.models import Skill, User
from qa.rules import is_qa_lead
from qa.scorecards.models import Criterion, ScorecardTemplate, ScorecardVersion


def version_criteria(*, version: ScorecardVersion) -> list[Criterion]:
    return list(version.criteria.select_related("skill", "section").order_by("section__position", "position", "pk"))


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
