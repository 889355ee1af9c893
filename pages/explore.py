"""Explore: a table's profile, automatic charts and a filterable preview."""
from __future__ import annotations

import streamlit as st

from core import explore_charts, ui
from pages import _entry
from pages._answer_view import number_columns
from pages._guard import guard
from pages._resources import get_workspace

_entry.ensure_app()


@st.cache_data(show_spinner="Drawing charts…", max_entries=16)
def _charts(table_id: int, parquet: str, _ws):
    roles = _ws.table(table_id).roles or ui.roles_from_profile(_ws.table_profile(table_id))
    return explore_charts(_ws.load_table(table_id), roles=roles)


def page() -> None:
    st.title("Explore")
    ws = get_workspace()
    files = ws.files()
    if not files:
        st.info("No files yet. Upload spreadsheets on the **Files** page.")
        return
    names = {f["id"]: f["name"] for f in files}
    c1, c2 = st.columns(2)
    fid = c1.selectbox("File", list(names), format_func=lambda i: names[i], key="explore-file")
    tables = {t.id: t for t in ws.tables(fid)}
    if not tables:
        st.info(f"{names[fid]} has no tables.")
        return
    tid = c2.selectbox("Table", list(tables), format_func=lambda i: ui.table_label(tables[i], with_file=False), key=f"explore-table-{fid}")
    t = tables[tid]
    df = ws.load_table(t.id)
    st.caption(f"Sheet '{t.sheet}', range {t.range}: {t.rows:,} rows × {len(t.columns)} columns ({t.kind} table)")

    st.subheader("Profile")
    prof = ui.profile_frame(ws.table_profile(t.id), t.roles)  # roles guessed from the profile when not stored
    wide = {c: st.column_config.TextColumn(width="medium") for c in ("min", "max", "mean", "sum") if c in prof.columns}
    st.dataframe(prof, hide_index=True, width="stretch", key=f"profile-{t.id}", column_config=wide,
                 height=min(36 * (len(prof) + 1) + 3, 640))

    st.subheader("Charts")
    charts = _charts(t.id, str(t.parquet), ws)
    if not charts:
        st.caption("No automatic chart fits this table.")
    cols = st.columns(2)
    for i, (spec, fig) in enumerate(charts):
        with cols[i % 2]:
            st.plotly_chart(fig, width="stretch", key=f"explore-{t.id}-{i}", config={"displaylogo": False})
            if spec.reasoning:
                st.caption(ui.safe_markdown(spec.reasoning))

    st.subheader("Rows")
    f1, f2 = st.columns([1, 2])
    col = f1.selectbox("Filter column", ["(no filter)"] + [str(c) for c in df.columns], key=f"filter-col-{t.id}")
    val = f2.text_input("contains", key=f"filter-val-{t.id}", placeholder="text to look for (case-insensitive)")
    shown = ui.filter_frame(df, None if col == "(no filter)" else col, val)
    st.caption(f"{len(shown):,} of {len(df):,} rows")
    shown = ui.display_frame(shown.head(5000))  # dates at midnight without 00:00:00
    st.dataframe(shown, width="stretch", hide_index=True, key=f"rows-{t.id}",
                 column_config=number_columns(shown, t.roles))  # ratios as %, money with cents


guard(page)
