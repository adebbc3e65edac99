//! Run-time values: what a slot of the lead table or an evaluated expression holds.
//!
//! Values are small `Copy` data. Text lives in a per-lead buffer
//! ([`super::lead::Slots`]) or in the program's constants, and is referred to
//! by position, so a value never borrows and never allocates.

use crate::syntax::ast::StrOp;
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
/// compared values are a few bytes long): [`bytes_eq`] on their bytes.
#[inline]
pub fn str_eq(a: &str, b: &str) -> bool {
    bytes_eq(a.as_bytes(), b.as_bytes())
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
    (0..=h.len() - n.len()).any(|i| h[i] == first && bytes_eq(&h[i + 1..i + n.len()], rest))
}

/// Byte equality for evaluation: two loads per side for up to 16 bytes
/// (the first and last 4 or 8 bytes, overlapping), no loop and no call.
#[inline(always)]
pub fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

#[inline]
fn word4(s: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes([s[at], s[at + 1], s[at + 2], s[at + 3]])
}

#[inline]
fn word8(s: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[at..at + 8]);
    u64::from_ne_bytes(w)
}

/// The case-folded constants of a string test (`contains`, `starts with`,
/// `ends with`), ready for one scan: for `contains`, the haystack is walked
/// once for all of them, and only at a byte some needle starts with are
/// the needles starting with that byte compared.
#[derive(Clone, Debug)]
pub struct Needles {
    /// The needles, ordered by their first byte.
    list: Vec<Box<str>>,
    /// By byte: 1 + the first needle starting with it, or 0 for none.
    /// `None` when some needle is empty or there are too many to number.
    first: Option<Box<[u16; 256]>>,
}

impl Needles {
    /// Needles for `list` (already case-folded).
    pub fn new(list: Vec<Box<str>>) -> Needles {
        let mut list = list;
        list.sort_by_key(|n| n.as_bytes().first().copied());
        let mut first = Box::new([0u16; 256]);
        for (i, n) in list.iter().enumerate().rev() {
            match (n.as_bytes().first(), u16::try_from(i + 1)) {
                (Some(&b), Ok(k)) => first[b as usize] = k,
                _ => return Needles { list, first: None },
            }
        }
        Needles {
            list,
            first: Some(first),
        }
    }

    /// The needles.
    pub fn list(&self) -> &[Box<str>] {
        &self.list
    }

    /// Some needle is in `h` (`h.contains(needle)` for any of them).
    pub fn in_text(&self, h: &[u8]) -> bool {
        let Some(first) = &self.first else {
            return self
                .list
                .iter()
                .any(|n| n.is_empty() || h.windows(n.len()).any(|w| w == n.as_bytes()));
        };
        for i in 0..h.len() {
            let mut k = usize::from(first[h[i] as usize]);
            if k == 0 {
                continue;
            }
            let rest = &h[i..];
            while let Some(n) = self.list.get(k - 1) {
                let n = n.as_bytes();
                if n[0] != h[i] {
                    break;
                }
                if n.len() <= rest.len() && bytes_eq(&rest[..n.len()], n) {
                    return true;
                }
                k += 1;
            }
        }
        false
    }

    /// Some needle passes `op` against `h`.
    pub fn test(&self, op: StrOp, h: &[u8]) -> bool {
        match op {
            StrOp::Contains => self.in_text(h),
            StrOp::StartsWith => self
                .list
                .iter()
                .any(|n| n.len() <= h.len() && bytes_eq(&h[..n.len()], n.as_bytes())),
            StrOp::EndsWith => self
                .list
                .iter()
                .any(|n| n.len() <= h.len() && bytes_eq(&h[h.len() - n.len()..], n.as_bytes())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Needles` finds a needle exactly where one of them is a substring:
    /// at every offset of the text and at its end, with one to seven
    /// needles, shared first bytes, non-ASCII bytes, a zero byte and an
    /// empty needle.
    #[test]
    fn needles_agree_with_std() {
        let sets: [&[&str]; 8] = [
            &["/pricing"],
            &["/pricing", "/careers", "whitepaper"],
            &[
                "vp",
                "vice president",
                "chief",
                "ceo",
                "cfo",
                "head of",
                "founder",
            ],
            &["é", "straße", "x"],
            &["a", "b", "c", "d", "e", "f"],
            &["ab", "abc", "b"],
            &["", "zz"],
            &["\u{0}x", "x\u{0}"],
        ];
        let bodies = [
            "/pricing",
            "vice president",
            "straße",
            "abc",
            "x\u{0}",
            "chef",
            "ce",
            "/pric",
        ];
        for set in sets {
            let needles = Needles::new(set.iter().map(|s| (*s).into()).collect());
            for body in bodies {
                for pad in 0..18 {
                    for tail in 0..3 {
                        let h = format!("{}{body}{}", "-".repeat(pad), "~".repeat(tail));
                        for cut in [h.len(), h.len().saturating_sub(1)] {
                            let Some(h) = h.get(..cut) else { continue };
                            let want = set.iter().any(|n| h.contains(n));
                            assert_eq!(needles.in_text(h.as_bytes()), want, "{set:?} in {h:?}");
                        }
                    }
                }
            }
        }
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
}
