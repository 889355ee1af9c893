"""Excel Chat core: ingest spreadsheets, answer questions with exact SQL, narrate with a local LLM.

Never imports streamlit; the pages call only what is listed in __all__.
"""
from .config import SETTINGS, Settings
from .errors import (
    CannotAnswer,
    ContentMismatch,
    CorruptFile,
    EmptyWorkbook,
    EncryptedFile,
    ExcelChatError,
    FileError,
    FileLimitExceeded,
    FileTooLarge,
    LLMBadOutput,
    LLMBusy,
    LLMDropped,
    LLMError,
    LLMNotConfigured,
    LLMRetryable,
    LLMTimeout,
    LLMUnavailable,
    ModelNotFound,
    NotFound,
    PlanError,
    QueryError,
    UnsupportedFileType,
)
from .workspace import TableInfo, Workspace, error_report, ingest_paths

# The rest loads on first use: the parsing child (core.isolate) must stay small under its memory limit,
# and `python -m core ingest` must not pay for DuckDB, the LLM client stack, torch or plotly.
_LAZY = {"Answer": ".answer", "Answerer": ".answer", "ChatPipeline": ".chat", "Event": ".chat",
         "Conversations": ".conversations", "OfflinePlanner": ".planning", "escape_formula": ".safety",
         "export_csv": ".safety", "export_xlsx": ".safety", "warm_up": ".isolate", "OllamaLLM": ".llm",
         "SemanticIndex": ".index", "render": ".charts", "explore_charts": ".charts", "recommend": ".charts",
         "ChartSpec": ".charts", "ChatModel": ".llm", "ChatChunk": ".llm",
         "Uploads": ".uploads", "summarize": ".insights", "insights_iter": ".insights", "rank_insights": ".insights", "UploadJob": ".uploads", "IndexingStatus": ".indexer"}


def __getattr__(name):
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    if name == "ui":  # display helpers for the pages: a module of its own
        return importlib.import_module(".ui", __name__)
    raise AttributeError(f"module 'core' has no attribute {name!r}")


__all__ = [
    "Settings", "SETTINGS", "Workspace", "TableInfo", "ingest_paths", "error_report",
    "Answer", "Answerer", "ChatPipeline", "Event", "Conversations", "OfflinePlanner",
    "escape_formula", "export_csv", "export_xlsx", "warm_up",
    "ChatModel", "ChatChunk", "OllamaLLM", "SemanticIndex", "IndexingStatus", "Uploads", "UploadJob", "render", "explore_charts", "recommend", "ChartSpec",
    "summarize", "insights_iter", "rank_insights",
    "ui",
    "ExcelChatError", "FileError", "UnsupportedFileType", "ContentMismatch", "FileTooLarge", "CorruptFile",
    "EncryptedFile", "EmptyWorkbook", "FileLimitExceeded", "NotFound", "QueryError", "PlanError", "CannotAnswer",
    "LLMError", "LLMRetryable", "LLMUnavailable", "LLMBusy", "LLMDropped", "LLMTimeout", "ModelNotFound",
    "LLMBadOutput", "LLMNotConfigured",
]
