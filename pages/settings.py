"""Settings: the local model, the search index, limits (read-only, set by environment variables), maintenance."""
from __future__ import annotations

import streamlit as st

from core import SETTINGS, LLMError, ui
from pages import _entry
from pages._guard import guard
from pages._resources import (
    current_model,
    get_index,
    get_llm,
    get_settings,
    get_workspace,
)

_entry.ensure_app()

def llm_section(s) -> None:
    st.subheader("Language model (Ollama)")
    st.caption("The model only writes the explanation and helps plan unusual questions; every number comes from SQL.")
    c1, c2 = st.columns(2)
    c1.text_input("Ollama host", value=s.ollama_base_url, disabled=True, key="set-host",
                  help="Set with the OLLAMA_HOST environment variable when starting the app.")
    if not s.llm_enabled:
        c2.text_input("Model", value=s.ollama_model, disabled=True, key="set-model-off")
        st.info("The language model is switched off (EXCELCHAT_LLM=0): answers are computed and described without it.")
        return
    llm = get_llm(current_model())
    models: list[str] = []
    if llm is not None:
        try:
            models = llm.models()
        except LLMError as e:
            st.warning(ui.safe_markdown(str(e)))
    current = current_model()
    if models:
        options = sorted(set(models) | {current})
        choice = c2.selectbox("Model", options, index=options.index(current), key="set-model",
                              help="Used for your session. The default for everyone is EXCELCHAT_MODEL.")
        if choice != current:
            st.session_state["model"] = choice
            st.rerun()
    else:
        c2.text_input("Model", value=current, disabled=True, key="set-model-none",
                      help="No installed models could be listed; the default comes from EXCELCHAT_MODEL.")
    if st.button("Test connection", icon=":material/network_check:"):
        h = llm.health() if llm is not None else {"ok": False, "detail": "No Ollama client could be created."}
        (st.success if h.get("ok") else st.error)(ui.safe_markdown(h.get("detail") or ""))


def index_section(s) -> None:
    st.subheader("Search index")
    st.text_input("Embedding model", value=s.embed_model, disabled=True, key="set-embed",
                  help="Set with EXCELCHAT_EMBED_MODEL. It finds the rows and values related to a question for the LLM.")
    idx = get_index()
    if idx is None:
        st.caption("The semantic index is off (EXCELCHAT_INDEX=0 or not available); answers are exact without it.")
        return
    files, indexed = get_workspace().files(), idx.indexed_file_ids()
    st.caption(f"{len(indexed & {f['id'] for f in files})} of {len(files)} file(s) indexed.")
    for line in ui.unindexed_lines(files, indexed, idx.indexing_status()):
        st.caption(ui.safe_markdown(line))
    if st.button("Re-index all files", icon=":material/refresh:"):
        idx.rebuild_in_background()
        st.rerun()  # the sidebar follows the worker from the next run on


def shown(v) -> str:
    """A setting's value for the table: thousands separators, yes/no for flags."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:g}" if isinstance(v, float) else str(v)


def limits_section(s) -> None:
    st.subheader("Limits")
    st.caption("Every setting, read-only here: set them with environment variables before starting the app "
               "(see README). The upload size is also capped by `server.maxUploadSize` in .streamlit/config.toml.")
    st.dataframe([{"setting": d.help, "value": shown(d.shown_value(s)), "environment variable": d.env_label}
                  for d in SETTINGS], hide_index=True, width="stretch", key="set-limits",
                 height=36 * (len(SETTINGS) + 1) + 3)


def maintenance_section() -> None:
    ws = get_workspace()
    st.subheader("Workspace")
    files = ws.files()
    st.caption(f"{len(files)} file(s), {ui.human_size(ws.size_bytes())} on disk at {ws.home}")
    sure = st.checkbox("I understand that this removes every file for everyone using this app", key="set-sure")
    if st.button("Remove all files", icon=":material/delete_forever:", type="primary", disabled=not sure or not files):
        ws.remove_all()
        st.session_state["upload-jobs"] = {}
        st.success("All files were removed.")


def page() -> None:
    st.title("Settings")
    s = get_settings()
    llm_section(s)
    index_section(s)
    limits_section(s)
    maintenance_section()


guard(page)
