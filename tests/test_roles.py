"""Column roles (id, money, ratio, count, date, category, free text) decided at ingest from names, number formats
and values, stored in the catalog; how they show numbers; what they allow to be summed; ties in superlatives."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from core import Settings, Workspace, ui
from core.answer import Answerer
from core.catalog import applied_migrations
from core.chat import ChatPipeline
from core.numfmt import xlsx_column_formats
from core.planning import OfflinePlanner
from core.roles import column_role, format_value, summable

VENDORS = ["Pam's Paninis", "Joe's Jam", "Ann's Apples", "Bob's Bagels", "Cat's Cakes"]
ORDERS = {"Pam's Paninis": 28, "Joe's Jam": 28, "Ann's Apples": 12, "Bob's Bagels": 20, "Cat's Cakes": 5}


def _book(path: Path) -> pd.DataFrame:
    """A messy sales sheet: a title row above the header, an id, a ratio with a % format, a percentage typed as
    text ("13%"), money with a currency format and 3 decimals, a count, dates at midnight, a category and
    free-text comments. Returns the data as pandas should read it."""
    rnd = random.Random(7)
    rows = []
    for i in range(40):
        v = VENDORS[i % 5]
        rows.append({"Retailer ID": 5000 + i, "Vendor": v, "Operating Margin": round(rnd.uniform(0.02, 0.3), 4),
                     "Bonus %": f"{rnd.randint(1, 20)}%", "Total Sales": round(rnd.uniform(10, 2000), 3),
                     "Units Sold": rnd.randint(1, 60), "Order Date": dt.datetime(2024, 1 + i % 12, 1 + i % 27),
                     "Comment": f"Customer {i} asked for a later delivery and a second invoice copy"})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws.append(["Quarterly sales export"])
    ws.append([])
    ws.append(list(rows[0]))
    for r in rows:
        ws.append(list(r.values()))
        ws.cell(row=ws.max_row, column=3).number_format = "0.0%"
        ws.cell(row=ws.max_row, column=5).number_format = '"$"#,##0.00'
    tie = wb.create_sheet("Orders")
    tie.append(["Vendor", "Orders"])
    for v, n in ORDERS.items():
        tie.append([v, n])
    wb.save(path)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    home = tmp_path_factory.mktemp("roles")
    book = home / "sales.xlsx"
    df = _book(book)
    w = Workspace(Settings(home=home / "ws", build_index=False))
    w.add_file(book)
    return w, df, book


def _table(w, sheet):
    return next(t for t in w.tables() if t.sheet == sheet)


def test_number_formats_are_read_from_the_package(ws):
    _, _, book = ws
    formats = xlsx_column_formats(book)["Sales"]
    assert formats["C"] == "0.0%" and "$" in formats["E"]


def test_roles_decided_at_ingest_and_stored(ws):
    w, _, _ = ws
    assert "m002_column_roles" in applied_migrations(w.catalog.conn())
    roles = _table(w, "Sales").roles
    assert roles == {"Retailer ID": "id", "Vendor": "category", "Operating Margin": "ratio", "Bonus %": "ratio",
                     "Total Sales": "money", "Units Sold": "count", "Order Date": "date", "Comment": "text"}
    stored = {r["name"]: r["number_format"] for r in w.catalog.query("SELECT name, number_format FROM columns")}
    assert stored["Operating Margin"] == "0.0%" and stored["Bonus %"] == "0%"  # the text said "13%"


def test_role_from_name_and_values_without_a_format():
    assert column_role("Margin %", "number", {"min": 0.01, "max": 0.4}) == "ratio"
    assert column_role("Margin %", "number", {"min": 1, "max": 40}) == "percent"
    assert column_role("Unit Price", "number", {}) == "rate"
    assert column_role("Revenue", "number", {}) == "money"
    assert column_role("Row", "integer", {"min": 1, "max": 50, "rows": 50, "nulls": 0, "distinct": 50}) == "id"
    assert column_role("Week 1", "integer", {"min": 1, "max": 9}) == "measure"
    assert not summable("id") and not summable("ratio") and summable("money") and summable("count")


@pytest.mark.parametrize("value, role, shown", [
    (0.1305, "ratio", "13.1%"), (13.05, "percent", "13.1%"), (1234.567, "money", "1,234.57"), (1200.5, "money", "1,200.50"),
    (78334681.0, "money", "78,334,681"),
    (5012, "id", "5012"), (1234567, "count", "1,234,567"), (dt.datetime(2024, 3, 1), "date", "2024-03-01"),
    (pd.Timestamp("2024-03-01 14:30"), "date", "2024-03-01 14:30"), (0.5, None, "0.5"),
])
def test_display_formats(value, role, shown):
    assert format_value(value, role) == shown


def test_result_table_formats_follow_roles():
    fmts = ui.number_formats({"Operating Margin": "ratio", "Total Sales": "money", "Retailer ID": "id", "x": "measure"})
    assert fmts == {"Operating Margin": "percent", "Total Sales": "accounting", "Retailer ID": "%d"}


def test_no_starter_question_or_profile_sums_an_id_or_a_ratio(ws):
    w, df, _ = ws
    t = _table(w, "Sales")
    views = Answerer(w).table_views()
    qs = OfflinePlanner(views).suggestions(k=10)
    assert qs, "starter questions"
    for q in qs:
        assert not any(f"total {c}" in q for c in ("Retailer ID", "Operating Margin", "Bonus %")), q
    assert any("Total Sales" in q for q in qs)
    prof = ui.profile_frame(w.table_profile(t.id), t.roles).set_index("column")
    assert prof.loc["Retailer ID", "sum"] == "" and prof.loc["Retailer ID", "mean"] == ""
    assert prof.loc["Operating Margin", "sum"] == ""
    assert prof.loc["Operating Margin", "mean"] == f"{df['Operating Margin'].mean() * 100:.1f}%"  # pandas cross-check
    assert prof.loc["Total Sales", "sum"] == f"{df['Total Sales'].sum():,.2f}"


def test_explore_charts_never_sum_a_ratio_or_chart_a_number_by_a_number(ws):
    from core import explore_charts

    w, _, _ = ws
    t = _table(w, "Sales")
    for spec, _ in explore_charts(w.load_table(t.id), roles=t.roles):
        ys = spec.y or []
        assert "Retailer ID" not in ys and spec.x != "Retailer ID"
        if spec.aggregation == "sum":
            assert all(t.roles[y] in ("money", "count", "measure") for y in ys), spec
        if spec.x in t.roles:
            assert t.roles[spec.x] in ("category", "date", "money", "count", "measure", "ratio"), spec


def test_a_ratio_reads_as_a_percentage_in_the_sentence(ws):
    w, df, _ = ws
    p = ChatPipeline(Answerer(w), w.settings, llm=None)
    _, out = p.run("What is the average Operating Margin?")
    assert out["value"] == pytest.approx(df["Operating Margin"].mean())
    assert f"{df['Operating Margin'].mean() * 100:.1f}%" in out["answer"]
    _, out = p.run("What is the total Total Sales?")
    assert out["value"] == pytest.approx(df["Total Sales"].sum())
    assert f"{df['Total Sales'].sum():,.2f}" in out["answer"]  # 2 decimals, not the cells' 3
    assert out["formats"][out["table"]["columns"][-1]] == "money"


def test_a_tie_is_named_in_the_sentence_and_the_table_ranks(ws):
    w, _, _ = ws
    p = ChatPipeline(Answerer(w), w.settings, llm=None)
    _, out = p.run("Which vendor has the most orders?")
    top = max(ORDERS.values())
    winners = sorted(v for v, n in ORDERS.items() if n == top)  # pandas-free cross-check: the data itself
    expected = pd.Series(ORDERS).sort_values(ascending=False)
    assert sorted(out["value"]) == winners
    assert all(v in out["answer"] for v in winners) and "tie" in out["answer"] and "28" in out["answer"]
    assert sorted(r[0] for r in out["table"]["rows"]) == winners  # the headline table keeps the winners only
    ranking = out["ranking"]["rows"]
    assert sorted(r[0] for r in ranking[:2]) == winners and len(ranking) == len(ORDERS)
    assert [r[-1] for r in ranking] == expected.tolist()


def test_explore_never_charts_a_measure_by_a_measure():
    """Week columns of small integers are measures: no "Total Week 4 by Week 1" bar, no sum of a Store ID."""
    from core import explore_charts
    from core.profiles import profile_column

    rnd = random.Random(3)
    df = pd.DataFrame({"Store ID": range(100, 130), "Week 1": [rnd.randint(1, 9) for _ in range(30)],
                       "Week 4": [rnd.randint(1, 9) for _ in range(30)], "Store": [f"S{i % 4}" for i in range(30)]})
    dtypes = {"Store ID": "integer", "Week 1": "integer", "Week 4": "integer", "Store": "text"}
    roles = {c: column_role(c, d, profile_column(df[c], d)) for c, d in dtypes.items()}
    assert roles == {"Store ID": "id", "Week 1": "measure", "Week 4": "measure", "Store": "category"}
    specs = [s for s, _ in explore_charts(df, roles=roles)]
    assert specs
    for s in specs:
        if s.chart_type in ("bar", "box", "pie"):
            assert s.x == "Store", s
        assert "Store ID" not in (s.y or []) and s.x != "Store ID", s


def test_a_number_that_labels_rows_is_an_id():
    assert column_role("Invoice Number", "integer", {"min": 7, "max": 90000}) == "id"
    assert column_role("Number of Orders", "integer", {"min": 1, "max": 9}) == "count"
