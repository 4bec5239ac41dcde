"""Overview: headline figures east against west, with low–high ranges, and the latest events."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from frontline import labels as L
from frontline.queries import headline_for

from . import data
from .common import SIDE_COLOURS, dataframe_selected_ids, open_evidence, safe_page

SIDE_LABELS = L.SIDES
ROW_SIDES = ("east", "west", "city", "outside", "unknown")   # with "all", the rows add up


def fmt_range(best: int, low: int, high: int) -> str:
    """'35' or '35 (35–46)' when sources disagree."""
    if low == best == high:
        return f"{best:,}"
    return f"{best:,} ({low:,}–{high:,})"


def headline_table(head: pd.DataFrame) -> pd.DataFrame:
    """Headline rows as display strings: one row per side, including events whose side is not
    known, so the rows add up to All; ranges where sources disagree; the grade of the events."""
    rows = []
    for side in ROW_SIDES + ("all",):
        h = headline_for(head, side)
        if side != "all" and not (h["incidents"] or h["implausible"]):
            continue
        rows.append({"Side": SIDE_LABELS[side], "Events": h["incidents"],
                     "Killed": fmt_range(h["killed"], h["killed_low"], h["killed_high"]),
                     "Injured": fmt_range(h["injured"], h["injured_low"], h["injured_high"]),
                     "Children killed": h["children_killed"],
                     "Single source": h["single_source"], "Corroborated": h["corroborated"],
                     "Contested": h["contested"], "No day known": h["undated"],
                     "Implausible": L.number(h["implausible"]) if h["implausible"] else ""})
    return pd.DataFrame(rows)


_N = dict(format="localized")
HEADLINE_CONFIG = {
    "Side": st.column_config.TextColumn(),
    "Events": st.column_config.NumberColumn(**_N),
    "Killed": st.column_config.TextColumn(help="Best estimate (lowest–highest the sources give)"),
    "Injured": st.column_config.TextColumn(help="Best estimate (lowest–highest the sources give)"),
    "Children killed": st.column_config.NumberColumn("Children", **_N),
    "Single source": st.column_config.NumberColumn("Single", help="Events one outlet reports", **_N),
    "Corroborated": st.column_config.NumberColumn(
        "Corrob.", help="Corroborated: events two or more outlets report, telling separate stories", **_N),
    "Contested": st.column_config.NumberColumn(
        help="Events whose sources blame different perpetrators", **_N),
    "No day known": st.column_config.NumberColumn(
        "No day", help="Events whose text gives no day: counted, and placed on the timelines at the day "
                       "they were reported", **_N),
    "Implausible": st.column_config.TextColumn(
        help="Reports with a toll too large for one attack: listed, not summed", width="small"),
}


def draw_metrics(head: pd.DataFrame) -> None:
    """Big numbers: all, then east against west."""
    a = headline_for(head, "all")
    c = st.columns(4)
    c[0].metric("Incidents", f"{a['incidents']:,}", border=True,
                help="Events, each counted once across the outlets that report it"
                     + (f"; {a['undated']:,} of them have no day in their text" if a["undated"] else ""))
    c[1].metric("Killed", f"{a['killed']:,}", border=True,
                help="Best estimate; each event counted once across outlets",
                delta=None if a["killed_low"] == a["killed_high"] else
                f"range {a['killed_low']:,}–{a['killed_high']:,}", delta_color="off", delta_arrow="off")
    c[2].metric("Injured", f"{a['injured']:,}", border=True,
                delta=None if a["injured_low"] == a["injured_high"] else
                f"range {a['injured_low']:,}–{a['injured_high']:,}", delta_color="off", delta_arrow="off")
    c[3].metric("Children killed", f"{a['children_killed']:,}", border=True)
    east, west = headline_for(head, "east"), headline_for(head, "west")
    left, right = st.columns(2)
    for col, side, h in ((left, "east", east), (right, "west", west)):
        with col:
            st.markdown(f"<div style='border-left:6px solid {SIDE_COLOURS[side]};padding-left:10px'>"
                        f"<b>{SIDE_LABELS[side]}</b></div>", unsafe_allow_html=True)
            cc = st.columns(3)
            cc[0].metric(f"Killed · {side}", f"{h['killed']:,}",
                         delta=None if h["killed_low"] == h["killed_high"] else
                         f"range {h['killed_low']:,}–{h['killed_high']:,}", delta_color="off", delta_arrow="off")
            cc[1].metric(f"Injured · {side}", f"{h['injured']:,}")
            cc[2].metric(f"Children killed · {side}", f"{h['children_killed']:,}")


def latest_table(ev: pd.DataFrame) -> pd.DataFrame:
    if ev.empty:
        return ev
    out = pd.DataFrame({
        "Day": [d.strftime("%d %b %Y") if pd.notna(d) else "" for d in pd.to_datetime(ev["day"])],
        "Side": [L.label("side", v) for v in ev["side"]],
        "Type": [L.label("event_type", v) for v in ev["event_type"]],
        "Perpetrator": [L.label("actor", v) for v in ev["actor"]],
        "Place": [("" if L.blank(v) else str(v)) for v in ev["location"]],
        "Killed": [fmt_range(int(b), int(lo), int(hi)) if pd.notna(b) else ""
                   for b, lo, hi in zip(ev["killed_best"], ev["killed_low"].fillna(ev["killed_best"]),
                                        ev["killed_high"].fillna(ev["killed_best"]))],
        "Reports": [L.number(v) for v in ev["n_reports"]], "Outlets": [L.number(v) for v in ev["n_outlets"]],
        "event_id": ["|".join(x) for x in ev["event_ids"]],
    })
    return out


@safe_page
def page(filters) -> None:
    st.title("Overview")
    head = data.q("headline", filters)
    a = headline_for(head, "all")
    if a["incidents"] == 0 and a["implausible"] == 0:
        st.info("No incidents in this period. Widen the dates or clear the filters.")
        return
    draw_metrics(head)
    st.caption("Each event is counted once even when several outlets report it; "
               "ranges show the lowest and highest figures the sources give.")
    if a["undated"]:
        st.caption(f"{a['undated']:,} of these events ({a['killed_undated']:,} killed) have no day in "
                   "their text: they are counted here and placed on the timelines at the day they were "
                   "reported.")
    st.subheader("By side")
    table = headline_table(head)
    if not (table["Implausible"] != "").any():
        table = table.drop(columns=["Implausible"])
    st.dataframe(table, hide_index=True, placeholder="", width="stretch", key="overview_sides", column_config=HEADLINE_CONFIG)
    st.caption("Grade of the events: **single** source (one outlet), **corroborated** (two or more "
               "outlets), **contested** (sources blame different perpetrators). **No day**: the text gives "
               "no day; placed on the timelines at the day reported. The rows add up to All.")
    if a["implausible"]:
        st.warning(f"{a['implausible']} report(s) give a toll too large for one incident; "
                   "they are listed but not summed (see Review).")
    st.subheader("Latest events in this view")
    ev = latest_table(data.q("fused_events", filters, limit=15))
    sel = st.dataframe(ev, hide_index=True, placeholder="", width="stretch", key="overview_latest",
                       on_select="rerun", selection_mode="single-row",
                       column_config={"event_id": None})
    ids = dataframe_selected_ids(sel, ev)
    if ids:
        open_evidence(ids, switch=True)
