"""Stage 1, sentences: where the article body starts and ends (dateline, headline repeated in the body,
page furniture after it), before the text is split into sentence spans."""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Optional

from ..resources import lexicon
from ..text import Caseless
from .dates import find_dates


def headline_breaks(text: str, title: str) -> tuple:
    """Offsets around a headline that the body repeats (FA-KES glues it to the first sentence)."""
    title = (title or "").strip()
    if len(title) < 12:
        return ()
    head = title.split("|")[0].strip()
    i = text.lower().find(head.lower(), 0, 600)
    return (i, i + len(head)) if i >= 0 else ()


# a sentence glued to the last one's last word (copy that lost its full stops): a capitalised opener right after
# a lower-case word ("... in Aleppo province In the government-held west ...", "... the site Meanwhile rebels ...")
# (the space first, the letter before it looked behind for: the scan then skips from space to space)
_GLUED_OPENER = re.compile(r" (?<=[a-z0-9\])] )(?=(?:In (?:the|a|an)|Meanwhile|Elsewhere|Separately|Earlier|Later|"
                           r"On (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b)")


# a photo caption's credit ends the caption: "... in Idlib province August 6 2016 (TRT World and Agencies) A suicide"
_CAPTION_CREDIT = re.compile(r"[(\[](?:TRT World and Agencies|TRT World|AFP|Reuters|AP|AA|Getty Images|Anadolu Agency|"
                             r"EPA|Xinhua|SANA)(?: Photo)?[)\]]")


# a caption's closing year glued to the next sentence's first word: "... on August 15, 2016Rebel shelling ..."
_GLUED_YEAR = re.compile(r"(?<=[\s,](?:19|20)\d\d)(?=[A-Z][a-z]+\s)")


def glued_breaks(text: str) -> tuple:
    """Offsets where a sentence that lost its full stop starts, or a photo caption ends."""
    return tuple(m.end() for m in _GLUED_OPENER.finditer(text)) + tuple(m.end() for m in _CAPTION_CREDIT.finditer(text)) \
        + tuple(m.end() for m in _GLUED_YEAR.finditer(text))


# a page's time stamp whose day and year lost the space between them: "Last updated at Nov 022017"
_GLUED_STAMP = re.compile(r"\s*(?:last\s+)?(?:updated|published|posted)(?:\s+(?:at|on))?\s+(?:jan|feb|mar|apr|may|jun|"
                          r"jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+[0-3]\d(?:19|20)\d\d\b", re.I)


def dateline_end(text: str, published: Optional[dt.date]) -> int:
    """End offset of a dateline at the very start of the text, 0 if none."""
    stamp = _GLUED_STAMP.match(text)
    if stamp:
        return stamp.end()
    if published is None:
        return 0
    ends = [m.end for m in find_dates(text[:80], published)
            if m.start <= 40 and m.value[0] == published.isoformat() and _dateline_lead(text[:m.start])]
    return max(ends, default=0)


# what may stand before a dateline's date: "Wed", "Last updated at", "Published", "Date of publication", a city
_DATELINE_WORDS = {"last", "updated", "at", "on", "published", "posted", "date", "of", "publication", "by"}


def _dateline_lead(lead: str) -> bool:
    """Is the text before a date no more than a dateline's lead-in ("Published", "BEIRUT,"), not a sentence
    ("The United States and Russia said early Saturday")?"""
    words = re.findall(r"[A-Za-z]+", lead)
    if [w.lower() for w in words] == ["on"]:
        return False    # "On August 16, the minister spoke ...": the sentence's own date
    return len(words) <= 4 and all(w.lower() in _DATELINE_WORDS or w[0].isupper() for w in words) \
        and not any(w.lower() in ("said", "says", "and", "the") for w in words)


def boilerplate_start(text: str) -> int:
    """Where the page furniture after the article begins ("Related News ..."), or len(text)."""
    m = _boilerplate().search(text, len(text) // 2)
    return m.start() if m is not None else len(text)


@functools.lru_cache(maxsize=1)
def _boilerplate() -> Caseless:
    """The boilerplate lexicon's alternation (its word edges included) scanning folded text: the first match
    from the article's middle on is the lexicon's first there."""
    return Caseless(lexicon("lexicon/boilerplate.csv").regex.pattern)


def mark_headline(sents: list, breaks: tuple) -> None:
    if breaks:
        for s in sents:
            if s.span.start == breaks[0]:
                s.headline = True
