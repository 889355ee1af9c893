"""Section headings inside a table become a column (nothing lost), and a header split over two rows is one header."""
import openpyxl
import pandas as pd

from core import Answerer, ChatPipeline, Settings, Workspace
from core.ingest import parse_file

MONTHS = ["Jan. 2020", "Feb. 2020", "Mar. 2020"]


def census_book(path, sections=("NOT ADJUSTED", "ADJUSTED(2)"), heading_rows=True):
    """A statistical table as agencies publish it: title, a header split over two rows, stacked sections."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2020"
    ws.append(["Estimates of Monthly Sales by Kind of Business: 2020"])
    ws.append([])
    ws.append(["Code", "Kind of Business"])
    ws.append([None, None, *MONTHS, "TOTAL"])
    kinds = [(441, "Motor vehicle dealers"), (442, "Furniture stores"), (443, "Electronics stores")]
    for k, section in enumerate(sections):
        if heading_rows:
            ws.append([None, section])
        for j, (code, kind) in enumerate(kinds):
            vals = [100 * (k + 1) + 10 * j + m for m in range(3)]
            ws.append([code, kind, *vals, sum(vals)])
    ws.append(["(1) Estimates are not adjusted for price changes and may include kinds of business not shown."])
    wb.save(path)
    return path


def only_table(path):
    (t,) = [t for s in parse_file(path, path.name, Settings(home=path.parent / "ws")).sheets for t in s.tables]
    return t


def test_headings_become_a_section_column_and_are_listed_as_left_out(tmp_path):
    t = only_table(census_book(tmp_path / "c.xlsx"))
    assert t.columns == ["Section", "Code", "Kind of Business", *MONTHS, "TOTAL"]
    df = t.df
    data = df[df["Jan. 2020"].notna()]
    assert list(data["Section"]) == ["NOT ADJUSTED"] * 3 + ["ADJUSTED(2)"] * 3
    assert len(data) == 6 and data["Jan. 2020"].tolist() == [100, 110, 120, 200, 210, 220]
    heads = [e for e in t.excluded if e["reason"] == "section heading"]
    assert [e["row"] for e in heads] == [5, 9] and heads[0]["cells"] == ["NOT ADJUSTED"]
    assert "rows 6-8" in heads[0]["detail"]
    assert any("section headings" in w for w in t.warnings)


def test_header_split_over_two_rows_is_one_header(tmp_path):
    t = only_table(census_book(tmp_path / "c.xlsx", heading_rows=False, sections=("x",)))
    assert t.columns == ["Code", "Kind of Business", *MONTHS, "TOTAL"] and t.header_rows == 2
    assert t.title and t.title.startswith("Estimates of Monthly Sales")


def test_one_heading_or_a_lone_label_between_rows_is_data(tmp_path):
    t = only_table(census_book(tmp_path / "c.xlsx", sections=("ONLY ONE",)))
    assert "Section" not in t.columns and not t.excluded
    p = tmp_path / "staff.xlsx"  # a person with no numbers yet: a row of data, not a heading
    wb = openpyxl.Workbook()
    for r in [["Name", "Dept", "Salary", "Age"], ["Ann", "IT", 10, 30], ["Bo", None, None, None], ["Cy", "HR", 12, 40],
              ["Di", "HR", 9, 35], ["Ed", None, None, None], ["Flo", "IT", 11, 50]]:
        wb.active.append(r)
    wb.save(p)
    t = only_table(p)
    assert "Section" not in t.columns and t.rows == 6


def test_a_section_answers_questions_and_a_heading_can_be_kept_as_data(tmp_path):
    ws = Workspace(Settings(home=tmp_path / "ws", isolate_parsing=False))
    ws.add_file(census_book(tmp_path / "c.xlsx"))
    (t,) = ws.tables()
    pipeline = ChatPipeline(Answerer(ws))
    plan = {"table": t.sql_name, "measures": [{"agg": "sum", "column": "Jan. 2020"}], "headline": "value",
            "filters": [{"column": "Section", "value": "ADJUSTED(2)"}]}
    ans = pipeline.answer("Total Jan. 2020 of the adjusted section", plan=plan)
    df = ws.load_table(t.id)
    assert ans.value == df.loc[df["Section"] == "ADJUSTED(2)", "Jan. 2020"].sum() == 630
    ws.decide_row(t.id, 9, "keep")  # the user says row 9 is data: it stays a row, under the first heading
    (t,) = ws.tables()
    df = ws.load_table(t.id)
    assert (df["Kind of Business"] == "ADJUSTED(2)").sum() == 1 and set(df["Section"].dropna()) == {"NOT ADJUSTED"}
    assert {(e["row"], e["status"]) for e in t.excluded if e["row"] in (5, 9)} == {(5, "excluded"), (9, "kept")}
    assert pd.isna(df["Jan. 2020"]).sum() >= 1
