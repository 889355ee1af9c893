"""Table detection and column typing on generated messy workbooks, asserted cell for cell."""
import datetime as dt

import messy
import pandas as pd
import pytest

from core.config import Settings
from core.ingest import parse_file


def parse(path):
    return parse_file(path, path.name, Settings(home=path.parent / "ws"))


def tables_of(parsed):
    return [t for s in parsed.sheets for t in s.tables]


def rows(t):
    return [list(r) for r in t.df.astype(object).where(t.df.notna(), None).itertuples(index=False, name=None)]


def test_title_rows_above_header(tmp_path):
    (t,) = tables_of(parse(messy.title_rows(tmp_path / "t.xlsx")))
    assert t.title == "Quarterly Sales Report Prepared by Finance"
    assert t.header_row == 4 and t.range == "A4:C7"
    assert t.columns == ["Region", "Sales", "Units"]
    assert rows(t) == [["East", 100.5, 3], ["West", 200.25, 4], ["North", 50.0, 1]]
    assert t.dtypes == {"Region": "text", "Sales": "number", "Units": "integer"}


def test_several_tables_on_one_sheet(tmp_path):
    ts = tables_of(parse(messy.two_tables(tmp_path / "t.xlsx")))
    by_range = {t.range: t for t in ts}
    assert set(by_range) == {"A1:B4", "E1:F3", "A8:C10"}
    assert rows(by_range["A1:B4"]) == [["Shoes", 10], ["Hats", 20], ["Bags", 30]]
    assert by_range["E1:F3"].columns == ["Manager", "Team size"]
    costs = by_range["A8:C10"]
    assert costs.title == "Costs by month"
    assert costs.columns == ["Month", "Cost", "Paid"]
    assert rows(costs) == [[pd.Timestamp("2023-01-01"), 5.5, True], [pd.Timestamp("2023-02-01"), 6.5, False]]
    assert costs.dtypes["Month"] == "date" and costs.dtypes["Paid"] == "boolean"
    assert len({t.name for t in ts}) == 3


def test_two_row_header_with_merged_cells(tmp_path):
    (t,) = tables_of(parse(messy.two_row_header(tmp_path / "t.xlsx")))
    assert t.columns == ["Region", "Sales / Q1", "Sales / Q2", "Profit / Q1", "Profit / Q2"]
    assert t.header_row == 1 and t.range == "A1:E4"
    assert rows(t) == [["East", 1, 2, 3, 4], ["West", 5, 6, 7, 8]]


def test_subtotal_and_grand_total_rows_excluded(tmp_path):
    (t,) = tables_of(parse(messy.subtotals(tmp_path / "t.xlsx")))
    assert rows(t) == [["A", "Ann", 10], ["A", "Al", 20], ["B", "Bea", 5], ["B", "Bo", 7], ["B", "Bill", 8]]
    assert [e["row"] for e in t.excluded] == [4, 8, 9]
    assert t.df["Amount"].sum() == 50


def test_sparse_subtotal_rows_like_the_employee_file(tmp_path):
    (t,) = tables_of(parse(messy.sparse_subtotals(tmp_path / "t.xlsx")))
    assert len(t.df) == 10
    assert [e["row"] for e in t.excluded] == [8, 13]
    assert t.dtypes["Bonus"] == "number" and t.df["Salary"].sum() == 1045


def test_pivot_layout_is_a_summary(tmp_path):
    (t,) = tables_of(parse(messy.pivot(tmp_path / "t.xlsx")))
    assert t.kind == "pivot"
    assert t.columns == ["Row Labels", "East", "West", "Grand Total"]
    assert rows(t) == [["Hats", 1, 2, 3], ["Shoes", 4, 5, 9]]
    assert [e["row"] for e in t.excluded] == [5]


def test_values_are_kept_exactly(tmp_path):
    p = parse(messy.values_kept(tmp_path / "t.xlsx"))
    (t,) = tables_of(p)
    df = t.df
    assert df["Code"].tolist() == ["00123", "00456", "07890", "01000"]
    assert df["Category"].tolist() == ["None", "NA", "Food", "None"]
    assert t.dtypes["Qty as text"] == "number" and df["Qty as text"].tolist() == [10, 20, 30.5, 40]
    assert t.dtypes["Mixed"] == "text" and df["Mixed"].tolist() == ["5", "x", "7", "8"]
    assert t.dtypes["When"] == "date"
    assert df["When"].tolist()[:2] == [pd.Timestamp("2019-01-03"), pd.Timestamp("2019-02-04")]
    assert pd.isna(df["When"][2]) and df["When"][3] == pd.Timestamp("2019-03-05")
    assert any("2/30/2019" in w and "row 4" in w for w in t.warnings)


def test_duplicate_blank_and_padded_headers(tmp_path):
    (t,) = tables_of(parse(messy.bad_headers(tmp_path / "t.xlsx")))
    assert t.columns == ["Name", "Name (2)", "Column C", "Sales", "Sales (2)"]
    assert rows(t) == [["a", "b", "c", 1, 2], ["d", "e", "f", 3, 4]]


def test_empty_and_hidden_sheets(tmp_path):
    p = parse(messy.sheets_mix(tmp_path / "t.xlsx"))
    by = {s.name: s for s in p.sheets}
    assert by["Empty"].tables == ()
    assert by["Secret"].hidden is True and rows(by["Secret"].tables[0]) == [["x", 1], ["y", 2]]
    assert by["Main"].hidden is False and rows(by["Main"].tables[0]) == [["z", 3]]


@pytest.mark.slow
def test_200k_row_sheet(tmp_path):
    (t,) = tables_of(parse(messy.big(tmp_path / "big.xlsx")))
    df = t.df
    assert len(df) == 200_000 and t.range == "A1:D200001"
    assert t.dtypes == {"id": "integer", "region": "text", "amount": "number", "day": "date"}
    assert df["id"].sum() == sum(range(200_000))
    assert df["amount"].sum() == pytest.approx(sum((i % 100) * 1.5 for i in range(200_000)))
    assert (df["region"] == "West").sum() == 50_000
    assert df["day"].min() == pd.Timestamp(dt.date(2020, 1, 1))
    # chunks (made by the index once the file is stored) stay within the model window and are bounded
    from core.chunks import make_chunks

    s = Settings()
    chunks = make_chunks("big.xlsx", t.name, df, t.profile, model_path=s.embed_model, limit=s.chunk_tokens,
                         row_window_cap=s.row_window_cap)
    assert max(c.tokens for c in chunks) <= 256
    assert len([c for c in chunks if c.kind == "rows"]) <= 200


def test_csv_encodings_and_delimiters(tmp_path):
    text = "Name;Amount;Code\nJosé;1.234,5;007\nZoë;2;010\n"
    # decimal commas are not guessed: the column stays text unless the whole column agrees
    p = tmp_path / "semi.csv"
    p.write_bytes(text.encode("cp1252"))
    (t,) = tables_of(parse(p))
    assert t.columns == ["Name", "Amount", "Code"]
    assert t.df["Name"].tolist() == ["José", "Zoë"]
    assert t.df["Code"].tolist() == ["007", "010"]
    p16 = tmp_path / "u16.csv"
    p16.write_bytes("a,b\n1,x\n2,y\n".encode("utf-16"))
    (t,) = tables_of(parse(p16))
    assert rows(t) == [[1, "x"], [2, "y"]]
    pt = tmp_path / "tabs.tsv"
    pt.write_text("k\tv\nA\t1.5\nB\tNA\n")
    (t,) = tables_of(parse(pt))
    assert t.dtypes["v"] == "number" and t.df["v"].tolist()[0] == 1.5 and pd.isna(t.df["v"][1])
    assert any("marked as missing" in w for w in t.warnings)


def test_csv_ragged_rows_and_bom(tmp_path):
    p = tmp_path / "r.csv"
    p.write_bytes("\ufeffa,b,c\n1,2,3\n4,5\n6,7,8,9\n".encode("utf-8"))
    (t,) = tables_of(parse(p))
    assert t.columns[:3] == ["a", "b", "c"]
    assert t.df["a"].tolist() == [1, 4, 6]
