"""Who is using the app: a signed-in st.user when [auth] is configured, else a display name kept in the URL
(?user=), else a guest id kept in the URL (?guest=), so a reload or a bookmark comes back as the same guest."""
from __future__ import annotations

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
        if not name and "user" in st.query_params:  # the name was cleared: a reload must not bring it back
            del st.query_params["user"]
        if name:
            if "guest" in st.query_params:  # a named user is not also a guest: one identity in the address
                del st.query_params["guest"]
            return name
        name = _guest()
        st.caption(f"You are **{ui.display_user(name)}** until you set a name. Your guest id is in the page "
                   "address (?guest=...): bookmark it to come back to your conversations, and share a "
                   "conversation with its Share link, never with the page address.")
        return name


def _guest() -> str:
    """This session's guest id: the one in the URL (a reload, a bookmark) when it is a valid token, else a new
    random one; written back to the URL on every run, as a page switch clears the query string."""
    if "guest" not in st.session_state:
        st.session_state["guest"] = ui.guest_token(st.query_params.get("guest")) or ui.new_guest_token()
    token = st.session_state["guest"]
    if st.query_params.get("guest") != token:
        st.query_params["guest"] = token
    return ui.guest_user(token)


def user() -> str | None:
    return st.session_state.get("identity")
