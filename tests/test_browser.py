"""The app in a real browser: `streamlit run app.py` driven by headless Chromium (Playwright's sync API).

First checks the navigation on a cold start (the first page load after the server starts shows exactly the
four pages). Then uploads the Adidas workbook through the Files page's uploader, asks on the Chat page, checks the exact total
and a Plotly chart, then two browser sessions ask at the same time and each sees its own number. Saves a
screenshot of every page to tests/artifacts/screenshots/ (EXCELCHAT_SCREENSHOTS=docs/screenshots refreshes
the README's images).
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ADIDAS = ROOT.parent / "shared" / "realbooks" / "Adidas US Sales Datasets.xlsx"
SHOTS = ROOT / os.environ.get("EXCELCHAT_SCREENSHOTS", "tests/artifacts/screenshots")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed at /usr/bin/chromium", allow_module_level=True)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(home: Path):
    """`streamlit run app.py` on a free port with the workspace `home` and no LLM; yields its URL."""
    port = free_port()
    env = dict(os.environ, EXCELCHAT_HOME=str(home), EXCELCHAT_LLM="0", EXCELCHAT_INDEX="0",
               OLLAMA_HOST="http://127.0.0.1:9", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    log = open(home / "streamlit.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("streamlit did not start:\n" + (home / "streamlit.log").read_text()[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server with an empty workspace, started for this module: its first page load is a cold start."""
    with streamlit_server(tmp_path_factory.mktemp("browser-home")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def idle(page, timeout: float = 60_000) -> None:
    """Wait until the script run is over (no 'Running…'/'Stop' status widget) and the page settled."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(300)


def ask(page, question: str) -> None:
    box = page.locator("[data-testid='stChatInputTextArea']")
    box.wait_for(timeout=30_000)
    box.fill(question)
    box.press("Enter")


def go(page, title: str) -> None:
    page.locator("[data-testid='stSidebar'] [data-testid='stPageLink-NavLink']").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=30_000)
    idle(page)


NAV = ["Chat", "Files", "Explore", "Settings"]
# Records every list of navigation entries the page ever shows (Streamlit's sidebar or top menu and page
# links), from the first DOM change on: a wrong list shown for a moment is caught too.
WATCH_NAV = """(() => {
  const SEL = '[data-testid="stSidebarNavLink"], [data-testid="stTopNavLink"], [data-testid="stPageLink-NavLink"]';
  const label = el => {
    const c = el.cloneNode(true);
    c.querySelectorAll('[data-testid="stIconMaterial"]').forEach(i => i.remove());
    return c.textContent.trim();
  };
  window.__navLists = [];
  const record = () => {
    const now = Array.from(document.querySelectorAll(SEL), label);
    const last = window.__navLists[window.__navLists.length - 1];
    if (now.length && JSON.stringify(now) !== JSON.stringify(last)) window.__navLists.push(now);
  };
  new MutationObserver(record).observe(document, {childList: true, subtree: true, characterData: true});
})();"""


def check_navigation(page) -> None:
    """The page showed only the four pages, ends with exactly them, and Streamlit's own menu never appeared."""
    seen = page.evaluate("window.__navLists")
    assert seen, "no navigation entries were shown"
    assert seen[-1] == NAV, seen
    for entries in seen:
        assert set(entries) <= set(NAV) and len(entries) == len(set(entries)), seen
    assert page.locator("[data-testid='stSidebarNav']").count() == 0


def test_cold_start_shows_only_the_four_pages(tmp_path, browser):
    """The first page load after a server start (Streamlit's legacy pages/ mode) lists Chat, Files, Explore and
    Settings and nothing else, from the first paint on."""
    with streamlit_server(tmp_path) as url:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        ctx.add_init_script(WATCH_NAV)
        page = ctx.new_page()
        page.goto(url + "/?user=cole")
        page.get_by_role("heading", name="Chat", exact=True).wait_for(timeout=60_000)
        idle(page)
        check_navigation(page)
        go(page, "Explore")  # a link works and the list stays the same
        check_navigation(page)
        ctx.close()


def test_upload_ask_chart_and_two_sessions(server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    ctx.add_init_script(WATCH_NAV)
    page = ctx.new_page()
    page.goto(server + "/files?user=dana")  # the server's first page load: a cold start on a page URL
    page.locator("input[type=file]").first.wait_for(state="attached", timeout=60_000)
    idle(page)
    assert page.get_by_role("heading", name="Files", exact=True).count() == 1
    check_navigation(page)
    assert page.locator("[data-testid='stSidebar'] input[aria-label='Your name']").input_value() == "dana"
    page.locator("input[type=file]").first.set_input_files(str(ADIDAS))
    page.get_by_text("Library (1 file)").wait_for(timeout=90_000)
    idle(page)
    body = page.inner_text("body")
    assert "Adidas US Sales Datasets.xlsx: loaded" in body and "9,648 rows" in body and "by dana" in body
    page.screenshot(path=str(SHOTS / "files.png"))
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="Download CSV").click()
    csv = Path(dl.value.path()).read_bytes()
    assert csv.startswith(b"\xef\xbb\xbfRetailer,Retailer ID,Invoice Date") and csv.count(b"\n") == 9649

    go(page, "Chat")
    assert "user=dana" in page.url  # the display name survives a page switch in the URL
    ask(page, "What were the total sales across all retailers?")
    page.get_by_text("899,902,125").first.wait_for(timeout=60_000)
    idle(page)
    ask(page, "Show the monthly trend of total sales in 2021")
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    page.get_by_text("78,334,681").first.wait_for(timeout=30_000)
    idle(page)
    msgs = page.locator("[data-testid='stChatMessage']")
    assert msgs.count() >= 4
    msgs.nth(msgs.count() - 2).evaluate("el => el.scrollIntoView({block: 'start'})")  # the last question on top
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "chat.png"))

    go(page, "Explore")
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    idle(page)
    page.set_viewport_size({"width": 1440, "height": 1600})  # the profile and the first charts
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "explore.png"))
    page.set_viewport_size({"width": 1440, "height": 1000})

    go(page, "Settings")
    page.get_by_role("heading", name="Limits").wait_for(timeout=30_000)
    check_navigation(page)
    page.screenshot(path=str(SHOTS / "settings.png"))
    assert "LLM off — answers are computed without it" in page.inner_text("body")

    # two sessions at once, each with its own question and its own right number
    a_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    b_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    a, b = a_ctx.new_page(), b_ctx.new_page()
    a.goto(server + "/?user=ann")
    b.goto(server + "/?user=bob")
    for p in (a, b):
        p.locator("[data-testid='stChatInputTextArea']").wait_for(timeout=60_000)
        idle(p)
    ask(a, "What were the total sales across all retailers?")
    ask(b, "How many units were sold in total?")
    a.get_by_text("899,902,125").first.wait_for(timeout=60_000)
    b.get_by_text("2,478,861").first.wait_for(timeout=60_000)
    idle(a)
    idle(b)
    assert "2,478,861" not in a.inner_text("body")
    assert "899,902,125" not in b.inner_text("body")
    for c in (a_ctx, b_ctx, ctx):
        c.close()
    assert time.time() - t0 < 120


def test_an_ambiguous_question_offers_its_readings(tmp_path, browser):
    """Two files fit equally: the answer is two buttons, one per reading; clicking one answers it."""
    sys.path.insert(0, str(ROOT))
    import messy

    from core import Settings, Workspace

    ws = Workspace(Settings(home=tmp_path, build_index=False, isolate_parsing=False))
    for path in messy.same_shape_files(tmp_path):
        ws.add_file(path)
    with streamlit_server(tmp_path) as url:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(url + "/?user=lee")
        page.get_by_role("heading", name="Chat", exact=True).wait_for(timeout=60_000)
        idle(page)
        ask(page, "What was the total Quantity?")
        page.get_by_text("read more than one way").wait_for(timeout=60_000)
        idle(page)
        page.get_by_role("button", name="What was the total Quantity (in north_2023.xlsx)?").click()
        page.get_by_text("Computed:").first.wait_for(timeout=60_000)
        idle(page)
        body = page.inner_text("body")
        assert "north_2023.xlsx" in body and "11" in body
        page.screenshot(path=str(SHOTS / "ambiguous.png"))
        ctx.close()


def test_uploads_finish_on_the_server_while_the_visitor_is_on_another_page(tmp_path, browser):
    """Three files dropped at once, the visitor leaves for Chat while they are being stored and comes back:
    all three are in the library and the upload list shows each one's report."""
    books = sorted((ROOT.parent / "shared" / "realbooks").glob("*.xlsx"))
    assert len(books) == 3
    with streamlit_server(tmp_path) as url:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(url + "/files?user=max")
        page.locator("input[type=file]").first.wait_for(state="attached", timeout=60_000)
        idle(page)
        page.locator("input[type=file]").first.set_input_files([str(p) for p in books])
        # the page has handed all three to the server's queue: a progress bar is shown while it works
        page.locator("[data-testid='stProgress']").first.wait_for(timeout=60_000)
        assert page.get_by_text("Library (3 files)").count() == 0, "the files were stored before the visitor left"
        page.locator("[data-testid='stSidebar'] [data-testid='stPageLink-NavLink']").get_by_text(
            "Chat", exact=True).click()
        page.get_by_role("heading", name="Chat", exact=True).wait_for(timeout=30_000)
        go(page, "Files")
        page.get_by_text("Library (3 files)").wait_for(timeout=120_000)
        idle(page)
        body = page.inner_text("body")
        for p in books:
            assert f"{p.name}: loaded" in body, body[:2000]
        ctx.close()


def test_a_ratio_reads_as_a_percentage_and_a_tie_is_named(tmp_path, browser):
    """Seen in the browser: a margin stored as 0.1305 with a % format reads 14.5% on average (not 0.1451), and
    "highest" names both tied stores and shows the ranking with the runners-up, the tied pair first."""
    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from core import Settings, Workspace

    book = tmp_path / "margins.xlsx"
    df = pd.DataFrame({"Store": ["North", "South", "East", "West"], "Margin": [0.1305, 0.2, 0.05, 0.2]})
    with pd.ExcelWriter(book) as w:
        df.to_excel(w, index=False)
        for row in range(2, 6):
            w.sheets["Sheet1"].cell(row=row, column=2).number_format = "0.0%"
    ws = Workspace(Settings(home=tmp_path, build_index=False, isolate_parsing=False))
    assert ws.add_file(book)["status"] == "ok"
    with streamlit_server(tmp_path) as url:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(url + "/?user=ida")
        page.get_by_role("heading", name="Chat", exact=True).wait_for(timeout=60_000)
        idle(page)
        ask(page, "What is the average Margin?")
        page.get_by_text("Computed:").first.wait_for(timeout=60_000)
        idle(page)
        mean = f"{df.Margin.mean() * 100:.1f}%"  # 14.5%
        assert mean in page.inner_text("body") and "0.1451" not in page.inner_text("body")
        ask(page, "Which store has the highest Margin?")
        page.get_by_text("South and West tie").wait_for(timeout=60_000)
        idle(page)
        # the ranking grid (a canvas): its cells are not text, so check the tie in the sentence and a screenshot
        assert "20.0%" in page.inner_text("body")
        page.screenshot(path=str(SHOTS / "ratio-and-tie.png"), full_page=True)
        ctx.close()


def test_whats_interesting_shows_insights_with_a_chart_and_the_files_page_summarizes(tmp_path, browser):
    """Asked "what's interesting?", the Chat page lists ranked findings, each with its query, and draws at
    least one Plotly chart; the Files page's Summarize button shows the same findings for one file."""
    sys.path.insert(0, str(ROOT))
    from core import Settings, Workspace

    ws = Workspace(Settings(home=tmp_path, build_index=False, isolate_parsing=False))
    assert ws.add_file(ADIDAS)["status"] == "ok"
    with streamlit_server(tmp_path) as url:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1500})
        page = ctx.new_page()
        page.goto(url + "/?user=ivy")
        page.get_by_role("heading", name="Chat", exact=True).wait_for(timeout=60_000)
        idle(page)
        ask(page, "what's interesting?")
        page.get_by_text("What stands out in").first.wait_for(timeout=60_000)
        idle(page)
        findings = page.locator("[data-testid='stChatMessage'] li")
        assert findings.count() >= 3, page.inner_text("body")[:2000]
        page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
        assert "move together" in page.inner_text("body")
        page.get_by_text("What stands out in").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "insights-chat.png"))
        go(page, "Files")
        page.get_by_role("button", name="Summarize").first.click()
        page.get_by_text("findings in Adidas US Sales Datasets.xlsx").wait_for(timeout=60_000)
        idle(page)
        page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
        page.get_by_text("findings in Adidas US Sales Datasets.xlsx").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "insights-files.png"))
        ctx.close()
