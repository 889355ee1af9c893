"""Embedding speed and agreement per backend and batch size, on real chunk texts.

    python -m bench.embed_speed                  # the chunks of the routing bench's questions workspace
    python -m bench.embed_speed --set biz-dev --n 600 --reps 5 --batches 16,32,64,128

Every variant embeds the same texts; variants are interleaved (order alternating per repetition) and each
figure is the median over repetitions, since the machine is shared. Agreement: per-text cosine between the
variant's vectors and torch's (the backend of record; fp32 ONNX's are the same), mean / min / 1st percentile /
median.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

import numpy as np

from . import routing


def texts_of(set_name: str, n: int, seed: int = 3, wtq_sample: int = 120) -> list[str]:
    from core.catalog import Catalog

    qs = routing.load_questions(set_name, wtq_sample if set_name == "wtq-train" else None)
    home = routing.workspace(set_name, qs)
    rows = Catalog(home / "catalog.sqlite").query("SELECT DISTINCT text FROM chunks ORDER BY id")
    texts = [r["text"] for r in rows]
    return random.Random(seed).sample(texts, n) if n and len(texts) > n else texts


def variants(backends: list[str], batches: list[int]) -> list[tuple[str, int]]:
    """(backend, batch) pairs: torch at its batch of 64 (as the index runs it), ONNX at every batch size."""
    return [(b, 64) for b in backends if b == "torch"] + [(b, n) for b in backends if b != "torch" for n in batches]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.embed_speed")
    ap.add_argument("--set", default="questions")
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--backends", default="torch,onnx,onnx-int8")
    ap.add_argument("--batches", default="64")
    ap.add_argument("--wtq-sample", type=int, default=120, help="the routing bench's wtq-train workspace to take texts from")
    a = ap.parse_args(argv)
    from core.index import Embedder

    texts = texts_of(a.set, a.n, wtq_sample=a.wtq_sample)
    embs = {b: Embedder(routing._settings(routing.WORK / "models-home", embed_backend=b)) for b in a.backends.split(",")}
    var = variants(list(embs), [int(x) for x in a.batches.split(",")])
    times: dict = {v: [] for v in var}
    cpu: dict = {v: [] for v in var}
    vecs: dict = {}
    for e in embs.values():
        e.embed(texts[:8])  # warm-up: first-call allocations
    for r in range(a.reps):
        for v in (var if r % 2 == 0 else var[::-1]):
            t, c = time.perf_counter(), time.process_time()
            vecs[v] = _embed(embs[v[0]], texts, v[1])
            times[v].append(time.perf_counter() - t)
            cpu[v].append(time.process_time() - c)
    print(f"{len(texts)} texts of {a.set}; load {os.getloadavg()[0]:.1f}\n")
    # CPU seconds too: on a loaded machine wall time mostly measures the other processes
    print("| backend | batch | chunks/s (median) | runs (s) | chunks per CPU-s | cosine to torch mean / min / p1 / median |\n"
          "|---|---|---|---|---|---|")
    ref = vecs.get(("torch", 64))
    for v in var:
        cos = "" if ref is None else _agreement(vecs[v], ref)
        med = statistics.median(times[v])
        c = statistics.median(cpu[v])
        print(f"| {v[0]} | {v[1]} | {len(texts) / med:.1f} | {[round(t, 2) for t in times[v]]} | "
              f"{len(texts) / c:.1f} | {cos} |")
    sys.stdout.flush()
    return 0


def _embed(emb, texts: list[str], batch: int) -> np.ndarray:
    if emb._encoder is not None:
        return emb._encoder.encode(texts, batch)
    return emb.embed(texts)


def _agreement(a: np.ndarray, b: np.ndarray) -> str:
    c = (a * b).sum(1)
    return f"{c.mean():.4f} / {c.min():.4f} / {np.percentile(c, 1):.4f} / {np.median(c):.4f}"


if __name__ == "__main__":
    raise SystemExit(main())
