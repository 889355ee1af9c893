"""Chat: ask questions; exact numbers from SQL, the LLM's narration streamed, the chart beside the text."""
from __future__ import annotations

import uuid

import streamlit as st

from core import NotFound, ui
from pages import _answer_view as view
from pages import _entry
from pages._guard import guard
from pages._identity import user
from pages._ingest import FILE_TYPES, ingest_uploads
from pages._resources import get_workspace, pipeline

_entry.ensure_app()


def _select(cid: str | None) -> None:
    st.session_state["cid"] = cid
    if "conversation" in st.query_params:
        del st.query_params["conversation"]


def _active_conversation(convs, me):
    """(conversation dict or None, readonly). A ?conversation= link wins over the session's choice."""
    shared = st.query_params.get("conversation")
    if shared:
        try:
            conv = convs.get(shared)
            return conv, not ui.can_write(conv, me)
        except NotFound:
            st.error(f"The shared conversation {ui.safe_markdown(shared)} does not exist (it may have been cleared).")
            del st.query_params["conversation"]
    cid = st.session_state.get("cid")
    if cid:
        try:
            conv = convs.get(cid)
            if ui.can_write(conv, me):
                return conv, False
        except NotFound:
            pass
        st.session_state["cid"] = None
    return None, False


def _sidebar(convs, me, conv, readonly, ws) -> list[int] | None:
    with st.sidebar:
        st.divider()
        st.markdown("**Conversations**")
        st.button("New conversation", icon=":material/add:", on_click=_select, args=(None,), width="stretch",
                  key="conv-new")
        for c in convs.list(me)[:30]:
            current = conv is not None and c["id"] == conv["id"]
            st.button(ui.conversation_label(c), key=f"conv-{c['id']}", on_click=_select, args=(c["id"],),
                      type="primary" if current else "tertiary", width="stretch")
        if conv is not None and not readonly:
            if st.button("Clear this conversation", icon=":material/delete:", key="conv-clear"):
                convs.clear(conv["id"])
                _select(None)
                st.rerun()
        files = ws.files()
        picked = []
        if len(files) > 1:
            names = {f["id"]: f["name"] for f in files}
            if "dropped-files" in st.session_state:  # files dropped on the chat box: the conversation's files
                st.session_state["ask-files"] = [i for i in st.session_state.pop("dropped-files") if i in names]
            picked = st.multiselect("Ask about", list(names), format_func=lambda i: names.get(i, str(i)),
                                    placeholder="All files", key="ask-files")
        return [int(i) for i in picked] or None


def _render_history(messages, readonly) -> None:
    for m in messages:
        if m["role"] == "user":
            with st.chat_message("user"):
                st.markdown(ui.safe_markdown(m["content"]))
            continue
        answer = m.get("answer") or {}
        with st.chat_message("assistant"):
            df, key = ui.answer_frame(answer), f"m{m['id']}"
            view.render_answer(
                m["content"], df, df, answer.get("chart"), key, interpretation=answer.get("interpretation"),
                unused=answer.get("unused") or (), formats=answer.get("formats"),
                details=lambda a=answer, d=df, k=key, m=m: view.answer_details(
                    a, d, k, readonly=readonly, message_id=m["id"], feedback=m.get("feedback")))


def _stream_answer(pipe, question: str, cid: str, me, file_ids, chosen: dict | None = None) -> None:
    """Run the pipeline: status captions while it plans and queries, then the chart beside the streamed text."""
    key = "new-" + uuid.uuid4().hex[:8]
    with st.chat_message("assistant"):
        note = st.empty()
        got: dict = {"status": []}
        events = pipe.ask(question, conversation_id=cid, file_ids=file_ids, user=me, plan=chosen)

        def handle(ev) -> None:
            if ev.type == "status":
                got["status"].append(ev.data)
                note.caption(ui.safe_markdown(ev.data.get("message", "")) + "…")
            else:
                got[ev.type] = ev.data

        first = None
        for ev in events:  # everything before the first token: intent, status, table, chart, sources, error
            if ev.type == "token":
                first = ev.data
                break
            handle(ev)
        note.empty()

        def tokens():
            if first is not None:
                yield first
            for ev in events:
                if ev.type == "token":
                    yield ev.data
                elif ev.type == "replace":
                    yield view.Restart(ev.data["text"])
                else:
                    handle(ev)

        def details():
            answer = (got.get("done") or {}).get("answer") or {}
            view.answer_details(answer, table.get("df"), key, readonly=False, message_id=answer.get("message_id"),
                                statuses=_once_per_conversation(got["status"], cid))

        table, chart = got.get("table") or {}, got.get("chart") or {}
        view.render_answer(tokens(), table.get("df"), chart.get("df"), chart.get("spec"), key,
                           interpretation=table.get("interpretation"), unused=table.get("unused") or (),
                           formats=table.get("formats"),
                           error=(got.get("error") or {}).get("message"), details=details)


def _once_per_conversation(statuses: list[dict], cid: str) -> list[dict]:
    """The "LLM is off" note under the first answer of a conversation only: it says the same every time."""
    noted = st.session_state.setdefault("llm-off-noted", set())
    out = [s for s in statuses if s.get("stage") != "llm_off" or cid not in noted]
    if any(s.get("stage") == "llm_off" for s in statuses):
        noted.add(cid)
    return out


def _starters(pipe) -> None:
    views = pipe.answerer.table_views()
    if not views:
        st.info("The workspace is empty. Upload spreadsheets on the **Files** page, or drop them on the chat box below.")
        return
    from core import OfflinePlanner

    try:
        qs = OfflinePlanner(views).suggestions(k=6)
    except Exception:
        qs = []
    qs = ["What is in the workspace?"] + qs
    st.markdown("##### Try one of these")
    cols = st.columns(2)
    for i, q in enumerate(qs[:7]):
        cols[i % 2].button(q, key=f"starter-{i}", on_click=view.ask_again, args=(q,), width="stretch")


def page() -> None:
    ws, pipe = get_workspace(), pipeline()
    convs, me = pipe.conversations, user()
    conv, readonly = _active_conversation(convs, me)
    file_ids = _sidebar(convs, me, conv, readonly, ws)

    st.title("Chat")
    if readonly:
        st.info(f"You are viewing **{ui.safe_markdown(ui.display_user(conv.get('user')) or 'someone')}**'s conversation "
                f"\u201c{ui.safe_markdown(conv.get('title'))}\u201d, shared read-only.")
        st.button("Back to my conversations", on_click=_select, args=(None,))
    elif conv is not None:
        with st.popover("Share", icon=":material/share:"):
            st.caption("Teammates who open this link see the conversation read-only:")
            st.code(ui.share_url(st.context.url, conv["id"]), language=None)

    prompt = None if readonly else st.chat_input(
        "Ask about your spreadsheets, or drop files here", accept_file="multiple", file_type=FILE_TYPES,
        key="chat-prompt")
    question = st.session_state.pop("pending_question", None) if not readonly else None
    chosen = st.session_state.pop("pending_plan", None) if question else None  # a reading picked from a button

    messages = convs.messages(conv["id"]) if conv is not None else []
    _render_history(messages, readonly)

    if prompt is not None:
        if getattr(prompt, "files", None):
            with st.chat_message("user"):
                st.caption(f"Added {len(prompt.files)} file(s) to the workspace:")
                reports = ingest_uploads(prompt.files, me)
            dropped = [r["file_id"] for r in reports if r.get("status") == "ok" and r.get("file_id")]
            if dropped:  # the question is about the files just dropped, and so are the next ones ("Ask about")
                file_ids = dropped
                st.session_state["dropped-files"] = dropped
        typed = (getattr(prompt, "text", None) or "").strip()
        question, chosen = (typed, None) if typed else (question, chosen)

    if question:
        if conv is None:
            cid = convs.create(me, "New conversation")
            st.session_state["cid"] = cid
        else:
            cid = conv["id"]
        with st.chat_message("user"):
            st.markdown(ui.safe_markdown(question))
        _stream_answer(pipe, question, cid, me, file_ids, chosen)
    elif not messages and not readonly:
        _starters(pipe)


guard(page)
