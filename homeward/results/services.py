"""Every change to a results framework: its statements, indicators, targets and the values
recorded by hand. Managers and M&E officers of the project (MANAGE_PROJECTS) make them."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from homeward.accounts.roles import Capability
from homeward.casework.common import require_project
from homeward.core.actors import Actor
from homeward.core.audit import audit_record, diff, snapshot
from homeward.core.concurrency import update_versioned
from homeward.core.errors import ValidationError
from homeward.core.services import NothingChanged, service
from homeward.programmes.models import Project
from homeward.results.models import (
    PARENT_LEVEL,
    Indicator,
    IndicatorTarget,
    Level,
    ManualValue,
    Result,
    Unit,
)
from homeward.results.rules import validate_rule

RESULT_FIELDS = [
    "level",
    "code",
    "statement",
    "statement_sr",
    "statement_sr_latn",
    "statement_sq",
    "parent",
    "position",
]
INDICATOR_FIELDS = [
    "result",
    "code",
    "name",
    "name_sr",
    "name_sr_latn",
    "name_sq",
    "definition",
    "definition_sr",
    "definition_sr_latn",
    "definition_sq",
    "unit",
    "baseline",
    "baseline_date",
    "disaggregations",
    "age_bands",
    "rule",
    "position",
]
DEFINITION_FIELDS = ("definition", "definition_sr", "definition_sr_latn", "definition_sq")


def _require(actor, project):
    require_project(actor, project, Capability.MANAGE_PROJECTS)


def _text(data: dict, names) -> None:
    for name in names:
        if name in data and isinstance(data[name], str):
            data[name] = data[name].strip()


def _clean_result(project: Project, data: dict, *, instance: Result | None = None) -> None:
    _text(data, ("code", "statement", "statement_sr", "statement_sr_latn", "statement_sq"))
    errors = {}
    if not data.get("code"):
        errors["code"] = _("This field is required.")
    if not data.get("statement"):
        errors["statement"] = _("This field is required.")
    level = data.get("level")
    if level not in Level.values:
        errors["level"] = _("Choose objective, outcome or output.")
    else:
        parent = data.get("parent")
        wanted = PARENT_LEVEL[level]
        if wanted is None and parent is not None:
            errors["parent"] = _("An objective contributes to nothing above it.")
        elif wanted is not None and (
            parent is None or parent.project_id != project.pk or parent.level != wanted
        ):
            errors["parent"] = _("Choose the %(level)s this contributes to.") % {
                "level": Level(wanted).label.lower()
            }
    code = data.get("code")
    if code:
        taken = Result.objects.filter(project=project, code=code)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors["code"] = _("Another result of this project has this code.")
    if errors:
        raise ValidationError(errors)


@service
def result_create(*, actor: Actor, project: Project, **fields) -> Result:
    _require(actor, project)
    unknown = set(fields) - set(RESULT_FIELDS)
    if unknown:
        raise TypeError(f"result_create() got unknown fields {sorted(unknown)}")
    data = {"parent": None, "position": 0} | fields
    _clean_result(project, data)
    result = Result(project=project, **data)
    result.full_clean()
    result.save()
    audit_record(
        actor=actor,
        action="result.create",
        target=result,
        changes=diff({}, snapshot(result, RESULT_FIELDS)),
    )
    return result


@service
def result_update(*, actor: Actor, result: Result, **changes) -> Result:
    _require(actor, result.project)
    unknown = set(changes) - set(RESULT_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    merged = {name: getattr(result, name) for name in RESULT_FIELDS} | changes
    _clean_result(result.project, merged, instance=result)
    if "level" in changes and changes["level"] != result.level and result.children.exists():
        raise ValidationError({"level": _("Move or delete what contributes to it first.")})
    before = snapshot(result, RESULT_FIELDS)
    for name in changes:
        setattr(result, name, merged[name])
    changed = diff(before, snapshot(result, RESULT_FIELDS))
    if not changed:
        raise NothingChanged(result)
    result.full_clean(validate_unique=False)
    result.save()
    audit_record(actor=actor, action="result.update", target=result, changes=changed)
    return result


@service
def result_delete(*, actor: Actor, result: Result) -> None:
    """Delete a statement with nothing under it (no result contributing, no indicator)."""
    _require(actor, result.project)
    if result.children.exists() or result.indicators.exists():
        raise ValidationError(
            {"result": _("Delete or move its indicators and what contributes to it first.")}
        )
    audit_record(
        actor=actor,
        action="result.delete",
        target=result,
        changes=diff(snapshot(result, RESULT_FIELDS), {}),
    )
    try:
        result.delete()
    except ProtectedError as error:  # pragma: no cover - a race with an insert
        raise ValidationError({"result": _("It is still in use.")}) from error


def _decimal(value, field: str, errors: dict):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = _("Give a number.")
        return None


def _clean_indicator(project: Project, data: dict, *, instance: Indicator | None = None):
    _text(data, ("code", "name", "name_sr", "name_sr_latn", "name_sq", *DEFINITION_FIELDS))
    errors: dict = {}
    if not data.get("code"):
        errors["code"] = _("This field is required.")
    if not data.get("name"):
        errors["name"] = _("This field is required.")
    result = data.get("result")
    if not isinstance(result, Result) or result.project_id != project.pk:
        errors["result"] = _("Choose a result of this project.")
    if data.get("unit") not in Unit.values:
        errors["unit"] = _("Choose a unit.")
    data["baseline"] = _decimal(data.get("baseline"), "baseline", errors)
    if data.get("disaggregations") is None:
        data["disaggregations"] = []
    rule = data.get("rule")
    if rule in ("", {}):
        data["rule"] = rule = None
    if rule is not None and "unit" not in errors:
        try:
            validate_rule(rule, unit=data["unit"])
        except ValidationError as error:
            errors.update(error.message_dict)
    code = data.get("code")
    if code:
        taken = Indicator.objects.filter(project=project, code=code)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            errors["code"] = _("Another indicator of this project has this code.")
    if errors:
        raise ValidationError(errors)


@service
def indicator_create(*, actor: Actor, project: Project, **fields) -> Indicator:
    _require(actor, project)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"indicator_create() got unknown fields {sorted(unknown)}")
    data = dict(fields)
    _clean_indicator(project, data)
    indicator = Indicator(project=project, **data)
    indicator.full_clean(exclude=["rule"], validate_unique=False)
    indicator.save()
    audit_record(
        actor=actor,
        action="indicator.create",
        target=indicator,
        changes=diff({}, snapshot(indicator, INDICATOR_FIELDS)),
    )
    return indicator


@service
def indicator_update(
    *, actor: Actor, indicator: Indicator, expected_version: int | None, **changes
) -> Indicator:
    """Change an indicator if nobody saved it since ``expected_version``. A rule cannot be set
    while hand-recorded values exist: they would silently stop counting."""
    _require(actor, indicator.project)
    unknown = set(changes) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    merged = {name: getattr(indicator, name) for name in INDICATOR_FIELDS} | changes
    _clean_indicator(indicator.project, merged, instance=indicator)
    if merged["rule"] is not None and indicator.manual_values.exists():
        raise ValidationError(
            {"rule": _("This indicator has values recorded by hand; it cannot also have a rule.")}
        )
    update_versioned(
        actor=actor,
        instance=indicator,
        action="indicator.update",
        changes={name: merged[name] for name in changes},
        editable=set(INDICATOR_FIELDS),
        expected_version=expected_version,
    )
    return indicator


@service
def indicator_delete(*, actor: Actor, indicator: Indicator) -> None:
    _require(actor, indicator.project)
    audit_record(
        actor=actor,
        action="indicator.delete",
        target=indicator,
        changes=diff(snapshot(indicator, INDICATOR_FIELDS), {}),
    )
    indicator.delete()


@service
def target_set(
    *,
    actor: Actor,
    indicator: Indicator,
    label: str,
    start: datetime.date | None,
    end: datetime.date | None,
    value,
) -> IndicatorTarget:
    """Set the target of the period ``label`` (created, or changed when it exists)."""
    _require(actor, indicator.project)
    label = (label or "").strip()
    errors: dict = {}
    if not label:
        errors["label"] = _("This field is required.")
    if start is None:
        errors["start"] = _("This field is required.")
    if end is None:
        errors["end"] = _("This field is required.")
    if start and end and end < start:
        errors["end"] = _("The end cannot be before the start.")
    amount = _decimal(value, "value", errors)
    if amount is None:
        errors.setdefault("value", _("This field is required."))
    elif amount < 0:
        errors["value"] = _("A target cannot be negative.")
    if errors:
        raise ValidationError(errors)
    target = IndicatorTarget.objects.filter(indicator=indicator, label=label).first()
    fields = ["label", "start", "end", "value"]
    before = snapshot(target, fields) if target else {}
    if target is None:
        target = IndicatorTarget(indicator=indicator, label=label)
    target.start, target.end, target.value = start, end, amount
    changed = diff(before, snapshot(target, fields))
    if not changed:
        raise NothingChanged(target)
    target.full_clean(validate_unique=False)
    target.save()
    audit_record(
        actor=actor,
        action="indicator.target_set",
        target=indicator,
        changes={"target": label, **changed},
    )
    return target


@service
def target_delete(*, actor: Actor, target: IndicatorTarget) -> None:
    indicator = target.indicator
    _require(actor, indicator.project)
    audit_record(
        actor=actor,
        action="indicator.target_delete",
        target=indicator,
        changes={"target": target.label, "value": str(target.value)},
    )
    target.delete()


@service
def manual_value_record(
    *, actor: Actor, indicator: Indicator, as_of: datetime.date | None, value, source: str
) -> ManualValue:
    """Record a value of an indicator no rule computes, with where it comes from."""
    _require(actor, indicator.project)
    if indicator.rule:
        raise ValidationError(
            {
                "value": _(
                    "This indicator is computed by its rule from the casework; "
                    "its value cannot be typed in."
                )
            }
        )
    errors: dict = {}
    amount = _decimal(value, "value", errors)
    if amount is None:
        errors.setdefault("value", _("This field is required."))
    elif amount < 0:
        errors["value"] = _("A value cannot be negative.")
    elif indicator.unit == Unit.PERCENTAGE and amount > 100:
        errors["value"] = _("A percentage cannot be over 100.")
    if as_of is None:
        errors["as_of"] = _("This field is required.")
    source = (source or "").strip()
    if not source:
        errors["source"] = _("Say where the value comes from.")
    if errors:
        raise ValidationError(errors)
    manual = ManualValue.objects.create(
        indicator=indicator, as_of=as_of, value=amount, source=source, recorded_by=actor.user
    )
    audit_record(
        actor=actor,
        action="indicator.manual_value_record",
        target=indicator,
        changes={"as_of": as_of.isoformat(), "value": str(amount), "source": source},
    )
    return manual
