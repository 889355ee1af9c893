"""bench/ceiling.py: export the planner's exact messages, serve plan files as an Ollama, replay through score.py."""
import json
from pathlib import Path

import pandas as pd
import pytest

from bench import ceiling
from core import Answerer, Settings, Workspace, ingest_paths
from core.llm_planner import reply_schema

VALID = {"id": "west", "files": ["sales.xlsx"], "question": "What is the total sales for West?", "expect": {"number": 50}}
MISSING = {"id": "supplier", "files": ["sales.xlsx"], "question": "Which supplier had the most returns?",
           "expect": {"text": "Acme"}}


@pytest.fixture
def books(tmp_path):
    d = tmp_path / "books"
    d.mkdir()
    pd.DataFrame({"Region": ["East", "West", "West", "North"], "Sales": [10.0, 20.0, 30.0, 5.0]}).to_excel(
        d / "sales.xlsx", index=False, sheet_name="Data")
    qs = tmp_path / "qs.jsonl"
    qs.write_text("".join(json.dumps(q) + "\n" for q in (VALID, MISSING)))
    return d, qs


class Recorder:
    """A ChatModel that records the plan request's messages and fails, so nothing else happens."""

    def __init__(self):
        self.seen = []

    def complete_json(self, messages, schema):
        self.seen.append((list(messages), schema))
        return {"table": "nowhere", "measures": [{"agg": "count"}]}  # invalid: repaired, then offline

    def stream_chat(self, messages):
        return iter(())


def test_export_writes_the_messages_plan_with_llm_sends(books, tmp_path):
    d, qs = books
    out = tmp_path / "prompts"
    assert ceiling.export(qs, d, out) == ["west", "supplier"]
    assert sorted(p.name for p in out.iterdir()) == ["INDEX.md", "supplier.json", "west.json"]
    assert "- west" in (out / "INDEX.md").read_text()
    doc = json.loads((out / "west.json").read_text())
    assert set(doc) == {"id", "question", "messages", "schema"} and "expect" not in json.dumps(doc)

    ws = Workspace(Settings(home=tmp_path / "ws"))
    ids = [r["file_id"] for r in ingest_paths(ws, [d / "sales.xlsx"])]
    model = Recorder()
    Answerer(ws).plan(VALID["question"], ids, llm=model, mode="llm")  # falls back offline after two tries
    messages, schema = model.seen[0]
    assert doc["messages"] == messages and doc["schema"] == schema == reply_schema()
    assert "4 rows" in messages[1]["content"] and messages[1]["content"].endswith(VALID["question"])


def test_server_answers_plan_requests_by_question(tmp_path):
    from core.llm import OllamaLLM

    (tmp_path / "west.plan.json").write_text(json.dumps({"table": "t", "measures": [{"agg": "count"}]}))
    with ceiling.PlanServer(tmp_path, {"west": VALID["question"], "other": "Anything else?"}) as server:
        llm = OllamaLLM(Settings(home=tmp_path, ollama_host=server.url, ollama_model=ceiling.MODEL, llm_attempts=1))
        assert llm.health()["ok"]
        user = {"role": "user", "content": "```data\n...\n```\n\nQuestion: What is the  total sales for West?"}
        assert llm.complete_json([user], {"type": "object"}) == {"table": "t", "measures": [{"agg": "count"}]}
        assert llm.complete_json([{**user, "content": "Question: Anything else?"}], {"type": "object"}) == {}
        assert "".join(c.text for c in llm.stream_chat([user])) == ceiling.NARRATION
    assert server.plan_requests == {"west": 1, "?": 1}


def test_replay_scores_valid_and_refused_plans(books, tmp_path, capsys):
    if not ceiling.SCORE.exists():
        pytest.skip(f"{ceiling.SCORE} is not here")
    d, qs = books
    plans = tmp_path / "plans"
    plans.mkdir()
    plan = {"table": "sales", "measures": [{"agg": "sum", "column": "Sales"}],
            "filters": [{"column": "Region", "op": "eq", "value": "West"}], "headline": "value"}
    (plans / "west.plan.json").write_text(json.dumps(plan))
    bad = {"table": "sales", "group_by": [{"column": "Supplier"}], "measures": [{"agg": "count"}], "headline": "label"}
    (plans / "supplier.plan.json").write_text(json.dumps(bad))
    figures = ceiling.replay(qs, d, plans)
    out = capsys.readouterr().out
    assert "qa: 1/2 correct, 0 wrong, 1 declined" in out and figures["summary"] in out
    assert figures["plan_files"] == 2 and figures["asked_for_a_plan"] == 2
    assert figures["valid_first_try"] == 1 and figures["invalid_twice"] == 1 and figures["valid_after_repair"] == 0
    assert figures["correct_by_llm_plan"] == 1 and "correct with the model's own plan 1" in out
    repair = json.loads((plans / "supplier.repair.json").read_text())
    assert "Supplier" in repair["messages"][-1]["content"] and "invalid" in repair["messages"][-1]["content"]


def test_replay_counts_a_repaired_plan(books, tmp_path, capsys):
    if not ceiling.SCORE.exists():
        pytest.skip(f"{ceiling.SCORE} is not here")
    d, qs = books
    plans = tmp_path / "plans"
    plans.mkdir()
    good = {"table": "sales", "measures": [{"agg": "sum", "column": "Sales"}],
            "filters": [{"column": "Region", "op": "eq", "value": "West"}], "headline": "value"}
    (plans / "west.plan.json").write_text(json.dumps({**good, "measures": [{"agg": "sum", "column": "Revenue"}]}))
    (plans / "west.repair.plan.json").write_text(json.dumps(good))
    one = tmp_path / "one.jsonl"
    one.write_text(Path(qs).read_text().splitlines()[0] + "\n")
    figures = ceiling.replay(one, d, plans)
    assert "qa: 1/1 correct" in capsys.readouterr().out
    assert figures["valid_after_repair"] == 1 and figures["valid_first_try"] == 0 and figures["plan_files"] == 1
