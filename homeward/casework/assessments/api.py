"""``/api/v1/assessment-templates/`` and ``/api/v1/assessments/``: the templates with their
definitions, and assessments recorded and corrected through the same services as the pages.
``homeward/api/urls.py`` registers every (prefix, viewset, basename) of ``ROUTES``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from homeward.accounts.roles import Capability
from homeward.api.views import ActorMixin
from homeward.casework.assessments import selectors
from homeward.casework.assessments.models import Assessment, AssessmentTemplate
from homeward.casework.assessments.services import assessment_record, assessment_update
from homeward.casework.common import household_member
from homeward.core.audit import audit_read
from homeward.core.scope import require
from homeward.programmes.selectors import project_list
from homeward.registry import selectors as registry


class AssessmentTemplateSerializer(serializers.ModelSerializer):
    titles = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentTemplate
        fields = ["id", "code", "version", "kind", "is_active", "title", "titles", "definition"]

    def get_titles(self, template) -> dict:
        return {
            "en": template.title,
            "sr": template.title_sr,
            "sr_latn": template.title_sr_latn,
            "sq": template.title_sq,
        }


class AssessmentSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="template.code", read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    household = serializers.CharField(source="household.number", read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True, allow_null=True)
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assessed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "template",
            "template_version",
            "household",
            "person",
            "project",
            "organisation",
            "assessed_on",
            "assessed_by",
            "answers",
            "scores",
            "version",
            "created_at",
            "updated_at",
        ]


class AssessmentCreateSerializer(serializers.Serializer):
    template = serializers.SlugField(help_text="Template code; its version in use is answered.")
    template_version = serializers.IntegerField(
        required=False,
        help_text="The version your answers were written for; refused if it is no longer in use.",
    )
    household = serializers.CharField(help_text="Household number, e.g. H-000123.")
    person = serializers.IntegerField(required=False, allow_null=True)
    project = serializers.SlugField(required=False, allow_null=True, allow_blank=True)
    assessed_on = serializers.DateField()
    answers = serializers.DictField(help_text="{question code: answer}")


class AssessmentUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        help_text="The version you read; a save over somebody else's newer one answers 409."
    )
    answers = serializers.DictField(
        required=False,
        help_text="Only the answers that change; null removes an answer. The others stay.",
    )
    assessed_on = serializers.DateField(required=False)
    person = serializers.IntegerField(required=False, allow_null=True)


@extend_schema(
    parameters=[
        OpenApiParameter("kind", str, enum=AssessmentTemplate.Kind.values),
        OpenApiParameter("active", bool, description="Only the versions in use."),
    ]
)
class AssessmentTemplateViewSet(ActorMixin, viewsets.ReadOnlyModelViewSet):
    """Assessment templates with their definitions: sections, questions, choices, scores and
    conditions. Every version is listed; new assessments answer the one in use."""

    serializer_class = AssessmentTemplateSerializer

    def get_queryset(self):
        if self.describing_schema:
            return AssessmentTemplate.objects.none()
        params = self.request.query_params
        return selectors.template_list(
            actor=self.actor,
            active_only=params.get("active", "").lower() in ("1", "true", "yes"),
            kind=params.get("kind", ""),
        )

    def get_object(self):
        return selectors.template_get(actor=self.actor, pk=self.kwargs["pk"])


@extend_schema(
    parameters=[
        OpenApiParameter("household", str, description="Household number."),
        OpenApiParameter("template", str, description="Template code."),
        OpenApiParameter("project", str, description="Project code."),
    ]
)
class AssessmentViewSet(
    ActorMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Assessments with their answers and scores. Reading one is recorded in the audit trail."""

    serializer_class = AssessmentSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.describing_schema:
            return Assessment.objects.none()
        actor = self.actor
        require(actor, Capability.VIEW_PERSONAL_DATA)
        params = self.request.query_params
        household = project = None
        if params.get("household"):
            household = registry.household_get(actor=actor, number=params["household"])
        if params.get("project"):
            project = project_list(actor=actor).filter(code=params["project"]).first()
            if project is None:
                raise serializers.ValidationError(
                    {"project": [_("No such project is open to you.")]}
                )
        return selectors.assessment_list(
            actor=actor,
            household=household,
            template_code=params.get("template", ""),
            project=project,
        )

    def get_object(self):
        assessment = selectors.assessment_get(actor=self.actor, pk=self.kwargs["pk"])
        audit_read(actor=self.actor, target=assessment)
        return assessment

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        """Record an assessment. Every answer is checked against the template; errors are
        keyed by question code."""
        actor = self.actor
        require(actor, Capability.RECORD_CASEWORK)
        given = AssessmentCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        household = registry.household_get(actor=actor, number=data["household"])
        template = selectors.active_template(data["template"])
        if template is None:
            raise serializers.ValidationError(
                {"template": [_("No template in use has this code.")]}
            )
        wanted = data.get("template_version")
        if wanted is not None and wanted != template.version:
            raise serializers.ValidationError(
                {
                    "template_version": [
                        _("Version %(wanted)s is not in use; the version in use is %(current)s.")
                        % {"wanted": wanted, "current": template.version}
                    ]
                }
            )
        project = None
        if data.get("project"):
            project = project_list(actor=actor).filter(code=data["project"]).first()
            if project is None:
                raise serializers.ValidationError(
                    {"project": [_("No such project is open to you.")]}
                )
        assessment = assessment_record(
            actor=actor,
            template=template,
            household=household,
            answers=data["answers"],
            assessed_on=data["assessed_on"],
            project=project,
            person=household_member(household, data.get("person")),
        )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentUpdateSerializer, responses=AssessmentSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Correct an assessment, sending the version you read."""
        actor = self.actor
        assessment = selectors.assessment_get(actor=actor, pk=self.kwargs["pk"])
        given = AssessmentUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        changes = {}
        if "answers" in data:
            answers = dict(assessment.answers)
            for code, value in data["answers"].items():
                if value is None:
                    answers.pop(code, None)
                else:
                    answers[code] = value
            changes["answers"] = answers
        if "assessed_on" in data:
            changes["assessed_on"] = data["assessed_on"]
        if "person" in data:
            changes["person"] = household_member(assessment.household, data["person"])
        assessment = assessment_update(
            actor=actor, assessment=assessment, expected_version=data["version"], **changes
        )
        return Response(AssessmentSerializer(assessment).data)


ROUTES = [
    ("assessment-templates", AssessmentTemplateViewSet, "assessment-template"),
    ("assessments", AssessmentViewSet, "assessment"),
]
