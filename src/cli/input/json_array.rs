//! A `.json` input read whole: a JSON array of leads, one lead object, or
//! JSON Lines under a `.json` name.
//!
//! The array is cut into its elements before any element is parsed, by a
//! scan that only follows strings and brackets, so a syntax error inside one
//! element makes that element a bad lead and every other element is still
//! read. A text that starts with `{` and is more than one JSON value is JSON
//! Lines: the caller reads it as such (and says so).

use super::{json_error, object, BadLead, Lead, Loc};

/// What a `.json` text holds.
pub enum Parsed {
    /// The leads of an array (or of a single object), in order.
    Leads(Vec<Lead>),
    /// One JSON object per line: to be read as JSON Lines.
    Lines,
}

/// Reads the text of a `.json` input (without its byte order mark).
pub fn parse(text: &[u8]) -> Result<Parsed, String> {
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| text[i]) {
        Some(b'[') => Ok(Parsed::Leads(elements(text, start.unwrap_or(0) + 1))),
        Some(b'{') => match serde_json::from_slice::<serde_json::Value>(text) {
            Ok(v) => Ok(Parsed::Leads(vec![lead(1, text, Ok(v))])),
            Err(e) if e.classify() == serde_json::error::Category::Syntax => Ok(Parsed::Lines),
            Err(e) => Err(e.to_string()),
        },
        None => Ok(Parsed::Leads(Vec::new())),
        Some(_) => Err(serde_json::from_slice::<serde_json::Value>(text)
            .map_or_else(|e| e.to_string(), |v| super::not_an_array(&v))),
    }
}

/// The elements of the array whose `[` is just before `from`.
fn elements(text: &[u8], from: usize) -> Vec<Lead> {
    let mut out = Vec::new();
    let mut at = from;
    while let Some((start, end, last)) = next_element(text, at) {
        let item = &text[start..end];
        if !(last && item.iter().all(u8::is_ascii_whitespace)) {
            let n = out.len() as u64 + 1;
            let value = serde_json::from_slice(item).map_err(json_error);
            out.push(lead(n, item, value));
        }
        if last {
            break;
        }
        at = end + 1;
    }
    out
}

fn lead(n: u64, text: &[u8], value: Result<serde_json::Value, BadLead>) -> Lead {
    Lead {
        at: Loc::Element(n),
        value: value.and_then(object),
        text: Some(String::from_utf8_lossy(text).into_owned()),
    }
}

/// The next element from `at`: its start and end, and whether it is the
/// last (ends at the closing `]` or at the end of the text).
fn next_element(text: &[u8], at: usize) -> Option<(usize, usize, bool)> {
    if at >= text.len() {
        return None;
    }
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in text.iter().enumerate().skip(at) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' if depth > 0 => depth -= 1,
            b']' => return Some((at, i, true)),
            b',' if depth == 0 => return Some((at, i, false)),
            _ => {}
        }
    }
    Some((at, text.len(), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leads(text: &str) -> Vec<Lead> {
        match parse(text.as_bytes()).unwrap() {
            Parsed::Leads(l) => l,
            Parsed::Lines => panic!("read as JSON Lines"),
        }
    }

    #[test]
    fn one_bad_element_leaves_the_others() {
        let l = leads("[{\"id\": 1}, {\"id\": 2,}, {\"id\": \"a,]}\"}, 7]");
        assert_eq!(l.len(), 4);
        assert!(l[0].value.is_ok());
        assert_eq!(l[1].at, Loc::Element(2));
        assert!(l[1].value.is_err());
        assert_eq!(l[2].value.as_ref().unwrap()["id"], "a,]}");
        assert!(l[3].value.is_err());
    }

    #[test]
    fn empty_arrays_and_single_objects() {
        assert!(leads(" [ ] ").is_empty());
        assert!(leads("").is_empty());
        assert_eq!(leads("{\"id\": 1}").len(), 1);
        let l = leads("[{\"id\": 1}, {\"id\": ");
        assert_eq!(l.len(), 2);
        assert!(l[1].value.is_err(), "a cut array names its last element");
    }

    #[test]
    fn json_lines_are_recognised() {
        let text = b"{\"id\": 1}\n{\"id\": 2}\n";
        assert!(matches!(parse(text).unwrap(), Parsed::Lines));
        assert!(parse(b"42").is_err());
    }
}
