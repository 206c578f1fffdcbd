"""Searching near a position (search/queries.py, _NearGeo): the points kept in memory are measured at once; the
answer is what measuring every point in the database gives."""

import random
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpnet.lib.geo import haversine_km
from helpnet.search import queries, resident
from helpnet.search.actions import IndexDocument, index_documents
from helpnet.search.models import Document
from helpnet.search.queries import Request, find

TOWNS = ((46.0092, 15.3150), (45.9590, 15.4920), (56.4607, 10.0364))


def _geo(
    points: list[tuple[int, float, float]], centre: tuple[float, float], radius: float
) -> queries._NearGeo:
    return queries._NearGeo(
        Request(near=centre, radius_km=radius), (1 << 64) - 1, resident.Points().extended(points)
    )


@settings(max_examples=150, deadline=None)
@given(
    town=st.sampled_from(TOWNS),
    dlat=st.floats(-0.3, 0.3),
    dlng=st.floats(-0.4, 0.4),
    radius=st.sampled_from((0.5, 2.0, 5.0, 10.0, 25.0, 60.0)),
    offsets=st.lists(st.tuples(st.floats(-0.7, 0.7), st.floats(-0.9, 0.9)), min_size=1, max_size=30),
)
def test_the_documents_within_the_radius_and_their_distances_are_those_of_every_point_measured(
    town: tuple[float, float], dlat: float, dlng: float, radius: float, offsets: list[tuple[float, float]]
) -> None:
    centre = (town[0] + dlat, town[1] + dlng)
    # Two points a document for some: its nearest counts.
    points = [(1 + i // 2, town[0] + a, town[1] + b) for i, (a, b) in enumerate(offsets)]
    geo = _geo(points, centre, radius)
    expected: dict[int, float] = {}
    for doc_id, lat, lng in points:
        distance = haversine_km(*centre, lat, lng)
        if distance <= radius:
            expected[doc_id] = min(distance, expected.get(doc_id, distance))
    assert geo.docs.tolist() == sorted(expected)
    for doc_id, km in zip(geo.docs.tolist(), geo.km.tolist(), strict=True):
        assert km == pytest.approx(expected[doc_id], abs=1e-9)


def test_a_document_outside_the_given_bitmap_is_not_measured() -> None:
    points = [(1, *TOWNS[0]), (2, *TOWNS[0]), (3, *TOWNS[0])]
    geo = queries._NearGeo(Request(near=TOWNS[0], radius_km=1.0), 0b1010, resident.Points().extended(points))
    assert geo.docs.tolist() == [1, 3]


@pytest.fixture
def many_documents(db: None) -> dict[uuid.UUID, list[tuple[float, float]]]:
    rng = random.Random(7)
    docs, points_of = [], {}
    for i in range(600):
        town = TOWNS[i % 2]
        points = [(town[0] + rng.gauss(0, 0.05), town[1] + rng.gauss(0, 0.07))]
        if i % 9 == 0:
            points.append((TOWNS[(i + 1) % 2][0] + rng.gauss(0, 0.05), TOWNS[(i + 1) % 2][1]))
        words = "Svetovanje" + (" o dolgovih" if i % 3 else "") + (" in nasilju" if i % 5 == 0 else "")
        key = uuid.uuid4()
        points_of[key] = points
        docs.append(
            IndexDocument(
                key=key,
                fields={"name": [(f"{words} {i}", "sl")], "description": [(words, "sl")]},
                tags=[f"need:{('debt', 'violence', 'food')[i % 3]}", f"muni:{('sevnica', 'krsko')[i % 2]}"],
                points=points,
                sort_name=f"{words} {i}".casefold(),
                demoted=i % 11 == 0,
                language="sl",
            )
        )
    index_documents(docs)
    return points_of


@pytest.mark.parametrize("sort", ["relevance", "distance"])
def test_near_a_position_gives_the_total_facets_and_distances_of_the_database_path(
    many_documents: dict[uuid.UUID, list[tuple[float, float]]], monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    """The same request through the statements that read every point in the bounding box (the path a word
    typed as a prefix takes) gives the same total, facets and, by distance, the same page."""
    rng = random.Random(sort)
    for text, radius, offset in (
        ("svetovanje", 1.0, 0),
        ("dolgovi", 3.0, 20),
        ("svetovanje nasilje", 5.0, 0),
        ("dolgovi", 10.0, 0),
        ("svetovanje nasilje", 25.0, 20),
        ("svetovanje", 25.0, 0),
    ):
        town = rng.choice(TOWNS[:2])
        request = Request(
            text=text,
            lang="sl",
            near=(town[0] + rng.uniform(-0.03, 0.03), town[1] + rng.uniform(-0.03, 0.03)),
            radius_km=radius,
            sort=sort,
            offset=offset,
            facet_prefixes=("need:", "muni:"),
        )
        ours = find(request)
        with monkeypatch.context() as patched:
            patched.setattr(queries, "_find_hot", lambda *args, **kwargs: None)
            statements = find(request)
        assert ours.total == statements.total
        assert ours.facets == statements.facets
        if sort == "distance":
            assert ours.keys == statements.keys
        assert ours.distances_km == {
            key: round(min(haversine_km(*request.near, *p) for p in many_documents[key]), 2)
            for key in ours.keys
        }
        closed = set(Document.objects.filter(demoted=True).values_list("key", flat=True))
        flags = [key in closed for key in ours.keys]
        assert flags == sorted(flags)  # temporarily closed services last
    assert ours.total > 200  # the widest circle holds most of the documents
