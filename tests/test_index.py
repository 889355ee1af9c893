"""Semantic index: routing, hybrid search, the embedding cache, add/remove/restart, the CLI (real bundled model)."""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from core import Settings, Workspace  # noqa: E402
from core.index import Embedder, SemanticIndex, tokenize  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PRODUCTS = ["Men's Street Footwear", "Women's Apparel", "Men's Athletic Footwear", "Women's Street Footwear",
            "Men's Apparel"]
COMMENTS = ["the staff member was rude to me at the counter", "delivery arrived two days late and the box was damaged",
            "great service, thank you very much for the help", "the app crashes whenever I try to pay with my card",
            "I was charged twice for the same order last month", "the product stopped working after a week of use",
            "could not find the size I wanted in the store", "the website checkout page keeps timing out on me"]


def make_books(d: Path) -> dict[str, Path]:
    d.mkdir(parents=True, exist_ok=True)
    regions = ["North", "South", "East", "West"]
    sales = pd.DataFrame([{"Region": r, "Product": p, "Total Sales": 1000 + 37 * i + 11 * j}
                          for i, r in enumerate(regions) for j, p in enumerate(PRODUCTS)])
    staff = pd.DataFrame({"Name": ["Ann Lee", "Bob Ray", "Cy Diaz", "Di Wu", "Ed Fox"],
                          "Department": ["Finance", "Sales", "IT", "IT", "Finance"],
                          "Salary": [50000, 60000, 70000, 65000, 52000],
                          "Badge": ["AB-1001", "ZX-9931", "QQ-1200", "MM-4410", "KR-7702"]})
    tickets = pd.DataFrame({"Ticket": range(1, len(COMMENTS) + 1), "Comment": COMMENTS})
    paths = {"sales": d / "sales.xlsx", "staff": d / "staff.xlsx", "tickets": d / "tickets.csv"}
    sales.to_excel(paths["sales"], index=False)
    staff.to_excel(paths["staff"], index=False)
    tickets.to_csv(paths["tickets"], index=False)
    return paths


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    return make_books(tmp_path_factory.mktemp("books"))


@pytest.fixture(scope="module")
def built(tmp_path_factory, books):
    """One workspace with the three files, indexed through the workspace listener."""
    s = Settings(home=tmp_path_factory.mktemp("ws"))
    ws = Workspace(s)
    idx = SemanticIndex(ws, s)
    ids = {k: ws.add_file(p)["file_id"] for k, p in books.items()}
    sql = {k: ws.tables(fid)[0].sql_name for k, fid in ids.items()}
    return ws, idx, ids, sql


def test_tokenize_keeps_codes_whole_and_split():
    assert tokenize("Badge ZX-9931, men's") == ["badge", "zx-9931", "zx", "9931", "men", "s"]


def test_embedder_is_loaded_once_and_normalized(built):
    a, b = Embedder(Settings()), Embedder(Settings())
    assert a.model is b.model and a.dim == 384
    v = a.embed(["hello", "world"])
    assert v.shape == (2, 384) and str(v.dtype) == "float32"
    assert abs(float((v[0] ** 2).sum()) - 1.0) < 1e-4


def test_route_synonym_finds_sales_table(built):
    ws, idx, ids, sql = built
    r = idx.route("revenue by region")
    assert r["tables"][0][0] == sql["sales"]
    assert (sql["sales"], "Region") in [c for c, _ in r["columns"][:3]]


def test_route_finds_product_value(built):
    ws, idx, ids, sql = built
    r = idx.route("Men's Street Footwear")
    assert r["tables"][0][0] == sql["sales"]
    assert r["columns"][0][0] == (sql["sales"], "Product")
    assert (sql["sales"], "Product", "Men's Street Footwear") == tuple(r["values"][0][:3])
    r = idx.route("shoes for men")
    assert r["tables"][0][0] == sql["sales"]
    assert r["columns"][0][0] == (sql["sales"], "Product")
    assert any(v[:2] == (sql["sales"], "Product") and v[2].startswith("Men's") for v in r["values"])


def test_free_text_query_finds_ticket_row(built):
    ws, idx, ids, sql = built
    hits = idx.search("complaints about rude staff", k=3)
    assert any(h.sql_name == sql["tickets"] and h.kind in ("text", "rows") and "rude" in h.text for h in hits)
    top = idx.search("complaints about rude staff", k=1, kinds=["text"])[0]
    assert (top.sql_name, top.column, top.row_start) == (sql["tickets"], "Comment", 0)


def test_exact_code_ranks_first_through_bm25(built):
    ws, idx, ids, sql = built
    top = idx.search("ZX-9931", k=5)[0]
    assert "ZX-9931" in top.text and top.sql_name == sql["staff"]
    assert top.bm25 == 1.0


def test_filters(built):
    ws, idx, ids, sql = built
    hits = idx.search("sales", k=50, file_id=ids["staff"])
    assert hits and {h.file_id for h in hits} == {ids["staff"]}
    tid = ws.tables(ids["tickets"])[0].id
    hits = idx.search("sales", k=50, table_id=tid)
    assert hits and {h.table_id for h in hits} == {tid}
    hits = idx.search("footwear", k=50, kinds=["values", "columns"])
    assert hits and {h.kind for h in hits} <= {"values", "columns"}
    hits = idx.search("footwear", k=50, sheet="tickets")
    assert hits and {h.sheet for h in hits} == {"tickets"}
    assert idx.search("   ") == []


def test_concurrent_searches(built):
    ws, idx, ids, sql = built
    out, errs = [], []

    def run():
        try:
            out.append(idx.search("ZX-9931", k=1)[0].sql_name)
        except Exception as e:  # pragma: no cover - shown on failure
            errs.append(e)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errs and out == [sql["staff"]] * 6


def test_add_readd_remove_restart(tmp_path, books):
    s = Settings(home=tmp_path / "ws")
    ws = Workspace(s)
    idx = SemanticIndex(ws, s)
    stages = []
    fid = ws.add_file(books["staff"], progress=lambda st, fr, msg: stages.append(st))["file_id"]
    assert "embedding" in stages and "indexed" in stages
    first = idx.embedded
    assert first == len(ws.chunks(fid)) > 0
    data_dir = ws.catalog.query("SELECT data_dir FROM files WHERE id=?", (fid,))[0]["data_dir"]
    assert (ws.home / "index" / data_dir / "meta.json").exists()
    assert [f["indexed"] for f in ws.files()] == [1]
    tid = ws.add_file(books["tickets"])["file_id"]
    n = idx.embedded

    ws.add_file(books["staff"])  # same bytes: the workspace dedups, nothing is embedded
    ws.add_bytes("copy.xlsx", books["staff"].read_bytes())
    assert idx.embedded == n

    ws.remove_file(fid)
    assert not (ws.home / "index" / data_dir).exists()
    assert all(h.file_id != fid for h in idx.search("ZX-9931", k=20))

    fid2 = ws.add_file(books["staff"])["file_id"]  # back again: a new file id, every vector from the cache
    assert fid2 != fid and idx.embedded == n
    assert idx.search("ZX-9931", k=1)[0].file_id == fid2
    before = [(h.chunk_id, round(h.score, 4)) for h in idx.search("salary by department", k=5)]

    # restart: a new process-level view of the same workspace reloads from disk and embeds nothing
    (ws.home / "index" / "stray").mkdir()
    ws2 = Workspace(s)
    idx2 = SemanticIndex(ws2, s)
    assert len(SemanticIndex(ws2, s).ws.listeners) == 1  # a second index on one workspace replaces the first
    assert idx2.embedded == 0 and not (ws.home / "index" / "stray").exists()
    assert idx2.indexed_file_ids() == {f["id"] for f in ws2.files()} == {tid, fid2}
    assert [(h.chunk_id, round(h.score, 4)) for h in idx2.search("salary by department", k=5)] == before

    # a lost index folder is rebuilt on open from the cache; rebuild() re-embeds nothing either
    d2 = ws.catalog.query("SELECT data_dir FROM files WHERE id=?", (tid,))[0]["data_dir"]
    import shutil

    shutil.rmtree(ws.home / "index" / d2)
    idx3 = SemanticIndex(Workspace(s), s)
    assert (ws.home / "index" / d2 / "meta.json").exists() and idx3.embedded == 0
    assert idx3.rebuild() == 2 and idx3.embedded == 0
    assert idx3.search("complaints about rude staff", k=1, kinds=["text"])[0].file_id == tid


class BrokenEmbedder:
    dim = 384
    model = None

    def embed(self, texts):
        raise RuntimeError("model exploded")


def test_index_failure_keeps_the_file_and_is_repaired_on_open(tmp_path, books):
    s = Settings(home=tmp_path / "ws")
    ws = Workspace(s)
    SemanticIndex(ws, s, embedder=BrokenEmbedder())
    stages = []
    fid = ws.add_file(books["tickets"], progress=lambda st, fr, msg: stages.append(st))["file_id"]
    assert "index_error" in stages and [f["indexed"] for f in ws.files()] == [0]
    assert not any((ws.home / "index").iterdir())
    idx = SemanticIndex(Workspace(s), s)  # reconcile builds what is missing
    assert idx.embedded == len(ws.chunks(fid)) and [f["indexed"] for f in ws.files()] == [1]
    assert idx.indexed_file_ids() == {fid}


def test_cli_ingest_no_index_does_not_import_torch(tmp_path, books):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "core", "ingest", "--no-index", "--json",
                        "--workspace", str(tmp_path / "w"), str(books["sales"])],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "torch" not in r.stderr
    assert not any((tmp_path / "w" / "index").iterdir())


@pytest.mark.sqlite_only  # the CLI child opens <home>/catalog.sqlite
def test_cli_search(built):
    ws, idx, ids, sql = built
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "core", "search", "ZX-9931", "--workspace", str(ws.home),
                        "--k", "3", "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    hits = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert len(hits) == 3 and "ZX-9931" in hits[0]["text"] and hits[0]["sql_name"] == sql["staff"]


def test_bm25_scores_by_hand():
    import math

    from core.index import BM25

    docs = [["zx", "9931", "code"], ["code", "code"], ["other"]]
    bm = BM25(docs)
    s = bm.get_scores(["code", "missing"])
    avgdl = 2.0
    idf = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    expect = [idf * 1 * 2.5 / (1 + 1.5 * (0.25 + 0.75 * 3 / avgdl)), idf * 2 * 2.5 / (2 + 1.5 * (0.25 + 0.75 * 2 / avgdl)), 0.0]
    assert s.tolist() == pytest.approx(expect)
    assert bm.get_scores(["zx"]).argmax() == 0
