"""A period word inside a column's name, the difference between two named values' averages, and a column of
years that labels rows: each against a pandas cross-check on a generated sheet."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.test_shapes import answered, pipeline_over

SUBSCRIPTIONS = pd.DataFrame({
    "Customer": [f"Firm {i}" for i in range(12)],
    "Plan": ["Pro", "Basic", "Pro", "Basic", "Enterprise", "Pro", "Basic", "Pro", "Basic", "Pro", "Enterprise", "Basic"],
    "Start Date": pd.to_datetime([f"2023-{m:02d}-05" for m in range(1, 13)]),
    "Monthly Fee": [250.0, 40.0, 310.0, 55.0, 900.0, 275.0, 45.0, 190.0, 60.0, 330.0, 1200.0, 35.0],
    "Churned?": ["Yes", "No", "No", "Yes", "No", "Yes", "Yes", "No", "No", "Yes", "No", "No"],
    "Churn Date": pd.to_datetime(["2024-01-10", None, None, "2024-03-02", None, "2024-03-20", "2024-05-11", None,
                                  None, "2024-07-30", None, None]),
})

CROPS = pd.DataFrame({
    "Farm": ["Glebe", "Glebe", "Brook", "Brook", "Hill", "Hill", "Glebe", "Brook", "Hill", "Glebe"],
    "Season": [2019, 2019, 2020, 2020, 2021, 2021, 2020, 2019, 2019, 2021],
    "Crop": ["Barley", "Wheat", "Barley", "Barley", "Barley", "Wheat", "Wheat", "Barley", "Barley", "Barley"],
    "Yield": ["6.10 t/ha", "8.02 t/ha", "5.55 t/ha", "5.90 t/ha", "6.70 t/ha", "7.95 t/ha", "8.40 t/ha", "6.45 t/ha",
              "7.05 t/ha", "6.20 t/ha"],
})


@pytest.fixture(scope="module")
def subs(tmp_path_factory):
    return pipeline_over(tmp_path_factory, "subscriptions", SUBSCRIPTIONS)


def test_a_period_word_in_a_column_name_asks_for_no_trend(subs):
    s = SUBSCRIPTIONS
    got = answered(subs, "Total monthly fee across all churned customers")
    assert got.value == pytest.approx(s.loc[s["Churned?"] == "Yes", "Monthly Fee"].sum()) == 955.0
    # said apart from the name, the period still asks for one figure a month
    trend = subs.answer("total monthly fee by month of churn date")
    assert trend.value != pytest.approx(955.0)


def test_difference_between_averages_on_two_named_values_is_one_number(subs):
    s = SUBSCRIPTIONS
    got = answered(subs, "difference between the average monthly fee on Pro vs Basic")
    pro, basic = (s.loc[s.Plan == p, "Monthly Fee"].mean() for p in ("Pro", "Basic"))
    assert got.value == pytest.approx(abs(pro - basic)) == pytest.approx(224.0)


def test_a_column_of_years_is_grouped_by_never_averaged(tmp_path_factory):
    c = CROPS
    pipe = pipeline_over(tmp_path_factory, "crops", CROPS)
    got = answered(pipe, "average yield per season for barley")
    barley = c[c.Crop == "Barley"].assign(y=lambda d: d.Yield.str.split().str[0].astype(float))
    want = barley.groupby("Season").y.mean()
    rows = {int(k): v for k, v in zip(got.df.iloc[:, 0], got.df.iloc[:, -1], strict=True)}
    assert rows.keys() == set(want.index) and all(rows[k] == pytest.approx(want[k]) for k in want.index)
