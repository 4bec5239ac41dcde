"""Casualties: killed and injured per day or week by side, children apart, low–high ranges,
cumulative totals, and a per-source comparison of the same incidents."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from frontline import labels as L
from frontline import queries

from . import data
from .common import (SIDE_COLOURS, short, bar_key, evidence_panel, open_evidence, plotly_selected_bars,
                     plotly_selected_ids, safe_page)
from .mapview import MapFigure

SIDE_ORDER = ("east", "west", "city", "outside", "unknown")
SOURCE_EVENTS = 30      # events in the per-source comparison (largest disagreement first)
DAY_MS = 86_400_000
WHISKER_ROOM = 1.5      # whiskers may reach this many times the tallest bar before they are cut


def time_axis(fig: go.Figure, periods, freq: str, **where) -> None:
    """Date ticks that match the bins: never finer than a day ("12:00" ticks), at most ~12."""
    n = max(1, len(set(pd.to_datetime(pd.Series(list(periods))).dropna())))
    step = max(1, -(-n // 12))
    if freq == "month":
        kw = dict(dtick=f"M{step}", tickformat="%b\n%Y")
    elif freq == "week":
        kw = dict(dtick=7 * DAY_MS * step, tickformat="%d %b\n%Y")
    else:
        kw = dict(dtick=DAY_MS * step, tickformat="%d %b\n%Y")
    first = pd.to_datetime(pd.Series(list(periods))).min()
    if pd.notna(first):
        kw["tick0"] = first.strftime("%Y-%m-%d")
    fig.update_xaxes(**kw, **where)


def _hatched(colour: str) -> dict:
    return dict(color="rgba(255,255,255,0.9)", line=dict(color=colour, width=1.2),
                pattern=dict(shape="/", fgcolor=colour, size=6, solidity=0.35))


def casualty_figure(ts: pd.DataFrame, *, measure: str = "killed", cumulative: bool = False,
                    children: bool = True, freq: str = "day") -> go.Figure:
    """Bars per period stacked by side with low–high whiskers, or cumulative lines.

    Events with a known day are solid bars; those placed at the day they were reported (no day
    in their text) are hatched bars of the same side, stacked above, so no event drops out.
    The y axis fits the bars: a whisker taller than :data:`WHISKER_ROOM` times the tallest bar
    is cut at the top (the hover gives its value) rather than flattening every bar.
    ``customdata`` of every bar is its key (:func:`bar_key`: period and side).
    """
    ts = ts.copy()
    if "dated" not in ts:
        ts["dated"] = True
    rows = 2 if children and measure == "killed" and not cumulative else 1
    unit = {"week": "week of ", "month": ""}.get(freq, "")
    xfmt = "%b %Y" if freq == "month" else "%d %b %Y"
    # traces as plain dicts of numpy columns, the figure made in one call: plotly validates arrays
    # at once, and make_subplots / add_trace per trace cost more than the data (issue 12, item 9)
    traces: list = []

    def days(col) -> np.ndarray:
        return pd.to_datetime(col).dt.strftime("%Y-%m-%d").to_numpy(dtype=object)

    for side in SIDE_ORDER:
        d = ts[ts["side"] == side]
        if d.empty:
            continue
        name = L.label("side", side)
        colour = SIDE_COLOURS[side]
        if cumulative:
            per = d.groupby("period", as_index=False)[measure].sum().sort_values("period")
            traces.append(dict(type="scatter", x=days(per["period"]), y=per[measure].cumsum().to_numpy(),
                               name=name, legendgroup=side, mode="lines", line_shape="hv",
                               line=dict(color=colour, width=3),
                               customdata=[bar_key(p, side) for p in per["period"]],
                               hovertemplate=f"{html.escape(name)} · {unit}%{{x|{xfmt}}}<br>"
                                             f"cumulative {measure} %{{y:,}}<extra></extra>"))
            continue
        for dated in (True, False):
            g = d[d["dated"] == dated]
            if g.empty:
                continue
            best, lo, hi = g[measure], g[f"{measure}_low"], g[f"{measure}_high"]
            label = name if dated else f"{name} · reported date only"
            traces.append(dict(
                type="bar", x=days(g["period"]), y=best.to_numpy(), name=label, legendgroup=side,
                marker=dict(color=colour) if dated else _hatched(colour),
                customdata=[bar_key(p, side) for p in g["period"]],
                error_y=dict(type="data", symmetric=False, array=(hi - best).clip(lower=0).to_numpy(),
                             arrayminus=(best - lo).clip(lower=0).to_numpy(), color="#333", thickness=1.2, width=3),
                hovertext=np.asarray(
                    [f"{html.escape(label)} · {n:,} event(s) · {measure} {b:,} (sources {a:,}–{c:,})"
                     for n, b, a, c in zip(g["incidents"], best, lo, hi)], dtype=object),
                hovertemplate=f"{unit}%{{x|{xfmt}}}<br>%{{hovertext}}<extra></extra>"))
    y1 = dict(anchor="x", title=dict(text=("cumulative " if cumulative else "") + measure), rangemode="tozero",
              tickformat=",", domain=[0.3118, 1.0] if rows == 2 else [0.0, 1.0])
    annotations = []
    if not cumulative and not ts.empty:
        stack = ts.groupby("period")[measure].sum()
        top = float(stack.max()) if len(stack) else 0.0
        tallest_whisker = float((ts.groupby("period")[f"{measure}_high"].sum()).max())
        if top > 0 and tallest_whisker > WHISKER_ROOM * top:
            y1["range"] = [0, top * 1.12]
            annotations.append(dict(text=f"whiskers cut at the top (highest {tallest_whisker:,.0f})",
                                    xref="paper", yref="paper", x=1, y=1.0, xanchor="right", yanchor="bottom",
                                    showarrow=False, font=dict(size=12, color="#555")))
    layout = dict(xaxis=dict(anchor="y2" if rows == 2 else "y", domain=[0.0, 1.0]), yaxis=y1,
                  barmode="stack" if not cumulative else None, height=520, bargap=0.15,
                  legend=dict(orientation="h", y=-0.12, x=0, yanchor="top"),
                  margin=dict(l=10, r=10, t=30, b=10), annotations=annotations,
                  font=dict(size=15), hovermode="closest", clickmode="event+select")
    if rows == 2:
        kids = ts.groupby("period", as_index=False).agg(children_killed=("children_killed", "sum"))
        kids = kids[kids["children_killed"] > 0]
        traces.append(dict(type="bar", xaxis="x", yaxis="y2", x=days(kids["period"]),
                           y=kids["children_killed"].to_numpy(), name="children killed", marker_color="#d6338a",
                           customdata=[bar_key(p, "all") for p in kids["period"]],
                           hovertemplate=f"%{{x|{xfmt}}}<br>children killed %{{y:,}}<extra></extra>"))
        layout["yaxis2"] = dict(anchor="x", domain=[0.0, 0.2418], title=dict(text="children"), rangemode="tozero")
    fig = go.Figure(data=traces, layout=layout)
    time_axis(fig, ts["period"], freq)
    return fig


def event_label(day, location, side) -> str:
    when = f"{pd.Timestamp(day):%d %b %Y}" if day is not None and pd.notna(day) else "no day"
    where = "" if L.blank(location) else short(location, 40)
    where = where or L.label("side", side) or "place unknown"
    return f"{when} · {where}"


def distinct_labels(labels, keys) -> list:
    """``labels`` made distinct between different ``keys`` (events) that share one: the second
    event of a label, in row order, gets " (2)", the third " (3)"; rows of one key keep one label.
    (A loop over the rows: a pandas group transform cost ~5 ms per rerun for 30 events.)"""
    seen: dict = {}
    out = []
    for label, key in zip(labels, keys):
        keys_of = seen.setdefault(label, {})
        i = keys_of.setdefault(key, len(keys_of))
        out.append(label if i == 0 else f"{label} ({i + 1})")
    return out


def source_figure(cmp: pd.DataFrame) -> go.Figure:
    """A dot plot: one row per event reported by several sources, each source's killed figure a
    dot on a shared axis, one colour per source (the palette every page uses)."""
    d = cmp.copy()
    d["killed"] = pd.to_numeric(d["killed"], errors="coerce").astype(float)
    d["incident"] = [html.escape(x) for x in distinct_labels(
        [event_label(day, loc, side) for day, loc, side in zip(d["day"], d["location"], d["side"])], d["fid"])]
    order = list(dict.fromkeys(d.sort_values(["day", "fid"], na_position="first")["incident"]))
    colours = L.distinct_colours(sorted(d["source"].astype(str)))
    # a few large tolls would squeeze every other dot against zero: a log axis then (zero at its floor)
    vals = d["killed"].dropna()
    log = bool(len(vals)) and vals.max() >= 100 and vals.max() > 20 * max(1.0, vals[vals > 0].median() or 1.0)
    floor = 0.8
    span = d.groupby("incident")["killed"].agg(["min", "max"]).reindex(order)
    if log:
        d["x"] = d["killed"].fillna(0).clip(lower=floor)
        span = span.clip(lower=floor)
    else:
        d["x"] = d["killed"]
    # a thin line from each event's lowest to its highest figure; then one trace of dots per source
    # (plain dicts, one go.Figure call: see casualty_figure)
    traces = [dict(type="scatter",
                   x=np.asarray([v for lo, hi in zip(span["min"], span["max"]) for v in (lo, hi, None)], dtype=float),
                   y=np.asarray([v for inc in span.index for v in (inc, inc, None)], dtype=object), mode="lines",
                   line=dict(color="#c4c9cf", width=3), hoverinfo="skip", showlegend=False)]
    for src, g in d.groupby("source", sort=True):
        name = html.escape(short(src, 60))
        traces.append(dict(
            type="scatter", x=g["x"].to_numpy(dtype=float), y=g["incident"].to_numpy(dtype=object), mode="markers",
            name=name, text=np.asarray([L.number(v) or "no figure" for v in g["killed"]], dtype=object),
            marker=dict(size=13, color=colours[str(src)], line=dict(width=1, color="white")),
            customdata=g["event_id"].to_numpy(dtype=object).reshape(-1, 1),
            hovertemplate=f"{name}<br>%{{y}}<br>killed %{{text}}<extra></extra>"))
    xaxis = (dict(type="log", title=dict(text="killed, as each source gives it (log scale; 0 at the left edge)"),
                  tickformat=",") if log else
             dict(title=dict(text="killed, as each source gives it"), rangemode="tozero", tickformat=","))
    # the traces stay plain dicts (mapview.MapFigure: the same JSON, without plotly validating and
    # copying every dot; ~8 ms of a rerun at 30 events)
    return MapFigure(traces, layout=dict(
        xaxis=xaxis, yaxis=dict(categoryorder="array", categoryarray=list(reversed(order)), automargin=True),
        height=max(300, 90 + 28 * len(order)), font=dict(size=14),
        legend=dict(orientation="v", x=1.02, y=1, xanchor="left", title=dict(text="source")),
        margin=dict(l=10, r=10, t=10, b=10), clickmode="event+select", hovermode="closest"))


def totals_table(tot: pd.DataFrame, by: str) -> pd.DataFrame:
    name = "Outlet" if by == "outlet" else "Source"
    return pd.DataFrame({
        name: [L.label("outlet", v) if by == "outlet" else ("Not attributed" if v == "unattributed" else v)
               for v in tot["source"]],
        "Events it reports": [L.number(v) for v in tot["incidents"]],
        "Killed, by its figures": [L.number(v) for v in tot["killed"]],
        "Injured, by its figures": [L.number(v) for v in tot["injured"]]})


def undated_total(headline: pd.DataFrame, dated_total: int, measure: str) -> int:
    """How many of the headline's killed/injured are not in the timeline's bars."""
    row = headline[headline["side"] == "all"]
    return max(0, int(row[measure].iloc[0]) - dated_total) if not row.empty else 0


FREQ_LABELS = {"auto": "Auto", "day": "Day", "week": "Week", "month": "Month"}


def chosen_freq(choice: str, filters, options: dict) -> str:
    if choice in ("day", "week", "month"):
        return choice
    return queries.auto_freq(filters.date_from or options.get("date_min"),
                             filters.date_to or options.get("date_max"))


@safe_page
def page(filters) -> None:
    st.title("Casualties")
    c = st.columns([2.8, 1.8, 1.4, 1.7, 0.3], vertical_alignment="bottom")
    choice = c[0].segmented_control("Per", list(FREQ_LABELS), default="auto", key="casualties_freq",
                                    format_func=FREQ_LABELS.get,
                                    help="Auto: days up to two months, weeks up to 18 months, months beyond") or "auto"
    measure = c[1].segmented_control("Show", ["killed", "injured"], default="killed",
                                     key="casualties_measure", format_func=str.capitalize) or "killed"
    cumulative = c[2].toggle("Cumulative", key="casualties_cum")
    children = c[3].toggle("Children apart", value=True, key="casualties_children")
    freq = chosen_freq(choice, filters, data.q("filter_options"))
    ts = data.q("casualties", filters, freq=freq)
    if ts.empty:
        st.info("No incidents in this period.")
        return
    total = int(ts[measure].sum())
    lo, hi = int(ts[f"{measure}_low"].sum()), int(ts[f"{measure}_high"].sum())
    by_side = ts.groupby("side")[measure].sum()
    undated = ts[~ts["dated"].astype(bool)]
    st.markdown(f"**{total:,} {measure}**" + (f" (sources give {lo:,}–{hi:,})" if lo != hi else "")
                + " · " + " · ".join(f"{L.label('side', s)} {int(by_side.get(s, 0)):,}" for s in SIDE_ORDER
                                     if s in by_side.index)
                + f" · per {freq}")
    if not undated.empty:
        st.caption(f"Hatched: {int(undated['incidents'].sum()):,} events ({int(undated[measure].sum()):,} "
                   f"{measure}) whose text gives no day, placed at the day they were reported "
                   "(they happened on or before it).")
    fig = casualty_figure(ts, measure=measure, cumulative=cumulative, children=children, freq=freq)
    ev = st.plotly_chart(fig, on_select="rerun", selection_mode=("points",), key="casualties_chart",
                         config={"displaylogo": False})
    st.caption("Bars: best estimate, each event counted once; whiskers: lowest and highest figure "
               "the sources give. Click a bar to read its sentences.")
    bars = plotly_selected_bars(ev)
    ids = data.q("period_event_ids", filters, periods=tuple(bars), freq=freq) if bars else []
    if ids:
        open_evidence(ids)
        evidence_panel(data.q("events_by_ids", None, event_ids=tuple(ids)), key="casualties_sel")

    st.subheader("Same incidents, different sources")
    by = st.segmented_control("Compare by", ["source", "outlet"], default="source", key="casualties_by",
                              format_func={"source": "Attributed source", "outlet": "Outlet"}.get) or "source"
    cmp = data.q("source_comparison", filters, by=by, limit=SOURCE_EVENTS)
    if cmp.empty:
        st.info("No incident in this period is reported by two or more sources.")
    else:
        n_events = int(cmp["n_events"].iloc[0])
        shown = cmp["fid"].nunique()
        st.caption(f"One row per event reported by two or more {by}s; each dot is one {by}'s killed figure"
                   + (f". The {shown} of {n_events:,} such events where the figures differ most."
                      if n_events > shown else "."))
        if by == "outlet":
            cmp = cmp.assign(source=[L.label("outlet", v) for v in cmp["source"]])
        cmp = cmp.assign(source=["Not attributed" if v == "unattributed" else v for v in cmp["source"]])
        ev2 = st.plotly_chart(source_figure(cmp), on_select="rerun", selection_mode=("points",),
                              key="casualties_sources", config={"displaylogo": False})
        ids2 = plotly_selected_ids(ev2)
        if ids2:
            open_evidence(ids2)
            evidence_panel(data.q("events_by_ids", None, event_ids=tuple(ids2)), key="casualties_src")
    tot = data.q("source_totals", filters, by=by)
    st.dataframe(totals_table(tot, by), hide_index=True, placeholder="", width="stretch", key="casualties_totals",
                 column_config={("Outlet" if by == "outlet" else "Source"): st.column_config.TextColumn(width="large")})
    st.caption(f"Each row sums the figure one {by} gives for each event it reports (once per event, its "
               f"highest when it repeats itself). An event three {by}s report counts in all three rows, "
               "so the rows add up to more than the total killed above, which counts each event once "
               "at the median of its reports."
               + (" *Not attributed*: figures whose report names no source (most single-outlet reports)."
                  if by == "source" else ""))
