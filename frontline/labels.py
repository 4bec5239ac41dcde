"""Words and colours people read: human labels for the store's codes, and one palette for
actors and sources, the same on every page and in the briefing.

Pure functions (no Streamlit), so the dashboard, the exports and the tests share them.
"""
from __future__ import annotations

import hashlib
import math
from typing import Any

EVENT_TYPES = {"airstrike": "Air strike", "shelling": "Shelling", "bombing": "Bombing",
               "clashes": "Clashes", "chemical": "Chemical attack",
               "violence_against_civilians": "Violence against civilians", "other": "Other attack"}
DIPLOMACY_TYPES = {"meeting": "Meeting", "call": "Phone call", "un_action": "UN action",
                   "visit": "Visit", "agreement": "Agreement", "proposal": "Proposal",
                   "accusation": "Accusation", "other": "Other"}
ACTORS = {"government": "Syrian government", "russia": "Russia", "rebels": "Rebels",
          "isis": "Islamic State", "coalition": "US-led coalition", "kurdish": "Kurdish forces",
          "turkey": "Turkey", "unknown": "Not named"}
SIDES = {"east": "East (rebel-held)", "west": "West (government-held)",
         "city": "Aleppo, side unknown", "outside": "Outside the city", "unknown": "Side not known",
         "all": "All"}
STATUS = {"happened": "Happened", "scheduled": "Scheduled", "cancelled": "Cancelled"}
PRECISION = {"neighbourhood": "neighbourhood", "site": "site", "town": "town", "city": "city only",
             "side": "side only", "region": "region", "governorate": "governorate",
             "country": "country"}
DATE_PRECISION = {"day": "day", "week": "week", "month": "month only", "unknown": "reported date only"}
# outlets as the FA-KES corpus and the readers store them
OUTLETS = {"ahram": "Al-Ahram", "alalam": "Al-Alam", "alaraby": "Al-Araby", "arabiya": "Al Arabiya",
           "dailysabah": "Daily Sabah", "etilaf": "Etilaf (Syrian Coalition)", "jordantimes": "Jordan Times",
           "manar": "Al-Manar", "nna": "NNA (Lebanon)", "reuters": "Reuters", "sana": "SANA",
           "sputnik": "Sputnik", "tass": "TASS", "trt": "TRT", "cnn": "CNN", "afp": "AFP", "ap": "AP",
           "aljazeera": "Al Jazeera", "bbc": "BBC", "asharqalawsat": "Asharq Al-Awsat"}
COLUMNS = {"event_type": "Type", "actor": "Perpetrator", "actors": "Parties", "side": "Side",
           "location": "Place", "outlet": "Outlet", "source": "Source", "day": "Day",
           "killed": "Killed", "injured": "Injured", "children_killed": "Children killed",
           "evidence": "Sentence", "status": "Status", "n_reports": "Reports", "n_outlets": "Outlets",
           "event_id": "Event", "article_id": "Article", "reported": "Reported on",
           "geo_precision": "Place known to", "date_precision": "Date known to"}


def blank(v: Any) -> bool:
    if v is None:
        return True
    try:
        return isinstance(v, float) and math.isnan(v) or str(v) in ("", "nan", "NaN", "None", "NaT", "<NA>")
    except (TypeError, ValueError):
        return False


def label(kind: str, code: Any) -> str:
    """The human label of a code (``label("event_type", "un_action")`` → "UN action"); blank for
    None/NaN; an unknown code is shown as words (underscores to spaces)."""
    if blank(code):
        return ""
    table = {"event_type": EVENT_TYPES, "dip_type": DIPLOMACY_TYPES, "actor": ACTORS, "side": SIDES,
             "status": STATUS, "outlet": OUTLETS, "geo_precision": PRECISION,
             "date_precision": DATE_PRECISION, "column": COLUMNS}.get(kind, {})
    s = str(code)
    hit = table.get(s) or table.get(s.lower())
    if hit:
        return hit
    return s.replace("_", " ") if s.islower() or "_" in s else s


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~:$")


def md(text: Any) -> str:
    """``text`` safe inside Markdown (Streamlit captions, expander labels): every character
    Markdown could read as markup is backslash-escaped, so data never becomes a link or a tag."""
    if blank(text):
        return ""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in str(text))


def number(v: Any) -> str:
    """``1,234``; blank for None/NaN."""
    if blank(v):
        return ""
    try:
        return f"{int(v):,}"
    except (TypeError, ValueError):
        return str(v)


# ----------------------------------------------------------------- one palette

# 20 distinguishable colours (after Kelly's and Tableau's), none a pale tint
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f", "#393b79", "#ad494a", "#637939", "#b5651d", "#6b2e8f", "#0b7a75",
           "#c51b7d", "#4d9221", "#f1a340", "#2166ac")
# fixed colours for the actors, and for the sources that speak for them
FIXED = {"government": "#d62728", "russia": "#8c2d04", "rebels": "#2ca02c", "isis": "#111111",
         "coalition": "#1f77b4", "kurdish": "#b8860b", "turkey": "#9467bd", "unknown": "#7f7f7f",
         "unattributed": "#9e9e9e"}
SOURCE_FIXED = {"sana": "#d62728", "syrian government": "#d62728", "russian defence ministry": "#8c2d04",
                "russian defense ministry": "#8c2d04", "russian government": "#8c2d04", "white helmets": "#2ca02c",
                "syrian civil defence": "#2ca02c", "sohr": "#1f77b4",
                "syrian observatory for human rights": "#1f77b4", "aleppo media center": "#17becf",
                "un": "#393b79", "united nations": "#393b79", "afp": "#ff7f0e", "reuters": "#e377c2",
                "local activists": "#bcbd22", "activists": "#bcbd22", "msf": "#0b7a75",
                "unicef": "#6b2e8f", "who": "#637939", "sams": "#ad494a"}


def colour(name: Any) -> str:
    """The colour of an actor or a source, the same everywhere: fixed for the known ones, else a
    stable pick from :data:`PALETTE` by the name's hash."""
    if blank(name):
        return FIXED["unattributed"]
    key = str(name).strip().lower()
    if key in FIXED:
        return FIXED[key]
    if key in SOURCE_FIXED:
        return SOURCE_FIXED[key]
    h = int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16)
    return PALETTE[h % len(PALETTE)]


def distinct_colours(names) -> dict:
    """``{name: colour}`` for names drawn together: each its :func:`colour`, except that a name
    whose colour another one already took moves to the next free palette colour, so no two
    names in one chart share a colour (while there are colours left)."""
    out, used = {}, set()
    names = list(dict.fromkeys(names))
    fixed_first = sorted(names, key=lambda n: (str(n).strip().lower() not in FIXED
                                               and str(n).strip().lower() not in SOURCE_FIXED, str(n)))
    for n in fixed_first:
        c = colour(n)
        if c in used:
            free = [p for p in PALETTE if p not in used]
            if free:
                start = PALETTE.index(c) if c in PALETTE else 0
                c = min(free, key=lambda p: (PALETTE.index(p) - start) % len(PALETTE))
        out[n] = c
        used.add(c)
    return out
