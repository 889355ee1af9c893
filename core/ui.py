"""Pure helpers for the Streamlit pages (no streamlit import): safe markdown, labels, frames for display.

* `safe_markdown`: text from the LLM (or a spreadsheet) is shown as markdown, never
  as HTML: `<` and `>` are escaped, markdown images `![..](..)` are neutralised (no remote image is ever
  fetched by the viewer's browser), and `$` is escaped so amounts are not typeset as LaTeX.
* small formatting helpers (sizes, times, labels) and frames built from catalog dicts.
"""
from __future__ import annotations

import datetime as _dt
import re
import secrets

import pandas as pd

# --- safe markdown ------------------------------------------------------------------------
_ESCAPES = {"<": "&lt;", ">": "&gt;", "$": "\\$"}
_ESC_RE = re.compile(r"[<>$]")


def _escape_chars(text: str) -> str:
    return _ESC_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def safe_markdown(text) -> str:
    """Markdown that cannot carry HTML or images: `<`/`>` escaped, `![` made literal, `$` escaped."""
    s = "" if text is None else str(text)
    s = s.replace("![", "!\\[")  # an escaped bracket can open neither an image nor a link
    return _escape_chars(s)


# --- formatting ---------------------------------------------------------------------------
def human_size(n) -> str:
    n = float(n or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GB"  # pragma: no cover


def when(ts) -> str:
    """A catalog timestamp (epoch seconds or ISO text) as 'YYYY-MM-DD HH:MM UTC'."""
    if ts is None or ts == "":
        return "unknown time"
    try:
        t = _dt.datetime.fromtimestamp(float(ts), tz=_dt.UTC)
    except (TypeError, ValueError):
        try:
            t = _dt.datetime.fromisoformat(str(ts))
        except ValueError:
            return str(ts)
    return t.strftime("%Y-%m-%d %H:%M UTC")


_NAME_RE = re.compile(r"[^\w .@'\-]+", re.UNICODE)


def clean_display_name(name) -> str:
    """A display name typed by a user: printable word characters, spaces and . @ ' - only, 40 chars max."""
    s = _NAME_RE.sub("", str(name or "")).strip()
    return re.sub(r"\s+", " ", s)[:40]


def table_label(t, with_file: bool = True) -> str:
    """'file — sheet › table (rows × columns)' for a TableInfo (the sheet once when the table is the sheet)."""
    name = t.name if t.name == t.sheet else f"{t.sheet} › {t.name}"
    return (f"{t.file} — " if with_file else "") + f"{name} ({t.rows:,} rows × {len(t.columns)} columns)"


def excluded_text(excluded) -> str:
    """The rows left out of a table ('row 12 (equals the sum of rows 2-11 in Sales)', ...) as one short line."""
    parts = []
    for e in excluded or []:
        if isinstance(e, dict):
            if e.get("status") == "kept":
                continue
            why = e.get("detail") or e.get("reason") or ""
            parts.append(f"row {e.get('row', '?')}" + (f" ({why})" if why else ""))
        else:
            parts.append(f"row {e}")
    return ", ".join(parts[:20]) + (f" and {len(parts) - 20} more" if len(parts) > 20 else "")


def row_decision_frame(excluded) -> pd.DataFrame:
    """A table's left-out (and user-kept) rows for the Files page: row, status, why, the row's cells."""
    rows = [{"row": e.get("row"), "status": "kept as data" if e.get("status") == "kept" else "left out",
             "why": e.get("detail") or e.get("reason") or "", "cells": " | ".join(e.get("cells") or [])}
            for e in excluded or [] if isinstance(e, dict)]
    return pd.DataFrame(rows, columns=["row", "status", "why", "cells"])


def report_tables(rep: dict) -> pd.DataFrame:
    """The tables of an ingest report as rows: sheet, table, range, rows, columns, excluded rows."""
    rows = []
    for sh in rep.get("sheets") or []:
        for t in sh.get("tables") or []:
            rows.append({"sheet": sh.get("name"), "table": t.get("name"), "range": t.get("range"),
                         "rows": t.get("rows"), "columns": len(t.get("columns") or []),
                         "excluded rows": excluded_text(t.get("excluded_rows"))})
    return pd.DataFrame(rows, columns=["sheet", "table", "range", "rows", "columns", "excluded rows"])


def roles_from_profile(profile: dict) -> dict[str, str]:
    """Column roles guessed from a table profile, for a file stored before roles were (core.roles)."""
    from .roles import column_roles

    profiles = profile.get("column_profiles") or {}
    return column_roles({c: p.get("dtype", "text") for c, p in profiles.items()}, profiles)


def profile_frame(profile: dict, roles: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per column of a table profile: type, role, nulls, distinct values and the stats that mean
    something for its role (no sum of an id or a ratio, no mean of an id; ratios as percentages)."""
    from .roles import summable

    profiles = profile.get("column_profiles") or {}
    roles = roles or roles_from_profile(profile)
    rows = []
    for col, p in profiles.items():
        top, role = p.get("top"), roles.get(col)
        rows.append({
            "column": col, "type": p.get("dtype"), "role": role, "nulls": p.get("nulls"),
            "null %": round(100 * float(p.get("null_share") or 0), 1), "distinct": p.get("distinct"),
            "min": _cell(p.get("min"), role), "max": _cell(p.get("max"), role),
            "mean": _cell(p.get("mean"), role) if role != "id" else None,
            "sum": _cell(p.get("sum"), role) if summable(role) else None,
            "most common": ", ".join(f"{v} ({n})" for v, n in top[:3]) if isinstance(top, list) else "",
        })
    df = pd.DataFrame(rows, columns=["column", "type", "role", "nulls", "null %", "distinct", "min", "max", "mean",
                                     "sum", "most common"])
    df = df.dropna(axis=1, how="all")
    for c in ("min", "max", "mean", "sum", "most common"):
        if c in df.columns:
            df[c] = df[c].fillna("")
    return df


def _cell(v, role: str | None = None):
    if v is None:
        return None
    if role in ("ratio", "percent", "money", "id") and isinstance(v, (int, float)) and not isinstance(v, bool):
        from .roles import format_value

        return format_value(v, role)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}"
        return f"{v:,.4g}" if abs(v) < 1 else f"{v:,.2f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    return str(v)


def filter_frame(df: pd.DataFrame, column: str | None, value: str | None) -> pd.DataFrame:
    """Rows whose `column` contains `value` (case-insensitive text match; all rows when either is empty)."""
    if df is None or not column or column not in df.columns or value is None or str(value).strip() == "":
        return df
    needle = str(value).strip().lower()
    s = df[column].astype(str).str.lower()
    return df[s.str.contains(needle, regex=False, na=False)]


def number_formats(formats: dict[str, str]) -> dict[str, str]:
    """Result column -> Streamlit number format, from the columns' roles (core.roles)."""
    from .roles import result_formats

    return result_formats(formats)


def answer_frame(answer: dict | None) -> pd.DataFrame | None:
    """The result table stored with an answer ({columns, rows}) as a DataFrame; a superlative's ranking
    (its winners first, then the rows that came close) where it has one."""
    t = (answer or {}).get("ranking") or (answer or {}).get("table")
    if not t or not t.get("columns"):
        return None
    return pd.DataFrame(t.get("rows") or [], columns=t["columns"])


_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$")


def display_frame(df: pd.DataFrame | None) -> pd.DataFrame | None:
    """A result table for display: dates without a time of day shown as YYYY-MM-DD (stored answers hold
    them as text '2021-01-01 00:00:00'); numbers are left as they are (the page formats them)."""
    if df is None:
        return None
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            d = s.dropna()
            if len(d) and (d == d.dt.normalize()).all():
                out[c] = s.dt.strftime("%Y-%m-%d").where(s.notna(), None)
        elif s.dtype == object:
            d = s.dropna()
            if len(d) and all(isinstance(v, str) and _MIDNIGHT.match(v) for v in d):
                out[c] = s.map(lambda v: _MIDNIGHT.match(v).group(1) if isinstance(v, str) else v)
    return out


def sources_frame(sources) -> pd.DataFrame:
    rows = [{"file": s.get("file"), "sheet": s.get("sheet"), "table": s.get("table"), "range": s.get("range"),
             "rows": s.get("rows")} for s in sources or [] if isinstance(s, dict)]
    return pd.DataFrame(rows, columns=["file", "sheet", "table", "range", "rows"])


def conversation_label(c: dict) -> str:
    title = str(c.get("title") or "New conversation")
    title = title if len(title) <= 48 else title[:47] + "…"
    return f"{title} ({c.get('n', 0) // 2} Q)" if c.get("n") else title


def share_url(base: str | None, conversation_id: str) -> str:
    """The link that opens a conversation read-only: <app url>?conversation=<id>."""
    b = (base or "").split("?")[0].split("#")[0]
    return f"{b}?conversation={conversation_id}"


# A guest's id is the only thing that keeps their conversations theirs, and it travels in the page address
# (?guest=<token>): 128 random bits, so nobody reaches another guest's conversations by trying ids.
GUEST_PREFIX = "guest-"
_GUEST_TOKEN_RE = re.compile(r"[0-9a-f]{32}")


def new_guest_token() -> str:
    return secrets.token_hex(16)


def guest_token(raw) -> str | None:
    """A ?guest= value if it is a token new_guest_token could have made, else None (a short or hand-made id
    would be guessable, so it is replaced by a fresh one)."""
    s = str(raw or "").strip().lower()
    return s if _GUEST_TOKEN_RE.fullmatch(s) else None


def guest_user(token: str) -> str:
    """The user name a guest's conversations and uploads are kept under."""
    return GUEST_PREFIX + token


def display_user(name) -> str:
    """A user name as shown to people: a guest by the start of their id only, since the whole id would let a
    viewer of a shared conversation (or of the Files page) act as that guest."""
    s = str(name or "")
    token = s.removeprefix(GUEST_PREFIX)
    if s.startswith(GUEST_PREFIX) and guest_token(token):
        return GUEST_PREFIX + token[:6]
    return s


def can_write(conversation: dict | None, user: str | None) -> bool:
    """Only the author of a conversation can ask in it (a shared link opens it read-only)."""
    if conversation is None:
        return True
    return (conversation.get("user") or None) == (user or None)


def narrated_by(answer: dict) -> str:
    """Who planned and who wrote an answer's text, with the model's tokens when it wrote it."""
    planner, llm = answer.get("planner") or "offline", answer.get("llm")
    if isinstance(llm, str):  # answers stored before the model's report became an object
        llm = {"model": llm}
    if not llm:
        return f"Planned by: {planner}; narrated by: no LLM (computed text)"
    if llm.get("replaced"):
        who = f"{llm.get('model')}, whose text was replaced by the computed answer"
    else:
        who = str(llm.get("model"))
    if llm.get("completion_tokens") is not None:
        who += f" ({llm.get('prompt_tokens', 0):,} tokens read, {llm['completion_tokens']:,} written"
        who += f", stopped: {llm['done_reason']})" if llm.get("done_reason") else ")"
    return f"Planned by: {planner}; narrated by: {who}"


# --- background work ------------------------------------------------------------------------
def indexing_text(status) -> str | None:
    """'Indexing 2 files: 140/430 chunks' (the file embedded now named), or None when nothing is pending."""
    if status is None or not status.pending:
        return None
    n = len(status.pending)
    now = f" (now {status.current})" if status.current else ""
    counts = f": {status.chunks_done:,}/{status.chunks_total:,} chunks" if status.chunks_total else ""
    return f"Indexing {n} file{'s' if n != 1 else ''}{counts}{now}"


def indexing_failures(status) -> list[str]:
    """One message per file that could not be indexed, naming the file and the reason."""
    if status is None:
        return []
    return [f"{name} could not be indexed: {reason} (its answers are exact; it is left out of search)"
            for name, reason in status.failed]


def upload_text(job) -> str:
    """One upload's line while it runs: its name and what is happening."""
    return f"{job.name}: {job.message}"


def unindexed_lines(files: list[dict], indexed_ids, status) -> list[str]:
    """Each stored file without a current search index, named, with why: failed (the reason), waiting, or not built."""
    failed = dict(status.failed) if status is not None else {}
    pending = set(status.pending) if status is not None else set()
    out = []
    for f in files:
        if f["id"] in indexed_ids:
            continue
        name = f["name"]
        if name in failed:
            out.append(f"{name}: could not be indexed: {failed[name]}")
        elif name in pending:
            out.append(f"{name}: waiting to be indexed")
        else:
            out.append(f"{name}: not indexed yet")
    return out
