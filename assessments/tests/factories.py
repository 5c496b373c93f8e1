import factory

from assessments.models import Candidate, Interview, Requisition
from core.models import RoleProfile


class RequisitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requisition
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Support agent {n}")
    role_profile = factory.LazyFunction(lambda: RoleProfile.objects.get(code="technical_support"))

    @factory.post_generation
    def hiring_team(self, create, extracted, **kwargs):
        if create and extracted:
            self.hiring_team.set(extracted)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    requisition = factory.SubFactory(RequisitionFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"candidate{n}@example.test")


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    candidate = factory.SubFactory(CandidateFactory)
    stage = "behavioural"
