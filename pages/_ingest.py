"""Ingest an upload with live progress (st.status + st.progress) and show its report."""
from __future__ import annotations

import logging

import streamlit as st

from core import ExcelChatError, Workspace, error_report, ui

log = logging.getLogger("excelchat.ui")

FILE_TYPES = ["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv", "txt"]


def ingest_upload(ws: Workspace, name: str, data: bytes, uploaded_by: str | None) -> dict:
    """Ingest one upload inside an st.status that follows the progress callback; returns its report
    (an error report when it failed, shown as st.error naming the file)."""
    with st.status(f"Loading {name}…", expanded=True) as box:
        bar = st.progress(0.0, text=f"Reading {name}")

        def progress(stage: str, fraction: float, message: str) -> None:
            try:
                box.update(label=f"{name}: {message}")
                bar.progress(min(max(float(fraction or 0), 0.0), 1.0), text=message)
            except Exception:  # a callback from another thread has no script context: skip the update
                pass

        try:
            rep = ws.add_bytes(name, data, uploaded_by=uploaded_by, progress=progress)
        except ExcelChatError as e:
            rep = error_report(name, e)
        except Exception as e:
            log.exception("ingesting %s failed", name)
            rep = error_report(name, e)
            rep["error"] = f"{name}: could not be loaded because of an unexpected error ({type(e).__name__}); it was logged."
        bar.empty()
        show_report(rep)
        box.update(label=report_label(name, rep), state="error" if rep.get("status") == "error" else "complete",
                   expanded=rep.get("status") == "error")
    return rep


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
