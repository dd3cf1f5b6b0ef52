"""Serbia's and Kosovo's places, as reference data shipped with Homeward.

The rows come from ``geo/data/areas.csv`` and are written by migrations only (see
``geo/loading.py``): places are part of the release, like the schema, so nobody edits them in
the application and every installation names a place by the same code.

Kosovo's municipalities sit under one ``territory`` row, ``XK``. The designation is without
prejudice to positions on status and is in line with UNSCR 1244/1999 and the ICJ Opinion on
the Kosovo declaration of independence, as UN agencies and EU-funded programmes write it.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    DISTRICT = "district", _("District")
    # A city that is itself a unit of local self-government (Niš, Kragujevac, Beograd).
    CITY = "city", _("City")
    MUNICIPALITY = "municipality", _("Municipality")
    # A part of a city with its own assembly (Zvezdara in Beograd, Palilula in Niš).
    CITY_MUNICIPALITY = "city_municipality", _("City municipality")
    TERRITORY = "territory", _("Territory")
    KOSOVO_MUNICIPALITY = "kosovo_municipality", _("Municipality in Kosovo")


class Area(models.Model):
    """A district, city, municipality or city municipality, with its name in three spellings."""

    Kind = AreaKind

    code = models.CharField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    name_sr = models.CharField(_("name in Serbian (Cyrillic)"), max_length=100)
    name_sr_latn = models.CharField(_("name in Serbian (Latin)"), max_length=100)
    name_sq = models.CharField(_("name in Albanian"), max_length=100)
    # A place that left the data file keeps its row, so records that name it still do;
    # it is no longer offered for new ones.
    is_active = models.BooleanField(_("in use"), default=True)
    # Set by the loader: another place has the same name (Palilula in Belgrade and in Niš,
    # the city of Novi Sad and its city municipality), so ``full_name`` adds the parent.
    has_namesake = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AreaKind.values), name="area_kind_known")
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language: Cyrillic for ``sr``, Latin for ``sr-latn``,
        Albanian for ``sq``, and ``name_en`` for English and any other language."""
        language = (get_language() or "").lower()
        if language.startswith("sr-latn"):
            return self.name_sr_latn
        if language.startswith("sr"):
            return self.name_sr
        if language.startswith("sq"):
            return self.name_sq
        return self.name_en

    @property
    def name_en(self) -> str:
        """English writes Serbia's places in Serbian Latin; a Kosovo municipality in both of
        its official languages, Albanian first, as UN agencies write them ("Gjilan /
        Gnjilane"), and once when the two agree ("Prizren")."""
        if self.kind == self.Kind.KOSOVO_MUNICIPALITY and self.name_sq != self.name_sr_latn:
            return f"{self.name_sq} / {self.name_sr_latn}"
        return self.name_sr_latn

    @property
    def full_name(self) -> str:
        """The name, followed by the parent's where another place has the same name:
        "Palilula (Niš)", "Palilula (Beograd)"."""
        if self.has_namesake and self.parent_id is not None:
            return f"{self.name} ({self.parent.name})"
        return self.name


class AreaName(models.Model):
    """One folded spelling under which a place is found (``homeward.core.names.fold``).

    Every name of the place is here, in every script, with its common alternates and the
    Albanian definite forms ("Gjilani", "Prishtina"), so that resolving any spelling is one
    indexed lookup. Two places may share a key (Palilula): the resolver then asks for more.
    """

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="names")
    key = models.CharField(max_length=200, db_index=True)

    class Meta:
        verbose_name = _("place name")
        verbose_name_plural = _("place names")
        constraints = [models.UniqueConstraint(fields=["area", "key"], name="area_name_unique_key")]

    def __str__(self):
        return self.key
