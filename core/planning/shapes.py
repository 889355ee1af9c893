"""Question shapes: small rules, each proposing a plan from a grounded question (or None when it does not fit).

Registered in `SHAPES` in the order they were written for: when several fit, the planner prefers one whose
plan accounts for every content word of the question, then the earlier rule (core/planning/offline.py).
A rule may raise CannotAnswer to say what the question lacks for its shape ("highest by which number?").
"""
from __future__ import annotations

import re
from collections.abc import Callable

from ..errors import CannotAnswer
from ..plan import Buckets, Filter, GroupBy, Measure, Order, Plan, Test
from .grounding import Grounded, alias_of, default_agg, label_column
from .model import Planned
from .words import same, stem, words

Shape = Callable[[Grounded], Planned | None]
SHAPES: list[tuple[str, Shape]] = []
TREND = re.compile(r"\b(trend|over time|monthly|yearly|quarterly|weekly|daily|by (month|year|quarter|week|day)|"
                   r"per (month|year|quarter|week|day)|each (month|year|quarter|week|day))\b")


def shape(name: str) -> Callable[[Shape], Shape]:
    """Register a rule under a name (the names show in the plan's notes and in bench figures)."""
    def add(fn: Shape) -> Shape:
        SHAPES.append((name, fn))
        return fn
    return add


def _ordered(g: Grounded, m: Measure, group: GroupBy, **kw) -> Plan:
    return g.plan(group_by=[group], measures=[m], order=[Order(by=alias_of(m), desc=True)], headline="table", **kw)


@shape("yes/no")
def yes_no(g: Grounded) -> Planned | None:
    if not re.match(r"^(is|are|does|do|did|was|were|has|have|can)\b", g.q):
        return None
    more = re.search(r"\bmore (.+?) than (.+)", g.q)
    pair = next(((c, vals) for c, vals in g.by_col.items() if len(vals) >= 2), None)
    if (more or re.search(r"\b(less|fewer)\b.+\bthan\b", g.q)) and pair:
        c, (a, b) = pair[0], pair[1][:2]
        if not more:
            a, b = b, a
        rest = [f for f in g.filters if f.column != c]
        agg = "sum" if g.measure_col else "count"
        ms = [Measure(agg=agg, column=g.measure_col, where=[Filter(column=c, value=a)], alias=str(a)),
              Measure(agg=agg, column=g.measure_col, where=[Filter(column=c, value=b)], alias=str(b))]
        return g.planned(g.plan(filters=rest, measures=ms, test=Test(kind="more"), headline="bool"), "bool")
    if re.search(r"\b(unique|distinct|duplicates?|duplicated)\b", g.q):
        col = g.text_hits[0].column if g.text_hits else label_column(g.t)
        if col:
            return g.planned(g.plan(test=Test(kind="unique", column=col), headline="bool"), "bool")
    return g.planned(g.plan(test=Test(kind="any"), headline="bool"), "bool")


@shape("share")
def share(g: Grounded) -> Planned | None:
    if not re.search(r"\b(share|percent|percentage|proportion|fraction)\b|%", g.q):
        return None
    where = [f for f in g.filters if f.column in g.value_cols]
    rest = [f for f in g.filters if f.column not in g.value_cols]
    m = Measure(agg="share", column=g.measure_col, where=where)
    if where:
        agg = "sum" if g.measure_col else "count"
        extra = [Measure(agg=agg, column=g.measure_col, where=where, alias="part"),
                 Measure(agg=agg, column=g.measure_col, alias="whole")]
        return g.planned(g.plan(filters=rest, measures=[m] + extra, headline="value"), "share")
    if g.group_col:
        return g.planned(_ordered(g, m, GroupBy(column=g.group_col), filters=rest), "table")
    return None


@shape("trend")
def trend(g: Grounded) -> Planned | None:
    if not (g.bucket and g.t.dates() and TREND.search(g.q)):
        return None
    dc = g.date_hits[0].column if g.date_hits else g.date_col
    m = g.measure(default_count=g.measure_col is None)
    return g.planned(g.plan(group_by=[GroupBy(column=dc, bucket=g.bucket)], measures=[m], headline="table"), "trend")


@shape("number ranges")
def number_ranges(g: Grounded) -> Planned | None:
    """"age ranges 0-18, 18-30": rows counted per range of a number."""
    rng = re.findall(r"(\d+(?:\.\d+)?)\s*(?:-|to)\s*(\d+(?:\.\d+)?)", g.q)
    if not (rng and g.numeric_hits and
            re.search(r"\b(range|ranges|bucket|buckets|band|bands|group|groups|bracket|brackets)\b", g.q)):
        return None
    edges = sorted({float(x) for pair in rng for x in pair})
    plan = g.plan(buckets=Buckets(column=g.numeric_hits[0].column, edges=edges), measures=[Measure(agg="count")],
                  headline="table")
    return g.planned(plan, "table")


@shape("count distinct")
def count_distinct(g: Grounded) -> Planned | None:
    if not (g.how_many and g.distinct):
        return None
    target = g.text_hits[0].column if g.text_hits else (g.chits[0].column if g.chits else None)
    if target is None:
        raise CannotAnswer("Distinct values of which column?")
    return g.planned(g.plan(measures=[Measure(agg="count_distinct", column=target)], headline="value"), "value")


def _who(g: Grounded) -> bool:
    """The question asks for a row (a person, a record), not a group."""
    who = re.search(r"^(who|whom)\b|\bwhich (employee|person|people|customer|one|row|record|staff|worker|member|"
                    r"student|user)\b", g.q)
    if who and who.group(0).startswith("which") and any(same(stem(who.group(2)), stem(w))
                                                        for c in g.t.texts() for w in words(c)):
        return False  # "which customer" where Customer is a column: a group, not a row
    return bool(who)


@shape("superlative")
def superlative(g: Grounded) -> Planned | None:
    """Which group / who / top k by a number."""
    if not g.direction or g.how_many:
        return None
    desc = g.direction == "max"
    count_like = bool(re.search(r"\b(most|least|fewest) (common|frequent|popular|often|usual)\b", g.q)) or (
        g.measure_col is None and re.search(r"\b(most|fewest|least)\b", g.q))
    headline = "label" if g.k == 1 else "list"
    who = _who(g)
    if g.group_col and not who:
        m = Measure(agg="count") if count_like or g.measure_col is None else Measure(
            agg=g.agg if g.agg in ("sum", "avg", "median", "min", "max") else default_agg(g.measure_col),
            column=g.measure_col)
        # ties kept: "which X has the most" names every X that shares the top value
        plan = g.plan(group_by=[GroupBy(column=g.group_col)], measures=[m], order=[Order(by=alias_of(m), desc=desc)],
                      limit=g.k, ties=True, headline=headline)
        return g.planned(plan, headline)
    if g.measure_col is None:
        raise CannotAnswer("Highest or lowest by which number?")
    if not who and g.k == 1 and (g.agg in ("max", "min") or re.match(r"^(what|what's|whats)\b", g.q)):
        return g.planned(g.plan(measures=[Measure(agg=g.direction, column=g.measure_col)], headline="value"), "value")
    label = label_column(g.t)
    cols = [c for c in [label, g.measure_col] if c]
    plan = g.plan(select=cols, order=[Order(by=g.measure_col, desc=desc)], limit=g.k, ties=True,
                  filters=g.filters + [Filter(column=g.measure_col, op="not_null")], headline=headline)
    return g.planned(plan, "rows" if label else "value", focus="label" if who else "measure")


@shape("grouped")
def grouped(g: Grounded) -> Planned | None:
    """"by X", "per X", "compare ... across X"."""
    if not (g.group_col and re.search(r"\b(by|per|each|every|across|compare|comparison|breakdown|split)\b", g.q)):
        return None
    m = g.measure(default_count=g.measure_col is None)
    if g.how_many and g.measure_col and not _counts_a_measure(g):
        m = Measure(agg="count")
    return g.planned(_ordered(g, m, GroupBy(column=g.group_col)), "table")


@shape("compared values")
def compared_values(g: Grounded) -> Planned | None:
    """"compare East and West": the named values side by side."""
    compared = [c for c, vals in g.by_col.items() if len(vals) >= 2]
    if not (compared and re.search(r"\b(compare|comparison|versus|vs|against|difference)\b", g.q)):
        return None
    m = g.measure(default_count=g.measure_col is None)
    return g.planned(_ordered(g, m, GroupBy(column=compared[0])), "table")


def _counts_a_measure(g: Grounded) -> bool:
    """'how many units' sums Units Sold; 'how many orders' counts rows."""
    from .grounding import counts_a_measure

    return bool(g.measure_col) and counts_a_measure(g.q, g.measure_col)


@shape("how many")
def how_many(g: Grounded) -> Planned | None:
    from .grounding import plural_mention

    if not g.how_many:
        return None
    if _counts_a_measure(g):
        return g.planned(g.plan(measures=[Measure(agg="sum", column=g.measure_col)], headline="value"), "value")
    if g.text_hits and not g.row_noun and plural_mention(g.q, g.text_hits[0].column):
        m = Measure(agg="count_distinct", column=g.text_hits[0].column)
        return g.planned(g.plan(measures=[m], headline="value"), "value")
    return g.planned(g.plan(measures=[Measure(agg="count")], headline="value"), "count")


@shape("list values")
def list_values(g: Grounded) -> Planned | None:
    """"list the suppliers", "what are the regions": the distinct values of a column."""
    if not (g.text_hits and not g.measure_col and not g.vhits
            and re.search(r"^(list|show|name|what are|which are|give)\b", g.q)):
        return None
    c = g.text_hits[0].column
    plan = g.plan(select=[c], distinct_rows=True, order=[Order(by=c, desc=False)], limit=1000,
                  filters=g.filters + [Filter(column=c, op="not_null")], headline="list")
    return g.planned(plan, "list")


@shape("lookup")
def lookup(g: Grounded) -> Planned | None:
    """A row found by a key value, another column of it (one row: with two keys named, which one the question
    is after is for another shape to say)."""
    key_hits = [v for v in g.vhits if g.t.distinct_ratio(v.column) >= 0.8]
    if not key_hits or g.agg is not None or len(g.by_col[key_hits[0].column]) > 1:
        return None
    key = key_hits[0].column
    targets = [h.column for h in g.chits if h.column not in g.value_cols and h.column != key]
    if not targets:
        return None
    return g.planned(g.plan(select=[key, targets[0]], limit=50, headline="value"), "lookup")


@shape("aggregate")
def aggregate(g: Grounded) -> Planned | None:
    if g.measure_col:
        return g.planned(g.plan(measures=[g.measure()], headline="value"), "value")
    if g.agg in ("min", "max") and g.date_hits:
        m = Measure(agg=g.agg, column=g.date_hits[0].column)
        return g.planned(g.plan(measures=[m], headline="value"), "value")
    return None


@shape("count per group")
def count_per_group(g: Grounded) -> Planned | None:
    if not g.group_col:
        return None
    return g.planned(_ordered(g, Measure(agg="count"), GroupBy(column=g.group_col)), "table")


@shape("filtered count")
def filtered_count(g: Grounded) -> Planned | None:
    if not (g.filters and (g.row_noun or g.vhits)):
        return None
    return g.planned(g.plan(measures=[Measure(agg="count")], headline="value"), "count", score=g.score - 1)
