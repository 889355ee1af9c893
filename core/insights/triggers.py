"""Which questions ask for insights: "summarize", "overview", "what's interesting?", "tell me about this file",
"any outliers?", "what changed last month?". Anchored to the whole question, so "summarize sales by region"
or "outliers in price above 10" stay with the planner."""
from __future__ import annotations

import re

_THING = r"(?:this|it|everything|(?:(?:this|the|my|that|these|our)\s+)?(?:file|files|data|dataset|data\s*set|sheet|sheets|table|tables|workbook|spreadsheet|book|excel))"
_LEAD = r"^\s*(?:please\s+|can you\s+|could you\s+|pls\s+)?"
_END = r"\s*(?:for me|please)?\s*[?.!]*\s*$"
PATTERNS = [
    (re.compile(_LEAD + rf"(?:summari[sz]e|summary of|give (?:me )?(?:a |an )?(?:summary|overview)(?: of)?|overview(?: of)?)(?:\s+{_THING})?" + _END, re.I), ()),
    (re.compile(_LEAD + rf"(?:an? )?(?:summary|overview)(?:\s+(?:of\s+)?{_THING})?" + _END, re.I), ()),
    (re.compile(_LEAD + rf"what(?:'s|’s| is)\s+(?:interesting|notable|remarkable|worth knowing)(?:\s+(?:in|about)\s+{_THING})?" + _END, re.I), ()),
    (re.compile(_LEAD + rf"(?:tell me about|describe|insights?(?: (?:on|from|about|into))?|any insights(?: (?:on|from|about|into))?)\s+{_THING}" + _END, re.I), ()),
    (re.compile(_LEAD + rf"(?:insights|key insights|highlights|anything interesting)(?:\s+(?:in|about)\s+{_THING})?" + _END, re.I), ()),
    (re.compile(_LEAD + rf"(?:are there\s+)?(?:any\s+)?(?:anomal(?:y|ies)|outliers?|unusual values|odd values)(?:\s+(?:in|about)\s+{_THING})?" + _END, re.I),
     ("outlier", "jump")),
    (re.compile(_LEAD + r"what(?:'s|’s| has| have)?\s+changed(?:\s+(?:last|this|since last|in the last)\s+(?:month|quarter|year|period|week))?" + _END, re.I),
     ("movers", "jump", "trend")),
]


def wants_insights(question: str) -> bool:
    """Whether the whole question asks for a summary or insights (and names nothing to compute)."""
    q = " ".join(str(question).split())
    return any(rx.match(q) for rx, _ in PATTERNS)


def focus_of(question: str) -> tuple[str, ...]:
    """The insight kinds the question asks about first (outliers for "any anomalies?"), or () for all."""
    q = " ".join(str(question).split())
    return next((kinds for rx, kinds in PATTERNS if rx.match(q)), ())
