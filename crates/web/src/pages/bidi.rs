//! Text in two directions. Inside Arabic, a Latin run (a code, an English name, a time) must be
//! isolated or the bidirectional algorithm reorders it with its neighbours: "(F–A)" for "(A–F)",
//! a time split from its zone, a full stop thrown to the start of the line. These helpers wrap
//! such runs in `<bdi dir="ltr">`, choose a data value's Arabic form when it has one, and write
//! numbers and times the way the language does.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

use super::Lang;

/// Left-to-right text (a code, a coordinate, a name with no Arabic form), isolated.
pub(crate) fn ltr(text: &str) -> Markup {
    html! { bdi dir="ltr" { (text) } }
}

/// A value of the data in the page's language: its Arabic form on an Arabic page when there is
/// one (with any Latin inside it isolated and its digits Arabic), else the English, isolated on
/// an Arabic page.
pub(crate) fn in_lang(lang: Lang, english: &str, arabic: &str) -> Markup {
    match lang {
        Lang::Ar if !arabic.trim().is_empty() => html! {
            @for (run, latin) in latin_runs(arabic, false) {
                @if latin { bdi dir="ltr" { (run) } } @else { (Lang::Ar.digits(run)) }
            }
        },
        Lang::Ar => html! { bdi dir="ltr" lang="en" { (english) } },
        Lang::En => html! { (english) },
    }
}

/// Plain text (an SVG title, an interface string) with every Latin run between the Unicode
/// isolates LRI and PDI, which do in plain text what `<bdi dir="ltr">` does in HTML.
pub(crate) fn isolate_plain(text: &str) -> String {
    isolate(text, false)
}

/// Plain text (a name, an id, a sentence left in English) for a page in `lang`: its Latin runs
/// isolated on an Arabic page, as it is on an English one.
pub(crate) fn plain(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Ar => isolate_plain(text),
        Lang::En => text.to_owned(),
    }
}

/// A name of the data as plain text in `lang`: the Arabic one on an Arabic page when there is
/// one, else the English (isolated there).
pub(crate) fn name_in(lang: Lang, english: &str, arabic: &str) -> String {
    match lang {
        Lang::Ar if !arabic.is_empty() => arabic.to_owned(),
        _ => plain(lang, english),
    }
}

/// Plain text (a date, a time, an id) isolated whole, left to right, between LRI and PDI.
pub(crate) fn ltr_plain(text: &str) -> String {
    format!("\u{2066}{text}\u{2069}")
}

/// An interface string isolated as [`isolate_plain`] does, its `{placeholders}` left alone.
pub(crate) fn isolate_template(text: &str) -> String {
    isolate(text, true)
}

fn isolate(text: &str, placeholders: bool) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (run, latin) in latin_runs(text, placeholders) {
        if latin {
            out.push('\u{2066}');
            out.push_str(run);
            out.push('\u{2069}');
        } else {
            out.push_str(run);
        }
    }
    out
}

/// Splits `text` into runs, marking those to isolate: each starts at a Latin letter and runs over
/// Latin letters, digits, spaces and ASCII punctuation up to its last letter, digit or closing
/// bracket before the next non-ASCII character. A closing bracket the run did not open ends it.
/// With `placeholders`, a `{placeholder}` of an interface string is left alone.
fn latin_runs(text: &str, placeholders: bool) -> Vec<(&str, bool)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut runs = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if placeholders && c == '{' {
            i += chars[i..].iter().position(|&(_, c)| c == '}').unwrap_or(0) + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let mut open = 0u32;
        let mut solid_end = start + c.len_utf8();
        let mut next_plain = i + 1;
        let mut j = i + 1;
        while let Some(&(at, next)) = chars.get(j) {
            // A range's dash belongs to the run ("R0–R6", "A–F").
            if !next.is_ascii() && next != '–' {
                break;
            }
            match next {
                '{' if placeholders => break,
                '(' | '[' | '{' => open += 1,
                ')' | ']' | '}' if open == 0 => break,
                ')' | ']' | '}' => open -= 1,
                _ => {}
            }
            j += 1;
            if next.is_ascii_alphanumeric() || matches!(next, ')' | ']' | '}') {
                solid_end = at + next.len_utf8();
                next_plain = j;
            }
        }
        if start > plain_start {
            runs.push((&text[plain_start..start], false));
        }
        runs.push((&text[start..solid_end], true));
        plain_start = solid_end;
        i = next_plain;
    }
    if plain_start < text.len() {
        runs.push((&text[plain_start..], false));
    }
    runs
}

/// A count in the language's digits, with its thousands separator.
pub(crate) fn number(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    lang.digits(&grouped)
}

/// An instant in the agreement's zone ("2016-02-27 00:00 EET"), isolated left to right, with
/// the instant itself for machines.
pub(crate) fn local_time(lang: Lang, instant: DateTime<Utc>, zone: Tz) -> Markup {
    let text = truce_core::time::format_local(instant, zone);
    html! { time datetime=(instant.to_rfc3339()) dir="ltr" { (lang.digits(&text)) } }
}

/// An instant in UTC ("2016-02-26 22:00 UTC"), isolated left to right.
pub(crate) fn utc_time(lang: Lang, instant: DateTime<Utc>) -> Markup {
    let text = truce_core::time::format_utc(instant);
    html! { time datetime=(instant.to_rfc3339()) dir="ltr" { (lang.digits(&text)) } }
}

/// A day ("2016-02-27"), isolated left to right.
pub(crate) fn day(lang: Lang, date: chrono::NaiveDate) -> Markup {
    html! { time datetime=(date.to_string()) dir="ltr" { (lang.digits(&date.to_string())) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn isolated(text: &str) -> Vec<&str> {
        latin_runs(text, false)
            .into_iter()
            .filter(|(_, latin)| *latin)
            .map(|(run, _)| run)
            .collect()
    }

    #[test]
    fn latin_runs_are_found_whole_and_trimmed() {
        assert_eq!(
            isolated("الفقرة 2 من الملحق، بحسب قاعدة بيانات PA-X)."),
            vec!["PA-X"]
        );
        assert_eq!(
            isolated("قائمة UNSC 1267 (list) و ISIL."),
            vec!["UNSC 1267 (list)", "ISIL"]
        );
        assert_eq!(
            isolated("Government of Syria."),
            vec!["Government of Syria"]
        );
        assert_eq!(isolated("عدد 40,000 فقط"), Vec::<&str>::new());
        let text = "أ (A–F) ب";
        let joined: String = latin_runs(text, false)
            .into_iter()
            .map(|(run, _)| run)
            .collect();
        assert_eq!(joined, text, "nothing is lost");
        assert_eq!(
            isolate_template("صنّفها {actor} عبر ACLED"),
            "صنّفها {actor} عبر \u{2066}ACLED\u{2069}",
            "placeholders stay"
        );
        assert_eq!(isolated("اللواء «Liwa {X}»"), vec!["Liwa {X}"]);
        assert_eq!(isolated("القواعد R0–R6)"), vec!["R0–R6"]);
        assert_eq!(isolate_plain("عبر RU."), "عبر \u{2066}RU\u{2069}.");
    }

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(number(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(number(Lang::Ar, 1_234_567), "١٬٢٣٤٬٥٦٧");
        assert_eq!(number(Lang::Ar, 12), "١٢");
    }
}
