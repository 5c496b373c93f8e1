"""Changing and deleting contacts outside imports: every such write marks the days it changes for the rollup.

A contact counts on its (agent, day), and its case's first contact and repeat window decide the FCR of the case's
other contacts, so a change marks the contact's old and new (agent, day) and every contact of its old and new
cases. Imports do the same in their upsert; the Django admin (change, delete, bulk delete) calls these services.
`QuerySet.update()` and `QuerySet.delete()` send no model signals, which is why this is a service every path calls
rather than a signal receiver.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from core.models import Contact
from core.services.rollup_marks import rollup_enqueue, rollup_mark

# What a contact weighs on the rollups: the (agent, day) it counts on and the case whose figures it shares.
Footprint = tuple[int, date, str]


def contact_footprints(*, contacts: QuerySet[Contact]) -> list[Footprint]:
    """The (agent id, day, case id) of each contact, as stored (read before a change or a delete)."""
    return list(contacts.order_by().values_list("agent_id", "day", "case_id").distinct())


def contacts_changed(*, footprints: Iterable[Footprint]) -> None:
    """Mark for the rollup the (agent, day) pairs of these footprints and of every contact still in their cases,
    and queue the rollup once the transaction commits. Pass the footprints from before and after a change."""
    footprints = set(footprints)
    if not footprints:
        return
    agent_days = {(agent_id, day) for agent_id, day, _case in footprints}
    cases = sorted({case for _agent, _day, case in footprints})
    for offset in range(0, len(cases), 1000):
        agent_days.update(
            Contact.objects.filter(case_id__in=cases[offset : offset + 1000])
            .order_by()
            .values_list("agent_id", "day")
            .distinct()
        )
    rollup_mark(agent_days=agent_days)
    rollup_enqueue()


@transaction.atomic
def contact_save(*, contact: Contact) -> Contact:
    """Save a contact (new or changed) and mark the days it left and the days it is on now."""
    before = contact_footprints(contacts=Contact.objects.filter(pk=contact.pk)) if contact.pk else []
    contact.save()
    contacts_changed(footprints=[*before, (contact.agent_id, contact.day, contact.case_id)])
    return contact


@transaction.atomic
def contacts_delete(*, contacts: QuerySet[Contact]) -> int:
    """Delete these contacts (their turns go with them) and mark their days and their cases' other contacts.

    Returns how many contacts were deleted. A contact a QA review or calibration points at is protected: the
    delete raises ProtectedError and nothing changes."""
    footprints = contact_footprints(contacts=contacts)
    _deleted, per_model = contacts.delete()
    contacts_changed(footprints=footprints)
    return per_model.get(Contact._meta.label, 0)
