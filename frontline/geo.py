"""The divided city as geometry: neighbourhood areas, who held them on a given day, and where an
event whose place is only "the east", "the west" or "Aleppo" is drawn.

* Neighbourhood areas are the Voronoi cells of the gazetteer's Aleppo neighbourhood points
  (``data/places.csv``), clipped to the city outline (``data/aleppo_control_2016-10.geojson``):
  each cell is the city ground nearer to its neighbourhood's point than to any other, built by
  clipping the outline with one half-plane per other point (:func:`clip_halfplane`).
* Control by date: a neighbourhood's mid-October 2016 control (``places.csv``), changed from the
  dates in ``data/control_history.csv`` (summer 2016: siege, Ramouseh breach, Dahiyat al-Assad)
  and ``data/control_timeline.csv`` (the fall of the east, 26 Nov - 22 Dec 2016).
* Placement (:func:`place_event`): an event known to a neighbourhood, site or town stays at its
  point; one known only to a side is drawn at that side's anchor (a point inside the area the side
  held that day), one known only to the city at the city's centre, drawn as the whole city.

Pure functions, no Streamlit; distances in a local plane (longitude scaled by cos(latitude)).
"""
from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Iterable, Optional

from .resources import read_csv_rows, read_geojson

CONTROL_FILE = "aleppo_control_2016-10.geojson"
HISTORY_FILES = ("control_history.csv", "control_timeline.csv")
CONTROL_START = dt.date(2016, 7, 1)       # control data begin (control_history.csv)
BASELINE_DAY = dt.date(2016, 10, 15)      # the day places.csv's control column describes
HELD = ("east", "west", "kurdish")
_K = math.cos(math.radians(36.2))         # longitude scale at Aleppo
PRECISE = ("neighbourhood", "site", "town")


# ----------------------------------------------------------------- plane geometry

def clip_halfplane(poly: list, a: float, b: float, c: float, label=None) -> list:
    """The part of ``poly`` where ``a*x + b*y <= c`` (Sutherland-Hodgman against one half-plane).

    ``poly``: ``[(x, y, edge_label), ...]``; a vertex's label names the edge from it to the next
    vertex, and the new edge along the clipping line gets ``label``, so each edge of a Voronoi
    cell remembers which neighbour made it.
    """
    out = []
    n = len(poly)
    for i in range(n):
        px, py, pl = poly[i]
        qx, qy, _ = poly[(i + 1) % n]
        fp, fq = a * px + b * py - c, a * qx + b * qy - c
        if fp <= 0:
            out.append((px, py, pl))
            if fq > 0:
                t = fp / (fp - fq)
                out.append((px + t * (qx - px), py + t * (qy - py), label))
        elif fq <= 0:
            t = fp / (fp - fq)
            out.append((px + t * (qx - px), py + t * (qy - py), pl))
    return out


def voronoi_cells(points: dict, outline: list) -> dict:
    """``{key: [(x, y, neighbour_key or None), ...]}``: each point's Voronoi cell inside ``outline``.

    ``points``: ``{key: (x, y)}``; ``outline``: a polygon ``[(x, y), ...]`` (convex or not).
    """
    base = [(x, y, None) for x, y in outline]
    if len(base) > 1 and base[0][:2] == base[-1][:2]:
        base = base[:-1]
    cells = {}
    items = list(points.items())
    for k, (x0, y0) in items:
        cell = base
        # nearer neighbours first: the cell shrinks fast and later clips are cheap
        for j, (x1, y1) in sorted(items, key=lambda it: (it[1][0] - x0) ** 2 + (it[1][1] - y0) ** 2):
            if j == k or (x1, y1) == (x0, y0) or not cell:
                continue
            a, b = x1 - x0, y1 - y0
            c = (x1 * x1 + y1 * y1 - x0 * x0 - y0 * y0) / 2.0
            cell = clip_halfplane(cell, a, b, c, j)
        cells[k] = cell
    return cells


def polygon_area_centroid(ring: list) -> tuple:
    """(area, cx, cy) of a simple polygon ``[(x, y, ...), ...]`` (shoelace formula)."""
    a = cx = cy = 0.0
    n = len(ring)
    for i in range(n):
        x0, y0 = ring[i][0], ring[i][1]
        x1, y1 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        cr = x0 * y1 - x1 * y0
        a += cr
        cx += (x0 + x1) * cr
        cy += (y0 + y1) * cr
    if abs(a) < 1e-15:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, (sum(xs) / max(1, n)), (sum(ys) / max(1, n))
    return abs(a) / 2.0, cx / (3.0 * a), cy / (3.0 * a)


def point_in_polygon(x: float, y: float, ring: Iterable) -> bool:
    """Even-odd rule; ``ring`` of ``(x, y, ...)``."""
    pts = list(ring)
    inside = False
    n = len(pts)
    for i in range(n):
        x0, y0 = pts[i][0], pts[i][1]
        x1, y1 = pts[(i + 1) % n][0], pts[(i + 1) % n][1]
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def to_plane(lon: float, lat: float) -> tuple:
    return float(lon) * _K, float(lat)


def to_lonlat(x: float, y: float) -> tuple:
    return x / _K, y


# ----------------------------------------------------------------- data

@functools.lru_cache(maxsize=1)
def places() -> tuple:
    return read_csv_rows("places.csv")


@functools.lru_cache(maxsize=1)
def theatre_place_ids() -> tuple:
    """Place ids of Aleppo city and governorate (the dashboard's opening theatre)."""
    return tuple(sorted(r["place_id"] for r in places()
                        if (r.get("governorate") or "").strip().lower() == "aleppo"
                        or str(r.get("in_aleppo_city", "")).lower() == "true"))


@functools.lru_cache(maxsize=1)
def zones() -> dict:
    """``{zone: geometry coordinates}`` of the October 2016 control file (east, west, kurdish, city, front_line)."""
    gj = read_geojson(CONTROL_FILE)
    return {f["properties"].get("zone"): f["geometry"]["coordinates"] for f in gj.get("features", [])}


def city_outline_lonlat() -> list:
    return [tuple(p) for p in zones()["city"][0]]


@functools.lru_cache(maxsize=1)
def neighbourhoods() -> tuple:
    """The city's neighbourhoods: dicts of place_id, name, lon, lat, october (their mid-October
    2016 control: east, west, kurdish, or front for a district split by the front line)."""
    out = []
    for r in places():
        if r.get("kind") != "neighbourhood" or str(r.get("in_aleppo_city", "")).lower() != "true":
            continue
        lon, lat = float(r["lon"]), float(r["lat"])
        ctl = (r.get("control") or "").strip()
        if ctl not in HELD:
            ctl = "front"
        out.append({"place_id": r["place_id"], "name": r["name"], "lon": lon, "lat": lat, "october": ctl})
    return tuple(out)


@functools.lru_cache(maxsize=1)
def cells() -> dict:
    """``{place_id: {"ring": [(lon, lat), ...], "edges": [neighbour id per edge], "area", "cx", "cy"}}``:
    the neighbourhood areas (Voronoi cells clipped to the city outline)."""
    hoods = neighbourhoods()
    pts = {n["place_id"]: to_plane(n["lon"], n["lat"]) for n in hoods}
    outline = [to_plane(lon, lat) for lon, lat in city_outline_lonlat()]
    raw = voronoi_cells(pts, outline)
    out = {}
    for pid, cell in raw.items():
        if len(cell) < 3:
            continue
        area, cx, cy = polygon_area_centroid(cell)
        out[pid] = {"ring": [to_lonlat(x, y) for x, y, _ in cell], "edges": [e for _, _, e in cell],
                    "area": area, "cx": to_lonlat(cx, cy)[0], "cy": cy}
    return out


@functools.lru_cache(maxsize=1)
def control_changes() -> tuple:
    """``(place_id, date, control)`` rows of the control history files, in date order."""
    rows = []
    for name in HISTORY_FILES:
        try:
            data = read_csv_rows(name)
        except FileNotFoundError:
            continue
        for r in data:
            try:
                rows.append((r["place_id"], dt.date.fromisoformat(r["date"].strip()), r["control"].strip()))
            except (KeyError, ValueError, AttributeError):
                continue
    return tuple(sorted(rows, key=lambda t: (t[1], t[0])))


def control_day(day: Optional[dt.date]) -> dt.date:
    """The day whose control is drawn for ``day``: no earlier than the data's start."""
    if day is None:
        return BASELINE_DAY
    return max(day, CONTROL_START)


@functools.lru_cache(maxsize=512)
def control_on(day: Optional[dt.date]) -> dict:
    """``{place_id: east|west|kurdish|front}`` for every neighbourhood on ``day`` (see module doc)."""
    d = control_day(day)
    state = {n["place_id"]: n["october"] for n in neighbourhoods()}
    # the latest row on or before the day wins; a place with none keeps its October control
    for pid, when, ctl in control_changes():
        if when <= d and pid in state:
            state[pid] = ctl
    return state


def held_by(day: Optional[dt.date], side: str) -> list:
    """Neighbourhood ids the side held on ``day`` (side east, west or kurdish)."""
    ctl = control_on(day)
    return [pid for pid, c in ctl.items() if c == side and pid in cells()]


def front_segments(day: Optional[dt.date]) -> list:
    """The front line on ``day``: the cell edges between neighbourhoods held by different sides,
    as ``[[lon, lat], [lon, lat]]`` segments."""
    ctl = control_on(day)
    cs = cells()
    segs = []
    for pid, c in cs.items():
        a = ctl.get(pid)
        ring, edges = c["ring"], c["edges"]
        for i, other in enumerate(edges):
            if other is None or other not in cs or other < pid:
                continue
            b = ctl.get(other)
            if a != b and a in HELD and b in HELD:
                p, q = ring[i], ring[(i + 1) % len(ring)]
                segs.append([[p[0], p[1]], [q[0], q[1]]])
    return segs


@functools.lru_cache(maxsize=512)
def side_anchor(day: Optional[dt.date], side: str) -> Optional[tuple]:
    """(lon, lat) where an event known only to ``side`` (east, west, kurdish) is drawn on ``day``:
    the area-weighted centre of the cells the side held, or, when that centre falls outside
    them, the centre of the held cell nearest to it. None when the side held nothing that day
    (then the October 2016 area is used by :func:`place_event`)."""
    ids = held_by(day, side)
    if not ids:
        return None
    cs = cells()
    tot = sum(cs[i]["area"] for i in ids) or 1.0
    x = sum(to_plane(cs[i]["cx"], cs[i]["cy"])[0] * cs[i]["area"] for i in ids) / tot
    y = sum(cs[i]["cy"] * cs[i]["area"] for i in ids) / tot
    lon, lat = to_lonlat(x, y)
    if any(point_in_polygon(lon, lat, cs[i]["ring"]) for i in ids):
        return lon, lat
    best = min(ids, key=lambda i: (to_plane(cs[i]["cx"], cs[i]["cy"])[0] - x) ** 2 + (cs[i]["cy"] - y) ** 2)
    return cs[best]["cx"], cs[best]["cy"]


def city_anchor() -> tuple:
    ring = [to_plane(lon, lat) for lon, lat in city_outline_lonlat()]
    _, x, y = polygon_area_centroid(ring[:-1] if ring[0] == ring[-1] else ring)
    return to_lonlat(x, y)


SIDE_OF = ("east", "west", "kurdish")
VAGUE = ("city", "side", "region")


def place_event(side: Optional[str], precision: Optional[str], lon, lat, day: Optional[dt.date]) -> tuple:
    """Where to draw an event: ``(lon, lat, how)``.

    ``how``: ``"point"`` (its own place: a neighbourhood, site or town, or a place outside the
    city), ``"side"`` (known only to be in the east, the west or the Kurdish district: drawn at
    that side's anchor for ``day``, inside the area it held, hollow), ``"city"`` (known only to
    be in Aleppo city: drawn as the city), ``"none"`` (no place at all).
    """
    prec = precision.strip() if isinstance(precision, str) else ""
    side = side if isinstance(side, str) else None
    has_xy = not (_nan(lon) or _nan(lat))
    if prec in PRECISE and has_xy:
        return float(lon), float(lat), "point"
    if side in SIDE_OF:
        a = side_anchor(day, side) or side_anchor(BASELINE_DAY, side)
        if a:
            return a[0], a[1], "side"
    if side == "city" or (side in (None, "") and prec in VAGUE and has_xy
                          and point_in_polygon(float(lon), float(lat), city_outline_lonlat())):
        lon0, lat0 = city_anchor()
        return lon0, lat0, "city"
    if not has_xy:
        return None, None, "none"
    return float(lon), float(lat), "point"


def _nan(v) -> bool:
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return True


def cell_of(lon: float, lat: float) -> Optional[str]:
    """The neighbourhood whose area holds (lon, lat): the nearest neighbourhood point, when the
    point lies inside the city outline; else None."""
    if not point_in_polygon(lon, lat, city_outline_lonlat()):
        return None
    x, y = to_plane(lon, lat)
    cs = cells()
    best, bd = None, float("inf")
    for n in neighbourhoods():
        if n["place_id"] not in cs:
            continue
        nx, ny = to_plane(n["lon"], n["lat"])
        d = (nx - x) ** 2 + (ny - y) ** 2
        if d < bd:
            best, bd = n["place_id"], d
    return best


# ----------------------------------------------------------------- governorates (the wider view)

GOVERNORATE_FILE = "syria_governorates.geojson"


@functools.lru_cache(maxsize=1)
def governorates() -> dict:
    """``{governorate: {"label", "rings", "cx", "cy"}}`` from ``data/syria_governorates.geojson``:
    the outer ring first, then holes (Rif Dimashq's hole is Damascus); centre = the outer ring's
    centroid (in the plane of :func:`to_plane`)."""
    out = {}
    for f in read_geojson(GOVERNORATE_FILE).get("features", []):
        p, g = f["properties"], f["geometry"]
        if p.get("zone") != "governorate" or g.get("type") != "Polygon":
            continue
        rings = [[(float(x), float(y)) for x, y in r] for r in g["coordinates"]]
        _, cx, cy = polygon_area_centroid([to_plane(x, y) for x, y in rings[0]])
        cx, cy = to_lonlat(cx, cy)
        out[p["governorate"]] = {"label": p.get("label") or p["governorate"], "rings": rings, "cx": cx, "cy": cy}
    return out


@functools.lru_cache(maxsize=1)
def syria_border() -> tuple:
    """Syria's border as line pieces ``[[(lon, lat), ...], ...]`` (the governorate file's border feature)."""
    for f in read_geojson(GOVERNORATE_FILE).get("features", []):
        if f["properties"].get("zone") == "border":
            return tuple(tuple((float(x), float(y)) for x, y in line) for line in f["geometry"]["coordinates"])
    return ()


def in_governorate(lon: float, lat: float, rings: list) -> bool:
    """Inside the outer ring and outside every hole."""
    return point_in_polygon(lon, lat, rings[0]) and not any(point_in_polygon(lon, lat, h) for h in rings[1:])


def km_to_ring(lon: float, lat: float, ring: list) -> float:
    """Shortest distance in km from (lon, lat) to the edge of ``ring``."""
    x, y = to_plane(lon, lat)
    best = float("inf")
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        (ax, ay), (bx, by) = to_plane(x0, y0), to_plane(x1, y1)
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(x - ax - t * dx, y - ay - t * dy))
    return best * 111.2


def governorate_of(lon: float, lat: float) -> Optional[str]:
    """The governorate whose polygon holds (lon, lat), or None outside Syria's (de facto) borders."""
    for code, g in governorates().items():
        if in_governorate(lon, lat, g["rings"]):
            return code
    return None
