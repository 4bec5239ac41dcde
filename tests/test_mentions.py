"""Events, not sentences (issue 10): one sentence may report several attacks, each its own mention;
a list of places under one strike stays one; a total told before its parts is context, not an incident.
Every sentence here is written for this test."""
import datetime as dt

import pytest

from frontline.extract import extract_article
from frontline.models import Article

PUBLISHED = dt.date(2016, 10, 13)   # a Thursday


def incidents(text):
    return extract_article(Article(id="t", text=text, published=PUBLISHED)).incidents


def tolls(text):
    return sorted((i.location, i.killed) for i in incidents(text))


@pytest.mark.parametrize("text, expected", [
    # two attacks joined by "while": two incidents, each with its own place and toll
    ("On Wednesday air strikes on al-Marja killed 30 people, while warplanes hit Kafr Hamra in the western "
     "countryside, killing nine.", [("Kafr Hamra", 9), ("al-Marjeh", 30)]),
    # three attacks: "while" and ", and N died in"
    ("On Wednesday air strikes on al-Marja and Bustan al-Qasr killed 30 people, while warplanes hit Kafr Hamra "
     "in the western countryside, killing nine, and six died in Deir Hafer.",
     [("Deir Hafer", 6), ("Kafr Hamra", 9), ("al-Marjeh", 30)]),
    # a semicolon between two attacks, no commas elsewhere (as FA-KES prints them)
    ("Rebel shells killed four people in Hamdaniya on Monday; regime jets killed 12 in al-Shaar",
     [("Hamdaniyah", 4), ("al-Shaar", 12)]),
    # participles that open new actions with their own places
    ("Russian warplanes carried out raids that killed 12 militants in Kafr Nabl in Idlib countryside "
     "destroying weapons depots in Jisr al-Shughour in addition to killing 30 fighters in Deir Hafer.",
     [("Deir Hafer", 30), ("Jisr al-Shughour", None), ("Kafranbel", 12)]),
    # a monitor's next count after a comma opens another attack ("the monitor also documented the death of")
    ("Warplanes struck al-Shaar on Friday killing 14 people, the monitor also documented the death of eight "
     "people who were killed in raids on Deir Hafer.", [("Deir Hafer", 8), ("al-Shaar", 14)]),
    ("Jets killed nine people in Anadan on Friday, also the Observatory recorded the deaths of five people in "
     "shelling on Hreitan.", [("Anadan", 9), ("Haritan", 5)]),
])
def test_one_sentence_several_attacks(text, expected):
    assert tolls(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a list of neighbourhoods under one strike is one mention
    ("On Tuesday barrel bombs on al-Marja and Bustan al-Qasr killed 17 people.", 1),
    # the toll that follows in a participle belongs to the attack before it
    ("Warplanes hit Atareb in the western countryside on Tuesday, killing nine people.", 1),
    # killed and wounded by the same blast: one attack
    ("A car bomb killed eight people in Azaz and wounded dozens on Tuesday.", 1),
])
def test_one_attack_stays_one(text, expected):
    assert len(incidents(text)) == expected


def test_mentions_of_one_sentence_keep_the_sentence_as_evidence():
    text = ("On Wednesday rebel shells killed four people in Hamdaniya, while regime jets killed 12 in al-Shaar. "
            "The Observatory gave the figures.")
    found = incidents(text)
    assert len(found) == 2
    for inc in found:
        assert inc.spans[0].text.startswith("On Wednesday rebel shells")
        assert len(inc.mentions) == 1 and text[inc.mentions[0].start:inc.mentions[0].end] == inc.mentions[0].text
        assert any("attack" in line for line in inc.trace)
    assert {i.event_date for i in found} == {"2016-10-12"}      # the later attack takes the sentence's day


@pytest.mark.parametrize("text, parts", [
    # a lead total, then its parts in the next sentence
    ("Air raids on rebel-held districts of Aleppo killed 18 civilians on Saturday. Eleven were killed in "
     "al-Sakhour and seven others were killed in the Fardous neighbourhood.", [7, 11]),
    ("Shelling killed 20 people across the city on Monday. Twelve died in Hamdaniya while eight were killed "
     "in al-Shaar.", [8, 12]),
])
def test_a_total_before_its_parts_is_context(text, parts):
    found = incidents(text)
    assert sorted(i.killed for i in found) == parts
    assert any("total" in line for i in found for line in i.trace)


def test_a_toll_that_merely_equals_a_sum_far_away_is_kept():
    text = ("Barrel bombs killed five people in al-Shaar on Monday. The army said it repelled an attack. "
            "Residents fled. Aid stopped. Markets closed. Shells killed two in Hamdaniya and three in al-Zahraa "
            "on Monday.")
    assert 5 in [i.killed for i in incidents(text)]


# ------------------------------------------------------------------ not news, and the same attack told twice

@pytest.mark.parametrize("text", [
    "Following the 2013 sarin attack on Ghouta the government handed over its stockpile.",
    "Moscow's air campaign in 2015 changed the balance of the war, and rebels lost ground in the north.",
    "The defence ministry said on Tuesday that its planes had not carried out any strikes on the town of Saraqeb.",
    "Paris asked for an urgent Security Council session about Tuesday's suspected gas attack on Khan Sheikhoun.",
    "UN inspectors will travel to Syria next week to investigate the alleged chemical attacks near Damascus.",
    "Washington is not ready to join Moscow in fighting the militants in Idlib, the envoy said on Monday.",
])
def test_not_an_incident(text):
    assert incidents(text) == []


def test_a_sentence_opening_on_the_attack_just_told_refines_it():
    text = ("A car bomb exploded near Aleppo on Saturday, killing 12 people. "
            "The blast hit buses waiting in the Rashidin area on the city's western outskirts.")
    found = incidents(text)
    assert len(found) == 1 and found[0].killed == 12
    assert len(found[0].spans) == 2
    assert any("the attack just told" in line for line in found[0].trace)


def test_the_same_toll_told_twice_is_one_attack():
    text = ("Islamic State fighters executed 18 people in the village of Tadef on Sunday, the Observatory said. "
            "Residents fled towards Azaz. Aid groups asked for access. The road north was closed. Schools shut. "
            "It was also reported that IS militants executed 18 civilians who had tried to escape.")
    found = incidents(text)
    assert len(found) == 1 and found[0].killed == 18 and found[0].actor == "isis"
    assert any("same toll" in line for line in found[0].trace)


def test_later_opens_another_attack():
    text = ("Rebel mortar shells killed five people in the Midan district of Aleppo on Monday. "
            "Later a rocket fired by militants injured four people in the Suleimaniyeh district.")
    assert len(incidents(text)) == 2


# ------------------------------------------------------------------ who did it, to whom; places abroad

@pytest.mark.parametrize("text, actor, side", [
    # who holds the place is not who struck it (the air strike on the east is inferred: government)
    ("Warplanes bombed areas held by rebels in eastern Aleppo on Tuesday, killing 11 people.", "government", "east"),
    ("Rebel shelling on districts held by the government in Aleppo killed four on Tuesday.", "rebels", "west"),
    # the party named as attacked is not the attacker
    ("The Syrian army came under fire near the Castello road on Tuesday, a military source said.", None, "outside"),
    ("Rebel positions were pounded by artillery near Kafr Hamra on Tuesday.", None, "outside"),
    # an unknown attacker stays unknown
    ("An unidentified aircraft bombed a market in Maarat al-Numan on Tuesday, killing 14.", None, "outside"),
    # a counted weapon keeps its owner; with or without the hyphen
    ("Three regime airstrikes hit a market in Saraqeb on Tuesday, killing 10.", "government", "outside"),
    ("US led coalition jets killed 12 civilians in Manbij on Thursday.", "coalition", "outside"),
])
def test_actor_and_side(text, actor, side):
    (inc,) = incidents(text)
    assert (inc.actor, inc.side) == (actor, side)


@pytest.mark.parametrize("text", [
    "Russian and Syrian jets stopped their strikes on eastern Aleppo on Tuesday, the ministry said.",
    "Air strikes on eastern Aleppo decreased sharply on Wednesday, a monitor said.",
    "The army paused its bombardment of the besieged districts on Thursday.",
])
def test_strikes_that_stop_are_not_incidents(text):
    assert incidents(text) == []


@pytest.mark.parametrize("text, location", [
    # the dateline city is where the reporter sits
    ("BEIRUT (Reuters) - Air strikes killed 22 civilians including seven children in eastern Aleppo on Tuesday, "
     "a monitor said.", "eastern Aleppo"),
    ("AMMAN, Jordan (AP) - Rebel shells killed four people in the Hamdaniya district on Monday.", "Hamdaniyah"),
    # a capital named as a speaker is not where the attack fell
    ("Washington said on Wednesday the strike on al-Sakhour killed 14 people.", "al-Sakhour"),
    ("Washington and Paris say government helicopters dropped barrel bombs that killed 9 on Tuesday.", None),
])
def test_places_abroad_are_speakers_not_targets(text, location):
    (inc,) = incidents(text)
    assert inc.location == location


@pytest.mark.parametrize("text, killed, children", [
    ("A mother and her two daughters were killed when a barrel bomb hit their home in al-Shaar on Sunday.", 3, 2),
    ("A father and his three sons were killed by rebel shells in Hamdaniya on Sunday.", 4, 3),
    ("Three children were among the dead after rebels shelled the Hamdaniya district on Monday.", 3, 3),
    ("At least 16 civilians, including four children, have been killed in air strikes on al-Shaar on Tuesday.", 16, 4),
    ("At least 16 civilians including four children have been killed in air strikes on al-Shaar on Tuesday.", 16, 4),
    ("Air strikes killed 22 civilians, including seven children, in al-Sakhour on Tuesday.", 22, 7),
    # a family named by its members, as the subject or the object of the killing
    ("Rebel shells hit the Hamdaniya district on Wednesday, killing a man and his wife.", 2, None),
    ("A rocket fired by militants hit al-Midan on Monday, claiming the lives of a woman and her baby.", 2, 1),
    ("A couple and their three children died when a barrel bomb struck al-Kalasa on Tuesday.", 5, 3),
    ("A young couple were killed when a barrel bomb struck al-Kalasa on Tuesday.", 2, None),
    ("A couple of people were killed by rebel shells in al-Midan on Tuesday.", None, None),
    ("A mortar shell hit the Hamdaniya district on Saturday and left a child dead.", 1, 1),
    ("Rescuers pulled the bodies of 8 people from a building in al-Shaar hit by a barrel bomb on Tuesday.", 8, None),
    # the children among the dead, told in the next sentence
    ("Regime jets struck the town of Anadan on Wednesday, killing 12 people. Four children and a woman were "
     "among the dead.", 12, 4),
])
def test_wire_figures(text, killed, children):
    (inc,) = incidents(text)
    assert (inc.killed, inc.children_killed) == (killed, children)


@pytest.mark.parametrize("text, actor", [
    # a day after "on" is no target: the helicopters that follow are the attacker's
    ("Forty people were killed on Sunday when Syrian army helicopters dropped barrel bombs on al-Shaar.", "government"),
    # the side the victims fought killed them
    ("Twelve IS militants were killed in clashes with the army near Kuweires on Monday.", "government"),
    ("Nine soldiers were killed in clashes with rebels in Ramouseh on Monday.", "rebels"),
    # a vehicle bomb is a bombing, whoever sent it
    ("On Sunday evening rebels sent a truck bomb into the Zahraa district of Aleppo, killing five.", "rebels"),
])
def test_the_attacker_from_the_clause_that_names_it(text, actor):
    (inc,) = incidents(text)
    assert inc.actor == actor


@pytest.mark.parametrize("text, event_type", [
    # "massacre" says how many died, the weapon says what the attack was
    ("Warplanes committed a massacre in al-Sakhour on Tuesday, killing 19 civilians.", "airstrike"),
    ("Gunmen massacred 20 villagers in Aqarib on Tuesday.", "violence_against_civilians"),
    ("Rebels sent a car bombing into the Zahraa district on Sunday, killing five.", "bombing"),
])
def test_the_type_from_the_weapon(text, event_type):
    (inc,) = incidents(text)
    assert inc.event_type == event_type


def test_a_place_near_the_attacks_place_is_the_same_attack():
    (inc,) = incidents("Dozens of civilians have been killed by coalition air strikes in the city of Manbij. At least 73 "
                       "civilians were killed in air strikes early on Tuesday in the village of Tokhar near Manbij.")
    assert (inc.killed, inc.event_date) == (73, "2016-10-11")




def test_a_period_total_and_its_running_count_are_not_incidents():
    found = incidents("Russian air strikes on Idlib have intensified since rebels launched their campaign on July 31. "
                      "The strikes have killed 122 civilians, he said. Another 327 civilians have been killed in "
                      "fighting in Aleppo province. On Wednesday rebel shells killed five people in al-Midan.")
    assert [(i.location, i.killed) for i in found] == [("al-Midan", 5)]


def test_an_unidentified_attacker_is_not_guessed():
    (inc,) = incidents("Unidentified warplanes struck the rebel-held al-Shaar district on Tuesday, killing 16 people.")
    assert inc.actor is None and inc.side == "east"


# ------------------------------------------------------------------ totals and their breakdowns, revised tolls

@pytest.mark.parametrize("text, parts", [
    ("Air strikes killed 30 people in eastern Aleppo on Tuesday. Of the 30 killed, 11 were in al-Marja and 19 "
     "in al-Shaar.", [("al-Marjeh", 11), ("al-Shaar", 19)]),
    ("Russian warplanes killed 50 people in Aleppo province on Tuesday: 30 in Atareb, 12 in Anadan and 8 in "
     "Hreitan.", [("Anadan", 12), ("Haritan", 8), ("al-Atareb", 30)]),
    ("Regime barrel bombs killed 20 people on Sunday, 14 of them in al-Sakhour and six in Tariq al-Bab.",
     [("Tariq al-Bab", 6), ("al-Sakhour", 14)]),
])
def test_a_toll_broken_down_by_place_gives_the_parts(text, parts):
    found = incidents(text)
    assert sorted((i.location, i.killed) for i in found) == sorted(parts)
    assert all(i.event_date == found[0].event_date for i in found)


def test_a_revised_toll_on_a_later_day_is_the_same_attack():
    (inc,) = incidents("Rebel shelling killed five people in Hamdaniya on Monday. The toll rose to eight on "
                       "Tuesday, the Observatory said.")
    assert (inc.killed, inc.event_date) == (8, "2016-10-10")


@pytest.mark.parametrize("text", [
    "Since Sept. 19 at least 359 civilians have been killed by air strikes on eastern Aleppo, medics said.",
    "Air strikes on the rebel-held east have intensified since the truce collapsed, residents said on Monday.",
    "The Kremlin said on Wednesday that a moratorium on Russian air strikes on Aleppo remained in place.",
])
def test_period_totals_and_moratoria_are_not_incidents(text):
    assert incidents(text) == []


def test_a_war_toll_told_in_passing_is_no_claim():
    (inc,) = incidents("Rebel shells killed four people in Hamdaniya on Monday. More than 300,000 people have "
                       "died in the war.")
    assert inc.killed == 4


def test_a_single_shell_is_shelling():
    (inc,) = incidents("A shell fired by rebels struck a school in al-Hamdaniya on Monday, killing five children.")
    assert (inc.event_type, inc.killed, inc.children_killed) == ("shelling", 5, 5)


def test_a_warning_told_after_a_toll_leaves_the_attack_news():
    (inc,) = incidents("A rocket attack by rebels on al-Hamdaniya killed at least 10 civilians on Wednesday after "
                       "the UN warned of a catastrophe.")
    assert inc.killed == 10


@pytest.mark.parametrize("text", [
    "State media accuse the rebels of constantly firing mortars on residential areas in western Aleppo.",
    "Nearly 400 people have died in Aleppo in the past month, the Observatory said on Monday.",
])
def test_habits_and_months_are_not_incidents(text):
    assert incidents(text) == []


def test_meanwhile_a_revised_toll_is_the_same_attack():
    (inc,) = incidents("At least 12 people were killed on Thursday by shelling on rebel-held areas of Aleppo. "
                       "Meanwhile, a TV channel said the death toll in eastern Aleppo has risen to 50.")
    assert inc.killed == 50 and any("revises the toll" in line for line in inc.trace)


def test_a_downed_aircraft_is_the_victim_not_the_attacker():
    (inc,) = incidents("A Russian military helicopter was shot down over Idlib province on Monday, killing all "
                       "five people on board.")
    assert inc.actor != "russia" and inc.killed == 5


def test_fighters_killed_in_24_hours_is_a_period_total():
    assert incidents("At least 70 fighters have been killed in 24 hours in battles north of Aleppo, a monitor "
                     "said on Thursday.") == []


@pytest.mark.parametrize("text", [
    "A US-led coalition is also battling IS in Syria and Iraq with air strikes.",
    "Moscow has been staging air strikes in support of its ally, targeting militants in Idlib.",
    "Russia began its air campaign in Syria to back the government.",
])
def test_the_war_described_is_no_event(text):
    assert incidents(text) == []


def test_earlier_in_the_day_and_the_air_force():
    (inc,) = incidents("Earlier in the day the Syrian air force targeted militants in Khan Tuman, a military "
                       "source said.")
    assert (inc.event_date, inc.event_type, inc.actor) == ("2016-10-13", "airstrike", "government")


def test_the_strikes_on_a_named_town_told_again_are_the_attack_just_told():
    text = ("A suspected gas attack on Khan Sheikhoun in Idlib province killed 58 people on Tuesday. "
            "The air strikes on the town of Khan Sheikhoun in the south of Idlib also wounded more than 60.")
    (inc,) = incidents(text)
    assert (inc.killed, inc.injured, inc.event_type) == (58, 60, "chemical")


def test_government_held_villages_in_another_province_are_not_western_aleppo():
    (inc,) = incidents("In Idlib province rebels heavily shelled the last two regime-held villages on Tuesday.")
    assert inc.side == "outside"


def test_a_toll_since_a_weekday_is_a_period_total():
    assert incidents("Since Saturday at least 68 civilians have been killed in air attacks on al-Bab.") == []


def test_the_toll_after_a_wave_of_strikes_is_its_toll():
    (inc,) = incidents("Syrian and Russian warplanes launched a wave of air strikes in northern Syria on Saturday, "
                       "killing dozens in areas held by rebels around Aleppo.")
    assert inc.event_type == "airstrike"


def test_a_lead_printed_twice_is_one_attack():
    lead = "Early on Monday more than 300 shells fired by rebels hit al-Hamdaniya, killing five people. "
    found = incidents(lead + "Residents fled. Aid stopped. Schools shut. Shops closed. " + lead)
    assert len(found) == 1 and any("repeats" in line for line in found[0].trace)


def test_rockets_that_hit_a_town_abroad_locate_the_attack():
    (inc,) = incidents("On Sunday three rockets fired from an IS-held area hit the border city of Kilis, killing "
                       "one police officer.")
    assert inc.side == "outside"


def test_a_total_over_several_places_then_its_parts():
    text = ("Thirteen civilians were killed on Friday by rebel rocket attacks on al-Sulaimaniyah, al-Midan and "
            "al-Furqan. A source said 9 people were killed when rockets hit al-Sulaimaniyah and al-Furqan. "
            "Earlier, rockets fired on al-Midan killed 4 civilians.")
    found = incidents(text)
    assert sorted(i.killed for i in found) == [4, 9]
    assert {i.event_type for i in found} == {"shelling"}


def test_weapons_destroyed_are_not_the_weapon_of_the_attack():
    (inc,) = incidents("Coalition jets conducted 18 strikes near Manbij on Monday and destroyed seven IS vehicles and "
                       "two car bombs.")
    assert inc.event_type != "bombing" and inc.actor != "isis"


def test_a_war_toll_after_the_first_sentence_is_no_claim():
    (inc,) = incidents("There have been repeated reports of air strikes on eastern Aleppo on Monday, the UN said. "
                       "The war has killed 470,000 people.")
    assert inc.killed is None


@pytest.mark.parametrize("text, cut", [
    ("The United States and Russia said early Thursday they agreed on a truce.", ""),
    ("Thu 13 Oct 2016 Rebel shells killed four people in Hamdaniya.", "Thu 13 Oct 2016"),
    ("Published October 13 2016 Rebel shells killed four people.", "Published October 13 2016"),
    # a page's time stamp whose day and year lost their space
    ("Last updated at Oct 132016 BEIRUT Rebel shells killed four people.", "Last updated at Oct 132016"),
    ("Updated Sep 302016 Rebel shells killed four people.", "Updated Sep 302016"),
    ("Updated figures: 132016 people were displaced.", ""),
])
def test_a_dateline_is_only_a_lead_in(text, cut):
    from frontline.extract.sentences import dateline_end
    assert text[:dateline_end(text, PUBLISHED)] == cut


def test_explain_incidents_lists_mentions_and_decisions():
    from frontline.extract.explain import explain_incidents
    text = ("On Wednesday air strikes on al-Marja killed 30 people, while warplanes hit Kafr Hamra in the western "
            "countryside, killing nine. The toll in al-Marja rose to 32, the Observatory said.")
    found = explain_incidents(Article(id="t", text=text, published=PUBLISHED))
    assert [f["n"] for f in found] == [1, 2]
    assert found[0]["mentions"][0].startswith("On Wednesday air strikes on al-Marja killed 30")
    assert any("attack 2 of the sentence" in line for line in found[1]["trace"])
    assert found[0]["killed"] == 32


def test_a_claim_of_responsibility_names_the_attacker_of_the_attack_just_told():
    (inc,) = incidents("A suicide car bomb killed 30 rebels at a checkpoint near Azaz on Sunday. Rescue workers "
                       "searched the rubble. The Islamic State group on Monday claimed responsibility for the attack.")
    assert (inc.actor, inc.event_date, inc.killed) == ("isis", "2016-10-09", 30)
    assert any("claim of responsibility" in line for line in inc.trace)


def test_long_range_bombers_strike():
    (inc,) = incidents("Six long-range bombers that took off from Russia carried out strikes near Deir Ezzor on "
                       "Sunday, the ministry said.")
    assert inc.event_type == "airstrike"


def test_a_back_reference_that_dates_the_attack_folds_into_it():
    found = incidents("State TV says five people, including two children, have been killed in rebel shelling of western "
                      "Aleppo. The Wednesday shelling comes on the second day of a rebel offensive. Rebels captured the "
                      "Assad district a day earlier.")
    assert [(i.killed, i.event_date) for i in found if i.killed] == [(5, "2016-10-12")]


def test_parts_told_several_sentences_after_their_total():
    found = incidents("At least seven children were killed in rebel rocket attacks on the government-held west of Aleppo "
                      "on Wednesday, state media said. A child was also among nine people killed in government shelling "
                      "on Douma. The rockets hit two districts. Four children were killed when a rocket hit a school in "
                      "Hamdaniya, the agency said. It added the school was damaged. A second rocket hit a house in "
                      "al-Midan, killing three brothers.")
    assert sorted((i.location, i.killed) for i in found) == [("Douma", 9), ("Hamdaniyah", 4), ("al-Midan", 3)]


def test_a_running_count_since_a_collapse_is_no_claim():
    found = incidents("Rebel rockets hit a house in al-Midan on Wednesday, killing two brothers. The UN said on Tuesday that "
                      "90 civilians had been killed in western Aleppo since the collapse of the truce.")
    assert [(i.location, i.killed) for i in found] == [("al-Midan", 2)]


def test_a_claim_told_before_the_attack_dates_the_claim_not_the_attack():
    found = incidents("Islamic State on Wednesday claimed responsibility for a suicide bombing that killed more than 20 rebels "
                      "near the border. A suicide bomber blew himself up among fighters boarding a bus. The blast on "
                      "Tuesday night struck the Bab al-Salama crossing. The group's statement said the attack left "
                      "nearly 40 rebels dead, charging they took orders from the US-led coalition.")
    assert [(i.actor, i.event_type, i.event_date) for i in found] == [("isis", "bombing", "2016-10-11")]


@pytest.mark.parametrize("text", [
    "Rebels said on Tuesday that air strikes hit the town of Anadan, killing six.",
    "Air strikes on rebel positions near Anadan killed six militants on Tuesday, the rebels said.",
])
def test_a_party_without_aircraft_is_never_the_attacker_of_an_air_strike(text):
    (inc,) = incidents(text)
    assert inc.actor not in ("rebels", "isis", "kurdish")


@pytest.mark.parametrize("text, location, side", [
    # a namesake in another city is not Aleppo's neighbourhood
    ("A bomb blast hit a bus in the al-Kallaseh neighbourhood of Damascus on Sunday, killing six.", "Damascus",
     "outside"),
    ("Barrel bombs hit the al-Kalasa neighbourhood of Aleppo on Sunday, killing six.", "al-Kalaseh", "east"),
])
def test_a_neighbourhood_placed_in_another_city_is_a_namesake(text, location, side):
    (inc,) = incidents(text)
    assert (inc.location, inc.side) == (location, side)


def test_an_attack_named_again_long_after_is_no_new_attack():
    found = incidents("A car bomb killed 40 people in Qamishli on Wednesday. The Kurdish police cordoned off the "
                      "market. Shops were closed. Officials counted the dead. Traders left the city. The army sent "
                      "troops to the area. State TV carried an appeal to donate blood for the victims of the "
                      "terrorist bombing in Qamishli.")
    assert [(i.location, i.killed) for i in found] == [("Qamishli", 40)]


@pytest.mark.parametrize("furniture", [
    "84 Related Coalition Air Strikes Near Raqqa Killed at Least 40 Civilians",
    "12 Tags shelling Aleppo Syria air strikes killed 30",
    "Community standardsDiscussion Comment via Facebook Shelling killed 30 in Homs",
])
def test_page_furniture_after_the_article_is_not_read(furniture):
    body = ("Rebel shells killed four people in the Hamdaniya district on Monday, state media said. The shells "
            "damaged several buildings and cars, the agency added. Residents said the area had been calm for weeks "
            "before the attack. ")
    assert [(i.location, i.killed) for i in incidents(body + furniture)] == [("Hamdaniyah", 4)]


def test_the_attack_told_again_later_with_a_part_of_its_toll_is_that_attack():
    found = incidents("At least 60 people were killed on Saturday in a car bomb attack on buses carrying evacuees, a "
                      "monitor said. Most of the dead were evacuees. The other dead were guards who stood near the site "
                      "of the bombing outside the city of Aleppo, the monitor said. The toll may rise. The blast hit "
                      "the Rashidin area. An opposition official said 12 guards were killed in the bombing. A unit run "
                      "by Damascus ally Hezbollah said a suicide attacker drove the car bomb into the convoy.")
    assert [(i.killed, i.event_date) for i in found] == [(60, "2016-10-08")]


@pytest.mark.parametrize("text, side", [
    ("Air strikes hit an area in western Aleppo province on Tuesday, killing seven.", "outside"),
    ("Rebel rockets hit western Aleppo on Tuesday, killing seven.", "west"),
])
def test_the_west_of_the_province_is_not_the_west_of_the_city(text, side):
    (inc,) = incidents(text)
    assert inc.side == side


def test_barrel_bombs_are_the_governments():
    (inc,) = incidents("Barrel bombs hit the Bustan al-Qasr district on Tuesday, killing seven.")
    assert inc.actor == "government"


def test_the_day_of_saying_and_an_agency_dateline_are_not_the_attacks_day():
    (inc,) = incidents("Regime forces execute 12 villagers Monitor AFP Thursday 13 Oct 2016 Twelve villagers were "
                       "killed in a village earlier this week as regime forces executed the families of fighters, a "
                       "monitoring group said Thursday. The killings took place in Rityan north of Aleppo, which "
                       "regime forces entered on Tuesday.")
    assert (inc.event_date, inc.location, inc.killed) == ("2016-10-11", "Ratyan", 12)


def test_a_toll_since_a_truce_collapsed_is_a_period_total():
    assert incidents("At least 150 civilians have been killed by air strikes on Aleppo since a US-Russian brokered "
                     "truce collapsed on Monday evening, the monitor said.") == []


def test_a_headline_total_over_several_provinces_and_an_advance_under_it():
    found = incidents("Army advances in Aleppo, kills 90 terrorists in Hama and Homs. The army managed to control a "
                      "number of villages east of Khanaser in the southern countryside of Aleppo. In Hama the army "
                      "killed more than 50 terrorists, SANA said. The army also advanced in the Homs eastern "
                      "countryside. Warplanes raided IS sites in Palmyra, killing around 40 terrorists.")
    assert sorted((i.location, i.killed, i.event_type) for i in found) == [
        ("Hama", 50, "clashes"), ("Homs governorate", None, "clashes"), ("Khanaser", None, "clashes"),
        ("Palmyra", 40, "airstrike")]


@pytest.mark.parametrize("text, location", [
    # people from a place, and a capital standing for its government, are not where the attack fell
    ("A car bomb hit a convoy of buses in al-Rashidin on Saturday, killing 40. Madaya evacuees said they heard the "
     "blast.", "al-Rashidin"),
    ("A car bomb hit a convoy of buses in al-Rashidin on Saturday, killing 40. There was no claim for the attack, "
     "which pro-Damascus media said was carried out by a suicide bomber.", "al-Rashidin"),
])
def test_people_from_a_place_and_a_capitals_media_are_not_places(text, location):
    assert [i.location for i in incidents(text)] == [location]


def test_a_reporting_day_gives_way_to_the_attacks_day():
    found = incidents("The death toll from air strikes on a market town has risen to 40, a monitor said on Thursday. "
                      "Rebels blamed Russian warplanes for Wednesday's attack. The monitor said three air strikes hit "
                      "the market in Atareb and killed at least 40 people.")
    assert [(i.location, i.event_date, i.killed) for i in found] == [("al-Atareb", "2016-10-12", 40)]


def test_a_sentence_glued_to_the_last_without_a_full_stop_is_its_own():
    found = incidents("Those killed included 12 aid workers who died in a raid on a convoy near Orum al-Kubra on Monday "
                      "In the government-held west of the city rebel shelling hit the Hamdaniya district, wounding "
                      "five.")
    assert sorted((i.location, i.killed, i.injured) for i in found) == [
        ("Hamdaniyah", None, 5), ("Urum al-Kubra", 12, None)]


@pytest.mark.parametrize("text, expected", [
    ("Security forces fired shots at the protesters in Douma on Saturday, leaving five injured.",
     ("violence_against_civilians", "Douma", 5)),
    ("On Saturday activists reported a heavy air campaign against the Qaboun neighbourhood of Damascus.",
     ("airstrike", "Qaboun", None)),
])
def test_shots_at_protesters_and_an_air_campaign_are_attacks(text, expected):
    (inc,) = incidents(text)
    assert (inc.event_type, inc.location, inc.injured) == expected


def test_the_countrys_centre_is_not_aleppos_east():
    (inc,) = incidents("Air strikes hit a rescue centre in an opposition-held area in the country's centre on Tuesday, "
                       "killing eight volunteers, activists said. Aleppo was calm.")
    assert inc.side == "outside"


@pytest.mark.parametrize("text, expected", [
    # a condemnation of a dated attack is news of that attack, dated by the attack
    ("UNICEF on Wednesday condemned weekend air raids on four hospitals in Aleppo, calling them war crimes.",
     [("2016-10-08", "airstrike")]),
    # strikes condemned in general are no attack
    ("France condemned air strikes on civilians as war crimes.", []),
])
def test_condemnations(text, expected):
    assert [(i.event_date, i.event_type) for i in incidents(text)] == expected


def test_a_photo_caption_is_its_own_sentence_and_the_story_goes_on_after_it():
    found = incidents("A suicide attack near the Atmeh camp in Idlib kills at least 15 people. A rescuer runs near an "
                      "ambulance after an airstrike on a hospital in the town of Millis, Idlib province, October 6 2016 "
                      "(TRT World and Agencies) A suicide bomber detonated an explosive vest on a bus near the Atmeh "
                      "crossing on Wednesday, killing at least 15 people. The governor said four people injured in the "
                      "blast were treated in Turkish hospitals.")
    by_place = {i.location: i for i in found}
    assert by_place["Atmeh"].killed == 15 and by_place["Atmeh"].injured == 4
    assert by_place["Atmeh"].event_date == "2016-10-12"


def test_a_province_named_after_its_generic_word_is_the_province():
    from frontline.gazetteer import find_places
    assert [m.value.place_id for m in find_places("clashes in the neighbouring province of Aleppo")] == [
        "aleppo_governorate"]


def test_an_unclaimed_bombing_has_no_attacker_a_weak_mention_could_give():
    (inc,) = incidents("A car bomb hit buses carrying evacuees near al-Rashidin on Saturday, killing 40. Rebel fighters "
                       "guarding the convoy were among the dead. There was no immediate claim of responsibility for "
                       "the attack.")
    assert inc.actor is None


def test_a_headline_without_place_or_toll_still_names_the_attack():
    found = extract_article(Article(id="t", title="Bus bombing ends evacuation", published=PUBLISHED,
                                    text="Bus bombing ends evacuation. Evacuees waited at a transit point outside "
                                         "Aleppo on Saturday when a bomb attack hit the convoy, killing 40.")).incidents
    assert len(found) == 1 and found[0].spans[0].text.startswith("Bus bombing")


def test_what_came_a_few_hours_before_is_another_attack():
    found = incidents("At least 20 people were killed on Tuesday in an IS attack near a camp in Hasakeh province. A "
                      "spokesman said the attack came a few hours after IS suicide bombers entered the town of "
                      "Shaddadi and engaged SDF forces.")
    assert sorted(i.location for i in found) == ["Hasakah governorate", "al-Shaddadi"]


def test_a_city_divided_since_a_year_is_no_period_total():
    found = incidents("Regime air raids killed 11 people in the Tariq al-Bab district of Aleppo on Friday, a monitor "
                      "said. The monitor said rebel bombardment of government-held districts killed two civilians in "
                      "the city that has been divided since July 2012.")
    assert sorted((i.event_type, i.actor, i.side, i.killed) for i in found) == [
        ("airstrike", "government", "east", 11), ("shelling", "rebels", "west", 2)]


def test_two_women_and_their_children():
    (inc,) = incidents("A coalition raid on the city of Manbij killed two women and their seven children on Friday.")
    assert (inc.actor, inc.killed, inc.children_killed) == ("coalition", 9, 7)


def test_a_held_district_told_with_a_year_does_not_break_the_extractor():
    found = incidents("Government forces shelled the rebel-controlled district of al-Shaar in 2015, killing 12. "
                      "Rebels shelled the district held by the army, killing three on Tuesday.")
    assert all(i.killed in (3, 12, None) for i in found)


@pytest.mark.parametrize("text, killed", [
    # a superlative measured "since" a past event: the toll is still the attack's own
    ("Shelling on Anadan on Tuesday killed 14 people, the deadliest day in the town since the truce collapsed.", 14),
    ("Jets killed nine civilians in al-Shaar on Monday, the worst toll there since the offensive began.", 9),
])
def test_the_highest_toll_since_is_a_comparison_not_a_period(text, killed):
    assert [i.killed for i in incidents(text)] == [killed]


@pytest.mark.parametrize("text", [
    # without the superlative, a toll since a past event counts a period
    "Shelling on Anadan has killed 140 people since the truce collapsed.",
    "Jets have killed 90 civilians in al-Shaar since the offensive began.",
])
def test_a_toll_since_an_event_is_still_a_period(text):
    assert incidents(text) == []


@pytest.mark.parametrize("text, event_type", [
    # one bomb that kills or goes off where people are is a bombing; bombs dropped from the air stay air strikes
    ("A bomb killed 11 people at a wedding in Azaz on Monday.", "bombing"),
    ("On Monday a roadside bomb hit a minibus near al-Bab, killing four.", "bombing"),
    ("Helicopters dropped a bomb on a market in Anadan on Monday, killing six.", "airstrike"),
])
def test_one_bomb_that_goes_off_is_a_bombing(text, event_type):
    assert [i.event_type for i in incidents(text)] == [event_type]


@pytest.mark.parametrize("text, n", [
    # a warning is no attack, but the attack it answers is news
    ("The minister threatened on Monday to cut all ties after jets bombed a hospital in Anadan.", 1),
    ("Rebels vowed on Tuesday to retaliate following the shelling of Hreitan by government forces.", 1),
    ("Rebels threatened on Monday to shell western Aleppo.", 0),
    ("The army warned on Monday that it would strike al-Bab after the deadline expires.", 0),
])
def test_the_attack_a_warning_answers_is_news(text, n):
    assert len(incidents(text)) == n


@pytest.mark.parametrize("text, actor", [
    # who a report is told by is not who attacked
    ("A car bomb killed 12 people in Azaz on Monday, according to a Kurdish militia.", None),
    ("A bomb went off at a market in al-Bab on Monday, killing six, according to the Syrian army.", None),
    # the attacker named in the clause stays the attacker
    ("Rebel shelling killed four people in al-Hamdaniya on Monday, according to the Syrian army.", "rebels"),
])
def test_according_to_names_the_source_not_the_attacker(text, actor):
    assert [i.actor for i in incidents(text)] == [actor]


@pytest.mark.parametrize("text, event_type", [
    # ground assaults and operations are fighting
    ("On Monday rebels failed to storm the air base near Kuweires.", "clashes"),
    ("The army launched a military operation against militants in Anadan on Monday.", "clashes"),
    # one bombing that kills is a bombing
    ("A bombing killed 14 people at a checkpoint in Azaz on Monday.", "bombing"),
])
def test_ground_operations_and_one_bombing(text, event_type):
    assert [i.event_type for i in incidents(text)] == [event_type]


@pytest.mark.parametrize("text, actor", [
    # fighters killed "in" or "during" an operation are its victims, not its authors
    ("An army unit eliminated a number of terrorists in precise military operations against the Nusra Front in "
     "Anadan on Monday.", "government"),
    ("Army units killed scores of militants in military operations against the Nusra Front in Anadan on Monday.",
     "government"),
    # "a group banned in Russia" does not make Russia the attacker
    ("Over 40 militants were killed in clashes between two factions (both banned in Russia) in Douma on Monday.",
     None),
])
def test_victims_and_banning_states_are_not_attackers(text, actor):
    assert [i.actor for i in incidents(text)] == [actor]


@pytest.mark.parametrize("text, side", [
    # the guideline's sides are exhaustive: an attack with no place or side in Aleppo city is outside it
    ("A military helicopter was shot down over Syria on Monday, killing two.", "outside"),
    ("A suicide bomber killed six soldiers on Monday, the army said.", "outside"),
    # a place or a side in the city still decides
    ("Jets struck al-Shaar on Monday, killing six.", "east"),
    ("Rebel shells hit government-held districts of Aleppo on Monday, killing two.", "west"),
])
def test_an_attack_placed_nowhere_in_the_city_is_outside(text, side):
    assert [i.side for i in incidents(text)] == [side]


@pytest.mark.parametrize("text, side", [
    # "the western part of the province" is Aleppo's countryside, not the government-held west of the city
    ("Jets struck a fuel convoy in the western part of Aleppo province on Monday, killing six.", "outside"),
    ("Rebel shells hit the western part of Aleppo on Monday, killing two.", "west"),
    # a side cue in a city the sentence does not name stays unknown
    ("Jets struck the eastern districts on Monday, killing six.", None),
])
def test_the_part_of_a_province_is_not_a_side_of_the_city(text, side):
    assert [i.side for i in incidents(text)] == [side]


def test_rebel_fire_after_a_barrel_bomb_is_another_attack():
    text = ("Two medics said a family suffocated after a barrel bomb fell in al-Sakhour at midnight. "
            "Rebel shelling killed eight children at a school, the monitor reported.")
    assert sorted((i.actor or "", i.killed or 0) for i in incidents(text)) == [("government", 0), ("rebels", 8)]


def test_the_other_attack_is_not_the_one_just_told():
    text = ("Rockets hit two districts on Thursday: a school in al-Shahba, killing four children, and the other "
            "attack killed two people in Hamdaniya.")
    assert tolls(text) == [("Hamdaniyah", 2), ("al-Shahba", 4)]


def test_an_attack_a_day_before_another_is_its_own_on_its_own_day():
    text = ("Five children were killed at a school in government-held western Aleppo on Thursday, just a day "
            "after air strikes on a school in Idlib province.")
    got = sorted((i.side, i.event_date) for i in incidents(text))
    assert got == [("outside", "2016-10-12"), ("west", "2016-10-13")]


@pytest.mark.parametrize("text, side", [
    # the side the attack hits, not the side of the earlier event an "after" clause recalls
    ("Rebels began heavy shelling of government-held areas of Aleppo on Friday after a long offensive against "
     "besieged districts held by insurgents.", "west"),
    ("The army pounded rebel-held districts of Aleppo on Friday after weeks of rocket fire on government-held "
     "areas.", "east"),
])
def test_the_side_hit_not_the_side_an_after_clause_recalls(text, side):
    assert [i.side for i in incidents(text)] == [side]
