"""The 3W/4W of a project as an HXL-tagged CSV: who did what, where and when, and how many
people it reached by sex and age.

One row per organisation × what × municipality × month:

* **who**: the organisation that delivered the assistance or ran the activity;
* **what**: a kind of assistance (deliveries handed over: delivered or verified) or a kind of
  activity (registered people attending its held sessions);
* **where**: the municipality where the family lives (a delivery), where the activity was
  held, else where the attending family lives; its district as ``#adm1`` (Kosovo's
  municipalities have none in Homeward's reference data, so there ``#adm1`` is empty) and
  the place codes of ``geo.Area``;
* **when**: the calendar month of the handover or of the session;
* **reached**: distinct people in the row. A delivery to a household reaches its members, a
  delivery to one person that person. Age is taken on the day of the handover or session.

The first row holds the column names in the reader's language, the second the HXL hashtags.
Counts of 1 to 4 are written ``<5``; where that leaves one hidden count in a group (women and
men, or the age bands) whose total is shown, the next smallest count is hidden too and
written ``x``, so that no hidden count can be worked out by subtraction.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from homeward.casework.activities.models import ActivityKind, Attendance, Session
from homeward.casework.assistance.models import Category, Delivery
from homeward.casework.common import SMALL_CELL
from homeward.core.exports import neutralise_formula
from homeward.core.scope import scoped
from homeward.exchange.reports.layout import SUPPRESSED_MARK, ReportInput
from homeward.geo.models import Area
from homeward.registry.models import Person
from homeward.results.figures import DEFAULT_AGE_BANDS


def _band_key(first: int, last: int | None) -> str:
    return f"{first}-{last}" if last is not None else f"{first}+"


def _band_attribute(first: int, last: int | None) -> str:
    return f"+age{first}_{last}" if last is not None else f"+age{first}plus"


AGE_KEYS = [_band_key(first, last) for first, last in DEFAULT_AGE_BANDS]
UNKNOWN_AGE = "unknown"
# A count of 5 or more hidden so that a count under 5 cannot be worked out from the total.
HIDDEN_MARK = "x"


def columns() -> list[tuple[str, str]]:
    """(column name for the reader, HXL hashtag), in file order."""
    return [
        (_("Organisation"), "#org+name"),
        (_("Organisation code"), "#org+code"),
        (_("Sector"), "#sector+name"),
        (_("What (code)"), "#activity+code"),
        (_("What"), "#activity+name"),
        (_("Country code"), "#country+code"),
        (_("District"), "#adm1+name"),
        (_("District code"), "#adm1+code"),
        (_("Municipality"), "#adm2+name"),
        (_("Municipality code"), "#adm2+code"),
        (_("Start"), "#date+start"),
        (_("End"), "#date+end"),
        (_("Women and girls reached"), "#reached+f"),
        (_("Men and boys reached"), "#reached+m"),
        *(
            (_("Aged %(band)s reached") % {"band": key}, "#reached" + _band_attribute(first, last))
            for key, (first, last) in zip(AGE_KEYS, DEFAULT_AGE_BANDS, strict=True)
        ),
        (_("Age not known"), "#reached+age_unknown"),
        (_("People reached"), "#reached+total"),
    ]


@dataclass
class _Row:
    organisation: str
    organisation_code: str
    sector: str
    what_code: str
    what: str
    area_id: int | None
    month: datetime.date
    # person id → (sex, age band key): a person counts once per row.
    people: dict[int, tuple[str, str]] = field(default_factory=dict)


def _age_key(born: datetime.date | None, day: datetime.date) -> str:
    if born is None:
        return UNKNOWN_AGE
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    for (first, last), key in zip(DEFAULT_AGE_BANDS, AGE_KEYS, strict=True):
        if age >= first and (last is None or age <= last):
            return key
    return UNKNOWN_AGE


def _month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


class _Areas:
    """Every place, loaded once: a 3W names a district and a municipality for each row."""

    def __init__(self):
        self.by_id = {area.pk: area for area in Area.objects.all()}

    def district(self, area: Area) -> Area | None:
        current = area
        while current is not None:
            if current.kind == Area.Kind.DISTRICT:
                return current
            current = self.by_id.get(current.parent_id)
        return None

    def country(self, area: Area) -> str:
        return "XK" if area.code.startswith("XK") else "RS"


def _delivery_rows(report: ReportInput, rows: dict) -> None:
    handed_over = scoped(
        Delivery.objects.filter(project=report.project, status__in=Delivery.HANDED_OVER),
        report.actor,
        report.capability,
    )
    deliveries = handed_over.values(
        "organisation__name",
        "organisation__code",
        "assistance_type__code",
        "assistance_type__name",
        "assistance_type__name_sr",
        "assistance_type__name_sr_latn",
        "assistance_type__name_sq",
        "assistance_type__category",
        "household_id",
        "household__current_municipality_id",
        "person_id",
        "handover_on",
        "planned_on",
        "created_at",
    )
    categories = dict(Category.choices)
    name_field = {
        "sr": "assistance_type__name_sr",
        "sr-latn": "assistance_type__name_sr_latn",
        "sq": "assistance_type__name_sq",
    }.get((get_language() or "").lower(), "assistance_type__name")
    handed: list[tuple[tuple, dict, datetime.date]] = []
    to_households = False
    for delivery in deliveries.iterator(chunk_size=5000):
        day = delivery["handover_on"] or delivery["planned_on"] or delivery["created_at"].date()
        if day > report.as_of:
            continue
        key = (
            delivery["organisation__code"],
            "assistance",
            delivery["assistance_type__code"],
            delivery["household__current_municipality_id"],
            day.replace(day=1),
        )
        if key not in rows:
            rows[key] = _Row(
                organisation=delivery["organisation__name"],
                organisation_code=delivery["organisation__code"],
                sector=str(categories.get(delivery["assistance_type__category"], "")),
                what_code=delivery["assistance_type__code"],
                what=delivery[name_field] or delivery["assistance_type__name"],
                area_id=delivery["household__current_municipality_id"],
                month=day.replace(day=1),
            )
        handed.append((key, delivery, day))
        to_households = to_households or delivery["person_id"] is None
    # The people are read by subquery, not by a list of ids: a project's tens of thousands of
    # households would pass SQLite's limit of parameters in one query.
    members: dict[int, list[dict]] = defaultdict(list)
    people: dict[int, dict] = {}
    fields = ("id", "household_id", "sex", "date_of_birth")
    if to_households:
        whole = handed_over.filter(person__isnull=True).values("household_id")
        for person in (
            Person.objects.filter(household_id__in=whole).values(*fields).iterator(chunk_size=5000)
        ):
            members[person["household_id"]].append(person)
            people[person["id"]] = person
    if any(d["person_id"] is not None for _key, d, _day in handed):
        named = handed_over.filter(person__isnull=False).values("person_id")
        for person in Person.objects.filter(pk__in=named).values(*fields).iterator(chunk_size=5000):
            people[person["id"]] = person
    for key, delivery, day in handed:
        reached = (
            [people[delivery["person_id"]]]
            if delivery["person_id"] is not None
            else members[delivery["household_id"]]
        )
        for person in reached:
            rows[key].people[person["id"]] = (person["sex"], _age_key(person["date_of_birth"], day))


def _attendance_rows(report: ReportInput, rows: dict) -> None:
    attendances = scoped(
        Attendance.objects.filter(
            session__activity__project=report.project,
            session__status=Session.Status.HELD,
            session__date__lte=report.as_of,
        ),
        report.actor,
        report.capability,
    ).values(
        "session__date",
        "session__activity__organisation__name",
        "session__activity__organisation__code",
        "session__activity__kind",
        "session__activity__municipality_id",
        "person__household__current_municipality_id",
        "person_id",
        "person__sex",
        "person__date_of_birth",
    )
    kinds = dict(ActivityKind.choices)
    sector = _("Activities and events")
    for attendance in attendances.iterator(chunk_size=5000):
        day = attendance["session__date"]
        area_id = (
            attendance["session__activity__municipality_id"]
            or attendance["person__household__current_municipality_id"]
        )
        kind = attendance["session__activity__kind"]
        key = (
            attendance["session__activity__organisation__code"],
            "activity",
            kind,
            area_id,
            day.replace(day=1),
        )
        if key not in rows:
            rows[key] = _Row(
                organisation=attendance["session__activity__organisation__name"],
                organisation_code=attendance["session__activity__organisation__code"],
                sector=str(sector),
                what_code=kind,
                what=str(kinds.get(kind, kind)),
                area_id=area_id,
                month=day.replace(day=1),
            )
        rows[key].people[attendance["person_id"]] = (
            attendance["person__sex"],
            _age_key(attendance["person__date_of_birth"], day),
        )


def suppress_group(counts: list[int], *, total_shown: bool) -> list[str]:
    """How to write each count of one group: ``""`` shown, ``"<5"`` a count of 1 to 4, and
    ``"x"`` the smallest other count above zero when exactly one count is under 5 and the
    group's total is shown: otherwise total minus the rest would give it back. ``x`` is not
    written ``<5``, which it is not."""
    marks = [SUPPRESSED_MARK if 0 < count < SMALL_CELL else "" for count in counts]
    if total_shown and marks.count(SUPPRESSED_MARK) == 1:
        others = [
            (count, index) for index, count in enumerate(counts) if not marks[index] and count
        ]
        if others:
            marks[min(others)[1]] = HIDDEN_MARK
    return marks


def row_values(row: _Row) -> list[int | str]:
    """The counts of a row in column order (women, men, age bands, unknown age, total), each
    an ``int``, ``"<5"`` or ``"x"``."""
    sexes = [sum(1 for sex, _age in row.people.values() if sex == s) for s in ("female", "male")]
    ages = [
        sum(1 for _sex, age in row.people.values() if age == key)
        for key in [*AGE_KEYS, UNKNOWN_AGE]
    ]
    total = len(row.people)
    total_hidden = 0 < total < SMALL_CELL
    values: list[int | str] = []
    for group in (sexes, ages):
        marks = suppress_group(group, total_shown=not total_hidden)
        values.extend(mark or count for count, mark in zip(group, marks, strict=True))
    values.append(SUPPRESSED_MARK if total_hidden else total)
    return values


def three_w_rows(report: ReportInput) -> list[list]:
    """The 3W/4W rows in file order (without the two header rows)."""
    rows: dict[tuple, _Row] = {}
    _delivery_rows(report, rows)
    _attendance_rows(report, rows)
    areas = _Areas()
    out = []
    for key in sorted(rows, key=lambda k: tuple("" if part is None else str(part) for part in k)):
        row = rows[key]
        area = areas.by_id.get(row.area_id)
        district = areas.district(area) if area else None
        start = max(row.month, report.project.start_date)
        end = min(_month_end(row.month), report.as_of, report.project.end_date)
        out.append(
            [
                row.organisation,
                row.organisation_code,
                row.sector,
                row.what_code,
                row.what,
                areas.country(area) if area else "",
                district.name if district else "",
                district.code if district else "",
                area.name if area else "",
                area.code if area else "",
                start.isoformat(),
                max(start, end).isoformat(),
                *row_values(row),
            ]
        )
    return out


def write_hxl(report: ReportInput) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    header = columns()
    writer.writerow(neutralise_formula(name) for name, _tag in header)
    writer.writerow(tag for _name, tag in header)
    for row in three_w_rows(report):
        writer.writerow(
            value if isinstance(value, int) else neutralise_formula(value) for value in row
        )
    return out.getvalue().encode("utf-8")
