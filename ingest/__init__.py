"""Commentary Q&A, ingest side: read articles, cut them into chunks, embed, write the index.

>>> from ingest import ingest                     # doctest: +SKIP
>>> print(ingest(["corpus/"]).summary())          # doctest: +SKIP
"""

from retrieval.config import set_offline_env

set_offline_env()

from ingest.pipeline import IngestReport, index_status, ingest, remove_articles  # noqa: E402

__all__ = ["IngestReport", "index_status", "ingest", "remove_articles"]
