"""One-file HTML briefing that opens offline and prints on a few pages: headline figures by side,
a map of the city as held at the end of the period (inline SVG), the casualty and diplomacy
timelines (inline SVG, every lane labelled), the 25 deadliest events with their sources, and
the list of the articles behind them.

No JavaScript and nothing fetched: the file stays well under 1 MB. All article text (titles,
places, sentences) is escaped with :func:`html.escape`.
"""
from __future__ import annotations

import datetime as dt
import html
import math
from pathlib import Path
from typing import Optional

import pandas as pd

from .. import geo, queries
from .. import labels as L
from ..queries import Filters

SIDE_COLOURS = {"east": "#c0392b", "west": "#1f5fa8", "city": "#7d3c98", "outside": "#6e7781",
                "unknown": "#b0b7bf"}
ACTORS = ("government", "russia", "rebels", "isis", "coalition", "kurdish", "turkey", "unknown")
ACTOR_COLOURS = {a: L.colour(a) for a in ACTORS}      # the dashboard's palette
CONTROL_TINTS = {"east": "#e8d9bd", "west": "#d2dbe6", "kurdish": "#dfe5c4", "front": "#ececec"}
CONTROL_LABELS = {"east": "rebel-held", "west": "government-held", "kurdish": "Kurdish-held",
                  "front": "split by the front line"}
DIP_SHAPES = ("meeting", "call", "un_action", "visit", "agreement", "proposal", "accusation")
DIP_COLOURS = {"meeting": "#1f5fa8", "call": "#2ca02c", "un_action": "#6a3d9a", "visit": "#e6550d",
               "agreement": "#0b7a75", "proposal": "#b8860b", "accusation": "#c0392b", "other": "#555555"}
TOP_EVENTS = 25
e = html.escape


# ----------------------------------------------------------------- static map

def svg_map(points: pd.DataFrame, *, day: Optional[dt.date] = None, width: int = 760, height: int = 600,
            bbox: Optional[tuple] = None) -> str:
    """Inline SVG of the city: neighbourhood areas as held on ``day`` and the front line between
    them, the Queiq and landmarks, incident circles (area ~ killed); reports known only to a side
    gathered in one dashed ring inside the area that side held (``frontline.geo``)."""
    if bbox is None:
        bbox = (37.065, 36.135, 37.245, 36.268)   # lon_min, lat_min, lon_max, lat_max: Aleppo city
    x0, y0, x1, y1 = bbox
    k = math.cos(math.radians((y0 + y1) / 2))
    s = min(width / ((x1 - x0) * k), height / (y1 - y0))

    def xy(lon, lat):
        return (lon - x0) * k * s, height - (lat - y0) * s

    def path(coords, close=True):
        pts = [xy(float(c[0]), float(c[1])) for c in coords]
        return "M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in pts) + (" Z" if close else "")

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" style="max-width:{width}px;background:#fff;border:1px solid #ddd" '
             f'role="img" aria-label="Map of Aleppo city">']
    control = geo.control_on(day)
    names = {n["place_id"]: n["name"] for n in geo.neighbourhoods()}
    cells = geo.cells()
    for pid, c in cells.items():
        ctl = control.get(pid, "front")
        parts.append(f'<path d="{path(c["ring"])}" fill="{CONTROL_TINTS.get(ctl, "#eee")}" stroke="#fff" '
                     f'stroke-width="0.8"><title>{e(names.get(pid, pid))}: {CONTROL_LABELS.get(ctl, ctl)}</title></path>')
    parts.append(f'<path d="{path(geo.city_outline_lonlat())}" fill="none" stroke="#888" stroke-width="1"/>')
    for a, b in geo.front_segments(day):
        parts.append(f'<path d="{path([a, b], close=False)}" stroke="#141414" stroke-width="3" '
                     f'stroke-linecap="round"/>')
    from ..resources import read_geojson
    for f in read_geojson("landmarks.geojson")["features"]:
        pr, g = f["properties"], f["geometry"]
        if g["type"] == "LineString":
            river = pr["kind"] == "river"
            dash = "" if river else ' stroke-dasharray="6,4"'
            parts.append(f'<path d="{path(g["coordinates"], close=False)}" fill="none" '
                         f'stroke="{"#4682c8" if river else "#785a3c"}" stroke-width="2"'
                         f'{dash}><title>{e(pr["name"])}</title></path>')
    # the largest areas' names, with a white halo
    biggest = sorted(cells.items(), key=lambda kv: -kv[1]["area"])[:40]
    for pid, c in biggest:
        cx, cy = xy(c["cx"], c["cy"])
        parts.append(f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="10" text-anchor="middle" fill="#333" '
                     f'stroke="#fff" stroke-width="3" paint-order="stroke">{e(names.get(pid, pid))}</text>')
    vague: dict = {}
    for r in points.itertuples(index=False):
        lon, lat, how = geo.place_event(r.side, r.geo_precision, r.lon, r.lat, day)
        if how == "none" or lon is None:
            continue
        if how != "point":
            v = vague.setdefault((how, r.side), [lon, lat, 0, 0, r.actor])
            v[2] += float(r.killed or 0)
            v[3] += 1
            continue
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            continue
        cx, cy = xy(lon, lat)
        rad = 3 + 1.6 * math.sqrt(min(300, max(0, float(r.killed or 0))))
        colour = ACTOR_COLOURS.get(r.actor, ACTOR_COLOURS["unknown"])
        tip = f"{str(r.day)[:10]} · {r.location or '?'} · {L.label('actor', r.actor)} · killed {int(r.killed or 0):,}"
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{rad:.1f}" fill="{colour}" fill-opacity="0.8" '
                     f'stroke="#fff" stroke-width="1"><title>{e(tip)}</title></circle>')
    for (how, side), (lon, lat, killed, n, actor) in vague.items():
        cx, cy = xy(lon, lat)
        where = "Aleppo, place not known" if how == "city" else f"{L.label('side', side)}, place not known"
        colour = "#555" if how == "city" else ACTOR_COLOURS.get(actor, "#555")
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{14 + 0.6 * math.sqrt(min(2500, killed)):.1f}" '
                     f'fill="none" stroke="{colour}" stroke-width="2.5" stroke-dasharray="5,3">'
                     f'<title>{e(where)}: {n:,} reports, killed {killed:,.0f}</title></circle>')
    for f in read_geojson("landmarks.geojson")["features"]:
        if f["geometry"]["type"] == "Point":
            cx, cy = xy(*f["geometry"]["coordinates"])
            parts.append(f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="#141414" '
                         f'transform="rotate(45 {cx:.1f} {cy:.1f})"/><text x="{cx:.1f}" y="{cy - 8:.1f}" '
                         f'font-size="12" font-weight="700" text-anchor="middle" stroke="#fff" stroke-width="3" '
                         f'paint-order="stroke">{e(f["properties"]["name"])}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ----------------------------------------------------------------- charts (inline SVG)

def _ticks(lo: dt.date, hi: dt.date, n: int = 8) -> list:
    days = max(1, (hi - lo).days)
    step = max(1, days // n)
    return [lo + dt.timedelta(days=i) for i in range(0, days + 1, step)]


def _yticks(top: float) -> list:
    if top <= 0:
        return [0]
    mag = 10 ** int(math.log10(top))
    step = next(m * mag for m in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10) if top / (m * mag) <= 5)
    return [i * step for i in range(int(top // step) + 1)]


HATCH = ('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
         'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
         '<line x1="0" y1="0" x2="0" y2="6" stroke="#555" stroke-width="2.5"/></pattern></defs>')


def svg_bars(ts: pd.DataFrame, freq: str, *, width: int = 1000, height: int = 300, left: int = 60,
             measure: str = "killed", title: str = "") -> str:
    """Bars per period stacked by side; events without a day (placed at their report date) hatched."""
    if ts.empty:
        return "<p>No events in this period.</p>"
    ts = ts.copy()
    ts["period"] = pd.to_datetime(ts["period"]).dt.date
    lo, hi = min(ts["period"]), max(ts["period"])
    span = {"day": 1, "week": 7, "month": 31}[freq]
    hi_end = hi + dt.timedelta(days=span)
    days = max(1, (hi_end - lo).days)
    pw = width - left - 10
    ph = height - 40
    top = float(ts.groupby("period")[measure].sum().max() or 1)
    yt = _yticks(top)
    ymax = max(top, yt[-1]) * 1.05

    def x(d):
        return left + (d - lo).days / days * pw

    def y(v):
        return 10 + ph - v / ymax * ph

    bw = max(1.0, span / days * pw * 0.85)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
             f'role="img" aria-label="{e(title)}">{HATCH}']
    for v in yt:
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end">{v:,.0f}</text>')
    base: dict = {}
    for side in ("east", "west", "city", "outside", "unknown"):
        for dated in (True, False):
            g = ts[(ts["side"] == side) & (ts["dated"] == dated)]
            for r in g.itertuples(index=False):
                v = float(getattr(r, measure))
                if v <= 0:
                    continue
                b = base.get(r.period, 0.0)
                fill = SIDE_COLOURS[side] if dated else "url(#hatch)"
                parts.append(f'<rect x="{x(r.period):.1f}" y="{y(b + v):.1f}" width="{bw:.1f}" '
                             f'height="{y(b) - y(b + v):.1f}" fill="{fill}" stroke="{SIDE_COLOURS[side]}" '
                             f'stroke-width="{0 if dated else 1}"><title>{r.period} · {L.label("side", side)}'
                             f'{"" if dated else " (no day in the text: reported date)"} · {v:,.0f}</title></rect>')
                base[r.period] = b + v
    fmt = "%b %Y" if freq == "month" else "%d %b %y"
    for d in _ticks(lo, hi_end):
        parts.append(f'<text x="{x(d):.1f}" y="{height - 12}" font-size="11" text-anchor="middle">'
                     f'{d.strftime(fmt)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_lanes(lanes: pd.DataFrame, killed: pd.DataFrame, freq: str, *, width: int = 1000, left: int = 150) -> str:
    """One labelled row per party; a mark per event (shape and colour by type; faded when placed at
    the day it was reported); killed per period beneath."""
    if lanes.empty:
        return "<p>No diplomatic events in this period.</p>"
    from ..queries import _date  # noqa: F401  (dates as given)
    lanes = lanes[lanes["at_day"].notna()].copy()
    if lanes.empty:
        return "<p>No diplomatic events in this period.</p>"
    lanes["at_day"] = pd.to_datetime(lanes["at_day"]).dt.date
    order = _lane_order(lanes["lane"])
    row = 22
    ph = row * len(order)
    kh = 90
    height = ph + kh + 50
    dates = list(lanes["at_day"]) + ([pd.Timestamp(d).date() for d in killed["day"]] if not killed.empty else [])
    lo, hi = min(dates), max(dates) + dt.timedelta(days=1)
    days = max(1, (hi - lo).days)
    pw = width - left - 10

    def x(d):
        return left + (d - lo).days / days * pw

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
             f'role="img" aria-label="Diplomacy by party">']
    for i, lane in enumerate(order):
        yy = 10 + i * row + row / 2
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{yy}" y2="{yy}" stroke="#eee"/>'
                     f'<text x="{left - 8}" y="{yy + 4}" font-size="12" text-anchor="end">{e(str(lane))}</text>')
    ypos = {lane: 10 + i * row + row / 2 for i, lane in enumerate(order)}
    for r in lanes.itertuples(index=False):
        cx, cy = x(r.at_day), ypos[r.lane]
        colour = DIP_COLOURS.get(r.event_type, "#555")
        op = "1" if r.dated else "0.4"
        fill = colour if r.status == "happened" else "#fff"
        tip = f"{r.at_day} · {L.label('dip_type', r.event_type)} · {L.label('status', r.status)} · {r.actors or ''}"
        parts.append(_mark(r.event_type, cx, cy, colour, fill, op, tip))
    if not killed.empty:
        k = killed.copy()
        k["day"] = pd.to_datetime(k["day"]).dt.date
        per = k.groupby("day")["killed"].sum()
        top = float(per.max() or 1)
        y0 = 10 + ph + 20
        span = {"day": 1, "week": 7, "month": 31}[freq]
        bw = max(1.0, span / days * pw * 0.85)
        for d, v in per.items():
            h = v / top * kh
            parts.append(f'<rect x="{x(d):.1f}" y="{y0 + kh - h:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                         f'fill="#8a8f98"><title>{d} · killed {v:,.0f}</title></rect>')
        parts.append(f'<text x="{left - 8}" y="{y0 + kh / 2}" font-size="12" text-anchor="end">killed per {freq}</text>'
                     f'<text x="{left - 8}" y="{y0 + 10}" font-size="10" text-anchor="end" fill="#666">{top:,.0f}</text>')
    fmt = "%b %Y" if freq == "month" else "%d %b %y"
    for d in _ticks(lo, hi):
        parts.append(f'<text x="{x(d):.1f}" y="{height - 8}" font-size="11" text-anchor="middle">{d.strftime(fmt)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _mark(etype: str, cx: float, cy: float, colour: str, fill: str, opacity: str, tip: str) -> str:
    t = f"<title>{e(tip)}</title>"
    common = f'fill="{fill}" stroke="{colour}" stroke-width="2" opacity="{opacity}"'
    if etype == "un_action":
        return f'<rect x="{cx - 6:.1f}" y="{cy - 6:.1f}" width="12" height="12" {common}>{t}</rect>'
    if etype == "call":
        return (f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" {common} '
                f'transform="rotate(45 {cx:.1f} {cy:.1f})">{t}</rect>')
    if etype in ("visit", "agreement", "proposal"):
        pts = {"visit": [(0, -7), (7, 6), (-7, 6)], "agreement": [(0, -8), (2, -2), (8, -2), (3, 2), (5, 8),
                                                                  (0, 4), (-5, 8), (-3, 2), (-8, -2), (-2, -2)],
               "proposal": [(0, -7), (7, -2), (4, 6), (-4, 6), (-7, -2)]}[etype]
        d = " ".join(f"{cx + a:.1f},{cy + b:.1f}" for a, b in pts)
        return f'<polygon points="{d}" {common}>{t}</polygon>'
    if etype == "accusation":
        return (f'<path d="M{cx - 6:.1f},{cy - 6:.1f} L{cx + 6:.1f},{cy + 6:.1f} M{cx + 6:.1f},{cy - 6:.1f} '
                f'L{cx - 6:.1f},{cy + 6:.1f}" stroke="{colour}" stroke-width="3" opacity="{opacity}">{t}</path>')
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" {common}>{t}</circle>'


LANE_ORDER = ("United States", "Russia", "United Nations", "France", "United Kingdom", "Turkey", "Syria",
              "Syrian opposition", "Iran", "Saudi Arabia", "Qatar", "Germany", "European Union")


def _lane_order(lanes) -> list:
    lanes = list(dict.fromkeys(lanes))
    known = [x for x in LANE_ORDER if x in lanes]
    return known + sorted(x for x in lanes if x not in known)


# ----------------------------------------------------------------- document

def _fmt(best: int, low: int, high: int) -> str:
    return f"{best:,}" if low == best == high else f"{best:,} <small>({low:,}–{high:,})</small>"


def describe(f: Filters, a: Optional[dt.date] = None, b: Optional[dt.date] = None) -> str:
    where = "Aleppo city and governorate" if f.area == "aleppo" else "All of Syria and beyond"
    when = f"{a:%d %b %Y} – {b:%d %b %Y}" if a and b else "all dates"
    qp = {k: v for k, v in f.to_query_params().items() if k not in ("area", "from", "to")}
    return f"{where} · {when}" + ("".join(f"; {k}: {v}" for k, v in qp.items()) if qp else "")


def build(conn, f: Filters, *, title: str = "Frontline briefing: Aleppo",
          generated: Optional[dt.datetime] = None) -> str:
    """The briefing as one HTML string: inline SVG, no script, a few printed pages."""
    head = queries.headline(conn, f)
    opts = queries.filter_options(conn)
    a_day, b_day = f.date_from or opts.get("date_min"), f.date_to or opts.get("date_max")
    freq = queries.auto_freq(a_day, b_day)
    ts = queries.casualties(conn, f, freq)
    lanes = queries.diplomacy_lanes(conn, f)
    killed = queries.daily_killed(conn, f, freq)
    pts = queries.map_points(conn, f, scope="city")
    events = queries.fused_events(conn, f)
    inc = queries.incidents(conn, f)
    when = (generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    map_day = geo.control_day(b_day)

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
    for side in ("east", "west", "city", "outside", "unknown", "all"):
        h = queries.headline_for(head, side)
        if not h["incidents"] and side != "all":
            continue
        tag = "th" if side == "all" else "td"
        side_rows.append(f"<tr><{tag}>{e(L.label('side', side))}</{tag}><td>{h['incidents']:,}</td>"
                         f"<td>{_fmt(h['killed'], h['killed_low'], h['killed_high'])}</td>"
                         f"<td>{_fmt(h['injured'], h['injured_low'], h['injured_high'])}</td>"
                         f"<td>{h['children_killed']:,}</td><td>{h['single_source']:,} / {h['corroborated']:,} / "
                         f"{h['contested']:,}</td><td>{h['undated']:,}</td></tr>")

    # the deadliest events, with every source and outlet that reports them
    deadly = events[~events["implausible"].astype(bool)].copy() if not events.empty else events
    if not deadly.empty:
        deadly = deadly.sort_values(["killed_best", "day"], ascending=[False, True], na_position="last").head(TOP_EVENTS)
    by_id = inc.set_index("event_id") if not inc.empty else None
    ev_rows, links = [], {}
    arts = _articles(conn, [i for ids in (deadly["event_ids"] if not deadly.empty else []) for i in ids])
    for n, r in enumerate(deadly.itertuples(index=False), 1):
        ids = [i for i in r.event_ids if by_id is not None and i in by_id.index]
        outlets = sorted({L.label("outlet", by_id.loc[i, "outlet"]) for i in ids if not L.blank(by_id.loc[i, "outlet"])})
        sources = sorted({str(by_id.loc[i, "source"]) for i in ids if not L.blank(by_id.loc[i, "source"])})
        refs = []
        for i in ids:
            aid = by_id.loc[i, "article_id"]
            if aid in arts and aid not in links:
                links[aid] = len(links) + 1
            if aid in links:
                refs.append(links[aid])
        sentence = str(by_id.loc[ids[0], "evidence"]) if ids and not L.blank(by_id.loc[ids[0], "evidence"]) else ""
        killed_s = "" if pd.isna(r.killed_best) else _fmt(
            int(r.killed_best), int(r.killed_low if pd.notna(r.killed_low) else r.killed_best),
            int(r.killed_high if pd.notna(r.killed_high) else r.killed_best))
        day = (pd.Timestamp(r.day).strftime("%d %b %Y") if pd.notna(r.day) else
               f"no day; reported {pd.Timestamp(r.reported):%d %b %Y}" if pd.notna(getattr(r, "reported", None)) else "")
        ev_rows.append(
            f"<tr><td>{n}</td><td>{e(day)}</td><td>{e(L.label('side', r.side))}</td>"
            f"<td>{e(L.label('event_type', r.event_type))}</td><td>{e(L.label('actor', r.actor))}</td>"
            f"<td>{e('' if L.blank(r.location) else str(r.location))}</td><td>{killed_s}</td>"
            f"<td>{e(', '.join(sources) or 'not attributed')}<br><small>{e(', '.join(outlets))}</small></td>"
            f"<td class='ev'>{e(sentence[:260])}{'…' if len(sentence) > 260 else ''}"
            f"{' <small>[' + ', '.join(str(x) for x in sorted(set(refs))) + ']</small>' if refs else ''}</td></tr>")
    link_items = []
    for aid, n in sorted(links.items(), key=lambda kv: kv[1]):
        t = arts[aid]
        url = str(t.get("url") or "")
        safe = url if url.startswith(("http://", "https://")) else ""
        head_t = e(str(t.get("title") or aid))
        pub = t.get("published")
        line = (f"{n}. " + (f'<a href="{e(safe, quote=True)}" rel="noreferrer">{head_t}</a>' if safe else head_t)
                + f" — {e(L.label('outlet', t.get('source')))}"
                + (f", {pd.Timestamp(pub):%d %b %Y}" if pub is not None and pd.notna(pub) else "")
                + f" <small>({e(str(aid))})</small>")
        link_items.append(f"<li>{line}</li>")

    lanes_n = lanes["lane"].nunique() if not lanes.empty else 0
    undated_dip = lanes[~lanes["dated"].astype(bool)]["event_id"].nunique() if not lanes.empty else 0
    css = """
    body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1040px;color:#14171a}
    h1{margin-bottom:0} .sub{color:#555;margin-top:4px} h2{margin-top:28px;break-after:avoid}
    .cards{display:flex;gap:12px;margin:16px 0}
    .card{flex:1;border:1px solid #ddd;border-radius:8px;padding:12px}
    .lbl{color:#555;font-size:14px} .num{font-size:30px;font-weight:600}
    table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0 18px}
    td,th{border-bottom:1px solid #e4e4e4;padding:4px 6px;text-align:left;vertical-align:top}
    td.ev{color:#333;max-width:420px} small{color:#666}
    .legend span{display:inline-block;margin-right:14px;font-size:13px} ol{font-size:13px}
    .note{color:#555;font-size:13px} section{break-inside:avoid}
    h1,.sub,.card,td,th,.legend span,li{overflow-wrap:anywhere;word-break:break-word}
    """
    actor_legend = "".join(f'<span><svg width="12" height="12"><circle cx="6" cy="6" r="5" fill="{c}"/></svg> '
                           f'{e(L.label("actor", a_))}</span>' for a_, c in ACTOR_COLOURS.items())
    zone_legend = "".join(f'<span><svg width="14" height="12"><rect width="14" height="12" fill="{c}" '
                          f'stroke="#999"/></svg> {e(CONTROL_LABELS[k])}</span>' for k, c in CONTROL_TINTS.items())
    side_legend = "".join(f'<span><svg width="12" height="12"><rect width="12" height="12" fill="{c}"/></svg> '
                          f'{e(L.label("side", s_))}</span>' for s_, c in SIDE_COLOURS.items())
    dip_legend = "".join(f'<span><svg width="16" height="16">{_mark(t_, 8, 8, DIP_COLOURS[t_], DIP_COLOURS[t_], "1", t_)}'
                         f'</svg> {e(L.label("dip_type", t_))}</span>' for t_ in DIP_SHAPES)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{css}</style></head>
<body>
<h1>{e(title)}</h1>
<p class="sub">{e(describe(f, a_day, b_day))} · generated {e(when)} by Frontline. Each event counted once
across outlets; ranges give the lowest and highest figures the sources report.</p>
<div class="cards">{''.join(cards)}</div>
<table><tr><th>Side</th><th>Events</th><th>Killed</th><th>Injured</th><th>Children killed</th>
<th>Single source / corroborated / contested</th><th>No day known</th></tr>
{''.join(side_rows)}</table>
<section><h2>Aleppo city, as held on {map_day:%d %B %Y}</h2>
{svg_map(pts, day=map_day)}
<p class="legend">{zone_legend}<span><svg width="18" height="8"><line x1="0" y1="4" x2="18" y2="4" stroke="#141414" stroke-width="3"/></svg> front line</span><br>{actor_legend}
<span>dashed ring: reports whose place is only the side or the city, drawn inside that side's area</span></p></section>
<section><h2>Killed per {freq}, by side</h2>
{svg_bars(ts, freq, title="Killed by side")}
<p class="legend">{side_legend}<span><svg width="12" height="12">{HATCH}<rect width="12" height="12" fill="url(#hatch)" stroke="#555"/></svg>
no day in the text: placed at the day it was reported</span></p></section>
<section><h2>Diplomacy by party ({lanes_n} parties), killed per {freq} beneath</h2>
{svg_lanes(lanes, killed, freq)}
<p class="legend">{dip_legend}<span>hollow: scheduled or cancelled</span>
{f'<span>faded: the {undated_dip:,} events with no day, at the day they were reported</span>' if undated_dip else ''}</p></section>
<h2>The {min(TOP_EVENTS, len(ev_rows))} deadliest events</h2>
<table><tr><th>#</th><th>Day</th><th>Side</th><th>Type</th><th>Perpetrator</th><th>Place</th><th>Killed</th>
<th>Sources <small>(outlets)</small></th><th>Sentence [articles]</th></tr>
{''.join(ev_rows) or '<tr><td colspan=9>No incidents in this period.</td></tr>'}</table>
<h2>Articles</h2>
<ol class="links">{''.join(link_items) or '<li>None.</li>'}</ol>
</body></html>"""


def _articles(conn, event_ids: list) -> dict:
    """``{article_id: {title, source, url, published}}`` of the articles of ``event_ids``."""
    if not event_ids:
        return {}
    ids = sorted({str(i).split(":")[0] for i in event_ids})
    df = queries._df(conn, """SELECT article_id, title, source, url, published FROM articles
                              WHERE list_contains(?::VARCHAR[], article_id)""", [ids])
    return {r["article_id"]: r for r in df.to_dict("records")}


def write(conn, f: Filters, out_path, **kw) -> Path:
    p = Path(out_path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(build(conn, f, **kw), encoding="utf-8")
    return p
