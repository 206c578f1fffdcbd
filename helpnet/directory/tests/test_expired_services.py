"""Services nobody confirmed for HELPNET_HIDE_MONTHS leave every public view: search, pages, API."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from helpnet.directory import indexing
from helpnet.directory.queries import SearchParams, listed_services, search_services
from helpnet.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


def _service(name: str, verified: dt.date) -> object:
    service = ServiceFactory(
        name=name, description="Svetovanje pri zasvojenosti z alkoholom.", assured_date=verified
    )
    indexing.index_service(service)
    return service


@time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC))
def test_an_expired_service_is_not_listed_or_found_but_a_stale_one_is() -> None:
    fresh = _service("Svetovalnica Alkohol", TODAY - dt.timedelta(days=30))
    stale = _service("Stara svetovalnica Alkohol", dt.date(2025, 9, 1))  # 14 months: "may be out of date"
    expired = _service("Pozabljena svetovalnica Alkohol", dt.date(2025, 5, 1))  # 19 months: hidden

    assert set(listed_services()) == {fresh, stale}
    result = search_services(SearchParams(q="alkohol", lang="sl"))
    assert {s.pk for s in result.services} == {fresh.pk, stale.pk}
    assert result.total == 2
    assert expired.pk not in {s.pk for s in result.services}


@time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC))
def test_the_page_and_the_api_of_an_expired_service_answer_404(client) -> None:
    expired = _service("Pozabljena svetovalnica", dt.date(2025, 5, 1))
    assert client.get(reverse("directory:service_detail", args=[expired.pk])).status_code == 404
    assert client.get(f"/api/hsds/services/{expired.pk}").status_code == 404


def test_the_nightly_job_drops_services_whose_confirmation_ran_out_since_the_last_index() -> None:
    with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)):
        service = _service("Svetovalnica Alkohol", dt.date(2025, 1, 2))  # 16 months old: still listed
        assert search_services(SearchParams(q="alkohol", lang="sl")).total == 1
    with time_machine.travel(dt.datetime(2026, 7, 3, 12, tzinfo=dt.UTC)):  # now 18 months
        assert timezone.localdate() > dt.date(2026, 7, 2)
        call_command("nightly", stdout=io.StringIO())
        assert search_services(SearchParams(q="alkohol", lang="sl")).total == 0
        assert not listed_services().filter(pk=service.pk).exists()


@time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC))
def test_the_row_check_of_a_results_page_agrees_with_listed_services_at_every_boundary() -> None:
    """freshness.is_listed (a page of results read by primary key) and listed_services (SQL) are one rule."""
    from helpnet.directory.freshness import is_listed
    from helpnet.directory.models import Service

    limit = dt.date(2025, 5, 22)  # 18 months before TODAY: confirmed on this day or earlier is hidden
    cases = []
    for status in Service.Status.values:
        for assured in (None, limit - dt.timedelta(days=1), limit, limit + dt.timedelta(days=1)):
            cases.append(ServiceFactory(status=status, assured_date=assured))
    created = {
        "before": dt.datetime(2025, 5, 22, 21, 59, tzinfo=dt.UTC),  # 23:59 local on the limit day
        "after": dt.datetime(2025, 5, 22, 22, 0, tzinfo=dt.UTC),  # 00:00 local the day after
    }
    for status in Service.Status.values:
        for moment in created.values():
            service = ServiceFactory(status=status, assured_date=None)
            Service.objects.filter(pk=service.pk).update(created_at=moment)
            cases.append(service)
    in_sql = set(listed_services().values_list("pk", flat=True))
    rows = Service.objects.filter(pk__in=[s.pk for s in cases]).values_list(
        "pk", "status", "assured_date", "created_at"
    )
    in_python = {pk for pk, status, assured, made in rows if is_listed(status, assured, made)}
    assert in_python == in_sql
    assert 0 < len(in_sql) < len(cases)  # both sides of the rule are there
