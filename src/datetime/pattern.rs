//! Checking a declared datetime format before any lead is read: every
//! directive must be one chrono knows, and a text written in the format
//! must hold a whole date (a time is optional: midnight).

use chrono::format::{parse, Item, Parsed, StrftimeItems};
use chrono::{DateTime, FixedOffset};
use std::fmt::Write as _;
use std::ops::Range;

/// What is wrong with a declared format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A `%` directive chrono does not know (`%Q`), or a lone `%` at the end;
    /// `at` is its byte range within the format text.
    UnknownDirective {
        /// Where, within the format text.
        at: Range<usize>,
        /// The directive as written.
        directive: String,
    },
    /// `%Z`: zone abbreviations (`CET`, `EST`) are skipped when reading, so
    /// the time would be read without its zone.
    ZoneName {
        /// Where, within the format text.
        at: Range<usize>,
    },
    /// No `%` directive at all: the text is no format.
    NoDirective {
        /// `epoch_s` or `epoch_ms`, when the text is a typo of one.
        suggestion: Option<&'static str>,
    },
    /// Text written in the format lacks this part, so it never reads as a
    /// complete datetime.
    Missing(Part),
    /// Text written in the format does not read back with it (directives
    /// run into each other, like `%Y%e`).
    NoRoundTrip,
}

/// A part of a datetime a format must give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The year (`%Y`, `%y`).
    Year,
    /// The month (`%m`, `%b`) or the day of the year (`%j`).
    Month,
    /// The day of the month (`%d`, `%e`).
    Day,
    /// AM or PM (`%p`), needed with a 12-hour clock (`%I`, `%l`).
    Meridiem,
    /// The hour (`%H`), needed with minutes.
    Hour,
    /// The minutes (`%M`), needed with an hour.
    Minute,
}

/// Checks a declared format text (`epoch_s`, `epoch_ms` and `%s` are always
/// fine).
pub fn inspect(format: &str) -> Result<(), Fault> {
    if matches!(
        super::Format::of(format),
        super::Format::EpochSeconds | super::Format::EpochMillis
    ) {
        return Ok(());
    }
    let directives = directives(format);
    if directives.is_empty() {
        let suggestion = crate::check::suggest::did_you_mean(format, ["epoch_s", "epoch_ms"]);
        return Err(Fault::NoDirective { suggestion });
    }
    for at in directives {
        let text = &format[at.clone()];
        if text == "%Z" {
            return Err(Fault::ZoneName { at });
        }
        let known = at.len() > 1 && !StrftimeItems::new(text).any(|i| matches!(i, Item::Error));
        if !known {
            let directive = text.to_string();
            return Err(Fault::UnknownDirective { at, directive });
        }
    }
    completeness(format)
}

/// The byte ranges of the `%` directives in `format`: `%` and an optional
/// padding flag (`-`, `_`, `0`), then `.`, a digit, colons or `#` before the
/// letter where chrono allows them (`%.3f`, `%:z`, `%#z`).
fn directives(format: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut chars = format.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c != '%' {
            continue;
        }
        let mut end = start + 1;
        let mut take = |chars: &mut std::iter::Peekable<std::str::CharIndices>| {
            chars.next().map(|(i, c)| end = i + c.len_utf8())
        };
        let next = chars.peek().map(|&(_, c)| c);
        if matches!(next, Some('-' | '_' | '0')) {
            take(&mut chars);
        }
        while matches!(chars.peek(), Some((_, '.' | ':' | '#' | '1'..='9'))) {
            take(&mut chars);
        }
        take(&mut chars);
        out.push(start..end);
    }
    out
}

/// A sample datetime written in `format` and read back must give a date
/// (and, where the format has a time, the whole time).
fn completeness(format: &str) -> Result<(), Fault> {
    let sample: DateTime<FixedOffset> =
        DateTime::parse_from_rfc3339("2026-10-05T14:03:27.123456789+02:00")
            .expect("a valid sample");
    let mut text = String::new();
    if write!(text, "{}", sample.format(format)).is_err() {
        return Err(Fault::NoRoundTrip);
    }
    let mut parsed = Parsed::new();
    if parse(&mut parsed, &text, StrftimeItems::new(format)).is_err() {
        return Err(Fault::NoRoundTrip);
    }
    if parsed.timestamp().is_some() {
        return Ok(());
    }
    date_part(&parsed)?;
    time_part(&parsed)
}

fn date_part(p: &Parsed) -> Result<(), Fault> {
    if p.to_naive_date().is_ok() {
        return Ok(());
    }
    let year = p.year().or(p.year_mod_100()).or(p.isoyear()).is_some();
    let weeks = p.isoweek().or(p.week_from_mon()).or(p.week_from_sun());
    let month = p.month().or(p.ordinal()).or(weeks).is_some();
    let part = match (year, month) {
        (false, _) => Part::Year,
        (true, false) => Part::Month,
        (true, true) => Part::Day,
    };
    Err(Fault::Missing(part))
}

/// A format with any part of a time must give the whole time (seconds
/// may be left out), or reading would drop it and give midnight.
fn time_part(p: &Parsed) -> Result<(), Fault> {
    let some_time = [p.hour_mod_12(), p.minute(), p.second()]
        .iter()
        .any(Option::is_some);
    if !some_time || p.to_naive_time().is_ok() {
        return Ok(());
    }
    let part = match (p.hour_mod_12(), p.hour_div_12(), p.minute()) {
        (None, _, _) => Part::Hour,
        (Some(_), None, _) => Part::Meridiem,
        (Some(_), Some(_), _) => Part::Minute,
    };
    Err(Fault::Missing(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_crm_exports_use_pass() {
        for f in [
            "%m/%d/%Y %H:%M",
            "%Y-%m-%d %H:%M",
            "%d.%m.%Y",
            "%m/%d/%Y %I:%M %p",
            "%Y-%m-%dT%H:%M:%S%.3f%:z",
            "%-d.%-m.%Y",
            "%d %B %Y",
            "%Y-%j",
            "%d/%m/%y",
            "%s",
            "epoch_s",
            "epoch_ms",
            "%Y%m%d",
        ] {
            assert_eq!(inspect(f), Ok(()), "{f}");
        }
    }

    #[test]
    fn unknown_directives_point_at_themselves() {
        let bad = |f: &str| match inspect(f) {
            Err(Fault::UnknownDirective { at, directive }) => (at, directive),
            other => panic!("{f}: {other:?}"),
        };
        assert_eq!(bad("%Y-%m-%Q"), (6..8, "%Q".to_string()));
        assert_eq!(bad("%d.%m.%Y %"), (9..10, "%".to_string()));
        assert_eq!(bad("%Y-%m-%d %-K"), (9..12, "%-K".to_string()));
        assert_eq!(bad("%d/%m/%Y%ä"), (8..11, "%ä".to_string()));
    }

    #[test]
    fn formats_that_never_give_a_whole_datetime() {
        use Part::*;
        for (f, part) in [
            ("%m/%d %H:%M", Year),
            ("%H:%M", Year),
            ("%Y %H:%M", Month),
            ("%Y-%m", Day),
            ("%m/%d/%Y %I:%M", Meridiem),
            ("%Y-%m-%d %M", Hour),
            ("%d/%m/%Y %H", Minute),
            ("%d/%m/%Y %I %p", Minute),
            ("%Y-%m-%d %S", Hour),
        ] {
            assert_eq!(inspect(f), Err(Fault::Missing(part)), "{f}");
        }
        assert_eq!(
            inspect("%d.%m.%Y %H:%M %Z"),
            Err(Fault::ZoneName { at: 15..17 })
        );
        let no_directive = |suggestion| Err(Fault::NoDirective { suggestion });
        assert_eq!(inspect("epoch_sec"), no_directive(Some("epoch_s")));
        assert_eq!(inspect("EPOCH_MS"), no_directive(Some("epoch_ms")));
        assert_eq!(inspect("YYYY-MM-DD"), no_directive(None));
    }
}
