"""Chunks for the semantic index, sized by the embedding model's own tokenizer (all-MiniLM-L6-v2: 256 word pieces).

Made from a stored table by the index (`core.index.make_file_chunks`), after the upload has returned."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .profiles import is_categorical, is_free_text, jsonable

_TOKENIZERS: dict[str, object] = {}
_LOCK = threading.Lock()
MAX_FREE_TEXT_ROWS = 5000


@dataclass
class Chunk:
    kind: str  # summary | columns | values | rows | text
    text: str
    tokens: int
    column: str | None = None
    row_start: int | None = None  # 0-based positions in the table's data
    row_end: int | None = None


def tokenizer(model_path: str):
    """The model's fast tokenizer (Rust `tokenizers`; no torch), or None when the path has none."""
    with _LOCK:
        if model_path not in _TOKENIZERS:
            tok = None
            f = Path(model_path) / "tokenizer.json"
            if f.exists():
                from tokenizers import Tokenizer

                tok = Tokenizer.from_file(str(f))
                tok.no_truncation()
                tok.no_padding()
            _TOKENIZERS[model_path] = tok
        return _TOKENIZERS[model_path]


def count_tokens(texts: list[str], model_path: str) -> list[int]:
    tok = tokenizer(model_path)
    if tok is None:  # rough fallback: word pieces are ~1.3 per word
        return [int(len(t.split()) * 1.3) + 2 for t in texts]
    return [len(e.ids) for e in tok.encode_batch(texts)]


def _pack(header: str, items: list[str], limit: int, model_path: str) -> list[tuple[str, int, int, int]]:
    """Greedy packing of items under a header: (text, tokens, first item, last item + 1)."""
    if not items:
        return []
    h = count_tokens([header], model_path)[0]
    sizes = count_tokens(items, model_path)
    out, cur, cur_tok, start = [], [], h, 0
    for i, (it, n) in enumerate(zip(items, sizes, strict=False)):
        if cur and cur_tok + n + 1 > limit:
            out.append((header + "\n" + "\n".join(cur), cur_tok, start, i))
            cur, cur_tok, start = [], h, i
        if h + n > limit:  # one item too long on its own: cut it by characters, roughly
            keep = max(20, int(len(it) * (limit - h) / max(n, 1)) - 10)
            it, n = it[:keep], limit - h
        cur.append(it)
        cur_tok += n + 1
    if cur:
        out.append((header + "\n" + "\n".join(cur), cur_tok, start, len(items)))
    return out


def _fmt(v) -> str:
    v = jsonable(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def make_chunks(file: str, table_name: str, df: pd.DataFrame, profile: dict, *, model_path: str,
                limit: int = 200, row_window_cap: int = 200, title: str | None = None) -> list[Chunk]:
    where = f"File '{file}', table '{table_name}'"
    cps = profile["column_profiles"]
    out: list[Chunk] = []
    desc = [f"{where}{' titled ' + repr(title) if title else ''}: {profile['rows']} rows, {profile['columns']} columns."]
    desc.append("Columns: " + ", ".join(f"{c} ({p['dtype']})" for c, p in cps.items()) + ".")
    for text, n, _, _ in _pack(desc[0], desc[1:], limit, model_path):
        out.append(Chunk("summary", text, n))
    col_lines = []
    for c, p in cps.items():
        bits = [f"{c}: {p['dtype']}"]
        if "min" in p:
            bits.append(f"from {_fmt(p['min'])} to {_fmt(p['max'])}")
        if p.get("top"):
            bits.append("e.g. " + ", ".join(_fmt(v) for v, _ in p["top"][:5]))
        col_lines.append("; ".join(bits))
    for text, n, _, _ in _pack(f"{where} columns:", col_lines, limit, model_path):
        out.append(Chunk("columns", text, n))
    for c, p in cps.items():
        if is_categorical(p):
            vals = [_fmt(v) for v in df[c].dropna().unique()[:1000]]
            for text, n, _, _ in _pack(f"{where}, column '{c}' values:", vals, limit, model_path):
                out.append(Chunk("values", text, n, column=c))
    # row windows, up to a cap, so a huge sheet indexes in bounded time
    n_rows = min(len(df), row_window_cap * 20)
    if n_rows:
        head = df.head(n_rows)
        cols = list(df.columns)
        lines = [" | ".join(f"{c}: {_fmt(v)}" for c, v in zip(cols, row, strict=False) if _fmt(v) != "")
                 for row in head.itertuples(index=False, name=None)]
        packed = _pack(f"{where} rows:", lines, limit, model_path)[:row_window_cap]
        for text, n, a, b in packed:
            out.append(Chunk("rows", text, int(n), row_start=int(a), row_end=int(b)))
    # free-text columns: every row (to a hard cap), so "complaints about rude staff" finds the row
    for c, p in cps.items():
        if is_free_text(p):
            s = df[c].head(MAX_FREE_TEXT_ROWS)
            for text, n, a, b in _pack(f"{where}, column '{c}':", [f"row {i + 1}: {_fmt(v)}" for i, v in s.items() if _fmt(v)], limit, model_path):
                out.append(Chunk("text", text, n, column=c, row_start=a, row_end=b))
    return out
