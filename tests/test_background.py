"""Background work: a stored file is answerable before it is embedded, the indexer's worker embeds it later
(status, failures named, removal mid-embedding, restart), and the upload queue stores every dropped file.
Real files, real FAISS, the real bundled model (wrapped so a test can hold an embedding or make one fail)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from core import Settings, Uploads, Workspace, ui  # noqa: E402
from core.answer import Answerer  # noqa: E402
from core.chat import ChatPipeline  # noqa: E402
from core.index import Embedder, SemanticIndex  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WAIT = 120  # seconds a worker may take before the test gives up (a bound on hanging, not a speed check)


class HeldEmbedder:
    """The real model, but embedding a file waits for `gate`, and texts holding `fail_on` raise."""

    def __init__(self, fail_on: str | None = None):
        self.real = Embedder(Settings())
        self.model, self.dim, self.key = self.real.model, self.real.dim, self.real.key
        self.gate, self.entered = threading.Event(), threading.Event()
        self.fail_on, self.threads = fail_on, []

    def embed(self, texts):
        self.threads.append(threading.current_thread().name)
        self.entered.set()
        if self.fail_on and any(self.fail_on in t for t in texts):
            raise RuntimeError("the embedding model ran out of memory")
        assert self.gate.wait(WAIT), "the test never opened the gate"
        return self.real.embed(texts)

    def embed_query(self, text):
        return self.real.embed_query(text)


def books(d: Path) -> dict[str, Path]:
    d.mkdir(parents=True, exist_ok=True)
    paths = {"sales": d / "sales.xlsx", "staff": d / "staff.csv", "broken": d / "sensors.csv"}
    pd.DataFrame({"Region": ["North", "South", "East", "West"], "Total Sales": [1200, 3400, 560, 780]}).to_excel(
        paths["sales"], index=False)
    pd.DataFrame({"Name": ["Ann Lee", "Bob Ray"], "Badge": ["AB-1001", "ZX-9931"]}).to_csv(paths["staff"], index=False)
    pd.DataFrame({"Sensor": ["KABOOM-1", "KABOOM-2"], "Reading": [1.5, 2.5]}).to_csv(paths["broken"], index=False)
    return paths


def open_ws(home: Path, emb, **kw) -> tuple[Workspace, SemanticIndex]:
    s = Settings(home=home, llm_enabled=False, isolate_parsing=False, **kw)
    ws = Workspace(s)
    return ws, SemanticIndex(ws, s, embedder=emb, background=True)


def test_a_file_is_answerable_before_its_embedding_finishes(tmp_path, db_url):
    emb = HeldEmbedder()
    ws, idx = open_ws(tmp_path / "ws", emb, database_url=db_url)
    fid = ws.add_file(books(tmp_path)["sales"])["file_id"]  # returns while the embedding is held
    assert emb.entered.wait(WAIT)
    status = idx.indexing_status()
    assert status.pending == ("sales.xlsx",) and status.current == "sales.xlsx" and status.chunks_total > 0
    assert ui.indexing_text(status).startswith("Indexing 1 file: 0/")
    ans = ChatPipeline(Answerer(ws)).answer("What is the total of Total Sales?")
    assert not ans.error and ans.value == 5940, (ans.error, ans.value)
    assert idx.search("revenue by region") == []  # not indexed yet: skipped, never embedded by the search
    emb.gate.set()
    assert idx.wait_idle(WAIT)
    hits = idx.search("revenue by region")
    assert hits and hits[0].file_id == fid
    assert set(emb.threads) == {"excelchat-indexer"}  # only the worker embedded chunks
    assert idx.indexing_status() == type(status)() and [f["indexed"] for f in ws.files()] == [1]


def test_a_file_that_fails_to_index_is_named_and_the_others_are_searchable(tmp_path):
    emb = HeldEmbedder(fail_on="KABOOM")
    emb.gate.set()
    ws, idx = open_ws(tmp_path / "ws", emb)
    p = books(tmp_path)
    bad = ws.add_file(p["broken"])["file_id"]
    good = ws.add_file(p["staff"])["file_id"]
    assert idx.wait_idle(WAIT)
    status = idx.indexing_status()
    assert status.failed == (("sensors.csv", "the embedding model ran out of memory"),) and not status.busy
    assert ui.indexing_failures(status)[0].startswith("sensors.csv could not be indexed: the embedding model ran out")
    assert ui.unindexed_lines(ws.files(), idx.indexed_file_ids(), status) == [
        "sensors.csv: could not be indexed: the embedding model ran out of memory"]
    assert idx.indexed_file_ids() == {good}
    assert idx.search("ZX-9931")[0].file_id == good
    assert idx.indexing_status().failed  # a search does not retry the failed file over and over
    ws.remove_file(bad)
    assert idx.indexing_status().failed == ()


def test_removing_files_while_queued_or_embedded_leaves_a_consistent_index(tmp_path, db_url):
    emb = HeldEmbedder()
    ws, idx = open_ws(tmp_path / "ws", emb, database_url=db_url)
    p = books(tmp_path)
    first = ws.add_file(p["sales"])["file_id"]
    assert emb.entered.wait(WAIT)  # sales.xlsx is being embedded
    queued = ws.add_file(p["broken"])["file_id"]
    kept = ws.add_file(p["staff"])["file_id"]
    assert idx.indexing_status().pending == ("sales.xlsx", "sensors.csv", "staff.csv")
    ws.remove_file(first)
    ws.remove_file(queued)
    assert idx.indexing_status().pending[1:] == ("staff.csv",)
    emb.gate.set()
    assert idx.wait_idle(WAIT)
    assert [f["id"] for f in ws.files()] == [kept] and idx.indexed_file_ids() == {kept}
    data_dirs = {f["data_dir"] for f in ws.catalog.file_dirs()}
    assert {d.name for d in (ws.home / "index").iterdir()} == data_dirs  # no folder of a removed file
    assert {h.file_id for h in idx.search("sales by region", k=50)} == {kept}
    assert idx.indexing_status().failed == ()


def test_a_file_derived_again_while_it_is_embedded_is_indexed_as_it_is_now(tmp_path):
    emb = HeldEmbedder()
    ws, idx = open_ws(tmp_path / "ws", emb)
    fid = ws.add_file(books(tmp_path)["sales"])["file_id"]
    assert emb.entered.wait(WAIT)
    old_dir = ws.catalog.file(fid)["data_dir"]
    ws.rederive(fid)  # e.g. a user's row decision: new tables and folder, the same file id
    new_dir = ws.catalog.file(fid)["data_dir"]
    assert new_dir != old_dir
    emb.gate.set()
    assert idx.wait_idle(WAIT)
    assert idx.indexed_file_ids() == {fid}
    assert {d.name for d in (ws.home / "index").iterdir()} == {new_dir}  # the first embedding was dropped
    assert {h.table_id for h in idx.search("sales by region")} == {t.id for t in ws.tables(fid)}


def test_a_restart_indexes_the_files_left_unindexed(tmp_path, db_url):
    p = books(tmp_path)
    ws = Workspace(Settings(home=tmp_path / "ws", isolate_parsing=False, build_index=False, database_url=db_url))
    ids = {ws.add_file(p[k])["file_id"] for k in ("sales", "staff")}  # stored, never indexed (a crash, or no index)
    emb = HeldEmbedder()
    ws2, idx = open_ws(tmp_path / "ws", emb, database_url=db_url)
    assert sorted(idx.indexing_status().pending) == ["sales.xlsx", "staff.csv"]
    emb.gate.set()
    assert idx.wait_idle(WAIT)
    assert idx.indexed_file_ids() == ids and all(f["indexed"] for f in ws2.files())
    assert idx.search("ZX-9931")[0].file == "staff.csv"
    calls = len(emb.threads)
    assert idx.rebuild_in_background() == 2 and idx.wait_idle(WAIT)  # Settings' "Re-index all files"
    assert idx.indexed_file_ids() == ids and len(emb.threads) == calls  # rebuilt from the embedding cache


def test_the_upload_queue_stores_every_file_and_names_the_bad_one(tmp_path):
    ws = Workspace(Settings(home=tmp_path / "ws", isolate_parsing=False, build_index=False))
    q = Uploads(ws)
    p = books(tmp_path)
    ids = [q.submit("broken.xlsx", b"not a workbook", "jo"), q.submit("sales.xlsx", p["sales"].read_bytes(), "jo"),
           q.submit("staff.csv", p["staff"].read_bytes(), "jo")]
    assert q.wait(ids, WAIT)
    jobs = q.jobs(ids)
    assert [j.failed for j in jobs] == [True, False, False] and "broken.xlsx" in jobs[0].report["error"]
    assert sorted(f["name"] for f in ws.files()) == ["sales.xlsx", "staff.csv"]
    assert all(f["uploaded_by"] == "jo" for f in ws.files())


def _progress_script(idx):
    from pages._progress import show_index_status

    show_index_status(idx)


@pytest.fixture
def progress_state(tmp_path):
    """An index embedding one file (held) with another queued and a third that failed."""
    emb = HeldEmbedder(fail_on="KABOOM")
    ws, idx = open_ws(tmp_path / "ws", emb)
    p = books(tmp_path)
    ws.add_file(p["broken"])
    assert idx.wait_idle(WAIT)  # sensors.csv failed
    ws.add_file(p["sales"])
    ws.add_file(p["staff"])
    assert emb.entered.wait(WAIT)
    yield idx
    emb.gate.set()
    idx.wait_idle(WAIT)


def test_the_sidebar_shows_indexing_progress_and_names_failed_files(progress_state, monkeypatch):
    monkeypatch.chdir(ROOT)
    at = AppTest.from_function(_progress_script, args=(progress_state,), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    status = progress_state.indexing_status()
    bar = [e for e in at.get("progress")]
    assert len(bar) == 1 and f"Indexing 2 files: 0/{status.chunks_total} chunks (now sales.xlsx)" in bar[0].proto.text
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and warnings[0].startswith("sensors.csv could not be indexed: the embedding model ran out")


def test_stop_drops_the_queue_and_ends_the_running_embedding_at_its_next_batch():
    """What runs at interpreter exit: the worker must not be left inside the model (ONNX Runtime aborts)."""
    from core.indexer import Indexer

    started, batches = threading.Event(), []

    def build(file_id, progress):  # a long embedding: a batch at a time, each reporting its progress
        started.set()
        for i in range(10_000):
            batches.append(i)
            progress("embedding", i / 10_000, f"batch {i}")
            threading.Event().wait(0.01)

    ix = Indexer(build, lambda fid: (f"file{fid}.xlsx", 10_000))
    for fid in (1, 2, 3):
        ix.submit(fid)
    assert started.wait(WAIT)
    assert ix.status().pending == ("file1.xlsx", "file2.xlsx", "file3.xlsx")
    assert ix.stop(WAIT)
    assert ix.status().pending == () and ix.status().failed == ()  # a stop is not a failure
    assert len(batches) < 10_000  # ended early, not run to completion


def test_a_model_load_refused_at_interpreter_exit_is_no_failure(caplog):
    """Python refuses new executors once its exit has begun (threading's shutdown runs before atexit stops the
    indexer): that build ends quietly, with no failed file and no logged traceback; other errors still count."""
    from core.indexer import Indexer

    def build(fid, progress):
        if fid == 1:
            raise RuntimeError("cannot schedule new futures after interpreter shutdown")
        raise RuntimeError("the model file is damaged")

    ix = Indexer(build, lambda fid: (f"file{fid}.xlsx", 10))
    with caplog.at_level("INFO", logger="core.indexer"):
        ix.submit(1)
        assert ix.wait_idle(30)
        assert ix.status().failed == () and not [r for r in caplog.records if r.levelname == "ERROR"]
        ix.submit(2)
        assert ix.wait_idle(30)
    assert ix.status().failed == (("file2.xlsx", "the model file is damaged"),)
