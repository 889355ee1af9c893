"""Numeric dates written as text (04/03/2025) take the day/month order the whole column shows: day first
when some first part is above 12, month first when some second part is; a column that shows both orders
is kept as text with a warning naming it, never read half one way and half the other.

Generated messy files (xlsx, and CSV by the columnar and the grid path), checked against pandas parsing
each cell with the format it was written in."""
from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from core.readers import read_file
from core.tables import detect_tables

LIMITS = dict(max_rows=1_000_000, max_cells=20_000_000)
FORMATS = {"iso": "%Y-%m-%d", "dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y", "long": "%d %b %Y", "dot": "%d.%m.%Y",
           "dmy_dash": "%d-%m-%Y"}


def messy_dates(n: int, kinds: list[str], seed: int = 7) -> tuple[list[str], list[str]]:
    """n dates in 2025 written as text, each in one of `kinds`; with the kind each was written in."""
    rng = random.Random(seed)
    days = [dt.date(2025, 1, 2) + dt.timedelta(days=rng.randint(0, 178)) for _ in range(n)]
    written = [rng.choice(kinds) for _ in days]
    return [d.strftime(FORMATS[k]) for d, k in zip(days, written, strict=True)], written


def truth(texts: list[str], kinds: list[str]) -> pd.Series:
    """pandas, told each cell's format: what the column must read as."""
    return pd.Series([pd.to_datetime(t, format=FORMATS[k]) for t, k in zip(texts, kinds, strict=True)],
                     dtype="datetime64[us]")


def write_xlsx(path: Path, header: list[str], cols: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["Claims - H1 2025"])  # a title row above, as real files have
    ws.append([])
    ws.append(header)
    for row in zip(*cols, strict=True):
        ws.append(list(row))
    wb.save(path)
    return path


def write_csv(path: Path, header: list[str], cols: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(zip(*cols, strict=True))
    return path


def tables(path: Path, columnar: bool = True):
    book = read_file(path, path.name, columnar=columnar, **LIMITS)
    return [t for sh in book.sheets for t in detect_tables(sh)[0]]


def each_path(tmp_path: Path, header: list[str], cols: list[list]):
    """The one table as read from xlsx, from CSV by columns and from CSV by the grid."""
    x = write_xlsx(tmp_path / "t.xlsx", header, cols)
    c = write_csv(tmp_path / "t.csv", header, cols)
    for path, columnar in ((x, True), (c, True), (c, False)):
        (t,) = tables(path, columnar)
        yield f"{path.suffix}/{'columns' if columnar else 'grid'}", t


@pytest.mark.parametrize("kinds", [["iso", "dmy", "long"], ["dmy", "dot"], ["iso", "dmy_dash"], ["dmy"]])
def test_day_first_column_read_day_first(tmp_path, kinds):
    texts, written = messy_dates(160, kinds)
    assert any(int(t[:2]) > 12 for t, k in zip(texts, written, strict=True) if k.startswith("dmy"))
    want = truth(texts, written)
    amounts = [float(i) for i in range(len(texts))]
    for how, t in each_path(tmp_path, ["Submitted", "Amount"], [texts, amounts]):
        assert t.dtypes["Submitted"] == "date", how
        got = t.df["Submitted"].astype("datetime64[us]").reset_index(drop=True)
        pd.testing.assert_series_equal(got, want, check_names=False, obj=how)
        # the count a question asks for ("submitted in March"): the same as pandas'
        assert (got.dt.month == 3).sum() == (want.dt.month == 3).sum(), how
        assert not any("Submitted" in w for w in t.warnings), (how, t.warnings)


def test_month_first_column_read_month_first(tmp_path):
    texts, written = messy_dates(120, ["iso", "mdy", "long"])
    assert any(int(t[3:5]) > 12 for t, k in zip(texts, written, strict=True) if k == "mdy")
    want = truth(texts, written)
    for how, t in each_path(tmp_path, ["When", "N"], [texts, list(range(len(texts)))]):
        assert t.dtypes["When"] == "date", how
        got = t.df["When"].astype("datetime64[us]").reset_index(drop=True)
        pd.testing.assert_series_equal(got, want, check_names=False, obj=how)


def test_both_orders_in_one_column_stay_text_with_a_warning(tmp_path):
    dmy, _ = messy_dates(60, ["dmy"], seed=1)
    mdy, _ = messy_dates(60, ["mdy"], seed=2)
    texts = dmy + mdy + ["13/03/2025", "03/14/2025"]  # each order proven at least once
    for how, t in each_path(tmp_path, ["Posted", "N"], [texts, list(range(len(texts)))]):
        assert t.dtypes["Posted"] == "text", how
        assert t.df["Posted"].tolist() == texts, how  # nothing lost, nothing half read
        assert any(w.startswith("'Posted': ") and "cannot be told" in w for w in t.warnings), (how, t.warnings)
        assert t.dtypes["N"] == "integer"


def test_an_undecided_column_says_what_it_assumed(tmp_path):
    slash = ["03/04/2025", "01/02/2025", "2025-05-06", "11/12/2025"]
    dots = ["03.04.2025", "01.02.2025", "11.12.2025"]
    for header, texts, fmt, order in (("Due", slash, "%m/%d/%Y", "month"), ("Seen", dots, "%d.%m.%Y", "day")):
        want = pd.Series([pd.to_datetime(x, format="%Y-%m-%d" if "-" in x else fmt) for x in texts],
                         dtype="datetime64[us]")
        for how, t in each_path(tmp_path, [header, "N"], [texts, list(range(len(texts)))]):
            got = t.df[header].astype("datetime64[us]").reset_index(drop=True)
            pd.testing.assert_series_equal(got, want, check_names=False, obj=how)
            assert any(w.startswith(f"'{header}': ") and f"read as {order} first" in w for w in t.warnings), how


def test_iso_dates_never_flipped_by_a_day_first_column(tmp_path):
    texts = ["2025-03-04", "25/12/2025", "2025-01-02 10:30", "04/03/2025 09:15"]
    want = pd.Series(pd.to_datetime(["2025-03-04", "2025-12-25", "2025-01-02 10:30", "2025-03-04 09:15"], format="ISO8601"),
                     dtype="datetime64[us]")
    for how, t in each_path(tmp_path, ["At", "N"], [texts, [1, 2, 3, 4]]):
        assert t.dtypes["At"] == "datetime", how
        got = t.df["At"].astype("datetime64[us]").reset_index(drop=True)
        pd.testing.assert_series_equal(got, want, check_names=False, obj=how)
