"""Hardening: crafted and damaged inputs through Workspace.add_file (isolated parsing), safe export,
crash consistency under SIGKILL, and a short fuzz run.

Every attack must end as a clear typed error naming the file, or as a correct ingest, and leave the
workspace intact: the file ingested before is still there with its tables, and no debris remains in
files/ or tmp/.
"""
from __future__ import annotations

import codecs
import io
import os
import random
import signal
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from core.config import Settings
from core.errors import (
    ContentMismatch,
    CorruptFile,
    EncryptedFile,
    ExcelChatError,
    FileError,
    FileLimitExceeded,
)
from core.safety import check_zip, escape_formula, export_csv, export_xlsx, ref_cells
from core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


# --- helpers ---------------------------------------------------------------------
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def small_xlsx(path: Path, rows=None, *, dimension: str | None = None, unique_count: str | None = None,
               sst: bytes | None = None) -> Path:
    """A minimal, valid xlsx written part by part (strings in sharedStrings.xml), so tests control every byte."""
    rows = rows or [["Region", "Amount"], ["North", 10], ["South", 20], ["East", 30]]
    strings: list[str] = []
    xml_rows = []
    for ri, row in enumerate(rows, 1):
        cells = []
        for ci, v in enumerate(row, 1):
            ref = f"{_col(ci)}{ri}"
            if isinstance(v, str):
                if v not in strings:
                    strings.append(v)
                cells.append(f'<c r="{ref}" t="s"><v>{strings.index(v)}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        xml_rows.append(f'<row r="{ri}">{"".join(cells)}</row>')
    dim = dimension or f"A1:{_col(max(len(r) for r in rows))}{len(rows)}"
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">'
             f'<dimension ref="{dim}"/><sheetData>{"".join(xml_rows)}</sheetData></worksheet>')
    from xml.sax.saxutils import escape

    uc = unique_count or str(len(strings))
    sst = sst or (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN_NS}" '
                  f'count="{len(strings)}" uniqueCount="{uc}">'
                  + "".join(f"<si><t>{escape(t)}</t></si>" for t in strings) + "</sst>").encode()
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>")
    wb = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
          '<sheets><sheet name="Sales" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
              '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
              "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", sst)
    return path


def rewrite_zip(src: Path, dst: Path, replace: dict | None = None, drop: set | None = None) -> Path:
    """Copy a zip package, replacing (name -> bytes or callable(bytes)->bytes) or dropping entries."""
    replace, drop = replace or {}, drop or set()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info)
            if info.filename in replace:
                r = replace[info.filename]
                data = r(data) if callable(r) else r
            zout.writestr(info.filename, data)
    return dst


@pytest.fixture
def ws(tmp_path):
    """A workspace already holding one good file, so each attack can check it is left intact."""
    w = Workspace(Settings(home=tmp_path / "ws", build_index=False))
    good = tmp_path / "good.csv"
    good.write_text("city,sales\nParis,10\nLyon,20\n")
    w.add_file(good)
    return w


def assert_intact(w: Workspace) -> None:
    files = w.files()
    assert any(f["name"] == "good.csv" for f in files)
    known = {r["data_dir"] for r in w.catalog.query("SELECT data_dir FROM files")}
    assert {p.name for p in (w.home / "files").iterdir()} == known
    assert list((w.home / "tmp").iterdir()) == []
    for t in w.tables():
        assert t.parquet.exists()
    good = next(t for t in w.tables() if t.file == "good.csv")
    assert w.load_table(good.id)["city"].tolist() == ["Paris", "Lyon"]
    # the next ingest still works
    fresh = w.home.parent / f"next-{time.monotonic_ns()}.csv"
    fresh.write_text(f"k,v\nx,{time.monotonic_ns()}\n")
    assert w.add_file(fresh)["status"] == "ok"


def expect_error(w: Workspace, path: Path, cls, *words, name: str | None = None) -> FileError:
    with pytest.raises(cls) as ei:
        w.add_file(path, name=name)
    msg = str(ei.value)
    assert (name or path.name) in msg and ei.value.file == (name or path.name)
    for word in words:
        assert word.lower() in msg.lower(), msg
    assert_intact(w)
    return ei.value


# --- XML attacks -------------------------------------------------------------------
XXE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
       b"<si><t>&xxe;</t></si></sst>")
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
          + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
          b"<si><t>&lol9;</t></si></sst>")


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_xml_entity_declarations_are_refused(ws, tmp_path, payload):
    bad = small_xlsx(tmp_path / "entities.xlsx", sst=payload)
    expect_error(ws, bad, CorruptFile, "entity declarations")


def test_openpyxl_uses_defusedxml():
    assert openpyxl.DEFUSEDXML is True


# --- zip-level attacks ----------------------------------------------------------------
def test_zip_bomb_is_refused_before_parsing(ws, tmp_path):
    src = small_xlsx(tmp_path / "src.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info.filename, zin.read(info))
        with zout.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:  # streamed: the test stays light
            fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                     b"<sheetData/>")
            block = b"0" * (1 << 20)
            for _ in range(500):
                fh.write(block)
            fh.write(b"</worksheet>")
    assert bomb.stat().st_size < 3_000_000
    expect_error(ws, bomb, FileLimitExceeded, "zip bomb")


def test_truncated_zip(ws, tmp_path):
    src = small_xlsx(tmp_path / "src.xlsx")
    bad = tmp_path / "truncated.xlsx"
    bad.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    expect_error(ws, bad, CorruptFile, "damaged")


def test_zip_without_content_types(ws, tmp_path):
    src = small_xlsx(tmp_path / "src.xlsx")
    bad = rewrite_zip(src, tmp_path / "no-types.xlsx", drop={"[Content_Types].xml"})
    expect_error(ws, bad, CorruptFile, "[Content_Types].xml")


def test_far_away_cell_is_refused_without_allocating(ws, tmp_path):
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["a", "b"])
    sh.append([1, 2])
    sh["XFD1048576"] = "far"
    wb.save(tmp_path / "far.xlsx")
    expect_error(ws, tmp_path / "far.xlsx", FileLimitExceeded, "XFD1048576")


def test_far_away_cell_behind_a_small_dimension(ws, tmp_path):
    """The dimension check cannot see it: calamine aborts on a 512 GB allocation in the child, and the
    retry with the streaming reader names the stray cell."""
    src = small_xlsx(tmp_path / "src.xlsx", dimension="A1:B4")
    bad = rewrite_zip(src, tmp_path / "far-small-dim.xlsx", replace={"xl/worksheets/sheet1.xml": lambda b: b.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')})
    assert not check_zip(bad, bad.name, max_cells=60_000_000).untrusted_sizes
    expect_error(ws, bad, FileLimitExceeded, "XFD1048576")


def test_bogus_huge_dimension_still_ingests(ws, tmp_path):
    bad = small_xlsx(tmp_path / "bogus-dim.xlsx", dimension="A1:XFD1048576")
    with zipfile.ZipFile(bad) as z:
        assert b"XFD1048576" in z.read("xl/worksheets/sheet1.xml")
    assert check_zip(bad, bad.name, max_cells=60_000_000).untrusted_sizes
    rep = ws.add_file(bad)
    assert rep["status"] == "ok"
    t = next(t for t in ws.tables() if t.file == "bogus-dim.xlsx")
    assert ws.load_table(t.id)["Amount"].tolist() == [10, 20, 30]
    assert_intact(ws)


def test_huge_unique_count_is_not_trusted(ws, tmp_path):
    bad = small_xlsx(tmp_path / "unique.xlsx", unique_count="2000000000")
    assert check_zip(bad, bad.name, max_cells=60_000_000).untrusted_sizes
    rep = ws.add_file(bad)  # read by the streaming reader, which does not pre-allocate
    assert rep["status"] == "ok"
    t = next(t for t in ws.tables() if t.file == "unique.xlsx")
    assert ws.load_table(t.id)["Region"].tolist() == ["North", "South", "East"]
    assert_intact(ws)


def test_ref_cells():
    assert ref_cells("A1:XFD1048576") == 16384 * 1048576
    assert ref_cells("B2") == 1 and ref_cells("A1:B4") == 8 and ref_cells("junk") is None


# --- OLE2 / mislabeled ------------------------------------------------------------------
def test_xls_with_corrupt_fat(ws, tmp_path):
    src = CORPUS / "python-excel_xlrd" / "tests" / "samples" / "ragged.xls"
    if not src.exists():
        pytest.skip("corpus missing")
    data = bytearray(src.read_bytes())
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    first_fat = struct.unpack_from("<i", data, 0x4C)[0]
    off = (first_fat + 1) << shift
    rnd = random.Random(7)
    for i in range(off, off + (1 << shift)):
        data[i] = rnd.randrange(256)
    bad = tmp_path / "corrupt-fat.xls"
    bad.write_bytes(bytes(data))
    expect_error(ws, bad, CorruptFile)


@pytest.mark.parametrize("ext", ["xlsx", "xls"])
def test_encrypted_workbooks(ws, ext):
    src = CORPUS / "dimastbk_python-calamine" / "tests" / "data" / f"password.{ext}"
    if not src.exists():
        pytest.skip("corpus missing")
    expect_error(ws, src, EncryptedFile, "password")


@pytest.mark.parametrize("body,word", [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
                                       (b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table>", "HTML")],
                         ids=["pdf", "html"])
def test_mislabeled_xlsx(ws, tmp_path, body, word):
    p = tmp_path / "report.xlsx"
    p.write_bytes(body)
    expect_error(ws, p, ContentMismatch, word)


# --- CSV variants -----------------------------------------------------------------------
def ingest_table(w: Workspace, path: Path) -> pd.DataFrame:
    rep = w.add_file(path)
    assert rep["status"] == "ok"
    (t,) = [t for t in w.tables() if t.file == path.name]
    return w.load_table(t.id)


def test_csv_utf16_bom(ws, tmp_path):
    p = tmp_path / "u16.csv"
    p.write_bytes(codecs.BOM_UTF16_LE + "name,qty\nZoë,1\nŁódź,2\n".encode("utf-16-le"))
    df = ingest_table(ws, p)
    assert df["name"].tolist() == ["Zoë", "Łódź"] and df["qty"].tolist() == [1, 2]
    assert_intact(ws)


def test_csv_cp1252_semicolons(ws, tmp_path):
    p = tmp_path / "cp.csv"
    text = ("produit;prix;catégorie\ncafé crème;1,5;boisson\nthé vert;2;boisson\nœuvre complète;3;livre\n"
            "gâteau à la crème;4,25;pâtisserie\nfaçade;5;bâtiment\n")
    p.write_bytes(text.encode("cp1252"))
    df = ingest_table(ws, p)
    assert list(df.columns) == ["produit", "prix", "catégorie"]
    assert df["produit"].tolist() == ["café crème", "thé vert", "œuvre complète", "gâteau à la crème", "façade"]
    assert_intact(ws)


def test_csv_ragged_rows_and_nul_bytes(ws, tmp_path):
    p = tmp_path / "ragged.csv"
    p.write_bytes(b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n1\x000,11,12\n")
    rep = ws.add_file(p)
    assert rep["status"] == "ok"
    assert any("NUL" in w for w in rep["warnings"])
    assert_intact(ws)


@pytest.mark.slow
def test_csv_100mb_single_line(tmp_path):
    w = Workspace(Settings(home=tmp_path / "ws", build_index=False, max_upload_mb=200))
    w.add_file(_good(tmp_path))
    p = tmp_path / "oneline.csv"
    with open(p, "wb") as fh:
        chunk = b"x," * (1 << 19)
        for _ in range(100):
            fh.write(chunk)
    with pytest.raises(FileLimitExceeded) as ei:
        w.add_file(p)
    assert "oneline.csv" in str(ei.value)
    assert_intact(w)


def _good(tmp_path: Path) -> Path:
    g = tmp_path / "good.csv"
    g.write_text("city,sales\nParis,10\nLyon,20\n")
    return g


# --- formula injection ------------------------------------------------------------------
NASTY = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1", "-1", "tab\there", "bell\x07ring", "=HYPERLINK(\"http://x\")"]


def test_formula_like_cells_are_stored_as_text(ws, tmp_path):
    p = tmp_path / "inject.csv"
    rows = ["label,payload"] + [f'r{i},"{v.replace(chr(34), chr(34) * 2)}"' for i, v in enumerate(NASTY)]
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    df = ingest_table(ws, p)
    assert df["payload"].tolist() == NASTY  # exactly the text, never evaluated
    assert_intact(ws)


def test_escape_formula():
    assert escape_formula("=1+1") == "'=1+1"
    assert escape_formula("+1") == "'+1" and escape_formula("-1") == "'-1" and escape_formula("@SUM(1)") == "'@SUM(1)"
    assert escape_formula("\tx") == "'\tx" and escape_formula("\rx") == "'\rx"
    assert escape_formula("a\x00b\x07c\x1bd") == "abcd"
    assert escape_formula("\x01=cmd") == "'=cmd"  # stripping cannot uncover a formula
    assert escape_formula("plain") == "plain" and escape_formula("a-b") == "a-b"


def test_export_round_trip_escapes_every_text_cell():
    df = pd.DataFrame({"payload": NASTY, "n": range(len(NASTY)), "=head": ["x"] * len(NASTY)})
    want = [escape_formula(v) for v in NASTY]
    back = pd.read_csv(io.BytesIO(export_csv(df)), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert back["payload"].tolist() == want and list(back.columns) == ["payload", "n", "'=head"]
    assert back["n"].tolist() == [str(i) for i in range(len(NASTY))]
    wb = openpyxl.load_workbook(io.BytesIO(export_xlsx(df)))
    sh = wb.active
    cells = [sh.cell(row=i + 2, column=1) for i in range(len(NASTY))]
    assert [c.value for c in cells] == want
    assert all(c.data_type == "s" for c in cells)  # strings, not formulas
    assert all(sh.cell(row=i + 2, column=2).value == i for i in range(len(NASTY)))  # numbers stay numbers


# --- the isolation itself ---------------------------------------------------------------
def big_csv(path: Path, rows: int = 600_000) -> Path:
    with open(path, "w") as fh:
        fh.write("id,name,city,amount,note\n")
        for i in range(rows):
            fh.write(f"{i},name{i},city{i % 97},{i * 3.5},some free text number {i}\n")
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    return big_csv(tmp_path_factory.mktemp("big") / "big.csv")


def test_memory_limit_kills_the_parse_not_the_app(tmp_path, big):
    w = Workspace(Settings(home=tmp_path / "ws", build_index=False, parse_memory_mb=450))
    w.add_file(_good(tmp_path))
    with pytest.raises(FileLimitExceeded) as ei:
        w.add_file(big)
    msg = str(ei.value)
    assert "big.csv" in msg and "450 MB" in msg and "could not be read safely" in msg
    assert_intact(w)  # and this process is alive to check it


def test_timeout_kills_the_parse_not_the_app(tmp_path, big):
    w = Workspace(Settings(home=tmp_path / "ws", build_index=False, parse_timeout_s=1))
    w.add_file(_good(tmp_path))
    with pytest.raises(FileLimitExceeded) as ei:
        w.add_file(big)
    assert "big.csv" in str(ei.value) and "longer than 1 s" in str(ei.value)
    assert_intact(w)


def test_isolated_parse_gives_the_same_tables(tmp_path):
    from core.ingest import parse_file
    from core.isolate import parse_isolated

    s = Settings(home=tmp_path / "ws", build_index=False)
    p = _good(tmp_path)
    parse_isolated(p, p.name, s)  # starts the forkserver
    t0 = time.monotonic()
    for _ in range(3):
        parsed = parse_isolated(p, p.name, s)
    iso = (time.monotonic() - t0) / 3
    t0 = time.monotonic()
    parse_file(p, p.name, s)
    inproc = time.monotonic() - t0
    assert parsed.sheets[0].tables[0].df["city"].tolist() == ["Paris", "Lyon"]
    print(f"isolated {iso:.3f}s vs in-process {inproc:.3f}s")  # the figure; the benchmark tracks it


def test_isolation_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("EXCELCHAT_ISOLATE", "0")
    assert Settings.from_env().isolate_parsing is False
    monkeypatch.setenv("EXCELCHAT_ISOLATE", "1")
    assert Settings.from_env().isolate_parsing is True


# --- crash consistency ------------------------------------------------------------------
def check_consistent(home: Path) -> Workspace:
    w = Workspace(Settings(home=home, build_index=False))  # opening collects debris
    known = {r["data_dir"] for r in w.catalog.query("SELECT data_dir FROM files")}
    assert {p.name for p in (home / "files").iterdir()} == known
    assert [p.name for p in (home / "tmp").iterdir()] == []
    for f in w.files():
        assert f["n_tables"] >= 1
    for t in w.tables():
        assert t.parquet.exists()
        assert len(pd.read_parquet(t.parquet)) == t.rows
    return w


@pytest.mark.sqlite_only  # the CLI child opens <home>/catalog.sqlite
@pytest.mark.slow
def test_sigkill_during_ingest_leaves_a_consistent_workspace(tmp_path):
    books = sorted((SHARED / "realbooks").glob("*.xlsx"))
    if not books:
        pytest.skip("realbooks missing")
    home = tmp_path / "w"
    cmd = [sys.executable, "-m", "core", "ingest", "--workspace", str(home), "--no-index"]
    base = Workspace(Settings(home=home, build_index=False))
    base.add_file(_good(tmp_path))
    # calibrate: how long one whole ingest takes here, so the kills land anywhere in it
    t0 = time.monotonic()
    subprocess.run(cmd + [str(books[0])], cwd=ROOT, capture_output=True, check=True)
    full = time.monotonic() - t0
    base.remove_file(next(f["id"] for f in base.files() if f["name"] == books[0].name))
    rnd = random.Random(1234)
    outcomes, landed = [], []
    for i in range(15):
        book = books[i % len(books)]
        proc = subprocess.Popen(cmd + [str(book)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rnd.uniform(0, max(1.5, full)))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        outcomes.append(proc.returncode)
        time.sleep(0.6)  # the orphaned parse child notices its parent is gone
        w = check_consistent(home)
        names = {f["name"] for f in w.files()}
        assert "good.csv" in names
        landed.append(book.name in names)
        if book.name in names:
            w.remove_file(next(f["id"] for f in w.files() if f["name"] == book.name))
        rep = w.add_file(book)
        assert rep["status"] == "ok" and not rep.get("cached")
        w.remove_file(next(f["id"] for f in w.files() if f["name"] == book.name))
        check_consistent(home)
    print(f"one ingest takes {full:.1f}s; killed mid-ingest: {sum(c == -signal.SIGKILL for c in outcomes)}, "
          f"file had landed before the kill: {sum(landed)}")
    assert any(c == -signal.SIGKILL for c in outcomes)


# --- fuzz ---------------------------------------------------------------------------------
def _seeds() -> list[tuple[str, bytes]]:
    out = []
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    for r in [["Region", "Amount", "When"], ["North", 10, "2024-01-02"], ["South", 20.5, "2024-02-03"]]:
        wb.active.append(r)
    wb.save(buf)
    out.append(("tiny.xlsx", buf.getvalue()))
    out.append(("tiny.csv", b"Region,Amount\nNorth,10\nSouth,20.5\n"))
    for p in sorted((SHARED / "realbooks").glob("*.xlsx")):
        if p.stat().st_size < 400_000:
            out.append((p.name, p.read_bytes()))
    for rel in ("dimastbk_python-calamine/tests/data/base.xls", "dimastbk_python-calamine/tests/data/base.ods",
                "dimastbk_python-calamine/tests/data/base.xlsb"):
        p = CORPUS / rel
        if p.exists():
            out.append((p.name, p.read_bytes()))
    return out


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_fuzz_mutated_files_end_ok_or_typed(tmp_path):
    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from core.isolate import parse_isolated

    seeds = _seeds()
    s = Settings(home=tmp_path / "ws", build_index=False, parse_timeout_s=20, parse_memory_mb=1024)
    seen = {"ok": 0, "typed": 0}
    deadline = time.monotonic() + 75

    @hsettings(max_examples=500, deadline=None, database=None, derandomize=True,
               suppress_health_check=list(HealthCheck))
    @given(st.integers(0, len(seeds) - 1), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255), st.sampled_from(["set", "cut", "dup"])), min_size=1, max_size=8))
    def run(i, muts):
        if time.monotonic() > deadline:
            return
        name, data = seeds[i]
        b = bytearray(data)
        for pos, val, op in muts:
            k = min(len(b) - 1, int(pos * len(b)))
            if op == "set":
                b[k] = val
            elif op == "cut":
                del b[k: k + 1 + val * 16]
            else:
                b[k:k] = b[k: k + val]
            if not b:
                b = bytearray(b"x")
        p = tmp_path / f"fz-{name}"
        p.write_bytes(bytes(b))
        try:
            parse_isolated(p, name, s)
            seen["ok"] += 1
        except ExcelChatError as e:
            assert str(e).strip() and e.file == name
            seen["typed"] += 1

    run()
    print(f"fuzz: {seen}")
    assert seen["ok"] + seen["typed"] > 20
    assert list((tmp_path / "ws" / "tmp").iterdir()) == []


# --- how a child can end ------------------------------------------------------------------
class FakePanic(BaseException):
    """Stands in for pyo3's PanicException, which is a BaseException."""


def _target_segfault(*args):
    os.kill(os.getpid(), signal.SIGSEGV)


def _target_exit(*args):
    os._exit(7)


def _target_panic(*args):
    import core.ingest
    from core import isolate

    def boom(*a, **k):
        raise FakePanic("called `Option::unwrap()` on a `None` value")

    core.ingest.parse_file = boom
    isolate._child(*args)


def _target_memory(*args):
    import core.ingest
    from core import isolate

    def hog(*a, **k):
        keep = []
        while True:
            keep.append(bytearray(64 << 20))

    core.ingest.parse_file = hog
    isolate._child(*args)


def _target_sleep(*args):
    time.sleep(60)


@pytest.mark.parametrize("target,cls,words", [
    (_target_segfault, CorruptFile, ["crash", "SIGSEGV"]),
    (_target_exit, CorruptFile, ["crash", "code 7"]),
    (_target_panic, CorruptFile, ["crash", "FakePanic"]),
    (_target_memory, FileLimitExceeded, ["more than 600 MB"]),
    (_target_sleep, FileLimitExceeded, ["longer than 1 s"]),
], ids=["segfault", "exit", "panic", "memory", "hang"])
def test_every_way_a_child_ends_is_a_typed_error(tmp_path, target, cls, words):
    from core.isolate import parse_isolated

    s = Settings(home=tmp_path / "ws", build_index=False, parse_memory_mb=600, parse_timeout_s=1)
    p = _good(tmp_path)
    with pytest.raises(cls) as ei:
        parse_isolated(p, "victim.xlsx", s, _target=target)
    msg = str(ei.value)
    assert msg.startswith("victim.xlsx: the file could not be read safely") and ei.value.file == "victim.xlsx"
    assert "open it in Excel and save it again" in msg
    for w in words:
        assert w in msg, msg
    assert list((tmp_path / "ws" / "tmp").iterdir()) == []
