"""The named errors of Commentary Q&A.

Every user mistake (a bad question, a missing index, a broken article file) raises one of
these; the CLI prints the message on one line and exits with code 2, the UI shows it.
"""

from __future__ import annotations


class CQAError(Exception):
    """Base class: an error whose message is meant for the user, not a traceback."""


class InvalidInputError(CQAError, ValueError):
    """An argument, question or input file is not acceptable."""


class IndexNotFoundError(CQAError):
    """No index exists at the given location."""


class IndexIncompatibleError(CQAError):
    """The index was built with another embedding model or index format."""


class IndexCorruptError(CQAError):
    """The index files are damaged or disagree with each other."""


class IndexLockedError(CQAError):
    """Another process is writing the index."""


class IngestError(CQAError):
    """An article could not be read or parsed."""
