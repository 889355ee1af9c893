"""Background work shown on every page: the semantic index's progress and the files it could not index."""
from __future__ import annotations

import streamlit as st

from core import ui
from pages._resources import get_index

POLL_S = 1.5  # seconds between two looks at the indexer while it works


def index_progress() -> None:
    """The app's semantic index, followed in the sidebar (see show_index_status)."""
    idx = get_index()
    if idx is not None:
        show_index_status(idx)


def show_index_status(idx) -> None:
    """Files being indexed with a chunk count (polled in a fragment while the indexer works), and each file
    that could not be indexed, named with the reason."""
    busy = idx.indexing_status().busy
    st.fragment(run_every=POLL_S if busy else None)(_index_box)(idx)


def _index_box(idx) -> None:
    status = idx.indexing_status()
    text = ui.indexing_text(status)
    if text:
        done = status.chunks_done / status.chunks_total if status.chunks_total else 0.0
        st.progress(min(max(done, 0.0), 1.0), text=ui.safe_markdown(text))
        st.caption("Answers are exact already; search catches up as files are indexed.")
    for message in ui.indexing_failures(status):
        st.warning(ui.safe_markdown(message), icon=":material/error:")
