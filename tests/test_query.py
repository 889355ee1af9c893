"""Query plans end to end: generated tables are ingested, plans are compiled and run in the locked-down
DuckDB, and every answer is checked against the same rows computed independently with pandas.

Refusals are checked to raise PlanError/QueryError *and* to run nothing (the engine's `_execute` is
spied on; only the distinct-value look-ups used for validation may run).
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pydantic import ValidationError

from core import PlanError, QueryError, Settings, Workspace
from core.plan import Buckets, Compiled, Derived, Filter, GroupBy, Join, Measure, Order, Plan, compile_plan
from core.plan import Test as YesNo  # aliased so pytest does not try to collect it
from core.query import QueryEngine, check_single_select

# --- the data ------------------------------------------------------------------------------------

REGIONS = ["East", "West", "North", "South"]
PRODUCTS = ["Hat", "Shoe", "Bag", "Tote Bag", "Scarf"]
PRICES = [2.5, 4.75, 9.99, 12.0, 19.5]
CUSTOMERS = ["Ann", "Bob", "Cleo", "O'Neil \"The Boss\"", None]
QUOTED = "O'Neil \"The Boss\""
REASONS = ["Damaged", "Wrong size", "Late"]
DEPARTMENTS = ["IT", "HR", "Sales", "Ops"]
NAMES = ["Ada", "Ben", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kim", "Lou", "Max", "Ned",
         "Oli", "Pam", "Quy", "Rex", "Sue", "Tom", "Uma", "Vic", "Wes", "Xia", "Yan", "Zed", "Amy", "Bea",
         "Cal", "Dot"]


def make_orders(rng: random.Random) -> list[dict]:
    rows = []
    for i in range(48):
        year = 2020 + i % 3
        date = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        rows.append({
            "Order ID": f"O{i + 1:03d}",
            "Region": REGIONS[rng.randrange(4)],
            "Product": PRODUCTS[rng.randrange(5)],
            "Quantity": rng.randint(1, 12),
            "Unit Price": rng.choice(PRICES),
            "Order Date": date,
            "Customer": CUSTOMERS[i % 5],
        })
    return rows


def make_returns(rng: random.Random, orders: list[dict]) -> list[dict]:
    ids = rng.sample([o["Order ID"] for o in orders], 13)
    rows = [{"Order ID": oid, "Reason": REASONS[k % 3]} for k, oid in enumerate(ids)]
    rows.append({"Order ID": "O999", "Reason": "Damaged"})  # an orphan: no such order
    return rows


def make_people(rng: random.Random) -> list[dict]:
    # every range edge of test_buckets occurs, so an off-by-one at an edge shows
    ages = [18, 30, 50] + rng.sample([a for a in range(12, 70) if a not in (18, 30, 50)], len(NAMES) - 3)
    rng.shuffle(ages)
    salaries = rng.sample(range(30_000, 120_000, 500), len(NAMES))
    return [{"Name": n, "Age": a, "Department": DEPARTMENTS[rng.randrange(4)], "Salary": s}
            for n, a, s in zip(NAMES, ages, salaries, strict=False)]


def make_matrix() -> list[list]:
    return [["East", 110, 120, 130], ["West", 210, 220, 230], ["North", 310, 320, 330], ["South", 410, 420, 430]]


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if v is None else v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()})
    return path


def write_xlsx(path: Path, header: list, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.title = path.stem.capitalize()
    sh.append(header)
    for r in rows:
        sh.append(r)
    wb.save(path)
    return path


class Data:
    def __init__(self, ws: Workspace, engine: QueryEngine, orders, returns, people, matrix, home: Path):
        self.ws, self.engine, self.home = ws, engine, home
        self.orders = pd.DataFrame(orders)
        self.orders["Order Date"] = pd.to_datetime(self.orders["Order Date"])
        self.returns = pd.DataFrame(returns)
        self.people = pd.DataFrame(people)
        self.matrix = pd.DataFrame(matrix, columns=["Region", "2020", "2021", "2022"])


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Data:
    src = tmp_path_factory.mktemp("query_src")
    home = tmp_path_factory.mktemp("query_ws")
    rng = random.Random(20240607)
    orders = make_orders(rng)
    returns = make_returns(rng, orders)
    people = make_people(rng)
    matrix = make_matrix()
    ws = Workspace(Settings(home=home, build_index=False))
    ws.add_file(write_csv(src / "orders.csv", orders))
    ws.add_file(write_csv(src / "returns.csv", returns))
    ws.add_file(write_xlsx(src / "people.xlsx", list(people[0]), [list(p.values()) for p in people]))
    ws.add_file(write_xlsx(src / "matrix.xlsx", ["Region", 2020, 2021, 2022], matrix))
    return Data(ws, QueryEngine(ws), orders, returns, people, matrix, home)


@pytest.fixture
def engine(data) -> QueryEngine:
    return data.engine


@pytest.fixture
def executed(engine, monkeypatch) -> list[str]:
    """Every SQL string the engine hands to DuckDB during the test."""
    calls: list[str] = []
    real = engine._execute

    def spy(sql, params):
        calls.append(sql)
        return real(sql, params)

    monkeypatch.setattr(engine, "_execute", spy)
    return calls


def nothing_ran(executed: list[str]) -> bool:
    """Only validation look-ups ran (distinct values, membership probes); no compiled statement did."""
    return all(s.startswith(("SELECT DISTINCT ", "SELECT 1 FROM ")) for s in executed)


def run(engine: QueryEngine, **plan):
    return engine.run_plan(Plan(**plan))


def one(res, col: str | None = None):
    assert len(res.df) == 1, res.df
    return res.df.iloc[0][col] if col else res.df.iloc[0, -1]


def as_dict(df: pd.DataFrame, key: str, val: str) -> dict:
    return {k: v for k, v in zip(df[key].tolist(), df[val].tolist(), strict=False)}


def orders_count(data: Data) -> int:
    return int(one(run(data.engine, table="orders", measures=[Measure(agg="count", alias="n")]), "n"))


def assert_tables_intact(data: Data) -> None:
    data.engine.refresh()
    names = {t.sql_name for t in data.ws.tables()}
    assert {"orders", "returns", "people", "matrix"} <= names
    assert orders_count(data) == len(data.orders)
    for t in data.ws.tables():
        assert t.parquet.exists()


# --- the ingest produced what the tests assume ----------------------------------------------------

def test_workspace_tables_and_types(data):
    t = {x.sql_name: x for x in data.ws.tables()}
    assert set(t) == {"orders", "returns", "people", "matrix"}
    assert t["orders"].dtypes == {"Order ID": "text", "Region": "text", "Product": "text", "Quantity": "integer",
                                  "Unit Price": "number", "Order Date": "date", "Customer": "text"}
    assert t["orders"].rows == len(data.orders)
    assert t["returns"].rows == len(data.returns)
    assert t["people"].dtypes["Age"] == "integer" and t["people"].dtypes["Salary"] in ("integer", "number")
    # the year headers of the matrix become the column names "2020", "2021", "2022"
    assert list(t["matrix"].columns) == ["Region", "2020", "2021", "2022"]
    assert t["matrix"].rows == 4


# --- aggregates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("agg,fn", [("sum", "sum"), ("avg", "mean"), ("median", "median"), ("min", "min"),
                                    ("max", "max")])
def test_numeric_aggregates(data, agg, fn):
    for col in ("Quantity", "Unit Price"):
        res = run(data.engine, table="orders", measures=[Measure(agg=agg, column=col, alias="v")])
        assert float(one(res, "v")) == pytest.approx(float(getattr(data.orders[col], fn)()))


def test_default_measure_names(data):
    res = run(data.engine, table="orders", measures=[Measure(agg="sum", column="Quantity"), Measure(agg="count")])
    assert list(res.df.columns) == ["total Quantity", "rows"]
    assert one(res, "total Quantity") == data.orders["Quantity"].sum()


def test_count_rows(data):
    res = run(data.engine, table="orders", measures=[Measure(agg="count", alias="n")])
    assert one(res, "n") == len(data.orders)


def test_count_with_filter(data):
    o = data.orders
    res = run(data.engine, table="orders", measures=[Measure(agg="count", alias="n")],
              filters=[Filter(column="Region", value="East")])
    assert one(res, "n") == (o["Region"] == "East").sum()
    # the same through the measure's own `where`
    res = run(data.engine, table="orders", measures=[
        Measure(agg="count", alias="east", where=[Filter(column="Region", value="East")]),
        Measure(agg="count", alias="all")])
    assert one(res, "east") == (o["Region"] == "East").sum()
    assert one(res, "all") == len(o)


def test_count_distinct(data):
    o = data.orders
    res = run(data.engine, table="orders", measures=[Measure(agg="count_distinct", column="Product", alias="p"),
                                                     Measure(agg="count_distinct", column="Customer", alias="c")])
    assert one(res, "p") == o["Product"].nunique() == 5
    assert one(res, "c") == o["Customer"].nunique()  # blanks are not a customer
    assert o["Customer"].nunique() == 4


def test_share_single_value(data):
    o = data.orders
    res = run(data.engine, table="orders", measures=[
        Measure(agg="share", alias="rows", where=[Filter(column="Region", value="East")]),
        Measure(agg="share", column="Quantity", alias="qty", where=[Filter(column="Region", value="East")])])
    assert one(res, "rows") == pytest.approx((o["Region"] == "East").mean())
    assert one(res, "qty") == pytest.approx(o.loc[o["Region"] == "East", "Quantity"].sum() / o["Quantity"].sum())


def test_share_per_group_sums_to_one(data):
    o = data.orders
    res = run(data.engine, table="orders", group_by=[GroupBy(column="Region")],
              measures=[Measure(agg="share", column="Quantity", alias="share")])
    got = as_dict(res.df, "Region", "share")
    want = (o.groupby("Region")["Quantity"].sum() / o["Quantity"].sum()).to_dict()
    assert set(got) == set(want)
    for k in want:
        assert got[k] == pytest.approx(want[k])
    assert sum(got.values()) == pytest.approx(1.0)
    # row shares too
    res = run(data.engine, table="orders", group_by=[GroupBy(column="Product")],
              measures=[Measure(agg="share", alias="share")])
    got = as_dict(res.df, "Product", "share")
    want = o["Product"].value_counts(normalize=True).to_dict()
    assert got == pytest.approx(want)
    assert sum(got.values()) == pytest.approx(1.0)


def test_derived_expression(data):
    o = data.orders
    res = run(data.engine, table="orders", measures=[
        Measure(agg="sum", derived=Derived(op="mul", left="Quantity", right="Unit Price"), alias="revenue")])
    assert one(res, "revenue") == pytest.approx((o["Quantity"] * o["Unit Price"]).sum())
    res = run(data.engine, table="orders", group_by=[GroupBy(column="Region")], measures=[
        Measure(agg="sum", derived=Derived(op="mul", left="Quantity", right="Unit Price"), alias="revenue")])
    want = (o["Quantity"] * o["Unit Price"]).groupby(o["Region"]).sum().to_dict()
    assert as_dict(res.df, "Region", "revenue") == pytest.approx(want)
    # a constant on the right: price with 10 % tax
    res = run(data.engine, table="orders", measures=[
        Measure(agg="max", derived=Derived(op="mul", left="Unit Price", right=1.1), alias="taxed")])
    assert one(res, "taxed") == pytest.approx(o["Unit Price"].max() * 1.1)


# --- filters --------------------------------------------------------------------------------------

def count(data: Data, table: str = "orders", **plan) -> int:
    res = run(data.engine, table=table, measures=[Measure(agg="count", alias="n")], **plan)
    return int(one(res, "n"))


def test_filter_eq_ne(data):
    o = data.orders
    assert count(data, filters=[Filter(column="Region", op="eq", value="West")]) == (o["Region"] == "West").sum()
    assert count(data, filters=[Filter(column="Region", op="ne", value="West")]) == (o["Region"] != "West").sum()
    assert count(data, filters=[Filter(column="Quantity", op="eq", value=5)]) == (o["Quantity"] == 5).sum()


def test_filter_in_not_in(data):
    o = data.orders
    pick = ["East", "North"]
    assert count(data, filters=[Filter(column="Region", op="in", values=pick)]) == o["Region"].isin(pick).sum()
    assert count(data, filters=[Filter(column="Region", op="not_in", values=pick)]) == (~o["Region"].isin(pick)).sum()
    assert count(data, filters=[Filter(column="Quantity", op="in", values=[1, 2, 3])]) == o["Quantity"].isin([1, 2, 3]).sum()


@pytest.mark.parametrize("op,fn", [("gt", lambda s, v: s > v), ("gte", lambda s, v: s >= v),
                                   ("lt", lambda s, v: s < v), ("lte", lambda s, v: s <= v)])
def test_filter_comparisons(data, op, fn):
    o = data.orders
    for col, v in (("Quantity", 6), ("Unit Price", 9.99)):
        assert count(data, filters=[Filter(column=col, op=op, value=v)]) == fn(o[col], v).sum()
    # dates compare as dates
    d = "2021-06-15"
    assert count(data, filters=[Filter(column="Order Date", op=op, value=d)]) == fn(o["Order Date"], pd.Timestamp(d)).sum()


def test_filter_between_numbers_and_dates(data):
    o = data.orders
    assert count(data, filters=[Filter(column="Quantity", op="between", values=[3, 6])]) == o["Quantity"].between(3, 6).sum()
    lo, hi = "2021-01-01", "2021-06-30"
    want = o["Order Date"].between(pd.Timestamp(lo), pd.Timestamp(hi)).sum()
    assert 0 < want < len(o)
    assert count(data, filters=[Filter(column="Order Date", op="between", values=[lo, hi])]) == want


def test_filter_contains_case_insensitive(data):
    o = data.orders
    want = o["Product"].str.lower().str.contains("bag").sum()
    assert want > (o["Product"] == "Bag").sum() > 0  # both "Bag" and "Tote Bag"
    assert count(data, filters=[Filter(column="Product", op="contains", value="BAG")]) == want
    assert count(data, filters=[Filter(column="Product", op="contains", value="zzz")]) == 0


def test_filter_contains_wildcard_characters_are_literal(data):
    assert count(data, filters=[Filter(column="Product", op="contains", value="_")]) == 0
    assert count(data, filters=[Filter(column="Product", op="contains", value="%")]) == 0


def test_filter_year_month_quarter(data):
    o = data.orders
    d = o["Order Date"]
    assert count(data, filters=[Filter(column="Order Date", op="year", value=2021)]) == (d.dt.year == 2021).sum()
    assert count(data, filters=[Filter(column="Order Date", op="year", values=[2020, 2022])]) == d.dt.year.isin([2020, 2022]).sum()
    assert count(data, filters=[Filter(column="Order Date", op="month", value=3)]) == (d.dt.month == 3).sum()
    assert count(data, filters=[Filter(column="Order Date", op="quarter", values=[1, 2])]) == d.dt.quarter.isin([1, 2]).sum()
    # combined: Q4 of 2022
    assert count(data, filters=[Filter(column="Order Date", op="year", value=2022),
                                Filter(column="Order Date", op="quarter", value=4)]) == \
        ((d.dt.year == 2022) & (d.dt.quarter == 4)).sum()


def test_filter_is_null_not_null(data):
    o = data.orders
    nulls = o["Customer"].isna().sum()
    assert nulls > 0
    assert count(data, filters=[Filter(column="Customer", op="is_null")]) == nulls
    assert count(data, filters=[Filter(column="Customer", op="not_null")]) == len(o) - nulls


def test_quote_laden_value_is_matched_exactly(data):
    o = data.orders
    want = (o["Customer"] == QUOTED).sum()
    assert want > 0
    res = run(data.engine, table="orders", measures=[Measure(agg="count", alias="n")],
              filters=[Filter(column="Customer", value=QUOTED)])
    assert one(res, "n") == want
    assert res.params == [QUOTED]
    assert "'O''Neil \"The Boss\"'" in res.display_sql


# --- grouping ---------------------------------------------------------------------------------------

def test_group_by_plain(data):
    o = data.orders
    res = run(data.engine, table="orders", group_by=[GroupBy(column="Region")],
              measures=[Measure(agg="sum", column="Quantity", alias="q"), Measure(agg="count", alias="n")])
    assert list(res.df.columns) == ["Region", "q", "n"]
    assert res.df["Region"].tolist() == sorted(o["Region"].unique())  # default order: by the group
    assert as_dict(res.df, "Region", "q") == o.groupby("Region")["Quantity"].sum().to_dict()
    assert as_dict(res.df, "Region", "n") == o.groupby("Region").size().to_dict()


def test_group_by_two_columns(data):
    o = data.orders
    res = run(data.engine, table="orders", group_by=[GroupBy(column="Region"), GroupBy(column="Product")],
              measures=[Measure(agg="count", alias="n")])
    got = {(r, p): n for r, p, n in res.df[["Region", "Product", "n"]].itertuples(index=False)}
    assert got == o.groupby(["Region", "Product"]).size().to_dict()


def _week(ts: pd.Timestamp) -> dt.date:
    d = ts.date()
    return d - dt.timedelta(days=d.weekday())


@pytest.mark.parametrize("bucket,label", [
    ("year", lambda ts: ts.year),
    ("quarter", lambda ts: f"{ts.year}-Q{ts.quarter}"),
    ("month", lambda ts: dt.date(ts.year, ts.month, 1)),
    ("week", _week),
    ("day", lambda ts: ts.date()),
])
def test_group_by_date_bucket(data, bucket, label):
    o = data.orders
    res = run(data.engine, table="orders", group_by=[GroupBy(column="Order Date", bucket=bucket)],
              measures=[Measure(agg="count", alias="n"), Measure(agg="sum", column="Quantity", alias="q")])
    name = f"Order Date ({bucket})"
    assert list(res.df.columns) == [name, "n", "q"]
    keys = o["Order Date"].map(label)
    want_n = o.groupby(keys).size().to_dict()
    want_q = o.groupby(keys)["Quantity"].sum().to_dict()
    labels = res.df[name].tolist()
    if bucket in ("month", "week", "day"):
        labels = [pd.Timestamp(x).date() for x in labels]
    else:
        labels = [int(x) if bucket == "year" else str(x) for x in labels]
    assert labels == sorted(want_n)  # in time order
    assert dict(zip(labels, res.df["n"].tolist(), strict=False)) == want_n
    assert dict(zip(labels, res.df["q"].tolist(), strict=False)) == want_q
    if bucket == "year":
        assert labels == [2020, 2021, 2022]


# --- order and limits -------------------------------------------------------------------------------

def product_totals(data: Data) -> pd.Series:
    s = data.orders.groupby("Product")["Quantity"].sum()
    assert s.is_unique, "test data should have no ties between product totals"
    return s


def test_order_asc_desc(data):
    s = product_totals(data)
    for desc in (True, False):
        res = run(data.engine, table="orders", group_by=[GroupBy(column="Product")],
                  measures=[Measure(agg="sum", column="Quantity", alias="q")], order=[Order(by="q", desc=desc)])
        want = s.sort_values(ascending=not desc)
        assert res.df["Product"].tolist() == want.index.tolist()
        assert res.df["q"].tolist() == want.tolist()
    # ordering by the group column
    res = run(data.engine, table="orders", group_by=[GroupBy(column="Product")],
              measures=[Measure(agg="count", alias="n")], order=[Order(by="Product", desc=True)])
    assert res.df["Product"].tolist() == sorted(PRODUCTS, reverse=True)


def test_top_k_and_bottom_k_groups(data):
    s = product_totals(data)
    top = run(data.engine, table="orders", group_by=[GroupBy(column="Product")],
              measures=[Measure(agg="sum", column="Quantity", alias="q")], order=[Order(by="q", desc=True)], limit=3)
    assert as_dict(top.df, "Product", "q") == s.nlargest(3).to_dict()
    assert top.df["q"].tolist() == s.nlargest(3).tolist()
    bottom = run(data.engine, table="orders", group_by=[GroupBy(column="Product")],
                 measures=[Measure(agg="sum", column="Quantity", alias="q")], order=[Order(by="q", desc=False)], limit=3)
    assert bottom.df["q"].tolist() == s.nsmallest(3).tolist()
    assert bottom.df["Product"].tolist() == s.nsmallest(3).index.tolist()
    assert not top.truncated and not bottom.truncated


def test_top_k_rows(data):
    p = data.people
    res = run(data.engine, table="people", select=["Name", "Age"], order=[Order(by="Age", desc=True)], limit=5)
    want = p.nlargest(5, "Age")
    assert list(res.df.columns) == ["Name", "Age"]
    assert res.df["Name"].tolist() == want["Name"].tolist()
    assert res.df["Age"].tolist() == want["Age"].tolist()


def test_nulls_sort_last_both_ways(data):
    o = data.orders
    known = o["Customer"].dropna()
    for desc in (True, False):
        res = run(data.engine, table="orders", select=["Order ID", "Customer"], order=[Order(by="Customer", desc=desc)])
        got = res.df["Customer"].tolist()
        n = len(known)
        assert got[:n] == sorted(known, reverse=desc)
        assert all(pd.isna(x) for x in got[n:]) and len(got) == len(o)
        # ordering by a column that is not shown puts its blanks last too
        res = run(data.engine, table="orders", select=["Order ID"], order=[Order(by="Customer", desc=desc)])
        assert set(res.df["Order ID"].tolist()[n:]) == set(o.loc[o["Customer"].isna(), "Order ID"])


def test_compare_named_values(data):
    o = data.orders
    res = run(data.engine, table="orders", group_by=[GroupBy(column="Region")],
              measures=[Measure(agg="sum", column="Quantity", alias="q")],
              filters=[Filter(column="Region", op="in", values=["East", "West"])])
    want = o[o["Region"].isin(["East", "West"])].groupby("Region")["Quantity"].sum().to_dict()
    assert as_dict(res.df, "Region", "q") == want
    assert len(res.df) == 2


def test_lookup_by_key(data):
    p = data.people
    for name in ("Kim", "Dot"):
        res = run(data.engine, table="people", select=["Salary"], filters=[Filter(column="Name", value=name)])
        assert one(res, "Salary") == p.loc[p["Name"] == name, "Salary"].item()


def test_argmax_lookup(data):
    p = data.people
    res = run(data.engine, table="people", select=["Department"], order=[Order(by="Salary", desc=True)], limit=1)
    assert one(res, "Department") == p.loc[p["Salary"].idxmax(), "Department"]
    res = run(data.engine, table="people", select=["Name"], order=[Order(by="Age", desc=False)], limit=1)
    assert one(res, "Name") == p.loc[p["Age"].idxmin(), "Name"]


def test_matrix_cell(data):
    m = data.matrix
    for region, year in (("West", "2021"), ("South", "2020"), ("East", "2022")):
        res = run(data.engine, table="matrix", select=[year], filters=[Filter(column="Region", value=region)])
        assert one(res, year) == m.loc[m["Region"] == region, year].item()
    # a whole column summed
    res = run(data.engine, table="matrix", measures=[Measure(agg="sum", column="2021", alias="s")])
    assert one(res, "s") == m["2021"].sum()


# --- yes/no tests -----------------------------------------------------------------------------------

def answer(res) -> bool:
    return bool(one(res, "answer"))


def test_any(data):
    o = data.orders
    r, p = o.iloc[0]["Region"], o.iloc[0]["Product"]
    res = run(data.engine, table="orders", test=YesNo(kind="any"),
              filters=[Filter(column="Region", value=r), Filter(column="Product", value=p)])
    assert answer(res) is True
    res = run(data.engine, table="orders", test=YesNo(kind="any"), filters=[Filter(column="Quantity", op="gt", value=1000)])
    assert answer(res) is False
    # a combination that does not occur
    combos = set(zip(o["Region"], o["Product"], strict=False))
    missing = [(r, p) for r in REGIONS for p in PRODUCTS if (r, p) not in combos]
    if missing:
        r, p = missing[0]
        res = run(data.engine, table="orders", test=YesNo(kind="any"),
                  filters=[Filter(column="Region", value=r), Filter(column="Product", value=p)])
        assert answer(res) is False


def test_unique(data):
    p, o = data.people, data.orders
    assert answer(run(data.engine, table="people", test=YesNo(kind="unique", column="Name"))) is bool(p["Name"].is_unique)
    assert answer(run(data.engine, table="people", test=YesNo(kind="unique", column="Department"))) is False
    assert answer(run(data.engine, table="orders", test=YesNo(kind="unique", column="Order ID"))) is True
    assert answer(run(data.engine, table="returns", test=YesNo(kind="unique", column="Reason"))) is False
    assert o["Order ID"].is_unique and p["Name"].is_unique


def test_more(data):
    o = data.orders
    q = o.groupby("Region")["Quantity"].sum()
    a, b = "East", "West"
    assert q[a] != q[b]

    def more(x, y):
        return run(data.engine, table="orders", test=YesNo(kind="more"), measures=[
            Measure(agg="sum", column="Quantity", alias=x, where=[Filter(column="Region", value=x)]),
            Measure(agg="sum", column="Quantity", alias=y, where=[Filter(column="Region", value=y)])])

    res = more(a, b)
    assert one(res, a) == q[a] and one(res, b) == q[b]
    assert answer(res) is bool(q[a] > q[b])
    assert answer(more(b, a)) is bool(q[b] > q[a])


# --- ranges and joins -------------------------------------------------------------------------------

def test_buckets(data):
    p = data.people
    res = run(data.engine, table="people", buckets=Buckets(column="Age", edges=[0, 18, 30, 50]),
              measures=[Measure(agg="count", alias="n")])
    assert list(res.df.columns) == ["Age range", "n"]
    cut = pd.cut(p["Age"], [0, 18, 30, 50, float("inf")], right=False, labels=["0-18", "18-30", "30-50", "50+"])
    want = cut.value_counts().to_dict()
    want = {k: v for k, v in want.items() if v}
    assert all(want.get(k) for k in ["0-18", "18-30", "30-50", "50+"]), "test data should fill every range"
    assert res.df["Age range"].tolist() == ["0-18", "18-30", "30-50", "50+"]  # in numeric order
    assert as_dict(res.df, "Age range", "n") == want
    assert res.df["n"].sum() == len(p)


def test_join_count_by_region(data):
    o, r = data.orders, data.returns
    res = run(data.engine, table="orders", join=Join(table="returns", left_on="Order ID", right_on="Order ID"),
              group_by=[GroupBy(column="Region")], measures=[Measure(agg="count", alias="returned")])
    m = o.merge(r, on="Order ID", how="inner")
    assert len(m) == len(r) - 1  # the orphan return does not join
    assert as_dict(res.df, "Region", "returned") == m.groupby("Region").size().to_dict()
    assert res.tables == ["orders", "returns"]
    assert [s["table"] for s in res.sources] and len(res.sources) == 2


def test_join_filter_on_joined_column(data):
    o, r = data.orders, data.returns
    res = run(data.engine, table="orders", join=Join(table="returns", left_on="Order ID", right_on="Order ID"),
              measures=[Measure(agg="sum", column="Quantity", alias="q")],
              filters=[Filter(column="Reason", value="Damaged")])
    m = o.merge(r, on="Order ID")
    assert one(res, "q") == m.loc[m["Reason"] == "Damaged", "Quantity"].sum()
    # a left join: orders never returned
    res = run(data.engine, table="orders",
              join=Join(table="returns", left_on="Order ID", right_on="Order ID", how="left"),
              measures=[Measure(agg="count", alias="n")], filters=[Filter(column="Reason", op="is_null")])
    assert one(res, "n") == (~o["Order ID"].isin(r["Order ID"])).sum()


# --- result limits and the SQL shown ----------------------------------------------------------------

def test_answer_row_limit(data):
    small = QueryEngine(data.ws, settings=data.ws.settings.with_(answer_row_limit=5))
    try:
        res = small.run_plan(Plan(table="orders", select=["Order ID"], order=[Order(by="Order ID", desc=False)]))
        assert res.truncated is True
        assert len(res.df) == 5
        assert res.df["Order ID"].tolist() == sorted(data.orders["Order ID"])[:5]
        exact = small.run_plan(Plan(table="orders", select=["Order ID"], limit=5))
        assert exact.truncated is False and len(exact.df) == 5
    finally:
        small.con.close()


def test_display_sql_has_literals_sql_has_parameters(data):
    res = run(data.engine, table="orders", measures=[Measure(agg="count", alias="n")],
              filters=[Filter(column="Region", value="East"), Filter(column="Quantity", op="gt", value=3),
                       Filter(column="Unit Price", op="lt", value=9.99)])
    assert res.params == ["East", 3, 9.99]
    assert res.sql.count("?") == 3
    assert "East" not in res.sql and "9.99" not in res.sql
    assert "'East'" in res.display_sql and "> 3" in res.display_sql and "< 9.99" in res.display_sql
    assert "?" not in res.display_sql
    o = data.orders
    assert one(res, "n") == ((o["Region"] == "East") & (o["Quantity"] > 3) & (o["Unit Price"] < 9.99)).sum()


# --- refusals: a clear error, and nothing runs ----------------------------------------------------

def refused(data: Data, executed: list[str], exc=PlanError, match: str | None = None, **plan) -> str:
    with pytest.raises(exc, match=match) as ei:
        data.engine.run_plan(Plan(**plan))
    assert nothing_ran(executed), executed
    return str(ei.value)


def test_refuse_unknown_column(data, executed):
    msg = refused(data, executed, table="orders", measures=[Measure(agg="sum", column="Revenue")])
    assert "Revenue" in msg and "Quantity" in msg  # names the known columns
    refused(data, executed, table="orders", measures=[Measure(agg="count")], filters=[Filter(column="Colour", value="x")])
    refused(data, executed, table="orders", measures=[Measure(agg="count")], group_by=[GroupBy(column="Country")])
    refused(data, executed, table="people", select=["Name"], order=[Order(by="Height")])


def test_refuse_unknown_table(data, executed):
    msg = refused(data, executed, table="invoices", measures=[Measure(agg="count")])
    assert "invoices" in msg
    refused(data, executed, table="orders", measures=[Measure(agg="count")],
            join=Join(table="refunds", left_on="Order ID", right_on="Order ID"))


def test_refuse_value_not_in_column_suggests_near_values(data, executed):
    msg = refused(data, executed, table="orders", measures=[Measure(agg="count")],
                  filters=[Filter(column="Region", value="east")])
    assert "does not occur" in msg and "'East'" in msg
    msg = refused(data, executed, table="orders", measures=[Measure(agg="count")],
                  filters=[Filter(column="Product", op="in", values=["Hat", "bag"])])
    assert "'Bag'" in msg and "'Tote Bag'" in msg


def test_refuse_value_typo_suggests_near_values(data, executed):
    msg = refused(data, executed, table="orders", measures=[Measure(agg="count")],
                  filters=[Filter(column="Region", value="Wset")])
    assert "'West'" in msg


def test_refuse_injection_in_value(data, executed):
    evil = "'; DROP TABLE orders; --"
    refused(data, executed, table="orders", measures=[Measure(agg="count")], filters=[Filter(column="Region", value=evil)])
    refused(data, executed, table="orders", test=YesNo(kind="any"), filters=[Filter(column="Customer", op="in", values=[evil])])
    assert_tables_intact(data)


def test_refuse_injection_in_column_name(data, executed):
    evil = 'Region"; DROP TABLE orders; --'
    refused(data, executed, table="orders", measures=[Measure(agg="count")], filters=[Filter(column=evil, value="East")])
    refused(data, executed, table="orders", measures=[Measure(agg="count")], group_by=[GroupBy(column=evil)])
    refused(data, executed, table="orders", select=[evil])
    refused(data, executed, table='orders"; DROP TABLE orders; --', measures=[Measure(agg="count")])
    assert_tables_intact(data)


def test_refuse_quote_laden_value_not_in_column(data, executed):
    for v in ["O'Neil", "x' OR '1'='1", 'a"b\'c', "East' --"]:
        refused(data, executed, table="orders", measures=[Measure(agg="count")], filters=[Filter(column="Customer", value=v)])
    assert_tables_intact(data)


def test_refuse_table_function_as_value(data, executed):
    refused(data, executed, table="orders", measures=[Measure(agg="count")],
            filters=[Filter(column="Region", value="read_csv('/etc/passwd')")])
    # in a numeric column it is not a number
    refused(data, executed, table="orders", measures=[Measure(agg="count")],
            filters=[Filter(column="Quantity", op="gt", value="read_csv('/etc/passwd')")])


def test_refuse_sum_of_text(data, executed):
    msg = refused(data, executed, table="orders", measures=[Measure(agg="sum", column="Region")])
    assert "Region" in msg
    refused(data, executed, table="orders", measures=[Measure(agg="avg", column="Order Date")])
    refused(data, executed, table="orders",
            measures=[Measure(agg="sum", derived=Derived(op="mul", left="Quantity", right="Product"))])


def test_refuse_date_operations_on_non_dates(data, executed):
    refused(data, executed, table="orders", measures=[Measure(agg="count")],
            filters=[Filter(column="Quantity", op="year", value=2021)])
    refused(data, executed, table="orders", measures=[Measure(agg="count")],
            group_by=[GroupBy(column="Region", bucket="month")])
    refused(data, executed, table="people", measures=[Measure(agg="count")],
            buckets=Buckets(column="Name", edges=[0, 10]))


@pytest.mark.parametrize("value", ["last year", "2021.0", None])
def test_refuse_non_integer_year(data, executed, value):
    refused(data, executed, table="orders", measures=[Measure(agg="count")],
            filters=[Filter(column="Order Date", op="year", value=value)])


# --- refusals of raw SQL --------------------------------------------------------------------------

BAD_SQL = ["SELECT 1; DROP TABLE x", "DROP TABLE orders", "COPY orders TO '/tmp/x.csv'", "ATTACH '/tmp/x.db'",
           "INSTALL httpfs", "LOAD httpfs", "SET enable_external_access=true", "SELECT 1; SELECT 2",
           "CREATE TABLE t AS SELECT 1", "PRAGMA version", "not sql at all ((("]


@pytest.mark.parametrize("sql", BAD_SQL)
def test_check_single_select_refuses(sql):
    with pytest.raises(QueryError):
        check_single_select(sql)


@pytest.mark.parametrize("sql", ["SELECT 1", "SELECT * FROM orders WHERE \"Region\" = ?",
                                 "WITH x AS (SELECT 1 AS a) SELECT a FROM x"])
def test_check_single_select_accepts(sql):
    check_single_select(sql)


@pytest.mark.parametrize("sql", BAD_SQL)
def test_run_compiled_refuses_before_running(data, executed, sql):
    with pytest.raises(QueryError):
        data.engine.run_compiled(Compiled(sql=sql, params=[], tables=[], output=[]))
    assert executed == []
    assert_tables_intact(data)


def test_copy_writes_no_file(data, executed, tmp_path):
    target = tmp_path / "x.csv"
    with pytest.raises(QueryError):
        data.engine.run_compiled(Compiled(sql=f"COPY orders TO '{target}'", params=[], tables=[], output=[]))
    assert executed == [] and not target.exists()


# --- the engine itself refuses file access --------------------------------------------------------

def raw(data: Data, sql: str):
    return data.engine.run_compiled(Compiled(sql=sql, params=[], tables=[], output=[]))


def test_engine_refuses_reading_system_files(data):
    for sql in ["SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM read_text('/etc/hostname')",
                "SELECT * FROM glob('/etc/*')"]:
        with pytest.raises(QueryError, match="(?i)permission"):
            raw(data, sql)


def test_engine_refuses_parquet_outside_workspace(data, tmp_path):
    outside = tmp_path / "outside.parquet"
    pd.DataFrame({"secret": [1, 2, 3]}).to_parquet(outside)
    with pytest.raises(QueryError, match="(?i)permission"):
        raw(data, f"SELECT * FROM read_parquet('{outside}')")
    # nor by climbing out of the allowed folder
    with pytest.raises(QueryError, match="(?i)permission"):
        raw(data, f"SELECT * FROM read_text('{data.home}/files/../catalog.sqlite')")
    # the workspace's own tables are readable
    t = next(x for x in data.ws.tables() if x.sql_name == "people")
    assert len(raw(data, f"SELECT * FROM read_parquet('{t.parquet}')").df) == len(data.people)


def test_engine_refuses_side_effects_even_without_the_statement_check(data, tmp_path):
    """Defence in depth: bypass check_single_select and talk to DuckDB through _execute."""
    target = tmp_path / "y.csv"
    for sql in [f"COPY orders TO '{target}'", f"ATTACH '{tmp_path / 'y.db'}'", "INSTALL httpfs", "LOAD httpfs",
                "SET enable_external_access=true", "SET allowed_directories=['/']"]:
        with pytest.raises(QueryError):
            data.engine._execute(sql, [])
    assert not target.exists() and not (tmp_path / "y.db").exists()
    assert_tables_intact(data)


def test_compile_is_pure(data):
    """compile_plan alone (no engine) gives parameterised SQL over quoted identifiers."""
    schema = data.engine.schema()
    c = compile_plan(Plan(table="orders", measures=[Measure(agg="count", alias="n")],
                          filters=[Filter(column="Unit Price", op="gte", value=4)]), schema)
    assert c.params == [4] and '"Unit Price" >= ?' in c.sql and c.tables == ["orders"] and c.output == ["n"]


@pytest.fixture(scope="module")
def big_engine(tmp_path_factory):
    """A table with more distinct codes than the validator caches (20000)."""
    src = tmp_path_factory.mktemp("query_big")
    path = src / "codes.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Code", "Amount"])
        w.writerows([f"C{i:06d}", i] for i in range(20_050))
    ws = Workspace(Settings(home=src / "ws", build_index=False))
    ws.add_file(path)
    engine = QueryEngine(ws)
    yield engine
    engine.con.close()


def test_value_beyond_the_distinct_value_cap_is_accepted(big_engine):
    res = big_engine.run_plan(Plan(table="codes", select=["Amount"], filters=[Filter(column="Code", value="C020049")]))
    assert one(res, "Amount") == 20_049
    res = big_engine.run_plan(Plan(table="codes", measures=[Measure(agg="sum", column="Amount", alias="s")],
                                   filters=[Filter(column="Code", op="in", values=["C000001", "C020048"])]))
    assert one(res, "s") == 1 + 20_048


def test_value_beyond_the_cap_that_does_not_occur_is_refused(big_engine):
    for v in ("C999999", "'; DROP TABLE codes; --", "read_csv('/etc/passwd')"):
        with pytest.raises(PlanError, match="does not occur"):
            big_engine.run_plan(Plan(table="codes", select=["Amount"], filters=[Filter(column="Code", value=v)]))
    res = big_engine.run_plan(Plan(table="codes", measures=[Measure(agg="count", alias="n")]))
    assert one(res, "n") == 20_050


def test_number_in_text_column_beyond_the_cap_is_a_plan_error(big_engine):
    with pytest.raises(PlanError):
        big_engine.run_plan(Plan(table="codes", select=["Amount"], filters=[Filter(column="Code", value=5)]))


@pytest.mark.parametrize("value", [["East"], {"East": 1}])
def test_refuse_unhashable_value(value):
    # a filter value is typed (text, number, yes/no or none), so a list or mapping is refused by the model itself
    with pytest.raises(ValidationError):
        Filter(column="Region", value=value)
