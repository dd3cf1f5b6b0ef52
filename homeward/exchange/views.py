"""The pages of exchange: exports of lists, and the people import (upload, column mapping,
dry run, real run as a background job)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from homeward.accounts.roles import Capability
from homeward.core.models import Job
from homeward.core.scope import require
from homeward.core.selectors import job_get
from homeward.exchange import lists, selectors
from homeward.exchange.forms import ColumnMappingForm, ImportUploadForm
from homeward.exchange.models import PeopleImport
from homeward.programmes.selectors import project_list
from homeward.registry.services import registering_organisations

# --- exports ---------------------------------------------------------------------------------


@login_required
@require_POST
def list_export_view(request, name):
    """The export buttons of a list page post here with the page's filters in the query."""
    try:
        outcome = lists.list_export(
            actor=request.actor,
            name=name,
            params=request.GET,
            file_format=request.POST.get("format", ""),
        )
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return render(request, "exchange/export_refused.html", {"errors": errors}, status=400)
    if outcome.job is not None:
        return redirect("job", job_id=outcome.job.pk)
    response = HttpResponse(outcome.content, content_type=outcome.content_type)
    response["Content-Disposition"] = f'attachment; filename="{outcome.filename}"'
    return response


# --- the people import ---------------------------------------------------------------------

# A file larger than this is checked by a background job, with progress (about 8,000 rows).
DIRECT_CHECK_BYTES = 1024 * 1024
PROBLEMS_PER_PAGE = 100
# An upload waits this long for its next step (mapping, dry run, import), then it is deleted.
STAGED_FOR_SECONDS = 24 * 3600
_SESSION_KEY = "people_imports"
JOB_KIND = "people.import"


def _services():
    # The engine (``exchange/imports``) is imported when first used, so that the pages of
    # exports work while it is being built.
    from homeward.exchange.imports import services

    return services


def import_projects(actor):
    """The projects in which ``actor`` may register households (and so import them)."""
    projects = project_list(actor=actor).order_by("code")
    scope = actor.scope(Capability.EDIT_REGISTRY)
    if scope.is_global:
        return projects
    return projects.filter(pk__in=scope.project_ids)


def _staged_directory() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "imports" / "staged"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _forget_old_uploads(directory: Path) -> None:
    """Uploads nobody took to the next step: they hold personal data, so they do not stay."""
    limit = time.time() - STAGED_FOR_SECONDS
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _stage(request, upload, *, project, organisation) -> tuple[str, dict]:
    """Keep the upload for the steps that follow (mapping, dry run, import), in this
    person's session only: the token in the address is nobody else's."""
    directory = _staged_directory()
    _forget_old_uploads(directory)
    token = uuid.uuid4().hex
    path = directory / f"{token}{Path(upload.name).suffix.lower()[:6]}"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    staged = {
        "path": str(path.relative_to(settings.MEDIA_ROOT)),
        "filename": Path(upload.name).name[:255],
        "project": project.pk,
        "organisation": organisation.pk if organisation else None,
        "mapping": None,
        "import": None,
        "job": None,
    }
    _save_staged(request, token, staged)
    return token, staged


def _all_staged(request) -> dict:
    return request.session.get(_SESSION_KEY, {})


def _save_staged(request, token, staged) -> None:
    everything = _all_staged(request)
    everything[token] = staged
    request.session[_SESSION_KEY] = everything


def _drop_staged(request, token) -> None:
    everything = _all_staged(request)
    staged = everything.pop(token, None)
    request.session[_SESSION_KEY] = everything
    if staged:
        (Path(settings.MEDIA_ROOT) / staged["path"]).unlink(missing_ok=True)


def _staged_or_404(request, token) -> dict:
    staged = _all_staged(request).get(token)
    if staged is None or not (Path(settings.MEDIA_ROOT) / staged["path"]).is_file():
        raise Http404
    return staged


def _staged_path(staged) -> Path:
    return Path(settings.MEDIA_ROOT) / staged["path"]


def _staged_for_import(request, people_import) -> tuple[str | None, dict | None]:
    """The upload a dry run was made of, if this person still holds it."""
    for token, staged in _all_staged(request).items():
        found = staged.get("import") == people_import.pk
        if not found and staged.get("job") and staged.get("import") is None:
            job = Job.objects.filter(pk=staged["job"]).only("result").first()
            found = job is not None and (job.result or {}).get("import") == people_import.pk
            if found:
                staged["import"] = people_import.pk
                _save_staged(request, token, staged)
        if found and _staged_path(staged).is_file():
            return token, staged
    return None, None


def _project_and_organisation(staged):
    from homeward.accounts.models import Organisation
    from homeward.programmes.models import Project

    project = Project.objects.get(pk=staged["project"])
    organisation = (
        Organisation.objects.get(pk=staged["organisation"]) if staged["organisation"] else None
    )
    return project, organisation


def _check(request, token, staged):
    """The dry run of a staged upload: at once for a small file, by a job for a large one."""
    actor = request.actor
    project, organisation = _project_and_organisation(staged)
    path = _staged_path(staged)
    arguments = {
        "actor": actor,
        "source": path,
        "filename": staged["filename"],
        "project": project,
        "organisation": organisation,
        "mapping": staged["mapping"],
    }
    if path.stat().st_size > DIRECT_CHECK_BYTES:
        job = _services().people_import_start(**arguments, dry_run=True)
        staged["job"] = str(job.pk)
        _save_staged(request, token, staged)
        return redirect("import-job", job_id=job.pk)
    report = _services().import_check(**arguments)
    staged["import"] = report.people_import.pk
    _save_staged(request, token, staged)
    return redirect("import", pk=report.people_import.pk)


@login_required
@require_safe
def import_list_view(request):
    imports = selectors.import_list(actor=request.actor)
    page = Paginator(imports, 50).get_page(request.GET.get("page"))
    return render(request, "exchange/import_list.html", {"page": page})


@login_required
@require_safe
def import_template(request, file_format):
    require(request.actor, Capability.EDIT_REGISTRY)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    content = _services().template_file(file_format=file_format)
    response = HttpResponse(content, content_type=lists.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="people-import.{file_format}"'
    return response


@login_required
def import_new(request):
    actor = request.actor
    require(actor, Capability.EDIT_REGISTRY)
    organisations = registering_organisations(actor).order_by("name")
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        projects=import_projects(actor),
        organisations=organisations,
        initial={"organisation": organisations.first()},
    )
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data.get("organisation") or organisations.first()
        token, staged = _stage(
            request,
            form.cleaned_data["file"],
            project=form.cleaned_data["project"],
            organisation=organisation,
        )
        headers = _services().headers_of(source=_staged_path(staged), filename=staged["filename"])
        if headers.message:
            _drop_staged(request, token)
            form.add_error("file", headers.message)
        elif not all(headers.mapping.get(header) for header in headers.headers):
            return redirect("import-columns", token=token)
        else:
            try:
                return _check(request, token, staged)
            except ValidationError as error:
                _drop_staged(request, token)
                for message in error.messages:
                    form.add_error(None, message)
    status = 400 if request.method == "POST" else 200
    return render(request, "exchange/import_new.html", {"form": form}, status=status)


@login_required
def import_columns(request, token):
    """The mapping step: a header the import does not know is mapped to a field or left out."""
    actor = request.actor
    require(actor, Capability.EDIT_REGISTRY)
    staged = _staged_or_404(request, token)
    services = _services()
    from homeward.exchange.imports.columns import IMPORT_FIELDS

    headers = services.headers_of(source=_staged_path(staged), filename=staged["filename"])
    form = ColumnMappingForm(
        request.POST or None,
        headers=headers.headers,
        mapping=staged["mapping"] or headers.mapping,
        fields=IMPORT_FIELDS,
    )
    if request.method == "POST" and form.is_valid():
        staged["mapping"] = form.mapping()
        _save_staged(request, token, staged)
        try:
            return _check(request, token, staged)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
    unknown = [header for header in headers.headers if not headers.mapping.get(header)]
    return render(
        request,
        "exchange/import_columns.html",
        {"form": form, "staged": staged, "unknown": unknown, "token": token},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def import_detail(request, pk):
    actor = request.actor
    people_import = selectors.import_get(actor=actor, pk=pk)
    show = request.GET.get("show") or ""
    if show not in {"errors", "warnings", "duplicates"}:
        show = "errors" if people_import.errors else "warnings"
        if not people_import.warnings and people_import.duplicates:
            show = "duplicates"
    if show == "duplicates":
        rows = selectors.import_duplicates(people_import).select_related("other_person")
    else:
        rows = selectors.import_problems(people_import, severity=show[:-1])
    page = Paginator(rows, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    linked = set()
    if show == "duplicates":
        linked = {duplicate.other_person_id for duplicate in page} | {
            duplicate.person_id for duplicate in page
        }
    else:
        linked = {problem.person_id for problem in page}
    visible = selectors.visible_people(actor=actor, ids=linked)
    token, staged = _staged_for_import(request, people_import)
    can_import = (
        people_import.status == PeopleImport.Status.CHECKED
        and people_import.errors == 0
        and not people_import.message
        and staged is not None
    )
    return render(
        request,
        "exchange/import_detail.html",
        {
            "people_import": people_import,
            "show": show,
            "page": page,
            "visible": visible,
            "can_import": can_import,
            "token": token,
        },
    )


@login_required
@require_safe
def import_problems_csv(request, pk):
    """Every problem of an import in one file, to correct the partner's list beside it."""
    import csv
    import io

    from homeward.core.exports import neutralise_formula

    people_import = selectors.import_get(actor=request.actor, pk=pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "sheet", "column", "field", "value", "severity", "problem"])
    whole_file = _("whole file")
    for problem in selectors.import_problems(people_import).iterator(chunk_size=2000):
        # The values come from somebody else's file: a formula in it must not run here.
        # A problem of the whole file has no row number (the cell stays empty) and says so.
        writer.writerow(
            neutralise_formula(value)
            for value in (
                problem.row,
                problem.sheet,
                problem.column or (whole_file if problem.row is None else ""),
                problem.field,
                problem.value,
                problem.severity,
                problem.message,
            )
        )
    response = HttpResponse(
        out.getvalue().encode("utf-8-sig"), content_type=lists.CONTENT_TYPES["csv"]
    )
    stem = Path(people_import.filename).stem.replace('"', "")[:80] or "import"
    response["Content-Disposition"] = f'attachment; filename="{stem}-problems.csv"'
    return response


@login_required
@require_POST
def import_run(request, pk):
    """The real run of a checked file, as a background job with progress."""
    actor = request.actor
    people_import = selectors.import_get(actor=actor, pk=pk)
    token, staged = _staged_for_import(request, people_import)
    if people_import.status != PeopleImport.Status.CHECKED or people_import.errors:
        messages.error(request, _("Only a dry run without errors can be imported."))
        return redirect("import", pk=people_import.pk)
    if staged is None:
        messages.error(request, _("The file is no longer here: upload it again."))
        return redirect("import-new")
    job = _services().people_import_start(
        actor=actor,
        source=_staged_path(staged),
        filename=people_import.filename,
        project=people_import.project,
        organisation=people_import.organisation,
        mapping=people_import.mapping or staged["mapping"],
        dry_run=False,
    )
    # The job has its own copy; this one has served.
    _drop_staged(request, token)
    return redirect("import-job", job_id=job.pk)


def _import_job(request, job_id) -> Job:
    require(request.actor, Capability.EDIT_REGISTRY)
    job = job_get(actor=request.actor, job_id=job_id)
    if job.kind != JOB_KIND:
        raise Http404
    return job


def _job_context(job) -> dict:
    result = job.result or {}
    people_import = None
    if result.get("import"):
        people_import = PeopleImport.objects.filter(pk=result["import"]).first()
    return {"job": job, "people_import": people_import, "dry_run": job.params.get("dry_run")}


@login_required
@require_safe
def import_job(request, job_id):
    job = _import_job(request, job_id)
    return render(request, "exchange/import_job.html", _job_context(job))


@login_required
@require_safe
def import_job_progress(request, job_id):
    job = _import_job(request, job_id)
    return render(request, "exchange/import_job.html#progress", _job_context(job))
