"""Neighbourhood areas, control by date and where vague events are drawn, against the polygons."""
from __future__ import annotations

import datetime as dt

import pytest

from frontline import geo

D = dt.date


# ----------------------------------------------------------------- plane geometry

SQUARE = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]


@pytest.mark.parametrize("a,b,c,expected_area", [
    (1.0, 0.0, 2.0, 8.0),      # x <= 2: the left half
    (0.0, 1.0, 1.0, 4.0),      # y <= 1: a strip
    (1.0, 1.0, 4.0, 8.0),      # below the diagonal
    (1.0, 0.0, -1.0, 0.0),     # nothing
    (1.0, 0.0, 9.0, 16.0),     # everything
])
def test_clip_halfplane_area(a, b, c, expected_area):
    poly = geo.clip_halfplane([(x, y, None) for x, y in SQUARE], a, b, c, "cut")
    area = geo.polygon_area_centroid(poly)[0] if len(poly) >= 3 else 0.0
    assert area == pytest.approx(expected_area)


def test_clip_labels_the_new_edge():
    poly = geo.clip_halfplane([(x, y, "side") for x, y in SQUARE], 1.0, 0.0, 2.0, "cut")
    assert [p[2] for p in poly].count("cut") == 1


def test_voronoi_cells_partition_the_outline():
    pts = {"a": (1.0, 1.0), "b": (3.0, 1.0), "c": (2.0, 3.0)}
    cells = geo.voronoi_cells(pts, SQUARE)
    total = sum(geo.polygon_area_centroid(c)[0] for c in cells.values())
    assert total == pytest.approx(16.0)
    for k, (x, y) in pts.items():
        assert geo.point_in_polygon(x, y, cells[k])
        for j, (x2, y2) in pts.items():
            if j != k:
                assert not geo.point_in_polygon(x2, y2, cells[k])


# ----------------------------------------------------------------- Aleppo's neighbourhood areas

def test_every_neighbourhood_has_an_area_holding_its_point():
    cells = geo.cells()
    hoods = geo.neighbourhoods()
    assert len(hoods) > 80
    for n in hoods:
        assert n["place_id"] in cells, n["name"]
        assert geo.point_in_polygon(n["lon"], n["lat"], cells[n["place_id"]]["ring"]), n["name"]
        assert geo.cell_of(n["lon"], n["lat"]) == n["place_id"]


def test_areas_cover_the_city_once():
    outline = [geo.to_plane(*p) for p in geo.city_outline_lonlat()[:-1]]
    city = geo.polygon_area_centroid(outline)[0]
    parts = sum(geo.polygon_area_centroid([geo.to_plane(*p) for p in c["ring"]])[0]
                for c in geo.cells().values())
    assert parts == pytest.approx(city, rel=1e-6)


# ----------------------------------------------------------------- control by date

@pytest.mark.parametrize("place,day,expected", [
    ("bani_zeid", D(2016, 7, 10), "east"),         # rebel-held until the siege closed
    ("bani_zeid", D(2016, 8, 1), "west"),
    ("ramouseh", D(2016, 8, 20), "east"),          # the Ramouseh breach
    ("ramouseh", D(2016, 9, 10), "west"),
    ("dahiyat_al_assad", D(2016, 11, 1), "east"),  # the late-October offensive
    ("dahiyat_al_assad", D(2016, 10, 15), "west"),
    ("masaken_hanano", D(2016, 11, 20), "east"),   # the fall of the east
    ("masaken_hanano", D(2016, 11, 27), "west"),
    ("al_shaar", D(2016, 12, 4), "east"),
    ("al_shaar", D(2016, 12, 6), "west"),
    ("sukkari", D(2016, 12, 21), "east"),
    ("sukkari", D(2016, 12, 22), "west"),
    ("sheikh_maqsoud", D(2016, 8, 1), "kurdish"),  # Kurdish-held throughout
    ("sheikh_maqsoud", D(2017, 3, 1), "kurdish"),
    ("bani_zeid", D(2014, 1, 1), "east"),          # before the data begin: their first day
])
def test_control_on(place, day, expected):
    assert geo.control_on(day)[place] == expected


def test_east_shrinks_to_nothing_by_22_december():
    sizes = [len(geo.held_by(D(2016, m, d), "east")) for m, d in ((10, 15), (11, 30), (12, 8), (12, 15), (12, 22))]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > 30 and sizes[-1] == 0


def test_front_line_follows_the_date():
    assert len(geo.front_segments(D(2016, 10, 15))) > len(geo.front_segments(D(2016, 12, 23)))
    # after the fall of the east only the Kurdish district's edge remains
    ctl = geo.control_on(D(2016, 12, 23))
    assert {c for c in ctl.values() if c in geo.HELD} <= {"west", "kurdish"}


# ----------------------------------------------------------------- placement

def _held_cell(lon, lat, day):
    pid = geo.cell_of(lon, lat)
    return geo.control_on(day).get(pid)


@pytest.mark.parametrize("side,day", [
    ("east", D(2016, 8, 10)), ("east", D(2016, 10, 15)), ("east", D(2016, 12, 8)),
    ("west", D(2016, 8, 10)), ("west", D(2016, 10, 15)), ("west", D(2016, 12, 8)),
    ("kurdish", D(2016, 10, 15)),
])
def test_side_only_events_fall_inside_that_side(side, day):
    lon, lat, how = geo.place_event(side, "side", None, None, day)
    assert how == "side"
    assert _held_cell(lon, lat, day) == side


def test_east_event_reported_at_the_city_centre_is_not_drawn_in_the_west():
    # "Aleppo" only, side east: the gazetteer's city point lies in the government-held west
    city_lon, city_lat = 37.1343, 36.2021
    assert _held_cell(city_lon, city_lat, D(2016, 10, 15)) == "west"
    lon, lat, how = geo.place_event("east", "city", city_lon, city_lat, D(2016, 10, 15))
    assert how == "side" and _held_cell(lon, lat, D(2016, 10, 15)) == "east"
    oct_east = geo.zones()["east"][0]
    assert geo.point_in_polygon(lon, lat, oct_east)
    assert not geo.point_in_polygon(lon, lat, geo.zones()["west"][0])


@pytest.mark.parametrize("side,precision,lon,lat,how", [
    ("east", "neighbourhood", 37.185, 36.215, "point"),   # a known place stays where it is
    ("city", "city", 37.1343, 36.2021, "city"),           # only "Aleppo": the whole city
    (None, "city", 37.1343, 36.2021, "city"),
    ("outside", "town", 37.044, 36.586, "point"),
    ("outside", None, None, None, "none"),
])
def test_place_event_kinds(side, precision, lon, lat, how):
    assert geo.place_event(side, precision, lon, lat, D(2016, 10, 1))[2] == how


def test_east_after_its_fall_still_drawn_in_its_last_area():
    lon, lat, how = geo.place_event("east", "side", None, None, D(2017, 2, 1))
    assert how == "side"
    assert _held_cell(lon, lat, geo.BASELINE_DAY) == "east"


@pytest.mark.parametrize("side,precision", [(float("nan"), float("nan")), (None, None), ("east", float("nan"))])
def test_place_event_takes_missing_values(side, precision):
    lon, lat, how = geo.place_event(side, precision, float("nan"), None, D(2016, 10, 1))
    assert how in ("none", "side")


# ----------------------------------------------------------------- governorates (the wider view)

GOVERNORATES = ("aleppo", "damascus", "daraa", "deir ez-zor", "hama", "hasakah", "homs", "idlib", "latakia",
                "quneitra", "raqqa", "rif dimashq", "suwayda", "tartus")
BORDER_KM = 3.0     # gazetteer towns are placed to a few km; border crossings sit on the line


def _syrian_places():
    for r in geo.places():
        gov = (r.get("governorate") or "").strip().lower()
        if r.get("country") == "Syria" and gov and r["kind"] not in ("governorate", "region"):
            yield r, gov, float(r["lon"]), float(r["lat"])


def test_all_fourteen_governorates_are_drawn():
    assert sorted(geo.governorates()) == sorted(GOVERNORATES)
    for g in geo.governorates().values():
        assert 10 <= len(g["rings"][0]) <= 400


def test_every_gazetteer_place_lies_in_its_governorate():
    gs = geo.governorates()
    places = list(_syrian_places())
    assert len(places) > 400
    strictly = 0
    for r, gov, lon, lat in places:
        if geo.in_governorate(lon, lat, gs[gov]["rings"]):
            strictly += 1
            continue
        edge = min(geo.km_to_ring(lon, lat, ring) for ring in gs[gov]["rings"])
        assert edge <= BORDER_KM, (r["place_id"], gov, geo.governorate_of(lon, lat), round(edge, 1))
    assert strictly >= 0.97 * len(places)


@pytest.mark.parametrize("lon,lat,expected", [
    (37.13, 36.20, "aleppo"), (36.29, 33.51, "damascus"), (36.40, 33.30, "rif dimashq"),   # Rif Dimashq's hole
    (40.14, 35.33, "deir ez-zor"), (38.60, 32.80, None), (35.78, 33.00, None),             # Jordan; the Golan
])
def test_governorate_of(lon, lat, expected):
    assert geo.governorate_of(lon, lat) == expected


def _grid(step=0.1):
    for i in range(int((42.5 - 35.6) / step)):
        for j in range(int((37.4 - 32.2) / step)):
            yield 35.6 + (i + 0.5) * step, 32.2 + (j + 0.5) * step


def test_governorates_tile_syria_without_overlap():
    """Against the independent rough outline (data/syria_outline.geojson, about 10 km): no point in
    two governorates, the ground well inside the outline covered, nothing far outside it."""
    from frontline.resources import read_geojson
    outline = read_geojson("syria_outline.geojson")["features"][0]["geometry"]["coordinates"][0]
    gs = geo.governorates()
    inside = covered = 0
    for lon, lat in _grid():
        hits = [k for k, g in gs.items() if geo.in_governorate(lon, lat, g["rings"])]
        assert len(hits) <= 1, (lon, lat, hits)
        in_outline = geo.point_in_polygon(lon, lat, outline)
        if hits and not in_outline:
            assert geo.km_to_ring(lon, lat, outline) < 20, (lon, lat, hits)   # the outline is rough
        if in_outline and geo.km_to_ring(lon, lat, outline) > 15:
            inside += 1
            covered += bool(hits) or 35.6 < lon < 36.0 and 32.6 < lat < 33.4   # the Golan is outside
    assert inside > 1500
    assert covered == inside


def test_syria_border_closes_around_the_governorates():
    pieces = geo.syria_border()
    ends = {}
    for line in pieces:
        for p in (line[0], line[-1]):
            ends[p] = ends.get(p, 0) + 1
    assert pieces and all(n % 2 == 0 for n in ends.values())   # the pieces join up into closed rings
