"""The one narrow seam to the local model (Ollama).

Numbers never come from here: the model only plans (``complete_json``) and narrates
(``stream_chat``). Every failure leaves this module as an ``LLMError`` subclass whose
message is written for end users; ``_map_error`` is the only place that translates
exceptions from httpx / the ``ollama`` client / llama-index into our errors.
"""
from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable, Iterator, TypeVar

import httpx
import ollama
import pydantic

from core.config import Settings
from core.errors import (
    LLMBadOutput,
    LLMBusy,
    LLMError,
    LLMTimeout,
    LLMUnavailable,
    ModelNotFound,
)

__all__ = ["OllamaLLM"]

T = TypeVar("T")

# num_ctx sent with every request. Set explicitly so llama-index never calls /api/show to
# discover it (and never sends a huge model maximum such as 128k, which costs a lot of RAM).
DEFAULT_NUM_CTX = 8192
_ROLES = ("system", "user", "assistant")


class _StreamEnded(Exception):
    """The NDJSON stream ended without Ollama's final ``"done": true`` line."""


def _same_model(a: str, b: str) -> bool:
    """'llama3' and 'llama3:latest' name the same model."""
    def norm(name: str) -> str:
        name = name.strip().lower()
        return name if ":" in name.rsplit("/", 1)[-1] else name + ":latest"

    return norm(a) == norm(b)


def _map_error(exc: BaseException, *, host: str, model: str, timeout_s: float) -> LLMError:
    """Translate any exception from talking to Ollama into an end-user LLMError.

    The result carries ``retryable``: True for connection failures, a busy server and
    a stream that dropped (the caller only retries a drop if nothing was yielded yet).
    """
    unavailable = (
        f"Ollama is not reachable at {host}. Start it with `ollama serve`, or set "
        "OLLAMA_HOST. Everything except the written explanation works without it."
    )
    dropped = "The connection to Ollama closed before the answer was complete. Try asking again."
    retryable = False
    err: LLMError
    if isinstance(exc, LLMError):
        return exc
    if isinstance(exc, ollama.ResponseError):
        status, text = exc.status_code, str(exc.error or "")
        low = text.lower()
        if status == 404 or ("not found" in low and "model" in low):
            err = ModelNotFound(
                f"The model '{model}' is not installed in Ollama at {host}. "
                f"Download it with `ollama pull {model}`, or choose another model (EXCELCHAT_MODEL)."
            )
        elif status in (429, 503) or "busy" in low or "queue" in low or "pending requests" in low:
            err, retryable = LLMBusy(
                "Ollama is busy with other requests right now. Please try again in a moment."
            ), True
        elif status in (408, 504) or "timeout" in low or "timed out" in low:
            err = LLMTimeout(
                f"Ollama did not answer within {timeout_s:g} seconds. The model may still be "
                "loading; try again, or raise EXCELCHAT_LLM_TIMEOUT."
            )
        else:
            err = LLMError(f"Ollama reported an error: {text or 'unknown error'}"
                           + (f" (HTTP {status})." if status > 0 else "."))
    elif isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        err = LLMUnavailable(f"The Ollama address {host!r} is not a valid URL. Fix OLLAMA_HOST.")
    elif isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)) or (
        isinstance(exc, ConnectionError)  # the ollama client re-raises ConnectError like this
        and not isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError))
    ):
        err, retryable = LLMUnavailable(unavailable), True
    elif isinstance(exc, (httpx.TimeoutException, TimeoutError)):
        err = LLMTimeout(
            f"Ollama did not answer within {timeout_s:g} seconds. The model may still be "
            "loading; try again, or raise EXCELCHAT_LLM_TIMEOUT."
        )
    elif isinstance(exc, (_StreamEnded, httpx.RemoteProtocolError, httpx.NetworkError,
                          ConnectionError)):
        err, retryable = LLMError(dropped), True
    elif isinstance(exc, (json.JSONDecodeError, pydantic.ValidationError, httpx.DecodingError,
                          UnicodeDecodeError, KeyError, TypeError)):
        err = LLMBadOutput(
            "Ollama sent a reply that could not be read (malformed response). Try asking again."
        )
    else:
        err = LLMError(f"Something went wrong while talking to Ollama: {exc}")
    err.retryable = retryable  # type: ignore[attr-defined]
    return err


def _usage(raw: Any) -> dict:
    """Token counts from Ollama's final chunk (empty dict when absent)."""
    try:
        raw = dict(raw or {})
    except (TypeError, ValueError):
        return {}
    p, e = raw.get("prompt_eval_count"), raw.get("eval_count")
    if p is None and e is None:
        return {}
    out = {"prompt_tokens": p or 0, "completion_tokens": e or 0,
           "total_tokens": (p or 0) + (e or 0)}
    if raw.get("done_reason"):
        out["done_reason"] = raw["done_reason"]
    return out


class OllamaLLM:
    """Thread-safe client for one Ollama model; one instance may serve many sessions."""

    def __init__(self, settings: Settings):
        from llama_index.llms.ollama import Ollama  # heavy import, only when a client is built

        self._settings = settings
        self._host = settings.ollama_base_url
        self._model = settings.ollama_model
        self._timeout = float(settings.llm_timeout_s)
        self._lock = threading.Lock()
        self.last_usage: dict = {}
        timeout = httpx.Timeout(self._timeout, connect=min(self._timeout, 10.0))
        # Our own client (httpx.Client is thread-safe), so llama-index never creates one lazily.
        self._client = ollama.Client(host=self._host, timeout=timeout)
        self._llm = Ollama(
            model=self._model,
            base_url=self._host,
            temperature=settings.llm_temperature,
            context_window=int(getattr(settings, "llm_context_window", DEFAULT_NUM_CTX)),
            request_timeout=self._timeout,
            keep_alive=settings.llm_keep_alive,
            additional_kwargs={"num_predict": int(settings.llm_max_tokens)},
            client=self._client,
        )

    # --- small accessors ------------------------------------------------------
    @property
    def model(self) -> str:
        return self._model

    @property
    def host(self) -> str:
        return self._host

    def close(self) -> None:
        """Close the pooled HTTP connections (the instance must not be used afterwards)."""
        self._client.close()

    def __enter__(self) -> "OllamaLLM":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _error(self, exc: BaseException) -> LLMError:
        return _map_error(exc, host=self._host, model=self._model, timeout_s=self._timeout)

    def _set_usage(self, raw: Any) -> None:
        u = _usage(raw)
        if u:
            with self._lock:
                self.last_usage = u

    def _check_enabled(self) -> None:
        if not self._settings.llm_enabled:
            raise LLMUnavailable(
                "The language model is switched off (EXCELCHAT_LLM=0). "
                "Everything except the written explanation works without it."
            )

    def _backoff(self, attempt: int) -> None:
        time.sleep(self._settings.llm_backoff_s * (2 ** (attempt - 1)))

    @staticmethod
    def _messages(messages: list[dict]) -> list:
        from llama_index.core.base.llms.types import ChatMessage, MessageRole

        out = []
        for m in messages:
            role, content = m.get("role"), m.get("content")
            if role not in _ROLES or not isinstance(content, str):
                raise ValueError(f"bad chat message: {m!r}")
            out.append(ChatMessage(role=MessageRole(role), content=content))
        return out

    def _with_retries(self, call: Callable[[], T]) -> T:
        attempts = max(1, int(self._settings.llm_attempts))
        for attempt in range(1, attempts + 1):
            try:
                return call()
            except Exception as exc:
                err = self._error(exc)
                if not getattr(err, "retryable", False) or attempt >= attempts:
                    raise err from exc
            self._backoff(attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    # --- the model ----------------------------------------------------------
    def stream_chat(self, messages: list[dict]) -> Iterator[str]:
        """Yield text deltas as Ollama streams them.

        Retries connection errors, a busy server and a stream that drops before the first
        token. Once a token was yielded, a dropped stream raises (nothing is replayed).
        """
        self._check_enabled()
        msgs = self._messages(messages)
        return self._stream(msgs)

    def _stream(self, msgs: list) -> Iterator[str]:
        attempts = max(1, int(self._settings.llm_attempts))
        for attempt in range(1, attempts + 1):
            yielded = False
            gen = None
            try:
                gen = self._llm.stream_chat(msgs)
                done = False
                for resp in gen:
                    raw = resp.raw or {}
                    if resp.delta:
                        yielded = True
                        yield resp.delta
                    if raw.get("done"):
                        done = True
                        self._set_usage(raw)
                if not done:
                    raise _StreamEnded()
                return
            except Exception as exc:
                err = self._error(exc)
                if yielded or not getattr(err, "retryable", False) or attempt >= attempts:
                    raise err from exc
            finally:
                if gen is not None:
                    gen.close()  # releases the HTTP connection if the caller stops early
            self._backoff(attempt)

    def complete_json(self, messages: list[dict], schema: dict | None) -> dict:
        """One non-streaming chat with Ollama's ``format`` set to ``schema``; the parsed object."""
        self._check_enabled()
        msgs = self._messages(messages)
        fmt: Any = schema if schema else "json"
        resp = self._with_retries(lambda: self._llm.chat(msgs, format=fmt))
        self._set_usage(resp.raw)
        text = (resp.message.content or "").strip()
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LLMBadOutput(
                "The model's reply was not valid JSON, so the question could not be planned. "
                "Try rephrasing it."
            ) from exc
        if not isinstance(obj, dict):
            raise LLMBadOutput(
                "The model replied with JSON that is not an object, so the question could not "
                "be planned. Try rephrasing it."
            )
        return obj

    # --- server status --------------------------------------------------------
    def _tags(self, timeout: float) -> list[str]:
        try:
            r = httpx.get(f"{self._host}/api/tags", timeout=timeout)
            if r.status_code >= 400:
                raise ollama.ResponseError(r.text, r.status_code)
            data = r.json()
            return [str(m.get("name") or m.get("model")) for m in data.get("models") or []
                    if isinstance(m, dict) and (m.get("name") or m.get("model"))]
        except Exception as exc:
            raise self._error(exc) from exc

    def models(self) -> list[str]:
        """Names of the models installed in Ollama (``/api/tags``); raises LLMError."""
        return self._tags(self._timeout)

    def health(self) -> dict:
        """``{"ok", "reachable", "model", "model_available", "detail"}``; never raises.

        ``ok`` means the written explanation can be produced: the server answers and the
        configured model is installed.
        """
        out = {"ok": False, "reachable": False, "model": self._model,
               "model_available": False, "detail": ""}
        try:
            if not self._settings.llm_enabled:
                out["detail"] = "The language model is switched off (EXCELCHAT_LLM=0)."
                return out
            names = self._tags(min(self._timeout, 5.0))
            out["reachable"] = True
            out["model_available"] = any(_same_model(n, self._model) for n in names)
            out["ok"] = out["model_available"]
            if out["ok"]:
                out["detail"] = f"Ollama is running at {self._host}; model '{self._model}' is ready."
            else:
                out["detail"] = (f"Ollama is running, but the model '{self._model}' is not "
                                 f"installed. Download it with `ollama pull {self._model}`.")
        except LLMError as err:
            out["detail"] = str(err)
        except Exception as exc:  # health() must never raise
            out["detail"] = str(self._error(exc))
        return out
