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
///
/// The twenty bytes are read as three words (the last two overlap) and
/// checked against the form at once: XOR with the form leaves a digit as its
/// value (0-9) and a matching separator as 0, and one addition per word
/// flags every byte out of range.
#[inline]
fn parse_fast(b: &[u8]) -> Option<Instant> {
    let b: &[u8; 20] = b.try_into().ok()?;
    const FORM: &[u8; 20] = b"0000-00-00T00:00:00Z";
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = |a: &[u8; 20], at: usize| {
        u64::from_le_bytes(a[at..at + 8].try_into().expect("eight bytes"))
    };
    // Per byte, what pushes a value past its range into the high bit: 0x76
    // over a digit (at most 9), 0x7f over a separator (exactly 0).
    let limit = |at: usize| {
        let mut l = 0u64;
        let mut i = 8;
        while i > 0 {
            i -= 1;
            l = l << 8 | if FORM[at + i] == b'0' { 0x76 } else { 0x7f };
        }
        l
    };
    let mut x = [0u64; 3];
    for (k, at) in [0, 8, 12].into_iter().enumerate() {
        x[k] = word(b, at) ^ word(FORM, at);
        // Bytes at or above 0x80 fail the first test; below it, adding at
        // most 0x7f carries into no other byte.
        if x[k] & HIGH != 0 || (x[k] + limit(at)) & HIGH != 0 {
            return None;
        }
    }
    // The two digits at byte `i` of word `k`.
    let two = |k: usize, i: u32| {
        ((x[k] >> (8 * i)) & 0xff) as i64 * 10 + ((x[k] >> (8 * i + 8)) & 0xff) as i64
    };
    let y = two(0, 0) * 100 + two(0, 2);
    let (mo, d, h, mi, s) = (two(0, 5), two(1, 0), two(1, 3), two(1, 6), two(2, 5));
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

/// Days since 1970-01-01 of a proleptic Gregorian date in years 0-9999
/// (Howard Hinnant's algorithm, shifted by one 400-year era so that every
/// division is of a non-negative number).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } + 400;
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era - 1) * 146_097 + doe - 719_468
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
