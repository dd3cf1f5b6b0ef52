"""Downloading a project's report: ``/projects/<code>/reports/<format>/?as_of=YYYY-MM-DD``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from homeward.core.errors import HomewardError, ValidationError
from homeward.exchange.reports.services import FORMATS, ReportFile, report_export, report_project


def file_response(report: ReportFile) -> HttpResponse:
    response = HttpResponse(report.content, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    # A report names the organisation's work: no cache on the way may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def report_download(request, code, report_format):
    project = report_project(actor=request.actor, code=code)
    if report_format not in FORMATS:
        raise Http404
    try:
        report = report_export(
            actor=request.actor,
            project=project,
            report_format=report_format,
            as_of=request.GET.get("as_of"),
        )
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return render(
            request,
            "exchange/report_refused.html",
            {"project": project, "errors": errors},
            status=400,
        )
    except HomewardError as error:
        return render(
            request,
            "exchange/report_refused.html",
            {"project": project, "errors": {"__all__": [error.message]}},
            status=error.status,
        )
    return file_response(report)
