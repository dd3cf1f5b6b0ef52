"""``/api/v1/assistance-types/``, ``/api/v1/deliveries/`` and ``/api/v1/monitoring-visits/``.

Writes go through the same services as the pages, so the API refuses what the pages refuse,
naming the same fields. ``homeward/api/urls.py`` registers every (prefix, viewset, basename)
of ``ROUTES`` under ``/api/v1/``.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.api.views import ActorMixin
from homeward.casework.assistance import selectors
from homeward.casework.assistance.models import (
    AssistanceType,
    Delivery,
    DeliveryItem,
    MonitoringPhoto,
    MonitoringVisit,
)
from homeward.casework.assistance.services import (
    delivery_plan,
    delivery_transition,
    delivery_update,
    monitoring_visit_record,
)
from homeward.core.audit import audit_read
from homeward.core.scope import require, scoped
from homeward.registry.models import Household

_VERSION_HELP = "The version you read; a save over somebody else's newer one answers 409."


class AssistanceTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssistanceType
        fields = [
            "code",
            "name",
            "name_sr",
            "name_sr_latn",
            "name_sq",
            "category",
            "is_grant",
            "monitoring_months",
            "unit",
            "is_active",
        ]


class DeliveryItemSerializer(serializers.ModelSerializer):
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = DeliveryItem
        fields = ["description", "quantity", "unit_value", "total"]


class MonitoringPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = MonitoringPhoto
        fields = ["id", "caption", "uploaded_at", "url"]

    def get_url(self, photo) -> str:
        return reverse("monitoring-photo", args=[photo.pk])


class MonitoringVisitSerializer(serializers.ModelSerializer):
    delivery = serializers.PrimaryKeyRelatedField(read_only=True)
    photos = MonitoringPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = MonitoringVisit
        fields = [
            "id",
            "delivery",
            "months_after",
            "due_on",
            "visited_on",
            "business_operating",
            "income_before",
            "income_after",
            "income_change",
            "employees",
            "notes",
            "photos",
            "version",
        ]


class DeliverySerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assistance_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    household = serializers.SlugRelatedField(slug_field="number", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = DeliveryItemSerializer(many=True, read_only=True)
    handover_document = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = [
            "id",
            "project",
            "assistance_type",
            "household",
            "person",
            "organisation",
            "status",
            "quantity",
            "planned_value",
            "actual_value",
            "currency",
            "planned_on",
            "note",
            "handover_on",
            "handover_document",
            "handover_note",
            "cancellation_reason",
            "approved_at",
            "verified_at",
            "items",
            "version",
        ]

    def get_handover_document(self, delivery) -> str | None:
        """Where to download it (a page of the site, recorded in the audit trail)."""
        if not delivery.handover_document:
            return None
        return reverse("delivery-document", args=[delivery.pk])


class DeliveryDetailSerializer(DeliverySerializer):
    monitoring_visits = MonitoringVisitSerializer(many=True, read_only=True)

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "monitoring_visits"]


class ItemInputSerializer(serializers.Serializer):
    description = serializers.CharField(allow_blank=True, max_length=200)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2)
    unit_value = serializers.DecimalField(max_digits=14, decimal_places=2)


class _DeliveryFields(serializers.Serializer):
    assistance_type = serializers.SlugRelatedField(
        slug_field="code", queryset=AssistanceType.objects.all()
    )
    person = serializers.IntegerField(
        required=False, allow_null=True, help_text="Id of the member it is for, if one."
    )
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    planned_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    currency = serializers.CharField(
        required=False, max_length=3, help_text="Must be the project's currency."
    )
    planned_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)
    items = ItemInputSerializer(many=True, required=False)


class DeliveryPlanSerializer(_DeliveryFields):
    project = serializers.SlugField(help_text="Project code.")
    household = serializers.CharField(help_text="Household number, e.g. H-000123.")
    organisation = serializers.SlugField(
        required=False, help_text="Code of the delivering organisation, if you belong to several."
    )


class DeliveryUpdateSerializer(_DeliveryFields):
    version = serializers.IntegerField(help_text=_VERSION_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)

    def validate(self, attrs):
        if attrs.get("version") is None:
            raise serializers.ValidationError({"version": ["This field is required."]})
        return attrs


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(Delivery.Status.choices)
    version = serializers.IntegerField(help_text=_VERSION_HELP)
    note = serializers.CharField(required=False, allow_blank=True)
    handover_on = serializers.DateField(required=False, allow_null=True)
    actual_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    currency = serializers.CharField(required=False, max_length=3)
    handover_document = serializers.FileField(
        required=False, help_text="Send as multipart/form-data: PDF, JPEG or PNG."
    )
    handover_note = serializers.CharField(required=False, allow_blank=True)
    cancellation_reason = serializers.CharField(required=False, allow_blank=True)
    items = ItemInputSerializer(many=True, required=False)


class VisitRecordSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_VERSION_HELP)
    visited_on = serializers.DateField()
    business_operating = serializers.BooleanField(allow_null=True)
    income_before = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    income_after = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    income_change = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    employees = serializers.IntegerField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="JPEG or PNG, multipart."
    )
    captions = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)


class AssistanceTypeViewSet(ActorMixin, viewsets.ReadOnlyModelViewSet):
    """The catalogue of assistance types, with their names in the four languages."""

    serializer_class = AssistanceTypeSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        if self.describing_schema:
            return AssistanceType.objects.none()
        return selectors.assistance_type_list(actor=self.actor)

    def get_object(self):
        return selectors.assistance_type_get(actor=self.actor, code=self.kwargs["code"])


def _person_of(household, person_id, errors: dict):
    if person_id is None:
        return None
    person = household.members.filter(pk=person_id).first()
    if person is None:
        errors["person"] = [f"No member {person_id} in household {household.number}."]
    return person


@extend_schema(
    parameters=[
        OpenApiParameter("project", str, description="Project code."),
        OpenApiParameter("status", str, enum=Delivery.Status.values),
        OpenApiParameter("household", str, description="Household number."),
        OpenApiParameter("assistance_type", str, description="Assistance type code."),
    ]
)
class DeliveryViewSet(
    ActorMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Deliveries of assistance. Creating one plans it; ``transition`` moves it along its life
    cycle: planned → approved → delivered → verified, or cancelled before the handover."""

    serializer_class = DeliverySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if self.describing_schema:
            return Delivery.objects.none()
        require(self.actor, Capability.VIEW_PERSONAL_DATA)
        params = self.request.query_params
        deliveries = selectors.delivery_list(actor=self.actor).prefetch_related("items")
        if params.get("status"):
            if params["status"] not in Delivery.Status.values:
                raise serializers.ValidationError({"status": ["Not a status of a delivery."]})
            deliveries = deliveries.filter(status=params["status"])
        if params.get("project"):
            deliveries = deliveries.filter(project__code=params["project"])
        if params.get("household"):
            deliveries = deliveries.filter(household__number=params["household"].strip().upper())
        if params.get("assistance_type"):
            deliveries = deliveries.filter(assistance_type__code=params["assistance_type"])
        return deliveries.order_by("-created_at", "-pk")

    def get_object(self):
        delivery = selectors.delivery_get(actor=self.actor, pk=self.kwargs["pk"])
        audit_read(actor=self.actor, target=delivery)
        return delivery

    def get_serializer_class(self):
        if self.action == "retrieve":
            return DeliveryDetailSerializer
        return DeliverySerializer

    def _respond(self, delivery, code=status.HTTP_200_OK):
        fresh = selectors.delivery_get(actor=self.actor, pk=delivery.pk)
        return Response(DeliveryDetailSerializer(fresh).data, status=code)

    @extend_schema(request=DeliveryPlanSerializer, responses={201: DeliveryDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Plan a delivery for a household selected in the project."""
        require(self.actor, Capability.RECORD_CASEWORK)
        given = DeliveryPlanSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        errors: dict = {}
        project = selectors.project_for_deliveries_or_none(
            actor=self.actor, code=data.pop("project")
        )
        if project is None:
            errors["project"] = ["No such project is open to you."]
        number = data.pop("household").strip().upper()
        household = scoped(
            Household.objects.filter(number=number), self.actor, Capability.VIEW_PERSONAL_DATA
        ).first()
        if household is None:
            errors["household"] = ["No household with this number is open to you."]
        organisation = None
        if data.get("organisation"):
            organisation = Organisation.objects.filter(code=data.pop("organisation")).first()
            if organisation is None:
                errors["organisation"] = ["No such organisation."]
        person = _person_of(household, data.pop("person", None), errors) if household else None
        if errors:
            raise serializers.ValidationError(errors)
        delivery = delivery_plan(
            actor=self.actor,
            project=project,
            household=household,
            person=person,
            organisation=organisation,
            **data,
        )
        return self._respond(delivery, status.HTTP_201_CREATED)

    @extend_schema(request=DeliveryUpdateSerializer, responses=DeliveryDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a planned delivery; send the ``version`` you read."""
        delivery = selectors.delivery_get(actor=self.actor, pk=self.kwargs["pk"])
        given = DeliveryUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        version = changes.pop("version")
        if "person" in changes:
            errors: dict = {}
            changes["person"] = _person_of(delivery.household, changes["person"], errors)
            if errors:
                raise serializers.ValidationError(errors)
        delivery = delivery_update(
            actor=self.actor, delivery=delivery, expected_version=version, **changes
        )
        return self._respond(delivery)

    @extend_schema(request=TransitionSerializer, responses=DeliveryDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the delivery one step: ``approved`` and ``verified`` (project managers, M&E
        officers), ``delivered`` with ``handover_on`` (case workers), ``cancelled`` with
        ``cancellation_reason``. A step the life cycle does not allow answers 409."""
        delivery = selectors.delivery_get(actor=self.actor, pk=pk)
        given = TransitionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        target = fields.pop("status")
        version = fields.pop("version")
        if "items" in fields:
            fields["items"] = [dict(item) for item in fields["items"]]
        delivery = delivery_transition(
            actor=self.actor, delivery=delivery, status=target, expected_version=version, **fields
        )
        return self._respond(delivery)


@extend_schema(
    parameters=[
        OpenApiParameter("delivery", int, description="Delivery id."),
        OpenApiParameter("open", bool, description="Only visits not yet made."),
        OpenApiParameter("due_by", str, description="Due on or before YYYY-MM-DD."),
    ]
)
class MonitoringVisitViewSet(ActorMixin, viewsets.ReadOnlyModelViewSet):
    """Monitoring visits of grants, scheduled at the handover; ``record`` what was found."""

    serializer_class = MonitoringVisitSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if self.describing_schema:
            return MonitoringVisit.objects.none()
        require(self.actor, Capability.VIEW_PERSONAL_DATA)
        params = self.request.query_params
        due_by = None
        if params.get("due_by"):
            try:
                due_by = serializers.DateField().run_validation(params["due_by"])
            except serializers.ValidationError as invalid:
                raise serializers.ValidationError({"due_by": invalid.detail}) from invalid
        visits = selectors.monitoring_visit_list(
            actor=self.actor,
            due_by=due_by,
            open_only=params.get("open") in ("1", "true", "yes"),
        ).prefetch_related("photos")
        if params.get("delivery"):
            if not params["delivery"].isdigit():
                raise serializers.ValidationError({"delivery": ["Give a delivery id."]})
            visits = visits.filter(delivery_id=int(params["delivery"]))
        return visits

    def get_object(self):
        return selectors.monitoring_visit_get(actor=self.actor, pk=self.kwargs["pk"])

    @extend_schema(request=VisitRecordSerializer, responses=MonitoringVisitSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record the visit (again, to correct it): date, whether the business operates,
        incomes, employees, notes and photos."""
        visit = selectors.monitoring_visit_get(actor=self.actor, pk=pk)
        given = VisitRecordSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        version = data.pop("version")
        visit = monitoring_visit_record(
            actor=self.actor, visit=visit, expected_version=version, **data
        )
        fresh = selectors.monitoring_visit_get(actor=self.actor, pk=visit.pk)
        return Response(MonitoringVisitSerializer(fresh).data)


ROUTES = [
    ("assistance-types", AssistanceTypeViewSet, "assistance-type"),
    ("deliveries", DeliveryViewSet, "delivery"),
    ("monitoring-visits", MonitoringVisitViewSet, "monitoring-visit"),
]
