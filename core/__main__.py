"""Command line: python -m core ingest|ask|search|chat ..."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings
from .errors import ExcelChatError

if TYPE_CHECKING:
    from .llm import ChatModel


def _settings(args) -> Settings:
    over = {}
    if getattr(args, "workspace", None):
        over["home"] = Path(args.workspace)
    return Settings.from_env(**over)


def cmd_ingest(args) -> int:
    from .workspace import Workspace, ingest_paths

    s = _settings(args)
    if args.no_index:
        s = s.with_(build_index=False)
    ws = Workspace(s)
    if s.build_index:  # registers on ws.listeners before ingesting; imported lazily (torch) only here
        from .index import SemanticIndex

        SemanticIndex(ws, s)

    def progress(stage, frac, msg):
        if not args.json:
            print(f"  {msg}", file=sys.stderr)

    reports = ingest_paths(ws, [Path(f) for f in args.files], progress=progress)
    for r in reports:
        if args.json:
            print(json.dumps(r, ensure_ascii=False))
        else:
            _print_report(r)
    return 0 if all(r["status"] == "ok" for r in reports) else 1


def cmd_search(args) -> int:
    from .index import SemanticIndex
    from .workspace import Workspace

    s = _settings(args)
    hits = SemanticIndex(Workspace(s), s).search(args.query, k=args.k)
    for h in hits:
        if args.json:
            print(json.dumps(h.to_json(), ensure_ascii=False, default=str))
        else:
            rows = f" rows {h.row_start + 1}-{h.row_end}" if h.row_start is not None and h.row_end is not None else ""
            print(f"{h.score:.3f}  {h.file} / {h.sheet} / {h.table} [{h.sql_name}] {h.kind}"
                  f"{' ' + repr(h.column) if h.column else ''}{rows}")
            print("       " + h.text.replace("\n", " | ")[:160])
    return 0


def _print_report(r: dict) -> None:
    if r["status"] != "ok":
        print(f"ERROR {r['file']}: {r['error']}")
        return
    print(f"{r['file']}{' (already in the workspace)' if r.get('cached') else ''}")
    for sh in r["sheets"]:
        for t in sh["tables"]:
            ex = f", {len(t['excluded_rows'])} total rows left out" if t["excluded_rows"] else ""
            print(f"  {sh['name']} / {t['name']} [{t['range']}]: {t['rows']} rows x {len(t['columns'])} columns{ex}"
                  f"{' (pivot summary)' if t['kind'] == 'pivot' else ''}")
    for w in r["warnings"]:
        print(f"  warning: {w}")


def _answerer_for(settings: Settings, files: list[Path], log) -> tuple:
    """Ingest the files into a workspace; returns (answerer, file ids, failed reports)."""
    from .answer import Answerer
    from .workspace import Workspace, ingest_paths

    ws = Workspace(settings)
    reports = ingest_paths(ws, files)
    for r in reports:
        if r["status"] != "ok":
            log(f"error: {r['error']}")
    ids = [r["file_id"] for r in reports if r["status"] == "ok" and "file_id" in r]
    ids += [f["id"] for f in ws.files() for r in reports if r["status"] == "ok" and "file_id" not in r and f["sha256"] == r["sha256"]]
    return Answerer(ws), ids, [r for r in reports if r["status"] != "ok"]


def _llm_if_up(settings: Settings, log) -> ChatModel | None:
    """The LLM seam when Ollama answers with the configured model; else None (and say so once)."""
    if not settings.llm_enabled:
        return None
    # cheap while offline: the llama-index stack is imported only when the model first chats
    from .llm import OllamaLLM

    llm = OllamaLLM(settings)
    h = llm.health()
    if not h["ok"]:
        log(f"LLM off: {h['detail'] or 'Ollama is not reachable'} (answers are computed without it).")
        llm.close()
        return None
    return llm


def _write_chart(chart: dict | None, out_dir: str, n: int) -> None:
    """Write a chart event's first spec as standalone HTML."""
    if not chart or chart.get("df") is None:
        return
    from .charts import render, write_html

    Path(out_dir).mkdir(parents=True, exist_ok=True)
    df = chart["df"]
    data = df[[c for c in df.columns if c not in ("part", "whole", "answer")]]
    path = write_html(render(data, chart["specs"][0]), Path(out_dir) / f"chart-{n:02d}.html")
    print(f"chart written to {path}", file=sys.stderr)


def _emit(out: dict, as_json: bool) -> None:
    """Print one answer object: a JSON line, or the sentence, the table and the SQL."""
    if as_json:
        print(json.dumps(out, ensure_ascii=False, default=str), flush=True)
        return
    print(f"Q: {out['question']}")
    print(f"A: {out['answer']}")
    table = out.get("table")
    if table and table.get("rows"):
        import pandas as pd

        print(pd.DataFrame(table["rows"][:20], columns=table["columns"]).to_string(index=False))
    if out.get("sql"):
        print(f"SQL: {out['sql']}")
    if out.get("unverified"):
        print(f"Unverified numbers in the narration: {', '.join(map(str, out['unverified']))}")
    print()


def cmd_ask(args) -> int:
    import hashlib
    import tempfile

    from .answer import Answer
    from .chat import ChatPipeline

    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    tmp = None if args.workspace else tempfile.TemporaryDirectory(prefix="excelchat-")  # removed when the command ends
    root = Path(args.workspace) if args.workspace else Path(tmp.name)
    base = Settings.from_env(home=root)
    llm = None if args.no_llm else _llm_if_up(base, log)
    n_out = 0
    ok = True
    if args.batch:
        items = [json.loads(line) for line in Path(args.batch).read_text().splitlines() if line.strip()]
        books = Path(args.books or ".")
        cache: dict = {}
        for it in items:
            files = tuple(sorted(it.get("files") or []))
            try:
                if files not in cache:
                    key = hashlib.sha256("\0".join(files).encode()).hexdigest()[:12]
                    cache[files] = _answerer_for(base.with_(home=root / f"set-{key}"), [books / f for f in files], log)
                answerer, ids, _ = cache[files]
                _, out = ChatPipeline(answerer, llm=llm).run(it["question"], file_ids=ids if files else None)
            except Exception as e:  # one bad question must not misalign the output lines
                out = Answer(question=it.get("question", ""), answer=f"error: {e}", error=str(e)).to_json()
            _emit(out, args.json)
        return 0
    if not args.question:
        log("error: give at least one -q QUESTION (or --batch FILE)")
        return 2
    answerer, ids, failed = _answerer_for(base, [Path(f) for f in args.files], log)
    pipeline = ChatPipeline(answerer, llm=llm)
    for q in args.question:
        events, out = pipeline.run(q, file_ids=ids or None)
        ok &= out.get("error") is None
        _emit(out, args.json)
        if args.chart_out:
            n_out += 1
            _write_chart(next((e.data for e in events if e.type == "chart"), None), args.chart_out, n_out)
    return 0 if ok and not failed else 1


def cmd_chat(args) -> int:
    """An interactive conversation in the terminal: tokens print as they stream."""
    from .answer import Answerer
    from .chat import ChatPipeline
    from .workspace import Workspace, ingest_paths

    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    s = _settings(args)
    ws = Workspace(s)
    if args.files:
        for r in ingest_paths(ws, [Path(f) for f in args.files]):
            _print_report(r)
    pipeline = ChatPipeline(Answerer(ws), llm=None if args.no_llm else _llm_if_up(s, log))
    cid = pipeline.conversations.create(args.user)
    print("Ask about your data (/new starts over, /quit leaves).")
    while True:
        try:
            q = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not q:
            continue
        if q in ("/quit", "/exit"):
            return 0
        if q == "/new":
            cid = pipeline.conversations.create(args.user)
            print("(new conversation)")
            continue
        for ev in pipeline.ask(q, conversation_id=cid):
            if ev.type == "token":
                print(ev.data, end="", flush=True)
            elif ev.type == "replace":  # the streamed text was withdrawn: the computed answer stands instead
                print(f"\n[{ev.data['reason']}]\n{ev.data['text']}", end="", flush=True)
            elif ev.type == "status" and ev.data["stage"] in ("llm_off", "llm_failed"):
                print(f"[{ev.data['message']}]", file=sys.stderr)
            elif ev.type == "done":
                out = ev.data["answer"]
                print()
                table = out.get("table")
                if table and table.get("rows") and len(table["rows"]) > 1:
                    import pandas as pd

                    print(pd.DataFrame(table["rows"][:15], columns=table["columns"]).to_string(index=False))
                if out.get("sql"):
                    print(f"  SQL: {out['sql']}")
                if out.get("unverified"):
                    print(f"  Unverified numbers: {', '.join(out['unverified'])}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m core", description="Excel Chat from the command line")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ingest", help="add files to the workspace")
    p.add_argument("files", nargs="+")
    p.add_argument("--workspace")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-index", action="store_true", help="do not build the semantic index")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("search", help="search the semantic index")
    p.add_argument("query")
    p.add_argument("--workspace")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("ask", help="answer questions about files")
    p.add_argument("files", nargs="*")
    p.add_argument("-q", "--question", action="append")
    p.add_argument("--batch", help="JSONL of {question, files}")
    p.add_argument("--books", help="folder the batch's files are relative to")
    p.add_argument("--workspace")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-llm", action="store_true", help="never use the LLM")
    p.add_argument("--chart-out", help="write each chart as a standalone HTML file here")
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("chat", help="an interactive conversation in the terminal")
    p.add_argument("files", nargs="*", help="files to add first")
    p.add_argument("--workspace")
    p.add_argument("--user", default=None)
    p.add_argument("--no-llm", action="store_true")
    p.set_defaults(func=cmd_chat)
    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except ExcelChatError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
