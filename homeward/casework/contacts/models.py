"""Referrals to other services, the information desk and free phone line, and grievances.

* ``Referral``: a household or person sent to another organisation or service for a reason,
  with their consent, followed up until the other side answers and the matter is closed.
* ``Contact``: one call, walk-in or outreach conversation at the information desk; callers
  may stay anonymous.
* ``Grievance``: a complaint, feedback or suggestion received through the feedback and
  complaints mechanism, with the days it took to acknowledge and to resolve it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Versioned
from homeward.registry.models import DisplacementStatus, Sex

# Days a referral waits for news before somebody asks: the usual answer time of a centre for
# social work or the employment service.
REFERRAL_FOLLOW_UP_DAYS = 14
# What "due soon" means on the case worker's day.
DUE_SOON_DAYS = 7


def grievance_targets() -> tuple[int, int]:
    """Days within which a grievance must be acknowledged and resolved: 7 and 30 unless the
    deployment sets ``HOMEWARD_GRIEVANCE_ACKNOWLEDGE_DAYS`` / ``..._RESOLVE_DAYS`` (a donor's
    accountability framework may ask for shorter ones)."""
    return (
        int(getattr(settings, "HOMEWARD_GRIEVANCE_ACKNOWLEDGE_DAYS", 7)),
        int(getattr(settings, "HOMEWARD_GRIEVANCE_RESOLVE_DAYS", 30)),
    )


class Channel(models.TextChoices):
    PHONE = "phone", _("Free phone line")
    WALK_IN = "walk_in", _("Walk-in at an information centre")
    OUTREACH = "outreach", _("Outreach visit")
    ONLINE = "online", _("Email or social media")


class Referral(Versioned):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        COMPLETED = "completed", _("Completed")

    class ReceiverCategory(models.TextChoices):
        RECONSTRUCTION = "reconstruction", _("Reconstruction agency")
        SOCIAL_WORK = "social_work", _("Centre for social work")
        EMPLOYMENT = "employment", _("National employment service")
        LEGAL_AID = "legal_aid", _("Legal aid")
        HEALTH = "health", _("Health centre")
        SCHOOL = "school", _("School")
        RETURNS_OFFICE = (
            "returns_office",
            _("Municipal office for returns or Commissariat for Refugees and Migration"),
        )
        UNHCR_PARTNER = "unhcr_partner", _("UNHCR partner")
        OTHER = "other", _("Other")

    S = Status
    TRANSITIONS = {
        S.SENT: (S.ACCEPTED, S.REJECTED),
        S.ACCEPTED: (S.COMPLETED,),
        S.REJECTED: (),
        S.COMPLETED: (),
    }
    CLOSED = frozenset({S.REJECTED, S.COMPLETED})

    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("household"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("person"),
    )
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("project"),
    )
    # The referring organisation: its people follow the referral up.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    receiver_name = models.CharField(_("referred to"), max_length=200)
    receiver_category = models.CharField(
        _("kind of service"), max_length=20, choices=ReceiverCategory.choices
    )
    reason = models.TextField(_("reason"))
    # Personal data leaves the organisation with a referral: either the registry's consent to
    # referral, or consent asked for this referral and recorded on it.
    consent = models.ForeignKey(
        "registry.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("consent"),
    )
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent taken by"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SENT
    )
    sent_on = models.DateField(_("sent on"))
    follow_up_on = models.DateField(_("follow up on"))
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    response = models.TextField(_("answer"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)

    scope_organisation_path = "organisation"
    scope_project_path = "project"

    class Meta:
        ordering = ["follow_up_on", "pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["status", "follow_up_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent__isnull=False)
                | Q(consent_on__isnull=False, consent_taken_by__isnull=False),
                name="referral_has_consent",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_on__gte=models.F("sent_on")),
                name="referral_follow_up_after_sent",
            ),
        ]

    def __str__(self):
        return f"{self.household.number} → {self.receiver_name}"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.follow_up_on < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def consent_withdrawn_on(self) -> datetime.date | None:
        return self.consent.withdrawn_on if self.consent_id else None


def overdue_referrals(today: datetime.date) -> Q:
    """The condition of a referral whose follow-up date passed while it is still open."""
    return Q(follow_up_on__lt=today) & ~Q(status__in=Referral.CLOSED)


class Contact(Versioned):
    """One conversation at the information desk or on the free phone line."""

    class Topic(models.TextChoices):
        RETURN = "return", _("Return to Kosovo")
        DOCUMENTS = "documents", _("Documents")
        HOUSING = "housing", _("Housing")
        EMPLOYMENT = "employment", _("Employment")
        SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance")
        LEGAL_STATUS = "legal_status", _("Legal status")
        HEALTH = "health", _("Health")
        EDUCATION = "education", _("Education")
        PROJECT_ASSISTANCE = "project_assistance", _("Assistance from the project")
        COMPLAINT = "complaint", _("Complaint")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("project"),
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer given"), blank=True)
    anonymous = models.BooleanField(_("anonymous caller"), default=False)
    # As the caller gave them: nobody checks a caller's name against the registry.
    caller_name = models.CharField(_("caller's name"), max_length=160, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=40, blank=True)
    caller_sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    caller_displacement_status = models.CharField(
        _("displacement status"), max_length=24, choices=DisplacementStatus.choices, blank=True
    )
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("registered household"),
    )
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    follow_up_on = models.DateField(_("follow up by"), null=True, blank=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    follow_up_notes = models.TextField(_("follow-up notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    scope_organisation_path = "organisation"
    scope_project_path = "project"

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["organisation", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(caller_name="", household__isnull=True),
                name="anonymous_contact_names_nobody",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_needed=False) | Q(follow_up_on__isnull=False),
                name="contact_follow_up_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.received_at:%Y-%m-%d %H:%M}"

    @property
    def caller_label(self) -> str:
        return str(_("Anonymous")) if self.anonymous else self.caller_name

    @property
    def follow_up_pending(self) -> bool:
        return self.follow_up_needed and self.followed_up_on is None

    @property
    def overdue(self) -> bool:
        return self.follow_up_pending and self.follow_up_on < timezone.localdate()


class Grievance(Versioned):
    """A complaint, feedback or suggestion. Sensitive ones (misconduct, abuse by staff) are read
    and handled by managers only: the person complained about may be a colleague."""

    class Category(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        FEEDBACK = "feedback", _("Feedback")
        SUGGESTION = "suggestion", _("Suggestion")
        SENSITIVE = "sensitive", _("Sensitive (e.g. misconduct)")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Free phone line")
        WALK_IN = "walk_in", _("Walk-in at an information centre")
        OUTREACH = "outreach", _("Outreach visit")
        ONLINE = "online", _("Email or social media")
        BOX = "box", _("Feedback box")
        LETTER = "letter", _("Letter")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    class Resolution(models.TextChoices):
        ACTION_TAKEN = "action_taken", _("Resolved with action")
        NO_ACTION = "no_action", _("Closed without action")

    S = Status
    # Every grievance is acknowledged before it is resolved, so that the complainant always
    # hears it was received; "closed without action" is a resolution with its reason.
    TRANSITIONS = {
        S.RECEIVED: (S.ACKNOWLEDGED,),
        S.ACKNOWLEDGED: (S.RESOLVED,),
        S.RESOLVED: (),
    }

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="grievances",
        verbose_name=_("organisation"),
    )
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grievances",
        verbose_name=_("project"),
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    description = models.TextField(_("description"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = models.CharField(_("name"), max_length=160, blank=True)
    complainant_contact = models.CharField(_("how to reach them"), max_length=200, blank=True)
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grievances",
        verbose_name=_("registered household"),
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.RECEIVED
    )
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution_kind = models.CharField(
        _("how it ended"), max_length=14, choices=Resolution.choices, blank=True
    )
    resolution = models.TextField(_("resolution"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    scope_organisation_path = "organisation"
    scope_project_path = "project"

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        indexes = [models.Index(fields=["status", "received_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False)
                | Q(complainant_name="", complainant_contact="", household__isnull=True),
                name="anonymous_grievance_names_nobody",
            ),
        ]

    def __str__(self):
        return f"G-{self.pk:06d}" if self.pk else "G-new"

    @property
    def reference(self) -> str:
        return str(self)

    @property
    def days_to_acknowledge(self) -> int | None:
        if self.acknowledged_on is None:
            return None
        return (self.acknowledged_on - self.received_on).days

    @property
    def days_to_resolve(self) -> int | None:
        if self.resolved_on is None:
            return None
        return (self.resolved_on - self.received_on).days

    @property
    def acknowledge_by(self) -> datetime.date:
        return self.received_on + datetime.timedelta(days=grievance_targets()[0])

    @property
    def resolve_by(self) -> datetime.date:
        return self.received_on + datetime.timedelta(days=grievance_targets()[1])

    def lateness(self, today: datetime.date | None = None) -> list[str]:
        """What is late: not acknowledged or not resolved within the targets."""
        today = today or timezone.localdate()
        late = []
        if self.status == self.S.RECEIVED and today > self.acknowledge_by:
            late.append("acknowledge")
        if self.status != self.S.RESOLVED and today > self.resolve_by:
            late.append("resolve")
        return late

    @property
    def overdue(self) -> bool:
        return bool(self.lateness())


def overdue_grievances(today: datetime.date) -> Q:
    acknowledge_days, resolve_days = grievance_targets()
    return Q(
        status=Grievance.Status.RECEIVED,
        received_on__lt=today - datetime.timedelta(days=acknowledge_days),
    ) | (
        ~Q(status=Grievance.Status.RESOLVED)
        & Q(received_on__lt=today - datetime.timedelta(days=resolve_days))
    )
