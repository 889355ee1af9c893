"""core.llm.OllamaLLM through the real client stack against a real (fake) Ollama server."""
from __future__ import annotations

import threading
import time

import httpx
import ollama
import pytest
from fake_ollama import FakeOllama, Reply, free_port

from core import errors
from core.config import Settings
from core.llm import ChatChunk, ChatModel, OllamaLLM, map_error, with_retries

MSGS = [
    {"role": "system", "content": "Answer from the data below.\n<data>\nSales total: 42\n</data>"},
    {"role": "user", "content": "What are total sales?"},
]
SCHEMA = {"type": "object", "properties": {"intent": {"type": "string", "maxLength": 40}},
          "required": ["intent"]}


@pytest.fixture
def make_llm():
    """Build clients that are closed after the test (no leaked pooled sockets)."""
    made: list[OllamaLLM] = []

    def make(settings: Settings) -> OllamaLLM:
        made.append(OllamaLLM(settings))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture
def llm(make_llm, llm_settings):
    return make_llm(llm_settings)


def texts(chunks) -> list[str]:
    """The text pieces of a stream, without the final done chunk."""
    return [c.text for c in chunks if c.text]


def offline_settings(**kw) -> Settings:
    return Settings(ollama_host=f"http://127.0.0.1:{free_port()}", llm_backoff_s=0.01,
                    llm_timeout_s=2, **kw)


# --- streaming ---------------------------------------------------------------------
def test_stream_yields_tokens_in_order_as_they_arrive(llm, fake_ollama):
    fake_ollama.reply_text("Total sales are 42.", gate_after=1)
    gen = llm.stream_chat(MSGS)
    first = next(gen)
    # The server holds every chunk after the first until released: the first token
    # reached us while the rest of the answer had not been sent yet.
    assert first == ChatChunk(text="Total")
    assert fake_ollama.chunks_sent == 1
    fake_ollama.release()
    rest = list(gen)
    assert [c.text for c in rest] == [" sales", " are", " 42.", ""]
    assert fake_ollama.chunks_sent == 4
    *tokens, last = rest
    assert not any(c.done for c in tokens) and last.done and last.model == "llama3"
    # the server's own durations (ns) become milliseconds: the model's speed is tokens / eval_ms
    assert last.usage == {"prompt_tokens": 26, "completion_tokens": 4, "total_tokens": 30,
                          "done_reason": "stop", "prompt_ms": 2.345678, "eval_ms": 98.765432}


def test_stream_with_pauses_between_chunks(llm, fake_ollama):
    fake_ollama.reply_text("one two three", between=0.05)
    assert texts(llm.stream_chat(MSGS)) == ["one", " two", " three"]


def test_stream_sends_messages_model_and_options(llm, fake_ollama, llm_settings):
    fake_ollama.reply_text("ok")
    assert "".join(texts(llm.stream_chat(MSGS))) == "ok"
    (body,) = fake_ollama.chat_requests
    assert body["model"] == "llama3"
    assert body["stream"] is True
    assert body["messages"] == MSGS
    assert "<data>" in body["messages"][0]["content"]
    assert body["options"]["num_predict"] == llm_settings.llm_narration_tokens
    assert body["options"]["temperature"] == llm_settings.llm_temperature
    assert body["keep_alive"] == llm_settings.llm_keep_alive
    assert "format" not in body
    # the context window is configured, never discovered with an extra /api/show call
    assert fake_ollama.requests_to("/api/show") == []
    assert llm.model == "llama3"


def test_stopping_early_releases_the_stream(llm, fake_ollama):
    fake_ollama.reply_text("a b c d e f")
    fake_ollama.reply_text("again")
    gen = llm.stream_chat(MSGS)
    assert next(gen).text == "a"
    gen.close()
    assert texts(llm.stream_chat(MSGS)) == ["again"]


def test_one_instance_serves_parallel_sessions(llm, fake_ollama):
    fake_ollama.default_reply = Reply(text="same answer for everyone", between=0.01)
    results: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append("".join(texts(llm.stream_chat(MSGS))))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    assert results == ["same answer for everyone"] * 6


# --- JSON completion ------------------------------------------------------------------
def test_complete_json_returns_object_and_sends_format(llm, fake_ollama):
    fake_ollama.reply_json({"intent": "sum", "column": "Sales"})
    assert llm.complete_json(MSGS, SCHEMA) == {"intent": "sum", "column": "Sales"}
    (body,) = fake_ollama.chat_requests
    assert body["format"] == SCHEMA
    assert body["stream"] is True
    assert body["messages"] == MSGS


def test_complete_json_rejects_non_json(llm, fake_ollama):
    fake_ollama.reply_text("Sure! The intent is sum.")
    with pytest.raises(errors.LLMBadOutput):
        llm.complete_json(MSGS, SCHEMA)


def test_complete_json_rejects_non_object(llm, fake_ollama):
    fake_ollama.reply_json([1, 2, 3])
    with pytest.raises(errors.LLMBadOutput):
        llm.complete_json(MSGS, SCHEMA)


def test_complete_json_malformed_body(llm, fake_ollama):
    fake_ollama.enqueue(Reply(json={"intent": "sum"}, malformed_after=0))
    with pytest.raises(errors.LLMBadOutput):
        llm.complete_json(MSGS, SCHEMA)


def test_complete_json_retries_busy_then_succeeds(llm, fake_ollama):
    fake_ollama.reply_error(503)
    fake_ollama.reply_json({"intent": "count"})
    assert llm.complete_json(MSGS, SCHEMA) == {"intent": "count"}
    assert len(fake_ollama.chat_requests) == 2


def test_complete_json_retries_dropped_connection(llm, fake_ollama):
    fake_ollama.enqueue(Reply(json={"intent": "x"}, disconnect_after=0))
    fake_ollama.reply_json({"intent": "count"})
    assert llm.complete_json(MSGS, SCHEMA) == {"intent": "count"}
    assert len(fake_ollama.chat_requests) == 2


# --- retries -------------------------------------------------------------------------
def test_stream_retries_503_with_backoff_then_succeeds(llm, fake_ollama):
    fake_ollama.reply_error(503)
    fake_ollama.reply_error(503)
    fake_ollama.reply_text("finally here")
    assert "".join(texts(llm.stream_chat(MSGS))) == "finally here"
    assert len(fake_ollama.chat_requests) == 3


def test_busy_after_all_attempts_raises_llmbusy(llm, fake_ollama):
    for _ in range(3):
        fake_ollama.reply_error(503)
    fake_ollama.reply_text("never reached")
    with pytest.raises(errors.LLMBusy) as ei:
        list(llm.stream_chat(MSGS))
    assert "busy" in str(ei.value).lower()
    assert len(fake_ollama.chat_requests) == 3
    assert fake_ollama.pending == 1


def test_attempts_setting_is_honoured(make_llm, fake_ollama, llm_settings):
    llm = make_llm(llm_settings.with_(llm_attempts=1))
    fake_ollama.reply_error(503)
    with pytest.raises(errors.LLMBusy):
        list(llm.stream_chat(MSGS))
    assert len(fake_ollama.chat_requests) == 1


def test_stream_retries_drop_before_first_token(llm, fake_ollama):
    fake_ollama.reply_disconnect(after=0)  # headers sent, then the connection closes
    fake_ollama.reply_hangup()  # connection closes without any response
    fake_ollama.reply_text("recovered answer")
    assert texts(llm.stream_chat(MSGS)) == ["recovered", " answer"]
    assert len(fake_ollama.chat_requests) == 3


def test_stream_drop_after_tokens_raises_and_does_not_replay(llm, fake_ollama):
    fake_ollama.reply_disconnect(after=2, text="one two three four")
    fake_ollama.reply_text("SHOULD NOT BE USED")
    got: list[str] = []
    with pytest.raises(errors.LLMDropped) as ei:
        for chunk in llm.stream_chat(MSGS):
            got.append(chunk.text)
    assert got == ["one", " two"]
    assert "closed before the answer was complete" in str(ei.value)
    assert len(fake_ollama.chat_requests) == 1


def test_error_line_mid_stream_raises(llm, fake_ollama):
    fake_ollama.enqueue(Reply(text="a b c", error_line_after=1, error="model crashed"))
    with pytest.raises(errors.LLMError) as ei:
        list(llm.stream_chat(MSGS))
    assert "model crashed" in str(ei.value)


# --- failures ------------------------------------------------------------------------
def test_timeout_raises_llmtimeout(make_llm, fake_ollama, llm_settings):
    llm = make_llm(llm_settings.with_(llm_timeout_s=0.3))
    fake_ollama.reply_text("too late", delay=1.5)
    with pytest.raises(errors.LLMTimeout) as ei:
        list(llm.stream_chat(MSGS))
    assert "0.3 seconds" in str(ei.value)
    assert len(fake_ollama.chat_requests) == 1  # a timeout is not retried


def test_a_model_that_streams_past_the_budget_is_not_called_loading(make_llm, fake_ollama, llm_settings):
    llm = make_llm(llm_settings.with_(llm_timeout_s=2, llm_budget_s=0.4))
    fake_ollama.reply_text("one two three four five six seven eight", between=0.15)
    got = []
    with pytest.raises(errors.LLMTimeout) as ei:
        for chunk in llm.stream_chat(MSGS):
            got.append(chunk.text)
    msg = str(ei.value)
    assert "still writing after 0.4 seconds" in msg and "EXCELCHAT_LLM_BUDGET" in msg and "loading" not in msg
    assert 1 <= len(got) < 8  # it stopped reading before the end


def test_a_stall_mid_reply_says_so(make_llm, fake_ollama, llm_settings):
    llm = make_llm(llm_settings.with_(llm_timeout_s=0.3, llm_budget_s=30))
    fake_ollama.reply_text("one two three", between=1.2)
    with pytest.raises(errors.LLMTimeout) as ei:
        list(llm.stream_chat(MSGS))
    assert "stopped sending in the middle" in str(ei.value) and "loading" not in str(ei.value)


def test_no_first_token_names_loading(make_llm, fake_ollama, llm_settings):
    llm = make_llm(llm_settings.with_(llm_timeout_s=0.3))
    fake_ollama.reply_text("late", delay=1.2)
    with pytest.raises(errors.LLMTimeout) as ei:
        list(llm.stream_chat(MSGS))
    assert "no word of a reply within 0.3 seconds" in str(ei.value) and "loading" in str(ei.value)


def test_narration_and_plan_have_their_own_token_caps(make_llm, fake_ollama, llm_settings):
    llm = make_llm(llm_settings.with_(llm_narration_tokens=3, llm_plan_tokens=7))
    fake_ollama.reply_text("one two three four five")
    chunks = list(llm.stream_chat(MSGS))
    assert "".join(c.text for c in chunks) == "one two three"
    assert chunks[-1].usage["done_reason"] == "length" and chunks[-1].usage["completion_tokens"] == 3
    fake_ollama.reply_json({"intent": "sum"})
    assert llm.complete_json(MSGS, SCHEMA) == {"intent": "sum"}
    narration, plan = fake_ollama.chat_requests
    assert narration["options"]["num_predict"] == 3 and plan["options"]["num_predict"] == 7
    assert plan["stream"] is True and plan["format"] == SCHEMA  # streamed, so waiting and writing are told apart


def test_a_plan_cut_off_at_its_cap_is_reported_not_parsed(make_llm, fake_ollama, llm_settings):
    llm = make_llm(llm_settings.with_(llm_plan_tokens=2))
    fake_ollama.reply_json({"intent": "a rather long value that needs many chunks"})
    with pytest.raises(errors.LLMBadOutput) as ei:
        llm.complete_json(MSGS, SCHEMA)
    assert "cut off at 2 tokens" in str(ei.value)


def test_a_raw_tab_inside_a_json_string_is_read(llm, fake_ollama):
    fake_ollama.enqueue(Reply(chunks=['{"intent": "a\tb"}']))
    assert llm.complete_json(MSGS, SCHEMA) == {"intent": "a\tb"}


def test_complete_json_timeout(make_llm, fake_ollama, llm_settings):
    llm = make_llm(llm_settings.with_(llm_timeout_s=0.3))
    fake_ollama.reply_json({"intent": "sum"}, delay=1.5)
    with pytest.raises(errors.LLMTimeout):
        llm.complete_json(MSGS, SCHEMA)


def test_unknown_model_raises_model_not_found_with_pull_hint(
    make_llm, fake_ollama, llm_settings
):
    llm = make_llm(llm_settings.with_(ollama_model="mistral"))
    with pytest.raises(errors.ModelNotFound) as ei:
        list(llm.stream_chat(MSGS))
    assert "`ollama pull mistral`" in str(ei.value)
    with pytest.raises(errors.ModelNotFound):
        llm.complete_json(MSGS, SCHEMA)
    assert len(fake_ollama.chat_requests) == 2  # 404 is never retried


def test_scripted_404_maps_to_model_not_found(llm, fake_ollama):
    fake_ollama.reply_error(404, 'model "llama3" not found, try pulling it first')
    with pytest.raises(errors.ModelNotFound) as ei:
        list(llm.stream_chat(MSGS))
    assert "`ollama pull llama3`" in str(ei.value)
    assert len(fake_ollama.chat_requests) == 1


def test_nothing_listening_raises_unavailable(make_llm):
    settings = offline_settings()
    llm = make_llm(settings)
    with pytest.raises(errors.LLMUnavailable) as ei:
        list(llm.stream_chat(MSGS))
    msg = str(ei.value)
    assert settings.ollama_base_url in msg and "ollama serve" in msg and "OLLAMA_HOST" in msg
    with pytest.raises(errors.LLMUnavailable):
        llm.complete_json(MSGS, SCHEMA)
    with pytest.raises(errors.LLMUnavailable):
        llm.models()


def test_malformed_ndjson_raises_bad_output(llm, fake_ollama):
    fake_ollama.reply_malformed(after=0)
    with pytest.raises(errors.LLMBadOutput):
        list(llm.stream_chat(MSGS))
    assert len(fake_ollama.chat_requests) == 1


def test_malformed_line_after_tokens_raises_bad_output(llm, fake_ollama):
    fake_ollama.reply_malformed(after=2, text="one two three")
    got: list[str] = []
    with pytest.raises(errors.LLMBadOutput):
        for chunk in llm.stream_chat(MSGS):
            got.append(chunk.text)
    assert got == ["one", " two"]


def test_disabled_llm_makes_no_requests(make_llm, fake_ollama, llm_settings):
    llm = make_llm(llm_settings.with_(llm_enabled=False))
    with pytest.raises(errors.LLMNotConfigured):
        list(llm.stream_chat(MSGS))
    with pytest.raises(errors.LLMNotConfigured):
        llm.complete_json(MSGS, SCHEMA)
    assert llm.health()["ok"] is False
    assert fake_ollama.requests == []


def test_bad_message_is_a_programming_error(llm):
    with pytest.raises(ValueError):
        llm.stream_chat([{"role": "robot", "content": "hi"}])


# --- health and models ------------------------------------------------------------------
def test_health_online(llm):
    h = llm.health()
    assert h["ok"] is True and h["reachable"] is True
    assert h["model"] == "llama3" and h["model_available"] is True
    assert "ready" in h["detail"]


def test_health_model_missing(make_llm, fake_ollama, llm_settings):
    h = make_llm(llm_settings.with_(ollama_model="mistral:7b")).health()
    assert h["ok"] is False and h["reachable"] is True and h["model_available"] is False
    assert "`ollama pull mistral:7b`" in h["detail"]


def test_health_offline_never_raises(make_llm):
    h = make_llm(offline_settings()).health()
    assert h["ok"] is False and h["reachable"] is False and h["model_available"] is False
    assert "not reachable" in h["detail"]


def test_models_lists_names(llm, fake_ollama):
    fake_ollama.models = ["llama3:latest", "qwen2.5:7b"]
    assert llm.models() == ["llama3:latest", "qwen2.5:7b"]


# --- the fake server itself -----------------------------------------------------------
def test_fake_server_speaks_ollama_basics(fake_ollama):
    base = fake_ollama.url
    assert httpx.get(base + "/").text == "Ollama is running"
    assert "version" in httpx.get(base + "/api/version").json()
    r = httpx.post(base + "/api/show", json={"model": "nope"})
    assert r.status_code == 404 and r.json() == {"error": "model 'nope' not found"}
    assert httpx.post(base + "/api/show", json={"model": "llama3"}).status_code == 200
    r = httpx.post(base + "/api/chat", json={"model": "x", "messages": []})
    assert r.status_code == 404
    assert r.json() == {"error": 'model "x" not found, try pulling it first'}
    fake_ollama.reply_text("hi there")
    r = httpx.post(base + "/api/chat", json={"model": "llama3", "messages": [], "stream": False})
    assert r.json()["message"]["content"] == "hi there" and r.json()["done"] is True


# --- the ChatModel seam -------------------------------------------------------------------
class ScriptedModel:
    """A ChatModel without a server: streams fixed words, then a done chunk with usage."""

    def __init__(self, words: list[str]):
        self.words = words

    def stream_chat(self, messages):
        yield from (ChatChunk(text=w) for w in self.words)
        yield ChatChunk(done=True, model="scripted", usage={"prompt_tokens": 5, "completion_tokens": 2,
                                                              "total_tokens": 7})

    def complete_json(self, messages, schema):
        return {}

    def health(self):
        return {"ok": True, "reachable": True, "model": "scripted", "model_available": True, "detail": ""}

    def models(self):
        return ["scripted"]


class NoModels:
    """Everything a ChatModel has except ``models``."""

    def stream_chat(self, messages):
        return iter(())

    def complete_json(self, messages, schema):
        return {}

    def health(self):
        return {}


def test_ollama_llm_and_fakes_satisfy_chat_model(llm):
    assert isinstance(llm, ChatModel)
    assert isinstance(ScriptedModel(["a"]), ChatModel)
    assert not isinstance(NoModels(), ChatModel)


def test_pipeline_takes_model_name_and_usage_from_the_done_chunk(tmp_path):
    import pandas as pd

    from core import Workspace
    from core.answer import Answerer
    from core.chat import ChatPipeline

    p = tmp_path / "sales.csv"
    pd.DataFrame({"Region": ["East", "West"], "Sales": [10.0, 20.0]}).to_csv(p, index=False)
    ws = Workspace(Settings(home=tmp_path / "ws"))
    ws.add_file(p)
    events, out = ChatPipeline(Answerer(ws), llm=ScriptedModel(["West", " leads."])).run(
        "What is the total sales for West?")
    assert "".join(e.data for e in events if e.type == "token") == "West leads."
    done = events[-1].data
    assert done["model"] == "scripted" and out["llm"]["model"] == "scripted" and out["llm"]["completion_tokens"] == 2 and out["answer"] == "West leads."
    assert done["usage"] == {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}


def test_every_call_goes_through_the_ollama_client(llm, fake_ollama):
    fake_ollama.reply_text("hi")
    fake_ollama.reply_json({"a": 1})
    assert texts(llm.stream_chat(MSGS)) == ["hi"]
    llm.complete_json(MSGS, SCHEMA)
    llm.models()
    llm.health()
    def agent(r: dict) -> str:
        headers = {k.lower(): v for k, v in r["headers"].items()}
        return headers.get("user-agent", "").split("/")[0]

    agents = {(r["path"], agent(r)) for r in fake_ollama.requests}
    assert agents == {("/api/chat", "ollama-python"), ("/api/tags", "ollama-python")}


def test_health_asks_tags_only(llm, fake_ollama):
    assert llm.health()["ok"] is True
    assert len(fake_ollama.requests_to("/api/tags")) == 1 and fake_ollama.chat_requests == []


def test_health_probes_once_while_models_retries(make_llm, monkeypatch):
    llm = make_llm(offline_settings(llm_attempts=3))
    calls = []

    def down():
        calls.append(1)
        raise ConnectionError("Failed to connect to Ollama.")

    monkeypatch.setattr(llm._client, "list", down)
    h = llm.health()
    assert h["reachable"] is False and "not reachable" in h["detail"] and len(calls) == 1
    with pytest.raises(errors.LLMUnavailable):
        llm.models()
    assert len(calls) == 1 + 3


# --- errors and the retry helper ----------------------------------------------------------
def test_retryable_errors_are_subclasses_not_attributes():
    for cls in (errors.LLMUnavailable, errors.LLMBusy, errors.LLMDropped):
        assert issubclass(cls, errors.LLMRetryable)
    for cls in (errors.ModelNotFound, errors.LLMTimeout, errors.LLMBadOutput, errors.LLMNotConfigured):
        assert issubclass(cls, errors.LLMError) and not issubclass(cls, errors.LLMRetryable)
    assert not hasattr(errors.LLMBusy("x"), "retryable")


@pytest.mark.parametrize("exc, cls", [
    (ollama.ResponseError("server busy, please try again", 503), errors.LLMBusy),
    (ollama.ResponseError("too many requests", 429), errors.LLMBusy),
    (ollama.ResponseError('model "x" not found, try pulling it first', 404), errors.ModelNotFound),
    (ollama.ResponseError("gateway timeout", 504), errors.LLMTimeout),
    (ollama.ResponseError("llama runner process has terminated", 500), errors.LLMError),
    (ConnectionError("Failed to connect to Ollama."), errors.LLMUnavailable),
    (httpx.ConnectError("refused"), errors.LLMUnavailable),
    (httpx.ReadTimeout("slow"), errors.LLMTimeout),
    (httpx.RemoteProtocolError("peer closed"), errors.LLMDropped),
    (ConnectionResetError(), errors.LLMDropped),
    (httpx.UnsupportedProtocol("ftp"), errors.LLMNotConfigured),
    (ValueError("?"), errors.LLMError),
])
def test_map_error(exc, cls):
    err = map_error(exc, host="http://h:1", model="m", timeout_s=3)
    assert type(err) is cls and str(err)


def test_map_error_messages_say_what_to_do():
    where = dict(host="http://h:1", model="qwen", timeout_s=7)
    assert "`ollama pull qwen`" in str(map_error(ollama.ResponseError("not found", 404), **where))
    assert "ollama serve" in str(map_error(httpx.ConnectError("x"), **where))
    assert "7 seconds" in str(map_error(httpx.ReadTimeout("x"), **where))
    err = errors.LLMBusy("already mapped")
    assert map_error(err, **where) is err


def _flaky(failures: list[BaseException], result="ok"):
    calls = []

    def call():
        calls.append(1)
        if failures:
            raise failures.pop(0)
        return result

    return call, calls


def test_with_retries_backs_off_then_succeeds():
    call, calls = _flaky([ollama.ResponseError("busy", 503), ConnectionError("down")])
    slept: list[float] = []
    to_error = lambda e: map_error(e, host="h", model="m", timeout_s=1)
    assert with_retries(call, attempts=3, backoff_s=0.5, to_error=to_error, sleep=slept.append) == "ok"
    assert len(calls) == 3 and slept == [0.5, 1.0]


def test_with_retries_gives_up_after_attempts_and_never_retries_the_rest():
    to_error = lambda e: map_error(e, host="h", model="m", timeout_s=1)
    call, calls = _flaky([ollama.ResponseError("busy", 503)] * 5)
    with pytest.raises(errors.LLMBusy) as ei:
        with_retries(call, attempts=2, backoff_s=0, to_error=to_error, sleep=lambda s: None)
    assert len(calls) == 2 and isinstance(ei.value.__cause__, ollama.ResponseError)
    for exc in (ollama.ResponseError("model not found", 404), httpx.ReadTimeout("slow")):
        call, calls = _flaky([exc])
        with pytest.raises(errors.LLMError):
            with_retries(call, attempts=3, backoff_s=0, to_error=to_error, sleep=lambda s: None)
        assert len(calls) == 1


# --- the command line's probe ---------------------------------------------------------------
def test_cli_uses_health_to_decide(fake_ollama, llm_settings):
    from core.__main__ import _llm_if_up

    said: list[str] = []
    up = _llm_if_up(llm_settings, said.append)
    assert isinstance(up, OllamaLLM) and said == []
    up.close()
    assert fake_ollama.chat_requests == [] and len(fake_ollama.requests_to("/api/tags")) == 1
    assert _llm_if_up(llm_settings.with_(ollama_model="mistral"), said.append) is None
    assert "`ollama pull mistral`" in said[-1]
    assert _llm_if_up(offline_settings(), said.append) is None
    assert "not reachable" in said[-1] and said[-1].startswith("LLM off:")
    assert _llm_if_up(llm_settings.with_(llm_enabled=False), said.append) is None


# --- several servers in OLLAMA_HOST ----------------------------------------------------------
@pytest.fixture
def second_ollama():
    with FakeOllama(models=["llama3:latest"]) as fake:
        yield fake


def pool_settings(*urls: str, **kw) -> Settings:
    base = dict(ollama_model="llama3", llm_backoff_s=0.01, llm_timeout_s=2, llm_attempts=1)
    return Settings(ollama_host=",".join(urls), **{**base, **kw})


def test_ollama_host_lists_several_servers():
    s = Settings(ollama_host=" http://a:11434/ , b:11434,, ")
    assert s.ollama_hosts == ("http://a:11434", "http://b:11434")
    assert s.ollama_base_url == "http://a:11434, http://b:11434"
    assert Settings(ollama_host="localhost:11434/").ollama_hosts == ("http://localhost:11434",)
    assert Settings().ollama_base_url == "http://localhost:11434"


def test_calls_go_to_the_live_server(make_llm, fake_ollama):
    dead = f"http://127.0.0.1:{free_port()}"
    llm = make_llm(pool_settings(dead, fake_ollama.url))
    fake_ollama.reply_text("Total sales are 42.")
    fake_ollama.reply_json({"intent": "sum"})
    assert "".join(texts(llm.stream_chat(MSGS))) == "Total sales are 42."
    assert llm.complete_json(MSGS, SCHEMA) == {"intent": "sum"}
    assert llm.models() == ["llama3:latest"]
    assert len(fake_ollama.chat_requests) == 2


def test_first_server_is_used_while_it_answers(make_llm, fake_ollama, second_ollama):
    llm = make_llm(pool_settings(fake_ollama.url, second_ollama.url))
    for _ in range(3):
        fake_ollama.reply_text("one")
        assert texts(llm.stream_chat(MSGS)) == ["one"]
    assert len(fake_ollama.chat_requests) == 3 and second_ollama.requests == []


def test_a_server_that_comes_back_is_used_after_the_cooldown(make_llm, second_ollama):
    port = free_port()
    llm = make_llm(pool_settings(f"http://127.0.0.1:{port}", second_ollama.url, llm_host_cooldown_s=0.5))
    second_ollama.reply_text("from b")
    assert texts(llm.stream_chat(MSGS)) == ["from", " b"]
    with FakeOllama(port=port) as first:
        first.reply_text("from a")
        second_ollama.reply_text("still b")
        assert texts(llm.stream_chat(MSGS)) == ["still", " b"]  # a is in its cool-down: not even asked
        assert first.requests == []
        time.sleep(0.6)
        assert texts(llm.stream_chat(MSGS)) == ["from", " a"]
        assert len(first.chat_requests) == 1 and len(second_ollama.chat_requests) == 2


def test_a_server_with_no_first_token_in_time_is_passed_over(make_llm, fake_ollama, second_ollama):
    llm = make_llm(pool_settings(fake_ollama.url, second_ollama.url, llm_timeout_s=0.5))
    fake_ollama.reply_text("late", delay=2)
    second_ollama.reply_text("on time")
    assert texts(llm.stream_chat(MSGS)) == ["on", " time"]


def test_a_reply_never_moves_to_another_server_mid_stream(make_llm, fake_ollama, second_ollama):
    llm = make_llm(pool_settings(fake_ollama.url, second_ollama.url, llm_attempts=3))
    fake_ollama.reply_disconnect(after=2)
    gen = llm.stream_chat(MSGS)
    assert next(gen).text == "one"
    with pytest.raises(errors.LLMDropped):
        list(gen)
    assert second_ollama.requests == [] and len(fake_ollama.chat_requests) == 1


def test_when_every_server_is_down_the_error_names_them_all(make_llm):
    a, b = (f"http://127.0.0.1:{free_port()}" for _ in range(2))
    llm = make_llm(pool_settings(a, b, llm_attempts=2))
    for call in (lambda: list(llm.stream_chat(MSGS)), lambda: llm.complete_json(MSGS, SCHEMA), llm.models):
        with pytest.raises(errors.LLMUnavailable) as ei:
            call()
        assert a in str(ei.value) and b in str(ei.value) and "OLLAMA_HOST" in str(ei.value)


def test_health_reports_each_server_and_is_ok_when_one_is(make_llm, fake_ollama):
    dead = f"http://127.0.0.1:{free_port()}"
    h = make_llm(pool_settings(dead, fake_ollama.url)).health()
    assert h["ok"] is True and h["reachable"] is True and h["model_available"] is True
    assert set(h["hosts"]) == {dead, fake_ollama.url}
    assert "not reachable" in h["hosts"][dead] and "ready" in h["hosts"][fake_ollama.url]
    assert fake_ollama.url in h["detail"] and dead in h["detail"]
    down = make_llm(pool_settings(dead, f"http://127.0.0.1:{free_port()}")).health()
    assert down["ok"] is False and down["reachable"] is False and all("not reachable" in d for d in down["hosts"].values())


def test_one_server_health_has_no_per_server_part(llm):
    assert "hosts" not in llm.health()
