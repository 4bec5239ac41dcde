"""A synthetic corpus of any size, built by recombining real sentences.

The sentence pool comes from the FA-KES corpus (``../shared/corpora/fa-kes``)
when it is there, else from the seed articles in ``seeds/`` plus a few built-in
sentences in the same register, so the benchmark and the scale tests run
anywhere. Each synthetic article takes the sentence count of a random pool
article, then that many random pool sentences, a random outlet and a
publication day in 2016; the same ``seed`` always gives the same articles.

:func:`synthetic_articles` is a generator: it holds the pool (a few MB) and one
article at a time, never the corpus, so 100,000 articles cost no more memory
than ten. :func:`write_jsonl` writes the same articles as a JSON-lines file that
``python -m frontline ingest`` reads back into identical Articles.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from .models import Article

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 2016
FIRST_DAY = dt.date(2016, 1, 1)
N_DAYS = 366
# an upper bound for plausible publication dates that does not read the clock
_TODAY = dt.date(2100, 1, 1)

# used only when ../shared is absent: the seed articles plus these sentences
BUILTIN_SENTENCES = (
    "Syrian government warplanes struck the rebel-held al-Shaar district of Aleppo on Tuesday, "
    "killing at least 12 civilians, the Syrian Observatory for Human Rights said.",
    "Rebel shelling on the government-held Hamdaniyah neighbourhood killed four people including two "
    "children, state news agency SANA reported.",
    "Russian jets carried out more than 30 air strikes on eastern Aleppo overnight into Thursday.",
    "The White Helmets civil defence group said its volunteers pulled 15 bodies from the rubble in Bustan al-Qasr.",
    "Terrorists targeted residential neighbourhoods in Aleppo city with rocket shells, injuring nine civilians.",
    "Barrel bombs dropped by regime helicopters hit a market in Salaheddine, killing eight people.",
    "Clashes between government forces and rebels continued around the Castello road north of the city.",
    "A suicide car bomb killed 22 people at a checkpoint near Azaz close to the Turkish border.",
    "US Secretary of State John Kerry met Russian Foreign Minister Sergei Lavrov in Geneva on Friday.",
    "The UN Security Council will meet on Saturday to discuss the situation in Aleppo.",
    "Russia vetoed a French draft resolution calling for an end to air strikes on Aleppo.",
    "Turkish President Recep Tayyip Erdogan spoke by phone with Vladimir Putin about a ceasefire.",
    "UN envoy Staffan de Mistura proposed that the jihadist fighters leave eastern Aleppo.",
    "Dozens of people were wounded when shells landed on the western district of Midan.",
    "Government forces advanced into Hanano in the north-east of the besieged eastern part of the city.",
    "The monitoring group said 26 civilians were killed across the province on Sunday.",
    "Aid agencies warned that food supplies in the besieged districts would run out within weeks.",
    "Foreign ministers of the countries backing the opposition will meet in Paris next week.",
    "An air strike on a hospital in the rebel-held Sakhour district killed two medics and a patient.",
    "Kurdish fighters in Sheikh Maqsoud said they had repelled an attack by rebel groups.",
    "Warplanes bombed the town of al-Atarib west of Aleppo, killing at least seven people.",
    "The ceasefire agreed by Washington and Moscow collapsed after a week.",
    "Syrian state television said mortar fire on the Furqan area killed three students.",
    "Residents said the bombardment was the heaviest in weeks.",
)
BUILTIN_TITLES = (
    "Air strikes pound rebel-held east Aleppo",
    "Shelling kills civilians in government-held west Aleppo",
    "Diplomats meet as Aleppo ceasefire collapses",
    "Civilians flee as fighting intensifies around Aleppo",
    "UN calls for humanitarian pause in Aleppo",
)
BUILTIN_OUTLETS = ("reuters", "sana", "alaraby", "manar", "dailysabah", "etilaf", "sputnik", "ahram")


@dataclass(frozen=True)
class SentencePool:
    """What articles are recombined from."""
    sentences: tuple      # every sentence
    openers: tuple        # indexes of sentences that did not open their article (no dateline)
    lengths: tuple        # sentence count of each source article
    titles: tuple
    outlets: tuple
    origin: str           # "fa-kes" or "built-in"

    @property
    def n_chars(self) -> int:
        return sum(len(s) for s in self.sentences)


def shared_dir() -> Path:
    """``$FRONTLINE_SHARED``, else ``../shared`` beside the project."""
    env = os.environ.get("FRONTLINE_SHARED")
    return Path(env) if env else PROJECT_ROOT.parent / "shared"


def fakes_csv() -> Optional[Path]:
    """The FA-KES corpus file, or ``None`` when ../shared is absent."""
    p = shared_dir() / "corpora" / "fa-kes" / "FA-KES-Dataset.csv"
    return p if p.is_file() else None


def _pool_from_articles(articles, origin: str, extra_sentences=(), extra_titles=(), extra_outlets=()):
    from .text import split_sentences
    sentences, openers, lengths, titles, outlets = [], [], [], [], []
    for art in articles:
        spans = [s for s in split_sentences(art.text) if len(s.text.split()) >= 3]
        if not spans:
            continue
        lengths.append(len(spans))
        for i, s in enumerate(spans):
            if i > 0:
                openers.append(len(sentences))
            sentences.append(s.text)
        if art.title:
            titles.append(art.title)
        if art.source:
            outlets.append(art.source)
    for s in extra_sentences:
        openers.append(len(sentences))
        sentences.append(s)
    if extra_sentences:
        lengths += [4, 6, 8, 10, 12]
    titles += list(extra_titles)
    outlets += list(extra_outlets)
    if not sentences:
        raise ValueError("no sentences to build a synthetic corpus from")
    return SentencePool(tuple(sentences), tuple(openers or range(len(sentences))), tuple(lengths),
                        tuple(titles) or ("Untitled",), tuple(sorted(set(outlets))) or ("synthetic",), origin)


def builtin_pool() -> SentencePool:
    """A small pool that needs nothing outside the project: seeds/ plus built-in sentences."""
    from .readers import read_paths
    seeds = PROJECT_ROOT / "seeds"
    arts = list(read_paths([seeds], today=_TODAY, warn=lambda m: None)) if seeds.is_dir() else []
    return _pool_from_articles(arts, "built-in", BUILTIN_SENTENCES, BUILTIN_TITLES, BUILTIN_OUTLETS)


def load_pool(csv_path: Optional[Path] = None) -> SentencePool:
    """The FA-KES sentence pool (``csv_path`` or ../shared), else :func:`builtin_pool`."""
    path = Path(csv_path) if csv_path else fakes_csv()
    if path is None or not path.is_file():
        return builtin_pool()
    from .readers import read_paths
    return _pool_from_articles(read_paths([path], today=_TODAY, warn=lambda m: None), "fa-kes")


def synthetic_articles(n: int, *, seed: int = DEFAULT_SEED, pool: Optional[SentencePool] = None,
                       id_prefix: str = "syn") -> Iterator[Article]:
    """``n`` synthetic articles, one at a time, the same for the same ``seed`` and pool.

    The publication date is the text's own dateline when its first sentence
    happens to carry one, else the drawn day of 2016, exactly as the readers
    resolve it, so a round trip through :func:`write_jsonl` gives equal Articles.
    """
    from .readers import resolve_published
    pool = pool or load_pool()
    rng = random.Random(seed)
    sentences, openers = pool.sentences, pool.openers
    width = max(6, len(str(max(n, 1) - 1)))
    for i in range(n):
        k = max(1, rng.choice(pool.lengths))
        parts = [sentences[rng.choice(openers)]]
        parts += [sentences[rng.randrange(len(sentences))] for _ in range(k - 1)]
        # a paragraph break every few sentences, as wire copy has
        text = ""
        for j, s in enumerate(parts):
            text += s if j == 0 else ("\n\n" if j % 4 == 0 else " ") + s
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(N_DAYS))
        title = rng.choice(pool.titles).strip()
        source = rng.choice(pool.outlets).strip()
        published, origin = resolve_published(text, day, today=_TODAY, warn=lambda m: None)
        yield Article(id=f"{id_prefix}{seed}-{i:0{width}d}", text=text, title=title, source=source,
                      url="", published=published, published_from=origin)


def article_record(a: Article) -> dict:
    """The JSON-lines record of an article (the generic reader's fields)."""
    return {"id": a.id, "title": a.title, "source": a.source, "published": a.published.isoformat()
            if a.published else None, "text": a.text}


def write_jsonl(path, n: int, *, seed: int = DEFAULT_SEED, pool: Optional[SentencePool] = None) -> int:
    """Write :func:`synthetic_articles` to ``path`` (JSON lines, streamed); returns bytes of text."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    n_bytes = 0
    with open(tmp, "w", encoding="utf-8") as fh:
        for a in synthetic_articles(n, seed=seed, pool=pool):
            n_bytes += len(a.text.encode("utf-8"))
            fh.write(json.dumps(article_record(a), ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return n_bytes


__all__ = ["SentencePool", "load_pool", "builtin_pool", "synthetic_articles", "write_jsonl",
           "article_record", "fakes_csv", "DEFAULT_SEED"]
