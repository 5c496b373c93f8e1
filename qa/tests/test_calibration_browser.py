"""In Chromium: a reviewer scores blind in a calibration session on the review page; the lead reads the results."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.tests.factories import ContactFactory, TeamFactory, VendorFactory
from qa.calibration import services as cal
from qa.reviews.services import review_save
from qa.tests.calibration_fixtures import answers_for, make_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def seeded_skills():
    """Transactional tests may run after another one flushed the migration-seeded skills: make sure they exist."""
    from core.models import Skill

    for code, tier in [
        ("active_listening", "foundational"),
        ("problem_solving", "strategic"),
        ("communication", "foundational"),
        ("product_knowledge", "technical"),
        ("patience", "foundational"),
    ]:
        Skill.objects.get_or_create(
            code=code, defaults={"name": code.replace("_", " ").title(), "tier": tier, "position": 0}
        )


def test_reviewer_scores_blind_and_the_lead_reads_the_results(page, live_server, seeded_skills, version, agent, vendor):
    partner = VendorFactory(kind="partner", name="Atlantic BPO")
    TeamFactory(vendor=partner)
    lead = make_reviewer(vendor, partner, lead=True, username="lena")
    quinn = make_reviewer(partner, username="quinn")
    contact = ContactFactory(agent=agent, channel="phone")
    session = cal.session_create(
        owner=lead,
        title="Browser calibration",
        version=version,
        contacts=[contact],
        participants=[quinn],
        calibrator=lead,
        deadline=timezone.now() + timedelta(days=1),
    )
    benchmark = session.participants.get(user=lead).assignments.get().review
    review_save(review=benchmark, actor=lead, answers=answers_for(version), lock_version=0, submit=True)

    _sign_in(page, live_server, "quinn")
    page.goto(f"{live_server.url}/qa/calibration/{session.pk}/")
    assert page.get_by_test_id("results-link").count() == 0  # blind: nothing to see yet
    page.get_by_test_id("score-link").click()
    assert "calibration session" in page.content()
    page.locator(f"input[name=c{version.c_listen.pk}][value='0']").check()
    page.locator(f"input[name=c{version.c_solve.pk}][value='2']").check()
    page.locator(f"input[name=c{version.c_data.pk}][value='1']").check()
    page.locator(f"input[name=c{version.c_calm.pk}][value='1']").check()
    page.get_by_role("button", name="Submit", exact=True).click()  # calibration reviews are never released
    page.wait_for_url(f"**/qa/calibration/{session.pk}/")
    assert "the results are open" in page.content()
    page.get_by_test_id("results-link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Results: Browser calibration"

    page.context.clear_cookies()
    _sign_in(page, live_server, "lena")
    page.goto(f"{live_server.url}/qa/calibration/{session.pk}/results/")
    assert page.get_by_test_id("session-alpha").inner_text() != ""
    participants = page.get_by_test_id("participants").inner_text()
    assert quinn.get_full_name() in participants
    assert "strict" in participants  # listened "no" and a 2 where the benchmark said yes and 4
    assert "Outsourced partner" in page.get_by_test_id("groups").inner_text()
    assert page.get_by_test_id("criterion").count() == 5
