//! Local wall-clock times of agreements, converted to UTC through the IANA time-zone database.
//!
//! Agreements state their times in local time ("00:00 Damascus time on 27 February"), and
//! Damascus observed daylight-saving time in 2016 (UTC+2 in winter, UTC+3 from 25 March). A fixed
//! offset would move every later instant by an hour, so conversions always go through `chrono-tz`.

use chrono::{DateTime, Datelike, LocalResult, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Why a local time could not be turned into one UTC instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LocalTimeError {
    /// The text is not `YYYY-MM-DDTHH:MM[:SS]`.
    #[error("'{0}' is not a local time of the form YYYY-MM-DDTHH:MM[:SS]")]
    Malformed(String),
    /// The zone name is not in the IANA database.
    #[error("'{0}' is not an IANA time zone (e.g. Asia/Damascus)")]
    UnknownZone(String),
    /// The clock jumped over this time (start of daylight-saving time).
    #[error("{0} does not exist in {1}: the clocks skipped it")]
    Nonexistent(NaiveDateTime, Tz),
    /// The clock passed this time twice (end of daylight-saving time).
    #[error("{0} happened twice in {1}: give the UTC instant instead")]
    Ambiguous(NaiveDateTime, Tz),
}

/// Parses an IANA zone name such as `Asia/Damascus`.
pub fn parse_zone(name: &str) -> Result<Tz, LocalTimeError> {
    name.parse::<Tz>()
        .map_err(|_| LocalTimeError::UnknownZone(name.to_owned()))
}

/// Parses `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` (no offset: it is wall-clock time).
pub fn parse_local(text: &str) -> Result<NaiveDateTime, LocalTimeError> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .map_err(|_| LocalTimeError::Malformed(text.to_owned()))
}

/// The UTC instant of a wall-clock time in `zone`, refusing times that did not exist or
/// happened twice.
pub fn local_to_utc(local: NaiveDateTime, zone: Tz) -> Result<DateTime<Utc>, LocalTimeError> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) => Ok(instant.with_timezone(&Utc)),
        LocalResult::None => Err(LocalTimeError::Nonexistent(local, zone)),
        LocalResult::Ambiguous(..) => Err(LocalTimeError::Ambiguous(local, zone)),
    }
}

/// Formats an instant as `YYYY-MM-DD HH:MM <abbreviation>` in `zone`, for reasons and reports.
pub fn format_local(instant: DateTime<Utc>, zone: Tz) -> String {
    let local = instant.with_timezone(&zone);
    // Written field by field: every classification explains itself with a few of these, and
    // chrono's `format` parses its pattern each time (the offset prints as `%Z` would).
    format!("{} {}", minutes(&local), local.offset())
}

/// Formats an instant as `YYYY-MM-DD HH:MM UTC`.
pub fn format_utc(instant: DateTime<Utc>) -> String {
    format!("{} UTC", minutes(&instant))
}

/// `YYYY-MM-DD HH:MM` of a local or UTC time.
fn minutes<T: Datelike + Timelike>(time: &T) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        time.year(),
        time.month(),
        time.day(),
        time.hour(),
        time.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn damascus() -> Tz {
        parse_zone("Asia/Damascus").unwrap()
    }

    #[test]
    fn the_2016_start_was_22_00_utc_because_damascus_was_utc_plus_2() {
        let start = local_to_utc(parse_local("2016-02-27T00:00").unwrap(), damascus()).unwrap();
        assert_eq!(start.to_rfc3339(), "2016-02-26T22:00:00+00:00");
        let deadline = local_to_utc(parse_local("2016-02-26T12:00").unwrap(), damascus()).unwrap();
        assert_eq!(deadline.to_rfc3339(), "2016-02-26T10:00:00+00:00");
    }

    #[test]
    fn summer_times_in_2016_are_utc_plus_3() {
        // The Aleppo "regime of calm" started at 00:01 on 4 May 2016.
        let aleppo = local_to_utc(parse_local("2016-05-04T00:01").unwrap(), damascus()).unwrap();
        assert_eq!(aleppo.to_rfc3339(), "2016-05-03T21:01:00+00:00");
    }

    #[test]
    fn the_hour_skipped_on_25_march_2016_is_rejected() {
        let skipped = parse_local("2016-03-25T00:30").unwrap();
        assert!(matches!(
            local_to_utc(skipped, damascus()),
            Err(LocalTimeError::Nonexistent(..))
        ));
        let after = local_to_utc(parse_local("2016-03-25T01:00").unwrap(), damascus()).unwrap();
        assert_eq!(after.to_rfc3339(), "2016-03-24T22:00:00+00:00");
    }

    #[test]
    fn the_hour_repeated_in_october_2016_is_rejected() {
        // Damascus fell back from 00:00 to 23:00 on 28 October 2016.
        let repeated = parse_local("2016-10-27T23:30").unwrap();
        assert!(matches!(
            local_to_utc(repeated, damascus()),
            Err(LocalTimeError::Ambiguous(..))
        ));
    }

    #[test]
    fn local_formatting_names_the_offset_in_force() {
        let winter = "2016-02-26T22:00:00Z".parse().unwrap();
        let summer = "2016-05-03T21:01:00Z".parse().unwrap();
        assert_eq!(format_local(winter, damascus()), "2016-02-27 00:00 EET");
        assert_eq!(format_local(summer, damascus()), "2016-05-04 00:01 EEST");
    }

    #[test]
    fn malformed_times_and_zones_are_errors() {
        assert!(parse_local("27 Feb 2016").is_err());
        assert!(parse_zone("Damascus").is_err());
    }

    #[test]
    fn times_are_written_as_chrono_writes_them() {
        for (zone, text) in [
            ("Asia/Damascus", "2016-03-30T21:59:00Z"),
            ("Asia/Damascus", "2016-02-26T22:00:00Z"),
            ("Europe/Moscow", "2016-02-12T09:05:00Z"),
            ("America/Sao_Paulo", "2016-01-01T00:00:00Z"),
            ("UTC", "0999-12-31T23:59:00Z"),
        ] {
            let zone = parse_zone(zone).unwrap();
            let instant: DateTime<Utc> = text.parse().unwrap();
            assert_eq!(
                format_local(instant, zone),
                instant
                    .with_timezone(&zone)
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string()
            );
            assert_eq!(
                format_utc(instant),
                instant.format("%Y-%m-%d %H:%M UTC").to_string()
            );
        }
    }
}
