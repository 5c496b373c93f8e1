"""Shared set-up of the calibration tests: a lead, in-house and partner reviewers, a session on two conversations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import roles
from core.tests.factories import ContactFactory, ScopeFactory, UserFactory
from qa.calibration import services as cal
from qa.reviews.services import review_save
from qa.rules import QA_LEAD_GROUP
from qa.scoring import RawAnswer


def make_reviewer(*vendors, lead=False, username=None):
    names = [roles.QA_REVIEWER, QA_LEAD_GROUP] if lead else [roles.QA_REVIEWER]
    kwargs = {"username": username} if username else {}
    user = UserFactory(roles=names, **kwargs)
    ScopeFactory(user=user, vendors=list(vendors))
    return user


@pytest.fixture
def qa_lead(vendor, partner_vendor, partner_team):
    return make_reviewer(vendor, partner_vendor, lead=True)


@pytest.fixture
def in_house_reviewer(vendor):
    return make_reviewer(vendor)


@pytest.fixture
def partner_reviewer(partner_vendor):
    return make_reviewer(partner_vendor)


@pytest.fixture
def calibration(version, agent, qa_lead, in_house_reviewer, partner_reviewer):
    """An open session: two phone conversations, the lead calibrates, an in-house and a partner reviewer score."""
    contacts = [ContactFactory(agent=agent, channel="phone"), ContactFactory(agent=agent, channel="phone")]
    return cal.session_create(
        owner=qa_lead,
        title="Week 12 calibration",
        version=version,
        contacts=contacts,
        participants=[in_house_reviewer, partner_reviewer],
        calibrator=qa_lead,
        deadline=timezone.now() + timedelta(days=2),
    )


def answers_for(version, *, listen=1, solve=4, data=1, calm=1):
    return {
        version.c_listen.pk: RawAnswer(listen),
        version.c_solve.pk: RawAnswer(solve),
        version.c_data.pk: RawAnswer(data, comment="" if data else "Read the card number aloud"),
        version.c_calm.pk: RawAnswer(is_na=True) if calm is None else RawAnswer(calm),
    }


def submit(session, user, version, **answers):
    """Score every conversation of `session` as `user` on the qa review service, and submit."""
    for assignment in session.participants.get(user=user).assignments.select_related("review"):
        review = assignment.review
        review_save(
            review=review,
            actor=user,
            answers=answers_for(version, **answers),
            lock_version=review.lock_version,
            submit=True,
        )
