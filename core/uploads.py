"""Uploads processed server-side: a page hands over the bytes and polls; a worker thread stores them.

One `Uploads` per workspace (in the app, one per server process). Its daemon thread runs
`Workspace.add_bytes` for each job in turn, so a drop of several files is stored completely even when the
visitor leaves the page or the session's script is rerun; the page only reads `jobs(ids)` to show progress.
The thread ends when the queue is empty and starts again on the next submit.
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, replace

from .errors import ExcelChatError

log = logging.getLogger(__name__)

KEEP_JOBS = 500  # finished jobs remembered (their reports), oldest forgotten first


@dataclass(frozen=True)
class UploadJob:
    """One upload: queued, then the stage, fraction and message of its ingest, then its report."""

    id: str
    name: str
    stage: str = "queued"
    fraction: float = 0.0
    message: str = "Waiting for the files before it"
    report: dict | None = None

    @property
    def done(self) -> bool:
        return self.report is not None

    @property
    def failed(self) -> bool:
        return self.report is not None and self.report.get("status") == "error"


class Uploads:
    """The upload queue of one workspace: submit(name, data) -> job id; jobs(ids) -> their state."""

    def __init__(self, ws):
        self.ws = ws
        self._cv = threading.Condition()
        self._jobs: OrderedDict[str, UploadJob] = OrderedDict()
        self._data: dict[str, tuple[bytes, str | None]] = {}  # bytes held only until the job runs
        self._thread: threading.Thread | None = None

    def submit(self, name: str, data: bytes, uploaded_by: str | None = None) -> str:
        """Queue one upload; returns its job id at once."""
        jid = uuid.uuid4().hex[:12]
        with self._cv:
            self._jobs[jid] = UploadJob(jid, name)
            self._data[jid] = (data, uploaded_by)
            while len(self._jobs) > KEEP_JOBS and next(iter(self._jobs)) not in self._data:
                self._jobs.popitem(last=False)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="excelchat-uploads", daemon=True)
                self._thread.start()
        return jid

    def jobs(self, ids) -> list[UploadJob]:
        """The state of these jobs, in the order given (ids no longer known are left out)."""
        with self._cv:
            return [self._jobs[i] for i in ids if i in self._jobs]

    def wait(self, ids, timeout: float | None = None) -> bool:
        """Block until these jobs are done; False when the timeout came first."""
        with self._cv:
            return self._cv.wait_for(lambda: all(j.done for j in self.jobs(ids)), timeout)

    def _update(self, jid: str, **changes) -> None:
        with self._cv:
            if jid in self._jobs:
                self._jobs[jid] = replace(self._jobs[jid], **changes)
            self._cv.notify_all()

    def _next(self) -> tuple[str, bytes, str | None] | None:
        with self._cv:
            if not self._data:
                self._thread = None
                return None
            jid = next(iter(self._data))
            data, by = self._data.pop(jid)
            return jid, data, by

    def _run(self) -> None:
        while (job := self._next()) is not None:
            jid, data, by = job
            name = self._jobs[jid].name
            self._update(jid, stage="reading", message=f"Reading {name}")
            self._update(jid, report=self._ingest(jid, name, data, by), stage="done", fraction=1.0)

    def _ingest(self, jid: str, name: str, data: bytes, by: str | None) -> dict:
        """The report of one upload (an error report naming the file when it could not be stored)."""
        from .workspace import error_report

        def progress(stage: str, fraction: float, message: str) -> None:
            self._update(jid, stage=stage, fraction=min(max(float(fraction or 0), 0.0), 1.0), message=message)

        try:
            return self.ws.add_bytes(name, data, uploaded_by=by, progress=progress)
        except ExcelChatError as e:
            return error_report(name, e)
        except Exception as e:  # the worker goes on with the next file; the log has the trace
            log.exception("ingesting %s failed", name)
            rep = error_report(name, e)
            rep["error"] = f"{name}: could not be loaded because of an unexpected error ({type(e).__name__}); it was logged."
            return rep
