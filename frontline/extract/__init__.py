"""Extraction: article text -> incidents and diplomatic events.

The stages, in the order they run, one module each:

1. ``sentences``  where the body starts and ends; sentence spans (a headline repeated in the body is cut out)
2. ``scan``       one pass of every lexicon; per sentence: triggers, figures, dates, places, actors, parties, cues
3. ``figures``    casualty figures ("at least 13 killed", "22 civilians, including seven children")
4. ``dates``      dates resolved against the publication date (never the clock)
5. ``places``     where an attack fell and on which side of the front line
6. ``mentions``   does a sentence report an attack; type, perpetrator, figures (claims)
7. ``events``     mentions resolved into the article's incidents; ``totals``: the same toll told twice is one
                  attack, a total told before its parts is context
8. ``diplomacy``  diplomatic acts grouped into events (a package: acts, parties, dating, events)

Every event keeps the sentences it was read from (``Span``) and each source's figures (``Claim``).
"""
from __future__ import annotations

from ..models import Article, ArticleEvents
from ..rxcache import cached_compiles
from ..text import split_sentences

# the stages compile ~470 patterns as they are imported: built from a cache of their compiled code
with cached_compiles("extract"):
    from .dates import find_dates_in_spans
    from .diplomacy import build_diplomacy
    from .events import build_incidents
    from .mentions import split_mentions
    from .scan import LEXICONS, analyse, clause_of, scan_lexicons
    from .sentences import boilerplate_start, dateline_end, glued_breaks, headline_breaks, mark_headline

__all__ = ["LEXICONS", "analyse_article", "extract_article"]


def analyse_article(article: Article) -> list:
    """The article's sentences, analysed (the unit of diplomacy)."""
    return _analysed(article)[0]


def _analysed(article: Article) -> tuple:
    """(sentences, incident mentions): a sentence that reports several attacks gives one mention each."""
    text = article.text or ""
    text = text[:boilerplate_start(text)]
    skip = dateline_end(text, article.published)
    head = tuple(headline_breaks(text, article.title))
    breaks = head + ((skip,) if skip else ()) + glued_breaks(text)
    spans = split_sentences(text, breaks)
    dates = find_dates_in_spans(text, spans, article.published)
    sents, mentions = [], []
    for i, (span, hits, d) in enumerate(zip(spans, scan_lexicons(text, spans), dates)):
        s = analyse(span, i, article.published, skip, hits, d)
        sents.append(s)
        mark_headline([s], head)
        mentions.extend(split_mentions(s, lambda a, b, s=s, hits=hits: clause_of(s, hits, a, b)))
    return sents, mentions


def extract_article(article: Article) -> ArticleEvents:
    """Incidents and diplomatic events of one article; pure, never reads the clock."""
    with cached_compiles("extract"):       # the lexicons compile their patterns on first use
        sents, mentions = _analysed(article)
        incidents = build_incidents(mentions, article)
        return ArticleEvents(article, incidents, build_diplomacy(sents, article, incidents))
