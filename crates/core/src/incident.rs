//! Incidents as reported: when, where, who against whom, what, and how sure we are.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::ActorId;

/// ACLED's event types, plus one Truce extension for humanitarian access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    /// Armed clashes and territorial changes.
    #[serde(rename = "Battles")]
    Battles,
    /// Air strikes, shelling, explosives.
    #[serde(rename = "Explosions/Remote violence")]
    ExplosionsRemoteViolence,
    /// Attacks on civilians.
    #[serde(rename = "Violence against civilians")]
    ViolenceAgainstCivilians,
    /// Protests.
    #[serde(rename = "Protests")]
    Protests,
    /// Riots.
    #[serde(rename = "Riots")]
    Riots,
    /// Non-violent developments.
    #[serde(rename = "Strategic developments")]
    StrategicDevelopments,
    /// Denial or obstruction of humanitarian access (Truce extension; not an ACLED type).
    #[serde(rename = "Humanitarian access")]
    HumanitarianAccess,
}

/// ACLED's sub-event types, plus Truce's access extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the names are ACLED's own")]
pub enum SubEventType {
    #[serde(rename = "Armed clash")]
    ArmedClash,
    #[serde(rename = "Government regains territory")]
    GovernmentRegainsTerritory,
    #[serde(rename = "Non-state actor overtakes territory")]
    NonStateActorOvertakesTerritory,
    #[serde(rename = "Chemical weapon")]
    ChemicalWeapon,
    #[serde(rename = "Air/drone strike")]
    AirDroneStrike,
    #[serde(rename = "Suicide bomb")]
    SuicideBomb,
    #[serde(rename = "Shelling/artillery/missile attack")]
    ShellingArtilleryMissileAttack,
    #[serde(rename = "Remote explosive/landmine/IED")]
    RemoteExplosiveLandmineIed,
    #[serde(rename = "Grenade")]
    Grenade,
    #[serde(rename = "Sexual violence")]
    SexualViolence,
    #[serde(rename = "Attack")]
    Attack,
    #[serde(rename = "Abduction/forced disappearance")]
    AbductionForcedDisappearance,
    #[serde(rename = "Peaceful protest")]
    PeacefulProtest,
    #[serde(rename = "Protest with intervention")]
    ProtestWithIntervention,
    #[serde(rename = "Excessive force against protesters")]
    ExcessiveForceAgainstProtesters,
    #[serde(rename = "Violent demonstration")]
    ViolentDemonstration,
    #[serde(rename = "Mob violence")]
    MobViolence,
    #[serde(rename = "Agreement")]
    Agreement,
    #[serde(rename = "Arrests")]
    Arrests,
    #[serde(rename = "Change to group/activity")]
    ChangeToGroupActivity,
    #[serde(rename = "Disrupted weapons use")]
    DisruptedWeaponsUse,
    #[serde(rename = "Headquarters or base established")]
    HeadquartersOrBaseEstablished,
    #[serde(rename = "Looting/property destruction")]
    LootingPropertyDestruction,
    #[serde(rename = "Non-violent transfer of territory")]
    NonViolentTransferOfTerritory,
    #[serde(rename = "Other")]
    Other,
    /// Truce extension: convoy or aid blocked, delayed, or items removed.
    #[serde(rename = "Aid obstruction")]
    AidObstruction,
    /// Truce extension: attack on a convoy, aid workers or aid stores.
    #[serde(rename = "Attack on aid")]
    AttackOnAid,
}

const SUB_EVENTS: [(SubEventType, &str, EventType); 27] = {
    use EventType as E;
    use SubEventType as S;
    [
        (S::ArmedClash, "Armed clash", E::Battles),
        (
            S::GovernmentRegainsTerritory,
            "Government regains territory",
            E::Battles,
        ),
        (
            S::NonStateActorOvertakesTerritory,
            "Non-state actor overtakes territory",
            E::Battles,
        ),
        (
            S::ChemicalWeapon,
            "Chemical weapon",
            E::ExplosionsRemoteViolence,
        ),
        (
            S::AirDroneStrike,
            "Air/drone strike",
            E::ExplosionsRemoteViolence,
        ),
        (S::SuicideBomb, "Suicide bomb", E::ExplosionsRemoteViolence),
        (
            S::ShellingArtilleryMissileAttack,
            "Shelling/artillery/missile attack",
            E::ExplosionsRemoteViolence,
        ),
        (
            S::RemoteExplosiveLandmineIed,
            "Remote explosive/landmine/IED",
            E::ExplosionsRemoteViolence,
        ),
        (S::Grenade, "Grenade", E::ExplosionsRemoteViolence),
        (
            S::SexualViolence,
            "Sexual violence",
            E::ViolenceAgainstCivilians,
        ),
        (S::Attack, "Attack", E::ViolenceAgainstCivilians),
        (
            S::AbductionForcedDisappearance,
            "Abduction/forced disappearance",
            E::ViolenceAgainstCivilians,
        ),
        (S::PeacefulProtest, "Peaceful protest", E::Protests),
        (
            S::ProtestWithIntervention,
            "Protest with intervention",
            E::Protests,
        ),
        (
            S::ExcessiveForceAgainstProtesters,
            "Excessive force against protesters",
            E::Protests,
        ),
        (S::ViolentDemonstration, "Violent demonstration", E::Riots),
        (S::MobViolence, "Mob violence", E::Riots),
        (S::Agreement, "Agreement", E::StrategicDevelopments),
        (S::Arrests, "Arrests", E::StrategicDevelopments),
        (
            S::ChangeToGroupActivity,
            "Change to group/activity",
            E::StrategicDevelopments,
        ),
        (
            S::DisruptedWeaponsUse,
            "Disrupted weapons use",
            E::StrategicDevelopments,
        ),
        (
            S::HeadquartersOrBaseEstablished,
            "Headquarters or base established",
            E::StrategicDevelopments,
        ),
        (
            S::LootingPropertyDestruction,
            "Looting/property destruction",
            E::StrategicDevelopments,
        ),
        (
            S::NonViolentTransferOfTerritory,
            "Non-violent transfer of territory",
            E::StrategicDevelopments,
        ),
        (S::Other, "Other", E::StrategicDevelopments),
        (S::AidObstruction, "Aid obstruction", E::HumanitarianAccess),
        (S::AttackOnAid, "Attack on aid", E::HumanitarianAccess),
    ]
};

const EVENT_TYPES: [(EventType, &str); 7] = [
    (EventType::Battles, "Battles"),
    (
        EventType::ExplosionsRemoteViolence,
        "Explosions/Remote violence",
    ),
    (
        EventType::ViolenceAgainstCivilians,
        "Violence against civilians",
    ),
    (EventType::Protests, "Protests"),
    (EventType::Riots, "Riots"),
    (EventType::StrategicDevelopments, "Strategic developments"),
    (EventType::HumanitarianAccess, "Humanitarian access"),
];

/// The incident types of the domain brief (§7), as (name, sub-event type, weapon).
const INCIDENT_TYPES: [(&str, SubEventType, Option<&str>); 13] = {
    use SubEventType as S;
    [
        ("air_strike", S::AirDroneStrike, Some("aircraft")),
        (
            "shelling_artillery",
            S::ShellingArtilleryMissileAttack,
            Some("artillery"),
        ),
        (
            "rocket_mlrs",
            S::ShellingArtilleryMissileAttack,
            Some("rockets"),
        ),
        ("mortar", S::ShellingArtilleryMissileAttack, Some("mortar")),
        (
            "atgm",
            S::ShellingArtilleryMissileAttack,
            Some("anti-tank guided missile"),
        ),
        ("small_arms", S::ArmedClash, Some("small arms")),
        ("sniper", S::ArmedClash, Some("sniper rifle")),
        ("ground_assault", S::ArmedClash, None),
        (
            "territorial_advance",
            S::NonStateActorOvertakesTerritory,
            None,
        ),
        ("aid_obstruction", S::AidObstruction, None),
        ("attack_on_aid", S::AttackOnAid, None),
        ("attack_on_medical", S::Attack, None),
        (
            "ied_vbied",
            S::RemoteExplosiveLandmineIed,
            Some("explosive device"),
        ),
    ]
};

/// Every accepted name, folded, with the kind and implied weapon. Built once: parsing is on the
/// path of every incident written.
static EVENT_NAMES: std::sync::LazyLock<
    std::collections::HashMap<String, (EventKind, Option<&'static str>)>,
> = std::sync::LazyLock::new(|| {
    let mut names = std::collections::HashMap::new();
    // Later inserts do not replace earlier ones: ACLED names win over incident types.
    for (event, name) in EVENT_TYPES {
        names.entry(fold(name)).or_insert((
            EventKind {
                event_type: Some(event),
                sub_event_type: None,
            },
            None,
        ));
    }
    for (sub, name, _) in SUB_EVENTS {
        names
            .entry(fold(name))
            .or_insert((EventKind::from_sub_event(sub), None));
    }
    for (name, sub, weapon) in INCIDENT_TYPES {
        names
            .entry(fold(name))
            .or_insert((EventKind::from_sub_event(sub), weapon));
    }
    names
});

fn fold(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl EventType {
    /// ACLED's spelling.
    pub fn as_str(self) -> &'static str {
        EVENT_TYPES
            .iter()
            .find(|(event, _)| *event == self)
            .map_or("", |(_, name)| name)
    }
}

impl SubEventType {
    /// ACLED's spelling.
    pub fn as_str(self) -> &'static str {
        SUB_EVENTS
            .iter()
            .find(|(sub, ..)| *sub == self)
            .map_or("", |(_, name, _)| name)
    }

    /// The event type it belongs to.
    pub fn event_type(self) -> EventType {
        SUB_EVENTS
            .iter()
            .find(|(sub, ..)| *sub == self)
            .map_or(EventType::StrategicDevelopments, |(.., event)| *event)
    }
}

/// What happened, as ACLED codes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventKind {
    /// ACLED event type, if known.
    pub event_type: Option<EventType>,
    /// ACLED sub-event type, if known.
    pub sub_event_type: Option<SubEventType>,
}

/// A type name that is neither ACLED's nor the domain brief's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not an ACLED event type, an ACLED sub-event type, or an incident type such as air_strike, shelling_artillery, small_arms"
)]
pub struct UnknownEventType(pub String);

impl EventKind {
    /// Reads an ACLED event type ("Explosions/Remote violence"), an ACLED sub-event type
    /// ("Air/drone strike") or an incident type of the domain brief ("air_strike"), ignoring
    /// case and punctuation. Returns the kind and the weapon the name implies, if any.
    pub fn parse(text: &str) -> Result<(EventKind, Option<&'static str>), UnknownEventType> {
        EVENT_NAMES
            .get(&fold(text))
            .copied()
            .ok_or_else(|| UnknownEventType(text.to_owned()))
    }

    /// The kind of a sub-event type, with its event type filled in.
    pub fn from_sub_event(sub: SubEventType) -> Self {
        EventKind {
            event_type: Some(sub.event_type()),
            sub_event_type: Some(sub),
        }
    }
}

impl SubEventType {
    /// Reads an ACLED sub-event type, ignoring case and punctuation.
    pub fn parse(text: &str) -> Option<SubEventType> {
        let key = fold(text);
        SUB_EVENTS
            .iter()
            .find(|(_, name, _)| fold(name) == key)
            .map(|(sub, ..)| *sub)
    }
}

/// How precisely the time is known, on ACLED's scale (1–3), with a step finer than ACLED's
/// for a time of day that someone saw or heard (0): a report typed as "10:30" is not
/// "known to the day".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum TimePrecision {
    /// 0: the time of day is known (ACLED writes it as 1).
    TimeOfDay = 0,
    /// 1: the day is known.
    Day = 1,
    /// 2: only the week is known.
    Week = 2,
    /// 3: only the month is known.
    Month = 3,
}

impl TryFrom<u8> for TimePrecision {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        match value {
            0 => Ok(TimePrecision::TimeOfDay),
            1 => Ok(TimePrecision::Day),
            2 => Ok(TimePrecision::Week),
            3 => Ok(TimePrecision::Month),
            other => Err(format!(
                "time precision {other} is not 0 (the time of day), 1 (day), 2 (week) or 3 (month)"
            )),
        }
    }
}

impl From<TimePrecision> for u8 {
    fn from(value: TimePrecision) -> u8 {
        value as u8
    }
}

/// How precisely the place is known, on ACLED's scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum GeoPrecision {
    /// 1: the town or village itself.
    Town = 1,
    /// 2: near a town, or a part of a region.
    NearTown = 2,
    /// 3: only the larger region is known.
    Region = 3,
}

impl TryFrom<u8> for GeoPrecision {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        match value {
            1 => Ok(GeoPrecision::Town),
            2 => Ok(GeoPrecision::NearTown),
            3 => Ok(GeoPrecision::Region),
            other => Err(format!(
                "geo precision {other} is not 1 (town), 2 (near a town) or 3 (region)"
            )),
        }
    }
}

impl From<GeoPrecision> for u8 {
    fn from(value: GeoPrecision) -> u8 {
        value as u8
    }
}

/// A point on the ground.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// How precisely it is known.
    pub precision: GeoPrecision,
}

/// Coordinates outside the globe.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("({lat}, {lon}) is not a position: latitude must be within ±90 and longitude within ±180")]
pub struct OutOfRange {
    /// The latitude given.
    pub lat: f64,
    /// The longitude given.
    pub lon: f64,
}

impl Location {
    /// A location, checking that the coordinates exist.
    pub fn new(lat: f64, lon: f64, precision: GeoPrecision) -> Result<Self, OutOfRange> {
        if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
            Ok(Location {
                lat,
                lon,
                precision,
            })
        } else {
            Err(OutOfRange { lat, lon })
        }
    }
}

/// An actor as named in a report: found in the registry or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorRef {
    /// A registry actor.
    Known(ActorId),
    /// A name the registry does not know, kept as written.
    Unknown(String),
}

impl fmt::Display for ActorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActorRef::Known(id) => write!(f, "{id}"),
            ActorRef::Unknown(name) => write!(f, "'{name}' (not in the registry)"),
        }
    }
}

/// A count known only as a range, as sources disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CountRange {
    /// Lowest figure reported.
    pub min: u32,
    /// Highest figure reported.
    pub max: u32,
}

/// Casualties by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Casualties {
    /// Civilians killed.
    pub killed_civilian: CountRange,
    /// Combatants killed.
    pub killed_combatant: CountRange,
    /// Civilians injured.
    pub injured_civilian: CountRange,
    /// Combatants injured.
    pub injured_combatant: CountRange,
}

/// A source's reliability (A–F) and its information's credibility (1–6), graded separately
/// as in the Admiralty system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceGrade {
    /// Who reported.
    pub source: String,
    /// The party or camp the source belongs to; two sources of one affiliation are not
    /// independent of each other.
    pub affiliation: String,
    /// Source reliability, `A` (completely reliable) to `F` (cannot be judged).
    pub reliability: char,
    /// Information credibility, 1 (confirmed) to 6 (cannot be judged).
    pub credibility: u8,
    /// Whether a monitor observed the event directly.
    pub direct_observation: bool,
}

/// One incident with everything the rules need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Identifier, as given by the reporter or the store.
    pub id: String,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// How precisely the time is known.
    pub time_precision: TimePrecision,
    /// Where it happened, if known.
    pub location: Option<Location>,
    /// Where the attack was launched from, when reported (e.g. across a border).
    pub origin: Option<Location>,
    /// The alleged perpetrator, if named.
    pub perpetrator: Option<ActorRef>,
    /// The target, if named.
    pub target: Option<ActorRef>,
    /// What happened.
    pub kind: EventKind,
    /// The weapon, if known.
    pub weapon: Option<String>,
    /// Whether the perpetrator claims self-defence.
    pub self_defence_claimed: bool,
    /// Casualties.
    pub casualties: Casualties,
    /// The sources and their grades.
    pub sources: Vec<SourceGrade>,
}

impl Incident {
    /// An incident with only the essentials; the rest starts empty.
    pub fn new(
        id: impl Into<String>,
        occurred_at: DateTime<Utc>,
        location: Option<Location>,
    ) -> Self {
        Incident {
            id: id.into(),
            occurred_at,
            time_precision: TimePrecision::Day,
            location,
            origin: None,
            perpetrator: None,
            target: None,
            kind: EventKind::default(),
            weapon: None,
            self_defence_claimed: false,
            casualties: Casualties::default(),
            sources: Vec::new(),
        }
    }
}

/// How far past the server's clock an incident may be dated (clocks drift; a monitor's phone
/// may be a few minutes ahead).
pub const FUTURE_TOLERANCE_MS: i64 = 10 * 60 * 1000;
/// How far outside the country's outline, in degrees (about 50 km), an incident may be placed:
/// cross-border fire lands, or is launched, just outside.
pub const BORDER_MARGIN_DEGREES: f64 = 0.5;
/// The earliest year an incident may be dated in.
pub const EARLIEST_YEAR: i32 = 1900;

/// Why an incident is implausible, by field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Implausible {
    /// Dated after the server's clock (beyond the tolerance).
    #[error("occurred_at is in the future (after the server's clock)")]
    Future,
    /// Dated before 1900.
    #[error("occurred_at is before {EARLIEST_YEAR}")]
    TooOld,
    /// Placed outside the country and its margin.
    #[error(
        "({lat}, {lon}) is outside the country (and its {BORDER_MARGIN_DEGREES}° margin for cross-border fire)"
    )]
    Outside {
        /// Latitude.
        lat: String,
        /// Longitude.
        lon: String,
    },
}

/// Whether an incident at `occurred_ms` and (`lon`, `lat`) is plausible now (`now_ms`), in a
/// country whose outline has the bounding box `bounds` (min lon, min lat, max lon, max lat).
/// Incidents far from any agreement version are plausible: imports of other years are real.
pub fn check_plausible(
    occurred_ms: i64,
    lon: f64,
    lat: f64,
    now_ms: i64,
    bounds: [f64; 4],
) -> Result<(), Implausible> {
    if occurred_ms > now_ms + FUTURE_TOLERANCE_MS {
        return Err(Implausible::Future);
    }
    // 1 January 1900, 00:00 UTC.
    if occurred_ms < -2_208_988_800_000 {
        return Err(Implausible::TooOld);
    }
    let [min_lon, min_lat, max_lon, max_lat] = bounds;
    let m = BORDER_MARGIN_DEGREES;
    if !(min_lon - m..=max_lon + m).contains(&lon) || !(min_lat - m..=max_lat + m).contains(&lat) {
        return Err(Implausible::Outside {
            lat: lat.to_string(),
            lon: lon.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn implausible_incidents_are_refused_by_field() {
        let syria = [35.7, 32.3, 42.4, 37.3];
        let now = 1_700_000_000_000;
        assert_eq!(super::check_plausible(now, 36.8, 36.1, now, syria), Ok(()));
        assert_eq!(
            super::check_plausible(now + 5 * 60_000, 36.8, 36.1, now, syria),
            Ok(()),
            "a few minutes ahead is a clock"
        );
        assert_eq!(
            super::check_plausible(now + 86_400_000, 36.8, 36.1, now, syria),
            Err(super::Implausible::Future)
        );
        assert_eq!(
            super::check_plausible(-2_300_000_000_000, 36.8, 36.1, now, syria),
            Err(super::Implausible::TooOld)
        );
        assert!(
            super::check_plausible(now, 35.5, 33.9, now, syria).is_ok(),
            "just over the border"
        );
        assert!(matches!(
            super::check_plausible(now, 2.35, 48.85, now, syria),
            Err(super::Implausible::Outside { .. })
        ));
    }
    use super::*;

    #[test]
    fn event_types_parse_from_acled_names_sub_events_and_incident_types() {
        let (kind, weapon) = EventKind::parse("Explosions/Remote violence").unwrap();
        assert_eq!(kind.event_type, Some(EventType::ExplosionsRemoteViolence));
        assert_eq!(weapon, None);
        let (kind, _) = EventKind::parse("air/drone strike").unwrap();
        assert_eq!(kind.sub_event_type, Some(SubEventType::AirDroneStrike));
        assert_eq!(kind.event_type, Some(EventType::ExplosionsRemoteViolence));
        let (kind, weapon) = EventKind::parse("mortar").unwrap();
        assert_eq!(
            kind.sub_event_type,
            Some(SubEventType::ShellingArtilleryMissileAttack)
        );
        assert_eq!(weapon, Some("mortar"));
        assert!(EventKind::parse("picnic").is_err());
    }

    #[test]
    fn every_sub_event_round_trips_through_its_name() {
        for (sub, name, _) in SUB_EVENTS {
            assert_eq!(SubEventType::parse(name), Some(sub));
            assert_eq!(sub.as_str(), name);
            let json = serde_json::to_string(&sub).unwrap();
            assert_eq!(json, format!("\"{name}\""));
        }
    }

    #[test]
    fn coordinates_off_the_globe_are_refused() {
        assert!(Location::new(91.0, 36.0, GeoPrecision::Town).is_err());
        assert!(Location::new(33.5, 181.0, GeoPrecision::Town).is_err());
        assert!(Location::new(f64::NAN, 36.0, GeoPrecision::Town).is_err());
        assert!(Location::new(33.5, 36.3, GeoPrecision::Town).is_ok());
    }
}
