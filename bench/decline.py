"""How the "unused words" rule trades correct answers for wrong ones, over whole question sets.

    python -m bench.decline SET.jsonl [SET.jsonl ...] --books DIR [--words 40] [--json OUT]

Answers every question once with the rule off (EXCELCHAT_DECLINE_UNUSED=0, so each answer carries its
`unused` words), scores each answer with ../shared/qa/score.py's own `check`, and reports:
- correct / wrong / declined with the rule off and on (on = an answer with unused words is declined);
- the unused words, each with how often the answer it was left out of was right or wrong: a word that
  is mostly left out of right answers is a function word the rule should not count; a word left out of
  wrong answers is the rule doing its job. Words are looked at as a vocabulary (never per question).
"""
from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORE = ROOT.parent / "shared" / "qa" / "score.py"


def _score_module():
    spec = importlib.util.spec_from_file_location("qa_score", SCORE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def answers(questions: list[dict], books: str) -> list[dict]:
    """One `ask --batch` run over the questions with the rule off."""
    with tempfile.TemporaryDirectory() as d:
        batch = Path(d) / "batch.jsonl"
        batch.write_text("".join(json.dumps({"question": q["question"], "files": q["files"]}) + "\n" for q in questions))
        env = {**os.environ, "EXCELCHAT_DECLINE_UNUSED": "0", "EXCELCHAT_LLM": "0"}
        run = subprocess.run([sys.executable, "-m", "core", "ask", "--batch", str(batch), "--books", books, "--json",
                              "--workspace", str(Path(d) / "ws")], capture_output=True, text=True, cwd=ROOT, env=env)
        return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


def tally(questions: list[dict], outs: list[dict], score) -> dict:
    off = collections.Counter()
    on = collections.Counter()
    words: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for q, a in zip(questions, outs, strict=True):
        ok = score.check(q["expect"], a) == ""
        st = score.status(a)
        kind = "declined" if st != "answered" and "refuse" not in q["expect"] else ("correct" if ok else "wrong")
        off[kind] += 1
        unused = a.get("unused") or []
        on[kind if not (unused and st == "answered") else ("correct" if "refuse" in q["expect"] else "declined")] += 1
        if st == "answered":
            for w in unused:
                words[w]["right" if ok and "refuse" not in q["expect"] else "wrong"] += 1
    return {"off": dict(off), "on": dict(on), "words": words}


def meaning_rescues(questions: list[dict], outs: list[dict], score) -> dict:
    """Answers whose only unused words are each close in meaning to a column the plan uses: how many of
    them are right and how many wrong, per similarity threshold (numbers are never rescued)."""
    from core.config import Settings
    from core.coverage import _plan_columns
    from core.index import Embedder
    from core.plan import Plan

    emb, rows = Embedder(Settings.from_env()), []
    for q, a in zip(questions, outs, strict=True):
        unused = a.get("unused") or []
        if score.status(a) != "answered" or not unused or any(w[:1].isdigit() for w in unused) or not a.get("plan"):
            continue
        cols = sorted(_plan_columns(Plan.model_validate(a["plan"])) - {"#row"})
        if cols:
            vecs = emb.embed(cols)
            low = min(float((emb.embed_query(w) @ vecs.T).max()) for w in unused)
            rows.append((low, score.check(q["expect"], a) == "" and "refuse" not in q["expect"]))
    return {t: f"{sum(ok for s, ok in rows if s >= t)}/{sum(not ok for s, ok in rows if s >= t)}"
            for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="+")
    ap.add_argument("--books", required=True)
    ap.add_argument("--words", type=int, default=40, help="show this many unused words")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--meaning", action="store_true",
                    help="also: how many answers a match by meaning (the bundled model) would rescue, right vs wrong")
    args = ap.parse_args(argv)
    score = _score_module()
    report = {}
    for path in args.sets:
        qs = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
        outs = answers(qs, args.books)
        r = report[Path(path).name] = tally(qs, outs, score)
        if args.meaning:
            r["meaning"] = meaning_rescues(qs, outs, score)
            print("  rescued by meaning (right/wrong) per threshold:", r["meaning"])
        print(f"{Path(path).name}: rule off {r['off']}  rule on {r['on']}")
        common = sorted(r["words"].items(), key=lambda kv: -sum(kv[1].values()))[: args.words]
        print("  unused word: left out of right / wrong answers")
        print("  " + ", ".join(f"{w} {c['right']}/{c['wrong']}" for w, c in common))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=dict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
