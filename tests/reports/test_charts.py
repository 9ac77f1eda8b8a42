"""The SVG bar chart is readable without colour and comes with the table of its numbers."""

import re

import pytest
from django.utils import translation

from reports.charts import BarChart, Series


def chart():
    return BarChart(
        title="People by type & severity",
        categories=["Physical", "Hearing", "A category with a very long official name that goes on and on"],
        series=[Series("Mild", [3, 0, 1]), Series("Severe", [2, 1, 0])],
        key="types",
    )


def test_each_series_has_its_own_pattern_and_the_legend_shows_it():
    svg = str(chart().svg())
    patterns = re.findall(r'<pattern id="(types-p\d)"', svg)
    assert patterns == ["types-p0", "types-p1"]
    assert svg.count('fill="url(#types-p0)"') == 1 + 2  # the legend and two bars
    assert svg.count('fill="url(#types-p1)"') == 1 + 2
    assert "<path" in svg.split("types-p1", 1)[1].split("</pattern>")[0]  # the second is hatched, not a colour alone


def test_the_svg_is_an_image_with_a_title_and_description_and_writes_each_total():
    svg = str(chart().svg())
    assert 'role="img"' in svg and 'aria-labelledby="types-title types-desc"' in svg
    assert '<title id="types-title">People by type &amp; severity</title>' in svg
    assert re.findall(r'font-weight="bold"[^>]*>(\d+)</text>', svg) == ["5", "1", "1"]
    assert ">A category with a very long official name…<" in svg  # shortened on the chart; whole in the table


def test_the_table_holds_the_same_numbers():
    with translation.override("en"):
        table = chart().table()
    assert table["headers"] == ["Mild", "Severe", "Total"]
    assert table["rows"][0] == ("Physical", [3, 2, 5])
    assert table["rows"][2][0].endswith("on and on")


def test_a_single_series_has_no_legend_and_no_total_column():
    single = BarChart(title="Active", categories=["A", "B"], series=[Series("Active", [4, 0])])
    assert single.table()["headers"] == ["Active"]
    assert '<rect x="270" y="4.0"' not in str(single.svg())
    assert not single.is_empty and BarChart(title="None", categories=["A"], series=[Series("x", [0])]).is_empty


def test_values_must_match_the_categories():
    with pytest.raises(ValueError):
        BarChart(title="Bad", categories=["A", "B"], series=[Series("x", [1])])


def test_grouped_bars_give_each_series_its_own_bar_and_no_total():
    trend = BarChart(
        title="Months",
        categories=["Jan", "Feb"],
        series=[Series("Complaints", [3, 1]), Series("Referrals", [2, 0])],
        grouped=True,
    )
    svg = str(trend.svg())
    assert re.findall(r'font-weight="bold"[^>]*>(\d+)</text>', svg) == ["3", "2", "1", "0"]
    assert trend.table()["headers"] == ["Complaints", "Referrals"]
