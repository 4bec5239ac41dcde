"""One-file HTML briefing that opens offline: headline figures, a static map (inline SVG),
the casualty and diplomacy timelines (plotly with its JavaScript inlined), and the events
with their sources.

All article text (titles, places, sentences) is escaped with :func:`html.escape`.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import math
from pathlib import Path
from typing import Optional

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import queries
from .queries import Filters

SIDE_COLOURS = {"east": "#c0392b", "west": "#1f5fa8", "city": "#7d3c98", "outside": "#6e7781",
                "unknown": "#b0b7bf"}
ACTOR_COLOURS = {"government": "#d62728", "russia": "#8c2d04", "rebels": "#2ca02c", "isis": "#111111",
                 "coalition": "#1f77b4", "kurdish": "#e6ab02", "turkey": "#9467bd", "unknown": "#7f7f7f"}
ZONE_FILL = {"east": ("#c0392b", 0.22), "west": ("#1f5fa8", 0.18), "kurdish": ("#e6ab02", 0.25),
             "city": ("#000000", 0.0)}
DATA = Path(__file__).resolve().parent.parent / "data"
e = html.escape


# ----------------------------------------------------------------- static map

def _rings(geom: dict) -> list:
    t, c = geom.get("type"), geom.get("coordinates") or []
    if t == "Polygon":
        return [c]
    if t == "MultiPolygon":
        return list(c)
    return []


def _lines(geom: dict) -> list:
    t, c = geom.get("type"), geom.get("coordinates") or []
    if t == "LineString":
        return [c]
    if t == "MultiLineString":
        return list(c)
    return []


def svg_map(zones: Optional[dict], points: pd.DataFrame, *, width: int = 760, height: int = 560,
            bbox: Optional[tuple] = None) -> str:
    """Inline SVG of the control zones, the front line and incident circles (area ~ killed)."""
    if bbox is None:
        bbox = (37.07, 36.13, 37.24, 36.26)   # lon_min, lat_min, lon_max, lat_max: Aleppo city
    x0, y0, x1, y1 = bbox
    k = math.cos(math.radians((y0 + y1) / 2))
    sx = width / ((x1 - x0) * k)
    sy = height / (y1 - y0)
    s = min(sx, sy)

    def xy(lon, lat):
        return (lon - x0) * k * s, height - (lat - y0) * s

    def path(coords):
        pts = [xy(float(c[0]), float(c[1])) for c in coords]
        return "M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in pts)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" style="max-width:{width}px;background:#fafafa;border:1px solid #ddd" '
             f'role="img" aria-label="Map of incidents">']
    for feat in (zones or {}).get("features", []):
        props = feat.get("properties") or {}
        zone = str(props.get("zone", "city"))
        geom = feat.get("geometry") or {}
        if zone == "front_line":
            for line in _lines(geom) + [r[0] for r in _rings(geom) if r]:
                parts.append(f'<path d="{path(line)}" fill="none" stroke="#141414" stroke-width="3"/>')
            continue
        colour, alpha = ZONE_FILL.get(zone, ("#000000", 0.0))
        for poly in _rings(geom):
            d = " ".join(path(r) + " Z" for r in poly if r)
            parts.append(f'<path d="{d}" fill="{colour}" fill-opacity="{alpha}" stroke="{colour}" '
                         f'stroke-opacity="0.8" stroke-width="1.2" fill-rule="evenodd">'
                         f'<title>{e(str(props.get("name") or zone))}</title></path>')
    for r in points.itertuples(index=False):
        lon, lat = float(r.lon), float(r.lat)
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            continue
        cx, cy = xy(lon, lat)
        rad = 3 + 2.2 * math.sqrt(max(0, float(r.killed or 0)))
        colour = ACTOR_COLOURS.get(r.actor, ACTOR_COLOURS["unknown"])
        style = (f'fill="{colour}" fill-opacity="0.75" stroke="#fff"' if r.precise else
                 f'fill="{colour}" fill-opacity="0.12" stroke="{colour}" stroke-dasharray="3,2"')
        tip = f"{str(r.day)[:10]} · {r.location or '?'} · {r.actor} · killed {r.killed}"
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{rad * (1 if r.precise else 1.6):.1f}" '
                     f'{style} stroke-width="1.5"><title>{e(tip)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def _zones() -> Optional[dict]:
    files = sorted(DATA.glob("aleppo_control_*.geojson"))
    if not files:
        return None
    with open(files[-1], encoding="utf-8") as fh:
        return json.load(fh)


# ----------------------------------------------------------------- charts

def casualty_chart(ts: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for side in ("east", "west", "city", "outside", "unknown"):
        d = ts[ts["side"] == side]
        if d.empty:
            continue
        fig.add_trace(go.Bar(x=pd.to_datetime(d["period"]), y=d["killed"], name=side,
                             marker_color=SIDE_COLOURS[side],
                             error_y=dict(type="data", symmetric=False,
                                          array=(d["killed_high"] - d["killed"]).clip(lower=0),
                                          arrayminus=(d["killed"] - d["killed_low"]).clip(lower=0))))
    fig.update_layout(barmode="stack", height=380, title="Killed per day by side (each event once)",
                      margin=dict(l=40, r=10, t=50, b=30), legend=dict(orientation="h"))
    return fig


def diplomacy_chart(lanes: pd.DataFrame, killed: pd.DataFrame) -> go.Figure:
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.05)
    symbols = {"meeting": "circle", "call": "diamond", "un_action": "square", "visit": "triangle-up",
               "agreement": "star", "proposal": "pentagon", "accusation": "x"}
    d = lanes[lanes["day"].notna()] if not lanes.empty else lanes
    for (etype, status), g in (d.groupby(["event_type", "status"]) if not d.empty else []):
        sym = symbols.get(etype, "hexagon") + ("" if status == "happened" else "-open")
        fig.add_trace(go.Scatter(x=pd.to_datetime(g["day"]), y=g["lane"], mode="markers",
                                 name=f"{etype} ({status})", marker=dict(symbol=sym, size=13)),
                      row=1, col=1)
    if not killed.empty:
        fig.add_trace(go.Bar(x=pd.to_datetime(killed["day"]), y=killed["killed"], name="killed",
                             marker_color="#8a8f98"), row=2, col=1)
    fig.update_layout(height=460, title="Diplomacy by actor, with the killed per day beneath",
                      margin=dict(l=40, r=10, t=50, b=30))
    return fig


# ----------------------------------------------------------------- document

def _fmt(best: int, low: int, high: int) -> str:
    return f"{best:,}" if low == best == high else f"{best:,} <small>({low:,}–{high:,})</small>"


def describe(f: Filters) -> str:
    qp = f.to_query_params()
    return "all events" if not qp else "; ".join(f"{k}: {v}" for k, v in qp.items())


def build(conn, f: Filters, *, title: str = "Frontline briefing: Aleppo",
          generated: Optional[dt.datetime] = None) -> str:
    """The briefing as one HTML string (plotly.js inlined: ~4 MB, opens offline)."""
    head = queries.headline(conn, f)
    ts = queries.casualties(conn, f, "day")
    lanes = queries.diplomacy_lanes(conn, f)
    killed = queries.daily_killed(conn, f)
    pts = queries.map_points(conn, f, scope="city")
    events = queries.fused_events(conn, f, limit=200)
    inc = queries.incidents(conn, f)
    dip = queries.diplomacy_events(conn, f)
    when = (generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")

    cards = []
    a = queries.headline_for(head, "all")
    for label, key, lo, hi in (("Incidents", "incidents", None, None),
                               ("Killed", "killed", "killed_low", "killed_high"),
                               ("Injured", "injured", "injured_low", "injured_high"),
                               ("Children killed", "children_killed", None, None)):
        v = _fmt(a[key], a[lo], a[hi]) if lo else f"{a[key]:,}"
        cards.append(f'<div class="card"><div class="lbl">{label}</div>'
                     f'<div class="num" data-field="{key}">{v}</div></div>')
    side_rows = []
    for side in ("east", "west", "city", "outside"):
        h = queries.headline_for(head, side)
        if not h["incidents"]:
            continue
        side_rows.append(f"<tr><td>{side}</td><td>{h['incidents']:,}</td>"
                         f"<td>{_fmt(h['killed'], h['killed_low'], h['killed_high'])}</td>"
                         f"<td>{_fmt(h['injured'], h['injured_low'], h['injured_high'])}</td>"
                         f"<td>{h['children_killed']:,}</td></tr>")

    figs = []
    if not ts.empty:
        figs.append(casualty_chart(ts))
    if not lanes.empty or not killed.empty:
        figs.append(diplomacy_chart(lanes, killed))
    charts = "".join(fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
                     for i, fig in enumerate(figs))

    srcs = inc.groupby(inc["event_id"])[["outlet", "source"]].first() if not inc.empty else None
    ev_rows = []
    for r in events.itertuples(index=False):
        ids = list(r.event_ids)
        who = sorted({str(x) for i in ids if srcs is not None and i in srcs.index
                      for x in srcs.loc[i] if isinstance(x, str) and x})
        ev_txt = inc.set_index("event_id").loc[ids[0], "evidence"] if not inc.empty and ids[0] in set(inc["event_id"]) else ""
        killed_s = "—" if pd.isna(r.killed_best) else _fmt(int(r.killed_best),
                                                           int(r.killed_low if pd.notna(r.killed_low) else r.killed_best),
                                                           int(r.killed_high if pd.notna(r.killed_high) else r.killed_best))
        ev_rows.append(f"<tr><td>{e(str(r.day)[:10])}</td><td>{e(str(r.side))}</td>"
                       f"<td>{e(str(r.event_type))}</td><td>{e(str(r.actor or ''))}</td>"
                       f"<td>{e(str(r.location or ''))}</td><td>{killed_s}</td>"
                       f"<td>{e(', '.join(who))}</td><td class='ev'>{e(str(ev_txt or ''))}</td></tr>")
    dip_rows = "".join(
        f"<tr><td>{e(str(r.day)[:10] if pd.notna(r.day) else '')}</td><td>{e(str(r.event_type))}</td>"
        f"<td>{e(str(r.actors or ''))}</td><td>{e(str(r.status))}</td><td>{e(str(r.outlet or ''))}</td>"
        f"<td class='ev'>{e(str(r.evidence or ''))}</td></tr>" for r in dip.itertuples(index=False))

    css = """
    body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1100px;color:#14171a}
    h1{margin-bottom:0} .sub{color:#555;margin-top:4px}
    .cards{display:flex;gap:12px;margin:16px 0}
    .card{flex:1;border:1px solid #ddd;border-radius:8px;padding:12px}
    .lbl{color:#555;font-size:14px} .num{font-size:30px;font-weight:600}
    table{border-collapse:collapse;width:100%;font-size:14px;margin:8px 0 24px}
    td,th{border-bottom:1px solid #e4e4e4;padding:4px 6px;text-align:left;vertical-align:top}
    td.ev{color:#333;max-width:460px}
    h1,.sub,.card,td,th,.legend span{overflow-wrap:anywhere;word-break:break-word}
    .legend span{display:inline-block;margin-right:14px}
    """
    legend = "".join(f'<span><svg width="12" height="12"><circle cx="6" cy="6" r="5" fill="{c}"/></svg> '
                     f'{e(a_)}</span>' for a_, c in ACTOR_COLOURS.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{css}</style></head>
<body>
<h1>{e(title)}</h1>
<p class="sub">Filters: {e(describe(f))} · generated {e(when)} by Frontline. Each event counted once across
outlets; ranges give the lowest and highest figures the sources report.</p>
<div class="cards">{''.join(cards)}</div>
<table><tr><th>Side</th><th>Incidents</th><th>Killed</th><th>Injured</th><th>Children killed</th></tr>
{''.join(side_rows)}</table>
<h2>Map of Aleppo city</h2>
{svg_map(_zones(), pts)}
<p class="legend">{legend}<span>dashed hollow circle: place approximate</span></p>
<h2>Timelines</h2>
{charts or '<p>No dated events in this period.</p>'}
<h2>Incidents</h2>
<table><tr><th>Day</th><th>Side</th><th>Type</th><th>Perpetrator</th><th>Place</th><th>Killed</th>
<th>Sources</th><th>Evidence</th></tr>{''.join(ev_rows) or '<tr><td colspan=8>No incidents in this period.</td></tr>'}</table>
<h2>Diplomatic events</h2>
<table><tr><th>Day</th><th>Type</th><th>Actors</th><th>Status</th><th>Outlet</th><th>Evidence</th></tr>
{dip_rows or '<tr><td colspan=6>No diplomatic events in this period.</td></tr>'}</table>
</body></html>"""


def write(conn, f: Filters, out_path, **kw) -> Path:
    p = Path(out_path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(build(conn, f, **kw), encoding="utf-8")
    return p
