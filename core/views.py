from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from core import roles
from core.middleware import sign_in_again
from core.selectors import org as org_selectors
from core.selectors import tokens as token_selectors
from core.services import tokens as token_services

# Where each role lands after sign-in, most specific first. Apps point these at their own pages.
LANDING = [
    (roles.ADMIN, "dashboards:team-dashboard"),
    (roles.OPS_LEAD, "dashboards:team-dashboard"),
    (roles.QA_REVIEWER, "qa:queue"),
    (roles.HIRING_MANAGER, "assessments:requisition-list"),
    (roles.AGENT, "dashboards:my-dashboard"),
]


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has it, else on the form
    (a service may name a field the form does not show, e.g. the email of a candidate being hired)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def landing_url_for(user) -> str:
    names = roles.role_names(user)
    for role, url_name in LANDING:
        if role in names:
            return reverse(url_name)
    return reverse("skillhub:skill-list")


def login_required(view):
    """Django's login_required, but a form post or an htmx call comes back to its page after signing in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return sign_in_again(request)
        return view(request, *args, **kwargs)

    return wrapped


def require_role(*allowed: str):
    """Refuse (403) users who hold none of `allowed` (admins always pass)."""

    def decorator(view):
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not roles.has_role(request.user, *allowed):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator


def int_param(value) -> int | None:
    """A query or form value as a whole number (an id, a score, a choice), or None when it is not one.

    ASCII digits only ("²".isdigit() is true, yet int("²") fails) and at most 18 of them, so the number always
    fits a 64-bit database column (a longer one would be an error in the database, not a 404).
    """
    text = "" if value is None else str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(landing_url_for(request.user))


@require_role(roles.OPS_LEAD, roles.QA_REVIEWER)
def team_list(request: HttpRequest) -> HttpResponse:
    teams = org_selectors.team_list_for_user(user=request.user)
    return render(request, "skillhub/team_list.html", {"teams": teams})


@require_role(roles.OPS_LEAD, roles.QA_REVIEWER)
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(org_selectors.team_list_for_user(user=request.user), pk=pk)
    agents = org_selectors.agent_list_for_team(team=team)
    return render(request, "skillhub/team_detail.html", {"team": team, "agents": agents})


@require_role(roles.OPS_LEAD, roles.QA_REVIEWER, roles.AGENT)
def agent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agent = get_object_or_404(org_selectors.agent_detail_queryset(user=request.user), pk=pk)
    memberships = org_selectors.membership_list_for_agent(agent=agent)
    return render(request, "skillhub/agent_detail.html", {"agent": agent, "memberships": memberships})


@require_role(roles.AGENT)
def me(request: HttpRequest) -> HttpResponse:
    agent = get_object_or_404(org_selectors.agent_detail_queryset(user=request.user), user=request.user)
    return agent_detail(request, agent.pk)


@login_required
def skill_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "skillhub/skill_list.html",
        {"skills": org_selectors.skill_list(), "profiles": org_selectors.role_profile_list()},
    )


@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own API token: when it was created and expires; a POST revokes it. The key itself is
    never shown again (it is given once, by `drf_create_token`)."""
    if request.method == "POST":
        if token_services.token_revoke(user=request.user, actor=request.user, request=request):
            messages.success(request, "Your API token is revoked; scripts using it now get 401.")
        else:
            messages.info(request, "You have no API token.")
        return redirect("skillhub:api-token")
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    token = token_selectors.token_for_user(user=request.user)
    context = {"token": token, "ttl_days": settings.API_TOKEN_TTL_DAYS}
    if token is not None:
        context |= {
            "expires_at": token_selectors.token_expires_at(token),
            "expired": token_selectors.token_is_expired(token),
            "key_start": token.key[:4],
        }
    return render(request, "skillhub/api_token.html", context)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that link no icon (the admin, a JSON answer opened in a tab): send them
    to the static one. Public, like the sign-in page it also serves; not permanent, as the static URL is hashed."""
    return redirect(static("favicon.ico"))
