"""Replicas (issue #19): two app servers as two real OS processes (multiprocessing, spawn), each with its own
Workspace, background SemanticIndex and index folder, sharing one home folder and one catalog database.
A file added through one is answered and searched through the other without being embedded again; a
removal is seen by both; the same bytes uploaded through both are stored once; a replica killed mid-ingest
leaves the other consistent; a file left unindexed is embedded after the grace period, once. Real files,
real catalog, real FAISS and the bundled model in each child."""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
import types
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core import Settings

WAIT = 60  # seconds before a poll gives up (a bound on hanging, not a speed check)
GRACE = 3.0  # replica one's index_grace_s


def database_kw(db_url: str) -> dict:
    """`database_url=` for Settings (db_url: conftest's fixture, SQLite and a fresh PostgreSQL database)."""
    return {"database_url": db_url}


# --- the replica: a child process serving commands over a pipe -------------------------------------
def _serve(conn, home: str, index_dir: str, grace: float, db_kw: dict) -> None:
    """One app server: Workspace + SemanticIndex(background=True) + the chat pipeline, LLM off."""
    for k, v in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_WAIT_POLICY": "PASSIVE"}.items():
        os.environ[k] = v
    from core import Answerer, ChatPipeline, Workspace
    from core.index import SemanticIndex

    s = Settings(home=Path(home), index_dir=index_dir, index_grace_s=grace, llm_enabled=False, planner="offline",
                 isolate_parsing=False, **db_kw)
    ws = Workspace(s)
    idx = SemanticIndex(ws, s, background=True)
    idx.embedder  # noqa: B018 - the model is loaded once, before the first command
    pipe = ChatPipeline(Answerer(ws, index=idx), s, index=idx)

    def ask(question):
        a = pipe.answer(question, use_llm=False)
        return {"status": a.status, "value": a.value, "error": a.error, "files": [x["file"] for x in a.sources]}

    def add(path, at=None, report_saving=False):
        """Upload a file as the app does (its bytes); `at`: at that moment; report_saving: tell the parent
        when its tables are being written, then wait there (to be killed mid-ingest)."""
        if at is not None:
            time.sleep(max(0.0, at - time.time()))

        def progress(stage, fraction, message):
            if report_saving and stage == "saving":
                conn.send(("saving", None))
                time.sleep(WAIT)
        rep = ws.add_bytes(Path(path).name, Path(path).read_bytes(), progress=progress)
        return {"file_id": rep["file_id"], "cached": bool(rep.get("cached"))}

    commands = {
        "add": add, "ask": ask, "remove": ws.remove_file, "rederive": lambda fid: ws.rederive(fid)["file_id"],
        "collect_debris": ws.collect_debris,
        "files": lambda: [dict(f) for f in ws.catalog.file_dirs()],
        "search": lambda q, k=10: [h.file_id for h in idx.search(q, k=k)],
        "embedded": lambda: idx.embedded, "wait_idle": lambda: idx.wait_idle(WAIT),
    }
    conn.send(("ready", os.getpid()))
    while True:
        cmd, args = conn.recv()
        if cmd == "stop":  # the worker out of the model first (ONNX Runtime aborts under a daemon thread)
            idx.indexer.stop()
            conn.send(("ok", None))
            os._exit(0)  # the interpreter's own shutdown takes seconds and checks nothing here
        try:
            conn.send(("ok", commands[cmd](*args)))
        except Exception as e:  # reported to the test, which fails on it
            conn.send(("error", f"{type(e).__name__}: {e}"))


@contextmanager
def _plain_main():
    """Start a child with an empty __main__: an AppTest run earlier in this process leaves its script as
    __main__, and a spawned child would re-run that script's file (gone by then) before anything else."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class Replica:
    def __init__(self, home: Path, index_dir: Path, db_url: str, grace: float):
        self.home, self.index_dir = home, index_dir
        self.conn, child = mp.get_context("spawn").Pipe()
        self.proc = mp.get_context("spawn").Process(target=_serve, args=(child, str(home), str(index_dir), grace,
                                                                         database_kw(db_url)), daemon=True)
        with _plain_main():
            self.proc.start()

    def ready(self) -> Replica:
        assert self.receive(120)[0] == "ready"  # first start: imports and the ONNX export
        return self

    def receive(self, timeout: float = WAIT):
        assert self.conn.poll(timeout), "the replica did not answer"
        return self.conn.recv()

    def send(self, cmd: str, *args) -> None:
        self.conn.send((cmd, args))

    def __call__(self, cmd: str, *args):
        self.send(cmd, *args)
        status, value = self.receive()
        assert status == "ok", value
        return value

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.join(WAIT)

    def close(self) -> None:
        if self.proc.is_alive():
            try:
                self("stop")
            except (AssertionError, OSError, EOFError):
                pass
            self.proc.join(WAIT)
        if self.proc.is_alive():
            self.kill()


@pytest.fixture(scope="module")
def models(request, tmp_path_factory):
    """One ONNX export of the bundled model for every test's home (<home>/models links here), kept in pytest's
    cache between runs (its folder is named by the weights' fingerprint, so new weights export again)."""
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    return cache.mkdir("excelchat-onnx-models") if cache is not None else tmp_path_factory.mktemp("models")


@pytest.fixture
def replicas(tmp_path, db_url, models):
    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(models)
    # the first takes over a file left unindexed after 3 s, the second only after the default 60 s (so it
    # never embeds what the first is embedding, however busy the machine)
    first = Replica(home, tmp_path / "index-1", db_url, GRACE)
    exported = any(models.rglob("*.onnx"))
    if not exported:
        first.ready()  # it exports the model once (the first test); the second then only loads it
    second = Replica(home, tmp_path / "index-2", db_url, Settings().index_grace_s)
    if exported:
        first.ready()
    pair = [first, second.ready()]
    yield pair
    for r in pair:
        r.close()


def ledger(path: Path, places: list[str], n: int = 40, seed: int = 1, measure: str = "Quantity") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"Part": [f"P-{seed}{i:03d}" for i in range(n)], "Depot": [places[i % len(places)] for i in range(n)],
                       measure: rng.integers(1, 500, n)})
    df.to_csv(path, index=False)
    return df


def poll(fn, timeout: float = WAIT):
    """fn() until it is truthy; its last value (falsy when the timeout came first)."""
    end = time.monotonic() + timeout
    while not (v := fn()) and time.monotonic() < end:
        time.sleep(0.1)
    return v


def data_dir(replica: Replica, file_id: int) -> str:
    return next(f["data_dir"] for f in replica("files") if f["id"] == file_id)


# --- the tests ------------------------------------------------------------------------------------
def test_a_file_added_through_one_replica_is_answered_and_found_through_the_other(replicas, tmp_path):
    one, two = replicas
    df = ledger(tmp_path / "parts ledger.csv", ["Lisbon harbour", "Oslo fjord"], n=3000)
    fid = one("add", str(tmp_path / "parts ledger.csv"))["file_id"]
    t0 = time.monotonic()
    assert poll(lambda: fid in two("search", "parts in the Lisbon harbour depot")), "never searchable in replica 2"
    print(f"replica 2 found the file {time.monotonic() - t0:.2f} s after replica 1 stored it")
    assert two("embedded") == 0 and one("embedded") > 0  # embedded once, by the replica that stored it
    ans = two("ask", "What is the total Quantity?")
    assert ans["status"] == "answered" and ans["value"] == df["Quantity"].sum(), ans
    assert ans["files"] == ["parts ledger.csv"]
    d = data_dir(one, fid)
    assert (one.index_dir / d / "meta.json").exists() and (two.index_dir / d / "meta.json").exists()
    assert not (one.home / "index" / d).exists()  # each replica writes its own folder only
    route = two("ask", "How many parts are in Oslo fjord?")
    assert route["status"] == "answered" and route["value"] == (df["Depot"] == "Oslo fjord").sum(), route


def test_a_removal_through_one_replica_is_seen_by_both(replicas, tmp_path):
    one, two = replicas
    ledger(tmp_path / "kept.csv", ["Riga dock"], seed=2)
    ledger(tmp_path / "gone.csv", ["Tallinn quay"], seed=3)
    kept = one("add", str(tmp_path / "kept.csv"))["file_id"]
    gone = one("add", str(tmp_path / "gone.csv"))["file_id"]
    for r in (one, two):
        assert poll(lambda r=r: {kept, gone} <= set(r("search", "parts in the Tallinn quay depot", 50)))
    old = data_dir(one, gone)
    one("rederive", gone)  # derived again (a user's row decision): a new folder, the same file id
    d = data_dir(one, gone)
    assert d != old and poll(lambda: gone in two("search", "Tallinn quay", 50) and (two.index_dir / d).exists())
    assert not (two.index_dir / old).exists() and two("embedded") == 0  # built again from the cache
    two("remove", gone)
    for r in (one, two):
        hits = r("search", "parts in the Tallinn quay depot", 50)
        assert hits and gone not in hits and kept in hits  # at the next search, no waiting
        assert not (r.index_dir / d).exists()
        ans = r("ask", "What is the total Quantity?")
        assert ans["status"] == "answered" and ans["files"] == ["kept.csv"], ans


def test_the_same_bytes_uploaded_through_both_replicas_at_once_are_stored_once(replicas, tmp_path):
    one, two = replicas
    ledger(tmp_path / "twice.csv", ["Gdansk pier"], n=2000, seed=4)
    at = time.time() + 1.0
    for r in (one, two):
        r.send("add", str(tmp_path / "twice.csv"), at)
    reps = [r.receive() for r in (one, two)]
    assert all(s == "ok" for s, _ in reps), reps
    assert reps[0][1]["file_id"] == reps[1][1]["file_id"] and sorted(r["cached"] for _, r in reps) == [False, True]
    files = one("files")
    assert len(files) == 1
    assert [p.name for p in (one.home / "files").iterdir()] == [files[0]["data_dir"]]
    assert not any(p for p in (one.home / "tmp").iterdir())
    for r in (one, two):
        assert poll(lambda r=r: files[0]["id"] in r("search", "parts in the Gdansk pier depot"))


def test_a_replica_killed_mid_ingest_leaves_the_other_consistent(replicas, tmp_path):
    one, two = replicas
    ledger(tmp_path / "before.csv", ["Bergen wharf"], seed=5)
    before = one("add", str(tmp_path / "before.csv"))["file_id"]
    big = ledger(tmp_path / "big.csv", ["Hamburg basin", "Antwerp dock"], n=200_000, seed=6,
                 measure="Crates")
    two.send("add", str(tmp_path / "big.csv"), None, True)
    assert two.receive()[0] == "saving"  # its tables are being written under tmp/
    in_flight = sorted(p.name for p in (one.home / "tmp").iterdir())
    assert len(in_flight) == 4  # the upload's bytes and its tables' folder, each with its lock file
    assert one("collect_debris") == 0  # a live replica's ingest is left alone
    two.kill()
    assert [f["id"] for f in one("files")] == [before]  # no partial file in the catalog
    assert one("collect_debris") == 2
    assert not any((one.home / "tmp").iterdir())
    assert [p.name for p in (one.home / "files").iterdir()] == [data_dir(one, before)]
    ledger(tmp_path / "after.csv", ["Porto quay"], seed=7)
    after = one("add", str(tmp_path / "after.csv"))["file_id"]
    assert poll(lambda: after in one("search", "parts in the Porto quay depot"))
    assert before in one("search", "parts in the Bergen wharf depot")
    again = one("add", str(tmp_path / "big.csv"))  # the killed upload, again
    assert not again["cached"]
    ans = one("ask", "What is the total of Crates?")
    assert ans["status"] == "answered" and ans["value"] == big["Crates"].sum() and ans["files"] == ["big.csv"], ans


def test_a_file_left_unindexed_is_embedded_after_the_grace_period_then_shared(replicas, tmp_path, db_url):
    """A replica stored a file and died before embedding it (here: a process storing without an index)."""
    from core import Workspace

    one, two = replicas
    ledger(tmp_path / "orphan.csv", ["Cadiz slip"], seed=8)
    ws = Workspace(Settings(home=one.home, build_index=False, isolate_parsing=False, **database_kw(db_url)))
    fid = ws.add_file(tmp_path / "orphan.csv")["file_id"]
    t0 = time.monotonic()
    assert fid not in one("search", "parts in the Cadiz slip depot")  # not before the grace period
    assert poll(lambda: fid in one("search", "parts in the Cadiz slip depot"))
    assert time.monotonic() - t0 >= GRACE and one("embedded") == len(ws.chunks(fid)) > 0
    assert poll(lambda: fid in two("search", "parts in the Cadiz slip depot"))  # from the cache: before its 60 s
    assert two("embedded") == 0
