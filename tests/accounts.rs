//! Accounts: `account by KEY { ... }` rolls the leads that share a key up
//! into one record per account and scores it. Expectations are worked out
//! by hand from the rules below. The clock is 2026-11-01T00:00:00Z.

mod common;

use leadscore::eval::account::{Account, Accounts, Plan};
use leadscore::eval::{EvalOptions, Program};
use leadscore::syntax::MemReader;
use serde_json::{json, Value};

const RULES: &str = r#"
schema {
  id: string
  title: string?
  company: { domain: string?, size: int? }
  events: list<{ type: string }>
}
group fit max 50 {
  when title contains "VP" add 50 as "vp"
}
group engagement {
  add count(events) * 10 as "events"
}
label tier {
  hot when score >= 50
  cold otherwise
}
account by company.domain {
  group breadth max 40 {
    when count(leads where engagement >= 20) >= 2 add 30 as "two engaged people"
    when count(leads where tier == "hot") >= 2 add 20 as "two hot leads"
  }
  add sum(leads.score) up to 120 as "lead scores"
  when max(leads.score) >= 60 add 5 as "a strong lead"
  when company.size > 100 add 7 as "big company"
  add sum(leads, count(events where type == "demo")) * 3 as "demos"
  score max 150
  label account_tier {
    hot when score >= 100
    cold otherwise
  }
}
"#;

fn options() -> EvalOptions {
    let as_of = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
        .unwrap()
        .to_utc();
    EvalOptions { as_of }
}

fn programs() -> (Program, Program, Plan) {
    let loaded = leadscore::load_str("accounts.rules", RULES, &MemReader::default());
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let rules = loaded.ruleset.expect("a ruleset");
    let plan = Plan::of(&rules).expect("a plan");
    (plan.account_program(), plan.lead_program(), plan)
}

/// Scores `leads` in this order and rolls them up.
fn accounts(leads: &[Value]) -> Vec<Account> {
    let (account_program, program, plan) = programs();
    let mut acc = Accounts::default();
    for lead in leads {
        let mut outcome = program.score(lead, &options()).expect("scored");
        acc.add(&plan, &mut outcome, Some(lead));
    }
    acc.finish(&plan, &account_program, &options()).collect()
}

/// Each account as `key leads score breadth account_tier`.
fn summary(accounts: &[Account]) -> Vec<String> {
    let rules = {
        let (p, _, _) = programs();
        p.ruleset().clone()
    };
    accounts
        .iter()
        .map(|a| {
            let o = a.result.as_ref().expect("account scored");
            let tier = o.label_values(&rules)[0].1.unwrap_or("-");
            format!("{} {} {} {} {tier}", a.key, a.leads, o.score, o.groups[0])
        })
        .collect()
}

fn lead(id: &str, title: &str, domain: Value, size: Value, events: &[&str]) -> Value {
    let events: Vec<Value> = events.iter().map(|t| json!({ "type": t })).collect();
    json!({ "id": id, "title": title, "company": { "domain": domain, "size": size }, "events": events })
}

/// Lead scores: a1 = 50 (vp) + 20 (2 events) = 70, hot, engagement 20;
/// a2 = 30 (3 events), cold, engagement 30; a3 = 50 + 0 = 50, hot,
/// engagement 0; b1 = 10, cold. acme.com (a1, a2, a3, its domain written
/// in three cases): breadth 30 (a1, a2 engaged) + 20 (a1, a3 hot) = 50,
/// held at 40; lead scores 150 held at 120; max 70 ≥ 60: 5; size: 500
/// twice, 20 once, so 500 > 100: 7; demos: a1 has one, a2 two: 3 × 3 = 9.
/// 40 + 120 + 5 + 7 + 9 = 181, held at 150: hot. beta.io (b1 alone):
/// breadth 0, lead scores 10, no strong lead, size 20, no demo: 10, cold.
fn interleaved() -> Vec<Value> {
    vec![
        lead(
            "a1",
            "VP Sales",
            json!("acme.com"),
            json!(500),
            &["demo", "x"],
        ),
        lead("b1", "Intern", json!("beta.io"), json!(20), &["x"]),
        lead(
            "a2",
            "Dev",
            json!("ACME.com"),
            json!(500),
            &["demo", "demo", "y"],
        ),
        lead("n1", "Dev", Value::Null, json!(5), &["demo"]),
        lead("a3", "VP Ops", json!(" Acme.com "), json!(20), &[]),
    ]
}

#[test]
fn leads_interleaved_with_other_accounts_roll_up_by_key() {
    let got = summary(&accounts(&interleaved()));
    assert_eq!(got, ["acme.com 3 150 40 hot", "beta.io 1 10 0 cold"]);
}

#[test]
fn an_account_with_one_lead_is_scored_from_that_lead() {
    // 70 (held at 120: unchanged) + strong lead 5 + size 500: 7 + one demo: 3.
    let one = [lead(
        "a1",
        "VP Sales",
        json!("acme.com"),
        json!(500),
        &["demo", "x"],
    )];
    let got = accounts(&one);
    assert_eq!(summary(&got), ["acme.com 1 85 0 cold"]);
    let record = &got[0].record;
    assert_eq!(record["company"]["size"], json!(500));
    assert_eq!(record["leads"].as_array().unwrap().len(), 1);
    assert_eq!(record["leads"][0]["score"].as_f64(), Some(70.0));
    // The lead keeps what the account rules read of it: its score, and the
    // conditions of `leads where ...` and the amount of `sum(leads, ...)`,
    // worked out when it was scored (engagement 20 ≥ 20, `tier` is hot, one
    // demo), not its fields.
    let kept = &record["leads"][0];
    assert_eq!(kept["#0"], json!(true), "{kept}");
    assert_eq!(kept["#1"], json!(true), "{kept}");
    assert_eq!(kept["#2"], json!(1), "{kept}");
    assert!(
        kept.get("tier").is_none() && kept.get("events").is_none(),
        "{kept}"
    );
}

#[test]
fn the_order_of_the_leads_changes_nothing() {
    let leads = interleaved();
    let want = accounts(&leads);
    // Every rotation and its reverse: each lead first and last at least once.
    for k in 0..leads.len() {
        let mut order = leads.clone();
        order.rotate_left(k);
        for order in [order.clone(), order.into_iter().rev().collect()] {
            let got = accounts(&order);
            assert_eq!(summary(&got), summary(&want));
            let records: Vec<&Value> = got.iter().map(|a| &a.record).collect();
            let want_records: Vec<&Value> = want.iter().map(|a| &a.record).collect();
            assert_eq!(records, want_records);
        }
    }
}

#[test]
fn a_lead_without_a_key_is_in_no_account_and_counted() {
    let (_, program, plan) = programs();
    let mut acc = Accounts::default();
    for l in [
        lead("n1", "Dev", Value::Null, json!(5), &[]),
        lead("n2", "Dev", json!("  "), json!(5), &[]),
        lead("a1", "Dev", json!("acme.com"), json!(5), &[]),
    ] {
        let mut outcome = program.score(&l, &options()).unwrap();
        acc.add(&plan, &mut outcome, Some(&l));
    }
    assert_eq!(acc.without_key, 2);
    assert_eq!(acc.len(), 1);
}

#[test]
fn an_account_field_is_its_leads_most_common_value_ties_to_the_smallest() {
    let leads = [
        lead("a1", "VP", json!("acme.com"), json!(500), &[]),
        lead("a2", "VP", json!("acme.com"), json!(90), &[]),
    ];
    // 500 and 90 once each: the tie goes to 90, which is not above 100.
    let got = accounts(&leads);
    assert_eq!(got[0].record["company"]["size"], json!(90));
    let (p, _, _) = programs();
    let o = got[0].result.as_ref().unwrap();
    let reasons: Vec<String> = p.reasons(o).iter().map(|r| r.rule.to_string()).collect();
    assert!(!reasons.iter().any(|r| r == "big company"), "{reasons:?}");
    assert!(reasons.iter().any(|r| r == "lead scores"), "{reasons:?}");
}

// ---- the command line ----

fn jsonl(leads: &[Value]) -> String {
    leads.iter().map(|l| format!("{l}\n")).collect()
}

fn score_accounts(dir: &std::path::Path, leads: &[Value], extra: &[&str]) -> String {
    std::fs::write(dir.join("a.rules"), RULES).unwrap();
    std::fs::write(dir.join("leads.jsonl"), jsonl(leads)).unwrap();
    let mut args = vec!["score", "a.rules", "leads.jsonl", "-o", "out.jsonl"];
    args.extend(extra);
    let (_, err, code) = common::run_in(dir, &args);
    assert_eq!(code, 0, "{err}");
    let out = extra
        .iter()
        .position(|a| *a == "--accounts")
        .map(|i| extra[i + 1]);
    std::fs::read_to_string(dir.join(out.unwrap())).unwrap()
}

#[test]
fn score_writes_one_record_per_account_in_key_order() {
    let dir = tempfile::tempdir().unwrap();
    let text = score_accounts(dir.path(), &interleaved(), &["--accounts", "acc.jsonl"]);
    assert_eq!(
        text,
        "{\"account\":\"acme.com\",\"leads\":3,\"score\":150,\"breadth\":40,\"account_tier\":\"hot\"}\n\
         {\"account\":\"beta.io\",\"leads\":1,\"score\":10,\"breadth\":0,\"account_tier\":\"cold\"}\n"
    );
}

#[test]
fn account_reasons_add_up_to_the_account_score() {
    let dir = tempfile::tempdir().unwrap();
    let text = score_accounts(
        dir.path(),
        &interleaved(),
        &["--accounts", "acc.jsonl", "--explain"],
    );
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let reasons = first["reasons"].as_array().unwrap();
    let total: f64 = reasons.iter().map(|r| r["points"].as_f64().unwrap()).sum();
    assert_eq!(total, 150.0, "{reasons:?}");
    let rules: Vec<&str> = reasons
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"max 40"), "{rules:?}");
}

#[test]
fn accounts_are_the_same_for_any_order_and_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let leads = interleaved();
    let want = score_accounts(
        dir.path(),
        &leads,
        &["--accounts", "acc.jsonl", "--threads", "1"],
    );
    let mut reversed = leads.clone();
    reversed.reverse();
    let got = score_accounts(
        dir.path(),
        &reversed,
        &["--accounts", "acc.jsonl", "--threads", "2"],
    );
    assert_eq!(got, want);
}

#[test]
fn accounts_as_csv_by_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let text = score_accounts(dir.path(), &interleaved(), &["--accounts", "acc.csv"]);
    assert_eq!(
        text,
        "account,leads,score,breadth,account_tier,error\nacme.com,3,150,40,hot,\nbeta.io,1,10,0,cold,\n"
    );
}

#[test]
fn accounts_are_never_written_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rules"), RULES).unwrap();
    std::fs::write(dir.path().join("leads.jsonl"), jsonl(&interleaved())).unwrap();
    for target in ["leads.jsonl", "a.rules"] {
        let args = ["score", "a.rules", "leads.jsonl", "--accounts", target];
        let (_, err, code) = common::run_in(dir.path(), &args);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("refusing to write"), "{err}");
    }
    let before = jsonl(&interleaved());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("leads.jsonl")).unwrap(),
        before
    );
    let args = [
        "score",
        "a.rules",
        "leads.jsonl",
        "-o",
        "x.jsonl",
        "--accounts",
        "x.jsonl",
    ];
    let (_, err, code) = common::run_in(dir.path(), &args);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn accounts_need_an_account_block() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.rules"),
        "when title contains \"VP\" add 5\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("leads.jsonl"), "{\"title\":\"VP\"}\n").unwrap();
    let args = ["score", "a.rules", "leads.jsonl", "--accounts", "acc.jsonl"];
    let (_, err, code) = common::run_in(dir.path(), &args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("has no `account by KEY"), "{err}");
    assert!(!dir.path().join("acc.jsonl").exists());
}

#[test]
fn the_summary_counts_leads_without_a_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rules"), RULES).unwrap();
    std::fs::write(dir.path().join("leads.jsonl"), jsonl(&interleaved())).unwrap();
    let args = [
        "score",
        "a.rules",
        "leads.jsonl",
        "-o",
        "o.jsonl",
        "--accounts",
        "acc.jsonl",
    ];
    let (_, err, code) = common::run_in(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 accounts written to acc.jsonl; 1 lead without an account key"),
        "{err}"
    );
}

// ---- roll-ups of a list of numbers (any list; made for `leads.score`) ----

/// The points each rule of `rules` gives to a lead whose `xs` is `xs`.
fn rollups(xs: Value) -> Vec<f64> {
    let rules = r#"
schema { xs: list<number?>? }
add sum_of_top(xs, 2) as "top two"
add champion(xs, 0.6) as "champion"
add mean(xs) as "mean"
add mean_without_lowest(xs, 1) as "mean without the lowest"
"#;
    let loaded = leadscore::load_str("r.rules", rules, &MemReader::default());
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let program = Program::compile(loaded.ruleset.as_ref().unwrap());
    let outcome = program.score(&json!({ "xs": xs }), &options()).unwrap();
    outcome.rules.iter().map(|r| r.points).collect()
}

#[test]
fn rollups_of_three_numbers() {
    // top two: 70 + 50 = 120; champion: 0.6 × 70 + 0.4 × (50 + 30) / 2 = 42 + 16
    // = 58; mean 150 / 3 = 50; without the lowest (30): (70 + 50) / 2 = 60.
    assert_eq!(
        rollups(json!([30, 70, null, 50])),
        [120.0, 58.0, 50.0, 60.0]
    );
}

#[test]
fn rollups_of_one_number_and_of_none() {
    // One: the top two is that one; the champion has no others (their mean
    // counts 0): 0.6 × 70 = 42; the mean is 70; without the lowest nothing is
    // left: missing, so the rule gives 0.
    assert_eq!(rollups(json!([70])), [70.0, 42.0, 70.0, 0.0]);
    // None: a sum of nothing is 0, the others are missing (0 points).
    assert_eq!(rollups(json!([])), [0.0, 0.0, 0.0, 0.0]);
    assert_eq!(rollups(Value::Null), [0.0, 0.0, 0.0, 0.0]);
}

#[test]
fn rollup_arguments_are_numbers_written_in_place_within_range() {
    for (call, want) in [
        (
            "sum_of_top(xs, 0)",
            "`sum_of_top` needs a whole number of at least 1",
        ),
        (
            "sum_of_top(xs, n)",
            "`sum_of_top` needs a whole number of at least 1",
        ),
        (
            "champion(xs, 1.5)",
            "`champion` needs a weight between 0 and 1",
        ),
        (
            "mean_without_lowest(xs, 0.5)",
            "`mean_without_lowest` needs a whole number",
        ),
        ("mean(xs, 1)", "`mean` takes 1 argument"),
    ] {
        let rules = format!("schema {{ xs: list<number>, n: number }}\nadd {call}\n");
        let loaded = leadscore::load_str("r.rules", &rules, &MemReader::default());
        let messages: Vec<&str> = loaded
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert!(
            messages.iter().any(|m| m.contains(want)),
            "{call}: {messages:?}"
        );
    }
}

#[test]
fn distinct_people_engaged_lately_and_the_champion_of_an_account() {
    let rules = r#"schema {
  email: string
  company: { domain: string }
  events: list<{ at: datetime }>
}
add count(events) as "events"
account by company.domain {
  add count(distinct email of leads where any(events where at within 30 days)) * 10 as "people"
  add champion(leads.score, 0.6) as "champion"
  add sum_of_top(leads.score, 2) as "top 2"
}
"#;
    let at = |t: &str| json!({ "at": t });
    let leads = [
        json!({"email": "a@x.com", "company": {"domain": "x.com"}, "events": [at("2026-10-20")]}),
        json!({"email": "A@x.com", "company": {"domain": "x.com"}, "events": [at("2026-10-25"), at("2026-01-25")]}),
        json!({"email": "b@x.com", "company": {"domain": "x.com"}, "events": [at("2026-01-20")]}),
        json!({"email": "c@x.com", "company": {"domain": "x.com"}, "events": [at("2026-10-31")]}),
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.rules"), rules).unwrap();
    std::fs::write(dir.path().join("d.jsonl"), jsonl(&leads)).unwrap();
    let args = [
        "score",
        "d.rules",
        "d.jsonl",
        "--as-of",
        "2026-11-01",
        "-o",
        "o.jsonl",
        "--accounts",
        "acc.jsonl",
        "--explain",
        "-q",
    ];
    let (_, err, code) = common::run_in(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    // People engaged in 30 days: a@x.com (written twice, in two cases) and
    // c@x.com, 2 × 10 = 20. Lead scores 1, 2, 1, 1: champion 0.6 × 2 + 0.4 ×
    // 1 = 1.6; the top two 2 + 1 = 3.
    let text = std::fs::read_to_string(dir.path().join("acc.jsonl")).unwrap();
    assert_eq!(
        text,
        "{\"account\":\"x.com\",\"leads\":4,\"score\":24.6,\"reasons\":[\
         {\"rule\":\"people\",\"group\":null,\"points\":20},\
         {\"rule\":\"champion\",\"group\":null,\"points\":1.6},\
         {\"rule\":\"top 2\",\"group\":null,\"points\":3}]}\n"
    );
}

// ---- test blocks with several leads ----

const TESTED: &str = r#"schema {
  id: string
  company: { domain: string? }
  events: list<{ type: string }>
}
group engagement {
  add count(events) * 10 as "events"
}
account by company.domain {
  when count(leads where engagement >= 20) >= 2 add 30 as "two engaged people"
  add sum(leads.score) as "lead scores"
  label account_tier {
    hot when score >= 70
    cold otherwise
  }
}
"#;

fn run_tests(tests: &str) -> (String, i32) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.rules"), format!("{TESTED}{tests}")).unwrap();
    let (out, err, code) = common::run_in(dir.path(), &["test", "t.rules"]);
    (format!("{out}{err}"), code)
}

#[test]
fn a_test_with_several_leads_expects_their_account() {
    // a1 scores 20, a2 30: both engaged (30) and 20 + 30 = 50: 80, hot.
    let (out, code) = run_tests(
        r#"
test "two engaged people make a hot account" {
  lead { id: "a1", company: { domain: "acme.com" }, events: [{ type: "x" }, { type: "y" }] }
  lead { id: "a2", company: { domain: "ACME.com" }, events: [{ type: "x" }, { type: "y" }, { type: "z" }] }
  expect account score == 80
  expect account account_tier == hot
  expect account fired "two engaged people"
}
test "an account of one lead" {
  lead { id: "a1", company: { domain: "acme.com" }, events: [{ type: "x" }] }
  expect score == 10
  expect account score == 10
  expect account not fired "two engaged people"
}
"#,
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 passed, 0 failed"), "{out}");
}

#[test]
fn an_account_test_fails_on_a_wrong_account_value_and_on_two_accounts() {
    let (out, code) = run_tests(
        r#"
test "wrong" {
  lead { id: "a1", company: { domain: "acme.com" }, events: [{ type: "x" }] }
  expect account account_tier == hot
}
test "two accounts" {
  lead { id: "a1", company: { domain: "acme.com" }, events: [] }
  lead { id: "b1", company: { domain: "beta.io" }, events: [] }
  expect account score == 0
}
"#,
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("actual:   account_tier == cold") || out.contains("cold"),
        "{out}"
    );
    assert!(
        out.contains("the test's leads make 2 accounts (acme.com, beta.io)"),
        "{out}"
    );
    assert!(out.contains("0 passed, 2 failed"), "{out}");
}

#[test]
fn an_expectation_of_the_lead_needs_one_lead() {
    let (out, code) = run_tests(
        r#"
test "which lead" {
  lead { id: "a1", company: { domain: "acme.com" }, events: [] }
  lead { id: "a2", company: { domain: "acme.com" }, events: [] }
  expect score == 0
}
"#,
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("an expectation of the lead in a test with several leads"),
        "{out}"
    );
}

#[test]
fn a_list_read_whole_and_a_condition_that_reads_the_account_still_roll_up() {
    // `leads.events` keeps each lead's events whole; `score >= best`
    // reads the account (the `let`), so only its `score` is kept per lead.
    let rules = r#"schema {
  email: string
  company: { domain: string }
  events: list<{ type: string }>
}
add count(events) as "events"
account by company.domain {
  add count(leads.events where type == "demo") * 10 as "demos"
  let best = sum_of_top(leads.score, 1)
  add count(leads where score >= best) as "best leads"
}
"#;
    let ev =
        |types: &[&str]| -> Vec<Value> { types.iter().map(|t| json!({ "type": t })).collect() };
    let leads = [
        json!({"email": "a@x.com", "company": {"domain": "x.com"}, "events": ev(&["demo", "demo", "x"])}),
        json!({"email": "d@y.com", "company": {"domain": "y.com"}, "events": ev(&["x"])}),
        json!({"email": "b@x.com", "company": {"domain": "x.com"}, "events": ev(&["demo"])}),
        json!({"email": "c@x.com", "company": {"domain": "x.com"}, "events": ev(&[])}),
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.rules"), rules).unwrap();
    std::fs::write(dir.path().join("d.jsonl"), jsonl(&leads)).unwrap();
    std::fs::write(
        dir.path().join("d.json"),
        Value::from(leads.to_vec()).to_string(),
    )
    .unwrap();
    // x.com: three demos, 30; scores 3, 1, 0, the best (3) once: 1; 31.
    // y.com: no demo; its one lead is its best: 1.
    let want = "{\"account\":\"x.com\",\"leads\":3,\"score\":31}\n\
                {\"account\":\"y.com\",\"leads\":1,\"score\":1}\n";
    for input in ["d.jsonl", "d.json"] {
        let args = [
            "score",
            "d.rules",
            input,
            "-o",
            "o.jsonl",
            "--accounts",
            "acc.jsonl",
            "-q",
        ];
        let (_, err, code) = common::run_in(dir.path(), &args);
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(dir.path().join("acc.jsonl")).unwrap();
        assert_eq!(text, want, "{input}");
    }
}

#[test]
fn only_what_the_account_reads_is_kept_per_lead() {
    let (_, _, plan) = programs();
    // The key, `company.size`, `score`, and three per-lead parts.
    assert!(!plan.needs_lead());
    let got = accounts(&interleaved());
    let leads = got[0].record["leads"].as_array().unwrap();
    let mut names: Vec<&String> = leads[0].as_object().unwrap().keys().collect();
    names.sort();
    assert_eq!(names, ["#0", "#1", "#2", "score"]);
}

#[test]
fn a_failing_account_expectation_explains_the_account() {
    // Engagement 20 and 30: both engaged, 30; lead scores 20 + 30 = 50.
    let (out, code) = run_tests(
        r#"
test "account" {
  lead { id: "a1", company: { domain: "Acme.com" }, events: [{ type: "x" }, { type: "y" }] }
  lead { id: "a2", company: { domain: "acme.com" }, events: [{ type: "x" }, { type: "y" }, { type: "z" }] }
  expect account score == 1
}
"#,
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("actual:   score is 80"), "{out}");
    assert!(
        out.contains("account acme.com  score 80  account_tier hot"),
        "{out}"
    );
    assert!(!out.contains("lead a1"), "{out}");
    let line = |rule: &str| out.lines().find(|l| l.contains(rule)).map(str::trim);
    assert_eq!(
        line("two engaged people"),
        Some("+30  two engaged people"),
        "{out}"
    );
    assert_eq!(line("lead scores"), Some("+50  lead scores"), "{out}");
}

// ---- `explain --account KEY` ----

/// Runs `leadscore explain a.rules leads.jsonl ARGS` on `leads` with RULES.
fn explain_account(leads: &[Value], args: &[&str]) -> (String, String, i32) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rules"), RULES).unwrap();
    std::fs::write(dir.path().join("leads.jsonl"), jsonl(leads)).unwrap();
    let mut all = vec![
        "explain",
        "a.rules",
        "leads.jsonl",
        "--as-of",
        "2026-11-01T00:00:00Z",
    ];
    all.extend(args);
    common::run_in(dir.path(), &all)
}

#[test]
fn explain_account_shows_its_leads_score_labels_and_rules() {
    // As in `leads_interleaved_with_other_accounts_roll_up_by_key`: the
    // key given in another case and with spaces is the same account.
    let (out, err, code) = explain_account(&interleaved(), &["--account", " ACME.com"]);
    assert_eq!(code, 0, "{err}");
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        "account acme.com (3 leads)  score 150 (max 150, capped from 181)  account_tier hot"
    );
    // 30 + 20 − 10 (max 40) + 120 + 5 + 7 + 9 − 31 (score max 150) = 150.
    let points: f64 = out
        .lines()
        .filter_map(|l| l.split_whitespace().next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(points - 10.0 - 31.0, 150.0, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn explain_account_of_one_lead_lists_the_rules_that_did_not_fire() {
    // beta.io: b1 alone, 10 points, no breadth, no strong lead, size 20.
    let (out, err, code) = explain_account(&interleaved(), &["--account", "beta.io"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("account beta.io (1 lead)  score 10  account_tier cold\n"),
        "{out}"
    );
    let did_not_fire = out.split("did not fire:\n").nth(1).unwrap_or_default();
    let names: Vec<&str> = did_not_fire.lines().map(str::trim).collect();
    assert_eq!(
        names,
        [
            "two engaged people",
            "two hot leads",
            "a strong lead",
            "big company"
        ]
    );
}

#[test]
fn explain_an_unknown_account_names_the_key_and_suggests_the_nearest() {
    let (out, err, code) = explain_account(&interleaved(), &["--account", "acme.co"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("no lead has the account key \"acme.co\" (searched 5 leads in 2 accounts"),
        "{err}"
    );
    assert!(err.contains("did you mean \"acme.com\"?"), "{err}");
    let (_, err, code) = explain_account(&interleaved(), &["--account", "zeta.org"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("\"zeta.org\""), "{err}");
    assert!(!err.contains("did you mean"), "{err}");
}

/// A lead that cannot be scored (here a size that is not a number) is in
/// no account; `explain --account` says so instead of explaining the
/// account as if it had none, and fails with the lead-error status when
/// the lead has the explained key.
#[test]
fn explain_account_counts_the_leads_it_could_not_score() {
    let mut leads = interleaved();
    leads.push(lead("a4", "VP", json!("acme.com"), json!("big"), &["demo"]));
    leads.push(lead("g1", "VP", json!("gamma.net"), json!("big"), &[]));
    let (out, err, code) = explain_account(&leads, &["--account", "acme.com"]);
    assert_eq!(code, 3, "{err}");
    assert!(out.starts_with("account acme.com (3 leads)"), "{out}");
    assert_eq!(
        err.trim_end(),
        "note: 2 leads could not be scored and are in no account; 1 of them has this \
         account's key, so the explanation above leaves it out (`leadscore score` shows why)"
    );
    // The other account's explanation is whole: a note, and success.
    let (out, err, code) = explain_account(&leads, &["--account", "beta.io"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("account beta.io (1 lead)"), "{out}");
    assert!(
        err.contains(
            "note: 2 leads could not be scored and are in no account (`leadscore score` shows why)"
        ),
        "{err}"
    );
    // A key whose only lead could not be scored is not unknown without a word.
    let only_bad = vec![lead("z1", "VP", json!("zeta.org"), json!("big"), &[])];
    let (_, err, code) = explain_account(&only_bad, &["--account", "Zeta.org"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no lead has the account key \"Zeta.org\""),
        "{err}"
    );
    assert!(
        err.contains("; 1 lead with that key could not be scored"),
        "{err}"
    );
}

#[test]
fn explain_account_needs_an_account_block_and_no_other_lead_choice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.rules"),
        "when title contains \"VP\" add 5\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("leads.jsonl"), "{\"title\":\"VP\"}\n").unwrap();
    let args = ["explain", "a.rules", "leads.jsonl", "--account", "acme.com"];
    let (out, err, code) = common::run_in(dir.path(), &args);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("a.rules has no `account by KEY"), "{err}");
    let (_, err, code) = explain_account(&interleaved(), &["--account", "acme.com", "--id", "a1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be used with"), "{err}");
}

// ---- `score --account-columns`: each lead's account on its record ----

/// `leadscore score a.rules leads.jsonl -o OUT ARGS` on `leads`: the output.
fn score_columns(leads: &[Value], out: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rules"), RULES).unwrap();
    std::fs::write(dir.path().join("leads.jsonl"), jsonl(leads)).unwrap();
    let mut all = vec!["score", "a.rules", "leads.jsonl", "-o", out, "-q"];
    all.extend(args);
    let (_, err, code) = common::run_in(dir.path(), &all);
    assert_eq!(code, 0, "{err}");
    std::fs::read_to_string(dir.path().join(out)).unwrap()
}

#[test]
fn account_columns_add_each_leads_account_in_input_order() {
    // acme.com: 150, hot; beta.io: 10, cold (as above); n1 has no key.
    let got = score_columns(&interleaved(), "out.jsonl", &["--account-columns"]);
    let acme = r#""account":"acme.com","account_score":150,"account_tier":"hot"}"#;
    let beta = r#""account":"beta.io","account_score":10,"account_tier":"cold"}"#;
    let none = r#""account":null,"account_score":null,"account_tier":null}"#;
    let want = [
        format!(r#"{{"id":"a1","score":70,"fit":50,"engagement":20,"tier":"hot",{acme}"#),
        format!(r#"{{"id":"b1","score":10,"fit":0,"engagement":10,"tier":"cold",{beta}"#),
        format!(r#"{{"id":"a2","score":30,"fit":0,"engagement":30,"tier":"cold",{acme}"#),
        format!(r#"{{"id":"n1","score":10,"fit":0,"engagement":10,"tier":"cold",{none}"#),
        format!(r#"{{"id":"a3","score":50,"fit":50,"engagement":0,"tier":"hot",{acme}"#),
    ];
    assert_eq!(got.lines().collect::<Vec<_>>(), want);
}

#[test]
fn account_columns_leave_the_rest_of_each_record_as_it_was() {
    let mut leads = interleaved();
    // e1's events are no list: an error record, in no account.
    leads.push(json!({"id": "e1", "company": {"domain": "acme.com"}, "events": 5}));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rules"), RULES).unwrap();
    std::fs::write(dir.path().join("leads.jsonl"), jsonl(&leads)).unwrap();
    for (out, extra) in [
        ("o.jsonl", "--explain"),
        ("o.csv", "--csv-raw"),
        ("o.tsv", "--threads=2"),
    ] {
        let run = |columns: bool| {
            let mut args = vec!["score", "a.rules", "leads.jsonl", "-o", out, "-q", extra];
            // Both with `--accounts`, which alone changes no lead record (the
            // wording of a type error aside, see the report).
            args.extend(["--keep", "title", "--accounts", "acc.jsonl"]);
            if columns {
                args.push("--account-columns");
            }
            let (_, err, code) = common::run_in(dir.path(), &args);
            assert_eq!(code, 3, "{err}");
            std::fs::read_to_string(dir.path().join(out)).unwrap()
        };
        let (without, with) = (run(false), run(true));
        // Taking the account columns out again gives the records as they were.
        let json = r#","account":"acme.com","account_score":150,"account_tier":"hot""#;
        let stripped = match out.ends_with(".jsonl") {
            true => with
                .replace(json, "")
                .replace(
                    r#","account":"beta.io","account_score":10,"account_tier":"cold""#,
                    "",
                )
                .replace(
                    r#","account":null,"account_score":null,"account_tier":null"#,
                    "",
                ),
            false => {
                let sep = if out.ends_with(".csv") { b',' } else { b'\t' };
                let rows = |text: &str| -> Vec<Vec<String>> {
                    csv::ReaderBuilder::new()
                        .has_headers(false)
                        .delimiter(sep)
                        .from_reader(text.as_bytes())
                        .records()
                        .map(|r| r.unwrap().iter().map(str::to_string).collect())
                        .collect()
                };
                let cut = |mut row: Vec<String>| {
                    let n = row.len();
                    row.drain(n - 4..n - 1);
                    row
                };
                let with: Vec<Vec<String>> = rows(&with).into_iter().map(cut).collect();
                assert_eq!(with, rows(&without), "{out}");
                without.clone()
            }
        };
        assert_eq!(stripped, without, "{out}");
        assert_ne!(with, without, "{out}");
        // The error record is in no account.
        let last = with.lines().last().unwrap();
        match out {
            "o.jsonl" => assert!(
                last.starts_with(r#"{"id":"e1","title":null,"account":null,"account_score":null,"account_tier":null,"error":"#),
                "{last}"
            ),
            // Nine separators: title, score, fit, engagement, tier and the
            // three account cells are empty, then the error.
            "o.csv" => assert!(last.starts_with("e1,,,,,,,,,\""), "{last}"),
            _ => assert!(last.starts_with("e1\t\t\t\t\t\t\t\t\tline 6"), "{last}"),
        }
    }
}

#[test]
fn account_columns_in_csv_with_an_account_of_one_lead() {
    // beta.io has b1 alone: its own 10 points, cold.
    let got = score_columns(&interleaved(), "out.csv", &["--account-columns"]);
    assert_eq!(
        got,
        "id,score,fit,engagement,tier,account,account_score,account_tier,error\n\
         a1,70,50,20,hot,acme.com,150,hot,\n\
         b1,10,0,10,cold,beta.io,10,cold,\n\
         a2,30,0,30,cold,acme.com,150,hot,\n\
         n1,10,0,10,cold,,,,\n\
         a3,50,50,0,hot,acme.com,150,hot,\n"
    );
}

#[test]
fn account_columns_are_the_same_for_one_and_two_threads() {
    let leads = interleaved();
    let one = score_columns(
        &leads,
        "out.jsonl",
        &["--account-columns", "--threads", "1"],
    );
    let two = score_columns(
        &leads,
        "out.jsonl",
        &["--account-columns", "--threads", "2"],
    );
    assert_eq!(one, two);
    assert_eq!(one.lines().count(), 5);
    let with_file = score_columns(
        &leads,
        "out.jsonl",
        &[
            "--account-columns",
            "--accounts",
            "acc.jsonl",
            "--threads",
            "2",
        ],
    );
    assert_eq!(with_file, one);
}

#[test]
fn account_columns_refuse_a_column_the_records_have_and_need_an_account_block() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rules"), RULES).unwrap();
    std::fs::write(dir.path().join("leads.jsonl"), jsonl(&interleaved())).unwrap();
    let args = [
        "score",
        "a.rules",
        "leads.jsonl",
        "-o",
        "o.jsonl",
        "--account-columns",
    ];
    let (_, err, code) = common::run_in(
        dir.path(),
        &[&args[..], &["--rename", "tier=account_tier"]].concat(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("already have a column `account_tier`"),
        "{err}"
    );
    let (_, err, code) = common::run_in(dir.path(), &[&args[..], &["--keep", "account"]].concat());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("already have a column `account`"), "{err}");
    assert!(!dir.path().join("o.jsonl").exists());
    std::fs::write(
        dir.path().join("a.rules"),
        "when title contains \"VP\" add 5\n",
    )
    .unwrap();
    let (_, err, code) = common::run_in(dir.path(), &args);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--account-columns: a.rules has no `account by KEY"),
        "{err}"
    );
}

/// The errors of the rules `lead_rules` and `block` (the items of an
/// `account by company.domain` block), as code and message.
fn scope_errors(lead_rules: &str, block: &str) -> Vec<(&'static str, String)> {
    let src = format!(
        "schema {{\n  id: string\n  title: string?\n  company: {{ domain: string?, size: int? }}\n  \
         events: list<{{ type: string }}>\n}}\nlet executive = [\"VP\", \"CEO\"]\n\
         group engagement {{\n  add count(events) * 10\n}}\nlabel tier {{\n  hot when score >= 50\n  \
         cold otherwise\n}}\n{lead_rules}\naccount by company.domain {{\n  let big = company.size > 100\n  \
         group breadth {{\n    add 5\n  }}\n  label account_tier {{\n    hot when score >= 5\n    \
         cold otherwise\n  }}\n{block}\n}}\n"
    );
    let loaded = leadscore::load_str("scope.rules", &src, &MemReader::default());
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error());
    errors.map(|d| (d.code, d.message.clone())).collect()
}

#[test]
fn leads_inside_a_condition_about_one_lead_says_so() {
    let nested = "when count(leads where count(leads where score > 1) > 1) >= 1 add 5";
    let in_amount = "add sum(leads, count(leads))";
    let in_events = "when count(leads where any(events where count(leads) > 1)) >= 1 add 5";
    for rule in [nested, in_amount, in_events] {
        let message = "`leads` is not known inside a condition about one lead";
        assert_eq!(
            scope_errors("", rule),
            [("leadscore::wrong_scope", message.to_string())],
            "{rule}"
        );
    }
}

#[test]
fn leads_in_a_lead_rule_says_it_is_the_account_blocks() {
    let message = "`leads` is only known inside the `account` block";
    for rule in [
        "when count(leads) >= 2 add 5",
        "when sum(leads.score) > 10 add 5",
        "when any(events where count(leads) > 1) add 5",
    ] {
        assert_eq!(
            scope_errors(rule, ""),
            [("leadscore::wrong_scope", message.to_string())],
            "{rule}"
        );
    }
}

#[test]
fn a_let_group_or_label_on_the_other_side_of_the_block_says_whose_it_is() {
    let in_block = [
        (
            "when title in executive add 5",
            "`executive` is a `let` of the lead rules, not of the account block",
        ),
        (
            "when count(leads where title in executive) >= 1 add 5",
            "`executive` is a `let` of the lead rules, not of the account block",
        ),
        (
            "when engagement >= 20 add 5",
            "`engagement` is a group total of each lead, not of the account",
        ),
        (
            "when tier == \"hot\" add 5",
            "`tier` is a label of each lead, not of the account",
        ),
    ];
    for (rule, message) in in_block {
        let found = scope_errors("", rule);
        assert_eq!(
            found,
            [("leadscore::wrong_scope", message.to_string())],
            "{rule}"
        );
    }
    let in_lead_rules = [
        (
            "when big add 5",
            "`big` is a `let` of the account block, not of the lead rules",
        ),
        (
            "when breadth > 1 add 5",
            "`breadth` is a group total of the account, not of the lead",
        ),
        (
            "when account_tier == \"hot\" add 5",
            "`account_tier` is a label of the account, not of the lead",
        ),
    ];
    for (rule, message) in in_lead_rules {
        let found = scope_errors(rule, "");
        assert_eq!(
            found,
            [("leadscore::wrong_scope", message.to_string())],
            "{rule}"
        );
    }
}

#[test]
fn a_list_field_of_the_lead_read_by_the_account_points_to_leads() {
    let found = scope_errors("", "when count(events) > 1 add 5");
    let message = "the account has no field `events`: it is a list of each lead";
    assert_eq!(found, [("leadscore::unknown_field", message.to_string())]);
}

/// The bundled example shows what the account rules of
/// `rules/b2b_saas.rules` are for: an account where three people were
/// active this month, one with two engaged people; every other company has
/// one lead, which the champion blend counts at 0.6 of its score.
#[test]
fn the_example_leads_show_the_account_rules_of_the_bundled_model() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts.jsonl");
    let out = dir.path().join("leads.jsonl");
    let (file, out) = (file.to_str().unwrap(), out.to_str().unwrap());
    let args = [
        "score",
        "rules/b2b_saas.rules",
        "examples/leads.jsonl",
        "--as-of",
        "2026-11-01T00:00:00Z",
        "--accounts",
        file,
        "-o",
        out,
    ];
    let (_, err, code) = common::run(&args);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(file).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |key: &str| {
        records
            .iter()
            .find(|r| r["account"] == key)
            .unwrap()
            .clone()
    };
    let brightwave = find("brightwave analytics");
    assert_eq!(
        (&brightwave["leads"], &brightwave["committee"]),
        (&json!(3), &json!(15))
    );
    let ledgerline = find("ledgerline");
    assert_eq!(
        (&ledgerline["leads"], &ledgerline["committee"]),
        (&json!(2), &json!(25))
    );
    let alone = records.iter().filter(|r| r["leads"] == 1).count();
    assert_eq!((records.len(), alone), (27, 25), "{text}");
}
