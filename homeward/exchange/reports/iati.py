"""The project's results as an IATI 2.03 activity file, validated against the official schema
(``exchange/standards/iati-2.03/``) before anything is written: a file that does not validate
is refused, never handed out.

**Organisation identifiers.** IATI names organisations by a registered identifier
(``GB-COH-123456``, ``XM-DAC-41114``, ``RS-MB-<matični broj>``); Homeward's organisations have
a code of their own and usually no IATI identifier. The setting
``HOMEWARD_IATI_ORGANISATION_REFS`` maps an organisation's code to its identifier
(``{"asb-serbia": "DE-VR-…"}``). An organisation without one is written
``ZZ-HOMEWARD-<code>``: ``ZZ`` is a user-assigned ISO 3166 code that no registration agency
uses, so the placeholder can never pass for, or collide with, a real identifier. Set the real
one before publishing to the IATI Registry. The activity identifier is the reporting
organisation's identifier followed by the project code, as the standard asks.

**Small cells.** An actual value of fewer than 5 people is written as an ``actual`` without a
``value`` and with the comment "fewer than 5"; a suppressed disaggregation is left out.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from homeward.core.errors import HomewardError
from homeward.exchange.reports.layout import ReportInput, plain_text, suppressed_words, xml_safe

SCHEMA_DIRECTORY = Path(__file__).resolve().parent.parent / "standards" / "iati-2.03"
IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The languages a narrative is written in, as IATI names them (ISO 639-1), and Homeward's.
NARRATIVE_LANGUAGES = (("en", "en"), ("sr", "sr"), ("sq", "sq"))
FALLBACK_PREFIX = "ZZ-HOMEWARD-"

# IATI OrganisationType for Homeward's kinds of organisation; a donor's type is not known.
ORGANISATION_TYPES = {
    "ngo": "22",  # national NGO
    "municipality": "11",  # local government
    "government_agency": "10",  # government
    "international": "40",  # multilateral
}
RESULT_TYPES = {"output": "1", "outcome": "2", "objective": "3"}  # objective: impact
MEASURE_UNIT, MEASURE_PERCENTAGE = "1", "2"
ROLE_FUNDING, ROLE_ACCOUNTABLE, ROLE_IMPLEMENTING = "1", "2", "4"
STATUS_PIPELINE, STATUS_IMPLEMENTATION, STATUS_FINALISATION = "2", "2", "3"
TRANSACTION_COMMITMENT, TRANSACTION_EXPENDITURE = "2", "4"
VOCABULARY_REPORTING_ORGANISATION = "99"


class IatiInvalid(HomewardError):
    code = "iati_invalid"
    status = 422
    default_message = gettext_lazy("The IATI file does not validate against the IATI schema.")


@cache
def schema() -> etree.XMLSchema:
    """The official IATI 2.03 activity schema (it includes ``iati-common.xsd`` and
    ``xml.xsd`` from the same folder)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIRECTORY / "iati-activities-schema.xsd")))


def validation_errors(document: bytes) -> list[str]:
    """What is wrong with ``document`` as an IATI 2.03 activity file (empty: it validates)."""
    try:
        tree = etree.fromstring(document)
    except etree.XMLSyntaxError as error:
        return [str(error)]
    checker = schema()
    if checker.validate(tree):
        return []
    return [f"line {entry.line}: {entry.message}" for entry in checker.error_log]


def organisation_ref(organisation) -> str:
    refs = settings.HOMEWARD_IATI_ORGANISATION_REFS
    return refs.get(organisation.code) or f"{FALLBACK_PREFIX}{organisation.code}"


def activity_identifier(project) -> str:
    return f"{organisation_ref(project.lead_organisation)}-{project.code}"


def _narratives(parent, texts: dict[str, str]) -> None:
    """One ``narrative`` per language with a text; the first without ``xml:lang`` (the
    activity's default language is English)."""
    for iati_language, _homeward in NARRATIVE_LANGUAGES:
        text = (texts.get(iati_language) or "").strip()
        if not text:
            continue
        narrative = etree.SubElement(parent, "narrative")
        if iati_language != "en":
            narrative.set(XML_LANG, iati_language)
        narrative.text = xml_safe(text)


def _narrative(parent, text: str) -> None:
    etree.SubElement(parent, "narrative").text = xml_safe(text)


def _organisation(parent, tag: str, organisation, role: str | None = None):
    element = etree.SubElement(parent, tag)
    element.set("ref", organisation_ref(organisation))
    kind = ORGANISATION_TYPES.get(organisation.kind)
    if kind:
        element.set("type", kind)
    if role:
        element.set("role", role)
    _narrative(element, organisation.name)
    return element


def _status(project, as_of: datetime.date) -> str:
    if as_of < project.start_date:
        return "1"  # pipeline/identification
    if as_of <= project.end_date:
        return "2"  # implementation
    return "3"  # finalisation: ended, not yet closed


def _countries(project) -> list[tuple[str, int]]:
    """(country code, share in per cent) by the project's municipalities; both Serbia and
    Kosovo when it names none."""
    codes = [area.code for area in project.municipalities.all()]
    kosovo = sum(1 for code in codes if code.startswith("XK"))
    serbia = len(codes) - kosovo
    if not codes:
        return [("RS", 50), ("XK", 50)]
    if not kosovo:
        return [("RS", 100)]
    if not serbia:
        return [("XK", 100)]
    share = round(serbia * 100 / len(codes))
    return [("RS", share), ("XK", 100 - share)]


def _description(project, as_of: datetime.date) -> dict[str, str]:
    texts = {}
    for iati_language, language in NARRATIVE_LANGUAGES:
        with translation.override(language):
            sentence = _(
                "%(title)s (%(code)s), led by %(lead)s, from %(start)s to %(end)s. "
                "Results as recorded in Homeward on %(as_of)s; aggregates only."
            ) % {
                "title": project.localised_title,
                "code": project.code,
                "lead": project.lead_organisation.name,
                "start": project.start_date.isoformat(),
                "end": project.end_date.isoformat(),
                "as_of": as_of.isoformat(),
            }
        if iati_language == "en" and project.description.strip():
            sentence = f"{project.description.strip()}\n\n{sentence}"
        texts[iati_language] = sentence
    return texts


def _value(parent, tag: str, amount: Decimal, currency: str, day: datetime.date):
    element = etree.SubElement(parent, tag)
    element.set("currency", currency)
    element.set("value-date", day.isoformat())
    element.text = plain_text(amount)
    return element


def _period(indicator_element, start, end, target, actual, suppressed, dimensions=()):
    period = etree.SubElement(indicator_element, "period")
    etree.SubElement(period, "period-start").set("iso-date", start.isoformat())
    etree.SubElement(period, "period-end").set("iso-date", max(start, end).isoformat())
    if target is not None:
        etree.SubElement(period, "target").set("value", plain_text(target))
    if suppressed:
        hidden = etree.SubElement(period, "actual")
        _narrative(etree.SubElement(hidden, "comment"), suppressed_words())
    elif actual is not None:
        etree.SubElement(period, "actual").set("value", plain_text(actual))
    for name, key, value in dimensions:
        actual_element = etree.SubElement(period, "actual")
        actual_element.set("value", plain_text(value))
        dimension = etree.SubElement(actual_element, "dimension")
        dimension.set("name", name)
        dimension.set("value", key)


def _indicator(result_element, indicator, project) -> None:
    element = etree.SubElement(result_element, "indicator")
    element.set("measure", MEASURE_PERCENTAGE if indicator.unit == "percentage" else MEASURE_UNIT)
    element.set("ascending", "1")
    _narrative(etree.SubElement(element, "title"), indicator.name or indicator.code)
    definitions = indicator.definitions or {"en": indicator.definition}
    if definitions.get("en"):
        _narratives(
            etree.SubElement(element, "description"),
            {
                "en": definitions["en"],
                "sr": definitions.get("sr") or definitions.get("sr_latn", ""),
                "sq": definitions.get("sq", ""),
            },
        )
    reference = etree.SubElement(element, "reference")
    reference.set("vocabulary", VOCABULARY_REPORTING_ORGANISATION)
    reference.set("code", indicator.code)
    if indicator.baseline is not None:
        baseline = etree.SubElement(element, "baseline")
        baseline.set("year", str(project.start_date.year))
        baseline.set("iso-date", project.start_date.isoformat())
        baseline.set("value", plain_text(indicator.baseline))
    if indicator.periods:
        for period in indicator.periods:
            _period(
                element,
                period.start,
                period.end,
                period.target,
                period.actual,
                period.suppressed,
            )
        return
    dimensions = [
        (breakdown.dimension, cell.key, cell.value)
        for breakdown in indicator.breakdowns
        for cell in breakdown.cells
        if not cell.suppressed and cell.value is not None
    ]
    _period(
        element,
        project.start_date,
        project.end_date,
        indicator.target,
        indicator.actual,
        indicator.suppressed,
        dimensions,
    )


def build_activity_file(report: ReportInput) -> bytes:
    """The IATI 2.03 ``iati-activities`` document with the project's one activity."""
    project = report.project
    figures = report.figures
    now = timezone.now().replace(microsecond=0)
    root = etree.Element("iati-activities")
    root.set("version", IATI_VERSION)
    root.set("generated-datetime", now.isoformat())
    activity = etree.SubElement(root, "iati-activity")
    activity.set("last-updated-datetime", now.isoformat())
    activity.set(XML_LANG, "en")
    activity.set("default-currency", project.currency)
    activity.set("hierarchy", "1")

    etree.SubElement(activity, "iati-identifier").text = activity_identifier(project)
    _organisation(activity, "reporting-org", project.lead_organisation)
    with translation.override("en"):
        english_title = project.title
    _narratives(
        etree.SubElement(activity, "title"),
        {
            "en": english_title,
            "sr": project.title_sr or project.title_sr_latn,
            "sq": project.title_sq,
        },
    )
    description = etree.SubElement(activity, "description")
    description.set("type", "1")
    _narratives(description, _description(project, report.as_of))

    for donor in project.donors.all():
        _organisation(activity, "participating-org", donor, ROLE_FUNDING)
    _organisation(activity, "participating-org", project.lead_organisation, ROLE_ACCOUNTABLE)
    _organisation(activity, "participating-org", project.lead_organisation, ROLE_IMPLEMENTING)
    for partner in project.partners.all():
        _organisation(activity, "participating-org", partner, ROLE_IMPLEMENTING)

    etree.SubElement(activity, "activity-status").set("code", _status(project, report.as_of))
    dates = [("1", project.start_date), ("3", project.end_date)]
    if report.as_of >= project.start_date:
        dates.append(("2", project.start_date))
    if report.as_of > project.end_date:
        dates.append(("4", project.end_date))
    for kind, day in sorted(dates):
        element = etree.SubElement(activity, "activity-date")
        element.set("type", kind)
        element.set("iso-date", day.isoformat())

    countries = _countries(project)
    for code, share in countries:
        country = etree.SubElement(activity, "recipient-country")
        country.set("code", code)
        if len(countries) > 1:
            country.set("percentage", str(share))

    money = figures.budget
    if money.budget is not None:
        budget = etree.SubElement(activity, "budget")
        budget.set("type", "1")  # original
        budget.set("status", "1")  # indicative
        etree.SubElement(budget, "period-start").set("iso-date", project.start_date.isoformat())
        etree.SubElement(budget, "period-end").set("iso-date", project.end_date.isoformat())
        _value(budget, "value", money.budget, money.currency, project.start_date)
    for kind, amount, words in (
        (TRANSACTION_COMMITMENT, money.committed, _("Assistance approved or handed over")),
        (TRANSACTION_EXPENDITURE, money.delivered, _("Assistance handed over")),
    ):
        if not amount:
            continue
        transaction = etree.SubElement(activity, "transaction")
        etree.SubElement(transaction, "transaction-type").set("code", kind)
        etree.SubElement(transaction, "transaction-date").set("iso-date", report.as_of.isoformat())
        _value(transaction, "value", amount, money.currency, report.as_of)
        _narrative(etree.SubElement(transaction, "description"), words)

    indicators = {indicator.indicator_id: indicator for indicator in figures.indicators}
    for result in figures.results:
        measured = [indicators[i] for i in result.indicator_ids if i in indicators]
        # IATI requires at least one indicator per result.
        if not measured:
            continue
        result_element = etree.SubElement(activity, "result")
        result_element.set("type", RESULT_TYPES.get(result.level, "9"))
        title = f"{result.code} {result.statement}".strip()
        _narrative(etree.SubElement(result_element, "title"), title)
        for indicator in measured:
            _indicator(result_element, indicator, project)

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_iati(report: ReportInput) -> bytes:
    """The activity file, refused with the schema's own words if it does not validate."""
    document = build_activity_file(report)
    errors = validation_errors(document)
    if errors:
        raise IatiInvalid(
            _("The IATI file does not validate against the IATI 2.03 schema: %(errors)s")
            % {"errors": "; ".join(errors[:5])},
            details={"errors": errors},
        )
    return document
