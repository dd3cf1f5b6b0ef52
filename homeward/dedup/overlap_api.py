"""``GET /api/v1/assistance-overlap/?unit=&across=&kind=&type=&category=&since=&until=&project=``:
the assistance overlap report, paged, with the same rows, criteria, refusals and visibility as
the page (``homeward/dedup/overlap.py``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets

from homeward.api.views import ActorMixin
from homeward.casework.assistance.models import Category
from homeward.dedup.overlap import ACROSS, KINDS, UNITS, assistance_overlap, require_reader
from homeward.dedup.overlap_forms import OverlapForm


class OverlapDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    handover_on = serializers.DateField()
    status = serializers.CharField()
    project = serializers.CharField(source="project.code")
    organisation = serializers.CharField(source="organisation.name")
    actual_value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    person = serializers.SerializerMethodField(help_text="The member it was for, if one.")

    def get_person(self, delivery) -> int | None:
        return delivery.person_id


class OtherDeliveriesSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    organisation = serializers.CharField(
        allow_null=True, help_text="Null: an organisation you do not know of."
    )
    project = serializers.CharField(allow_null=True)
    description = serializers.CharField()


class PairLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    probability = serializers.FloatField()
    explanation = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The pair's page, when you may review it.")

    def get_url(self, pair) -> str | None:
        return reverse("dedup-pair", args=[pair.id]) if pair.reviewable else None


class OtherRecordSerializer(serializers.Serializer):
    household = serializers.CharField(source="household_number")
    name = serializers.CharField()


class OverlapRowSerializer(serializers.Serializer):
    unit = serializers.CharField()
    person = serializers.SerializerMethodField(help_text="The person's id (unit person).")
    household = serializers.CharField(source="household.number")
    name = serializers.CharField(help_text="The person, or the head of the household.")
    other_records = OtherRecordSerializer(source="others", many=True)
    assistance_type = serializers.SerializerMethodField()
    category = serializers.ChoiceField(choices=Category.choices)
    assistance = serializers.CharField(source="kind_label")
    through_likely_duplicate = serializers.BooleanField(source="through_duplicate")
    pairs = PairLinkSerializer(many=True)
    deliveries = OverlapDeliverySerializer(many=True)
    deliveries_by_others = OtherDeliveriesSerializer(source="by_others", many=True)
    total_deliveries = serializers.IntegerField()
    organisations = serializers.IntegerField()
    projects = serializers.IntegerField()
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2),
        help_text="The value of the deliveries shown, per currency.",
    )

    def get_person(self, row) -> int | None:
        return row.record.pk if row.unit == "person" else None

    def get_assistance_type(self, row) -> str | None:
        return row.assistance_type.code if row.assistance_type is not None else None


class AssistanceOverlapViewSet(ActorMixin, viewsets.GenericViewSet):
    """People or households that received the same kind of assistance from two organisations
    or in two projects (deliveries handed over only), for partners to coordinate."""

    serializer_class = OverlapRowSerializer

    @extend_schema(
        operation_id="assistance_overlap_list",
        parameters=[
            OpenApiParameter("unit", str, enum=list(UNITS), description="Default: person."),
            OpenApiParameter(
                "across", str, enum=list(ACROSS), description="Default: organisation."
            ),
            OpenApiParameter("kind", str, enum=list(KINDS), description="Default: type."),
            OpenApiParameter("type", str, description="Only this assistance type (its code)."),
            OpenApiParameter("category", str, enum=Category.values),
            OpenApiParameter("since", str, description="Handed over on or after (YYYY-MM-DD)."),
            OpenApiParameter("until", str, description="Handed over on or before (YYYY-MM-DD)."),
            OpenApiParameter("project", str, description="With a delivery in this project (code)."),
        ],
        responses=OverlapRowSerializer(many=True),
    )
    def list(self, request):
        actor = self.actor
        require_reader(actor)
        form = OverlapForm(request.query_params, actor=actor)
        if not form.is_valid():
            raise ValidationError(
                {name: [str(text) for text in texts] for name, texts in form.errors.items()}
            )
        rows = assistance_overlap(actor=actor, **form.criteria())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
