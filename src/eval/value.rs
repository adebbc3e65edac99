//! Run-time values: what a slot of the lead table or an evaluated expression holds.
//!
//! Values are small `Copy` data. Text lives in a per-lead buffer
//! ([`super::lead::Slots`]) or in the program's constants, and is referred to
//! by position, so a value never borrows and never allocates.

use std::borrow::Cow;
use unicase::UniCase;

pub use crate::datetime::Instant;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
