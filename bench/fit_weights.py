"""Fit the offline planner's reading weights and confidence thresholds over whole question sets.

    python -m bench.fit_weights [--sets questions biz-dev wtq-train] [--cache F] [--write]

For every question it collects every table's candidate readings with their features (core/planning/scoring.py)
and labels each reading by running it through the pipeline's own checks (ChatPipeline.run_plan) and the set's
checker: right, wrong, or declined. It then fits

1. ranking weights: a choice model (conditional logit) over the tables whose complete readings compete, pushed
   toward the right ones;
2. confidence: a logistic model of "this complete reading is right" (both L2-regularised, plain gradient
   descent from zeros: the same data gives the same fit); and
3. the margin a reading must lead a different reading by and the confidence it must reach, by sweeping both
   and keeping the pair with the most right answers while wrong answers stay under 3% of each set's questions
   (a wrong answer costs WRONG_COST right ones: it undoes a right answer and costs the user's trust twice
   over, where a decline costs a click).

It prints the calibration curve (right / wrong / declined as the confidence floor moves) and, with --write,
stores the fit in core/planning/weights.json. Never per question, file, column or value: only whole sets.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

from bench.ceiling import _answerer, load_set
from bench.llm import _score
from core.planning.scoring import same_result

ROOT = Path(__file__).resolve().parents[1]
QA = ROOT.parent / "shared" / "qa"
BOOKS = {"questions": QA.parent / "realbooks"}  # where each set's files are (default: beside the sets)
MAX_WRONG = 0.03
WRONG_COST = 3
FLOORS = [round(x * 0.05, 2) for x in range(0, 20)]
MARGINS = [0.0, 0.25, 0.5, 1.0, 2.0]


def label(pipeline, question: str, expect: dict, planned) -> str:
    """right | wrong | declined: the reading's answer after every check a planned answer passes."""
    from core.answer import Answer

    score = _score()
    ans = pipeline.run_plan(question, planned, Answer(question=question, intent="general_question"))
    out = ans.to_json()
    if not score.check(expect, out):
        return "right"
    return "declined" if score.status(out) != "answered" else "wrong"


def collect_question(answerer, pipeline, ids: list[int], q: dict) -> dict:
    """Every table's readings of one question, with features and labels."""
    from core.answer import scoped
    from core.errors import ExcelChatError

    views = scoped(q["question"], answerer.table_views(ids))
    planner = answerer.offline_planner(views)
    tables = []
    for t in planner.tables:
        try:
            ranked, _, g = planner.readings(q["question"], t, full=True)
        except ExcelChatError:  # nothing of this table is named: no readings here
            continue
        rows = []
        for r in ranked:
            try:
                verdict = label(pipeline, q["question"], q["expect"], r.planned) if r.complete else "incomplete"
            except ExcelChatError:
                verdict = "declined"
            rows.append({"values": r.values, "complete": r.complete, "fits": r.fits, "key": r.key,
                         "rule": r.planned.rule, "label": verdict, "outcome": r.outcome})
        tables.append({"file": t.file, "rows_n": t.rows or 0, "score": g.score, "readings": rows})
    return {"id": q["id"], "refuse": bool(q["expect"].get("refuse")), "tables": tables}


def collect(set_path: Path, books: Path) -> list[dict]:
    from core.chat import ChatPipeline

    out, cache = [], {}
    with tempfile.TemporaryDirectory(prefix="bench-fit-") as tmp:
        for q in load_set(set_path):
            files = tuple(sorted(q.get("files") or []))
            if files not in cache:
                key = hashlib.sha256("\0".join(files).encode()).hexdigest()[:12]
                answerer, ids = _answerer(Path(tmp) / f"set-{key}", [books / f for f in files])
                cache[files] = (answerer, ChatPipeline(answerer), ids)
            answerer, pipeline, ids = cache[files]
            out.append(collect_question(answerer, pipeline, ids, q))
    return out


# --- fitting ---------------------------------------------------------------------------------
def training_rows(data: list[dict], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Complete readings labelled right (1) or wrong (0); declined ones say nothing about the features."""
    xs, ys = [], []
    for q in data:
        for t in q["tables"]:
            for r in t["readings"]:
                if r["complete"] and r["label"] in ("right", "wrong"):
                    xs.append([r["values"].get(n, 0.0) for n in names])
                    ys.append(1.0 if r["label"] == "right" else 0.0)
    return np.array(xs, dtype=float).reshape(-1, len(names)), np.array(ys)


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.1, steps: int = 4000, lr: float = 0.5) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-regularised logistic regression (full-batch gradient descent, from zeros)."""
    w, b = np.zeros(x.shape[1]), 0.0
    n = max(1, len(y))
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        w -= lr * ((x.T @ (p - y)) / n + l2 * w / n)
        b -= lr * float(np.mean(p - y))
    return w, b


def choice_groups(data: list[dict], names: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per table with two or more different complete readings, some right: (features, right?) per reading."""
    out = []
    for q in data:
        for t in q["tables"]:
            seen, xs, ys = set(), [], []
            for r in t["readings"]:
                if r["complete"] and r["key"] not in seen:
                    seen.add(r["key"])
                    xs.append([r["values"].get(n, 0.0) for n in names])
                    ys.append(1.0 if r["label"] == "right" else 0.0)
            if len(xs) > 1 and 0 < sum(ys) < len(ys):
                out.append((np.array(xs, dtype=float), np.array(ys)))
    return out


def conditional_logit(groups, dim: int, l2: float = 0.1, steps: int = 4000, lr: float = 0.5) -> np.ndarray:
    """Ranking weights: a softmax over each table's readings, pushed toward the right ones (McFadden's choice
    model; gradient descent from zeros, so the fit is the same on every run)."""
    w = np.zeros(dim)
    n = max(1, len(groups))
    for _ in range(steps):
        grad = l2 * w / n
        for x, y in groups:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            grad -= (x.T @ (y / y.sum() - p)) / n
        w -= lr * grad
    return w


def simulate(data: list[dict], weights: dict, conf: dict, bias: float, margin: float, floor: float) -> Counter:
    """The planner's choice (core/planning/offline.py) replayed on collected readings: right / wrong / declined."""
    from core.planning.offline import TIE_MARGIN
    from core.planning.scoring import Weights

    w = Weights(weights, conf, bias, margin, floor)
    out = Counter()
    for q in data:
        picks = []
        for t in q["tables"]:
            rs = sorted(t["readings"], key=lambda r: -w.score(r["values"]))
            if rs and rs[0]["fits"]:
                picks.append((t, rs))
        v = _verdict(picks, w, TIE_MARGIN)
        # a question the data cannot answer is answered right by declining (score.py's `refuse`)
        out["right" if q.get("refuse") and v == "declined" else v] += 1
    return out


def _verdict(picks: list, w, tie: float) -> str:
    if not picks:
        return "declined"
    picks.sort(key=lambda p: (-p[0]["score"], -p[0]["rows_n"]))
    (t, rs), rest = picks[0], picks[1:]
    if any(o["file"] != t["file"] and t["score"] - o["score"] <= tie for o, _ in rest):
        return "declined"
    best = rs[0]
    if not best["complete"]:
        return "declined"
    rival = next((r for r in rs[1:] if r["complete"] and r["key"] != best["key"]
                  and not same_result(r["outcome"], best["outcome"])), None)
    if rival is not None and w.score(best["values"]) - w.score(rival["values"]) < w.margin:
        return "declined"
    if w.confidence(best["values"]) < w.floor:
        return "declined"
    return {"right": "right", "wrong": "wrong"}.get(best["label"], "declined")


def sweep(sets: dict[str, list[dict]], weights: dict, conf: dict, bias: float) -> list[dict]:
    """Right / wrong / declined per set for every (margin, floor) pair."""
    rows = []
    for m in MARGINS:
        for f in FLOORS:
            rows.append({"margin": m, "floor": f, **{k: simulate(v, weights, conf, bias, m, f) for k, v in sets.items()}})
    return rows


def choose(rows: list[dict], sizes: dict[str, int]) -> dict:
    """The pair with the most right answers, each wrong one costing WRONG_COST, while wrong ones stay within
    MAX_WRONG of every set's questions; among equals, the fewest wrong answers."""
    ok = [r for r in rows if all(r[k]["wrong"] <= MAX_WRONG * n for k, n in sizes.items())] or rows
    return max(ok, key=lambda r: (sum(r[k]["right"] - WRONG_COST * r[k]["wrong"] for k in sizes),
                                  -sum(r[k]["wrong"] for k in sizes), -r["floor"], -r["margin"]))


def curve(rows: list[dict], sets: list[str], margin: float) -> str:
    lines = ["| confidence floor | " + " | ".join(f"{s} right / wrong / declined" for s in sets) + " |",
             "| --- |" + " --- |" * len(sets)]
    for r in rows:
        if r["margin"] == margin:
            lines.append(f"| {r['floor']:.2f} | " + " | ".join(
                f"{r[s]['right']} / {r[s]['wrong']} / {r[s]['declined']}" for s in sets) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", default=["questions", "biz-dev", "wtq-train"])
    ap.add_argument("--cache", type=Path, help="keep the collected readings here (JSON) and reuse them")
    ap.add_argument("--write", action="store_true", help="store the fit in core/planning/weights.json")
    ap.add_argument("--report", type=Path, help="write the fit and its calibration curve here (markdown)")
    args = ap.parse_args(argv)
    from core.planning.scoring import FEATURES, HARD, WEIGHTS_FILE

    if args.cache and args.cache.exists():
        sets = json.loads(args.cache.read_text())
    else:
        sets = {s: collect(QA / f"{s}.jsonl", BOOKS.get(s, QA)) for s in args.sets}
        if args.cache:
            args.cache.write_text(json.dumps(sets))
    names = [n for n, _ in FEATURES if n not in HARD]
    data = [q for v in sets.values() for q in v]
    groups = choice_groups(data, names)
    rw = conditional_logit(groups, len(names))
    x, y = training_rows(data, names)
    cw, b = logistic(x, y)
    # the hard features dwarf any fitted sum: a complete reading of the right kind always outranks the rest
    big = round(10 * (float(np.abs(rw).sum()) + 1), 4)
    weights = {"complete": big, "answer_type": big, **{n: round(float(v), 4) for n, v in zip(names, rw, strict=True)}}
    conf = {n: round(float(v), 4) for n, v in zip(names, cw, strict=True)}
    rows = sweep(sets, weights, conf, b)
    best = choose(rows, {k: len(v) for k, v in sets.items()})
    text = "\n".join([
        "# The offline planner's fit (python -m bench.fit_weights)", "",
        f"Ranking: a choice model over {len(groups)} tables whose complete readings compete; weights {weights}.", "",
        f"Confidence: a logistic model over {len(y)} complete readings ({int(y.sum())} right); weights {conf}; "
        f"bias {b:.4f}.", "",
        f"Calibration curve at the chosen margin ({best['margin']}): right / wrong / declined as the confidence "
        "floor moves.", "", curve(rows, list(sets), best["margin"]), "",
        f"Chosen: margin {best['margin']}, floor {best['floor']}: " + "; ".join(
            f"{s} {best[s]['right']} right / {best[s]['wrong']} wrong / {best[s]['declined']} declined" for s in sets),
        ""])
    print(text)
    if args.report:
        args.report.write_text(text)
    if args.write:
        WEIGHTS_FILE.write_text(json.dumps({
            "weights": weights, "confidence": {"weights": conf, "bias": round(b, 4)}, "margin": best["margin"],
            "floor": best["floor"], "fitted_by": "python -m bench.fit_weights --write", "sets": list(sets),
            "choice_groups": len(groups), "readings": len(y)}, indent=2) + "\n")
        print(f"wrote {WEIGHTS_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
