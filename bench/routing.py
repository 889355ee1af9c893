"""Routing quality and index build speed per embedding backend and chunk kinds.

    python -m bench.routing                       # every set, backends torch, onnx, onnx-int8; 3 timed builds each
    python -m bench.routing --sets biz-dev --backends torch,onnx --reps 5
    python -m bench.routing --kinds               # also: routing with each chunk kind left out

For each question set of ../shared/qa (README there), all the files its questions name are ingested into
one workspace (so routing has to choose among them), the semantic index is built, and every question is
routed (`SemanticIndex.route`). A question is right at top 1 / top 3 when one of its file's tables is the
first / among the first three tables routed. "Right tables" are all the tables of the question's file(s):
the sets name files, not tables. Every later backend is compared with the first on the same questions
(paired: the questions one routes right and the other wrong).

Build speed: chunks/s of `SemanticIndex` building every file's index from an empty embedding cache (embed +
FAISS + persist), the backends interleaved, `--reps` times each; medians (the machine is shared). The
workspaces are ingested once and kept under bench/.data/routing (gitignored), rebuilt when missing.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

from .util import ROOT

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

QA = ROOT.parent / "shared" / "qa"
SETS = {  # name -> (questions file, folder its file names are relative to)
    "questions": (QA / "questions.jsonl", ROOT.parent / "shared" / "realbooks"),
    "biz-dev": (QA / "biz-dev.jsonl", QA),
    "wtq-train": (QA / "wtq-train.jsonl", QA),
}
WORK = ROOT / "bench" / ".data" / "routing"
KINDS = ("summary", "columns", "values", "rows", "text")


# --- scoring (tested in tests/test_routing_bench.py) ----------------------------
def score(routed: list[str], right: set[str]) -> tuple[bool, bool]:
    """(right at top 1, right within top 3) for the routed tables, best first."""
    return bool(routed[:1]) and routed[0] in right, any(t in right for t in routed[:3])


def tally(results: list[tuple[bool, bool]]) -> dict:
    """Counts and shares of top-1 and top-3 hits over scored questions."""
    n = len(results)
    t1, t3 = sum(r[0] for r in results), sum(r[1] for r in results)
    return {"n": n, "top1": t1, "top3": t3, "top1_pct": round(100 * t1 / n, 1) if n else 0.0,
            "top3_pct": round(100 * t3 / n, 1) if n else 0.0}


def paired(a: list, b: list) -> dict:
    """Paired comparison of two backends' per-question (top-1, top-3) outcomes on the same questions: how many
    each gets right that the other gets wrong, at top 1 and at top 3 (the questions both get right or wrong
    say nothing about the difference)."""
    out = {}
    for k, name in ((0, "top1"), (1, "top3")):
        out[name] = {"only_a": sum(x[k] and not y[k] for x, y in zip(a, b, strict=True)),
                     "only_b": sum(y[k] and not x[k] for x, y in zip(a, b, strict=True))}
    return out


def right_tables(tables, files: list[str]) -> set[str]:
    """sql_names of every table of the named files (matched by file name, as ingested)."""
    names = {Path(f).name for f in files}
    return {t.sql_name for t in tables if t.file in names}


# --- data ---------------------------------------------------------------------------
def load_questions(name: str, sample: int | None, seed: int = 17) -> list[dict]:
    qfile, _ = SETS[name]
    qs = [json.loads(line) for line in qfile.read_text().splitlines() if line.strip()]
    if sample and len(qs) > sample:
        qs = random.Random(seed).sample(qs, sample)
    return qs


def _settings(home: Path, **kw):
    from core.config import Settings

    return Settings(home=home, build_index=False, llm_enabled=False, planner="offline", **kw)


def workspace(name: str, questions: list[dict], fresh: bool = False):
    """The set's workspace with all its questions' files ingested (no index), cached under WORK."""
    from core.index import make_file_chunks
    from core.workspace import Workspace, ingest_paths

    _, books = SETS[name]
    files = sorted({f for q in questions for f in q["files"]})
    # chunks are made at ingest: a new row-window cap (or chunk size) needs its own workspace
    s = _settings(WORK)
    home = WORK / f"{name}-{len(questions)}-rows{s.row_window_cap}-tok{s.chunk_tokens}"
    stamp = home / "files.json"
    if fresh or not stamp.exists() or json.loads(stamp.read_text()) != files:
        shutil.rmtree(home, ignore_errors=True)
        ws = Workspace(_settings(home))
        reps = ingest_paths(ws, [books / f for f in files])
        bad = [r for r in reps if r.get("status") == "error"]
        if bad:
            print(f"  {name}: {len(bad)} files failed to ingest: {[r['file'] for r in bad][:5]}", file=sys.stderr)
        # chunks are made by the index's first build otherwise: the first timed build would count making them
        # (and report 0 chunks)
        for f in ws.files():
            make_file_chunks(ws, ws.settings, f["id"])
        stamp.write_text(json.dumps(files))
    return home


def copy_without(home: Path, dest: Path, drop: set[str], rows_kept: int | None = None) -> Path:
    """A copy of a workspace (its embedding cache too) whose catalog lacks the chunks of the dropped kinds
    (and row windows past the first `rows_kept` of each table), as if make_chunks had not made them; its
    index folder is left out, so it is built anew."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(home, dest, ignore=shutil.ignore_patterns("index", "models"))
    from core.catalog import Catalog

    cat = Catalog(dest / "catalog.sqlite")
    if drop:
        with cat.tx() as c:
            c.execute(f"DELETE FROM chunks WHERE kind IN ({','.join('?' * len(drop))})", sorted(drop))
    if rows_kept is not None:
        with cat.tx() as c:
            c.execute("DELETE FROM chunks WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER"
                      " (PARTITION BY table_id ORDER BY id) AS n FROM chunks WHERE kind='rows') WHERE n > ?)",
                      (rows_kept,))
    return dest


# --- building and routing -----------------------------------------------------------
def build(home: Path, backend: str, models: Path, clear_cache: bool = True) -> tuple[object, dict]:
    """Build every file's index (from an empty cache for this backend when clear_cache); (index, figures)."""
    from core.index import Embedder, SemanticIndex
    from core.workspace import Workspace

    s = _settings(home, embed_backend=backend)
    # the exported ONNX files are shared by every copy of a workspace here, so no build pays the export
    emb = Embedder(_settings(models, embed_backend=backend))
    emb.embed(["warm up"])
    ws = Workspace(s)
    if clear_cache:
        with ws.catalog.tx() as c:
            c.execute("DELETE FROM embeddings WHERE model=?", (emb.key,))
    shutil.rmtree(home / "index", ignore_errors=True)
    n = len(ws.chunks())
    t = time.perf_counter()
    idx = SemanticIndex(ws, s, embedder=emb)  # reconcile() builds every file's index
    dt = time.perf_counter() - t
    return idx, {"backend": emb.backend, "chunks": n, "embedded": idx.embedded, "build_s": round(dt, 3),
                 "chunks_per_s": round(n / dt, 1) if dt else 0.0}


def route_all(idx, ws, questions: list[dict], k: int = 5) -> dict:
    """Route every question; tally of top-1 / top-3 against the tables of its files."""
    tables = ws.tables()
    results = []
    for q in questions:
        right = right_tables(tables, q["files"])
        if not right:  # its file did not ingest: not a routing question
            continue
        routed = [t for t, _ in idx.route(q["question"], k=k)["tables"]]
        results.append(score(routed, right))
    return tally(results) | {"outcomes": [[int(t1), int(t3)] for t1, t3 in results]}


def kind_counts(home: Path) -> dict:
    from core.catalog import Catalog

    rows = Catalog(home / "catalog.sqlite").query("SELECT kind, COUNT(*) AS n FROM chunks GROUP BY kind")
    return {r["kind"]: r["n"] for r in rows}


# --- the runs ------------------------------------------------------------------------
def speed_and_quality(name: str, home: Path, questions: list[dict], backends: list[str], reps: int,
                      models: Path) -> dict:
    """Interleaved timed builds per backend (medians), then routing quality per backend."""
    from core.workspace import Workspace

    runs: dict[str, list[dict]] = {b: [] for b in backends}
    out: dict = {"chunks": kind_counts(home), "backends": {}}
    for r in range(reps):
        for b in (backends if r % 2 == 0 else backends[::-1]):  # alternate the order: no variant always first
            _, fig = build(home, b, models)
            runs[b].append(fig)
            print(f"  {name} rep {r + 1} {b}: {fig['chunks']} chunks in {fig['build_s']} s "
                  f"({fig['chunks_per_s']}/s)", file=sys.stderr)
    for b in backends:
        idx, _ = build(home, b, models, clear_cache=False)  # from the cache the timed builds filled
        ws = Workspace(_settings(home, embed_backend=b))
        cps = [f["chunks_per_s"] for f in runs[b]]
        out["backends"][b] = {"chunks_per_s_median": round(statistics.median(cps), 1), "chunks_per_s": cps,
                              "used": runs[b][0]["backend"], "routing": route_all(idx, ws, questions)}
    first = out["backends"][backends[0]]["routing"]["outcomes"]
    out["paired_vs_" + backends[0]] = {b: paired(first, out["backends"][b]["routing"]["outcomes"])
                                       for b in backends[1:]}
    return out


def kinds_ablation(name: str, home: Path, questions: list[dict], backend: str, models: Path) -> dict:
    """Routing with each chunk kind left out (and with only summary+columns+values), from cached vectors."""
    from core.workspace import Workspace

    variants = {"all": (set(), None)} | {f"-{k}": ({k}, None) for k in KINDS}
    variants |= {"-rows-text": ({"rows", "text"}, None), "rows: first 1 per table": (set(), 1),
                 "rows: first 3 per table": (set(), 3), "-rows-columns": ({"rows", "columns"}, None),
                 "-rows-values": ({"rows", "values"}, None), "-rows-summary": ({"rows", "summary"}, None)}
    out = {}
    for label, (drop, kept) in variants.items():
        dest = copy_without(home, WORK / f"{name}-ablation", drop, kept)
        idx, fig = build(dest, backend, models, clear_cache=False)
        out[label] = {"chunks": fig["chunks"], "routing": route_all(idx, Workspace(_settings(dest)), questions)}
        print(f"  {name} {label}: {out[label]}", file=sys.stderr)
    shutil.rmtree(WORK / f"{name}-ablation", ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.routing", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--backends", default="torch,onnx,onnx-int8")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--wtq-sample", type=int, default=120, help="questions sampled from wtq-train (seeded)")
    ap.add_argument("--kinds", action="store_true", help="also leave out each chunk kind in turn")
    ap.add_argument("--kinds-backend", default="torch")
    ap.add_argument("--fresh", action="store_true", help="ingest the workspaces again")
    ap.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    a = ap.parse_args(argv)
    models = WORK / "models-home"
    report: dict = {"load_start": os.getloadavg()}
    for name in a.sets.split(","):
        qs = load_questions(name, a.wtq_sample if name == "wtq-train" else None)
        home = workspace(name, qs, a.fresh)
        r = speed_and_quality(name, home, qs, a.backends.split(","), a.reps, models)
        if a.kinds:
            r["kinds"] = kinds_ablation(name, home, qs, a.kinds_backend, models)
        report[name] = r
        print_table(name, r)
    report["load_end"] = os.getloadavg()
    if a.out:
        a.out.write_text(json.dumps(report, indent=1))
    return 0


def print_table(name: str, r: dict) -> None:
    print(f"\n### {name}: {sum(r['chunks'].values())} chunks {r['chunks']}\n")
    print("| backend | chunks/s (median) | runs | routing top-1 | top-3 |")
    print("|---|---|---|---|---|")
    for b, f in r["backends"].items():
        ro = f["routing"]
        print(f"| {b} ({f['used']}) | {f['chunks_per_s_median']} | {f['chunks_per_s']} | "
              f"{ro['top1']}/{ro['n']} ({ro['top1_pct']}%) | {ro['top3']}/{ro['n']} ({ro['top3_pct']}%) |")
    for key, per in ((k, v) for k, v in r.items() if k.startswith("paired_vs_")):
        base = key.removeprefix("paired_vs_")
        print(f"\n| paired vs {base} | top-1: only {base} / only it | top-3: only {base} / only it |\n|---|---|---|")
        for b, d in per.items():
            print(f"| {b} | {d['top1']['only_a']} / {d['top1']['only_b']} | {d['top3']['only_a']} / {d['top3']['only_b']} |")
    if "kinds" in r:
        print("\n| chunks left out | chunks | top-1 | top-3 |\n|---|---|---|---|")
        for label, f in r["kinds"].items():
            ro = f["routing"]
            print(f"| {label} | {f['chunks']} | {ro['top1']}/{ro['n']} | {ro['top3']}/{ro['n']} |")
    sys.stdout.flush()


if __name__ == "__main__":
    raise SystemExit(main())
