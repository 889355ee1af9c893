"""Streamlit plumbing shared by app.py and the pages: cached resources, identity, the page guard, ingest with
live progress and the rendering of one answer. Layout and st.* calls only; everything else is core's."""
from __future__ import annotations

import logging
import uuid
from pathlib import Path

import streamlit as st

from core import ExcelChatError, Settings, Workspace, error_report
from core import ui
from core import Answerer
from core import ChatPipeline

log = logging.getLogger("excelchat.ui")

FILE_TYPES = ["xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv", "txt"]


# --- shared resources (one per server process, used by every session; core is thread-safe) ------------
@st.cache_resource(show_spinner=False)
def get_settings() -> Settings:
    return Settings.from_env()


@st.cache_resource(show_spinner="Opening the workspace…")
def get_workspace() -> Workspace:
    settings = get_settings()
    if settings.isolate_parsing:
        from core import warm_up

        warm_up()  # start the parsing forkserver now, so the first upload is not the slow one
    return Workspace(settings)


@st.cache_resource(show_spinner="Loading the search index (the first start embeds existing files)…")
def get_index():
    """The semantic index (it registers itself as a workspace listener, so uploads get indexed), or None."""
    s = get_settings()
    if not s.build_index:
        return None
    try:
        from core import SemanticIndex
    except ImportError:
        return None
    try:
        return SemanticIndex(get_workspace(), s)
    except Exception:  # answers are exact without it; only the LLM's extra context is lost
        log.exception("the semantic index could not be loaded")
        return None


@st.cache_resource(show_spinner=False)
def get_llm(model: str):
    s = get_settings()
    if not s.llm_enabled:
        return None
    try:
        from core import OllamaLLM

        return OllamaLLM(s.with_(ollama_model=model))
    except Exception:
        log.exception("the Ollama client could not be created")
        return None


@st.cache_resource(show_spinner=False)
def get_answerer() -> Answerer:
    return Answerer(get_workspace())


@st.cache_resource(show_spinner=False)
def get_pipeline(model: str) -> ChatPipeline:
    return ChatPipeline(get_answerer(), get_settings(), llm=get_llm(model), index=get_index())


def current_model() -> str:
    return st.session_state.get("model") or get_settings().ollama_model


def pipeline() -> ChatPipeline:
    return get_pipeline(current_model())


# --- identity -------------------------------------------------------------------------------------
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


# --- the entry point ------------------------------------------------------------------------------------
def through_app(entry: bool = False) -> None:
    """Make sure this page runs inside app.py (its sidebar, identity and st.navigation).

    With a `pages/` folder next to app.py, Streamlit starts in its legacy multipage mode and runs a page
    file on its own (no app.py) until some run has called st.navigation: the first visitor after a server
    start would get a page without the shared sidebar or identity (and AppTest resets that mode on every
    run). Such a run switches the legacy mode off and executes app.py in place, whose st.navigation runs
    the requested page; widget values of the run are kept (a st.rerun would drop a chat_input submit)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without it has no legacy mode to leave
        return
    if not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    if entry:  # app.py itself: it goes on to call st.navigation
        return
    app = Path(__file__).resolve().parents[1] / "app.py"
    exec(compile(app.read_text(encoding="utf-8"), str(app), "exec"), {"__name__": "__main__", "__file__": str(app)})
    st.stop()


# --- the page guard ------------------------------------------------------------------------------------
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


# --- ingest ----------------------------------------------------------------------------------------------
def ingest_upload(ws: Workspace, name: str, data: bytes, uploaded_by: str | None) -> dict:
    """Ingest one upload inside an st.status that follows the progress callback; returns its report
    (an error report when it failed, shown as st.error naming the file)."""
    with st.status(f"Loading {name}…", expanded=True) as box:
        bar = st.progress(0.0, text=f"Reading {name}")

        def progress(stage: str, fraction: float, message: str) -> None:
            try:
                box.update(label=f"{name}: {message}")
                bar.progress(min(max(float(fraction or 0), 0.0), 1.0), text=message)
            except Exception:  # a callback from another thread has no script context: skip the update
                pass

        try:
            rep = ws.add_bytes(name, data, uploaded_by=uploaded_by, progress=progress)
        except ExcelChatError as e:
            rep = error_report(name, e)
        except Exception as e:
            log.exception("ingesting %s failed", name)
            rep = error_report(name, e)
            rep["error"] = f"{name}: could not be loaded because of an unexpected error ({type(e).__name__}); it was logged."
        bar.empty()
        show_report(rep)
        box.update(label=report_label(name, rep), state="error" if rep.get("status") == "error" else "complete",
                   expanded=rep.get("status") == "error")
    return rep


def report_label(name: str, rep: dict) -> str:
    if rep.get("status") == "error":
        return f"{name}: could not be loaded"
    tables = ui.report_tables(rep)
    what = f"{len(tables)} table(s), {int(tables['rows'].fillna(0).sum()):,} rows" if len(tables) else "no tables"
    return f"{name}: {'already in the workspace' if rep.get('cached') else 'loaded'} — {what}"


def show_report(rep: dict) -> None:
    """Sheets, tables, rows, excluded rows and warnings of an ingest report (or its error)."""
    if rep.get("status") == "error":
        st.error(rep.get("error") or f"{rep.get('file')}: could not be loaded.")
        return
    tables = ui.report_tables(rep)
    if len(tables):
        st.dataframe(tables, hide_index=True, width="stretch")
    else:
        st.info(f"{rep.get('file')}: no tables were found.")
    for w in rep.get("warnings") or []:
        st.warning(ui.safe_markdown(w))


def show_report_box(name: str, rep: dict) -> None:
    """A finished ingest, shown again on later reruns (no second ingest)."""
    with st.status(report_label(name, rep), state="error" if rep.get("status") == "error" else "complete",
                   expanded=rep.get("status") == "error"):
        show_report(rep)


def number_columns(df) -> dict:
    """column_config showing every numeric column with thousands separators (55,225,396)."""
    import pandas as pd

    if df is None:
        return {}
    return {str(c): st.column_config.NumberColumn(format="localized") for c in df.columns
            if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])}


# --- one answer --------------------------------------------------------------------------------------------
def plot(df, spec, key: str) -> bool:
    """The answer's chart (st.plotly_chart); False when it cannot be drawn."""
    from core import render

    try:
        fig = render(df, spec)
    except Exception:
        log.info("chart could not be drawn", exc_info=True)
        st.caption("The chart for this answer could not be drawn; the table below has the numbers.")
        return False
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})
    return True


def ask_again(question: str) -> None:
    st.session_state["pending_question"] = question


def answer_table(df, key: str) -> None:
    """The computed result under the answer's text (numbers with thousands separators, dates without 00:00)."""
    if df is None or not len(df.columns):
        return
    shown = ui.display_frame(df)
    st.dataframe(shown, hide_index=True, width="stretch", key=f"{key}-table", column_config=number_columns(shown),
                 height=min(36 * (len(shown) + 1) + 3, 420))


def answer_details(answer: dict, df, key: str, *, readonly: bool, message_id=None, feedback=None,
                   statuses=()) -> None:
    """Everything below an answer's text and table: flags, suggestions, how it was computed, feedback."""
    for s in statuses:
        if s.get("stage") in ("llm_off", "llm_failed"):
            st.caption(ui.safe_markdown(s.get("message")))
    unverified = answer.get("unverified") or []
    if unverified:
        st.warning("These numbers in the text are not in the computed result; check them against the table: "
                   + ", ".join(ui.safe_markdown(u) for u in unverified))
    for n in answer.get("notes") or []:
        st.caption(ui.safe_markdown(n))
    if answer.get("suggestions") and not readonly:
        st.caption("Try one of these:")
        cols = st.columns(min(3, len(answer["suggestions"])))
        for i, s in enumerate(answer["suggestions"][:6]):
            cols[i % len(cols)].button(s, key=f"{key}-sugg-{i}", on_click=ask_again, args=(s,))
    if answer.get("sql") or answer.get("sources"):
        with st.expander("How this was computed"):
            if answer.get("sql"):
                st.code(answer["sql"], language="sql")
            if answer.get("plan"):
                st.caption("Plan")
                st.json(answer["plan"], expanded=False)
            if answer.get("sources"):
                st.caption("Sources")
                st.dataframe(ui.sources_frame(answer["sources"]), hide_index=True, key=f"{key}-sources")
            planner, llm = answer.get("planner"), answer.get("llm")
            st.caption(f"Planned by: {planner or 'offline'}; narrated by: {llm or 'no LLM (computed text)'}")
    if message_id is not None:
        fk = f"fb-{message_id}"

        def save(mid=message_id, k=fk):
            v = st.session_state.get(k)
            if v is not None:
                pipeline().conversations.feedback(mid, 1 if v == 1 else -1)

        default = None if feedback is None else (1 if feedback > 0 else 0)
        st.feedback("thumbs", key=fk, default=default, disabled=readonly, on_change=save)
