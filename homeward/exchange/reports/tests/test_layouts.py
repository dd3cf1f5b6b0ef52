"""Each layout on hand-made figures: the file opens, holds the figures where they belong, and
never a number in a suppressed cell."""

import csv
import dataclasses
import io
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from lxml import etree
from openpyxl import load_workbook

from homeward.exchange.reports import hxl, iati
from homeward.exchange.reports.docx import write_docx
from homeward.exchange.reports.long_csv import COLUMNS, write_csv
from homeward.exchange.reports.tests.made import (
    TARGET_TRAINED,
    TRAINED,
    TRAINED_WOMEN,
    made_report,
)
from homeward.exchange.reports.xlsx import write_xlsx

pytestmark = pytest.mark.django_db


def _docx_tables(content: bytes) -> list[list[list[str]]]:
    document = Document(io.BytesIO(content))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def _row_starting(tables, first: str) -> list[str]:
    for table in tables:
        for row in table:
            if row and row[0] == first:
                return row
    raise AssertionError(f"no row starts with {first!r}")


def test_the_docx_report_has_the_results_disaggregations_and_budget(project_a):
    content = write_docx(made_report(project_a))
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Економско оснаживање интерно расељених лица" in text
    assert "Progress report" in text
    tables = _docx_tables(content)

    trained = _row_starting(tables, "1.1.1")
    assert trained[1] == "IDPs who completed a business training"
    assert trained[3:7] == ["0", "40", "23", "57.5 %"]
    assert trained[7] == "lagging: 30 expected by now"

    share = _row_starting(tables, "1.1")
    assert share[5] == "fewer than 5"
    assert share[6] == "—", "a share of target would give the suppressed number back"
    assert share[7] == "on track"

    assert _row_starting(tables, "1.1.2")[7] == "target reached"
    assert _row_starting(tables, "women") == ["women", "17"]
    assert _row_starting(tables, "men") == ["men", "fewer than 5"]
    assert _row_starting(tables, "60 and over") == ["60 and over", "fewer than 5"]
    assert _row_starting(tables, "Income-generation grant") == [
        "Income-generation grant",
        "51,500.5",
        "36,000",
    ]
    assert _row_starting(tables, "Total")[1:] == ["61,500.5", "42,000"]
    assert _row_starting(tables, "Project budget")[1] == "250,000"
    # Progress, two disaggregations, trend and budget: drawn as pictures.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        pictures = [name for name in archive.namelist() if name.startswith("word/media/")]
    assert len(pictures) >= 4
    assert document.core_properties.subject == "project-a"


def test_the_docx_report_is_written_in_the_readers_language(project_a, settings):
    from django.utils import translation

    with translation.override("sr"):
        content = write_docx(made_report(project_a))
    tables = _docx_tables(content)
    # Serbian groups thousands with a dot and writes decimals with a comma.
    assert _row_starting(tables, "Income-generation grant")[1] == "51.500,5"


def _xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))


def _sheet_rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_xlsx_report_has_four_sheets_numbers_and_native_charts(project_a):
    content = write_xlsx(made_report(project_a))
    workbook = _xlsx(content)
    assert workbook.sheetnames == ["Indicators", "Disaggregations", "Trend", "Budget"]

    rows = _sheet_rows(workbook["Indicators"])
    header = rows.index(next(r for r in rows if r[2] == "Code"))
    by_code = {row[2]: row for row in rows[header + 1 :] if row[2]}
    trained = by_code["1.1.1"]
    assert trained[5:10] == [0, 40, 23, 57.5, 30]
    assert trained[10] == "yes"
    assert isinstance(trained[6], int)
    share = by_code["1.1"]
    assert share[7] == "<5"
    assert share[8] is None

    disaggregations = _sheet_rows(workbook["Disaggregations"])
    men = next(row for row in disaggregations if row[0] == "1.1.1" and row[3] == "M")
    women = next(row for row in disaggregations if row[0] == "1.1.1" and row[3] == "F")
    assert men[5] == "<5"
    assert women[5] == int(TRAINED_WOMEN)

    trend = _sheet_rows(workbook["Trend"])
    header = next(i for i, row in enumerate(trend) if row[0] == "Date")
    assert trend[header][1:] == ["1.1", "1.1.1"]
    column = trend[header].index("1.1.1")
    assert [row[column] for row in trend[header + 1 :]] == ["<5", 9, 23]

    budget = _sheet_rows(workbook["Budget"])
    grant = next(row for row in budget if row[0] == "Income-generation grant")
    assert grant[1:3] == [51500.5, 36000]

    # Native charts: target and actual; one per disaggregation of 1.1.1; one per indicator
    # with a trend; committed and delivered.
    charts = {name: workbook[name]._charts for name in workbook.sheetnames}
    assert {name: len(found) for name, found in charts.items()} == {
        "Indicators": 1,
        "Disaggregations": 2,
        "Trend": 2,
        "Budget": 1,
    }
    assert {type(chart).__name__ for chart in charts["Trend"]} == {"LineChart"}
    assert {type(chart).__name__ for chart in charts["Budget"]} == {"BarChart"}


def test_a_text_cell_that_looks_like_a_formula_is_made_inert(project_a):
    report = made_report(project_a)
    report.figures.indicators[1].name = '=HYPERLINK("http://evil")'
    workbook = _xlsx(write_xlsx(report))
    names = [row[3] for row in _sheet_rows(workbook["Indicators"]) if row[2] == "1.1.1"]
    assert names == ['\'=HYPERLINK("http://evil")']
    rows = list(csv.DictReader(io.StringIO(write_csv(report).decode("utf-8-sig"))))
    assert {r["indicator_name"] for r in rows if r["indicator"] == "1.1.1"} == {
        '\'=HYPERLINK("http://evil")'
    }


def test_the_csv_holds_the_same_figures_in_long_format(project_a):
    report = made_report(project_a)
    content = write_csv(report)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert list(rows[0]) == COLUMNS

    def value(indicator, measure, dimension="total", group=""):
        (row,) = [
            r
            for r in rows
            if (r["indicator"], r["measure"], r["dimension"], r["group"])
            == (indicator, measure, dimension, group)
        ]
        return row

    assert Decimal(value("1.1.1", "actual")["value"]) == TRAINED
    assert Decimal(value("1.1.1", "target")["value"]) == TARGET_TRAINED
    assert Decimal(value("1.1.1", "actual", "sex", "F")["value"]) == TRAINED_WOMEN
    assert Decimal(value("1.1.1", "percent_of_target")["value"]) == Decimal("57.5")
    assert value("1.1.1", "trend", "month", "2025-06-30")["value"] == "9"
    assert value("1.1.1", "period_actual", "period", "2025-01-01/2025-12-31")["value"] == "23"
    assert Decimal(value("", "committed", "total", "EUR")["value"]) == Decimal("61500.5")
    for row in rows:
        if row["suppressed"] == "true":
            assert row["value"] == "<5", row
        else:
            assert row["suppressed"] == "false"
            assert row["value"] == "" or Decimal(row["value"]) is not None
    hidden = {(r["indicator"], r["measure"], r["group"]) for r in rows if r["suppressed"] == "true"}
    assert ("1.1.1", "actual", "M") in hidden
    assert ("1.1", "actual", "") in hidden
    assert value("1.1", "percent_of_target")["value"] == ""


def test_the_iati_file_validates_against_the_official_schema(project_a):
    content = iati.write_iati(made_report(project_a))
    assert iati.validation_errors(content) == []
    root = etree.fromstring(content)
    assert root.get("version") == "2.03"
    (activity,) = root.findall("iati-activity")
    assert activity.findtext("iati-identifier") == "ZZ-HOMEWARD-org-a-project-a"
    assert activity.find("reporting-org").get("ref") == "ZZ-HOMEWARD-org-a"
    roles = sorted(
        (o.get("role"), o.findtext("narrative")) for o in activity.findall("participating-org")
    )
    assert roles == [("1", "The Donor"), ("2", "Organisation A"), ("4", "Organisation A")]
    languages = [
        n.get("{http://www.w3.org/XML/1998/namespace}lang")
        for n in activity.find("description").findall("narrative")
    ]
    assert languages == [None, "sr", "sq"]
    assert activity.find("activity-status").get("code") == "2"
    results = activity.findall("result")
    # The objective has no indicator: IATI requires one, so it is left out.
    assert [r.get("type") for r in results] == ["2", "1"]
    indicators = {
        i.find("reference").get("code"): i for r in results for i in r.findall("indicator")
    }
    share = indicators["1.1"]
    assert share.get("measure") == "2"
    (period,) = share.findall("period")
    (actual,) = period.findall("actual")
    assert actual.get("value") is None
    assert actual.find("comment").findtext("narrative") == "fewer than 5"
    trained = indicators["1.1.1"]
    assert trained.get("measure") == "1"
    assert trained.find("baseline").get("value") == "0"
    periods = trained.findall("period")
    assert [p.find("target").get("value") for p in periods] == ["20", "40"]
    assert [a.get("value") for p in periods for a in p.findall("actual")] == ["23"]
    # A single period carries the disaggregations that are not suppressed.
    officials = indicators["1.1.2"]
    assert [a.get("value") for a in officials.find("period").findall("actual")] == ["12"]
    assert activity.find("budget/value").text == "250000"
    assert [t.find("transaction-type").get("code") for t in activity.findall("transaction")] == [
        "2",
        "4",
    ]


def test_the_iati_identifier_comes_from_the_setting_when_set(project_a, settings):
    settings.HOMEWARD_IATI_ORGANISATION_REFS = {"org-a": "RS-MB-12345678", "donor": "XM-DAC-7"}
    root = etree.fromstring(iati.write_iati(made_report(project_a)))
    activity = root.find("iati-activity")
    assert activity.findtext("iati-identifier") == "RS-MB-12345678-project-a"
    refs = {o.get("ref") for o in activity.findall("participating-org")}
    assert refs == {"RS-MB-12345678", "XM-DAC-7"}


def test_a_disaggregated_single_period_leaves_suppressed_cells_out(project_a):
    report = made_report(project_a)
    trained = report.figures.indicator(1)
    trained.periods = []
    root = etree.fromstring(iati.write_iati(report))
    (indicator,) = [i for i in root.iter("indicator") if i.find("reference").get("code") == "1.1.1"]
    actuals = indicator.find("period").findall("actual")
    assert [(a.get("value"), [(d.get("name"), d.get("value")) for d in a]) for a in actuals] == [
        ("23", []),
        ("17", [("sex", "F")]),
        ("19", [("age_band", "18-59")]),
    ]


def test_the_iati_indicator_description_is_written_in_each_language_it_has(project_a):
    report = made_report(project_a)
    trained = report.figures.indicator(1)
    trained.definitions = {
        "en": "Counted once per person.",
        "sr": "Свако лице се броји једном.",
        "sr_latn": "Svako lice se broji jednom.",
        "sq": "Çdo person numërohet një herë.",
    }
    content = iati.write_iati(report)
    assert iati.validation_errors(content) == []
    root = etree.fromstring(content)
    (indicator,) = [i for i in root.iter("indicator") if i.find("reference").get("code") == "1.1.1"]
    narratives = [
        (n.get("{http://www.w3.org/XML/1998/namespace}lang"), n.text)
        for n in indicator.find("description").findall("narrative")
    ]
    assert narratives == [
        (None, "Counted once per person."),
        ("sr", "Свако лице се броји једном."),
        ("sq", "Çdo person numërohet një herë."),
    ]


def test_an_invalid_iati_file_is_refused_with_the_schemas_words(project_a, monkeypatch):
    def broken(report):
        return b'<iati-activities version="2.03"><iati-activity/></iati-activities>'

    monkeypatch.setattr(iati, "build_activity_file", broken)
    with pytest.raises(iati.IatiInvalid) as refused:
        iati.write_iati(made_report(project_a))
    assert "iati-identifier" in str(refused.value)
    assert refused.value.details["errors"]


def test_the_copied_schema_carries_its_licence():
    assert (iati.SCHEMA_DIRECTORY / "LICENSE").read_text().strip()
    for name in ("iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd"):
        assert (iati.SCHEMA_DIRECTORY / name).is_file()


@pytest.mark.parametrize(
    ("counts", "total_shown", "marks"),
    [
        ([6, 9], True, ["", ""]),
        ([12, 3], True, ["x", "<5"]),
        ([12, 3, 2], True, ["", "<5", "<5"]),
        ([0, 0, 0, 12, 3, 7], True, ["", "", "", "", "<5", "x"]),
        ([3, 0], False, ["<5", ""]),
    ],
)
def test_a_3w_hides_small_counts_and_what_would_give_them_back(counts, total_shown, marks):
    assert hxl.suppress_group(counts, total_shown=total_shown) == marks


def test_a_character_xml_cannot_hold_does_not_fail_the_files(project_a):
    report = made_report(project_a)
    report.figures.indicators[1].name = "People\x0btrained"
    report.figures.results[2] = report.figures.results[2].__class__(
        "output", "1.1", "Trained\x0c and equipped", "1", (1, 3)
    )
    assert "People trained" in "\n".join(
        c.text
        for t in Document(io.BytesIO(write_docx(report))).tables
        for r in t.rows
        for c in r.cells
    )
    workbook = load_workbook(io.BytesIO(write_xlsx(report)))
    assert "People trained" in [row[3] for row in _sheet_rows(workbook["Indicators"])]
    assert iati.validation_errors(iati.write_iati(report)) == []


def test_a_cell_hidden_only_to_protect_another_is_marked_x_not_fewer_than_5(project_a):
    # Hidden so that the small one cannot be subtracted from the total, the women's cell may
    # hold 5 or more: "<5" would be false, so the files write "x" (suppressed) instead.
    report = made_report(project_a)
    indicator = next(i for i in report.figures.indicators if i.code == "1.1.1")
    breakdown = next(b for b in indicator.breakdowns if b.dimension == "sex")
    women = next(cell for cell in breakdown.cells if cell.key == "F")
    index = breakdown.cells.index(women)
    breakdown.cells[index] = dataclasses.replace(
        women, value=None, suppressed=True, complementary=True
    )

    rows = list(csv.DictReader(io.StringIO(write_csv(report).decode("utf-8-sig"))))
    (row,) = [
        r
        for r in rows
        if (r["indicator"], r["measure"], r["dimension"], r["group"])
        == (indicator.code, "actual", "sex", "F")
    ]
    assert (row["value"], row["suppressed"]) == ("x", "true")

    sheet = load_workbook(io.BytesIO(write_xlsx(report)))["Disaggregations"]
    marks = {(line[0].value, line[3].value): line[5].value for line in sheet.iter_rows(min_row=2)}
    assert marks[(indicator.code, "F")] == "x"

    tables = _docx_tables(write_docx(report))
    assert any(
        row[0] == women.label and row[1].startswith("hidden") for table in tables for row in table
    )
