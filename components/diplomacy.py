"""Diplomacy: one lane per actor, marker by event type, scheduled hollow / happened filled,
and the daily killed beneath on the same time axis."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontline import labels as L

from . import data
from .casualties import _hatched, chosen_freq, time_axis
from .common import (DIPLO_SYMBOLS, short, bar_key, evidence_panel, open_evidence, pager, plotly_selected_bars,
                     plotly_selected_ids, plotly_selected_keys, safe_page)

LANE_ORDER = ("United States", "Russia", "United Nations", "France", "United Kingdom", "Turkey",
              "Syria", "Syrian opposition", "Iran", "Saudi Arabia", "Qatar", "Germany",
              "European Union", "Spain", "China")
TABLE_ROWS = 200        # rows per page of the events table (the chart shows them all)
MAX_MARKERS = 800       # beyond this many events the lanes show one marker per week
LANE_WEEK = "lane-week"  # first customdata item of a weekly marker: [LANE_WEEK, week, lane]
TYPE_COLOURS = {"meeting": "#1f5fa8", "call": "#2ca02c", "un_action": "#6a3d9a", "visit": "#e6550d",
                "agreement": "#0b7a75", "proposal": "#b8860b", "accusation": "#c0392b",
                "other": "#555555"}


def lane_order(lanes) -> list:
    """Known parties in a fixed order first, then the rest alphabetically."""
    lanes = list(dict.fromkeys(lanes))
    known = [x for x in LANE_ORDER if x in lanes]
    return known + sorted(x for x in lanes if x not in known)


def _lane(name) -> str:
    """A lane name as plotly shows it: escaped (tick labels render plotly's HTML subset)."""
    return html.escape(short(name, 40))


def _hover(actors, location) -> str:
    """An event's parties and place; its type, status and date come from the trace (hovertemplate)."""
    return html.escape(short(actors, 90)) + ("" if L.blank(location) else "<br>" + html.escape(short(location, 50)))


def timeline_figure(lanes: pd.DataFrame, killed: pd.DataFrame, freq: str = "day") -> go.Figure:
    """Top: events on actor lanes (at their day, or faded at the day they were reported when their
    text gives none); bottom: killed per period (shared x axis).

    Built for speed at hundreds of events: every column is a numpy array (plotly validates and
    copies those at once, where lists are walked value by value), each event's hover text is
    written once however many lanes it is on, and the figure is made in one call (:func:`_finish`)."""
    import numpy as np
    order = lane_order(lanes["lane"]) if not lanes.empty else []
    if not lanes.empty and "at_day" not in lanes:
        lanes = lanes.assign(at_day=lanes["day"], dated=lanes["day"].notna())
    placed = lanes[lanes["at_day"].notna()] if not lanes.empty else lanes
    traces = []
    if not placed.empty:
        placed = placed.assign(dated=placed["dated"].astype(bool), status=placed["status"].fillna("happened"))
        firsts = placed.drop_duplicates("event_id")
        hover = {e: _hover(a, loc) for e, a, loc in zip(firsts["event_id"], firsts["actors"], firsts["location"])}
        lane_names = {v: _lane(v) for v in placed["lane"].unique()}
        x_all = pd.to_datetime(placed["at_day"]).dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
        y_all = placed["lane"].map(lane_names).to_numpy(dtype=object)
        ids_all = placed["event_id"].to_numpy(dtype=object)
        hover_all = placed["event_id"].map(hover).to_numpy(dtype=object)
        groups: dict = {}
        for i, k in enumerate(zip(placed["event_type"], placed["dated"], placed["status"])):
            groups.setdefault(k, []).append(i)
        for (etype, dated, status), idx in sorted(groups.items(), key=lambda kv: (kv[0][0], not kv[0][1], kv[0][2])):
            idx = np.asarray(idx)
            hollow = status != "happened"
            symbol = DIPLO_SYMBOLS.get(etype, "hexagon") + ("-open" if hollow else "")
            colour = TYPE_COLOURS.get(etype, "#555")
            name = L.label("dip_type", etype) + (f" ({L.label('status', status).lower()})" if hollow else "") \
                + ("" if dated else " · reported date only")
            traces.append(dict(
                type="scatter", x=x_all[idx], y=y_all[idx], mode="markers", name=name, legendgroup=etype,
                marker=dict(symbol=symbol, size=15 if dated else 12, color=colour, opacity=1.0 if dated else 0.45,
                            line=dict(width=2, color=colour)),
                customdata=ids_all[idx].reshape(-1, 1), hovertext=hover_all[idx],
                hovertemplate="%{x|%d %b %Y} · %{fullData.name}<br>%{hovertext}" + (
                    "" if dated else "<br>no day in the text: placed at the day it was reported")
                + "<extra></extra>"))
    return _finish(traces, killed, order, freq)


def _finish(traces: list, killed: pd.DataFrame, order: list, freq: str = "day") -> go.Figure:
    """The figure in one call: the lanes' ``traces`` on top (every lane labelled, in ``order``
    from the top), the killed per period beneath on the same x axis."""
    names = [_lane(v) for v in order]
    layout = dict(
        xaxis=dict(anchor="y2", domain=[0.0, 1.0]),
        yaxis=dict(domain=[0.335, 1.0], anchor="x", categoryorder="array", categoryarray=names[::-1],
                   tickmode="array", tickvals=names, automargin=True),
        yaxis2=dict(domain=[0.0, 0.285], anchor="x", title=dict(text="killed"), rangemode="tozero",
                    tickformat=","),
        height=max(460, 120 + 30 * len(order) + 200), font=dict(size=15),
        legend=dict(orientation="h", y=-0.08, x=0, yanchor="top"),
        margin=dict(l=10, r=10, t=20, b=10), bargap=0.15, barmode="stack",
        clickmode="event+select", hovermode="closest")
    fig = go.Figure(data=[dict(t, xaxis="x", yaxis="y") for t in traces] + _killed_bars(killed, freq),
                    layout=layout)
    periods = list(killed["day"]) if not killed.empty else []
    if periods:
        time_axis(fig, periods, freq)
    return fig


def _killed_bars(killed: pd.DataFrame, freq: str = "day") -> list:
    if killed.empty:
        return []
    if "dated" not in killed:
        killed = killed.assign(dated=True)
    bars = []
    for dated in (True, False):
        k = killed[killed["dated"] == dated]
        if k.empty:
            continue
        bars.append(dict(
            type="bar", xaxis="x", yaxis="y2",
            x=pd.to_datetime(k["day"]).dt.strftime("%Y-%m-%d").to_numpy(dtype=object), y=k["killed"].to_numpy(),
            name=f"killed per {freq}" + ("" if dated else " · reported date only"),
            marker=dict(color="#8a8f98") if dated else _hatched("#6e7781"),
            customdata=[bar_key(d, "all") for d in k["day"]],
            hovertemplate=("%{x|%b %Y}" if freq == "month" else "%{x|%d %b %Y}")
                          + "<br>killed %{y:,}<extra></extra>"))
    return bars


def weekly_figure(cells: pd.DataFrame, killed: pd.DataFrame, freq: str = "week") -> go.Figure:
    """Top: one marker per (lane, week), area by the number of events, colour by the most
    frequent type; bottom: daily killed (shared x axis)."""
    order = lane_order(cells["lane"]) if not cells.empty else []
    biggest = max(1, int(cells["events"].max())) if not cells.empty else 1
    traces = []
    for etype, g in (cells.groupby("top_type", sort=True) if not cells.empty else []):
        traces.append(dict(
            type="scatter",
            x=(pd.to_datetime(g["week"]) + pd.Timedelta(days=3)).dt.strftime("%Y-%m-%d").to_numpy(dtype=object),
            y=g["lane"].map(_lane).to_numpy(dtype=object),
            mode="markers", name=f"mostly {L.label('dip_type', etype).lower()}", legendgroup=etype,
            marker=dict(symbol=DIPLO_SYMBOLS.get(etype, "hexagon"), color=TYPE_COLOURS.get(etype, "#555"),
                        size=(8 + 22 * (g["events"].to_numpy(dtype=float) / biggest) ** 0.5), opacity=0.85),
            customdata=[[LANE_WEEK, str(w)[:10], lane] for w, lane in zip(g["week"], g["lane"])],
            hovertext=[f"{html.escape(short(lane, 60))} · {n} event(s)<br>{html.escape(short(t.replace('_', ' '), 120))}"
                       + (f"<br>{k} scheduled or cancelled" if k else "")
                       + (f"<br>{u} with no day, placed at the day reported" if u else "")
                       for lane, n, t, k, u in zip(g["lane"], g["events"], g["types"], g["scheduled"],
                                                   g["undated"] if "undated" in g else [0] * len(g))],
            hovertemplate="week of %{x|%d %b %Y}<br>%{hovertext}<extra></extra>"))
    return _finish(traces, killed, order, freq)


@safe_page
def page(filters) -> None:
    st.title("Diplomacy")
    n_events = data.q("shown_hidden", filters)["diplomacy_shown"]
    freq = chosen_freq("auto", filters, data.q("filter_options"))
    if n_events > MAX_MARKERS:
        weekly_page(filters, n_events, freq)
        return
    lanes = data.q("diplomacy_lanes", filters)
    killed = data.q("daily_killed", filters, freq=freq)
    if lanes.empty and killed.empty:
        st.info("No diplomatic events or incidents in this period.")
        return
    if lanes.empty:
        st.info("No diplomatic events in this period; the killed are shown alone.")
    undated = lanes[~lanes["dated"].astype(bool)]["event_id"].nunique() if not lanes.empty else 0
    n_dip = lanes["event_id"].nunique() if not lanes.empty else 0
    ev = st.plotly_chart(timeline_figure(lanes, killed, freq), on_select="rerun", selection_mode=("points",),
                         key="diplomacy_chart", config={"displaylogo": False})
    st.caption(f"{n_dip:,} diplomatic events. Filled markers: happened; hollow: scheduled or cancelled"
               + (f"; faded: the {undated:,} whose text gives no day, placed at the day they were reported"
                  if undated else "")
               + f". Bars beneath: killed per {freq} (each event once; hatched: events placed at the day "
                 "they were reported).")
    bars = plotly_selected_bars(ev)
    ids = plotly_selected_ids(ev) + (data.q("period_event_ids", filters, periods=tuple(bars), freq=freq)
                                     if bars else [])
    if ids:
        open_evidence(ids)
        evidence_panel(data.q("events_by_ids", None, event_ids=tuple(ids)), key="diplomacy_sel")
    events_table(filters)


def weekly_page(filters, n_events: int, freq: str = "week") -> None:
    """The timeline as weekly markers per lane (too many events to draw one by one)."""
    cells = data.q("diplomacy_lane_weeks", filters)
    killed = data.q("daily_killed", filters, freq=freq)
    ev = st.plotly_chart(weekly_figure(cells, killed, freq), on_select="rerun", selection_mode=("points",),
                         key="diplomacy_weeks", config={"displaylogo": False})
    st.caption(f"{n_events:,} diplomatic events: one marker per party and week, its area the number "
               "of events, its shape and colour their most frequent type (events without a day at the "
               "week they were reported). Narrow the dates or parties "
               f"to below {MAX_MARKERS:,} events to see them one by one. Click a marker to read them.")
    cells_chosen = plotly_selected_keys(ev, LANE_WEEK)
    ids = data.q("lane_week_event_ids", filters, cells=tuple(cells_chosen)) if cells_chosen else []
    bars = plotly_selected_bars(ev)
    ids += data.q("period_event_ids", filters, periods=tuple(bars), freq=freq) if bars else []
    if ids:
        open_evidence(ids)
        evidence_panel(data.q("events_by_ids", None, event_ids=tuple(ids)), key="diplomacy_sel")
    events_table(filters)


def events_table(filters) -> None:
    st.subheader("Events")
    n_total = data.q("shown_hidden", filters)["diplomacy_shown"]
    page_no = pager(n_total, "diplomacy_table_page", TABLE_ROWS)
    table = data.q("diplomacy_events", filters, limit=TABLE_ROWS, offset=page_no * TABLE_ROWS)
    if not table.empty:
        show = pd.DataFrame({
            "Day": [d.strftime("%d %b %Y") if pd.notna(d) else "" for d in pd.to_datetime(table["day"])],
            "Reported": [d.strftime("%d %b %Y") if pd.notna(d) else "" for d in pd.to_datetime(table["reported"])],
            "Type": [L.label("dip_type", v) for v in table["event_type"]],
            "Parties": ["" if L.blank(v) else v for v in table["actors"]],
            "Where": ["" if L.blank(v) else v for v in table["location"]],
            "Status": [L.label("status", v) for v in table["status"]],
            "Outlet": [L.label("outlet", v) for v in table["outlet"]],
            "Sentence": ["" if L.blank(v) else v for v in table["evidence"]],
            "event_id": table["event_id"]})
        sel = st.dataframe(show, hide_index=True, placeholder="", width="stretch", key="diplomacy_table",
                           on_select="rerun", selection_mode="single-row",
                           column_config={"event_id": None,
                                          "Day": st.column_config.TextColumn(width="small"),
                                          "Reported": st.column_config.TextColumn(width="small"),
                                          "Parties": st.column_config.TextColumn(width="medium"),
                                          "Sentence": st.column_config.TextColumn(width="large")})
        rows = (sel.get("selection", {}) or {}).get("rows", []) if sel else []
        if rows:
            open_evidence([show.iloc[rows[0]]["event_id"]], switch=True)
