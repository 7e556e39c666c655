"""Commentary Q&A, question side: ``ask``, ``ask_batch`` and ``search`` over a built index.

>>> from retrieval import ask                                   # doctest: +SKIP
>>> ask("Why is haste ill-advised?").citations[0].quote        # doctest: +SKIP
"""

from retrieval.config import set_offline_env

set_offline_env()

from retrieval.api import ask, ask_batch, get_engine, list_articles, search  # noqa: E402
from retrieval.errors import (  # noqa: E402
    CQAError,
    IndexCorruptError,
    IndexIncompatibleError,
    IndexLockedError,
    IndexNotFoundError,
    IngestError,
    InvalidInputError,
)
from retrieval.types import Answer, Citation, Passage  # noqa: E402

__all__ = [
    "Answer",
    "CQAError",
    "Citation",
    "IndexCorruptError",
    "IndexIncompatibleError",
    "IndexLockedError",
    "IndexNotFoundError",
    "IngestError",
    "InvalidInputError",
    "Passage",
    "ask",
    "ask_batch",
    "get_engine",
    "list_articles",
    "search",
]
