"""Who is using the app: a signed-in st.user when [auth] is configured, else a display name kept in the URL."""
from __future__ import annotations

import uuid

import streamlit as st

from core import ui


def auth_configured() -> bool:
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # no secrets.toml at all
        return False


def identity_sidebar() -> str | None:
    """Who is using the app: st.user with [auth] configured, else a display name kept in the URL (?user=)."""
    with st.sidebar:
        if auth_configured():
            if not getattr(st.user, "is_logged_in", False):
                st.button("Log in", on_click=st.login, type="primary", width="stretch")
                return None
            name = st.user.get("name") or st.user.get("email") or "signed-in user"
            st.caption(f"Signed in as **{ui.safe_markdown(name)}**")
            st.button("Log out", on_click=st.logout)
            return str(name)
        if "user-name" not in st.session_state:  # first run of this session: the name in the URL, if any
            st.session_state["user-name"] = ui.clean_display_name(st.query_params.get("user", ""))
        raw = st.text_input("Your name", key="user-name", max_chars=40, placeholder="e.g. Dana",
                            help="Shown on your uploads and keeps your conversations apart. It is kept in the "
                                 "page address (?user=...): bookmark it to come back as yourself.")
        name = ui.clean_display_name(raw)
        if name and st.query_params.get("user") != name:
            st.query_params["user"] = name  # also after a page switch, which clears the query string
        if not name:
            st.session_state.setdefault("guest", "guest-" + uuid.uuid4().hex[:4])
            name = st.session_state["guest"]
            st.caption(f"You are **{name}** until you set a name.")
        return name


def user() -> str | None:
    return st.session_state.get("identity")
