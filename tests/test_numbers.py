"""Casualty figures: digits and words, qualifiers, vague quantities, children, revised tolls."""
import pytest

from frontline.extract.figures import find_figures, parse_number, qualify


@pytest.mark.parametrize("surface,value", [
    ("eight", 8), ("twenty-five", 25), ("twenty five", 25), ("1,200", 1200), ("a dozen", 12), ("13", 13),
    ("two hundred", 200), ("1,000,000,000", 1_000_000_000), ("dozens", None), ("zebra", None),
])
def test_parse_number(surface, value):
    assert parse_number(surface) == value


@pytest.mark.parametrize("value,qualifier,expected", [
    (13, "at_least", (13, 13, None)), (13, "more_than", (13, 13, None)), (30, "up_to", (None, 30, 30)),
    (50, "nearly", (45, 50, 55)), (8, "exact", (8, 8, 8)),
])
def test_qualify(value, qualifier, expected):
    assert qualify(value, qualifier) == expected


CASES = [
    # sentence, expected {field: (value, qualifier)}
    ("Four children were among eight people killed Wednesday in rebel shelling",
     {"killed": (8, "exact"), "children_killed": (4, "exact")}),
    ("at least 13 people were killed and more than 25 injured after airstrikes",
     {"killed": (13, "at_least"), "injured": (25, "more_than")}),
    ("Ten civilians were killed and 16 others were injured", {"killed": (10, "exact"), "injured": (16, "exact")}),
    ("claiming the lives of three civilians and injuring 9 others", {"killed": (3, "exact"), "injured": (9, "exact")}),
    ("seven civilians were killed among them a child and two women",
     {"killed": (7, "exact"), "children_killed": (1, "exact")}),
    ("the death toll has risen to 85 people", {"killed": (85, "exact")}),
    ("airstrikes have killed dozens of people", {"killed": (None, "vague")}),
    ("scores of people were killed", {"killed": (None, "vague")}),
    ("An attack on a clinic has killed two patients injured eight others",
     {"killed": (2, "exact"), "injured": (8, "exact")}),
    ("8 persons killed 58 others injured in terrorist rocket attacks",
     {"killed": (8, "exact"), "injured": (58, "exact")}),
    ("has left two patients dead and eight others injured", {"killed": (2, "exact"), "injured": (8, "exact")}),
    ("On Thursday 23 civilians including nine children were killed",
     {"killed": (23, "exact"), "children_killed": (9, "exact")}),
    ("Nearly 50 air strikes hit rebel-held areas", {}),
    ("More than 30 people were injured at least three killed",
     {"injured": (30, "more_than"), "killed": (3, "at_least")}),
    ("twenty-five people were wounded", {"injured": (25, "exact")}),
    ("up to 40 people died", {"killed": (40, "up_to")}),
    ("The city was hit on 12 October 2016 by 20 rockets", {}),
    # people named one by one, and families
    ("a grandfather, a mother and her son were killed when the shell fell",
     {"killed": (3, "exact"), "children_killed": (1, "exact")}),
    ("the blast killed a woman and her husband", {"killed": (2, "exact")}),
    # ... or counted within the list, with or without commas; the dead as a part of a larger toll are not it
    ("a little boy a little girl and two women were killed in the blast",
     {"killed": (4, "exact"), "children_killed": (2, "exact")}),
    ("the shell killed two men, a woman and three boys", {"killed": (6, "exact"), "children_killed": (3, "exact")}),
    ("an old man and two girls were wounded by the sniper", {"injured": (3, "exact")}),
    ("12 civilians including two women and three children were killed",
     {"killed": (12, "exact"), "children_killed": (3, "exact")}),
    # one victim named by a singular noun is one; the relative of one who was killed is not that one
    ("a citizen was injured by a rocket shell", {"injured": (1, "exact")}),
    ("the sniper shot a soldier dead and wounded a resident", {"killed": (1, "exact"), "injured": (1, "exact")}),
    ("A man whose son was killed weeps at the site", {}),
    # two groups of the same dead, the first told with words after it
    ("the monitor said 19 fighters from the brigade and four civilians were killed in the blast",
     {"killed": (23, "exact")}),
    ("30 regime soldiers and 39 rebel fighters had been killed in the battle", {"killed": (69, "exact")}),
    # one relative of the victim just named
    ("a boy was killed and his mother wounded when the shell hit", {"killed": (1, "exact"), "children_killed": (1, "exact"),
                                                                     "injured": (1, "exact")}),
    # the toll told verb first is the latest toll
    ("Rose to 13 the number of civilians who were killed by air strikes on al-Kalaseh",
     {"killed": (13, "exact")}),
    ("rose to 40 the number of people wounded in the blast", {}),
    # an aside between dashes does not cut the count from its verb
    ("At least 14 civilians - among them three women and five children - were killed",
     {"killed": (14, "at_least"), "children_killed": (5, "exact")}),
    ("Nine people \u2014 two of them children \u2014 died in the raid",
     {"killed": (9, "exact"), "children_killed": (2, "exact")}),
    ("a couple and their two children died under the rubble",
     {"killed": (4, "exact"), "children_killed": (2, "exact")}),
    ("a couple of houses were destroyed and a man was killed", {"killed": (1, "exact")}),
    # "N of them children": the count and its children
    ("eleven people, five of them children, were killed", {"killed": (11, "exact"), "children_killed": (5, "exact")}),
    ("the raid claimed the lives of two people one of them a child",
     {"killed": (2, "exact"), "children_killed": (1, "exact")}),
    # children among the wounded are not among the dead
    ("six people were injured including a young girl", {"injured": (6, "exact")}),
    # a stray number before the count (a share counter, a page number) is not the count
    ("Share 318 At least four people were killed in the raid", {"killed": (4, "at_least")}),
    ("raids on the town led to the death of 1 man and a child", {"killed": (2, "exact"), "children_killed": (1, "exact")}),
    # a qualifier after the number, as the Observatory writes it
    ("the raids killed dozens, 27 at least were documented", {"killed": (None, "vague")}),
    ("27 at least were killed in the raids", {"killed": (27, "at_least")}),
    # the dead counted with a relative
    ("three children were killed with their mother", {"killed": (4, "exact"), "children_killed": (3, "exact")}),
    ("two boys were killed along with their parents", {"killed": (4, "exact"), "children_killed": (2, "exact")}),
    ("the bomb went off in the market, leaving 5 martyrs", {"killed": (5, "exact")}),
    ("a child was also among at least nine people killed", {"killed": (9, "at_least"), "children_killed": (1, "exact")}),
    ("18 children had been killed along with four teachers", {"killed": (22, "exact"), "children_killed": (18, "exact")}),
    # two groups of dead joined by "and" are one count; wounded after "and" are not dead
    ("the fighting claimed the lives of 129 loyalists and 116 rebels", {"killed": (245, "exact")}),
    ("the strike killed 12 soldiers and 5 children", {"killed": (17, "exact"), "children_killed": (5, "exact")}),
    ("eight soldiers and three civilians were killed", {"killed": (11, "exact")}),
    ("at least 13 people were killed and over 40 others wounded", {"killed": (13, "at_least"), "injured": (40, "more_than")}),
    ("the raid killed 20 people including 5 children and 3 women", {"killed": (20, "exact"), "children_killed": (5, "exact")}),
    ("at least 23 IS (Daesh) militants have been killed", {"killed": (23, "at_least")}),
    # the children named after civilians are most likely among them
    ("at least 16 civilians and three children have been killed", {"killed": (16, "at_least")}),
    # a page counter before a sentence is no count of the dead
    ("Print Tweet Views 1662 An IS car bomb killed 20 people", {"killed": (20, "exact")}),
    # a family counted whole
    ("a barrel bomb attack killing a family of six", {"killed": (6, "exact")}),
    ("jets wiped out an entire family of seven in the village", {"killed": (7, "exact")}),
    # dead and hurt in one count: neither is known
    ("twelve gunmen were killed or wounded in the raid", {}),
    ("30 soldiers were killed and wounded in the ambush", {}),
    ("30 soldiers were killed and 12 wounded in the ambush", {"killed": (30, "exact"), "injured": (12, "exact")}),
]


@pytest.mark.parametrize("sentence,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_find_figures(sentence, expected):
    got = {}
    for f in find_figures(sentence):
        got.setdefault(f.field, (f.value, f.qualifier))
        assert sentence[f.start:f.end] == f.surface
    assert {k: v for k, v in got.items() if k in ("killed", "injured", "children_killed")} == expected, sentence


def test_revised_toll_is_marked():
    figs = [f for f in find_figures("The death toll rose to 25") if f.field == "killed"]
    assert figs and figs[0].value == 25 and figs[0].revised


def test_prefix_factored_alternation_matches_what_a_sorted_alternation_matches():
    import random
    import re

    from frontline.extract.figures import _alt
    rnd = random.Random(7)
    for _ in range(200):
        words = {"".join(rnd.choice("ab ") for _ in range(rnd.randint(1, 4))).strip() or "a" for _ in range(6)}
        trie = re.compile(_alt(words))
        plain = re.compile("(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")")
        for _ in range(20):
            text = "".join(rnd.choice("ab ") for _ in range(6))
            assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)], (words, text)
