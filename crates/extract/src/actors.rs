//! Actor names as the press, monitors and ACLED write them, in English and Arabic, mapped to the
//! ids of the scenario's actor registry.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::text::{self, Token};

/// Phrases by registry actor id. Written for this project from common usage; folded and matched
/// on whole words, the longest first.
const PHRASES: &[(&str, &[&str])] = &[
    (
        "gos",
        &[
            "regime forces",
            "regime",
            "regime troops",
            "regime army",
            "syrian regime",
            "syrian army",
            "the army",
            "syrian troops",
            "government forces",
            "government troops",
            "syrian government",
            "government of syria",
            "military forces of syria",
            "syrian arab army",
            "saa",
            "assad forces",
            "pro regime forces",
            "pro government forces",
            "tiger forces",
            "tiger paramilitary forces",
            "qawat al nimr",
            "republican guard",
            "fourth division",
            "4th division",
            "syrian arab air defense force",
            "syrian air force",
            "syrian warplanes",
            "regime warplanes",
            "regime helicopters",
            "قوات النظام",
            "النظام",
            "جيش النظام",
            "الجيش السوري",
            "الجيش العربي السوري",
            "قوات الحكومه",
            "القوات الحكوميه",
            "الحكومه السوريه",
            "قوات الاسد",
            "الطيران السوري",
            "طيران النظام",
            "قوات النمر",
        ],
    ),
    (
        "ndf",
        &[
            "national defence forces",
            "national defense forces",
            "ndf",
            "qdw",
            "pro government militia",
            "pro government militias",
            "militia pro government",
            "loyal militias",
            "loyalist militias",
            "loyal gunmen",
            "shabiha",
            "الدفاع الوطني",
            "قوات الدفاع الوطني",
            "الشبيحه",
            "الميليشيات الموالية",
            "الميليشيات الموالييه",
        ],
    ),
    (
        "hezbollah",
        &[
            "hezbollah",
            "hizbullah",
            "hizballah",
            "hizbollah",
            "حزب الله",
        ],
    ),
    (
        "iran",
        &[
            "iranian forces",
            "iranian militias",
            "irgc",
            "revolutionary guard",
            "revolutionary guards",
            "military forces of iran",
            "الحرس الثوري",
            "القوات الايرانيه",
            "الميليشيات الايرانيه",
        ],
    ),
    (
        "russia",
        &[
            "russian forces",
            "russian warplanes",
            "russian air force",
            "russian aircraft",
            "russian jets",
            "russian troops",
            "military forces of russia",
            "russians",
            "الطيران الروسي",
            "القوات الروسيه",
            "الطائرات الروسيه",
        ],
    ),
    (
        "opposition",
        &[
            "opposition rebels",
            "rebels",
            "rebel",
            "rebel factions",
            "rebel groups",
            "rebel fighters",
            "opposition factions",
            "opposition fighters",
            "armed opposition",
            "opposition",
            "opposition forces",
            "islamic factions",
            "islamist factions",
            "rebel and islamic factions",
            "islamist militia",
            "islamist rebels",
            "islamist groups",
            "armed factions",
            "the factions",
            "factions",
            "army of mujahideen",
            "jaysh al mujahideen",
            "lions of the east army",
            "jaysh usud al sharqiya",
            "suquor al sham",
            "soqour al sham",
            "al rahman corps",
            "faylaq al rahman",
            "nour al din al zenki",
            "nour al din zenki",
            "الفصائل",
            "فصائل المعارضه",
            "المعارضه المسلحه",
            "الفصائل الاسلاميه",
            "الفصائل المقاتله",
            "الثوار",
            "المعارضه",
            "فيلق الرحمن",
            "جيش المجاهدين",
        ],
    ),
    (
        "fsa",
        &[
            "free syrian army",
            "fsa",
            "jsh",
            "syrian national army",
            "national army",
            "jws",
            "operation euphrates shield",
            "euphrates shield",
            "turkish backed factions",
            "turkish backed rebels",
            "turkish backed",
            "الجيش السوري الحر",
            "الجيش الحر",
            "الجيش الوطني",
            "درع الفرات",
        ],
    ),
    (
        "jaysh_al_islam",
        &[
            "jaysh al islam",
            "jaish al islam",
            "army of islam",
            "جيش الاسلام",
        ],
    ),
    (
        "ahrar_al_sham",
        &["ahrar al sham", "ahrar", "aas", "احرار الشام"],
    ),
    (
        "faylaq_al_sham",
        &["faylaq al sham", "sham legion", "فيلق الشام"],
    ),
    ("southern_front", &["southern front", "الجبهه الجنوبيه"]),
    (
        "isil",
        &[
            "islamic state",
            "isis",
            "isil",
            "is",
            "daesh",
            "the islamic state organization",
            "islamic state organization",
            "khalid ibn al walid army",
            "jaysh khalid ibn al walid",
            "khalid ibn waleed army",
            "khalid ibn waleed",
            "jaish khalid",
            "تنظيم الدوله",
            "داعش",
            "الدوله الاسلاميه",
            "تنظيم الدوله الاسلاميه",
            "جيش خالد بن الوليد",
        ],
    ),
    (
        "nusra",
        &[
            "jabhat al nusra",
            "nusra front",
            "nusra",
            "jabhat fateh al sham",
            "jabhat fatah al sham",
            "jfs",
            "hayat tahrir al sham",
            "hay at tahrir al sham",
            "hts",
            "tahrir al sham",
            "هيئه تحرير الشام",
            "تحرير الشام",
            "جبهه النصره",
            "النصره",
            "جبهه فتح الشام",
        ],
    ),
    (
        "sdf",
        &[
            "syrian democratic forces",
            "sdf",
            "qsd",
            "qasad",
            "deir ez zor military council",
            "manbij military council",
            "jazeera storm",
            "قوات سوريا الديمقراطيه",
            "قسد",
        ],
    ),
    (
        "ypg",
        &[
            "ypg",
            "ypj",
            "peoples protection units",
            "people s protection units",
            "kurdish forces",
            "kurdish fighters",
            "kurdish militia",
            "وحدات حمايه الشعب",
        ],
    ),
    (
        "coalition",
        &[
            "coalition",
            "us led coalition",
            "international coalition",
            "global coalition",
            "coalition warplanes",
            "coalition aircraft",
            "global coalition against daesh",
            "التحالف الدولي",
            "طيران التحالف",
        ],
    ),
    (
        "turkey",
        &[
            "turkish forces",
            "turkish army",
            "turkish troops",
            "military forces of turkey",
            "turkish warplanes",
            "turkish artillery",
            "القوات التركيه",
            "الجيش التركي",
        ],
    ),
    (
        "civilians",
        &[
            "civilians",
            "civilian",
            "residents",
            "مدنيين",
            "المدنيين",
            "الاهالي",
        ],
    ),
];

/// Words that make an unnamed armed group: no registry actor, but an actor all the same.
const UNIDENTIFIED: &[&str] = &[
    "unidentified gunmen",
    "unidentified armed group",
    "unidentified armed men",
    "unknown gunmen",
    "unidentified group",
    "unknown assailants",
    "gunmen",
    "مسلحين مجهولين",
    "مجهولين",
];

/// An actor named in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorMention {
    /// Registry id, or `None` for an unidentified group.
    pub actor: Option<&'static str>,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
}

struct Dictionary {
    by_key: HashMap<String, Option<&'static str>>,
    longest: usize,
}

static DICTIONARY: LazyLock<Dictionary> = LazyLock::new(|| {
    let mut by_key = HashMap::new();
    let mut longest = 1;
    let mut add = |phrase: &str, actor: Option<&'static str>| {
        let key = phrase_key(phrase);
        longest = longest.max(key.split(' ').count());
        by_key.entry(key).or_insert(actor);
    };
    for (actor, phrases) in PHRASES {
        for phrase in *phrases {
            add(phrase, Some(actor));
        }
    }
    for phrase in UNIDENTIFIED {
        add(phrase, None);
    }
    Dictionary { by_key, longest }
});

fn phrase_key(phrase: &str) -> String {
    let tokens = text::tokenize(phrase);
    text::key_of_tokens(tokens.iter().map(|t| t.folded.as_str()))
}

/// Every actor named in `tokens`, in order, longest phrase first, without overlaps.
pub fn find(tokens: &[Token]) -> Vec<ActorMention> {
    let dictionary = &*DICTIONARY;
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut matched = None;
        let mut width = dictionary.longest.min(tokens.len() - i);
        while width > 0 {
            let span = &tokens[i..i + width];
            // "IS" only in capitals: "is" is a verb.
            let is_verb = width == 1 && span[0].folded == "is" && !span[0].capital;
            let key = text::key_of_tokens(span.iter().map(|t| t.folded.as_str()));
            if !is_verb
                && !key.is_empty()
                && let Some(actor) = dictionary.by_key.get(&key)
            {
                matched = Some(ActorMention {
                    actor: *actor,
                    first: i,
                    last: i + width,
                });
                break;
            }
            width -= 1;
        }
        match matched {
            Some(mention) => {
                i = mention.last;
                found.push(mention);
            }
            None => i += 1,
        }
    }
    found
}

/// The registry actor an ACLED actor label names (`Military Forces of Syria (2000-)`,
/// `QSD: Syrian Democratic Forces`), by the same dictionary.
pub fn actor_of_label(label: &str) -> Option<&'static str> {
    let cleaned: String = label
        .split('(')
        .next()
        .unwrap_or(label)
        .rsplit(':')
        .next()
        .unwrap_or(label)
        .to_owned();
    let tokens = text::tokenize(&cleaned);
    find(&tokens).into_iter().find_map(|m| m.actor).or_else(|| {
        find(&text::tokenize(label))
            .into_iter()
            .find_map(|m| m.actor)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actors(text: &str) -> Vec<Option<&'static str>> {
        find(&text::tokenize(text))
            .into_iter()
            .map(|m| m.actor)
            .collect()
    }

    #[test]
    fn press_wording_maps_to_the_registry() {
        assert_eq!(actors("Regime forces shelled Douma"), [Some("gos")]);
        assert_eq!(actors("IS fighters attacked; it is said"), [Some("isil")]);
        assert_eq!(
            actors("Daesh and HTS clashed"),
            [Some("isil"), Some("nusra")]
        );
        assert_eq!(
            actors("Jabhat al-Nusra and the SDF"),
            [Some("nusra"), Some("sdf")]
        );
        assert_eq!(actors("Turkish-backed factions advanced"), [Some("fsa")]);
        assert_eq!(actors("unidentified gunmen opened fire"), [None]);
        assert_eq!(
            actors("قصفت قوات النظام مواقع هيئة تحرير الشام"),
            [Some("gos"), Some("nusra")]
        );
        assert_eq!(
            actors("اشتباكات بين قسد وتنظيم داعش"),
            [Some("sdf"), Some("isil")]
        );
    }

    #[test]
    fn acled_labels_map_too() {
        assert_eq!(
            actor_of_label("Military Forces of Syria (2000-)"),
            Some("gos")
        );
        assert_eq!(actor_of_label("QSD: Syrian Democratic Forces"), Some("sdf"));
        assert_eq!(actor_of_label("HTS: Hayat Tahrir al Sham"), Some("nusra"));
        assert_eq!(actor_of_label("Islamic State (Syria)"), Some("isil"));
        assert_eq!(
            actor_of_label("Opposition Rebels (Syria)"),
            Some("opposition")
        );
        assert_eq!(actor_of_label("Operation Euphrates Shield"), Some("fsa"));
        assert_eq!(actor_of_label("Unidentified Armed Group (Syria)"), None);
    }
}
