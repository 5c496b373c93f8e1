"""Every URL of the URLconf × every kind of user → the expected answer, in one table.

A URL pattern missing from MATRIX fails `test_every_url_is_in_the_matrix`, so no new view escapes it.
Object URLs are tried with the in-house agent's objects: an agent of another team and the partner's users
must get 404 (no IDOR), roles without the area 403, the anonymous visitor a redirect to sign-in
(pages) or 403 (API).
"""

from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core import roles
from core.tests.factories import AgentFactory, ScopeFactory, TeamFactory, UserFactory, VendorFactory

USERS = ["anon", "admin", "lead", "reviewer", "hiring", "agent", "other_agent", "partner_lead", "partner_reviewer"]

# Expected status per user, in USERS order. "L" = 302 to sign-in; "R" = any other redirect (302).
# (method, object key or None, statuses)
# An optional fourth item is a query string.
PERIOD = "start=2025-01-01&end=2025-01-31"
MATRIX: dict[str, tuple] = {
    # url name                          method  object      anon admin lead rev hire agent oth plead prev
    "skillhub:home": ("GET", None, "L R R R R R R R R"),
    "skillhub:me": ("GET", None, "L 404 403 403 403 200 200 403 403"),
    "skillhub:team-list": ("GET", None, "L 200 200 200 403 403 403 200 200"),
    "skillhub:team-detail": ("GET", "team", "L 200 200 200 403 403 403 404 404"),
    "skillhub:agent-detail": ("GET", "agent", "L 200 200 200 403 200 404 404 404"),
    "skillhub:skill-list": ("GET", None, "L 200 200 200 200 200 200 200 200"),
    "skillhub:api-token": ("GET", None, "L 200 200 200 200 200 200 200 200"),
    # Notifications: each user's own; the unsubscribe link (the in-house agent's) needs no sign-in
    "skillhub:notice-list": ("GET", None, "L 200 200 200 200 200 200 200 200"),
    "skillhub:notice-badge": ("GET", None, "L 200 200 200 200 200 200 200 200"),
    "skillhub:notice-read": ("POST", None, "L R R R R R R R R"),
    "skillhub:notice-menu": ("GET", None, "L 200 200 200 200 200 200 200 200"),
    "skillhub:notice-open": ("GET", "notice", "L 404 404 404 404 R 404 404 404"),  # the in-house agent's notice
    "skillhub:notification-preferences": ("GET", None, "L 200 200 200 200 200 200 200 200"),
    "skillhub:notification-unsubscribe": ("GET", "unsubscribe_link", "200 200 200 200 200 200 200 200 200"),
    "dashboards:team-dashboard": ("GET", None, "L 200 200 403 403 403 403 200 403"),
    "dashboards:vendor-comparison": ("GET", None, "L 200 200 403 403 403 403 200 403"),
    "dashboards:agent-dashboard": ("GET", "agent", "L 200 200 403 403 200 404 404 403"),
    "dashboards:my-dashboard": ("GET", None, "L 404 403 403 403 200 200 403 403"),
    "dashboards:hiring-dashboard": ("GET", None, "L 200 403 403 200 403 403 403 403"),
    "login": ("GET", None, "200 R R R R R R R R"),
    "logout": ("POST", None, "R R R R R R R R R"),
    "password_change": ("GET", None, "L 200 200 200 200 200 200 200 200"),
    "password_change_done": ("GET", None, "L 200 200 200 200 200 200 200 200"),
    # Password reset and invitations: the emailed link is the authority, so anyone may open them, signed in or not
    # (a valid reset link redirects to its set-password page; the invitation is a user's who never signs in here)
    "password_reset": ("GET", None, "200 200 200 200 200 200 200 200 200"),
    "password_reset_done": ("GET", None, "200 200 200 200 200 200 200 200 200"),
    "password_reset_confirm": ("GET", "password_reset_link", "R R R R R R R R R"),
    "password_reset_complete": ("GET", None, "200 200 200 200 200 200 200 200 200"),
    "skillhub:invitation-accept": ("GET", "invitation_link", "200 200 200 200 200 200 200 200 200"),
    "api-schema": ("GET", None, "200 200 200 200 200 200 200 200 200"),
    "api-docs": ("GET", None, "200 200 200 200 200 200 200 200 200"),
    "admin:index": ("GET", None, "R 200 R R R R R R R"),
    "favicon": ("GET", None, "R R R R R R R R R"),
    # Conversation browser: reviewers and ops leads (read-only) search their scope; only reviewers start a review;
    # a saved filter is its owner's alone (the in-house reviewer's here: 404 to everyone else, admins included)
    "qa:conversation-list": ("GET", None, "L 200 200 200 403 403 403 200 200"),
    "qa:conversation-review": ("GET", "browser_contact", "L 200 403 200 403 403 403 403 404"),
    "qa:saved-filter-create": ("POST", None, "L 400 400 400 403 403 403 400 400"),
    "qa:saved-filter-delete": ("POST", "saved_filter", "L 404 404 R 403 403 403 404 404"),
    # Calibration (the session is led by a QA lead outside USERS; `reviewer` takes part but has not submitted)
    "qa:calibration-list": ("GET", None, "L 200 403 200 403 403 403 403 200"),
    "qa:calibration-create": ("GET", None, "L 200 403 403 403 403 403 403 403"),
    "qa:calibration-detail": ("GET", "calibration_session", "L 200 403 200 403 403 403 403 404"),
    "qa:calibration-results": ("GET", "calibration_session", "L 200 403 403 403 403 403 403 404"),
    "qa:calibration-close": ("POST", "calibration_session", "L R 403 403 403 403 403 403 404"),
    "qa:calibration-discussion": ("POST", "calibration_session", "L R 403 403 403 403 403 403 404"),
    "qa:calibration-promote": ("POST", "calibration_discussion", "L R 403 403 403 403 403 403 404"),
    "qa:calibration-revise": ("POST", "calibration_assignment", "L R 403 R 403 403 403 403 404"),
    "qa:calibration-gold-list": ("GET", None, "L 200 403 403 403 403 403 403 403"),
    "qa:calibration-gold-detail": ("GET", "gold_set", "L 200 403 403 403 403 403 403 403"),
    "qa:calibration-history": ("GET", "reviewer_user", "L 200 403 200 403 403 403 403 404"),
    "qa:calibration-vendors": ("GET", None, "L 200 403 403 403 403 403 403 403"),
    "calibration-session-list": ("GET", None, "403 200 403 200 403 403 403 403 200"),
    "calibration-session-detail": ("GET", "calibration_session", "403 200 403 200 403 403 403 403 404"),
    # API
    "api-root": ("GET", None, "403 200 200 200 200 200 200 200 200"),
    "skill-list": ("GET", None, "403 200 200 200 200 200 200 200 200"),
    "skill-detail": ("GET", "skill", "403 200 200 200 200 200 200 200 200"),
    "role-profile-list": ("GET", None, "403 200 200 200 200 200 200 200 200"),
    "role-profile-detail": ("GET", "role_profile", "403 200 200 200 200 200 200 200 200"),
    "team-list": ("GET", None, "403 200 200 200 200 200 200 200 200"),
    "team-detail": ("GET", "team", "403 200 200 200 404 404 404 404 404"),
    "agent-list": ("GET", None, "403 200 200 200 200 200 200 200 200"),
    "agent-detail": ("GET", "agent", "403 200 200 200 404 200 404 404 404"),
    "metrics-agents": ("GET", None, "403 200 200 200 200 200 200 200 200", PERIOD),
    "metrics-teams": ("GET", None, "403 200 200 200 200 200 200 200 200", PERIOD),
    "metrics-vendors": ("GET", None, "403 200 200 200 200 200 200 200 200", PERIOD),
    "interactions-bulk": ("POST", None, "403 400 403 403 403 403 403 403 403"),
    # QA (the review is the agent's, disputed, scored by another in-house reviewer; "reviewer" is no QA lead)
    "qa:queue": ("GET", None, "L 200 403 200 403 403 403 403 200"),
    "qa:review-detail": ("GET", "review", "L 200 200 200 403 200 404 404 404"),
    "qa:review-score": ("POST", "review", "L 200 403 200 403 403 404 403 404"),  # agents: own self-review (origins)
    "qa:review-autosave": ("POST", "review", "L 403 403 403 403 403 404 403 404"),  # agents: own self-review
    "qa:review-acknowledge": ("POST", "review", "L R 403 403 403 R 404 403 403"),
    "qa:review-dispute": ("POST", "review", "L 400 403 403 403 400 404 403 403"),
    "qa:review-resolve": ("GET", "review", "L 200 403 200 403 403 403 403 404"),
    # Queue (the reviewer's workspace): assigning is a QA lead's (admin here); the partner's reviewer gets 404 on
    # taking the in-house review
    "qa:queue-assign": ("POST", None, "L 400 403 403 403 403 403 403 403"),
    "qa:queue-next": ("GET", None, "L R 403 R 403 403 403 403 R"),
    "qa:queue-preference": ("POST", None, "L R 403 R 403 403 403 403 R"),
    "qa:queue-badge": ("GET", None, "L 200 403 200 403 403 403 403 200"),
    "qa:review-take": ("POST", "review", "L R 403 R 403 403 403 403 404"),
    # Conversation view (the in-house agent's reviewed contact): reviewers and leads in scope, the agent their own
    "qa:conversation-detail": ("GET", "conversation", "L 200 200 200 403 200 404 404 404"),
    # Disputes: a QA lead's second step (the review is disputed, not proposed: admin's approve is refused with a
    # message), the thread (ops leads read it only), the list of disputes
    "qa:review-resolution-approve": ("POST", "review", "L R 403 403 403 403 403 403 404"),
    "qa:review-resolution-send-back": ("POST", "review", "L 400 403 403 403 403 403 403 404"),
    "qa:review-comment": ("POST", "review", "L 400 403 400 403 400 404 404 404"),
    "qa:dispute-list": ("GET", None, "L 200 403 200 403 403 403 403 200"),
    "qa:my-reviews": ("GET", None, "L 404 403 403 403 200 200 403 403"),
    "qa:agent-list": ("GET", None, "L 200 200 200 403 403 403 200 200"),
    "qa:agent-reviews": ("GET", "agent", "L 200 200 200 403 403 403 404 404"),
    # Origins: the agent's self-review, time on a review (its own reviewer only), reviewer performance (QA leads)
    "qa:review-self-review": ("POST", "review", "L R 403 403 403 R 404 403 403"),
    "qa:review-time": ("POST", "review", "L 403 403 403 403 403 404 403 404"),
    "qa:reviewer-performance": ("GET", None, "L 200 403 403 403 403 403 403 403"),
    "qa:template-list": ("GET", None, "L 200 403 200 403 403 403 403 200"),
    "qa:template-detail": ("GET", "qa_template", "L R 403 R 403 403 403 403 R"),
    "qa:version-detail": ("GET", "version", "L 200 403 200 403 403 403 403 200"),
    "qa:version-edit": ("POST", "version", "L R 403 403 403 403 403 403 403"),
    "qa:version-publish": ("POST", "version", "L R 403 403 403 403 403 403 403"),
    "qa:version-whatif": ("GET", "version", "L 200 403 403 403 403 403 403 403"),
    "qa:section-create": ("POST", "version", "L R 403 403 403 403 403 403 403"),
    "qa:section-delete": ("POST", "section", "L R 403 403 403 403 403 403 403"),
    "qa:criterion-create": ("GET", "version", "L R 403 403 403 403 403 403 403"),
    "qa:criterion-update": ("GET", "criterion", "L R 403 403 403 403 403 403 403"),
    "qa:criterion-delete": ("POST", "criterion", "L R 403 403 403 403 403 403 403"),
    # Scorecard rules (admins and in-house QA leads; plain reviewers 403) and the builder's reorder and preview
    "qa:scorecard-rules": ("GET", None, "L 200 403 403 403 403 403 403 403"),
    "qa:scorecard-rule-create": ("GET", None, "L 200 403 403 403 403 403 403 403"),
    "qa:scorecard-rule-edit": ("GET", "scorecard_rule", "L 200 403 403 403 403 403 403 403"),
    "qa:scorecard-rule-delete": ("POST", "scorecard_rule", "L R 403 403 403 403 403 403 403"),
    "qa:scorecard-rule-move": ("POST", "scorecard_rule", "L R 403 403 403 403 403 403 403"),
    "qa:section-move": ("POST", "section", "L R 403 403 403 403 403 403 403"),
    "qa:criterion-move": ("POST", "criterion", "L R 403 403 403 403 403 403 403"),
    "qa:version-preview": ("GET", "version", "L 200 403 200 403 403 403 403 200"),
    "qa:version-preview-score": ("POST", "version", "L 200 403 200 403 403 403 403 200"),
    "qa:sampling": ("GET", None, "L 200 403 200 403 403 403 403 200"),
    "qa:sampling-detail": ("GET", "sampling_run", "L 200 403 200 403 403 403 403 404"),
    "scorecard-template-list": ("GET", None, "403 200 200 200 403 403 403 200 200"),
    "scorecard-template-detail": ("GET", "qa_template", "403 200 200 200 403 403 403 200 200"),
    "review-list": ("GET", None, "403 200 200 200 403 200 200 200 200"),
    "review-detail": ("GET", "review", "403 200 200 200 403 200 404 404 404"),
    "review-answers": ("POST", "review", "403 400 403 400 403 403 403 403 404"),
    "review-submit": ("POST", "review", "403 400 403 400 403 403 403 403 404"),
    "auto-review-list": ("GET", None, "403 200 200 200 403 200 200 200 200"),  # AutoQA: scoped like reviews
    "auto-review-detail": ("GET", "auto_review", "403 200 200 200 403 200 404 404 404"),
    "auto-criterion-list": ("GET", None, "403 200 200 200 403 403 403 200 200"),
    # Coaching: ops leads manage their teams' plans; an agent reads their own; reviewers and hiring get 403.
    "coaching:my-plan": ("GET", None, "L 200 403 403 403 200 200 403 403"),
    "coaching:plan-list": ("GET", None, "L 200 200 403 403 403 403 200 403"),
    "coaching:plan-create": ("GET", None, "L 200 200 403 403 403 403 200 403"),
    "coaching:plan-detail": ("GET", "coaching_plan", "L 200 200 403 403 200 404 404 403"),
    "coaching:goal-create": ("GET", "coaching_plan", "L 200 200 403 403 403 403 404 403"),
    "coaching:assignment-create": ("GET", "coaching_plan", "L 200 200 403 403 403 403 404 403"),
    "coaching:session-create": ("GET", "coaching_plan", "L 200 200 403 403 403 403 404 403"),
    "coaching:goal-edit": ("GET", "coaching_goal", "L 200 200 403 403 403 403 404 403"),
    "coaching:assignment-detail": ("GET", "coaching_assignment", "L 200 200 403 403 200 404 404 403"),
    "coaching:session-detail": ("GET", "coaching_session", "L 200 200 403 403 200 404 404 403"),
    "coaching:session-acknowledge": ("POST", "coaching_session", "L R 403 403 403 R 404 403 403"),
    "coaching:activity-list": ("GET", None, "L 200 200 403 403 403 403 200 403"),
    "coaching:activity-create": ("GET", None, "L 200 200 403 403 403 403 200 403"),
    "coaching:activity-edit": ("GET", "coaching_activity", "L 200 403 403 403 403 403 403 403"),
    "coaching:activity-publish": ("POST", "coaching_activity", "L R 403 403 403 403 403 403 403"),
    "coaching:activity-impact": ("GET", "coaching_activity", "L 200 200 403 403 403 403 200 403"),
    "coaching:suggestion-list": ("GET", None, "L 200 200 403 403 403 403 200 403"),
    "coaching:suggestion-refresh": ("POST", None, "L R R 403 403 403 403 R 403"),
    "coaching:suggestion-accept": ("GET", "coaching_suggestion", "L 200 200 403 403 403 403 404 403"),
    "coaching:suggestion-dismiss": ("POST", "coaching_suggestion", "L R R 403 403 403 403 404 403"),
    "coaching:suggestion-dismiss-bulk": ("POST", None, "L R R 403 403 403 403 R 403"),
    "coaching:target-list": ("GET", None, "L 200 200 403 403 403 403 200 403"),
    "coaching:team-targets": ("GET", "team", "L 200 200 403 403 403 403 404 403"),
    "coaching-plan-list": ("GET", None, "403 200 200 403 403 200 200 200 403"),
    "coaching-plan-detail": ("GET", "coaching_plan", "403 200 200 403 403 200 404 404 403"),
    # Hiring (assessments): hiring managers on the requisition and admins; the rest 403; candidate links need no account
    "assessments:requisition-list": ("GET", None, "L 200 403 403 200 403 403 403 403"),
    "assessments:requisition-create": ("GET", None, "L 200 403 403 200 403 403 403 403"),
    "assessments:question-bank": ("GET", None, "L 200 403 403 200 403 403 403 403"),
    "assessments:report": ("GET", None, "L 200 403 403 200 403 403 403 403"),
    "assessments:requisition-board": ("GET", "requisition", "L 200 403 403 200 403 403 403 403"),
    "assessments:requisition-edit": ("GET", "requisition", "L 200 403 403 200 403 403 403 403"),
    "assessments:requisition-kits": ("GET", "requisition", "L 200 403 403 200 403 403 403 403"),
    "assessments:requisition-compare": ("GET", "requisition", "L 200 403 403 200 403 403 403 403"),
    "assessments:candidate-create": ("GET", "requisition", "L 200 403 403 200 403 403 403 403"),
    "assessments:candidate-detail": ("GET", "candidate", "L 200 403 403 200 403 403 403 403"),
    "assessments:candidate-scorecard": ("GET", "candidate", "L 200 403 403 200 403 403 403 403"),
    "assessments:candidate-hire": ("GET", "candidate", "L 200 403 403 200 403 403 403 403"),
    "assessments:candidate-cv": ("GET", "candidate", "L 404 403 403 404 403 403 403 403"),
    "assessments:candidate-move": ("POST", "candidate", "L R 403 403 R 403 403 403 403"),
    "assessments:candidate-issue-link": ("POST", "candidate", "L R 403 403 R 403 403 403 403"),
    "assessments:candidate-email-link": ("POST", "candidate", "L R 403 403 R 403 403 403 403"),
    "assessments:candidate-test-email": ("POST", "candidate_test", "L R 403 403 R 403 403 403 403"),
    "assessments:requisition-test-email": ("GET", "requisition", "L 200 403 403 200 403 403 403 403"),
    "assessments:candidate-reject": ("POST", "candidate", "L R 403 403 R 403 403 403 403"),
    "assessments:interview-start": ("POST", "candidate", "L R 403 403 R 403 403 403 403"),
    "assessments:interview-detail": ("GET", "interview", "L 404 403 403 200 403 403 403 403"),
    "assessments:rating-save": ("POST", "interview", "L 404 403 403 R 403 403 403 403"),
    "assessments:interview-submit": ("POST", "interview", "L 404 403 403 R 403 403 403 403"),
    "assessments:take-test": ("GET", "candidate_link", "200 200 200 200 200 200 200 200 200"),
    "assessments:take-save": ("POST", "candidate_link", "404 404 404 404 404 404 404 404 404"),
    "assessments:take-submit": ("POST", "candidate_link", "200 410 410 410 410 410 410 410 410"),
    "requisition-list": ("GET", None, "403 200 200 200 200 200 200 200 200"),
    "requisition-detail": ("GET", "requisition", "403 200 404 404 200 404 404 404 404"),
    "candidate-list": ("GET", None, "403 200 200 200 200 200 200 200 200"),
    "candidate-detail": ("GET", "candidate", "403 200 404 404 200 404 404 404 404"),
    # Upload in the browser: admins and ops leads; the in-house lead's run and file are 404 to the partner's lead
    "imports:upload": ("GET", None, "L 200 200 403 403 403 403 200 403"),
    "imports:file-start": ("GET", "import_file", "L 200 200 403 403 403 403 404 403"),
    "imports:profile-builder": ("GET", "import_file", "L 200 200 403 403 403 403 404 403"),
    "imports:profile-list": ("GET", None, "L 200 200 403 403 403 403 200 403"),
    "imports:profile-create": ("GET", None, "L 200 403 403 403 403 403 403 403"),
    "imports:profile-edit": ("GET", "import_profile", "L 200 403 403 403 403 403 403 403"),
    "imports:run-list": ("GET", None, "L 200 200 403 403 403 403 200 403"),
    "imports:run-detail": ("GET", "import_run", "L 200 200 403 403 403 403 404 403"),
    "imports:run-progress": ("GET", "import_run", "L 200 200 403 403 403 403 404 403"),
    "imports:run-repeat": ("POST", "import_run", "L R R 403 403 403 403 404 403"),
    "imports:run-errors": ("GET", "import_run", "L 200 200 403 403 403 403 404 403"),
    "imports:run-file": ("GET", "import_run", "L 200 200 403 403 403 403 404 403"),
    "imports:run-undo": ("GET", "import_run", "L 200 200 403 403 403 403 404 403"),
}

# Django admin's own pages check is_staff themselves; the matrix covers its index only.
SKIP_NAMESPACES = {"admin"}
SKIP_NAMES = {"api-schema-yaml"}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            if entry.namespace in SKIP_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            if "format" in entry.pattern.regex.groupindex:
                continue  # DRF's .json/.api suffix variants of the same view
            yield f"{namespace}{entry.name}", entry


def url_names() -> set[str]:
    return {name for name, _ in _walk(get_resolver().url_patterns)} - SKIP_NAMES


def test_every_url_is_in_the_matrix():
    missing = sorted(url_names() - set(MATRIX) - {"admin:index"})
    assert not missing, f"Add these URL names to MATRIX with their expected answers: {missing}"


@pytest.fixture
def world(db):
    """Two vendors; the in-house agent's objects are the ones tried; each user of USERS."""
    from core.models import RoleProfile, Skill

    in_house, partner = VendorFactory(name="In-house"), VendorFactory(name="Partner", kind="partner")
    north, east = TeamFactory(name="North", vendor=in_house), TeamFactory(name="East", vendor=in_house)
    lisbon = TeamFactory(name="Lisbon", vendor=partner)
    agent = AgentFactory(team=north)
    other_agent = AgentFactory(team=east)
    AgentFactory(team=lisbon)
    lead = UserFactory(roles=[roles.OPS_LEAD])
    ScopeFactory(user=lead, vendors=[in_house])
    reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=reviewer, vendors=[in_house])
    partner_lead = UserFactory(roles=[roles.OPS_LEAD])
    lisbon.leads.add(partner_lead)
    partner_reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=partner_reviewer, vendors=[partner])
    users = {
        "anon": None,
        "admin": UserFactory(roles=[roles.ADMIN], is_staff=True, is_superuser=True),
        "lead": lead,
        "reviewer": reviewer,
        "hiring": UserFactory(roles=[roles.HIRING_MANAGER]),
        "agent": agent.user,
        "other_agent": other_agent.user,
        "partner_lead": partner_lead,
        "partner_reviewer": partner_reviewer,
    }
    objects = {
        **_hiring_objects(users["hiring"]),
        "team": north,
        "agent": agent,
        "skill": Skill.objects.get(code="empathy"),
        "role_profile": RoleProfile.objects.first(),
        **_coaching_objects(agent),
        **_import_objects(lead=lead, team=north),
    }
    from qa.tests.factories import disputed_review_world

    objects.update(disputed_review_world(agent=agent, vendor=in_house))
    objects["conversation"] = objects["review"].contact  # conversation view
    from qa.autoqa.models import AutoReview

    objects["auto_review"] = AutoReview.objects.create(contact=objects["review"].contact, engine="matrix")
    objects.update(_calibration_world(agent=agent, reviewer=reviewer, vendor=in_house))
    # Scorecard rules: a rule of the in-house team
    from qa.tests.factories import ScorecardRuleFactory

    objects["scorecard_rule"] = ScorecardRuleFactory(team=north, template=objects["qa_template"])
    objects.update(_browser_objects(agent=agent, reviewer=reviewer))
    from core.notifications.emails import unsubscribe_token

    objects["unsubscribe_link"] = SimpleNamespace(pk=unsubscribe_token(user_id=agent.user.pk, event="review_released"))
    objects.update(_account_links())
    from core.models import Notice

    objects["notice"] = Notice.objects.create(
        user=agent.user, event="review_released", key="matrix", title="M", url="/"
    )
    return {"users": users, "objects": objects}


def _account_links() -> dict:
    """A reset link and an invitation of a user who never signs in here (signing in would end the reset token)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from core.accounts.invitations import invitation_send

    newcomer = UserFactory()
    _, token = invitation_send(user=newcomer)
    reset = {
        "uidb64": urlsafe_base64_encode(force_bytes(newcomer.pk)),
        "token": default_token_generator.make_token(newcomer),
    }
    return {"password_reset_link": SimpleNamespace(url_kwargs=reset), "invitation_link": SimpleNamespace(pk=token)}


def _browser_objects(*, agent, reviewer) -> dict:
    """Conversation browser: an unreviewed conversation of the in-house agent, and the reviewer's saved filter."""
    from core.tests.factories import ContactFactory
    from qa.browser.models import SavedFilter

    return {
        "browser_contact": ContactFactory(agent=agent),
        "saved_filter": SavedFilter.objects.create(user=reviewer, name="Matrix", query="channel=chat"),
    }


def _import_objects(*, lead, team) -> dict:
    """The in-house lead's uploaded file, a finished import of it for their team, and a saved profile."""
    from imports.models import ImportFile, ImportProfile, ImportRun

    content = b"external_id,case_id\n1,2\n"
    file = ImportFile.objects.create(
        name="a.csv", size=len(content), sha256="0" * 64, content=content, uploaded_by=lead
    )
    run = ImportRun.objects.create(
        created_by=lead, file=file, file_name=file.name, status=ImportRun.Status.DONE, profile_definition="fields: {}"
    )
    run.teams.set([team])
    profile = ImportProfile.objects.create(name="matrix", definition="fields: {}")
    return {"import_file": file, "import_run": run, "import_profile": profile}


def _coaching_objects(agent) -> dict:
    """The in-house agent's coaching plan and what hangs off it."""
    from coaching.tests.factories import ActivityFactory, GoalFactory, PlanActivityFactory, PlanFactory, SessionFactory

    plan = PlanFactory(agent=agent)
    return {
        "coaching_plan": plan,
        "coaching_goal": GoalFactory(plan=plan),
        "coaching_assignment": PlanActivityFactory(plan=plan),
        "coaching_session": SessionFactory(plan=plan),
        "coaching_activity": ActivityFactory(),
        "coaching_suggestion": _suggestion(agent),
    }


def _suggestion(agent):
    from datetime import date

    from coaching.models import Suggestion
    from core.models import Skill

    day = date(2026, 5, 1)
    return Suggestion.objects.create(
        agent=agent,
        skill=Skill.objects.get(code="empathy"),
        kpi="skill_qa",
        observed=60,
        target=80,
        sample=4,
        period_start=day,
        period_end=day,
        reason="QA score of empathy below target",
    )


def _calibration_world(*, agent, reviewer, vendor) -> dict:
    """A closed calibration session on the agent's conversation, led by a QA lead outside USERS."""
    from datetime import timedelta

    from django.utils import timezone

    from core.tests.factories import ContactFactory
    from qa.calibration import services as calibration_services
    from qa.rules import QA_LEAD_GROUP
    from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory

    qa_lead = UserFactory(roles=[roles.QA_REVIEWER, QA_LEAD_GROUP])
    ScopeFactory(user=qa_lead, vendors=[vendor])
    version = VersionFactory()
    criterion = CriterionFactory(section=SectionFactory(version=version))
    contact = ContactFactory(agent=agent)
    session = calibration_services.session_create(
        owner=qa_lead,
        title="Matrix calibration",
        version=version,
        contacts=[contact],
        participants=[reviewer],
        calibrator=qa_lead,
        deadline=timezone.now() + timedelta(days=1),
    )
    calibration_services.session_close(session=session, user=qa_lead)
    discussion = calibration_services.discussion_save(session=session, criterion=criterion, user=qa_lead, note="x")
    gold_set = calibration_services.gold_set_create(
        owner=qa_lead, name="Matrix gold", version=version, contacts=[contact]
    )
    return {
        "calibration_session": session,
        "calibration_assignment": session.participants.get(user=reviewer).assignments.get(),
        "calibration_discussion": discussion,
        "gold_set": gold_set,
        "reviewer_user": reviewer,
    }


def _hiring_objects(hiring_user) -> dict:
    """A requisition the hiring manager is on, a candidate, their interview and a mock-ticket link."""
    from types import SimpleNamespace

    from assessments import services
    from assessments.tests.factories import CandidateFactory, RequisitionFactory

    requisition = RequisitionFactory(hiring_team=[hiring_user])
    candidate = CandidateFactory(requisition=requisition)
    interview = services.interview_start(candidate=candidate, stage="screening", interviewer=hiring_user)
    test, token = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    return {
        "requisition": requisition,
        "candidate": candidate,
        "interview": interview,
        "candidate_link": SimpleNamespace(pk=token),
        "candidate_test": test,
    }


def _kwargs_for(name: str, obj) -> dict:
    pattern = dict(_walk(get_resolver().url_patterns)).get(name)
    if pattern is None:
        return {}
    params = list(pattern.pattern.regex.groupindex)
    if not params:
        return {}
    assert obj is not None, f"{name} takes {params}: give it an object key in MATRIX"
    if hasattr(obj, "url_kwargs"):  # a URL of several parameters
        return obj.url_kwargs
    return {params[0]: obj.pk}


def _check(client, world, name):
    method, object_key, statuses, *query = MATRIX[name]
    obj = world["objects"][object_key] if object_key else None
    url = reverse(name, kwargs=_kwargs_for(name, obj))
    if query:
        url = f"{url}?{query[0]}"
    failures = []
    for user_key, expected in zip(USERS, statuses.split(), strict=True):
        client.logout()
        user = world["users"][user_key]
        if user is not None:
            client.force_login(user)
        response = client.get(url) if method == "GET" else client.post(url)
        got = response.status_code
        if expected == "L":
            ok = got == 302 and response.url.startswith(reverse("login"))
        elif expected == "R":
            ok = got == 302
        else:
            ok = got == int(expected)
        if not ok:
            failures.append(f"{user_key}: expected {expected}, got {got}")
    return failures


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, world, name):
    if name not in url_names() and name != "admin:index":
        pytest.fail(f"{name} is in MATRIX but no longer in the URLconf; remove it")
    failures = _check(client, world, name)
    assert not failures, f"{name}: " + "; ".join(failures)
