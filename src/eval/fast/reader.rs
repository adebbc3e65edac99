//! A small JSON reader for the common lead line: a [`serde::Deserializer`]
//! over the bytes of one line that reads exactly what `serde_json` reads,
//! for the JSON it accepts, and stops on everything else.
//!
//! It accepts strings without a backslash or a control byte (borrowed
//! straight from the line: nothing to decode), numbers, `true`, `false`,
//! `null`, and objects and arrays nested at most [`MAX_DEPTH`] deep. Numbers
//! are told apart as `serde_json` tells them (`u64`, then `i64`, else `f64`;
//! `-0` is the float `-0.0`), floats are rounded correctly (`str::parse`,
//! as `serde_json` does with its `float_roundtrip` feature), and a float too
//! large for `f64` stops. Anything else — an escape, a control byte, deeper
//! nesting, a syntax error — *stops* the reader with [`Stop`], and the caller
//! reads the line again with `serde_json`, which decides.
//!
//! What it saves over `serde_json`'s reader: strings are found eight bytes at
//! a time with no scratch buffer, errors carry no position or message (a
//! one-byte [`Stop`]), and nothing tracks lines and columns.

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Objects and arrays nested deeper than this stop the reader (`serde_json`
/// refuses 128 levels; the line goes to it to say so).
pub(super) const MAX_DEPTH: u32 = 64;

/// Why the reader stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// The line is not plain JSON to this reader; `serde_json` will read it.
    Unread,
    /// The seeds gave up on a value (they would on `serde_json`'s reading
    /// too: it hands them the same values in the same order).
    GaveUp,
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the plain reader stopped")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop::GaveUp
    }
}

/// A number as `serde_json` hands it to a visitor.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    U64(u64),
    I64(i64),
    F64(f64),
}

/// Reads one JSON value from a line (see the module docs).
pub(super) struct Reader<'de> {
    text: &'de str,
    pos: usize,
    depth: u32,
}

impl<'de> Reader<'de> {
    /// A reader at the start of `text`.
    pub(super) fn new(text: &'de str) -> Self {
        Reader {
            text,
            pos: 0,
            depth: 0,
        }
    }

    /// After the value: only whitespace may follow.
    pub(super) fn end(&mut self) -> Result<(), Stop> {
        match self.skip_ws() {
            None => Ok(()),
            Some(_) => Err(Stop::Unread),
        }
    }

    fn bytes(&self) -> &'de [u8] {
        self.text.as_bytes()
    }

    /// Skips whitespace; returns the next byte without taking it.
    #[inline(always)]
    fn skip_ws(&mut self) -> Option<u8> {
        let b = self.bytes();
        while let Some(&c) = b.get(self.pos) {
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(c);
            }
            self.pos += 1;
        }
        None
    }

    /// Takes `c` after optional whitespace.
    #[inline(always)]
    fn expect(&mut self, c: u8) -> Result<(), Stop> {
        if self.skip_ws() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Stop::Unread)
        }
    }

    /// Reads a string whose opening quote has been taken.
    #[inline(always)]
    fn string(&mut self) -> Result<&'de str, Stop> {
        let start = self.pos;
        let end = find_quote(self.bytes(), start).ok_or(Stop::Unread)?;
        self.pos = end + 1;
        // Both ends sit next to an ASCII quote: char boundaries. (Split,
        // not indexed: `split_at` checks the boundary inline, where `[..]`
        // calls a range-indexing function for every string.)
        Ok(self.text.split_at(end).0.split_at(start).1)
    }

    /// Takes the rest of a literal whose first byte has been taken.
    fn literal(&mut self, rest: &[u8]) -> Result<(), Stop> {
        if self.bytes()[self.pos..].starts_with(rest) {
            self.pos += rest.len();
            Ok(())
        } else {
            Err(Stop::Unread)
        }
    }

    /// Takes a run of ASCII digits; returns how many.
    #[inline]
    fn digits(&mut self) -> usize {
        let b = self.bytes();
        let start = self.pos;
        while b.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Reads a number (JSON's grammar exactly), starting at its first byte.
    fn number(&mut self) -> Result<Number, Stop> {
        let b = self.bytes();
        let start = self.pos;
        let negative = b[start] == b'-';
        if negative {
            self.pos += 1;
        }
        let int_start = self.pos;
        match b.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(Stop::Unread),
        }
        let int_end = self.pos;
        let mut float = false;
        if b.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(Stop::Unread);
            }
            float = true;
        }
        if matches!(b.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(b.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(Stop::Unread);
            }
            float = true;
        }
        if !float {
            if let Some(n) = integer(&b[int_start..int_end], negative) {
                return Ok(n);
            }
        }
        let x: f64 = self.text[start..self.pos]
            .parse()
            .map_err(|_| Stop::Unread)?;
        if x.is_finite() {
            Ok(Number::F64(x))
        } else {
            Err(Stop::Unread)
        }
    }

    /// Skips one value, checking its syntax as `serde_json` does.
    fn skip(&mut self) -> Result<(), Stop> {
        match self.skip_ws().ok_or(Stop::Unread)? {
            b'"' => {
                self.pos += 1;
                self.string().map(drop)
            }
            b'{' => self.nested(|r| {
                let mut first = true;
                while r.next_key(&mut first)?.is_some() {
                    r.expect(b':')?;
                    r.skip()?;
                }
                Ok(())
            }),
            b'[' => self.nested(|r| {
                let mut first = true;
                while r.more_elements(&mut first)? {
                    r.skip()?;
                }
                Ok(())
            }),
            _ => self.scalar(IgnoreScalar),
        }
    }

    /// Reads a number or a literal at the current (non-space) byte.
    #[inline]
    fn scalar<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Stop> {
        let b = self.bytes();
        match b[self.pos] {
            b'-' | b'0'..=b'9' => match self.number()? {
                Number::U64(x) => visitor.visit_u64(x),
                Number::I64(x) => visitor.visit_i64(x),
                Number::F64(x) => visitor.visit_f64(x),
            },
            b't' => {
                self.pos += 1;
                self.literal(b"rue")?;
                visitor.visit_bool(true)
            }
            b'f' => {
                self.pos += 1;
                self.literal(b"alse")?;
                visitor.visit_bool(false)
            }
            b'n' => {
                self.pos += 1;
                self.literal(b"ull")?;
                visitor.visit_unit()
            }
            _ => Err(Stop::Unread),
        }
    }

    /// Enters an object or array at its opening byte, runs `body`, and takes
    /// the closing byte.
    #[inline]
    fn nested<T>(&mut self, body: impl FnOnce(&mut Self) -> Result<T, Stop>) -> Result<T, Stop> {
        let close = if self.bytes()[self.pos] == b'{' {
            b'}'
        } else {
            b']'
        };
        self.pos += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Stop::Unread);
        }
        let value = body(self)?;
        self.depth -= 1;
        self.expect(close)?;
        Ok(value)
    }

    /// The next key of an object (its `:` not yet taken), or `None` at the
    /// closing brace (not taken).
    #[inline(always)]
    fn next_key(&mut self, first: &mut bool) -> Result<Option<&'de str>, Stop> {
        let mut c = self.skip_ws().ok_or(Stop::Unread)?;
        if c == b'}' {
            return Ok(None);
        }
        if !std::mem::replace(first, false) {
            if c != b',' {
                return Err(Stop::Unread);
            }
            self.pos += 1;
            c = self.skip_ws().ok_or(Stop::Unread)?;
        }
        if c != b'"' {
            return Err(Stop::Unread);
        }
        self.pos += 1;
        self.string().map(Some)
    }

    /// Whether another element follows in an array (its comma taken); the
    /// closing bracket is not taken.
    #[inline(always)]
    fn more_elements(&mut self, first: &mut bool) -> Result<bool, Stop> {
        let c = self.skip_ws().ok_or(Stop::Unread)?;
        if c == b']' {
            return Ok(false);
        }
        if !std::mem::replace(first, false) {
            if c != b',' {
                return Err(Stop::Unread);
            }
            self.pos += 1;
        }
        Ok(true)
    }
}

/// The digits of an integer (no sign) as `serde_json` classes them: `None`
/// when they overflow `u64` or the negative value is not an `i64` (then it
/// is a float).
fn integer(digits: &[u8], negative: bool) -> Option<Number> {
    let mut n: u64 = 0;
    for &d in digits {
        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if !negative {
        return Some(Number::U64(n));
    }
    // `-0` and anything below `i64::MIN` are floats in `serde_json`.
    let neg = (n as i64).wrapping_neg();
    (neg < 0).then_some(Number::I64(neg))
}

/// The index of the closing quote of a string starting at `from`, or `None`
/// if a backslash or a control byte (or the end) comes first.
#[inline(always)]
fn find_quote(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // A byte is flagged when it is `"`, `\` or below 0x20; the lowest
        // flag is always exact (borrows only run upward).
        let quote = w ^ (ONES * u64::from(b'"'));
        let slash = w ^ (ONES * u64::from(b'\\'));
        let flags = ((quote.wrapping_sub(ONES) & !quote)
            | (slash.wrapping_sub(ONES) & !slash)
            | (w.wrapping_sub(ONES * 0x20) & !w))
            & HIGH;
        if flags != 0 {
            let at = i + (flags.trailing_zeros() / 8) as usize;
            return (b[at] == b'"').then_some(at);
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => return Some(i),
            b'\\' | 0..=0x1f => return None,
            _ => i += 1,
        }
    }
    None
}

/// Nesting `serde_json` refuses when it builds a value (its recursion
/// limit); skipping a value it does not count.
const VALUE_DEPTH: u32 = 128;

/// Whether `serde_json` would build a `Value` of `text` (a line of JSON it
/// can parse) as well as skip through it. Skipping an unread value checks
/// less than building one: it takes a lone surrogate escape (`"\ud800"`,
/// `"\udc00"`, refused in a string), nesting of any depth (refused from
/// [`VALUE_DEPTH`] levels) and a number too large for a float (`1e400`,
/// refused as out of range). The fast path's seeds skip what the rules do
/// not read, so a line it reads with `serde_json`'s reader must pass this
/// first, or it would score a line the `Value` path refuses. Bad hex
/// digits and syntax are left to the parser, which refuses them either way.
pub(super) fn value_readable(text: &str) -> bool {
    let b = text.as_bytes();
    let (mut depth, mut at, mut in_string) = (0u32, 0, false);
    while let Some(&c) = b.get(at) {
        at += 1;
        match (in_string, c) {
            (_, b'"') => in_string = !in_string,
            (true, b'\\') => match escape_end(b, at) {
                Some(end) => at = end,
                None => return false,
            },
            (false, b'[' | b'{') => {
                depth += 1;
                if depth >= VALUE_DEPTH {
                    return false;
                }
            }
            (false, b']' | b'}') => depth = depth.saturating_sub(1),
            (false, b'-' | b'0'..=b'9') => {
                let start = at - 1;
                while b.get(at).is_some_and(|c| b"0123456789+-.eE".contains(c)) {
                    at += 1;
                }
                let number = text[start..at].parse::<f64>();
                if number.is_ok_and(f64::is_infinite) {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

/// Where the escape whose backslash ends at `at` ends, or `None` for a
/// lone surrogate (the rules of `serde_json`'s `parse_unicode_escape`).
fn escape_end(b: &[u8], at: usize) -> Option<usize> {
    if b.get(at) != Some(&b'u') {
        return Some(at + 1);
    }
    let Some(n) = hex4(b, at + 1) else {
        return Some(at + 1);
    };
    let after = at + 5;
    match n {
        0xDC00..=0xDFFF => None,
        0xD800..=0xDBFF => {
            let low = (b.get(after..after + 2) == Some(b"\\u"))
                .then(|| hex4(b, after + 2))
                .flatten();
            low.filter(|m| (0xDC00..=0xDFFF).contains(m))
                .map(|_| after + 6)
        }
        _ => Some(after),
    }
}

/// The four hex digits at `at` as a number, if they are four hex digits.
fn hex4(b: &[u8], at: usize) -> Option<u16> {
    let digits = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
    if !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(digits, 16).ok()
}

/// Skips a number or literal (the `skip` of a scalar).
struct IgnoreScalar;

impl Visitor<'_> for IgnoreScalar {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("anything")
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

impl<'de> Deserializer<'de> for &mut Reader<'de> {
    type Error = Stop;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        match self.skip_ws().ok_or(Stop::Unread)? {
            b'"' => {
                self.pos += 1;
                let s = self.string()?;
                visitor.visit_borrowed_str(s)
            }
            b'{' => self.nested(|r| visitor.visit_map(Entries { r, first: true })),
            b'[' => self.nested(|r| visitor.visit_seq(Elements { r, first: true })),
            _ => self.scalar(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.skip()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier
    }
}

/// The entries of an object.
struct Entries<'a, 'de> {
    r: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = Stop;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        match self.r.next_key(&mut self.first)? {
            None => Ok(None),
            Some(key) => seed
                .deserialize(BorrowedStrDeserializer::<Stop>::new(key))
                .map(Some),
        }
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        self.r.expect(b':')?;
        seed.deserialize(&mut *self.r)
    }
}

/// The elements of an array.
struct Elements<'a, 'de> {
    r: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = Stop;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Stop> {
        if self.r.more_elements(&mut self.first)? {
            seed.deserialize(&mut *self.r).map(Some)
        } else {
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IgnoredAny;
    use serde_json::Value;

    /// What a visitor is handed, spelled so that `-0.0` and `0.0` differ.
    struct Seen;

    impl Visitor<'_> for Seen {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number")
        }

        fn visit_u64<E: de::Error>(self, x: u64) -> Result<String, E> {
            Ok(format!("u64 {x}"))
        }

        fn visit_i64<E: de::Error>(self, x: i64) -> Result<String, E> {
            Ok(format!("i64 {x}"))
        }

        fn visit_f64<E: de::Error>(self, x: f64) -> Result<String, E> {
            Ok(format!("f64 {x:?} {:x}", x.to_bits()))
        }
    }

    /// Our reading of `text`, or `None` where the reader stops.
    fn ours(text: &str) -> Option<String> {
        let mut r = Reader::new(text);
        let seen = r.deserialize_any(Seen).ok()?;
        r.end().ok()?;
        Some(seen)
    }

    fn theirs(text: &str) -> Option<String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let seen = de.deserialize_any(Seen).ok()?;
        de.end().ok()?;
        Some(seen)
    }

    /// Where we read a number, `serde_json` reads the same.
    fn agree(text: &str) {
        if let Some(seen) = ours(text) {
            assert_eq!(Some(seen), theirs(text), "{text}");
        }
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        let edges = [
            "0",
            "-0",
            "0.0",
            "-0.0",
            "-0e5",
            "1",
            "-1",
            "01",
            "-01",
            "1.",
            ".5",
            "1e",
            "1e+",
            "+1",
            "1.5",
            "1e5",
            "1E-5",
            "1e+5",
            "2e7",
            "-2e7",
            "1e308",
            "1e309",
            "-1e309",
            "1e-400",
            "-1e-400",
            "4.9e-324",
            "2.2250738585072011e-308",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
            "9007199254740993",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
            "-9223372036854775808",
            "-9223372036854775809",
            "9223372036854775807",
            "9223372036854775808",
            "123456789.123456789123456789",
            "0.1",
            "0.30000000000000004",
            "1e0000000000000000000005",
            "0e99999999999",
            "1e-99999999999",
            "1e99999999999",
            "10279330.98",
            "-",
            "--1",
            "1-",
            "NaN",
            "Infinity",
            " 7 ",
            "7 x",
        ];
        for text in edges {
            agree(text);
        }
        // The reader takes the well-formed ones.
        for text in ["0", "-0", "1e309", "1.5", "18446744073709551616", "-0.0"] {
            assert_eq!(ours(text).is_some(), text != "1e309", "{text}");
        }
    }

    #[test]
    fn random_numbers_read_as_serde_json_reads_them() {
        // A fixed linear congruential sequence: digits, signs, points and
        // exponents in every arrangement, most of them valid JSON.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let mut taken = 0;
        for _ in 0..200_000 {
            let mut s = String::new();
            if next(3) == 0 {
                s.push('-');
            }
            for _ in 0..1 + next(25) {
                s.push(char::from(b'0' + next(10) as u8));
            }
            if next(2) == 0 {
                s.push('.');
                for _ in 0..next(20) {
                    s.push(char::from(b'0' + next(10) as u8));
                }
            }
            if next(3) == 0 {
                s.push(['e', 'E'][next(2) as usize]);
                s.push_str(["", "+", "-"][next(3) as usize]);
                s.push_str(&next(400).to_string());
            }
            taken += usize::from(ours(&s).is_some());
            agree(&s);
        }
        assert!(taken > 100_000, "only {taken} read");
    }

    /// Lines read whole into a `Value` both ways: ours equals `serde_json`'s
    /// wherever we read the line.
    #[test]
    fn values_read_as_serde_json_reads_them() {
        let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        let lines = [
            r#"{"a":1,"b":[true,false,null],"c":{"d":"e"},"a":2}"#.to_string(),
            r#" { "a" : [ ] , "b" : { } } "#.to_string(),
            "{\"a\":1}\t\r\n".to_string(),
            r#"{"a":1,}"#.to_string(),
            r#"{"a":1 "b":2}"#.to_string(),
            r#"{"a" 1}"#.to_string(),
            r#"{,"a":1}"#.to_string(),
            r#"[1,]"#.to_string(),
            r#"[,1]"#.to_string(),
            r#"[1 2]"#.to_string(),
            r#"{"a":tru}"#.to_string(),
            r#"{"a":nulls}"#.to_string(),
            r#"{"a":"b\"c"}"#.to_string(),
            r#"{"a":"\u00e9"}"#.to_string(),
            "{\"a\":\"tab\there\"}".to_string(),
            "{\"a\":\"\u{7f}\u{e9}\u{1F600}\"}".to_string(),
            r#"{"a":"unterminated}"#.to_string(),
            r#"{"a":1}{"#.to_string(),
            r#"{"a":1} 2"#.to_string(),
            "\u{feff}{}".to_string(),
            r#"{"a":-0,"b":[-0.0,1e-400,18446744073709551616,-9223372036854775809]}"#.to_string(),
            deep(63),
            deep(64),
            deep(65),
            deep(200),
            String::new(),
            "   ".to_string(),
            "{".to_string(),
            "\"x\"".to_string(),
        ];
        let mut taken = 0;
        for line in &lines {
            let mut r = Reader::new(line);
            let ours = serde::Deserialize::deserialize(&mut r)
                .ok()
                .filter(|_| r.end().is_ok());
            let mut r = Reader::new(line);
            let skipped = (&mut r).deserialize_ignored_any(IgnoredAny).is_ok() && r.end().is_ok();
            assert_eq!(skipped, ours.is_some(), "skip and read differ on {line}");
            let theirs: Option<Value> = serde_json::from_str(line).ok();
            if let Some(v) = ours {
                taken += 1;
                let v: Value = v;
                assert_eq!(Some(&v), theirs.as_ref(), "{line}");
                // `==` on numbers does not tell -0.0 from 0.0; the text does.
                assert_eq!(v.to_string(), theirs.unwrap().to_string(), "{line}");
            }
        }
        assert_eq!(taken, 8);
    }

    /// `value_readable` is false exactly where `serde_json` skips a line
    /// but refuses to build its `Value`: lone surrogates in every
    /// arrangement of escapes around them, and nesting around its limit
    /// (brackets inside strings do not count).
    #[test]
    fn value_readable_agrees_with_serde_json() {
        let parts = [
            "\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\u0041", "\\uD83D", "\\uDE00", "\\\\",
            "\\n", "\\u00", "\\\"", "u", "a", "\\uzzzz", "[", "{",
        ];
        let mut lines = Vec::new();
        for a in parts {
            for b in parts {
                for c in parts {
                    lines.push(format!(r#"{{"k":"{a}{b}{c}","u":1}}"#));
                }
            }
        }
        let numbers = [
            "1e308",
            "1e309",
            "-1e309",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
            "0e99999999999",
            "1e99999999999",
            "1e-99999999999",
            "-0",
            "1E+400",
            "12e",
            "--1",
        ];
        for x in numbers {
            lines.push(format!(r#"{{"u":[{x}],"v":"{x}","w":{x}}}"#));
        }
        lines.push(format!(r#"{{"u":1{}}}"#, "0".repeat(400)));
        lines.push(format!(r#"{{"u":0.{}1}}"#, "0".repeat(400)));
        for n in [1, 63, 64, 65, 125, 126, 127, 128, 129, 300] {
            let (open, close) = ("[".repeat(n), "]".repeat(n));
            lines.push(format!(r#"{{"u":{open}1{close}}}"#));
            lines.push(format!(r#"{{"u":{open}"[[[{{{{"{close}}}"#));
            lines.push(format!(
                r#"{{"u":{}1{}}}"#,
                "{\"a\":".repeat(n),
                "}".repeat(n)
            ));
            lines.push(format!("{open}1{close}"));
        }
        let mut checked = 0;
        for line in &lines {
            let Ok(_) = serde_json::from_str::<IgnoredAny>(line) else {
                continue; // bad syntax: the parser refuses it anyway
            };
            let theirs = serde_json::from_str::<Value>(line).is_ok();
            assert_eq!(value_readable(line), theirs, "{line}");
            checked += 1;
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn find_quote_stops_at_escapes_and_control_bytes() {
        for (text, want) in [
            ("abc\"", Some(3)),
            ("abcdefghijklmnop\"", Some(16)),
            ("abcdefgh\\\"", None),
            ("ab\tc\"", None),
            ("abcdefghijk\u{1f}\"", None),
            ("é\u{7f}ÿ€\"x", Some(8)),
            ("no quote at all, long enough", None),
            ("\"", Some(0)),
            ("", None),
        ] {
            assert_eq!(find_quote(text.as_bytes(), 0), want, "{text:?}");
        }
    }
}
