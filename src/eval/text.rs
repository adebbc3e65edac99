//! Values sent as text. CRM exports and APIs send numbers and booleans as
//! strings (`"1200"`, `"true"`, `"ja"`); a field the schema declares `int`,
//! `number` or `bool` accepts such a string when it parses completely. The
//! CSV reader uses the same functions, so a cell and a JSON string read alike.

/// The spellings of true and false that CRM exports use, lowercase: English,
/// German, French and Spanish, `1`/`0`, and `x` for a ticked checkbox.
const TRUE: [&str; 8] = ["true", "yes", "ja", "wahr", "oui", "sí", "si", "1"];
const FALSE: [&str; 6] = ["false", "no", "nein", "falsch", "non", "0"];
/// A ticked checkbox column: `x` is true (an empty cell is then missing).
const TICK: &str = "x";

/// A number written in full: `1200`, `-3.5`, `4.2e6`. No thousands
/// separators, no units, nothing around it; infinities and NaN are refused.
pub fn parse_number(text: &str) -> Option<f64> {
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
    if !plain || !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A whole number written in full (`1200`, `1.2e3`); `2.5` is not one.
pub fn parse_int(text: &str) -> Option<f64> {
    parse_number(text).filter(|x| x.fract() == 0.0)
}

/// A boolean in one of the spellings of CRM exports, any case:
/// true/false, yes/no, ja/nein, wahr/falsch, oui/non, sí/no, 1/0, x.
pub fn parse_bool(text: &str) -> Option<bool> {
    let low = text.to_lowercase();
    if TRUE.contains(&low.as_str()) || low == TICK {
        return Some(true);
    }
    FALSE.contains(&low.as_str()).then_some(false)
}

/// Every accepted spelling, for messages: `true/false, yes/no, ...`.
pub fn bool_spellings() -> String {
    let pairs = [
        "true/false",
        "yes/no",
        "ja/nein",
        "wahr/falsch",
        "oui/non",
        "sí/no",
        "1/0",
        "x",
    ];
    pairs.join(", ")
}

/// A decimal comma turned into a point (`1234,5` → `1234.5`), for files
/// written with European number formats. Text with more than one comma, or
/// with both a comma and a point, is left alone (it is not a plain number).
pub fn decimal_point(text: &str) -> std::borrow::Cow<'_, str> {
    let commas = text.matches(',').count();
    if commas == 1 && !text.contains('.') {
        return text.replacen(',', ".", 1).into();
    }
    text.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_must_parse_completely() {
        assert_eq!(parse_number("1200"), Some(1200.0));
        assert_eq!(parse_number("42000000.50"), Some(42000000.5));
        assert_eq!(parse_number("-3e2"), Some(-300.0));
        for bad in [
            "", " 12", "12 ", "1,200", "12k", "inf", "NaN", "1e999", "-", ".",
        ] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
        assert_eq!(parse_int("1.2e3"), Some(1200.0));
        assert_eq!(parse_int("2.5"), None);
    }

    #[test]
    fn every_boolean_spelling() {
        for t in [
            "true", "TRUE", "yes", "Yes", "ja", "wahr", "oui", "sí", "Sí", "si", "1", "x", "X",
        ] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["false", "no", "No", "nein", "falsch", "non", "0"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        for bad in ["", "y", "maybe", "truee", "2"] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimal_commas() {
        assert_eq!(decimal_point("1234,5"), "1234.5");
        assert_eq!(decimal_point("-0,25"), "-0.25");
        assert_eq!(decimal_point("1.234,5"), "1.234,5");
        assert_eq!(decimal_point("1,234,5"), "1,234,5");
        assert_eq!(decimal_point("12"), "12");
    }
}
