"""Table detection inside a sheet, and typing of each column.

Rules (README, "How tables are found"):
- blocks are split by fully blank rows and columns; a block directly below another with the same
  columns and no header of its own continues it; a lone cell or line above a block is its title;
- the header is the first well-filled row that does not look like data; a second text row under a
  header that has gaps or merged (repeated) cells makes a two-row header, named "Parent / Child";
- total and subtotal rows are kept out of the data only when their numbers prove it (core/totals.py);
- "Row Labels"/"Grand Total" layouts are pivot tables: summaries, kept but marked as such;
- column types come from whole columns (vectorised), never per-cell guesses.
"""
from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .readers import RawSheet, TextColumn, TextColumns
from .sections import SECTION_COLUMN, find_sections
from .totals import find_totals

PIVOT_RE = re.compile(r"^\s*(row labels|column labels|grand total|(sum|count|average|max|min) of .+)\s*$", re.I)
NA_MARKERS = {"na", "n/a", "#n/a", "nan", "null", "-", "--", "#div/0!", "#value!", "#ref!", "#num!", "#name?", "#null!", "n.a."}
NUM_RE = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
# a currency by its sign or its code, before the number or after it ('£-5', 'GBP 1,200', '1,200.50 €')
CURRENCY_RE = re.compile(r"[$€£]|\b(?:USD|GBP|EUR)\b")
CURRENCY_SIGN = {"USD": "$", "GBP": "£", "EUR": "€"}
LOOSE_NUM_RE = re.compile(r"^\(?[-+]?(?:[$€£]|(?:USD|GBP|EUR)\s)?\s?[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?"
                          r"(?:\s?[$€£]|\s(?:USD|GBP|EUR))?\)?\s?%?$")
DATE_RE = re.compile(
    r"^(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?|\d{1,2}[- ]?[A-Za-z]{3,9}[- ,]+\d{2,4}|[A-Za-z]{3,9}\.? \d{1,2},? \d{4})$"
)
LEADING_ZERO_RE = r"^-?0\d"
# a date in numbers only, day and month in either order (04/03/2025, 4.3.25), then maybe a time
NUMERIC_DATE_RE = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?=$|[ T])")


@dataclass(frozen=True, eq=False)
class ParsedTable:
    """One table from detection to storage, never changed once built (a step makes a new one with
    dataclasses.replace): detection fills the cells and layout, ingest adds the profile and the chunks.
    Downstream of storage, core.workspace.TableInfo is the read model."""

    name: str
    sheet: str
    df: pd.DataFrame
    range: str
    header_row: int | None  # 1-based Excel row of the (first) header row; None if headerless
    header_rows: int
    first_data_row: int
    title: str | None = None
    kind: str = "data"  # data | pivot | key_value
    excluded: tuple[dict, ...] = ()  # rows left out as totals (or by a user), with their proof; kept ones too
    dtypes: dict[str, str] = field(default_factory=dict)
    letters: dict[str, str] = field(default_factory=dict)  # column name -> Excel column letter
    warnings: tuple[str, ...] = ()
    profile: dict = field(default_factory=dict)
    chunks: tuple = ()  # core.chunks.Chunk
    formats: dict[str, str] = field(default_factory=dict)  # column -> number format ('0.0%', '$#,##0.00'), when known
    roles: dict[str, str] = field(default_factory=dict)  # column -> role (core.roles), decided at ingest

    @property
    def rows(self) -> int:
        return len(self.df)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.df.columns]

    @property
    def left_out_rows(self) -> list[int]:
        """Excel rows of the sheet left out of this table's data."""
        return [e["row"] for e in self.excluded if e.get("status", "excluded") == "excluded"]


def col_letter(i: int) -> str:
    """0-based column index -> Excel letters."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def a1(row0: int, col0: int) -> str:
    return f"{col_letter(col0)}{row0 + 1}"


# --- cell kinds on small samples ------------------------------------------
def _kind(v) -> str:
    """e(mpty), b(ool), n(umber), d(ate), t(ime) or s(tring); text that reads as a number/date counts as one."""
    if v is None:
        return "e"
    if isinstance(v, bool):
        return "b"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return "e" if v != v else "n"
    if isinstance(v, (dt.datetime, dt.date, pd.Timestamp)):
        return "d"
    if isinstance(v, (dt.time, dt.timedelta)):
        return "t"
    s = str(v).strip()
    if not s:
        return "e"
    if NUM_RE.match(s) or LOOSE_NUM_RE.match(s):
        return "n"
    if DATE_RE.match(s):
        return "d"
    return "s"


def _empty_mask(g: np.ndarray, no_none: bool = False) -> np.ndarray:
    if g.size == 0:
        return np.zeros(g.shape, dtype=bool)
    return (g == "") if no_none else (pd.isna(g) | (g == ""))


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Half-open [start, end) runs of True."""
    if flags.size == 0:
        return []
    d = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=False))


def _blocks(filled: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Rectangles (r0, r1, c0, c1) of data separated by blank rows/columns, two levels deep."""
    out = []
    for r0, r1 in _runs(filled.any(axis=1)):
        sub = filled[r0:r1]
        segs = _runs(sub.any(axis=0))
        merged: list[list[int]] = []
        for c0, c1 in segs:
            # a single blank spacer column inside one table: same row extent on both sides
            if merged and c0 - merged[-1][1] == 1:
                pr = _runs(sub[:, merged[-1][0] : merged[-1][1]].any(axis=1))
                cr = _runs(sub[:, c0:c1].any(axis=1))
                if pr and cr and pr[0][0] == cr[0][0] and pr[-1][1] == cr[-1][1] and len(pr) == len(cr) == 1:
                    merged[-1][1] = c1
                    continue
            merged.append([c0, c1])
        for c0, c1 in merged:
            for rr0, rr1 in _runs(sub[:, c0:c1].any(axis=1)):
                out.append((r0 + rr0, r0 + rr1, c0, c1))
    out.sort()
    return out


def _clean_name(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        if v != v:
            return None
        if v.is_integer():
            return str(int(v))
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return v.strftime("%Y-%m-%d") if (v.hour, v.minute, v.second) == (0, 0, 0) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    # NUL is no character a header is read by, and no catalog database can store it in text (PostgreSQL refuses it)
    s = " ".join(str(v).replace("\x00", " ").split())
    return s or None


def unique_names(raw: list[str | None], letters: list[str]) -> list[str]:
    """Blank names -> 'Column X' (its Excel letter); duplicates -> 'Name (2)'."""
    out, seen = [], {}
    for name, letter in zip(raw, letters, strict=False):
        base = name or f"Column {letter}"
        n, cand = seen.get(base.casefold(), 0), base
        while cand.casefold() in seen:
            n += 1
            cand = f"{base} ({n + 1})" if n else base
        seen[base.casefold()] = max(n, seen.get(base.casefold(), 0))
        seen[cand.casefold()] = 0
        out.append(cand)
    return out


# --- header detection ------------------------------------------------------
def _data_kinds(block: np.ndarray, start: int) -> list[str]:
    """Dominant kind per column in a sample of the rows below `start`."""
    n = block.shape[0]
    if n - start <= 0:
        return ["s"] * block.shape[1]
    idx = np.unique(np.linspace(max(start, n // 3 if n - start > 6 else start), n - 1, num=min(200, n - start)).astype(int))
    kinds = []
    for c in range(block.shape[1]):
        ks = [k for k in (_kind(v) for v in block[idx, c]) if k != "e"]
        kinds.append(max(set(ks), key=ks.count) if ks else "e")
    return kinds


def _row_kinds(row) -> list[str]:
    return [_kind(v) for v in row]


def _looks_like_data(rk: list[str], dk: list[str]) -> bool:
    typed = [(r, d) for r, d in zip(rk, dk, strict=False) if d in ("n", "d", "b") and r != "e"]
    if not any(r in ("n", "d", "b") for r in rk):
        return False
    if not typed:
        return True
    match = sum(1 for r, d in typed if r == d)
    return match / len(typed) >= 0.5


def _year_header(row, rk, block_below) -> bool:
    """A header of years (2019, 2020, ...) over numeric data, as in matrix-shaped tables."""
    nums = [v for v, k in zip(row, rk, strict=False) if k == "n"]
    try:
        vals = [float(v) for v in nums]
    except (TypeError, ValueError):
        return False
    return bool(vals) and all(1900 <= v <= 2100 and float(v).is_integer() for v in vals) and len(set(vals)) == len(vals) and block_below > 1


def _completes(upper, upper_filled, lower_filled) -> bool:
    """A row of two or more short names over exactly the columns the header row below leaves blank
    ("NAICS Code | Kind of Business" over the months): the header's other half, not a title."""
    cols = np.flatnonzero(upper_filled)
    return (len(cols) >= 2 and not (upper_filled & lower_filled).any()
            and all(isinstance(upper[c], str) and len(upper[c].strip()) <= 40 for c in cols))


def _title_run(block: np.ndarray, fill: np.ndarray, top: int, narrow: float) -> list[int]:
    """The rows of titles at the top of a block: up to 5 narrow rows of text, ended by a row wider than each
    of them. Two title lines of one field each ("Registry", "Terms 2023 to 2024") sit straight above a CSV
    header, with no blank line between: the wider row after the run, not after each line, marks the header."""
    run = 0
    while run < min(top, 5) and fill[run] <= narrow and all(k in ("s", "d") for k in _row_kinds(block[run]) if k != "e"):
        run += 1
    # the longest run of narrow rows that a wider row ends (a narrower row after one is a title's second line)
    while run and not fill[run] > fill[:run].max():
        run -= 1
    return list(range(run))


def _find_header(block: np.ndarray, filled: np.ndarray) -> tuple[int, int, list[int]]:
    """(header_start, header_rows, title_rows) within a block; header_rows 0 means no header."""
    n, w = block.shape
    # only the first rows are looked at (titles above row 13, the typical fill of 50): no sum over every row
    fill = filled[:50].sum(axis=1)
    top = min(n, 12)
    # pivot tables name their header row
    for i in range(min(n, 8)):
        if any(isinstance(v, str) and v.strip().lower() == "row labels" for v in block[i]):
            return i, 1, list(range(i))
    typical = np.median(fill[: min(n, 50)]) if n else 0
    titles = _title_run(block, fill, min(top, n - 1), max(1, 0.34 * typical))
    i = len(titles)
    if n - i < 2:
        return i, 0, titles
    dk = _data_kinds(block, i + 1)
    rk = _row_kinds(block[i])
    if _looks_like_data(rk, dk) and not _year_header(block[i], rk, n - i):
        return i, 0, titles
    if titles and titles[-1] == i - 1 and _completes(block[i - 1], filled[i - 1], filled[i]):
        return i - 1, 2, titles[:-1]  # names over the label columns sit a row above the others' names
    # second header row?
    if i + 2 < n:
        rk2 = _row_kinds(block[i + 1])
        nonempty2 = [k for k in rk2 if k != "e"]
        row1 = [(_clean_name(v) or "") for v in block[i]]
        gaps = any(not row1[c] and rk2[c] != "e" for c in range(w))
        repeats = any(row1[c] and row1[c] == row1[c - 1] for c in range(1, w))
        if (
            nonempty2
            and all(k == "s" for k in nonempty2)
            and (gaps or repeats)
            and fill[i + 1] >= fill[i]
            and not _looks_like_data(rk2, dk)
            and any(d in ("n", "d", "b") for d in dk)
        ):
            return i, 2, titles
    return i, 1, titles


# --- column typing -----------------------------------------------------------
@dataclass
class TypedColumn:
    values: pd.Series
    dtype: str  # integer, number, boolean, date, datetime, text, empty
    warnings: list[str] = field(default_factory=list)
    fmt: str | None = None  # the format its text said ('13%' -> '0%', '$12' -> '$'): the number alone forgets it


def _text_format(s: pd.Series) -> str | None:
    """The format numbers written as text carry: '13%' a percentage, '$1,200' money (most cells say so)."""
    sample = s.dropna().head(200).astype(str).str.strip()
    if not len(sample):
        return None
    if sample.str.endswith("%").mean() >= 0.5:
        return "0%"
    signs = sample.str.extract(f"({CURRENCY_RE.pattern})", expand=False).dropna().map(lambda c: CURRENCY_SIGN.get(c, c))
    if len(signs) >= 0.5 * len(sample):
        return f"{signs.mode().iloc[0]}#,##0.00"  # the column's own currency: '£1,200' is no dollar amount
    return None


def _text_series(s: pd.Series) -> pd.Series:
    def fmt(v):
        if v is None or (isinstance(v, float) and v != v):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, (dt.datetime, pd.Timestamp)):
            return _clean_name(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        return str(v).strip() or None

    return s.map(fmt).astype("string")


def _numeric(num: pd.Series) -> tuple[pd.Series, str]:
    num = pd.to_numeric(num, errors="coerce").astype("float64")
    finite = num.dropna()
    if len(finite) and np.all(np.mod(finite.to_numpy(), 1) == 0) and finite.abs().max() < 2**53:
        return num.astype("Int64"), "integer"
    return num, "number"


def _parse_loose_numbers(s: pd.Series) -> pd.Series:
    """'1,234.5', '$12', '(7)', '45%' -> numbers; anything else NaN. Works on the distinct values."""
    uniq = pd.unique(s.dropna())
    mapping = {}
    if len({CURRENCY_SIGN.get(c, c) for u in uniq for c in CURRENCY_RE.findall(str(u))}) > 1:
        return s.map(mapping)  # '$5' beside '£6': amounts in two currencies add up to no number, the text stays
    for u in uniq:
        t = str(u).strip()
        if not LOOSE_NUM_RE.match(t):
            continue
        neg = t.startswith("(") and t.endswith(")")
        pct = t.endswith("%")
        t = CURRENCY_RE.sub("", t.strip("()%")).replace(",", "").strip()
        try:
            x = float(t)
        except ValueError:
            continue
        mapping[u] = (-x if neg else x) / (100 if pct else 1)
    return s.map(mapping)


def _numeric_date_order(text: pd.Series) -> tuple[str, str | None]:
    """Which part of a column's numeric dates (04/03/2025) is the day, decided by the whole column: 'dmy'
    when some first part is above 12, 'mdy' when some second part is, 'both' when each shows up (the order
    cannot be told); with a note on what was assumed or found, None when the values leave no doubt."""
    m = text.str.extract(NUMERIC_DATE_RE.pattern)
    a, b = pd.to_numeric(m[0], errors="coerce"), pd.to_numeric(m[2], errors="coerce")
    day1, day2 = text[a.between(13, 31)], text[b.between(13, 31)]
    if len(day1) and len(day2):
        return "both", (f"dates are written day first ({day1.iloc[0]!r}) and month first ({day2.iloc[0]!r}), so "
                        "which part is the day cannot be told: kept as text.")
    if len(day1) or len(day2):
        return ("dmy" if len(day1) else "mdy"), None
    undecided = text[a.notna() & (a != b)]
    if not len(undecided):
        return "mdy", None
    # a dotted date (04.03.2025) is day first wherever it is written; slashes and dashes have no such rule
    dmy = bool((m[1][a.notna()] == ".").all())
    return ("dmy" if dmy else "mdy"), (
        f"no date says whether the day or the month comes first ({undecided.iloc[0]!r}); read as "
        f"{'day' if dmy else 'month'} first."
    )


def _dates_from_text(s: pd.Series) -> tuple[pd.Series | None, str | None]:
    """Date-shaped text -> dates, over the distinct values: one vectorised parse with an inferred format, then
    one by one for the few in another format. Text that is no real date (2/30/2019) stays empty. Numeric
    dates follow the column's order (_numeric_date_order); None when the column writes both orders."""
    uniq = pd.unique(s.dropna())
    text = pd.Series([str(u).strip() for u in uniq], dtype=object)
    cand = text[text.str.match(DATE_RE.pattern)]
    order, note = _numeric_date_order(cand) if len(cand) else ("mdy", None)
    if order == "both":
        return None, note
    if order == "dmy":
        # pandas' dayfirst also flips ISO dates (2025-03-04 -> 3 April): swap the day-first ones alone
        cand = cand.str.replace(NUMERIC_DATE_RE, lambda g: f"{g[3]}/{g[1]}/{g[4]}", regex=True)
    # microseconds, not nanoseconds: historical dates (1464-08-01) are real dates too
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    if len(cand):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                parsed[cand.index] = pd.to_datetime(cand, errors="coerce", dayfirst=False).astype("datetime64[us]")
            except (ValueError, OverflowError, TypeError):
                pass  # mixed resolutions: the loop below parses them one by one
            for i, t in cand[parsed[cand.index].isna()].items():
                try:
                    parsed[i] = pd.Timestamp(pd.to_datetime(t, dayfirst=False)).as_unit("us")
                except (ValueError, OverflowError, TypeError):
                    continue
        parsed[cand.index] = _as_written(cand, parsed[cand.index])
    return pd.to_datetime(s.map(dict(zip(uniq, parsed, strict=False))), errors="coerce"), note


def _as_written(cand: pd.Series, parsed: pd.Series) -> pd.Series:
    """Numeric month-first dates whose parse moved the month (pandas reads 13/03/2025 as 13 March on its
    own) are no dates in this order: empty, never a silent swap."""
    m = cand.str.extract(NUMERIC_DATE_RE.pattern)
    month, day = pd.to_numeric(m[0], errors="coerce"), pd.to_numeric(m[2], errors="coerce")
    moved = month.notna() & parsed.notna() & ((parsed.dt.month != month) | (parsed.dt.day != day))
    return parsed.mask(moved)


def _date_dtype(d: pd.Series) -> tuple[pd.Series, str]:
    d = pd.to_datetime(d, errors="coerce")
    if d.dt.tz is not None:
        d = d.dt.tz_localize(None)
    d = d.astype("datetime64[us]")
    nn = d.dropna()
    if len(nn) and (nn == nn.dt.normalize()).all():
        return d, "date"
    return d, "datetime"


def _strip_text(s: pd.Series) -> pd.Series:
    """Trim text cells, working on the distinct values (cheap for categories, linear for the rest)."""
    uniq = pd.unique(s[s.notna()].to_numpy()) if len(s) else []
    changed = {u: (u.strip() or None) for u in uniq if isinstance(u, str) and u != u.strip()}
    return s.replace(changed) if changed else s


def _may_be_numbers(s: pd.Series) -> bool:
    """A sample decides whether parsing the whole column as numbers is worth trying."""
    sample = s.dropna().head(300)
    return all(NUM_RE.match(v) or LOOSE_NUM_RE.match(v) or v.lower() in NA_MARKERS for v in sample)


def type_column(values: np.ndarray, name: str, row_numbers: np.ndarray | None = None) -> TypedColumn:
    """Type one column from its raw cells: numbers, dates, booleans or text, decided by the whole column."""
    vals = np.asarray(values, dtype=object)
    blank = vals == ""
    if np.any(blank):
        vals = vals.copy()
        vals[blank] = None
    s = pd.Series(vals, dtype=object)
    kind = pd.api.types.infer_dtype(s, skipna=True)
    if kind == "string" and _may_be_numbers(s):
        # numbers stored as text, the CSV case: parse the whole column at once (to_numeric trims spaces itself)
        num = pd.to_numeric(s, errors="coerce")
        if num.notna().sum() == s.notna().sum() and not s[num.notna()].str.match(LEADING_ZERO_RE).any():
            v, t = _numeric(num)
            return TypedColumn(v, t)
    if kind in ("string", "mixed", "mixed-integer"):
        s = _strip_text(s)
    nonnull = s.notna()
    if not nonnull.any():
        return TypedColumn(pd.Series([None] * len(s), dtype="string"), "empty")
    if kind == "mixed" and not s[nonnull].map(lambda v: not isinstance(v, str)).any():
        kind = "string"  # only whitespace cells made it look mixed
    warnings: list[str] = []

    def where(mask) -> str:
        rows = row_numbers[np.flatnonzero(mask.to_numpy())][:5] if row_numbers is not None else []
        vals = s[mask].head(5).tolist()
        more = int(mask.sum()) - len(vals)
        cells = ", ".join(f"row {r}: {v!r}" for r, v in zip(rows, vals, strict=False)) if len(rows) else ", ".join(map(repr, vals))
        return cells + (f" and {more} more" if more > 0 else "")

    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        v, t = _numeric(s)
        return TypedColumn(v, t)
    if kind == "boolean":
        return TypedColumn(s.astype("boolean"), "boolean")
    if kind in ("date", "datetime", "datetime64"):
        v, t = _date_dtype(s)
        return TypedColumn(v, t)
    if kind == "string":
        maybe_num = _may_be_numbers(s)
        leading_zero = maybe_num and s[nonnull].str.match(LEADING_ZERO_RE).any()
        if maybe_num and not leading_zero:
            num = pd.to_numeric(s, errors="coerce")
            bad = nonnull & num.isna()
            if bad.any():
                loose = _parse_loose_numbers(s[bad])
                num = num.copy()
                num[bad] = loose
                bad = nonnull & num.isna()
            if not bad.all() and bad.any():
                markers = s[bad].str.lower().isin(NA_MARKERS)
                if markers.all():
                    warnings.append(f"'{name}': {int(bad.sum())} cell(s) marked as missing ({where(bad)}) read as empty.")
                    bad = bad & False
            if not bad.any():
                v, t = _numeric(num)
                return TypedColumn(v, t, warnings, _text_format(s))
        # dates typed as text
        sample = s[nonnull].head(500)
        if sample.str.match(DATE_RE.pattern).mean() >= 0.8:
            d, note = _dates_from_text(s)
            badd = nonnull & d.isna() if d is not None else nonnull
            if badd.sum() <= 0.2 * nonnull.sum():
                if badd.any():
                    warnings.append(f"'{name}': {int(badd.sum())} text value(s) that are not real dates ({where(badd)}) were left empty.")
                v, t = _date_dtype(d)
                return TypedColumn(v, t, warnings + ([f"'{name}': {note}"] if note else []))
            if d is None:
                warnings.append(f"'{name}': {note}")
        return TypedColumn(s, "text", warnings)  # str/None objects: the Parquet writer makes them strings once
    if kind in ("mixed", "mixed-integer", "time", "timedelta", "period", "interval", "bytes", "unknown-array"):
        types = s[nonnull].map(lambda v: _kind(v))
        counts = types.value_counts()
        total = int(nonnull.sum())
        nd, nn, ns = counts.get("d", 0), counts.get("n", 0), counts.get("s", 0)
        if nd and nd + ns + nn == total and nd >= 0.8 * total:
            is_date_obj = s.map(lambda v: isinstance(v, (dt.date, dt.datetime, pd.Timestamp)))
            d = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
            d[is_date_obj] = pd.to_datetime(s[is_date_obj].map(pd.Timestamp))
            text_part = nonnull & ~is_date_obj
            note = None
            if text_part.any():
                td, note = _dates_from_text(s[text_part].map(str))
                if td is None:
                    return TypedColumn(_text_series(s), "text", [f"'{name}': {note}"])
                d[text_part] = td
            badd = nonnull & d.isna()
            if badd.any():
                warnings.append(f"'{name}': {int(badd.sum())} value(s) that are not real dates ({where(badd)}) were left empty.")
            v, t = _date_dtype(d)
            return TypedColumn(v, t, warnings + ([f"'{name}': {note}"] if note else []))
        if nn and not nd and not counts.get("b", 0):
            is_text = s.map(lambda v: isinstance(v, str)) & nonnull
            num = pd.to_numeric(s.where(~is_text), errors="coerce")
            tnum = pd.to_numeric(s[is_text], errors="coerce")
            if tnum.isna().any():
                tnum = tnum.fillna(_parse_loose_numbers(s[is_text][tnum.isna()]))
            still = tnum.isna()
            markers = s[is_text][still].str.lower().isin(NA_MARKERS)
            if not s[is_text][still].str.match(LEADING_ZERO_RE).any() and markers.all():
                if still.any():
                    m = pd.Series(False, index=s.index)
                    m[still[still].index] = True
                    warnings.append(f"'{name}': {int(still.sum())} cell(s) marked as missing ({where(m)}) read as empty.")
                num = num.copy()
                num[is_text] = tnum
                v, t = _numeric(num)
                return TypedColumn(v, t, warnings, _text_format(s[is_text]))
        return TypedColumn(_text_series(s), "text", warnings)
    return TypedColumn(_text_series(s), "text", warnings)


# --- the sheet -------------------------------------------------------------
def _apply_merges(sheet: RawSheet) -> np.ndarray:
    g = sheet.grid
    if not sheet.merged:
        return g
    g = g.copy()
    H, W = g.shape
    for (r1, c1), (r2, c2) in sheet.merged:
        r1, r2, c1, c2 = r1 - sheet.row0, r2 - sheet.row0, c1 - sheet.col0, c2 - sheet.col0
        if r1 < 0 or c1 < 0 or r1 >= H or c1 >= W:
            continue
        g[r1 : min(r2, H - 1) + 1, c1 : min(c2, W - 1) + 1] = g[r1, c1]
    return g


def _column_floats(col: np.ndarray) -> np.ndarray:
    """One column's raw cells as floats (NaN where a cell is not a number): for proving totals."""
    s = pd.Series(col, dtype=object)
    num = pd.to_numeric(s.where(s.map(lambda v: not isinstance(v, bool))), errors="coerce")
    text = num.isna() & s.map(lambda v: isinstance(v, str) and bool(v.strip()))
    if text.any():
        num = num.copy()
        num[text] = _parse_loose_numbers(s[text].map(str.strip))
    return num.to_numpy(dtype=float, na_value=np.nan)


def detect_tables(sheet: RawSheet, overrides: dict[int, str] | None = None) -> tuple[list[ParsedTable], list[str]]:
    """All tables in one sheet, with typed DataFrames; plus sheet-level warnings.

    `overrides` maps an Excel row of this sheet to "keep" or "exclude" (a user's decision on totals).
    """
    warnings: list[str] = []
    if sheet.columns is not None and sheet.grid is None:
        found = _detect_columnar(sheet, overrides)
        if found is not None:
            return _name_tables(sheet.name, found), warnings
        sheet.cells()  # too irregular for the columnar path: the grid path, on the same cells
    g = _apply_merges(sheet)
    if g.size == 0:
        return [], warnings
    filled = ~_empty_mask(g, sheet.no_none and not sheet.merged)
    rects = _blocks(filled)
    tables: list[ParsedTable] = []
    titles: list[tuple[int, int, str]] = []  # (row below it, column, text) of lone lines not yet used
    prev = None  # (rect, table) to extend with continuation blocks
    for r0, r1, c0, c1 in rects:
        block, bf = g[r0:r1, c0:c1], filled[r0:r1, c0:c1]
        n, w = block.shape
        if n == 1 and bf.sum() <= 2 or (n <= 2 and w == 1 and bf.sum() <= 2):
            text = " ".join(filter(None, (_clean_name(v) for v in block.ravel())))
            if text:
                titles.append((r1, c0, text))
            continue
        if prev is not None and _continues(prev[4], block, (c0, c1), prev[2:4]):
            rr0 = prev[0]
            tables.pop()
            t = _build(sheet, g[rr0:r1, c0:c1], filled[rr0:r1, c0:c1], (rr0, c0), prev[4].title, overrides)
            if t:
                tables.append(t)
            prev = (rr0, r1, c0, c1, t) if t else None
            continue
        t = _build(sheet, block, bf, (r0, c0), _title_above(titles, r0, c0, c1), overrides)
        if t is not None:
            tables.append(t)
            prev = (r0, r1, c0, c1, t)
    return _name_tables(sheet.name, tables), warnings


def _title_above(titles: list[tuple[int, int, str]], r0: int, c0: int, c1: int) -> str | None:
    """The nearest unused lone line above a block, in its columns (taken, so it titles one table only)."""
    above = [t for t in titles if t[0] <= r0 and c0 - 1 <= t[1] < c1]
    if not above:
        return None
    best = max(above, key=lambda t: t[0])
    titles.remove(best)
    return best[2]


def _continues(pt: ParsedTable, block: np.ndarray, cols: tuple[int, int], prev_cols) -> bool:
    """A block right below a table, with its columns, whose first row looks like its data, continues it."""
    if tuple(prev_cols) != tuple(cols) or not pt.header_rows:
        return False
    pdk = [pt.dtypes.get(nm, "text") for nm in pt.df.columns]
    dk = ["n" if t in ("integer", "number") else "d" if t in ("date", "datetime") else "s" for t in pdk]
    return len(dk) == block.shape[1] and _looks_like_data(_row_kinds(block[0]), dk)


def _header_names(block, bf, h: int, hn: int, letters: list[str]) -> list[str]:
    """Column names from a one- or two-row header (or Excel letters when there is none)."""
    w = block.shape[1]
    if hn == 0:
        return [f"Column {letter}" for letter in letters]
    if hn == 1:
        return unique_names([_clean_name(v) for v in block[h]], letters)
    parents = [_clean_name(v) for v in block[h]]
    childs = [_clean_name(v) for v in block[h + 1]]
    if not any(p and ch for p, ch in zip(parents, childs, strict=False)):  # two halves of one header row
        return unique_names([p or ch for p, ch in zip(parents, childs, strict=False)], letters)
    last = None
    for c in range(w):  # a parent spans the gaps to its right
        if parents[c]:
            last = parents[c]
        elif bf[h + 1, c]:
            parents[c] = last
    childs = [_clean_name(v) for v in block[h + 1]]
    raw = [f"{p} / {ch}" if p and ch and p != ch else (ch or p) for p, ch in zip(parents, childs, strict=False)]
    return unique_names(raw, letters)


def _typed_columns(data, names: list[str], rows_kept, has_header: bool):
    cols, dtypes, tw, fmts = {}, {}, [], {}
    for c, nm in enumerate(names):
        if isinstance(data, TextColumns):
            tc = type_text_column(data.column(c), nm, rows_kept)
        else:
            tc = type_column(data[:, c], nm, rows_kept)
        # columns with no header and no data (trailing formatting) are dropped
        if tc.dtype == "empty" and nm.startswith("Column ") and has_header:
            continue
        cols[nm] = tc.values.reset_index(drop=True)
        dtypes[nm] = tc.dtype
        tw.extend(tc.warnings)
        if tc.fmt:
            fmts[nm] = tc.fmt
    return cols, dtypes, tw, fmts


def _key_value_names(cols: dict, dtypes: dict) -> dict[str, str]:
    """Names for a headerless block of label/value pairs ("Total # of Accounts | 307"), else {}."""
    names = list(cols)
    text = [nm for nm in names if dtypes[nm] == "text"]
    nums = [nm for nm in names if dtypes[nm] in ("integer", "number")]
    if len(text) != 1 or not nums or len(cols[text[0]]) > 50 or names.index(text[0]) > names.index(nums[0]):
        return {}
    labels = cols[text[0]].dropna()
    if len(labels) < 2 or labels.duplicated().any():
        return {}
    out = {text[0]: "Metric"}
    out.update({nm: "Value" if i == 0 else f"Value {i + 1}" for i, nm in enumerate(nums)})
    return out


def _build(sheet: RawSheet, block, bf, origin: tuple[int, int], title, overrides) -> ParsedTable | None:
    r0, c0 = origin
    h, hn, titles = _find_header(block, bf)
    if titles:
        title = " ".join(filter(None, (_clean_name(v) for i in titles for v in block[i]))) or title
    letters = [col_letter(sheet.col0 + c0 + c) for c in range(block.shape[1])]
    names = _header_names(block, bf, h, hn, letters)
    data_start = h + hn
    data, df_fill = block[data_start:], bf[data_start:]
    if data.shape[0] == 0:
        return None
    edges = np.concatenate([block[:data_start].ravel(), data[:20, 0], data[-5:, 0]])  # pivot labels sit at the edges
    kind = "pivot" if any(isinstance(v, str) and PIVOT_RE.match(v) for v in edges) else "data"
    dk = _data_kinds(block, data_start)
    excel_rows = np.arange(data.shape[0]) + sheet.row0 + r0 + data_start + 1
    if isinstance(data, TextColumns):
        fill = df_fill.sum(axis=1, dtype=np.int32)  # filled cells per row, summed once for the three steps
        totals = find_totals(data, df_fill, dk, names, excel_rows, letters, _text_floats, overrides,
                             labels=_text_labels(data, fill, dk), fill=fill)
        sections = _text_sections(data, df_fill, fill, dk, excel_rows, overrides)
        del fill  # not held through typing, where the peak is
    else:
        totals = find_totals(data, df_fill, dk, names, excel_rows, letters, _column_floats, overrides)
        sections = find_sections(data, df_fill, dk, excel_rows, overrides)
    keep = ~totals.flags & df_fill.any(axis=1)
    if sections is not None:
        keep &= ~sections.flags
    data, rows_kept = data[keep], excel_rows[keep]
    cols, dtypes, tw, fmts = _typed_columns(data, names, rows_kept, bool(hn))
    if not cols:
        return None
    src = {nm: letters[names.index(nm)] for nm in cols}
    excluded = list(totals.excluded)
    if sections is not None:  # the headings' text becomes the first column of the rows they head
        name = unique_names(list(cols) + [SECTION_COLUMN], [""] * (len(cols) + 1))[-1]
        labels = pd.Series([lab for lab, k in zip(sections.labels, keep, strict=True) if k], dtype="string")
        cols, dtypes = {name: labels, **cols}, {name: "text", **dtypes}
        excluded = sorted(excluded + sections.excluded, key=lambda r: r["row"])
        heads = [r for r in sections.excluded if r["status"] == "excluded"]
        tw.append(f"Rows {', '.join(str(r['row']) for r in heads)} are section headings "
                  f"({', '.join(repr(r['cells'][0]) for r in heads)}); their text is in the column '{name}'.")
    rename = _key_value_names(cols, dtypes) if hn == 0 else {}
    if rename:  # a block of label/value pairs (a dashboard's KPIs): named so questions can use it
        kind = "key_value"
        cols, dtypes, src = ({rename.get(k, k): v for k, v in d.items()} for d in (cols, dtypes, src))
    top = int(sheet.row0 + r0 + h)
    bottom = int(excel_rows[-1]) - 1 if len(excel_rows) else top
    rng = f"{a1(top, sheet.col0 + c0)}:{a1(bottom, sheet.col0 + c0 + block.shape[1] - 1)}"
    return ParsedTable(
        name="", sheet=sheet.name, df=pd.DataFrame(cols, copy=False), range=rng, header_row=top + 1 if hn else None, header_rows=hn,
        first_data_row=int(rows_kept[0]) if len(rows_kept) else top + 1, title=title, kind=kind,
        excluded=tuple(excluded), dtypes=dtypes, letters=src, warnings=tuple(totals.warnings + tw),
        formats={rename.get(k, k): v for k, v in fmts.items()},
    )


def _name_tables(sheet: str, tables: list[ParsedTable]) -> list[ParsedTable]:
    """One table takes the sheet's name; several are named by their titles, else by what they hold."""
    if len(tables) == 1:
        return [replace(tables[0], name=sheet)]
    used, out = set(), []
    for t in tables:
        name = f"{sheet} - {t.title or _describe(t)}"
        if name in used:
            name = f"{name} ({t.range})"
        used.add(name)
        out.append(replace(t, name=name))
    return out


def _describe(t: ParsedTable) -> str:
    """A short name from a table's content, for a table with no title above it."""
    if t.kind == "key_value":
        return "key figures"
    cols = [c for c in t.df.columns if not c.startswith("Column ")][:3]
    return ", ".join(cols) if cols else f"table at {t.range}"


# --- CSV by columns ----------------------------------------------------------
# A CSV read by pyarrow (core/readers.py) stays as string columns. Detection runs the same functions as
# on a grid: blocks from the same filled mask, header and totals through the same code on a view that
# hands out rows and column samples (TextColumns), and typing decided on each column's distinct values
# with the same rules, expanded back to rows by index. What it cannot do cheaply (several blocks, section
# headings) goes to the grid path, so the two agree on every file (tests/test_csv_columnar.py).
class _Irregular(Exception):
    """The columnar path met a layout it leaves to the grid path."""


def _text_floats(col) -> np.ndarray:
    """`_column_floats` for a TextColumn, computed once per distinct text (a cell's number depends only on
    its text)."""
    if isinstance(col, np.ndarray):
        return _column_floats(col)
    if not len(col.dictionary):
        return np.zeros(len(col.indices))
    return _column_floats(col.dictionary)[col.indices]


_TOTAL_WORDS = re.compile("total|sum|count|avg|average|mean|overall")


def _maybe_total(v: str) -> bool:
    """Cheap first test before totals.LABEL_RE: every label it accepts holds one of these words (non-ASCII
    text goes to the full test: case-folding there is Unicode's)."""
    return not v.isascii() or _TOTAL_WORDS.search(v.lower()) is not None


def _text_labels(data: TextColumns, fill: np.ndarray, dk: list[str]) -> dict[int, tuple[int, str]]:
    """totals._labels on distinct values: rows labelled like a total in a label column (`fill`: filled
    cells per row)."""
    from .totals import MAX_CANDIDATES, _label_columns, is_total_label

    out: dict[int, tuple[int, str]] = {}
    if len(fill) and (fill < np.median(fill)).sum() > MAX_CANDIDATES:
        return out  # find_totals tries no row of a table with this many sparse rows: labels change nothing
    for c in _label_columns(dk):
        col = data.column(c)
        hits = np.flatnonzero([_maybe_total(u) and is_total_label(u) for u in col.dictionary])
        if len(hits):
            for i in np.flatnonzero(np.isin(col.indices, hits)):
                out.setdefault(int(i), (c, str(col.dictionary[col.indices[i]]).strip()))
    return out


def _text_sections(data: TextColumns, filled: np.ndarray, fill: np.ndarray, dk: list[str], excel_rows, overrides):
    """find_sections' answer when it is None (fewer than two heading rows); else the grid path decides."""
    from .sections import MIN_SECTIONS, _heading

    if data.shape[0] == 0 or "n" not in dk or np.median(fill) < 3:
        return None
    lone = np.flatnonzero(fill == 1)  # a heading holds one cell
    if len(lone) > 1000:
        raise _Irregular("many one-cell rows")
    heads = [i for i in lone if _heading(data[int(i)], filled[i], dk) is not None]
    if len(heads) >= MIN_SECTIONS:
        raise _Irregular("section headings")
    return None


def _detect_columnar(sheet: RawSheet, overrides) -> list[ParsedTable] | None:
    """The tables of a CSV read by columns, or None when its layout needs the grid path."""
    if 0 in sheet.columns.shape:
        return None
    full = sheet.columns
    filled = np.empty(full.shape, dtype=bool, order="F")  # column-major: row sums add whole columns
    for c in range(full.shape[1]):
        blank = full.dictionaries[c] == ""
        # no blank text in the column's dictionary (most columns): every cell filled, no gather over the rows
        filled[:, c] = (~blank)[full.indices[c]] if blank.any() else True
    rects = _blocks(filled)
    if len(rects) != 1:
        return None  # stacked or side-by-side tables, titles on their own lines: the grid path
    r0, r1, c0, c1 = rects[0]
    block = full.block(r0, r1, c0, c1)
    bf = filled[r0:r1, c0:c1]
    n, w = block.shape
    if n == 1 and bf.sum() <= 2 or (n <= 2 and w == 1 and bf.sum() <= 2):
        return None
    try:
        t = _build(sheet, block, bf, (r0, c0), None, overrides)
    except _Irregular:
        return None
    return [t] if t is not None else []


def _first_rows(codes: np.ndarray, pred: np.ndarray, k: int) -> np.ndarray:
    """The first k rows whose code satisfies `pred` (one flag per distinct value, then one for code -1),
    looking at a growing prefix of the rows: a sample never scans the whole column."""
    out, start, step = [], 0, 4096
    while start < len(codes) and sum(map(len, out)) < k:
        out.append(np.flatnonzero(pred[codes[start:start + step]]) + start)
        start, step = start + step, step * 4
    return np.concatenate(out)[:k] if out else np.empty(0, dtype=np.int64)


def _where_text(uniq: np.ndarray, codes: np.ndarray, bad: np.ndarray, count: int, row_numbers) -> str:
    """type_column's `where` for the rows whose code is flagged in `bad` (per distinct value, then -1)."""
    idx = _first_rows(codes, bad, 5)
    rows = row_numbers[idx] if row_numbers is not None else []
    vals = uniq[codes[idx]].tolist()
    more = count - len(vals)
    cells = ", ".join(f"row {r}: {v!r}" for r, v in zip(rows, vals, strict=False)) if len(rows) else ", ".join(map(repr, vals))
    return cells + (f" and {more} more" if more > 0 else "")


def _numeric_codes(u: np.ndarray, codes: np.ndarray) -> tuple[pd.Series, str]:
    """`_numeric` for rows whose numbers are u[codes] (code -1: empty), decided on the distinct numbers:
    whole numbers below 2**53 become Int64, anything else float."""
    finite = u[~np.isnan(u)]
    whole = len(finite) and np.all(np.mod(finite, 1) == 0) and np.abs(finite).max() < 2**53
    if not whole:
        return pd.Series(np.append(u, np.nan)[codes], copy=False), "number"
    ints = np.append(np.where(np.isnan(u), 0, u), 0).astype(np.int64)[codes]
    mask = np.append(np.isnan(u), True)[codes]
    return pd.Series(pd.arrays.IntegerArray(ints, mask), copy=False), "integer"


_LEADING_ZERO = re.compile(LEADING_ZERO_RE)


def _any_leading_zero(texts: np.ndarray) -> bool:
    """`Series.str.match(LEADING_ZERO_RE).any()` on distinct texts, stopping at the first hit."""
    match = _LEADING_ZERO.match
    return any(match(v) is not None for v in texts if v[:1] in "-0" and v)


def _numbers_first(uniq: np.ndarray, codes: np.ndarray) -> TypedColumn | None:
    """type_column's first step on text cells (before trimming): every cell a plain number, no leading zero."""
    present = uniq != ""
    sample = uniq[codes[_first_rows(codes, np.append(present, False), 300)]]
    if not _may_be_numbers(pd.Series(sample, dtype=object)):
        return None
    u = pd.Series(uniq[present], dtype=object, copy=False)
    # a text with a leading zero fails this step whether it parses (a code) or not: tested first, it
    # spares parsing a column of codes
    if _any_leading_zero(u.to_numpy()):
        return None
    num = pd.to_numeric(u, errors="coerce")
    if num.isna().any():
        return None
    floats = np.full(len(uniq), np.nan)  # the blank text's number stays empty
    floats[present] = num.astype("float64").to_numpy()
    return TypedColumn(*_numeric_codes(floats, codes))


def _trimmed(uniq: np.ndarray, codes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells trimmed (blank and all-space cells become None) as new distinct values and row codes (-1: None),
    the values still in order of first appearance, and the rows per new value then the None rows, from
    `counts` (rows per value of `uniq`) rather than another pass over the rows."""
    stripped = [u.strip() or None for u in uniq]
    if all(s is u for s, u in zip(stripped, uniq, strict=True)):
        # nothing to trim, no blank (strip hands back the same str): the same values
        return uniq, codes, np.append(counts, 0)
    stripped = np.array(stripped, dtype=object)
    keep = np.array([v is not None for v in stripped], dtype=bool)
    remap, new = pd.factorize(pd.Series(stripped[keep], dtype=object))
    full = np.full(len(uniq) + 1, -1, dtype=np.int64)  # the last one: for code -1, never used here
    full[:-1][keep] = remap
    summed = np.zeros(len(new) + 1, dtype=np.int64)
    np.add.at(summed, full[:-1], counts)  # code -1 adds into the last slot: the None rows
    return np.asarray(new, dtype=object), full.take(codes), summed


def _numbers_text(uniq2, codes2, counts, name, row_numbers) -> TypedColumn | None:
    """type_column's numbers-stored-as-text step on trimmed cells (loose numbers, missing markers).
    `counts`: rows per distinct value, then the empty rows."""
    u = pd.Series(uniq2, dtype=object)
    num = pd.to_numeric(u, errors="coerce")
    bad_u = num.isna().to_numpy()
    if bad_u.any():
        num = num.astype("float64").copy()
        num[bad_u] = _parse_loose_numbers(u[bad_u]).astype("float64")
        bad_u = num.isna().to_numpy()
    warnings: list[str] = []
    every_row_bad = bad_u.all() and counts[-1] == 0
    if bad_u.any() and not every_row_bad and u[bad_u].str.lower().isin(NA_MARKERS).all():
        nbad = int(counts[:-1][bad_u].sum())
        where = _where_text(uniq2, codes2, np.append(bad_u, False), nbad, row_numbers)
        warnings.append(f"'{name}': {nbad} cell(s) marked as missing ({where}) read as empty.")
    elif bad_u.any():
        return None
    v, t = _numeric_codes(num.astype("float64").to_numpy(), codes2)
    # the grid path's _text_format sees the first 200 filled cells in row order: the same cells here
    sample = uniq2[codes2[_first_rows(codes2, np.append(np.ones(len(uniq2), dtype=bool), False), 200)]]
    return TypedColumn(v, t, warnings, _text_format(pd.Series(sample, dtype=object)))


def _first_appearance(codes: np.ndarray, k: int) -> np.ndarray:
    """The codes 0..k-1 that rows use, in order of their first row (code -1 ignored): what
    pd.factorize(codes[codes >= 0]) finds, by each code's first row rather than a hash of every row."""
    first_row = np.full(k + 1, len(codes), dtype=np.int64)  # the last slot takes code -1
    np.minimum.at(first_row, codes, np.arange(len(codes)))
    used = np.flatnonzero(first_row[:k] < len(codes))
    return used[np.argsort(first_row[used], kind="stable")]


def _date_kind(distinct: np.ndarray) -> str:
    """_date_dtype's date-or-datetime decision on a column's distinct datetime64[us] values, not every row."""
    nn = pd.DatetimeIndex(distinct[~np.isnat(distinct)])
    return "date" if len(nn) and (nn == nn.normalize()).all() else "datetime"


def _dates_text(uniq2, codes2, counts, name, row_numbers) -> TypedColumn | None:
    """type_column's dates-typed-as-text step on trimmed cells."""
    nonnull = np.append(np.ones(len(uniq2), dtype=bool), False)
    sample = pd.Series(uniq2[codes2[_first_rows(codes2, nonnull, 500)]], dtype=object)
    if sample.str.match(DATE_RE.pattern).mean() < 0.8:
        return None
    # in order of first appearance in these rows, as type_column sees them: the first date sets the format
    first = _first_appearance(codes2, len(uniq2))
    parsed = np.empty(len(uniq2), dtype="datetime64[us]")
    d, note = _dates_from_text(pd.Series(uniq2[first], dtype=object))
    if d is None:
        return TypedColumn(pd.Series(_text_rows(uniq2, codes2, counts[-1]), dtype=object, copy=False), "text",
                           [f"'{name}': {note}"])
    parsed[first] = d.astype("datetime64[us]").to_numpy()
    nat = np.isnat(parsed)
    nbad = int(counts[:-1][nat].sum())
    if nbad > 0.2 * int(counts[:-1].sum()):
        return None
    warnings = []
    if nbad:
        where = _where_text(uniq2, codes2, np.append(nat, False), nbad, row_numbers)
        warnings.append(f"'{name}': {nbad} text value(s) that are not real dates ({where}) were left empty.")
    v = pd.Series(np.append(parsed, np.datetime64("NaT", "us"))[codes2], copy=False)
    return TypedColumn(v, _date_kind(parsed[first]), warnings + ([f"'{name}': {note}"] if note else []))


def _text_rows(uniq: np.ndarray, codes: np.ndarray, blanks: int) -> np.ndarray:
    """uniq[codes] as an object array, None where the code is -1 (`blanks` rows). pandas' take copies object
    pointers about twice as fast as numpy's fancy indexing (most of a text column's typing time); it fills
    -1 with NaN, so those rows are set to None after."""
    rows = pd.api.extensions.take(uniq, codes, allow_fill=True)
    if blanks:
        rows[codes < 0] = None
    return rows


def type_text_column(col: TextColumn, name: str, row_numbers: np.ndarray | None = None) -> TypedColumn:
    """type_column for a column of CSV text ("" blank), with the same rules and results, each step run
    on the distinct values: a 2-million-row column of 40 regions parses 40 strings."""
    uniq, codes, ucounts = col.codes()
    n = len(codes)
    if not (uniq != "").any():
        return TypedColumn(pd.Series([None] * n, dtype="string"), "empty")
    first = _numbers_first(uniq, codes)
    if first is not None:
        return first
    uniq2, codes2, counts = _trimmed(uniq, codes, ucounts)  # counts: rows per distinct value, then empty rows
    if counts[-1] == n:
        return TypedColumn(pd.Series([None] * n, dtype="string"), "empty")
    sample = pd.Series(uniq2[codes2[_first_rows(codes2, np.append(np.ones(len(uniq2), dtype=bool), False), 300)]],
                       dtype=object)
    if _may_be_numbers(sample) and not _any_leading_zero(uniq2):
        tc = _numbers_text(uniq2, codes2, counts, name, row_numbers)
        if tc is not None:
            return tc
    tc = _dates_text(uniq2, codes2, counts, name, row_numbers)
    if tc is not None:
        return tc
    # the trimmed cells, None for blank: the text column itself
    return TypedColumn(pd.Series(_text_rows(uniq2, codes2, counts[-1]), dtype=object, copy=False), "text")
