"""Readers: a file's bytes -> raw sheets (2-D grids of Python values), after checking what the file is.

The fast path is python-calamine (Rust) for every workbook format. CSV and text go through pyarrow's
CSV reader with every cell kept as text, held as columns (`RawSheet.columns`), so typing happens once per
column on its distinct values (core/tables.py); a file pyarrow refuses (ragged rows, blank lines, bytes
that are not the detected encoding, NULs) goes through pandas' C parser / the csv module into a grid.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import (
    ContentMismatch,
    CorruptFile,
    EmptyWorkbook,
    EncryptedFile,
    FileLimitExceeded,
    FileTooLarge,
    UnsupportedFileType,
)

WORKBOOK_EXTS = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".xltx", ".xltm"}  # templates: what pandas reads
TEXT_EXTS = {".csv", ".tsv", ".txt"}
SUPPORTED_EXTS = WORKBOOK_EXTS | TEXT_EXTS

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class RawSheet:
    """One sheet as read: `grid` is a 2-D object array whose cell [0, 0] sits at (row0, col0) (0-based)."""

    name: str
    grid: np.ndarray
    row0: int = 0
    col0: int = 0
    hidden: bool = False
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    no_none: bool = False  # empty cells are "", never None (CSV, calamine): no null scan needed
    # a CSV read by columns (TextColumns, "" for a blank cell): grid None until something needs one
    columns: TextColumns | None = None

    def cells(self) -> np.ndarray:
        """The 2-D grid, built from `columns` the first time a CSV read by columns needs one (equal
        cells share one str object)."""
        if self.grid is None:
            self.grid = self.columns.ravel().reshape(self.columns.shape)
        return self.grid


@dataclass(frozen=True)
class TextColumn:
    """One column of a TextColumns view: its dictionary (distinct texts, maybe more than these rows use)
    and each row's index into it."""

    dictionary: np.ndarray
    indices: np.ndarray

    def codes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(the texts these rows use, in dictionary order; each row's index into them; rows per text). The
        dictionary is in order of first appearance in the file, which rows sliced or left out can change: a
        step that depends on the order (the date format inferred from the first date) restores it itself."""
        counts = np.bincount(self.indices, minlength=len(self.dictionary))
        used = np.flatnonzero(counts)
        if len(used) and used[-1] - used[0] == len(used) - 1:
            # one run of entries (every one, or all but the header's, which comes first): the codes are a
            # shift of the indices, a streaming subtract rather than a gather through a remap
            lo = used[0]
            return self.dictionary[lo:lo + len(used)], np.subtract(self.indices, lo, dtype=np.intp), counts[used]
        remap = np.full(len(self.dictionary), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        return self.dictionary[used], remap.take(self.indices), counts[used]


def _encoded(pending: list, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Column i of `pending` (a pyarrow ChunkedArray of text) as (dictionary of Python strings, int32 indices);
    its slot is emptied first, so the parsed text goes as soon as its encoding is done."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = pending[i]
    pending[i] = None
    enc = pc.dictionary_encode(col)
    del col
    pa.default_memory_pool().release_unused()  # the column's text is gone: its pages back before the next copy
    chunks = list(enc.chunks)
    if not chunks:
        return np.empty(0, dtype=object), np.empty(0, dtype=np.int32)
    return (np.asarray(chunks[0].dictionary.to_numpy(zero_copy_only=False), dtype=object),
            np.concatenate([ch.indices.to_numpy(zero_copy_only=False) for ch in chunks]))


class TextColumns:
    """A read-only 2-D view of dictionary-encoded text columns ("" for blank) that answers the numpy-style
    reads detection makes: `v[i]` a row, `v[rows, c]` cells of one column (a TextColumn for `v[:, c]`),
    `v[a:b]` and `v[mask]` sub-views, `ravel()` of a small view. Each column's dictionary is turned into
    Python strings once and shared by every view; a view slices the row indices (numpy), not the text."""

    def __init__(self, dictionaries: list[np.ndarray], indices: list[np.ndarray]):
        self.dictionaries, self.indices = dictionaries, indices
        self.shape = (len(indices[0]) if indices else 0, len(indices))

    @classmethod
    def of(cls, columns: list, threads: int = 1) -> TextColumns:
        """pyarrow ChunkedArrays of text (core/readers.py), each encoded here into one dictionary + indices.

        Takes the list over and empties it: each column is let go once encoded and copied out, so the parsed
        text, its codes and the numpy indices of every column are never all in memory at once (on `threads`
        threads, that many columns are in flight). `dictionary_encode` over a whole column builds one
        dictionary shared by its chunks, in order of first appearance: no per-block dictionaries to unify
        (parsing into dictionaries block by block, then unifying them, took ~1.6x the CPU of parsing plain
        text and encoding each column once). The encode runs without the GIL, so two threads overlap."""
        pending = list(columns)
        columns.clear()
        if threads <= 1:
            pairs = [_encoded(pending, i) for i in range(len(pending))]
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(threads) as ex:
                pairs = list(ex.map(lambda i: _encoded(pending, i), range(len(pending))))
        return cls([d for d, _ in pairs], [i for _, i in pairs])

    def column(self, c: int) -> TextColumn:
        return TextColumn(self.dictionaries[c], self.indices[c])

    def block(self, r0: int, r1: int, c0: int, c1: int) -> TextColumns:
        return TextColumns(self.dictionaries[c0:c1], [i[r0:r1] for i in self.indices[c0:c1]])

    def ravel(self) -> np.ndarray:
        rows = np.empty(self.shape, dtype=object)
        for c, (d, i) in enumerate(zip(self.dictionaries, self.indices, strict=True)):
            rows[:, c] = d[i]
        return rows.ravel()

    def __getitem__(self, key):
        if isinstance(key, tuple):
            rows, c = key
            if isinstance(rows, slice) and rows == slice(None):
                return self.column(c)
            return self.dictionaries[c][self.indices[c][rows]]
        if isinstance(key, (int, np.integer)):
            return np.array([d[i[key]] for d, i in zip(self.dictionaries, self.indices, strict=True)], dtype=object)
        if isinstance(key, slice):
            return TextColumns(self.dictionaries, [i[key] for i in self.indices])
        mask = np.asarray(key, dtype=bool)
        if mask.all():
            return self  # the usual case (no row left out): no copy
        return TextColumns(self.dictionaries, [i[mask] for i in self.indices])



@dataclass
class RawBook:
    kind: str  # xlsx, xlsb, xls, ods, csv
    sheets: list[RawSheet]
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def sniff(name: str, head: bytes, size: int) -> str:
    """The kind of file the bytes really are, checked against the extension; raises typed errors."""
    ext = Path(name).suffix.lower()
    if ext not in SUPPORTED_EXTS:
        raise UnsupportedFileType(
            f"{name}: '{ext or 'no extension'}' files are not supported. "
            "Upload .xlsx, .xlsm, .xlsb, .xls, .ods, .csv, .tsv or .txt.",
            file=name,
        )
    if size == 0:
        raise EmptyWorkbook(f"{name}: the file is empty (0 bytes). Check that the upload finished.", file=name)
    low = head[:1024].lstrip().lower()
    looks_html = low.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table"))
    if ext in TEXT_EXTS:
        if head.startswith((ZIP_MAGIC, OLE2_MAGIC)):
            raise ContentMismatch(
                f"{name}: this is an Excel workbook saved with a '{ext}' name. Rename it to .xlsx (or .xls) and upload again.",
                file=name,
            )
        if head.startswith(b"%PDF"):
            raise ContentMismatch(f"{name}: this is a PDF, not a text table. Export the data as CSV or Excel.", file=name)
        return "csv"
    if head.startswith(OLE2_MAGIC):
        return "ole2"  # .xls, or an encrypted OOXML package: told apart when opened
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(b"%PDF"):
        raise ContentMismatch(f"{name}: this is a PDF, not a spreadsheet. Export the data from it as CSV or Excel.", file=name)
    if looks_html:
        raise ContentMismatch(
            f"{name}: this is a web page (HTML) saved with a '{ext}' name, not a real workbook. "
            "Open it in Excel and save it as .xlsx.",
            file=name,
        )
    if ext in (".xlsx", ".xlsm", ".xlsb", ".ods", ".xltx", ".xltm"):
        raise ContentMismatch(
            f"{name}: the content is not a '{ext}' workbook (it is not a zip package). "
            "The file may be damaged or mis-named; open it in Excel and save it again.",
            file=name,
        )
    raise ContentMismatch(
        f"{name}: the content is not an Excel workbook. Open it in Excel and save it as .xlsx.", file=name
    )


def _zip_kind(name: str, path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "xl/workbook.xml" in names or any(n.endswith("workbook.xml") for n in names):
                return "xlsx"
            if "mimetype" in names:
                with z.open("mimetype") as fh:  # bounded: the entry's declared size may lie
                    mt = fh.read(100)
                if b"spreadsheet" in mt:
                    return "ods"
            if "content.xml" in names:
                return "ods"
            if "[Content_Types].xml" in names:  # a workbook part under a non-standard name
                with z.open("[Content_Types].xml") as fh:
                    types = fh.read(65536)
                if any(t in types for t in (b"spreadsheetml.sheet.main", b"sheet.macroEnabled.main",
                                            b"spreadsheetml.template.main", b"template.macroEnabled.main")):
                    return "xlsx"
            if "word/document.xml" in names or "ppt/presentation.xml" in names:
                raise ContentMismatch(
                    f"{name}: this is a Word or PowerPoint document, not a spreadsheet.", file=name
                )
    except zipfile.BadZipFile as e:
        raise CorruptFile(
            f"{name}: the workbook is damaged or truncated ({e}). Open it in Excel, save it again and re-upload.",
            file=name,
        ) from None
    raise ContentMismatch(f"{name}: this zip file is not an Excel or OpenDocument workbook.", file=name)


def _ole2_is_encrypted_package(data: bytes) -> bool:
    return "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data


def read_file(path: Path, name: str, *, max_rows: int, max_cells: int, columnar: bool = True) -> RawBook:
    """Read any supported file into raw sheets. Raises typed errors naming the file.

    `columnar=False` reads CSV into a grid even when it could be read by columns (tests compare both)."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(8192)
    kind = sniff(name, head, size)
    if kind == "csv":
        return read_text(path, name, max_rows=max_rows, max_cells=max_cells, columnar=columnar)
    untrusted = False
    if kind == "zip":
        from .safety import check_zip

        # central directory, XML prologs, dimensions: before any native reader sees the bytes
        untrusted = check_zip(path, name, max_cells=max_cells).untrusted_sizes
        kind = _zip_kind(name, path)
    elif kind == "ole2":
        data = path.read_bytes()
        if _ole2_is_encrypted_package(data):
            raise EncryptedFile(
                f"{name}: the workbook is password-protected. Remove the password in Excel "
                "(File > Info > Protect Workbook) and upload it again.",
                file=name,
            )
        kind = "xls"
    if kind in OPENPYXL_KINDS and (untrusted or PREFER_STREAMING):
        # the package declares absurd sizes that calamine would pre-allocate: stream it instead
        return read_openpyxl(path, name, kind, max_rows=max_rows, max_cells=max_cells)
    try:
        return read_workbook(path, name, kind, max_rows=max_rows, max_cells=max_cells)
    except CorruptFile as first:
        if kind not in OPENPYXL_KINDS:
            raise
        # calamine refused it; openpyxl (pandas' default xlsx engine) is more lenient on some writers
        try:
            book = read_openpyxl(path, name, kind, max_rows=max_rows, max_cells=max_cells)
        except CorruptFile:
            raise first from None
        book.warnings.append(f"{name}: read with the fallback reader (openpyxl); the fast reader refused it.")
        return book


OPENPYXL_KINDS = {"xlsx"}
# set only in an isolated child retrying a file the fast reader crashed on (core/isolate.py): xlsx through
# openpyxl's streaming reader, CSV through the grid path
PREFER_STREAMING = False


def read_openpyxl(path: Path, name: str, kind: str, *, max_rows: int, max_cells: int) -> RawBook:
    """Streaming xlsx/xlsm reader (openpyxl read-only, defusedxml) that ignores declared dimensions."""
    import warnings as _w

    import openpyxl

    try:
        with _w.catch_warnings():
            _w.simplefilter("ignore")
            # a file object: openpyxl checks the extension of a path, not of a stream
            wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True,
                                        keep_links=False)
    except MemoryError:
        raise
    except Exception as e:  # openpyxl raises many types for bad packages
        if "encrypt" in str(e).lower() or "password" in str(e).lower():
            raise EncryptedFile(f"{name}: the workbook is password-protected. Remove the password in Excel "
                                "and upload it again.", file=name) from None
        raise CorruptFile(f"{name}: the workbook could not be read; it may be damaged or truncated "
                          f"({type(e).__name__}: {str(e)[:200]}). Open it in Excel, save it again and re-upload.",
                          file=name) from None
    sheets: list[RawSheet] = []
    total = 0
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "reset_dimensions"):
                continue
            ws.reset_dimensions()
            cells: dict[tuple[int, int], object] = {}
            r0 = c0 = None
            r1 = c1 = -1
            for r, row in enumerate(ws.iter_rows(values_only=True)):
                for c, v in enumerate(row):
                    if v is None or v == "":
                        continue
                    cells[(r, c)] = v
                    r0 = r if r0 is None else min(r0, r)
                    c0 = c if c0 is None else min(c0, c)
                    r1, c1 = max(r1, r), max(c1, c)
                if r0 is None:
                    continue
                h, w = r1 - r0 + 1, c1 - c0 + 1
                if h > max_rows + 1:
                    raise FileLimitExceeded(
                        f"{name}: sheet '{ws.title}' has over {max_rows:,} rows, over the limit. "
                        "Split the file or raise EXCELCHAT_MAX_ROWS.", file=name)
                if total + h * w > max_cells:
                    far = f"{_letters(c1)}{r1 + 1}"
                    raise FileLimitExceeded(
                        f"{name}: sheet '{ws.title}' uses cells up to {far}, so its used area is {h:,} rows x {w:,} "
                        f"columns, more than the limit of {max_cells:,} cells. Delete stray far-away cells "
                        "(Ctrl+End in Excel shows the last one) or split the file.", file=name)
            hidden = getattr(ws, "sheet_state", "visible") != "visible"
            if r0 is None:
                sheets.append(RawSheet(ws.title, np.empty((0, 0), dtype=object), hidden=hidden))
                continue
            h, w = r1 - r0 + 1, c1 - c0 + 1
            total += h * w
            grid = np.full((h, w), "", dtype=object)
            for (r, c), v in cells.items():
                grid[r - r0, c - c0] = v
            sheets.append(RawSheet(ws.title, grid, row0=r0, col0=c0, hidden=hidden))
    except (FileLimitExceeded, MemoryError):
        raise
    except Exception as e:
        raise CorruptFile(f"{name}: the workbook could not be read; it may be damaged or truncated "
                          f"({type(e).__name__}: {str(e)[:200]}). Open it in Excel, save it again and re-upload.",
                          file=name) from None
    finally:
        try:
            wb.close()
        except Exception:
            pass
    return _book(name, kind, sheets)


def _letters(col: int) -> str:
    """0-based column index -> Excel letters."""
    s, n = "", col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


def _calamine_error(name: str, e: Exception) -> Exception:
    import python_calamine as pc

    msg = str(e)
    if isinstance(e, pc.PasswordError) or "password" in msg.lower() or "encrypt" in msg.lower():
        return EncryptedFile(
            f"{name}: the workbook is password-protected. Remove the password in Excel and upload it again.",
            file=name,
        )
    return CorruptFile(
        f"{name}: the workbook could not be read; it may be damaged or truncated ({msg[:200]}). "
        "Open it in Excel, save it again and re-upload.",
        file=name,
    )


def read_workbook(path: Path, name: str, kind: str, *, max_rows: int, max_cells: int) -> RawBook:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        metas = wb.sheets_metadata
    except Exception as e:  # calamine raises several of its own classes, all meaning "cannot read"
        raise _calamine_error(name, e) from None
    sheets: list[RawSheet] = []
    total_cells = 0
    try:
        for meta in metas:
            if meta.typ not in (pc.SheetTypeEnum.WorkSheet,):
                continue
            sh = wb.get_sheet_by_name(meta.name)
            start = sh.start
            if start is None:
                sheets.append(RawSheet(meta.name, np.empty((0, 0), dtype=object), hidden=meta.visible != pc.SheetVisibleEnum.Visible))
                continue
            h, w = sh.height, sh.width
            if h > max_rows + 1:
                raise FileLimitExceeded(
                    f"{name}: sheet '{meta.name}' has {h:,} rows, over the limit of {max_rows:,}. "
                    "Split the file or raise EXCELCHAT_MAX_ROWS.",
                    file=name,
                )
            total_cells += h * w
            if total_cells > max_cells:
                raise FileLimitExceeded(
                    f"{name}: the workbook has more than {max_cells:,} cells, over the limit. "
                    "Split the file or raise EXCELCHAT_MAX_CELLS.",
                    file=name,
                )
            rows = sh.to_python(skip_empty_area=True)
            grid = _to_grid(rows)
            merged = []
            try:
                merged = [tuple(map(tuple, m)) for m in (sh.merged_cell_ranges or [])]
            except Exception:  # merged ranges are a nicety; some formats do not support them
                merged = []
            sheets.append(
                RawSheet(
                    meta.name,
                    grid,
                    row0=start[0],
                    col0=start[1],
                    hidden=meta.visible != pc.SheetVisibleEnum.Visible,
                    merged=merged,
                    no_none=True,
                )
            )
    except FileLimitExceeded:
        raise
    except Exception as e:
        raise _calamine_error(name, e) from None
    finally:
        try:
            wb.close()
        except Exception:
            pass
    return _book(name, kind, sheets)


def _book(name: str, kind: str, sheets: list[RawSheet]) -> RawBook:
    """The sheets as a book, or EmptyWorkbook when none holds a cell."""
    if not sheets or all(s.grid.size == 0 for s in sheets):
        raise EmptyWorkbook(f"{name}: the workbook has no data in any sheet.", file=name)
    return RawBook(kind, sheets)


def _to_grid(rows: list[list]) -> np.ndarray:
    """List of rows -> 2-D object array, rows padded to one width."""
    if not rows:
        return np.empty((0, 0), dtype=object)
    width = max(len(r) for r in rows)
    if all(len(r) == width for r in rows):
        grid = np.empty((len(rows), width), dtype=object)
        grid[:] = rows if width else np.empty((len(rows), 0))
        return grid
    grid = np.full((len(rows), width), "", dtype=object)
    for i, r in enumerate(rows):
        grid[i, : len(r)] = r
    return grid


# --- CSV and text ----------------------------------------------------------
def detect_encoding(sample: bytes) -> str:
    """BOMs first, then UTF-8, then the best guess (cp1252 for Western Windows files)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # UTF-16 without BOM: every other byte NUL
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) == 0:
        return "utf-16-le"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(sample) - 4:  # a multi-byte character cut by the sample's end
            return "utf-8"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample[:65536]).best()
        if best is not None and best.encoding not in ("ascii", "utf_8"):
            enc = best.encoding
            return "cp1252" if enc in ("latin_1", "iso8859_1", "windows_1252", "cp1252") else enc
    except Exception:
        pass
    return "cp1252"


def detect_delimiter(text: str, ext: str) -> str:
    if ext == ".tsv":
        return "\t"
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        d = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
        # the sniffer can be fooled by quoted fields spanning lines; a delimiter absent from the
        # header line while another candidate is present there is not the delimiter
        if lines[0].count(d) or '"' in lines[0] or not any(lines[0].count(o) for o in ",;\t|"):
            return d
    except csv.Error:
        pass
    # most consistent candidate per line wins
    best, score = ",", -1.0
    for d in (",", ";", "\t", "|"):
        counts = [line.count(d) for line in lines]
        if max(counts) == 0:
            continue
        common = max(set(counts), key=counts.count)
        if common == 0:  # absent from most lines: not the delimiter
            continue
        s = counts.count(common) / len(counts) + (0.01 * common if common else 0)
        if s > score:
            best, score = d, s
    return best


MAX_TEXT_COLUMNS = 16_384  # Excel's own column limit


def read_text(path: Path, name: str, *, max_rows: int, max_cells: int, columnar: bool = True) -> RawBook:
    """A CSV/TSV/TXT file as one sheet: by columns (pyarrow) when it parses cleanly, else as a grid.

    `columnar=False` forces the grid path (the equivalence tests run both over the same files)."""
    with open(path, "rb") as fh:
        head = fh.read(262144)
    enc = detect_encoding(head)
    if columnar and not PREFER_STREAMING:  # a retry after pyarrow crashed: the grid path this time
        book = _read_columnar(path, head, enc, name, max_rows=max_rows, max_cells=max_cells)
        if book is not None:
            return book
    return _read_grid(path.read_bytes(), enc, name, max_rows=max_rows, max_cells=max_cells)


def _check_text_limits(name: str, first: str, delim: str, lines: int, max_cells: int) -> None:
    """Before a parser builds anything: a single 100 MB line of commas would be millions of columns."""
    width = first.count(delim) + 1
    if width > MAX_TEXT_COLUMNS:
        raise FileLimitExceeded(
            f"{name}: the first line has {width:,} fields, more than the {MAX_TEXT_COLUMNS:,} columns a sheet can hold. "
            "Check the delimiter, or split the file.", file=name)
    if width * lines > max_cells * 2:
        raise FileLimitExceeded(f"{name}: more than {max_cells:,} cells, over the limit.", file=name)


def _check_shape(name: str, rows: int, cols: int, max_rows: int, max_cells: int) -> None:
    if rows > max_rows + 1:
        raise FileLimitExceeded(
            f"{name}: {rows:,} rows, over the limit of {max_rows:,}. Split the file or raise EXCELCHAT_MAX_ROWS.",
            file=name,
        )
    if rows * cols > max_cells:
        raise FileLimitExceeded(f"{name}: more than {max_cells:,} cells, over the limit.", file=name)


def _text_type():
    """How the columnar path parses a CSV column: plain text (TextColumns.of encodes it after)."""
    import pyarrow as pa

    return pa.string()


# a blank line (LF, CRLF or CR endings) splits tables, and pyarrow cannot keep it as a row: grid path
_BLANK_LINES = (b"\n\n", b"\n\r\n", b"\r\r")


CHUNK = 1 << 24  # bytes per read while scanning a text file


def _file_chunks(path: Path):
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            yield block


def _scan(chunks, blank_lines: bool) -> tuple[bool, bool, int]:
    """(any NUL byte, any blank line if asked, number of lines: LFs, plus one for a last line without its LF)
    over a file's chunks, one pass, no copy of the whole file. A blank line may straddle two chunks: the last
    two bytes of one lead the next search."""
    nul, blank, lines, tail, last = False, False, 0, b"", b"\n"
    for block in chunks:
        last = block[-1:]
        nul = nul or b"\x00" in block
        # numpy's vectorised compare counts a 16 MB block about 4x faster than bytes.count
        lines += int(np.count_nonzero(np.frombuffer(block, dtype=np.uint8) == 10))
        if blank_lines and not blank:
            edge = tail + block[:2]
            blank = any(b in block or b in edge for b in _BLANK_LINES)
            tail = (tail + block[-2:])[-2:]
    return nul, blank, lines + (last != b"\n")


def _read_columnar(path: Path, head: bytes, enc: str, name: str, *, max_rows: int, max_cells: int) -> RawBook | None:
    """pyarrow's multithreaded CSV reader, every column as text: the same cells as the grid path at a
    fraction of its time and memory (no Python object per cell). None when the file needs the grid path.

    Columns are parsed as plain text, then each is dictionary-encoded (TextColumns.of): each distinct text
    is stored once and typing works on the distinct values anyway.
    A UTF-8 file is streamed from disk (pyarrow reads it block by block, never all of it in memory);
    other encodings are decoded here, as the grid path decodes them, and handed over as UTF-8.

    pyarrow rather than DuckDB's reader: it hands back exactly the cells (no type sniffing to switch
    off, no header guess), and fails loudly on a ragged row, which is the cheap irregularity test (a
    sample could miss a short row at the end)."""
    import pyarrow as pa

    since = _cpu_times()  # the scan below runs on one core: what the other cores did meanwhile says if one is idle
    if enc == "utf-8" and not head.startswith(codecs.BOM_UTF8):
        data, chunks, source = head, _file_chunks(path), lambda: pa.OSFile(str(path))
    else:
        raw = path.read_bytes()
        try:
            text = raw[3:].decode("utf-8") if enc == "utf-8-sig" else raw.decode(enc, errors="strict")
        except (UnicodeDecodeError, LookupError):
            return None
        data = text.removeprefix("\ufeff").encode("utf-8")
        del raw, text
        buf = pa.py_buffer(data)
        chunks, source = (data[i:i + CHUNK] for i in range(0, len(data), CHUNK)), lambda: buf
    nl = data.find(b"\n")
    # a first line longer than the head, a leading blank line, no text at all: the grid path
    if nl < 0 and len(data) >= len(head) == 262144 or data.startswith((b"\n", b"\r")) or not re.search(rb"\S", data):
        return None
    delim = detect_delimiter(data[:262144].decode("utf-8", errors="ignore")[:65536], Path(name).suffix.lower())
    first = (data if nl < 0 else data[:nl]).decode("utf-8", errors="replace")
    # pyarrow refuses a blank line among rows of several fields; one field per row would read it as a
    # row, so only then are blank lines searched for
    nul, blank, lines = _scan(chunks, blank_lines=delim not in first)
    if nul or blank:
        return None  # NULs to remove with a warning, blank lines to keep: the grid path
    _check_text_limits(name, first, delim, lines, max_cells)
    threads = _parse_threads(since)
    table = _arrow_csv(source, delim, first.count(delim) + 1, lines, threads)
    if table is None:
        return None
    _check_shape(name, table.num_rows, table.num_columns, max_rows, max_cells)
    columns = table.columns
    del table
    pa.default_memory_pool().release_unused()  # the parser's scratch (read-ahead blocks): back before copying
    cols = TextColumns.of(columns, threads=2 if threads else 1)
    pa.default_memory_pool().release_unused()  # the parsed columns are gone: give their pages back now
    sheet = RawSheet(Path(name).stem or "data", None, no_none=True, columns=cols)
    return RawBook("csv", [sheet], encoding=enc, delimiter=delim)


# pyarrow's parser threads pay off with a core to spare: on two idle cores a 200 MB file is read 20% sooner
# (1.7 s -> 1.35 s, ~150 MB more peak); on two cores busy with the app's own work or other uploads they only
# contend (2.7 s on one thread, 4.2 s on two), so the second thread is used only while a core is idle
PARSE_THREADS = None  # None: decided per file from how idle the cores are; True/False forces it
IDLE_CORE = 0.7  # a core idle this share of the time while the file was scanned counts as spare
MIN_WINDOW_TICKS = 8  # fewer clock ticks (summed over cores) than this in the scan: too short to tell, use the load


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) clock ticks of all cores since boot, from /proc/stat; None where there is none."""
    try:
        with open("/proc/stat", "rb") as fh:
            ticks = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (ticks[3] + ticks[4], sum(ticks[:8])) if len(ticks) >= 8 else None


def _parse_threads(since: tuple[int, int] | None = None) -> bool:
    """Parse on several threads when a core is to spare: more than two cores, or the other cores' idle time while
    this process scanned the file (ticks `since`) worth a core; where that window is too short to tell, a
    1-minute load under cores - 1. (The load alone lags: a read just finished keeps it near 1 on an idle machine.)"""
    if PARSE_THREADS is not None:
        return PARSE_THREADS
    cores = os.cpu_count() or 1
    if cores != 2:
        return cores > 2
    now = _cpu_times()
    if since and now and now[1] - since[1] >= MIN_WINDOW_TICKS:
        return cores * (now[0] - since[0]) / (now[1] - since[1]) >= IDLE_CORE
    try:
        return os.getloadavg()[0] < cores - 1
    except OSError:  # no load average on this platform: the cautious choice
        return False


PARSE_BLOCK = 1 << 23  # bytes per pyarrow block (one chunk of each column); 8 MB: ~60 MB less peak than 16 on two threads


def _arrow_csv(source, delim: str, width: int, lines: int, threads: bool):
    """Every field as text, the header a row like any other; None when pyarrow refuses. `source()` opens the
    data afresh; `lines` is its number of lines.

    First parsed as if no value held a line break, which lets pyarrow cut blocks at any newline (~0.25 s
    less on 200 MB). That parse is kept only when it gave one row per line: then no value held a line
    break, and a cut could not fall inside one. (A cut inside a quoted value leaves rows of the wrong width,
    which pyarrow refuses, unless the table has one column; a break within a block merges two lines into
    one row.) Otherwise it is parsed again, allowing line breaks in quoted values."""
    import pyarrow as pa

    table = None
    if width > 1:
        try:
            table = _arrow_parse(source(), delim, width, threads, newlines_in_values=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            table = None
        if table is not None and table.num_rows != lines:
            table = None
    if table is None:
        try:
            table = _arrow_parse(source(), delim, width, threads, newlines_in_values=True)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None  # ragged rows, bytes that are not UTF-8 after all: the grid path copes and warns
    if table.num_columns > width or any(t != _text_type() for t in table.schema.types):
        return None  # more fields than the first physical line shows (a quoted newline in the header: typed by inference)
    return table


def _arrow_parse(source, delim: str, width: int, threads: bool, newlines_in_values: bool):
    from pyarrow import csv as pacsv

    return pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=PARSE_BLOCK,
                                       use_threads=threads),
        parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=newlines_in_values,
                                         ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={f"f{i}": _text_type() for i in range(width)},
            strings_can_be_null=False, quoted_strings_can_be_null=False, null_values=[]),
    )


def _read_grid(raw: bytes, enc: str, name: str, *, max_rows: int, max_cells: int) -> RawBook:
    import pandas as pd

    try:
        text = raw.decode(enc, errors="strict")
    except (UnicodeDecodeError, LookupError):
        enc = "cp1252"
        text = raw.decode(enc, errors="replace")
    warnings = []
    if "\x00" in text:
        text = text.replace("\x00", "")
        warnings.append(f"{name}: NUL bytes in the text were removed.")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise EmptyWorkbook(f"{name}: the file has no data.", file=name)
    delim = detect_delimiter(text[:65536], Path(name).suffix.lower())
    nl = text.find("\n")
    _check_text_limits(name, text if nl < 0 else text[:nl], delim, text.count("\n") + 1, max_cells)
    try:
        df = pd.read_csv(
            io.StringIO(text), sep=delim, header=None, dtype=object, keep_default_na=False,
            na_filter=False, engine="c", skip_blank_lines=False,
        )
        grid = df.to_numpy(dtype=object)
    except (pd.errors.ParserError, ValueError):
        # ragged rows: the csv module copes, and we pad; newline="" lets it handle \r, \r\n and \n
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
        except csv.Error as e:
            raise CorruptFile(f"{name}: the text could not be split into rows and columns ({e}). "
                              "Open it in Excel or a text editor, save it as CSV again and re-upload.", file=name) from None
        width = max((len(r) for r in rows), default=0)
        # title lines of one field above the header ("Subscription register") are no short rows to warn of
        lead = next((i for i, r in enumerate(rows) if len(r) > 1), len(rows))
        if width and any(len(r) != width for r in rows[lead:]):
            warnings.append(f"{name}: some rows have fewer or more fields than others; they were padded.")
        grid = _to_grid(rows)
    except pd.errors.EmptyDataError:
        raise EmptyWorkbook(f"{name}: the file has no data.", file=name) from None
    _check_shape(name, grid.shape[0], grid.shape[1], max_rows, max_cells)
    sheet = Path(name).stem or "data"
    return RawBook("csv", [RawSheet(sheet, grid, no_none=True)], warnings=warnings, encoding=enc, delimiter=delim)


def check_size(name: str, size: int, limit_bytes: int) -> None:
    if size > limit_bytes:
        raise FileTooLarge(
            f"{name}: {size / 1048576:.1f} MB is over the upload limit of {limit_bytes / 1048576:.0f} MB. "
            "Remove unused sheets or split the file (or raise EXCELCHAT_MAX_UPLOAD_MB).",
            file=name,
        )
