"""Imports of people from partners' files, and the link from a partner's own ids to the registry.

A partner's list names its families and people by its own ids. ``ExternalHousehold`` and
``ExternalPerson`` remember, per organisation, which registry record each id became, so that
importing the same list again updates those records instead of registering them twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeopleImport(models.Model):
    """One file checked (a dry run) or imported, with what was found in it."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked (dry run)")
        REFUSED = "refused", _("Refused")
        IMPORTED = "imported", _("Imported")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="people_imports",
        verbose_name=_("organisation"),
    )
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        related_name="people_imports",
        verbose_name=_("project"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    filename = models.CharField(_("file"), max_length=255)
    # "csv", "xlsx" or "kobo" (an XLSX export whose members are on a repeat-group sheet).
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=1, blank=True)
    # {header as written in the file: field name, or "" for a column left out}.
    mapping = models.JSONField(_("columns"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    duplicates = models.PositiveIntegerField(_("likely duplicates"), default=0)
    households_new = models.PositiveIntegerField(_("new households"), default=0)
    households_updated = models.PositiveIntegerField(_("households updated"), default=0)
    people_new = models.PositiveIntegerField(_("new people"), default=0)
    people_updated = models.PositiveIntegerField(_("people updated"), default=0)
    # Why the file could not be read at all (empty, not a spreadsheet, ...); empty otherwise.
    message = models.CharField(_("message"), max_length=500, blank=True)
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_organisation_path = "organisation"
    scope_project_path = "project"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("people import")
        verbose_name_plural = _("people imports")

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"


class ImportProblem(models.Model):
    """A problem found in one cell (or row) of an imported file: an error stops the import, a
    warning is imported and flagged on the person it concerns."""

    class Severity(models.TextChoices):
        ERROR = "error", _("error")
        WARNING = "warning", _("warning")

    people_import = models.ForeignKey(
        PeopleImport, on_delete=models.CASCADE, related_name="problems"
    )
    # The row as a spreadsheet numbers it (the header is row 1); empty for the file as a whole.
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    sheet = models.CharField(_("sheet"), max_length=64, blank=True)
    column = models.CharField(_("column"), max_length=255, blank=True)
    field = models.CharField(_("field"), max_length=64, blank=True)
    value = models.CharField(_("value"), max_length=255, blank=True)
    message = models.TextField(_("problem"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    # For a warning of a real import: the person it was imported as.
    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    scope_organisation_path = "people_import__organisation"
    scope_project_path = "people_import__project"

    class Meta:
        # The file's own problems (no row) first, on every database.
        ordering = ["people_import", models.F("row").asc(nulls_first=True), "id"]
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")

    def __str__(self):
        where = self.row if self.row is not None else "-"
        return f"{where} {self.column}: {self.message}"


class ImportDuplicate(models.Model):
    """A row that looks like a person already registered: listed for review, not blocking."""

    people_import = models.ForeignKey(
        PeopleImport, on_delete=models.CASCADE, related_name="likely_duplicates"
    )
    row = models.PositiveIntegerField(_("row"))
    # The person the row became (a real import), or None (a dry run).
    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    other_person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    # One of registry.duplicates.RULES.
    matched_on = models.CharField(_("matched on"), max_length=32)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)

    scope_organisation_path = "people_import__organisation"
    scope_project_path = "people_import__project"

    class Meta:
        ordering = ["people_import", "row", "id"]

    def __str__(self):
        return f"{self.row} ~ {self.other_person_id} ({self.matched_on})"


class ExternalHousehold(models.Model):
    """A partner's own household id, and the household it was imported as."""

    # Both lookups (organisation, id) are answered by the unique constraint's index.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, db_index=False
    )
    external_id = models.CharField(max_length=100)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="external_ids"
    )
    # Which import made the link is in the audit trail; a foreign key here would cost one more
    # check per row at every commit of an import of 100,000 people.

    scope_organisation_path = "organisation"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"], name="external_household_once"
            )
        ]
        verbose_name = _("partner's household id")
        verbose_name_plural = _("partners' household ids")

    def __str__(self):
        return self.external_id


class ExternalPerson(models.Model):
    """A partner's own person id, and the person it was imported as."""

    # Both lookups (organisation, id) are answered by the unique constraint's index.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, db_index=False
    )
    external_id = models.CharField(max_length=100)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="external_ids"
    )
    # Which import made the link is in the audit trail; a foreign key here would cost one more
    # check per row at every commit of an import of 100,000 people.

    scope_organisation_path = "organisation"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"], name="external_person_once"
            )
        ]
        verbose_name = _("partner's person id")
        verbose_name_plural = _("partners' person ids")

    def __str__(self):
        return self.external_id
