"""Drop to first answer: the time from handing a file to the workspace until the first exact answer about it.

    python -m bench.drop [--runs 3] [--csv-mb 40] [--modes sync,background,app] [--json out.json]

For each shared real workbook (/work/shared/realbooks) and a generated ~40 MB CSV: a fresh workspace with the
semantic index, `Workspace.add_file` (parsed in the limited child process, as in the app), then the first
question through the answer path (ChatPipeline with the index, LLM off). `sync` is the old behaviour (the
upload embeds every chunk before it returns); `background` is the app's (the index's worker embeds after
add_file returned); `app` drops the file with its question into the Chat page's input through Streamlit's
AppTest (the app's own upload queue, background index and answer view) and stops the clock when the answer
is on the page. The embedding model and the parsing forkserver are warm, as in a running server. Also
reports how long the background index took to be complete. Targets: <= 3 s per real workbook, <= 15 s for
the 40 MB CSV (p50).
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from .cases import QA, REALBOOKS, settings
from .util import pct

ROOT = Path(__file__).resolve().parents[1]

TARGETS = {"real": 3.0, "csv": 15.0}
CSV_QUESTION = ("What is the total Quantity?", None)


def questions() -> dict[str, tuple[str, float]]:
    """The first question with a numeric answer for each real workbook: {file name: (question, number)}."""
    out: dict[str, tuple[str, float]] = {}
    for line in QA.read_text().splitlines():
        q = json.loads(line) if line.strip() else None
        if q and len(q["files"]) == 1 and "number" in q["expect"]:
            out.setdefault(q["files"][0], (q["question"], q["expect"]["number"]))
    return out


def make_csv(d: Path, mb: float) -> tuple[Path, float]:
    """A sales-like CSV of about `mb` megabytes; returns it and the sum of its Quantity column."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    n = int(mb * 1e6 / 62)  # about 62 bytes a row
    df = pd.DataFrame({
        "Order ID": np.arange(1, n + 1), "Date": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 730, n), "D"),
        "Region": rng.choice(["North", "South", "East", "West"], n),
        "Product": rng.choice(["Street Footwear", "Athletic Footwear", "Apparel", "Accessories"], n),
        "Quantity": rng.integers(1, 500, n), "Unit Price": rng.integers(100, 20000, n) / 100,
        "Customer": rng.choice([f"Customer {i:05d}" for i in range(5000)], n)})
    path = d / f"sales_{mb:g}mb.csv"
    df.to_csv(path, index=False)
    return path, float(df["Quantity"].sum())


def one_run(path: Path, question: str, expect: float | None, emb, background: bool) -> dict:
    """One drop in a fresh workspace: seconds to the stored file, to the first answer, and to a complete index."""
    from core.answer import Answerer
    from core.chat import ChatPipeline
    from core.index import SemanticIndex
    from core.workspace import Workspace

    home = Path(tempfile.mkdtemp(prefix="bench-drop-"))
    try:
        s = settings(home, build_index=True)
        ws = Workspace(s)
        idx = SemanticIndex(ws, s, embedder=emb, background=background)
        pipe = ChatPipeline(Answerer(ws), s, index=idx)
        t0 = time.perf_counter()
        fid = ws.add_file(path)["file_id"]
        stored = time.perf_counter() - t0
        ans = pipe.answer(question, file_ids=[fid])
        answered = time.perf_counter() - t0
        idx.wait_idle(600)
        indexed = time.perf_counter() - t0
        right = expect is None or (isinstance(ans.value, int | float) and abs(float(ans.value) - expect) < 1e-6 * max(1, abs(expect)))
        return {"stored_s": stored, "answer_s": answered, "indexed_s": indexed, "right": bool(right and not ans.error),
                "error": ans.error}
    finally:
        shutil.rmtree(home, ignore_errors=True)


MIME = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".csv": "text/csv"}


def _shown(page: str, expect: float | None) -> bool:
    """The expected number is on the page, in one of the ways an answer writes it."""
    return expect is None or any(f"{expect:,.{d}f}" in page for d in (0, 1, 2))


def one_run_app(path: Path, question: str, expect: float | None) -> dict:
    """One drop through the app: the file and its question into the Chat page's input (AppTest), timed until
    the answer is on the page; the index is on and works in the background, as in a running server."""
    import os

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    home = Path(tempfile.mkdtemp(prefix="bench-drop-app-"))
    old = dict(os.environ)
    os.environ.update(EXCELCHAT_HOME=str(home), EXCELCHAT_INDEX="1", EXCELCHAT_LLM="0", OLLAMA_HOST="http://127.0.0.1:9")
    try:
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.query_params["user"] = "bench"
        at.run()
        t0 = time.perf_counter()
        ci = at.chat_input[0]
        ci.upload(path.name, path.read_bytes(), MIME.get(path.suffix.lower(), "text/plain"))
        ci.set_value(question).run()
        page = "\n".join(str(e.value) for e in list(at.markdown) + list(at.caption) + list(at.error))
        answered = time.perf_counter() - t0
        return {"stored_s": answered, "answer_s": answered, "indexed_s": float("nan"),
                "right": bool("Computed:" in page and _shown(page, expect) and not at.exception and not at.error),
                "error": "; ".join(str(e.value) for e in list(at.exception) + list(at.error))[:300] or None}
    finally:
        os.environ.clear()
        os.environ.update(old)
        shutil.rmtree(home, ignore_errors=True)


def case(path: Path, question: str, expect: float | None, emb, mode: str, runs: int) -> dict:
    """p50 over `runs` drops (after one untimed warm-up drop of the same file)."""
    def once():
        if mode == "app":
            return one_run_app(path, question, expect)
        return one_run(path, question, expect, emb, mode == "background")

    once()
    got = [once() for _ in range(runs)]
    return {"file": path.name, "mode": mode, "runs": runs,
            **{k: round(pct([g[k] for g in got], 50), 2) for k in ("stored_s", "answer_s", "indexed_s")},
            "right": all(g["right"] for g in got), "errors": sorted({g["error"] for g in got if g["error"]})}


def run(runs: int, csv_mb: float, modes: list[str], only: str = "") -> list[dict]:
    from core.index import Embedder
    from core.isolate import warm_up

    warm_up()
    tmp = Path(tempfile.mkdtemp(prefix="bench-drop-src-"))
    try:
        emb = Embedder(settings(tmp))
        qs = questions()
        cases = [(p, *qs[p.name], "real") for p in sorted(REALBOOKS.glob("*.xlsx")) if p.name in qs]
        if csv_mb:
            path, total = make_csv(tmp, csv_mb)
            cases.append((path, CSV_QUESTION[0], total, "csv"))
        out = []
        for mode in modes:
            for path, q, expect, kind in [c for c in cases if only.lower() in c[0].name.lower()]:
                r = case(path, q, expect, emb, mode, runs)
                r.update(mb=round(path.stat().st_size / 1e6, 1), target_s=TARGETS[kind], ok=r["answer_s"] <= TARGETS[kind])
                print(json.dumps(r), flush=True)
                out.append(r)
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--csv-mb", type=float, default=40.0)
    ap.add_argument("--modes", default="sync,background")
    ap.add_argument("--only", default="", help="only the files whose name contains this")
    ap.add_argument("--json", help="write the rows to this file")
    a = ap.parse_args(argv)
    rows = run(a.runs, a.csv_mb, a.modes.split(","), a.only)
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
