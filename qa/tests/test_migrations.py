"""Migrations that change data: run against rows the new constraint would refuse."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import Skill
from core.tests.factories import ContactFactory
from qa.tests.factories import VersionFactory

BEFORE = [("qa", "0007_calibration_answer_history")]
AFTER = [("qa", "0009_review_one_per_contact")]


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _state_models(target):
    """Review and its history as they were at `target` (today's model has columns added since)."""
    apps = MigrationExecutor(connection).loader.project_state(target).apps
    return apps.get_model("qa", "Review"), apps.get_model("qa", "HistoricalReview")


@pytest.mark.django_db(transaction=True)
def test_one_review_per_contact_migration_removes_untouched_duplicate_drafts_and_stops_on_real_duplicates():
    _migrate(BEFORE)  # no constraint: the duplicates a race could leave can be written
    Review, HistoricalReview = _state_models(BEFORE)  # noqa: N806 (models of the migration state)
    try:
        version = VersionFactory()
        # A transactional test may run after another one emptied the seeded skill catalogue.
        skill, _ = Skill.objects.get_or_create(
            code="migration_test", defaults={"name": "Migration test", "tier": "technical"}
        )
        # The criterion and answer as the migration state has them (today's models have columns added since).
        state = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        section = state.get_model("qa", "ScorecardSection").objects.create(version_id=version.pk, title="S")
        criterion = state.get_model("qa", "Criterion").objects.create(
            version_id=version.pk,
            section=section,
            key="c",
            skill_id=skill.pk,
            text="Behaviour",
            weight=1,
            scale="yes_no",
            scale_min=0,
            scale_max=1,
        )
        StateAnswer = state.get_model("qa", "ReviewAnswer")  # noqa: N806 (a model of the migration state)

        def review(contact, **fields):
            return Review.objects.create(
                contact_id=contact.pk,
                agent_id=contact.agent_id,
                team_id=contact.team_id,
                version_id=version.pk,
                **fields,
            )

        worked, twice_sampled, with_calibration = ContactFactory(), ContactFactory(), ContactFactory()
        released = review(worked, status="released", score=80)
        stray = review(worked)  # an untouched draft made beside the released review
        oldest, newer = review(twice_sampled), review(twice_sampled)  # two untouched drafts: the oldest stays
        calibration = review(with_calibration, is_calibration=True)
        single = review(with_calibration)

        conflict = ContactFactory()
        first = review(conflict)
        StateAnswer.objects.create(
            review_id=first.pk, criterion_id=criterion.pk, value=1
        )  # a draft with an answer is work
        second = review(conflict, comment="Started the feedback")
        with pytest.raises(RuntimeError, match=rf"contact {conflict.pk}: reviews {first.pk}, {second.pk}"):
            _migrate(AFTER)
        assert Review.objects.filter(pk__in=[stray.pk, newer.pk]).count() == 2  # nothing changed
        second_pk = second.pk
        second.delete()  # a person decided

        _migrate(AFTER)
        assert set(Review.objects.values_list("pk", flat=True)) == {
            released.pk,
            oldest.pk,
            calibration.pk,
            single.pk,
            first.pk,
        }
        closing = HistoricalReview.objects.filter(history_type="-").exclude(id=second_pk).order_by("id")
        assert [(r.id, r.history_user, r.history_change_reason) for r in closing] == [
            (stray.pk, None, "Duplicate untouched draft removed (one review per contact)"),
            (newer.pk, None, "Duplicate untouched draft removed (one review per contact)"),
        ]
        assert closing[0].contact_id == worked.pk and closing[0].status == "draft"
    finally:
        _migrate(_latest())
