"""Rows in sequence: which of a question's conditions describe the named row a neighbour is read from ("War Pass won
in 2007. Who won the previous year?"), and whether the sheet runs forward or backward in time."""
from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from ..plan import ROW, Filter, Order, SameAs
from .grounding import Grounded
from .model import Planned
from .words import MONTHS, norm

TOKEN = re.compile(r"[\w&'\-\.]+")  # as grounding.value_hits splits a question (a value hit's start is its index)
# "next", "before", "ranked above": the word that turns a named row into its neighbour
TURN = {"next", "after", "following", "then", "subsequent", "succeeding", "before", "previous", "preceding", "prior",
        "above", "below", "ahead", "behind"}


def _sentences(question: str) -> tuple[list[str], list[int]]:
    """The question's tokens and, for each, the number of the sentence it is in ("X won in 2007. Who won ...?")."""
    raw = question.replace("\u2019", "'")
    toks = list(TOKEN.finditer(raw))
    ids, n = [], 0
    for i, m in enumerate(toks):
        ids.append(n)
        gap = raw[m.end():toks[i + 1].start()] if i + 1 < len(toks) else ""
        word = m.group(0)
        # "2007." ends a sentence; "u.s." and "no." are abbreviations, one sentence
        ends = re.search(r"[?!;]", gap) or word.endswith(".") and len(word) > 3 and "." not in word[:-1]
        n += bool(ends)
    return [m.group(0) for m in toks], ids


def asking_sentence(g: Grounded) -> Grounded:
    """The grounding with its question cut to the sentence that turns to a neighbour ("David Dallas won in 2010.
    What was the album that won the next year?": the second), so the noun asked for is read from there."""
    raw = g.question.replace("\u2019", "'")
    toks = list(TOKEN.finditer(raw))
    _, sent = _sentences(g.question)
    turn = next((i for i, m in enumerate(toks) if norm(m.group(0)).strip(".,") in TURN), None)
    if turn is None or sent[turn] == 0:
        return g
    start = toks[sent.index(sent[turn])].start()
    return replace(g, q=norm(raw[start:]))


def _said_at(g: Grounded, toks: list[str], f: Filter) -> int | None:
    """The index of the token that names a filter's value in the question; None when it cannot be told."""
    hits = [v.start for v in g.vhits if v.column == f.column and v.value == f.value]
    if hits:
        return hits[0]
    said = [f.value] if f.value is not None else list(f.values or [])
    names = {str(v) for v in said} | {m for m, k in MONTHS.items() if f.op == "month" and k in said}
    # "2007.", "the 10th draw": the number as written, without a full stop or an ordinal's ending
    found = [i for i, w in enumerate(toks) if re.sub(r"(?<=\d)(st|nd|rd|th)$", "", norm(w).strip(".,"))
             in {norm(x) for x in names}]
    return found[0] if len(found) == 1 else None


def _turn(toks: list[str]) -> int | None:
    return next((i for i, w in enumerate(toks) if norm(w).strip(".,") in TURN), None)


def named_row(g: Grounded, named: list[tuple[str, list]]) -> list[tuple[str, list]]:
    """Of several columns' values named ("which Willy DeVille album came after Savoir Faire"), the one said right
    after the word that turns to a neighbour names the row it is read from; the others are conditions."""
    if len(named) < 2:
        return named
    toks, _ = _sentences(g.question)
    turn = _turn(toks)
    if turn is None:
        return named
    after = [(c, vals) for c, vals in named if any(v.column == c and v.start > turn for v in g.vhits)]
    return after if len(after) == 1 else named


def anchor_side(g: Grounded, column: str, others: list[Filter]) -> tuple[list[Filter], list[Filter]]:
    """(the conditions that describe the named row, those on the row asked for): "David Dallas won in 2010. What
    won the next year?" and "what album won before Borrowed Time did in 2006?" say 2010 and 2006 of the named
    row, in its sentence or after the word that turns to its neighbour; "which Willy DeVille album came after X"
    says Willy DeVille of the album asked for."""
    toks, sent = _sentences(g.question)
    turn = _turn(toks)
    at = next((v.start for v in g.vhits if v.column == column), None)
    if turn is None or at is None or at >= len(toks):
        return [], others
    mine, rest = [], []
    for f in others:
        i = _said_at(g, toks, f)
        own = i is not None and (sent[i] == sent[at] != sent[turn] or sent[i] == sent[turn] and i > turn and at > turn)
        (mine if own else rest).append(f)
    return mine, rest


# a question that says the rows' order is one of time: an event's verb, a game, a win, a year or a day
SAID_IN_TIME = re.compile(r"\b(released|opened|founded|established|built|completed|launched|introduced|formed|created|"
                          r"premiered|aired|broadcast|debuted|started|commissioned|elected|held|published|made|"
                          r"recorded|won|win|wins|play|played|faced|year|years|season|seasons|date|day|earlier|later|"
                          r"earliest|latest)\b")
# "the previous year", "the next season": a row one year from the named row's
NEXT_YEAR = re.compile(r"\b(?:next|previous|following|preceding|prior)\s+(?:year|season)\b")


def direction(values: pd.Series) -> int | None:
    """1 when the sheet's values of a time column never go back (oldest first), -1 when they never go forward
    (latest first), 0 otherwise; None when they never change."""
    v = _times(values).dropna()
    if v.nunique() < 2:
        return None
    diffs = v.diff().dropna()
    return 1 if (diffs >= 0).all() else -1 if (diffs <= 0).all() else 0


def _times(values: pd.Series) -> pd.Series:
    """A column of dates or years (numbers, or years written as text: "1997", "2010*") as comparable numbers."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.map(lambda x: x.toordinal() / 365.25 if pd.notna(x) else None).astype(float)
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    return values.astype(str).str.extract(r"^\s*(\d{4})\b")[0].astype(float)


def years_apart(a: pd.Series, b: pd.Series) -> float | None:
    """The years from the first value of a to the first of b (a time column's values), None if either is missing."""
    x, y = _times(a.head(1)).tolist(), _times(b.head(1)).tolist()
    if not x or not y or pd.isna(x[0]) or pd.isna(y[0]):
        return None
    if pd.api.types.is_datetime64_any_dtype(a):
        return float(pd.Timestamp(b.iloc[0]).year - pd.Timestamp(a.iloc[0]).year)
    return y[0] - x[0]


def next_in_sheet(plan) -> tuple[list[Filter], int] | None:
    """(the named row's conditions, 1 or -1) of a plan that reads the row next to a named row in the sheet: the
    row just after it (`relative`), or the nearest row past it meeting other conditions (rows past it in sheet order,
    the first of them); None for any other plan."""
    if plan.relative is not None and abs(plan.relative.step) == 1:
        return plan.relative.anchor, plan.relative.step
    s = plan.same_as
    if s is not None and s.columns == [ROW] and s.op != "eq" and plan.limit == 1:
        return s.anchor, 1 if s.op == "gt" else -1
    return None


def time_probe(question: str, p: Planned) -> tuple[str, Planned] | None:
    """For a row next to a named row in the sheet ("who won the previous year?"), in a table with one column of
    dates or years, and a question that does not say the sheet's order ("listed after"): (that column, a plan that
    lists it in sheet order); None otherwise."""
    from .shapes import SHEET_CUES, time_columns

    plan = p.plan
    if next_in_sheet(plan) is None or SHEET_CUES.search(norm(question)):
        return None
    times = time_columns(p.table)
    if len(times) != 1:
        return None
    listing = plan.model_copy(update={"select": [times[0]], "filters": [], "relative": None, "same_as": None,
                                      "order": [Order(by=ROW, desc=False)], "limit": 100000, "headline": "table",
                                      "distinct_rows": False})
    return times[0], replace(p, plan=listing, compiled=None)


def flipped(p: Planned) -> Planned:
    """The row on the other side of the named one in the sheet: time's "previous" in a sheet that runs latest first."""
    plan, rel = p.plan, p.plan.relative
    if rel is not None:
        plan = plan.model_copy(update={"relative": rel.model_copy(update={"step": -rel.step})})
    else:
        op = "lt" if plan.same_as.op == "gt" else "gt"
        plan = plan.model_copy(update={"same_as": plan.same_as.model_copy(update={"op": op}),
                                       "order": [Order(by=ROW, desc=op == "lt")]})
    return replace(p, plan=plan, compiled=None, notes=[*p.notes, "The sheet lists its rows latest first, so a row "
                                                       "earlier in time is below the named one, a later one above."])


def nearest_in_time(p: Planned, col: str) -> Planned:
    """The row nearest the named one in the time column, on the side the step says (rows tied there all kept)."""
    anchor, step = next_in_sheet(p.plan)
    plan = p.plan.model_copy(update={
        "relative": None, "same_as": SameAs(anchor=anchor, columns=[col], op="gt" if step > 0 else "lt"),
        "filters": [*p.plan.filters, Filter(column=col, op="not_null")], "select": [*p.plan.select, col],
        "order": [Order(by=col, desc=step < 0)], "limit": 1, "ties": True})
    return replace(p, plan=plan, compiled=None)


def year_probes(p: Planned, col: str) -> tuple[Planned, Planned]:
    """Plans reading the time column of the named row and of the row the plan answers with."""
    anchor = p.plan.model_copy(update={"relative": None, "same_as": None, "filters": next_in_sheet(p.plan)[0],
                                       "select": [col], "limit": 1, "order": []})
    answer = p.plan.model_copy(update={"select": [col]})
    return replace(p, plan=anchor, compiled=None), replace(p, plan=answer, compiled=None)


def anchor_rows(p: Planned) -> Planned:
    """A plan listing the sheet positions of the named row(s) a row past them is read from."""
    plan = p.plan.model_copy(update={"relative": None, "same_as": None, "filters": next_in_sheet(p.plan)[0],
                                     "select": [ROW], "order": [Order(by=ROW, desc=False)], "limit": 100000,
                                     "headline": "table", "distinct_rows": False})
    return replace(p, plan=plan, compiled=None)
