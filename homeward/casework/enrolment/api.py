"""``/api/v1/enrolments/``: who is enrolled in which project, and their steps.

``homeward/api/urls.py`` registers every (prefix, viewset, basename) of ``ROUTES``. Projects
are named by code and households by number, as in the pages; writes go through the same
services, so the API refuses exactly what the pages refuse.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from homeward.accounts.roles import Capability
from homeward.api.views import ActorMixin
from homeward.casework.common import household_member
from homeward.casework.enrolment import selectors
from homeward.casework.enrolment.models import Enrolment, EnrolmentStep
from homeward.casework.enrolment.services import (
    enrolment_create,
    enrolment_transition,
    next_statuses,
)
from homeward.core.audit import audit_read
from homeward.core.scope import require
from homeward.programmes.selectors import project_get
from homeward.registry.selectors import household_get


class EnrolmentStepSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="actor_label", read_only=True)
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = EnrolmentStep
        fields = ["on", "by", "from_status", "to_status", "reason", "at"]


class EnrolmentSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    person = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    steps = serializers.SerializerMethodField()
    next_statuses = serializers.SerializerMethodField(
        help_text="The statuses you may move this enrolment to."
    )

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "project",
            "household",
            "person",
            "organisation",
            "status",
            "status_on",
            "enrolled_on",
            "next_statuses",
            "steps",
            "version",
        ]

    def get_steps(self, enrolment) -> list[dict]:
        # A list prefetches every enrolment's steps in order (``with_steps``): one query.
        steps = getattr(enrolment, "ordered_steps", None)
        if steps is None:
            steps = selectors.enrolment_steps(enrolment)
        return EnrolmentStepSerializer(steps, many=True).data

    def get_next_statuses(self, enrolment) -> list[str]:
        return next_statuses(self.context["actor"], enrolment)


class EnrolmentCreateSerializer(serializers.Serializer):
    project = serializers.SlugField(help_text="The project's code.")
    household = serializers.CharField(help_text="The household's number: H-000123.")
    person = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="One member's id, to enrol that person alone; empty for the household.",
    )
    on = serializers.DateField(required=False, help_text="Default: today. Not in the future.")
    reason = serializers.CharField(required=False, allow_blank=True)


class EnrolmentTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Enrolment.Status.choices)
    on = serializers.DateField(required=False, help_text="Default: today. Not in the future.")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Needed for the waiting list, a rejection and a drop-out.",
    )
    version = serializers.IntegerField(
        help_text="The version you read; a step over somebody else's newer one answers 409."
    )


@extend_schema(
    parameters=[
        OpenApiParameter("project", str, description="A project's code"),
        OpenApiParameter("status", str, enum=Enrolment.Status.values),
    ]
)
class EnrolmentViewSet(ActorMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enrolments in projects, with every step (date, who, from → to, reason)."""

    serializer_class = EnrolmentSerializer

    def get_serializer_context(self):
        return super().get_serializer_context() | {"actor": self.actor}

    def get_queryset(self):
        if self.describing_schema:
            return Enrolment.objects.none()
        actor = self.actor
        require(actor, Capability.VIEW_PERSONAL_DATA)
        params = self.request.query_params
        project = None
        if params.get("project"):
            project = selectors.project_of_people(actor=actor, code=params["project"])
        status = params.get("status") or None
        if status is not None and status not in Enrolment.Status.values:
            raise serializers.ValidationError(
                {
                    "status": [
                        _("Choose one of: %(statuses)s.")
                        % {"statuses": ", ".join(Enrolment.Status.values)}
                    ]
                }
            )
        enrolments = selectors.enrolment_list(actor=actor, project=project, status=status)
        return selectors.with_steps(enrolments).order_by("project__code", "household__number", "pk")

    def get_object(self):
        return selectors.enrolment_get(actor=self.actor, pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        enrolment = self.get_object()
        audit_read(actor=self.actor, target=enrolment)
        return Response(self.get_serializer(enrolment).data)

    @extend_schema(request=EnrolmentCreateSerializer, responses={201: EnrolmentSerializer})
    def create(self, request, *args, **kwargs):
        actor = self.actor
        require(actor, Capability.RECORD_CASEWORK)
        given = EnrolmentCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = given.validated_data
        # A project or household the actor may not see is as unknown as one that does not
        # exist: 404 either way.
        project = project_get(actor=actor, code=values["project"])
        household = household_get(actor=actor, number=values["household"])
        person = household_member(household, values.get("person"))
        enrolment = enrolment_create(
            actor=actor,
            project=project,
            household=household,
            person=person,
            on=values.get("on"),
            reason=values.get("reason", ""),
        )
        enrolment = selectors.enrolment_get(actor=actor, pk=enrolment.pk)
        return Response(self.get_serializer(enrolment).data, status=201)

    @extend_schema(request=EnrolmentTransitionSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the enrolment one step: 409 when the version is stale or the life cycle does
        not allow the step (the answer names the statuses it allows)."""
        enrolment = self.get_object()
        given = EnrolmentTransitionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = given.validated_data
        enrolment_transition(
            actor=self.actor,
            enrolment=enrolment,
            status=values["status"],
            on=values.get("on"),
            reason=values.get("reason", ""),
            expected_version=values["version"],
        )
        enrolment = selectors.enrolment_get(actor=self.actor, pk=enrolment.pk)
        return Response(self.get_serializer(enrolment).data)


ROUTES = [("enrolments", EnrolmentViewSet, "enrolment")]
