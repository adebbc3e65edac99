//! The baselines that `scripts/bench.sh` measures leadscore against.
//!
//! leadscore-baseline parse LEADS   parse every line into serde_json::Value, discard
//! leadscore-baseline score LEADS   score MODEL.md by hand over serde-derived structs
//!
//! `score` is what a competent engineer would write by hand for this one
//! model: typed structs filled by `serde_json::from_slice`, lower-cased
//! strings, timestamps as integer seconds, one pass per rule as MODEL.md
//! states them. Its output is byte-identical to `reference_score.py`.

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;
use std::io::{BufRead, BufReader, BufWriter, Write};

/// `as_of` of MODEL.md, 2026-11-01T00:00:00Z, in Unix seconds.
const AS_OF: i64 = 1_793_491_200;
const DAY: i64 = 86_400;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["parse", leads] => parse(leads),
        ["score", leads] => score_file(leads),
        _ => {
            eprintln!("usage: leadscore-baseline parse|score LEADS");
            std::process::exit(2);
        }
    }
}

fn lines(path: &str, mut each: impl FnMut(&[u8])) {
    let file = std::fs::File::open(path).expect("leads file");
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).expect("read") == 0 {
            break;
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            each(&line);
        }
    }
}

/// The parse-only baseline: each line into a `serde_json::Value`, thrown away.
fn parse(path: &str) {
    let mut fields = 0usize;
    lines(path, |line| {
        let v: Value = serde_json::from_slice(line).expect("a JSON line");
        fields += v.as_object().map_or(0, |o| o.len());
    });
    println!("{fields}");
}

#[derive(Deserialize)]
struct Lead {
    id: Option<String>,
    email: Option<String>,
    title: Option<String>,
    #[serde(default)]
    company: Company,
    source: Option<String>,
    unsubscribed: Option<bool>,
    #[serde(default)]
    events: Vec<Event>,
}

#[derive(Deserialize, Default)]
struct Company {
    name: Option<String>,
    size: Option<f64>,
    industry: Option<String>,
    country: Option<String>,
    revenue: Option<f64>,
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    at: String,
    url: Option<String>,
}

#[derive(serde::Serialize)]
struct Scored<'a> {
    id: Option<&'a str>,
    score: i64,
    tier: &'static str,
    fit: i64,
    engagement: i64,
}

fn score_file(path: &str) {
    let test_name = Regex::new(r"(?i)\b(test|example)\b").expect("regex");
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    lines(path, |line| {
        let lead: Lead = serde_json::from_slice(line).expect("a lead");
        let scored = score(&lead, &test_name);
        serde_json::to_writer(&mut out, &scored).expect("write");
        out.write_all(b"\n").expect("write");
    });
    out.flush().expect("write");
}

/// `YYYY-MM-DDTHH:MM:SSZ` in Unix seconds (the generator's only form).
fn seconds(at: &str) -> i64 {
    let b = at.as_bytes();
    let n = |r: std::ops::Range<usize>| -> i64 {
        b[r].iter().fold(0, |acc, d| acc * 10 + i64::from(d - b'0'))
    };
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * DAY + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)
}

fn within(at: &str, days: i64) -> bool {
    let t = seconds(at);
    AS_OF - days * DAY < t && t <= AS_OF
}

fn has(s: &Option<String>, needles: &[&str]) -> bool {
    s.as_deref().is_some_and(|s| {
        let s = s.to_lowercase();
        needles.iter().any(|n| s.contains(n))
    })
}

fn is(s: &Option<String>, values: &[&str]) -> bool {
    s.as_deref()
        .is_some_and(|s| values.iter().any(|v| s.eq_ignore_ascii_case(v)))
}

fn score<'a>(lead: &'a Lead, test_name: &Regex) -> Scored<'a> {
    let fit = fit(lead).min(60);
    let engagement = engagement(lead).min(100);
    let total = fit + engagement + ungrouped(lead, test_name);
    let tier = match total {
        t if t >= 80 => "hot",
        t if t >= 40 => "warm",
        _ => "cold",
    };
    Scored {
        id: lead.id.as_deref(),
        score: total,
        tier,
        fit,
        engagement,
    }
}

fn fit(lead: &Lead) -> i64 {
    let co = &lead.company;
    let mut fit = 0;
    let t = &lead.title;
    if has(
        t,
        &[
            "vp",
            "vice president",
            "chief",
            "ceo",
            "cfo",
            "head of",
            "founder",
        ],
    ) {
        fit += 50;
    }
    if has(t, &["director"]) {
        fit += 30;
    }
    if has(t, &["manager"]) {
        fit += 15;
    }
    if has(t, &["intern", "student"]) {
        fit -= 30;
    }
    if let Some(size) = co.size {
        if (200.0..=5000.0).contains(&size) {
            fit += 20;
        }
        if (50.0..=199.0).contains(&size) {
            fit += 10;
        }
        if size < 10.0 {
            fit -= 10;
        }
    }
    if is(
        &co.industry,
        &["saas", "software", "fintech", "healthcare it"],
    ) {
        fit += 15;
    }
    if is(&co.country, &["us", "ca", "gb", "de", "fr", "nl", "au"]) {
        fit += 5;
    }
    let personal = ["@gmail.com", "@yahoo.com", "@hotmail.com", "@outlook.com"];
    if lead.email.as_deref().is_some_and(|e| {
        let e = e.to_lowercase();
        personal.iter().any(|d| e.ends_with(d))
    }) {
        fit -= 20;
    }
    if co.revenue.is_some_and(|r| r >= 10_000_000.0) {
        fit += 10;
    }
    fit
}

/// The events of one type (case-insensitive).
fn of_type<'a>(ev: &'a [Event], kind: &'static str) -> impl Iterator<Item = &'a Event> {
    ev.iter().filter(move |e| e.kind.eq_ignore_ascii_case(kind))
}

fn engagement(lead: &Lead) -> i64 {
    let ev = &lead.events;
    let of = |kind: &'static str| of_type(ev, kind);
    let pricing_30 = of("page_view")
        .filter(|e| has(&e.url, &["/pricing"]) && within(&e.at, 30))
        .count();
    let mut eng = 0;
    if pricing_30 >= 1 {
        eng += 30;
    }
    if pricing_30 >= 3 {
        eng += 10;
    }
    if of("demo_request").next().is_some() {
        eng += 40;
    }
    if of("webinar_attended").next().is_some() {
        eng += 15;
    }
    eng += (2 * of("email_open").count() as i64).min(10);
    if of("email_click").count() >= 2 {
        eng += 10;
    }
    if of("content_download").any(|e| has(&e.url, &["whitepaper"])) {
        eng += 10;
    }
    if of("page_view").count() >= 20 {
        eng += 5;
    }
    if is(&lead.source, &["referral"]) {
        eng += 15;
    }
    if is(&lead.source, &["paid"]) {
        eng += 5;
    }
    eng
}

fn ungrouped(lead: &Lead, test_name: &Regex) -> i64 {
    let ev = &lead.events;
    let mut rest = 0;
    if lead.unsubscribed == Some(true) {
        rest -= 50;
    }
    if !ev.iter().any(|e| within(&e.at, 90)) {
        rest -= 15;
    }
    let careers =
        |e: &&Event| e.kind.eq_ignore_ascii_case("page_view") && has(&e.url, &["/careers"]);
    if ev.iter().any(|e| careers(&e)) {
        rest -= 10;
    }
    if lead
        .company
        .name
        .as_deref()
        .is_some_and(|n| test_name.is_match(n))
    {
        rest -= 40;
    }
    if lead.title.as_deref().is_none_or(str::is_empty) {
        rest -= 5;
    }
    rest
}
