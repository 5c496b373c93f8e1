"""Accessibility and phone width of the pages people use most, on the seeded demo, in headless Chromium.

One test seeds the demo (`seed_demo`, about half a minute) and then, for each page below as the user who would
open it:
- runs axe-core (vendored in static/vendor/axe-core/, see VERSIONS.md) and fails on every violation of impact
  critical or serious, with the rule, its impact and the selectors of the offending elements;
- at a phone's viewport (390×844) checks that the page does not scroll sideways
  (`document.documentElement.scrollWidth <= window.innerWidth`), naming the elements that stick out.
The root conftest's `console_errors` fixture also fails it on any console error on these pages.
"""

import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Candidate
from coaching.models import CoachingPlan
from core.models import Team
from core.tests.factories import AgentFactory
from dashboards.tests.dashboard_data import fill_rollups
from demo import calibration as demo_calibration
from demo.org import DEMO_AGENT_USERNAME, DEMO_PASSWORD
from qa.calibration.models import CalibrationSession
from qa.models import Review
from qa.scorecards.models import ScorecardVersion

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # as recorded in VERSIONS.md
FAILING_IMPACTS = ("critical", "serious")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    count: v.nodes.length,
  }));
}"""

# Elements that reach past the right edge of the viewport and are not inside a box that scrolls or clips them
# (an absolutely positioned element is clipped only by a box at or above its containing block).
WIDE_ELEMENTS = """() => {
  const limit = window.innerWidth;
  const clipped = (el) => {
    const position = getComputedStyle(el).position;
    if (position === "fixed") return true;
    let contained = position !== "absolute";
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (!contained) { contained = style.position !== "static"; if (!contained) continue; }
      if (style.overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    Array.from(el.classList).slice(0, 3).map((c) => "." + c).join("");
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 1 && box.width > 0 && !clipped(el)) {
      out.push(name(el) + " (right edge " + Math.round(box.right) + "px)");
      if (out.length >= 8) break;
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: limit, wide: out};
}"""


# Text shown only in a title attribute (a hover tooltip) reaches neither touch screens nor most screen readers: each
# title's text must also be on the page as text (visible, visually hidden or inside a disclosure).
TITLE_ONLY = """() => {
  const squash = (text) => text.replace(/\\s+/g, " ").trim();
  const text = squash(document.body.textContent);
  return Array.from(document.querySelectorAll("[title]"))
    .filter((el) => squash(el.title) && !text.includes(squash(el.title)))
    .slice(0, 8).map((el) => el.tagName.toLowerCase() + ' title="' + squash(el.title) + '"');
}"""


def _pages() -> list[tuple[str, str, str]]:
    """(who, what, path): each role's landing page and the pages of the issue, from the seeded demo."""
    agent_review = Review.objects.filter(agent__user__username=DEMO_AGENT_USERNAME, status="released").first()
    agent_review = (
        agent_review or Review.objects.filter(agent__user__username=DEMO_AGENT_USERNAME).exclude(status="draft").first()
    )
    review = Review.objects.filter(reviewer__username="reviewer").exclude(status="draft").order_by("pk").first()
    version = ScorecardVersion.objects.filter(status="published").order_by("pk").first()
    session = CalibrationSession.objects.get(title=demo_calibration.MISALIGNED)
    candidate = Candidate.objects.order_by("pk").first()
    plan = CoachingPlan.objects.filter(agent__user__username=DEMO_AGENT_USERNAME).first()
    team = Team.objects.get(name="North")
    return [
        ("admin", "landing page", "/"),
        ("lead", "landing page", "/"),
        ("reviewer", "landing page", "/"),
        ("hiring", "landing page", "/"),
        (DEMO_AGENT_USERNAME, "landing page", "/"),
        ("reviewer", "a review", reverse("qa:review-detail", args=[review.pk])),
        (DEMO_AGENT_USERNAME, "the agent's own review", reverse("qa:review-detail", args=[agent_review.pk])),
        ("reviewer", "a scorecard version and its preview", reverse("qa:version-detail", args=[version.pk])),
        ("reviewer", "calibration results", reverse("qa:calibration-results", args=[session.pk])),
        ("hiring", "a candidate", reverse("assessments:candidate-detail", args=[candidate.pk])),
        ("lead", "a coaching plan", reverse("coaching:plan-detail", args=[plan.pk])),
        ("lead", "the team dashboard", f"{reverse('dashboards:team-dashboard')}?team={team.pk}"),
        ("lead", "the vendor comparison", reverse("dashboards:vendor-comparison")),
        ("hiring", "the hiring dashboard", reverse("dashboards:hiring-dashboard")),
        (DEMO_AGENT_USERNAME, "the agent's reviews", reverse("qa:my-reviews")),
        (DEMO_AGENT_USERNAME, "the agent's coaching plan", reverse("coaching:my-plan")),
    ]


def _sign_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("[data-testid=user-menu]")


def test_the_vendored_axe_is_the_recorded_one():
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


# serialized_rollback: the rows the migrations seed (skills, role profiles, the question bank) are put back first,
# since an earlier transactional test may have flushed them.
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_main_pages_have_no_serious_axe_violations_and_fit_a_phone(page, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    axe_source = AXE.read_text()
    pages = _pages()
    violations: list[str] = []
    too_wide: list[str] = []
    title_only: list[str] = []
    signed_in = None
    for username, what, path in pages:
        if username != signed_in:
            page.set_viewport_size(DESKTOP)
            _sign_in(page, live_server, username)
            signed_in = username
        where = f"{username}, {what} ({path})"
        page.set_viewport_size(DESKTOP)
        response = page.goto(f"{live_server.url}{path}", wait_until="networkidle")
        assert response.status == 200, f"{where} answers {response.status}"
        # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not refuse it.
        page.evaluate(axe_source)
        for violation in page.evaluate(RUN_AXE):
            if violation["impact"] in FAILING_IMPACTS:
                violations.append(
                    f"{where}: {violation['id']} ({violation['impact']}: {violation['help']}) on "
                    f"{violation['count']} element(s): {'; '.join(violation['targets'])}"
                )
        title_only.extend(f"{where}: only in a tooltip: {found}" for found in page.evaluate(TITLE_ONLY))
        page.set_viewport_size(PHONE)
        page.goto(f"{live_server.url}{path}", wait_until="networkidle")
        width = page.evaluate(WIDE_ELEMENTS)
        if width["scrollWidth"] > width["innerWidth"]:
            too_wide.append(
                f"{where}: {width['scrollWidth']}px wide at {width['innerWidth']}px; sticking out: "
                + (", ".join(width["wide"]) or "(none found outside a scrolling box)")
            )
    problems = [*violations, *title_only, *too_wide]
    assert not problems, (
        f"{len(violations)} serious or critical axe violation(s), {len(title_only)} text(s) only in a tooltip, "
        f"{len(too_wide)} page(s) wider than a phone:\n" + "\n".join(problems)
    )


@pytest.mark.django_db
def test_dashboard_cards_say_in_text_what_colour_and_tooltips_said(client, lead_user, team):
    """Each KPI card: its definition in a disclosure, the previous period's figure and n as text, and the change
    with an arrow and a word besides its colour."""
    agents = AgentFactory.create_batch(3, team=team)
    today = timezone.localdate()
    fill_rollups(agents=agents, start=today - timedelta(days=70), end=today)
    client.force_login(lead_user)
    html = client.get(reverse("dashboards:team-dashboard"), {"preset": 30}).content.decode()
    cards = html.split('class="card kpi-card')[1:]
    assert len(cards) >= 5
    for card in cards:
        kpi = re.search(r'data-kpi="(\w+)"', card).group(1)
        assert re.search(r"<details[^>]*>\s*<summary>Definition", card), f"{kpi}: no definition disclosure"
        assert re.search(r"Before: [^<]+ \(n = \d+\)", card), f"{kpi}: the previous period is not shown as text"
        change = re.search(r'data-testid="change-\w+">(.*?)</p>', card, re.S).group(1)
        assert "no previous data" in change or (
            re.search(r"[▲▼=]", change) and re.search(r"better|worse|within noise", change)
        ), f"{kpi}: the change needs an arrow and a word, not only a colour: {change!r}"
        assert 'title="Previous period' not in card
