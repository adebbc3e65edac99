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

/// 2^52: from here up, every float is a whole number.
const WHOLE: f64 = 4_503_599_627_370_496.0;

/// Whether `x` is a whole number below [`EXACT`] in size. Most points are
/// (`add 50`), and for them rounding and adding are plain float operations:
/// `f64::round` is a library call on the baseline x86-64 target, and so is
/// `trunc`. Below 2^52, adding 2^52 rounds to a whole number (the spacing of
/// floats there is 1) and subtracting it again is exact, so the round trip
/// gives `x` back exactly when `x` is whole: four float operations, no
/// conversion to an integer (whose saturating check costs more).
fn whole(x: f64) -> bool {
    let a = x.abs();
    a < EXACT && (a + WHOLE) - WHOLE == a
}

/// `x` rounded to whole millionths (halves away from zero); `-0` becomes `0`.
pub fn round(x: f64) -> f64 {
    if whole(x) {
        x + 0.0
    } else if x.abs() < EXACT {
        (x * SCALE).round() / SCALE + 0.0
    } else {
        x
    }
}

/// `a + b` for two numbers of whole millionths, exactly while both and the
/// sum stay below [`EXACT`] in size.
pub fn add(a: f64, b: f64) -> f64 {
    if whole(a) && whole(b) {
        // Whole numbers below 2^53 add exactly as floats.
        return a + b + 0.0;
    }
    if a.abs() < EXACT && b.abs() < EXACT {
        let units = (a * SCALE).round() as i64 + (b * SCALE).round() as i64;
        return units as f64 / SCALE + 0.0;
    }
    a + b
}

/// `*total = add(*total, b)` for a running total (a sum of [`add`]s from
/// 0, never `-0`): adding 0 to a whole total gives it back, so a rule that
/// gave no points costs one test and leaves the total as it is — not even
/// stored again, so one rule's total does not wait on the last one's store.
#[inline]
pub fn add_into(total: &mut f64, b: f64) {
    if b == 0.0 && whole(*total) {
        return;
    }
    *total = add(*total, b);
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
        assert!(round(-0.0).is_sign_positive());
        assert!(add(-0.0, -0.0).is_sign_positive());
        assert_eq!(add(50.0, -20.0), 30.0);
        assert_eq!(add(3.0, 0.25), 3.25);
        assert!(round(f64::NAN).is_nan());
        assert_eq!(round(f64::INFINITY), f64::INFINITY);
        assert_eq!(add(1e300, 1e300), 2e300);
    }

    /// `whole` agrees with the plain test by conversion, around every
    /// boundary: whole numbers, halves, the smallest fractions, the
    /// limit, infinities and NaN.
    #[test]
    fn whole_agrees_with_the_conversion_test() {
        let plain = |x: f64| x.abs() < EXACT && (x as i64) as f64 == x;
        let mut xs = vec![0.0, -0.0, 0.5, -0.5, 1.5, 2.5, f64::NAN, f64::INFINITY];
        xs.extend([f64::NEG_INFINITY, f64::MIN_POSITIVE, 5e-324, EXACT, -EXACT]);
        for k in [1.0, 2.0, 3.0, 1e6, 123_456_789.0, EXACT - 1.0] {
            for x in [k, k.next_up(), k.next_down(), k + 0.5, k - 0.5, k + 1e-6] {
                xs.extend([x, -x]);
            }
        }
        xs.extend([EXACT.next_down(), EXACT.next_up(), 1e300, -1e300]);
        for x in xs {
            assert_eq!(whole(x), plain(x), "{x:e}");
        }
    }

    /// The whole-number shortcut gives what the millionths arithmetic gives.
    #[test]
    fn the_whole_number_shortcut_changes_no_result() {
        let slow_round = |x: f64| (x * SCALE).round() / SCALE + 0.0;
        let slow_add = |a: f64, b: f64| {
            ((a * SCALE).round() as i64 + (b * SCALE).round() as i64) as f64 / SCALE + 0.0
        };
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..100_000 {
            let r = next();
            let whole_part = (r % 2_000_000_000) as f64 - 1e9;
            let x = match r % 3 {
                0 => whole_part,
                1 => whole_part + (next() % 1000) as f64 / 8.0,
                _ => round(whole_part / ((next() % 97) + 1) as f64),
            };
            let y = round(((next() % 4000) as f64 - 2000.0) / 4.0);
            assert_eq!(round(x).to_bits(), slow_round(x).to_bits(), "{x}");
            assert_eq!(
                add(round(x), y).to_bits(),
                slow_add(round(x), y).to_bits(),
                "{x} {y}"
            );
            let total = add(0.0, round(x));
            for b in [0.0, y] {
                let mut into = total;
                add_into(&mut into, b);
                assert_eq!(into.to_bits(), add(total, b).to_bits(), "{total} {b}");
            }
        }
    }
}
