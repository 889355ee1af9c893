"""`python -m bench [--quick] [--only read,ingest,index,answer,load,memory,llm]`

`llm` (a real model behind OLLAMA_HOST; bench/llm.py) runs only when named in --only.

Runs each case in a fresh subprocess, writes bench/results.json (or results-quick.json) and prints
a markdown table with every figure beside its target (pass / MISS)."""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from . import data
from .util import run_case

HERE = Path(__file__).resolve().parent
SECTIONS = ["read", "ingest", "index", "answer", "load", "memory", "llm"]
DEFAULT_SECTIONS = SECTIONS[:-1]  # llm needs a real model server: only when asked for

PROFILES = {
    "quick": dict(big_rows=50_000, csv_mb=20, messy_mb=20, messy_ingest_mb=5, ws=(10, 5_000, 5_000), repeats=3, real_repeats=1, csv_repeats=1,
                  budget=60, ingest_repeats=2, index_ingest_repeats=1, index_ingest_warmup=0,
                  index_window_cap=None,  # the default (1 window per table) is already short
                  search_queries=100, index_files=1, index_max_chunks=64, passes=1, unscoped_per_table=2,
                  users=10, per_user=6, uploads=3, mem_questions=1000, bare=True, llm_per_set=5),
    "full": dict(big_rows=500_000, csv_mb=200, messy_mb=200, messy_ingest_mb=40, ws=(100, 50_000, 200_000), repeats=3, real_repeats=5, csv_repeats=2,
                 budget=180, ingest_repeats=3, index_ingest_repeats=2, index_ingest_warmup=1, index_window_cap=None,
                 search_queries=300, index_files=3, index_max_chunks=None, passes=2, unscoped_per_table=1,
                 users=10, per_user=20, uploads=3, mem_questions=1000, bare=True, llm_per_set=20),
}

# every figure the results hold (a skipped one is still listed, with its reason)
FIGURES = [
    "read.xlsx.ours", "read.xlsx.openpyxl", "read.xlsx.calamine", "read.xlsx.pd_calamine",
    "read.xlsx.speedup_vs_openpyxl", "read.xlsx.overhead_vs_calamine",
    "read.real.ours", "read.real.openpyxl", "read.real.calamine", "read.real.pd_calamine",
    "read.real.speedup_vs_openpyxl", "read.real.overhead_vs_calamine",
    "read.csv.ours", "read.csv.pandas", "read.csv.overhead_vs_pandas",
    "read.csv_messy.ours", "read.csv_messy.grid", "read.csv_messy.pandas", "read.csv_messy.vs_pandas",
    "read.csv_messy.peak_rss", "read.csv_messy.ingest",
    "ingest.workspace_build", "ingest.no_index", "ingest.with_index", "ingest.cache_hit",
    "index.build", "index.bare_encode", "index.build_vs_bare", "index.search_p50", "index.search_p95",
    "answer.real_p50", "answer.real_p95", "answer.gen_scoped_p50", "answer.gen_scoped_p95",
    "answer.gen_unscoped_p95", "answer.ttft_overhead",
    "load.one_user", "load.ten_users", "load.speedup", "load.p95", "load.errors",
    "load.uploads_p95", "load.uploads_errors", "load.upload_time",
    "memory.held_rss", "memory.growth_1000q",
    "llm.plan_valid_first_try", "llm.plan_valid_after_repair", "llm.correct", "llm.wrong", "llm.declined",
    "llm.narration_flagged", "llm.narration_withdrawn", "llm.first_token_p50", "llm.answer_p50", "llm.tokens_per_s",
]


def _fmt_s(s: float | None) -> str:
    if s is None or s != s:
        return "-"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def _spread(t: dict) -> str:
    if not t or t.get("n", 0) == 0:
        return "-"
    if t["n"] == 1:
        return "n=1"
    return f"{_fmt_s(t['min'])}–{_fmt_s(t['max'])} (n={t['n']})"


class Report:
    def __init__(self):
        self.figs: dict[str, dict] = {}
        self.raw: dict[str, dict] = {}

    def add(self, name, value, unit="", spread="", rss=None, target=None, ok=None, note=""):
        self.figs[name] = {"value": value, "unit": unit, "spread": spread, "peak_rss_mb": rss,
                           "target": target, "pass": ok, "note": note}

    def skip(self, name, why):
        self.add(name, None, note=f"skipped: {why}")

    def failed(self, name, res):
        self.add(name, None, note=f"error: {res.get('error')}")


def _rate(res: dict) -> str:
    return f"{res['rows_per_s']:,.0f} rows/s, {res['mb_per_s']:.1f} MB/s, {_fmt_s(res['time']['median'])}"


def run_read(p, rep: Report):
    xlsx = data.big_xlsx(p["big_rows"])
    csv = data.big_csv(p["csv_mb"])
    b = p["budget"]
    r = {}
    r["ours"] = run_case("read", path=str(xlsx), reader="ours", repeats=p["repeats"], budget_s=b)
    r["openpyxl"] = run_case("read", path=str(xlsx), reader="openpyxl", repeats=1, warmup=0)
    r["calamine"] = run_case("read", path=str(xlsx), reader="calamine_first", repeats=p["repeats"], budget_s=b)
    r["pd_calamine"] = run_case("read", path=str(xlsx), reader="pd_calamine", repeats=p["repeats"], budget_s=b)
    rep.raw["read_xlsx"] = r
    for k, v in r.items():
        if "error" in v:
            rep.failed(f"read.xlsx.{k}", v)
        else:
            rep.add(f"read.xlsx.{k}", v["rows_per_s"], "rows/s", _spread(v["time"]), v["peak_rss_mb"],
                    note=f"{v['rows']:,} rows, {v['mb']:.1f} MB: {_rate(v)}" + (f"; {v['time']['note']}" if v["time"].get("note") else ""))
    if all("error" not in r[k] for k in ("ours", "openpyxl", "calamine")):
        t_ours = r["ours"]["time"]["median"]
        sp = r["openpyxl"]["time"]["median"] / t_ours
        ov = t_ours / r["calamine"]["time"]["median"]
        rep.add("read.xlsx.speedup_vs_openpyxl", sp, "x", target=">= 5x", ok=sp >= 5,
                note="pandas+openpyxl time / ours (ours = read + detect tables + type columns)")
        rep.add("read.xlsx.overhead_vs_calamine", ov, "x", target="<= 1.5x", ok=ov <= 1.5,
                note="ours / bare CalamineWorkbook...to_python()")
    else:
        rep.skip("read.xlsx.speedup_vs_openpyxl", "a reader failed")
        rep.skip("read.xlsx.overhead_vs_calamine", "a reader failed")
    # the real workbooks
    rr = {k: run_case("read_real", reader=k, repeats=p["real_repeats"])
          for k in ("ours", "openpyxl", "calamine", "pd_calamine")}
    rep.raw["read_real"] = rr
    for k, v in rr.items():
        if "error" in v:
            rep.failed(f"read.real.{k}", v)
            continue
        per = "; ".join(f"{n.split('.')[0]}: {_fmt_s(f['time']['median'])}" for n, f in v["files"].items())
        rep.add(f"read.real.{k}", v["total_median_s"], "s (3 files)", "", v["peak_rss_mb"], note=per)
    if all("error" not in rr[k] for k in ("ours", "openpyxl", "calamine")):
        sp = rr["openpyxl"]["total_median_s"] / rr["ours"]["total_median_s"]
        ov = rr["ours"]["total_median_s"] / rr["calamine"]["total_median_s"]
        per_ov = "; ".join(f"{n.split('.')[0]}: {rr['ours']['files'][n]['time']['median'] / rr['calamine']['files'][n]['time']['median']:.2f}x"
                           for n in rr["ours"]["files"])
        rep.add("read.real.speedup_vs_openpyxl", sp, "x", target=">= 5x", ok=sp >= 5)
        rep.add("read.real.overhead_vs_calamine", ov, "x", target="<= 1.5x", ok=ov <= 1.5, note=per_ov)
    else:
        rep.skip("read.real.speedup_vs_openpyxl", "a reader failed")
        rep.skip("read.real.overhead_vs_calamine", "a reader failed")
    c = {"ours": run_case("read", path=str(csv), reader="ours", repeats=p["csv_repeats"], budget_s=b),
         "pandas": run_case("read", path=str(csv), reader="pd_csv", repeats=p["csv_repeats"], budget_s=b)}
    rep.raw["read_csv"] = c
    for k, v in c.items():
        if "error" in v:
            rep.failed(f"read.csv.{k}", v)
        else:
            rep.add(f"read.csv.{k}", v["rows_per_s"], "rows/s", _spread(v["time"]), v["peak_rss_mb"],
                    note=f"{v['rows']:,} rows, {v['mb']:.0f} MB: {_rate(v)}" + (f"; {v['time']['note']}" if v["time"].get("note") else ""))
    if "error" not in c["ours"] and "error" not in c["pandas"]:
        rep.add("read.csv.overhead_vs_pandas", c["ours"]["time"]["median"] / c["pandas"]["time"]["median"], "x",
                note="ours (read as text + detect + type) / pandas.read_csv with its own inference; no target")
    else:
        rep.skip("read.csv.overhead_vs_pandas", "a reader failed")
    run_read_messy_csv(p, rep)


def run_read_messy_csv(p, rep: Report):
    """The columnar CSV path (issue #17) on codes with leading zeros, text dates, money with thousands
    separators and missing markers: ours by columns, ours by grid (the path before), pandas.read_csv; and
    the smaller file through Workspace.add_file (parse + store, no index). Each in its own process."""
    path = data.messy_csv(p["messy_mb"])
    c = {k: run_case("read", path=str(path), reader=r, repeats=p["csv_repeats"], budget_s=p["budget"])
         for k, r in (("ours", "ours"), ("grid", "ours_grid"), ("pandas", "pd_csv"))}
    rep.raw["read_csv_messy"] = c
    for k, v in c.items():
        if "error" in v:
            rep.failed(f"read.csv_messy.{k}", v)
        else:
            rep.add(f"read.csv_messy.{k}", v["time"]["median"], "s", _spread(v["time"]), v["peak_rss_mb"],
                    note=f"{v['rows']:,} rows, {v['mb']:.0f} MB: {_rate(v)}" + (f"; {v['time']['note']}" if v["time"].get("note") else ""))
    if "error" not in c["ours"] and "error" not in c["pandas"]:
        ratio = c["ours"]["time"]["median"] / c["pandas"]["time"]["median"]
        rep.add("read.csv_messy.vs_pandas", ratio, "x", target="<= 3x", ok=ratio <= 3,
                note="ours (read + detect + type, by columns) / pandas.read_csv with its own inference, same file")
        peak = c["ours"]["peak_rss_mb"]
        rep.add("read.csv_messy.peak_rss", peak, "MB", target="<= 700 MB", ok=peak <= 700,
                note=f"peak RSS of the reading process (imports included); pandas.read_csv: {c['pandas']['peak_rss_mb']:.0f} MB")
    else:
        rep.skip("read.csv_messy.vs_pandas", "a reader failed")
        rep.skip("read.csv_messy.peak_rss", "a reader failed")
    small = data.messy_csv(p["messy_ingest_mb"])
    r = run_case("ingest", path=str(small), with_index=False, repeats=p["ingest_repeats"], budget_s=p["budget"],
                 cache_repeats=1)
    rep.raw["ingest_csv_messy"] = r
    if "error" in r:
        rep.failed("read.csv_messy.ingest", r)
    else:
        rep.add("read.csv_messy.ingest", r["time"]["median"], "s", _spread(r["time"]), r["peak_rss_mb"],
                note=f"Workspace.add_file, no index: {r['rows']:,} rows, {r['mb']:.0f} MB CSV, {r['rows_per_s']:,.0f} rows/s")


def run_prepare(p, rep: Report) -> bool:
    n, lo, hi = p["ws"]
    res = run_case("prepare_ws", n=n, lo=lo, hi=hi)
    rep.raw["prepare_ws"] = res
    if "home" in res:
        import os

        os.environ["BENCH_WS_HOME"] = res["home"]  # every later case of this run uses this workspace
    if "error" in res:
        rep.failed("ingest.workspace_build", res)
        return False
    note = (f"{res['files']} files, {res['tables']} tables, {res['rows']:,} rows, {res['chunks']:,} chunks, "
            f"{res['size_mb']:.0f} MB on disk; per file p50 {_fmt_s(res['per_file_p50_s'])}, max {_fmt_s(res['per_file_max_s'])}")
    if res.get("cached"):
        note += " (cached from an earlier run" + (
            ", built by an older version of core's ingest code)" if res.get("stale_ingest_code") else ", same ingest code)")
    rep.add("ingest.workspace_build", res["rows_per_s"], "rows/s", f"total {_fmt_s(res['ingest_s'])}",
            res.get("peak_rss_mb") if not res.get("cached") else None, note=note)
    return True


def run_ingest(p, rep: Report):
    from .cases import index_available

    xlsx = data.big_xlsx(p["big_rows"])
    r = run_case("ingest", path=str(xlsx), with_index=False, repeats=p["ingest_repeats"], budget_s=p["budget"])
    rep.raw["ingest"] = r
    if "error" in r:
        rep.failed("ingest.no_index", r)
        rep.failed("ingest.cache_hit", r)
    else:
        rep.add("ingest.no_index", r["time"]["median"], "s", _spread(r["time"]), r["peak_rss_mb"],
                note=f"{r['rows']:,} rows, {r['mb']:.1f} MB xlsx: {r['rows_per_s']:,.0f} rows/s")
        ch = r["cache_hit"]
        rep.add("ingest.cache_hit", ch["median"], "s", _spread(ch), None, target="<= 0.5 s", ok=ch["median"] <= 0.5,
                note="same bytes again: sha256 + catalog lookup")
    if index_available():
        r = run_case("ingest", path=str(xlsx), with_index=True, repeats=p["index_ingest_repeats"],
                     warmup=p["index_ingest_warmup"], budget_s=p["budget"], cache_repeats=1,
                     row_window_cap=p["index_window_cap"])
        rep.raw["ingest_index"] = r
        if "error" in r:
            rep.failed("ingest.with_index", r)
        else:
            rep.add("ingest.with_index", r["time"]["median"], "s", _spread(r["time"]), r["peak_rss_mb"],
                    note=f"{r['chunks']} chunks embedded; model load {_fmt_s(r['model_load_s'])} not counted"
                         + (f"; quick: row_window_cap={p['index_window_cap']} to stay short" if p["index_window_cap"] else ""))
    else:
        rep.skip("ingest.with_index", "core/index.py is missing")


def run_index(p, rep: Report):
    from .cases import index_available

    names = ["index.build", "index.bare_encode", "index.build_vs_bare", "index.search_p50", "index.search_p95"]
    if not index_available():
        for n in names:
            rep.skip(n, "core/index.py is missing")
        return
    n, lo, hi = p["ws"]
    r = run_case("index", n=n, lo=lo, hi=hi, build_files=p["index_files"], search_queries=p["search_queries"],
                 bare=p["bare"], max_chunks=p["index_max_chunks"])
    rep.raw["index"] = r
    if "error" in r:
        for nm in names:
            rep.failed(nm, r)
        return
    est = r["workspace_chunks"] / r["build_chunks_per_s"]
    rep.add("index.build", r["build_chunks_per_s"], "chunks/s", "n=1", r["peak_rss_mb"],
            note=(f"quick: only the first {p['index_max_chunks']} chunks; " if p["index_max_chunks"] else "") +
                 f"{r['chunks']:,} chunks of the first {r['build_files']} file(s) in {_fmt_s(r['build_s'])} "
                 f"(embed + FAISS + persist; model load {_fmt_s(r['model_load_s'])} not counted). At this rate the "
                 f"whole {n}-file workspace ({r['workspace_chunks']:,} chunks) needs ~{est / 60:.0f} min")
    b = r["bare"]
    rep.add("index.bare_encode", b["chunks_per_s"], "chunks/s", "n=1",
            note=f"SentenceTransformer.encode(batch_size=64) on the same texts: {_fmt_s(b['encode_s'])}")
    ratio = r["build_chunks_per_s"] / b["chunks_per_s"]
    rep.add("index.build_vs_bare", ratio, "x", target=">= 0.8x", ok=ratio >= 0.8)
    s = r["search"]
    rep.add("index.search_p50", s["p50"] * 1000, "ms", f"n={s['n']}",
            note=f"hybrid search, k=10, over {r['search_files']} files / {r['search_chunks']:,} chunks (vectors seeded "
                 f"into the embedding cache; build from cache {_fmt_s(r['build_from_cache_s'])}); after 10 warm-up "
                 f"searches ({', '.join(_fmt_s(x) for x in r['search_warmup_s'])}); first search of a fresh index object "
                 f"(loads every file's index from disk) {_fmt_s(r['search_cold_s'])}")
    e, w = r["embed_query"], r["search_without_embedding"]
    rep.add("index.search_p95", s["p95"] * 1000, "ms", f"max {s['max'] * 1000:.0f} ms", target="<= 50 ms",
            ok=s["p95"] <= 0.05, note=f"split of each search: query embedding p50 {e['p50'] * 1000:.0f} / p95 "
                                      f"{e['p95'] * 1000:.0f} ms; the rest (FAISS, BM25, merge) p50 {w['p50'] * 1000:.0f} / "
                                      f"p95 {w['p95'] * 1000:.0f} ms")


def run_answer(p, rep: Report):
    n, lo, hi = p["ws"]
    r = run_case("answer", n=n, lo=lo, hi=hi, passes=p["passes"], unscoped_per_table=p["unscoped_per_table"])
    rep.raw["answer"] = r
    names = ["answer.real_p50", "answer.real_p95", "answer.gen_scoped_p50", "answer.gen_scoped_p95",
             "answer.gen_unscoped_p95", "answer.ttft_overhead"]
    if "error" in r:
        for nm in names:
            rep.failed(nm, r)
        return
    rl = r["real"]
    rep.add("answer.real_p50", rl["p50"] * 1000, "ms", f"n={rl['n']}", r["peak_rss_mb"],
            note=f"30 shared questions on the 3 real workbooks; errors {rl['errors']}, unanswered {rl['unanswered']}; "
                 f"first (cold) {_fmt_s(r['real_first_s'])}")
    rep.add("answer.real_p95", rl["p95"] * 1000, "ms", f"max {rl['max'] * 1000:.0f} ms", target="<= 300 ms",
            ok=rl["p95"] <= 0.3)
    g = r["gen_scoped"]
    rep.add("answer.gen_scoped_p50", g["p50"] * 1000, "ms", f"n={g['n']}",
            note=f"{g['questions']} generated questions, each scoped to its file, {r['tables']} tables; errors {g['errors']}, "
                 f"unanswered {g['unanswered']}; first (cold) {_fmt_s(r['gen_first_s'])}")
    rep.add("answer.gen_scoped_p95", g["p95"] * 1000, "ms", f"max {g['max'] * 1000:.0f} ms", target="<= 300 ms",
            ok=g["p95"] <= 0.3)
    u = r["gen_unscoped"]
    rep.add("answer.gen_unscoped_p95", u["p95"] * 1000, "ms", f"p50 {u['p50'] * 1000:.0f} ms, max {u['max'] * 1000:.0f} ms, n={u['n']}",
            target="<= 300 ms", ok=u["p95"] <= 0.3,
            note=f"no file selected: planner weighs all {r['tables']} tables; first question of a fresh Answerer (builds every view) "
                 f"{_fmt_s(r['gen_unscoped_first_s'])}; errors {u['errors']}, unanswered {u['unanswered']}")
    t = r.get("ttft", {})
    if "skipped" in t:
        rep.skip("answer.ttft_overhead", t["skipped"])
    else:
        rep.add("answer.ttft_overhead", t["overhead_ms"], "ms", f"p95 {t['overhead_p95_ms']:.0f} ms, n={t['overhead']['n']}",
                target="<= 100 ms (p50)", ok=t["overhead_ms"] <= 100,
                note=f"ChatPipeline TTFT via fake Ollama (instant) p50 {t['ttft']['p50'] * 1000:.0f} ms / p95 "
                     f"{t['ttft']['p95'] * 1000:.0f} ms minus the offline answer of the same question "
                     f"(p50 {t['offline']['p50'] * 1000:.0f} ms); 30 shared questions; no token: {t['questions_without_token']}")


def run_load(p, rep: Report):
    n, lo, hi = p["ws"]
    r = run_case("load", n=n, lo=lo, hi=hi, users=p["users"], per_user=p["per_user"], uploads=p["uploads"])
    rep.raw["load"] = r
    names = ["load.one_user", "load.ten_users", "load.speedup", "load.p95", "load.errors", "load.uploads_p95",
             "load.uploads_errors", "load.upload_time"]
    if "error" in r:
        for nm in names:
            rep.failed(nm, r)
        return
    o, t, w = r["one_user"], r["team"], r["team_with_uploads"]
    rep.add("load.one_user", o["qps"], "q/s", f"p50 {o['p50'] * 1000:.0f} ms, p95 {o['p95'] * 1000:.0f} ms", r["peak_rss_mb"],
            note=f"{o['questions']} questions in sequence")
    rep.add("load.ten_users", t["qps"], "q/s", f"p50 {t['p50'] * 1000:.0f} ms, max {_fmt_s(t['max'])}",
            note=f"{p['users']} threads x {p['per_user']} questions through one shared Answerer")
    rep.add("load.speedup", r["speedup"], "x", target=">= 1.6x", ok=r["speedup"] >= 1.6, note="10-user q/s / 1-user q/s")
    rep.add("load.p95", t["p95"], "s", target="<= 1.5 s", ok=t["p95"] <= 1.5)
    errs = t["errors"] + t["mismatches"] + w["errors"] + w["mismatches"]
    rep.add("load.errors", errs, "", target="0", ok=errs == 0,
            note=f"errors {t['errors']}+{w['errors']}, answers differing from the single-user run "
                 f"{t['mismatches']}+{w['mismatches']}" + (f"; e.g. {(t['error_samples'] + w['error_samples'] + t['mismatch_samples'] + w['mismatch_samples'])[:1]}" if errs else ""))
    rep.add("load.uploads_p95", w["p95"], "s", f"p50 {_fmt_s(w['p50'])}, max {_fmt_s(w['max'])}", target="<= 1.5 s",
            ok=w["p95"] <= 1.5, note=f"10 users asking while {w['uploads']['n']} files are added")
    ue = len(w["uploads"]["errors"])
    rep.add("load.uploads_errors", ue, "", target="0", ok=ue == 0, note="; ".join(w["uploads"]["errors"])[:300])
    ut = w["uploads"]["times_s"]
    rep.add("load.upload_time", max(ut) if ut else None, "s (slowest)", ", ".join(_fmt_s(x) for x in ut),
            note="each add_file while 10 users ask")


def run_memory(p, rep: Report):
    n, lo, hi = p["ws"]
    r = run_case("memory", n=n, lo=lo, hi=hi, questions=p["mem_questions"])
    rep.raw["memory"] = r
    if "error" in r:
        rep.failed("memory.held_rss", r)
        rep.failed("memory.growth_1000q", r)
        return
    what = f"{r['tables']} tables, query engine, planning views" + (", embedding model" if r["model"] else "")
    rep.add("memory.held_rss", r["held_rss_mb"], "MB", f"start {r['start_rss_mb']:.0f} MB", r["peak_rss_mb"],
            target="<= 1500 MB", ok=r["held_rss_mb"] <= 1500, note=what)
    rep.add("memory.growth_1000q", r["growth_mb"], "MB", f"after {r['after_rss_mb']:.0f} MB", target="<= 50 MB",
            ok=r["growth_mb"] <= 50, note=f"{r['questions']} questions, p95 {r['latency']['p95'] * 1000:.0f} ms")


def table(rep: Report) -> str:
    lines = ["| Figure | Value | Spread | Peak RSS | Target | Result | Note |", "|---|---|---|---|---|---|---|"]
    for name in FIGURES:
        f = rep.figs.get(name)
        if f is None:
            continue
        v = f["value"]
        if v is None:
            val = "-"
        elif isinstance(v, float):
            val = f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
        else:
            val = f"{v:,}" if isinstance(v, int) else str(v)
        val = f"{val} {f['unit']}".strip()
        rss = f"{f['peak_rss_mb']:.0f} MB" if f.get("peak_rss_mb") else ""
        res = "" if f["pass"] is None else ("pass" if f["pass"] else "**MISS**")
        lines.append(f"| {name} | {val} | {f['spread'] or ''} | {rss} | {f['target'] or ''} | {res} | {f['note']} |")
    return "\n".join(lines)


def run_llm(p, rep: Report):
    from . import llm

    try:
        per, _ = llm.run(p["llm_per_set"], log=lambda m: print(m, file=sys.stderr, flush=True))
    except RuntimeError as e:
        for name in FIGURES:
            if name.startswith("llm."):
                rep.skip(name, str(e))
        return
    f, model = per["all"], per["model"]
    rep.raw["llm"] = per
    n, asked = f["questions"], f["asked_for_a_plan"] or 1
    sets = "; ".join(f"{k}: {v['correct']}/{v['wrong']}/{v['declined']}" for k, v in per.items() if isinstance(v, dict)
                     and k != "all")
    rep.add("llm.plan_valid_first_try", f["plan_valid_first_try"] / asked, "share",
            note=f"{model}: {f['plan_valid_first_try']} of {f['asked_for_a_plan']} plan requests")
    rep.add("llm.plan_valid_after_repair", f["plan_valid_after_repair"] / asked, "share",
            note=f"{f['plan_never_valid']} never valid (the offline planner answered)")
    rep.add("llm.correct", f["correct"], f"of {n}", note=f"correct/wrong/declined per set: {sets}; correct with "
            f"the model's own plan {f['correct_with_llm_plan']}")
    rep.add("llm.wrong", f["wrong"], f"of {n}", note=f"wrong with the model's own plan {f['wrong_with_llm_plan']}")
    rep.add("llm.declined", f["declined"], f"of {n}")
    rep.add("llm.narration_flagged", f["narration_flagged"], f"of {f['narrated']}",
            note="narrations with a number not in the result or beside the wrong label")
    rep.add("llm.narration_withdrawn", f["narration_withdrawn"], f"of {f['narrated']}",
            note="cut off at the token cap or repeating the prompt: the computed answer was shown")
    rep.add("llm.first_token_p50", f["first_token_p50_s"], "s")
    rep.add("llm.answer_p50", f["total_p50_s"], "s", note=f"p95 {f['total_p95_s']:.1f} s" if f["total_p95_s"] else "")
    rep.add("llm.tokens_per_s", f["tokens_per_s"], "tokens/s", note="narration, the server's own eval time")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small data; finishes in a few minutes")
    ap.add_argument("--only", default="", help="comma-separated sections: " + ",".join(SECTIONS) +
                    " (their figures replace those sections' figures in an existing results file)")
    ap.add_argument("--out", default=None, help="results file (default bench/results.json or results-quick.json)")
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()] or DEFAULT_SECTIONS
    bad = [s for s in only if s not in SECTIONS]
    if bad:
        ap.error(f"unknown section(s): {', '.join(bad)}")
    mode = "quick" if args.quick else "full"
    p = PROFILES[mode]
    rep = Report()
    t0 = time.perf_counter()
    load_start = __import__("os").getloadavg()
    timings = {}
    runners = {"read": run_read, "ingest": run_ingest, "index": run_index, "answer": run_answer,
               "load": run_load, "memory": run_memory, "llm": run_llm}
    ready = None
    for sec in SECTIONS:
        if sec not in only:
            continue
        t = time.perf_counter()
        print(f"[bench] {sec} ...", file=sys.stderr, flush=True)
        if sec in ("ingest", "index", "answer", "load", "memory") and ready is None:
            ready = run_prepare(p, rep)
        if sec in ("index", "answer", "load", "memory") and not ready:
            continue  # figures already marked failed by run_prepare
        try:
            runners[sec](p, rep)
        except Exception as e:  # a harness bug must not lose the other sections' figures
            import traceback

            traceback.print_exc()
            rep.raw.setdefault("harness_errors", {})[sec] = f"{type(e).__name__}: {e}"
        timings[sec] = time.perf_counter() - t
        print(f"[bench] {sec} done in {timings[sec]:.0f} s", file=sys.stderr, flush=True)
    for name in FIGURES:  # a figure of a section that ran but produced nothing is listed as such
        sec = {"load": "load", "memory": "memory"}.get(name.split(".")[0], name.split(".")[0])
        if name not in rep.figs and sec in only:
            rep.skip(name, "not produced (see raw results / harness_errors)")
    total = time.perf_counter() - t0
    load_end = __import__("os").getloadavg()
    out = {
        "mode": mode, "sections": only, "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                    "platform": platform.platform(),
                    "loadavg_start": load_start, "loadavg_end": load_end},
        "profile": {k: list(v) if isinstance(v, tuple) else v for k, v in p.items()},
        "total_s": total, "section_s": timings, "figures": rep.figs, "raw": rep.raw,
    }
    path = Path(args.out) if args.out else HERE / ("results-quick.json" if args.quick else "results.json")
    if args.only and path.exists():  # a partial run updates the sections it ran and keeps the others
        try:
            old = json.loads(path.read_text())
        except ValueError:
            old = None
        if old and old.get("mode") == mode:
            ran = {n for n in rep.figs}
            figs = {n: f for n, f in old.get("figures", {}).items() if n not in ran}
            figs.update(rep.figs)
            rep.figs = {n: figs[n] for n in FIGURES if n in figs}
            raw = old.get("raw", {})
            raw.update(rep.raw)
            runs = old.get("runs", [{"when": old.get("when"), "sections": old.get("sections"),
                                     "machine": old.get("machine"), "total_s": old.get("total_s")}])
            runs.append({"when": out["when"], "sections": only, "machine": out["machine"], "total_s": total})
            secs = old.get("section_s", {})
            secs.update(timings)
            out.update(figures=rep.figs, raw=raw, runs=runs, section_s=secs,
                       sections=sorted(set(old.get("sections") or []) | set(only), key=SECTIONS.index),
                       total_s=sum(secs.values()))
    path.write_text(json.dumps(out, indent=1, default=str))
    print(table(rep))
    misses = [n for n, f in rep.figs.items() if f["pass"] is False]
    print(f"\n{mode} run: {total:.0f} s; {len(misses)} target(s) missed" + (f": {', '.join(misses)}" if misses else ""))
    print(f"load average (1/5/15 min) at start {load_start[0]:.1f}/{load_start[1]:.1f}/{load_start[2]:.1f}, "
          f"at end {load_end[0]:.1f}/{load_end[1]:.1f}/{load_end[2]:.1f} on {out['machine']['cpus']} CPUs")
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
