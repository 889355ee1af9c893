"""Excel Chat core: ingest spreadsheets, answer questions with exact SQL, narrate with a local LLM.

Never imports streamlit; the pages call only what is listed in __all__.
"""
from .config import Settings
from .errors import (
    CannotAnswer, ContentMismatch, CorruptFile, EmptyWorkbook, EncryptedFile, ExcelChatError, FileError,
    FileLimitExceeded, FileTooLarge, LLMBusy, LLMError, LLMTimeout, LLMUnavailable, ModelNotFound, NotFound,
    PlanError, QueryError, UnsupportedFileType,
)
from .workspace import TableInfo, Workspace, error_report, ingest_paths
# The rest loads on first use: the parsing child (core.isolate) must stay small under its memory limit,
# and `python -m core ingest` must not pay for DuckDB, the LLM client stack, torch or plotly.
_LAZY = {"Answer": ".answer", "Answerer": ".answer", "ChatPipeline": ".chat", "Event": ".chat",
         "Conversations": ".conversations", "OfflinePlanner": ".planner", "escape_formula": ".safety",
         "export_csv": ".safety", "export_xlsx": ".safety", "warm_up": ".isolate", "OllamaLLM": ".llm",
         "SemanticIndex": ".index", "render": ".charts", "explore_charts": ".charts", "recommend": ".charts",
         "ChartSpec": ".charts"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'core' has no attribute {name!r}")


__all__ = [
    "Settings", "Workspace", "TableInfo", "ingest_paths", "error_report",
    "Answer", "Answerer", "ChatPipeline", "Event", "Conversations", "OfflinePlanner",
    "escape_formula", "export_csv", "export_xlsx", "warm_up",
    "OllamaLLM", "SemanticIndex", "render", "explore_charts", "recommend", "ChartSpec",
    "ExcelChatError", "FileError", "UnsupportedFileType", "ContentMismatch", "FileTooLarge", "CorruptFile",
    "EncryptedFile", "EmptyWorkbook", "FileLimitExceeded", "NotFound", "QueryError", "PlanError", "CannotAnswer",
    "LLMError", "LLMUnavailable", "ModelNotFound", "LLMBusy", "LLMTimeout",
]
