"""Descriptive probes that fill a summary when no pattern stands out: each main measure's total (or average),
median and range with the rows holding its extremes; and text columns whose values are mostly numbers (a
data-quality note, their numeric part profiled through TRY_CAST). Scored low: a pattern always outranks them."""
from __future__ import annotations

import re

from ..plan import ROW_COLUMN, qi, rows_view
from ..roles import format_value
from .model import Insight
from .probes import MAX_MEASURES, probe
from .subject import Subject

PROFILE_SCORE = 0.2
TEXT_NUMBERS_SCORE = 0.3
MIN_NUMERIC = 0.8  # a text column whose non-empty values are at least this share numbers holds numbers
MAX_OTHERS = 3  # the most common non-numbers named
SHOWN_CHARS = 40  # a long note among the numbers is shown cut
CODES = {"code", "codes", "zip", "postcode", "phone", "id", "no", "naics", "sic"}  # numbers that label, not measure


def as_number(col: str) -> str:
    """A text cell as a number: thousands separators and spaces dropped; NULL when it is not one."""
    return f"TRY_CAST(replace(trim(CAST({qi(col)} AS VARCHAR)), ',', '') AS DOUBLE)"


def numeric_text(s: Subject) -> list[dict]:
    """Text columns (not ids or dates) whose non-empty values are mostly, not all, numbers: column, filled, numeric."""
    cols = [c for c, d in s.table.dtypes.items() if d == "text" and s.roles.get(c) not in ("id", "date")
            and not set(re.findall(r"[a-z]+", c.lower())) & CODES]
    if not cols:
        return []
    parts = [f"count(NULLIF(trim(CAST({qi(c)} AS VARCHAR)), '')) AS {qi(f'n{k}')}, "
             f"count({as_number(c)}) AS {qi(f'x{k}')}" for k, c in enumerate(cols)]
    r = s.run("SELECT " + ", ".join(parts) + f" FROM {s.name}").iloc[0]
    found = []
    for k, c in enumerate(cols):
        n, x = int(r[f"n{k}"]), int(r[f"x{k}"])
        if n and x < n and x >= MIN_NUMERIC * n:
            found.append({"column": c, "filled": n, "numeric": x})
    return found


def _label(s: Subject) -> tuple[str, str | None]:
    lab = s.row_label()
    row = f"'row ' || {qi(ROW_COLUMN)}"
    return (f"coalesce(CAST({qi(lab)} AS VARCHAR), {row})" if lab else row), lab


def _extreme(r, end: str, f) -> str:
    """'35,000 (Ann Lee)', or '0 (Ad Set 082 and 12 other rows)' when several rows hold that value."""
    ties = int(r[f"{end}_rows"])
    more = f" and {format_value(ties - 1)} other row{'s' if ties > 2 else ''}" if ties > 1 else ""
    return f"{f(r[end])} ({r[f'{end}_label']}{more})"


def _profile(s: Subject, m: str, text: bool) -> Insight | None:
    label, lab = _label(s)
    x = as_number(m) if text else qi(m)
    total = not text and m in s.additive()
    # the extremes' rows: the first label (in label order) among the rows that hold the value, and how many do
    sql = (f"WITH v AS (SELECT {label} AS label, {x} AS x FROM {qi(rows_view(s.table.sql_name))} WHERE {x} IS NOT NULL), "
           f"e AS (SELECT min(x) AS low, max(x) AS high FROM v) "
           f"SELECT count(x) AS n, {'sum(x)' if total else 'avg(x)'} AS center, median(x) AS median, "
           f"any_value(e.low) AS low, any_value(e.high) AS high, "
           f"min(label) FILTER (WHERE x = e.low) AS low_label, count(*) FILTER (WHERE x = e.low) AS low_rows, "
           f"min(label) FILTER (WHERE x = e.high) AS high_label, count(*) FILTER (WHERE x = e.high) AS high_rows "
           f"FROM v, e")
    r = s.run(sql).iloc[0]
    n = int(r["n"])
    if n < 2:
        return None
    role = None if text else s.roles.get(m)
    f = lambda v: format_value(v, role)  # noqa: E731
    rows = (f"of the {format_value(n)} numeric rows" if text
            else f"over {format_value(n)} rows" + ("" if n == s.table.rows else " with a value"))
    verb = "totals" if total else "averages"
    sentence = (f"{m} {verb} {f(r['center'])} {rows}{s.where} (median {f(r['median'])}), from "
                f"{_extreme(r, 'low', f)} to {_extreme(r, 'high', f)}.")
    values = {"measure": m, "n": n, "stat": "sum" if total else "mean", "center": float(r["center"]),
              "median": float(r["median"]), "low": float(r["low"]), "high": float(r["high"]),
              "low_label": r["low_label"], "high_label": r["high_label"], "low_rows": int(r["low_rows"]),
              "high_rows": int(r["high_rows"]), "label_column": lab, "as_text": text}
    return Insight("profile", sentence, PROFILE_SCORE, sql, s.label, values)


@probe
def measure_profile(s: Subject) -> list[Insight]:
    """Each main measure's total (when summable, else its average), median and range, with the extremes' rows;
    a text column holding mostly numbers is profiled by its numeric part when measures are few."""
    cols = [(m, False) for m in s.numbers()[:MAX_MEASURES]]
    cols += [(c["column"], True) for c in numeric_text(s)][:MAX_MEASURES - len(cols)]
    return [i for m, text in cols if (i := _profile(s, m, text))]


def _cut(v) -> str:
    v = str(v)
    return v if len(v) <= SHOWN_CHARS else v[:SHOWN_CHARS - 3] + "..."


@probe
def text_numbers(s: Subject) -> list[Insight]:
    """A text column whose values are mostly numbers: how many cells hold something else, and what."""
    out = []
    for c in numeric_text(s)[:MAX_MEASURES]:
        col = c["column"]
        sql = (f"SELECT trim(CAST({qi(col)} AS VARCHAR)) AS value, count(*) AS cells FROM {s.name} "
               f"WHERE NULLIF(trim(CAST({qi(col)} AS VARCHAR)), '') IS NOT NULL AND {as_number(col)} IS NULL "
               f"GROUP BY 1 ORDER BY 2 DESC, 1")
        df = s.run(sql)
        other = c["filled"] - c["numeric"]
        said = ", ".join(f"'{_cut(v)}'" + (f" ({format_value(int(k))})" if len(df) > 1 else "")
                         for v, k in df.head(MAX_OTHERS).itertuples(index=False, name=None))
        more = f" and {len(df) - MAX_OTHERS} other value(s)" if len(df) > MAX_OTHERS else ""
        sentence = (f"Data quality: '{col}'{s.where} holds numbers in {format_value(c['numeric'])} of "
                    f"{format_value(c['filled'])} filled rows; the other {format_value(other)} say {said}{more}, "
                    "so it is stored as text.")
        values = {**c, "other": other, "values": {str(v): int(k) for v, k in df.head(MAX_OTHERS).itertuples(
            index=False, name=None)}}
        out.append(Insight("text_numbers", sentence, TEXT_NUMBERS_SCORE, sql, s.label, values, df))
    return out
