import datetime as dt

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from core import roles
from core.models import Agent, Channel, Contact, Scope, Team, TeamMembership, User, Vendor


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in extracted])


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")
    kind = Vendor.Kind.IN_HOUSE


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    vendor = factory.SubFactory(VendorFactory)


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, roles=[roles.AGENT])
    employee_id = factory.Sequence(lambda n: f"E{n:05d}")
    email = factory.LazyAttribute(lambda o: o.user.email)
    team = factory.SubFactory(TeamFactory)
    start_date = dt.date(2024, 1, 1)
    channels = factory.LazyFunction(lambda: ["phone", "email", "chat"])

    @factory.post_generation
    def membership(self, create, extracted, **kwargs):
        if create:
            TeamMembership.objects.create(agent=self, team=self.team, start_date=self.start_date)


class ScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scope
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def vendors(self, create, extracted, **kwargs):
        if create and extracted:
            self.vendors.set(extracted)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    external_id = factory.Sequence(lambda n: f"C{n:07d}")
    case_id = factory.Sequence(lambda n: f"K{n:07d}")
    agent = factory.SubFactory(AgentFactory)
    team = factory.LazyAttribute(lambda o: o.agent.team)
    channel = Channel.PHONE
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    handle_seconds = 300
    after_contact_seconds = 60
    resolved = True
