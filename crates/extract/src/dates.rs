//! Dates in English and Arabic: explicit dates (`5 March 2016`, `March 5, 2016`, `2016-03-05`,
//! `5/3/2016`, `٥ آذار ٢٠١٦`) and expressions relative to the reference date (`yesterday`,
//! `last night`, `on Tuesday`, `أمس`).

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::text::Token;

/// A date found in the text, with ACLED's time precision (1 day, 2 week, 3 month).
#[derive(Debug, Clone, PartialEq)]
pub struct FoundDate {
    /// The date.
    pub date: NaiveDate,
    /// 1, 2 or 3.
    pub precision: u8,
    /// First token of the evidence.
    pub first: usize,
    /// One past the last token.
    pub last: usize,
    /// How sure: 0 to 1.
    pub confidence: f32,
}

/// English days and months written out, which read as capitalised words but name no place
/// ("May", also a verb, is left to the callers).
pub const DAYS_AND_MONTHS: [&str; 18] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Whether the folded word names a month ("may" aside, which is also a verb).
pub(crate) fn is_month_word(word: &str) -> bool {
    word != "may" && month(word).is_some()
}

fn month(word: &str) -> Option<u32> {
    Some(match word {
        "january" | "jan" | "يناير" | "كانون" => 1,
        "february" | "feb" | "فبراير" | "شباط" => 2,
        "march" | "mar" | "مارس" | "اذار" => 3,
        "april" | "apr" | "ابريل" | "نيسان" => 4,
        "may" | "مايو" | "ايار" => 5,
        "june" | "jun" | "يونيو" | "حزيران" => 6,
        "july" | "jul" | "يوليو" | "تموز" => 7,
        "august" | "aug" | "اغسطس" | "اب" => 8,
        "september" | "sep" | "sept" | "سبتمبر" | "ايلول" => 9,
        "october" | "oct" | "اكتوبر" | "تشرين" => 10,
        "november" | "nov" | "نوفمبر" => 11,
        "december" | "dec" | "ديسمبر" => 12,
        _ => return None,
    })
}

/// The month named at `i`, with the number of tokens it takes: the Levantine names
/// `كانون الثاني`, `تشرين الأول` take two.
fn month_at(tokens: &[Token], i: usize) -> Option<(u32, usize)> {
    let word = tokens.get(i)?.folded.as_str();
    let next = tokens.get(i + 1).map(|t| t.folded.as_str());
    match (word, next) {
        ("كانون", Some("الثاني" | "ثاني")) => Some((1, 2)),
        ("كانون", Some("الاول" | "اول")) => Some((12, 2)),
        ("تشرين", Some("الاول" | "اول")) => Some((10, 2)),
        ("تشرين", Some("الثاني" | "ثاني")) => Some((11, 2)),
        ("كانون" | "تشرين", _) => None,
        // "may" is also a verb: only as a month next to a number.
        ("may", _) => None,
        _ => month(word).map(|m| (m, 1)),
    }
}

fn number(token: Option<&Token>) -> Option<u32> {
    let folded = token?.folded.as_str();
    let digits = folded
        .strip_suffix("st")
        .or_else(|| folded.strip_suffix("nd"))
        .or_else(|| folded.strip_suffix("rd"))
        .or_else(|| folded.strip_suffix("th"))
        .unwrap_or(folded);
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "monday" | "الاثنين" | "الإثنين" => Weekday::Mon,
        "tuesday" | "الثلاثاء" => Weekday::Tue,
        "wednesday" | "الاربعاء" => Weekday::Wed,
        "thursday" | "الخميس" => Weekday::Thu,
        "friday" | "الجمعه" => Weekday::Fri,
        "saturday" | "السبت" => Weekday::Sat,
        "sunday" | "الاحد" => Weekday::Sun,
        _ => return None,
    })
}

fn year_or(reference: NaiveDate, year: Option<u32>) -> i32 {
    year.and_then(|y| i32::try_from(y).ok())
        .filter(|y| (1990..=2100).contains(y))
        .unwrap_or(reference.year())
}

/// A date without a year is the latest such date not after the reference; with its weekday
/// ("Friday 9 June"), the latest one that fell on that day, within the last ten years.
fn without_year(
    reference: NaiveDate,
    month: u32,
    day: u32,
    weekday: Option<Weekday>,
) -> Option<NaiveDate> {
    if let Some(weekday) = weekday {
        let on_that_day = (0..=10)
            .filter_map(|back| NaiveDate::from_ymd_opt(reference.year() - back, month, day))
            .find(|date| *date <= reference && date.weekday() == weekday);
        if on_that_day.is_some() {
            return on_that_day;
        }
    }
    let this_year = NaiveDate::from_ymd_opt(reference.year(), month, day)?;
    if this_year <= reference {
        Some(this_year)
    } else {
        NaiveDate::from_ymd_opt(reference.year() - 1, month, day)
    }
}

/// The first date the text gives, explicit or relative to `reference`. A range of days
/// ("between 5 and 7 March", "November 21st and 26th", "31 December - 2 January") is its middle
/// day, rounded down, with ACLED's precision of a week, as ACLED codes it.
pub fn find(tokens: &[Token], text: &str, reference: NaiveDate) -> Option<FoundDate> {
    let mut relative = None;
    for i in 0..tokens.len() {
        if let Some(found) = explicit_at(tokens, text, i, reference) {
            return Some(as_range(tokens, text, reference, found));
        }
        if relative.is_none() {
            relative = relative_at(tokens, i, reference);
        }
    }
    relative
}

/// Words that join the two ends of a range of days.
const RANGE_WORDS: &[&str] = &["and", "to", "until", "till", "through"];

/// `found`, widened to the range of days it ends or begins, and then its middle day.
fn as_range(tokens: &[Token], text: &str, reference: NaiveDate, found: FoundDate) -> FoundDate {
    if found.precision != 1 {
        return found;
    }
    let day_at = |j: usize| number(tokens.get(j)).filter(|d| (1..=31).contains(d));
    let dash_between = |a: usize, b: usize| {
        text[tokens[a].end..tokens[b].start]
            .trim()
            .starts_with(['-', '–'])
    };
    let joined = |a: usize, b: usize| {
        dash_between(a, b) || RANGE_WORDS.contains(&tokens[a + 1].folded.as_str()) && a + 2 == b
    };
    let (mut start, mut end) = (found.date, found.date);
    let (mut first, mut last) = (found.first, found.last);
    // "5-7 March 2020", "between 5 and 7 March": a day before the date, in its month.
    let before = [found.first.checked_sub(1), found.first.checked_sub(2)]
        .into_iter()
        .flatten()
        .find(|&j| day_at(j).is_some() && joined(j, found.first));
    if let Some(j) = before
        && let Some(day) = day_at(j)
        && let Some(date) = found.date.with_day(day)
        && date < found.date
    {
        start = date;
        first = j;
    } else if found.last < tokens.len() {
        // "November 21st and 26th", "31 December 2019 - 2 January 2020": a day or a date after.
        let after = [found.last, found.last + 1]
            .into_iter()
            .find(|&j| j < tokens.len() && joined(found.last - 1, j));
        if let Some(j) = after {
            if let Some(next) = explicit_at(tokens, text, j, reference) {
                if next.precision == 1 && next.date > found.date {
                    end = next.date;
                    last = next.last;
                }
            } else if let Some(day) = day_at(j)
                && let Some(date) = found.date.with_day(day)
                && date > found.date
            {
                // A bare number after a date is a day only when it reads as one: "26th", or
                // at the end of the phrase ("August 9 and 10, clashes"), not "5 and 7 fighters".
                let ordinal = !tokens[j].folded.bytes().all(|b| b.is_ascii_digit());
                let phrase_ends = tokens.get(j + 1).is_none_or(|t| t.after_break);
                if ordinal || phrase_ends {
                    end = date;
                    last = j + 1;
                }
            }
        }
    }
    if start == end {
        return found;
    }
    let middle = start
        .checked_add_days(Days::new(((end - start).num_days() / 2).unsigned_abs()))
        .unwrap_or(start);
    FoundDate {
        date: middle,
        precision: 2,
        first,
        last,
        confidence: found.confidence,
    }
}

fn explicit_at(tokens: &[Token], text: &str, i: usize, reference: NaiveDate) -> Option<FoundDate> {
    let day_first = number(tokens.get(i));
    // "Friday 9 June", "Friday, June 9": the weekday just before the date.
    let weekday_before = i.checked_sub(1).and_then(|k| weekday(&tokens[k].folded));
    // 2016-03-05 and 5/3/2016 (day first, as written in Syria and by ACLED).
    if let Some(first) = day_first {
        let (a, b) = (tokens.get(i + 1), tokens.get(i + 2));
        let joined = tokens
            .get(i + 2)
            .map(|t| &text[tokens[i].start..t.end])
            .unwrap_or("");
        if let (Some(second), Some(third)) = (number(a), number(b)) {
            let separators: Vec<char> = joined.chars().filter(|c| !c.is_alphanumeric()).collect();
            let numeric =
                separators.len() == 2 && separators.iter().all(|c| matches!(c, '-' | '/' | '.'));
            if numeric {
                // The year has four digits, or two ("5/3/16"); "3/3/4" is no date.
                let year = match (third, b.map_or(0, |t| t.folded.len())) {
                    (1990..=2100, 4) => Some(third),
                    (0..=99, 2) => Some(2000 + third),
                    _ => None,
                };
                let date = if first > 31 {
                    NaiveDate::from_ymd_opt(i32::try_from(first).ok()?, second, third)
                } else {
                    year.and_then(|y| {
                        NaiveDate::from_ymd_opt(year_or(reference, Some(y)), second, first)
                    })
                };
                if let Some(date) = date {
                    return Some(FoundDate {
                        date,
                        precision: 1,
                        first: i,
                        last: i + 3,
                        confidence: 0.9,
                    });
                }
            }
        }
        // 5 March 2016, 5 March, ٥ كانون الثاني ٢٠١٦
        if first <= 31 {
            // "the 2nd of March": skip the "of".
            let of = usize::from(tokens.get(i + 1).map(|t| t.folded.as_str()) == Some("of"));
            if let Some((m, width)) = month_at(tokens, i + 1 + of).or_else(|| {
                // "5 May": may as a month only after a day number.
                (tokens.get(i + 1 + of).map(|t| t.folded.as_str()) == Some("may")).then_some((5, 1))
            }) {
                // "12 شباط/فبراير 2016": the Levantine and the Egyptian name of one month.
                let paired = month_at(tokens, i + 1 + of + width)
                    .filter(|(other, _)| *other == m)
                    .map_or(0, |(_, w)| w);
                let width = width + of + paired;
                let year = number(tokens.get(i + 1 + width)).filter(|y| *y >= 1990);
                let date = match year {
                    Some(y) => NaiveDate::from_ymd_opt(year_or(reference, Some(y)), m, first),
                    None => without_year(reference, m, first, weekday_before),
                };
                if let Some(date) = date {
                    let last = i + 1 + width + usize::from(year.is_some());
                    return Some(FoundDate {
                        date,
                        precision: 1,
                        first: i,
                        last,
                        confidence: 0.95,
                    });
                }
            }
        }
    }
    // March 5, 2016 / March 5 / March 2016 (a month: precision 3)
    if let Some((m, width)) = month_at(tokens, i) {
        let next = number(tokens.get(i + width));
        match next {
            Some(day) if day <= 31 => {
                let year = number(tokens.get(i + width + 1)).filter(|y| *y >= 1990);
                let date = match year {
                    Some(y) => NaiveDate::from_ymd_opt(year_or(reference, Some(y)), m, day),
                    None => without_year(reference, m, day, weekday_before),
                };
                if let Some(date) = date {
                    let last = i + width + 1 + usize::from(year.is_some());
                    return Some(FoundDate {
                        date,
                        precision: 1,
                        first: i,
                        last,
                        confidence: 0.9,
                    });
                }
            }
            Some(year) if year >= 1990 => {
                let date = NaiveDate::from_ymd_opt(year_or(reference, Some(year)), m, 1)?;
                return Some(FoundDate {
                    date,
                    precision: 3,
                    first: i,
                    last: i + width + 1,
                    confidence: 0.6,
                });
            }
            _ => {}
        }
    }
    None
}

fn relative_at(tokens: &[Token], i: usize, reference: NaiveDate) -> Option<FoundDate> {
    let word = tokens[i].folded.as_str();
    let next = tokens.get(i + 1).map(|t| t.folded.as_str());
    let back = |days: u64, width: usize, confidence: f32| {
        Some(FoundDate {
            date: reference.checked_sub_days(Days::new(days))?,
            precision: 1,
            first: i,
            last: i + width,
            confidence,
        })
    };
    match (word, next) {
        ("today" | "tonight" | "اليوم", _)
        | ("this", Some("morning" | "evening" | "afternoon")) => {
            back(0, if word == "this" { 2 } else { 1 }, 0.8)
        }
        ("yesterday" | "امس" | "البارحه", _) => back(1, 1, 0.85),
        ("last", Some("night")) => back(1, 2, 0.75),
        ("ليله", Some("امس")) => back(1, 2, 0.8),
        ("last", Some("week")) | ("الاسبوع", Some("الماضي")) => Some(FoundDate {
            date: reference.checked_sub_days(Days::new(7))?,
            precision: 2,
            first: i,
            last: i + 2,
            confidence: 0.5,
        }),
        _ => {
            // "on Tuesday", "يوم الثلاثاء": the latest such day before the reference.
            let day = weekday(word)?;
            let mut date = reference.checked_sub_days(Days::new(1))?;
            while date.weekday() != day {
                date = date.checked_sub_days(Days::new(1))?;
            }
            Some(FoundDate {
                date,
                precision: 1,
                first: i,
                last: i + 1,
                confidence: 0.7,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn date(text: &str, reference: &str) -> Option<(String, u8)> {
        let reference = NaiveDate::parse_from_str(reference, "%Y-%m-%d").unwrap();
        find(&tokenize(text), text, reference).map(|d| (d.date.to_string(), d.precision))
    }

    fn day(text: &str) -> String {
        // Thursday 10 March 2016.
        date(text, "2016-03-10").map(|(d, _)| d).unwrap_or_default()
    }

    #[test]
    fn a_range_of_days_is_its_middle_day_within_a_week() {
        let at = |text: &str| date(text, "2020-06-01");
        for (text, expected) in [
            ("On 5 and 6 March 2020, shelling hit Ariha.", "2020-03-05"),
            ("Between 5-7 March 2020 the road was cut.", "2020-03-06"),
            ("From 3 to 9 May 2020 the siege held.", "2020-05-06"),
            (
                "Between November 21st and 26th, villages changed hands.",
                "2019-11-23",
            ),
            (
                "Between August 9 and 10, the hill was shelled.",
                "2019-08-09",
            ),
            (
                "From 31 December 2019 - 2 January 2020 the town was cut off.",
                "2020-01-01",
            ),
        ] {
            assert_eq!(at(text), Some((expected.to_owned(), 2)), "{text}");
        }
        // A number after a date that counts people is no end of a range.
        assert_eq!(
            at("On March 5 and 7 fighters were killed."),
            Some(("2020-03-05".to_owned(), 1))
        );
        assert_eq!(
            at("On 5 March 2020 and 7 fighters died."),
            Some(("2020-03-05".to_owned(), 1))
        );
    }

    #[test]
    fn explicit_english_dates() {
        assert_eq!(day("on 20/09/2017"), "2017-09-20");
        assert_eq!(day("on 5/3/16"), "2016-03-05");
        // Not a date: the day the report came in is not found in the text either.
        assert_eq!(date("a 3/3/4 split", "2016-03-10"), None);
        assert_eq!(day("On 5 March 2016, shelling hit Douma."), "2016-03-05");
        assert_eq!(day("On March 5, 2016 shelling hit Douma."), "2016-03-05");
        assert_eq!(day("On the 2nd of March, shelling"), "2016-03-02");
        assert_eq!(day("Reported 2016-03-04 by the monitor"), "2016-03-04");
        assert_eq!(day("Reported 4/3/2016 by the monitor"), "2016-03-04");
        assert_eq!(day("on 27 February clashes resumed"), "2016-02-27");
        assert_eq!(
            day("on 12 December clashes resumed"),
            "2015-12-12",
            "without a year: the last one"
        );
        assert_eq!(day("On 3 May 2016 troops may move"), "2016-05-03");
        // Without a year, the weekday tells which year: 9 June fell on a Friday in 2017, and
        // 12 December on a Saturday in 2015 but on a Wednesday in 2012.
        assert_eq!(
            date("On Friday 9 June, warplanes struck", "2021-06-28").map(|(d, _)| d),
            Some("2017-06-09".into())
        );
        assert_eq!(day("On Wednesday, December 12, shelling"), "2012-12-12");
        assert_eq!(
            date("During March 2016 the town was besieged", "2016-04-02"),
            Some(("2016-03-01".into(), 3))
        );
    }

    #[test]
    fn explicit_arabic_dates() {
        assert_eq!(day("في ٥ آذار ٢٠١٦ قصفت قوات النظام دوما"), "2016-03-05");
        assert_eq!(day("في 5 مارس 2016 قصف"), "2016-03-05");
        assert_eq!(day("بتاريخ 3 كانون الثاني 2016"), "2016-01-03");
        assert_eq!(day("بتاريخ 3 تشرين الأول"), "2015-10-03");
        // The Levantine and Egyptian names of the month side by side, as the press writes them.
        assert_eq!(day("في 12 شباط/فبراير 2014 قصف"), "2014-02-12");
        assert_eq!(day("في 3 كانون الثاني/يناير 2015"), "2015-01-03");
    }

    #[test]
    fn relative_dates_against_the_reference() {
        assert_eq!(day("Yesterday regime forces shelled Douma"), "2016-03-09");
        assert_eq!(day("Last night regime forces shelled Douma"), "2016-03-09");
        assert_eq!(day("Today regime forces shelled Douma"), "2016-03-10");
        assert_eq!(
            day("This morning regime forces shelled Douma"),
            "2016-03-10"
        );
        assert_eq!(day("On Tuesday regime forces shelled Douma"), "2016-03-08");
        assert_eq!(
            day("On Thursday regime forces shelled Douma"),
            "2016-03-03",
            "a week back, not today"
        );
        assert_eq!(day("قصفت قوات النظام دوما أمس"), "2016-03-09");
        assert_eq!(day("قصفت قوات النظام دوما يوم الثلاثاء"), "2016-03-08");
        assert_eq!(
            date("Last week clashes were reported", "2016-03-10"),
            Some(("2016-03-03".into(), 2))
        );
        assert_eq!(day("Clashes in Douma"), "");
    }
}
