"""Scoring readings: each candidate plan gets explicit features, a weighted score, and a margin over the next.

Features are small registered functions (name -> value in [0, 1]); their weights and the margin a reading
must lead by are fitted over whole dev sets by `python -m bench.fit_weights` and stored in weights.json
beside this module, never set by hand for a question. A reading is answered only when it accounts for every
content word of the question and leads the best *different* reading by the fitted margin; otherwise the
planner offers both (core/planning/offline.py).
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .grounding import Grounded, not_a_quantity
from .model import Planned

WEIGHTS_FILE = Path(__file__).with_name("weights.json")
RATIO_WORDS = {"rate", "ratio", "percent", "percentage", "pct", "margin", "share", "average", "avg", "mean", "per",
               "index", "yield", "growth", "change"}


@dataclass
class Context:
    """What features look at besides the candidate: the question, its grounding, the rule order, and optional
    helpers (`meaning`: question x sentences -> cosine similarities; `execute`: a plan -> its result frame)."""
    question: str
    g: Grounded
    rule_rank: dict[str, int]
    meaning: Callable[[str, list[str]], list[float]] | None = None
    execute: Callable[[Planned], object] | None = None
    _sims: dict[str, float] = field(default_factory=dict)
    frames: dict[str, object] = field(default_factory=dict)  # reading key -> its result (for `result`, `same_result`)

    def similarity(self, sentences: list[str]) -> None:
        """Embed the candidates' sentences in one batch (the model is loaded only when readings compete)."""
        todo = [s for s in sentences if s not in self._sims]
        if todo and self.meaning is not None:
            self._sims.update(zip(todo, self.meaning(self.question, todo), strict=True))


Feature = Callable[[Context, "Reading"], float]
FEATURES: list[tuple[str, Feature]] = []


def feature(name: str) -> Callable[[Feature], Feature]:
    """Register a feature (its name keys the fitted weights)."""
    def add(fn: Feature) -> Feature:
        FEATURES.append((name, fn))
        return fn
    return add


@dataclass
class Reading:
    """One candidate plan for the question with what scoring found about it."""
    planned: Planned
    unused: list[str]
    content: int  # how many content words the question has (for this plan's numbers)
    fits: bool  # does its answer type fit the question's ("who" asks for a name)?
    values: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    outcome: list = field(default_factory=list)  # its result's first rows (when run), to tell alike answers apart

    @property
    def complete(self) -> bool:
        return not self.unused and self.fits

    @cached_property
    def sentence(self) -> str:
        from ..answer import interpretation  # answer.py imports planning: resolved at call time

        return interpretation(self.planned)

    @cached_property
    def key(self) -> str:
        """Two readings with the same key compute the same thing (rule names differ, plans do not)."""
        return json.dumps(self.planned.plan.model_dump(exclude_defaults=True), sort_keys=True, default=str)


@feature("complete")
def _complete(ctx: Context, r: Reading) -> float:
    return 1.0 if r.complete else 0.0


@feature("coverage")
def _coverage(ctx: Context, r: Reading) -> float:
    """The share of the question's content words the plan accounts for."""
    return 1.0 - len(r.unused) / max(1, r.content)


@feature("answer_type")
def _answer_type(ctx: Context, r: Reading) -> float:
    return 1.0 if r.fits else 0.0


GROUP_CUES = re.compile(r"\b(compare|compared|comparing|comparison|versus|vs|by|per|each|every|breakdown|broken down|"
                        r"split|across|respectively)\b")


@feature("groups_asked")
def _groups_asked(ctx: Context, r: Reading) -> float:
    """1 when the plan gives one figure per group exactly when the question asks for groups ("compare", "by",
    "each"), and one figure when it does not."""
    return 1.0 if bool(GROUP_CUES.search(ctx.g.q)) == bool(r.planned.plan.group_by) else 0.0


@feature("rule_prior")
def _rule_prior(ctx: Context, r: Reading) -> float:
    """Earlier rules are narrower (a yes/no test before an aggregate): a prior, not a decision."""
    n = max(1, len(ctx.rule_rank))
    return 1.0 - ctx.rule_rank.get(r.planned.rule, n) / n


@feature("grounded")
def _grounded(ctx: Context, r: Reading) -> float:
    """The share of the plan's columns the question names (by name or by a value of theirs)."""
    from ..coverage import _plan_columns

    cols = _plan_columns(r.planned.plan) & set(r.planned.table.dtypes)  # not "#row", not a measure's alias
    if not cols:
        return 1.0
    named = {h.column for h in ctx.g.chits} | set(ctx.g.by_col) | {h.column for h in ctx.g.vhits}
    return len(cols & named) / len(cols)


@feature("named_used")
def _named_used(ctx: Context, r: Reading) -> float:
    """The share of the columns the question names that the plan uses ("total sales": a row count ignores Sales)."""
    from ..coverage import _plan_columns

    named = {h.column for h in ctx.g.chits}
    if not named:
        return 1.0
    return len(named & _plan_columns(r.planned.plan)) / len(named)


@feature("type_sanity")
def _type_sanity(ctx: Context, r: Reading) -> float:
    """0 when the plan sums a column that labels rows (a year, an id) or is already a ratio (a rate, a %)."""
    for m in r.planned.plan.measures:
        if m.agg == "sum" and m.column and (not_a_quantity(r.planned.table, m.column) or _is_ratio(m.column)):
            return 0.0
    return 1.0


@feature("meaning")
def _meaning(ctx: Context, r: Reading) -> float:
    """The bundled MiniLM's cosine similarity of the question to the reading's own sentence."""
    return max(0.0, ctx._sims.get(r.sentence, 0.0))


@feature("result")
def _result(ctx: Context, r: Reading) -> float:
    """1 when the plan's result holds a value; an empty or all-null result reads the question wrongly more often."""
    if ctx.execute is None:
        return 1.0
    try:
        df = ctx.frames[r.key] = ctx.execute(r.planned)
    except Exception:  # a plan that cannot run is no reading
        return 0.0
    return 0.0 if df is None or df.empty or bool(df.isna().all().all()) else 1.0


def _is_ratio(column: str) -> bool:
    ws = re.findall(r"[a-z]+", column.lower())
    return "%" in column or any(w in RATIO_WORDS for w in ws)


HARD = ("complete", "answer_type")  # not fitted: a reading that leaves a word unused or answers the wrong kind never wins


@dataclass(frozen=True)
class Weights:
    """Fitted by bench/fit_weights.py: ranking weights (a choice model over a table's readings) and a logistic
    model of "this complete reading is right" for its confidence."""
    weights: dict[str, float]
    confidence_weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    margin: float = 0.0  # a complete reading must lead the best different complete reading by this much
    floor: float = 0.0  # ... and be right with at least this probability

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> Weights:
        data = json.loads(path.read_text())
        conf = data.get("confidence") or {}
        return cls(dict(data["weights"]), dict(conf.get("weights") or {}), float(conf.get("bias", 0.0)),
                   float(data["margin"]), float(data.get("floor", 0.0)))

    def score(self, values: dict[str, float]) -> float:
        return sum(self.weights.get(k, 0.0) * v for k, v in values.items())

    def confidence(self, values: dict[str, float]) -> float:
        """The probability that a complete reading is right."""
        z = self.bias + sum(self.confidence_weights.get(k, 0.0) * v for k, v in values.items())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def featurize(ctx: Context, r: Reading, expensive: bool = True) -> dict[str, float]:
    """Every feature's value for a reading; the `expensive` ones (meaning, result) only for complete readings."""
    return {name: fn(ctx, r) for name, fn in FEATURES if expensive or name not in ("meaning", "result")}


def rank(ctx: Context, readings: list[Reading], w: Weights, full: bool = False) -> list[Reading]:
    """Readings best first. Only complete readings can be answered, so only they pay for meaning and result,
    and only when they matter: two complete readings compute different things, or a confidence floor is set
    (`full`: always, for the fit). Without them every decision comes out the same."""
    complete = [r for r in readings if r.complete]
    costly = full or w.floor > 0 or len({r.key for r in complete}) > 1
    if costly:
        ctx.similarity([r.sentence for r in complete])
    for r in readings:
        r.values = featurize(ctx, r, expensive=costly and r.complete)
        r.score = w.score(r.values)
        r.outcome = cells(ctx.frames.get(r.key))
    return sorted(readings, key=lambda r: -r.score)


def cells(df, limit: int = 20) -> list[list[str]]:
    """The result's first rows as comparable text (numbers as numbers: 45049 and 45049.0 are one value)."""
    if df is None:
        return []
    return [[_cell(v) for v in row] for row in df.head(limit).itertuples(index=False)]


def _cell(v) -> str:
    if isinstance(v, bool) or v is None:
        return str(v)
    try:
        return repr(round(float(v), 6))
    except (TypeError, ValueError):
        return str(v)


def same_result(a: list[list[str]], b: list[list[str]]) -> bool:
    """Two readings answer alike: row for row, one's cells are all among the other's ("the total salary of Emily
    Clark" and "Emily Clark's row: name, salary"; "drivers with 58 laps" and "rows per driver with 58 laps")."""
    if not a or not b or len(a) != len(b):
        return False
    rest = [set(r) for r in b]
    for row in map(set, a):
        match = next((i for i, other in enumerate(rest) if row <= other or other <= row), None)
        if match is None:
            return False
        rest.pop(match)
    return True


def runner_up(ranked: list[Reading]) -> Reading | None:
    """The best complete reading that computes something else than the best one, with another result (two
    plans that give the same answer are no choice to put to the user)."""
    best = ranked[0]
    return next((r for r in ranked[1:] if r.complete and r.key != best.key and not same_result(r.outcome, best.outcome)),
                None)
