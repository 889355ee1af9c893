"""Ranking: insights of every probe and table ordered by score, one per kind first, the best 5-8 kept."""
from __future__ import annotations

from .model import Insight

PER_KIND = 2
SHOWN = 8
ENOUGH = 5  # a second insight of a kind is shown only when fewer than this many kinds found something


def rank(found: list[Insight], limit: int = SHOWN, focus: tuple[str, ...] = ()) -> list[Insight]:
    """The best `limit` insights: the best of each kind first, then a second of a kind while fewer than
    ENOUGH are shown; kinds in `focus` (what the question asked about: outliers, changes) come first."""
    said = {_pair(i) for i in found if i.kind == "concentration"}
    ordered, seen = [], set()
    for i in sorted(found, key=lambda i: (i.kind not in focus, -i.score)):
        key = (i.kind, repr(sorted(i.values.items(), key=str)))  # the same finding in a copy of a table
        # a split by the category a concentration already named says the same thing again
        if key in seen or (i.kind == "split" and _pair(i) in said):
            continue
        seen.add(key)
        ordered.append(i)
    first, rest, kinds = [], [], set()
    for i in ordered:
        (rest if i.kind in kinds else first).append(i)
        kinds.add(i.kind)
    seconds: list[Insight] = []
    for i in rest:
        if sum(j.kind == i.kind for j in first + seconds) < PER_KIND:
            seconds.append(i)
    out = first[:limit] + seconds[:max(0, ENOUGH - len(first))]
    return sorted(out, key=lambda i: (i.kind not in focus, -i.score))


def _pair(i: Insight) -> tuple:
    return i.table, i.values.get("measure"), i.values.get("category")
