"""The catalog on PostgreSQL, across processes: migrations run once when processes start together, the same bytes
added by two processes are stored once, and a connection or process that dies mid-transaction leaves nothing."""
import multiprocessing
import os
import signal
import time
from pathlib import Path

import messy
import psycopg
import pytest

from core import Settings, Workspace
from core import catalog as catalog_mod
from core.catalog import Catalog, applied_migrations

FORK = multiprocessing.get_context("fork")  # children inherit the test's monkeypatches
DERIVED = ("sheets", "tables", "columns", "chunks", "warnings")


def run_children(target, *args, n: int = 2) -> list[int]:
    """Start n processes running target(start_barrier, *args) at once; their exit codes."""
    start = FORK.Barrier(n)
    procs = [FORK.Process(target=target, args=(start, *args)) for _ in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    return [p.exitcode for p in procs]


def _open_catalog(start, home: str, url: str) -> None:
    start.wait(60)
    Catalog(Path(home) / "catalog.sqlite", url)


def _slow_migration(c) -> None:
    """Creates a table (a second run would fail: it exists) and holds the migration a moment."""
    c.execute("CREATE TABLE m003_ran (pid INTEGER)")
    c.execute("INSERT INTO m003_ran VALUES (?)", (os.getpid(),))
    c.execute("SELECT pg_sleep(0.3)")


_slow_migration.__name__ = "m003_slow"


def test_two_processes_migrating_at_once_run_each_migration_once(tmp_path, pg_url, monkeypatch):
    monkeypatch.setattr(catalog_mod, "MIGRATIONS", [*catalog_mod.MIGRATIONS, _slow_migration])
    assert run_children(_open_catalog, str(tmp_path), pg_url) == [0, 0]
    cat = Catalog(tmp_path / "catalog.sqlite", pg_url)
    assert applied_migrations(cat.conn()) == [m.__name__ for m in catalog_mod.MIGRATIONS]
    assert len(cat.query("SELECT pid FROM m003_ran")) == 1


def _add(start, settings: Settings, path: str) -> None:
    ws = Workspace(settings)
    start.wait(60)
    ws.add_file(Path(path))


def test_two_processes_adding_the_same_bytes_store_one_file(tmp_path, pg_url):
    s = Settings(home=tmp_path / "ws", database_url=pg_url, isolate_parsing=False, build_index=False)
    book = messy.subtotals(tmp_path / "book.xlsx")
    Workspace(s)  # migrated once, so the race is between the adds
    assert run_children(_add, s, str(book), n=3) == [0, 0, 0]
    ws = Workspace(s)
    assert [f["name"] for f in ws.files()] == ["book.xlsx"]
    assert [p.name for p in (ws.home / "files").iterdir()] == [ws.catalog.file_dirs()[0]["data_dir"]]
    assert ws.version() == 1  # one add bumped it


def _add_and_die(start, settings: Settings, path: str) -> None:
    ws = Workspace(settings)
    ws.add_file(Path(path))


def test_a_process_killed_mid_transaction_leaves_no_rows_and_the_catalog_usable(tmp_path, pg_url, monkeypatch):
    s = Settings(home=tmp_path / "ws", database_url=pg_url, isolate_parsing=False, build_index=False)
    book = messy.subtotals(tmp_path / "book.xlsx")
    # the child dies after its rows are inserted, before the transaction commits
    monkeypatch.setattr(Catalog, "write_report", lambda *a: os.kill(os.getpid(), signal.SIGKILL))
    assert run_children(_add_and_die, s, str(book), n=1) == [-signal.SIGKILL]
    monkeypatch.undo()
    ws = Workspace(s)  # collects the folder the dead process left
    assert ws.files() == [] and ws.version() == 0
    for table in DERIVED:
        assert ws.catalog.query(f"SELECT COUNT(*) FROM {table}")[0][0] == 0
    assert list((ws.home / "files").iterdir()) == []
    report = ws.add_file(book)  # the write lock died with the process
    assert report["cached"] is False and [f["name"] for f in ws.files()] == ["book.xlsx"]


def terminate(url: str, pid: int) -> None:
    """End a server process from another connection, and wait until it is gone."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 30
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid=%s", (pid,)).fetchone():
            assert time.monotonic() < deadline, "the server process did not end"
            time.sleep(0.02)


def test_a_connection_dropped_mid_transaction_is_rolled_back_and_replaced(tmp_path, pg_url):
    cat = Catalog(tmp_path / "catalog.sqlite", pg_url)
    first = cat.conn().raw.info.backend_pid
    with pytest.raises(psycopg.OperationalError):
        with cat.tx() as c:
            cat.bump_version(c)
            c.execute("INSERT INTO ingest_errors (name, message) VALUES (?, ?)", ("a.csv", "half"))
            terminate(pg_url, first)
            c.execute("INSERT INTO ingest_errors (name, message) VALUES (?, ?)", ("b.csv", "never"))
    assert cat.version() == 0 and cat.errors() == []  # the same thread reconnects on its next use
    second = cat.conn().raw.info.backend_pid
    assert second != first
    terminate(pg_url, second)  # dropped while idle: the next read and the next write reconnect
    assert cat.files() == []
    terminate(pg_url, cat.conn().raw.info.backend_pid)
    cat.record_error("c.csv", None, ValueError("bad"))
    assert [e["name"] for e in cat.errors()] == ["c.csv"]


def test_without_postgresql_its_tests_skip_unless_required(monkeypatch):
    import pg

    monkeypatch.setattr(pg, "_bin", lambda name: None)
    monkeypatch.delenv("EXCELCHAT_REQUIRE_PG", raising=False)
    with pytest.raises(pytest.skip.Exception, match="initdb"):
        pg.start_server()
    monkeypatch.setenv("EXCELCHAT_REQUIRE_PG", "1")  # CI: a missing server is a failure
    with pytest.raises(pytest.fail.Exception, match="EXCELCHAT_REQUIRE_PG"):
        pg.start_server()


def test_a_url_that_is_not_postgresql_is_refused(tmp_path):
    from core.errors import WorkspaceError

    with pytest.raises(WorkspaceError, match="postgresql://"):
        Catalog(tmp_path / "catalog.sqlite", "mysql://db/excel")
