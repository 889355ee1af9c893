"""Every file of the shared robustness corpus ingests, or fails with a clear typed error, in bounded time and memory.

The corpus (../shared/corpus, 416 files from the test suites of calamine, python-calamine, xlrd,
fastexcel, openpyxl, readxl, csvkit, csv-spectrum) holds valid oddities, encrypted, truncated and
fuzzed files. Each goes through `Workspace.add_file` with isolation on (the default), two at a time.
Counts go to tests/artifacts/corpus.json.
"""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core.config import Settings
from core.errors import ExcelChatError
from core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
ARTIFACTS = ROOT / "tests" / "artifacts"
PER_FILE_S = 60.0

if not CORPUS.is_dir():
    pytest.skip("../shared/corpus is not present", allow_module_level=True)


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in ("SOURCES.csv", "README.md"))


def ingest_one(ws: Workspace, p: Path) -> dict:
    rel = str(p.relative_to(CORPUS))
    t0 = time.monotonic()
    try:
        rep = ws.add_file(p, name=p.name)
        out = {"file": rel, "outcome": "ingested", "tables": sum(len(s["tables"]) for s in rep["sheets"])}
    except ExcelChatError as e:
        out = {"file": rel, "outcome": "typed_error", "type": type(e).__name__, "message": str(e)}
    except BaseException as e:  # noqa: BLE001 - anything else is a failure of the bar
        out = {"file": rel, "outcome": "other", "type": type(e).__name__, "message": str(e)[:500]}
    out["seconds"] = round(time.monotonic() - t0, 3)
    return out


def run_corpus(home: Path, workers: int = 2) -> list[dict]:
    files = corpus_files()
    settings = [Settings(home=home / f"ws{i}", build_index=False, parse_timeout_s=45, parse_memory_mb=2048)
                for i in range(workers)]
    spaces = [Workspace(s) for s in settings]
    shards = [files[i::workers] for i in range(workers)]

    def work(i):
        return [ingest_one(spaces[i], p) for p in shards[i]]

    with ThreadPoolExecutor(workers) as pool:
        results = [r for part in pool.map(work, range(workers)) for r in part]
    return sorted(results, key=lambda r: r["file"])


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_corpus_ingests_or_fails_cleanly(tmp_path):
    t0 = time.monotonic()
    results = run_corpus(tmp_path)
    counts: dict[str, int] = {}
    by_type: dict[str, int] = {}
    for r in results:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
        if r["outcome"] != "ingested":
            by_type[r["type"]] = by_type.get(r["type"], 0) + 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary = {"files": len(results), "counts": counts, "error_types": by_type,
               "seconds": round(time.monotonic() - t0, 1), "results": results}
    (ARTIFACTS / "corpus.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps({k: v for k, v in summary.items() if k != "results"}))
    assert len(results) >= 400
    bad = [r for r in results if r["outcome"] == "other"]
    assert not bad, bad[:5]
    empty = [r for r in results if r["outcome"] == "typed_error" and not r["message"].strip()]
    assert not empty, empty[:5]
    nameless = [r for r in results if r["outcome"] == "typed_error" and Path(r["file"]).name not in r["message"]]
    assert not nameless, nameless[:5]
    slow = [r for r in results if r["seconds"] > PER_FILE_S]
    assert not slow, slow[:5]
