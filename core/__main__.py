"""Command line: python -m core ingest|ask|search|chat ..."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .config import Settings
from .errors import ExcelChatError


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


def _print_report(r: dict) -> None:
    if r["status"] != "ok":
        print(f"ERROR {r['file']}: {r['error']}")
        return
    print(f"{r['file']}{' (already in the workspace)' if r.get('cached') else ''}")
    for sh in r["sheets"]:
        for t in sh["tables"]:
            ex = f", {len(t['excluded_rows'])} subtotal rows excluded" if t["excluded_rows"] else ""
            print(f"  {sh['name']} / {t['name']} [{t['range']}]: {t['rows']} rows x {len(t['columns'])} columns{ex}"
                  f"{' (pivot summary)' if t['kind'] == 'pivot' else ''}")
    for w in r["warnings"]:
        print(f"  warning: {w}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m core", description="Excel Chat from the command line")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ingest", help="add files to the workspace")
    p.add_argument("files", nargs="+")
    p.add_argument("--workspace")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-index", action="store_true", help="do not build the semantic index")
    p.set_defaults(func=cmd_ingest)
    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except ExcelChatError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
