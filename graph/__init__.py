"""The knowledge graph: identity, record -> RDF, storage, the lineage index and the facade.

Use ``graph.store.open_store(spec)`` and ``graph.service.Lineage.open(store)``; see
docs/architecture.md. Nothing here imports fastapi or pyvis.
"""

from graph.errors import LineageError, NotFound, QueryError, StoreError
from graph.service import IngestReport, Lineage
from graph.store import Store, open_store

__all__ = [
    "IngestReport",
    "Lineage",
    "LineageError",
    "NotFound",
    "QueryError",
    "Store",
    "StoreError",
    "open_store",
]
