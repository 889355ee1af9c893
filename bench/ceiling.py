"""The LLM planner's ceiling: what a strong model's plans would score, with the app's own prompt and checks.

    python -m bench.ceiling export SET --books DIR --out OUTDIR    # OUTDIR/<id>.json: the planner's messages
    python -m bench.ceiling serve --plans PLANDIR [--port N]       # a fake Ollama answering with PLANDIR's plans
    python -m bench.ceiling replay SET --books DIR --plans PLANDIR # score.py against that server

A stand-in model writes PLANDIR/<id>.plan.json from OUTDIR/<id>.json alone (never from the expected
answers). Replay runs the real pipeline (`python -m core ask --batch` through score.py) with the LLM
planner on, so every plan is validated, repaired or refused exactly as a real model's would be.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fake Ollama server lives with the tests
from fake_ollama import FakeOllama, Reply, _Handler, _Server  # noqa: E402

MODEL = "ceiling-standin"
NARRATION = "The computed answer is shown above."
SCORE = ROOT.parent / "shared" / "qa" / "score.py"
QUESTION_MARK = "\n\nQuestion: "  # planner_messages ends the user message with this and the question


def load_set(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def safe_id(qid: str) -> str:
    """A question id usable as a file name."""
    return re.sub(r"[^\w.-]", "_", str(qid))


def _norm(text: str) -> str:
    return " ".join(text.replace("```", "'''").split()).casefold()


# --- export ---------------------------------------------------------------------------------
def _answerer(home: Path, files: list[Path]):
    """Ingest the files into a fresh workspace, as `ask --batch` does; (answerer, file ids)."""
    from core import Answerer, Settings, Workspace, ingest_paths

    ws = Workspace(Settings.from_env(home=home))
    reports = ingest_paths(ws, files)
    for r in reports:
        if r["status"] != "ok":
            print(f"error: {r['error']}", file=sys.stderr)
    shas = {r["sha256"] for r in reports if r["status"] == "ok"}
    return Answerer(ws), [f["id"] for f in ws.files() if f["sha256"] in shas]


def export(set_path: Path, books: Path, out: Path) -> list[str]:
    """OUTDIR/<id>.json for every question: the messages the LLM planner sends and the plan's schema."""
    from core.llm_planner import planner_messages, reply_schema

    out.mkdir(parents=True, exist_ok=True)
    schema = reply_schema()
    cache: dict[tuple, tuple] = {}
    ids = []
    with tempfile.TemporaryDirectory(prefix="ceiling-") as tmp:
        for q in load_set(set_path):
            files = tuple(sorted(q.get("files") or []))
            if files not in cache:  # one workspace per distinct file set, like ask --batch
                key = hashlib.sha256("\0".join(files).encode()).hexdigest()[:12]
                cache[files] = _answerer(Path(tmp) / f"set-{key}", [books / f for f in files])
            answerer, file_ids = cache[files]
            views = answerer.table_views(file_ids if files else None)
            doc = {"id": q["id"], "question": q["question"], "messages": planner_messages(q["question"], views),
                   "schema": schema}
            (out / f"{safe_id(q['id'])}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1))
            ids.append(q["id"])
    _write_index(out, ids)
    return ids


def _write_index(out: Path, ids: list[str]) -> None:
    lines = ["# Planner prompts", "",
             "Each `<id>.json` holds the messages the LLM planner sends and the plan's JSON schema. Write the",
             "plan, one JSON object matching the schema, to `<id>.plan.json` from those messages alone.", ""]
    (out / "INDEX.md").write_text("\n".join(lines + [f"- {safe_id(i)}" for i in ids]) + "\n")


# --- serve ----------------------------------------------------------------------------------
class PlanServer(FakeOllama):
    """Ollama's API; a plan request (a JSON-schema `format`) gets the plan file of its question."""

    def __init__(self, plans: Path, questions: dict[str, str], model: str = MODEL, port: int = 0):
        super().__init__(models=[f"{model}:latest"])
        self.plans = Path(plans)
        self.port = port  # 0: any free port
        self.default_reply = Reply(text=NARRATION)
        self.by_question: dict[str, str] = {}
        for qid, q in questions.items():
            self.by_question.setdefault(_norm(q), qid)  # the first id wins when two share a question
        self.plan_requests: Counter[str] = Counter()  # question id (or "?") -> plan requests seen
        self.repairs: dict[str, list[dict]] = {}  # question id -> the messages of its repair request
        self._serial = threading.Lock()

    def question_id(self, body: dict) -> str | None:
        """The id of the question in the request's first user message."""
        user = next((m.get("content", "") for m in body.get("messages", []) if m.get("role") == "user"), "")
        if QUESTION_MARK not in user:
            return None
        return self.by_question.get(_norm(user.rsplit(QUESTION_MARK, 1)[1]))

    def reply_for(self, body: dict) -> Reply:
        """A plan request's reply: the plan file (the repair file on a second request when there is one)."""
        if not isinstance(body.get("format"), dict):
            return Reply(text=NARRATION)
        qid = self.question_id(body)
        self.plan_requests[qid or "?"] += 1
        if qid is None:
            return Reply(json={})
        if self.plan_requests[qid] > 1:
            self.repairs[qid] = body.get("messages", [])
        name = safe_id(qid)
        path = self.plans / f"{name}.plan.json"
        repair = self.plans / f"{name}.repair.plan.json"
        if self.plan_requests[qid] > 1 and repair.exists():
            path = repair
        try:
            return Reply(json=json.loads(path.read_text()))
        except (OSError, ValueError):  # no plan (or not JSON): an empty object, which validation refuses
            return Reply(json={})

    def start(self) -> PlanServer:
        server = self

        class Handler(_Handler):
            owner = server

            def _chat(self, body: dict) -> None:
                with server._serial:  # one chat at a time, so the reply queued is the reply sent
                    server.enqueue(server.reply_for(body))
                    super()._chat(body)

        self._stopping.clear()
        self._server = _Server(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="ceiling-ollama", daemon=True)
        self._thread.start()
        return self


def questions_from_prompts(prompts: Path) -> dict[str, str]:
    """id -> question from exported prompt files."""
    out = {}
    for p in Path(prompts).glob("*.json"):
        if not p.name.endswith(".plan.json") and not p.name.endswith(".repair.json"):
            doc = json.loads(p.read_text())
            if isinstance(doc, dict) and "id" in doc and "question" in doc:
                out[doc["id"]] = doc["question"]
    return out


# --- replay ---------------------------------------------------------------------------------
def _shim(tmp: Path, answers: Path) -> Path:
    """An interpreter for score.py's --python that keeps a copy of the answers it prints."""
    shim = tmp / "python-keeping-answers"
    shim.write_text(
        f"#!{sys.executable}\nimport subprocess, sys\n"
        f"run = subprocess.run([{sys.executable!r}, *sys.argv[1:]], stdout=subprocess.PIPE)\n"
        f"open({str(answers)!r}, 'wb').write(run.stdout)\n"
        "sys.stdout.buffer.write(run.stdout)\nsys.exit(run.returncode)\n")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    return shim


def replay(set_path: Path, books: Path, plans: Path, score: Path = SCORE, timeout: float = 3600) -> dict:
    """score.py with the LLM planner on, answered by PlanServer; prints its output and the plans' figures."""
    qs = load_set(set_path)
    server = PlanServer(plans, {q["id"]: q["question"] for q in qs}).start()
    try:
        env = {**os.environ, "OLLAMA_HOST": server.url, "EXCELCHAT_LLM": "1", "EXCELCHAT_PLANNER": "llm",
               "EXCELCHAT_MODEL": MODEL}
        with tempfile.TemporaryDirectory(prefix="ceiling-replay-") as tmp:
            answers = Path(tmp) / "answers.jsonl"
            cmd = [sys.executable, str(score), str(set_path), "--books", str(books),
                   "--python", str(_shim(Path(tmp), answers)), "--timeout", str(timeout)]
            run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout + 60)
            print(run.stdout, end="")
            got = [json.loads(x) for x in answers.read_text().splitlines() if x.startswith("{")] \
                if answers.exists() else []
            if answers.exists():  # kept beside the plans, to look at failures by kind
                shutil.copyfile(answers, plans / "answers.jsonl")
    finally:
        server.stop()
    _write_repairs(plans, qs, server.repairs)
    figures = plan_figures(qs, plans, server.plan_requests, got)
    figures["summary"] = next((x for x in run.stdout.splitlines() if x.startswith("qa: ")), "")
    # score.py prints "ok       <id>" per correct answer: which of those the model's own plan computed
    ok = {x.split()[1] for x in run.stdout.splitlines() if x.startswith("ok ") and len(x.split()) > 1}
    figures["correct_by_llm_plan"] = sum(q["id"] in ok and i < len(got) and isinstance(got[i], dict)
                                         and got[i].get("planner") == "llm" for i, q in enumerate(qs))
    print(format_figures(figures))
    return figures


def _write_repairs(plans: Path, qs: list[dict], repairs: dict[str, list[dict]]) -> None:
    """PLANDIR/<id>.repair.json: the repair request (with the app's error), for a <id>.repair.plan.json."""
    from core.llm_planner import reply_schema

    by_id = {q["id"]: q["question"] for q in qs}
    for qid, messages in repairs.items():
        doc = {"id": qid, "question": by_id[qid], "messages": messages, "schema": reply_schema()}
        (plans / f"{safe_id(qid)}.repair.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1))


def plan_figures(qs: list[dict], plans: Path, requests: Counter, answers: list[dict]) -> dict:
    """How many questions had a plan file, how their plans fared (requests seen, and the answers' planner)."""
    ids = [q["id"] for q in qs]
    # one answer line per question, in order (the batch contract); "planner" is "llm" when the model's plan ran
    used = [a if isinstance(a, dict) else {} for a in answers][: len(qs)]
    llm = [a.get("planner") == "llm" for a in used] + [False] * (len(qs) - len(used))
    seen = [requests[i] for i in ids]
    return {
        "questions": len(ids),
        "plan_files": sum((plans / f"{safe_id(i)}.plan.json").exists() for i in ids),
        "asked_for_a_plan": sum(n > 0 for n in seen),
        "valid_first_try": sum(n == 1 and ok for n, ok in zip(seen, llm, strict=True)),
        "valid_after_repair": sum(n == 2 and ok for n, ok in zip(seen, llm, strict=True)),
        "invalid_twice": sum(n == 2 and not ok for n, ok in zip(seen, llm, strict=True)),
        "unmatched_requests": requests["?"],
    }


def format_figures(f: dict) -> str:
    """The plans' figures as one paragraph, after score.py's summary."""
    return (f"plans: {f['plan_files']}/{f['questions']} questions had a plan file; {f['asked_for_a_plan']} asked for "
            f"a plan (the others never reached the planner: a follow-up, small talk, or the LLM was off); "
            f"valid first try {f['valid_first_try']}, after repair {f['valid_after_repair']}, invalid twice "
            f"{f['invalid_twice']} (the offline planner answered those); correct with the model's own plan "
            f"{f.get('correct_by_llm_plan', '?')}; requests matching no question {f['unmatched_requests']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.ceiling", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("export", help="write each question's planner messages")
    ex.add_argument("set", type=Path)
    ex.add_argument("--books", type=Path, default=Path("."))
    ex.add_argument("--out", type=Path, required=True)
    sv = sub.add_parser("serve", help="a fake Ollama that answers plan requests with plan files")
    sv.add_argument("--plans", type=Path, required=True)
    sv.add_argument("--prompts", type=Path, help="the exported prompts (id -> question); default: --plans")
    sv.add_argument("--port", type=int, default=11435)
    rp = sub.add_parser("replay", help="score the set with the plan files as the LLM's plans")
    rp.add_argument("set", type=Path)
    rp.add_argument("--books", type=Path, default=Path("."))
    rp.add_argument("--plans", type=Path, required=True)
    rp.add_argument("--score", type=Path, default=SCORE)
    args = ap.parse_args(argv)
    if args.cmd == "export":
        ids = export(args.set, args.books.resolve(), args.out)
        print(f"{len(ids)} prompts written to {args.out} (see {args.out / 'INDEX.md'})")
    elif args.cmd == "serve":
        serve(args.plans, args.prompts or args.plans, args.port)
    else:
        replay(args.set.resolve(), args.books.resolve(), args.plans.resolve(), args.score.resolve())
    return 0


def serve(plans: Path, prompts: Path, port: int) -> None:
    """Serve until interrupted."""
    server = PlanServer(plans, questions_from_prompts(prompts), port=port).start()
    print(f"serving {len(server.by_question)} questions' plans from {plans} at {server.url} "
          f"(model {MODEL}); Ctrl-C stops", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
