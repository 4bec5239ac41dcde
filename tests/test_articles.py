"""Readers: text/markdown/HTML files with metadata, FA-KES CSV, generic CSV/JSONL,
datelines, and one-line errors for bad input."""
from __future__ import annotations

import datetime as dt
import inspect
import json

import pytest

from frontline import readers as A
from frontline.readers import InputError, find_dateline, read_paths

D = dt.date
TODAY = D(2026, 1, 1)


# --------------------------------------------------------------------------- datelines
# real openings of FA-KES articles (and the forms the guideline names)
DATELINES = [
    ("Date of publication 3 October 2016 An attack on a clinic managed by the Qatar Red", D(2016, 10, 3), "Date of publication 3 October 2016"),
    ("22 Sep 2016 In the heaviest attack in months fighter jets pounded", D(2016, 9, 22), "22 Sep 2016"),
    ("Last updated at Jun 062016 AMMAN Nearly 50 air strikes hit rebel-held areas", D(2016, 6, 6), "Last updated at Jun 062016"),
    ("Posted on July 20 2016 by Asharq Al-Awsat Dozens Killed in International Coalition", D(2016, 7, 20), "Posted on July 20 2016"),
    ("Published June 3 2016 Regime bombing raids in and around the northern Syrian city", D(2016, 6, 3), "Published June 3 2016"),
    ("Wed 05 Apr 2017 Syria attack symptoms consistent with nerve agent use WHO.", D(2017, 4, 5), "Wed 05 Apr 2017"),
    ("Fri 07 Apr 2017 at 0914 Homs governor says U.S. attack caused deaths", D(2017, 4, 7), "Fri 07 Apr 2017"),
    ("Sun Apr 24 2016 Al-Nusra Al-Qaeda Terrorists Attacks Kill 12 Civilians", D(2016, 4, 24), "Sun Apr 24 2016"),
    ("Tuesday 26 April 2016 21:41 Syrian Coalition Mourns 5 Rescue Workers", D(2016, 4, 26), "Tuesday 26 April 2016"),
    ("August 12 2016 Terrorists executed militants and members of their families", D(2016, 8, 12), "August 12 2016"),
    ("November 4 2016 Rebel-held zone of Syrias Aleppo braces for renewed bombardment.", D(2016, 11, 4), "November 4 2016"),
    ("19.07.2016(updated 1457 19.07.2016) Get short URL 2440 Over 100 Syrian civilians", D(2016, 7, 19), "19.07.2016"),
    ("17-06-2016 7 Civilians Injured in New Terrorist Rocket Attack in Aleppo.", D(2016, 6, 17), "17-06-2016"),
    ("2016-10-13 Four children were among eight people killed", D(2016, 10, 13), "2016-10-13"),
    ("October 13, 2016 Four children were among eight people killed", D(2016, 10, 13), "October 13, 2016"),
    ("13/10/2016 Four children were among eight people killed", D(2016, 10, 13), "13/10/2016"),
    # the dateline after a headline
    ("8 persons killed 58 others injured in terrorist rocket attacks on Aleppo city 6 October 2016 Aleppo SANA-Terrorist",
     D(2016, 10, 6), "6 October 2016"),
    ("Air raids kill 18 civilians in Syrias Aleppo Monitor AFP Saturday 16 Jul 2016 Air raids on rebel-held",
     D(2016, 7, 16), "Saturday 16 Jul 2016"),
    ("Kurdish SDF Troops Kill 13 Daesh Militants REUTERS Rodi Said Middle East 0041 06.04.2017Get short URL 185",
     D(2017, 4, 6), "06.04.2017"),
    ("Syrian Army Kills Dozens of al-Nusra Members in Adra Ambush Middle East Syria Military 07-08-2013 0147 PM A",
     D(2013, 8, 7), "07-08-2013"),
]
NO_DATELINE = [
    "1. Ghouta: On August 21 2013 the Assad regime fired rockets filled with Sarin gas",
    "ALEPPO, Syria (AP) — Syrian government forces pressed on with their offensive",
    "Air strikes in Syria kill at least 20 Islamic State fighters Monitor US-led air strikes",
    "Four children were among eight people killed Wednesday in rebel shelling.",
    "The talks. On 13 October 2016 the ministers met.",
    "",
]


@pytest.mark.parametrize("text,expected,surface", DATELINES, ids=[t[:30] for t, _, _ in DATELINES])
def test_find_dateline(text, expected, surface):
    found = find_dateline(text)
    assert found is not None, text
    day, start, end = found
    assert day == expected
    assert text[start:end] == surface


@pytest.mark.parametrize("text", NO_DATELINE)
def test_no_dateline(text):
    assert find_dateline(text) is None


@pytest.mark.parametrize("text,metadata,expected", [
    ("Date of publication 3 October 2016 text", D(2016, 10, 5), (D(2016, 10, 3), "dateline")),
    ("no dateline here", D(2016, 10, 5), (D(2016, 10, 5), "metadata")),
    ("no dateline here", None, (None, "")),
    ("no dateline here", D(2031, 1, 1), (None, "")),                     # future
    ("no dateline here", D(1985, 1, 1), (None, "")),                     # before 1990
    ("Date of publication 3 October 2036 text", D(2016, 10, 5), (D(2016, 10, 5), "metadata")),
])
def test_resolve_published(text, metadata, expected):
    warnings = []
    assert A.resolve_published(text, metadata, today=TODAY, warn=warnings.append) == expected
    if metadata and metadata.year in (1985, 2031) or "2036" in text:
        assert warnings and "ignored" in warnings[0]


# --------------------------------------------------------------------------- text files

def _write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_seed_with_meta(project_root):
    [art] = list(read_paths([project_root / "seeds" / "000_388484fd9ac85dd6.txt"]))
    assert art.id == "000_388484fd9ac85dd6"
    assert art.source == "CNN"
    assert art.published == D(2016, 10, 13) and art.published_from == "metadata"
    assert art.title.startswith("Children among the dead")
    assert "Four children were among eight people killed" in art.text


def test_text_without_meta_takes_first_line(tmp_path):
    _write(tmp_path / "note.md", "\n\n# Shelling in Aleppo\n\nEight people were killed.\n")
    [art] = list(read_paths([tmp_path / "note.md"], today=TODAY))
    assert (art.id, art.title, art.source, art.published) == ("note", "Shelling in Aleppo", "", None)


@pytest.mark.parametrize("meta,expected", [
    ({"title": "T", "source": "S", "url": "u", "published": "2016-10-13"}, ("T", "S", "u", D(2016, 10, 13))),
    ({"published": "13 October"}, ("Body line", "", "", None)),
    ({"published": "2030-01-01"}, ("Body line", "", "", None)),
    ({}, ("Body line", "", "", None)),
])
def test_meta_file(tmp_path, meta, expected):
    _write(tmp_path / "x.txt", "Body line\nmore text.")
    _write(tmp_path / "x.meta.json", json.dumps(meta))
    warnings = []
    [art] = list(read_paths([tmp_path / "x.txt"], today=D(2020, 1, 1), warn=warnings.append))
    assert (art.title, art.source, art.url, art.published) == expected
    if meta.get("published") and expected[3] is None:
        assert warnings


def test_html_is_stripped_by_parser(tmp_path):
    page = ("<html><head><title>Strike &amp; toll</title><style>p{}</style></head><body>"
            "<h1>Headline</h1><p>Eight people were <b>killed</b> &mdash; SOHR.</p>"
            "<script>alert('x')</script><p>Second&nbsp;paragraph.</p></body></html>")
    _write(tmp_path / "page.html", page)
    [art] = list(read_paths([tmp_path / "page.html"], today=TODAY))
    assert art.title == "Strike & toll"
    assert "Eight people were killed — SOHR." in art.text
    assert "alert" not in art.text and "<" not in art.text and "p{}" not in art.text
    assert art.text.splitlines()[0] == "Headline"


def test_folder_is_expanded_sorted_skipping_meta_and_hidden(tmp_path):
    _write(tmp_path / "b.txt", "B text.")
    _write(tmp_path / "a.md", "A text.")
    _write(tmp_path / "a.meta.json", "{}")
    _write(tmp_path / ".hidden.txt", "hidden")
    _write(tmp_path / "sub" / "c.txt", "C text.")
    _write(tmp_path / "notes.json", "{}")
    assert [a.id for a in read_paths([tmp_path], today=TODAY)] == ["a", "b", "c"]


def test_mixed_encoding_text_is_read_with_warning(tmp_path):
    _write(tmp_path / "m.txt", "caf\u00e9 ok\n".encode("utf-8") + "na\u00efve\n".encode("latin-1"))
    warnings = []
    [art] = list(read_paths([tmp_path / "m.txt"], today=TODAY, warn=warnings.append))
    assert art.text == "caf\u00e9 ok\nna\u00efve\n"
    assert len(warnings) == 1 and "not valid UTF-8" in warnings[0]


# --------------------------------------------------------------------------- FA-KES CSV

FAKES_HEADER = ["unit_id", "article_title", "article_content", "source", "date", "location", "labels"]
FAKES_ROWS = [
    ["1923102913", "Qatar clinic attack", "Date of publication 3 October 2016 An attack on a clinic killed two.",
     "alaraby", "10/3/2016", "aleppo", "1"],
    ["1924058063", "Air strikes on Aleppo", "Last updated at Jun 062016 AMMAN Nearly 50 air strikes hit Aleppo.",
     "jordantimes", "6/22/2016", "aleppo", "1"],
    ["1923848127", "Bomb attack", "Death toll from Aleppo bus convoy bomb attack at least 126 Observatory. Caf\u00e9.",
     "ahram", "4/16/2017", "aleppo", "0"],
]


def _fakes_csv(path, rows=FAKES_ROWS, encoding="latin-1"):
    import csv
    import io
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(FAKES_HEADER)
    w.writerows(rows)
    return _write(path, buf.getvalue().encode(encoding))


def test_fakes_csv_latin1(tmp_path):
    arts = list(read_paths([_fakes_csv(tmp_path / "fakes.csv")], today=TODAY))
    got = [(a.id, a.source, a.title, a.published, a.published_from) for a in arts]
    assert got == [
        ("1923102913", "alaraby", "Qatar clinic attack", D(2016, 10, 3), "dateline"),
        ("1924058063", "jordantimes", "Air strikes on Aleppo", D(2016, 6, 6), "dateline"),   # not 6/22
        ("1923848127", "ahram", "Bomb attack", D(2017, 4, 16), "metadata"),
    ]
    assert arts[2].text.endswith("Caf\u00e9.")


def test_read_paths_streams(tmp_path):
    rows = FAKES_ROWS[:2] + [["broken", "x"]]          # a bad row at the end
    it = read_paths([_fakes_csv(tmp_path / "f.csv", rows)], today=TODAY)
    assert inspect.isgenerator(it)
    assert next(it).id == "1923102913"                # read before the bad row is reached
    assert next(it).id == "1924058063"
    with pytest.raises(InputError, match="line 4"):
        next(it)


@pytest.mark.needs_shared
def test_real_fakes_corpus_matches_gold_publication_dates(shared_dir):
    arts = list(read_paths([shared_dir / "corpora" / "fa-kes" / "FA-KES-Dataset.csv"]))
    # 804 rows: 11 repeat an earlier row's id and text (skipped), one gives an id a second text (kept as <id>~2)
    assert len(arts) == 793 and len({a.id for a in arts}) == 793
    assert [a.id for a in arts if a.source_id] == ["1926479112~2"]
    by_id = {a.id: a for a in arts}
    gold = [json.loads(p.read_text()) for p in sorted((shared_dir / "eval" / "gold").glob("*.json"))]
    in_corpus = [g for g in gold if g["article_id"] in by_id]
    assert in_corpus, "no gold file names a FA-KES article"
    for g in in_corpus:
        assert by_id[g["article_id"]].published.isoformat() == g["published"], g["article_id"]


# --------------------------------------------------------------------------- generic CSV / JSONL

def test_generic_csv(tmp_path):
    _write(tmp_path / "g.csv", "id,title,text,source,published,url\n"
                               "x1,T1,Eight killed.,SANA,2016-10-13,http://a\n"
                               "x2,,\"Line one\nline two\",,not a date,\n")
    warnings = []
    arts = list(read_paths([tmp_path / "g.csv"], today=TODAY, warn=warnings.append))
    assert [(a.id, a.title, a.source, a.url, a.published) for a in arts] == [
        ("x1", "T1", "SANA", "http://a", D(2016, 10, 13)),
        ("x2", "Line one", "", "", None)]
    assert any("not a date" in w for w in warnings)


def test_jsonl(tmp_path):
    lines = [{"id": "j1", "title": "T", "text": "Eight killed.", "source": "CNN", "published": "2016-10-13"},
             {"id": 7, "text": "Another.", "published": None}]
    _write(tmp_path / "a.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    arts = list(read_paths([tmp_path / "a.jsonl"], today=TODAY))
    assert [(a.id, a.published) for a in arts] == [("j1", D(2016, 10, 13)), ("7", None)]


# --------------------------------------------------------------------------- bad input

BAD_INPUTS = [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\t\n", "empty file"),
    ("nul.txt", b"some text\x00\x01\x02 more", "binary file"),
    ("doc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    ("img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    ("random.bin", bytes(range(256)) * 4, "binary file"),
    ("empty.csv", b"", "empty file"),
    ("cols.csv", b"name,words\nx,y\n", "missing required column(s) id, text"),
    ("quote.csv", b'id,text\n1,"unterminated\n', "broken CSV quoting"),
    ("fields.csv", b'id,text\n1,"a"b",c\n', "line 2"),
    ("header_only.csv", b"id,text\n", "no rows"),
    ("bad.jsonl", b'{"id": 1, "text": "ok"}\n{not json}\n', "line 2: not valid JSON"),
    ("notext.jsonl", b'{"id": 1}\n', "no \"text\" field"),
    ("meta_bad/a.txt", b"Some text.", "not valid JSON"),
]


@pytest.mark.parametrize("name,data,message", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_raises_one_line(tmp_path, name, data, message):
    path = _write(tmp_path / name, data)
    if name.startswith("meta_bad"):
        _write(path.with_name("a.meta.json"), "{broken")
    with pytest.raises(InputError) as err:
        list(read_paths([path], today=TODAY))
    msg = str(err.value)
    assert message in msg
    assert "\n" not in msg
    assert path.name in msg or "meta.json" in msg
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize("setup,message", [
    (lambda p: p / "missing.txt", "no such file or folder"),
    (lambda p: (p / "emptydir").mkdir() or p / "emptydir", "holds no article files"),
])
def test_bad_paths(tmp_path, setup, message):
    with pytest.raises(InputError, match=message):
        list(read_paths([setup(tmp_path)]))


@pytest.mark.parametrize("a,b,same", [
    ("Eight  killed\nin Aleppo.", "eight killed in aleppo.", True),
    ("Eight killed.", "Nine killed.", False),
    ("ﬁve", "five", True),          # NFKC folds the ligature
])
def test_content_hash(a, b, same):
    assert (A.content_hash(a) == A.content_hash(b)) is same
