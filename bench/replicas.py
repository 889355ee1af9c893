"""Several app processes on one library: questions/s and latency per (processes, users) on one catalog database.

    python -m bench.replicas --database-url URL --processes 1,2 --users 1,2,4,8 --out F
           [--set ../shared/qa/biz-dev.jsonl] [--books ../shared/qa] [--home DIR] [--duration 20] [--limit N]

One shared workspace (`--home`, else a temporary folder) holds the files of a question set. For each process
count P, P real OS processes each open their own Workspace on that home and database (LLM off, offline
planner: the app's answer path, `ChatPipeline.answer`), as P app servers behind the proxy would. For each
user count U, every process runs U threads that ask the set's questions (each scoped to its own files) in a
loop for `--duration` seconds, all processes started together. Reported per (P, U): questions/s over all
processes, p50/p95 latency, answered / ambiguous / declined / internal errors; then the largest U with
p95 <= 1.5 s ("users per app process"), and the catalog database's size per file (`pg_database_size` for
PostgreSQL, the catalog file for SQLite) as files per GB.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.util import pct as percentile

ROOT = Path(__file__).resolve().parents[1]
QA = ROOT.parent / "shared" / "qa"
P95_TARGET_S = 1.5
GB = 1024 ** 3


def load_set(path: Path, limit: int | None = None) -> list[dict]:
    qs = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    return qs[:limit] if limit else qs


def settings_for(home: Path, database_url: str, **kw):
    """The app's settings on this home and catalog database, LLM off and the offline planner."""
    from core.config import Settings

    over = dict(home=Path(home), database_url=database_url, llm_enabled=False, planner="offline", **kw)
    return Settings.from_env(**over)


def redact(url: str) -> str:
    """The URL without its password."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


# --- the shared workspace -------------------------------------------------------------------------
def build(home: Path, database_url: str, questions: list[dict], books: Path, index: bool = True) -> dict:
    """Ingest every file the questions name, with the semantic index (chunks and their vectors in the catalog,
    as the app stores a file) unless `index` is False; returns the questions as (text, file ids) and the
    catalog's size before and after."""
    from core import Workspace, ingest_paths

    names = sorted({f for q in questions for f in q.get("files") or []})
    s = settings_for(home, database_url, build_index=index)
    ws = Workspace(s)
    if index:  # embeds each file before add_file returns (the app's worker does it in the background)
        from core import SemanticIndex

        SemanticIndex(ws, s)
    before = database_bytes(home, database_url)  # the catalog's schema (and earlier files) before these
    t = time.perf_counter()
    reports = ingest_paths(ws, [books / n for n in names])
    ingest_s = time.perf_counter() - t
    failed = [r for r in reports if r["status"] != "ok"]
    warm_model(home, database_url)
    by_sha = {f["sha256"]: f["id"] for f in ws.files()}
    ids = {n: by_sha.get(r.get("sha256")) for n, r in zip(names, reports, strict=True)}
    asks = [(q["question"], [ids[f] for f in q.get("files") or []]) for q in questions
            if all(ids.get(f) for f in q.get("files") or [])]
    return {"asks": asks, "files": len(ws.files()), "files_added": sum(r["status"] == "ok" and not r.get("cached") for r in reports),
            "failed": [r["error"] for r in failed], "ingest_s": ingest_s, "bytes_before": before,
            "bytes_after": database_bytes(home, database_url)}


def warm_model(home: Path, database_url: str) -> None:
    """Load the planner's model once here: an ONNX backend exports into <home>/models on its first load, which
    the worker processes then share instead of racing to write it."""
    s = settings_for(home, database_url)
    if s.build_index:
        from core.index import Embedder

        Embedder(s)


def database_bytes(home: Path, database_url: str) -> int:
    """Size of the catalog database: pg_database_size for PostgreSQL, catalog.sqlite (with its WAL) else."""
    if database_url.startswith(("postgresql://", "postgres://")):
        import psycopg

        with psycopg.connect(database_url) as c:
            return int(c.execute("SELECT pg_database_size(current_database())").fetchone()[0])
    return sum(p.stat().st_size for p in Path(home).glob("catalog.sqlite*") if p.is_file())


def size_figures(built: dict) -> dict:
    """Bytes of catalog per file (the growth over the files this run added, else the whole) and files per GB."""
    added = built["files_added"]
    grown = built["bytes_after"] - built["bytes_before"]
    per_file = grown / added if added > 0 and grown > 0 else built["bytes_after"] / max(built["files"], 1)
    return {"bytes": built["bytes_after"], "bytes_before_ingest": built["bytes_before"], "files": built["files"],
            "bytes_per_file": per_file, "files_per_gb": GB / per_file if per_file else None}


# --- one app process ------------------------------------------------------------------------------
def ask_once(pipeline, question: str, file_ids: list[int], conversation_id: str | None = None) -> tuple[float, str]:
    """Latency and outcome: answered / ambiguous / cannot, or error (an internal error or a raise)."""
    t = time.perf_counter()
    try:
        ans = pipeline.answer(question, file_ids=file_ids, conversation_id=conversation_id)
        internal = bool(ans.error and ans.error.startswith("Something went wrong"))
        outcome = "error" if internal else ans.status
    except Exception:  # the pipeline promises never to raise: count it
        outcome = "error"
    return time.perf_counter() - t, outcome


def run_users(pipeline, asks: list, users: int, duration: float, offset: int) -> dict:
    """`users` threads asking in a loop until the deadline (a question in flight is finished and counted).

    Each user keeps one conversation per file, as in the app: every exchange reads the conversation's last
    plan and window and stores the question and the answer in the catalog database."""
    lat: list[float] = []
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def user(u: int) -> None:
        i = offset + u * 7919  # users start at different questions
        conversations: dict[tuple, str] = {}
        while time.perf_counter() < deadline:
            q, fids = asks[i % len(asks)]
            key = tuple(fids)
            if key not in conversations:
                conversations[key] = pipeline.conversations.create(user=f"bench-{offset}-{u}", file_ids=fids)
            d, outcome = ask_once(pipeline, q, fids, conversations[key])
            i += 1
            with lock:
                lat.append(d)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1

    threads = [threading.Thread(target=user, args=(u,)) for u in range(users)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"latencies": lat, "outcomes": outcomes, "wall_s": time.perf_counter() - t}


def worker(index: int, home: str, database_url: str, asks: list, users: list[int], duration: float,
           barrier, results) -> None:
    """One app process: its own Workspace and pipeline on the shared home and database, warmed, then each
    user count in turn, started together with the other processes."""
    from core.answer import Answerer
    from core.chat import ChatPipeline
    from core.workspace import Workspace

    pipeline = ChatPipeline(Answerer(Workspace(settings_for(Path(home), database_url))))
    seen = set()
    for q, fids in asks:  # warm-up: every table's planning view and the model, as a running server has them
        if tuple(fids) not in seen:
            seen.add(tuple(fids))
            ask_once(pipeline, q, fids)
    for u in users:
        barrier.wait()
        results.put((index, u, run_users(pipeline, asks, u, duration, offset=index * 104729)))
        barrier.wait()


# --- the runs ---------------------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float | None:
    return percentile(values, p) if values else None


def run_processes(home: Path, database_url: str, asks: list, processes: int, users: list[int],
                  duration: float, log=print) -> list[dict]:
    """`processes` worker processes through every user count; one row per (processes, users)."""
    ctx = mp.get_context("spawn")  # fresh interpreters, as separate app servers are
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(i, str(home), database_url, asks, users, duration, barrier, results))
             for i in range(processes)]
    for p in procs:
        p.start()
    rows = []
    try:
        for u in users:
            parts = [results.get(timeout=duration * 20 + 600) for _ in range(processes)]
            rows.append(aggregate(processes, u, [r for _, _, r in parts]))
            log(format_row(rows[-1]))
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.terminate()
    return rows


def aggregate(processes: int, users: int, parts: list[dict]) -> dict:
    lat = [d for r in parts for d in r["latencies"]]
    outcomes: dict[str, int] = {}
    for r in parts:
        for k, v in r["outcomes"].items():
            outcomes[k] = outcomes.get(k, 0) + v
    wall = max(r["wall_s"] for r in parts)
    return {"processes": processes, "users": users, "users_per_process": users, "asked": len(lat),
            "questions_per_s": len(lat) / wall if wall else None, "wall_s": wall,
            "p50_s": pct(lat, 50), "p95_s": pct(lat, 95), "max_s": max(lat) if lat else None,
            "answered": outcomes.get("answered", 0), "ambiguous": outcomes.get("ambiguous", 0),
            "declined": outcomes.get("cannot", 0), "errors": outcomes.get("error", 0)}


def users_at_target(rows: list[dict], processes: int) -> int | None:
    """The largest user count per process whose p95 stays within the target (None: not even one)."""
    ok = [r["users"] for r in rows if r["processes"] == processes and r["p95_s"] is not None
          and r["p95_s"] <= P95_TARGET_S]
    return max(ok) if ok else None


def format_row(r: dict) -> str:
    p50 = f"{r['p50_s']:.3f}" if r["p50_s"] is not None else "-"
    p95 = f"{r['p95_s']:.3f}" if r["p95_s"] is not None else "-"
    return (f"| {r['processes']} | {r['users']} | {r['asked']} | {r['questions_per_s']:.2f} | {p50} | {p95} | "
            f"{r['answered']} / {r['ambiguous']} / {r['declined']} | {r['errors']} |")


def run(args, log=print) -> dict:
    questions = load_set(args.set, args.limit)
    with tempfile.TemporaryDirectory(prefix="bench-replicas-") as tmp:
        home = Path(args.home or tmp).resolve()
        built = build(home, args.database_url, questions, Path(args.books).resolve(), index=args.index)
        if not built["asks"]:
            raise SystemExit(f"no question has all its files ingested: {built['failed'][:3]}")
        load_start = os.getloadavg()
        log(f"{len(built['asks'])} questions over {built['files']} files in {home} "
            f"({'PostgreSQL' if args.database_url.startswith('postgres') else 'SQLite'}); load average {load_start}")
        log("| processes | users per process | asked | questions/s | p50 s | p95 s | answered / ambiguous / declined | errors |")
        log("|---|---|---|---|---|---|---|---|")
        rows = []
        for p in args.processes:
            rows += run_processes(home, args.database_url, built["asks"], p, args.users, args.duration, log)
    return {"database": "postgresql" if args.database_url.startswith("postgres") else "sqlite",
            "database_url": redact(args.database_url), "set": str(args.set), "questions": len(built["asks"]),
            "files": built["files"], "indexed": args.index, "ingest_s": built["ingest_s"], "ingest_failed": built["failed"],
            "duration_s": args.duration, "cpus": os.cpu_count(), "load_average": {"start": load_start,
                                                                                    "end": os.getloadavg()},
            "runs": rows, "p95_target_s": P95_TARGET_S,
            "users_per_process_at_p95": {str(p): users_at_target(rows, p) for p in args.processes},
            "database_size": size_figures(built)}


def main(argv: list[str] | None = None) -> int:
    ints = lambda s: [int(x) for x in s.split(",") if x.strip()]
    ap = argparse.ArgumentParser(prog="python -m bench.replicas", description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default="", help="postgresql://... (empty: the embedded SQLite catalog)")
    ap.add_argument("--processes", type=ints, default=[1, 2])
    ap.add_argument("--users", type=ints, default=[1, 2, 4, 8], help="threads per process")
    ap.add_argument("--duration", type=float, default=20.0, help="seconds each (processes, users) runs")
    ap.add_argument("--set", type=Path, default=QA / "biz-dev.jsonl")
    ap.add_argument("--books", type=Path, default=QA)
    ap.add_argument("--limit", type=int, default=None, help="the set's first N questions only")
    ap.add_argument("--no-index", dest="index", action="store_false",
                    help="ingest without the semantic index (faster; the catalog then holds no chunks or vectors)")
    ap.add_argument("--home", type=Path, default=None, help="the shared workspace (default: a temporary one)")
    ap.add_argument("--out", type=Path, default=None, help="write the report as JSON here")
    args = ap.parse_args(argv)
    report = run(args, log=lambda m: print(m, flush=True))
    print(f"users per app process at p95 <= {P95_TARGET_S} s: {report['users_per_process_at_p95']}")
    size = report["database_size"]
    print(f"catalog: {size['bytes'] / 1e6:.1f} MB for {size['files']} files; "
          f"{size['bytes_per_file'] / 1e3:.0f} kB per file -> {size['files_per_gb']:.0f} files per GB")
    if args.out:
        args.out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
