"""API routes of results: (prefix, viewset, basename), registered by ``homeward/api/urls.py``.

``/api/v1/results/?project=CODE`` (the framework's statements), ``/api/v1/indicators/?project=CODE``
(with ``POST …/<id>/targets/`` and ``POST …/<id>/values/``), and
``/api/v1/project-figures/<code>/?as_of=YYYY-MM-DD`` — every indicator's figures, the JSON of
``results.figures.ProjectFigures`` (``/api/v1/project-figures/``: the portfolio). Writes go
through the services the pages use.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from homeward.accounts.roles import Capability
from homeward.api.views import ActorMixin
from homeward.core.scope import get_or_404
from homeward.programmes.models import Project
from homeward.results import selectors
from homeward.results.figures import DIMENSIONS
from homeward.results.models import Indicator, Level, Result, Unit
from homeward.results.services import (
    INDICATOR_FIELDS,
    indicator_create,
    indicator_delete,
    indicator_update,
    manual_value_record,
    result_create,
    result_delete,
    result_update,
    target_set,
)

_VERSION_HELP = "The version you read; a save over somebody else's newer one answers 409."


def _project(actor, code: str, *, manage: bool = False) -> Project:
    project = Project.objects.filter(code=code).first()
    if project is None or not selectors.can_view_figures(actor, project):
        raise serializers.ValidationError({"project": ["No such project is open to you."]})
    if manage and not selectors.can_manage(actor, project):
        raise serializers.ValidationError({"project": ["No such project is open to you."]})
    return project


def _visible(queryset, actor):
    """Frameworks name nobody: whoever sees a project sees its framework. Without the
    capability anywhere, the endpoint is not there (404)."""
    from homeward.core.scope import scoped

    if not (actor.can(Capability.VIEW_PROJECTS) or actor.can(Capability.VIEW_AGGREGATES)):
        raise Http404
    return scoped(queryset, actor, Capability.VIEW_PROJECTS) | scoped(
        queryset, actor, Capability.VIEW_AGGREGATES
    )


# --- results ------------------------------------------------------------------------------


class ResultSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Result
        fields = [
            "id",
            "project",
            "level",
            "code",
            "parent",
            "statement",
            "statement_sr",
            "statement_sr_latn",
            "statement_sq",
            "position",
        ]


class ResultWriteSerializer(serializers.Serializer):
    level = serializers.ChoiceField(Level.choices)
    code = serializers.CharField(max_length=20)
    parent = serializers.CharField(
        required=False, allow_null=True, help_text="Code of the result it contributes to."
    )
    statement = serializers.CharField()
    statement_sr = serializers.CharField(required=False, allow_blank=True)
    statement_sr_latn = serializers.CharField(required=False, allow_blank=True)
    statement_sq = serializers.CharField(required=False, allow_blank=True)
    position = serializers.IntegerField(required=False, min_value=0)


class ResultCreateSerializer(ResultWriteSerializer):
    project = serializers.CharField(help_text="Project code.")


def _parent(project, data: dict) -> dict:
    if "parent" in data:
        code = data["parent"]
        data["parent"] = None
        if code:
            data["parent"] = Result.objects.filter(project=project, code=code).first()
            if data["parent"] is None:
                raise serializers.ValidationError({"parent": ["No result has this code."]})
    return data


@extend_schema(parameters=[OpenApiParameter("project", str, description="Project code.")])
class ResultViewSet(
    ActorMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The statements of results frameworks: objectives, outcomes and outputs."""

    serializer_class = ResultSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return Result.objects.none()
        results = _visible(Result.objects.select_related("project", "parent"), self.actor)
        if code := self.request.query_params.get("project"):
            results = results.filter(project=_project(self.actor, code))
        return results.order_by("project__code", "position", "code", "pk")

    def get_object(self):
        return get_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=ResultCreateSerializer, responses={201: ResultSerializer})
    def create(self, request, *args, **kwargs):
        given = ResultCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        project = _project(self.actor, data.pop("project"), manage=True)
        result = result_create(actor=self.actor, project=project, **_parent(project, data))
        return Response(ResultSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResultWriteSerializer, responses=ResultSerializer)
    def partial_update(self, request, *args, **kwargs):
        result = self.get_object()
        given = ResultWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = _parent(result.project, dict(given.validated_data))
        result = result_update(actor=self.actor, result=result, **data)
        return Response(ResultSerializer(result).data)

    def destroy(self, request, *args, **kwargs):
        result_delete(actor=self.actor, result=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- indicators ---------------------------------------------------------------------------


class TargetSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=60)
    start = serializers.DateField()
    end = serializers.DateField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2)


class ManualValueSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    source = serializers.CharField()
    recorded_at = serializers.DateTimeField(read_only=True)


class IndicatorSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.CharField(read_only=True, help_text=f"One of: {', '.join(Unit.values)}.")
    result = serializers.SlugRelatedField(slug_field="code", read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    manual_values = ManualValueSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "project", *INDICATOR_FIELDS, "targets", "manual_values", "version"]


class IndicatorWriteSerializer(serializers.Serializer):
    result = serializers.CharField(help_text="Code of the result it measures.")
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=300)
    name_sr = serializers.CharField(max_length=300, required=False, allow_blank=True)
    name_sr_latn = serializers.CharField(max_length=300, required=False, allow_blank=True)
    name_sq = serializers.CharField(max_length=300, required=False, allow_blank=True)
    definition = serializers.CharField(required=False, allow_blank=True)
    definition_sr = serializers.CharField(required=False, allow_blank=True)
    definition_sr_latn = serializers.CharField(required=False, allow_blank=True)
    definition_sq = serializers.CharField(required=False, allow_blank=True)
    # Plain text, checked by the service: a second "unit" enum in the schema would collide
    # with the assistance catalogue's units of measure.
    unit = serializers.CharField(help_text=f"One of: {', '.join(Unit.values)}.")
    baseline = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    baseline_date = serializers.DateField(required=False, allow_null=True)
    disaggregations = serializers.ListField(
        child=serializers.ChoiceField(DIMENSIONS), required=False
    )
    age_bands = serializers.JSONField(required=False)
    rule = serializers.JSONField(
        required=False, allow_null=True, help_text="See docs/results.md for the rule kinds."
    )
    position = serializers.IntegerField(required=False, min_value=0)


class IndicatorCreateSerializer(IndicatorWriteSerializer):
    project = serializers.CharField(help_text="Project code.")


class IndicatorUpdateSerializer(IndicatorWriteSerializer):
    version = serializers.IntegerField(help_text=_VERSION_HELP)


def _result_of(project, data: dict) -> dict:
    if "result" in data:
        result = Result.objects.filter(project=project, code=data["result"]).first()
        if result is None:
            raise serializers.ValidationError({"result": ["No result has this code."]})
        data["result"] = result
    return data


@extend_schema(parameters=[OpenApiParameter("project", str, description="Project code.")])
class IndicatorViewSet(
    ActorMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Indicators with their targets and hand-recorded values."""

    serializer_class = IndicatorSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return Indicator.objects.none()
        indicators = _visible(
            Indicator.objects.select_related("project", "result").prefetch_related(
                "targets", "manual_values"
            ),
            self.actor,
        )
        if code := self.request.query_params.get("project"):
            indicators = indicators.filter(project=_project(self.actor, code))
        return indicators.order_by("project__code", "position", "code", "pk")

    def get_object(self):
        return get_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=IndicatorCreateSerializer, responses={201: IndicatorSerializer})
    def create(self, request, *args, **kwargs):
        given = IndicatorCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        project = _project(self.actor, data.pop("project"), manage=True)
        indicator = indicator_create(actor=self.actor, project=project, **_result_of(project, data))
        return Response(IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IndicatorUpdateSerializer, responses=IndicatorSerializer)
    def partial_update(self, request, *args, **kwargs):
        indicator = self.get_object()
        given = IndicatorUpdateSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        if "version" not in data:
            raise serializers.ValidationError({"version": ["This field is required."]})
        version = data.pop("version")
        indicator = indicator_update(
            actor=self.actor,
            indicator=indicator,
            expected_version=version,
            **_result_of(indicator.project, data),
        )
        indicator.refresh_from_db()
        return Response(IndicatorSerializer(indicator).data)

    def destroy(self, request, *args, **kwargs):
        indicator_delete(actor=self.actor, indicator=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=TargetSerializer, responses=IndicatorSerializer)
    @action(detail=True, methods=["post"])
    def targets(self, request, pk=None):
        """Set the target of a period (created, or changed when the period exists)."""
        indicator = self.get_object()
        given = TargetSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        target_set(actor=self.actor, indicator=indicator, **given.validated_data)
        return Response(IndicatorSerializer(self.get_object()).data)

    @extend_schema(request=ManualValueSerializer, responses=IndicatorSerializer)
    @action(detail=True, methods=["post"])
    def values(self, request, pk=None):
        """Record a value of an indicator without a rule, with its source."""
        indicator = self.get_object()
        given = ManualValueSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        manual_value_record(actor=self.actor, indicator=indicator, **given.validated_data)
        return Response(IndicatorSerializer(self.get_object()).data, status=status.HTTP_201_CREATED)


# --- figures ------------------------------------------------------------------------------


def figures_json(figures) -> dict:
    """A figures dataclass as JSON: decimals as strings (no rounding surprises), dates ISO."""

    def plain(value):
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        if isinstance(value, datetime.date):
            return value.isoformat()
        if value.__class__.__name__ == "Decimal":
            return str(value)
        return value

    return plain(dataclasses.asdict(figures))


def _as_of(request):
    text = request.query_params.get("as_of")
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise serializers.ValidationError({"as_of": ["Give a date as YYYY-MM-DD."]}) from error


@extend_schema(
    parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="Day of the figures.")],
    responses=OpenApiTypes.OBJECT,
)
class ProjectFiguresViewSet(ActorMixin, viewsets.ViewSet):
    """Every indicator of a project: actual against target, pace, breakdowns, trend, budget.
    Readers without personal data get small cells suppressed (``null`` with ``suppressed``)."""

    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    @extend_schema(operation_id="project_figures_list")
    def list(self, request):
        if not (
            self.actor.can(Capability.VIEW_PROJECTS) or self.actor.can(Capability.VIEW_AGGREGATES)
        ):
            raise Http404
        portfolio = selectors.portfolio_figures(actor=self.actor, as_of=_as_of(request))
        body = figures_json(portfolio)
        for line in body["projects"]:
            line.pop("figures", None)
        return Response(body)

    @extend_schema(operation_id="project_figures_retrieve")
    def retrieve(self, request, code=None):
        project = selectors.project_for_figures(actor=self.actor, code=code)
        figures = selectors.project_figures(
            actor=self.actor, project=project, as_of=_as_of(request)
        )
        return Response(figures_json(figures))


ROUTES = [
    ("results", ResultViewSet, "result"),
    ("indicators", IndicatorViewSet, "indicator"),
    ("project-figures", ProjectFiguresViewSet, "project-figures"),
]
