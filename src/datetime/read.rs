//! Reading a lead's datetime the way its schema field declares: the
//! formats it is written in and the zone its local times are in.

use super::{parse_instant, zone, Instant};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use jiff::tz::TimeZone;

/// One declared format of a datetime field.
#[derive(Clone, Debug, PartialEq)]
pub enum Format {
    /// A chrono strftime pattern such as `%m/%d/%Y %H:%M`.
    Pattern(String),
    /// Seconds since 1970-01-01T00:00:00Z: `"epoch_s"`, or `"%s"` alone.
    EpochSeconds,
    /// Milliseconds since 1970-01-01T00:00:00Z: `"epoch_ms"`.
    EpochMillis,
}

impl Format {
    /// The format a schema's format text names.
    pub fn of(text: &str) -> Format {
        match text {
            "epoch_s" | "%s" => Format::EpochSeconds,
            "epoch_ms" => Format::EpochMillis,
            _ => Format::Pattern(text.to_string()),
        }
    }

    /// Nanoseconds per unit of an epoch format.
    fn unit(&self) -> Option<i128> {
        match self {
            Format::Pattern(_) => None,
            Format::EpochSeconds => Some(1_000_000_000),
            Format::EpochMillis => Some(1_000_000),
        }
    }
}

/// How one datetime field is read: its declared formats, tried in order,
/// then RFC 3339 or a plain date; a time without an offset is in `zone`,
/// or UTC when none is declared.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reader {
    formats: Vec<Format>,
    zone: Option<TimeZone>,
}

/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the instants an epoch
/// number may name (a count in the wrong unit lands far outside).
const EPOCH_RANGE: std::ops::RangeInclusive<i64> = -62_167_219_200..=253_402_300_799;

impl Reader {
    /// A reader for the format texts of a schema field and its zone.
    pub fn new(formats: &[String], zone: Option<TimeZone>) -> Reader {
        Reader {
            formats: formats.iter().map(|f| Format::of(f)).collect(),
            zone,
        }
    }

    /// Text as a datetime, `None` when nothing declared (nor RFC 3339) reads it.
    pub fn read_text(&self, s: &str) -> Option<Instant> {
        self.formats
            .iter()
            .find_map(|f| self.read_with(s, f))
            .or_else(|| self.builtin(s))
    }

    /// A JSON number as a datetime: by the first epoch format declared;
    /// `None` when none is, or the instant is outside years 0-9999.
    pub fn read_number(&self, x: f64) -> Option<Instant> {
        let unit = self.formats.iter().find_map(Format::unit)?;
        epoch(x, unit)
    }

    /// Whether an epoch format is declared, so JSON numbers are read.
    pub fn reads_numbers(&self) -> bool {
        self.formats.iter().any(|f| f.unit().is_some())
    }

    fn read_with(&self, s: &str, format: &Format) -> Option<Instant> {
        match format {
            Format::Pattern(p) => self.read_pattern(s, p),
            Format::EpochSeconds | Format::EpochMillis => epoch_text(s, format.unit()?),
        }
    }

    fn read_pattern(&self, s: &str, pattern: &str) -> Option<Instant> {
        if let Ok(t) = DateTime::parse_from_str(s, pattern) {
            return Some(Instant::from_chrono(t.to_utc()));
        }
        let naive = match NaiveDateTime::parse_from_str(s, pattern) {
            Ok(t) => t,
            Err(_) => NaiveDate::parse_from_str(s, pattern)
                .ok()?
                .and_hms_opt(0, 0, 0)?,
        };
        self.local(naive)
    }

    /// RFC 3339 (its offset wins over the zone), or a plain date: midnight
    /// in the zone.
    fn builtin(&self, s: &str) -> Option<Instant> {
        match &self.zone {
            Some(_) if s.len() == 10 => {
                let day = super::parse(s).ok()?.date_naive();
                self.local(day.and_hms_opt(0, 0, 0)?)
            }
            _ => parse_instant(s),
        }
    }

    fn local(&self, t: NaiveDateTime) -> Option<Instant> {
        match &self.zone {
            Some(z) => zone::local_instant(z, t),
            None => Some(Instant::from_chrono(t.and_utc())),
        }
    }
}

/// `-?digits[.digits]` counted in units of `unit` nanoseconds, exactly.
fn epoch_text(s: &str, unit: i128) -> Option<Instant> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    if !all_digits(whole) || !all_digits(frac) || whole.len() > 20 {
        return None;
    }
    let frac = &frac[..frac.len().min(18)];
    let scale = 10i128.pow(frac.len() as u32);
    let nanos = whole.parse::<i128>().ok()? * unit + frac.parse::<i128>().ok()? * unit / scale;
    let signed = if s.starts_with('-') { -nanos } else { nanos };
    in_range(Instant::from_nanos(signed))
}

/// `x` units of `unit` nanoseconds after the epoch; whole counts are exact.
fn epoch(x: f64, unit: i128) -> Option<Instant> {
    if !x.is_finite() || x.abs() > 1e17 {
        return None;
    }
    let whole = x.trunc();
    let nanos = whole as i128 * unit + ((x - whole) * unit as f64).round() as i128;
    in_range(Instant::from_nanos(nanos))
}

/// `t` when it is within years 0-9999.
fn in_range(t: Instant) -> Option<Instant> {
    EPOCH_RANGE.contains(&t.secs).then_some(t)
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

/// The common CRM formats that would read `s`, for a message: more than
/// one means the text is ambiguous (`05/10/2026`) and a format must be declared.
pub fn formats_accepting(s: &str) -> Vec<&'static str> {
    let utc = Reader::default();
    CRM_FORMATS
        .into_iter()
        .filter(|f| utc.read_pattern(s, f).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(formats: &[&str], zone: Option<&str>) -> Reader {
        let formats: Vec<String> = formats.iter().map(|f| f.to_string()).collect();
        Reader::new(&formats, zone.map(|z| zone::lookup(z).unwrap()))
    }

    fn at(text: &str) -> Option<Instant> {
        parse_instant(text)
    }

    #[test]
    fn epoch_numbers_and_texts() {
        let s = reader(&["epoch_s"], None);
        let ms = reader(&["epoch_ms"], None);
        let want = at("2026-10-05T12:03:00Z");
        assert_eq!(s.read_number(1_791_201_780.0), want);
        assert_eq!(s.read_text("1791201780"), want);
        assert_eq!(reader(&["%s"], None).read_number(1_791_201_780.0), want);
        assert_eq!(ms.read_number(1_791_201_780_000.0), want);
        assert_eq!(ms.read_text("1791201780000"), want);
        assert_eq!(s.read_text("1791201780.25"), at("2026-10-05T12:03:00.25Z"));
        assert_eq!(ms.read_text("-1"), at("1969-12-31T23:59:59.999Z"));
        // Milliseconds read as seconds land after year 9999: refused.
        assert_eq!(s.read_number(1_791_201_780_000.0), None);
        for bad in ["", "-", "1.", ".5", "1e9", "+5", " 5", "0x10", "NaN"] {
            assert_eq!(s.read_text(bad), None, "{bad:?}");
        }
        assert_eq!(s.read_number(f64::NAN), None);
        // A number needs an epoch format.
        assert_eq!(reader(&["%Y-%m-%d"], None).read_number(1.0), None);
    }

    #[test]
    fn local_times_in_the_zone_and_offsets_win() {
        let berlin = reader(
            &["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M %z"],
            Some("Europe/Berlin"),
        );
        assert_eq!(
            berlin.read_text("2026-10-05 14:03"),
            at("2026-10-05T12:03:00Z")
        );
        assert_eq!(
            berlin.read_text("2026-01-05 14:03"),
            at("2026-01-05T13:03:00Z")
        );
        assert_eq!(
            berlin.read_text("2026-10-05 14:03 +0000"),
            at("2026-10-05T14:03:00Z")
        );
        assert_eq!(
            berlin.read_text("2026-10-05T14:03:00Z"),
            at("2026-10-05T14:03:00Z")
        );
        assert_eq!(berlin.read_text("2026-10-05"), at("2026-10-04T22:00:00Z"));
        let utc = reader(&["%Y-%m-%d %H:%M"], None);
        assert_eq!(
            utc.read_text("2026-10-05 14:03"),
            at("2026-10-05T14:03:00Z")
        );
        assert_eq!(utc.read_text("2026-10-05"), at("2026-10-05T00:00:00Z"));
        let dates = reader(&["%m/%d/%Y"], Some("America/New_York"));
        assert_eq!(dates.read_text("10/05/2026"), at("2026-10-05T04:00:00Z"));
    }
}
