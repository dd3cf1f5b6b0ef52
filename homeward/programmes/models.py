from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Versioned


class Currency(models.TextChoices):
    EUR = "EUR", _("Euro")
    RSD = "RSD", _("Serbian dinar")
    USD = "USD", _("US dollar")


class TargetGroup(models.TextChoices):
    """Whom a project works for: the displacement statuses of the registry, and the groups of
    the seed programmes that are not households (officials, associations, businesses)."""

    IDP = "idp", _("Internally displaced persons")
    RETURNEE = "returnee", _("Returnees")
    READMITTED_RETURNEE = "readmitted_returnee", _("Returnees under readmission")
    REFUGEE = "refugee", _("Refugees")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seekers")
    REMAINEE = "remainee", _("Remainees")
    LOCAL_VULNERABLE = "local_vulnerable", _("Locally vulnerable population")
    ROMA_ASHKALI_EGYPTIAN = "roma_ashkali_egyptian", _("Roma, Ashkali and Egyptians")
    CHILDREN_YOUTH = "children_youth", _("Children and young people")
    WOMEN = "women", _("Women")
    LOCAL_SELF_GOVERNMENTS = "local_self_governments", _("Local self-governments and officials")
    CIVIL_SOCIETY = "civil_society", _("Civil society organisations")
    BUSINESSES = "businesses", _("Businesses")


def validate_target_groups(value) -> None:
    if not isinstance(value, list) or any(item not in TargetGroup.values for item in value):
        raise ValidationError(_("Choose target groups from the list."), code="invalid")


class Project(Versioned):
    """A funded programme of work. Its lead and partner organisations share its records."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    # The title in the other languages; the page shows the one of its language, else ``title``.
    title_sr = models.CharField(_("title (Serbian, Cyrillic)"), max_length=300, blank=True)
    title_sr_latn = models.CharField(_("title (Serbian, Latin)"), max_length=300, blank=True)
    title_sq = models.CharField(_("title (Albanian)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
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
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Every value recorded in the project (a delivery, a grant) is in this currency.
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    municipalities = models.ManyToManyField(
        "geo.Area", blank=True, related_name="projects", verbose_name=_("municipalities")
    )
    target_groups = models.JSONField(
        _("target groups"), default=list, blank=True, validators=[validate_target_groups]
    )

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

    @property
    def localised_title(self) -> str:
        """The title in the current language, falling back to the one it was written in."""
        field = {"sr": "title_sr", "sr-latn": "title_sr_latn", "sq": "title_sq"}.get(
            (get_language() or "").lower()
        )
        return (getattr(self, field) if field else "") or self.title

    @property
    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels.get(group, group)) for group in self.target_groups]

    def involves(self, organisation) -> bool:
        """Whether ``organisation`` leads, implements as partner or funds this project."""
        return (
            self.lead_organisation_id == organisation.pk
            or self.partners.filter(pk=organisation.pk).exists()
            or self.donors.filter(pk=organisation.pk).exists()
        )
