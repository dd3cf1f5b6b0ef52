"""Loading a whole results framework from a definition (a JSON file): the seed programmes'
logframes in ``logframes/``, or any organisation's own.

The definition is checked whole before anything is written, and every fault is named by its
path in the file (``outcomes[1].outputs[0].indicators[2].rule``, counting from 0), so that one
run shows everything to correct. Only then is it written, through the framework's own services
(``result_create``, ``indicator_create``, ``target_set``, ``manual_value_record``), in one
transaction: all of it or nothing.

A project is given its framework once: loading into a project that has one already is refused
(naming ``project``), never merged or replaced. Replacing would delete the values recorded by
hand and their sources; merging would leave two statements of one result. A framework is
changed afterwards statement by statement, in the framework editor or the API.

The format (see ``docs/results-frameworks.md``)::

    {"format": "homeward-results-framework/1",
     "project": "step-forward",                       # optional: refused if another project
     "source": "where the framework comes from",      # optional, kept in the audit trail
     "objective": {"code", "statement", "indicators": [...]},
     "outcomes": [{"code", "statement", "indicators": [...],
                   "outputs": [{"code", "statement", "indicators": [...]}]}]}

A statement, a name or a definition is text in English or ``{"en", "sr", "sr_latn", "sq"}``:
``sr`` in Cyrillic; ``sr_latn`` left out is transliterated from ``sr``. An indicator is
``{"code", "name", "definition", "unit", "baseline", "baseline_date", "disaggregations",
"age_bands", "rule", "targets": [{"label", "start", "end", "value"}], "manual_values":
[{"as_of", "value", "source"}]}``; only ``code``, ``name`` and ``unit`` are required.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from homeward.accounts.roles import Capability
from homeward.casework.common import require_project
from homeward.core.actors import Actor
from homeward.core.audit import audit_record
from homeward.core.errors import ValidationError
from homeward.core.names import to_latin
from homeward.core.services import service
from homeward.programmes.models import Project
from homeward.results.models import (
    Level,
    Result,
    Unit,
    validate_age_bands,
    validate_disaggregations,
)
from homeward.results.rules import validate_rule
from homeward.results.services import (
    indicator_create,
    manual_value_record,
    result_create,
    target_set,
)

FORMAT = "homeward-results-framework/1"
LOGFRAMES = Path(__file__).resolve().parent / "logframes"
LANGUAGES = ("en", "sr", "sr_latn", "sq")

_TOP_KEYS = {"format", "project", "source", "objective", "outcomes"}
_RESULT_KEYS = {"code", "statement", "indicators"}
_OUTCOME_KEYS = _RESULT_KEYS | {"outputs"}
_INDICATOR_KEYS = {
    "code",
    "name",
    "definition",
    "unit",
    "baseline",
    "baseline_date",
    "disaggregations",
    "age_bands",
    "rule",
    "targets",
    "manual_values",
}
_TARGET_KEYS = {"label", "start", "end", "value"}
_MANUAL_KEYS = {"as_of", "value", "source"}


def shipped_logframes() -> dict[str, Path]:
    """The seed programmes' logframes, by the code of the project each is written for."""
    return {path.stem: path for path in sorted(LOGFRAMES.glob("*.json"))}


def read_definition(path: Path) -> dict:
    """A framework file as a definition; an unreadable file is a ValidationError on ``file``."""
    try:
        definition = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ValidationError({"file": _("Cannot read %(file)s: %(error)s") % {
            "file": path, "error": error}}) from None  # fmt: skip
    return definition


class _Checker:
    """Walks a definition, collecting every fault under its path, and builds the plan of what
    to write (plain dictionaries ready for the services)."""

    def __init__(self, project: Project):
        self.project = project
        self.errors: dict[str, list[str]] = {}
        self.result_codes: set[str] = set()
        self.indicator_codes: set[str] = set()

    def fault(self, path: str, message) -> None:
        self.errors.setdefault(path, []).append(str(message))

    def mapping(self, value, path: str, keys: set[str], required=()) -> dict | None:
        if not isinstance(value, dict):
            self.fault(path, _("An object ({…}) is expected here."))
            return None
        for key in sorted(set(value) - keys):
            self.fault(f"{path}.{key}" if path else key, _("Unknown key."))
        for key in required:
            if value.get(key) in (None, "", [], {}):
                self.fault(f"{path}.{key}" if path else key, _("This field is required."))
        return value

    def items(self, value, path: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fault(path, _("A list ([…]) is expected here."))
            return []
        return value

    def texts(self, value, path: str, *, max_length: int | None) -> dict[str, str]:
        """``{"en", "sr", "sr_latn", "sq"}`` from text or a mapping of languages."""
        if value in (None, "", {}):
            self.fault(path, _("This field is required."))
            return {}
        if isinstance(value, str):
            value = {"en": value}
        if not isinstance(value, dict):
            self.fault(path, _("Give the text, or an object of languages (en, sr, sr_latn, sq)."))
            return {}
        for key in sorted(set(value) - set(LANGUAGES)):
            self.fault(f"{path}.{key}", _("Unknown language; use en, sr, sr_latn or sq."))
        found = {}
        for language in LANGUAGES:
            text = value.get(language)
            if text is None:
                text = ""
            if not isinstance(text, str):
                self.fault(f"{path}.{language}", _("Text is expected here."))
                text = ""
            found[language] = text.strip()
        if not found["en"]:
            self.fault(f"{path}.en", _("The English text is required."))
        if not found["sr_latn"] and found["sr"]:
            found["sr_latn"] = to_latin(found["sr"])
        if max_length:
            for language, text in found.items():
                if len(text) > max_length:
                    self.fault(
                        f"{path}.{language}",
                        _("At most %(count)s characters.") % {"count": max_length},
                    )
        return found

    def code(self, value, path: str, taken: set[str]) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fault(path, _("This field is required."))
            return ""
        code = value.strip()
        if len(code) > 20:
            self.fault(path, _("At most %(count)s characters.") % {"count": 20})
        elif code in taken:
            self.fault(path, _("This code is used twice in the framework."))
        taken.add(code)
        return code

    def day(self, value, path: str, *, required=True) -> datetime.date | None:
        if value in (None, ""):
            if required:
                self.fault(path, _("This field is required."))
            return None
        try:
            day = datetime.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None:
            self.fault(path, _("Give a date as YYYY-MM-DD."))
            return None
        project = self.project
        if not project.start_date <= day <= project.end_date:
            self.fault(
                path,
                _("Outside the project's dates (%(start)s – %(end)s).")
                % {"start": project.start_date.isoformat(), "end": project.end_date.isoformat()},
            )
        return day

    def number(self, value, path: str, *, required=True, unit: str = "") -> Decimal | None:
        if value in (None, ""):
            if required:
                self.fault(path, _("This field is required."))
            return None
        if isinstance(value, bool):
            value = "not a number"
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            number = None
        if number is None or not number.is_finite():
            self.fault(path, _("Give a number."))
            return None
        if number < 0:
            self.fault(path, _("It cannot be negative."))
        elif unit == Unit.PERCENTAGE and number > 100:
            self.fault(path, _("A percentage cannot be over 100."))
        elif number >= Decimal("1e10") or number != number.quantize(Decimal("0.01")):
            self.fault(path, _("At most 10 digits before the point and 2 after it."))
        return number

    # --- the tree ------------------------------------------------------------------------------

    def definition(self, definition) -> list[dict]:
        top = self.mapping(definition, "", _TOP_KEYS, required=("objective",))
        if top is None:
            return []
        if top.get("format", FORMAT) != FORMAT:
            self.fault("format", _("Unknown format; this is %(format)s.") % {"format": FORMAT})
        if top.get("project") not in (None, self.project.code):
            self.fault(
                "project",
                _("The file is written for project %(code)s; remove this key to load it into "
                  "another project.") % {"code": top["project"]},
            )  # fmt: skip
        plan = []
        objective = self.result(top.get("objective"), "objective", Level.OBJECTIVE, None, plan)
        outcomes = self.items(top.get("outcomes"), "outcomes")
        for index, outcome in enumerate(outcomes):
            path = f"outcomes[{index}]"
            code = self.result(outcome, path, Level.OUTCOME, objective, plan)
            if isinstance(outcome, dict):
                for number, output in enumerate(
                    self.items(outcome.get("outputs"), f"{path}.outputs")
                ):
                    self.result(output, f"{path}.outputs[{number}]", Level.OUTPUT, code, plan)
        return plan

    def result(self, value, path: str, level: str, parent: str | None, plan: list) -> str | None:
        keys = _OUTCOME_KEYS if level == Level.OUTCOME else _RESULT_KEYS
        if value is None and level == Level.OBJECTIVE:
            return None  # already named as required
        body = self.mapping(value, path, keys)
        if body is None:
            return None
        code = self.code(body.get("code"), f"{path}.code", self.result_codes)
        statement = self.texts(body.get("statement"), f"{path}.statement", max_length=None)
        plan.append(
            {
                "path": path,
                "level": level,
                "code": code,
                "parent": parent,
                "statement": statement,
                "indicators": [
                    self.indicator(indicator, f"{path}.indicators[{index}]")
                    for index, indicator in enumerate(
                        self.items(body.get("indicators"), f"{path}.indicators")
                    )
                ],
            }
        )
        return code

    def indicator(self, value, path: str) -> dict:
        body = self.mapping(value, path, _INDICATOR_KEYS, required=("unit",))
        if body is None:
            return {}
        unit = body.get("unit")
        if unit not in (None, "") and unit not in Unit.values:
            self.fault(
                f"{path}.unit",
                _("Choose one of: %(units)s.") % {"units": ", ".join(Unit.values)},
            )
        definition = body.get("definition")
        if definition in (None, "", {}):
            definitions = dict.fromkeys(LANGUAGES, "")
        else:
            definitions = self.texts(
                definition, f"{path}.definition", max_length=None
            ) or dict.fromkeys(LANGUAGES, "")
        fields = {
            "code": self.code(body.get("code"), f"{path}.code", self.indicator_codes),
            "texts": self.texts(body.get("name"), f"{path}.name", max_length=300),
            "definitions": definitions,
            "unit": unit,
            "baseline": self.number(
                body.get("baseline"), f"{path}.baseline", required=False, unit=unit
            ),
            "baseline_date": self.any_day(body.get("baseline_date"), f"{path}.baseline_date"),
            "disaggregations": body.get("disaggregations") or [],
            "rule": body.get("rule"),
        }
        self.validated(validate_disaggregations, fields["disaggregations"],
                       f"{path}.disaggregations")  # fmt: skip
        if body.get("age_bands") is not None:
            fields["age_bands"] = body["age_bands"]
            self.validated(validate_age_bands, body["age_bands"], f"{path}.age_bands")
        rule = fields["rule"]
        if rule is not None and unit in Unit.values:
            try:
                validate_rule(rule, unit=unit, field=f"{path}.rule")
            except DjangoValidationError as error:
                for name, messages in error.message_dict.items():
                    for message in messages:
                        self.fault(name, message)
        fields["targets"] = self.targets(body.get("targets"), f"{path}.targets", unit)
        fields["manual_values"] = self.manual_values(
            body.get("manual_values"), f"{path}.manual_values", unit, has_rule=rule is not None
        )
        return fields

    def any_day(self, value, path: str) -> datetime.date | None:
        if value in (None, ""):
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fault(path, _("Give a date as YYYY-MM-DD."))
            return None

    def validated(self, validator, value, path: str) -> None:
        try:
            validator(value)
        except DjangoValidationError as error:
            for message in error.messages:
                self.fault(path, message)

    def targets(self, value, path: str, unit) -> list[dict]:
        found, labels = [], set()
        for index, target in enumerate(self.items(value, path)):
            where = f"{path}[{index}]"
            body = self.mapping(target, where, _TARGET_KEYS, required=("label",))
            if body is None:
                continue
            label = body.get("label")
            if isinstance(label, str) and label.strip():
                label = label.strip()
                if len(label) > 60:
                    self.fault(f"{where}.label", _("At most %(count)s characters.") % {"count": 60})
                if label in labels:
                    self.fault(f"{where}.label", _("Another target of this indicator has it."))
                labels.add(label)
            elif label not in (None, ""):
                self.fault(f"{where}.label", _("Text is expected here."))
            start = self.day(body.get("start"), f"{where}.start")
            end = self.day(body.get("end"), f"{where}.end")
            if start and end and end < start:
                self.fault(f"{where}.end", _("The end cannot be before the start."))
            amount = self.number(body.get("value"), f"{where}.value", unit=unit)
            found.append({"label": label, "start": start, "end": end, "value": amount})
        return found

    def manual_values(self, value, path: str, unit, *, has_rule: bool) -> list[dict]:
        entries = self.items(value, path)
        if entries and has_rule:
            self.fault(path, _("An indicator computed by a rule cannot have values typed in."))
        found = []
        for index, entry in enumerate(entries):
            where = f"{path}[{index}]"
            body = self.mapping(entry, where, _MANUAL_KEYS, required=("source",))
            if body is None:
                continue
            if body.get("source") is not None and not isinstance(body.get("source"), str):
                self.fault(f"{where}.source", _("Text is expected here."))
            found.append(
                {
                    "as_of": self.day(body.get("as_of"), f"{where}.as_of"),
                    "value": self.number(body.get("value"), f"{where}.value", unit=unit),
                    "source": str(body.get("source") or "").strip(),
                }
            )
        return found


def framework_check(*, project: Project, definition) -> list[dict]:
    """The plan of ``definition`` for ``project``, or a ValidationError naming every fault by
    its path. Writes nothing."""
    checker = _Checker(project)
    if Result.objects.filter(project=project).exists():
        checker.fault(
            "project",
            _("This project has a results framework already; change it in the framework "
              "editor, or delete it first."),
        )  # fmt: skip
    plan = checker.definition(definition)
    if checker.errors:
        raise ValidationError(checker.errors)
    return plan


@service
def framework_load(*, actor: Actor, project: Project, definition: dict) -> dict[str, int]:
    """Give ``project`` the results framework of ``definition``, whole or not at all. Returns
    how many statements, indicators, targets and manual values were created."""
    require_project(actor, project, Capability.MANAGE_PROJECTS)
    plan = framework_check(project=project, definition=definition)
    created = {"results": 0, "indicators": 0, "targets": 0, "manual_values": 0}
    results: dict[str, Result] = {}
    indicator_position = 0
    for result_position, statement in enumerate(plan):
        path = statement["path"]
        texts = statement["statement"]
        with _under(path):
            result = result_create(
                actor=actor,
                project=project,
                level=statement["level"],
                code=statement["code"],
                parent=results.get(statement["parent"]),
                statement=texts["en"],
                statement_sr=texts["sr"],
                statement_sr_latn=texts["sr_latn"],
                statement_sq=texts["sq"],
                position=result_position,
            )
        results[result.code] = result
        created["results"] += 1
        for index, fields in enumerate(statement["indicators"]):
            where = f"{path}.indicators[{index}]"
            texts = fields["texts"]
            extra = {"age_bands": fields["age_bands"]} if "age_bands" in fields else {}
            with _under(where):
                indicator = indicator_create(
                    actor=actor,
                    project=project,
                    result=result,
                    code=fields["code"],
                    name=texts["en"],
                    name_sr=texts["sr"],
                    name_sr_latn=texts["sr_latn"],
                    name_sq=texts["sq"],
                    definition=fields["definitions"]["en"],
                    definition_sr=fields["definitions"]["sr"],
                    definition_sr_latn=fields["definitions"]["sr_latn"],
                    definition_sq=fields["definitions"]["sq"],
                    unit=fields["unit"],
                    baseline=fields["baseline"],
                    baseline_date=fields["baseline_date"],
                    disaggregations=fields["disaggregations"],
                    rule=fields["rule"],
                    position=indicator_position,
                    **extra,
                )
            indicator_position += 1
            created["indicators"] += 1
            for number, target in enumerate(fields["targets"]):
                with _under(f"{where}.targets[{number}]"):
                    target_set(actor=actor, indicator=indicator, **target)
                created["targets"] += 1
            for number, manual in enumerate(fields["manual_values"]):
                with _under(f"{where}.manual_values[{number}]"):
                    manual_value_record(actor=actor, indicator=indicator, **manual)
                created["manual_values"] += 1
    audit_record(
        actor=actor,
        action="results.framework_load",
        target=project,
        changes={"source": str(definition.get("source") or ""), **created},
    )
    return created


class _under:
    """Re-key a ValidationError raised by a service under the path of what it was writing, so
    that a fault the check could not foresee still names its place in the file."""

    def __init__(self, path: str):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is not None and issubclass(kind, DjangoValidationError):
            if hasattr(error, "error_dict"):
                raise ValidationError(
                    {
                        f"{self.path}.{name}": messages
                        for name, messages in error.message_dict.items()
                    }
                ) from error
            raise ValidationError({self.path: error.messages}) from error
        return False


__all__ = [
    "FORMAT",
    "framework_check",
    "framework_load",
    "read_definition",
    "shipped_logframes",
]
