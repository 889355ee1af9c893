"""Follow-ups: a short question read as a change to the previous plan ("and for 2020?", "only the West")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..plan import Filter, GroupBy, Order, Plan
from .grounding import agg_word, bucket_of, column_hits, date_column, direction_of, time_filters, top_k, value_hits
from .model import Planned, TableView
from .words import norm, words


@dataclass
class _Edit:
    """A follow-up being applied: the question read against the previous plan's table, and the plan so far."""
    q: str
    qw: list[str]
    question: str
    t: TableView
    plan: Plan
    chits: list
    vhits: list
    by_col: dict[str, list]


def _values(e: _Edit) -> bool:
    """"only the West", "Walmart?", "excluding Amazon": the named values replace the filter on their column."""
    for col, vals in e.by_col.items():
        new = Filter(column=col, value=vals[0]) if len(vals) == 1 else Filter(column=col, op="in", values=vals)
        if re.search(r"\b(exclud\w*|except|without|not)\b", e.q):
            new = Filter(column=col, op="ne", value=vals[0]) if len(vals) == 1 else Filter(column=col, op="not_in",
                                                                                             values=vals)
        in_where = [m for m in e.plan.measures if any(f.column == col for f in m.where)]
        for m in in_where:  # a share's "part" condition
            m.where = [f for f in m.where if f.column != col] + [new]
        if not in_where:
            e.plan.filters = [f for f in e.plan.filters if f.column != col] + [new]
    return bool(e.by_col)


def _date_col(e: _Edit) -> str | None:
    return next((f.column for f in e.plan.filters if f.op in ("year", "month", "quarter", "gt", "gte", "lt", "lte")
                 and e.t.dtypes.get(f.column) in ("date", "datetime")), None) or date_column(e.qw, e.t, e.chits)


def _period(e: _Edit) -> bool:
    """"and for 2020?", "in March": the period replaces the previous one; "overall" drops the filters."""
    date_col = _date_col(e)
    tf = time_filters(e.q, e.t, date_col)
    if tf:
        ops = {f.op for f in tf}
        e.plan.filters = [f for f in e.plan.filters
                          if not (f.column == date_col and (f.op in ops or f.op in ("year", "gt", "gte", "lt")))] + tf
        return True
    if re.search(r"\b(overall|all of them|everything|no filter|in total|all (years|regions|rows))\b", e.q) and not e.vhits:
        e.plan.filters = []
        return True
    return False


def _grouping(e: _Edit) -> bool:
    """"by month", "by region instead": a new grouping."""
    bucket = bucket_of(e.q)
    if not (re.search(r"\b(by|per|each|group)\b", e.q) or bucket):
        return False
    text_hits = [h for h in e.chits if e.t.dtypes[h.column] in ("text", "boolean") and h.column not in e.by_col]
    if bucket and e.t.dates():
        e.plan.group_by = [GroupBy(column=_date_col(e) or e.t.dates()[0], bucket=bucket)]
    elif text_hits:
        e.plan.group_by = [GroupBy(column=text_hits[0].column)]
    else:
        return False
    if e.plan.headline == "value":
        e.plan.headline, e.plan.order = "table", []
    return True


def _measure(e: _Edit) -> bool:
    """"and the average?", "what about profit?": the aggregate or the measured column changes."""
    if not e.plan.measures:
        return False
    agg, m = agg_word(e.q), e.plan.measures[0]
    nums = [h.column for h in e.chits if e.t.dtypes[h.column] in ("integer", "number")]
    changed = False
    if agg in ("sum", "avg", "median", "min", "max") and m.agg != "share" and (m.column or nums) and agg != m.agg:
        m.agg, m.column, changed = agg, m.column or nums[0], True
    if nums and nums[0] != m.column and m.agg not in ("count", "count_distinct"):
        m.column, changed = nums[0], True
    return changed


def _limit(e: _Edit) -> bool:
    k = top_k(e.q)
    if k > 1 or re.search(r"\b(top|bottom) 1\b", e.q):
        e.plan.limit = k
        return True
    return False


EDITS = [_values, _period, _grouping, _measure, _limit]


def _finished(plan: Plan, t: TableView) -> Planned | None:
    """The edited plan, re-validated, ordered on its (possibly renamed) measure, with its shape."""
    if plan.order and plan.measures:
        from ..plan import _measure_name

        names = [m.alias or _measure_name(m) for m in plan.measures]
        valid = set(names) | {g.column for g in plan.group_by}
        plan.order = [o if o.by in valid else Order(by=names[0], desc=o.desc) for o in plan.order]
    try:
        plan = Plan.model_validate(plan.model_dump())
    except ValueError:
        return None
    shape = {"value": "value", "label": "label", "list": "list", "bool": "bool"}.get(plan.headline, "table")
    if plan.measures and plan.measures[0].agg == "share" and plan.measures[0].where:
        shape = "share"
    if plan.group_by and plan.group_by[0].bucket:
        shape = "trend"
    return Planned(plan, t, shape, notes=["Read as a follow-up to the previous question."], rule="follow-up")


def follow_up(planner, question: str, prev: Plan) -> Planned | None:
    """The previous plan changed by what the question says ("and for 2020?", "only the West", "by month
    instead"); None when nothing in it edits the plan. Whether it is read so is `continues`'s call."""
    t = next((v for v in planner.tables if v.sql_name == prev.table), None)
    if t is None:
        return None
    q, qw = norm(question), words(question)
    vhits = value_hits(question, t)
    by_col: dict[str, list] = {}
    for v in vhits:
        by_col.setdefault(v.column, []).append(v.value)
    e = _Edit(q, qw, question, t, prev.model_copy(deep=True), column_hits(qw, t), vhits, by_col)
    changed = [edit(e) for edit in EDITS]  # every edit applies: "and the average by month for 2020?"
    return _finished(e.plan, t) if any(changed) else None


COUNT_WORDS = re.compile(r"\b(how many|number of|count|counts|how often)\b")


def bare_count(question: str, p: Planned) -> bool:
    """A reading that only counts rows (those a filter keeps, or per group), though the question asks for no
    count and no order: what a fragment ("and for 2020?", "Walmart?", "by region instead") reads as alone."""
    plan, q = p.plan, norm(question)
    only_count = all(m.agg == "count" and not m.column for m in plan.measures)
    return (only_count and not plan.select and plan.test is None and not COUNT_WORDS.search(q)
            and direction_of(q) is None)


def continues(question: str, edited: Planned | None, fresh: Planned | None) -> bool:
    """The one rule for follow-ups: the previous plan, edited by the question, is the reading when it accounts
    for every word of the question and the question read on its own does not (or only counts rows, though
    it asks for no count); a question that says in full what to compute is asked afresh."""
    from ..coverage import unused_words

    if edited is None or unused_words(question, edited):
        return False
    return fresh is None or bool(unused_words(question, fresh)) or bare_count(question, fresh)
