"""Chart rules, validation and rendering: each rule checks the spec and the figure's data."""
from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import pytest

from core.charts import (
    ChartSpec,
    InvalidChartSpec,
    explore_charts,
    infer_roles,
    recommend,
    render,
    spec_from_llm,
    validate_spec,
    write_html,
)
from core.errors import ExcelChatError


def arr(v) -> np.ndarray:
    """A trace array from fig.to_dict(): plotly encodes numeric numpy arrays as {"dtype", "bdata"}."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return a.reshape([int(n) for n in v["shape"].split(",")]) if "shape" in v else a
    return np.asarray(v)


def traces(fig) -> list[dict]:
    return fig.to_dict()["data"]


def kinds(specs) -> list[str]:
    return [s.chart_type for s in specs]


@pytest.fixture
def sales_table() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 600
    return pd.DataFrame({
        "order_id": np.arange(1, n + 1),
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
        "region": rng.choice(["East", "West", "North", "South"], n),
        "product": rng.choice([f"Product {c}" for c in "ABCDEFGH"], n),
        "customer_code": [f"C{i:05d}" for i in range(n)],
        "sales": rng.gamma(2.0, 150.0, n).round(2),
        "quantity": rng.integers(1, 20, n),
    })


# --- rules + figure data -------------------------------------------------------------------------
def test_monthly_trend_is_a_line_whose_values_sum_to_the_total():
    months = pd.date_range("2024-01-01", periods=12, freq="MS")
    sales = [120.0, 90.5, 130.0, 150.25, 160.0, 155.0, 170.0, 180.0, 175.5, 190.0, 210.0, 250.0]
    df = pd.DataFrame({"month": months, "total_sales": sales}).sample(frac=1, random_state=1)  # unsorted
    specs = recommend(df, "monthly sales trend")
    assert specs[0].chart_type == "line" and specs[0].x == "month" and specs[0].y == ["total_sales"]
    assert "area" in kinds(specs) and len(specs) <= 3 and specs[0].priority == 1
    fig = render(df, specs[0])
    (tr,) = traces(fig)
    assert tr["type"] == "scatter"
    assert arr(tr["y"]).sum() == pytest.approx(sum(sales))
    assert list(pd.to_datetime(arr(tr["x"]))) == list(months)  # sorted on a time axis
    assert list(arr(tr["y"])) == sales
    lay = fig.to_dict()["layout"]
    assert lay["xaxis"]["type"] == "date" and lay["xaxis"]["title"]["text"] == "month"
    assert lay["yaxis"]["tickprefix"] == "$" and lay["yaxis"]["tickformat"] == ","
    assert "%b %Y" in tr["hovertemplate"] and "$,.2f" in tr["hovertemplate"]
    assert fig.layout.template.layout.paper_bgcolor == "rgba(0,0,0,0)"  # suits light and dark themes


def test_iso_month_strings_are_dates():
    df = pd.DataFrame({"month": [f"2024-{m:02d}" for m in range(1, 7)], "orders": [5, 7, 6, 9, 11, 10]})
    assert infer_roles(df)["month"] == "date"
    spec = recommend(df)[0]
    assert (spec.chart_type, spec.x, spec.y) == ("line", "month", ["orders"])
    assert list(arr(traces(render(df, spec))[0]["y"])) == [5, 7, 6, 9, 11, 10]


def test_category_and_measure_is_a_bar_sorted_descending():
    df = pd.DataFrame({"region": ["East", "West", "North", "South"], "revenue": [10.0, 40.0, 30.0, 20.0]})
    spec = recommend(df, "revenue by region")[0]
    assert (spec.chart_type, spec.x, spec.y, spec.sort, spec.orientation) == ("bar", "region", ["revenue"], "desc", "v")
    (tr,) = traces(render(df, spec))
    assert list(tr["x"]) == ["West", "North", "South", "East"]
    assert list(arr(tr["y"])) == [40.0, 30.0, 20.0, 10.0]


def test_long_labels_give_horizontal_bars_largest_on_top():
    names = ["Enterprise software licences", "Professional services", "Hardware maintenance", "Cloud hosting"]
    df = pd.DataFrame({"line_of_business": names, "profit": [5.0, 9.0, 2.0, 7.0]})
    spec = recommend(df)[0]
    assert spec.chart_type == "bar" and spec.orientation == "h"
    fig = render(df, spec)
    (tr,) = traces(fig)
    assert tr["orientation"] == "h"
    assert list(tr["y"]) == ["Professional services", "Cloud hosting", "Enterprise software licences",
                             "Hardware maintenance"]
    assert list(arr(tr["x"])) == [9.0, 7.0, 5.0, 2.0]
    assert fig.to_dict()["layout"]["yaxis"]["autorange"] == "reversed"  # first row drawn at the top


def test_share_question_with_few_categories_is_a_pie():
    df = pd.DataFrame({"channel": ["Web", "Store", "Phone"], "sales": [500.0, 300.0, 200.0]})
    specs = recommend(df, "what is the share of sales by channel?")
    assert specs[0].chart_type == "pie" and specs[0].x == "channel" and specs[0].y == ["sales"]
    assert "bar" in kinds(specs)
    (tr,) = traces(render(df, specs[0]))
    assert tr["type"] == "pie" and list(tr["labels"]) == ["Web", "Store", "Phone"]
    assert list(arr(tr["values"])) == [500.0, 300.0, 200.0]
    donut = render(df, specs[0].model_copy(update={"chart_type": "donut"}))
    assert traces(donut)[0]["hole"] > 0


def test_share_question_with_negative_values_is_never_a_pie():
    df = pd.DataFrame({"segment": ["A", "B", "C"], "profit": [120.0, -40.0, 60.0]})
    specs = recommend(df, "breakdown of profit by segment as a percentage of total")
    assert specs and not {"pie", "donut"} & set(kinds(specs))
    assert specs[0].chart_type == "bar"
    with pytest.raises(InvalidChartSpec):
        validate_spec(ChartSpec(chart_type="pie", x="segment", y=["profit"]), df)


def test_500_categories_become_top_20_plus_other_with_the_tail_sum():
    rng = np.random.default_rng(3)
    values = rng.permutation(np.arange(1, 501)).astype(float)
    df = pd.DataFrame({"sku_name": [f"item {i}" for i in range(500)], "units": values})
    spec = recommend(df)[0]
    assert spec.chart_type == "bar" and spec.orientation == "h"  # many categories
    (tr,) = traces(render(df, spec))
    labels, vals = list(tr["y"]), arr(tr["x"])
    assert len(labels) == 21 and labels[-1] == "Other"
    assert list(vals[:20]) == sorted(values, reverse=True)[:20]
    assert vals[-1] == pytest.approx(values.sum() - vals[:20].sum())
    assert vals.sum() == pytest.approx(values.sum())


def test_non_additive_long_tail_is_cut_not_summed():
    df = pd.DataFrame({"store": [f"store {i}" for i in range(30)], "avg_price": np.linspace(1, 30, 30)})
    fig = render(df, recommend(df)[0])
    assert "Other" not in list(traces(fig)[0]["y"]) and len(traces(fig)[0]["y"]) == 20
    assert "top 20 of 30" in fig.layout.title.text


def test_two_measures_are_a_scatter():
    df = pd.DataFrame({"price": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "units": [60, 52, 41, 33, 20, 11]})
    spec = recommend(df, "relationship between price and units")[0]
    assert (spec.chart_type, spec.x, spec.y) == ("scatter", "price", ["units"])
    (tr,) = traces(render(df, spec))
    assert list(arr(tr["x"])) == list(df["price"]) and list(arr(tr["y"])) == list(df["units"])


def test_label_column_with_two_measures_and_a_vs_question_is_a_scatter_with_labels():
    df = pd.DataFrame({"product": list("ABCDEF"), "cost": [1.0, 2, 3, 4, 5, 6], "margin": [.1, .2, .15, .3, .25, .4]})
    spec = recommend(df, "cost vs margin")[0]
    assert (spec.chart_type, spec.x, spec.y) == ("scatter", "cost", ["margin"])
    fig = render(df, spec)
    assert list(traces(fig)[0]["text"]) == list("ABCDEF")
    assert fig.to_dict()["layout"]["yaxis"]["tickformat"] == ".1%"


def test_single_measure_of_many_rows_is_a_histogram():
    vals = np.random.default_rng(1).normal(50, 10, 200).round(2)
    df = pd.DataFrame({"delivery_days": vals})
    specs = recommend(df, "distribution of delivery days")
    assert kinds(specs) == ["histogram", "box"] and specs[0].y == ["delivery_days"] and specs[0].x is None
    (tr,) = traces(render(df, specs[0]))
    assert tr["type"] == "histogram" and np.allclose(arr(tr["x"]), vals)
    (box,) = traces(render(df, specs[1]))
    assert box["type"] == "box" and np.allclose(arr(box["y"]), vals)


def test_two_categories_and_a_measure_are_grouped_bar_or_heatmap():
    df = pd.DataFrame({"region": ["East", "East", "West", "West", "North", "North"],
                       "channel": ["Web", "Store"] * 3, "orders": [10, 5, 8, 12, 3, 4]})
    specs = recommend(df, "compare orders by region and channel")
    assert specs[0].chart_type == "grouped_bar" and "heatmap" in kinds(specs)
    assert (specs[0].x, specs[0].y, specs[0].color) == ("region", ["orders"], "channel")
    trs = traces(render(df, specs[0]))
    by_name = {t["name"]: dict(zip(t["x"], arr(t["y"]), strict=False)) for t in trs}
    assert by_name["Web"] == {"East": 10, "West": 8, "North": 3}
    assert by_name["Store"] == {"East": 5, "West": 12, "North": 4}
    hm = traces(render(df, next(s for s in specs if s.chart_type == "heatmap")))[0]
    z = pd.DataFrame(arr(hm["z"]), index=hm["y"], columns=hm["x"])
    assert z.loc["Store", "West"] == 12 and z.loc["Web", "North"] == 3


def test_date_category_and_measure_is_a_multi_series_line():
    months = pd.date_range("2024-01-01", periods=4, freq="MS")
    df = pd.DataFrame({"month": list(months) * 2, "region": ["East"] * 4 + ["West"] * 4,
                       "sales": [1.0, 2, 3, 4, 10, 20, 30, 40]})
    spec = recommend(df, "sales trend by region")[0]
    assert (spec.chart_type, spec.x, spec.y, spec.color) == ("line", "month", ["sales"], "region")
    trs = {t["name"]: t for t in traces(render(df, spec))}
    assert set(trs) == {"East", "West"}
    assert list(arr(trs["West"]["y"])) == [10, 20, 30, 40] and list(arr(trs["East"]["y"])) == [1, 2, 3, 4]


def test_year_integers_grouped_by_the_question_are_not_measures():
    df = pd.DataFrame({"year": [2020, 2021, 2022, 2023], "revenue": [1.0e6, 1.2e6, 1.1e6, 1.5e6]})
    assert infer_roles(df, "revenue by year")["year"] == "dimension"
    specs = recommend(df, "revenue by year")
    assert specs[0].chart_type in ("bar", "line") and specs[0].x == "year" and "scatter" not in kinds(specs)
    trend = recommend(df, "revenue trend over the years")[0]
    assert trend.chart_type == "line"
    fig = render(df, trend)
    assert fig.to_dict()["layout"]["xaxis"]["tickformat"] == "d"  # 2020, not 2,020
    bar = render(df, next(s for s in specs if s.chart_type == "bar"))
    assert list(traces(bar)[0]["x"]) == ["2020", "2021", "2022", "2023"]  # kept in order, not by value


def test_roles_argument_overrides_inference():
    df = pd.DataFrame({"store_number": [11, 12, 13], "sales": [3.0, 9.0, 6.0]})
    assert recommend(df)[0].chart_type == "scatter"
    spec = recommend(df, roles={"store_number": "dimension"})[0]
    assert (spec.chart_type, spec.x) == ("bar", "store_number")


# --- edge cases ----------------------------------------------------------------------------------
def test_single_value_has_no_chart():
    assert recommend(pd.DataFrame({"total_sales": [1234.5]})) == []


def test_one_row_category_and_measure_is_a_bar():
    df = pd.DataFrame({"region": ["East"], "sales": [42.0]})
    spec = recommend(df)[0]
    assert spec.chart_type in ("bar", "table")
    if spec.chart_type == "bar":
        (tr,) = traces(render(df, spec))
        assert list(tr["x"]) == ["East"] and list(arr(tr["y"])) == [42.0]


def test_empty_and_all_null_frames_have_no_chart():
    assert recommend(pd.DataFrame()) == []
    assert recommend(pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=str)})) == []
    assert recommend(pd.DataFrame({"a": [None, None], "b": [np.nan, np.nan]})) == []
    assert explore_charts(pd.DataFrame()) == []


def test_mixed_type_column_is_treated_as_text():
    df = pd.DataFrame({"code_or_name": [1, "b", 2.5, "d"], "qty": [4.0, 3.0, 2.0, 1.0]})
    assert infer_roles(df)["code_or_name"] == "dimension"
    spec = recommend(df)[0]
    assert (spec.chart_type, spec.x, spec.y) == ("bar", "code_or_name", ["qty"])
    (tr,) = traces(render(df, spec))
    assert list(tr["x"]) == ["1", "b", "2.5", "d"]


def test_mixed_type_value_column_is_not_a_measure():
    df = pd.DataFrame({"region": ["East", "West"], "value": [1, "n/a"]})
    assert kinds(recommend(df)) == ["table"]


def test_a_single_date_is_not_a_line():
    one = pd.DataFrame({"day": [pd.Timestamp("2024-05-01")], "sales": [10.0]})
    assert "line" not in kinds(recommend(one, "sales trend"))
    with pytest.raises(InvalidChartSpec):
        validate_spec({"chart_type": "line", "x": "day", "y": "sales"}, one)
    per_region = pd.DataFrame({"day": [pd.Timestamp("2024-05-01")] * 3, "region": ["A", "B", "C"],
                               "sales": [3.0, 1.0, 2.0]})
    spec = recommend(per_region, "sales trend")[0]
    assert (spec.chart_type, spec.x) == ("bar", "region")


def test_render_never_mutates_the_input():
    df = pd.DataFrame({"month": ["2024-02", "2024-01", "2024-03"], "Sales": [2, 1, 3], 7: ["x", "y", "z"]})
    before = df.copy()
    for spec in recommend(df) + [ChartSpec(chart_type="table", title="t")]:
        render(df, spec)
    pd.testing.assert_frame_equal(df, before)


def test_number_formats():
    df = pd.DataFrame({"team": ["A", "B", "C"], "win_rate": [0.5, 0.25, 0.75], "goals": [1200, 3400, 5600]})
    rate = render(df, ChartSpec(chart_type="bar", x="team", y=["win_rate"]))
    assert rate.to_dict()["layout"]["yaxis"]["tickformat"] == ".1%"
    assert ".1%" in traces(rate)[0]["hovertemplate"]
    goals = render(df, ChartSpec(chart_type="bar", x="team", y=["goals"]))
    ax = goals.to_dict()["layout"]["yaxis"]
    assert ax["tickformat"] == "," and "tickprefix" not in ax


# --- validation and LLM specs --------------------------------------------------------------------
def test_validate_spec_rejects_unknown_columns_and_bad_types():
    df = pd.DataFrame({"region": ["East", "West"], "sales": [1.0, 2.0]})
    with pytest.raises(InvalidChartSpec) as e:
        validate_spec(ChartSpec(chart_type="bar", x="country", y=["sales"]), df)
    assert isinstance(e.value, ValueError) and isinstance(e.value, ExcelChatError) and "country" in str(e.value)
    with pytest.raises(ValueError):
        validate_spec(ChartSpec(chart_type="bar", x="region", y=["revenue"]), df)
    with pytest.raises(InvalidChartSpec):
        validate_spec(ChartSpec(chart_type="line", y=["sales"]), df)  # a line without an x
    with pytest.raises(InvalidChartSpec):
        validate_spec(ChartSpec(chart_type="bar", x="sales", y=["region"]), df)  # text values
    with pytest.raises(InvalidChartSpec):
        validate_spec({"chart_type": "bubble", "x": "region", "y": "sales"}, df)
    ok = validate_spec({"chart_type": "bar", "x": "region", "y": "sales"}, df)
    assert ok.y == ["sales"]


def test_to_json_dict_shapes_y():
    one = ChartSpec(chart_type="bar", title="t", x="a", y="b").to_json_dict()
    assert one["y"] == "b" and one["chart_type"] == "bar" and one["x"] == "a" and one["title"] == "t"
    assert ChartSpec(chart_type="grouped_bar", x="a", y=["b", "c"]).to_json_dict()["y"] == ["b", "c"]


def test_spec_from_llm_accepts_a_good_dict_and_falls_back_on_a_bad_one():
    df = pd.DataFrame({"region": ["East", "West", "North"], "sales": [5.0, 3.0, 9.0]})
    good = spec_from_llm({"type": "Horizontal Bar", "x": "region", "y": "sales", "title": "Sales",
                          "reasoning": "compare", "priority": 9}, df, "sales by region")
    assert good[0].chart_type == "bar" and good[0].orientation == "h" and good[0].priority == 1
    rules = recommend(df, "sales by region")
    assert spec_from_llm({"chart_type": "pie", "x": "country", "y": "sales"}, df, "sales by region") == rules
    assert spec_from_llm({"charts": [{"chart_type": "line", "y": "sales"}]}, df, "sales by region") == rules
    assert spec_from_llm("not json", df, "sales by region") == rules
    assert spec_from_llm(None, df, "sales by region") == rules
    neg = pd.DataFrame({"segment": ["A", "B"], "profit": [5.0, -2.0]})
    assert "pie" not in kinds(spec_from_llm({"chart_type": "pie", "x": "segment", "y": "profit"}, neg, "share"))


def test_render_rejects_an_invalid_spec():
    df = pd.DataFrame({"region": ["East"], "sales": [1.0]})
    with pytest.raises(InvalidChartSpec):
        render(df, ChartSpec(chart_type="bar", x="nope", y=["sales"]))


# --- explore and export --------------------------------------------------------------------------
def test_explore_charts_on_a_sales_table(sales_table):
    before = sales_table.copy()
    out = explore_charts(sales_table)
    types = [s.chart_type for s, _ in out]
    assert 4 <= len(out) <= 6
    assert {"histogram", "bar", "line"} <= set(types)
    used = {c for s, _ in out for c in [s.x, s.color, *s.y] if c}
    assert not used & {"order_id", "customer_code"}  # ID-like columns skipped
    line_spec, line_fig = next((s, f) for s, f in out if s.chart_type == "line")
    assert (line_spec.x, line_spec.y, line_spec.aggregation, line_spec.bucket) == ("order_date", ["sales"], "sum",
                                                                                   "month")
    (tr,) = traces(line_fig)
    assert len(arr(tr["y"])) == 12 and arr(tr["y"]).sum() == pytest.approx(sales_table["sales"].sum())
    bar_spec, bar_fig = next((s, f) for s, f in out if s.chart_type == "bar")
    totals = sales_table.groupby(bar_spec.x)["sales"].sum().sort_values(ascending=False)
    (bt,) = traces(bar_fig)
    assert list(bt["x"] if bar_spec.orientation == "v" else bt["y"]) == list(totals.index)
    assert np.allclose(arr(bt["y"] if bar_spec.orientation == "v" else bt["x"]), totals.to_numpy())
    hist_spec, hist_fig = next((s, f) for s, f in out if s.chart_type == "histogram")
    assert hist_spec.y == ["sales"] and np.allclose(arr(traces(hist_fig)[0]["x"]), sales_table["sales"])
    assert len(explore_charts(sales_table, max_charts=2)) == 2
    pd.testing.assert_frame_equal(sales_table, before)


def test_explore_counts_rows_when_there_is_no_measure():
    df = pd.DataFrame({"signup": pd.date_range("2024-01-01", periods=90, freq="D"),
                       "plan": ["free", "pro", "team"] * 30})
    out = explore_charts(df)
    line = next(s for s, _ in out if s.chart_type == "line")
    assert line.aggregation == "count"
    bar_fig = next(f for s, f in out if s.chart_type == "bar")
    assert list(arr(traces(bar_fig)[0]["y"])) == [30, 30, 30]


def test_write_html_writes_a_standalone_file(tmp_path):
    df = pd.DataFrame({"region": ["East", "West"], "sales": [1.0, 2.0]})
    path = write_html(render(df, recommend(df)[0]), tmp_path / "out" / "chart.html")
    text = path.read_text(encoding="utf-8")
    assert "plotly" in text.lower() and len(text) > 1_000_000  # plotly.js inlined, works offline


# --- raw rows ------------------------------------------------------------------------------------
def test_raw_rows_use_the_category_the_question_asks_for(sales_table):
    spec = recommend(sales_table, "total sales by region")[0]
    assert (spec.chart_type, spec.x, spec.y, spec.aggregation) == ("bar", "region", ["sales"], "sum")
    (tr,) = traces(render(sales_table, spec))
    totals = sales_table.groupby("region")["sales"].sum().sort_values(ascending=False)
    assert list(tr["x"]) == list(totals.index) and np.allclose(arr(tr["y"]), totals.to_numpy())
    scatter = recommend(sales_table, "sales vs quantity")[0]
    assert (scatter.chart_type, scatter.x, scatter.y) == ("scatter", "sales", ["quantity"])
    trend = recommend(sales_table, "monthly sales trend")[0]
    assert (trend.chart_type, trend.x, trend.bucket) == ("line", "order_date", "month")
    line_total = sum(arr(t["y"]).sum() for t in traces(render(sales_table, trend)))
    assert line_total == pytest.approx(sales_table["sales"].sum())


def test_large_histogram_is_pre_binned_with_exact_counts():
    df = pd.DataFrame({"amount": np.random.default_rng(5).exponential(100.0, 150_000)})
    spec = recommend(df)[0]
    assert spec.chart_type == "histogram"
    (tr,) = traces(render(df, spec))
    assert tr["type"] == "bar" and arr(tr["y"]).sum() == 150_000 and len(arr(tr["y"])) <= 100
