"""Answers: question -> plan -> SQL result -> headline value and a sentence built from the computed numbers."""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field, replace

import pandas as pd

from .errors import Ambiguous, CannotAnswer, ExcelChatError, PlanError
from .plan import DURATION_RE, TEXT_DURATION_RE, Plan, compile_plan
from .planning import OfflinePlanner, Planned, TableView, shape_of
from .planning.words import clock_times, duration_example, norm, unit_example
from .profiles import jsonable
from .query import QueryEngine, Result
from .roles import column_roles, format_value
from .workspace import Workspace

MAX_VALUES_INDEXED = 20000
NOTE_START = re.compile(r"^\s*\((?:\d{1,2}|[a-z])\)\s+\w", re.I)  # a note under a table: "(2) Estimates are ..."
log = logging.getLogger(__name__)


@dataclass
class Answer:
    question: str
    intent: str = "general_question"
    answer: str = ""
    value: object = None
    df: pd.DataFrame | None = None
    sql: str | None = None
    sources: list[dict] = field(default_factory=list)
    chart: dict | None = None
    charts: list = field(default_factory=list)
    llm: dict | None = None  # the narrating model, its done_reason and token counts (None: not narrated)
    plan: dict | None = None
    shape: str | None = None
    notes: list[str] = field(default_factory=list)
    unverified: list = field(default_factory=list)
    planner: str = "offline"
    rule: str = ""  # the offline planner's rule that read the question (empty for other planners)
    error: str | None = None
    suggestions: list[str] = field(default_factory=list)
    truncated: bool = False
    status: str = "cannot"  # answered | ambiguous | cannot
    interpretation: str | None = None  # one plain sentence of exactly what was computed
    unused: list[str] = field(default_factory=list)  # words of the question the plan did not use
    interpretations: list[str] = field(default_factory=list)  # readings offered when ambiguous
    reading_plans: list[dict | None] = field(default_factory=list)  # each reading's plan (None: ask its text)
    formats: dict[str, str] = field(default_factory=dict)  # result column -> role (core.roles), for display
    ranking: pd.DataFrame | None = None  # a superlative's top rows (winners first), shown instead of df
    insights: list[dict] = field(default_factory=list)  # "what's interesting?": core.insights.Insight.to_json, ranked

    def ranking_json(self) -> dict | None:
        if self.ranking is None or self.df is None:  # a declined answer shows no table at all
            return None
        return {"columns": [str(c) for c in self.ranking.columns],
                "rows": [[jsonable(v) for v in r] for r in self.ranking.itertuples(index=False, name=None)]}

    def table_json(self) -> dict | None:
        if self.df is None:
            return None
        return {"columns": [str(c) for c in self.df.columns],
                "rows": [[jsonable(v) for v in r] for r in self.df.itertuples(index=False, name=None)]}

    def to_json(self) -> dict:
        return {"question": self.question, "intent": self.intent, "answer": self.answer, "value": jsonable_value(self.value),
                "table": self.table_json(), "sql": self.sql, "sources": self.sources, "chart": self.chart,
                "llm": self.llm, "unverified": self.unverified, "planner": self.planner, "rule": self.rule, "plan": self.plan,
                "notes": self.notes, "suggestions": self.suggestions, "status": self.status,
                "interpretation": self.interpretation, "unused": self.unused,
                "interpretations": self.interpretations, "reading_plans": self.reading_plans,
                "formats": self.formats, "ranking": self.ranking_json(), "insights": self.insights}


NUMBER_TEXT = re.compile(r"^\(?[-+]?[$€£]?\s?\d[\d,]*(\.\d+)?\)?\s?%?$")
DURATION_TEXT = re.compile(DURATION_RE)  # "3:45.2", "2:28:17": a time taken, read as seconds (core.plan.number_sql)
CODE_TEXT = re.compile(r"^[a-z]+-?0\d", re.I)  # "T-01", "A007": a code, zero-padded as a place ("T4") never is
PLACE_TEXT = re.compile(r"^(?:t-?|=)?\d{1,3}(?:st|nd|rd|th)?\s*=?(?:\s*\([a-z]{1,3}\))?$", re.I)  # places in a ranking: "1st", "T4", "3="


def _numbers_as_text(distinct) -> bool:
    """A text column of numbers with a few markers among them ("s" for suppressed, "—", "n/a"): at least 5
    different numbers, and at most 3 other values making up under a quarter of the distinct values (a small
    table's "—" among six numbers is still a column of numbers)."""
    vals = [str(v).strip() for v in distinct if str(v).strip()]
    other = [v for v in vals if CODE_TEXT.match(v) or not NUMBER_TEXT.match(v) and not PLACE_TEXT.match(v)
             and not DURATION_TEXT.fullmatch(v)]
    return len(vals) - len(other) >= 5 and len(other) <= 3 and len(other) < 0.25 * len(vals)


QUALIFIED = re.compile(r"^(?P<base>[^()]*[^\s()])\s*\((?P<tag>[^()]{1,12})\)\s*[*†‡^#]*$")
QUOTED = re.compile(r'^["\u201c\u201d\']\s*(.+?)\s*["\u201c\u201d\']$')
NOT_A_NAME = {"total", "totals", "other", "others", "none", "all", "yes", "no", "n/a", "unknown"}


def qualified_names(index: dict[str, list]) -> dict[str, list]:
    """Cells written "Italy (ITA)", "Great Britain (GBR)*": a name with a short tag after it (a country code, a
    party), or a title in quotes. The question says "Italy", so the name alone finds the cell, when it is one
    cell's name only."""
    bases: dict[str, list] = {}
    for key, cells in index.items():
        m = QUALIFIED.match(key)
        if m and len(cells) == 1 and norm(m.group("base")) not in NOT_A_NAME:
            bases.setdefault(norm(m.group("base")), []).extend(cells)
        quoted = QUOTED.match(key)  # a title in quotes ('"Ain't No Sunshine"'): the words inside them
        if quoted and len(cells) == 1:
            bases.setdefault(norm(quoted.group(1)), []).extend(cells)
    return {b: cells for b, cells in bases.items() if len(cells) == 1 and b not in index}


def jsonable_value(v):
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    return jsonable(v)


# --- number formatting ----------------------------------------------------------
def fmt(v, column: str | None = None, share: bool = False, role: str | None = None) -> str:
    """A value in a sentence; `role` (core.roles) shows a ratio as 13.1% and money with 2 decimals."""
    v = jsonable(v) if not isinstance(v, str) else v
    if v is None:
        return "no value"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return format_value(v, "ratio" if share else role)
    return str(v)


class Answerer:
    """Holds what planning needs per table (schema, profiles, value index); thread-safe."""

    def __init__(self, ws: Workspace, engine: QueryEngine | None = None, index=None):
        self.ws = ws
        self.engine = engine or QueryEngine(ws)
        self.index = index  # core.index.SemanticIndex, optional: routes questions among many tables
        self._name_vecs: dict = {}
        self._views: dict[tuple[str, int], TableView] = {}
        self._lock = threading.Lock()

    def table_views(self, file_ids: list[int] | None = None) -> list[TableView]:
        self.engine.refresh()
        with self._lock:
            # keyed by table id too: a table derived again (a user kept a total row) keeps its SQL name
            live = {(name, t.id) for name, t in self.engine.views.items()}
            self._views = {k: v for k, v in self._views.items() if k in live}
            out = []
            for name, t in self.engine.views.items():
                if file_ids is not None and t.file_id not in file_ids:
                    continue
                if (name, t.id) not in self._views:
                    self._views[(name, t.id)] = self._build_view(t)
                out.append(self._views[(name, t.id)])
            return out

    def _build_view(self, t) -> TableView:
        profiles = self.ws.column_profiles(t.id)
        summary = self.ws.catalog.table_profile(t.id) or {}
        # the table's own warnings and its sheet's (tbl is empty for those)
        warns = [w["message"] for w in self.ws.warnings(t.file_id)
                 if w["sheet"] == t.sheet and w["tbl"] in (t.name, None)]
        # roles stored at ingest; a file stored before roles existed gets them guessed the same way now
        roles = dict(getattr(t, "roles", None) or column_roles(dict(t.dtypes), profiles))
        view = TableView(t.sql_name, t.name, t.file, dict(t.dtypes), profiles, kind=t.kind, sheet=t.sheet,
                         rows=t.rows, sample_rows=list(summary.get("sample_rows") or []), warnings=warns, roles=roles)
        index: dict[str, list] = {}
        for c, d in t.dtypes.items():
            if d != "text" or profiles.get(c, {}).get("distinct", 0) > MAX_VALUES_INDEXED:
                continue
            if profiles[c].get("avg_length", 0) > 60:  # free text is searched, not matched whole
                continue
            distinct = self.engine.distinct_values(t.sql_name, c, MAX_VALUES_INDEXED)
            if clock_times(distinct):  # "05:00": a moment, no number of minutes to add up or average
                view.clocks.add(c)
            elif _numbers_as_text(distinct):
                view.text_numbers.add(c)
            elif (cell := duration_example(sorted(distinct, key=str))) is not None:
                view.text_numbers.add(c)
                view.durations[c] = cell
            elif (cell := unit_example(sorted(distinct, key=str))) is not None:
                view.text_numbers.add(c)
                view.units[c] = cell
            if len(distinct) <= 20:  # few values: the LLM planner's prompt lists them whole, most frequent first
                top = [v for v, _ in profiles[c].get("top", [])]
                view.value_lists[c] = top + sorted((v for v in distinct if v not in top), key=str)
            for v in sorted(distinct, key=str):  # a set's order changes between runs; the index must not
                if isinstance(v, str) and v.strip() and not v.strip().replace(".", "").isdigit():
                    index.setdefault(norm(v), []).append((c, v))
        view.values = {**index, **qualified_names(index)}
        view.notes = self._sheet_notes(t)
        return view

    def _sheet_notes(self, t) -> list[str]:
        """Notes of the table's sheet kept apart from it ("(2) Estimates are adjusted for ..."), which tie a
        marked value or header ("ADJUSTED(2)") to what it means."""
        out = []
        for other in self.engine.views.values():
            if other.file_id != t.file_id or other.sheet != t.sheet or other.sql_name == t.sql_name:
                continue
            for c in [c for c, d in other.dtypes.items() if d == "text"][:3]:
                out += sorted(v for v in self.engine.distinct_values(other.sql_name, c, 200)
                              if isinstance(v, str) and NOTE_START.match(v))
        return out

    # --- planning and computing (ChatPipeline.ask calls these, once each) -------------------
    def plan(self, question: str, file_ids: list[int] | None = None, llm=None, mode: str = "offline",
             notes: list[str] | None = None) -> Planned:
        """The question's plan: offline, with the LLM, or offline first (`mode` auto/llm/offline).

        Raises CannotAnswer when no planner is sure; notes about the LLM's part are appended to `notes`.
        """
        notes = notes if notes is not None else []
        if llm is None or mode not in ("auto", "llm"):
            return self._plan_offline(question, file_ids)
        offline_error = None
        if mode == "auto":
            try:
                return self._plan_offline(question, file_ids)
            except Ambiguous:
                raise  # two readings: the user chooses, not the LLM
            except CannotAnswer as e:
                offline_error = e
        return self._plan_llm(question, file_ids, llm, notes, offline_error)

    def planned_from(self, plan: dict, file_ids: list[int] | None = None) -> Planned:
        """A plan the user chose (one reading of an ambiguous question), validated against the tables."""
        try:
            p = Plan.model_validate(plan)
        except ValueError as e:
            raise PlanError(f"That reading's plan is no longer valid: {e}") from None
        views = {v.sql_name: v for v in self.table_views(file_ids)}
        if p.table not in views:
            raise PlanError("That reading's table is no longer in the workspace.")
        return Planned(p, views[p.table], shape_of(p), by="chosen", compiled=compile_plan(p, self.engine.schema()))

    def _plan_offline(self, question: str, file_ids: list[int] | None) -> Planned:
        views = scoped(question, self.table_views(file_ids))
        if not views:
            raise CannotAnswer("There are no tables in the workspace yet. Upload a file first.")
        route = self.route(question, views) if self.index is not None and len(views) > 1 else None
        return self.offline_planner(views, route).plan(question)

    def offline_planner(self, views: list[TableView], route: dict | None = None) -> OfflinePlanner:
        """The offline planner over these tables, able to run candidate plans and compare their meaning."""
        return OfflinePlanner(views, route, meaning=self.meaning, execute=lambda p: self.execute(p).df)

    def meaning(self, question: str, sentences: list[str]) -> list[float]:
        """Cosine similarity of the question to each sentence (the bundled MiniLM; loaded on first use)."""
        emb = self.embedder
        if emb is None:
            return [0.0] * len(sentences)
        q = emb.embed_query(question)
        return [float(v @ q) for v in emb.embed(sentences)]

    @property
    def embedder(self):
        """The semantic index's model, or (no index) the bundled one loaded once; None when indexing is off."""
        if self.index is not None:
            return self.index.embedder
        if not self.ws.settings.build_index:
            return None
        from .index import Embedder

        return Embedder(self.ws.settings)

    def _plan_llm(self, question: str, file_ids, llm, notes: list[str], offline_error: CannotAnswer | None) -> Planned:
        from .llm_planner import plan_with_llm

        try:
            views = scoped(question, self.table_views(file_ids))
            return replace(plan_with_llm(llm, question, views, self.engine.schema(), notes), by="llm")
        except CannotAnswer:
            raise  # the model read the tables and says they cannot answer this: final, like a decline
        except ExcelChatError as e:
            if offline_error is not None:
                notes.append(f"The LLM could not plan this question either: {e}")
                raise offline_error from None
            notes.append(f"The LLM's plan could not be used ({e}); the offline planner answered instead.")
            return self._plan_offline(question, file_ids)

    def route(self, question: str, views: list[TableView]) -> dict | None:
        """The index's routing, with number columns ranked by how close their names are to the question."""
        try:
            route = self.index.route(question)
            names = sorted({c for v in views for c, d in v.dtypes.items() if d in ("integer", "number")})
            missing = [n for n in names if n not in self._name_vecs]
            if missing:
                for n, vec in zip(missing, self.index.embedder.embed(missing), strict=False):
                    self._name_vecs[n] = vec
            q = self.index.embedder.embed_query(question)
            sims = [((v.sql_name, c), float(q @ self._name_vecs[c])) for v in views for c, d in v.dtypes.items()
                    if d in ("integer", "number")]
            route["columns"] = sorted(sims, key=lambda x: -x[1]) + list(route["columns"])
            # a table stored but not embedded yet is in no hit: the index's ranking is no fair tie-break then
            route["partial"] = any(self.engine.views[v.sql_name].file_id not in route["files"] for v in views
                                   if v.sql_name in self.engine.views)
            return route
        except Exception:  # routing is a help, never a requirement
            log.exception("index routing failed")
            return None

    def similarity(self, word: str, names: list[str]) -> float:
        """How close a word's meaning is to the closest of these column names (cosine, the index's model)."""
        missing = [n for n in names if n not in self._name_vecs]
        if missing:
            for n, vec in zip(missing, self.index.embedder.embed(missing), strict=True):
                self._name_vecs[n] = vec
        q = self.index.embedder.embed_query(word)
        return max(float(q @ self._name_vecs[n]) for n in names)

    def execute(self, planned: Planned) -> Result:
        compiled = planned.compiled or compile_plan(planned.plan, self.engine.schema())
        return self.engine.run_compiled(compiled)


def _names(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", norm(text))) + " "


def scoped(question: str, views: list[TableView]) -> list[TableView]:
    """A question that names files ("... (in sales_2023.xlsx)?") or sheets ("on the All_Staff sheet") is
    about their tables only."""
    q = _names(question)
    named = {v.file for v in views if _names(v.file) in q}
    views = [v for v in views if v.file in named] if named else views
    sheets = {v.sheet for v in views if v.sheet and len(v.sheet) >= 4 and _names(v.sheet) in q}
    if sheets and len(sheets) < len({v.sheet for v in views}):
        views = [v for v in views if v.sheet in sheets]
    return views


def fill(ans: Answer, planned: Planned, res: Result, run=None) -> None:
    """Headline value, sentence, intent, chart and sources from a computed result (`run`: runs another plan,
    for a superlative's ranking)."""
    df = res.df
    ans.formats = result_roles(planned, df)
    ans.ranking = ranking(planned, df, run)
    ans.df, ans.sql, ans.sources, ans.truncated = df, res.display_sql, res.sources, res.truncated
    ans.plan = planned.plan.model_dump(exclude_defaults=True)
    ans.shape = planned.shape
    ans.planner = planned.by
    ans.rule = planned.rule
    ans.value = headline(planned, df)
    ans.answer = sentence(planned, df, ans.value, ans.formats)
    ans.intent = intent_of(planned, ans.question)
    ans.charts = chart_specs(planned, df, ans.question, ans.intent)
    ans.chart = ans.charts[0].to_json_dict() if ans.charts else None
    if res.truncated:
        ans.notes.append(f"Only the first {len(df)} rows of the result are shown.")


def _measure_role(m, roles: dict[str, str]) -> str:
    """The role of an aggregate's result: a count counts, a share is a fraction, an average of money is money."""
    if m.agg in ("count", "count_distinct"):
        return "count"
    if m.agg == "share":
        return "ratio"
    if m.agg == "ratio" or m.derived or not m.column:
        return "measure"
    role = roles.get(m.column, "measure")
    if role == "count" and m.agg in ("avg", "median"):
        return "measure"  # 12.5 units on average is no count
    return role


def result_roles(p: Planned, df: pd.DataFrame | None) -> dict[str, str]:
    """Each result column's role (core.roles): a source column keeps its own, a measure takes its column's
    (or count, or ratio for a share), a computed change is a ratio."""
    from .plan import _measure_name

    if df is None:
        return {}
    roles, plan = p.table.roles or {}, p.plan
    out = {m.alias or _measure_name(m): _measure_role(m, roles) for m in plan.measures}
    for c in plan.compute:
        out[c.alias] = "ratio" if c.op == "pct_change" else ("measure" if c.op in ("div", "mul") else out.get(c.left, "measure"))
    cols = {str(c) for c in df.columns}
    found = {c: r for c, r in out.items() if c in cols}
    found.update({c: roles[c] for c in cols if c in roles and c not in found})
    found.update({str(c): "date" for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])})
    return {c: r for c, r in found.items() if r not in ("category", "text")}


def _value_role(p: Planned, df: pd.DataFrame, formats: dict[str, str]) -> str | None:
    """The role of the column the headline value comes from (see headline)."""
    plan = p.plan
    if plan.headline != "value" or df is None or df.empty:
        return None
    if plan.select:
        return formats.get(str(df.columns[-1]))
    if plan.compute:
        return formats.get(plan.compute[-1].alias)
    num = df.select_dtypes("number")
    return formats.get(str(num.columns[0] if len(num.columns) else df.columns[-1]))


def ranking(p: Planned, df: pd.DataFrame, run, top: int = 10) -> pd.DataFrame | None:
    """A superlative's ranking: its winners (every tied one) first, then the next rows, `top` rows at least,
    so the table shows who came close; None when the answer is no ranking or nothing follows the winners."""
    plan = p.plan
    if (run is None or df is None or df.empty or not plan.ties or not plan.order or not plan.limit or plan.offset
            or plan.headline not in ("label", "list") or plan.distinct_rows or plan.having or plan.test):
        return None
    n = max(top, len(df))
    try:
        more = run(replace(p, plan=plan.model_copy(update={"ties": False, "limit": n}), compiled=None)).df
    except ExcelChatError:
        return None
    if list(more.columns) != list(df.columns) or len(more) <= len(df):
        return None
    return pd.concat([df, more.iloc[len(df):]], ignore_index=True)


def roles_of(p: Planned, df: pd.DataFrame) -> dict[str, str]:
    """Column roles from the plan: what the chart recommender would otherwise guess from dtypes."""
    plan, cols, roles = p.plan, list(df.columns), {}
    i = 0
    if plan.buckets:
        roles[cols[i]] = "dimension"
        i += 1
    for g in plan.group_by:
        roles[cols[i]] = "date" if g.bucket and g.bucket != "year" else "dimension"
        i += 1
    for c in cols[i:]:
        if c in ("part", "whole", "answer"):
            continue
        roles[c] = "measure" if pd.api.types.is_numeric_dtype(df[c]) else "dimension"
    return roles


def chart_specs(p: Planned, df: pd.DataFrame, question: str, intent: str) -> list:
    """Ranked chart specs for a result, or [] when a chart would not help (one value, yes/no)."""
    if df is None or df.empty or p.plan.headline in ("value", "bool") or len(df) < 2:
        return []
    from .charts import recommend

    data = df[[c for c in df.columns if c not in ("part", "whole", "answer")]]
    try:
        return [s for s in recommend(data, question=question, intent=intent, roles=roles_of(p, data)) if s.chart_type != "table"]
    except Exception:  # a chart is a nicety; the computed answer stands without it
        log.exception("chart recommendation failed")
        return []


def headline(p: Planned, df: pd.DataFrame):
    plan = p.plan
    if df is None or df.empty:
        return None
    if plan.headline == "bool":
        return bool(df["answer"].iloc[0]) if "answer" in df else None
    if plan.headline == "value":
        if plan.select:  # a lookup: the target column of the matched row(s)
            target = df.columns[-1]
            vals = df[target].dropna().unique().tolist()
            return vals[0] if len(vals) == 1 else None
        if plan.compute:  # arithmetic on the measures: the last computed number is the answer
            return jsonable(df[plan.compute[-1].alias].iloc[0])
        num = df.select_dtypes("number")
        col = num.columns[0] if len(num.columns) else df.columns[-1]
        return jsonable(df[col].iloc[0])
    if plan.headline == "label":
        if plan.ties and len(df) > 1:  # a tie at the top: every tied label is the answer
            return [jsonable(v) for v in df.iloc[:, 0].tolist()]
        return jsonable(df.iloc[0, 0])
    if plan.headline == "list":
        asks_for_numbers = plan.select and not _asks_who(p)
        col = df.columns[-1] if asks_for_numbers else df.columns[0]
        return [jsonable(v) for v in df[col].tolist()]
    return None


def _asks_who(p: Planned) -> bool:
    return p.focus == "label" or len(p.plan.select) < 2


def _filter_text(f) -> str | None:
    """One condition in words ("Region is West", "Value is filled in")."""
    if f.op == "eq" and f.column == "#row":  # a place left blank (a medal row), read by its row in the sheet
        return f"the row is number {fmt(f.value)} in the sheet"
    if f.op == "eq":
        return f"{f.column} is {fmt(f.value)}"
    if f.op == "in":
        return f"{f.column} is {' or '.join(fmt(v) for v in f.values or [])}"
    # "not 95 laps", "other than Hungary": the condition kept says so, and that a row with the cell empty is kept
    if f.op == "ne":
        return f"{f.column} is not {fmt(f.value)} (or is empty)"
    if f.op == "not_in":
        return f"{f.column} is neither {' nor '.join(fmt(v) for v in f.values or [])} (or is empty)"
    if f.op in ("year", "month", "quarter"):
        return f"{f.op} of {f.column} is {' or '.join(str(v) for v in (f.values or [f.value]))}"
    if f.op == "not_null" and f.as_number:
        return f"{f.column} holds a number"
    if f.op in ("not_null", "is_null"):
        return f"{f.column} is {'filled in' if f.op == 'not_null' else 'empty'}"
    if f.op in ("gt", "gte", "lt", "lte"):
        sym = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}[f.op]
        return f"{f.column} {sym} {f.other_column if f.other_column else fmt(f.value)}"
    if f.op == "contains":
        return f"{f.column} contains '{f.value}'"
    if f.op == "not_contains":
        return f"{f.column} does not contain '{f.value}' (or is empty)"
    if f.op == "between":
        return f"{f.column} between {fmt((f.values or [None])[0])} and {fmt((f.values or [None, None])[1])}"
    return None


def _filters_text(plan: Plan) -> str:
    # a row kept for holding a number in a column it does not show ("the last single on the NZ charts") says so
    parts = [t for f in plan.filters if not (f.op == "not_null" and any(m for m in plan.select)
                                             and (f.column in plan.select or not f.as_number)) and (t := _filter_text(f))]
    return (" where " + " and ".join(parts)) if parts else ""


def _where_text(m) -> str:
    """A measure's own conditions ("the total of Sales where Region is West")."""
    parts = [t for f in m.where if (t := _filter_text(f))]
    return (" where " + " and ".join(parts)) if parts else ""


def _test_text(plan: Plan) -> str:
    t = plan.test
    if t.kind == "unique":
        return f"whether every {t.column} value occurs once"
    if t.kind == "more" and len(plan.measures) >= 2:
        a, b = plan.measures[:2]
        return f"whether {_measure_text(a)}{_where_text(a)} exceeds {_measure_text(b)}{_where_text(b)}"
    if t.kind == "all":
        return "whether every row matches"
    return "whether any row matches"


def _what_text(plan: Plan) -> str:
    """The measure, the listed columns or the yes/no test of a plan, in words."""
    if plan.test:
        return _test_text(plan)
    if plan.streak:
        where = " and ".join(_filter_text(f) or f"{f.column} is {fmt(f.value)}" for f in plan.streak.where)
        order = "in sheet order" if plan.streak.order_by == "#row" else f"ordered by {plan.streak.order_by}"
        return f"the longest run of consecutive rows ({order}) where {where}"
    if plan.select:
        return f"the {', '.join(plan.select)} of {'the distinct' if plan.distinct_rows else 'each matching'} row"
    parts = []
    for m in plan.measures:
        text = _measure_text(m)
        if m.where:
            text += " where " + " and ".join(_filter_text(f) or f"{f.column} is {fmt(f.value)}" for f in m.where)
        parts.append(text)
    text = "; ".join(parts)
    if plan.compute:
        text = f"{_compute_text(plan)}, from {text}"
    return text


_COMPUTE_WORDS = {"sub": "{a} minus {b}", "gap": "the difference between {a} and {b}", "add": "{a} plus {b}", "mul": "{a} times {b}", "div": "{a} divided by {b}",
                  "pct_change": "the change from {b} to {a} as a share of {b}"}


def _compute_text(plan: Plan) -> str:
    """The computed numbers in words: "avg_hr minus avg_ops"."""
    return "; ".join(f"{c.alias} = " + _COMPUTE_WORDS[c.op].format(a=c.left, b=fmt(c.right)) for c in plan.compute)


def _seconds(cell: str) -> float:
    """The seconds of a duration written with units ("2h 05m" -> 7500), as core.plan.duration_sql reads it."""
    m = re.fullmatch(TEXT_DURATION_RE, cell.strip().lower())
    return sum(float(m.group(i) or 0) * k for i, k in ((1, 3600), (2, 60), (3, 1))) if m else float("nan")


def interpretation(p: Planned) -> str:
    """One plain sentence of exactly what a plan computes: measure, table and rows, filters, grouping, order."""
    plan, view = p.plan, p.table
    rows = next((prof.get("rows") for prof in view.profiles.values() if prof.get("rows") is not None), None)
    text = _cap(_what_text(plan))
    if plan.group_by:
        text += " for each " + " and ".join(f"{g.bucket} of {g.column}" if g.bucket else g.column for g in plan.group_by)
    if plan.buckets:
        text += f" for each range of {plan.buckets.column}"
    text += f" over the {fmt(rows) + ' ' if rows is not None else ''}rows of '{view.label}' ({view.file})"
    if plan.join:
        text += f" joined with '{plan.join.table}' on {plan.join.left_on} = {plan.join.right_on}"
    if plan.unpivot:
        u = plan.unpivot
        text += (f", with its columns {u.columns[0]} … {u.columns[-1]} ({len(u.columns)}) read as rows of "
                 f"{u.name} and {u.value}")
    text += _filters_text(plan)
    text += "".join(f", reading '{cell}' as {m.group(0).replace(',', '')}" for c in plan.unit_columns
                    if (cell := view.units.get(c)) and (m := re.match(r"[-+]?\d[\d,]*(?:\.\d+)?", cell)))
    text += "".join(f", reading durations as seconds ('{cell}' as {fmt(_seconds(cell))})" for c in plan.duration_columns
                    if (cell := view.durations.get(c)))
    if plan.relative:
        r = plan.relative
        anchor = " and ".join(f"{f.column} is {f.value}" for f in r.anchor)
        where = "after" if r.step > 0 else "before"
        text += (f", the row {'just ' if abs(r.step) == 1 else f'{abs(r.step)} rows '}{where} the one where {anchor}"
                 " (in sheet order)")
    if plan.same_as:
        anchor = " and ".join(_filter_text(f) or f"{f.column} is {fmt(f.value)}" for f in plan.same_as.anchor)
        how, to = {"eq": ("the same", "as"), "gt": ("a higher", "than"), "lt": ("a lower", "than")}[plan.same_as.op]
        if plan.same_as.columns == ["#row"] and plan.same_as.op != "eq":  # "the next Willy DeVille album after X"
            text += f", the rows {'after' if plan.same_as.op == 'gt' else 'before'} the one(s) where {anchor} (in sheet order)"
        else:
            text += f", the other rows with {how} {' and '.join(plan.same_as.columns)} {to} the row where {anchor}"
    if plan.order:
        o = plan.order[0]
        text += (", in sheet order" + (" from the end" if o.desc else "") if o.by == "#row"
                 else f", {o.by} {'highest' if o.desc else 'lowest'} first")
    if plan.limit:
        text += f", the first {plan.limit}"
    if plan.offset and plan.order:  # "the second highest": the values past the first ones
        text += f" past the first {plan.offset} {'value' if plan.ties else 'row'}{'s' if plan.offset > 1 else ''}"
    return text + "."


NTH_NAMES = {2: "second", 3: "third", 4: "fourth", 5: "fifth"}


def _end_word(plan: Plan) -> str:
    """"highest" or "lowest" of an ordered answer, "second highest" when it skips the first value."""
    word = "highest" if plan.order and plan.order[0].desc else "lowest"
    n = (plan.offset or 0) + 1
    return f"{NTH_NAMES.get(n, f'{n}th')} {word}" if n > 1 else word


def _measure_text(m) -> str:
    if m.agg == "count":
        return "the number of rows"
    if m.agg == "count_distinct":
        return f"the number of distinct {m.column} values"
    if m.agg == "ratio":
        return f"the total of {m.column} divided by the total of {m.denominator}"
    word = {"sum": "the total", "avg": "the average", "median": "the median", "min": "the minimum", "max": "the maximum",
            "share": "the share"}.get(m.agg, f"the {m.agg}")
    if m.derived:
        return f"{word} of {m.derived.left} × {m.derived.right}"
    return f"{word} of {m.column}" if m.column else f"{word} of rows"


def sentence(p: Planned, df: pd.DataFrame, value, formats: dict[str, str] | None = None) -> str:
    plan, F = p.plan, formats or {}
    vr = _value_role(p, df, F)
    kr = F.get(str(df.columns[0])) if df is not None and len(df.columns) else None  # the labels' role: an id
    # reads 1185732, not 1,185,732
    where = _filters_text(plan)
    src = f" (table '{p.table.label}' of {p.table.file})"
    if df is None or df.empty:
        return f"No rows match{where}.{src}"
    if plan.headline == "bool":
        row = df.iloc[0]
        detail = ""
        if plan.test and plan.test.kind == "more" and len(df.columns) >= 3:
            a, b = df.columns[0], df.columns[1]
            detail = f" {a}: {fmt(row[a])}, {b}: {fmt(row[b])}."
        elif plan.test and plan.test.kind == "unique":
            detail = f" (every {plan.test.column} value {'occurs once' if value else 'does not occur once: there are duplicates'})."
        elif plan.test and plan.test.kind == "any":
            detail = f" (rows{where or ' in the table'})."
        return f"{'Yes' if value else 'No'}.{detail}{src}"
    if p.shape == "share":
        part, whole = df["part"].iloc[0], df["whole"].iloc[0]
        m = plan.measures[0]
        what = m.column or "rows"
        cond = " and ".join(f"{f.column} is {fmt(f.value)}" for f in m.where)
        return (f"{fmt(value, share=True)} of {what}{_filters_text(plan)} comes from rows where {cond}: "
                f"{fmt(part)} of {fmt(whole)}.{src}")
    if plan.headline == "value" and plan.select:
        target = df.columns[-1]
        if value is not None:
            return f"{target}{where}: {fmt(value, role=vr)}.{src}"
        rows = "; ".join(", ".join(f"{c} {fmt(v)}" for c, v in zip(df.columns, r, strict=False)) for r in df.head(10).itertuples(index=False))
        return f"{len(df)} rows match{where}: {rows}.{src}"
    if plan.headline == "value" and plan.compute:
        return f"{_cap(_compute_text(plan))}{where}: {fmt(value, role=vr)}.{src}"
    if plan.streak:
        return f"{_cap(_what_text(plan))}{where}: {fmt(value)} rows.{src}"
    if plan.headline == "value":
        m = plan.measures[0]
        noun = p.row_noun if (m.agg == "count" and p.row_noun) else None
        if noun:
            return f"There are {fmt(value)} {noun}{where}.{src}"
        return f"{_cap(_measure_text(m))}{where} is {fmt(value, role=vr)}.{src}"
    if plan.headline in ("label", "list"):
        if plan.select and plan.distinct_rows:
            vals = df.iloc[:, 0].tolist()
            return f"{len(vals)} distinct {df.columns[0]} values{where}: {', '.join(fmt(v) for v in vals[:30])}{' ...' if len(vals) > 30 else ''}.{src}"
        if plan.select:
            measure = plan.order[0].by if plan.order else df.columns[-1]
            word = _end_word(plan)
            last = F.get(str(df.columns[-1]))
            if plan.ties and plan.limit == 1 and len(df) > 1 and df.iloc[:, -1].nunique() == 1:
                names = _and(fmt(v, role=kr) for v in df.iloc[:, 0])
                return f"{names} tie for the {word} {measure}{where}: {fmt(df.iloc[0, -1], role=last)} each.{src}"
            items = ", ".join(f"{fmt(r[0], role=kr)} ({fmt(r[-1], role=last)})" for r in df.itertuples(index=False))
            return f"{'The ' + str(len(df)) + ' rows' if len(df) > 1 else 'The row'} with the {word} {measure}{where}: {items}.{src}"
        m = plan.measures[0]
        g = plan.group_by[0].column if plan.group_by else df.columns[0]
        word = _end_word(plan)
        mcol = df.columns[-1]
        mr = F.get(str(mcol))
        if len(df) == 1:
            return f"{fmt(df.iloc[0, 0], role=kr)} has the {word} {_measure_text(m)[4:]}{where}: {fmt(df[mcol].iloc[0], role=mr)}.{src}"
        if plan.ties and plan.limit == 1:
            names = _and(fmt(v, role=kr) for v in df.iloc[:, 0])
            return f"{names} tie for the {word} {_measure_text(m)[4:]}{where}: {fmt(df[mcol].iloc[0], role=mr)} each.{src}"
        items = ", ".join(f"{fmt(r[0], role=kr)} ({fmt(r[-1], role=mr)})" for r in df.itertuples(index=False))
        return f"The {len(df)} {g} values with the {word} {_measure_text(m)[4:]}{where}: {items}.{src}"
    # a table
    if plan.group_by or plan.buckets:
        m = plan.measures[0] if plan.measures else None
        g = (plan.group_by[0].column + (f" by {plan.group_by[0].bucket}" if plan.group_by[0].bucket else "")) if plan.group_by else plan.buckets.column + " ranges"
        is_share = m is not None and m.agg == "share"
        bucket = plan.group_by[0].bucket if plan.group_by else None
        key = (lambda v: pd.Timestamp(v).strftime("%Y-%m") if bucket == "month" and v is not None else fmt(v, role=kr))
        head = f"{_cap(_measure_text(m)) if m else 'Rows'} per {g}{where}"
        mcol = df.columns[-1]
        mr = "ratio" if is_share else F.get(str(mcol))
        if len(df) > 6 and pd.api.types.is_numeric_dtype(df[mcol]) and df[mcol].notna().any():
            hi, lo = df.loc[df[mcol].idxmax()], df.loc[df[mcol].idxmin()]
            return (f"{head}, {len(df)} rows: highest {key(hi.iloc[0])} ({fmt(hi[mcol], role=mr)}), "
                    f"lowest {key(lo.iloc[0])} ({fmt(lo[mcol], role=mr)}); every row is in the table.{src}")
        items = "; ".join(f"{key(r[0])}: {fmt(r[-1], role=mr)}" for r in df.itertuples(index=False))
        return f"{head}: {items}.{src}"
    return f"{len(df)} rows{where}.{src}"


def _and(names) -> str:
    """'A and B', 'A, B and C'."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def intent_of(p: Planned, question: str) -> str:
    q = question.lower()
    if p.shape == "trend" or any(w in q for w in ("chart", "plot", "graph", "visual")):
        return "visualization"
    if p.plan.headline == "value" and p.plan.select:
        return "search"
    if p.plan.headline in ("label", "list") or (p.plan.group_by and p.plan.headline == "table"):
        return "comparison"
    if p.plan.measures and p.plan.measures[0].agg in ("avg", "median", "min", "max"):
        return "statistical_analysis"
    if p.plan.headline == "bool":
        return "search"
    return "calculation"
