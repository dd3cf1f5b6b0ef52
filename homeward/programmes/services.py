"""Defining and changing projects: every field, validated together, audited with before and
after. Only the managers of the lead organisation may create or change a project."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.core.actors import Actor
from homeward.core.audit import audit_record, diff, snapshot
from homeward.core.concurrency import save_versioned
from homeward.core.errors import ValidationError
from homeward.core.services import NothingChanged, service
from homeward.geo.models import Area
from homeward.geo.selectors import MUNICIPALITY_KINDS, AreaAmbiguous, AreaNotFound, area_resolve
from homeward.programmes.models import Project

SCALAR_FIELDS = [
    "title",
    "title_sr",
    "title_sr_latn",
    "title_sq",
    "description",
    "lead_organisation",
    "start_date",
    "end_date",
    "budget",
    "currency",
    "target_groups",
]
RELATED_FIELDS = ["partners", "donors", "municipalities"]
EDITABLE_FIELDS = frozenset(SCALAR_FIELDS) | frozenset(RELATED_FIELDS)
# Path segments of the project pages: a project so coded could never be opened.
RESERVED_CODES = frozenset({"new"})


def can_manage_projects_of(actor: Actor, organisation: Organisation) -> bool:
    """Projects are defined and changed by the lead organisation's managers."""
    scope = actor.scope(Capability.MANAGE_PROJECTS)
    return scope.is_global or organisation.pk in scope.organisation_ids


def _require_manager(actor: Actor, organisation: Organisation) -> None:
    if not can_manage_projects_of(actor, organisation):
        raise Http404


def municipalities_resolve(texts: Iterable[str]) -> list[Area]:
    """Municipalities written by code ("XK-gjilan") or by any name in any script ("Gjilan",
    "Гњилане", "Palilula, Niš"); every one that cannot be resolved is named in the error."""
    areas: list[Area] = []
    problems: list[str] = []
    for text in texts:
        text = (text or "").strip()
        if not text:
            continue
        area = Area.objects.filter(code=text, kind__in=MUNICIPALITY_KINDS).first()
        if area is None:
            try:
                area = area_resolve(text, kinds=MUNICIPALITY_KINDS)
            except (AreaNotFound, AreaAmbiguous) as error:
                problems.append(str(error.message))
                continue
        if area not in areas:
            areas.append(area)
    if problems:
        raise ValidationError({"municipalities": problems})
    return areas


def _validate_related(
    *, lead: Organisation, partners: list, donors: list, municipalities: list
) -> dict:
    errors: dict[str, list[str]] = {}
    if any(organisation.pk == lead.pk for organisation in partners):
        errors.setdefault("partners", []).append(
            _("The lead organisation cannot also be its own partner.")
        )
    # Listing an organisation as donor lets its people see the project; only donor
    # organisations, whose people hold aggregate roles, may be listed so.
    not_donors = [o.name for o in donors if o.kind != Organisation.Kind.DONOR]
    if not_donors:
        errors.setdefault("donors", []).append(
            _("Not a donor organisation: %(names)s.") % {"names": ", ".join(not_donors)}
        )
    wrong_places = [str(area) for area in municipalities if area.kind not in MUNICIPALITY_KINDS]
    if wrong_places:
        errors.setdefault("municipalities", []).append(
            _("Not a municipality: %(names)s.") % {"names": ", ".join(wrong_places)}
        )
    return errors


def _validate(project: Project, *, partners, donors, municipalities) -> None:
    """Every rule of a project at once, so that every field at fault is named together."""
    errors: dict[str, list[str]] = {}
    try:
        project.full_clean(exclude=["code"], validate_unique=False, validate_constraints=False)
    except DjangoValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if project.start_date and project.end_date and project.end_date < project.start_date:
        errors.setdefault("end_date", []).append(_("The project cannot end before it starts."))
    if project.budget is not None and project.budget < Decimal(0):
        errors.setdefault("budget", []).append(_("The budget cannot be negative."))
    if project.lead_organisation_id:
        for name, messages in _validate_related(
            lead=project.lead_organisation,
            partners=partners,
            donors=donors,
            municipalities=municipalities,
        ).items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _money(value):
    # Two decimals, as stored: 1000 and 1000.00 are one budget, not a change.
    if value is None or value == "":
        return None
    try:
        return Decimal(value).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError, TypeError):
        return value  # left for the field's own validation to name


def _related_snapshot(*, partners, donors, municipalities) -> dict:
    return {
        "partners": sorted(o.code for o in partners),
        "donors": sorted(o.code for o in donors),
        "municipalities": sorted(area.code for area in municipalities),
    }


@service
def project_create(
    *,
    actor: Actor,
    code: str,
    title: str,
    lead_organisation: Organisation,
    start_date,
    end_date,
    partners=(),
    donors=(),
    municipalities=(),
    title_sr: str = "",
    title_sr_latn: str = "",
    title_sq: str = "",
    description: str = "",
    budget: Decimal | None = None,
    currency: str = Project._meta.get_field("currency").default,
    target_groups=(),
) -> Project:
    _require_manager(actor, lead_organisation)
    code = (code or "").strip()
    errors: dict[str, list[str]] = {}
    if code in RESERVED_CODES:
        errors["code"] = [_("This code is reserved; choose another.")]
    elif Project.objects.filter(code=code).exists():
        errors["code"] = [_("A project with this code already exists.")]
    partners, donors, municipalities = list(partners), list(donors), list(municipalities)
    project = Project(
        code=code,
        title=title,
        title_sr=title_sr or "",
        title_sr_latn=title_sr_latn or "",
        title_sq=title_sq or "",
        description=description or "",
        lead_organisation=lead_organisation,
        start_date=start_date,
        end_date=end_date,
        budget=_money(budget),
        currency=currency,
        target_groups=list(target_groups),
    )
    try:
        project.clean_fields(exclude=[f.name for f in Project._meta.fields if f.name != "code"])
    except DjangoValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    try:
        _validate(project, partners=partners, donors=donors, municipalities=municipalities)
    except DjangoValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    project.save()
    project.partners.set(partners)
    project.donors.set(donors)
    project.municipalities.set(municipalities)
    changes = diff({}, snapshot(project, ["code", *SCALAR_FIELDS]))
    for name, after in _related_snapshot(
        partners=partners, donors=donors, municipalities=municipalities
    ).items():
        changes[name] = {"before": None, "after": after}
    audit_record(actor=actor, action="project.create", target=project, changes=changes)
    return project


@service
def project_update(
    *, actor: Actor, project: Project, expected_version: int | None, **changes
) -> Project:
    """Change any of ``EDITABLE_FIELDS``; the code, by which other systems know the project,
    stays. A new lead organisation must be one the actor manages projects for, too."""
    _require_manager(actor, project.lead_organisation)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    if "lead_organisation" in changes:
        _require_manager(actor, changes["lead_organisation"])
    related = {
        "partners": list(changes.pop("partners", project.partners.all())),
        "donors": list(changes.pop("donors", project.donors.all())),
        "municipalities": list(changes.pop("municipalities", project.municipalities.all())),
    }
    if "budget" in changes:
        changes["budget"] = _money(changes["budget"])
    if "target_groups" in changes:
        changes["target_groups"] = list(changes["target_groups"] or [])
    for name in ("title_sr", "title_sr_latn", "title_sq", "description"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    before = snapshot(project, SCALAR_FIELDS) | _related_snapshot(
        partners=project.partners.all(),
        donors=project.donors.all(),
        municipalities=project.municipalities.all(),
    )
    for name, value in changes.items():
        setattr(project, name, value)
    _validate(project, **related)
    after = snapshot(project, SCALAR_FIELDS) | _related_snapshot(**related)
    changed = diff(before, after)
    if not changed:
        raise NothingChanged(project)
    # The version moves even when only partners or places changed: a related list is part
    # of what the other editor read.
    save_versioned(
        project,
        expected_version=expected_version,
        fields=[name for name in changed if name in SCALAR_FIELDS],
    )
    for name in RELATED_FIELDS:
        if name in changed:
            getattr(project, name).set(related[name])
    audit_record(actor=actor, action="project.update", target=project, changes=changed)
    return project
