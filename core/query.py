"""The query engine: DuckDB over the workspace's Parquet tables, locked down.

External access is off except the workspace's files folder, extensions never autoload, memory
and threads are capped and the configuration is locked. Only one SELECT statement runs, with
parameters, a row limit and a timeout.
"""
from __future__ import annotations

import atexit
import threading
import weakref
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from .config import Settings
from .errors import QueryError, QueryTimeout
from .plan import ROW_COLUMN, Compiled, Plan, Schema, compile_plan, qi, rows_view
from .workspace import TableInfo, Workspace


@dataclass
class Result:
    df: pd.DataFrame
    sql: str
    params: list
    tables: list[str]
    truncated: bool = False
    display_sql: str = ""
    sources: list[dict] = field(default_factory=list)


def render_sql(sql: str, params: list) -> str:
    """The SQL with its parameters written in, for people to read (never executed)."""
    parts = sql.split("?")
    if len(parts) - 1 != len(params):
        return sql
    out = [parts[0]]
    for p, rest in zip(params, parts[1:], strict=False):
        if isinstance(p, str):
            out.append("'" + p.replace("'", "''") + "'")
        elif isinstance(p, bool):
            out.append("TRUE" if p else "FALSE")
        else:
            out.append(repr(p) if not isinstance(p, float) or not p.is_integer() else str(int(p)))
        out.append(rest)
    return "".join(out)


# Every open engine, so that interpreter exit can close them (see close_all).
_OPEN: weakref.WeakSet[QueryEngine] = weakref.WeakSet()


class QueryEngine:
    def __init__(self, ws: Workspace, settings: Settings | None = None):
        self.ws = ws
        self.settings = settings or ws.settings
        self._lock = threading.RLock()
        _OPEN.add(self)
        self.con = duckdb.connect(":memory:", config={
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
        })
        files_dir = str(ws.home / "files") + "/"
        self.con.execute(f"SET allowed_directories=[{_sql_str(files_dir)}]")
        self.con.execute("SET enable_external_access=false")
        self.con.execute(f"SET memory_limit={_sql_str(self.settings.duckdb_memory_limit)}")
        self.con.execute(f"SET threads={int(self.settings.duckdb_threads)}")
        self.con.execute("SET lock_configuration=true")
        self.views: dict[str, TableInfo] = {}
        self._values_cache: dict[tuple[str, str], set] = {}
        self._version: int | None = None
        self.refresh()

    def close(self) -> None:
        """Close the DuckDB connection and drop it (idempotent); a closed engine refuses to run queries."""
        with self._lock:
            con, self.con = self.con, None
            if con is not None:
                con.close()
        _OPEN.discard(self)

    # --- keeping views in step with the catalog -------------------------------
    def refresh(self) -> None:
        """Create views for new tables, drop views of removed ones (only when the catalog changed)."""
        version = self.ws.version()
        if version == self._version:
            return
        with self._lock:
            if self.con is None:  # closed: _execute says so
                return
            self._version = version
            tables = {t.sql_name: t for t in self.ws.tables()}
            # gone, or derived again under the same name (a user's keep/exclude decision): drop the view
            for name in [n for n, t in self.views.items() if tables.get(n) != t]:
                self.con.execute(f"DROP VIEW IF EXISTS {qi(name)}")
                self.con.execute(f"DROP VIEW IF EXISTS {qi(rows_view(name))}")
                self.views.pop(name)
                self._values_cache = {k: v for k, v in self._values_cache.items() if k[0] != name}
            for name, t in tables.items():
                if name not in self.views:
                    src = f"read_parquet({_sql_str(str(t.parquet))})"
                    self.con.execute(f"CREATE OR REPLACE VIEW {qi(name)} AS SELECT * FROM {src}")
                    # the same rows with their sheet position (Parquet keeps sheet order), in a view of their own
                    # so that `SELECT *` and column lists never show it; plans read it as the column '#row'
                    self.con.execute(f"CREATE OR REPLACE VIEW {qi(rows_view(name))} AS "
                                     f"SELECT *, file_row_number + 1 AS {qi(ROW_COLUMN)} FROM {src}")
                    self.views[name] = t

    def schema(self) -> Schema:
        self.refresh()
        return Schema({n: dict(t.dtypes) for n, t in self.views.items()}, _LazyValues(self),
                      {n: t.name for n, t in self.views.items()})

    def distinct_values(self, table: str, column: str, limit: int = 20000) -> set:
        key = (table, column)
        if key not in self._values_cache:
            t = self.views.get(table)
            if t is None or column not in t.dtypes:
                return set()
            df = self._execute(f"SELECT DISTINCT {qi(column)} FROM {qi(table)} WHERE {qi(column)} IS NOT NULL LIMIT {limit}", [])
            self._values_cache[key] = set(df.iloc[:, 0].tolist())
        return self._values_cache[key]

    # --- running --------------------------------------------------------------
    def run_plan(self, plan: Plan) -> Result:
        compiled = compile_plan(plan, self.schema())
        return self.run_compiled(compiled)

    def run_compiled(self, c: Compiled) -> Result:
        limit = self.settings.answer_row_limit
        check_single_select(c.sql)
        df = self._execute(f"SELECT * FROM ({c.sql}) AS q LIMIT {limit + 1}", c.params)
        truncated = len(df) > limit
        if truncated:
            df = df.head(limit)
        sources = []
        for name in c.tables:
            t = self.views[name]
            sources.append({"file": t.file, "sheet": t.sheet, "table": t.name, "range": t.range, "rows": t.rows})
        return Result(df, c.sql, c.params, c.tables, truncated, render_sql(c.sql, c.params), sources)

    def sql(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """One read-only SELECT of our own (the insight probes), checked like any compiled plan."""
        self.refresh()
        check_single_select(sql)
        return self._execute(sql, params or [])

    def _execute(self, sql: str, params: list) -> pd.DataFrame:
        with self._lock:
            if self.con is None:
                raise QueryError("The query engine was closed (the app is shutting down).")
            cur = self.con.cursor()
        timer = threading.Timer(self.settings.query_timeout_s, cur.interrupt)
        timer.start()
        try:
            return cur.execute(sql, params).df()
        except duckdb.InterruptException:
            raise QueryTimeout(
                f"The query took longer than {self.settings.query_timeout_s:.0f} s and was stopped. "
                "Ask about a narrower part of the data."
            ) from None
        except duckdb.Error as e:
            raise QueryError(f"The query could not run: {str(e).splitlines()[0][:300]}") from None
        finally:
            timer.cancel()
            cur.close()


class _LazyValues(dict):
    """Distinct values fetched on first use, so validation never scans what it does not need."""

    def __init__(self, engine: QueryEngine):
        super().__init__()
        self.engine = engine

    def get(self, key, default=None):
        table, column = key
        t = self.engine.views.get(table)
        if t is None or t.dtypes.get(column) != "text":
            return default
        return _ValueSet(self.engine, table, column)


class _ValueSet:
    """A column's distinct values; past the cache's cap, membership is asked of the data itself."""

    CAP = 20000

    def __init__(self, engine: QueryEngine, table: str, column: str):
        self.engine, self.table, self.column = engine, table, column
        self.cached = engine.distinct_values(table, column, self.CAP)

    def __iter__(self):
        return iter(self.cached)

    def __contains__(self, v) -> bool:
        if v in self.cached:
            return True
        if len(self.cached) < self.CAP:
            return False
        df = self.engine._execute(f"SELECT 1 FROM {qi(self.table)} WHERE {qi(self.column)} = ? LIMIT 1", [v])
        return not df.empty


@atexit.register
def close_all() -> None:
    """Close every engine still open. A long-lived engine (the app's, held by Streamlit's resource cache until
    the very end) otherwise outlives interpreter teardown, and DuckDB's nanobind bindings then print pages of
    'nanobind: leaked ... instances/types/functions' lines at exit. Dropping the connection here frees it
    while the interpreter is still whole."""
    for engine in list(_OPEN):
        try:
            engine.close()
        except Exception:  # exiting anyway: a failed close must not hide the others
            pass


def check_single_select(sql: str) -> None:
    """Refuse anything that is not exactly one SELECT statement."""
    try:
        stmts = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryError(f"The query is not valid SQL: {str(e).splitlines()[0][:200]}") from None
    if len(stmts) != 1:
        raise QueryError("Only one statement may run at a time.")
    if stmts[0].type != duckdb.StatementType.SELECT:
        raise QueryError("Only SELECT statements may run.")


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"
