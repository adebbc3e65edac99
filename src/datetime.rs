//! The one strict reader of dates and times, used for datetime values in
//! leads, `--as-of`, a test's `as_of` and datetime literals in rules.
//!
//! Exactly two forms are accepted (docs/language.md lists them):
//!
//! - a date, `YYYY-MM-DD`, meaning midnight UTC;
//! - an RFC 3339 time, `YYYY-MM-DDTHH:MM:SS`, optionally a fraction of a
//!   second (`.5`, up to nine digits), then `Z` or an offset `+HH:MM` /
//!   `-HH:MM`. `T` and `Z` may be lower case, as RFC 3339 allows.
//!
//! Everything else is refused rather than guessed: one-digit months or days
//! (`2026-1-2`), signed or five-digit years (`+2026-10-02`), surrounding or
//! inner spaces, a time without a time zone, a time without seconds.
//!
//! Only a lead's datetime field may declare other forms: the formats it is
//! written in, Unix times, and the zone of its local times ([`Reader`]);
//! `pattern` checks declared formats, `zone` looks zones up and reads local
//! times in them.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

mod instant;
pub mod pattern;
mod read;
pub mod zone;

pub use instant::{parse_instant, Instant};
pub use read::{formats_accepting, Format, Reader};

/// Why a text is not a datetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatetimeError {
    /// Not one of the accepted forms.
    Shape,
    /// A date and time without `Z` or an offset.
    NoZone,
    /// The right form, but no such day or time (`2026-02-30`, `25:00:00`).
    OutOfRange,
}

/// Reads `text` as a date or an RFC 3339 time (see the module docs).
pub fn parse(text: &str) -> Result<DateTime<Utc>, DatetimeError> {
    let b = text.as_bytes();
    if !date_shape(b) {
        return Err(DatetimeError::Shape);
    }
    if b.len() == 10 {
        let d =
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| DatetimeError::OutOfRange)?;
        let midnight = d.and_hms_opt(0, 0, 0).ok_or(DatetimeError::OutOfRange)?;
        return Ok(midnight.and_utc());
    }
    let zone = time_shape(b)?;
    if zone == b.len() {
        return Err(DatetimeError::NoZone);
    }
    if !zone_shape(&b[zone..]) {
        return Err(DatetimeError::Shape);
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|_| DatetimeError::OutOfRange)
}

/// `true` when `text` begins like a date someone meant to write
/// (`2026-01-01`, `2026-1-2`, `2026-01-01T09:00`): four digits, `-`, one or
/// two digits, `-`, one or two digits.
pub fn looks_like_date(text: &str) -> bool {
    let parts: Vec<&str> = text.splitn(3, '-').collect();
    let digits = |s: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit())
    };
    let [year, month, rest] = parts.as_slice() else {
        return false;
    };
    let day: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits(year, 4, 4) && digits(month, 1, 2) && digits(&day, 1, 2)
}

/// The same text with a one-digit month and day padded (`2026-1-2` →
/// `2026-01-02`), when that gives a valid date: the fix to suggest.
pub fn padded_date(text: &str) -> Option<String> {
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let fixed = format!("{y}-{m:0>2}-{d:0>2}");
    parse(&fixed).is_ok().then_some(fixed)
}

fn digits(b: &[u8], range: std::ops::Range<usize>) -> bool {
    b.get(range)
        .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
}

/// `YYYY-MM-DD`, and then nothing or a `T`.
fn date_shape(b: &[u8]) -> bool {
    let date = b.len() >= 10
        && digits(b, 0..4)
        && b[4] == b'-'
        && digits(b, 5..7)
        && b[7] == b'-'
        && digits(b, 8..10);
    date && (b.len() == 10 || matches!(b[10], b'T' | b't'))
}

/// `THH:MM:SS[.fraction]` after the date: where the zone starts.
fn time_shape(b: &[u8]) -> Result<usize, DatetimeError> {
    let hms = digits(b, 11..13)
        && b.get(13) == Some(&b':')
        && digits(b, 14..16)
        && b.get(16) == Some(&b':')
        && digits(b, 17..19);
    if !hms {
        let zoneless = b[11..].iter().all(|c| c.is_ascii_digit() || *c == b':');
        return Err(if zoneless && b.len() > 11 {
            DatetimeError::NoZone
        } else {
            DatetimeError::Shape
        });
    }
    if b.get(19) != Some(&b'.') {
        return Ok(19);
    }
    let n = b[20..].iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || n > 9 {
        return Err(DatetimeError::Shape);
    }
    Ok(20 + n)
}

/// `Z`, `z`, `+HH:MM` or `-HH:MM`.
fn zone_shape(z: &[u8]) -> bool {
    match z {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', _, _, b':', _, _] => digits(z, 1..3) && digits(z, 4..6),
        _ => false,
    }
}

/// `t` moved `n` calendar months back: the same day of the month and time
/// of day, or the month's last day when it has no such day (`2026-03-31`
/// one month back is `2026-02-28`). `None` past the calendar's range.
pub fn months_before(t: DateTime<Utc>, n: u32) -> Option<DateTime<Utc>> {
    t.checked_sub_months(Months::new(n))
}

/// The whole calendar months from `from` to `to`: the largest `k` with
/// `from` moved `k` months on (clamped to a month's last day, as in
/// [`months_before`]) not after `to`; 0 when `to` is before `from`.
pub fn whole_months(from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
    if to <= from {
        return 0;
    }
    let index = |t: DateTime<Utc>| i64::from(t.year()) * 12 + i64::from(t.month0());
    let mut k = u32::try_from(index(to) - index(from)).unwrap_or(u32::MAX);
    while k > 0
        && from
            .checked_add_months(Months::new(k))
            .is_none_or(|t| t > to)
    {
        k -= 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accepted_forms() {
        let ok = |s: &str| parse(s).unwrap().to_rfc3339();
        assert_eq!(ok("2026-10-02"), "2026-10-02T00:00:00+00:00");
        assert_eq!(ok("2026-10-02T09:05:00Z"), "2026-10-02T09:05:00+00:00");
        assert_eq!(ok("2026-10-02t09:05:00z"), "2026-10-02T09:05:00+00:00");
        assert_eq!(ok("2026-10-02T11:05:00+02:00"), "2026-10-02T09:05:00+00:00");
        assert_eq!(
            ok("2026-10-02T09:05:00.25-01:00"),
            "2026-10-02T10:05:00.250+00:00"
        );
    }

    #[test]
    fn everything_else_is_refused() {
        use DatetimeError::*;
        for (text, why) in [
            ("2026-1-2", Shape),
            ("+2026-10-02", Shape),
            ("12026-10-02", Shape),
            (" 2026-10-02", Shape),
            ("2026-10-02 ", Shape),
            ("2026-10-02 09:05:00Z", Shape),
            ("2026-10-02T09:05:00", NoZone),
            ("2026-10-02T09:05", NoZone),
            ("2026-10-02T09:05Z", Shape),
            ("2026-10-02T09:05:00+0200", Shape),
            ("2026-10-02T09:05:00.Z", Shape),
            ("2026-10-02T09:05:00.1234567891Z", Shape),
            ("2026-02-30", OutOfRange),
            ("2026-10-02T25:00:00Z", OutOfRange),
            ("", Shape),
        ] {
            assert_eq!(parse(text), Err(why), "{text:?}");
        }
    }

    #[test]
    fn dates_someone_meant() {
        assert!(looks_like_date("2026-1-2"));
        assert!(looks_like_date("2026-01-01T09:00"));
        assert!(!looks_like_date("10-5-2"));
        assert!(!looks_like_date("2026-01"));
        assert_eq!(padded_date("2026-1-2").as_deref(), Some("2026-01-02"));
        assert_eq!(padded_date("2026-2-31"), None);
    }

    #[test]
    fn calendar_months() {
        let t = |s: &str| parse(s).unwrap();
        assert_eq!(months_before(t("2026-03-31"), 1), Some(t("2026-02-28")));
        assert_eq!(months_before(t("2024-03-30"), 1), Some(t("2024-02-29")));
        assert_eq!(months_before(t("2025-02-28"), 12), Some(t("2024-02-28")));
        assert_eq!(whole_months(t("2026-01-31"), t("2026-02-28")), 1);
        assert_eq!(whole_months(t("2026-01-31"), t("2026-02-27")), 0);
        assert_eq!(whole_months(t("2026-01-31"), t("2026-03-30")), 1);
        assert_eq!(whole_months(t("2026-01-31"), t("2026-03-31")), 2);
        assert_eq!(whole_months(t("2024-02-29"), t("2025-02-28")), 12);
        assert_eq!(whole_months(t("2026-10-01"), t("2026-11-01")), 1);
        assert_eq!(whole_months(t("2026-11-02"), t("2026-11-01")), 0);
    }
}
