//! Who may do what, and see what: the roles of `docs/security.md` as pure decisions. The web
//! layer asks these before it serves a route, the door asks them again before it executes a
//! command, and the views ask them before they show a field.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::actor::CoChair;

/// A user's role. A co-chair is bound to one co-chair, a party liaison to one actor of the
/// registry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    /// Users, tokens and configuration; no source identities.
    Admin,
    /// The ceasefire pillar in full for one co-chair.
    CoChair {
        /// The co-chair this user works for.
        party: CoChair,
    },
    /// Incidents and reports in full, sources only as type and grades.
    TaskForce,
    /// Submits incidents and reports; sees their own in full.
    Monitor,
    /// Sees the incidents that name one actor, without sources.
    PartyLiaison {
        /// The actor's id in the registry.
        actor: String,
    },
    /// The humanitarian pillar, and incidents as the public sees them.
    Humanitarian,
}

/// The names of the roles, as `--role` takes them.
pub const ROLE_NAMES: [&str; 6] = [
    "admin",
    "co_chair",
    "task_force",
    "monitor",
    "party_liaison",
    "humanitarian",
];

/// A role that could not be made from a name and a party.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleError {
    /// Not one of [`ROLE_NAMES`].
    #[error("unknown role '{0}' (one of: {roles})", roles = ROLE_NAMES.join(", "))]
    Unknown(String),
    /// A co-chair or liaison without its party.
    #[error("the role {0} needs a party ({1})")]
    PartyMissing(&'static str, &'static str),
    /// A party given to a role that has none.
    #[error("the role {0} has no party")]
    PartyNotAllowed(String),
    /// A co-chair party that is not US or RU.
    #[error("a co-chair's party is US or RU, not '{0}'")]
    NotACoChair(String),
}

impl Role {
    /// The role for a name and an optional party (`US`/`RU` for a co-chair, an actor id for a
    /// liaison).
    pub fn from_parts(name: &str, party: Option<&str>) -> Result<Role, RoleError> {
        let party = party.map(str::trim).filter(|party| !party.is_empty());
        let plain = |role: Role| match party {
            Some(_) => Err(RoleError::PartyNotAllowed(name.to_owned())),
            None => Ok(role),
        };
        match name {
            "admin" => plain(Role::Admin),
            "task_force" => plain(Role::TaskForce),
            "monitor" => plain(Role::Monitor),
            "humanitarian" => plain(Role::Humanitarian),
            "co_chair" => match party {
                None => Err(RoleError::PartyMissing("co_chair", "US or RU")),
                Some(party) => co_chair_of(party)
                    .map(|party| Role::CoChair { party })
                    .ok_or_else(|| RoleError::NotACoChair(party.to_owned())),
            },
            "party_liaison" => match party {
                None => Err(RoleError::PartyMissing("party_liaison", "an actor id")),
                Some(actor) => Ok(Role::PartyLiaison {
                    actor: actor.to_owned(),
                }),
            },
            other => Err(RoleError::Unknown(other.to_owned())),
        }
    }

    /// The role's name (one of [`ROLE_NAMES`]).
    pub fn name(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CoChair { .. } => "co_chair",
            Role::TaskForce => "task_force",
            Role::Monitor => "monitor",
            Role::PartyLiaison { .. } => "party_liaison",
            Role::Humanitarian => "humanitarian",
        }
    }

    /// The party the role is bound to, as stored (`US`, `RU`, or an actor id).
    pub fn party(&self) -> Option<String> {
        match self {
            Role::CoChair { party } => Some(party.to_string()),
            Role::PartyLiaison { actor } => Some(actor.clone()),
            _ => None,
        }
    }

    /// Whether the deployment's `--require-2fa` applies to this role.
    pub fn needs_second_factor(&self) -> bool {
        matches!(self, Role::Admin | Role::CoChair { .. })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.party() {
            Some(party) => write!(f, "{} ({party})", self.name()),
            None => f.write_str(self.name()),
        }
    }
}

fn co_chair_of(text: &str) -> Option<CoChair> {
    match text.to_ascii_uppercase().as_str() {
        "US" => Some(CoChair::US),
        "RU" => Some(CoChair::RU),
        _ => None,
    }
}

/// Who is looking or acting, as far as access is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Nobody logged in.
    Public,
    /// A user with a role.
    User {
        /// The user's name.
        name: String,
        /// The user's role.
        role: Role,
    },
    /// The server itself or the operator at its command line: may do everything.
    System,
}

/// What a viewer may do. Reads of a kind are granted or not as a whole; what of an incident a
/// viewer sees is [`IncidentView`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Add agreement versions, actors, designations and commitments.
    ChangeTerms,
    /// Add area versions (as the viewer's own contributor).
    AddAreaVersion,
    /// Record incidents and add reports.
    Submit,
    /// Read incidents at all (as far as [`incident_view`] allows).
    ReadIncidents,
    /// Search the notes with `q`.
    SearchNotes,
    /// Read the change log.
    ReadChangeLog,
    /// Add and disable users, create and revoke any user's tokens.
    ManageUsers,
    /// Turn free text into a draft (no write; the draft is for submitting).
    Draft,
    /// Add and change humanitarian records: locations, convoys, air operations.
    ChangeHumanitarian,
    /// See convoys and air operations before they deliver or fly (pending approvals).
    ReadPendingAid,
    /// Work the task force's cases in full: open, merge, move, attribute, record findings,
    /// decide escalations (what each role may do to a case is `case::Case::apply`'s).
    WorkCases,
    /// Answer the information requests addressed to one's own party.
    AnswerRequests,
    /// Open a case on any incident, merge incidents, decide escalations: the co-chairs'.
    OpenCases,
    /// Reach the actions of a case at all (the case decides which action is whose).
    ActOnCases,
}

/// How much of incidents the public may see: set per deployment (`--public`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PublicIncidents {
    /// Coarsened: day, admin2 and its centroid, labels, event type, fatalities.
    #[default]
    Coarse,
    /// None at all.
    None,
    /// Exact time and place, still without notes or sources: what a mechanism that publishes
    /// its monitors' observations day by day shows. `--public` never sets it; an agreement
    /// whose publication policy publishes observations raises `Coarse` to it.
    Observations,
}

impl PublicIncidents {
    /// What the public sees of an incident whose agreement version publishes raw observations
    /// (`observations_public`) or not: the deployment's `none` stays none.
    pub fn under_policy(self, observations_public: bool) -> PublicIncidents {
        match (self, observations_public) {
            (PublicIncidents::Coarse, true) => PublicIncidents::Observations,
            (public, _) => public,
        }
    }
}

impl FromStr for PublicIncidents {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "coarse" => Ok(PublicIncidents::Coarse),
            "none" => Ok(PublicIncidents::None),
            other => Err(format!("--public is 'coarse' or 'none', not '{other}'")),
        }
    }
}

impl Viewer {
    /// The role, for a user.
    pub fn role(&self) -> Option<&Role> {
        match self {
            Viewer::User { role, .. } => Some(role),
            _ => None,
        }
    }

    /// Whether the viewer may do this.
    pub fn may(&self, permission: Permission, public: PublicIncidents) -> bool {
        use Permission::*;
        let role = match self {
            Viewer::System => return true,
            Viewer::Public => {
                return permission == ReadIncidents && public != PublicIncidents::None;
            }
            Viewer::User { role, .. } => role,
        };
        match permission {
            ChangeTerms | AddAreaVersion => matches!(role, Role::CoChair { .. }),
            Submit | Draft => {
                matches!(role, Role::CoChair { .. } | Role::TaskForce | Role::Monitor)
            }
            ReadIncidents => true,
            SearchNotes => matches!(
                role,
                Role::CoChair { .. } | Role::TaskForce | Role::Monitor | Role::PartyLiaison { .. }
            ),
            // The log names who submitted each incident: for those who may see the reporter.
            ReadChangeLog => matches!(role, Role::CoChair { .. } | Role::TaskForce),
            ManageUsers => matches!(role, Role::Admin),
            ChangeHumanitarian => matches!(role, Role::Humanitarian),
            ReadPendingAid => matches!(
                role,
                Role::CoChair { .. } | Role::TaskForce | Role::Humanitarian
            ),
            WorkCases => matches!(role, Role::CoChair { .. } | Role::TaskForce),
            AnswerRequests => matches!(role, Role::PartyLiaison { .. }),
            OpenCases => matches!(role, Role::CoChair { .. }),
            ActOnCases => matches!(
                role,
                Role::CoChair { .. } | Role::TaskForce | Role::PartyLiaison { .. }
            ),
        }
    }

    /// Whether the viewer may add an area version in a contributor's name: a co-chair only as
    /// itself (`US`, or `US` followed by a qualifier such as `US (revised)`).
    pub fn may_contribute_as(&self, contributor: &str) -> bool {
        match self {
            Viewer::System => true,
            Viewer::User {
                role: Role::CoChair { party },
                ..
            } => {
                let code = party.to_string();
                contributor == code
                    || contributor
                        .strip_prefix(code.as_str())
                        .is_some_and(|rest| rest.starts_with(' '))
            }
            _ => false,
        }
    }

    /// Whether source identities (a report's source name and address) may be shown.
    pub fn sees_source_identities(&self) -> bool {
        matches!(
            self,
            Viewer::System
                | Viewer::User {
                    role: Role::CoChair { .. },
                    ..
                }
        )
    }

    /// Whether the viewer sees exact places and times of the incidents it may see at all
    /// (beyond its own submissions): only such a viewer may filter by a box or by the hour.
    pub fn sees_exact_places(&self) -> bool {
        matches!(
            self,
            Viewer::System
                | Viewer::User {
                    role: Role::CoChair { .. } | Role::TaskForce | Role::PartyLiaison { .. },
                    ..
                }
        )
    }

    /// The actor a liaison is bound to: only incidents naming it are theirs to see.
    pub fn bound_actor(&self) -> Option<&str> {
        match self {
            Viewer::User {
                role: Role::PartyLiaison { actor },
                ..
            } => Some(actor),
            _ => None,
        }
    }
}

/// How much of one incident a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentView {
    /// The exact point and time (otherwise the day, and the admin2 centroid).
    pub exact: bool,
    /// Who: the perpetrator, the target, where the fire came from, a self-defence claim, and
    /// the assessment's reasons and history (which name them). A published observation shows
    /// the exact place and time without them.
    pub parties: bool,
    /// The notes.
    pub notes: bool,
    /// The reports.
    pub reports: ReportView,
    /// Who submitted it.
    pub reporter: bool,
}

/// How much of a report a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReportView {
    /// None: not even that there are reports.
    Hidden,
    /// Source type, grades and text; no source name or address.
    Graded,
    /// Everything, source identities included.
    Full,
}

impl IncidentView {
    /// What the public sees.
    pub const COARSE: IncidentView = IncidentView {
        exact: false,
        parties: false,
        notes: false,
        reports: ReportView::Hidden,
        reporter: false,
    };

    /// A published observation: exact time and place; no parties, notes or sources.
    pub const OBSERVED: IncidentView = IncidentView {
        exact: true,
        parties: false,
        notes: false,
        reports: ReportView::Hidden,
        reporter: false,
    };
}

/// What of an incident `viewer` sees, or `None` if it may not see the incident at all.
/// `perpetrator` and `target` are the incident's actor ids; `submitted_by` the name of the
/// user who recorded it.
pub fn incident_view(
    viewer: &Viewer,
    public: PublicIncidents,
    perpetrator: Option<&str>,
    target: Option<&str>,
    submitted_by: Option<&str>,
) -> Option<IncidentView> {
    let full = IncidentView {
        exact: true,
        parties: true,
        notes: true,
        reports: ReportView::Full,
        reporter: true,
    };
    let public_view = match public {
        PublicIncidents::Coarse => Some(IncidentView::COARSE),
        PublicIncidents::Observations => Some(IncidentView::OBSERVED),
        PublicIncidents::None => None,
    };
    let (name, role) = match viewer {
        Viewer::System => return Some(full),
        Viewer::Public => return public_view,
        Viewer::User { name, role } => (name, role),
    };
    let view = match role {
        Role::CoChair { .. } => full,
        Role::TaskForce => IncidentView {
            reports: ReportView::Graded,
            ..full
        },
        Role::Monitor if submitted_by == Some(name.as_str()) => full,
        Role::Monitor => IncidentView {
            notes: true,
            ..IncidentView::COARSE
        },
        Role::PartyLiaison { actor } => {
            if perpetrator != Some(actor.as_str()) && target != Some(actor.as_str()) {
                return None;
            }
            IncidentView {
                exact: true,
                parties: true,
                notes: true,
                reports: ReportView::Hidden,
                reporter: false,
            }
        }
        Role::Admin | Role::Humanitarian => IncidentView::COARSE,
    };
    // A signed-in user never sees less of an incident than the public does.
    Some(public_view.map_or(view, |public| view.at_least(public)))
}

impl IncidentView {
    /// What both `self` and `other` show.
    fn at_least(self, other: IncidentView) -> IncidentView {
        IncidentView {
            exact: self.exact || other.exact,
            parties: self.parties || other.parties,
            notes: self.notes || other.notes,
            reports: self.reports.max(other.reports),
            reporter: self.reporter || other.reporter,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> Viewer {
        Viewer::User {
            name: "u".to_owned(),
            role,
        }
    }

    #[test]
    fn roles_read_back_from_their_names() {
        for (name, party) in [
            ("admin", None),
            ("co_chair", Some("US")),
            ("co_chair", Some("RU")),
            ("monitor", None),
            ("party_liaison", Some("fsa")),
        ] {
            let role = Role::from_parts(name, party).unwrap();
            let again = Role::from_parts(role.name(), role.party().as_deref()).unwrap();
            assert_eq!(role, again);
        }
        assert!(matches!(
            Role::from_parts("co_chair", Some("UK")),
            Err(RoleError::NotACoChair(_))
        ));
        assert!(matches!(
            Role::from_parts("co_chair", None),
            Err(RoleError::PartyMissing(..))
        ));
        assert!(matches!(
            Role::from_parts("monitor", Some("fsa")),
            Err(RoleError::PartyNotAllowed(_))
        ));
        assert!(matches!(
            Role::from_parts("root", None),
            Err(RoleError::Unknown(_))
        ));
    }

    #[test]
    fn a_co_chair_contributes_only_as_itself() {
        let us = user(Role::CoChair { party: CoChair::US });
        assert!(us.may_contribute_as("US"));
        assert!(us.may_contribute_as("US (revised)"));
        assert!(!us.may_contribute_as("RU"));
        assert!(!us.may_contribute_as("USA"));
        assert!(!user(Role::TaskForce).may_contribute_as("US"));
    }

    #[test]
    fn a_liaison_sees_only_incidents_naming_its_actor() {
        let liaison = user(Role::PartyLiaison {
            actor: "fsa".to_owned(),
        });
        let coarse = PublicIncidents::Coarse;
        assert!(incident_view(&liaison, coarse, Some("gos"), Some("fsa"), None).is_some());
        assert!(incident_view(&liaison, coarse, Some("fsa"), None, None).is_some());
        assert_eq!(
            incident_view(&liaison, coarse, Some("gos"), Some("nusra"), None),
            None
        );
        let seen = incident_view(&liaison, coarse, Some("fsa"), None, None).unwrap();
        assert_eq!(seen.reports, ReportView::Hidden);
        assert!(!seen.reporter);
    }

    #[test]
    fn a_monitor_sees_its_own_submissions_in_full() {
        let monitor = Viewer::User {
            name: "m1".to_owned(),
            role: Role::Monitor,
        };
        let coarse = PublicIncidents::Coarse;
        let own = incident_view(&monitor, coarse, None, None, Some("m1")).unwrap();
        assert_eq!(own.reports, ReportView::Full);
        let other = incident_view(&monitor, coarse, None, None, Some("m2")).unwrap();
        assert!(!other.exact && other.notes && other.reports == ReportView::Hidden);
    }

    #[test]
    fn the_public_sees_coarse_incidents_or_none() {
        let view = incident_view(&Viewer::Public, PublicIncidents::Coarse, None, None, None);
        assert_eq!(view, Some(IncidentView::COARSE));
        assert_eq!(
            incident_view(&Viewer::Public, PublicIncidents::None, None, None, None),
            None
        );
        assert!(!Viewer::Public.may(Permission::Submit, PublicIncidents::Coarse));
        assert!(!Viewer::Public.may(Permission::ReadIncidents, PublicIncidents::None));
    }

    #[test]
    fn a_policy_that_publishes_observations_shows_the_public_time_and_place_only() {
        let published = PublicIncidents::Coarse.under_policy(true);
        let view = incident_view(&Viewer::Public, published, None, None, None).unwrap();
        assert!(view.exact && !view.parties && !view.notes && !view.reporter);
        assert_eq!(view.reports, ReportView::Hidden);
        // No signed-in role sees less than the public.
        for role in [Role::Admin, Role::Humanitarian, Role::Monitor] {
            let seen = incident_view(&user(role), published, None, None, Some("m9")).unwrap();
            assert!(seen.exact && !seen.parties, "{seen:?}");
        }
        assert_eq!(
            PublicIncidents::None.under_policy(true),
            PublicIncidents::None,
            "a deployment that publishes no incident publishes none"
        );
        assert_eq!(
            PublicIncidents::Coarse.under_policy(false),
            PublicIncidents::Coarse
        );
    }

    #[test]
    fn only_co_chairs_change_the_terms_and_see_sources() {
        let coarse = PublicIncidents::Coarse;
        for role in [
            Role::Admin,
            Role::TaskForce,
            Role::Monitor,
            Role::Humanitarian,
            Role::PartyLiaison {
                actor: "fsa".to_owned(),
            },
        ] {
            let viewer = user(role);
            assert!(!viewer.may(Permission::ChangeTerms, coarse));
            assert!(!viewer.sees_source_identities());
        }
        let ru = user(Role::CoChair { party: CoChair::RU });
        assert!(ru.may(Permission::ChangeTerms, coarse));
        assert!(ru.sees_source_identities());
        assert!(!ru.may(Permission::ManageUsers, coarse));
    }
}
