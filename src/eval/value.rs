//! Run-time values: what a slot of the lead table or an evaluated expression holds.
//!
//! Values are small `Copy` data. Text lives in a per-lead buffer
//! ([`super::lead::Slots`]) or in the program's constants, and is referred to
//! by position, so a value never borrows and never allocates.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use std::borrow::Cow;
use unicase::UniCase;

/// A point in time: seconds since the Unix epoch and nanoseconds within the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub secs: i64,
    /// Nanoseconds, `0..1_000_000_000`.
    pub nanos: u32,
}

const NANOS: i128 = 1_000_000_000;

impl Instant {
    /// From nanoseconds since the epoch.
    pub fn from_nanos(n: i128) -> Instant {
        Instant {
            secs: n.div_euclid(NANOS) as i64,
            nanos: n.rem_euclid(NANOS) as u32,
        }
    }

    /// Nanoseconds since the epoch.
    pub fn nanos(self) -> i128 {
        self.secs as i128 * NANOS + self.nanos as i128
    }

    /// As a chrono time (the epoch for an instant outside chrono's range,
    /// which the lead readers never produce).
    pub fn datetime(self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(self.secs, self.nanos).unwrap_or_default()
    }

    /// `self - d` for a duration `d` in nanoseconds.
    pub fn minus(self, d: i128) -> Instant {
        Instant::from_nanos(self.nanos() - d)
    }
}

/// The text strings are compared by: its Unicode full case folding
/// (`STRASSE` and `straße` both fold to `strasse`, `ΟΔΟΣ` and `οδος` to
/// `οδοσ`). ASCII text only has its capitals lowered, and text that is
/// already folded is borrowed, not copied.
pub fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return match s.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Owned(s.to_ascii_lowercase()),
            false => Cow::Borrowed(s),
        };
    }
    let folded = UniCase::unicode(s).to_folded_case();
    match folded == s {
        true => Cow::Borrowed(s),
        false => Cow::Owned(folded),
    }
}

/// A string in the lead's text buffer: the original text and its case
/// folding ([`fold`]), the field names saying "low" for short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRef {
    /// Start of the original text.
    pub orig: u32,
    /// Byte length of the original text.
    pub orig_len: u32,
    /// Start of the folded text (equal to `orig` when already folded).
    pub low: u32,
    /// Byte length of the folded text.
    pub low_len: u32,
}

/// A list value. Elements of a lead list live in consecutive *frames* of the
/// slot table: element `i` of `Slots` is the frame at `start + i * stride`,
/// and its value is the slot `offset` of that frame (a projection such as
/// `events.type` only changes `offset`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListRef {
    /// A list read from the lead.
    Slots {
        /// Frame of the first element.
        start: u32,
        /// Number of elements.
        len: u32,
        /// Slots per element frame.
        stride: u32,
        /// Slot of the element's value within its frame.
        offset: u32,
    },
    /// A filtered list: the frames are `picks[start..start + len]`.
    Picked {
        /// First entry in the picks buffer.
        start: u32,
        /// Number of elements.
        len: u32,
        /// Slot of the element's value within its frame.
        offset: u32,
    },
    /// A list literal: index into the program's constant lists.
    Const(u32),
}

/// A value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    /// A missing field, or null.
    Missing,
    /// A lead value of the wrong type (only without a schema): tests on it are false.
    Mismatch,
    /// A bool.
    Bool(bool),
    /// A number.
    Num(f64),
    /// Text from the lead.
    Str(TextRef),
    /// Text from the program: index into its constant strings.
    CStr(u32),
    /// A datetime.
    Time(Instant),
    /// A list.
    List(ListRef),
    /// A record: the frame its fields live in.
    Record(u32),
    /// A present value that no rule compares (a field only tested with `is missing`).
    Other,
}

/// String equality without a call to `memcmp` for short strings (most
/// compared values are a few bytes long).
#[inline]
pub fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 16 {
        return a == b;
    }
    let mut diff = 0u8;
    for i in 0..a.len() {
        diff |= a[i] ^ b[i];
    }
    diff == 0
}

/// Substring test. Short haystacks (most lead fields) are scanned directly:
/// cheaper than setting up `str::contains`'s two-way searcher per call.
#[inline]
pub fn str_contains(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if h.len() > 64 {
        return haystack.contains(needle);
    }
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    if n.len() > h.len() {
        return false;
    }
    (0..=h.len() - n.len()).any(|i| h[i] == first && str_eq_bytes(&h[i + 1..i + n.len()], rest))
}

#[inline]
fn str_eq_bytes(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// Formats CRM exports commonly write datetimes in, offered when a value
/// without a declared format cannot be read.
const CRM_FORMATS: [&str; 10] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%m/%d/%Y %I:%M %p",
    "%d/%m/%Y %H:%M:%S",
];

/// Parses text in one of `formats` (chrono strftime syntax; a format
/// without a time reads midnight; without an offset, UTC), else as
/// [`parse_datetime`] does.
pub fn parse_datetime_in(s: &str, formats: &[String]) -> Option<Instant> {
    formats
        .iter()
        .find_map(|f| parse_with(s, f))
        .or_else(|| parse_datetime(s))
}

fn parse_with(s: &str, format: &str) -> Option<Instant> {
    let t = match DateTime::parse_from_str(s, format) {
        Ok(t) => t.to_utc(),
        Err(_) => match NaiveDateTime::parse_from_str(s, format) {
            Ok(t) => t.and_utc(),
            Err(_) => NaiveDate::parse_from_str(s, format)
                .ok()?
                .and_hms_opt(0, 0, 0)?
                .and_utc(),
        },
    };
    Some(Instant {
        secs: t.timestamp(),
        nanos: t.timestamp_subsec_nanos(),
    })
}

/// The common CRM formats that would read `s`, for a message: more than
/// one means the text is ambiguous (`05/10/2026`) and a format must be declared.
pub fn formats_accepting(s: &str) -> Vec<&'static str> {
    CRM_FORMATS
        .into_iter()
        .filter(|f| parse_with(s, f).is_some())
        .collect()
}

/// Parses RFC 3339 text, or a plain `YYYY-MM-DD` (midnight UTC).
pub fn parse_datetime(s: &str) -> Option<Instant> {
    if let Some(t) = parse_fast(s.as_bytes()) {
        return Some(t);
    }
    let t = crate::datetime::parse(s).ok()?;
    Some(Instant {
        secs: t.timestamp(),
        nanos: t.timestamp_subsec_nanos(),
    })
}

/// The common form `YYYY-MM-DDTHH:MM:SSZ`, without chrono; anything else
/// (offsets, fractions, leap seconds, bad dates) goes the slow way.
fn parse_fast(b: &[u8]) -> Option<Instant> {
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    if b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + (c - b'0') as i64)
        })
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    Some(Instant {
        secs: days * 86_400 + h * 3600 + mi * 60 + s,
        nanos: 0,
    })
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrono_parse(s: &str) -> Option<Instant> {
        let t = chrono::DateTime::parse_from_rfc3339(s).ok()?;
        Some(Instant {
            secs: t.timestamp(),
            nanos: t.timestamp_subsec_nanos(),
        })
    }

    #[test]
    fn fast_path_agrees_with_chrono() {
        for s in [
            "2026-11-01T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "2024-02-29T12:34:56Z",
            "2000-02-29T23:59:59Z",
            "1900-03-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            assert_eq!(parse_fast(s.as_bytes()), chrono_parse(s), "{s}");
        }
    }

    #[test]
    fn fast_path_declines_what_it_does_not_know() {
        for s in [
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-01T24:00:00Z",
            "2026-11-01 00:00:00Z",
        ] {
            assert_eq!(parse_fast(s.as_bytes()), None, "{s}");
        }
        assert_eq!(parse_datetime("2023-02-29T00:00:00Z"), None);
    }

    #[test]
    fn contains_agrees_with_std() {
        let long = "x".repeat(70) + "/pricing";
        let hays = [
            "",
            "a",
            "/pricing/enterprise",
            "/careers",
            "école/pricing",
            "aab",
            &long,
        ];
        for h in hays {
            for n in [
                "",
                "a",
                "ab",
                "/pricing",
                "pricing/e",
                "é",
                "xx/pricing",
                "aab",
                "aaab",
            ] {
                assert_eq!(str_contains(h, n), h.contains(n), "{h:?} {n:?}");
            }
        }
    }

    #[test]
    fn other_forms() {
        let midnight = parse_datetime("2026-11-01T00:00:00Z").unwrap();
        assert_eq!(parse_datetime("2026-11-01"), Some(midnight));
        assert_eq!(parse_datetime("2026-11-01T01:00:00+01:00"), Some(midnight));
        let t = parse_datetime("2026-11-01T00:00:00.5Z").unwrap();
        assert_eq!((t.secs, t.nanos), (midnight.secs, 500_000_000));
        assert_eq!(parse_datetime("yesterday"), None);
    }

    #[test]
    fn instant_arithmetic() {
        let t = Instant { secs: 10, nanos: 0 };
        assert_eq!(
            t.minus(1),
            Instant {
                secs: 9,
                nanos: 999_999_999
            }
        );
        assert_eq!(
            Instant::from_nanos(-1),
            Instant {
                secs: -1,
                nanos: 999_999_999
            }
        );
    }
}
