"""Errors users see. One base class; each message names the file and says what to do."""
from __future__ import annotations


class ExcelChatError(Exception):
    """Base of every error Excel Chat raises on purpose; its message is meant for users."""

    def __init__(self, message: str, *, file: str | None = None):
        super().__init__(message)
        self.file = file

    @property
    def message(self) -> str:
        return str(self)


# --- files -----------------------------------------------------------------
class FileError(ExcelChatError):
    """A file could not be ingested."""


class UnsupportedFileType(FileError):
    pass


class ContentMismatch(FileError):
    """The bytes are not what the extension says."""


class FileTooLarge(FileError):
    pass


class CorruptFile(FileError):
    pass


class EncryptedFile(FileError):
    pass


class EmptyWorkbook(FileError):
    pass


class FileLimitExceeded(FileError):
    """Rows, cells, parse time or memory over the configured limit."""


# --- workspace -------------------------------------------------------------
class WorkspaceError(ExcelChatError):
    pass


class NotFound(WorkspaceError):
    pass


# --- questions -------------------------------------------------------------
class QueryError(ExcelChatError):
    """A query plan or SQL statement was refused or failed."""


class PlanError(QueryError):
    """A plan names something that does not exist, or cannot be compiled."""


class CannotAnswer(QueryError):
    """The planner has no confident plan; `suggestions` lists what it can answer."""

    def __init__(self, message: str, *, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


class Ambiguous(CannotAnswer):
    """The question fits two readings about equally (tables of two files, two plans on one table); `readings`
    are questions rephrased so that each has one reading, or the plans' own sentences."""

    def __init__(self, message: str, *, readings: list[str], plans: list[dict] | None = None):
        super().__init__(message)
        self.readings = readings
        self.plans = plans or []  # each reading's plan, when it is one (run as chosen, not asked again)
        self.score = 0.0  # how well the table fits (the offline planner weighs tables by it)


class QueryTimeout(QueryError):
    pass


# --- the LLM ---------------------------------------------------------------
class LLMError(ExcelChatError):
    """The local model could not help; the computed answer still stands."""


class LLMRetryable(LLMError):
    """A transient failure: the same request may succeed a moment later (retried with backoff)."""


class LLMUnavailable(LLMRetryable):
    """Ollama cannot be reached (not running, wrong OLLAMA_HOST)."""


class LLMBusy(LLMRetryable):
    """Ollama answered 429/503: its request queue is full."""


class LLMDropped(LLMRetryable):
    """The connection closed before the answer was complete."""


class LLMNotConfigured(LLMError):
    """The model is switched off (EXCELCHAT_LLM=0) or OLLAMA_HOST is not a URL; retrying cannot help."""


class ModelNotFound(LLMError):
    pass


class LLMTimeout(LLMError):
    """No answer within the configured time; not retried, since every attempt would wait as long again."""


class LLMBadOutput(LLMError):
    pass
