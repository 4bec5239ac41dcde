"""The lexicon files in data/: well-formed rows, patterns that compile, prefilters that lose nothing."""
import csv
import io
import re

import pytest

from frontline.resources import DATA_DIR, Lexicon, literal_prefixes, read_csv_rows, split_alternatives

LEXICONS = sorted(p.name for p in (DATA_DIR / "lexicon").glob("*.csv"))


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicon_rows_are_well_formed(name):
    text = (DATA_DIR / "lexicon" / name).read_text(encoding="utf-8")
    assert text.startswith("# source:"), f"{name} must open with a '# source:' line"
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    width = len(rows[0])
    bad = [r for r in rows if len(r) != width]
    assert not bad, f"{name}: rows with a stray comma (write \\x2c inside a pattern): {bad[:2]}"
    for row in read_csv_rows(f"lexicon/{name}"):
        re.compile(row["pattern"])


@pytest.mark.parametrize("pattern,expected", [
    ("air ?strikes?", ["air"]), ("(?:halt|stop)\\s+x", ["halt", "stop"]), ("\\d+ killed", None),
    ("u\\.s\\.", ["u.s."]), ("(?:the )?meeting", None), ("war crimes?", ["war crime"]),
])
def test_literal_prefixes(pattern, expected):
    assert literal_prefixes(pattern) == expected


def test_split_alternatives():
    assert split_alternatives("a|b(?:c|d)|[x|y]") == ["a", "b(?:c|d)", "[x|y]"]


@pytest.mark.parametrize("name", LEXICONS)
def test_prefiltered_scan_equals_plain_regex(name, project_root):
    """The Aho-Corasick prefilter finds exactly what the plain regex finds."""
    lex = Lexicon(read_csv_rows(f"lexicon/{name}"))
    text = (project_root / "seeds" / "000_388484fd9ac85dd6.txt").read_text(encoding="utf-8")
    text += " Terrorists targeted al-Hamdaniyah with rocket shells; regime barrel bombs on al-Shaar. " \
            "US-led coalition jets; Syrian or Russian jets; Daesh; the death toll rose to 12 since 2011."
    fast = [(m.span(), row) for m, row in lex.finditer(text)]
    plain = [(m.span(), lex.rows[int(m.lastgroup[1:])]) for m in lex.regex.finditer(text)]
    assert fast == plain


def test_every_lexicon_scanned_per_article_keeps_its_literal_prefilter():
    """A row whose every alternative does not start with a literal ("(?:the )?country ...", "\\d+ killed")
    turns its whole lexicon into one large regex tried at every character: several times slower."""
    from frontline.extract.scan import LEXICONS as SCANNED
    from frontline.resources import lexicon
    slow = [path for path, hyphen in SCANNED.values() if lexicon(path, hyphen).automaton is None]
    assert slow == [], f"lexicons without a literal prefix on every alternative: {slow}"
