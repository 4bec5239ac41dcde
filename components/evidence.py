"""Evidence: an article's text with its extracted values highlighted by field, and its events.

Every chart, map and table selection lands here through
``st.session_state['evidence_event_id']`` (and ``evidence_event_ids``).
"""
from __future__ import annotations

import html
import re

import pandas as pd
import streamlit as st

from frontline import labels as L
from frontline.models import Article

from . import data
from .common import FIELD_COLOURS, highlight_html, import_frozen, legend_html, safe_page

ARTICLE_CHOICES = 100    # articles offered at once by the chooser

_WORDS = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
          8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen",
          14: "fourteen", 15: "fifteen", 16: "sixteen", 17: "seventeen", 18: "eighteen",
          19: "nineteen", 20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 100: "hundred"}
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_DATE_RE = re.compile(
    r"\b(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|yesterday|today|overnight|"
    rf"(?:\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?)|(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?)|"
    r"\d{4}-\d{2}-\d{2}|last (?:week|month)|a day (?:after|before|earlier))\b", re.I)


def _number_patterns(n) -> list:
    if n is None or pd.isna(n):
        return []
    n = int(n)
    pats = [re.escape(f"{n:,}"), re.escape(str(n))]
    if n in _WORDS:
        pats.append(_WORDS[n])
    if 20 < n < 100 and n % 10 and (n // 10) * 10 in _WORDS:
        pats.append(f"{_WORDS[(n // 10) * 10]}[- ]{_WORDS[n % 10]}")
    return pats


def _find(text: str, start: int, end: int, pattern: str):
    if not pattern:
        return []
    try:
        rx = re.compile(rf"(?<![\w,]){pattern}(?![\w])", re.I)
    except re.error:
        return []
    return [(start + m.start(), start + m.end()) for m in rx.finditer(text[start:end])]


def field_marks(text: str, events: pd.DataFrame) -> list:
    """(start, end, label) ranges to highlight: each event's sentence, and within it the
    date words, place, source and the killed / injured / children figures it states."""
    marks = []
    for _, r in events.iterrows():
        for s, e in r["spans"]:
            if not (0 <= s < e <= len(text)):
                continue
            marks.append((s, e, f"sentence:{r['event_id']}"))
            for m in _DATE_RE.finditer(text[s:e]):
                marks.append((s + m.start(), s + m.end(), "date"))
            for fld, label in (("location", "place"), ("source", "source")):
                v = r.get(fld)
                if isinstance(v, str) and v.strip():
                    marks += [(a, b, label) for a, b in _find(text, s, e, re.escape(v.strip()))]
            if isinstance(r.get("who"), str) and r["kind"] == "incident":
                marks += [(a, b, "actor") for a, b in _find(text, s, e, re.escape(r["who"]))]
            if r["kind"] == "diplomacy" and isinstance(r.get("who"), str):
                for party in r["who"].split(", "):
                    marks += [(a, b, "actor") for a, b in _find(text, s, e, re.escape(party))]
            for fld, label in (("killed", "killed"), ("injured", "injured"),
                               ("children_killed", "children")):
                for pat in _number_patterns(r.get(fld)):
                    hits = _find(text, s, e, pat)
                    if hits:
                        marks.append((*hits[0], label))
                        break
    return marks


def _who(kind, who) -> str:
    if L.blank(who):
        return ""
    return L.label("actor", who) if kind == "incident" else str(who)


def _type(kind, code) -> str:
    return L.label("event_type" if kind == "incident" else "dip_type", code)


def _day(v) -> str:
    return "" if L.blank(v) or pd.isna(v) else pd.Timestamp(v).strftime("%d %b %Y")


SHORT_SIDES = {"east": "East", "west": "West", "city": "City", "outside": "Outside", "unknown": ""}


def _events_table(ev: pd.DataFrame) -> pd.DataFrame:
    """The article's events for people: labels, blanks for missing values, no raw codes. The
    narrow columns come first and the free-text place last, so nothing that matters is cut when
    the column is narrow (1400 px screens): the killed are the third column."""
    return pd.DataFrame({
        "Day": [_day(d) for d in ev["day"]],
        "What": [_type(k, t) for k, t in zip(ev["kind"], ev["event_type"])],
        "Killed": [L.number(v) for v in ev["killed"]],
        "Who": [_who(k, w) for k, w in zip(ev["kind"], ev["who"])],
        "Side": ["" if L.blank(v) else SHORT_SIDES.get(str(v), L.label("side", v)) for v in ev["side"]],
        "Place": ["" if L.blank(v) else str(v) for v in ev["location"]],
        "event_id": ev["event_id"]})


EVENTS_COLUMNS = {
    "event_id": None,
    "Day": st.column_config.TextColumn(width=96),
    "What": st.column_config.TextColumn(width=110),
    "Killed": st.column_config.TextColumn(width=64),   # text: a blank, not "None", when no figure
    "Who": st.column_config.TextColumn(width=120),
    "Side": st.column_config.TextColumn(width=72, help="Side of Aleppo's front line: East (rebel-held), "
                                        "West (government-held), City (side not known), Outside the city"),
    "Place": st.column_config.TextColumn(),
}


def event_title(n: int, r) -> str:
    """``2 · Incident: Shelling · 12 Oct 2016 · al-Hamdaniyah · 8 killed`` (no raw ids or codes)."""
    bits = [f"{n} · " + ("Incident: " if r["kind"] == "incident" else "Diplomacy: ") + _type(r["kind"], r["event_type"]),
            _day(r["day"]) or "no day in the text", L.md(r.get("location"))]
    if r["kind"] == "incident" and not L.blank(r.get("killed")):
        bits.append(f"{L.number(r['killed'])} killed")
    return " · ".join(b for b in bits if b)


@safe_page
def explain_panel(art: dict, aid: str) -> None:
    """The current extractor's reading of the article: mentions and fold/split decisions per incident."""
    # imported when asked for: the extractor takes ~1 s to import, which every dashboard process
    # paid in its first page (the Overview) when this module imported it
    import_frozen("frontline.extract.explain")
    from frontline.extract.explain import explain_incidents
    article = Article(id=aid, text=str(art.get("text") or ""), title=str(art.get("title") or ""),
                      source=str(art.get("source") or ""), published=_as_date(art.get("published")))
    found = explain_incidents(article)
    if not found:
        st.caption("The extractor reads no incident in this text.")
    for f in found:
        head = " · ".join(x for x in (L.label("event_type", f["event_type"]),
                                      "" if L.blank(f["location"]) else str(f["location"]),
                                      f["event_date"] or "no day",
                                      "" if f["killed"] is None else f"killed {f['killed']:,}") if x)
        st.markdown(f"**Incident {f['n']}** · {L.md(head)}")
        for m in f["mentions"]:
            st.text("“" + m + "”")     # article text: shown literally, never as Markdown
        st.caption(" · ".join(L.md(line) for line in f["trace"]))


def _as_date(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None


def page(filters) -> None:
    st.title("Evidence")
    ss = st.session_state
    term = st.text_input("Find an article", key="evidence_search", placeholder="Part of a title or id",
                         help="The list below offers the articles the filters select; type to narrow it")
    arts = data.q("articles_list", filters, term=term or "", limit=ARTICLE_CHOICES)
    focus = ss.get("evidence_event_id")
    focus_ev = data.q("event", None, event_id=focus) if focus else None
    chosen = ss.get("evidence_article")
    if focus_ev is not None and ss.get("_evidence_focus_seen") != focus:
        chosen = focus_ev["article_id"]
        ss["_evidence_focus_seen"] = focus
    if arts.empty and not chosen:
        st.info("No articles match the filters.")
        return
    ids = list(arts["article_id"])
    if chosen and chosen not in ids:
        ids = [chosen] + ids
    titles = dict(zip(arts["article_id"], arts["title"].fillna("")))
    if chosen and chosen not in titles:
        a = data.q("article", None, article_id=chosen)
        titles[chosen] = (a or {}).get("title") or chosen
    if chosen:
        ss["evidence_article"] = chosen
    ss.setdefault("evidence_article", ids[0])
    if ss["evidence_article"] not in ids:
        ss["evidence_article"] = ids[0]
    aid = st.selectbox("Article", ids, key="evidence_article",
                       format_func=lambda a: f"{(titles.get(a) or a)[:90]}  [{a}]")
    n_matching = int(arts["n_matching"].iloc[0]) if not arts.empty else 0
    if n_matching > len(arts):
        st.caption(f"{len(arts)} of {n_matching:,} matching articles offered; type in the search to find others.")
    art = data.q("article", None, article_id=aid)
    if not art:
        st.warning("This article is no longer in the store.")
        return
    ev = data.q("article_events", None, article_id=aid)
    meta = " · ".join(str(x) for x in (L.label("outlet", art.get("source")), art.get("published") and
                                        str(art.get("published"))[:10], art.get("url")) if x)
    # titles are article text: escaped, never Markdown
    st.html(f"<h3 style='margin:0.2rem 0'>{html.escape(str(art.get('title') or aid))}</h3>")
    if meta:
        st.text(meta)      # source and url are data: shown literally, never as Markdown
    selected = ss.get("evidence_event_ids") or []
    if focus_ev is not None and focus_ev["article_id"] == aid:
        who = focus_ev.get("who") or ""
        st.info(f"Selected: {_type(focus_ev['kind'], focus_ev.get('event_type'))} · {_day(focus_ev.get('day'))} · "
                f"{L.md(_who(focus_ev['kind'], who))}", icon=":material/my_location:")
    left, right = st.columns([1.35, 1])
    with left:
        st.html(legend_html())
        text = str(art.get("text") or "")
        st.html(highlight_html(text, field_marks(text, ev)))
    with right:
        st.markdown(f"**{len(ev)} event(s)** in this article")
        if ev.empty:
            st.caption("No events were extracted from this article.")
        else:
            tab = _events_table(ev)
            st.dataframe(tab, hide_index=True, placeholder="", width="stretch", key="evidence_events",
                         column_config=EVENTS_COLUMNS)
            for n, (_, r) in enumerate(ev.iterrows(), 1):
                mark = "▶ " if r["event_id"] in selected else ""
                with st.expander(mark + event_title(n, r), expanded=bool(mark)):
                    st.text(str(r["evidence"] or ""))
                    src = "" if L.blank(r.get("source")) else f"according to {L.md(r['source'])} · "
                    st.caption(f"{src}id {L.md(r['event_id'])}")
        if st.toggle("How the extractor reads it", key="evidence_explain",
                     help="For each incident, the clauses (event mentions) it was made of and why they were "
                          "folded into one event or kept apart, as the current extractor reads this text"):
            explain_panel(art, aid)
    others = [i for i in selected if focus_ev is not None and i != focus]
    if others:
        st.divider()
        st.markdown("**Other selected events**")
        rest = data.q("events_by_ids", None, event_ids=tuple(selected))
        show = pd.DataFrame({
            "Day": [_day(d) for d in rest["day"]],
            "What": [_type(k, t) for k, t in zip(rest["kind"], rest["event_type"])],
            "Who": [_who(k, w) for k, w in zip(rest["kind"], rest["who"])],
            "Killed": [L.number(v) for v in rest["killed"]],
            "Outlet": [L.label("outlet", v) for v in rest["outlet"]],
            "Sentence": ["" if L.blank(v) else str(v) for v in rest["evidence"]]})
        sel = st.dataframe(show, hide_index=True, placeholder="", width="stretch", key="evidence_others",
                           on_select="rerun", selection_mode="single-row",
                           column_config={"Sentence": st.column_config.TextColumn(width="large")})
        rows = (sel.get("selection", {}) or {}).get("rows", []) if sel else []
        if rows:
            ss["evidence_event_id"] = rest.iloc[rows[0]]["event_id"]
            st.rerun()


__all__ = ["page", "field_marks", "FIELD_COLOURS"]
