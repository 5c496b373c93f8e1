import factory
from django.utils import timezone

from core.models import Skill
from core.tests.factories import ContactFactory
from qa.models import Criterion, Review, ScorecardRule, ScorecardSection, ScorecardTemplate, ScorecardVersion


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScorecardTemplate

    name = factory.Sequence(lambda n: f"Scorecard {n}")


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScorecardVersion

    template = factory.SubFactory(TemplateFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = ScorecardVersion.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScorecardSection

    version = factory.SubFactory(VersionFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    section = factory.SubFactory(SectionFactory)
    version = factory.LazyAttribute(lambda o: o.section.version)
    key = factory.Sequence(lambda n: f"criterion-{n}")
    skill = factory.LazyFunction(lambda: Skill.objects.get(code="active_listening"))
    text = factory.Sequence(lambda n: f"Behaviour {n}")
    weight = 1
    scale = Criterion.Scale.YES_NO
    scale_min = 0
    scale_max = 1
    position = factory.Sequence(lambda n: n)


class ScorecardRuleFactory(factory.django.DjangoModelFactory):
    """A rule with the conditions given (give at least one of team, vendor, channel)."""

    class Meta:
        model = ScorecardRule

    template = factory.SubFactory(TemplateFactory)
    position = factory.Sequence(lambda n: n + 1)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    contact = factory.SubFactory(ContactFactory)
    agent = factory.LazyAttribute(lambda o: o.contact.agent)
    team = factory.LazyAttribute(lambda o: o.contact.team)
    version = factory.SubFactory(VersionFactory)


def answer_all(version, channel: str) -> dict:
    """Full marks on every criterion of `version` that applies to `channel` (a valid, submittable answer set)."""
    from qa.scoring import RawAnswer

    return {
        c.pk: RawAnswer(value=1 if c.scale == Criterion.Scale.YES_NO else c.scale_max)
        for c in version.criteria.all()
        if c.applies_to(channel)
    }


def disputed_review_world(*, agent, vendor) -> dict:
    """For the permission matrix: a disputed review of `agent` scored by a third reviewer, and the QA objects
    its URLs need (the default template, its version, a section, a criterion, a sampling run of the agent's team)."""
    from core.tests.factories import ScopeFactory, UserFactory
    from qa.disputes import services as dispute_services
    from qa.reviews import services as review_services
    from qa.sampling import services as sampling_services
    from qa.scorecards import services as scorecard_services

    scorer = UserFactory(roles=["QA reviewer"])
    ScopeFactory(user=scorer, vendors=[vendor])
    version = scorecard_services.default_version()
    contact = ContactFactory(agent=agent)
    review = review_services.review_create(contact=contact, reviewer=scorer, version=version)
    review = review_services.review_save(
        review=review, actor=scorer, answers=answer_all(version, contact.channel), lock_version=0, submit=True
    )
    review = dispute_services.review_dispute(review=review, user=agent.user, reason="Please listen again")
    run = sampling_services.sampling_run_create(
        teams=[agent.team], period_start=timezone.localdate(), period_end=timezone.localdate(), version=version
    )
    return {
        "review": review,
        "qa_template": version.template,
        "version": version,
        "section": version.sections.first(),
        "criterion": version.criteria.first(),
        "sampling_run": run,
    }
