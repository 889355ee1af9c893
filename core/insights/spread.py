"""Probes over the spread of values: outliers beyond robust bounds, and the strongest correlation between two
measures."""
from __future__ import annotations

import itertools

from ..plan import ROW_COLUMN, qi, rows_view
from ..roles import format_value
from .model import Insight
from .probes import MAD_SCALE, MAX_NUMBERS, OUTLIER_K, probe
from .subject import Subject

MIN_CORRELATION = 0.6
MAX_POINTS = 2000  # a scatter of a large table draws its first points


def _outliers(s: Subject, m: str) -> Insight | None:
    lab = s.row_label()
    name = qi(lab) if lab else f"'row ' || {qi(ROW_COLUMN)}"
    src = qi(rows_view(s.table.sql_name))
    sql = (f"WITH b AS (SELECT median({qi(m)}) AS med FROM {src}), "
           f"s AS (SELECT b.med, median(abs({qi(m)} - b.med)) * {MAD_SCALE} AS mad FROM {src}, b GROUP BY b.med) "
           f"SELECT {name} AS label, {qi(m)} AS {qi(m)}, s.med AS median, ({qi(m)} - s.med) / s.mad AS robust_z "
           f"FROM {src}, s WHERE s.mad > 0 AND abs({qi(m)} - s.med) > {OUTLIER_K} * s.mad ORDER BY abs(robust_z) DESC")
    df = s.run(sql)
    if df.empty or len(df) > 0.02 * max(1, s.table.rows):  # a long tail, not a few odd values
        return None
    top = df.iloc[0]
    role = s.roles.get(m)
    z = abs(float(top["robust_z"]))
    text = (f"{m} of {top['label']} is {format_value(top[m], role)}, far from the usual {format_value(top['median'], role)} "
            f"(median){s.where}" + (f"; {len(df)} value(s) lie that far out." if len(df) > 1 else "."))
    return Insight("outlier", text, min(1.0, 0.4 + z / 25), sql, s.label,
                   {"measure": m, "label": top["label"], "value": float(top[m]), "median": float(top["median"]),
                    "count": len(df), "robust_z": z}, df.drop(columns=["robust_z"]), None, {m: role, "median": role})


@probe
def outliers(s: Subject) -> list[Insight]:
    """Values beyond median ± 5 scaled MADs, named by their row's label."""
    return [i for m in s.numbers()[:MAX_NUMBERS] if (i := _outliers(s, m))]


@probe
def correlation(s: Subject) -> list[Insight]:
    """The strongest correlation between two measures (both directions), when |r| >= 0.6."""
    nums = s.numbers()[:MAX_NUMBERS]
    pairs = list(itertools.combinations(nums, 2))
    if not pairs:
        return []
    sql = "SELECT " + ", ".join(f"corr({qi(a)}, {qi(b)}) AS {qi(f'{a} ~ {b}')}" for a, b in pairs) + f" FROM {s.name}"
    r = s.run(sql).iloc[0]
    scored = [(abs(float(r[f"{a} ~ {b}"])), a, b) for a, b in pairs if r[f"{a} ~ {b}"] == r[f"{a} ~ {b}"]]
    if not scored:
        return []
    strength, a, b = max(scored)
    if strength < MIN_CORRELATION or strength > 0.9999:  # a column and its copy (or its exact multiple) say nothing
        return []
    rv = float(r[f"{a} ~ {b}"])
    one = (f"SELECT corr({qi(a)}, {qi(b)}) AS r, count(*) FILTER (WHERE {qi(a)} IS NOT NULL AND {qi(b)} IS NOT NULL) "
           f"AS n FROM {s.name}")
    n = int(s.run(one).iloc[0]["n"])
    points = s.run(f"SELECT {qi(a)}, {qi(b)} FROM {s.name} WHERE {qi(a)} IS NOT NULL AND {qi(b)} IS NOT NULL "
                   f"LIMIT {MAX_POINTS}")
    text = (f"{a} and {b} move {'together' if rv > 0 else 'in opposite directions'}{s.where} "
            f"(correlation {rv:.2f} over {format_value(n)} rows).")
    return [Insight("correlation", text, 0.9 * strength, one, s.label, {"a": a, "b": b, "r": rv, "n": n}, points,
                    {"chart_type": "scatter", "x": a, "y": b, "title": f"{b} against {a}"},
                    {a: s.roles.get(a), b: s.roles.get(b)})]
