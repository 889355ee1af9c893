"""The real server, started the way `make run` starts it (only the port is given on the command line, so
.streamlit/config.toml is what is tested): a guest keeps their conversations across a reload and no other
guest sees them; the server watches no files and its log stays quiet through a busy workspace and a SIGTERM
(no "Inotify queue overflowed", no DuckDB/nanobind "leaked" lines). The CLI exits as quietly.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOISE = re.compile(r"inotify|leaked|nanobind|traceback", re.IGNORECASE)
QUESTION = "What is the total of sales?"
CSV = b"region,sales\nNorth,10\nSouth,20\nEast,12\n"


def quiet_env(**extra) -> dict:
    return dict(os.environ, EXCELCHAT_LLM="0", OLLAMA_HOST="http://127.0.0.1:9", HF_HUB_OFFLINE="1",
                TRANSFORMERS_OFFLINE="1", OMP_WAIT_POLICY="PASSIVE", **extra)


@pytest.mark.slow
def test_cli_ask_exits_without_teardown_noise(tmp_path):
    (tmp_path / "sales.csv").write_bytes(CSV)
    out = subprocess.run([sys.executable, "-m", "core", "ask", str(tmp_path / "sales.csv"), "-q", QUESTION, "--json"],
                         cwd=ROOT, env=quiet_env(EXCELCHAT_INDEX="1"), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert '"value": 42.0' in out.stdout
    assert not NOISE.search(out.stderr), out.stderr[-2000:]


class Server:
    """`streamlit run app.py` with the semantic index on (its model loaded alongside DuckDB is what used to
    make the connection outlive teardown) and its workspace under the app folder, where a file watcher would
    see it, like the default ./workspace (tests/artifacts/ here, so a real workspace is never touched)."""

    def __init__(self):
        from test_browser import free_port

        self.home = ROOT / "tests" / "artifacts" / f"server-home-{uuid.uuid4().hex[:8]}"
        self.home.mkdir(parents=True)
        sys.path.insert(0, str(ROOT))
        from core import Settings, Workspace

        ws = Workspace(Settings(home=self.home, build_index=False, isolate_parsing=False))
        assert ws.add_bytes("sales.csv", CSV, uploaded_by="setup")["status"] == "ok"
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log_path = self.home.parent / f"{self.home.name}.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", self.url.rsplit(":", 1)[1]],
            cwd=ROOT, env=quiet_env(EXCELCHAT_HOME=str(self.home), EXCELCHAT_INDEX="1"),
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 90
        while True:
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=2).read() == b"ok":
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError("streamlit did not start:\n" + self.output()[-3000:])
            time.sleep(0.3)

    def inotify_fds(self) -> int:
        fds = Path(f"/proc/{self.proc.pid}/fd")
        return sum(1 for fd in fds.iterdir() if "inotify" in _readlink(fd))

    def stop(self) -> int | None:
        """SIGTERM, as a service manager stops it; the exit status (None if it had to be killed)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                return None
        self.log.close()
        return self.proc.returncode

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)
        self.log_path.unlink(missing_ok=True)


def _readlink(p: Path) -> str:
    try:
        return os.readlink(p)
    except OSError:  # the descriptor closed meanwhile
        return ""


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.remove()


@pytest.fixture(scope="module")
def browser():
    from test_browser import ARGS, CHROMIUM, sync_api

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def open_chat(browser, url: str):
    from test_browser import idle

    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(url)
    page.locator("[data-testid='stChatInputTextArea']").wait_for(timeout=120_000)
    idle(page)
    return ctx, page


def guest_in(page) -> str:
    m = re.search(r"[?&]guest=([0-9a-f]+)", page.url)
    assert m, page.url
    return m.group(1)


def conversation_button(page):
    return page.locator("[data-testid='stSidebar']").get_by_role("button", name=re.compile(re.escape(QUESTION)))


@pytest.mark.browser
def test_a_guest_keeps_their_conversation_after_a_reload_and_another_guest_does_not_see_it(server, browser):
    from test_browser import ask, go, idle

    ctx, page = open_chat(browser, server.url + "/")
    token = guest_in(page)
    assert len(token) == 32
    ask(page, QUESTION)
    page.get_by_text("The total of sales is 42").first.wait_for(timeout=120_000)
    idle(page)
    page.reload()
    page.locator("[data-testid='stChatInputTextArea']").wait_for(timeout=60_000)
    idle(page)
    assert guest_in(page) == token
    conversation_button(page).first.wait_for(timeout=30_000)
    go(page, "Files")  # a page switch keeps the guest id in the address too
    assert guest_in(page) == token
    other_ctx, other = open_chat(browser, server.url + "/")
    assert guest_in(other) != token
    assert conversation_button(other).count() == 0
    assert "The total of sales is 42" not in other.inner_text("body")
    ctx.close()
    other_ctx.close()


@pytest.mark.browser
def test_the_server_watches_no_files_and_stops_quietly(server, browser):
    """After a question (DuckDB in use next to the loaded index) and a burst of files in the workspace, the
    server holds no inotify watch, and a SIGTERM stops it without a noise line in its log."""
    from test_browser import ask, idle

    ctx, page = open_chat(browser, server.url + "/")
    ask(page, QUESTION)
    page.get_by_text("The total of sales is 42").first.wait_for(timeout=120_000)
    idle(page)
    burst = server.home / "files" / "burst"
    burst.mkdir()
    for i in range(3000):
        (burst / f"{i}.txt").write_bytes(b"x")
    assert server.inotify_fds() == 0
    ctx.close()
    assert server.stop() is not None, "SIGTERM stopped the server"
    out = server.output()
    assert "Stopping..." in out
    assert not NOISE.search(out), out[-3000:]


def test_open_engines_are_closed_at_exit(tmp_path, monkeypatch):
    """close_all (run by atexit) closes and drops every engine's connection; a closed engine says so."""
    import weakref

    sys.path.insert(0, str(ROOT))
    from core import QueryError, Settings, Workspace, query
    from core.query import QueryEngine, close_all

    monkeypatch.setattr(query, "_OPEN", weakref.WeakSet())  # only this test's engines: others stay open
    ws = Workspace(Settings(home=tmp_path, build_index=False, isolate_parsing=False))
    assert ws.add_bytes("sales.csv", CSV, uploaded_by="setup")["status"] == "ok"
    engines = [QueryEngine(ws), QueryEngine(ws)]
    assert engines[0]._execute('SELECT SUM(sales) FROM "sales"', []).iloc[0, 0] == 42
    close_all()
    assert all(e.con is None for e in engines)
    with pytest.raises(QueryError, match="closed"):
        engines[1]._execute("SELECT 1", [])
    engines[0].close()  # idempotent
