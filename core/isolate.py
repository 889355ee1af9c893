"""Isolated parsing: run `parse_file` in a child process with memory and CPU limits.

Readers are native code (calamine is Rust, pandas' CSV parser is C) fed with untrusted bytes. A
crafted or damaged file can make them allocate tens of GB, spin for ever, or panic. The child:

* is forked from a single-threaded forkserver that has already imported `core.ingest` (the parent
  has threads, so plain fork is unsafe; spawn would re-import pandas on every file);
* sets RLIMIT_AS (settings.parse_memory_mb), RLIMIT_CPU (about settings.parse_timeout_s) and no core
  dumps before it touches the file;
* writes its result (a pickled ParsedFile, or a typed error) to a file under <home>/tmp/<job>/,
  never through a pipe, so a large result cannot deadlock;
* exits by itself when the parent dies (a watchdog thread polls the parent's pid).

The parent waits with a wall-clock timeout, kills the child if it is late, and turns every way a
child can end (killed, timed out, out of memory, crashed, panicked) into a typed FileError naming the
file. While the job runs, <home>/tmp/<job>.lock is held so `Workspace.collect_debris` in another
process leaves the job folder alone.
"""
from __future__ import annotations

import fcntl
import io
import math
import multiprocessing
import os
import pickle
import shutil
import signal
import threading
import time
import uuid
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.context import ForkServerProcess, set_spawning_popen
from pathlib import Path

from . import errors as _errors
from .config import Settings
from .errors import CorruptFile, ExcelChatError, FileError, FileLimitExceeded

RESULT = "result.pkl"
_CTX = None
_CTX_GUARD = threading.Lock()
# extra seconds over parse_timeout_s before the parent kills the child (start-up, writing the result)
GRACE_S = 5.0


def _context():
    """The forkserver context, with core.ingest preloaded in the server (imported once, forked per file)."""
    global _CTX
    with _CTX_GUARD:
        if _CTX is None:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            ctx = multiprocessing.get_context(method)
            if method == "forkserver":
                ctx.set_forkserver_preload(["core.isolate", "core.ingest"])
            _CTX = ctx
        return _CTX


class _Popen(popen_forkserver.Popen):
    """popen_forkserver.Popen without the __main__ fix-up.

    multiprocessing normally re-runs the parent's main script (streamlit's launcher, pytest, a user's
    script) in every child; ours needs only core.ingest, which the server has already imported.
    """

    def _launch(self, process_obj):  # copied from Python 3.11's popen_forkserver, two lines added
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_name", None)
        prep_data.pop("init_main_from_path", None)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _IsolatedProcess(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)


def _process_class():
    return _IsolatedProcess if _context().get_start_method() == "forkserver" else _context().Process


def _no_progress(stage: str, frac: float, msg: str) -> None:
    pass


# --- messages ----------------------------------------------------------------
def _unsafe(name: str, why: str) -> str:
    return (f"{name}: the file could not be read safely: {why}. "
            "The file may be damaged or crafted; open it in Excel and save it again.")


def memory_error(name: str, settings: Settings) -> FileLimitExceeded:
    return FileLimitExceeded(
        _unsafe(name, f"it needed more than {settings.parse_memory_mb:,} MB of memory "
                      "(raise EXCELCHAT_PARSE_MEMORY_MB if the file is genuinely that large)"), file=name)


def timeout_error(name: str, settings: Settings) -> FileLimitExceeded:
    return FileLimitExceeded(
        _unsafe(name, f"it took longer than {settings.parse_timeout_s:g} s to read "
                      "(raise EXCELCHAT_PARSE_TIMEOUT if the file is genuinely that large)"), file=name)


def crash_error(name: str, detail: str) -> CorruptFile:
    return CorruptFile(_unsafe(name, f"it made the reader crash ({detail})"), file=name)


# --- the child -----------------------------------------------------------------
def _set_limits(settings: Settings) -> None:
    import resource

    mem = int(settings.parse_memory_mb) * 1024 * 1024
    if mem > 0:
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    cpu = max(1, int(math.ceil(settings.parse_timeout_s)) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _watch_parent(parent_pid: int) -> None:
    def run():
        while True:
            time.sleep(0.5)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(3)
            except PermissionError:  # pid reused by someone else: the parent is gone
                os._exit(3)

    threading.Thread(target=run, name="parent-watchdog", daemon=True).start()


def _write(out: str, payload) -> None:
    tmp = out + ".part"
    with open(tmp, "wb") as fh:
        pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.rename(tmp, out)


def _child(path: str, name: str, settings: Settings, out: str, parent_pid: int, streaming: bool = False,
           decisions: dict | None = None) -> None:
    """Entry point in the child process; never raises (the outcome goes to `out`)."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        os.environ["RUST_BACKTRACE"] = "0"  # a crash is reported to the parent, not as a page of stderr
        _watch_parent(parent_pid)
        _set_limits(settings)
        from . import readers
        from .ingest import parse_file

        if streaming:  # this process only: a retry after the fast reader crashed
            readers.PREFER_STREAMING = True

        payload = ("ok", parse_file(Path(path), name, settings, None, decisions))
    except MemoryError:
        payload = ("memory", None)
    except FileError as e:
        payload = ("error", (type(e).__name__, str(e)))
    except ExcelChatError as e:
        payload = ("crash", f"{type(e).__name__}: {str(e)[:300]}")
    except BaseException as e:  # noqa: BLE001 - pyo3 PanicException is a BaseException
        payload = ("crash", f"{type(e).__name__}: {str(e)[:300]}")
    try:
        _write(out, payload)
    except MemoryError:
        payload = None
        _write(out, ("memory", None))
    except BaseException as e:  # noqa: BLE001
        try:
            _write(out, ("crash", f"could not write the result: {type(e).__name__}"))
        except BaseException:  # noqa: BLE001
            os._exit(4)


# --- the parent ----------------------------------------------------------------
def _rebuild_error(name: str, cls_name: str, message: str) -> FileError:
    cls = getattr(_errors, cls_name, None)
    if not (isinstance(cls, type) and issubclass(cls, FileError)):
        cls = CorruptFile
    return cls(message, file=name)


# xlsx: calamine's bounding box; CSV: pyarrow aborts (SIGABRT, no exception) when an allocation fails under
# the memory limit, and the grid path then either reads the file or runs out of memory as a MemoryError
STREAMING_RETRY_EXTS = {".xlsx", ".xlsm", ".xltx", ".xltm", ".csv", ".tsv", ".txt"}


def parse_isolated(path: Path | str, name: str, settings: Settings, progress=None, decisions=None, *, _target=None):
    """`parse_file` in a child process with resource limits; returns the ParsedFile or raises a typed FileError.

    When the fast reader crashes or runs out of memory on an xlsx (calamine allocates the bounding box
    of all cells, so one stray cell at XFD1048576 is a 500 GB allocation), the file is tried once more
    with the streaming reader (openpyxl read-only), which either reads it or says what is wrong; a CSV
    is tried once more through the grid path instead of pyarrow's columns.
    `_target` (tests only) replaces the child's entry point; it gets the same arguments as `_child`.
    """
    progress = progress or _no_progress
    progress("reading", 0.0, f"Reading {name}")
    try:
        parsed = _run_child(path, name, settings, _target or _child, streaming=False, decisions=decisions)
    except _Crashed as e:
        if _target is not None or Path(name).suffix.lower() not in STREAMING_RETRY_EXTS:
            raise e.error from None
        progress("reading", 0.0, f"Reading {name} again with the streaming reader")
        try:
            parsed = _run_child(path, name, settings, _child, streaming=True, decisions=decisions)
        except _Crashed as again:  # the memory limit, when the retry says so, is the clearer of the two
            raise (again.error if isinstance(again.error, FileLimitExceeded) else e.error) from None
    progress("parsed", 1.0, f"Parsed {name}")
    return parsed


class _Crashed(Exception):
    """The child crashed or ran out of memory (not a timeout): `error` is what the user should see."""

    def __init__(self, error: FileError):
        super().__init__(str(error))
        self.error = error


def _run_child(path, name: str, settings: Settings, target, *, streaming: bool, decisions=None):
    tmp_root = Path(settings.home).resolve() / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    job = f"parse-{uuid.uuid4().hex[:16]}"
    lock_path = tmp_root / f"{job}.lock"
    lock_fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(lock_fd, fcntl.LOCK_EX)
    work = tmp_root / job
    proc = None
    try:
        work.mkdir()
        out = work / RESULT
        args = (str(Path(path).resolve()), name, settings, str(out), os.getpid())
        if streaming or decisions:
            args += (streaming,) + ((decisions,) if decisions else ())
        proc = _process_class()(target=target, args=args, name=f"excelchat-parse-{job}", daemon=True)
        proc.start()
        proc.join(settings.parse_timeout_s + GRACE_S)
        if proc.is_alive():
            proc.kill()
            proc.join(10)
            raise timeout_error(name, settings)
        code = proc.exitcode
        if not out.exists():
            if code is not None and code < 0:
                sig = -code
                if sig in (signal.SIGXCPU,):
                    raise timeout_error(name, settings)
                if sig == signal.SIGKILL:  # the kernel's OOM killer, or someone else
                    raise _Crashed(memory_error(name, settings))
                raise _Crashed(crash_error(name, f"killed by signal {signal.Signals(sig).name}"))
            raise _Crashed(crash_error(name, f"the reader process exited with code {code}"))
        limit = max(64, int(settings.parse_memory_mb)) * 1024 * 1024
        if out.stat().st_size > limit:
            raise FileLimitExceeded(_unsafe(name, "its parsed tables are larger than the memory limit"), file=name)
        with open(out, "rb") as fh:
            kind, value = pickle.load(fh)
        if kind == "ok":
            return value
        if kind == "memory":
            raise _Crashed(memory_error(name, settings))
        if kind == "error":
            raise _rebuild_error(name, *value)
        raise _Crashed(crash_error(name, str(value)))
    finally:
        if proc is not None:
            if proc.is_alive():
                proc.kill()
                proc.join(5)
            try:
                proc.close()
            except ValueError:
                pass
        shutil.rmtree(work, ignore_errors=True)
        fcntl.flock(lock_fd, fcntl.LOCK_UN)
        os.close(lock_fd)
        lock_path.unlink(missing_ok=True)


def warm_up() -> None:
    """Start the forkserver now (it imports pandas once) so the first upload is not slower."""
    ctx = _context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
