"""What planning works on and produces: a table as the planner sees it, and a plan with its reading."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..plan import Plan


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
    text_numbers: set[str] = field(default_factory=set)  # text columns of numbers ("412", "s" for suppressed)
    notes: list[str] = field(default_factory=list)  # marked notes of its sheet outside it ("(2) Estimates are ...")
    roles: dict[str, str] = field(default_factory=dict)  # column -> role (core.roles: id, money, ratio, ...)
    units: dict[str, str] = field(default_factory=dict)  # text column of numbers with one unit -> a cell ("113.6 m")
    durations: dict[str, str] = field(default_factory=dict)  # text column of durations -> a cell ("2h 05m")
    clocks: set[str] = field(default_factory=set)  # text columns of times of day ("05:00", "9:30 pm"): no durations

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
    rule: str = ""  # the offline planner's shape rule that proposed it (core/planning/shapes.py), or "follow-up"
    compiled: object = None  # the plan's SQL when validating it compiled it already (core.plan.Compiled)


def shape_of(plan: Plan) -> str:
    """A plan's answer shape, from its headline (for plans not made by the offline planner)."""
    return {"value": "value", "label": "label", "list": "list", "bool": "bool"}.get(plan.headline, "table")
