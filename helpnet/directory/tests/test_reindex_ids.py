"""A full rebuild numbers the index's documents from 1, so its bitmaps (one bit per id) do not grow with every
`helpnet reindex`; documents added afterwards follow on, and a rebuild that fails changes nothing."""

import pytest
from django.db import transaction

from helpnet.directory import indexing
from helpnet.directory.queries import SearchParams, search_services
from helpnet.directory.tests.factories import ServiceFactory
from helpnet.search.models import Document

# The database's id sequence starts at 1 in each test: on PostgreSQL it never moves down (see
# PostgresBackend.after_rebuild), so documents added after a rebuild follow the largest id it ever gave.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)


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
    assert _ids() == [1, 2, 3, 4]
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
