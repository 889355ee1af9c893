"""Charts for answers: pick a chart for a result DataFrame by rules (or check one an LLM proposed) and draw it.

Pure functions, no I/O except `write_html`; never imports streamlit; never mutates the input frame.
Column roles: "date" (a time bucket), "dimension" (a category or label), "measure" (a number).
Field meaning per chart: x = category/time/x-axis column; y = value column(s); color = series column
(for "heatmap" it is the second category, drawn on the vertical axis); aggregation is applied per
(x, color) when given, and sum/mean is applied implicitly when those keys repeat.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import ExcelChatError
from .roles import NUMERIC_ROLES, summable

__all__ = ["ChartSpec", "InvalidChartSpec", "validate_spec", "spec_from_llm", "recommend", "infer_roles",
           "render", "explore_charts", "write_html"]

ChartType = Literal["bar", "grouped_bar", "stacked_bar", "line", "area", "pie", "donut", "scatter",
                    "histogram", "box", "heatmap", "table"]
BAR_TOP_N, PIE_MAX_SLICES, PIE_MAX_CATEGORIES, SERIES_TOP_N, HEATMAP_TOP_N = 20, 8, 20, 10, 30
_BIG, _SCATTER_MAX = 100_000, 20_000  # above _BIG values histograms are pre-binned and boxes precomputed
OTHER = "Other"
_AGGS = {"sum": "sum", "total": "sum", "mean": "mean", "avg": "mean", "average": "mean", "count": "count",
         "min": "min", "max": "max", "median": "median", "none": None, "": None}
_ROLE_ALIASES = {"date": "date", "time": "date", "datetime": "date", "period": "date", "timestamp": "date",
                 "dimension": "dimension", "category": "dimension", "categorical": "dimension", "dim": "dimension",
                 "label": "dimension", "group": "dimension", "text": "dimension", "measure": "measure",
                 "metric": "measure", "value": "measure", "number": "measure", "numeric": "measure",
                 "id": "ignore", "ignore": "ignore"}
_MONEY = ("sale", "revenue", "profit", "price", "cost", "salar", "amount", "income", "spend", "spent", "expense",
          "budget", "fee", "gmv", "usd", "dollar")
_PCT = ("margin", "share", "percent", "pct", "rate", "ratio")
_NON_ADDITIVE_EXACT = {"avg", "mean", "median", "min", "max", "std", "average", "minimum", "maximum"}
_CALENDAR = {"year", "yr", "fy", "month", "quarter", "qtr", "week", "weekday", "day", "hour"}
_MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
_WEEKDAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
_ISO = re.compile(r"^\d{4}-\d{2}(-\d{2})?([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
_WANTS = {
    "trend": r"\btrends?\b|over time|\bmonthly\b|\b(by|per|each) (day|week|month|quarter|year)\b|\b(daily|weekly|"
             r"quarterly|yearly|annual(ly)?)\b|\bgrowth\b|\btime ?series\b|\btimeline\b|\bover the (years|months)\b",
    "distribution": r"\bdistribut|\bhistogram\b|\bspread\b|\boutliers?\b|\bskew",
    "share": r"\bshares?\b|\bpercent(age)?s? of\b|\bwhat (percent(age)?|fraction)\b|\bproportions?\b|\bbreak ?down\b"
             r"|\bcomposition\b|\bmake ?up\b|\bpie\b|\bfraction\b",
    "compare": r"\bcompar|\bvs\.?(?!\w)|\bversus\b|\bagainst\b|\bdifference between\b",
    "correlation": r"\bcorrelat|\brelationship\b|\brelated\b|\bassociat|\bscatter\b",
    "vs": r"\bvs\.?(?!\w)|\bversus\b|\bagainst\b",
}


class InvalidChartSpec(ExcelChatError, ValueError):
    """A chart spec names a column that is not in the result, or its chart type does not fit the data."""


class ChartSpec(BaseModel):
    """One chart proposal. `ChartSpec.model_json_schema()` is the structured-output schema for the LLM."""

    model_config = ConfigDict(extra="ignore")
    chart_type: ChartType
    title: str = ""
    x: str | None = None
    y: list[str] = Field(default_factory=list)
    color: str | None = None
    aggregation: str | None = None
    sort: Literal["asc", "desc"] | None = None
    orientation: Literal["v", "h"] = "v"
    bucket: Literal["day", "week", "month", "quarter", "year"] | None = None  # floor dates on x before aggregating
    reasoning: str = ""
    priority: int = Field(1, ge=1, le=5)

    @field_validator("y", mode="before")
    @classmethod
    def _y_list(cls, v: Any) -> Any:
        if v is None:
            return []
        return [v] if isinstance(v, str) else v

    def to_json_dict(self) -> dict[str, Any]:
        d = self.model_dump()
        d["y"] = self.y[0] if len(self.y) == 1 else list(self.y)
        return d


# --- column kinds and roles ----------------------------------------------------------------------
def _tokens(name: str) -> list[str]:
    return re.findall(r"[a-z]+|%", re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name)).lower())


def _has(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(t.startswith(p) for t in _tokens(name) for p in prefixes)


def _is_money(name: str) -> bool:
    return "$" in str(name) or _has(name, _MONEY)


def _is_pct_name(name: str) -> bool:
    return "%" in str(name) or _has(name, _PCT)


def _additive(name: str, agg: str | None = None) -> bool:
    """Can values of this column be summed into an "Other" bucket (totals yes; averages, rates, prices no)?"""
    if agg == "count":
        return True
    return agg in (None, "sum") and not (_is_pct_name(name) or _has(name, ("price",))
                                         or set(_tokens(name)) & _NON_ADDITIVE_EXACT)


def _is_id_name(name: str) -> bool:
    low = str(name).strip().lower()
    return bool(re.search(r"(^|[_\s\-.])(id|code|key|no)$", low)) or str(name).endswith(("ID", "Id")) \
        or low in {"id", "sku", "uuid"}


def _int_valued(s: pd.Series) -> bool:
    v = pd.to_numeric(s, errors="coerce").dropna()
    return len(v) > 0 and bool((v % 1 == 0).all())


def _as_text(s: pd.Series) -> pd.Series:
    o = s.astype(object)
    if pd.api.types.is_numeric_dtype(s) and _int_valued(s):
        return o.map(lambda v: v if pd.isna(v) else str(int(v)))
    return o.map(lambda v: v if pd.isna(v) else str(v))


def _coerce(s: pd.Series) -> tuple[str, pd.Series]:
    """("date"|"number"|"text"|"empty", a plottable copy): mixed types become text, ISO strings dates."""
    if s.isna().all():
        return "empty", s
    dt = s.dtype
    if isinstance(dt, pd.PeriodDtype):
        return "date", s.dt.to_timestamp()
    if pd.api.types.is_datetime64_any_dtype(dt):
        return "date", s.dt.tz_localize(None) if getattr(dt, "tz", None) is not None else s
    if pd.api.types.is_bool_dtype(dt):
        return "text", _as_text(s)
    if pd.api.types.is_numeric_dtype(dt) and not pd.api.types.is_complex_dtype(dt):
        if isinstance(dt, np.dtype):
            return "number", s
        return "number", pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), index=s.index, name=s.name)
    o = s.astype(object)
    v = o.dropna()
    inferred = pd.api.types.infer_dtype(v, skipna=True)
    try:
        if inferred in ("date", "datetime", "datetime64") or (
                inferred == "string" and v.iloc[:500].astype(str).str.match(_ISO).all()):
            conv = pd.to_datetime(o, errors="coerce", format="ISO8601" if inferred == "string" else None)
            if conv.notna().sum() == len(v):
                return "date", conv.dt.tz_localize(None) if getattr(conv.dtype, "tz", None) else conv
        if inferred in ("integer", "floating", "decimal", "mixed-integer-float"):
            return "number", pd.to_numeric(o, errors="coerce").astype("float64")
    except (ValueError, TypeError, OverflowError):
        pass
    return "text", _as_text(o)


def _prep(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """A new frame with str column names (first of duplicates kept) and plottable columns, plus their kinds."""
    if not isinstance(df, pd.DataFrame):
        raise InvalidChartSpec("Charts need a table of results (a DataFrame).")
    cols: dict[str, pd.Series] = {}
    kinds: dict[str, str] = {}
    for i, c in enumerate(df.columns):
        name = str(c)
        if name not in cols:
            kinds[name], s = _coerce(df.iloc[:, i])
            cols[name] = s.reset_index(drop=True)
    return pd.DataFrame(cols), kinds


def _groups_by(question: str, col: str) -> bool:
    stem = re.sub(r"[_\s\-.]*(id|code|key|no)$", "", str(col).lower()).replace("_", " ").strip() or str(col).lower()
    q = (question or "").lower()
    if re.search(rf"\b(by|per|each|every|across|for each|grouped by)\s+(the\s+|a\s+)?{re.escape(stem)}", q):
        return True
    return "year" in _tokens(col) and bool(re.search(r"\b(yearly|annual(ly)?|year over year|each year)\b", q))


def _roles(frame: pd.DataFrame, kinds: dict[str, str], question: str = "",
           given: dict[str, str] | None = None) -> dict[str, str]:
    out = {c: {"date": "date", "text": "dimension", "number": "measure"}[k] for c, k in kinds.items() if k != "empty"}
    nums = [c for c, r in out.items() if r == "measure"]
    has_dim = any(r != "measure" for r in out.values())
    for c in nums:
        s = frame[c].dropna()
        if _int_valued(s) and (_is_id_name(c) or (s.nunique() <= 50 and _groups_by(question, c)) or (
                set(_tokens(c)) & _CALENDAR and s.nunique() <= 60 and not has_dim and len(nums) >= 2)):
            out[c] = "dimension"
    for c, r in (given or {}).items():
        role = _ROLE_ALIASES.get(str(r).strip().lower())
        if str(c) in out and role == "ignore":
            del out[str(c)]
        elif str(c) in out and role and not (role == "measure" and kinds[str(c)] != "number"):
            out[str(c)] = role
    return out


def infer_roles(df: pd.DataFrame, question: str = "") -> dict[str, str]:
    """Column -> "date" | "dimension" | "measure" as the rules see it (all-null columns left out)."""
    frame, kinds = _prep(df)
    return _roles(frame, kinds, question)


def _ordinal(s: pd.Series, kind: str) -> bool:
    if kind in ("number", "date"):
        return True
    low = {str(v).strip().lower()[:3] for v in s.dropna()}
    return bool(low) and (low <= _MONTHS or low <= _WEEKDAYS)


def _wants(text: str) -> set[str]:
    t = (text or "").lower()
    return {k for k, pat in _WANTS.items() if re.search(pat, t)}


# --- checking a spec -----------------------------------------------------------------------------
def _frame_for(frame: pd.DataFrame, kinds: dict[str, str], spec: ChartSpec) -> tuple[pd.DataFrame, list[str]]:
    """Rows to plot: keys cleaned (blank labels, bucketed dates) and aggregated per key when asked or repeated."""
    keys = [k for k in dict.fromkeys([spec.x, spec.color]) if k]
    agg = spec.aggregation
    ys = [] if agg == "count" else list(spec.y)
    g = frame[list(dict.fromkeys(keys + ys))].copy()
    for k in keys:
        if kinds[k] == "date":
            g[k] = g[k].dt.to_period({"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}[
                spec.bucket]).dt.start_time if spec.bucket and k == spec.x else g[k]
            g = g[g[k].notna()]
        elif kinds[k] == "text":
            g[k] = g[k].fillna("(blank)")
        else:
            g = g[g[k].notna()]
    if not keys:
        return g, ys
    if agg == "count":
        name = "rows" if "count" in keys else "count"
        return g.groupby(keys, sort=False).size().reset_index(name=name), [name]
    if agg is None and g.duplicated(keys).any():
        agg = "sum" if all(_additive(y) for y in ys) else "mean"
    if agg:
        g = g.groupby(keys, sort=False)[ys].agg(agg).reset_index()
    return g, ys


def _check(spec: ChartSpec | dict, frame: pd.DataFrame, kinds: dict[str, str]) -> ChartSpec:
    try:
        spec = spec if isinstance(spec, ChartSpec) else ChartSpec.model_validate(spec)
    except ValueError as e:  # pydantic.ValidationError is a ValueError
        raise InvalidChartSpec(f"The chart spec is malformed: {e}") from e
    t, x, color = spec.chart_type, spec.x, spec.color
    agg_key = (spec.aggregation or "").strip().lower()
    if agg_key not in _AGGS:
        raise InvalidChartSpec(f"Unknown aggregation '{spec.aggregation}'; use one of sum, mean, count, min, max, median.")
    agg, y = _AGGS[agg_key], list(spec.y)
    if t in ("histogram", "box") and not y and x and kinds.get(x) == "number":
        x, y = None, [x]
    cols = list(frame.columns)
    for c in [x, color, *y]:
        if c is not None and c not in cols:
            raise InvalidChartSpec(f"Column '{c}' is not in the result; its columns are: {', '.join(cols)}.")
    spec = spec.model_copy(update={"x": x, "y": y, "aggregation": agg})
    if t == "table":
        return spec
    if frame.empty or all(k == "empty" for k in kinds.values()):
        raise InvalidChartSpec("There is nothing to chart: the result is empty.")
    if not y and agg != "count":
        raise InvalidChartSpec(f"A {t} chart needs a value column (y).")
    if agg != "count":
        for c in y:
            if kinds[c] != "number":
                raise InvalidChartSpec(f"Column '{c}' is not numeric, so it cannot be the value of a {t} chart.")
            if c in (x, color):
                raise InvalidChartSpec(f"Column '{c}' cannot be both a value and a category.")
    if color and color == x:
        raise InvalidChartSpec(f"Column '{x}' cannot be both x and the series (color).")
    if t not in ("histogram", "box") and not x:
        raise InvalidChartSpec(f"A {t} chart needs an x column.")
    if spec.bucket and (not x or kinds[x] != "date"):
        raise InvalidChartSpec("Date buckets need a date column on x.")
    if t in ("histogram", "box", "pie", "donut", "scatter", "heatmap") and len(y) > 1:
        raise InvalidChartSpec(f"A {t} chart takes one value column.")
    if t in ("line", "area"):
        if not _ordinal(frame[x], kinds[x]):
            raise InvalidChartSpec(f"A {t} chart needs ordered x values (dates or numbers); '{x}' is a category.")
        if _frame_for(frame, kinds, spec)[0][x].nunique() < 2:
            raise InvalidChartSpec(f"A {t} chart needs at least two distinct '{x}' values.")
    if t == "scatter" and kinds[x] not in ("number", "date"):
        raise InvalidChartSpec(f"A scatter chart needs a numeric x; '{x}' is not.")
    if t == "heatmap" and not color:
        raise InvalidChartSpec("A heatmap needs two different category columns (x and color).")
    if t in ("pie", "donut"):
        if color:
            raise InvalidChartSpec("A pie chart has no series column.")
        g, ys = _frame_for(frame, kinds, spec)
        vals = g[ys[0]].dropna()
        if (vals < 0).any():
            raise InvalidChartSpec(f"A pie chart cannot show negative values ('{ys[0]}' has some); use a bar chart.")
        if vals.sum() <= 0:
            raise InvalidChartSpec("A pie chart needs a positive total.")
        if len(g) > PIE_MAX_CATEGORIES:
            raise InvalidChartSpec(f"Too many slices ({len(g)}) for a pie chart; use a bar chart.")
    return spec


def validate_spec(spec: ChartSpec | dict, df: pd.DataFrame) -> ChartSpec:
    """The spec, normalised, if it fits df; else raises InvalidChartSpec (an ExcelChatError and a ValueError)."""
    frame, kinds = _prep(df)
    return _check(spec, frame, kinds)


def _coerce_llm(item: Any, index: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InvalidChartSpec("A chart spec must be an object.")
    d = {str(k).strip().lower(): v for k, v in item.items()}
    for alias, key in (("type", "chart_type"), ("chart", "chart_type"), ("kind", "chart_type"), ("series", "color"),
                       ("group", "color"), ("hue", "color"), ("agg", "aggregation"), ("why", "reasoning")):
        if alias in d and key not in d:
            d[key] = d.pop(alias)
    t = re.sub(r"[\s\-]+", "_", str(d.get("chart_type", "")).strip().lower()).removesuffix("_chart")
    t = {"column": "bar", "doughnut": "donut", "scatterplot": "scatter", "scatter_plot": "scatter",
         "hist": "histogram", "boxplot": "box", "box_plot": "box", "horizontal_bar": "bar",
         "clustered_bar": "grouped_bar", "stacked": "stacked_bar", "table_only": "table"}.get(t, t)
    if str(d.get("chart_type", "")).lower().startswith("horizontal"):
        d["orientation"] = "h"
    d["chart_type"] = t
    for k in ("x", "color", "aggregation", "sort"):
        if isinstance(d.get(k), str) and d[k].strip().lower() in ("", "none", "null"):
            d[k] = None
    d["orientation"] = {"horizontal": "h", "vertical": "v"}.get(str(d.get("orientation", "v")).lower(),
                                                                 str(d.get("orientation", "v")).lower())
    try:
        d["priority"] = min(5, max(1, int(d.get("priority", index + 1))))
    except (TypeError, ValueError):
        d["priority"] = min(5, index + 1)
    return d


def spec_from_llm(data: Any, df: pd.DataFrame, fallback_question: str = "") -> list[ChartSpec]:
    """Valid specs from an LLM's structured output (one spec, a list, or {"charts": [...]}), best first, topped
    up with rule-based alternatives; the rules alone if nothing in `data` is usable."""
    items = data.get("charts", data.get("specs", [data])) if isinstance(data, dict) else data
    good: list[ChartSpec] = []
    if isinstance(items, list):
        frame, kinds = _prep(df)
        for i, item in enumerate(items[:5]):
            try:
                good.append(_check(_coerce_llm(item, i), frame, kinds))
            except (ValueError, TypeError, KeyError, ExcelChatError):
                continue
    rules = recommend(df, fallback_question)
    if not good:
        return rules
    good.sort(key=lambda s: s.priority)
    seen = {(s.chart_type, s.x, tuple(s.y), s.color) for s in good}
    extra = [s for s in rules if (s.chart_type, s.x, tuple(s.y), s.color) not in seen]
    return [s.model_copy(update={"priority": min(5, i + 1)}) for i, s in enumerate((good + extra)[:3])]


# --- the rules -----------------------------------------------------------------------------------
def _spec(t: str, title: str, why: str, **kw: Any) -> ChartSpec:
    return ChartSpec(chart_type=t, title=title, reasoning=why, **kw)


def _mentioned(question: str, col: str) -> bool:
    q = set(re.findall(r"[a-z0-9]+", (question or "").lower()))
    toks = [t for t in _tokens(col) if len(t) > 2 and t not in {"total", "sum", "count", "avg", "the", "num", "number"}]
    return any(t in q or t + "s" in q or t.removesuffix("s") in q for t in toks)


def _bucket_asked(question: str) -> str | None:
    q = (question or "").lower()
    adverb = {"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly", "year": "yearly|annual(ly)?"}
    return next((b for b, adv in adverb.items() if re.search(rf"\b({adv})\b|\b(by|per|each) {b}\b", q)), None)


def _rules(frame: pd.DataFrame, kinds: dict[str, str], roles: dict[str, str], wants: set[str],
           question: str) -> list[ChartSpec]:
    n = len(frame)
    nun = {c: frame[c].nunique() for c in roles}
    D = [c for c, r in roles.items() if r == "date"]
    C = [c for c, r in roles.items() if r == "dimension" and (nun[c] >= 2 or n == 1)]
    M = sorted((c for c, r in roles.items() if r == "measure"), key=lambda c: not _mentioned(question, c))
    if n == 1 and len(roles) == 1:
        return []  # a single value: the answer text says it all
    if not M:
        return [_spec("table", "Result", "No numeric column to chart.")]
    asked = [c for c in C if _mentioned(question, c) or _groups_by(question, c)]
    C = asked or ([c for c in C if not _is_id_name(c)] or C)
    m = M[0]
    pre: list[ChartSpec] = []
    if len(M) >= 2 and ("correlation" in wants or ("vs" in wants and sum(_mentioned(question, c) for c in M) >= 2)):
        pre.append(_spec("scatter", f"{M[1]} vs {M[0]}", "Two measures: a scatter shows how they relate.", x=M[0],
                         y=[M[1]]))
    if "distribution" in wants and n >= 5:
        hist = _spec("histogram", f"Distribution of {m}", f"A histogram shows how {m} is spread.", y=[m])
        if asked and frame[C[0]].duplicated().any():
            pre += [_spec("box", f"{m} by {C[0]}", f"A box per {C[0]} shows the spread.", x=C[0], y=[m]), hist]
        elif not C or frame[C[0]].duplicated().any():
            pre += [hist, _spec("box", f"Spread of {m}", "Median, quartiles and outliers.", y=[m])]
    if D and not (asked and "trend" not in wants and not any(_mentioned(question, d) for d in D)):
        D = [d for d in D if nun[d] >= 2]
    else:
        D = []
    return pre + _shape_rules(frame, kinds, nun, D, C, M, wants, _bucket_asked(question))


def _shape_rules(frame: pd.DataFrame, kinds: dict[str, str], nun: dict[str, int], D: list[str], C: list[str],
                 M: list[str], wants: set[str], bucket: str | None) -> list[ChartSpec]:
    n, m = len(frame), M[0]
    dup_agg = "sum" if _additive(m) else "mean"
    if D:
        d = D[0]
        if bucket is None and nun[d] > 62 and frame[d].duplicated().any():
            bucket = _auto_bucket(frame[d])
        if C and nun[C[0]] <= 20:
            c = C[0]
            agg = dup_agg if bucket or frame.duplicated([d, c]).any() else None
            kw = dict(x=d, y=[m], color=c, aggregation=agg, bucket=bucket)
            out = [_spec("line", f"{m} over {d} by {c}", f"One line per {c} shows each trend.", **kw),
                   _spec("stacked_bar", f"{m} over {d} by {c}", "Stacked bars show totals and their parts.", **kw),
                   _spec("area", f"{m} over {d} by {c}", "Stacked areas show the total over time.", **kw)]
            return out if "compare" not in wants else [out[1], out[0], out[2]]
        dup = bool(bucket) or frame[d].duplicated().any()
        ys, agg = ([m], dup_agg) if dup else (M[:4], None)
        kw = dict(x=d, y=ys, aggregation=agg, bucket=bucket)
        return [_spec("line", f"{', '.join(ys)} over {d}", f"{d} is a date, so a line shows the trend.", **kw),
                _spec("area", f"{', '.join(ys)} over {d}", "An area chart stresses volume over time.", **kw),
                _spec("bar", f"{', '.join(ys)} by {d}", "Bars compare periods.", **kw)]
    if len(C) >= 2:
        a, b = sorted(C[:2], key=lambda c: -nun[c])
        agg = dup_agg if frame.duplicated([a, b]).any() else None
        kw = dict(x=a, y=[m], color=b, aggregation=agg, sort=None if _ordinal(frame[a], kinds[a]) else "desc")
        gb = _spec("grouped_bar", f"{m} by {a} and {b}", f"Bars per {a}, one colour per {b}.", **kw)
        hm = _spec("heatmap", f"{m} by {a} and {b}", f"A grid of {a} x {b} shows where {m} is high.", **kw)
        sb = _spec("stacked_bar", f"{m} by {a} and {b}", f"Stacked bars show each {a}'s total and its parts.", **kw)
        if "share" in wants:
            return [sb, gb, hm]
        return [gb, hm, sb] if (nun[b] <= 6 and nun[a] <= 20) or "compare" in wants else [hm, gb, sb]
    if C:
        c = C[0]
        nc, dup = nun[c], frame[c].duplicated().any()
        if len(M) >= 2 and nc > 20 and not dup:
            return [_spec("scatter", f"{M[1]} vs {M[0]}", f"Each point is one {c}.", x=M[0], y=[M[1]]),
                    _spec("grouped_bar", f"{', '.join(M[:3])} by {c}", "Bars side by side per category.", x=c,
                          y=M[:3], sort="desc", aggregation=dup_agg if dup else None)]
        agg = dup_agg if dup else None
        ordinal = _ordinal(frame[c], kinds[c])
        long = frame[c].dropna().astype(str).str.len().mean() > 12
        horiz = not ordinal and (nc > 10 or long)
        bar = _spec("bar", f"{m} by {c}", f"Bars compare {m} across {c}" + (", largest first." if not ordinal else "."),
                    x=c, y=[m], sort=None if ordinal else "desc", orientation="h" if horiz else "v", aggregation=agg)
        vals = _frame_for(frame, kinds, bar)[0][m].dropna()
        pie_ok = 2 <= nc <= PIE_MAX_SLICES and len(vals) and (vals >= 0).all() and vals.sum() > 0 and not (
            _has(m, ("price", "rate", "ratio")) or set(_tokens(m)) & _NON_ADDITIVE_EXACT)
        pie = _spec("pie", f"Share of {m} by {c}", "Parts of a whole with few slices.", x=c, y=[m], aggregation=agg)
        donut = _spec("donut", f"Share of {m} by {c}", "Parts of a whole, as a ring.", x=c, y=[m], aggregation=agg)
        if "share" in wants and pie_ok:
            return [pie, bar, donut] if nc <= 6 else [bar, pie, donut]
        out = [bar]
        if ordinal and nc >= 3:
            line = _spec("line", f"{m} by {c}", f"{c} is ordered, so a line shows the trend.", x=c, y=[m],
                         aggregation=agg)
            out.insert(0 if "trend" in wants else 1, line)
        if len(M) >= 2:
            out.append(_spec("grouped_bar", f"{', '.join(M[:3])} by {c}", "Measures side by side per category.",
                             x=c, y=M[:3], sort=None if ordinal else "desc", aggregation=agg))
        if pie_ok and nc <= 6:
            out.append(pie)
        return out
    if n == 1:
        return [_spec("table", "Result", "One row: a table reads best.")]
    if len(M) >= 2:
        sc = _spec("scatter", f"{M[1]} vs {M[0]}", "Two measures: a scatter shows how they relate.", x=M[0], y=[M[1]])
        return [sc, _spec("histogram", f"Distribution of {m}", "Histogram of the first measure.", y=[m])]
    if n < 5:
        return [_spec("table", "Result", "Too few values for a distribution.")]
    return [_spec("histogram", f"Distribution of {m}", f"Many values of {m}: a histogram shows their spread.", y=[m]),
            _spec("box", f"Spread of {m}", "A box plot shows median, quartiles and outliers.", y=[m])]


def recommend(df: pd.DataFrame, question: str = "", intent: str | None = None,
              roles: dict[str, str] | None = None) -> list[ChartSpec]:
    """Up to 3 valid chart specs for a result frame, best first ([] for empty data or a single value)."""
    if not isinstance(df, pd.DataFrame) or df.empty:
        return []
    frame, kinds = _prep(df)
    keep = frame.notna().any(axis=1).to_numpy()
    frame = frame[keep].reset_index(drop=True)
    if frame.empty:
        return []
    r = _roles(frame, kinds, question, roles)
    specs = _rules(frame, kinds, r, _wants(f"{question} {intent or ''}"), question)
    if intent and intent.strip().lower() in ChartType.__args__:  # type: ignore[attr-defined]
        specs.sort(key=lambda s: s.chart_type != intent.strip().lower())
    out: list[ChartSpec] = []
    for s in specs:
        try:
            s = _check(s, frame, kinds)
        except InvalidChartSpec:
            continue
        if all((s.chart_type, s.x, s.y, s.color) != (o.chart_type, o.x, o.y, o.color) for o in out):
            out.append(s)
    return [s.model_copy(update={"priority": i + 1}) for i, s in enumerate(out[:3])]


# --- rendering -----------------------------------------------------------------------------------
_TEMPLATE = go.layout.Template(pio.templates["plotly_white"])
_GRID = "rgba(128,128,128,0.22)"
_TEMPLATE.layout.update(paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
                        font=dict(color="#767676", size=13), hoverlabel=dict(namelength=-1),
                        xaxis=dict(gridcolor=_GRID, zerolinecolor=_GRID, linecolor=_GRID),
                        yaxis=dict(gridcolor=_GRID, zerolinecolor=_GRID, linecolor=_GRID))


def _numfmt(name: str, values: Any) -> tuple[dict[str, Any], str, str]:
    """(axis settings, d3 hover format, hover suffix) for a value column."""
    v = pd.to_numeric(pd.Series(np.ravel(values)), errors="coerce").dropna()
    if _is_pct_name(name) and len(v):
        if v.abs().max() <= 1:
            return {"tickformat": ".1%"}, ".1%", ""
        if ("%" in name or _has(name, ("percent", "pct"))) and v.abs().max() <= 100:
            return {"tickformat": ",", "ticksuffix": "%"}, ",.1f", "%"
    elif _is_money(name):
        return {"tickformat": ",", "tickprefix": "$"}, "$,.2f", ""
    return {"tickformat": ","}, ",.2~f", ""


def _date_fmt(idx: Any) -> str:
    d = pd.DatetimeIndex(pd.to_datetime(pd.Series(idx)).dropna())
    if len(d) and (d.normalize() != d).any():
        return "%Y-%m-%d %H:%M"
    if len(d) and (d.day == 1).all():
        return "%Y" if (d.month == 1).all() and len(d) > 1 else "%b %Y"
    return "%Y-%m-%d"


def _key_axis(kind: str, values: Any) -> tuple[dict[str, Any], str]:
    """(axis settings, hover token) for a category/time axis."""
    if kind == "date":
        return {"type": "date"}, f"%{{AX|{_date_fmt(values)}}}"
    return {"type": "category"}, "%{AX}"


def _labels(idx: pd.Index, kind: str) -> pd.Index:
    return pd.Index(_as_text(pd.Series(idx, dtype=object if kind == "text" else None)), dtype=object) \
        if kind != "date" else idx


def _trim_rows(w: pd.DataFrame, n: int, additive: bool, sort: str | None) -> tuple[pd.DataFrame, str]:
    """Keep the n largest rows (by row total) in the current order plus an "Other" row summing the tail."""
    if w.index.duplicated().any():
        w = w.groupby(level=0, sort=False).sum(min_count=1)
    total = w.sum(axis=1, min_count=1)
    if sort:
        w = w.loc[total.sort_values(ascending=sort == "asc", kind="stable", na_position="last").index]
    if len(w) <= n:
        return w, ""
    top = set(total.sort_values(ascending=False, kind="stable", na_position="last").index[:n])
    head, tail = w[w.index.isin(top)], w[~w.index.isin(top)]
    if not additive:
        return head, f" (top {n} of {len(w)})"
    label = OTHER if OTHER not in top else f"{OTHER} (rest)"
    other = pd.DataFrame([tail.sum(axis=0, min_count=1)], index=[label])
    return pd.concat([head, other]), ""


def _trim_cols(w: pd.DataFrame, n: int, additive: bool) -> pd.DataFrame:
    if w.shape[1] <= n:
        return w
    order = w.sum(axis=0).sort_values(ascending=False).index
    head = w[order[:n]]
    if additive:
        head = head.assign(**{OTHER: w[order[n:]].sum(axis=1, min_count=1)})
    return head


def _wide(frame: pd.DataFrame, kinds: dict[str, str], spec: ChartSpec) -> tuple[pd.DataFrame, list[str]]:
    """Index = x, one column per series (color values, or the y columns)."""
    g, ys = _frame_for(frame, kinds, spec)
    if spec.color:
        w = g.pivot_table(index=spec.x, columns=spec.color, values=ys[0], aggfunc="sum", sort=False)
        w.columns = list(_labels(pd.Index(w.columns), kinds[spec.color]))
        w = _trim_cols(w, SERIES_TOP_N, _additive(ys[0], spec.aggregation))
    else:
        w = g.set_index(spec.x)[ys]
    if kinds[spec.x] in ("date", "number"):
        w = w.sort_index(kind="stable")
    return w, ys


def _tpl(key_axis: str, key_hover: str, key_name: str, val_axis: str, val_name: str, fmt: str, suffix: str,
         series: str = "") -> str:
    key = key_hover.replace("AX", key_axis)
    return f"{key_name}: {key}<br>{val_name}: %{{{val_axis}:{fmt}}}{suffix}<extra>{series}</extra>"


def _render_bar(frame: pd.DataFrame, kinds: dict[str, str], spec: ChartSpec) -> tuple[go.Figure, dict]:
    w, ys = _wide(frame, kinds, spec)
    kx, note = kinds[spec.x], ""
    if kx != "date":
        w.index = _labels(w.index, kx)
        additive = all(_additive(c, spec.aggregation) for c in ys)
        plain = spec.chart_type == "bar" and kx == "text" and not _ordinal(pd.Series(w.index), "text")
        w, note = _trim_rows(w, BAR_TOP_N, additive, spec.sort or ("desc" if plain else None))
    h = spec.orientation == "h"
    vname = ys[0] if len(ys) == 1 else "value"
    vaxis, fmt, suf = _numfmt(vname, w.to_numpy())
    kaxis, khover = _key_axis(kx, w.index)
    fig = go.Figure()
    labels = list(w.index)
    for col in w.columns:
        vals = w[col].to_numpy(dtype=float)
        name = str(col) if (spec.color or len(ys) > 1) else ""
        fig.add_trace(go.Bar(x=vals if h else labels, y=labels if h else vals, orientation="h" if h else "v",
                             name=str(col), hovertemplate=_tpl("y" if h else "x", khover, spec.x, "x" if h else "y",
                                                               vname if not name else name, fmt, suf, "")))
    fig.update_layout(barmode="stack" if spec.chart_type == "stacked_bar" else "group",
                      showlegend=bool(spec.color or len(ys) > 1), legend_title_text=spec.color or "")
    if h:
        kaxis = {**kaxis, "autorange": "reversed"}
    titles = (vname if len(ys) == 1 else ", ".join(ys), spec.x)
    return fig, {"x": vaxis if h else kaxis, "y": kaxis if h else vaxis,
                 "xt": titles[0] if h else titles[1], "yt": titles[1] if h else titles[0], "note": note}


def _render_line(frame: pd.DataFrame, kinds: dict[str, str], spec: ChartSpec) -> tuple[go.Figure, dict]:
    w, ys = _wide(frame, kinds, spec)
    kx = kinds[spec.x]
    idx = w.index if kx != "text" else _labels(w.index, kx)
    vname = ys[0] if len(ys) == 1 else "value"
    vaxis, fmt, suf = _numfmt(vname, w.to_numpy())
    if kx == "number":
        year = _int_valued(pd.Series(idx)) and pd.Series(idx).between(1900, 2100).all()
        kaxis, khover = {"tickformat": "d" if year else ","}, "%{AX}"
    else:
        kaxis, khover = _key_axis(kx, idx)
    area, stack = spec.chart_type == "area", spec.chart_type == "area" and w.shape[1] > 1
    multi = w.shape[1] > 1 or bool(spec.color)
    fig = go.Figure()
    for col in w.columns:
        fig.add_trace(go.Scatter(x=list(idx), y=w[col].to_numpy(dtype=float), name=str(col),
                                 mode="lines+markers" if len(w) <= 60 else "lines",
                                 stackgroup="one" if stack else None, fill="tozeroy" if area and not stack else None,
                                 hovertemplate=_tpl("x", khover, spec.x, "y", str(col) if multi else vname, fmt, suf)))
    fig.update_layout(showlegend=multi, legend_title_text=spec.color or "")
    return fig, {"x": kaxis, "y": vaxis, "xt": spec.x, "yt": vname if len(ys) == 1 else ", ".join(ys)}


def _render_pie(frame: pd.DataFrame, kinds: dict[str, str], spec: ChartSpec) -> tuple[go.Figure, dict]:
    g, ys = _frame_for(frame, kinds, spec)
    w = g.set_index(spec.x)[ys]
    w.index = _labels(w.index, kinds[spec.x]) if kinds[spec.x] != "date" else [
        d.strftime(_date_fmt(w.index)) for d in w.index]
    w, _ = _trim_rows(w, PIE_MAX_SLICES - 1 if len(w) > PIE_MAX_SLICES else PIE_MAX_SLICES, True, "desc")
    _, fmt, suf = _numfmt(ys[0], w.to_numpy())
    fig = go.Figure(go.Pie(labels=list(w.index), values=w[ys[0]].to_numpy(dtype=float), sort=False,
                           direction="clockwise", hole=0.45 if spec.chart_type == "donut" else 0,
                           textinfo="percent+label", name=ys[0],
                           hovertemplate=f"{spec.x}: %{{label}}<br>{ys[0]}: %{{value:{fmt}}}{suf}"
                                         f"<br>%{{percent}} of total<extra></extra>"))
    fig.update_layout(showlegend=len(w) > 1)
    return fig, {}


def _render_scatter(frame: pd.DataFrame, kinds: dict[str, str], spec: ChartSpec) -> tuple[go.Figure, dict]:
    x, y, color = spec.x, spec.y[0], spec.color
    label = next((c for c, k in kinds.items() if k == "text" and c not in (x, y, color)), None)
    g = frame[[c for c in dict.fromkeys([x, y, color, label]) if c]].dropna(subset=[x, y])
    note = f" (sample of {_SCATTER_MAX:,} of {len(g):,} points)" if len(g) > _SCATTER_MAX else ""
    g = g.sample(_SCATTER_MAX, random_state=0).sort_index() if note else g
    xaxis, xfmt, xsuf = _numfmt(x, g[x]) if kinds[x] == "number" else ({"type": "date"}, "", "")
    yaxis, yfmt, ysuf = _numfmt(y, g[y])
    xtok = f"%{{x:{xfmt}}}{xsuf}" if xfmt else "%{x}"
    head = "<b>%{text}</b><br>" if label else ""
    tpl = f"{head}{x}: {xtok}<br>{y}: %{{y:{yfmt}}}{ysuf}<extra></extra>"
    cls = go.Scattergl if len(g) > 5000 else go.Scatter
    fig = go.Figure()
    if color and kinds[color] != "number":
        groups = g[color].fillna("(blank)").astype(str)
        top = groups.value_counts().index[:SERIES_TOP_N]
        groups = groups.where(groups.isin(top), OTHER)
        for name in dict.fromkeys(groups):
            part = g[groups == name]
            fig.add_trace(cls(x=part[x].to_numpy(), y=part[y].to_numpy(dtype=float), mode="markers", name=name,
                              text=part[label].astype(str).to_numpy() if label else None, hovertemplate=tpl))
        fig.update_layout(legend_title_text=color)
    else:
        marker = dict(color=g[color].to_numpy(dtype=float), colorbar=dict(title=color)) if color else None
        fig.add_trace(cls(x=g[x].to_numpy(), y=g[y].to_numpy(dtype=float), mode="markers", name=y, marker=marker,
                          text=g[label].astype(str).to_numpy() if label else None, hovertemplate=tpl))
        fig.update_layout(showlegend=False)
    return fig, {"x": xaxis, "y": yaxis, "xt": x, "yt": y, "note": note}


def _box_stats(v: np.ndarray) -> dict[str, list[float]]:
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    inside = v[(v >= q1 - 1.5 * (q3 - q1)) & (v <= q3 + 1.5 * (q3 - q1))]
    return dict(q1=[q1], median=[med], q3=[q3], lowerfence=[inside.min()], upperfence=[inside.max()])


def _render_dist(frame: pd.DataFrame, kinds: dict[str, str], spec: ChartSpec) -> tuple[go.Figure, dict]:
    """Histogram (pre-binned above _BIG values) or box (stats precomputed above _BIG values)."""
    y, cat = spec.y[0], spec.x
    g = frame[[c for c in dict.fromkeys([y, cat]) if c]].dropna(subset=[y])
    vaxis, fmt, suf = _numfmt(y, g[y])
    h, fig = spec.orientation == "h", go.Figure()
    if spec.chart_type == "histogram":
        v = g[y].to_numpy(dtype=float)
        if len(v) > _BIG:
            edges = np.histogram_bin_edges(v, bins="auto")
            edges = edges if len(edges) <= 101 else np.linspace(v.min(), v.max(), 101)
            counts, mid = np.histogram(v, edges)[0], (edges[:-1] + edges[1:]) / 2
            fig.add_trace(go.Bar(x=counts if h else mid, y=mid if h else counts, width=np.diff(edges), name=y,
                                 orientation="h" if h else "v"))
        else:
            fig.add_trace(go.Histogram(x=None if h else v, y=v if h else None, name=y,
                                       hovertemplate=f"{y}: %{{{'y' if h else 'x'}}}<br>count: "
                                                     f"%{{{'x' if h else 'y'}:,}}<extra></extra>"))
        fig.update_layout(showlegend=False, bargap=0.05)
        return fig, {"x": {"tickformat": ","} if h else vaxis, "y": vaxis if h else {"tickformat": ","},
                     "xt": "count" if h else y, "yt": y if h else "count"}
    labels = _as_text(g[cat]).fillna("(blank)") if cat else pd.Series(y, index=g.index)
    top = labels.value_counts().index[:BAR_TOP_N]
    for name in [t for t in dict.fromkeys(labels) if t in set(top)]:
        v = g.loc[labels == name, y].to_numpy(dtype=float)
        kw = _box_stats(v) if len(g) > _BIG else {("x" if h else "y"): v, ("y" if h else "x"): [name] * len(v)}
        fig.add_trace(go.Box(name=name, boxpoints="outliers", orientation="h" if h else "v", **kw))
    fig.update_layout(showlegend=False)
    kaxis = {"type": "category"}
    return fig, {"x": vaxis if h else kaxis, "y": kaxis if h else vaxis, "xt": y if h else (cat or ""),
                 "yt": (cat or "") if h else y}


def _render_heatmap(frame: pd.DataFrame, kinds: dict[str, str], spec: ChartSpec) -> tuple[go.Figure, dict]:
    g, ys = _frame_for(frame, kinds, spec)
    p = g.pivot_table(index=spec.color, columns=spec.x, values=ys[0], aggfunc="sum", sort=False)
    p = p.loc[p.sum(axis=1).sort_values(ascending=False).index[:HEATMAP_TOP_N]]
    p = p[p.sum(axis=0).sort_values(ascending=False).index[:HEATMAP_TOP_N]] if kinds[spec.x] != "date" \
        else p[sorted(p.columns)[:HEATMAP_TOP_N * 4]]
    xs = list(_labels(pd.Index(p.columns), kinds[spec.x]))
    rows = list(_labels(pd.Index(p.index), kinds[spec.color]))
    z = p.to_numpy(dtype=float)
    axis, fmt, suf = _numfmt(ys[0], z)
    neg = np.nanmin(z) < 0 if np.isfinite(z).any() else False
    fig = go.Figure(go.Heatmap(z=z, x=xs, y=rows, colorscale="RdBu" if neg else "Blues", zmid=0 if neg else None,
                               colorbar=dict(title=ys[0], **axis),
                               hovertemplate=f"{spec.x}: %{{x}}<br>{spec.color}: %{{y}}<br>{ys[0]}: "
                                             f"%{{z:{fmt}}}{suf}<extra></extra>"))
    return fig, {"x": {"type": "date" if kinds[spec.x] == "date" else "category"},
                 "y": {"type": "category", "autorange": "reversed"}, "xt": spec.x, "yt": spec.color}


def _render_table(frame: pd.DataFrame, kinds: dict[str, str], spec: ChartSpec) -> tuple[go.Figure, dict]:
    head = frame.head(500)
    cells = [[("" if pd.isna(v) else f"{v:,.2f}".rstrip("0").rstrip(".")) for v in head[c]]
             if kinds[c] == "number" else head[c].astype(object).where(head[c].notna(), "").astype(str).tolist()
             for c in head.columns]
    fig = go.Figure(go.Table(header=dict(values=list(head.columns), align="left"),
                             cells=dict(values=cells, align="left")))
    return fig, {}


_RENDERERS = {"bar": _render_bar, "grouped_bar": _render_bar, "stacked_bar": _render_bar, "line": _render_line,
              "area": _render_line, "pie": _render_pie, "donut": _render_pie, "scatter": _render_scatter,
              "histogram": _render_dist, "box": _render_dist, "heatmap": _render_heatmap, "table": _render_table}


def render(df: pd.DataFrame, spec: ChartSpec | dict) -> go.Figure:
    """A Plotly figure for `spec` over `df` (validated first; raises InvalidChartSpec). Never mutates df."""
    frame, kinds = _prep(df)
    return _draw(frame, kinds, _check(spec, frame, kinds))


def _draw(frame: pd.DataFrame, kinds: dict[str, str], spec: ChartSpec) -> go.Figure:
    fig, ax = _RENDERERS[spec.chart_type](frame, kinds, spec)
    join = " vs " if spec.chart_type == "scatter" else " by "
    title = (spec.title or ", ".join(spec.y or ["count"]) + (join + spec.x if spec.x else "")) + ax.get("note", "")
    fig.update_layout(template=_TEMPLATE, title=dict(text=title, x=0, xanchor="left"),
                      margin=dict(l=10, r=10, t=50, b=10), hovermode="closest")
    if "x" in ax:
        fig.update_xaxes(title_text=ax["xt"], automargin=True, **ax["x"])
        fig.update_yaxes(title_text=ax["yt"], automargin=True, **ax["y"])
    return fig


# --- exploring a raw table -----------------------------------------------------------------------
def _auto_bucket(s: pd.Series) -> str:
    d = s.dropna()
    months = d.dt.to_period("M").nunique()
    return "year" if months > 120 else "month" if months >= 3 else "day"


def explore_charts(df: pd.DataFrame, max_charts: int = 6, roles: dict[str, str] | None = None
                   ) -> list[tuple[ChartSpec, go.Figure]]:
    """An automatic overview of a raw table: trend, top categories and distributions (up to max_charts).
    `roles` (core.roles, stored at ingest) keep ids out of the measures, ratios out of sums, and numbers out of
    the categories (no "Total Week 4 by Week 1")."""
    if not isinstance(df, pd.DataFrame) or df.empty or max_charts < 1:
        return []
    frame, kinds = _prep(df)
    n = len(frame)
    nun = {c: frame[c].nunique() for c, k in kinds.items() if k != "empty"}

    def idlike(c: str) -> bool:
        if _is_id_name(c) or kinds[c] == "date" or n < 2 or nun[c] < n:
            return _is_id_name(c)
        return kinds[c] == "text" or (_int_valued(frame[c]) and frame[c].max() - frame[c].min() + 1 == n)

    measures = [c for c in nun if kinds[c] == "number" and not idlike(c) and nun[c] > 1
                and not (set(_tokens(c)) & _CALENDAR and _int_valued(frame[c]))]
    measures.sort(key=lambda c: not _is_money(c))
    cats = [c for c in nun if kinds[c] == "text" and not idlike(c) and 2 <= nun[c] <= 50]
    if roles:
        measures = [c for c in measures if roles.get(c) in NUMERIC_ROLES - {"id"}]
        cats = [c for c in cats if roles.get(c, "category") == "category"]
    dates = [c for c in nun if kinds[c] == "date" and nun[c] >= 2]
    main = measures[0] if measures else None
    additive = summable(roles.get(main)) if roles and main in roles else _additive(main)
    agg = ("sum" if additive else "mean") if main else "count"
    what = f"{'Total' if agg == 'sum' else 'Average'} {main}" if main else "Rows"
    core: list[ChartSpec] = []
    extra: list[ChartSpec] = []
    if dates:
        d = dates[0]
        b = _auto_bucket(frame[d])
        core.append(_spec("line", f"{what} per {b}", f"Trend over {d}.", x=d, y=[main] if main else [],
                          aggregation=agg, bucket=b))
        if main:
            extra.append(_spec("line", f"Rows per {b}", f"Row count over {d}.", x=d, aggregation="count", bucket=b))
    bars = [_spec("bar", f"{what} by {c}", f"Top {c} values.", x=c, y=[main] if main else [], aggregation=agg,
                  sort="desc", orientation="h" if nun[c] > 10 or frame[c].dropna().str.len().mean() > 12 else "v")
            for c in cats[:2]]
    hists = [_spec("histogram", f"Distribution of {m}", f"How {m} values spread.", y=[m]) for m in measures[:2]]
    for i in range(2):
        core += [s[i] for s in (bars, hists) if len(s) > i]
    if main and cats:
        extra.append(_spec("box", f"{main} by {cats[0]}", f"Spread of {main} per {cats[0]}.", x=cats[0], y=[main]))
    if len(measures) >= 2:
        extra.append(_spec("scatter", f"{measures[1]} vs {main}", "How the two main measures relate.", x=main,
                           y=[measures[1]]))
    extra += [_spec("bar", f"Rows by {c}", f"Most common {c} values.", x=c, aggregation="count", sort="desc",
                    orientation="h" if nun[c] > 10 else "v") for c in cats[2:4]]
    out: list[tuple[ChartSpec, go.Figure]] = []
    for s in core + extra:
        if len(out) >= max_charts:
            break
        try:
            s = _check(s, frame, kinds)
            out.append((s.model_copy(update={"priority": min(5, len(out) + 1)}), _draw(frame, kinds, s)))
        except InvalidChartSpec:
            continue
    return out


def write_html(fig: go.Figure, path: str | Path) -> Path:
    """Write a standalone HTML file with plotly.js inlined (works offline); returns the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    pio.write_html(fig, file=str(p), include_plotlyjs=True, full_html=True, auto_open=False)
    return p
