"""Total rows leave the data only with proof: generated true totals and decoys, asserted row for row."""
import numpy as np
import openpyxl
import pandas as pd
import pytest

from core import Answerer, ChatPipeline, Settings, Workspace
from core.ingest import parse_file
from core.totals import find_totals, is_total_label


def book(path, rows, title=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    if title:
        ws.append([title])
        ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def parse(path):
    return parse_file(path, path.name, Settings(home=path.parent / "ws"))


def only_table(path):
    (t,) = [t for s in parse(path).sheets for t in s.tables]
    return t


def excluded(t):
    return [e["row"] for e in t.excluded if e["status"] == "excluded"]


def test_block_subtotals_and_grand_total_with_labels(tmp_path):
    t = only_table(book(tmp_path / "t.xlsx", [
        ["Region", "Rep", "Sales", "Units"],
        ["East", "Ann", 10.5, 1], ["East", "Bo", 20.25, 2],
        ["East Total", None, 30.75, 3],
        ["West", "Cy", 5, 4], ["West", "Di", 7, 5], ["West", "Ed", 8, 6],
        ["West Total", None, 20, 15],
        ["Grand Total", None, 50.75, 18],
    ]))
    assert excluded(t) == [4, 8, 9]
    assert t.df["Sales"].sum() == pytest.approx(50.75) and len(t.df) == 5
    reasons = {e["row"]: e["detail"] for e in t.excluded}
    assert reasons[4] == "equals the sum of rows 2-3 in Sales, Units"
    assert reasons[9] == "equals the sum of rows 2-7 in Sales, Units (without the total rows 4)"


def test_unlabelled_sparse_totals_are_proven_by_their_sums(tmp_path):
    rows = [["ID", "Name", "Dept", "Salary"]]
    rows += [[f"E{i}", f"N{i}", "IT", 100 + i] for i in range(5)] + [[None, None, None, 510]]
    rows += [[f"E{i}", f"N{i}", "HR", 100 + i] for i in range(5, 9)] + [[None, None, None, 426]]
    t = only_table(book(tmp_path / "t.xlsx", rows))
    assert excluded(t) == [7, 12]
    assert t.df["Salary"].sum() == 510 + 426


def test_a_category_named_average_or_total_is_data(tmp_path):
    """A clean survey export: 'Average' and 'Total' are answers, not totals; every row stays."""
    rng = np.random.default_rng(3)
    kinds = ["Average", "Slim", "Total", "Athletic"]
    df = pd.DataFrame({"Body type": [kinds[i % 4] for i in range(373)],
                       "Age": rng.integers(18, 70, 373), "Score": rng.normal(50, 10, 373).round(2)})
    p = tmp_path / "survey.csv"
    df.to_csv(p, index=False)
    t = only_table(p)
    assert len(t.df) == 373 and excluded(t) == []
    assert (t.df["Body type"] == "Average").sum() == 94
    assert any("labelled 'Average'" in w and "kept as data" in w for w in t.warnings)


def test_sparse_real_rows_stay(tmp_path):
    t = only_table(book(tmp_path / "t.xlsx", [
        ["Season", "Club", "League", "Apps", "Goals"],
        [1993, "Viking", "Premier League", 12, 3],
        [1994, None, None, 154, None],
        [1995, "Viking", "Premier League", 20, 4],
        [1996, "Viking", "Premier League", 1, 0],
        [1997, "Brann", None, None, 2],
    ]))
    assert excluded(t) == [] and len(t.df) == 5


def test_a_total_label_whose_numbers_do_not_add_up_is_kept_with_a_warning(tmp_path):
    t = only_table(book(tmp_path / "t.xlsx", [
        ["Item", "Amount"], ["Pens", 3], ["Ink", 4], ["Paper", 5], ["Total", 13],
    ]))
    assert excluded(t) == [] and len(t.df) == 4
    assert any(w.startswith("A5 is labelled 'Total'") and "kept as data" in w for w in t.warnings)


def test_rounded_totals_still_prove(tmp_path):
    t = only_table(book(tmp_path / "t.xlsx", [
        ["Item", "Amount", "Qty"], ["a", 1.114, 1], ["b", 2.226, 2], ["c", 3.333, 3], ["Total", 6.67, 6],
    ]))
    assert excluded(t) == [5]


def test_labelled_average_and_count_rows(tmp_path):
    t = only_table(book(tmp_path / "t.xlsx", [
        ["Name", "Age", "Salary"], ["a", 30, 1000.5], ["b", 40, 2000.25], ["c", 50, 3000.75],
        ["Average", 40, 2000.5], ["Count", 3, 3],
    ]))
    assert excluded(t) == [5, 6]
    assert "the average of rows 2-4" in t.excluded[0]["detail"]
    assert "the count of rows 2-4" in t.excluded[1]["detail"]


def test_an_unlabelled_dense_row_that_happens_to_add_up_is_data(tmp_path):
    t = only_table(book(tmp_path / "t.xlsx", [["Product", "Revenue"], ["Shoes", 10], ["Hats", 20], ["Bags", 30]]))
    assert excluded(t) == [] and len(t.df) == 3


def test_key_value_block_is_a_table_named_by_its_title(tmp_path):
    p = tmp_path / "dash.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Dashboard"
    ws.append(["Region", "Sales"])
    for r in [["East", 5], ["West", 7], ["North", 9]]:
        ws.append(r)
    ws["E1"] = "Account summary"
    for i, (k, v) in enumerate([("Total # of Accounts", 307), ("Active accounts", 250), ("Churned", 12)], start=3):
        ws.cell(i, 5, k)
        ws.cell(i, 6, v)
    wb.save(p)
    tables = {t.name: t for s in parse(p).sheets for t in s.tables}
    kv = tables["Dashboard - Account summary"]
    assert kv.kind == "key_value" and kv.columns == ["Metric", "Value"]
    assert kv.df.set_index("Metric")["Value"].to_dict() == {"Total # of Accounts": 307, "Active accounts": 250, "Churned": 12}
    assert "Dashboard - Region, Sales" in tables  # untitled blocks are named by what they hold, not by range


def test_total_label_positions():
    assert all(is_total_label(s) for s in ["Total", "Grand Total", "Subtotal A", "East Total", "Total Result",
                                           "Average", "Count", "Total for 2020", "TOTAL:"])
    assert not any(is_total_label(s) for s in ["Average body", "Totally", "Total # of Accounts in the region list",
                                               "Sum of Sales", None, 12])


def test_find_totals_direct_overrides():
    data = np.array([["a", 1.0], ["b", 2.0], ["c", 3.0], ["Total", 6.0]], dtype=object)
    filled = np.ones(data.shape, dtype=bool)
    rows = np.arange(2, 6)
    num = lambda col: pd.to_numeric(pd.Series(col), errors="coerce").to_numpy(dtype=float)  # noqa: E731
    base = find_totals(data, filled, ["s", "n"], ["K", "V"], rows, ["A", "B"], num)
    assert base.flags.tolist() == [False, False, False, True]
    kept = find_totals(data, filled, ["s", "n"], ["K", "V"], rows, ["A", "B"], num, {5: "keep", 3: "exclude"})
    assert kept.flags.tolist() == [False, True, False, False]
    assert [(e["row"], e["status"]) for e in kept.excluded] == [(3, "excluded"), (5, "kept")]


def test_keep_and_exclude_rows_rederive_the_table_and_answers(tmp_path):
    ws = Workspace(Settings(home=tmp_path / "ws", isolate_parsing=False))
    p = book(tmp_path / "t.xlsx", [["Item", "Amount"], ["Pens", 3], ["Ink", 4], ["Paper", 5], ["Total", 12]])
    ws.add_file(p)
    (t,) = ws.tables()
    assert t.rows == 3 and [e["row"] for e in t.excluded] == [5]
    pipeline = ChatPipeline(Answerer(ws))

    def total(t):
        value = pipeline.answer("What is the total Amount?").value
        assert value == ws.load_table(t.id)["Amount"].sum()  # the answer reads the re-derived table
        return value

    assert total(t) == 12

    ws.decide_row(t.id, 5, "keep", by="dana")
    (t,) = ws.tables()
    assert t.rows == 4 and t.excluded[0]["status"] == "kept" and total(t) == 24
    assert ws.files()[0]["n_rows"] == 4

    ws.decide_row(t.id, 2, "exclude")
    (t,) = ws.tables()
    assert t.rows == 3 and total(t) == 21
    assert {(e["row"], e["status"]) for e in t.excluded} == {(2, "excluded"), (5, "kept")}

    ws.decide_row(t.id, 5, None)
    ws.decide_row(ws.tables()[0].id, 2, None)
    (t,) = ws.tables()
    assert t.rows == 3 and total(t) == 12 and [e["status"] for e in t.excluded] == ["excluded"]
    assert len(list((ws.home / "files").iterdir())) == 1  # the old folders are gone
