"""Selection: versioned criteria of a project, and the ranked, explained lists they produce.

A version of the criteria is never changed once saved: a ranking and every decision taken on
it name the version they rest on, and must still mean what they meant then. A change is a new
version; the newest is the project's current criteria.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.casework.enrolment.models import Enrolment


class SelectionCriteria(models.Model):
    """One version of a project's selection criteria: eligibility conditions that must all
    hold, and weighted scoring criteria (see ``rules``)."""

    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        related_name="selection_criteria",
        verbose_name=_("project"),
    )
    number = models.PositiveIntegerField(_("version"))
    conditions = models.JSONField(_("eligibility conditions"), default=list, blank=True)
    criteria = models.JSONField(_("scoring criteria"), default=list)
    note = models.TextField(_("what changed and why"), blank=True)
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    created_by_label = models.CharField(_("saved by"), max_length=150)

    scope_organisation_path = "project__lead_organisation"
    scope_project_path = "project"

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("selection criteria")
        verbose_name_plural = _("selection criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="one_criteria_version_number_per_project"
            )
        ]

    def __str__(self):
        return f"{self.project.code} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("A version of the selection criteria never changes: save a new one.")
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        # A list annotates the project's latest number (``criteria_list``); one row asks.
        latest = getattr(self, "latest_number", None)
        if latest is None:
            latest = (
                SelectionCriteria.objects.filter(project_id=self.project_id)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
        return latest == self.number


class SelectionRun(models.Model):
    """A ranking of a project's candidates under one version of the criteria, as it stood on
    the day: the rows keep each household's facts, so a later change in the registry does not
    rewrite what the committee saw."""

    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        related_name="selection_runs",
        verbose_name=_("project"),
    )
    criteria = models.ForeignKey(
        SelectionCriteria,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("criteria"),
    )
    # The ranking this one is compared with: the project's latest before it.
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous ranking"),
    )
    ran_on = models.DateField(_("ages counted on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("ranked at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ranked by"),
    )
    created_by_label = models.CharField(_("ranked by"), max_length=150)
    candidate_count = models.PositiveIntegerField(_("candidates"), default=0)
    eligible_count = models.PositiveIntegerField(_("eligible"), default=0)

    scope_organisation_path = "project__lead_organisation"
    scope_project_path = "project"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("selection ranking")
        verbose_name_plural = _("selection rankings")

    def __str__(self):
        return f"{self.project.code} #{self.pk}"


class SelectionCandidate(models.Model):
    """One candidate's line of a ranking: eligible or not and why, the score criterion by
    criterion, the rank, and the committee's decision on it."""

    class Decision(models.TextChoices):
        SELECTED = Enrolment.Status.SELECTED.value, _("Selected")
        WAITLISTED = Enrolment.Status.WAITLISTED.value, _("Waiting list")
        REJECTED = Enrolment.Status.REJECTED.value, _("Rejected")

    run = models.ForeignKey(
        SelectionRun, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("ranking")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="+", verbose_name=_("enrolment")
    )
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("household"),
    )
    # The enrolment's status when the ranking was made: candidate or waiting list.
    status_then = models.CharField(
        _("status then"), max_length=16, choices=Enrolment.Status.choices
    )
    eligible = models.BooleanField(_("eligible"))
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=2)
    # 1, 2, 3… among the eligible; none for those who are not.
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    # [{"fact", "operator", "value", "actual", "holds"}] per condition and
    # [{… "points", "per_unit", "max_points", "earned"}] per criterion, in the version's order.
    conditions = models.JSONField(_("conditions"), default=list)
    criteria = models.JSONField(_("criteria"), default=list)
    # What broke a tie: members with a vulnerability, and the day of enrolment.
    vulnerable_members = models.PositiveIntegerField(default=0)
    enrolled_on = models.DateField()
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by_label = models.CharField(_("decided by"), max_length=150, blank=True)

    scope_organisation_path = "enrolment__organisation"
    scope_project_path = "run__project"

    class Meta:
        ordering = ["run", models.F("rank").asc(nulls_last=True), "household__number"]
        verbose_name = _("ranked candidate")
        verbose_name_plural = _("ranked candidates")
        constraints = [
            models.UniqueConstraint(fields=["run", "enrolment"], name="one_row_per_candidate")
        ]
        indexes = [models.Index(fields=["run", "rank"])]

    def __str__(self):
        return f"#{self.rank or '—'} {self.household.number}"

    @property
    def failed_conditions(self) -> list[dict]:
        return [condition for condition in self.conditions if not condition["holds"]]
