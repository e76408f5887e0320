//! The actor registry: parties, their names in English and Arabic, and their UN designations.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Stable identifier of an actor, e.g. `gos` or `nusra`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ActorId(pub Arc<str>);

impl ActorId {
    /// Wraps a string id.
    pub fn new(id: &str) -> Self {
        ActorId(Arc::from(id))
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The two co-chairs of the task force; each answers for the parties that declared to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CoChair {
    /// The United States.
    US,
    /// The Russian Federation.
    RU,
}

impl fmt::Display for CoChair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CoChair::US => "US",
            CoChair::RU => "RU",
        })
    }
}

/// Which camp an actor belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The Government of Syria and the forces supporting it.
    Government,
    /// The armed opposition.
    Opposition,
    /// The Kurdish-led Syrian Democratic Forces.
    Kurdish,
    /// The US-led coalition against ISIL.
    Coalition,
    /// Jihadist organisations (ISIL, Jabhat al-Nusra).
    Jihadist,
    /// Foreign states acting on their own account (e.g. Turkey).
    External,
    /// Civilians: a target, never a party.
    Civilian,
}

impl Side {
    /// Every side, in the order pages list them.
    pub const ALL: [Side; 7] = [
        Side::Government,
        Side::Opposition,
        Side::Kurdish,
        Side::Coalition,
        Side::Jihadist,
        Side::External,
        Side::Civilian,
    ];

    /// The side named `text` (snake case, as [`Side::as_str`] writes it).
    pub fn parse(text: &str) -> Option<Side> {
        Side::ALL.into_iter().find(|side| side.as_str() == text)
    }

    /// Snake-case name, as in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Government => "government",
            Side::Opposition => "opposition",
            Side::Kurdish => "kurdish",
            Side::Coalition => "coalition",
            Side::Jihadist => "jihadist",
            Side::External => "external",
            Side::Civilian => "civilian",
        }
    }
}

/// A name by which an actor is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alias {
    /// The name as written.
    pub text: String,
    /// Language: `en` or `ar`.
    pub lang: String,
    /// The date from which the actor used this name (after a rename), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_from: Option<NaiveDate>,
}

/// A party, a state or an organisation that can attack, be attacked, or answer for others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Stable identifier.
    pub id: ActorId,
    /// Canonical English name.
    pub name: String,
    /// Canonical Arabic name.
    pub name_ar: String,
    /// Other names, English and Arabic, including names used before or after a rename.
    #[serde(default)]
    pub aliases: Vec<Alias>,
    /// ACLED actor type ("inter" code): 1 state forces, 2 rebel groups, 3 political militias,
    /// 4 identity militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other forces.
    pub acled_type: u8,
    /// The camp it belongs to.
    pub side: Side,
    /// The co-chair that answers for it, if any.
    #[serde(default)]
    pub guarantor: Option<CoChair>,
    /// The actor whose commitment covers this one (e.g. an allied militia under the
    /// Government's acceptance), if any.
    #[serde(default)]
    pub parent: Option<ActorId>,
    /// Free-text notes and sources.
    #[serde(default)]
    pub notes: String,
    /// The party's own monitoring centres and information offices (e.g. the Russian
    /// reconciliation centre at Hmeimim): a source of one of these is the party speaking, so
    /// it is not independent of the party's other sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitoring_centres: Vec<String>,
}

/// Whether a designation is in force or was only proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignationStatus {
    /// On the list: it has effect.
    Listed,
    /// Proposed for listing; no effect.
    Proposed,
    /// Proposed and blocked; no effect.
    Blocked,
}

/// The listing of an actor as a terrorist organisation, valid over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Designation {
    /// The designated actor (the entity, whatever name it uses at the time).
    pub actor: ActorId,
    /// The list, e.g. `UNSC 1267`.
    pub list: String,
    /// From when the listing applies (or was proposed).
    pub listed_from: DateTime<Utc>,
    /// Until when, if delisted.
    #[serde(default)]
    pub listed_to: Option<DateTime<Utc>>,
    /// Listed, proposed or blocked.
    pub status: DesignationStatus,
    /// Where this comes from.
    #[serde(default)]
    pub source: String,
}

impl Designation {
    /// Whether the listing has effect at `instant`.
    pub fn in_force_at(&self, instant: DateTime<Utc>) -> bool {
        self.status == DesignationStatus::Listed
            && self.listed_from <= instant
            && self.listed_to.is_none_or(|to| instant < to)
    }
}

/// Folds a name for lookup: case, Arabic diacritics and tatweel, the forms of alif, hyphens,
/// apostrophes and repeated spaces do not matter.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_space = false;
    for ch in name.chars().flat_map(char::to_lowercase) {
        let ch = match ch {
            // Harakat, shadda, sukun, superscript alif and tatweel carry no identity.
            '\u{064B}'..='\u{0652}' | '\u{0670}' | '\u{0640}' => continue,
            'أ' | 'إ' | 'آ' => 'ا',
            'ى' => 'ي',
            'ة' => 'ه',
            '\'' | '’' | '‘' | 'ʼ' | '`' => continue,
            '-' | '_' | '.' | ',' | '/' | '(' | ')' => ' ',
            other => other,
        };
        if ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(ch);
    }
    out
}

/// Why an actor registry could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Two actors share an id.
    #[error("actor id '{0}' is used twice")]
    DuplicateId(ActorId),
    /// One name would resolve to two actors.
    #[error("the name '{name}' is given to both '{first}' and '{second}'")]
    AmbiguousName {
        /// The name as written.
        name: String,
        /// The actor that had it first.
        first: ActorId,
        /// The actor that has it again.
        second: ActorId,
    },
    /// A reference names no actor.
    #[error("{context} refers to unknown actor '{actor}'")]
    UnknownActor {
        /// Where the reference is.
        context: String,
        /// The missing id.
        actor: ActorId,
    },
    /// Following parents leads back to the start.
    #[error("actor '{0}' is its own ancestor")]
    ParentCycle(ActorId),
    /// A value outside its range.
    #[error("actor '{actor}': {reason}")]
    Invalid {
        /// The actor.
        actor: ActorId,
        /// What is wrong.
        reason: String,
    },
}

/// All actors of a scenario, with name lookup and designations.
#[derive(Debug, Clone, Default)]
pub struct ActorRegistry {
    actors: Vec<Actor>,
    by_id: HashMap<ActorId, usize>,
    by_name: HashMap<String, usize>,
    by_centre: HashMap<String, usize>,
    designations: Vec<Designation>,
}

impl ActorRegistry {
    /// Builds the registry, checking ids, names, parents and designation references.
    pub fn new(actors: Vec<Actor>, designations: Vec<Designation>) -> Result<Self, RegistryError> {
        let mut by_id = HashMap::new();
        for (slot, actor) in actors.iter().enumerate() {
            if by_id.insert(actor.id.clone(), slot).is_some() {
                return Err(RegistryError::DuplicateId(actor.id.clone()));
            }
            if !(1..=8).contains(&actor.acled_type) {
                return Err(RegistryError::Invalid {
                    actor: actor.id.clone(),
                    reason: format!("ACLED actor type {} is not 1 to 8", actor.acled_type),
                });
            }
        }
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (slot, actor) in actors.iter().enumerate() {
            let names = [actor.id.as_str(), &actor.name, &actor.name_ar]
                .into_iter()
                .chain(actor.aliases.iter().map(|alias| alias.text.as_str()));
            for name in names {
                let key = normalize_name(name);
                if key.is_empty() {
                    continue;
                }
                match by_name.get(&key) {
                    Some(&other) if other != slot => {
                        return Err(RegistryError::AmbiguousName {
                            name: name.to_owned(),
                            first: actors[other].id.clone(),
                            second: actor.id.clone(),
                        });
                    }
                    _ => {
                        by_name.insert(key, slot);
                    }
                }
            }
        }
        let mut by_centre: HashMap<String, usize> = HashMap::new();
        for (slot, actor) in actors.iter().enumerate() {
            for centre in &actor.monitoring_centres {
                let key = normalize_name(centre);
                if let Some(&other) = by_centre.get(&key).or(by_name.get(&key))
                    && other != slot
                {
                    return Err(RegistryError::AmbiguousName {
                        name: centre.clone(),
                        first: actors[other].id.clone(),
                        second: actor.id.clone(),
                    });
                }
                if !key.is_empty() {
                    by_centre.insert(key, slot);
                }
            }
        }
        for actor in &actors {
            if let Some(parent) = &actor.parent
                && !by_id.contains_key(parent)
            {
                return Err(RegistryError::UnknownActor {
                    context: format!("the parent of '{}'", actor.id),
                    actor: parent.clone(),
                });
            }
        }
        for designation in &designations {
            if !by_id.contains_key(&designation.actor) {
                return Err(RegistryError::UnknownActor {
                    context: format!("a designation on list '{}'", designation.list),
                    actor: designation.actor.clone(),
                });
            }
        }
        let registry = ActorRegistry {
            actors,
            by_id,
            by_name,
            by_centre,
            designations,
        };
        for actor in &registry.actors {
            // Walking more steps than there are actors means a cycle.
            if registry
                .ancestry(&actor.id)
                .nth(registry.actors.len())
                .is_some()
            {
                return Err(RegistryError::ParentCycle(actor.id.clone()));
            }
        }
        Ok(registry)
    }

    /// Every actor, in file order.
    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// Every designation, in file order.
    pub fn designations(&self) -> &[Designation] {
        &self.designations
    }

    /// The actor with this id.
    pub fn get(&self, id: &ActorId) -> Option<&Actor> {
        self.by_id.get(id).map(|&slot| &self.actors[slot])
    }

    /// The actor known by this id, name or alias (English or Arabic).
    pub fn resolve(&self, name: &str) -> Option<&Actor> {
        self.by_name
            .get(&normalize_name(name))
            .map(|&slot| &self.actors[slot])
    }

    /// The party a source's affiliation speaks for: the outermost ancestor of the actor the
    /// affiliation names, or whose monitoring centre it is. `None` for an affiliation that is no
    /// party's (a UN office, an NGO, a news agency).
    pub fn party_of(&self, affiliation: &str) -> Option<&Actor> {
        let key = normalize_name(affiliation);
        let slot = self.by_name.get(&key).or(self.by_centre.get(&key))?;
        self.ancestry(&self.actors[*slot].id).last()
    }

    /// The actor itself, then its parent, its parent's parent, and so on.
    pub fn ancestry<'a>(&'a self, id: &ActorId) -> impl Iterator<Item = &'a Actor> + 'a {
        std::iter::successors(self.get(id), move |actor| {
            actor.parent.as_ref().and_then(|parent| self.get(parent))
        })
    }

    /// The co-chair that answers for the actor: its own guarantor or the nearest ancestor's.
    pub fn guarantor(&self, id: &ActorId) -> Option<CoChair> {
        self.ancestry(id).find_map(|actor| actor.guarantor)
    }

    /// The listing in force for this actor at `instant`, on one of `lists` (all lists if empty).
    pub fn designation_at(
        &self,
        id: &ActorId,
        instant: DateTime<Utc>,
        lists: &[String],
    ) -> Option<&Designation> {
        self.designations.iter().find(|designation| {
            &designation.actor == id
                && designation.in_force_at(instant)
                && (lists.is_empty() || lists.contains(&designation.list))
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn actor(id: &str, name: &str, side: Side, guarantor: Option<CoChair>) -> Actor {
        Actor {
            id: ActorId::new(id),
            name: name.to_owned(),
            name_ar: String::new(),
            aliases: vec![],
            acled_type: 2,
            side,
            guarantor,
            parent: None,
            notes: String::new(),
            monitoring_centres: Vec::new(),
        }
    }

    fn nusra() -> Actor {
        let mut nusra = actor("nusra", "Jabhat al-Nusra", Side::Jihadist, None);
        nusra.name_ar = "جبهة النصرة".to_owned();
        nusra.aliases = vec![Alias {
            text: "Jabhat Fatah al-Sham".to_owned(),
            lang: "en".to_owned(),
            used_from: NaiveDate::from_ymd_opt(2016, 7, 28),
        }];
        nusra
    }

    #[test]
    fn names_resolve_across_case_hyphens_and_arabic_diacritics() {
        let registry = ActorRegistry::new(vec![nusra()], vec![]).unwrap();
        for name in [
            "Jabhat al-Nusra",
            "jabhat al nusra",
            "JABHAT  AL-NUSRA",
            "Jabhat Fatah al-Sham",
            "جبهة النصرة",
            "جَبْهَة النُّصْرَة",
            "nusra",
        ] {
            assert_eq!(
                registry.resolve(name).map(|a| a.id.as_str()),
                Some("nusra"),
                "{name}"
            );
        }
        assert!(registry.resolve("Jaysh al-Islam").is_none());
    }

    #[test]
    fn a_designation_follows_the_entity_across_a_rename() {
        let listed = Designation {
            actor: ActorId::new("nusra"),
            list: "UNSC 1267".to_owned(),
            listed_from: "2014-05-14T00:00:00Z".parse().unwrap(),
            listed_to: None,
            status: DesignationStatus::Listed,
            source: String::new(),
        };
        let registry = ActorRegistry::new(vec![nusra()], vec![listed]).unwrap();
        let renamed = registry.resolve("Jabhat Fatah al-Sham").unwrap();
        let after_rename = "2016-08-01T00:00:00Z".parse().unwrap();
        assert!(
            registry
                .designation_at(&renamed.id, after_rename, &[])
                .is_some()
        );
    }

    #[test]
    fn proposed_or_blocked_designations_have_no_effect() {
        let proposed = Designation {
            actor: ActorId::new("nusra"),
            list: "UNSC 1267".to_owned(),
            listed_from: "2016-04-26T00:00:00Z".parse().unwrap(),
            listed_to: None,
            status: DesignationStatus::Blocked,
            source: String::new(),
        };
        let registry = ActorRegistry::new(vec![nusra()], vec![proposed]).unwrap();
        let later = "2016-06-01T00:00:00Z".parse().unwrap();
        assert!(
            registry
                .designation_at(&ActorId::new("nusra"), later, &[])
                .is_none()
        );
    }

    #[test]
    fn a_name_shared_by_two_actors_is_refused() {
        let mut other = actor("jfs", "Jabhat Fatah al-Sham", Side::Jihadist, None);
        other.aliases.clear();
        let err = ActorRegistry::new(vec![nusra(), other], vec![]).unwrap_err();
        assert!(matches!(err, RegistryError::AmbiguousName { .. }), "{err}");
    }

    #[test]
    fn guarantors_are_inherited_from_parents_and_cycles_are_refused() {
        let gos = actor(
            "gos",
            "Government of Syria",
            Side::Government,
            Some(CoChair::RU),
        );
        let mut ndf = actor("ndf", "National Defence Forces", Side::Government, None);
        ndf.parent = Some(ActorId::new("gos"));
        let registry = ActorRegistry::new(vec![gos.clone(), ndf.clone()], vec![]).unwrap();
        assert_eq!(registry.guarantor(&ActorId::new("ndf")), Some(CoChair::RU));

        let mut looped = gos;
        looped.parent = Some(ActorId::new("ndf"));
        let err = ActorRegistry::new(vec![looped, ndf], vec![]).unwrap_err();
        assert!(matches!(err, RegistryError::ParentCycle(_)), "{err}");
    }
}
