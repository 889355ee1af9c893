"""The plan constructs real questions need (ties, N-th row, sheet order, streaks, having, numbers in text, ratios,
semi-joins, named ranges, months and weekdays, list cells): each runs through QueryEngine on generated tables and
is compared with the same question answered with pandas.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
import re
from pathlib import Path

import pandas as pd
import pytest

from core import PlanError, Settings, Workspace
from core.llm_planner import reply_schema
from core.plan import (
    ROW,
    Buckets,
    Compute,
    Filter,
    GroupBy,
    Measure,
    Order,
    Plan,
    Relative,
    SameAs,
    Streak,
    compile_plan,
)
from core.plan import Test as YesNo  # aliased so pytest does not try to collect it
from core.query import QueryEngine

NAMES = ["Ada", "Ben", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kim", "Lou", "Max", "Ned", "Oli",
         "Pam", "Quy", "Rex", "Sue", "Tom", "Uma", "Vic", "Wes", "Xia", "Yan", "Zed", "Amy", "Bea", "Cal", "Dot"]
DEPTS = ["IT", "HR", "Sales", "Ops"]
MAJORS = ["Business", "Law", "Art", "Physics", "History"]
REGIONS = ["East", "West", "North", "South"]
CITIES = ["Albany", "Boston", "Chicago", "Denver", "El Paso", "Fresno", "Gary", "Houston", "Irvine", "Juneau"]
# text with the number it means (construct 6): scale words, units, thousands separators, footnotes, percents
WORTH = {"$2.3 billion": 2.3e9, "112 seats": 112.0, "4,051,237": 4051237.0, "Jones (3)": 3.0, "12.5%": 12.5,
         "$4.5m": 4.5e6, "750 thousand": 750e3, "-7 points": -7.0, "1.2bn": 1.2e9, "n/a": None, "15k": 15e3}


def make_staff(rng: random.Random) -> list[dict]:
    salaries = rng.sample(range(30_000, 120_000, 1000), len(NAMES))
    ages = [18, 65, 17, 64] + [rng.randrange(10, 80) for _ in NAMES[4:]]
    rows = []
    for i, n in enumerate(NAMES):
        majors = rng.sample(MAJORS, rng.randint(1, 3))
        cell = str(majors) if i % 2 else "; ".join(majors)  # "['Business', 'Law']" and "Business; Law"
        rows.append({"Name": n, "Department": DEPTS[i % 4], "Salary": salaries[i], "Age": ages[i],
                     "Hired": dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000)), "Majors": cell,
                     "Worth": list(WORTH)[i % len(WORTH)]})
    # ties at the top (IT and Sales) and at the second value (HR and Ops)
    for i, s in ((0, 200_000), (2, 200_000), (1, 150_000), (3, 150_000)):
        rows[i]["Salary"] = s
    return rows


def make_games(rng: random.Random) -> list[dict]:
    rows = []
    for i in range(60):
        home, away = rng.randrange(5), rng.randrange(5)
        rows.append({"Game": i + 1, "Opponent": CITIES[rng.randrange(len(CITIES))], "Home": home, "Away": away,
                     "Result": "W" if home > away else "L" if home < away else "D"})
    return rows


MONTH_COLS = ["Jan. 2020", "Feb. 2020", "Mar. 2020", "Apr. 2020"]


def make_wide(rng: random.Random) -> list[dict]:
    """Months laid out as columns, one with a suppressed "(S)" cell (so read as text)."""
    rows = []
    for kind in ("Cars", "Food", "Books", "Toys"):
        rows.append({"Kind": kind, **{m: rng.randrange(100, 999) for m in MONTH_COLS[:3]},
                     "Apr. 2020": "(S)" if kind == "Toys" else str(rng.randrange(100, 999))})
    return rows


def make_orders(rng: random.Random) -> list[dict]:
    return [{"Order ID": f"O{i:03d}", "Region": REGIONS[rng.randrange(4)] if i % 7 else "East",
             "Sales": round(rng.uniform(10, 90_000), 2), "Profit": round(rng.uniform(-500, 9000), 2)}
            for i in range(80)]


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in r.items()} for r in rows)
    return path


class Data:
    def __init__(self, engine: QueryEngine, **frames: pd.DataFrame):
        self.engine = engine
        for k, v in frames.items():
            setattr(self, k, v)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Data:
    src = tmp_path_factory.mktemp("constructs_src")
    rng = random.Random(1414)
    staff, games, orders, wide = make_staff(rng), make_games(rng), make_orders(rng), make_wide(rng)
    returns = [{"Order ID": o["Order ID"], "Reason": "Late"} for o in rng.sample(orders, 17)]
    returns.append({"Order ID": "O999", "Reason": "Lost"})  # no such order
    cities = [{"City": c, "Rank": i + 1} for i, c in enumerate(rng.sample(CITIES, len(CITIES)))]
    ws = Workspace(Settings(home=tmp_path_factory.mktemp("constructs_ws"), build_index=False))
    for name, rows in (("staff", staff), ("games", games), ("orders", orders), ("returns", returns),
                       ("cities", cities), ("wide", wide)):
        ws.add_file(write_csv(src / f"{name}.csv", rows))
    engine = QueryEngine(ws)
    frames = {n: pd.DataFrame(r) for n, r in (("staff", staff), ("games", games), ("orders", orders),
                                              ("returns", returns), ("cities", cities), ("wide", wide))}
    frames["staff"]["Hired"] = pd.to_datetime(frames["staff"]["Hired"])
    yield Data(engine, **frames)
    engine.con.close()


def run(data: Data, **plan) -> pd.DataFrame:
    return data.engine.run_plan(Plan(**plan)).df


def scalar(df: pd.DataFrame, col: str):
    assert len(df) == 1, df
    return df.iloc[0][col]


def test_generated_types(data):
    dtypes = {t.sql_name: t.dtypes for t in data.engine.ws.tables()}
    assert dtypes["staff"]["Worth"] == "text" and dtypes["staff"]["Majors"] == "text"
    assert dtypes["staff"]["Hired"] == "date" and dtypes["staff"]["Salary"] in ("integer", "number")
    assert dtypes["games"]["Home"] == "integer" and dtypes["orders"]["Sales"] == "number"


# --- 1. the value of another column at the max row, with ties; a yes/no test on it -------------------------

def test_top_row_with_ties(data):
    s = data.staff
    top = s[s["Salary"] == s["Salary"].max()]
    assert len(top) == 2
    df = run(data, table="staff", select=["Name", "Department"], order=[Order(by="Salary")], limit=1, ties=True)
    assert sorted(df["Name"]) == sorted(top["Name"])
    assert len(run(data, table="staff", select=["Name"], order=[Order(by="Salary")], limit=1)) == 1
    # the lowest, ordered ascending
    df = run(data, table="staff", select=["Name"], order=[Order(by="Salary", desc=False)], limit=1, ties=True)
    assert sorted(df["Name"]) == sorted(s.loc[s["Salary"] == s["Salary"].min(), "Name"])


def test_top_group_with_ties(data):
    counts = data.games.groupby("Opponent").size()
    df = run(data, table="games", group_by=[GroupBy(column="Opponent")], measures=[Measure(agg="count", alias="n")],
             order=[Order(by="n")], limit=1, ties=True)
    assert sorted(df["Opponent"]) == sorted(counts[counts == counts.max()].index)
    assert set(df["n"]) == {counts.max()}


@pytest.mark.parametrize("dept", DEPTS)
def test_is_the_top_earner_in(data, dept):
    s = data.staff
    top = s[s["Salary"] == s["Salary"].max()]
    base = dict(table="staff", select=["Department"], order=[Order(by="Salary")], limit=1, ties=True, headline="bool")
    every = run(data, **base, test=YesNo(kind="every", where=[Filter(column="Department", value=dept)]))
    some = run(data, **base, test=YesNo(kind="some", where=[Filter(column="Department", value=dept)]))
    assert bool(scalar(every, "answer")) is bool((top["Department"] == dept).all())
    assert bool(scalar(some, "answer")) is bool((top["Department"] == dept).any())


def test_every_row_test_over_filtered_rows(data):
    s = data.staff
    for limit in (18, 30):
        df = run(data, table="staff", select=["Age"], filters=[Filter(column="Age", op="lt", value=limit)],
                 test=YesNo(kind="every", where=[Filter(column="Age", op="lt", value=17)]))
        assert bool(scalar(df, "answer")) is bool((s.loc[s["Age"] < limit, "Age"] < 17).all())


# --- 2. the N-th ranked row ------------------------------------------------------------------------------

def test_second_highest(data):
    s = data.staff
    df = run(data, table="staff", select=["Name", "Salary"], order=[Order(by="Salary")], offset=2, limit=1)
    third_row = s["Salary"].nlargest(3).iloc[2]  # rows, not values: 200k, 200k, then 150k
    assert scalar(df, "Salary") == third_row and scalar(df, "Name") in set(s.loc[s["Salary"] == third_row, "Name"])
    second = sorted(s["Salary"].unique())[-2]
    df = run(data, table="staff", select=["Name", "Salary"], order=[Order(by="Salary")], offset=1, limit=1, ties=True)
    assert sorted(df["Name"]) == sorted(s.loc[s["Salary"] == second, "Name"]) and len(df) == 2
    third = sorted(s["Salary"].unique())[-3]
    df = run(data, table="staff", select=["Name"], order=[Order(by="Salary")], offset=2, limit=1, ties=True)
    assert df["Name"].tolist() == s.loc[s["Salary"] == third, "Name"].tolist()


# --- 3. sheet order ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("step", [1, -1, 2])
def test_row_relative_to_an_anchor(data, step):
    c = data.cities
    for anchor in ("Boston", "Chicago", "Gary"):
        i = c.index[c["City"] == anchor][0] + step
        df = run(data, table="cities", select=["City"],
                 relative=Relative(anchor=[Filter(column="City", value=anchor)], step=step))
        assert df["City"].tolist() == ([c["City"][i]] if 0 <= i < len(c) else [])


def test_times_taken_read_as_seconds():
    import duckdb

    from core.plan import number_sql

    cells = {"3:45.2": 225.2, "2:28:17": 8897.0, "29:49.04": 1789.04, " 1:59:38.4 ": 7178.4, "$2.3 billion": 2.3e9,
             "112 seats": 112.0, "n/a": None}
    con = duckdb.connect()
    con.execute("CREATE TABLE t(x VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[c] for c in cells])
    got = dict(con.execute(f"SELECT x, {number_sql('x')} FROM t").fetchall())
    assert all(got[c] == pytest.approx(v) if v is not None else got[c] is None for c, v in cells.items())


def test_other_rows_sharing_an_anchor_rows_value(data):
    s = data.staff
    for name in ("Ada", "Eli", "Kim"):
        dept = s.loc[s["Name"] == name, "Department"].item()
        df = run(data, table="staff", select=["Name"], filters=[Filter(column="Age", op="gt", value=20)],
                 same_as=SameAs(anchor=[Filter(column="Name", value=name)], columns=["Department"]))
        want = s[(s["Department"] == dept) & (s["Name"] != name) & (s["Age"] > 20)]["Name"]
        assert sorted(df["Name"]) == sorted(want) and len(want) > 0
    # two anchor rows: the values either holds; two columns: both shared
    df = run(data, table="staff", measures=[Measure(agg="count")],
             same_as=SameAs(anchor=[Filter(column="Name", op="in", values=["Ada", "Ben"])], columns=["Department"]))
    depts = set(s.loc[s["Name"].isin(["Ada", "Ben"]), "Department"])
    assert scalar(df, "row_count" if "row_count" in df else df.columns[0]) == (
        s["Department"].isin(depts) & ~s["Name"].isin(["Ada", "Ben"])).sum()


def test_first_and_last_rows_and_positions(data):
    c = data.cities
    first = run(data, table="cities", select=["City", ROW], order=[Order(by=ROW, desc=False)], limit=1)
    last = run(data, table="cities", select=["City"], order=[Order(by=ROW)], limit=1)
    assert scalar(first, "City") == c["City"].iloc[0] and scalar(first, ROW) == 1
    assert scalar(last, "City") == c["City"].iloc[-1]
    df = run(data, table="cities", select=["City", ROW], filters=[Filter(column="City", value="Denver")])
    assert scalar(df, ROW) == c.index[c["City"] == "Denver"][0] + 1


def test_row_position_is_hidden_from_listings(data):
    raw = data.engine._execute('SELECT * FROM "cities"', [])
    assert list(raw.columns) == ["City", "Rank"]
    assert list(data.engine.schema().tables["cities"]) == ["City", "Rank"]


# --- 4. consecutive runs -----------------------------------------------------------------------------------

def longest_run(ok: pd.Series) -> tuple[int, int | None]:
    """(length, 1-based start) of the longest run of True, the first such run on ties."""
    best, start, n = 0, None, 0
    for i, v in enumerate(ok.tolist()):
        n = n + 1 if v else 0
        if n > best:
            best, start = n, i - n + 2
    return best, start


@pytest.mark.parametrize("result", ["W", "L", "D"])
def test_longest_streak(data, result):
    g = data.games
    want, start = longest_run(g["Result"] == result)
    df = run(data, table="games", streak=Streak(where=[Filter(column="Result", value=result)]))
    assert scalar(df, "longest run") == want and want > 1
    assert scalar(df, "run start") == start and scalar(df, "run end") == start + want - 1


def test_streak_with_column_comparison_and_filter(data):
    g = data.games
    want, _ = longest_run(g["Home"] >= g["Away"])
    df = run(data, table="games", streak=Streak(where=[Filter(column="Home", op="gte", other_column="Away")]))
    assert scalar(df, "longest run") == want
    # among the games against one opponent only, ordered by the game number
    sub = g[g["Opponent"] == "Boston"]
    want, _ = longest_run(sub["Result"] == "L")
    df = run(data, table="games", filters=[Filter(column="Opponent", value="Boston")],
             streak=Streak(where=[Filter(column="Result", value="L")], order_by="Game"))
    assert scalar(df, "longest run") == want
    none = run(data, table="games", streak=Streak(where=[Filter(column="Home", op="gt", value=100)]))
    assert scalar(none, "longest run") == 0


# --- 5. aggregates against constants, columns against columns ------------------------------------------------

def test_aggregate_above_a_constant(data):
    o = data.orders
    total = o["Sales"].sum()
    for bar in (total - 1, total + 1, 1_000_000):
        df = run(data, table="orders", measures=[Measure(agg="sum", column="Sales", alias="total")],
                 test=YesNo(kind="every", where=[Filter(column="total", op="gt", value=bar)]), headline="bool")
        assert bool(scalar(df, "answer")) is bool(total > bar)


@pytest.mark.parametrize("bar", [15, 19, 25])
def test_having_and_count_result(data, bar):
    counts = data.orders.groupby("Region").size()
    plan = dict(table="orders", group_by=[GroupBy(column="Region")], measures=[Measure(agg="count", alias="orders")],
                having=[Filter(column="orders", op="gt", value=bar)])
    df = run(data, **plan)
    assert dict(zip(df["Region"], df["orders"], strict=True)) == counts[counts > bar].to_dict()
    assert df["Region"].tolist() == sorted(counts[counts > bar].index)  # still in group order
    assert scalar(run(data, **plan, count_result=True), "count") == (counts > bar).sum()
    # with a row filter too: its parameters come before the having's
    o = data.orders
    small = o[o["Sales"] < 50_000].groupby("Region").size()
    df = run(data, **plan | {"filters": [Filter(column="Sales", op="lt", value=50_000)],
                             "having": [Filter(column="orders", op="lte", value=bar - 5)]})
    assert dict(zip(df["Region"], df["orders"], strict=True)) == small[small <= bar - 5].to_dict()


def test_having_on_a_group_column_checks_values(data):
    with pytest.raises(PlanError, match="does not occur"):
        run(data, table="orders", group_by=[GroupBy(column="Region")], measures=[Measure(agg="count", alias="n")],
            having=[Filter(column="Region", value="Mars")])
    with pytest.raises(PlanError, match="not a column of the result"):
        run(data, table="orders", group_by=[GroupBy(column="Region")], measures=[Measure(agg="count", alias="n")],
            having=[Filter(column="Sales", op="gt", value=1)])


@pytest.mark.parametrize("op,fn", [("gt", lambda a, b: a > b), ("eq", lambda a, b: a == b),
                                   ("ne", lambda a, b: a != b), ("lte", lambda a, b: a <= b)])
def test_column_against_column(data, op, fn):
    g = data.games
    df = run(data, table="games", measures=[Measure(agg="count", alias="n")],
             filters=[Filter(column="Home", op=op, other_column="Away")])
    assert scalar(df, "n") == fn(g["Home"], g["Away"]).sum()


# --- 6. numbers written as text -------------------------------------------------------------------------------

def test_as_number_reads_each_form(data):
    df = run(data, table="staff", group_by=[GroupBy(column="Worth")],
             measures=[Measure(agg="max", column="Worth", as_number=True, alias="v")])
    got = dict(zip(df["Worth"], df["v"], strict=True))
    assert set(got) == set(WORTH)
    for text, want in WORTH.items():
        assert (pd.isna(got[text]) if want is None else got[text] == pytest.approx(want)), text


def test_as_number_in_measures_filters_and_order(data):
    s = data.staff
    n = s["Worth"].map(WORTH).astype(float)
    df = run(data, table="staff", measures=[Measure(agg="sum", column="Worth", as_number=True, alias="total")])
    assert scalar(df, "total") == pytest.approx(n.sum())
    df = run(data, table="staff", measures=[Measure(agg="count", alias="n")],
             filters=[Filter(column="Worth", op="gt", value=1000, as_number=True)])
    assert scalar(df, "n") == (n > 1000).sum()
    df = run(data, table="staff", select=["Name"], order=[Order(by="Worth", as_number=True, desc=False)], limit=1,
             ties=True)
    assert sorted(df["Name"]) == sorted(s.loc[n == n.min(), "Name"])


# --- 7. ratio of two sums -------------------------------------------------------------------------------

def test_ratio_of_sums(data):
    o = data.orders
    df = run(data, table="orders", measures=[Measure(agg="ratio", column="Profit", denominator="Sales", alias="m")])
    assert scalar(df, "m") == pytest.approx(o["Profit"].sum() / o["Sales"].sum())
    df = run(data, table="orders", group_by=[GroupBy(column="Region")],
             measures=[Measure(agg="ratio", column="Profit", denominator="Sales", alias="m",
                               where=[Filter(column="Sales", op="gt", value=20_000)])])
    big = o[o["Sales"] > 20_000]
    want = (big.groupby("Region")["Profit"].sum() / big.groupby("Region")["Sales"].sum()).to_dict()
    assert dict(zip(df["Region"], df["m"], strict=True)) == pytest.approx(want)


# --- 7b. arithmetic between aggregates ------------------------------------------------------------------

def _avg_where(col: str, value: str, alias: str) -> Measure:
    return Measure(agg="avg", column="Salary", alias=alias, where=[Filter(column=col, value=value)])


def test_difference_of_two_averages(data):
    s = data.staff
    df = run(data, table="staff", measures=[_avg_where("Department", "HR", "hr"), _avg_where("Department", "IT", "it")],
             compute=[Compute(alias="gap", op="sub", left="hr", right="it")], headline="value")
    by = s.groupby("Department")["Salary"].mean()
    assert scalar(df, "gap") == pytest.approx(by["HR"] - by["IT"])


@pytest.mark.parametrize("op, fn", [("div", lambda a, b: a / b), ("pct_change", lambda a, b: (a - b) / b),
                                    ("add", lambda a, b: a + b), ("mul", lambda a, b: a * b)])
def test_computed_per_group_with_having_and_order(data, op, fn):
    o = data.orders
    df = run(data, table="orders", group_by=[GroupBy(column="Region")],
             measures=[Measure(agg="sum", column="Profit", alias="p"), Measure(agg="sum", column="Sales", alias="s")],
             compute=[Compute(alias="x", op=op, left="p", right="s")], order=[Order(by="x")],
             having=[Filter(column="x", op="gt", value=-1e30)])
    g = o.groupby("Region")[["Profit", "Sales"]].sum()
    want = fn(g["Profit"], g["Sales"]).sort_values(ascending=False)
    assert list(df["Region"]) == list(want.index)
    assert list(df["x"]) == pytest.approx(list(want))


def test_compute_chain_constant_and_zero_divisor(data):
    s = data.staff
    df = run(data, table="staff",
             measures=[Measure(agg="sum", column="Salary", alias="tot"),
                       Measure(agg="count", alias="none", where=[Filter(column="Salary", op="lt", value=0)])],
             compute=[Compute(alias="k", op="div", left="tot", right=1000.0),
                      Compute(alias="k2", op="sub", left="k", right=1.0),
                      Compute(alias="z", op="div", left="tot", right="none")])
    assert scalar(df, "k2") == pytest.approx(s["Salary"].sum() / 1000 - 1)
    assert pd.isna(scalar(df, "z"))  # a zero divisor is no number, not an error or infinity


def test_compute_rejects_unknown_names(data):
    with pytest.raises(PlanError, match="not a measure alias"):
        run(data, table="staff", measures=[Measure(agg="sum", column="Salary", alias="tot")],
            compute=[Compute(alias="k", op="sub", left="tot", right="Salary")])
    with pytest.raises(PlanError, match="already an output name"):
        run(data, table="staff", measures=[Measure(agg="sum", column="Salary", alias="tot")],
            compute=[Compute(alias="tot", op="sub", left="tot", right=1.0)])


# --- 7c. columns that are values (months as columns) read as rows -----------------------------------------

def test_unpivot_month_columns_then_rank_and_average(data):
    w = data.wide
    long = w.melt(id_vars="Kind", value_vars=MONTH_COLS[:3], var_name="Month", value_name="Sales")
    df = run(data, table="wide", unpivot={"columns": MONTH_COLS[:3], "name": "Month", "value": "Sales"},
             group_by=[GroupBy(column="Month")], measures=[Measure(agg="sum", column="Sales", alias="s")],
             order=[Order(by="s")], limit=1, headline="label")
    by = long.groupby("Month")["Sales"].sum()
    assert df.iloc[0]["Month"] == by.idxmax() and df.iloc[0]["s"] == by.max()
    df = run(data, table="wide", unpivot={"columns": MONTH_COLS[:3], "name": "Month", "value": "Sales"},
             filters=[Filter(column="Kind", value="Food")], measures=[Measure(agg="avg", column="Sales", alias="a")])
    assert scalar(df, "a") == pytest.approx(long.loc[long["Kind"] == "Food", "Sales"].mean())


def test_unpivot_mixed_types_reads_text_and_as_number(data):
    w = data.wide
    df = run(data, table="wide", unpivot={"columns": MONTH_COLS, "name": "Month", "value": "Sales"},
             filters=[Filter(column="Kind", value="Toys"), Filter(column="Sales", value="(S)")], select=["Month"])
    assert list(df["Month"]) == ["Apr. 2020"]
    df = run(data, table="wide", unpivot={"columns": MONTH_COLS, "name": "Month", "value": "Sales"},
             measures=[Measure(agg="sum", column="Sales", as_number=True, alias="t")])
    long = w.melt(id_vars="Kind", value_vars=MONTH_COLS, value_name="Sales")
    assert scalar(df, "t") == pytest.approx(pd.to_numeric(long["Sales"], errors="coerce").sum())


def test_unpivot_rejects_unknown_or_clashing_columns(data):
    with pytest.raises(PlanError, match="unknown columns"):
        run(data, table="wide", unpivot={"columns": ["Jan. 2020", "Nope"]}, select=["Kind"])
    with pytest.raises(PlanError, match="must differ"):
        run(data, table="wide", unpivot={"columns": MONTH_COLS, "name": "Kind"}, select=["Kind"])


# --- 8. semi-join and anti-join ---------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["in_table", "not_in_table"])
def test_rows_whose_key_is_in_another_table(data, op):
    o, r = data.orders, data.returns
    res = data.engine.run_plan(Plan(table="orders", group_by=[GroupBy(column="Region")],
                                    measures=[Measure(agg="sum", column="Sales", alias="s")],
                                    filters=[Filter(column="Order ID", op=op, ref_table="returns",
                                                    ref_column="Order ID")]))
    keep = o["Order ID"].isin(r["Order ID"])
    keep = keep if op == "in_table" else ~keep
    assert dict(zip(res.df["Region"], res.df["s"], strict=True)) == pytest.approx(
        o[keep].groupby("Region")["Sales"].sum().to_dict())
    assert res.tables == ["orders", "returns"]


# --- 9. named ranges ---------------------------------------------------------------------------------------

def test_named_ranges(data):
    s = data.staff
    df = run(data, table="staff", buckets=Buckets(column="Age", edges=[0, 18, 65], labels=["minor", "adult", "senior"]),
             measures=[Measure(agg="count", alias="n")])
    want = pd.cut(s["Age"], [0, 18, 65, float("inf")], right=False, labels=["minor", "adult", "senior"])
    assert df["Age range"].tolist() == ["minor", "adult", "senior"]
    assert dict(zip(df["Age range"], df["n"], strict=True)) == want.value_counts().to_dict()
    # one more label names the values below the first edge
    df = run(data, table="staff", buckets=Buckets(column="Age", edges=[18, 65], labels=["child", "adult", "senior"]),
             measures=[Measure(agg="count", alias="n")])
    want = pd.cut(s["Age"], [-float("inf"), 18, 65, float("inf")], right=False, labels=["child", "adult", "senior"])
    assert dict(zip(df["Age range"], df["n"], strict=True)) == want.value_counts().to_dict()


# --- 10. month of year and day of week ------------------------------------------------------------------------

@pytest.mark.parametrize("month", ["March", "mar", 3, "December"])
def test_month_filter_by_name_or_number(data, month):
    h = data.staff["Hired"]
    m = {"March": 3, "mar": 3, 3: 3, "December": 12}[month]
    df = run(data, table="staff", measures=[Measure(agg="count", alias="n")],
             filters=[Filter(column="Hired", op="month", value=month)])
    assert scalar(df, "n") == (h.dt.month == m).sum()


def test_group_by_month_of_year_and_weekday(data):
    h = data.staff["Hired"]
    df = run(data, table="staff", group_by=[GroupBy(column="Hired", bucket="month_of_year")],
             measures=[Measure(agg="count", alias="n")])
    want = h.dt.month.value_counts().sort_index()
    assert df["Hired (month_of_year)"].tolist() == [dt.date(2000, m, 1).strftime("%B") for m in want.index]
    assert df["n"].tolist() == want.tolist()
    df = run(data, table="staff", group_by=[GroupBy(column="Hired", bucket="day_of_week")],
             measures=[Measure(agg="count", alias="n")])
    want = h.dt.dayofweek.value_counts().sort_index()
    assert df["Hired (day_of_week)"].tolist() == [h[h.dt.dayofweek == d].iloc[0].strftime("%A") for d in want.index]
    assert df["n"].tolist() == want.tolist()
    for day, num in (("Monday", 0), ("sun", 6), (5, 4)):
        df = run(data, table="staff", measures=[Measure(agg="count", alias="n")],
                 filters=[Filter(column="Hired", op="weekday", value=day)])
        assert scalar(df, "n") == (h.dt.dayofweek == num).sum()


# --- 11. list-valued cells -------------------------------------------------------------------------------

def elements(cell: str) -> list[str]:
    return [x.strip(" '\"") for x in re.split(r"[,;]", cell.strip("[]")) if x.strip(" '\"")]


def test_list_contains_and_count_per_element(data):
    s = data.staff
    lists = s["Majors"].map(elements)
    for major in ("Law", "business"):
        df = run(data, table="staff", measures=[Measure(agg="count", alias="n")],
                 filters=[Filter(column="Majors", op="list_contains", value=major)])
        assert scalar(df, "n") == lists.map(lambda xs, m=major: m.lower() in [x.lower() for x in xs]).sum()
    df = run(data, table="staff", group_by=[GroupBy(column="Majors", split_list=True)],
             measures=[Measure(agg="count", alias="n"), Measure(agg="avg", column="Salary", alias="pay")])
    ex = s.assign(Major=lists).explode("Major")
    assert dict(zip(df["Majors"], df["n"], strict=True)) == ex.groupby("Major").size().to_dict()
    assert dict(zip(df["Majors"], df["pay"], strict=True)) == pytest.approx(ex.groupby("Major")["Salary"].mean().to_dict())


# --- refusals ----------------------------------------------------------------------------------------------

REFUSED = [
    dict(table="staff", select=["Name"], order=[Order(by="Salary")], limit=1, ties=False,
         relative=Relative(anchor=[Filter(column="Town", value="x")])),
    dict(table="staff", select=["Name"], limit=1, ties=True),  # ties without an order
    dict(table="staff", streak=Streak(where=[Filter(column="Goals", op="gt", value=1)])),
    dict(table="staff", streak=Streak(where=[Filter(column="Age", op="gt", value=1)], order_by="Height")),
    dict(table="games", measures=[Measure(agg="count")], filters=[Filter(column="Home", op="gt", other_column="Result")]),
    dict(table="games", measures=[Measure(agg="count")], filters=[Filter(column="Home", op="gt", other_column="Nope")]),
    dict(table="games", measures=[Measure(agg="count")], filters=[Filter(column="Home", op="in", other_column="Away")]),
    dict(table="orders", measures=[Measure(agg="ratio", column="Profit", denominator="Region")]),
    dict(table="orders", measures=[Measure(agg="ratio", column="Profit")]),
    dict(table="orders", measures=[Measure(agg="count")],
         filters=[Filter(column="Order ID", op="in_table", ref_table="refunds", ref_column="Order ID")]),
    dict(table="orders", measures=[Measure(agg="count")],
         filters=[Filter(column="Order ID", op="in_table", ref_table="returns", ref_column="Order")]),
    dict(table="orders", measures=[Measure(agg="count")],
         filters=[Filter(column="Sales", op="in_table", ref_table="returns", ref_column="Order ID")]),
    dict(table="orders", measures=[Measure(agg="count")], filters=[Filter(column="Order ID", op="in_table")]),
    dict(table="staff", measures=[Measure(agg="count")], buckets=Buckets(column="Age", edges=[0, 18], labels=["a"])),
    dict(table="staff", measures=[Measure(agg="count")], buckets=Buckets(column="Age", edges=[18, 0], labels=["a", "b"])),
    dict(table="staff", measures=[Measure(agg="count")], filters=[Filter(column="Hired", op="month", value="Marchy")]),
    dict(table="staff", measures=[Measure(agg="count")], filters=[Filter(column="Hired", op="month", value=13)]),
    dict(table="staff", measures=[Measure(agg="count")], filters=[Filter(column="Hired", op="weekday", value=8)]),
    dict(table="staff", measures=[Measure(agg="count")], filters=[Filter(column="Age", op="weekday", value=1)]),
    dict(table="staff", measures=[Measure(agg="count")], group_by=[GroupBy(column="Age", bucket="month_of_year")]),
    dict(table="staff", measures=[Measure(agg="count")], filters=[Filter(column="Age", op="list_contains", value="x")]),
    dict(table="staff", measures=[Measure(agg="count")], group_by=[GroupBy(column="Salary", split_list=True)]),
    dict(table="staff", measures=[Measure(agg="count")], filters=[Filter(column="Worth", op="gt", value="lots",
                                                                         as_number=True)]),
    dict(table="staff", select=["Name"], test=YesNo(kind="every")),
    dict(table="staff", select=["Name"], test=YesNo(kind="some", where=[Filter(column="Salary", op="gt", value=1)])),
    dict(table="staff", select=["Name"], count_result=True, test=YesNo(kind="every", where=[Filter(column="Name", value="Ada")])),
]


@pytest.mark.parametrize("plan", REFUSED, ids=range(len(REFUSED)))
def test_refusals(data, plan):
    with pytest.raises(PlanError):
        compile_plan(Plan(**plan), data.engine.schema())


# --- the plan's JSON schema converts to a grammar -------------------------------------------------------------

def walk(node, path="$"):
    """Every sub-schema of a JSON schema, with its path."""
    if isinstance(node, dict):
        yield path, node
        for key in ("properties", "$defs"):
            for k, v in node.get(key, {}).items():
                yield from walk(v, f"{path}.{key}.{k}")
        if "items" in node:
            yield from walk(node["items"], f"{path}.items")
        for key in ("anyOf", "oneOf", "allOf"):
            for i, v in enumerate(node.get(key, [])):
                yield from walk(v, f"{path}.{key}[{i}]")


@pytest.mark.parametrize("schema", [Plan.model_json_schema(), reply_schema()], ids=["plan", "reply"])
def test_plan_json_schema_is_fully_typed(schema):
    bad = [p for p, n in walk(schema) if not any(k in n for k in ("type", "$ref", "anyOf", "enum", "const"))]
    assert bad == []
    assert [p for p, n in walk(schema) if n.get("items") == {}] == []
    # every field of every model says what it is for
    for p, n in walk(schema):
        for name, prop in n.get("properties", {}).items():
            assert prop.get("description"), f"{p}.{name} has no description"
    assert "Any" not in str(schema) and len(list(walk(schema))) > 50


def test_other_rows_above_or_below_an_anchor_rows_value(data):
    s = data.staff
    for name in ("Ada", "Eli", "Kim"):
        age = s.loc[s["Name"] == name, "Age"].item()
        for op, keep in (("gt", s["Age"] > age), ("lt", s["Age"] < age)):
            df = run(data, table="staff", select=["Name"],
                     same_as=SameAs(anchor=[Filter(column="Name", value=name)], columns=["Age"], op=op))
            assert sorted(df["Name"]) == sorted(s[keep]["Name"])
    # two anchor rows: above both of them
    df = run(data, table="staff", select=["Name"],
             same_as=SameAs(anchor=[Filter(column="Name", op="in", values=["Ada", "Ben"])], columns=["Age"], op="gt"))
    top = s.loc[s["Name"].isin(["Ada", "Ben"]), "Age"].max()
    assert sorted(df["Name"]) == sorted(s[s["Age"] > top]["Name"])
