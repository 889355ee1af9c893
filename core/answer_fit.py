"""Does a computed answer have the kind the question asks for? Checks run after a plan ran, each naming why
an answer that does not fit is declined: a wrong number is worse than no answer."""
from __future__ import annotations

import re

import pandas as pd

from .plan import Filter, Measure, Order, Plan
from .planning.model import Planned
from .planning.words import stem, words

WHEN = re.compile(r"^\s*(?:when\b|(?:on |in |at )?what (?:date|time|day|year|month)\b)", re.I)
# column words that say a column holds points or spans of time ("Year", "Season", "Departure time")
TIME_WORDS = {"date", "time", "year", "season", "month", "day", "week", "period", "when", "era", "decade", "quarter",
              "dated", "founded", "established", "opened", "born", "died", "hour", "clock", "schedule", "due",
              "deadline", "term", "edition", "tenure", "reign"}
CLOCK = re.compile(r"^\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?\s*$", re.I)
PER = re.compile(r"\b([a-z]+)\s+per\s+([a-z]+)\b", re.I)
AVERAGE_PER = re.compile(r"\b(?:average|mean|typical)\b.*\bper\b", re.I)
MEASURED = ("sum", "avg", "median", "min", "max")


def misfit(question: str, planned: Planned, ans, execute) -> str | None:
    """Why the answer does not fit the question (declined), or None; `execute` runs a probe plan to a DataFrame."""
    return (_no_value(planned, ans) or _fixed_measure(planned) or _when_not_a_time(question, planned, ans)
            or _per_not_computed(question, planned) or _groups_of_one(question, planned, ans, execute))


def _no_value(planned: Planned, ans) -> str | None:
    """One aggregate that came out empty (no row matched every condition): "no value" is no answer."""
    plan, df = planned.plan, ans.df
    if not plan.measures or plan.group_by or plan.headline != "value" or ans.value is not None:
        return None
    if df is not None and len(df) == 1 and not df.isna().all(axis=None):
        return None
    if df is not None and len(df) > 1:
        return None
    return f"no row of '{planned.table.label}' matches every condition, so there is no value to give."


def _fixed_measure(planned: Planned) -> str | None:
    """A measure of a column the question fixes to one value ("the average Year where Year is 2022"): the
    question named the value as a condition, so the column is not what it measures."""
    plan = planned.plan
    fixed = {f.column: f.value for f in plan.filters if f.op == "eq" and f.value is not None}
    for m in plan.measures:
        if m.agg in MEASURED and m.column in fixed:
            return (f"{m.column} is fixed to {fixed[m.column]} by the question, so its {m.agg} measures nothing; "
                    f"which number did you mean?")
    return None


def _time_like(planned: Planned, col: str, ans) -> bool:
    t = planned.table
    if t.dtypes.get(col) in ("date", "datetime", "time") or col in t.clocks:
        return True
    if any(stem(w) in {stem(x) for x in TIME_WORDS} for w in words(col)):
        return True
    df = ans.df
    if df is None or col not in df.columns:
        return False
    vals = df[col].dropna()
    if vals.empty:
        return False
    if pd.api.types.is_datetime64_any_dtype(vals):
        return True
    nums = pd.to_numeric(vals, errors="coerce")
    if nums.notna().all() and ((nums >= 1000) & (nums <= 2100) & (nums % 1 == 0)).all():
        return True  # years written as numbers
    return vals.astype(str).map(lambda v: bool(CLOCK.match(v))).all()


def _when_not_a_time(question: str, planned: Planned, ans) -> str | None:
    """"When ...?" asks for a date or time: a name, an id or a count does not answer it."""
    plan = planned.plan
    if not WHEN.match(question) or plan.test or plan.group_by:
        return None
    shown = list(plan.select) or [m.column for m in plan.measures if m.agg in ("min", "max") and m.column]
    if not shown and plan.measures:
        return "the question asks when, and what I could compute is a number, not a date."
    if shown and not any(_time_like(planned, c, ans) for c in shown):
        return f"the question asks when, and what I could compute is {shown[-1]}, not a date or time."
    return None


def _per_not_computed(question: str, planned: Planned) -> str | None:
    """"patients per nurse" asks for a rate or a figure per group: a plan that neither divides, averages nor
    groups answers something else (unless a used column's own name says "per": "Goals per game")."""
    plan = planned.plan
    if not PER.search(question) or plan.group_by or any(m.agg in ("avg", "ratio", "share") for m in plan.measures):
        return None
    if any(c.op == "div" for c in plan.compute):
        return None
    used = set(plan.select) | {m.column for m in plan.measures if m.column} | {f.column for f in plan.filters}
    if any("per" in words(c) for c in used) or any("per" in words(c) for c in planned.table.dtypes):
        return None
    if any(_names_both(m.group(1), m.group(2), c) for m in PER.finditer(question) for c in used):
        return None  # "the price per unit" of a Unit Price column: the column holds the figure per unit
    return "the question asks for a figure per something, and what I could compute is no rate or breakdown."


def _groups_of_one(question: str, planned: Planned, ans, execute) -> str | None:
    """"the average hours per week for Marcus Reid" where he has one row a week: an average per group of one
    row is that row's own value, a table of them is no average; the question asks for one number over the groups."""
    plan = planned.plan
    if not plan.group_by or not plan.measures or any(m.agg not in ("avg", "median") for m in plan.measures):
        return None
    if plan.limit or plan.ties or not AVERAGE_PER.search(question):
        return None  # "which ward has the most doctors": a ranking of groups, not an average asked per group
    if ans.df is None or len(ans.df) < 2:
        return None
    keys = [Filter(column=g.column, op="not_null") for g in plan.group_by]
    probe = Plan(table=plan.table, filters=[*plan.filters, *keys], group_by=plan.group_by,
                 measures=[Measure(agg="count", alias="rows")], order=[Order(by="rows", desc=True)], limit=1)
    top = execute(probe)
    if top is None or top.empty or int(top["rows"].iloc[0]) != 1:
        return None
    g = plan.group_by[0].column
    return (f"each {g} holds one row here, so its {plan.measures[0].agg} is that row's own value; did you mean one "
            f"average over them?")


def _names_both(x: str, y: str, col: str) -> bool:
    cw = {stem(w) for w in words(col)}
    return stem(x.lower()) in cw and stem(y.lower()) in cw
