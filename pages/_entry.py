"""Every page runs inside app.py: its st.navigation, shared sidebar and identity.

With a `pages/` folder next to app.py, Streamlit's first script run after a server start (and every AppTest
run) is in its legacy multipage mode, which executes a requested page file such as pages/files.py on its
own, without app.py. A page therefore starts with `ensure_app()`: when app.py is not running around it, it
runs app.py in place (public Python only, no Streamlit internals); app.py's st.navigation then resolves the
same requested page and runs it inside the app. Widget values of the run are kept (a st.rerun or
st.switch_page would drop a chat_input submit)."""
from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

APP = Path(__file__).resolve().parents[1] / "app.py"
# one flag per script thread: every session's run has its own thread, and a page runs in its app's thread
_state = threading.local()


@contextmanager
def app_run() -> Iterator[None]:
    """Mark the page that app.py runs inside this block as running inside the app."""
    outer = getattr(_state, "inside", False)
    _state.inside = True
    try:
        yield
    finally:
        _state.inside = outer


def inside_app() -> bool:
    return getattr(_state, "inside", False)


def ensure_app() -> None:
    """Run app.py in place (and stop this run) unless this page is already being run by app.py."""
    if inside_app():
        return
    runpy.run_path(str(APP), run_name="__main__")
    st.stop()
