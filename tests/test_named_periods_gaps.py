"""A period word inside a column's name, the difference between two named values' averages, a column of years
that labels rows, and money words ("spend", "bill") linked to the one amount of money: each against a pandas
cross-check on a generated sheet."""
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


ORDER_LINES = pd.DataFrame({
    "PO Number": ["PO-1", "PO-1", "PO-2", "PO-3", "PO-3", "PO-4"],
    "Supplier": ["PaperCo", "PaperCo", "OfficeHub", "PaperCo", "BeanWorks", "OfficeHub"],
    "Qty": [10, 4, 20, 5, 8, 2],
    "Unit Price": [4.5, 56.0, 0.8, 4.6, 17.9, 120.0],
    "Line Total": [45.0, 224.0, 16.0, 23.0, 143.2, 240.0],
})


def in_dollars(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """The sheet as exported, its amounts written with a currency sign ("$1,224.00"), so they read as money."""
    return df.assign(**{c: [f"${v:,.2f}" for v in df[c]] for c in cols})

INVOICES = pd.DataFrame({
    "Invoice No": [f"INV-{i}" for i in range(6)],
    "Site": ["Leeds", "Leeds", "York", "York", "Leeds", "York"],
    "Utility": ["Gas", "Water", "Gas", "Gas", "Gas", "Water"],
    "Billing Period": ["Feb 2024", "Feb 2024", "Mar 2024", "Apr 2024", "Mar 2024", "Mar 2024"],
    "Amount (inc VAT)": [210.5, 44.0, 199.0, 180.25, 250.0, 39.5],
    "Due Date": pd.to_datetime(["2024-03-20", "2024-03-22", "2024-04-18", "2024-05-19", "2024-04-20", "2024-04-21"]),
})


def test_money_words_measure_the_one_amount_of_money(tmp_path_factory):
    o = ORDER_LINES
    pipe = pipeline_over(tmp_path_factory, "orders", in_dollars(ORDER_LINES, "Unit Price", "Line Total"))
    got = answered(pipe, "total spend with PaperCo")
    assert got.value == pytest.approx(o.loc[o.Supplier == "PaperCo", "Line Total"].sum()) == pytest.approx(292.0)
    got = answered(pipe, "Which supplier did we spend the most with?")
    assert got.value == o.groupby("Supplier")["Line Total"].sum().idxmax() == "PaperCo"
    # two amounts of money (no price per unit among them): which one is spent is not said
    two = in_dollars(o.assign(**{"Discount Amount": [1.0, 2.0, 0.5, 0.0, 3.0, 1.0]}), "Unit Price", "Line Total",
                     "Discount Amount")
    assert pipeline_over(tmp_path_factory, "orders_two", two).answer("total spend with PaperCo").status != "answered"
    # an order's value is the total of its lines: the lines' average is no order's value
    ided = in_dollars(o.rename(columns={"PO Number": "Order ID"}), "Unit Price", "Line Total")
    ans = pipeline_over(tmp_path_factory, "order_ids", ided).answer("What is the average order value?")
    assert ans.status != "answered" or ans.value == pytest.approx(o["Line Total"].sum() / o["PO Number"].nunique())


def test_a_time_said_beside_a_date_and_a_column_of_months_is_not_guessed(tmp_path_factory):
    i = INVOICES
    pipe = pipeline_over(tmp_path_factory, "invoices", in_dollars(INVOICES, "Amount (inc VAT)"))
    got = answered(pipe, "total gas bill at York")
    assert got.value == pytest.approx(i.loc[(i.Utility == "Gas") & (i.Site == "York"), "Amount (inc VAT)"].sum())
    # March of the Due Date (one invoice) or of the Billing Period (two): not said
    assert pipe.answer("what was York's gas bill for March?").status != "answered"
