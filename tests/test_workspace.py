"""Workspace: typed errors for bad input, content-hash dedup, removal, debris collection, threads."""
import json
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import messy
import pytest

from core import (
    ContentMismatch,
    CorruptFile,
    EmptyWorkbook,
    EncryptedFile,
    FileTooLarge,
    Settings,
    UnsupportedFileType,
    Workspace,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture
def ws(tmp_path, db_url):
    return Workspace(Settings(home=tmp_path / "ws", database_url=db_url))


def snapshot(ws: Workspace):
    """What a user would see: files, tables, row counts, and the folders on disk."""
    return (
        [(f["name"], f["n_tables"], f["n_rows"]) for f in ws.files()],
        sorted(p.name for p in (ws.home / "files").iterdir()),
        sorted(p.name for p in (ws.home / "tmp").iterdir()),
    )


def good_file(ws, tmp_path):
    ws.add_file(messy.subtotals(tmp_path / "good.xlsx"))
    return snapshot(ws)


def truncated(tmp_path):
    src = messy.title_rows(tmp_path / "src.xlsx").read_bytes()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(src[: len(src) // 2])
    return p


def not_a_workbook_zip(tmp_path):
    p = tmp_path / "notes.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hello")
    return p


BAD = {
    "unsupported": (lambda tp: (tp / "doc.pdf").write_bytes(b"%PDF-1.4 x") and tp / "doc.pdf", UnsupportedFileType, "not supported"),
    "pdf named xlsx": (lambda tp: (tp / "r.xlsx").write_bytes(b"%PDF-1.4 \x00\x01") and tp / "r.xlsx", ContentMismatch, "PDF"),
    "html named xls": (lambda tp: (tp / "e.xls").write_bytes(b"<html><table><tr><td>1</td></tr></table></html>") and tp / "e.xls", ContentMismatch, "web page"),
    "zip that is no workbook": (not_a_workbook_zip, ContentMismatch, "not an Excel"),
    "truncated": (truncated, CorruptFile, "damaged"),
    "empty workbook": (lambda tp: messy.empty_workbook(tp / "empty.xlsx"), EmptyWorkbook, "no"),
    "zero bytes": (lambda tp: (tp / "z.csv").write_bytes(b"") or tp / "z.csv", EmptyWorkbook, "empty"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_gets_its_typed_error_and_the_workspace_is_intact(ws, tmp_path, case):
    before = good_file(ws, tmp_path)
    make, err, words = BAD[case]
    path = make(tmp_path)
    with pytest.raises(err) as ei:
        ws.add_file(path)
    assert path.name in str(ei.value) and words.lower() in str(ei.value).lower()
    assert snapshot(ws) == before
    assert ws.errors()[0]["name"] == path.name and ws.errors()[0]["error_type"] == err.__name__


def test_over_the_size_limit(tmp_path, db_url):
    ws = Workspace(Settings(home=tmp_path / "ws", max_upload_mb=0.001, database_url=db_url))
    p = tmp_path / "big.csv"
    p.write_text("a,b\n" + "1,2\n" * 2000)
    with pytest.raises(FileTooLarge, match="big.csv.*over the upload limit"):
        ws.add_file(p)
    with pytest.raises(FileTooLarge):
        ws.add_bytes("big.csv", p.read_bytes())
    assert ws.files() == []


@pytest.mark.parametrize("name", ["password.xlsx", "password.xls", "password.xlsb", "password.ods"])
def test_encrypted_files(ws, tmp_path, name):
    src = CORPUS / "dimastbk_python-calamine/tests/data" / name
    if not src.exists():
        pytest.skip("shared corpus not present")
    before = good_file(ws, tmp_path)
    with pytest.raises((EncryptedFile, CorruptFile)) as ei:
        ws.add_file(src)
    assert name in str(ei.value)
    if name != "password.ods":
        assert isinstance(ei.value, EncryptedFile) and "password" in str(ei.value)
    assert snapshot(ws) == before


def test_same_bytes_twice_is_a_no_op(ws, tmp_path):
    p = messy.subtotals(tmp_path / "a.xlsx")
    first = ws.add_file(p)
    copy = tmp_path / "renamed.xlsx"
    shutil.copy(p, copy)
    again = ws.add_file(copy)
    assert again["cached"] is True and first["cached"] is False
    assert again["sheets"] == first["sheets"]
    assert len(ws.files()) == 1 and len(list((ws.home / "files").iterdir())) == 1


def test_remove_file_removes_everything_derived(ws, tmp_path):
    r1 = ws.add_file(messy.subtotals(tmp_path / "a.xlsx"))
    r2 = ws.add_file(messy.pivot(tmp_path / "b.xlsx"))
    ws.remove_file(r1["file_id"])
    assert [f["name"] for f in ws.files()] == ["b.xlsx"]
    assert all(t.file_id == r2["file_id"] for t in ws.tables())
    for table in ("sheets", "tables", "chunks", "warnings"):
        assert ws.catalog.query(f"SELECT COUNT(*) FROM {table} WHERE file_id=?", (r1["file_id"],))[0][0] == 0
    assert ws.catalog.query("SELECT COUNT(*) FROM columns WHERE table_id NOT IN (SELECT id FROM tables)")[0][0] == 0
    assert len(list((ws.home / "files").iterdir())) == 1


def test_tables_are_stored_as_parquet_and_reload(ws, tmp_path):
    ws.add_file(messy.values_kept(tmp_path / "v.xlsx"))
    (t,) = ws.tables()
    df = ws.load_table(t.id)
    assert df["Code"].tolist() == ["00123", "00456", "07890", "01000"]
    assert t.dtypes["When"] == "date" and t.rows == 4
    prof = ws.table_profile(t.id)
    assert prof["column_profiles"]["Qty as text"]["sum"] == 100.5
    assert prof["column_profiles"]["Category"]["top"][0] == ["None", 2]


def test_debris_of_a_crash_is_collected_on_open(tmp_path, db_url):
    ws = Workspace(Settings(home=tmp_path / "ws", database_url=db_url))
    ws.add_file(messy.subtotals(tmp_path / "a.xlsx"))
    (ws.home / "files" / "deadbeef00000000").mkdir()
    (ws.home / "files" / "deadbeef00000000" / "t0.parquet").write_bytes(b"half")
    (ws.home / "tmp" / "cafe").mkdir()
    ws2 = Workspace(Settings(home=tmp_path / "ws", database_url=db_url))
    assert sorted(p.name for p in (ws2.home / "files").iterdir()) == [ws2.catalog.query("SELECT data_dir FROM files")[0][0]]
    assert list((ws2.home / "tmp").iterdir()) == []
    assert len(ws2.files()) == 1


def test_threads_adding_same_and_different_files(ws, tmp_path):
    paths = [messy.subtotals(tmp_path / "s.xlsx"), messy.pivot(tmp_path / "p.xlsx"), messy.title_rows(tmp_path / "t.xlsx")]
    errors = []

    def worker(i):
        try:
            ws.add_file(paths[i % 3])
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(9)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    assert sorted(f["name"] for f in ws.files()) == ["p.xlsx", "s.xlsx", "t.xlsx"]
    assert len(list((ws.home / "files").iterdir())) == 3


def test_cli_ingest_json_contract(tmp_path):
    books = sorted((SHARED / "realbooks").glob("*.xlsx"))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"%PDF-1.4")
    cmd = [sys.executable, "-m", "core", "ingest", *map(str, books), str(bad), "--workspace", str(tmp_path / "w"), "--json", "--no-index"]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1, run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["status"] for o in out] == ["ok", "ok", "ok", "error"]
    assert "bad.xlsx" in out[3]["error"]
    for o in out[:3]:
        assert set(o) >= {"file", "sha256", "status", "error", "warnings", "sheets"}
        for t in o["sheets"][0]["tables"]:
            assert set(t) >= {"name", "range", "header_row", "rows", "columns", "excluded_rows"}
    emp = next(o for o in out if o["file"].startswith("Employee"))
    (t,) = emp["sheets"][0]["tables"]
    assert t["rows"] == 1000 and len(t["excluded_rows"]) == 7 and t["range"] == "A1:P1008"
    comp = next(o for o in out if o["file"] == "SampleData.xlsx")
    (t,) = comp["sheets"][0]["tables"]
    assert t["rows"] == 74 and any("2/30/2019" in w for w in comp["warnings"])
    ad = next(o for o in out if o["file"].startswith("Adidas"))
    assert ad["sheets"][0]["tables"][0]["rows"] == 9648
    ok = subprocess.run(cmd[:7] + ["--workspace", str(tmp_path / "w"), "--json"], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and all(json.loads(line)["cached"] for line in ok.stdout.splitlines())


def test_real_books_values(tmp_path):
    ws = Workspace(Settings(home=tmp_path / "ws"))
    for p in sorted((SHARED / "realbooks").glob("*.xlsx")):
        ws.add_file(p)
    by = {t.file: t for t in ws.tables()}
    comp = ws.load_table(by["SampleData.xlsx"].id)
    assert len(comp) == 74 and comp["Date"].isna().sum() == 1
    assert (comp["Reason"] == "Late Delivery").sum() == 36
    emp = ws.load_table(by["Employee Sample Data.xlsx"].id)
    assert len(emp) == 1000 and emp["Annual Salary"].mean() == pytest.approx(105719.962)
    assert emp["Exit Date"].notna().sum() == 85
    ad = ws.load_table(by["Adidas US Sales Datasets.xlsx"].id)
    assert ad["Total Sales"].sum() == pytest.approx(899902125.0)


NUL_XLS = Path(__file__).resolve().parents[2] / "shared/corpus/ToucanToco_fastexcel/tests/fixtures/null-bytes-in-columns-names.xls"


@pytest.mark.skipif(not NUL_XLS.exists(), reason="../shared/corpus is not present")
def test_nul_bytes_in_headers_are_stored_on_either_catalog(ws):
    """A workbook whose header cells hold NUL bytes (PostgreSQL text cannot): its columns are named without them,
    stored on both backends, and the Parquet file has the same names as the catalog."""
    import duckdb

    rep = ws.add_file(NUL_XLS, uploaded_by="t")
    assert rep["status"] == "ok", rep
    tables = ws.tables()
    assert tables and all("\x00" not in c for t in tables for c in t.columns)
    for t in tables:
        assert tuple(duckdb.sql(f"SELECT * FROM '{t.parquet}' LIMIT 0").columns) == t.columns
