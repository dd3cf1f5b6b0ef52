"""A household, or one of its members, taking part in a project, and every step it took."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Versioned


class Enrolment(Versioned):
    """A household (``person`` empty) or one person enrolled in a project.

    The status follows the selection: a candidate is selected, waiting-listed or rejected; a
    selected one becomes active, then completes or drops out. ``TRANSITIONS`` is the only
    source of what may follow what; ``enrolment_transition`` enforces it.
    """

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        SELECTED = "selected", _("Selected")
        WAITLISTED = "waitlisted", _("Waiting list")
        REJECTED = "rejected", _("Rejected")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        DROPPED = "dropped", _("Dropped out")

    S = Status
    TRANSITIONS = {
        S.CANDIDATE: (S.SELECTED, S.WAITLISTED, S.REJECTED),
        S.WAITLISTED: (S.SELECTED, S.REJECTED),
        # A rejection can be reconsidered (an appeal, new facts): back among the candidates.
        S.REJECTED: (S.CANDIDATE,),
        S.SELECTED: (S.ACTIVE, S.DROPPED),
        S.ACTIVE: (S.COMPLETED, S.DROPPED),
        S.COMPLETED: (),
        S.DROPPED: (),
    }
    # Decisions of the selection committee; the others are the case worker's.
    DECISIONS = frozenset({S.SELECTED, S.WAITLISTED, S.REJECTED})
    # A step to these needs a reason.
    NEEDS_REASON = frozenset({S.WAITLISTED, S.REJECTED, S.DROPPED})
    # Enrolments that make a household a beneficiary: assistance may be delivered to them.
    BENEFICIARY = frozenset({S.SELECTED, S.ACTIVE, S.COMPLETED})

    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("project"),
    )
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("household"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("person"),
    )
    # The organisation that enrolled them and follows them up in the project.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CANDIDATE
    )
    status_on = models.DateField(_("status since"), default=timezone.localdate)
    enrolled_on = models.DateField(_("enrolled on"), default=timezone.localdate)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )

    scope_organisation_path = "organisation"
    scope_project_path = "project"

    class Meta:
        ordering = ["project", "household", "person"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "household"],
                condition=Q(person__isnull=True),
                name="one_household_enrolment_per_project",
            ),
            models.UniqueConstraint(
                fields=["project", "person"],
                condition=Q(person__isnull=False),
                name="one_person_enrolment_per_project",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self):
        who = self.person or self.household
        return f"{self.project.code}: {who}"

    @property
    def is_beneficiary(self) -> bool:
        return self.status in self.BENEFICIARY

    @property
    def status_class(self) -> str:
        """The CSS class that colours the status: taking part, stopped, or waiting."""
        if self.status in self.BENEFICIARY:
            return "status-done"
        if self.status in (self.Status.REJECTED, self.Status.DROPPED):
            return "status-stopped"
        if self.status == self.Status.WAITLISTED:
            return "status-warning"
        return ""


class EnrolmentStep(models.Model):
    """One change of an enrolment's status: when it took effect, who made it and why."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="steps", verbose_name=_("enrolment")
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=Enrolment.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=Enrolment.Status.choices)
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("by"), max_length=150)
    reason = models.TextField(_("reason"), blank=True)
    # What the decision rested on, e.g. the selection run and the candidate's score.
    context = models.JSONField(_("context"), default=dict, blank=True)

    scope_organisation_path = "enrolment__organisation"
    scope_project_path = "enrolment__project"

    class Meta:
        ordering = ["enrolment", "at", "pk"]
        verbose_name = _("enrolment step")
        verbose_name_plural = _("enrolment steps")

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"
