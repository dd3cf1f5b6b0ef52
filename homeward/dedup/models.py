"""Deduplication: batches of record linkage, the pairs they find for people to decide, and the
merges decided on them.

A pair names its two people by id, not by foreign key: a merge deletes one of them, and the
pair, the decision on it and the merge that followed must outlive that record (an undo brings
it back under the same id).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DedupRun(models.Model):
    """One batch: people read from the registry, compared with Splink, pairs found."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    class Coverage(models.TextChoices):
        REGISTRY = "registry", _("Whole registry")
        PROJECT = "project", _("One project")
        IMPORT = "import", _("One import")

    coverage = models.CharField(
        _("compared"), max_length=16, choices=Coverage.choices, default=Coverage.REGISTRY
    )
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    people_import = models.ForeignKey(
        "exchange.PeopleImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import"),
    )
    # Pairs at or above this probability are queued for review (and written by --pairs-out).
    threshold = models.FloatField(_("threshold"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    people = models.PositiveIntegerField(_("people compared"), default=0)
    comparisons = models.BigIntegerField(_("pairs scored"), default=0)
    pairs_found = models.PositiveIntegerField(_("pairs found"), default=0)
    pairs_new = models.PositiveIntegerField(_("pairs new to the queue"), default=0)
    # The trained Splink model (its settings JSON): what was estimated from the data.
    model = models.JSONField(default=dict, blank=True)
    # Seconds per stage: {"read": 1.2, "train": 30.1, "predict": 60.3, "store": 2.0}.
    timings = models.JSONField(default=dict, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    scope_organisation_path = "organisation"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deduplication run")
        verbose_name_plural = _("deduplication runs")

    def __str__(self):
        return f"{self.get_coverage_display()} {self.created_at:%Y-%m-%d %H:%M}"


class CandidatePair(models.Model):
    """Two records that may be one person, with the model's probability and the evidence per
    field, and what a person decided. ``person_a < person_b`` always."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To review")
        SAME = "same", _("Same person (merged)")
        NOT_SAME = "not_same", _("Not the same person")
        UNSURE = "unsure", _("Unsure")

    person_a = models.BigIntegerField(_("person"), db_index=True)
    person_b = models.BigIntegerField(_("other person"), db_index=True)
    run = models.ForeignKey(
        DedupRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pairs",
        verbose_name=_("found by"),
    )
    match_probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"), default=0)
    # [{"field": "first_name", "level": "same after folding", "bayes_factor": 42.0}, ...]:
    # one entry per comparison, in the model's order; the level is the label the model gave.
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    status = models.CharField(
        _("decision"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    found_at = models.DateTimeField(_("found"), default=timezone.now)

    class Meta:
        ordering = ["-match_probability", "person_a", "person_b"]
        verbose_name = _("likely duplicate")
        verbose_name_plural = _("likely duplicates")
        indexes = [
            models.Index(fields=["status", "-match_probability"], name="dedup_pair_queue"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="dedup_pair_once"),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="dedup_pair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.person_a} ~ {self.person_b} ({self.match_probability:.3f})"

    def other(self, person_id: int) -> int:
        return self.person_b if person_id == self.person_a else self.person_a


class Merge(models.Model):
    """One record merged into another: what was moved, and the merged record as it was, so
    that the merge can be undone."""

    pair = models.ForeignKey(
        CandidatePair,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merges",
        verbose_name=_("pair"),
    )
    kept = models.BigIntegerField(_("record kept"), db_index=True)
    merged = models.BigIntegerField(_("record merged into it"), db_index=True)
    # Labels for lists and the audit trail, taken when the merge was made.
    kept_label = models.CharField(_("record kept"), max_length=255)
    merged_label = models.CharField(_("record merged into it"), max_length=255)
    # The organisation holding the kept record: it decides who may read the row.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # {"assistance.Delivery": [{"id": 7, "person": 12, "household": 3}, ...], ...}: every row
    # moved to the kept record, with where it pointed before.
    moved = models.JSONField(default=dict, blank=True)
    # The merged record and the rows deleted with it (Django's JSON serialisation), restored by
    # an undo under their own ids.
    snapshot = models.JSONField(default=list, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged"), default=timezone.now, db_index=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    scope_organisation_path = "organisation"

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self):
        return f"{self.merged_label} → {self.kept_label}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
