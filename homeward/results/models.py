"""A project's results framework: objective → outcomes → outputs, the indicators that measure
them, their targets per reporting period and, for an indicator without a rule, the values
recorded by hand with their source.

An indicator's ``rule`` (see ``rules.py``) computes it from recorded casework; the figures are
never stored, ``selectors.project_figures`` computes them when read.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Versioned
from homeward.results.figures import DEFAULT_AGE_BANDS, DIMENSIONS


def _localised(record, field: str) -> str:
    suffix = {"sr": "_sr", "sr-latn": "_sr_latn", "sq": "_sq"}.get((get_language() or "").lower())
    return (getattr(record, field + suffix) if suffix else "") or getattr(record, field)


class Level(models.TextChoices):
    OBJECTIVE = "objective", _("Objective")
    OUTCOME = "outcome", _("Outcome")
    OUTPUT = "output", _("Output")


# What level a statement's parent must be: an objective has none.
PARENT_LEVEL = {Level.OBJECTIVE: None, Level.OUTCOME: Level.OBJECTIVE, Level.OUTPUT: Level.OUTCOME}


class Result(models.Model):
    """One statement of a project's results framework."""

    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("project"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("contributes to"),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    code = models.CharField(_("code"), max_length=20)
    statement = models.TextField(_("statement"))
    statement_sr = models.TextField(_("statement (Serbian, Cyrillic)"), blank=True)
    statement_sr_latn = models.TextField(_("statement (Serbian, Latin)"), blank=True)
    statement_sq = models.TextField(_("statement (Albanian)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    scope_project_path = "project"
    scope_organisation_path = "project__lead_organisation"

    class Meta:
        ordering = ["project", "position", "code", "pk"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="result_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.statement[:60]}"

    @property
    def localised_statement(self) -> str:
        return _localised(self, "statement")


class Unit(models.TextChoices):
    PEOPLE = "people", _("people")
    HOUSEHOLDS = "households", _("households")
    EVENTS = "events", _("events")
    ORGANISATIONS = "organisations", _("organisations")
    PERCENTAGE = "percentage", _("percentage")


def validate_disaggregations(value) -> None:
    if not isinstance(value, list) or any(item not in DIMENSIONS for item in value):
        raise ValidationError(
            _("Choose disaggregations among: %(names)s.") % {"names": ", ".join(DIMENSIONS)},
            code="invalid",
        )


def validate_age_bands(value) -> None:
    """A list of [first year, last year or null], in order, without gaps or overlaps."""
    message = _("Age bands are a list of [first year, last year] from 0 up, the last open.")
    if not isinstance(value, list | tuple) or not value:
        raise ValidationError(message, code="invalid")
    expected_first = 0
    for index, band in enumerate(value):
        if not isinstance(band, list | tuple) or len(band) != 2:
            raise ValidationError(message, code="invalid")
        first, last = band
        is_last = index == len(value) - 1
        if first != expected_first or (last is None) != is_last:
            raise ValidationError(message, code="invalid")
        if last is not None:
            if not isinstance(last, int) or last < first:
                raise ValidationError(message, code="invalid")
            expected_first = last + 1


def default_age_bands():
    return [list(band) for band in DEFAULT_AGE_BANDS]


class Indicator(Versioned):
    """What measures a result: a number of people, households, events or organisations, or a
    percentage, with its baseline, targets and, wherever possible, the rule computing it."""

    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("project"),
    )
    result = models.ForeignKey(
        Result, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("result")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    name_sr = models.CharField(_("name (Serbian, Cyrillic)"), max_length=300, blank=True)
    name_sr_latn = models.CharField(_("name (Serbian, Latin)"), max_length=300, blank=True)
    name_sq = models.CharField(_("name (Albanian)"), max_length=300, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    definition_sr = models.TextField(_("definition (Serbian, Cyrillic)"), blank=True)
    definition_sr_latn = models.TextField(_("definition (Serbian, Latin)"), blank=True)
    definition_sq = models.TextField(_("definition (Albanian)"), blank=True)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    baseline = models.DecimalField(
        _("baseline"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    disaggregations = models.JSONField(
        _("disaggregations"), default=list, blank=True, validators=[validate_disaggregations]
    )
    age_bands = models.JSONField(
        _("age bands"), default=default_age_bands, validators=[validate_age_bands]
    )
    # How the indicator is computed from casework (``rules.py``); null: recorded by hand.
    rule = models.JSONField(_("rule"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    scope_project_path = "project"
    scope_organisation_path = "project__lead_organisation"

    class Meta:
        ordering = ["project", "position", "code", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="indicator_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def localised_name(self) -> str:
        return _localised(self, "name")

    @property
    def localised_definition(self) -> str:
        return _localised(self, "definition")

    def clean(self):
        super().clean()
        if self.rule is not None:
            from homeward.results.rules import validate_rule

            validate_rule(self.rule, unit=self.unit)


class IndicatorTarget(models.Model):
    """What an indicator should reach by the end of a reporting period (cumulative from the
    project's start). The latest period's target is the end-of-project target."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    label = models.CharField(_("period"), max_length=60)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    scope_project_path = "indicator__project"
    scope_organisation_path = "indicator__project__lead_organisation"

    class Meta:
        ordering = ["indicator", "end", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="indicator_target_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["indicator", "label"], name="indicator_target_label_unique"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.label}: {self.value}"


class ManualValue(models.Model):
    """A value of an indicator that no rule computes, as of a date, with where it comes from."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="manual_values",
        verbose_name=_("indicator"),
    )
    as_of = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    source = models.TextField(_("source"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope_project_path = "indicator__project"
    scope_organisation_path = "indicator__project__lead_organisation"

    class Meta:
        ordering = ["indicator", "as_of", "recorded_at", "pk"]
        verbose_name = _("manual value")
        verbose_name_plural = _("manual values")

    def __str__(self):
        return f"{self.indicator.code} {self.as_of}: {self.value}"
