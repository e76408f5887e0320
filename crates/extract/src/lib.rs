//! Structured draft reports from free text, in English and Arabic. Pure and fast: no network,
//! no model, no I/O. Every field carries the stretch of text it came from and a confidence, so
//! that a reviewer sees why and decides.
//!
//! ```
//! use chrono::NaiveDate;
//! let draft = truce_extract::extract(
//!     "Yesterday regime forces shelled Douma, killing 3 civilians.",
//!     NaiveDate::from_ymd_opt(2016, 3, 10).unwrap(),
//! );
//! assert_eq!(draft.date.unwrap().value, "2016-03-09");
//! assert_eq!(draft.location.unwrap().value.admin1_pcode, "SY03");
//! ```

pub mod actors;
pub mod dates;
pub mod day_parts;
pub mod events;
pub mod gazetteer;
pub mod stance;
pub mod text;

use chrono::NaiveDate;
use serde::Serialize;

pub use gazetteer::{Gazetteer, Place, PlaceKind};
use text::Token;

/// Where in the text a value came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset just past the end.
    pub end: usize,
    /// The words themselves.
    pub text: String,
}

/// An extracted value with its evidence and confidence (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field<T> {
    /// The value.
    pub value: T,
    /// Where it came from; `None` for a default (the reference date, say).
    pub evidence: Option<Evidence>,
    /// How sure.
    pub confidence: f32,
}

/// A place resolved through the gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    /// Name as in the gazetteer.
    pub name: String,
    /// Arabic name.
    pub name_ar: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Governorate P-code.
    pub admin1_pcode: String,
    /// District P-code.
    pub admin2_pcode: Option<String>,
    /// Sub-district P-code.
    pub admin3_pcode: Option<String>,
    /// The place's own P-code.
    pub pcode: String,
    /// ACLED geo precision: 1 the place itself, 2 near it or part of a region, 3 a larger
    /// region (its centre is used).
    pub geo_precision: u8,
}

impl Location {
    /// A gazetteer place as the draft's location, with the precision the text gives it.
    pub fn at(place: &Place, geo_precision: u8) -> Location {
        Location {
            name: place.name.clone(),
            name_ar: place.name_ar.clone(),
            lat: place.lat,
            lon: place.lon,
            admin1_pcode: place.admin1.clone(),
            admin2_pcode: place.admin2.clone(),
            admin3_pcode: place.admin3.clone(),
            pcode: place.pcode.clone(),
            geo_precision,
        }
    }

    /// The finest P-code known: the sub-district's, else the governorate's.
    pub fn finest_pcode(&self) -> &str {
        self.admin3_pcode.as_deref().unwrap_or(&self.admin1_pcode)
    }
}

/// An actor named in the text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorDraft {
    /// The words used.
    pub text: String,
    /// Registry id, when the dictionary knows the name.
    pub actor: Option<String>,
    /// `actor1` and `actor2`, the two parties in ACLED's order (the sentence's two camps; in a
    /// clash, the state's forces first), or `associated` (on the side of one of them).
    pub role: &'static str,
    /// `perpetrator` or `target` when the sentence says who acted on whom ("HTS attacked
    /// regime positions", "posts were shelled by IS"); `None` for a party only ("clashes
    /// between X and Y") and for those associated.
    pub stance: Option<&'static str>,
    /// Where.
    pub evidence: Evidence,
}

/// Casualties.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fatalities {
    /// Lowest figure reported.
    pub killed_min: u32,
    /// Highest figure reported.
    pub killed_max: u32,
    /// Whether the dead include civilians.
    pub civilian: bool,
}

/// A draft report: what a reviewer confirms or corrects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    /// The date, `YYYY-MM-DD`.
    pub date: Option<Field<String>>,
    /// ACLED time precision of the date: 1 day, 2 week, 3 month.
    pub time_precision: u8,
    /// The part of the day the text gives (`night`, `morning`, `afternoon`, `evening`), if any:
    /// reports rarely say the hour.
    pub part_of_day: Option<Field<String>>,
    /// The place.
    pub location: Option<Field<Location>>,
    /// Every other place named.
    pub other_places: Vec<Field<Location>>,
    /// The actors, in the order the text names them.
    pub actors: Vec<ActorDraft>,
    /// ACLED event type.
    pub event_type: Option<Field<String>>,
    /// ACLED sub-event type.
    pub sub_event_type: Option<Field<String>>,
    /// The weapon.
    pub weapon: Option<Field<String>>,
    /// Killed.
    pub fatalities: Option<Field<Fatalities>>,
}

/// Marks the two parties (or the one) with what the sentence says they did, in the order the
/// text names them, whatever their ACLED order.
fn set_stances(
    text: &str,
    tokens: &[Token],
    mentions: &[actors::ActorMention],
    actors: &mut [ActorDraft],
) {
    let range_of = |actor: &ActorDraft| {
        mentions
            .iter()
            .find(|m| {
                tokens
                    .get(m.first)
                    .is_some_and(|t| t.start == actor.evidence.start)
            })
            .map(|m| (m.first, m.last))
    };
    let mut parties: Vec<(usize, (usize, usize))> = actors
        .iter()
        .enumerate()
        .filter(|(_, a)| a.role != "associated")
        .filter_map(|(i, a)| range_of(a).map(|range| (i, range)))
        .collect();
    parties.sort_by_key(|(_, range)| range.0);
    let Some(&(first, first_range)) = parties.first() else {
        return;
    };
    let second = parties.get(1).copied();
    let (first_stance, second_stance) =
        stance::of_parties(text, tokens, first_range, second.map(|(_, range)| range));
    actors[first].stance = first_stance;
    if let Some((second, _)) = second {
        actors[second].stance = second_stance;
    }
}

/// Civilians are never a party: when the text names one armed party and civilians, and no word
/// of who did what, the armed party acted on the civilians ("government helicopters dropped
/// barrel bombs on Daraya, killing four civilians").
fn civilians_are_acted_on(actors: &mut [ActorDraft]) {
    if actors.iter().any(|a| a.stance.is_some()) {
        return;
    }
    let is_civilians = |a: &ActorDraft| a.actor.as_deref() == Some("civilians");
    let parties: Vec<usize> = (0..actors.len())
        .filter(|&i| actors[i].role != "associated")
        .collect();
    let civilians = parties
        .iter()
        .filter(|&&i| is_civilians(&actors[i]))
        .count();
    if parties.len() != 2 || civilians != 1 {
        return;
    }
    for i in parties {
        actors[i].stance = Some(if is_civilians(&actors[i]) {
            stance::TARGET
        } else {
            stance::PERPETRATOR
        });
    }
}

/// Extracts a draft from `text`, with `reference` the day the report was received.
pub fn extract(text: &str, reference: NaiveDate) -> Draft {
    Extractor::new(Gazetteer::embedded()).extract(text, reference)
}

/// Extraction against a gazetteer.
pub struct Extractor<'a> {
    gazetteer: &'a Gazetteer,
}

fn evidence(text: &str, tokens: &[Token], first: usize, last: usize) -> Option<Evidence> {
    let start = tokens.get(first)?.start;
    let end = tokens.get(last.checked_sub(1)?)?.end;
    Some(Evidence {
        start,
        end,
        text: text.get(start..end)?.to_owned(),
    })
}

/// In a battle, ACLED names the parties in a fixed order whatever the sentence's order: state
/// forces first, then the SDF, Turkey, the opposition, HTS and the Islamic State. Air forces
/// that support a side (the coalition, Russia) are associated rather than parties.
fn order_battle_parties(actors: &mut [ActorDraft]) {
    let rank = |actor: &Option<String>| match actor.as_deref() {
        Some("gos" | "ndf" | "hezbollah" | "iran") => 0,
        Some("sdf" | "ypg") => 1,
        Some("turkey") => 2,
        Some(
            "opposition" | "fsa" | "jaysh_al_islam" | "ahrar_al_sham" | "faylaq_al_sham"
            | "southern_front",
        ) => 3,
        Some("nusra") => 4,
        Some("isil") => 5,
        _ => 6,
    };
    let air = |actor: &ActorDraft| matches!(actor.actor.as_deref(), Some("coalition" | "russia"));
    let ground: Vec<usize> = (0..actors.len()).filter(|&i| !air(&actors[i])).collect();
    if ground.len() < 2 {
        return;
    }
    for actor in actors.iter_mut() {
        if air(actor) {
            actor.role = "associated";
        }
    }
    let parties = (
        ground.iter().copied().find(|&i| actors[i].role == "actor1"),
        ground.iter().copied().find(|&i| actors[i].role == "actor2"),
    );
    let (first, second) = match parties {
        (Some(first), Some(second)) => (first, second),
        // An air force held a party's place: the first two ground parties of different
        // ranks take the roles.
        _ => {
            let first = ground[0];
            let Some(second) = ground
                .iter()
                .copied()
                .skip(1)
                .find(|&i| rank(&actors[i].actor) != rank(&actors[first].actor))
            else {
                return;
            };
            for &i in &ground {
                actors[i].role = "associated";
            }
            (first, second)
        }
    };
    actors[first].role = "actor1";
    actors[second].role = "actor2";
}

/// Who took the ground a territory cue at token `cue` speaks of: the party named last before it
/// ("after clashes with rebels, regime forces advanced"), else the first party. It becomes
/// actor 1, as in ACLED's coding of territory changes. Returns its index in `actors`.
fn the_taker(
    actors: &[ActorDraft],
    mentions: &[actors::ActorMention],
    cue: usize,
) -> Option<usize> {
    let party_of = |mention: &actors::ActorMention| {
        actors.iter().position(|a| {
            a.role != "associated" && mention.actor.is_some() && a.actor.as_deref() == mention.actor
        })
    };
    let taker = mentions
        .iter()
        .rev()
        .filter(|m| m.last <= cue)
        .find_map(party_of)
        .or_else(|| actors.iter().position(|a| a.role != "associated"))?;
    Some(taker)
}

/// ACLED's habit in a clash: the state's forces are actor 1 against anyone, and the SDF against
/// the Islamic State, whichever the sentence names first. (Who took or lost ground is said by the
/// territory sub-events instead, and an attack has its attacker first.)
fn clash_order(actors: &mut [ActorDraft]) {
    let role_of = |actors: &[ActorDraft], role: &str| actors.iter().position(|a| a.role == role);
    let (Some(first), Some(second)) = (role_of(actors, "actor1"), role_of(actors, "actor2")) else {
        return;
    };
    let listed_first = match (
        actors[first].actor.as_deref(),
        actors[second].actor.as_deref(),
    ) {
        (Some("gos"), _) => false,
        (_, Some("gos")) => true,
        (Some("isil"), Some("sdf")) => true,
        _ => false,
    };
    if listed_first {
        actors[first].role = "actor2";
        actors[second].role = "actor1";
    }
}

/// Words saying the event was near or around a place, not in it (ACLED geo precision 2).
const NEAR_WORDS: &[&str] = &[
    "near",
    "outskirts",
    "vicinity",
    "countryside",
    "around",
    "outside",
    "surroundings",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "axis",
    "axes",
    "front",
    "frontline",
    "ريف",
    "قرب",
    "محيط",
    "اطراف",
];

/// Words after a place name that put the event around it rather than in it.
const NEAR_AFTER_WORDS: &[&str] = &[
    "countryside",
    "outskirts",
    "surroundings",
    "vicinity",
    "axis",
    "axes",
    "front",
    "frontline",
];

/// Words that open the name of an armed group ("Jaish al-Nasr", "Liwa al-Quds", "Army of
/// Glory"): the words after them name the group, not a place, even where a village shares them.
const GROUP_NAME_WORDS: &[&str] = &[
    "jaish",
    "jaysh",
    "jeish",
    "liwa",
    "liwaa",
    "faylaq",
    "failaq",
    "harakat",
    "katibat",
    "kataib",
    "firqat",
    "saraya",
    "tajammu",
    "alwiya",
    "quwat",
    "جيش",
    "لواء",
    "فيلق",
    "حركه",
    "كتيبه",
    "كتائب",
    "فرقه",
    "سرايا",
    "تجمع",
    "الويه",
];

/// Words that close the name of an armed unit ("Sultan Murad Brigade", "Idlib Free Army",
/// "Manbij Military Council"). "Front" is left out: "Mansheyyi Front" is a front line.
const GROUP_NAME_ENDS: &[&str] = &[
    "brigade",
    "brigades",
    "battalion",
    "battalions",
    "army",
    "council",
    "division",
    "corps",
    "movement",
];

/// Marks as taken the word naming a group after a group word (with its article).
fn take_group_names(tokens: &[Token], taken: &mut [bool]) {
    for (i, token) in tokens.iter().enumerate() {
        // "Shuhada al-Qaryatayn Brigade": the capitalised words before a unit word name it.
        if token.capital && GROUP_NAME_ENDS.contains(&token.folded.as_str()) {
            for k in (0..i).rev() {
                if tokens[k + 1].after_break
                    || !(tokens[k].capital || text::is_article(&tokens[k].folded))
                {
                    break;
                }
                taken[k] = true;
            }
        }
        let opens = GROUP_NAME_WORDS.contains(&token.folded.as_str())
            || (token.folded == "army" && tokens.get(i + 1).is_some_and(|t| t.folded == "of"));
        if !opens {
            continue;
        }
        let mut named = 0;
        for (k, next) in tokens.iter().enumerate().skip(i + 1) {
            if named == 1
                || !(next.capital
                    || next.arabic
                    || text::is_article(&next.folded)
                    || next.folded == "of")
            {
                break;
            }
            taken[k] = true;
            if !text::is_article(&next.folded) && next.folded != "of" {
                named += 1;
            }
        }
    }
}

/// Words for sites named after a place.
const SITE_WORDS: &[&str] = &[
    "field",
    "fields",
    "oilfield",
    "oilfields",
    "dam",
    "airbase",
    "airport",
    "station",
    "road",
    "highway",
    "crossing",
    "checkpoint",
    "base",
    "mount",
    "mountain",
    "mountains",
    "hill",
    "hills",
    "gas",
    "oil",
    "factory",
    "company",
    "plant",
    "prison",
    "bridge",
    "junction",
    "roundabout",
];

/// Words that call a place a city.
const CITY_WORDS: &[&str] = &["city", "مدينه"];

/// Site words for routes, which run between places rather than lie at one.
const ROUTE_WORDS: &[&str] = &["road", "highway"];

/// Words that say a name is a governorate's.
const PROVINCE_WORDS: &[&str] = &["province", "governorate", "countryside", "محافظه", "ريف"];

/// Words for a part of a city.
const NEIGHBOURHOOD_WORDS: &[&str] = &["neighborhood", "neighbourhood", "neighborhoods", "quarter"];

/// Words that call a name a sub-district ("Madiq Castle sub-district", "ناحية عقيربات").
const SUBDISTRICT_WORDS: &[&str] = &["subdistrict", "nahiya", "nahia", "ناحيه"];

/// Words between a part of a city and the city: "Sina'a area of Raqqa city".
const PART_OF_WORDS: &[&str] = &[
    "of",
    "in",
    "the",
    "area",
    "district",
    "quarter",
    "neighborhood",
    "neighbourhood",
    "neighborhoods",
    "neighbourhoods",
];

/// Capitalised words that stand next to place names without being part of them: sentence
/// openers, and words for kinds of place ("Homs Governorate", "Raqqa City").
const NOT_NAME_WORDS: &[&str] = &[
    "the",
    "in",
    "on",
    "at",
    "near",
    "and",
    "of",
    "from",
    "to",
    "by",
    "between",
    "with",
    "after",
    "during",
    "amid",
    "as",
    "a",
    "an",
    "this",
    "that",
    "while",
    "following",
    "since",
    "on",
    "city",
    "town",
    "village",
    "villages",
    "governorate",
    "province",
    "countryside",
    "district",
    "subdistrict",
    "sub",
    "neighborhood",
    "neighbourhood",
    "area",
    "areas",
    "region",
    "camp",
    // "May" as a month (the verb is lower case); the other months and days are in
    // `dates::DAYS_AND_MONTHS`.
    "may",
];

/// Words that make a village's name into another village's ("Kafr Yahmul" is not Yahmul), where
/// "Tal X" or "Jabal X" is a hill by X.
const ANOTHER_VILLAGE: &[&str] = &[
    "kafr", "kfar", "deir", "dayr", "beit", "bayt", "khirbet", "khirbat", "maarat",
];

/// Whether the mention is joined (by a space or hyphen, perhaps through an article) to a
/// capitalised word that no mention or actor accounts for: then it is part of a longer name.
fn part_of_unknown_name(
    text: &str,
    tokens: &[Token],
    taken: &[bool],
    mentions: &[gazetteer::Mention],
    mention: &gazetteer::Mention,
) -> bool {
    if tokens[mention.first].arabic {
        return false;
    }
    let joined = |a: &Token, b: &Token| {
        text.get(a.end..b.start)
            .is_some_and(|gap| gap.chars().all(|c| c == ' ' || c == '-'))
    };
    // Joined closely: not "Khanser - Ithriya", two places.
    let tight = |a: &Token, b: &Token| {
        text.get(a.end..b.start)
            .is_some_and(|gap| gap == " " || gap == "-")
    };
    // The word at `index` lies next to `neighbour`, the name's first or last word or the
    // article between them.
    let unknown_name_word = |index: usize, neighbour: &Token| {
        let token = &tokens[index];
        token.capital
            && !token.arabic
            && (!gazetteer::NAME_OPENERS.contains(&token.folded.as_str())
                || (index < mention.first && ANOTHER_VILLAGE.contains(&token.folded.as_str())))
            && !taken.get(index).copied().unwrap_or(false)
            && !NOT_NAME_WORDS.contains(&token.folded.as_str())
            && !dates::DAYS_AND_MONTHS.contains(&token.folded.as_str())
            && direction(&token.folded).is_none()
            && !SITE_WORDS.contains(&token.folded.as_str())
            && !mentions.iter().any(|m| {
                // A name that only sounds like a place, joined to another ("Ghanim al-Ali",
                // "Sinn Sahar"), is part of one name the gazetteer lacks, when the other also
                // only sounds like one or follows it through an article; but "Saghir" only
                // qualifies the name before it.
                let through_article = text::is_article(&neighbour.folded) && index < mention.first;
                (m.first..m.last).contains(&index)
                    && (m.exact > 0
                        || (mention.exact > 0 && !through_article)
                        || gazetteer::arabic_qualifier(&token.folded)
                        || !(tight(token, neighbour) || tight(neighbour, token)))
            })
    };
    // Before: "Fikha Sghireh", "Qasr al-Hayr" read backwards.
    let mut before = mention.first;
    while before > 0 && joined(&tokens[before - 1], &tokens[before]) {
        before -= 1;
        if text::is_article(&tokens[before].folded) {
            continue;
        }
        if unknown_name_word(before, &tokens[before + 1]) {
            return true;
        }
        break;
    }
    // After: "Sahl Hanya", "Shanim al-Ali" read forwards; but "Kabir" in "Jabab Masoud
    // Kabir" only tells one part of the village from another.
    let mut after = mention.last;
    while after < tokens.len() && joined(&tokens[after - 1], &tokens[after]) {
        if text::is_article(&tokens[after].folded) {
            after += 1;
            continue;
        }
        return !gazetteer::arabic_qualifier(&tokens[after].folded)
            && unknown_name_word(after, &tokens[after - 1]);
    }
    false
}

/// A direction word as a (north, east) step.
fn direction(word: &str) -> Option<(f64, f64)> {
    Some(match word {
        "north" | "northern" | "شمال" | "الشمالي" | "شمالي" => (1.0, 0.0),
        "south" | "southern" | "جنوب" | "الجنوبي" | "جنوبي" => (-1.0, 0.0),
        "east" | "eastern" | "شرق" | "الشرقي" | "شرقي" => (0.0, 1.0),
        "west" | "western" | "غرب" | "الغربي" | "غربي" => (0.0, -1.0),
        "northeast" | "northeastern" => (1.0, 1.0),
        "northwest" | "northwestern" => (1.0, -1.0),
        "southeast" | "southeastern" => (-1.0, 1.0),
        "southwest" | "southwestern" => (-1.0, -1.0),
        _ => return None,
    })
}

/// Whether two readings stand at the same spot (within about 10 km), as one place given by
/// several sources does.
fn same_spot(a: &Place, b: &Place) -> bool {
    (a.lat - b.lat).abs() < 0.1 && (a.lon - b.lon).abs() < 0.1
}

/// How far `place` lies from a point, in degrees of latitude (about 110 km each).
fn degrees_from(lat: f64, lon: f64, place: &Place) -> f64 {
    let north = place.lat - lat;
    let east = (place.lon - lon) * lat.to_radians().cos();
    (north * north + east * east).sqrt()
}

/// A direction from a named place.
struct Bearing {
    /// The mention the direction is taken from.
    mention: usize,
    lat: f64,
    lon: f64,
    north: f64,
    east: f64,
    /// Where the direction starts when it is said as "north of X", of a place near X, rather
    /// than of X's countryside.
    close: Option<usize>,
}

impl Bearing {
    /// The distance to `place`, in degrees of latitude.
    fn distance_to(&self, place: &Place) -> f64 {
        degrees_from(self.lat, self.lon, place)
    }

    /// Whether `place` lies that way, within 60 degrees, and not at the place itself.
    fn points_at(&self, place: &Place) -> bool {
        let north = place.lat - self.lat;
        let east = (place.lon - self.lon) * self.lat.to_radians().cos();
        let distance = self.distance_to(place);
        let length = (self.north * self.north + self.east * self.east).sqrt();
        distance > 0.03 && (north * self.north + east * self.east) / (distance * length) >= 0.5
    }
}

/// How far, in degrees of latitude (about 110 km each), a place said to be "north of X" may
/// lie from X.
const FAR_FROM_LANDMARK: f64 = 0.5;

/// How far, in degrees of latitude (about 17 km), a part of a city may lie from its centre.
const PART_OF_A_CITY: f64 = 0.15;

/// How near, in degrees of latitude (about 33 km), a namesake must lie to another place the
/// text names to be the likelier reading.
const NEAR_ANOTHER_PLACE: f64 = 0.3;

/// How much likelier: a little less than a reading spelt as written (3).
const NEAR_ANOTHER_PLACE_WEIGHT: f64 = 2.5;

/// How much lying in the sub-district a village is said to lie in counts for a reading: more
/// than being named as written.
const IN_NAMED_SUBDISTRICT_WEIGHT: f64 = 4.0;

/// How much a reading in a governorate where every named group fights counts: a nudge between
/// namesakes, less than anything the text says of the place.
const ON_A_FRONT_WEIGHT: f64 = 1.0;

/// How many tokens after a village its sub-district may be named ("Dehlan, Birsan and Erier
/// villages in Jurneyyeh sub-district").
const SUBDISTRICT_REACH: usize = 10;

/// How far out of a city, in degrees of latitude (about 20 km), a countryside named by its
/// direction ("the eastern countryside of Hama") is placed when no village is named.
const COUNTRYSIDE_OFFSET: f64 = 0.18;

/// How far, in degrees of latitude (about 11 km), a village may lie over a governorate's
/// border when the text puts it in that governorate ("Shatib village in Hama countryside", just
/// inside Idleb).
const BORDER_MARGIN: f64 = 0.1;

/// A place mention resolved to its best reading.
struct Resolved {
    /// Inside the governorates the text names (or none is named).
    fits: bool,
    /// A village, town or neighbourhood that fits, not a region or part of an unknown name.
    specific: bool,
    /// A village, town or neighbourhood that fits, named as a site's namesake ("Qaryatein
    /// dam").
    near_a_site: bool,
    /// Matched the name as written, not only its consonants.
    as_written: bool,
    /// Part of a longer name the gazetteer lacks.
    fragment: bool,
    /// How fine a region it is when not specific: 0 a governorate (or its city standing for
    /// it), 1 a district, 2 a sub-district, 3 anything finer.
    level: u8,
    /// The mention it resolves.
    mention: usize,
    field: Field<Location>,
}

/// Inputs longer than this are cut (at a character boundary): a report is not a book.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

impl<'a> Extractor<'a> {
    /// An extractor over `gazetteer`.
    pub fn new(gazetteer: &'a Gazetteer) -> Self {
        Extractor { gazetteer }
    }

    /// Extracts a draft from `text`, with `reference` the day the report was received.
    pub fn extract(&self, text: &str, reference: NaiveDate) -> Draft {
        let mut cut = text.len().min(MAX_TEXT_BYTES);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = &text[..cut];
        let tokens = text::tokenize(text);

        let date = dates::find(&tokens, text, reference);
        let (date_field, time_precision) = match &date {
            Some(found) => (
                Field {
                    value: found.date.to_string(),
                    evidence: evidence(text, &tokens, found.first, found.last),
                    confidence: found.confidence,
                },
                found.precision,
            ),
            // Nothing said: the day the report came in, with little confidence.
            None => (
                Field {
                    value: reference.to_string(),
                    evidence: None,
                    confidence: 0.3,
                },
                1,
            ),
        };

        let words = text::words(&tokens);
        let actor_mentions = actors::find_in(&tokens, &words);
        let mut taken = vec![false; tokens.len()];
        for mention in &actor_mentions {
            for slot in &mut taken[mention.first..mention.last] {
                *slot = true;
            }
        }
        if let Some(found) = &date {
            for slot in &mut taken[found.first..found.last] {
                *slot = true;
            }
        }
        take_group_names(&tokens, &mut taken);
        let actors = self.actor_roles(text, &tokens, &actor_mentions);

        let mut actors = actors;
        let cue_words = events::CueWords::of(&tokens);
        let cued_sub_event = events::sub_event(&tokens, &cue_words);
        let battle = cued_sub_event
            .as_ref()
            .is_none_or(|c| events::is_territory(c) || c.value == "Armed clash");
        if battle {
            order_battle_parties(&mut actors);
        }
        let sub_event = cued_sub_event.map(|cued| {
            let value = if events::is_territory(&cued) {
                let taker = the_taker(&actors, &actor_mentions, cued.first);
                let government = taker
                    .and_then(|i| actors[i].actor.as_deref())
                    .is_some_and(|id| {
                        matches!(id, "gos" | "ndf" | "hezbollah" | "iran" | "russia")
                    });
                if government {
                    "Government regains territory"
                } else {
                    "Non-state actor overtakes territory"
                }
            } else {
                cued.value
            };
            Field {
                value: value.to_owned(),
                evidence: evidence(text, &tokens, cued.first, cued.last),
                confidence: 0.7,
            }
        });
        // One armed party (or an unnamed one) acting on civilians, by a killing, a shooting or
        // an assault, and no clash named: an attack on civilians rather than a clash.
        let armed_parties = actors
            .iter()
            .filter(|a| a.actor.as_deref() != Some("civilians"))
            .count();
        let civilians_targeted = actors
            .iter()
            .any(|a| a.role == "actor2" && a.actor.as_deref() == Some("civilians"));
        let only_an_attack_said = sub_event.as_ref().is_none_or(|s| {
            s.value == "Armed clash"
                && s.evidence.as_ref().is_some_and(|e| {
                    matches!(e.text.to_lowercase().as_str(), "attack" | "attacked")
                })
        });
        let sub_event = if civilians_targeted && armed_parties <= 1 && only_an_attack_said {
            events::attack(&tokens, &cue_words)
                .map(|cued| Field {
                    value: cued.value.to_owned(),
                    evidence: evidence(text, &tokens, cued.first, cued.last),
                    confidence: 0.6,
                })
                .or(sub_event)
        } else {
            sub_event
        };
        // Two armed parties on opposite sides and no other cue: a clash.
        let sub_event = sub_event.or_else(|| {
            let parties = actors.iter().filter(|a| a.role != "associated").count();
            let armed = actors
                .iter()
                .all(|a| a.actor.as_deref() != Some("civilians"));
            (parties == 2 && armed).then(|| Field {
                value: "Armed clash".to_owned(),
                evidence: None,
                confidence: 0.4,
            })
        });
        // A fighter shot, sniped or assassinated, with no civilians among the victims: ACLED
        // codes violence between armed men as a clash.
        let sub_event = sub_event.or_else(|| {
            let civilians = actors
                .iter()
                .any(|a| a.actor.as_deref() == Some("civilians"));
            if civilians || !events::names_combatants(&tokens) {
                return None;
            }
            events::attack(&tokens, &cue_words).map(|cued| Field {
                value: "Armed clash".to_owned(),
                evidence: evidence(text, &tokens, cued.first, cued.last),
                confidence: 0.4,
            })
        });
        if sub_event.as_ref().is_some_and(|s| s.value == "Armed clash") {
            clash_order(&mut actors);
        }
        set_stances(text, &tokens, &actor_mentions, &mut actors);
        civilians_are_acted_on(&mut actors);
        let event_type = sub_event.as_ref().map(|sub| Field {
            value: events::event_type_of(&sub.value).to_owned(),
            evidence: sub.evidence.clone(),
            confidence: sub.confidence,
        });
        let weapon = events::weapon(&tokens, &cue_words).map(|cued| Field {
            value: cued.value.to_owned(),
            evidence: evidence(text, &tokens, cued.first, cued.last),
            confidence: 0.7,
        });
        let fatalities =
            events::killed(text, &tokens, date.as_ref().map(|d| d.first..d.last)).map(|k| Field {
                value: Fatalities {
                    killed_min: k.min,
                    killed_max: k.max,
                    civilian: k.civilian,
                },
                evidence: evidence(text, &tokens, k.first, k.last),
                confidence: 0.7,
            });

        // Where each group named fights, once per group.
        let mut fronts: Vec<&[&str]> = Vec::new();
        for front in actors
            .iter()
            .filter_map(|a| a.actor.as_deref())
            .map(actors::where_it_fights)
            .filter(|front| !front.is_empty())
        {
            if !fronts.contains(&front) {
                fronts.push(front);
            }
        }
        let (location, other_places) = self.places(text, &tokens, &words, &taken, &fronts);
        let part_of_day = day_parts::find(&tokens).map(|found| Field {
            value: found.part.to_owned(),
            evidence: evidence(text, &tokens, found.first, found.last),
            confidence: 0.8,
        });
        Draft {
            date: Some(date_field),
            time_precision,
            part_of_day,
            location,
            other_places,
            actors,
            event_type,
            sub_event_type: sub_event,
            weapon,
            fatalities,
        }
    }

    /// Actor 1 is the first named; actor 2 the first after it on another side (or, between
    /// jihadist groups, another group); the rest are associated.
    fn actor_roles(
        &self,
        text: &str,
        tokens: &[Token],
        mentions: &[actors::ActorMention],
    ) -> Vec<ActorDraft> {
        let side = |actor: Option<&str>| -> &'static str {
            match actor {
                Some("gos" | "ndf" | "hezbollah" | "iran" | "russia") => "government",
                Some(
                    "opposition" | "fsa" | "jaysh_al_islam" | "ahrar_al_sham" | "faylaq_al_sham"
                    | "southern_front",
                ) => "opposition",
                Some("sdf" | "ypg") => "kurdish",
                Some("coalition") => "coalition",
                Some("turkey") => "turkey",
                Some("civilians") => "civilian",
                Some("isil") => "isil",
                Some("nusra") => "nusra",
                _ => "unidentified",
            }
        };
        // The sentence's two camps: the actors before the first "with"/"against" (or the "and"
        // of "between X and Y") and those after it.
        let divider = mentions.first().and_then(|first| {
            let between = tokens[..first.first]
                .iter()
                .any(|t| matches!(t.folded.as_str(), "between" | "بين"));
            (first.last..tokens.len()).find(|&i| {
                let word = tokens[i].folded.as_str();
                matches!(word, "with" | "against" | "versus" | "vs" | "ضد" | "مع")
                    || (between && matches!(word, "and" | "و"))
            })
        });
        let camp = |mention: &actors::ActorMention| match divider {
            Some(at) if mention.first > at => 2,
            Some(_) => 1,
            None => 0,
        };
        let has_second_camp = mentions.iter().any(|m| camp(m) == 2);
        let mut drafts: Vec<ActorDraft> = Vec::new();
        let mut first_side = None;
        let mut have_second = false;
        for mention in mentions {
            let Some(evidence) = evidence(text, tokens, mention.first, mention.last) else {
                continue;
            };
            let actor = mention.actor.map(str::to_owned);
            if drafts.iter().any(|d| d.actor.is_some() && d.actor == actor) {
                continue;
            }
            let this_side = side(mention.actor);
            let in_other_camp = !has_second_camp || camp(mention) == 2;
            // Civilians are the ones acted on, never the actor: they take the second place
            // once the armed parties have theirs, when it is still free (below).
            let role = match first_side {
                _ if this_side == "civilian" => "associated",
                None => {
                    first_side = Some(this_side);
                    "actor1"
                }
                Some(first)
                    if !have_second
                        && in_other_camp
                        && first != this_side
                        && this_side != "civilian" =>
                {
                    have_second = true;
                    "actor2"
                }
                Some(_) => "associated",
            };
            drafts.push(ActorDraft {
                text: evidence.text.clone(),
                actor,
                role,
                stance: None,
                evidence,
            });
        }
        if !have_second
            && let Some(civilians) = drafts
                .iter_mut()
                .find(|d| side(d.actor.as_deref()) == "civilian")
        {
            civilians.role = "actor2";
        }
        drafts
    }

    /// The place of the event and the others named. Governorates named in the text narrow
    /// ambiguous names; the event's place is the first specific place named.
    fn places(
        &self,
        text: &str,
        tokens: &[Token],
        words: &[text::Word],
        taken: &[bool],
        fronts: &[&[&str]],
    ) -> (Option<Field<Location>>, Vec<Field<Location>>) {
        let mentions = self.gazetteer.mentions_in(tokens, words, taken);
        // Admin context: governorates that the text names, and the governorate of any place
        // whose every reading lies in one governorate. A name said to be a province ("Ar-Raqqa
        // province", "the countryside of Hama") outranks one that may be a town ("Sweida").
        // "Deir-ez-Zor city" sets the context as firmly as its governorate would: a quarter
        // named beside it lies in it.
        let called_a_city = |mention: &gazetteer::Mention| {
            let last = &tokens[mention.last - 1];
            let next = tokens.get(mention.last);
            [Some(last), next]
                .into_iter()
                .flatten()
                .any(|t| CITY_WORDS.contains(&t.folded.as_str()))
        };
        let governorate_of = |mention: &gazetteer::Mention| {
            let places = || mention.candidates.iter().map(|&i| self.gazetteer.place(i));
            places()
                .find(|p| p.kind == PlaceKind::Governorate)
                .or_else(|| {
                    let first = places().next()?;
                    (called_a_city(mention)
                        && matches!(first.kind, PlaceKind::Town | PlaceKind::Community)
                        && places().all(|p| p.admin1 == first.admin1))
                    .then_some(first)
                })
                .map(|p| p.admin1.as_str())
        };
        // "Hama province", "the countryside of Hama", "ريف حلب"; but in "Hama governorate near
        // Suran" the word belongs to Hama, not to Suran.
        let said_to_be_a_province = |mention: &gazetteer::Mention| {
            let is_province_word = |i: usize| PROVINCE_WORDS.contains(&tokens[i].folded.as_str());
            let mut start = mention.first;
            if start > 0 && text::is_article(&tokens[start - 1].folded) {
                start -= 1;
            }
            (mention.last < tokens.len() && is_province_word(mention.last))
                || (start >= 1 && tokens[start - 1].arabic && is_province_word(start - 1))
                || (start >= 2 && tokens[start - 1].folded == "of" && is_province_word(start - 2))
        };
        // "Salamiyeh countryside": a district's countryside lies in the district's governorate.
        let governorate_of_region = |mention: &gazetteer::Mention| {
            governorate_of(mention).or_else(|| {
                mention.candidates[..mention.exact.max(1).min(mention.candidates.len())]
                    .iter()
                    .map(|&i| self.gazetteer.place(i))
                    .find(|p| matches!(p.kind, PlaceKind::District | PlaceKind::Subdistrict))
                    .map(|p| p.admin1.as_str())
            })
        };
        // "Madiq Castle sub-district", "Oqeirbat subdistrict", "ناحية عقيربات": the sub-district
        // a mention is said to be.
        let said_to_be_a_subdistrict = |mention: &gazetteer::Mention| {
            let word = |i: usize| tokens.get(i).map(|t| t.folded.as_str());
            let says = SUBDISTRICT_WORDS.contains(&tokens[mention.last - 1].folded.as_str())
                || word(mention.last).is_some_and(|w| SUBDISTRICT_WORDS.contains(&w))
                || (word(mention.last) == Some("sub")
                    && word(mention.last + 1) == Some("district"))
                || (mention.first >= 1
                    && tokens[mention.first - 1].arabic
                    && SUBDISTRICT_WORDS.contains(&tokens[mention.first - 1].folded.as_str()));
            says.then(|| {
                mention
                    .candidates
                    .iter()
                    .map(|&i| self.gazetteer.place(i))
                    .find(|p| p.kind == PlaceKind::Subdistrict)
            })
            .flatten()
        };
        let subdistricts: Vec<(usize, &Place)> = mentions
            .iter()
            .enumerate()
            .filter_map(|(index, m)| Some((index, said_to_be_a_subdistrict(m)?)))
            .collect();
        let provinces: Vec<&str> = mentions
            .iter()
            .filter(|m| said_to_be_a_province(m))
            .filter_map(governorate_of_region)
            .chain(subdistricts.iter().map(|(_, p)| p.admin1.as_str()))
            .collect();
        let mut context: Vec<&str> = if provinces.is_empty() {
            mentions.iter().filter_map(governorate_of).collect()
        } else {
            provinces
        };
        // Damascus city lies inside Rural Damascus: naming one makes both likely.
        if context.contains(&"SY01") && !context.contains(&"SY03") {
            context.push("SY03");
        } else if context.contains(&"SY03") && !context.contains(&"SY01") {
            context.push("SY01");
        }
        // The governorate of a place that can lie in one only (reading its name as written, when
        // the gazetteer has it so). When the text names governorates, only places that several
        // sources agree on add theirs ("Jisr al-Shughur, on the Aleppo-Lattakia highway").
        let named_governorates = !context.is_empty();
        for mention in &mentions {
            let readings = if mention.exact > 0 {
                &mention.candidates[..mention.exact]
            } else {
                &mention.candidates[..]
            };
            if named_governorates && (mention.exact < 2 || readings.len() < 2) {
                continue;
            }
            let mut governorates = readings
                .iter()
                .map(|&i| self.gazetteer.place(i).admin1.as_str());
            if let Some(first) = governorates.next()
                && governorates.all(|g| g == first)
                && !context.contains(&first)
            {
                context.push(first);
            }
        }
        let bearings = self.bearings(tokens, &mentions);
        // Places the text names that can lie in one spot only ("Qalamoun", a town with no
        // namesake): a namesake of another name near one of them is likelier than one far off.
        let anchors: Vec<(usize, f64, f64)> = mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| !self.names_a_governorate(m))
            .filter_map(|(index, m)| {
                let readings = if m.exact > 0 {
                    &m.candidates[..m.exact]
                } else {
                    &m.candidates[..]
                };
                let first = self.gazetteer.place(*readings.first()?);
                readings
                    .iter()
                    .map(|&i| self.gazetteer.place(i))
                    .all(|p| same_spot(p, first))
                    .then_some((index, first.lat, first.lon))
            })
            .collect();
        let near_another_place = |index: usize, place: &Place| {
            let near_one = anchors
                .iter()
                .filter(|(other, _, _)| *other != index)
                .any(|&(_, lat, lon)| degrees_from(lat, lon, place) < NEAR_ANOTHER_PLACE);
            if near_one {
                NEAR_ANOTHER_PLACE_WEIGHT
            } else {
                0.0
            }
        };
        // "Ras al-Ain in Madiq Castle sub-district": the first sub-district named after a
        // village, in its sentence, is the one it lies in.
        let its_subdistrict = |index: usize| {
            let mention = &mentions[index];
            subdistricts
                .iter()
                .find(|(other, _)| {
                    *other > index
                        && mentions[*other].first <= mention.last + SUBDISTRICT_REACH
                        && !tokens[mention.last..mentions[*other].first]
                            .iter()
                            .any(|t| t.after_break)
                })
                .map(|(_, p)| *p)
        };
        // "Fighting spread across Raqqa city, and IS retook the Sinaa area of the city": "the
        // city" is the last one named before, and a reading far from it is a namesake.
        let far_from_the_city_named_before = |index: usize, place: &Place| {
            let mention = &mentions[index];
            let after = &tokens[mention.last..(mention.last + 4).min(tokens.len())];
            let Some(city_word) = after
                .iter()
                .position(|t| CITY_WORDS.contains(&t.folded.as_str()))
            else {
                return false;
            };
            let links = &after[..city_word];
            let the_city = !links.is_empty()
                && links.iter().all(|t| {
                    PART_OF_WORDS.contains(&t.folded.as_str()) || text::is_article(&t.folded)
                })
                && mentions
                    .get(index + 1)
                    .is_none_or(|next| next.first > mention.last + city_word + 1);
            the_city
                && mentions[..index]
                    .iter()
                    .rev()
                    .find(|m| m.exact > 0 && called_a_city(m))
                    .and_then(|m| m.candidates.first())
                    .map(|&i| self.gazetteer.place(i))
                    .is_some_and(|city| degrees_from(city.lat, city.lon, place) > PART_OF_A_CITY)
        };
        let mut resolved: Vec<Resolved> = Vec::new();
        for (index, mention) in mentions.iter().enumerate() {
            let subdistrict = its_subdistrict(index);
            let in_subdistrict = |place: &Place| {
                subdistrict.is_some_and(|sub| place.admin3.as_deref() == Some(sub.pcode.as_str()))
            };
            // How likely a reading is; each candidate's weight is worked out once.
            let weight = |rank: usize, place: &Place| {
                // The name as written outweighs any kind of place that only sounds like it.
                let exact = if rank < mention.exact { 3.0 } else { 0.0 };
                // A name that several sources place at the same spot (a town that is also a
                // sub-district) is the better-known place of that name. Sound-alikes lend no
                // support to a reading as written.
                let supporters = if rank < mention.exact {
                    &mention.candidates[..mention.exact]
                } else {
                    &mention.candidates[..]
                };
                let support = supporters
                    .iter()
                    .map(|&i| self.gazetteer.place(i))
                    .filter(|other| same_spot(other, place))
                    .count() as f64
                    * 0.5;
                // "Qita in the eastern countryside of Aleppo": the namesake east of Aleppo.
                let near = |b: &Bearing| {
                    if b.distance_to(place) <= 0.55 {
                        1.5
                    } else {
                        1.0
                    }
                };
                let lies = bearings
                    .iter()
                    .filter(|b| b.mention != index && b.points_at(place))
                    .map(near)
                    .fold(0.0, f64::max);
                // A group that fights in few governorates ("the SDF in Diriyah") makes a
                // namesake in them likelier; where all the groups named fight, likelier still.
                // A front may be a district or sub-district: its P-code begins the reading's.
                // Any governorate the text names counts for far more.
                let on_a_front = if fronts.is_empty() {
                    0.0
                } else {
                    let finest = place
                        .admin3
                        .as_deref()
                        .or(place.admin2.as_deref())
                        .unwrap_or(&place.admin1);
                    let fighting_there = fronts
                        .iter()
                        .filter(|front| front.iter().any(|unit| finest.starts_with(unit)))
                        .count();
                    ON_A_FRONT_WEIGHT * fighting_there as f64 / fronts.len() as f64
                };
                let named_subdistrict = if in_subdistrict(place) {
                    IN_NAMED_SUBDISTRICT_WEIGHT
                } else {
                    0.0
                };
                // Ties go to the reading listed first.
                let order = -0.001 * rank as f64;
                self.score(place, &context)
                    + exact
                    + support
                    + lies
                    + near_another_place(index, place)
                    + named_subdistrict
                    + on_a_front
                    + order
            };
            let Some((rank, best, _)) = mention
                .candidates
                .iter()
                .enumerate()
                .map(|(rank, &i)| {
                    let place = self.gazetteer.place(i);
                    (rank, place, weight(rank, place))
                })
                .max_by(|(_, _, a), (_, _, b)| a.total_cmp(b))
            else {
                continue;
            };
            // "near X", "east of X", "X countryside" (but not "X in eastern Ghouta").
            let near = tokens[mention.first.saturating_sub(3)..mention.first]
                .iter()
                .any(|t| NEAR_WORDS.contains(&t.folded.as_str()))
                || tokens[mention.last..(mention.last + 2).min(tokens.len())]
                    .iter()
                    .any(|t| NEAR_AFTER_WORDS.contains(&t.folded.as_str()));
            let geo_precision = match best.kind {
                PlaceKind::Governorate | PlaceKind::District => 3,
                PlaceKind::Subdistrict => 2,
                _ if near => 2,
                _ => 1,
            };
            let ambiguous = mention.candidates.len() > 1;
            let confidence = match (rank < mention.exact, ambiguous) {
                (true, false) => 0.85,
                (true, true) => 0.6,
                (false, false) => 0.55,
                (false, true) => 0.4,
            };
            // "Abu Laffah village", "the village of Abu Laffah".
            let called_a_village = tokens
                .get(mention.last)
                .is_some_and(|t| matches!(t.folded.as_str(), "village" | "town"))
                || (mention.first >= 2
                    && tokens[mention.first - 1].folded == "of"
                    && matches!(
                        tokens[mention.first - 2].folded.as_str(),
                        "village" | "town"
                    ));
            // A place outside every governorate the text names is probably a namesake, unless
            // it lies just over the border and is named as written or called a village.
            let fits = context.is_empty()
                || context.contains(&best.admin1.as_str())
                || ((rank < mention.exact || called_a_village)
                    && matches!(best.kind, PlaceKind::Town | PlaceKind::Community)
                    && mention
                        .candidates
                        .iter()
                        .all(|&i| !context.contains(&self.gazetteer.place(i).admin1.as_str()))
                    && context.iter().any(|g| {
                        self.gazetteer.degrees_to_governorate(best.lat, best.lon, g) < BORDER_MARGIN
                    }));
            // A city that gives its name to a governorate ("northern Hama", "Aleppo
            // countryside") usually stands for the region; a village named beside it is the place.
            let names_a_governorate = self.names_a_governorate(mention);
            // "Hayyan fields", "Baath dam": a site named after a place, not the place.
            let names_a_site = tokens
                .get(mention.last)
                .is_some_and(|t| SITE_WORDS.contains(&t.folded.as_str()));
            // "Jadeen south east of Tabqa", where the only Jadeen is in Idleb: a reading far from
            // the place it is said to be near is a namesake of some village the gazetteer lacks.
            let far_from_its_landmark = bearings.iter().any(|b| {
                b.close.is_some_and(|start| {
                    (mention.last..=mention.last + 2).contains(&start)
                        && b.distance_to(best) > FAR_FROM_LANDMARK
                })
            });
            // "Sina'a of Ar-Raqqa city", "the Sinaa area in Raqqa city": a part of the city
            // named just before it lies in it, so a reading far from it is a namesake.
            let far_from_its_city = mentions[index + 1..]
                .iter()
                .take_while(|m| {
                    m.first <= mention.last + 4
                        && tokens[mention.last..m.first].iter().all(|t| {
                            PART_OF_WORDS.contains(&t.folded.as_str())
                                || text::is_article(&t.folded)
                        })
                })
                .filter(|m| m.exact > 0 && called_a_city(m))
                .filter_map(|m| m.candidates.first())
                .map(|&i| self.gazetteer.place(i))
                .any(|city| degrees_from(city.lat, city.lon, best) > PART_OF_A_CITY)
                || far_from_the_city_named_before(index, best);
            // A village outside the sub-district it is said to lie in is a namesake; but
            // reports call a district a sub-district too, so one in the same district is not.
            let outside_its_subdistrict = subdistrict.is_some_and(|sub| {
                best.kind > PlaceKind::Subdistrict
                    && !in_subdistrict(best)
                    && best.admin2 != sub.admin2
            });
            let inside_unknown_name = part_of_unknown_name(text, tokens, taken, &mentions, mention);
            // "Sghireh" in "Fikha Sghireh", "Amin" in "the Amin neighbourhood of Raqqa": a
            // known word inside a name the gazetteer lacks is no better than a fallback; nor is
            // a site's namesake, or a reading far from its landmark.
            let fragment = inside_unknown_name
                || (best.kind != PlaceKind::Neighbourhood
                    && tokens
                        .get(mention.last)
                        .is_some_and(|t| NEIGHBOURHOOD_WORDS.contains(&t.folded.as_str())))
                || names_a_site
                || far_from_its_landmark
                || far_from_its_city
                || outside_its_subdistrict;
            let settlement = best.kind > PlaceKind::Subdistrict && fits && !names_a_governorate;
            let specific = settlement && !fragment;
            // The site is near its place, which is closer to it than any region. A road leads
            // away from its places ("the Ithriyah-Khanaser road"), so it is left out.
            let near_a_site = settlement
                && names_a_site
                && !tokens
                    .get(mention.last)
                    .is_some_and(|t| ROUTE_WORDS.contains(&t.folded.as_str()))
                && !inside_unknown_name
                && !far_from_its_landmark;
            let Some(evidence) = evidence(text, tokens, mention.first, mention.last) else {
                continue;
            };
            resolved.push(Resolved {
                mention: index,
                fits,
                specific,
                near_a_site,
                as_written: rank < mention.exact,
                fragment,
                level: match best.kind {
                    _ if names_a_governorate => 0,
                    PlaceKind::Governorate => 0,
                    PlaceKind::District => 1,
                    PlaceKind::Subdistrict => 2,
                    _ => 3,
                },
                field: Field {
                    value: Location::at(best, geo_precision),
                    evidence: Some(evidence),
                    confidence,
                },
            });
        }
        // The first specific place that fits the governorates named, spelt as the gazetteer
        // spells it, or else only sounding alike; else the first place that fits (a
        // governorate, say), whole names before fragments; else the first place.
        let main = resolved
            .iter()
            .position(|r| r.specific && r.as_written)
            .or_else(|| resolved.iter().position(|r| r.specific))
            .or_else(|| resolved.iter().position(|r| r.near_a_site))
            .or_else(|| {
                // The finest region: "Shadadah district" over "the countryside of Hasakeh".
                let whole = resolved.iter().filter(|r| r.fits && !r.fragment);
                let finest = whole.map(|r| r.level).max()?;
                resolved
                    .iter()
                    .position(|r| r.fits && !r.fragment && r.level == finest)
            })
            .or_else(|| resolved.iter().position(|r| r.fits))
            .or(if resolved.is_empty() { None } else { Some(0) });
        let mut others = Vec::new();
        let mut location = None;
        for (index, r) in resolved.into_iter().enumerate() {
            if Some(index) == main {
                let mut field = r.field;
                // "The eastern countryside of Hama" with no village named: a point a little
                // way out of the city that way, still within reach of the city itself, where
                // ACLED codes many such reports.
                let bearing = bearings.iter().find(|b| b.mention == r.mention);
                if r.level == 0
                    && let Some(b) = bearing
                {
                    let length = (b.north * b.north + b.east * b.east).sqrt();
                    field.value.lat += COUNTRYSIDE_OFFSET * b.north / length;
                    field.value.lon +=
                        COUNTRYSIDE_OFFSET * b.east / length / field.value.lat.to_radians().cos();
                }
                location = Some(field);
            } else {
                others.push(r.field);
            }
        }
        (location, others)
    }

    /// The directions the text gives from places: "eastern countryside of Aleppo", "Hama north
    /// eastern countryside", "east of Salamiyeh".
    fn bearings(&self, tokens: &[Token], mentions: &[gazetteer::Mention]) -> Vec<Bearing> {
        let direction_at = |i: usize| direction(&tokens[i].folded);
        let mut bearings = Vec::new();
        for (index, mention) in mentions.iter().enumerate() {
            // Directions just before the name (through "countryside of", "of the") or just after.
            let before = (mention.first.saturating_sub(4)..mention.first).filter_map(direction_at);
            let after =
                (mention.last..(mention.last + 3).min(tokens.len())).filter_map(direction_at);
            let (mut north, mut east) = (0.0, 0.0);
            for (n, e) in before.chain(after) {
                north += n;
                east += e;
            }
            if north == 0.0 && east == 0.0 {
                continue;
            }
            // From the place the name stands for: a governorate's seat, or the likeliest reading.
            let Some(from) = mention
                .candidates
                .iter()
                .map(|&i| self.gazetteer.place(i))
                .min_by_key(|p| p.kind)
            else {
                continue;
            };
            // "north of Raqqa" (through an article, or "شمال الرقة") rather than "the northern
            // countryside of Raqqa": where the direction starts.
            let mut name_start = mention.first;
            if name_start > 0 && text::is_article(&tokens[name_start - 1].folded) {
                name_start -= 1;
            }
            let close = if name_start >= 2
                && tokens[name_start - 1].folded == "of"
                && direction_at(name_start - 2).is_some()
            {
                Some(name_start - 2)
            } else if name_start >= 1
                && tokens[name_start - 1].arabic
                && direction_at(name_start - 1).is_some()
            {
                Some(name_start - 1)
            } else {
                None
            };
            // "east of Aleppo" may mean far out in the governorate: only a town or village
            // the text steers by says the place is near it.
            let names_a_governorate = self.names_a_governorate(mention);
            // "south east of": the phrase starts at its first direction word.
            let close = close.filter(|_| !names_a_governorate).map(|mut start| {
                while start > 0 && direction_at(start - 1).is_some() {
                    start -= 1;
                }
                start
            });
            bearings.push(Bearing {
                mention: index,
                lat: from.lat,
                lon: from.lon,
                north,
                east,
                close,
            });
        }
        bearings
    }

    /// Whether a mention may name a governorate ("Hama" is the city and the governorate).
    fn names_a_governorate(&self, mention: &gazetteer::Mention) -> bool {
        mention
            .candidates
            .iter()
            .any(|&i| self.gazetteer.place(i).kind == PlaceKind::Governorate)
    }

    /// How well a candidate fits: inside a governorate the text names, then the more specific
    /// and better-known kinds of place.
    fn score(&self, place: &Place, context: &[&str]) -> f64 {
        let in_context = if context.is_empty() {
            0.0
        } else if context.contains(&place.admin1.as_str()) {
            10.0
        } else {
            -10.0
        };
        let kind = match place.kind {
            PlaceKind::Town => 3.0,
            PlaceKind::Community => 2.5,
            PlaceKind::Governorate => 2.0,
            PlaceKind::Neighbourhood => 1.5,
            PlaceKind::Subdistrict => 1.0,
            PlaceKind::District => 0.5,
        };
        in_context + kind
    }
}
