"""Readers: files, folders and uploads turned into :class:`frontline.models.Article` records, one
module per input format (text files, FA-KES CSV, generic CSV, JSONL, uploads) sharing ``common``.

Supported inputs (any mix of files and folders, see :func:`read_paths`):

* text articles: ``*.txt``, ``*.md`` and ``*.html`` (tags stripped with
  :mod:`html.parser`), one article per file, id = the file's stem; metadata
  from ``<stem>.meta.json`` beside the file (keys ``title``, ``source``,
  ``url``, ``published`` as YYYY-MM-DD); without it the title is the first
  non-empty line (``text_files``);
* FA-KES CSV corpora, recognised by their columns (``unit_id``,
  ``article_title``, ``article_content``, ``source``, ``date``, ...) (``fakes_csv``);
* generic CSV or JSONL with the columns ``id, title, text, source, published``
  (``url`` optional) (``generic``, ``csv_files``, ``jsonl``).

The publication date is the text's own dateline when it has one (corpus
metadata is sometimes wrong, see the annotation guideline), else the
metadata; dates before 1990 or in the future are dropped with a warning
(``datelines``). Everything streams: CSV and JSONL files are read row by row.

Bad input raises :class:`InputError` (a ``ValueError``, defined in
:mod:`frontline.safety`) whose message is one line naming the file and the
problem: an empty or binary file (PDF, image, archive, NUL or control bytes),
an article over the size cap (:data:`frontline.safety.MAX_ARTICLE_BYTES`,
10 MiB), a text with no words, a CSV with missing required columns, a row
with more or fewer fields than its header, or broken quoting. What can be
read is read with a one-line warning: invalid UTF-8 (read line by line as
Windows-1252), an implausible publication date (dropped: relative dates then
stay unresolved), a sentence of over 5,000 characters. :func:`read_upload`
applies the same rules to the bytes of a file uploaded through the dashboard.
"""
from __future__ import annotations

from ..safety import InputError
from .common import clean_article, content_hash, normalise_text
from .csv_files import read_csv
from .datelines import find_dateline, parse_iso_date, parse_us_date, resolve_published
from .ids import IdLedger, unique_ids
from .jsonl import read_jsonl
from .paths import count_articles, expand_paths, read_file, read_paths
from .text_files import html_to_text, read_text_file, text_of_bytes
from .uploads import read_upload, upload_article_id

__all__ = ["InputError", "find_dateline", "read_paths", "unique_ids", "IdLedger", "read_file", "read_csv",
           "read_jsonl", "read_text_file", "read_upload", "clean_article", "upload_article_id", "text_of_bytes",
           "expand_paths", "count_articles", "content_hash", "normalise_text", "html_to_text", "parse_iso_date",
           "parse_us_date", "resolve_published"]
