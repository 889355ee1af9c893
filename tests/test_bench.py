"""The benchmark harness runs end to end in --quick mode and reports every figure (no timing asserts)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bench_quick_reports_every_figure():
    out = ROOT / "bench" / "results-quick.json"
    before = out.stat().st_mtime if out.exists() else None
    run = subprocess.run([sys.executable, "-m", "bench", "--quick"], cwd=ROOT, capture_output=True, text=True,
                         timeout=880)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert out.exists() and out.stat().st_mtime != before, "results-quick.json was not written"
    res = json.loads(out.read_text())
    from bench.__main__ import DEFAULT_SECTIONS, FIGURES

    assert res["mode"] == "quick"
    missing = [f for f in FIGURES if f not in res["figures"] and f.split(".")[0] in DEFAULT_SECTIONS]
    assert not missing, f"figures missing from results-quick.json: {missing}"
    for name, fig in res["figures"].items():
        # a figure is a value, or an explicit skip with its reason (e.g. an optional module absent)
        assert fig["value"] is not None or fig["note"].startswith("skipped:"), (name, fig)
    assert "| Figure |" in run.stdout


def test_llm_bench_counts_plans_answers_and_narrations(tmp_path, monkeypatch, fake_ollama):
    """bench.llm through a server speaking Ollama's API: a valid plan, an invalid one repaired in vain, the
    narration's speed from the server's own counts; every answer scored by the sets' score.py."""
    import pandas as pd

    from bench import llm
    from bench.ceiling import _answerer

    pd.DataFrame({"Region": ["East", "West", "North"], "Sales": [120.0, 45.0, 30.0]}).to_csv(tmp_path / "s.csv",
                                                                                             index=False)
    table = _answerer(tmp_path / "probe", [tmp_path / "s.csv"])[0].table_views()[0].sql_name
    qs = [{"id": "total", "files": ["s.csv"], "question": "What is the total Sales?", "expect": {"number": 195}},
          {"id": "west", "files": ["s.csv"], "question": "What are the Sales of West?", "expect": {"number": 45}}]
    (tmp_path / "set.jsonl").write_text("".join(json.dumps(q) + "\n" for q in qs))
    fake_ollama.reply_json({"table": table, "measures": [{"agg": "sum", "column": "Sales"}]})
    fake_ollama.reply_text("Total Sales is 195.")
    fake_ollama.reply_json({"table": "nope", "measures": [{"agg": "count"}]})
    fake_ollama.reply_json({"table": "nope", "measures": [{"agg": "count"}]})
    fake_ollama.reply_text("West sold 99.")
    monkeypatch.setenv("OLLAMA_HOST", fake_ollama.url)
    monkeypatch.setenv("EXCELCHAT_MODEL", "llama3")
    recs = llm.run_set(tmp_path / "set.jsonl", tmp_path, 0, log=lambda m: None)
    f = llm.figures(recs)
    assert [r["verdict"] for r in recs] == ["correct", "correct"]
    assert [r["planner"] for r in recs] == ["llm", "offline"] and [r["plan_calls"] for r in recs] == [1, 2]
    assert f["plan_valid_first_try"] == 1 and f["plan_never_valid"] == 1 and f["correct_with_llm_plan"] == 1
    assert f["narrated"] == 2 and f["narration_flagged"] == 1  # "99" is not West's figure
    assert f["tokens_per_s"] == pytest.approx((4 + 3) / (2 * 0.098765432))


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_replicas_bench_reports_rate_latency_and_size_per_process_and_user(tmp_path):
    """bench.replicas on a tiny set: one real worker process, one user, two seconds; the report's shape."""
    (tmp_path / "books").mkdir()
    (tmp_path / "books" / "s.csv").write_text("Region,Sales\nEast,120\nWest,45\nNorth,30\n")
    qs = [{"id": "total", "files": ["s.csv"], "question": "What is the total Sales?", "expect": {"number": 195}},
          {"id": "top", "files": ["s.csv"], "question": "Which Region has the highest Sales?",
           "expect": {"text": "East"}}]
    (tmp_path / "set.jsonl").write_text("".join(json.dumps(q) + "\n" for q in qs))
    out = tmp_path / "report.json"
    run = subprocess.run([sys.executable, "-m", "bench.replicas", "--set", str(tmp_path / "set.jsonl"),
                          "--books", str(tmp_path / "books"), "--home", str(tmp_path / "home"),
                          "--processes", "1", "--users", "1", "--duration", "2", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=280)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    rep = json.loads(out.read_text())
    assert rep["database"] == "sqlite" and rep["questions"] == 2 and rep["files"] == 1 and rep["indexed"]
    (row,) = rep["runs"]
    assert (row["processes"], row["users"]) == (1, 1)
    assert row["answered"] > 0 and row["errors"] == 0
    assert row["asked"] == row["answered"] + row["ambiguous"] + row["declined"] + row["errors"]
    assert row["questions_per_s"] > 0 and row["p50_s"] <= row["p95_s"]
    assert set(rep["users_per_process_at_p95"]) == {"1"}
    size = rep["database_size"]
    assert size["files"] == 1 and size["bytes"] > 0 and size["files_per_gb"] > 0
    assert (tmp_path / "home" / "catalog.sqlite").exists(), "the workspace given is the one shared"
