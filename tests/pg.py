"""A real PostgreSQL server for the tests: Debian's initdb/pg_ctl in a temporary directory, listening on a unix
socket there and on 127.0.0.1, one fresh database per test. Missing binaries skip the PostgreSQL tests,
unless EXCELCHAT_REQUIRE_PG=1 (CI), which makes them fail."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One throw-away cluster; `new_database()` gives each test its own database URL."""

    def __init__(self, initdb: str, pg_ctl: str):
        self.initdb, self.pg_ctl = initdb, pg_ctl
        self.dir = Path(tempfile.mkdtemp(prefix="excelchat-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        # initdb refuses to run as root: run the server as the postgres user the Debian package creates
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.dir / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stdout}{done.stderr}{tail}")

    def start(self) -> PgServer:
        self._run(self.initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        opts = (f"-k {self.dir} -h 127.0.0.1 -p {self.port} -c fsync=off -c synchronous_commit=off"
                " -c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB")
        self._run(self.pg_ctl, "-D", str(self.data), "-l", str(self.dir / "log"), "-o", opts, "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        try:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        """A URL over the unix socket (the server also listens on 127.0.0.1:`port`)."""
        return f"postgresql://postgres@/{dbname}?host={self.dir}&port={self.port}"

    def tcp_url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.url(), autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        return self.url(name)


def start_server() -> PgServer:
    """Start a server, or skip (fail when EXCELCHAT_REQUIRE_PG=1) when PostgreSQL is not installed."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not (initdb and pg_ctl) or (os.geteuid() == 0 and not _has_user("postgres")):
        msg = "PostgreSQL's initdb/pg_ctl (and, as root, its postgres user) not found (Debian package `postgresql`)"
        if os.environ.get("EXCELCHAT_REQUIRE_PG") == "1":
            pytest.fail(msg + " and EXCELCHAT_REQUIRE_PG=1", pytrace=False)
        pytest.skip(msg)
    return PgServer(initdb, pg_ctl).start()


class CatalogsOnPostgres:
    """The whole-suite PostgreSQL run (EXCELCHAT_TEST_BACKEND=postgres): every catalog opened without a database
    URL gets a PostgreSQL database instead of `<home>/catalog.sqlite`, one per home folder, so two workspaces on
    one home still share one catalog and two homes stay apart."""

    def __init__(self, server: PgServer, monkeypatch):
        import core.catalog
        import core.workspace

        self.server, self.by_home = server, {}
        real = core.catalog.Catalog

        def catalog(path, url: str = ""):
            return real(path, url or self.url_for(Path(path).parent))
        monkeypatch.setattr(core.workspace, "Catalog", catalog)

    def url_for(self, home: Path) -> str:
        key = str(home.resolve())
        if key not in self.by_home:
            self.by_home[key] = self.server.new_database()
        return self.by_home[key]
