"""The shared history helper: values as a reader sees them, hidden fields left out."""

import pytest

from core.selectors.history import history_entries, show
from core.tests.factories import ContactFactory, UserFactory
from qa.models import Review
from qa.tests.factories import VersionFactory

pytestmark = pytest.mark.django_db


def test_history_entries_show_labels_names_and_choices_not_ids(agent):
    reviewer = UserFactory(first_name="Ada", last_name="Lovelace")
    contact = ContactFactory(agent=agent)
    review = Review.objects.create(contact=contact, agent=agent, team=agent.team, version=VersionFactory())
    review.reviewer, review.status, review.lock_version = reviewer, Review.Status.RELEASED, 3
    review._history_user = reviewer
    review.save()
    review.lock_version = 4  # a hidden field only: no entry
    review.save()
    records = review.history.select_related("history_user", "reviewer").order_by("history_date", "history_id")
    entries = history_entries(records, fields={"status": "Status", "reviewer": "Reviewer"})
    assert [e.why for e in entries] == ["Created", "Changed"]
    assert [(c.what, c.old, c.new) for c in entries[1].changes] == [
        ("Status", "Draft", "Released"),
        ("Reviewer", "—", "Ada Lovelace"),
    ]
    assert entries[1].who == reviewer
    record = records.last()
    assert show(record, "auto_failed", False) == "No" and show(record, "comment", "") == "—"
