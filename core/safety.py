"""Safety: checks on a workbook's bytes before any native reader touches them, and safe export.

Pre-parse checks (`check_zip`) read only the zip central directory and the first few KB of some
entries, so they cost milliseconds even on a zip bomb:

* entry count, total uncompressed size and compression ratio caps (zip bombs);
* `[Content_Types].xml` must exist in an OOXML package;
* no XML part may declare a DOCTYPE or ENTITY (XXE, billion laughs; Excel never writes them);
* a sheet's `<dimension ref=...>` implying more than max_cells, or a sharedStrings `uniqueCount`
  over MAX_UNIQUE_STRINGS, marks the package "untrusted sizes": calamine pre-allocates from those
  numbers (the 52-125 GB allocation bug), so readers use a streaming reader that ignores them.

Export (`escape_formula`, `export_csv`, `export_xlsx`): cells that a spreadsheet would run as a
formula (CSV/formula injection) are written as text.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorruptFile, FileLimitExceeded

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 1 << 30  # 1 GiB of XML in one workbook
MAX_RATIO = 200  # uncompressed:compressed, for entries over RATIO_MIN_BYTES
RATIO_MIN_BYTES = 16 << 20
MAX_UNIQUE_STRINGS = 10_000_000
HEAD_BYTES = 64 << 10  # how much of each XML part is read for the prolog / dimension checks

_DECL = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_DIM = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']+)[\"']")
_SST = re.compile(rb"<(?:\w+:)?sst\b[^>]*>", re.S)
_UNIQUE = re.compile(rb"\buniqueCount\s*=\s*[\"'](\d+)[\"']")
_COUNT = re.compile(rb"\bcount\s*=\s*[\"'](\d+)[\"']")
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_XML_PARTS = (".xml", ".rels", ".vml")


@dataclass
class ZipReport:
    entries: int = 0
    uncompressed: int = 0
    untrusted_sizes: bool = False
    reasons: list[str] = field(default_factory=list)


def _unsafe(name: str, why: str) -> str:
    return (f"{name}: the file could not be read safely: {why}. "
            "The file may be damaged or crafted; open it in Excel and save it again.")


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def ref_cells(ref: str) -> int | None:
    """Cells a dimension ref like 'A1:XFD1048576' spans (None when unparsable)."""
    parts = ref.strip().split(":")
    if not 1 <= len(parts) <= 2:
        return None
    pts = []
    for p in parts:
        m = _REF.match(p.strip())
        if not m:
            return None
        pts.append((col_number(m.group(1)), int(m.group(2))))
    if len(pts) == 1:
        return 1
    (c1, r1), (c2, r2) = pts
    return (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)


def _head(z: zipfile.ZipFile, info: zipfile.ZipInfo, n: int = HEAD_BYTES) -> bytes:
    try:
        with z.open(info) as fh:
            return fh.read(n)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError, Exception):
        return b""  # unreadable entries are the reader's to report


def _as_utf8(head: bytes) -> bytes:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) > 1 and head[1:2] == b"\x00"):
        try:
            return head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
        except Exception:
            return head
    return head


def check_zip(path: Path, name: str, *, max_cells: int,
              max_uncompressed: int = MAX_UNCOMPRESSED_BYTES) -> ZipReport:
    """Inspect a zip package (xlsx/xlsm/xlsb/ods) before parsing; raises typed errors, returns what it saw.

    Reads the central directory and at most HEAD_BYTES of each XML part; never a whole part.
    """
    rep = ZipReport()
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise CorruptFile(f"{name}: the workbook is damaged or truncated ({e}). "
                          "Open it in Excel, save it again and re-upload.", file=name) from None
    with z:
        infos = z.infolist()
        rep.entries = len(infos)
        if rep.entries > MAX_ENTRIES:
            raise FileLimitExceeded(_unsafe(name, f"the package holds {rep.entries:,} parts "
                                                  f"(a workbook has a few dozen; the limit is {MAX_ENTRIES:,})"), file=name)
        for i in infos:
            rep.uncompressed += i.file_size
            if i.file_size > RATIO_MIN_BYTES and i.file_size > MAX_RATIO * max(1, i.compress_size):
                raise FileLimitExceeded(_unsafe(
                    name, f"part '{i.filename}' expands from {i.compress_size:,} to {i.file_size:,} bytes "
                          f"(over {MAX_RATIO}:1, a 'zip bomb')"), file=name)
        if rep.uncompressed > max_uncompressed:
            raise FileLimitExceeded(_unsafe(
                name, f"it expands to {rep.uncompressed / 1048576:,.0f} MB of XML, over the limit of "
                      f"{max_uncompressed / 1048576:,.0f} MB"), file=name)
        names = {i.filename for i in infos}
        ooxml = any(n.startswith("xl/") for n in names)
        if ooxml and "[Content_Types].xml" not in names:
            raise CorruptFile(f"{name}: the workbook is damaged: its package has no [Content_Types].xml part, "
                              "which every Excel file has. Open it in Excel, save it again and re-upload.", file=name)
        for i in infos:
            low = i.filename.lower()
            if i.is_dir() or not low.endswith(_XML_PARTS):
                continue
            head = _as_utf8(_head(z, i))
            # a DOCTYPE may only stand before the root element, so the head of each part is enough
            if _DECL.search(head):
                raise CorruptFile(_unsafe(name, f"part '{i.filename}' contains XML entity declarations, "
                                                "which Excel never writes"), file=name)
            if low.startswith("xl/worksheets/") and low.endswith(".xml"):
                m = _DIM.search(head)
                if m:
                    cells = ref_cells(m.group(1).decode("ascii", "replace"))
                    if cells is not None and cells > max_cells:
                        rep.untrusted_sizes = True
                        rep.reasons.append(f"{i.filename}: dimension {m.group(1).decode('ascii', 'replace')}")
            elif low == "xl/sharedstrings.xml":
                m = _SST.search(head)
                if m:
                    for rx in (_UNIQUE, _COUNT):
                        c = rx.search(m.group(0))
                        if c and int(c.group(1)) > MAX_UNIQUE_STRINGS:
                            rep.untrusted_sizes = True
                            rep.reasons.append(f"sharedStrings {c.group(0).decode('ascii', 'replace')}")
    return rep


# --- export ----------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_formula(value) -> str:
    """Text safe to put in a CSV/XLSX cell: control characters stripped, a leading ' before = + - @ tab CR."""
    s = _CONTROL.sub("", "" if value is None else str(value))
    if s.startswith(_FORMULA_START):
        s = "'" + s
    return s


def _escaped(df):
    import pandas as pd

    out = df.copy()
    out.columns = [escape_formula(c) if isinstance(c, str) else c for c in out.columns]
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(lambda v: escape_formula(v) if isinstance(v, str) else v).astype(object)
    return out


def export_csv(df) -> bytes:
    """The table as UTF-8 CSV (with BOM, so Excel detects the encoding), text cells escaped."""
    return _escaped(df).to_csv(index=False).encode("utf-8-sig")


def export_xlsx(df, sheet_name: str = "data") -> bytes:
    """The table as an .xlsx workbook, text cells escaped (written as strings, never formulas)."""
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        _escaped(df).to_excel(xw, index=False, sheet_name=escape_formula(sheet_name)[:31] or "data")
    return buf.getvalue()
