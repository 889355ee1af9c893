"""Question shapes: small rules, each proposing a plan from a grounded question (or None when it does not fit).

Registered in `SHAPES` in the order they were written for: when several fit, the planner prefers one whose
plan accounts for every content word of the question, then the earlier rule (core/planning/offline.py).
A rule may raise CannotAnswer to say what the question lacks for its shape ("highest by which number?").
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ..errors import CannotAnswer
from ..plan import ROW, Buckets, Compute, Filter, GroupBy, Measure, Order, Plan, Relative, SameAs, Streak, Test, Unpivot
from ..sections import SECTION_COLUMN
from .grounding import (
    DIMENSION_WORD,
    KIND_COUNT,
    KIND_NOUNS,
    PERIOD_OF,
    PERIODLY_AVERAGE,
    Grounded,
    ValueHit,
    alias_of,
    chart_positions,
    compared_dimension,
    counted_head,
    counted_id,
    default_agg,
    dimension_column,
    family_column,
    game_nouns,
    label_column,
    not_a_quantity,
    sheet_place,
    title_column,
    where_column,
    year_column,
)
from .model import Planned
from .sequence import anchor_side, asking_sentence, named_row
from .words import ADDITIVE, MONTHS, ORDINALS, ROW_NOUNS, STOP, TITLED, norm, same, stem, words

Shape = Callable[[Grounded], Planned | None]
SHAPES: list[tuple[str, Shape]] = []
# "how many consecutive titles", "games in a row": a run of rows, which a count of the rows does not answer
STREAK_WORDS = re.compile(r"\b(consecutive|consecutively|successive|in a row|straight|streak)\b")
# "the same year as X": the other rows sharing X's value, which X's own value does not answer
SAME_AS = re.compile(r"\bsame ([a-z][\w'-]*) (?:as|that)\b")
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


YES_NO = re.compile(r"^(is|are|does|do|did|was|were|has|have|can)\b")
MORE_THAN = re.compile(r"\b(more|less|fewer|higher|lower|greater|larger|bigger|smaller)\b(.*?)\bthan\b")


@shape("yes/no")
def yes_no(g: Grounded) -> Planned | None:
    if not YES_NO.match(g.q):
        return None
    more = MORE_THAN.search(g.q)
    pair = next(((c, vals) for c, vals in g.by_col.items() if len(vals) >= 2), None)
    if pair and _either(g) and not more:
        return None  # "did Lord Finesse or Buckwild produce it?" asks which, not whether
    if more and pair:
        at = {v.value: v.start for v in g.vhits if v.column == pair[0]}  # "A more than B": A is the one named first
        c, (a, b) = pair[0], sorted(pair[1], key=lambda v: at.get(v, 0))[:2]
        if not g.measure_col and g.t.distinct_ratio(c) >= 0.8 or g.measure_col and _ranklike(g.measure_col):
            return None  # one row each: counting them compares nothing; a "higher" rank is a smaller number
        if not MORE[more.group(1)]:
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
    if (beats := _than_any_other(g)) is not None:
        return beats
    if g.measure_col and re.search(r"\bany\b", g.q) and not _compared(g):
        # "did Campaign 05 get any link clicks?": rows with more than none of them
        more_than_none = g.filters + [Filter(column=g.measure_col, op="gt", value=0)]
        return g.planned(g.plan(filters=more_than_none, test=Test(kind="any"), headline="bool"), "bool")
    return g.planned(g.plan(test=Test(kind="any"), headline="bool"), "bool")


THAN_ANY_OTHER = re.compile(r"\b(more|less|fewer|higher|lower|larger|smaller|greater|bigger)\b.+\bthan (?:any|every|all) "
                            r"(?:of the )?others?\b")


def _than_any_other(g: Grounded) -> Planned | None:
    """"did A have more test takers than any other school?": A's value above the largest of every other row's
    (a table with one row per name; with repeated names, totals or single rows would be two readings)."""
    m = THAN_ANY_OTHER.search(g.q)
    if not (m and g.measure_col and len(g.by_col) == 1):
        return None
    c, vals = next(iter(g.by_col.items()))
    if len(vals) != 1 or g.t.distinct_ratio(c) < 0.999:
        return None
    a, more = vals[0], m.group(1) not in ("less", "fewer", "lower", "smaller")
    mine = Measure(agg="max", column=g.measure_col, where=[Filter(column=c, value=a)], alias=str(a))
    others = Measure(agg="max" if more else "min", column=g.measure_col, where=[Filter(column=c, op="ne", value=a)],
                     alias="highest of the others" if more else "lowest of the others")
    rest = [f for f in g.filters if f.column != c]
    plan = g.plan(filters=rest, measures=[mine, others] if more else [others, mine], test=Test(kind="more"),
                  headline="bool")
    return g.planned(plan, "bool")


CHOICE_OR = re.compile(r"\w[\"')]?,?\s+or\s+\w")


def _either(g: Grounded) -> bool:
    """The question names two or more values joined by "or" ("A or B", "A, B, or C")."""
    return bool(CHOICE_OR.search(g.question)) and any(len(v) >= 2 for v in g.by_col.values())


SHARE_OF_NOUN = re.compile(r"\b(?:share|percent|percentage|proportion|fraction)\s+of\s+(?:the\s+|all\s+)*([a-z]+)")


def _share_of_rows(g: Grounded) -> bool:
    """"what fraction of claims were rejected" with a Claimed amount column: the noun names what a row is and
    reaches the number column only loosely (claims, claimed), so rows are counted, not the amount summed."""
    m = SHARE_OF_NOUN.search(g.q)
    if not (m and g.measure_col):
        return False
    noun = stem(m.group(1))
    rows = noun in ROW_NOUNS or noun in {stem(w) for w in words(g.t.label + " " + g.t.file)}
    col = [stem(w) for w in words(g.measure_col) if w not in STOP]
    said = [w for w in g.qw if any(same(stem(w), c) for c in col)]
    # "percentage of all medals" with a Total column the noun does not name: the medals are the total's
    return rows and noun not in col and any(same(noun, c) for c in col) and all(stem(w) == noun for w in said)


@shape("share")
def share(g: Grounded) -> Planned | None:
    if not re.search(r"\b(share|percent|percentage|proportion|fraction)\b|%", g.q):
        return None
    where = [f for f in g.filters if f.column in g.value_cols]
    rest = [f for f in g.filters if f.column not in g.value_cols]
    # an id or a year labels rows: "share of tasks" counts them, never sums "T-01"
    quantity = g.measure_col if g.measure_col and not not_a_quantity(g.t, g.measure_col) else None
    quantity = None if _share_of_rows(g) else quantity
    measure = None if _compared(g) else quantity  # "visits that cost more than 250": visits counted
    if where and measure != quantity:
        return None  # "of Cardiology visits cost more than 250": which condition is the whole is not clear
    if len(where) > 1:
        # "of students in 10C got a B": the condition named last is the part, the ones before it the whole
        at = {v.column: v.start for v in reversed(g.vhits)}
        named = sorted(where, key=lambda f: at.get(f.column, 0))
        where, rest = named[-1:], rest + named[:-1]
    m = Measure(agg="share", column=measure, where=where)
    if where:
        agg = "sum" if measure else "count"
        extra = [Measure(agg=agg, column=measure, where=where, alias="part"),
                 Measure(agg=agg, column=measure, alias="whole")]
        return g.planned(g.plan(filters=rest, measures=[m] + extra, headline="value"), "share")
    if g.group_col and g.direction:  # "which ethnicity has the least percentage": the group at that end
        headline = "label" if g.k == 1 else "list"
        plan = g.plan(group_by=[GroupBy(column=g.group_col)], measures=[m], filters=rest, limit=g.k, ties=True,
                      order=[Order(by=alias_of(m), desc=g.direction == "max")], headline=headline)
        return g.planned(plan, headline)
    if g.group_col:
        return g.planned(_ordered(g, m, GroupBy(column=g.group_col), filters=rest), "table")
    return None


@shape("trend")
def trend(g: Grounded) -> Planned | None:
    if not (g.bucket and g.t.dates() and TREND.search(g.q)) or PERIODLY_AVERAGE.search(g.q):
        return None  # "the average daily rainfall": one number, not one per day
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
    if (kinds := _kinds_counted(g)) is not None:  # "how many different asset types": Type, not Asset Tag
        return g.planned(g.plan(measures=[Measure(agg="count_distinct", column=kinds)], headline="value"), "value")
    after = re.search(r"\b(?:distinct|different|unique)\s+([a-z][\w']*)", g.q)
    named = _column_named(g, after.group(1)) if after else None  # "unique customers": Customer ID
    if after and named is None and after.group(1) not in STOP and not _noun_hit(g, after.group(1)):
        # "how many different organisations have we funded": the noun counted names no column; a column named
        # by another word (Funder, by "funded") is not what is counted (we are the funder; they were funded)
        raise CannotAnswer(f"Which column holds the {after.group(1)}?")
    target = named or (g.text_hits[0].column if g.text_hits else (g.chits[0].column if g.chits else None))
    if target is None:
        raise CannotAnswer("Distinct values of which column?")
    _distinct_countable(g, target)
    return g.planned(g.plan(measures=[Measure(agg="count_distinct", column=target)], headline="value"), "value")


def _noun_hit(g: Grounded, noun: str) -> bool:
    """A column hit sits on the noun (by a synonym or a family word: "countries" for Nation), or a named column's
    words hold it ("ads (by Ad Name)")."""
    at = [i for i, w in enumerate(g.qw) if w == noun]
    held = any(noun in ws or noun[:-1] in ws for h in g.chits if (ws := words(h.column)))
    return held or any(h.position in at for h in g.chits) or family_column(stem(noun), g.t) is not None


def _distinct_countable(g: Grounded, col: str) -> None:
    """Distinct cells count distinct things only when a cell holds one: cells listing several ("Hassam\nDesmond
    Kenner", "Wai-fong / Ching-lan", a "Runner(s)-up" column) or numbers ("0\n1" games started) would be counted
    wrong."""
    cells = [str(v) for vs in g.t.values.values() for c, v in vs if c == col]
    if "(s)" in col or any("\n" in v or " / " in v for v in cells):
        raise CannotAnswer(f"Cells of {col} hold several values each: how many of what?")
    if cells and sum(bool(re.fullmatch(r"[\d.,\s]+", v)) for v in cells) >= 0.5 * len(cells):
        raise CannotAnswer(f"{col} holds numbers: the number of different values, or their total?")


def _who(g: Grounded) -> bool:
    """The question asks for a row (a person, a record), not a group."""
    who = re.search(r"^(who|whom)\b|\bwhich (employee|person|people|customer|one|row|record|staff|worker|member|"
                    r"student|user)\b", g.q)
    if who and who.group(0).startswith("which") and any(same(stem(who.group(2)), stem(w))
                                                        for c in g.t.texts() for w in words(c)):
        return False  # "which customer" where Customer is a column: a group, not a row
    return bool(who)


TOP_ROW = re.compile(r"\b(highest|lowest|top|best|worst|most|least)[- ]?(?:paid|earning|rated|scoring|priced|ranked)?"
                     r"\s+(person|employee|staff|worker|member|customer|student|player|individual|one)\b")


def _row_with_top(g: Grounded) -> bool:
    """"the school with the lowest score": a row (what one row of the table is) picked by a number."""
    from ..coverage import row_entities

    m = re.search(r"\bthe ([a-z]+) with the (?:highest|lowest|largest|smallest|most|least|best|worst|top)\b", g.q)
    return bool(m) and stem(m.group(1)) in (row_entities(g.t) or {stem(w) for w in ROW_NOUNS})


@shape("value of the top row")
def value_of_top_row(g: Grounded) -> Planned | None:
    """"What department does the lowest-paid person work in?": another column of the row at the top or bottom."""
    if not g.direction or not g.measure_col or g.how_many or not (TOP_ROW.search(g.q) or _row_with_top(g)):
        return None
    target = _asked_column(g)
    if target is None or target == g.measure_col or words(target)[-1] in ("id", "code", "no", "key"):
        return None  # "what dept": a Department_ID is a code, the department's name is in another table
    plan = g.plan(select=[g.measure_col, target], order=[Order(by=g.measure_col, desc=g.direction == "max")],
                  limit=1, ties=True, filters=g.filters + [Filter(column=g.measure_col, op="not_null")],
                  headline="value")
    return g.planned(plan, "value")


WHICH_PERIOD = re.compile(r"^(?:which|what|in which|in what)\s+(month|year|quarter|week|day)\b")


# --- periods laid out as columns ("Jan. 2020", "Feb. 2020", ...) ------------------------------------------------
MONTH_NAMES = list(MONTHS)[:12]  # january ... december
PERIOD_COLUMN = re.compile(r"^([a-z]{3,9})\.?(?:[\s\-']+((?:19|20)\d\d))?$")
QUARTER = re.compile(r"\bq([1-4])\b|\b(first|second|third|fourth) quarter\b")
ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}
MONTHLY_AVERAGE = re.compile(r"\bmonthly\b|\b(?:per|a|each|every) month\b")
PERIOD_NAME, PERIOD_VALUE = "Month", "Value"


def period_columns(t) -> dict[str, tuple[int, int | None]]:
    """Number columns each named by a month, with or without a year ("Jan. 2020" -> (1, 2020)), when three or
    more of a table's columns are: months laid out as columns, each a value of one thing."""
    out = {}
    for c in t.numeric():
        m = PERIOD_COLUMN.match(norm(c))
        if m and (name := next((n for n in MONTH_NAMES if n.startswith(m.group(1))), None)):
            out[c] = (MONTHS[name], int(m.group(2)) if m.group(2) else None)
    return out if len(out) >= 3 else {}


def _period_span(g: Grounded, cols: dict[str, tuple[int, int | None]]) -> list[str] | None:
    """The period columns the question's year and quarter name (every one when it names neither); None when
    it names a year no column (nor the table) carries, several years, or a month of its own."""
    years = {int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", g.q)}
    if len(years) > 1 or any(w in MONTHS and w != "may" for w in g.qw):
        return None
    keep = dict(cols)
    if years:
        (year,) = years
        carried = {y for _, y in cols.values() if y is not None}
        if carried:
            keep = {c: my for c, my in cols.items() if my[1] == year}
        elif str(year) not in g.t.label:
            return None
    if (q := QUARTER.search(g.q)):
        n = int(q.group(1)) if q.group(1) else ORDINAL[q.group(2)]
        keep = {c: my for c, my in keep.items() if (my[0] - 1) // 3 + 1 == n}
    return list(keep) or None


def _sums_over_time(g: Grounded) -> bool:
    """The question's figure adds up over months (a total, or a flow such as sales or spend)."""
    return g.agg == "sum" or any(w in ADDITIVE or stem(w) in ADDITIVE for w in g.qw)


def months_as_rows(g: Grounded) -> Planned | None:
    """"Q4 2019 sales of department stores", "average monthly sales in 2020", "which month had the highest sales":
    a table whose columns are months read with those columns as rows (Month, Value) for the named rows."""
    cols = period_columns(g.t)
    named_rows = [c for c in g.by_col if c != SECTION_COLUMN]  # the rows whose months are read
    if not cols or g.how_many or not named_rows or any(h.column in cols for h in g.chits):
        return None
    other = [h for h in g.numeric_hits if h.column not in cols]
    span = _period_span(g, cols)
    if other or span is None or len(span) < 2 or any(f.column in cols for f in g.filters):
        return None
    if PERIOD_NAME in g.t.dtypes or PERIOD_VALUE in g.t.dtypes or not _sums_over_time(g):
        return None
    if SECTION_COLUMN in g.t.dtypes and SECTION_COLUMN not in g.by_col:
        # a row named in each stacked block ("NOT ADJUSTED", "ADJUSTED"): the question does not say which
        raise CannotAnswer(f"'{g.t.label}' stacks blocks of rows ({SECTION_COLUMN}): which one?")
    as_number = any(c in g.t.text_numbers for c in span)
    total = Measure(agg="sum", column=PERIOD_VALUE, as_number=as_number, alias="total")
    unpivot = Unpivot(columns=span, name=PERIOD_NAME, value=PERIOD_VALUE)
    if WHICH_PERIOD.match(g.q) and g.direction and g.agg in (None, "sum"):
        plan = g.plan(unpivot=unpivot, group_by=[GroupBy(column=PERIOD_NAME)], measures=[total],
                      order=[Order(by="total", desc=g.direction == "max")], limit=g.k, ties=True,
                      headline="label" if g.k == 1 else "list")
        return g.planned(plan, "label" if g.k == 1 else "list")
    if g.direction:
        return None
    if g.agg == "avg" and MONTHLY_AVERAGE.search(g.q):
        filled = Filter(column=PERIOD_VALUE, op="not_null", as_number=as_number)
        months = Measure(agg="count_distinct", column=PERIOD_NAME, where=[filled], alias="months")
        plan = g.plan(unpivot=unpivot, measures=[total, months], headline="value",
                      compute=[Compute(alias="monthly average", op="div", left="total", right="months")])
        return g.planned(plan, "value")
    if g.agg in (None, "sum"):
        return g.planned(g.plan(unpivot=unpivot, measures=[total], headline="value"), "value")
    return None




@shape("which period")
def which_period(g: Grounded) -> Planned | None:
    """"Which month had the highest ad spend?": the measure per period of the date column, the top period."""
    m = WHICH_PERIOD.match(g.q)
    if m and m.group(1) == "month" and g.direction and (by_columns := months_as_rows(g)) is not None:
        return by_columns  # months laid out as columns
    if not m or not g.direction or not g.t.dates() or g.how_many:
        return None
    dc = g.date_hits[0].column if g.date_hits else g.date_col
    measure = g.measure(default_count=g.measure_col is None)
    plan = g.plan(group_by=[GroupBy(column=dc, bucket=m.group(1))], measures=[measure],
                  order=[Order(by=alias_of(measure), desc=g.direction == "max")], limit=g.k, ties=True,
                  headline="label" if g.k == 1 else "list")
    return g.planned(plan, "label" if g.k == 1 else "list")


# "the second highest", "the 3rd largest": the rows with the n-th value from that end
NTH = re.compile(r"\b(second|third|fourth|fifth|2nd|3rd|4th|5th)[- ](?:highest|lowest|largest|smallest|most|least|fewest|"
                 r"biggest|greatest|best|worst|top|longest|shortest|tallest|farthest|furthest|fastest|slowest|oldest|"
                 r"youngest)\b")


SUPERLATIVE_NOUN = re.compile(r"\b(?:highest|lowest|largest|smallest|biggest|greatest|best|worst|top|longest|"
                              r"shortest|tallest|oldest|youngest)\s+([a-z][\w']*)")


def _superlative_of_rows(g: Grounded) -> str | None:
    """"the largest city by area": the text column the noun after the superlative names, its rows ranked by the
    measure; None when the noun names the measure or no text column."""
    m = SUPERLATIVE_NOUN.search(g.q)
    col = _column_named(g, m.group(1)) if m and m.group(1) not in STOP else None
    ok = col and col != g.measure_col and g.t.dtypes.get(col) == "text" and col not in g.value_cols
    return col if ok else None


def nth_from_end(rule: Shape) -> Shape:
    """A superlative rule read at the n-th value when the question says "second highest": the same plan with the
    first n-1 values skipped (ties kept, so every row sharing the n-th value); a plan that is one aggregate ("the
    highest score") is no n-th row, so no reading."""
    def read(g: Grounded) -> Planned | None:
        p = rule(g)
        m = NTH.search(g.q)
        if p is None or m is None:
            return p
        n = ORDINALS.get(m.group(1)) or int(re.match(r"\d", m.group(1)).group(0))
        plan = p.plan
        if len(plan.measures) == 1 and plan.measures[0].agg in ("max", "min") and not (plan.group_by or plan.order):
            # "what is the second largest population?": the value itself, read from the ordered rows
            m0 = plan.measures[0]
            plan = plan.model_copy(update={"measures": [], "select": [m0.column], "limit": 1, "ties": True,
                                           "order": [Order(by=m0.column, desc=m0.agg == "max", as_number=m0.as_number)],
                                           "filters": [*plan.filters, Filter(column=m0.column, op="not_null")]})
        if not (plan.order and plan.limit == 1 and plan.ties) or plan.offset:
            return None
        return replace(p, plan=plan.model_copy(update={"offset": n - 1}))
    read.__doc__ = rule.__doc__
    return read


# "rank the regions by sales", "sort them by cost, largest first": every group in order, not the top one
RANK_ALL = re.compile(r"^(?:please\s+)?(?:rank|sort|order)\b|\b(?:biggest|largest|highest|smallest|lowest|most|"
                      r"least|fewest)\s+(?:one\s+|ones\s+)?first\b")


@shape("superlative")
@nth_from_end
def superlative(g: Grounded) -> Planned | None:
    """Which group / who / top k by a number."""
    if not g.direction or g.how_many or (every := g.k == 1 and bool(RANK_ALL.search(g.q))) and not g.group_col:
        return None  # "rank the teams by points" (`every`): all the groups in order, never all the rows
    if g.k > 1 and any(f.op in ("ne", "not_in") and f.column in {v.column for v in g.vhits} for f in g.filters):
        return None  # "the other artist in the top two besides X": two counted with X or without? either reads
    desc = g.direction == "max"
    # "the fewest invoices" with an Invoice Number column: a count of rows, not the average of an id
    counts = g.measure_col is None or not_a_quantity(g.t, g.measure_col)
    count_like = bool(re.search(r"\b(most|least|fewest) (common|frequent|popular|often|usual)\b", g.q)) or (
        counts and re.search(r"\b(most|fewest|least)\b", g.q))
    headline = "label" if g.k == 1 and not every else "list"
    who = _who(g)
    if who and (per := _who_groups(g, bool(count_like))) is not None:
        g, who = replace(g, group_col=per), False  # "who has the most tasks": a count per person
    if g.group_col and g.measure_col and re.search(r"\b(single|individual)\b", g.q):
        # "which customer got the single largest invoice": one row's own value, not a total per customer
        plan = g.plan(select=[g.group_col, g.measure_col], order=[Order(by=g.measure_col, desc=desc)], limit=g.k,
                      ties=True, distinct_rows=True, filters=g.filters + [Filter(column=g.measure_col, op="not_null")], headline=headline)
        return g.planned(plan, headline)
    if not who and (rate := _flagged_rate(g, desc, headline)) is not None:
        return rate
    if g.group_col and not who:
        m = _group_measure(g, count_like)
        # ties kept: "which X has the most" names every X that shares the top value; rows without an X are no X
        plan = g.plan(group_by=[GroupBy(column=g.group_col)], measures=[m], order=[Order(by=alias_of(m), desc=desc)],
                      limit=None if every else g.k, ties=not every, headline=headline,
                      filters=g.filters + [Filter(column=g.group_col, op="not_null")])
        return g.planned(plan, headline)
    if g.measure_col is None:
        raise CannotAnswer("Highest or lowest by which number?")
    row_named = _superlative_of_rows(g)  # "what is the second largest city by area": a city, not an area
    # "what was the highest ...", also after a leading phrase ("prior to 2007, what was ..."): the value itself
    if not who and g.k == 1 and not row_named and (
            g.agg in ("max", "min") or re.search(r"(?:^|[,;] )(what|what's|whats)\b", g.q)):
        # the cell as written ("6th", "$2.3 billion"), not the number read; a chart's place ("7" beside "—") is a number
        if g.measure_col in g.t.text_numbers and not chart_positions(g.q, g.measure_col, g.t):
            plan = g.plan(select=[g.measure_col], order=[Order(by=g.measure_col, desc=desc)], limit=1, ties=True,
                          filters=g.filters + [Filter(column=g.measure_col, op="not_null")], headline="value")
            return g.planned(plan, "value")
        return g.planned(g.plan(measures=[Measure(agg=g.direction, column=g.measure_col)], headline="value"), "value")
    asked = None if who else _asked_column(g) or row_named  # "on which date was the game with the most ...": the Date
    label = asked if asked and asked != g.measure_col and asked not in g.value_cols else label_column(g.t)
    cols = [c for c in [_somebody(g, who, label), g.measure_col] if c]
    # a name on several rows tied at the top ("who has the highest rate" on weekly rows) is one answer, once
    once = bool(label) and g.t.distinct_ratio(label) < 0.999
    if who and once and g.t.distinct_ratio(label) < NAMES_GROUPS and default_agg(g.measure_col) == "sum" \
            and not re.search(r"\b(single|individual|one|entry|row)\b", g.q):
        # "who worked the fewest hours" over weekly rows: their total, or their one fewest week?
        raise CannotAnswer(f"The {'most' if desc else 'fewest'} {g.measure_col} in total per {label}, or in one row?")
    plan = g.plan(select=cols, order=[Order(by=g.measure_col, desc=desc)], limit=g.k, ties=True, distinct_rows=once,
                  filters=g.filters + [Filter(column=g.measure_col, op="not_null")], headline=headline)
    return g.planned(plan, "rows" if label else "value", focus="label" if who else "measure")


def _group_measure(g: Grounded, count_like: bool) -> Measure:
    """What ranks the groups of "which team has the most ...": their rows counted, or the number measured."""
    if count_like:
        return Measure(agg="count")
    if g.measure_col is None:
        raise CannotAnswer("Highest or lowest by which number?")  # "the largest result": not a count
    agg = g.agg or (g.direction if _ranks_places(g) else None)  # "the highest chart position": a group's best place
    repeats = g.t.distinct_ratio(g.group_col) < 0.999  # one row per group: total = average = best row
    if agg is None and default_agg(g.measure_col) == "avg" and repeats:
        # "which team did the most laps": the total, the average or the best row? the question does not say
        raise CannotAnswer(f"The most {g.measure_col} in total, on average, or in one row?")
    return Measure(agg=agg if agg in ("sum", "avg", "median", "min", "max") else default_agg(g.measure_col),
                   column=g.measure_col)


def _ranks_places(g: Grounded) -> bool:
    """The measure is a place in a ranking or on a chart, whose best a group reached is its one best row."""
    from .grounding import place_column

    return g.measure_col == place_column(g.t) or chart_positions(g.q, g.measure_col, g.t)


def _somebody(g: Grounded, who: bool, label: str | None) -> str | None:
    """The column naming the row asked for; "who had the most errors" where rows are labelled by a Pick ID: an id
    is nobody, so no row's id answers."""
    if who and label and g.t.roles.get(label) == "id":
        raise CannotAnswer(f"'Who' asks for a person, and the rows of '{g.t.label}' are labelled by {label}.")
    return label


def _flagged_rate(g: Grounded, desc: bool, headline: str) -> Planned | None:
    """"which category has the highest return rate": the share of each category's rows flagged yes."""
    flag = next((f for f in g.filters if f.column in g.value_cols and f.column not in g.by_col), None)
    if not (g.group_col and flag and g.measure_col is None and re.search(r"\brates?\b", g.q)):
        return None
    m = Measure(agg="share", where=[flag], alias="rate")
    plan = g.plan(group_by=[GroupBy(column=g.group_col)], measures=[m], order=[Order(by="rate", desc=desc)],
                  limit=g.k, ties=True, headline=headline, filters=[f for f in g.filters if f is not flag]
                  + [Filter(column=g.group_col, op="not_null")])
    return g.planned(plan, headline)


NAMES_GROUPS = 0.8  # below this share of different values, a column's names group rows (a person's weeks)


def _who_groups(g: Grounded, count_like: bool) -> str | None:
    """"who has the most tasks", "who worked the most hours overall" where a person has several rows: the column
    to count or total per person (the one the question names, else the name column), not one row's value; None
    when each row is its own person or the question asks for no count and no total."""
    named = [c for c in [g.group_col, *(h.column for h in g.chits), label_column(g.t)]
             if c and g.t.dtypes.get(c) == "text" and c not in g.value_cols]
    # a column of one row each ("Task" for "tasks") names what is counted, not the person it is counted for; a
    # column of names nearly all different ("Full Name" with two Ana Lees) names people, one row each
    col = next((c for c in named if g.t.distinct_ratio(c) < NAMES_GROUPS), None)
    if col is None:
        return None
    if count_like and (g.measure_col is None or not_a_quantity(g.t, g.measure_col)):
        return col
    return col if g.measure_col and g.agg in ("sum", "avg", "median") else None


@shape("grouped")
def grouped(g: Grounded) -> Planned | None:
    """"by X", "per X", "compare ... across X"."""
    if not (g.group_col and re.search(r"\b(by|per|each|every|across|compare|comparison|breakdown|split)\b", g.q)):
        return None
    if _over_rows(g) or _per_entity_average(g):
        return None
    if (unit := _average_per_period(g)) is not None:
        raise CannotAnswer(f"The average {g.measure_col} per {unit}: over the rows (each one {unit}'s figure), "
                           f"the average {unit}'s total, or one average for each {g.group_col}?")
    m = g.measure(default_count=g.measure_col is None)
    if g.how_many and g.measure_col and not _counts_a_measure(g):
        m = Measure(agg="count")
    return g.planned(_ordered(g, m, GroupBy(column=g.group_col)), "table")


TIME_UNITS = {"period", "day", "week", "fortnight", "month", "quarter", "year", "season", "term", "semester", "shift"}
GROUPS_ASKED = re.compile(r"\b(each|every|by|across|compare|comparison|breakdown|split|which|list|show)\b")


def _average_per_period(g: Grounded) -> str | None:
    """"the average gross pay per period" where periods repeat over rows: "X per period" is a rate, so one
    number is asked for, but the rows' average and the average period's total differ; a table of one average
    per period answers neither. The unit word, or None when groups are asked for or the rows are the periods."""
    m = re.search(r"\bper\s+(?:the\s+)?([a-z]+(?:\s+[a-z]+)?)\b", g.q)
    if not (m and g.agg == "avg" and g.measure_col and g.group_col) or GROUPS_ASKED.search(g.q):
        return None
    named = [stem(w) for w in m.group(1).split() if any(same(stem(w), stem(c)) for c in words(g.group_col))]
    unit = next((w for w in named if w in TIME_UNITS), None)
    if unit is None or default_agg(g.measure_col) == "avg" and g.t.roles.get(g.measure_col) not in ("money", "count"):
        return None  # "average yield per season": a yield adds up to no season's total, so per season groups
    return unit if g.t.distinct_ratio(g.group_col) < 0.999 else None


def _over_rows(g: Grounded) -> bool:
    """"the average score across schools", "test takers per school" in a table with one row per school: the
    figure over the rows, not one group per row."""
    if g.t.distinct_ratio(g.group_col) < 0.999 or g.measure_col is None:
        return False
    cw = "|".join(re.escape(w) for w in words(g.group_col) if w not in STOP)
    return bool(cw) and bool(re.search(rf"\b(across|per)\s+(?:all\s+|the\s+)?({cw})", g.q))


@shape("compared values")
def compared_values(g: Grounded) -> Planned | None:
    """"compare East and West": the named values side by side."""
    compared = [c for c, vals in g.by_col.items() if len(vals) >= 2]
    # "the difference between A and B" asks for one number, which a side-by-side table does not give
    if not (compared and re.search(r"\b(compare|comparison|versus|vs|against)\b", g.q)) \
            or re.search(r"\bdifference\b", g.q):
        return None  # "the difference between the average on A vs B": one number, the gap
    m = g.measure(default_count=g.measure_col is None)
    return g.planned(_ordered(g, m, GroupBy(column=compared[0])), "table")


def _counts_a_measure(g: Grounded) -> bool:
    """'how many units' sums Units Sold; 'how many orders' counts rows."""
    from .grounding import counts_a_measure

    return bool(g.measure_col) and counts_a_measure(g.q, g.measure_col, g.t)


@shape("how many")
def how_many(g: Grounded) -> Planned | None:
    from .grounding import plural_mention

    if not g.how_many or STREAK_WORDS.search(g.q) or _per_entity_average(g):
        return None
    if (qty := _sold_quantity(g)) is not None:
        return g.planned(g.plan(measures=[Measure(agg="sum", column=qty)], headline="value"), "value")
    if (kinds := _kinds_counted(g)) is not None:
        return g.planned(g.plan(measures=[Measure(agg="count_distinct", column=kinds)], headline="value"), "value")
    if _counts_a_measure(g):
        # "the average number of test takers": the average of the column, not its total
        agg = g.agg if g.agg in ("avg", "median") and re.search(r"\b(average|mean|median)\s+number of\b", g.q) \
            else "sum"
        return g.planned(g.plan(measures=[Measure(agg=agg, column=g.measure_col)], headline="value"), "value")
    if (ident := counted_id(g.q, g.t)) is not None:  # "how many purchase orders" over order lines: distinct PO Numbers
        return g.planned(g.plan(measures=[Measure(agg="count_distinct", column=ident)], headline="value"), "value")
    if g.text_hits and not g.row_noun and plural_mention(g.q, g.text_hits[0].column, g.t):
        _distinct_countable(g, g.text_hits[0].column)
        _each_row_compared(g, g.text_hits[0].column)
        m = Measure(agg="count_distinct", column=g.text_hits[0].column)
        return g.planned(g.plan(measures=[m], headline="value"), "value")
    if _rows_or_values(g) or _one_named_row(g) or _container_named(g):
        return None
    return g.planned(g.plan(measures=[Measure(agg="count")], headline="value"), "count")


def _each_row_compared(g: Grounded, col: str) -> None:
    """"how many tests took longer than 48 hours" over samples (a Test column whose values repeat, a Turnaround per
    row): the rows over 48 (tests taken) or the different tests with any row over 48? Two readings; with one row
    per value, they are the same."""
    compared = [f for f in g.filters if f.op in ("gt", "gte", "lt", "lte", "between") and f.column != col
                and g.t.dtypes.get(f.column) in ("integer", "number", "duration")]
    if compared and g.t.distinct_ratio(col) < 1:
        raise CannotAnswer(f"The number of rows matching, or of different {col} values with a matching row?")


def _kinds_counted(g: Grounded) -> str | None:
    """"number of asset types" with a Type column: its different values; None when the question counts no kinds,
    CannotAnswer when no one text column of repeating values is named by the kind word (a count of rows would
    count the things, not their kinds)."""
    m = KIND_COUNT.search(g.q)
    if not m:
        return None
    kind, whose = KIND_NOUNS[m.group(2)], {stem(w) for w in (m.group(1), m.group(3)) if w}
    cols = [c for c in g.t.texts() if g.t.dtypes[c] == "text" and kind in words(c)]
    named = [c for c in g.t.texts() if g.t.dtypes[c] == "text" and any(same(stem(w), x) for w in words(c) for x in whose)]
    if len(cols) > 1:  # "asset types" among Asset type and Contract type: the one the other noun names
        cols = [c for c in cols if c in named]
    elif not cols:  # "how many kinds of status": the different values of the column the noun names
        cols = named
    if len(cols) != 1 or cols[0] in g.by_col or g.t.distinct_ratio(cols[0]) >= 1:
        raise CannotAnswer(f"No one column of '{g.t.label}' holds the {m.group(2)} asked about: how many of what?")
    _distinct_countable(g, cols[0])
    return cols[0]


SOLD = re.compile(r"\b(sold|sell|sells|selling|bought|buy|ordered|order|purchased|purchase|shipped|ship)\b")


def _sold_quantity(g: Grounded) -> str | None:
    """"how many tiramisus did we sell" on sales lines with a Qty column: the things counted are a value's
    (Tiramisu), and each line sells Qty of them, so their total, not the number of lines."""
    from .grounding import COUNTED, quantity_column

    m = COUNTED.search(g.q)
    if g.measure_col is not None or not m or not SOLD.search(g.q[m.end(1):]):
        return None
    noun = m.group(1)
    named = {norm(str(v)) for vals in g.by_col.values() for v in vals}
    if not named & {noun, noun[:-1], noun[:-2], stem(noun)}:
        return None
    return quantity_column(g.t)


def _rows_or_values(g: Grounded) -> bool:
    """"how many events did she take part in" with an Event column whose values repeat: her rows (entries) or
    the different events? Two readings, so no count of rows on its own."""
    if not g.row_noun or stem(g.row_noun) not in ROW_NOUNS:
        return False
    return any(g.t.distinct_ratio(h.column) < 1 and any(same(stem(g.row_noun), stem(w)) for w in words(h.column))
               for h in g.text_hits)


def _container_named(g: Grounded) -> bool:
    """"how many districts in Saint Lucia have ..." where Saint Lucia is a value of District, whose values are
    one per row: the named value holds the things counted (a total row, a country), it is not one of them, so
    a count of the rows where District is Saint Lucia answers another question."""
    from .grounding import COUNTED

    m = COUNTED.search(g.q)
    noun = stem(m.group(1)) if m else ""
    return bool(noun) and any(f.op == "eq" and f.column in g.by_col and g.t.distinct_ratio(f.column) >= 0.8
                              and any(same(noun, stem(w)) for w in words(f.column)) for f in g.filters)


def _one_named_row(g: Grounded) -> bool:
    """"how many people can Holm Park hold": the only conditions name one row by a column of unique names, so a
    count of rows is 1 by construction; the question is after a number of that row, not a count."""
    if not g.filters or re.search(r"\b(how many|number of) times\b", g.q):
        return False  # "how many times was there a score of W 9-1": occurrences, which may well be one
    plural = {v.column for v in g.vhits if stem(" ".join(g.qw[v.start:v.end])) != " ".join(g.qw[v.start:v.end])}
    return all(f.op == "eq" and f.column in g.by_col and f.column not in plural and g.t.dtypes.get(f.column) == "text"
               and g.t.distinct_ratio(f.column) >= 0.8 and _held_once(g, f) for f in g.filters)


def _held_once(g: Grounded, f: Filter) -> bool:
    """The filter's value is in one row only (the profile's counts; values past its top list are rarer still)."""
    top = g.t.profiles.get(f.column, {}).get("top") or []
    counts = {str(v): n for v, n in top}
    return counts[str(f.value)] == 1 if str(f.value) in counts else bool(top) and top[-1][1] == 1


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
    # a value the question excludes ("other than Italy") is no key
    # a key column names its rows; a value held by one row only names that row too ("their award at X festival")
    key_hits = [v for v in g.vhits if v.column in g.by_col and (g.t.distinct_ratio(v.column) >= 0.8 or any(
        f.op == "eq" and f.column == v.column and str(f.value) == str(v.value) and _held_once(g, f) for f in g.filters))]
    if not key_hits or g.agg is not None or len(g.by_col[key_hits[0].column]) > 1 or SAME_AS.search(g.q):
        return None
    key = key_hits[0].column
    targets = [h.column for h in g.chits if h.column not in g.value_cols and h.column != key]
    if not targets or g.how_many and g.t.dtypes[targets[0]] not in ("integer", "number"):
        return None  # "how many players ranked above X" is no cell of a text column
    if g.how_many and (_container_named(g) or any(f.column == targets[0] and f.op in ("gt", "gte", "lt", "lte")
                                                  for f in g.filters)):
        return None  # "how many districts in X have over 10,000 people": a count, not X's population
    if len(_fully_named(g)) >= 2 and (HOW_MUCH_MORE.search(g.q) or "difference" in g.qw):
        return None  # "how much higher in Germany than Poland": two cells compared, not one cell read
    return g.planned(g.plan(select=[key, targets[0]], limit=50, headline="value"), "lookup")


# --- "X per Y": one number column's total over another's -------------------------------------------------------
RATIO_OPERATOR = re.compile(r"\s+(?:per|divided by)\s+|\s*/\s*")
CLAUSE_MARK = re.compile(r"[(),;:]")


def _column_words(c: str) -> list[str]:
    """A column name's words, names written as one word split ("LinkClicks" -> link, click), stemmed."""
    return [stem(w) for w in words(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(c))) if w not in STOP]


def _named_exactly(phrase: list[str], t) -> str | None:
    """The one number column whose name is these words, all of them and nothing else ("website purchases" ->
    WebsitePurchases, not Total Website Purchases); None when no column or several are."""
    ps = [stem(w) for w in phrase]
    found = [c for c in t.numeric() if (cw := _column_words(c)) and len(cw) == len(ps)
             and all(any(same(a, b) for b in ps) for a in cw) and all(any(same(b, a) for a in cw) for b in ps)]
    return found[0] if len(found) == 1 else None


def _run(ws: list[str], known: set[str]) -> list[str]:
    """The words from the start of ws that all name something in column names (a noun phrase's words)."""
    out = []
    for w in ws:
        if w in STOP or stem(w) not in known:
            break
        out.append(w)
    return out


def named_ratio(g: Grounded) -> Measure | None:
    """"cost per website purchase", "link clicks / impressions", "purchase value divided by cost": the total of
    the column named before the operator over the total of the column named after it, when each phrase names
    exactly one number column and no column is named by the whole phrase ("CPC (Cost per Click)")."""
    m = RATIO_OPERATOR.search(g.q)
    if not m or len(RATIO_OPERATOR.findall(g.q)) != 1:
        return None
    known = {w for c in g.t.dtypes for w in _column_words(c)}
    head, tail = CLAUSE_MARK.split(g.q[: m.start()])[-1], CLAUSE_MARK.split(g.q[m.end():])[0]
    before = list(reversed(_run(list(reversed(words(head))), known)))
    after = _run(words(tail), known)
    num, den = _named_exactly(before, g.t), _named_exactly(after, g.t)
    if not num or not den or num == den:
        return None
    # a column named by words of both sides ("CPC (Cost per Click)") may hold the figure row by row: which one?
    both = [c for c in g.t.numeric() if c not in (num, den) and (cw := _column_words(c))
            and any(same(w, stem(b)) for w in cw for b in before) and any(same(w, stem(a)) for w in cw for a in after)]
    if both:
        return None
    return Measure(agg="ratio", column=num, denominator=den, alias=f"{num} per {den}")


@shape("aggregate")
def aggregate(g: Grounded) -> Planned | None:
    if (both := total_of_two_columns(g)) is not None:
        return both  # "how many gold and silver medals": two columns added
    if not g.direction and (over_months := months_as_rows(g)) is not None:
        return over_months  # "Q4 sales", "the monthly average" over months laid out as columns
    if not (g.direction or g.how_many or g.agg) and (ratio := named_ratio(g)) is not None:
        return g.planned(g.plan(measures=[ratio], headline="value"), "value")
    if g.measure_col and not g.agg and not_a_quantity(g.t, g.measure_col):
        return None  # "how many years ...": the total or average of a year column answers nothing
    if g.measure_col and _numbered_siblings(g):
        return None  # "the total of runs" with Run 1 ... Run 4: which one, or all of them?
    if _per_entity_average(g):
        return None  # "the average units per order" over order lines: not the average line
    counted = re.search(r"\b(?:how many|number of)\s+([a-z]+)", g.q)
    if g.measure_col and g.how_many and counted and not any(same(stem(counted_head(g.q, counted)), stem(w))
                                                              for w in words(g.measure_col)):
        return None  # "how many parties got fewer than 5,000 votes": parties are counted, votes compared
    if g.measure_col and g.how_many and g.agg is None:
        # "how many students were enrolled": the column's total when it holds the count; an average counts nothing
        if _counts_a_measure(g):
            return g.planned(g.plan(measures=[Measure(agg="sum", column=g.measure_col)], headline="value"), "value")
        if default_agg(g.measure_col) == "avg":
            return None
    if g.measure_col:
        return g.planned(g.plan(measures=[g.measure()], headline="value"), "value")
    if g.agg in ("min", "max") and g.date_hits:
        m = Measure(agg=g.agg, column=g.date_hits[0].column)
        return g.planned(g.plan(measures=[m], headline="value"), "value")
    return None


def _numbered_siblings(g: Grounded) -> bool:
    """The question names the measure column as it names another, told apart only by a number ("Run 1", "Run 2")."""
    def base(c: str) -> str:
        return re.sub(r"[\s._#-]*\d+$", "", norm(c)).strip()
    return any(h.column != g.measure_col and base(h.column) == base(g.measure_col) for h in g.numeric_hits)


@shape("count per group")
def count_per_group(g: Grounded) -> Planned | None:
    if not g.group_col or g.direction:  # "the least ...": a superlative, which its own rule reads (or declines)
        return None
    if (m := IN_TIME.search(g.q)) and _time_column(g, m.group(1)):
        return None  # "which single was released first": the earliest, not the most rows
    if not (g.how_many or COUNT_CUE.search(g.q) or GROUP_CUE.search(g.q)):
        return None  # "which athlete took first place?" asks no count: rows per athlete answer nothing
    return g.planned(_ordered(g, Measure(agg="count"), GroupBy(column=g.group_col)), "table")


# what asks for a count of rows per group: a count word, or rows broken down by a group ("orders by region")
COUNT_CUE = re.compile(r"\b(?:counts?|counted|numbers?|times|often|frequen\w*|tally|tallies|breakdown|distribution)\b")
GROUP_CUE = re.compile(r"\b(?:by|per|each|every|across)\b")


@shape("filtered count")
def filtered_count(g: Grounded) -> Planned | None:
    if not (g.filters and (g.row_noun or g.vhits)) or _rows_or_values(g) or _one_named_row(g) or _container_named(g) \
            or STREAK_WORDS.search(g.q) or g.how_many and _sold_quantity(g):
        return None
    return g.planned(g.plan(measures=[Measure(agg="count")], headline="value"), "count", score=g.score - 1)


# --- rows by their place, their neighbours, or one number -------------------------------------------------------
RANK_WORDS = {"rank", "ranking", "place", "placement", "position", "pos", "seed", "standing", "no", "number"}
PLACE_OF = re.compile(r"\b(first|last) (place|position)\b|\b(ranked|ranks|ranking|finished|came in|placed|came|"
                      r"place|placed) (first|last)\b")
NEXT_WORDS = {"next": 1, "after": 1, "following": 1, "then": 1, "subsequent": 1, "succeeding": 1,
              "before": -1, "previous": -1, "preceding": -1, "prior": -1}
PLACE_WORDS = {"above": -1, "below": 1, "ahead": -1, "behind": 1, "on top of": -1}
# "ranked above X", "finished behind X": a place next to X's; "above 20" is a comparison, not a place
# "what nationality is on top of French Navy?": the row above it ("on top of the list" is the sheet's first row)
PLACE_NEXT_TO = re.compile(r"\b(above|below|ahead|behind|on top of)\b(?!\s+\$?\d)"
                           r"(?!\s+(?:the\s+|this\s+)?(?:list|table|chart|page|sheet|listing)\b)")
MORE = {"more": True, "higher": True, "larger": True, "longer": True, "bigger": True, "greater": True,
        "less": False, "fewer": False, "lower": False, "smaller": False, "shorter": False}


def _column_named(g: Grounded, noun: str) -> str | None:
    """The column the noun names; for a work no column is named for ("song", "film"), the Title column."""
    noun = stem(noun)
    cols = [c for c in g.t.dtypes if any(same(noun, stem(w)) for w in words(c))]
    # "tasks" beside Task ID and Task: the column the noun names whole, before one it names a part of
    named = min(cols, key=lambda c: len([w for w in words(c) if w not in STOP]), default=None)
    return named or (title_column(g.t) if noun in TITLED else None)


LIST_ASK = re.compile(r"^(?:list|name|show|give me|tell me)\s+(?:me\s+)?(?:all\s+)?(?:of\s+)?(?:the\s+)?(.+?)"
                      r"(?:\s+(?:who|that|which|whose|with|in|for|from|where|of)\b|[?.,]|$)")


def _asked_column(g: Grounded) -> str | None:
    """The column named by the noun the question asks for ("which album ...", "what is the name of the
    courthouse ...", "list the invoice numbers for ..."), if one is."""
    if g.q.startswith("where ") and (where := where_column(g.t)) and where not in g.value_cols \
            and any(h.column == where for h in g.chits):
        return where  # "where was the last game held?": the Venue
    if named := _name_of(g):
        return named
    # "on which date ...", "in what year ...": the column after the preposition's question word
    m = re.match(r"^(?:(?:on|in|at|during|for|from)\s+)?(what|which|who)\s+(?:(?:is|was|are|were)\s+)?(?:the\s+)?"
                 r"(?:name\s+of\s+(?:the\s+)?)?([a-z][\w']*)", g.q)
    if m and m.group(1) == "who" and not re.match(r"^who\s+(is|was|are|were)\b", g.q):
        return None  # "who ranked above X": a verb ("ranked"), not the noun of a column asked for
    if m:
        if m.group(2) in STOP:
            return None
        # "which game date ...": a noun naming no column before one that does is the compound's first part
        # ("which school opened last?": a verb after the noun, "opened", is no second part)
        after = re.match(r"\s+([a-z][\w']*)(?<!ed)\b", g.q[m.end():])
        return _column_named(g, m.group(2)) or (_column_named(g, after.group(1)) if after and after.group(1) not in
                                                  STOP and stem(m.group(2)) in ROW_NOUNS | {stem(g.row_noun or "")} else None)
    m = LIST_ASK.match(g.q)
    if not m:
        return None
    phrase = [w for w in words(m.group(1)) if w not in STOP]
    head = phrase[-1] if phrase else ""
    named = next((c for w in reversed(phrase) if (c := _column_named(g, w)) and c not in g.value_cols), None)
    if named or not head:
        return named
    return _the_names(g) if stem(head) in ROW_NOUNS else None  # "list the employees ...": their names


NAME_OF = re.compile(r"^(?:(?:what|which)\s+(?:is|was|are|were)\s+|(?:give|tell)\s+me\s+)?(?:the\s+)?names?\s+of\s+"
                     r"(?:the\s+)?([a-z][\w']*)")


def _name_of(g: Grounded) -> str | None:
    """"name of the youngest member", "what is the name of the member who ...": the column of names, not the
    Age or Member ID a word after it names (a number or an id is no name); None when the noun names a column of names itself
    ("the name of the courthouse") or the table has no column called a name."""
    m = NAME_OF.match(g.q)
    if m is None:
        return None
    after = re.findall(r"[a-z][\w']*", g.q[m.start(1):])[:3]
    said = [w for w in after[:next((i for i, w in enumerate(after) if w in STOP), len(after))]]
    cols = [c for w in said if (c := _column_named(g, w))]
    label = label_column(g.t)
    # "the name of the first category": a column of text the phrase names is what is asked
    if not any(g.t.dtypes.get(c) == "text" and not _codes(g, c) for c in cols) and label and "name" in words(label) and label not in g.value_cols:
        return label
    return None


def _ranklike(column: str) -> bool:
    """Rank-like columns read "higher" as a smaller number: a comparison on them is not a plain order."""
    return any(stem(w) in RANK_WORDS for w in words(column))


# "which performance was last on this album?": first or last said after the noun, of a place in what holds the rows
END_AFTER = re.compile(r"^(?:which|what)\s+([a-z][\w']*)\s+(?:is|was|are|were|comes|came|appears|appeared)\s+"
                       r"(first|last)\s+(?:on|in)\s+(?:the|this)\s+[a-z]")
TOP_NOUN = re.compile(r"\b(top|bottom)\s+([a-z][\w']*)\s+(?:in|on|of)\b")


def _sheet_end(g: Grounded) -> tuple[str, str] | None:
    """(first or last, the noun it is said of): "the first song", "which song was last on the album", "the top state
    in the table" (top and bottom only where the sheet is named: sheet_place)."""
    if m := END_AFTER.match(g.q):  # "which team was last in attendance": the fewest, not the last row
        return (m.group(2), m.group(1)) if not g.numeric_hits else None
    if m := re.search(r"\b(first|last)\s+(?:one\s+)?to\s+[a-z]", g.q):
        return m.group(1), ""  # "which venue was the first to have over 30,000 attendees": no noun after it
    if m := re.search(r"\b(first|last|final)\s+([a-z][\w']*)", g.q):
        return m.group(1), m.group(2)
    if sheet_place(g.q) and (m := TOP_NOUN.search(g.q)):
        return ("first" if m.group(1) == "top" else "last"), m.group(2)
    return None


def _opens_value(g: Grounded, word: str) -> bool:
    """"the first vinyl LP release": the word after first/last begins a value the question names whole (a filter
    on its column), so the first row is the first of the rows holding it."""
    return any(f.op in ("eq", "contains") and f.column in g.by_col and str(f.value) in map(str, g.by_col[f.column])
               and words(str(f.value))[:1] == [word] for f in g.filters)


@shape("sheet order")
def sheet_order(g: Grounded) -> Planned | None:
    """"the first song on this album", "the last single listed", "who is on top of the list?": a row by its place
    in the sheet, when the word after first/last names a text column (otherwise "first" may mean earliest or best by
    a number); in time when the question names a time or says one ("released first", "the latest")."""
    if not SHEET_CUES.search(g.q) and (timed := first_or_last_in_time(g)) is not None:
        return timed  # "which was opened first?", "the latest target date": a place in time, not in the sheet
    m = _sheet_end(g)
    place = sheet_place(g.q)  # "who is on top of the list?"
    if not (m or place) or g.how_many or g.agg or g.direction or PLACE_OF.search(g.q):
        return None
    noun = _column_named(g, m[1]) if m and m[1] else None
    noun = noun if noun and g.t.dtypes.get(noun) == "text" and noun not in g.value_cols else None
    # "the first vinyl LP release", "where was the last game held?" (a game is what a row is): the first or last row
    # of those kept, read in the column asked for
    valued = noun is None and bool(m and m[1]) and (_opens_value(g, m[1]) or stem(m[1]) in game_nouns(g.t))
    if noun is None and not place and (not m or m[1]) and not valued:
        return None
    asked = _asked_column(g)  # "the release date of the first single": the first single's Release date
    asked = asked if asked and asked != noun and asked not in g.value_cols else None
    if valued and asked is None:
        return None  # "the first vinyl LP release" names no column: which of its cells is asked for is not said
    fallback = _row_label(g) if place and not m or place and re.match(r"^(who|whom)\b", g.q) else None
    target = asked or noun or fallback
    if target is None:
        return None
    cols = [c for c in (noun, target) if c] if target != noun else [target]
    plan = g.plan(select=cols, order=[Order(by=ROW, desc=(place or m[0]) != "first")], limit=1,
                  filters=g.filters + [Filter(column=target, op="not_null")] + _holding_a_number(g, cols),
                  headline="value")
    return g.planned(plan, "value")


def _holding_a_number(g: Grounded, used: list[str]) -> list[Filter]:
    """"the last single to be on the NZ charts": the rows holding a number in the one number column the question
    names and nothing else reads (a marker such as "—" is none); none when two columns are named alike."""
    nums = [h for h in g.chits if _numbers_or_dashes(g.t, h.column) and h.column not in used
            and not any(f.column == h.column for f in g.filters)]
    best = [h for h in nums if h.score == max(x.score for x in nums)]
    if len({h.column for h in best}) != 1:
        return []
    col = best[0].column
    return [Filter(column=col, op="not_null", as_number=g.t.dtypes.get(col) not in ("integer", "number"))]


NUMBER_OR_DASH = re.compile(r"\s*(?:\d[\d,.]*|[—–-]+)\s*")


def _numbers_or_dashes(t, col: str) -> bool:
    """A number column, or a text one whose cells are numbers or dashes for none ("34", "—": chart peaks)."""
    if t.dtypes.get(col) in ("integer", "number"):
        return True
    vals = [str(v) for v in t.value_lists.get(col) or []]
    return bool(vals) and all(NUMBER_OR_DASH.fullmatch(v) for v in vals) and any(re.search(r"\d", v) for v in vals)


@shape("next or previous row")
def neighbour(g: Grounded) -> Planned | None:
    """"the next album after Kitty Wells", "which ship was in service before the Yamal": the row next to a named
    row in sheet order."""
    # "ranked above X" is the row before it in the sheet; "above 20" is a comparison, not a place
    steps = [NEXT_WORDS[w] for w in g.qw if w in NEXT_WORDS] + [
        PLACE_WORDS[m.group(1)] for m in PLACE_NEXT_TO.finditer(g.q)]
    anchors = named_row(g, [(c, vals) for c, vals in g.by_col.items() if len(vals) == 1])
    if len(set(steps)) != 1 or len(anchors) != 1 or g.how_many or g.agg or _named_order(g):
        return None  # "ranked above X" with a Rank column: that column's order, not the sheet's
    if "top" in g.qw and not re.search(r"\bon top of\b", g.q):
        return None  # "the top scorer after X": a number's top, which the row next to X does not answer
    col, (value,) = anchors[0]
    target = _asked_column(asking_sentence(g)) or col  # "which ship ... before the Yamal": a ship, like the anchor
    # "X won in 2010. Who won the next year?": 2010 is said of X's row, not of the row asked for
    mine, rest = anchor_side(g, col, [f for f in g.filters if f.column != col])
    anchor = [Filter(column=col, value=value), *mine]
    run = target == col and not mine and g.t.distinct_ratio(col) < 0.999
    if rest or run:
        # "which Willy DeVille album came after X", "who was head coach after X" (X over several seasons): the
        # nearest row past X's that meets the other conditions, or holds another value of X's column
        keep = rest + ([Filter(column=col, op="ne", value=value)] if run else [])
        past = SameAs(anchor=anchor, columns=[ROW], op="gt" if steps[0] > 0 else "lt")
        plan = g.plan(filters=keep, same_as=past, order=[Order(by=ROW, desc=steps[0] < 0)], limit=1, select=[target],
                      headline="value")
        return g.planned(plan, "value")
    plan = g.plan(relative=Relative(anchor=anchor, step=steps[0]), filters=rest, select=[target], headline="value")
    return g.planned(plan, "value")


@shape("which of the named")
def which_of_named(g: Grounded) -> Planned | None:
    """"who had more losses, SU Agen or RC Toulonnais?": the named rows compared on a number."""
    more = [MORE[w] for w in g.qw if w in MORE]
    named = [(c, vals) for c, vals in g.by_col.items() if len(vals) >= 2]
    if len(set(more)) != 1 or len(named) != 1 or not g.measure_col or _ranklike(g.measure_col) or g.how_many:
        return which_of_two(g)  # "which is taller, A or B", "the larger laps, 1963 or 1968"
    if YES_NO.match(g.q) and "than" in g.qw:
        return None  # "did A have a higher box office than B?" asks whether, not which
    col = named[0][0]
    plan = g.plan(select=[col, g.measure_col], order=[Order(by=g.measure_col, desc=more[0])], limit=1, ties=True,
                  filters=g.filters + [Filter(column=g.measure_col, op="not_null")], headline="label")
    return g.planned(plan, "label")


@shape("rows matching")
def rows_matching(g: Grounded) -> Planned | None:
    """"who was the only athlete to throw more than 18 meters?": the rows the filters keep, by their label."""
    # a number column that labels rows ("Invoice Number") is what is listed, not a measure
    measured = g.measure_col and not not_a_quantity(g.t, g.measure_col)
    if not g.filters or g.how_many or _asked_agg(g) or g.direction or measured and not _compared(g):
        return None
    if not re.match(r"^(?:(?:in|on|at|during|for|from)\s+(?=which|what))?(who|whom|which|what|name|list|show|give me|"
                    r"tell me)\b", g.q):
        return None  # "in what year did she take first place?": the Year of the rows kept
    asked = _asked_column(g)
    target = asked or (_the_names(g) if g.q.startswith("who") else None)
    if target is None or target in {f.column for f in g.filters}:
        return None  # "which album had more, A or B": the answer is one of the named values, not a list
    if not asked and all(f.op == "eq" and g.t.distinct_ratio(f.column) >= 0.8 for f in g.filters):
        return None  # "who created T-03?": the row is named by its key; its other name says nobody who did it
    one = re.search(r"\b(only|single|sole)\b", g.q) or re.match(r"^(who|which \w+|what \w+) (is|was)\b", g.q) \
        or _one_place(g)
    # a name kept on several rows ("Away Field" for each of its games) is listed once
    plan = g.plan(select=[target], filters=g.filters + [Filter(column=target, op="not_null")], limit=None if one else 1000,
                  headline="value" if one else "list", distinct_rows=g.t.distinct_ratio(target) < 0.999)
    return g.planned(plan, "value" if one else "list")


def _asked_agg(g: Grounded) -> str | None:
    """The question's aggregate, unless its word is the name of a column the question compares ("below 38 total
    points" with a Total column: the row's own Total, not a sum)."""
    from .grounding import AGG_PATTERNS

    if g.agg is None:
        return None
    said = {m.group(0) for pat, a in AGG_PATTERNS if a == g.agg for m in re.finditer(pat, g.q)}
    compared = [f.column for f in g.filters if f.op in ("gt", "gte", "lt", "lte", "eq") and f.column == g.measure_col]
    named = {w for c in compared for w in words(c)}
    if said and said <= named and len(re.findall("|".join(said), g.q)) == 1 or _row_total(g, said, compared):
        return None
    return g.agg


def _row_total(g: Grounded, said: set[str], compared: list[str]) -> bool:
    """"which coach had greater than 700 total wins?": the aggregate word sits between the compared number and the
    column's own word, and every row names a different one of what is asked for, so a row's number is its total."""
    if g.agg != "sum" or len(said) != 1 or len(compared) != 1:
        return False
    word = next(iter(said))
    own = "|".join(re.escape(w) for w in words(compared[0]) if w not in STOP)
    between = re.search(rf"\d\s+{word}\s+(?:{own})\b", g.q) if own else None
    asked = _asked_column(g) or _the_names(g)
    return between is not None and len(re.findall(rf"\b{word}\b", g.q)) == 1 and asked is not None and \
        g.t.distinct_ratio(asked) >= 0.999


def _one_place(g: Grounded) -> bool:
    """"who came in first place?", "in what year did she finish 3rd?": one place of the table's column of places
    holds one row; two rows tied there are no one answer (the pipeline declines a value read from rows that
    differ)."""
    from .grounding import place_column, place_phrases

    col = place_column(g.t)
    return col is not None and len(place_phrases(g.q)) == 1 and any(
        f.column == col and f.op == "eq" for f in g.filters)


def _the_names(g: Grounded) -> str | None:
    """The one text column that names its rows ("who ...?"); None when several could (a driver and a team). "who"
    asks for people: a column of codes ("TCK-31271") names records, never who did something."""
    who = re.match(r"^(who|whom)\b", g.q)
    names = [c for c in g.t.texts() if g.t.dtypes[c] == "text" and g.t.distinct_ratio(c) >= 0.8
             and c not in g.value_cols and not (who and _codes(g, c))]
    return names[0] if len(names) == 1 else None


CODE = re.compile(r"[a-z]{0,6}[-_/#.]?\d[\w\-/.]*")


def _codes(g: Grounded, col: str) -> bool:
    """A column of codes or ids: its role, or most cells one token of letters and digits ("TCK-31271", "B-001")."""
    if g.t.roles.get(col) == "id":
        return True
    cells = {norm(str(v)) for vs in g.t.values.values() for c, v in vs if c == col}
    return bool(cells) and sum(bool(CODE.fullmatch(v)) for v in cells) >= 0.8 * len(cells)


def _compared(g: Grounded) -> bool:
    """The named number column is only a condition ("more than 18 meters"), or names what a compared share is of
    ("at most 2% of the votes"), not what is asked for."""
    from .grounding import share_base

    return any(f.column == g.measure_col and f.op in ("gt", "gte", "lt", "lte", "eq", "is_null") for f in g.filters) or \
        share_base(g.q, g.measure_col or "", g.filters)


@shape("which of the named matches")
def which_of_named_matches(g: Grounded) -> Planned | None:
    """"did Lord Finesse or Buckwild produce 'Ga Head'?": the named value whose rows meet the other conditions."""
    named = [c for c, vals in g.by_col.items() if len(vals) >= 2]
    if len(named) != 1 or not _either(g) or g.measure_col or g.how_many or len(g.filters) < 2:
        return None
    col = named[0]
    plan = g.plan(select=[col], distinct_rows=True, headline="value")
    return g.planned(plan, "value")


THAN = re.compile(r"\b(than|compared (to|with)|versus|vs)\b")


def _counts_rows_more(g: Grounded, m: re.Match | None) -> bool:
    """"how many more seasons was A head coach than B" (Season labels rows): rows are counted, as "how many
    seasons" counts them; "how many more points" with a Points column sums it."""
    from .grounding import counts_a_measure

    if not (m and m.group(0).startswith("how many") and m.group(1) in ("more", "fewer", "less")):
        return False
    q = g.q[:m.start()] + "how many" + g.q[m.end():]
    noun = stem((words(g.q[m.end():]) or [""])[0])  # "how many more bubas bison were released": a value, not rows
    if not g.measure_col:
        return g.row_noun is not None and same(noun, stem(g.row_noun))
    return any(same(noun, stem(w)) for w in words(g.measure_col)) and not counts_a_measure(q, g.measure_col, g.t)


HOW_MUCH_MORE = re.compile(r"\bhow (?:much|many) (higher|more|bigger|larger|greater|lower|less|smaller|fewer)\b")


@shape("gap between named values")
def gap_between_named(g: Grounded) -> Planned | None:
    """"How much higher is the average HR salary than the average Operations salary?": the measure for the first
    named value minus the measure for the second (the other way round for "lower", "less"); "the difference in
    points between A and B": the gap, whichever is larger."""
    m = HOW_MUCH_MORE.search(g.q)
    gap = re.search(r"\bdifference\b", g.q) and not m
    named = [c for c, vals in g.by_col.items() if len(vals) == 2]
    counted = _counts_rows_more(g, m)
    if not (m and THAN.search(g.q) or gap) or len(named) != 1 or not (g.measure_col or counted):
        return None
    col = named[0]
    a, b = [v.value for v in sorted((v for v in g.vhits if v.column == col), key=lambda v: v.start)][:2]
    if m and m.group(1) in ("lower", "less", "smaller", "fewer"):
        a, b = b, a
    agg = g.agg if g.agg in ("sum", "avg", "median", "min", "max") else default_agg(g.measure_col)
    if m and m.group(0).startswith("how many") and not g.agg:
        agg = "sum"  # "how many more wins": the totals, as "how many wins" sums Wins
    agg, measured = ("count", None) if counted else (agg, g.measure_col)
    ms = [Measure(agg=agg, column=measured, where=[Filter(column=col, value=v)], alias=str(v)) for v in (a, b)]
    plan = g.plan(filters=[f for f in g.filters if f.column != col], measures=ms, headline="value",
                  compute=[Compute(alias="difference", op="gap" if gap else "sub", left=str(a), right=str(b))])
    return g.planned(plan, "value")



def _fully_named(g: Grounded) -> list[str]:
    """The number columns every word of whose name the question says ("Poland", "Sudetendeutsch"), in the order
    the question names them."""
    qs = [stem(w) for w in g.qw]
    hits = [h for h in g.numeric_hits if h.column not in g.value_cols
            and all(any(same(stem(w), q) for q in qs) for w in words(h.column) if w not in STOP)]
    return [h.column for h in sorted(hits, key=lambda h: h.position)]


@shape("gap between named columns")
def gap_between_columns(g: Grounded) -> Planned | None:
    """"the difference between suicides in Poland and Sudetendeutsch": one row (named by a value of a column of
    unique names) read in two number columns, the gap between them; "how much higher is A than B": A minus B."""
    m = HOW_MUCH_MORE.search(g.q)
    if not (re.search(r"\bdifference\b", g.q) and not m or m and THAN.search(g.q)) or g.how_many and not m:
        return None
    cols = _fully_named(g)
    keys = [(c, vals) for c, vals in g.by_col.items() if len(vals) == 1]
    if len(cols) != 2 or len(keys) != 1 or len(g.filters) != 1 or g.t.distinct_ratio(keys[0][0]) < 0.999:
        return None  # one row only: with several, their totals or one row each would be two readings
    a, b = cols if not (m and m.group(1) in ("lower", "less", "smaller", "fewer")) else cols[::-1]
    ms = [Measure(agg="max", column=c, alias=c) for c in (a, b)]
    plan = g.plan(measures=ms, headline="value",
                  compute=[Compute(alias="difference", op="sub" if m else "gap", left=a, right=b)])
    return g.planned(plan, "value")


# --- runs of consecutive rows ------------------------------------------------------------------------------------
# "to start the season", "before they lost their first": a run from a given row, not the longest anywhere
RUN_FROM = re.compile(r"\b(start|starting|started|begin|beginning|began|open|opening|first|last|before|after|until|"
                      r"since|end|ending|current|final)\b")


@shape("streak")
def streak(g: Grounded) -> Planned | None:
    """"how many consecutive championships did Federbrau win": the longest run of rows, in sheet order, that all
    meet the question's conditions (values named, a game's outcome), as a count of rows."""
    if not STREAK_WORDS.search(g.q) or RUN_FROM.search(g.q) or not (g.how_many or re.search(r"\blongest\b", g.q)):
        return None
    if not g.filters or any(f.op not in ("eq", "in") or f.column not in g.value_cols for f in g.filters):
        return None  # a number compared or a period: which rows the run is over is another question
    if g.measure_col and not any(f.column == g.measure_col for f in g.filters):
        return None  # "how many consecutive points": a number of the rows, not a count of them
    plan = g.plan(filters=[], streak=Streak(where=g.filters), headline="value")
    return g.planned(plan, "value")


# --- other rows sharing a named row's value ----------------------------------------------------------------------


@shape("same as a named row")
def same_as_named(g: Grounded) -> Planned | None:
    """"which club entered competition the same year as Eltham?", "who was from the same country as Stowers?":
    the other rows whose column the noun after "same" names holds the named row's value there."""
    m = SAME_AS.search(g.q)
    if not m or g.how_many or g.agg or g.direction or len(g.filters) != 1 or len(g.by_col) != 1:
        return None
    key, vals = next(iter(g.by_col.items()))
    shared = _column_named(g, m.group(1)) or family_column(stem(m.group(1)), g.t) or _period_named(g, m.group(1), key)
    if len(vals) != 1 or shared is None or shared == key or g.t.distinct_ratio(key) < 0.8:
        return None  # the anchor is one row named by a column of names, the shared column another
    target = _asked_column(g) or (_the_names(g) if re.match(r"^(who|whom)\b", g.q) else None) or key
    if target == shared:
        return None
    one = re.match(r"^(who|which \w+|what \w+|what other \w+|which other \w+) (is|was|has|had)\b", g.q)
    plan = g.plan(filters=[Filter(column=target, op="not_null")], same_as=SameAs(anchor=g.filters, columns=[shared]),
                  select=[target], distinct_rows=True, limit=None if one else 1000, headline="value" if one else "list")
    return g.planned(plan, "value" if one else "list")


def _period_named(g: Grounded, noun: str, key: str) -> str | None:
    """"completed on the same day as X", "entered competition the same year as X": no column is named "day" or
    "year", so the one other column the question names that holds such periods (dates for a day, years for a
    year)."""
    def holds(c: str) -> bool:
        p = g.t.profiles.get(c, {})
        if noun in ("day", "date"):
            return g.t.dtypes[c] in ("date", "datetime") or g.t.dtypes[c] == "text" and bool(
                re.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", str(p.get("min", ""))))
        return noun == "year" and g.t.dtypes[c] == "integer" and 1800 <= (p.get("min") or 0) <= (p.get("max") or 0) <= 2100
    found = [h.column for h in g.chits if h.column != key and h.column not in g.value_cols and holds(h.column)]
    return found[0] if len(found) == 1 else None



# --- rows other than a named row, rows above or below a named row ------------------------------------------------
EXCLUDING = re.compile(r"\b(other than|besides|apart from|aside from|except(?: for)?|excluding|not counting)\b")
ASKS_ROWS = re.compile(r"(?:^|, )(what|which|who|name|list)\b")
PLURAL_ASK = re.compile(r"\b(are|were|list|all)\b")


@shape("rows other than a named one")
def other_than_named(g: Grounded) -> Planned | None:
    """"what other film is in Malayalam besides Koothara?", "other than the S3300, name one with ...": the rows
    meeting the question's other conditions, the named row left out, read in the column of the row left out (or
    the column asked for)."""
    if not (EXCLUDING.search(g.q) and ASKS_ROWS.search(g.q)) or g.how_many or g.agg or g.direction:
        return None
    left_out = [f for f in g.filters if f.op in ("ne", "not_in") and f.column in g.value_cols
                and f.column not in g.by_col]
    kept = [f for f in g.filters if f not in left_out]
    if len({f.column for f in left_out}) != 1 or not kept:
        return None  # nothing else asked of the rows: every other row would be the answer
    target = _asked_column(g) or left_out[0].column
    one = not PLURAL_ASK.search(g.q)
    plan = g.plan(select=[target], filters=g.filters + [Filter(column=target, op="not_null")],
                  limit=None if one else 1000, headline="value" if one else "list")
    return g.planned(plan, "value" if one else "list")


# "taller than X": the comparative and whether rows above (True) or below X's value are meant
BEYOND = re.compile(r"\b(more|less|fewer|higher|lower|greater|larger|bigger|smaller|taller|shorter|longer|heavier|"
                    r"lighter)\b(?:\s+[a-z][\w'-]*){0,4}?\s+than\s+(?!\$?\d)")
ABOVE = {"more", "higher", "greater", "larger", "bigger", "taller", "longer", "heavier"}


@shape("rows beyond a named row")
def beyond_named(g: Grounded) -> Planned | None:
    """"which player is taller than Andri Agantis?", "which circuit has less screens than Bow Tie Cinemas?": the
    other rows whose number is above (below) the named row's, the row named by a column of names."""
    m = BEYOND.search(g.q)
    if not (m and ASKS_ROWS.match(g.q)) or g.how_many or len(g.filters) != 1 or len(g.by_col) != 1:
        return None
    if g.agg not in (None, "sum"):
        return None  # "more on average than": groups' averages; one row's "total medals" is its own value
    key, vals = next(iter(g.by_col.items()))
    measure, above = g.measure_col, m.group(1) in ABOVE
    if measure is None and (dim := compared_dimension(g.qw, g.t)) is not None:
        measure, above = dim[0], dim[1] == "max"  # "taller than X": the one column of heights
    if len(vals) != 1 or g.t.distinct_ratio(key) < 0.8 or measure is None or _ranklike(measure):
        return None  # a rank's "higher" is a smaller number; several anchor rows would be several thresholds
    if g.t.dtypes.get(measure) not in ("integer", "number"):
        return None
    target = _asked_column(g) or (_the_names(g) if re.match(r"^(who|whom)\b", g.q) else None) or key
    if target == measure:
        return None
    one = not PLURAL_ASK.search(g.q)
    op = "gt" if above else "lt"
    # the asked column last for one answer (several rows that differ there are no one answer), first for a list
    plan = g.plan(select=[measure, target] if one else [target, measure], filters=[Filter(column=target, op="not_null")],
                  same_as=SameAs(anchor=g.filters, columns=[measure], op=op), limit=None if one else 1000,
                  headline="value" if one else "list")
    return g.planned(plan, "value" if one else "list")


def _told_apart(g: Grounded) -> list[str]:
    """The number columns the question names by the words that tell them apart ("math" and "critical reading"
    among "SAT Math Avg. Score", "SAT Critical Reading Avg. Score", "SAT Writing Avg. Score"), in the order the
    question names them."""
    cols = [h.column for h in g.numeric_hits if h.column not in g.value_cols]
    shared = set.intersection(*(set(map(stem, words(c))) for c in cols)) if cols else set()
    qs = [stem(w) for w in g.qw]
    found = []
    for c in cols:
        own = [stem(w) for w in words(c) if w not in STOP and stem(w) not in shared]
        at = [i for i, q in enumerate(qs) if any(same(w, q) for w in own)]
        if own and all(any(same(w, q) for q in qs) for w in own):
            found.append((min(at), c))
    return [c for _, c in sorted(found)]


@shape("gap between column figures")
def gap_between_column_figures(g: Grounded) -> Planned | None:
    """"Across schools, how much higher is the average math score than the average critical reading score?": one
    figure (the average, total, ...) of each of two number columns over the same rows, the first minus the
    second (the other way round for "lower", "less")."""
    m = HOW_MUCH_MORE.search(g.q)
    if not (m and THAN.search(g.q)) or g.by_col or g.how_many or g.agg not in ("sum", "avg", "median", "min", "max"):
        return None
    cols = _told_apart(g)
    if len(cols) != 2:
        return None
    a, b = cols if m.group(1) not in ("lower", "less", "smaller", "fewer") else cols[::-1]
    ms = [Measure(agg=g.agg, column=c, alias=c) for c in (a, b)]
    plan = g.plan(measures=ms, headline="value", compute=[Compute(alias="difference", op="sub", left=a, right=b)])
    return g.planned(plan, "value")


# --- the one row the conditions keep -----------------------------------------------------------------------------
ONLY = re.compile(r"\b(?:the|is|was|be) only (?:one )?([a-z][\w'-]*)")


@shape("the only matching row")
def only_matching(g: Grounded) -> Planned | None:
    """"which is the only team to have 9 wins?", "what is the only title listed for 1999?": the one row the
    question's conditions keep, read in the column the noun after "only" names (or, for what one row is, in the
    column naming the rows). Several rows kept is no answer: the pipeline declines a value read from rows that
    differ."""
    m = ONLY.search(g.q)
    if not m or not g.filters or g.how_many or _asked_agg(g) or g.direction or STREAK_WORDS.search(g.q):
        return None
    if g.measure_col and not not_a_quantity(g.t, g.measure_col) and not _compared(g):
        return None  # "the only X's score": a number of the row is asked, which other rules read
    target = _column_named(g, m.group(1)) or family_column(stem(m.group(1)), g.t) or _the_names(g)
    if target is None or target in {f.column for f in g.filters}:
        return None
    plan = g.plan(select=[target], filters=g.filters + [Filter(column=target, op="not_null")], headline="value")
    return g.planned(plan, "value")


# --- superlatives of a dimension: "the tallest building", "the fastest time" ------------------------------------
@shape("superlative of a dimension")
@nth_from_end
def dimension_superlative(g: Grounded) -> Planned | None:
    """"what is the tallest building?", "who had the fastest lap time?": the row at the end of the one column
    the adjective measures (height, length or time, distance), by its name."""
    m = DIMENSION_WORD.search(g.q)
    if not m or g.how_many or g.agg or g.direction:
        return None
    col, end = dimension_column(g.q, g.t) or (None, None)
    if col is None or any(h.column != col and h.column not in g.value_cols for h in g.numeric_hits):
        return None  # another number named besides: which one the adjective measures is not clear
    noun = _column_named(g, m.group(2)) if m.group(2) else None  # "the tallest building"; not "the fastest time"
    named = {stem(w) for w in words(col)}
    if noun != col and re.match(r"^what\b", g.q) and any(stem(w) in named for w in words(g.q[:m.start()])):
        # "what is the duration of the longest flight?": the column's own value at that row
        plan = g.plan(select=[col], order=[Order(by=col, desc=end == "max")], limit=1, ties=True, distinct_rows=True,
                      filters=g.filters + [Filter(column=col, op="not_null")], headline="value")
        return g.planned(plan, "value")
    # "which bike did the longest ride": the noun asked for names the answer; the noun after the adjective only
    # says what was measured (and may name another column by a near word: "ride" is no "rider_type")
    asked = _asked_column(g) if re.match(r"^(?:(?:on|in|at|for)\s+)?(which|what)\s+(?!is\b|was\b|are\b|were\b)", g.q) \
        else None
    target = asked or (noun if noun != col else None) or _asked_column(g) or _the_names(g)  # "the tallest building"
    if target is None or target == col or g.t.dtypes.get(target) != "text":
        return None
    plan = g.plan(select=[target, col], order=[Order(by=col, desc=end == "max")], limit=1, ties=True,
                  filters=g.filters + [Filter(column=col, op="not_null")], headline="label")
    return g.planned(plan, "label")


def _years(t, col: str) -> bool:
    """A whole-number column of years (1800 to 2100): "before" and "after" read in its order."""
    p = t.profiles.get(col, {})
    lo, hi = p.get("min"), p.get("max")
    return t.dtypes.get(col) == "integer" and lo is not None and hi is not None and 1800 <= lo and hi <= 2100


def _named_order(g: Grounded) -> tuple[str, int] | None:
    """(the year or rank column named, the step) of "in service before X", "ranked above X"; None otherwise."""
    steps = {NEXT_WORDS[w] for w in g.qw if w in NEXT_WORDS} | {
        PLACE_WORDS[m.group(1)] for m in PLACE_NEXT_TO.finditer(g.q)}
    place = PLACE_NEXT_TO.search(g.q)
    ranks = [c for c in g.t.numeric() if _ranklike(c)]
    # "finished behind X" names no column: the table's one column of places, never the sheet's order by chance
    col = g.measure_col or (ranks[0] if place and len(ranks) == 1 else None)
    if len(steps) != 1 or len(g.by_col) != 1 or len(g.filters) != 1 or g.how_many or g.agg or col is None:
        return None
    key, vals = next(iter(g.by_col.items()))
    if len(vals) != 1 or key == col or not (_ranklike(col) if place else _years(g.t, col) or _ranklike(col)):
        return None  # "above" is a place in a ranking; "before" a time, or a place ("ranked next after X")
    return (col, steps.pop()) if g.t.dtypes.get(col) in ("integer", "number") else None


@shape("neighbour in a named order")
def neighbour_by_named(g: Grounded) -> Planned | None:
    """"which ship was in service before the Yamal?", "who ranked above Mark Corrigan?": the row nearest a named
    row on the side the word picks, in the order of the year or rank column the question names (not the sheet's)."""
    found = _named_order(g)
    if found is None:
        return next_by_number(g)  # "after France, who has the next highest": the order of the number named
    col, step = found
    key = next(iter(g.by_col))
    # "who ranked below Bob Reyes?" asks for another name: the anchor's own column when it names its rows
    named_by_key = g.t.dtypes.get(key) == "text" and g.t.distinct_ratio(key) >= 0.8
    target = _asked_column(g) or (_the_names(g) if g.q.startswith("who") and not named_by_key else None) or key
    if target == col:
        return None  # the nearest value below the anchor's (a year before, a better rank) or above it
    beyond = SameAs(anchor=g.filters, columns=[col], op="lt" if step < 0 else "gt")
    if _asks_many(g.q) and not NEAREST.search(g.q):  # "which drivers finished ahead of X": every one of them
        plan = g.plan(select=[target, col], filters=[Filter(column=col, op="not_null")], same_as=beyond,
                      order=[Order(by=col, desc=False)], limit=1000, headline="list")
        return g.planned(plan, "list")
    plan = g.plan(select=[col, target], filters=[Filter(column=col, op="not_null")], same_as=beyond,
                  order=[Order(by=col, desc=step < 0)], limit=1, ties=True, headline="value")
    return g.planned(plan, "value")


NEAREST = re.compile(r"\b(right|directly|immediately|just|next)\b")
ASKED_NOUN = re.compile(r"^(?:which|what|name|list)\s+(?:the\s+|all\s+)?([a-z]+)\b")


def _asks_many(q: str) -> bool:
    """"which drivers ...", "list the teams ...": the question asks for rows, more than one (a plural noun)."""
    m = ASKED_NOUN.match(q)
    return bool(PLURAL_ASK.search(q) or m and not m.group(1).endswith("ss") and stem(m.group(1)) != m.group(1))


PER_ENTITY = re.compile(r"\b(?:average|mean|typical)\b.*\bper ([a-z]+)\b")
ID_NAME = re.compile(r"\b(?:id|number|no|num|code|key|ref|reference)\b")


def _per_entity_average(g: Grounded) -> bool:
    """"the average units per order" on order lines: the group is an id repeated over rows, so the question
    asks for one number (each order's total, averaged), not each order's average line."""
    if not (g.agg == "avg" and g.group_col and g.measure_col and PER_ENTITY.search(g.q)):
        return False
    if re.search(r"\b(each|every|by|which|list|show)\b", g.q):
        return False  # "the average per order for each region", "which order ...": groups asked for
    if g.group_col == year_column(g.t):
        return False  # "average yield per season": a season labels a period, one figure each, not an entity
    idlike = g.t.roles.get(g.group_col) == "id" or ID_NAME.search(norm(g.group_col))
    return bool(idlike) and g.t.distinct_ratio(g.group_col) < 1


@shape("average per entity")
def average_per_entity(g: Grounded) -> Planned | None:
    """"what's the average number of units per order?" over order lines: the total over the number of orders."""
    if not _per_entity_average(g):
        return None
    total = Measure(agg="sum", column=g.measure_col, alias="total")
    entities = Measure(agg="count_distinct", column=g.group_col, alias="count")
    plan = g.plan(measures=[total, entities], headline="value",
                  compute=[Compute(alias=f"{g.measure_col} per {g.group_col}", op="div", left="total", right="count")])
    return g.planned(plan, "value")


# --- which of two named rows or periods, by a comparative: "which is taller, A or B?", "the larger laps, 1963 or
# 1968?", "did they place better in 1987/88 or 1993/94?" ------------------------------------------------------------
EITHER = re.compile(r"\w[\"')]?\s*,?\s+or\s+(?:the\s+)?\w")
PLACE_BETTER = {"better": False, "higher": False, "worse": True, "lower": True}  # on places: larger first?


def _named_two(g: Grounded) -> tuple[str, bool] | None:
    """(the column of the two values the question names joined by "or", whether they are a period's (a year, a
    season), not a text column's named values); None unless there is exactly one such pair."""
    pairs = [(c, False) for c, vals in g.by_col.items() if len(vals) >= 2]
    pairs += [(f.column, True) for f in g.filters if f.op == "in" and f.column not in g.by_col
              and len(f.values or []) == 2]
    if len(pairs) != 1 or not EITHER.search(g.question) or len(g.by_col.get(pairs[0][0], [1, 2])) != 2:
        return None
    return pairs[0]


def _compared_on(g: Grounded, col: str) -> tuple[str | None, bool, str] | None:
    """(the number column, other than the named values' own, the question's one comparative compares on, larger
    first?, how it was said: "dimension", "place" or "plain"); None when no comparative, several, or one whose
    column or direction is not clear. The column is None for a plain "more games", a count of rows."""
    from .grounding import COMPARED_DIMENSIONS, dimension_columns, place_column

    dims = {w for w in g.qw if w in COMPARED_DIMENSIONS}
    plain = {MORE[w] for w in g.qw if w in MORE and w not in dims}
    places = {PLACE_BETTER[w] for w in g.qw if w in PLACE_BETTER}
    hits = [h.column for h in g.numeric_hits if h.column not in g.value_cols and h.column != col]
    named, measure = set(hits), (hits[0] if hits else None)
    if dims:
        found = {c for w in dims for c in dimension_columns(COMPARED_DIMENSIONS[w][0], g.t)}
        ends = {COMPARED_DIMENSIONS[w][1] for w in dims}
        if len(found) != 1 or len(ends) != 1 or plain or named - found:
            return None  # "taller" in a table of heights and floors named too: which number is compared?
        return found.pop(), ends.pop() == "max", "dimension"
    if measure and measure == place_column(g.t):
        # "placed better", "a higher placement": a smaller place is better
        return (measure, places.pop(), "place") if len(places) == 1 and len(named) == 1 else None
    if len(plain) != 1 or len(named) > 1 or measure and _ranklike(measure) and not _literal(g, measure):
        return None
    return measure, plain.pop(), "plain"


def _literal(g: Grounded, measure: str) -> bool:
    """"a higher number" of a column named Number: the comparative said of the number itself, read as written (not
    "a higher rank", "ranked higher", which mean a smaller one)."""
    own = [w for w in words(measure) if w not in STOP]
    return bool(own) and all(w in ("number", "no", "num") for w in own) and bool(
        re.search(r"\b(?:higher|lower|larger|smaller|bigger|greater)\s+(?:number|no|num)\b", g.q))


def _one_row_each(g: Grounded, col: str) -> bool:
    """Each value of the column is in one row at most (a year per row, a name per row)."""
    return g.t.distinct_ratio(col) >= 0.999 or all(
        _held_once(g, f) for f in g.filters if f.column == col and f.op == "eq")


def which_of_two(g: Grounded) -> Planned | None:
    """"which is taller, the AEP building or One Columbus Center?", "what is the larger laps between 1963 or 1968",
    "did they place better in 1987/88 or 1993/94?": of the two values named (of a column of names, or two years or
    seasons), the one whose row is ahead on the number the comparative names (a dimension's column for "taller",
    "sooner"; a place for "better"); for a plain "more games", the one with more rows."""
    pair = _named_two(g)
    compared = _compared_on(g, pair[0]) if pair else None
    if pair is None or compared is None or g.how_many or g.agg or g.direction:
        return None
    (col, period), (measure, desc, said) = pair, compared
    if _asked_column(g) not in (None, col) or period and g.q.startswith("who"):
        return None  # "which team scored more in 1992 or 1996": a team is asked, not one of the two years
    if said == "plain" and not period and measure is not None and not _ranklike(measure):
        return None  # "more losses, A or B": the rule "which of the named" reads it
    if measure is None:
        # "did they win more games in 1992 or 1996": rows counted per value, when "more" is said of what a row is
        after = re.search(r"\b(?:more|fewer|less)\s+([a-z]+)", g.q)
        # "which album had more, A or B?": more of nothing named is more of what a row is, when a value has several
        bare = re.search(r"\b(?:had|has|have|got|get|gets)\s+(?:more|fewer|less)\s*(?:[,;:?]|$)", g.q)
        bare = bare and not period and not all(_held_once(g, Filter(column=col, value=v)) for v in g.by_col.get(col, []))
        if not (after and g.row_noun and same(stem(after.group(1)), stem(g.row_noun))) and not bare:
            return None
        m = Measure(agg="count", alias="rows")
        plan = g.plan(group_by=[GroupBy(column=col)], measures=[m], order=[Order(by="rows", desc=desc)], limit=1,
                      ties=True, headline="label")
        return g.planned(plan, "label")
    if measure == col or not _one_row_each(g, col):
        return None  # a value in several rows: their total, their best row? the question does not say
    plan = g.plan(select=[col, measure], order=[Order(by=measure, desc=desc)], limit=1, ties=True,
                  filters=g.filters + [Filter(column=measure, op="not_null")], headline="label")
    return g.planned(plan, "label")


# --- two number columns named together: "how many gold and silver medals in total did China receive?" ----------
JOINED_BY = {"and", "plus", "&"}


def _columns_joined(g: Grounded) -> tuple[list[str], str] | None:
    """The two number columns the question names side by side, joined by "and" ("gold and silver"), each by all
    the words of its name, and the word after them ("medals"); None otherwise."""
    hits = sorted((h for h in g.numeric_hits if h.column not in g.value_cols and h.score >= 0.99 and not h.by_synonym),
                  key=lambda h: h.position)
    pairs = [(a, b) for a, b in zip(hits, hits[1:], strict=False)
             if g.qw[a.position + a.words:b.position] in (["and"], ["plus"], ["&"])]
    if len(pairs) != 1:
        return None
    a, b = pairs[0]
    after = g.qw[b.position + b.words] if b.position + b.words < len(g.qw) else ""
    return [a.column, b.column], after


def _shared_noun(g: Grounded, word: str) -> bool:
    """"gold and silver medals": a noun after the two names that both are kinds of (no column's word), so their
    total is asked; "points and rebounds did he have" may ask for the two figures."""
    return bool(word) and word not in STOP and not any(same(stem(word), stem(w)) for c in g.t.dtypes for w in words(c))


def total_of_two_columns(g: Grounded) -> Planned | None:
    """"how many gold and silver medals in total did China receive?", "the combined goals and assists of X": the
    total of each of two number columns over the rows kept, added together."""
    if not (g.how_many or g.agg == "sum") or g.agg not in (None, "sum") or g.direction or THAN.search(g.q):
        return None
    if re.search(r"\b(difference|differ|each|respectively|separately|ratio|per|versus|vs|compare)\b", g.q):
        return None
    joined = _columns_joined(g)
    if joined is None or any(not_a_quantity(g.t, c) for c in joined[0]) or not (g.agg or _shared_noun(g, joined[1])):
        return None  # two figures named without "total" or a noun they share: both figures, or their sum?
    cols = joined[0]
    counted = re.search(r"\b(?:how many|number of)\s+([a-z]+)", g.q)
    if g.how_many and not (counted and any(same(stem(counted.group(1)), stem(w)) for w in words(cols[0]))):
        return None  # "how many countries won gold and silver": rows counted, not the medals added
    ms = [Measure(agg="sum", column=c, alias=c) for c in cols]
    plan = g.plan(measures=ms, headline="value", compute=[Compute(alias="total", op="add", left=cols[0], right=cols[1])])
    return g.planned(plan, "value")


# --- the first or last row in time: "which was opened first?", "the latest target date" -------------------------
# "first"/"last" may be a place in the sheet or in time; "earliest", "latest", "most recent", "newest" are in time
# ("final" is also a match of its own, "the final"; "oldest" is also an age)
IN_TIME = re.compile(r"\b(first|earliest|last|latest|newest|most recent|most recently)\b(?:\s+([a-z][\w'-]*))?")
ONLY_TIME = {"earliest", "latest", "newest", "most recent", "most recently"}
FIRST_IN_TIME = {"first", "earliest"}
# the words a column of dates or years is named by ("Year", "Release date", "Opened", "Completed")
TIME_NAMES = {"year", "date", "season", "release", "opened", "founded", "established", "built", "completed", "launched",
              "introduced", "formed", "created", "premiered", "aired", "debut", "started", "commissioned", "elected"}
EVENT_VERBS = re.compile(r"\b(released|opened|founded|established|built|completed|launched|introduced|formed|created|"
                         r"premiered|aired|debuted|started|commissioned|elected|held|published|made|recorded)\b")


def time_columns(t) -> list[str]:
    """Columns of dates, and number columns of years (1800 to 2100) named as times ("Year", "Opened")."""
    def years(c: str) -> bool:
        p = t.profiles.get(c, {})
        lo, hi = p.get("min"), p.get("max")
        if lo is None and c in t.text_numbers:  # years written as text ("1997", "2010*"): the values listed
            found = [float(n) for v in t.value_lists.get(c, []) for n in re.findall(r"^\s*(\d{4})\b", str(v))]
            lo, hi = (min(found), max(found)) if len(found) >= 0.8 * max(1, len(t.value_lists.get(c, []))) else (None, None)
        return (lo is not None and hi is not None and 1800 <= lo <= hi <= 2100
                and any(same(stem(w), stem(n)) for w in words(c) for n in TIME_NAMES))
    return [c for c in t.dtypes if t.dtypes[c] in ("date", "datetime") or t.dtypes[c] in ("integer", "number") and years(c)]


def _time_column(g: Grounded, word: str) -> str | None:
    """The one time column the question names; else, when the word is only of time ("latest"), a verb of an event
    says what happened first ("the first game released") or the question asks when, the table's one time column."""
    times = time_columns(g.t)
    named = list(dict.fromkeys(h.column for h in g.chits if h.column in times))
    if named:
        return named[0] if len(named) == 1 else None
    if len(times) == 1 and (word in ONLY_TIME or EVENT_VERBS.search(g.q) or g.q.startswith("when ")):
        return times[0]
    return None


def _row_label(g: Grounded) -> str | None:
    """What names a row: a column called a name ("Name", "Player name"), else the one column of unique names, else
    the leftmost text column when its values are unique (a table's first column names its rows)."""
    label = label_column(g.t)
    if label and "name" in words(label) and label not in g.value_cols:
        return label
    texts = [c for c in g.t.texts() if g.t.dtypes[c] == "text" and c not in g.value_cols]
    return _the_names(g) or (texts[0] if texts and g.t.distinct_ratio(texts[0]) >= 0.999 else None)


def first_or_last_in_time(g: Grounded) -> Planned | None:
    """"which was opened first?", "what was the first game released?", "which one has the latest target date?":
    the row at that end of the time column the question names (or, for a word only of time or a verb of an event,
    the table's one time column); rows tied there are no one answer."""
    m = IN_TIME.search(g.q)
    if not m or g.how_many or g.agg or g.direction or g.k != 1 or PLACE_OF.search(g.q):
        return None
    col = _time_column(g, m.group(1))
    if col is None or any(h.column not in (col, *g.value_cols) for h in g.numeric_hits if not _ranklike(h.column)
                          and not not_a_quantity(g.t, h.column)):
        return None  # another number named besides: "first" may be its smallest
    noun = _column_named(g, m.group(2)) if m.group(2) else None
    asked = _asked_column(g)
    when = re.match(r"^(?:when|what (?:date|day|year|time)|in what year|on what date)\b", g.q)
    # "what was the release date of ...": the time itself; "which was opened first": the row opened first
    asks_time = when or asked == col and not re.match(r"^(?:which|what|who)\s+(?:is|was|are|were)\s+(?!the\b)", g.q)
    target = col if asks_time else next((c for c in (noun, asked) if c and c != col and c not in g.value_cols
                                    and g.t.dtypes.get(c) == "text"), None) or _row_label(g)
    if target is None:
        return None
    cols = [col] if target == col else [col, target]
    plan = g.plan(select=cols, order=[Order(by=col, desc=m.group(1) not in FIRST_IN_TIME)], limit=1, ties=True,
                  filters=g.filters + [Filter(column=c, op="not_null") for c in cols], headline="value")
    return g.planned(plan, "value")


# "the first single", "the last competition": the sheet's order, unless the question says where in the sheet
SHEET_CUES = re.compile(r"\b(list|listed|listing|table|chart|sheet|page|shown|appears?|appearing|top|bottom|"
                        r"according)\b")


def time_order_reading(question: str, p: Planned) -> tuple[Planned, Planned] | None:
    """For a row picked by its place in the sheet ("the first single") in a table with one column of dates or
    years, and a question that does not say the sheet's order: two probes, the time column of the row sheet order
    picks and the earliest (latest) time, to tell whether "first" in time picks it too; None otherwise."""
    plan = p.plan
    if not (len(plan.order) == 1 and plan.order[0].by == ROW and plan.limit == 1) or SHEET_CUES.search(norm(question)):
        return None
    times = time_columns(p.table)
    if len(times) != 1:
        return None
    col, desc = times[0], plan.order[0].desc
    number = col in p.table.text_numbers
    keep = [*plan.filters, Filter(column=col, op="not_null", as_number=number)]
    by_sheet = plan.model_copy(update={"select": [col], "filters": plan.filters, "ties": False})
    in_time = plan.model_copy(update={"select": [col], "filters": keep, "ties": False,
                                      "order": [Order(by=col, desc=desc, as_number=number)]})
    return replace(p, plan=by_sheet, compiled=None), replace(p, plan=in_time, compiled=None)


def by_time(p: Planned) -> Planned:
    """The same row picked by the time column instead of the sheet's order (rows tied there kept)."""
    col = time_columns(p.table)[0]
    number = col in p.table.text_numbers
    order = [Order(by=col, desc=p.plan.order[0].desc, as_number=number)]
    plan = p.plan.model_copy(update={"order": order, "ties": True, "select": [*p.plan.select, col],
                                     "filters": [*p.plan.filters, Filter(column=col, op="not_null", as_number=number)]})
    return replace(p, plan=plan, compiled=None)


# "after France, who has the next highest amount of silver medals?": the nearest value past a named row's
NEXT_END = re.compile(r"\bnext (highest|lowest|largest|smallest|most|least|fewest|biggest|greatest|best|worst)\b")


def next_by_number(g: Grounded) -> Planned | None:
    """"after France, who has the next highest amount of silver medals?": the row whose number is the nearest
    below the named row's (above it for "next lowest"); rows tied there are no one answer."""
    m = NEXT_END.search(g.q)
    if not m or len(g.by_col) != 1 or len(g.filters) != 1 or g.how_many or g.agg or g.measure_col is None:
        return None
    key, vals = next(iter(g.by_col.items()))
    col = g.measure_col
    if len(vals) != 1 or g.t.distinct_ratio(key) < 0.8 or _ranklike(col) or not_a_quantity(g.t, col):
        return None  # a rank's "next highest" is a smaller number; several anchor rows would be several values
    target = _asked_column(g) or (_row_label(g) if re.match(r"^(who|whom)\b", g.q) else None) or key
    if target == col or g.t.dtypes.get(target) != "text":
        return None
    down = m.group(1) in ("highest", "largest", "most", "biggest", "greatest", "best")
    plan = g.plan(select=[col, target], filters=[Filter(column=col, op="not_null")],
                  same_as=SameAs(anchor=g.filters, columns=[col], op="lt" if down else "gt"),
                  order=[Order(by=col, desc=down)], limit=1, ties=True, headline="value")
    return g.planned(plan, "value")


# --- the last place of a ranking: "who finished last?", "which team came in last place?" -------------------------
LAST_PLACE = re.compile(r"\b(?:finish|finished|finishes|finishing|came in|came|comes in|come in|placed|ranked|ended|"
                        r"ended up)\s+(?:in\s+)?(?:the\s+)?last(?:\s+place|\s+position)?\s*(?:[?.,!;]|$|\s+"
                        r"(?:in|at|of|during|for|overall|among)\b)|\bin last place\b|\b(?:was|is|were|are) last place\b|"
                        r"\blast[- ](?:placed|ranked)\b|"
                        r"\b(?:the|a)\s+last[- ](?:place|position)\s+(?:finish|finisher|team|driver|player|rider|"
                        r"runner|competitor|nation|country|club|athlete)\b")


def places_complete(t, col: str) -> bool:
    """Every row has a place in the column, each written as one ("12", "3rd"): the largest is the last place (a row
    marked "Ret" or left blank finished nowhere in the order, so which row is last would be a guess)."""
    from .grounding import PLACE_CELL

    p = t.profiles.get(col, {})
    if p.get("nulls"):
        return False
    if t.dtypes.get(col) in ("integer", "number"):
        return col not in t.text_numbers or all(PLACE_CELL.match(str(v)) for v in t.value_lists.get(col) or [""])
    return False


@shape("last place")
def last_place(g: Grounded) -> Planned | None:
    """"who finished last?", "which team was in last place?": the row with the largest place of the table's one
    column of places, when every row has one; two rows tied there are no one answer."""
    from .grounding import place_column

    col = place_column(g.t)
    if not LAST_PLACE.search(g.q) or col is None or g.how_many or g.agg or g.direction or g.k != 1:
        return None
    if re.search(r"\b(?:to|from)\s+(?:the\s+)?last\b|\bpenultimate\b", g.q):
        return None  # "second to last place": a place counted from the end, not the last one
    if not places_complete(g.t, col) or any(f.column == col for f in g.filters):
        return None
    # "at the 2006 Gran Premio, who finished last?": the question after a leading phrase
    target = _asked_column(g) or (_row_label(g) if re.search(r"(?:^|[,;] )(who|whom)\b", g.q) else None)
    if target is None or target == col or g.t.dtypes.get(target) != "text":
        return None
    plan = g.plan(select=[col, target], order=[Order(by=col, desc=True)], limit=1, ties=True,
                  filters=g.filters + [Filter(column=target, op="not_null")], headline="value")
    return g.planned(plan, "value")


# "the difference in attendance between the first and last game": two rows picked by their place in the sheet
ENDS_BETWEEN = re.compile(r"\bbetween\s+the\s+(first|last)\s+(?:([a-z][\w'-]*)\s+)?and\s+(?:the\s+)?(first|last)\s+"
                          r"([a-z][\w'-]*)")


@shape("gap between sheet rows")
def gap_between_ends(g: Grounded) -> Planned | None:
    """"what is the difference in attendance between the first and last game?": the number of the sheet's first row
    and of its last, the gap between them (whichever is larger); no other condition, which would pick other rows."""
    m = ENDS_BETWEEN.search(g.q)
    if not (m and re.search(r"\bdifference\b", g.q)) or m.group(1) == m.group(3) or g.filters or g.how_many:
        return None
    col = g.measure_col
    if col is None or g.t.dtypes.get(col) not in ("integer", "number") or not g.t.rows:
        return None
    if m.group(2) and not same(stem(m.group(2)), stem(m.group(4))):
        return None  # "the first game and the last season": two kinds of row
    if not _sheet_in_time(g.t):
        return None  # a sheet listed latest first: is the first game the top row or the earliest? either reads
    rows = {"first": 1, "last": g.t.rows}
    a, b = (f"{end} row" for end in (m.group(1), m.group(3)))
    ms = [Measure(agg="max", column=col, where=[Filter(column=ROW, value=rows[end])], alias=f"{end} row")
          for end in (m.group(1), m.group(3))]
    plan = g.plan(measures=ms, headline="value", filters=[],
                  compute=[Compute(alias="difference", op="gap", left=a, right=b)])
    return g.planned(plan, "value")


def _sheet_in_time(t) -> bool:
    """The sheet's first row holds the earliest time of each column of dates or years (or it has none)."""
    for col in time_columns(t):
        i, low = list(t.dtypes).index(col), t.profiles.get(col, {}).get("min")
        first = t.sample_rows[0][i] if t.sample_rows else None
        if first is None or low is None:
            return False
        try:
            if float(first) != float(low):
                return False
        except (TypeError, ValueError):
            if str(first)[:10] != str(low)[:10]:
                return False
    return True


BOTH = re.compile(r"\bboth\b")
ASKED_AFTER = re.compile(r"\b(?:which|what)\s+([a-z][\w'-]*)")


@shape("value two named rows share")
def shared_by_named(g: Grounded) -> Planned | None:
    """"A and B both served for which state?": the value of the asked column that the rows of both named values
    hold (each named in some row holding it); none shared is no answer, and a count of their rows answers nothing."""
    m = ASKED_AFTER.search(g.q)
    pairs = [(c, vals) for c, vals in g.by_col.items() if len(vals) == 2]
    if not (BOTH.search(g.q) and m and len(pairs) == 1) or g.how_many or g.agg or g.direction:
        return None
    key = pairs[0][0]
    target = _column_named(g, m.group(1))
    if target is None or target == key or target in g.value_cols or g.t.dtypes.get(target) != "text":
        return None
    named = Measure(agg="count_distinct", column=key, alias="named rows")
    plan = g.plan(group_by=[GroupBy(column=target)], measures=[named], headline="label", limit=50,
                  having=[Filter(column="named rows", op="eq", value=2)],
                  filters=g.filters + [Filter(column=target, op="not_null")])
    return g.planned(plan, "label")


def one_row_per_period(question: str, p: Planned, execute) -> None:
    """The average of each period's figure is the rows' mean only where each kept row is a period of its own: with
    several rows a day (three stations) it is the mean of each day's total, or of each row? Declined then."""
    m = PERIODLY_AVERAGE.search(norm(question))
    avg = [x for x in p.plan.measures if x.agg == "avg" and x.column and m and m.group(1) not in words(x.column)]
    if m is None or not avg or p.plan.group_by or execute is None:
        return  # "the Average Daily Traffic": a column's own name
    if len(p.table.dates()) != 1:
        raise CannotAnswer(f"Which date says the {PERIOD_OF[m.group(1)]} of each row of '{p.table.label}'?")
    probe = Plan(table=p.plan.table, filters=p.plan.filters, measures=[Measure(agg="count", alias="n")],
                 group_by=[GroupBy(column=p.table.dates()[0], bucket=PERIOD_OF[m.group(1)])])
    counts = execute(replace(p, plan=probe, compiled=None))
    if counts.empty or counts["n"].max() > 1 or len(counts) < 0.5 * _periods_spanned(counts.iloc[:, 0], m.group(1)):
        # a row a month read as a day's: "average daily" of monthly totals is no mean of the rows either
        raise CannotAnswer(f"The rows of '{p.table.label}' are not one a {PERIOD_OF[m.group(1)]}: the average of "
                           f"each {PERIOD_OF[m.group(1)]}'s total, or of the rows?")


def _periods_spanned(keys, word: str) -> int:
    """How many periods lie from the first to the last of these period starts."""
    import pandas as pd

    d = pd.to_datetime(keys, errors="coerce").dropna()
    if d.empty:
        return 1 << 30
    lo, hi = d.min(), d.max()
    months = (hi.year - lo.year) * 12 + hi.month - lo.month
    spans = {"day": (hi - lo).days, "week": (hi - lo).days // 7, "month": months, "quarter": months // 3,
             "year": hi.year - lo.year}
    return spans[PERIOD_OF[word]] + 1


PAST_WORDS = {"before": "lt", "after": "gt", "prior": "lt"}
# "ranked before X", "finished after X": a place in a ranking, whose order no time column gives
PLACED_WORDS = re.compile(r"\b(rank|ranked|ranks|place|placed|finish|finished|listed|picked|drafted|position)\b")


def _past_anchor(g: Grounded) -> tuple[ValueHit, str] | None:
    """(the value naming the row, lt or gt) of "before Apr 7", "prior to X": one value of a text column said right
    after the word, held by one row; every before or after of the question on the same side."""
    sides = {PAST_WORDS[w] for w in g.qw if w in PAST_WORDS}
    at = [i + (2 if w == "prior" else 1) for i, w in enumerate(g.qw) if w in PAST_WORDS]
    hits = [v for v in g.vhits if v.start in at and not v.contains]
    if len(sides) != 1 or len(hits) != 1 or len(g.by_col.get(hits[0].column, [])) != 1:
        return None
    v = hits[0]
    one = Filter(column=v.column, value=v.value)
    if g.t.dtypes.get(v.column) != "text" or g.t.distinct_ratio(v.column) < 0.8 or not _held_once(g, one):
        return None
    return v, sides.pop()


@shape("count before or after a named row")
def count_past_named(g: Grounded) -> Planned | None:
    """"before Apr 7, how many times had Morris won?", "how many directors were before Rudhra Gangadharan?": the
    rows on the side the word picks of the one row a value names, counted with the question's other conditions;
    in the order of the table's time column (its first, "From" before "Till"), else the sheet's own."""
    if not g.how_many or g.agg or g.measure_col or STREAK_WORDS.search(g.q):
        return None
    found = _past_anchor(g)
    if found is None:
        return None
    v, op = found
    times = [c for c in time_columns(g.t) if c != v.column]
    if times and PLACED_WORDS.search(g.q):
        return None  # "how many drivers placed before X" in a table with a Year: the places, not the times
    anchor = [f for f in g.filters if f.column == v.column]
    rest = [f for f in g.filters if f.column != v.column]
    if len(anchor) != 1 or any(f.op in ("gt", "gte", "lt", "lte", "between", "year") for f in rest):
        return None  # a time compared besides: which of the two says the rows' side is not one reading
    order = times[0] if times else ROW
    past = SameAs(anchor=anchor, columns=[order], op=op)
    plan = g.plan(filters=rest, same_as=past, measures=[Measure(agg="count")], headline="value")
    return g.planned(plan, "count")
