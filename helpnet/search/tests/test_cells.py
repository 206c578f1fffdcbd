"""Spatial cells (search/hot.py): a search near a position gives exactly what measuring every point gives."""

import random
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpnet.lib.geo import haversine_km
from helpnet.search import hot, queries
from helpnet.search.actions import IndexDocument, index_documents, remove_documents
from helpnet.search.queries import Request, find

TOWNS = ((46.0092, 15.3150), (45.9590, 15.4920), (56.4607, 10.0364))


@settings(max_examples=150, deadline=None)
@given(
    town=st.sampled_from(TOWNS),
    dlat=st.floats(-0.3, 0.3),
    dlng=st.floats(-0.4, 0.4),
    radius=st.sampled_from((0.5, 2.0, 5.0, 10.0, 25.0, 60.0)),
    points=st.lists(st.tuples(st.floats(-0.7, 0.7), st.floats(-0.9, 0.9)), min_size=1, max_size=30),
)
def test_cover_holds_every_point_within_the_radius_and_inside_cells_only_such_points(
    town: tuple[float, float],
    dlat: float,
    dlng: float,
    radius: float,
    points: list[tuple[float, float]],
) -> None:
    lat, lng = town[0] + dlat, town[1] + dlng
    cells = hot.cover(lat, lng, radius)
    assert cells is not None
    by_name = {cell.name: cell for cell in cells}
    assert len(by_name) == len(cells)
    for plat, plng in ((town[0] + a, town[1] + b) for a, b in points):
        distance = haversine_km(lat, lng, plat, plng)
        covering = [by_name[name] for name in hot.cell_names([(plat, plng)]) if name in by_name]
        assert len(covering) <= 1  # the cells of a cover do not overlap
        if distance <= radius:
            assert covering, "a point within the radius is in no cell of the cover"
        if covering:
            assert covering[0].near_km <= distance <= covering[0].far_km
            if covering[0].inside:
                assert distance <= radius


def test_too_large_a_circle_is_answered_without_cells() -> None:
    assert hot.cover(46.0, 15.0, 500.0) is None


def test_sparse_and_dense_cells_decode_to_their_documents() -> None:
    sparse = hot.ids_to_int([3, 700, 9000])
    dense = hot.ids_to_int(range(0, 9000, 7))
    assert hot.encode("cell:0:1:2", sparse)[:1] == b"s"
    assert hot.encode("cell:0:1:2", dense)[:1] == b"d"
    for value in (sparse, dense, 0):
        assert hot.decode("cell:0:1:2", hot.encode("cell:0:1:2", value)) == value


@pytest.fixture
def many_documents(db: None) -> None:
    rng = random.Random(7)
    docs = []
    for i in range(600):
        town = TOWNS[i % 2]
        points = [(town[0] + rng.gauss(0, 0.05), town[1] + rng.gauss(0, 0.07))]
        if i % 9 == 0:
            points.append((TOWNS[(i + 1) % 2][0] + rng.gauss(0, 0.05), TOWNS[(i + 1) % 2][1]))
        words = "Svetovanje" + (" o dolgovih" if i % 3 else "") + (" in nasilju" if i % 5 == 0 else "")
        docs.append(
            IndexDocument(
                key=uuid.uuid4(),
                fields={"name": [(f"{words} {i}", "sl")], "description": [(words, "sl")]},
                tags=[f"need:{('debt', 'violence', 'food')[i % 3]}", f"muni:{('sevnica', 'krsko')[i % 2]}"],
                points=points,
                sort_name=f"{words} {i}".casefold(),
                demoted=i % 11 == 0,
                language="sl",
            )
        )
    index_documents(docs)


def both_ways(request: Request, monkeypatch: pytest.MonkeyPatch) -> tuple[queries.Hits, queries.Hits]:
    monkeypatch.setattr(queries, "NEAR_CELLS_MIN", 10**9)
    exact = find(request)
    monkeypatch.setattr(queries, "NEAR_CELLS_MIN", 0)
    with_cells = find(request)
    return exact, with_cells


@pytest.mark.parametrize("sort", ["relevance", "distance"])
def test_cells_give_the_same_page_total_facets_and_distances_as_measuring_every_point(
    many_documents: None, monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
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
        exact, with_cells = both_ways(request, monkeypatch)
        assert with_cells.total == exact.total
        assert with_cells.facets == exact.facets
        assert with_cells.keys == exact.keys
        assert with_cells.distances_km == exact.distances_km
    assert exact.total > 2 * queries.SCORED_CANDIDATES  # the last, widest circle ranks among candidates


def test_cells_follow_an_edit_and_a_removal(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "NEAR_CELLS_MIN", 0)
    key = uuid.uuid4()

    def place(point: tuple[float, float]) -> None:
        index_documents([IndexDocument(key=key, fields={"name": [("Svetovanje", "sl")]}, points=[point])])

    def near(point: tuple[float, float]) -> list[uuid.UUID]:
        return find(Request(text="svetovanje", near=point, radius_km=2.0)).keys

    place(TOWNS[0])
    assert near(TOWNS[0]) == [key]
    place(TOWNS[2])  # moved to Denmark
    assert (near(TOWNS[0]), near(TOWNS[2])) == ([], [key])
    remove_documents([key])
    assert near(TOWNS[2]) == []
