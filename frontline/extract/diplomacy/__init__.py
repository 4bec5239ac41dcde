"""Stage 8, diplomacy: diplomatic acts (meetings, calls, UN action, visits, agreements, proposals,
accusations) and their grouping into events.

The stage reads, per sentence, the diplomatic triggers and the parties the lexicon scan found, and:

1. ``parties.party_mentions``: the parties of a sentence (armed groups marked, people named earlier with their
   state or body counted for it, a visit's destination state);
2. ``acts.diplomatic_mentions``: the acts one sentence states (type, parties, trigger offset);
3. ``dating.act_date``: the date attached to the act's trigger (not another clause's, not a reporting date),
   resolved by the tense of the act's clause, relative phrases ("a day after", "over the weekend") included;
4. ``events.build_diplomacy``: mentions resolved into the article's events (one meeting reported three times is
   one event; two meetings, a truce that starts and the same truce collapsing, stay two).
"""
from .acts import EARLIER
from .events import DIP_ANAPHORA, build_diplomacy

__all__ = ["DIP_ANAPHORA", "EARLIER", "build_diplomacy"]
