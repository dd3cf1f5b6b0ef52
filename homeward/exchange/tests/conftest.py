"""Import fixtures: files built in memory, and the actor of A's case worker."""

import csv
import io

import pytest
from django.utils import translation

from homeward.exchange.imports.columns import TEMPLATE_COLUMNS


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English whatever the machine's locale.
    with translation.override("en"):
        yield


def csv_bytes(rows, *, columns=None, delimiter=",", encoding="utf-8") -> bytes:
    """A CSV file of ``rows`` (dicts); ``columns`` defaults to the keys of the first row."""
    columns = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue().encode(encoding)


def person_row(**values) -> dict:
    row = {
        "person_id": "P1",
        "household_id": "H1",
        "relationship_to_head": "head",
        "first_name": "Milica",
        "father_name": "Dragan",
        "last_name": "Petrović",
        "sex": "F",
        "date_of_birth": "1984-03-15",
        "national_id": "",
        "phone": "064 123 4567",
        "address": "Kralja Petra 12",
        "settlement": "Kraljevo",
        "current_municipality": "Kraljevo",
        "origin_municipality": "Gjilan",
        "displacement_status": "idp",
    }
    row.update(values)
    return row


@pytest.fixture
def family():
    """Three rows: a household of two and a household of one."""
    return [
        person_row(),
        person_row(
            person_id="P2",
            relationship_to_head="child",
            first_name="Jovan",
            sex="M",
            date_of_birth="15.06.2010",
            phone="",
        ),
        person_row(
            person_id="P3",
            household_id="H2",
            relationship_to_head="",
            first_name="Ana",
            last_name="Jovanović",
            date_of_birth="1950",
            current_municipality="Zvezdara",
        ),
    ]


__all__ = ["TEMPLATE_COLUMNS", "csv_bytes", "person_row"]
