"""Coaching's own notices move to the core's notification service (coaching 0004): nothing lost, nothing told twice."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from coaching import services
from coaching.tests.factories import PlanFactory
from core.models import Notice
from core.tests.factories import AgentFactory, TeamFactory, UserFactory

BEFORE = [("coaching", "0003_activity_proposals")]
AFTER = [("coaching", "0004_notifications_to_core")]


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_notifications_to_core_migration_copies_every_notice_with_its_dates_and_the_nightly_job_adds_none():
    _migrate(BEFORE)
    Notification = (
        MigrationExecutor(connection)
        .loader.project_state(BEFORE)
        .apps.get_model(  # noqa: N806
            "coaching", "Notification"
        )
    )
    try:
        team = TeamFactory()
        agent = AgentFactory(team=team)
        lead = UserFactory()
        team.leads.add(lead)
        plan = PlanFactory(agent=agent, next_session_on=date(2026, 6, 3))
        sent = datetime(2026, 6, 2, 2, 0, tzinfo=UTC)
        read = sent + timedelta(hours=5)
        due_key = f"session-due:{plan.pk}:2026-06-03"
        rows = [
            Notification.objects.create(
                user_id=agent.user_id,
                kind="session_due",
                key=due_key,
                message="Your coaching session is due on 3 Jun 2026.",
                url=f"/coaching/plans/{plan.pk}/",
            ),
            Notification.objects.create(
                user_id=lead.pk, kind="session_due", key=due_key, message="Coaching session with A is due."
            ),
            Notification.objects.create(
                user_id=agent.user_id,
                kind="goal_at_risk",
                key="goal-at-risk:7:2026-05-30",
                message="Your goal is at risk",
            ),
        ]
        Notification.objects.filter(pk=rows[0].pk).update(created_at=sent, read_at=read)
        Notification.objects.filter(pk__in=[rows[1].pk, rows[2].pk]).update(created_at=sent - timedelta(days=3))

        _migrate(AFTER)

        notices = {(n.user_id, n.key): n for n in Notice.objects.all()}
        assert set(notices) == {
            (agent.user_id, f"coaching:{due_key}"),
            (lead.pk, f"coaching:{due_key}"),
            (agent.user_id, "coaching:goal-at-risk:7:2026-05-30"),
        }
        first = notices[(agent.user_id, f"coaching:{due_key}")]
        assert (first.event, first.title, first.url) == (
            "session_due",
            "Your coaching session is due on 3 Jun 2026.",
            f"/coaching/plans/{plan.pk}/",
        )
        assert (first.created_at, first.read_at, first.delivery) == (sent, read, "off")
        other = notices[(agent.user_id, "coaching:goal-at-risk:7:2026-05-30")]
        assert other.event == "goal_at_risk" and other.created_at == sent - timedelta(days=3) and other.read_at is None
        assert "coaching_notification" not in connection.introspection.table_names()

        # The nightly job names its keys as the moved notices do: whoever was told is not told again.
        assert services.notifications_send(today=date(2026, 6, 2)) == 0
        assert Notice.objects.count() == 3

        _migrate(BEFORE)  # and back, should a release be rolled back
        assert set(Notification.objects.values_list("user_id", "key", "created_at")) == {
            (agent.user_id, due_key, sent),
            (lead.pk, due_key, sent - timedelta(days=3)),
            (agent.user_id, "goal-at-risk:7:2026-05-30", sent - timedelta(days=3)),
        }
    finally:
        _migrate(_latest())
