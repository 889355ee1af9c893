"""Probes by category: how concentrated a total is among a category's values, and which category splits a
measure's values most."""
from __future__ import annotations

from ..plan import qi
from ..roles import format_value
from .model import Insight
from .probes import MAX_CATEGORIES, MAX_MEASURES, bar, probe, share
from .subject import Subject

MIN_CONCENTRATION = 0.15
MIN_PER_GROUP = 5  # an even spread over groups of a row or two says nothing
EVEN_SCORE = 0.15  # a descriptive finding: it fills a summary, never beats a pattern
# a pivot's "Grand Total", "Total Result" or subtotal ("2021 Result") row is no group: it holds the others' sum
TOTAL_LABELS = r"^\s*(grand )?totals?\b|\bresult\s*$|^\s*(average|sum|all)\s*$"
MIN_ETA2 = 0.2  # a category explaining under a fifth of a measure's variation is not worth a sentence


def _shares(s: Subject, m: str | None, c: str) -> dict | None:
    """A measure's total per category value (m), or the rows per value when the table has no measure (None):
    the top value's and the top 3's shares and their lift over an even split."""
    total_of = f"sum({qi(m)})" if m else "count(*)"
    m = m or "rows"
    sql = (f"SELECT {qi(c)} AS {qi(c)}, {total_of} AS {qi(m)} FROM {s.name} WHERE {qi(c)} IS NOT NULL "
           f"AND NOT regexp_matches(lower(CAST({qi(c)} AS VARCHAR)), '{TOTAL_LABELS}') GROUP BY 1 ORDER BY 2 DESC NULLS LAST, 1")
    df = s.run(sql).dropna()
    n = len(df)
    total = float(df[m].sum()) if n else 0.0
    if n < 2 or total <= 0 or (df[m] < 0).any():  # shares of a total with negatives mean nothing
        return None
    top1, top3 = float(df[m].iloc[0]) / total, float(df[m].iloc[:3].sum()) / total
    # the lift over an even split: 1 of 4 holding 70% is news, 1 of 2 holding 55% is not
    lift1 = (top1 - 1 / n) / (1 - 1 / n)
    lift3 = (top3 - 3 / n) / (1 - 3 / n) if n > 5 else 0.0
    return {"sql": sql, "df": df, "m": m, "n": n, "total": total, "top1": top1, "top3": top3,
            "score": max(lift1, lift3)}


def _concentration(s: Subject, m: str | None, c: str) -> Insight | None:
    sh = _shares(s, m, c)
    if not sh or sh["score"] < MIN_CONCENTRATION:
        return None
    df, m, n, total, top1, top3 = sh["df"], sh["m"], sh["n"], sh["total"], sh["top1"], sh["top3"]
    role = s.roles.get(m)
    lead = str(df[c].iloc[0])
    text = (f"'{lead}' holds {share(top1)} of {m} ({format_value(df[m].iloc[0], role)} of "
            f"{format_value(total, role)}) across {n} {c} values{s.where}")
    text += f"; the top 3 hold {share(top3)}." if n > 3 else "."
    return Insight("concentration", text, min(1.0, sh["score"]), sh["sql"], s.label,
                   {"measure": m, "category": c, "top": lead, "top_share": top1, "top3_share": top3, "total": total,
                    "groups": n}, df, bar(c, m, f"{m} by {c}"), {m: role})


@probe
def concentration(s: Subject) -> list[Insight]:
    """"The top 3 hold 62% of sales": a total that a few values of a category hold."""
    out = []
    for m in s.additive()[:MAX_MEASURES] or [None]:
        found = [i for c in s.categories()[:MAX_CATEGORIES] if (i := _concentration(s, m, c))]
        out += sorted(found, key=lambda i: -i.score)[:1]
    return out


def _even(s: Subject, sh: dict, c: str) -> Insight:
    df, m, n = sh["df"], sh["m"], sh["n"]
    role = s.roles.get(m)
    what = "The rows are" if m == "rows" else f"{m} is"
    text = (f"{what} spread evenly across {n} {c} values{s.where}: the largest, '{df[c].iloc[0]}', holds "
            f"{share(sh['top1'])} ({format_value(df[m].iloc[0], role)} of {format_value(sh['total'], role)}), "
            f"an even share is {share(1 / n)}.")
    return Insight("evenly", text, EVEN_SCORE, sh["sql"], s.label,
                   {"measure": m, "category": c, "top": str(df[c].iloc[0]), "top_share": sh["top1"], "top3_share": sh["top3"],
                    "even_share": 1 / n, "total": sh["total"], "groups": n}, df, bar(c, m, f"{m} by {c}"), {m: role})


@probe
def evenly(s: Subject) -> list[Insight]:
    """Where concentration finds nothing: the first measure's total, and the rows, spread evenly over a
    category's values (the category with most values; the rows by another category than the measure's)."""
    if s.table.rows < MIN_PER_GROUP * 2:
        return []
    out, used = [], set()
    for m in [*s.additive()[:1], None]:
        found = [(sh, c) for c in s.categories()[:MAX_CATEGORIES] if c not in used
                 and (sh := _shares(s, m, c)) and sh["score"] < MIN_CONCENTRATION
                 and s.table.rows >= MIN_PER_GROUP * sh["n"]]
        if found:
            sh, c = max(found, key=lambda f: f[0]["n"])  # max keeps the first among equals
            out.append(_even(s, sh, c))
            used.add(c)
    return out


def _split(s: Subject, m: str, c: str) -> Insight | None:
    sql = (f"SELECT {qi(c)} AS {qi(c)}, count({qi(m)}) AS n, avg({qi(m)}) AS {qi(m)}, "
           f"(SELECT var_pop({qi(m)}) FROM {s.name} WHERE {qi(c)} IS NOT NULL) AS var_all, "
           f"(SELECT avg({qi(m)}) FROM {s.name} WHERE {qi(c)} IS NOT NULL) AS mean_all "
           f"FROM {s.name} WHERE {qi(c)} IS NOT NULL AND {qi(m)} IS NOT NULL GROUP BY 1 ORDER BY 3 DESC")
    df = s.run(sql)
    if len(df) < 2 or not df["var_all"].iloc[0] or df["n"].sum() < 3 * len(df):
        return None
    # eta squared: the share of the measure's variance that lies between the category's groups
    eta2 = float((df["n"] * (df[m] - df["mean_all"]) ** 2).sum() / (df["n"].sum() * df["var_all"].iloc[0]))
    if eta2 < MIN_ETA2:
        return None
    role = s.roles.get(m)
    hi, lo = df.iloc[0], df.iloc[-1]
    text = (f"{m} differs most by {c}{s.where}: '{hi[c]}' averages {format_value(hi[m], role)} against "
            f"{format_value(lo[m], role)} for '{lo[c]}' ({c} explains {share(eta2)} of the variation).")
    shown = df[[c, m]]
    return Insight("split", text, 0.7 * eta2, sql, s.label,
                   {"measure": m, "category": c, "high": hi[c], "high_mean": float(hi[m]), "low": lo[c],
                    "low_mean": float(lo[m]), "eta2": eta2}, shown, bar(c, m, f"Average {m} by {c}"), {m: role})


@probe
def split(s: Subject) -> list[Insight]:
    """A measure's average per value of the category that explains most of its variation."""
    out = []
    for m in s.numbers()[:MAX_MEASURES]:
        found = [i for c in s.categories()[:MAX_CATEGORIES] if (i := _split(s, m, c))]
        out += sorted(found, key=lambda i: -i.score)[:1]
    return out
