"""The read-replica router: only reads inside `replica_reads()` go to the replica, never writes, never reads
inside a transaction, and nothing changes without a replica configured.

The decisions are tested with a replica entry in settings.DATABASES; the queries themselves when the tests run
with DATABASE_REPLICA_URL set (the "replica" alias is then a TEST MIRROR of default):
    DATABASE_REPLICA_URL=$DATABASE_URL pytest helpnet/tests/test_dbrouter.py
"""

from typing import Any

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from helpnet.lib.dbrouter import ReplicaRouter, read_alias, replica_reads
from helpnet.organizations.models import Municipality, Organization
from helpnet.organizations.tests.factories import OrganizationFactory

router = ReplicaRouter()


@pytest.fixture
def with_replica(settings: Any) -> None:
    settings.DATABASES = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}


def test_without_a_replica_everything_stays_on_the_primary(settings):
    settings.DATABASES = {"default": settings.DATABASES["default"]}
    with replica_reads():
        assert router.db_for_read(Organization) == "default"
    assert router.db_for_read(Organization) == "default"


def test_reads_go_to_the_replica_only_where_the_code_asks(with_replica):
    assert router.db_for_read(Organization) == "default"
    with replica_reads():
        assert router.db_for_read(Organization) == "replica"
        assert router.db_for_write(Organization) == "default"
    assert router.db_for_read(Organization) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(with_replica):
    with replica_reads(), transaction.atomic():
        assert read_alias() == "default"


def test_the_replica_is_never_migrated():
    assert router.allow_migrate("replica", "organizations") is False
    assert router.allow_migrate("default", "organizations") is None


needs_replica = pytest.mark.skipif(
    "replica" not in connections.settings, reason="set DATABASE_REPLICA_URL to run against a mirror"
)


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_marked_read_runs_on_the_replica_and_a_write_on_the_primary():
    organization = OrganizationFactory(name="Written on the primary")
    with CaptureQueriesContext(connections["replica"]) as on_replica, replica_reads():
        found = Organization.objects.get(pk=organization.pk)
        list(Municipality.objects.all()[:1])
    assert found.name == "Written on the primary"
    assert len(on_replica.captured_queries) == 2
    with CaptureQueriesContext(connections["replica"]) as on_replica, replica_reads():
        found.name = "Changed"
        found.save()
    assert on_replica.captured_queries == []
    assert Organization.objects.using("default").get(pk=organization.pk).name == "Changed"
