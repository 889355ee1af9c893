"""Timing, memory and subprocess helpers shared by the benchmark cases."""
from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    """Current resident set size of this process (VmRSS), MB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """Peak RSS of this process so far, MB: /proc's VmHWM, the high-water mark of this process's own memory.
    (Linux carries ru_maxrss across exec, so a worker started by a 2 GB parent reported the parent's peak.)"""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summary(times: list[float]) -> dict:
    """Median, spread (min-max and IQR) and count of a list of seconds."""
    if not times:
        return {"n": 0}
    s = sorted(times)
    q = statistics.quantiles(s, n=4) if len(s) >= 2 else [s[0], s[0], s[0]]
    return {"n": len(s), "median": statistics.median(s), "min": s[0], "max": s[-1], "q1": q[0], "q3": q[2],
            "times": [round(t, 6) for t in times]}


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (linear interpolation); NaN for an empty list."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def measure(fn, repeats: int, warmup: int = 1, budget_s: float | None = None) -> dict:
    """Run fn `warmup` times untimed, then `repeats` timed runs (median + spread).

    With a budget: if the warm-up alone took longer than the budget, it is the only sample
    (noted); timed runs stop early once their sum passes the budget (at least one run)."""
    note = None
    for _ in range(warmup):
        gc.collect()
        t = time.perf_counter()
        fn()
        t0 = time.perf_counter() - t
        if budget_s is not None and t0 > budget_s:
            out = summary([t0])
            out["note"] = f"single run: the warm-up took {t0:.1f} s, over the {budget_s:.0f} s budget"
            return out
    times = []
    for _ in range(repeats):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if budget_s is not None and sum(times) > budget_s:
            if len(times) < repeats:
                note = f"{len(times)} of {repeats} runs (time budget {budget_s:.0f} s)"
            break
    out = summary(times)
    if note:
        out["note"] = note
    return out


def run_case(case: str, timeout: float = 3600, **kwargs) -> dict:
    """Run bench.worker's `case` in a fresh Python process; returns its result dict.

    Peak RSS is the child's own ru_maxrss, so numbers never leak between cases."""
    out_dir = ROOT / "bench" / ".data" / "runs"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{case}-{os.getpid()}-{time.time_ns()}.json"
    log = out.with_suffix(".log")
    env = dict(os.environ, PYTHONPATH=str(ROOT), TOKENIZERS_PARALLELISM="false",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    t = time.perf_counter()
    with open(log, "w") as lf:
        try:
            p = subprocess.run([sys.executable, "-m", "bench.worker", case, json.dumps(kwargs), str(out)],
                               cwd=ROOT, env=env, stdout=lf, stderr=subprocess.STDOUT, timeout=timeout)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
    wall = time.perf_counter() - t
    if rc != 0 or not out.exists():
        tail = log.read_text()[-3000:] if log.exists() else ""
        return {"error": f"case {case} failed (exit {rc})", "log_tail": tail, "wall_s": wall}
    res = json.loads(out.read_text())
    res["wall_s"] = wall
    out.unlink(missing_ok=True)
    log.unlink(missing_ok=True)
    return res
