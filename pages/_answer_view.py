"""Rendering one answer, live (streamed on the Chat page) and stored (from the conversation history): its chart,
its table and everything below them."""
from __future__ import annotations

import logging

import streamlit as st

from core import ui
from pages._resources import pipeline

log = logging.getLogger("excelchat.ui")


def number_columns(df, formats: dict | None = None) -> dict:
    """column_config showing every numeric column as its role says (13.1% for a ratio, 1,234.50 for money),
    else with thousands separators (55,225,396)."""
    import pandas as pd

    if df is None:
        return {}
    shown = ui.number_formats(formats or {})
    return {str(c): st.column_config.NumberColumn(format=shown.get(str(c), "localized")) for c in df.columns
            if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])}


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


def ask_again(question: str, plan: dict | None = None) -> None:
    st.session_state["pending_question"] = question
    st.session_state["pending_plan"] = plan


def computed_line(interpretation: str | None, unused=()) -> None:
    """What was computed, in one sentence, above the numbers; and the words of the question left unused."""
    if interpretation:
        st.caption(":material/functions: **Computed:** " + ui.safe_markdown(interpretation))
    if unused:
        st.caption("Not used: " + ", ".join(f"'{ui.safe_markdown(w)}'" for w in unused))


def readings(answer: dict, key: str, *, readonly: bool) -> None:
    """An ambiguous question's readings, each a button that asks it that way."""
    options = answer.get("interpretations") or []
    if answer.get("status") != "ambiguous" or not options or readonly:
        return
    st.info("This question can be read more than one way. Which did you mean?")
    plans = answer.get("reading_plans") or []
    for i, q in enumerate(options[:3]):
        st.button(q, key=f"{key}-reading-{i}", on_click=ask_again, args=(q, plans[i] if i < len(plans) else None))


def render_answer(text, df, chart_df, chart_spec, key: str, *, interpretation=None, unused=(), error=None,
                  details=None, formats=None) -> None:
    """One answer, stored or live: the chart beside; the error, what was computed, the text (a string, or
    pieces as they stream) and the table; then `details()` (flags, readings, how it was computed, feedback),
    called after the text so a live answer's last events are in."""
    if chart_spec and chart_df is not None:
        left, right = st.columns([3, 2])
        with right:
            plot(chart_df, chart_spec, key=f"{key}-chart")
    else:
        left = st.container()
    with left:
        if error:
            st.error(ui.safe_markdown(error))
        if df is not None:
            computed_line(interpretation, unused)
        if isinstance(text, str):
            st.markdown(ui.safe_markdown(text))
        else:
            stream_text(text)
        answer_table(df, key, formats)
    if details is not None:
        details()


class Restart(str):
    """A streamed piece that replaces everything shown before it (the pipeline withdrew the narration)."""


def stream_text(pieces) -> str:
    """Text as it streams, in one placeholder, so a withdrawn narration can be replaced in place."""
    box, shown = st.empty(), ""
    for piece in pieces:
        shown = str(piece) if isinstance(piece, Restart) else shown + piece
        box.markdown(ui.safe_markdown(shown))
    return shown


def answer_table(df, key: str, formats: dict | None = None) -> None:
    """The computed result under the answer's text (numbers as their roles say, dates without 00:00)."""
    if df is None or not len(df.columns):
        return
    if not len(df):  # an empty grid draws taller than its header and ran over the caption below it
        st.caption("The result has no rows.")
        return
    shown = ui.display_frame(df)
    st.dataframe(shown, hide_index=True, width="stretch", key=f"{key}-table",
                 column_config=number_columns(shown, formats), height=min(36 * (len(shown) + 1) + 3, 420))


KIND_TITLES = {"size": "Size and coverage", "missing": "Missing data", "duplicates": "Duplicate rows",
               "quality": "Data quality", "concentration": "Concentration", "split": "Split by category",
               "jump": "Biggest jump", "trend": "Trend", "movers": "Biggest movers", "outlier": "Outliers",
               "correlation": "Relationship"}


def insight_card(ins: dict, n: int, key: str, sentence: bool = True) -> None:
    """One insight: its sentence (or just its title under an answer that lists the sentences), its chart drawn
    from its own query's rows, and that query under "How this was computed"."""
    with st.container(border=True):
        title = f"**{n}. {KIND_TITLES.get(ins.get('kind'), ins.get('kind'))}**"
        st.markdown(title + (" — " + ui.safe_markdown(ins.get("sentence")) if sentence else ""))
        data = ui.answer_frame(ins)
        if ins.get("chart") and data is not None and len(data):
            plot(data, ins["chart"], key=f"{key}-insight-{n}")
        with st.expander("How this was computed"):
            st.code(ins.get("sql") or "", language="sql")


def insight_grid(insights: list[dict], key: str, sentences: bool = True) -> None:
    """Insight cards two abreast (a full-width chart each would push the last findings far down)."""
    cols = st.columns(2) if insights else []
    for n, ins in enumerate(insights, 1):
        with cols[(n - 1) % 2]:
            insight_card(ins, n, key, sentence=sentences)


def answer_details(answer: dict, df, key: str, *, readonly: bool, message_id=None, feedback=None,
                   statuses=()) -> None:
    """Everything below an answer's text and table: flags, suggestions, how it was computed, feedback."""
    insight_grid(answer.get("insights") or [], key, sentences=False)
    for s in statuses:
        if s.get("stage") in ("llm_off", "llm_failed"):
            st.caption(ui.safe_markdown(s.get("message")))
    unverified = answer.get("unverified") or []
    if unverified:
        st.warning("These numbers in the text are not in the computed result; check them against the table: "
                   + ", ".join(ui.safe_markdown(u) for u in unverified))
    for n in answer.get("notes") or []:
        st.caption(ui.safe_markdown(n))
    readings(answer, key, readonly=readonly)
    if answer.get("suggestions") and not readonly:
        st.caption("Try one of these:")
        cols = st.columns(min(3, len(answer["suggestions"])))
        for i, s in enumerate(answer["suggestions"][:6]):
            cols[i % len(cols)].button(s, key=f"{key}-sugg-{i}", on_click=ask_again, args=(s,))
    sql = None if answer.get("insights") else answer.get("sql")  # each insight shows its own query above
    if sql or answer.get("sources"):
        with st.expander("How this was computed" if sql else "Sources"):
            if sql:
                st.code(sql, language="sql")
            if answer.get("plan"):
                st.caption("Plan")
                st.json(answer["plan"], expanded=False)
            if answer.get("sources"):
                st.caption("Sources")
                st.dataframe(ui.sources_frame(answer["sources"]), hide_index=True, key=f"{key}-sources")
            st.caption(ui.narrated_by(answer))
    if message_id is not None:
        fk = f"fb-{message_id}"

        def save(mid=message_id, k=fk):
            v = st.session_state.get(k)
            if v is not None:
                pipeline().conversations.feedback(mid, 1 if v == 1 else -1)

        default = None if feedback is None else (1 if feedback > 0 else 0)
        st.feedback("thumbs", key=fk, default=default, disabled=readonly, on_change=save)
