"""The page guard: a page body never shows a stack trace; user-facing errors become st.error."""
from __future__ import annotations

import logging

import streamlit as st

from core import ExcelChatError

log = logging.getLogger("excelchat.ui")


def guard(page) -> None:
    """Run a page body; a user-facing error is shown as st.error, anything else as a friendly message."""
    try:
        page()
    except ExcelChatError as e:
        st.error(str(e))
    except Exception as e:  # never a stack trace in the UI; the log has it
        log.exception("page failed")
        st.error(f"Something went wrong on this page ({type(e).__name__}). It was logged; "
                 "reload the page or try again.")
