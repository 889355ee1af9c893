"""Insights: what is interesting in a table, computed by a bounded set of SQL probes chosen by column roles,
each a sentence with its numbers, its SQL and (when it helps) a chart; ranked by score.

Public: insights_iter (yields insights as the probes finish, for a page that streams them), summarize (the
ranked few), wants_insights (whether a question asks for them), Insight, PROBES.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator

from ..errors import ExcelChatError
from ..roles import column_roles
from . import groups, periods, profile, spread  # noqa: F401  (registering their probes)
from .model import Insight
from .probes import PROBES
from .rank import SHOWN, rank
from .subject import Subject
from .triggers import focus_of, wants_insights

log = logging.getLogger(__name__)
MAX_TABLES = 4
MIN_ROWS = 5  # a table of a row or two (a note, a heading block) has nothing to summarize  # "summarize" over a whole workspace looks at its largest tables only

rank_insights = rank  # the name core exports it under
__all__ = ["Insight", "PROBES", "insights_iter", "summarize", "wants_insights", "focus_of", "subject", "rank",
           "rank_insights"]


def subject(ws, engine, t, named: bool = True) -> Subject:
    profiles = ws.column_profiles(t.id)
    roles = dict(t.roles or column_roles(dict(t.dtypes), profiles))
    warns = [w["message"] for w in ws.warnings(t.file_id) if w["sheet"] == t.sheet and w["tbl"] in (t.name, None)]
    return Subject(engine, t, roles, profiles, warns, named)


def pick_tables(ws, file_ids: list[int] | None = None) -> list:
    """The tables to look at: those of the files given (or all), data tables first, largest first."""
    tables = [t for t in ws.tables() if (file_ids is None or t.file_id in file_ids) and t.rows >= MIN_ROWS]
    data = [t for t in tables if t.kind == "data"]  # a pivot repeats its source's numbers with totals among them
    return sorted(data or tables, key=lambda t: -t.rows)[:MAX_TABLES]


def insights_iter(ws, engine, file_ids: list[int] | None = None, tables: list | None = None) -> Iterator[Insight]:
    """Every insight found, probe by probe and table by table, as soon as each probe finishes (unranked).
    A probe that fails is logged and skipped: the others' insights stand."""
    engine.refresh()
    tables = tables if tables is not None else pick_tables(ws, file_ids)
    for t in tables:
        s = subject(ws, engine, t, named=len(tables) > 1)
        for p in PROBES:
            try:
                yield from p(s)
            except ExcelChatError as e:  # a query the table cannot run (a timeout, an odd type): skip that probe
                log.info("insight probe %s on %s: %s", p.__name__, t.sql_name, e)
            except Exception:
                log.exception("insight probe %s failed on %s", p.__name__, t.sql_name)


def summarize(ws, engine, file_ids: list[int] | None = None, tables: list | None = None, limit: int = SHOWN,
              focus: tuple[str, ...] = ()) -> list[Insight]:
    """The ranked insights (at most `limit`) of the chosen tables."""
    return rank(list(insights_iter(ws, engine, file_ids, tables)), limit, focus)
