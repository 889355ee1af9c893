"""The rules llama.cpp's JSON-schema-to-grammar converter applies (the one Ollama runs on `format`),
written out so tests and the fake Ollama server can refuse a schema a real server would.

A sub-schema converts when it is a `$ref` into `$defs`, an `anyOf`/`oneOf` of convertible schemas, an
`enum` or `const`, an object with `properties`, an array with non-empty `items`, a string (with
`pattern`, `format`, or length bounds), or one of the primitive types. Anything else — no `type` at all
(`{"default": null, "title": "Value"}`), an empty `items: {}` — is "Unrecognized schema" there, and
Ollama answers HTTP 500 "invalid JSON schema in format".
"""
from __future__ import annotations

PRIMITIVES = {"boolean", "number", "integer", "string", "null", "object", "array"}
UNBOUNDED_TEXT = 2000  # a string the model fills needs a maxLength under this (a runaway string never ends)


def grammar_problems(schema: dict, bounded: bool = True) -> list[str]:
    """Why this schema would not convert to a grammar (empty when it would)."""
    defs = schema.get("$defs", {})
    problems: list[str] = []
    _visit(schema, "#", defs, problems, bounded, top=True)
    for name, sub in defs.items():
        _visit(sub, f"#/$defs/{name}", defs, problems, bounded)
    return problems


def _visit(s, path: str, defs: dict, out: list[str], bounded: bool, top: bool = False) -> None:
    if not isinstance(s, dict):
        out.append(f"{path}: not a schema object")
        return
    if "$ref" in s:
        ref = s["$ref"]
        if not (isinstance(ref, str) and ref.startswith("#/$defs/") and ref.split("/")[-1] in defs):
            out.append(f"{path}: unsupported $ref {ref!r}")
        return
    for key in ("anyOf", "oneOf"):
        if key in s:
            if not s[key]:
                out.append(f"{path}: empty {key}")
            for i, sub in enumerate(s[key]):
                _visit(sub, f"{path}/{key}/{i}", defs, out, bounded)
            return
    if "const" in s or "enum" in s:
        if "enum" in s and not s["enum"]:
            out.append(f"{path}: empty enum")
        return
    _typed(s, path, defs, out, bounded, top)


def _typed(s: dict, path: str, defs: dict, out: list[str], bounded: bool, top: bool) -> None:
    t = s.get("type")
    types = t if isinstance(t, list) else [t]
    if any(x not in PRIMITIVES for x in types):
        if not (top and "anyOf" in s):
            out.append(f"{path}: Unrecognized schema (no usable type): {s}")
        return
    if "object" in types and "properties" in s:
        for name, sub in s["properties"].items():
            _visit(sub, f"{path}/properties/{name}", defs, out, bounded)
    if "array" in types:
        items = s.get("items")
        if not isinstance(items, dict) or not items:
            out.append(f"{path}: array without typed items")
        else:
            _visit(items, f"{path}/items", defs, out, bounded)
        if bounded and "maxItems" not in s:
            out.append(f"{path}: array without maxItems")
    if bounded and "string" in types and "enum" not in s and "pattern" not in s:
        if s.get("maxLength", UNBOUNDED_TEXT + 1) > UNBOUNDED_TEXT:
            out.append(f"{path}: string without a maxLength")
