"""The table a probe looks at: its columns grouped by role (core.roles), and a way to run SQL on it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..plan import qi
from ..roles import summable

MAX_GROUPS = 50  # a category with more values than this is a label, not a grouping
ADDITIVE = ("money", "count", "measure")
# measures a sum of which means nothing though core.roles calls them plain measures: 30 ages add to no age
NOT_TOTALLED = {"age", "temperature", "temp", "rating", "score", "grade", "latitude", "longitude", "lat", "lon"}
AVERAGED = ("rate", "percent", "ratio")


@dataclass
class Subject:
    engine: object  # core.query.QueryEngine
    table: object  # core.workspace.TableInfo
    roles: dict
    profiles: dict
    warnings: list = field(default_factory=list)  # ingest warnings of this table (messages)
    named: bool = True  # sentences name the table (several tables are looked at), else it goes without saying

    @property
    def name(self) -> str:
        return qi(self.table.sql_name)

    @property
    def label(self) -> str:
        return f"'{self.table.name}' in {self.table.file}"

    @property
    def where(self) -> str:
        return f" in {self.label}" if self.named else ""

    def run(self, sql: str) -> pd.DataFrame:
        return self.engine.sql(sql)

    def _non_empty(self, c: str) -> bool:
        p = self.profiles.get(c, {})
        return p.get("nulls", 0) < max(1, p.get("rows", self.table.rows))

    def additive(self) -> list[str]:
        """Measures whose total means something (never an id or a ratio: core.roles.summable)."""
        return [c for c, r in self.roles.items() if r in ADDITIVE and summable(r) and self._non_empty(c)
                and not set(re.findall(r"[a-z]+", c.lower())) & NOT_TOTALLED]

    def numbers(self) -> list[str]:
        """Every measured number (not ids): what outliers and correlations look at."""
        return [c for c, r in self.roles.items() if r in ADDITIVE + AVERAGED and self._non_empty(c)]

    def categories(self) -> list[str]:
        """Categories with 2..MAX_GROUPS values, fewest values first (the most readable grouping first)."""
        cats = [c for c, r in self.roles.items() if r == "category"
                and 2 <= self.profiles.get(c, {}).get("distinct", 0) <= MAX_GROUPS]
        return sorted(cats, key=lambda c: self.profiles[c].get("distinct", 0))

    def dates(self) -> list[str]:
        return [c for c, r in self.roles.items() if r == "date" and self._non_empty(c)]

    def row_label(self) -> str | None:
        """The column that names a row best: an id, else the category with most values, else free text."""
        for role in ("id", "category", "text"):
            cols = [c for c, r in self.roles.items() if r == role and self.table.dtypes.get(c) == "text"]
            if cols:
                return max(cols, key=lambda c: self.profiles.get(c, {}).get("distinct", 0))
        return None
