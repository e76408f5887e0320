//! The part of the day a text gives ("this morning", "at dawn", "صباح اليوم"), from the phrases
//! of `data/extract/parts-of-day.csv`. A report rarely says the hour; the part it does say is
//! kept, and no time of day is made up.

use std::sync::LazyLock;

use crate::text::{Token, tokenize};

const TABLE: &str = include_str!("../../../data/extract/parts-of-day.csv");

/// The parts, in the order of the day.
pub const PARTS: [&str; 4] = ["night", "morning", "afternoon", "evening"];

/// The phrases as folded words, the longest first (so that "this morning" wins over
/// "morning"), each with its part.
static PHRASES: LazyLock<Vec<(Vec<String>, &'static str)>> = LazyLock::new(|| {
    let mut phrases: Vec<(Vec<String>, &'static str)> = TABLE
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(','))
        .filter(|(part, _)| PARTS.contains(part))
        .map(|(part, phrase)| {
            let words = tokenize(phrase).into_iter().map(|t| t.folded).collect();
            (words, part)
        })
        .collect();
    phrases.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
    phrases
});

/// A part of the day found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPart {
    /// `night`, `morning`, `afternoon` or `evening`.
    pub part: &'static str,
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
}

/// The first part of the day the text names.
pub fn find(tokens: &[Token]) -> Option<FoundPart> {
    (0..tokens.len()).find_map(|first| {
        PHRASES.iter().find_map(|(words, part)| {
            let last = first + words.len();
            let matches = !words.is_empty()
                && tokens
                    .get(first..last)
                    .is_some_and(|span| span.iter().zip(words).all(|(t, w)| &t.folded == w));
            matches.then_some(FoundPart { part, first, last })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(text: &str) -> Option<&'static str> {
        find(&tokenize(text)).map(|found| found.part)
    }

    #[test]
    fn every_line_of_the_table_names_a_part() {
        for line in TABLE.lines().skip(1) {
            let (part, phrase) = line.split_once(',').unwrap_or_default();
            assert!(PARTS.contains(&part), "{line}");
            assert!(!phrase.trim().is_empty(), "{line}");
        }
    }

    #[test]
    fn parts_of_the_day_are_read_in_both_languages() {
        assert_eq!(
            part("This morning regime forces shelled Douma"),
            Some("morning")
        );
        assert_eq!(part("Clashes went on overnight near Tafas"), Some("night"));
        assert_eq!(
            part("قصفت قوات النظام صباح اليوم مدينة دوما"),
            Some("morning")
        );
        assert_eq!(part("غارات جوية مساء أمس على داريا"), Some("evening"));
        assert_eq!(
            part("On 3 March 2016 helicopters dropped barrel bombs on Daraya"),
            None
        );
    }
}
