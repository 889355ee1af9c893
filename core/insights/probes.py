"""The probes: small registered functions, each a bounded set of SQL queries on one table that returns what it
found as Insights (or nothing). Which columns a probe reads is decided by their roles (core.roles); an id or a
ratio is never summed (core.roles.summable)."""
from __future__ import annotations

from collections.abc import Callable

from ..plan import qi
from ..roles import format_value
from .model import Insight
from .subject import Subject

Probe = Callable[[Subject], list[Insight]]
PROBES: list[Probe] = []
MAX_MEASURES = 2  # the probes that group look at the first measures and categories only: a bounded cost
MAX_CATEGORIES = 3
MAX_NUMBERS = 8
OUTLIER_K = 5.0  # beyond median ± 5 scaled MADs: rare in any ordinary spread of values
MAD_SCALE = 1.4826  # a MAD times this estimates the standard deviation of normal data


def probe(fn: Probe) -> Probe:
    PROBES.append(fn)
    return fn


def share(v: float) -> str:
    return format_value(v, "ratio")


def bar(x: str, y: str, title: str) -> dict:
    return {"chart_type": "bar", "x": x, "y": y, "title": title, "sort": "desc"}


@probe
def size(s: Subject) -> list[Insight]:
    """How big the table is, the period it covers and how filled its cells are."""
    cols = list(s.table.dtypes)
    dates = s.dates()
    filled = " + ".join(f"count({qi(c)})" for c in cols)
    period = f", min({qi(dates[0])}) AS first, max({qi(dates[0])}) AS last" if dates else ""
    sql = f"SELECT count(*) AS rows, ({filled}) / (count(*) * {len(cols)}.0) AS filled{period} FROM {s.name}"
    r = s.run(sql).iloc[0]
    rows = int(r["rows"])
    if not rows:
        return []
    text = f"{s.label} has {format_value(rows)} rows and {len(cols)} columns"
    if dates and r["first"] is not None:
        text += f", covering {format_value(r['first'])} to {format_value(r['last'])} ({dates[0]})"
    text += f"; {share(r['filled'])} of its cells are filled."
    values = {"rows": rows, "columns": len(cols), "filled": float(r["filled"])}
    if dates:
        values.update(first=r["first"], last=r["last"], date_column=dates[0])
    return [Insight("size", text, 0.25, sql, s.label, values)]


@probe
def missing(s: Subject) -> list[Insight]:
    """The column with the most empty cells, when at least 5% of its rows are empty."""
    cols = list(s.table.dtypes)
    sql = "SELECT count(*) AS rows, " + ", ".join(f"count(*) - count({qi(c)}) AS {qi(c)}" for c in cols) + f" FROM {s.name}"
    r = s.run(sql).iloc[0]
    rows = int(r["rows"])
    if not rows:
        return []
    worst = max(cols, key=lambda c: int(r[c]))
    n = int(r[worst])
    part = n / rows
    if part < 0.05:
        return []
    others = sum(1 for c in cols if c != worst and int(r[c]) >= 0.05 * rows)
    text = (f"'{worst}' is empty in {format_value(n)} of {format_value(rows)} rows ({share(part)}){s.where}"
            + (f"; {others} other column(s) are at least 5% empty." if others else "."))
    return [Insight("missing", text, min(1.0, 0.3 + 2 * part), sql, s.label,
                    {"column": worst, "missing": n, "rows": rows, "share": part})]


@probe
def duplicates(s: Subject) -> list[Insight]:
    """Rows that repeat another row in every column."""
    sql = f"SELECT count(*) AS rows, count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM {s.name})) AS duplicates FROM {s.name}"
    r = s.run(sql).iloc[0]
    rows, dup = int(r["rows"]), int(r["duplicates"])
    if not dup:
        return []
    text = f"{format_value(dup)} row(s){s.where} repeat another row exactly ({share(dup / rows)} of its rows)."
    return [Insight("duplicates", text, min(1.0, 0.3 + 3 * dup / rows), sql, s.label,
                    {"duplicates": dup, "rows": rows})]


@probe
def ingest_notes(s: Subject) -> list[Insight]:
    """What ingest reported: rows left out (totals, headings) and its warnings (text in number columns)."""
    out = [e for e in s.table.excluded if e.get("status") != "kept"]
    notes = []
    if out:
        reasons = sorted({str(e.get("reason") or "other") for e in out})
        notes.append(f"{len(out)} row(s){s.where} were left out of the data as {', '.join(reasons)} rows "
                     "(the Files page lists them and can keep them)")
    notes += [str(w).rstrip(". ") for w in s.warnings[:2]]
    if not notes:
        return []
    sql = "-- read from the ingest report in the catalog, not computed by a query"
    return [Insight("quality", "Data quality: " + "; ".join(notes) + ".", 0.35, sql, s.label,
                    {"excluded": len(out), "warnings": len(s.warnings)})]
