"""The offline planner: a question -> a query plan, with no LLM.

It resolves words to columns (names, light stemming, synonyms), to values (distinct values of text
columns), to numbers and dates, and reads the question's shape ("which ... highest", "top 3",
"how many distinct", "average ... per ...", "compare A and B", "trend by month", "share of").
It picks the table that best covers the question. When it cannot form a confident plan it raises
CannotAnswer with suggestions; it never returns a guess as a fact.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import Ambiguous, CannotAnswer
from .plan import Buckets, Filter, GroupBy, Measure, Order, Plan, Test

STOP = {"the", "a", "an", "of", "in", "on", "for", "by", "to", "and", "or", "is", "are", "was", "were", "what",
        "which", "who", "how", "many", "much", "per", "at", "with", "from", "that", "this", "there", "be", "do",
        "does", "did", "have", "has", "had", "all", "any", "each", "me", "show", "give", "tell", "list", "data",
        "i", "we", "you", "it", "its", "their", "as", "than", "into", "across", "over", "between", "about", "get"}
GENERIC = {"total", "date", "name", "id", "number", "no", "value", "count", "code", "type", "column", "amount"}
SYNONYMS = {"revenue": "sale", "turnover": "sale", "earn": "salary", "earns": "salary", "earner": "salary",
            "earning": "salary", "earnings": "salary", "pay": "salary", "paid": "salary", "wage": "salary",
            "wages": "salary", "qty": "quantity", "hired": "hire", "hiring": "hire", "old": "age", "older": "age",
            "oldest": "age", "younger": "age", "youngest": "age", "sold": "sold", "profits": "profit"}
ROW_NOUNS = {"row", "record", "entry", "order", "transaction", "sale", "employee", "people", "person", "staff",
             "worker", "complaint", "customer", "item", "case", "ticket", "incident", "line", "member", "user",
             "student", "patient", "invoice", "deal", "event", "visit"}
ADDITIVE = {"sale", "sales", "revenue", "profit", "amount", "unit", "units", "quantity", "qty", "cost", "costs",
            "spend", "value", "total", "volume", "count", "hours", "income", "expense", "expenses", "budget", "salary"}
MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"], 1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
BUCKET_WORDS = {"monthly": "month", "month": "month", "months": "month", "yearly": "year", "annually": "year",
                "year": "year", "years": "year", "quarterly": "quarter", "quarter": "quarter", "quarters": "quarter",
                "weekly": "week", "week": "week", "weeks": "week", "daily": "day", "day": "day", "days": "day"}
TIE_MARGIN = 0.25  # plan scores of two files' tables closer than this: the question is ambiguous
WORD_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "twenty": 20}


def norm(s: str) -> str:
    return " ".join(str(s).replace("\u2019", "'").replace("\u2018", "'").lower().split())


def words(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?|%", norm(s))


def stem(w: str) -> str:
    w = SYNONYMS.get(w, w)
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def same(a: str, b: str) -> bool:
    """Two stemmed words name the same thing (hire/hired, title/titles)."""
    if a == b:
        return True
    if min(len(a), len(b)) >= 4:
        k = max(4, min(len(a), len(b)) - 1)
        return a[:k] == b[:k] and abs(len(a) - len(b)) <= 2
    return False


@dataclass
class ColumnHit:
    column: str
    score: float  # share of the name's weight found in the question
    words: int
    position: int  # where in the question the first matched word sits


@dataclass
class ValueHit:
    column: str
    value: object
    start: int
    end: int


@dataclass
class TableView:
    """What the planner knows of one table."""
    sql_name: str
    label: str
    file: str
    dtypes: dict[str, str]
    profiles: dict[str, dict]
    kind: str = "data"
    values: dict[str, dict[str, list[tuple[str, object]]]] = field(default_factory=dict)  # n-gram -> [(col, value)]
    # what the LLM planner's prompt shows beside the profiles (optional: the offline planner does not need them)
    sheet: str = ""
    rows: int | None = None
    sample_rows: list[list] = field(default_factory=list)  # the table's first rows, in sheet order
    value_lists: dict[str, list] = field(default_factory=dict)  # column -> every distinct value (few-valued text)
    warnings: list[str] = field(default_factory=list)  # the ingest's warnings for this table and its sheet

    def numeric(self) -> list[str]:
        return [c for c, d in self.dtypes.items() if d in ("integer", "number")]

    def dates(self) -> list[str]:
        return [c for c, d in self.dtypes.items() if d in ("date", "datetime")]

    def texts(self) -> list[str]:
        return [c for c, d in self.dtypes.items() if d in ("text", "boolean")]

    def distinct_ratio(self, c: str) -> float:
        p = self.profiles.get(c, {})
        n = max(1, p.get("rows", 1) - p.get("nulls", 0))
        return p.get("distinct", 0) / n


@dataclass
class Planned:
    plan: Plan
    table: TableView
    shape: str  # value | label | list | table | bool | share | lookup | count | trend
    row_noun: str | None = None
    notes: list[str] = field(default_factory=list)
    score: float = 0.0
    focus: str = "label"  # for ranked rows: is the question after the row's label or its number?
    by: str = "offline"  # which planner made it: offline | llm
    compiled: object = None  # the plan's SQL when validating it compiled it already (core.plan.Compiled)


def shape_of(plan: Plan) -> str:
    """A plan's answer shape, from its headline (for plans not made by the offline planner)."""
    return {"value": "value", "label": "label", "list": "list", "bool": "bool"}.get(plan.headline, "table")


class OfflinePlanner:
    def __init__(self, tables: list[TableView], route: dict | None = None):
        self.tables = tables
        # the semantic index's view of the question (core.index.SemanticIndex.route): tables and columns by meaning
        self.route = route or {"tables": [], "columns": [], "values": []}
        self.table_rank = {t: i for i, (t, _) in enumerate(self.route["tables"])}

    # --- matching -------------------------------------------------------------
    @staticmethod
    def column_hits(q_words: list[str], t: TableView) -> list[ColumnHit]:
        qs = [stem(w) for w in q_words]
        hits = []
        for c in t.dtypes:
            cw = [stem(w) for w in words(c) if w not in STOP]
            if not cw:
                continue
            weight = {w: (0.3 if w in GENERIC else 1.0) for w in cw}
            found, pos = 0.0, None
            n = 0
            for w in cw:
                for i, q in enumerate(qs):
                    if same(q, w):
                        found += weight[w]
                        n += 1
                        pos = i if pos is None else min(pos, i)
                        break
            total = sum(weight.values())
            if n and found >= 1.0 or (n and found / total >= 0.99):
                hits.append(ColumnHit(c, found / total, n, pos or 0))
        hits.sort(key=lambda h: (-h.score, -h.words))
        return hits

    @staticmethod
    def value_hits(question: str, t: TableView) -> list[ValueHit]:
        raw = question.replace("\u2019", "'")
        toks = [(m.group(0), m.start()) for m in re.finditer(r"[\w&'\-\.]+", raw)]
        hits: list[ValueHit] = []
        taken = [False] * len(toks)
        for size in range(min(8, len(toks)), 0, -1):
            for i in range(len(toks) - size + 1):
                if any(taken[i : i + size]):
                    continue
                span = toks[i : i + size]
                text = " ".join(w for w, _ in span)
                cands = [text, text.rstrip(".?!,")]
                if text.endswith("'s"):
                    cands.append(text[:-2])
                for cand in cands:
                    found = t.values.get(norm(cand))
                    if not found:
                        continue
                    col, val = _pick_column(found, question, t)
                    sval = str(val)
                    if len(sval) <= 3 and sval not in raw:  # short codes (IT, HR) only in their own case
                        continue
                    common = norm(sval) in STOP or norm(sval) in ("none", "other", "yes", "no", "total")
                    if common and not (sval in raw and sval != sval.lower()):  # "IT" the department, not "it"
                        continue
                    hits.append(ValueHit(col, val, i, i + size))
                    for k in range(i, i + size):
                        taken[k] = True
                    break
        return hits

    # --- planning -------------------------------------------------------------
    def plan(self, question: str) -> Planned:
        found: list[Planned] = []
        errors: list[str] = []
        for t in self.tables:
            try:
                found.append(self._plan_table(question, t))
            except CannotAnswer as e:
                errors.append(str(e))
        if not found:
            raise CannotAnswer(
                errors[0] if errors else "I could not match this question to any table's columns or values.",
                suggestions=self.suggestions(),
            )
        found.sort(key=lambda p: -p.score)  # stable: among equal scores the first table listed wins
        best = found[0]
        rival = next((p for p in found[1:] if p.table.file != best.table.file), None)
        if rival is not None and best.score - rival.score <= TIE_MARGIN:
            raise Ambiguous(
                f"Tables of two files fit this question about equally: '{best.table.label}' in {best.table.file} "
                f"and '{rival.table.label}' in {rival.table.file}. Which did you mean?",
                readings=[f"{question.rstrip(' ?')} (in {p.table.file})?" for p in (best, rival)])
        return best

    def suggestions(self, k: int = 5) -> list[str]:
        out = []
        for t in self.tables[:3]:
            nums, texts, dates = t.numeric(), [c for c in t.texts() if 2 <= t.profiles.get(c, {}).get("distinct", 0) <= 50], t.dates()
            if nums:
                out.append(f"What is the total {nums[-1]}?")
            if nums and texts:
                out.append(f"Which {texts[0]} has the highest {nums[-1]}?")
            if texts:
                out.append(f"How many rows are there per {texts[0]}?")
            if nums and dates:
                out.append(f"Show the monthly trend of {nums[-1]}")
        return out[:k]

    def _plan_table(self, question: str, t: TableView) -> Planned:
        q = norm(question)
        qw = words(question)
        chits = self.column_hits(qw, t)
        vhits = self.value_hits(question, t)
        value_cols = {v.column for v in vhits}
        # words that belong to a matched value do not also name columns
        value_words = set()
        raw_toks = re.findall(r"[\w&'\-\.]+", question.replace("\u2019", "'"))
        for v in vhits:
            value_words |= {stem(w) for w in words(" ".join(raw_toks[v.start : v.end]))}
        chits = [h for h in chits if not (set(stem(w) for w in words(h.column)) <= value_words)]
        if not any(t.dtypes[h.column] in ("integer", "number") for h in chits) and (self._agg_word(q) or self._direction(q)):
            # no number column named by its words: the one the index finds by meaning ("compensation" -> Salary)
            by_meaning = next((c for (tn, c), sc in self.route["columns"]
                               if tn == t.sql_name and t.dtypes.get(c) in ("integer", "number") and sc >= 0.4), None)
            if by_meaning:
                chits.append(ColumnHit(by_meaning, 0.5, 1, len(qw)))
        score = 3 * len(vhits) + sum(2 * h.score for h in chits)
        name_words = {stem(w) for w in words(t.label + " " + t.file)}
        row_noun = next((w for w in qw if stem(w) in ROW_NOUNS or stem(w) in name_words), None)
        if any(stem(w) in name_words for w in qw if w not in STOP):
            score += 1
        if t.kind == "pivot":
            score -= 2
        if len(self.tables) > 1 and t.sql_name in self.table_rank:
            score += max(0.0, 1.5 - 0.5 * self.table_rank[t.sql_name])  # the index's best guess breaks ties
        if not chits and not vhits and not (row_noun and re.search(r"\b(how many|number of|count)\b", q)):
            raise CannotAnswer(f"No column or value of '{t.label}' is named in the question.")

        filters: list[Filter] = []
        by_col: dict[str, list] = {}
        for v in vhits:
            by_col.setdefault(v.column, []).append(v.value)
        for c, vals in by_col.items():
            filters.append(Filter(column=c, op="eq", value=vals[0]) if len(vals) == 1 else Filter(column=c, op="in", values=vals))
        date_col = self._date_column(qw, t, chits)
        filters += self._time_filters(q, t, date_col)
        filters += self._number_filters(q, t, chits)
        filters += self._presence_filters(q, t, chits)

        numeric_hits = [h for h in chits if t.dtypes[h.column] in ("integer", "number")]
        text_hits = [h for h in chits if t.dtypes[h.column] in ("text", "boolean") and h.column not in value_cols]
        date_hits = [h for h in chits if t.dtypes[h.column] in ("date", "datetime")]
        agg = self._agg_word(q)
        direction = self._direction(q)
        k = self._top_k(q)
        measure_col = numeric_hits[0].column if numeric_hits else None
        group_col = self._group_column(q, qw, t, text_hits)
        P = lambda **kw: Plan(**{"table": t.sql_name, "filters": filters, **kw})  # noqa: E731

        def measure(default_count=False) -> Measure:
            if measure_col is None or default_count:
                return Measure(agg="count")
            a = agg if agg in ("sum", "avg", "median", "min", "max") else self._default_agg(measure_col)
            return Measure(agg=a, column=measure_col)

        # yes/no questions
        if re.match(r"^(is|are|does|do|did|was|were|has|have|can)\b", q):
            return self._yes_no(q, t, filters, vhits, measure_col, text_hits, score, row_noun)

        # share of a whole
        if re.search(r"\b(share|percent|percentage|proportion|fraction)\b|%", q):
            where = [f for f in filters if f.column in value_cols]
            rest = [f for f in filters if f.column not in value_cols]
            m = Measure(agg="share", column=measure_col, where=where)
            if where:
                extra = [Measure(agg="sum" if measure_col else "count", column=measure_col, where=where, alias="part"),
                         Measure(agg="sum" if measure_col else "count", column=measure_col, alias="whole")]
                return Planned(Plan(table=t.sql_name, filters=rest, measures=[m] + extra, headline="value"), t, "share", row_noun, score=score)
            if group_col:
                return Planned(Plan(table=t.sql_name, filters=rest, group_by=[GroupBy(column=group_col)], measures=[m],
                                    order=[Order(by=_alias(m), desc=True)], headline="table"), t, "table", row_noun, score=score)

        how_many = re.search(r"\b(how many|number of|count of|count)\b", q)
        distinct = re.search(r"\b(distinct|different|unique)\b", q)
        bucket = self._bucket(q)

        # trends over time
        if bucket and (t.dates()) and (re.search(r"\b(trend|over time|monthly|yearly|quarterly|weekly|daily|by (month|year|quarter|week|day)|per (month|year|quarter|week|day)|each (month|year|quarter|week|day))\b", q)):
            dc = date_hits[0].column if date_hits else date_col
            m = measure(default_count=measure_col is None)
            return Planned(P(group_by=[GroupBy(column=dc, bucket=bucket)], measures=[m], headline="table"), t, "trend", row_noun, score=score)

        # ranges of a number ("age ranges 0-18, 18-30")
        rng = re.findall(r"(\d+(?:\.\d+)?)\s*(?:-|to)\s*(\d+(?:\.\d+)?)", q)
        if rng and re.search(r"\b(range|ranges|bucket|buckets|band|bands|group|groups|bracket|brackets)\b", q) and numeric_hits:
            edges = sorted({float(x) for pair in rng for x in pair})
            return Planned(P(buckets=Buckets(column=numeric_hits[0].column, edges=edges), measures=[Measure(agg="count")],
                             headline="table"), t, "table", row_noun, score=score)

        # count distinct
        if how_many and distinct:
            target = text_hits[0].column if text_hits else (chits[0].column if chits else None)
            if target is None:
                raise CannotAnswer("Distinct values of which column?", suggestions=self.suggestions())
            return Planned(P(measures=[Measure(agg="count_distinct", column=target)], headline="value"), t, "value", row_noun, score=score)

        # superlatives: which group / who / top k
        if direction and not how_many:
            return self._superlative(q, qw, t, filters, measure_col, agg, direction, k, group_col, row_noun, score, P)

        # grouped comparisons ("by X", "per X", "compare A and B")
        if group_col and re.search(r"\b(by|per|each|every|across|compare|comparison|breakdown|split)\b", q):
            m = measure(default_count=measure_col is None)
            if how_many and measure_col and not self._counts_a_measure(q, measure_col):
                m = Measure(agg="count")
            return Planned(P(group_by=[GroupBy(column=group_col)], measures=[m], order=[Order(by=_alias(m), desc=True)],
                             headline="table"), t, "table", row_noun, score=score)
        compared = [c for c, vals in by_col.items() if len(vals) >= 2]
        if compared and re.search(r"\b(compare|comparison|versus|vs|against|difference)\b", q):
            m = measure(default_count=measure_col is None)
            return Planned(P(group_by=[GroupBy(column=compared[0])], measures=[m], order=[Order(by=_alias(m), desc=True)],
                             headline="table"), t, "table", row_noun, score=score)

        # how many
        if how_many:
            if measure_col and self._counts_a_measure(q, measure_col):
                return Planned(P(measures=[Measure(agg="sum", column=measure_col)], headline="value"), t, "value", row_noun, score=score)
            if text_hits and not row_noun and self._plural_mention(q, text_hits[0].column):
                return Planned(P(measures=[Measure(agg="count_distinct", column=text_hits[0].column)], headline="value"), t, "value", row_noun, score=score)
            return Planned(P(measures=[Measure(agg="count")], headline="value"), t, "count", row_noun, score=score)

        # "list the suppliers", "what are the regions": the distinct values of a column
        if text_hits and not measure_col and re.search(r"^(list|show|name|what are|which are|give)\b", q) and not vhits:
            c = text_hits[0].column
            return Planned(P(select=[c], distinct_rows=True, order=[Order(by=c, desc=False)], limit=1000,
                             filters=filters + [Filter(column=c, op="not_null")], headline="list"), t, "list", row_noun, score=score)

        # lookups: a row found by a key value, another column of it
        key_hits = [v for v in vhits if t.distinct_ratio(v.column) >= 0.8]
        targets = [h.column for h in chits if h.column not in value_cols and h.column != (key_hits[0].column if key_hits else None)]
        if key_hits and targets and agg is None:
            return Planned(P(select=[key_hits[0].column, next(c for c in targets if c != key_hits[0].column)], limit=50,
                             headline="value"), t, "lookup", row_noun, score=score)

        # a plain aggregate
        if measure_col:
            return Planned(P(measures=[measure()], headline="value"), t, "value", row_noun, score=score)
        if agg in ("min", "max") and date_hits:
            return Planned(P(measures=[Measure(agg=agg, column=date_hits[0].column)], headline="value"), t, "value", row_noun, score=score)
        if group_col:
            m = Measure(agg="count")
            return Planned(P(group_by=[GroupBy(column=group_col)], measures=[m], order=[Order(by=_alias(m), desc=True)],
                             headline="table"), t, "table", row_noun, score=score)
        if filters and (row_noun or vhits):
            return Planned(P(measures=[Measure(agg="count")], headline="value"), t, "count", row_noun, score=score - 1)
        raise CannotAnswer(f"I found {', '.join(h.column for h in chits) or 'no columns'} in '{t.label}' but not what to compute.",
                           suggestions=self.suggestions())

    # --- pieces ------------------------------------------------------------------
    def _superlative(self, q, qw, t, filters, measure_col, agg, direction, k, group_col, row_noun, score, P) -> Planned:
        desc = direction == "max"
        count_like = bool(re.search(r"\b(most|least|fewest) (common|frequent|popular|often|usual)\b", q)) or (
            measure_col is None and re.search(r"\b(most|fewest|least)\b", q))
        headline = "label" if k == 1 else "list"
        who = re.search(r"^(who|whom)\b|\bwhich (employee|person|people|customer|one|row|record|staff|worker|member|student|user)\b", q)
        if who and who.group(0).startswith("which") and any(same(stem(who.group(2)), stem(w)) for c in t.texts() for w in words(c)):
            who = None  # "which customer" where Customer is a column: a group, not a row
        if group_col and not who:
            m = Measure(agg="count") if count_like or measure_col is None else Measure(
                agg=agg if agg in ("sum", "avg", "median", "min", "max") else self._default_agg(measure_col), column=measure_col)
            # ties kept: "which X has the most" names every X that shares the top value
            return Planned(P(group_by=[GroupBy(column=group_col)], measures=[m], order=[Order(by=_alias(m), desc=desc)],
                             limit=k, ties=True, headline=headline), t, headline, row_noun, score=score)
        if measure_col is None:
            raise CannotAnswer("Highest or lowest by which number?", suggestions=self.suggestions())
        if not who and k == 1 and (agg in ("max", "min") or re.match(r"^(what|what's|whats)\b", q)):
            return Planned(P(measures=[Measure(agg=direction, column=measure_col)], headline="value"), t, "value", row_noun, score=score)
        label = self._label_column(t)
        cols = [c for c in [label, measure_col] if c]
        plan = P(select=cols, order=[Order(by=measure_col, desc=desc)], limit=k, ties=True,
                 filters=filters + [Filter(column=measure_col, op="not_null")], headline=headline)
        return Planned(plan, t, "rows" if label else "value", row_noun, score=score, focus="label" if who else "measure")

    def _yes_no(self, q, t, filters, vhits, measure_col, text_hits, score, row_noun) -> Planned:
        more = re.search(r"\bmore (.+?) than (.+)", q)
        by_col: dict[str, list] = {}
        for v in vhits:
            by_col.setdefault(v.column, []).append(v.value)
        pair = next(((c, vals) for c, vals in by_col.items() if len(vals) >= 2), None)
        if (more or re.search(r"\b(less|fewer)\b.+\bthan\b", q)) and pair:
            c, (a, b) = pair[0], pair[1][:2]
            if not more:
                a, b = b, a
            rest = [f for f in filters if f.column != c]
            agg = "sum" if measure_col else "count"
            ms = [Measure(agg=agg, column=measure_col, where=[Filter(column=c, value=a)], alias=str(a)),
                  Measure(agg=agg, column=measure_col, where=[Filter(column=c, value=b)], alias=str(b))]
            return Planned(Plan(table=t.sql_name, filters=rest, measures=ms, test=Test(kind="more"), headline="bool"), t, "bool", row_noun, score=score)
        if re.search(r"\b(unique|distinct|duplicates?|duplicated)\b", q):
            col = text_hits[0].column if text_hits else (self._label_column(t))
            if col:
                return Planned(Plan(table=t.sql_name, filters=filters, test=Test(kind="unique", column=col), headline="bool"), t, "bool", row_noun, score=score)
        return Planned(Plan(table=t.sql_name, filters=filters, test=Test(kind="any"), headline="bool"), t, "bool", row_noun, score=score)

    @staticmethod
    def _agg_word(q: str) -> str | None:
        for pat, a in ((r"\b(average|mean|avg)\b", "avg"), (r"\bmedian\b", "median"), (r"\b(maximum|max)\b", "max"),
                       (r"\b(minimum|min)\b", "min"), (r"\b(total|sum|combined|altogether|overall)\b", "sum")):
            if re.search(pat, q):
                return a
        return None

    @staticmethod
    def _direction(q: str) -> str | None:
        ws = set(words(q))
        if re.search(r"\b(top|highest|most|largest|biggest|greatest|best|richest|oldest|maximum)\b", q) and not re.search(r"\b(at most|at least|most recent)\b", q):
            if re.search(r"\b(most|least) (common|frequent)\b", q):
                return "max" if "most" in ws else "min"
            return "max"
        if re.search(r"\b(bottom|lowest|least|smallest|fewest|worst|youngest|cheapest|minimum)\b", q):
            return "min"
        return None

    @staticmethod
    def _top_k(q: str) -> int:
        m = re.search(r"\b(top|bottom|first|last|highest|lowest|largest|smallest)\s+(\d+|" + "|".join(WORD_NUM) + r")\b", q) or \
            re.search(r"\b(\d+|" + "|".join(WORD_NUM) + r")\s+(highest|lowest|largest|smallest|biggest|most|least|top|best|worst)\b", q)
        if not m:
            return 1
        tok = m.group(2) if m.group(1) in ("top", "bottom", "first", "last", "highest", "lowest", "largest", "smallest") else m.group(1)
        return int(tok) if tok.isdigit() else WORD_NUM.get(tok, 1)

    @staticmethod
    def _bucket(q: str) -> str | None:
        for w in words(q):
            if w in BUCKET_WORDS and w not in ("year", "years", "day", "days") or w in ("monthly", "yearly", "quarterly", "weekly", "daily"):
                return BUCKET_WORDS[w]
        m = re.search(r"\b(by|per|each|over) (year|day|years|days)\b", q)
        return BUCKET_WORDS[m.group(2)] if m else None

    def _default_agg(self, col: str) -> str:
        return "sum" if any(stem(w) in ADDITIVE or w in ADDITIVE for w in words(col)) else "avg"

    @staticmethod
    def _counts_a_measure(q: str, col: str) -> bool:
        """'how many units' sums Units Sold; 'how many orders' counts rows."""
        m = re.search(r"\b(how many|number of)\s+([a-z']+)", q)
        return bool(m) and any(same(stem(m.group(2)), stem(w)) for w in words(col)) and stem(m.group(2)) not in ROW_NOUNS

    @staticmethod
    def _plural_mention(q: str, col: str) -> bool:
        m = re.search(r"\b(how many|number of)\s+(?:different\s+|distinct\s+|unique\s+)?([a-z' ]+)", q)
        return bool(m) and any(same(stem(w), stem(c)) for w in words(m.group(2))[:3] for c in words(col))

    def _group_column(self, q: str, qw: list[str], t: TableView, text_hits: list[ColumnHit]) -> str | None:
        if not text_hits:
            return None
        qs = [stem(w) for w in qw]
        for h in text_hits:
            cw = [stem(w) for w in words(h.column) if w not in STOP]
            for i, w in enumerate(qs):
                if any(same(w, c) for c in cw):
                    prev = qw[i - 1] if i else ""
                    prev2 = qw[i - 2] if i > 1 else ""
                    if prev in ("by", "per", "each", "which", "what", "every", "across") or prev2 in ("by", "per", "each", "which", "what", "across") \
                            or re.match(r"\d+|top|bottom", prev) or re.match(r"top|bottom", prev2):
                        if prev == "all" or prev2 == "all" and prev != "by":
                            continue
                        return h.column
        # "most common reason": the one text column named
        if re.search(r"\b(most|least) (common|frequent|popular)\b", q) or re.search(r"\b(highest|lowest|most|least)\b", q):
            return text_hits[0].column
        return None

    def _label_column(self, t: TableView) -> str | None:
        texts = [c for c in t.texts() if t.dtypes[c] == "text"]
        named = [c for c in texts if "name" in c.lower()]
        if named:
            return sorted(named, key=lambda c: -t.distinct_ratio(c))[0]
        ids = sorted(texts, key=lambda c: -t.distinct_ratio(c))
        return ids[0] if ids and t.distinct_ratio(ids[0]) >= 0.5 else (texts[0] if texts else None)

    def _date_column(self, qw: list[str], t: TableView, chits: list[ColumnHit]) -> str | None:
        for h in chits:
            if t.dtypes[h.column] in ("date", "datetime"):
                return h.column
        ds = t.dates()
        if not ds:
            return None
        return sorted(ds, key=lambda c: t.profiles.get(c, {}).get("nulls", 0))[0]

    def _time_filters(self, q: str, t: TableView, date_col: str | None) -> list[Filter]:
        years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", q)]
        rng = re.search(r"\bbetween (19\d\d|20\d\d) and (19\d\d|20\d\d)\b|\bfrom (19\d\d|20\d\d) to (19\d\d|20\d\d)\b", q)
        out: list[Filter] = []
        if date_col is None:
            ycol = next((c for c in t.numeric() if "year" in c.lower()), None)
            if ycol and years:
                out.append(Filter(column=ycol, op="in", values=years) if len(years) > 1 else Filter(column=ycol, value=years[0]))
            return out
        if rng:
            a, b = [int(x) for x in rng.groups() if x]
            out.append(Filter(column=date_col, op="year", values=list(range(min(a, b), max(a, b) + 1))))
        elif re.search(r"\b(after|since)\s+(19\d\d|20\d\d)\b", q):
            y = int(re.search(r"\b(after|since)\s+(19\d\d|20\d\d)\b", q).group(2))
            out.append(Filter(column=date_col, op="gte" if "since" in q else "gt", value=f"{y + (0 if 'since' in q else 1)}-01-01" if "since" in q else f"{y}-12-31 23:59:59"))
        elif re.search(r"\bbefore\s+(19\d\d|20\d\d)\b", q):
            y = int(re.search(r"\bbefore\s+(19\d\d|20\d\d)\b", q).group(1))
            out.append(Filter(column=date_col, op="lt", value=f"{y}-01-01"))
        elif years:
            out.append(Filter(column=date_col, op="year", values=sorted(set(years))))
        months = [MONTHS[w] for w in words(q) if w in MONTHS and w != "may" or (w == "may" and re.search(r"\bmay (19|20)\d\d\b|\bin may\b", q))]
        if months:
            out.append(Filter(column=date_col, op="month", values=sorted(set(months))))
        qm = re.findall(r"\bq([1-4])\b", q)
        if qm:
            out.append(Filter(column=date_col, op="quarter", values=sorted({int(x) for x in qm})))
        return out

    def _number_filters(self, q: str, t: TableView, chits: list[ColumnHit]) -> list[Filter]:
        out = []
        pats = [(r"(?:over|above|more than|greater than|larger than|older than|exceeding)\s+\$?([\d,]+(?:\.\d+)?)", "gt"),
                (r"(?:at least|no less than|minimum of)\s+\$?([\d,]+(?:\.\d+)?)", "gte"),
                (r"(?:under|below|less than|fewer than|younger than|smaller than)\s+\$?([\d,]+(?:\.\d+)?)", "lt"),
                (r"(?:at most|no more than|maximum of)\s+\$?([\d,]+(?:\.\d+)?)", "lte")]
        nums = [h.column for h in chits if t.dtypes[h.column] in ("integer", "number")]
        for pat, op in pats:
            for m in re.finditer(pat, q):
                v = float(m.group(1).replace(",", ""))
                if 1900 <= v <= 2100 and float(v).is_integer() and t.dates():
                    continue
                col = None
                if re.search(r"older|younger", m.group(0)):
                    col = next((c for c in t.numeric() if "age" in words(c)), None)
                # the number column named closest before the comparison
                before = q[: m.start()]
                cand = [(before.rfind(w), c) for c in nums for w in words(c) if before.rfind(w) >= 0]
                col = col or (max(cand)[1] if cand else (nums[0] if nums else None))
                if col:
                    out.append(Filter(column=col, op=op, value=v))
        return out

    def _presence_filters(self, q: str, t: TableView, chits: list[ColumnHit]) -> list[Filter]:
        out = []
        for h in chits:
            c = h.column
            if t.profiles.get(c, {}).get("nulls", 0) == 0:
                continue
            cw = "|".join(re.escape(w) for w in words(c))
            if re.search(rf"\b(have|has|with|having)\s+(an?|the|some)?\s*({cw})", q):
                out.append(Filter(column=c, op="not_null"))
            elif re.search(rf"\b(without|no|missing)\s+(an?|the)?\s*({cw})", q):
                out.append(Filter(column=c, op="is_null"))
        return out


def _pick_column(found: list[tuple[str, object]], question: str, t: TableView) -> tuple[str, object]:
    """A value in several columns: the column named in the question, else the one with fewer values."""
    if len(found) == 1:
        return found[0]
    qs = [stem(w) for w in words(question)]
    for col, val in found:
        if any(same(stem(w), q) for w in words(col) for q in qs):
            return col, val
    return sorted(found, key=lambda cv: t.profiles.get(cv[0], {}).get("distinct", 0))[0]


def _alias(m: Measure) -> str:
    from .plan import _measure_name

    return m.alias or _measure_name(m)


FOLLOW_CUES = re.compile(
    r"^(and|what about|how about|what of|only|just|same|now|but|also|then|what if|ok|okay|instead)\b|\binstead\b|\bsame (for|but)\b|\bexclud\w*\b")


def is_follow_up(question: str) -> bool:
    """The one rule: a question with a follow-up cue ("and", "only", "instead") or of one or two content words
    ("Walmart?") is read against the previous plan; any other question stands on its own."""
    return bool(FOLLOW_CUES.search(norm(question))) or len([w for w in words(question) if w not in STOP]) <= 2


def follow_up(planner: OfflinePlanner, question: str, prev: Plan) -> Planned | None:
    """The previous plan changed by a follow-up ("and for 2020?", "only the West", "by month instead"); None if not one."""
    t = next((v for v in planner.tables if v.sql_name == prev.table), None)
    if t is None or not is_follow_up(question):
        return None
    q, qw = norm(question), words(question)
    plan = prev.model_copy(deep=True)
    changed = False
    chits = planner.column_hits(qw, t)
    vhits = planner.value_hits(question, t)
    by_col: dict[str, list] = {}
    for v in vhits:
        by_col.setdefault(v.column, []).append(v.value)
    for col, vals in by_col.items():
        new = Filter(column=col, value=vals[0]) if len(vals) == 1 else Filter(column=col, op="in", values=vals)
        if re.search(r"\b(exclud\w*|except|without|not)\b", q):
            new = Filter(column=col, op="ne", value=vals[0]) if len(vals) == 1 else Filter(column=col, op="not_in", values=vals)
        in_where = [m for m in plan.measures if any(f.column == col for f in m.where)]
        for m in in_where:  # a share's "part" condition
            m.where = [f for f in m.where if f.column != col] + [new]
        if not in_where:
            plan.filters = [f for f in plan.filters if f.column != col] + [new]
        changed = True
    date_col = next((f.column for f in plan.filters if f.op in ("year", "month", "quarter", "gt", "gte", "lt", "lte")
                     and t.dtypes.get(f.column) in ("date", "datetime")), None) or planner._date_column(qw, t, chits)
    tf = planner._time_filters(q, t, date_col)
    if tf:
        ops = {f.op for f in tf}
        plan.filters = [f for f in plan.filters if not (f.column == date_col and (f.op in ops or f.op in ("year", "gt", "gte", "lt")))] + tf
        changed = True
    if re.search(r"\b(overall|all of them|everything|no filter|in total|all (years|regions|rows))\b", q) and not vhits and not tf:
        plan.filters, changed = [], True
    bucket = planner._bucket(q)
    text_hits = [h for h in chits if t.dtypes[h.column] in ("text", "boolean") and h.column not in by_col]
    if re.search(r"\b(by|per|each|group)\b", q) or bucket:
        if bucket and t.dates():
            plan.group_by, changed = [GroupBy(column=date_col or t.dates()[0], bucket=bucket)], True
        elif text_hits:
            plan.group_by, changed = [GroupBy(column=text_hits[0].column)], True
        if plan.group_by and plan.headline == "value":
            plan.headline = "table"
            plan.order = []
    agg = planner._agg_word(q)
    nums = [h.column for h in chits if t.dtypes[h.column] in ("integer", "number")]
    if plan.measures:
        m = plan.measures[0]
        if agg in ("sum", "avg", "median", "min", "max") and m.agg not in ("share",) and (m.column or nums) and agg != m.agg:
            m.agg, m.column, changed = agg, m.column or nums[0], True
        if nums and nums[0] != m.column and m.agg not in ("count", "count_distinct"):
            m.column, changed = nums[0], True
    k = planner._top_k(q)
    if k > 1 or re.search(r"\b(top|bottom) 1\b", q):
        plan.limit, changed = k, True
    if not changed:
        return None
    if plan.order and plan.measures:  # keep ordering on the (possibly renamed) measure
        from .plan import _measure_name

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
    return Planned(plan, t, shape, notes=["Read as a follow-up to the previous question."])
