"""The catalog: SQLite (WAL) record of files, sheets, tables, columns, profiles, chunks, warnings and errors.

One connection per thread; every multi-row write is one transaction, so a crash leaves either the
whole file's entry or none of it.
"""
from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY, sha256 TEXT UNIQUE NOT NULL, name TEXT NOT NULL, ext TEXT, kind TEXT,
  size INTEGER, data_dir TEXT NOT NULL, stored_name TEXT NOT NULL, uploaded_at REAL, uploaded_by TEXT,
  encoding TEXT, delimiter TEXT, indexed INTEGER NOT NULL DEFAULT 0, report TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sheets (
  id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  idx INTEGER, name TEXT, hidden INTEGER, n_tables INTEGER);
CREATE TABLE IF NOT EXISTS tables (
  id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  sheet_id INTEGER NOT NULL REFERENCES sheets(id) ON DELETE CASCADE, idx INTEGER, name TEXT,
  sql_name TEXT UNIQUE NOT NULL, kind TEXT, range TEXT, header_row INTEGER, header_rows INTEGER,
  first_data_row INTEGER, n_rows INTEGER, n_cols INTEGER, title TEXT, parquet TEXT,
  excluded TEXT, profile TEXT);
CREATE TABLE IF NOT EXISTS columns (
  id INTEGER PRIMARY KEY, table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
  idx INTEGER, name TEXT, dtype TEXT, letter TEXT, profile TEXT);
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  table_id INTEGER NOT NULL REFERENCES tables(id) ON DELETE CASCADE, kind TEXT, text TEXT,
  text_hash TEXT, tokens INTEGER, column_name TEXT, row_start INTEGER, row_end INTEGER);
CREATE TABLE IF NOT EXISTS warnings (
  id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  sheet TEXT, tbl TEXT, message TEXT);
CREATE TABLE IF NOT EXISTS ingest_errors (
  id INTEGER PRIMARY KEY, name TEXT, sha256 TEXT, error_type TEXT, message TEXT, at REAL, by TEXT);
CREATE TABLE IF NOT EXISTS row_decisions (
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE, sheet TEXT NOT NULL, row INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('keep', 'exclude')), at REAL, by TEXT, PRIMARY KEY (file_id, sheet, row));
CREATE INDEX IF NOT EXISTS ix_tables_file ON tables(file_id);
CREATE INDEX IF NOT EXISTS ix_columns_table ON columns(table_id);
CREATE INDEX IF NOT EXISTS ix_chunks_file ON chunks(file_id);
CREATE INDEX IF NOT EXISTS ix_chunks_table ON chunks(table_id);
"""


def slug(text: str, max_len: int = 40) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    t = re.sub(r"[^A-Za-z0-9]+", "_", t).strip("_").lower()
    if not t or t[0].isdigit():
        t = "t_" + t
    return t[:max_len].rstrip("_")


class Catalog:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self.conn().executescript(SCHEMA)  # executescript manages its own transaction

    def conn(self) -> sqlite3.Connection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            c.row_factory = sqlite3.Row
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA synchronous=NORMAL")
            c.execute("PRAGMA foreign_keys=ON")
            c.execute("PRAGMA busy_timeout=60000")
            self._local.conn = c
        return c

    @contextmanager
    def tx(self):
        """One write transaction (BEGIN IMMEDIATE: writers queue here instead of failing later)."""
        c = self.conn()
        c.execute("BEGIN IMMEDIATE")
        try:
            yield c
        except BaseException:
            c.execute("ROLLBACK")
            raise
        else:
            c.execute("COMMIT")

    def query(self, sql: str, args=()) -> list[sqlite3.Row]:
        return self.conn().execute(sql, args).fetchall()

    # --- writes ----------------------------------------------------------
    def insert_file(self, c: sqlite3.Connection, f: dict, sheets: list[dict]) -> int:
        """Insert a parsed file inside the caller's transaction; returns the file id."""
        cur = c.execute(
            "INSERT INTO files (sha256,name,ext,kind,size,data_dir,stored_name,uploaded_at,uploaded_by,encoding,delimiter,report)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (f["sha256"], f["name"], f["ext"], f["kind"], f["size"], f["data_dir"], f["stored_name"], time.time(),
             f.get("uploaded_by"), f.get("encoding"), f.get("delimiter"), "{}"),
        )
        file_id = cur.lastrowid
        for w in f.get("warnings", []):
            c.execute("INSERT INTO warnings (file_id, sheet, tbl, message) VALUES (?,?,?,?)", (file_id, None, None, w))
        self.insert_sheets(c, file_id, f["name"], sheets)
        return file_id

    def insert_sheets(self, c: sqlite3.Connection, file_id: int, name: str, sheets: list[dict]) -> None:
        """Insert a file's sheets, tables, columns, chunks and their warnings (the caller's transaction)."""
        stem = slug(Path(name).stem, 30)
        for si, sh in enumerate(sheets):
            sid = c.execute(
                "INSERT INTO sheets (file_id, idx, name, hidden, n_tables) VALUES (?,?,?,?,?)",
                (file_id, si, sh["name"], int(sh["hidden"]), len(sh["tables"])),
            ).lastrowid
            for w in sh.get("warnings", []):
                c.execute("INSERT INTO warnings (file_id, sheet, tbl, message) VALUES (?,?,?,?)", (file_id, sh["name"], None, w))
            for ti, t in enumerate(sh["tables"]):
                sql_name = self._free_sql_name(c, f"{stem}__{slug(t['name'], 30)}" if len(sheets) > 1 or len(sh["tables"]) > 1 else stem)
                t["sql_name"] = sql_name
                tid = c.execute(
                    "INSERT INTO tables (file_id, sheet_id, idx, name, sql_name, kind, range, header_row, header_rows,"
                    " first_data_row, n_rows, n_cols, title, parquet, excluded, profile) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (file_id, sid, ti, t["name"], sql_name, t["kind"], t["range"], t["header_row"], t["header_rows"],
                     t["first_data_row"], t["rows"], len(t["columns"]), t.get("title"), t["parquet"],
                     json.dumps(t["excluded"]), json.dumps({k: v for k, v in t["profile"].items() if k != "column_profiles"})),
                ).lastrowid
                t["id"] = tid
                for ci, col in enumerate(t["columns"]):
                    c.execute(
                        "INSERT INTO columns (table_id, idx, name, dtype, letter, profile) VALUES (?,?,?,?,?,?)",
                        (tid, ci, col, t["dtypes"][col], t["letters"].get(col), json.dumps(t["profile"]["column_profiles"][col])),
                    )
                c.executemany(
                    "INSERT INTO chunks (file_id, table_id, kind, text, text_hash, tokens, column_name, row_start, row_end)"
                    " VALUES (?,?,?,?,?,?,?,?,?)",
                    [(file_id, tid, ch["kind"], ch["text"], ch["hash"], ch["tokens"], ch.get("column"), ch.get("row_start"), ch.get("row_end"))
                     for ch in t["chunks"]],
                )
                for w in t.get("warnings", []):
                    c.execute("INSERT INTO warnings (file_id, sheet, tbl, message) VALUES (?,?,?,?)", (file_id, sh["name"], t["name"], w))

    def replace_sheets(self, c: sqlite3.Connection, file_id: int, name: str, data_dir: str, sheets: list[dict],
                       file_warnings: list[str]) -> None:
        """Swap a file's derived rows (sheets, tables, chunks, warnings) for new ones, keeping the file's id."""
        c.execute("DELETE FROM sheets WHERE file_id=?", (file_id,))  # cascades to tables, columns, chunks
        c.execute("DELETE FROM warnings WHERE file_id=?", (file_id,))
        c.execute("UPDATE files SET data_dir=?, indexed=0 WHERE id=?", (data_dir, file_id))
        for w in file_warnings:
            c.execute("INSERT INTO warnings (file_id, sheet, tbl, message) VALUES (?,?,?,?)", (file_id, None, None, w))
        self.insert_sheets(c, file_id, name, sheets)

    def row_decisions(self, file_id: int) -> dict[str, dict[int, str]]:
        """A user's keep/exclude decisions on a file's rows: sheet -> Excel row -> action."""
        out: dict[str, dict[int, str]] = {}
        for r in self.query("SELECT sheet, row, action FROM row_decisions WHERE file_id=?", (file_id,)):
            out.setdefault(r["sheet"], {})[r["row"]] = r["action"]
        return out

    @staticmethod
    def _free_sql_name(c: sqlite3.Connection, base: str) -> str:
        name, n = base, 1
        while c.execute("SELECT 1 FROM tables WHERE sql_name=?", (name,)).fetchone():
            n += 1
            name = f"{base}_{n}"
        return name

    def record_error(self, name: str, sha: str | None, err: Exception, by: str | None = None) -> None:
        with self.tx() as c:
            c.execute(
                "INSERT INTO ingest_errors (name, sha256, error_type, message, at, by) VALUES (?,?,?,?,?,?)",
                (name, sha, type(err).__name__, str(err), time.time(), by),
            )

    def set_report(self, file_id: int, report: dict) -> None:
        with self.tx() as c:
            c.execute("UPDATE files SET report=? WHERE id=?", (json.dumps(report), file_id))

    # --- reads -----------------------------------------------------------
    def file_by_sha(self, sha: str):
        return self.conn().execute("SELECT * FROM files WHERE sha256=?", (sha,)).fetchone()
