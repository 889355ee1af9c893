"""A real HTTP server that speaks enough of Ollama's API for tests.

    with FakeOllama(models=["llama3:latest"]) as fake:
        fake.reply_text("Hello world", between=0.05)      # streamed as "Hello", " world"
        fake.reply_json({"intent": "sum"})                # content is the JSON text
        fake.reply_error(503)                             # Ollama's own error body
        fake.reply_disconnect(after=2, text="a b c d")    # drop the connection mid-stream
        fake.reply_hangup()                               # close without any response
        fake.reply_malformed(after=1)                     # a line that is not JSON
        fake.reply_text("x y", delay=1.0)                 # wait before the response headers
        fake.reply_text("a b c", gate_after=1)            # send 1 chunk, wait for fake.release()
        ... fake.url ...; fake.chat_requests[-1]["messages"]; fake.chunks_sent

Replies are consumed in order by ``POST /api/chat`` only; when the queue is empty
``default_reply`` is used. Every request (method, path, parsed JSON body) is recorded.
"""
from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from grammar_rules import grammar_problems


def free_port() -> int:
    """A TCP port on 127.0.0.1 with nothing listening (at the time of the call)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def split_tokens(text: str) -> list[str]:
    """Token-sized chunks: each word with its leading whitespace ("Hello", " world")."""
    return re.findall(r"\s*\S+|\s+$", text) or [text]


def _norm(name: str) -> str:
    name = name.strip()
    return name if ":" in name.rsplit("/", 1)[-1] else name + ":latest"


@dataclass
class Reply:
    """One scripted answer to ``POST /api/chat``."""

    text: str | None = None  # streamed in token-sized chunks
    json: Any = None  # for format requests: sent as json.dumps(obj)
    chunks: list[str] | None = None  # explicit chunks (overrides text/json splitting)
    status: int = 200  # != 200: an HTTP error with Ollama's {"error": ...} body
    error: str | None = None  # error text for status != 200
    delay: float = 0.0  # seconds before the response headers
    between: float = 0.0  # seconds between chunks
    disconnect_after: int | None = None  # close the connection after N chunks (0 = headers only)
    hangup: bool = False  # close the connection without sending any response
    malformed_after: int | None = None  # send a non-JSON line after N chunks
    error_line_after: int | None = None  # send {"error": error} as a stream line after N chunks
    gate_after: int | None = None  # after N chunks wait for FakeOllama.release()
    prompt_eval_count: int = 26
    gate: threading.Event = field(default_factory=threading.Event, repr=False)

    def content(self) -> str:
        if self.json is not None:
            return json.dumps(self.json)
        return self.text if self.text is not None else ""

    def pieces(self) -> list[str]:
        if self.chunks is not None:
            return list(self.chunks)
        if self.json is not None:  # JSON text in a few pieces, like a model would emit it
            s = self.content()
            return [s[i:i + 8] for i in range(0, len(s), 8)] or [""]
        return split_tokens(self.content())


_STATUS_ERRORS = {
    503: "server busy, please try again.  maximum pending requests exceeded",
    500: "llama runner process has terminated: exit status 2",
    429: "too many requests",
}


class FakeOllama:
    """Threaded HTTP server on 127.0.0.1:<free port>; ``start()/stop()`` or ``with``."""

    def __init__(self, models: list[str] | None = None, version: str = "0.12.6", port: int = 0):
        self.port = port  # 0: any free port
        self.models = list(models or ["llama3:latest"])
        self.version = version
        self.default_reply = Reply(text="Hello from the fake model.")
        self.requests: list[dict] = []
        self.chunks_sent = 0  # stream chunks written (or being written) for the current reply
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._current: Reply | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- scripting ------------------------------------------------------------
    def enqueue(self, *replies: Reply) -> FakeOllama:
        with self._lock:
            self._queue.extend(replies)
        return self

    def reply_text(self, text: str, **kw) -> Reply:
        r = Reply(text=text, **kw)
        self.enqueue(r)
        return r

    def reply_json(self, obj: Any, **kw) -> Reply:
        r = Reply(json=obj, **kw)
        self.enqueue(r)
        return r

    def reply_error(self, status: int, error: str | None = None, **kw) -> Reply:
        r = Reply(status=status, error=error, **kw)
        self.enqueue(r)
        return r

    def reply_disconnect(self, after: int = 0, text: str = "one two three four", **kw) -> Reply:
        r = Reply(text=text, disconnect_after=after, **kw)
        self.enqueue(r)
        return r

    def reply_hangup(self) -> Reply:
        r = Reply(hangup=True)
        self.enqueue(r)
        return r

    def reply_malformed(self, after: int = 0, text: str = "one two three", **kw) -> Reply:
        r = Reply(text=text, malformed_after=after, **kw)
        self.enqueue(r)
        return r

    def release(self) -> None:
        """Let a reply waiting at ``gate_after`` continue."""
        with self._lock:
            replies = [self._current, *self._queue]
        for r in replies:
            if r is not None:
                r.gate.set()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    @property
    def chat_requests(self) -> list[dict]:
        with self._lock:
            return [r["body"] for r in self.requests if r["path"] == "/api/chat"]

    def requests_to(self, path: str) -> list[dict]:
        with self._lock:
            return [r for r in self.requests if r["path"] == path]

    # --- lifecycle --------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None, "FakeOllama is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeOllama:
        fake = self

        class Handler(_Handler):
            owner = fake

        self._stopping.clear()
        self._server = _Server(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                         kwargs={"poll_interval": 0.05},
                                         name="fake-ollama", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOllama:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- internals used by the handler ---------------------------------------
    def _knows(self, model: str) -> bool:
        return _norm(model) in {_norm(m) for m in self.models}

    def _next_reply(self) -> Reply:
        with self._lock:
            r = self._queue.popleft() if self._queue else self.default_reply
            self._current = r
            self.chunks_sent = 0
        return r

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # client went away: expected in tests
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive + chunked streaming, like Ollama
    owner: FakeOllama

    def log_message(self, *args) -> None:
        pass

    # --- plumbing -------------------------------------------------------------
    def _body(self) -> Any:
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return {"_raw": raw.decode("utf-8", "replace")}

    def _record(self, body: Any) -> None:
        with self.owner._lock:
            self.owner.requests.append({"method": self.command, "path": self.path,
                                        "headers": dict(self.headers), "body": body})

    def _send(self, status: int, payload: Any, ctype: str = "application/json") -> None:
        data = payload if isinstance(payload, bytes) else (
            payload.encode() if isinstance(payload, str) else json.dumps(payload).encode())
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _drop(self) -> None:
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # --- routes -----------------------------------------------------------------
    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self._record(None)
        if self.path == "/":
            self._send(200, "Ollama is running", "text/plain; charset=utf-8")
        elif self.path == "/api/version":
            self._send(200, {"version": self.owner.version})
        elif self.path == "/api/tags":
            self._send(200, {"models": [_tag(m) for m in self.owner.models]})
        else:
            self._send(404, "404 page not found", "text/plain")

    def do_POST(self) -> None:
        body = self._body()
        self._record(body)
        if self.path == "/api/show":
            name = str(body.get("model") or body.get("name") or "")
            if not self.owner._knows(name):
                self._send(404, {"error": f"model '{name}' not found"})
            else:
                self._send(200, _show(name))
        elif self.path == "/api/chat":
            self._chat(body)
        else:
            self._send(404, "404 page not found", "text/plain")

    def _chat(self, body: dict) -> None:
        fake = self.owner
        model = str(body.get("model") or "")
        if not fake._knows(model):
            self._send(404, {"error": f'model "{model}" not found, try pulling it first'})
            return
        fmt = body.get("format")
        if isinstance(fmt, dict) and grammar_problems(fmt):  # as Ollama: llama.cpp cannot make a grammar of it
            self._send(500, {"error": "invalid JSON schema in format"})
            return
        r = fake._next_reply()
        fake._sleep(r.delay)
        if r.hangup:
            self._drop()
            return
        if r.status != 200:
            self._send(r.status, {"error": r.error or _STATUS_ERRORS.get(r.status, "error")})
            return
        prompt_count = r.prompt_eval_count
        # as Ollama: a reply stops after options.num_predict tokens, and the last line says done_reason "length"
        cap = (body.get("options") or {}).get("num_predict")
        pieces = r.pieces()
        reason = "stop"
        if isinstance(cap, int) and 0 < cap < len(pieces):
            pieces, reason = pieces[:cap], "length"
        if body.get("stream", True) is False:
            final = _line(model, "".join(pieces), done=True, prompt=prompt_count, evals=len(pieces), reason=reason)
            data = b"this is not json" if r.malformed_after is not None else json.dumps(final).encode()
            if r.disconnect_after is not None:  # promise the whole body, send half of it
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self._drop()
                return
            self._send(200, data, "application/json; charset=utf-8")
            return

        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        for i, piece in enumerate(pieces):
            if r.disconnect_after is not None and i >= r.disconnect_after:
                self._drop()
                return
            if r.malformed_after is not None and i == r.malformed_after:
                self._chunk(b'{"model": "broken", "message": {"role": "assis\n')
            if r.error_line_after is not None and i == r.error_line_after:
                self._chunk(json.dumps({"error": r.error or "unexpected server error"}).encode() + b"\n")
                self._chunk(b"")
                return
            if r.gate_after is not None and i == r.gate_after:
                r.gate.wait(5.0)
            if i and r.between:
                fake._sleep(r.between)
            with fake._lock:  # counted before the write, so a client never sees more
                fake.chunks_sent += 1
            self._chunk(json.dumps(_line(model, piece)).encode() + b"\n")
        if r.disconnect_after is not None:
            self._drop()
            return
        if r.malformed_after is not None and r.malformed_after >= len(pieces):
            self._chunk(b"not json at all\n")
        final = _line(model, "", done=True, prompt=prompt_count, evals=len(pieces), reason=reason)
        self._chunk(json.dumps(final).encode() + b"\n")
        self._chunk(b"")  # end of the chunked body


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _line(model: str, content: str, *, done: bool = False, prompt: int = 0, evals: int = 0,
          reason: str = "stop") -> dict:
    d: dict[str, Any] = {"model": model, "created_at": _now(),
                         "message": {"role": "assistant", "content": content}, "done": done}
    if done:
        d.update(done_reason=reason, total_duration=123_456_789, load_duration=1_234_567,
                 prompt_eval_count=prompt, prompt_eval_duration=2_345_678,
                 eval_count=evals, eval_duration=98_765_432)
    return d


def _tag(name: str) -> dict:
    return {"name": name, "model": name, "modified_at": "2025-01-01T00:00:00Z",
            "size": 4_661_224_676, "digest": "365c0bd3c000" + "0" * 52,
            "details": {"parent_model": "", "format": "gguf", "family": "llama",
                        "families": ["llama"], "parameter_size": "8.0B",
                        "quantization_level": "Q4_0"}}


def _show(name: str) -> dict:
    return {"modelfile": f"FROM {name}\n", "parameters": "stop \"<|eot_id|>\"",
            "template": "{{ .Prompt }}",
            "details": _tag(name)["details"], "model_info": {"llama.context_length": 8192},
            "capabilities": ["completion"], "modified_at": "2025-01-01T00:00:00Z"}


__all__ = ["FakeOllama", "Reply", "free_port", "split_tokens"]

if __name__ == "__main__":  # manual poking: python tests/fake_ollama.py
    with FakeOllama() as f:
        print(f.url)
        while True:
            time.sleep(3600)
