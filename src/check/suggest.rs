//! "Did you mean": the one helper every checker diagnostic uses to suggest a name.

/// The candidate closest to `name`, if one is close enough.
///
/// A candidate equal to `name` ignoring case wins outright. Otherwise the
/// candidate with the smallest edit distance (insertions, deletions,
/// substitutions and swaps of neighbours, ignoring case) wins, if that
/// distance is at most `max(1, len / 3)` where `len` is `name`'s length in
/// characters; ties go to the earlier candidate.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for cand in candidates {
        let c = cand.to_lowercase();
        if c == lower {
            return Some(cand);
        }
        let d = distance(&lower, &c);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Optimal string alignment distance between two strings, by characters.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 || j == 0 {
                i + j
            } else {
                step(&d, w, &a, &b, i, j)
            };
        }
    }
    d[a.len() * w + b.len()]
}

/// One cell of the distance table.
fn step(d: &[usize], w: usize, a: &[char], b: &[char], i: usize, j: usize) -> usize {
    let cost = usize::from(a[i - 1] != b[j - 1]);
    let mut best = (d[(i - 1) * w + j] + 1)
        .min(d[i * w + j - 1] + 1)
        .min(d[(i - 1) * w + j - 1] + cost);
    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
        best = best.min(d[(i - 2) * w + j - 2] + 1);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::{did_you_mean, distance};

    #[test]
    fn distances() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("title", "title"), 0);
        assert_eq!(distance("titel", "title"), 1);
        assert_eq!(distance("sise", "size"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn case_insensitive_exact_match_wins() {
        let c = ["titel", "Title"];
        assert_eq!(did_you_mean("TITLE", c), Some("Title"));
    }

    #[test]
    fn closest_within_limit() {
        let c = ["email", "events", "executive"];
        assert_eq!(did_you_mean("executiv", c), Some("executive"));
        assert_eq!(did_you_mean("evnets", c), Some("events"));
    }

    #[test]
    fn nothing_when_too_far() {
        let c = ["company", "source"];
        assert_eq!(did_you_mean("title", c), None);
        // A short name allows one edit only.
        assert_eq!(did_you_mean("ab", ["xy"]), None);
        assert_eq!(did_you_mean("ab", ["ax"]), Some("ax"));
    }

    #[test]
    fn tie_goes_to_first_candidate() {
        assert_eq!(did_you_mean("cat", ["bat", "hat"]), Some("bat"));
    }

    #[test]
    fn empty_candidates() {
        assert_eq!(did_you_mean("x", std::iter::empty()), None);
    }
}
