"""Schemathesis against /api/schema/: no 500s, responses match the schema, nothing out of scope appears.

Runs every operation of the OpenAPI schema with a bounded number of generated examples, as an admin and as
an agent. Objects outside the agent's scope carry a marker in their names; an agent's response containing
the marker is a leak.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core import roles
from core.tests.factories import AgentFactory, TeamFactory, UserFactory, VendorFactory
from skillhub.wsgi import application

MARKER = "ZZOUTOFSCOPEZZ"
MAX_EXAMPLES = 12

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Calling the WSGI app directly would close the test's database connection at request end, as Django's
    test client avoids; do the same here (PostgreSQL would otherwise lose the test transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(db):
    vendor = VendorFactory(name="Fuzz in-house")
    team = TeamFactory(name="Fuzz North", vendor=vendor)
    agent = AgentFactory(team=team)
    partner = VendorFactory(name=f"Partner {MARKER}", kind="partner")
    outside_team = TeamFactory(name=f"Team {MARKER}", vendor=partner)
    AgentFactory(team=outside_team, user__first_name=MARKER, email=f"{MARKER.lower()}@example.test")
    admin = UserFactory(roles=[roles.ADMIN], is_staff=True, is_superuser=True)
    return {
        "admin": Token.objects.create(user=admin).key,
        "agent": Token.objects.create(user=agent.user).key,
    }


def _not_out_of_scope(response, case, who: str) -> None:
    if who == "agent":
        assert MARKER not in response.text and MARKER.lower() not in response.text, "out-of-scope data leaked"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "agent"])
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_operations_survive_generated_requests(case, fuzz_world, who):
    # What the API promises: no server errors, and every answer (status, type, headers, body) as documented.
    # Filters are lenient by design (an unknown boolean is ignored), so negative-data checks are not run.
    response = case.call_and_validate(
        headers={"Authorization": f"Token {fuzz_world[who]}"},
        checks=CHECKS,
    )
    assert response.status_code < 500
    _not_out_of_scope(response, case, who)
