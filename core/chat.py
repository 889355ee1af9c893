"""The chat pipeline: one function from a question to a stream of typed events; the UI renders them and the CLI prints them.

Order: intent -> status(planning) -> status(querying) -> table -> chart -> sources -> tokens -> done.
Numbers are computed first; the LLM only narrates the computed result (fenced as data), and every number
it writes that is not in the result is flagged as unverified.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from .answer import Answer, Answerer, fill, fmt, interpretation
from .answer_fit import misfit
from .config import Settings
from .conversations import Conversations
from .coverage import ignored_data, outside_the_data, reading_by_meaning, subject_note, unused_words
from .errors import Ambiguous, CannotAnswer, ExcelChatError, LLMError
from .insights.triggers import wants_insights
from .intents import about_the_app, classify
from .narration import CUT_OFF, ECHOED, NarrationGuard, grounding, narration_prompt
from .plan import Filter, Measure, Plan
from .planning import OfflinePlanner, Planned, continues, follow_up
from .planning.grounding import counted_id, counts_kinds, counts_values_only, rows_are_others
from .planning.offline import LIST_COUNT
from .planning.sequence import (
    NEXT_YEAR,
    SAID_IN_TIME,
    anchor_rows,
    direction,
    flipped,
    nearest_in_time,
    next_in_sheet,
    time_probe,
    year_probes,
    years_apart,
)
from .planning.shapes import by_time, time_order_reading
from .planning.words import norm

if TYPE_CHECKING:  # annotations only: importing the client stack is left to whoever builds a model
    from .llm import ChatModel

log = logging.getLogger(__name__)
CHATTY = ("general_question", "data_summary")  # answered with help or a description of the workspace

EVENT_TYPES = ("intent", "status", "table", "chart", "sources", "token", "replace", "done", "error")


@dataclass(frozen=True, eq=False)
class Event:
    """One step of an answer. Subclasses hold typed fields; `type` and `data` are the wire form (README,
    "The event stream") that the pages and the CLI read."""

    type: ClassVar[str] = ""

    @property
    def data(self) -> Any:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, eq=False)
class Intent(Event):
    type: ClassVar[str] = "intent"
    intent: str

    @property
    def data(self) -> str:
        return self.intent


@dataclass(frozen=True, eq=False)
class Status(Event):
    type: ClassVar[str] = "status"
    stage: str
    message: str


@dataclass(frozen=True, eq=False)
class TableReady(Event):
    type: ClassVar[str] = "table"
    df: pd.DataFrame
    sql: str | None
    plan: dict | None
    truncated: bool
    interpretation: str | None = None
    unused: tuple[str, ...] = ()
    formats: dict = field(default_factory=dict)  # column -> role (core.roles): how the page shows its numbers


@dataclass(frozen=True, eq=False)
class ChartReady(Event):
    type: ClassVar[str] = "chart"
    spec: dict
    specs: list
    df: pd.DataFrame | None


@dataclass(frozen=True, eq=False)
class Sources(Event):
    type: ClassVar[str] = "sources"
    sources: list

    @property
    def data(self) -> list:
        return self.sources


@dataclass(frozen=True, eq=False)
class Token(Event):
    type: ClassVar[str] = "token"
    text: str

    @property
    def data(self) -> str:
        return self.text


@dataclass(frozen=True, eq=False)
class Replace(Event):
    """The text streamed so far is withdrawn: show `text` (the computed answer) in its place."""
    type: ClassVar[str] = "replace"
    text: str
    reason: str

    @property
    def data(self) -> dict:
        return {"text": self.text, "reason": self.reason}


@dataclass(frozen=True, eq=False)
class Failed(Event):
    type: ClassVar[str] = "error"
    message: str
    suggestions: list


@dataclass(frozen=True, eq=False)
class Done(Event):
    """The end of an answer: `result` is the Answer object; `data["answer"]` its JSON form."""

    type: ClassVar[str] = "done"
    result: Answer
    answer: dict
    timings: dict
    model: str | None
    usage: dict
    unverified: list
    intent: str

    @property
    def data(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "result"}


HELP = ("I answer questions about the spreadsheets in this workspace with exact numbers computed by SQL you can inspect, "
        "and draw a chart when it helps. Try: 'What were total sales in 2021?', 'Which region had the highest sales?', "
        "'Show the monthly trend of sales', 'Compare sales by method'.")


# what an insight question asked about first, when no probe found it (core.insights.triggers.focus_of)
NOTHING_OF = {"outlier": "No outliers: no value of any measure lies beyond its median ± 5 scaled MADs.",
              "movers": "Nothing moved much: no jump of 1.5x between periods, no clear trend and no category's "
                        "change between the last two periods stands out."}


# --- the pipeline -----------------------------------------------------------------------
DISTINCT_WORDS = re.compile(r"\b(distinct|different|unique|separate|various)\b", re.IGNORECASE)
ONE_NUMBER = re.compile(r"^\s*how (?:much|many)\b|\bby how much\b", re.IGNORECASE)
GROUPING = re.compile(r"\b(?:by|per|each|every|across|for all|breakdown|respectively)\b", re.IGNORECASE)
A_LIST = re.compile(r"^\s*(?:list|name (?:all|the|every)|show (?:me )?(?:all|the|every)|which (?:are|were) the)\b",
                    re.IGNORECASE)


def _not_one_number(question: str, ans: Answer) -> str | None:
    """The answer's shape does not fit the question's: "how much ...?" asks for one number (a table of
    several rows or numbers does not answer it); "list the ..." asks for rows (a count does not)."""
    df = ans.df
    rows = 0 if df is None else len(df)
    numbers = 0 if df is None else len(df.select_dtypes("number").columns)
    rest = ONE_NUMBER.sub("", question, count=1)
    if ONE_NUMBER.search(question) and ans.value is None and (rows > 1 or numbers > 1) and not GROUPING.search(rest):
        return "the question asks for one number, and what I could compute is a table of several numbers."
    plan = ans.plan or {}
    counts = [m for m in plan.get("measures", []) if m.get("agg") in ("count", "count_distinct")]
    if A_LIST.match(question) and counts and not plan.get("group_by") and rows <= 1 and not LIST_COUNT.match(
            question.strip().lower()):  # "list the number of Fukuoka marathons" asks for one number
        return "the question asks for a list, and what I could compute is a count."
    return None


def _no_single_row(planned: Planned, ans: Answer) -> str | None:
    """A lookup whose matching rows disagree ("the courthouse after Federal Building" where two rows are called
    that), or a "which has the most" where every group ties at one row: no one answer to give."""
    plan, df = planned.plan, ans.df
    if df is None or df.empty:
        return None
    if plan.headline == "value" and plan.select and ans.value is None and df.iloc[:, -1].nunique() > 1:
        shown = ", ".join(repr(str(v)) for v in df.iloc[:, -1].dropna().unique()[:5])
        return f"{len(df)} rows match, with different {df.columns[-1]}: {shown}."
    if (tied := _named_tie(plan, df)) is not None:
        return tied
    counts = [m for m in plan.measures if m.agg == "count"]
    if plan.ties and plan.group_by and counts and len(df) > (plan.limit or 1) and len(df) > 2:
        top = df.iloc[0][[c for c in df.columns if c not in {g.column for g in plan.group_by}][0]]
        if top == 1:
            return f"every {plan.group_by[0].column} there appears once, so none has the most."
    return None


def _named_tie(plan, df) -> str | None:
    """"which album had more, A or B?" where A and B tie: the values named, grouped and ordered, all share the top
    figure, so neither is the answer."""
    grouped = {g.column for g in plan.group_by}
    named = [f for f in plan.filters if f.op == "in" and f.column in grouped and len(f.values or []) >= 2]
    if not (plan.ties and plan.limit == 1 and len(named) == 1 and len(df) > 1 and len(df) == len(named[0].values)):
        return None
    return f"{' and '.join(str(v) for v in df.iloc[:, 0])} tie at {df.iloc[0, -1]} each: neither has more."


def _no_value(planned: Planned, ans: Answer) -> str | None:
    """One figure of a number column over rows whose cells of it are all empty ("the actual spend in December"
    before December's actuals are in): no value is no answer, not a figure to report."""
    plan, df = planned.plan, ans.df
    aggs = [m for m in plan.measures if m.agg in ("sum", "avg", "median", "min", "max") and m.column]
    if len(aggs) != 1 or len(plan.measures) != 1 or plan.group_by or ans.value is not None:
        return None
    if df is None or len(df) != 1 or df.iloc[0].notna().any():
        return None
    return f"the rows that match have no {aggs[0].column}: its cells there are empty."


def same_answer(a, b) -> bool:
    """Two headline values that say the same thing (numbers to 6 significant digits, text and lists
    without case or order); no value on either side is no disagreement."""
    if a is None or b is None:
        return True
    if isinstance(a, list) or isinstance(b, list):
        la, lb = (a if isinstance(a, list) else [a]), (b if isinstance(b, list) else [b])
        return sorted(map(_answer_key, la)) == sorted(map(_answer_key, lb))
    if _answer_key(a) == _answer_key(b):
        return True
    return _as_share(a, b) or _as_share(b, a)


def _as_share(frac, pct) -> bool:
    """0.1056 and 10.56: one share, written as a fraction and as a percentage."""
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (frac, pct))
    return numbers and 0 < abs(frac) <= 1 and _answer_key(frac * 100) == _answer_key(pct)


def _answer_key(v) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | float):
        return f"{float(v):.6g}"
    return str(v).strip().casefold()


class ChatPipeline:
    """Shared by every session of the app (thread-safe); per-conversation state lives in SQLite."""

    def __init__(self, answerer: Answerer, settings: Settings | None = None, llm: ChatModel | None = None,
                 index=None):
        self.answerer = answerer
        self.ws = answerer.ws
        self.settings = settings or self.ws.settings
        self.llm = llm
        self.index = index
        self.conversations = Conversations(self.ws.catalog)
        self._health: tuple[float, dict] | None = None
        self._lock = threading.Lock()

    def llm_status(self, max_age: float = 30.0) -> dict:
        """The LLM's health, cached for `max_age` seconds so questions do not pay a probe each."""
        if self.llm is None:
            return {"ok": False, "detail": "No language model is configured: answers are computed and described without one."}
        with self._lock:
            if self._health and time.monotonic() - self._health[0] < max_age:
                return self._health[1]
        h = self.llm.health()
        with self._lock:
            self._health = (time.monotonic(), h)
        return h

    def ask(self, question: str, conversation_id: str | None = None, file_ids: list[int] | None = None,
            user: str | None = None, use_llm: bool = True, plan: dict | None = None) -> Iterator[Event]:
        """The one path from a question to an answer: intent, plan, query, result events, narration, done.

        `plan` is a reading the user chose for an ambiguous question (its `reading_plans` entry): it is run
        as it stands instead of planning the question again."""
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        intent = classify(question)
        yield Intent(intent)
        llm, off = self._llm_for(use_llm)
        if off:
            yield Status("llm_off", off)
        yield Status("planning", "Planning the query")
        ans = Answer(question=question, intent=intent)
        history = self.conversations.window(conversation_id, self.settings.memory_turns) if conversation_id else []
        prev = self.conversations.last_plan(conversation_id) if conversation_id else None
        if plan is None and wants_insights(question):  # "summarize", "what's interesting?": no plan, probes
            planned = None
            yield Status("insights", "Looking for what stands out")
            yield from self._insights(question, ans, file_ids)
        else:
            planned = yield from self._compute(question, intent, prev, file_ids, llm, ans, timings, plan)
        if planned is None and ans.error is None and not ans.insights:
            self._describe_workspace(ans, file_ids, intent)
        yield from self._result_events(ans)
        narration, info = yield from self._narrate(question, ans, intent, history, llm, t0, timings)
        model, usage = None, {}
        if info:
            ans.llm = info
            usage = {k: v for k, v in info.items() if k not in ("model", "replaced")}
        if info and not info.get("replaced"):
            model = info["model"]
            ans.unverified = grounding(narration, ans, question)
            ans.answer = narration
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        out = ans.to_json()
        if conversation_id:
            self.conversations.add(conversation_id, "user", question)
            out["message_id"] = self.conversations.add(conversation_id, "assistant", narration, answer=out,
                                                      plan=planned.plan.model_dump() if planned else None)
        yield Done(ans, out, timings, model, usage, ans.unverified, ans.intent)

    def answer(self, question: str, **kw) -> Answer:
        """`ask` run to the end: the final Answer (tests, the batch CLI and the benchmark use this)."""
        for ev in self.ask(question, **kw):
            if isinstance(ev, Done):
                return ev.result
        raise RuntimeError("the pipeline ended without a done event")  # pragma: no cover - ask always ends with one

    def run(self, question: str, **kw) -> tuple[list[Event], dict]:
        """All events at once, and the final answer object."""
        events = list(self.ask(question, **kw))
        return events, events[-1].data["answer"]

    # --- the steps of ask ---------------------------------------------------------------
    def _llm_for(self, use_llm: bool):
        """The model to narrate (and maybe plan) with, or None and the reason it is off."""
        if not use_llm:
            return None, None
        status = self.llm_status()
        if status.get("ok"):
            return self.llm, None
        return None, (f"LLM off: {status.get('detail')}" if self.llm is not None else None)

    def _compute(self, question, intent, prev, file_ids, llm, ans: Answer, timings: dict, chosen: dict | None = None):
        """Plan once and run once; a question that cannot be answered becomes ans.error. Returns the plan."""
        t0 = time.perf_counter()
        planned = None
        try:
            if chosen is not None:
                planned = self.answerer.planned_from(chosen, file_ids)
            else:
                planned = self._plan(question, intent, prev, file_ids, llm, ans)
            timings["plan_ms"] = (time.perf_counter() - t0) * 1000
            if planned is not None:
                ans.notes += planned.notes
                yield Status("querying", "Running the query")
                t1 = time.perf_counter()
                self.run_plan(question, planned, ans, file_ids)
                timings["query_ms"] = (time.perf_counter() - t1) * 1000
                ans.intent = intent if intent != "general_question" else ans.intent
        except Ambiguous as e:
            ans.status, ans.error, ans.interpretations = "ambiguous", str(e), e.readings
            ans.reading_plans = list(e.plans)
        except CannotAnswer as e:
            ans.error, ans.suggestions = str(e), e.suggestions
        except ExcelChatError as e:
            ans.error = str(e)
        except Exception as e:  # our bug: the user gets a plain message, the log gets the trace
            log.exception("chat pipeline failed for %r", question)
            ans.error = f"Something went wrong while answering ({type(e).__name__}); it was logged."
        return planned

    def run_plan(self, question: str, planned: Planned, ans: Answer, file_ids=None) -> Answer:
        """Run one plan for the question and judge its answer (every check a planned answer passes)."""
        fill(ans, planned, self.answerer.execute(planned), run=self.answerer.execute)
        self._judge(question, planned, ans)
        if ans.status == "answered" and planned.by != "chosen":
            self._exact_or_broader(planned, ans)
        if ans.status == "answered" and planned.by == "offline":
            self._values_or_rows(question, planned, ans)
        nearby = next_in_sheet(planned.plan) is not None  # a row next to a named one: its own check of time's order
        if ans.status == "answered" and planned.by == "offline":
            if not nearby:
                self._sheet_or_time(question, planned, ans)
            self._nth_past_ties(planned, ans)
        if ans.status == "answered" and planned.by == "offline" and nearby:
            self._anchor_together(planned, ans)
            if ans.status == "answered":
                self._neighbour_in_time(question, planned, ans)
        if planned.by == "llm" and ans.status == "answered":
            self._second_opinion(question, planned, ans, file_ids)
        return ans

    def _plan(self, question: str, intent: str, prev: dict | None, file_ids, llm, ans: Answer) -> Planned | None:
        """The question planned afresh, or the previous plan edited by it when that reads it better (one rule:
        planning.continues)."""
        edited = self._follow_up(question, prev, file_ids) if prev else None
        if edited is not None:  # read on its own offline first: a fragment costs no language-model call
            try:
                alone = self.answerer.plan(question, file_ids)
            except CannotAnswer:
                alone = None
            if continues(question, edited, alone):
                return edited
        try:  # every question is planned; the intent only shapes the narration
            return self.answerer.plan(question, file_ids, llm, self.settings.planner, ans.notes)
        except CannotAnswer as e:
            # help or a workspace description only when the question asked for one; a data question no
            # keyword classified ("what is the tallest building in kanpur?") gets the planner's reason
            if intent in CHATTY and not isinstance(e, Ambiguous) and (intent != "general_question"
                                                                       or about_the_app(question)):
                return None
            raise

    def _probe(self, planned: Planned, plan: Plan) -> pd.DataFrame:
        """Runs a plan on a planned answer's table (a check of the answer), without describing it."""
        return self.answerer.execute(replace(planned, plan=plan, compiled=None)).df

    def _empty_period(self, planned: Planned, ans: Answer) -> str | None:
        """A zero or empty answer because the period asked about holds no rows at all: the data does not
        cover it, so "0" would be a claim about a period the file knows nothing of."""
        plan = planned.plan
        empty = ans.df is None or ans.df.empty or ans.value in (0, None)
        dates = set(planned.table.dates())
        periods = [f for f in plan.filters if f.column in dates and f.op in ("year", "month", "quarter", "between",
                                                                            "gt", "gte", "lt", "lte")]
        if not empty or not periods or plan.join:
            return None
        probe = Plan(table=plan.table, filters=periods, measures=[Measure(agg="count")], headline="value")
        if int(self.answerer.execute(replace(planned, plan=probe, compiled=None)).df.iloc[0, 0]):
            return None
        col = periods[0].column
        prof = planned.table.profiles.get(col, {})
        span = f": its {col} runs from {prof.get('min')} to {prof.get('max')}" if "min" in prof else ""
        return f"no row of '{planned.table.label}' falls in that period{span}."

    def _judge(self, question: str, planned: Planned, ans: Answer) -> None:
        """Answered only when the plan accounts for every content word; otherwise declined, naming them."""
        ans.interpretation = interpretation(planned)
        if planned.by != "chosen" and (note := subject_note(question, planned)):
            ans.interpretation = ans.interpretation.removesuffix(".") + note + "."
        # a chosen reading's question is the plan's own sentence: nothing in it is left unused
        ans.unused = unused_words(question, planned) if planned.by != "chosen" else []
        outside = (outside_the_data(planned) or self._empty_period(planned, ans) or _not_one_number(question, ans)
                   or _no_single_row(planned, ans) or _no_value(planned, ans)
                   or misfit(question, planned, ans, lambda p: self._probe(planned, p)))
        if outside:
            ans.status, ans.error = "cannot", f"I did not answer: {outside}"
            ans.value, ans.df, ans.chart, ans.charts = None, None, None, []
            return
        # an offline plan must account for every content word; a language model's plan reads words by
        # meaning, so only the words that name the table's columns or values (or numbers) must be in it
        blocking = ans.unused if planned.by == "offline" else ignored_data(ans.unused, planned)
        if not blocking or not self.settings.decline_unused:
            ans.status = "answered"
            return
        ans.status = "cannot"
        quoted = ", ".join(f"'{w}'" for w in blocking)
        reading = None
        if self.answerer.index is not None:
            reading = reading_by_meaning(question, blocking, planned, self.answerer.similarity)
        if reading:  # close in meaning to a column the plan uses: offered as a reading to confirm
            ans.status, ans.interpretations = "ambiguous", [reading]
            ans.error = f"Nothing in '{planned.table.label}' is called {quoted}. Did you mean: {reading}"
            ans.value, ans.df, ans.chart, ans.charts = None, None, None, []
            return
        ans.error = (f"I did not answer: nothing I can compute on '{planned.table.label}' uses {quoted}. "
                     f"Without {'it' if len(blocking) == 1 else 'them'}, the question would read: {ans.interpretation}")
        ans.value, ans.df, ans.chart, ans.charts = None, None, None, []

    def _exact_or_broader(self, planned: Planned, ans: Answer) -> None:
        """A 'contains' filter whose text is one value exactly but also part of others ("Department stores"
        and "Department stores (excl. leased)"): the one value or all of them are two readings."""
        plan = planned.plan
        shown = {g.column for g in plan.group_by} | set(plan.select)
        for i, f in enumerate(plan.filters):
            if f.op != "contains" or f.column in shown or not isinstance(f.value, str):
                continue
            probe = Plan(table=plan.table, filters=plan.filters, select=[f.column], distinct_rows=True, limit=50)
            values = self.answerer.execute(replace(planned, plan=probe, compiled=None)).df.iloc[:, 0].dropna().tolist()
            key = " ".join(f.value.split()).casefold()
            exact = [v for v in values if " ".join(str(v).split()).casefold() == key]
            if not exact or len(values) < 2:
                continue
            narrow = plan.model_copy(update={"filters": [*plan.filters[:i], f.model_copy(update={"op": "eq", "value": exact[0]}),
                                                         *plan.filters[i + 1:]]})
            readings = [replace(planned, plan=narrow), planned]
            ans.status, ans.interpretations = "ambiguous", [interpretation(r) for r in readings]
            ans.reading_plans = [r.plan.model_dump(exclude_defaults=True) for r in readings]
            ans.error = (f"'{f.value}' is one {f.column} exactly, and part of {len(values) - 1} other(s) "
                         f"({', '.join(repr(str(v)) for v in values if v not in exact)[:200]}). Which did you mean?")
            ans.value, ans.df, ans.chart, ans.charts = None, None, None, []
            return

    def _values_or_rows(self, question: str, planned: Planned, ans: Answer) -> None:
        """"How many runners-up ...?" read as the distinct names in a column: when rows repeat a name, the
        number of rows is another reading, and the question did not say "different" or "unique"."""
        plan = planned.plan
        if (len(plan.measures) != 1 or plan.measures[0].agg != "count_distinct" or plan.group_by
                or DISTINCT_WORDS.search(question)):
            return
        col = plan.measures[0].column
        q, t = norm(question), planned.table
        if (counts_values_only(q, col, t) or counted_id(q, t) == col or rows_are_others(q, col, t)
                or counts_kinds(q, col)):
            return  # "how many nations" of a Nationality column: its rows are people, not nations
        rows = plan.model_copy(update={"measures": [Measure(agg="count")],
                                       "filters": [*plan.filters, Filter(column=col, op="not_null")]})
        n = self.answerer.execute(replace(planned, plan=rows, compiled=None)).df.iloc[0, 0]
        if same_answer(float(n), ans.value):
            return
        readings = [planned, replace(planned, plan=rows)]
        ans.status, ans.interpretations = "ambiguous", [interpretation(r) for r in readings]
        ans.reading_plans = [r.plan.model_dump(exclude_defaults=True) for r in readings]
        ans.error = (f"'{col}' repeats some values: {fmt(ans.value)} different ones in {fmt(n)} rows. "
                     "Which did you mean?")
        ans.value, ans.df, ans.chart, ans.charts = None, None, None, []

    def _sheet_or_time(self, question: str, planned: Planned, ans: Answer) -> None:
        """"The first single" read in the sheet's order, in a table with one column of dates or years: when the
        earliest (latest) in time is another row, the sheet's order and time's are two readings, and the question
        did not say which ("listed first" says the sheet's)."""
        probes = time_order_reading(question, planned)
        if probes is None:
            return
        sheet, timed = (self.answerer.execute(p).df for p in probes)
        if sheet.empty or timed.empty or pd.isna(sheet.iloc[0, 0]) or str(sheet.iloc[0, 0]) == str(timed.iloc[0, 0]):
            return
        readings = [planned, by_time(planned)]
        ans.status, ans.interpretations = "ambiguous", [interpretation(r) for r in readings]
        ans.reading_plans = [r.plan.model_dump(exclude_defaults=True) for r in readings]
        ans.error = (f"The {'first' if not planned.plan.order[0].desc else 'last'} row in the sheet's order and in "
                     f"{timed.columns[0]} differ. Which did you mean?")
        ans.value, ans.df, ans.chart, ans.charts = None, None, None, []

    def _neighbour_in_time(self, question: str, planned: Planned, ans: Answer) -> None:
        """"Who won the previous year?" read as the row before the named one in the sheet, in a table with one column
        of dates or years: where the sheet runs latest first, time's "previous" is the row below, and a question that
        speaks of time is answered so; one that does not, or a sheet in no time order, offers both rows when they
        differ. "The previous year" also needs that row one year from the named one's."""
        probe = time_probe(question, planned)
        if probe is None:
            return
        col, listing = probe
        way = direction(self.answerer.execute(listing).df.iloc[:, 0])
        timed = bool(SAID_IN_TIME.search(question.lower()))
        chosen = planned
        if way == -1 and timed:
            chosen = flipped(planned)
            fill(ans, chosen, self.answerer.execute(chosen), run=self.answerer.execute)
            self._judge(question, chosen, ans)
        elif way == -1 or way == 0 and timed:
            other = flipped(planned) if way == -1 else nearest_in_time(planned, col)
            got = self.answerer.execute(other).df
            if len(got) != 1 or not same_answer(got.iloc[0, 0], ans.value):
                self._offer(ans, [planned, other], f"The rows next to it in the sheet and in {col} differ.")
                return
        if ans.status == "answered" and NEXT_YEAR.search(question.lower()):
            anchor, row = (self.answerer.execute(p).df[col] for p in year_probes(chosen, col))
            if years_apart(anchor, row) != next_in_sheet(planned.plan)[1]:  # the step as the question says it
                ans.status = "cannot"
                ans.error = f"I did not answer: the row next to it in {col} is not one year from it."
                ans.value, ans.df, ans.chart, ans.charts = None, None, None, []

    def _anchor_together(self, planned: Planned, ans: Answer) -> None:
        """"Who was head coach after X?" read past X's rows in the sheet: X's rows must lie together (one run), or
        "after X" could follow either run, so the answer is declined."""
        if planned.plan.same_as is None:
            return
        rows = self.answerer.execute(anchor_rows(planned)).df.iloc[:, 0].tolist()
        if rows and rows[-1] - rows[0] + 1 != len(rows):
            ans.status = "cannot"
            ans.error = ("I did not answer: the rows it is read from are not together in the sheet, so which of them "
                         "the question counts from is not clear.")
            ans.value, ans.df, ans.chart, ans.charts = None, None, None, []

    def _offer(self, ans: Answer, readings: list[Planned], why: str) -> None:
        """Two readings of the question offered to choose from, instead of an answer."""
        ans.status, ans.interpretations = "ambiguous", [interpretation(r) for r in readings]
        ans.reading_plans = [r.plan.model_dump(exclude_defaults=True) for r in readings]
        ans.error = f"{why} Which did you mean?"
        ans.value, ans.df, ans.chart, ans.charts = None, None, None, []

    def _nth_past_ties(self, planned: Planned, ans: Answer) -> None:
        """"The second highest" read as the second value: when rows tie among the values skipped (two rows at the
        top), the second row is another reading, so the answer is declined with what it found."""
        plan = planned.plan
        if not (plan.offset and plan.ties and plan.order):
            return
        above = plan.model_copy(update={"offset": None, "limit": plan.offset})
        n = len(self.answerer.execute(replace(planned, plan=above, compiled=None)).df)
        if n > plan.offset:
            ans.status = "cannot"
            ans.error = (f"I did not answer: {n} rows share the first {plan.offset} value(s) of {plan.order[0].by}, so "
                         "which row comes next in the ranking is not clear.")
            ans.value, ans.df, ans.chart, ans.charts = None, None, None, []

    def _second_opinion(self, question: str, planned: Planned, ans: Answer, file_ids) -> None:
        """A language model's answer checked against the offline planner's confident reading: when both
        read every word of the question and still get different answers, the user chooses between them."""
        try:
            offline = self.answerer.plan(question, file_ids)
            other = Answer(question=question, intent=ans.intent)
            fill(other, offline, self.answerer.execute(offline))
            self._judge(question, offline, other)
        except ExcelChatError:
            return
        if other.status != "answered" or same_answer(ans.value, other.value):
            return
        ans.status, ans.interpretations = "ambiguous", [ans.interpretation, other.interpretation]
        ans.reading_plans = [planned.plan.model_dump(exclude_defaults=True), offline.plan.model_dump(exclude_defaults=True)]
        ans.error = ("This question reads two ways here, and they give different answers. Which did you mean? "
                     + " / ".join(ans.interpretations))
        ans.value, ans.df, ans.chart, ans.charts = None, None, None, []

    def _result_events(self, ans: Answer) -> Iterator[Event]:
        if ans.error:
            ans.answer = ans.error + (" Try: " + " / ".join(ans.suggestions) if ans.suggestions else "")
            yield Failed(ans.error, ans.suggestions)
        if ans.df is not None:
            # a superlative shows its ranking (winners first); its headline and stored table stay the winners
            shown = ans.ranking if ans.ranking is not None else ans.df
            yield TableReady(shown, ans.sql, ans.plan, ans.truncated, ans.interpretation, tuple(ans.unused), ans.formats)
        if ans.chart:
            yield ChartReady(ans.chart, ans.charts, ans.df)
        if ans.sources:
            yield Sources(ans.sources)

    def _narrate(self, question: str, ans: Answer, intent: str, history: list[dict], llm, t0: float, timings: dict):
        """The LLM streams the narration when it can; otherwise the computed sentence stands. Returns the text
        shown and what the model reported (None when it did not narrate)."""
        t2 = time.perf_counter()
        if llm is None or ans.error:
            timings["first_token_ms"] = (time.perf_counter() - t0) * 1000
            yield Token(ans.answer)
            timings["narrate_ms"] = (time.perf_counter() - t2) * 1000
            return ans.answer, None
        prompt = narration_prompt(question, ans, intent, history, self._context(question))
        guard, info, why = NarrationGuard(prompt), None, None
        try:
            stream = llm.stream_chat(prompt.messages)
            try:
                for chunk in stream:
                    out = guard.feed(chunk.text) if chunk.text else ""
                    if guard.echo:  # stopped reading: the model's own report never comes
                        why, info = ECHOED, {"model": getattr(llm, "model", None)}
                        break
                    if chunk.done:  # a model that never says it is done did not narrate this answer
                        info = {"model": chunk.model, **chunk.usage}
                        out += guard.finish()
                    if out:
                        timings.setdefault("first_token_ms", (time.perf_counter() - t0) * 1000)
                        yield Token(out)
            finally:
                getattr(stream, "close", lambda: None)()  # stops the generation when we stop reading
        except LLMError as e:
            why = f"The LLM stopped ({e}); the computed answer is shown instead."
        if why is None and info and info.get("done_reason") == "length":
            why = CUT_OFF.format(n=self.settings.llm_narration_tokens)
        timings["narrate_ms"] = (time.perf_counter() - t2) * 1000
        if why is None and info is not None:
            return guard.text, info
        ans.notes.append(why or "The LLM did not finish; the computed answer is shown instead.")
        yield Status("llm_failed", ans.notes[-1])
        timings.setdefault("first_token_ms", (time.perf_counter() - t0) * 1000)
        yield Replace(ans.answer, ans.notes[-1]) if guard.shown else Token(ans.answer)
        return ans.answer, ({**info, "replaced": True} if info else None)

    def _follow_up(self, question: str, prev: dict, file_ids) -> Planned | None:
        try:
            return follow_up(OfflinePlanner(self.answerer.table_views(file_ids)), question, Plan.model_validate(prev))
        except (ExcelChatError, ValueError):
            return None

    # --- pieces ----------------------------------------------------------------------
    def _insights(self, question: str, ans: Answer, file_ids) -> Iterator[Event]:
        """The ranked insights of the files asked about (or the workspace's largest tables): each a sentence
        with its numbers, its SQL and maybe a chart, all from queries on the data."""
        from .insights import focus_of, insights_iter, rank

        seen = []
        try:  # a status per finding as its probe finishes: the page shows the search going on
            for i in insights_iter(self.ws, self.answerer.engine, file_ids):
                seen.append(i)
                yield Status("insights", f"Found {len(seen)}: {i.sentence[:90]}")
        except ExcelChatError as e:
            ans.error = str(e)
            return
        focus = focus_of(question)
        found = rank(seen, focus=focus)
        if not found:
            return  # no table: the workspace description says so
        tables = sorted({i.table for i in found})
        ans.status, ans.intent = "answered", "data_summary"
        ans.insights = [i.to_json() for i in found]
        ans.interpretation = (f"{len(found)} findings about {', '.join(tables)}, each computed by its own query "
                              "and ranked by how much it stands out.")
        missed = NOTHING_OF.get(focus[0]) if focus and not any(i.kind in focus for i in found) else None
        ans.answer = (missed + "\n\n" if missed else "") + f"What stands out in {', '.join(tables)}:\n\n" + "\n".join(f"{n}. {i.sentence}" for n, i in enumerate(found, 1))
        ans.sql = "\n\n".join(f"-- {n}. {i.kind} ({i.table})\n{i.sql}" for n, i in enumerate(found, 1))
        ans.sources = [{"file": t.file, "sheet": t.sheet, "table": t.name, "range": t.range, "rows": t.rows}
                       for t in self.ws.tables() if f"'{t.name}' in {t.file}" in tables]

    def _describe_workspace(self, ans: Answer, file_ids, intent: str) -> None:
        """data_summary and general questions: what is in the workspace, from the catalog (no LLM needed)."""
        tables = [t for t in self.ws.tables() if file_ids is None or t.file_id in file_ids]
        if intent == "general_question":
            ans.answer = HELP
            return
        if not tables:
            ans.answer = "The workspace has no tables yet. Upload a file on the Files page."
            return
        rows = [{"file": t.file, "sheet": t.sheet, "table": t.name, "range": t.range, "rows": t.rows,
                 "columns": len(t.columns), "kind": t.kind} for t in tables]
        ans.df = pd.DataFrame(rows)
        files = sorted({t.file for t in tables})
        parts = [f"'{t.name}' in {t.file} ({fmt(t.rows)} rows: {', '.join(list(t.columns)[:8])}{'...' if len(t.columns) > 8 else ''})"
                 for t in tables[:6]]
        ans.answer = (f"The workspace holds {len(files)} file(s) with {len(tables)} table(s), "
                      f"{fmt(sum(t.rows for t in tables))} rows in all: " + "; ".join(parts) + ".")
        ans.sources = [{"file": t.file, "sheet": t.sheet, "table": t.name, "range": t.range, "rows": t.rows} for t in tables[:6]]
        ans.intent = "data_summary"

    def _context(self, question: str) -> str:
        if self.index is None:
            return ""
        try:
            hits = self.index.search(question, k=3)
        except Exception:  # context is optional; the answer stands without it
            log.exception("index search failed")
            return ""
        return "\n".join(h.text[:600] for h in hits)
