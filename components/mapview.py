"""Map: Aleppo's neighbourhoods as held on the day shown, the front line between them, landmarks,
incidents by perpetrator; a wider view of the governorate and Syria.

Works offline: the geometry is bundled (``data/*.geojson``, ``data/places.csv``, the control
history in ``data/control_*.csv``) and the deck has no basemap unless the tiles toggle is on.
Neighbourhood areas are the gazetteer's Voronoi cells (``frontline.geo``); each is tinted by
who held it on the day shown (the day on the slider, or the end of the selected period), or by
its killed or events (choropleth). Incidents at a neighbourhood, site or town are filled
circles; those known only to a side are one hollow ring inside the area that side held, those
known only to be "in Aleppo" one hollow ring at the city's centre.
"""
from __future__ import annotations

import datetime as dt
import functools
import html
import math
from typing import Optional

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

from frontline import geo
from frontline import labels as L
from frontline.resources import read_geojson

from . import data
from .common import (ACTOR_COLOURS, evidence_panel, hex_rgb, plotly_selected_ids, pydeck_selected_ids,
                     safe_page, short)

# the tooltip is plain text; long words wrap inside a bounded box
TOOLTIP_STYLE = {"maxWidth": "420px", "whiteSpace": "pre-wrap", "overflowWrap": "anywhere"}

# pale, unsaturated tints: the actor colours of the points stay readable on every one of them
CONTROL_TINTS = {"east": "#e8d9bd", "west": "#d2dbe6", "kurdish": "#dfe5c4", "front": "#ececec"}
CONTROL_LABELS = {"east": "rebel-held", "west": "government-held", "kurdish": "Kurdish-held",
                  "front": "split by the front line"}
CHORO_RAMP = ("#f7f4f9", "#e7d4e8", "#d4b9da", "#c994c7", "#df65b0", "#e7298a", "#ce1256", "#91003f")
CITY_VIEW = dict(latitude=36.203, longitude=37.150, zoom=11.75, pitch=0, bearing=0)
GOV_VIEW = dict(latitude=36.28, longitude=37.45, zoom=8.1, pitch=0, bearing=0)
SYRIA_VIEW = dict(latitude=34.9, longitude=38.6, zoom=5.9, pitch=0, bearing=0)
POINT_LAYERS = ("incidents_precise", "incidents_imprecise", "outside_precise", "outside_imprecise")
METRES_PER_PIXEL_Z0 = 156_543.03
LABEL_AREA_RANK = 48          # neighbourhood names drawn: the largest areas (the rest on hover)
HALO_OFFSETS = ((-1.5, 0), (1.5, 0), (0, -1.5), (0, 1.5), (-1, -1), (1, 1), (-1, 1), (1, -1))


def halo_text(layer_id: str, data, *, size: float, colour, offset=(0, 0), weight: int = 400,
              baseline: str = "center") -> list:
    """A TextLayer with a white halo: the text drawn in white a pixel or two around, then on top
    (SDF outlines do not render on every GPU; these plain layers do)."""
    common = dict(get_position=["lon", "lat"], get_text="name", get_size=size, size_units="'pixels'",
                  size_min_pixels=size, size_max_pixels=size * 2,
                  get_alignment_baseline=f"'{baseline}'", font_weight=weight,
                  font_family="'Helvetica Neue', Arial, sans-serif", pickable=False)
    layers = [pdk.Layer("TextLayer", id=f"{layer_id}_halo{i}", data=data, get_color=[255, 255, 255, 235],
                        get_pixel_offset=[offset[0] + dx, offset[1] + dy], **common)
              for i, (dx, dy) in enumerate(HALO_OFFSETS)]
    layers.append(pdk.Layer("TextLayer", id=layer_id, data=data, get_color=colour,
                            get_pixel_offset=list(offset), **common))
    return layers


# ----------------------------------------------------------------- points

def radius_m(killed: float, scope: str) -> float:
    """Circle radius in metres: area grows with the killed, up to a cap so one large toll does not cover
    its neighbours; a floor so zero-death events show."""
    return _base_radius(scope) * (1.0 + min(POINT_RADIUS_STEPS, math.sqrt(max(0.0, float(killed or 0))) / 1.5))


POINT_RADIUS_STEPS = 4.0


MAX_RADIUS_STEPS = 6.0


def _base_radius(scope: str) -> float:
    """Metres of the smallest circle: a city block in the city, a village outside it."""
    return 90.0 if scope == "city" else 1800.0


def cell_radius_m(killed: float, most: float, scope: str) -> float:
    """Radius of an aggregated grid cell: area in proportion to its share of the largest cell's toll."""
    share = min(1.0, max(0.0, float(killed or 0)) / max(1.0, most))
    return _base_radius(scope) * (1.0 + MAX_RADIUS_STEPS * math.sqrt(share))


POINT_COLS = ["event_ids", "event_id", "lat", "lon", "colour", "radius", "tip", "precise", "killed",
              "actor", "location", "day"]


def point_frame(df: pd.DataFrame, scope: str, control_day: Optional[dt.date] = None) -> pd.DataFrame:
    """Points ready for deck.gl: colour by actor, radius by killed, a plain-text tooltip, and the
    honest place (:func:`frontline.geo.place_event`): precise reports at their point; reports
    known only to a side gathered into one hollow ring per side inside the area it held on
    ``control_day``; reports known only to be in the city into one ring at its centre.

    Computed row by row on plain lists (at most a few thousand rows): pandas' per-operation
    cost, not the rows, was most of the map's rerun."""
    if df.empty:
        return pd.DataFrame(columns=POINT_COLS)
    col = {c: df[c].tolist() for c in ("event_id", "lat", "lon", "killed", "actor", "side", "geo_precision",
                                       "precise", "day", "location", "event_type", "evidence", "source",
                                       "outlet", "n")}
    reported = df["reported"].tolist() if "reported" in df else [None] * len(df)
    aggregated = df["aggregated"].tolist() if "aggregated" in df else None
    implausible = df["implausible"].tolist() if "implausible" in df else [False] * len(df)
    rows = []           # (position, lon, lat, how)
    for i, (s, p, lo, la, pr) in enumerate(zip(col["side"], col["geo_precision"], col["lon"], col["lat"],
                                                col["precise"])):
        lo2, la2, how = (geo.place_event(s, p, lo, la, control_day) if scope == "city"
                         else (lo, la, "point" if pr else "vague"))
        if how != "none":
            rows.append((i, lo2, la2, how))
    keep = [r[0] for r in rows]
    precise = [r[3] == "point" for r in rows] if scope == "city" else [col["precise"][i] for i in keep]
    killed = [col["killed"][i] for i in keep]
    actor = [col["actor"][i] for i in keep]
    colour = [list(_actor_rgba(a, 210)) for a in actor]
    radius = [radius_m(k, scope) * (1.0 if p else 1.8) for k, p in zip(killed, precise)]
    if aggregated is not None:
        cells = [j for j, i in enumerate(keep) if _true(aggregated[i])]
        if cells:
            # grid cells sum many reports: size them against the largest cell, or every one hits the cap
            most = max(1.0, float(max(killed[j] for j in cells)))
            for j in cells:
                radius[j] = cell_radius_m(killed[j], most, scope)
    day = [_timestamp(col["day"][i]) for i in keep]
    when = [d.strftime("%d %b %Y") if d is not None else
            (f"no day given; reported {r:%d %b %Y}" if r is not None else "date unknown")
            for d, r in zip(day, (_timestamp(reported[i]) for i in keep))]
    tip = [
        f"{w} · {short(_blank(col['location'][i]), 60) or '?'} "
        f"({L.label('geo_precision', col['geo_precision'][i]) or 'place unknown'})\n"
        f"{L.label('event_type', col['event_type'][i])} by {L.label('actor', col['actor'][i])} · "
        f"killed {int(col['killed'][i]):,}"
        + (" · implausible toll, not summed" if implausible[i] else "")
        + (f"\n{int(col['n'][i]):,} reports aggregated" if col["n"][i] and col["n"][i] > 1 else "")
        + f"\n{short(_blank(col['evidence'][i]), 220)}\n— "
          f"{short(_none(col['source'][i]) or L.label('outlet', col['outlet'][i]), 60)}"
        for w, i in zip(when, keep)]
    out = {"event_ids": [col["event_id"][i] for i in keep], "event_id": [col["event_id"][i] for i in keep],
           "lat": [r[2] for r in rows], "lon": [r[1] for r in rows], "colour": colour, "radius": radius,
           "tip": tip, "precise": precise, "killed": killed, "actor": actor,
           "location": [col["location"][i] for i in keep],
           "day": [d.strftime("%Y-%m-%d") if d is not None else "" for d in day]}
    firm = [j for j, p in enumerate(precise) if p]
    loose = [j for j, p in enumerate(precise) if not p]
    if scope == "city" and loose:
        vague = gather_vague({k: [v[j] for j in loose] for k, v in out.items()},
                             [rows[j][3] for j in loose], [col["side"][keep[j]] for j in loose])
    else:
        vague = {k: [v[j] for j in loose] for k, v in out.items()}
    if not firm and not vague["event_id"]:
        return pd.DataFrame(columns=POINT_COLS)
    return pd.DataFrame({k: [out[k][j] for j in firm] + vague[k] for k in POINT_COLS}, columns=POINT_COLS)


@functools.lru_cache(maxsize=64)
def _actor_rgba(actor, alpha: int) -> tuple:
    return tuple(hex_rgb(ACTOR_COLOURS.get(actor, ACTOR_COLOURS["unknown"]), alpha))


def _true(v) -> bool:
    return bool(v) and not (isinstance(v, float) and math.isnan(v))


def _blank(v) -> str:
    """``v`` or "" when missing (None, NaN)."""
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else v


def _none(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def _timestamp(v):
    """A date, datetime or ISO text as a timestamp; None when missing (NaT, None, NaN)."""
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    ts = pd.Timestamp(v) if not isinstance(v, pd.Timestamp) else v
    return None if ts is pd.NaT else ts


def _desc(values) -> list:
    """Positions of ``values`` largest first, equal values in the order pandas'
    ``sort_values(ascending=False)`` leaves them (the order the ids were always listed in)."""
    import numpy as np
    a = np.asarray(values)
    if not len(a):
        return []
    idx = np.arange(len(a))[::-1]
    return idx[a[::-1].argsort(kind="quicksort")][::-1].tolist()


def gather_vague(v: dict, how: list, side: list) -> dict:
    """One hollow ring per placement (a side's anchor, the city centre) for reports without a
    precise place (``v``: their point columns; ``how`` and ``side`` per report): their ids
    joined by ``|``, killed summed, radius by the sum."""
    groups: dict = {}
    for j, (h, s) in enumerate(zip(how, side)):
        groups.setdefault((h, _none(s)), []).append(j)
    out = {k: [] for k in POINT_COLS}
    # by placement, then side (a missing side last)
    for (h, s), js in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] is None, kv[0][1] or "")):
        killed = int(sum(v["killed"][j] for j in js))
        where = ("Aleppo, place in the city not known" if h == "city"
                 else f"{L.label('side', s)}, place not known")
        ids = [v["event_id"][js[j]] for j in _desc([v["killed"][j] for j in js])]
        actor = _mode([v["actor"][j] for j in js]) or "unknown"
        row = {"event_ids": "|".join(ids), "event_id": "|".join(ids), "lat": v["lat"][js[0]],
               "lon": v["lon"][js[0]], "colour": [90, 90, 90, 230] if h == "city" else
               hex_rgb(ACTOR_COLOURS.get(actor, ACTOR_COLOURS["unknown"]), 230),
               "radius": 320.0 + 12.0 * min(25.0, math.sqrt(max(0, killed))),
               "tip": f"{where}\n{len(js):,} reports · killed {killed:,}\n"
                      "drawn inside the area the side held on the day shown, not at a place",
               "precise": False, "killed": killed, "actor": actor, "location": where, "day": ""}
        for k in POINT_COLS:
            out[k].append(row[k])
    return out


def _mode(values: list):
    """The most frequent value (the smallest of equally frequent ones, as pandas' ``mode``);
    None when there is none."""
    counts: dict = {}
    for x in values:
        if _none(x) is not None:
            counts[x] = counts.get(x, 0) + 1
    if not counts:
        return None
    most = max(counts.values())
    return min(x for x, c in counts.items() if c == most)


# ----------------------------------------------------------------- areas, front line, landmarks

def area_features(control: dict, values: Optional[dict] = None, scale_max: float = 0.0) -> dict:
    """The neighbourhood areas as GeoJSON, each filled by who held it (``control``) or, with
    ``values``, by its value on :data:`CHORO_RAMP` (0 .. ``scale_max``)."""
    feats = []
    names = {n["place_id"]: n["name"] for n in geo.neighbourhoods()}
    for pid, c in geo.cells().items():
        ctl = control.get(pid, "front")
        if values is not None:
            v = float(values.get(pid, 0) or 0)
            fill = hex_rgb(choro_colour(v, scale_max), 215)
            tip = f"{names.get(pid, pid)}: {v:,.0f}"
        else:
            fill = hex_rgb(CONTROL_TINTS.get(ctl, "#ececec"), 200)
            tip = f"{names.get(pid, pid)}: {CONTROL_LABELS.get(ctl, ctl)}"
        feats.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
            [list(p) for p in c["ring"]] + [list(c["ring"][0])]]},
            "properties": {"fill": fill, "line": [255, 255, 255, 220], "tip": tip, "event_ids": ""}})
    return {"type": "FeatureCollection", "features": feats}


def choro_colour(v: float, vmax: float) -> str:
    if vmax <= 0 or v <= 0:
        return CHORO_RAMP[0]
    i = 1 + int(min(0.999, math.sqrt(v / vmax)) * (len(CHORO_RAMP) - 1))
    return CHORO_RAMP[min(i, len(CHORO_RAMP) - 1)]


def choro_values(points: pd.DataFrame, measure: str) -> dict:
    """Killed (or reports) per neighbourhood area, from the precise points inside the city."""
    out: dict = {}
    if points.empty:
        return out
    for lon, lat, k, n, prec in zip(points["lon"], points["lat"], points["killed"],
                                    points.get("n", pd.Series(1, index=points.index)), points["precise"]):
        if not prec:
            continue
        pid = geo.cell_of(float(lon), float(lat))
        if pid:
            out[pid] = out.get(pid, 0) + (float(k or 0) if measure == "killed" else float(n or 1))
    return out


def landmark_layers(pre: str) -> list:
    gj = read_geojson("landmarks.geojson")
    lines = [{"path": f["geometry"]["coordinates"], "name": f["properties"]["name"],
              "kind": f["properties"]["kind"], "tip": f["properties"]["name"] + ": " + f["properties"].get("note", ""),
              "colour": [70, 130, 200, 220] if f["properties"]["kind"] == "river" else [120, 90, 60, 200],
              "event_ids": ""}
             for f in gj["features"] if f["geometry"]["type"] == "LineString"]
    pts = [{"lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1],
            "name": f["properties"]["name"], "tip": f["properties"]["name"] + ": " + f["properties"].get("note", ""),
            "event_ids": ""}
           for f in gj["features"] if f["geometry"]["type"] == "Point"]
    # name each line near its middle vertex
    line_labels = [{"lon": l["path"][len(l["path"]) // 2][0], "lat": l["path"][len(l["path"]) // 2][1],
                    "name": l["name"], "tip": l["tip"], "event_ids": ""} for l in lines]
    return [
        pdk.Layer("PathLayer", id=f"{pre}_landmark_lines", data=lines, get_path="path", get_color="colour",
                  get_width=3, width_units="'pixels'", pickable=True),
        pdk.Layer("ScatterplotLayer", id=f"{pre}_landmark_points", data=pts, get_position=["lon", "lat"],
                  get_radius=6, radius_units="'pixels'", get_fill_color=[20, 20, 20, 255],
                  get_line_color=[255, 255, 255, 255], stroked=True, line_width_min_pixels=2, pickable=True),
    ] + halo_text(f"{pre}_landmark_labels", pts + line_labels, size=14, colour=[20, 20, 20, 255],
                  offset=(0, -9), weight=700, baseline="bottom")


def area_labels() -> pd.DataFrame:
    """Names of the largest neighbourhood areas, at their area's centre."""
    cs = geo.cells()
    names = {n["place_id"]: n["name"] for n in geo.neighbourhoods()}
    rows = sorted(((c["area"], pid) for pid, c in cs.items()), reverse=True)[:LABEL_AREA_RANK]
    return pd.DataFrame([{"name": names.get(pid, pid), "lon": cs[pid]["cx"], "lat": cs[pid]["cy"]}
                         for _, pid in rows])


def labels(scope: str) -> pd.DataFrame:
    """Town names for the wider view: Aleppo governorate's towns and Syria's governorate capitals."""
    rows = []
    for r in geo.places():
        kind, gov = r.get("kind"), (r.get("governorate") or "").lower()
        if str(r.get("in_aleppo_city", "")).lower() == "true" and r.get("place_id") != "aleppo":
            continue
        if (kind in ("town", "city") and gov == "aleppo") or (kind == "city" and gov and r.get("country") == "Syria"):
            rows.append({"name": r["name"], "lat": float(r["lat"]), "lon": float(r["lon"]),
                         "capital": kind == "city"})
    return pd.DataFrame(rows, columns=["name", "lat", "lon", "capital"]).drop_duplicates("name")


GOV_FILL, GOV_LINE = "#f6f4ee", "#a39a88"            # governorates and their borders
ALEPPO_FILL, ALEPPO_LINE = "#ebe5d5", "#78643c"      # Aleppo governorate, the theatre
BORDER_LINE = "#3c3c3c"                              # Syria's border
GOV_LABEL = "#7d7260"


def governorate_labels(syria: bool) -> pd.DataFrame:
    """Governorate names: at their centres on the Syria view; on the governorate view at the
    middle of the part of each governorate the view shows (Aleppo's neighbours at its edges)."""
    rows = [{"name": g["label"].upper(), "lon": g["cx"], "lat": g["cy"], "governorate": k}
            for k, g in geo.governorates().items()]
    if syria:   # Damascus is a small enclave of Rif Dimashq: its capital's label names it
        return pd.DataFrame([r for r in rows if r["governorate"] != "damascus"])
    return pd.DataFrame(list(_visible_label_points()), columns=["name", "lon", "lat", "governorate"])


@functools.lru_cache(maxsize=1)
def _visible_label_points() -> tuple:
    (x0, x1), (y0, y1) = GOV_BOUNDS
    step, pad = 0.08, 0.12
    grid = [(x0 + pad + i * step, y0 + pad / 2 + j * step) for i in range(int((x1 - x0 - 2 * pad) / step) + 1)
            for j in range(int((y1 - y0 - pad) / step) + 1)]
    out = []
    for k, g in geo.governorates().items():
        xs, ys = [p[0] for p in g["rings"][0]], [p[1] for p in g["rings"][0]]
        box = [(x, y) for x, y in grid if min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys)]
        pts = [(x, y) for x, y in box if geo.in_governorate(x, y, g["rings"])]
        if len(pts) < 4:      # too little of it in view to carry a name
            continue
        mx, my = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
        x, y = min(pts, key=lambda p: (p[0] - mx) ** 2 + (p[1] - my) ** 2)
        out.append((g["label"].upper(), x, y, k))
    return tuple(out)


def wide_outlines() -> dict:
    """Governorates (Aleppo's stronger) and Syria's border, as GeoJSON for the pydeck view."""
    feats = []
    for k, g in geo.governorates().items():
        aleppo = k == "aleppo"
        feats.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
                          [list(p) for p in r] for r in g["rings"]]},
                      "properties": {"fill": list(hex_rgb(ALEPPO_FILL if aleppo else GOV_FILL)[:3]) + [255],
                                     "line": list(hex_rgb(ALEPPO_LINE if aleppo else GOV_LINE)[:3]) + [230],
                                     "width": 2.5 if aleppo else 1}})
    feats.append({"type": "Feature", "geometry": {"type": "MultiLineString", "coordinates": [
                      [list(p) for p in line] for line in geo.syria_border()]},
                  "properties": {"fill": [0, 0, 0, 0], "line": list(hex_rgb(BORDER_LINE)[:3]) + [255], "width": 2.5}})
    return {"type": "FeatureCollection", "features": feats}


# ----------------------------------------------------------------- decks

def _point_layers(points: pd.DataFrame, pre: str) -> list:
    if points.empty:
        return []
    precise = points[points["precise"].astype(bool)]
    vague = points[~points["precise"].astype(bool)]
    return [
        pdk.Layer("ScatterplotLayer", id=f"{pre}_imprecise", data=vague, get_position=["lon", "lat"],
                  get_radius="radius", stroked=True, filled=True,
                  get_fill_color="[colour[0], colour[1], colour[2], 30]", get_line_color="colour",
                  line_width_min_pixels=3, pickable=True, auto_highlight=True),
        pdk.Layer("ScatterplotLayer", id=f"{pre}_precise", data=precise, get_position=["lon", "lat"],
                  get_radius="radius", radius_min_pixels=3, stroked=True,
                  filled=True, get_fill_color="colour", get_line_color=[255, 255, 255, 230],
                  line_width_min_pixels=1, pickable=True, auto_highlight=True)]


def build_city_deck(points: pd.DataFrame, *, control_day: Optional[dt.date], mode: str = "control",
                    tiles: bool = False, values: Optional[dict] = None) -> pdk.Deck:
    """The city: neighbourhood areas (control on ``control_day`` or a choropleth), the front line
    of that day, the city outline, landmarks, names with a halo, incidents."""
    control = geo.control_on(control_day)
    vmax = max(values.values()) if values else 0.0
    areas = area_features(control, values if mode != "control" else None, vmax)
    outline = [{"path": [list(p) for p in geo.city_outline_lonlat()], "event_ids": ""}]
    front = [{"path": seg, "event_ids": ""} for seg in geo.front_segments(control_day)]
    layers = [
        pdk.Layer("GeoJsonLayer", id="incidents_areas", data=areas, stroked=True, filled=True,
                  get_fill_color="properties.fill", get_line_color="properties.line", get_line_width=1,
                  line_width_units="'pixels'", pickable=True),
        pdk.Layer("PathLayer", id="incidents_outline", data=outline, get_path="path",
                  get_color=[110, 110, 110, 200], get_width=1.5, width_units="'pixels'"),
        pdk.Layer("PathLayer", id="incidents_front", data=front, get_path="path", get_color=[20, 20, 20, 255],
                  get_width=4, width_units="'pixels'", cap_rounded=True),
    ]
    layers += landmark_layers("incidents")
    layers += halo_text("incidents_labels", area_labels(), size=12.5, colour=[50, 50, 50, 255])
    if mode == "control":
        layers += _point_layers(points, "incidents")
    else:
        layers += _point_layers(points[~points["precise"].astype(bool)] if not points.empty else points, "incidents")
    kw = dict(map_provider="carto", map_style="light") if tiles else dict(map_provider=None)
    return pdk.Deck(layers=layers, initial_view_state=pdk.ViewState(**CITY_VIEW),
                    tooltip={"text": "{tip}", "style": TOOLTIP_STYLE}, **kw)


def build_wide_deck(points: pd.DataFrame, *, syria: bool, tiles: bool = False) -> pdk.Deck:
    """The wider view: Syria's outline, Aleppo governorate, towns and governorate capitals, incidents."""
    towns = labels("outside")
    if not syria and not towns.empty:
        towns = towns[(towns["lat"].between(35.6, 36.9)) & (towns["lon"].between(36.4, 38.6))]
    layers = [pdk.Layer("GeoJsonLayer", id="outside_borders", data=wide_outlines(), stroked=True, filled=True,
                        get_fill_color="properties.fill", get_line_color="properties.line",
                        get_line_width="properties.width", line_width_units="'pixels'", pickable=False),
              pdk.Layer("ScatterplotLayer", id="outside_towns", data=towns, get_position=["lon", "lat"],
                        get_radius=3, radius_units="'pixels'", get_fill_color=[40, 40, 40, 220], pickable=False),
              ] + halo_text("outside_gov_labels", governorate_labels(syria), size=12,
                            colour=list(hex_rgb(GOV_LABEL)[:3]) + [255]) \
        + halo_text("outside_labels", towns, size=13, colour=[30, 30, 30, 255], offset=(0, 5), baseline="top")
    layers += _point_layers(points, "outside")
    kw = dict(map_provider="carto", map_style="light") if tiles else dict(map_provider=None)
    return pdk.Deck(layers=layers, initial_view_state=pdk.ViewState(**(SYRIA_VIEW if syria else GOV_VIEW)),
                    tooltip={"text": "{tip}", "style": TOOLTIP_STYLE}, **kw)


# ----------------------------------------------------------------- plotly maps (SVG: labels always render)

ASPECT = 1.0 / math.cos(math.radians(36.2))     # metres per degree of latitude / of longitude at Aleppo
CITY_BOUNDS = ((37.060, 37.250), (36.136, 36.270))
GOV_BOUNDS = ((36.35, 38.75), (35.55, 36.95))
SYRIA_BOUNDS = ((35.2, 42.5), (32.2, 37.4))


def marker_px(killed: float) -> float:
    """Diameter in pixels of a report's circle: area grows with the killed, capped."""
    return 7.0 + 2.0 * math.sqrt(min(300.0, max(0.0, float(killed or 0))))


def ring_px(killed: float) -> float:
    """Diameter of a hollow ring gathering reports known only to a side or the city."""
    return 30.0 + 1.0 * math.sqrt(min(2500.0, max(0.0, float(killed or 0))))


def _rgba(colour, alpha: float) -> str:
    if isinstance(colour, str):
        r, g, b, _ = hex_rgb(colour)
    else:
        r, g, b = colour[:3]
    return f"rgba({r},{g},{b},{alpha})"


def _rings_xy(rings) -> tuple:
    """Closed rings as x and y arrays, NaN between rings (numpy: plotly ships them as typed arrays,
    far faster than lists of floats and None)."""
    import numpy as np
    xs, ys = [], []
    for ring in rings:
        for lon, lat in ring:
            xs.append(lon)
            ys.append(lat)
        xs += [ring[0][0], math.nan]
        ys += [ring[0][1], math.nan]
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def _f32(xs, ys) -> tuple:
    """Static outlines as 4-byte floats (a metre's precision; half the bytes sent)."""
    return xs.astype("float32"), ys.astype("float32")


def _lines_xy(lines) -> tuple:
    import numpy as np
    xs, ys = [], []
    for line in lines:
        for lon, lat in line:
            xs.append(lon)
            ys.append(lat)
        xs.append(math.nan)
        ys.append(math.nan)
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def scatter_tr(**kw) -> dict:
    """A scatter trace as a plain dict (see :class:`_Traces`)."""
    return dict(type="scatter", **kw)


def _point_traces(points: pd.DataFrame, *, rings_only: bool = False) -> list:
    """Hollow rings (place known only to a side or the city) then filled circles by actor, the
    largest tolls first (drawn below the smaller ones)."""
    import numpy as np
    traces = []
    if points.empty:
        return traces
    col = {c: points[c].tolist() for c in ("lon", "lat", "killed", "colour", "event_ids", "tip", "actor", "precise")}

    def trace(js: list, name: str, marker: dict) -> dict:
        return scatter_tr(
            x=np.asarray([col["lon"][j] for j in js], dtype=float),
            y=np.asarray([col["lat"][j] for j in js], dtype=float), mode="markers", name=name, marker=marker,
            customdata=np.asarray([col["event_ids"][j] for j in js], dtype=object).reshape(-1, 1),
            hovertext=np.asarray([col["tip"][j].replace("\n", "<br>") for j in js], dtype=object),
            hoverinfo="text", showlegend=False)

    vague = [j for j, p in enumerate(col["precise"]) if not bool(p)]
    if vague:
        traces.append(trace(vague, "place known only to the side or city", dict(
            symbol="circle-open", size=np.asarray([ring_px(col["killed"][j]) for j in vague], dtype=float),
            color=[_rgba(col["colour"][j], 0.95) for j in vague], line=dict(width=3))))
    if rings_only:
        return traces
    firm = [j for j, p in enumerate(col["precise"]) if bool(p)]
    firm = [firm[k] for k in _desc([col["killed"][j] for j in firm])]
    by_actor: dict = {}
    for j in firm:
        if _none(col["actor"][j]) is not None:
            by_actor.setdefault(col["actor"][j], []).append(j)
    for actor in sorted(by_actor):
        js = by_actor[actor]
        colour = ACTOR_COLOURS.get(actor, ACTOR_COLOURS["unknown"])
        traces.append(trace(js, L.label("actor", actor), dict(
            size=np.asarray([marker_px(col["killed"][j]) for j in js], dtype=float),
            color=_rgba(colour, 0.82), line=dict(width=1, color="white"))))
    return traces


def _text_trace(df: pd.DataFrame, *, size: int, colour: str = "#2d2d2d", position: str = "middle center",
                hover: Optional[list] = None, bold: bool = False):
    return scatter_tr(x=df["lon"], y=df["lat"], mode="text", text=[html.escape(str(n)) for n in df["name"]],
                      textposition=position, showlegend=False,
                      textfont=dict(size=size, color=colour, shadow="1px 1px 2px white, -1px -1px 2px white, "
                                    "1px -1px 2px white, -1px 1px 2px white", weight=700 if bold else 400),
                      hovertext=hover, hoverinfo="text" if hover else "skip")


def city_figure(points: pd.DataFrame, *, control_day: Optional[dt.date], mode: str = "control",
                values: Optional[dict] = None):
    """The city as an SVG figure: neighbourhood areas by control (or choropleth), the front line
    of the day, the outline, the Queiq and the roads, landmarks, names with a halo, incidents."""
    control = geo.control_on(control_day)
    cs = geo.cells()
    names = {n["place_id"]: n["name"] for n in geo.neighbourhoods()}
    fig = _Traces()
    if mode == "control" or not values:
        groups = {k: [pid for pid in cs if control.get(pid, "front") == k] for k in CONTROL_TINTS}
        fills = {k: CONTROL_TINTS[k] for k in CONTROL_TINTS}
    else:
        vmax = max(values.values()) or 1.0
        groups, fills = {}, {}
        for pid in cs:
            c = choro_colour(float(values.get(pid, 0) or 0), vmax)
            groups.setdefault(c, []).append(pid)
            fills[c] = c
    for key, pids in groups.items():
        if not pids:
            continue
        xs, ys = _rings_xy([cs[p]["ring"] for p in pids])
        fig.add_trace(scatter_tr(x=xs, y=ys, mode="lines", fill="toself", fillcolor=fills[key],
                                 line=dict(color="white", width=0.8), hoverinfo="skip", showlegend=False))
    xs, ys = _rings_xy([geo.city_outline_lonlat()[:-1]])
    fig.add_trace(scatter_tr(x=xs, y=ys, mode="lines", line=dict(color="#8a8a8a", width=1.2),
                             hoverinfo="skip", showlegend=False))
    xs, ys = _lines_xy(geo.front_segments(control_day))
    fig.add_trace(scatter_tr(x=xs, y=ys, mode="lines", line=dict(color="#141414", width=3.5),
                             hoverinfo="skip", showlegend=False, name="front line"))
    gj = read_geojson("landmarks.geojson")
    for f in gj["features"]:
        pr = f["properties"]
        if f["geometry"]["type"] == "LineString":
            xs, ys = _lines_xy([f["geometry"]["coordinates"]])
            river = pr["kind"] == "river"
            fig.add_trace(scatter_tr(x=xs, y=ys, mode="lines", hoverinfo="text",
                                     hovertext=html.escape(f"{pr['name']}: {pr.get('note', '')}"),
                                     line=dict(color="#4682c8" if river else "#785a3c", width=2.5 if river else 2,
                                               dash="solid" if river else "dash"), showlegend=False))
    # neighbourhood names (largest areas) with a hover for every area
    lab = area_labels()
    every = pd.DataFrame([{"name": names.get(pid, pid), "lon": c["cx"], "lat": c["cy"],
                           "held": CONTROL_LABELS.get(control.get(pid, "front"), "")} for pid, c in cs.items()])
    fig.add_trace(scatter_tr(x=every["lon"], y=every["lat"], mode="markers", marker=dict(size=14, opacity=0),
                             hovertext=[html.escape(f"{n}: {h}" + (f" · {values.get(pid, 0):,.0f}" if values else ""))
                                        for n, h, pid in zip(every["name"], every["held"], cs)],
                             hoverinfo="text", showlegend=False))
    fig.add_trace(_text_trace(lab, size=11, colour="#3a3a3a"))
    for t in _point_traces(points, rings_only=mode != "control"):
        fig.add_trace(t)
    pts = [f for f in gj["features"] if f["geometry"]["type"] == "Point"]
    marks = pd.DataFrame([{"name": f["properties"]["name"], "lon": f["geometry"]["coordinates"][0],
                           "lat": f["geometry"]["coordinates"][1],
                           "note": f["properties"].get("note", "")} for f in pts])
    lines = [f for f in gj["features"] if f["geometry"]["type"] == "LineString"]
    line_marks = pd.DataFrame([{"name": f["properties"]["name"],
                                "lon": f["geometry"]["coordinates"][len(f["geometry"]["coordinates"]) // 2][0],
                                "lat": f["geometry"]["coordinates"][len(f["geometry"]["coordinates"]) // 2][1]}
                               for f in lines])
    fig.add_trace(scatter_tr(x=marks["lon"], y=marks["lat"], mode="markers",
                             marker=dict(symbol="diamond", size=10, color="#141414", line=dict(width=1.5, color="white")),
                             hovertext=[html.escape(f"{n}: {t}") for n, t in zip(marks["name"], marks["note"])],
                             hoverinfo="text", showlegend=False))
    fig.add_trace(_text_trace(marks, size=13, colour="#141414", position="top center", bold=True))
    fig.add_trace(_text_trace(line_marks, size=12, colour="#3d5f8a", position="middle right", bold=True))
    return _geo_layout(fig, CITY_BOUNDS)


def wide_figure(points: pd.DataFrame, *, syria: bool):
    """Syria's 14 governorates (Aleppo's stronger), Syria's border, governorate names, governorate
    capitals and towns with events, incidents."""
    fig = _Traces()
    gs = geo.governorates()
    others = [g["rings"][0] for k, g in gs.items() if k != "aleppo"]
    xs, ys = _f32(*_rings_xy([r[:-1] for r in others]))
    fig.add_trace(scatter_tr(x=xs, y=ys, mode="lines", fill="toself", fillcolor=GOV_FILL,
                             line=dict(color=GOV_LINE, width=1), hoverinfo="skip", showlegend=False))
    xs, ys = _f32(*_rings_xy([gs["aleppo"]["rings"][0][:-1]] if "aleppo" in gs else []))
    fig.add_trace(scatter_tr(x=xs, y=ys, mode="lines", fill="toself", fillcolor=ALEPPO_FILL,
                             line=dict(color=ALEPPO_LINE, width=2.2), hoverinfo="skip", showlegend=False))
    xs, ys = _f32(*_lines_xy(geo.syria_border()))
    fig.add_trace(scatter_tr(x=xs, y=ys, mode="lines", line=dict(color=BORDER_LINE, width=2),
                             hoverinfo="skip", showlegend=False))
    towns = labels("outside")
    if not syria:
        towns = towns[towns["lat"].between(35.55, 36.95) & towns["lon"].between(36.35, 38.75)]
        if not points.empty:   # name the towns with events and the larger ones
            near = {(round(a, 2), round(b, 2)) for a, b in zip(points["lat"], points["lon"])}
            towns = towns[[c or (round(a, 2), round(b, 2)) in near
                           for c, a, b in zip(towns["capital"], towns["lat"], towns["lon"])]]
    else:
        towns = towns[towns["capital"]]
    fig.add_trace(scatter_tr(x=towns["lon"], y=towns["lat"], mode="markers",
                             marker=dict(size=5, color="#282828"), hoverinfo="skip", showlegend=False))
    fig.add_trace(_text_trace(towns, size=12, colour="#222", position="top center"))
    for t in _point_traces(points):
        fig.add_trace(t)
    # governorate names over the points (haloed, not hoverable): legible where events crowd
    fig.add_trace(_text_trace(governorate_labels(syria), size=11 if syria else 12, colour=GOV_LABEL, bold=True))
    bounds = SYRIA_BOUNDS if syria else GOV_BOUNDS
    return _geo_layout(fig, bounds)


class _Traces:
    """Traces gathered as plain dicts; :func:`_geo_layout` makes the figure in one call (plotly
    validates a figure's data once, where ``add_trace`` per trace costs more than the data)."""

    def __init__(self):
        self.data: list = []

    def add_trace(self, trace: dict) -> None:
        self.data.append(trace)


def _geo_layout(traces: "_Traces", bounds):
    (x0, x1), (y0, y1) = bounds
    return MapFigure(traces.data, layout=dict(
        xaxis=dict(range=[x0, x1], visible=False, constrain="domain"),
        yaxis=dict(range=[y0, y1], visible=False, scaleanchor="x", scaleratio=ASPECT, constrain="domain"),
        height=MAP_HEIGHT, margin=dict(l=0, r=0, t=0, b=0), plot_bgcolor="white",
        dragmode="pan", hovermode="closest", clickmode="event+select", showlegend=False, font=dict(size=13)))


class MapFigure(go.Figure):
    """A plotly figure whose traces stay the plain dicts built here (:class:`_Traces`).

    Made the usual way, plotly deep-copies every trace twice (the trace objects, then their
    properties) and ``st.plotly_chart`` once more (``to_dict``): at 100,000 incidents a
    quarter of the map's rerun, for traces built from plain values the tests check and never
    changed afterwards. Here the layout goes through plotly as before (its template too);
    :meth:`to_dict` copies the traces' nesting only (dicts, lists of dicts) and encodes their
    number arrays as plotly does (typed arrays), so the JSON sent is the same. ``data`` gives
    the traces as plotly objects, built when asked (not on the page's path)."""

    def __init__(self, traces: list, layout: dict):
        super().__init__(layout=layout, _validate=False)
        self._plain = list(traces)

    def to_dict(self) -> dict:
        from _plotly_utils.utils import convert_to_base64
        res = super().to_dict()        # the layout, and any trace added through plotly after
        res["data"] = [_nesting_copy(t) for t in self._plain] + res["data"]
        convert_to_base64(res["data"])
        return res

    @property
    def data(self):
        return go.Figure(data=self._plain, _validate=False).data + super().data


def _nesting_copy(v):
    """``v`` with its dicts (and lists of dicts) copied, the values in them shared: what
    plotly's typed-array encoding replaces in place is then a copy. A property set to None is
    left out, as plotly does."""
    if isinstance(v, dict):
        return {k: _nesting_copy(x) for k, x in v.items() if x is not None}
    if isinstance(v, (list, tuple)) and any(isinstance(x, dict) for x in v):
        return [_nesting_copy(x) for x in v]
    return v


# ----------------------------------------------------------------- legends

def _swatch(colour: str, text: str, shape: str = "square") -> str:
    style = {"square": f"width:14px;height:12px;background:{colour};border:1px solid #999",
             "dot": f"width:12px;height:12px;border-radius:50%;background:{colour}",
             "ring": f"width:12px;height:12px;border-radius:50%;border:3px solid {colour}",
             "line": f"width:18px;height:0;border-top:4px solid {colour}"}[shape]
    return (f"<span style='display:inline-flex;align-items:center;margin:0 12px 2px 0;white-space:nowrap'>"
            f"<span style='display:inline-block;{style};margin-right:5px'></span>{html.escape(text)}</span>")


def size_legend(scope: str = "city", zoom: float = 0.0) -> str:
    """Circles at the size the map draws them, for a few tolls."""
    items = []
    for k in (1, 10, 50, 200):
        d = marker_px(k)
        items.append(f"<span style='display:inline-flex;align-items:center;margin-right:12px'>"
                     f"<span style='display:inline-block;width:{d:.0f}px;height:{d:.0f}px;"
                     f"border-radius:50%;background:#9aa3ad;margin-right:5px'></span>{k:,}</span>")
    return "<b>Killed</b> " + "".join(items)


def legend(mode: str = "control", vmax: float = 0.0, measure: str = "killed") -> str:
    actors = "".join(_swatch(c, L.label("actor", a), "dot") for a, c in ACTOR_COLOURS.items())
    if mode == "control":
        areas = "".join(_swatch(CONTROL_TINTS[k], CONTROL_LABELS[k]) for k in CONTROL_TINTS)
    else:
        steps = [vmax * (i / (len(CHORO_RAMP) - 1)) ** 2 for i in range(len(CHORO_RAMP))]
        areas = f"<b>{html.escape(measure.capitalize())} per neighbourhood</b> " + "".join(
            _swatch(c, f"{v:,.0f}") for c, v in zip(CHORO_RAMP, steps))
    marks = (_swatch("#141414", "front line", "line") + _swatch("#4682c8", "Queiq river", "line")
             + _swatch("#785a3c", "road", "line") + _swatch("#555", "place known only to the side or city", "ring")
             + _swatch("#141414", "landmark", "dot"))
    return (f"<div style='font-size:0.92rem;line-height:1.7'><b>Perpetrator</b> {actors}<br>{areas}<br>"
            f"{marks}<br>{size_legend('city', CITY_VIEW['zoom'])}</div>")


def wide_legend() -> str:
    actors = "".join(_swatch(c, L.label("actor", a), "dot") for a, c in ACTOR_COLOURS.items())
    marks = (_swatch(BORDER_LINE, "Syria's border", "line") + _swatch(GOV_LINE, "governorate border", "line")
             + _swatch(ALEPPO_LINE, "Aleppo governorate", "line")
             + f"<span style='margin:0 12px 2px 0;color:{GOV_LABEL};font-weight:700;white-space:nowrap'>"
               "IDLIB</span>governorate name<br>"
             + _swatch("#282828", "town or governorate capital", "dot")
             + _swatch("#555", "place approximate", "ring"))
    source = ("<span style='font-size:0.8rem;color:#666'>Borders: Natural Earth admin-1, simplified to "
              "about 400 m; de facto lines, the Israeli-held Golan outside; not a boundary claim.</span>")
    return (f"<div style='font-size:0.92rem;line-height:1.7'><b>Perpetrator</b> {actors}<br>{marks}<br>"
            f"{size_legend('outside', GOV_VIEW['zoom'])}<br>{source}</div>")


# ----------------------------------------------------------------- page

def _day_control(days: list, playing: bool = False) -> Optional[dt.date]:
    """Step buttons and a day slider (the "Whole period" toggle above decides); None = whole period."""
    ss = st.session_state
    if not days or ss.get("map_whole", True):
        return None
    c2, c3, c4 = st.columns([0.9, 0.9, 7], vertical_alignment="center")
    idx = ss.get("map_day_idx", len(days) - 1)
    if not playing and ss.get("map_day") in days:
        idx = days.index(ss["map_day"])
    if c2.button("◀ Day", key="map_prev"):
        idx -= 1
    if c3.button("Day ▶", key="map_next"):
        idx += 1
    idx = max(0, min(len(days) - 1, idx))
    ss["map_day_idx"] = idx
    ss["map_day"] = days[idx]
    c4.select_slider("Day", options=days, key="map_day", label_visibility="collapsed",
                     format_func=lambda d: d.strftime("%a %d %b %Y"))
    return ss["map_day"]


def _advance(days: list) -> None:
    ss = st.session_state
    if days:
        ss["map_day_idx"] = (ss.get("map_day_idx", 0) + 1) % len(days)


MAP_HEIGHT = 560
MODES = {"control": "Who held it", "killed": "Killed", "events": "Reports"}


@safe_page
def page(filters) -> None:
    st.title("Map")
    days = [pd.Timestamp(d).date() for d in data.q("map_days", filters)]
    top = st.columns([2.9, 1.5, 1.5, 1.3], vertical_alignment="bottom")
    mode = top[0].segmented_control("Colour the neighbourhoods by", list(MODES), default="control",
                                    key="map_mode", format_func=MODES.get) or "control"
    st.session_state.setdefault("map_whole", True)
    if st.session_state.get("map_play"):
        st.session_state["map_whole"] = False
    top[1].toggle("Whole period", key="map_whole", disabled=not days,
                  help="Off: one day at a time, with a slider")
    tiles = top[2].toggle("Online basemap", value=False, key="map_tiles",
                          help="Street tiles when a connection is available; the bundled "
                               "geometry is drawn either way")
    playing = top[3].toggle("▶ Play", value=False, key="map_play", disabled=not days,
                            help="Step through the days, one a second")
    day = _day_control(days, playing)
    if playing and days:
        _play_fragment(filters, days, tiles, mode)
        return
    _draw_maps(filters, day, tiles, mode)


def _play_fragment(filters, days, tiles, mode):
    @st.fragment(run_every=1.2)
    def frag():
        idx = st.session_state.get("map_day_idx", 0) % len(days)
        st.caption(f"Playing · {days[idx]:%a %d %b %Y} ({idx + 1}/{len(days)})")
        _draw_maps(filters, days[idx], tiles, mode)
        _advance(days)
    frag()


def control_date(day: Optional[dt.date], filters, options: dict) -> tuple:
    """(the date whose control is drawn, the words saying which): the day shown, else the end
    of the selected period; no earlier than the control data's start."""
    if day is not None:
        wanted, why = day, "the day shown"
    else:
        wanted = filters.date_to or options.get("date_max")
        why = "the end of the selected period"
    drawn = geo.control_day(wanted)
    words = f"Control of the neighbourhoods on **{drawn:%d %B %Y}** ({why})"
    if wanted and drawn != wanted:
        words += f"; the control data begin on {geo.CONTROL_START:%d %B %Y}"
    return drawn, words


def _draw_maps(filters, day, tiles, mode) -> None:
    pts, out = data.q("map_points_pair", filters, day=day)
    when = f"on {day:%d %B %Y}" if day else "in the selected period"
    if pts.empty and out.empty:
        st.info(f"No incidents with a known place {when}.")
    drawn, words = control_date(day, filters, data.q("filter_options"))
    syria = filters.area != "aleppo"
    wide_name = "Syria" if syria else "Governorate"
    tab_city, tab_gov = st.tabs([f"Aleppo city · {len(pts):,} reports",
                                 f"{wide_name} · {len(out):,} reports"])
    config = {"displaylogo": False, "scrollZoom": True}
    with tab_city:
        points = point_frame(pts, "city", drawn)
        values = choro_values(points, "killed" if mode == "killed" else "events") if mode != "control" else None
        caption = words + "."
        if pts["aggregated"].any() if not pts.empty else False:
            caption += " Many reports: precise ones are gathered on a grid; pick a day for single reports."
        left, right = st.columns([2.9, 1], gap="small")
        with left:
            if tiles:
                deck = build_city_deck(points, control_day=drawn, mode=mode, tiles=True, values=values)
                ev = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object",
                                     key="map_city", height=MAP_HEIGHT)
                ids = pydeck_selected_ids(ev, POINT_LAYERS)
            else:
                ev = st.plotly_chart(city_figure(points, control_day=drawn, mode=mode, values=values),
                                     on_select="rerun", selection_mode=("points",), key="map_city_svg",
                                     config=config)
                ids = plotly_selected_ids(ev)
        with right:
            st.caption(caption)
            st.html(legend(mode, max(values.values()) if values else 0.0,
                           "killed" if mode == "killed" else "reports"))
        _selected(ids, "map_city")
    with tab_gov:
        wide = point_frame(out, "outside")
        left, right = st.columns([2.9, 1], gap="small")
        with left:
            if tiles:
                ev2 = st.pydeck_chart(build_wide_deck(wide, syria=syria, tiles=True), on_select="rerun",
                                      selection_mode="single-object", key="map_gov", height=MAP_HEIGHT)
                ids2 = pydeck_selected_ids(ev2, POINT_LAYERS)
            else:
                ev2 = st.plotly_chart(wide_figure(wide, syria=syria), on_select="rerun",
                                      selection_mode=("points",), key="map_gov_svg", config=config)
                ids2 = plotly_selected_ids(ev2)
        with right:
            st.html(wide_legend())
        _selected(ids2, "map_gov")


def _selected(ids: list, key: str) -> None:
    if ids:
        st.session_state["evidence_event_ids"] = ids
        st.session_state["evidence_event_id"] = ids[0]
        evidence_panel(data.q("events_by_ids", None, event_ids=tuple(ids)), key=key)
