"""Ingest: a file on disk -> parsed sheets and tables with profiles and chunks (no storage here).

`parse_file` is pure so it can run in a child process; `Workspace.add_file` stores its result.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .chunks import make_chunks
from .config import Settings
from .errors import EmptyWorkbook
from .profiles import profile_table
from .readers import read_file
from .tables import detect_tables

Progress = Callable[[str, float, str], None]


def _noop(stage: str, frac: float, msg: str) -> None:
    pass


@dataclass
class ParsedFile:
    name: str
    kind: str
    sheets: list[dict]
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parse_file(path: Path, name: str, settings: Settings, progress: Progress | None = None,
               decisions: dict[str, dict[int, str]] | None = None) -> ParsedFile:
    """Read, detect tables, type columns, profile and chunk one file. Raises typed FileErrors.

    `decisions` are a user's keep/exclude choices on total rows: sheet name -> Excel row -> action.
    """
    progress = progress or _noop
    progress("reading", 0.0, f"Reading {name}")
    book = read_file(Path(path), name, max_rows=settings.max_rows_per_file, max_cells=settings.max_cells_per_file)
    sheets = []
    n_sheets = max(1, len(book.sheets))
    for si, sh in enumerate(book.sheets):
        progress("detecting", si / n_sheets, f"Finding tables in sheet '{sh.name}'")
        tables, warns = detect_tables(sh, (decisions or {}).get(sh.name))
        out_tables = []
        for t in tables:
            progress("profiling", si / n_sheets, f"Profiling '{t.name}'")
            prof = profile_table(t.df, t.dtypes)
            chunks = make_chunks(name, t.name, t.df, prof, model_path=settings.embed_model,
                                 limit=settings.chunk_tokens, row_window_cap=settings.row_window_cap, title=t.title)
            out_tables.append({
                "name": t.name, "kind": t.kind, "range": t.range, "header_row": t.header_row,
                "header_rows": t.header_rows, "first_data_row": t.first_data_row, "rows": len(t.df),
                "columns": list(t.df.columns), "dtypes": t.dtypes, "letters": t.source_columns,
                "excluded": t.excluded, "title": t.title, "warnings": t.warnings, "profile": prof,
                "chunks": [{"kind": c.kind, "text": c.text, "tokens": c.tokens, "column": c.column,
                            "row_start": c.row_start, "row_end": c.row_end,
                            "hash": hashlib.sha256(c.text.encode()).hexdigest()} for c in chunks],
                "df": t.df,
            })
        sheets.append({"name": sh.name, "hidden": sh.hidden, "tables": out_tables, "warnings": warns})
    if not any(s["tables"] for s in sheets):
        raise EmptyWorkbook(f"{name}: no table with data was found in any sheet.", file=name)
    progress("parsed", 1.0, f"Parsed {name}")
    return ParsedFile(name, book.kind, sheets, book.warnings, book.encoding, book.delimiter)


def report(file_row: dict, sheets: list[dict], status: str = "ok", error: str | None = None,
           warnings: list[str] | None = None, cached: bool = False) -> dict:
    """The per-file summary printed by `python -m core ingest --json`."""
    return {
        "file": file_row.get("name"),
        "sha256": file_row.get("sha256"),
        "status": status,
        "error": error,
        "cached": cached,
        "warnings": warnings or [],
        "sheets": [
            {"name": s["name"], "hidden": bool(s.get("hidden")), "tables": [
                {"name": t["name"], "sql_name": t.get("sql_name"), "kind": t["kind"], "range": t["range"],
                 "header_row": t["header_row"], "rows": t["rows"], "columns": t["columns"],
                 "excluded_rows": [e["row"] for e in t["excluded"] if e.get("status", "excluded") == "excluded"],
                 "title": t.get("title")}
                for t in s["tables"]]}
            for s in sheets
        ],
    }
