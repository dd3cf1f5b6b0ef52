from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Versioned


class Project(Versioned):
    """A funded programme of work. Its lead and partner organisations share its records."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    lead_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("lead organisation"),
    )
    partners = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="partner_projects",
        verbose_name=_("partner organisations"),
    )
    donors = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="funded_projects",
        verbose_name=_("donors"),
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))

    scope_organisation_path = "lead_organisation"
    scope_project_path = "pk"

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="project_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"

    def involves(self, organisation) -> bool:
        """Whether ``organisation`` leads, implements as partner or funds this project."""
        return (
            self.lead_organisation_id == organisation.pk
            or self.partners.filter(pk=organisation.pk).exists()
            or self.donors.filter(pk=organisation.pk).exists()
        )
