//! The meaning of rules: each test scores one lead with a few lines of rules
//! and checks the result. The clock is always 2026-11-01T00:00:00Z.

use leadscore::eval::{Bound, Cap, DataError, EvalOptions, Outcome, Program};
use leadscore::syntax::MemReader;

const AS_OF: &str = "2026-11-01T00:00:00Z";

fn program(rules: &str) -> Program {
    let loaded = leadscore::load_str("test.rules", rules, &MemReader::default());
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "rules rejected:\n{rules}\n{errors:#?}");
    Program::compile(loaded.ruleset.as_ref().expect("a ruleset"))
}

fn run(prog: &Program, lead: &str) -> Result<Outcome, DataError> {
    let as_of = chrono::DateTime::parse_from_rfc3339(AS_OF)
        .unwrap()
        .to_utc();
    let lead: serde_json::Value = serde_json::from_str(lead).expect("lead JSON");
    prog.score(&lead, &EvalOptions { as_of })
}

fn outcome(rules: &str, lead: &str) -> Outcome {
    run(&program(rules), lead).expect("scored")
}

fn score(rules: &str, lead: &str) -> f64 {
    outcome(rules, lead).score
}

/// Does `when COND add 1` fire on `lead`?
fn fires(cond: &str, lead: &str) -> bool {
    score(&format!("when {cond} add 1"), lead) == 1.0
}

fn data_error(rules: &str, lead: &str) -> String {
    run(&program(rules), lead)
        .expect_err("a data error")
        .to_string()
}

fn record(rules: &str, lead: &str, explain: bool) -> String {
    let prog = program(rules);
    let o = run(&prog, lead).expect("scored");
    let mut out = String::new();
    prog.render_record(&mut out, &serde_json::json!("L1"), &o, explain);
    out
}

// ---- strings ----

#[test]
fn string_tests_ignore_case() {
    assert_eq!(
        score(
            r#"when title contains "vp" add 5"#,
            r#"{"title":"VP Sales"}"#
        ),
        5.0
    );
    assert!(fires(r#"title == "vp sales""#, r#"{"title":"VP SALES"}"#));
    assert!(fires(
        r#"title starts with "VP""#,
        r#"{"title":"vp of sales"}"#
    ));
    assert!(fires(
        r#"email ends with "@GMAIL.com""#,
        r#"{"email":"Bo@Gmail.COM"}"#
    ));
    assert!(fires("country in [us, ca]", r#"{"country":"US"}"#));
    assert!(fires(
        r#"title contains any ["Head of", Chief]"#,
        r#"{"title":"HEAD OF GROWTH"}"#
    ));
    assert!(!fires(
        r#"title contains "director""#,
        r#"{"title":"VP Sales"}"#
    ));
}

#[test]
fn case_folding_is_unicode() {
    assert!(fires(r#"school == "école""#, r#"{"school":"ÉCOLE"}"#));
    assert!(fires(
        r#"school contains "ÉCO""#,
        r#"{"school":"une école"}"#
    ));
    assert!(fires(r#"city in ["MÜNCHEN"]"#, r#"{"city":"münchen"}"#));
}

#[test]
fn matches_follows_the_regex_flags() {
    assert!(fires(
        r"name matches /\btest\b/i",
        r#"{"name":"Acme TEST Labs"}"#
    ));
    assert!(!fires(
        r"name matches /\btest\b/",
        r#"{"name":"Acme TEST Labs"}"#
    ));
    assert!(fires(
        r"name matches /\btest\b/",
        r#"{"name":"Acme test Labs"}"#
    ));
    assert!(!fires(r"name matches /\btest\b/i", r#"{"name":"Contest"}"#));
}

#[test]
fn not_equal_on_present_values() {
    assert!(fires(r#"source != "paid""#, r#"{"source":"organic"}"#));
    assert!(!fires(r#"source != "paid""#, r#"{"source":"PAID"}"#));
    assert!(fires("size != 3", r#"{"size":4}"#));
}

// ---- missing, null, present ----

#[test]
fn comparisons_with_missing_or_null_are_false() {
    for lead in [r#"{}"#, r#"{"x":null}"#] {
        assert!(!fires(r#"x == "a""#, lead), "{lead}");
        assert!(!fires(r#"x != "a""#, lead), "{lead}");
        assert!(!fires("n < 3", lead), "{lead}");
        assert!(!fires("n >= 3", lead), "{lead}");
        assert!(!fires("n between 1 and 5", lead), "{lead}");
        assert!(!fires("x in [a, b]", lead), "{lead}");
        assert!(!fires("x not in [a, b]", lead), "{lead}");
        assert!(!fires(r#"x contains "a""#, lead), "{lead}");
        assert!(!fires(r#"x starts with "a""#, lead), "{lead}");
        assert!(!fires(r#"x ends with any ["a"]"#, lead), "{lead}");
        assert!(!fires("x matches /a/", lead), "{lead}");
        assert!(!fires("t within 30 days", lead), "{lead}");
        assert!(!fires("flag", lead), "{lead}");
    }
}

#[test]
fn not_of_a_comparison_with_missing_is_true() {
    assert!(fires(r#"not (x == "a")"#, "{}"));
    assert!(fires(r#"not (x != "a")"#, r#"{"x":null}"#));
    assert!(fires("not (n < 3)", "{}"));
    assert!(fires("not flag", "{}"));
    assert!(!fires("not flag", r#"{"flag":true}"#));
}

#[test]
fn is_missing_is_true_for_missing_and_null_only() {
    assert!(fires("x is missing", "{}"));
    assert!(fires("x is missing", r#"{"x":null}"#));
    assert!(!fires("x is missing", r#"{"x":""}"#));
    assert!(!fires("x is missing", r#"{"x":0}"#));
    assert!(!fires("x is missing", r#"{"x":false}"#));
    assert!(fires("x is present", r#"{"x":""}"#));
    assert!(!fires("x is present", r#"{"x":null}"#));
    assert!(fires("company.size is missing", r#"{"company":null}"#));
    assert!(fires("company.size is missing", r#"{"company":{}}"#));
}

#[test]
fn present_values_compare() {
    assert!(fires("n < 3", r#"{"n":2}"#));
    assert!(!fires("n < 3", r#"{"n":3}"#));
    assert!(fires("n <= 3", r#"{"n":3}"#));
    assert!(fires("x not in [a, b]", r#"{"x":"c"}"#));
    assert!(!fires("x not in [a, b]", r#"{"x":"A"}"#));
    assert!(fires("flag", r#"{"flag":true}"#));
    assert!(!fires("flag", r#"{"flag":false}"#));
}

// ---- ranges and time ----

#[test]
fn between_is_inclusive_at_both_ends() {
    let rule = "when size between 200 and 5000 add 1";
    for (size, want) in [
        (199, 0.0),
        (200, 1.0),
        (1000, 1.0),
        (5000, 1.0),
        (5001, 0.0),
    ] {
        assert_eq!(
            score(rule, &format!(r#"{{"size":{size}}}"#)),
            want,
            "size {size}"
        );
    }
}

#[test]
fn within_excludes_the_far_end_and_includes_now() {
    let at = |t: &str| format!(r#"{{"at":"{t}"}}"#);
    assert!(
        !fires("at within 30 days", &at("2026-10-02T00:00:00Z")),
        "exactly as_of - 30 days"
    );
    assert!(fires("at within 30 days", &at("2026-10-02T00:00:01Z")));
    assert!(
        fires("at within 30 days", &at("2026-11-01T00:00:00Z")),
        "exactly as_of"
    );
    assert!(
        !fires("at within 30 days", &at("2026-11-01T00:00:01Z")),
        "the future"
    );
    assert!(fires("at within 2 hours", &at("2026-10-31T22:30:00Z")));
    assert!(!fires("at within 2 hours", &at("2026-10-31T22:00:00Z")));
    assert!(fires("at within 1 weeks", &at("2026-10-25T00:00:01Z")));
    assert!(!fires("at within 1 weeks", &at("2026-10-25T00:00:00Z")));
}

#[test]
fn datetimes_accept_offsets_fractions_and_plain_dates() {
    assert!(fires(
        "at within 1 days",
        r#"{"at":"2026-11-01T00:30:00+01:00"}"#
    ));
    assert!(!fires(
        "at within 1 days",
        r#"{"at":"2026-11-01T00:30:00-01:00"}"#
    ));
    assert!(fires(
        "at within 1 days",
        r#"{"at":"2026-10-31T00:00:00.001Z"}"#
    ));
    assert!(fires("at within 1 days", r#"{"at":"2026-11-01"}"#));
    assert!(!fires("at within 1 days", r#"{"at":"2026-10-31"}"#));
}

#[test]
fn days_since_rounds_down() {
    assert_eq!(
        score("add days_since(at)", r#"{"at":"2026-10-31T00:00:00Z"}"#),
        1.0
    );
    assert_eq!(
        score("add days_since(at)", r#"{"at":"2026-10-30T00:00:01Z"}"#),
        1.0
    );
    assert_eq!(
        score("add days_since(at)", r#"{"at":"2026-11-01T12:00:00Z"}"#),
        -1.0
    );
    assert_eq!(score("add days_since(at)", "{}"), 0.0);
}

// ---- groups, caps, score ----

const CAPPED: &str = r#"
group fit max 60 {
  when a add 50 as "a"
  when b add 30 as "b"
}
group risk min -10 {
  when c subtract 30 as "c"
}
when d add 7 as "d"
"#;

#[test]
fn group_max_clamps_after_summing_and_is_recorded() {
    let o = outcome(CAPPED, r#"{"a":true,"b":true,"d":true}"#);
    assert_eq!(o.groups, vec![60.0, 0.0]);
    assert_eq!(o.score, 67.0);
    assert_eq!(
        o.caps,
        vec![Cap {
            group: Some(0),
            bound: Bound::Max,
            limit: 60.0,
            points: -20.0
        }]
    );
    let prog = program(CAPPED);
    let reasons = prog.reasons(&o);
    assert_eq!(reasons.iter().map(|r| r.points).sum::<f64>(), o.score);
    assert_eq!(reasons.last().unwrap().rule, "max 60");
}

#[test]
fn group_min_clamps_and_is_recorded() {
    let o = outcome(CAPPED, r#"{"c":true}"#);
    assert_eq!(o.groups, vec![0.0, -10.0]);
    assert_eq!(o.score, -10.0);
    assert_eq!(
        o.caps,
        vec![Cap {
            group: Some(1),
            bound: Bound::Min,
            limit: -10.0,
            points: 20.0
        }]
    );
    let prog = program(CAPPED);
    assert_eq!(
        prog.reasons(&o).iter().map(|r| r.points).sum::<f64>(),
        o.score
    );
}

#[test]
fn a_clamp_that_changes_nothing_is_not_recorded() {
    let o = outcome(CAPPED, r#"{"a":true}"#);
    assert_eq!(o.groups, vec![50.0, 0.0]);
    assert!(o.caps.is_empty());
}

#[test]
fn rule_outcomes_record_fired_and_points() {
    let o = outcome(
        "when a add 5\nwhen b subtract 3\nwhen c add 1",
        r#"{"a":true,"b":true}"#,
    );
    let got: Vec<_> = o.rules.iter().map(|r| (r.fired, r.points)).collect();
    assert_eq!(got, vec![(true, 5.0), (true, -3.0), (false, 0.0)]);
    assert_eq!(o.score, 2.0);
}

// ---- points ----

#[test]
fn up_to_caps_the_rule_before_the_sign() {
    let lead = r#"{"events":[{"type":"open"},{"type":"open"},{"type":"open"},{"type":"open"}]}"#;
    assert_eq!(
        score(
            r#"add 3 * count(events where type == "open") up to 10"#,
            lead
        ),
        10.0
    );
    assert_eq!(
        score(
            r#"subtract 3 * count(events where type == "open") up to 10"#,
            lead
        ),
        -10.0
    );
    assert_eq!(
        score(
            r#"add 2 * count(events where type == "open") up to 10"#,
            lead
        ),
        8.0
    );
}

#[test]
fn arithmetic_with_missing_gives_zero_but_the_rule_fires() {
    let o = outcome("when a add size * 2", r#"{"a":true}"#);
    assert_eq!(
        (o.rules[0].fired, o.rules[0].points, o.score),
        (true, 0.0, 0.0)
    );
    assert_eq!(score("add size * 2", r#"{"size":null}"#), 0.0);
    assert_eq!(score("add size * 2 + 1", r#"{"size":4}"#), 9.0);
    assert!(!fires("size * 2 > 1", "{}"));
}

#[test]
fn division_by_zero_gives_zero() {
    assert_eq!(score("add 10 / n", r#"{"n":0}"#), 0.0);
    assert_eq!(score("add 10 / n", r#"{"n":4}"#), 2.5);
    assert!(!fires("10 / n > 1", r#"{"n":0}"#));
}

#[test]
fn functions() {
    assert_eq!(
        score("add min(a, 10) + max(b, 1)", r#"{"a":30,"b":-4}"#),
        11.0
    );
    assert_eq!(score("add len(title)", r#"{"title":"École"}"#), 5.0);
    assert_eq!(score("add len(tags)", r#"{"tags":["a","b","c"]}"#), 3.0);
    assert_eq!(score("add -a", r#"{"a":3}"#), -3.0);
}

// ---- collections ----

#[test]
fn collections_over_a_missing_list() {
    for lead in ["{}", r#"{"events":null}"#] {
        assert_eq!(score("add 1 + count(events)", lead), 1.0, "{lead}");
        assert!(!fires(r#"any(events where type == "x")"#, lead), "{lead}");
        assert!(fires(r#"none(events where type == "x")"#, lead), "{lead}");
        assert!(fires(r#"all(events where type == "x")"#, lead), "{lead}");
        let rules = "schema { orders: list<{ amount: number }>? }\nadd 1 + sum(orders.amount)";
        assert_eq!(
            score(rules, &lead.replace("events", "orders")),
            1.0,
            "{lead}"
        );
    }
}

#[test]
fn collections_over_present_lists() {
    let lead = r#"{"events":[{"type":"A","n":2},{"type":"b","n":3},{"type":"a"}]}"#;
    assert_eq!(score(r#"add count(events where type == "a")"#, lead), 2.0);
    assert_eq!(score("add count(events)", lead), 3.0);
    assert!(fires(r#"any(events where type == "B")"#, lead));
    assert!(!fires(r#"all(events where type == "a")"#, lead));
    assert!(fires(r#"all(events where type in [a, b])"#, lead));
    assert!(fires(r#"none(events where type == "c")"#, lead));
    let schema = "schema { events: list<{ type: string, n: number? }> }\n";
    assert_eq!(score(&format!("{schema}add sum(events.n)"), lead), 5.0);
    assert_eq!(score(&format!("{schema}add count(events.type)"), lead), 3.0);
    let rule = r#"add sum((events where type == "b").n)"#;
    assert_eq!(score(&format!("{schema}{rule}"), lead), 3.0);
    assert!(fires("any(events)", lead));
    assert!(!fires("none(events)", lead));
    assert!(fires("none(events)", r#"{"events":[]}"#));
}

#[test]
fn lists_of_scalars() {
    let lead = r#"{"tags":["Enterprise","beta"],"flags":[true,false]}"#;
    let fires = |cond: &str| {
        let rules =
            format!("schema {{ tags: list<string>, flags: list<bool> }}\nwhen {cond} add 1");
        score(&rules, lead) == 1.0
    };
    assert!(fires(r#"tags contains "enterprise""#));
    assert!(!fires(r#"tags contains "enter""#));
    assert!(fires(r#""BETA" in tags"#));
    assert!(fires(r#"tags contains any [x, beta]"#));
    assert!(fires("any(flags)"));
    assert!(!fires("all(flags)"));
    assert!(!fires("none(flags)"));
    assert!(fires("len(tags) == 2"));
}

#[test]
fn lets_filter_once_and_feed_several_rules() {
    let rules = r#"
let opens = events where type == "open"
when count(opens) >= 1 add 1
when count(opens) >= 2 add 10
when all(events where type == "open") add 100
"#;
    let two = r#"{"events":[{"type":"open"},{"type":"open"}]}"#;
    assert_eq!(score(rules, two), 111.0);
    let mixed = r#"{"events":[{"type":"open"},{"type":"click"}]}"#;
    assert_eq!(score(rules, mixed), 1.0);
}

#[test]
fn lead_fields_inside_where() {
    let rules = "when any(events where type == lead.favourite) add 1";
    assert_eq!(
        score(rules, r#"{"favourite":"demo","events":[{"type":"Demo"}]}"#),
        1.0
    );
    assert_eq!(
        score(rules, r#"{"favourite":"call","events":[{"type":"Demo"}]}"#),
        0.0
    );
}

#[test]
fn nested_where() {
    let rules = r#"when any(orders where any(items where sku == "x1" and qty > 1)) add 1"#;
    let yes = r#"{"orders":[{"items":[{"sku":"a","qty":5}]},{"items":[{"sku":"X1","qty":2}]}]}"#;
    let no = r#"{"orders":[{"items":[{"sku":"a","qty":5}]},{"items":[{"sku":"x1","qty":1}]}]}"#;
    assert!(score(rules, yes) == 1.0 && score(rules, no) == 0.0);
}

// ---- labels ----

const LABELLED: &str = r#"
group fit max 60 {
  when a add 50
  when b add 30
}
when c add 20
label tier {
  hot when score >= 80
  warm when score >= 40
}
label grade {
  A when fit >= 50
  B otherwise
}
"#;

#[test]
fn labels_first_matching_arm_wins() {
    let o = outcome(LABELLED, r#"{"a":true,"b":true,"c":true}"#);
    assert_eq!((o.score, o.labels.clone()), (80.0, vec![Some(0), Some(0)]));
    let o = outcome(LABELLED, r#"{"a":true}"#);
    assert_eq!(o.labels, vec![Some(1), Some(0)]);
}

#[test]
fn labels_no_matching_arm_is_null() {
    let o = outcome(LABELLED, r#"{"b":true}"#);
    assert_eq!(o.labels, vec![None, Some(1)]);
    let line = record(LABELLED, r#"{"b":true}"#, false);
    assert_eq!(
        line,
        "{\"id\":\"L1\",\"score\":30,\"fit\":30,\"tier\":null,\"grade\":\"B\"}\n"
    );
}

// ---- output ----

#[test]
fn records_with_reasons_add_up() {
    let line = record(LABELLED, r#"{"a":true,"b":true,"c":true}"#, true);
    let want = concat!(
        r#"{"id":"L1","score":80,"fit":60,"tier":"hot","grade":"A","reasons":["#,
        r#"{"rule":"when a add 50","group":"fit","points":50},"#,
        r#"{"rule":"when b add 30","group":"fit","points":30},"#,
        r#"{"rule":"when c add 20","group":null,"points":20},"#,
        r#"{"rule":"max 60","group":"fit","points":-20}]}"#,
        "\n"
    );
    assert_eq!(line, want);
}

#[test]
fn fractional_points_print_as_json_numbers() {
    assert_eq!(
        record("add x / 4", r#"{"x":2}"#, false),
        "{\"id\":\"L1\",\"score\":0.5}\n"
    );
}

// ---- wrong types ----

const SCHEMA: &str = r#"
schema {
  id: string
  title: string?
  company: { size: int?, name: string }
  events: list<{ type: string, at: datetime }>
}
when company.size > 100 add 10
when title contains "vp" add 5
when any(events where at within 30 days) add 1
when company.name matches /test/i subtract 1
"#;

#[test]
fn with_a_schema_wrong_types_are_data_errors() {
    let e = data_error(
        SCHEMA,
        r#"{"company":{"size":"big","name":"A"},"events":[]}"#,
    );
    assert_eq!(e, r#"company.size: expected int, found string "big""#);
    let e = data_error(SCHEMA, r#"{"company":{"size":2.5,"name":"A"},"events":[]}"#);
    assert_eq!(e, "company.size: expected int, found number 2.5");
    let e = data_error(
        SCHEMA,
        r#"{"company":{"name":"A"},"events":[{"type":"x","at":"soon"}]}"#,
    );
    assert_eq!(e, r#"events[0].at: expected datetime, found string "soon""#);
}

#[test]
fn with_a_schema_required_fields_must_be_there() {
    let e = data_error(SCHEMA, r#"{"company":{"name":"A"}}"#);
    assert!(e.starts_with("events: expected list<"), "{e}");
    let e = data_error(SCHEMA, r#"{"company":{"name":null},"events":[]}"#);
    assert_eq!(e, "company.name: expected string, found null");
    // Optional fields may be missing or null.
    let o = run(
        &program(SCHEMA),
        r#"{"title":null,"company":{"name":"A"},"events":[]}"#,
    );
    assert_eq!(o.map(|o| o.score), Ok(0.0));
}

#[test]
fn without_a_schema_wrong_types_are_false_and_counted() {
    let rules =
        "when size > 100 add 10\nwhen title contains \"vp\" add 5\nwhen size is present add 1";
    let o = outcome(rules, r#"{"size":"big","title":"VP"}"#);
    assert_eq!((o.score, o.mismatches), (6.0, 1));
    let o = outcome(rules, r#"{"size":500,"title":7}"#);
    assert_eq!((o.score, o.mismatches), (11.0, 1));
    assert!(fires("not (size > 100)", r#"{"size":"big"}"#));
    let o = outcome("when company.size > 100 add 10", r#"{"company":"Acme"}"#);
    assert_eq!((o.score, o.mismatches), (0.0, 1));
    let o = outcome(
        "when any(events where at within 30 days) add 1",
        r#"{"events":[{"at":"soon"}]}"#,
    );
    assert_eq!((o.score, o.mismatches), (0.0, 1));
}

#[test]
fn lets_chain_filters() {
    let rules = r#"
schema { deals: list<{ stage: string, amount: number? }> }
let won = deals where stage == "won"
let big_won = won where amount >= 100
add count(big_won) * 1000 + sum(won.amount)
"#;
    let lead = r#"{"deals":[{"stage":"Won","amount":150},{"stage":"won","amount":50},
        {"stage":"lost","amount":500},{"stage":"won","amount":null}]}"#;
    assert_eq!(score(rules, lead), 1200.0);
}

#[test]
fn labels_can_read_lead_fields_and_group_totals() {
    let rules = r#"
group fit { when a add 10 }
label segment {
  enterprise when fit >= 10 and company.size > 1000
  smb when company.size <= 1000
}
"#;
    let o = outcome(rules, r#"{"a":true,"company":{"size":5000}}"#);
    assert_eq!(o.labels, vec![Some(0)]);
    let o = outcome(rules, r#"{"company":{"size":5000}}"#);
    assert_eq!(o.labels, vec![None]);
}

#[test]
fn text_whose_lowercase_changes_length() {
    // "İ" lowercases to two characters; the comparison still lines up.
    assert!(fires(r#"city == "i̇stanbul""#, r#"{"city":"İstanbul"}"#));
    assert!(fires(r#"city contains "stan""#, r#"{"city":"İSTANBUL"}"#));
}

#[test]
fn text_is_compared_by_unicode_case_folding() {
    // Full folding: ß folds to ss, and both Greek sigmas to σ.
    assert!(fires(r#"street == "STRASSE""#, r#"{"street":"straße"}"#));
    assert!(fires(r#"street == "straße""#, r#"{"street":"STRASSE"}"#));
    assert!(fires(
        r#"street contains "ss""#,
        r#"{"street":"Hauptstraße"}"#
    ));
    assert!(fires(r#"city == "ΟΔΟΣ""#, r#"{"city":"οδος"}"#));
    assert!(fires(r#"city in [ΟΔΟΣ, Athens]"#, r#"{"city":"Οδος"}"#));
    assert!(fires(r#"city ends with "σ""#, r#"{"city":"ΟΔΟΣ"}"#));
    assert!(fires(r#"a == lead.b"#, r#"{"a":"MASSE","b":"Maße"}"#));
    // Accents are kept: folding is about case only.
    assert!(!fires(r#"city == "ecole""#, r#"{"city":"École"}"#));
}

#[test]
fn reused_buffers_do_not_leak_between_leads() {
    use leadscore::eval::Scratch;
    let prog = program(
        r#"
let opens = events where type == "open"
when count(opens) >= 2 add 10
when title contains "vp" add 5
when any(events where at within 30 days) add 1
"#,
    );
    let leads = [
        r#"{"title":"VP","events":[{"type":"open","at":"2026-10-30"},{"type":"open"}]}"#,
        r#"{"events":[{"type":"click"}]}"#,
        r#"{"title":"Vp of X","events":[]}"#,
        "{}",
    ];
    let as_of = chrono::DateTime::parse_from_rfc3339(AS_OF)
        .unwrap()
        .to_utc();
    let opts = EvalOptions { as_of };
    let (mut scratch, mut out) = (Scratch::default(), Outcome::default());
    for lead in leads.iter().chain(leads.iter().rev()) {
        let json: serde_json::Value = serde_json::from_str(lead).unwrap();
        prog.score_into(&json, &opts, &mut scratch, &mut out)
            .unwrap();
        let mut fresh = Outcome::default();
        let done = prog.score_into(&json, &opts, &mut Scratch::default(), &mut fresh);
        assert_eq!(done, Ok(()));
        assert_eq!(out, fresh, "{lead}");
    }
}

#[test]
fn contains_on_a_list_is_membership_whatever_the_element_type() {
    let schema = "schema {\n  scores: list<number>?\n  tags: list<string>?\n}\n";
    let fires =
        |cond: &str, lead: &str| score(&format!("{schema}when {cond} add 1\n"), lead) == 1.0;
    // Numbers used to be compared as text, so this never held.
    assert!(fires("scores contains 5", r#"{"scores": [1, 5]}"#));
    assert!(!fires("scores contains 6", r#"{"scores": [1, 5]}"#));
    assert!(fires("tags contains \"B\"", r#"{"tags": ["a", "b"]}"#));
    assert!(fires("tags contains any [x, B]", r#"{"tags": ["a", "b"]}"#));
    assert!(!fires(
        "tags contains any [x, y]",
        r#"{"tags": ["a", "b"]}"#
    ));
    assert!(!fires("tags contains any [x]", r#"{}"#));
    assert!(fires("scores contains any [7, 1]", r#"{"scores": [1, 5]}"#));
}

#[test]
fn any_and_none_of_bools_learnt_later_count_true_elements() {
    // Without a schema, `flags` is only known to be a list<bool> after the
    // second rule; `any` must still mean "some element is true".
    let rules = "when any(flags) add 1\nwhen flags contains true add 10\n";
    assert_eq!(score(rules, r#"{"flags": [false, false]}"#), 0.0);
    assert_eq!(score(rules, r#"{"flags": [false, true]}"#), 11.0);
}

// ---- decay ----

/// Scores `lead` with the clock at `as_of`.
fn score_at(rules: &str, lead: &str, as_of: &str) -> f64 {
    let as_of = leadscore::datetime::parse(as_of).expect("a clock");
    let lead: serde_json::Value = serde_json::from_str(lead).expect("lead JSON");
    program(rules)
        .score(&lead, &EvalOptions { as_of })
        .expect("scored")
        .score
}

/// A lead with one event per time.
fn events_at(times: &[&str]) -> String {
    let events: Vec<String> = times
        .iter()
        .map(|t| format!("{{\"at\":\"{t}\"}}"))
        .collect();
    format!("{{\"events\":[{}]}}", events.join(","))
}

#[test]
fn half_life_halves_at_exactly_one_half_life() {
    let rules = "add sum(events, 8 * decay(at, half_life: 30 days))";
    // Clock 2026-11-01: 30 days old -> 4, 60 days -> 2, at the clock -> 8,
    // one second in the future -> 0.
    let one = |t: &str| score(rules, &events_at(&[t]));
    assert_eq!(one("2026-10-02T00:00:00Z"), 4.0);
    assert_eq!(one("2026-09-02T00:00:00Z"), 2.0);
    assert_eq!(one("2026-11-01T00:00:00Z"), 8.0);
    assert_eq!(one("2026-11-01T00:00:01Z"), 0.0);
    // 15 days: 8 * 0.5^0.5 = 5.65685424..., rounded to millionths as all points are.
    assert_eq!(one("2026-10-17T00:00:00Z"), 5.656854);
    let all = events_at(&[
        "2026-10-02T00:00:00Z",
        "2026-09-02T00:00:00Z",
        "2026-11-01T00:00:00Z",
        "2026-11-01T00:00:01Z",
    ]);
    assert_eq!(score(rules, &all), 14.0);
}

#[test]
fn percent_per_month_steps_at_each_whole_calendar_month() {
    // HubSpot: a 10-point form with 50% decay per month is worth 5 after one month.
    let rules = "add sum(events, 10 * decay(at, 50% per month))";
    let one = |t: &str| score(rules, &events_at(&[t]));
    assert_eq!(one("2026-10-01T00:00:00Z"), 5.0);
    assert_eq!(one("2026-10-01T00:00:01Z"), 10.0);
    assert_eq!(one("2026-09-01T00:00:00Z"), 2.5);
    assert_eq!(one("2026-11-05T00:00:00Z"), 0.0, "future");
    // Periods of 3, 6 and 12 months.
    let q = "add sum(events, 10 * decay(at, 20% per 3 months))";
    assert_eq!(score(q, &events_at(&["2026-08-01"])), 8.0);
    assert_eq!(score(q, &events_at(&["2026-08-02"])), 10.0);
    assert_eq!(score(q, &events_at(&["2026-05-01"])), 6.4);
    let h = "add sum(events, 10 * decay(at, 50% per 6 months))";
    assert_eq!(score(h, &events_at(&["2026-05-01"])), 5.0);
    assert_eq!(score(h, &events_at(&["2026-05-02"])), 10.0);
    let y = "add sum(events, 10 * decay(at, 50% per 12 months))";
    assert_eq!(score(y, &events_at(&["2025-11-01"])), 5.0);
    assert_eq!(
        score(y, &events_at(&["2025-11-01"])),
        score(
            "add sum(events, 10 * decay(at, 50% per year))",
            &events_at(&["2025-11-01"])
        )
    );
}

#[test]
fn calendar_months_end_at_the_month_end_and_on_leap_days() {
    let rules = "add sum(events, 10 * decay(at, 50% per month))";
    let lead = events_at(&["2026-01-31T00:00:00Z"]);
    // January 31 plus one month is February 28 (no February 31).
    assert_eq!(score_at(rules, &lead, "2026-02-28T00:00:00Z"), 5.0);
    assert_eq!(score_at(rules, &lead, "2026-02-27T23:59:59Z"), 10.0);
    // Plus two months is March 31, not March 28.
    assert_eq!(score_at(rules, &lead, "2026-03-30T00:00:00Z"), 5.0);
    assert_eq!(score_at(rules, &lead, "2026-03-31T00:00:00Z"), 2.5);
    // A leap day plus a year is February 28.
    let yearly = "add sum(events, 10 * decay(at, 50% per year))";
    let leap = events_at(&["2024-02-29T12:00:00Z"]);
    assert_eq!(score_at(yearly, &leap, "2025-02-28T12:00:00Z"), 5.0);
    assert_eq!(score_at(yearly, &leap, "2025-02-28T11:59:59Z"), 10.0);
}

#[test]
fn lifespan_falls_in_a_straight_line() {
    // MadKudu: 9 points, a 90-day lifespan, 3 days old -> 8.7.
    let rules = "add sum(events, 9 * decay(at, lifespan: 90 days))";
    let one = |t: &str| score(rules, &events_at(&[t]));
    assert_eq!(one("2026-10-29T00:00:00Z"), 8.7);
    assert_eq!(one("2026-09-17T00:00:00Z"), 4.5, "45 days");
    assert_eq!(one("2026-08-03T00:00:00Z"), 0.0, "exactly 90 days");
    assert_eq!(one("2026-01-01T00:00:00Z"), 0.0, "older");
    assert_eq!(one("2026-11-01T00:00:00Z"), 9.0, "at the clock");
    assert_eq!(one("2026-11-02T00:00:00Z"), 0.0, "future");
}

#[test]
fn decay_of_a_missing_time_counts_nothing() {
    let rules = "add sum(events, 10 * decay(at, half_life: 30 days))";
    assert_eq!(score(rules, r#"{"events":[{"at":null},{}]}"#), 0.0);
    assert_eq!(score(rules, r#"{}"#), 0.0);
    // A lead field decays as well; a missing one makes the rule give 0.
    let lead_level = "add 20 * decay(created_at, half_life: 7 days)";
    assert_eq!(score(lead_level, r#"{"created_at":"2026-10-25"}"#), 10.0);
    assert_eq!(score(lead_level, r#"{}"#), 0.0);
}

#[test]
fn decay_per_event_then_window_then_rule_cap_then_group_cap() {
    let rules = "group engagement max 20 {
  add sum(events where at within 30 days, 10 * decay(at, half_life: 30 days)) up to 12 as \"opens\"
  add 10 as \"base\"
}";
    // At the clock: 10; 15 days old: 10 * 0.5^0.5 = 7.07; exactly 30 days:
    // outside the window. 17.07 -> up to 12 -> with base 22 -> max 20.
    let lead = events_at(&[
        "2026-11-01T00:00:00Z",
        "2026-10-17T00:00:00Z",
        "2026-10-02T00:00:00Z",
    ]);
    let o = outcome(rules, &lead);
    assert_eq!(o.rules[0].points, 12.0);
    assert_eq!(o.groups, [20.0]);
    assert_eq!(o.score, 20.0);
    let rec = record(rules, &lead, true);
    assert!(
        rec.contains(r#"{"rule":"opens","group":"engagement","points":12},{"rule":"base","group":"engagement","points":10},{"rule":"max 20","group":"engagement","points":-2}"#),
        "{rec}"
    );
    // Without the cap, explain shows the decayed amount.
    let uncapped = "add sum(events, 10 * decay(at, half_life: 30 days)) as \"opens\"";
    let rec = record(uncapped, &events_at(&["2026-10-02T00:00:00Z"]), true);
    assert!(
        rec.contains(r#"{"rule":"opens","group":null,"points":5}"#),
        "{rec}"
    );
}

#[test]
fn within_months_counts_calendar_months() {
    // Clock 2026-11-01: one month back is 2026-10-01T00:00:00Z, left out.
    assert!(!fires(
        "t within 1 month",
        r#"{"t":"2026-10-01T00:00:00Z"}"#
    ));
    assert!(fires("t within 1 month", r#"{"t":"2026-10-01T00:00:01Z"}"#));
    assert!(fires("t within 1 month", r#"{"t":"2026-11-01T00:00:00Z"}"#));
    assert!(!fires(
        "t within 1 month",
        r#"{"t":"2026-11-01T00:00:01Z"}"#
    ));
    assert!(fires("t within 1 year", r#"{"t":"2025-11-01T00:00:01Z"}"#));
    assert!(!fires(
        "t within 12 months",
        r#"{"t":"2025-11-01T00:00:00Z"}"#
    ));
}

// ---- total limits ----

const LIMITED: &str = r#"score max 100 min 0
group fit max 60 {
  when a add 50 as "a"
  when b add 30 as "b"
}
group engagement max 50 {
  when c add 40 as "c"
}
when d add 25 as "d"
when e subtract 200 as "e"
label tier {
  top when score == 100
  other otherwise
}
"#;

#[test]
fn score_max_applies_after_the_group_caps() {
    // fit 80 -> 60, engagement 40, d 25: 125 -> max 100 (-25).
    let o = outcome(LIMITED, r#"{"a":true,"b":true,"c":true,"d":true}"#);
    assert_eq!(o.groups, vec![60.0, 40.0]);
    assert_eq!(o.score, 100.0);
    assert_eq!(
        o.caps,
        vec![
            Cap {
                group: Some(0),
                bound: Bound::Max,
                limit: 60.0,
                points: -20.0
            },
            Cap {
                group: None,
                bound: Bound::Max,
                limit: 100.0,
                points: -25.0
            }
        ]
    );
    // Labels read the limited score.
    assert_eq!(o.labels, vec![Some(0)]);
    let rec = record(LIMITED, r#"{"a":true,"b":true,"c":true,"d":true}"#, true);
    assert!(
        rec.ends_with(r#"{"rule":"max 60","group":"fit","points":-20},{"rule":"score max 100","group":null,"points":-25}]}
"#),
        "{rec}"
    );
    let prog = program(LIMITED);
    let sum: f64 = prog.reasons(&o).iter().map(|r| r.points).sum();
    assert_eq!(sum, 100.0);
}

#[test]
fn score_min_raises_and_boundaries_change_nothing() {
    // a 50, e -200: -150 -> min 0 (+150).
    let o = outcome(LIMITED, r#"{"a":true,"e":true}"#);
    assert_eq!(o.score, 0.0);
    assert_eq!(o.caps.len(), 1);
    assert_eq!((o.caps[0].group, o.caps[0].points), (None, 150.0));
    // Exactly 100 (fit 60 capped, engagement 40): the score limit changes nothing.
    let o = outcome(LIMITED, r#"{"a":true,"b":true,"c":true}"#);
    assert_eq!(o.score, 100.0);
    assert!(o.caps.iter().all(|c| c.group.is_some()), "{:?}", o.caps);
    // Exactly 0: nothing recorded.
    let o = outcome(LIMITED, r#"{}"#);
    assert_eq!((o.score, o.caps.len()), (0.0, 0));
}

#[test]
fn a_score_with_only_a_max_lets_a_negative_total_through() {
    let rules = "score max 10\nwhen a subtract 30";
    assert_eq!(score(rules, r#"{"a":true}"#), -30.0);
    assert_eq!(score("score min 5\nwhen a add 30", r#"{"a":true}"#), 30.0);
}

// ---- time parts, distinct, first/last, max/min of a list, sequences ----

#[test]
fn time_parts_in_utc_at_their_boundaries() {
    let lead = |t: &str| format!(r#"{{"t":"{t}"}}"#);
    // 2026-10-26 is a Monday; 2026-11-01 a Sunday.
    assert!(fires("day(t) == 2026-10-26", &lead("2026-10-26T00:00:00Z")));
    assert!(fires("day(t) == 2026-10-26", &lead("2026-10-26T23:59:59Z")));
    assert!(!fires(
        "day(t) == 2026-10-26",
        &lead("2026-10-27T00:00:00Z")
    ));
    assert!(fires(
        "week(t) == 2026-10-26",
        &lead("2026-11-01T23:59:59Z")
    ));
    assert!(fires(
        "week(t) == 2026-11-02",
        &lead("2026-11-02T00:00:00Z")
    ));
    assert!(fires(
        "month(t) == 2026-10-01",
        &lead("2026-10-31T23:59:59Z")
    ));
    assert!(fires(
        "month(t) == 2026-11-01",
        &lead("2026-11-01T00:00:00Z")
    ));
    assert!(fires(
        "month(t) == 2024-02-01",
        &lead("2024-02-29T12:00:00Z")
    ));
    assert!(fires("day(t) == 2024-02-29", &lead("2024-02-29T12:00:00Z")));
    assert!(fires(
        r#"weekday(t) == "Monday""#,
        &lead("2026-10-26T00:00:00Z")
    ));
    assert!(fires(
        "weekday(t) in [saturday, sunday]",
        &lead("2026-11-01T23:59:59Z")
    ));
    assert!(fires("hour(t) == 0", &lead("2026-10-26T00:59:59Z")));
    assert!(fires("hour(t) == 23", &lead("2026-10-26T23:00:00Z")));
    // An offset in the lead is the same instant: 01:30+02:00 is 23:30 UTC the day before.
    assert!(fires("hour(t) == 23", &lead("2026-10-27T01:30:00+02:00")));
    assert!(fires(
        "day(t) == 2026-10-26",
        &lead("2026-10-27T01:30:00+02:00")
    ));
    // A missing time has no parts.
    assert!(!fires("hour(t) >= 0", "{}"));
    assert!(fires("weekday(t) is missing", "{}"));
}

#[test]
fn time_parts_follow_the_evaluation_zone() {
    let loaded = leadscore::load_str(
        "z.rules",
        "when hour(t) == 1 add 1\nwhen day(t) == day(2026-11-01) add 10\nwhen weekday(t) == \"Sunday\" add 100",
        &MemReader::default(),
    );
    let rules = loaded.ruleset.expect("rules");
    let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
    let prog = Program::compile_in(&rules, Some(&berlin));
    // 00:30 UTC on Sunday 2026-11-01 is 01:30 in Berlin (CET, +01:00), same day.
    let lead = serde_json::json!({"t": "2026-11-01T00:30:00Z"});
    let as_of = leadscore::datetime::parse(AS_OF).unwrap();
    let o = prog.score(&lead, &EvalOptions { as_of }).unwrap();
    assert_eq!(o.score, 111.0);
    // 23:30 UTC on Saturday 2026-10-31 is 00:30 on Sunday in Berlin.
    let lead = serde_json::json!({"t": "2026-10-31T23:30:00Z"});
    let o = prog.score(&lead, &EvalOptions { as_of }).unwrap();
    assert_eq!(o.score, 110.0);
    // In UTC it is still Saturday, hour 23.
    assert_eq!(
        score(
            "when weekday(t) == \"Sunday\" add 100\nwhen hour(t) == 23 add 1",
            r#"{"t":"2026-10-31T23:30:00Z"}"#
        ),
        1.0
    );
}

#[test]
fn count_distinct_of_values_and_per_element() {
    let lead = r#"{"events":[
        {"url":"/a","at":"2026-10-30T10:00:00Z"},
        {"url":"/A","at":"2026-10-30T23:59:59Z"},
        {"url":"/b","at":"2026-10-31T00:00:00Z"},
        {"at":"2026-10-31T08:00:00Z"},
        {"url":"/c"}
    ]}"#;
    // /a and /A are one value (text ignores case); a missing url is not a value.
    assert_eq!(score("add count(distinct events.url)", lead), 3.0);
    // Days: 10-30, 10-30, 10-31, 10-31, (missing) -> 2.
    assert_eq!(score("add count(distinct day(at) of events)", lead), 2.0);
    assert_eq!(
        score(
            "add count(distinct url of events where at within 2 days)",
            lead
        ),
        2.0
    );
    assert_eq!(score("add count(distinct day(at) of events)", "{}"), 0.0);
    assert_eq!(
        score("add count(distinct events.url)", r#"{"events":[]}"#),
        0.0
    );
    // Numbers: 1, 1.0, 2 -> 2.
    assert_eq!(
        score("add count(distinct xs)", r#"{"xs":[1, 1.0, 2]}"#),
        2.0
    );
}

#[test]
fn first_last_earliest_latest_max_min_of_lists() {
    let lead = r#"{"events":[
        {"type":"open","at":"2026-10-20T00:00:00Z","n":3},
        {"type":"click","at":"2026-10-10T00:00:00Z","n":-2},
        {"type":"visit","at":"2026-10-25T00:00:00Z"}
    ]}"#;
    assert!(fires(r#"first(events).type == "open""#, lead));
    assert!(fires(r#"last(events).type == "visit""#, lead));
    assert!(fires("earliest(events.at) == 2026-10-10", lead));
    assert!(fires("latest(events.at) == 2026-10-25", lead));
    let typed = "schema { events: list<{ n: number? }> }\nwhen max(events.n) == 3 and min(events.n) == -2 add 1";
    assert_eq!(score(typed, lead), 1.0);
    // Empty or missing lists have no first element or extreme.
    for empty in [r#"{"events":[]}"#, "{}"] {
        assert!(fires("first(events).type is missing", empty));
        assert!(fires("latest(events.at) is missing", empty));
        assert!(!fires("earliest(events.at) <= 2026-11-01", empty));
    }
    assert!(fires(
        "first(tags) == \"b2b\" and last(tags) == \"vip\"",
        r#"{"tags":["b2b","x","vip"]}"#
    ));
}

#[test]
fn without_a_schema_a_field_of_a_picked_element_is_learnt() {
    // `events` is first met as a list of records with a `type`; a field read
    // through `last(events)` (directly or through a `let`) is one more field
    // of its elements, and `first(tags)` makes `tags` a list of text. Before,
    // `last(events).url` was refused as an unknown field.
    let rules = r#"when any(events where type == "demo") add 1
when last(events).url contains "pricing" add 2
let newest = last(events)
when newest.n > 3 add 4
when first(tags) == "b2b" add 8"#;
    let prog = program(rules);
    let score = |lead: &str| run(&prog, lead).expect("scored").score;
    let both = r#"{"events":[{"type":"demo","url":"/home","n":1},
        {"type":"view","url":"/pricing","n":5}],"tags":["B2B","x"]}"#;
    assert_eq!(score(both), 15.0);
    let last_only = r#"{"events":[{"type":"view","url":"/Pricing","n":2}],"tags":[]}"#;
    assert_eq!(score(last_only), 2.0);
    assert_eq!(score("{}"), 0.0);
    // A text `n` in the last event is a counted mismatch, not a silent 0.
    let text = r#"{"events":[{"type":"view","n":"7"}]}"#;
    let o = run(&prog, text).expect("scored");
    assert_eq!((o.score, o.mismatches), (0.0, 1));
}

#[test]
fn a_demo_request_after_the_first_pricing_visit() {
    let rules = r#"let pricing = events where type == "pricing"
when any(events where type == "demo" and at > earliest(pricing.at)) add 10"#;
    let lead = |demo: &str| {
        format!(
            r#"{{"events":[{{"type":"pricing","at":"2026-10-20T00:00:00Z"}},{{"type":"pricing","at":"2026-10-05T00:00:00Z"}},{{"type":"demo","at":"{demo}"}}]}}"#
        )
    };
    assert_eq!(score(rules, &lead("2026-10-06T00:00:00Z")), 10.0);
    assert_eq!(
        score(rules, &lead("2026-10-05T00:00:00Z")),
        0.0,
        "same moment is not after"
    );
    assert_eq!(score(rules, &lead("2026-10-01T00:00:00Z")), 0.0);
    // No pricing visit: nothing to be after.
    assert_eq!(
        score(
            rules,
            r#"{"events":[{"type":"demo","at":"2026-10-06T00:00:00Z"}]}"#
        ),
        0.0
    );
}

// ---- frequency caps ----

/// Scores `rules` with evaluation zone `zone`.
fn score_in(rules: &str, zone: &str, lead: &str) -> f64 {
    let loaded = leadscore::load_str("z.rules", rules, &MemReader::default());
    let rules = loaded.ruleset.expect("rules");
    let zone = jiff::tz::TimeZone::get(zone).unwrap();
    let prog = Program::compile_in(&rules, Some(&zone));
    let lead: serde_json::Value = serde_json::from_str(lead).unwrap();
    let as_of = leadscore::datetime::parse(AS_OF).unwrap();
    prog.score(&lead, &EvalOptions { as_of }).unwrap().score
}

/// A lead whose events are opens at these times.
fn opens(times: &[&str]) -> String {
    let events: Vec<String> = times
        .iter()
        .map(|t| format!(r#"{{"type":"open","at":"{t}"}}"#))
        .collect();
    format!(r#"{{"events":[{}]}}"#, events.join(","))
}

#[test]
fn a_cap_counts_at_most_n_per_day() {
    let rules = r#"add count(events where type == "open", at most 2 per day)"#;
    let day = |n: usize| {
        let times: Vec<String> = (0..n)
            .map(|i| format!("2026-10-30T{:02}:00:00Z", 8 + i))
            .collect();
        opens(&times.iter().map(String::as_str).collect::<Vec<_>>())
    };
    assert_eq!(score(rules, &day(0)), 0.0);
    assert_eq!(score(rules, &day(1)), 1.0);
    assert_eq!(score(rules, &day(2)), 2.0, "exactly N");
    assert_eq!(score(rules, &day(3)), 2.0, "N + 1");
    // Two days: 3 on the 30th (2 kept), 1 on the 31st; the last second of a
    // day and midnight are different days.
    let two = opens(&[
        "2026-10-30T08:00:00Z",
        "2026-10-30T23:59:59Z",
        "2026-10-30T12:00:00Z",
        "2026-10-31T00:00:00Z",
    ]);
    assert_eq!(score(rules, &two), 3.0);
    // The worked example of docs/language.md: in New York (UTC-4) all four
    // are on 10-30, so 2.
    assert_eq!(score_in(rules, "America/New_York", &two), 2.0);
    // Elements without a time fall in no day and count nothing; a missing list counts 0.
    let untimed = r#"{"events":[{"type":"open"},{"type":"open","at":"2026-10-30T08:00:00Z"}]}"#;
    assert_eq!(score(rules, untimed), 1.0);
    assert_eq!(score(rules, "{}"), 0.0);
}

#[test]
fn a_cap_follows_the_evaluation_zone() {
    let rules = r#"add count(events, at most 1 per day)"#;
    // 22:59:59Z and 23:00:00Z on 10-31 are 23:59:59 and 00:00 in Berlin
    // (CET, +01:00): two days there, one day in UTC.
    let lead = opens(&["2026-10-31T22:59:59Z", "2026-10-31T23:00:00Z"]);
    assert_eq!(score(rules, &lead), 1.0);
    assert_eq!(score_in(rules, "Europe/Berlin", &lead), 2.0);
    // Weeks start on Monday midnight: Sunday 10-25 and Monday 10-26 (UTC) differ.
    let week = r#"add count(events, at most 1 per week)"#;
    let lead = opens(&[
        "2026-10-25T23:59:59Z",
        "2026-10-26T00:00:00Z",
        "2026-10-27T00:00:00Z",
    ]);
    assert_eq!(score(week, &lead), 2.0);
    // In New York (UTC-4 until 11-01) they are Sunday 19:59:59, Sunday
    // 20:00 and Monday 20:00: the first two share the week of Monday 10-19.
    assert_eq!(score_in(week, "America/New_York", &lead), 2.0);
    // New York's week starts at Monday 04:00Z: one second before it is
    // still the week before there, already the new week in UTC.
    let two_a_week = r#"add count(events, at most 2 per week)"#;
    let lead = opens(&[
        "2026-10-25T23:00:00Z",
        "2026-10-26T03:59:59Z",
        "2026-10-26T04:00:00Z",
        "2026-10-26T10:00:00Z",
    ]);
    assert_eq!(
        score(two_a_week, &lead),
        3.0,
        "UTC: 1 in one week, 3 (2 kept) in the next"
    );
    assert_eq!(
        score_in(two_a_week, "America/New_York", &lead),
        4.0,
        "New York: 2 and 2"
    );
    let month = r#"add count(events, at most 1 per month)"#;
    let lead = opens(&[
        "2026-09-30T22:00:00Z",
        "2026-09-30T23:30:00Z",
        "2026-10-15T00:00:00Z",
    ]);
    // UTC: two in September (1 kept), one in October.
    assert_eq!(score(month, &lead), 2.0);
    // Berlin (CEST, +02:00): all three are in October.
    assert_eq!(score_in(month, "Europe/Berlin", &lead), 1.0);
}

#[test]
fn a_capped_sum_keeps_the_earliest_of_each_day() {
    // 1 per day: the earliest open of 10-30 (06:00, 2 days 18 hours old)
    // counts, the later one (18:00) does not, whatever the list order.
    let rules = "add sum(events, 10 * decay(at, lifespan: 10 days), at most 1 per day)";
    let lead = opens(&["2026-10-30T18:00:00Z", "2026-10-29T06:00:00Z"]);
    // 10-29T06:00 is 2.75 days old: 10 * (1 - 0.275) = 7.25; 10-30T18:00 is
    // 1.25 days old and the only open of its day: 10 * 0.875 = 8.75.
    assert_eq!(score(rules, &lead), 16.0);
    let same_day = opens(&["2026-10-30T18:00:00Z", "2026-10-30T06:00:00Z"]);
    // Only 06:00 (1.75 days old) counts: 10 * (1 - 0.175) = 8.25.
    assert_eq!(score(rules, &same_day), 8.25);
    // Ties in time go by list order: the first listed is kept.
    let tie = r#"{"events":[
        {"at":"2026-10-30T06:00:00Z","w":1},
        {"at":"2026-10-30T06:00:00Z","w":2},
        {"at":"2026-10-30T06:00:00Z","w":4}]}"#;
    assert_eq!(score("add sum(events, w, at most 1 per day)", tie), 1.0);
    assert_eq!(score("add sum(events, w, at most 2 per day)", tie), 3.0);
    // A cap that drops nothing gives exactly the uncapped sum.
    let three = opens(&[
        "2026-10-28T06:00:00Z",
        "2026-10-29T07:00:00Z",
        "2026-10-30T08:00:00Z",
    ]);
    let decayed = "10 * decay(at, half_life: 30 days)";
    assert_eq!(
        score(
            &format!("add sum(events, {decayed}, at most 5 per day)"),
            &three
        ),
        score(&format!("add sum(events, {decayed})"), &three)
    );
}

#[test]
fn a_cap_applies_after_the_filter_and_before_the_rule_and_group_caps() {
    let rules = r#"group engagement max 5 {
  add 2 * count(events where type == "open" and at within 3 days, at most 1 per day) up to 4 as "opens"
  add 3 as "base"
}"#;
    let lead = r#"{"events":[
        {"type":"click","at":"2026-10-31T01:00:00Z"},
        {"type":"open","at":"2026-10-31T09:00:00Z"},
        {"type":"open","at":"2026-10-31T10:00:00Z"},
        {"type":"open","at":"2026-10-30T10:00:00Z"},
        {"type":"open","at":"2026-10-29T10:00:00Z"},
        {"type":"open","at":"2026-10-20T10:00:00Z"}]}"#;
    // The click is filtered out, 10-20 is outside 3 days; days 29, 30, 31:
    // 3 opens kept, 6 points, `up to 4` gives 4, with base 7, `max 5` gives 5.
    let o = outcome(rules, lead);
    assert_eq!(o.score, 5.0);
    let explained = record(rules, lead, true);
    assert!(
        explained.contains(r#"{"rule":"opens","group":"engagement","points":4}"#),
        "{explained}"
    );
    assert!(
        explained.contains(r#"{"rule":"max 5","group":"engagement","points":-2}"#),
        "{explained}"
    );
}

#[test]
fn a_cap_can_name_the_datetime_field() {
    let rules = "schema { mails: list<{ sent: datetime?, kind: string }> }\nadd count(mails, at most 1 per day of sent)";
    let lead = r#"{"mails":[
        {"sent":"2026-10-30T08:00:00Z","kind":"a"},
        {"sent":"2026-10-30T09:00:00Z","kind":"b"},
        {"sent":"2026-10-31T09:00:00Z","kind":"c"},
        {"kind":"d"}]}"#;
    assert_eq!(score(rules, lead), 2.0);
}

#[test]
fn the_first_time_only_is_a_rule_on_any() {
    // Pardot's "first occurrence only": the rule gives its points once,
    // however many forms were filled.
    let rules = r#"when any(events where type == "form") add 15"#;
    let lead = r#"{"events":[{"type":"form"},{"type":"form"},{"type":"form"}]}"#;
    assert_eq!(score(rules, lead), 15.0);
}

// ---- labels built from labels ----

const BUILT: &str = r#"group fit max 60 {
  when title contains "VP" add 50
  when title contains "Director" add 30
}
label fit_grade {
  A when fit >= 50
  B when fit >= 25
  C otherwise
}
# allow(no_otherwise)
label engagement_level {
  "1" when clicks >= 3
  "2" when clicks >= 1
}
label grade = fit_grade + engagement_level
label code = "G-" + fit_grade + "/" + engagement_level
label action {
  call when grade in [A1, B1]
  wait otherwise
}"#;

/// The built labels and the label reading them, from the output record.
fn built(lead: &str) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    let rec: serde_json::Value = serde_json::from_str(&record(BUILT, lead, false)).unwrap();
    (
        rec["grade"].clone(),
        rec["code"].clone(),
        rec["action"].clone(),
    )
}

#[test]
fn a_built_label_puts_its_parts_together() {
    use serde_json::json;
    // VP (fit 50: A) with 3 clicks (1): A1, the text parts in place.
    let (grade, code, action) = built(r#"{"title":"VP","clicks":3}"#);
    assert_eq!(
        (grade, code, action),
        (json!("A1"), json!("G-A/1"), json!("call"))
    );
    // Director (30: B) with 1 click (2): B2.
    let (grade, code, action) = built(r#"{"title":"Director","clicks":1}"#);
    assert_eq!(
        (grade, code, action),
        (json!("B2"), json!("G-B/2"), json!("wait"))
    );
    // Boundary: 2 clicks is still level 2, 3 is level 1.
    assert_eq!(built(r#"{"title":"Director","clicks":3}"#).0, json!("B1"));
    // No clicks: engagement_level has no value, so neither has grade nor
    // code (never "C" or "G-C/"); a label reading it sees it missing.
    let (grade, code, action) = built(r#"{"title":"Intern","clicks":0}"#);
    assert_eq!(
        (grade, code, action),
        (json!(null), json!(null), json!("wait"))
    );
}

// ---- paths through nested lists ----

const ORDERS: &str = r#"schema {
  orders: list<{ id: string, items: list<{ sku: string, qty: int? }>? }>?
}
"#;

const ORDERS_LEAD: &str = r#"{"orders":[
    {"id":"o1","items":[{"sku":"A1","qty":1},{"sku":"B2","qty":2}]},
    {"id":"o2","items":[]},
    {"id":"o3","items":[{"sku":"a1","qty":3},{"sku":"C3"}]},
    {"id":"o4"}]}"#;

/// The score of `rules` (after the orders schema) on `lead`, checked to be
/// the same from the JSON bytes (the CLI's fast path) as from a `Value`.
fn orders_score(rules: &str, lead: &str) -> f64 {
    let prog = program(&format!("{ORDERS}{rules}"));
    let slow = run(&prog, lead).expect("scored");
    let as_of = leadscore::datetime::parse(AS_OF).unwrap();
    let mut scratch = leadscore::eval::Scratch::default();
    let mut fast = Outcome::default();
    let id = ["id".to_string()];
    let took = prog.score_bytes(
        lead.as_bytes(),
        &id,
        &EvalOptions { as_of },
        &mut scratch,
        &mut fast,
    );
    assert!(took.is_some(), "the fast path takes the lead");
    assert_eq!(fast, slow, "fast path and Value path differ");
    slow.score
}

#[test]
fn a_path_through_two_lists_is_the_flat_list_of_all_values() {
    let s = |rules: &str| orders_score(rules, ORDERS_LEAD);
    // The skus in order: A1, B2, a1, C3 (o2's list is empty, o4 has none).
    assert_eq!(s("add count(orders.items)"), 4.0);
    assert_eq!(s("add count(orders.items.sku)"), 4.0);
    assert_eq!(
        s("add sum(orders.items.qty)"),
        6.0,
        "1 + 2 + 3, C3's missing qty counts 0"
    );
    assert_eq!(
        s("add count(distinct orders.items.sku)"),
        3.0,
        "A1 and a1 are one"
    );
    assert_eq!(s(r#"when orders.items.sku contains "C3" add 1"#), 1.0);
    assert_eq!(s(r#"when orders.items.sku contains "Z9" add 1"#), 0.0);
    assert_eq!(s(r#"when "b2" in orders.items.sku add 1"#), 1.0);
    assert_eq!(
        s(r#"when first(orders.items.sku) == "A1" and last(orders.items.sku) == "C3" add 1"#),
        1.0
    );
    // Filters see each item with its own fields.
    assert_eq!(
        s(r#"when any(orders.items where sku == "C3" and qty >= 2) add 1"#),
        0.0
    );
    assert_eq!(
        s(r#"when any(orders.items where sku == "a1" and qty >= 2) add 1"#),
        1.0
    );
    assert_eq!(s("add count(orders.items where qty is missing)"), 1.0);
    assert_eq!(s("add sum(orders.items, qty * 10)"), 60.0);
    assert_eq!(s("add max(orders.items.qty)"), 3.0);
    // Inside a filter of the orders, `items.sku` is that order's items.
    assert_eq!(s(r#"add count(orders where items.sku contains "A1")"#), 2.0);
    assert_eq!(
        s("add count(orders where count(items) == 0)"),
        2.0,
        "o2 empty, o4 missing"
    );
    // A filtered outer list, then through it.
    assert_eq!(s(r#"add count((orders where id != "o1").items.sku)"#), 2.0);
}

#[test]
fn a_path_through_two_lists_of_no_or_empty_lists() {
    for lead in [
        r#"{"orders":[]}"#,
        r#"{"orders":[{"id":"o1","items":[]},{"id":"o2"}]}"#,
        "{}",
    ] {
        assert_eq!(
            orders_score("add 1 + count(orders.items.sku)", lead),
            1.0,
            "{lead}"
        );
        assert_eq!(
            orders_score("add 1 + sum(orders.items.qty)", lead),
            1.0,
            "{lead}"
        );
        assert_eq!(
            orders_score("when any(orders.items) add 1", lead),
            0.0,
            "{lead}"
        );
        assert_eq!(
            orders_score("when none(orders.items) add 1", lead),
            1.0,
            "{lead}"
        );
    }
}

#[test]
fn without_a_schema_a_list_of_lists_is_a_counted_mismatch() {
    // Without a schema the checker learns one list per path: `orders` is
    // taken for a record, so a lead whose orders are a list meets a wrong
    // type (counted, and reported after the run), never a silent count.
    let prog = program("add count(orders.items)");
    let o = run(&prog, ORDERS_LEAD).expect("scored");
    assert_eq!(o.score, 0.0);
    assert!(o.mismatches > 0);
}
