"""Column roles: what a column's values mean, decided once at ingest from its name, its number format and its
values, stored in the catalog and carried on the table model.

Roles: id (labels rows: an id, a code, a running number), money, ratio (a fraction, 0.13 shown as 13.0%),
percent (already in percent points, 13 shown as 13.0%), count, rate (a price, an average, a per-unit figure),
date, category, text (free text) and measure (any other number).

The role decides how a value is shown (money with 2 decimals and thousands separators, ratios as percentages)
and which aggregations make sense: an id or a ratio is never summed.
"""
from __future__ import annotations

import datetime as dt
import math
import re

ROLES = ("id", "money", "ratio", "percent", "count", "rate", "date", "category", "text", "measure")
NOT_SUMMED = frozenset({"id", "ratio", "percent", "rate", "date", "category", "text"})
NUMERIC_ROLES = frozenset({"id", "money", "ratio", "percent", "count", "rate", "measure"})

_CURRENCY = ("$", "€", "£", "¥", "₹", "[$")
MONEY_WORDS = ("sale", "revenue", "profit", "price", "cost", "salar", "amount", "income", "spend", "spent", "expense",
               "budget", "fee", "gmv", "usd", "dollar", "eur", "gbp", "wage", "earning", "payment", "pay")
PCT_WORDS = {"percent", "percentage", "pct", "margin", "share", "ratio", "proportion", "fraction"}
RATE_WORDS = {"rate", "average", "avg", "mean", "median", "per", "index", "yield", "growth", "change", "score",
              "price", "min", "max", "minimum", "maximum", "std"}
COUNT_WORDS = {"count", "qty", "quantity", "units", "unit", "number", "num", "orders", "items", "visits", "people",
               "employees", "headcount", "tickets", "calls", "cases", "sold"}
ID_WORDS = {"id", "code", "key", "no", "sku", "uuid", "zip", "zipcode", "postcode", "phone"}
SEQUENCE_WORDS = {"year", "yr", "fy", "rank", "week", "month", "quarter", "qtr", "day", "season", "episode", "round"}


def _words(name: str) -> list[str]:
    return re.findall(r"[a-z]+", str(name).lower())


def is_id_name(name: str) -> bool:
    """'Retailer ID', 'Invoice No', 'product_code', 'SKU': a name that labels rows."""
    low = str(name).strip().lower()
    return bool(re.search(r"(^|[_\s\-.])(id|code|key|no)$", low)) or str(name).endswith(("ID", "Id")) \
        or low in {"id", "sku", "uuid"} or (bool(_words(name)) and _words(name)[-1] in ID_WORDS - {"no"})


def format_role(number_format: str | None) -> str | None:
    """The role an Excel number format says: '0.0%' a ratio, '$#,##0.00' money; None for General and the rest."""
    f = str(number_format or "")
    if not f or f.lower() == "general":
        return None
    body = re.sub(r'"[^"]*"', "", f)  # quoted literal text ("units") is no format code
    if "%" in body:
        return "ratio"
    if any(c in f for c in _CURRENCY):
        return "money"
    return None


def _number_role(name: str, dtype: str, profile: dict, number_format: str | None) -> str:
    ws = set(_words(name))
    lo, hi = profile.get("min"), profile.get("max")
    by_format = format_role(number_format)
    if by_format == "ratio":
        # '0%' on 13 (a percent typed as points with a format that multiplies) is rare; 0.13 is the usual cell
        return "ratio" if hi is None or max(abs(lo or 0), abs(hi)) <= 10 else "percent"
    seq = _words(name)
    # "Invoice Number", "Phone Nr": a label; "Number of Orders": a count
    labelled = len(seq) >= 2 and seq[-1] in ("number", "num", "nr") and "of" not in seq
    if is_id_name(name) or labelled or running_number(dtype, profile):
        return "id"
    if "%" in str(name) or ws & PCT_WORDS:
        small = hi is not None and lo is not None and max(abs(lo), abs(hi)) <= 1.5
        return "ratio" if small else "percent"
    if by_format == "money":
        return "rate" if ws & RATE_WORDS - {"price"} else "money"
    if ws & RATE_WORDS:
        return "rate"
    if any(w.startswith(m) for w in ws for m in MONEY_WORDS) or "$" in str(name):
        return "money"
    if re.findall(r"[a-z0-9]+", str(name).lower()) in ([w] for w in SEQUENCE_WORDS) and dtype == "integer":
        return "id"
    if dtype == "integer" and ws & COUNT_WORDS:
        return "count"
    return "measure"


def running_number(dtype: str, profile: dict) -> bool:
    """Every row its own integer and together (nearly) every integer of the range: a row number."""
    lo, hi = profile.get("min"), profile.get("max")
    rows = max(1, profile.get("rows", 0) - profile.get("nulls", 0))
    if dtype != "integer" or lo is None or hi is None or rows < 10:
        return False
    return profile.get("distinct", 0) >= 0.99 * rows and 0 <= lo and hi - lo + 1 <= 1.05 * rows


def column_role(name: str, dtype: str, profile: dict | None = None, number_format: str | None = None) -> str:
    """One column's role from its name, dtype, profile (core.profiles.profile_column) and Excel number format."""
    from .profiles import is_free_text

    profile = profile or {}
    if dtype in ("date", "datetime"):
        return "date"
    if dtype in ("integer", "number"):
        return _number_role(name, dtype, profile, number_format)
    if dtype == "text" and profile and is_free_text(profile):
        return "text"
    rows = max(1, profile.get("rows", 0) - profile.get("nulls", 0))
    if dtype == "text" and is_id_name(name) and profile.get("distinct", 0) >= 0.9 * rows:
        return "id"
    return "category"


def column_roles(dtypes: dict[str, str], profiles: dict[str, dict], formats: dict[str, str] | None = None
                 ) -> dict[str, str]:
    """Every column's role (see column_role)."""
    formats = formats or {}
    return {c: column_role(c, d, profiles.get(c), formats.get(c)) for c, d in dtypes.items()}


def summable(role: str | None) -> bool:
    """Whether adding up the column's values means something (money, counts, plain measures)."""
    return role not in NOT_SUMMED


# --- display -------------------------------------------------------------------
def format_value(v, role: str | None = None) -> str:
    """One value as shown: 13.1% for a ratio, 1,234.50 for money, 2024-03-01 for a midnight date."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "no value"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (dt.date, dt.datetime)) or hasattr(v, "to_pydatetime"):
        return format_date(v)
    if not isinstance(v, (int, float)):
        try:
            v = float(v) if hasattr(v, "__float__") else v
        except (TypeError, ValueError):
            return str(v)
        if not isinstance(v, (int, float)):
            return str(v)
    if role == "ratio":
        return f"{v * 100:,.1f}%"
    if role == "percent":
        return f"{v:,.1f}%"
    if role == "money":  # cents, never 3 decimals; a whole amount (a total of whole dollars) without ".00"
        return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"
    if role in ("id", "date"):  # an id or a year labels: 1185732 and 2021, never 1,185,732 or 2,021
        return str(int(v)) if float(v).is_integer() else str(v)
    return plain_number(v)


def plain_number(v) -> str:
    """A number without a role: integers with separators, fractions to 4 significant digits, others to 2 decimals."""
    if isinstance(v, float) and not v.is_integer():
        if abs(v) >= 100:
            return f"{v:,.2f}"
        return f"{v:,.4g}" if abs(v) < 1 else f"{v:,.2f}"
    return f"{int(v):,}"


def format_date(v) -> str:
    """A date, with its time only when the time is not midnight."""
    if hasattr(v, "to_pydatetime"):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d") if v.time() == dt.time(0) else v.strftime("%Y-%m-%d %H:%M")
    return v.isoformat()


def result_formats(roles: dict[str, str | None]) -> dict[str, str]:
    """Display formats (printf-style, as Streamlit's NumberColumn takes them) for the columns whose role has one."""
    # Streamlit's presets: "percent" multiplies by 100 (0.131 -> 13.10%), "accounting" is 1,234.00
    fmts = {"money": "accounting", "ratio": "percent", "percent": "%.1f%%", "count": "localized", "id": "%d"}
    return {c: fmts[r] for c, r in roles.items() if r in fmts}
