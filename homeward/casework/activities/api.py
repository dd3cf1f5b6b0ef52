"""The API of activities: ``homeward/api/urls.py`` registers every (prefix, viewset, basename)
of ``ROUTES`` under ``/api/v1/``.

``/api/v1/activities/`` (with their participants), ``/api/v1/sessions/`` (with attendance:
``POST /api/v1/sessions/<id>/attendance/``) and ``/api/v1/information-materials/``. Every
write goes through the services the pages use, so the API refuses exactly what they refuse.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.api.views import ActorMixin
from homeward.casework.activities import selectors
from homeward.casework.activities.models import (
    Activity,
    ActivityKind,
    InformationMaterial,
    MaterialKind,
    MaterialLanguage,
    OtherParticipants,
    Participant,
    ParticipantCategory,
    Session,
)
from homeward.casework.activities.services import (
    activity_create,
    activity_update,
    attendance_share,
    material_create,
    material_update,
    meets_rule,
    participant_complete,
    participant_enrol,
    session_attendance_record,
    session_create,
    session_transition,
    session_update,
)
from homeward.casework.common import project_in_scope
from homeward.core.scope import require
from homeward.programmes.models import Project
from homeward.registry.api import MunicipalityField

_VERSION_HELP = "The version you read; a save over somebody else's newer one answers 409."


def _project(actor, code: str, capability: Capability) -> Project:
    """A project named in a request: one the actor may not work in is as unknown as one
    that does not exist."""
    project = Project.objects.filter(code=code).first()
    if project is None or not project_in_scope(actor, project, capability):
        raise serializers.ValidationError({"project": ["No such project is open to you."]})
    return project


class _VersionRequired:
    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("version") is None:
            raise serializers.ValidationError(
                {"version": [self.fields["version"].error_messages["required"]]}
            )
        return attrs


# --- activities ---------------------------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    municipality = MunicipalityField(read_only=True)
    sessions_held = serializers.SerializerMethodField()
    participant_count = serializers.SerializerMethodField()
    completed_count = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "project",
            "organisation",
            "kind",
            "title",
            "description",
            "municipality",
            "venue",
            "planned_start",
            "planned_end",
            "sessions_planned",
            "leads_to_certificate",
            "completion_share",
            "sessions_held",
            "participant_count",
            "completed_count",
            "version",
        ]

    def get_sessions_held(self, activity) -> int:
        if hasattr(activity, "sessions_held"):
            return activity.sessions_held
        return activity.sessions.filter(status=Session.Status.HELD).count()

    def get_participant_count(self, activity) -> int:
        if hasattr(activity, "participant_count"):
            return activity.participant_count
        return activity.participants.count()

    def get_completed_count(self, activity) -> int:
        if hasattr(activity, "completed_count"):
            return activity.completed_count
        return activity.participants.filter(completed_on__isnull=False).count()


class ActivityFieldsSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(ActivityKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    municipality = MunicipalityField(required=False, allow_null=True)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()
    sessions_planned = serializers.IntegerField(required=False, min_value=1, max_value=1000)
    leads_to_certificate = serializers.BooleanField(required=False)
    completion_share = serializers.IntegerField(required=False, min_value=1, max_value=100)


class ActivityCreateSerializer(ActivityFieldsSerializer):
    project = serializers.CharField(help_text="Project code.")
    organisation = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.all(),
        required=False,
        help_text="Code of the organisation running it; needed only if you belong to several.",
    )


class ActivityUpdateSerializer(_VersionRequired, ActivityFieldsSerializer):
    version = serializers.IntegerField(help_text=_VERSION_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class ParticipantSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", read_only=True)
    name = serializers.CharField(source="person.full_name", read_only=True)
    household_number = serializers.CharField(source="person.household.number", read_only=True)
    sex = serializers.CharField(source="person.sex", read_only=True)
    sessions_attended = serializers.SerializerMethodField()
    sessions_counted = serializers.SerializerMethodField()
    meets_rule = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "person",
            "name",
            "household_number",
            "sex",
            "enrolled_on",
            "sessions_attended",
            "sessions_counted",
            "meets_rule",
            "completed_on",
            "certificate_number",
            "completion_override_reason",
            "version",
        ]

    @staticmethod
    def _share(participant) -> tuple[int, int]:
        """Counted once per participant, or already for the whole list (``count_attendance``)."""
        if not hasattr(participant, "attended"):
            participant.attended, participant.counted = attendance_share(participant)
        return participant.attended, participant.counted

    def get_sessions_attended(self, participant) -> int:
        return self._share(participant)[0]

    def get_sessions_counted(self, participant) -> int:
        return self._share(participant)[1]

    def get_meets_rule(self, participant) -> bool:
        return meets_rule(participant, self._share(participant))


class EnrolSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="Id of a registered person.")


class CompleteSerializer(_VersionRequired, serializers.Serializer):
    person = serializers.IntegerField(help_text="Id of the participant (a registered person).")
    version = serializers.IntegerField(help_text=_VERSION_HELP)
    completed_on = serializers.DateField(required=False)
    certificate_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Why the completion is recorded although the attendance does not meet the rule.",
    )


@extend_schema(
    parameters=[
        OpenApiParameter("project", str, description="Project code."),
        OpenApiParameter("kind", str, enum=ActivityKind.values),
    ]
)
class ActivityViewSet(
    ActorMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Trainings, workshops, events and visits, with their participants."""

    serializer_class = ActivitySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return Activity.objects.none()
        require(self.actor, Capability.VIEW_PERSONAL_DATA)
        params = self.request.query_params
        project = None
        if params.get("project"):
            project = _project(self.actor, params["project"], Capability.VIEW_PERSONAL_DATA)
        kind = params.get("kind") or ""
        if kind and kind not in ActivityKind.values:
            raise serializers.ValidationError({"kind": ["Not a kind of activity."]})
        return selectors.activity_list(actor=self.actor, project=project, kind=kind)

    def get_object(self):
        return selectors.activity_get(actor=self.actor, pk=self.kwargs["pk"])

    @extend_schema(request=ActivityCreateSerializer, responses={201: ActivitySerializer})
    def create(self, request, *args, **kwargs):
        require(self.actor, Capability.RECORD_CASEWORK)
        given = ActivityCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        project = _project(self.actor, data.pop("project"), Capability.RECORD_CASEWORK)
        activity = activity_create(actor=self.actor, project=project, **data)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActivityUpdateSerializer, responses=ActivitySerializer)
    def partial_update(self, request, *args, **kwargs):
        activity = self.get_object()
        given = ActivityUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        version = changes.pop("version")
        activity = activity_update(
            actor=self.actor, activity=activity, expected_version=version, **changes
        )
        return Response(ActivitySerializer(activity).data)

    @extend_schema(methods=["GET"], responses=ParticipantSerializer(many=True), request=None)
    @extend_schema(
        methods=["POST"], request=EnrolSerializer, responses={201: ParticipantSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def participants(self, request, pk=None):
        """The registered people taking part, with their attendance and completion; POST
        enrols one."""
        activity = self.get_object()
        if request.method == "POST":
            given = EnrolSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            participant = participant_enrol(
                actor=self.actor, activity=activity, person=given.validated_data["person"]
            )
            return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)
        participants = selectors.count_attendance(
            list(activity.participants.select_related("person", "person__household"))
        )
        return Response(ParticipantSerializer(participants, many=True).data)

    @extend_schema(request=CompleteSerializer, responses=ParticipantSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Record that a participant completed the activity (the rule met, or with the reason
        for an exception); a certificate number is given if the activity leads to one."""
        activity = self.get_object()
        given = CompleteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        participant = selectors.participant_get(
            actor=self.actor, activity=activity, person_id=data.pop("person")
        )
        version = data.pop("version")
        participant = participant_complete(
            actor=self.actor, participant=participant, expected_version=version, **data
        )
        return Response(ParticipantSerializer(participant).data)


# --- sessions -----------------------------------------------------------------------------


class OtherParticipantsSerializer(serializers.ModelSerializer):
    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = OtherParticipants
        fields = ["category", "organisation_name", "women", "men", "total"]


class SessionSerializer(serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(read_only=True)
    attendance = serializers.SerializerMethodField()
    other_participants = OtherParticipantsSerializer(many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "activity",
            "date",
            "start_time",
            "place",
            "topic",
            "facilitator",
            "status",
            "cancel_reason",
            "attendance",
            "other_participants",
            "version",
        ]

    def get_attendance(self, session) -> list[dict]:
        return [
            {
                "person": attendance.person_id,
                "name": attendance.person.full_name,
                "household_number": attendance.person.household.number,
            }
            for attendance in self._attendances(session)
        ]

    @staticmethod
    def _attendances(session):
        listed = getattr(session, "listed_attendances", None)
        return selectors.session_attendances(session) if listed is None else listed


class SessionFieldsSerializer(serializers.Serializer):
    date = serializers.DateField()
    start_time = serializers.TimeField(required=False, allow_null=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True)
    facilitator = serializers.CharField(max_length=150, required=False, allow_blank=True)


class SessionCreateSerializer(SessionFieldsSerializer):
    activity = serializers.IntegerField(help_text="Id of the activity.")


class SessionUpdateSerializer(_VersionRequired, SessionFieldsSerializer):
    version = serializers.IntegerField(help_text=_VERSION_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class SessionTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(Session.Status.choices)
    version = serializers.IntegerField(help_text=_VERSION_HELP)
    reason = serializers.CharField(required=False, allow_blank=True)


class OtherParticipantsInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(ParticipantCategory.choices)
    organisation_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    # Negative counts reach the service, which names them as the web page does.
    women = serializers.IntegerField(required=False, default=0)
    men = serializers.IntegerField(required=False, default=0)


class AttendanceInputSerializer(serializers.Serializer):
    people = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Ids of registered people."
    )
    others = OtherParticipantsInputSerializer(many=True, required=False)


@extend_schema(parameters=[OpenApiParameter("activity", int, description="Activity id.")])
class SessionViewSet(
    ActorMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Sessions of activities with who attended them."""

    serializer_class = SessionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return Session.objects.none()
        require(self.actor, Capability.VIEW_PERSONAL_DATA)
        activity = None
        given = self.request.query_params.get("activity")
        if given:
            if not given.isdigit():
                raise serializers.ValidationError({"activity": ["Give an activity id."]})
            activity = selectors.activity_get(actor=self.actor, pk=int(given))
        return selectors.with_attendances(
            selectors.session_list(actor=self.actor, activity=activity)
        ).prefetch_related("other_participants")

    def get_object(self):
        return selectors.session_get(actor=self.actor, pk=self.kwargs["pk"])

    @extend_schema(request=SessionCreateSerializer, responses={201: SessionSerializer})
    def create(self, request, *args, **kwargs):
        require(self.actor, Capability.RECORD_CASEWORK)
        given = SessionCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        activity = selectors.activity_get(actor=self.actor, pk=data.pop("activity"))
        session = session_create(actor=self.actor, activity=activity, **data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SessionUpdateSerializer, responses=SessionSerializer)
    def partial_update(self, request, *args, **kwargs):
        session = self.get_object()
        given = SessionUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        version = changes.pop("version")
        session = session_update(
            actor=self.actor, session=session, expected_version=version, **changes
        )
        return Response(SessionSerializer(session).data)

    @extend_schema(request=SessionTransitionSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Mark a planned session as ``held`` or ``cancelled`` (with the reason)."""
        session = self.get_object()
        given = SessionTransitionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        session = session_transition(
            actor=self.actor,
            session=session,
            status=given.validated_data["status"],
            expected_version=given.validated_data["version"],
            reason=given.validated_data.get("reason", ""),
        )
        return Response(SessionSerializer(session).data)

    @extend_schema(request=AttendanceInputSerializer, responses={201: SessionSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record who attended a held session: ``people`` (ids of registered people, each
        once) and ``others`` counted by category, organisation and sex. Counts sent again for
        a category and organisation replace those recorded before. All or nothing."""
        session = self.get_object()
        given = AttendanceInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        session_attendance_record(
            actor=self.actor,
            session=session,
            people=given.validated_data.get("people", []),
            others=[dict(row) for row in given.validated_data.get("others", [])],
        )
        session = self.get_object()
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


# --- information materials ----------------------------------------------------------------


class MaterialSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    municipalities = serializers.SerializerMethodField()

    class Meta:
        model = InformationMaterial
        fields = [
            "id",
            "project",
            "organisation",
            "kind",
            "title",
            "languages",
            "quantity_produced",
            "quantity_distributed",
            "people_reached",
            "period_start",
            "period_end",
            "municipalities",
            "notes",
            "version",
        ]

    def get_municipalities(self, material) -> list[str]:
        return [area.code for area in material.municipalities.all()]


class MaterialFieldsSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(MaterialKind.choices)
    title = serializers.CharField(max_length=200)
    languages = serializers.ListField(
        child=serializers.ChoiceField(MaterialLanguage.choices), required=False
    )
    # Negative numbers reach the service, which names them as the web page does.
    quantity_produced = serializers.IntegerField(required=False, allow_null=True)
    quantity_distributed = serializers.IntegerField(required=False, allow_null=True)
    people_reached = serializers.IntegerField(required=False, allow_null=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField(required=False, allow_null=True)
    municipalities = serializers.ListField(child=MunicipalityField(), required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class MaterialCreateSerializer(MaterialFieldsSerializer):
    project = serializers.CharField(help_text="Project code.")
    organisation = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.all(), required=False
    )


class MaterialUpdateSerializer(_VersionRequired, MaterialFieldsSerializer):
    version = serializers.IntegerField(help_text=_VERSION_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


@extend_schema(parameters=[OpenApiParameter("project", str, description="Project code.")])
class InformationMaterialViewSet(
    ActorMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Information materials and campaigns with their reach. They name nobody: everyone who
    sees the project sees them."""

    serializer_class = MaterialSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return InformationMaterial.objects.none()
        require(self.actor, Capability.VIEW_PROJECTS)
        project = None
        if self.request.query_params.get("project"):
            project = _project(
                self.actor, self.request.query_params["project"], Capability.VIEW_PROJECTS
            )
        return selectors.material_list(actor=self.actor, project=project)

    def get_object(self):
        return selectors.material_get(actor=self.actor, pk=self.kwargs["pk"])

    @extend_schema(request=MaterialCreateSerializer, responses={201: MaterialSerializer})
    def create(self, request, *args, **kwargs):
        require(self.actor, Capability.RECORD_CASEWORK)
        given = MaterialCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        project = _project(self.actor, data.pop("project"), Capability.RECORD_CASEWORK)
        material = material_create(actor=self.actor, project=project, **data)
        return Response(MaterialSerializer(material).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MaterialUpdateSerializer, responses=MaterialSerializer)
    def partial_update(self, request, *args, **kwargs):
        material = self.get_object()
        given = MaterialUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        version = changes.pop("version")
        material = material_update(
            actor=self.actor, material=material, expected_version=version, **changes
        )
        return Response(MaterialSerializer(material).data)


ROUTES = [
    ("activities", ActivityViewSet, "activity"),
    ("sessions", SessionViewSet, "session"),
    ("information-materials", InformationMaterialViewSet, "information-material"),
]
