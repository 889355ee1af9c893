"""The one narrow seam to the local model (Ollama).

Numbers never come from here: the model only plans (``complete_json``) and narrates
(``stream_chat``). Consumers depend on the ``ChatModel`` protocol, not on Ollama.
Every failure leaves this module as an ``LLMError`` subclass whose message is written
for end users; ``map_error`` is the only place that translates exceptions from httpx,
the ``ollama`` client and llama-index into those errors, and ``with_retries`` is the
only place that retries (``LLMRetryable`` errors only).
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    NotRequired,
    Protocol,
    TypedDict,
    TypeVar,
    runtime_checkable,
)

import httpx
import ollama
import pydantic

from .config import Settings
from .errors import (
    LLMBadOutput,
    LLMBusy,
    LLMDropped,
    LLMError,
    LLMNotConfigured,
    LLMRetryable,
    LLMTimeout,
    LLMUnavailable,
    ModelNotFound,
)

if TYPE_CHECKING:
    from llama_index.core.base.llms.types import ChatMessage, ChatResponse
    from llama_index.llms.ollama import Ollama

__all__ = ["ChatChunk", "ChatModel", "Health", "Message", "OllamaLLM", "Usage", "map_error",
           "with_retries"]

T = TypeVar("T")

# num_ctx sent with every request. Set explicitly so llama-index never calls /api/show to
# discover it (and never sends a huge model maximum such as 128k, which costs a lot of RAM).
DEFAULT_NUM_CTX = 8192
_ROLES = ("system", "user", "assistant")


# --- the seam ----------------------------------------------------------------------------
class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


class Usage(TypedDict, total=False):
    """Token counts of one answer, from Ollama's final chunk."""
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    done_reason: str
    prompt_ms: float  # the server's time reading the prompt
    eval_ms: float  # and writing the reply (completion_tokens / eval_ms is the model's speed)


class Health(TypedDict):
    """``ok``: the server answers and the configured model is installed."""
    ok: bool
    reachable: bool
    model: str
    model_available: bool
    detail: str
    hosts: NotRequired[dict[str, str]]  # with several servers in OLLAMA_HOST: each one's detail


@dataclass(frozen=True)
class ChatChunk:
    """One piece of a streamed answer; the last one has ``done=True`` and carries model and usage."""
    text: str = ""
    done: bool = False
    model: str | None = None
    usage: Usage = field(default_factory=lambda: Usage())


@runtime_checkable
class ChatModel(Protocol):
    """What Excel Chat needs from a language model. Methods raise ``LLMError`` subclasses only."""

    def stream_chat(self, messages: Sequence[Message]) -> Iterator[ChatChunk]:
        """Text chunks as they are generated, ending with one ``done`` chunk."""
        ...

    def complete_json(self, messages: Sequence[Message], schema: dict[str, Any] | None) -> dict[str, Any]:
        """One JSON object constrained to ``schema`` (any JSON object when None)."""
        ...

    def health(self) -> Health:
        """Whether answers can be produced now; never raises."""
        ...

    def models(self) -> list[str]:
        """Names of the installed models."""
        ...


# --- errors and retries -------------------------------------------------------------------
class _StreamEnded(Exception):
    """The NDJSON stream ended without Ollama's final ``"done": true`` line."""


@dataclass(frozen=True)
class _Where:
    """What error messages name: the server, the model, the limits and how far the reply had got.

    ``phase`` is "waiting" before the first token (connecting, loading the model, reading the prompt) and
    "streaming" once tokens flow: a model that is writing is slow, not loading, and the message says so."""
    host: str
    model: str
    timeout_s: float
    phase: str = "waiting"

    def unavailable(self) -> LLMUnavailable:
        return LLMUnavailable(
            f"Ollama is not reachable at {self.host}. Start it with `ollama serve`, or set "
            "OLLAMA_HOST. Everything except the written explanation works without it.")

    def timeout(self) -> LLMTimeout:
        if self.phase == "streaming":
            return LLMTimeout(
                f"The model '{self.model}' stopped sending in the middle of its reply (nothing for "
                f"{self.timeout_s:g} seconds). Try again; a smaller model is steadier on a busy machine.")
        return LLMTimeout(
            f"Ollama at {self.host} sent no word of a reply within {self.timeout_s:g} seconds. The model "
            f"'{self.model}' may still be loading (the first answer after a start can take a minute); "
            "try again, or raise EXCELCHAT_LLM_TIMEOUT.")

    def over_budget(self, budget_s: float, tokens: int) -> LLMTimeout:
        return LLMTimeout(
            f"The model '{self.model}' was still writing after {budget_s:g} seconds ({tokens} tokens so far), "
            "longer than a reply may take. A smaller model answers faster; or raise EXCELCHAT_LLM_BUDGET.")

    def not_found(self) -> ModelNotFound:
        return ModelNotFound(
            f"The model '{self.model}' is not installed in Ollama at {self.host}. Download it with "
            f"`ollama pull {self.model}`, or choose another model (EXCELCHAT_MODEL).")


def _from_response(exc: ollama.ResponseError, where: _Where) -> LLMError:
    """An error Ollama reported (HTTP status, or an ``error`` line in the stream)."""
    status, text = exc.status_code, str(exc.error or "")
    low = text.lower()
    if status == 404 or ("not found" in low and "model" in low):
        return where.not_found()
    if status in (429, 503) or any(w in low for w in ("busy", "queue", "pending requests")):
        return LLMBusy("Ollama is busy with other requests right now. Please try again in a moment.")
    if status in (408, 504) or "timeout" in low or "timed out" in low:
        return where.timeout()
    return LLMError(f"Ollama reported an error: {text or 'unknown error'}"
                    + (f" (HTTP {status})." if status > 0 else "."))


def _is_refused(exc: BaseException) -> bool:
    """Nothing answered at the address (the ollama client re-raises httpx.ConnectError as ConnectionError)."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return True
    return isinstance(exc, ConnectionError) and not isinstance(
        exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError))


def _from_transport(exc: BaseException, where: _Where) -> LLMError:
    """A failure below Ollama's API: address, connection, time limit, truncated or unreadable body."""
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return LLMNotConfigured(f"The Ollama address {where.host!r} is not a valid URL. Fix OLLAMA_HOST.")
    if _is_refused(exc):
        return where.unavailable()
    if isinstance(exc, (httpx.TimeoutException, TimeoutError)):
        return where.timeout()
    if isinstance(exc, (_StreamEnded, httpx.RemoteProtocolError, httpx.NetworkError, ConnectionError)):
        return LLMDropped("The connection to Ollama closed before the answer was complete. Try asking again.")
    if isinstance(exc, (json.JSONDecodeError, pydantic.ValidationError, httpx.DecodingError,
                        UnicodeDecodeError, KeyError, TypeError)):
        return LLMBadOutput("Ollama sent a reply that could not be read (malformed response). Try asking again.")
    return LLMError(f"Something went wrong while talking to Ollama: {exc}")


def map_error(exc: BaseException, *, host: str, model: str, timeout_s: float, phase: str = "waiting") -> LLMError:
    """Translate any exception from talking to Ollama into an end-user ``LLMError`` (``phase``: see ``_Where``)."""
    if isinstance(exc, LLMError):
        return exc
    where = _Where(host, model, timeout_s, phase)
    if isinstance(exc, ollama.ResponseError):
        return _from_response(exc, where)
    return _from_transport(exc, where)


def with_retries(call: Callable[[], T], *, attempts: int, backoff_s: float,
                 to_error: Callable[[BaseException], LLMError],
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """``call()``, repeated after ``backoff_s * 2**(n-1)`` seconds while it fails with an ``LLMRetryable``."""
    attempts = max(1, int(attempts))
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as exc:
            err = to_error(exc)
            if not isinstance(err, LLMRetryable) or attempt >= attempts:
                if err is exc:
                    raise
                raise err from exc
        sleep(backoff_s * (2 ** (attempt - 1)))
    raise AssertionError("unreachable")  # pragma: no cover


def _usage(raw: Any) -> Usage:
    """Token counts from Ollama's final chunk (empty when absent)."""
    try:
        raw = dict(raw or {})
    except (TypeError, ValueError):
        return Usage()
    p, e = raw.get("prompt_eval_count"), raw.get("eval_count")
    if p is None and e is None:
        return Usage()
    out = Usage(prompt_tokens=p or 0, completion_tokens=e or 0, total_tokens=(p or 0) + (e or 0))
    if raw.get("done_reason"):
        out["done_reason"] = str(raw["done_reason"])
    for key, ns in (("prompt_ms", "prompt_eval_duration"), ("eval_ms", "eval_duration")):
        if isinstance(raw.get(ns), int | float):
            out[key] = raw[ns] / 1e6
    return out


def _same_model(a: str, b: str) -> bool:
    """'llama3' and 'llama3:latest' name the same model."""
    def norm(name: str) -> str:
        name = name.strip().lower()
        return name if ":" in name.rsplit("/", 1)[-1] else name + ":latest"

    return norm(a) == norm(b)


def _to_llama(messages: Sequence[Message]) -> list[ChatMessage]:
    """llama-index messages; a malformed message is a programming error (ValueError)."""
    from llama_index.core.base.llms.types import ChatMessage, MessageRole

    out = []
    for m in messages:
        role, content = m.get("role"), m.get("content")
        if role not in _ROLES or not isinstance(content, str):
            raise ValueError(f"bad chat message: {m!r}")
        out.append(ChatMessage(role=MessageRole(role), content=content))
    return out


def _fails_over(err: LLMError) -> bool:
    """Another server may do better: this one did not answer, or sent no first token in time."""
    return isinstance(err, (LLMUnavailable, LLMTimeout))


@dataclass
class _Host:
    """One server of OLLAMA_HOST: its client, its llama-index models and until when it is passed over."""
    url: str
    client: ollama.Client
    llamas: dict[str, Ollama] = field(default_factory=dict)
    down_until: float = 0.0


# --- Ollama ---------------------------------------------------------------------------------
class OllamaLLM:
    """``ChatModel`` for one Ollama model, thread-safe: one instance may serve many sessions.

    Chat, streaming and JSON go through llama-index's ``Ollama``; the model list and health use
    the same ``ollama.Client`` instance that class talks through. With several servers in OLLAMA_HOST,
    each has its own client; a call goes to the first one not in its cool-down, and one that does not
    answer (or sends no first token in time) is passed over for ``llm_host_cooldown_s`` while the next
    is tried. A reply that has started streaming stays on its server.
    """

    def __init__(self, settings: Settings):
        self._settings = settings
        self._host = settings.ollama_base_url
        self._model = settings.ollama_model
        self._timeout = float(settings.llm_timeout_s)
        self._budget = float(settings.llm_budget_s)
        # Our own client (httpx.Client is thread-safe), so llama-index never creates one lazily. The read
        # timeout is the wait for the first token and between tokens; the whole reply has its own budget.
        timeout = httpx.Timeout(self._timeout, connect=min(self._timeout, 5.0))
        self._hosts = [_Host(url, ollama.Client(host=url, timeout=timeout)) for url in settings.ollama_hosts]
        self._client = self._hosts[0].client
        self._lock = threading.Lock()

    # --- small accessors ------------------------------------------------------
    @property
    def model(self) -> str:
        return self._model

    @property
    def host(self) -> str:
        return self._host

    def close(self) -> None:
        """Close the pooled HTTP connections (the instance must not be used afterwards)."""
        for h in self._hosts:
            h.client.close()

    def __enter__(self) -> OllamaLLM:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _chat_llm(self, host: _Host, purpose: str) -> Ollama:
        """llama-index's Ollama for "narration" or "plan" (each with its own token cap), built on first use:
        importing it costs seconds a health probe need not pay."""
        with self._lock:
            if purpose not in host.llamas:
                from llama_index.llms.ollama import Ollama

                s = self._settings
                cap = s.llm_narration_tokens if purpose == "narration" else s.llm_plan_tokens
                host.llamas[purpose] = Ollama(
                    model=self._model, base_url=host.url, temperature=s.llm_temperature,
                    context_window=DEFAULT_NUM_CTX, request_timeout=self._timeout,
                    keep_alive=s.llm_keep_alive, additional_kwargs={"num_predict": int(cap)},
                    client=host.client,
                )
            return host.llamas[purpose]

    def _error(self, exc: BaseException, phase: str = "waiting", host: str | None = None) -> LLMError:
        return map_error(exc, host=host or self._host, model=self._model, timeout_s=self._timeout, phase=phase)

    def _on_hosts(self, call: Callable[[_Host], T]) -> T:
        """``call(host)`` on the first server that answers: those not in their cool-down first, in the
        order of OLLAMA_HOST, then the rest (soonest back first). One server: just ``call`` it."""
        if len(self._hosts) == 1:
            return call(self._hosts[0])
        now = time.monotonic()
        order = sorted(self._hosts, key=lambda h: (h.down_until > now, h.down_until if h.down_until > now else 0))
        last: BaseException | None = None
        for host in order:
            try:
                out = call(host)
            except Exception as exc:
                err = self._error(exc, host=host.url)
                if not _fails_over(err):
                    if err is exc:
                        raise
                    raise err from exc
                host.down_until = time.monotonic() + float(self._settings.llm_host_cooldown_s)
                last = exc
                continue
            host.down_until = 0.0  # it answers: no longer passed over
            return out
        assert last is not None
        tried = ", ".join(h.url for h in order)
        raise self._error(last, host=f"any of {tried}") from last

    def _retry(self, call: Callable[[], T], attempts: int | None = None) -> T:
        s = self._settings
        return with_retries(call, attempts=s.llm_attempts if attempts is None else attempts,
                            backoff_s=s.llm_backoff_s, to_error=self._error)

    def _check_enabled(self) -> None:
        if not self._settings.llm_enabled:
            raise LLMNotConfigured(
                "The language model is switched off (EXCELCHAT_LLM=0). "
                "Everything except the written explanation works without it.")

    # --- streaming --------------------------------------------------------------
    def stream_chat(self, messages: Sequence[Message]) -> Iterator[ChatChunk]:
        """Text chunks as Ollama streams them, then one ``done`` chunk with model and usage.

        Connection errors, a busy server and a stream that drops before the first token are
        retried. Once a token was yielded, a dropped stream raises (nothing is replayed). At most
        ``llm_narration_tokens`` tokens (the done chunk's ``done_reason`` is "length" when cut there).
        """
        self._check_enabled()
        return self._stream(_to_llama(messages), "narration")

    def _open_stream(self, host: _Host, msgs: list[ChatMessage], purpose: str,
                     fmt: Any) -> tuple[_Host, list[ChatResponse], Iterator[ChatResponse]]:
        """Start a stream and read it up to the first token (or the end): failures so far are retryable."""
        gen = self._chat_llm(host, purpose).stream_chat(msgs, **({"format": fmt} if fmt is not None else {}))
        head: list[ChatResponse] = []
        try:
            for resp in gen:
                head.append(resp)
                if resp.delta or (resp.raw or {}).get("done"):
                    return host, head, gen
            raise _StreamEnded()
        except BaseException:
            gen.close()
            raise

    def _stream(self, msgs: list[ChatMessage], purpose: str, fmt: Any = None) -> Iterator[ChatChunk]:
        started = time.monotonic()
        host, head, gen = self._retry(lambda: self._on_hosts(lambda h: self._open_stream(h, msgs, purpose, fmt)))
        tokens = 0
        try:
            done = False
            for resp in itertools.chain(head, gen):
                raw = resp.raw or {}
                if raw.get("done"):
                    done = True
                    yield ChatChunk(text=resp.delta or "", done=True, model=self._model, usage=_usage(raw))
                elif resp.delta:
                    tokens += 1
                    yield ChatChunk(text=resp.delta)
                if not done and time.monotonic() - started > self._budget:
                    raise _Where(host.url, self._model, self._timeout).over_budget(self._budget, tokens)
            if not done:
                raise _StreamEnded()
        except LLMError:
            raise
        except Exception as exc:
            raise self._error(exc, "streaming", host.url) from exc
        finally:
            gen.close()  # releases the HTTP connection (and so stops the generation) if we stop early

    # --- JSON -----------------------------------------------------------------------
    def complete_json(self, messages: Sequence[Message], schema: dict[str, Any] | None) -> dict[str, Any]:
        """One chat with Ollama's ``format`` set to ``schema``; the parsed object.

        Streamed like a narration, so the wait for the first token and the reply's budget are told apart;
        at most ``llm_plan_tokens`` tokens (a plan cut there is reported, not parsed)."""
        self._check_enabled()
        text, usage = "", Usage()
        for chunk in self._stream(_to_llama(messages), "plan", schema if schema else "json"):
            text += chunk.text
            if chunk.done:
                usage = chunk.usage
        if usage.get("done_reason") == "length":
            raise LLMBadOutput(
                f"The model's plan was cut off at {self._settings.llm_plan_tokens} tokens, so the question "
                "could not be planned. Try rephrasing it (or raise EXCELCHAT_PLAN_TOKENS).")
        try:
            obj = json.loads(text.strip(), strict=False)  # a raw tab or newline inside a string is still JSON enough
        except json.JSONDecodeError as exc:
            raise LLMBadOutput(
                f"The model's reply was not valid JSON ({exc.msg} at character {exc.pos} of {len(text)}), so the "
                "question could not be planned. Try rephrasing it.") from exc
        if not isinstance(obj, dict):
            raise LLMBadOutput(
                "The model replied with JSON that is not an object, so the question could not "
                "be planned. Try rephrasing it.")
        return obj

    # --- server status --------------------------------------------------------
    @staticmethod
    def _list(host: _Host) -> list[str]:
        return [str(m.model) for m in host.client.list().models if m.model]

    def models(self) -> list[str]:
        """Names of the models installed in Ollama (``/api/tags``) on the first server that answers;
        raises LLMError."""
        return self._retry(lambda: self._on_hosts(self._list))

    def health(self) -> Health:
        """Whether the written explanation can be produced now; one attempt per server, never raises.

        With several servers it is ok when any one is, and ``hosts`` holds each server's detail."""
        if len(self._hosts) == 1:
            return self._probe(self._hosts[0])
        probes = [self._probe(h) for h in self._hosts]
        best = next((p for p in probes if p["ok"]), None) or next((p for p in probes if p["reachable"]), probes[0])
        out = Health(ok=best["ok"], reachable=best["reachable"], model=self._model,
                     model_available=best["model_available"], detail="")
        out["hosts"] = {h.url: p["detail"] for h, p in zip(self._hosts, probes, strict=True)}
        ready = [h.url for h, p in zip(self._hosts, probes, strict=True) if p["ok"]]
        if ready and len(ready) < len(self._hosts):
            out["detail"] = (f"{best['detail']} Not ready: "
                             + " ".join(f"{url}: {d}" for url, d in out["hosts"].items() if url not in ready))
        else:
            out["detail"] = best["detail"] if ready else " ".join(f"{u}: {d}" for u, d in out["hosts"].items())
        return out

    def _probe(self, host: _Host) -> Health:
        """The health of one server."""
        out = Health(ok=False, reachable=False, model=self._model, model_available=False, detail="")
        if not self._settings.llm_enabled:
            out["detail"] = "The language model is switched off (EXCELCHAT_LLM=0)."
            return out
        try:  # a probe: the caller decides when to ask again
            names = with_retries(lambda: self._list(host), attempts=1, backoff_s=0,
                                 to_error=lambda e: self._error(e, host=host.url))
        except LLMError as err:  # with_retries turns every failure into one
            out["detail"] = str(err)
            return out
        out["reachable"] = True
        out["model_available"] = out["ok"] = any(_same_model(n, self._model) for n in names)
        if out["ok"]:
            out["detail"] = f"Ollama is running at {host.url}; model '{self._model}' is ready."
        else:
            out["detail"] = (f"Ollama is running, but the model '{self._model}' is not "
                             f"installed. Download it with `ollama pull {self._model}`.")
        return out
