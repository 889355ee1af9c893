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
    from bench.__main__ import FIGURES

    assert res["mode"] == "quick"
    missing = [f for f in FIGURES if f not in res["figures"]]
    assert not missing, f"figures missing from results-quick.json: {missing}"
    for name, fig in res["figures"].items():
        # a figure is a value, or an explicit skip with its reason (e.g. an optional module absent)
        assert fig["value"] is not None or fig["note"].startswith("skipped:"), (name, fig)
    assert "| Figure |" in run.stdout
