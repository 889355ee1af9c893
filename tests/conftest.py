"""Shared pytest fixtures. Keep this file small; helpers live in their own modules."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # so `import core` works however pytest is started
    sys.path.insert(0, str(ROOT))

from fake_ollama import FakeOllama  # noqa: E402

from core.config import Settings  # noqa: E402


@pytest.fixture
def fake_ollama():
    """A real HTTP server speaking Ollama's API on 127.0.0.1; script it with reply_*()."""
    with FakeOllama(models=["llama3:latest"]) as fake:
        yield fake


@pytest.fixture
def llm_settings(fake_ollama):
    """Settings pointing at the fake server, with fast retries."""
    return Settings(ollama_host=fake_ollama.url, ollama_model="llama3",
                    llm_backoff_s=0.01, llm_timeout_s=2, llm_attempts=3)


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for the whole session (tests/pg.py)."""
    import pg

    server = pg.start_server()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server):
    """The URL of a fresh PostgreSQL database."""
    return pg_server.new_database()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request):
    """Settings.database_url for each catalog backend: "" (SQLite under home) and a fresh PostgreSQL database.
    The whole-suite PostgreSQL run leaves out the SQLite case: its spawned children would open catalog.sqlite."""
    if request.param == "sqlite" and _postgres_run():
        pytest.skip("the SQLite case of a test run on both backends (the first pass ran it)")
    return request.getfixturevalue("pg_url") if request.param == "postgres" else ""


def _postgres_run() -> bool:
    return os.environ.get("EXCELCHAT_TEST_BACKEND") == "postgres"


@pytest.fixture(scope="session", autouse=True)
def _catalogs_on_postgres(request):
    """EXCELCHAT_TEST_BACKEND=postgres runs the whole suite with every catalog on PostgreSQL (tests/pg.py),
    module-scoped workspaces included."""
    if not _postgres_run():
        yield
        return
    import pg

    with pytest.MonkeyPatch.context() as mp:
        pg.CatalogsOnPostgres(request.getfixturevalue("pg_server"), mp)
        yield


@pytest.fixture(autouse=True)
def _sqlite_only(request):
    """In the PostgreSQL run, skip tests that read catalog.sqlite itself or whose child processes open a
    workspace without the test's database (a Streamlit server, a spawned worker)."""
    if _postgres_run() and (request.node.get_closest_marker("sqlite_only") or request.node.get_closest_marker("browser")):
        pytest.skip("SQLite only: reads catalog.sqlite itself or opens it from a child process")
