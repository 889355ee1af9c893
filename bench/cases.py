"""Benchmark cases. Each runs in its own process (see util.run_case) and returns a JSON-able dict.

Every case reports `base_rss_mb` (after its imports, before the work) so the worker's peak RSS can
be read as "imports + the work"."""
from __future__ import annotations

import gc
import hashlib
import json
import shutil
import tempfile
import threading
import time
from pathlib import Path

from . import data
from .util import measure, pct, rss_mb

ROOT = Path(__file__).resolve().parent.parent
REALBOOKS = ROOT.parent / "shared" / "realbooks"
QA = ROOT.parent / "shared" / "qa" / "questions.jsonl"
BIG_LIMITS = dict(max_rows=10_000_000, max_cells=500_000_000)


def settings(home, **kw):
    from core.config import Settings

    base = dict(home=Path(home), build_index=False, llm_enabled=False, planner="offline", max_upload_mb=2000,
                max_rows_per_file=10_000_000, max_cells_per_file=500_000_000)
    base.update(kw)
    return Settings(**base)


def index_available() -> bool:
    return (ROOT / "core" / "index.py").exists()


def chat_available() -> bool:
    return (ROOT / "core" / "chat.py").exists()


# --- 1. read ------------------------------------------------------------------------
def _reader(reader: str):
    """A function path -> rows read, for each reader under comparison."""
    import pandas as pd

    if reader == "ours":
        from core.readers import read_file
        from core.tables import detect_tables

        def f(p):
            book = read_file(Path(p), Path(p).name, **BIG_LIMITS)
            return sum(len(t.df) for sh in book.sheets for t in detect_tables(sh)[0])
    elif reader == "ours_grid":  # the CSV path before the columnar reader: every cell a Python object
        from core.readers import read_file
        from core.tables import detect_tables

        def f(p):
            book = read_file(Path(p), Path(p).name, columnar=False, **BIG_LIMITS)
            return sum(len(t.df) for sh in book.sheets for t in detect_tables(sh)[0])
    elif reader == "openpyxl":
        def f(p):
            return sum(len(df) for df in pd.read_excel(p, engine="openpyxl", sheet_name=None).values())
    elif reader == "calamine":
        from python_calamine import CalamineWorkbook

        def f(p):
            wb = CalamineWorkbook.from_path(str(p))
            n = 0
            for i in range(len(wb.sheet_names)):
                n += max(0, len(wb.get_sheet_by_index(i).to_python()) - 1)
            return n
    elif reader == "calamine_first":  # exactly the brief's bare baseline: first sheet only
        from python_calamine import CalamineWorkbook

        def f(p):
            return len(CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python()) - 1
    elif reader == "pd_calamine":
        def f(p):
            return sum(len(df) for df in pd.read_excel(p, engine="calamine", sheet_name=None).values())
    elif reader == "pd_csv":
        def f(p):
            return len(pd.read_csv(p))
    else:
        raise ValueError(reader)
    return f


def read(path: str, reader: str, repeats: int = 3, warmup: int = 1, budget_s: float | None = None) -> dict:
    f = _reader(reader)
    base = rss_mb()
    rows = {}

    def run():
        rows["n"] = f(path)

    m = measure(run, repeats, warmup, budget_s)
    mb = Path(path).stat().st_size / 1e6
    return {"reader": reader, "file": Path(path).name, "rows": rows["n"], "mb": mb, "time": m, "base_rss_mb": base,
            "rows_per_s": rows["n"] / m["median"], "mb_per_s": mb / m["median"]}


def read_real(reader: str, repeats: int = 5) -> dict:
    """Each real workbook in ../shared/realbooks, one reader."""
    f = _reader(reader)
    base = rss_mb()
    out = {}
    for p in sorted(REALBOOKS.glob("*.xlsx")):
        rows = {}

        def run(p=p, rows=rows):
            rows["n"] = f(p)

        m = measure(run, repeats, 1, budget_s=60)
        out[p.name] = {"rows": rows["n"], "mb": p.stat().st_size / 1e6, "time": m}
    total = sum(v["time"]["median"] for v in out.values())
    return {"reader": reader, "files": out, "total_median_s": total, "base_rss_mb": base}


# --- 2. ingest ----------------------------------------------------------------------
def ingest(path: str, with_index: bool = False, repeats: int = 3, cache_repeats: int = 5,
           budget_s: float | None = None, warmup: int = 1, row_window_cap: int | None = None) -> dict:
    from core.workspace import Workspace

    base = rss_mb()
    res: dict = {"file": Path(path).name, "mb": Path(path).stat().st_size / 1e6, "base_rss_mb": base}
    embedder = None
    if with_index:
        from core.index import Embedder, SemanticIndex

        t = time.perf_counter()
        embedder = Embedder(settings(tempfile.mkdtemp()))
        res["model_load_s"] = time.perf_counter() - t
    homes = []
    last = {}

    def run():
        home = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
        homes.append(home)
        s = settings(home, build_index=with_index, **({"row_window_cap": row_window_cap} if row_window_cap else {}))
        ws = Workspace(s)
        if with_index:
            SemanticIndex(ws, s, embedder=embedder)
        rep = ws.add_file(path)
        last.update(ws=ws, rep=rep)

    res["time"] = measure(run, repeats, warmup, budget_s)
    res["rows"] = sum(t["rows"] for s in last["rep"]["sheets"] for t in s["tables"])
    res["rows_per_s"] = res["rows"] / res["time"]["median"]
    ws = last["ws"]
    if with_index:
        res["chunks"] = len(ws.chunks())

    def again():
        rep = ws.add_file(path)
        assert rep.get("cached"), "re-ingest of the same bytes was not a cache hit"

    res["cache_hit"] = measure(again, cache_repeats, 1)
    for h in homes:
        shutil.rmtree(h, ignore_errors=True)
    return res


# --- the generated workspace (cached per core version) -------------------------------
CORE_FILES = ("readers.py", "tables.py", "ingest.py", "workspace.py", "catalog.py", "chunks.py", "profiles.py")


def _hash(files) -> str:
    h = hashlib.sha256()
    for f in files:
        p = ROOT / "core" / f
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()[:12]


def _core_key() -> str:
    """The cached workspace is keyed by the catalog's code (its schema): core's ingest code changes often
    while others work, and re-ingesting 100 files each time costs minutes. The ingest code's own hash is
    recorded beside it (`ingest_code`) so a report can say when the workspace was built by older code."""
    return _hash(["catalog.py"])


def ws_home(n: int, lo: int, hi: int) -> Path:
    """The cached workspace; the parent pins it (BENCH_WS_HOME) once prepared, so every case of one run
    uses the same one even when core's code changes while the benchmark runs."""
    import os

    pinned = os.environ.get("BENCH_WS_HOME")
    if pinned and f"-{n}-{lo}-{hi}-" in Path(pinned).name:
        return Path(pinned)
    return data.DATA / f"wsdb-v{data.VERSION}-{n}-{lo}-{hi}-{_core_key()}"


def prepare_ws(n: int, lo: int, hi: int) -> dict:
    """Ingest the generated files (no index) into a cached workspace; rebuilt when core's ingest code changes."""

    paths, specs = data.workspace_files(n, lo, hi)
    home = ws_home(n, lo, hi)
    with data.locked(home.name):
        return _prepare_ws(home, paths, specs, n, lo, hi)


def _prepare_ws(home, paths, specs, n, lo, hi) -> dict:
    from core.workspace import Workspace

    done = home / "bench-ready.json"
    if done.exists():
        info = json.loads(done.read_text())
        return info | {"cached": True, "home": str(home), "ingest_code_now": _hash(CORE_FILES),
                       "stale_ingest_code": info.get("ingest_code") != _hash(CORE_FILES)}
    for old in data.DATA.glob(f"wsdb-v{data.VERSION}-{n}-{lo}-{hi}-*"):
        if time.time() - old.stat().st_mtime > 3600:  # older builds no run can still be using
            shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)  # a build interrupted earlier
    ws = Workspace(settings(home))
    t = time.perf_counter()
    times = []
    for p in paths:
        t1 = time.perf_counter()
        ws.add_file(p)
        times.append(time.perf_counter() - t1)
    total = time.perf_counter() - t
    rows = sum(s.rows for s in specs)
    info = {"files": len(paths), "tables": len(specs), "rows": rows, "ingest_s": total,
            "rows_per_s": rows / total, "per_file_p50_s": pct(times, 50), "per_file_max_s": max(times),
            "chunks": len(ws.chunks()), "size_mb": ws.size_bytes() / 1e6, "ingest_code": _hash(CORE_FILES)}
    done.write_text(json.dumps(info))
    return info | {"cached": False, "home": str(home)}


def _copy_ws(n, lo, hi) -> Path:
    dst = Path(tempfile.mkdtemp(prefix="bench-ws-")) / "ws"
    shutil.copytree(ws_home(n, lo, hi), dst)
    return dst


def _gen_questions(ws, n, lo, hi, per_table=5):
    _, specs = data.workspace_files(n, lo, hi)
    ids = {f["name"]: f["id"] for f in ws.files()}
    return [(q, [ids[f]]) for f, q in data.questions(specs, per_table)]


def _real_questions(ws):
    ids = {}
    for p in sorted(REALBOOKS.glob("*.xlsx")):
        ids[p.name] = ws.add_file(p)["file_id"]
    out = []
    for line in QA.read_text().splitlines():
        if line.strip():
            q = json.loads(line)
            out.append((q["question"], [ids[f] for f in q["files"]]))
    return out


def _chunk_all(ws, s) -> None:
    """Chunks for every file of a workspace stored without the index (the index's worker makes them in the app)."""
    from core.index import make_file_chunks

    for f in ws.files():
        make_file_chunks(ws, s, f["id"])


# --- 3. index -----------------------------------------------------------------------
def index(n: int, lo: int, hi: int, build_files: int = 1, search_queries: int = 200, bare: bool = True,
          max_chunks: int | None = None) -> dict:
    """Build throughput on the first `build_files` files (real embeddings) vs bare SentenceTransformer on the
    same texts; search latency on the whole generated workspace, whose chunk vectors are seeded into the
    embedding cache (seeded random unit vectors: a real embed of every chunk takes far too long here),
    so the build there is FAISS + persist only and the query embedding is real."""
    if not index_available():
        return {"skipped": "core/index.py is missing"}
    import numpy as np

    from core.index import Embedder, SemanticIndex
    from core.workspace import Workspace

    base = rss_mb()
    res: dict = {"base_rss_mb": base, "build_files": build_files}
    # (a) real build on a few files
    home = _copy_ws(n, lo, hi)
    s = settings(home, build_index=True)
    t = time.perf_counter()
    emb = Embedder(s)
    emb.embed(["warm up the model"])
    res["model_load_s"] = time.perf_counter() - t
    ws = Workspace(s)
    _chunk_all(ws, s)
    res["workspace_chunks"] = len(ws.chunks())
    for f in ws.files()[build_files:]:
        ws.remove_file(f["id"])
    if max_chunks:  # quick mode: a short build (the copy's catalog loses its other chunks)
        with ws.catalog.tx() as c:
            c.execute("DELETE FROM chunks WHERE id NOT IN (SELECT id FROM chunks ORDER BY id LIMIT ?)", (max_chunks,))
    texts = [c["text"] for c in ws.chunks()]
    res["chunks"] = len(texts)
    t = time.perf_counter()
    idx = SemanticIndex(ws, s, embedder=emb)  # reconcile() builds every file's index
    res["build_s"] = time.perf_counter() - t
    res["build_chunks_per_s"] = len(texts) / res["build_s"]
    res["embedded"] = idx.embedded
    res["rss_after_build_mb"] = rss_mb()
    del idx
    shutil.rmtree(home.parent, ignore_errors=True)
    if bare:
        res["bare"] = bare_encode(texts, s.embed_model)
    # (b) search on the whole workspace
    home = _copy_ws(n, lo, hi)
    s = settings(home, build_index=True)
    ws = Workspace(s)
    _chunk_all(ws, s)
    rows = ws.catalog.query("SELECT DISTINCT text_hash FROM chunks")
    rng = np.random.default_rng(5)
    with ws.catalog.tx() as c:
        c.execute("CREATE TABLE IF NOT EXISTS embeddings (text_hash TEXT, model TEXT, dim INT, vec BLOB,"
                  " PRIMARY KEY(text_hash, model))")
        key = emb.key  # the backend's own cache key (ONNX vectors are kept apart from torch's)
        vecs = rng.standard_normal((len(rows), emb.dim)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        c.executemany("INSERT OR REPLACE INTO embeddings (text_hash, model, dim, vec) VALUES (?,?,?,?)",
                      [(r["text_hash"], key, emb.dim, v.tobytes()) for r, v in zip(rows, vecs, strict=False)])
    t = time.perf_counter()
    idx = SemanticIndex(ws, s, embedder=emb)
    res["build_from_cache_s"] = time.perf_counter() - t
    res["search_chunks"] = len(ws.chunks())
    res["search_files"] = len(ws.files())
    qs = [q for q, _ in _gen_questions(ws, n, lo, hi)]
    qs = (qs * (search_queries // max(1, len(qs)) + 1))[:search_queries]
    warm = []
    for q in qs[:10]:  # warm-up: the first searches of a process pay torch's start-up (hundreds of ms each)
        t = time.perf_counter()
        idx.search(q, k=10)
        warm.append(time.perf_counter() - t)
    res["search_warmup_s"] = warm
    lat, qlat, rest = [], [], []
    real_embed = emb.embed_query

    def timed_embed(text):  # the part of each search that is the query's embedding (torch forward pass)
        t = time.perf_counter()
        try:
            return real_embed(text)
        finally:
            qlat.append(time.perf_counter() - t)

    emb.embed_query = timed_embed
    for q in qs:
        n_before = len(qlat)
        t = time.perf_counter()
        idx.search(q, k=10)
        d = time.perf_counter() - t
        lat.append(d)
        rest.append(d - sum(qlat[n_before:]))
    emb.embed_query = real_embed
    res["search"] = _lat(lat)
    res["embed_query"] = _lat(qlat)
    res["search_without_embedding"] = _lat(rest)
    idx2 = SemanticIndex(ws, s, embedder=emb)  # a fresh process's view: loads each file's index from disk
    t = time.perf_counter()
    idx2.search(qs[0], k=10)
    res["search_cold_s"] = time.perf_counter() - t
    res["rss_after_search_mb"] = rss_mb()
    shutil.rmtree(home.parent, ignore_errors=True)
    return res


def bare_encode(texts: list[str], model_path: str) -> dict:
    from sentence_transformers import SentenceTransformer

    m = SentenceTransformer(model_path, device="cpu", local_files_only=True)
    m.encode(texts[:64], batch_size=64)
    t = time.perf_counter()
    m.encode(texts, batch_size=64)
    dt_ = time.perf_counter() - t
    return {"encode_s": dt_, "chunks_per_s": len(texts) / dt_}


# --- 4. answer ----------------------------------------------------------------------
def _pipeline(ws):
    """The one question-to-answer path (ChatPipeline.ask), offline."""
    from core.answer import Answerer
    from core.chat import ChatPipeline

    return ChatPipeline(Answerer(ws))


def _ask(a, q, fids):
    t = time.perf_counter()
    try:
        ans = a.answer(q, file_ids=fids)
        err = ans.error
        internal = bool(err and err.startswith("Something went wrong"))
        out = (repr(ans.value)[:200], err)
    except Exception as e:  # the pipeline promises never to raise: count it
        internal, err, out = True, f"raised {type(e).__name__}: {e}", (None, f"raised {type(e).__name__}")
    return time.perf_counter() - t, internal, err, out


def _lat(lat: list[float]) -> dict:
    return {"n": len(lat), "p50": pct(lat, 50), "p95": pct(lat, 95), "max": max(lat) if lat else float("nan")}


def answer(n: int, lo: int, hi: int, passes: int = 2, unscoped_per_table: int = 2, ttft: bool = True) -> dict:
    from core.workspace import Workspace

    base = rss_mb()
    res: dict = {"base_rss_mb": base}
    # the 30 shared questions against the real workbooks
    real_home = Path(tempfile.mkdtemp(prefix="bench-real-"))
    rws = Workspace(settings(real_home))
    rq = _real_questions(rws)
    ra = _pipeline(rws)
    t = time.perf_counter()
    _ask(ra, *rq[0])
    res["real_first_s"] = time.perf_counter() - t
    for q, f in rq:  # warm-up pass
        _ask(ra, q, f)
    lat, errs, unans = [], 0, 0
    for _ in range(passes):
        for q, f in rq:
            d, internal, err, _ = _ask(ra, q, f)
            lat.append(d)
            errs += internal
            unans += bool(err) and not internal
    res["real"] = _lat(lat) | {"errors": errs, "unanswered": unans, "questions": len(rq)}
    # generated questions against the generated workspace (scoped to their file, as when a file is selected)
    ws = Workspace(settings(ws_home(n, lo, hi)))
    a = _pipeline(ws)
    gq = _gen_questions(ws, n, lo, hi)
    t = time.perf_counter()
    _ask(a, *gq[0])
    res["gen_first_s"] = time.perf_counter() - t
    for q, f in gq:
        _ask(a, q, f)
    lat, errs, unans = [], 0, 0
    for _ in range(passes):
        for q, f in gq:
            d, internal, err, _ = _ask(a, q, f)
            lat.append(d)
            errs += internal
            unans += bool(err) and not internal
    res["gen_scoped"] = _lat(lat) | {"errors": errs, "unanswered": unans, "questions": len(gq)}
    # the same questions over the whole workspace (no file selected): the planner weighs every table
    uq = [(q, None) for q, _ in _gen_questions(ws, n, lo, hi, per_table=unscoped_per_table)]
    cold = _pipeline(ws)  # a fresh engine and planner state, as after a restart: builds every table's view
    t = time.perf_counter()
    _ask(cold, *uq[0])
    res["gen_unscoped_first_s"] = time.perf_counter() - t
    del cold
    _ask(a, *uq[0])
    lat, errs, unans = [], 0, 0
    for q, f in uq:
        d, internal, err, _ = _ask(a, q, f)
        lat.append(d)
        errs += internal
        unans += bool(err) and not internal
    res["gen_unscoped"] = _lat(lat) | {"errors": errs, "unanswered": unans, "questions": len(uq)}
    res["tables"] = len(ws.tables())
    res["ttft"] = ttft_case() if ttft else {"skipped": "not requested"}
    shutil.rmtree(real_home, ignore_errors=True)
    return res


def ttft_case(questions: list | None = None, home: Path | None = None, repeats: int = 2) -> dict:
    """Time to first text token through core/chat.py's ChatPipeline against the fake Ollama of
    tests/fake_ollama.py (replies at once), minus the offline answer time of the same question: what
    the chat layer (intent, LLM health check, prompt, HTTP streaming) adds."""
    if not chat_available():
        return {"skipped": "core/chat.py is missing"}
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from fake_ollama import FakeOllama

    from core.answer import Answerer
    from core.chat import ChatPipeline
    from core.llm import OllamaLLM
    from core.workspace import Workspace

    own = home is None
    home = Path(home or tempfile.mkdtemp(prefix="bench-ttft-"))
    with FakeOllama(models=["llama3:latest"]) as fake:
        fake.default_reply.text = "The total is shown above. It covers every row of the table."
        s = settings(home, llm_enabled=True, ollama_host=fake.url, ollama_model="llama3", planner="offline",
                     llm_attempts=1, llm_timeout_s=10)
        ws = Workspace(s)
        qs = questions or _real_questions(ws)
        a = Answerer(ws)
        pipe = ChatPipeline(a, s, llm=OllamaLLM(s))
        offline = ChatPipeline(a, s)

        def first_token(q, f):
            t = time.perf_counter()
            ttft, got = None, []
            for ev in pipe.ask(q, file_ids=f):
                got.append(ev.type)
                if ev.type == "token" and ttft is None:
                    ttft = time.perf_counter() - t
            return ttft, got

        for q, f in qs:  # warm-up: views, LLM client, health cache
            first_token(q, f)
            _ask(offline, q, f)
        ttft, offline, over, no_token = [], [], [], 0
        for _ in range(repeats):
            for q, f in qs:
                d_off = _ask(offline, q, f)[0]
                d_tt, got = first_token(q, f)
                if d_tt is None:
                    no_token += 1
                    continue
                ttft.append(d_tt)
                offline.append(d_off)
                over.append(d_tt - d_off)
        llm_calls = len(fake.chat_requests)
    if own:
        shutil.rmtree(home, ignore_errors=True)
    return {"ttft": _lat(ttft), "offline": _lat(offline), "overhead": _lat(over),
            "overhead_ms": pct(over, 50) * 1000, "overhead_p95_ms": pct(over, 95) * 1000,
            "questions_without_token": no_token, "llm_chat_requests": llm_calls}


# --- 5. team load -------------------------------------------------------------------
def load(n: int, lo: int, hi: int, users: int = 10, per_user: int = 20, uploads: int = 3) -> dict:
    from core.workspace import Workspace

    home = _copy_ws(n, lo, hi)
    ws = Workspace(settings(home))
    a = _pipeline(ws)
    gq = _gen_questions(ws, n, lo, hi)
    base = rss_mb()
    baseline = {}
    for q, f in gq:  # warm-up, and the single-threaded answers every later one must match
        baseline[(q, tuple(f))] = _ask(a, q, f)[3]
    # one user
    k = per_user * users // 2  # enough questions for a stable single-user rate
    seq = [gq[i % len(gq)] for i in range(k)]
    t = time.perf_counter()
    lat1 = [_ask(a, q, f)[0] for q, f in seq]
    one_wall = time.perf_counter() - t
    one = _lat(lat1) | {"questions": k, "wall_s": one_wall, "qps": k / one_wall}

    def team(extra=None) -> dict:
        lat, errors, mismatches, lock = [], [], [], threading.Lock()
        start = threading.Barrier(users + (len(extra) if extra else 0))

        def user(u):
            mine = [gq[(u * 7919 + i * 31) % len(gq)] for i in range(per_user)]
            start.wait()
            for q, f in mine:
                d, internal, err, out = _ask(a, q, f)
                with lock:
                    lat.append(d)
                    if internal:
                        errors.append(err)
                    elif out != baseline[(q, tuple(f))]:
                        mismatches.append((q, out, baseline[(q, tuple(f))]))

        up_times, up_errors = [], []

        def uploader(p):
            start.wait()
            t = time.perf_counter()
            try:
                ws.add_file(p)
            except Exception as e:
                up_errors.append(f"{type(e).__name__}: {e}")
            up_times.append(time.perf_counter() - t)

        threads = [threading.Thread(target=user, args=(u,)) for u in range(users)]
        threads += [threading.Thread(target=uploader, args=(p,)) for p in (extra or [])]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t
        out = _lat(lat) | {"questions": len(lat), "wall_s": wall, "qps": len(lat) / wall, "errors": len(errors),
                           "mismatches": len(mismatches), "error_samples": errors[:3],
                           "mismatch_samples": [list(map(str, m)) for m in mismatches[:3]]}
        if extra:
            out["uploads"] = {"n": len(extra), "times_s": up_times, "errors": up_errors}
        return out

    many = team()
    up_paths, _ = data.workspace_files(uploads, lo, hi, seed=4242)
    with_up = team(up_paths)
    shutil.rmtree(home.parent, ignore_errors=True)
    return {"base_rss_mb": base, "one_user": one, "team": many, "team_with_uploads": with_up,
            "speedup": many["qps"] / one["qps"]}


# --- 6. memory ----------------------------------------------------------------------
def memory(n: int, lo: int, hi: int, questions: int = 1000, with_model: bool = True) -> dict:
    from core.workspace import Workspace

    start = rss_mb()
    ws = Workspace(settings(ws_home(n, lo, hi)))
    a = _pipeline(ws)
    res: dict = {"start_rss_mb": start}
    a.answerer.table_views()  # every table's planning view (schema, profiles, value index)
    if with_model and index_available():
        from core.index import Embedder

        Embedder(ws.settings).embed_query("load the model")
        res["model"] = True
    else:
        res["model"] = False
    gq = _gen_questions(ws, n, lo, hi)
    mix = gq + [(q, None) for q, _ in gq[::5]]
    for q, f in mix:  # warm: caches of distinct values, compiled plans
        _ask(a, q, f)
    gc.collect()
    res["held_rss_mb"] = rss_mb()
    lat = []
    for i in range(questions):
        lat.append(_ask(a, *mix[i % len(mix)])[0])
    gc.collect()
    res["after_rss_mb"] = rss_mb()
    res["growth_mb"] = res["after_rss_mb"] - res["held_rss_mb"]
    res["questions"] = questions
    res["latency"] = _lat(lat)
    res["tables"] = len(ws.tables())
    return res
