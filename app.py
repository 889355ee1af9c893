"""Excel Chat: the Streamlit entry point. Shared sidebar and navigation; the pages live in pages/."""
import streamlit as st

st.set_page_config(page_title="Excel Chat", page_icon=":bar_chart:", layout="wide")

from core import ui  # noqa: E402
from pages import _entry, _identity, _progress, _resources  # noqa: E402
from pages._guard import guard  # noqa: E402

# Why the sidebar lists the pages with st.page_link and st.navigation's own menu is hidden
# ([client] showSidebarNavigation = false in .streamlit/config.toml):
# with pages/ beside app.py, Streamlit (1.67, runtime/pages_manager.py) starts every server in its legacy
# "pages directory" mode. The first script run after a start then goes through script_runner._mpa_v1, which
# sends a navigation menu built from every pages/*.py file (app, chat, explore, files, settings and the
# helper modules) before app.py's st.navigation sends ours; only then is the legacy mode off for the process.
# showSidebarNavigation = false hides both menus (the legacy one and st.navigation's), so no visitor ever
# sees a wrong list; the four links below are drawn by this script alone, from the same st.Page objects
# that st.navigation registered. A page file run directly by that legacy mode (a cold /files, or
# AppTest.switch_page) runs app.py first: see pages/_entry.py.


def app_pages() -> list:
    return [
        st.Page("pages/chat.py", title="Chat", icon=":material/chat:", default=True),
        st.Page("pages/files.py", title="Files", icon=":material/upload_file:"),
        st.Page("pages/explore.py", title="Explore", icon=":material/query_stats:"),
        st.Page("pages/settings.py", title="Settings", icon=":material/settings:"),
    ]


def sidebar(pages: list):
    """Title, the page links, who you are and the LLM badge; returns a slot for the workspace stats (filled
    after the page ran, so an upload on this run is counted)."""
    with st.sidebar:
        st.markdown("### :material/table_chart: Excel Chat")
        with st.container(key="app-nav"):
            for page in pages:
                st.page_link(page)
        identity = _identity.identity_sidebar()
        st.session_state["identity"] = identity
        stats = st.empty()
        _progress.index_progress()
        status = _resources.pipeline().llm_status()
        if status.get("ok"):
            st.success(f"LLM online: {status.get('model') or _resources.current_model()}",
                       icon=":material/check_circle:")
        else:
            st.warning("LLM off — answers are computed without it", icon=":material/cloud_off:")
            st.caption(ui.safe_markdown(status.get("detail") or ""))
    return stats


def workspace_stats(slot) -> None:
    ws = _resources.get_workspace()
    files = ws.files()
    slot.caption(f"Workspace: {len(files)} file(s), {sum(f['n_rows'] or 0 for f in files):,} rows, "
                 f"{ui.human_size(ws.size_bytes())} on disk")


def main() -> None:
    pages = app_pages()
    nav = st.navigation(pages, position="hidden")
    slot = None

    def side():
        nonlocal slot
        slot = sidebar(pages)

    guard(side)
    if _identity.auth_configured() and not st.session_state.get("identity"):
        st.title("Excel Chat")
        st.info("Log in (in the sidebar) to use Excel Chat.")
        st.stop()
    with _entry.app_run():
        nav.run()
    if slot is not None:
        guard(lambda: workspace_stats(slot))


main()
