"""Intent classification: a fast keyword classifier that works offline (the LLM may refine it).

Seven intents: data_summary, statistical_analysis, comparison, visualization, calculation, search,
general_question. Each pattern adds weight to an intent; the highest total wins, ties broken by the
order of INTENTS (most specific first).
"""
from __future__ import annotations

import re

INTENTS = ["visualization", "data_summary", "statistical_analysis", "comparison", "search", "calculation",
           "general_question"]

RULES: dict[str, list[tuple[str, float]]] = {
    "visualization": [
        (r"\b(chart|plot|graph|visuali[sz]e|visuali[sz]ation|diagram|histogram|pie|scatter|heat ?map|draw|dashboard)\b", 3),
        (r"\b(trend|trends|over time|timeline|monthly|weekly|quarterly|yearly|by month|per month|by year|by quarter|evolution)\b", 2),
        (r"^(show|display|draw|plot)\b", 0.5),
    ],
    "data_summary": [
        (r"\b(summari[sz]e|summary|overview|describe|description|what('s| is) in|contents?|what does (this|the) (file|data|sheet|table|workbook)|tell me about (this|the) (file|data|dataset|sheet|table|workbook))\b", 3),
        (r"\b(columns|fields|sheets|tables|dataset|data set|schema|structure)\b", 1.2),
        (r"\b(key (facts|points|insights)|highlights|at a glance)\b", 2),
    ],
    "statistical_analysis": [
        (r"\b(average|mean|median|mode|std|standard deviation|variance|distribution|spread|percentile|quartile|correlat\w*|outliers?|skew\w*|statistic\w*|range of)\b", 2.5),
        (r"\b(minimum|maximum|min|max)\b", 1),
    ],
    "comparison": [
        (r"\b(compare|comparison|versus|vs\.?|difference between|differ|against|relative to|better|worse|rank|ranking)\b", 3),
        (r"\b(highest|lowest|most|least|top|bottom|best|worst|largest|smallest|biggest|more than .* or|which \w+ (has|had|have|sold|made|earned|got))\b", 1.5),
        (r"\b(by|per|for each|across|breakdown|broken down)\b \w+", 0.7),
    ],
    "search": [
        (r"\b(find|search|look up|lookup|locate|show me (the )?rows?|which rows|records? (with|where|of)|entries (with|where)|list (all|the)|who is|who are|who has|who had|whose|mentions?|about)\b", 2.5),
        (r"^(who|where)\b", 2),
        (r"\b[A-Z][a-z]+ [A-Z][a-z]+'s\b", 2),
        (r"\b(details|contact|email|phone|address|id)\b", 1),
    ],
    "calculation": [
        (r"\b(total|sum|how many|how much|number of|count|calculate|compute|percentage|percent|share|proportion|ratio|growth|increase|decrease|difference|net|margin of)\b", 2),
        (r"\b(in (19|20)\d\d|for (19|20)\d\d)\b", 0.5),
    ],
    "general_question": [
        (r"^(hi|hello|hey|thanks|thank you|good (morning|afternoon|evening))\b", 4),
        (r"\b(what can you do|help|how do (i|you)|how does (this|it) work|who are you|what are you|explain how|can you)\b", 3),
        (r"\b(weather|joke|news|meaning of life|capital of|recipe|translate)\b", 3),
    ],
}
_COMPILED = {k: [(re.compile(p, re.I), w) for p, w in v] for k, v in RULES.items()}


def scores(question: str) -> dict[str, float]:
    q = " ".join(question.split())
    out = {}
    for intent, rules in _COMPILED.items():
        out[intent] = sum(w for rx, w in rules if rx.search(q))
    return out


def about_the_app(question: str) -> bool:
    """A greeting, a question about the app or one plainly outside any data: a general_question pattern
    matched, rather than the intent falling to general_question because no data pattern did."""
    return scores(question)["general_question"] > 0


def classify(question: str) -> str:
    """The most likely of the seven intents; general_question when nothing data-like is asked."""
    s = scores(question)
    best = max(INTENTS, key=lambda k: (s[k], -INTENTS.index(k)))
    return best if s[best] > 0 else "general_question"
