"""Query plans: the shape of a question as data, validated against the real tables, compiled to SQL.

Nothing but a compiled plan reaches DuckDB. Identifiers are quoted from the catalog's own names;
every literal is a bound parameter.
"""
from __future__ import annotations

import difflib
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from .errors import PlanError

Agg = Literal["sum", "avg", "median", "min", "max", "count", "count_distinct", "share"]
Bucket = Literal["year", "quarter", "month", "week", "day"]
Op = Literal["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between", "contains",
             "year", "month", "quarter", "is_null", "not_null"]


class Filter(BaseModel):
    column: str
    op: Op = "eq"
    value: Any = None
    values: list[Any] | None = None


class Derived(BaseModel):
    """left (op) right, e.g. Quantity x Unit Price."""
    op: Literal["mul", "div", "add", "sub"]
    left: str
    right: str | float


class Measure(BaseModel):
    agg: Agg
    column: str | None = None  # None: rows (COUNT(*)), or a derived expression
    derived: Derived | None = None
    where: list[Filter] = Field(default_factory=list)  # only for this measure (shares, A-vs-B tests)
    alias: str | None = None


class GroupBy(BaseModel):
    column: str
    bucket: Bucket | None = None


class Buckets(BaseModel):
    """Ranges of a numeric column: edges [0, 18, 30] make 0-18, 18-30, 30+."""
    column: str
    edges: list[float]


class Order(BaseModel):
    by: str  # an output name: a measure alias, a group column, or a selected column
    desc: bool = True


class Join(BaseModel):
    table: str
    left_on: str
    right_on: str
    how: Literal["inner", "left"] = "inner"


class Test(BaseModel):
    """Yes/no questions."""
    kind: Literal["any", "more", "unique", "all"]
    column: str | None = None


class Plan(BaseModel):
    table: str
    measures: list[Measure] = Field(default_factory=list)
    filters: list[Filter] = Field(default_factory=list)
    group_by: list[GroupBy] = Field(default_factory=list)
    buckets: Buckets | None = None
    select: list[str] = Field(default_factory=list)  # row listing / lookups (no measures)
    order: list[Order] = Field(default_factory=list)
    limit: int | None = Field(default=None, ge=1, le=100000)
    join: Join | None = None
    test: Test | None = None
    headline: Literal["value", "label", "bool", "list", "table"] = "table"
    distinct_rows: bool = False

    @model_validator(mode="after")
    def _shape(self):
        if self.measures and self.select:
            raise ValueError("a plan either aggregates (measures) or lists rows (select), not both")
        if self.buckets and self.select:
            raise ValueError("ranges (buckets) group rows, so they go with measures, not selected columns")
        if not self.measures and not self.select and not self.test:
            raise ValueError("a plan needs measures, selected columns or a yes/no test")
        return self


def qi(name: str) -> str:
    """Quote an identifier."""
    return '"' + str(name).replace('"', '""') + '"'


class Schema:
    """Tables the planner may use: sql_name -> {column: dtype}, plus distinct values when known."""

    def __init__(self, tables: dict[str, dict[str, str]], values: dict[tuple[str, str], set] | None = None,
                 labels: dict[str, str] | None = None):
        self.tables = tables
        self.values = values if values is not None else {}
        self.labels = labels or {}


class Compiled(BaseModel):
    sql: str
    params: list[Any]
    tables: list[str]
    output: list[str]


_BUCKET_SQL = {
    "year": "CAST(year({c}) AS INTEGER)",
    "quarter": "CAST(year({c}) AS VARCHAR) || '-Q' || CAST(quarter({c}) AS VARCHAR)",
    "month": "CAST(date_trunc('month', {c}) AS DATE)",
    "week": "CAST(date_trunc('week', {c}) AS DATE)",
    "day": "CAST({c} AS DATE)",
}
_AGG_SQL = {"sum": "SUM", "avg": "AVG", "median": "MEDIAN", "min": "MIN", "max": "MAX"}
_OPS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


class Compiler:
    def __init__(self, plan: Plan, schema: Schema):
        self.p, self.s = plan, schema
        self.params: list[Any] = []
        if plan.table not in schema.tables:
            raise PlanError(f"The plan names a table that is not in the workspace: {plan.table!r}.")
        self.base = schema.tables[plan.table]
        self.joined: dict[str, str] = {}
        if plan.join:
            if plan.join.table not in schema.tables:
                raise PlanError(f"The plan joins a table that is not in the workspace: {plan.join.table!r}.")
            self.joined = schema.tables[plan.join.table]

    # --- columns ------------------------------------------------------------
    def col(self, name: str) -> tuple[str, str]:
        """(SQL expression, dtype) of a column reference; 'table::column' picks the joined table."""
        if "::" in name:
            t, c = name.split("::", 1)
            cols = self.base if t == self.p.table else self.joined if self.p.join and t == self.p.join.table else None
            alias = "b" if t == self.p.table else "j"
            if cols is None or c not in cols:
                raise PlanError(f"Unknown column {c!r} in table {t!r}.")
            return f"{alias}.{qi(c)}", cols[c]
        if name in self.base:
            return (f"b.{qi(name)}" if self.p.join else qi(name)), self.base[name]
        if name in self.joined:
            return f"j.{qi(name)}", self.joined[name]
        known = ", ".join(list(self.base)[:30])
        raise PlanError(f"Unknown column {name!r}. The table's columns are: {known}.")

    def lit(self, v: Any) -> str:
        self.params.append(v)
        return "?"

    def check_value(self, column: str, dtype: str, v: Any) -> Any:
        if isinstance(v, (list, dict, set, tuple)):
            raise PlanError(f"A filter on {column!r} needs a single value here, not {type(v).__name__} {v!r}.")
        if dtype in ("integer", "number"):
            try:
                return float(v) if not isinstance(v, (int, float)) else v
            except (TypeError, ValueError):
                raise PlanError(f"{v!r} is not a number, but column {column!r} holds numbers.") from None
        if dtype in ("date", "datetime"):
            import pandas as pd

            try:
                return str(pd.Timestamp(str(v)))
            except (ValueError, TypeError, OverflowError):
                raise PlanError(f"{v!r} is not a date, but column {column!r} holds dates.") from None
        if dtype == "text" and isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(int(v)) if float(v).is_integer() else str(v)  # a code typed as a number
        known = self.s.values.get((self.p.table, column)) or (self.s.values.get((self.p.join.table, column)) if self.p.join else None)
        if known is not None and dtype == "text" and v not in known:
            texts = [k for k in known if isinstance(k, str)]
            near = [k for k in texts if str(v).lower() in k.lower()][:5]
            near += [k for k in difflib.get_close_matches(str(v), texts, n=3, cutoff=0.6) if k not in near]
            hint = f" Did you mean {', '.join(map(repr, near))}?" if near else ""
            raise PlanError(f"{v!r} does not occur in column {column!r}.{hint}")
        return v

    # --- pieces -------------------------------------------------------------
    def cond(self, f: Filter) -> str:
        c, dtype = self.col(f.column)
        cast = "CAST(? AS TIMESTAMP)" if dtype in ("date", "datetime") else "?"
        if f.op in _OPS:
            self.params.append(self.check_value(f.column, dtype, f.value))
            if f.op == "ne":  # "not Ann" keeps the rows with no value, as a person means it
                return f"{c} IS DISTINCT FROM {cast}"
            return f"{c} {_OPS[f.op]} {cast}"
        if f.op in ("in", "not_in"):
            vals = f.values if f.values is not None else [f.value]
            if not vals:
                raise PlanError(f"The filter on {f.column!r} lists no values.")
            self.params.extend(self.check_value(f.column, dtype, v) for v in vals)
            if f.op == "not_in":
                return f"({c} NOT IN ({', '.join([cast] * len(vals))}) OR {c} IS NULL)"
            return f"{c} IN ({', '.join([cast] * len(vals))})"
        if f.op == "between":
            if not f.values or len(f.values) < 2:
                raise PlanError(f"'between' on {f.column!r} needs two values.")
            lo, hi = self.check_value(f.column, dtype, f.values[0]), self.check_value(f.column, dtype, f.values[1])
            if dtype in ("date", "datetime") and lo > hi or dtype not in ("date", "datetime") and float(lo) > float(hi):
                lo, hi = hi, lo  # "between 10 and 5" means the same range
            self.params.extend([lo, hi])
            return f"{c} BETWEEN {cast} AND {cast}"
        if f.op == "contains":
            self.params.append(str(f.value))
            return f"contains(lower(CAST({c} AS VARCHAR)), lower(?))"  # literal: % and _ are not wildcards
        if f.op in ("year", "month", "quarter"):
            if dtype not in ("date", "datetime"):
                raise PlanError(f"Column {f.column!r} is not a date, so it has no {f.op}.")
            vals = f.values if f.values is not None else [f.value]
            try:
                ints = [int(v) for v in vals]
                if any(float(v) != i for v, i in zip(vals, ints, strict=False)):
                    raise ValueError
            except (TypeError, ValueError):
                raise PlanError(f"A {f.op} filter needs whole numbers, not {vals!r}.") from None
            self.params.extend(ints)
            return f"{f.op}({c}) IN ({', '.join(['?'] * len(vals))})"
        if f.op == "is_null":
            return f"{c} IS NULL"
        if f.op == "not_null":
            return f"{c} IS NOT NULL"
        raise PlanError(f"Unknown filter operation {f.op!r}.")

    def value_expr(self, m: Measure) -> str:
        if m.derived:
            ops = {"mul": "*", "div": "/", "add": "+", "sub": "-"}
            left, lt = self.col(m.derived.left)
            if isinstance(m.derived.right, str):
                right, rt = self.col(m.derived.right)
            else:
                right, rt = self.lit(float(m.derived.right)), "number"
            if lt not in ("integer", "number") or rt not in ("integer", "number"):
                raise PlanError("A derived measure needs numeric columns.")
            if m.derived.op == "div":
                return f"(CAST({left} AS DOUBLE) / NULLIF({right}, 0))"
            return f"({left} {ops[m.derived.op]} {right})"
        if m.column is None:
            return "*"
        c, dtype = self.col(m.column)
        if m.agg in ("sum", "avg", "median", "share") and dtype not in ("integer", "number", "boolean"):
            raise PlanError(f"Column {m.column!r} holds {dtype}, so it cannot be summed or averaged.")
        return c

    def measure(self, m: Measure, grouped: bool) -> str:
        v = self.value_expr(m)
        filt = ""
        if m.where:
            filt = " FILTER (WHERE " + " AND ".join(self.cond(f) for f in m.where) + ")"
        if m.agg == "count":
            return f"COUNT({v}){filt}"
        if m.agg == "count_distinct":
            if v == "*":
                raise PlanError("Count distinct needs a column.")
            return f"COUNT(DISTINCT {v}){filt}"
        if m.agg == "share":
            num = f"COUNT(*){filt}" if v == "*" else f"SUM({v}){filt}"
            den = "COUNT(*)" if v == "*" else f"SUM({v})"
            if grouped and not m.where:
                return f"CAST({num} AS DOUBLE) / NULLIF(SUM({num}) OVER (), 0)"
            return f"CAST({num} AS DOUBLE) / NULLIF({den}, 0)"
        if v == "*":
            raise PlanError(f"{m.agg} needs a column.")
        return f"{_AGG_SQL[m.agg]}({v}){filt}"

    def group_expr(self, g: GroupBy) -> str:
        c, dtype = self.col(g.column)
        if g.bucket:
            if dtype not in ("date", "datetime"):
                raise PlanError(f"Column {g.column!r} is not a date, so it cannot be grouped by {g.bucket}.")
            return _BUCKET_SQL[g.bucket].format(c=c)
        return c

    # --- the statement ------------------------------------------------------
    def compile(self) -> Compiled:
        p = self.p
        out: list[str] = []
        sel: list[str] = []
        where: list[str] = []
        group_keys: list[str] = []
        src = qi(p.table) + (" b" if p.join else "")
        if p.join:
            left, _ = self.col(f"{p.table}::{p.join.left_on}")
            right, _ = self.col(f"{p.join.table}::{p.join.right_on}")
            src += f" {'LEFT ' if p.join.how == 'left' else ''}JOIN {qi(p.join.table)} j ON {left} = {right}"
        # group keys and selected columns come first in the output
        if p.buckets:
            c, dtype = self.col(p.buckets.column)
            if dtype not in ("integer", "number"):
                raise PlanError(f"Column {p.buckets.column!r} is not numeric, so it has no ranges.")
            e = sorted(p.buckets.edges)
            if len(e) < 2:
                raise PlanError("Ranges need at least two edges.")
            parts, labels = [], []
            for lo, hi in zip(e, e[1:], strict=False):
                labels.append(f"{_num(lo)}-{_num(hi)}")
                parts.append(f"WHEN {c} >= {self.lit(lo)} AND {c} < {self.lit(hi)} THEN {self.lit(labels[-1])}")
            parts.append(f"WHEN {c} >= {self.lit(e[-1])} THEN {self.lit(_num(e[-1]) + '+')}")
            parts.append(f"WHEN {c} < {self.lit(e[0])} THEN {self.lit('<' + _num(e[0]))}")
            expr = "CASE " + " ".join(parts) + " END"
            name = f"{p.buckets.column} range"
            sel.append(f"{expr} AS {qi(name)}")
            out.append(name)
            group_keys.append(expr)
            sort_key = f"MIN({c})"
        for g in p.group_by:
            expr = self.group_expr(g)
            name = g.column if not g.bucket else f"{g.column} ({g.bucket})"
            sel.append(f"{expr} AS {qi(name)}")
            out.append(name)
            group_keys.append(expr)
        for s_ in p.select:
            c, _ = self.col(s_)
            name = s_.split("::")[-1]
            sel.append(f"{c} AS {qi(name)}")
            out.append(name)
        grouped = bool(group_keys)
        for i, m in enumerate(p.measures):
            name = m.alias or _measure_name(m)
            if name in out:
                name = f"{name} ({i + 1})"
            sel.append(f"{self.measure(m, grouped)} AS {qi(name)}")
            out.append(name)
        if p.test:
            sel.append(f"{self.test_expr(p.test, out)} AS {qi('answer')}")
            out.append("answer")
        for f in p.filters:
            where.append(self.cond(f))
        sql = "SELECT " + ("DISTINCT " if p.distinct_rows and p.select else "") + ", ".join(sel) + f" FROM {src}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if grouped:
            sql += " GROUP BY " + ", ".join(str(i + 1) for i in range(len(group_keys)))
        order = []
        for o in p.order:
            if o.by not in out:
                if grouped:
                    raise PlanError(f"Grouped results can only be ordered by what they show ({', '.join(out)}), not {o.by!r}.")
                c, _ = self.col(o.by)  # ordering rows by a column that is not shown
                order.append(f"{c} {'DESC' if o.desc else 'ASC'} NULLS LAST")
            else:
                order.append(f"{qi(o.by)} {'DESC' if o.desc else 'ASC'} NULLS LAST")
        if not order and grouped:
            order = [f"{sort_key} ASC" if p.buckets else f"{i + 1} ASC NULLS LAST" for i in range(len(group_keys))]
        if order:
            sql += " ORDER BY " + ", ".join(order)
        if p.limit:
            sql += f" LIMIT {int(p.limit)}"
        tables = [p.table] + ([p.join.table] if p.join else [])
        return Compiled(sql=sql, params=self.params, tables=tables, output=out)

    def test_expr(self, t: Test, out: list[str]) -> str:
        if t.kind == "any":
            return "COUNT(*) > 0"
        if t.kind == "unique":
            c, _ = self.col(t.column or "")
            return f"COUNT(DISTINCT {c}) = COUNT({c})"
        if t.kind == "all":
            # every row meets the filters: counted over the whole table via a FILTER on the negation
            raise PlanError("Use filters with 'any' and a negated condition for 'every' questions.")
        if t.kind == "more":
            if len(self.p.measures) < 2:
                raise PlanError("'more' compares two measures.")
            return f"{self.measure(self.p.measures[-2], False)} > {self.measure(self.p.measures[-1], False)}"
        raise PlanError(f"Unknown test {t.kind!r}.")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _measure_name(m: Measure) -> str:
    base = {"sum": "total", "avg": "average", "median": "median", "min": "min", "max": "max",
            "count": "count", "count_distinct": "distinct", "share": "share"}[m.agg]
    if m.derived:
        sym = {"mul": "x", "div": "/", "add": "+", "sub": "-"}[m.derived.op]
        return f"{base} {m.derived.left} {sym} {m.derived.right}"
    if m.column is None:
        return "rows" if m.agg == "count" else f"{base} of rows"
    if m.agg == "count_distinct":
        return f"distinct {m.column}"
    if m.agg == "sum" and m.column.lower().startswith("total"):
        return m.column
    return f"{base} {m.column}"


def compile_plan(plan: Plan, schema: Schema) -> Compiled:
    """Validate a plan against the schema and compile it to one parameterised SELECT."""
    return Compiler(plan, schema).compile()
