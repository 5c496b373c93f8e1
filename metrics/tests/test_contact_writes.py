"""Every path that changes or deletes contacts outside imports marks its days: the Django admin's change view,
its delete view and its bulk delete action, and the core services they call."""

import json
from datetime import UTC, date, datetime

import pytest
from django import forms

from core.models import Contact, RollupMark
from core.services.contacts import contact_save, contacts_delete
from core.tests.factories import AgentFactory, ContactFactory
from metrics import rollups
from metrics.models import AgentDay, TeamDay

pytestmark = pytest.mark.django_db

MARCH_1 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
MARCH_2 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def contact(agent, external_id, case_id, started_at, **fields):
    return ContactFactory(
        agent=agent, team=agent.team, external_id=external_id, case_id=case_id, started_at=started_at, **fields
    )


def change_form_data(client, obj: Contact, **changes) -> dict:
    """The admin change form's own values for `obj` (as a browser would post them back), with `changes`."""
    response = client.get(f"/admin/skillhub/contact/{obj.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = changes[name] if name in changes else form[name].value()
        if isinstance(field, forms.SplitDateTimeField):
            moment = value if isinstance(value, datetime) else form.initial[name]
            data[f"{name}_0"], data[f"{name}_1"] = moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S")
        elif isinstance(field, forms.JSONField):
            data[name] = value if isinstance(value, str) else json.dumps(value)
        elif isinstance(field, forms.NullBooleanField):
            data[name] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


def day_of(agent, day):
    return AgentDay.objects.filter(agent=agent, day=day).values_list("contacts", "csat_responses", "csat_sum").first()


def test_editing_a_contacts_csat_in_the_admin_is_rolled_up(admin_client, agent, django_capture_on_commit_callbacks):
    edited = contact(agent, "a1", "K1", MARCH_1, csat=2)
    contact(agent, "a2", "K2", MARCH_1, csat=5)
    rollups.rollup_full()
    assert day_of(agent, date(2026, 3, 1)) == (2, 2, 7)

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(
            f"/admin/skillhub/contact/{edited.pk}/change/", change_form_data(admin_client, edited, csat=4)
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert len(callbacks) == 1  # the rollup is queued on commit
    assert set(RollupMark.objects.values_list("agent_id", "day")) == {(agent.pk, date(2026, 3, 1))}
    rollups.rollup_pending()
    assert day_of(agent, date(2026, 3, 1)) == (2, 2, 9)


def test_moving_a_contact_to_another_day_and_agent_in_the_admin_fixes_both(admin_client, agent):
    other = AgentFactory(team=agent.team)
    moved = contact(agent, "m1", "K1", MARCH_1, csat=5)
    contact(agent, "m2", "K2", MARCH_1, csat=3)
    rollups.rollup_full()
    data = change_form_data(admin_client, moved, started_at=MARCH_2, agent=other.pk)
    assert admin_client.post(f"/admin/skillhub/contact/{moved.pk}/change/", data).status_code == 302
    assert Contact.objects.get(pk=moved.pk).day == date(2026, 3, 2)
    rollups.rollup_pending()
    assert day_of(agent, date(2026, 3, 1)) == (1, 1, 3)
    assert day_of(other, date(2026, 3, 2)) == (1, 1, 5)
    assert day_of(agent, date(2026, 3, 2)) is None
    assert TeamDay.objects.get(team=agent.team, day=date(2026, 3, 1)).contacts == 1


def test_moving_a_contact_to_another_case_re_rolls_both_cases(agent):
    """A case's FCR depends on its other contacts: leaving a case makes its first contact first-contact resolved."""
    other = AgentFactory(team=agent.team)
    first = contact(agent, "c1", "K1", MARCH_1, resolved=True)
    repeat = contact(other, "c2", "K1", MARCH_2, resolved=True)
    rollups.rollup_full()
    assert AgentDay.objects.get(agent=agent, day=date(2026, 3, 1)).fcr_cases == 0  # repeated within the window
    repeat.case_id = "K2"
    contact_save(contact=repeat)
    # The repeat's own (agent, day) and the first contact's, which it no longer repeats.
    assert set(RollupMark.objects.values_list("agent_id", "day")) == {
        (agent.pk, first.day),
        (other.pk, date(2026, 3, 2)),
    }
    rollups.rollup_pending()
    assert AgentDay.objects.get(agent=agent, day=date(2026, 3, 1)).fcr_cases == 1
    assert AgentDay.objects.get(agent=other, day=date(2026, 3, 2)).cases == 1


def test_deleting_a_contact_in_the_admin_drops_it_from_the_figures(admin_client, agent):
    gone = contact(agent, "d1", "K1", MARCH_1, csat=1)
    contact(agent, "d2", "K2", MARCH_1, csat=5)
    rollups.rollup_full()
    response = admin_client.post(f"/admin/skillhub/contact/{gone.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=gone.pk).exists()
    rollups.rollup_pending()
    assert day_of(agent, date(2026, 3, 1)) == (1, 1, 5)


def test_bulk_deleting_contacts_in_the_admin_drops_them_and_their_days(admin_client, agent):
    doomed = [contact(agent, "b1", "K1", MARCH_1, csat=1), contact(agent, "b2", "K2", MARCH_2, csat=2)]
    kept = contact(agent, "b3", "K3", MARCH_1, csat=5)
    rollups.rollup_full()
    response = admin_client.post(
        "/admin/skillhub/contact/",
        {"action": "delete_selected", "_selected_action": [c.pk for c in doomed], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(Contact.objects.values_list("pk", flat=True)) == [kept.pk]
    rollups.rollup_pending()
    assert day_of(agent, date(2026, 3, 1)) == (1, 1, 5)
    assert day_of(agent, date(2026, 3, 2)) is None  # no contact left that day: its row goes


def test_deleting_a_repeat_contact_re_rolls_its_case(agent):
    first = contact(agent, "r1", "K1", MARCH_1, resolved=True)
    contact(agent, "r2", "K1", MARCH_2, resolved=True)
    rollups.rollup_full()
    assert AgentDay.objects.get(agent=agent, day=first.day).fcr_cases == 0
    assert contacts_delete(contacts=Contact.objects.filter(external_id="r2")) == 1
    rollups.rollup_pending()
    assert AgentDay.objects.get(agent=agent, day=first.day).fcr_cases == 1
    assert day_of(agent, date(2026, 3, 2)) is None
