"""The charts: valid SVG with a name and a description, the same numbers in a table, and a
suppressed value never drawn or written as a number."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from lxml import etree

from homeward.results import charts
from homeward.results.figures import Breakdown, Cell, TrendPoint
from homeward.results.tests.made_figures import made_indicator, made_project_figures

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(chart):
    root = etree.fromstring(str(chart.svg).encode())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == chart.title
    assert root[1].tag == f"{SVG}desc"
    assert root[1].text
    assert root.get("aria-labelledby") == f"{chart.ident}-title {chart.ident}-desc"
    # Nothing the site's content security policy would block.
    assert "style=" not in str(chart.svg)
    assert "<style" not in str(chart.svg)
    assert "<script" not in str(chart.svg)
    assert "http" not in str(chart.svg).replace("http://www.w3.org/2000/svg", "")
    return root


def _texts(root) -> list[str]:
    return ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]


def _every_chart(indicator, figures):
    yield charts.progress_chart(indicator, ident="p")
    yield charts.trend_chart(indicator, start=figures.start, end=figures.end, ident="t")
    for breakdown in indicator.breakdowns:
        yield charts.breakdown_chart(breakdown, unit=indicator.unit, ident="b")
    yield charts.budget_chart(figures.budget, ident="m")


def test_every_chart_is_valid_svg_with_a_table():
    figures = made_project_figures()
    for chart in _every_chart(figures.indicators[0], figures):
        _parsed(chart)
        assert chart.rows
        assert all(len(row) == len(chart.headers) for row in chart.rows)


def test_the_progress_chart_says_actual_target_share_and_pace():
    chart = charts.progress_chart(made_indicator(), ident="p")
    root = _parsed(chart)
    assert dict(chart.rows) == {
        "Baseline": "0",
        "Target": "40",
        "Expected by now": "30",
        "Actual": "23",
        "Share of the target": "58 %",
    }
    assert "target 40" in _texts(root)
    assert "expected by now 30" in _texts(root)
    description = root[1].text
    assert "Actual 23 against a target of 40." in description
    assert "Lagging." in description
    # The pace marker is a dashed line, the bar of a lagging indicator is marked as such.
    assert root.findall(f".//{SVG}line[@class='chart-pace']")
    assert root.findall(f".//{SVG}rect[@class='chart-bar-lagging']")


def test_a_share_is_drawn_on_a_scale_of_a_hundred_without_pace():
    indicator = made_indicator(
        unit="percentage", target="40", actual="46.3", expected=None, lagging=False
    )
    chart = charts.progress_chart(indicator, ident="p")
    root = _parsed(chart)
    assert dict(chart.rows)["Actual"] == "46 %"
    assert dict(chart.rows)["Expected by now"] == "—"
    assert not root.findall(f".//{SVG}line[@class='chart-pace']")
    trend = charts.trend_chart(indicator, start=date(2025, 1, 1), end=date(2026, 12, 31), ident="t")
    assert {row[2] for row in trend.rows} == {"40 %"}


def test_a_suppressed_value_is_never_shown_as_a_number():
    # Even a layout handed the value behind a suppressed cell must not show it.
    breakdown = Breakdown(
        "municipality",
        "Municipality",
        [
            Cell("RS-00-zvezdara", "Zvezdara", Decimal(12)),
            Cell("XK-gjilan", "Gjilan", Decimal(3), suppressed=True),
        ],
    )
    indicator = made_indicator(
        suppressed=True,
        actual="3",
        breakdowns=[breakdown],
        trend=[
            TrendPoint(date(2025, 6, 30), Decimal(3), suppressed=True),
            TrendPoint(date(2025, 12, 31), Decimal(3), suppressed=True),
        ],
        target="44",
        expected="22",
    )
    figures = made_project_figures(indicators=[indicator], aggregate_only=True)
    for chart in list(_every_chart(indicator, figures))[:3]:
        root = _parsed(chart)
        words = " ".join([*_texts(root), root[1].text]) + " ".join(
            " ".join(row) for row in chart.rows
        )
        assert not re.search(r"(?<![\d.,])3(?![\d.,])", words), chart.title
        assert "fewer than 5" in words
    bars = charts.breakdown_chart(breakdown, unit="people", ident="b")
    root = _parsed(bars)
    assert bars.rows == [("Zvezdara", "12"), ("Gjilan", "fewer than 5")]
    assert len(root.findall(f".//{SVG}rect[@class='chart-suppressed']")) == 1
    assert root.find(f".//{SVG}pattern[@id='b-hatch']") is not None


def test_the_trend_follows_the_period_targets():
    figures = made_project_figures()
    chart = charts.trend_chart(
        figures.indicators[0], start=figures.start, end=figures.end, ident="t"
    )
    root = _parsed(chart)
    assert chart.rows[0] == ("January 2025", "fewer than 5", "1.6")
    assert chart.rows[2] == ("December 2025", "18", "20")
    target_path = root.find(f".//{SVG}polyline[@class='chart-target-path']")
    assert len(target_path.get("points").split()) == 3  # start, end of year 1, end of year 2
    assert charts.trend_chart(made_indicator(trend=[]), start=None, end=None, ident="x") is None


def test_the_budget_shows_committed_and_delivered_per_line():
    chart = charts.budget_chart(made_project_figures().budget, ident="m")
    root = _parsed(chart)
    assert chart.rows[0] == ("Budget", "250,000.00\xa0EUR", "", "")
    assert chart.rows[1] == ("All assistance", "120,500.50\xa0EUR", "80,250.00\xa0EUR", "67 %")
    assert "Aid kit & <return> package" in " ".join(_texts(root))


@pytest.mark.parametrize(
    ("language", "committed"),
    [("sr", "120.500,50\xa0EUR"), ("sr-latn", "120.500,50\xa0EUR"), ("sq", "120\xa0500,50\xa0EUR")],
)
def test_numbers_are_written_as_the_language_writes_them(language, committed):
    with translation.override(language):
        chart = charts.budget_chart(made_project_figures().budget, ident="m")
        trend = charts.trend_chart(
            made_indicator(), start=date(2025, 1, 1), end=date(2026, 12, 31), ident="t"
        )
    _parsed(chart)
    assert chart.rows[1][1] == committed
    assert trend.rows[0][2] == "1,6"


def test_a_cell_hidden_only_to_protect_another_does_not_claim_to_be_small():
    # 12 people: 9 women and 3 men would let the men be worked out; the women's cell is hidden
    # too, but it holds 9, so it must not say "fewer than 5".
    breakdown = Breakdown(
        "sex",
        "Sex",
        [
            Cell("F", "women", None, suppressed=True, complementary=True),
            Cell("M", "men", None, suppressed=True),
        ],
    )
    chart = charts.breakdown_chart(breakdown, unit="people", ident="sex")
    assert chart.rows == [("women", "hidden"), ("men", "fewer than 5")]
    assert "women: hidden; men: fewer than 5" in _parsed(chart)[1].text


def test_a_value_not_known_yet_is_a_gap_not_a_suppressed_mark():
    indicator = made_indicator(
        target=None,
        trend=[
            TrendPoint(date(2025, 1, 31), None),
            TrendPoint(date(2025, 2, 28), Decimal(310)),
            TrendPoint(date(2025, 3, 31), Decimal(320)),
        ],
    )
    chart = charts.trend_chart(indicator, start=date(2025, 1, 1), end=date(2025, 12, 31), ident="t")
    root = _parsed(chart)
    assert not root.findall(f".//{SVG}circle[@class='chart-suppressed']")
    assert root.find(f".//{SVG}polyline[@class='chart-target-path']") is None
    # Without a target there is no target path to tabulate either.
    assert chart.headers == ("Month", "Actual, cumulative")
    assert chart.rows == [("January 2025", "—"), ("February 2025", "310"), ("March 2025", "320")]
