"""Query plans: the shape of a question as data, validated against the real tables, compiled to SQL.

Nothing but a compiled plan reaches DuckDB. Identifiers are quoted from the catalog's own names;
every literal from a plan is a bound parameter (the few SQL constants written here, such as the
number-extracting regular expressions, are the compiler's own text).
"""
from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, WithJsonSchema, model_validator

from .errors import PlanError

Agg = Literal["sum", "avg", "median", "min", "max", "count", "count_distinct", "share", "ratio"]
Bucket = Literal["year", "quarter", "month", "week", "day", "month_of_year", "day_of_week"]
Op = Literal["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between", "contains", "not_contains",
             "year", "month", "quarter", "weekday", "is_null", "not_null", "in_table", "not_in_table",
             "list_contains"]
# every string the model fills is bounded: a grammar for an unbounded string lets a weak model run on forever
Name = Annotated[str, StringConstraints(max_length=300)]
# a cell value may be long; only what the model is allowed to write is bounded (in the schema, not on validation)
Text = Annotated[str, WithJsonSchema({"type": "string", "maxLength": 500})]
Scalar = Text | int | float | bool | None

ROW = "#row"  # the pseudo-column every table has: the 1-based position of a row in its sheet
ROW_COLUMN = "__excelchat_row"  # its name in a table's row view (core/query.py)


def _name() -> Any:
    """A column-name field."""
    return Field(max_length=300, description="a column name exactly as listed, or '#row' for the row's position in its sheet")


def rows_view(table: str) -> str:
    """The hidden view of a table that adds its row position (catalog names never hold '#')."""
    return f"{table}#rows"


class Filter(BaseModel):
    """A condition on a column: column (op) value(s), another column, or another table's column."""
    column: str = _name()
    op: Op = Field("eq", description="eq ne gt gte lt lte compare with value (or other_column); in/not_in use values; "
                   "between uses values [low, high]; contains: text contains value; not_contains: text does not contain "
                   "value (an empty cell counts as not containing it); year/month/quarter/weekday: "
                   "part of a date in values (month may be a name like 'March', weekday a name like 'Monday' or "
                   "1=Monday..7=Sunday); in_table/not_in_table: the value occurs (not) in ref_table's ref_column; "
                   "list_contains: a cell holding a list such as \"['A', 'B']\" or \"A; B\" has the element value")
    value: Scalar = Field(None, description="the value to compare with")
    values: list[Scalar] | None = Field(None, max_length=1000, description="the values for in, not_in, between, year, month, quarter, weekday")
    other_column: str | None = Field(None, max_length=300, description="compare with this column of the same row instead of a value")
    ref_table: str | None = Field(None, max_length=300, description="in_table/not_in_table: the other table")
    ref_column: str | None = Field(None, max_length=300, description="in_table/not_in_table: the other table's column")
    as_number: bool = Field(False, description="read a text column as the number written in it ('$2.3 billion' -> 2.3e9)")


class Derived(BaseModel):
    """left (op) right, e.g. Quantity x Unit Price."""
    op: Literal["mul", "div", "add", "sub"] = Field(description="the arithmetic operation")
    left: str = Field(max_length=300, description="a numeric column")
    right: Name | float = Field(description="a numeric column or a constant")


class Measure(BaseModel):
    """One aggregate: agg over a column (or over rows, or over a derived expression)."""
    agg: Agg = Field(description="the aggregate; share: part of the whole (0..1); ratio: SUM(column) / SUM(denominator)")
    column: str | None = Field(None, max_length=300, description="the column; none with count means rows")
    derived: Derived | None = Field(None, description="aggregate this expression instead of a column")
    denominator: str | None = Field(None, max_length=300, description="ratio: the column whose sum divides the column's sum")
    where: list[Filter] = Field(default_factory=list, max_length=20, description="conditions for this measure only")
    alias: str | None = Field(None, max_length=200, description="the output name of the measure")
    as_number: bool = Field(False, description="read text columns as the numbers written in them")


class Compute(BaseModel):
    """Arithmetic on two measures of the same result row (the gap between two averages, a growth rate)."""
    alias: str = Field(max_length=200, description="the output name of the computed number")
    op: Literal["sub", "gap", "add", "mul", "div", "pct_change"] = Field(
        description="sub: left - right; gap: |left - right| (the difference, whichever is larger); div: left / right; "
                    "pct_change: (left - right) / right, as a fraction")
    left: str = Field(max_length=200, description="a measure alias (or an earlier computed alias)")
    right: Name | float = Field(description="a measure alias (or an earlier computed alias), or a constant")


class GroupBy(BaseModel):
    """A grouping key."""
    column: str = _name()
    bucket: Bucket | None = Field(None, description="group a date by period; month_of_year (January..December, any "
                                  "year) and day_of_week (Monday..Sunday) are labelled by name")
    split_list: bool = Field(False, description="the cells hold lists (\"['A', 'B']\", \"A; B\"): group by each element")


class Buckets(BaseModel):
    """Ranges of a numeric column: edges [0, 18, 30] make 0-18, 18-30, 30+."""
    column: str = Field(max_length=300, description="a numeric column")
    edges: list[float] = Field(max_length=50, description="ascending range edges; each range includes its lower edge")
    labels: list[Name] | None = Field(None, max_length=51, description="names of the ranges: one per edge (the last "
                                     "one is the open range above the last edge), or one more to name the values "
                                     "below the first edge first")


class Order(BaseModel):
    """A sort key."""
    by: str = Field(max_length=300, description="an output name (measure alias, group column, selected column), "
                    "a column of the table, or '#row' for sheet order")
    desc: bool = Field(True, description="largest first")
    as_number: bool = Field(False, description="sort a text column by the number written in it")


class Unpivot(BaseModel):
    """Columns that are values of one thing (one column per month) read as rows: a name and a value per row."""
    columns: list[Name] = Field(min_length=2, max_length=100, description="the columns to turn into rows")
    name: str = Field("Column", max_length=100, description="the new column holding each turned column's name (e.g. 'Month')")
    value: str = Field("Value", max_length=100, description="the new column holding its value (e.g. 'Sales')")


class Join(BaseModel):
    """Rows of table matched with rows of another table."""
    table: str = Field(max_length=300, description="the other table")
    left_on: str = Field(max_length=300, description="the key column of the plan's table")
    right_on: str = Field(max_length=300, description="the key column of the other table")
    how: Literal["inner", "left"] = Field("inner", description="left keeps rows without a match")


class Test(BaseModel):
    """Yes/no questions."""
    kind: Literal["any", "more", "unique", "all", "every", "some"] = Field(description=
        "any: some row passes the filters; more: the first of the last two measures is larger; unique: column has "
        "no duplicates; every/some: every (some) row of the plan's result meets where (after order, limit, ties)")
    column: str | None = Field(None, max_length=300, description="unique: the column")
    where: list[Filter] = Field(default_factory=list, max_length=20,
                                description="every/some: conditions on the result's output columns")


class Relative(BaseModel):
    """The row(s) at a distance from an anchor row in sheet order: step 1 is the next row, -1 the previous one."""
    anchor: list[Filter] = Field(min_length=1, max_length=10, description="conditions that find the anchor row")
    step: int = Field(1, ge=-1000, le=1000, description="rows after (positive) or before (negative) the anchor")


class Streak(BaseModel):
    """The longest run of consecutive rows meeting where (e.g. the longest winning streak)."""
    where: list[Filter] = Field(min_length=1, max_length=10, description="the condition each row of the run meets")
    order_by: str = Field(ROW, max_length=300, description="the order of the rows: '#row' (sheet order) or a column")


class SameAs(BaseModel):
    """The other rows that share an anchor row's values in some columns ("which club entered the same year as X")."""
    anchor: list[Filter] = Field(min_length=1, max_length=10, description="conditions that find the anchor row(s)")
    columns: list[Name] = Field(min_length=1, max_length=5, description="the columns whose values the rows share with it")
    op: Literal["eq", "gt", "lt"] = Field("eq", description="gt/lt: rows above/below the anchor's value instead")
    as_number: bool = Field(False, description="gt/lt on text columns compare the numbers written in them")


class Plan(BaseModel):
    """A question as a query over one table (optionally joined with another)."""
    table: str = Field(max_length=300, description="the sql_name of the table")
    measures: list[Measure] = Field(default_factory=list, max_length=20, description="aggregates to compute")
    filters: list[Filter] = Field(default_factory=list, max_length=30, description="conditions on rows (all must hold)")
    group_by: list[GroupBy] = Field(default_factory=list, max_length=5, description="grouping keys of the measures")
    buckets: Buckets | None = Field(None, description="group a numeric column into ranges")
    compute: list[Compute] = Field(default_factory=list, max_length=5, description=
                                   "numbers computed from the measures of each result row; the last is the answer")
    select: list[Name] = Field(default_factory=list, max_length=30, description="columns to list (no measures); '#row' is the sheet position")
    order: list[Order] = Field(default_factory=list, max_length=5, description="sort keys of the result")
    limit: int | None = Field(default=None, ge=1, le=100000, description="at most this many result rows")
    offset: int | None = Field(default=None, ge=0, le=100000, description="skip this many rows first: offset 1, limit 1 is the second")
    ties: bool = Field(False, description="limit and offset count distinct values of the order keys and keep all tied "
                       "rows: limit 1 gives every row sharing the top value; offset 1, limit 1 every row with the second")
    join: Join | None = Field(None, description="match rows with another table; name its columns 'table::column' "
                              "when both tables have a column of that name")
    unpivot: Unpivot | None = Field(None, description="turn columns into rows first (months laid out as columns); "
                                    "the rest of the plan uses the new name and value columns")
    relative: Relative | None = Field(None, description="keep only the row(s) at a step from an anchor row in sheet order")
    streak: Streak | None = Field(None, description="answer with the longest run of consecutive rows meeting a condition")
    same_as: SameAs | None = Field(None, description="keep only the other rows sharing the anchor row's values in "
                                   "columns (the anchor rows themselves left out)")
    having: list[Filter] = Field(default_factory=list, max_length=10, description=
                                 "conditions on the result's output columns (measure aliases, group columns), "
                                 "e.g. groups whose count is more than 10")
    count_result: bool = Field(False, description="answer with the number of result rows (e.g. how many regions have ...)")
    test: Test | None = Field(None, description="a yes/no question about the rows or the result")
    headline: Literal["value", "label", "bool", "list", "table"] = Field("table", description="the shape of the answer")
    distinct_rows: bool = Field(False, description="list each distinct selected row once")
    unit_columns: list[Name] = Field(default_factory=list, max_length=30, description=
                                     "text columns of numbers with a unit ('113.6 m', '223 lb (101 kg)'): read as "
                                     "numbers, the leading number is taken and a unit such as 'm' is no scale word")
    duration_columns: list[Name] = Field(default_factory=list, max_length=30, description=
                                         "text columns of durations ('2h 05m', '1 h 30 min', '45 min'): read as "
                                         "their seconds")

    @model_validator(mode="after")
    def _shape(self):
        if self.measures and self.select:
            raise ValueError("a plan either aggregates (measures) or lists rows (select), not both")
        if self.buckets and self.select:
            raise ValueError("ranges (buckets) group rows, so they go with measures, not selected columns")
        if self.streak and (self.measures or self.select or self.group_by or self.buckets):
            raise ValueError("a streak is an answer of its own: no measures, selected columns or groups with it")
        if self.compute and not self.measures:
            raise ValueError("compute works on measures: add the measures it combines")
        if not self.measures and not self.select and not self.test and not self.streak:
            raise ValueError("a plan needs measures, selected columns, a streak or a yes/no test")
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
    "month_of_year": "monthname({c})",
    "day_of_week": "dayname({c})",
}
# named periods sort in calendar order, not by name
_BUCKET_SORT = {"month_of_year": "MIN(month({c}))", "day_of_week": "MIN(isodow({c}))"}
_BUCKET_TYPE = {"year": "integer", "quarter": "text", "month": "date", "week": "date", "day": "date",
                "month_of_year": "text", "day_of_week": "text"}
_AGG_SQL = {"sum": "SUM", "avg": "AVG", "median": "MEDIAN", "min": "MIN", "max": "MAX"}
_OPS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
NUMERIC = ("integer", "number")
DATES = ("date", "datetime")
MONTHS = {m: i + 1 for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                          "september", "october", "november", "december"])}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9})
WEEKDAYS = {d: i + 1 for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
WEEKDAYS.update({d[:3]: i for d, i in list(WEEKDAYS.items())})
_PART_RANGE = {"month": (1, 12), "quarter": (1, 4), "weekday": (1, 7)}

# the first number written in a text, and the word right after it (a scale word or a unit)
_NUM_RE = r"(-?\d[\d,]*(?:\.\d+)?)\s*([A-Za-z]*)"
# a duration: [hours:]minutes:seconds[.fraction] ("3:45.2", "2:28:17"), the whole cell
DURATION_RE = r"\s*(?:(\d{1,3}):)?(\d{1,3}):([0-5]\d(?:\.\d+)?)\s*"
# a duration written with units, the whole cell: "2h 05m", "1 h 30 min", "45 min", "3 hours", "1h 5m 30s"
TEXT_DURATION_RE = (r"\s*(?:(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\.?)?\s*"
                    r"(?:(\d+(?:\.\d+)?)\s*(?:minutes?|mins?|m)\.?)?\s*"
                    r"(?:(\d+(?:\.\d+)?)\s*(?:seconds?|secs?|s)\.?)?\s*")
_SCALES = ((("thousand", "k"), "1e3"), (("million", "mn", "mio", "m"), "1e6"), (("billion", "bn"), "1e9"),
           (("trillion", "tn"), "1e12"))


def number_sql(expr: str, unit: bool | str = False) -> str:
    """SQL for the first number written in a text, scaled by a following scale word.

    '$2.3 billion' -> 2.3e9, '$4.5m' -> 4.5e6, '112 seats' -> 112, '4,051,237' -> 4051237, 'Jones (3)' -> 3.
    A percent sign is ignored: '12.5%' -> 12.5 (not 0.125), so a percentage compares with the number as written.
    Text without a digit gives NULL. With `unit` the word after the number is a unit, never a scale: '113.6 m'
    (metres) -> 113.6, '223 lb (101 kg)' -> 223. With `unit` "duration" the cell is a duration read as its
    seconds ('2h 05m' -> 7500, '45 min' -> 2700, '1:30:00' -> 5400), anything else NULL.
    """
    s = f"CAST({expr} AS VARCHAR)"
    if unit == "duration":
        return _as_duration(s, duration_sql(s))
    num = f"NULLIF(replace(regexp_extract({s}, '{_NUM_RE}', 1), ',', ''), '')"
    if unit:
        return _as_duration(s, f"TRY_CAST({num} AS DOUBLE)")
    word = f"lower(regexp_extract({s}, '{_NUM_RE}', 2))"
    scale = " ".join(f"WHEN {word} IN ({', '.join(repr(w) for w in words)}) THEN {f}" for words, f in _SCALES)
    return _as_duration(s, f"(TRY_CAST({num} AS DOUBLE) * CASE {scale} ELSE 1 END)")


def _as_duration(s: str, otherwise: str) -> str:
    """A time written as minutes and seconds ('3:45.2', '2:28:17' with hours) read as its seconds, so times order
    and compare as durations; any other text as `otherwise` reads it."""
    part = [f"regexp_extract({s}, '{DURATION_RE}', {i})" for i in (1, 2, 3)]
    secs = (f"COALESCE(TRY_CAST(NULLIF({part[0]}, '') AS DOUBLE), 0) * 3600 + TRY_CAST({part[1]} AS DOUBLE) * 60 + "
            f"TRY_CAST({part[2]} AS DOUBLE)")
    return f"(CASE WHEN regexp_full_match({s}, '{DURATION_RE}') THEN {secs} ELSE {otherwise} END)"


def duration_sql(s: str) -> str:
    """SQL for a text duration written with units ('2h 05m', '1 h 30 min') as its seconds; NULL for other text."""
    part = [f"COALESCE(TRY_CAST(NULLIF(regexp_extract(lower({s}), '^{TEXT_DURATION_RE}$', {i}), '') AS DOUBLE), 0)"
            for i in (1, 2, 3)]
    return (f"(CASE WHEN regexp_full_match(lower({s}), '{TEXT_DURATION_RE}') AND regexp_matches({s}, '\\d') "
            f"THEN {part[0]} * 3600 + {part[1]} * 60 + {part[2]} END)")


def list_sql(expr: str) -> str:
    """SQL splitting a cell that holds a list ("['Business', 'Law']", "Business; Law", "A | B") into its elements."""
    s = rf"regexp_replace(CAST({expr} AS VARCHAR), '^\s*\[|\]\s*$', '', 'g')"
    parts = rf"string_split_regex({s}, '\s*[,;|\n]\s*')"
    return f"list_filter(list_transform({parts}, lambda x: trim(x, ' ''\"')), lambda x: x <> '')"


def _kind(dtype: str) -> str:
    """Types that compare with each other."""
    return "number" if dtype in NUMERIC else "date" if dtype in DATES else dtype


Ctx = dict[str, tuple[str, str, str | None]]  # output name -> (SQL expression, dtype, column its values come from)


class Compiler:
    def __init__(self, plan: Plan, schema: Schema):
        self.p, self.s = plan, schema
        self.params: list[Any] = []
        if plan.table not in schema.tables:
            raise PlanError(f"The plan names a table that is not in the workspace: {plan.table!r}.")
        self.base = schema.tables[plan.table]
        if plan.unpivot:
            self.base = self._unpivoted(plan, self.base)
        self.joined: dict[str, str] = {}
        if plan.join:
            if plan.join.table not in schema.tables:
                raise PlanError(f"The plan joins a table that is not in the workspace: {plan.join.table!r}.")
            self.joined = schema.tables[plan.join.table]
        self.uses_rows = False  # the plan reads row positions, so it reads the table's row view
        self.split: str | None = None  # a list-valued column grouped by element
        self.refs: list[str] = []  # tables read by in_table filters
        self.out_types: dict[str, tuple[str, str | None]] = {}  # output name -> (dtype, source column)
        self.computed: list[str] = []  # "expr AS alias" of each compute, over the result's columns

    @staticmethod
    def _unpivoted(plan: Plan, cols: dict[str, str]) -> dict[str, str]:
        """The columns a plan sees after its unpivot: the others, then the name and the value."""
        u = plan.unpivot
        missing = [c for c in u.columns if c not in cols]
        if missing:
            raise PlanError(f"unpivot names unknown columns: {', '.join(map(repr, missing[:5]))}.")
        if plan.join:
            raise PlanError("A plan cannot unpivot and join at once.")
        rest = {c: d for c, d in cols.items() if c not in u.columns}
        if u.name in rest or u.value in rest or u.name == u.value:
            raise PlanError(f"unpivot's new names ({u.name!r}, {u.value!r}) must differ from each other and the table's columns.")
        kinds = {_kind(cols[c]) for c in u.columns}
        value = "text" if len(kinds) > 1 else "number" if kinds == {"number"} else cols[u.columns[0]]
        return {**rest, u.name: "text", u.value: value}

    # --- columns ------------------------------------------------------------
    def col(self, name: str) -> tuple[str, str]:
        """(SQL expression, dtype) of a column reference; 'table::column' picks the joined table."""
        if name == ROW and name not in self.base:
            self.uses_rows = True
            return (f"b.{qi(ROW_COLUMN)}" if self.p.join else qi(ROW_COLUMN)), "integer"
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

    def check_value(self, column: str, dtype: str, v: Any, lookup: str | None = "") -> Any:
        """The value as the column's type; a text value must occur in the column (`lookup`, default `column`)."""
        if isinstance(v, (list, dict, set, tuple)):
            raise PlanError(f"A filter on {column!r} needs a single value here, not {type(v).__name__} {v!r}.")
        if dtype in NUMERIC:
            try:
                return float(v) if not isinstance(v, (int, float)) else v
            except (TypeError, ValueError):
                raise PlanError(f"{v!r} is not a number, but column {column!r} holds numbers.") from None
        if dtype in DATES:
            import pandas as pd

            try:
                return str(pd.Timestamp(str(v)))
            except (ValueError, TypeError, OverflowError):
                raise PlanError(f"{v!r} is not a date, but column {column!r} holds dates.") from None
        if dtype == "text" and isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(int(v)) if float(v).is_integer() else str(v)  # a code typed as a number
        if dtype == "text" and lookup is not None:
            self.check_known(lookup or column, v)
        return v

    def check_known(self, column: str, v: Any) -> None:
        """Refuse a text value that does not occur in the column, naming near values."""
        known = self.s.values.get((self.p.table, column)) or (self.s.values.get((self.p.join.table, column)) if self.p.join else None)
        if known is None or v in known:
            return
        texts = [k for k in known if isinstance(k, str)]
        near = [k for k in texts if str(v).lower() in k.lower()][:5]
        near += [k for k in difflib.get_close_matches(str(v), texts, n=3, cutoff=0.6) if k not in near]
        hint = f" Did you mean {', '.join(map(repr, near))}?" if near else ""
        raise PlanError(f"{v!r} does not occur in column {column!r}.{hint}")

    # --- conditions ---------------------------------------------------------
    def unit(self, name: str | None) -> bool | str:
        """Is this column (or the output column read from it) one of numbers with a unit ('113.6 m'), or
        "duration" for one of durations ('2h 05m')?"""
        if not name or not (self.p.unit_columns or self.p.duration_columns):
            return False
        src = self.out_types.get(name, ("", None))[1]
        if name in self.p.duration_columns or src in self.p.duration_columns:
            return "duration"
        return name in self.p.unit_columns or src in self.p.unit_columns

    def operand(self, name: str, as_number: bool, ctx: Ctx | None) -> tuple[str, str, str | None]:
        """(SQL, dtype, column to check values in) of a column, or of an output column when ctx is given."""
        if ctx is not None:
            if name not in ctx:
                raise PlanError(f"{name!r} is not a column of the result; it has {', '.join(ctx)}.")
            expr, dtype, src = ctx[name]
        else:
            (expr, dtype), src = self.col(name), ""
        if as_number and dtype not in NUMERIC:
            return number_sql(expr, self.unit(src if ctx is not None and src else name)), "number", None
        return expr, dtype, src

    def cond(self, f: Filter, ctx: Ctx | None = None) -> str:
        """SQL for one filter; with ctx it reads the output columns of the result."""
        if f.op in ("in_table", "not_in_table"):
            return self.in_table(f, ctx)
        c, dtype, src = self.operand(f.column, f.as_number, ctx)
        if f.other_column is not None:
            return self.column_cmp(f, c, dtype, ctx)
        if f.op in _OPS:
            cast = "CAST(? AS TIMESTAMP)" if dtype in DATES else "?"
            self.params.append(self.check_value(f.column, dtype, f.value, src))
            if f.op == "ne":  # "not Ann" keeps the rows with no value, as a person means it
                return f"{c} IS DISTINCT FROM {cast}"
            return f"{c} {_OPS[f.op]} {cast}"
        handlers = {"in": self.in_values, "not_in": self.in_values, "between": self.between,
                    "year": self.date_part, "month": self.date_part, "quarter": self.date_part,
                    "weekday": self.date_part, "list_contains": self.list_contains}
        if f.op in handlers:
            return handlers[f.op](f, c, dtype, src)
        if f.op == "contains":
            self.params.append(str(f.value))
            return f"contains(lower(CAST({c} AS VARCHAR)), lower(?))"  # literal: % and _ are not wildcards
        if f.op == "not_contains":  # like ne: a row with no text does not contain the value, so it is kept
            self.params.append(str(f.value))
            return f"({c} IS NULL OR NOT contains(lower(CAST({c} AS VARCHAR)), lower(?)))"
        if f.op == "is_null":
            return f"{c} IS NULL"
        if f.op == "not_null":
            return f"{c} IS NOT NULL"
        raise PlanError(f"Unknown filter operation {f.op!r}.")

    def in_values(self, f: Filter, c: str, dtype: str, src: str | None) -> str:
        cast = "CAST(? AS TIMESTAMP)" if dtype in DATES else "?"
        vals = f.values if f.values is not None else [f.value]
        if not vals:
            raise PlanError(f"The filter on {f.column!r} lists no values.")
        self.params.extend(self.check_value(f.column, dtype, v, src) for v in vals)
        if f.op == "not_in":
            return f"({c} NOT IN ({', '.join([cast] * len(vals))}) OR {c} IS NULL)"
        return f"{c} IN ({', '.join([cast] * len(vals))})"

    def between(self, f: Filter, c: str, dtype: str, src: str | None) -> str:
        cast = "CAST(? AS TIMESTAMP)" if dtype in DATES else "?"
        if not f.values or len(f.values) < 2:
            raise PlanError(f"'between' on {f.column!r} needs two values.")
        lo, hi = self.check_value(f.column, dtype, f.values[0], src), self.check_value(f.column, dtype, f.values[1], src)
        if dtype in DATES and lo > hi or dtype not in DATES and float(lo) > float(hi):
            lo, hi = hi, lo  # "between 10 and 5" means the same range
        self.params.extend([lo, hi])
        return f"{c} BETWEEN {cast} AND {cast}"

    def date_part(self, f: Filter, c: str, dtype: str, src: str | None) -> str:
        if dtype not in DATES:
            raise PlanError(f"Column {f.column!r} is not a date, so it has no {f.op}.")
        vals = f.values if f.values is not None else [f.value]
        if not vals:
            raise PlanError(f"The {f.op} filter on {f.column!r} lists no values.")
        self.params.extend(_part_number(f.op, v) for v in vals)
        fn = "isodow" if f.op == "weekday" else f.op
        return f"{fn}({c}) IN ({', '.join(['?'] * len(vals))})"

    def list_contains(self, f: Filter, c: str, dtype: str, src: str | None) -> str:
        if dtype != "text" or f.value is None:
            raise PlanError(f"'list_contains' needs a text column holding lists and a value, not {f.column!r} ({dtype}).")
        self.params.append(str(f.value))
        return f"list_contains(list_transform({list_sql(c)}, lambda x: lower(x)), lower(?))"

    def column_cmp(self, f: Filter, c: str, dtype: str, ctx: Ctx | None) -> str:
        """Column (op) other column of the same row, e.g. home goals > away goals."""
        if f.op not in _OPS:
            raise PlanError("A comparison of two columns uses eq, ne, gt, gte, lt or lte.")
        o, odt, _ = self.operand(f.other_column or "", f.as_number, ctx)
        if _kind(dtype) != _kind(odt):
            raise PlanError(f"{f.column!r} ({dtype}) and {f.other_column!r} ({odt}) cannot be compared.")
        if f.op == "ne":
            return f"{c} IS DISTINCT FROM {o}"
        return f"{c} {_OPS[f.op]} {o}"

    def in_table(self, f: Filter, ctx: Ctx | None) -> str:
        """The key occurs (or does not occur) in another table's column: a semi-join or anti-join."""
        if ctx is not None:
            raise PlanError("'in_table' conditions go in the plan's filters.")
        if not f.ref_table or not f.ref_column:
            raise PlanError(f"'{f.op}' on {f.column!r} needs ref_table and ref_column.")
        if f.ref_table not in self.s.tables:
            raise PlanError(f"The plan names a table that is not in the workspace: {f.ref_table!r}.")
        cols = self.s.tables[f.ref_table]
        if f.ref_column not in cols:
            raise PlanError(f"Unknown column {f.ref_column!r} in table {f.ref_table!r}. Its columns are: {', '.join(list(cols)[:30])}.")
        c, dtype = self.col(f.column)
        if _kind(dtype) != _kind(cols[f.ref_column]):
            raise PlanError(f"{f.column!r} ({dtype}) cannot be matched with {f.ref_column!r} ({cols[f.ref_column]}).")
        self.refs.append(f.ref_table)
        a = f"r{len(self.refs)}"
        rc = f"{a}.{qi(f.ref_column)}"
        sub = f"SELECT {rc} FROM {qi(f.ref_table)} {a} WHERE {rc} IS NOT NULL"
        if f.op == "in_table":
            return f"{c} IN ({sub})"
        return f"({c} IS NULL OR {c} NOT IN ({sub}))"  # a row without a key has no match either

    # --- measures and groups --------------------------------------------------
    def value_expr(self, m: Measure) -> str:
        if m.derived:
            ops = {"mul": "*", "div": "/", "add": "+", "sub": "-"}
            left, lt = self.col(m.derived.left)
            if isinstance(m.derived.right, str):
                right, rt = self.col(m.derived.right)
            else:
                right, rt = self.lit(float(m.derived.right)), "number"
            if lt not in NUMERIC or rt not in NUMERIC:
                raise PlanError("A derived measure needs numeric columns.")
            if m.derived.op == "div":
                return f"(CAST({left} AS DOUBLE) / NULLIF({right}, 0))"
            return f"({left} {ops[m.derived.op]} {right})"
        if m.column is None:
            return "*"
        c, dtype = self.col(m.column)
        if m.as_number and dtype not in NUMERIC:
            return number_sql(c, self.unit(m.column))
        if m.agg in ("sum", "avg", "median", "share", "ratio") and dtype not in ("integer", "number", "boolean"):
            raise PlanError(f"Column {m.column!r} holds {dtype}, so it cannot be summed or averaged.")
        return c

    def where_clause(self, m: Measure) -> str:
        if not m.where:
            return ""
        return " FILTER (WHERE " + " AND ".join(self.cond(f) for f in m.where) + ")"

    def measure(self, m: Measure, grouped: bool) -> str:
        if m.agg == "ratio":
            return self.ratio(m)
        v = self.value_expr(m)
        filt = self.where_clause(m)
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

    def arithmetic(self, c: Compute, names: list[str]) -> str:
        """One computed number from measures named by alias (a zero divisor gives NULL)."""
        def side(x: str | float) -> str:
            if isinstance(x, str) and x in names and x != c.alias:
                return f"CAST(c.{qi(x)} AS DOUBLE)"
            if isinstance(x, int | float) and not isinstance(x, bool):
                return f"CAST({_num(x)} AS DOUBLE)"
            raise PlanError(f"compute {c.alias!r} names {x!r}, which is not a measure alias ({', '.join(names)}).")
        a, b = side(c.left), side(c.right)
        return {"sub": f"{a} - {b}", "gap": f"abs({a} - {b})", "add": f"{a} + {b}", "mul": f"{a} * {b}",
                "div": f"{a} / NULLIF({b}, 0)", "pct_change": f"({a} - {b}) / NULLIF({b}, 0)"}[c.op]

    def ratio(self, m: Measure) -> str:
        """SUM(column) / SUM(denominator), e.g. margin = profit / sales (per group when grouped)."""
        if m.column is None or m.derived or not m.denominator:
            raise PlanError("A ratio needs a column and a denominator column.")
        num = self.value_expr(m)
        num_f = self.where_clause(m)  # written twice, so its parameters are bound twice, in order
        den = self.value_expr(m.model_copy(update={"column": m.denominator}))
        den_f = self.where_clause(m)
        return f"CAST(SUM({num}){num_f} AS DOUBLE) / NULLIF(SUM({den}){den_f}, 0)"

    def group_expr(self, g: GroupBy) -> str:
        c, dtype = self.col(g.column)
        if g.split_list:
            if dtype != "text" or g.bucket or self.split or g.column not in self.base:
                raise PlanError(f"Only one text column of the plan's table can be split into list elements, not {g.column!r}.")
            self.split = g.column  # the source turns each element into a row of its own
            return c
        if g.bucket:
            if dtype not in DATES:
                raise PlanError(f"Column {g.column!r} is not a date, so it cannot be grouped by {g.bucket}.")
            return _BUCKET_SQL[g.bucket].format(c=c)
        return c

    def range_expr(self, b: Buckets) -> tuple[str, str]:
        """CASE expression naming the range of a numeric value, and the column's SQL."""
        c, dtype = self.col(b.column)
        if dtype not in NUMERIC:
            raise PlanError(f"Column {b.column!r} is not numeric, so it has no ranges.")
        e = sorted(b.edges)
        if len(e) < 2:
            raise PlanError("Ranges need at least two edges.")
        names = [f"{_num(lo)}-{_num(hi)}" for lo, hi in zip(e, e[1:], strict=False)] + [_num(e[-1]) + "+"]
        below = "<" + _num(e[0])
        if b.labels is not None:
            if e != b.edges or len(b.labels) not in (len(e), len(e) + 1):
                raise PlanError(f"Named ranges need ascending edges and {len(e)} labels (or {len(e) + 1} with the "
                                f"values below {_num(e[0])} first), not {len(b.labels)}.")
            names, below = b.labels[-len(e):], (b.labels[0] if len(b.labels) > len(e) else below)
        parts = [f"WHEN {c} >= {self.lit(lo)} AND {c} < {self.lit(hi)} THEN {self.lit(n)}"
                 for lo, hi, n in zip(e, e[1:], names, strict=False)]
        parts.append(f"WHEN {c} >= {self.lit(e[-1])} THEN {self.lit(names[-1])}")
        parts.append(f"WHEN {c} < {self.lit(e[0])} THEN {self.lit(below)}")
        return "CASE " + " ".join(parts) + " END", c

    # --- the statement ------------------------------------------------------
    def columns(self) -> tuple[list[str], list[str], list[tuple]]:
        """The SELECT list, its output names and the default order of grouped results."""
        p = self.p
        sel: list[str] = []
        out: list[str] = []
        default: list[tuple] = []  # (SQL, direction, output name or None, as_number)

        def add(expr: str, name: str, dtype: str, src: str | None) -> None:
            sel.append(f"{expr} AS {qi(name)}")
            out.append(name)
            self.out_types[name] = (dtype, src)

        if p.buckets:
            expr, c = self.range_expr(p.buckets)
            add(expr, f"{p.buckets.column} range", "text", None)
            default.append((f"MIN({c})", "ASC", None, False))
        for g in p.group_by:
            expr = self.group_expr(g)
            name = g.column if not g.bucket else f"{g.column} ({g.bucket})"
            dtype = _BUCKET_TYPE[g.bucket] if g.bucket else self.col(g.column)[1]
            add(expr, name, dtype, g.column if not g.bucket and not g.split_list else None)
            if p.buckets:
                default.append(default[0])
            elif g.bucket in _BUCKET_SORT:
                default.append((_BUCKET_SORT[g.bucket].format(c=self.col(g.column)[0]), "ASC NULLS LAST", None, False))
            else:
                default.append((str(len(out)), "ASC NULLS LAST", name, False))
        for s_ in p.select:
            c, dtype = self.col(s_)
            add(c, s_.split("::")[-1], dtype, s_)
        grouped = bool(default)
        for i, m in enumerate(p.measures):
            name = m.alias or _measure_name(m)
            if name in out:
                name = f"{name} ({i + 1})"
            add(self.measure(m, grouped), name, "number", None)
        measures = out[len(out) - len(p.measures):]
        for c in p.compute:  # computed over the grouped result's own columns, in a query around it
            if c.alias in out:
                raise PlanError(f"The computed name {c.alias!r} is already an output name.")
            self.computed.append(f"{self.arithmetic(c, measures)} AS {qi(c.alias)}")
            measures = measures + [c.alias]  # a later compute may use this one
            out.append(c.alias)
            self.out_types[c.alias] = ("number", None)
        if p.test and p.test.kind not in ("every", "some"):
            add(self.test_expr(p.test, out), "answer", "boolean", None)
        return sel, out, default

    def order_keys(self, out: list[str], default: list[tuple]) -> list[tuple]:
        """(SQL, direction, output name or None, as_number) of each sort key."""
        keys = []
        for o in self.p.order:
            d = "DESC NULLS LAST" if o.desc else "ASC NULLS LAST"
            if o.by in out:
                keys.append((qi(o.by), d, o.by, o.as_number))
                continue
            if default:
                raise PlanError(f"Grouped results can only be ordered by what they show ({', '.join(out)}), not {o.by!r}.")
            c, dtype = self.col(o.by)  # ordering rows by a column that is not shown
            keys.append((number_sql(c, self.unit(o.by)) if o.as_number and dtype not in NUMERIC else c, d, None, False))
        return keys or default

    def compile(self) -> Compiled:
        p = self.p
        if p.streak:
            return self.compile_streak()
        sel, out, default = self.columns()
        where = [self.cond(f) for f in p.filters]
        if p.relative:
            where.append(self.relative_cond(p.relative))
        if p.same_as:
            where.append(self.same_as_cond(p.same_as))
        keys = self.order_keys(out, default)
        wrapped = bool(p.having or p.ties or p.count_result or p.compute or (p.test and p.test.kind in ("every", "some")))
        if wrapped:  # sort keys that are not shown travel to the outer query as hidden columns
            hidden = [k for k in keys if k[2] is None]
            sel += [f"{k[0]} AS {qi(f'__order{i}')}" for i, k in enumerate(hidden)]
            keys = [k if k[2] is not None else (f"q.{qi(f'__order{hidden.index(k)}')}", k[1], None, False) for k in keys]
        sql = "SELECT " + ("DISTINCT " if p.distinct_rows and p.select else "") + ", ".join(sel) + f" FROM {self.source()}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if default:
            sql += " GROUP BY " + ", ".join(str(i + 1) for i in range(len(default)))
        for expr in self.computed:  # one layer each: a later compute may read an earlier one
            sql = f"SELECT *, {expr} FROM ({sql}) c"
        if wrapped:
            sql, out = self.outer(sql, out, keys)
        else:
            order = [f"{number_sql(e, self.unit(n)) if num else e} {d}" for e, d, n, num in keys]
            sql += (" ORDER BY " + ", ".join(order) if order else "") + self.limit_sql()
        tables = [p.table] + ([p.join.table] if p.join else []) + [t for t in dict.fromkeys(self.refs) if t != p.table]
        return Compiled(sql=sql, params=self.params, tables=tables, output=out)

    def limit_sql(self) -> str:
        p = self.p
        return (f" LIMIT {int(p.limit)}" if p.limit else "") + (f" OFFSET {int(p.offset)}" if p.offset else "")

    def source(self) -> str:
        """FROM: the table (its row view when row positions are read), list cells split, the join."""
        p = self.p
        src = qi(rows_view(p.table) if self.uses_rows else p.table)
        if p.unpivot:
            u = p.unpivot
            on = ", ".join(qi(c) for c in u.columns)
            to = {"text": "VARCHAR", "number": "DOUBLE"}.get(self.base[u.value])
            if to:  # columns of different types are turned as one: numbers as DOUBLE, else text
                casts = ", ".join(f"CAST({qi(c)} AS {to}) AS {qi(c)}" for c in u.columns)
                src = f"(SELECT * REPLACE ({casts}) FROM {src})"
            src = f"(UNPIVOT {src} ON {on} INTO NAME {qi(u.name)} VALUE {qi(u.value)}) AS {qi(p.table)}"
        if self.split:
            c = qi(self.split)
            src = f"(SELECT * REPLACE (unnest({list_sql(c)}) AS {c}) FROM {src})" + ("" if p.join else f" AS {qi(p.table)}")
        if not p.join:
            return src
        left, _ = self.col(f"{p.table}::{p.join.left_on}")
        right, _ = self.col(f"{p.join.table}::{p.join.right_on}")
        return src + f" b {'LEFT ' if p.join.how == 'left' else ''}JOIN {qi(p.join.table)} j ON {left} = {right}"

    def outer(self, inner: str, out: list[str], keys: list[tuple]) -> tuple[str, list[str]]:
        """The result filtered (having), cut at tied ranks, ordered, then counted or tested."""
        p = self.p
        sql = f"SELECT {', '.join(f'q.{qi(n)}' for n in out)} FROM ({inner}) q"
        if p.having:
            sql += " WHERE " + " AND ".join(self.cond(f, self.out_ctx("q", out)) for f in p.having)
        order = ", ".join(f"{number_sql(e, self.unit(n)) if num else e} {d}" for e, d, n, num in
                          [(f"q.{qi(k[2])}" if k[2] is not None else k[0], k[1], k[2], k[3]) for k in keys])
        if p.ties:
            if not order:
                raise PlanError("Keeping ties needs an order to rank by.")
            rank, lo = f"dense_rank() OVER (ORDER BY {order})", p.offset or 0
            sql += f" QUALIFY {rank} > {lo}" + (f" AND {rank} <= {lo + p.limit}" if p.limit else "")
        sql += (f" ORDER BY {order}" if order else "") + ("" if p.ties else self.limit_sql())
        if p.count_result and p.test:
            raise PlanError("A plan either counts its result rows or tests them, not both.")
        if p.count_result:
            return f"SELECT COUNT(*) AS {qi('count')} FROM ({sql}) r", ["count"]
        if p.test:
            return self.result_test(p.test, sql, out), ["answer"]
        return sql, out

    def out_ctx(self, alias: str, out: list[str]) -> Ctx:
        return {n: (f"{alias}.{qi(n)}", *self.out_types[n]) for n in out}

    def result_test(self, t: Test, sql: str, out: list[str]) -> str:
        """Every (some) row of the result meets the test's conditions; an empty result is a no."""
        if not t.where:
            raise PlanError(f"An '{t.kind}' test needs conditions (where).")
        before, self.params = self.params, []
        c = " AND ".join(self.cond(f, self.out_ctx("r", out)) for f in t.where)
        self.params += before  # the test's conditions come first in the SQL text
        agg = "bool_and" if t.kind == "every" else "bool_or"
        return f"SELECT COALESCE({agg}(COALESCE({c}, false)), false) AS {qi('answer')} FROM ({sql}) r"

    def relative_cond(self, r: Relative) -> str:
        """The row(s) `step` rows after (before) the anchor row(s), in sheet order."""
        if self.p.join:
            raise PlanError("A row relative to another row cannot be combined with a join.")
        pos, _ = self.col(ROW)
        self.params.append(r.step)
        anchor = " AND ".join(self.cond(f) for f in r.anchor)  # unqualified names read the subquery's rows
        return f"{pos} IN (SELECT a.{qi(ROW_COLUMN)} + ? FROM {qi(rows_view(self.p.table))} a WHERE {anchor})"

    def same_as_cond(self, s: SameAs) -> str:
        """Rows whose columns hold a value the anchor row(s) hold there, the anchor rows left out (a self-join)."""
        if self.p.join or self.p.unpivot:
            raise PlanError("Rows sharing an anchor row's values are found in one table, without join or unpivot.")
        parts = []
        for c in s.columns:
            col, _ = self.col(c)
            anchor = " AND ".join(self.cond(f) for f in s.anchor)  # unqualified names read the subquery's rows
            if s.op != "eq":  # "taller than X": above the anchor's value (above every anchor row's, if several)
                parts.append(self.beyond_anchor(c, s.op, anchor, s.as_number))
                continue
            parts.append(f"{col} IN (SELECT a.{qi(c)} FROM {qi(self.p.table)} a WHERE {anchor})")
        mine = " AND ".join(self.cond(f) for f in s.anchor)
        return " AND ".join(parts) + f" AND NOT COALESCE(({mine}), false)"

    def beyond_anchor(self, c: str, op: str, anchor: str, as_number: bool) -> str:
        """The column above (gt) or below (lt) its value in every anchor row; an anchor with no value keeps none.
        A text column of places ("12", "Ret") compares the numbers written in it: as text "12" < "8"."""
        agg, sign = ("MAX", ">") if op == "gt" else ("MIN", "<")
        col, theirs, src = self.operand(c, as_number, None)[0], f"a.{qi(c)}", self.p.table
        if c == ROW and c not in self.base:  # "the next Willy DeVille album after X": past the anchor in the sheet
            theirs, src = f"a.{qi(ROW_COLUMN)}", rows_view(self.p.table)
        elif as_number and self.col(c)[1] not in NUMERIC:
            theirs = number_sql(theirs, self.unit(c))
        return f"{col} {sign} (SELECT {agg}({theirs}) FROM {qi(src)} a WHERE {anchor})"

    def compile_streak(self) -> Compiled:
        """The longest run of consecutive rows meeting a condition (gaps and islands)."""
        p, s = self.p, self.p.streak
        if p.join or p.relative or p.same_as or p.test or p.having:
            raise PlanError("A streak is computed over the rows of one table, without join, relative row, test or having.")
        key, _ = self.col(s.order_by)
        ok = " AND ".join(self.cond(f) for f in s.where)
        where = [self.cond(f) for f in p.filters]
        rows = f"SELECT {key} AS k, COALESCE(({ok}), false) AS ok FROM {self.source()}"
        rows += (" WHERE " + " AND ".join(where)) if where else ""
        # consecutive rows that meet the condition share (position overall - position among rows alike)
        runs = ("SELECT COUNT(*) AS n, MIN(k) AS s, MAX(k) AS e FROM (SELECT k, ok, row_number() OVER (ORDER BY k) - "
                f"row_number() OVER (PARTITION BY ok ORDER BY k) AS g FROM ({rows}) x) y WHERE ok GROUP BY g")
        out = ["longest run", "run start", "run end"]
        sql = (f"SELECT n AS {qi(out[0])}, s AS {qi(out[1])}, e AS {qi(out[2])} FROM ({runs} UNION ALL "
               "SELECT 0, NULL, NULL) z ORDER BY n DESC, s ASC NULLS LAST LIMIT 1")
        return Compiled(sql=sql, params=self.params, tables=[p.table] + list(dict.fromkeys(self.refs)), output=out)

    def test_expr(self, t: Test, out: list[str]) -> str:
        if t.kind == "any":
            return "COUNT(*) > 0"
        if t.kind == "unique":
            c, _ = self.col(t.column or "")
            return f"COUNT(DISTINCT {c}) = COUNT({c})"
        if t.kind == "all":
            raise PlanError("Use an 'every' test with conditions for 'every' questions.")
        if t.kind == "more":
            if len(self.p.measures) < 2:
                raise PlanError("'more' compares two measures.")
            return f"{self.measure(self.p.measures[-2], False)} > {self.measure(self.p.measures[-1], False)}"
        raise PlanError(f"Unknown test {t.kind!r}.")


def _part_number(op: str, v: Any) -> int:
    """A year, month, quarter or weekday as a number; months and weekdays may be named ('March', 'Mon')."""
    names = MONTHS if op == "month" else WEEKDAYS if op == "weekday" else {}
    if isinstance(v, str) and v.strip().lower() in names:
        return names[v.strip().lower()]
    try:
        i = int(v)
        if float(v) != i or isinstance(v, bool):
            raise ValueError
    except (TypeError, ValueError):
        raise PlanError(f"A {op} filter needs whole numbers{' or names' if names else ''}, not {v!r}.") from None
    lo, hi = _PART_RANGE.get(op, (i, i))
    if not lo <= i <= hi:
        raise PlanError(f"A {op} is a number from {lo} to {hi}, not {i}.")
    return i


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _measure_name(m: Measure) -> str:
    base = {"sum": "total", "avg": "average", "median": "median", "min": "min", "max": "max",
            "count": "count", "count_distinct": "distinct", "share": "share", "ratio": "ratio"}[m.agg]
    if m.derived:
        sym = {"mul": "x", "div": "/", "add": "+", "sub": "-"}[m.derived.op]
        return f"{base} {m.derived.left} {sym} {m.derived.right}"
    if m.column is None:
        return "rows" if m.agg == "count" else f"{base} of rows"
    if m.agg == "ratio":
        return f"{m.column} / {m.denominator}"
    if m.agg == "count_distinct":
        return f"distinct {m.column}"
    if m.agg == "sum" and m.column.lower().startswith("total"):
        return m.column
    return f"{base} {m.column}"


def compile_plan(plan: Plan, schema: Schema) -> Compiled:
    """Validate a plan against the schema and compile it to one parameterised SELECT."""
    return Compiler(plan, schema).compile()
