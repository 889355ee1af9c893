"""Uploads: handed to the core's upload queue, their progress polled, their reports shown."""
from __future__ import annotations

import streamlit as st

from core import ui
from pages._resources import get_uploads

POLL_S = 1.0  # seconds between two looks at the upload queue

FILE_TYPES = ["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv", "txt"]


def ingest_uploads(files, uploaded_by: str | None) -> list[dict]:
    """Hand dropped files to the workspace's upload queue and wait for their reports, with live progress.

    The queue's thread stores them: leaving the page mid-drop stops only this display, not the ingest."""
    q = get_uploads()
    ids = [q.submit(f.name, f.getvalue(), uploaded_by) for f in files]
    # listed on the Files page too: a visitor who leaves the chat mid-drop finds the reports there
    st.session_state.setdefault("upload-jobs", {}).update({f"chat-{i}": i for i in ids})
    with st.status(f"Loading {len(ids)} file(s)…", expanded=True) as box:
        bar = st.progress(0.0)
        while not q.wait(ids, timeout=POLL_S / 3):
            jobs = q.jobs(ids)
            running = next((j for j in jobs if not j.done), None)
            if running is not None:
                bar.progress(sum(j.fraction for j in jobs) / max(1, len(jobs)), text=ui.upload_text(running))
        bar.empty()
        jobs = q.jobs(ids)
        for j in jobs:
            show_report(j.report)
        failed = [j for j in jobs if j.failed]
        box.update(label="; ".join(report_label(j.name, j.report) for j in jobs),
                   state="error" if failed else "complete", expanded=bool(failed))
    return [j.report for j in jobs]


def show_uploads(ids: list[str]) -> None:
    """The uploads of this session: progress while the queue works on them (polled), then their reports."""
    if not ids:
        return
    busy = not all(j.done for j in get_uploads().jobs(ids))
    st.fragment(run_every=POLL_S if busy else None)(_upload_boxes)(ids, busy)


def _upload_boxes(ids: list[str], was_busy: bool) -> None:
    jobs = get_uploads().jobs(ids)
    for j in jobs:
        if j.done:
            show_report_box(j.name, j.report)
        else:
            st.progress(j.fraction, text=ui.safe_markdown(ui.upload_text(j)))
    if was_busy and all(j.done for j in jobs):
        st.rerun()  # the whole page again: the library lists the new files


def report_label(name: str, rep: dict) -> str:
    if rep.get("status") == "error":
        return f"{name}: could not be loaded"
    tables = ui.report_tables(rep)
    what = f"{len(tables)} table(s), {int(tables['rows'].fillna(0).sum()):,} rows" if len(tables) else "no tables"
    return f"{name}: {'already in the workspace' if rep.get('cached') else 'loaded'} — {what}"


def show_report(rep: dict) -> None:
    """Sheets, tables, rows, excluded rows and warnings of an ingest report (or its error)."""
    if rep.get("status") == "error":
        st.error(rep.get("error") or f"{rep.get('file')}: could not be loaded.")
        return
    tables = ui.report_tables(rep)
    if len(tables):
        st.dataframe(tables, hide_index=True, width="stretch")
    else:
        st.info(f"{rep.get('file')}: no tables were found.")
    for w in rep.get("warnings") or []:
        st.warning(ui.safe_markdown(w))


def show_report_box(name: str, rep: dict) -> None:
    """A finished ingest, shown again on later reruns (no second ingest)."""
    with st.status(report_label(name, rep), state="error" if rep.get("status") == "error" else "complete",
                   expanded=rep.get("status") == "error"):
        show_report(rep)
