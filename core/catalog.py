"""The catalog: the record of files, sheets, tables, columns, profiles, chunks, warnings, errors, the embedding
cache and conversations, in SQLite (WAL, `<home>/catalog.sqlite`) or PostgreSQL (`database_url`).

Every SQL statement on the catalog lives in this module, written once in SQLite's spelling; core/dialects.py
rewrites it for PostgreSQL. Other modules call named `Catalog` methods.
The schema is built by numbered migrations (`MIGRATIONS`), each run once per database and recorded in
`_migrations`. One connection per thread; every multi-row write is one transaction, so a crash leaves
either the whole file's entry or none of it.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from . import dialects
from .errors import WorkspaceError

# Migration 1's schema: the catalog as it was before migrations existed, so a workspace created then opens
# unchanged (every statement is IF NOT EXISTS) and has migration 1 recorded as done.
_SCHEMA_1 = """
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
CREATE TABLE IF NOT EXISTS embeddings (text_hash TEXT, model TEXT, dim INT, vec BLOB, PRIMARY KEY(text_hash, model));
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, user TEXT, title TEXT, created REAL, updated REAL, file_ids TEXT);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  role TEXT NOT NULL, content TEXT NOT NULL, answer TEXT, plan TEXT, created REAL, feedback INTEGER);
CREATE INDEX IF NOT EXISTS ix_messages_conv ON messages(conversation_id, id);
CREATE INDEX IF NOT EXISTS ix_conversations_user ON conversations(user, updated);
"""


# A catalog connection: sqlite3's, or dialects.PgConnection (same execute/executemany, rows like sqlite3.Row).
Connection = sqlite3.Connection | dialects.PgConnection
# PostgreSQL advisory locks (per database) standing in for SQLite's one write lock: every write transaction
# takes WRITE_LOCK, every migration MIGRATE_LOCK, so writers queue instead of interleaving.
WRITE_LOCK, MIGRATE_LOCK = 0x4558_4348_0001, 0x4558_4348_0002

# --- migrations --------------------------------------------------------------
# Each schema change is one function appended here; it runs once per database, in list order, inside
# its own transaction, and its name is recorded in `_migrations`. Never edit or reorder a shipped one.
Migration = Callable[[Connection], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register a migration (decorator); it runs after every one registered before it."""
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial_schema(c: Connection) -> None:
    """Files, sheets, tables, columns, chunks, warnings, errors, row decisions, embeddings, conversations."""
    for stmt in _SCHEMA_1.split(";"):
        if stmt.strip():
            c.execute(stmt)


@migration
def m002_column_roles(c: Connection) -> None:
    """Each column's role (id, money, ratio, ... core.roles) and Excel number format, decided at ingest. Columns
    stored before this have none; readers fall back to guessing from the name and profile."""
    have = columns_of(c, "columns")
    for col in ("role", "number_format"):
        if col not in have:
            c.execute(f"ALTER TABLE columns ADD COLUMN {col} TEXT")


def columns_of(c: Connection, table: str) -> set[str]:
    """The names of a table's columns."""
    if isinstance(c, sqlite3.Connection):
        return {r[1] for r in c.execute(f"PRAGMA table_info({table})")}
    return {r[0] for r in c.execute("SELECT column_name FROM information_schema.columns"
                                    " WHERE table_schema = current_schema() AND table_name = ?", (table,))}


def begin(c: Connection, lock: int = WRITE_LOCK) -> None:
    """Begin a write transaction that waits for other writers (SQLite's BEGIN IMMEDIATE; on PostgreSQL, an
    advisory lock held until the transaction ends)."""
    if isinstance(c, sqlite3.Connection):
        c.execute("BEGIN IMMEDIATE")
        return
    c.execute("BEGIN")
    try:
        c.execute("SELECT pg_advisory_xact_lock(?)", (lock,))
    except BaseException:
        rollback(c)
        raise


def rollback(c: Connection) -> None:
    """Roll back; a PostgreSQL connection the server dropped needs none (the server rolled it back)."""
    try:
        c.execute("ROLLBACK")
    except dialects.Disconnected:
        if not getattr(c, "dead", False):
            raise


def applied_migrations(c: Connection) -> list[str]:
    """Names of the migrations this database has run, in the order they ran."""
    return [r[0] for r in c.execute("SELECT name FROM _migrations ORDER BY id")]


def _wal(c: Connection) -> None:
    """Switch to WAL. SQLite answers "locked" at once, without waiting, while other connections open a
    fresh file at the same moment: retry for a few seconds."""
    for attempt in range(60):
        try:
            c.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or attempt == 59:
                raise
            time.sleep(0.05)


@contextmanager
def _migration_tx(c: Connection):
    """One migration step's transaction; migrations wait for each other (on PostgreSQL, their own lock)."""
    begin(c, MIGRATE_LOCK)
    try:
        yield
    except BaseException:
        rollback(c)
        raise
    c.execute("COMMIT")


def migrate(c: Connection) -> list[str]:
    """Run the migrations this database lacks; returns the names run now (an autocommit connection)."""
    with _migration_tx(c):
        c.execute("CREATE TABLE IF NOT EXISTS _migrations (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
                  " applied_at REAL)")
    done = set(applied_migrations(c))
    pending = [m for m in MIGRATIONS if m.__name__ not in done]
    ran = []
    for m in pending:
        with _migration_tx(c):
            # another process may have run it while this one waited for the write lock
            if c.execute("SELECT 1 FROM _migrations WHERE name=?", (m.__name__,)).fetchone() is None:
                m(c)
                c.execute("INSERT INTO _migrations (name, applied_at) VALUES (?,?)", (m.__name__, time.time()))
                ran.append(m.__name__)
    return ran


def text_hash(text: str) -> str:
    """The key of a chunk's text in the embedding cache."""
    return hashlib.sha256(text.encode()).hexdigest()


def slug(text: str, max_len: int = 40) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    t = re.sub(r"[^A-Za-z0-9]+", "_", t).strip("_").lower()
    if not t or t[0].isdigit():
        t = "t_" + t
    return t[:max_len].rstrip("_")


class Catalog:
    def __init__(self, path: Path, url: str = ""):
        """The SQLite catalog at `path`, or, when `url` is a postgresql:// URL, the PostgreSQL database it names."""
        if url and not dialects.is_postgres_url(url):
            raise WorkspaceError("EXCELCHAT_DATABASE_URL must be empty (SQLite) or a postgresql:// URL,"
                                 f" not a {url.split(':', 1)[0]!r} one")
        self.path = Path(path)
        self.url = url
        self._local = threading.local()
        migrate(self.conn())

    def conn(self) -> Connection:
        """This thread's connection (a PostgreSQL one the server dropped is replaced by a new one)."""
        c = getattr(self._local, "conn", None)
        if c is not None and self.url and c.dead:
            c = None
        if c is None:
            c = self._connect_pg() if self.url else self._connect_sqlite()
            self._local.conn = c
        return c

    def _connect_sqlite(self) -> sqlite3.Connection:
        c = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        c.row_factory = sqlite3.Row
        c.execute("PRAGMA busy_timeout=60000")
        _wal(c)
        c.execute("PRAGMA synchronous=NORMAL")
        c.execute("PRAGMA foreign_keys=ON")
        return c

    def _connect_pg(self) -> dialects.PgConnection:
        try:
            return dialects.PgConnection(self.url)
        except dialects.Disconnected as e:
            raise WorkspaceError(f"The catalog database (EXCELCHAT_DATABASE_URL) cannot be reached: {e}") from e

    def close(self) -> None:
        """Close this thread's connection (the next use opens a new one)."""
        c = getattr(self._local, "conn", None)
        self._local.conn = None
        if c is not None:
            c.close()

    @contextmanager
    def tx(self):
        """One write transaction; writers queue at its start (SQLite's BEGIN IMMEDIATE, a PostgreSQL advisory
        lock) instead of failing later."""
        c = self.conn()
        try:
            begin(c)
        except dialects.Disconnected:
            if not c.dead:
                raise
            c = self.conn()  # the server dropped the connection while it was idle: nothing was done yet
            begin(c)
        try:
            yield c
        except BaseException:
            rollback(c)
            raise
        else:
            c.execute("COMMIT")

    def query(self, sql: str, args=()) -> list:
        """Rows of a read (sqlite3.Row or dialects.Row: by index, by name, dict())."""
        c = self.conn()
        try:
            return c.execute(sql, args).fetchall()
        except dialects.Disconnected:
            if not c.dead:
                raise
            return self.conn().execute(sql, args).fetchall()  # a read is safe to run again

    # --- writes ----------------------------------------------------------
    def insert_file(self, c: Connection, f: dict, parsed, parquets: list[str]) -> tuple[int, list[str]]:
        """Insert a parsed file (core.ingest.ParsedFile) inside the caller's transaction.

        `parquets` names each table's Parquet file, in table order; returns the file id and the tables' SQL names.
        """
        cur = c.execute(
            "INSERT INTO files (sha256,name,ext,kind,size,data_dir,stored_name,uploaded_at,uploaded_by,encoding,delimiter,report)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            (f["sha256"], f["name"], f["ext"], f["kind"], f["size"], f["data_dir"], f["stored_name"], time.time(),
             f.get("uploaded_by"), f.get("encoding"), f.get("delimiter"), "{}"),
        )
        file_id = cur.fetchone()[0]
        for w in parsed.warnings:
            c.execute("INSERT INTO warnings (file_id, sheet, tbl, message) VALUES (?,?,?,?)", (file_id, None, None, w))
        return file_id, self.insert_sheets(c, file_id, f["name"], parsed.sheets, parquets)

    def insert_sheets(self, c: Connection, file_id: int, name: str, sheets, parquets: list[str]) -> list[str]:
        """Insert a file's sheets and their tables (the caller's transaction); returns the tables' SQL names."""
        stem, names, files = slug(Path(name).stem, 30), [], iter(parquets)
        for si, sh in enumerate(sheets):
            sid = c.execute(
                "INSERT INTO sheets (file_id, idx, name, hidden, n_tables) VALUES (?,?,?,?,?) RETURNING id",
                (file_id, si, sh.name, int(sh.hidden), len(sh.tables)),
            ).fetchone()[0]
            for w in sh.warnings:
                c.execute("INSERT INTO warnings (file_id, sheet, tbl, message) VALUES (?,?,?,?)", (file_id, sh.name, None, w))
            for ti, t in enumerate(sh.tables):
                base = f"{stem}__{slug(t.name, 30)}" if len(sheets) > 1 or len(sh.tables) > 1 else stem
                names.append(self._insert_table(c, file_id, sid, ti, t, self._free_sql_name(c, base), next(files)))
        return names

    def _insert_table(self, c: Connection, file_id: int, sheet_id: int, idx: int, t, sql_name: str,
                      parquet: str) -> str:
        """One table (core.tables.ParsedTable) with its columns, chunks and warnings."""
        summary = {k: v for k, v in t.profile.items() if k != "column_profiles"}
        tid = c.execute(
            "INSERT INTO tables (file_id, sheet_id, idx, name, sql_name, kind, range, header_row, header_rows,"
            " first_data_row, n_rows, n_cols, title, parquet, excluded, profile) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " RETURNING id",
            (file_id, sheet_id, idx, t.name, sql_name, t.kind, t.range, t.header_row, t.header_rows,
             t.first_data_row, t.rows, len(t.columns), t.title, parquet, json.dumps(list(t.excluded)), json.dumps(summary)),
        ).fetchone()[0]
        c.executemany("INSERT INTO columns (table_id, idx, name, dtype, letter, profile, role, number_format)"
                      " VALUES (?,?,?,?,?,?,?,?)",
                      [(tid, ci, col, t.dtypes[col], t.letters.get(col), json.dumps(t.profile["column_profiles"][col]),
                        t.roles.get(col), t.formats.get(col)) for ci, col in enumerate(t.columns)])
        c.executemany(
            "INSERT INTO chunks (file_id, table_id, kind, text, text_hash, tokens, column_name, row_start, row_end)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            [(file_id, tid, ch.kind, ch.text, text_hash(ch.text), ch.tokens, ch.column, ch.row_start, ch.row_end)
             for ch in t.chunks],
        )
        c.executemany("INSERT INTO warnings (file_id, sheet, tbl, message) VALUES (?,?,?,?)",
                      [(file_id, t.sheet, t.name, w) for w in t.warnings])
        return sql_name

    def insert_chunks(self, file_id: int, data_dir: str, made: list[tuple[int, list]]) -> bool:
        """A stored file's chunks ([(table id, [core.chunks.Chunk])]), unless it already has some or is no
        longer stored as data_dir (removed or derived again meanwhile); True when they were inserted."""
        with self.tx() as c:
            f = c.execute("SELECT data_dir FROM files WHERE id=?", (file_id,)).fetchone()
            if f is None or f["data_dir"] != data_dir:
                return False
            if c.execute("SELECT 1 FROM chunks WHERE file_id=? LIMIT 1", (file_id,)).fetchone():
                return False
            c.executemany(
                "INSERT INTO chunks (file_id, table_id, kind, text, text_hash, tokens, column_name, row_start, row_end)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [(file_id, tid, ch.kind, ch.text, text_hash(ch.text), ch.tokens, ch.column, ch.row_start, ch.row_end)
                 for tid, chunks in made for ch in chunks])
            return True

    def replace_sheets(self, c: Connection, file_id: int, name: str, data_dir: str, parsed,
                       parquets: list[str]) -> list[str]:
        """Swap a file's derived rows (sheets, tables, chunks, warnings) for new ones, keeping the file's id."""
        c.execute("DELETE FROM sheets WHERE file_id=?", (file_id,))  # cascades to tables, columns, chunks
        c.execute("DELETE FROM warnings WHERE file_id=?", (file_id,))
        c.execute("UPDATE files SET data_dir=?, indexed=0 WHERE id=?", (data_dir, file_id))
        for w in parsed.warnings:
            c.execute("INSERT INTO warnings (file_id, sheet, tbl, message) VALUES (?,?,?,?)", (file_id, None, None, w))
        return self.insert_sheets(c, file_id, name, parsed.sheets, parquets)

    def row_decisions(self, file_id: int) -> dict[str, dict[int, str]]:
        """A user's keep/exclude decisions on a file's rows: sheet -> Excel row -> action."""
        out: dict[str, dict[int, str]] = {}
        for r in self.query("SELECT sheet, row, action FROM row_decisions WHERE file_id=?", (file_id,)):
            out.setdefault(r["sheet"], {})[r["row"]] = r["action"]
        return out

    @staticmethod
    def _free_sql_name(c: Connection, base: str) -> str:
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

    def write_report(self, c: Connection, file_id: int, report: dict) -> None:
        """Store a file's ingest report (the caller's transaction)."""
        c.execute("UPDATE files SET report=? WHERE id=?", (json.dumps(report), file_id))

    @staticmethod
    def bump_version(c: Connection) -> None:
        """Inside a write transaction: readers holding a cached table list will re-read it."""
        c.execute("INSERT INTO meta (key, value) VALUES ('version', '1') "
                  "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT)")

    def delete_file(self, file_id: int) -> None:
        """Delete a file's rows (cascading to everything derived from it) and bump the version."""
        with self.tx() as c:
            c.execute("DELETE FROM files WHERE id=?", (file_id,))
            self.bump_version(c)

    def set_row_decision(self, file_id: int, sheet: str, row: int, action: str | None, by: str | None) -> None:
        """Record a keep/exclude decision on a sheet's Excel row, or forget it (action None)."""
        with self.tx() as c:
            if action is None:
                c.execute("DELETE FROM row_decisions WHERE file_id=? AND sheet=? AND row=?", (file_id, sheet, row))
            else:
                c.execute("INSERT INTO row_decisions (file_id, sheet, row, action, at, by) VALUES (?,?,?,?,?,?)"
                          " ON CONFLICT(file_id, sheet, row) DO UPDATE SET action=excluded.action, at=excluded.at,"
                          " by=excluded.by", (file_id, sheet, int(row), action, time.time(), by))

    def mark_indexed(self, file_id: int) -> None:
        """The file's semantic index is built and current."""
        with self.tx() as c:
            c.execute("UPDATE files SET indexed=1 WHERE id=?", (file_id,))

    # --- reads -----------------------------------------------------------
    def file_by_sha(self, sha: str):
        return self.conn().execute("SELECT * FROM files WHERE sha256=?", (sha,)).fetchone()

    @staticmethod
    def report_by_sha(c: Connection, sha: str) -> dict | None:
        """The stored report of the file with this content (read in the caller's transaction), or None."""
        r = c.execute("SELECT report FROM files WHERE sha256=?", (sha,)).fetchone()
        return None if r is None else json.loads(r["report"])

    def file(self, file_id: int) -> dict | None:
        """One file's row, or None."""
        r = self.query("SELECT * FROM files WHERE id=?", (file_id,))
        return dict(r[0]) if r else None

    def files(self) -> list[dict]:
        """Every file with its table and row counts, oldest first."""
        rows = self.query(
            "SELECT f.id, f.name, f.sha256, f.size, f.kind, f.uploaded_at, f.uploaded_by, f.indexed,"
            " (SELECT COUNT(*) FROM tables t WHERE t.file_id=f.id) AS n_tables,"
            " (SELECT CAST(COALESCE(SUM(n_rows),0) AS BIGINT) FROM tables t WHERE t.file_id=f.id) AS n_rows"  # PG's SUM is numeric
            " FROM files f ORDER BY f.id")
        return [dict(r) for r in rows]

    def file_dirs(self) -> list[dict]:
        """id, name, data_dir and indexed of every file (what the semantic index keeps in step with)."""
        return [dict(r) for r in self.query("SELECT id, name, data_dir, indexed FROM files ORDER BY id")]

    def data_dirs(self) -> set[str]:
        """The folder names under files/ that the catalog claims."""
        return {r["data_dir"] for r in self.query("SELECT data_dir FROM files")}

    def has_data_dir(self, data_dir: str) -> bool:
        return bool(self.query("SELECT 1 FROM files WHERE data_dir=?", (data_dir,)))

    def warnings(self, file_id: int | None = None) -> list[dict]:
        """Ingest warnings with their file's name (one file's, or all)."""
        q = "SELECT w.*, f.name AS file FROM warnings w JOIN files f ON f.id=w.file_id"
        rows = self.query(q + (" WHERE file_id=?" if file_id else "") + " ORDER BY w.id", (file_id,) if file_id else ())
        return [dict(r) for r in rows]

    def errors(self, limit: int = 50) -> list[dict]:
        """The latest failed ingests, newest first."""
        return [dict(r) for r in self.query("SELECT * FROM ingest_errors ORDER BY id DESC LIMIT ?", (limit,))]

    def version(self) -> int:
        """A number that changes whenever a file is added or removed (by any thread or process)."""
        r = self.query("SELECT value FROM meta WHERE key='version'")
        return int(r[0][0]) if r else 0

    def table_rows(self) -> list[dict]:
        """Every table with its file's name and data_dir and its sheet's name, by id."""
        rows = self.query(
            "SELECT t.*, f.name AS file, f.data_dir, s.name AS sheet FROM tables t JOIN files f ON f.id=t.file_id"
            " JOIN sheets s ON s.id=t.sheet_id ORDER BY t.id")
        return [dict(r) for r in rows]

    def table_columns(self) -> dict[int, list[tuple[str, str]]]:
        """table id -> [(column name, dtype)] in column order."""
        cols: dict[int, list[tuple[str, str]]] = {}
        for r in self.query("SELECT table_id, name, dtype FROM columns ORDER BY table_id, idx"):
            cols.setdefault(r["table_id"], []).append((r["name"], r["dtype"]))
        return cols

    def column_roles(self) -> dict[int, dict[str, str]]:
        """table id -> {column name: role} for the columns whose role was stored at ingest."""
        out: dict[int, dict[str, str]] = {}
        for r in self.query("SELECT table_id, name, role FROM columns WHERE role IS NOT NULL ORDER BY table_id, idx"):
            out.setdefault(r["table_id"], {})[r["name"]] = r["role"]
        return out

    def column_profiles(self, table_id: int) -> dict[str, dict]:
        rows = self.query("SELECT name, profile FROM columns WHERE table_id=? ORDER BY idx", (table_id,))
        return {r["name"]: json.loads(r["profile"]) for r in rows}

    def table_profile(self, table_id: int) -> dict | None:
        """A table's profile without its column profiles, or None when there is no such table."""
        r = self.query("SELECT profile FROM tables WHERE id=?", (table_id,))
        return json.loads(r[0]["profile"]) if r else None

    def chunks(self, file_id: int | None = None) -> list[dict]:
        """Chunk rows (one file's, or all), by id."""
        q = "SELECT * FROM chunks" + (" WHERE file_id=?" if file_id else "") + " ORDER BY id"
        return [dict(r) for r in self.query(q, (file_id,) if file_id else ())]

    def chunk_ids(self, file_id: int) -> list[int]:
        return [r["id"] for r in self.query("SELECT id FROM chunks WHERE file_id=? ORDER BY id", (file_id,))]

    def chunks_for_file(self, file_id: int) -> list[dict]:
        """A file's chunks with their table's name and sql_name, sheet and file names (for search hits)."""
        rows = self.query(
            "SELECT c.id, c.file_id, c.table_id, c.kind, c.text, c.text_hash, c.column_name, c.row_start, c.row_end,"
            " t.name AS tname, t.sql_name, s.name AS sheet, f.name AS fname FROM chunks c"
            " JOIN tables t ON t.id=c.table_id JOIN sheets s ON s.id=t.sheet_id JOIN files f ON f.id=c.file_id"
            " WHERE c.file_id=? ORDER BY c.id", (file_id,))
        return [dict(r) for r in rows]

    # --- the embedding cache -----------------------------------------------
    def cached_vectors(self, hashes: list[str], model: str) -> dict[str, np.ndarray]:
        """text_hash -> float32 vector for the hashes the cache holds for this model."""
        found: dict[str, np.ndarray] = {}
        uniq = list(dict.fromkeys(hashes))
        for i in range(0, len(uniq), 500):  # stays under SQLite's bound-parameter limit
            part = uniq[i:i + 500]
            q = f"SELECT text_hash, dim, vec FROM embeddings WHERE model=? AND text_hash IN ({','.join('?' * len(part))})"
            for r in self.conn().execute(q, [model, *part]):
                found[r["text_hash"]] = np.frombuffer(r["vec"], dtype=np.float32, count=r["dim"])
        return found

    def store_vectors(self, model: str, dim: int, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Cache (text_hash, vector) pairs for a model in one transaction."""
        with self.tx() as c:
            c.executemany("INSERT INTO embeddings (text_hash, model, dim, vec) VALUES (?,?,?,?)"
                          " ON CONFLICT(text_hash, model) DO UPDATE SET dim=excluded.dim, vec=excluded.vec",
                          [(h, model, dim, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items])

    def vector_dim(self, model: str) -> int | None:
        """The dimension of the model's cached vectors, or None when none are cached."""
        r = self.query("SELECT dim FROM embeddings WHERE model=? LIMIT 1", (model,))
        return int(r[0]["dim"]) if r else None

    # --- conversations -------------------------------------------------------
    def add_conversation(self, cid: str, user: str | None, title: str, now: float, file_ids: str | None) -> None:
        with self.tx() as c:
            c.execute('INSERT INTO conversations (id, "user", title, created, updated, file_ids) VALUES (?,?,?,?,?,?)',
                      (cid, user, title, now, now, file_ids))

    def conversation(self, cid: str) -> dict | None:
        r = self.query("SELECT * FROM conversations WHERE id=?", (cid,))
        return dict(r[0]) if r else None

    def conversations(self, user: str | None = None) -> list[dict]:
        """Conversations (one user's, or all) with their message count `n`, most recently updated first."""
        q = "SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id=c.id) AS n FROM conversations c"
        rows = self.query(q + (' WHERE "user" IS NOT DISTINCT FROM ?' if user is not None else "") + " ORDER BY updated DESC",
                          (user,) if user is not None else ())
        return [dict(r) for r in rows]

    def add_message(self, cid: str, role: str, content: str, answer: str | None, plan: str | None, now: float) -> int:
        """Append a message and touch its conversation; a first user message titles a new conversation."""
        with self.tx() as c:
            mid = c.execute(
                "INSERT INTO messages (conversation_id, role, content, answer, plan, created) VALUES (?,?,?,?,?,?)"
                " RETURNING id", (cid, role, content, answer, plan, now)).fetchone()[0]
            c.execute("UPDATE conversations SET updated=? WHERE id=?", (now, cid))
            if role == "user":
                c.execute("UPDATE conversations SET title=? WHERE id=? AND title='New conversation'", (content[:60], cid))
        return mid

    def messages(self, cid: str) -> list[dict]:
        return [dict(r) for r in self.query("SELECT * FROM messages WHERE conversation_id=? ORDER BY id", (cid,))]

    def last_plan(self, cid: str) -> str | None:
        """The JSON plan of the conversation's latest assistant message that has one."""
        r = self.query("SELECT plan FROM messages WHERE conversation_id=? AND role='assistant' AND plan IS NOT NULL"
                       " ORDER BY id DESC LIMIT 1", (cid,))
        return r[0]["plan"] if r else None

    def set_feedback(self, message_id: int, value: int) -> None:
        with self.tx() as c:
            c.execute("UPDATE messages SET feedback=? WHERE id=?", (int(value), message_id))

    def delete_conversation(self, cid: str) -> None:
        with self.tx() as c:
            c.execute("DELETE FROM conversations WHERE id=?", (cid,))
