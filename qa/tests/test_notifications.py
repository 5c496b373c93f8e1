"""QA's events reach the right people and nobody outside scope: released reviews, mentions, disputes, assignments,
sampling, overdue reviews and calibration. Reruns tell nobody twice; the actor is not told of their own action."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core import mail
from django.db.models import Count
from django.utils import timezone

from core import roles
from core.models import Delivery, Notice, OutboxMessage
from core.notifications.services import preference_set
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, UserFactory
from qa.calibration import services as cal
from qa.disputes import notifications as dispute_notifications
from qa.disputes import services as dispute_services
from qa.models import CalibrationSession, Review
from qa.reviews import assignment, notifications
from qa.reviews import services as review_services
from qa.rules import QA_LEAD_GROUP
from qa.sampling import services as sampling_services
from qa.tests.calibration_fixtures import submit
from qa.tests.conftest import full_answers
from qa.tests.factories import ReviewFactory


def _reviewer(*vendors, lead=False):
    user = UserFactory(roles=[roles.QA_REVIEWER])
    if lead:
        user.groups.add(Group.objects.get_or_create(name=QA_LEAD_GROUP)[0])
    ScopeFactory(user=user, vendors=list(vendors))
    return user


def _told(event=None, **filters):
    """{user id: title} of the notices (of `event`)."""
    qs = Notice.objects.filter(**filters)
    if event:
        qs = qs.filter(event=event)
    return dict(qs.values_list("user_id", "title"))


def _released(version, contact, reviewer):
    review = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
    return review_services.review_save(
        review=review, actor=reviewer, answers=full_answers(version), lock_version=0, submit=True, comment="Well done"
    )


@pytest.fixture
def qa_lead(vendor):
    return _reviewer(vendor, lead=True)


@pytest.fixture
def partner_lead(partner_vendor, partner_team):
    return _reviewer(partner_vendor, lead=True)


@pytest.fixture
def partner_reviewer(partner_vendor, partner_team):
    return _reviewer(partner_vendor)


@pytest.fixture
def partner_ops_lead(partner_team):
    user = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(user)
    return user


@pytest.fixture
def released(version, contact, reviewer_user):
    return _released(version, contact, reviewer_user)


@pytest.fixture
def disputed(released, agent_user):
    return dispute_services.review_dispute(
        review=released, user=agent_user, code="score_mismatch", reason="Listen at 02:10"
    )


# Review released ---------------------------------------------------------------------------------------------------


def test_review_release_tells_the_agent_at_once_with_the_score_and_a_link_they_may_open(
    client, version, contact, agent_user, reviewer_user, other_agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = _released(version, contact, reviewer_user)
    notice = Notice.objects.get()
    assert notice.user == agent_user and notice.event == "review_released"
    assert notice.title == f"Your review of contact {contact.external_id} was released: {review.score:.0f} %"
    assert "Well done" in notice.body and "dispute it until" in notice.body
    (message,) = mail.outbox  # the agent's default: an email at once; the reviewer (actor) and other agents: nothing
    assert message.to == [agent_user.email] and message.subject == notice.title
    assert f"http://127.0.0.1:8000/qa/reviews/{review.pk}/" in message.body
    client.force_login(agent_user)
    assert client.get(notice.url).status_code == 200
    client.force_login(other_agent.user)
    assert client.get(notice.url).status_code == 404
    notifications.review_released(review=review, actor=reviewer_user)  # a rerun tells nobody again
    assert Notice.objects.count() == 1


def test_review_release_follows_the_agents_preference(version, contact, agent_user, reviewer_user):
    preference_set(user=agent_user, event="review_released", delivery=Delivery.DIGEST)
    _released(version, contact, reviewer_user)
    assert Notice.objects.get().delivery == Delivery.DIGEST
    assert not OutboxMessage.objects.exists()


def test_calibration_and_self_reviews_are_released_to_nobody(version, agent, agent_user, reviewer_user):
    review = review_services.review_create(
        contact=ContactFactory(agent=agent), reviewer=reviewer_user, version=version, is_calibration=True
    )
    review_services.review_save(
        review=review, actor=reviewer_user, answers=full_answers(version), lock_version=0, submit=True
    )
    assert not Notice.objects.exists()


def test_score_label_reads_as_people_read_scores():
    from decimal import Decimal

    assert notifications.score_label(Decimal("86.00")) == "86 %"
    assert notifications.score_label(Decimal("86.50")) == "86.5 %"
    assert notifications.score_label(None) == "no score"


# Mentions ----------------------------------------------------------------------------------------------------------


def test_a_mention_tells_the_mentioned_not_the_author(client, released, agent_user, reviewer_user, qa_lead):
    Notice.objects.all().delete()
    comment = dispute_services.review_comment_post(
        review=released, author=agent_user, text=f"@{reviewer_user.username} and @{qa_lead.username}: why?"
    )
    told = _told("mentioned")
    assert set(told) == {reviewer_user.pk, qa_lead.pk}
    assert told[reviewer_user.pk].startswith(f"{agent_user} mentioned you on the review of contact ")
    notice = Notice.objects.filter(user=reviewer_user).get()
    assert "why?" in notice.body and notice.url.endswith("#thread")
    client.force_login(reviewer_user)
    assert client.get(notice.url).status_code == 200
    dispute_notifications.mentioned(comment=comment, mentions=[reviewer_user, qa_lead])
    assert Notice.objects.count() == 2


def test_a_mention_of_someone_out_of_scope_is_refused_and_tells_nobody(released, agent_user, partner_reviewer):
    from django.core.exceptions import ValidationError

    Notice.objects.all().delete()
    with pytest.raises(ValidationError):
        dispute_services.review_comment_post(review=released, author=agent_user, text=f"@{partner_reviewer.username}")
    assert not Notice.objects.exists()


# Disputes ----------------------------------------------------------------------------------------------------------


def test_a_dispute_tells_the_reviewer_now_and_the_leads_in_scope_never_a_partner(
    released,
    agent_user,
    reviewer_user,
    qa_lead,
    lead_user,
    partner_lead,
    partner_reviewer,
    partner_ops_lead,
    other_agent,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        review = dispute_services.review_dispute(
            review=released, user=agent_user, code="score_mismatch", reason="Listen at 02:10"
        )
    told = Notice.objects.filter(event="dispute_raised")
    assert {n.user_id: n.delivery for n in told} == {
        reviewer_user.pk: Delivery.NOW,
        qa_lead.pk: Delivery.NOW,  # a QA lead is a reviewer: told at once
        lead_user.pk: Delivery.DIGEST,  # the agent's team lead: in their daily digest
    }
    title = told.first().title
    assert title.startswith(f"{agent_user} disputed the review of contact ")
    assert "Listen at 02:10" in told.first().body
    assert sorted(m.to[0] for m in mail.outbox) == sorted([reviewer_user.email, qa_lead.email])
    dispute_notifications.dispute_raised(review=review, actor=agent_user)
    assert told.count() == 3


def test_a_partner_dispute_is_not_told_to_in_house_only_leads(version, other_agent, partner_reviewer, qa_lead):
    review = _released(version, ContactFactory(agent=other_agent), partner_reviewer)
    dispute_services.review_dispute(review=review, user=other_agent.user, code="score_mismatch")
    assert set(_told("dispute_raised")) == {partner_reviewer.pk}  # qa_lead's scope is the in-house vendor only


def test_a_resolution_tells_the_agent_and_the_reviewer_not_the_resolver(
    disputed, version, agent_user, reviewer_user, second_reviewer, qa_lead, lead_user
):
    Notice.objects.all().delete()
    review = dispute_services.review_resolve(
        review=disputed,
        resolver=second_reviewer,
        note="Listened again: fair point.",
        lock_version=disputed.lock_version,
        answers={version.c_solve.pk: full_answers(version)[version.c_solve.pk]},
    )
    told = _told("dispute_resolved")
    assert set(told) == {agent_user.pk, reviewer_user.pk}
    assert told[agent_user.pk].startswith(f"Your dispute of contact {review.contact.external_id} was settled")
    assert f"settled by {second_reviewer}" in told[reviewer_user.pk]
    assert "fair point" in Notice.objects.get(user=agent_user).body
    dispute_notifications.dispute_resolved(review=review, previous_score=review.score, actor=second_reviewer)
    assert Notice.objects.count() == 2


def test_with_approval_the_proposer_hears_the_leads_decision(
    settings, disputed, agent_user, reviewer_user, second_reviewer, qa_lead
):
    settings.QA_DISPUTE_APPROVAL = True
    Notice.objects.all().delete()
    review = dispute_services.review_resolve(
        review=disputed, resolver=second_reviewer, note="Fair", lock_version=disputed.lock_version
    )
    assert not Notice.objects.exists()  # a proposal changes nothing for the agent yet
    review = dispute_services.dispute_send_back(review=review, lead=qa_lead, note="Listen to 03:00 too")
    assert _told() == {
        second_reviewer.pk: f"Your resolution of the dispute of contact "
        f"{review.contact.external_id} was sent back by {qa_lead}"
    }
    review.refresh_from_db()
    review = dispute_services.review_resolve(
        review=review, resolver=second_reviewer, note="Fair, also at 03:00", lock_version=review.lock_version
    )
    dispute_services.dispute_approve(review=review, lead=qa_lead)
    told = _told("dispute_resolved")
    assert set(told) == {agent_user.pk, reviewer_user.pk, second_reviewer.pk}  # the approving lead: not
    assert "approved by" in Notice.objects.get(user=second_reviewer, key__startswith="dispute_approved").title


# Assignment --------------------------------------------------------------------------------------------------------


def _drafts(agent, version, n, reviewer=None, due=None):
    return [
        ReviewFactory(contact=ContactFactory(agent=agent), version=version, reviewer=reviewer, due_date=due)
        for _ in range(n)
    ]


def test_a_bulk_assignment_is_one_notice_to_the_reviewer_and_one_to_the_previous_assignee(
    agent, version, qa_lead, reviewer_user, second_reviewer, django_capture_on_commit_callbacks
):
    reviews = _drafts(agent, version, 3, reviewer=reviewer_user)
    with django_capture_on_commit_callbacks(execute=True):
        assignment.reviews_assign(reviews=reviews, reviewer=second_reviewer, actor=qa_lead)
    told = _told("review_assigned")
    assert told == {
        second_reviewer.pk: "3 reviews were assigned to you",
        reviewer_user.pk: f"3 of your reviews were reassigned to {second_reviewer}",
    }
    assert len(mail.outbox) == 2  # the lead (actor) is told of nothing
    assignment.reviews_assign(reviews=reviews[:1], reviewer=None, actor=qa_lead)
    assert Notice.objects.filter(user=second_reviewer).latest("pk").title.endswith("was unassigned")
    assert Notice.objects.filter(user=reviewer_user).count() == 1


def test_assigning_a_review_twice_tells_again_but_assigning_to_the_same_reviewer_tells_nobody(
    agent, version, qa_lead, reviewer_user
):
    reviews = _drafts(agent, version, 2)
    assignment.reviews_assign(reviews=reviews, reviewer=reviewer_user, actor=qa_lead)
    assignment.reviews_assign(reviews=reviews, reviewer=reviewer_user, actor=qa_lead)  # already theirs
    assert Notice.objects.count() == 1


def test_taking_a_review_tells_nobody(agent, version, reviewer_user):
    (review,) = _drafts(agent, version, 1)
    assignment.review_take(review=review, reviewer=reviewer_user)
    assert not Notice.objects.exists()


@pytest.mark.parametrize("n", [5, 50])
def test_bulk_assignment_queries_do_not_grow_with_the_reviews(
    agent, version, qa_lead, reviewer_user, second_reviewer, n, django_assert_max_num_queries
):
    reviews = _drafts(agent, version, n, reviewer=reviewer_user)
    reviews = list(Review.objects.filter(pk__in=[r.pk for r in reviews]).select_related("contact", "agent", "team"))
    # 30 at both sizes; SQLite splits the 50 history records' insert in two (past 999 parameters).
    with django_assert_max_num_queries(31):
        assignment.reviews_assign(reviews=reviews, reviewer=second_reviewer, actor=qa_lead)
    assert Notice.objects.count() == 2


def test_a_sampling_run_tells_each_reviewer_once_however_many_reviews(team, vendor, agent, version, qa_lead):
    agents = [agent, *AgentFactory.create_batch(2, team=team)]
    start = timezone.localdate() - timedelta(days=7)
    for each in agents:
        for day in range(4):
            ContactFactory(agent=each, team=team, started_at=timezone.now() - timedelta(days=3 + day))
    reviewers = [_reviewer(vendor), _reviewer(vendor)]
    run = sampling_services.sampling_run_create(
        teams=[team],
        period_start=start,
        period_end=timezone.localdate(),
        per_agent=3,
        version=version,
        created_by=qa_lead,
    )
    created = sampling_services.sampling_run_execute(run=run)
    assert created == 9
    by_reviewer = dict(Review.objects.filter(sampling_run=run).values_list("reviewer_id").annotate(n=Count("pk")))
    assert set(by_reviewer) <= {r.pk for r in [*reviewers, qa_lead]}
    told = _told("review_assigned")
    assert set(told) == set(by_reviewer) - {qa_lead.pk}  # the lead who started the run: not told
    for reviewer_id, title in told.items():
        n = by_reviewer[reviewer_id]
        assert title == f"{n} new review{'s' if n > 1 else ''} to do"
    sampling_services.sampling_run_execute(run=run)  # a rerun draws nothing new and tells nobody
    assert Notice.objects.count() == len(told)


# Overdue -----------------------------------------------------------------------------------------------------------


def test_overdue_reviews_tell_the_assignee_once_and_the_qa_leads_in_scope(
    agent, other_agent, version, reviewer_user, second_reviewer, qa_lead, partner_lead, partner_reviewer
):
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    _drafts(agent, version, 2, reviewer=reviewer_user, due=yesterday)
    _drafts(agent, version, 1, reviewer=second_reviewer, due=today)  # due today: not overdue yet
    _drafts(agent, version, 1, reviewer=second_reviewer, due=today - timedelta(days=30))  # announced long ago
    _drafts(agent, version, 1, due=yesterday)  # unassigned: in the leads' count only
    ReviewFactory(
        contact=ContactFactory(agent=agent),
        version=version,
        reviewer=reviewer_user,
        due_date=yesterday,
        status=Review.Status.RELEASED,
    )
    review_services.reviews_notify_overdue()
    told = _told("review_overdue")
    assert told == {
        reviewer_user.pk: f"2 reviews of yours are overdue (due {yesterday:%-d %b})",
        qa_lead.pk: f"3 reviews in your scope are overdue (due {yesterday:%-d %b})",
    }
    assert Notice.objects.get(user=reviewer_user).delivery == "now"
    assert Notice.objects.get(user=qa_lead).delivery == "digest"  # a whole scope's backlog: the daily digest
    assert Notice.objects.get(user=reviewer_user).url.endswith("tab=overdue")
    review_services.reviews_notify_overdue()
    assert Notice.objects.count() == 2


def test_overdue_reviews_are_posted_to_the_teams_chat_channel_without_names(agent, other_agent, version, reviewer_user):
    from core.models import OutboxMessage, TeamChatWebhook

    hook = TeamChatWebhook.objects.create(team=agent.team, kind="slack", url="https://hooks.example/north")
    TeamChatWebhook.objects.create(team=other_agent.team, kind="slack", url="https://hooks.example/other")
    yesterday = timezone.localdate() - timedelta(days=1)
    _drafts(agent, version, 2, reviewer=reviewer_user, due=yesterday)
    review_services.reviews_notify_overdue()
    review_services.reviews_notify_overdue()
    (post,) = OutboxMessage.objects.filter(kind="webhook")
    assert post.to == hook.url  # the other team has nothing overdue
    assert post.payload["text"].startswith(
        f"*Review overdue: 2 reviews of the team are overdue (due {yesterday:%-d %b})*"
    )
    assert agent.name not in post.payload["text"] and reviewer_user.get_full_name() not in post.payload["text"]


def test_overdue_beat_runs_the_task_daily(db):
    entry = django_settings.CELERY_BEAT_SCHEDULE["qa-reviews-overdue"]
    assert entry["task"] == "qa.tasks.reviews_notify_overdue"
    from qa.tasks import reviews_notify_overdue

    assert reviews_notify_overdue() == 0


# Calibration -------------------------------------------------------------------------------------------------------


@pytest.fixture
def session(version, agent, qa_lead, reviewer_user, second_reviewer):
    contacts = [ContactFactory(agent=agent, channel="phone"), ContactFactory(agent=agent, channel="phone")]
    return cal.session_create(
        owner=qa_lead,
        title="Week 12",
        version=version,
        contacts=contacts,
        participants=[reviewer_user, second_reviewer],
        calibrator=qa_lead,
        deadline=timezone.now() + timedelta(days=2),
    )


def test_a_calibration_invites_its_participants_not_its_lead(session, reviewer_user, second_reviewer, qa_lead):
    told = _told("calibration_invited")
    assert set(told) == {reviewer_user.pk, second_reviewer.pk}
    assert told[reviewer_user.pk].startswith("Calibration “Week 12”: score 2 conversations by ")


def test_a_calibration_reminds_who_has_not_submitted_a_day_before_once(
    session, version, reviewer_user, second_reviewer, qa_lead
):
    submit(session, reviewer_user, version)
    assert cal.sessions_remind_due() == 0  # two days before: not yet
    CalibrationSession.objects.filter(pk=session.pk).update(
        deadline=timezone.now() + timedelta(hours=20), created_at=timezone.now() - timedelta(days=2)
    )
    cal.sessions_sync_due()
    cal.sessions_sync_due()
    assert set(_told("calibration_due")) == {second_reviewer.pk, qa_lead.pk}


def test_a_calibration_created_close_to_its_deadline_is_not_reminded(version, agent, qa_lead, reviewer_user):
    cal.session_create(
        owner=qa_lead,
        title="Quick",
        version=version,
        contacts=[ContactFactory(agent=agent, channel="phone")],
        participants=[reviewer_user],
        calibrator=qa_lead,
        deadline=timezone.now() + timedelta(hours=3),
    )
    assert cal.sessions_remind_due() == 0


def test_calibration_results_tell_who_may_read_them(session, version, reviewer_user, second_reviewer, qa_lead):
    submit(session, reviewer_user, version)
    submit(session, qa_lead, version)
    cal.session_close(session=session, user=qa_lead)
    told = _told("calibration_results")
    assert set(told) == {reviewer_user.pk}  # the lead closed it; second_reviewer did not score, cannot read them
    cal.session_open_results(session=session, closed_by="lead")
    assert Notice.objects.filter(event="calibration_results").count() == 1


def test_calibration_results_opened_by_the_last_submit_tell_the_lead(
    session, version, reviewer_user, second_reviewer, qa_lead
):
    for user in (reviewer_user, second_reviewer, qa_lead):
        submit(session, user, version)
    cal.session_sync(session=session)
    assert set(_told("calibration_results")) == {reviewer_user.pk, second_reviewer.pk, qa_lead.pk}
