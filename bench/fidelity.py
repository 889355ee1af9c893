"""Ingest fidelity: how many rows were left out of the data, and is each one proven to be a total?

    python -m bench.fidelity [DIR ...] [--json OUT]

Parses every workbook under the given folders (default: ../shared/qa and ../shared/realbooks) and,
for each row left out as a total, checks its proof again from the raw sheet, independently of
core/totals.py: the row's cell in each named column must equal the sum / average / count of the
raw cells of the rows it names (other left-out rows skipped). Prints a table per folder and the
totals; a row whose proof does not check out is "unproven" (the target is 0).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXTS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".tsv", ".txt"}


def _num(v) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        return None if v != v else float(v)
    t = re.sub(r"[,$€£\s]", "", str(v))
    neg = t.startswith("(") and t.endswith(")")
    t = t.strip("()")
    pct = t.endswith("%")
    try:
        x = float(t.rstrip("%"))
    except ValueError:
        return None
    return (-x if neg else x) / (100 if pct else 1)


def _close(v: float, target: float) -> bool:
    s = repr(float(v))
    dec = len(s.split(".")[1].rstrip("0")) if "." in s and "e" not in s else 0
    tol = max(1e-9 * max(abs(target), 1.0), 0.5 * 10.0 ** -dec if dec <= 6 else 0.0)
    return abs(v - target) <= tol


def _letter_index(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _labelled(sheet, row: int) -> bool:
    from core.totals import is_total_label

    cells = sheet.cells()[row - 1 - sheet.row0][:3]
    return any(is_total_label(v) for v in cells)


def _check(sheet, rec: dict, letters: dict, left_out: set[int]) -> bool:
    """Recompute one left-out row's proof from the raw grid."""
    g, proof = sheet.cells(), rec.get("proof")
    if not proof:
        return False

    def cell(row: int, col: int):
        r, c = row - 1 - sheet.row0, col - sheet.col0
        return g[r, c] if 0 <= r < g.shape[0] and 0 <= c < g.shape[1] else None

    # the rows a total sums: its range, less the other totals it names (each itself left out or labelled)
    without = set(proof.get("without", []))
    if any(r not in left_out and not _labelled(sheet, r) for r in without):
        return False
    window = [r for r in range(proof["first"], proof["last"] + 1) if r not in without]
    for col, op in proof["ops"].items():
        if col == "the rows":
            nums = {_num(v) for v in g[rec["row"] - 1 - sheet.row0]}
            if float(len(window)) not in nums:
                return False
            continue
        c = _letter_index(letters[col])
        total = _num(cell(rec["row"], c))
        vals = [x for x in (_num(cell(r, c)) for r in window) if x is not None]
        want = {"sum": sum(vals), "average": sum(vals) / len(vals) if vals else None,
                "count": None}.get(op)
        if total is None or (op == "count" and total not in (float(len(window)), float(len(vals)))):
            return False
        if op != "count" and (want is None or not _close(total, want)):
            return False
    return True


def fidelity(paths: list[Path]) -> dict:
    from core.config import Settings
    from core.errors import ExcelChatError
    from core.ingest import parse_file
    from core.readers import read_file

    settings = Settings(home=Path("/tmp/excelchat-fidelity"))
    out = {"files": 0, "failed": 0, "tables": 0, "rows": 0, "left_out": 0, "unproven": 0, "near_misses": 0,
           "unproven_rows": []}
    for p in paths:
        try:
            parsed = parse_file(p, p.name, settings)
            book = read_file(p, p.name, max_rows=settings.max_rows_per_file, max_cells=settings.max_cells_per_file)
        except ExcelChatError:
            out["failed"] += 1
            continue
        out["files"] += 1
        sheets = {s.name: s for s in book.sheets}
        for t in parsed.tables:
            out["tables"] += 1
            out["rows"] += t.rows
            out["near_misses"] += sum("kept as data" in w for w in t.warnings)
            gone = [e for e in t.excluded if e.get("status", "excluded") == "excluded"]
            out["left_out"] += len(gone)
            rows = {e["row"] for e in gone}
            for e in gone:
                if not _check(sheets[t.sheet], e, t.letters, rows - {e["row"]}):
                    out["unproven"] += 1
                    out["unproven_rows"].append(f"{p.name} / {t.name} / row {e['row']}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="*", type=Path, default=[SHARED / "qa", SHARED / "realbooks"])
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    report = {}
    print("| folder | files | failed | tables | rows kept | rows left out | unproven | labelled near-misses kept |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for d in args.dirs:
        paths = sorted(p for p in d.rglob("*") if p.suffix.lower() in EXTS and p.name != "SOURCES.csv")
        r = report[str(d)] = fidelity(paths)
        print(f"| {d.name} | {r['files']} | {r['failed']} | {r['tables']} | {r['rows']:,} | {r['left_out']} | "
              f"{r['unproven']} | {r['near_misses']} |")
    for d, r in report.items():
        for line in r["unproven_rows"]:
            print("unproven:", d, line)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
