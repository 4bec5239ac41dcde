"""Stage 8, diplomacy: diplomatic acts (meetings, calls, UN action, visits, agreements, proposals,
accusations) and their grouping into events."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..models import Article, Diplomacy
from ..text import Caseless
from .events import is_background
from .scan import Sentence


DIP_ANAPHORA = Caseless(r"\b(?:the|this|that|these|its|their)\s+(?:[\w-]+\s+){0,2}?(?:meeting|talks|discussion|summit|conference|deal|"
                         r"agreement|resolution|truce|ceasefire|appeal|proposal|plan|visit|call|veto|cessation)\b|"
                         r"\balso attend\b")


@dataclass
class DiplomacyDraft:
    sentences: list
    event_type: str
    actors: list
    date: Optional[str]
    precision: str
    location: Optional[str]
    status: str


MIN_PARTIES = {"meeting": 2, "call": 2, "visit": 2, "accusation": 2, "un_action": 1, "agreement": 1, "proposal": 1}


def diplomacy_type(s: Sentence) -> Optional[str]:
    if not s.dip:
        return None
    rank1 = [d for d in s.dip if d[1] == 1]
    if rank1:
        return min(rank1, key=lambda d: d[2])[0]
    return min(s.dip, key=lambda d: d[2])[0]


def _parties(s: Sentence, etype: str) -> list:
    """The parties a diplomatic sentence names; armed forces count only as parties to a truce."""
    out = []
    for party, _, _, military in sorted(s.parties, key=lambda p: p[1]):
        if military and etype != "agreement":
            continue
        if party not in out:
            out.append(party)
    return out


DIP_DATE_WINDOW = 80


def _dip_date(s: Sentence, published, trig: int, etype: str = "") -> tuple:
    """The date nearest the diplomatic trigger ("US officials on Wednesday said Kerry will meet ... on Saturday"),
    if one stands within ``DIP_DATE_WINDOW`` characters of it; a meeting announced for the future takes the
    sentence's future date."""
    trig += s.span.start
    if etype in ("meeting", "visit", "call") and "future" in s.cues and published is not None:
        ahead = [m for m in s.dates if m.value[0] and m.value[1] == "day" and m.value[0] > published.isoformat()]
        if ahead:
            m = min(ahead, key=lambda m: abs(m.start - trig))
            return m.value[0], m.value[1], True
    usable = [m for m in s.dates if m.value[0] is not None and
              min(abs(m.start - trig), abs(m.end - trig)) <= DIP_DATE_WINDOW]
    if not usable:
        return None, "unknown", False
    m = min(usable, key=lambda m: (abs(m.start - trig) + (0 if m.start >= trig else 15), m.start))
    return m.value[0], m.value[1], True


AGREEMENT_FATE = re.compile(r"\b(?:collaps\w*|broke down|crumbled|took effect|entered into force|came into force|"
                            r"announced|agreed|brokered|reached|signed|declared|expired|violated|ended|failure|"
                            r"began|started)\b", re.I)


STRONG_ACCUSATION = re.compile(r"\b(?:accus\w*|blam\w*|condemn\w*)", re.I)


EARLIER = Caseless(r"\b(?:earlier|previously|last (?:week|month|year)|in (?:january|february|march|april|"
                    r"may|june|july|august|september|october|november|december))\b")


def diplomatic_mentions(s: Sentence) -> list:
    """(event_type, actors, trigger offset) of the diplomatic acts one sentence states: its main act, and the
    fate of a truce it names in passing ("... the Russian-American deal, the ceasefire that collapsed last month")."""
    etype = diplomacy_type(s)
    if etype is None:
        return []
    if "denial" in s.cues and etype != "accusation":
        return []
    out = []
    if not ("hypothetical" in s.cues and etype == "agreement"):
        actors = _parties(s, etype)
        if etype == "un_action" and "United Nations" not in actors and re.search(
                r"\b(?:UN|U\.N\.|United Nations|Security Council|General Assembly)\b", s.text):
            actors.append("United Nations")
        out.append((etype, actors, min(d[2] for d in s.dip if d[0] == etype)))
    if etype != "agreement" and "hypothetical" not in s.cues and not s.headline:
        for kind, _, a, b in s.dip:
            if kind == "agreement" and AGREEMENT_FATE.search(s.text[max(0, a - 60):b + 40]):
                near = [p for p, pa, pb, mil in s.parties if abs(pa - a) <= 60]
                out.append(("agreement", list(dict.fromkeys(near)), a))
                break
    return out


def build_diplomacy(sents: list, article: Article) -> list:
    published = article.published
    drafts: list = []
    for s in sents:
        for etype, actors, trig in diplomatic_mentions(s):
            anaphoric = bool(DIP_ANAPHORA.search(s.text))
            date, precision, explicit = _dip_date(s, published, trig, etype)
            # "Earlier Kerry broke off talks ...": another, older meeting than the one reported
            earlier = etype in ("meeting", "call", "visit") and bool(
                EARLIER.search(s.text, max(0, trig - 50), trig + 50))
            target = None
            quoted = s.text.lstrip()[:1] in "\"\u201c" and drafts and drafts[-1].event_type == etype \
                and drafts[-1].sentences[-1].idx >= s.idx - 1
            if quoted:
                target = drafts[-1]     # a quotation that carries on the statement just reported
            for d in ([] if quoted else reversed(drafts)):
                if d.event_type != etype:
                    continue
                overlap = set(d.actors) & set(actors)
                same_time = d.date == date if (explicit and d.date is not None) else not earlier
                if (anaphoric and not earlier) or (overlap and same_time and len(overlap) >= min(2, len(actors))):
                    target = d
                    break
            if target is None:
                if len(actors) < MIN_PARTIES[etype] or is_background(date, published):
                    continue
                future = "future" in s.cues and any(a <= trig + 40 for a, _ in s.cues["future"])
                status = "cancelled" if re.search(r"\bcancel+(?:ed|s|ing)?\b|\bcalled off\b|\bpostpon", s.text, re.I) \
                    else ("scheduled" if future else "happened")
                venue = next((m.value.name for m in s.places if m.value.kind in ("venue", "city")
                              and not m.value.in_aleppo_city), None)
                drafts.append(DiplomacyDraft([s], etype, actors, date, precision if date else "unknown", venue, status))
                continue
            if s not in target.sentences:
                target.sentences.append(s)
            for a in actors:
                if a not in target.actors:
                    target.actors.append(a)
            if target.date is None and explicit:
                target.date, target.precision = date, precision
            if target.location is None:
                target.location = next((m.value.name for m in s.places if m.value.kind == "venue"), None)
    return [Diplomacy(article_id=article.id, event_date=d.date, date_precision=d.precision, event_type=d.event_type,
                      actors=d.actors, location=d.location, status=d.status, spans=[s.span for s in d.sentences])
            for d in drafts]
