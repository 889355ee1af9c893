"""Files: upload spreadsheets (live progress per file), see what was found, manage the shared library."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from core import export_csv, export_xlsx, insights_iter, rank_insights, ui
from pages import _entry
from pages._answer_view import insight_grid
from pages._guard import guard
from pages._identity import user
from pages._ingest import FILE_TYPES, show_uploads
from pages._resources import get_answerer, get_index, get_settings, get_uploads, get_workspace

_entry.ensure_app()

PREVIEW_ROWS = 5000


def uploads(ws, me) -> None:
    st.subheader("Upload")
    st.caption(f"Excel (.xlsx .xlsm .xlsb .xls), OpenDocument (.ods) and text tables (.csv .tsv .txt), up to "
               f"{get_settings().max_upload_mb:g} MB each. Everyone using this app shares the workspace.")
    gen = st.session_state.setdefault("uploader-gen", 0)
    files = st.file_uploader("Drop files here", type=FILE_TYPES, accept_multiple_files=True,
                             key=f"uploader-{gen}")
    # uploader file id -> upload job id: a file is handed to the queue once, and its job outlives the widget
    # (leave the page mid-drop and come back: the jobs, finished by the server, are still listed)
    jobs: dict = st.session_state.setdefault("upload-jobs", {})
    for f in files or []:
        fid = getattr(f, "file_id", None) or f"{f.name}:{f.size}"
        if fid not in jobs:
            jobs[fid] = get_uploads().submit(f.name, f.getvalue(), me)
    show_uploads(list(jobs.values()))
    if jobs:
        def clear():
            st.session_state["uploader-gen"] = gen + 1
            st.session_state["upload-jobs"] = {}

        st.button("Clear the upload list", on_click=clear, icon=":material/clear_all:")


def library(ws, me) -> None:
    files = ws.files()
    st.subheader(f"Library ({len(files)} file{'s' if len(files) != 1 else ''})")
    if not files:
        st.info("No files yet. Upload spreadsheets above; they are shared with everyone using this app.")
        return
    for f in files:
        with st.container(border=True):
            c1, c3, c2 = st.columns([5, 1, 1], vertical_alignment="center")
            c1.markdown(f"**{ui.safe_markdown(f['name'])}**  \n"
                        f"{ui.human_size(f['size'])} · {f['n_tables']} table(s) · {int(f['n_rows'] or 0):,} rows · "
                        f"uploaded {ui.when(f['uploaded_at'])} by {ui.safe_markdown(ui.display_user(f['uploaded_by']) or 'unknown')}")
            if c2.button("Delete", key=f"del-{f['id']}", icon=":material/delete:"):
                ws.remove_file(f["id"])
                st.toast(f"Removed {f['name']}")
                st.rerun()
            if c3.button("Summarize", key=f"sum-{f['id']}", icon=":material/insights:"):
                st.session_state[f"summary-{f['id']}"] = True
            tables = ws.tables(f["id"])
            if st.session_state.get(f"summary-{f['id']}"):
                summary(ws, f)
            with st.expander("Tables and warnings"):
                st.dataframe(
                    [{"sheet": t.sheet, "table": t.name, "range": t.range, "rows": t.rows, "columns": len(t.columns),
                      "kind": t.kind, "excluded rows": ui.excluded_text(t.excluded)} for t in tables],
                    hide_index=True, width="stretch", key=f"tables-{f['id']}")
                for w in ws.warnings(f["id"]):
                    st.warning(ui.safe_markdown(w.get("message")))
            row_decisions(ws, f, tables, me)


def summary(ws, f) -> None:
    """The file's insights, streamed as the probes find them, then the best few ranked, each with its chart
    and its SQL (the same as asking "what's interesting?" on the Chat page)."""
    key = f"summary-{f['id']}"
    found = []
    with st.status(f"Looking for what stands out in {f['name']}", expanded=True) as box:
        for ins in insights_iter(ws, get_answerer().engine, file_ids=[f["id"]]):
            found.append(ins)
            box.write(ui.safe_markdown(ins.sentence))
        ranked = rank_insights(found)
        box.update(label=f"{len(ranked)} findings in {f['name']}", state="complete", expanded=False)
    if not ranked:
        st.caption("Nothing stands out: no table of this file has enough rows or columns to summarize.")
    insight_grid([i.to_json() for i in ranked], key)
    st.button("Hide the summary", key=f"{key}-hide", on_click=lambda: st.session_state.pop(key, None))


KEEPABLE = ("total", "section heading")  # rows the app left out (a user's own exclusions are undone instead)


def row_decisions(ws, f, tables, me) -> None:
    """Rows left out as totals (with their proof) or section headings; a user can keep one as data or leave another out."""
    n_out = sum(e.get("status") != "kept" for t in tables for e in t.excluded)
    with st.expander(f"Rows left out ({n_out})"):
        if not tables:
            return
        # options by position: a table derived again after a decision gets a new id but keeps its place
        first = next((i for i, t in enumerate(tables) if t.excluded), 0)
        pick = st.selectbox("Table", range(len(tables)), index=first, key=f"decide-table-{f['id']}",
                            format_func=lambda i: ui.table_label(tables[i], with_file=False))
        t = tables[min(pick or 0, len(tables) - 1)]
        if t.excluded:
            st.dataframe(ui.row_decision_frame(t.excluded), hide_index=True, width="stretch", key=f"excl-{t.id}")
            for e in t.excluded:
                kept = e.get("status") == "kept"
                label = f"Leave row {e['row']} out again" if kept else f"Keep row {e['row']} as data"
                if st.button(label, key=f"decide-{t.id}-{e['row']}"):
                    with st.spinner(f"Updating {t.name}"):
                        ws.decide_row(t.id, e["row"], "keep" if not kept and e.get("reason") in KEEPABLE else None, by=me)
                    st.rerun()
        else:
            st.caption("No row of this table was left out: every row is data.")
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        row = c1.number_input("Leave out another row (its row number in the sheet)", min_value=1, step=1,
                              value=None, key=f"exclude-row-{t.id}")
        if c2.button("Leave it out", key=f"exclude-{t.id}", disabled=row is None):
            with st.spinner(f"Updating {t.name}"):
                ws.decide_row(t.id, int(row), "exclude", by=me)
            st.rerun()


def preview(ws) -> None:
    tables = ws.tables()
    if not tables:
        return
    st.subheader("Preview and download")
    by_id = {t.id: t for t in tables}
    tid = st.selectbox("Table", list(by_id), format_func=lambda i: ui.table_label(by_id[i]), key="preview-table")
    t = by_id.get(tid)
    if t is None:
        return
    df = ws.load_table(t.id)
    st.caption(f"{t.file}, sheet '{t.sheet}', range {t.range}"
               + (f" — showing the first {PREVIEW_ROWS:,} of {len(df):,} rows" if len(df) > PREVIEW_ROWS else ""))
    st.dataframe(df.head(PREVIEW_ROWS), width="stretch", hide_index=True, key=f"preview-{t.id}")
    stem = f"{Path(t.file).stem}-{t.name}".replace("/", "_")
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("Download CSV", data=lambda: export_csv(ws.load_table(t.id)), file_name=f"{stem}.csv",
                       mime="text/csv", icon=":material/download:", key=f"csv-{t.id}")
    c2.download_button("Download XLSX", data=lambda: export_xlsx(ws.load_table(t.id), t.name),
                       file_name=f"{stem}.xlsx", icon=":material/download:", key=f"xlsx-{t.id}",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.caption("Downloads write cells that start with = + - @ as text (prefixed with '), so no formula runs "
               "when the file is opened.")


def errors(ws) -> None:
    errs = ws.errors(20)
    if errs:
        with st.expander(f"Recent upload errors ({len(errs)})"):
            for e in errs:
                st.caption(f"{ui.when(e.get('at'))} · {ui.safe_markdown(e.get('by') or 'unknown')}")
                st.error(ui.safe_markdown(e.get("message")))


def page() -> None:
    st.title("Files")
    ws, me = get_workspace(), user()
    get_index()  # make sure the semantic index listens before anything is uploaded
    uploads(ws, me)
    library(ws, me)
    preview(ws)
    errors(ws)


guard(page)
