"""The Streamlit app, driven with streamlit.testing.v1.AppTest (no browser): every page, uploads through the
real file_uploader and chat_input widgets, the streamed answer with its table and chart, share links, feedback,
the LLM badge, and the pure helpers in core/ui.py."""
from __future__ import annotations

from pathlib import Path

import messy
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core import Settings, Workspace, ui
from core.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
BOOKS = ROOT.parent / "shared" / "realbooks"
ADIDAS = BOOKS / "Adidas US Sales Datasets.xlsx"
PAGES = ["pages/chat.py", "pages/files.py", "pages/explore.py", "pages/settings.py"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def app(home, monkeypatch, *, llm_url: str | None = None, user: str | None = None) -> AppTest:
    """A fresh AppTest over app.py with its own workspace and fresh shared resources."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("EXCELCHAT_HOME", str(home))
    monkeypatch.setenv("EXCELCHAT_INDEX", "0")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    if llm_url:
        monkeypatch.setenv("EXCELCHAT_LLM", "1")
        monkeypatch.setenv("OLLAMA_HOST", llm_url)
        monkeypatch.setenv("EXCELCHAT_MODEL", "llama3")
        monkeypatch.setenv("EXCELCHAT_LLM_BACKOFF", "0.01")
    else:
        monkeypatch.setenv("EXCELCHAT_LLM", "0")
        monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if user:
        at.query_params["user"] = user
    return at


def texts(at: AppTest) -> str:
    """Every markdown/caption/alert text on the page (main area and sidebar)."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    for kind in ("error", "warning", "info", "success"):
        parts += [e.value for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def settle(at: AppTest, tries: int = 1200) -> AppTest:
    """Rerun (as the page's polling fragment would) until no upload or indexing progress bar is left."""
    import time

    for _ in range(tries):
        if not at.get("progress"):
            return at
        time.sleep(0.1)
        at.run()
    raise AssertionError("the uploads never finished")


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """A workspace holding the three real workbooks, ingested once with the same core call the pages use."""
    home = tmp_path_factory.mktemp("books")
    ws = Workspace(Settings.from_env(home=home, llm_enabled=False, build_index=False, isolate_parsing=False))
    for p in sorted(BOOKS.glob("*.xlsx")):
        rep = ws.add_bytes(p.name, p.read_bytes(), uploaded_by="setup")
        assert rep["status"] == "ok", rep
    return home


# --- every page -------------------------------------------------------------------------------------
def test_every_page_renders_with_an_empty_workspace(tmp_path, monkeypatch):
    at = app(tmp_path, monkeypatch)
    at.run()
    ok(at)
    assert not at.error
    assert "The workspace is empty" in texts(at)
    assert "LLM off — answers are computed without it" in texts(at)  # the offline badge
    for p in PAGES[1:]:
        at.switch_page(p).run()
        ok(at)
        assert not at.error, [e.value for e in at.error]
    assert "No files yet" in texts(at.switch_page("pages/files.py").run())


def test_every_page_renders_with_files(books, monkeypatch):
    at = app(books, monkeypatch, user="dana")
    at.run()
    ok(at)
    assert "Workspace: 3 file(s)" in texts(at)
    assert [b.label for b in at.button if b.key and b.key.startswith("starter-")], "starter questions"
    at.switch_page("pages/files.py").run()
    ok(at)
    assert "Library (3 files)" in [s.value for s in at.subheader]
    page = texts(at)
    for p in BOOKS.glob("*.xlsx"):
        assert p.name in page
    assert "by setup" in page
    assert len(at.dataframe) >= 1  # the preview
    assert {b.label for b in at.get("download_button")} == {"Download CSV", "Download XLSX"}
    at.switch_page("pages/explore.py").run()
    ok(at)
    assert at.get("plotly_chart"), "automatic charts"
    assert len(at.dataframe) >= 2  # profile and rows
    at.selectbox(key="explore-file").select_index(2).run()  # another file
    ok(at)
    at.switch_page("pages/settings.py").run()
    ok(at)
    table = next(df.value for df in at.dataframe if "environment variable" in df.value.columns)
    assert list(table["environment variable"]) == [s.env_label for s in SETTINGS]  # every setting, from SETTINGS
    assert table.set_index("environment variable").loc["EXCELCHAT_MAX_ROWS", "value"] == "2,000,000"


NAV = ["Chat", "Files", "Explore", "Settings"]


def nav_links(at: AppTest) -> list[str]:
    return [p.proto.label for p in at.get("page_link")]


def test_a_page_run_on_its_own_goes_through_app_py(tmp_path, monkeypatch):
    """AppTest starts every run in Streamlit's legacy pages/ mode, which runs a switched-to page file without
    app.py (as a cold /files URL in a browser does): the page must still get app.py's sidebar, exactly once."""
    at = app(tmp_path, monkeypatch, user="dana")
    at.run()
    ok(at)
    assert nav_links(at) == NAV
    for path, title in zip(PAGES, NAV, strict=True):
        at.switch_page(path).run()
        ok(at)
        assert [t.value for t in at.title] == [title]  # the page ran once, inside app.py
        assert nav_links(at) == NAV
        assert [t.value for t in at.sidebar.text_input] == ["dana"]  # app.py's identity
        assert any("Workspace: 0 file(s)" in c.value for c in at.sidebar.caption)


def test_no_private_streamlit_api_and_streamlit_menu_hidden():
    for p in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        text = p.read_text()
        for private in ("uses_pages_directory", "PagesManager", "streamlit.runtime"):
            assert private not in text, (p, private)
    # the sidebar lists the pages with st.page_link; Streamlit's own menu would list pages/ on a cold start
    assert "showSidebarNavigation = false" in (ROOT / ".streamlit" / "config.toml").read_text()


def test_explore_filter(books, monkeypatch):
    at = app(books, monkeypatch)
    at.run()
    at.switch_page("pages/explore.py").run()
    fid = next(o for o in at.selectbox(key="explore-file").options if "Adidas" in o)
    at.selectbox(key="explore-file").set_value(next(i for i in at.selectbox(key="explore-file").options if i == fid)).run()
    ok(at)
    key = next(s.key for s in at.selectbox if s.key and s.key.startswith("filter-col-"))
    at.selectbox(key=key).set_value("Retailer").run()
    at.text_input(key=key.replace("filter-col-", "filter-val-")).input("walmart").run()
    ok(at)
    rows = at.dataframe[-1].value
    assert len(rows) and set(rows["Retailer"]) == {"Walmart"}


# --- chat -----------------------------------------------------------------------------------------------
def test_chat_streams_answer_with_table_and_chart(books, monkeypatch):
    at = app(books, monkeypatch, user="dana")
    at.run()
    at.chat_input[0].set_value("Show the monthly trend of total sales in 2021").run()
    ok(at)
    assert not at.error, [e.value for e in at.error]
    page = texts(at)
    assert "highest 2021-07 (78,334,681)" in page  # the streamed narration (computed text, LLM off)
    assert at.get("plotly_chart"), "the chart beside the answer"
    table = next(d.value for d in at.dataframe if len(d.value) == 12)
    assert len(table) == 12 and table.iloc[0, -1] == 55225396
    assert [c.value for c in at.code if "SELECT" in c.value.upper()], "SQL in 'How this was computed'"
    assert at.get("feedback"), "thumbs feedback"
    # the conversation is stored for this user and re-rendered from history on the next run
    at.run()
    ok(at)
    assert "78,334,681" in texts(at) and at.get("plotly_chart")
    assert any("Show the monthly trend" in b.label for b in at.button if b.key and b.key.startswith("conv-"))


def test_chat_total_and_feedback_is_stored(books, monkeypatch):
    at = app(books, monkeypatch, user="erin")
    at.run()
    at.chat_input[0].set_value("What were the total sales across all retailers?").run()
    ok(at)
    assert "899,902,125" in texts(at)
    fb = at.get("feedback")[0]
    fb.set_value(0).run()  # thumbs down
    ok(at)
    ws = Workspace(Settings.from_env(home=books, llm_enabled=False, build_index=False))
    from core.conversations import Conversations

    convs = Conversations(ws.catalog)
    cid = convs.list("erin")[0]["id"]
    msg = [m for m in convs.messages(cid) if m["role"] == "assistant"][-1]
    assert msg["feedback"] == -1


def test_starter_question_and_suggestion_buttons(books, monkeypatch):
    at = app(books, monkeypatch, user="fay")
    at.run()
    starter = next(b for b in at.button if b.key == "starter-0")
    assert starter.label == "What is in the workspace?"
    starter.click().run()
    ok(at)
    assert "The workspace holds 3 file(s)" in texts(at)
    at.chat_input[0].set_value("What is the total?").run()  # no column named: an error with suggestions
    ok(at)
    sugg = [b for b in at.button if b.key and "-sugg-" in b.key]
    assert sugg, texts(at)
    assert any("No column or value" in e.value for e in at.error)
    sugg[0].click().run()
    ok(at)
    assert sugg[0].label in texts(at)  # asked as the next question


def test_shared_conversation_is_read_only_for_a_teammate(books, monkeypatch):
    at = app(books, monkeypatch, user="gus")
    at.run()
    at.chat_input[0].set_value("What were the total sales across all retailers?").run()
    ws = Workspace(Settings.from_env(home=books, llm_enabled=False, build_index=False))
    from core.conversations import Conversations

    cid = Conversations(ws.catalog).list("gus")[0]["id"]
    viewer = app(books, monkeypatch, user="hal")
    viewer.query_params["conversation"] = cid
    viewer.run()
    ok(viewer)
    assert "shared read-only" in texts(viewer)
    assert "899,902,125" in texts(viewer)
    assert not viewer.chat_input, "no chat input for a viewer who is not the author"
    assert viewer.get("feedback")[0].proto.disabled
    author = app(books, monkeypatch, user="gus")
    author.query_params["conversation"] = cid
    author.run()
    ok(author)
    assert author.chat_input and "shared read-only" not in texts(author)


def conversation_labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button if b.key and b.key.startswith("conv-") and b.key not in ("conv-new", "conv-clear")]


def test_a_guest_keeps_one_id_across_reloads_and_only_they_see_their_conversations(books, monkeypatch):
    at = app(books, monkeypatch)
    at.run()
    ok(at)
    token = at.query_params.get("guest")
    assert ui.guest_token(token) == token, "a fresh 128-bit token is put in the URL on the first run"
    assert at.session_state["identity"] == ui.guest_user(token)
    assert token not in texts(at) and ui.display_user(ui.guest_user(token)) in texts(at)  # shown short only
    at.chat_input[0].set_value("How many retailers are there?").run()
    ok(at)
    at.run()
    assert at.query_params["guest"] == token and at.session_state["identity"] == ui.guest_user(token)
    reload = app(books, monkeypatch)  # a reload: a new session opened on the same address
    reload.query_params["guest"] = token
    reload.run()
    ok(reload)
    assert reload.session_state["identity"] == ui.guest_user(token)
    assert any("How many retailers" in label for label in conversation_labels(reload))
    other = app(books, monkeypatch)  # another guest
    other.run()
    ok(other)
    assert other.query_params["guest"] != token
    assert not any("How many retailers" in label for label in conversation_labels(other))
    from core.conversations import Conversations  # the share link still opens it, read-only, without the id

    ws = Workspace(Settings.from_env(home=books, llm_enabled=False, build_index=False))
    other.query_params["conversation"] = Conversations(ws.catalog).list(ui.guest_user(token))[0]["id"]
    other.run()
    ok(other)
    assert "shared read-only" in texts(other) and ui.display_user(ui.guest_user(token)) in texts(other)
    assert token not in texts(other) and not other.chat_input


def test_a_guessable_guest_id_is_replaced_and_a_name_replaces_the_guest(books, monkeypatch):
    at = app(books, monkeypatch)
    at.query_params["guest"] = "abcd"  # short and hand-made: would let anyone reach that guest's conversations
    at.run()
    ok(at)
    token = at.query_params["guest"]
    assert token != "abcd" and ui.guest_token(token) == token
    at.text_input(key="user-name").set_value("Ivy").run()
    ok(at)
    assert at.query_params.get("user") == "Ivy" and "guest" not in at.query_params
    assert at.session_state["identity"] == "Ivy"
    at.text_input(key="user-name").set_value("").run()  # back to the same guest, and a reload stays a guest
    ok(at)
    assert at.query_params.get("guest") == token and "user" not in at.query_params


def test_guest_ids():
    tokens = {ui.new_guest_token() for _ in range(100)}
    assert len(tokens) == 100 and all(ui.guest_token(t) == t and len(t) == 32 for t in tokens)
    assert ui.guest_token("abcd") is None and ui.guest_token("") is None and ui.guest_token(None) is None
    assert ui.guest_token("g" * 32) is None and ui.guest_token("A" * 32) == "a" * 32
    name = ui.guest_user("0123456789abcdef" * 2)
    assert ui.display_user(name) == "guest-012345" and ui.display_user("Dana") == "Dana"
    assert ui.display_user("guest-team") == "guest-team" and ui.display_user(None) == ""


def test_llm_badge_streamed_narration_is_escaped_and_checked(books, monkeypatch, fake_ollama):
    fake_ollama.reply_text("Total sales were 899,902,125 <b>in all</b> ![x](http://evil.example/p.png) "
                           "and maybe 12,345,678 more.")
    at = app(books, monkeypatch, llm_url=fake_ollama.url, user="ivy")
    at.run()
    ok(at)
    assert "LLM online: llama3" in texts(at)
    at.chat_input[0].set_value("What were the total sales across all retailers?").run()
    ok(at)
    page = texts(at)
    assert "899,902,125 &lt;b&gt;in all&lt;/b&gt; !\\[x](http://evil.example/p.png)" in page
    assert "<b>" not in page
    assert any("12,345,678" in w.value for w in at.warning), "unverified number flagged"


# --- uploads through the real widgets ---------------------------------------------------------------------
def test_upload_bad_file_shows_error_and_others_load(tmp_path, monkeypatch):
    at = app(tmp_path, monkeypatch, user="jo")
    at.run()
    at.switch_page("pages/files.py").run()
    good = (BOOKS / "SampleData.xlsx").read_bytes()
    at.file_uploader[0].set_value([("broken.xlsx", b"this is not a workbook", XLSX),
                                   ("SampleData.xlsx", good, XLSX),
                                   ("notes.csv", b"name,amount\nA,1\nB,=2+3\nC,@SUM(A1)\n", "text/csv")]).run()
    ok(at)
    settle(at)  # the upload queue's thread stores them; the page polls until it is done
    errors = [e.value for e in at.error]
    assert any("broken.xlsx" in e for e in errors), errors
    assert all("broken.xlsx" in e for e in errors), errors  # the other two loaded
    page = texts(at)
    assert "Library (2 files)" in [s.value for s in at.subheader]
    assert "by jo" in page
    assert "Date" in page and "not real dates" in page  # SampleData's warning is shown
    ws = Workspace(Settings.from_env(home=tmp_path, llm_enabled=False, build_index=False))
    assert len(ws.files()) == 2 and len(ws.errors()) == 1
    # a rerun shows the reports again without ingesting anything again
    at.run()
    ok(at)
    assert len(ws.errors()) == 1 and len(ws.files()) == 2
    assert any("broken.xlsx" in e.value for e in at.error)
    # delete a file from the library
    at.button(key=f"del-{ws.files()[0]['id']}").click().run()
    ok(at)
    assert len(ws.files()) == 1


def test_files_dropped_on_chat_input_are_ingested_before_answering(tmp_path, monkeypatch):
    at = app(tmp_path, monkeypatch, user="kim")
    at.run()
    ci = at.chat_input[0]
    ci.upload("Adidas US Sales Datasets.xlsx", ADIDAS.read_bytes(), XLSX)
    ci.set_value("What were the total sales across all retailers?").run()
    ok(at)
    page = texts(at)
    assert "Adidas US Sales Datasets.xlsx" in page
    assert "899,902,125" in page
    at.switch_page("pages/files.py").run()  # the drop is listed with the Files page's uploads too
    ok(at)
    assert any(e.label.startswith("Adidas US Sales Datasets.xlsx: loaded") for e in at.status)


def test_remove_all_needs_confirmation(tmp_path, monkeypatch):
    ws = Workspace(Settings.from_env(home=tmp_path, llm_enabled=False, build_index=False))
    ws.add_bytes("SampleData.xlsx", (BOOKS / "SampleData.xlsx").read_bytes())
    at = app(tmp_path, monkeypatch)
    at.run()
    at.switch_page("pages/settings.py").run()
    ok(at)
    btn = next(b for b in at.button if b.label == "Remove all files")
    assert btn.disabled
    at.checkbox(key="set-sure").check().run()
    next(b for b in at.button if b.label == "Remove all files").click().run()
    ok(at)
    assert ws.files() == []


# --- pure helpers (core/ui.py) ---------------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("look ![pic](http://x.example/a.png)", "look !\\[pic](http://x.example/a.png)"),
    ("![ref][1]\n\n[1]: http://x.example/a.png", "!\\[ref][1]\n\n[1]: http://x.example/a.png"),
    ("cost $5 and $10", "cost \\$5 and \\$10"),
    ("plain **bold** text", "plain **bold** text"),
    (None, ""),
])
def test_safe_markdown(text, expected):
    assert ui.safe_markdown(text) == expected


def test_helpers():
    assert ui.human_size(512) == "512 B" and ui.human_size(10202) == "10.0 KB"
    assert ui.when(0) == "1970-01-01 00:00 UTC"
    assert ui.clean_display_name("  Dana <script> ") == "Dana script"
    df = pd.DataFrame({"a": ["x", "Yy", None], "b": [1, 2, 3]})
    assert list(ui.filter_frame(df, "a", "y")["b"]) == [2]
    assert ui.filter_frame(df, "a", "") is df
    assert ui.share_url("http://h:8501/chat", "abc") == "http://h:8501/chat?conversation=abc"
    assert ui.share_url(None, "abc") == "?conversation=abc"
    assert ui.can_write({"user": "a"}, "a") and not ui.can_write({"user": "a"}, "b")
    assert ui.answer_frame({"table": {"columns": ["m", "v"], "rows": [["x", 1]]}}).shape == (1, 2)
    assert ui.answer_frame({}) is None
    rep = {"sheets": [{"name": "S", "tables": [{"name": "T", "range": "A1:B3", "rows": 2, "columns": ["a", "b"],
                                                "excluded_rows": [4]}]}]}
    t = ui.report_tables(rep)
    assert t.iloc[0]["excluded rows"] == "row 4"
    prof = {"column_profiles": {"n": {"dtype": "number", "nulls": 0, "null_share": 0, "distinct": 3, "min": 1,
                                      "max": 3, "mean": 2.0, "sum": 6}}}
    assert ui.profile_frame(prof).iloc[0]["sum"] == "6"


def test_downloads_escape_formulas():
    from core.safety import export_csv

    out = export_csv(pd.DataFrame({"a": ["=1+1", "+x", "-y", "@z", "\tt", "ok"]})).decode("utf-8-sig")
    for cell in ("'=1+1", "'+x", "'-y", "'@z", "'\tt"):
        assert cell in out


def test_no_unsafe_html_anywhere():
    for p in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        assert "unsafe_allow_html" not in p.read_text(), p
    cfg = (ROOT / ".streamlit" / "config.toml").read_text()
    assert "maxUploadSize = 50" in cfg and "enableXsrfProtection = true" in cfg


def test_llm_failure_is_a_status_note_and_the_computed_answer_stands(books, monkeypatch, fake_ollama):
    fake_ollama.reply_error(500, "model crashed")
    at = app(books, monkeypatch, llm_url=fake_ollama.url, user="lee")
    at.run()
    at.chat_input[0].set_value("What were the total sales across all retailers?").run()
    ok(at)
    page = texts(at)
    assert "899,902,125" in page
    assert "The LLM stopped" in page


def test_a_narration_that_echoes_its_prompt_is_replaced_in_place(books, monkeypatch, fake_ollama):
    from core.narration import SYSTEM

    fake_ollama.reply_text("Total sales were 899,902,125. " + SYSTEM * 2)
    at = app(books, monkeypatch, llm_url=fake_ollama.url, user="lee")
    at.run()
    at.chat_input[0].set_value("What were the total sales across all retailers?").run()
    ok(at)
    page = texts(at)
    assert "899,902,125" in page and "repeated its instructions" in page
    assert "narrator" not in page and "Never calculate" not in page


def test_settings_lists_models_and_tests_the_connection(books, monkeypatch, fake_ollama):
    at = app(books, monkeypatch, llm_url=fake_ollama.url)
    at.run()
    at.switch_page("pages/settings.py").run()
    ok(at)
    assert "llama3:latest" in at.selectbox(key="set-model").options
    next(b for b in at.button if b.label == "Test connection").click().run()
    ok(at)
    assert any("is ready" in s.value for s in at.success), [s.value for s in at.success]


def test_auth_configured_asks_to_log_in(tmp_path, monkeypatch):
    at = app(tmp_path, monkeypatch)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s3cret",
                          "client_id": "id", "client_secret": "secret",
                          "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration"}
    at.run()
    ok(at)
    assert any(b.label == "Log in" for b in at.button)
    assert "Log in (in the sidebar) to use Excel Chat." in texts(at)
    assert not at.chat_input


def test_files_page_shows_left_out_rows_and_a_user_can_keep_one(tmp_path, monkeypatch):
    import openpyxl

    src = tmp_path / "supplies.xlsx"
    wb = openpyxl.Workbook()
    for r in [["Item", "Amount"], ["Pens", 3], ["Ink", 4], ["Paper", 5], ["Total", 12]]:
        wb.active.append(r)
    wb.save(src)
    ws = Workspace(Settings.from_env(home=tmp_path, llm_enabled=False, build_index=False, isolate_parsing=False))
    ws.add_file(src, uploaded_by="setup")
    at = app(tmp_path, monkeypatch, user="dana")
    at.run()
    at.switch_page("pages/files.py").run()
    ok(at)
    frames = [df.value for df in at.dataframe if "why" in df.value.columns]
    assert frames and frames[0].iloc[0]["why"] == "equals the sum of rows 2-4 in Amount"
    assert frames[0].iloc[0]["status"] == "left out" and frames[0].iloc[0]["cells"] == "Total | 12"
    at.button(key=f"decide-{ws.tables()[0].id}-5").click().run()
    ok(at)
    (t,) = ws.tables()
    assert t.rows == 4 and t.excluded[0]["status"] == "kept"
    assert ws.catalog.row_decisions(t.file_id) == {"Sheet": {5: "keep"}}
    assert any(b.label == "Leave row 5 out again" for b in at.button)
    # leave out another row by its number
    at.number_input(key=f"exclude-row-{t.id}").set_value(2).run()
    at.button(key=f"exclude-{t.id}").click().run()
    ok(at)
    (t,) = ws.tables()
    assert t.rows == 3 and pd.read_parquet(t.parquet)["Amount"].tolist() == [4, 5, 12]


def test_chat_shows_what_was_computed_and_offers_readings_when_ambiguous(tmp_path, monkeypatch):
    ws = Workspace(Settings.from_env(home=tmp_path, llm_enabled=False, build_index=False, isolate_parsing=False))
    for path in messy.same_shape_files(tmp_path):
        ws.add_file(path)
    at = app(tmp_path, monkeypatch, user="kim")
    at.run()
    at.chat_input[0].set_value("What was the total Quantity?").run()
    ok(at)
    assert any("read more than one way" in i.value for i in at.info)
    readings = [b for b in at.button if b.key and "-reading-" in b.key]
    assert [b.label for b in readings] == ["What was the total Quantity (in north_2022.xlsx)?",
                                          "What was the total Quantity (in north_2023.xlsx)?"]
    readings[1].click().run()  # asks that reading
    ok(at)
    page = texts(at)
    assert "Computed:" in page and "north_2023.xlsx" in page and "11" in page
    # a word that matches nothing is declined and named
    at.chat_input[0].set_value("What was the total Quantity of returned orders in north_2023.xlsx?").run()
    ok(at)
    assert any("'returned'" in e.value for e in at.error)


def test_files_dropped_on_the_chat_box_are_what_the_conversation_asks_about(tmp_path, monkeypatch):
    ws = Workspace(Settings.from_env(home=tmp_path, llm_enabled=False, build_index=False, isolate_parsing=False))
    first, second = messy.same_shape_files(tmp_path)
    ws.add_file(first)
    at = app(tmp_path, monkeypatch, user="ivy")
    at.run()
    ci = at.chat_input[0]
    ci.upload(second.name, second.read_bytes(), XLSX)
    ci.set_value("What was the total Quantity?").run()  # two files fit; the dropped one is meant
    ok(at)
    assert "The total of Quantity is 11" in texts(at)
    (dropped,) = [f["id"] for f in ws.files() if f["name"] == second.name]
    at.run()
    assert at.multiselect(key="ask-files").value == [dropped]  # and the next questions too
    at.chat_input[0].set_value("What was the total Quantity?").run()
    ok(at)
    assert texts(at).count("The total of Quantity is 11") == 2


def test_a_ratio_shows_as_a_percentage_and_the_llm_off_note_once(tmp_path, monkeypatch):
    """A margin stored as 0.1305 with a % format reads 13.1% in the chat answer; the "LLM off" note shows under
    the conversation's first answer only; a ranking shows the runners-up under a superlative."""
    book = tmp_path / "margins.xlsx"
    df = pd.DataFrame({"Store": ["North", "South", "East", "West"], "Margin": [0.1305, 0.2, 0.05, 0.2],
                       "Sales": [1200.5, 800.25, 300.125, 950.0]})
    with pd.ExcelWriter(book) as w:
        df.to_excel(w, index=False)
        for row in range(2, 6):
            w.sheets["Sheet1"].cell(row=row, column=2).number_format = "0.0%"
    home = tmp_path / "ws"
    ws = Workspace(Settings.from_env(home=home, llm_enabled=False, build_index=False, isolate_parsing=False))
    assert ws.add_file(book)["status"] == "ok"
    at = app(home, monkeypatch, llm_url="http://127.0.0.1:9", user="ida")  # on, but nothing answers there
    at.run()
    at.chat_input[0].set_value("What is the average Margin?").run()
    ok(at)
    page = texts(at)
    assert f"{df.Margin.mean() * 100:.1f}%" in page, page  # 14.5%, not 0.1451
    assert page.count("LLM off:") == 1  # the note (the sidebar badge says "LLM off —")
    at.chat_input[0].set_value("Which store has the highest Margin?").run()
    ok(at)
    page = texts(at)
    assert "South and West tie" in page and "20.0%" in page, page
    assert "LLM off:" not in page  # said once in this conversation
    ranked = [d.value for d in at.dataframe if len(d.value) == len(df)]
    assert ranked and set(ranked[-1].iloc[:2, 0]) == {"South", "West"}


def test_explore_profile_never_sums_an_id_or_a_ratio(books, monkeypatch):
    at = app(books, monkeypatch)
    at.run()
    at.switch_page("pages/explore.py").run()
    ok(at)
    prof = next(d.value for d in at.dataframe if {"column", "type", "role"} <= set(d.value.columns))
    assert set(prof["role"]) >= {"category"}
    for _, r in prof.iterrows():
        if r["role"] in ("id", "ratio", "percent", "rate"):
            assert not r.get("sum"), r.to_dict()


def test_chat_whats_interesting_shows_insights_each_with_its_query_and_a_chart(books, monkeypatch):
    at = app(books, monkeypatch, user="dana")
    at.run()
    at.chat_input[0].set_value("What's interesting in this data?").run()
    ok(at)
    assert not at.error, [e.value for e in at.error]
    page = texts(at)
    assert "What stands out in" in page and "1. " in page
    cards = [m.value for m in at.markdown if m.value.startswith("**") and ". " in m.value[:6]]
    assert len(cards) >= 5, cards
    assert at.get("plotly_chart"), "an insight's chart"
    sql = [c.value for c in at.code if "SELECT" in c.value.upper()]
    assert len(sql) >= 5, "each insight's query under 'How this was computed'"
    at.run()  # the stored answer renders the same from history
    ok(at)
    assert at.get("plotly_chart") and len([c for c in at.code if "SELECT" in c.value.upper()]) >= 5


def test_files_page_summarize_button_shows_the_files_insights(books, monkeypatch):
    at = app(books, monkeypatch, user="dana")
    at.run()
    at.switch_page("pages/files.py").run()
    ok(at)
    ws = Workspace(Settings.from_env(home=books, llm_enabled=False, build_index=False, isolate_parsing=False))
    adidas = next(f for f in ws.files() if f["name"].startswith("Adidas"))
    at.button(key=f"sum-{adidas['id']}").click().run()
    ok(at)
    assert "Total Sales and Operating Profit move together" in texts(at)
    assert at.get("plotly_chart")
    assert len([c for c in at.code if "SELECT" in c.value.upper()]) >= 5
