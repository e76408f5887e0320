//! The ACLED event and sub-event type, the weapon, and the casualties, from cue words.

use truce_core::incident::{EventType, SubEventType};

use std::collections::HashSet;
use std::ops::Range;

use crate::dates;
use crate::text::{self, Token};

/// A cue: folded words that must appear in a row.
type Cue = &'static [&'static str];

/// Sub-event types by cue, in priority order: a clash "accompanied by air strikes" is a clash.
/// `TERRITORY` is resolved by the first actor's side (government or not).
const TERRITORY: &str = "territory";
const SUB_EVENTS: &[(&str, &[Cue])] = &[
    (
        TERRITORY,
        &[
            &["regained", "control"],
            &["regain", "control"],
            &["took", "control"],
            &["take", "control"],
            &["taking", "control"],
            &["gained", "control"],
            &["seized", "control"],
            &["seized"],
            &["captured"],
            &["recaptured"],
            &["retook"],
            &["took", "over"],
            &["advanced", "on"],
            &["expelled"],
            &["liberated"],
            &["control", "over"],
            &["full", "control"],
            &["capture"],
            &["captures"],
            &["capturing"],
            &["retake"],
            &["retaken"],
            &["retaking"],
            &["seize"],
            &["seizing"],
            &["gaining", "control"],
            &["gain", "control"],
            &["managed", "to", "control"],
            &["established", "control"],
            &["imposed", "control"],
            &["taking", "it", "over"],
            &["taking", "over"],
            &["took", "it", "over"],
            &["regained"],
            &["controlled"],
            &["regaining", "control"],
            &["regains", "control"],
            &["able", "to", "control"],
            &["restored", "control"],
            &["سيطره"],
            &["سيطرت"],
            &["استعادت"],
            &["استعاده"],
        ],
    ),
    (
        "Armed clash",
        &[
            &["clash"],
            &["clashes"],
            &["clashed"],
            &["fighting"],
            &["fought"],
            &["battle"],
            &["battles"],
            &["firefight"],
            &["exchange", "of", "fire"],
            &["attacked"],
            &["attack"],
            &["attacks"],
            &["ambush"],
            &["ambushed"],
            &["infiltration"],
            &["battled"],
            &["fight"],
            &["confrontations"],
            &["skirmishes"],
            &["engagements"],
            &["repelled"],
            &["assault"],
            &["offensive"],
            &["exchanged", "fire"],
            &["exchange", "fire"],
            &["exchanged", "shelling"],
            &["exchange", "of", "shelling"],
            &["exchange", "of", "targeting"],
            &["exchanged", "shells"],
            &["attempted", "to", "advance"],
            &["اشتباكات"],
            &["اشتباك"],
            &["معارك"],
            &["هجوم"],
        ],
    ),
    ("Suicide bomb", &[&["suicide"], &["انتحاري"], &["انتحاريه"]]),
    (
        "Remote explosive/landmine/IED",
        &[
            &["ied"],
            &["landmine"],
            &["land", "mine"],
            &["explosive", "device"],
            &["explosive", "devices"],
            &["improvised", "explosive"],
            &["roadside", "bomb"],
            &["motorcycle", "bomb"],
            &["motorbike", "bomb"],
            &["landmines"],
            &["car", "bomb"],
            &["vbied"],
            &["booby", "trapped"],
            &["عبوه", "ناسفه"],
            &["لغم"],
            &["مفخخه"],
        ],
    ),
    (
        "Grenade",
        &[&["grenade"], &["grenades"], &["قنبله", "يدويه"]],
    ),
    (
        "Disrupted weapons use",
        &[
            &["intercepted"],
            &["defused"],
            &["dismantled"],
            &["تفكيك"],
            &["اسقاط"],
            &["اعتراض"],
        ],
    ),
    (
        "Air/drone strike",
        &[
            &["air", "strike"],
            &["air", "strikes"],
            &["airstrike"],
            &["airstrikes"],
            &["air", "raid"],
            &["air", "raids"],
            &["warplanes"],
            &["warplane"],
            &["jets"],
            &["jet"],
            &["drones"],
            &["bombing", "raids"],
            &["helicopter"],
            &["helicopters"],
            &["barrel", "bomb"],
            &["barrel", "bombs"],
            &["drone"],
            &["bombed"],
            &["غاره"],
            &["غارات"],
            &["غارتين"],
            &["الطيران"],
            &["طايرات"],
            &["طايره", "مسيره"],
            &["مسيره"],
            &["قصف", "جوي"],
            &["برميل"],
            &["براميل"],
        ],
    ),
    (
        "Shelling/artillery/missile attack",
        &[
            &["shelling"],
            &["shelled"],
            &["artillery"],
            &["mortar"],
            &["mortars"],
            &["rocket"],
            &["rockets"],
            &["missile"],
            &["missiles"],
            &["shells"],
            &["قصف"],
            &["قصفت"],
            &["قذايف"],
            &["قذيفه"],
            &["صواريخ"],
            &["صاروخ"],
            &["مدفعي"],
            &["مدفعيه"],
        ],
    ),
    (
        "Chemical weapon",
        &[&["chemical"], &["chlorine"], &["sarin"], &["كيماوي"]],
    ),
    (
        "Aid obstruction",
        &[
            &["convoy", "blocked"],
            &["blocked", "aid"],
            &["denied", "access"],
            &["siege"],
            &["besieged"],
        ],
    ),
    (
        "Arrests",
        &[
            &["arrested"],
            &["arrests"],
            &["detained"],
            &["اعتقال"],
            &["اعتقالات"],
            &["اعتقل"],
            &["اعتقلت"],
        ],
    ),
    (
        "Sexual violence",
        &[&["raped"], &["rape"], &["sexual", "violence"], &["اغتصاب"]],
    ),
    (
        "Abduction/forced disappearance",
        &[
            &["abducted"],
            &["kidnapped"],
            &["abduction"],
            &["اختطاف"],
            &["خطف"],
        ],
    ),
    (
        "Violent demonstration",
        &[
            &["rioters"],
            &["riot"],
            &["rioting"],
            &["violent", "demonstration"],
            &["threw", "stones"],
        ],
    ),
    (
        "Protest with intervention",
        &[
            &["dispersed", "the", "protest"],
            &["dispersed", "the", "demonstration"],
            &["dispersed", "protesters"],
            &["dispersed", "the", "protesters"],
            &["tear", "gas"],
            &["fired", "on", "protesters"],
            &["to", "disperse"],
            &["dispersed", "them"],
            &["dispersed", "the", "crowd"],
            &["فرقت"],
            &["لتفريق"],
        ],
    ),
    (
        "Peaceful protest",
        &[
            &["protest"],
            &["protests"],
            &["protested"],
            &["protesters"],
            &["demonstration"],
            &["demonstrations"],
            &["demonstrated"],
            &["demonstrators"],
            &["rally"],
            &["rallied"],
            &["sit", "in"],
            &["مظاهره"],
            &["مظاهرات"],
            &["تظاهر"],
            &["وقفه", "احتجاجيه"],
            &["احتجاج"],
            &["احتجاجات"],
        ],
    ),
    (
        "Looting/property destruction",
        &[
            &["looted"],
            &["looting"],
            &["torched"],
            &["demolished"],
            &["bulldozed"],
            &["set", "fire", "to"],
            &["نهب"],
            &["سرقه"],
        ],
    ),
    (
        "Agreement",
        &[
            &["agreement"],
            &["reconciliation", "deal"],
            &["signed"],
            &["اتفاق"],
            &["تسويه"],
            &["مصالحه"],
        ],
    ),
    (
        "Non-violent transfer of territory",
        &[&["handed", "over"], &["تسليم"]],
    ),
    (
        "Headquarters or base established",
        &[
            &["established", "a", "base"],
            &["established", "a", "military", "base"],
            &["set", "up", "a", "base"],
            &["established", "a", "new", "base"],
            &["established", "a", "military", "point"],
        ],
    ),
    (
        "Change to group/activity",
        &[
            &["merged"],
            &["merger"],
            &["dissolved"],
            &["announced", "the", "formation"],
            &["اندماج"],
        ],
    ),
];

/// Weapons by cue.
const WEAPONS: &[(&str, &[Cue])] = &[
    (
        "barrel bomb",
        &[
            &["barrel", "bomb"],
            &["barrel", "bombs"],
            &["براميل"],
            &["برميل"],
        ],
    ),
    ("chemical", &[&["chemical"], &["chlorine"], &["sarin"]]),
    (
        "drone",
        &[
            &["drone"],
            &["drones"],
            &["uav"],
            &["طايره", "مسيره"],
            &["مسيره"],
        ],
    ),
    (
        "air strike",
        &[
            &["air", "strike"],
            &["air", "strikes"],
            &["airstrike"],
            &["airstrikes"],
            &["warplanes"],
            &["غارات"],
            &["غاره"],
        ],
    ),
    ("car bomb", &[&["car", "bomb"], &["vbied"], &["مفخخه"]]),
    (
        "IED",
        &[
            &["ied"],
            &["explosive", "device"],
            &["explosive", "devices"],
            &["improvised", "explosive"],
            &["roadside", "bomb"],
            &["motorcycle", "bomb"],
            &["motorbike", "bomb"],
            &["عبوه", "ناسفه"],
        ],
    ),
    (
        "landmine",
        &[&["landmine"], &["landmines"], &["land", "mine"], &["لغم"]],
    ),
    ("mortar", &[&["mortar"], &["mortars"], &["هاون"]]),
    ("rocket", &[&["rocket"], &["rockets"], &["صواريخ"]]),
    ("missile", &[&["missile"], &["missiles"]]),
    (
        "artillery",
        &[
            &["artillery"],
            &["shelling"],
            &["shelled"],
            &["مدفعي"],
            &["مدفعيه"],
        ],
    ),
    ("sniper", &[&["sniper"], &["قناص"]]),
    (
        "small arms",
        &[&["gunfire"], &["machine", "guns"], &["small", "arms"]],
    ),
];

/// A cue found: what it means and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cued {
    /// The value (a sub-event type or a weapon).
    pub value: &'static str,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
}

/// Whether a folded word is the cue word, also with Arabic letters written on its front
/// (بالقصف، وغارات، الغارات).
fn is_word(cue_word: &str, word: &str) -> bool {
    cue_word == word || text::without_attached_letters(word).contains(&Some(cue_word))
}

fn find_cue(tokens: &[Token], cues: &[Cue]) -> Option<(usize, usize)> {
    for (i, _) in tokens.iter().enumerate() {
        for cue in cues {
            if tokens.len() - i >= cue.len()
                && cue
                    .iter()
                    .zip(&tokens[i..])
                    .all(|(w, t)| is_word(w, &t.folded))
            {
                return Some((i, i + cue.len()));
            }
        }
    }
    None
}

/// Words that, just before a territory cue, say the change did not happen: "no advances were
/// made", "an attempt to take control", "failed to capture".
const NOT_DONE: &[&str] = &[
    "no",
    "not",
    "without",
    "failed",
    "attempt",
    "attempts",
    "attempted",
    "attempting",
    "tried",
    "trying",
    "bid",
    "unable",
    "aiming",
    "aimed",
    "seeking",
    "sought",
    "order",
    "partial",
    "partially",
];

/// Words after a territory cue that make it the taking of people, arms or a part of a place,
/// which ACLED codes as a clash: "capturing one alive", "seizing weapons", "managed to control
/// several points", "capturing southern parts".
const NOT_GROUND: &[&str] = &[
    "alive",
    "prisoners",
    "soldiers",
    "fighters",
    "members",
    "number",
    "militiamen",
    "forces",
    "weapons",
    "ammunition",
    "ammo",
    "arms",
    "cache",
    "equipment",
    "vehicle",
    "vehicles",
    "tank",
    "tanks",
    "points",
    "positions",
    "parts",
    "part",
    "half",
    "checkpoint",
    "checkpoints",
];

/// The words of a text in every form a cue may match, worked out once per text, so that a cue
/// with a word the text lacks is passed over without a scan: most cues are absent from any one
/// text.
pub struct CueWords<'a>(HashSet<&'a str>);

impl<'a> CueWords<'a> {
    pub fn of(tokens: &'a [Token]) -> Self {
        CueWords(
            tokens
                .iter()
                .flat_map(|t| {
                    std::iter::once(t.folded.as_str()).chain(
                        text::without_attached_letters(&t.folded)
                            .into_iter()
                            .flatten(),
                    )
                })
                .collect(),
        )
    }
}

fn first_of(
    tokens: &[Token],
    present: &CueWords<'_>,
    table: &[(&'static str, &[Cue])],
) -> Option<Cued> {
    table.iter().find_map(|(value, cues)| {
        let cues: Vec<Cue> = cues
            .iter()
            .copied()
            .filter(|cue| cue.iter().all(|w| present.0.contains(w)))
            .collect();
        if cues.is_empty() {
            return None;
        }
        let found = if *value == TERRITORY {
            find_cue_done(tokens, &cues)
        } else {
            find_cue(tokens, &cues)
        };
        found.map(|(first, last)| Cued { value, first, last })
    })
}

/// `find_cue`, passing over cues said not to have happened.
fn find_cue_done(tokens: &[Token], cues: &[Cue]) -> Option<(usize, usize)> {
    let mut from = 0;
    while from < tokens.len() {
        let (first, last) = find_cue(&tokens[from..], cues)?;
        let (first, last) = (from + first, from + last);
        let undone = tokens[first.saturating_sub(4)..first]
            .iter()
            .any(|t| NOT_DONE.contains(&t.folded.as_str()));
        // What was taken, up to "from" ("captured Arak from regime forces").
        let not_ground = tokens[last..(last + 4).min(tokens.len())]
            .iter()
            .take_while(|t| t.folded != "from")
            .any(|t| {
                NOT_GROUND.contains(&t.folded.as_str()) || PERSON_WORDS.contains(&t.folded.as_str())
            });
        // "a battle to capture" is meant, "managed to capture" done; "following the capture of"
        // is an earlier event.
        let meant = first >= 1
            && tokens[first - 1].folded == "to"
            && !(first >= 2
                && matches!(
                    tokens[first - 2].folded.as_str(),
                    "managed" | "able" | "advanced" | "succeeded"
                ));
        let earlier = tokens[first.saturating_sub(2)..first]
            .iter()
            .any(|t| matches!(t.folded.as_str(), "following" | "after"));
        // A gain said to be partial after the cue ("took the hilltop, though not fully").
        let partly = tokens[last..(last + 12).min(tokens.len())]
            .windows(2)
            .any(|w| {
                w[0].folded == "not"
                    && matches!(w[1].folded.as_str(), "completely" | "fully" | "securing")
            });
        // "The army controlled Ein Elfijeh", not "the IS-controlled village" or
        // "remote-controlled".
        let an_adjective = tokens[first].folded == "controlled"
            && (tokens[first].after_hyphen
                || !tokens.get(last).is_some_and(|t| {
                    t.capital || matches!(t.folded.as_str(), "the" | "a" | "an" | "all" | "most")
                }));
        let undone = undone || not_ground || meant || earlier || partly || an_adjective;
        if !undone {
            return Some((first, last));
        }
        from = last;
    }
    None
}

/// The sub-event type; territory changes come back as `territory` for the caller to resolve.
pub fn sub_event(tokens: &[Token], words: &CueWords<'_>) -> Option<Cued> {
    first_of(tokens, words, SUB_EVENTS)
}

/// Cues of violence done to people: killing, shooting, assault.
const ATTACK: &[(&str, &[Cue])] = &[(
    "Attack",
    &[
        &["shot"],
        &["shooting"],
        &["sniped"],
        &["opened", "fire"],
        &["gunned", "down"],
        &["assassinated"],
        &["assassination"],
        &["executed"],
        &["execution"],
        &["stabbed"],
        &["beheaded"],
        &["tortured"],
        &["beaten"],
        &["attacked"],
        &["attack"],
        &["killed"],
        &["killing"],
        &["murdered"],
        &["اغتيال"],
        &["اغتال"],
        &["اعدام"],
        &["اعدم"],
        &["قتل"],
        &["مقتل"],
        &["هاجم"],
    ],
)];

/// Words for armed men, whose killing ACLED codes as a clash rather than an attack on civilians.
const COMBATANT_WORDS: &[&str] = &[
    "fighter",
    "fighters",
    "commander",
    "commanders",
    "militant",
    "militants",
    "soldier",
    "soldiers",
    "officer",
    "officers",
    "colonel",
    "general",
    "militiaman",
    "militiamen",
    "rebel",
    "rebels",
    "member",
    "members",
    "مقاتل",
    "مقاتلين",
    "عنصر",
    "عناصر",
    "قيادي",
];

/// Whether the text speaks of armed men ("a fighter of the opposition", "a commander").
pub fn names_combatants(tokens: &[Token]) -> bool {
    tokens
        .iter()
        .any(|t| COMBATANT_WORDS.iter().any(|w| is_word(w, &t.folded)))
}

/// An attack, when the text says one was done to people (the caller checks who the target is).
pub fn attack(tokens: &[Token], words: &CueWords<'_>) -> Option<Cued> {
    first_of(tokens, words, ATTACK)
}

/// Whether a cue is the territory marker.
pub fn is_territory(cued: &Cued) -> bool {
    cued.value == TERRITORY
}

/// The names of the weapons the extractor knows ("barrel bomb", "mortar", …).
pub fn weapon_names() -> impl Iterator<Item = &'static str> {
    WEAPONS.iter().map(|(name, _)| *name)
}

/// The weapon.
pub fn weapon(tokens: &[Token], words: &CueWords<'_>) -> Option<Cued> {
    first_of(tokens, words, WEAPONS)
}

/// ACLED's event type of a sub-event type, by the core's table ("Strategic developments" for
/// a name it lacks).
pub fn event_type_of(sub_event: &str) -> &'static str {
    SubEventType::parse(sub_event)
        .map_or(EventType::StrategicDevelopments, SubEventType::event_type)
        .as_str()
}

/// Killed, as a range, with where the figure came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Killed {
    /// Lowest figure.
    pub min: u32,
    /// Highest figure.
    pub max: u32,
    /// First token of the evidence.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// Whether civilians are among them.
    pub civilian: bool,
}

/// Words after a number that make it a measure of time, age or distance, not of people.
const MEASURE_WORDS: &[&str] = &[
    "day",
    "days",
    "hour",
    "hours",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "km",
    "kilometres",
    "kilometers",
    "metres",
    "meters",
    "mm",
    "minutes",
    // Things counted beside the dead: "two villages and five farms fell".
    "villages",
    "hamlets",
    "towns",
    "farms",
    "hills",
    "points",
    "positions",
    "checkpoints",
    "raids",
    "airstrikes",
    "strikes",
    "shells",
    "rockets",
    "missiles",
    "tanks",
    "vehicles",
    "events",
    "locations",
    "يوم",
    "ايام",
    "ساعه",
    "ساعات",
    "كم",
];

/// The number of people the word at `j` counts, unless it is part of a date ("5 March 2020",
/// "March 5") or a measure ("five days later", "a 23-year old").
fn count_at(words: &[&str], j: usize) -> Option<u32> {
    let n = count_word(words[j])?;
    let next = words.get(j + 1).copied().unwrap_or("");
    // "casualties on both sides" counts no one.
    if words[j] == "both" && matches!(next, "sides" | "side's" | "sides'" | "parties" | "camps") {
        return None;
    }
    let before = j.checked_sub(1).map_or("", |i| words[i]);
    // A year within two numbers of it: "2016-02-26", "26/02/2016".
    let is_year = |word: &str| {
        word.parse::<u32>()
            .is_ok_and(|y| (1900..=2100).contains(&y))
    };
    let is_number = |word: &str| word.bytes().all(|b| b.is_ascii_digit());
    let in_a_numeric_date = (1..=2).any(|step| {
        let around = [j.checked_sub(step), Some(j + step)];
        around.into_iter().flatten().any(|i| {
            words.get(i).is_some_and(|w| is_year(w))
                && words[i.min(j)..=i.max(j)].iter().all(|w| is_number(w))
        })
    });
    let in_a_date = (1900..=2100).contains(&n)
        || in_a_numeric_date
        || dates::is_month_word(next)
        || next == "may"
        || dates::is_month_word(before);
    (!in_a_date && !MEASURE_WORDS.contains(&next)).then_some(n)
}

fn count_word(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return (n < 100_000).then_some(n);
    }
    Some(match word {
        "a" | "an" | "one" | "single" | "واحد" => 1,
        "two" | "both" | "اثنين" | "اثنان" => 2,
        // Arabic duals count two: "مقتل طفلين".
        "طفلين" | "طفلان" | "شخصين" | "شخصان" | "عنصرين" | "عنصران" | "مدنيان" | "رجلين"
        | "امراتين" | "شابين" => 2,
        "three" | "ثلاثه" => 3,
        "four" | "اربعه" => 4,
        "five" | "خمسه" => 5,
        "six" | "سته" => 6,
        "seven" | "سبعه" => 7,
        "eight" | "ثمانيه" => 8,
        "nine" | "تسعه" => 9,
        "ten" | "عشره" => 10,
        "eleven" => 11,
        "twelve" | "dozen" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "hundred" => 100,
        // ACLED's conventions for vague figures.
        "several" | "some" | "عده" => 3,
        "dozens" | "tens" | "scores" | "عشرات" => 12,
        _ => return None,
    })
}

const KILL_WORDS: &[&str] = &[
    "killed",
    "kill",
    // Not "assassination": "an assassination attempt" kills no one.
    "assassinated",
    "executed",
    "beheaded",
    "killing",
    "succumbed",
    "dead",
    "death",
    "deaths",
    "died",
    "fatalities",
    "fatality",
    "casualties",
    "body",
    "bodies",
    "lives",
    "مقتل",
    "قتلي",
    "قتيل",
    "قتيلا",
    "قتل",
    "قتلوا",
    "استشهاد",
    "شهيد",
    "شهيدا",
    "مصرع",
    "ضحايا",
    "شهداء",
];
const NONE_WORDS: &[&str] = &["no", "neither", "without", "لا", "دون", "عدم"];
const CIVILIAN_WORDS: &[&str] = &[
    "civilian",
    "civilians",
    "children",
    "women",
    "residents",
    "shepherd",
    "shepherds",
    "farmer",
    "farmers",
    "مدنيين",
    "مدنيا",
    "مدنيان",
    "اطفال",
    "طفل",
    "طفلا",
    "طفلين",
    "طفلان",
    "نساء",
    "امراه",
];

/// The casualties the text reports: the lowest figure when it gives several for the same
/// deaths, 0 when it says there were none, `None` when it says nothing. Where an ACLED note says
/// how it shared the figure between the events it coded, the share of one event.
///
/// `date` is the span of tokens that gave the date, whose numbers count no one ("5-7 March").
pub fn killed(text: &str, tokens: &[Token], date: Option<Range<usize>>) -> Option<Killed> {
    let words: Vec<&str> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            // A number hyphened to a word names a thing: the T-2 station, a Su-24, a T-72 tank.
            let in_a_name = t.after_hyphen
                && t.folded.bytes().all(|b| b.is_ascii_digit())
                && i > 0
                && tokens[i - 1].folded.chars().any(char::is_alphabetic);
            if in_a_name || date.as_ref().is_some_and(|span| span.contains(&i)) {
                ""
            } else {
                t.folded.as_str()
            }
        })
        .collect();
    let breaks: Vec<bool> = tokens.iter().map(|t| t.after_break).collect();
    let found = killed_in_words(&words, &breaks)?;
    Some(match share_of_one_event(text, tokens, &words, &found) {
        Some(n) => Killed {
            min: n,
            max: n,
            ..found
        },
        None => found,
    })
}

/// A figure written as such, not a vague word ("a", "several").
fn stated_count(word: &str) -> Option<u32> {
    if matches!(
        word,
        "a" | "an" | "single" | "some" | "several" | "dozens" | "tens" | "scores"
    ) {
        return None;
    }
    count_word(word)
}

/// How ACLED shares a figure between the events of one note, for one of those events:
/// - a figure said to be "noted in this location" or coded "in this area": that figure;
/// - figures allocated to events ("2 each", "Ariha allocated 6 and Sarmin 5", "Taftanaz (12)
///   and Binnish (8)"): the first one;
/// - a split over a number of events, said ("between 3 events") or listed ("over the activities
///   in A, B, and C"): the total over the number of events, rounded down, as ACLED gives the
///   odd deaths to one of them.
fn share_of_one_event(text: &str, tokens: &[Token], words: &[&str], found: &Killed) -> Option<u32> {
    // Whether a full stop or semicolon stands before token `j`.
    let sentence_ends_before =
        |j: usize| j > 0 && text[tokens[j - 1].end..tokens[j].start].contains(['.', ';']);
    for i in 1..words.len().saturating_sub(1) {
        if words[i] == "this" && matches!(words[i + 1], "location" | "area" | "event") {
            let mut j = i;
            while j > 0 && i - j < 8 && !sentence_ends_before(j) {
                j -= 1;
                if let Some(n) = stated_count(words[j]) {
                    return Some(n);
                }
            }
        }
    }
    // "1 fatality was allocated to each of the two events", said after the figure.
    for i in found.first.max(1)..words.len().saturating_sub(2) {
        if words[i] == "allocated"
            && words[i + 1] == "to"
            && words[i + 2] == "each"
            && let Some(n) = (i.saturating_sub(4)..i)
                .rev()
                .find_map(|j| stated_count(words[j]))
        {
            return Some(n);
        }
    }
    // A split said before the figure is of some other figure ("Eight fatalities distributed
    // over two locations … Coded 4 fatalities conservatively").
    let split = (found.first..words.len()).find(|&i| {
        matches!(
            words[i],
            "split" | "divided" | "distributed" | "spread" | "shared"
        )
    })?;
    let end = (split + 1..words.len())
        .find(|&j| sentence_ends_before(j))
        .unwrap_or(words.len());
    let sentence = split + 1..end;
    // Figures allocated to an event.
    let allocated = sentence.clone().find_map(|j| {
        let n = stated_count(words[j])?;
        let next = words.get(j + 1).copied().unwrap_or("");
        let after_next = words.get(j + 2).copied().unwrap_or("");
        let before = words[j - 1];
        let in_brackets = text[tokens[j - 1].end..tokens[j].start].contains('(')
            && text[tokens[j].end..].starts_with(')');
        (next == "each"
            || before == "allocated"
            || next == "allocated"
            || (matches!(next, "fatalities" | "fatality" | "deaths") && after_next == "allocated")
            || in_brackets)
            .then_some(n)
    });
    if allocated.is_some() {
        return allocated;
    }
    // The number of events: "over two locations", "between the 3 events", "across both
    // events", or the places listed ("between Zalaqit and Masasneh").
    let mut j = split + 1;
    while j < end
        && matches!(
            words[j],
            "evenly"
                | "equally"
                | "fatalities"
                | "casualties"
                | "over"
                | "across"
                | "between"
                | "among"
                | "on"
                | "the"
                | "known"
                | "activities"
                | "activity"
                | "in"
                | "of"
                | "location"
        )
    {
        j += 1;
    }
    if j >= end || j == split + 1 {
        return None;
    }
    let events = if let Some(n) = stated_count(words[j]) {
        n
    } else if tokens[j].capital {
        // One event per place listed: "A, B, and C" or "A and B".
        1 + (j + 1..end)
            .filter(|&k| {
                words[k] == "and" || text[tokens[k - 1].end..tokens[k].start].contains(',')
            })
            .count() as u32
    } else {
        return None;
    };
    (events >= 2).then(|| found.min / events)
}

/// Words for one person, after which "a" or "an" counts one death ("an opposition fighter was
/// killed").
const PERSON_WORDS: &[&str] = &[
    "fighter",
    "member",
    "soldier",
    "civilian",
    "commander",
    "officer",
    "child",
    "man",
    "woman",
    "boy",
    "girl",
    "militant",
    "rebel",
    "militiaman",
    "gunman",
    "leader",
    "pilot",
    "defector",
    "journalist",
    "volunteer",
    "person",
    "activist",
    "doctor",
    "guard",
    "sniper",
    "recruit",
    "cameraman",
    "photographer",
    "conscript",
    "brigadier",
    "colonel",
    "general",
    "lieutenant",
    "staff",
    "staffer",
    "worker",
    "driver",
    "employee",
    "nurse",
    "paramedic",
    "teacher",
    "resident",
    "shepherd",
    "farmer",
    "policeman",
    "judge",
];

/// A word for death, also with Arabic letters written on it (ومقتل).
fn is_kill_word(word: &str) -> bool {
    KILL_WORDS.iter().any(|kill| is_word(kill, word))
}

/// `breaks[j]`: punctuation stands before word `j`.
fn killed_in_words(words: &[&str], breaks: &[bool]) -> Option<Killed> {
    // "coded as 10", "coded to 10", "coded 10": ACLED's own figure for unknown fatalities; "total
    // fatalities coded as 11" after "an additional 10 coded" is the one that counts.
    let mut coded = None;
    for i in 0..words.len().saturating_sub(1) {
        if words[i] != "coded" {
            continue;
        }
        let mut at = if matches!(words[i + 1], "as" | "to") {
            i + 2
        } else {
            i + 1
        };
        while words
            .get(at)
            .is_some_and(|w| matches!(*w, "an" | "a" | "additional" | "extra"))
        {
            at += 1;
        }
        // "fatalities coded to 10", "Coded 4 fatalities"; not "geoprecision coded to 2". "Coded
        // as" is ACLED's wording for the dead alone.
        let of_the_dead = words[i.saturating_sub(8)..i]
            .iter()
            .chain(words.get(at + 1))
            .any(|w| is_kill_word(w));
        if let Some(n) = words.get(at).copied().and_then(stated_count)
            && (of_the_dead || words[i + 1] == "as")
        {
            let total = words[i.saturating_sub(3)..i].contains(&"total");
            if coded.is_none() || total {
                coded = Some(Killed {
                    min: n,
                    max: n,
                    first: i,
                    last: at + 1,
                    civilian: false,
                });
            }
            if total {
                break;
            }
        }
    }
    if coded.is_some() {
        return coded;
    }
    for (k, word) in words.iter().enumerate() {
        if !is_kill_word(word) {
            continue;
        }
        let window_start = k.saturating_sub(9);
        let civilian = words[window_start..(k + 4).min(words.len())]
            .iter()
            .any(|w| CIVILIAN_WORDS.contains(w));
        // "No fatalities", "neither injuries nor fatalities".
        if words[k.saturating_sub(4)..k]
            .iter()
            .any(|w| NONE_WORDS.contains(w))
        {
            return Some(Killed {
                min: 0,
                max: 0,
                first: k.saturating_sub(4),
                last: k + 1,
                civilian: false,
            });
        }
        // Figures before the word: "3 soldiers and 5 rebels were killed" adds up; "5 to 7
        // killed" and "between 5 and 7" are ranges.
        let mut figures: Vec<(usize, u32)> = Vec::new();
        // "A gunman opened fire on the checkpoint and killed 3 guards": the figure after an
        // active verb is the dead, not the person before it.
        let active_with_figure = matches!(*word, "killed" | "kill" | "killing")
            && !(k > 0 && matches!(words[k - 1], "were" | "was" | "been" | "being"))
            && words.get(k + 1).copied().and_then(stated_count).is_some();
        let before_start = if active_with_figure { k } else { window_start };
        for (j, w) in words.iter().enumerate().take(k).skip(before_start) {
            // "Nine people, including two fighters, were killed": the two are among the nine.
            if j > 0 && matches!(words[j - 1], "including" | "incl") {
                continue;
            }
            // "a", "an" and "some" count only right before the word ("a fatality"), or before
            // one person ("an opposition fighter was killed").
            let one_person = matches!(*w, "a" | "an")
                && words[j + 1..k]
                    .iter()
                    .take(3)
                    .any(|n| PERSON_WORDS.contains(n));
            if let Some(n) = count_at(words, j)
                && (!matches!(*w, "a" | "an" | "some") || j + 1 == k || one_person)
            {
                figures.push((j, n));
            }
        }
        // A figure that opens the sentence, further back than the window: "Nine soldiers of
        // the government army and allied militiamen from the area were killed".
        if figures.is_empty() {
            let opening = (k.saturating_sub(16)..k)
                .rev()
                .find(|&j| j == 0 || breaks[j])
                .filter(|&j| j < window_start);
            if let Some(j) = opening {
                // "A fighter who had been hurt in the battle near the town died": one person,
                // when the verb is theirs.
                let singular = matches!(words[j], "a" | "an")
                    && words.get(j + 1).is_some_and(|w| PERSON_WORDS.contains(w));
                let verb_is_theirs = words[j + 1..k].contains(&"were")
                    || matches!(*word, "died" | "succumbed")
                    || (singular && words[j + 1..k].contains(&"was"));
                if let Some(n) = count_at(words, j)
                    && (singular || !matches!(words[j], "a" | "an" | "some"))
                    && verb_is_theirs
                {
                    figures.push((j, n));
                }
            }
        }
        // One person: "a medic was shot in his chest and killed" (but not "it was said that
        // the barrage killed 19"), "he died of his wounds",
        // "the fighter died", "which led to his death", "the body of".
        let before = &words[k.saturating_sub(6)..k];
        if figures.is_empty()
            && ((before.contains(&"was") && !before.contains(&"were") && !before.contains(&"that"))
                || matches!(
                    words.get(k.wrapping_sub(1)),
                    Some(&("he" | "she" | "his" | "her"))
                )
                || (k > 0 && PERSON_WORDS.contains(&words[k - 1]) && matches!(*word, "died"))
                || (*word == "body" && k > 0 && words[k - 1] == "the"))
        {
            figures.push((k.saturating_sub(1), 1));
        }
        // Figures after "killing"/"killed": "killing 4 fighters", "the killing of one",
        // "killing 5 to 7" and "القتلى: 5–7" (the dash is no token); "a" or "an" only before
        // a person ("killed when a mortar hit" counts no one).
        if figures.is_empty() {
            for j in (k + 1..words.len()).take(4) {
                let lone_article = matches!(words[j], "a" | "an")
                    && !words[j + 1..]
                        .iter()
                        .take(3)
                        .any(|n| PERSON_WORDS.contains(n));
                if lone_article {
                    continue;
                }
                if let Some(n) = count_at(words, j) {
                    figures.push((j, n));
                    let upper = match words.get(j + 1) {
                        Some(&("to" | "or" | "الى")) => j + 2,
                        _ => j + 1,
                    };
                    if let Some(m) = (upper < words.len())
                        .then(|| count_at(words, upper))
                        .flatten()
                    {
                        figures.push((upper, m));
                    }
                    break;
                }
            }
        }
        if figures.is_empty() {
            continue;
        }
        let first = figures.iter().map(|f| f.0).min().unwrap_or(k).min(k);
        let last = figures
            .iter()
            .map(|f| f.0 + 1)
            .max()
            .unwrap_or(k + 1)
            .max(k + 1);
        let is_range = figures.len() == 2
            && words[figures[0].0 + 1..figures[1].0]
                .iter()
                .all(|w| matches!(*w, "to" | "and" | "or" | "الى" | "و"))
            // "5 to 7", "5–7" (the dash is no token) or "between 5 and 7".
            && (figures[1].0 <= figures[0].0 + 2
                || words.get(figures[0].0.wrapping_sub(1)) == Some(&"between"));
        let (min, max) = if is_range {
            let (a, b) = (figures[0].1, figures[1].1);
            (a.min(b), a.max(b))
        } else {
            let total = figures.iter().map(|f| f.1).sum();
            (total, total)
        };
        return Some(Killed {
            min,
            max,
            first,
            last,
            civilian,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn killed_of(text: &str) -> Option<Killed> {
        let tokens = tokenize(text);
        let date = dates::find(&tokens, text, chrono::NaiveDate::MIN).map(|d| d.first..d.last);
        killed(text, &tokens, date)
    }

    fn killed_in(text: &str) -> Option<(u32, u32)> {
        killed_of(text).map(|k| (k.min, k.max))
    }

    fn sub_event_of(text: &str) -> Option<&'static str> {
        let tokens = tokenize(text);
        sub_event(&tokens, &CueWords::of(&tokens)).map(|c| c.value)
    }

    #[test]
    fn one_death_and_figures_that_open_the_sentence() {
        for (text, expected) in [
            (
                "Unknown gunmen assassinated a local council member in Sarmada.",
                Some((1, 1)),
            ),
            (
                "A commander was hit by a sniper, which led to his death.",
                Some((1, 1)),
            ),
            (
                "The wounded fighter died in hospital two days later.",
                Some((1, 1)),
            ),
            ("Villagers found the body near Saraqib.", Some((1, 1))),
            (
                "Nine soldiers of the government army and allied militiamen from the area were \
                 killed in the shelling.",
                Some((9, 9)),
            ),
            (
                "A medic at the clinic was shot in his chest and killed.",
                Some((1, 1)),
            ),
            (
                "Abu Omar, a commander, was killed, and 2 of his guards were hurt.",
                Some((1, 1)),
            ),
            (
                "The monitor said it was likely that the barrage killed 19.",
                Some((19, 19)),
            ),
            (
                "The raiders managed to kill at least 30 guards at the depot.",
                Some((30, 30)),
            ),
            (
                "The barrage caused the death of at least 6 fighters.",
                Some((6, 6)),
            ),
            (
                "Twelve soldiers of the army and allied militias from the coast died of their \
                 wounds.",
                Some((12, 12)),
            ),
            (
                "On 4 May 2019, a fighter who had been hurt in the battle near the town died.",
                Some((1, 1)),
            ),
            (
                "Seven residents, including two boys, were killed in the strike.",
                Some((7, 7)),
            ),
            (
                "A gunman opened fire on the checkpoint and killed 3 guards.",
                Some((3, 3)),
            ),
            // The numbers of a date count no one.
            (
                "Between 5-7 March 2016, gunmen assassinated a rebel commander.",
                Some((1, 1)),
            ),
            (
                "Two civilians died; 1 fatality was allocated to each of the two events.",
                Some((1, 1)),
            ),
            (
                "An extra 10 deaths were coded for the shelling; total fatalities coded as 13.",
                Some((13, 13)),
            ),
            // Things counted beside the dead are none of them.
            (
                "The advance took 40 villages and killed 75 militants in all.",
                Some((75, 75)),
            ),
            (
                "Two villages and five farms fell; casualties were reported.",
                None,
            ),
            // An attempt on a life takes none, nor do "both sides".
            ("An assassination attempt on a commander failed.", None),
            ("The fighting left casualties on both sides.", None),
        ] {
            assert_eq!(killed_in(text), expected, "{text}");
        }
    }

    #[test]
    fn a_figure_shared_between_events_gives_one_event_its_share() {
        for (text, expected) in [
            // The share said outright.
            (
                "Twelve fighters died across four villages; 3 deaths are noted in this \
                 location.",
                (3, 3),
            ),
            (
                "Both sides lost men; fatalities were coded to 10 in all. Coded 2 fatalities in \
                 this area.",
                (2, 2),
            ),
            // Shares allocated to the events: the first one given.
            (
                "Fatalities, coded as 8, were split, 4 each, over two places.",
                (4, 4),
            ),
            (
                "Fatalities coded as 9 and divided between 2 events, with 5 allocated to Kafr \
                 Nabl and 4 to Hass.",
                (5, 5),
            ),
            (
                "20 fatalities distributed over Taftanaz (12) and Binnish (8).",
                (12, 12),
            ),
            // A total over the number of events, said or listed, rounded down.
            (
                "The dead, coded as 10, were split between 3 events.",
                (3, 3),
            ),
            (
                "Fatalities were coded as 10 and then split between Zabadani and Madaya.",
                (5, 5),
            ),
            (
                "Fatalities coded to 9. The figure was distributed over the activities in Ariha, \
                 Sarmin, and Binnish.",
                (3, 3),
            ),
            (
                "Deaths were coded as 10 and spread evenly across both events.",
                (5, 5),
            ),
            // A split said before the figure is of another figure.
            (
                "Six fatalities distributed over two locations. Coded 3 fatalities conservatively.",
                (3, 3),
            ),
            // Precision coded is no figure of the dead.
            (
                "Clashes near the town; geoprecision coded to 2. No fatalities reported.",
                (0, 0),
            ),
        ] {
            assert_eq!(killed_in(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn figures_are_read_past_dates_measures_and_arabic_letters() {
        for (text, expected) in [
            // Words for the dead with the article or a preposition written on them, martyrdom,
            // duals and ranges written with a dash.
            ("سقوط 4 قتلى جراء القصف", (4, 4)),
            ("ما أسفر عن مقتل طفلين", (2, 2)),
            ("استشهاد 6 مدنيين بينهم طفلان", (6, 6)),
            ("عدد القتلى: 5–7", (5, 7)),
            ("5-7 fighters were killed", (5, 7)),
            ("the shelling killed 2 to 4 people", (2, 4)),
            // The day, the year and measures of time or age are no counts of the dead.
            (
                "Recorded on 2016-02-26 in Douma; civilians killed: 2",
                (2, 2),
            ),
            (
                "On 5 March 2020, regime forces killed 2 civilians in Ariha.",
                (2, 2),
            ),
            ("On March 5, 2020 a fighter died", (1, 1)),
            ("A 23-year old medic was killed in Idlib", (1, 1)),
            ("He was wounded and died five days later", (1, 1)),
            ("the drone strike led to the death of 3 men", (3, 3)),
            ("the body of a man was found with gunshot wounds", (1, 1)),
            // A number hyphened to a word names a thing, not the dead.
            (
                "Troops fought IS around the T-2 station; two soldiers were killed.",
                (2, 2),
            ),
            ("A T-72 tank was hit and 3 soldiers died", (3, 3)),
            // One person by the verb; no one by an article before a weapon.
            ("A Red Crescent volunteer was shot and killed", (1, 1)),
            (
                "Two aid workers of the local relief branch were killed when a shell hit",
                (2, 2),
            ),
        ] {
            assert_eq!(killed_in(text), Some(expected), "{text}");
        }
        assert!(killed_of("ما أسفر عن مقتل طفلين").unwrap().civilian);
    }

    #[test]
    fn casualties_follow_acled_conventions() {
        assert_eq!(killed_in("No fatalities were reported."), Some((0, 0)));
        assert_eq!(
            killed_in("Neither injuries nor fatalities reported."),
            Some((0, 0))
        );
        assert_eq!(
            killed_in("resulted in the killing of one opposition rebel fighter."),
            Some((1, 1))
        );
        assert_eq!(killed_in("11 casualties reported."), Some((11, 11)));
        assert_eq!(
            killed_in("اشتباكات عنيفة ومقتل 5 عناصر من التنظيم"),
            Some((5, 5))
        );
        assert_eq!(
            killed_in("An opposition fighter was killed by sniper fire near Morek."),
            Some((1, 1))
        );
        assert_eq!(
            killed_in("A fighter succumbed to his wounds two days later."),
            Some((1, 1))
        );
        assert_eq!(
            killed_in("Unknown fatalities coded as 10. Fatalities distributed over two locations."),
            Some((5, 5))
        );
        assert_eq!(
            killed_in("3 soldiers and 5 rebels were killed"),
            Some((8, 8))
        );
        assert_eq!(
            killed_in("between 5 and 7 people were killed"),
            Some((5, 7))
        );
        assert_eq!(killed_in("several civilians were killed"), Some((3, 3)));
        assert_eq!(killed_in("dozens of fighters killed"), Some((12, 12)));
        assert_eq!(killed_in("Unknown fatalities coded as 10."), Some((10, 10)));
        assert_eq!(killed_in("مقتل 4 مدنيين في قصف"), Some((4, 4)));
        assert_eq!(killed_in("Clashes in Douma."), None);
        assert!(killed_of("two civilians were killed").unwrap().civilian);
    }

    #[test]
    fn ground_changes_hands_only_when_the_text_says_it_was_taken() {
        for (text, expected) in [
            (
                "Government troops took control of Kafr Nabudah after clashes.",
                "territory",
            ),
            ("The army managed to capture Tal Sukkar.", "territory"),
            (
                "Regime units advanced to take control of the hamlet.",
                "territory",
            ),
            (
                "The town was retaken by the factions, which took it over by nightfall.",
                "territory",
            ),
            (
                "The Islamic State captured Arak from regime forces.",
                "territory",
            ),
            (
                "The army controlled Ein Elfijeh after clashes with the factions.",
                "territory",
            ),
            ("Government troops regained areas near Tamura.", "territory"),
            // Advances, attempts, aims and earlier events are fighting.
            (
                "Heavy fighting near Kabani; both sides made advances.",
                "Armed clash",
            ),
            (
                "No advances were made in the fighting near Kabani.",
                "Armed clash",
            ),
            (
                "Rebels launched a battle to capture the hill.",
                "Armed clash",
            ),
            (
                "An assault aiming to retake the village was repelled.",
                "Armed clash",
            ),
            (
                "Following the capture of Khan Shaykhun, clashes continued north of the town.",
                "Armed clash",
            ),
            (
                "Fighting went on as the army achieved partial control of the village.",
                "Armed clash",
            ),
            (
                "Clashes near the IS-controlled hamlet of Shinan went on all day.",
                "Armed clash",
            ),
            (
                "Clashes broke out after a remote-controlled device hit the checkpoint.",
                "Armed clash",
            ),
            // People, arms and parts of a place taken are no ground.
            (
                "In the clashes, rebels ended up capturing three soldiers alive.",
                "Armed clash",
            ),
            (
                "After the clashes the group was seizing weapons from the depot.",
                "Armed clash",
            ),
            (
                "Clashes went on, and regime forces managed to control several points.",
                "Armed clash",
            ),
            (
                "Fighters took over the positions held by the rival group, but did not completely \
                 control the area during the clashes.",
                "Armed clash",
            ),
        ] {
            assert_eq!(sub_event_of(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn sub_events_by_priority() {
        assert_eq!(
            sub_event_of("Clashes accompanied by air strikes"),
            Some("Armed clash")
        );
        assert_eq!(
            sub_event_of("Regime forces regained control of the village"),
            Some("territory")
        );
        assert_eq!(
            sub_event_of("Warplanes struck the market"),
            Some("Air/drone strike")
        );
        assert_eq!(
            sub_event_of("Regime forces shelled the town"),
            Some("Shelling/artillery/missile attack")
        );
        assert_eq!(
            sub_event_of("An IED exploded"),
            Some("Remote explosive/landmine/IED")
        );
        assert_eq!(
            sub_event_of("قصفت قوات النظام البلدة"),
            Some("Shelling/artillery/missile attack")
        );
        // Sub-events beyond battles and strikes, as ACLED codes them in other years.
        assert_eq!(
            sub_event_of("Police used tear gas to disperse the crowd of protesters"),
            Some("Protest with intervention")
        );
        assert_eq!(
            sub_event_of("Residents demonstrated in the main square against the new taxes"),
            Some("Peaceful protest")
        );
        assert_eq!(
            sub_event_of("Protesters blocked the road; guards fired in the air to disperse them"),
            Some("Protest with intervention")
        );
        assert_eq!(
            sub_event_of("Air defences intercepted two missiles over the city"),
            Some("Disrupted weapons use")
        );
        assert_eq!(
            sub_event_of("A man threw a grenade at a checkpoint"),
            Some("Grenade")
        );
        assert_eq!(
            sub_event_of("Militiamen looted shops in the town"),
            Some("Looting/property destruction")
        );
        assert_eq!(
            sub_event_of("The two factions signed a reconciliation agreement"),
            Some("Agreement")
        );
        assert_eq!(event_type_of("Violent demonstration"), "Riots");
        // Cues with the letters Arabic writes on a word's front: بقصف، بغارات، الطائرات.
        assert_eq!(
            sub_event_of("قتل 3 أشخاص بقصف مدفعي"),
            Some("Shelling/artillery/missile attack")
        );
        assert_eq!(
            sub_event_of("مقتل مدنيين بغارات على دوما"),
            Some("Air/drone strike")
        );
        assert_eq!(
            sub_event_of("قصفت الطائرات الروسية البلدة"),
            Some("Air/drone strike")
        );
        assert_eq!(
            sub_event_of("سقطت قذائف على الحي"),
            Some("Shelling/artillery/missile attack")
        );
        assert_eq!(
            event_type_of("Air/drone strike"),
            "Explosions/Remote violence"
        );
    }
}
