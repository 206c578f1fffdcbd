"""The help-map search through search_services: matching, filters, facets, distance, ordering."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from helpnet.directory import indexing, vocabulary
from helpnet.directory.models import (
    Attribute,
    CostOption,
    Language,
    Occurrence,
    Service,
    TaxonomyTerm,
)
from helpnet.directory.queries import SearchParams, search_services
from helpnet.directory.tests.factories import (
    LocationFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from helpnet.organizations.models import Municipality
from helpnet.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

# On PostgreSQL the index statements run in their own (nested) transaction with SET LOCAL enable_seqscan:
# SAVEPOINT, SET, RELEASE.
PG_SEARCH_SETTINGS = 3 if connection.vendor == "postgresql" else 0


def need(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(id=vocabulary.term_id(vocabulary.NEED_AREAS_TAXONOMY, code))


def group(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(id=vocabulary.term_id(vocabulary.TARGET_GROUPS_TAXONOMY, code))


def make_service(
    name: str,
    description: str = "",
    *,
    needs: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    municipality: str = "",
    point: tuple[float, float] | None = None,
    status: str = Service.Status.ACTIVE,
    language: str = "sl",
    **fields: Any,
) -> Service:
    org = OrganizationFactory(country="DK" if language == "da" else "SI")
    service = ServiceFactory(
        name=name,
        description=description,
        organization=org,
        status=status,
        original_language=language,
        **fields,
    )
    for code in needs:
        Attribute.objects.create(link_entity="service", link_id=service.pk, taxonomy_term=need(code))
    for code in groups:
        Attribute.objects.create(link_entity="service", link_id=service.pk, taxonomy_term=group(code))
    if municipality:
        ServiceAreaFactory(service=service, municipality=Municipality.objects.get(slug=municipality))
    if point:
        location = LocationFactory(
            organization=org,
            latitude=point[0],
            longitude=point[1],
            municipality=Municipality.objects.get(slug=municipality or "sevnica"),
        )
        ServiceAtLocationFactory(service=service, location=location)
    indexing.index_service(service)
    return service


def names(params: SearchParams) -> list[str]:
    return [s.name for s in search_services(params).services]


def test_inflected_slovenian_word_finds_its_lemma() -> None:
    make_service("Svetovanje ob nasilju", "Pomoč žrtvam nasilja v družini.")
    make_service("Vadba za starejše", "Telovadba.")
    assert names(SearchParams(q="nasilje")) == ["Svetovanje ob nasilju"]


def test_query_without_diacritics_finds_text_with_them() -> None:
    make_service("Svetovanje družinam", "Za družine v stiski.")
    assert names(SearchParams(q="druzini")) == ["Svetovanje družinam"]


def test_danish_query_finds_danish_service() -> None:
    make_service("Rygestopkursus", "Vi hjælper dig, der ryger, med at stoppe.", language="da")
    assert names(SearchParams(q="jeg ryger", lang="da")) == ["Rygestopkursus"]


def test_colloquial_word_finds_service_through_need_area_thesaurus() -> None:
    make_service("Klub zdravljenih alkoholikov", "Srečanja vsak teden.", needs=("addiction",))
    make_service("Vadba za starejše", "Telovadba.", needs=("health-promotion",))
    assert names(SearchParams(q="mož pije")) == ["Klub zdravljenih alkoholikov"]


def test_a_typo_in_a_long_word_still_finds_the_service() -> None:
    make_service("Podporna skupina", "Pomoč pri depresiji in tesnobi.")
    assert names(SearchParams(q="depresji")) == ["Podporna skupina"]


def test_name_match_ranks_above_description_match() -> None:
    make_service("Dnevni center", "Tudi svetovanje o dolgovih.")
    make_service("Svetovanje o dolgovih", "Pomagamo urediti finance.")
    assert names(SearchParams(q="dolgovi"))[0] == "Svetovanje o dolgovih"


def test_inactive_and_defunct_services_are_never_found() -> None:
    make_service("Nasilje A", status=Service.Status.INACTIVE)
    make_service("Nasilje B", status=Service.Status.DEFUNCT)
    make_service("Nasilje C")
    assert names(SearchParams(q="nasilje")) == ["Nasilje C"]


def test_temporarily_closed_services_come_last() -> None:
    make_service("Nasilje - pomoč", status=Service.Status.TEMPORARILY_CLOSED)
    make_service("Svetovalnica", "Tudi o nasilju.")
    assert names(SearchParams(q="nasilje")) == ["Svetovalnica", "Nasilje - pomoč"]


def test_need_and_municipality_filters_combine() -> None:
    make_service("A", needs=("addiction",), municipality="sevnica")
    make_service("B", needs=("addiction",), municipality="krsko")
    make_service("C", needs=("violence",), municipality="sevnica")
    assert names(SearchParams(need=("addiction",), municipality="sevnica")) == ["A"]


def test_target_group_filter() -> None:
    make_service("A", groups=("elderly",))
    make_service("B", groups=("families",))
    assert names(SearchParams(group=("elderly",))) == ["A"]


def test_language_filter_uses_language_codes() -> None:
    service = make_service("A")
    Language.objects.create(service=service, code="en")
    indexing.index_service(service)
    make_service("B")
    assert names(SearchParams(language="en")) == ["A"]


def test_free_means_a_zero_cost_option_and_none_above_zero() -> None:
    free = ServiceFactory(name="Free")
    CostOption.objects.create(service=free, amount=Decimal("0"))
    paid = ServiceFactory(name="Paid sometimes")
    CostOption.objects.create(service=paid, amount=Decimal("0"))
    CostOption.objects.create(service=paid, amount=Decimal("10"))
    unknown = ServiceFactory(name="Unknown cost")
    for service in (free, paid, unknown):
        indexing.index_service(service)
    assert names(SearchParams(free=True)) == ["Free"]


def test_open_now_keeps_services_with_a_running_occurrence() -> None:
    now = timezone.now()
    open_service = make_service("Open")
    schedule = ScheduleFactory(service=open_service)
    Occurrence.objects.create(
        service=open_service,
        schedule=schedule,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
    )
    make_service("Closed")
    assert names(SearchParams(open_now=True)) == ["Open"]


def test_facets_count_needs_groups_and_municipalities_of_all_matches() -> None:
    make_service("Nasilje 1", needs=("violence",), groups=("families",), municipality="sevnica")
    make_service("Nasilje 2", needs=("violence", "mental-health"), municipality="krsko")
    make_service("Drugo", needs=("addiction",), municipality="krsko")
    result = search_services(SearchParams(q="nasilje"), per_page=1)
    assert result.total == 2
    assert result.facets["need"] == {"violence": 2, "mental-health": 1}
    assert result.facets["group"] == {"families": 1}
    assert result.facets["municipality"] == {"sevnica": 1, "krsko": 1}


def test_radius_keeps_only_services_within_it_and_reports_distances() -> None:
    make_service("Near", point=(46.0092, 15.3150), municipality="sevnica")
    make_service("Far", point=(45.9040, 15.5920), municipality="brezice")
    result = search_services(SearchParams(lat=46.0, lng=15.31, radius_km=5))
    assert [s.name for s in result.services] == ["Near"]
    assert 0.5 < result.distances_km[str(result.services[0].pk)] < 2


def test_sort_by_distance_puts_the_nearest_first() -> None:
    make_service("Far", point=(45.9040, 15.5920), municipality="brezice")
    make_service("Near", point=(46.0092, 15.3150), municipality="sevnica")
    params = SearchParams(lat=46.0, lng=15.31, radius_km=50, sort="distance")
    assert names(params) == ["Near", "Far"]


def test_relevance_is_blended_with_distance_when_a_position_is_given() -> None:
    make_service("Svetovanje o dolgovih", point=(45.9040, 15.5920), municipality="brezice")
    make_service("Svetovanje o dolgovih in hrani", point=(46.0092, 15.3150), municipality="sevnica")
    params = SearchParams(q="dolgovi", lat=46.0092, lng=15.3150, radius_km=50)
    assert names(params)[0] == "Svetovanje o dolgovih in hrani"


def test_confidential_location_is_indexed_at_its_municipality_centre() -> None:
    org = OrganizationFactory()
    service = ServiceFactory(name="Varna hiša", organization=org)
    muni = Municipality.objects.get(slug="krsko")
    location = LocationFactory(
        organization=org, latitude=45.99, longitude=15.40, confidential=True, municipality=muni
    )
    ServiceAtLocationFactory(service=service, location=location)
    indexing.index_service(service)
    result = search_services(SearchParams(lat=muni.latitude, lng=muni.longitude, radius_km=1))
    assert result.distances_km[str(service.pk)] == 0.0


def test_pagination_returns_the_requested_page_and_the_total() -> None:
    for i in range(5):
        make_service(f"Nasilje {i}")
    result = search_services(SearchParams(q="nasilje"), page=2, per_page=2)
    assert result.total == 5
    assert [s.name for s in result.services] == ["Nasilje 2", "Nasilje 3"]


def test_reindex_all_rebuilds_the_index_from_the_services() -> None:
    make_service("Nasilje")
    ServiceFactory(name="Nasilje brez indeksa")
    assert indexing.reindex_all() == 2
    assert len(names(SearchParams(q="nasilje"))) == 2


def test_unindexed_service_disappears_from_results() -> None:
    service = make_service("Nasilje")
    indexing.unindex_services([service.pk])
    assert names(SearchParams(q="nasilje")) == []


def test_service_made_inactive_is_removed_when_reindexed() -> None:
    service = make_service("Nasilje")
    service.status = Service.Status.INACTIVE
    service.save()
    indexing.index_service(service)
    assert names(SearchParams(q="nasilje")) == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "in v na",
        "x" * 10_000,
        "nasilje " * 2000,
        '"',
        '"nasilje',
        "nasilje*",
        "* NEAR(a b)",
        "-nasilje",
        "name:nasilje",
        "nasilje OR",
        "(nasilje",
        "AND OR NOT",
        "🙂 pomoč 🙂",
        "насилие nasilje βία",
        "'; DROP TABLE search_document; --",
        "\x00\x01",
        "!:&|()<>",
    ],
)
def test_hostile_queries_never_fail(query: str) -> None:
    make_service("Nasilje", "Pomoč.")
    result = search_services(SearchParams(q=query))
    assert result.total >= 0


def test_query_count_does_not_grow_with_the_number_of_results(django_assert_num_queries: Any) -> None:
    for i in range(3):
        make_service(f"Nasilje {i}", needs=("violence",), municipality="sevnica", point=(46.0, 15.3))
    # the bitmaps of the filter and facet tags, the query word's postings (stored and added since), the page's
    # keys and names; the page's services (+ organisation), then their locations
    # (+ municipality), service areas (+ municipality) and cost options (the "free" badge); addresses only for
    # locations without a municipality (none here). The services were indexed in this test's transaction, so
    # the search reads the index rather than keeping it in memory (search/resident.py; with the index in memory
    # only the index's state is read: test_resident.py).
    with django_assert_num_queries(8 + PG_SEARCH_SETTINGS):
        search_services(SearchParams(q="nasilje", need=("violence",)))
    for i in range(10):
        make_service(f"Nasilje več {i}", needs=("violence",), municipality="sevnica", point=(46.0, 15.3))
    with django_assert_num_queries(8 + PG_SEARCH_SETTINGS):
        result = search_services(SearchParams(q="nasilje", need=("violence",)))
    assert result.total == 13


def test_query_count_with_a_position_is_constant(django_assert_num_queries: Any) -> None:
    for i in range(3):
        make_service(f"Nasilje {i}", municipality="sevnica", point=(46.0, 15.3))
    # as above, and the indexed points; the page's services and their locations (+ municipality), service
    # areas (+ municipality) and cost options (no addresses: every location has its municipality)
    with django_assert_num_queries(9 + PG_SEARCH_SETTINGS):
        search_services(SearchParams(q="nasilje", lat=46.0, lng=15.3, radius_km=10))
