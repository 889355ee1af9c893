"""Catalog: numbered migrations run once each, old workspaces open unchanged, no SQL outside catalog.py."""
import re
import sqlite3
import threading
from pathlib import Path

import numpy as np
import psycopg
import pytest

from core import catalog as catalog_mod
from core.catalog import Catalog, applied_migrations, migrate
from core.conversations import Conversations

ROOT = Path(__file__).resolve().parents[1]

# Frozen copies of the schema the code wrote before migrations existed (core/catalog.py SCHEMA, the
# embeddings table of core/index.py, core/conversations.py SCHEMA at commit 3137f48). Never update them:
# they are what a workspace created by that code holds.
OLD_CATALOG_SCHEMA = """
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
OLD_EMBEDDINGS = ("CREATE TABLE IF NOT EXISTS embeddings (text_hash TEXT, model TEXT, dim INT, vec BLOB,"
                  " PRIMARY KEY(text_hash, model))")
OLD_CONVERSATIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, user TEXT, title TEXT, created REAL, updated REAL, file_ids TEXT);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  role TEXT NOT NULL, content TEXT NOT NULL, answer TEXT, plan TEXT, created REAL, feedback INTEGER);
CREATE INDEX IF NOT EXISTS ix_messages_conv ON messages(conversation_id, id);
CREATE INDEX IF NOT EXISTS ix_conversations_user ON conversations(user, updated);
"""


def old_database(path: Path) -> Path:
    """A catalog.sqlite as the pre-migration code left it, holding one file, one vector and one conversation."""
    c = sqlite3.connect(path)
    c.executescript(OLD_CATALOG_SCHEMA)
    c.execute(OLD_EMBEDDINGS)
    c.executescript(OLD_CONVERSATIONS_SCHEMA)
    c.execute("INSERT INTO files (sha256, name, data_dir, stored_name, report) VALUES ('abc', 'old.xlsx', 'd1',"
              " 'original.xlsx', '{\"file\": \"old.xlsx\"}')")
    c.execute("INSERT INTO embeddings VALUES ('h1', 'm', 3, ?)", (np.array([1, 2, 3], dtype=np.float32).tobytes(),))
    c.execute("INSERT INTO conversations VALUES ('c1', 'ann', 'Sales', 1.0, 1.0, NULL)")
    c.commit()
    c.close()
    return path


def schema(path: Path) -> dict:
    """Every table's columns (name, type, notnull, default, pk), foreign keys and indexes, by table."""
    c = sqlite3.connect(path)
    out = {}
    for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type='table' AND name != '_migrations'"):
        indexes = {}
        for ix in c.execute(f"PRAGMA index_list('{name}')").fetchall():
            indexes[ix[1]] = (ix[2], [r[2] for r in c.execute(f"PRAGMA index_info('{ix[1]}')")])
        out[name] = (c.execute(f"PRAGMA table_info('{name}')").fetchall(),
                     c.execute(f"PRAGMA foreign_key_list('{name}')").fetchall(), indexes)
    c.close()
    return out


def every_migration() -> list[str]:
    return [m.__name__ for m in catalog_mod.MIGRATIONS]


def test_fresh_catalog_runs_migration_1_once(tmp_path, db_url):
    path = tmp_path / "catalog.sqlite"
    cat = Catalog(path, db_url)
    assert applied_migrations(cat.conn()) == every_migration()
    first = cat.query("SELECT id, name, applied_at FROM _migrations ORDER BY id")
    assert migrate(cat.conn()) == []  # nothing left to run
    Catalog(path, db_url)
    again = Catalog(path, db_url).query("SELECT id, name, applied_at FROM _migrations ORDER BY id")
    assert [tuple(r) for r in again] == [tuple(r) for r in first]
    assert [r[1] for r in again] == every_migration() and isinstance(again[0]["applied_at"], float)
    assert path.exists() == (db_url == "")  # PostgreSQL leaves no catalog.sqlite behind


def test_migration_1_creates_exactly_the_old_schema(tmp_path, monkeypatch):
    old = old_database(tmp_path / "old.sqlite")
    monkeypatch.setattr(catalog_mod, "MIGRATIONS", catalog_mod.MIGRATIONS[:1])
    Catalog(tmp_path / "new.sqlite")
    assert schema(tmp_path / "new.sqlite") == schema(old)
    assert {"files", "row_decisions", "embeddings", "conversations", "messages"} <= set(schema(old))


def test_old_database_opens_with_its_rows_and_migration_1_recorded(tmp_path):
    path = old_database(tmp_path / "catalog.sqlite")
    cat = Catalog(path)
    assert applied_migrations(cat.conn()) == every_migration()
    assert [f["name"] for f in cat.files()] == ["old.xlsx"]
    assert cat.report_by_sha(cat.conn(), "abc") == {"file": "old.xlsx"}
    assert cat.cached_vectors(["h1", "h2"], "m")["h1"].tolist() == [1.0, 2.0, 3.0]
    assert Conversations(cat).get("c1")["title"] == "Sales"


def test_column_roles_migration_adds_role_and_format_to_an_old_catalog(tmp_path):
    path = old_database(tmp_path / "catalog.sqlite")
    cat = Catalog(path)
    cols = {r[1] for r in cat.conn().execute("PRAGMA table_info(columns)")}
    assert {"role", "number_format"} <= cols
    assert cat.column_roles() == {}  # columns stored before roles existed have none; readers guess them


def _counting(name: str, calls: list, sql: str | None = None, fail: bool = False):
    def m(c):
        calls.append(name)
        if sql:
            c.execute(sql)
        if fail:
            raise RuntimeError("migration failed")
    m.__name__ = name
    return m


def test_a_new_migration_runs_exactly_once(tmp_path, monkeypatch):
    path = old_database(tmp_path / "catalog.sqlite")
    Catalog(path)
    calls: list = []
    m2 = _counting("m002_file_note", calls, "ALTER TABLE files ADD COLUMN note TEXT")
    monkeypatch.setattr(catalog_mod, "MIGRATIONS", [*catalog_mod.MIGRATIONS, m2])
    cat = Catalog(path)
    Catalog(path)
    assert calls == ["m002_file_note"]
    assert applied_migrations(cat.conn()) == [*every_migration()[:-1], "m002_file_note"]
    assert cat.query("SELECT note FROM files")[0]["note"] is None  # the column exists, the row survived


def raw_state(path: Path, db_url: str) -> tuple[set[str], list[str]]:
    """The tables and recorded migrations, read past the Catalog class (which would migrate on open)."""
    if not db_url:
        c = sqlite3.connect(path)
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    else:
        c = psycopg.connect(db_url)
        tables = {r[0] for r in c.execute("SELECT table_name FROM information_schema.tables WHERE table_schema='public'")}
    done = [r[0] for r in c.execute("SELECT name FROM _migrations ORDER BY id")]
    c.close()
    return tables, done


def test_a_failing_migration_leaves_nothing_and_runs_again_next_open(tmp_path, monkeypatch, db_url):
    path = tmp_path / "catalog.sqlite"
    Catalog(path, db_url)
    calls: list = []
    bad = _counting("m002_extra", calls, "CREATE TABLE extra (x INTEGER)", fail=True)
    monkeypatch.setattr(catalog_mod, "MIGRATIONS", [*catalog_mod.MIGRATIONS, bad])
    with pytest.raises(RuntimeError):
        Catalog(path, db_url)
    tables, done = raw_state(path, db_url)
    assert "extra" not in tables and "files" in tables
    assert done == every_migration()[:-1]
    good = _counting("m002_extra", calls, "CREATE TABLE extra (x INTEGER)")
    monkeypatch.setattr(catalog_mod, "MIGRATIONS", [*catalog_mod.MIGRATIONS[:-1], good])
    assert applied_migrations(Catalog(path, db_url).conn()) == every_migration()
    assert calls == ["m002_extra", "m002_extra"]


def test_catalogs_opened_at_once_run_each_migration_once(tmp_path, monkeypatch, db_url):
    path = tmp_path / "catalog.sqlite"
    calls: list = []
    monkeypatch.setattr(catalog_mod, "MIGRATIONS", [*catalog_mod.MIGRATIONS, _counting("m002_noop", calls)])
    start = threading.Barrier(4)
    errors = []

    def open_it():
        try:
            start.wait()
            Catalog(path, db_url)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and calls == ["m002_noop"]
    assert applied_migrations(Catalog(path, db_url).conn()) == every_migration()


def test_a_migration_another_process_ran_meanwhile_is_skipped(tmp_path, monkeypatch, db_url):
    calls: list = []
    monkeypatch.setattr(catalog_mod, "MIGRATIONS", [*catalog_mod.MIGRATIONS, _counting("m002_noop", calls)])
    cat = Catalog(tmp_path / "catalog.sqlite", db_url)
    # what a process sees when it read _migrations just before another one ran everything
    monkeypatch.setattr(catalog_mod, "applied_migrations", lambda c: [])
    assert migrate(cat.conn()) == [] and calls == ["m002_noop"]


def test_rows_conversations_vectors_and_the_version_behave_alike(tmp_path, db_url):
    cat = Catalog(tmp_path / "catalog.sqlite", db_url)
    conv = Conversations(cat)
    a, b = conv.create("ann"), conv.create(None)
    mid = conv.add(a, "user", "Sales in 50% of 'regions'?")  # a literal % and quote reach the database as they are
    conv.add(a, "assistant", "42", answer={"value": 42}, plan={"op": "sum"})
    conv.feedback(mid, -1)
    assert [c["id"] for c in conv.list("ann")] == [a] and {c["id"] for c in conv.list()} == {a, b}
    assert conv.get(a)["title"] == "Sales in 50% of 'regions'?" and conv.list("ann")[0]["n"] == 2
    msgs = conv.messages(a)
    assert [m["role"] for m in msgs] == ["user", "assistant"] and msgs[0]["feedback"] == -1
    assert msgs[1]["answer"] == {"value": 42} and isinstance(mid, int)
    cat.store_vectors("m", 3, [("h1", np.array([1, 2, 3])), ("h2", np.array([4, 5, 6]))])
    cat.store_vectors("m", 3, [("h1", np.array([7, 8, 9]))])  # the cache keeps the newest vector of a text
    found = cat.cached_vectors(["h1", "h2", "h3"], "m")
    assert {h: v.tolist() for h, v in found.items()} == {"h1": [7.0, 8.0, 9.0], "h2": [4.0, 5.0, 6.0]}
    assert cat.vector_dim("m") == 3 and cat.vector_dim("other") is None
    assert cat.version() == 0
    for _ in range(3):
        with cat.tx() as c:
            cat.bump_version(c)
    assert cat.version() == 3
    (row,) = cat.query("SELECT key, value FROM meta")
    assert (row[0], row["value"], dict(row), tuple(row)) == ("version", "3", {"key": "version", "value": "3"},
                                                             ("version", "3"))
    conv.clear(a)
    assert conv.messages(a) == [] and [c["id"] for c in conv.list()] == [b]


def test_a_failed_transaction_leaves_nothing(tmp_path, db_url):
    cat = Catalog(tmp_path / "catalog.sqlite", db_url)
    with pytest.raises(RuntimeError, match="mid-way"):
        with cat.tx() as c:
            cat.bump_version(c)
            c.execute("INSERT INTO ingest_errors (name, message) VALUES (?, ?)", ("a.csv", "boom"))
            raise RuntimeError("mid-way")
    assert cat.version() == 0 and cat.errors() == []
    cat.record_error("b.csv", None, ValueError("bad"))  # the connection is usable afterwards
    assert [e["name"] for e in cat.errors()] == ["b.csv"]


# --- no SQL on catalog.sqlite outside core/catalog.py ---------------------------------------
SQL_WORD = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE)\b")
# These compile and run SELECTs in DuckDB over the Parquet tables; they never touch catalog.sqlite.
DUCKDB_MODULES = {"plan.py", "query.py"}
DUCKDB_PACKAGES = {"insights"}  # the insight probes: SQL through QueryEngine.sql, over the tables only


def sql_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if SQL_WORD.search(line)]


def test_sql_detector_finds_statements():
    assert sql_lines('x = 1\nq = "SELECT 1 FROM files"\nc.execute("DELETE FROM t")') == [
        'q = "SELECT 1 FROM files"', 'c.execute("DELETE FROM t")']
    assert sql_lines("selected = update_all()  # create it") == []


def test_no_sql_outside_catalog():
    offenders = {}
    for p in sorted((ROOT / "core").rglob("*.py")):
        text = p.read_text()
        if p.name == "catalog.py":
            continue
        if p.name in DUCKDB_MODULES or p.parent.name in DUCKDB_PACKAGES:
            assert "sqlite3" not in text and ".catalog" not in text, f"{p.name} must not reach catalog.sqlite"
            continue
        if sql_lines(text):
            offenders[p.name] = sql_lines(text)
    assert offenders == {}


def test_dead_code_is_gone():
    from core.index import SemanticIndex
    from core.workspace import Workspace

    assert not hasattr(Catalog, "set_report") and not hasattr(SemanticIndex, "prune_cache")
    assert not hasattr(Workspace, "report") and not hasattr(Workspace, "original_path")
