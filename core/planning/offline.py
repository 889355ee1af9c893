"""The offline planner: a question -> a query plan, with no LLM.

For each table it grounds the question (core/planning/grounding.py), lets every shape rule propose a plan
(core/planning/shapes.py), and keeps the reading that accounts for every content word of the question (the
earliest rule among those); when none does, the earliest rule's plan, which the pipeline then declines,
naming the words it left unused. Across tables the best-scoring reading wins; two files' tables that fit
about equally are offered as two readings. It never returns a guess as a fact.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..errors import Ambiguous, CannotAnswer
from ..plan import Compute, Plan
from ..roles import NUMERIC_ROLES, column_roles, summable
from .grounding import Grounded, alias_of, default_agg, ground, said_plainly
from .model import Planned, TableView
from .scoring import Context, Reading, Weights, rank, runner_up
from .shapes import CHOICE_OR, SHAPES, YES_NO, one_row_per_period
from .words import SECONDS_IN, UNIT_NAMES, norm, same, stem, words

WHO = re.compile(r"^(who|whom|whose)\b")
LIST = re.compile(r"^(list|name|show|give me|tell me)\b")
# "how many ...", and "compare A vs B - how much more are phones?": the clause that asks, after a dash or a colon
HOW_MANY = re.compile(r"(?:^|\s[-–—:;]\s*)how (many|much)\b")
LIST_COUNT = re.compile(r"^(?:list|show|give me|tell me)\s+(?:me\s+)?the\s+(?:total\s+)?(?:number|count) of\b")
HOW = re.compile(r"^how (do|does|did|is|are|was|were|would|can|should)\b")  # "how do you say ...": not a count
# "in what competition did ...", "at what venue ...": a preposition before "what" asks for a value all the same
WHAT = re.compile(r"^(?:(?:in|at|on|for|from|during|against) )?(what|what's|whats)\b")
# "the number of rows" counts; "Amara's employee number" is a value of hers, which no count of her rows gives
COUNT_WORDS = re.compile(r"\b(number of|numbers of|count|how many|total|amount|times|many)\b")
WHICH = re.compile(r"^(which|in which|for which|at which|on which)\b")
# "A and B worked on what episode together?": the question word after its subject asks for a value all the same
ASKED_LATER = re.compile(r"\w\s+(?:(?:in|at|on|for|from|during|against|of|with)\s+)?(?:what|which)\s+[a-z]")


# "what is X, and is it marked preliminary?", "... and which department is that?": a second question, which one
# plan's one answer leaves unanswered
SECOND_QUESTION = re.compile(r"\band (?:is|are|was|were|does|do|did|has|have) (?:it|they|that|this|he|she)\b"
                             r"|\band (?:which|what|who)(?: \w+)? (?:is|was|are|were) (?:it|that|this|they)\b"
                             r"|\band by how (?:much|many)\b")
# "why were applications declined?", "what caused the delays?": a cause, which a table of facts does not record;
# only the values of a column that does ("Reason", "Cause") answer it
CAUSAL = re.compile(r"^(?:why|how come)\b|\bwhat (?:caused|causes|led to|leads to|made)\b|\bfor what reasons?\b"
                    r"|\b(?:reasons?|causes?|explanations?) (?:for|of|why|behind)\b")
CAUSE_COLUMN = re.compile(r"\b(?:reasons?|causes?|why|explanations?)\b", re.I)


def fits_answer_type(question: str, p: Planned) -> bool:
    """"who ...?" asks for a name: a plan whose answer is a number computed over rows does not answer it."""
    names = p.plan.headline in ("label", "list") or bool(p.plan.select)
    q = norm(question)
    if SECOND_QUESTION.search(q):
        return False
    if CAUSAL.search(q):
        return names_a_cause(p.plan)
    if WHO.match(q):
        return names
    if YES_NO.match(q) and p.plan.group_by and p.plan.headline != "bool":
        return False  # "were any Suite bookings cancelled?" asks yes or no, which a table per group does not say
    if LIST.match(q) and LIST_COUNT.match(q):
        return not names  # "list the number of Fukuoka marathons": one number, as "how many" asks
    if WHICH.match(q) or LIST.match(q):  # "which is taller, A or B?", "list the orders ...": names, or groups
        return names or bool(p.plan.group_by)
    if HOW_MANY.search(q) and p.plan.group_by and not any(grouping_named(q, g.column) for g in p.plan.group_by):
        return False  # "how many orders were placed by new customers?": one number, not a count per customer
    if (WHAT.match(q) or HOW.match(q) or ASKED_LATER.search(q)) and p.shape == "count" and not COUNT_WORDS.search(q):
        return False  # "what was their award at ...?" asks for a value, not how many rows match
    either = any(f.op == "in" and (len(f.values or []) == 2 or _all_said(q, f.values or [])) for f in p.plan.filters)
    if either and CHOICE_OR.search(question) and not p.plan.group_by:
        return names  # "did A or B produce it?", "A, B or C: which had more?": one of them is the answer
    return True


def _all_said(q: str, values: list) -> bool:
    """Three or more values, each written in the question ("A, B, or C?"): choices named, not the many dates of
    "in October or November"."""
    return len(values) >= 3 and all(norm(str(v)) in q for v in values)


def names_a_cause(plan: Plan) -> bool:
    """The plan reads a column that records causes ("Reason", "Delay cause"), which a "why" question asks for."""
    used = [g.column for g in plan.group_by] + list(plan.select) + [m.column or "" for m in plan.measures]
    return any(CAUSE_COLUMN.search(c) for c in used)


def grouping_named(q: str, column: str) -> bool:
    """The question asks for one figure per value of the column: "by region", "per month", "each customer"."""
    cw = [stem(w) for w in words(column)]
    return any(any(same(stem(w), c) for c in cw)
               for m in re.finditer(r"\b(?:by|per|each|every|across|for each|for every|for all)\s+(?:the\s+)?([\w']+)", q)
               for w in [m.group(1)])


RULE_RANK = {name: i for i, (name, _) in enumerate(SHAPES)}
TIE_MARGIN = 0.25  # plan scores of two files' tables closer than this: the question is ambiguous


class OfflinePlanner:
    def __init__(self, tables: list[TableView], route: dict | None = None, meaning=None, execute=None,
                 weights: Weights | None = None):
        self.tables = [_planning_view(t) for t in tables]
        # optional helpers for scoring readings: the MiniLM similarity of sentences, and running a plan
        self.meaning, self.execute = meaning, execute
        self.weights = weights or Weights.load()
        # the semantic index's view of the question (core.index.SemanticIndex.route): tables and columns by meaning
        self.route = route or {"tables": [], "columns": [], "values": []}

    def plan(self, question: str) -> Planned:
        found: list[Planned] = []
        errors: list[str] = []
        unsure: list[Ambiguous] = []
        for t in self.tables:
            try:
                found.append(self.plan_table(question, t))
            except Ambiguous as e:  # readings to offer, when this table fits best
                unsure.append(e)
            except CannotAnswer as e:
                errors.append(str(e))
        top = max(unsure, key=lambda e: e.score, default=None)
        if top is not None and (not found or top.score >= max(p.score for p in found)):
            raise top
        if not found:
            raise CannotAnswer(
                errors[0] if errors else "I could not match this question to any table's columns or values.",
                suggestions=self.suggestions(),
            )
        # among equal scores the larger table (a sheet's main table, not a summary beside it), then the first listed
        found.sort(key=lambda p: (-p.score, -(p.table.rows or 0)))
        best = found[0]
        rival = next((p for p in found[1:] if p.table.file != best.table.file), None)
        if rival is not None and best.score - rival.score <= TIE_MARGIN:
            raise Ambiguous(
                f"Tables of two files fit this question about equally: '{best.table.label}' in {best.table.file} "
                f"and '{rival.table.label}' in {rival.table.file}. Which did you mean?",
                readings=[f"{question.rstrip(' ?')} (in {p.table.file})?" for p in (best, rival)])
        return best

    def candidates(self, g: Grounded) -> tuple[list[Planned], list[str]]:
        """Every shape rule's plan for a grounded question, in rule order, up to a rule that recognises the
        question's shape but finds a part missing ("highest by which number?"): later, looser rules would
        answer another question. Returns the plans and what that rule said was missing."""
        out, missing = [], []
        for name, rule in SHAPES:
            try:
                p = rule(g)
            except CannotAnswer as e:
                missing.append(str(e))
                break
            except ValueError:  # a rule's plan that the plan model refuses is no reading
                continue
            if p is not None:
                out.append(_in_time_unit(read_numbers(replace(p, rule=name)), g.q))
        return out, missing

    def readings(self, question: str, t: TableView, full: bool = False) -> tuple[list[Reading], list[str], Grounded]:
        """Every candidate reading of the question on one table, scored and ranked (core/planning/scoring.py);
        with what a rule said was missing, and the grounding they were built from (`full`: every feature of
        every complete reading, as the fit needs)."""
        from ..coverage import content_count, unused_words

        question = said_plainly(question)
        g = ground(question, t, self.route, len(self.tables))
        found, missing = self.candidates(g)
        ctx = Context(question, g, RULE_RANK, self.meaning, self.execute)
        readings = [Reading(p, unused_words(question, p), content_count(question, p), fits_answer_type(question, p))
                    for p in found]
        return rank(ctx, readings, self.weights, full), missing, g

    def plan_table(self, question: str, t: TableView) -> Planned:
        """The best-scoring reading of the question on one table; two complete readings that compute different
        things and score within the fitted margin are offered to the user instead."""
        ranked, missing, g = self.readings(question, t)
        if not ranked:
            named = ", ".join(h.column for h in g.chits) or "no columns"
            raise CannotAnswer(missing[0] if missing else f"I found {named} in '{t.label}' but not what to compute.",
                               suggestions=self.suggestions())
        best = ranked[0]
        if not best.fits:
            raise CannotAnswer(f"The question asks which one, and on '{t.label}' I could only "
                               f"{'count rows' if best.planned.shape == 'count' else 'compute a number'}.",
                               suggestions=self.suggestions())
        if best.complete:
            _one_row_each(question, best.planned, self.execute)
            one_row_per_period(question, best.planned, self.execute)
            _repeated_attribute(best.planned, self.execute)
            self._confident(best, runner_up(ranked), t)
        return best.planned

    def _confident(self, best: Reading, rival: Reading | None, t: TableView) -> None:
        """Raises Ambiguous, offering the readings, unless the best leads its rival by the fitted margin and is
        likely enough to be right (both fitted over whole dev sets: bench/fit_weights.py)."""
        w = self.weights
        close = rival is not None and best.score - rival.score < w.margin
        unsure = w.confidence(best.values) < w.floor
        if not close and not unsure:
            return
        offered = [best, rival] if close else [best]
        why = ("reads two ways" if close else "may not mean what I computed")
        e = Ambiguous(f"This question {why} on '{t.label}'. Which did you mean?", readings=[r.sentence for r in offered],
                      plans=[r.planned.plan.model_dump(exclude_defaults=True) for r in offered])
        e.score = best.planned.score  # how well the table fits, to weigh it against other tables' answers
        raise e

    def suggestions(self, k: int = 5) -> list[str]:
        """Starter questions that make sense for each table's column roles: totals of money and counts only,
        averages of ratios and rates, never an id's sum; categories to group by, never a number."""
        out = []
        for t in self.tables[:3]:
            roles = t.roles or column_roles(t.dtypes, t.profiles)
            nums = [c for c in t.numeric() if roles.get(c) in NUMERIC_ROLES - {"id"}]
            nums.sort(key=lambda c: ("money", "count", "measure").index(roles[c]) if summable(roles[c]) else 3)
            texts = [c for c in t.texts() if roles.get(c) == "category"
                     and 2 <= t.profiles.get(c, {}).get("distinct", 0) <= 50]
            main = nums[0] if nums else None
            what = ("total" if summable(roles.get(main)) else "average") if main else None
            if main:
                out.append(f"What is the {what} {main}?")
            if main and texts:
                out.append(f"Which {texts[0]} has the highest {what} {main}?")
            if texts:
                out.append(f"How many rows are there per {texts[0]}?")
            if main and t.dates():
                out.append(f"Show the monthly trend of {main}")
        return out[:k]


COMPLEMENT = {"ne": "eq", "not_in": "in", "is_null": "not_null", "not_contains": "contains", "gt": "lte", "gte": "lt",
              "lt": "gte", "lte": "gt"}


NAMES_ROWS = 0.8


def _one_row_each(question: str, p: Planned, execute) -> None:
    """"which country did not have the Sony label?" where a country has several rows: not on one of its rows, or
    on none of them? A negated question answered with names of a column whose values repeat is read only when
    the two agree: no name kept by the negated condition is also on a row it leaves out."""
    from ..coverage import NEGATION_WORDS

    if not NEGATION_WORDS & set(words(question)) - {"other", "others", "besides", "apart", "aside", "exception"}:
        return
    plan = p.plan
    named = set(plan.select) | {g.column for g in plan.group_by}
    named |= {m.column for m in plan.measures if m.agg == "count_distinct" and m.column}
    # a column of names nearly every row has its own of ("Yankee Hill" in two counties) names rows, not groups
    repeats = [c for c in named if c in p.table.dtypes and p.table.distinct_ratio(c) < NAMES_ROWS]
    if not repeats:
        return
    negated = ([f for f in plan.filters if f.op in ("ne", "not_in", "is_null", "not_contains")]
               or [f for f in plan.filters if f.op in ("gt", "gte", "lt", "lte") and f.other_column is None])
    if len(negated) == 1 and plan.join is None and execute is not None:
        rest = [f for f in plan.filters if f is not negated[0]]
        other = [*rest, negated[0].model_copy(update={"op": COMPLEMENT[negated[0].op]})]
        if not any(_names(execute, p, c, plan.filters) & _names(execute, p, c, other) for c in repeats):
            return
    raise CannotAnswer(f"{repeats[0]} repeats across rows of '{p.table.label}': does the question's negation hold "
                       "on some of its rows, or on all of them?")


def _repeated_attribute(p: Planned, execute) -> None:
    """"the total capacity across all schools" where each school's Capacity is written again on each of its yearly
    rows: a sum over rows counts every school as often as it has rows. Declined when the summed column holds one
    value for each name of a column whose names repeat (over the whole table, most rows in names of several rows),
    and a name repeats among the rows the plan keeps. An amount of each period ("Budget" written again each month)
    adds up over periods, so a column named as one is summed."""
    plan = p.plan
    sums = [m.column for m in plan.measures if m.agg == "sum" and m.column and not m.where]
    names = [c for c in p.table.dtypes if p.table.dtypes[c] == "text" and p.table.distinct_ratio(c) < 0.999][:12]
    if execute is None or len(sums) != 1 or not names or plan.join is not None or plan.unpivot is not None \
            or sums[0] not in p.table.dtypes or sums[0] in names or default_agg(sums[0]) == "sum":
        return
    col = sums[0]

    def rows(filters):
        probe = Plan(table=plan.table, select=[*names, col], filters=filters, limit=100000)
        return execute(replace(p, plan=probe, compiled=None)).dropna(subset=[col])

    every, kept = rows([]), rows(plan.filters)
    if every[col].nunique() < 2:
        return
    for name in names:
        size = every.groupby(name)[col].size()
        values = every.groupby(name)[col].nunique()
        repeated = size >= 2
        held = repeated.sum() >= 2 and size[repeated].sum() * 2 >= size.sum() and (values[repeated] == 1).all()
        if held and kept[name].dropna().duplicated().any():
            raise CannotAnswer(f"{col} is written again on each row of the same {name} in '{p.table.label}': a "
                               f"total over rows would count each {name} as often as it has rows.")


def _names(execute, p: Planned, column: str, filters) -> set:
    """The distinct values of a column over the rows these filters keep."""
    probe = Plan(table=p.plan.table, select=[column], filters=filters, distinct_rows=True, limit=100000)
    return set(execute(replace(p, plan=probe, compiled=None)).iloc[:, 0].dropna().tolist())


NUMBER_OPS = {"eq", "ne", "gt", "gte", "lt", "lte", "between"}


def _planning_view(t: TableView) -> TableView:
    """The table as the rules see it: a text column of numbers ("412", "s") is a number column."""
    if not t.text_numbers:
        return t
    return replace(t, dtypes={c: ("number" if c in t.text_numbers else d) for c, d in t.dtypes.items()})


def _values_of(f) -> list:
    v = f.value
    return list(v) if isinstance(v, (list, tuple)) else [v]


def _is_word(v) -> bool:
    """A text value with no number in it ("s", "n/a"): what a filter on text numbers compares as text."""
    return isinstance(v, str) and not re.search(r"\d", v)


def read_numbers(p: Planned) -> Planned:
    """A plan over text columns of numbers reads the numbers written in them (markers such as "s" are empty)."""
    cols = p.table.text_numbers
    if not cols:
        return p

    def filt(f):
        # a marker compared as text ("ne 's'": not suppressed) stays a text filter
        number = f.column in cols and f.op in NUMBER_OPS and not any(_is_word(v) for v in _values_of(f))
        return f.model_copy(update={"as_number": True}) if number else f

    plan = p.plan
    measures = [m.model_copy(update={"as_number": m.as_number or m.column in cols, "where": [filt(f) for f in m.where]})
                for m in plan.measures]
    order = [o.model_copy(update={"as_number": True}) if o.by in cols else o for o in plan.order]
    filters = [filt(f) for f in plan.filters]
    same_as = plan.same_as
    if same_as and same_as.op != "eq" and set(same_as.columns) & cols:
        same_as = same_as.model_copy(update={"as_number": True})
    read = _columns_read(measures, order, filters) | (set(same_as.columns) if same_as and same_as.as_number else set())
    units = sorted(c for c in p.table.units if c in read)
    durations = sorted(c for c in p.table.durations if c in read)
    return replace(p, plan=plan.model_copy(update={"measures": measures, "order": order, "filters": filters,
                                                   "same_as": same_as, "unit_columns": units,
                                                   "duration_columns": durations}))


IN_TIME_UNIT = re.compile(r"\bin (hours|hrs|minutes|mins|seconds|secs)\b")


def _in_time_unit(p: Planned, q: str) -> Planned:
    """"the average flight time in minutes": one measure of durations (read as seconds) given in the unit asked."""
    m = IN_TIME_UNIT.search(q)
    plan = p.plan
    if not m or not plan.duration_columns or len(plan.measures) != 1 or plan.compute:
        return p
    measure, secs = plan.measures[0], SECONDS_IN[UNIT_NAMES[m.group(1)]]
    if measure.column not in plan.duration_columns or measure.agg not in ("sum", "avg", "median", "min", "max"):
        return p
    if secs == 1:
        return p
    div = Compute(alias=f"{alias_of(measure)} in {m.group(1)}", op="div", left=alias_of(measure), right=float(secs))
    return replace(p, plan=plan.model_copy(update={"compute": [div]}))


def _columns_read(measures, order, filters) -> set[str]:
    """The columns a plan reads as numbers."""
    fs = [*filters, *(f for m in measures for f in m.where)]
    return ({m.column for m in measures if m.as_number} | {o.by for o in order if o.as_number}
            | {f.column for f in fs if f.as_number})
