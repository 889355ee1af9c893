"""The offline planner's answers by kind: which rule read each question, and why the others were declined.

    python -m bench.readings SET --books DIR [--out F]

Runs the set through `python -m core ask --batch` with the LLM off (the path score.py measures), scores every
answer with the set's own checker and prints two tables: correct / wrong / declined per shape rule
(core/planning/shapes.py), and the declines by reason (words left unused, nothing named, outside the data,
several readings, ...), with the words most often left unused. It is how failures are looked at by kind,
never one question at a time; `--out` keeps one line per question for a closer look.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from bench.llm import _score

ROOT = Path(__file__).resolve().parents[1]
REASONS = [  # (kind, a pattern of the answer's text); the first that matches names the decline
    ("words left unused", r"nothing I can compute on .* uses"),
    ("a reading by meaning offered", r"Did you mean"),
    ("nothing named", r"No column or value|I answer questions about the spreadsheets"),
    ("not what to compute", r"but not what to compute|which number\?|which column\?"),
    ("outside the data", r"no row of .* falls in that period|rows match, with different|none has the most"),
    ("shape of the answer", r"asks for one number|asks for a list"),
    ("several readings", r"Which did you mean|reads two ways"),
]


def answers(set_path: Path, books: Path) -> tuple[list[dict], list[dict]]:
    """(questions, answers) of a set, answered offline through the CLI's batch path."""
    qs = [json.loads(line) for line in set_path.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-readings-") as tmp:
        batch = Path(tmp) / "batch.jsonl"
        batch.write_text("".join(json.dumps({"question": q["question"], "files": q["files"]}) + "\n" for q in qs))
        run = subprocess.run([sys.executable, "-m", "core", "ask", "--batch", str(batch), "--books", str(books),
                              "--json", "--workspace", str(Path(tmp) / "ws")], cwd=ROOT, capture_output=True,
                             text=True, env={**os.environ, "EXCELCHAT_LLM": "0"}, timeout=3600)
    got = [json.loads(x) for x in run.stdout.splitlines() if x.startswith("{")]
    return qs, got


def reason(ans: dict) -> str:
    text = ans.get("answer") or ""
    return next((kind for kind, pat in REASONS if re.search(pat, text)), "other")


def by_kind(qs: list[dict], got: list[dict]) -> dict:
    """Verdicts per rule, declines per reason, and the words most often left unused."""
    score = _score()
    rules: dict[str, Counter] = defaultdict(Counter)
    reasons: Counter = Counter()
    unused: Counter = Counter()
    rows = []
    for q, a in zip(qs, got, strict=False):
        verdict = "correct" if not score.check(q["expect"], a) else (
            "declined" if score.status(a) != "answered" else "wrong")
        rules[a.get("rule") or a.get("planner") or "-"][verdict] += 1
        if verdict == "declined":
            reasons[reason(a)] += 1
            unused.update(a.get("unused") or [])
        rows.append({"id": q["id"], "verdict": verdict, "rule": a.get("rule"), "reason": reason(a)
                     if verdict == "declined" else None, "unused": a.get("unused"), "question": q["question"]})
    return {"rules": rules, "reasons": reasons, "unused": unused, "rows": rows}


def report(k: dict) -> str:
    lines = ["| rule | correct | wrong | declined |", "| --- | --- | --- | --- |"]
    for rule, c in sorted(k["rules"].items(), key=lambda rc: -sum(rc[1].values())):
        lines.append(f"| {rule} | {c['correct']} | {c['wrong']} | {c['declined']} |")
    lines += ["", "| declined because | questions |", "| --- | --- |"]
    lines += [f"| {r} | {n} |" for r, n in k["reasons"].most_common()]
    lines += ["", "words most often left unused: " + ", ".join(f"{w} ({n})" for w, n in k["unused"].most_common(25))]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.readings", description=__doc__.splitlines()[0])
    ap.add_argument("set", type=Path)
    ap.add_argument("--books", type=Path, default=Path("."))
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    qs, got = answers(args.set.resolve(), args.books.resolve())
    k = by_kind(qs, got)
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in k["rows"]))
    print(report(k))
    return 0


if __name__ == "__main__":
    sys.exit(main())
