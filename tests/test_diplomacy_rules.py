"""Diplomatic events, one table per phenomenon: dates attached to the act, triggers and parties, and one
event per act within an article. Sentences are written for these tests. Published Thursday 2016-10-13
unless a case says otherwise (MON: Monday 2016-10-10)."""
import datetime as dt

import pytest

from frontline.extract import extract_article
from frontline.models import Article

THU = dt.date(2016, 10, 13)
MON = dt.date(2016, 10, 10)


def diplomacy(text, published=THU):
    events = extract_article(Article("t", text, published=published)).diplomacy
    for e in events:
        for s in e.spans:
            assert text[s.start:s.end] == s.text
    return events


def only(text, published=THU):
    found = diplomacy(text, published)
    assert len(found) == 1, (text, [(e.event_type, e.actors, e.event_date) for e in found])
    return found[0]


def ids(cases):
    return [c[0][:50] for c in cases]


# ------------------------------------------------------------------ dates

DATE_CASES = [
    # text, published, event date
    # talks whose parties are listed before their verb are dated by it
    ("Talks among Turkey, Iran, Russia and the United Nations on a truce for Aleppo broke up on Monday "
     "without a deal.", THU, "2016-10-10"),
    # a "when" clause after a date is that day's: the accusation is of October 3
    ("Putin met Erdogan, the first meeting since October 3, when Moscow accused Ankara of arming rebels in "
     "Aleppo.", THU, "2016-10-03"),
    # a vote's date is its verb's, past an aside between dashes
    ("Two draft resolutions \u2014 one from Britain, the other from China \u2014 were defeated in the Security "
     "Council on Saturday, diplomats said.", THU, "2016-10-08"),
    # a truce's date is its verb's, however long its name ("a truce between ... collapsed on Monday")
    ("A truce between the opposition and the government in the besieged town of Madaya effectively broke down "
     "on Monday, with shells falling on its market.", THU, "2016-10-10"),
    # a weekday in the past tense is the last one before publication
    ("Russia and Turkey signed a truce deal for Aleppo on Monday.", THU, "2016-10-10"),
    ("On Tuesday, the Turkish and Iranian foreign ministers met in Tehran.", THU, "2016-10-11"),
    ("Lavrov spoke with Kerry by phone on Friday evening.", THU, "2016-10-07"),
    ("The French president telephoned Putin on Sunday night.", THU, "2016-10-09"),
    # the weekend before publication: its Saturday
    ("Kerry met Lavrov over the weekend in Geneva.", THU, "2016-10-08"),
    ("Iran and Turkey held talks on Syria during the weekend.", MON, "2016-10-08"),
    ("The Saudi and Qatari foreign ministers met last weekend in Riyadh.", THU, "2016-10-08"),
    # "early/late last week": the month of that part of last week
    ("Iran and Turkey held talks in Tehran early last week.", THU, "2016-10"),
    ("Russia and China vetoed the draft late last week.", dt.date(2016, 11, 2), "2016-10"),
    # the future tense: the coming weekday
    ("Kerry will meet Lavrov in Geneva on Thursday.", MON, "2016-10-13"),
    ("The Russian and Turkish foreign ministers are due to hold talks in Lausanne on Saturday.", THU, "2016-10-15"),
    ("Putin is expected to visit Ankara on Monday.", THU, "2016-10-17"),
    ("Kerry will continue on to Paris to take part in a meeting with his French, German and Qatari "
     "counterparts on Saturday.", THU, "2016-10-15"),
    ("Turkey and Russia will discuss the evacuation over the weekend.", THU, "2016-10-15"),
    # the act as the subject of a future verb
    ("A meeting of the Russian and Iranian foreign ministers is expected to take place in Moscow on Saturday.",
     THU, "2016-10-15"),
    ("Talks between Turkey and Iran will be held in Ankara on Monday.", THU, "2016-10-17"),
    ("The summit of Russia, Iran and Turkey is due to open in Sochi on Friday.", THU, "2016-10-14"),
    # a future word after an act told in the past does not move it ("had cancelled a visit planned for
    # next week")
    ("Russia said on Tuesday that Putin had cancelled his visit to Turkey planned for next week.", THU,
     "2016-10-11"),
    ("Kerry and Lavrov to meet in Switzerland: US officials said on Wednesday that Kerry will meet Lavrov "
     "in Lausanne on Saturday.", THU, "2016-10-15"),
    # a statement's date is the cancellation's, and "planned" does not make it future
    ("The Kremlin said on Tuesday that Putin had cancelled a planned visit to Paris.", THU, "2016-10-11"),
    # "a day after": a day before the date of the main clause (the sentence's, else the article's lead)
    ("The raids on Thursday came a day after Russia announced a pause in its bombing.", THU, "2016-10-12"),
    ("Rebels shelled western Aleppo on Tuesday. The shelling came two days after the UN urged Russia and "
     "Turkey to restore the truce.", THU, "2016-10-09"),
    ("Warplanes hit the city on Wednesday, hours after Moscow declared a truce.", THU, "2016-10-12"),
    ("The bombing resumed on Monday, a week after Russia and the US agreed a ceasefire.", THU, "2016-10-03"),
    ("The city was calm for a few days after the truce brokered by Moscow and Washington came into effect on "
     "October 3.", THU, "2016-10-03"),
    ("Rebels shelled the west on Wednesday. The shelling came a day after Russia declared a truce for the "
     "city, the Observatory said on Thursday.", THU, "2016-10-11"),
    # "as of" dates a report, not an act
    ("As of 12 October, the UN said, Russia vetoed the French draft resolution on Saturday.", THU, "2016-10-08"),
    # the date attached to the act's trigger, not the date of an attack in another clause
    ("France on Tuesday accused Russia over the air strike on Sunday that killed 20 people.", THU, "2016-10-11"),
    ("Russia vetoed the draft resolution on Saturday, and rebels shelled western Aleppo on Monday.", THU,
     "2016-10-08"),
    ("Britain condemned Russia for the bombing of a hospital on Monday.", THU, None),
    # a date between the act and what it is about ("... on Monday over the bombing of ...") is the act's
    ("Turkey hit out at Russia on Monday over the bombing of Idlib.", THU, "2016-10-10"),
    ("The EU condemned Syria on Tuesday for the assault on Aleppo.", THU, "2016-10-11"),
    # "since/until" dates bound a period, they do not date the act
    ("Kerry met Lavrov in Geneva, their first meeting since September.", THU, None),
    ("Iran and Turkey signed a truce that holds until 20 October.", THU, None),
    # with no date beside the trigger, the date of the statement that reports a past act
    ("A new evacuation deal between Russia and Turkey for the besieged districts of the city has finally "
     "been reached, Turkish officials said late on Wednesday.", THU, "2016-10-12"),
    ("Russia and Iran agreed to extend the pause in the bombing of the eastern districts by another "
     "twenty-four hours, the Kremlin said on Tuesday.", THU, "2016-10-11"),
    ("The extension of the pause was agreed by Russia and Turkey, the Turkish spokesman told reporters on "
     "Wednesday.", THU, "2016-10-12"),
    ("The agreement was announced by the US Secretary of State, John Kerry, and his Russian counterpart "
     "Sergei Lavrov in Geneva yesterday.", THU, "2016-10-12"),
    # a date far from the trigger in the act's own clause, a sentence-initial date over the whole clause
    ("The Syrian Foreign Ministry requested the measures in two identical letters addressed to the President "
     "of the UN Security Council and the UN Secretary-General on Sunday.", THU, "2016-10-09"),
    ("On October 10, the foreign ministers of Russia and Iran, after weeks of preparation and several "
     "postponements, finally met in Moscow.", THU, "2016-10-10"),
    # the attack a truce stops is not an attack: its date is the truce's
    ("The Russian and Syrian governments agreed to stop air strikes on the city starting on Thursday.",
     dt.date(2016, 10, 18), "2016-10-13"),
    ("Moscow declared it would halt its bombing of eastern Aleppo from Tuesday.", THU, "2016-10-11"),
    ("Turkey and Russia agreed a humanitarian pause in the shelling on Monday.", THU, "2016-10-10"),
    # a date nearer another act of the sentence is that act's
    ("Lavrov said, as he arrived to meet Kerry, that he supported the American proposal of October 2.", THU,
     None),
]


@pytest.mark.parametrize("text,published,date", DATE_CASES, ids=ids(DATE_CASES))
def test_the_date_of_the_act(text, published, date):
    found = diplomacy(text, published)
    assert found, text
    assert found[-1].event_date == date, (text, [(e.event_type, e.event_date) for e in found])


CONTEXT_DATE_CASES = [
    # a sentence that states no act but dates what parties did, dates their next act
    ("The United States and Britain on Sunday admitted the limits of their support. After a meeting of eleven "
     "governments, Kerry and Boris Johnson insisted all options were open.", "meeting", "2016-10-09"),
    ("Assad said in an interview broadcast on Wednesday that the war would go on. Assad cast doubt on the "
     "intentions of the United States.", "accusation", "2016-10-12"),
    ("Lavrov spoke to students in Moscow on Tuesday. He praised the army. Lavrov accused Washington of "
     "shielding the Nusra Front.", "accusation", "2016-10-11"),
    # not across an unrelated sentence, nor from a date that is an attack's
    ("Kerry and Johnson spoke on Sunday. Rebels shelled a school. Later, Kerry met Johnson in London.",
     "meeting", None),
    ("Turkey and Iran said that rebels shelled a school on Monday. The Turkish and Iranian ministers then "
     "held talks in Ankara.", "meeting", None),
]


@pytest.mark.parametrize("text,etype,date", CONTEXT_DATE_CASES, ids=ids(CONTEXT_DATE_CASES))
def test_an_undated_act_takes_the_date_its_parties_were_given_just_before(text, etype, date):
    found = [e for e in diplomacy(text) if e.event_type == etype]
    assert len(found) == 1 and found[0].event_date == date, (text, found)


@pytest.mark.parametrize("text", [
    "As of 12 October, Turkey and Russia had agreed a truce for Aleppo.",
    "Figures as of 11 October show that Russia and Iran signed the deal.",
])
def test_a_reporting_date_is_not_the_acts(text):
    assert only(text).event_date is None


TRUCE_CASES = [
    ("A truce brokered by the US and Russia took effect on Monday. The truce collapsed on Wednesday.",
     ["2016-10-10", "2016-10-12"]),
    ("Russia and Turkey agreed a ceasefire on Tuesday. On Wednesday the ceasefire broke down.",
     ["2016-10-11", "2016-10-12"]),
    ("The Russian-Turkish truce entered into force on Saturday. That truce fell apart on Monday, the UN said.",
     ["2016-10-08", "2016-10-10"]),
    # in one sentence
    ("The truce brokered by Russia and the US, which began on Monday, collapsed on Wednesday.",
     ["2016-10-10", "2016-10-12"]),
    ("A ceasefire agreed by Turkey and Russia took effect on September 30 but broke down on October 4.",
     ["2016-09-30", "2016-10-04"]),
    ("Iran and Russia declared a pause on Tuesday that expired on Wednesday.", ["2016-10-11", "2016-10-12"]),
]


@pytest.mark.parametrize("text", [
    "A ceasefire brokered by the US and Russia collapsed last month.",
    "The truce agreed by Turkey and Russia broke down on Wednesday.",
    "A pause announced by Moscow expired on Tuesday.",
])
def test_a_truce_named_by_who_made_it_and_its_end_is_one_event(text):
    assert len(diplomacy(text)) == 1, text


@pytest.mark.parametrize("text,dates", TRUCE_CASES, ids=ids(TRUCE_CASES))
def test_a_truce_that_starts_and_one_that_collapses_are_two_events(text, dates):
    found = diplomacy(text)
    assert [e.event_type for e in found] == ["agreement", "agreement"], text
    assert [e.event_date for e in found] == dates


@pytest.mark.parametrize("text", [
    "Syria agreed to give up its chemical weapons in 2013 under a deal brokered by Moscow and Washington.",
    "Following the 2012 Geneva conference, Russia and the US signed a joint communique.",
    "The 2013 agreement between Russia and the United States averted American strikes.",
])
def test_an_act_dated_by_an_earlier_year_is_background(text):
    assert diplomacy(text) == []


# ------------------------------------------------------------------ triggers and parties

PARTY_CASES = [
    # text, event type, parties
    # a jab, a swipe, hitting out: an accusation
    ("Iran's foreign minister took a swipe at Saudi Arabia over Aleppo.", "accusation", {"Iran", "Saudi Arabia"}),
    ("Ankara hit out at Moscow over the bombing of Idlib.", "accusation", {"Turkey", "Russia"}),
    # Syria as the one condemned or urged is the Syrian state
    ("France condemned Syria over the siege of Madaya.", "accusation", {"France", "Syria"}),
    ("Moscow urged Syria to open the crossings.", "proposal", {"Russia", "Syria"}),
    # a resolution adopted, rejected or blocked, however the sentence words it
    ("The Security Council on Monday rejected a Chinese-drafted resolution on Idlib.", "un_action",
     {"United Nations", "China"}),
    ("Council members adopted a British draft on aid to Aleppo.", "un_action", {"United Kingdom", "United Nations"}),
    ("The council failed to adopt a text put forward by Japan on Aleppo.", "un_action", {"Japan", "United Nations"}),
    ("Moscow's bombing campaign drew sharp criticism from Paris.", "accusation", {"France", "Russia"}),
    ("The strikes drew criticism from London and Berlin, which blamed Damascus.", "accusation",
     {"United Kingdom", "Germany", "Syria"}),
    ("The UN urged Turkey and Iran to use their influence on Damascus.", "proposal",
     {"United Nations", "Turkey", "Iran"}),
    ("Riyadh urged Beijing to stop shielding the Syrian government.", "proposal", {"Saudi Arabia", "China"}),
    ("The EU called on Moscow to halt the bombing of eastern Aleppo.", "proposal", {"European Union", "Russia"}),
    ("The Syrian Coalition called upon the United Nations to protect civilians in Aleppo.", "proposal",
     {"Syrian opposition", "United Nations"}),
    ("A Dutch government spokeswoman condemned the bombing of hospitals by Russian jets.", "accusation",
     {"Netherlands", "Russia"}),
    ("A Canadian government spokesman accused Damascus of starving civilians.", "accusation", {"Canada", "Syria"}),
    ("A government spokesman in Ankara accused Tehran of prolonging the war.", "accusation", {"Turkey", "Iran"}),
    ("Washington and London accused Moscow of war crimes in Aleppo.", "accusation",
     {"United States", "United Kingdom", "Russia"}),
    ("Tehran and Ankara held talks on Aleppo on Tuesday.", "meeting", {"Iran", "Turkey"}),
    ("The Russian foreign minister met his Turkish counterpart on Friday.", "meeting", {"Russia", "Turkey"}),
    ("The Japanese ambassador met the Iranian foreign minister in Tokyo.", "meeting", {"Japan", "Iran"}),
    ("The UN human rights office accused Syrian government forces of war crimes.", "accusation",
     {"United Nations", "Syria"}),
    ("Erdogan and Putin discussed the evacuation of Aleppo.", "meeting", {"Turkey", "Russia"}),
    ("Two UN envoys went to Damascus last week to negotiate access.", "visit", {"United Nations", "Syria"}),
    ("UN inspectors will travel to Syria next week.", "visit", {"United Nations", "Syria"}),
    ("US officials believe Russian aircraft were responsible for the strike on the convoy.", "accusation",
     {"United States", "Russia"}),
    ("Hollande, who suggested Moscow was guilty of war crimes, cancelled nothing.", "accusation",
     {"France", "Russia"}),
    ("The Syrian Coalition said that Russia has lost its credibility as a sponsor of talks.", "accusation",
     {"Syrian opposition", "Russia"}),
    ("The United States, Britain and France made a joint call for an immediate ceasefire in Aleppo.", "proposal",
     {"United States", "United Kingdom", "France"}),
    ("Moscow said it would halt fire around Aleppo for three hours each day.", "agreement", {"Russia"}),
    ("Russia and Iran rejected a US plea to halt flights over Aleppo.", "proposal",
     {"Russia", "Iran", "United States"}),
    # an act named as the object of an accusation is not reported by it
    ("France condemned the Russian veto.", "accusation", {"France", "Russia"}),
    ("The US ambassador called Russia out for the veto of the draft resolution.", "accusation",
     {"United States", "Russia"}),
    ("Britain urged Russia to stop blocking the Security Council resolution.", "proposal",
     {"United Kingdom", "Russia"}),
    # a party of another clause is not the act's
    ("Russia and China vetoed the draft resolution, as Moscow argued for talks with Washington.", "un_action",
     {"Russia", "China", "United Nations"}),
    ("Turkey accused Iran of blocking the evacuation, while Washington stayed silent.", "accusation",
     {"Turkey", "Iran"}),
    ("France condemned the Russian veto; Britain said nothing.", "accusation", {"France", "Russia"}),
    # the opposition's areas and a state's opposition to a deal are not the opposition's political body
    ("Iran and Turkey agreed a truce for the opposition enclave.", "agreement", {"Iran", "Turkey"}),
    ("Russia agreed the truce despite Iranian opposition.", "agreement", {"Russia", "Iran"}),
    ("The Russian and Syrian governments agreed to stop air strikes on the city.", "agreement", {"Russia", "Syria"}),
    # armed opposition groups are not the opposition's political body, even when accused
    ("Damascus said the armed opposition and Turkey were responsible for the shelling.", "accusation",
     {"Syria", "Turkey"}),
    ("Moscow said the moderate opposition and its Western backers, including the US, were obstructing aid.",
     "accusation", {"Russia", "United States"}),
    ("Tehran blamed the so-called opposition and Riyadh for the shelling of Nubul.", "accusation",
     {"Iran", "Saudi Arabia"}),
    # Syria acting is the Syrian state; Syria as a place is not a party
    ("Syria has demanded that the UN Security Council condemn Turkey.", "proposal", {"Syria", "United Nations"}),
    ("Syria's UN envoy accused Saudi Arabia of arming the rebels.", "accusation", {"Syria", "Saudi Arabia"}),
    ("The UN envoy to Syria, Staffan de Mistura, called on Russia to halt the bombing.", "proposal",
     {"United Nations", "Russia"}),
    ("Russia and Iran accused the US of undermining the truce in Syria.", "accusation",
     {"Russia", "Iran", "United States"}),
    ("The Kremlin accused Washington of obstructing aid deliveries.", "accusation", {"Russia", "United States"}),
    # a possessive printed without its apostrophe ("Assads", "Putins") still names the party
    ("Assads envoy accused Erdogans government of arming the rebels.", "accusation", {"Syria", "Turkey"}),
    ("Putins spokesman condemned Kerrys remarks.", "accusation", {"Russia", "United States"}),
    ("The US ambassador accused Russia and Syria of pursuing a military solution.", "accusation",
     {"United States", "Russia", "Syria"}),
    ("Russia was accused by France and Britain of war crimes in Aleppo.", "accusation",
     {"Russia", "France", "United Kingdom"}),
    ("Britain and France lashed out at Moscow over the air strikes.", "accusation",
     {"United Kingdom", "France", "Russia"}),
    # a session of the Security Council is its act, whatever it is called
    ("The UN Security Council held urgent talks on Sunday about Aleppo.", "un_action", {"United Nations"}),
    ("The Security Council convened on Wednesday in an emergency session on Aleppo.", "un_action",
     {"United Nations"}),
    ("France called an emergency meeting of the Security Council on the bombing of Aleppo.", "un_action",
     {"France", "United Nations"}),
]


SPEAKER_CASES = [
    # "the ministry said", after a sentence that named whose ministry it is
    ("The Syrian Foreign and Expatriates Ministry sent two letters to the UN. The Ministry said that Turkey "
     "and Qatar are responsible for the attacks.", "accusation", {"Syria", "Turkey", "Qatar"}),
    ("Russia's defence ministry announced new flights. The ministry said it would halt fire around the city "
     "for three hours each day.", "agreement", {"Russia"}),
    ("A Turkish foreign ministry spokesman spoke in Ankara. The spokesman accused Iran of blocking the "
     "evacuation.", "accusation", {"Turkey", "Iran"}),
]


@pytest.mark.parametrize("text,etype,parties", SPEAKER_CASES, ids=ids(SPEAKER_CASES))
def test_a_definite_speaker_speaks_for_the_state_named_before(text, etype, parties):
    found = [e for e in diplomacy(text) if e.event_type == etype]
    assert len(found) == 1 and set(found[0].actors) == parties, (text, found)


SECOND_ACT_CASES = [
    # a sentence whose main act is another also states an accusation
    ("Russia vetoed the draft on Saturday, and the US ambassador called Moscow out for it.",
     {"un_action", "accusation"}),
    ("Russia vetoed the resolution on Saturday, and France condemned Moscow for it.", {"un_action", "accusation"}),
    ("Kerry met Lavrov in Geneva, and later blamed Moscow for the collapse of the truce.",
     {"meeting", "accusation", "agreement"}),
]


@pytest.mark.parametrize("text,types", SECOND_ACT_CASES, ids=ids(SECOND_ACT_CASES))
def test_a_second_act_in_the_sentence(text, types):
    assert {e.event_type for e in diplomacy(text)} == types, text


@pytest.mark.parametrize("text,etype,parties", PARTY_CASES, ids=ids(PARTY_CASES))
def test_trigger_and_parties(text, etype, parties):
    e = only(text)
    assert e.event_type == etype, text
    assert set(e.actors) == parties, text


NAMED_LATER_CASES = [
    # a person introduced with a state or body, later named by surname alone
    ("Syrian Coalition member Adnan Rahmoun spoke in Istanbul. Rahmoun called on the Security Council to "
     "protect civilians.", "proposal", {"Syrian opposition", "United Nations"}),
    ("The Dutch envoy Jan Bakker arrived in Beirut on Monday. Bakker accused Damascus of blocking aid.",
     "accusation", {"Netherlands", "Syria"}),
    ("Iranian deputy minister Hossein Amir-Abdollahian flew in on Sunday. Amir-Abdollahian met Lavrov on "
     "Monday.", "meeting", {"Iran", "Russia"}),
]


@pytest.mark.parametrize("text,etype,parties", NAMED_LATER_CASES, ids=ids(NAMED_LATER_CASES))
def test_a_person_named_again_speaks_for_the_same_party(text, etype, parties):
    found = [e for e in diplomacy(text) if e.event_type == etype]
    assert len(found) == 1 and set(found[0].actors) == parties, text


@pytest.mark.parametrize("text", [
    "Opposition fighters accused the army of breaking the truce.",            # armed groups are not parties
    "Opposition activists blamed Russian jets for the strikes.",
    "The Syrian army blamed terrorists for the attack on the school.",
    "The Russian government and the Syrian regime blamed their foes for breaking the ceasefire.",
    "Rebel commanders called on fighters to defend the city.",
    "The Syrian Observatory said 20 people were killed in strikes blamed on Russian jets.",   # monitors' tolls
    "UN monitors said at least 30 civilians were killed on Tuesday.",
    "The Observatory blamed Russian warplanes for the raid.",
    "The group is believed to be an initiative by al-Qaeda in the Afghanistan-Pakistan region.",
    "Aid agencies said the war in Syria has killed 300,000 people.",                    # Syria as a place
    "The UN commission of inquiry on Syria said IS fighters accused of atrocities would be listed.",
    "The ministry said it would halt fire around the city for three hours each day.",   # whose ministry?
    # a veto that may come, talks and truces only wished for
    "Britain said it would go to the General Assembly should Russia veto the draft again.",
    "France warned it could take the matter to the Security Council if the bombing went on.",
    "Churkin said Russia still wants a ceasefire in Aleppo.",
    "Turkey is striving to secure a ceasefire throughout the country.",
    "Russia and Iran are working towards a truce in the city.",
    "Rycroft said Russia should create the conditions for the resumption of political talks.",
    # a state named as a place, and participles of other agents
    "The Britain-based monitor said the raid was suspected to be the work of Russian jets in Syria and Iraq.",
    "The Kurds along the Turkish border demanded that the militia disband.",
    "The war began with a protest movement demanding reforms from the regime.",
    "The West will eventually have to deal with Damascus, Russian officials believe.",
    "Rival sides must overcome the hurdle that derailed past discussions between Moscow and Ankara.",
    # an accusation whose accuser is not named, a domestic debate, a vote outside the UN
    "Syria's government has been accused of using siege tactics, and the UN says 600,000 people are besieged.",
    "On Tuesday the British parliament convened in an emergency debate on Russia and Aleppo.",
    "The Welsh party voted against bombing Syria.",
])
def test_not_a_diplomatic_event(text):
    assert diplomacy(text) == [], text


# ------------------------------------------------------------------ one event per act

SAME_EVENT_CASES = [
    ("Lavrov and Kerry met in Geneva on Friday. The talks lasted five hours. Lavrov said the meeting was useful.",
     "meeting"),
    ("Russia vetoed the French draft resolution on Saturday. The veto was Russia's fifth. France condemned "
     "the Russian veto of the resolution.", "un_action"),
    ("Turkey and Russia agreed a truce for Aleppo on Tuesday. The truce agreement was announced in Ankara. "
     "Under the deal, Turkey and Russia will guarantee the ceasefire.", "agreement"),
    ("Kerry met Lavrov in Lausanne on Saturday. It was the first meeting between Kerry and Lavrov since "
     "September.", "meeting"),
    ("A new deal between Russia and Turkey was reached on Tuesday. The new deal lets civilians leave first.",
     "agreement"),
    ("Turkey and Iran held talks in Ankara on Saturday. Lavrov welcomed Saturday's talks.", "meeting"),
    # a meeting whose other parties a later sentence names
    ("Syria talks convened by Kerry in Lausanne ended without a statement. Kerry hosted Lavrov and the Turkish "
     "foreign minister.", "meeting"),
    ("A summit called by Putin opened in Sochi on Monday. Putin received Erdogan and Rouhani at the summit.",
     "meeting"),
]


VISIT_MEETING_CASES = [
    # a visit and the meeting it was made for, told in adjacent sentences, are one event
    ("Damascus improved ties with Egypt after the first public meeting between Egyptian and Syrian security "
     "chiefs. Assads top aide visited Cairo on Sunday to coordinate with Egypt.", "2016-10-09"),
    ("Putin visited Ankara on Monday. He held talks with Erdogan on the truce.", "2016-10-10"),
    ("Lavrov met Zarif in Tehran. The Russian minister's visit to Tehran on Tuesday was his first this year.",
     "2016-10-11"),
]


@pytest.mark.parametrize("text,date", VISIT_MEETING_CASES, ids=ids(VISIT_MEETING_CASES))
def test_a_visit_and_its_meeting_are_one_event(text, date):
    found = [e for e in diplomacy(text) if e.event_type in ("meeting", "visit")]
    assert len(found) == 1 and found[0].event_date == date, (text, found)


def test_a_visit_and_a_later_meeting_elsewhere_stay_two():
    text = ("Putin visited Ankara on Monday. Rebels shelled the city. Erdogan and Putin met again in Sochi "
            "on Wednesday.")
    assert len([e for e in diplomacy(text) if e.event_type in ("meeting", "visit")]) == 2


@pytest.mark.parametrize("text", [
    "Kerry sought a ceasefire in Aleppo.",                               # one party, no one else ever named
    "The Kremlin will host a conference on Syria next month.",
])
def test_a_meeting_of_one_party_is_not_an_event(text):
    assert diplomacy(text) == [], text


@pytest.mark.parametrize("text,etype", [
    # a truce sought, not reached, is not an agreement; the sentence's other act is
    ("Kerry failed to secure a ceasefire in direct talks with Lavrov.", "meeting"),
    ("The US urged Russia to agree to a truce in Aleppo.", "proposal"),
    ("France and Britain are seeking a new truce for Aleppo.", None),
    ("Efforts to revive the ceasefire between Russia and the US have stalled.", None),
])
def test_a_truce_sought_is_not_an_agreement(text, etype):
    assert [e.event_type for e in diplomacy(text)] == ([etype] if etype else []), text


@pytest.mark.parametrize("text,etype", SAME_EVENT_CASES, ids=ids(SAME_EVENT_CASES))
def test_one_act_reported_several_times_is_one_event(text, etype):
    found = [e for e in diplomacy(text) if e.event_type == etype]
    assert len(found) == 1, text
    assert len(found[0].spans) >= 2


DIFFERENT_EVENT_CASES = [
    ("Kerry met Lavrov in Geneva on Monday. On Wednesday, Kerry met the Turkish foreign minister in Ankara.",
     "meeting"),
    ("Kerry met Lavrov on Monday. A separate meeting between Kerry and Lavrov is planned for Friday.", "meeting"),
    ("The US and Britain held talks in London. The government in Damascus improved ties with Egypt following "
     "the first public meeting between Egyptian and Syrian security chiefs.", "meeting"),
    ("Washington accused Moscow of war crimes. Damascus accused Washington of backing terrorists.", "accusation"),
    ("Russia and Turkey agreed a truce on Tuesday. Iran and Turkey reached another deal.", "agreement"),
]


@pytest.mark.parametrize("text,etype", DIFFERENT_EVENT_CASES, ids=ids(DIFFERENT_EVENT_CASES))
def test_two_acts_stay_two_events(text, etype):
    found = [e for e in diplomacy(text) if e.event_type == etype]
    assert len(found) == 2, (text, [(e.actors, e.event_date) for e in found])


@pytest.mark.parametrize("text", [
    "Kerry will meet Lavrov on Saturday. The talks came a day after Russia vetoed the draft.",
    "Over the weekend, Russia and Turkey agreed a truce; it collapsed early last week.",
    "Assad said on Thursday the war would go on. Assad accused Washington of lying.",
])
def test_without_a_publication_date_relative_dates_stay_unresolved(text):
    found = diplomacy(text, published=None)
    assert found, text
    assert all(e.event_date is None for e in found), [(e.event_type, e.event_date) for e in found]


# ------------------------------------------------------------------ calls, denials, resolutions (wire phrasing)

@pytest.mark.parametrize("text, published, expected", [
    # a date that opens the sentence is the act's, not a dateline
    ("On October 11, the French foreign minister spoke over the phone with his Iranian counterpart.", THU,
     ("call", "2016-10-11")),
    # what the two "discussed" in the call is the call itself
    ("Lavrov talked by telephone with Kerry on Tuesday. The ministers discussed the situation in Aleppo.", THU,
     ("call", "2016-10-11")),
    # a gathering that opens on a weekday, told in the present tense, is the coming one
    ("Kerry and Lavrov were in Vienna for a conference of the OSCE that opens Saturday.", THU,
     ("meeting", "2016-10-15")),
])
def test_calls_and_scheduled_gatherings(text, published, expected):
    e = only(text, published)
    assert (e.event_type, e.event_date) == expected


def test_a_denial_in_another_clause_leaves_the_act():
    found = diplomacy("Lavrov denied any change of plans and Paris accused Moscow of stalling the talks after Russia "
                      "and China vetoed a UN Security Council resolution on Saturday calling for a truce.")
    vetoes = [e for e in found if e.event_type == "un_action"]
    assert [(e.event_date, "Russia" in e.actors) for e in vetoes] == [("2016-10-08", True)]


def test_a_denial_of_the_act_itself_is_no_act():
    assert diplomacy("Moscow denied reports that Lavrov would meet Kerry in Geneva on Saturday.") == []


@pytest.mark.parametrize("text, actors", [
    # the armed opposition is a party to a truce or deal, never to talks or appeals
    ("The evacuation deal between the government and rebel groups collapsed on Wednesday.", {"Syria", "Syrian opposition"}),
    ("Thousands were evacuated on Tuesday in an evacuation deal between warring sides.", {"Syria", "Syrian opposition"}),
    ("Rebels agreed to a truce with the army in Daraya on Friday.", {"Syrian opposition"}),
    # "the main opposition group" is the political opposition; the US-led coalition speaks for the US
    ("The main Syrian opposition group urged the US-led coalition on Tuesday to suspend its bombardments.",
     {"Syrian opposition", "United States"}),
])
def test_the_opposition_as_a_party(text, actors):
    assert set(only(text).actors) == actors


def test_rebels_told_to_leave_are_no_party_to_a_moratorium():
    e = only("Russia said on Wednesday that all rebels must leave Aleppo by Friday, adding its moratorium on air "
             "strikes could not be extended.")
    assert e.actors == ["Russia"]


# ------------------------------------------------------------------ an accusation that refers back to an attack

CONDEMNED_ATTACK_CASES = [
    # text, the parties of the one accusation (the accused: the state behind the attack told before)
    ("Government helicopters dropped barrel bombs on al-Shaar on Tuesday, killing 14. "
     "The Syrian National Coalition condemned this horrific crime.", {"Syrian opposition", "Syria"}),
    ("Russian jets struck a market in Maarat al-Numan on Monday, killing 20. "
     "France denounced the massacre.", {"France", "Russia"}),
    # the attack as the subject, the accuser after "from"
    ("Government jets pounded al-Shaar on Tuesday, killing 20. The offensive drew sharp criticism from Britain.",
     {"United Kingdom", "Syria"}),
]


@pytest.mark.parametrize("text,actors", CONDEMNED_ATTACK_CASES, ids=ids(CONDEMNED_ATTACK_CASES))
def test_condemning_an_attack_accuses_the_state_behind_it(text, actors):
    event = only(text)
    assert event.event_type == "accusation" and set(event.actors) == actors


@pytest.mark.parametrize("text", [
    # an armed group's attack: no state to accuse
    "Rebel shells hit al-Midan on Tuesday, killing four. France condemned the attack.",
    # the party named is not the accuser: no accusation is read from the reference
    "Government jets struck al-Shaar on Tuesday, killing 14. The activists condemned the attack and called on "
    "the United Nations to act.",
])
def test_no_accused_state_no_accusation(text):
    assert [e for e in diplomacy(text) if e.event_type == "accusation"] == []


def test_a_city_dateline_in_capitals_is_no_party():
    event = only("BEIRUT \u2014 Russia and Turkey agreed on a truce for Aleppo on Tuesday.")
    assert set(event.actors) == {"Russia", "Turkey"}


def test_talks_in_another_city_are_another_meeting():
    found = diplomacy("Lavrov and Kerry met in Geneva on Tuesday to discuss Aleppo. Kerry then held talks in "
                      "London with Lavrov and the British and French foreign ministers.")
    meetings = sorted((tuple(sorted(e.actors)), e.event_date or "") for e in found if e.event_type == "meeting")
    assert meetings == [(("France", "Russia", "United Kingdom", "United States"), ""),
                        (("Russia", "United States"), "2016-10-11")]


@pytest.mark.parametrize("text,actors", [
    ("The Syrian government approved the UN plan for eastern Aleppo on Monday.", {"Syria", "United Nations"}),
    ("Turkey said the opposition had agreed to the evacuation deal on Tuesday.", {"Turkey", "Syrian opposition"}),
])
def test_accepting_a_plan_is_an_agreement(text, actors):
    event = only(text)
    assert event.event_type == "agreement" and set(event.actors) == actors


def test_approving_aid_is_no_agreement():
    assert diplomacy("The UN approved aid deliveries to Aleppo on Monday.") == []


# an act the headline or lead tells with no date of its own is the report's news: the lead's day, else the
# publication day; one told further down, or told as coming before the report, stays undated
LEAD_ACT_CASES = [
    # text, published, event date
    ("Moscow accuses Paris of hypocrisy over Aleppo. France and Britain traded accusations with Russia at the "
     "United Nations, diplomats said.", THU, "2016-10-13"),
    ("Russia and Turkey agree on an evacuation plan for eastern Aleppo. Fighting raged on Tuesday in the old "
     "city. The deal between Russia and Turkey would let fighters leave.", THU, "2016-10-11"),
    ("Rebels shelled the west of the city on Monday. Mortars fell on two schools. Residents fled north. Crowds "
     "gathered at the crossing. Diplomats said France and Britain accused Russia of war crimes.", THU, None),
    ("Days after a truce brokered by Russia and the United States collapsed, bombs fell on the east of the city.",
     THU, None),
]


@pytest.mark.parametrize("text,published,date", LEAD_ACT_CASES, ids=ids(LEAD_ACT_CASES))
def test_an_undated_act_of_the_lead_is_of_the_lead_s_day(text, published, date):
    found = [e for e in diplomacy(text, published) if e.event_type in ("accusation", "agreement")]
    assert found and found[0].event_date == date, [(e.event_type, e.actors, e.event_date) for e in found]


# ------------------------------------------------------------------ a truce pronounced over; responsibility

TRUCE_PRONOUNCED_OVER_CASES = [
    # text, how many agreement events, the end's parties
    # the truce that started, then the state that pronounced it over: two events, the end the army's own
    ("The truce brokered by Washington and Moscow took effect on Monday. On Saturday the Syrian army "
     "declared the truce over, citing rebel breaches.", 2, ["Syria"]),
    ("The ceasefire agreed by Russia and Turkey began on Sunday. Two days later Damascus announced an end to "
     "the ceasefire.", 2, ["Syria"]),
    ("A pause brokered by the UN came into force on Tuesday. By Friday Moscow said the pause was now over.",
     2, ["Russia"]),
]


@pytest.mark.parametrize("text,n,actors", TRUCE_PRONOUNCED_OVER_CASES, ids=ids(TRUCE_PRONOUNCED_OVER_CASES))
def test_a_truce_pronounced_over_is_its_end_not_its_start(text, n, actors):
    found = [e for e in diplomacy(text) if e.event_type == "agreement"]
    assert len(found) == n, [(e.actors, e.event_date) for e in found]
    assert set(actors) <= set(found[-1].actors)


def test_a_truce_said_not_dead_has_no_end():
    text = ("The truce brokered by Washington and Moscow took effect on Monday. On Wednesday Kerry insisted "
            "that the truce was not dead.")
    assert len([e for e in diplomacy(text) if e.event_type == "agreement"]) == 1


POINTS_TO_RESPONSIBILITY_CASES = [
    ("French intelligence pointed to Syrian government responsibility for the gas attack on Tuesday.",
     ["France", "Syria"]),
    ("A British assessment points the finger at Russian responsibility for the strike on the convoy.",
     ["United Kingdom", "Russia"]),
]


@pytest.mark.parametrize("text,actors", POINTS_TO_RESPONSIBILITY_CASES, ids=ids(POINTS_TO_RESPONSIBILITY_CASES))
def test_pointing_to_a_state_s_responsibility_is_an_accusation(text, actors):
    e = only(text)
    assert e.event_type == "accusation" and set(e.actors) == set(actors)


SAME_DAY_CASES = [
    # text, published, the later act's date
    ("On Tuesday Kerry met Lavrov in Geneva. Later in the day Washington accused Moscow of stalling.",
     THU, "2016-10-11"),
    ("Kerry met Lavrov in Geneva on October 3, and later that day Washington accused Moscow of stalling.",
     THU, "2016-10-03"),
    # nothing dated before it: the day of publication
    ("Kerry met Lavrov in Geneva. Later in the day Washington accused Moscow of stalling.", THU, "2016-10-13"),
]


@pytest.mark.parametrize("text,published,date", SAME_DAY_CASES, ids=ids(SAME_DAY_CASES))
def test_later_in_the_day_is_the_day_the_story_is_on(text, published, date):
    acc = [e for e in diplomacy(text, published) if e.event_type == "accusation"]
    assert [e.event_date for e in acc] == [date]


EVACUATION_FATE_CASES = [
    # text, agreement events (actors, date)
    ("The evacuation halted on Tuesday after Iran set new conditions.", [(["Iran"], "2016-10-11")]),
    ("The evacuation deal agreed by Russia and Turkey began on Monday. The evacuation stalled on Wednesday "
     "after Damascus raised new demands.", [(["Russia", "Turkey"], "2016-10-10"), (["Syria"], "2016-10-12")]),
    # the evacuation of the wounded is no deal
    ("The evacuation of the wounded from Anadan began on Monday.", []),
]


@pytest.mark.parametrize("text,expected", EVACUATION_FATE_CASES, ids=ids(EVACUATION_FATE_CASES))
def test_an_evacuation_that_stalls_or_resumes_is_the_deal_s_fate(text, expected):
    got = [(sorted(e.actors), e.event_date) for e in diplomacy(text) if e.event_type == "agreement"]
    assert got == [(sorted(a), d) for a, d in expected]


def test_a_headline_s_topic_label_is_not_its_act():
    title = "Aleppo truce: Britain cancels talks with Iran"
    text = title + "\n\nBritain cancelled its talks with Iran on Tuesday, the foreign office said."
    events = extract_article(Article("t", text, title=title, published=THU)).diplomacy
    assert [(e.event_type, sorted(e.actors)) for e in events] == [("meeting", ["Iran", "United Kingdom"])]


@pytest.mark.parametrize("text", [
    "France said on Tuesday it was sending monitors to sustain the ceasefire in Aleppo.",
    "Turkey and Russia vowed on Monday to preserve the truce in Aleppo.",
])
def test_a_truce_only_kept_up_is_no_new_act(text):
    assert [e for e in diplomacy(text) if e.event_type == "agreement"] == []


PRONOUN_AGENT_CASES = [
    # text, (type, actors) of the pronoun's act
    ("The French foreign minister met Lavrov in Moscow on Tuesday. She accused Russia of war crimes in Aleppo.",
     ("accusation", ["France", "Russia"])),
    ("Kerry met Mogherini in Washington on Tuesday. He called on Moscow to halt the bombing.",
     ("proposal", ["United States", "Russia"])),
]


@pytest.mark.parametrize("text,act", PRONOUN_AGENT_CASES, ids=ids(PRONOUN_AGENT_CASES))
def test_he_or_she_is_the_person_the_sentence_before_opened_on(text, act):
    etype, actors = act
    found = [e for e in diplomacy(text) if e.event_type == etype]
    assert len(found) == 1 and set(found[0].actors) == set(actors)


def test_a_pronoun_after_no_party_makes_no_act():
    assert diplomacy("Rebels shelled Aleppo on Tuesday. He called on Russia to stop the bombing.") == []


FUTURE_AS_OF_CASES = [
    # "as of" in the future tense is when the act starts; in the past it is a reporting date
    ("The Syrian army said on Wednesday it would observe a truce in Aleppo for 72 hours as of Friday.",
     "2016-10-14"),
    ("Lavrov said on Monday he would meet Kerry in Geneva on Saturday.", "2016-10-15"),
]


@pytest.mark.parametrize("text,date", FUTURE_AS_OF_CASES, ids=ids(FUTURE_AS_OF_CASES))
def test_would_speaks_of_the_days_ahead(text, date):
    assert [e.event_date for e in diplomacy(text)] == [date]


PLANNED_MEETING_CASES = [
    # text (published Thursday 2016-10-13), [(type, date)] in order told
    # a meeting agreed is the meeting, on the day ahead; not a truce deal
    ("Ayrault and Zarif agreed on Monday to meet in Vienna on Saturday.", [("meeting", "2016-10-15")]),
    # the call, on its day, and the meeting it planned, on its own
    ("Ayrault and Zarif agreed in a phone call on Tuesday to meet in Vienna on Saturday.",
     [("call", "2016-10-11"), ("meeting", "2016-10-15")]),
    # a session held "on Sunday to address" the fighting is Sunday's
    ("The UN Security Council met in an emergency session on Sunday to address the fighting in Aleppo.",
     [("un_action", "2016-10-09")]),
    # talks "next week" in the lead are not the day of publication
    ("Putin and Erdogan decided to hold talks in Moscow next week.", [("meeting", None)]),
]


@pytest.mark.parametrize("text,expected", PLANNED_MEETING_CASES, ids=ids(PLANNED_MEETING_CASES))
def test_a_meeting_agreed_or_planned_is_its_own_event_on_its_own_day(text, expected):
    assert [(e.event_type, e.event_date) for e in diplomacy(text)] == expected


def test_agreeing_to_a_truce_is_still_an_agreement():
    e = only("Russia and Turkey agreed on Monday to a ceasefire in Aleppo.")
    assert (e.event_type, e.event_date) == ("agreement", "2016-10-10")


# ------------------------------------------------------------------ the tense of the act, not of its consequences

@pytest.mark.parametrize("text, expected", [
    # "by agreement of X" says how the act was arranged: the act is the meeting, scheduled, dated ahead
    ("By agreement of Russia and Turkey, a meeting of foreign ministers will be held in Moscow on October 20.",
     ("meeting", "2016-10-20", "scheduled")),
    ("By mutual agreement of the two presidents, talks between Iran and Turkey will take place in Ankara on "
     "Monday.", ("meeting", "2016-10-17", "scheduled")),
    # a relative clause in the future after an act told as done: the deal happened, today
    ("Turkey and Russia have reached a deal that will see the fighters leave for Idlib.",
     ("agreement", "2016-10-13", "happened")),
    ("A ceasefire deal was agreed between Russia and Turkey which will let civilians leave the city.",
     ("agreement", "2016-10-13", "happened")),
    # "after ten hours of talks" is how long it took, not another day: the lead's act is the report's news
    ("Russia and Turkey reached a deal on the evacuation after more than ten hours of talks.",
     ("agreement", "2016-10-13", "happened")),
    ("Russia and Turkey reached a deal on the evacuation after about twelve hours of negotiations in Ankara.",
     ("agreement", "2016-10-13", "happened")),
])
def test_the_act_keeps_its_own_tense(text, expected):
    e = only(text)
    assert (e.event_type, e.event_date, e.status) == expected
