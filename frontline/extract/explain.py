"""How the extractor reads one article: for each incident, the mentions (clauses) it was made of and the
fold, split and total decisions that made it one event. Pure; the dashboard's Evidence page shows it."""
from __future__ import annotations

from ..models import Article
from . import extract_article


def explain_incidents(article: Article) -> list:
    """One dict per incident, in extraction order: ``n`` (1-based), ``event_type``, ``location``, ``killed``,
    ``event_date``, ``mentions`` (the text of each clause it was read from) and ``trace`` (one line per
    decision)."""
    out = []
    for n, inc in enumerate(extract_article(article).incidents, 1):
        out.append({"n": n, "event_type": inc.event_type, "location": inc.location, "killed": inc.killed,
                    "event_date": inc.event_date, "mentions": [m.text for m in inc.mentions],
                    "trace": list(inc.trace)})
    return out
