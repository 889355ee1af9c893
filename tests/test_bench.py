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
