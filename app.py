"""Excel Chat: the Streamlit entry point. Shared sidebar and navigation; the pages live in pages/."""
import streamlit as st

st.set_page_config(page_title="Excel Chat", page_icon=":bar_chart:", layout="wide")

from core import ui  # noqa: E402
from pages import _shared as sh  # noqa: E402

sh.through_app(entry=True)


def sidebar():
    """Title, who you are and the LLM badge; returns a slot for the workspace stats (filled after the page
    ran, so an upload on this run is counted)."""
    with st.sidebar:
        st.markdown("### :material/table_chart: Excel Chat")
        identity = sh.identity_sidebar()
        st.session_state["identity"] = identity
        stats = st.empty()
        status = sh.pipeline().llm_status()
        if status.get("ok"):
            st.success(f"LLM online: {status.get('model') or sh.current_model()}", icon=":material/check_circle:")
        else:
            st.warning("LLM off — answers are computed without it", icon=":material/cloud_off:")
            st.caption(ui.safe_markdown(status.get("detail") or ""))
    return stats


def workspace_stats(slot) -> None:
    ws = sh.get_workspace()
    files = ws.files()
    slot.caption(f"Workspace: {len(files)} file(s), {sum(f['n_rows'] or 0 for f in files):,} rows, "
                 f"{ui.human_size(ws.size_bytes())} on disk")


def main() -> None:
    pages = [
        st.Page("pages/chat.py", title="Chat", icon=":material/chat:", default=True),
        st.Page("pages/files.py", title="Files", icon=":material/upload_file:"),
        st.Page("pages/explore.py", title="Explore", icon=":material/query_stats:"),
        st.Page("pages/settings.py", title="Settings", icon=":material/settings:"),
    ]
    nav = st.navigation(pages)
    slot = None

    def side():
        nonlocal slot
        slot = sidebar()

    sh.guard(side)
    if sh.auth_configured() and not st.session_state.get("identity"):
        st.title("Excel Chat")
        st.info("Log in (in the sidebar) to use Excel Chat.")
        st.stop()
    nav.run()
    if slot is not None:
        sh.guard(lambda: workspace_stats(slot))


main()
