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

__all__ = [
    "Settings", "Workspace", "TableInfo", "ingest_paths", "error_report",
    "ExcelChatError", "FileError", "UnsupportedFileType", "ContentMismatch", "FileTooLarge", "CorruptFile",
    "EncryptedFile", "EmptyWorkbook", "FileLimitExceeded", "NotFound", "QueryError", "PlanError", "CannotAnswer",
    "LLMError", "LLMUnavailable", "ModelNotFound", "LLMBusy", "LLMTimeout",
]
