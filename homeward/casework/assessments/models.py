"""Assessments: templates defined as data, and the answers a household gave to one of them.

A template is never changed once published: a changed questionnaire is a new version (a new
row with the same code), so every recorded assessment keeps pointing at the questions it
answered and its scores stay what they were.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from homeward.casework.assessments.definition import (
    CRITERIA,
    localised,
    questions_of,
    validate_definition,
    validate_for_kind,
)
from homeward.core.models import Versioned


class AssessmentTemplate(models.Model):
    class Kind(models.TextChoices):
        NEEDS_VULNERABILITY = "needs_vulnerability", _("Needs and vulnerability")
        DURABLE_SOLUTIONS = "durable_solutions", _("Durable solutions")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    title_sr = models.CharField(_("title (Serbian, Cyrillic)"), max_length=200)
    title_sr_latn = models.CharField(_("title (Serbian, Latin)"), max_length=200)
    title_sq = models.CharField(_("title (Albanian)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # Offered for new assessments; older versions stay readable but are no longer filled in.
    is_active = models.BooleanField(_("in use"), default=True)
    definition = models.JSONField(_("definition"), validators=[validate_definition])
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("assessment template")
        verbose_name_plural = _("assessment templates")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_template_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_active=True), name="one_active_template_version"
            ),
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"

    def clean(self):
        if isinstance(self.definition, dict):
            try:
                validate_definition(self.definition)
            except ValidationError:
                return  # the field's own validator reports it
            try:
                validate_for_kind(self.definition, self.kind)
            except ValidationError as error:
                raise ValidationError({"definition": error.messages}) from None

    @property
    def localised_title(self) -> str:
        field = {"sr": "title_sr", "sr-latn": "title_sr_latn", "sq": "title_sq"}.get(
            (get_language() or "").lower()
        )
        return (getattr(self, field) if field else "") or self.title

    @property
    def questions(self) -> list[dict]:
        return questions_of(self.definition)

    def question(self, code: str) -> dict | None:
        return next((q for q in self.questions if q["code"] == code), None)

    @property
    def is_durable_solutions(self) -> bool:
        return self.kind == self.Kind.DURABLE_SOLUTIONS

    def criterion_labels(self) -> list[tuple[int, str]]:
        """The eight IASC criteria, in order, named in the page's language."""
        names = self.definition.get("criteria") or {}
        return [(number, localised(names.get(str(number), str(number)))) for number in CRITERIA]


class Assessment(Versioned):
    """One household's (or one member's) answers to one version of a template, and the scores
    they earned."""

    template = models.ForeignKey(
        AssessmentTemplate,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("template"),
    )
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("household"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("person"),
    )
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("project"),
    )
    # The organisation that assessed; with the project, it decides who sees the answers.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("organisation"),
    )
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_organisation_path = "organisation"
    scope_project_path = "project"
    scope_household_path = "household"

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["household", "template", "assessed_on"])]

    def __str__(self):
        return f"{self.household.number} · {self.template.code} · {self.assessed_on:%Y-%m-%d}"

    @property
    def total(self):
        return (self.scores or {}).get("total")

    def criterion_scores(self) -> list[int | None]:
        """The eight criterion scores in order (None where not scored)."""
        criteria = (self.scores or {}).get("criteria") or {}
        return [criteria.get(str(number)) for number in CRITERIA]
