"""The reports on the API, registered through ``exchange/api.py`` ``ROUTES``:

* ``GET /api/v1/projects/<code>/reports/``: the formats, each with its download URL;
* ``GET /api/v1/projects/<code>/reports/<format>/?as_of=YYYY-MM-DD``: the file itself
  (docx, xlsx, csv, hxl, iati), produced and audited exactly as from the project's pages.

A project the caller may not take reports out of is 404, as everywhere.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from homeward.api.views import ActorMixin
from homeward.exchange.reports.services import FORMATS, report_export, report_project
from homeward.exchange.reports.views import file_response

_PROJECT = OpenApiParameter(
    "project_code", str, OpenApiParameter.PATH, description="The project's code."
)
_FORMAT = OpenApiParameter(
    "report_format", str, OpenApiParameter.PATH, enum=list(FORMATS), description="The format."
)
_AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="The day the figures are as of (YYYY-MM-DD); today if left out.",
)


class ProjectReportViewSet(ActorMixin, viewsets.ViewSet):
    lookup_field = "report_format"
    lookup_value_regex = "[a-z]+"

    def perform_content_negotiation(self, request, force=False):
        # The files are not DRF renderings; errors and the list are JSON.
        return (JSONRenderer(), JSONRenderer.media_type)

    @extend_schema(
        summary="The report formats of a project",
        operation_id="project_reports_list",
        parameters=[_PROJECT],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request, project_code=None):
        project = report_project(actor=self.actor, code=project_code)
        return Response(
            {
                "project": project.code,
                "reports": [
                    {
                        "format": name,
                        "label": str(chosen.label),
                        "content_type": chosen.content_type,
                        "url": reverse(
                            "project-report-detail",
                            kwargs={"project_code": project.code, "report_format": name},
                        ),
                    }
                    for name, chosen in FORMATS.items()
                ],
            }
        )

    @extend_schema(
        summary="Download a project's report",
        operation_id="project_report_download",
        parameters=[_PROJECT, _FORMAT, _AS_OF],
        responses={
            (200, chosen.content_type.split(";")[0]): OpenApiResponse(OpenApiTypes.BINARY)
            for chosen in FORMATS.values()
            if chosen.name != "hxl"
        },
    )
    def retrieve(self, request, project_code=None, report_format=None):
        project = report_project(actor=self.actor, code=project_code)
        if report_format not in FORMATS:
            raise Http404
        report = report_export(
            actor=self.actor,
            project=project,
            report_format=report_format,
            as_of=request.query_params.get("as_of"),
        )
        return file_response(report)
