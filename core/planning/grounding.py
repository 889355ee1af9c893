"""Grounding: what the words of a question can mean in one table (columns, values, numbers, dates, periods,
aggregation and comparison words), gathered once into a `Grounded` that every shape rule reads."""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..errors import CannotAnswer
from ..plan import ROW, Filter, Measure, Plan
from ..roles import column_roles, is_id_name, running_number
from .model import Planned, TableView
from .words import (
    ADDITIVE,
    BUCKET_WORDS,
    CONTESTED,
    CONTESTS,
    DEMONYMS,
    FAMILIES,
    GENERIC,
    KINDS,
    MONEY_COLUMNS,
    MONEY_NOUNS,
    MONEY_VERBS,
    MONTHS,
    ORDINALS,
    ROW_NOUNS,
    SEASON,
    SECONDS_IN,
    STOP,
    SYNONYMS,
    TALLY_NOUNS,
    TITLED,
    UNIT_NAMES,
    VALUE_WORDS,
    WORD_NUM,
    cell_unit,
    in_seconds,
    misspelt,
    norm,
    same,
    season_years,
    stem,
    unknown_word,
    words,
)


@dataclass
class ColumnHit:
    column: str
    score: float  # share of the name's weight found in the question
    words: int
    position: int  # where in the question the first matched word sits
    by_synonym: bool = False  # named only through a synonym ("paid" for Salary), not by a word of its own
    phrase: bool = False  # its words said together, in its order ("net pay" for Net pay, not Gross pay)


@dataclass
class ValueHit:
    column: str
    value: object
    start: int
    end: int
    contains: bool = False  # found inside the cells (a `contains` filter), not a whole cell


def _month3(w: str) -> str:
    """A month by its first three letters ("march", "mar" -> "mar"), so "March 2020" names "Mar. 2020"."""
    return w[:3] if w in MONTHS and w != "may" or w == "may" else w


def column_hits(q_words: list[str], t: TableView) -> list[ColumnHit]:
    qs = [_month3(stem(w)) for w in q_words]
    hits = []
    for c in t.dtypes:
        cw = [_month3(stem(w)) for w in words(c) if w not in STOP]
        if not cw:
            continue
        weight = {w: (0.3 if w in GENERIC else 1.0) for w in cw}
        found, pos = 0.0, None
        n, own, at = 0, False, []
        for w in cw:
            for i, q in enumerate(qs):
                if same(q, w):
                    found += weight[w]
                    n += 1
                    at.append(i)
                    pos = i if pos is None else min(pos, i)
                    own = own or q_words[i] not in SYNONYMS or same(q_words[i], w)
                    break
        total = sum(weight.values())
        if all(w.isdigit() for w in cw if any(same(q, w) for q in qs)) and not all(w.isdigit() for w in cw):
            continue  # "in 2019" is a year, not the name of "Jan. 2019"
        if n and found >= 1.0 or (n and found / total >= 0.99):
            phrase = len(at) == len(cw) > 1 and at == list(range(at[0], at[0] + len(at)))
            hits.append(ColumnHit(c, found / total, n, pos or 0, by_synonym=not own, phrase=phrase))
    # "one of each kind of medal" names the kinds (Gold, Silver, Bronze), not their Total
    hits += ([] if OF_EACH.search(" ".join(q_words)) else _kind_hits(qs, t, hits)) + _title_hits(qs, t, hits)
    hits += _family_hits(qs, t, hits)
    # "the total bonus paid": Bonus, named by its own word, before Salary, which "paid" reaches as a synonym
    hits.sort(key=lambda h: (-h.score, -h.words, not h.phrase, h.by_synonym))
    return hits


NEGATIONS = {"not", "non", "excluding", "except", "never", "haven't", "hasn't", "isn't", "aren't", "wasn't", "weren't",
             "don't", "doesn't", "didn't", "without"}
# a negated verb: "did not score more than 10", "was not released before 2012", "never more than 3"
NOT_VERB = {"not", "never", "haven't", "hasn't", "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't",
            "won't", "wouldn't", "couldn't", "can't", "cannot"}
NEGATED_REACH = 3  # the words a negation may stand before the comparison it turns ("not released before")
FLIPPED = {"gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt"}


# words that open another part of the sentence: "not in Spain over 30" negates Spain, not the comparison
NOT_ACROSS = {"in", "from", "at", "on", "by", "of", "for", "with", "to", "against", "the", "a", "an", "and", "or",
              "but", "than", "as", "who", "which", "that", ","}


def negated_at(q: str, start: int) -> bool:
    """A negated verb stands right before this point of the (normalised) question, or a verb or two before it
    ("was not released before", "did they not score more than")."""
    ws = re.findall(r"[\w']+|,", q[:start])[-NEGATED_REACH:]
    at = max((i for i, w in enumerate(ws) if w in NOT_VERB), default=None)
    return at is not None and not NOT_ACROSS & set(ws[at + 1:])


def comparison(op: str, q: str, start: int) -> str:
    """The comparison a phrase at this point makes: its own, or the opposite after a negation ("not before 2012"
    is 2012 or later: a row with no year is in neither)."""
    return FLIPPED[op] if negated_at(q, start) else op


def title_column(t: TableView) -> str | None:
    """The one text column called a title ("Title", "Album title"), if there is one."""
    titles = [c for c in t.texts() if "title" in words(c)]
    return titles[0] if len(titles) == 1 else None


def _title_hits(qs: list[str], t: TableView, hits: list[ColumnHit]) -> list[ColumnHit]:
    """"the first song on this album": a work no column is named for is named by the Title column."""
    col = title_column(t)
    if col is None or any(h.column == col for h in hits):
        return []
    col_words = column_stems(t)
    # the question's first word is a verb when it is one ("Show the monthly trend", "Play ..."), never a work
    pos = next((i for i, q in enumerate(qs) if i > 0 and q in TITLED and q not in col_words), None)
    return [] if pos is None else [ColumnHit(col, 1.0, 1, pos)]


def family_column(word: str, t: TableView) -> str | None:
    """The one text column named by another noun of the word's family ("team" -> Club, "country" -> Nation),
    when no column is named by the word itself."""
    fam = next((f for f in FAMILIES if word in f), None)
    if fam is None or any(same(word, stem(w)) for c in t.dtypes for w in words(c)):
        return None
    cols = [c for c in t.dtypes if any(stem(w) in fam for w in words(c))]
    return cols[0] if len(cols) == 1 else None


def _family_hits(qs: list[str], t: TableView, hits: list[ColumnHit]) -> list[ColumnHit]:
    """"which team has the most championships" with a Club column: the column named by the word's family."""
    out: list[ColumnHit] = []
    for i, q in enumerate(qs):
        col = family_column(q, t)
        if col and not any(h.column == col for h in hits + out):
            out.append(ColumnHit(col, 1.0, 1, i, by_synonym=True))
    return out


def table_kind(t: TableView) -> tuple[str, str | None] | None:
    """(kind, its total column) when two or more columns are kinds of one thing (Gold, Silver, Bronze: medals)."""
    names = {stem(words(c)[0]): c for c in t.numeric() if len(words(c)) == 1}
    for kind, members in KINDS.items():
        if len(members & names.keys()) >= 2:
            return kind, names.get("total")
    return None


def _kind_hits(qs: list[str], t: TableView, hits: list[ColumnHit]) -> list[ColumnHit]:
    """"how many medals": with no gold, silver or bronze named, the medals counted are the Total column."""
    found = table_kind(t)
    if not found or not found[1] or found[0] not in qs or any(h.column == found[1] for h in hits):
        return []
    if any(q in KINDS[found[0]] for q in qs):
        return []  # "silver medals": the Silver column, named already
    return [ColumnHit(found[1], 1.0, 1, qs.index(found[0]))]

def value_hits(question: str, t: TableView) -> list[ValueHit]:
    raw = question.replace("\u2019", "'")
    toks = [(m.group(0), m.start()) for m in re.finditer(r"[\w&'\-\.]+", raw)]
    hits: list[ValueHit] = []
    taken = [False] * len(toks)
    modifiers = note_modifiers([w for w, _ in toks], t)
    for size in range(min(8, len(toks)), 0, -1):
        for i in range(len(toks) - size + 1):
            if any(taken[i : i + size]):
                continue
            span = toks[i : i + size]
            text = " ".join(w for w, _ in span)
            cands = [text, text.rstrip(".?!,")]
            if text.endswith("'s"):
                cands.append(text[:-2])
            if any(w.lower() in MONTHS for w, _ in span):  # "March 2025" for the cell "Mar 2025"
                cands.append(" ".join(_month3(w.lower()) for w, _ in span))
            if re.search(r"\w-\w+[^s]s$", cands[1]):  # "runner-ups": the plural of the compound "Runner-up"
                cands.append(cands[1][:-1])
            said = VALUE_WORDS.get(norm(text.rstrip(".?!,")), ())
            if said and not _names_a_column(norm(text.rstrip(".?!,")), t):  # "wins" beside a Wins column: the column
                cands += list(said)
            if (said := [k for k in range(i, i + size - 1) if k in modifiers]):  # without the note's words
                cands.append(" ".join(w for k, (w, _) in enumerate(span, i) if k not in said))
            loose = loose_values(t)
            # "haven't been paid" is no filter on Paid, "not seasonally adjusted" no spelling of "ADJUSTED(2)";
            # a value right after "not" or "other than" is one to exclude (ground: _negated)
            before = [w.lower() for w, _ in toks[max(0, i - 2):i]]
            if any(w in NEGATIONS for w in before) and not _excludes(before):
                continue
            for cand in cands:
                found = t.values.get(norm(cand)) or loose.get(loose_key(cand)) or loose.get(bag_key(cand))
                if not found:
                    continue
                # "new" and "New" in one column: the spelling the question uses
                found = sorted(found, key=lambda cv: str(cv[1]) not in raw)
                col, val = _pick_column(found, question, t, before)
                sval = str(val)
                # short codes (IT, HR) in their own case; a word for a value ("won", "men") in any case
                if len(sval) <= 3 and sval not in raw and norm(cand) == norm(text) and (
                        norm(text) not in VALUE_WORDS or _names_a_column(norm(text), t)) and not _uncased_code(raw, text, t) \
                        and not _word_value(sval, text, t):
                    continue
                common = norm(sval) in STOP or norm(sval) in ("none", "other", "yes", "no", "total")
                if common and not (sval in raw and sval != sval.lower()):  # "IT" the department, not "it"
                    continue
                hits.append(ValueHit(col, val, i, i + size))
                for k in range(i, i + size):
                    taken[k] = True
                break
    return hits


SAID_DAY = re.compile(r"(?<![\w/.])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\w/]|\.\d)")
CELL_DAY = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")


def month_day_hits(question: str, t: TableView, exact: list[ValueHit]) -> list[ValueHit]:
    """"which game had more in attendance, 11/28 or 12/08?": a day written with slashes names the one cell of a
    text column of such dates ("11/28/2012*") on that day, when the question's days and the column's cells fix
    the same order (a part over 12 is the day); an order left open, or two cells on that day, name nothing."""
    raw = question.replace("\u2019", "'")
    starts = [m.start() for m in re.finditer(r"[\w&'\-\.]+", raw)]
    cells: dict[str, set[str]] = {}
    for found in t.values.values():
        for col, val in found:
            if t.dtypes.get(col) == "text" and CELL_DAY.match(str(val)):
                cells.setdefault(col, set()).add(str(val))
    said_days = list(SAID_DAY.finditer(raw))
    # the question's own order, fixed by a part over 12 of any day it writes ("11/28 or 12/08": month first)
    asked = _day_order({f"{m.group(1)}/{m.group(2)}/00" for m in said_days})
    hits = []
    for m in said_days:
        if m.start() not in starts or asked is None:
            continue
        i = starts.index(m.start())
        n = 3 if m.group(3) else 2
        if any(v.start < i + n and i < v.end for v in exact + hits):
            continue
        said = [int(m.group(1)), int(m.group(2))]
        on = [(c, v) for c, vals in cells.items() if _day_order(vals) == asked for v in vals
              if _on_day(CELL_DAY.match(v), said, m.group(3))]
        if len(on) == 1:
            hits.append(ValueHit(on[0][0], on[0][1], i, i + n))
    return hits


def _day_order(cells: set[str]) -> str | None:
    """"md" when a cell's second part is over 12 (11/28/2012), "dm" when its first is, None when none says."""
    parts = [CELL_DAY.match(v) for v in cells]
    md = any(int(p.group(2)) > 12 for p in parts)
    dm = any(int(p.group(1)) > 12 for p in parts)
    return "md" if md and not dm else "dm" if dm and not md else None


def _on_day(cell: re.Match, said: list[int], year: str | None) -> bool:
    """The cell's first two parts are the question's, in order, and its year the one said, if any."""
    return [int(cell.group(1)), int(cell.group(2))] == said and (not year or cell.group(3)[-len(year):] == year
                                                               or year[-2:] == cell.group(3)[-2:] and len(year) == 2)


def _uncased_code(raw: str, text: str, t: TableView) -> bool:
    """A question written all in lower case says nothing by its case: "games released for the psp" names the
    value "PSP" when the word has three letters and is no function or operation word nor a column's word (two
    letters stay too close to words: "it", "us", "or")."""
    w = norm(text)
    return raw == raw.lower() and len(w) == 3 and _one_word_name(w, t)


def _word_value(sval: str, text: str, t: TableView) -> bool:
    """"gas" for the value "Gas": a value written as a word (capitalised, not all capitals like the code "IT") is
    said in any case, when the word may be a name's own word (no function, operation or column word)."""
    return sval.isalpha() and sval[:1].isupper() and sval[1:].islower() and norm(text) == norm(sval) \
        and _one_word_name(norm(text), t)


FOOTNOTE = re.compile(r"\s*\((?:\d{1,2}|[a-z])\)\s*$", re.I)
NOTE_MARK = re.compile(r"\((\d{1,2}|[a-z])\)\s*$", re.I)
NOTE_TEXT = re.compile(r"^\((\d{1,2}|[a-z])\)\s+\w")


def footnotes(t: TableView) -> dict[str, set[str]]:
    """The words a sheet's notes attach to its marked values: "ADJUSTED(2)" beside the note "(2) Estimates are
    adjusted for seasonal variations ..." gives {"adjusted": {"estimate", "seasonal", ...}} (built once per view)."""
    cached = t.__dict__.get("_notes")
    if cached is not None:
        return cached
    notes = {m.group(1).lower(): key for key in [*t.values, *map(norm, t.notes)] if (m := NOTE_TEXT.match(key))}
    out: dict[str, set[str]] = {}
    for found in t.values.values() if notes else ():
        for _, val in found:
            m = NOTE_MARK.search(str(val))
            note = notes.get(m.group(1).lower()) if m and m.start() > 0 else None
            for w in loose_key(val).split() if note else ():
                out.setdefault(w, set()).update(stem(x) for x in words(note) if x not in STOP)
    t.__dict__["_notes"] = out
    return out


def note_modifiers(toks: list[str], t: TableView) -> set[int]:
    """Positions of words right before a marked value's word that its note uses: "seasonally adjusted", where the
    note of ADJUSTED(2) says the estimates are adjusted for seasonal variations, names ADJUSTED(2)."""
    notes = footnotes(t)
    out = set()
    for i in range(len(toks) - 1):
        said = notes.get(_plural(toks[i + 1].lower()))
        if said and toks[i].lower() not in STOP and any(same(stem(toks[i].lower()), n) for n in said):
            out.add(i)
    return out


@functools.lru_cache(maxsize=1 << 16)
def loose_key(text: str) -> str:
    """A value's words without punctuation, '&' read as 'and', a trailing footnote mark dropped: "ADJUSTED(2)"
    -> "adjusted", "not-adjusted" -> "not adjusted", "food services & drinking places" -> "... and ..."."""
    ws = words(FOOTNOTE.sub("", str(text)).replace("&", " and "))
    return " ".join(_plural(w) for w in ws if w != "%")


def _plural(w: str) -> str:
    """A word without its plural ending ("stores" -> "store"); no synonyms: a value is matched by its spelling."""
    return stem(w) if w not in SYNONYMS else w


@functools.lru_cache(maxsize=1 << 16)
def bag_key(text: str) -> str:
    """The same words in any order ("total retail sales" for "Retail sales, total"), for values of 3+ words."""
    ws = loose_key(text).split()
    return "bag:" + " ".join(sorted(set(ws))) if len(ws) >= 3 else ""


# a name's code in capitals after it ("United States (USA)", "Krisztina Papp (HUN)"); three letters or more
CODE_IN_PARENS = re.compile(r"(?<=\S)\s*\(([A-Z]{3,5})\)\s*$")


def _coded_values(t: TableView) -> list[tuple[str, object, str]]:
    """(column, value, code) of the values written with a code in parentheses, when no other column's values
    hold the code as a word of their own ("Aspen, USA" beside "Ann Lee (USA)": which one "usa" names is unsaid)."""
    found = [(col, val, m.group(1)) for vs in t.values.values() for col, val in vs
             if (m := CODE_IN_PARENS.search(str(val)))]
    if not found:
        return []
    words_of: dict[str, set[str]] = {}
    for vs in t.values.values():
        for col, val in vs:
            words_of.setdefault(col, set()).update(w.lower() for w in re.findall(r"\w+", str(val)))
    return [(col, val, code) for col, val, code in found
            if not any(code.lower() in ws for c, ws in words_of.items() if c != col)]


def loose_values(t: TableView) -> dict[str, list[tuple[str, object]]]:
    """The table's text values by their loose and word-bag keys (built once per view)."""
    cached = t.__dict__.get("_loose")
    if cached is not None:
        return cached
    out: dict[str, list[tuple[str, object]]] = {}
    for found in t.values.values():
        for col, val in found:
            if any(ch.isdigit() for ch in FOOTNOTE.sub("", str(val))):  # "5:56.21" is not "5:56:21", nor "11/24/2012*" a date
                continue
            for key in {loose_key(val), bag_key(val)}:
                if len(key) >= 3 and (col, val) not in out.setdefault(key, []):
                    out[key].append((col, val))
    for col, val, code in _coded_values(t):  # "United States (USA)" by its code: "how many medals did the usa win?"
        if (col, val) not in out.setdefault(key := loose_key(code), []):
            out[key].append((col, val))
    # a key two different values share ("Retail sales, total" and "Total retail sales") names neither
    out = {k: v for k, v in out.items() if len({str(x) for _, x in v}) == 1 or k in t.values}
    t.__dict__["_loose"] = out
    return out


def _names_a_column(word: str, t: TableView) -> bool:
    s = stem(word)
    return any(same(s, c) for c in column_stems(t))


def column_stems(t: TableView) -> frozenset[str]:
    """The stems of every word of the table's column names (built once per view: asked for every span)."""
    cached = t.__dict__.get("_column_stems")
    if cached is None:
        cached = t.__dict__["_column_stems"] = frozenset(stem(w) for c in t.dtypes for w in words(c))
    return cached


NAME_LIKE = 8  # a value of more words is a note or a sentence: words found inside it are not its name


def fold(text: str) -> str:
    """Lower case without accents, one character for one ("Daniël" -> "daniel"), so positions carry over."""
    return "".join(unicodedata.normalize("NFKD", ch)[0] for ch in str(text)).lower()


def _worth_searching(span: list[str], t: TableView) -> bool:
    """Two or more words that may name something inside a cell ("krisztina papp"): none of them a function or
    operation word or a column's name. One word alone ("diesel", "radio") describes more often than it names."""
    from ..coverage import operation_vocabulary

    if not span or len(span) == 1 and len(span[0]) < 3:
        return False
    col_words = column_stems(t)
    vocab = operation_vocabulary()
    return all(w.isalnum() and w not in STOP and w not in vocab and stem(w) not in col_words for w in span)


PLACE_BEFORE = {"in", "at"}  # "held in italy": a place, which a list of names in a cell ends with ("Bologna, Italy")


def _one_word_name(w: str, t: TableView) -> bool:
    """A word that may be a place's or a name's own word: three letters or more, no function, operation or column
    word."""
    from ..coverage import operation_vocabulary

    return (len(w) >= 3 and w.isalpha() and w not in STOP and w not in WORD_NUM and w not in operation_vocabulary()
            and not _names_a_column(w, t))


def _span_pattern(span: list[str]) -> re.Pattern:
    """Where a span stands inside a cell: anywhere as whole words for two or more words; one word only as a whole
    part of a cell listed with commas ("Yerevan" in "Nubarashen, Yerevan", never "rock" in "Classic rock")."""
    text = re.escape(fold(" ".join(span)))
    if len(span) > 1:
        return re.compile(rf"(?<!\w){text}(?!\w)")
    return re.compile(rf"(?:(?<=,)|(?<=,\s)){text}(?=\s*(?:,|$))|^{text}(?=\s*,)")


def _word_elsewhere(word: str, column: str, values) -> bool:
    """A word a cell of another column holds too ("USA" in "Ann Lee (USA)" and in "Aspen, USA"): which is meant?"""
    pat = re.compile(rf"(?<!\w){re.escape(fold(word))}(?!\w)")
    return any(c != column and pat.search(f) for f, c, _ in values)


def contained_hits(question: str, t: TableView, exact: list[ValueHit]) -> list[ValueHit]:
    """Words of the question found inside the text values of one column ("krisztina papp" in "Krisztina Papp
    (HUN)"): each becomes a `contains` filter on the part of the cell that matched. A span found in several
    columns is no reading to pick silently, and is left out."""
    text = question.replace("\u2019", "'")
    found_toks = list(re.finditer(r"[\w&'\-\.]+", text))
    toks = [m.group(0) for m in found_toks]
    # "$25,000" is one number, which a comparison reads; its pieces ("000") are no part of any name in a cell
    grouped = [range(m.start(), m.end()) for m in re.finditer(r"\d{1,3}(?:,\d{3})+", text)]
    taken = [any(v.start <= i < v.end for v in exact) or any(m.start() in r for r in grouped)
             for i, m in enumerate(found_toks)]
    values = [(fold(v), c, v) for vs in t.values.values() for c, v in vs if len(str(v).split()) <= NAME_LIKE]
    hits: list[ValueHit] = []
    for size in range(min(4, len(toks)), 0, -1):
        for i in range(len(toks) - size + 1):
            span = [w.strip(".?!,'\"") for w in toks[i:i + size]]
            one = size == 1 and i > 0 and toks[i - 1].lower() in PLACE_BEFORE and _one_word_name(span[0].lower(), t)
            if any(taken[i:i + size]) or not (one or _worth_searching([w.lower() for w in span], t)):
                continue
            pat = _span_pattern(span)
            found = [(c, v, m) for f, c, v in values if (m := pat.search(f))]
            if len({c for c, _, _ in found}) != 1 or size == 1 and _word_elsewhere(span[0], found[0][0], values):
                continue
            c, v, m = found[0]
            part = str(v)[m.start():m.end()]
            if not all(w[0].isupper() or w[0].isdigit() for w in part.split()):
                continue  # names are capitalised in the data ("Krisztina Papp"); "produced arsenic" describes
            hits.append(ValueHit(c, part, i, i + size, contains=True))
            taken[i:i + size] = [True] * size
    per_column = Counter(h.column for h in hits)  # two spans in one column: both or either? not ours to guess
    return [h for h in hits if per_column[h.column] == 1]


NAME_PARTS = (2, 4)  # a person's or a place's name: two to four capitalised words ("Maryam Yusuf Jamal")


def _names_by_word(t: TableView) -> dict[str, set[tuple[str, str]]]:
    """Text values written as names (two to four capitalised words, no digits), by each folded word (built once per
    view)."""
    cached = t.__dict__.get("_names_by_word")
    if cached is None:
        cached = {}
        for found in t.values.values():
            for col, val in found:
                ws = str(val).split()
                if NAME_PARTS[0] <= len(ws) <= NAME_PARTS[1] and all(w[:1].isupper() and w.isalpha() for w in ws):
                    for w in ws:
                        cached.setdefault(fold(w), set()).add((col, val))
        t.__dict__["_names_by_word"] = cached
    return cached


def name_part_hits(question: str, t: TableView, exact: list[ValueHit]) -> list[ValueHit]:
    """One word of a name said alone ("how many times did Stowers win?" for "Julia Stowers"): the one value of the
    table written as a name that holds it. Only a word the lexicon does not know ("states" is no part of "United
    States", "party" none of "New Democratic Party"); never when two values hold it (a first name two people share),
    nor when a word beside it is one more content word ("gina bellman" is not "Gina Ruberti")."""
    from ..coverage import operation_vocabulary

    toks = re.findall(r"[\w&'\-\.]+", question.replace("\u2019", "'"))
    low = [w.strip(".?!,'\"").lower() for w in toks]
    taken = [any(v.start <= i < v.end for v in exact) for i in range(len(toks))]
    vocab = operation_vocabulary()

    def bare(k: int) -> bool:  # no word there, or a function word, a column's or one a value accounts for
        return (k < 0 or k >= len(low) or taken[k] or low[k] in STOP or low[k] in vocab or not low[k].isalpha()
                or stem(low[k]) in column_stems(t))

    hits = []
    for i, w in enumerate(low):
        if taken[i] or len(w) < 4 or not w.isalpha() or not unknown_word(w) or not _worth_searching([w], t):
            continue
        found = _names_by_word(t).get(fold(w), set())
        if len(found) == 1 and bare(i - 1) and bare(i + 1):
            col, val = next(iter(found))
            hits.append(ValueHit(col, val, i, i + 1))
    return hits


TOKEN = re.compile(r"[\w&'\-\.]+")


def _tokens(text: str) -> list[str]:
    """Words as value_hits counts them, lower case without the punctuation around them."""
    return [w.lower().strip(".-'&") for w in TOKEN.findall(str(text).replace("\u2019", "'"))]


def _values_by_word(t: TableView) -> dict[str, list[tuple[str, object, list[str]]]]:
    """Text values of two to NAME_LIKE words, by each of their words (built once per view); a number in them is a
    word of its own ("Division 1"), never part of one ("5:56.21", "4x100m")."""
    cached = t.__dict__.get("_by_word")
    if cached is None:
        cached = {}
        for found in t.values.values():
            for col, val in found:
                ws = _tokens(val)
                if 2 <= len(ws) <= NAME_LIKE and all(w.isalpha() or w.isdigit() for w in ws):
                    for w in set(ws):
                        cached.setdefault(w, []).append((col, val, ws))
        t.__dict__["_by_word"] = cached
    return cached


def misspelt_hits(question: str, t: TableView, exact: list[ValueHit]) -> list[ValueHit]:
    """A value of two or more words said with one word misspelt ("solider field" for "Soldier Field"): every other
    word as the cell has it, the misspelt one (5+ letters, not a function word) one letter off, and no other value
    of the table as close to that span."""
    from ..coverage import _typo

    toks = _tokens(question)
    free = [not any(v.start <= i < v.end for v in exact) for i in range(len(toks))]
    index = _values_by_word(t)
    found: dict[tuple[int, int], set[tuple[str, object]]] = {}
    for i, w in enumerate(toks):
        for col, val, ws in index.get(w, []) if w not in STOP and free[i] else ():
            for j in (j for j, x in enumerate(ws) if x == w):
                a, b = i - j, i - j + len(ws)
                if a < 0 or b > len(toks) or not all(free[a:b]):
                    continue
                off = [(q, c) for q, c in zip(toks[a:b], ws, strict=True) if q != c]
                if len(off) == 1 and len(off[0][0]) >= 5 and off[0][0].isalpha() and off[0][0] not in STOP and _typo(*off[0]):
                    found.setdefault((a, b), set()).add((col, val))
    hits = []
    for (a, b), vals in sorted(found.items(), key=lambda kv: kv[0][0] - kv[0][1]):
        if len(vals) == 1 and all(free[a:b]):
            col, val = next(iter(vals))
            hits.append(ValueHit(col, val, a, b))
            free[a:b] = [False] * (b - a)
    return hits


AGG_PATTERNS = ((r"\b(average|mean|avg)\b", "avg"), (r"\bmedian\b", "median"), (r"\b(maximum|max)\b", "max"),
                (r"\b(minimum|min)\b", "min"), (r"\b(total|sum|combined|altogether|overall)\b", "sum"))


def misspelt_word_hits(question: str, t: TableView, exact: list[ValueHit]) -> list[ValueHit]:
    """A value of one word said misspelt ("Germnay" for "Germany"): a word the lexicon does not know, one letter
    off (or two neighbours swapped) exactly one value of the table."""
    from ..coverage import _typo

    toks = _tokens(question)
    free = [not any(v.start <= i < v.end for v in exact) for i in range(len(toks))]
    single = [(c, v) for vs in t.values.values() for c, v in vs if str(v).isalpha() and len(str(v)) >= 5]
    hits = []
    for i, w in enumerate(toks):
        if not free[i] or not misspelt(w) or w in value_words(t):
            continue
        near = {(c, v) for c, v in single if _typo(w, str(v).lower())}
        if len(near) == 1:
            col, val = near.pop()
            hits.append(ValueHit(col, val, i, i + 1))
    return hits


def agg_word(q: str) -> str | None:
    for pat, a in AGG_PATTERNS:
        if re.search(pat, q):
            return a
    return None

# "who is on top of the list?", "at the bottom of the chart", "which one is listed first": a place in the sheet
SHEET_PLACE = re.compile(r"\b(?:on|at|in)\s+(?:the\s+)?(top|bottom|end)\s+of\s+(?:the\s+|this\s+)?(?:list|table|chart|page|"
                         r"sheet|listing)\b|\b(?:listed|shown|appears?|appearing)\s+(?:at\s+the\s+)?(top|bottom|first|last)\b"
                         # "what is the top state in the table?": the row at the top of the sheet, no number named
                         r"|\b(top|bottom)\s+[a-z][\w'-]*\s+(?:in|on|of)\s+(?:the\s+|this\s+)?(?:list|table|chart|page|"
                         r"sheet|listing)\b")


def sheet_place(q: str) -> str | None:
    """"first" or "last" when the question names a place at the top or the bottom of the sheet; None otherwise."""
    m = SHEET_PLACE.search(q)
    if not m:
        return None
    return "first" if (m.group(1) or m.group(2) or m.group(3)) in ("top", "first") else "last"


def direction_of(q: str) -> str | None:
    q = SHEET_PLACE.sub(" ", q)  # "on top of the list" is a place in the sheet, not the top of a number
    q = re.sub(r"\bon top of\b", " above ", q)  # "on top of French Navy": the row above it
    ws = set(words(q))
    if re.search(r"\b(top|highest|most|largest|biggest|greatest|best|richest|oldest|maximum)\b", q) and not re.search(r"\b(at most|at least|most recent(?:ly)?)\b", q):
        if re.search(r"\b(most|least) (common|frequent)\b", q):
            return "max" if "most" in ws else "min"
        return "max"
    # "at least 70,000" is a comparison, not the least of anything
    lows = r"\b(bottom|lowest|least|smallest|fewest|worst|youngest|cheapest|minimum)\b"
    if re.search(lows, re.sub(r"\bat least\b", "", q)):
        return "min"
    return None

def top_k(q: str) -> int:
    m = re.search(r"\b(top|bottom|first|last|highest|lowest|largest|smallest)\s+(\d+|" + "|".join(WORD_NUM) + r")\b", q) or \
        re.search(r"\b(\d+|" + "|".join(WORD_NUM) + r")\s+(highest|lowest|largest|smallest|biggest|most|least|top|best|worst)\b", q)
    if not m:
        return 1
    tok = m.group(2) if m.group(1) in ("top", "bottom", "first", "last", "highest", "lowest", "largest", "smallest") else m.group(1)
    return int(tok) if tok.isdigit() else WORD_NUM.get(tok, 1)

def unnamed_periods(qw: list[str], chits: list) -> str:
    """The question's words without a period word said as part of a column's name ("total monthly fee" for
    Monthly Fee): that word names the column, and asks for no figure per month."""
    def in_name(i: int) -> bool:
        for h in chits:
            cw = [stem(w) for w in words(h.column)]
            if len(cw) > 1 and stem(qw[i]) in cw and any(0 <= j < len(qw) and stem(qw[j]) in cw and qw[j] != qw[i]
                                                          for j in (i - 1, i + 1)):
                return True
        return False
    return " ".join(w for i, w in enumerate(qw) if not (w in BUCKET_WORDS and in_name(i)))


def bucket_of(q: str) -> str | None:
    for w in words(q):
        if w in BUCKET_WORDS and w not in ("year", "years", "day", "days") or w in ("monthly", "yearly", "quarterly", "weekly", "daily"):
            return BUCKET_WORDS[w]
    m = re.search(r"\b(by|per|each|over) (year|day|years|days)\b", q)
    return BUCKET_WORDS[m.group(2)] if m else None

# the last word of a name says what it measures: a "Unit price" is a price (of each unit), which adds up to nothing
PER_UNIT_HEADS = {"price", "rate", "ratio", "average", "avg", "mean", "percent", "percentage", "pct", "share"}


def default_agg(col: str) -> str:
    ws = words(col)
    if ws and ws[-1] in PER_UNIT_HEADS:
        return "avg"
    return "sum" if any(stem(w) in ADDITIVE or w in ADDITIVE for w in ws) else "avg"

SEQUENCE_WORDS = {"year", "yr", "season", "rank", "no", "number", "id", "code", "episode", "round", "week", "pos",
                  "position", "place", "seed", "pick", "edition"}


LABEL_ENDINGS = {"id", "no", "number", "code", "rank", "pos", "position", "place", "seed", "pick", "year", "season"}


def not_a_quantity(t: TableView, col: str) -> bool:
    """A number column that labels rows rather than measuring them (a year, a rank, an episode number, a running
    index): summing it is meaningless, so "how many years" counts rows."""
    ws = words(col)
    # "Year", "Season", "Invoice Number", "Episode No": a label; "Years since divergence": a quantity
    if ws and ((len(ws) == 1 and ws[0] in SEQUENCE_WORDS) or ws[-1] in LABEL_ENDINGS):
        return True
    if t.roles.get(col) == "id":  # decided at ingest (core.roles): an id, a code, a running number
        return True
    p = t.profiles.get(col, {})
    lo, hi = p.get("min"), p.get("max")
    if lo is None or hi is None or t.dtypes.get(col) != "integer":
        return False
    return 1800 <= lo and hi <= 2100 or running_number("integer", p)  # a year, or every row its own number


# words for a row of a sheet: "the number of sales lines" counts lines, whatever the sales are
ROW_WORDS = {"line", "lines", "row", "rows", "record", "records", "entry", "entries"}


def counted_head(q: str, m: re.Match) -> str:
    """The noun a "how many"/"number of" match counts: its next word, or the word of a sheet's rows that follows
    it ("sales lines", "order rows": lines and rows)."""
    after = re.match(r"\s+([a-z]+)", q[m.end():])
    return after.group(1) if after and after.group(1) in ROW_WORDS else m.group(m.lastindex)


def counts_a_measure(q: str, col: str, t: TableView | None = None) -> bool:
    """'how many units' sums Units Sold; 'how many orders' counts rows; so do 'how many years' (a year column
    labels rows) and 'how many second tops were under 200' (the column is the condition)."""
    m = re.search(r"\b(how many|number of)\s+([a-z']+)", q)
    # "how many sum's names": what is counted follows the possessive (names), the owner only says whose
    owned = re.match(r"\s+([a-z]+)", q[m.end():]) if m and m.group(2).endswith("'s") else None
    said = (owned.group(1) if owned else counted_head(q, m)) if m else ""
    noun = stem(said) if m else ""
    # a two-row header's parent ("Property / Bedrooms") heads several columns: it names none of them
    own = words(str(col).split(" / ")[-1])
    named = bool(m) and any(same(noun, stem(w)) for w in own) and (noun not in ROW_NOUNS or _counts_held(noun, own, t))
    if named and t is not None and _each_row_one(said, own, col, t):
        return False
    kind = table_kind(t) if m and t is not None else None
    named = named or bool(kind) and stem(m.group(2)) == kind[0] and col == kind[1]  # "how many medals": Total
    named = named or bool(m) and _won_contests(q[m.start(2):], own)  # "the number of races won": Wins
    # "how many tickets were sold" where a row is an order of several: the quantity column
    named = named or t is not None and col == quantity_column(t) and _units_sold_at(words(q), t) is not None
    if not named or t is None:
        return named
    compared = re.search(r"\b(over|under|above|below|more than|less than|fewer than|greater than|at least|at most)\b",
                         q[m.end():])
    # "how many bookings" beside Booking value: an amount of money (or a rate) is no count of the things named
    amount = t.roles.get(col) in ("money", "ratio", "percent", "rate")
    return not not_a_quantity(t, col) and not compared and not amount


def _won_contests(said: str, own: list[str]) -> bool:
    """"number of races won" with a Wins column: the contests counted are those won, which the column tallies."""
    said_words = words(said)
    return len(said_words) > 1 and stem(said_words[0]) in CONTESTS and stem(said_words[1]) in CONTESTED \
        and any(stem(w) == stem(said_words[1]) for w in own)


def _each_row_one(said: str, own: list[str], col: str, t: TableView) -> bool:
    """"how many results were flagged high" with a Result column of measurements (4.2, 109.7): the column is
    named in the singular and holds fractions, no count of things, so the plural names the rows, one result each."""
    singular = any(w == stem(w) and w not in SYNONYMS and same(stem(said), w) for w in own)
    return said.endswith("s") and said != stem(said) and singular and t.dtypes.get(col) == "number"


def _counts_held(noun: str, own: list[str], t: TableView | None) -> bool:
    """"how many students" with a Students Enrolled column in a table of schools: the column holds the count (its
    name says the noun in the plural) and no text column names the noun, so the rows are not those things."""
    plural = any(w not in SYNONYMS and w != stem(w) and same(noun, stem(w)) for w in own)  # not "revenue" (sale)
    return plural and t is not None and not any(same(noun, stem(w)) for c in t.texts() for w in words(c))


def plural_mention(q: str, col: str, t: TableView | None = None) -> bool:
    """"how many regions" of a Region column: the noun counted names the column, or (with the table) is of the
    family of its name ("how many nations" of a Nationality column: the different nations its rows are of)."""
    m = re.search(r"\b(how many|number of)\s+(?:different\s+|distinct\s+|unique\s+)?([a-z' ]+)", q)
    if m and m.group(2).startswith("times "):
        return False  # "how many times is attendance over 30,000": occurrences, never a column of times
    said = words(m.group(2))[:3] if m else []
    if t is not None and said and family_column(stem(said[0]), t) == col:
        return True
    return any(same(stem(w), stem(c)) for w in said for c in words(col))

# "number of asset types", "how many different kinds of vehicles": the kinds, not the things of those kinds
KIND_COUNT = re.compile(r"\b(?:how many|number of)\s+(?:different\s+|distinct\s+|unique\s+)?(?:([a-z]+)\s+)?"
                        r"(types|kinds|sorts|categories|classes|varieties)\b(?:\s+of\s+([a-z]+))?")
KIND_NOUNS = {"types": "type", "kinds": "kind", "sorts": "sort", "categories": "category", "classes": "class",
              "varieties": "variety"}


def counts_kinds(q: str, col: str) -> bool:
    """"number of asset types" of a Type column: the kinds counted are its values, so its rows are no reading."""
    m = KIND_COUNT.search(q)
    return bool(m) and KIND_NOUNS[m.group(2)] in words(col)


# columns named for what each row has rather than what it is ("Nationality", "Affiliation"): their values are things
# of another kind (nations, parties), so "how many nations" counts the different values, and never the rows
PROPERTY_NAMES = {"nationality", "affiliation", "citizenship"}


def counts_values_only(q: str, col: str, t: TableView) -> bool:
    """"how many nations participated" of a Nationality column: the noun counted names the column only by its
    family, and the column is a property of each row (PROPERTY_NAMES), so a count of its rows is no reading."""
    m = re.search(r"\b(?:how many|number of)\s+([a-z]+)", q)
    return (bool(m) and any(w in PROPERTY_NAMES for w in words(col)) and not plural_mention(q, col)
            and plural_mention(q, col, t))


# "how many more releases were on CD than on tape": the rows counted are releases, as in "how many releases"
COUNTED = re.compile(r"\b(?:how many|number of)\s+(?:different\s+|distinct\s+|unique\s+|total\s+|more\s+|fewer\s+)?([a-z]+)"
                     r"(?:\s+([a-z']+))?(?:\s+([a-z0-9']+))?")
# after "how many N", words that leave N the subject ("how many songs were produced", "how many cars in 1960"):
# "how many games did they win" makes N the object, which may be a quantity of each row, not rows
SUBJECT_NEXT = {"are", "were", "is", "was", "in", "from", "with", "listed", "that", "which", "who", "on", "at",
                "for", "between", "during", "since", "after", "before", "ever", "there", "by", "of"}
# "how many skaters have at most 2600 points" (a subject) but "how many goals have they scored" (an object)
HAVE_SUBJECT = {"at", "more", "less", "fewer", "over", "under", "above", "below", "exactly", "no", "only", "a", "an",
                "been", "never", "not"}


def _past_a_value(q: str, m: re.Match, t: TableView) -> tuple[str, str | None, str]:
    """The noun counted and the two words after it: "how many operational vehicles are listed" counts vehicles, the
    value before the noun ("Operational", a status) saying which of them."""
    if m.group(1) not in t.values or not m.group(2):
        return m.group(1), m.group(2), m.group(3) or ""
    ws = re.findall(r"[a-z0-9']+", q[m.end(1):])[:3] + [None, ""]
    return ws[0], ws[1], ws[2] or ""


ID_HEADS = {"id", "number", "no", "num", "code", "ref", "reference"}


def counted_id(q: str, t: TableView) -> str | None:
    """"how many orders" beside an Order ID, "how many purchase orders" beside a PO Number, whose values repeat
    (a row is one line of an order): the things counted are the different ids, not the rows. The noun names
    the id column's head word ("order") or its initials ("PO"); None when no one such column repeats."""
    m = COUNTED.search(q)
    said = [w for w in (m.group(1), m.group(2)) if w] if m else []
    found = set()
    for c in t.dtypes:
        ws = words(c)
        if len(ws) < 2 or ws[-1] not in ID_HEADS or t.distinct_ratio(c) >= 0.999:
            continue
        head = ws[:-1]
        n = len(head[0]) if len(head) == 1 and len(head[0]) in (2, 3) and head[0] not in STOP else 0
        by_name = len(said) >= len(head) and all(same(stem(a), stem(b)) for a, b in zip(head, said, strict=False))
        by_initials = 0 < n <= len(said) and head[0] == "".join(w[0] for w in said[:n])
        last = said[(len(head) if by_name else n) - 1] if by_name or by_initials else ""
        if last and stem(last) != last:  # the plural noun counted, not "how many order lines"
            found.add(c)
    return found.pop() if len(found) == 1 else None


def rows_are_others(q: str, col: str, t: TableView) -> bool:
    """"how many branches" over a table of members with a unique Member ID: a row is a member, so a count of rows
    counts members, never branches; only the different values of Branch count branches. Only when the noun
    counted names the column and not what a row is ("how many rides" beside a ride_id counts rows)."""
    from ..coverage import row_entities

    m = COUNTED.search(q)
    ents = row_entities(t)
    if not (m and ents) or any(stem(w) in ents for w in words(col)):
        return False
    said = m.group(1)  # a column word or its plural exactly: "branches" is Branch, "rides" is no rider_type
    plurals = {f for w in words(col) for f in (w, w + "s", w + "es", w[:-1] + "ies")}
    return stem(said) not in ents and said in plurals


def counted_noun(q: str, t: TableView) -> str | None:
    """"how many matches were in 2011?": the plural noun counted, when no column or value of the table names
    it and it is the subject (a row of the table), not the object of another verb."""
    from ..coverage import operation_vocabulary

    m = COUNTED.search(q)
    if not m:
        return None
    noun, nxt, then = _past_a_value(q, m, t)
    if nxt in ("have", "has", "had") and (then in HAVE_SUBJECT or then.isdigit()):
        nxt = "are"
    if noun in STOP or noun in operation_vocabulary() or stem(noun) == noun or len(noun) < 4:
        return None  # a plural only: "how many more", "how many total"
    if stem(noun) in TALLY_NOUNS or stem(noun).rstrip("e") in TALLY_NOUNS:
        return None
    if any(same(stem(noun), stem(w)) for c in t.dtypes for w in words(c)):
        return None
    if any(len(w) > len(stem(noun)) >= 4 and w.startswith(stem(noun)) for c in t.dtypes for w in words(c)):
        return None  # "nations" beside a Nationality column: a row is a person of a nation, not a nation
    if noun in DEMONYMS:
        return None  # "how many germans": the rows of one nation (a value, grounded as one), not what a row is
    if family_column(stem(noun), t) is not None:
        return None  # "countries" beside a Nationality column, "teams" beside Club: that column's values
    if any(v in t.values for v in (noun, noun[:-1], noun[:-2], stem(noun))):
        return None  # "wins" where a Result column holds "Win": the rows of that value, not every row
    if nxt is not None and nxt not in SUBJECT_NEXT and not (nxt.endswith("ed") and len(nxt) > 4):
        return None
    return noun


def compound_head(qw: list[str], t: TableView, text_hits: list[ColumnHit]) -> str | None:
    """"the most common return reason" with columns Return? and Reason: the last noun of a compound is its
    head, so Reason; the modifier says whose reasons, which a column filled only on some rows records (the
    rows with a reason are the returns). None unless exactly one such pair of neighbouring words is found."""
    found = []
    for mod in text_hits:
        for head in text_hits:
            if head.column == mod.column or head.words != 1 or mod.words != 1 or head.position != mod.position + 1:
                continue
            if t.profiles.get(head.column, {}).get("nulls", 0) and qw[mod.position] not in STOP:
                found.append(head.column)
    return found[0] if len(found) == 1 else None


def group_column(q: str, qw: list[str], t: TableView, text_hits: list[ColumnHit]) -> str | None:
    if not text_hits:
        return None
    if (head := compound_head(qw, t, text_hits)) is not None:
        return head
    qs = [stem(w) for w in qw]
    for h in text_hits:
        cw = [stem(w) for w in words(h.column) if w not in STOP]
        for i, w in enumerate(qs):
            if any(same(w, c) for c in cw) or family_column(w, t) == h.column:
                prev = qw[i - 1] if i else ""
                prev2 = qw[i - 2] if i > 1 else ""
                if prev in ("by", "per", "each", "which", "what", "every", "across", "rank", "sort") \
                        or prev2 in ("by", "per", "each", "which", "what", "across", "rank", "sort") \
                        and not _cue_taken(prev, h.column, t) or re.match(r"\d+|top|bottom", prev) \
                        or re.match(r"top|bottom", prev2):
                    if prev == "all" or prev2 == "all" and prev != "by" or _compared_number(qw, i):
                        continue
                    col = _exactly_named(w, t, text_hits, h.column)
                    if col is None and prev == "per" and _names_the_rows(w, t):
                        continue  # "avg units per pick" on a pick log: per row, not one figure per Picker
                    _named_alone(qs, t, col or h.column, w)
                    return col or h.column
    # "most common reason": the one text column named ("at least 0.005 inches" compares, it names no end)
    q = re.sub(r"\bat (?:least|most)\b", "", q)
    if re.search(r"\b(most|least) (common|frequent|popular)\b", q) or re.search(r"\b(highest|lowest|most|least)\b", q):
        return text_hits[0].column
    return None

def _cue_taken(prev: str, col: str, t: TableView) -> bool:
    """"made by phone cancelled": a value's word between "by" and the column's word completes the "by" ("by
    phone"), so the column is not grouped by; the column's own words ("by home team") leave it open."""
    return prev in value_words(t) and not any(same(stem(prev), stem(w)) for w in words(col))


def _exactly_named(w: str, t: TableView, text_hits: list[ColumnHit], col: str) -> str | None:
    """The column the stemmed word names exactly ("pick" -> Pick ID), when it only reaches `col` loosely
    ("pick" -> Picker); `col` itself when its own words hold the word; None when no column holds it."""
    if any(stem(x) == w for x in words(col)):
        return col
    return next((h.column for h in text_hits if any(stem(x) == w for x in words(h.column))), None)


def _names_the_rows(w: str, t: TableView) -> bool:
    """The stemmed word names what a row of the table is: a row noun, or a word of the table's or file's name."""
    return w in ROW_NOUNS or w in {stem(x) for x in words(t.label + " " + t.file)}


COMPARED_BY = {"least", "most", "than", "over", "under", "above", "below", "exceeding", "exactly"}


def _compared_number(qw: list[str], i: int) -> bool:
    """"at least 0.005 inches", "more than 20 laps": the number before the word is a comparison, not how many
    groups ("top 5 regions")."""
    k = i - 1
    while k >= 0 and qw[k].isdigit():
        k -= 1
    return k < i - 1 and k >= 0 and qw[k] in COMPARED_BY


def _named_alone(qs: list[str], t: TableView, col: str, w: str) -> None:
    """"the number of countries in each team" with columns Team 1 and Team 2: the word names both and the question
    says neither "1" nor "2", so which one groups is a guess; a column all of whose words are said is named."""
    def said(c: str) -> bool:
        return all(any(same(stem(x), q) for q in qs) for x in words(c) if x not in STOP)

    if said(col):
        return
    rivals = [c for c in t.texts() if c != col and any(same(stem(x), w) for x in words(c)) and not said(c)]
    if rivals:
        raise CannotAnswer(f"'{w}' could be {col} or {rivals[0]} in '{t.label}': which one is meant?")


def label_column(t: TableView) -> str | None:
    texts = [c for c in t.texts() if t.dtypes[c] == "text"]
    named = [c for c in texts if "name" in words(c)]  # "Name", "Player name"; not "Athletic nickname"
    if named:
        return sorted(named, key=lambda c: -t.distinct_ratio(c))[0]
    ids = sorted(texts, key=lambda c: -t.distinct_ratio(c))
    return ids[0] if ids and t.distinct_ratio(ids[0]) >= 0.5 else (texts[0] if texts else None)

def date_column(qw: list[str], t: TableView, chits: list[ColumnHit]) -> str | None:
    for h in chits:
        if t.dtypes[h.column] in ("date", "datetime"):
            return h.column
    ds = t.dates()
    if not ds:
        return None
    return sorted(ds, key=lambda c: t.profiles.get(c, {}).get("nulls", 0))[0]

# "the first quarter of 2025", "the second half of 2024", "the last quarter of 2023": a part of that year, not the
# first (last) row; read as "q1 of 2025" / "h2 of 2024" so the words "first", "last" pick no row in time
PERIOD_PART = re.compile(r"\b(first|second|third|fourth|last|final|1st|2nd|3rd|4th)\s+(quarter|half)"
                         r"(?=\s+(?:of\s+|in\s+)?(?:the\s+year\s+)?(?:19|20)\d\d\b)")
PART_NUMBER = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
HALF = re.compile(r"\bh([12])(?=\s+(?:of\s+|in\s+)?(?:the\s+year\s+)?(?:19|20)\d\d\b)")


def period_parts(q: str) -> str:
    """The question with each ordinal quarter or half of a year written as Q1..Q4, H1..H2; unchanged otherwise
    (a "third half" is no part of a year)."""
    def part(m: re.Match) -> str:
        last = {"quarter": 4, "half": 2}[m.group(2)]
        n = last if m.group(1) in ("last", "final") else PART_NUMBER[m.group(1)]
        return m.group(0) if n > last else f"{m.group(2)[0]}{n}"
    return PERIOD_PART.sub(part, q)


ISO_DAY_AFTER = re.compile(r"\b(after|since|before)\s+((?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))\b")


def time_filters(q: str, t: TableView, date_col: str | None) -> list[Filter]:
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", q)]
    rng = re.search(r"\bbetween (19\d\d|20\d\d) and (19\d\d|20\d\d)\b|\bfrom (19\d\d|20\d\d) to (19\d\d|20\d\d)\b", q)
    out: list[Filter] = []
    decade = DECADE.search(q)
    if date_col is None:
        ycol = year_column(t)
        out = _year_column_filters(q, ycol, years, rng) if ycol else season_filters(q, t) or month_text_filters(q, t)
        return out + day_month_filters(q, t)
    if day := _day_filter(q, date_col):  # "released on dec 27 2013": that one day, not its year and month
        return [day]
    if span := _month_span(q, date_col):  # "between March 2021 and August 2021": every month in between
        return [span]
    if rng or decade:
        a, b = [int(x) for x in rng.groups() if x] if rng else (int(decade.group(1)), int(decade.group(1)) + 9)
        out.append(Filter(column=date_col, op="year", values=list(range(min(a, b), max(a, b) + 1))))
    elif m := ISO_DAY_AFTER.search(q):  # "released after 2005-02-24": that day, not its year
        op = {"after": "gt", "since": "gte", "before": "lt"}[m.group(1)]
        # cells the import could not read as dates were left empty: which side of the day they fall is unknown
        if not any(w.startswith(f"'{date_col}':") and "not real dates" in w for w in t.warnings):
            out.append(Filter(column=date_col, op=comparison(op, q, m.start()),
                              value=m.group(2) + (" 23:59:59" if op == "gt" else "")))
    elif m := re.search(r"\b(after|since)\s+(19\d\d|20\d\d)\b", q):
        y = int(m.group(2))
        op = comparison("gte" if "since" in q else "gt", q, m.start())
        out.append(Filter(column=date_col, op=op, value=f"{y}-01-01" if "since" in q else f"{y}-12-31 23:59:59"))
    elif m := re.search(r"\bbefore\s+(19\d\d|20\d\d)\b", q):
        out.append(Filter(column=date_col, op=comparison("lt", q, m.start()), value=f"{int(m.group(1))}-01-01"))
    elif years:
        out.append(Filter(column=date_col, op="year", values=sorted(set(years))))
    months = [MONTHS[w] for w in words(q) if w in MONTHS and w != "may" or (w == "may" and re.search(r"\bmay (19|20)\d\d\b|\bin may\b", q))]
    if months:
        out.append(Filter(column=date_col, op="month", values=sorted(set(months))))
    qm = re.findall(r"\bq([1-4])\b", q)
    if qm:
        out.append(Filter(column=date_col, op="quarter", values=sorted({int(x) for x in qm})))
    halves = {int(x) for x in HALF.findall(q)}
    if halves and not months:  # "h1 2025": its six months
        out.append(Filter(column=date_col, op="month", values=[m for h in sorted(halves) for m in range(6 * h - 5, 6 * h + 1)]))
    return out

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DAY_SAID = re.compile(rf"\b(?:({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?)"
                      rf",?\s+((?:19|20)\d\d)\b")


MONTH_SPAN = re.compile(rf"\b(?:between|from)\s+({_MONTH})\.?,?\s+(?:((?:19|20)\d\d)\s+)?(?:and|to|until|till|through|thru)"
                        rf"\s+({_MONTH})\.?,?\s+((?:19|20)\d\d)\b")


def _month_span(q: str, date_col: str) -> Filter | None:
    """"between March 2021 and August 2021", "from March to August 2021": one range of dates, from the first
    month's first day to the last month's last, not those two months alone; None when the span runs backwards."""
    m = MONTH_SPAN.search(q)
    if m is None:
        return None
    m1, m2, y2 = MONTHS[m.group(1)], MONTHS[m.group(3)], int(m.group(4))
    y1 = int(m.group(2)) if m.group(2) else y2
    if (y1, m1) > (y2, m2):
        return None
    end = date(y2 + m2 // 12, m2 % 12 + 1, 1).toordinal() - 1  # the day before the next month's first
    return Filter(column=date_col, op="between",
                  values=[date(y1, m1, 1).isoformat(), f"{date.fromordinal(end).isoformat()} 23:59:59"])


# the words before a day that compare with it ("shipped after March 15, 2025"): op, and whether the day's end
DAY_SIDES = [(re.compile(r"\bon or after\s+$"), "gte", False), (re.compile(r"\bon or before\s+$"), "lte", True),
             (re.compile(r"\b(?:after|later than)\s+$"), "gt", True), (re.compile(r"\b(?:since|from)\s+$"), "gte", False),
             (re.compile(r"\b(?:before|prior to|earlier than)\s+$"), "lt", False)]
# any other word of a span or a comparison: the day is one end of something this rule does not read
DAY_SPAN = re.compile(r"\b(?:between|and|to|until|till|through|thru|by|or|than|up|over|under|within)\s+$")


def _day_filter(q: str, date_col: str) -> Filter | None:
    """A day said whole, with its month and year ("dec 27 2013", "27 December, 2013"): that day, or the dates
    after, since or before it; None for two days, a day that does not exist, or a day that ends a span."""
    found = list(DAY_SAID.finditer(q))
    if len(found) != 1:
        return None
    m = found[0]
    month, day = MONTHS[m.group(1) or m.group(4)], int(m.group(2) or m.group(3))
    try:
        iso = date(int(m.group(5)), month, day).isoformat()
    except ValueError:  # "feb 30": no such day
        return None
    at = max(0, m.start() - 20)
    before = q[at:m.start()].removesuffix("the ")
    for pat, op, end in DAY_SIDES:
        if side := pat.search(before):
            return Filter(column=date_col, op=comparison(op, q, at + side.start()),
                          value=f"{iso} 23:59:59" if end else iso)
    if DAY_SPAN.search(before):
        return None
    return Filter(column=date_col, op="between", values=[iso, f"{iso} 23:59:59"])


YEAR_NAMES = {"season", "yr"}  # a column of whole years named otherwise than "Year": "Season" 1985, 1986, ...


def year_column(t: TableView) -> str | None:
    """The number column of years: one named "year", else one named a season or "yr" whose numbers are all
    years (1800 to 2100: "Season" 2000 to 2013, not "Season" 1 to 12, a count of seasons)."""
    named = next((c for c in t.numeric() if "year" in c.lower()), None)
    if named:
        return named
    found = [c for c in t.numeric() if YEAR_NAMES & set(words(c)) and _all_years(t.profiles.get(c, {}))]
    return found[0] if len(found) == 1 else None


def _all_years(p: dict) -> bool:
    lo, hi = p.get("min"), p.get("max")
    return lo is not None and hi is not None and 1800 <= lo <= hi <= 2100 and float(lo).is_integer()


def season_column(t: TableView) -> tuple[str, dict[str, tuple[int, int]]] | None:
    """The table's one text column of seasons ("2005–06", "1998/99"): nearly all its values are ranges of years."""
    cells: dict[str, dict[str, tuple[int, int]]] = {}
    total: Counter = Counter()
    for found in t.values.values():
        for c, v in found:
            total[c] += 1
            if isinstance(v, str) and (yrs := season_years(v)):
                cells.setdefault(c, {})[v] = yrs
    cols = [c for c, vs in cells.items() if len(vs) >= 2 and len(vs) >= 0.8 * total[c]]
    return (cols[0], cells[cols[0]]) if len(cols) == 1 else None


def season_filters(q: str, t: TableView) -> list[Filter]:
    """A year or a season said of a table with a column of seasons: "in 2005-2006" is the cell "2005–06"; "in 2006"
    is the one season it starts or ends, and no answer when two seasons hold it (2005–06 and 2006–07)."""
    found = season_column(t)
    if found is None:
        return []
    col, cells = found
    said = [season_years(m.group(0)) for m in SEASON.finditer(q)]
    rest = SEASON.sub(" ", q)
    out = []
    for yrs in said:
        match = [v for v, y in cells.items() if y == yrs]
        if len(match) != 1:
            return []
        out.append(match[0])
    for y in re.findall(r"\b((?:19|20)\d\d)\b", rest):
        match = [v for v, yrs in cells.items() if int(y) in yrs]
        if len(match) > 1:
            raise CannotAnswer(f"{y} could be the season {match[0]} or {match[1]} in {col}: which one is meant?")
        if not match:
            return []
        out.append(match[0])
    if not out:
        return []
    return [Filter(column=col, value=out[0])] if len(out) == 1 else [Filter(column=col, op="in", values=out)]


MONTH_CELL = re.compile(r"^([a-z]{3,9})\.?\s+((?:19|20)\d\d)$")  # "Jan 2024", "March 2025": one month of one year
YEAR_SAID = re.compile(r"\b(?:([a-z]+)\s+)?((?:19|20)\d\d)\b")
NOT_ALONE = {"after", "before", "since", "between", "and", "to", "from", "until", "till", "than", "through"}


def month_text_column(t: TableView) -> tuple[str, dict[str, int]] | None:
    """The table's one text column of months written with their year ("Jan 2024"), with each cell's year."""
    cells: dict[str, dict[str, int]] = {}
    total: Counter = Counter()
    for found in t.values.values():
        for c, v in found:
            total[c] += 1
            m = MONTH_CELL.match(norm(str(v)))
            if m and m.group(1) in MONTHS:
                cells.setdefault(c, {})[v] = int(m.group(2))
    cols = [c for c, vs in cells.items() if len(vs) >= 2 and len(vs) >= 0.8 * total[c]]
    return (cols[0], cells[cols[0]]) if len(cols) == 1 else None


def month_text_filters(q: str, t: TableView) -> list[Filter]:
    """A year said alone of a text column of months ("in 2025" beside "Jan 2025", "Feb 2025"): the months of that
    year. A year after a month is that month's cell (value_hits), and one after "before", "since" or "between" a
    comparison this does not make (it stays unused)."""
    found = month_text_column(t)
    said = [int(m.group(2)) for m in YEAR_SAID.finditer(q) if m.group(1) not in MONTHS and m.group(1) not in NOT_ALONE]
    if found is None or not said:
        return []
    col, cells = found
    vals = sorted((v for v, y in cells.items() if y in said), key=str)
    return [Filter(column=col, op="in", values=vals)] if vals else []


# "March 29", "Apr 7", "5 Sep", "12th October": a day of a month with no year, which stays text at ingest
DAY = r"\d{1,2}(?:st|nd|rd|th)?(?:\s*[-\u2013]\s*\d{1,2}(?:st|nd|rd|th)?)?"  # a day, or days of one month ("21–23")
DAY_MONTH = re.compile(rf"^(?:([a-z]{{3,9}})\.?\s+{DAY}|{DAY}\s+([a-z]{{3,9}})\.?)$")
MONTH_WORD = re.compile(rf"\b(?:{'|'.join(MONTHS)}|sept)\b")
FULL_MONTHS = [m for m in MONTHS if len(m) > 3] + ["may"]  # "in may" is the month; "may" alone a verb
# a month said alone: after "in", "of", "during" (or joined to such a month), no day after it ("in october", "in
# october 2009" where a year column holds the year; not "october 13", "did don january win" (a name), nor "before
# october", a comparison)
MONTH_ALONE = re.compile(rf"\b(?:in|of|during|throughout)\s+((?:{'|'.join(FULL_MONTHS)})(?:\s*(?:,|and|or|,\s*and|"
                         rf",\s*or)\s*(?:{'|'.join(FULL_MONTHS)}))*)\b(?!\s*,?\s*\d{{1,2}}(?:st|nd|rd|th)?\b)")


def _cell_month(v) -> int | None:
    m = DAY_MONTH.match(norm(str(v)))
    if not m:
        return None
    name = m.group(1) or m.group(2)
    return MONTHS.get(name) or (9 if name == "sept" else None)


def day_month_column(t: TableView) -> tuple[str, dict[object, int]] | None:
    """The table's one text column of days without their year ("March 29", "5 Sep", "21–23 Sep"), with each cell's
    month; none when a cell of it names a month otherwise ("30 Mar – 2 Apr": which month is it of?)."""
    cells: dict[str, dict[object, int]] = {}
    total: Counter = Counter()
    unread: set[str] = set()
    for found in t.values.values():
        for c, v in found:
            total[c] += 1
            if t.dtypes.get(c) == "text" and (k := _cell_month(v)):
                cells.setdefault(c, {})[v] = k
            elif MONTH_WORD.search(norm(str(v))):  # "30 Mar – 2 Apr", "TBA (Nov)": a month this does not read
                unread.add(c)
    cols = [c for c, vs in cells.items() if len(vs) >= 2 and len(vs) >= 0.8 * total[c] and c not in unread]
    return (cols[0], cells[cols[0]]) if len(cols) == 1 else None


def day_month_filters(q: str, t: TableView) -> list[Filter]:
    """A month said alone of a text column of days without their year ("in october" beside "October 3",
    "Oct 17"): the cells of that month. A month with a day beside it is that day's cell (value_hits)."""
    said = {MONTHS[w] for m in MONTH_ALONE.finditer(q) for w in words(m.group(1)) if w in MONTHS}
    found = day_month_column(t) if said else None
    if found is None:
        return []
    col, cells = found
    vals = sorted({v for v, k in cells.items() if k in said}, key=str)
    return [Filter(column=col, op="in", values=vals)] if vals else []


DECADE = re.compile(r"\b(1[89]\d0|20\d0)'?s\b")  # "the 1980s": 1980 to 1989


def _year_column_filters(q: str, ycol: str, years: list[int], rng) -> list[Filter]:
    """Years on a number column of years: "between 1997 and 2000" and "the 1980s" are ranges, "before 1960" and
    "after 2009" are comparisons (not the years named alone)."""
    decade = DECADE.search(q)
    if rng or decade:
        a, b = [int(x) for x in rng.groups() if x] if rng else (int(decade.group(1)), int(decade.group(1)) + 9)
        return [Filter(column=ycol, op="between", values=[min(a, b), max(a, b)])]
    side = re.search(r"\b(after|since|before|prior to)\s+(19\d\d|20\d\d)\b", q)
    if side and len(years) == 1:
        op = {"after": "gt", "since": "gte", "before": "lt", "prior to": "lt"}[side.group(1)]
        return [Filter(column=ycol, op=comparison(op, q, side.start()), value=int(side.group(2)))]
    if not years:
        return []
    return [Filter(column=ycol, op="in", values=years) if len(years) > 1 else Filter(column=ycol, value=years[0])]


# a time taken ("under 5:56:21", "2:03.01") is one number, its seconds, never the hours before the colon
NUM = r"\$?(\d{1,3}(?::[0-5]\d){1,2}(?:\.\d+)?|[\d,]+(?:\.\d+)?|" + "|".join(WORD_NUM) + r")\b"


def compared_number(n: str) -> float:
    """A compared number as written: a word ("five"), digits with separators, or a time taken, in seconds."""
    if n in WORD_NUM:
        return float(WORD_NUM[n])
    if ":" in n:
        return sum(float(x) * 60 ** i for i, x in enumerate(reversed(n.split(":"))))
    return float(n.replace(",", ""))
# comparatives of size ("longer than 100 days", "taller than 80 m") compare like "more than"; "higher" and "lower"
# are left out: on a column of places "higher" is the smaller number. "then" is the common misspelling of "than";
# a comma may follow the phrase ("got, at most, 2%"), and the column may be named between the phrase and the number
# ("at most a time of 9.72")
_THAN = r"th[ae]n"
_NAMED_BETWEEN = r",?\s+(?:(?:a|an|the)\s+[a-z][\w' ]{0,40}?\s+of\s+)?"
# "in excess of $25,000", "upwards of 300": more than the number, as "over" says
COMPARISONS = [(r"(?<!no )(?<!not )(?:over|above|more than|greater than|larger than|older than|exceeding|longer than|"
                r"in excess of|upwards of|"
                r"taller than|bigger than|heavier than|wider than|deeper than|farther than)".replace("than", _THAN)
                + _NAMED_BETWEEN + NUM, "gt"),
               (r"(?:at least|no less than|no fewer than|not less than|not fewer than|not under|not below|minimum of)"
                .replace("than", _THAN) + _NAMED_BETWEEN + NUM, "gte"),
               (r"(?<!no )(?<!not )(?:under|below|less than|fewer than|younger than|smaller than|shorter than|"
                r"lighter than|narrower than)".replace("than", _THAN) + _NAMED_BETWEEN + NUM, "lt"),
               (r"(?:at most|no more than|not more than|not over|not above|not exceeding|maximum of)".replace("than", _THAN)
                + _NAMED_BETWEEN + NUM, "lte"),
               # "eight or more goals", "four total points scored or more"
               (r"(?<![\w.])" + NUM + r"\s+(?:[a-z]+\s+){0,3}?or (?:more|greater|higher|above)\b", "gte"),
               (r"(?<![\w.])" + NUM + r"\s+(?:[a-z]+\s+){0,3}?or (?:less|fewer|lower|below)\b", "lte")]
NAMED_BETWEEN = re.compile(r"\b(?:a|an|the)\s+([a-z][\w' ]*?)\s+of\s+$")


def number_filters(q: str, t: TableView, chits: list[ColumnHit]) -> list[Filter]:
    out: list[Filter] = []
    nums = [h.column for h in chits if t.dtypes[h.column] in ("integer", "number")]
    for pat, op in COMPARISONS:
        for m in re.finditer(pat, q):
            v = compared_number(m.group(1))
            if 1900 <= v <= 2100 and float(v).is_integer() and t.dates():
                continue
            if re.match(r"\s+\d", q[m.end():]):
                continue  # "at least one 1-star review": a count of rows that have the second number, not the first
            between = NAMED_BETWEEN.search(q[m.start():m.start(1)])
            if between and not (col := _named_after(between.group(1), nums, t)):
                continue  # "over the course of 10 years": no column named, no comparison read
            if not between:
                col = _compared_column(q, m, t, nums)
            if PERCENT_AFTER.match(q[m.end():]):  # "over 10% of the vote": a share, never 10 votes
                col = col if col and _is_percent(col) else _one_percent_column(t)
                v = _on_percent_scale(v, col, t) if col else None
                col = col if v is not None else None
            if col and re.search(r"\b(?:over|above|under|below|higher|lower)\b", m.group(0)) and any(
                    stem(w) in PLACE_COLUMN_WORDS for w in words(col)):
                continue  # "above 5" or "5 or lower" on a column of places: a better place is a smaller number
            if col in t.durations:  # "longer than 7 hours" on durations read as seconds; a bare number is no time
                v = in_seconds(v, q[m.end():])
                col = col if v is not None else None
            f = Filter(column=col, op=comparison(op, q, m.start()), value=v) if col else None
            if f and (":" not in m.group(1) or _times_written_alike(m.group(1), col, t)) and f not in out:
                out.append(f)  # "at least three or more" is one comparison
    return out + _number_ranges(q, t, nums)


def _compared_column(q: str, m: re.Match, t: TableView, nums: list[str]) -> str | None:
    """The number column a compared number is about: the one its unit is written in ("80 meters"), the one named
    right after the number ("more than 20 total medals": Total), else the one named closest before the
    comparison, else the first number column named."""
    if re.search(r"older|younger", m.group(0)):
        col = next((c for c in t.numeric() if "age" in words(c)), None)
    else:
        unit = UNIT_NAMES.get(next(iter(words(q[m.end():])), "")) if t.units or t.durations else None
        durations = list(t.durations) if unit in SECONDS_IN else []  # "longer than 7 hours": the one column of them
        col = _unit_column(unit, t) or (durations[0] if len(durations) == 1 else None) or _named_after(
            q[m.end():], nums, t)
        if unit and col in t.units and cell_unit(t.units[col]) != unit:
            raise CannotAnswer(f"{col} is written in another unit ('{t.units[col]}') than the question's.")
    if col:
        return col
    before = q[: m.start()]
    cand = [(before.rfind(w), c) for c in nums for w in words(c) if before.rfind(w) >= 0]
    if not cand:
        money = [c for c, r in (t.roles or column_roles(t.dtypes, t.profiles)).items() if r == "money"]
        if m.group(0).lstrip().startswith("$") or "$" in m.group(0)[:m.start(1) - m.start()]:
            return money[0] if len(money) == 1 else None  # "won at least $400": the one column of money
        return nums[0] if nums else None
    nearest = max(cand)[0]
    tied = list(dict.fromkeys(c for pos, c in cand if pos == nearest))
    if len(tied) == 1:
        return tied[0]
    if len({re.sub(r"(?:\.\d+|\s\(\d+\))$", "", c) for c in tied}) < len(tied):
        return None  # "a score of at least 3" beside Score and Score (2) or Score.1 (a header written twice)
    # "Points" beside "Points difference": the column every word of which the question says is the one named
    full = [c for c in tied if all(w in words(q) for w in words(c) if w not in STOP)]
    return full[0] if len(full) == 1 else None


def _times_written_alike(n: str, col: str, t: TableView) -> bool:
    """A time in the question ("5:56:21") is compared only with a column of times written with as many colons
    ("5:38.62" has minutes and seconds, no hours: "5:56:21" there is another reading of the digits)."""
    cells = {str(v).strip() for vs in t.values.values() for c, v in vs if c == col and ":" in str(v)}
    return bool(cells) and all(c.count(":") == n.count(":") for c in cells)


def _unit_column(unit: str | None, t: TableView) -> str | None:
    """The one column of numbers written with the unit a compared number is given in ("at least 80 meters")."""
    cols = [c for c, cell in t.units.items() if unit and cell_unit(cell) == unit]
    return cols[0] if len(cols) == 1 else None


PERCENT_AFTER = re.compile(r"\s*(?:%|percent\b|per cent\b)")
SHARE_OF = re.compile(r"\s*(?:%|percent\b|per cent\b)\s+of\s+(?:the\s+|all\s+)*(?:total\s+)?([a-z]+)")


def share_base(q: str, col: str, filters: list[Filter]) -> bool:
    """"at most 2% of the votes" with a filter on a percentage column: the column (Votes) names what the share
    is of, it is not what the question asks for."""
    based = [m.group(1) for m in re.finditer(r"(?=" + SHARE_OF.pattern + ")", q)]
    return any(_is_percent(f.column) and f.op in ("gt", "gte", "lt", "lte") for f in filters) and any(
        same(stem(b), stem(w)) for b in based for w in words(col))
PERCENT_WORDS = {"%", "percent", "percentage", "pct", "share"}


def _is_percent(col: str) -> bool:
    return any(w in PERCENT_WORDS for w in words(col))


def _on_percent_scale(v: float, col: str, t: TableView) -> float | None:
    """A percentage as the column writes it: 10% is 0.1 in a column of fractions (cells "38%" are read as 0.38),
    10 in a column of percents (38.0); None when the column's values do not say which (all of them under 1
    and the percentage too)."""
    hi = t.profiles.get(col, {}).get("max")
    if hi is None or col in t.text_numbers:
        return v if col in t.text_numbers else None  # "38%" read as written: 38
    if hi <= 1:
        return v / 100 if v > 1 else None
    return v if hi <= 100 else None


def _one_percent_column(t: TableView) -> str | None:
    """The one number column of percentages ("Percentage", "% of votes"), which a compared share is about."""
    cols = [c for c in t.numeric() if _is_percent(c)]
    return cols[0] if len(cols) == 1 else None


BETWEEN = re.compile(r"\bbetween\s+\$?(\d[\d,]*(?:\.\d+)?)\s+and\s+\$?(\d[\d,]*(?:\.\d+)?)\b")


def _number_ranges(q: str, t: TableView, nums: list[str]) -> list[Filter]:
    """"a capacity between 6000 and 8000": the one number column named before the range (or right after it),
    both ends kept; two years are the time filters' business."""
    out = []
    for m in BETWEEN.finditer(q):
        lo, hi = sorted(float(x.replace(",", "")) for x in m.groups())
        if all(1900 <= v <= 2100 and v.is_integer() for v in (lo, hi)):
            continue
        before = q[: m.start()]
        cand = [(before.rfind(w), c) for c in nums for w in words(c) if w not in STOP and before.rfind(w) >= 0]
        col = _named_after(q[m.end():], nums, t) or (max(cand)[1] if cand else None)
        if col:
            out.append(Filter(column=col, op="between", values=[lo, hi]))
    return out

def _named_after(rest: str, nums: list[str], t: TableView) -> str | None:
    """The one number column named by the first word after a compared number ("at least 5 episodes"); a count of
    rows ("fewer than 15 employees") or a column labelling rows (Employee ID) is not it."""
    ws = [w for w in words(rest)[:2] if w not in STOP]
    if not ws:
        return None
    if stem(ws[0]) in ROW_NOUNS:  # "more than 1,000 students": a count of rows, unless a column counts them
        named = [c for c in nums if not not_a_quantity(t, c) and ws[0] in words(c) and ws[0] != stem(ws[0])]
        return named[0] if len(named) == 1 else None
    named = [c for c in nums if not not_a_quantity(t, c)
             and any(same(stem(ws[0]), stem(w)) for w in words(c) if w not in STOP)]
    return named[0] if len(named) == 1 else None


ORD = r"(" + "|".join(ORDINALS) + r"|\d{1,3}(?:st|nd|rd|th))"
# "first place", "2nd position", "ranked 5th", "came in third", "placed third or better": a place in a ranking
PLACE_PHRASES = [re.compile(rf"\b{ORD}[- ](?:place|position|placed|ranked)\b"),
                 re.compile(rf"\b(?:finish|finished|finishes|place|placed|places|ranked|ranks|came in|came|comes in|come in)"
                            rf"\s+(?:in\s+)?(?:the\s+)?{ORD}(?!\s+(?:round|half|quarter|period|season|year|time|game|"
                            rf"day|week|leg|stage|race|event|heat|set|match|film|album|single|song)\b)")]
OR_BETTER = re.compile(r"^\s+(?:place\s+|position\s+)?or\s+(better|higher|above|worse|lower|below)\b")
# "second from bottom", "third to last": a place counted from the end, not the place of that number
FROM_THE_END = re.compile(r"^\s*(?:place\s+|position\s+)?(?:from\s+(?:the\s+)?(?:bottom|last|end|foot)|to\s+(?:the\s+)?"
                          r"(?:last|bottom)|-?\s*last|bottom)\b")
PLACE_COLUMN_WORDS = {"rank", "ranking", "place", "placing", "placement", "position", "pos", "finish", "standing"}
PLACE_CELL = re.compile(r"^\s*(?:t-?|=)?\d{1,3}\s*(?:st|nd|rd|th)?\s*(?:=|\(t\))?\s*$", re.I)


def place_column(t: TableView) -> str | None:
    """The one column of places in a ranking ("Pos.", "Rank", "Position" holding 1, 2, "3rd", "T4")."""
    cols = [c for c in t.dtypes if any(stem(w) in PLACE_COLUMN_WORDS for w in words(c))]
    cols = [c for c in cols if t.dtypes[c] in ("integer", "number") or t.dtypes[c] == "text" and _holds_places(t, c)]
    return cols[0] if len(cols) == 1 else None


def _holds_places(t: TableView, col: str) -> bool:
    """Most of a text column's values are places ("1st", "3=", "12"), some may be markers ("DNF")."""
    vals = t.value_lists.get(col) or [v for found in t.values.values() for c, v in found if c == col]
    vals = [str(v) for v in vals if str(v).strip()]
    return bool(vals) and sum(bool(PLACE_CELL.match(v)) for v in vals) >= 0.5 * len(vals)


BETTER_PLACE = {"highest": "min", "best": "min", "top": "min", "higher": "min", "better": "min",
                "lowest": "max", "worst": "max", "bottom": "max", "lower": "max", "worse": "max"}


# a music chart's places: a column named so ("Peak UK", "Charts FR"), or one the question calls a place on a chart
# ("the highest spot on the UK chart" over a UK column)
CHART_COLUMN_WORDS = {"peak", "chart"}
CHART_SAID = re.compile(r"\bchart(?:s|ed)?\b")
CHART_PLACE = re.compile(r"\b(?:position|positions|spot|place|placing|peak|peaked)\b")


def chart_positions(q: str, col: str | None, t: TableView) -> bool:
    """The column holds places reached on a chart (1 is the top), so its highest place is its smallest number."""
    if col is None or not (t.dtypes.get(col) in ("integer", "number") or col in t.text_numbers):
        return False
    if any(stem(w) in CHART_COLUMN_WORDS for w in words(col)):
        return True
    return bool(CHART_SAID.search(q) and CHART_PLACE.search(q))


def place_direction(q: str, direction: str | None, measure_col: str | None, t: TableView) -> str | None:
    """"their highest place", "the best finish": on a column of places the best is the smallest number."""
    if direction is None or measure_col is None or (measure_col != place_column(t)
                                                      and not chart_positions(q, measure_col, t)):
        return direction
    said = [BETTER_PLACE[w] for w in words(q) if w in BETTER_PLACE]
    return said[0] if len(set(said)) == 1 else direction


# "placed in the top 10", "a top-3 finish": a place no lower than N
TOP_PLACES = re.compile(r"\b(?:in|into|inside|within|made|make|reached|reach)\s+the\s+top\s+(\d{1,3}|"
                        + "|".join(WORD_NUM) + r")\b(?!\s*%)|\btop[- ](\d{1,3}|" + "|".join(WORD_NUM)
                        + r")\s+(?:finish|finishes|placing|placings|placement|placements)\b")


def place_phrases(q: str) -> list[tuple[int, int, int, str]]:
    """(start, end, place, op) of each place in a ranking the question names ("third or better": 3, lte)."""
    out = [(m.start(), m.end(), int(n) if n.isdigit() else WORD_NUM[n], "lte")
           for m in TOP_PLACES.finditer(q) for n in [m.group(1) or m.group(2)]]
    for pat in PLACE_PHRASES:
        for m in pat.finditer(q):
            tok = m.group(1)
            n = ORDINALS.get(tok) or int(re.match(r"\d+", tok).group(0))
            end, op = m.end(), "eq"
            if FROM_THE_END.match(q[end:]):
                continue
            if (more := OR_BETTER.match(q[end:])) is not None:
                op = "lte" if more.group(1) in ("better", "higher", "above") else "gte"
                end += more.end()
            same_place = [p for p in out if p[0] < end and m.start() < p[1]]  # "came in first place": one place
            for p in same_place:
                out.remove(p)
            spans = same_place + [(m.start(), end, n, op)]
            out.append((min(p[0] for p in spans), max(p[1] for p in spans), n,
                        next((p[3] for p in spans if p[3] != "eq"), "eq")))
    return out


def place_filters(q: str, t: TableView, taken: list[Filter]) -> list[Filter]:
    """"who came in first place?": the rows at that place of the table's one column of places."""
    col = place_column(t)
    found = place_phrases(q)
    if col is None or len(found) != 1:
        return []
    _, _, n, op = found[0]
    if any(f.column == col and not written_place(f, n) for f in taken):
        return []  # "finished 5th" where cells read "5th": the place read as a number replaces the cell matched
    low = t.profiles.get(col, {}).get("min")
    if t.dtypes[col] in ("integer", "number") and t.profiles.get(col, {}).get("nulls") and (low is None or low > n):
        # blank places above the numbered ones (medal rows): place 1 is not written, not missing; when the blanks are
        # exactly the rows above the first number and it is the next place, place n is the sheet's n-th row
        return [Filter(column=ROW, op="eq", value=n)] if op == "eq" and blank_places_above(t, col) else []
    return [Filter(column=col, op=op, value=n, as_number=t.dtypes[col] == "text")]


def blank_places_above(t: TableView, col: str) -> bool:
    """A number column of places whose first k rows are blank, its smallest place k + 1 on the next row and no
    other row blank (medals shown as pictures above places 4, 5, ...)."""
    p, i = t.profiles.get(col, {}), list(t.dtypes).index(col)
    k, rows = p.get("nulls") or 0, t.sample_rows
    if not k or p.get("min") != k + 1 or len(rows) <= k:
        return False
    return all(r[i] is None for r in rows[:k]) and rows[k][i] == k + 1


def written_place(f: Filter, n: int) -> bool:
    """A filter on the cell that writes the place ("15th" of "placed 15th or lower"): the place phrase's own
    words, which its comparison replaces."""
    m = re.match(r"\s*(\d{1,3})(?:st|nd|rd|th)\s*$", str(f.value))
    return f.op == "eq" and m is not None and int(m.group(1)) == n


NOT_EQUAL_BEFORE = {"top", "bottom", "first", "last", "best", "worst", "than", "over", "under", "above", "below",
                    "least", "most", "next", "previous", "past", "every", "per", "within", "around", "about"}


def number_equalities(q: str, t: TableView, taken: list[Filter]) -> list[Filter]:
    """"who completed 7 laps?": a number written just before a number column's name is that column's value."""
    toks, out = words(re.sub(r"(?<=\d),(?=\d{3}\b)", "", q)), []  # "1,000 students" is one number, not 1 and 0
    for i, w in enumerate(toks[:-1]):
        nth = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", w)
        spelt = w in WORD_NUM and WORD_NUM[w] >= 2  # "three silver medals"; "one" is too often no number
        if not (nth or spelt or re.fullmatch(r"\d+(?:\.\d+)?", w)) or (i and toks[i - 1] in NOT_EQUAL_BEFORE):
            continue
        v = float(WORD_NUM[w] if spelt else nth.group(1) if nth else w)
        if v.is_integer() and 1900 <= v <= 2100:  # a year: the time filters' business
            continue
        col = next((c for c in t.numeric() if any(same(stem(toks[i + 1]), stem(cw)) for cw in words(c)
                                                  if cw not in STOP)), None)
        if nth and col and not (t.dtypes[col] == "integer" and not_a_quantity(t, col)):
            continue  # "the 10th draw" is Draw 10 when Draw numbers the rows; "the 3rd most points" is no Points
        shared = _shared_comparison(toks, i, taken)
        if col and not any(f.column == col for f in taken + out) and not (shared and toks[i - 1] == "or"):
            # "at least 1 gold and 1 silver": the comparison holds for both numbers; "did not complete 95 laps":
            # every other number of laps
            op = shared.op if shared else "ne" if any(x in NEGATIONS for x in toks[max(0, i - 3):i]) else "eq"
            out.append(Filter(column=col, op=op, value=int(v) if v.is_integer() else v))
    out += _in_a_column(toks, t, taken + out) + of_each_kind(q, t, taken + out) + _kind_total(toks, t, taken + out)
    return out + _of_a_number(q, t, taken + out) + _none_of(toks, t, taken + out)


def _kind_total(toks: list[str], t: TableView, taken: list[Filter]) -> list[Filter]:
    """"nations that took one medal", "3 medals": a number before the kind's own noun (medals, no gold or silver
    named) is the value of the kind's Total column."""
    found = table_kind(t)
    if not found or not found[1] or any(f.column == found[1] for f in taken):
        return []
    for i, w in enumerate(toks[:-1]):
        said = WORD_NUM.get(w) if w in WORD_NUM else int(w) if w.isdigit() else None
        if said is not None and stem(toks[i + 1]) == stem(found[0]) and not (i and toks[i - 1] in NOT_EQUAL_BEFORE):
            op = "ne" if any(x in NEGATIONS for x in toks[max(0, i - 3):i]) else "eq"
            return [Filter(column=found[1], op=op, value=int(said))]
    return []


OF_EACH = re.compile(r"\b(\d+|" + "|".join(WORD_NUM) + r")\s+(?:of\s+)?each\s+(?:(?:kind|type|sort)\s+of\s+)?([a-z]+)\b")


def of_each_kind(q: str, t: TableView, taken: list[Filter]) -> list[Filter]:
    """"a country that had one of each kind of medal": every column of the kind (Gold, Silver, Bronze) holds the
    number; none when one of them is compared already."""
    found, m = table_kind(t), OF_EACH.search(q)
    if not found or not m or stem(m.group(2)) != stem(found[0]):
        return []
    cols = [c for c in t.numeric() if len(words(c)) == 1 and stem(words(c)[0]) in KINDS[found[0]]]
    if any(f.column in cols for f in taken):
        return []
    v = int(compared_number(m.group(1)))
    return [Filter(column=c, value=v) for c in cols]


def _in_a_column(toks: list[str], t: TableView, taken: list[Filter]) -> list[Filter]:
    """"31,840 people in attendance", "20,000 in attendance": a number, perhaps one noun that names no column, then
    "in" and the one word naming one number column, is that column's value (a column's own word after "in" says
    which number the count is; a noun naming a column, "3 wins in the playoffs", counts another)."""
    out = []
    for i, w in enumerate(toks):
        if not re.fullmatch(r"\d+(?:\.\d+)?", w) or i and toks[i - 1] in NOT_EQUAL_BEFORE | NEGATIONS | {"or", "and"}:
            continue
        j = i + 1 if toks[i + 1:i + 2] == ["in"] else i + 2 if toks[i + 2:i + 3] == ["in"] else None
        if j is None or j + 1 >= len(toks) or j == i + 2 and (toks[i + 1] in STOP or _names_a_column(toks[i + 1], t)):
            continue
        named = toks[j + 1] if toks[j + 1] not in ARTICLES or j + 2 >= len(toks) else toks[j + 2]
        cols = [c for c in t.numeric() if named.isalpha() and [stem(x) for x in words(c) if x not in STOP] == [stem(named)]]
        v = float(w)
        if len(cols) == 1 and not 1900 <= v <= 2100 and not any(f.column == cols[0] for f in taken + out):
            out.append(Filter(column=cols[0], value=int(v) if v.is_integer() else v))
    return out


# "communities with a population of zero", "a capacity of 6,000": the column named before "of" holds the number
OF_A_NUMBER = re.compile(rf"\b(?:a|an)\s+([a-z][a-z ]{{1,40}}?)\s+of\s+{NUM}(?!\s*(?:%|percent|per cent|or\b))")


def _of_a_number(q: str, t: TableView, taken: list[Filter]) -> list[Filter]:
    """"a population of zero": equal to the number, when the words before "of" are all words of one number column's
    name and no other filter reads that column (a comparison does: "at least a time of 9.72")."""
    out = []
    for m in OF_A_NUMBER.finditer(q):
        said = [stem(w) for w in words(m.group(1)) if w not in STOP]
        cols = [c for c in t.numeric() if said and all(any(same(s, stem(w)) for w in words(c)) for s in said)]
        v = compared_number(m.group(2))
        if len(cols) == 1 and not any(f.column == cols[0] for f in taken + out) and not 1900 <= v <= 2100:
            out.append(Filter(column=cols[0], op="eq", value=int(v) if v.is_integer() else v))
    return out


COUNTED_THINGS = {stem(w) for w in TALLY_NOUNS | {m for ms in KINDS.values() for m in ms}}


def _none_of(toks: list[str], t: TableView, taken: list[Filter]) -> list[Filter]:
    """"nations that did not win gold", "the year they earned no gold medals": a column counting things (Gold,
    whole numbers from 0, none missing) named right after "no", or a negated verb, is 0 on those rows."""
    out = []
    for i, w in enumerate(toks[1:], 1):
        before = toks[max(0, i - 3):i]
        if not (toks[i - 1] == "no" or any(x in NEGATIONS for x in before[:-1]) and before[-1] not in STOP):
            continue
        # a tally (Gold, Losses) that is 0 on some rows; a place ("did not finish" with a Finish column) is never 0
        cols = [c for c in t.numeric() if t.dtypes[c] == "integer" and not not_a_quantity(t, c)
                and [stem(x) for x in words(c)] == [stem(w)] and stem(w) in COUNTED_THINGS
                and t.profiles.get(c, {}).get("min") == 0 and not t.profiles.get(c, {}).get("nulls")]
        if len(cols) == 1 and not any(f.column == cols[0] for f in taken + out):
            out.append(Filter(column=cols[0], value=0))
    return out


def _shared_comparison(toks: list[str], i: int, taken: list[Filter]) -> Filter | None:
    """The comparison of the number two words before "and"/"or" ("at least 1 gold and 1 silver"), if any."""
    if i < 3 or toks[i - 1] not in ("and", "or") or not re.fullmatch(r"\d+(?:\.\d+)?", toks[i - 3]):
        return None
    return next((f for f in taken if f.op in ("gt", "gte", "lt", "lte") and f.value == float(toks[i - 3])), None)


CMP_OPS = (("later than", "gt"), ("after", "gt"), ("greater than", "gt"), ("higher than", "gt"), ("more than", "gt"),
           ("earlier than", "lt"), ("before", "lt"), ("lower than", "lt"), ("less than", "lt"))
CMP_RE = re.compile(r"\b(" + "|".join(w for w, _ in CMP_OPS) + r")\s+(?:the\s+|their\s+|its\s+|his\s+|her\s+)?"
                    r"((?:[a-z']+\s?){1,3})")
IRREGULAR_NOUNS = {"paid": "payment", "pay": "payment", "sold": "sale", "bought": "purchase", "shipped": "ship",
                   "delivered": "delivery", "issued": "issue", "due": "due"}


def _column_at(ws: list[str], cols: list[str]) -> str | None:
    """The one column all of whose words start these words ("due date", "their issue date")."""
    found = []
    for c in cols:
        cw = [stem(w) for w in words(c) if w not in STOP]
        if cw and len(ws) >= len(cw) and all(same(stem(a), b) for a, b in zip(ws, cw, strict=False)):
            found.append(c)
    return found[0] if len(found) == 1 else None


def _named_before(before: list[str], cols: list[str], other: str) -> str | None:
    """The one comparable column the words before the comparison name, by a word of its own or the verb of it
    ("paid" -> Payment Date): the column compared with the other."""
    qs = {stem(IRREGULAR_NOUNS.get(w, w)) for w in before if w not in STOP}
    hits = [c for c in cols if c != other and any(any(same(q, stem(w)) for q in qs)
                                                  for w in words(c) if w not in GENERIC | STOP)]
    return hits[0] if len(hits) == 1 else None


def column_comparisons(q: str, t: TableView) -> list[Filter]:
    """"paid after their due date", "a payment date earlier than their issue date": one column of a row
    compared with another of the same kind (dates with dates, numbers with numbers)."""
    out = []
    for m in CMP_RE.finditer(q):
        op = dict(CMP_OPS)[m.group(1)]
        for kind in (t.dates(), t.numeric()):
            other = _column_at(words(m.group(2)), kind)
            if other is None:
                continue
            col = _named_before(words(q[: m.start()]), kind, other)
            if col is not None:
                out.append(Filter(column=col, op=comparison(op, q, m.start()), other_column=other))
            break
    return out


NOT_YET = re.compile(r"\b(?:haven't|hasn't|have not|has not|weren't|wasn't|were not|was not|not yet|never)\s+"
                     r"(?:been\s+|yet\s+)*([a-z]+)")


def not_yet_filters(q: str, t: TableView) -> list[Filter]:
    """"invoices that haven't been paid yet": the rows whose date of that event (Payment Date) is empty."""
    out = []
    for m in NOT_YET.finditer(q):
        noun = stem(IRREGULAR_NOUNS.get(m.group(1), m.group(1)))
        cols = [c for c in t.dates() if t.profiles.get(c, {}).get("nulls", 0)
                and any(same(noun, stem(w)) for w in words(c) if w not in GENERIC)]
        if len(cols) == 1:
            out.append(Filter(column=cols[0], op="is_null"))
    return out


FLAG_NAMED = 0.7  # the share of a yes/no column's name said to name it (a generic word such as "flag" aside)
YES_NO = ({"yes", "no"}, {"y", "n"}, {"true", "false"})


def flag_filters(qw: list[str], t: TableView, chits: list[ColumnHit]) -> list[Filter]:
    """"orders that were returned" with a column Return? holding Yes and No: the rows where it says yes (no
    after a negation); not when the question groups by it ("by return status") or asks whether."""
    out = []
    for h in chits:
        vals = {norm(str(v)): v for v in t.value_lists.get(h.column, [])}
        pair = next((p for p in YES_NO if set(vals) == p), None)
        # "how many gifts came in" with a column Gift Aid: a word of the name, not the column, is said
        if pair is None or h.by_synonym or h.words != 1 or h.score < FLAG_NAMED:
            continue
        before = qw[max(0, h.position - 2):h.position]
        cued = [w in ("by", "per", "each", "whether") for w in before]
        if cued[-1:] == [True] or cued[:1] == [True] and not (len(before) == 2 and _cue_taken(before[1], h.column, t)):
            continue
        yes, no = sorted(pair, key=lambda v: v not in ("yes", "y", "true"))
        out.append(Filter(column=h.column, value=vals[no if any(w in NEGATIONS for w in before) else yes]))
    return out


# "places that don't have a zip code", "drivers who did not get a bonus": the cell is empty
HAS_NOT = r"(?:doesn't|does not|don't|do not|didn't|did not)\s+(?:have|has|get|receive|list)"


def presence_filters(q: str, t: TableView, chits: list[ColumnHit]) -> list[Filter]:
    """"orders with a discount" (the cell is filled), "orders without one", "that don't have one" (it is empty)."""
    out = not_yet_filters(q, t)
    for h in chits:
        c = h.column
        if t.profiles.get(c, {}).get("nulls", 0) == 0:
            continue
        cw = "|".join(re.escape(w) for w in words(c))
        if re.search(rf"\b(without|no|missing|lacking|lacks|{HAS_NOT})\s+(an?|the|any)?\s*({cw})", q):
            out.append(Filter(column=c, op="is_null"))
        elif re.search(rf"\b(have|has|with|having)\s+(an?|the|some)?\s*({cw})(?:s|es)?\b", q):
            out.append(Filter(column=c, op="not_null"))
    return out



# "names that start with "t"", "the word "love" in the title", "owners names include the word stable": cells
# tested by a word or a letter the question quotes; (kind, what is said)
_SAID = r"[\"\u201c']?([a-z0-9][\w'&.-]*(?: [a-z0-9][\w'&.-]*){0,3}?)[\"\u201d']?"
SAID_TEXT = [(re.compile(r"\b(?:starts?|started|starting|begins?|began|beginning)\s+with\s+(?:(?:the|a|an)\s+)?"
                         r"(?:(?:letter|word)\s+)?" + _SAID + r"(?=[\s?.,!]|$)"), "start"),
             (re.compile(r"\b(?:ends?|ended|ending)\s+with\s+(?:(?:the|a|an)\s+)?(?:(?:letter|word)\s+)?" + _SAID
                         + r"(?=[\s?.,!]|$)"), "end"),
             (re.compile(r"\bthe\s+(?:word|phrase)\s+" + _SAID + r"(?=[\s?.,!]|$)"), "word"),
             (re.compile(r"\b(?:contains?|containing|contained|includes?|including|included)\s+[\"\u201c]([^\"\u201d]+)"
                         r"[\"\u201d]"), "word")]


def said_text(question: str) -> list[tuple[str, str, re.Match]]:
    """Each (kind, text, match) of a word or letter the question tests cells by (SAID_TEXT)."""
    q = question.lower().replace("\u2019", "'")
    out, spans = [], []
    for pat, kind in SAID_TEXT:
        for m in pat.finditer(q):
            if not any(a <= m.start(1) < b for a, b in spans):
                out.append((kind, fold(m.group(1)).strip(), m))
                spans.append(m.span(1))
    return out


def _cell_says(cell: str, kind: str, said: str) -> bool:
    text = fold(cell).strip(" \"'\u201c\u201d\u2018\u2019")
    if kind == "start":
        return text.startswith(said) if len(said) == 1 else bool(re.match(rf"{re.escape(said)}(?!\w)", text))
    if kind == "end":
        return text.endswith(said) if len(said) == 1 else bool(re.search(rf"(?<!\w){re.escape(said)}$", text))
    return bool(re.search(rf"(?<!\w){re.escape(said)}(?!\w)", text))


def said_text_filters(question: str, t: TableView, chits: list[ColumnHit]) -> list[Filter]:
    """"how many songs have the word "love" in the title": the rows of the one text column the question names
    whose cells hold that word (start or end with it, or the letter): every value of the column is known (the
    value index holds them all), so the filter lists the matching ones; none when no cell matches (the test is
    then left unread, and core.coverage reports its words unused)."""
    found = said_text(question)
    cols = list(dict.fromkeys(h.column for h in chits if t.dtypes.get(h.column) == "text"))
    if not found or len(cols) != 1:
        return []
    col = cols[0]
    cells = {v for vs in t.values.values() for c, v in vs if c == col}
    if not cells or len(cells) != t.profiles.get(col, {}).get("distinct"):
        return []  # values past the index (or free text): which of them match is unknown
    out = []
    for kind, said, _ in found:
        match = sorted((v for v in cells if _cell_says(str(v), kind, said)), key=str)
        if not match:
            return []
        out.append(Filter(column=col, op="in", values=match))
    return out


# "from JFK to LAX" with JFK and LAX in both Origin and Destination: the word before a value says which column
FROM_CUES = {"from", "leave", "leaves", "leaving", "left", "depart", "departs", "departing", "departed"}
TO_CUES = {"to", "into", "arrive", "arrives", "arriving", "arrived", "reach", "reaches", "reaching", "towards"}
FROM_NAMES = {"origin", "from", "departure", "depart", "source", "start", "sender", "departing"}
TO_NAMES = {"destination", "dest", "to", "arrival", "arrive", "target", "end", "recipient", "arriving"}


def _pick_column(found: list[tuple[str, object]], question: str, t: TableView,
                 before: list[str] = ()) -> tuple[str, object]:
    """A value in several columns: the column named in the question, or the one the word before it points to
    ("from X": an Origin column, "to X": a Destination column); else the one with fewer values, unless the value
    sits in two columns of the same values (Origin and Destination, Home and Away): then the question must say."""
    if len(found) == 1:
        return found[0]
    qs = [stem(w) for w in words(question)]
    for col, val in found:
        if any(same(stem(w), q) for w in words(col) for q in qs):
            return col, val
    cue = FROM_NAMES if set(before[-1:]) & FROM_CUES else TO_NAMES if set(before[-1:]) & TO_CUES else set()
    pointed = [(c, v) for c, v in found if cue & set(words(c))]
    if len(pointed) == 1:
        return pointed[0]
    if _shared_values(t, [c for c, _ in found]):
        names = " and ".join(dict.fromkeys(c for c, _ in found))
        raise CannotAnswer(f"'{found[0][1]}' is a value of {names} in '{t.label}', and the question does not say "
                           "which one it means.")
    return sorted(found, key=lambda cv: t.profiles.get(cv[0], {}).get("distinct", 0))[0]


def _shared_values(t: TableView, cols: list[str]) -> bool:
    """Two of the columns hold mostly the same values (a route's ends, a match's two sides)."""
    sets = [set(map(norm, t.value_lists.get(c) or [])) for c in dict.fromkeys(cols)]
    sets = [s for s in sets if s]
    return any(len(a & b) >= 0.5 * min(len(a), len(b)) for i, a in enumerate(sets) for b in sets[i + 1:])


def alias_of(m: Measure) -> str:
    """The name a measure's column has in the result."""
    from ..plan import _measure_name

    return m.alias or _measure_name(m)




@dataclass(frozen=True)
class Grounded:
    """One question read against one table: every piece a shape rule may build a plan from."""
    question: str
    q: str  # normalised
    qw: list[str]
    t: TableView
    chits: list[ColumnHit]
    vhits: list[ValueHit]
    by_col: dict[str, list]  # column -> values the question names
    filters: list[Filter]
    date_col: str | None
    numeric_hits: list[ColumnHit]
    text_hits: list[ColumnHit]
    date_hits: list[ColumnHit]
    agg: str | None
    direction: str | None
    k: int
    measure_col: str | None
    group_col: str | None
    row_noun: str | None
    score: float
    bucket: str | None
    how_many: bool
    distinct: bool
    value_cols: set[str] = field(default_factory=set)

    def plan(self, **kw) -> Plan:
        """A plan on this table with the question's filters (unless `filters` is given)."""
        return Plan(**{"table": self.t.sql_name, "filters": self.filters, **kw})

    def planned(self, plan: Plan, shape: str, **kw) -> Planned:
        return Planned(plan, self.t, shape, self.row_noun, score=kw.pop("score", self.score), **kw)

    def measure(self, default_count: bool = False) -> Measure:
        """The measure the question names (its aggregate word, else the column's default), or a row count."""
        if self.measure_col is None or default_count:
            return Measure(agg="count")
        a = self.agg if self.agg in ("sum", "avg", "median", "min", "max") else default_agg(self.measure_col)
        if self.agg is None and HOW_MUCH.search(self.q) and self.t.roles.get(self.measure_col) in ("money", "count"):
            a = "sum"  # "how much was awarded in 2024": an amount over rows is their total, never their average
        return Measure(agg=a, column=self.measure_col)


# "average daily rainfall", "mean monthly output": the mean of each period's figure, one number
PERIODLY_AVERAGE = re.compile(r"\b(?:average|mean|typical)\s+(daily|weekly|monthly|quarterly|yearly|annual)\b")
PERIOD_OF = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter", "yearly": "year",
             "annual": "year"}
HOW_MUCH = re.compile(r"\bhow much\b(?!\s+(?:more|less|higher|lower|bigger|smaller|larger|longer|shorter)\b)")
# superlatives of a dimension: adjective -> (words of the columns it measures, the end it picks); "fastest" is the
# least time taken
DURATION_FAMILY = {"length", "duration", "time", "runtime"}
DIMENSIONS = {"tallest": ({"height"}, "max"), "longest": ({"length", "duration", "time", "runtime"}, "max"),
              "shortest": ({"height", "length", "duration", "runtime"}, "min"),
              "farthest": ({"distance", "mark", "throw"}, "max"), "furthest": ({"distance", "mark", "throw"}, "max"),
              "fastest": ({"time"}, "min"), "quickest": ({"time"}, "min"), "slowest": ({"time"}, "max")}
DIMENSION_WORD = re.compile(r"\b(" + "|".join(DIMENSIONS) + r")\b(?:\s+([a-z][\w'-]*))?")
# comparatives of a dimension, as DIMENSIONS: "which is taller, A or B" compares Height, "who finished sooner" the
# least time; a comparative whose dimension no one column measures says nothing about which number it compares
COMPARED_DIMENSIONS = {"taller": ({"height"}, "max"), "shorter": ({"height", "length", "duration", "runtime"}, "min"),
                       "longer": ({"length", "duration", "runtime"}, "max"), "wider": ({"width"}, "max"),
                       "narrower": ({"width"}, "min"), "heavier": ({"weight"}, "max"), "lighter": ({"weight"}, "min"),
                       "deeper": ({"depth"}, "max"), "shallower": ({"depth"}, "min"),
                       "farther": ({"distance"}, "max"), "further": ({"distance"}, "max"),
                       "sooner": ({"time"}, "min"), "faster": ({"time"}, "min"), "quicker": ({"time"}, "min"),
                       "slower": ({"time"}, "max")}


def compared_dimension(qw: list[str], t: TableView) -> tuple[str, str] | None:
    """"taller than X", "which is wider": (the one number column the question's one comparative of a dimension
    measures, the end it prefers); None without one, or with none or several such columns."""
    said = {w for w in qw if w in COMPARED_DIMENSIONS}
    if len(said) != 1:
        return None
    family, end = COMPARED_DIMENSIONS[said.pop()]
    found = dimension_columns(family, t)
    return (found[0], end) if len(found) == 1 else None


def dimension_columns(family: set[str], t: TableView) -> list[str]:
    """The table's number columns named by a word of the dimension's family ("Height (m)" for height); a time of
    day ("Departure time": "05:00") is a moment, no length of time. A family of durations with no column named
    by it measures the table's one column of durations ("the shortest flight": its Duration, written "2h 05m")."""
    stems = {stem(f) for f in family}
    found = [c for c in t.numeric() if c not in t.clocks and any(stem(w) in stems for w in words(c))]
    if not found and family & DURATION_FAMILY and len(t.durations) == 1:
        return list(t.durations)
    return found


def dimension_column(q: str, t: TableView) -> tuple[str, str] | None:
    """"the tallest building", "the fastest time": (the table's one number column the adjective measures, the end
    it picks); None without one such adjective or with none or several such columns."""
    said = {m.group(1) for m in DIMENSION_WORD.finditer(q)}
    if len(said) != 1:
        return None
    family, end = DIMENSIONS[said.pop()]
    found = dimension_columns(family, t)
    return (found[0], end) if len(found) == 1 else None


# "where was the last game held?": the words a column of where things happened is named by
WHERE_WORDS = {"venue", "location", "site", "stadium", "arena", "city", "town", "ground"}
WHERE_RANKED = re.compile(r"\b(finish|finished|finishes|place|placed|rank|ranked|position|stand|standing|come|came|"
                          r"end|ended|chart|charted|peak|peaked)\b")


def where_column(t: TableView) -> str | None:
    """The table's one text column of where things happened ("Venue", "Location"), which "where ...?" asks for."""
    cols = [c for c in t.texts() if t.dtypes[c] == "text" and any(stem(w) in WHERE_WORDS for w in words(c))]
    return cols[0] if len(cols) == 1 else None


def _hits(question: str, qw: list[str], t: TableView, route: dict) -> tuple[list[ColumnHit], list[ValueHit]]:
    """Columns and values the question names; words that belong to a matched value do not also name columns."""
    chits = column_hits(qw, t)
    vhits = value_hits(question, t)
    value_words = set()
    raw_toks = re.findall(r"[\w&'\-\.]+", question.replace("\u2019", "'"))
    for v in vhits:
        value_words |= {stem(w) for w in words(" ".join(raw_toks[v.start : v.end]))}
    qs = [stem(w) for w in qw]
    # a column whose words in the question all belong to a matched value ("Days Overdue" by "overdue invoices"
    # when "Overdue" is a status) is not named by them
    chits = [h for h in chits if not _inside_values(h.column, qs, value_words)]
    q = norm(question)
    quantities = [h for h in chits if t.dtypes[h.column] in ("integer", "number") and not not_a_quantity(t, h.column)]
    if not quantities and (money := _money_column(qw, t)):  # before "Invoice Number", which labels rows
        chits.insert(0, ColumnHit(money, 0.5, 1, len(qw)))
    if not quantities and len(t.durations) == 1 and {"time", "duration"} & set(qw) and agg_word(q):
        # "the average flight time" beside a Departure time of clock times: the table's one column of durations
        chits.insert(0, ColumnHit(next(iter(t.durations)), 0.5, 1, len(qw), by_synonym=True))
    # "where did she finish?" asks for a place in a ranking, not a venue
    where = where_column(t) if re.match(r"^where\b", q) and not WHERE_RANKED.search(q) else None
    if where and not any(h.column == where for h in chits):  # "where was the last game held?": its Venue
        chits.append(ColumnHit(where, 0.5, 1, 0, by_synonym=True))
    dim = dimension_column(q, t)
    if dim and not any(h.column == dim[0] for h in chits):  # "the tallest building": its Height
        chits.append(ColumnHit(dim[0], 0.5, 1, len(qw), by_synonym=True))
    if not any(t.dtypes[h.column] in ("integer", "number") for h in chits) and (agg_word(q) or direction_of(q)):
        # no number column named by its words: the one the index finds by meaning ("compensation" -> Salary)
        by_meaning = next((c for (tn, c), sc in route["columns"]
                           if tn == t.sql_name and t.dtypes.get(c) in ("integer", "number") and sc >= 0.4), None)
        if by_meaning:
            chits.append(ColumnHit(by_meaning, 0.5, 1, len(qw)))
    return chits, vhits


def _matched_words(column: str, qw: list[str]) -> list[tuple[str, str]]:
    """(question word, column word) for each word of the column's name the question says, the first match each."""
    out = []
    for w in (w for w in words(column) if w not in STOP):
        q = next((q for q in qw if same(_month3(stem(q)), _month3(stem(w)))), None)
        if q is not None:
            out.append((q, w))
    return out


def _weakly_named(h: ColumnHit, qw: list[str], t: TableView, row_noun: str | None) -> bool:
    """A number column the question reaches only through another word's form: "the most claims" in a table of
    claims names the rows, not Claimed amount ("claims" and "claimed" differ); "total units" names no Unit price
    (a plural is no modifier: it would say "unit"). Such a column is no measure the question names."""
    if t.dtypes.get(h.column) not in ("integer", "number"):
        return False
    own = [(q, w) for q, w in _matched_words(h.column, qw) if stem(w) not in GENERIC]
    if len(own) != 1:
        return False
    q, w = own[0]
    if q == row_noun and q.endswith("s") and not q.endswith("'s") and stem(q) != stem(w):
        return True  # a plural noun of the rows ("picks"), not a verb ("ranked" in a file named "ranked")
    heads = [c for c in words(h.column) if c not in STOP]
    plural = q not in SYNONYMS and q.endswith("s") and not q.endswith("'s") and stem(q) == w
    return plural and len(heads) > 1 and w != heads[-1]


QUANTITY_WORDS = {"unit", "units", "piece", "pieces", "quantity", "quantities"}


def _measure_words(chits: list[ColumnHit], qw: list[str], t: TableView, row_noun: str | None) -> list[ColumnHit]:
    """The columns named, without number columns reached only through another word's form, and with the table's
    quantity column when "units" names no number column."""
    chits = [h for h in chits if not _weakly_named(h, qw, t, row_noun)]
    qty = _quantity_column(qw, t, chits)
    return [qty, *chits] if qty is not None else chits


SOLD_VERBS = {"sell", "sells", "sold", "selling", "buy", "buys", "bought", "purchase", "purchased", "purchases"}
AUXILIARIES = {"did", "do", "does", "were", "was", "are", "is", "have", "has", "had", "will", "would", "got", "get"}


def _units_sold_at(qw: list[str], t: TableView) -> int | None:
    """"how many tickets did Jazz Night sell", "how many (more) seats were sold": the position of the noun counted
    when it is what was sold (the object: an auxiliary follows it, a verb of selling comes later), not a column's
    own name ("how many products did they sell" with a Product column: different products or units?), nor who
    bought ("how many customers bought")."""
    at = next((i + 2 for i in range(len(qw) - 2) if qw[i] == "how" and qw[i + 1] == "many"), None)
    if at is not None and at < len(qw) and qw[at] in ("more", "fewer", "less"):
        at += 1
    if at is None or at + 1 >= len(qw) or qw[at + 1] not in AUXILIARIES or not SOLD_VERBS & set(qw[at + 2:]):
        return None
    noun = stem(qw[at])
    if any(same(noun, stem(words(c)[-1])) for c in t.dtypes if words(c)):
        return None
    return at


def _quantity_column(qw: list[str], t: TableView, chits: list[ColumnHit]) -> ColumnHit | None:
    """"the most units sold" with a Qty column and no number column named by "units": the table's one column of
    quantities (named "Qty" or "Quantity"), as a word of its own family; so is the thing sold in "how many
    tickets were sold" (rows there are orders of several tickets each)."""
    at = next((i for i, w in enumerate(qw) if w in QUANTITY_WORDS), None)
    if at is None:
        at = _units_sold_at(qw, t)
    if at is None or any(t.dtypes[h.column] in ("integer", "number") for h in chits):
        return None
    col = quantity_column(t)
    return ColumnHit(col, 0.5, 1, at, by_synonym=True) if col else None


def quantity_column(t: TableView) -> str | None:
    """The table's one number column named a quantity ("Qty", "Quantity"), if it has exactly one."""
    cols = [c for c in t.numeric() if any(stem(w) == "quantity" for w in words(c)) and not not_a_quantity(t, c)]
    return cols[0] if len(cols) == 1 else None


def _inside_values(column: str, qs: list[str], value_words: set[str]) -> bool:
    """Every word of the question naming the column is part of a matched value (none: named otherwise)."""
    named = {c for c in (stem(w) for w in words(column)) if any(same(c, q) for q in qs)}
    return bool(named) and named <= value_words


def _money_column(qw: list[str], t: TableView) -> str | None:
    """"which customer owes the most", "total billing": the one number column of money ("Amount"), when a verb
    of money owed or charged names no column itself."""
    if not any(w in MONEY_VERBS for w in qw) and not (any(w in MONEY_NOUNS for w in qw) and t.roles):
        return None
    money = [c for c in t.numeric() if any(stem(w) in MONEY_COLUMNS for w in words(c)) and not not_a_quantity(t, c)]
    if any(w in MONEY_NOUNS for w in qw) and not any(w in MONEY_VERBS for w in qw):
        if any(i and w in MONEY_NOUNS and _spans_rows(qw[i - 1], t) for i, w in enumerate(qw)):
            return None  # "the average order value" over order lines: an order's value is several rows' total
        # "total spend": an amount of money (a price per unit, a rate, is no amount spent)
        money = [c for c in money if t.roles.get(c) == "money" and default_agg(c) == "sum"]
    return money[0] if len(money) == 1 else None


def _spans_rows(word: str, t: TableView) -> bool:
    """The word names a thing whose id repeats over rows ("order" beside an Order ID of several lines each)."""
    return any(is_id_name(c) and stem(word) in {stem(w) for w in words(c)} and t.distinct_ratio(c) < 1
               for c in t.dtypes)


def _table_score(qw: list[str], t: TableView, chits, vhits, route: dict, n_tables: int) -> tuple[float, str | None]:
    """How well the table fits the question, and the word naming what a row is ("employees")."""
    score = 3 * len(vhits) + sum(2 * h.score for h in chits)
    name_words = {stem(w) for w in words(t.label + " " + t.file)}
    games = game_nouns(t)
    row_noun = next((w for w in qw if stem(w) in ROW_NOUNS or stem(w) in name_words or stem(w) in games), None)
    row_noun = row_noun or counted_noun(norm(" ".join(qw)), t)
    if any(stem(w) in name_words for w in qw if w not in STOP):
        score += 1
    if t.kind == "pivot":
        score -= 2
    rank = {tn: i for i, (tn, _) in enumerate(route["tables"])}
    if n_tables > 1 and t.sql_name in rank and not route.get("partial"):
        score += max(0.0, 1.5 - 0.5 * rank[t.sql_name])  # the index's best guess breaks ties
    return score, row_noun


LIST_SEP = re.compile(r"\s*(?:,|/|;|&|\+|\band\b)\s*")


def _listed_with_others(t: TableView, col: str, val) -> str | None:
    """A cell of the column that lists the value among others ("Copiah, Simpson" beside "Copiah"), if one does."""
    key = norm(str(val))
    return next((str(v) for k, cells in t.values.items() if k != key for c, v in cells
                 if c == col and key in LIST_SEP.split(k)), None)


def _value_filter(t: TableView, col: str, vals: list) -> Filter:
    """The rows holding the named values, in every spelling the column has ("New" and "new"); a value that some
    cells list among others is no filter to pick silently (those cells too, or not?)."""
    for val in vals:
        if (listed := _listed_with_others(t, col, val)) is not None:
            raise CannotAnswer(f"'{val}' is in {col} alone and also among others ('{listed}'): should rows "
                               f"like '{listed}' count too?")
    spelled = [v for val in vals for c, v in t.values.get(norm(str(val)), [(col, val)]) if c == col] or list(vals)
    spelled = list(dict.fromkeys(spelled))
    return Filter(column=col, op="eq", value=spelled[0]) if len(spelled) == 1 else Filter(column=col, op="in",
                                                                                          values=spelled)


JOINS = re.compile(r"[,&/;]|\b(or|and|nor|than|vs|versus|both|either|neither|between|compared|against|to|with)\b")


def _joined(question: str, t: TableView, by_col: dict[str, list]) -> None:
    """Two values of one column the question never joins ("how often is ASTM D 638 listed as the test method"
    where a header row left "Test method" among the cells): one of them is likely no value at all."""
    for col, vals in by_col.items():
        vals = list(dict.fromkeys(norm(str(v)) for v in vals))
        if len(vals) > 1 and not JOINS.search(question.lower()):
            raise CannotAnswer(f"'{vals[0]}' and '{vals[1]}' are both values of {col} in '{t.label}', and the "
                               "question does not say how they go together: which one is meant?")


NOT_BEFORE = {"not", "except", "excluding", "besides", "non", "exclude", "neither"}
NOT_PHRASES = {("other", "than"), ("apart", "from"), ("outside", "of"), ("rather", "than"), ("not", "from"),
               ("not", "in"), ("not", "by"), ("not", "at"), ("not", "on"), ("aside", "from"), ("except", "for"),
               ("exception", "of")}
ARTICLES = {"a", "an", "the"}
# what may stand between two values one negation excludes together: "not Aprilia or a Honda", "other than A, B and C"
NEGATION_LIST = {"or", "and", "nor", ",", "a", "an", "the"}


def _excludes(before: list[str]) -> bool:
    """The words before a value make it one to exclude ("not friendly", "other than Hungary", "not a yacht",
    "other than the S3300")."""
    while before and before[-1] in ARTICLES:
        before = before[:-1]
    return bool(before) and (before[-1] in NOT_BEFORE or tuple(before[-2:]) in NOT_PHRASES)


def _tokens(question: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[\w&'\-\.]+|,", question.replace("\u2019", "'"))]


def _negated(question: str, v: ValueHit) -> bool:
    """"competitions that were not friendly", "countries other than Hungary": the value is excluded, not kept."""
    return _excludes([w for w in _tokens(question) if w != ","][:v.start])


def negated_values(question: str, vhits: list[ValueHit]) -> list[ValueHit]:
    """The values a negation excludes: each one after it, and every value of the same column listed with one
    ("not Aprilia or Honda", "other than France and Spain": neither of them), so no value of a negated list is
    silently kept."""
    toks = [w for w in re.findall(r"[\w&'\-\.]+|,", question.replace("\u2019", "'").lower())]
    plain = [i for i, w in enumerate(toks) if w != ","]  # ValueHit positions count words, not commas
    out = [v for v in vhits if _negated(question, v)]
    for v in sorted(vhits, key=lambda h: h.start):
        if v in out:
            continue
        for w in out:
            if w.column == v.column and w.end <= v.start < len(plain) and w.end >= 1:
                between = toks[plain[w.end - 1] + 1:plain[v.start]]
                if between and all(x in NEGATION_LIST for x in between) and {"or", "and", "nor", ","} & set(between):
                    out.append(v)
                    break
    return out


def _negated_filter(f: Filter) -> Filter:
    return f.model_copy(update={"op": "ne" if f.op == "eq" else "not_in"})


# the first word a game's result is written with ("W 27–24", "Loss", "Won 3–1", "D"), by the outcome it records
OUTCOME_CELLS = {"win": {"w", "win", "won", "victory"}, "loss": {"l", "loss", "lost", "defeat"},
                 "draw": {"d", "draw", "drawn"}, "tie": {"t", "tie", "tied"}}
# the question's words for an outcome: "how many games did they win", "their losses", "how many ties"
OUTCOME_WORDS = {"win": "win", "wins": "win", "won": "win", "victory": "win", "victories": "win", "lose": "loss",
                 "loses": "loss", "lost": "loss", "loss": "loss", "losses": "loss", "defeats": "loss",
                 "draw": "draw", "draws": "draw", "drew": "draw", "tie": "tie", "ties": "tie", "tied": "tie"}
RIVALS = {"opponent", "opposition", "rival", "opposing"}
# nouns of what one row of a table of results is: "how many games", "which match"
GAME_NOUNS = {"game", "match", "fixture", "bout"}
CELL_HEAD = re.compile(r"^\s*([a-z]+)\b")


def _outcome(cell) -> str | None:
    """The outcome a result cell records by its first word ("W 27–24" -> win), or None."""
    m = CELL_HEAD.match(str(cell).lower())
    return next((k for k, heads in OUTCOME_CELLS.items() if m and m.group(1) in heads), None)


def result_column(t: TableView) -> tuple[str, dict[str, list]] | None:
    """The one text column of game results (nearly every value starts with W/L/Win/Loss/..., wins and losses
    both among them), with its values by outcome; None when no column or several are (built once per view)."""
    if "_results" not in t.__dict__:
        t.__dict__["_results"] = _result_column(t)
    return t.__dict__["_results"]


def _result_column(t: TableView) -> tuple[str, dict[str, list]] | None:
    found = []
    for col in t.texts():
        cells = list(dict.fromkeys(v for vs in t.values.values() for c, v in vs if c == col))
        by = {}
        for v in cells:
            by.setdefault(_outcome(v), []).append(v)
        known = len(cells) - len(by.get(None, []))
        if cells and known >= 0.8 * len(cells) and "win" in by and "loss" in by:
            found.append((col, {k: v for k, v in by.items() if k}))
    return found[0] if len(found) == 1 else None


SCORE_CELL = re.compile(r"^\s*(?:[a-z]{1,4}\s+)?\d{1,3}\s*[-–:]\s*\d{1,3}\b", re.I)


def _has_scores(t: TableView) -> bool:
    """A Score or Result column of final scores ("2-2", "W 35–21"): each row is one game."""
    for col in t.texts():
        if not {stem(w) for w in words(col)} & {"score", "result"}:
            continue
        cells = list(dict.fromkeys(v for vs in t.values.values() for c, v in vs if c == col))
        if cells and sum(bool(SCORE_CELL.match(str(v))) for v in cells) >= 0.8 * len(cells):
            return True
    return False


def game_nouns(t: TableView) -> set[str]:
    """"how many games ...": in a table of game results or final scores, a row is a game (or a match)."""
    if "_games" not in t.__dict__:
        t.__dict__["_games"] = GAME_NOUNS if result_column(t) is not None or _has_scores(t) else set()
    return t.__dict__["_games"]


def outcome_filters(qw: list[str], t: TableView, taken: list[Filter]) -> list[Filter]:
    """"how many games did they lose" with a Result column of "W 27–24", "L 17–18": the rows whose result starts
    with that outcome. Not "who won" (the winner is asked for), not after a negation, not a word naming a column
    ("Wins"), and not when the question names a value of that column already."""
    found = result_column(t)
    if found is None or any(f.column == found[0] for f in taken):
        return []
    col, by = found
    if any(stem(w) in RIVALS for w in qw):
        return []  # "how many times did the opponent win": the table's results are the other side's
    named = [(w, i) for i, w in enumerate(qw) if w in OUTCOME_WORDS and not _names_a_column(w, t)
             and not (i and qw[i - 1] in {"who", "whoever"})]
    said = {OUTCOME_WORDS[w] for w, i in named if not (i and qw[i - 1] in NEGATIONS)}
    denied = {OUTCOME_WORDS[w] for w, i in named if i and qw[i - 1] in NOT_VERB}
    if said and denied or len(said | denied) != 1 or (kind := next(iter(said | denied))) not in by:
        return []
    vals = by[kind]
    if denied:  # "the games they did not win": every other result, only when every row records one
        return [Filter(column=col, op="not_in", values=vals)] if _every_row_an_outcome(t, col) else []
    return [Filter(column=col, value=vals[0]) if len(vals) == 1 else Filter(column=col, op="in", values=vals)]


def _every_row_an_outcome(t: TableView, col: str) -> bool:
    """No row of the results column is empty or records something else ("Postponed"): a game not won is then
    one lost or drawn, never one that was not played."""
    cells = [v for vs in t.values.values() for c, v in vs if c == col]
    return not t.profiles.get(col, {}).get("nulls") and all(_outcome(v) is not None for v in cells)


# "the least number of votes", "the top bronze medal count": the end of a figure, not a question of how many
SUPERLATIVE_COUNT = re.compile(r"(?<!\bat )\b(?:most|least|highest|lowest|largest|greatest|smallest|fewest|biggest|top|"
                               r"maximum|minimum)\s+(?:[a-z][\w'-]*\s+){0,2}?(?:number of|count)\b")


# "what city ranks first in altitude?", "which team comes last in attendance?": the end of a number column, not a
# place in the table's ranking
RANKS_IN = re.compile(r"\b(?:ranks?|ranked|comes?|came|is|was|are|were|finished|finishes)\s+(first|last|top|bottom)\s+"
                      r"(?:in|for|on|by)\s+(?:the\s+)?(?:terms\s+of\s+)?(?:its\s+|their\s+)?([a-z][\w'-]*)")


def ranked_in(q: str, t: TableView) -> tuple[str, str] | None:
    """(the number column, "max" or "min") of "ranks first in X" when X names one number column other than the
    table's column of places; None otherwise."""
    m = RANKS_IN.search(q)
    if not m:
        return None
    found = [c for c in t.numeric() if c != place_column(t) and not not_a_quantity(t, c)
             and any(same(stem(m.group(2)), stem(w)) for w in words(c) if w not in STOP)]
    return (found[0], "max" if m.group(1) in ("first", "top") else "min") if len(found) == 1 else None


def value_words(t: TableView) -> frozenset[str]:
    """Every word of the table's text values (built once per view): a name in the data ("Roundz") is never a
    misspelt header."""
    cached = t.__dict__.get("_value_words")
    if cached is None:
        cached = t.__dict__["_value_words"] = frozenset(w for key in t.values for w in words(key))
    return cached


def respelt(question: str, t: TableView) -> str:
    """The question with each misspelt word one letter off the word of one column name read as that word
    ("the first competiton" -> "the first competition" beside a Competition column, "divison" -> "division"); a
    word the lexicon knows stays itself ("player" never names Played)."""
    from ..coverage import _typo

    col_words = {w for c in t.dtypes for w in words(c) if w not in STOP and w.isalpha()}

    def fix(m: re.Match) -> str:
        w = m.group(0).lower()
        if not misspelt(w) or w in value_words(t) or any(same(stem(w), stem(c)) for c in col_words):
            return m.group(0)
        near = {c for c in col_words if _typo(w, c) or _typo(stem(w), stem(c))}
        return near.pop() if len(near) == 1 else m.group(0)

    return re.sub(r"[A-Za-z]{5,}", fix, question)


# "what nation leads the medal count", "who topped the vote tally": the row with the highest count
# (not "led the team in total points": the count is said after a preposition, of another thing led)
LEADS = re.compile(r"\b(?:leads|led|tops|topped)\s+the\s+((?:(?!(?:in|of|on|at|by|for|with)\b)[a-z]+\s+){0,2}?"
                   r"(?:count|tally|total))\b", re.I)


# "the wrestler with 5 number of reigns": a number said before "number of" is that number of the things
N_NUMBER_OF = re.compile(r"\b(\d+)\s+number\s+of\b", re.I)


def said_plainly(question: str) -> str:
    """The question with a verb of leading a count said as the superlative it is ("leads the medal count" ->
    "has the highest medal count"), and "5 number of reigns" said as "5 reigns"."""
    return N_NUMBER_OF.sub(r"\1", LEADS.sub(r"has the highest \1", question))


# "did they not qualify": the cell says "Did not qualify"; the pronoun between is the table's subject
SUBJECT_NOT = re.compile(r"\b(did|does|do|has|have|had|was|were)\s+(?:they|he|she|it|we)\s+not\b", re.I)


def _said_times(q: str, t: TableView, date_col: str | None, chits: list[ColumnHit]) -> list[Filter]:
    """The question's times as filters; "the gas bill for March" beside a Due Date and a Billing Period of months
    ("Mar 2024"): a time said of neither by name may be either one's."""
    timed = time_filters(q, t, date_col)
    if not timed or date_col is None or any(h.column == date_col for h in chits):
        return timed
    if (months := month_text_column(t)) is not None and any(f.column == date_col for f in timed):
        raise CannotAnswer(f"Is that time the {date_col} or the {months[0]}?")
    return timed


def _measured(numeric_hits: list[ColumnHit], t: TableView, qw: list[str] | None = None) -> str | None:
    """The number column measured: the first named that is a quantity ("average yield per season": Yield, not the
    Season that labels rows), else the first named. "races won" beside Races and Wins columns is the Wins column:
    the contests it counts are the races that were won."""
    quantity = [h.column for h in numeric_hits if not not_a_quantity(t, h.column)]
    won = [h.column for h in numeric_hits if qw and 0 < h.position < len(qw) and h.column in quantity
           and stem(qw[h.position - 1]) in CONTESTS and any(stem(w) in CONTESTED for w in words(h.column))]
    if len(won) == 1:
        return won[0]
    return quantity[0] if quantity else numeric_hits[0].column if numeric_hits else None


def label_group(qw: list[str], t: TableView, numeric_hits: list[ColumnHit], measure: str | None,
                filters: list) -> str | None:
    """"average yield per season": a number column that labels rows (a year, a season), said right after "per",
    "by" or "each", groups the rows as a text column would."""
    used = {f.column for f in filters} | {measure}
    for h in numeric_hits:
        if h.column not in used and not_a_quantity(t, h.column) and h.position \
                and qw[h.position - 1] in ("by", "per", "each", "every"):
            return h.column
    return None


def _looser_value_hits(question: str, t: TableView, vhits: list) -> list:
    """The exact value hits, then those said misspelt, by part of a name, or as a month and day."""
    for more in (misspelt_hits, name_part_hits, misspelt_word_hits, month_day_hits):
        vhits = vhits + more(question, t, vhits)
    return vhits


def ground(question: str, t: TableView, route: dict, n_tables: int = 1) -> Grounded:
    """Read the question against one table; CannotAnswer when nothing in it is named."""
    question = respelt(SUBJECT_NOT.sub(r"\1 not", question), t)
    q, qw = period_parts(norm(question)), words(question)
    chits, vhits = _hits(question, qw, t, route)
    score, row_noun = _table_score(qw, t, chits, vhits, route, n_tables)
    chits = _measure_words(chits, qw, t, row_noun)
    how_many = bool(re.search(r"\b(how many|number of|count of|count)\b", SUPERLATIVE_COUNT.sub(" ", q)))
    vhits = _looser_value_hits(question, t, vhits)
    inside = contained_hits(question, t, vhits)
    placed = bool(place_phrases(q)) and place_column(t) is not None  # "placed third or better": the places
    outcomes = outcome_filters(qw, t, [])
    if not chits and not vhits and not inside and not (row_noun and how_many) and not placed and not outcomes \
            and not sheet_place(q) and not time_filters(q, t, date_column(qw, t, chits)):
        raise CannotAnswer(f"No column or value of '{t.label}' is named in the question.")
    by_col: dict[str, list] = {}
    negated = negated_values(question, vhits)
    for v in vhits:
        if v not in negated and v.value not in by_col.get(v.column, []):  # a value said twice is one value
            by_col.setdefault(v.column, []).append(v.value)
    _joined(question, t, by_col)
    filters = [_value_filter(t, c, vals) for c, vals in by_col.items()]
    excluded: dict[str, list] = {}
    for v in negated:
        excluded.setdefault(v.column, []).append(v.value)
    filters += [_negated_filter(_value_filter(t, c, vals)) for c, vals in excluded.items()]
    # "songs not by Krisztina Papp" with cells like "Krisztina Papp (HUN)": the rows whose cell does not hold it
    filters += [Filter(column=v.column, op="not_contains" if _negated(question, v) else "contains", value=v.value)
                for v in inside]
    date_col = date_column(qw, t, chits)
    filters += _said_times(q, t, date_col, chits) + number_filters(q, t, chits) + presence_filters(q, t, chits)
    filters += number_equalities(q, t, filters) + column_comparisons(q, t)
    said = said_text_filters(question, t, chits)
    filters += said
    ranked = ranked_in(q, t)
    places = [] if ranked else place_filters(q, t, filters)
    if places:  # "placed 15th or lower": the comparison, not the cell "15th" its words also match
        filters = [f for f in filters if not (f.column == places[0].column and written_place(f, places[0].value))]
    filters += places
    outcomes = outcome_filters(qw, t, filters)
    filters += outcomes
    flags = [f for f in flag_filters(qw, t, chits) if f.column not in by_col]
    filters += flags
    value_cols = {v.column for v in vhits + inside} | {f.column for f in flags + outcomes + said}
    numeric_hits = [h for h in chits if t.dtypes[h.column] in ("integer", "number")]
    measure_col = ranked[0] if ranked else _measured(numeric_hits, t, qw)
    text_hits = [h for h in chits if t.dtypes[h.column] in ("text", "boolean") and h.column not in value_cols]
    if of_each_kind(q, t, []) and (m := OF_EACH.search(q)):
        # "two of each kind of medal" holds every kind to a number: its "each" asks for no figure per group
        q = q[:m.start()] + m.group(0).replace("each", "all", 1) + q[m.end():]
    return Grounded(
        question=question, q=q, qw=qw, t=t, chits=chits, vhits=vhits, by_col=by_col, filters=filters,
        date_col=date_col, numeric_hits=numeric_hits, text_hits=text_hits,
        date_hits=[h for h in chits if t.dtypes[h.column] in ("date", "datetime")],
        agg=agg_word(q), k=top_k(q), measure_col=measure_col,
        direction=ranked[1] if ranked else place_direction(q, direction_of(q), measure_col, t),
        group_col=group_column(q, qw, t, text_hits) or label_group(qw, t, numeric_hits, measure_col, filters),
        row_noun=row_noun, score=score, bucket=bucket_of(unnamed_periods(qw, chits)),
        how_many=how_many, distinct=bool(re.search(r"\b(distinct|different|unique)\b", q)), value_cols=value_cols)
