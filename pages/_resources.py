"""Shared resources, one per server process and used by every session (core is thread-safe): Settings, the
Workspace, the semantic index, the LLM client and the chat pipeline, plus the session's chosen model."""
from __future__ import annotations

import logging

import streamlit as st

from core import Answerer, ChatPipeline, Settings, Uploads, Workspace

log = logging.getLogger("excelchat.ui")


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


@st.cache_resource(show_spinner="Opening the search index…")
def get_index():
    """The semantic index (it registers itself as a workspace listener, so uploads get indexed), or None.

    Files are embedded by its background worker: an upload is answerable once stored, and files not yet
    indexed when the server starts are queued (the sidebar shows the progress)."""
    s = get_settings()
    if not s.build_index:
        return None
    try:
        from core import SemanticIndex
    except ImportError:
        return None
    try:
        return SemanticIndex(get_workspace(), s, background=True)
    except Exception:  # answers are exact without it; only the LLM's extra context is lost
        log.exception("the semantic index could not be loaded")
        return None


@st.cache_resource(show_spinner=False)
def get_uploads() -> Uploads:
    """The workspace's upload queue: its thread stores dropped files even after the visitor leaves the page."""
    get_index()  # the index listens before the first upload is stored
    return Uploads(get_workspace())


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
