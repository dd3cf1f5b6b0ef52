from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from homeward.accounts.roles import Capability
from homeward.core.audit import audit_read
from homeward.core.forms import AuditFilterForm
from homeward.core.jobs import job_start
from homeward.core.scope import require
from homeward.core.selectors import audit_events, job_get, job_list


@require_safe
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # the health check must answer, whatever the failure
        return JsonResponse(
            {
                "status": "error",
                "database": {
                    "vendor": connection.vendor,
                    "ok": False,
                    "error": error.__class__.__name__,
                },
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": {"vendor": connection.vendor, "ok": True}})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_required
def home(request):
    actor = request.actor
    memberships = actor.memberships
    return render(request, "core/home.html", {"memberships": memberships})


@login_required
def audit_list(request):
    require(request.actor, Capability.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    events = audit_events(actor=request.actor, filters=form.filters() if form.is_bound else {})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"form": form, "page": page})


@login_required
@require_POST
def audit_export(request):
    actor = request.actor
    require(actor, Capability.VIEW_AUDIT)
    form = AuditFilterForm(request.POST)
    if not form.is_valid():
        return render(request, "core/audit_list.html", {"form": form, "page": None}, status=400)
    scope = actor.scope(Capability.VIEW_AUDIT)
    organisation_id = next(iter(sorted(scope.organisation_ids)), None)
    job = job_start(
        actor=actor,
        kind="audit.export",
        params={"filters": form.filters()},
        organisation_id=organisation_id,
    )
    return redirect("job", job_id=job.pk)


@login_required
def job_list_view(request):
    jobs = job_list(actor=request.actor)[:100]
    return render(request, "core/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request, job_id):
    job = job_get(actor=request.actor, job_id=job_id)
    return render(request, "core/job_detail.html", {"job": job})


@login_required
def job_progress(request, job_id):
    """The progress fragment the job page polls until the job has finished."""
    job = job_get(actor=request.actor, job_id=job_id)
    return render(request, "core/job_detail.html#progress", {"job": job})


@login_required
def job_download(request, job_id):
    job = job_get(actor=request.actor, job_id=job_id)
    if not job.output_file:
        raise Http404
    path = settings.MEDIA_ROOT / job.output_file
    if not path.is_file():
        raise Http404
    audit_read(actor=request.actor, target=job, action="export.download")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)
