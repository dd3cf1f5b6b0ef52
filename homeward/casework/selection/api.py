"""The API of selection: ``homeward/api/urls.py`` registers every (prefix, viewset, basename)
of ``ROUTES`` under ``/api/v1/``.

* ``/api/v1/selection-criteria/``: the versions of the projects' criteria (``?project=code``);
  POST saves a new version.
* ``/api/v1/selection-runs/``: rankings (``?project=code``); one ranking has its rows with the
  explanation criterion by criterion and what changed since the ranking before; POST ranks;
  ``POST /api/v1/selection-runs/<id>/decide/`` records the committee's decision on a candidate.

Every write goes through the services, so the API refuses what the pages refuse, naming the
same fields (``conditions.0.fact``, ``criteria.2.points``).
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from homeward.accounts.roles import Capability
from homeward.api.views import ActorMixin
from homeward.casework.selection import selectors
from homeward.casework.selection.facts import remembered_facts
from homeward.casework.selection.models import SelectionCandidate, SelectionCriteria, SelectionRun
from homeward.casework.selection.rules import describe
from homeward.casework.selection.services import (
    selection_criteria_create,
    selection_decide,
    selection_run,
)
from homeward.core.audit import audit_read
from homeward.core.scope import require
from homeward.programmes.selectors import project_get

RULES_HELP = (
    'A list of {"fact": "household.size", "operator": ">=", "value": 3}; a criterion adds '
    '"points", and may score "per_unit" (no operator) up to "max_points".'
)


class CriteriaSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.CharField(source="created_by_label", read_only=True)
    is_current = serializers.BooleanField(read_only=True)
    described = serializers.SerializerMethodField(
        help_text="The conditions and criteria as people read them, in the request's language."
    )

    class Meta:
        model = SelectionCriteria
        fields = [
            "id",
            "project",
            "number",
            "conditions",
            "criteria",
            "note",
            "created_at",
            "created_by",
            "is_current",
            "described",
        ]

    def get_described(self, version) -> dict:
        return {
            "conditions": [describe(rule) for rule in version.conditions],
            "criteria": [describe(rule) for rule in version.criteria],
        }


class CriteriaCreateSerializer(serializers.Serializer):
    project = serializers.CharField(help_text="Project code.")
    conditions = serializers.JSONField(help_text=RULES_HELP, required=False, default=list)
    criteria = serializers.JSONField(help_text=RULES_HELP)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    replaces = serializers.IntegerField(
        allow_null=True,
        help_text="The number of the current version you started from (null for the first); "
        "if somebody saved another version since, the request answers 409.",
    )


def _project(viewset, code: str):
    return project_get(actor=viewset.actor, code=code)


def _project_filter(viewset):
    code = viewset.request.query_params.get("project")
    if not code:
        return None
    try:
        return _project(viewset, code)
    except Http404:
        raise serializers.ValidationError(
            {"project": [_("No such project is open to you.")]}
        ) from None


@extend_schema(parameters=[OpenApiParameter("project", str, description="Project code.")])
class SelectionCriteriaViewSet(ActorMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Versions of the projects' selection criteria. They name nobody: whoever sees a project
    sees them."""

    serializer_class = CriteriaSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return SelectionCriteria.objects.none()
        require(self.actor, Capability.VIEW_PROJECTS)
        return selectors.criteria_list(actor=self.actor, project=_project_filter(self))

    def get_object(self):
        return selectors.criteria_get_by_id(actor=self.actor, pk=self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        # Every version describes its rules: each assessment question is looked up once.
        with remembered_facts():
            return super().list(request, *args, **kwargs)

    @extend_schema(request=CriteriaCreateSerializer, responses={201: CriteriaSerializer})
    def create(self, request, *args, **kwargs):
        """Save a new version of a project's criteria; it becomes the current one."""
        given = CriteriaCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        version = selection_criteria_create(
            actor=self.actor,
            project=_project(self, data["project"]),
            conditions=data["conditions"],
            criteria=data["criteria"],
            note=data["note"],
            replaces=data["replaces"],
        )
        return Response(CriteriaSerializer(version).data, status=status.HTTP_201_CREATED)


class RunSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    criteria_version = serializers.IntegerField(source="criteria.number", read_only=True)
    created_by = serializers.CharField(source="created_by_label", read_only=True)

    class Meta:
        model = SelectionRun
        fields = [
            "id",
            "project",
            "criteria_version",
            "previous",
            "ran_on",
            "created_at",
            "created_by",
            "candidate_count",
            "eligible_count",
        ]


class CandidateSerializer(serializers.ModelSerializer):
    enrolment = serializers.IntegerField(source="enrolment_id", read_only=True)
    enrolment_status = serializers.CharField(source="enrolment.status", read_only=True)
    enrolment_version = serializers.IntegerField(source="enrolment.version", read_only=True)
    household_number = serializers.CharField(source="household.number", read_only=True)
    person = serializers.IntegerField(source="enrolment.person_id", read_only=True)
    score = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    # The enrolment's status when ranked: "candidate" or "waitlisted".
    status_then = serializers.CharField(read_only=True)
    explanation = serializers.SerializerMethodField(
        help_text="Criterion by criterion: what it asks, the household's value, the points; "
        "and each condition with whether it holds."
    )

    class Meta:
        model = SelectionCandidate
        fields = [
            "enrolment",
            "enrolment_status",
            "enrolment_version",
            "household_number",
            "person",
            "status_then",
            "eligible",
            "rank",
            "score",
            "vulnerable_members",
            "enrolled_on",
            "conditions",
            "criteria",
            "explanation",
            "decision",
            "decision_reason",
            "decided_at",
            "decided_by_label",
        ]

    def get_explanation(self, row) -> dict:
        lines = getattr(row, "criterion_lines", None)
        if lines is None:
            selectors.explain([row])
        return {
            "criteria": [
                {"criterion": line.text, "value": line.actual, "points": str(line.earned)}
                for line in row.criterion_lines
            ],
            "conditions": [
                {"condition": line.text, "value": line.actual, "holds": line.holds}
                for line in row.condition_lines
            ],
        }


class RunCreateSerializer(serializers.Serializer):
    project = serializers.CharField(help_text="Project code.")
    criteria_version = serializers.IntegerField(
        required=False, allow_null=True, help_text="Default: the current version."
    )


class DecisionSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(help_text="The candidate's enrolment id.")
    decision = serializers.ChoiceField(SelectionCandidate.Decision.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        help_text="The enrolment's version you read (``enrolment_version``); a decision "
        "over somebody else's newer one answers 409."
    )
    on = serializers.DateField(required=False, allow_null=True)


def _run_detail(run) -> dict:
    rows = selectors.ranked_rows(run)
    selectors.explain(rows)
    body = RunSerializer(run).data
    body["candidates"] = CandidateSerializer(rows, many=True).data
    body["changes"] = (
        [change.as_dict() for change in selectors.compare_runs(run.previous, run)]
        if run.previous_id
        else []
    )
    return body


@extend_schema(parameters=[OpenApiParameter("project", str, description="Project code.")])
class SelectionRunViewSet(ActorMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rankings of a project's candidates. One ranking lists every candidate with the
    explanation of the score and what changed since the ranking before. Reading one is
    recorded in the audit trail."""

    serializer_class = RunSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return SelectionRun.objects.none()
        require(self.actor, Capability.VIEW_PERSONAL_DATA)
        return selectors.run_list(actor=self.actor, project=_project_filter(self))

    def get_object(self):
        return selectors.run_get(actor=self.actor, pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        run = self.get_object()
        audit_read(actor=self.actor, target=run, action="selection_run.read")
        return Response(_run_detail(run))

    @extend_schema(request=RunCreateSerializer, responses={201: RunSerializer})
    def create(self, request, *args, **kwargs):
        """Rank the project's candidates and waiting list under a version of the criteria."""
        given = RunCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        project = _project(self, data["project"])
        selectors.require_rankings(self.actor, project)
        criteria = None
        if data.get("criteria_version") is not None:
            criteria = (
                selectors.criteria_list(actor=self.actor, project=project)
                .filter(number=data["criteria_version"])
                .first()
            )
            if criteria is None:
                raise serializers.ValidationError(
                    {"criteria_version": [_("The project has no such version of its criteria.")]}
                )
        run = selection_run(actor=self.actor, project=project, criteria=criteria)
        return Response(_run_detail(run), status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=CandidateSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Select, waiting-list or reject one candidate of the latest ranking, with a reason
        (required for waiting list and rejection)."""
        run = self.get_object()
        given = DecisionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        row = selection_decide(
            actor=self.actor,
            run=run,
            enrolment_id=data["enrolment"],
            decision=data["decision"],
            reason=data["reason"],
            expected_version=data["version"],
            on=data.get("on"),
        )
        row.enrolment.refresh_from_db()
        return Response(CandidateSerializer(row).data)


ROUTES = [
    ("selection-criteria", SelectionCriteriaViewSet, "selection-criteria"),
    ("selection-runs", SelectionRunViewSet, "selection-run"),
]
