import pytest

from core import roles
from core.models import Skill
from core.tests.factories import ContactFactory, ScopeFactory, UserFactory
from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory


@pytest.fixture
def version(db):
    """A published version: listening (weight 2), a 1–5 problem-solving scale, an email-only line, a critical line."""
    v = VersionFactory()
    section = SectionFactory(version=v)
    skills = {s.code: s for s in Skill.objects.all()}
    v.c_listen = CriterionFactory(section=section, skill=skills["active_listening"], weight=2, text="Restated issue")
    v.c_solve = CriterionFactory(
        section=section,
        skill=skills["problem_solving"],
        scale="points",
        scale_min=1,
        scale_max=5,
        point_labels=["a", "b", "c", "d", "e"],
        text="Root cause",
    )
    v.c_email = CriterionFactory(section=section, skill=skills["communication"], channels=["email"], text="Structure")
    v.c_data = CriterionFactory(
        section=section, skill=skills["product_knowledge"], critical=True, text="Data protection"
    )
    v.c_calm = CriterionFactory(section=section, skill=skills["patience"], allow_na=True, text="Stayed calm")
    return v


@pytest.fixture
def contact(agent):
    return ContactFactory(agent=agent, transcript="Agent: Hello, I'm sorry to hear that.\nCustomer: Thanks.")


@pytest.fixture
def second_reviewer(vendor):
    user = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=user, vendors=[vendor])
    return user


def full_answers(version, *, data=1, calm_na=False):
    from qa.scoring import RawAnswer

    return {
        version.c_listen.pk: RawAnswer(1),
        version.c_solve.pk: RawAnswer(4),
        version.c_data.pk: RawAnswer(data, comment="" if data else "Read card number aloud"),
        version.c_calm.pk: RawAnswer(is_na=True) if calm_na else RawAnswer(1),
    }


def compete_for_contacts(monkeypatch, times: int) -> list:
    """For the first `times` draws, another run reviews the draw's first contact between the draw and its insert."""
    from qa.models import Review
    from qa.sampling import services as sampling_services

    real, taken = sampling_services._sampled_reviews, []

    def draw(run):
        reviews = real(run)
        if reviews and len(taken) < times:
            contact = reviews[0].contact
            taken.append(Review.objects.create(contact=contact, agent=contact.agent, team=contact.team))
        return reviews

    monkeypatch.setattr(sampling_services, "_sampled_reviews", draw)
    return taken
