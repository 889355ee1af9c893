"""Profiles: per-column statistics and sample rows, computed vectorised with pandas."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd


def jsonable(v):
    """A cell value as plain JSON (dates as ISO text, NaN as null)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d") if v == v.normalize() else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v if isinstance(v, (str, int)) else str(v)


def profile_column(s: pd.Series, dtype: str, top_k: int = 10) -> dict:
    n = len(s)
    nn = s.dropna()
    p: dict = {
        "dtype": dtype,
        "rows": n,
        "nulls": int(n - len(nn)),
        "null_share": round((n - len(nn)) / n, 4) if n else 0.0,
        "distinct": int(nn.nunique()) if len(nn) else 0,
    }
    if dtype in ("integer", "number") and len(nn):
        f = nn.astype("float64")
        p.update(min=jsonable(f.min()), max=jsonable(f.max()), mean=jsonable(f.mean()),
                 median=jsonable(f.median()), std=jsonable(f.std()) if len(f) > 1 else 0.0,
                 sum=jsonable(f.sum()))
    elif dtype in ("date", "datetime") and len(nn):
        p.update(min=jsonable(nn.min()), max=jsonable(nn.max()))
    if dtype in ("text", "boolean") and len(nn):
        vc = nn.value_counts().head(top_k)
        p["top"] = [[jsonable(k), int(c)] for k, c in vc.items()]
        lengths = nn.astype(str).str.len()
        p["avg_length"] = round(float(lengths.mean()), 1)
    return p


def is_free_text(p: dict) -> bool:
    """Long, mostly distinct text: comments, descriptions."""
    return p["dtype"] == "text" and p.get("avg_length", 0) >= 30 and p["distinct"] >= 0.5 * max(1, p["rows"] - p["nulls"])


def is_categorical(p: dict) -> bool:
    non_null = max(1, p["rows"] - p["nulls"])
    return p["dtype"] in ("text", "boolean") and not is_free_text(p) and (
        p["distinct"] <= 1000 and (p["distinct"] <= 50 or p["distinct"] <= 0.5 * non_null)
    )


def profile_table(df: pd.DataFrame, dtypes: dict[str, str], samples: int = 5) -> dict:
    cols = {c: profile_column(df[c], dtypes.get(c, "text")) for c in df.columns}
    head = df.head(samples)
    return {
        "rows": len(df),
        "columns": len(df.columns),
        "column_profiles": cols,
        "sample_rows": [[jsonable(v) for v in row] for row in head.itertuples(index=False, name=None)],
    }
