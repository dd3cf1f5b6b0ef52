"""Assistance: the catalogue of what a programme gives, deliveries of it to households and
people, and the monitoring visits that follow a grant."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Versioned


class Category(models.TextChoices):
    LIVELIHOODS = "livelihoods", _("Livelihoods")
    HOUSING = "housing", _("Housing")
    RETURN = "return", _("Return")
    BASIC_NEEDS = "basic_needs", _("Basic needs")
    SERVICES = "services", _("Services")
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")


class Unit(models.TextChoices):
    ITEM = "item", _("item")
    KIT = "kit", _("kit")
    PACKAGE = "package", _("package")
    SET = "set", _("set")
    TRIP = "trip", _("trip")
    DWELLING = "dwelling", _("dwelling")
    SESSION = "session", _("session")
    CASE = "case", _("case")
    DOCUMENT = "document", _("document")
    COURSE = "course", _("course")
    PERSON = "person", _("person")
    GRANT = "grant", _("grant")


class AssistanceType(models.Model):
    """One kind of assistance in the shipped catalogue (``data/assistance_types.csv``).

    Reference data shared by every organisation: it names nobody, so it has no scope.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_sr = models.CharField(_("name (Serbian, Cyrillic)"), max_length=200)
    name_sr_latn = models.CharField(_("name (Serbian, Latin)"), max_length=200)
    name_sq = models.CharField(_("name (Albanian)"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    # A grant is followed up: is the business still running months after the handover?
    is_grant = models.BooleanField(_("grant"), default=False)
    monitoring_months = models.JSONField(
        _("monitoring visits (months after handover)"), default=list, blank=True
    )
    unit = models.CharField(_("unit of measure"), max_length=16, choices=Unit.choices)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("assistance type")
        verbose_name_plural = _("assistance types")

    def __str__(self):
        return self.localised_name

    @property
    def localised_name(self) -> str:
        field = {"sr": "name_sr", "sr-latn": "name_sr_latn", "sq": "name_sq"}.get(
            (get_language() or "").lower()
        )
        return (getattr(self, field) if field else "") or self.name


class Delivery(Versioned):
    """Assistance given, or to be given, to a household (or one of its members) in a project.

    ``TRANSITIONS`` is the only source of what may follow what; the services enforce it. Once
    delivered, a delivery is no longer cancelled: what was handed over was handed over.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        APPROVED = "approved", _("Approved")
        DELIVERED = "delivered", _("Delivered")
        VERIFIED = "verified", _("Verified")
        CANCELLED = "cancelled", _("Cancelled")

    S = Status
    TRANSITIONS = {
        S.PLANNED: (S.APPROVED, S.CANCELLED),
        S.APPROVED: (S.DELIVERED, S.CANCELLED),
        S.DELIVERED: (S.VERIFIED,),
        S.VERIFIED: (),
        S.CANCELLED: (),
    }
    # Deliveries whose value was spent: the actual value counts.
    HANDED_OVER = frozenset({S.DELIVERED, S.VERIFIED})

    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("project"),
    )
    assistance_type = models.ForeignKey(
        AssistanceType,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("assistance type"),
    )
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("household"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("person"),
        help_text=_("The member it is for, when it is for one person."),
    )
    # The organisation that delivers it; the delivery is in its data scope.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, default=Decimal("1")
    )
    planned_value = models.DecimalField(
        _("planned value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    actual_value = models.DecimalField(
        _("actual value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Always the project's currency: totals of a project add up only in one currency.
    currency = models.CharField(_("currency"), max_length=3)
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    handover_on = models.DateField(_("handover date"), null=True, blank=True)
    handover_document = models.FileField(
        _("handover document"), upload_to="assistance/handover/%Y/%m/", blank=True
    )
    handover_note = models.TextField(_("handover note"), blank=True)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planned by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handover recorded by"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope_organisation_path = "organisation"
    scope_project_path = "project"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["household", "project"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_value__gte=0) | Q(planned_value__isnull=True),
                name="delivery_planned_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(actual_value__gte=0) | Q(actual_value__isnull=True),
                name="delivery_actual_value_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.project.code} · {self.household.number} · {self.assistance_type.code}"

    @property
    def items_total(self) -> Decimal | None:
        items = list(self.items.all())
        if not items:
            return None
        return sum((item.total for item in items), Decimal("0"))

    @property
    def status_class(self) -> str:
        """The CSS class of the status tag."""
        return {
            self.Status.VERIFIED: "status-done",
            self.Status.DELIVERED: "status-done",
            self.Status.CANCELLED: "status-stopped",
        }.get(self.status, "")


class DeliveryItem(models.Model):
    """One line of what is handed over: a tool, a machine, a bag of flour."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="items", verbose_name=_("delivery")
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_value = models.DecimalField(_("unit value"), max_digits=12, decimal_places=2)

    scope_organisation_path = "delivery__organisation"
    scope_project_path = "delivery__project"

    class Meta:
        ordering = ["delivery", "id"]
        verbose_name = _("delivered item")
        verbose_name_plural = _("delivered items")

    def __str__(self):
        return f"{self.description} × {self.quantity}"

    @property
    def total(self) -> Decimal:
        return (self.quantity * self.unit_value).quantize(Decimal("0.01"))


class MonitoringVisit(Versioned):
    """A follow-up of a grant some months after the handover: is the business running, did
    the family's income change. Scheduled when the grant is delivered, recorded when made."""

    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.CASCADE,
        related_name="monitoring_visits",
        verbose_name=_("delivery"),
    )
    months_after = models.PositiveSmallIntegerField(_("months after handover"))
    due_on = models.DateField(_("due on"))
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    business_operating = models.BooleanField(_("business operating"), null=True, blank=True)
    # Monthly amounts in the project's currency.
    income_before = models.DecimalField(
        _("monthly income before"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    income_after = models.DecimalField(
        _("monthly income now"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    income_change = models.DecimalField(
        _("change of monthly income"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveSmallIntegerField(_("employees"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    scope_organisation_path = "delivery__organisation"
    scope_project_path = "delivery__project"

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("monitoring visit")
        verbose_name_plural = _("monitoring visits")
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "months_after"], name="one_monitoring_visit_per_interval"
            )
        ]
        indexes = [models.Index(fields=["visited_on", "due_on"])]

    def __str__(self):
        return f"{self.delivery} · +{self.months_after}"

    @property
    def is_done(self) -> bool:
        return self.visited_on is not None


class MonitoringPhoto(models.Model):
    """A photo taken on a monitoring visit: the workshop, the machine, the greenhouse."""

    visit = models.ForeignKey(
        MonitoringVisit,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("monitoring visit"),
    )
    image = models.FileField(_("photo"), upload_to="assistance/monitoring/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    scope_organisation_path = "visit__delivery__organisation"
    scope_project_path = "visit__delivery__project"

    class Meta:
        ordering = ["visit", "uploaded_at", "id"]
        verbose_name = _("monitoring photo")
        verbose_name_plural = _("monitoring photos")

    def __str__(self):
        return self.caption or self.image.name
