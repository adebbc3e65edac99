//! Time zones, from the IANA time-zone database bundled into the binary
//! (jiff's `tzdb-bundle-always`): every machine reads a local time with the
//! same daylight-saving rules, whatever the host has installed.

use super::Instant;
use crate::check::suggest::did_you_mean;
use chrono::{Datelike, NaiveDateTime, Timelike};
use jiff::civil;
use jiff::tz::TimeZone;

/// The zone named `name`: an IANA name such as `Europe/Berlin` (any case)
/// or `UTC`. When there is none, the closest known name, if one is close.
pub fn lookup(name: &str) -> Result<TimeZone, Option<String>> {
    jiff::tz::db().get(name).map_err(|_| closest(name))
}

/// The name a zone is written with in messages and output.
pub fn name(zone: &TimeZone) -> &str {
    zone.iana_name().unwrap_or("UTC")
}

/// The known zone name closest to `name`: by spelling, else by its city
/// (`Berlin` and `new york` find `Europe/Berlin` and `America/New_York`).
fn closest(name: &str) -> Option<String> {
    let names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .collect();
    if let Some(found) = did_you_mean(name, names.iter().map(String::as_str)) {
        return Some(found.to_string());
    }
    let city = |n: &str| n.rsplit('/').next().unwrap_or(n).replace(' ', "_");
    let cities: Vec<String> = names.iter().map(|n| city(n)).collect();
    let wanted = city(name);
    let found = did_you_mean(&wanted, cities.iter().map(String::as_str))?;
    let at = cities.iter().position(|c| c == found)?;
    Some(names[at].clone())
}

/// The instant a wall-clock time in `zone` names (`None` outside the
/// years -9999 to 9999 that jiff holds). Daylight saving follows the rule
/// of RFC 5545, which jiff calls `compatible`: a time the clocks skip in
/// spring (02:30 in Berlin on the last Sunday of March) is read with the
/// offset before the change, so it lands as far after the change as it was
/// written into the gap (01:30 UTC, 03:30 summer time); a time the clocks
/// show twice in autumn is the first of the two (still summer time).
pub fn local_instant(zone: &TimeZone, t: NaiveDateTime) -> Option<Instant> {
    let civil = civil::DateTime::new(
        i16::try_from(t.year()).ok()?,
        t.month() as i8,
        t.day() as i8,
        t.hour() as i8,
        t.minute() as i8,
        t.second().min(59) as i8,
        t.nanosecond().min(999_999_999) as i32,
    )
    .ok()?;
    let ts = zone.to_ambiguous_timestamp(civil).compatible().ok()?;
    Some(Instant::from_nanos(ts.as_nanosecond()))
}

/// The wall-clock time `t` shows in `zone` (UTC for `None`): the reverse
/// of [`local_instant`], for reading the day, hour or weekday of an instant
/// where the rules run (`Ruleset::zone`, from `--timezone`). `None`
/// outside the years jiff holds.
pub fn wall_clock(zone: Option<&TimeZone>, t: Instant) -> Option<civil::DateTime> {
    let ts = jiff::Timestamp::from_nanosecond(t.nanos()).ok()?;
    Some(zone.unwrap_or(&TimeZone::UTC).to_datetime(ts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn utc(text: &str) -> Instant {
        super::super::parse_instant(text).unwrap()
    }

    fn local(zone: &str, y: i32, m: u32, d: u32, h: u32, mi: u32) -> Instant {
        let t = NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap();
        local_instant(&lookup(zone).unwrap(), t).unwrap()
    }

    /// Local times around the 2026 changes, and the instants they name.
    ///
    /// Europe/Berlin: CET (+01:00) until Sunday 29 March 02:00 local (01:00
    /// UTC), then CEST (+02:00) until Sunday 25 October 03:00 local (01:00
    /// UTC), when 02:00-03:00 local is shown twice.
    /// America/New_York: EST (-05:00) until Sunday 8 March 02:00 local
    /// (07:00 UTC), then EDT (-04:00) until Sunday 1 November 02:00 local
    /// (06:00 UTC), when 01:00-02:00 local is shown twice.
    const AROUND_CHANGES: [(&str, [u32; 4], &str); 15] = [
        ("Europe/Berlin", [3, 29, 1, 30], "2026-03-29T00:30:00Z"),
        ("Europe/Berlin", [3, 29, 2, 30], "2026-03-29T01:30:00Z"), // gap
        ("Europe/Berlin", [3, 29, 3, 30], "2026-03-29T01:30:00Z"),
        ("Europe/Berlin", [10, 25, 1, 30], "2026-10-24T23:30:00Z"),
        ("Europe/Berlin", [10, 25, 2, 30], "2026-10-25T00:30:00Z"), // fold
        ("Europe/Berlin", [10, 25, 3, 30], "2026-10-25T02:30:00Z"),
        ("Europe/Berlin", [1, 15, 12, 0], "2026-01-15T11:00:00Z"),
        ("Europe/Berlin", [7, 15, 12, 0], "2026-07-15T10:00:00Z"),
        ("America/New_York", [3, 8, 1, 30], "2026-03-08T06:30:00Z"),
        ("America/New_York", [3, 8, 2, 30], "2026-03-08T07:30:00Z"), // gap
        ("America/New_York", [3, 8, 3, 30], "2026-03-08T07:30:00Z"),
        ("America/New_York", [11, 1, 0, 30], "2026-11-01T04:30:00Z"),
        ("America/New_York", [11, 1, 1, 30], "2026-11-01T05:30:00Z"), // fold
        ("America/New_York", [11, 1, 2, 30], "2026-11-01T07:30:00Z"),
        ("America/New_York", [7, 1, 12, 0], "2026-07-01T16:00:00Z"),
    ];

    #[test]
    fn spring_gaps_and_autumn_folds_in_berlin_and_new_york() {
        for (zone, [m, d, h, mi], want) in AROUND_CHANGES {
            let got = local(zone, 2026, m, d, h, mi);
            assert_eq!(got, utc(want), "{zone} 2026-{m:02}-{d:02} {h:02}:{mi:02}");
        }
    }

    #[test]
    fn wall_clocks_reverse_local_times() {
        for (zone, [m, d, h, mi], want) in AROUND_CHANGES {
            let shown = wall_clock(Some(&lookup(zone).unwrap()), utc(want)).unwrap();
            let gap = matches!((m, d, h), (3, 29, 2) | (3, 8, 2));
            let hour = if gap { h + 1 } else { h };
            assert_eq!(
                shown.to_string(),
                format!("2026-{m:02}-{d:02}T{hour:02}:{mi:02}:00"),
                "{zone}"
            );
        }
        let t = utc("2026-10-05T23:30:00Z");
        assert_eq!(
            wall_clock(None, t).unwrap().to_string(),
            "2026-10-05T23:30:00"
        );
    }

    #[test]
    fn names_any_case_and_did_you_mean() {
        assert_eq!(name(&lookup("europe/berlin").unwrap()), "Europe/Berlin");
        assert_eq!(lookup("UTC").unwrap(), TimeZone::UTC);
        let miss = |n: &str| lookup(n).unwrap_err();
        assert_eq!(miss("Europe/Berln").as_deref(), Some("Europe/Berlin"));
        assert_eq!(miss("Berlin").as_deref(), Some("Europe/Berlin"));
        assert_eq!(miss("New York").as_deref(), Some("America/New_York"));
        assert_eq!(miss("Mars/Olympus_Mons"), None);
    }

    #[test]
    fn out_of_range_years_are_none() {
        let t = NaiveDate::from_ymd_opt(40_000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(local_instant(&TimeZone::UTC, t), None);
    }
}
