import factory
from django.utils import timezone

from qa.models import Criterion, Review, ScorecardSection, ScorecardTemplate, ScorecardVersion
from skillhub.models import Skill
from skillhub.tests.factories import ContactFactory


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


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    contact = factory.SubFactory(ContactFactory)
    agent = factory.LazyAttribute(lambda o: o.contact.agent)
    team = factory.LazyAttribute(lambda o: o.contact.team)
    version = factory.SubFactory(VersionFactory)
