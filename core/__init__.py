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
from .answer import Answer, Answerer
from .chat import ChatPipeline, Event
from .conversations import Conversations
from .planner import OfflinePlanner
from .safety import escape_formula, export_csv, export_xlsx
from .isolate import warm_up

# heavy imports (the LLM client stack, torch for the index, plotly) load on first use
_LAZY = {"OllamaLLM": ".llm", "SemanticIndex": ".index", "render": ".charts", "explore_charts": ".charts",
         "recommend": ".charts", "ChartSpec": ".charts"}


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
