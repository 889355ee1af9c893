"""Ingest: a file on disk -> parsed sheets and tables with profiles (no storage here).

`parse_file` is pure so it can run in a child process; `Workspace.add_file` stores its result. The
semantic index's chunks are made later, from the stored tables (`core.index.make_file_chunks`), so a file
is answerable before any of its search work is done.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .config import Settings
from .errors import EmptyWorkbook
from .numfmt import xlsx_column_formats
from .profiles import profile_table
from .readers import read_file
from .roles import column_roles
from .tables import ParsedTable, detect_tables

Progress = Callable[[str, float, str], None]


def _noop(stage: str, frac: float, msg: str) -> None:
    pass


@dataclass(frozen=True)
class ParsedSheet:
    name: str
    hidden: bool
    tables: tuple[ParsedTable, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFile:
    name: str
    kind: str
    sheets: tuple[ParsedSheet, ...]
    warnings: tuple[str, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def tables(self) -> list[ParsedTable]:
        """Every table, in sheet order (the order their Parquet files and catalog rows take)."""
        return [t for s in self.sheets for t in s.tables]

    @property
    def all_warnings(self) -> list[str]:
        return list(self.warnings) + [w for s in self.sheets for w in s.warnings] + [w for t in self.tables for w in t.warnings]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parse_file(path: Path, name: str, settings: Settings, progress: Progress | None = None,
               decisions: dict[str, dict[int, str]] | None = None) -> ParsedFile:
    """Read, detect tables, type columns and profile one file. Raises typed FileErrors.

    `decisions` are a user's keep/exclude choices on total rows: sheet name -> Excel row -> action.
    """
    progress = progress or _noop
    progress("reading", 0.0, f"Reading {name}")
    book = read_file(Path(path), name, max_rows=settings.max_rows_per_file, max_cells=settings.max_cells_per_file)
    n_sheets = max(1, len(book.sheets))
    formats = xlsx_column_formats(path) if book.kind == "xlsx" else {}
    sheets = []
    for si, sh in enumerate(book.sheets):
        progress("detecting", si / n_sheets, f"Finding tables in sheet '{sh.name}'")
        tables, warns = detect_tables(sh, (decisions or {}).get(sh.name))
        done = []
        for t in tables:
            progress("profiling", si / n_sheets, f"Profiling '{t.name}'")
            # no chunks here: they are the search index's input, made by it after the file is stored
            prof = profile_table(t.df, t.dtypes)
            done.append(replace(t, profile=prof, **_roles(t, prof, formats.get(sh.name, {}))))
        sheets.append(ParsedSheet(sh.name, bool(sh.hidden), tuple(done), tuple(warns)))
    if not any(s.tables for s in sheets):
        raise EmptyWorkbook(f"{name}: no table with data was found in any sheet.", file=name)
    progress("parsed", 1.0, f"Parsed {name}")
    return ParsedFile(name, book.kind, tuple(sheets), tuple(book.warnings), book.encoding, book.delimiter)


def _roles(t, prof: dict, sheet_formats: dict[str, str]) -> dict:
    """The table's number formats (the sheet's, by column letter; else what its text said) and column roles."""
    fmts = {c: f for c in t.columns if (f := sheet_formats.get(t.letters.get(c)) or t.formats.get(c))}
    return {"formats": fmts, "roles": column_roles(t.dtypes, prof["column_profiles"], fmts)}


def report(file_row: dict, parsed: ParsedFile, sql_names: list[str] | None = None) -> dict:
    """The per-file summary printed by `python -m core ingest --json` (sql_names: one per table, in order)."""
    names = iter(sql_names or [])
    return {
        "file": file_row.get("name"),
        "sha256": file_row.get("sha256"),
        "status": "ok",
        "error": None,
        "cached": False,
        "warnings": parsed.all_warnings,
        "sheets": [
            {"name": s.name, "hidden": s.hidden, "tables": [
                {"name": t.name, "sql_name": next(names, None), "kind": t.kind, "range": t.range,
                 "header_row": t.header_row, "rows": t.rows, "columns": t.columns,
                 "excluded_rows": t.left_out_rows, "title": t.title}
                for t in s.tables]}
            for s in parsed.sheets
        ],
    }
