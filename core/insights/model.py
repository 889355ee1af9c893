"""One insight: a sentence with its numbers, the SQL that computed them, its data and (maybe) a chart."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..profiles import jsonable


@dataclass
class Insight:
    kind: str  # the probe that found it: size, concentration, jump, trend, mover, outlier, correlation, split, ...
    sentence: str
    score: float  # 0..1: effect size, share of the total explained or surprise; ranks insights across probes
    sql: str
    table: str  # the table's label ("Sales" in book.xlsx)
    values: dict = field(default_factory=dict)  # the numbers the sentence states, unrounded (tests recheck them)
    df: pd.DataFrame | None = None  # the probe's result, what the chart draws
    chart: dict | None = None  # a core.charts.ChartSpec as a dict, drawn from df
    formats: dict = field(default_factory=dict)  # df column -> role, for display

    def to_json(self) -> dict:
        table = None
        if self.df is not None:
            table = {"columns": [str(c) for c in self.df.columns],
                     "rows": [[jsonable(v) for v in r] for r in self.df.itertuples(index=False, name=None)]}
        return {"kind": self.kind, "sentence": self.sentence, "score": round(float(self.score), 4), "sql": self.sql,
                "table_label": self.table, "values": {k: jsonable(v) for k, v in self.values.items()},
                "chart": self.chart, "table": table, "formats": self.formats}
