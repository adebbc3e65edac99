//! The benchmark harness behind `scripts/bench.sh`: leadscore's evaluation
//! alone, and the same model (shared/bench/MODEL.md) in Rhai, CEL and
//! GoRules' zen-expression, each checked against the oracle's scores. The
//! end-to-end baselines live in bench/baseline, a workspace of their own.
//!
//! leadscore-peers eval RULES LEADS             leadscore evaluation alone, ns per lead
//! leadscore-peers peers RULES LEADS EXPECTED   check each engine against the oracle, time it

mod cel_model;
mod rhai_model;
mod zen_model;

use leadscore::eval::{EvalOptions, Outcome, Program, Scratch};
use leadscore::syntax::MemReader;
use serde_json::Value;
use std::time::Instant;

/// The oracle's evaluation time.
const AS_OF: &str = "2026-11-01T00:00:00Z";

/// What an engine gives for one lead, compared with the oracle.
#[derive(Debug, PartialEq)]
pub struct Scores {
    pub score: i64,
    pub tier: String,
    pub fit: i64,
    pub engagement: i64,
}

/// hot / warm / cold, as MODEL.md defines them.
pub fn tier(score: i64) -> String {
    match score {
        s if s >= 80 => "hot",
        s if s >= 40 => "warm",
        _ => "cold",
    }
    .to_string()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["eval", rules, leads] => eval(rules, leads),
        ["peers", rules, leads, expected] => peers(rules, leads, expected),
        _ => {
            eprintln!("usage: see the module docs of bench/peers/src/main.rs");
            std::process::exit(2);
        }
    }
}

fn program(path: &str) -> Program {
    let text = std::fs::read_to_string(path).expect("rules file");
    let loaded = leadscore::load_str(path, &text, &MemReader::default());
    Program::compile(loaded.ruleset.as_ref().expect("rules without errors"))
}

fn read_leads(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("leads file");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn opts() -> EvalOptions {
    let as_of = chrono::DateTime::parse_from_rfc3339(AS_OF)
        .unwrap()
        .to_utc();
    EvalOptions { as_of }
}

/// Nanoseconds per lead of `f` over `n` leads, best of several passes of at least 0.3 s.
fn time_per_lead(n: usize, mut f: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let mut passes = 0;
        while start.elapsed().as_secs_f64() < 0.3 || passes == 0 {
            f();
            passes += 1;
        }
        best = best.min(start.elapsed().as_secs_f64() * 1e9 / (passes * n) as f64);
    }
    best
}

/// leadscore's evaluation alone (extraction from the in-memory `Value` and
/// the rules), in ns per lead.
fn leadscore_ns(prog: &Program, leads: &[Value]) -> f64 {
    let (mut scratch, mut out) = (Scratch::default(), Outcome::default());
    let opts = opts();
    let mut total = 0.0;
    let ns = time_per_lead(leads.len(), || {
        for lead in leads {
            if prog.score_into(lead, &opts, &mut scratch, &mut out).is_ok() {
                total += out.score;
            }
        }
    });
    std::hint::black_box(total);
    ns
}

fn eval(rules: &str, leads: &str) {
    let prog = program(rules);
    let leads = read_leads(leads);
    println!("{:.0}", leadscore_ns(&prog, &leads));
}

fn oracle(path: &str) -> Vec<Scores> {
    read_leads(path)
        .iter()
        .map(|v| Scores {
            score: v["score"].as_i64().unwrap(),
            tier: v["tier"].as_str().unwrap().to_string(),
            fit: v["fit"].as_i64().unwrap(),
            engagement: v["engagement"].as_i64().unwrap(),
        })
        .collect()
}

/// Checks an engine's scores against the oracle and returns its ns per lead.
fn check_and_time(
    name: &str,
    want: &[Scores],
    n: usize,
    mut run: impl FnMut(usize) -> Scores,
) -> f64 {
    for (i, want) in want.iter().enumerate() {
        let got = run(i);
        assert_eq!(&got, want, "{name} disagrees with the oracle on lead {i}");
    }
    time_per_lead(n, || {
        for i in 0..n {
            std::hint::black_box(run(i));
        }
    })
}

/// Prints `engine ns_per_lead` lines; every engine is checked first.
fn peers(rules: &str, leads: &str, expected: &str) {
    let want = oracle(expected);
    let values = read_leads(leads);
    assert_eq!(want.len(), values.len(), "one oracle line per lead");
    let prog = program(rules);
    let opts = opts();
    let (mut scratch, mut out) = (Scratch::default(), Outcome::default());
    let n = values.len();
    let group = |name: &str| {
        prog.ruleset()
            .groups
            .iter()
            .position(|g| g.name == name)
            .unwrap()
    };
    let (fit, engagement) = (group("fit"), group("engagement"));
    let ls = check_and_time("leadscore", &want, n, |i| {
        prog.score_into(&values[i], &opts, &mut scratch, &mut out)
            .unwrap();
        let score = out.score as i64;
        Scores {
            score,
            tier: tier(score),
            fit: out.groups[fit] as i64,
            engagement: out.groups[engagement] as i64,
        }
    });
    println!("leadscore {ls:.0}");
    let rhai = rhai_model::Model::new(&values);
    println!(
        "rhai {:.0}",
        check_and_time("rhai", &want, n, |i| rhai.score(i))
    );
    let cel = cel_model::Model::new(&values);
    println!(
        "cel {:.0}",
        check_and_time("cel", &want, n, |i| cel.score(i))
    );
    let zen = zen_model::Model::new(&values);
    let mut vm = zen_expression::vm::VM::new();
    println!(
        "zen {:.0}",
        check_and_time("zen", &want, n, |i| zen.score(&mut vm, i))
    );
}
