"""Total and subtotal rows: a row leaves the data only when its numbers prove it is a total.

A candidate (a row labelled like a total in a leading text column, or a sparse row holding numbers)
is excluded when, in the number columns it fills, its values equal the sum (or, for a
labelled row, the average or the count) of the data rows it summarises: the rows since the previous
total, or all the rows above it. A label alone is never enough; a labelled row whose numbers do not
add up stays as data, with a warning naming its cells. A user's decision (keep / exclude a row) wins.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

LABEL_RE = re.compile(
    r"^(?:"
    r"(?:grand\s+|sub[\s-]?)?totals?(?:\s+result)?(?:\s+(?:of|for)\s+.{1,40}|\s+\S{1,12})?"
    r"|\S.{0,38}\s(?:sub[\s-]?)?total"
    r"|sum|count|average|avg|mean|overall"
    r")\s*:?$",
    re.IGNORECASE,
)
MAX_CANDIDATES = 20_000  # a sheet with more total-like rows than this is not a table with totals


@dataclass(frozen=True)
class TotalsResult:
    flags: np.ndarray  # rows left out of the data
    excluded: list[dict]  # one record per proven (or user-decided) row, in sheet order
    warnings: list[str]


def is_total_label(value) -> bool:
    """A whole cell that reads as a total label ('Total', 'Subtotal A', 'East Total', 'Average')."""
    return isinstance(value, str) and len(value) <= 60 and bool(LABEL_RE.match(value.strip()))


def _label_columns(dk: list[str]) -> list[int]:
    """Leading columns, where a total's label sits: the first three (a number column counts too: 'Total'
    under Rank is text where numbers are), and up to five when they hold text up to the first number."""
    first_typed = next((c for c, k in enumerate(dk) if k in ("n", "d", "b")), len(dk))
    return list(range(min(len(dk), max(3, min(first_typed, 5)))))


def _labels(data: np.ndarray, dk: list[str]) -> dict[int, tuple[int, str]]:
    """Row -> (column, label) for rows labelled like a total in a label position."""
    out: dict[int, tuple[int, str]] = {}
    for c in _label_columns(dk):
        col = data[:, c]
        hits = {u for u in pd.unique(col) if isinstance(u, str) and is_total_label(u)}  # hashed once per value
        if hits:
            for i in np.flatnonzero([v in hits if isinstance(v, str) else False for v in col]):
                out.setdefault(int(i), (c, str(col[i]).strip()))
    return out


def _decimals(v: float) -> int:
    s = repr(float(v))
    if "e" in s or "." not in s:
        return 0
    d = len(s.split(".")[1].rstrip("0"))
    return d if d <= 6 else 12  # float noise: the stored value is exact


def _close(v: float, target: float, exact: bool = False) -> bool:
    """Equal within the rounding the written value shows (a total rounded to cents still proves)."""
    tol = max(1e-9 * max(abs(target), 1.0), 0.0 if exact else 0.5 * 10.0 ** -_decimals(v))
    return abs(v - target) <= tol


@dataclass
class _Sums:
    """Prefix sums and counts of the number columns, so any window's totals cost O(columns)."""

    x: np.ndarray

    def __post_init__(self):
        z = np.nan_to_num(self.x, nan=0.0, posinf=0.0, neginf=0.0)
        self.zero = z
        with np.errstate(all="ignore"):  # astronomically large cells overflow; they prove nothing anyway
            self.p = np.vstack([np.zeros((1, z.shape[1])), np.cumsum(z, axis=0)])
        cnt = (~np.isnan(self.x)).astype(np.int64)
        self.cnt = cnt
        self.c = np.vstack([np.zeros((1, z.shape[1]), dtype=np.int64), np.cumsum(cnt, axis=0)])

    def window(self, a: int, i: int, skip: list[int]) -> tuple[np.ndarray, np.ndarray, int]:
        """Sum and non-empty count per column of rows [a, i) leaving out `skip`, and the row count."""
        s, c = self.p[i] - self.p[a], self.c[i] - self.c[a]
        inside = [e for e in skip if a <= e < i]
        for e in inside:
            s = s - self.zero[e]
            c = c - self.cnt[e]
        return s, c, (i - a) - len(inside)


def _match(v: float, s: float, c: int, rows: int, labelled: bool) -> str | None:
    if c >= 1 and _close(v, s):
        return "sum"
    if labelled and c >= 2 and _close(v, s / c, exact=_decimals(v) == 0):
        return "average"
    if labelled and v == int(v) and v in (float(rows), float(c)):
        return "count"
    return None


def _prove(i: int, sums: _Sums, proven: list[int], label_counts: list[float] | None, names: list[str],
           label_rows: list[int] = ()) -> dict | None:
    """The proof that row i totals a window above it, or None.

    `label_counts` (labelled rows only) are numbers the row holds in text columns: they can only count rows.
    """
    labelled = label_counts is not None
    cells = np.flatnonzero(~np.isnan(sums.x[i]))
    if not len(cells) and not label_counts:
        return None
    windows = [(proven[-1] + 1 if proven else 0, proven), (0, proven)]
    if labelled:  # a grand total over subtotals whose own numbers were off: leave every labelled row out
        windows.append((0, sorted(set(proven) | {j for j in label_rows if j < i})))
    for a, skip in windows:
        s, c, rows = sums.window(a, i, skip)
        if rows < 2:
            continue
        ops = {names[j]: _match(float(sums.x[i, j]), float(s[j]), int(c[j]), rows, labelled) for j in cells}
        good = {k: op for k, op in ops.items() if op}
        bad = len(ops) - len(good)
        sums_hit = [k for k, op in good.items() if op == "sum" and sums.x[i, names.index(k)] != 0 and c[names.index(k)] >= 2]
        # an unlabelled row needs a window of three rows or more: 1 + 2 = 3 is a running number, not a total
        strong = bool(sums_hit) and (labelled or rows >= 3)
        if labelled and any(v == rows for v in label_counts):
            good["the rows"] = "count"
        if not good or not (strong or labelled):
            continue
        if bad == 0 or (labelled and strong and bad <= len(good) // 2):
            last = i - 1
            while last in skip:  # the window's last data row, totals above this one left out
                last -= 1
            return {"first": a, "last": last, "ops": good, "without": [j for j in skip if a <= j < last]}
    return None


def _text_numbers(row: np.ndarray, dk: list[str], numbers) -> list[float]:
    """Numbers a row holds in text columns (a count written under a name column)."""
    cells = np.array([v for v, k in zip(row, dk, strict=False) if k == "s" and v is not None and str(v).strip()], dtype=object)
    vals = numbers(cells) if len(cells) else np.array([])
    return [float(v) for v in vals if v == v]


def _detail(proof: dict, excel_rows: np.ndarray) -> str:
    first, last = int(excel_rows[proof["first"]]), int(excel_rows[proof["last"]])
    by_op: dict[str, list[str]] = {}
    for col, op in proof["ops"].items():
        by_op.setdefault(op, []).append(col)
    parts = [f"the {op} of rows {first}-{last} in {', '.join(cols)}" for op, cols in by_op.items()]
    without = [str(int(excel_rows[j])) for j in proof["without"]]
    return "equals " + "; ".join(parts) + (f" (without the total rows {', '.join(without)})" if without else "")


def _near_miss_warnings(missed: dict[str, list[str]]) -> list[str]:
    out = []
    for label, cells in missed.items():
        shown = ", ".join(cells[:3]) + (f" and {len(cells) - 3} more" if len(cells) > 3 else "")
        verb = "is" if len(cells) == 1 else "are"
        out.append(f"{shown} {verb} labelled '{label}' but the numbers are not totals of the rows above; kept as data.")
    return out


def find_totals(data: np.ndarray, filled: np.ndarray, dk: list[str], names: list[str], excel_rows: np.ndarray,
                letters: list[str], numbers: Callable[[np.ndarray], np.ndarray],
                overrides: dict[int, str] | None = None, labels: dict[int, tuple[int, str]] | None = None,
                fill: np.ndarray | None = None) -> TotalsResult:
    """Which rows of a table body are proven totals (and so left out), with reasons and near-miss warnings.

    `numbers(column cells)` turns one column's raw cells into floats (NaN where not a number);
    `overrides` maps an Excel row to "keep" or "exclude" (a user's decision); `labels` are the rows
    `_labels` would find, when the caller found them faster (on a column's distinct values); `fill` the
    filled cells per row, when the caller has them.
    """
    n, w = data.shape
    flags = np.zeros(n, dtype=bool)
    overrides = overrides or {}
    if n == 0:
        return TotalsResult(flags, [], [])
    labels = _labels(data, dk) if labels is None else labels
    fill = filled.sum(axis=1) if fill is None else fill
    sparse = fill < np.median(fill)
    # more sparse rows than candidates tried: no row is tried (below), so the rows are not listed either
    cand = [] if np.count_nonzero(sparse) > MAX_CANDIDATES else sorted(set(labels) | set(np.flatnonzero(sparse).tolist()))
    # number columns, and columns empty in the sample (a lone count under an otherwise blank column)
    num_cols = [c for c in range(w) if dk[c] in ("n", "e")]
    excluded, missed, proven = [], {}, []
    if num_cols and cand and len(cand) <= MAX_CANDIDATES:  # no candidate row: no column sums to prove with
        sums = _Sums(np.column_stack([numbers(data[:, c]) for c in num_cols]).astype(float))
        col_names = [names[c] for c in num_cols]
        for i in cand:
            counts = _text_numbers(data[i], dk, numbers) if i in labels else None
            proof = _prove(i, sums, proven, counts, col_names, sorted(labels))
            if proof is None:
                if i in labels:
                    c, label = labels[i]
                    missed.setdefault(label, []).append(f"{letters[c]}{int(excel_rows[i])}")
                continue
            proven.append(i)
            rec = _record(data, i, excel_rows, "total", _detail(proof, excel_rows))
            rec["proof"] = {"first": int(excel_rows[proof["first"]]), "last": int(excel_rows[proof["last"]]),
                            "ops": proof["ops"], "without": [int(excel_rows[j]) for j in proof["without"]]}
            excluded.append(rec)
    decided = _apply_overrides(data, excel_rows, overrides, excluded)
    for rec in decided:
        if rec["status"] == "excluded":
            flags[int(np.searchsorted(excel_rows, rec["row"]))] = True
    return TotalsResult(flags, decided, _near_miss_warnings(missed))


def _cell_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _record(data: np.ndarray, i: int, excel_rows: np.ndarray, reason: str, detail: str) -> dict:
    cells = [_cell_text(v) for v in data[i] if v is not None and v == v and _cell_text(v)][:6]
    return {"row": int(excel_rows[i]), "status": "excluded", "reason": reason, "detail": detail, "cells": cells}


def _apply_overrides(data, excel_rows, overrides: dict[int, str], excluded: list[dict]) -> list[dict]:
    """A user's keep/exclude decisions over the proven rows; kept rows stay listed so they can be undone."""
    out = []
    for rec in excluded:
        if overrides.get(rec["row"]) == "keep":
            rec = {**rec, "status": "kept", "reason": "kept as data by a user"}
        out.append(rec)
    if not overrides:
        return sorted(out, key=lambda r: r["row"])
    known = {rec["row"] for rec in out}
    row_index = {int(r): i for i, r in enumerate(excel_rows)}
    for row, action in sorted(overrides.items()):
        if action == "exclude" and row not in known and row in row_index:
            out.append(_record(data, row_index[row], excel_rows, "excluded by a user", "left out by a user's choice"))
    return sorted(out, key=lambda r: r["row"])
