"""Casualties: killed and injured per day or week by side, children apart, low–high ranges,
cumulative totals, and a per-source comparison of the same incidents."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from . import data
from .common import (SIDE_COLOURS, short, bar_key, evidence_panel, open_evidence, plotly_selected_bars,
                     plotly_selected_ids, safe_page)

SIDE_ORDER = ("east", "west", "city", "outside", "unknown")
SOURCE_EVENTS = 30      # events in the per-source comparison (largest disagreement first)
SOURCE_COLOURS = ["#1f5fa8", "#c0392b", "#2ca02c", "#8c564b", "#9467bd", "#e6ab02", "#17becf",
                  "#7f7f7f"]


def casualty_figure(ts: pd.DataFrame, *, measure: str = "killed", cumulative: bool = False,
                    children: bool = True, freq: str = "day") -> go.Figure:
    """Bars per period stacked by side with low–high error bars, or cumulative lines.

    ``customdata`` of every bar is its key (:func:`bar_key`: period and side); the events
    behind a clicked bar are looked up then (``queries.period_event_ids``).
    """
    rows = 2 if children and measure == "killed" and not cumulative else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.07,
                        row_heights=[0.72, 0.28] if rows == 2 else [1.0],
                        subplot_titles=None)
    unit = "week of" if freq == "week" else ""
    for side in SIDE_ORDER:
        d = ts[ts["side"] == side]
        if d.empty:
            continue
        x = pd.to_datetime(d["period"])
        cd = [bar_key(p, side) for p in d["period"]]
        if cumulative:
            y = d["cum_killed"] if measure == "killed" else d[measure].cumsum()
            fig.add_trace(go.Scatter(x=x, y=y, name=side, mode="lines+markers", line_shape="hv",
                                     line=dict(color=SIDE_COLOURS[side], width=3),
                                     customdata=cd,
                                     hovertemplate=f"{side} · {unit} %{{x|%d %b %Y}}<br>"
                                                   f"cumulative {measure} %{{y:,}}<extra></extra>"),
                          row=1, col=1)
            continue
        best, lo, hi = d[measure], d[f"{measure}_low"], d[f"{measure}_high"]
        fig.add_trace(go.Bar(
            x=x, y=best, name=side, marker_color=SIDE_COLOURS[side], customdata=cd,
            error_y=dict(type="data", symmetric=False, array=(hi - best).clip(lower=0),
                         arrayminus=(best - lo).clip(lower=0), color="#333", thickness=1.2),
            hovertext=[f"{side} · {n} incident(s) · {measure} {b:,} (range {a:,}–{c:,})"
                       for n, b, a, c in zip(d["incidents"], best, lo, hi)],
            hovertemplate="%{x|%d %b %Y}<br>%{hovertext}<extra></extra>"), row=1, col=1)
    if rows == 2:
        kids = ts.groupby("period", as_index=False).agg(children_killed=("children_killed", "sum"))
        kids = kids[kids["children_killed"] > 0]
        fig.add_trace(go.Bar(x=pd.to_datetime(kids["period"]), y=kids["children_killed"],
                             name="children killed", marker_color="#d6338a",
                             customdata=[bar_key(p, "all") for p in kids["period"]],
                             hovertemplate="%{x|%d %b %Y}<br>children killed %{y}<extra></extra>"),
                      row=2, col=1)
        fig.update_yaxes(title_text="children", row=2, col=1)
    fig.update_layout(barmode="stack" if not cumulative else None, height=520,
                      legend=dict(orientation="h", y=1.08, x=0), margin=dict(l=10, r=10, t=40, b=10),
                      font=dict(size=15), hovermode="closest", clickmode="event+select")
    fig.update_yaxes(title_text=("cumulative " if cumulative else "") + measure, row=1, col=1,
                     rangemode="tozero")
    return fig


def source_figure(cmp: pd.DataFrame) -> go.Figure:
    """Grouped bars: each incident reported by several sources, one bar per source."""
    d = cmp.copy()
    d["incident"] = [html.escape(f"{pd.Timestamp(day):%d %b} · {short(loc or side, 40) or '?'}" if pd.notna(day)
                                 else f"{short(loc or side, 40) or '?'}")
                     for day, loc, side in zip(d["day"], d["location"], d["side"])]
    # keep distinct labels for different events on the same day and place
    d["incident"] = d["incident"] + d.groupby("incident")["fid"].transform(
        lambda s: pd.Series(pd.factorize(s)[0], index=s.index)).map(lambda i: "" if i == 0 else f" ({i + 1})")
    fig = go.Figure()
    for i, (src, g) in enumerate(d.groupby("source", sort=True)):
        src = html.escape(short(src, 60))
        fig.add_trace(go.Bar(x=g["incident"], y=g["killed"].fillna(0), name=src,
                             marker_color=SOURCE_COLOURS[i % len(SOURCE_COLOURS)],
                             customdata=[[e] for e in g["event_id"]],
                             hovertemplate=f"{src}<br>%{{x}}<br>killed %{{y}}<extra></extra>"))
    fig.update_layout(barmode="group", height=420, font=dict(size=15),
                      legend=dict(orientation="h", y=1.12, x=0), margin=dict(l=10, r=10, t=40, b=10),
                      yaxis_title="killed, as each source gives it", clickmode="event+select")
    return fig


def undated_total(headline: pd.DataFrame, dated_total: int, measure: str) -> int:
    """How many of the headline's killed/injured fall in events with no known day."""
    row = headline[headline["side"] == "all"]
    return max(0, int(row[measure].iloc[0]) - dated_total) if not row.empty else 0


@safe_page
def page(filters) -> None:
    st.title("Casualties")
    c = st.columns([1.2, 1.2, 1.2, 1.2, 3], vertical_alignment="bottom")
    freq = c[0].segmented_control("Per", ["day", "week"], default="day", key="casualties_freq") or "day"
    measure = c[1].segmented_control("Show", ["killed", "injured"], default="killed",
                                     key="casualties_measure") or "killed"
    cumulative = c[2].toggle("Cumulative", key="casualties_cum")
    children = c[3].toggle("Children apart", value=True, key="casualties_children")
    ts = data.q("casualties", filters, freq=freq)
    if ts.empty:
        st.info("No incidents in this period.")
        return
    total = int(ts[measure].sum())
    lo, hi = int(ts[f"{measure}_low"].sum()), int(ts[f"{measure}_high"].sum())
    by_side = ts.groupby("side")[measure].sum()
    st.markdown(f"**{total:,} {measure}**" + (f" (range {lo:,}–{hi:,})" if lo != hi else "")
                + " · " + " · ".join(f"{s} {int(by_side.get(s, 0)):,}" for s in SIDE_ORDER
                                     if s in by_side.index))
    undated = undated_total(data.q("headline", filters), total, measure)
    if undated > 0:
        st.caption(f"{undated:,} {measure} in events without a known day are not on the time axis "
                   "(they count in the Overview's totals).")
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
                              format_func={"source": "attributed source", "outlet": "outlet"}.get) or "source"
    cmp = data.q("source_comparison", filters, by=by, limit=SOURCE_EVENTS)
    if cmp.empty:
        st.info("No incident in this period is reported by two or more sources.")
    else:
        n_events = int(cmp["n_events"].iloc[0])
        if n_events > cmp["fid"].nunique():
            st.caption(f"The {cmp['fid'].nunique()} of {n_events:,} events reported by several sources "
                       "where their killed figures differ most.")
        ev2 = st.plotly_chart(source_figure(cmp), on_select="rerun", selection_mode=("points",),
                              key="casualties_sources", config={"displaylogo": False})
        ids2 = plotly_selected_ids(ev2)
        if ids2:
            open_evidence(ids2)
            evidence_panel(data.q("events_by_ids", None, event_ids=tuple(ids2)), key="casualties_src")
    tot = data.q("source_totals", filters, by=by)
    st.dataframe(tot.rename(columns={"source": by.capitalize(), "incidents": "Incidents reported",
                                     "killed": "Killed (its figures)", "injured": "Injured"}),
                 hide_index=True, width="stretch", key="casualties_totals")
