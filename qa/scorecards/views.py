"""Pages of the scorecard builder: templates, a version's sections and criteria with a preview, publishing.
(The what-if page of a version is with the review pages, in qa/reviews/views.py: it lists reviews.)"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core import roles
from core.selectors.channels import channel_name
from core.selectors.scope import teams_for_user, vendors_for_user
from core.views import require_role
from qa.rules import can_manage_scorecard_rules, is_qa_lead, require_qa_lead
from qa.scorecards import selectors, services
from qa.scorecards.forms import CriterionForm, RuleExplainForm, ScorecardRuleForm, SectionForm, TemplateForm
from qa.scorecards.models import Criterion, ScorecardRule, ScorecardSection, ScorecardTemplate, ScorecardVersion

RULES_PAGE_SIZE = 25


@require_role(roles.QA_REVIEWER)
def template_list(request: HttpRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None)
    if request.method == "POST":
        require_qa_lead(request.user)
        if form.is_valid():
            try:
                template = services.template_create(created_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("name" if hasattr(error, "error_dict") else None, error.messages)
            else:
                messages.success(request, "Template created; add sections and criteria to its draft.")
                return redirect("qa:version-detail", pk=template.versions.get().pk)
    return render(
        request,
        "qa/template_list.html",
        {"templates": selectors.template_list(user=request.user), "form": form, "can_build": is_qa_lead(request.user)},
        status=400 if form.errors else 200,
    )


@require_role(roles.QA_REVIEWER)
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ScorecardTemplate, pk=pk)
    version = (
        template.versions.filter(status=ScorecardVersion.Status.DRAFT).first()
        or template.versions.order_by("-number").first()
    )
    return redirect("qa:version-detail", pk=version.pk)


@require_role(roles.QA_REVIEWER)
def version_detail(request: HttpRequest, pk: int, *, moved: str = "") -> HttpResponse:
    """Builder and preview of one version: its sections and criteria, and the scorecard a reviewer would see.
    `moved` ("section-3-up"): the move button an htmx reorder came from, focused again once the builder is swapped."""
    version = get_object_or_404(selectors.version_queryset(), pk=pk)
    channel, channels = selectors.preview_channel(request.GET.get("channel"))
    criteria = selectors.version_criteria(version=version)
    frozen = services.version_is_frozen(version=version)
    sections = list(version.sections.order_by("position", "pk"))
    by_section = {s.pk: [] for s in sections}
    for criterion in criteria:
        by_section[criterion.section_id].append(criterion)
    preview = selectors.criteria_by_skill(criteria, channel=channel)
    context = {
        "version": version,
        "sections": [(s, by_section[s.pk]) for s in sections],
        "frozen": frozen,
        "can_build": is_qa_lead(request.user),
        "channel": channel,
        "channels": channels,
        "preview": preview,
        "preview_count": sum(len(group.criteria) for group in preview),
        "versions": version.template.versions.order_by("-number"),
        "skills_covered": sorted({c.skill.name for c in criteria}),
        "n_reviews": version.reviews.count(),
        "section_form": SectionForm(),
        "moved": moved,
    }
    if request.htmx and request.GET.get("partial") == "preview":
        return render(request, "qa/partials/scorecard_preview.html", context)
    return render(request, "qa/version_detail.html", context)


@require_role(roles.QA_REVIEWER)
@require_POST
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Start editing: only a draft changes in place; a published or retired version's edits go to a (new) draft."""
    require_qa_lead(request.user)
    version = get_object_or_404(selectors.version_queryset(), pk=pk)
    try:
        target = services.version_for_editing(version=version, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("qa:version-detail", pk=version.pk)
    if target != version:
        messages.info(
            request,
            f"v{version.number} is {version.get_status_display().lower()}, so your edits go to draft v{target.number}.",
        )
    return redirect("qa:version-detail", pk=target.pk)


@require_role(roles.QA_REVIEWER)
@require_http_methods(["GET", "POST"])
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what publishing changes, with a confirm button (no JavaScript needed); POST: publish."""
    require_qa_lead(request.user)
    version = get_object_or_404(selectors.version_queryset(), pk=pk)
    if request.method == "GET":
        if version.status != ScorecardVersion.Status.DRAFT:
            messages.error(request, "Only a draft version can be published.")
            return redirect("qa:version-detail", pk=version.pk)
        impact = selectors.publish_impact(version=version)
        details = [f"{impact.n_criteria} criteria over {impact.n_skills} skills; new reviews are scored with them."]
        if impact.replaced is not None:
            details.append(
                f"v{impact.replaced.number} is retired; its {impact.replaced_reviews} "
                f"review{pluralize(impact.replaced_reviews)} keep the version they were scored with."
            )
        details.append("A published version never changes: later edits go to a new draft version.")
        detail_url = reverse("qa:version-detail", args=[version.pk])
        return render(
            request,
            "qa/confirm.html",
            {
                "title": f"Publish {version.template.name} v{version.number}?",
                "lead": "Publishing makes this version the one reviewers score with.",
                "details": details,
                "action_url": reverse("qa:version-publish", args=[version.pk]),
                "button": f"Publish v{version.number}",
                "button_class": "btn-success",
                "cancel_url": detail_url,
                "crumbs": [("Scorecards", reverse("qa:template-list")), (str(version), detail_url)],
            },
        )
    try:
        services.version_publish(version=version, user=request.user)
        messages.success(request, f"v{version.number} is published; new reviews use it.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("qa:version-detail", pk=version.pk)


@require_role(roles.QA_REVIEWER)
@require_POST
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_qa_lead(request.user)
    version = get_object_or_404(selectors.version_queryset(), pk=pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_save(version=version, title=form.cleaned_data["title"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "A section needs a title.")
    return redirect("qa:version-detail", pk=version.pk)


def _criterion_form_page(request, *, version, criterion=None) -> HttpResponse:
    require_qa_lead(request.user)
    if services.version_is_frozen(version=version):
        messages.error(request, "Only a draft version is edited; use Edit to get a draft of this one.")
        return redirect("qa:version-detail", pk=version.pk)
    initial = {}
    if criterion is not None:
        initial = {
            "section": criterion.section_id,
            "skill": criterion.skill_id,
            "text": criterion.text,
            "guidance": criterion.guidance,
            "weight": criterion.weight,
            "scale": criterion.scale,
            "scale_min": criterion.scale_min,
            "scale_max": criterion.scale_max,
            "point_labels": "\n".join(criterion.point_labels or []),
            "critical": criterion.critical,
            "allow_na": criterion.allow_na,
            "channels": criterion.channels,
        }
    elif request.GET.get("section"):
        initial["section"] = request.GET["section"]
    form = CriterionForm(request.POST or None, version=version, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(section=form.cleaned_data["section"], criterion=criterion, **form.service_fields())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Criterion saved.")
            return redirect(reverse("qa:version-detail", args=[version.pk]) + "#builder")
    return render(
        request,
        "qa/criterion_form.html",
        {"form": form, "version": version, "criterion": criterion},
        status=400 if form.errors else 200,
    )


@require_role(roles.QA_REVIEWER)
def criterion_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(selectors.version_queryset(), pk=pk)
    if not version.sections.exists():
        require_qa_lead(request.user)
        messages.error(request, "Add a section first.")
        return redirect("qa:version-detail", pk=version.pk)
    return _criterion_form_page(request, version=version)


@require_role(roles.QA_REVIEWER)
def criterion_update(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_object_or_404(Criterion.objects.select_related("version__template", "section"), pk=pk)
    return _criterion_form_page(request, version=criterion.version, criterion=criterion)


@require_role(roles.QA_REVIEWER)
@require_POST
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_qa_lead(request.user)
    criterion = get_object_or_404(Criterion.objects.select_related("version"), pk=pk)
    try:
        services.criterion_delete(criterion=criterion)
        messages.success(request, "Criterion removed.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("qa:version-detail", pk=criterion.version_id)


@require_role(roles.QA_REVIEWER)
@require_POST
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_qa_lead(request.user)
    section = get_object_or_404(ScorecardSection.objects.select_related("version"), pk=pk)
    try:
        services.section_delete(section=section)
        messages.success(request, "Section removed.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("qa:version-detail", pk=section.version_id)


def _after_move(request: HttpRequest, version_id: int, moved: str) -> HttpResponse:
    """htmx: the version page again (the button swaps in its builder and focuses the moved row's button); otherwise
    back to the builder."""
    if request.htmx:
        return version_detail(request, version_id, moved=moved)
    return redirect(reverse("qa:version-detail", args=[version_id]) + "#builder")


@require_role(roles.QA_REVIEWER)
@require_POST
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a section of a draft one place up or down."""
    require_qa_lead(request.user)
    section = get_object_or_404(ScorecardSection.objects.select_related("version"), pk=pk)
    direction = request.POST.get("direction", "")
    try:
        services.section_move(section=section, direction=direction)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("qa:version-detail", pk=section.version_id)
    return _after_move(request, section.version_id, f"section-{section.pk}-{direction}")


@require_role(roles.QA_REVIEWER)
@require_POST
def criterion_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a criterion of a draft one place up or down its section."""
    require_qa_lead(request.user)
    criterion = get_object_or_404(Criterion.objects.select_related("version"), pk=pk)
    direction = request.POST.get("direction", "")
    try:
        services.criterion_move(criterion=criterion, direction=direction)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("qa:version-detail", pk=criterion.version_id)
    return _after_move(request, criterion.version_id, f"criterion-{criterion.pk}-{direction}")


# Scorecard rules (see qa.rules.can_manage_scorecard_rules for who changes them)


def _require_rule_manager(user) -> None:
    if not can_manage_scorecard_rules(user):
        raise PermissionDenied("Only admins and in-house QA leads change scorecard rules.")


@require_role(roles.QA_REVIEWER)
def scorecard_rules(request: HttpRequest) -> HttpResponse:
    """The rules in the order they are tried, what each team in scope gets, and "which scorecard would this get?"."""
    require_qa_lead(request.user)
    teams = teams_for_user(user=request.user).filter(is_active=True).select_related("vendor").order_by("name", "pk")
    rules_page = Paginator(selectors.rules_for_user(user=request.user), RULES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    teams_page = Paginator(teams, RULES_PAGE_SIZE).get_page(request.GET.get("teams_page"))
    explainer = selectors.RuleExplainer()
    explain_form = RuleExplainForm(request.GET if "team" in request.GET else None, teams=teams)
    explained = None
    if explain_form.is_valid():
        team, channel = explain_form.cleaned_data["team"], explain_form.cleaned_data["channel"]
        explained = (team, channel_name(channel), explainer.explain(team=team, channel=channel))
    return render(
        request,
        "qa/scorecard_rules.html",
        {
            "rules": rules_page,
            "teams": teams_page,
            "team_scorecards": [explainer.for_team(team) for team in teams_page],
            "can_manage": can_manage_scorecard_rules(request.user),
            "explain_form": explain_form,
            "explained": explained,
        },
        status=400 if explain_form.errors else 200,
    )


def _rule_form_page(request: HttpRequest, rule: ScorecardRule | None) -> HttpResponse:
    initial = {}
    if rule is not None:
        initial = {
            "template": rule.template_id,
            "team": rule.team_id,
            "vendor": rule.vendor_id,
            "channel": rule.channel,
            "active": rule.active,
        }
    teams = teams_for_user(user=request.user).select_related("vendor").order_by("name", "pk")
    form = ScorecardRuleForm(
        request.POST or None,
        initial=initial,
        templates=selectors.rule_templates(),
        teams=teams,
        vendors=vendors_for_user(user=request.user).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scorecard_rule_save(rule=rule, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Rule saved.")
            return redirect("qa:scorecard-rules")
    return render(
        request, "qa/scorecard_rule_form.html", {"form": form, "rule": rule}, status=400 if form.errors else 200
    )


@require_role(roles.QA_REVIEWER)
@require_http_methods(["GET", "POST"])
def scorecard_rule_create(request: HttpRequest) -> HttpResponse:
    _require_rule_manager(request.user)
    return _rule_form_page(request, None)


@require_role(roles.QA_REVIEWER)
@require_http_methods(["GET", "POST"])
def scorecard_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rule_manager(request.user)
    rule = get_object_or_404(selectors.rules_for_user(user=request.user), pk=pk)
    return _rule_form_page(request, rule)


@require_role(roles.QA_REVIEWER)
@require_POST
def scorecard_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rule_manager(request.user)
    rule = get_object_or_404(selectors.rules_for_user(user=request.user), pk=pk)
    services.scorecard_rule_delete(rule=rule)
    messages.success(request, "Rule deleted; contacts it matched follow the next rule or the default scorecard.")
    return redirect("qa:scorecard-rules")


@require_role(roles.QA_REVIEWER)
@require_POST
def scorecard_rule_move(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rule_manager(request.user)
    rule = get_object_or_404(selectors.rules_for_user(user=request.user), pk=pk)
    try:
        services.scorecard_rule_move(rule=rule, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("qa:scorecard-rules") + f"#rule-{rule.pk}")
