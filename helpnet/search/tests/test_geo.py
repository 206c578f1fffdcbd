"""Distances for the help map: haversine and the bounding box that pre-filters it."""

import pytest

from helpnet.lib.geo import bounding_box, haversine_km


def test_haversine_between_sevnica_and_krsko_is_about_15_km() -> None:
    assert haversine_km(46.0092, 15.3150, 45.9590, 15.4920) == pytest.approx(14.7, abs=0.5)


def test_haversine_of_a_point_to_itself_is_zero() -> None:
    assert haversine_km(55.6870, 12.4910, 55.6870, 12.4910) == 0


def test_bounding_box_contains_every_point_within_the_radius() -> None:
    min_lat, max_lat, min_lng, max_lng = bounding_box(56.4607, 10.0364, 10)
    for lat, lng in [(56.55, 10.0364), (56.4607, 10.19), (56.40, 9.93)]:
        if haversine_km(56.4607, 10.0364, lat, lng) <= 10:
            assert min_lat <= lat <= max_lat and min_lng <= lng <= max_lng


def test_bounding_box_widens_longitude_away_from_the_equator() -> None:
    _a, _b, min_lng, max_lng = bounding_box(56.0, 10.0, 10)
    min_lat, max_lat, _c, _d = bounding_box(56.0, 10.0, 10)
    assert (max_lng - min_lng) > (max_lat - min_lat)


def test_bounding_box_near_a_pole_takes_every_longitude() -> None:
    _a, max_lat, min_lng, max_lng = bounding_box(89.9999999, 0.0, 50)
    assert (min_lng, max_lng, max_lat) == (-180.0, 180.0, 90.0)
