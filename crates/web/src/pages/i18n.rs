//! User-interface text in English and Arabic, from `i18n/en.json` and `i18n/ar.json`. No text
//! is written into the templates; a test keeps the two files' keys identical.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::HeaderMap;

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
static AR: LazyLock<Table> = LazyLock::new(|| table(include_str!("../../i18n/ar.json")));

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

    /// The text for `key`; the key itself when a translation is missing (visible, never empty).
    pub fn t(self, key: &str) -> String {
        let table = match self {
            Lang::En => &*EN,
            Lang::Ar => &*AR,
        };
        table.get(key).cloned().unwrap_or_else(|| key.to_owned())
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
