"""Every JSON schema the app sends as Ollama's `format`, through llama.cpp's own schema-to-grammar converter.

    python -m bench.grammar                          # with llama-cpp-python installed in this interpreter
    python -m bench.grammar --python /tmp/lcpenv/bin/python   # or in another one (see bench/ollama_server.py)

Ollama turns a `format` schema into a grammar with llama.cpp's converter and answers HTTP 500 "invalid JSON
schema in format" when it cannot, so a schema that does not convert means the LLM planner never gets a plan.
The tests check the same schemas against the converter's rules (tests/grammar_rules.py) on every run; this
runs the real converter (llama-cpp-python's `LlamaGrammar.from_json_schema`) when it is installed.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

CONVERT = """
import json, sys
from llama_cpp.llama_grammar import json_schema_to_gbnf
out = {}
for name, schema in json.load(sys.stdin).items():
    try:
        g = json_schema_to_gbnf(json.dumps(schema))
        out[name] = {"ok": True, "rules": sum(1 for ln in g.splitlines() if "::=" in ln)}
    except Exception as e:
        out[name] = {"ok": False, "error": f"{type(e).__name__}: {e}"}
print(json.dumps(out))
"""


def schemas() -> dict[str, dict]:
    """Every `format` schema the app sends, by what it asks for."""
    from core.llm_planner import reply_schema

    return {"plan reply (core.llm_planner.reply_schema)": reply_schema()}


def convert(python: str | None = None) -> dict[str, dict]:
    """Each schema's result from the real converter; raises RuntimeError when llama-cpp-python is missing."""
    cmd = [python or sys.executable, "-c", CONVERT]
    run = subprocess.run(cmd, input=json.dumps(schemas()), capture_output=True, text=True, timeout=120)
    if run.returncode:
        if "No module named 'llama_cpp'" in run.stderr:
            raise RuntimeError(f"llama-cpp-python is not installed for {cmd[0]} (pass --python)")
        raise RuntimeError(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"exit {run.returncode}")
    return json.loads(run.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.grammar", description=__doc__.splitlines()[0])
    ap.add_argument("--python", help="an interpreter with llama-cpp-python (default: this one)")
    args = ap.parse_args(argv)
    try:
        got = convert(args.python)
    except RuntimeError as e:
        print(f"skipped: {e}")
        return 0
    for name, r in got.items():
        print(f"{name}: " + (f"converts ({r['rules']} grammar rules)" if r["ok"] else f"DOES NOT CONVERT: {r['error']}"))
    return 0 if all(r["ok"] for r in got.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
