"""What a plan accounts for: the words of the question it used, the ones it did not, and one plain
sentence of exactly what it computes.

A word of the question is *used* when the plan explains it: it names a column, a value, the table or
what a row is, or it is a word of the operation the plan performs (an aggregate, an order, a time
bucket, a comparison, a yes/no test). Function words ("what", "the", "show me") need no explaining.
Every other word is *unused*; an answer that leaves a content word unused may have answered another
question, so the pipeline declines it and names the words (principle: a word that matches nothing
is never silently dropped).
"""
from __future__ import annotations

import re

import pandas as pd

from .plan import ROW, Plan, _measure_name
from .planning.grounding import (
    COMPARED_DIMENSIONS,
    DIMENSIONS,
    NEGATED_REACH,
    NOT_ACROSS,
    NOT_VERB,
    PERIOD_PART,
    compared_number,
    fold,
    game_nouns,
    table_kind,
)
from .planning.model import Planned
from .planning.words import (
    ADDITIVE,
    CONTESTED,
    FAMILIES,
    KIND_VERBS,
    KINDS,
    MONEY_NOUNS,
    MONTHS,
    ROW_NOUNS,
    STOP,
    SYNONYMS,
    TALLY_VERBS,
    TITLED,
    VALUE_WORDS,
    WINNER_VERBS,
    WORD_NUM,
    in_seconds,
    norm,
    same,
    stem,
    words,
)

# English function words and question scaffolding: they carry no meaning a plan must account for
FILLER = set("""
a an the of in on at for by to from with and or but as than then that this these those there here
what which who whom whose when where why how is are was were be been being am do does did done doing have has had
having will would shall should can could may might must i me my we us our you your he him his she her it its they
them their one ones some any all each every both either per across over into onto about between among
within during while via vs versus show list give tell find get display see know want need please also just only
even still yet so such very really ever currently now today exactly approximately roughly about overall
whole entire data dataset table tables sheet sheets file files spreadsheet workbook tab value values figure figures
record records row rows entry entries item items line lines listed recorded shown given according based using
number numbers amount amounts many much result results info information detail details answer question
kind sort type types name names called named say says said does doing make made let lets s t
instead ok okay again too same what about how about column columns field fields
what's whats who's where's how's it's that's there's here's let's i'm
anyone anybody someone somebody everyone everybody anything something everything one's
got company organisation organization firm through placed ran generated goes went up calculate compute determine
""".split())

AGG_WORDS = {
    "sum": {"total", "sum", "overall", "combined", "altogether", "aggregate", "cumulative", "together"},
    "avg": {"average", "mean", "avg", "typical", "typically", "per", "simple", "arithmetic", "unweighted"},
    "median": {"median", "middle", "typical"},
    "min": {"minimum", "min", "lowest", "least", "smallest", "fewest", "earliest", "first", "bottom", "worst",
            "shortest", "cheapest", "youngest", "oldest", "lower", "low"},
    "max": {"maximum", "max", "highest", "most", "largest", "biggest", "greatest", "top", "latest", "last", "best",
            "longest", "oldest", "youngest", "higher", "high", "peak", "record"},
    "count": {"count", "number", "times", "often", "frequency", "frequent", "occurrences", "occur", "occurred",
              "appear", "appeared", "appears", "counted", "tally", "common", "popular", "usual", "commonly"},
    "count_distinct": {"different", "distinct", "unique", "various", "separate"},
    "share": {"share", "percent", "percentage", "proportion", "fraction", "ratio", "rate", "part", "portion", "come", "came",
              "comes", "contribute", "contributed", "account", "accounted", "accounts"},
    "ratio": {"ratio", "rate", "per", "margin", "percent", "percentage", "proportion", "share", "average", "return",
              "efficiency", "yield", "divided"},
}
ORDER_WORDS = AGG_WORDS["min"] | AGG_WORDS["max"] | {"rank", "ranked", "ranking", "order", "ordered", "sort", "sorted",
                                                     "leading", "leader", "leaders", "winner", "best", "worst"}
# "more losses, A or B": a comparative answered by ordering the named rows
COMPARATIVES = {"more", "less", "fewer", "larger", "longer", "shorter", "bigger", "greater", "smaller", "higher", "lower",
                "final"}
NEIGHBOUR_WORDS = {"next", "after", "before", "previous", "following", "preceding", "prior", "then", "subsequent",
                   "succeeding", "directly", "immediately", "right", "come", "comes", "came", "above", "below", "listed",
                   "ahead", "behind", "top",  # "on top of X": the row above it
                   "appear", "appears", "appeared"}  # "the title that appears before X": its place in the list
GROUP_WORDS = {"by", "per", "each", "every", "breakdown", "broken", "split", "grouped", "group", "across", "among",
               "respectively", "separately", "distribution", "spread"}
COMPARE_WORDS = {"more", "less", "fewer", "greater", "smaller", "larger", "bigger", "higher", "lower", "over", "above",
                 "under", "below", "least", "most", "exceed", "exceeded", "exceeds", "exceeding", "beyond", "after",
                 "before", "prior", "since", "until", "between", "older", "younger", "later", "earlier", "equal", "equals",
                 "exactly", "compared", "compare", "comparison", "vs", "versus", "difference", "differ", "against",
                 "longer", "taller", "heavier", "wider", "deeper", "farther", "shorter", "lighter", "narrower", "excess",
                 "upwards"}
# a negation is content: a plan that does not negate anything leaves it unused ("who didn't win" is no "who won")
NEGATION_WORDS = {"not", "no", "except", "excluding", "exclude", "excluded", "other", "others", "without", "non",
                  "besides", "apart", "neither", "nor", "never", "don't", "doesn't", "didn't", "isn't", "aren't",
                  "wasn't", "weren't", "haven't", "hasn't", "hadn't", "won't", "wouldn't", "can't", "cannot",
                  "couldn't", "aside", "exception"}
# comparison words by the side they keep ("more than", "before"): a negation before one turns it to the other side
UPWARD = {"more", "over", "above", "after", "since", "greater", "larger", "exceeding", "exceed", "later", "older", "excess",
          "upwards",
          "longer", "taller", "bigger", "heavier"}
DOWNWARD = {"less", "fewer", "under", "below", "before", "prior", "earlier", "younger", "shorter", "smaller", "lighter"}
TEST_WORDS = {"any", "exist", "exists", "existed", "there", "ever", "yes", "every", "all", "unique", "same",
              "duplicate", "duplicates", "repeated", "more", "than", "whether", "true", "false"}
# "how many consecutive titles", "the longest winning streak": a run of rows in a row
STREAK_WORDS = {"consecutive", "consecutively", "successive", "row", "straight", "streak", "run", "longest"}
# "which club entered the same year as X", "who else ...": the other rows sharing X's value
SAME_WORDS = {"same", "as", "other", "others", "else", "exact", "exactly", "also", "too", "identical", "shared", "share",
              "shares", "year", "day", "date"}  # "the same day as X": the period the shared column holds
TIME_WORDS = {"year", "years", "yearly", "annual", "annually", "month", "months", "monthly", "quarter", "quarters",
              "quarterly", "week", "weeks", "weekly", "day", "days", "daily", "date", "dates", "time", "period",
              "trend", "trends", "over", "timeline", "evolution", "q1", "q2", "q3", "q4", "fy", "ytd"}
# verbs that say a dated event happened: explained by a filter or grouping on a date column
EVENT_WORDS = {"placed", "made", "created", "happened", "occurred", "recorded", "logged", "issued", "opened", "closed",
               "released", "founded", "born", "started", "ended", "joined", "hired", "signed", "submitted", "received",
               "sent", "shipped", "delivered", "paid", "filed", "reported", "sold", "bought", "purchased", "registered",
               "held", "took", "taken", "place", "published", "launched", "built", "established", "elected",
               "aired", "broadcast", "premiered", "debuted", "appointed"}
# verbs of a game, what a row of a table of results is: "how many times did we play Villa" counts those rows
GAME_VERBS = {"play", "plays", "played", "playing", "face", "faced", "facing", "meet", "met", "meeting"}
GENERIC_ROWS = {"row", "rows", "record", "records", "entry", "entries", "line", "lines", "item", "items", "case",
                "cases", "instance", "instances", "occurrence", "occurrences", "time", "times", "result", "results"}
# irregular forms, so "sell" and "sold" are accounted for by a Sales column
IRREGULAR = {"sell": "sale", "sells": "sale", "selling": "sale", "sold": "sale", "buy": "purchase", "bought": "purchase",
             "buying": "purchase", "pay": "payment", "paid": "payment", "win": "win", "won": "win", "lose": "loss",
             "lost": "loss", "losing": "loss", "spend": "spend", "spent": "spend", "earn": "earning", "earned": "earning",
             "cost": "cost", "costs": "cost", "born": "birth", "died": "death", "dead": "death", "grew": "growth",
             "grow": "growth", "score": "score", "scored": "score", "goal": "goal", "ran": "run", "led": "lead"}
# verbs and prepositions that tie a row to a filter value ("employees who work in IT", "based in NZ")
RELATION_WORDS = {"work", "works", "worked", "working", "belong", "belongs", "belonged", "live", "lives", "lived",
                  "based", "located", "situated", "come", "comes", "came", "go", "goes", "went", "take", "took",
                  "taken", "hold", "holds", "held", "serve", "serves", "served", "assigned", "employed", "attend",
                  "attended", "are", "being", "involved", "associated", "related", "labelled", "labeled", "marked",
                  "tagged", "classified", "categorized", "belonging", "originating", "placed", "put", "completed", "part", "leave", "leaves", "leaving", "depart",
                  "departs", "departing", "departed", "arrive", "arrives", "arriving", "arrived",
                  "finished", "achieved", "reached", "got", "gets", "generated", "ran", "represent", "represents",
                  "represented", "representing"}
MONEY_VERBS = {"paid", "spent", "earned", "received", "billed", "billing", "charged", "invoiced", "owed", "owe", "owes",
               "owing", "collected", "made"}
PEOPLE = {"employee", "staff", "worker", "member", "student", "customer", "player", "patient", "user", "candidate",
          "athlete", "driver", "rider", "runner", "person", "client", "agent", "manager", "teacher", "author"}
ENTITY_HEADS = {"name", "id", "code", "number", "no", "key", "title"}
NOT_ENTITIES = {"full", "first", "last", "given", "display", "short", "long", "unique", "record", "row", "serial",
                "sr", "sl", "s",  # "Sr. No.", "Sl. No.": serial numbers
                "reference", "ref", "file", "line", "item", "sequence", "seq", "index", "internal", "external"}
ORDINAL_WORDS = {"second", "third", "fourth", "fifth", "2nd", "3rd", "4th", "5th", "next"}
LIST_WORDS = {"which", "list", "name", "names", "what", "who", "identify", "all", "those", "them", "ones"}


# abbreviations in column names, so "average" is accounted for by "Math Avg. Score"
ABBREVIATIONS = {"avg": "average", "num": "number", "no": "number", "qty": "quantity", "amt": "amount",
                 "pct": "percent", "perc": "percent", "yr": "year", "yrs": "year", "mo": "month", "dept": "department",
                 "emp": "employee", "cust": "customer", "prod": "product", "desc": "description", "dt": "date",
                 "tot": "total", "rev": "revenue", "addr": "address", "tel": "telephone", "cnt": "count",
                 "min": "minimum", "max": "maximum", "std": "standard", "disc": "discount", "pop": "population",
                 # statistical tables mark figures "(p)" preliminary, "(r)" revised, "(e)" estimated
                 "p": "preliminary", "r": "revised", "e": "estimated", "boro": "borough",
                 "temp": "temperature", "temps": "temperature", "hr": "hours", "hrs": "hours"}


def _split_camel(text: str) -> str:
    """'WebsitePurchases' -> 'Website Purchases', 'ReportDate' -> 'Report Date' (names written as one word)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(text))


def _stems(text: str) -> set[str]:
    ws = list(dict.fromkeys(words(_split_camel(text)) + words(str(text))))  # "kW" is one word, not "k" and "w"
    ws += [w for w in words(fold(_split_camel(text))) if w not in ws]  # "Álvaro" is also said "alvaro"
    short_plurals = {w[:-1] for w in ws if len(w) == 3 and w.endswith("s")}  # "fb_ads": an ad
    return ({stem(w) for w in ws} | {stem(ABBREVIATIONS[w]) for w in ws if w in ABBREVIATIONS} | short_plurals
            | {w for w, vals in VALUE_WORDS.items() if any(v in ws for v in vals)})


def _reverse_synonyms(stems: set[str]) -> set[str]:
    """Words that the planner reads as one of these stems (revenue -> sale)."""
    return {w for w, target in SYNONYMS.items() if target in stems or stem(target) in stems}


def _all_filters(plan: Plan) -> list:
    """Every filter of a plan, wherever it sits (rows, measures, results, tests, anchors, streaks)."""
    out = list(plan.filters) + [f for m in plan.measures for f in m.where] + list(getattr(plan, "having", []) or [])
    if plan.test is not None:
        out += list(getattr(plan.test, "where", []) or [])
    for part in (getattr(plan, "relative", None), getattr(plan, "streak", None), getattr(plan, "same_as", None)):
        if part is not None:
            out += list(getattr(part, "anchor", []) or []) + list(getattr(part, "where", []) or [])
    return out


def _plan_columns(plan: Plan) -> set[str]:
    cols = set(plan.select) | {g.column for g in plan.group_by}
    for f in _all_filters(plan):
        cols |= {f.column} | {c for c in (getattr(f, "other_column", None), getattr(f, "ref_column", None)) if c}
    for m in plan.measures:
        cols |= {m.column} if m.column else set()
        cols |= {m.denominator} if getattr(m, "denominator", None) else set()
        if m.derived:
            cols |= {m.derived.left} | ({m.derived.right} if isinstance(m.derived.right, str) else set())
    cols |= {plan.buckets.column} if plan.buckets else set()
    cols |= {plan.test.column} if plan.test and plan.test.column else set()
    cols |= {o.by for o in plan.order}
    if plan.join:
        cols |= {plan.join.left_on, plan.join.right_on}
    if plan.unpivot:
        cols |= set(plan.unpivot.columns) | {plan.unpivot.name, plan.unpivot.value}
    if getattr(plan, "same_as", None):
        cols |= set(plan.same_as.columns)
    return {c for c in cols if c}


def _filter_values(plan: Plan) -> list:
    out = []
    for f in _all_filters(plan):
        out += [f.value] if f.value is not None else []
        out += list(f.values or [])
    return out


_DIFF = {"difference", "differ", "higher", "lower", "more", "less", "gap", "than", "much", "bigger", "smaller",
         "greater", "exceed", "exceeds", "minus", "above", "below"}
COMPUTE_WORDS = {
    "sub": _DIFF, "gap": _DIFF | {"between"}, "add": {"plus", "combined", "together", "sum", "total", "and"},
    "mul": {"times", "multiplied", "product"},
    "div": {"ratio", "per", "times", "divided", "relative", "proportion", "share", "rate"},
    "pct_change": {"growth", "grow", "grew", "grown", "change", "changed", "increase", "increased", "decrease",
                   "decreased", "drop", "dropped", "fell", "fall", "rise", "rose", "percent", "percentage", "from",
                   "compared", "over", "by"} | _DIFF,
}


def operation_vocabulary() -> set[str]:
    """Every word coverage reads as function or operation ("first", "after", "total"): such a word never names
    something inside a cell."""
    out = FILLER | ORDER_WORDS | GROUP_WORDS | COMPARE_WORDS | COMPARATIVES | NEGATION_WORDS | TEST_WORDS
    out |= TIME_WORDS | EVENT_WORDS | GENERIC_ROWS | RELATION_WORDS | NEIGHBOUR_WORDS | LIST_WORDS
    for ws in (*AGG_WORDS.values(), *COMPUTE_WORDS.values()):
        out |= ws
    return out


OPERATION_VOCABULARY = frozenset(operation_vocabulary())


DAY_VALUE = re.compile(r"^((?:19|20)\d\d)-(\d\d)-\d\d\b")


def _day_months(plan: Plan) -> set[str]:
    """Dates compared with a day ("dec 27 2013": between 2013-12-27 and its end; "after March 15, 2025") account
    for its month's names ("dec", "december") and the words of time."""
    months = {int(m.group(2)) for f in plan.filters if f.op in ("between", "gt", "gte", "lt", "lte")
              for v in [f.value, *(f.values or [])] if (m := DAY_VALUE.match(str(v)))}
    return {w for w, n in MONTHS.items() if n in months} | (TIME_WORDS if months else set())


def _operation_words(plan: Plan) -> set[str]:
    """Words of the operations the plan performs."""
    out: set[str] = set()
    for m in plan.measures:
        out |= AGG_WORDS.get(m.agg, set())
        if m.agg in ("count", "count_distinct"):
            out |= AGG_WORDS["count"]
        if m.where:
            out |= COMPARE_WORDS | AGG_WORDS["share"]
    if plan.order:
        out |= ORDER_WORDS
    elif plan.limit == 1:  # the first row in the sheet's order; a lookup's cap of 50 rows orders nothing
        out |= {"first"}
    if plan.order:
        out |= COMPARATIVES
    counted = {m.alias or _measure_name(m) for m in plan.measures if m.agg in ("count", "count_distinct")}
    if plan.order and all(o.by in counted for o in plan.order):
        # "which flight is the shortest": a count of rows measures no length, height or time
        out -= set(DIMENSIONS) | set(COMPARED_DIMENSIONS)
    if plan.relative:
        out |= NEIGHBOUR_WORDS
    if plan.streak:
        out |= STREAK_WORDS | AGG_WORDS["count"]
    if plan.same_as:
        out |= SAME_WORDS if plan.same_as.op == "eq" else COMPARE_WORDS | {"than"}
        if plan.same_as.op != "eq" and plan.order and plan.limit == 1:  # the nearest row past a named one
            out |= NEIGHBOUR_WORDS
        elif plan.same_as.op != "eq":  # every row past a named one ("finished ahead of X")
            out |= {"ahead", "behind"}
    if plan.group_by or plan.buckets:  # a grouped result is a comparison of its groups
        out |= GROUP_WORDS | AGG_WORDS["count"] | {"compare", "comparison", "compared", "versus", "vs", "against",
                                                   "difference", "differ", "breakdown"}
    if any(g.bucket for g in plan.group_by):
        out |= TIME_WORDS | EVENT_WORDS
    if plan.buckets:
        out |= COMPARE_WORDS | {"range", "ranges", "band", "bands", "bracket", "brackets", "group", "groups"}
    ops = {f.op for f in plan.filters} | {f.op for m in plan.measures for f in m.where}
    if ops & {"gt", "gte", "lt", "lte", "between"}:
        out |= COMPARE_WORDS
    zero = any(f.op == "eq" and f.value == 0 and not isinstance(f.value, bool) for f in plan.filters)
    if ops & {"ne", "not_in", "not_contains", "is_null"} or zero:  # "no gold", "did not win gold": none of them, Gold = 0
        out |= NEGATION_WORDS | {"empty", "blank", "missing"}
    if "not_null" in ops:
        out |= {"filled", "known", "recorded", "with", "have", "has", "some"}
    if ops & {"year", "month", "quarter"} or plan.unpivot:  # months laid out as columns read as rows are periods
        out |= TIME_WORDS | set(MONTHS) | EVENT_WORDS
    out |= _day_months(plan)
    if plan.test:  # "is there any ..." compares nothing: "did A earn more than B?" is no question of existence
        out |= TEST_WORDS - {"more", "than"}
        if plan.test.kind in ("more", "every", "some") or {f.op for f in _all_filters(plan)} & {"gt", "gte", "lt", "lte"}:
            out |= COMPARE_WORDS | {"more", "than"}
    counts = {m.alias or _measure_name(m) for m in plan.measures if m.agg in ("count", "count_distinct")}
    for c in plan.compute:
        out |= COMPUTE_WORDS[c.op]
        if c.op == "div" and c.right in counts:  # a total divided by how many things there are is their average
            out |= AGG_WORDS["avg"]
    if plan.select or plan.headline in ("label", "list"):
        out |= LIST_WORDS
    if plan.distinct_rows:
        out |= AGG_WORDS["count_distinct"]
    if plan.offset and plan.order:  # "the second highest": the rows past the first values in the order
        out |= ORDINAL_WORDS
    if plan.same_as and plan.same_as.op != "eq" and plan.order and plan.limit:
        out |= NEIGHBOUR_WORDS  # "the next highest after X": the nearest row past X's value
    return out


def row_entities(view) -> set[str]:
    """Stems of what one row is, from columns whose values are unique per row and whose names end in
    name/id/code/number ("SCHOOL NAME" -> school)."""
    out = set()
    for c in view.dtypes:
        ws = words(c)
        p = view.profiles.get(c, {})
        filled = max(1, p.get("rows", 0) - p.get("nulls", 0))
        if p.get("distinct", 0) < 0.95 * filled:
            continue
        if len(ws) >= 2 and ws[-1] in ENTITY_HEADS:
            out |= {stem(w) for w in ws[:-1] if w not in NOT_ENTITIES and w not in FILLER}
    return out


def unique_words(view) -> set[str]:
    """Stems of one-word columns whose values are unique per row ("Year"): "how many years" counts rows."""
    out = set()
    for c in view.dtypes:
        ws, p = words(c), view.profiles.get(c, {})
        filled = max(1, p.get("rows", 0) - p.get("nulls", 0))
        if len(ws) == 1 and ws[0] not in ENTITY_HEADS | FILLER and p.get("distinct", 0) >= 0.95 * filled:
            out |= {stem(ws[0])} | ({"year"} if stem(ws[0]) == "season" else set())  # a season is a year of play
    return out


def explained(planned: Planned) -> set[str]:
    """Stems of every word the plan accounts for."""
    plan, view = planned.plan, planned.table
    stems: set[str] = set()
    for c in _plan_columns(plan):
        stems |= _stems(c)
    for v in _filter_values(plan):
        stems |= _stems(v) | set(words(fold(v)))  # as written too: "agantis" is a typo of "aganits", not its stem
    stems |= {stem(w) for w in _reverse_synonyms(stems)}
    stems |= _stems(view.label) | _stems(view.file) | _stems(view.sheet)
    counts_rows = (any(m.agg == "count" and not m.column for m in plan.measures) or plan.select or plan.test
                   or plan.streak or _counts_row_keys(planned))
    if counts_rows:
        # what a row is: the entity of a unique name/id column ("Order ID": orders, "SCHOOL NAME": schools), or,
        # when no column says, any common row noun ("complaints"); the table's own names count too (above).
        # "students" in a table of schools, or "customers" in a table of orders, is not what a row is.
        stems |= row_entities(view) or {stem(w) for w in ROW_NOUNS}
        stems |= {stem(w) for w in GENERIC_ROWS | EVENT_WORDS} | unique_words(view)
    if plan.measures:  # an aggregate runs over rows: "per school" in a table whose rows are schools
        stems |= row_entities(view)
    amounts = [m.column for m in plan.measures if m.agg in ("sum", "avg", "median", "share", "ratio") and m.column
               and view.roles.get(m.column) not in ("count", "id", "ratio", "percent")]
    if amounts:  # "the total bonus paid": the verb of an amount (not of a count of signups)
        stems |= MONEY_VERBS | {stem(w) for w in MONEY_VERBS}
    if any(_an_amount(view, c) for c in amounts):
        # "grocery store sales in March": sales (revenue, turnover) are money or an amount sold; "the revenue the
        # signups generated" is no figure of a Signups column
        stems |= {"sale"}
    if any(m.column and view.roles.get(m.column) == "money" for m in plan.measures):
        # "total spend", "the highest bill": nouns of an amount of money, which a money column measures
        stems |= MONEY_NOUNS | {stem(w) for w in MONEY_NOUNS}
    if plan.filters or plan.streak:
        stems |= {stem(w) for w in RELATION_WORDS}
    if any(f.column == ROW for f in _all_filters(plan)):
        # rows picked by their place in the sheet ("the first and last game"): what a row is, and its ends
        stems |= {"first", "last"} | (row_entities(view) or {stem(w) for w in ROW_NOUNS}) | game_nouns(view)
    if any(m.as_number and m.column for m in plan.measures):
        # numbers read from text beside markers ("s" suppressed): the figure is over the reported numbers only
        stems |= {"reported", "report", "available"}
    if any(m.agg in ("min", "max") for m in plan.measures) or plan.order:
        # "the biggest single deal": one row's own value, so what a row is and words for one row
        stems |= row_entities(view) or {stem(w) for w in ROW_NOUNS}
        stems |= {"single", "individual", "one", "each"}
    if counts_rows and not plan.group_by:
        # "how many games", "which match": a row of a table of game results (a count per group counts rows of
        # another kind: "the most we scored in a single game" is no count of games per scorer)
        stems |= game_nouns(view) | ({stem(w) for w in GAME_VERBS} if game_nouns(view) else set())
    stems |= _outcome_words(plan, view)
    stems |= {v for c in _plan_columns(plan) for w in words(c) for v in TALLY_VERBS.get(stem(w), ())}
    stems |= {v for m in plan.measures if m.column for w in words(m.column) for v in CONTESTED.get(stem(w), ())}
    stems |= _winner_verbs(plan)
    if row_entities(view) & PEOPLE:  # a row is a person: "the lowest paid person", "anyone in Sales"
        stems |= {"person", "people", "someone", "individual"}
    stems |= {w for w, root in IRREGULAR.items() if root in stems}
    stems |= {stem(w) for w in _operation_words(plan)}
    return (stems | _kind_words(planned) | _title_words(planned) | _family_words(planned) | _dimension_words(plan)
            | _time_order_words(planned) | _sequence_verbs(planned) | _joint_rows(plan))


def _an_amount(view, col: str) -> bool:
    """The column measures an amount that sales are said of, not a count of things: a whole-number column named by
    a plural noun that is no amount ("Signups", "Visitors"; not "Units", "Hours", "Sales") counts things."""
    ws = words(col)
    last = ws[-1] if ws else ""
    plural = last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3
    counted = view.dtypes.get(col) == "integer" and plural and last not in ADDITIVE and stem(last) not in ADDITIVE
    return view.roles.get(col) == "money" or not counted


JOINT = {"together", "jointly"}


def _joint_rows(plan: Plan) -> set[str]:
    """"A and B worked on what episode together": the rows holding both named values, each in its own column
    (Written by A and Directed by B); values of one column (A or B) are two rows, which "together" would sum."""
    named = {f.column for f in plan.filters if f.op == "eq" and isinstance(f.value, str)}
    return JOINT if len(named) >= 2 else set()


# "drafted after X", "won before X", "who did they play after X": the verb of what each row records, which names
# the sequence a row next to X is read in (a draft's picks, a table of winners, of games)
SEQUENCE_VERBS = {
    "pick": {"drafted", "picked", "selected", "chosen"}, "draft": {"drafted", "picked", "selected", "chosen"},
    "winner": {"won", "win", "wins", "winning"}, "champion": {"won", "win", "wins", "winning"},
    "opponent": GAME_VERBS, "opposition": GAME_VERBS, "opponents": GAME_VERBS,
}


def _sequence_verbs(planned: Planned) -> set[str]:
    """A row next to a named row (in the sheet or in time) accounts for the verb of what the table's rows record,
    told by a column's name: "drafted" beside a Pick column, "won" beside a Winner column, "play" beside Opponent."""
    plan = planned.plan
    nearest = plan.same_as is not None and plan.same_as.op != "eq" and plan.limit == 1
    if not (plan.relative or nearest):
        return set()
    named = {stem(w) for c in planned.table.dtypes for w in words(c)}
    return {stem(v) for key, verbs in SEQUENCE_VERBS.items() if stem(key) in named for v in verbs}


def _counts_row_keys(planned: Planned) -> bool:
    """"how many singles were released" as the different values of a Single column that holds one per row: the
    count is the number of rows, so it accounts for what rows account for (the event a row records)."""
    plan, view = planned.plan, planned.table
    for m in plan.measures:
        p = view.profiles.get(m.column or "", {})
        filled = max(1, p.get("rows", 0) - p.get("nulls", 0))
        if m.agg == "count_distinct" and not plan.group_by and p.get("distinct", 0) >= filled:
            return True
    return False


def _time_order_words(planned: Planned) -> set[str]:
    """"the most recent song", "the newest stadium": a plan ordered by a column of dates or years, latest first."""
    from .planning.shapes import time_columns

    times = time_columns(planned.table)
    return {"recent", "recently", "newest"} if any(o.by in times and o.desc for o in planned.plan.order) else set()


QUANTITY_VERBS = {"sold", "sell", "sells", "selling", "bought", "buy", "buys", "ordered", "shipped", "purchased"}
QUANTITY_NAMES = {"qty", "quantity", "quantities", "unit", "units", "sold", "volume", "pieces", "pcs"}


def _quantity_verbs(question: str, planned: Planned) -> set[str]:
    """"which rep sold the most Dock Stations?" on order lines with a Units column: sold is units, not lines; a
    plan that does not read the table's quantity column does not account for the verb, unless the question names
    the rows it counts ("shipped the most orders")."""
    plan, view = planned.plan, planned.table
    said = {stem(w) for w in words(norm(question))}
    if said & (row_entities(view) | {stem(w) for w in ROW_NOUNS | GENERIC_ROWS}):
        return set()
    quantities = [c for c, d in view.dtypes.items() if d in ("integer", "number")
                  and any(w in QUANTITY_NAMES for w in words(c))]
    if not quantities or set(quantities) & _plan_columns(plan):
        return set()
    return {stem(w) for w in QUANTITY_VERBS}


def _quantity_nouns(planned: Planned) -> set[str]:
    """"the most units sold" read from a Qty (or Quantity) column: units and pieces are what the column counts."""
    cols = _plan_columns(planned.plan)
    if any(stem(ABBREVIATIONS.get(w, w)) == "quantity" for c in cols for w in words(c)):
        return {"unit", "piece"}
    return set()


def _dimension_words(plan: Plan) -> set[str]:
    """"the tallest building" (or "which is taller") ordered by Height, largest first: the adjectives of the
    dimension of a column the plan orders by, toward the end each picks (grounding.DIMENSIONS: "fastest" is the
    least time, not the most); "how long is the line" reading a Length column: the plain adjective of a column the
    plan reads."""
    ordered = {adj for o in plan.order for adj, (family, end) in (DIMENSIONS | COMPARED_DIMENSIONS).items()
               if o.desc == (end == "max") and {stem(w) for w in words(o.by)} & {stem(f) for f in family}}
    read = {stem(w) for c in _plan_columns(plan) for w in words(c)}
    plain = {"far" if adj.endswith("thest") else adj.removesuffix("est") for adj, (family, _) in DIMENSIONS.items()
             if read & {stem(f) for f in family}}
    return ordered | plain


def _winner_verbs(plan: Plan) -> set[str]:
    """Rows kept by a value of a Winner or Champion column account for "won" ("titles won by X"); a row found by
    it and another row read from there ("X won in 2010: who won the next year?") does not."""
    if plan.relative:
        return set()
    kept = [*plan.filters, *(f for m in plan.measures for f in m.where), *(plan.streak.where if plan.streak else [])]
    return {v for f in kept if f.op in ("eq", "in") for w in words(f.column) for v in WINNER_VERBS.get(stem(w), ())}


def _outcome_words(plan: Plan, view) -> set[str]:
    """A filter on the column of game results accounts for the words of the outcomes it keeps ("victories" for
    the rows starting with W) or leaves out ("did not win")."""
    from .planning.grounding import OUTCOME_WORDS, _outcome, result_column

    found = result_column(view)
    if found is None:
        return set()
    # the outcomes kept or, for "did not win", the one left out
    kept = {_outcome(v) for f in _all_filters(plan) if f.column == found[0] and f.op in ("eq", "in", "ne", "not_in")
            for v in ([f.value] if f.value is not None else f.values or [])}
    return {stem(w) for w, kind in OUTCOME_WORDS.items() if kind in kept} | {w for w, kind in OUTCOME_WORDS.items() if kind in kept}


def _family_words(planned: Planned) -> set[str]:
    """A plan on the Club column accounts for "team", on Nation for "country" (core/planning/words.py FAMILIES)."""
    from .planning.grounding import family_column

    cols = _plan_columns(planned.plan)
    return {w for f in FAMILIES for w in f if family_column(w, planned.table) in cols}


def _title_words(planned: Planned) -> set[str]:
    """A plan on a Title column accounts for the work it names ("song", "film"), where no column is named so."""
    from .planning.grounding import title_column

    col = title_column(planned.table)
    if col is None or col not in _plan_columns(planned.plan):
        return set()
    col_words = {stem(w) for c in planned.table.dtypes for w in words(c)}
    return {w for w in TITLED if w not in col_words}


def _kind_words(planned: Planned) -> set[str]:
    """A plan on the Gold, Silver, Bronze or Total column of a medal table accounts for "medals" and the verbs
    medals take ("won", "earned")."""
    found = table_kind(planned.table)
    if not found:
        return set()
    kind, total = found
    cols = {stem(w) for c in _plan_columns(planned.plan) for w in words(c)}
    if not cols & (KINDS[kind] | ({stem(w) for w in words(total)} if total else set())):
        return set()
    each = {"each", "kind", "type", "sort"} if _every_kind_equal(planned.plan, cols, KINDS[kind]) else set()
    return {kind} | {stem(w) for w in KIND_VERBS[kind]} | each


def _every_kind_equal(plan: Plan, cols: set[str], kinds: set[str]) -> bool:
    """"one of each kind of medal": the plan holds every kind's column (Gold, Silver, Bronze) to one number."""
    eq = [f for f in plan.filters if f.op == "eq" and [stem(w) for w in words(f.column)][:1] and
          stem(words(f.column)[0]) in kinds and len(words(f.column)) == 1]
    return kinds <= cols and {stem(words(f.column)[0]) for f in eq} == kinds and len({f.value for f in eq}) == 1


# a verb's ending and its noun's: "directed" / "Director", "inaugurated" / "inauguration", "established" /
# "Establishment" share the root left once they are off (five letters or more: "scored" is no "Scorer" of "scor");
# two nouns do not ("competitor" is no "Competition")
VERB_ENDING = re.compile(r"(?:ed|ing)$")
NOUN_ENDING = re.compile(r"(?:ion|ions|or|ors|ment|ments)$")


def _root(verb: str, noun: str) -> str:
    v, n = VERB_ENDING.sub("", verb), NOUN_ENDING.sub("", noun)
    return v if len(v) >= 5 and v != verb and n != noun and v == n else ""


def _related(a: str, b: str) -> bool:
    """One word is the other with an ending (ship / shipped, region / regional, hire / hired), or both are one root
    with a verb's or a noun's ending (directed / director)."""
    if same(a, b) or _root(a, b) or _root(b, a):
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) < 4:
        return False
    k = len(short) - 1 if short.endswith("e") else len(short)  # hire -> hir(ed)
    # the dropped "e" comes back as the ending's first letter (hir-ed, hir-ing); "sale" is no "salary"
    if k < len(short) and long_[k:k + 1] not in ("e", "i"):
        return False
    return long_.startswith(short[:k]) and len(long_) - k <= 4


def _typo(a: str, b: str) -> bool:
    """One letter missing, added or changed ('totl' for 'total', 'salry' for 'salary'), in words of 5+ letters."""
    if min(len(a), len(b)) < 4 or max(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1 or a[0] != b[0]:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        # one letter changed, or two neighbours swapped ("whcih")
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


ORDINAL_END = re.compile(r"(?<![\w.])(\d+)(?:st|nd|rd|th)\b", re.I)
NUMBER_RE = re.compile(r"(?<![\w.])[-+]?\d(?:[\d,]*\d)?(?:\.\d+)?%?")


def _plan_numbers(plan: Plan) -> list[float]:
    vals = []
    nth = [plan.offset + 1] if plan.offset and plan.order else []  # "the 2nd highest": one past the first
    for v in _filter_values(plan) + ([plan.limit] if plan.limit else []) + list(plan.buckets.edges if plan.buckets else []) + nth:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            vals.append(float(v))
        else:
            vals += [float(x) for x in re.findall(r"\d+(?:\.\d+)?", str(v))]
    return vals


def _number_used(text: str, plan_nums: list[float]) -> bool:
    pct = text.endswith("%")
    x = float(text.rstrip("%").replace(",", ""))
    cands = [x, x / 100] if pct else [x]
    return any(abs(c - v) <= 1e-9 * max(1.0, abs(v)) for c in cands for v in plan_nums)


def _whole_columns(question: str, planned: Planned) -> set[str]:
    """Columns named after 'all' / 'every' / 'across': the whole of them, which a plan without a filter on
    them accounts for ("total sales across all retailers")."""
    out = set()
    for m in re.finditer(r"\b(?:all|every|across|any|each of the|all of the)\s+((?:\w+\s?){1,3})", norm(question)):
        out |= {stem(w) for w in words(m.group(1))}
    return {s for s in out if any(s in _stems(c) for c in planned.table.dtypes)}


def _compound_modifiers(question: str, planned: Planned) -> set[str]:
    """"return reason" with columns Return? and Reason: the last noun of a compound is its head, and the word
    before it, naming another column, says whose reasons; a plan that groups by the head, or keeps the rows
    where it is filled in, reads the compound."""
    heads = [f.column for f in _all_filters(planned.plan) if f.op == "not_null"] + [g.column for g in planned.plan.group_by]
    qw = [stem(w) for w in words(question)]
    cols = {s for c in planned.table.dtypes for s in _stems(c)}
    out = set()
    for h in heads:
        hs = _stems(h)
        out |= {qw[i - 1] for i in range(1, len(qw)) if qw[i] in hs and qw[i - 1] in cols and qw[i - 1] not in hs}
    return out


def _noted(question: str, planned: Planned) -> set[str]:
    """"seasonally adjusted" for a filter on ADJUSTED(2) (or on NOT ADJUSTED beside it): a word the sheet's note
    on the value's word uses, right before that word."""
    from .planning.grounding import note_modifiers

    qw = words(question)
    values = {s for v in _filter_values(planned.plan) for s in _stems(v)}
    return {stem(qw[i]) for i in note_modifiers(qw, planned.table) if stem(qw[i + 1]) in values}


CLASS_NOUNS = {"method", "mode", "status", "kind", "type", "category", "option", "channel", "group", "class"}


def _class_nouns(question: str, planned: Planned) -> set[str]:
    """"payment method" for a column Payment, "demu category" for a value DEMU: a noun of kinds after a word of a used
    column or filtered value says no more than the column does, unless it names a column of its own."""
    qw = [stem(w) for w in words(question)]
    used = {s for c in _plan_columns(planned.plan) for s in _stems(c)}
    # "how many trains are demu category": after a value the plan filters on, the noun says what kind it is
    used |= {s for v in _filter_values(planned.plan) if isinstance(v, str) for s in _stems(v)}
    own = {s for c in planned.table.dtypes for s in _stems(c)}
    return {w for i, w in enumerate(qw[1:], 1) if w in CLASS_NOUNS and qw[i - 1] in used and w not in own}


def _negated_comparisons(question: str, planned: Planned) -> set[str]:
    """"not released before 2012", "no more than 13 innings": a negation turning the comparison after it, which the
    plan's comparison says it turned (2012 or later, 13 or fewer); every use of the word must be such a one."""
    qw = words(question)
    ops = {f.op for f in _all_filters(planned.plan)}
    out: set[str] = set()
    for w in {w for w in qw if w in NOT_VERB | {"no"}}:
        turned = []
        for i in (i for i, x in enumerate(qw) if x == w):
            after = qw[i + 1:i + 1 + NEGATED_REACH]
            j = next((j for j, x in enumerate(after) if x in UPWARD | DOWNWARD), None)
            turned.append(j is not None and not NOT_ACROSS & set(after[:j])
                          and bool(ops & ({"lte", "lt"} if after[j] in UPWARD else {"gte", "gt"})))
        if all(turned):
            out.add(w)
    return out


def unused_words(question: str, planned: Planned) -> list[str]:
    """Content words (and numbers) of the question the plan does not account for, in question order."""
    from .planning.grounding import said_plainly

    question = said_plainly(question)
    plan = planned.plan
    covered = (explained(planned) | _whole_columns(question, planned) | _counted_rows(question, planned)
               | _compound_modifiers(question, planned))
    covered |= _counted_total(question, planned) | _came_out(question, planned)
    covered -= _quantity_verbs(question, planned)
    covered |= _quantity_nouns(planned)
    covered |= {s for _, s in table_subjects(question, planned.table)} | _light_verbs(question, planned)
    covered |= _out_released(question, covered) | _table_verbs(question, planned)
    covered |= (_the_table_itself(question, planned) | _noted(question, planned) | _class_nouns(question, planned)
                | _place_words(question, planned) | _unit_words(question, planned) | _season_words(planned)
                | _years_apart(planned) | _compared_words(question, planned) | _negated_comparisons(question, planned)
                | _row_totals(question, planned) | _periodly_average(question, planned)
                | _verbs_of_none(question, planned) | _said_text_words(question, planned) | _initials(question, planned)
                | _chart_words(question, planned) | _year_parts(question, planned))
    out = _unexplained(question, plan, covered) + _beyond_a_column(question, planned) + _untested(question, planned)
    named = {w for w in covered if w.isdigit()}  # numbers in the table's or file's name ("t_2019")
    return [w for w in out if not (w[:1].isdigit() and w.rstrip("%").replace(",", "") in named)]


CHART_WORDS = {"position", "spot", "place", "placing", "peak", "peaked", "chart", "charted", "hit", "reach", "reached"}


def _chart_words(question: str, planned: Planned) -> set[str]:
    """"the highest spot on the UK chart" read on a column of chart places: the words of reaching a place on it."""
    from .planning.grounding import chart_positions

    q, plan = norm(question), planned.plan
    charts = {c for c in _plan_columns(plan) if chart_positions(q, c, planned.table)}
    if not charts:
        return set()
    # "the best US peak": the best place is the smallest number, which the plan's minimum or order reads
    ends = any(m.agg in ("min", "max") and m.column in charts for m in plan.measures) or any(
        o.by in charts for o in plan.order)
    return CHART_WORDS | {stem(w) for w in CHART_WORDS} | ({"best", "worst"} if ends else set())


def _year_parts(question: str, planned: Planned) -> set[str]:
    """"the first half of 2025", "the last quarter of 2024": the ordinal and the part name the months filtered on."""
    if not {f.op for f in _all_filters(planned.plan)} & {"month", "quarter"}:
        return set()
    return {stem(w) for m in PERIOD_PART.finditer(norm(question)) for w in m.groups()}


def _initials(question: str, planned: Planned) -> set[str]:
    """"purchase orders" read by a "PO Number" column: words whose first letters spell a short word of a column
    the plan reads (two or three letters) are that word written out."""
    qw = words(norm(question))
    out: set[str] = set()
    for c in _plan_columns(planned.plan):
        for w in words(c):
            n = len(w)
            if n not in (2, 3) or not w.isalpha():
                continue
            for i in range(len(qw) - n + 1):
                run = qw[i:i + n]
                if "".join(x[0] for x in run) == w and all(len(x) > 1 and x not in FILLER for x in run):
                    out |= {stem(x) for x in run}
    return out


BEYOND_COLUMN = re.compile(r"\b(over|under|above|below)\s+(?:the\s+|its\s+|their\s+)?([a-z][\w'-]*)")


def _beyond_a_column(question: str, planned: Planned) -> list[str]:
    """"most over budget": "over" a number column's name compares another figure with it (Actual - Budget); a
    plan that compares no two columns leaves that "over" unread, though "over" is filler elsewhere."""
    plan, view = planned.plan, planned.table
    numbers = {stem(w) for c, d in view.dtypes.items() if d in ("integer", "number") for w in words(c)}
    compares = (any(f.other_column for f in _all_filters(plan))
                or any(c.op in ("sub", "gap", "div") for c in plan.compute))
    return [m.group(1) for m in BEYOND_COLUMN.finditer(norm(question))
            if stem(m.group(2)) in numbers and not compares]


COUNTING = re.compile(r"\b(how many|number of|count|times)\b")


def _periodly_average(question: str, planned: Planned) -> set[str]:
    """"average daily rainfall": "daily" read by one mean over the rows of a table with one date column (the
    planner answers it only where the kept rows are one a day, core.planning.shapes.one_row_per_period)."""
    from .planning.grounding import PERIODLY_AVERAGE

    m = PERIODLY_AVERAGE.search(norm(question))
    plan = planned.plan
    mean = [x for x in plan.measures if x.agg == "avg" and x.column]
    return {m.group(1), stem(m.group(1))} if m and mean and not plan.group_by and len(planned.table.dates()) == 1 else set()


def _counted_total(question: str, planned: Planned) -> set[str]:
    """"the total number of games": "total" of a count when the question counts; "the total value of order X"
    is no number of rows."""
    counts = any(m.agg in ("count", "count_distinct") for m in planned.plan.measures)
    return {"total"} if counts and COUNTING.search(norm(question)) else set()


CAME_OUT = re.compile(r"\b(?:came|come|comes|coming) (out)\b")


def _came_out(question: str, planned: Planned) -> set[str]:
    """"how many singles came out in 2015": "came out" is the release a row records, so a count of the rows
    accounts for "out" as it does for "released"."""
    plan = planned.plan
    rows = any(m.agg == "count" and not m.column for m in plan.measures) or _counts_row_keys(planned)
    return {"out"} if rows and not plan.group_by and CAME_OUT.search(norm(question)) else set()


def content_count(question: str, planned: Planned) -> int:
    """How many content words (and numbers) the question has, counted as unused_words counts them."""
    return len(_unexplained(question, planned.plan, set()))


def _season_words(planned: Planned) -> set[str]:
    """"in 2006" of a filter on the season "2005–06": the years a filtered season starts and ends in."""
    from .planning.words import season_years

    spans = [season_years(v) for v in _filter_values(planned.plan) if isinstance(v, str)]
    return {stem(str(y)) for yrs in spans if yrs for y in yrs}


def _unit_words(question: str, planned: Planned) -> set[str]:
    """"at least 80 meters": the unit of a column of numbers with a unit the plan reads ("107 m")."""
    from .planning.words import SECONDS_IN, UNIT_NAMES, cell_unit

    units = {cell_unit(planned.table.units.get(c, "")) for c in planned.plan.unit_columns} - {None}
    q = norm(question)
    out = {stem(w) for w in words(q) if UNIT_NAMES.get(w) in units}
    if planned.plan.duration_columns:  # durations ("2h 05m") read as seconds: "over 7 hours", "in minutes" divided
        out |= {"time", "duration"}  # "the flight time": what the column of durations holds
        given = {c.right for c in planned.plan.compute if c.op == "div"}
        out |= {stem(w) for w in words(q) if (u := UNIT_NAMES.get(w)) in SECONDS_IN and (
            u == "s" or SECONDS_IN[u] in given or re.search(rf"\d\s*{re.escape(w)}\b", q))}
    return out


def _years_apart(planned: Planned) -> set[str]:
    """"the difference, in years, between the founding of A and B": a gap between two figures of a column of
    years (a Founded column of 1850-2000) is a number of years."""
    plan, t = planned.plan, planned.table
    if not any(c.op in ("sub", "gap") for c in plan.compute) or not plan.measures:
        return set()
    for m in plan.measures:
        p = t.profiles.get(m.column or "", {})
        if t.dtypes.get(m.column or "") != "integer" or not 1800 <= (p.get("min") or 0) <= (p.get("max") or 0) <= 2100:
            return set()
    return {"year", "years"}


def _place_words(question: str, planned: Planned) -> set[str]:
    """"came in first place", "placed third or better": the words of a place in a ranking, when the plan filters
    the table's column of places on that place (core/planning/grounding.py: place_filters)."""
    from .planning.grounding import blank_places_above, place_column, place_phrases

    col = place_column(planned.table)
    # places above the numbered ones left blank (medal rows) are read by their row in the sheet
    cols = {col, ROW} if col is not None and blank_places_above(planned.table, col) else {col}
    places = {float(f.value) for f in _all_filters(planned.plan) if f.column in cols and isinstance(f.value, int)}
    q = norm(question)
    # "did they place better in 1987/88 or 1993/94": ordered by the places, the smaller first, is "better"
    better = {"better" if not o.desc else "worse" for o in planned.plan.order if col is not None and o.by == col}
    return {stem(w) for s, e, n, _ in place_phrases(q) if n in places for w in words(q[s:e])} | better


# "received over 10% of the vote": the verb of the quantity compared
COMPARED_VERBS = {"have", "has", "had", "got", "get", "gets", "received", "receive", "receives", "gained", "obtained",
                  "polled", "garnered", "drew", "attracted"}
MONEY_WON = {"won", "earned", "made", "paid", "spent", "raised", "grossed", "cost", "costs", "collected"}


NONE_OF = re.compile(r"\b([a-z]+)\s+(?:no|zero)\s+([a-z][\w'-]*)")


def _verbs_of_none(question: str, planned: Planned) -> set[str]:
    """"drivers who earned no bonus", "nations that won no gold": the verb of "no <column>", when the plan reads
    that column as empty or 0 on the rows counted (core/planning/grounding.py: presence_filters, _none_of)."""
    none = [f.column for f in _all_filters(planned.plan)
            if f.op == "is_null" or f.op == "eq" and f.value == 0 and not isinstance(f.value, bool)]
    out = set()
    for m in NONE_OF.finditer(norm(question)):
        if m.group(1) in COMPARED_VERBS | MONEY_WON and any(
                same(stem(m.group(2)), stem(w)) for c in none for w in words(c) if w not in STOP):
            out.add(stem(m.group(1)))
    return out


SAID_IN = re.compile(r"\b(?:in|of)\s+(?:the|its|their|his|her)\s+(title|name)s?\b|\b(name|title)s?\s+(?=\w+\s+with\b|"
                     r"(?:contains?|includes?|have|has|had)\b)")


SAID_VERBS = {"include", "includes", "included", "including", "contain", "contains", "contained", "containing",
              "have", "has", "had", "having", "with", "use", "uses", "used", "using", "feature", "features"}


def _said_text_words(question: str, planned: Planned) -> set[str]:
    """"names that start with "t"", "the word "love" in the title": the words of a test of cells by a word or a
    letter, when the plan lists the cells that pass it (core/planning/grounding.py: said_text_filters). "title"
    and "name" there say the cell is the text tested, whichever column holds it."""
    from .planning.grounding import said_text

    listed = [f for f in _all_filters(planned.plan) if f.op == "in" and f.column in planned.table.texts()]
    found = said_text(question)
    if not listed or not found:
        return set()
    q = question.lower().replace("\u2019", "'")
    out = {stem(w) for _, _, m in found for w in words(m.group(0)[:m.start(1) - m.start()])}
    # the verb of the test ("names include the word stable", "songs that contain the word")
    out |= {stem(b[-1]) for _, _, m in found if (b := words(q[:m.start()])) and b[-1] in SAID_VERBS}
    return out | {stem(m.group(1) or m.group(2)) for m in SAID_IN.finditer(norm(question))}


def _untested(question: str, planned: Planned) -> list[str]:
    """"songs that start with "q"": a test of cells by a word or a letter that the plan lists no cells for is
    unread, whatever else covers its words (a letter is no word the other checks see)."""
    from .planning.grounding import said_text

    if any(f.op == "in" and f.column in planned.table.texts() for f in _all_filters(planned.plan)):
        return []
    return [said for _, said, _ in said_text(question)]


def _compared_words(question: str, planned: Planned) -> set[str]:
    """The words of a comparison the plan filters on ("no more than 13", "more then 0.1"): the phrase itself, the
    verb before it, and what a compared share is of ("over 10% of the vote": the votes the percentage counts)."""
    from .planning.grounding import COMPARISONS, NAMED_BETWEEN, SHARE_OF

    fs = [f for f in _all_filters(planned.plan) if f.op in ("gt", "gte", "lt", "lte")
          and isinstance(f.value, (int, float)) and not isinstance(f.value, bool)]
    q, out = norm(question), set()
    for pat, op in COMPARISONS:
        for m in re.finditer(pat, q):
            v = compared_number(m.group(1))
            share = SHARE_OF.match(q[m.end():])
            if not any(f.op == op and (abs(f.value - v) <= 1e-9 or share and abs(f.value * 100 - v) <= 1e-6)
                       for f in fs):
                continue
            head = q[m.start():m.start(1)]
            named = NAMED_BETWEEN.search(head)
            out |= {stem(w) for w in words(head[:named.start()] if named else head)}
            before = words(q[:m.start()])
            verbs = COMPARED_VERBS | (MONEY_WON if "$" in m.group(0) else set())  # "won at least $400"
            out |= {stem(before[-1])} if before and before[-1] in verbs else set()
            out |= {stem(share.group(1))} if share else set()
    return out


def _row_totals(question: str, planned: Planned) -> set[str]:
    """"which coach had greater than 700 total wins?": "total" between the compared number and the column's own
    word, when the plan lists a column that names every row once: a row's number is that one's total."""
    plan, view = planned.plan, planned.table
    if plan.measures or len(plan.select) != 1 or view.distinct_ratio(plan.select[0]) < 0.999:
        return set()
    q, out = norm(question), set()
    for f in _all_filters(plan):
        own = "|".join(re.escape(w) for w in words(f.column) if w not in STOP)
        if f.op not in ("gt", "gte", "lt", "lte", "eq") or not isinstance(f.value, (int, float)) or not own:
            continue
        for m in re.finditer(rf"([\d,]+(?:\.\d+)?)\s+(total|combined|overall)\s+(?:{own})\b", q):
            if abs(compared_number(m.group(1)) - f.value) <= 1e-9:
                out.add(m.group(2))
    return out


THE_TABLE = re.compile(r"\b(?:on|in|from|according to|of|by)\s+(this|the)\s+(chart|table|list|graph|page|record)\b")


def _the_table_itself(question: str, planned: Planned) -> set[str]:
    """"listed on this chart", "according to the table": the table the question is asked of, where no column
    is named so ("the chart" beside a Chart column is that column)."""
    cols = {stem(w) for c in planned.table.dtypes for w in words(c)}
    return {stem(m.group(2)) for m in THE_TABLE.finditer(norm(question))
            if m.group(1) == "this" or stem(m.group(2)) not in cols}


# nouns a whole table is often the record of, where the sheet has no title: one team's games, a singer's songs, a
# director's films, one season, race or tournament ("how many games did this team play", "wins in the season")
SUBJECT_NOUNS = {"team", "club", "squad", "band", "artist", "singer", "director", "actor", "actress", "author",
                 "writer", "composer", "player", "athlete", "competitor", "racer", "driver", "rider", "boxer",
                 "fighter", "wrestler", "swimmer", "runner", "cyclist", "skater", "album", "season", "race",
                 "tournament", "competition", "championship", "contest", "league", "rivalry", "franchise", "career",
                 "award"}
SUBJECT = re.compile(r"\b(this|these|the)\s+([a-z]+(?:'s)?)(?![\w'-])")


def _names_in_table(s: str, view) -> bool:
    """The table names the word: a column, a short value, a column of its family ("team" for Club), or what a row is."""
    from .planning.grounding import game_nouns

    fam = next((f for f in FAMILIES if s in f), {s})
    return (any(same(s, c) or c in fam for c in data_words(view)) or s in row_entities(view)
            or s in game_nouns(view))


def _rows_are_years(view) -> bool:
    """A table of one row per year (a Year or Season column of unique years): "the season" is one of its rows."""
    from .planning.shapes import time_columns

    return any(view.dtypes.get(c) in ("integer", "number") and view.distinct_ratio(c) >= 0.95
               for c in time_columns(view)) or any(w in ("season", "year") for c in view.dtypes for w in words(c))


def table_subjects(question: str, view) -> list[tuple[str, str]]:
    """"this team", "this album", "the season": a noun of what a whole table is about (SUBJECT_NOUNS), said with
    "this" or "the" (or "these" and a plural), that the table names nowhere (no column, value, family column or
    row of that name): WikiTable-like sheets have no title, so the question names their subject so. Each as (phrase,
    stem). Not when the noun is also what a row is (the counted noun, a work beside a Title column when no other
    work is named), when the noun is said elsewhere without them ("which team ..."), or "the season" when a row is
    a year."""
    from .planning.grounding import counted_noun, title_column

    q = norm(question)
    qw = [stem(w) for w in words(q)]
    counted = counted_noun(q, view)
    out = []
    for m in SUBJECT.finditer(q):
        w = m.group(2).removesuffix("'s")
        s = stem(w)
        plural = s != w
        if (s not in SUBJECT_NOUNS or plural != (m.group(1) == "these") or _names_in_table(s, view)
                or (counted and stem(counted) == s) or (s == "season" and _rows_are_years(view))):
            continue
        if s in TITLED and title_column(view) and not any(x in TITLED and x != s for x in qw):
            continue  # "this album" beside a Title column of albums: one of its rows
        out.append((m.group(0), s))
    said = {s for _, s in out}
    # every mention of the noun must be one of these phrases ("which team ... the team" asks for a team)
    alone = {s for s in said if qw.count(s) > sum(1 for _, t in out if t == s)}
    return [(p, s) for p, s in out if s not in alone]


def subject_note(question: str, planned: Planned) -> str:
    """The interpretation's words on a noun read as the whole table's subject ("'this team' read as what the
    whole table is about") and on a work counted as the table's rows beside a code column, or ""."""
    found = list(dict.fromkeys(p for p, _ in table_subjects(question, planned.table)))
    works = counted_works(question, planned) if row_entities(planned.table) else None
    rows = f" (counting rows: each row is one {stem(works[0])}, named in {works[1]})" if works else ""
    if not found:
        return rows
    said = " and ".join(f"'{p}'" for p in found)
    return f" ({said} read as what the whole table is about: the table names no other)" + rows


# verbs of having or undergoing ("losses brazil suffered", "albums that garnered a chart position") and of taking
# part ("the assists he participated in", "the songs on which they collaborated"): they tie the table's subject or
# a row to what the question's other words name, and add no condition of their own
LIGHT_VERBS = {"suffer", "suffers", "suffered", "suffering", "garner", "garners", "garnered", "incur", "incurred",
               "sustain", "sustained", "endure", "endured", "amass", "amassed", "accumulate", "accumulated",
               "participate", "participates", "participated", "participating", "collaborate", "collaborates",
               "collaborated", "collaborating", "partake", "partook"}
# "the section they played in", "the club he played for": playing in or for something is taking part in it;
# "the roles he played" is no light verb (what was played is counted)
PLAYED_IN = re.compile(r"\b(play|played|playing)\s+(?:in|for)\b")


def _light_verbs(question: str, planned: Planned) -> set[str]:
    """The light verbs of the question, where no column or value of the table is named by them."""
    said = {stem(w) for w in words(question) if w in LIGHT_VERBS}
    said |= {stem(m.group(1)) for m in PLAYED_IN.finditer(norm(question))}
    return said - data_words(planned.table) if said else set()


def _out_released(question: str, covered: set[str]) -> set[str]:
    """"in what year did the track come out?": "come out" is "released", so a plan accounting for "released" (a
    lookup, a count of rows, a time filter) accounts for "out"."""
    return {"out"} if "released" in covered and CAME_OUT.search(norm(question)) else set()


# verbs whose subject or place is the table itself: "the seasons covered in the table", "the cities the chart includes"
TABLE_VERBS = {"cover", "covers", "covered", "include", "includes", "included", "contain", "contains", "contained",
               "feature", "features", "featured", "mention", "mentions", "mentioned"}
NAMED_TABLE = re.compile(r"\b(?:this|the)\s+(?:chart|table|list|graph)\b")
SPAN_UNITS = {"year", "month", "week", "day", "decade", "century", "hour", "minute"}


def _table_verbs(question: str, planned: Planned) -> set[str]:
    """A verb of containing said of the table the question names ("the number of seasons covered in the table").
    Not with a unit of time counted ("how many years does the table cover" asks for a span, not its rows)."""
    q = norm(question)
    if not NAMED_TABLE.search(q) or any(stem(w or "") in SPAN_UNITS for m in COUNTED_NOUN.finditer(q) for w in m.groups()):
        return set()
    return {stem(w) for w in words(q) if w in TABLE_VERBS}


COUNTED_NOUN = re.compile(r"\b(?:how many|number of|count of)\s+([a-z]+)(?:\s+([a-z]+))?")


def _counted_rows(question: str, planned: Planned) -> set[str]:
    """"how many tracks are listed?" counting rows of a table that no column says what a row is of: the noun
    counted is what a row is (core/planning/grounding.py: counted_noun)."""
    from .planning.grounding import counted_noun

    plan = planned.plan
    rows = any(m.agg == "count" and not m.column for m in plan.measures) and not plan.group_by
    if not rows:
        return set()
    if row_entities(planned.table):
        found = counted_works(question, planned)
        return {stem(found[0])} if found else set()
    noun = counted_noun(norm(question), planned.table)
    return {stem(noun)} if noun else set()


def counted_works(question: str, planned: Planned) -> tuple[str, str] | None:
    """"the number of episodes directed by X" counting the rows of a table with a Title column of one title a row:
    each row is a work, so the work counted (TITLED: an episode, a song, a film) is what a row is, even where a
    code column ("Prod. code") names a row otherwise. (noun, the Title column), or None; not where a code column
    names a row another work ("Album ID" beside "how many songs")."""
    from .planning.grounding import counted_noun, title_column

    plan, view = planned.plan, planned.table
    if not any(m.agg == "count" and not m.column for m in plan.measures) or plan.group_by:
        return None
    col = title_column(view)
    noun = counted_noun(norm(question), view)
    if col is None or noun is None or stem(noun) not in TITLED or view.distinct_ratio(col) < 0.95:
        return None
    return None if row_entities(view) & TITLED else (noun, col)


SIMILAR = 0.4  # the routing threshold (core/planning/grounding.py: a number column chosen by meaning)


def reading_by_meaning(question: str, unused: list[str], planned: Planned, similar) -> str | None:
    """The question with each unused word replaced by the plan's column closest in meaning ("average
    compensation" -> "average Salary"), when every unused word has one; else None.

    Measured over the dev sets, a word close in meaning to a used column is as often a wrong plan as a right
    one, so this is offered as a reading to confirm, never answered on its own.
    """
    names = sorted(_plan_columns(planned.plan) - {"#row"})
    if not unused or not names or any(w[:1].isdigit() for w in unused):
        return None
    text = question
    for w in unused:
        best = max(names, key=lambda n: similar(w, [n]))
        if similar(w, [best]) < SIMILAR:
            return None
        text = re.sub(rf"\b{re.escape(w)}\b", best, text, count=1, flags=re.IGNORECASE)
    return text


DOTTED = re.compile(r"(?<![\w.])((?:[a-z]\.){2,})")


def _abbreviations(question: str, plan: Plan, covered: set[str]) -> list[str]:
    """"u.s.", "u.k.": dotted initials are content words too (their letters alone are too short to be read),
    explained by a word of those letters or a filter value with those initials ("United States")."""
    values = [norm(str(v)) for v in _filter_values(plan)]
    initials = {"".join(w[0] for w in words(v)) for v in values}
    out = []
    for m in DOTTED.finditer(norm(question)):
        letters = m.group(1).replace(".", "")
        if letters not in covered and letters not in initials and not any(m.group(1) in v for v in values):
            out.append(m.group(1))
    return out


TIME_TAKEN = re.compile(r"(?<![\d:])\d{1,3}(?::[0-5]\d){1,2}(?:\.\d+)?(?![\d:])")


LETTER_COMPOUND = re.compile(r"(?<![\w'-])([a-z])-([a-z]{2,})\b")
HYPHEN_PLURAL = re.compile(r"\b([a-z]+-[a-z]*[a-rt-z])s\b", re.I)


def _unexplained(question: str, plan: Plan, covered: set[str]) -> list[str]:
    plan_nums = _plan_numbers(plan)
    for d in re.finditer(TIME_TAKEN, question):  # "below 5:56:21": one number, its seconds compared
        if any(abs(compared_number(d.group(0)) - v) <= 1e-6 for v in plan_nums):
            question = question.replace(d.group(0), " ")
    if plan.duration_columns:  # "longer than 7 hours": 7 compared as 25200 seconds
        question = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)(?=\s*([a-z]+))", lambda d: " " if any(
            abs((in_seconds(float(d.group(1)), d.group(2)) or -1) - v) <= 1e-6 for v in plan_nums) else d.group(0),
            question)
    question = HYPHEN_PLURAL.sub(r"\1", question)  # "runner-ups": the compound "runner-up", "ups" no word alone
    out: list[str] = _abbreviations(question, plan, covered)
    # "e-bikes", "x-rays": a one-letter part says which kind; no letter is a word alone, so the compound is read
    # only when the plan uses that letter (a value "E-bike"), never by its head ("bike" of the table's name)
    out += [m.group(0) for m in LETTER_COMPOUND.finditer(norm(question)) if m.group(1) not in covered]
    for m in NUMBER_RE.finditer(question):
        if not _number_used(m.group(0), plan_nums) and not (m.group(0) == "1" and plan.limit == 1):
            out.append(m.group(0))
    # "2nd", "23rd": the number is checked above, its ending is no word of its own
    for w in words(NUMBER_RE.sub(" ", ORDINAL_END.sub(r"\1", question))):
        if w in FILLER or w == "%" or len(w) == 1 or w.isdigit():
            continue
        if w in WORD_NUM and float(WORD_NUM[w]) in plan_nums:
            continue
        s = stem(w)
        if w in MONTHS and w[:3] in covered:  # "March" for a column "Mar. 2020"
            continue
        if s in covered:
            continue
        # an operation word is read exactly or not at all: "below" is no typo of "belong"
        if w not in OPERATION_VOCABULARY and any(_related(s, c) or _typo(s, c) for c in covered if len(c) >= 4):
            continue
        if len(w) >= 5 and any(_typo(w, f) for f in FILLER if len(f) >= 5):  # "whcih"
            continue
        if w not in out:
            out.append(w)
    return out


NAME_WORDS = 6  # a text value longer than this is a sentence (a note, a footnote), not a name


def data_words(view) -> set[str]:
    """Stems of the words that name something in a table: its column names and its short text values
    (a word inside a long note names nothing)."""
    out = {s for c in view.dtypes for s in _stems(c)}
    for key in view.values:
        ws = words(key)
        if len(ws) <= NAME_WORDS:
            out |= {stem(w) for w in ws}
    return out


def ignored_data(unused: list[str], planned: Planned) -> list[str]:
    """The unused words that name a column or a value of the plan's table, or are numbers: what a plan
    written by a language model (which reads the question's other words by meaning) must not leave out."""
    names = data_words(planned.table)
    return [w for w in unused if w[:1].isdigit() or stem(w) in names]


def _period(f) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The dates a time filter keeps, when it names a whole period (a year, or a range)."""
    try:
        if f.op == "year":
            years = [int(v) for v in (f.values or [f.value])]
            return pd.Timestamp(min(years), 1, 1), pd.Timestamp(max(years), 12, 31, 23, 59, 59)
        if f.op in ("gt", "gte"):
            return pd.Timestamp(f.value), pd.Timestamp.max
        if f.op in ("lt", "lte"):
            return pd.Timestamp.min, pd.Timestamp(f.value)
        if f.op == "between" and f.values:
            return pd.Timestamp(f.values[0]), pd.Timestamp(f.values[1])
    except (TypeError, ValueError, OverflowError):
        return None
    return None


def _narrowed(span, filters) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """A one-year span cut to the quarter or month the other filters name (Q3 2024: July to September)."""
    months = None
    for g in filters:
        vals = [v for v in (g.values or [g.value]) if v is not None]
        try:
            if g.op == "quarter":
                months = [m for q in vals for m in range(3 * int(q) - 2, 3 * int(q) + 1)]
            elif g.op == "month":
                months = [int(v) if str(v).isdigit() else MONTHS[str(v).lower()[:3]] for v in vals]
        except (KeyError, TypeError, ValueError):
            return span
    if not months or span[0].year != span[1].year:
        return span
    y = span[0].year
    return pd.Timestamp(y, min(months), 1), pd.Timestamp(y, max(months), 1) + pd.offsets.MonthEnd(1)


def outside_the_data(planned: Planned) -> str | None:
    """Why a plan's time filter asks about a period the data does not cover ("Q3 2024" in a file of Q4
    orders), or None. A count of 0 there would read as a fact about a period the file knows nothing of."""
    view = planned.table
    for f in planned.plan.filters:
        prof = view.profiles.get(f.column, {})
        if view.dtypes.get(f.column) not in ("date", "datetime") or "min" not in prof:
            continue
        span = _period(f)
        if f.op == "year" and span is not None:  # with a quarter or month of that year: only those months
            span = _narrowed(span, [g for g in planned.plan.filters if g.column == f.column])
        lo, hi = pd.Timestamp(prof["min"]), pd.Timestamp(prof["max"])
        if span is not None and (span[1] < lo or span[0] > hi):
            return (f"'{view.label}' has no rows in that period: its {f.column} runs from {lo.date()} to "
                    f"{hi.date()}.")
    return None
