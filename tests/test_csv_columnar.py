"""The columnar CSV path (pyarrow columns, typing on distinct values) gives exactly what the grid path
gives: the same tables, headers, types, values, left-out rows and warnings, or the same typed error.

Run over every CSV/TSV/TXT of the shared corpus and over messy CSVs written here.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import ExcelChatError, FileLimitExceeded
from core.readers import read_file
from core.tables import detect_tables

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
TEXT = {".csv", ".tsv", ".txt"}
LIMITS = dict(max_rows=1_000_000, max_cells=20_000_000)


def parse(path: Path, columnar: bool, **limits):
    """(tables, path taken) or (the error's type and message, path taken)."""
    try:
        book = read_file(path, path.name, columnar=columnar, **(limits or LIMITS))
        sheet = book.sheets[0]
        by_columns = sheet.columns is not None
        tables = [t for sh in book.sheets for t in detect_tables(sh)[0]]
        took = "columns" if by_columns and sheet.grid is None else "grid"
        return (book.encoding, book.delimiter, tuple(book.warnings), tables), took
    except ExcelChatError as e:
        return (type(e).__name__, str(e)), "error"


def differences(a, b) -> list[str]:
    """What differs between two parse results (empty when identical)."""
    if len(a) == 2 or len(b) == 2:  # an error (type, message) on either side
        return [] if a == b else [f"{a!r} != {b!r}"[:400]]
    out = [f"{k}: {x!r} != {y!r}" for k, x, y in zip(("encoding", "delimiter", "warnings"), a[:3], b[:3], strict=True) if x != y]
    if len(a[3]) != len(b[3]):
        return out + [f"{len(a[3])} tables != {len(b[3])}"]
    for s, t in zip(a[3], b[3], strict=True):
        for f in ("name", "sheet", "range", "header_row", "header_rows", "first_data_row", "title", "kind",
                  "excluded", "dtypes", "letters", "warnings", "formats"):
            if getattr(s, f) != getattr(t, f):
                out.append(f"{s.name}.{f}: {getattr(s, f)!r} != {getattr(t, f)!r}"[:400])
        try:
            pd.testing.assert_frame_equal(s.df, t.df, check_exact=True)
        except AssertionError as e:
            out.append(f"{s.name}.df: {str(e)[:300]}")
    return out


def both(path: Path, **limits):
    cols, took = parse(path, True, **limits)
    grid, _ = parse(path, False, **limits)
    return differences(cols, grid), took


def corpus_text_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in TEXT and p.name != "SOURCES.csv")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
def test_corpus_csv_same_by_columns_and_by_grid():
    files = corpus_text_files()
    assert len(files) >= 50
    diffs, paths = {}, {}
    for p in files:
        d, took = both(p)
        paths[took] = paths.get(took, 0) + 1
        if d:
            diffs[str(p.relative_to(CORPUS))] = d
    print(f"{len(files)} files, {len(files) - len(diffs)} identical; paths taken: {paths}")
    assert not diffs, diffs
    assert paths.get("columns", 0) >= 20  # the columnar path is the common one, not a rarity


# --- messy CSVs written here ---------------------------------------------------
def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def mixed_rows(n: int, seed: int = 3, sep: str = ",") -> str:
    """Codes with leading zeros, dates, money, text with quoted commas and newlines, missing markers."""
    rng = np.random.default_rng(seed)
    lines = [sep.join(["Code", "Date", "Amount", "Region", "Qty", "Note", "When"])]
    for i in range(n):
        amount = "N/A" if i % 97 == 5 else f'"{rng.integers(1, 9000):,}.{rng.integers(0, 99):02d}"' if sep == "," else f"{rng.integers(1, 9000)}.50"
        qty = "-" if i % 53 == 7 else str(rng.integers(0, 40))
        note = '"late, damaged"' if i % 11 == 0 else '"two\nlines"' if i % 29 == 3 else "fine" if i % 3 else ""
        when = f"{rng.integers(1, 12)}/{rng.integers(1, 28)}/2021 10:{rng.integers(10, 59)}" if i % 13 else " "
        lines.append(sep.join([f"{rng.integers(0, 5000):05d}", f"2023-{i % 12 + 1:02d}-{i % 27 + 1:02d}", amount,
                               ["North", " South ", "East", "West"][i % 4], qty, note, when]))
    return "\n".join(lines) + "\n"


MESSY = {
    "mixed.csv": mixed_rows(3000),
    "semicolon.csv": mixed_rows(500, sep=";"),
    "pipe.txt": mixed_rows(500, sep="|"),
    "tabs.tsv": mixed_rows(500, sep="\t"),
    "crlf.csv": mixed_rows(300).replace("\n", "\r\n"),
    "totals.csv": "Region,Sales,Units\nEast,100,3\nWest,200,4\nNorth,50,1\nTotal,350,8\n",
    "total_off.csv": "Region,Sales,Units\nEast,100,3\nWest,200,4\nTotal,999,8\n",
    "sparse_total.csv": "Item,Q1,Q2\nA,1,2\nB,3,4\nC,5,6\n,9,12\n",
    "title_line.csv": "Quarterly report,,\nRegion,Sales,Units\nEast,100,3\nWest,200,4\nNorth,50,1\n",
    "title_alone.csv": "Quarterly report\nRegion,Sales,Units\nEast,100,3\nWest,200,4\n",
    "stacked.csv": "A,B\n1,2\n3,4\n\nC,D\nx,5\ny,6\n",
    "stacked_commas.csv": "A,B\n1,2\n3,4\n,\nC,D\nx,5\ny,6\n",
    "ragged.csv": "a,b,c\n1,2,3\n4,5\n6,7,8,9\n",
    "no_header.csv": "1,2,3\n4,5,6\n7,8,9\n",
    "dup_header.csv": "Name,Name,,Value\nx,y,,1\nz,w,,2\n",
    "blank_col.csv": "Name,Empty,Value\nx,,1\nz,,2\n",
    "sections.csv": "Item,Q1,Q2,Q3\nNORTH,,,\nA,1,2,3\nB,3,4,5\nSOUTH,,,\nC,5,6,7\nD,7,8,9\n",
    "key_value.csv": "Accounts,307\nOpen,12\nClosed,295\n",
    "bad_dates.csv": "When,V\n2023-01-05,1\n2023-02-30,2\n2023-03-01,3\n2023-04-01,4\n2023-05-01,5\n2023-06-01,6\n",
    "whitespace.csv": "Code,V\n 012 ,1\n   ,2\n7,3\n",
    "quotes.csv": 'Name,Quote\n"Smith, J","He said ""hi"""\nLee,"a\nb"\n',
    "one_col.txt": "Name\nAnn\nBob\nCid\n",
    "numbers_text.csv": "Id,Score,Pct\n1,\"1,200\",45%\n2,(7),12%\n3,$12,#N/A\n",
    "trailing_delims.csv": "a,b,\n1,2,\n3,4,\n",
    # line breaks inside quoted values, some near every few hundred bytes: parsed in small blocks, cuts land in them
    "quoted_breaks.csv": "Id,Note,V\n" + "".join(f'{i},"{"line one" + chr(10) + "line two" if i % 7 == 3 else "plain, note"}",{i}\n'
                                                 for i in range(600)),
    "quoted_break_crlf.csv": 'Id,Note\r\n1,"a\r\nb"\r\n2,c\r\n',
    "one_col_quoted_breaks.txt": "Note\n" + "".join(f'"n{i}{chr(10) + "x" if i % 5 == 0 else ""}"\n' for i in range(300)),
    "pivot.csv": "Row Labels,Sum of Sales\nEast,100\nWest,200\nGrand Total,300\n",
    "trailing_blank.csv": "a,b\n1,2\n3,4\n\n",
    "one_col_blank.txt": "Name\nAnn\n\nBob\nCid\n",
    "one_col_blank_crlf.txt": "Name\r\nAnn\r\n\r\nBob\r\n",
    # more sparse rows than totals.MAX_CANDIDATES: no row is tried as a total, labelled or not
    "many_sparse.csv": "Item,A,B\n" + "".join(f"i{i},{i},{'' if i % 2 else i}\n" for i in range(41_000)) + "Total,1,2\n",
    "all_markers.csv": "Name,A,B,C\nx,N/A,1,-0\ny,N/A,,inf\nz,-,3,1e3\nw,N/A,4,2\n",
    "big_ints.csv": "Name,Id,F\nx,9007199254740993,1.5\ny,1,\nz,-0,2\n",
    # the first date in the rows sets the format; here the dictionary (file order) starts with another one
    "date_order.csv": "When,V\n03/04/2021,1\n" + "".join(f"{d:02d}/01/2021,{d}\n" for d in range(1, 13))
                      + "2021-03-04,99\n" + "03/04/2021,5\n" + "Total,197\n",
    "header_value_again.csv": "When,V\n2021-01-05,1\nWhen,2\n2021-02-05,3\n2021-03-05,4\n2021-04-05,5\n",
    "date_title.csv": "2021-12-31,,\nWhen,V,W\n" + "".join(f"{m:02d}/02/2021,{m},x{m}\n" for m in range(1, 13)) + "2021-12-31,5,y\n",
    # the format numbers written as text carry ('13%' a percentage, '$12' money) is kept on both paths
    "text_formats.csv": "Item,Share,Price\n" + "".join(f"i{i}, {i}% ,${i}.50\n" for i in range(300)),
    "header_late.csv": "x,1,2\ny,3,4\n" + "".join(f"r{i},{i},{i * 2}\n" for i in range(40)),
    # a leading zero only after hundreds of plain numbers, one in a text that is no number, '-0' and '-05'
    "late_leading_zero.csv": "A,B,C,D\n" + "".join(f"{i},{i},x{i},{i}\n" for i in range(1, 400))
                             + "007,0abc,-05,-0\n",
    # nothing to trim in one column, spaces and a blank to trim in the next, dates after a blank
    "trim_or_not.csv": "P,Q,When\n" + "".join(f"p{i % 7},{' q' if i % 3 else ''}{i % 5},"
                                              f"{'' if i % 4 == 0 else f'{i % 28 + 1:02d}/03/2021'}\n" for i in range(200)),
}


@pytest.mark.parametrize("name", sorted(MESSY))
def test_messy_csv_same_by_columns_and_by_grid(tmp_path, name):
    d, _ = both(write(tmp_path, name, MESSY[name]))
    assert not d, d


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
def test_encodings_same_by_columns_and_by_grid(tmp_path, encoding):
    text = "Name,City,Amount\n" + "".join(f"Zoë {i},Köln,{i}.5\n" for i in range(200)) + "Renée,São Paulo,€ 1\n"
    p = tmp_path / "enc.csv"
    p.write_bytes(text.encode(encoding, errors="replace"))  # latin-1 has no euro sign
    d, _ = both(p)
    assert not d, d


def test_regular_file_takes_the_columnar_path(tmp_path):
    p = write(tmp_path, "mixed.csv", MESSY["mixed.csv"])
    (_, _, _, tables), took = parse(p, True)
    assert took == "columns"
    t = tables[0]
    assert t.dtypes["Code"] == "text" and t.df["Code"].iloc[0].startswith("0")  # leading zeros kept
    assert t.dtypes["Date"] == "date" and t.dtypes["Amount"] == "number" and t.dtypes["Qty"] == "integer"
    assert any("marked as missing" in w for w in t.warnings)


@pytest.mark.parametrize("name", ["title_alone.csv", "stacked.csv", "stacked_commas.csv", "ragged.csv", "sections.csv",
                                  "one_col_blank.txt"])
def test_irregular_files_fall_back_to_the_grid(tmp_path, name):
    _, took = parse(write(tmp_path, name, MESSY[name]), True)
    assert took == "grid"


def test_totals_row_left_out_by_columns(tmp_path):
    (_, _, _, tables), took = parse(write(tmp_path, "t.csv", MESSY["totals.csv"]), True)
    assert took == "columns"
    assert tables[0].rows == 3 and tables[0].left_out_rows == [5]


@pytest.mark.parametrize("limits", [dict(max_rows=100, max_cells=10**9), dict(max_rows=10**6, max_cells=5000)])
def test_limits_raise_the_same_error(tmp_path, limits):
    p = write(tmp_path, "big.csv", mixed_rows(1500))
    (kind, msg), took = parse(p, True, **limits)
    assert took == "error" and kind == FileLimitExceeded.__name__ and "big.csv" in msg
    assert not both(p, **limits)[0]


def test_user_decisions_same_by_columns_and_by_grid(tmp_path):
    """A user's keep/exclude choices on rows (Excel row numbers) land on the same rows on both paths."""
    p = write(tmp_path, "t.csv", MESSY["totals.csv"])
    out = []
    for columnar in (True, False):
        book = read_file(p, p.name, columnar=columnar, **LIMITS)
        out.append(detect_tables(book.sheets[0], {5: "keep", 3: "exclude"})[0])
    (a,), (b,) = out
    assert a.excluded == b.excluded and a.df.equals(b.df)
    assert [e["status"] for e in a.excluded] == ["excluded", "kept"] and a.rows == 3


@pytest.mark.parametrize("name", ["one_col_blank.txt", "one_col_blank_crlf.txt", "one_col.txt", "mixed.csv"])
@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_scan_in_small_chunks(tmp_path, monkeypatch, name, chunk):
    """NULs, line counts and blank lines found across chunk edges (a blank line split between two reads)."""
    import core.readers as readers

    monkeypatch.setattr(readers, "CHUNK", chunk)
    p = write(tmp_path, name, MESSY[name])
    _, took = parse(p, True)
    assert took == ("grid" if "blank" in name else "columns")
    assert not both(p)[0]


@pytest.mark.parametrize("threads", [False, True])
@pytest.mark.parametrize("name", ["mixed.csv", "trim_or_not.csv", "text_formats.csv", "late_leading_zero.csv"])
def test_parsed_in_many_blocks(tmp_path, monkeypatch, name, threads):
    """A file pyarrow parses in many blocks, each with its own dictionaries (a block may lack a value or
    add new ones), on one parser thread or several: unified column by column, the tables are still the
    grid path's."""
    import core.readers as readers

    monkeypatch.setattr(readers, "PARSE_BLOCK", 512)
    monkeypatch.setattr(readers, "PARSE_THREADS", threads)
    p = write(tmp_path, name, MESSY[name])
    assert p.stat().st_size > 4 * 512
    _, took = parse(p, True)
    assert took == "columns"
    assert not both(p)[0]


@pytest.mark.parametrize("threads", [False, True])
@pytest.mark.parametrize("name", ["quoted_breaks.csv", "mixed.csv", "text_formats.csv", "one_col_quoted_breaks.txt"])
def test_line_breaks_in_values_parsed_again(tmp_path, monkeypatch, name, threads):
    """The parse that cuts blocks at any newline is kept only when it gave one row per line; a file with a line
    break inside a quoted value is parsed again allowing them, and its table is still the grid path's."""
    import core.readers as readers

    calls = []
    real = readers._arrow_parse
    monkeypatch.setattr(readers, "_arrow_parse", lambda *a, **kw: calls.append(kw["newlines_in_values"]) or real(*a, **kw))
    monkeypatch.setattr(readers, "PARSE_BLOCK", 512)
    monkeypatch.setattr(readers, "PARSE_THREADS", threads)
    p = write(tmp_path, name, MESSY[name])
    _, took = parse(p, True)
    assert took == "columns"
    if name == "text_formats.csv":
        assert calls == [False]  # no value holds a line break: the quick parse stands
    elif name.startswith("one_col"):
        assert calls == [True]  # one column: a cut inside a value would not show as a ragged row
    else:
        assert calls == [False, True]
    assert not both(p)[0]


def test_columns_encoded_on_two_threads_as_on_one():
    """TextColumns.of gives the same dictionaries and indices on two threads, and empties the list it is given."""
    import pyarrow as pa

    from core.readers import TextColumns

    rng = np.random.default_rng(3)
    cols = [pa.chunked_array([pa.array([f"v{x}" for x in rng.integers(0, k, 400)]) for _ in range(3)])
            for k in (1, 5, 300, 2000)]
    given = list(cols)
    one, two = TextColumns.of(list(cols), threads=1), TextColumns.of(given, threads=2)
    assert given == []
    for a, b, i, j in zip(one.dictionaries, two.dictionaries, one.indices, two.indices, strict=True):
        assert list(a) == list(b) and np.array_equal(i, j)
    expect = [c.to_pandas() for c in cols]
    assert all((d[i] == e.to_numpy()).all() for d, i, e in zip(two.dictionaries, two.indices, expect, strict=True))


def test_first_appearance_is_factorize_order():
    """The dates step orders distinct values by their first row the way pd.factorize does."""
    from core.tables import _first_appearance

    rng = np.random.default_rng(7)
    for k in (1, 5, 300):
        codes = rng.integers(-1, k, 5000)
        codes[:3] = [-1, k - 1, -1]
        expect = pd.factorize(codes[codes >= 0])[1]
        assert np.array_equal(_first_appearance(codes, k + 2), expect)
    assert len(_first_appearance(np.full(4, -1), 3)) == 0


def test_parse_threads_follow_the_load(monkeypatch):
    """A second parser thread only while a core is idle: measured over the scan when it lasted long enough, else
    from the load average; forced either way by PARSE_THREADS."""
    import core.readers as readers

    monkeypatch.setattr(readers.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(readers, "_cpu_times", lambda: (1000 + 90, 2000 + 200))  # 200 ticks, 90 of them idle
    assert readers._parse_threads((1000, 2000))  # 0.9 of a core idle while the file was scanned
    assert not readers._parse_threads((1000 + 40, 2000))  # 0.5 of a core idle: both busy
    # a window too short to tell, or no /proc/stat: the 1-minute load decides
    monkeypatch.setattr(readers.os, "getloadavg", lambda: (0.3, 0.3, 0.3))
    assert readers._parse_threads((1090, 2198)) and readers._parse_threads(None)
    monkeypatch.setattr(readers.os, "getloadavg", lambda: (1.7, 1.0, 1.0))
    assert not readers._parse_threads((1090, 2198)) and not readers._parse_threads(None)
    assert readers._parse_threads((1000, 2000))  # the load lags; the measured idle core wins
    monkeypatch.setattr(readers.os, "cpu_count", lambda: 8)
    assert readers._parse_threads(None)
    monkeypatch.setattr(readers.os, "cpu_count", lambda: 1)
    assert not readers._parse_threads((1000, 2000))
    monkeypatch.setattr(readers, "PARSE_THREADS", False)
    monkeypatch.setattr(readers.os, "cpu_count", lambda: 8)
    assert not readers._parse_threads(None)


def test_cpu_times_count_up():
    """/proc/stat's idle and total ticks, total never below idle (None where the platform has none)."""
    from core.readers import _cpu_times

    a = _cpu_times()
    if a is None:
        pytest.skip("no /proc/stat here")
    sum(i * i for i in range(200_000))
    b = _cpu_times()
    assert a[0] <= a[1] and b[0] >= a[0] and b[1] >= a[1]
