"""Parties of a diplomatic sentence: states, international bodies and the opposition's political bodies
as the lexicon names them, sorted out from armed groups and places, with people and speakers named earlier
("Rahmoun called upon ...", "the ministry said"); who accuses or proposes, and to whom."""
from __future__ import annotations

import re
from typing import Optional

from ...text import Caseless, fold
from ..scan import Sentence

# ", and his counterpart" joins two people, not two clauses
CLAUSE_BREAK = Caseless(r",\s*(?:and(?!\s+(?:his|her|its|their)\b)|but|while|as|when|whereas)\b|;|\bwhile\b|\bwhereas\b|"
                        r"\bbut\b")


# ---------------------------------------------------------------- parties

OPPOSITION_NOT_A_BODY = re.compile(r"^(?:'s|s)?\s+(?:activists?|sources?|media|monitors?|areas?|districts?|"
                                   r"neighbou?rhoods?|supporters|territory|strongholds?|enclaves?|pockets?|positions|"
                                   r"bastions?)\b", re.I)
ARMED_AFTER = re.compile(r"^(?:'s|s)?\s+(?:fighters|forces|rebels|groups?|factions?|militias?|brigades?|"
                         r"commanders?|units?|gunmen)\b", re.I)
# "the main (Syrian) opposition group", "the umbrella opposition body": the political opposition
MAIN_BODY_BEFORE = re.compile(r"\b(?:main|largest|umbrella|political|exiled|mainstream|western-backed)\s+$", re.I)
ARMED_SURFACE = re.compile(r"(?:forces|fighters|army|troops|aircraft|jets|warplanes|military)$", re.I)
# the armed opposition as a party to a truce: "a deal with the rebels", "insurgents accepted the truce"
REBELS_AS_PARTY = re.compile(r"\b(?:deal|agreement|truce|ceasefire|accord)\s+with\s+(?:the\s+)?(?:rebels?|rebel groups|"
                             r"insurgents|armed groups|opposition groups)\b|\b(?:rebels|insurgents|opposition groups)\s+"
                             r"(?:have\s+|had\s+)?(?:agreed|accepted|signed)\b", re.I)
# a truce "between the warring sides": the government and the opposition
BOTH_SIDES = re.compile(r"\bbetween\s+(?:the\s+)?(?:warring|two|rival)\s+(?:sides|parties|factions)\b|"
                        r"\bbetween\s+(?:the\s+)?(?:government|regime|damascus)\s+and\s+(?:the\s+)?(?:rebels?(?:\s+(?:groups|"
                        r"factions))?|opposition|insurgents|armed groups)\b",
                        re.I)

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


NAME_HINT = re.compile(r"[A-Z][\w'-]+\s+[A-Z]")
OFFICE_WORDS = ("ministry", "spokes", "minister", "envoy", "ambassador", "embassy", "presiden", "kremlin", "military")


def _names_someone(text: str, lo: int, hi: int) -> bool:
    """``NAME_OR_OFFICE_HINT.search(text, lo, hi)``, its words looked up in the folded window and only its
    name part ("Sergei Lavrov") run as a regex."""
    window = fold(text[lo:hi])
    if window is None:
        return bool(NAME_OR_OFFICE_HINT.search(text, lo, hi))
    return any(w in window for w in OFFICE_WORDS) or bool(NAME_HINT.search(text, lo, hi))


# (compiled once: what ``learn_names`` reads after each party)
_SPEAKER_NOUN_AT_END = re.compile(SPEAKER_NOUN + r"$", re.I)
_SPEAKER_NOUN_WORD = re.compile(r"\b" + SPEAKER_NOUN + r"\b", re.I)
_WORDS_AFTER = re.compile(r"(?:'s|s|\u2019s)?(?:\s+[\w-]+){0,4}", re.I)
_SPACE_AFTER = re.compile(r"(?:'s|s|\u2019s)?\s")
_STOP_MARK = re.compile(r"[.;:]")
_LOWER_WORD = re.compile(r"\b[a-z][\w-]*")


def learn_names(s: Sentence, names: dict) -> None:
    """Remember the people this sentence introduces with their state or body, for later sentences that
    name them by surname alone ("Rahmoun called upon ..."), and whose ministry, spokesman, envoy it names,
    for a later "the ministry said"."""
    if not s.parties:
        return
    for party, a, b, military in s.parties:
        if military:
            continue
        own = _SPEAKER_NOUN_AT_END.search(s.text[a:b])
        if own:
            names["@" + own.group(1).lower()] = party
        if not _names_someone(s.text, b, b + 110):
            continue
        m = _WORDS_AFTER.match(s.text, b)
        for noun in _SPEAKER_NOUN_WORD.finditer(m.group(0)):
            names["@" + noun.group(1).lower()] = party
        window = s.text[b:b + 110]
        if not _SPACE_AFTER.match(window):
            continue
        for run in CAPITAL_RUN.finditer(window):
            if _STOP_MARK.search(window[:run.start()]) or len(_LOWER_WORD.findall(window[:run.start()])) > 4:
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
            political = bool(MAIN_BODY_BEFORE.search(s.text, max(0, a - 25), a))   # "the main opposition group"
            military = military or (not political and bool(ARMED_AFTER.match(after))) \
                or bool(ARMED_SURFACE.search(s.text[a:b]))
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


OBJECT_OF = re.compile(r"\b(?:on|in|for|of|about|to|into|from|across|inside|over|with)\s+$", re.I)


# a state as the one accused or addressed: "condemned Syria", "urged Syria to", "called on Syria to"
ADDRESSED_BEFORE = re.compile(r"\b(?:condemned|condemns|accused|accuses|blamed|blames|criticised|criticized|"
                              r"denounced|urged|urges|called on|calls on|pressed|warned|warns|told)\s+$", re.I)


def _syria_as_state(text: str, found: list) -> list:
    """Syria acting ("Syria has demanded"), or beside another party ("Russia and Syria", "Iran, Syria and
    Hezbollah"), is the Syrian state; Syria as a place ("in Syria") is not a party."""
    out = [("Syria", m.start(), m.end(), False) for m in SYRIA_ACTS.finditer(text)
           if not OBJECT_OF.search(text[max(0, m.start() - 10):m.start()])]     # "the inquiry on Syria said"
    for m in re.finditer(r"\bSyria\b(?![n'\u2019-])", text):
        if ADDRESSED_BEFORE.search(text, max(0, m.start() - 30), m.start()) \
                and not any(a <= m.start() < b for _, a, b, _ in found + out):
            out.append(("Syria", m.start(), m.end(), False))   # "France condemned Syria", "urged Syria to"
            continue
        if PLACE_BEFORE.search(text[max(0, m.start() - 12):m.start()]) or OBJECT_OF.search(
                text[max(0, m.start() - 10):m.start()]):
            continue                                   # "in Syria and Iraq", "the envoy to Syria, de Mistura"
        if any(re.fullmatch(r"\s*(?:,|&|and)\s*", text[b:m.start()] if b <= m.start() else text[m.end():a])
               for p, a, b, _ in found if p != "Syria" and (b <= m.start() or a >= m.end())) \
                and not any(a <= m.start() < b for _, a, b, _ in found + out):
            out.append(("Syria", m.start(), m.end(), False))
    return out


def act_parties(s: Sentence, etype: str, trig: int = 0, names: Optional[dict] = None) -> list:
    """The parties of the act: armed forces count only as parties to a truce, or as the accused of an
    accusation a state or body makes; a proposal's parties stop at what the addressees are asked to do
    ("the UN urged Turkey and Iran to press Damascus": UN, Turkey, Iran)."""
    found = party_mentions(s, etype, names)
    end = proposal_content_start(s.text, trig, found) if etype == "proposal" else len(s.text)
    if etype != "agreement":           # "Russia vetoed the draft, as Moscow argued for talks with Washington"
        brk = CLAUSE_BREAK.search(s.text, trigger_end(s, trig))
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
    if etype == "agreement" and BOTH_SIDES.search(s.text):
        out += [p for p in ("Syria", "Syrian opposition") if p not in out]
    elif etype == "agreement" and REBELS_AS_PARTY.search(s.text) and "Syrian opposition" not in out:
        out.append("Syrian opposition")     # "a deal with the rebels", "rebels agreed to": a party to a truce
    return out


def proposal_content_start(text: str, trig: int, found: list) -> int:
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


AGENT_CLAUSE_STOP = Caseless(r"\b(?:which|while|but|whereas|although|though)\b|;|,\s+and\b")


NOMINAL = re.compile(r"(?:plea|appeal|proposals?|initiative|call|demands?|request|offer|peace plan|plan to|"
                     r"criticism|accusations?|condemnation)$", re.I)


def agent(s: Sentence, trig: int, names: Optional[dict] = None) -> Optional[str]:
    """Who accuses or proposes: for a noun, its owner ("a US plea", "Russia's proposal") or who it comes
    from ("a plea by Kerry", "criticism from Paris"); for a verb, the first party of its clause ("US officials
    believe Moscow was responsible": United States), an addressee ("a letter to the UN urges") excepted.
    None when none is named."""
    found = [(p, a, b) for p, a, b, mil in party_mentions(s, "", names) if not mil]
    end = trigger_end(s, trig)
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


def trigger_end(s: Sentence, trig: int) -> int:
    return next((b for _, _, a, b in s.dip if a == trig), trig)


ACCUSED_FOLLOWS = Caseless(r"\b(?:said|says|suggested|suggests|believes?|believed|claimed|claims|alleged|alleges|"
                           r"insisted|argued|argues|thinks|think|stressed|noted|that)\b|,\s*who\b")


def both_sides(s: Sentence, trig: int, names: Optional[dict] = None) -> bool:
    """An accusation names who accuses and who is accused: a party on each side of its trigger ("Washington
    accused Moscow"), the accuser after it ("Moscow's bombing drew criticism from Paris"), the accused as the
    subject of what the accuser said ("Hollande suggested Moscow was guilty"), or "each other"."""
    found = party_mentions(s, "accusation", names)
    if re.search(r"\b(?:each other|one another)\b", s.text):
        return len({p for p, *_ in found}) >= 2
    by = re.compile(r"\s*(?:by|from)\s+(?:the\s+)?(?:[A-Z][\w.'-]*\s+){0,4}?").match(s.text, trigger_end(s, trig))
    from_after = {p for p, a, _, mil in found if by and by.start() < a <= by.end() and not mil}
    passive = bool(re.search(r"\b(?:been|was|were|is|are|being|be)\s+(?:[a-z]+ly\s+)?$", s.text[max(0, trig - 20):trig])) \
        and s.text[trig:trigger_end(s, trig)].lower().endswith("ed")
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
