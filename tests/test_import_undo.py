"""Undo of an upload refuses while QA work depends on a contact it created (qa and imports do not import each
other, so this lives with the cross-app tests)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Contact
from imports import runs
from imports.models import ImportCreated, ImportRun
from imports.tests.test_upload import good_csv, upload
from qa.tests.factories import ReviewFactory


@pytest.fixture
def imported(client, team, agent, admin_user, django_capture_on_commit_callbacks):
    team.name = "North"
    team.save()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, good_csv(agent), action="import")
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE and run.created == 3
    return run


def test_undo_is_refused_while_a_created_contact_has_a_review(client, imported, admin_user):
    contact = Contact.objects.get(pk=ImportCreated.objects.filter(run=imported).values("contact_id")[:1])
    ReviewFactory(contact=contact)
    page = client.get(reverse("imports:run-undo", args=[imported.pk])).content.decode()
    assert "1 of its contacts is used by reviews." in page and "Delete 3" not in page
    with pytest.raises(ValidationError, match="used by reviews"):
        runs.run_undo(run=imported, user=admin_user)
    response = client.post(reverse("imports:run-undo", args=[imported.pk]), follow=True)
    assert "Cannot undo this import" in response.content.decode()
    imported.refresh_from_db()
    assert imported.status == ImportRun.Status.DONE and Contact.objects.count() == 3


def test_undo_blockers_cost_one_query_per_kind_of_reference(imported, django_assert_max_num_queries):
    from core.models import Contact as C

    kinds = len([r for r in C._meta.related_objects if r.on_delete.__name__ != "CASCADE"])
    with django_assert_max_num_queries(kinds + 1):
        assert runs.undo_blockers(run=imported) == []


def test_undo_deletes_nothing_when_a_review_appears_after_the_check(imported, admin_user, monkeypatch):
    contact = Contact.objects.get(pk=ImportCreated.objects.filter(run=imported).values("contact_id")[:1])
    ReviewFactory(contact=contact)
    monkeypatch.setattr(runs, "undo_blockers", lambda run: [])  # as if the review came in between
    with pytest.raises(ValidationError, match="used meanwhile"):
        runs.run_undo(run=imported, user=admin_user)
    imported.refresh_from_db()
    assert imported.status == ImportRun.Status.DONE
    assert Contact.objects.count() == 3 and ImportCreated.objects.filter(run=imported).count() == 3
