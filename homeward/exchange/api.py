"""API routes of exchange: (prefix, viewset, basename), registered by ``homeward/api/urls.py``.

``POST /api/v1/imports/`` (multipart: ``file``, ``project``, ``organisation``, ``dry_run``,
``mapping``) checks a file of people and answers the report, or starts the real import (or the
check of a large file) as a background job and answers 202 with it; ``GET /api/v1/imports/<id>/``
is the report, ``GET /api/v1/imports/<id>/problems/?severity=error`` its problems, paged.

``GET /api/v1/exports/`` lists the exports open to the caller; ``GET /api/v1/exports/<list>/
?format=csv|xlsx&<filters>`` answers the file, or, for a long list, 202 with the background job
that writes it (``/api/v1/jobs/<id>/``, then ``/jobs/<id>/download/``).
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from homeward.accounts.roles import Capability
from homeward.api.views import ActorMixin
from homeward.casework.common import project_in_scope
from homeward.core.scope import require
from homeward.exchange import lists, selectors
from homeward.exchange.forms import MAX_UPLOAD_BYTES
from homeward.exchange.models import ImportProblem, PeopleImport
from homeward.exchange.reports.api import ProjectReportViewSet
from homeward.exchange.views import DIRECT_CHECK_BYTES
from homeward.programmes.models import Project
from homeward.registry.services import registering_organisations

_LIST_NAMES = [*lists.LISTS]
_FORMATS = [*lists.FORMATS]


class ExportViewSet(ActorMixin, viewsets.ViewSet):
    """Exports of filtered lists, audited like the buttons of the pages."""

    lookup_field = "name"
    lookup_value_regex = "[a-z]+"

    def perform_content_negotiation(self, request, force=False):
        # ``format`` names the file's format here, not the answer's: DRF would otherwise look
        # for a "csv" renderer and answer 404. Errors and job answers are JSON.
        return (JSONRenderer(), JSONRenderer.media_type)

    @extend_schema(
        operation_id="exports_list",
        summary="The lists the caller may export",
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        actor = self.actor
        require(actor, Capability.VIEW_PERSONAL_DATA)
        names = []
        if lists.may_export_registry(actor):
            names += ["people", "households"]
        if lists.may_export_anything(actor):
            names += ["deliveries", "attendance"]
        return Response(
            {
                "exports": [
                    {"name": name, "label": str(lists.LISTS[name].label), "formats": lists.FORMATS}
                    for name in names
                ]
            }
        )

    @extend_schema(
        operation_id="exports_retrieve",
        summary="Export a list as CSV or XLSX",
        parameters=[
            OpenApiParameter("name", str, OpenApiParameter.PATH, enum=_LIST_NAMES),
            OpenApiParameter("format", str, enum=_FORMATS, required=True),
            OpenApiParameter("project", str, description="Project code (deliveries)."),
            OpenApiParameter("activity", int, description="Activity id (attendance)."),
            OpenApiParameter("q", str, description="People, households: the search box."),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY,
            202: OpenApiResponse(OpenApiTypes.OBJECT, description="A job writes the file."),
        },
    )
    def retrieve(self, request, name=None):
        actor = self.actor
        if name not in lists.LISTS:
            raise Http404
        outcome = lists.list_export(
            actor=actor,
            name=name,
            params=request.query_params,
            file_format=request.query_params.get("format", ""),
        )
        if outcome.job is not None:
            return Response(
                {
                    "job": str(outcome.job.pk),
                    "rows": outcome.rows,
                    "status": outcome.job.status,
                    "url": f"/api/v1/jobs/{outcome.job.pk}/",
                    "download": f"/jobs/{outcome.job.pk}/download/",
                },
                status=status.HTTP_202_ACCEPTED,
            )
        response = HttpResponse(outcome.content, content_type=outcome.content_type)
        response["Content-Disposition"] = f'attachment; filename="{outcome.filename}"'
        return response


ROUTES = [
    ("exports", ExportViewSet, "export"),
    # exchange/reports: /api/v1/projects/<code>/reports/<format>/
    (r"projects/(?P<project_code>[^/.]+)/reports", ProjectReportViewSet, "project-report"),
]


# --- the people import -----------------------------------------------------------------------


class ImportProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportProblem
        fields = ["row", "sheet", "column", "field", "value", "message", "severity", "person"]


class PeopleImportSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    job = serializers.UUIDField(source="job_id", read_only=True, allow_null=True)
    likely_duplicates = serializers.SerializerMethodField()

    class Meta:
        model = PeopleImport
        fields = [
            "id",
            "project",
            "organisation",
            "created_by",
            "created_at",
            "filename",
            "file_format",
            "encoding",
            "delimiter",
            "mapping",
            "status",
            "rows",
            "errors",
            "warnings",
            "duplicates",
            "households_new",
            "households_updated",
            "people_new",
            "people_updated",
            "message",
            "job",
            "likely_duplicates",
        ]

    def get_likely_duplicates(self, people_import) -> list[dict]:
        if self.context.get("summary_only"):
            return []
        duplicates = list(selectors.import_duplicates(people_import))
        visible = selectors.visible_people(
            actor=self.context["actor"],
            ids={duplicate.other_person_id for duplicate in duplicates},
        )
        # A person the caller may not see is reported without name or id.
        return [
            {
                "row": duplicate.row,
                "first_name": duplicate.first_name,
                "last_name": duplicate.last_name,
                "person": duplicate.person_id,
                "other_person": duplicate.other_person_id
                if duplicate.other_person_id in visible
                else None,
                "matched_on": duplicate.matched_on,
            }
            for duplicate in duplicates
        ]


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, XLSX or a Kobo / ODK XLSX export.")
    project = serializers.CharField(help_text="Code of the project to enrol the people in.")
    organisation = serializers.CharField(
        required=False,
        help_text="Code of the organisation on whose behalf; needed only if you have several.",
    )
    dry_run = serializers.BooleanField(
        default=True, help_text="Check only (the default); false imports, in the background."
    )
    mapping = serializers.JSONField(
        required=False,
        help_text='{"header as written in the file": "field name", "header to leave out": ""}',
    )

    def validate_mapping(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as error:
                raise serializers.ValidationError("Give a JSON object.") from error
        if not isinstance(value, dict) or not all(
            isinstance(key, str) and isinstance(field, str) for key, field in value.items()
        ):
            raise serializers.ValidationError('Give {"header": "field name"} pairs.')
        from homeward.exchange.imports.columns import FIELDS_BY_NAME

        unknown = sorted(
            {field for field in value.values() if field and field not in FIELDS_BY_NAME}
        )
        if unknown:
            raise serializers.ValidationError(f"Unknown fields: {', '.join(unknown)}.")
        return value

    def validate_file(self, upload):
        if upload.size == 0:
            raise serializers.ValidationError("The file is empty.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError("The file is too large: split it.")
        return upload


class ImportViewSet(ActorMixin, viewsets.GenericViewSet):
    """``POST /api/v1/imports/``: check (``dry_run``, the default) or import a file of people;
    ``GET /api/v1/imports/<id>/`` the report, ``.../problems/`` its problems, paged."""

    serializer_class = PeopleImportSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        if self.describing_schema:
            return PeopleImport.objects.none()
        return selectors.import_list(actor=self.actor)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "actor": self.actor}

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        serializer = PeopleImportSerializer(
            page, many=True, context={**self.get_serializer_context(), "summary_only": True}
        )
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, pk=None):
        people_import = selectors.import_get(actor=self.actor, pk=pk)
        return Response(self.get_serializer(people_import).data)

    @extend_schema(
        request={"multipart/form-data": ImportCreateSerializer},
        responses={
            200: PeopleImportSerializer,
            202: OpenApiResponse(OpenApiTypes.OBJECT, description="A job checks or imports."),
        },
    )
    def create(self, request):
        from homeward.exchange.imports import services

        actor = self.actor
        require(actor, Capability.EDIT_REGISTRY)
        incoming = ImportCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        project = Project.objects.filter(code=data["project"]).first()
        if project is None or not project_in_scope(actor, project, Capability.EDIT_REGISTRY):
            raise serializers.ValidationError({"project": ["No such project is open to you."]})
        organisation = None
        if data.get("organisation"):
            organisation = (
                registering_organisations(actor).filter(code=data["organisation"]).first()
            )
            if organisation is None:
                raise serializers.ValidationError(
                    {"organisation": ["You do not register households for this organisation."]}
                )
        upload = data["file"]
        arguments = {
            "actor": actor,
            "source": upload,
            "filename": upload.name,
            "project": project,
            "organisation": organisation,
            "mapping": data.get("mapping"),
        }
        if not data["dry_run"] or upload.size > DIRECT_CHECK_BYTES:
            job = services.people_import_start(**arguments, dry_run=data["dry_run"])
            return Response(
                {
                    "job": str(job.pk),
                    "status": job.status,
                    "dry_run": data["dry_run"],
                    "url": f"/api/v1/jobs/{job.pk}/",
                },
                status=status.HTTP_202_ACCEPTED,
            )
        report = services.import_check(**arguments)
        return Response(self.get_serializer(report.people_import).data)

    @extend_schema(
        parameters=[OpenApiParameter("severity", str, enum=["error", "warning"])],
        responses={200: ImportProblemSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def problems(self, request, pk=None):
        people_import = selectors.import_get(actor=self.actor, pk=pk)
        severity = request.query_params.get("severity", "")
        if severity not in ("", "error", "warning"):
            raise serializers.ValidationError({"severity": ["Give error or warning."]})
        problems = selectors.import_problems(people_import, severity=severity)
        page = self.paginate_queryset(problems)
        return self.get_paginated_response(ImportProblemSerializer(page, many=True).data)


ROUTES.append(("imports", ImportViewSet, "import"))
