//! A point in time as evaluation holds it, and the fast reader of the
//! common RFC 3339 form.

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

    /// The same instant as chrono holds it.
    pub fn from_chrono(t: chrono::DateTime<chrono::Utc>) -> Instant {
        Instant {
            secs: t.timestamp(),
            nanos: t.timestamp_subsec_nanos(),
        }
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

/// Parses RFC 3339 text, or a plain `YYYY-MM-DD` (midnight UTC).
pub fn parse_instant(s: &str) -> Option<Instant> {
    if let Some(t) = parse_fast(s.as_bytes()) {
        return Some(t);
    }
    super::parse(s).ok().map(Instant::from_chrono)
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
    fn fast_path_agrees_with_chrono_on_every_date_and_byte() {
        for y in [
            0, 1, 1899, 1900, 1969, 1970, 1999, 2000, 2023, 2024, 2100, 9999,
        ] {
            for mo in 0..=13 {
                for d in 0..=32 {
                    let s = format!("{y:04}-{mo:02}-{d:02}T23:59:59Z");
                    assert_eq!(parse_fast(s.as_bytes()), chrono_parse(&s), "{s}");
                }
            }
        }
        let good = b"2026-11-01T12:34:56Z";
        for at in 0..good.len() {
            for byte in 0..=255u8 {
                let mut b = *good;
                b[at] = byte;
                // The fast path may decline (`t`, `z`, a space, a leap
                // second: chrono reads them); what it reads, chrono reads alike.
                let want = std::str::from_utf8(&b).ok().and_then(chrono_parse);
                let got = parse_fast(&b);
                assert!(got.is_none() || got == want, "{b:?}");
                if byte.is_ascii_digit() {
                    assert_eq!(got.is_some(), want.is_some(), "{b:?}");
                }
            }
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
        assert_eq!(parse_instant("2023-02-29T00:00:00Z"), None);
    }

    #[test]
    fn other_forms() {
        let midnight = parse_instant("2026-11-01T00:00:00Z").unwrap();
        assert_eq!(parse_instant("2026-11-01"), Some(midnight));
        assert_eq!(parse_instant("2026-11-01T01:00:00+01:00"), Some(midnight));
        let t = parse_instant("2026-11-01T00:00:00.5Z").unwrap();
        assert_eq!((t.secs, t.nanos), (midnight.secs, 500_000_000));
        assert_eq!(parse_instant("yesterday"), None);
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
