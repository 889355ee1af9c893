"""The background indexer: embeds stored files after `Workspace.add_file` has returned.

One `Indexer` per `SemanticIndex` (so one per workspace in the app): a queue of file ids and a daemon
thread that runs while the queue is not empty (it ends when the queue is empty and starts again on the next
submit, so an idle index holds no thread). A file is answerable by SQL as soon as it is stored; it joins
search and routing when its embedding is written. `status()` tells the pages what is pending, how far the
current file is and which files failed to index (with the reason); `wait_idle()` lets the CLI, benchmarks
and tests wait for the index to be complete.
"""
from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
_LIVE: weakref.WeakSet = weakref.WeakSet()  # every Indexer, stopped at interpreter exit
STOP_WAIT_S = 10.0


class Cancelled(Exception):
    """The file was removed (or derived again) while it was being embedded."""


@dataclass(frozen=True)
class IndexingStatus:
    """What the background indexer is doing: files waiting (the one embedded now first), chunk counts over
    those files, and files that could not be indexed with the reason."""

    pending: tuple[str, ...] = ()
    current: str | None = None
    chunks_done: int = 0
    chunks_total: int = 0
    failed: tuple[tuple[str, str], ...] = ()

    @property
    def busy(self) -> bool:
        return bool(self.pending)


@dataclass
class _Job:
    file_id: int
    name: str
    chunks: int  # 0 until the index has made the file's chunks
    describe: Callable = field(repr=False, default=lambda _fid: None)
    done: int = 0
    cancelled: bool = False

    def progress(self, stage: str, fraction: float, message: str) -> None:
        """The index's progress callback: counts chunks, and stops the work of a removed file early."""
        if self.cancelled:
            raise Cancelled(self.name)
        if stage == "embedding":
            if not self.chunks:
                self.recount()
            self.done = min(self.chunks, int(float(fraction or 0) * self.chunks))

    def recount(self) -> None:
        described = self.describe(self.file_id)
        self.chunks = described[1] if described else 0


class Indexer:
    """A queue of files to index and the thread that works through it.

    build(file_id, progress) indexes one file; describe(file_id) gives (name, chunk count) or None when the
    file is gone."""

    def __init__(self, build: Callable, describe: Callable[[int], tuple[str, int] | None]):
        self._build, self._describe = build, describe
        self._cv = threading.Condition()
        self._queue: dict[int, _Job] = {}  # insertion order is the work order
        self._current: _Job | None = None
        self._failed: dict[int, tuple[str, str]] = {}
        self._thread: threading.Thread | None = None
        _LIVE.add(self)

    def submit(self, file_id: int, retry: bool = True) -> None:
        """Queue a file (again); retry=False leaves a file that failed alone (a search must not loop on it)."""
        with self._cv:
            if not retry and (file_id in self._failed or file_id in self._queue
                              or (self._current is not None and self._current.file_id == file_id)):
                return
        described = self._describe(file_id)
        if described is None:
            return
        with self._cv:
            self._failed.pop(file_id, None)
            self._queue[file_id] = _Job(file_id, *described, describe=self._describe)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="excelchat-indexer", daemon=True)
                self._thread.start()
            self._cv.notify_all()

    def cancel(self, file_id: int) -> None:
        """Forget a file being removed: out of the queue, its running embedding stopped, its failure dropped."""
        with self._cv:
            self._queue.pop(file_id, None)
            self._failed.pop(file_id, None)
            if self._current is not None and self._current.file_id == file_id:
                self._current.cancelled = True

    def record_failure(self, file_id: int, reason: str) -> None:
        """A file that could not be indexed outside the worker (an upload indexed in place)."""
        described = self._describe(file_id)
        if described is not None:
            with self._cv:
                self._failed[file_id] = (described[0], reason)

    def indexed(self, file_id: int) -> None:
        """The file was indexed (by whoever): an earlier failure no longer stands."""
        with self._cv:
            self._failed.pop(file_id, None)

    def _next(self) -> _Job | None:
        with self._cv:
            if not self._queue:
                self._thread = None
                self._cv.notify_all()
                return None
            job = self._queue.pop(next(iter(self._queue)))
            self._current = job
            return job

    def _run(self) -> None:
        while (job := self._next()) is not None:
            try:
                self._build(job.file_id, job.progress)
            except Cancelled:
                pass
            except Exception as e:  # the file stays answerable by SQL; the status names it and why
                if _interpreter_exiting(e):  # a stop (SIGTERM) came while the model was loading: not a failure
                    log.info("indexing %s stopped: the server is shutting down", job.name)
                    continue
                log.exception("indexing %s failed", job.name)
                with self._cv:
                    if not job.cancelled:
                        self._failed[job.file_id] = (job.name, str(e) or type(e).__name__)
            finally:
                with self._cv:
                    self._current = None
                    self._cv.notify_all()

    def stop(self, timeout: float = STOP_WAIT_S) -> bool:
        """Drop the queue and stop the running embedding at its next batch; False if it did not end in time.
        (A daemon thread still inside ONNX Runtime when the interpreter exits aborts with a C++ message.)"""
        with self._cv:
            self._queue.clear()
            if self._current is not None:
                self._current.cancelled = True
        return self.wait_idle(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or being embedded; False when the timeout came first."""
        with self._cv:
            return self._cv.wait_for(lambda: not self._queue and self._current is None and self._thread is None,
                                     timeout)

    def status(self) -> IndexingStatus:
        with self._cv:
            jobs = ([self._current] if self._current is not None else []) + list(self._queue.values())
            return IndexingStatus(
                pending=tuple(j.name for j in jobs),
                current=self._current.name if self._current is not None else None,
                chunks_done=sum(j.done for j in jobs), chunks_total=sum(j.chunks for j in jobs),
                failed=tuple(sorted(self._failed.values())))


def _interpreter_exiting(e: Exception) -> bool:
    """The error is Python refusing new threads or executors because the interpreter has begun to exit (threading's
    shutdown runs before atexit's `_stop_all`, so a model load started just then fails this way)."""
    return isinstance(e, RuntimeError) and ("after shutdown" in str(e) or "interpreter shutdown" in str(e))


@atexit.register
def _stop_all() -> None:
    for indexer in list(_LIVE):
        indexer.stop()
