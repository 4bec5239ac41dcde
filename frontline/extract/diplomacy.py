"""Stage 8, diplomacy: diplomatic acts (meetings, calls, UN action, visits, agreements, proposals,
accusations) and their grouping into events.

The stage reads, per sentence, the diplomatic triggers and the parties the lexicon scan found, and:

1. ``party_mentions``: the parties of a sentence (armed groups marked, people named earlier with their
   state or body counted for it, a visit's destination state);
2. ``diplomatic_mentions``: the acts one sentence states (type, parties, trigger offset);
3. ``act_date``: the date attached to the act's trigger (not another clause's, not a reporting date),
   resolved by the tense of the act's clause, relative phrases ("a day after", "over the weekend") included;
4. ``build_diplomacy``: mentions resolved into the article's events (one meeting reported three times is
   one event; two meetings, a truce that starts and the same truce collapsing, stay two).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from ..models import Article, Diplomacy
from ..text import Caseless
from .events import is_background
from .scan import Sentence


DIP_ANAPHORA = Caseless(r"\b(?:the|this|that|these|its|their|(?:mon|tues|wednes|thurs|fri|satur|sun)day'?s)\s+(?:[\w-]+\s+){0,2}?(?:meeting|talks|discussion|summit|conference|deal|"
                         r"agreement|resolution|truce|ceasefire|appeal|proposal|plan|visit|call|veto|cessation)\b|"
                         r"\balso attend\b")

# an act the sentence marks as another one than any before ("a separate meeting", "another round of talks");
# "the first meeting between ..." is not an anaphor either, but may still be the meeting already reported
NEW_ACT = re.compile(r"\b(?:another|(?:a|an)\s+(?:[\w-]+\s+)?(?:second|third|separate|new|further|different|later|fresh)|"
                     r"the next)\b[\w\s-]{0,25}$", re.I)
FIRST_ACT = re.compile(r"\bfirst\b[\w\s-]{0,25}$", re.I)


@dataclass
class DiplomacyDraft:
    sentences: list
    event_type: str
    actors: list
    date: Optional[str]
    precision: str
    location: Optional[str]
    status: str
    agent: Optional[str] = None      # who accuses or proposes (the first party before the trigger)
    fate: Optional[str] = None       # a truce's: "start" (agreed, took effect) or "end" (collapsed)


MIN_PARTIES = {"meeting": 2, "call": 2, "visit": 2, "accusation": 2, "un_action": 1, "agreement": 1, "proposal": 1}


# ---------------------------------------------------------------- parties

OPPOSITION_NOT_A_BODY = re.compile(r"^(?:'s|s)?\s+(?:activists?|sources?|media|monitors?|areas?|districts?|"
                                   r"neighbou?rhoods?|supporters|territory|strongholds?|enclaves?|pockets?|positions|bastions?)\b", re.I)
ARMED_AFTER = re.compile(r"^(?:'s|s)?\s+(?:fighters|forces|rebels|groups?|factions?|militias?|brigades?|"
                         r"commanders?|units?|gunmen)\b", re.I)
ARMED_SURFACE = re.compile(r"(?:forces|fighters|army|troops|aircraft|jets|warplanes|military)$", re.I)

# a person introduced with a state or body ("Syrian Coalition committee member Adnan Rahmoun"): the last word
# of the first run of two or more capitalised words within a few lower-case words after the party
NAME_AFTER_PARTY = re.compile(r"^(?:'s|s|\u2019s)?(?:\s+[a-z][\w-]*){0,3}\s+((?:[A-Z][\w'-]+\s+(?:(?:al|bin|de|van|von)[- ])?)+"
                              r"[A-Z][\w'-]+)")
CAPITAL_RUN = re.compile(r"(?:[A-Z][\w'-]+\s+(?:(?:al|bin|de|van|von)[- ])?)+[A-Z][\w'-]+|[A-Z][\w'-]+")
NOT_A_SURNAME = frozenset("""staff directorate operations main army navy staff command centre center reconciliation
    minister ministry secretary president presidency ambassador envoy spokesman spokeswoman
    spokesperson council office committee general state foreign affairs defence defense deputy chief head prime
    assembly nations union coalition government department agency news house army forces republic kingdom
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december aleppo syria damascus the""".split())

# a visit's destination when it is Syria itself ("inspectors will go to Syria")
VISIT_TO_SYRIA = re.compile(r"\b(?:to|in|into)\s+Syria\b(?![n\w])")


# "Syria" names the state when it acts ("Syria has demanded", "Syria's foreign ministry"), else the country
SYRIA_ACTS = re.compile(r"\bSyria(?=(?:'s|s|\u2019s)\s+(?:foreign|UN|envoy|ambassador|government|president|delegation|"
                        r"deputy|permanent|representative|mission)|\s+(?:has|had|have|will|would|said|says|accused|"
                        r"accuses|demanded|demands|called|calls|urged|urges|condemned|condemns|rejected|rejects|blamed|"
                        r"blames|asked|asks|welcomed|welcomes|agreed|agrees|denied|denies|sent|sends|informed|"
                        r"affirmed|reaffirmed|stressed|vowed|protested|voted|requested|requests)\b)")


SPEAKER_NOUN = r"(ministry|spokes(?:man|woman|person)|minister|envoy|ambassador|embassy|presidency|kremlin|military)"
# "the ministry said ...", after a sentence that named whose ministry it is
DEFINITE_SPEAKER = re.compile(r"\b[Tt]he\s+(?i:(?:(?:foreign|defen[cs]e|interior|general|official)\s+)?" + SPEAKER_NOUN + r")\b")


NAME_OR_OFFICE_HINT = re.compile(r"(?-i:[A-Z][\w'-]+\s+[A-Z])|ministry|spokes|minister|envoy|ambassador|embassy|presiden|"
                                 r"kremlin|military", re.I)


def learn_names(s: Sentence, names: dict) -> None:
    """Remember the people this sentence introduces with their state or body, for later sentences that
    name them by surname alone ("Rahmoun called upon ..."), and whose ministry, spokesman, envoy it names,
    for a later "the ministry said"."""
    if not s.parties:
        return
    for party, a, b, military in s.parties:
        if military:
            continue
        own = re.search(SPEAKER_NOUN + r"$", s.text[a:b], re.I)
        if own:
            names["@" + own.group(1).lower()] = party
        if not NAME_OR_OFFICE_HINT.search(s.text, b, b + 110):
            continue
        m = re.compile(r"(?:'s|s|\u2019s)?(?:\s+[\w-]+){0,4}", re.I).match(s.text, b)
        for noun in re.finditer(r"\b" + SPEAKER_NOUN + r"\b", m.group(0), re.I):
            names["@" + noun.group(1).lower()] = party
        window = s.text[b:b + 110]
        if not re.match(r"(?:'s|s|\u2019s)?\s", window):
            continue
        for run in CAPITAL_RUN.finditer(window):
            if re.search(r"[.;:]", window[:run.start()]) or len(re.findall(r"\b[a-z][\w-]*", window[:run.start()])) > 4:
                break                                  # too far from the party to be its person
            words = run.group(0).split()
            surname = words[-1]
            if surname.lower() in NOT_A_SURNAME or len(words) < 2:
                continue                               # a title ("Foreign Minister", "General Staff")
            if len(surname) >= 3:
                names.setdefault(surname, party)
            break


# a state named as a place, not as an actor
PLACE_AFTER = re.compile(r"^(?:'s|s|\u2019s)?(?:-based|\s+(?:border|borders|frontier|territory|soil|airspace|coast|"
                         r"province|provinces|city|cities|town|capital|countryside|side of the border)\b)", re.I)
SPEAKER_IN = re.compile(r"\b(?:spokes(?:man|woman|person)|officials?|ministry|government|diplomats?|sources?|"
                        r"embassy|authorities|leaders?)\s+in\s+$", re.I)     # "a spokesman in Ankara": Turkey
PLACE_BEFORE = re.compile(r"\b(?:in|across|inside|throughout|within|into)\s+(?:the\s+)?$", re.I)


def party_mentions(s: Sentence, etype: str, names: Optional[dict] = None) -> list:
    """(party, start, end, armed) of a sentence, by position: the lexicon's parties (the opposition's
    activists and media are not its political body; its fighters are armed), people named earlier with
    their state or body, and Syria as the destination of a visit. Memoised per sentence in ``names``."""
    if names is None:
        return _party_mentions(s, etype, None)
    memo = names.setdefault("#memo", {})
    key = (s.span.start, etype == "visit", etype in ("meeting", "visit", "call"), len(names))
    if key not in memo:
        memo[key] = _party_mentions(s, etype, names)
    return memo[key]


def _party_mentions(s: Sentence, etype: str, names: Optional[dict]) -> list:
    out = []
    for party, a, b, military in s.parties:
        after = s.text[b:b + 25]
        if PLACE_AFTER.match(after) or (etype not in ("meeting", "visit", "call") and PLACE_BEFORE.search(
                s.text[max(0, a - 12):a]) and not SPEAKER_IN.search(s.text[max(0, a - 40):a])):
            continue                                   # "the Turkish border", "the Britain-based monitor", "in Iraq"
        if party == "Syrian opposition":
            military = military or bool(re.search(r"\b(?:armed|moderate|so-called)\s+$", s.text[max(0, a - 10):a], re.I))
            if OPPOSITION_NOT_A_BODY.match(after) or (s.text[a:b].lower() == "opposition" and any(
                    pb <= a <= pb + 1 and p != party for p, _, pb, _ in s.parties)):
                continue                               # its activists; "Iranian opposition" to a deal
            military = military or bool(ARMED_AFTER.match(after) or ARMED_SURFACE.search(s.text[a:b]))
        else:
            military = military or bool(ARMED_SURFACE.search(s.text[a:b]))
        out.append((party, a, b, military))
    taken = [(a, b) for _, a, b, _ in out]
    for m in DEFINITE_SPEAKER.finditer(s.text):
        party = (names or {}).get("@" + m.group(1).lower())
        if party and not any(a < m.end() and m.start() < b + 2 for a, b in taken):
            out.append((party, m.start(), m.end(), False))
    for surname, party in (names or {}).items():
        if surname[0] in "@#":
            continue
        if surname not in s.text:
            continue
        for m in re.finditer(r"(?<![\w-])" + re.escape(surname) + r"(?![\w-])", s.text):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                out.append((party, m.start(), m.end(), False))
    if etype == "visit":
        out.extend(("Syria", m.start(), m.end(), False) for m in VISIT_TO_SYRIA.finditer(s.text))
    if "Syria" in s.text:
        out.extend(_syria_as_state(s.text, out))
    # "Syria's UN envoy", "the Russian UN ambassador" speak for their state, not for the UN
    out = [p for p in out if not (p[0] == "United Nations" and (OFFICE.search(s.text[p[1]:p[2]]) or OFFICE.match(
        s.text, p[2] + 1)) and any(q[0] != p[0] and p[1] - 4 <= q[2] <= p[1] for q in out))]
    return sorted(out, key=lambda p: p[1])


OFFICE = re.compile(r"\b(?:envoy|ambassador|representative|mission|delegation)\b", re.I)


def _syria_as_state(text: str, found: list) -> list:
    """Syria acting ("Syria has demanded"), or beside another party ("Russia and Syria", "Iran, Syria and
    Hezbollah"), is the Syrian state; Syria as a place ("in Syria") is not a party."""
    out = [("Syria", m.start(), m.end(), False) for m in SYRIA_ACTS.finditer(text)]
    for m in re.finditer(r"\bSyria\b(?![n'\u2019-])", text):
        if PLACE_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            continue
        if any(re.fullmatch(r"\s*(?:,|&|and)\s*", text[b:m.start()] if b <= m.start() else text[m.end():a])
               for p, a, b, _ in found if p != "Syria" and (b <= m.start() or a >= m.end())) \
                and not any(a <= m.start() < b for _, a, b, _ in found + out):
            out.append(("Syria", m.start(), m.end(), False))
    return out


def _parties(s: Sentence, etype: str, trig: int = 0, names: Optional[dict] = None) -> list:
    """The parties of the act: armed forces count only as parties to a truce, or as the accused of an
    accusation a state or body makes; a proposal's parties stop at what the addressees are asked to do
    ("the UN urged Turkey and Iran to press Damascus": UN, Turkey, Iran)."""
    found = party_mentions(s, etype, names)
    end = _proposal_content_start(s.text, trig, found) if etype == "proposal" else len(s.text)
    if etype != "agreement":           # "Russia vetoed the draft, as Moscow argued for talks with Washington"
        brk = CLAUSE_BREAK.search(s.text, _trigger_end(s, trig))
        while brk and any(k == etype and a >= brk.end() and not CLAUSE_BREAK.search(s.text, brk.end(), a)
                          for k, _, a, _ in s.dip):
            brk = CLAUSE_BREAK.search(s.text, brk.end())   # the next clause states the same act again
        end = min(end, brk.start()) if brk else end
    accuser = any(not mil for _, a, _, mil in found)
    venues = {a for _, a, _, _ in found if re.search(r"\b(?:in|at)\s+$", s.text[max(0, a - 4):a])} \
        if etype in ("meeting", "un_action") else set()
    if len({p for p, a, _, _ in found if a not in venues}) < 2:
        venues = set()                                 # the host is a party when no one else is named
    out = []
    for party, a, _, military in found:
        if a >= end or a in venues:
            continue
        if military and etype != "agreement" and not (etype == "accusation" and accuser and party != "Syrian opposition"):
            continue
        if party not in out:
            out.append(party)
    return out


def _proposal_content_start(text: str, trig: int, found: list) -> int:
    """Where the content of an appeal starts: after its addressees, the parties named first after the trigger
    and joined by "and" or commas ("urged Turkey and Iran to ...", "demanded that the UN Security Council
    condemn Turkey")."""
    after = sorted((a, b) for _, a, b, _ in found if a > trig)
    if not after:
        return len(text)
    end = after[0][1]
    for a, b in after[1:]:
        if not re.fullmatch(r"(?:\s*(?:,|&|and)\s*|\s+)(?:the\s+)?", text[end:a]):
            break
        end = b
    return end


AGENT_CLAUSE_STOP = re.compile(r"\b(?:which|while|but|whereas|although|though)\b|;|,\s+and\b", re.I)


NOMINAL = re.compile(r"(?:plea|appeal|proposals?|initiative|call|demands?|request|offer|peace plan|plan to|"
                     r"criticism|accusations?|condemnation)$", re.I)


def agent(s: Sentence, trig: int, names: Optional[dict] = None) -> Optional[str]:
    """Who accuses or proposes: for a noun, its owner ("a US plea", "Russia's proposal") or who it comes
    from ("a plea by Kerry", "criticism from Paris"); for a verb, the first party of its clause ("US officials
    believe Moscow was responsible": United States), an addressee ("a letter to the UN urges") excepted.
    None when none is named."""
    found = [(p, a, b) for p, a, b, mil in party_mentions(s, "", names) if not mil]
    end = _trigger_end(s, trig)
    if re.search(r"ing$", s.text[trig:end].split()[0] if s.text[trig:end].split() else "") and re.search(
            r"[A-Za-z]\s+$", s.text[max(0, trig - 3):trig]):
        # "a protest movement demanding change": the participle's agent is the noun before it
        return next((p for p, a, b in found if trig - 3 <= b <= trig), None)
    by = re.compile(r"\s*(?:by|from)\s+(?:the\s+)?(?:[A-Z][\w.'-]*\s+){0,4}?").match(s.text, end)
    if NOMINAL.search(s.text[trig:end]):
        owner = [p for p, a, b in found if b <= trig and re.fullmatch(r"(?:'s|s|\u2019s)?\s+", s.text[b:trig])]
        if owner:
            return owner[0]
        after = [p for p, a, _ in found if by and by.start() < a <= by.end()]
        if after:
            return after[0]
    stops = [m.end() for m in AGENT_CLAUSE_STOP.finditer(s.text, 0, trig)]
    start = stops[-1] if stops else 0
    before, addressee_end = [], -1
    for p, a, b in found:
        if not start <= a < trig:
            continue
        lead = s.text[max(0, a - 8):a]
        if re.search(r"\bto\s+(?:the\s+)?$", lead) or (addressee_end >= 0 and re.fullmatch(
                r"\s*(?:,|&|and)\s*(?:the\s+)?", s.text[addressee_end:a])):
            addressee_end = b                          # "a letter to the UN and the Security Council"
            continue
        before.append(p)
    if before:
        return before[0]
    after = [p for p, a, _ in found if by and by.start() < a <= by.end()]
    return after[0] if after else None


def _trigger_end(s: Sentence, trig: int) -> int:
    return next((b for _, _, a, b in s.dip if a == trig), trig)


ACCUSED_FOLLOWS = re.compile(r"\b(?:said|says|suggested|suggests|believes?|believed|claimed|claims|alleged|alleges|"
                             r"insisted|argued|argues|thinks|think|stressed|noted|that)\b|,\s*who\b", re.I)


def both_sides(s: Sentence, trig: int, names: Optional[dict] = None) -> bool:
    """An accusation names who accuses and who is accused: a party on each side of its trigger ("Washington
    accused Moscow"), the accuser after it ("Moscow's bombing drew criticism from Paris"), the accused as the
    subject of what the accuser said ("Hollande suggested Moscow was guilty"), or "each other"."""
    found = party_mentions(s, "accusation", names)
    if re.search(r"\b(?:each other|one another)\b", s.text):
        return len({p for p, *_ in found}) >= 2
    by = re.compile(r"\s*(?:by|from)\s+(?:the\s+)?(?:[A-Z][\w.'-]*\s+){0,4}?").match(s.text, _trigger_end(s, trig))
    from_after = {p for p, a, _, mil in found if by and by.start() < a <= by.end() and not mil}
    passive = bool(re.search(r"\b(?:been|was|were|is|are|being|be)\s+(?:[a-z]+ly\s+)?$", s.text[max(0, trig - 20):trig])) \
        and s.text[trig:_trigger_end(s, trig)].lower().endswith("ed")
    if passive:             # "Syria's government has been accused of ...": the subject is the accused
        return bool(from_after) and bool({p for p, a, _, _ in found if a < trig} - from_after)
    accusers = {p for p, a, _, mil in found if a < trig and not mil} | from_after
    accused = {p for p, a, _, _ in found if a > trig} - from_after
    if from_after:
        accused |= {p for p, a, _, _ in found if a < trig}
    if accusers and (accused - accusers or (accused and len(accusers) > 1)):
        return True
    before = [(p, a, b) for p, a, b, mil in found if a < trig]
    return len({p for p, _, _ in before}) >= 2 and any(
        ACCUSED_FOLLOWS.search(s.text, b1, a2) for (p1, _, b1), (p2, a2, _) in zip(before, before[1:]) if p1 != p2)


# ---------------------------------------------------------------- types

def main_act(s: Sentence) -> Optional[tuple]:
    """(event type, trigger offset) of the act a sentence states: a rank-1 trigger (UN action, call) first,
    else the first trigger; a truce named as what an appeal asks for is the appeal ("called for a ceasefire":
    proposal); talks the Security Council holds are its session (UN action). A truce or talks only sought,
    and a veto that may come, are no act."""
    def hypothetical(d) -> bool:
        before = s.text[max(0, d[2] - 40):d[2]]
        if d[0] == "agreement" and re.match(r"(?:deal|deals)\s+with\b", s.text[d[2]:d[3] + 6], re.I):
            return True                                # "to deal with", a verb
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
    rank1 = [d for d in acts if d[1] == 1]
    if rank1:
        first1 = min(rank1, key=lambda d: d[2])
        # "France condemned the Russian veto": the act is the condemnation, the veto its object
        if not any(d[0] in ("accusation", "proposal") and first1[2] - 40 <= d[3] <= first1[2] for d in s.dip):
            return first1[0], first1[2]
    if not acts:
        return None
    first = min(acts, key=lambda d: d[2])
    if first[0] == "meeting" and UN_BODY.search(s.text[max(0, first[2] - 60):first[3] + 60]):
        return "un_action", first[2]
    if first[0] == "agreement":
        asked = [d for d in s.dip if d[0] == "proposal" and first[2] - 50 <= d[3] <= first[2]]
        if asked:
            return "proposal", min(asked, key=lambda d: d[2])[2]
    return first[0], first[2]


def diplomacy_type(s: Sentence) -> Optional[str]:
    act = main_act(s)
    return act[0] if act else None


# a truce sought, not reached: "after failing to secure a ceasefire", "push Russia to agree to a truce"
NOT_REACHED = re.compile(r"\b(?:fail\w*\s+to\s+(?:secure|reach|agree\s+(?:to|on)|broker)|(?:seek|seeks|seeking|sought)|"
                         r"to\s+agree\s+(?:to|on)|efforts?\s+to\s+(?:reach|secure|broker|revive)|hopes?\s+(?:for|of)|"
                         r"push(?:ed|es|ing)?\s+for|revive|salvage|restore|wants?|wanted|favou?rs?|resumption\s+of|"
                         r"conditions\s+(?:necessary\s+)?for|striv\w*\s+(?:to|for)|try\w*\s+to|tried\s+to|"
                         r"work\w*\s+(?:for|towards?)|aim\w*\s+(?:at|to|for)|to\s+(?:secure|reach|broker|achieve))\s+(?:(?:a|an|the|new|fresh|its|their|political)\s+)*"
                         r"(?:[\w-]+\s+){0,2}$", re.I)
DOMESTIC_BODY = re.compile(r"\b(?:parliament|house of commons|commons|congress|senate|duma|cabinet|knesset|majlis)\b",
                           re.I)
UN_BODY = re.compile(r"\b(?:Security Council|General Assembly)\b", re.I)
# "would resort to the General Assembly should Russia use its veto again": a veto that may come
UN_HYPOTHETICAL = re.compile(r"\b(?:should|if|unless|could|might|may|threaten\w*\s+to)\b(?:\s+[\w'-]+){0,4}\s*$", re.I)
STRONG_ACCUSATION = re.compile(r"(?:accus|blam|condemn|critici[sz]|denounc|slammed|lambast|made-up alibi|call)", re.I)
TRUCE_NOUN = re.compile(r"(?:ceasefire|cease-fire|truce|cessation|deal|agreement|accord|pause|moratorium|evacuation)",
                        re.I)
AGREEMENT_FATE = re.compile(r"\b(?:collaps\w*|broke down|crumbled|took effect|entered into force|came into force|"
                            r"announced|agreed|brokered|reached|signed|declared|expired|violated|ended|failure|"
                            r"began|started)\b", re.I)


END_FATE = re.compile(r"\b(?:collaps\w*|broke down|break down|crumbled|fell apart|expired|ended|failed|failure|"
                      r"in tatters|unravel\w*|(?:is|was) over)\b", re.I)
START_FATE = re.compile(r"\b(?:took effect|takes effect|entered into force|came into force|began|begins|started|"
                        r"starts|agreed|brokered|reached|signed|declared|announced|went into effect)\b", re.I)


def truce_fate(text: str, trig: int) -> Optional[str]:
    """Whether a truce named at ``trig`` starts ("took effect") or ends ("collapsed"), by the verb nearest it."""
    near = []
    for kind, rx in (("end", END_FATE), ("start", START_FATE)):
        near += [(min(abs(m.start() - trig), abs(m.end() - trig)), kind) for m in rx.finditer(text, max(0, trig - 60),
                                                                                          trig + 60)]
    return min(near)[1] if near else None


EARLIER = Caseless(r"\b(?:earlier|previously|last (?:week|month|year)|in (?:january|february|march|april|"
                    r"may|june|july|august|september|october|november|december))\b")


def diplomatic_mentions(s: Sentence, names: Optional[dict] = None) -> list:
    """(event_type, actors, trigger offset) of the diplomatic acts one sentence states: its main act, and the
    fate of a truce it names in passing ("... the Russian-American deal, the ceasefire that collapsed last month")."""
    act = main_act(s) if s.dip else None
    if act is None:
        return []
    etype, trig = act
    if "denial" in s.cues and etype != "accusation":
        return []
    out = []
    if not ("hypothetical" in s.cues and etype == "agreement"):
        actors = _parties(s, etype, trig, names)
        if etype == "un_action" and "United Nations" not in actors:
            actors.append("United Nations")          # a vote, veto or resolution is the UN's act too
        out.append((etype, actors, trig))
    if etype != "agreement" and "hypothetical" not in s.cues and not s.headline:
        for kind, _, a, b in s.dip:
            if kind == "agreement" and TRUCE_NOUN.match(s.text[a:b]) \
                    and AGREEMENT_FATE.search(s.text[max(0, a - 60):b + 40]):
                near = [p for p, pa, pb, mil in party_mentions(s, kind, names) if abs(pa - a) <= 60]
                out.append(("agreement", list(dict.fromkeys(near)), a))
                break
    if etype != "accusation" and not s.headline:
        # "... called Russia out for the veto, calling its explanation a made-up alibi": an accusation as well,
        # unless it is what an appeal asks for ("demanded that the Council condemn Turkey")
        content = _proposal_content_start(s.text, out[0][2], party_mentions(s, etype, names)) \
            if etype == "proposal" and out else len(s.text)
        for kind, _, a, b in s.dip:
            if kind == "accusation" and STRONG_ACCUSATION.match(s.text[a:b]) and a < content \
                    and both_sides(s, a, names):
                out.append(("accusation", _parties(s, "accusation", a, names), a))
                break
    return out


# ---------------------------------------------------------------- dates

DIP_DATE_WINDOW = 80

SINCE = re.compile(r"\b(?:since|until|till|before)\s+(?:(?:early|late|mid-?)\s*)?$", re.I)
AS_OF = re.compile(r"\b(?:as of|as at|updated(?: on)?|figures? (?:for|from))\s*$", re.I)
RELATIVE_SPAN = re.compile(r"\b(?P<n>a|one|two|three|four|five|six|seven|\d+|a few|several|hours|days)\s*"
                           r"(?P<unit>days?|weeks?|hours?)?\s+(?P<rel>after|before)\b", re.I)
PART_OF_LAST_WEEK = re.compile(r"\b(?P<part>early|late|earlier|later|end of)\s+last\s+week\b", re.I)
FUTURE_CUE = re.compile(r"\b(?:will|shall|is to|are to|to be held|scheduled|is due|are due|due to|next week|"
                        r"opens|convenes|takes place|gets under way|"
                        r"expected to|plans? to|planned (?:for|to)|set to|upcoming)\b", re.I)
MOTION = re.compile(r"\b(?:went|go|goes|travel\w*|flew|arrived|came|headed|returned|used|agreed|decided|"
                    r"refused|failed|tried|sought|wanted|began|started)\b", re.I)
REPORTING = re.compile(r"\b(?:said|says|told|announced|stated|added|confirmed|reported)\b", re.I)
POSSESSIVE_DATE = re.compile(r"(?:day|night)(?:'s|s|\u2019s)\b", re.I)
CLAUSE_STOP = re.compile(r"(?:\b(?:said|says|told|reported|announced|added|stated|after|before|since|as)\b|[;:.])", re.I)
_NUM = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


@dataclass(frozen=True)
class DateCandidate:
    start: int          # relative to the sentence
    end: int
    value: Optional[str]
    precision: str
    rule: str


def future_clause(text: str, trig: int) -> Optional[int]:
    """Where the act's own clause starts when it speaks of the future ("Kerry will continue on to Paris to
    take part in a separate meeting"): a future cue between the last clause boundary before the trigger
    and the trigger. None when the clause is not in the future tense."""
    lo = max(0, trig - 120)
    window = text[lo:trig + 12]
    stops = [m.end() for m in CLAUSE_STOP.finditer(window) if m.end() <= trig - lo]
    start = stops[-1] if stops else 0
    if FUTURE_CUE.search(window, start):
        return lo + start
    # the headline's future: "Kerry and Lavrov to meet", "Putin to visit Turkey"
    clause = window[start:trig - lo]
    if re.search(r"[A-Z][\w'.-]*\s+to\s+$", clause) and not MOTION.search(clause):
        return lo + start
    # the act as subject of a future verb: "A meeting ... is expected to be held in Moscow", "a gathering that
    # opens Thursday"
    after = text[trig:trig + 90]
    stop = CLAUSE_STOP.search(after)
    if re.fullmatch(r"\W*(?:(?:a|an|the|this|that|their|its)\s+)?(?:[\w-]+\s+){0,2}", window[start:trig - lo], re.I) \
            and FUTURE_CUE.search(after[:stop.start()] if stop else after):
        return trig
    return None


def date_candidates(s: Sentence, published: Optional[dt.date], future: Optional[int] = None) -> list:
    """The dates a sentence states, relative offsets: the date finder's (weekends included), and "early/late
    last week"; a date given "as of" is when a figure was reported, not when something happened, and a date
    led by "since/until" bounds a period. ``future``: where a clause in the future tense starts; its weekdays
    and weekends are the coming ones, and before it, or without it, a date ahead ("next week") dates no past
    act."""
    out = []
    extra = []
    if published is not None:
        for m in PART_OF_LAST_WEEK.finditer(s.text):
            monday = published - dt.timedelta(days=published.weekday() + 7)
            day = monday + dt.timedelta(days=0 if m.group("part").lower().startswith("early") else 4)
            extra.append(DateCandidate(m.start(), m.end(), day.strftime("%Y-%m"), "month", "part_of_last_week"))
    for d in s.dates:
        a, b = d.start - s.span.start, d.end - s.span.start
        if AS_OF.search(s.text[max(0, a - 20):a]) or SINCE.search(s.text[max(0, a - 12):a]) \
                or re.match(r"(?:since|until|till|before)\b", d.surface, re.I) \
                or any(a < e.end and e.start < b for e in extra):
            continue
        value, precision = d.value
        in_future = future is not None and a >= future
        if in_future and d.rule in ("weekday", "weekend") and value is not None \
                and published is not None and value < published.isoformat():
            value = (dt.date.fromisoformat(value) + dt.timedelta(days=7)).isoformat()
        if not in_future and published is not None and (d.rule == "next_period" or (
                value and precision == "day" and value > published.isoformat())):
            continue                               # "cancelled his visit planned for next week"
        out.append(DateCandidate(a, b, value, precision, d.rule))
    return sorted(out + extra, key=lambda c: c.start)


def _stopped_by_truce(s: Sentence, a: int, b: int) -> bool:
    """An attack word a truce names as what it stops is not an attack the sentence reports ("agreed to stop
    air strikes", "a pause in the shelling")."""
    return any((da <= a and b <= db) or (kind == "agreement" and db <= a and re.fullmatch(
        r"\s+(?:in|to|of|on)\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+)?", s.text[db:a]))
        for kind, _, da, db in s.dip)


def _next_to_reporting(text: str, c: DateCandidate) -> bool:
    """"said on Wednesday", "on Wednesday said", "said Wednesday"."""
    return bool(re.search(r"\b(?:said|says|told(?:\s+(?:reporters|journalists|\w+ news agencies))?|announced|stated|"
                          r"added|confirmed|reported)\s+(?:(?:late|early)\s+)?(?:on\s+)?$",
                          text[max(0, c.start - 25):c.start], re.I)
                or re.match(r"\s+(?:said|says|told|announced|stated|added|confirmed|reported)\b", text[c.end:c.end + 15], re.I))


def _distance(c: DateCandidate, pos: int) -> int:
    return min(abs(c.start - pos), abs(c.end - pos))


# ", and his counterpart" joins two people, not two clauses
CLAUSE_BREAK = re.compile(r",\s*(?:and(?!\s+(?:his|her|its|their)\b)|but|while|as|when|whereas)\b|;|\bwhile\b|\bwhereas\b|"
                          r"\bbut\b", re.I)


def _attached_to_act(text: str, c: DateCandidate, trig: int, other: int) -> bool:
    """Is a date the act's rather than the other trigger's? The one in its clause, else the nearer one."""
    def broken(x: int, y: int) -> bool:
        lo, hi = sorted((x, y))
        return bool(CLAUSE_BREAK.search(text, lo, hi))
    with_act, with_other = not broken(c.start, trig), not broken(c.start, other)
    if with_act != with_other:
        return with_act
    return _distance(c, trig) <= _distance(c, other)


def act_date(s: Sentence, published: Optional[dt.date], trig: int, etype: str = "",
             anchor: Optional[str] = None) -> tuple:
    """(date, precision, explicit) of the act whose trigger stands at ``trig`` (relative).

    The date is the one attached to the trigger: within ``DIP_DATE_WINDOW`` characters and nearer to it
    than to any attack the sentence reports ("accused Russia of an attack on Monday": Monday is the
    attack's). An act announced in the future takes its future date ("will meet on Thursday": the next
    Thursday). An act in a clause led by "a day after" is a day before ``anchor``, the date the sentence's
    main clause (or, when it gives none, the article's lead) is about."""
    future = future_clause(s.text, trig)
    cands = [c for c in date_candidates(s, published, future) if c.value is not None]
    rel = [m for m in RELATIVE_SPAN.finditer(s.text) if m.group("unit") or m.group("n").lower() in ("hours", "days")]
    lead = [m for m in rel if m.end() <= trig]
    if lead:
        m = lead[-1]
        brk = CLAUSE_BREAK.search(s.text, trig)
        clause_end = brk.start() if brk else len(s.text)
        # the clause "a day after ..." dates its act itself when it names a date ("days after the truce came
        # into effect on September 12")
        own = [c for c in cands if m.end() <= c.start < trig or (
            trig <= c.start < clause_end and _distance(c, trig) <= DIP_DATE_WINDOW
            and not _next_to_reporting(s.text, c))]
        if not own and "," not in s.text[m.end():trig]:
            return _shift(m, [c for c in cands if c.end <= m.start()], anchor, published)
    cut = next((m.start() for m in rel if m.start() > trig), len(s.text))
    cands = [c for c in cands if c.start < cut]       # dates after "a day after" belong to the other event
    # a date nearer to an attack or another act the sentence reports is theirs ("Tuesday's attack" excepted:
    # the reaction to the day's news); in the future tense, a date next to "said" is the announcement's
    others = [a for _, _, a, b in s.triggers if not _stopped_by_truce(s, a, b)] \
        + [a for k, _, a, _ in s.dip if k != etype]
    cands = [c for c in cands if POSSESSIVE_DATE.search(s.text[c.start:c.end + 3]) or _next_to_reporting(s.text, c)
             or all(_attached_to_act(s.text, c, trig, a) for a in others)]
    if future is not None:      # "officials on Wednesday said Kerry will meet ...": the announcement's date
        cands = [c for c in cands if not _next_to_reporting(s.text, c)]
    if future is not None and etype in ("meeting", "visit", "call", "un_action") and published is not None:
        ahead = [c for c in cands if c.precision == "day" and c.value >= published.isoformat()
                 and _distance(c, trig) <= 2 * DIP_DATE_WINDOW]
        if ahead:
            c = min(ahead, key=lambda c: _distance(c, trig))
            return c.value, c.precision, True
    usable = [c for c in cands if _distance(c, trig) <= DIP_DATE_WINDOW]
    if not usable and future is None:
        # a date further away in the act's own clause: a sentence-initial "On September 9, ...", the statement's
        # date ("A deal has been reached, rebel officials said late on Wednesday"), a clause's last words
        usable = [c for c in cands if not CLAUSE_BREAK.search(s.text, min(c.start, trig), max(c.start, trig))]
    if not usable:
        return None, "unknown", False
    c = min(usable, key=lambda c: (abs(c.start - trig) + (0 if c.start >= trig else 15), c.start))
    return c.value, c.precision, True


def _shift(m: re.Match, before: list, anchor: Optional[str], published: Optional[dt.date]) -> tuple:
    """The date of the event a "N days after/before" clause refers to: N days before/after the main clause's."""
    n = m.group("n").lower()
    unit = (m.group("unit") or m.group("n")).lower()
    if unit.startswith("hour"):
        n = 0
    elif n.isdigit():
        n = int(n)
    else:
        n = _NUM.get(n)
    if n is None:
        return None, "unknown", False
    days = n * (7 if unit.startswith("week") else 1)
    base = next((c.value for c in reversed(before) if c.precision == "day"), None) or anchor \
        or (published.isoformat() if published else None)
    if base is None:
        return None, "unknown", False
    sign = -1 if m.group("rel").lower() == "after" else 1
    return (dt.date.fromisoformat(base) + dt.timedelta(days=sign * days)).isoformat(), "day", True


YEAR = re.compile(r"(?<![\w/.-])((?:19|20)\d\d)(?![\w/-])")


def old_year(s: Sentence, trig: int, published: Optional[dt.date]) -> bool:
    """The sentence dates what it tells by a year before the article's ("the 2013 agreement", "a deal reached
    in 2012"), and by nothing closer."""
    if published is None:
        return False
    for m in YEAR.finditer(s.text):
        if re.search(r"(?:resolution|unscr|no\.)\s*$", s.text[max(0, m.start() - 12):m.start()], re.I):
            continue
        if int(m.group(1)) < published.year:
            return True
    return False


def lead_date(sents: list) -> Optional[str]:
    """The day the article's lead is about: the first day-precision date of its first body sentences."""
    for s in [s for s in sents if not s.headline][:3]:
        for d in sorted(s.dates, key=lambda d: d.start):
            if d.value[0] and d.value[1] == "day":
                return d.value[0]
    return None


# ---------------------------------------------------------------- events

def _same_event(d: DiplomacyDraft, etype: str, actors: list, agent_: Optional[str], date, explicit: bool,
                anaphoric: bool, earlier: bool, fate: Optional[str] = None) -> bool:
    """Does a mention refer to the draft event ``d``?"""
    if d.event_type != etype:
        return False
    if etype == "agreement" and fate and d.fate and fate != d.fate:
        return False                                   # the truce that started, and its collapse
    if etype in ("accusation", "proposal") and agent_ and d.agent and agent_ != d.agent:
        return False                                   # another party accuses, proposes
    overlap = set(d.actors) & set(actors)
    if anaphoric and not earlier:
        return True
    same_time = (d.date == date or (d.precision != "day" and bool(date) and date.startswith(d.date))) \
        if (explicit and d.date is not None) else not earlier
    # a meeting still waiting for its other parties takes the first mention that includes its one party
    waiting = len(d.actors) == 1 and etype in ("meeting", "visit", "call")
    return bool(overlap) and same_time and len(overlap) >= min(2, len(actors), 1 if waiting else 2)


def dated_trigger(s: Sentence, published: Optional[dt.date], trig: int, etype: str,
                  anchor: Optional[str]) -> tuple:
    """The act's date when the sentence names the act more than once ("Kerry and Lavrov to meet ...: Kerry
    will meet Lavrov on Saturday"): the first of its triggers that has a date attached."""
    first = act_date(s, published, trig, etype, anchor)
    if first[2]:
        return first
    for kind, _, a, _ in sorted(s.dip, key=lambda d: d[2]):
        if kind == etype and a > trig and not RELATIVE_SPAN.search(s.text, trig, a) \
                and not CLAUSE_BREAK.search(s.text, trig, a):
            found = act_date(s, published, a, etype, anchor)
            if found[2]:
                return found
    return first


def learn_context(s: Sentence, published: Optional[dt.date], names: dict, context: dict) -> None:
    """A sentence that states no act but dates what named parties did ("The United States and Britain on
    Sunday acknowledged ...", "Assad said in an interview broadcast on Thursday ...") dates their next act."""
    if not s.dates or not s.parties:
        return
    found = [(p, a) for p, a, _, mil in party_mentions(s, "", names) if not mil]
    if not found:
        return
    attacks = [a for _, _, a, _ in s.triggers]
    days = {c.value for c in date_candidates(s, published) if c.value and c.precision == "day"
            and min(_distance(c, a) for _, a in found) < min([_distance(c, a) for a in attacks] or [10 ** 6])}
    if len(days) != 1:
        return
    day = days.pop()
    for party, _ in found:
        context[party] = (day, s.idx)


def context_date(context: dict, idx: int, etype: str, actors: list, who: Optional[str]) -> tuple:
    """The date an undated act takes from the sentence before it (a meeting of the parties it dated), or from
    its speaker's dated statement a few sentences before (an accusation, an appeal)."""
    if etype in ("accusation", "proposal"):
        hit = context.get(who) if who else None
        if hit and idx - hit[1] <= 4:
            return hit[0], "day"
        return None, "unknown"
    hits = {context[p][0] for p in actors if p in context and context[p][1] == idx - 1}
    if len(hits) == 1:
        return hits.pop(), "day"
    return None, "unknown"


def build_diplomacy(sents: list, article: Article) -> list:
    published = article.published
    anchor = lead_date(sents)
    names: dict = {}
    context: dict = {}
    drafts: list = []
    for s in sents:
        mentions = diplomatic_mentions(s, names)
        for etype, actors, trig in mentions:
            new_act = bool(NEW_ACT.search(s.text[max(0, trig - 40):trig]))
            anaphoric = bool(DIP_ANAPHORA.search(s.text)) and not new_act \
                and not FIRST_ACT.search(s.text[max(0, trig - 40):trig])
            date, precision, explicit = dated_trigger(s, published, trig, etype, anchor)
            who = agent(s, trig, names) if etype in ("accusation", "proposal") else None
            if date is None:
                date, precision = context_date(context, s.idx, etype, actors, who)
            fate = truce_fate(s.text, trig) if etype == "agreement" else None
            # "Earlier Kerry broke off talks ...": another, older meeting than the one reported
            earlier = new_act or bool(EARLIER.search(s.text, max(0, trig - 50), trig + 50))
            target = None
            quoted = s.text.lstrip()[:1] in "\"\u201c" and drafts and drafts[-1].event_type == etype \
                and drafts[-1].sentences[-1].idx >= s.idx - 1
            if quoted:
                target = drafts[-1]     # a quotation that carries on the statement just reported
            for d in ([] if quoted else reversed(drafts)):
                if _same_event(d, etype, actors, who, date, explicit, anaphoric, earlier, fate):
                    target = d
                    break
            if target is None and etype == "agreement" and anaphoric and not actors:
                actors = next((list(d.actors) for d in reversed(drafts) if d.event_type == etype), actors)
            if target is None:
                # a meeting whose other parties later sentences name ("Syria talks convened by Kerry ...
                # Kerry hosted Lavrov ...") waits for them; it is dropped at the end if they never come
                pending = etype in ("meeting", "visit", "call") and len(actors) == 1 and not s.headline
                if (len(actors) < MIN_PARTIES[etype] and not pending) or is_background(date, published):
                    continue
                if not explicit and etype not in ("accusation", "proposal") and old_year(s, trig, published):
                    continue
                if (etype == "accusation" and not both_sides(s, trig, names)) or (etype == "proposal" and who is None):
                    continue
                status = "cancelled" if re.search(r"\bcancel+(?:ed|s|ing)?\b|\bcalled off\b|\bpostpon", s.text, re.I) \
                    else ("scheduled" if future_clause(s.text, trig) is not None else "happened")
                venue = next((m.value.name for m in s.places if m.value.kind in ("venue", "city")
                              and not m.value.in_aleppo_city), None)
                drafts.append(DiplomacyDraft([s], etype, actors, date, precision if date else "unknown", venue,
                                             status, who, fate))
                continue
            if s not in target.sentences:
                target.sentences.append(s)
            for a in actors:
                if a not in target.actors:
                    target.actors.append(a)
            if explicit and (target.date is None or (
                    target.precision != "day" and precision == "day" and date.startswith(target.date))):
                target.date, target.precision = date, precision
            target.fate = target.fate or fate
            if target.location is None:
                target.location = next((m.value.name for m in s.places if m.value.kind == "venue"), None)
        learn_names(s, names)
        if not mentions:
            learn_context(s, published, names, context)
    return [Diplomacy(article_id=article.id, event_date=d.date, date_precision=d.precision, event_type=d.event_type,
                      actors=d.actors, location=d.location, status=d.status, spans=[s.span for s in d.sentences])
            for d in drafts if len(d.actors) >= MIN_PARTIES[d.event_type]]
