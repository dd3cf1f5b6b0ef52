"""API routes of dedup: (prefix, viewset, basename), registered by ``homeward/api/urls.py``.

``/api/v1/dedup-runs/``: the runs; ``POST`` starts one as a background job and answers 202
with it (``/api/v1/jobs/<id>/`` follows its progress). ``/api/v1/duplicate-pairs/``: the pairs to
review (``?status=pending,unsure&project=CODE&min_probability=0.95``), one pair with both
records and the evidence per field; ``POST .../<id>/decide/`` and ``POST .../<id>/merge/``.
``/api/v1/merges/``: the merges; ``POST .../<id>/undo/``.

The same people see the same records as on the pages (``RESOLVE_DUPLICATES``, and both
records of a pair in scope): anything else is a 404. A decision carries the status the client
read, a merge the versions of the two records: what changed in between is refused, not
overwritten.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from homeward.accounts.roles import Capability
from homeward.api.views import ActorMixin
from homeward.core.scope import require
from homeward.dedup import merging, selectors, services
from homeward.dedup.evidence import DEFAULT_THRESHOLD
from homeward.dedup.models import CandidatePair, DedupRun, Merge
from homeward.dedup.views import evidence_rows, run_imports, run_projects

C = Capability
S = CandidatePair.Status


# --- runs --------------------------------------------------------------------------------


class DedupRunSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    started_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    job = serializers.UUIDField(source="job_id", read_only=True, allow_null=True)

    class Meta:
        model = DedupRun
        fields = [
            "id",
            "coverage",
            "project",
            "people_import",
            "threshold",
            "status",
            "organisation",
            "started_by",
            "job",
            "created_at",
            "finished_at",
            "people",
            "comparisons",
            "pairs_found",
            "pairs_new",
            "timings",
            "message",
        ]


class DedupRunDetailSerializer(DedupRunSerializer):
    class Meta(DedupRunSerializer.Meta):
        fields = [*DedupRunSerializer.Meta.fields, "model"]


class DedupRunCreateSerializer(serializers.Serializer):
    coverage = serializers.ChoiceField(
        choices=DedupRun.Coverage.choices, default=DedupRun.Coverage.REGISTRY
    )
    project = serializers.CharField(
        required=False, help_text="Code of the project to compare (coverage `project`)."
    )
    people_import = serializers.IntegerField(
        required=False, help_text="Id of the import to compare (coverage `import`)."
    )
    threshold = serializers.FloatField(
        default=DEFAULT_THRESHOLD,
        help_text="Pairs at least this likely to be one person go to the review queue.",
    )

    def validate(self, data):
        actor = self.context["actor"]
        coverage = data["coverage"]
        project = people_import = None
        if coverage == DedupRun.Coverage.PROJECT:
            project = run_projects(actor).filter(code=data.get("project") or "").first()
            if project is None:
                raise serializers.ValidationError(
                    {"project": [_("No such project is open to you.")]}
                )
        if coverage == DedupRun.Coverage.IMPORT:
            people_import = run_imports(actor).filter(pk=data.get("people_import") or 0).first()
            if people_import is None:
                raise serializers.ValidationError(
                    {"people_import": [_("No such finished import is open to you.")]}
                )
        return {**data, "project": project, "people_import": people_import}


class DedupRunViewSet(ActorMixin, viewsets.GenericViewSet):
    """Deduplication runs: what was compared, how long it took, how many pairs it found."""

    serializer_class = DedupRunSerializer

    def get_queryset(self):
        if self.describing_schema:
            return DedupRun.objects.none()
        require(self.actor, C.RESOLVE_DUPLICATES)
        return selectors.runs_for(actor=self.actor).select_related(
            "project", "organisation", "started_by"
        )

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=DedupRunDetailSerializer)
    def retrieve(self, request, pk=None):
        run = selectors.run_get(actor=self.actor, pk=pk)
        return Response(DedupRunDetailSerializer(run).data)

    @extend_schema(
        request=DedupRunCreateSerializer,
        responses={
            202: OpenApiResponse(
                OpenApiTypes.OBJECT, description="The run and the job that carries it out."
            )
        },
    )
    def create(self, request):
        actor = self.actor
        require(actor, C.RESOLVE_DUPLICATES)
        given = DedupRunCreateSerializer(data=request.data, context={"actor": actor})
        given.is_valid(raise_exception=True)
        run = services.dedup_run_start(actor=actor, **given.validated_data)
        return Response(
            {
                "run": run.pk,
                "job": str(run.job_id) if run.job_id else None,
                "status": run.status,
                "url": f"/api/v1/dedup-runs/{run.pk}/",
                "job_url": f"/api/v1/jobs/{run.job_id}/" if run.job_id else None,
            },
            status=status.HTTP_202_ACCEPTED,
        )


# --- merges ------------------------------------------------------------------------------


class MergeSerializer(serializers.ModelSerializer):
    merged_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    undone_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    moved = serializers.SerializerMethodField()

    class Meta:
        model = Merge
        fields = [
            "id",
            "pair",
            "kept",
            "merged",
            "kept_label",
            "merged_label",
            "organisation",
            "merged_by",
            "merged_at",
            "undone_by",
            "undone_at",
            "moved",
        ]

    def get_moved(self, merge) -> dict[str, int]:
        """How many rows of each kind moved to the record kept."""
        return {label: len(rows) for label, rows in (merge.moved or {}).items() if rows}


# --- pairs -------------------------------------------------------------------------------


class CandidatePairSerializer(serializers.ModelSerializer):
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CandidatePair
        fields = [
            "id",
            "person_a",
            "person_b",
            "match_probability",
            "match_weight",
            "status",
            "decided_by",
            "decided_at",
            "note",
            "found_at",
            "run",
        ]


class PairPersonSerializer(serializers.Serializer):
    """One record of a pair as the reviewer compares it."""

    id = serializers.IntegerField()
    version = serializers.IntegerField()
    first_name = serializers.CharField()
    father_name = serializers.CharField()
    last_name = serializers.CharField()
    sex = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    date_of_birth_estimated = serializers.BooleanField()
    national_id = serializers.CharField()
    household = serializers.CharField(source="household.number")
    relationship_to_head = serializers.CharField()
    organisation = serializers.CharField(source="household.organisation.code")
    origin_municipality = serializers.CharField(
        source="household.origin_municipality.code", allow_null=True, default=None
    )


class EvidenceSerializer(serializers.Serializer):
    field = serializers.CharField()
    field_label = serializers.CharField()
    level = serializers.CharField()
    level_label = serializers.CharField()
    bayes_factor = serializers.FloatField(allow_null=True)
    direction = serializers.ChoiceField(choices=["for", "against", "neutral"])
    strength = serializers.CharField(help_text="The Bayes factor in words.")


class CandidatePairDetailSerializer(CandidatePairSerializer):
    evidence = serializers.SerializerMethodField()
    people = serializers.SerializerMethodField()

    class Meta(CandidatePairSerializer.Meta):
        fields = [*CandidatePairSerializer.Meta.fields, "evidence", "people"]

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, pair) -> list[dict]:
        return EvidenceSerializer(evidence_rows(pair), many=True).data

    @extend_schema_field(PairPersonSerializer(many=True, allow_null=True))
    def get_people(self, pair) -> list[dict | None]:
        """Both records, ``person_a`` first; a record merged away since is null."""
        people = selectors.pair_people(actor=self.context["actor"], pair=pair)
        return [PairPersonSerializer(person).data if person else None for person in people]


class PairDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[(value, S(value).label) for value in services.DECISIONS]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    expected_status = serializers.ChoiceField(
        choices=S.choices,
        help_text="The pair's status as you read it: a pair decided since is refused.",
    )


class PairMergeSerializer(serializers.Serializer):
    keep = serializers.IntegerField(help_text="Id of the record kept: person_a or person_b.")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    expected_version_kept = serializers.IntegerField(required=False, allow_null=True)
    expected_version_merged = serializers.IntegerField(required=False, allow_null=True)

    def validate_keep(self, value):
        pair = self.context["pair"]
        if value not in (pair.person_a, pair.person_b):
            raise serializers.ValidationError(_("Give the id of one of the pair's two records."))
        return value


def _statuses(given: str) -> tuple[str, ...]:
    statuses = tuple(part.strip() for part in given.split(",") if part.strip())
    unknown = [part for part in statuses if part not in S.values]
    if unknown:
        raise serializers.ValidationError(
            {
                "status": [
                    _("Unknown status %(unknown)s: give %(known)s.")
                    % {"unknown": ", ".join(unknown), "known": ", ".join(S.values)}
                ]
            }
        )
    return statuses or (S.PENDING,)


class CandidatePairViewSet(ActorMixin, viewsets.GenericViewSet):
    """Pairs of records likely to be one person, best first, with the decision on them."""

    serializer_class = CandidatePairSerializer

    def get_queryset(self):
        if self.describing_schema:
            return CandidatePair.objects.none()
        actor = self.actor
        require(actor, C.RESOLVE_DUPLICATES)
        params = self.request.query_params
        project = None
        if params.get("project"):
            project = run_projects(actor).filter(code=params["project"]).first()
            if project is None:
                raise serializers.ValidationError(
                    {"project": [_("No such project is open to you.")]}
                )
        min_probability = None
        if params.get("min_probability"):
            try:
                min_probability = float(params["min_probability"])
            except ValueError as error:
                raise serializers.ValidationError(
                    {"min_probability": [_("Give a number between 0 and 1.")]}
                ) from error
        return selectors.pairs_for_review(
            actor=actor,
            status=_statuses(params.get("status", "")),
            project=project,
            min_probability=min_probability,
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "actor": self.actor}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, description="Comma-separated: pending (default), unsure, ..."
            ),
            OpenApiParameter("project", str, description="Project code."),
            OpenApiParameter("min_probability", float, description="Between 0 and 1."),
        ]
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _pair(self, pk):
        return selectors.pair_get(actor=self.actor, pk=pk)

    def _detail(self, pair):
        return CandidatePairDetailSerializer(pair, context=self.get_serializer_context()).data

    @extend_schema(responses=CandidatePairDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(self._detail(self._pair(pk)))

    @extend_schema(request=PairDecisionSerializer, responses=CandidatePairDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        pair = self._pair(pk)
        given = PairDecisionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        pair = services.pair_decide(actor=self.actor, pair=pair, **given.validated_data)
        return Response(self._detail(pair))

    @extend_schema(request=PairMergeSerializer, responses={201: MergeSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        pair = self._pair(pk)
        given = PairMergeSerializer(data=request.data, context={"pair": pair})
        given.is_valid(raise_exception=True)
        merge = merging.people_merge(actor=self.actor, pair=pair, **given.validated_data)
        return Response(MergeSerializer(merge).data, status=status.HTTP_201_CREATED)


# --- merges (their serializer is above: merging a pair answers one) ---------------------


class MergeViewSet(ActorMixin, viewsets.GenericViewSet):
    """Merges of two records into one, and their undo."""

    serializer_class = MergeSerializer

    def get_queryset(self):
        if self.describing_schema:
            return Merge.objects.none()
        require(self.actor, C.RESOLVE_DUPLICATES)
        return selectors.merges_for(actor=self.actor).select_related(
            "merged_by", "undone_by", "organisation"
        )

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(selectors.merge_get(actor=self.actor, pk=pk)).data)

    @extend_schema(request=None, responses=MergeSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        merge = selectors.merge_get(actor=self.actor, pk=pk)
        merge = merging.merge_undo(actor=self.actor, merge=merge)
        return Response(self.get_serializer(merge).data)


ROUTES = [
    ("dedup-runs", DedupRunViewSet, "dedup-run"),
    ("duplicate-pairs", CandidatePairViewSet, "duplicate-pair"),
    ("merges", MergeViewSet, "merge"),
]

# --- assistance overlap: /api/v1/assistance-overlap/ (homeward/dedup/overlap_api.py) -----
from homeward.dedup.overlap_api import AssistanceOverlapViewSet  # noqa: E402

ROUTES.append(("assistance-overlap", AssistanceOverlapViewSet, "assistance-overlap"))
