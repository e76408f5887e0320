//! User-interface text in English and Arabic, from `i18n/en.json` and `i18n/ar.json`. No text
//! is written into the templates; a test keeps the two files' keys identical.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::HeaderMap;
use truce_core::explain::{Arg, Message};

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English, left to right.
    En,
    /// Arabic, right to left.
    Ar,
}

type Table = HashMap<String, String>;

fn table(text: &str) -> Table {
    serde_json::from_str(text).unwrap_or_default()
}

static EN: LazyLock<Table> = LazyLock::new(|| table(include_str!("../../i18n/en.json")));
/// The Arabic table, with each Latin run of its strings ("JSON", "Ctrl", "R0–R6") between Unicode
/// isolates so that it keeps its order inside the Arabic around it.
static AR: LazyLock<Table> = LazyLock::new(|| {
    table(include_str!("../../i18n/ar.json"))
        .into_iter()
        .map(|(key, text)| (key, super::bidi::isolate_template(&text)))
        .collect()
});

impl Lang {
    /// `en` or `ar`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    /// `ltr` or `rtl`.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::En => "ltr",
            Lang::Ar => "rtl",
        }
    }

    /// The other language (for the switch link).
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Ar,
            Lang::Ar => Lang::En,
        }
    }

    /// `text` with its ASCII digits (and thousands commas) written as the language writes them:
    /// Arabic-Indic digits and the Arabic thousands separator in Arabic.
    pub fn digits(self, text: &str) -> String {
        match self {
            Lang::En => text.to_owned(),
            Lang::Ar => {
                let mut out = String::with_capacity(text.len() * 2);
                let mut chars = text.chars().peekable();
                while let Some(c) = chars.next() {
                    out.push(match c {
                        '0'..='9' => char::from_u32(0x0660 + (c as u32 - '0' as u32)).unwrap_or(c),
                        ',' if chars.peek().is_some_and(char::is_ascii_digit) => '٬',
                        _ => c,
                    });
                }
                out
            }
        }
    }

    /// The text for `key`; the key itself when a translation is missing (visible, never empty).
    pub fn t(self, key: &str) -> String {
        let table = match self {
            Lang::En => &*EN,
            Lang::Ar => &*AR,
        };
        table.get(key).cloned().unwrap_or_else(|| key.to_owned())
    }

    /// The translation of a data value (an event type, say) under `prefix`; the value itself
    /// when the table has none.
    pub fn value(self, prefix: &str, value: &str) -> String {
        let table = match self {
            Lang::En => &*EN,
            Lang::Ar => &*AR,
        };
        table
            .get(&format!("{prefix}.{value}"))
            .cloned()
            .unwrap_or_else(|| value.to_owned())
    }

    /// A message (a reason, say) in this language. `actor` names an actor id.
    pub fn message(self, message: &Message, actor: &dyn Fn(&str) -> String) -> String {
        let template = self.t(&message.key);
        let mut out = String::with_capacity(template.len() + 64);
        let mut rest = template.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let name = &after[..close];
                    match message.args.get(name) {
                        Some(arg) => out.push_str(&self.arg(arg, actor)),
                        None => {
                            out.push('{');
                            out.push_str(name);
                            out.push('}');
                        }
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn arg(self, arg: &Arg, actor: &dyn Fn(&str) -> String) -> String {
        match arg {
            // A code or a name inside the sentence: isolated in Arabic.
            Arg::Text(text) if self == Lang::Ar => super::bidi::isolate_plain(text),
            Arg::Text(text) => text.clone(),
            Arg::Term(key) => self.t(key),
            Arg::Actor(id) => actor(id),
            Arg::Actors(ids) => ids
                .iter()
                .map(|id| actor(id))
                .collect::<Vec<_>>()
                .join(self.t("list.separator").as_str()),
            Arg::Messages(messages) => messages
                .iter()
                .map(|message| self.message(message, actor))
                .collect::<Vec<_>>()
                .join(self.t("list.clauses").as_str()),
        }
    }

    /// The language asked for by `?lang=`, else the `lang` cookie, else English. The second
    /// value is true when the query chose it (the page then sets the cookie).
    pub fn choose(query_lang: Option<&str>, headers: &HeaderMap) -> (Lang, bool) {
        let parse = |text: &str| match text {
            "ar" => Some(Lang::Ar),
            "en" => Some(Lang::En),
            _ => None,
        };
        if let Some(lang) = query_lang.and_then(parse) {
            return (lang, true);
        }
        let cookie = headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().strip_prefix("lang="))
            .find_map(parse);
        (cookie.unwrap_or(Lang::En), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys_and_no_empty_text() {
        let mut en: Vec<&String> = EN.keys().collect();
        let mut ar: Vec<&String> = AR.keys().collect();
        en.sort();
        ar.sort();
        assert!(!en.is_empty());
        assert_eq!(en, ar);
        assert!(
            EN.values()
                .chain(AR.values())
                .all(|text| !text.trim().is_empty())
        );
    }

    /// One reason of every kind, with every optional part on and off.
    fn every_reason() -> Vec<truce_core::classify::Reason> {
        use chrono::{Duration, TimeZone, Utc};
        use truce_core::actor::{ActorId, CoChair};
        use truce_core::agreement::ObligationCode;
        use truce_core::classify::{AreaCitation, Reason::*, Role, VerificationStatus};
        use truce_core::commitment::CommitmentState;
        use truce_core::control::Controller;
        use truce_core::explain::Why;
        use truce_core::incident::{EventType, TimePrecision};
        let zone: chrono_tz::Tz = "Asia/Damascus".parse().unwrap();
        let start = Utc.with_ymd_and_hms(2016, 2, 26, 22, 0, 0).unwrap();
        let occurred = start + Duration::hours(30);
        let id = |name: &str| ActorId::new(name);
        let citation = |approximate: bool, controller: Controller| AreaCitation {
            id: "ctl-1".into(),
            contributor: "compiled".into(),
            controller,
            approximate,
        };
        let areas = vec![
            citation(true, Controller::Actor(id("isil"))),
            citation(false, Controller::Contested),
        ];
        let mut reasons = vec![
            TimeTooCoarse(TimePrecision::Week),
            TimeTooCoarse(TimePrecision::Month),
            NoLocation,
            BeforeStart {
                occurred,
                start,
                zone,
                version: 1,
            },
            InForce {
                occurred,
                start,
                zone,
                version: 2,
            },
            NearStart {
                window: Duration::hours(6),
                start,
                zone,
            },
            Lapsed {
                end: start,
                version: 1,
            },
            OutsideCountry,
            OutsideLocalArea { version: 3 },
            LaunchedFromAbroad,
            NoDelineation,
            RivalDelineations(areas.clone()),
            Contested(areas[1].clone()),
            Comingled {
                area: areas[0].clone(),
                present: vec![id("nusra"), id("isil")],
            },
            CoLocated {
                area: areas[0].clone(),
                party: id("fsa"),
            },
            TargetFromArea(areas[0].clone()),
            NotInOwnArea {
                target: id("isil"),
                areas: areas.clone(),
            },
            PerpetratorUnidentified,
            NotHostilities(EventType::Protests),
            EventTypeMissing,
            RoutedTo {
                co_chair: CoChair::RU,
                accused: id("saa"),
            },
            NotRouted(Why::NoGuarantor),
            NotRouted(Why::NoPerpetratorToAsk),
        ];
        for role in [Role::Perpetrator, Role::Target] {
            for named in ["nusra", "nusra_unit"] {
                reasons.push(Designated {
                    role,
                    actor: id("nusra"),
                    named: id(named),
                    list: "UNSC".to_owned(),
                    since: start,
                });
            }
            reasons.push(ExcludedByName {
                role,
                actor: id("isil"),
                version: 1,
            });
            reasons.push(UnknownActor {
                role,
                name: "Liwa {X}".to_owned(),
            });
            for (committed, state) in [
                ("fsa", CommitmentState::Participating),
                ("fsa_parent", CommitmentState::ParticipatingLate),
            ] {
                reasons.push(Participating {
                    role,
                    actor: id("fsa"),
                    committed: id(committed),
                    channel: CoChair::US,
                    state,
                });
            }
            for (state, late_not_covered) in [
                (CommitmentState::Unknown, false),
                (CommitmentState::Withdrawn, false),
                (CommitmentState::ParticipatingLate, true),
            ] {
                reasons.push(NotParticipating {
                    role,
                    actor: id("sdf"),
                    state,
                    late_not_covered,
                });
            }
        }
        for implied in [true, false] {
            reasons.push(InOwnArea {
                target: id("isil"),
                areas: areas.clone(),
                implied,
            });
        }
        for why in [
            Why::AccessDenied,
            Why::AttackOnAid,
            Why::AttackOnPartyArea,
            Why::ArmedAssault,
            Why::TerritoryTaken,
            Why::TerritoryAcquired,
            Why::AttackWithWeapons,
            Why::SelfDefenceClaimed,
        ] {
            reasons.push(Obligation {
                code: ObligationCode::NoAttack,
                why,
            });
        }
        for (status, basis) in [
            (VerificationStatus::Verified, Why::ObservedByReliableMonitor),
            (VerificationStatus::Verified, Why::TwoIndependentSources),
            (VerificationStatus::Alleged, Why::NoGradedSource),
            (VerificationStatus::Alleged, Why::TooFewSources),
        ] {
            reasons.push(Verification { status, basis });
        }
        reasons
    }

    #[test]
    fn english_templates_say_exactly_what_the_classifier_says() {
        let by_id = |id: &str| id.to_owned();
        for reason in every_reason() {
            let rendered = format!(
                "{}: {}",
                reason.rule(),
                Lang::En.message(&reason.message(), &by_id)
            );
            assert_eq!(rendered, reason.to_string());
        }
    }

    #[test]
    fn arabic_templates_cover_every_reason() {
        let by_id = |id: &str| format!("<{id}>");
        for reason in every_reason() {
            let message = reason.message();
            let text = Lang::Ar.message(&message, &by_id);
            // A missing key shows itself; a missing argument leaves its placeholder.
            for leftover in [
                "reason.",
                "why.",
                "role.",
                "cochair.",
                "commitment.",
                "unit.",
                "event.",
                "controller.",
            ] {
                assert!(!text.contains(leftover), "{leftover} left in {text}");
            }
            assert!(!text.contains('{') || text.contains("Liwa {X}"), "{text}");
            assert!(
                text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
                "{text}"
            );
        }
    }

    #[test]
    fn the_query_wins_over_the_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::header::COOKIE,
            "theme=dark; lang=ar".parse().unwrap(),
        );
        assert_eq!(Lang::choose(None, &headers), (Lang::Ar, false));
        assert_eq!(Lang::choose(Some("en"), &headers), (Lang::En, true));
        assert_eq!(
            Lang::choose(Some("fr"), &HeaderMap::new()),
            (Lang::En, false)
        );
    }
}
