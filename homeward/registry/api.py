"""``/api/v1/households/`` and ``/api/v1/people/``: the registry for scripts and other systems.

Field names are the import template's columns (``first_name``, ``national_id``, …), filters and
``?search=`` are the search page's, and every write goes through the same services, so the API
refuses exactly what the web pages refuse, naming the same fields.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.api.views import ActorMixin
from homeward.core.audit import audit_read
from homeward.core.scope import require
from homeward.geo.models import Area
from homeward.geo.selectors import MUNICIPALITY_KINDS, AreaAmbiguous, AreaNotFound, area_resolve
from homeward.programmes.models import Project
from homeward.programmes.selectors import project_list
from homeward.registry import selectors
from homeward.registry.forms import parse_birth
from homeward.registry.models import (
    WASHINGTON_GROUP_DOMAINS,
    Accommodation,
    Difficulty,
    DisplacementStatus,
    Household,
    Person,
    Relationship,
    ReturnIntention,
    Sex,
    Vulnerability,
)
from homeward.registry.services import (
    HOUSEHOLD_FIELDS,
    PERSON_FIELDS,
    household_register,
    household_update,
    person_add,
    person_update,
    registering_organisations,
)


@extend_schema_field(
    {
        "type": "string",
        "description": "Code (RS-00-zvezdara, XK-gjilan) or any spelling of the name.",
        "example": "XK-gjilan",
    }
)
class MunicipalityField(serializers.Field):
    """A municipality by its code or by any of its names, in any script: "RS-00-zvezdara",
    "Gjilan", "Гњилане". Answered with the code."""

    default_error_messages = {"invalid": "Give the municipality's code or name."}

    def to_representation(self, area):
        return area.code if area else None

    def to_internal_value(self, value):
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.fail("invalid")
        area = Area.objects.filter(code=value, kind__in=MUNICIPALITY_KINDS).first()
        if area is not None:
            return area
        try:
            return area_resolve(value, kinds=MUNICIPALITY_KINDS)
        except (AreaNotFound, AreaAmbiguous) as error:
            raise serializers.ValidationError(str(error.message)) from None


@extend_schema_field(
    {
        "type": "string",
        "description": "YYYY-MM-DD, or only the year (stored as estimated).",
        "example": "1985-03-12",
        "nullable": True,
    }
)
class BirthDateField(serializers.Field):
    """A date (YYYY-MM-DD, or DD.MM.YYYY) or only a year: "1985" is stored as estimated."""

    def to_representation(self, value):
        return value.isoformat() if value else None

    def to_internal_value(self, value):
        if value in (None, ""):
            return (None, False)
        try:
            return parse_birth(str(value))
        except ValueError:
            raise serializers.ValidationError(
                f"“{str(value)[:20]}” is not a date: give YYYY-MM-DD or only the year."
            ) from None


class PersonSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    date_of_birth = BirthDateField(required=False, allow_null=True)
    vulnerabilities = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "household_number",
            *PERSON_FIELDS,
            "has_disability",
            "missing_documents",
            "vulnerabilities",
            "version",
        ]
        read_only_fields = ["id", "has_disability", "missing_documents", "version"]

    def get_vulnerabilities(self, person) -> list[str]:
        values = []
        for value in Vulnerability.values:
            column = "has_disability" if value == Vulnerability.DISABILITY else value
            if getattr(person, column):
                values.append(value)
        return values


class PersonInputSerializer(serializers.Serializer):
    """One person as sent: types are checked here, everything else by the service."""

    relationship_to_head = serializers.ChoiceField(Relationship.choices)
    first_name = serializers.CharField(max_length=80, allow_blank=True)
    father_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=80, allow_blank=True)
    sex = serializers.ChoiceField(Sex.choices)
    date_of_birth = BirthDateField(required=False, allow_null=True)
    date_of_birth_estimated = serializers.BooleanField(required=False, default=False)
    national_id = serializers.CharField(max_length=20, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    displacement_status = serializers.ChoiceField(DisplacementStatus.choices)
    chronic_illness = serializers.BooleanField(required=False, default=False)
    single_parent = serializers.BooleanField(required=False, default=False)
    older_person_alone = serializers.BooleanField(required=False, default=False)
    unaccompanied_child = serializers.BooleanField(required=False, default=False)

    def get_fields(self):
        fields = super().get_fields()
        for name, label in WASHINGTON_GROUP_DOMAINS:
            fields[name] = serializers.ChoiceField(
                Difficulty.choices, required=False, allow_null=True, help_text=str(label)
            )
        return fields

    def person_data(self) -> dict:
        return person_data(self.validated_data)


def person_data(validated: dict) -> dict:
    data = dict(validated)
    if "date_of_birth" in data:
        born, estimated = data.pop("date_of_birth")
        data["date_of_birth"] = born
        data["date_of_birth_estimated"] = estimated or data.get("date_of_birth_estimated", False)
    return data


class _VersionRequired:
    """A partial update sends only what changes, but always the version it read: DRF's
    ``partial`` would let the version be left out too, and the change would overwrite."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("version") is None:
            raise serializers.ValidationError(
                {"version": [self.fields["version"].error_messages["required"]]}
            )
        return attrs


class PersonUpdateSerializer(_VersionRequired, PersonInputSerializer):
    version = serializers.IntegerField(
        help_text="The version you read; a save over somebody else's newer one answers 409."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class HouseholdSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="number", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    current_municipality = MunicipalityField(read_only=True)
    origin_municipality = MunicipalityField(read_only=True)
    members = PersonSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = [
            "household_number",
            "organisation",
            "project",
            "current_municipality",
            "current_settlement",
            "address",
            "accommodation",
            "origin_municipality",
            "origin_settlement",
            "phone",
            "return_intention",
            "notes",
            "registered_on",
            "version",
            "members",
        ]


class HouseholdFieldsSerializer(serializers.Serializer):
    current_municipality = MunicipalityField()
    current_settlement = serializers.CharField(max_length=120, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    accommodation = serializers.ChoiceField(Accommodation.choices)
    origin_municipality = MunicipalityField(required=False, allow_null=True)
    origin_settlement = serializers.CharField(max_length=120, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    return_intention = serializers.ChoiceField(
        ReturnIntention.choices, required=False, allow_blank=True
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class HouseholdRegisterSerializer(HouseholdFieldsSerializer):
    organisation = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.all(),
        help_text="Code of the organisation registering; needed only if you belong to several.",
        required=False,
    )
    project = serializers.SlugRelatedField(
        slug_field="code", queryset=Project.objects.all(), required=False, allow_null=True
    )
    members = PersonInputSerializer(many=True)
    consent_purposes = serializers.ListField(child=serializers.CharField(), required=False)
    consent_given_on = serializers.DateField(required=False, allow_null=True)
    duplicate_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Why to register although likely duplicates were reported (409).",
    )


class HouseholdUpdateSerializer(_VersionRequired, HouseholdFieldsSerializer):
    version = serializers.IntegerField(
        help_text="The version you read; a save over somebody else's newer one answers 409."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class PersonAddSerializer(PersonInputSerializer):
    duplicate_reason = serializers.CharField(required=False, allow_blank=True)


_FILTERS = [
    OpenApiParameter(
        "search",
        str,
        description="What the search box takes: any part of a name in any script or spelling "
        "(one typo tolerated), a JMBG, a phone number or a household number.",
    ),
    OpenApiParameter("municipality", str, description="Current municipality: code or name."),
    OpenApiParameter("displacement_status", str, enum=DisplacementStatus.values),
    OpenApiParameter("project", str, description="Project code."),
    OpenApiParameter("vulnerability", str, enum=Vulnerability.values),
    OpenApiParameter("ordering", str),
]


class _RegistryFilters(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=120)
    municipality = MunicipalityField(required=False, allow_null=True)
    displacement_status = serializers.ChoiceField(
        DisplacementStatus.choices, required=False, allow_blank=True
    )
    project = serializers.CharField(required=False, allow_blank=True)
    vulnerability = serializers.ChoiceField(Vulnerability.choices, required=False, allow_blank=True)
    ordering = serializers.CharField(required=False, allow_blank=True)


def _filters(viewset) -> dict:
    given = _RegistryFilters(data=viewset.request.query_params)
    given.is_valid(raise_exception=True)
    data = given.validated_data
    project = None
    if data.get("project"):
        project = project_list(actor=viewset.actor).filter(code=data["project"]).first()
        if project is None:
            raise serializers.ValidationError({"project": ["No such project is open to you."]})
    return {
        "query": data.get("search") or "",
        "municipality": data.get("municipality"),
        "displacement_status": data.get("displacement_status") or "",
        "project": project,
        "vulnerability": data.get("vulnerability") or "",
        "ordering": data.get("ordering") or "",
    }


@extend_schema(parameters=_FILTERS)
class HouseholdViewSet(
    ActorMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Households with their members. Reading one is recorded in the audit trail."""

    serializer_class = HouseholdSerializer
    lookup_field = "number"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return Household.objects.none()
        require(self.actor, Capability.VIEW_PERSONAL_DATA)
        filters = _filters(self)
        ordering = filters.pop("ordering") or "number"
        return selectors.household_search(actor=self.actor, ordering=ordering, **filters)

    def get_object(self):
        household = selectors.household_get(actor=self.actor, number=self.kwargs["number"])
        audit_read(actor=self.actor, target=household)
        return household

    @extend_schema(request=HouseholdRegisterSerializer, responses={201: HouseholdSerializer})
    def create(self, request, *args, **kwargs):
        """Register a household with all its members in one request: all or nothing.

        Likely duplicates answer 409 with the matches in ``error.details.matches``; send the
        same body again with ``duplicate_reason`` to register anyway."""
        require(self.actor, Capability.EDIT_REGISTRY)
        given = HouseholdRegisterSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        organisation = data.get("organisation")
        if organisation is None:
            choices = list(registering_organisations(self.actor)[:2])
            if len(choices) != 1:
                raise serializers.ValidationError(
                    {"organisation": ["Say which organisation registers the household."]}
                )
            organisation = choices[0]
        household = household_register(
            actor=self.actor,
            organisation=organisation,
            project=data.get("project"),
            household={name: data[name] for name in HOUSEHOLD_FIELDS if name in data},
            members=[person_data(member) for member in data["members"]],
            consent_purposes=data.get("consent_purposes") or [],
            consent_given_on=data.get("consent_given_on"),
            duplicate_reason=data.get("duplicate_reason", ""),
        )
        body = HouseholdSerializer(household).data
        body["warnings"] = household.warnings
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=HouseholdUpdateSerializer, responses=HouseholdSerializer)
    def partial_update(self, request, *args, **kwargs):
        household = selectors.household_get(actor=self.actor, number=self.kwargs["number"])
        given = HouseholdUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        version = changes.pop("version")
        household = household_update(
            actor=self.actor, household=household, expected_version=version, **changes
        )
        return Response(HouseholdSerializer(household).data)

    @extend_schema(request=PersonAddSerializer, responses={201: PersonSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, number=None):
        """Add a member (a birth, a relative moving in)."""
        household = selectors.household_get(actor=self.actor, number=number)
        given = PersonAddSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = person_data(given.validated_data)
        reason = data.pop("duplicate_reason", "")
        person = person_add(
            actor=self.actor, household=household, person=data, duplicate_reason=reason
        )
        body = PersonSerializer(person).data
        body["warnings"] = person.warnings
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(parameters=_FILTERS)
class PersonViewSet(ActorMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """People in the registry. Reading one is recorded in the audit trail."""

    serializer_class = PersonSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return Person.objects.none()
        require(self.actor, Capability.VIEW_PERSONAL_DATA)
        filters = _filters(self)
        ordering = filters.pop("ordering") or "name"
        return selectors.person_search(actor=self.actor, ordering=ordering, **filters)

    def get_object(self):
        person = selectors.person_get(actor=self.actor, pk=self.kwargs["pk"])
        audit_read(actor=self.actor, target=person)
        return person

    @extend_schema(request=PersonUpdateSerializer, responses=PersonSerializer)
    def partial_update(self, request, *args, **kwargs):
        person = selectors.person_get(actor=self.actor, pk=self.kwargs["pk"])
        given = PersonUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        changes = person_data(given.validated_data)
        version = changes.pop("version")
        person = person_update(actor=self.actor, person=person, expected_version=version, **changes)
        body = PersonSerializer(person).data
        body["warnings"] = person.warnings
        return Response(body)
