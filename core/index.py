"""The semantic index: routes questions to tables, columns and values (numbers always come from SQL).

Pieces:
  * `Embedder`: all-MiniLM-L6-v2 from the bundled local path, offline only, loaded once per process (per
    model path and backend, behind a lock): ONNX Runtime over a graph exported once from those weights into
    <home>/models (core/embed_onnx.py), or LlamaIndex's HuggingFaceEmbedding on torch (Settings.embed_backend;
    torch is also the fallback when ONNX Runtime cannot load).
  * the embedding cache: table `embeddings(text_hash, model, dim, vec)` in the workspace catalog, so
    re-ingesting unchanged content embeds nothing (`SemanticIndex.embedded` counts real embeddings); `model`
    is `model_key(path, backend)`, so int8 vectors never mix with torch's (fp32 ONNX's are the same).
  * one FAISS IndexFlatIP per file (normalized vectors, so inner product = cosine), wrapped in
    llama-index's FaissVectorStore + VectorStoreIndex (explicit embed_model, never the global Settings)
    and persisted with the LlamaIndex StorageContext under <home>/index/<data_dir>/ (Settings.index_dir: a
    folder per replica), plus meta.json (chunk ids in FAISS order). Deleting a file deletes its folder.
  * replicas sharing one catalog: a file another replica stored joins this one's search once it is marked
    indexed, built from the cached vectors (or embedded here after index_grace_s); each search drops
    files removed elsewhere (`_sync`).
  * hybrid search: cosine from FAISS (query path: the LlamaIndex retriever with a precomputed query
    embedding) blended with BM25 over the chunk texts: final = 0.7 * cos + 0.3 * bm25 / max(bm25).
  * `route()`: likely tables, columns and categorical values for the planner.

Never imports streamlit; torch is imported only when the model is first needed.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# FAISS and torch each keep an OpenMP pool in this process; spinning waiters of one starve the other
# (query embedding 250-500 ms right after a FAISS search instead of ~15 ms). Must be set before either loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .config import Settings  # noqa: E402
from .embed_onnx import INT8_RECIPE  # noqa: E402  - a constant; onnxruntime is imported only on use
from .ingest import Progress, _noop

log = logging.getLogger(__name__)

COS_WEIGHT, BM25_WEIGHT = 0.7, 0.3
BATCH = 64
# ONNX Runtime runs small length-sorted batches faster per CPU-second here (bench/README.md, "Embedding
# backends"): 16 beat 64 by 1.4x. 8 beat 16 by another 1.05-1.2x, but int8 vectors depend on their batch
# mates (activations are quantised with one scale per batch) and with 8 int8 routed one fewer biz-dev
# question into the top 3 (96 vs fp32's 97); 16 kept it equal, so 16 stays
ONNX_BATCH = 16
META = "meta.json"
_STOP = frozenset(
    "a an the of in on at to for by with and or is are was were be what which who how many much show me "
    "list give get all per each from than that this those these do does did there their its it i my we our "
    "you your any some about as into over under between".split())
_WORD = re.compile(r"[a-z0-9]+(?:[-_./][a-z0-9]+)*")


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens for BM25; compound codes ("zx-9931") are kept whole and also split."""
    out = []
    for w in _WORD.findall(text.lower()):
        out.append(w)
        if not w.isalnum():
            out.extend(p for p in re.split(r"[-_./]", w) if p)
    return out


def content_words(text: str) -> set[str]:
    return {w for w in tokenize(text) if w not in _STOP and (len(w) > 2 or w.isdigit())}


# --- the embedding model -------------------------------------------------------
BACKENDS = ("torch", "onnx", "onnx-int8")


class Embedder:
    """all-MiniLM-L6-v2, the one place embeddings are made; one loaded model per (path, backend) per process.

    Backends (Settings.embed_backend): `torch` is LlamaIndex's HuggingFaceEmbedding (sentence-transformers
    on torch); `onnx` / `onnx-int8` run the same weights exported to ONNX (core/embed_onnx.py), fp32 or
    dynamically quantised to int8. When onnxruntime or the export fails, torch is used and the reason logged;
    `backend` and `key` then say torch, so int8 and torch vectors never mix in the cache (fp32 ONNX's are
    torch's, and share its key)."""

    _models: dict[tuple, tuple] = {}
    _model_locks: dict[tuple, threading.Lock] = {}
    _guard = threading.Lock()

    def __init__(self, settings: Settings, backend: str | None = None):
        self.path = str(settings.embed_model)
        want = backend or settings.embed_backend
        if want not in BACKENDS:
            raise ValueError(f"unknown embedding backend {want!r}: one of {', '.join(BACKENDS)}")
        # the ONNX files are exported into the workspace (<home>/models) that first loads the backend; other
        # workspaces in the same process share the loaded model (one session per process, not one per home:
        # a test run or a server with many homes would otherwise export and hold a copy for each)
        models_root = Path(settings.home).resolve() / "models"
        ck = (self.path, want)
        with Embedder._guard:
            if ck not in Embedder._models:
                Embedder._models[ck] = self._load_backend(self.path, want, models_root)
                Embedder._model_locks[ck] = threading.Lock()
            # model: the LlamaIndex BaseEmbedding; encoder: the ONNX encoder, called directly by embed()
            self.backend, self.model, self.dim, self._encoder = Embedder._models[ck]
            self._lock = Embedder._model_locks[ck]
        self.key = model_key(self.path, self.backend)

    @classmethod
    def _load_backend(cls, path: str, backend: str, models_root: Path) -> tuple:
        """(backend actually used, LlamaIndex embedding, dimension, ONNX encoder or None)."""
        if backend != "torch":
            try:
                import onnxruntime  # noqa: F401  - first, so a missing runtime costs no export

                from . import embed_onnx

                t = time.perf_counter()
                f = embed_onnx.ensure_exported(path, models_root, int8=backend == "onnx-int8")
                enc = embed_onnx.OnnxEncoder(path, f)
                log.info("embedding model %s (%s) loaded in %.1fs", f, backend, time.perf_counter() - t)
                return backend, embed_onnx.llama_embedding(enc, ONNX_BATCH), enc.dim, enc
            except Exception as e:  # missing or broken onnxruntime, a failed export: torch still works
                log.warning("embedding backend %s unavailable (%s: %s); using torch", backend, type(e).__name__, e)
                _FALLEN_BACK.add((path, backend))
        m = cls._load(path)
        st = m._model
        return "torch", m, int((getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension)()), None

    @staticmethod
    def _load(path: str):
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        try:  # no "Loading weights" progress bar on stderr
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except Exception:  # pragma: no cover - cosmetic only
            pass

        t = time.perf_counter()
        m = HuggingFaceEmbedding(model_name=path, device="cpu", embed_batch_size=BATCH, normalize=True,
                                 local_files_only=True)  # passed on to SentenceTransformer: never the network
        log.info("embedding model loaded from %s in %.1fs", path, time.perf_counter() - t)
        return m

    def embed(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalized. torch: batches of 64 through LlamaIndex; ONNX: the encoder directly,
        in batches of 16 after sorting all the texts by length (LlamaIndex would pad each batch in arrival order)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self._encoder is not None:
                return self._encoder.encode(list(texts), ONNX_BATCH)
            vecs = self.model.get_text_embedding_batch(list(texts))
        return _normalize(np.asarray(vecs, dtype=np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            v = self.model.get_query_embedding(text)
        return _normalize(np.asarray([v], dtype=np.float32))[0]


_FALLEN_BACK: set[tuple[str, str]] = set()  # (path, backend) that failed to load in this process


def effective_backend(settings: Settings) -> str:
    """The backend an Embedder for these settings uses: the configured one unless it already failed here."""
    b = settings.embed_backend
    return "torch" if (str(settings.embed_model), b) in _FALLEN_BACK else b


# backends whose vectors are torch's up to float rounding (fp32 ONNX: cosine >= 0.9999 on every real chunk
# measured), so they share its cache and indexes: switching between them re-embeds nothing
SAME_VECTORS = ("torch", "onnx")


def model_key(path: str, backend: str = "torch") -> str:
    """The cache key of a model: its resolved path, plus the backend when its vectors differ from torch's
    (int8: cosine ~0.993 to torch's; an index must not mix them); a new path re-embeds."""
    p = Path(path)
    base = str(p.resolve()) if p.exists() else str(path)
    if backend in SAME_VECTORS:
        return base
    # the int8 recipe is part of the key: a cache filled by an earlier recipe is embedded again, not mixed
    return f"{base}#{backend}-{INT8_RECIPE}" if backend == "onnx-int8" else f"{base}#{backend}"


def _normalize(a: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(a, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return (a / n).astype(np.float32)


def make_file_chunks(ws, settings: Settings, file_id: int) -> bool:
    """Make and store a stored file's chunks (the index's input) from its Parquet tables and profiles, unless
    it has some already; True when they were made. Uploads store a file without them (the index's worker
    makes them), so the file is answerable sooner."""
    from .chunks import make_chunks

    f = ws.catalog.file(file_id)
    if f is None:
        return False
    made = [(t.id, make_chunks(t.file, t.name, pd.read_parquet(t.parquet), ws.table_profile(t.id),
                               model_path=settings.embed_model, limit=settings.chunk_tokens,
                               row_window_cap=settings.row_window_cap, title=t.title))
            for t in ws.tables(file_id) if t.parquet.parent.name == f["data_dir"]]
    return ws.catalog.insert_chunks(file_id, f["data_dir"], made)


# --- hits ------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    score: float
    file: str
    sheet: str
    table: str
    table_id: int
    sql_name: str
    kind: str
    column: str | None
    row_start: int | None
    row_end: int | None
    text: str
    file_id: int = 0
    chunk_id: int = 0
    cosine: float = 0.0
    bm25: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


_IDENTITY: list = []


def _identity() -> list:
    """A no-op transformation list: keeps VectorStoreIndex from building LlamaIndex's default node
    parser out of the global Settings (which would fetch a tokenizer)."""
    if not _IDENTITY:
        from llama_index.core.schema import TransformComponent

        class Identity(TransformComponent):
            def __call__(self, nodes, **kw):
                return nodes

        _IDENTITY.append(Identity())
    return list(_IDENTITY)


class BM25:
    """Okapi BM25 (k1 1.5, b 0.75) with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)), which is never
    negative, so a term found in most chunks of a small file still counts a little. An inverted index:
    a query scores only the chunks that hold its words (numpy over postings), not every chunk in Python."""

    k1, b = 1.5, 0.75

    def __init__(self, docs: list[list[str]]):
        import math
        from collections import Counter

        self.n = len(docs)
        self.dl = np.array([len(d) for d in docs], dtype=np.float64)
        self.avgdl = float(self.dl.mean()) if self.n else 1.0
        post: dict[str, tuple[list[int], list[int]]] = {}
        for i, d in enumerate(docs):
            for w, c in Counter(d).items():
                ix, tf = post.setdefault(w, ([], []))
                ix.append(i)
                tf.append(c)
        self.post = {w: (np.array(ix), np.array(tf, dtype=np.float64)) for w, (ix, tf) in post.items()}
        self.idf = {w: math.log(1.0 + (self.n - len(ix) + 0.5) / (len(ix) + 0.5)) for w, (ix, _) in post.items()}

    def get_scores(self, query: list[str]) -> np.ndarray:
        scores = np.zeros(self.n)
        for w in query:
            p = self.post.get(w)
            if p is None:
                continue
            ix, tf = p
            scores[ix] += self.idf[w] * tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * self.dl[ix] / self.avgdl))
        return scores


@dataclass
class _Merged:
    key: tuple
    refs: list  # position -> (file index, chunk id)
    vecs: np.ndarray
    flat: object  # faiss.IndexFlatIP over vecs
    bm25: BM25


class _FileIndex:
    """One file's loaded index: the LlamaIndex VectorStoreIndex over a FAISS store, chunk rows, BM25."""

    def __init__(self, file_id: int, data_dir: str, index, chunks: list[dict]):
        self.file_id, self.data_dir, self.index = file_id, data_dir, index
        self.chunks = {c["id"]: c for c in chunks}
        self.order = [c["id"] for c in chunks]  # FAISS position -> chunk id
        self._lock = threading.Lock()

    @property
    def faiss(self):
        return self.index.vector_store.client


# --- the index -------------------------------------------------------------------
class SemanticIndex:
    """Per-file FAISS indexes over the catalog's chunks, kept in step with the workspace."""

    def __init__(self, ws, settings: Settings | None = None, embedder: Embedder | None = None, *,
                 background: bool = False):
        """background=True: a stored file is embedded by a worker thread (the app); False: before add_file
        returns (the CLI, benchmarks). Either way searches never embed a file: unindexed files are skipped."""
        from .indexer import Indexer

        self.ws = ws
        self.background = background
        self.indexer = Indexer(self.add, self._describe)
        self._cancelled: set[int] = set()  # files being removed: an embedding that finishes later is dropped
        self.settings = settings or ws.settings
        # replicas sharing one home each set their own folder (Settings.index_dir): indexes are per server
        self.root = Path(self.settings.index_dir).resolve() if self.settings.index_dir else ws.home / "index"
        self.root.mkdir(parents=True, exist_ok=True)
        self._embedder = embedder
        self._loaded: dict[int, _FileIndex] = {}
        # (file id, data_dir) another replica stored and has not indexed yet -> when this one first saw it
        self._waiting: dict[tuple[int, str], float] = {}
        self._seen_version = -1  # the catalog version _sync last followed
        self._lock = threading.RLock()
        self.embedded = 0  # texts actually run through the model by this instance (cache misses)
        self.reconcile()
        # one index listener per workspace: a newer SemanticIndex replaces an older one (which still sees
        # changes lazily: search() loads indexes from disk and forgets removed files)
        ws.listeners[:] = [f for f in ws.listeners if not isinstance(getattr(f, "__self__", None), SemanticIndex)]
        ws.listeners.append(self._on_event)

    # -- plumbing --
    @property
    def key(self) -> str:
        """The embedding cache key: the embedder's once loaded, else what these settings will load (without
        loading the model, so an all-cached rebuild never loads it)."""
        e = self._embedder
        return e.key if e is not None else model_key(self.settings.embed_model, effective_backend(self.settings))

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = Embedder(self.settings)
            return self._embedder

    def _files(self) -> dict[int, dict]:
        return {f["id"]: f for f in self.ws.catalog.file_dirs()}

    def _dir(self, data_dir: str) -> Path:
        return self.root / data_dir

    def _describe(self, file_id: int) -> tuple[str, int] | None:
        """(name, chunk count) of a stored file, for the indexer's status; None when it is gone."""
        f = self.ws.catalog.file(file_id)
        return None if f is None else (f["name"], len(self.ws.catalog.chunk_ids(file_id)))

    def _on_event(self, event: str, file_id: int, progress: Progress = _noop) -> None:
        try:
            if event == "added":
                with self._lock:
                    self._cancelled.discard(file_id)
                if self.background:
                    self.indexer.submit(file_id)
                else:
                    self.add(file_id, progress)
            elif event == "removing":
                self.remove(file_id)
        except Exception as e:  # the file is stored either way; reconcile() retries the index later
            log.exception("semantic index: %s of file %s failed", event, file_id)
            self.indexer.record_failure(file_id, str(e) or type(e).__name__)
            progress("index_error", 1.0, f"The search index could not be updated: {e}")

    # -- the embedding cache --
    def vectors(self, texts: list[str], hashes: list[str], progress: Progress = _noop, label: str = "") -> np.ndarray:
        """Vectors for texts, from the cache where possible; misses are embedded (batches of 64) and stored."""
        key = self.key
        found = self.ws.catalog.cached_vectors(hashes, key)
        miss = {h: t for t, h in zip(texts, hashes, strict=True) if h not in found}
        if miss:
            emb = self.embedder
            if emb.key != key:  # the configured backend failed to load: never mix its cached vectors with torch's
                found = self.ws.catalog.cached_vectors(hashes, emb.key)
                miss = {h: t for t, h in zip(texts, hashes, strict=True) if h not in found}
        if miss:
            mh, mt = list(miss), list(miss.values())
            for i in range(0, len(mt), BATCH * 4):
                progress("embedding", i / len(mt), f"Embedding {label}: {i}/{len(mt)} chunks")
                vecs = emb.embed(mt[i:i + BATCH * 4])
                self.ws.catalog.store_vectors(self.key, emb.dim, zip(mh[i:i + BATCH * 4], vecs, strict=True))
                found.update(zip(mh[i:i + BATCH * 4], vecs, strict=True))
            self.embedded += len(mt)
            progress("embedding", 1.0, f"Embedded {len(mt)} chunks{' of ' + label if label else ''}")
        if not hashes:
            return np.zeros((0, self._dim()), dtype=np.float32)
        return np.stack([found[h] for h in hashes]).astype(np.float32)

    def _dim(self) -> int:
        dim = self.ws.catalog.vector_dim(self.key)
        return dim if dim is not None else self.embedder.dim

    # -- building, loading, removing --
    def add(self, file_id: int, progress: Progress = _noop) -> None:
        """Build (or rebuild) one file's index from the cache, embedding only misses; marks files.indexed=1."""
        f = self._files().get(file_id)
        if f is None:
            return
        chunks = self._chunks(file_id, f, progress)
        vecs = self.vectors([c["text"] for c in chunks], [c["text_hash"] for c in chunks], progress, f["name"])
        progress("indexing", 0.0, f"Indexing {f['name']}")
        with self._lock:  # remove() takes this lock too: a file removed while it was embedded is not written
            if not self._still_current(file_id, f["data_dir"], chunks):
                return
            index = self._write(f["data_dir"], file_id, chunks, vecs)
            self._loaded[file_id] = _FileIndex(file_id, f["data_dir"], index, chunks)
            if not f["indexed"]:  # another replica's file is marked already: no write to the shared catalog
                self.ws.catalog.mark_indexed(file_id)
        self.indexer.indexed(file_id)
        progress("indexed", 1.0, f"{f['name']} is searchable ({len(chunks)} chunks)")

    def _chunks(self, file_id: int, f: dict, progress: Progress = _noop) -> list[dict]:
        """The file's chunks, made from its stored tables when it has none yet (an upload returns before)."""
        chunks = self.ws.catalog.chunks_for_file(file_id)
        if chunks:
            return chunks
        progress("chunking", 0.0, f"Preparing {f['name']} for search")
        make_file_chunks(self.ws, self.settings, file_id)
        return self.ws.catalog.chunks_for_file(file_id)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until the background indexer has nothing left to embed; False when the timeout came first."""
        return self.indexer.wait_idle(timeout)

    def indexing_status(self):
        """An IndexingStatus: files pending (the one embedded now first), chunks done/total, failed files."""
        return self.indexer.status()

    def _still_current(self, file_id: int, data_dir: str, chunks: list[dict]) -> bool:
        """The file is still stored as it was when its embedding started (not removed, not derived again)."""
        if file_id in self._cancelled:
            return False
        f = self.ws.catalog.file(file_id)
        return f is not None and f["data_dir"] == data_dir and self.ws.catalog.chunk_ids(file_id) == [c["id"] for c in chunks]

    def _write(self, data_dir: str, file_id: int, chunks: list[dict], vecs: np.ndarray):
        import faiss
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.core.schema import TextNode
        from llama_index.vector_stores.faiss import FaissVectorStore

        dim = vecs.shape[1] if len(vecs) else self._dim()
        store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(dim))
        sc = StorageContext.from_defaults(vector_store=store)
        nodes = [TextNode(id_=f"chunk-{c['id']}", text=c["text"], embedding=v.tolist(),
                          metadata={"chunk_id": c["id"], "file_id": file_id, "table_id": c["table_id"],
                                    "sql_name": c["sql_name"], "kind": c["kind"], "column": c["column_name"]})
                 for c, v in zip(chunks, vecs, strict=True)]
        index = VectorStoreIndex(nodes, storage_context=sc, embed_model=self.embedder.model,
                                 transformations=_identity())
        tmp = self.root / f".build-{data_dir}-{uuid.uuid4().hex[:8]}"
        sc.persist(persist_dir=str(tmp))
        (tmp / META).write_text(json.dumps({"file_id": file_id, "data_dir": data_dir, "model": self.key, "dim": dim,
                                            "chunk_ids": [c["id"] for c in chunks]}))
        final = self._dir(data_dir)
        old = None
        if final.exists():
            old = self.root / f".old-{data_dir}-{uuid.uuid4().hex[:8]}"
            os.rename(final, old)
        os.rename(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return index

    def _meta_ok(self, data_dir: str, file_id: int) -> dict | None:
        try:
            meta = json.loads((self._dir(data_dir) / META).read_text())
        except (OSError, ValueError):
            return None
        ids = self.ws.catalog.chunk_ids(file_id)
        if meta.get("model") != self.key or meta.get("file_id") != file_id or meta.get("chunk_ids") != ids:
            return None
        return meta

    def _load(self, file_id: int) -> _FileIndex | None:
        """The file's index, loaded from disk on first use (built when missing or stale)."""
        with self._lock:
            fi = self._loaded.get(file_id)
            if fi is not None:
                return fi
            f = self._files().get(file_id)
            if f is None:
                return None
            if self._meta_ok(f["data_dir"], file_id) is None:  # not indexed yet: the worker does it, not a search
                if self._may_build(f):
                    self.indexer.submit(file_id, retry=False)
                return None
            from llama_index.core import StorageContext, load_index_from_storage
            from llama_index.vector_stores.faiss import FaissVectorStore

            d = str(self._dir(f["data_dir"]))
            sc = StorageContext.from_defaults(vector_store=FaissVectorStore.from_persist_dir(d), persist_dir=d)
            index = load_index_from_storage(sc, embed_model=self.embedder.model, transformations=_identity())
            chunks = self.ws.catalog.chunks_for_file(file_id)
            nodes = index.index_struct.nodes_dict  # FAISS position -> node id, must match meta's order
            if len(nodes) != len(chunks) or any(nodes.get(str(i)) != f"chunk-{c['id']}" for i, c in enumerate(chunks)):
                self.indexer.submit(file_id, retry=False)
                return None
            fi = self._loaded[file_id] = _FileIndex(file_id, f["data_dir"], index, chunks)
            return fi

    def _may_build(self, f: dict) -> bool:
        """Whether this replica's worker may index a file it has no current index of: yes once the file is
        marked indexed (its vectors are in the shared cache: nothing is embedded), or when it stayed unindexed
        for index_grace_s since this replica first saw it (the replica embedding it died). Files this replica
        stored, or found unindexed when it started, are in its worker's queue already."""
        if f["indexed"]:
            return True
        first = self._waiting.setdefault((f["id"], f["data_dir"]), time.monotonic())
        return time.monotonic() - first >= self.settings.index_grace_s

    def remove(self, file_id: int) -> None:
        self.indexer.cancel(file_id)
        with self._lock:
            self._cancelled.add(file_id)
            fi = self._loaded.pop(file_id, None)
            f = self.ws.catalog.file(file_id)
            data_dir = f["data_dir"] if f else (fi.data_dir if fi else None)
            if data_dir:
                shutil.rmtree(self._dir(data_dir), ignore_errors=True)

    def reconcile(self, progress: Progress = _noop) -> dict:
        """Drop index folders of files no longer in the catalog; build missing or stale ones."""
        files = self._files()
        dirs = {f["data_dir"]: fid for fid, f in files.items()}
        dropped = built = 0
        with self._lock:
            for fid in [fid for fid in self._loaded if fid not in files]:
                self._loaded.pop(fid)
            for p in self.root.iterdir():
                stale_tmp = p.name.startswith((".build-", ".old-")) and time.time() - p.stat().st_mtime > 600
                if (not p.name.startswith(".") and p.name not in dirs) or stale_tmp:
                    shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
                    dropped += 1
        for fid, f in files.items():
            if self._meta_ok(f["data_dir"], fid) is None:
                if self.background:
                    self.indexer.submit(fid)
                else:
                    self.add(fid, progress)
                built += 1
            elif not f["indexed"]:
                self.ws.catalog.mark_indexed(fid)
        return {"dropped": dropped, "built": built}

    def rebuild(self, progress: Progress = _noop) -> int:
        """Rebuild every file's index from the embedding cache (embeds only what the cache lacks)."""
        ids = sorted(self._files())
        for i, fid in enumerate(ids):
            progress("rebuilding", i / max(1, len(ids)), f"Rebuilding index {i + 1}/{len(ids)}")
            self.add(fid)
        progress("rebuilt", 1.0, f"Rebuilt {len(ids)} indexes")
        return len(ids)

    def rebuild_in_background(self) -> int:
        """Queue every file for the worker to index again (from the embedding cache); returns how many."""
        ids = sorted(self._files())
        for fid in ids:
            self.indexer.submit(fid)
        return len(ids)

    def indexed_file_ids(self) -> set[int]:
        """Catalog files whose on-disk index is present and current."""
        return {fid for fid, f in self._files().items() if self._meta_ok(f["data_dir"], fid) is not None}

    def _sync(self) -> None:
        """Follow what other processes (replicas) did, before each search: a file they removed or derived
        again is dropped with its local folder. (Files they added are picked up by `_load`.) One catalog read."""
        files = self._files()
        with self._lock:
            self._waiting = {k: t for k, t in self._waiting.items()
                             if k[0] in files and files[k[0]]["data_dir"] == k[1] and not files[k[0]]["indexed"]}
            for fid, fi in list(self._loaded.items()):
                if fid in files and files[fid]["data_dir"] == fi.data_dir:
                    continue
                now = self.ws.catalog.file(fid)  # read again: a file indexed since `files` was read is kept
                if now is None or now["data_dir"] != fi.data_dir:
                    self._loaded.pop(fid)
                    shutil.rmtree(self._dir(fi.data_dir), ignore_errors=True)
        version = self.ws.version()  # bumped by every add and remove, in any process
        if version != self._seen_version:
            self._seen_version = version
            self._drop_folders({f["data_dir"] for f in files.values()})

    def _drop_folders(self, dirs: set[str]) -> None:
        """Remove index folders of files no longer stored (e.g. removed by another replica before this one
        loaded them); a folder of a file stored since `dirs` was read is kept."""
        with self._lock:
            for p in self.root.iterdir():
                if p.name.startswith(".") or p.name in dirs or self.ws.catalog.has_data_dir(p.name):
                    continue
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)

    # -- searching --
    def _merged(self) -> _Merged | None:
        """All loaded files as one FAISS index and one BM25, rebuilt only when the set of files changes.
        Per-file indexes stay the unit of storage (add/remove); one search over the whole workspace
        costs a single FAISS query instead of one per file."""
        fids = sorted(self._files())
        loaded = [fi for fi in (self._load(fid) for fid in fids) if fi is not None and fi.order]
        key = tuple((fi.file_id, fi.data_dir, len(fi.order)) for fi in loaded)
        with self._lock:
            m = self.__dict__.get("_merged_state")
            if m is not None and m.key == key:
                return m
        if not loaded:
            return None
        import faiss

        vecs = np.vstack([fi.faiss.reconstruct_n(0, len(fi.order)) for fi in loaded]).astype(np.float32)
        flat = faiss.IndexFlatIP(vecs.shape[1])
        flat.add(vecs)
        refs = [(fi, cid) for fi in loaded for cid in fi.order]
        bm25 = BM25([tokenize(fi.chunks[cid]["text"]) or ["_"] for fi, cid in refs])
        m = _Merged(key, refs, vecs, flat, bm25)
        with self._lock:
            self.__dict__["_merged_state"] = m
        return m

    # -- searching --
    def search(self, query: str, k: int = 10, file_id: int | None = None, sheet: str | None = None,
               table_id: int | None = None, kinds=None) -> list[Hit]:
        """Hybrid search: 0.7 * cosine (FAISS) + 0.3 * BM25 normalized by the best BM25 score in scope."""
        if not query or not query.strip():
            return []
        self._sync()
        m = self._merged()
        if m is None:
            return []
        kinds = {kinds} if isinstance(kinds, str) else (set(kinds) if kinds else None)
        filtered = file_id is not None or bool(sheet or table_id or kinds)
        qv = self.embedder.embed_query(query)
        qtok = tokenize(query)
        bm = np.maximum(m.bm25.get_scores(qtok), 0.0) if qtok else np.zeros(len(m.refs))
        top = max(50, 5 * k)
        if filtered:
            allowed = np.fromiter(
                ((file_id is None or fi.file_id == file_id)
                 and (sheet is None or fi.chunks[cid]["sheet"] == sheet)
                 and (table_id is None or fi.chunks[cid]["table_id"] == table_id)
                 and (kinds is None or fi.chunks[cid]["kind"] in kinds) for fi, cid in m.refs), bool, len(m.refs))
            idx = np.flatnonzero(allowed)
            if not len(idx):
                return []
            cos_all = m.vecs[idx] @ qv
            by_cos = idx[np.argsort(-cos_all)[:top]]
            bm = np.where(allowed, bm, 0.0)
        else:
            _, ids = m.flat.search(qv.reshape(1, -1).astype(np.float32), min(top, len(m.refs)))
            by_cos = ids[0][ids[0] >= 0]
        by_bm = [i for i in np.argsort(-bm)[:top] if bm[i] > 0]
        cand = np.unique(np.concatenate([by_cos, np.asarray(by_bm, dtype=by_cos.dtype)])) if by_bm else by_cos
        if not len(cand):
            return []
        cos = m.vecs[cand] @ qv
        best = float(bm[cand].max()) or 1.0
        hits = []
        for i, c in zip(cand.tolist(), cos.tolist(), strict=True):
            fi, cid = m.refs[i]
            ch, b = fi.chunks[cid], float(bm[i])
            hits.append(Hit(score=COS_WEIGHT * c + BM25_WEIGHT * b / best, file=ch["fname"], sheet=ch["sheet"],
                            table=ch["tname"], table_id=ch["table_id"], sql_name=ch["sql_name"], kind=ch["kind"],
                            column=ch["column_name"], row_start=ch["row_start"], row_end=ch["row_end"],
                            text=ch["text"], file_id=fi.file_id, chunk_id=cid, cosine=float(c), bm25=b / best))
        hits.sort(key=lambda h: -h.score)
        return hits[:k]

    def route(self, question: str, k: int = 5) -> dict:
        """What the question is probably about, for the planner.

        tables:  [(sql_name, score)]  best hit score per table over the top 4k+20 hits.
        columns: [((sql_name, column), score)]  from "values"/"text" hits (their column) and "columns"
                 hits (a column line sharing a word with the question, else the hit scores every column
                 of the chunk a little lower).
        values:  [(sql_name, column, value, score)]  lines of "values" hits containing a question word.
        files:   [file_id]  the files the search covered (one stored but not embedded yet is not among them).
        """
        hits = self.search(question, k=4 * k + 20)
        qwords = content_words(question)
        tables: dict[str, float] = {}
        columns: dict[tuple[str, str], float] = {}
        values: dict[tuple[str, str, str], float] = {}
        for h in hits:
            tables[h.sql_name] = max(tables.get(h.sql_name, 0.0), h.score)
            if h.kind in ("values", "text") and h.column:
                key = (h.sql_name, h.column)
                columns[key] = max(columns.get(key, 0.0), h.score)
            if h.kind == "columns":
                for line in h.text.splitlines()[1:]:
                    name = line.split(":", 1)[0].strip()
                    if not name:
                        continue
                    overlap = len(qwords & content_words(line))
                    s = h.score * (1.0 + 0.25 * min(overlap, 2)) if overlap else h.score * 0.5
                    columns[(h.sql_name, name)] = max(columns.get((h.sql_name, name), 0.0), s)
            if h.kind == "values" and h.column and qwords:
                for v in h.text.splitlines()[1:]:
                    words = content_words(v)
                    m = qwords & words
                    if m:
                        s = h.score * (0.5 + 0.5 * len(m) / max(1, len(words)))
                        key = (h.sql_name, h.column, v)
                        values[key] = max(values.get(key, 0.0), s)
        top = lambda d, n: sorted(d.items(), key=lambda kv: -kv[1])[:n]  # noqa: E731
        merged = self.__dict__.get("_merged_state")
        return {
            "files": sorted(key[0] for key in merged.key) if merged is not None else [],
            "tables": [(t, round(s, 4)) for t, s in top(tables, k)],
            "columns": [(c, round(s, 4)) for c, s in top(columns, 2 * k)],
            "values": [(*kk, round(s, 4)) for kk, s in top(values, 2 * k)],
        }
