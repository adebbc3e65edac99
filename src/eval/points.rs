//! The numeric model of points: decimals with at most six fraction digits.
//!
//! Expressions are evaluated in 64-bit floats, but each rule's points are
//! rounded to whole millionths, and group totals, clamps and the score are
//! exact sums of those: they are added as whole numbers of millionths (exact
//! for totals below four billion in size) and turned back into the float
//! nearest the decimal. So `add 0.1` six times is `0.6`, equal to the
//! literal `0.6` in a label or an `expect`, and the `reasons` of a record add
//! up to its score digit for digit. Past four billion the floats are added
//! as they are (a float there has no six fraction digits to keep).

/// Millionths per point.
const SCALE: f64 = 1e6;

/// Below this size a number's millionths are a whole number an `i64` and a
/// float both hold exactly (2^52 / 10^6 is about 4.5e9).
const EXACT: f64 = 4.0e9;

/// `x` rounded to whole millionths (halves away from zero); `-0` becomes `0`.
pub fn round(x: f64) -> f64 {
    if x.abs() < EXACT {
        (x * SCALE).round() / SCALE + 0.0
    } else {
        x
    }
}

/// `a + b` for two numbers of whole millionths, exactly while both and the
/// sum stay below [`EXACT`] in size.
pub fn add(a: f64, b: f64) -> f64 {
    if a.abs() < EXACT && b.abs() < EXACT {
        let units = (a * SCALE).round() as i64 + (b * SCALE).round() as i64;
        return units as f64 / SCALE + 0.0;
    }
    a + b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_add_up_exactly() {
        let mut total = 0.0;
        for _ in 0..6 {
            total = add(total, round(0.1));
        }
        assert_eq!(total, 0.6);
        assert_eq!(add(0.1, 0.2), 0.3);
        assert_eq!(add(1e9 + 0.1, 0.2), 1e9 + 0.3);
    }

    #[test]
    fn rounding_keeps_six_fraction_digits() {
        assert_eq!(round(1.0 / 3.0), 0.333333);
        assert_eq!(round(-2.0 / 3.0), -0.666667);
        assert_eq!(round(0.0000004), 0.0);
        assert!(round(-0.0000004).is_sign_positive());
        assert_eq!(round(1e300), 1e300);
        assert_eq!(add(1e300, 1e300), 2e300);
    }
}
