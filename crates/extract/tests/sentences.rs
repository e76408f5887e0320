//! Whole sentences, written for these tests, through the whole extraction: the place chosen,
//! the parties and their order.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use chrono::NaiveDate;
use truce_extract::{Draft, extract};

fn draft(text: &str) -> Draft {
    extract(text, NaiveDate::from_ymd_opt(2017, 6, 1).unwrap())
}

fn place(text: &str) -> (String, String, f64, f64) {
    let location = draft(text).location.expect("a place").value;
    (
        location.name,
        location.admin1_pcode,
        location.lat,
        location.lon,
    )
}

fn parties(text: &str) -> (Option<String>, Option<String>) {
    let draft = draft(text);
    let role = |role: &str| {
        draft
            .actors
            .iter()
            .find(|a| a.role == role)
            .and_then(|a| a.actor.clone())
    };
    (role("actor1"), role("actor2"))
}

#[test]
fn a_governorate_alone_stands_at_its_capital_city() {
    let (_, admin1, lat, lon) = place("Artillery duels went on around Homs.");
    assert_eq!(admin1, "SY04");
    // Homs city, as ACLED codes a governorate-wide event, not the desert centroid.
    assert!((lat - 34.73).abs() < 0.05 && (lon - 36.72).abs() < 0.05);
    // Its eastern countryside: a little way east of the city, still near it.
    let (_, admin1, lat, lon) =
        place("Artillery duels went on in the eastern countryside of Homs.");
    assert_eq!(admin1, "SY04");
    assert!((lat - 34.73).abs() < 0.05, "{lat}");
    assert!((0.15..0.3).contains(&(lon - 36.72)), "{lon}");
}

#[test]
fn a_village_beats_the_governorate_city_it_is_named_beside() {
    let (name, admin1, ..) = place("Regime forces took Tal Mahsar in northern Hama.");
    assert!(name.starts_with("Tal M"), "{name}");
    assert_eq!(admin1, "SY05");
}

#[test]
fn a_known_word_inside_an_unknown_name_is_only_a_fallback() {
    // "Sghireh" alone is a village; "Fikha Sghireh" is not in the gazetteer, and Al-Bab is.
    let (name, admin1, lat, _) =
        place("Turkish-backed factions shelled the Fikha Sghireh farms, east of Al Bab city.");
    assert!((lat - 36.37).abs() < 0.05, "{name}");
    assert_eq!(admin1, "SY02");
}

#[test]
fn a_neighbourhood_unknown_to_the_gazetteer_falls_back_to_its_city() {
    let (_, admin1, ..) =
        place("Snipers were active in the Hamidiya neighborhood of Deir-ez-Zor city.");
    assert_eq!(admin1, "SY09");
}

#[test]
fn besieged_places_military_sites_and_press_names_are_known() {
    assert_eq!(
        place("Shells hit Hammouriyeh, in Eastern Ghouta, at dawn.").1,
        "SY03"
    );
    assert_eq!(place("IS attacked the T4 airbase.").1, "SY04");
    assert_eq!(place("Fighting near Palmyra.").1, "SY04");
    assert_eq!(place("Clashes in Al-Bukamal city.").1, "SY09");
    assert_eq!(
        place("Mortars fell on the eastern orchards of the capital.").1,
        "SY01"
    );
    assert_eq!(
        place("Rebel units pushed IS back from two hills in Western Daraa.").1,
        "SY12"
    );
    // An article written on the word, and an Arabic conjunction on the name.
    assert_eq!(place("Clashes around Alhajar Alaswad.").1, "SY03");
    assert_eq!(place("اشتباكات في ريف حماة وحلب").1, "SY05");
}

#[test]
fn a_well_known_place_keeps_its_governorate_beside_a_road_named_for_two_others() {
    let (name, admin1, ..) = place(
        "A body was recovered in the countryside of Jisr-Ash-Shugur, near the Aleppo-Lattakia highway.",
    );
    assert!(name.starts_with("Jisr"), "{name}");
    assert_eq!(admin1, "SY07");
}

#[test]
fn group_names_are_not_places() {
    // "Naser" names the group, not the village An Nasirah.
    let draft = draft("Jaish al-Naser shelled army posts around Hama.");
    assert_eq!(draft.location.unwrap().value.admin1_pcode, "SY05");
}

#[test]
fn state_forces_come_first_in_a_clash() {
    assert_eq!(
        parties(
            "Heavy clashes between rebels and Syrian regime forces went on overnight around Harasta."
        ),
        (Some("gos".to_owned()), Some("opposition".to_owned()))
    );
    assert_eq!(
        parties(
            "Overnight clashes between the Islamic State and the SDF on the western edge of Raqqa."
        )
        .0,
        Some("sdf".to_owned())
    );
    // Who took ground is said by the sentence, not by the habit.
    assert_eq!(
        parties("The Islamic State captured Arak from regime forces.").0,
        Some("isil".to_owned())
    );
}

#[test]
fn state_forces_are_found_by_the_words_for_their_units() {
    assert_eq!(
        parties("Government units and IS fighters clashed near the T3 station.").0,
        Some("gos".to_owned())
    );
    assert_eq!(
        parties("Army units shelled rebel positions north of Morek.").0,
        Some("gos".to_owned())
    );
}

#[test]
fn spellings_of_groups_match_by_their_consonants() {
    assert_eq!(
        parties("Fighting broke out when Jaish al-Mujahideen attacked a Jabat Fateh al-Sham post outside Anadan.").0,
        Some("opposition".to_owned())
    );
    assert_eq!(
        parties("Jaysh Khalid bin Walid raided a Southern Front position west of Tasil.").0,
        Some("isil".to_owned())
    );
    assert_eq!(
        parties(
            "Syria Democratic Forces pushed into two Raqqa districts held by the Islamic State."
        )
        .0,
        Some("sdf".to_owned())
    );
}

#[test]
fn a_group_the_registry_lacks_still_takes_its_place_as_a_party() {
    let draft = draft("Jaysh al Izza clashed with HTS near Latamneh.");
    let first = draft.actors.iter().find(|a| a.role == "actor1").unwrap();
    assert_eq!(first.text, "Jaysh al Izza");
    assert_eq!(first.actor, None);
    let second = draft.actors.iter().find(|a| a.role == "actor2").unwrap();
    assert_eq!(second.actor.as_deref(), Some("nusra"));
}

#[test]
fn the_party_just_before_a_territory_cue_took_the_ground() {
    let sub = |text: &str| draft(text).sub_event_type.unwrap().value;
    assert_eq!(
        sub(
            "After a night of fighting with rebel fighters, regime forces took control of farms near Nashabiyeh."
        ),
        "Government regains territory"
    );
    assert_eq!(
        sub("Regime forces clashed with HTS in Tal Maraq, which HTS took control of."),
        "Non-state actor overtakes territory"
    );
}

#[test]
fn a_district_named_beside_its_governorate_is_the_finer_place() {
    let (name, admin1, ..) =
        place("QSD units repelled an IS raid on Shadadah in southern al-Hasakeh countryside.");
    assert!(name.contains("hadd") || name.contains("hadad"), "{name}");
    assert_eq!(admin1, "SY08");
    // "Bir" (a well) before a known village does not make it part of an unknown name.
    let (name, admin1, ..) = place("An army convoy was ambushed at Bir Kaba Jeb in Deir-ez-Zor.");
    assert_eq!(name, "Kaba Jeb");
    assert_eq!(admin1, "SY09");
}

#[test]
fn the_countryside_of_a_district_tells_which_governorate() {
    // Salamiyeh is a district of Hama; the villages beside it are read in Hama.
    let (_, admin1, ..) =
        place("Clashes flared around Dallak and Almezeriha in the Salamiyeh countryside.");
    assert_eq!(admin1, "SY05");
}

#[test]
fn a_spelling_that_follows_the_arabic_finds_the_village() {
    // OCHA writes الدهليز as "Dehiz"; reports write it as the Arabic reads.
    let (name, admin1, ..) = place("An explosive device went off in Dahliz.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Dehiz", "SY11"));
}

#[test]
fn each_village_of_a_joined_community_is_found_by_its_own_name() {
    let (name, ..) = place("Shells fell on Khleilak after midnight.");
    assert_eq!(name, "Khalil - Khleilak");
}

#[test]
fn an_airbase_is_found_however_the_report_calls_it() {
    for text in [
        "Two jets took off from the Kuweires military airport.",
        "Two jets took off from Kuweires air base.",
    ] {
        let (name, ..) = place(text);
        assert_eq!(name, "Kuweires airbase", "{text}");
    }
}

#[test]
fn days_of_the_week_are_not_villages() {
    // "Monday" sounds like the village Mand.
    let draft = draft("Shelling hit Tadmor on Monday.");
    assert_eq!(draft.location.expect("a place").value.name, "Tadmor");
    assert!(draft.other_places.is_empty(), "{:?}", draft.other_places);
}

#[test]
fn civilians_are_acted_on_and_leave_the_first_place_to_armed_parties() {
    // Civilians named first in a clash between armed parties do not take a party's place.
    assert_eq!(
        parties(
            "Six civilians and a rebel fighter died in fighting with regime forces near Daraa."
        ),
        (Some("gos".to_owned()), Some("opposition".to_owned()))
    );
    // With no armed party named, civilians are the target, not the perpetrator.
    assert_eq!(
        parties("A roadside bomb went off in Dahliz, killing two civilians."),
        (None, Some("civilians".to_owned()))
    );
}

#[test]
fn a_roadside_bomb_is_a_remote_explosive() {
    let draft = draft("A roadside bomb went off in Dahliz, killing two civilians.");
    assert_eq!(
        draft.sub_event_type.expect("a sub-event").value,
        "Remote explosive/landmine/IED"
    );
    assert_eq!(draft.weapon.expect("a weapon").value, "IED");
}

#[test]
fn a_capitalised_direction_before_a_place_is_no_part_of_its_name() {
    let (name, admin1, _, lon) =
        place("Government troops advanced East Sokhneh and took a gas well in Homs.");
    // Sokhneh, in the desert far east of Homs city.
    assert!(lon > 38.5, "{name}");
    assert_eq!(admin1, "SY04");
}

#[test]
fn the_areas_of_damascus_are_places() {
    let (name, admin1, lat, _) = place("Two fighters died on the Barzeh front overnight.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Burza", "SY01"));
    assert!((lat - 33.55).abs() < 0.02);
    // Naming Rural Damascus does not push the capital's areas out.
    let (name, admin1, ..) = place("Rebels retook a dozen posts in Barza in Rural Damascus.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Burza", "SY01"));
}

#[test]
fn a_site_named_after_a_village_stands_at_the_village_rather_than_the_governorate() {
    let (name, ..) = place("Loyalist militias shelled positions near Kabani hills in Lattakia.");
    assert_eq!(name, "Kabani");
    // The capital of "Dam" is no sign of a longer name the gazetteer lacks.
    let (name, ..) = place("Tribal fighters captured Qaryatein Dam in Homs governorate.");
    assert!(name.contains("Qaryat"), "{name}");
    // A road runs between places, so the governorate named stays the place.
    let (_, admin1, ..) = place("Raiders cut the Ithriyah-Khanaser road in the east of Hama.");
    assert_eq!(admin1, "SY05");
}

#[test]
fn a_quarter_named_in_a_city_lies_in_that_city() {
    // Joura is also a Damascus neighbourhood; the city named beside it says which.
    let (_, admin1, ..) =
        place("At dawn IS gunmen slipped into Joura, a quarter of Deir-ez-Zor city.");
    assert_eq!(admin1, "SY09");
}

#[test]
fn a_governorate_spelt_with_few_consonants_still_sets_the_context() {
    let (_, admin1, ..) = place("Tribal fighters won back Tall Saad in Al-Suwaidaa on Sunday.");
    assert_eq!(admin1, "SY13");
}

#[test]
fn the_words_before_brigade_name_a_unit_not_a_place() {
    let draft = draft("Troops fought the Shuhada al-Qaryatayn Brigade in Rural Damascus.");
    let places: Vec<String> = draft
        .location
        .iter()
        .chain(&draft.other_places)
        .map(|l| l.value.name.clone())
        .collect();
    assert!(
        !places.iter().any(|p| p.starts_with("Shuhada")),
        "{places:?}"
    );
}

#[test]
fn a_village_said_to_lie_off_a_town_is_not_a_namesake_far_away() {
    // The only Jadeen the gazetteer knows is in Idleb, far from Tabqa: the town is the place.
    let (name, admin1, ..) = place("SDF fighters took Jadeen south east of Tabqa on Monday.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Tabqa", "SY11"));
}

#[test]
fn neighbouring_countries_are_not_villages() {
    // Turkeia is a village in Ar-Raqqa; Turkey is the country backing the troops.
    let draft = draft("Regime forces clashed with Turkey-backed troops south of al-Bab.");
    let location = draft.location.expect("a place").value;
    assert_eq!(location.admin1_pcode, "SY02", "{}", location.name);
    assert!(draft.other_places.is_empty());
}

#[test]
fn an_arabic_report_names_its_town_by_the_town_not_its_sub_district() {
    // The sub-district "مركز الشدادي" is named by its town, and "على" (on) is no village Ali.
    let draft = draft("قصف جوي على مدينة الشدادي");
    let location = draft.location.expect("a place").value;
    assert_eq!(location.admin1_pcode, "SY08", "{}", location.name);
    assert!(draft.other_places.is_empty());
    assert_eq!(draft.sub_event_type.unwrap().value, "Air/drone strike");
}

#[test]
fn a_killing_of_civilians_by_one_party_is_an_attack() {
    let attack = draft("On 5 March 2020, unidentified gunmen shot and killed a civilian in Tafas.");
    assert_eq!(attack.sub_event_type.unwrap().value, "Attack");
    assert_eq!(
        attack.event_type.unwrap().value,
        "Violence against civilians"
    );
    assert_eq!(attack.fatalities.unwrap().value.killed_min, 1);
    // Civilians killed in a clash between two parties leave it a clash.
    let clash =
        draft("Regime forces fought rebels in Talbiseh; a civilian was killed by the shelling.");
    assert_eq!(clash.sub_event_type.unwrap().value, "Armed clash");
}

#[test]
fn a_drone_strike_names_its_weapon_and_its_party() {
    let draft = draft("On 14 March 2020, a Russian drone struck a motorbike near Idleb city.");
    assert_eq!(draft.sub_event_type.unwrap().value, "Air/drone strike");
    assert_eq!(draft.weapon.unwrap().value, "drone");
    assert_eq!(draft.actors[0].actor.as_deref(), Some("russia"));
}

#[test]
fn an_arabic_shelling_report_fills_every_field() {
    let draft = draft(
        "قصفت قوات النظام بالمدفعية الثقيلة بلدة كفرنبل بريف إدلب الجنوبي، ما أسفر عن مقتل طفلين",
    );
    let location = draft.location.expect("a place").value;
    assert_eq!(location.admin1_pcode, "SY07", "{}", location.name);
    assert!(location.name.starts_with("Kafr N"), "{}", location.name);
    assert_eq!(
        draft.sub_event_type.unwrap().value,
        "Shelling/artillery/missile attack"
    );
    assert_eq!(draft.weapon.unwrap().value, "artillery");
    assert_eq!(draft.fatalities.unwrap().value.killed_min, 2);
    assert_eq!(draft.actors[0].actor.as_deref(), Some("gos"));
}

#[test]
fn a_province_word_belongs_to_the_name_before_it() {
    // "governorate" follows Hama; it says nothing of Suran, which has namesakes in Aleppo.
    let (name, admin1, ..) =
        place("Army units shelled farmland in Hama governorate near Suran on Monday.");
    assert!(name.starts_with("Suran"), "{name}");
    assert_eq!(admin1, "SY05");
}

#[test]
fn a_governorate_in_a_group_name_sets_no_context() {
    // The Idlib Free Army fights beyond Idlib: Maarzaf here is the Hama village.
    let (name, admin1, ..) =
        place("The Idlib Free Army said it had pushed back an assault on Maarzaf.");
    assert!(name.starts_with("Maarzaf"), "{name}");
    assert_eq!(admin1, "SY05");
}

#[test]
fn a_village_just_over_the_border_keeps_its_name() {
    // Shatib lies in Idleb, a few kilometres from the Hama line the report puts it behind.
    let (name, admin1, ..) = place("Both sides traded fire around Shatib in the Hama countryside.");
    assert_eq!(name, "Shatib");
    assert_eq!(admin1, "SY07");
    // Spelt otherwise, but called a village: still the one over the border.
    let (name, admin1, ..) =
        place("Fighting spread to Um Treikiya village, on the edge of the Hama countryside.");
    assert!(name.starts_with("Um Treik"), "{name}");
    assert_eq!(admin1, "SY07");
    // A village far inside another governorate is still a namesake: the region stands.
    let (_, admin1, ..) = place("Both sides traded fire around Shatib in the Daraa countryside.");
    assert_eq!(admin1, "SY12");
}

#[test]
fn endings_spelt_eh_or_a_are_one_sound() {
    // OCHA writes Salhiyeh; the press writes Salihiya.
    let (name, admin1, ..) =
        place("Jets struck Salihiya, a town of Deir-ez-Zor province near the Iraqi border.");
    assert!(name.starts_with("Salhiyeh"), "{name}");
    assert_eq!(admin1, "SY09");
}

#[test]
fn common_words_that_sound_like_villages_are_no_places() {
    // "Battles" shares its consonants with Batlaus, "Oil" with villages named Ula or Ola,
    // "Shiite" with Shate; "Southern" is a word, not the village OCHA lists under that name.
    for text in [
        "Battles went on through the night.",
        "Oil tankers were seized by Shiite militiamen.",
        "Southern Front factions denied any part in it.",
    ] {
        assert!(draft(text).location.is_none(), "{text}");
    }
    let (name, ..) = place("Battles went on through the night around Hjileh.");
    assert_eq!(name, "Hjileh");
}

#[test]
fn armed_men_killing_armed_men_is_a_clash() {
    let sub = |text: &str| draft(text).sub_event_type.map(|s| s.value);
    for text in [
        "Unknown gunmen assassinated a rebel commander in Tafas.",
        "A fighter of the opposition was sniped near Harasta.",
        "Army units and the factions exchanged shelling around Kafr Nabudah overnight.",
    ] {
        assert_eq!(sub(text).as_deref(), Some("Armed clash"), "{text}");
    }
    // No armed man among the victims: not a clash.
    assert_ne!(
        sub("Gunmen killed a doctor at his clinic in Idlib.").as_deref(),
        Some("Armed clash")
    );
}

#[test]
fn an_arabic_name_ending_in_ta_marbuta_or_alef_is_one_name() {
    // OCHA writes كفر زيتا; the press often writes كفر زيتة.
    let (name, admin1, ..) = place("غارات جوية على بلدة كفر زيتة في ريف حماة الشمالي");
    assert_eq!(name, "Kafr Zeita");
    assert_eq!(admin1, "SY05");
}

#[test]
fn notes_in_the_style_of_later_acled_years() {
    // ACLED's notes from 2019 on open with their date and cover every event type.
    for (text, date, sub_event, killed) in [
        (
            "On 12 March 2021, Russian jets struck farmland west of Ariha in Idleb. No \
             fatalities reported.",
            "2021-03-12",
            "Air/drone strike",
            Some(0),
        ),
        (
            "On 3 June 2020, regime forces shelled Kansafra in Jabal al-Zawiya with artillery, \
             killing 2 civilians.",
            "2020-06-03",
            "Shelling/artillery/missile attack",
            Some(2),
        ),
        (
            "On 14 July 2021, an IED planted by an unidentified armed group exploded near a \
             vehicle of the Turkish-backed National Army in Al Bab, injuring 3 fighters.",
            "2021-07-14",
            "Remote explosive/landmine/IED",
            None,
        ),
        (
            "On 20 May 2020, residents of Daraa al-Balad demonstrated against the security \
             campaign of the regime.",
            "2020-05-20",
            "Peaceful protest",
            None,
        ),
        (
            "On 2 February 2022, unidentified gunmen shot and killed a civilian man in Tafas.",
            "2022-02-02",
            "Attack",
            Some(1),
        ),
        (
            "On 9 April 2021, HTS arrested two activists in Idleb city.",
            "2021-04-09",
            "Arrests",
            None,
        ),
        (
            "On 25 September 2020, protesters burned tyres and blocked roads in Suwayda city; \
             security forces fired in the air to disperse them.",
            "2020-09-25",
            "Protest with intervention",
            None,
        ),
        (
            "On 7 November 2019, Turkish forces and the SNA clashed with the SDF near Tal \
             Tamer, killing 4 SDF fighters.",
            "2019-11-07",
            "Armed clash",
            Some(4),
        ),
        (
            "Between 5-7 March 2021, regime forces and ISIS militants fought in the Badia \
             east of Sukhnah, killing 6 soldiers.",
            "2021-03-06",
            "Armed clash",
            Some(6),
        ),
    ] {
        let draft = draft(text);
        assert_eq!(draft.date.unwrap().value, date, "{text}");
        assert_eq!(draft.sub_event_type.unwrap().value, sub_event, "{text}");
        assert_eq!(
            draft.fatalities.map(|f| f.value.killed_min),
            killed,
            "{text}"
        );
    }
}

#[test]
fn two_names_that_only_sound_like_villages_are_one_unknown_name() {
    // Neither "Ghanim" nor "al-Ali" is a place by itself (Ghanameh and Alia lie far off):
    // together they name a village the gazetteer lacks, so the governorate stands for it.
    let draft = draft("Loyalist troops fought IS near Ghanim al-Ali, east of Raqqa.");
    let location = draft.location.expect("a place").value;
    assert_eq!(location.name, "Ar-Raqqa");
    // "Sinn Sahar" is no village either; Muhardah, named beside it, is the place.
    let (name, admin1, _, _) = place("Shelling hit Sinn Sahar near Muhardah on Monday.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Muḩradah", "SY05"));
    // An Arabic qualifier after a name only qualifies it.
    let (name, admin1, _, _) = place("On Tuesday the army entered Jabab Masoud Saghir.");
    assert_eq!(
        (name.as_str(), admin1.as_str()),
        ("Jbab Al Masudeyeh", "SY02")
    );
}

#[test]
fn words_for_forces_open_no_name_that_only_sounds_like_a_village() {
    // "Non-Syrian" sounds like Nsrran in Al-Hasakeh; "Assad" is the president.
    let draft =
        draft("Militiamen of non-Syrian nationalities attacked the outskirts of Deir Hafer.");
    let location = draft.location.expect("a place").value;
    assert_eq!(location.admin1_pcode, "SY02", "{}", location.name);
    assert!(draft.other_places.is_empty());
    let draft = self::draft("Rebels shelled pro-Assad positions near Mahrutha.");
    assert!(draft.other_places.is_empty());
}

#[test]
fn a_namesake_near_another_place_named_is_the_likelier() {
    // Ad Dana near Sarmada is the better-known town; the Dana of Jabal al-Zawiya lies there.
    let (name, _, lat, _) = place("Rival factions fought each other in Dana in Jabal al-Zawiya.");
    assert!((lat - 35.70).abs() < 0.05, "{name}");
}

#[test]
fn oil_fields_and_pumping_stations_are_places() {
    // The sources lack them; "Omar" alone is a village far to the north-west, and T2 is no
    // acronym of a group.
    for (text, name, admin1) in [
        (
            "The SDF reached the edge of the Omar oil fields.",
            "Omar oil field",
            "SY09",
        ),
        ("حقل العمر النفطي تحت القصف", "Omar oil field", "SY09"),
        (
            "Army units shelled IS around the T-2 station.",
            "T2 pumping station",
            "SY09",
        ),
        (
            "Fighting went on near the 3rd station, east of Palmyra.",
            "T3 pumping station",
            "SY04",
        ),
        (
            "IS held on to the al-Hail - Oil Field.",
            "Hail gas field",
            "SY04",
        ),
        (
            "Raids hit the Al-Shair - Gas Field overnight.",
            "Shaer gas field",
            "SY04",
        ),
        (
            "Troops dug in near the Fourth Station.",
            "T4 airbase",
            "SY04",
        ),
    ] {
        let (found, found_admin1, _, _) = place(text);
        assert_eq!(
            (found.as_str(), found_admin1.as_str()),
            (name, admin1),
            "{text}"
        );
    }
}

#[test]
fn a_part_of_a_city_lies_in_the_city() {
    // Rihana - Suna, which sounds like "Sinaa", is a village 80 km away; a village said to lie
    // north of the city is not a part of it.
    let (name, _, _, _) = place("IS fighters held out in the Sinaa area of Ar-Raqqa city.");
    assert_eq!(name, "Ar-Raqqa");
    let (name, _, _, _) = place("The SDF took Mashrafa, north of Ar-Raqqa city.");
    assert_eq!(name, "Mashrafa (Ar-Raqqa)");
}

#[test]
fn one_village_of_a_joined_community_is_found_by_its_own_name() {
    // OCHA lists Tiyas only inside "Safa Eltayyas"; its Arabic name shows the join.
    for text in [
        "Shelling went on all day near Tayyas village.",
        "Government units pushed on from al-Tiyas towards the east.",
    ] {
        let (name, admin1, _, _) = place(text);
        assert_eq!(
            (name.as_str(), admin1.as_str()),
            ("Safa Eltayyas", "SY04"),
            "{text}"
        );
    }
    // The airbase beside it keeps its own name, in every way reports write it.
    let (name, _, _, _) = place("Drones circled the Tiyas military airbase at dawn.");
    assert_eq!(name, "T4 airbase");
}

#[test]
fn a_village_named_without_its_qualifier_is_still_found() {
    // The gazetteer has only Eastern and Western Samadaniyeh, two kilometres apart.
    let (name, admin1, _, _) = place("Rebel units fought regime troops around Samdania overnight.");
    assert!(name.ends_with("Samadaniyeh"), "{name}");
    assert_eq!(admin1, "SY14");
}

#[test]
fn qualifiers_said_another_way_find_the_same_village() {
    // OCHA writes Little Fikha; reports write Small Fikha.
    let (name, admin1, _, _) = place("The opposition held Small Fikha after a night of fighting.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Little Fikha", "SY02"));
}

#[test]
fn kafr_before_a_village_names_another_village() {
    // Yahmul lies north of Aleppo; Kafr Yahmul, which the gazetteer lacks, is in Idleb, so the
    // place named beside it stands for it.
    let draft = draft("Factions traded fire in Kafr Yahmul, a short way from Maarat Misrin.");
    let location = draft.location.map(|l| l.value.name);
    assert_ne!(location.as_deref(), Some("Yahmul"));
}

#[test]
fn a_weapon_named_after_its_maker_is_no_village() {
    // "Konkurs" sounds like Kanaker, a village south-west of Damascus.
    let draft = draft("A Konkurs missile hit a tank on the edge of Dumayr.");
    let location = draft.location.expect("a place").value;
    assert!(location.name.contains("umayr"), "{}", location.name);
    assert!(draft.other_places.is_empty(), "{:?}", draft.other_places);
}

#[test]
fn a_region_named_by_its_direction_in_lower_case_is_that_region() {
    // Not Eastern Ghouta, on the other side of Damascus; but "eastern Deir-ez-Zor" is still a
    // direction from the city, not the village Eastern Deir.
    let (name, _, _, _) = place("Artillery struck farmland in the western Ghouta overnight.");
    assert_eq!(name, "Western Ghouta");
    let (_, admin1, _, _) = place("Tribal fighters clashed with IS in eastern Deir-ez-Zor.");
    assert_eq!(admin1, "SY09");
}

#[test]
fn a_name_spelt_from_its_arabic_is_found_with_three_consonants() {
    // OCHA writes الجاكوسية as "Jakuziyeh"; reports follow the Arabic letter (s, not z).
    let (name, admin1, _, _) = place("Artillery hit the fields around al-Jakusiyah overnight.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Jakuziyeh", "SY05"));
    // Three consonants from an Arabic name need a spelling close to a Latin one: "Helba" is no
    // reading of حلب, Aleppo.
    let draft = draft("A patrol came under fire at Helba, south-east of Palmyra.");
    let names: Vec<String> = draft
        .location
        .into_iter()
        .chain(draft.other_places)
        .map(|l| l.value.name)
        .collect();
    assert!(!names.iter().any(|n| n == "Aleppo"), "{names:?}");
}

#[test]
fn sh_counts_as_one_consonant_of_a_name() {
    // الراشدين has four consonants (r, sh, d, n), enough to find it by sound.
    let (name, admin1, _, _) = place("Snipers were active in Rashdeen through the afternoon.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Al Rahsidin", "SY02"));
}

#[test]
fn ee_and_oo_are_long_vowels_in_english_spellings() {
    // "Belil" and OCHA's "Bleel" are one village north-east of Hama.
    let (name, admin1, _, _) = place("Mortar rounds fell on Belil village before noon.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Bleel", "SY05"));
}

#[test]
fn a_town_the_press_spells_otherwise_is_found() {
    // OCHA spells بزاعة "Bazagha"; reports write Bza'a or Baza'a.
    for text in [
        "Fighting reached the edge of Baza'a town.",
        "Two convoys left Bza'a at dawn.",
    ] {
        let (name, admin1, _, _) = place(text);
        assert_eq!(
            (name.as_str(), admin1.as_str()),
            ("Bazagha", "SY02"),
            "{text}"
        );
    }
}

#[test]
fn a_village_lies_in_the_sub_district_it_is_said_to_lie_in() {
    // The gazetteer's Ras al-Ain villages lie elsewhere; the sub-district is the place then.
    let (name, admin1, _, _) = place("Shells landed on Ras al-Ain in Madiq Castle sub-district.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Madiq Castle", "SY05"));
    // Naming the sub-district sets the governorate: the villages near it are Hama's.
    let (name, admin1, _, _) = place(
        "Fighting spread from Rural Damascus to Oqeirbat subdistrict, near the village of Rweideh.",
    );
    assert_eq!(
        (name.as_str(), admin1.as_str()),
        ("Rweideh (Oqeirbat)", "SY05")
    );
}

#[test]
fn zah_is_read_as_d_as_syrians_say_it() {
    // الظهر الأسود: OCHA writes "Al Thahr Al Aswad", reports "Dahr al-Aswad".
    let (name, admin1, _, _) = place("Barrel bombs were dropped on Dahr al-Aswad hill.");
    assert_eq!(
        (name.as_str(), admin1.as_str()),
        ("Al Thahr Al Aswad", "SY03")
    );
}

#[test]
fn el_after_a_written_article_belongs_to_the_name() {
    // جني العلباوي: "al-Elbawi" is the article and a name that starts with El.
    let (name, admin1, _, _) = place("Airstrikes hit Jani al-Elbawi in the Hama desert.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Jani Elelbawi", "SY05"));
}

#[test]
fn a_qualifier_after_a_village_keeps_it_the_village() {
    // "Kabir" tells the big part of Jbab al-Masudeyeh from the small; it makes no other name.
    let (name, admin1, _, _) = place("Troops entered Jabab Masoud Kabir after a short fight.");
    assert_eq!(
        (name.as_str(), admin1.as_str()),
        ("Jbab Al Masudeyeh", "SY02")
    );
}

#[test]
fn a_mount_named_after_a_village_is_a_site_beside_it() {
    // The village is nearer the mount than the governorate's city is.
    let (name, admin1, _, _) = place("Rebels shelled the top of Al-Mhassa Mount in Homs.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Al-Mhassa", "SY04"));
}

#[test]
fn a_group_that_fights_in_few_governorates_picks_the_namesake_there() {
    // Kawkab is a village near Kisweh, south of Damascus, and one near Suran, north of Hama.
    // Hayat Tahrir al-Sham fought in the north-west.
    let (_, admin1, _, _) = place("Hayat Tahrir al-Sham held off an assault on Kawkab.");
    assert_eq!(admin1, "SY05");
    // A governorate the text names outweighs the group.
    let (_, admin1, _, _) =
        place("Hayat Tahrir al-Sham held off an assault on Kawkab, Rif Dimashq.");
    assert_eq!(admin1, "SY03");
    // The government fights everywhere: it says nothing of where.
    let (_, admin1, _, _) = place("Government forces held off an assault on Kawkab.");
    assert_ne!(admin1, "SY05");
}

#[test]
fn a_junction_town_is_found_by_its_press_spelling() {
    // OCHA lists Ithriyah as "Asrieh" (أسرية); Atharia, north-east of Aleppo, only sounds like it.
    for text in [
        "Convoys waited in Ithriyah for the road to open.",
        "Trucks left Athriya at noon.",
    ] {
        let (name, admin1, _, _) = place(text);
        assert_eq!(
            (name.as_str(), admin1.as_str()),
            ("Asrieh", "SY05"),
            "{text}"
        );
    }
}

#[test]
fn a_qualified_name_is_not_read_as_the_governorate_it_ends_with() {
    // "Big Sweida" is a Big Sweidiyeh, not As-Sweida governorate with a word before it.
    let (name, _, _, _) = place("Troops took Big Sweida after a week of fighting.");
    assert!(name.starts_with("Big Sweidiyeh"), "{name}");
}

#[test]
fn a_hill_named_after_a_phone_mast_is_no_village() {
    // "Syriatel" sounds like Seerat Alyah, a village in Idleb's south.
    let draft = draft("Shells fell on Tell Syriatel, near Abul Thouhur.");
    let location = draft.location.expect("a place").value;
    assert_eq!(location.name, "Abul Thohur");
    assert!(
        draft
            .other_places
            .iter()
            .all(|p| p.value.name != "Seerat Alyah")
    );
}

#[test]
fn the_governorates_all_the_groups_named_fight_in_count_most() {
    // Abu Khashab is a village in Hasakeh's Tal Hmis and one in Deir ez-Zor's Kisreh; the SDF
    // fought in both governorates, the Islamic State in Deir ez-Zor only.
    let (_, admin1, _, _) = place("The SDF and IS fought over Abu Khashab for two days.");
    assert_eq!(admin1, "SY09");
}

#[test]
fn a_front_may_be_a_part_of_a_governorate() {
    // Homs has a Hmeimeh west of the city and one in the desert to its east; the Islamic State
    // fought only in the desert.
    let (name, _, _, _) = place("Islamic State fighters raided army posts near Hmeimeh.");
    assert_eq!(name, "Hmeimeh (Ein Elniser)");
    // Hama's two Salbas: one by Suqaylabiyah in the west, one in the eastern steppe.
    let (name, _, _, _) = place("IS retook Salba after a night of fighting.");
    assert_eq!(name, "Salba (Saboura)");
    let (name, _, _, _) = place("Rebels retook Salba after a night of fighting.");
    assert_eq!(name, "Salba (As-Suqaylabiyah)");
    // The Khalid ibn al-Walid Army held the Yarmouk basin of Daraa, where one Adwan lies.
    let (name, admin1, _, _) = place("The Khalid ibn al-Walid Army shelled Adwan at dawn.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Edwan", "SY12"));
}

#[test]
fn the_marj_of_the_eastern_ghouta_is_an_area_of_its_own() {
    let (name, admin1, _, _) = place("Artillery hit farms across the Marj area of the Ghouta.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Al-Marj", "SY03"));
    // The village of Marj in Idleb keeps its name.
    let (name, admin1, _, _) = place("Shells fell on the village of Marj in Idleb.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Marj", "SY07"));
}

#[test]
fn the_perpetrator_is_who_the_sentence_says_attacked_whatever_the_acled_order() {
    let stance_of = |draft: &Draft, actor: &str| {
        draft
            .actors
            .iter()
            .find(|a| a.actor.as_deref() == Some(actor))
            .and_then(|a| a.stance)
    };
    let attack = draft("HTS fighters attacked regime positions near Kawkab at dawn.");
    // ACLED puts the state's forces first in a clash; the sentence says HTS attacked.
    assert_eq!(
        parties("HTS fighters attacked regime positions near Kawkab at dawn.").0,
        Some("gos".to_owned())
    );
    assert_eq!(stance_of(&attack, "nusra"), Some("perpetrator"));
    assert_eq!(stance_of(&attack, "gos"), Some("target"));
    let passive = draft("Regime positions near Kawkab were shelled by HTS.");
    assert_eq!(stance_of(&passive, "nusra"), Some("perpetrator"));
    let clash = draft("Clashes between regime forces and HTS went on near Kawkab.");
    assert!(clash.actors.iter().all(|a| a.stance.is_none()));
}

#[test]
fn an_attack_on_civilians_names_its_perpetrator_without_a_verb_of_attack() {
    let strike = draft(
        "On 3 March 2016 government helicopters dropped barrel bombs on Daraya, killing four civilians.",
    );
    let stance_of = |actor: &str| {
        strike
            .actors
            .iter()
            .find(|a| a.actor.as_deref() == Some(actor))
            .and_then(|a| a.stance)
    };
    assert_eq!(stance_of("gos"), Some("perpetrator"));
    assert_eq!(stance_of("civilians"), Some("target"));
    assert_eq!(strike.weapon.as_ref().unwrap().value, "barrel bomb");
    // Two armed parties and civilians caught between them: still no attacker named.
    let clash =
        draft("Regime forces fought rebels in Talbiseh; a civilian was killed by the shelling.");
    assert!(clash.actors.iter().all(|a| a.stance.is_none()));
}

#[test]
fn the_qalamoun_is_found_however_the_press_spells_it() {
    for (text, area) in [
        (
            "Rebels shelled IS posts in the eastern Qalamoon desert.",
            "Eastern Qalamoun",
        ),
        (
            "Rebels shelled IS posts in the Qalamon mountains.",
            "Qalamoun",
        ),
    ] {
        assert_eq!(place(text).0, area, "{text}");
    }
    // With the Qalamoun named, Qara is the Qalamoun town (OCHA's "Qarra"), not OCHA's "Qara"
    // near Kisweh, 100 km south.
    let draft = draft("Troops entered Qara and the Jarajeer heights of the western Qalamon.");
    let places: Vec<_> = draft.location.iter().chain(&draft.other_places).collect();
    assert!(
        places
            .iter()
            .any(|p| p.value.name.starts_with("Q") && p.value.lat > 34.0)
    );
    assert!(places.iter().all(|p| p.value.lat > 33.5), "{places:?}");
}

#[test]
fn the_city_a_part_of_it_is_said_to_lie_in_may_be_named_before() {
    // "The city" is Raqqa, named before; Sinaa is its industrial quarter, not the village of
    // Rihana - Suna far to the north.
    let (name, admin1, _, _) =
        place("Fighting spread across Raqqa city, and IS retook the Sinaa area of the city.");
    assert_eq!((name.as_str(), admin1.as_str()), ("Ar-Raqqa", "SY11"));
}
