"""The workspace: a directory with the original files, each table as Parquet, and the catalog (SQLite, or
PostgreSQL when EXCELCHAT_DATABASE_URL is set).

Layout:
    <home>/catalog.sqlite        files, sheets, tables, columns, profiles, chunks, warnings, errors
    <home>/files/<id>/           one folder per ingested file: original.<ext>, t<N>.parquet
    <home>/tmp/<id>/, <id>.lock  ingests in flight (a held lock marks a live one)
    <home>/index/                the semantic index (unless Settings.index_dir: one per replica)

Atomicity: a file's folder is written under tmp/, renamed into files/, then the catalog rows are
inserted in one transaction. Anything in files/ or tmp/ that the catalog does not name and whose
lock is not held is debris of a crash, removed on open.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .catalog import Catalog
from .config import Settings
from .errors import ExcelChatError, FileError, NotFound
from .ingest import ParsedFile, Progress, _noop, parse_file, report, sha256_file
from .readers import check_size


@dataclass(frozen=True)
class TableInfo:
    id: int
    file_id: int
    file: str
    sheet: str
    name: str
    sql_name: str
    kind: str
    range: str
    header_row: int | None
    rows: int
    columns: tuple[str, ...]
    dtypes: dict
    parquet: Path
    title: str | None
    excluded: list
    roles: dict = field(default_factory=dict)  # column -> role (core.roles), stored at ingest; {} for older files


class Workspace:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.home = Path(settings.home).resolve()
        for d in ("files", "tmp", "index"):
            (self.home / d).mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(self.home / "catalog.sqlite", settings.database_url)
        self._sha_locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.listeners: list = []  # callables(event, file_id) e.g. the semantic index
        self._tables_cache: tuple[int, list] | None = None  # (catalog version, tables)
        self.collect_debris()

    # --- debris of crashed ingests --------------------------------------------
    @staticmethod
    def _lock_is_held(lock: Path) -> bool:
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(fd)

    def collect_debris(self) -> int:
        """Remove folders no catalog row names and no live ingest holds; returns how many."""
        known = self.catalog.data_dirs()
        removed = 0
        for parent in (self.home / "files", self.home / "tmp"):
            for p in parent.iterdir():
                if p.suffix == ".lock":
                    continue
                if parent.name == "files" and p.name in known:
                    continue
                if self._lock_is_held(self.home / "tmp" / f"{p.name}.lock"):
                    continue
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
                removed += 1
        for lock in (self.home / "tmp").glob("*.lock"):
            if not self._lock_is_held(lock) and not (self.home / "tmp" / lock.stem).exists():
                lock.unlink(missing_ok=True)
        return removed

    def _sha_lock(self, sha: str) -> threading.Lock:
        with self._locks_guard:
            return self._sha_locks.setdefault(sha, threading.Lock())

    # --- adding and removing files ---------------------------------------------
    def add_bytes(self, name: str, data: bytes, **kw) -> dict:
        """Ingest an upload held in memory (written to tmp/ first)."""
        check_size(name, len(data), self.settings.max_upload_bytes)
        staging = self.home / "tmp" / f"upload-{uuid.uuid4().hex}"
        # locked like an ingest's folder: another replica's debris collection leaves a live upload alone
        with _ingest_lock(self.home, staging.name):
            staging.mkdir()
            try:
                p = staging / Path(name).name
                p.write_bytes(data)
                return self.add_file(p, name=name, **kw)
            finally:
                shutil.rmtree(staging, ignore_errors=True)

    def add_file(self, path: Path | str, *, name: str | None = None, uploaded_by: str | None = None,
                 progress: Progress | None = None, parse=None) -> dict:
        """Ingest one file; returns its report. Raises a typed FileError (also recorded in the catalog)."""
        path = Path(path)
        name = name or path.name
        progress = progress or _noop
        sha = None
        try:
            check_size(name, path.stat().st_size, self.settings.max_upload_bytes)
            sha = sha256_file(path)
            with self._sha_lock(sha):
                row = self.catalog.file_by_sha(sha)
                if row is not None:
                    rep = json.loads(row["report"])
                    rep["cached"] = True
                    progress("done", 1.0, f"{name} was already in the workspace")
                    return rep
                parsed = (parse or self._default_parse())(path, name, self.settings, progress)
                return self._store(path, name, sha, parsed, uploaded_by, progress)
        except FileError as e:
            self.catalog.record_error(name, sha, e, uploaded_by)
            raise

    def _default_parse(self):
        """parse_isolated (a child process with memory and time limits) unless isolate_parsing is off."""
        if self.settings.isolate_parsing:
            from .isolate import parse_isolated

            return parse_isolated
        return parse_file

    def _write_folder(self, src: Path, name: str, parsed: ParsedFile, fid: str, progress: Progress) -> list[str]:
        """The original and one Parquet per table, written under tmp/ and renamed into files/<fid>;
        returns the Parquet file names, in table order."""
        tmp, final = self.home / "tmp" / fid, self.home / "files" / fid
        tmp.mkdir()
        shutil.copyfile(src, tmp / f"original{Path(name).suffix.lower()}")
        progress("saving", 0.0, f"Saving tables of {name}")
        parquets = [f"t{n}.parquet" for n in range(len(parsed.tables))]
        for t, p in zip(parsed.tables, parquets, strict=True):
            _write_parquet(t.df, tmp / p)
        _fsync_dir(tmp)
        os.rename(tmp, final)
        return parquets

    def _store(self, src: Path, name: str, sha: str, parsed: ParsedFile, uploaded_by, progress: Progress) -> dict:
        fid = uuid.uuid4().hex[:16]
        with _ingest_lock(self.home, fid):
            try:
                parquets = self._write_folder(src, name, parsed, fid, progress)
                ext = Path(name).suffix.lower()
                fields = {"sha256": sha, "name": name, "ext": ext, "kind": parsed.kind, "size": src.stat().st_size,
                          "data_dir": fid, "stored_name": f"original{ext}", "uploaded_by": uploaded_by,
                          "encoding": parsed.encoding, "delimiter": parsed.delimiter}
                with self.catalog.tx() as c:
                    rep = self.catalog.report_by_sha(c, sha)
                    if rep is not None:  # another process won the race: keep theirs
                        shutil.rmtree(self.home / "files" / fid, ignore_errors=True)
                        rep["cached"] = True
                        return rep
                    file_id, sql_names = self.catalog.insert_file(c, fields, parsed, parquets)
                    rep = self._finish(c, file_id, fields, parsed, sql_names)
                progress("stored", 1.0, f"{name} is in the workspace")
            except BaseException:
                self._drop_unclaimed(fid)
                raise
        self._notify("added", file_id, progress)
        return rep

    def _finish(self, c, file_id: int, fields: dict, parsed: ParsedFile, sql_names: list[str]) -> dict:
        """Inside the write transaction: the file's report, stored, and the catalog version bumped."""
        self.catalog.bump_version(c)
        rep = report(fields, parsed, sql_names)
        rep["file_id"] = file_id
        self.catalog.write_report(c, file_id, rep)
        return rep

    def _drop_unclaimed(self, fid: str) -> None:
        shutil.rmtree(self.home / "tmp" / fid, ignore_errors=True)
        final = self.home / "files" / fid
        if final.exists() and not self.catalog.has_data_dir(fid):
            shutil.rmtree(final, ignore_errors=True)

    def _notify(self, event: str, file_id: int, progress: Progress = _noop) -> None:
        for listener in list(self.listeners):
            listener(event, file_id, progress)

    # --- a user's decisions on total rows -----------------------------------------
    def decide_row(self, table_id: int, row: int, action: str | None, by: str | None = None,
                   progress: Progress | None = None) -> dict:
        """Keep a proven total row as data ("keep"), leave a row out ("exclude"), or undo (None).

        The file's tables are derived again from its original with every decision applied, and re-indexed;
        returns the file's new report.
        """
        if action not in ("keep", "exclude", None):
            raise ValueError(f"unknown action {action!r}")
        t = self.table(table_id)
        self.catalog.set_row_decision(t.file_id, t.sheet, row, action, by)
        return self.rederive(t.file_id, progress)

    def rederive(self, file_id: int, progress: Progress | None = None) -> dict:
        """Parse a stored file again (with the user's row decisions) and swap its tables in one transaction."""
        progress = progress or _noop
        f = self.catalog.file(file_id)
        if f is None:
            raise NotFound(f"File #{file_id} is not in the workspace.")
        src = self.home / "files" / f["data_dir"] / f["stored_name"]
        parsed = self._default_parse()(src, f["name"], self.settings, progress, self.catalog.row_decisions(file_id))
        fid = uuid.uuid4().hex[:16]
        self._notify("removing", file_id)
        with _ingest_lock(self.home, fid):
            try:
                parquets = self._write_folder(src, f["name"], parsed, fid, progress)
                with self.catalog.tx() as c:
                    sql_names = self.catalog.replace_sheets(c, file_id, f["name"], fid, parsed, parquets)
                    rep = self._finish(c, file_id, {**f, "data_dir": fid}, parsed, sql_names)
            except BaseException:
                self._drop_unclaimed(fid)
                raise
        shutil.rmtree(self.home / "files" / f["data_dir"], ignore_errors=True)
        self._notify("added", file_id, progress)
        return rep

    def remove_file(self, file_id: int) -> None:
        """Remove a file and everything derived from it."""
        f = self.catalog.file(file_id)
        if f is None:
            raise NotFound(f"File #{file_id} is not in the workspace.")
        self._notify("removing", file_id)
        self.catalog.delete_file(file_id)
        shutil.rmtree(self.home / "files" / f["data_dir"], ignore_errors=True)

    def remove_all(self) -> None:
        for f in self.files():
            self.remove_file(f["id"])

    # --- reading the catalog ---------------------------------------------------
    def files(self) -> list[dict]:
        return self.catalog.files()

    def warnings(self, file_id: int | None = None) -> list[dict]:
        return self.catalog.warnings(file_id)

    def errors(self, limit: int = 50) -> list[dict]:
        return self.catalog.errors(limit)

    def version(self) -> int:
        """A number that changes whenever a file is added or removed (by any thread or process)."""
        return self.catalog.version()

    def tables(self, file_id: int | None = None) -> list[TableInfo]:
        """Every table (or one file's), read from the catalog only when it has changed."""
        v = self.version()
        cached = self._tables_cache
        if cached is None or cached[0] != v:
            cached = (v, self._read_tables())
            self._tables_cache = cached
        return [t for t in cached[1] if file_id is None or t.file_id == file_id]

    def _read_tables(self) -> list[TableInfo]:
        cols, roles = self.catalog.table_columns(), self.catalog.column_roles()
        return [replace(self._info(r, cols.get(r["id"], [])), roles=roles.get(r["id"], {}))
                for r in self.catalog.table_rows()]

    def _info(self, r, cols) -> TableInfo:
        return TableInfo(
            id=r["id"], file_id=r["file_id"], file=r["file"], sheet=r["sheet"], name=r["name"], sql_name=r["sql_name"],
            kind=r["kind"], range=r["range"], header_row=r["header_row"], rows=r["n_rows"],
            columns=tuple(c for c, _ in cols), dtypes={c: d for c, d in cols},
            parquet=self.home / "files" / r["data_dir"] / r["parquet"], title=r["title"], excluded=json.loads(r["excluded"]))

    def table(self, table_id: int) -> TableInfo:
        for t in self.tables():
            if t.id == table_id:
                return t
        raise NotFound(f"Table #{table_id} is not in the workspace.")

    def column_profiles(self, table_id: int) -> dict[str, dict]:
        return self.catalog.column_profiles(table_id)

    def table_profile(self, table_id: int) -> dict:
        p = self.catalog.table_profile(table_id)
        if p is None:
            raise NotFound(f"Table #{table_id} is not in the workspace.")
        p["column_profiles"] = self.column_profiles(table_id)
        return p

    def load_table(self, table_id: int) -> pd.DataFrame:
        return pd.read_parquet(self.table(table_id).parquet)

    def chunks(self, file_id: int | None = None) -> list[dict]:
        return self.catalog.chunks(file_id)

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.home.rglob("*") if p.is_file())


@contextmanager
def _ingest_lock(home: Path, fid: str):
    """Held while an ingest writes files/<fid>: debris collection leaves a live ingest alone."""
    lock_path = home / "tmp" / f"{fid}.lock"
    lock_fd = os.open(lock_path, os.O_CREAT | os.O_RDWR)
    fcntl.flock(lock_fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock_fd, fcntl.LOCK_UN)
        os.close(lock_fd)
        lock_path.unlink(missing_ok=True)


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(".part")
    df.to_parquet(tmp, index=False, compression="zstd")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.rename(tmp, path)


def _fsync_dir(d: Path) -> None:
    fd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ingest_paths(ws: Workspace, paths: list[Path], uploaded_by: str | None = None,
                 progress: Progress | None = None) -> list[dict]:
    """Ingest several files; a bad one gets an error report and the others go on."""
    out = []
    for p in paths:
        p = Path(p)
        try:
            out.append(ws.add_file(p, uploaded_by=uploaded_by, progress=progress))
        except ExcelChatError as e:
            out.append(error_report(p.name, e))
        except FileNotFoundError:
            out.append({"file": p.name, "sha256": None, "status": "error", "error": f"{p}: no such file.",
                        "warnings": [], "sheets": []})
    return out


def error_report(name: str, e: Exception) -> dict:
    return {"file": name, "sha256": None, "status": "error", "error": str(e), "error_type": type(e).__name__,
            "warnings": [], "sheets": []}
