from rest_framework import serializers

from homeward.accounts.models import Membership, Organisation, User
from homeward.core.models import AuditEvent, Job
from homeward.programmes.models import Currency, Project, TargetGroup


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "is_active", "version"]
        read_only_fields = ["code", "version"]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    projects = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Membership
        fields = ["organisation", "role", "projects"]


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "preferred_language",
            "memberships",
        ]

    def get_memberships(self, user) -> list[dict]:
        return MembershipSerializer(self.context["actor"].memberships, many=True).data


class ProjectSerializer(serializers.ModelSerializer):
    lead_organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    partners = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    donors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    municipalities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    target_groups = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Project
        fields = [
            "code",
            "title",
            "title_sr",
            "title_sr_latn",
            "title_sq",
            "description",
            "lead_organisation",
            "partners",
            "donors",
            "start_date",
            "end_date",
            "budget",
            "currency",
            "municipalities",
            "target_groups",
            "version",
        ]


def _organisations(**extra):
    return serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Organisation.objects.all(), **extra
    )


class _ProjectFields(serializers.Serializer):
    """What a project is made of, as a client writes it: organisations by code, places by
    code or by any spelling of their name."""

    title_sr = serializers.CharField(max_length=300, required=False, allow_blank=True)
    title_sr_latn = serializers.CharField(max_length=300, required=False, allow_blank=True)
    title_sq = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    partners = _organisations(required=False)
    donors = _organisations(required=False)
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    municipalities = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text='Codes ("XK-gjilan") or names in any script ("Gjilan", "Гњилане").',
    )
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), required=False
    )


class ProjectCreateSerializer(_ProjectFields):
    code = serializers.SlugField(max_length=40)
    title = serializers.CharField(max_length=300)
    lead_organisation = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.all()
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class ProjectUpdateSerializer(_ProjectFields):
    version = serializers.IntegerField(
        help_text="The version you read; a save over somebody else's newer one answers 409."
    )
    title = serializers.CharField(max_length=300, required=False)
    lead_organisation = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.all(), required=False
    )
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)


class AuditEventSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    actor = serializers.CharField(source="actor_label", read_only=True)
    target = serializers.CharField(source="target_label", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "organisation",
            "action",
            "target_type",
            "target_id",
            "target",
            "changes",
            "ip_address",
            "via",
        ]


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress_done",
            "progress_total",
            "percent",
            "message",
            "result",
            "created_at",
            "started_at",
            "finished_at",
        ]
