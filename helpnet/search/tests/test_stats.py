"""Anonymous search statistics: daily aggregates, nothing that identifies a person."""

import datetime as dt

import pytest
import time_machine

from helpnet.search.actions import record_open, record_search
from helpnet.search.models import SearchStat

pytestmark = pytest.mark.django_db


def test_same_search_on_one_day_is_counted_in_one_row() -> None:
    record_search("Nasilje v DRUŽINI", language="sl", municipality="sevnica", result_count=3)
    record_search("nasilje druzini", language="sl", municipality="sevnica", result_count=3)
    row = SearchStat.objects.get()
    assert (row.query, row.searches, row.results_total) == ("nasilje druzini", 2, 6)


def test_searches_without_results_are_counted() -> None:
    record_search("xyzzy", language="sl", result_count=0)
    assert SearchStat.objects.get().zero_results == 1


def test_another_day_starts_another_row() -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)):
        record_search("dolgovi", language="sl", result_count=1)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)):
        record_search("dolgovi", language="sl", result_count=1)
    assert SearchStat.objects.count() == 2


def test_filters_and_language_separate_rows() -> None:
    record_search("dolgovi", language="sl", result_count=1)
    record_search("dolgovi", language="en", result_count=1)
    record_search("dolgovi", language="sl", filters="free", result_count=1)
    assert SearchStat.objects.count() == 3


def test_opening_a_result_is_counted_on_the_search_row() -> None:
    record_search("dolgovi", language="sl", result_count=1)
    record_open("dolgovi", language="sl")
    assert SearchStat.objects.get().opens == 1


def test_statistics_have_no_field_that_could_identify_a_person() -> None:
    fields = {f.name for f in SearchStat._meta.get_fields()}
    assert not fields & {"ip", "ip_address", "user", "session", "cookie", "user_agent"}
