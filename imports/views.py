"""Upload in the browser: choose a file and a profile (or build one from its header), dry run, import in the
background with a progress bar, the history of runs with their errors, and undo of an import's contacts.

Admins and ops leads only; a lead imports only for their teams and sees their own runs and those of their teams.
Another lead's run or file is a 404; the other roles get 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core import roles
from core.exports import csv_response
from core.views import require_role
from imports import builder, forms, runs
from imports.models import ImportFile, ImportKind, ImportProfile, ImportRun
from imports.services import error_groups
from imports.tasks import import_run_execute

importers = require_role(roles.OPS_LEAD)
RUNS_PER_PAGE = 25
ERRORS_PER_PAGE = 100


def _start(request: HttpRequest, form: forms.StartForm, file: ImportFile) -> HttpResponse | None:
    """Queue the run the form asks for, or send the user to the profile builder; None when the form is wrong."""
    data = form.cleaned_data
    if data["profile"] == builder.BUILD:
        return redirect(f"{reverse('imports:profile-builder', args=[file.pk])}?kind={data['kind']}")
    try:
        name, definition = builder.resolve(data["profile"], file=file, kind=data["kind"])
        run = runs.run_create(
            file=file,
            kind=data["kind"],
            profile_name=name,
            profile_definition=definition,
            dry_run=request.POST.get("action") != "import",
            create_agents=data["create_agents"],
            user=request.user,
        )
    except ValidationError as error:
        form.add_error("profile", error)
        return None
    import_run_execute.delay_on_commit(run.pk)
    return redirect("imports:run-detail", pk=run.pk)


@importers
def upload(request: HttpRequest) -> HttpResponse:
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            file = runs.file_store(upload=form.cleaned_data["file"], user=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            response = _start(request, form, file)
            if response is not None:
                return response
            # The file is kept: the same choices come back on its own page, without choosing the file again.
            start = forms.StartForm(request.POST)
            start.is_valid()
            for error in form.errors.get("profile", []):
                start.add_error("profile", error)
            return render(request, "imports/upload.html", {"form": start, "file": file}, status=400)
    return render(request, "imports/upload.html", {"form": form}, status=400 if form.errors else 200)


@importers
def file_start(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded file's page: choose its kind and profile again (after a refused profile, or a saved one)."""
    file = get_object_or_404(runs.files_for_user(user=request.user).defer("content"), pk=pk)
    initial = {"kind": request.GET.get("kind"), "profile": request.GET.get("profile")}
    form = forms.StartForm(request.POST or None, initial={k: v for k, v in initial.items() if v})
    if request.method == "POST" and form.is_valid():
        response = _start(request, form, file)
        if response is not None:
            return response
    return render(request, "imports/upload.html", {"form": form, "file": file}, status=400 if form.errors else 200)


@importers
def profile_builder(request: HttpRequest, pk: int) -> HttpResponse:
    """Map the file's header to SkillHub's fields, preview the first rows as SkillHub reads them, save by name."""
    file = get_object_or_404(runs.files_for_user(user=request.user), pk=pk)
    kind = request.POST.get("kind") or request.GET.get("kind") or ImportKind.CONTACTS
    if kind not in ImportKind.values:
        raise Http404("Unknown kind of import.")
    encoding, delimiter = builder.reading(request.POST or request.GET)
    try:
        header = builder.builder_header(file=file, kind=kind, encoding=encoding, delimiter=delimiter)
    except ValidationError as error:
        # Another encoding (or delimiter) may read it: the page says why and offers them, the file stays.
        context = {
            "file": file,
            "kind": kind,
            "header": [],
            "read_error": " ".join(error.messages),
            "encodings": builder.ENCODINGS,
            "delimiters": builder.DELIMITERS,
            "encoding": encoding,
            "delimiter": delimiter,
        }
        return render(request, "imports/profile_builder.html", context, status=400)
    initial = {"encoding": encoding, "delimiter": delimiter}
    form = builder.BuilderForm(request.POST or None, header=header, kind=kind, user=request.user, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        definition = form.definition()
        if request.POST.get("action") == "save":
            try:
                profile = builder.profile_save(
                    name=form.cleaned_data["name"], kind=kind, definition=definition, user=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Profile “{profile.name}” saved. Dry run the file with it.")
                query = f"?kind={kind}&profile=saved:{profile.name}"
                return redirect(reverse("imports:file-start", args=[file.pk]) + query)
        preview = builder.preview(file=file, definition=definition, kind=kind)
    context = {"file": file, "form": form, "preview": preview, "kind": kind, "header": header}
    if request.htmx and request.POST.get("action") == "preview":
        return render(request, "imports/partials/preview.html", {**context, "partial": True})
    return render(request, "imports/profile_builder.html", context, status=400 if form.errors else 200)


@importers
@require_safe
def profile_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "imports/profile_list.html",
        {
            "profiles": runs.saved_profiles(),
            "builtin": builder.builtin_names(),
            "can_edit": roles.is_admin(request.user),
        },
    )


@importers
def profile_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Admins edit a saved profile's text (it is checked before it is saved)."""
    if not roles.is_admin(request.user):
        raise PermissionDenied("Only admins edit saved profiles.")
    profile = get_object_or_404(ImportProfile, pk=pk) if pk is not None else None
    form = forms.ProfileTextForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if saved.created_by_id is None:
            saved.created_by = request.user
        saved.save()
        messages.success(request, f"Profile “{saved.name}” saved.")
        return redirect("imports:profile-list")
    return render(
        request, "imports/profile_form.html", {"form": form, "profile": profile}, status=400 if form.errors else 200
    )


@importers
@require_safe
def run_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(runs.run_list_for_user(user=request.user), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "imports/run_list.html", {"page": page})


def _run_context(request: HttpRequest, run: ImportRun) -> dict:
    return {"run": run, "finished": run.status in runs.FINISHED}


@importers
@require_safe
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(runs.runs_for_user(user=request.user).select_related("created_by", "undone_by"), pk=pk)
    context = _run_context(request, run)
    errors = runs.run_errors(run=run)
    context.update(
        groups=error_groups(errors),
        errors_page=Paginator(errors, ERRORS_PER_PAGE).get_page(request.GET.get("page")) if errors else None,
        can_undo=runs.undoable(run=run) and runs.may_undo(run=run, user=request.user),
        can_repeat=runs.may_use_file(run=run, user=request.user),
    )
    return render(request, "imports/run_detail.html", context)


@importers
@require_safe
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled every second while the run is queued or running; a finished run reloads the page."""
    run = get_object_or_404(runs.runs_for_user(user=request.user).defer("errors", "profile_definition"), pk=pk)
    response = render(request, "imports/partials/progress.html", _run_context(request, run))
    if request.htmx and run.status in runs.FINISHED:
        response["HX-Refresh"] = "true"
    return response


@importers
@require_POST
def run_repeat(request: HttpRequest, pk: int) -> HttpResponse:
    """Import (or dry run again) the same file with the same profile: the runner and admins only."""
    run = get_object_or_404(runs.runs_for_user(user=request.user).select_related("file"), pk=pk)
    if not runs.may_use_file(run=run, user=request.user):
        raise Http404("No such run.")
    try:
        repeat = runs.run_repeat(run=run, user=request.user, dry_run=request.POST.get("action") != "import")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:run-detail", pk=run.pk)
    import_run_execute.delay_on_commit(repeat.pk)
    return redirect("imports:run-detail", pk=repeat.pk)


@importers
@require_safe
def run_errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(runs.runs_for_user(user=request.user), pk=pk)
    rows = [[line, field, message] for line, field, message in run.errors]
    if run.error_count > len(run.errors):
        rows.append(["", "", f"… and {run.error_count - len(run.errors):,} more not kept"])
    return csv_response(filename=f"import-{run.pk}-errors.csv", header=["line", "field", "message"], rows=rows)


@importers
@require_safe
def run_file(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(runs.runs_for_user(user=request.user).select_related("file"), pk=pk)
    if not runs.may_use_file(run=run, user=request.user):
        raise Http404("No such run.")
    if run.file is None:
        messages.error(request, "The file of this run is no longer kept.")
        return redirect("imports:run-detail", pk=run.pk)
    response = HttpResponse(bytes(run.file.content), content_type="application/octet-stream")
    name = "".join(ch for ch in run.file.name if ch.isalnum() or ch in "._- ") or "import"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@importers
def run_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page, then delete the contacts the import created (while nothing depends on them)."""
    run = get_object_or_404(runs.runs_for_user(user=request.user).select_related("created_by"), pk=pk)
    if not runs.may_undo(run=run, user=request.user):
        raise PermissionDenied("Only an admin or the lead who ran this import can undo it.")
    if request.method == "POST":
        try:
            deleted = runs.run_undo(run=run, user=request.user)
        except ValidationError as error:
            messages.error(request, "Cannot undo this import: " + " ".join(error.messages))
        else:
            messages.success(request, f"Undone: {deleted:,} contact{'s' if deleted != 1 else ''} deleted.")
        return redirect("imports:run-detail", pk=run.pk)
    reasons = runs.undo_blockers(run=run)
    count = runs.undo_count(run=run)
    return render(request, "imports/run_undo.html", {"run": run, "reasons": reasons, "count": count})
