"""Map: Aleppo's east and west as held, the front line, neighbourhood names, incidents by day.

Works offline: the geometry is bundled (``data/aleppo_control_*.geojson``,
``data/places.csv``) and the deck has no basemap unless the tiles toggle is on.
Precise incidents (a neighbourhood, site or town) are filled circles;
imprecise ones (only the side or the city is known) are larger hollow,
translucent circles so the uncertainty is visible.
"""
from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

import pandas as pd
import pydeck as pdk
import streamlit as st

from . import data
from .common import ACTOR_COLOURS, evidence_panel, hex_rgb, pydeck_selected_ids, safe_page, short

DATA = Path(__file__).resolve().parent.parent / "data"
ZONE_STYLE = {  # zone: (fill RGBA, line RGBA)
    "east": ([192, 57, 43, 55], [192, 57, 43, 200]),
    "west": ([31, 95, 168, 45], [31, 95, 168, 200]),
    "kurdish": ([230, 171, 2, 60], [160, 120, 0, 200]),
    "city": ([0, 0, 0, 0], [90, 90, 90, 160]),
    "front_line": ([0, 0, 0, 0], [20, 20, 20, 255]),
}
CITY_VIEW = dict(latitude=36.205, longitude=37.150, zoom=11.6, pitch=0, bearing=0)
GOV_VIEW = dict(latitude=36.30, longitude=37.35, zoom=8.3, pitch=0, bearing=0)
POINT_LAYERS = ("incidents_precise", "incidents_imprecise", "outside_precise", "outside_imprecise")


# ----------------------------------------------------------------- bundled geometry

def control_file(day: Optional[dt.date], folder: Path = DATA) -> Optional[Path]:
    """The control map in force on ``day``: the latest ``aleppo_control_YYYY-MM*.geojson``
    not after it (the earliest one when ``day`` precedes them all)."""
    files = []
    for p in folder.glob("aleppo_control_*.geojson"):
        m = re.match(r"aleppo_control_(\d{4})-(\d{2})(?:-(\d{2}))?", p.stem)
        if m:
            files.append((dt.date(int(m[1]), int(m[2]), int(m[3] or 1)), p))
    if not files:
        return None
    files.sort()
    if day is None:
        return files[-1][1]
    before = [p for d, p in files if d <= day]
    return before[-1] if before else files[0][1]


@lru_cache(maxsize=8)
def _load_geojson(path: str, mtime: float) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def styled_zones(gj: dict) -> dict:
    """A copy of the control GeoJSON with fill/line colours in each feature's properties."""
    out = copy.deepcopy(gj)
    for f in out.get("features", []):
        props = f.setdefault("properties", {}) or {}
        zone = str(props.get("zone", "city"))
        fill, line = ZONE_STYLE.get(zone, ZONE_STYLE["city"])
        props["fill"], props["line"] = fill, line
        props["width"] = 4 if zone == "front_line" else 1.5
        props["label"] = str(props.get("name") or zone)
        f["properties"] = props
    return out


@lru_cache(maxsize=2)
def _places(path: str, mtime: float) -> pd.DataFrame:
    rows = []
    with open(path, encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    for r in csv.DictReader(lines):
        try:
            rows.append({"name": r.get("name", ""), "kind": r.get("kind", ""),
                         "control": r.get("control", ""),
                         "in_city": str(r.get("in_aleppo_city", "")).lower() in ("1", "true", "yes"),
                         "governorate": r.get("governorate", ""),
                         "lat": float(r["lat"]), "lon": float(r["lon"])})
        except (KeyError, TypeError, ValueError):
            continue
    return pd.DataFrame(rows, columns=["name", "kind", "control", "in_city", "governorate", "lat", "lon"])


def labels(scope: str) -> pd.DataFrame:
    p = DATA / "places.csv"
    if not p.exists():
        return pd.DataFrame(columns=["name", "lat", "lon"])
    df = _places(str(p), p.stat().st_mtime)
    if scope == "city":
        df = df[df["in_city"] & df["kind"].isin(["neighbourhood", "district", "site"])]
    else:
        df = df[~df["in_city"] & df["kind"].isin(["town", "city", "village"])
                & (df["governorate"].str.lower().str.contains("aleppo"))]
    return df[["name", "lat", "lon"]].drop_duplicates("name").reset_index(drop=True)


# ----------------------------------------------------------------- points

def radius_m(killed: float, scope: str) -> float:
    """Circle radius in metres: area grows with the killed, up to a cap so one large toll does not cover
    the city; a floor so zero-death events show."""
    return _base_radius(scope) * (1.0 + min(MAX_RADIUS_STEPS, math.sqrt(max(0.0, float(killed or 0)))))


MAX_RADIUS_STEPS = 6.0


def _base_radius(scope: str) -> float:
    """Metres of the smallest circle: a city block in the city, a village outside it."""
    return 90.0 if scope == "city" else 1800.0


def cell_radius_m(killed: float, most: float, scope: str) -> float:
    """Radius of an aggregated grid cell: area in proportion to its share of the largest cell's toll."""
    share = min(1.0, max(0.0, float(killed or 0)) / max(1.0, most))
    return _base_radius(scope) * (1.0 + MAX_RADIUS_STEPS * math.sqrt(share))


# the tooltip is plain text; long words wrap inside a bounded box
TOOLTIP_STYLE = {"maxWidth": "420px", "whiteSpace": "pre-wrap", "overflowWrap": "anywhere"}


def point_frame(df: pd.DataFrame, scope: str) -> pd.DataFrame:
    """Points ready for deck.gl: colour by actor, radius by killed, a plain-text tooltip."""
    if df.empty:
        return df.assign(colour=[], radius=[], tip=[], event_ids=[])
    out = df.copy()
    out["colour"] = [hex_rgb(ACTOR_COLOURS.get(a, ACTOR_COLOURS["unknown"]), 210)
                     for a in out["actor"]]
    out["radius"] = [radius_m(k, scope) * (1.0 if p else 1.8)
                     for k, p in zip(out["killed"], out["precise"])]
    cells = out["aggregated"].fillna(False).astype(bool) if "aggregated" in out else None
    if cells is not None and cells.any():
        # grid cells sum many reports: size them against the largest cell, or every one hits the cap
        most = max(1.0, float(out.loc[cells, "killed"].max()))
        out.loc[cells, "radius"] = [cell_radius_m(k, most, scope) for k in out.loc[cells, "killed"]]
    out["day"] = pd.to_datetime(out["day"]).dt.strftime("%Y-%m-%d")
    out["event_ids"] = out["event_id"]
    out["tip"] = [
        f"{d} · {short(loc, 60) or '?'} ({prec or '?'})\n{et or ''} by {a} · killed {k}"
        + (" · implausible toll, not summed" if imp else "")
        + (f"\n{n} reports aggregated" if n and n > 1 else "")
        + f"\n{short(ev, 220)}\n— {short(src or outlet, 60)}"
        for d, loc, prec, et, a, k, ev, src, outlet, n, imp in zip(
            out["day"], out["location"], out["geo_precision"], out["event_type"], out["actor"],
            out["killed"], out["evidence"], out["source"], out["outlet"], out["n"],
            out.get("implausible", pd.Series(False, index=out.index)))]
    keep = ["event_ids", "event_id", "lat", "lon", "colour", "radius", "tip", "precise", "killed",
            "actor", "location", "day"]
    return out[keep]


def build_deck(points: pd.DataFrame, *, scope: str, zones: Optional[dict], place_labels: pd.DataFrame,
               tiles: bool) -> pdk.Deck:
    """The pydeck Deck for one scope ('city' or 'outside'); every layer has an id and is pickable
    where clicking means something."""
    pre = "incidents" if scope == "city" else "outside"
    layers = []
    if zones:
        layers.append(pdk.Layer(
            "GeoJsonLayer", id=f"{pre}_zones", data=zones, stroked=True, filled=True,
            get_fill_color="properties.fill", get_line_color="properties.line",
            get_line_width="properties.width", line_width_units="'pixels'", pickable=False))
    if not place_labels.empty:
        layers.append(pdk.Layer(
            "TextLayer", id=f"{pre}_labels", data=place_labels, get_position=["lon", "lat"],
            get_text="name", get_size=12 if scope == "city" else 13,
            get_color=[40, 40, 40, 200], get_alignment_baseline="'top'", get_pixel_offset=[0, 6],
            font_family="'Helvetica Neue', Arial, sans-serif", pickable=False))
    if not points.empty:
        precise = points[points["precise"]]
        vague = points[~points["precise"]]
        layers.append(pdk.Layer(
            "ScatterplotLayer", id=f"{pre}_imprecise", data=vague, get_position=["lon", "lat"],
            get_radius="radius", stroked=True, filled=True,
            get_fill_color="[colour[0], colour[1], colour[2], 40]", get_line_color="colour",
            line_width_min_pixels=2, pickable=True, auto_highlight=True))
        layers.append(pdk.Layer(
            "ScatterplotLayer", id=f"{pre}_precise", data=precise, get_position=["lon", "lat"],
            get_radius="radius", radius_min_pixels=3, stroked=True,
            filled=True, get_fill_color="colour", get_line_color=[255, 255, 255, 230],
            line_width_min_pixels=1, pickable=True, auto_highlight=True))
    view = pdk.ViewState(**(CITY_VIEW if scope == "city" else GOV_VIEW))
    kw = dict(map_provider="carto", map_style="light") if tiles else dict(map_provider=None)
    return pdk.Deck(layers=layers, initial_view_state=view,
                    tooltip={"text": "{tip}", "style": TOOLTIP_STYLE}, **kw)


def legend() -> str:
    import html
    items = "".join(
        f"<span style='display:inline-block;width:12px;height:12px;border-radius:50%;"
        f"background:{c};margin:0 4px 0 10px'></span>{html.escape(a)}"
        for a, c in ACTOR_COLOURS.items())
    zones = ("<span style='display:inline-block;width:14px;height:10px;background:rgba(192,57,43,.35);"
             "margin:0 4px 0 10px'></span>rebel-held east"
             "<span style='display:inline-block;width:14px;height:10px;background:rgba(31,95,168,.3);"
             "margin:0 4px 0 10px'></span>government-held west"
             "<span style='display:inline-block;width:14px;height:10px;background:rgba(230,171,2,.4);"
             "margin:0 4px 0 10px'></span>Kurdish-held"
             "<span style='display:inline-block;width:16px;border-top:3px solid #141414;"
             "margin:0 4px 3px 10px'></span>front line"
             "<span style='display:inline-block;width:12px;height:12px;border-radius:50%;"
             "border:2px solid #555;margin:0 4px 0 10px'></span>place approximate")
    return f"<div style='font-size:0.9rem;line-height:1.8'>{items}<br>{zones}</div>"


# ----------------------------------------------------------------- page

def _zones_for(day: Optional[dt.date]) -> Optional[dict]:
    p = control_file(day)
    if p is None:
        return None
    return styled_zones(_load_geojson(str(p), p.stat().st_mtime))


def _day_control(days: list, playing: bool = False) -> Optional[dt.date]:
    """Day slider with step buttons; None = the whole period."""
    ss = st.session_state
    if not days:
        return None
    c1, c2, c3, c4 = st.columns([1.4, 1, 1, 6], vertical_alignment="bottom")
    ss.setdefault("map_whole", True)
    if c1.toggle("Whole period", key="map_whole"):
        return None
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
    c4.select_slider("Day", options=days, key="map_day",
                     format_func=lambda d: d.strftime("%a %d %b %Y"))
    return ss["map_day"]


def _advance(days: list) -> None:
    ss = st.session_state
    if days:
        ss["map_day_idx"] = (ss.get("map_day_idx", 0) + 1) % len(days)


@safe_page
def page(filters) -> None:
    st.title("Map")
    days = [pd.Timestamp(d).date() for d in data.q("map_days", filters)]
    top = st.columns([3, 1.2, 1.2], vertical_alignment="bottom")
    tiles = top[1].toggle("Online basemap", value=False, key="map_tiles",
                          help="Street tiles when a connection is available; the bundled "
                               "geometry is drawn either way")
    playing = top[2].toggle("▶ Play days", value=False, key="map_play", disabled=not days,
                            help="Step through the days, one a second")
    if playing:
        st.session_state["map_whole"] = False
    day = _day_control(days, playing)
    if playing and days:
        _play_fragment(filters, days, tiles)
        return
    _draw_maps(filters, day, tiles)


def _play_fragment(filters, days, tiles):
    @st.fragment(run_every=1.2)
    def frag():
        idx = st.session_state.get("map_day_idx", 0) % len(days)
        st.caption(f"Playing · {days[idx]:%a %d %b %Y} ({idx + 1}/{len(days)})")
        _draw_maps(filters, days[idx], tiles)
        _advance(days)
    frag()


def _draw_maps(filters, day, tiles) -> None:
    pts = data.q("map_points", filters, scope="city", day=day)
    out = data.q("map_points", filters, scope="outside", day=day)
    when = f"on {day:%d %B %Y}" if day else "in the selected period"
    if pts.empty and out.empty:
        st.info(f"No incidents with a known place {when}.")
    tab_city, tab_gov = st.tabs([f"Aleppo city · {len(pts):,}", f"Governorate and beyond · {len(out):,}"])
    with tab_city:
        if pts["aggregated"].any() if not pts.empty else False:
            st.caption("Many events: points are aggregated on a grid; filter or pick a day for single events.")
        deck = build_deck(point_frame(pts, "city"), scope="city", zones=_zones_for(day),
                          place_labels=labels("city"), tiles=tiles)
        ev = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object",
                             key="map_city", height=620)
        st.html(legend())
        _selected(ev, "map_city")
    with tab_gov:
        deck = build_deck(point_frame(out, "outside"), scope="outside", zones=_zones_for(day),
                          place_labels=labels("outside"), tiles=tiles)
        ev2 = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object",
                              key="map_gov", height=620)
        _selected(ev2, "map_gov")


def _selected(ev, key: str) -> None:
    ids = pydeck_selected_ids(ev)
    if ids:
        st.session_state["evidence_event_ids"] = ids
        st.session_state["evidence_event_id"] = ids[0]
        evidence_panel(data.q("events_by_ids", None, event_ids=tuple(ids)), key=key)
