from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets

from homeward.api.views import ActorMixin
from homeward.geo.models import Area, AreaKind
from homeward.geo.selectors import area_get, area_list, area_search

# A search answers with its best matches, not with every place that contains two letters.
SEARCH_LIMIT = 50


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    name = serializers.CharField(read_only=True, help_text="The name in the response language.")

    class Meta:
        model = Area
        fields = ["code", "kind", "parent", "name_sr", "name_sr_latn", "name_sq", "name"]
        read_only_fields = fields


@extend_schema(
    parameters=[
        OpenApiParameter(
            "kind",
            str,
            description="Comma-separated kinds: " + ", ".join(f"`{kind}`" for kind in AreaKind),
        ),
        OpenApiParameter(
            "search",
            str,
            description="Any spelling, in any script (`Gjilan`, `Гњилане`); best matches first.",
        ),
    ]
)
class AreaViewSet(ActorMixin, viewsets.ReadOnlyModelViewSet):
    """Serbia's districts, cities and municipalities and Kosovo's municipalities, with their
    names in Serbian Cyrillic, Serbian Latin and Albanian. Reference data: every signed-in
    user reads all of it."""

    serializer_class = AreaSerializer
    lookup_field = "code"

    def get_queryset(self):
        if self.describing_schema:
            return Area.objects.none()
        kinds = self._kinds()
        query = self.request.query_params.get("search", "").strip()
        if query:
            return area_search(query, kinds=kinds, limit=SEARCH_LIMIT)
        return area_list(kinds=kinds)

    def get_object(self):
        return area_get(code=self.kwargs["code"])

    def _kinds(self) -> list[str] | None:
        value = self.request.query_params.get("kind", "").strip()
        if not value:
            return None
        kinds = [kind.strip() for kind in value.split(",") if kind.strip()]
        unknown = sorted(set(kinds) - set(AreaKind.values))
        if unknown:
            raise serializers.ValidationError(
                {
                    "kind": [
                        _("Unknown kind: %(unknown)s. Known kinds: %(known)s.")
                        % {"unknown": ", ".join(unknown), "known": ", ".join(AreaKind.values)}
                    ]
                }
            )
        return kinds
