"""A full rebuild numbers the index's documents from 1, so its bitmaps (one bit per id) do not grow with every
`helpnet reindex`; documents added afterwards follow on, and a rebuild that fails changes nothing."""

import pytest
from django.db import connection, transaction

from helpnet.directory import indexing
from helpnet.directory.queries import SearchParams, search_services
from helpnet.directory.tests.factories import ServiceFactory
from helpnet.search.models import Document

# Not reset_sequences: SQLite's FTS5 table is not a Django model, so the flush between transactional tests
# leaves its rows, and ids from 1 again would meet them. Rebuilds clear it, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _ids() -> list[int]:
    return sorted(Document.objects.values_list("id", flat=True))


def test_rebuilds_number_from_one_and_later_documents_follow_on() -> None:
    services = [
        ServiceFactory(name=f"Svetovalnica {i}", description="Pomoč pri zasvojenosti.") for i in range(3)
    ]
    for service in services:
        indexing.index_service(service)  # ids from the database: 1, 2, 3 or later
    for _ in range(3):
        with transaction.atomic():
            assert indexing.reindex_all() == 3
        assert _ids() == [1, 2, 3]
    later = ServiceFactory(name="Svetovalnica nova", description="Pomoč pri zasvojenosti.")
    indexing.index_service(later)
    ids = _ids()
    assert ids[:3] == [1, 2, 3] and len(ids) == 4
    if connection.vendor == "sqlite":
        assert ids[3] == 4  # the AUTOINCREMENT counter followed the rebuild
    # (PostgreSQL's sequence never moves down: the new document follows the largest id it ever gave)
    found = search_services(SearchParams(q="svetovalnica", lang="sl"))
    assert found.total == 4


def test_a_failed_rebuild_leaves_the_index_and_its_numbering_usable() -> None:
    services = [ServiceFactory(name=f"Svetovalnica {i}", description="Pomoč.") for i in range(3)]
    with transaction.atomic():
        indexing.reindex_all()
    before = _ids()
    with pytest.raises(RuntimeError), transaction.atomic():
        indexing.reindex_all()
        raise RuntimeError("the rebuild's transaction fails after it wrote everything")
    assert _ids() == before
    extra = ServiceFactory(name="Svetovalnica nova", description="Pomoč.")
    indexing.index_service(extra)  # no id collides with the documents that came back
    assert len(_ids()) == len(services) + 1
    assert search_services(SearchParams(q="svetovalnica", lang="sl")).total == 4
