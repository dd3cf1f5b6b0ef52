"""Activities: trainings, workshops, events and visits, their sessions and who attended them;
information materials and campaigns with their reach.

Registered people attend by name (``Attendance``); officials, civil society, business
representatives and others are counted by category, organisation and sex
(``OtherParticipants``). A registered person who attends becomes a ``Participant`` of the
activity, and completes it when their attendance meets the activity's completion rule.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Versioned


class ActivityKind(models.TextChoices):
    BUSINESS_TRAINING = "business_training", _("Business training")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training (VET)")
    MENTORING = "mentoring", _("Mentoring")
    INCLUSIVE_WORKSHOP = "inclusive_workshop", _("Inclusive workshop")
    PSYCHOSOCIAL_WORKSHOP = "psychosocial_workshop", _("Psychosocial workshop")
    INFORMATION_EVENT = "information_event", _("Information event")
    PUBLIC_PRESENTATION = "public_presentation", _("Public presentation")
    GO_AND_SEE_VISIT = "go_and_see_visit", _("Go-and-see visit")
    ROUND_TABLE = "round_table", _("Round table")
    TRAINING_OF_OFFICIALS = "training_of_officials", _("Training of officials")
    STUDY_VISIT = "study_visit", _("Study visit")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


class Activity(Versioned):
    """One training, workshop series, event or visit of a project, held in one or more
    sessions."""

    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("project"),
    )
    # The organisation that runs it; its records are its own (data scope).
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    municipality = models.ForeignKey(
        "geo.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    sessions_planned = models.PositiveSmallIntegerField(
        _("sessions planned"), default=1, validators=[MinValueValidator(1)]
    )
    leads_to_certificate = models.BooleanField(_("leads to a certificate"), default=False)
    # Completion rule: the share of the sessions (in per cent) a participant must attend.
    completion_share = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope_organisation_path = "organisation"
    scope_project_path = "project"

    class Meta:
        ordering = ["-planned_start", "title", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(completion_share__gte=1, completion_share__lte=100),
                name="activity_completion_share_is_a_percentage",
            ),
        ]
        indexes = [models.Index(fields=["project", "kind"])]

    def __str__(self):
        return f"{self.project.code}: {self.title}"

    @property
    def code(self) -> str:
        """How certificates and the audit trail name the activity."""
        return f"A{self.pk}"


class Session(Versioned):
    """One meeting of an activity: a day of a training, one workshop, one event."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    S = Status
    TRANSITIONS = {S.PLANNED: (S.HELD, S.CANCELLED), S.HELD: (), S.CANCELLED: ()}

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("activity")
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    scope_organisation_path = "activity__organisation"
    scope_project_path = "activity__project"

    class Meta:
        ordering = ["date", "start_time", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["status", "date"])]

    def __str__(self):
        return f"{self.activity.title} · {self.date.isoformat()}"


class Participant(Versioned):
    """A registered person taking part in an activity; ``completed_on`` is set when they
    complete it (what results count as "people who completed an activity of a type")."""

    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("activity"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="activity_participations",
        verbose_name=_("person"),
    )
    enrolled_on = models.DateField(_("enrolled on"), default=timezone.localdate)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True, db_index=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    # Why the participant was counted as having completed although the rule was not met.
    completion_override_reason = models.TextField(_("reason for the exception"), blank=True)

    scope_organisation_path = "activity__organisation"
    scope_project_path = "activity__project"
    scope_household_path = "person__household"

    class Meta:
        ordering = ["activity", "person__last_key", "person__first_key", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"], name="one_participation_per_activity"
            ),
            models.UniqueConstraint(
                fields=["activity", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="certificate_number_unique_per_activity",
            ),
        ]

    def __str__(self):
        return f"{self.activity.title}: {self.person.full_name}"

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None


class Attendance(models.Model):
    """A registered person present at a held session."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("person"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope_organisation_path = "session__activity__organisation"
    scope_project_path = "session__activity__project"

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_attendance_per_session")
        ]

    def __str__(self):
        return f"{self.session}: {self.person.full_name}"


class ParticipantCategory(models.TextChoices):
    OFFICIALS = "officials", _("Officials and public sector")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    BUSINESS = "business", _("Business")
    COMMUNITY = "community", _("Community members")
    OTHER = "other", _("Other")


class OtherParticipants(models.Model):
    """People at a session who are not in the registry, counted: so many women and men of one
    category from one organisation (the organisation may be left empty for community members)."""

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="other_participants",
        verbose_name=_("session"),
    )
    category = models.CharField(_("category"), max_length=16, choices=ParticipantCategory.choices)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)

    scope_organisation_path = "session__activity__organisation"
    scope_project_path = "session__activity__project"

    class Meta:
        ordering = ["session", "category", "organisation_name"]
        verbose_name = _("other participants")
        verbose_name_plural = _("other participants")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "category", "organisation_name"],
                name="one_count_per_session_category_organisation",
            )
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.organisation_name}: {self.total}"

    @property
    def total(self) -> int:
        return self.women + self.men


class MaterialKind(models.TextChoices):
    BROCHURE = "brochure", _("Brochure")
    LEAFLET = "leaflet", _("Leaflet")
    POSTER = "poster", _("Poster")
    BROADCAST = "broadcast", _("Radio or TV broadcast")
    SOCIAL_MEDIA = "social_media", _("Social media campaign")
    WEBSITE_ARTICLE = "website_article", _("Website article")
    INFO_SESSION_PACK = "info_session_pack", _("Information session pack")
    OTHER = "other", _("Other")


class MaterialLanguage(models.TextChoices):
    SERBIAN_CYRILLIC = "sr", _("Serbian (Cyrillic)")
    SERBIAN_LATIN = "sr-latn", _("Serbian (Latin)")
    ALBANIAN = "sq", _("Albanian")
    ROMANI = "rom", _("Romani")
    ENGLISH = "en", _("English")
    OTHER = "other", _("Other")


class InformationMaterial(Versioned):
    """A brochure, a broadcast or a campaign of a project, and how many people it reached."""

    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        related_name="information_materials",
        verbose_name=_("project"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="information_materials",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=MaterialKind.choices)
    title = models.CharField(_("title"), max_length=200)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    quantity_produced = models.PositiveIntegerField(_("quantity produced"), null=True, blank=True)
    quantity_distributed = models.PositiveIntegerField(
        _("quantity distributed"), null=True, blank=True
    )
    people_reached = models.PositiveIntegerField(
        _("people reached (estimated)"), null=True, blank=True
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"), null=True, blank=True)
    municipalities = models.ManyToManyField(
        "geo.Area", blank=True, related_name="+", verbose_name=_("municipalities")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
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
        ordering = ["-period_start", "title", "pk"]
        verbose_name = _("information material")
        verbose_name_plural = _("information materials")

    def __str__(self):
        return f"{self.project.code}: {self.title}"

    @property
    def language_labels(self) -> list[str]:
        labels = dict(MaterialLanguage.choices)
        return [str(labels.get(code, code)) for code in self.languages]
