"""The act a diplomatic sentence states: its type (meeting, call, UN action, visit, agreement, proposal,
accusation), its trigger and parties; a truce's fate; acts only wished for, feared or quoted as objects are
no act."""
from __future__ import annotations

import re
from typing import Optional

from ...text import Caseless
from ..scan import Sentence
from .parties import act_parties, both_sides, party_mentions, proposal_content_start

def main_act(s: Sentence) -> Optional[tuple]:
    """(event type, trigger offset) of the act a sentence states: a rank-1 trigger (UN action, call) first,
    else the first trigger; a truce named as what an appeal asks for is the appeal ("called for a ceasefire":
    proposal); talks the Security Council holds are its session (UN action). A truce or talks only sought,
    and a veto that may come, are no act."""
    def hypothetical(d) -> bool:
        before = s.text[max(0, d[2] - 40):d[2]]
        if d[0] == "agreement" and re.match(r"(?:deal|deals)\s+with\b", s.text[d[2]:d[3] + 6], re.I):
            return True                                # "to deal with", a verb
        if d[0] == "agreement" and re.search(r"\b(?:by|in)\s+(?:mutual\s+)?$", before, re.I):
            return True                                # "by agreement of Lavrov and Kerry, a meeting ...": a manner
        if d[0] == "meeting" and re.search(r"\b(?:past|previous|former|possible|potential|any)\s+$", before, re.I):
            return True
        if d[0] == "meeting" and DOMESTIC_BODY.search(before):
            return True                                # a parliament's debate is inside one state
        if d[0] == "un_action" and re.match(r"(?:voted|abstained)", s.text[d[2]:d[3]], re.I) \
                and not re.search(r"\b(?:resolution|draft|Security Council|General Assembly|UN|U\.N\.)\b", s.text):
            return True                                # a vote that is not a UN vote
        return (d[0] in ("agreement", "meeting") and bool(NOT_REACHED.search(before))) or (
            d[0] == "un_action" and bool(UN_HYPOTHETICAL.search(before))) or (
            d[0] == "visit" and bool(re.match(r"\s+(?:the\s+)?(?:UN\s+|U\.N\.\s+)?(?:Security Council|General Assembly)",
                                              s.text[d[3]:d[3] + 40], re.I)))   # taking a matter to the UN
    acts = [d for d in s.dip if not hypothetical(d)]
    kicker = HEADLINE_KICKER.match(s.text) if s.headline else None
    if kicker and any(d[2] >= kicker.end() for d in acts):
        acts = [d for d in acts if d[2] >= kicker.end()]     # "Syria ceasefire: US suspends talks": the talks
    rank1 = [d for d in acts if d[1] == 1]
    if rank1:
        first1 = min(rank1, key=lambda d: d[2])
        # "France condemned the Russian veto": the act is the condemnation, the veto its object
        if not any(d[0] in ("accusation", "proposal") and first1[2] - 40 <= d[3] <= first1[2] for d in s.dip):
            return first1[0], first1[2]
    if not acts:
        return None
    first = min(acts, key=lambda d: d[2])
    if first[0] == "agreement" and AGREE_VERB.fullmatch(s.text, first[2], first[3]):
        planned = planned_act(s, first[3])
        if planned is not None:
            return planned[0], planned[2]       # "agreed on Monday to meet in Geneva": the meeting
    if first[0] == "meeting" and UN_BODY.search(s.text[max(0, first[2] - 60):first[3] + 60]):
        return "un_action", first[2]
    if first[0] == "agreement":
        asked = [d for d in s.dip if d[0] == "proposal" and first[2] - 50 <= d[3] <= first[2]]
        if asked:
            return "proposal", min(asked, key=lambda d: d[2])[2]
    return first[0], first[2]


def planned_act(s: Sentence, after: int) -> Optional[tuple]:
    """The meeting or visit a sentence says was agreed, decided or planned after ``after`` ("agreed in a phone
    call to meet in Geneva", "decided to hold talks"): its trigger, when "to" (or "to hold") leads it."""
    for d in s.dip:
        if d[0] in ("meeting", "visit") and d[2] > after and TO_ACT_BEFORE.search(s.text, max(0, d[2] - 12), d[2]) \
                and PLAN_VERB.search(s.text, 0, d[2]):
            return d
    return None


def diplomacy_type(s: Sentence) -> Optional[str]:
    act = main_act(s)
    return act[0] if act else None


# a meeting or visit agreed or planned: "agreed ... to meet", "decided to hold talks", "plans to visit"
AGREE_VERB = re.compile(r"agree[sd]?|agreeing", re.I)
PLAN_VERB = Caseless(r"\b(?:agree[sd]?|agreeing|decided|decides?|plan(?:s|ned)?|arranged|invited|set)\b")
TO_ACT_BEFORE = Caseless(r"\bto\s+(?:hold\s+|have\s+)?$")
# a headline's topic label before a colon ("Syria ceasefire: ...", "Aleppo truce talks: ...") names the story,
# not the act the headline reports
HEADLINE_KICKER = re.compile(r"\s*[^:.!?\n]{2,40}:\s")
# a truce sought, not reached: "after failing to secure a ceasefire", "push Russia to agree to a truce"; or one
# only kept up: "channels set up to sustain the cessation of hostilities"
NOT_REACHED = Caseless(r"\b(?:fail\w*\s+to\s+(?:secure|reach|agree\s+(?:to|on)|broker)|(?:seek|seeks|seeking|sought)|"
                       r"to\s+agree\s+(?:to|on)|efforts?\s+to\s+(?:reach|secure|broker|revive)|hopes?\s+(?:for|of)|"
                       r"push(?:ed|es|ing)?\s+for|revive|salvage|restore|sustain|maintain|preserve|uphold|shore\s+up|consolidate|wants?|wanted|favou?rs?|resumption\s+of|"
                       r"conditions\s+(?:necessary\s+)?for|striv\w*\s+(?:to|for)|try\w*\s+to|tried\s+to|"
                       r"work\w*\s+(?:for|towards?)|aim\w*\s+(?:at|to|for)|to\s+(?:secure|reach|broker|achieve))"
                       r"\s+(?:(?:a|an|the|new|fresh|its|their|political)\s+)*"
                       r"(?:[\w-]+\s+){0,2}$")
DOMESTIC_BODY = re.compile(r"\b(?:parliament|house of commons|commons|congress|senate|duma|cabinet|knesset|majlis)\b",
                           re.I)
UN_BODY = re.compile(r"\b(?:Security Council|General Assembly)\b", re.I)
# "would resort to the General Assembly should Russia use its veto again": a veto that may come
UN_HYPOTHETICAL = Caseless(r"\b(?:should|if|unless|could|might|may|threaten\w*\s+to)\b(?:\s+[\w'-]+){0,4}\s*$")
STRONG_ACCUSATION = re.compile(r"(?:accus|blam|condemn|critici[sz]|denounc|slammed|lambast|made-up alibi|call)", re.I)
TRUCE_NOUN = re.compile(r"(?:ceasefire|cease-fire|truce|cessation|deal|agreement|accord|pause|moratorium|evacuation)",
                        re.I)
AGREEMENT_FATE = Caseless(r"\b(?:collaps\w*|broke down|crumbled|took effect|entered into force|came into force|"
                          r"announced|agreed|brokered|reached|signed|declared|expired|violated|ended|failure|"
                          r"began|started)\b")


END_FATE = Caseless(r"\b(?:collaps\w*|broke down|break down|crumbled|fell apart|expired|ended|failed|failure|"
                    r"stalled|halted|ground to a halt|"
                    r"in tatters|unravel\w*|(?:is|was) over)\b")
START_FATE = Caseless(r"\b(?:took effect|takes effect|entered into force|came into force|began|begins|started|"
                      r"starts|agreed|brokered|reached|signed|declared|announced|went into effect)\b")


# a truce pronounced ended, whatever verb pronounces it: "declared the ceasefire over", "the truce is dead",
# "announced an end to the truce"
VERDICT_END_AFTER = Caseless(r"[\w-]+\s+(?:(?:was|is|had been|has been|to be|now)\s+)?(?:over|dead|at an end|finished|"
                             r"void|null and void|no longer in (?:force|effect))\b")
VERDICT_END_BEFORE = Caseless(r"\b(?:declar|announc|proclaim|call)\w*\s+(?:an|the)\s+end\s+(?:to|of)\s+"
                              r"(?:(?:the|a|its|their)\s+)?(?:[\w-]+\s+){0,2}$")


def truce_fate(text: str, trig: int) -> Optional[str]:
    """Whether a truce named at ``trig`` starts ("took effect") or ends ("collapsed", "declared over"): a
    verdict on the truce itself first, else the fate verb nearest it."""
    if VERDICT_END_AFTER.match(text, trig) or VERDICT_END_BEFORE.search(text, max(0, trig - 60), trig):
        return "end"
    near = []
    for kind, rx in (("end", END_FATE), ("start", START_FATE)):
        near += [(min(abs(m.start() - trig), abs(m.end() - trig)), kind) for m in rx.finditer(text, max(0, trig - 60),
                                                                                          trig + 60)]
    return min(near)[1] if near else None


EARLIER = Caseless(r"\b(?:earlier|previously|last (?:week|month|year)|in (?:january|february|march|april|"
                    r"may|june|july|august|september|october|november|december))\b")


# a clause of its own between a denial and an act: "Kerry denied any change of plans and Washington accused ..."
DENIAL_STOP = re.compile(r"\b(?:and|but|while|after|as)\s+(?:[A-Z][\w.'-]*\s+){1,3}(?:itself\s+)?[a-z]+ed\b|[;,]\s+(?:but|while)\b")


def _denies(s: Sentence, a: int, b: int, trig: int) -> bool:
    """Does a denial at ``a:b`` (relative) bear on the act at ``trig``: its own clause, not another's?"""
    if a > trig:
        return a - trig <= 40
    return not DENIAL_STOP.search(s.text, b, trig)


def diplomatic_mentions(s: Sentence, names: Optional[dict] = None) -> list:
    """(event_type, actors, trigger offset) of the diplomatic acts one sentence states: its main act, and the
    fate of a truce it names in passing ("... the Russian-American deal, the ceasefire that collapsed last month")."""
    act = main_act(s) if s.dip else None
    if act is None:
        return []
    etype, trig = act
    if etype != "accusation" and any(_denies(s, a, b, trig) for a, b in s.cues.get("denial", ())):
        return []
    out = []
    if not ("hypothetical" in s.cues and etype == "agreement"):
        actors = act_parties(s, etype, trig, names)
        if etype == "un_action" and "United Nations" not in actors:
            actors.append("United Nations")          # a vote, veto or resolution is the UN's act too
        out.append((etype, actors, trig))
    if etype == "agreement" and out and not s.headline and truce_fate(s.text, trig) == "start":
        # "The truce, which began on Monday, collapsed on Thursday": its start and its end, each dated, are two
        # events ("a truce brokered by the US collapsed last month" is one)
        end = next((m for m in END_FATE.finditer(s.text) if m.start() > trig), None)
        dated = [d.start - s.span.start for d in s.dates if d.value[0]]
        if end and any(trig < a < end.start() for a in dated) and any(a > end.start() for a in dated):
            out.append(("agreement", list(out[0][1]), end.start()))
    if etype != "agreement" and "hypothetical" not in s.cues and not s.headline:
        for kind, _, a, b in s.dip:
            if kind == "agreement" and TRUCE_NOUN.match(s.text[a:b]) \
                    and AGREEMENT_FATE.search(s.text[max(0, a - 60):b + 40]):
                near = [p for p, pa, pb, mil in party_mentions(s, kind, names) if abs(pa - a) <= 60]
                out.append(("agreement", list(dict.fromkeys(near)), a))
                break
    if etype in ("call", "meeting") and out:
        # "agreed in a phone call to meet in Geneva on Friday": the call, and the meeting it planned
        planned = planned_act(s, trig)
        if planned is not None and planned[2] != trig:
            out.append((planned[0], act_parties(s, planned[0], planned[2], names), planned[2]))
    if etype != "accusation" and not s.headline:
        # "... called Russia out for the veto, calling its explanation a made-up alibi": an accusation as well,
        # unless it is what an appeal asks for ("demanded that the Council condemn Turkey")
        content = proposal_content_start(s.text, out[0][2], party_mentions(s, etype, names)) \
            if etype == "proposal" and out else len(s.text)
        for kind, _, a, b in s.dip:
            if kind == "accusation" and STRONG_ACCUSATION.match(s.text[a:b]) and a < content \
                    and both_sides(s, a, names):
                out.append(("accusation", act_parties(s, "accusation", a, names), a))
                break
    return out
