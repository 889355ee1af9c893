"""Section headings inside a table: a row holding one short label ("NOT ADJUSTED", "ADJUSTED(2)") over
the rows below it, as statistical tables stack several blocks under one header.

Such a row is not data, but what it says is: each row below it belongs to that section. So the heading
moves into a `Section` column of the rows it heads (nothing is lost), and the heading row itself is listed
among the rows left out, with its reason, so a user can put it back as data.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_SECTIONS = 2  # one heading over every row says nothing a column could hold
MIN_ROWS_BELOW = 2  # a heading heads data rows
MAX_LABEL_CHARS = 60  # longer single cells are notes, not headings
SECTION_COLUMN = "Section"


@dataclass(frozen=True)
class Sections:
    flags: np.ndarray  # rows that are headings (left out of the data)
    labels: list[str | None]  # each row's section (None above the first heading)
    excluded: list[dict]  # one record per heading, as core.totals records left-out rows


def _heading(row, filled_row, dk: list[str]) -> str | None:
    """The label of a row that holds one short text cell in a text column and nothing else."""
    cols = np.flatnonzero(filled_row)
    if len(cols) != 1 or dk[cols[0]] != "s":
        return None
    v = row[cols[0]]
    if not isinstance(v, str):
        return None
    text = " ".join(v.split())
    if not text or len(text) > MAX_LABEL_CHARS or text.replace(".", "").isdigit():
        return None
    return text


def find_sections(data: np.ndarray, filled: np.ndarray, dk: list[str], excel_rows: np.ndarray,
                  overrides: dict[int, str] | None = None) -> Sections | None:
    """The table's section headings, or None when it has none (fewer than two, or any heading without
    data rows below it, or a table whose rows hold one cell anyway)."""
    n = data.shape[0]
    overrides = overrides or {}
    if n == 0 or "n" not in dk or np.median(filled.sum(axis=1)) < 3:
        return None
    # only a row with exactly one filled cell can be a heading: the others are skipped without a Python call
    heads = [int(i) for i in np.flatnonzero(filled.sum(axis=1) == 1) if _heading(data[i], filled[i], dk) is not None]
    if len(heads) < MIN_SECTIONS:
        return None
    for a, b in zip(heads, heads[1:] + [n], strict=True):
        if sum(filled[j].sum() >= 2 for j in range(a + 1, b)) < MIN_ROWS_BELOW:
            return None  # a lone label between data rows (a name with no numbers) is not a heading
    kept = {i for i in heads if overrides.get(int(excel_rows[i])) == "keep"}  # a user's "this row is data"
    flags = np.zeros(n, dtype=bool)
    flags[[i for i in heads if i not in kept]] = True
    labels: list[str | None] = []
    current = None
    for i in range(n):
        if flags[i]:
            current = _heading(data[i], filled[i], dk)
        labels.append(current)
    return Sections(flags, labels, [_record(data, filled, dk, excel_rows, a, b, a in kept)
                                    for a, b in zip(heads, heads[1:] + [n], strict=True)])


def _record(data, filled, dk, excel_rows, a: int, b: int, kept: bool) -> dict:
    """A heading as a row left out (or kept as data by a user), saying which rows it heads."""
    label = _heading(data[a], filled[a], dk)
    first, last = int(excel_rows[a + 1]), int(excel_rows[b - 1])
    return {"row": int(excel_rows[a]), "status": "kept" if kept else "excluded",
            "reason": "kept as data by a user" if kept else "section heading",
            "detail": f"a heading: its text '{label}' is the {SECTION_COLUMN} of rows {first}-{last}", "cells": [label]}
