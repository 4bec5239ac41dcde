"""Stage 7b, totals and repeats: after the article's mentions are resolved, the same toll told twice is one
attack, and a total that is the sum of parts told after it is context, never a claim."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ..models import Claim

if TYPE_CHECKING:                     # the drafts are events.py's; only their fields are read here
    from .events import IncidentDraft

MAX_PARTS = 10       # incidents of one article searched for the parts of a total (2**10 subsets at most)


PARTS_WITHIN = 6     # sentences after a total in which its parts are told
MIN_TOTAL = 3        # "two killed" told as one and one is too weak a sum to call a total


def _part_value(d: IncidentDraft, skip: Optional[Claim] = None, body_only: bool = False) -> Optional[int]:
    """The death toll a draft reports, leaving out the claim ``skip`` (and the headline's, ``body_only``)."""
    ranked = [(p, c) for p, c in d.claims if c.killed is not None and c is not skip and (p > 0 or not body_only)]
    if not ranked:
        return None
    top = max(p for p, _ in ranked)
    return max(c.killed for p, c in ranked if p == top)


SAME_TOLL_MIN = 3     # the same toll told twice in an article, from this size up, is one attack


def _toll_key(d: IncidentDraft) -> Optional[tuple]:
    """What identifies the victims of a draft: its death toll, or with none its wounded."""
    killed = _part_value(d, body_only=True)
    if killed is not None:
        return ("killed", killed)
    wounded = _wounded(d)
    return ("injured", wounded) if wounded is not None else None


def _wounded(d: IncidentDraft) -> Optional[int]:
    values = [c.injured for p, c in d.claims if c.injured is not None and p > 0]
    return max(values) if values else None


def _children(d: IncidentDraft) -> Optional[int]:
    values = [c.children_killed for p, c in d.claims if c.children_killed is not None and p > 0]
    return max(values) if values else None


def fold_same_toll(drafts: list, another=lambda d: False) -> list:
    """Two incidents of one article with the same death toll (at least ``SAME_TOLL_MIN``, or a smaller one
    with the same children on the same side), of the same kind, on compatible sides and days, are one attack
    told twice ("IS executed 18 people ...", then "it was also
    reported that IS executed 18 civilians who ..."): the later folds into the earlier."""
    out: list = []
    for d in drafts:
        key = _toll_key(d)
        toll = key[1] if key else None
        twin = None
        if toll is not None and toll >= 1 and not another(d):     # "another seven people were killed in ..."
            for o in out:
                if toll < SAME_TOLL_MIN and not (_children(o) == _children(d) is not None
                                                 and o.side == d.side and d.side in ("east", "west")) \
                        and not (key[0] == "killed" and _wounded(o) == _wounded(d) is not None
                                 and _wounded(d) >= SAME_TOLL_MIN):
                    continue            # a small toll is the same victims only with the same children, same side,
                                        # or the same wounded ("a woman killed, 30 injured", told twice)
                same_kind = o.event_type == d.event_type or "other" in (o.event_type, d.event_type) \
                    or not (o.strong and d.strong)
                sides = {o.side, d.side} - {None}
                same_side = len(sides) <= 1 or ("city" in sides and sides <= {"city", "east", "west"}) \
                    or max(o.side_rank, d.side_rank) > 2       # one side only read from a cue, not a place
                same_day = not (o.date_explicit and d.date_explicit and o.date != d.date
                                and o.precision == d.precision == "day")     # a month fits any of its days
                siblings = any(x.idx == y.idx for x in o.sentences for y in d.sentences)
                if _toll_key(o) == key and same_kind and same_side and same_day and not siblings and _within(d, o, None):
                    twin = o
                    break
        if twin is None:
            out.append(d)
            continue
        twin.sentences.extend(x for x in d.sentences if x not in twin.sentences)
        twin.claims.extend(d.claims)
        if twin.actor_strength < d.actor_strength:
            twin.actor, twin.actor_strength = d.actor, d.actor_strength
        if twin.place is None or (d.place is not None and d.side_rank < twin.side_rank):
            twin.place, twin.side, twin.side_rank = d.place, d.side or twin.side, d.side_rank
        twin.trace.append(f"sentence {d.sentences[0].idx} tells the same toll ({toll}): the same attack")
    return out


def _sums_to(total: int, values: list) -> Optional[tuple]:
    """Indices of two or more ``values`` that add up to ``total``, or None."""
    n = min(len(values), MAX_PARTS)
    for mask in range(1, 1 << n):
        picked = [i for i in range(n) if mask >> i & 1]
        if len(picked) >= 2 and sum(values[i] for i in picked) == total:
            return tuple(picked)
    return None


def _within(part: IncidentDraft, total: IncidentDraft, side: Optional[str], named: frozenset = frozenset()) -> bool:
    """Can ``part`` be one of the attacks ``total`` sums: on the side of the front line the total's sentence
    names (``side``), in its governorate or one the total's sentence names (``named``)."""
    if side and part.side in ("east", "west") and part.side != side:
        return False
    if part.place is not None and part.place.governorate in named:
        return True
    return not (part.place is not None and total.place is not None and part.place.governorate
                and total.place.governorate and part.place.governorate != total.place.governorate)


def fold_totals(drafts: list) -> list:
    """A toll that is the sum of two or more of the article's incidents ("18 killed", then "11 in A" and
    "7 in B") is an aggregate: the parts are the incidents; the total is kept as context of the first part
    (its sentence stays evidence, its figure is never a claim), and a part placed only in the city takes
    the side the total names."""
    taken: list = []                  # the parts of a total found so far: a part is no total of later parts
    for d in list(drafts):
        if any(d is p for p in taken):
            continue
        for prio, c in list(d.claims):
            if c.killed is None or c.killed < MIN_TOTAL or not any(x is c for _, x in d.claims):
                continue            # no toll, or already kept as context (the same total told again)
            told = next((x for x in d.sentences if x.span == c.span), d.sentences[0])
            at = told.idx
            side = "east" if "side_east" in told.cues else "west" if "side_west" in told.cues else None
            provinces = frozenset(m.value.governorate for m in told.places if m.value.governorate)
            own = _part_value(d, skip=c)
            # the parts follow the total closely (a lead, then its breakdown) and are placed; a total that
            # stands alone names no precise place but theirs ("13 killed in A, B, C and D": 9 in A and B ...)
            named = {m.value.place_id for x in d.sentences for m in x.places}
            headline = prio == 0        # a headline sums the whole article: its parts may be told anywhere
            others = [o for o in drafts if o is not d and 0 <= o.sentences[0].idx - at
                      and (o.date == d.date or not (o.date_explicit and d.date_explicit))   # parts of its day
                      and (headline or o.sentences[0].idx - at <= PARTS_WITHIN)
                      and (o.place is not None or o.sentences[0].clause > 0 or any(x.local for x in o.sentences))
                      and (headline or (
                          _within(o, d, side, provinces) and (own is not None or d.place is None or o.place is None
                                                   or d.place.precision > 2 or o.place.place_id in named)))]
            pool = ([d] if own is not None else []) + others
            values = [own if o is d else _part_value(o) for o in pool]
            keep = [i for i, v in enumerate(values) if v is not None and v < c.killed]
            picked = _sums_to(c.killed, [values[i] for i in keep])
            if picked is None:
                continue
            parts = [pool[keep[i]] for i in picked]
            taken.extend(parts)
            d.claims.remove((prio, c))
            d.trace.append(f"toll {c.killed} is the total of {' + '.join(str(_part_value(p)) for p in parts)}: "
                           "kept as context")
            for head in [(p, x) for p, x in d.claims if p == 0 and x.killed is not None and x.killed >= c.killed]:
                d.claims.remove(head)     # the headline sums the day as the total does: context too
                d.trace.append(f"the headline's toll {head[1].killed} sums the same attacks: kept as context")
            told_again = [(p, x) for p, x in d.claims if x.killed == c.killed]
            for again in told_again:
                d.claims.remove(again)    # the same total told again ("16 dead ...", then "Sixteen civilians ...")
                d.trace.append(f"toll {c.killed} told again: the same total, kept as context")
            again_spans = {x.span for _, x in told_again}
            for p in parts:
                if p.side in (None, "city") and d.side in ("east", "west"):
                    p.side, p.side_rank = d.side, d.side_rank
                if p.event_type == "other" and d.event_type != "other":
                    p.event_type, p.strong = d.event_type, d.strong
                if p.actor is None and d.actor is not None:
                    p.actor, p.actor_strength = d.actor, 1
            rest = [x for x in d.sentences if x.idx != at and not x.headline and x.span not in again_spans
                    and not any(x.idx == y.idx for p in parts for y in p.sentences)]
            if not any(x.killed is not None or x.injured is not None for _, x in d.claims) and d not in parts \
                    and not (headline and rest):        # an attack of its own under a headline total stays
                first = min(parts, key=lambda p: p.sentences[0].idx)
                first.sentences[:0] = [s for s in d.sentences if s not in first.sentences]
                first.trace.append(f"the total's sentence {d.sentences[0].idx} folded in as context")
                drafts.remove(d)
                break
    return drafts

