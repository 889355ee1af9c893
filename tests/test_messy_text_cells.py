"""Messy CSV shapes and cells seen in exported registers: title lines straight above the header, money in
pounds with signs and brackets, amounts in two currencies, numbers with a rate unit ("6.82 t/ha").
Every table is checked against pandas reading the same cells."""
import random

import pandas as pd
import pytest

from core.config import Settings
from core.ingest import parse_file
from core.planning.words import unit_example


def tables(path):
    parsed = parse_file(path, path.name, Settings(home=path.parent / "ws"))
    return [t for s in parsed.sheets for t in s.tables], parsed


def frame(n=40, seed=5):
    rnd = random.Random(seed)
    return pd.DataFrame({
        "Student ID": [f"S{20000 + i}" for i in range(n)],
        "Department": [rnd.choice(["History", "Economics", "Mathematics"]) for _ in range(n)],
        "Credits": [rnd.choice([10, 15, 20]) for _ in range(n)],
        "Fee": [round(rnd.uniform(50, 5000), 2) for _ in range(n)],
    })


def pounds(x: float) -> str:
    return f"£{x:,.2f}"


@pytest.mark.parametrize("titles", [1, 2, 3])
def test_title_lines_above_a_csv_header_read_like_the_xlsx_twin(tmp_path, titles):
    df = frame()
    lines = [f"Registry line {k}" for k in range(titles)]
    body = df.assign(Fee=df["Fee"].map(pounds)).to_csv(index=False)
    csv = tmp_path / "reg.csv"
    csv.write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
    xlsx = tmp_path / "reg.xlsx"
    with pd.ExcelWriter(xlsx) as w:
        pd.DataFrame([[t] for t in lines]).to_excel(w, index=False, header=False)
        df.to_excel(w, index=False, startrow=titles + 1)
    (tc,), parsed = tables(csv)
    # the xlsx's title rows stand apart (a blank row below): three of them make a little table of their own
    (tx,) = tables(xlsx)[0][-1:]
    assert tc.columns == list(df.columns) == tx.columns
    assert tc.title == " ".join(lines) or titles == 1
    assert not [w for s in parsed.sheets for w in s.warnings if "padded" in w] and not parsed.warnings
    expect = pd.read_csv(csv, skiprows=titles)
    assert list(tc.df["Student ID"]) == list(expect["Student ID"]) == list(tx.df["Student ID"])
    assert tc.dtypes["Fee"] == "number" and tc.formats["Fee"] == "£#,##0.00"
    assert tc.df["Fee"].tolist() == pytest.approx(df["Fee"].tolist())
    assert tc.df["Credits"].sum() == expect["Credits"].sum() == tx.df["Credits"].sum()


def test_pound_amounts_with_signs_brackets_and_spaces_are_numbers(tmp_path):
    rnd = random.Random(8)
    amounts = [round(rnd.uniform(-900, 9000), 2) for _ in range(60)]
    styles = [lambda x: pounds(x) + " ", lambda x: f"(£{-x:,.2f})" if x < 0 else pounds(x),
              lambda x: f"-£{-x:,.2f}" if x < 0 else pounds(x), lambda x: f"£{x:.2f}",
              lambda x: f"GBP {x:,.2f}", lambda x: f"{x:,.2f} £"]
    cells = [styles[i % len(styles)](x) for i, x in enumerate(amounts)]
    path = tmp_path / "po.csv"
    pd.DataFrame({"PO": [f"PO-{i}" for i in range(60)], "Line Total": cells}).to_csv(path, index=False)
    (t,), _ = tables(path)
    assert t.dtypes["Line Total"] == "number" and t.formats["Line Total"] == "£#,##0.00"
    by_pandas = pd.read_csv(path)["Line Total"].str.replace(r"[£,]|GBP", "", regex=True).str.strip()
    by_pandas = by_pandas.str.replace(r"^\((.*)\)$", r"-\1", regex=True).astype(float)
    assert t.df["Line Total"].sum() == pytest.approx(by_pandas.sum()) == pytest.approx(sum(amounts))


@pytest.mark.parametrize("one, other", [("$", "£"), ("USD ", "GBP "), ("€", "USD ")])
def test_amounts_in_two_currencies_stay_text(tmp_path, one, other):
    cells = [f"{one if i % 3 else other}{i * 10 + 5:,}.00" for i in range(30)]
    path = tmp_path / "mixed.csv"
    pd.DataFrame({"Item": [f"I{i}" for i in range(30)], "Amount": cells}).to_csv(path, index=False)
    (t,), _ = tables(path)
    assert t.dtypes["Amount"] == "text"
    assert list(t.df["Amount"]) == list(pd.read_csv(path)["Amount"])  # no cell lost or changed


def test_a_rate_unit_is_a_unit_and_codes_are_not():
    assert unit_example([f"{x / 100:.2f} t/ha" for x in range(600, 640, 3)]) == "6.00 t/ha"
    assert unit_example([f"{s} s" for s in (45, 12, 190, 93, 15, 7)]) is not None
    assert unit_example([f"{x} kg/m²" for x in range(10, 20)]) is not None
    assert unit_example([f"{x} t/ha" for x in range(5)] + [f"{x} kg/ha" for x in range(5)]) is None  # two units
    assert unit_example([f"{x}/{x + 1}" for x in range(10)]) is None  # fractions, no unit
    assert unit_example([f"{x} ab/cd" for x in range(10)]) is None  # no unit of ours either side
