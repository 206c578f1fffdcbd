"""A read replica for the reads that can stand a little lag, and only for those.

Everything reads and writes on the primary ("default"). Code that knows its reads are public and read-only (the
help-map search, public directory pages, the HSDS read API) may send them to the replica:

    from helpnet.lib.dbrouter import replica_reads

    with replica_reads():
        result = search_services(params)

A replica lags behind the primary by a moment, so a staff member who has just saved a service must not be shown
the replica's older copy: staff pages, anything after a write, and anything inside a transaction stay on the
primary. Without DATABASE_REPLICA_URL there is no "replica" database and `replica_reads()` changes nothing.
Raw SQL (the search index) asks `read_alias()` which connection to use.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"

_replica_reads: ContextVar[bool] = ContextVar("helpnet_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads the router may route go to the replica (when one is configured)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def read_alias() -> str:
    """The database alias for a read here: the replica inside `replica_reads()`, else the primary."""
    if not _replica_reads.get() or REPLICA not in settings.DATABASES:
        return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY  # read-after-write inside a transaction: only the primary has it
    return REPLICA


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads go where `read_alias()` says, writes and migrations to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: objects from either may be related

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return False if db == REPLICA else None  # the replica gets its schema by replication
