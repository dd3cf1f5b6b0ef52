"""``/api/v1/referrals/``, ``/api/v1/contacts/`` and ``/api/v1/grievances/``.

The same services as the pages write, so the API refuses what the pages refuse, naming the
same fields; a save over somebody else's newer version answers 409.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.api.views import ActorMixin
from homeward.casework.contacts import selectors
from homeward.casework.contacts.access import may_read_grievances
from homeward.casework.contacts.models import Channel, Contact, Grievance, Referral
from homeward.casework.contacts.services import (
    contact_record,
    contact_update,
    grievance_record,
    grievance_transition,
    grievance_update,
    referral_create,
    referral_transition,
    referral_update,
)
from homeward.core.audit import audit_read
from homeward.core.scope import require, scoped
from homeward.programmes.selectors import project_list
from homeward.registry import selectors as registry
from homeward.registry.models import Consent, DisplacementStatus, Household, Person, Sex

C = Capability
_VERSION_HELP = "The version you read; a save over somebody else's newer one answers 409."


def _project(actor, code):
    if not code:
        return None
    project = project_list(actor=actor).filter(code=code).first()
    if project is None:
        raise serializers.ValidationError({"project": [_("No such project is open to you.")]})
    return project


def _household(actor, number, field="household"):
    if not number:
        return None
    if not actor.can(C.VIEW_PERSONAL_DATA):
        raise serializers.ValidationError(
            {field: [_("Linking a registered household needs access to the registry.")]}
        )
    try:
        return registry.household_get(actor=actor, number=number)
    except Http404:
        raise serializers.ValidationError(
            {field: [_("No household with this number is open to you.")]}
        ) from None


def _organisation(code):
    if not code:
        return None
    organisation = Organisation.objects.filter(code=code).first()
    if organisation is None:
        raise serializers.ValidationError({"organisation": [_("No such organisation.")]})
    return organisation


def _require_version(attrs, fields):
    if attrs.get("version") is None:
        raise serializers.ValidationError(
            {"version": [fields["version"].error_messages["required"]]}
        )


# --- referrals ----------------------------------------------------------------------------


class ReferralSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "household",
            "person",
            "project",
            "organisation",
            "receiver_name",
            "receiver_category",
            "reason",
            "consent",
            "consent_on",
            "status",
            "sent_on",
            "follow_up_on",
            "overdue",
            "responded_on",
            "response",
            "outcome",
            "closed_on",
            "notes",
            "version",
        ]
        read_only_fields = fields


class ReferralCreateSerializer(serializers.Serializer):
    household = serializers.CharField(help_text="Household number, e.g. H-000123.")
    person = serializers.IntegerField(required=False, allow_null=True, help_text="A member's id.")
    project = serializers.CharField(required=False, allow_blank=True, help_text="Project code.")
    organisation = serializers.CharField(
        required=False, allow_blank=True, help_text="Referring organisation's code, if several."
    )
    receiver_name = serializers.CharField(max_length=200)
    receiver_category = serializers.ChoiceField(Referral.ReceiverCategory.choices)
    reason = serializers.CharField()
    consent = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of the person's consent to referral."
    )
    consent_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Or: the date consent to this referral was given; you are recorded as who "
        "took it.",
    )
    sent_on = serializers.DateField(required=False, allow_null=True)
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class ReferralUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_VERSION_HELP)
    receiver_name = serializers.CharField(max_length=200, required=False)
    receiver_category = serializers.ChoiceField(Referral.ReceiverCategory.choices, required=False)
    reason = serializers.CharField(required=False)
    follow_up_on = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class ReferralTransitionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_VERSION_HELP)
    status = serializers.ChoiceField(Referral.Status.choices)
    on = serializers.DateField(required=False, allow_null=True)
    response = serializers.CharField(required=False, allow_blank=True)
    outcome = serializers.CharField(required=False, allow_blank=True)
    follow_up_on = serializers.DateField(required=False, allow_null=True)


class _Filters(serializers.Serializer):
    status = serializers.CharField(required=False, allow_blank=True)
    overdue = serializers.BooleanField(required=False, default=False)
    project = serializers.CharField(required=False, allow_blank=True)
    household = serializers.CharField(required=False, allow_blank=True)


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=Referral.Status.values),
        OpenApiParameter("overdue", bool, description="Only referrals past their follow-up."),
        OpenApiParameter("project", str, description="Project code."),
        OpenApiParameter("household", str, description="Household number."),
    ]
)
class ReferralViewSet(
    ActorMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Referrals to other organisations and services, with consent and follow-up."""

    serializer_class = ReferralSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return Referral.objects.none()
        require(self.actor, C.VIEW_PERSONAL_DATA)
        given = _Filters(data=self.request.query_params)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if data.get("status") and data["status"] not in Referral.Status.values:
            raise serializers.ValidationError({"status": [_("Not a status of a referral.")]})
        household = None
        if data.get("household"):
            household = registry.household_get(actor=self.actor, number=data["household"])
        return selectors.referral_list(
            actor=self.actor,
            today=timezone.localdate(),
            status=data.get("status") or "",
            overdue=data.get("overdue", False),
            project=_project(self.actor, data.get("project")),
            household=household,
        )

    def get_object(self):
        return selectors.referral_get(actor=self.actor, pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        audit_read(actor=self.actor, target=referral)
        return Response(ReferralSerializer(referral).data)

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def create(self, request, *args, **kwargs):
        """Refer a household or one of its members. Consent is required: the id of the
        person's consent to referral, or ``consent_on``."""
        require(self.actor, C.RECORD_CASEWORK)
        given = ReferralCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        household = _household(self.actor, data.pop("household"))
        person = None
        if data.get("person"):
            person = Person.objects.filter(pk=data["person"], household=household).first()
            if person is None:
                raise serializers.ValidationError(
                    {"person": [_("This person is not a member of the household.")]}
                )
        consent = None
        if data.get("consent"):
            consent = Consent.objects.filter(
                pk=data["consent"], person__household=household
            ).first()
            if consent is None:
                raise serializers.ValidationError(
                    {"consent": [_("No such consent in this household.")]}
                )
        referral = referral_create(
            actor=self.actor,
            household=household,
            person=person,
            project=_project(self.actor, data.get("project")),
            organisation=_organisation(data.get("organisation")),
            receiver_name=data["receiver_name"],
            receiver_category=data["receiver_category"],
            reason=data["reason"],
            consent=consent,
            consent_on=data.get("consent_on"),
            sent_on=data.get("sent_on"),
            follow_up_on=data.get("follow_up_on"),
            notes=data.get("notes", ""),
        )
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReferralUpdateSerializer, responses=ReferralSerializer)
    def partial_update(self, request, *args, **kwargs):
        referral = self.get_object()
        given = ReferralUpdateSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        _require_version(changes, given.fields)
        version = changes.pop("version")
        referral = referral_update(
            actor=self.actor, referral=referral, expected_version=version, **changes
        )
        return Response(ReferralSerializer(referral).data)

    @extend_schema(request=ReferralTransitionSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Sent → accepted or rejected (with their answer); accepted → completed (with the
        outcome). Any other step answers 409."""
        referral = self.get_object()
        given = ReferralTransitionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        referral = referral_transition(
            actor=self.actor,
            referral=referral,
            status=data["status"],
            expected_version=data["version"],
            on=data.get("on"),
            response=data.get("response", ""),
            outcome=data.get("outcome", ""),
            follow_up_on=data.get("follow_up_on"),
        )
        return Response(ReferralSerializer(referral).data)


# --- contacts -----------------------------------------------------------------------------


class _LinkedHousehold:
    """The ``household`` of a contact or grievance, as its number, for those who may see it;
    which of a list's households they may see is asked once for the whole list."""

    def get_household(self, record) -> str | None:
        actor = self.context.get("actor")
        if record.household_id is None or actor is None or not actor.can(C.VIEW_PERSONAL_DATA):
            return None
        if "visible_households" not in self.context:
            listed = getattr(self.parent, "instance", None)
            rows = [record] if listed is None else listed
            linked = {row.household_id for row in rows if row.household_id is not None}
            self.context["visible_households"] = set(
                scoped(
                    Household.objects.filter(pk__in=linked), actor, C.VIEW_PERSONAL_DATA
                ).values_list("pk", flat=True)
            )
        if record.household_id not in self.context["visible_households"]:
            return None
        return record.household.number


class ContactSerializer(_LinkedHousehold, serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    household = serializers.SerializerMethodField(
        help_text="The caller's household number, shown only to those who may see the registry."
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "organisation",
            "project",
            "channel",
            "received_at",
            "topic",
            "question",
            "answer",
            "anonymous",
            "caller_name",
            "caller_phone",
            "caller_sex",
            "caller_displacement_status",
            "household",
            "follow_up_needed",
            "follow_up_on",
            "followed_up_on",
            "follow_up_notes",
            "version",
        ]
        read_only_fields = fields


class ContactCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(Channel.choices)
    topic = serializers.ChoiceField(Contact.Topic.choices)
    question = serializers.CharField()
    answer = serializers.CharField(required=False, allow_blank=True)
    received_at = serializers.DateTimeField(required=False, allow_null=True)
    project = serializers.CharField(required=False, allow_blank=True)
    organisation = serializers.CharField(required=False, allow_blank=True)
    anonymous = serializers.BooleanField(required=False, default=False)
    caller_name = serializers.CharField(max_length=160, required=False, allow_blank=True)
    caller_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    caller_sex = serializers.ChoiceField(Sex.choices, required=False, allow_blank=True)
    caller_displacement_status = serializers.ChoiceField(
        DisplacementStatus.choices, required=False, allow_blank=True
    )
    household = serializers.CharField(
        required=False, allow_blank=True, help_text="Household number; needs registry access."
    )
    follow_up_needed = serializers.BooleanField(required=False, default=False)
    follow_up_on = serializers.DateField(required=False, allow_null=True)


class ContactUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_VERSION_HELP)
    answer = serializers.CharField(required=False, allow_blank=True)
    topic = serializers.ChoiceField(Contact.Topic.choices, required=False)
    follow_up_needed = serializers.BooleanField(required=False)
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    followed_up_on = serializers.DateField(required=False, allow_null=True)
    follow_up_notes = serializers.CharField(required=False, allow_blank=True)
    household = serializers.CharField(required=False, allow_blank=True, allow_null=True)


@extend_schema(
    parameters=[
        OpenApiParameter("topic", str, enum=Contact.Topic.values),
        OpenApiParameter("channel", str, enum=Channel.values),
        OpenApiParameter("project", str, description="Project code."),
        OpenApiParameter("follow_up", bool, description="Only contacts waiting for follow-up."),
    ]
)
class ContactViewSet(
    ActorMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The information desk and free phone line: every call, walk-in and outreach talk."""

    serializer_class = ContactSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_context(self):
        return super().get_serializer_context() | {"actor": self.actor}

    def get_queryset(self):
        if self.describing_schema:
            return Contact.objects.none()
        require(self.actor, C.RECORD_CONTACTS)
        params = self.request.query_params
        for name, choices in (("topic", Contact.Topic.values), ("channel", Channel.values)):
            if params.get(name) and params[name] not in choices:
                raise serializers.ValidationError(
                    {name: [_("Choose one of: %(values)s.") % {"values": ", ".join(choices)}]}
                )
        return selectors.contact_list(
            actor=self.actor,
            topic=params.get("topic", ""),
            channel=params.get("channel", ""),
            project=_project(self.actor, params.get("project")),
            follow_up=params.get("follow_up", "").lower() in ("1", "true", "yes"),
        )

    def get_object(self):
        return selectors.contact_get(actor=self.actor, pk=self.kwargs["pk"])

    @extend_schema(request=ContactCreateSerializer, responses={201: ContactSerializer})
    def create(self, request, *args, **kwargs):
        """Record a contact. ``anonymous`` callers give no name; only users who may see the
        registry may link a ``household``."""
        require(self.actor, C.RECORD_CONTACTS)
        given = ContactCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data["household"] = _household(self.actor, data.pop("household", ""))
        data["project"] = _project(self.actor, data.pop("project", ""))
        data["organisation"] = _organisation(data.pop("organisation", ""))
        contact = contact_record(actor=self.actor, **data)
        return Response(
            ContactSerializer(contact, context={"actor": self.actor}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ContactUpdateSerializer, responses=ContactSerializer)
    def partial_update(self, request, *args, **kwargs):
        contact = self.get_object()
        given = ContactUpdateSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        _require_version(changes, given.fields)
        version = changes.pop("version")
        if "household" in changes:
            changes["household"] = _household(self.actor, changes["household"])
        contact = contact_update(
            actor=self.actor, contact=contact, expected_version=version, **changes
        )
        return Response(ContactSerializer(contact, context={"actor": self.actor}).data)


# --- grievances ---------------------------------------------------------------------------


class GrievanceSerializer(_LinkedHousehold, serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    household = serializers.SerializerMethodField()
    reference = serializers.CharField(read_only=True)
    days_to_acknowledge = serializers.IntegerField(read_only=True, allow_null=True)
    days_to_resolve = serializers.IntegerField(read_only=True, allow_null=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Grievance
        fields = [
            "id",
            "reference",
            "organisation",
            "project",
            "received_on",
            "channel",
            "category",
            "description",
            "anonymous",
            "complainant_name",
            "complainant_contact",
            "household",
            "status",
            "acknowledged_on",
            "resolved_on",
            "resolution_kind",
            "resolution",
            "days_to_acknowledge",
            "days_to_resolve",
            "overdue",
            "version",
        ]
        read_only_fields = fields


class GrievanceCreateSerializer(serializers.Serializer):
    received_on = serializers.DateField(required=False, allow_null=True)
    channel = serializers.ChoiceField(Grievance.Channel.choices)
    category = serializers.ChoiceField(Grievance.Category.choices)
    description = serializers.CharField()
    anonymous = serializers.BooleanField(required=False, default=False)
    complainant_name = serializers.CharField(max_length=160, required=False, allow_blank=True)
    complainant_contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    project = serializers.CharField(required=False, allow_blank=True)
    organisation = serializers.CharField(required=False, allow_blank=True)
    household = serializers.CharField(required=False, allow_blank=True)


class GrievanceUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_VERSION_HELP)
    category = serializers.ChoiceField(Grievance.Category.choices, required=False)
    channel = serializers.ChoiceField(Grievance.Channel.choices, required=False)
    description = serializers.CharField(required=False)


class GrievanceTransitionSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_VERSION_HELP)
    status = serializers.ChoiceField(Grievance.Status.choices)
    on = serializers.DateField(required=False, allow_null=True)
    resolution_kind = serializers.ChoiceField(
        Grievance.Resolution.choices, required=False, allow_blank=True
    )
    resolution = serializers.CharField(required=False, allow_blank=True)


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=Grievance.Status.values),
        OpenApiParameter("category", str, enum=Grievance.Category.values),
        OpenApiParameter("project", str, description="Project code."),
        OpenApiParameter("overdue", bool, description="Only those past their targets."),
    ]
)
class GrievanceViewSet(
    ActorMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """The feedback and complaints mechanism. Sensitive grievances are read by managers only."""

    serializer_class = GrievanceSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_context(self):
        return super().get_serializer_context() | {"actor": self.actor}

    def get_queryset(self):
        if self.describing_schema:
            return Grievance.objects.none()
        if not may_read_grievances(self.actor):
            raise Http404
        params = self.request.query_params
        for name, choices in (
            ("status", Grievance.Status.values),
            ("category", Grievance.Category.values),
        ):
            if params.get(name) and params[name] not in choices:
                raise serializers.ValidationError(
                    {name: [_("Choose one of: %(values)s.") % {"values": ", ".join(choices)}]}
                )
        return selectors.grievance_list(
            actor=self.actor,
            today=timezone.localdate(),
            status=params.get("status", ""),
            category=params.get("category", ""),
            project=_project(self.actor, params.get("project")),
            overdue=params.get("overdue", "").lower() in ("1", "true", "yes"),
        )

    def get_object(self):
        return selectors.grievance_get(actor=self.actor, pk=self.kwargs["pk"])

    @extend_schema(request=GrievanceCreateSerializer, responses={201: GrievanceSerializer})
    def create(self, request, *args, **kwargs):
        if not may_read_grievances(self.actor):
            raise Http404
        given = GrievanceCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data["household"] = _household(self.actor, data.pop("household", ""))
        data["project"] = _project(self.actor, data.pop("project", ""))
        data["organisation"] = _organisation(data.pop("organisation", ""))
        grievance = grievance_record(actor=self.actor, **data)
        return Response(
            GrievanceSerializer(grievance, context={"actor": self.actor}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=GrievanceUpdateSerializer, responses=GrievanceSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Correct the category, channel or description. Making a grievance ``sensitive``
        hands it to the managers: a desk operator no longer sees it."""
        grievance = self.get_object()
        given = GrievanceUpdateSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        _require_version(changes, given.fields)
        version = changes.pop("version")
        grievance = grievance_update(
            actor=self.actor, grievance=grievance, expected_version=version, **changes
        )
        return Response(GrievanceSerializer(grievance, context={"actor": self.actor}).data)

    @extend_schema(request=GrievanceTransitionSerializer, responses=GrievanceSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Received → acknowledged → resolved (``resolution_kind`` and ``resolution``
        required). Any other step answers 409."""
        grievance = self.get_object()
        given = GrievanceTransitionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        grievance = grievance_transition(
            actor=self.actor,
            grievance=grievance,
            status=data["status"],
            expected_version=data["version"],
            on=data.get("on"),
            resolution_kind=data.get("resolution_kind", ""),
            resolution=data.get("resolution", ""),
        )
        return Response(GrievanceSerializer(grievance, context={"actor": self.actor}).data)


ROUTES = [
    ("referrals", ReferralViewSet, "referral"),
    ("contacts", ContactViewSet, "contact"),
    ("grievances", GrievanceViewSet, "grievance"),
]
