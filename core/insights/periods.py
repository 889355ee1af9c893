"""Probes over time: the biggest jump between consecutive periods, the trend's direction and strength, and
the categories that moved most between the last two periods."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..plan import qi
from ..roles import format_value
from .model import Insight
from .probes import MAX_MEASURES, bar, probe
from .subject import Subject

MIN_JUMP = 1.5  # a period at least 1.5x (or under 1/1.5 of) the one before
MIN_R2 = 0.5


def grain(s: Subject, d: str) -> str | None:
    """Months for up to 3 years of data, quarters up to 10 years, years beyond; None for under 3 periods."""
    r = s.run(f"SELECT min({qi(d)}) AS lo, max({qi(d)}) AS hi FROM {s.name}").iloc[0]
    if r["lo"] is None or pd.isna(r["lo"]):
        return None
    months = (r["hi"].year - r["lo"].year) * 12 + r["hi"].month - r["lo"].month
    if months < 2:
        return None
    return "month" if months <= 36 else "quarter" if months <= 120 else "year"


def label(period, g: str) -> str:
    p = pd.Timestamp(period)
    return {"month": p.strftime("%Y-%m"), "quarter": f"{p.year} Q{(p.month - 1) // 3 + 1}"}.get(g, str(p.year))


def series(s: Subject, d: str, m: str, g: str) -> tuple[str, pd.DataFrame]:
    """Per period the measure's total (or, for m == "rows", the number of rows) and the rows it adds up."""
    total_of = "count(*)" if m == "rows" else f"sum({qi(m)})"
    sql = (f"SELECT date_trunc('{g}', {qi(d)}) AS period, {total_of} AS {qi(m)}, count(*) AS period_rows FROM {s.name} "
           f"WHERE {qi(d)} IS NOT NULL GROUP BY 1 ORDER BY 1")
    return sql, s.run(sql)


STEP = {"month": pd.DateOffset(months=1), "quarter": pd.DateOffset(months=3), "year": pd.DateOffset(years=1)}


def comparable(df: pd.DataFrame, g: str) -> np.ndarray:
    """Which consecutive pairs of periods can be compared: next to each other in time (no empty period
    between), and neither the first nor the last period a stub (under a quarter of the usual number of rows:
    a last month holding a few days of data is no drop). Periods inside the data compare as they are: a
    month with few rows there is what happened."""
    p = pd.to_datetime(df["period"])
    adjacent = (p.iloc[:-1] + STEP[g]).to_numpy() == p.iloc[1:].to_numpy()
    rows = df["period_rows"].to_numpy()
    full = np.ones(len(rows), dtype=bool)
    full[[0, -1]] = rows[[0, -1]] >= 0.25 * float(np.median(rows))
    return adjacent & full[:-1] & full[1:]


def _jump(s: Subject, m: str, g: str, sql: str, df: pd.DataFrame) -> Insight | None:
    v = df[m].astype(float).to_numpy()
    ok = (v[:-1] > 0) & (v[1:] > 0) & comparable(df, g)
    if not ok.any():
        return None
    ratio = np.where(ok, v[1:] / np.where(v[:-1] > 0, v[:-1], 1), 1.0)
    i = int(np.argmax(np.abs(np.log(ratio))))
    r = float(ratio[i])
    if abs(math.log(r)) < math.log(MIN_JUMP):
        return None
    role = s.roles.get(m)
    when, before = label(df["period"].iloc[i + 1], g), label(df["period"].iloc[i], g)
    word = f"jumped {r:.1f}x" if r > 1 else f"fell by {(1 - r) * 100:.0f}%"
    text = (f"{m} {word} in {when} ({format_value(v[i], role)} in {before} to "
            f"{format_value(v[i + 1], role)}), the largest change between consecutive {g}s{s.where}.")
    return Insight("jump", text, min(1.0, abs(math.log(r)) / math.log(4)), sql, s.label,
                   {"measure": m, "period": when, "before": float(v[i]), "after": float(v[i + 1]), "ratio": r,
                    "grain": g},
                   shown(df, g, m), {"chart_type": "line", "x": "period", "y": m, "title": f"{m} by {g}"}, {m: role})


def shown(df: pd.DataFrame, g: str, m: str) -> pd.DataFrame:
    return pd.DataFrame({"period": [label(p, g) for p in df["period"]], m: df[m]})


def _trend(s: Subject, m: str, g: str, sql: str, df: pd.DataFrame) -> Insight | None:
    y = df[m].astype(float).to_numpy()
    if len(y) < 4 or np.nanstd(y) == 0:
        return None
    x = np.arange(len(y), dtype=float)
    slope, _ = np.polyfit(x, y, 1)
    r2 = float(np.corrcoef(x, y)[0, 1] ** 2)
    if r2 < MIN_R2:
        return None
    role = s.roles.get(m)
    text = (f"{m} trends {'up' if slope > 0 else 'down'} over {len(y)} {g}s{s.where}, by about "
            f"{format_value(abs(float(slope)), role)} a {g} (a straight line explains {r2 * 100:.0f}% of its ups and downs).")
    return Insight("trend", text, 0.6 * r2, sql, s.label, {"measure": m, "slope": float(slope), "r2": r2, "periods": len(y), "grain": g},
                   shown(df, g, m), {"chart_type": "line", "x": "period", "y": m, "title": f"{m} by {g}"}, {m: role})


@probe
def over_time(s: Subject) -> list[Insight]:
    """The biggest period-over-period jump and the trend of each main measure, by its first date column."""
    dates = s.dates()
    g = grain(s, dates[0]) if dates else None
    if g is None:
        return []
    out = []
    for m in s.additive()[:MAX_MEASURES] or ["rows"]:  # no measure: the number of rows per period
        sql, df = series(s, dates[0], m, g)
        out += [i for i in (_jump(s, m, g, sql, df), _trend(s, m, g, sql, df)) if i]
    for i in out:
        i.values["date"] = dates[0]
    return out


def _movers(s: Subject, d: str, m: str, c: str, g: str) -> Insight | None:
    sql = (f"WITH p AS (SELECT {qi(c)} AS {qi(c)}, date_trunc('{g}', {qi(d)}) AS period, sum({qi(m)}) AS v "
           f"FROM {s.name} WHERE {qi(d)} IS NOT NULL AND {qi(c)} IS NOT NULL GROUP BY 1, 2), "
           f"last2 AS (SELECT DISTINCT period FROM p ORDER BY period DESC LIMIT 2) "
           f"SELECT {qi(c)}, coalesce(sum(v) FILTER (WHERE period = (SELECT min(period) FROM last2)), 0) AS previous, "
           f"coalesce(sum(v) FILTER (WHERE period = (SELECT max(period) FROM last2)), 0) AS latest, "
           f"(SELECT min(period) FROM last2) AS previous_period, (SELECT max(period) FROM last2) AS latest_period "
           f"FROM p WHERE period IN (SELECT period FROM last2) GROUP BY 1 ORDER BY abs(latest - previous) DESC, 1")
    df = s.run(sql)
    if len(df) < 2 or df["previous_period"].iloc[0] == df["latest_period"].iloc[0]:
        return None
    df["change"] = df["latest"] - df["previous"]
    total_moved = float(df["change"].abs().sum())
    if not total_moved:
        return None
    top = df.iloc[0]
    role = s.roles.get(m)
    before, after = label(top["previous_period"], g), label(top["latest_period"], g)
    base = float(df["previous"].abs().sum()) or total_moved
    text = (f"From {before} to {after}, {m} of '{top[c]}' moved most: {format_value(top['previous'], role)} to "
            f"{format_value(top['latest'], role)} ({'+' if top['change'] >= 0 else '-'}"
            f"{format_value(abs(top['change']), role)}; {abs(top['change']) / total_moved * 100:.0f}% of all movement "
            f"across {c}){s.where}.")
    shown = df[[c, "previous", "latest", "change"]]
    # a mover that carries most of the movement, and a movement large against the period's total
    score = 0.6 * abs(float(top["change"])) / total_moved * min(1.0, abs(float(top["change"])) / base)
    return Insight("movers", text, score, sql, s.label,
                   {"measure": m, "category": c, "date": d, "grain": g, "top": top[c], "previous": float(top["previous"]),
                    "latest": float(top["latest"]), "change": float(top["change"]), "from": before, "to": after},
                   shown, bar(c, "change", f"Change in {m}, {before} to {after}"),
                   {"previous": role, "latest": role, "change": role})


@probe
def movers(s: Subject) -> list[Insight]:
    """Per category, the change of the main measure between the last two periods; the biggest mover."""
    dates, cats, ms = s.dates(), s.categories(), s.additive()
    g = grain(s, dates[0]) if dates and cats and ms else None
    found = _movers(s, dates[0], ms[0], cats[0], g) if g else None
    return [found] if found else []
