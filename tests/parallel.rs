//! The fast scoring pipeline gives the same results as the plain one:
//! scoring straight from JSON bytes equals scoring a `serde_json::Value`
//! (outcomes, ids, data errors, mismatches), and `score --threads N` writes
//! the same bytes for every N.

use assert_cmd::Command;
use leadscore::eval::{value_at, EvalOptions, Outcome, Program, Scratch};
use leadscore::syntax::MemReader;
use std::fmt::Write as _;

const AS_OF: &str = "2026-11-01T00:00:00Z";
const BENCH_RULES: &str = "rules/bench.rules";
const BENCH_LEADS: &str = "tests/data/bench/leads.jsonl";
const B2B_RULES: &str = "rules/b2b_saas.rules";
const B2B_LEADS: &str = "examples/leads.jsonl";

fn program(path: &str) -> Program {
    let text = std::fs::read_to_string(path).expect("rules file");
    let loaded = leadscore::load_str(path, &text, &MemReader::default());
    Program::compile(loaded.ruleset.as_ref().expect("rules without errors"))
}

fn opts() -> EvalOptions {
    let as_of = chrono::DateTime::parse_from_rfc3339(AS_OF)
        .unwrap()
        .to_utc();
    EvalOptions { as_of }
}

/// Scores `line` both ways; returns what the Value path gave and whether
/// the fast path took the line (it must then agree exactly).
fn both_ways(
    prog: &Program,
    line: impl AsRef<[u8]>,
    id: &[String],
    scratch: &mut Scratch,
) -> (String, bool) {
    let bytes = line.as_ref();
    let line = String::from_utf8_lossy(bytes);
    let mut fast = Outcome::default();
    let fast_id = prog.score_bytes(bytes, id, &opts(), scratch, &mut fast);
    let slow = match serde_json::from_slice::<serde_json::Value>(bytes) {
        Err(e) => format!("bad json: {e}"),
        Ok(v) => {
            let mut out = Outcome::default();
            match prog.score_into(&v, &opts(), scratch, &mut out) {
                Ok(()) => {
                    let slow_id = value_at(&v, id);
                    if let Some(fast_id) = &fast_id {
                        assert_eq!(fast_id, &slow_id, "id of {line}");
                        assert_eq!(fast, out, "outcome of {line}");
                    }
                    format!("{slow_id} {out:?}")
                }
                Err(e) => {
                    assert!(fast_id.is_none(), "fast path scored a bad lead: {line}");
                    format!("error {e}")
                }
            }
        }
    };
    (slow, fast_id.is_some())
}

/// Every line of `leads` gives the same outcome both ways; returns how many
/// lines the fast path took.
fn agree_on_file(rules: &str, leads: &str, id: &[String]) -> usize {
    let prog = program(rules);
    let text = std::fs::read_to_string(leads).unwrap();
    let mut scratch = Scratch::default();
    let mut taken = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        taken += usize::from(both_ways(&prog, line, id, &mut scratch).1);
    }
    taken
}

fn id_path() -> Vec<String> {
    vec!["id".to_string()]
}

#[test]
fn fast_path_agrees_on_the_bench_sample() {
    let taken = agree_on_file(BENCH_RULES, BENCH_LEADS, &id_path());
    // Every generated lead is well-formed: the fast path takes them all.
    assert_eq!(taken, 300);
}

#[test]
fn fast_path_agrees_on_the_example_leads() {
    let taken = agree_on_file(B2B_RULES, B2B_LEADS, &id_path());
    assert!(taken > 0);
}

#[test]
fn fast_path_agrees_with_a_nested_id() {
    let id = vec!["company".to_string(), "name".to_string()];
    let taken = agree_on_file(BENCH_RULES, BENCH_LEADS, &id);
    assert_eq!(taken, 300);
}

/// Lines that are malformed, ragged or wrong-typed: wherever the fast path
/// takes a line, it agrees; where it gives up, the Value path decides.
const RAGGED: &[&str] = &[
    r#"{"id":"a","email":"x@gmail.com","company":{"name":"n","industry":"SaaS","revenue":1},"source":"paid","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z","events":[]}"#,
    r#"{"id":"b","email":"x","company":{"name":"n","size":"big","industry":"SaaS","revenue":1},"source":"paid","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z","events":[]}"#,
    r#"{"id":"c","email":"x","company":{"name":"n","size":2.5,"industry":"SaaS","revenue":1},"source":"paid","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z","events":[]}"#,
    r#"{"id":"d","email":"x","company":{"name":"n","industry":"SaaS","revenue":1},"source":"paid","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z","events":[{"type":"page_view","at":"soon"}]}"#,
    r#"{"id":"e","email":"x","company":null,"source":"paid","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z","events":[]}"#,
    r#"{"id":"f","email":"x","company":{"name":"n","industry":"SaaS","revenue":1},"source":"paid","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z"}"#,
    r#"{"id":"g","id":"h","email":"x","company":{"name":"n","industry":"SaaS","revenue":1},"source":"paid","source":"referral","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z","events":[]}"#,
    r#"{"id":"i","email":"x","company":{"name":"n","industry":"SaaS","revenue":1},"source":"paid","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z","events":[]"#,
    r#"{"id":"j","email":"x","company":{"name":"n","industry":"SaaS","revenue":1},"source":"paid","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z","events":[]} trailing"#,
    r#"[1, 2]"#,
    r#"{"id":{"nested":[1,2]},"email":"\u0041@GMAIL.COM","title":"VP \"Sales\"","company":{"name":"Test Co","size":300,"industry":"saas","country":"us","revenue":2e7,"extra":{"a":[1,{"b":null}]}},"source":"REFERRAL","unsubscribed":true,"created_at":"2026-01-01T00:00:00Z","events":[{"type":"page_view","at":"2026-10-20T00:00:00Z","url":"/pricing","more":[1]}],"unused":[{"x":1}]}"#,
    r#"{"id":7,"email":"x","title":null,"company":{"name":"n","size":null,"industry":"SaaS","revenue":-1},"source":"paid","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z","events":[{"type":"email_open","at":"2026-10-30T12:00:00+02:00","url":null}]}"#,
];

#[test]
fn fast_path_agrees_on_ragged_lines() {
    let prog = program(BENCH_RULES);
    let mut scratch = Scratch::default();
    let mut report = String::new();
    let mut taken = 0;
    for line in RAGGED {
        let (slow, fast) = both_ways(&prog, line, &id_path(), &mut scratch);
        taken += usize::from(fast);
        writeln!(report, "{} {slow}", if fast { "fast" } else { "slow" }).unwrap();
    }
    // The well-formed ones (a, e-less null size, escapes, unused nesting, offsets) go fast.
    assert_eq!(taken, 3, "{report}");
}

/// A well-formed bench lead with `{}` replaced by `extra` fields.
fn lead_with(extra: &str) -> String {
    let lead = r#"{"id":"o","email":"x@gmail.com","title":"VP Sales","company":{"name":"n","size":300,"industry":"SaaS","revenue":2e7},"source":"paid","unsubscribed":false,"created_at":"2026-01-01T00:00:00Z","events":[{"type":"page_view","at":"2026-10-20T00:00:00Z","url":"/pricing"}]{}}"#;
    lead.replace("{}}", &format!("{extra}}}"))
}

/// JSON that parsers are known to read differently (escapes, surrogates,
/// repeated keys, numbers at the edges of `f64`, `-0`, deep nesting, control
/// bytes, a byte-order mark, trailing text) and CRM exports of odd shapes:
/// the byte readers give up or agree with the `Value` path, line by line.
#[test]
fn fast_path_agrees_on_odd_json() {
    let prog = program(BENCH_RULES);
    let mut scratch = Scratch::default();
    let deep = |n: usize| format!(r#","unused":{}1{}"#, "[".repeat(n), "]".repeat(n));
    let mut lines: Vec<Vec<u8>> = [
        lead_with(""),
        lead_with(r#","ti\u0074le":"CEO""#),
        lead_with(r#","t\"itle":"CEO","x\\y":1"#),
        lead_with(r#","unused":"\ud800""#),
        lead_with(r#","unused":"\ud83d\ude00 \u00e9""#),
        lead_with(r#","unused":1,"unused":[2]"#),
        lead_with(r#","title":"CEO""#),
        lead_with(r#","unused":123456789012345678901234567890"#),
        lead_with(r#","unused":1e400"#),
        lead_with(r#","unused":-0"#),
        lead_with(" ,\t\"unused\"\t:\r\n1 "),
        lead_with(&deep(100)),
        lead_with(&deep(127)),
        lead_with(&deep(128)),
        lead_with(&deep(300)),
        lead_with(r#","unused":"tab\there""#),
        format!("{} trailing", lead_with("")),
        format!("{}{}", lead_with(""), lead_with("")),
        format!(" \t{}\r", lead_with("")),
        lead_with("").replace("\"VP Sales\"", "\"VP \\u0053ales\""),
        lead_with("").replace("\"VP Sales\"", "\"\\ud800\""),
        lead_with("").replace("\"VP Sales\"", "\"VP\\tSales\\/\\n\""),
        lead_with("").replace("\"VP Sales\"", "\"ΣΊΣΥΦΟΣ straße\""),
        lead_with("").replace(r#""size":300"#, r#""size":-0"#),
        lead_with("").replace(r#""size":300"#, r#""size":0"#),
        lead_with("").replace(r#""size":300"#, r#""size":3e2"#),
        lead_with("").replace(r#""size":300"#, r#""size":300.0000000000000000001"#),
        lead_with("").replace(r#""size":300"#, r#""size":18446744073709551616"#),
        lead_with("").replace(r#""size":300"#, r#""size":-9223372036854775809"#),
        lead_with("").replace("2e7", "-0.0"),
        lead_with("").replace("2e7", "1.7976931348623157e308"),
        lead_with("").replace("2e7", "2.2250738585072011e-308"),
        lead_with("").replace("2e7", "9007199254740993"),
        lead_with("").replace("2e7", "0.1e-400"),
        lead_with("").replace("2e7", "123456789.123456789123456789"),
        lead_with("").replace(r#""id":"o""#, r#""id":1.50"#),
        lead_with("").replace(r#""id":"o""#, r#""id":-0"#),
        lead_with("").replace(r#""id":"o""#, r#""id":12345678901234567890"#),
        lead_with("").replace(r#""id":"o""#, r#""id":true"#),
        lead_with("").replace(r#""id":"o""#, r#""id":null"#),
        lead_with("").replace(r#""id":"o""#, r#""id":["o"]"#),
        lead_with("").replace(r#""company":{"#, r#""company":"Acme","c":{"#),
        lead_with("")
            .replace(r#""events":["#, r#""events":{"0":"#)
            .replace("}]", "}}"),
        lead_with("")
            .replace(r#""events":["#, r#""events":[null,"page_view",3,["#)
            .replace("}]", "}]]"),
        lead_with("").replace(
            r#""events":["#,
            r#""events":[{"type":"page_view","type":"demo_request"},"#,
        ),
        lead_with("").replace(r#""source":"paid""#, r#""source":"""#),
        lead_with("").replace(r#""unsubscribed":false"#, r#""unsubscribed":"false""#),
        lead_with("").replace("2026-10-20T00:00:00Z", "2026-10-20T00:00:00.5+01:00"),
        lead_with("").replace("2026-10-20T00:00:00Z", "1790000000"),
        "{}".to_string(),
        "[]".to_string(),
        "null".to_string(),
        r#""{\"id\":1}""#.to_string(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(lead_with("").into_bytes());
    lines.push(bom);
    lines.push(lead_with("").replace("VP Sales", "VP \u{0}").into_bytes());
    // Invalid UTF-8 in an unread field and in a read one (a Latin-1 `ä`).
    for (extra, from) in [(r#","unused":"~""#, "~"), ("", "Sales")] {
        let mut bad = lead_with(extra).into_bytes();
        let at = bad.windows(from.len()).position(|w| w == from.as_bytes());
        bad[at.expect("marker in the lead")] = 0xE4;
        lines.push(bad);
    }
    let mut taken = 0;
    for line in &lines {
        taken += usize::from(both_ways(&prog, line, &id_path(), &mut scratch).1);
    }
    // The plain lead and most odd ones are read straight from the bytes.
    assert!(
        taken >= 20,
        "only {taken} of {} lines read fast",
        lines.len()
    );
}

#[test]
fn fast_path_counts_mismatches_like_the_value_path_without_a_schema() {
    let rules = "when company.size > 10 add 1\nwhen title contains \"VP\" add 2\n";
    let loaded = leadscore::load_str("t.rules", rules, &MemReader::default());
    let prog = Program::compile(loaded.ruleset.as_ref().unwrap());
    let mut scratch = Scratch::default();
    for line in [
        r#"{"id":1,"company":{"size":"big"},"title":"VP"}"#,
        r#"{"id":2,"company":"acme","title":3}"#,
        r#"{"id":3,"company":{"size":20},"title":"VP"}"#,
        r#"{"id":4}"#,
    ] {
        both_ways(&prog, line, &id_path(), &mut scratch);
    }
}

/// Source names (`from`), numbers and booleans sent as text, empty strings:
/// the fast path takes what it can and agrees; the expected results pin
/// what the Value path decides.
#[test]
fn fast_path_agrees_on_crm_names_and_text_values() {
    let rules = r#"schema {
  title: string? from "Job Title", "jobtitle"
  "Annual Revenue": number?
  employees: int? from "Number of Employees"
  vip: bool?
  created: datetime?
  name: string? from "title"
}
when title contains "VP" add 1
when lead."Annual Revenue" > 1000 add 2
when employees >= 100 add 4
when vip add 8
when created is missing add 16
when name is present add 32
"#;
    let loaded = leadscore::load_str("t.rules", rules, &MemReader::default());
    let prog = Program::compile(loaded.ruleset.as_ref().unwrap());
    let mut scratch = Scratch::default();
    let cases = [
        (
            r#"{"id":1,"Job Title":"VP","Annual Revenue":"2000","Number of Employees":"150","vip":"true","created":""}"#,
            "31",
        ),
        (
            r#"{"id":2,"jobtitle":"VP","Job Title":null,"vip":"ja"}"#,
            "25",
        ),
        (r#"{"id":3,"jobtitle":"Intern","Job Title":"VP"}"#, "17"),
        (r#"{"id":4,"Number of Employees":"12.5"}"#, "error"),
        (r#"{"id":5,"Annual Revenue":"1,200"}"#, "error"),
        (r#"{"id":6,"vip":"maybe"}"#, "error"),
        (
            r#"{"id":7,"title":"VP","employees":"","Annual Revenue":" "}"#,
            "49",
        ),
    ];
    for (line, want) in cases {
        let (slow, _) = both_ways(&prog, line, &id_path(), &mut scratch);
        let got = if slow.starts_with("error") {
            "error".to_string()
        } else {
            let score = slow.split("score: ").nth(1).unwrap();
            score.split([',', '.']).next().unwrap().to_string()
        };
        assert_eq!(got, want, "{line}: {slow}");
    }
}

fn score_cmd(rules: &str, leads: &str, threads: &str, extra: &[&str]) -> (Vec<u8>, String, i32) {
    let out = Command::cargo_bin("leadscore")
        .unwrap()
        .args([
            "score",
            rules,
            leads,
            "--as-of",
            AS_OF,
            "--threads",
            threads,
        ])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    // The summary ends with the elapsed time, which differs run to run.
    let summary = stderr
        .rsplit_once(" in ")
        .map_or(stderr.clone(), |(s, _)| s.to_string());
    (out.stdout, summary, out.status.code().unwrap())
}

fn same_for_all_thread_counts(rules: &str, leads: &str, extra: &[&str]) -> (Vec<u8>, String, i32) {
    let one = score_cmd(rules, leads, "1", extra);
    for threads in ["2", "3", "8"] {
        let many = score_cmd(rules, leads, threads, extra);
        assert!(
            one.0 == many.0,
            "--threads {threads} changed the output of {leads}"
        );
        assert_eq!(one.1, many.1, "--threads {threads} changed the summary");
        assert_eq!(one.2, many.2, "--threads {threads} changed the exit status");
    }
    one
}

#[test]
fn threads_give_the_same_bytes_on_the_bench_sample() {
    let (out, summary, status) = same_for_all_thread_counts(BENCH_RULES, BENCH_LEADS, &[]);
    let expected = std::fs::read("tests/data/bench/expected.jsonl").unwrap();
    assert!(out == expected, "output differs from the oracle");
    assert_eq!(
        (summary.as_str(), status),
        ("scored 300 leads, 0 failed", 0)
    );
}

#[test]
fn threads_give_the_same_bytes_with_explain_and_csv() {
    let (out, _, _) = same_for_all_thread_counts(BENCH_RULES, BENCH_LEADS, &["--explain"]);
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 300);
    let (csv, _, _) = same_for_all_thread_counts(B2B_RULES, B2B_LEADS, &["--format", "csv"]);
    assert!(csv.starts_with(b"id,score"));
}

#[test]
fn threads_give_the_same_bytes_with_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ragged.jsonl");
    let sample = std::fs::read_to_string(BENCH_LEADS).unwrap();
    let mut text = String::new();
    // Many copies, so that the input spans several chunks, with bad lines,
    // blank lines and CRLF line ends in between.
    for (i, line) in sample.lines().cycle().take(3000).enumerate() {
        text.push_str(line);
        text.push_str(if i % 7 == 0 { "\r\n" } else { "\n" });
        if i % 500 == 0 {
            text.push_str(RAGGED[i / 500 % RAGGED.len()]);
            text.push_str("\n\n");
        }
    }
    std::fs::write(&path, &text).unwrap();
    let leads = path.to_str().unwrap();
    let (out, summary, status) = same_for_all_thread_counts(BENCH_RULES, leads, &[]);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.lines().count(), 3006);
    assert!(
        out.contains(r#""error":"line "#),
        "error records keep their line numbers"
    );
    assert_eq!(status, 3);
    assert!(summary.starts_with("scored 3,006 leads, "), "{summary}");
}

/// Epoch numbers (JSON numbers and numeric strings) and local times in a
/// declared zone read the same on both paths, and the fast path takes them.
#[test]
fn fast_path_agrees_on_epoch_and_zoned_datetimes() {
    let rules = r#"schema {
  s: datetime("epoch_s")?
  ms: datetime("%d.%m.%Y %H:%M", "epoch_ms")?
  local: datetime("%Y-%m-%d %H:%M", zone: "Europe/Berlin")?
  ny: datetime("%m/%d/%Y %I:%M %p", zone: "America/New_York")?
  utc: datetime("%Y-%m-%d %H:%M")?
}
when s == 2026-10-05T12:03:00Z add 1
when ms == 2026-10-05T12:03:00Z add 2
when local == 2026-10-05T12:03:00Z add 4
when ny == 2026-10-05T12:03:00Z add 8
when utc == 2026-10-05T12:03:00Z add 16
when local == 2026-10-04T22:00:00Z add 32
"#;
    let loaded = leadscore::load_str("t.rules", rules, &MemReader::default());
    let prog = Program::compile(loaded.ruleset.as_ref().unwrap());
    let mut scratch = Scratch::default();
    // 2026-10-05T12:03:00Z is 1791201780 s; 14:03 in Berlin (CEST, +02:00)
    // and 08:03 in New York (EDT, -04:00).
    let cases = [
        (
            r#"{"id":1,"s":1791201780,"ms":1791201780000,"local":"2026-10-05 14:03","ny":"10/05/2026 08:03 AM","utc":"2026-10-05 12:03"}"#,
            "31",
        ),
        (r#"{"id":2,"s":"1791201780","ms":"1791201780000"}"#, "3"),
        (r#"{"id":3,"s":1791201780.0,"ms":"05.10.2026 12:03"}"#, "3"),
        (r#"{"id":4,"s":1791201780.5,"ms":1791201780000.4}"#, "0"),
        (r#"{"id":5,"local":"2026-10-05T12:03:00Z"}"#, "4"),
        (r#"{"id":6,"local":"2026-10-05"}"#, "32"),
        (r#"{"id":7,"s":1791201780000}"#, "error"),
        (r#"{"id":8,"utc":1791201780}"#, "error"),
        (r#"{"id":9,"s":"17912O1780"}"#, "error"),
        (r#"{"id":10,"ms":"1791201780000.5e3"}"#, "error"),
    ];
    for (line, want) in cases {
        let (slow, fast) = both_ways(&prog, line, &id_path(), &mut scratch);
        let got = if slow.starts_with("error") {
            "error".to_string()
        } else {
            assert!(fast, "the fast path gave up on {line}");
            let score = slow.split("score: ").nth(1).unwrap();
            score.split([',', '.']).next().unwrap().to_string()
        };
        assert_eq!(got, want, "{line}: {slow}");
    }
}

/// Bench leads with one byte changed, deleted or doubled at a random place
/// (a fixed sequence): JSON's structural bytes, escapes, digits, signs,
/// exponents, a control byte and a stray UTF-8 byte land in keys, strings,
/// numbers and between them. Wherever the byte readers take a line they
/// agree with the `Value` path.
#[test]
fn fast_path_agrees_on_mutated_lines() {
    let prog = program(BENCH_RULES);
    let text = std::fs::read_to_string(BENCH_LEADS).unwrap();
    let mut scratch = Scratch::default();
    let bytes = b"\\\"0-+eE.{}[],: \t\x1f\x80nutfa9";
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let (mut taken, mut total) = (0, 0);
    for line in text.lines() {
        for _ in 0..20 {
            let mut b = line.as_bytes().to_vec();
            let at = next(b.len());
            match next(3) {
                0 => b[at] = bytes[next(bytes.len())],
                1 => {
                    b.remove(at);
                }
                _ => b.insert(at, b[at]),
            }
            taken += usize::from(both_ways(&prog, &b, &id_path(), &mut scratch).1);
            total += 1;
        }
    }
    // Most changes break the JSON or a typed field; some leave a lead that
    // still scores (a digit in a number or a letter in a string).
    assert!(taken > 0 && taken < total, "{taken} of {total}");
}
