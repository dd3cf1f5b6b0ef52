from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.accounts.selectors import organisation_get, organisation_list
from homeward.api import serializers
from homeward.core.actors import actor_from_request
from homeward.core.forms import AuditFilterForm
from homeward.core.models import AuditEvent
from homeward.core.scope import require
from homeward.core.selectors import audit_events, job_get, job_list
from homeward.programmes.models import Project
from homeward.programmes.selectors import project_get, project_list
from homeward.programmes.services import municipalities_resolve, project_create, project_update


class ActorMixin:
    @property
    def actor(self):
        return actor_from_request(self.request)

    @property
    def describing_schema(self) -> bool:
        """drf-spectacular asks for the queryset with nobody logged in, only to learn the
        model; nobody logged in reaches nothing, so it gets an empty one."""
        return getattr(self, "swagger_fake_view", False)


class MeView(ActorMixin, generics.GenericAPIView):
    """The user behind the token, with their memberships."""

    serializer_class = serializers.MeSerializer

    def get(self, request):
        return Response(self.get_serializer(request.user, context={"actor": self.actor}).data)


class OrganisationViewSet(ActorMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.OrganisationSerializer
    lookup_field = "code"

    def get_queryset(self):
        if self.describing_schema:
            return Organisation.objects.none()
        require(self.actor, Capability.MANAGE_USERS)
        return organisation_list(actor=self.actor)

    def get_object(self):
        return organisation_get(actor=self.actor, code=self.kwargs["code"])


class ProjectViewSet(
    ActorMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Projects with every field; municipalities and organisations by their codes. Managers
    create projects of their organisation and change them; a place may be written by code or
    by any spelling of its name."""

    serializer_class = serializers.ProjectSerializer
    lookup_field = "code"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return Project.objects.none()
        require(self.actor, Capability.VIEW_PROJECTS)
        return project_list(actor=self.actor)

    def get_object(self):
        return project_get(actor=self.actor, code=self.kwargs["code"])

    @staticmethod
    def _values(validated: dict) -> dict:
        values = dict(validated)
        if "municipalities" in values:
            values["municipalities"] = municipalities_resolve(values["municipalities"])
        return values

    @extend_schema(
        request=serializers.ProjectCreateSerializer,
        responses={201: serializers.ProjectSerializer},
    )
    def create(self, request, *args, **kwargs):
        require(self.actor, Capability.MANAGE_PROJECTS)
        given = serializers.ProjectCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        project = project_create(actor=self.actor, **self._values(given.validated_data))
        project = project_get(actor=self.actor, code=project.code)
        return Response(serializers.ProjectSerializer(project).data, status=201)

    @extend_schema(
        request=serializers.ProjectUpdateSerializer, responses=serializers.ProjectSerializer
    )
    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        update = serializers.ProjectUpdateSerializer(data=request.data)
        update.is_valid(raise_exception=True)
        changes = self._values(update.validated_data)
        version = changes.pop("version")
        project_update(actor=self.actor, project=project, expected_version=version, **changes)
        project = project_get(actor=self.actor, code=project.code)
        return Response(serializers.ProjectSerializer(project).data)


@extend_schema(
    parameters=[
        OpenApiParameter(name, str, description=description)
        for name, description in [
            ("action", "Action prefix, e.g. `user.` or `project.update`"),
            ("actor", "Username of who acted"),
            ("target_type", "e.g. `accounts.user`"),
            ("target_id", "Id of the object"),
            ("organisation", "Organisation code"),
            ("date_from", "YYYY-MM-DD"),
            ("date_to", "YYYY-MM-DD"),
        ]
    ]
)
class AuditEventViewSet(ActorMixin, viewsets.ReadOnlyModelViewSet):
    """The audit trail of the organisations you may audit (administrators, data protection
    officers)."""

    serializer_class = serializers.AuditEventSerializer

    def get_queryset(self):
        if self.describing_schema:
            return AuditEvent.objects.none()
        require(self.actor, Capability.VIEW_AUDIT)
        # The web page's filter form validates the query, so both refuse the same bad input
        # and name the same field.
        form = AuditFilterForm(self.request.query_params)
        if not form.is_valid():
            raise drf_serializers.ValidationError(
                {name: list(errors) for name, errors in form.errors.items()}
            )
        return audit_events(actor=self.actor, filters=form.filters())


class JobViewSet(ActorMixin, viewsets.ReadOnlyModelViewSet):
    """Your background jobs with their progress."""

    serializer_class = serializers.JobSerializer

    def get_queryset(self):
        return job_list(actor=self.actor)

    def get_object(self):
        return job_get(actor=self.actor, job_id=self.kwargs["pk"])
