"""Errors meant for people: every message says what went wrong and what to do next."""


class BasisError(Exception):
    """An error whose message is written for the person who will read it."""


class ConfigError(BasisError):
    """A setting is missing or wrong."""


class IndexMissingError(BasisError):
    """No built index where one was expected."""


class IndexMismatchError(BasisError):
    """The index was built with a different model or chunker than the settings ask for."""


class ModelLoadError(BasisError):
    """The offline embedding model could not be found or loaded."""


class DocumentError(BasisError):
    """A document could not be read; the message names the file and the reason."""

    def __init__(self, message: str, problems: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class KnowledgeBaseError(BasisError):
    """A knowledge-base change (add, remove, reload) was refused."""


class FetchError(BasisError):
    """A URL import was refused or failed."""


class QuestionError(BasisError):
    """A question cannot be answered as asked (empty, too long)."""


class BuildInProgressError(BasisError):
    """Another knowledge-base change is still running."""


class IndexWriteError(BasisError):
    """Writing a new index failed (a full disk, permissions); the live index is unchanged."""


class SyncError(BasisError):
    """`basis sync` cannot start: the tracked-sources file is missing or wrong."""


class SharedStoreError(BasisError):
    """The shared database (BASIS_DATABASE_URL) could not be reached or written."""


class LockStoreUnreachableError(SharedStoreError):
    """The shared writer lock could not be taken because its database is unreachable."""


class RecordWriteError(BasisError):
    """A local record (the audit trail, the question log) could not be written: a full disk, permissions."""
