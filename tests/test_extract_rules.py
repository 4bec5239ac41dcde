"""The extraction rules, one short text per phenomenon (published Thursday 2016-10-13 unless said)."""
import datetime as dt

import pytest

from frontline.extract import extract_article
from frontline.models import Article

THU = dt.date(2016, 10, 13)


def incidents(text, published=THU, title=""):
    ev = extract_article(Article("t", text, title=title, published=published))
    for e in ev.incidents + ev.diplomacy:
        for s in e.spans:
            assert text[s.start:s.end] == s.text
    return ev.incidents


def diplomacy(text, published=THU):
    return extract_article(Article("t", text, published=published)).diplomacy


INCIDENT_CASES = [
    # text, expected fields of the single incident
    ("Four children were among eight people killed Wednesday in rebel shelling on government-held parts of "
     "western Aleppo, according to the Syrian Observatory for Human Rights.",
     dict(event_date="2016-10-12", event_type="shelling", actor="rebels", side="west", killed=8, children_killed=4,
          source="Syrian Observatory for Human Rights")),
    ("Terrorists targeted al-Hamdaniyah neighborhood with rocket shells, killing three civilians.",
     dict(event_type="shelling", actor="rebels", side="west", killed=3, location="Hamdaniyah")),
    ("Regime barrel bombs on al-Shaar killed 12 people on Tuesday.",
     dict(event_date="2016-10-11", event_type="airstrike", actor="government", side="east", killed=12)),
    ("Syrian or Russian jets pounded the rebel-held east of Aleppo overnight, killing at least 20 people.",
     dict(event_type="airstrike", actor="government", side="east", killed=20, killed_qualifier="at_least")),
    ("Six people were killed in airstrikes on the town of Manbij on Wednesday.",
     dict(event_date="2016-10-12", event_type="airstrike", side="outside", killed=6)),
    ("The US-led coalition struck a village near Manbij on Monday, killing 15 civilians.",
     dict(event_date="2016-10-10", actor="coalition", side="outside", killed=15)),
    ("A car bomb exploded in Azaz on Wednesday, killing 9 people and wounding 30.",
     dict(event_type="bombing", side="outside", killed=9, injured=30)),
    ("Daesh militants executed 12 civilians in al-Bab on Tuesday.",
     dict(event_type="violence_against_civilians", actor="isis", side="outside", killed=12)),
    ("Dozens of people were killed in airstrikes on eastern Aleppo on Wednesday.",
     dict(side="east", killed=None, killed_qualifier="vague")),
    # a US strike is the coalition's; "us" the pronoun is nobody's
    ("A US drone strike killed four militants near Sarmada on Tuesday.",
     dict(event_type="airstrike", actor="coalition", side="outside", killed=4)),
    ("U.S. raids killed 11 fighters near Dabiq on Monday.",
     dict(actor="coalition", killed=11)),
    ("Residents told us strikes killed 20 people near Dabiq on Monday.",
     dict(event_type="airstrike", actor=None, killed=20)),
    # plain "planes" and "strikes" are the air war's
    ("Government planes struck al-Sukkari on Tuesday, killing three.",
     dict(event_type="airstrike", actor="government", side="east", killed=3)),
    ("Strikes on Kafr Naha killed seven on Monday.",
     dict(event_type="airstrike", side="outside", killed=7)),
    # figures: "shot dead N", "killed a child", relatives hurt one by one
    ("Gunmen shot dead three farmers in Tal Rifaat on Monday.",
     dict(event_type="violence_against_civilians", killed=3)),
    ("Rebel rockets killed a boy and injured four other people in al-Midan on Monday.",
     dict(killed=1, children_killed=1, injured=4, side="west")),
    ("Shells hit a house in Jamiliyah on Monday. A grandmother and her grandson were killed while a cousin, "
     "an uncle and a neighbour's wife suffered serious wounds.",
     dict(killed=2, injured=None)),
    ("Shells hit a house in Jamiliyah on Monday. A grandmother and her grandson were killed while another "
     "grandson and an uncle suffered serious wounds.",
     dict(killed=2, injured=2)),
    # a downed aircraft is what was hit; its country is not the attacker
    ("A Syrian army helicopter was shot down near Kafr Naha on Monday, killing two crew members, in the worst "
     "loss for Damascus this month.",
     dict(event_type="other", actor=None, killed=2)),
    # where it was flying to is not where it fell
    ("A cargo plane was brought down on Monday while flying to Aleppo, killing four.",
     dict(location=None, side="outside")),
    # the aim of the fighting is not where it was fought
    ("Rebels battled the army south of the city on Monday in a bid to break the siege of rebel-held "
     "districts of Aleppo.",
     dict(event_type="clashes", actor="rebels")),
    # the children among the dead, told apart from the toll
    ("Air strikes killed 20 people in al-Sukkari on Wednesday. The dead included two nurses and four children.",
     dict(killed=20, children_killed=4)),
    ("Air strikes killed 20 people in al-Sukkari on Wednesday. The victims included six children.",
     dict(killed=20, children_killed=6)),
    # the strikes on the city, named later, are the strikes on its east told before
    ("Air strikes killed 20 people in rebel-held eastern Aleppo on Wednesday. Doctors said the hospital was "
     "destroyed. Aid groups condemned the attack. The UN envoy spoke of a truce. The opposition blamed the "
     "government for the deadly airstrikes on Aleppo.",
     dict(killed=20, side="east")),
    # a city dateline in capitals is where the reporter sits
    ("DAMASCUS \u2014 A strike killed 15 civilians on Tuesday, a local source said.",
     dict(location=None, killed=15)),
    # rebels backed by a state are rebels; US-backed forces in the north are the Kurdish-led SDF
    ("Turkish-backed rebels shelled Tal Rifaat on Monday, killing three.", dict(actor="rebels")),
    ("US-backed forces advanced on Manbij on Monday.", dict(actor="kurdish")),
    # another state's "regime" is not the Syrian government; where the attackers sat is not where the fire fell
    ("Groups affiliated to the Turkish and Saudi regimes fired shells on al-Hamdaniyeh in Aleppo on Monday, "
     "killing two.", dict(actor="rebels", side="west")),
    ("Terrorists positioned in Bani Zaid fired rockets at residential neighbourhoods of Aleppo city on Monday, "
     "wounding five.", dict(side="west", location="Aleppo", injured=5)),
    # a caption's year glued to the lead's first word ends the caption
    ("A man walks through rubble in Aleppo on October 1, 2016Rebel shelling of al-Midan in Aleppo killed 12 people "
     "on Wednesday, state media said.", dict(event_date="2016-10-12", actor="rebels", killed=12)),
    # a district taken is a capture; artillery on the besieged east is the government's when no one is named
    ("The army said it had taken the Sheikh Saeed district of Aleppo on Wednesday.",
     dict(event_type="clashes", actor="government", side="east")),
    ("Kurdish fighters took the Sheikh Fares neighbourhood of Aleppo from rebels on Monday.",
     dict(event_type="clashes", actor="kurdish")),
    ("Rescue workers in eastern Aleppo said 45 people were killed in an artillery bombardment on Wednesday.",
     dict(event_type="shelling", actor="government", side="east", killed=45)),
    # who declared or brokered something is no attacker
    ("Jets bombed al-Shaar in Aleppo on Monday, ending a pause declared by Russia last week.",
     dict(actor="government", side="east")),   # inferred from the weapon and the side, not Russia
    # a group saying it did the attack is its perpetrator, not a mere speaker
    ("Daesh said that it killed 40 fighters near Dabiq on Monday.", dict(actor="isis", killed=40)),
    ("The Nusra Front claimed to have killed nine soldiers near Khan Touman on Monday.", dict(actor="rebels", killed=9)),
    ("Rebels said Russian jets bombed Anadan on Monday, killing six.", dict(actor="russia", killed=6)),
    # schoolchildren are children
    ("Rebel rockets killed eight schoolchildren in al-Furqan on Sunday.", dict(killed=8, children_killed=8)),
    ("Three schoolgirls were among seven people killed by shells in al-Midan on Sunday.",
     dict(killed=7, children_killed=3)),
    # the party whose positions were hit is the target
    ("Islamist brigades shelled positions of the Islamic State near Marea on Monday.",
     dict(event_type="shelling", actor="rebels", side="outside")),
    # an agency dateline that lost its dash is still where the reporter sits
    ("DAMASCUS (Sputnik) A strike killed 15 civilians on Tuesday, a local source said.",
     dict(location=None, killed=15)),
    # "the city" of an article about Aleppo: its east and west are the two sides
    ("Fighting raged in Aleppo. Rebels stormed the east of the city on Monday, killing four soldiers.",
     dict(side="east", killed=4)),
    ("Fighting raged in Aleppo. Mortars hit the city's west on Monday, killing two.", dict(side="west", killed=2)),
]


@pytest.mark.parametrize("text,expected", INCIDENT_CASES, ids=[c[0][:40] for c in INCIDENT_CASES])
def test_incident_fields(text, expected):
    found = incidents(text)
    assert len(found) == 1, text
    for field, value in expected.items():
        assert getattr(found[0], field) == value, (field, text)


@pytest.mark.parametrize("text", [
    "More than 300,000 people have been killed since the war began in 2011.",          # aggregate
    "The regime threatened to bomb eastern Aleppo if rebels do not leave.",             # threat
    "Russia denied that its jets bombed the market in Idlib on Wednesday.",             # denial
    "France called for an end to the bombing of Aleppo.",                               # a call to stop
    "The rebels shelled Hamdaniyah on 2 August 2016, killing 11 people.",               # background (> 31 days)
    "The command said it had opened an internal assessment of reports that a strike near Dabiq on Tuesday "
    "may have caused civilian casualties.",                                             # an inquiry, not the attack
    "Rebels have also been bombarding government-held districts of the city.",         # the war described
    "Rebels shelled al-Midan from 3 October to 9 October, killing 40.",                 # a period total
    "Fighting in Aleppo intensified after the army declared the truce over on Monday.",  # a trend, no event
    "The government's offensive has killed 219 civilians in the east of the city, a monitor said.",  # a period toll
    "In 2014 the jihadists took control of Manbij and seized its grain silos.",         # history: a past year
])
def test_not_incidents(text):
    assert incidents(text) == [], text


def test_several_sentences_make_one_incident_with_each_claim():
    text = ("Regime warplanes hit the rebel-held east of Aleppo on Wednesday. "
            "The White Helmets said 13 people were killed. "
            "The Syrian Observatory for Human Rights said the toll rose to 15.")
    found = incidents(text)
    assert len(found) == 1
    inc = found[0]
    assert inc.killed == 15 and inc.killed_low == 13
    assert {c.source for c in inc.claims} == {"White Helmets", "Syrian Observatory for Human Rights"}


def test_a_back_reference_that_names_its_day_joins_the_attack_of_that_day():
    found = incidents("Warplanes killed 20 people in al-Kallaseh on Tuesday, the Observatory said. "
                      "On Wednesday, jets struck al-Sukkari, killing eight. "
                      "The Tuesday raids killed 23 people, among them five children, according to the monitor.")
    assert len(found) == 2
    by_day = {i.event_date: i for i in found}
    assert by_day["2016-10-11"].children_killed == 5 and by_day["2016-10-11"].killed in (20, 23)
    assert by_day["2016-10-12"].killed == 8 and by_day["2016-10-12"].children_killed is None


def test_an_attack_that_came_as_a_battle_raged_is_two_events():
    found = incidents("A suicide car bomb killed six soldiers in Azaz on Monday. The attack came as rebels battled "
                      "Islamic State fighters near Dabiq.")
    assert [i.event_type for i in found] == ["bombing", "clashes"]
    assert found[0].location == "Azaz" and found[1].actor == "rebels"


def test_a_battle_told_from_each_side_is_one_battle():
    found = incidents("Rebels and government forces battled around the Zarzour dam in Idlib province on Monday. "
                      "An activist said government forces had launched an assault on Monday to retake the dam, "
                      "captured by rebels last week.")
    assert len(found) == 1 and found[0].event_type == "clashes"


def test_a_period_total_told_after_an_attack_is_not_its_toll():
    found = incidents("Rebels shelled al-Midan on Tuesday, killing 4. The number of victims from 3 October to "
                      "12 October has reached 40.")
    assert len(found) == 1 and found[0].killed == 4


def test_a_suicide_bombing_and_air_strikes_are_two_attacks():
    found = incidents("A suicide bomber struck a bus near Atmeh on Sunday, killing 50 fighters. "
                      "The Observatory also reported 26 air strikes on Sunday across Idlib province.")
    assert sorted(i.event_type for i in found) == ["airstrike", "bombing"]


def test_a_ground_battle_after_air_strikes_is_another_event():
    found = incidents("Russian jets struck the towns of Binnish and Saraqeb on Monday, activists said. "
                      "Government forces on Monday repelled a rebel assault southwest of Aleppo.")
    assert sorted(i.event_type for i in found) == ["airstrike", "clashes"]


def test_a_small_toll_told_twice_with_the_same_wounded_is_one_attack():
    found = incidents("A woman killed, 30 injured in rebel attacks in Deir Ezzor. Meanwhile, a woman was killed and "
                      "30 other people were injured when rebels shelled the al-Joura neighbourhood of Deir Ezzor.")
    assert [(i.killed, i.injured) for i in found] == [(1, 30)]


def test_a_village_the_gazetteer_lacks_places_a_capture():
    (inc,) = incidents("Syrian troops recaptured the village of Qurtalbah from rebels on Sunday, state media said.")
    assert (inc.event_type, inc.actor, inc.location) == ("clashes", "government", "Qurtalbah")


def test_a_weekday_s_attack_named_again_is_that_attack():
    found = incidents("Regime air raids killed 42 people near the capital on Thursday, a monitor said. Residents fled. "
                      "Thursday's air strikes were carried out in Douma, a suburb under siege.")
    assert [(i.killed, len(i.mentions)) for i in found] == [(42, 2)]
    assert any("opens on 'Thursday's air strikes" in t for t in found[0].trace), found[0].trace


def test_a_toll_over_several_days_is_not_the_day_s_toll():
    found = incidents("Jets pounded eastern Aleppo on Wednesday in a second day of bombing that has killed 40 people. "
                      "The strikes on Wednesday alone killed 25 people, the Observatory said.")
    assert [(i.event_date, i.killed) for i in found] == [("2016-10-12", 25)]


def test_a_report_that_dates_nothing_tells_the_day_it_was_published():
    found = incidents("Warplanes bombed al-Shaar in Aleppo, killing six. Rebels shelled al-Midan, wounding four. "
                      "Clashes raged near the airport.")
    assert [i.event_date for i in found] == ["2016-10-13"] * len(found) and len(found) >= 2
    dated = incidents("Warplanes bombed al-Shaar in Aleppo on Tuesday, killing six. Residents fled. Shops closed. "
                      "Rebels shelled al-Midan, wounding four.")
    assert len(dated) == 2 and "2016-10-13" not in [i.event_date for i in dated]   # a dated report: not its day


def test_attackers_who_also_struck_another_place_made_another_attack():
    found = incidents("Rebels shelled Aleppo on Sunday, killing eight civilians in a public park. The gunmen also "
                      "fired rockets on al-Hamdaniyeh, killing three.")
    assert sorted((i.location, i.killed) for i in found) == [("Aleppo", 8), ("Hamdaniyah", 3)]
    again = incidents("Rebels shelled al-Midan in Aleppo on Sunday, killing eight civilians. The shelling also hit "
                      "a school in al-Midan.")
    assert [(i.location, i.killed) for i in again] == [("al-Midan", 8)]


@pytest.mark.parametrize("text,places", [
    ("Rebel rocket shells hit al-Midan on Monday, killing three, the helicopters dropped barrel bombs on al-Shaar, "
     "killing two.", ["al-Midan", "al-Shaar"]),
    ("Rebel rocket shells hit al-Midan on Monday, killing three, they also shelled al-Khalidiya, killing a woman.",
     ["al-Midan", "al-Khalidiyah"]),
])
def test_a_new_subject_after_a_comma_opens_another_attack(text, places):
    assert [i.location for i in incidents(text)] == places


def test_a_lead_total_whose_parts_are_told_after_is_context():
    found = incidents("Six people were killed on Monday in rebel rocket attacks on al-Midan, Jamiliyah and al-Furqan. "
                      "A police source said shells hit al-Midan, claiming the life of a woman and injuring 12. "
                      "Later, shells fired at Jamiliyah killed two people. "
                      "In the evening, rockets fell on al-Furqan, killing three children.")
    assert sorted(i.killed for i in found) == [1, 2, 3]


@pytest.mark.parametrize("text", [
    "Rebel rockets killed four civilians in Aleppo on Sunday. The rockets killed four people, a police source said. "
    "Three were killed in al-Midan and one died in al-Aziziyeh.",
    "Shelling killed four civilians in Aleppo on Sunday. Four civilians were killed, the Observatory said. "
    "A shell killed three in al-Midan. Another shell killed one person in al-Aziziyeh.",
])
def test_a_total_told_twice_is_context_once(text):
    # the second telling of the total is set aside with the first; it is not a total to fold again
    found = incidents(text)
    assert sorted((i.location, i.killed) for i in found) == [("al-Aziziyah", 1), ("al-Midan", 3)]


def test_a_lead_total_over_several_villages_is_the_sum_of_their_attacks():
    # villages the gazetteer does not hold, named as villages, each with its own toll
    found = incidents("Air strikes killed at least 15 people in rebel-held villages of Idlib province on Monday, "
                      "a monitor said. The attacks hit four villages. Jets killed six people in the village of "
                      "Marj Zarqa and another three people in a strike on the village of Tal Hawa. Four more people "
                      "were killed in a barrel bomb attack on the village of Ain Sabil. Barrel bombs killed two more "
                      "people in the village of Deir Sunbul.", published=THU)
    assert sorted((i.location, i.killed) for i in found) == [
        ("Ain Sabil", 4), ("Deir Sunbul", 2), ("Marj Zarqa", 6), ("Tal Hawa", 3)]
    assert all(i.side == "outside" for i in found)


def test_another_toll_of_the_same_size_is_another_attack():
    found = incidents("Strikes killed seven people in Saraqib on Monday. Another seven people, including two "
                      "children, were killed in raids on the village of Kafr Nuran further north.")
    assert [i.killed for i in found] == [7, 7]


def test_the_dead_of_one_market_among_a_wave_stay_in_the_wave():
    found = incidents("At least 25 civilians were killed in strikes across the rebel-held east of Aleppo on "
                      "Saturday. Among the dead were seven people killed at a market in al-Shaar.")
    assert len(found) == 1 and found[0].killed == 25


def test_a_debate_about_the_bombing_is_no_attack():
    assert incidents("MPs held a debate on the bombing of Aleppo on Tuesday.") == []


def test_a_day_after_dates_the_earlier_attack():
    text = ("Eight people were killed Wednesday in rebel shelling on western Aleppo. "
            "The deaths came a day after five children were killed when rebels shelled a school in Hamdaniyah.")
    found = incidents(text)
    assert [i.event_date for i in found] == ["2016-10-12", "2016-10-11"]


def test_implausible_toll_is_kept_and_flagged():
    found = incidents("Rebel shelling on Hamdaniyah on Wednesday killed 1,000,000,000 people.")
    assert found and found[0].killed == 1_000_000_000 and found[0].implausible


def test_unknown_publication_date_leaves_relative_dates_null():
    found = incidents("Rebel shelling on Hamdaniyah on Wednesday killed 8 people.", published=None)
    assert found and found[0].event_date is None


DIPLOMACY_CASES = [
    ("US Secretary of State John Kerry will meet Saturday with Russia's Sergei Lavrov in Lausanne.",
     dict(event_type="meeting", event_date="2016-10-15", status="scheduled"), {"United States", "Russia"}),
    ("French Foreign Minister Jean-Marc Ayrault spoke with Sergey Lavrov by phone Thursday.",
     dict(event_type="call", event_date="2016-10-13"), {"France", "Russia"}),
    ("On Saturday, Russia vetoed a UN Security Council resolution drafted by France.",
     dict(event_type="un_action", event_date="2016-10-08"), {"Russia", "United Nations", "France"}),
    ("The Kremlin said Tuesday that Putin had canceled a planned visit to France.",
     dict(event_type="visit", event_date="2016-10-11", status="cancelled"), {"Russia", "France"}),
    ("Washington accused Moscow of war crimes in Aleppo.", dict(event_type="accusation"), {"United States", "Russia"}),
    ("Russia declared a 48-hour truce in Aleppo on Wednesday.", dict(event_type="agreement"), {"Russia"}),
]


@pytest.mark.parametrize("text,expected,actors", DIPLOMACY_CASES, ids=[c[0][:40] for c in DIPLOMACY_CASES])
def test_diplomacy_fields(text, expected, actors):
    found = diplomacy(text)
    assert len(found) == 1, text
    for field, value in expected.items():
        assert getattr(found[0], field) == value, (field, text)
    assert set(found[0].actors) == actors


def test_a_meeting_reported_three_times_is_one_event():
    text = ("Kerry will meet Lavrov on Saturday in Lausanne. "
            "The Russian Foreign Ministry confirmed the meeting. "
            "The talks in Lausanne will include Turkey and Iran.")
    found = diplomacy(text)
    assert len(found) == 1 and len(found[0].spans) == 3


@pytest.mark.parametrize("text", [
    "US President Barack Obama will meet with security aides on Friday.",   # inside one government
    "The army blamed terrorists for breaking the truce.",                    # armed groups are not parties
])
def test_not_diplomacy(text):
    assert diplomacy(text) == []
