//! `leadscore compile` checked against real engines: DuckDB (Python wheel),
//! PostgreSQL (a private server started by the driver) and Spark SQL
//! (pyspark, `local[1]`, one session for the whole run).
//!
//! Each engine is driven by a small Python server in `tests/sql/` that loads
//! a JSON Lines file into a `leads` table, runs the compiled query and
//! writes the rows as `leadscore score` writes records. Every case of the
//! semantics table runs through the interpreter and every engine; the golden
//! tests score 100,000 generated leads with the bundled models.
//!
//! `LEADSCORE_SKIP_ENGINES=spark,postgres` skips engines locally (`all`
//! skips every one); an engine that is not installed is skipped with a note.
//! Under `CI=true` nothing is skipped: a missing engine fails the tests.

mod common;

use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};

const AS_OF: &str = "2026-11-01T00:00:00Z";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    DuckDb,
    Postgres,
    Spark,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::DuckDb => "duckdb",
            Engine::Postgres => "postgres",
            Engine::Spark => "spark",
        }
    }

    /// The Python module the driver needs, and the programs beside it.
    fn needs(self) -> (&'static str, &'static [&'static str]) {
        match self {
            Engine::DuckDb => ("duckdb", &[]),
            Engine::Postgres => ("pg8000", &["initdb", "pg_ctl"]),
            Engine::Spark => ("pyspark", &["java"]),
        }
    }

    /// The type of the `reasons` column, as the driver names it.
    fn json_type(self) -> &'static str {
        match self {
            Engine::DuckDb => "JSON",
            Engine::Postgres => "jsonb",
            Engine::Spark => "string",
        }
    }

    fn slot(self) -> &'static OnceLock<Option<Mutex<Driver>>> {
        static SLOTS: [OnceLock<Option<Mutex<Driver>>>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        &SLOTS[self as usize]
    }
}

/// A running engine driver.
struct Driver {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn found(program: &str) -> bool {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false);
    on_path || Path::new("/usr/local/bin").join(program).is_file()
}

/// Why `engine` cannot run here, if it cannot.
fn missing(engine: Engine) -> Option<String> {
    let (module, programs) = engine.needs();
    let import = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .stderr(Stdio::null())
        .status();
    if !import.is_ok_and(|s| s.success()) {
        return Some(format!("python3 cannot import {module}"));
    }
    programs
        .iter()
        .find(|p| !found(p))
        .map(|p| format!("`{p}` not found"))
}

/// The driver of `engine`, started on first use; `None` when skipped.
fn driver(engine: Engine) -> Option<&'static Mutex<Driver>> {
    engine
        .slot()
        .get_or_init(|| {
            let skip = std::env::var("LEADSCORE_SKIP_ENGINES").unwrap_or_default();
            let skipped = skip
                .split(',')
                .any(|s| s.trim() == engine.name() || s.trim() == "all");
            if skipped && !in_ci() {
                eprintln!("note: {} skipped (LEADSCORE_SKIP_ENGINES)", engine.name());
                return None;
            }
            if let Some(why) = missing(engine) {
                assert!(
                    !in_ci(),
                    "{} is required under CI=true: {why}",
                    engine.name()
                );
                eprintln!("note: {} skipped: {why}", engine.name());
                return None;
            }
            let script = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/sql")
                .join(format!("{}_driver.py", engine.name()));
            let mut child = Command::new("python3")
                .arg(&script)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("start the driver");
            let stdin = child.stdin.take().unwrap();
            let stdout = BufReader::new(child.stdout.take().unwrap());
            Some(Mutex::new(Driver {
                _child: child,
                stdin,
                stdout,
            }))
        })
        .as_ref()
}

/// `leadscore ARGS` from the crate root; panics unless it succeeds.
fn leadscore(args: &[&str]) -> String {
    let (out, err, code) = common::run(args);
    assert_eq!(code, 0, "leadscore {args:?} failed:\n{err}");
    out
}

/// Records by id (each id once), with `reasons` as [`reasons_of`] gives
/// them: the interpreter writes the array, a driver a string holding the
/// engine's text of it.
fn by_id(text: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if let Some(reasons) = v.get_mut("reasons") {
            let raw: BTreeMap<String, Box<RawValue>> = serde_json::from_str(line).unwrap();
            *reasons = match reasons {
                Value::String(text) => reasons_of(text),
                _ => reasons_of(raw["reasons"].get()),
            };
        }
        let id = v["id"].to_string();
        assert!(out.insert(id.clone(), v).is_none(), "id {id} twice");
    }
    out
}

/// A reasons array as compared: per reason its keys in their order, each
/// with its value, a number as its text (`0.5` and `0.50` differ).
fn reasons_of(text: &str) -> Value {
    let items: Vec<Box<RawValue>> =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: reasons {text}"));
    let reason = |item: &RawValue| -> Value {
        let ordered: serde_json::Map<String, Value> = serde_json::from_str(item.get()).unwrap();
        let raw: BTreeMap<String, Box<RawValue>> = serde_json::from_str(item.get()).unwrap();
        let members = ordered.into_iter().map(|(key, value)| match value {
            Value::Number(_) => serde_json::json!([key, format!("number {}", raw[&key].get())]),
            other => serde_json::json!([key, other]),
        });
        Value::Array(members.collect())
    };
    Value::Array(items.iter().map(|i| reason(i)).collect())
}

/// Runs `rules` on `leads` in `engine` (with the `reasons` column when
/// `explain`); the records by id, or `None` when skipped.
fn run_engine(
    engine: Engine,
    rules: &Path,
    leads: &Path,
    infer: bool,
    explain: bool,
) -> Option<BTreeMap<String, Value>> {
    let driver = driver(engine)?;
    let r = rules.to_str().unwrap();
    let t = engine.name();
    let mut args = vec!["compile", r, "--target", t, "--as-of", AS_OF];
    if explain {
        args.push("--explain");
    }
    let query = leadscore(&args);
    let ddl = leadscore(&["compile", r, "--target", t, "--ddl"]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let job = serde_json::json!({
        "ddl": ddl, "query": query, "leads": leads, "out": out, "infer": infer,
    });
    let mut d = driver.lock().unwrap_or_else(|e| e.into_inner());
    writeln!(d.stdin, "{job}").unwrap();
    d.stdin.flush().unwrap();
    let mut answer = String::new();
    d.stdout.read_line(&mut answer).unwrap();
    drop(d);
    let answer: Value = serde_json::from_str(&answer)
        .unwrap_or_else(|_| panic!("{t} driver stopped (answer {answer:?})"));
    assert_eq!(answer["ok"], true, "{t} failed on {r}: {}", answer["error"]);
    if explain {
        assert_eq!(answer["types"]["reasons"], engine.json_type(), "{t}");
    }
    Some(by_id(&std::fs::read_to_string(out).unwrap()))
}

/// The interpreter's records by id (with `reasons` when `explain`).
fn interpreter(rules: &Path, leads: &Path, explain: bool) -> BTreeMap<String, Value> {
    let (r, l) = (rules.to_str().unwrap(), leads.to_str().unwrap());
    let mut args = vec!["score", r, l, "--as-of", AS_OF, "-q"];
    if explain {
        args.push("--explain");
    }
    by_id(&leadscore(&args))
}

/// The ids whose records differ, with both records, for a message.
fn differences(a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for id in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        let (x, y) = (a.get(id), b.get(id));
        if x != y {
            out.push(format!("{id}: interpreter {x:?}, engine {y:?}"));
        }
    }
    out
}

// ---- the semantics table ----

/// One semantics case: rules, leads (JSON Lines), and the interpreter's
/// scores (`id=score` pairs). `differs` pins, per engine, the leads whose
/// score that engine gives differently (and what it gives), each a
/// documented difference (docs/sql.md); `refused` names the engines whose
/// `compile` refuses the rules, with the diagnostic's code.
struct Case {
    name: &'static str,
    rules: &'static str,
    leads: &'static str,
    scores: &'static str,
    differs: &'static [(&'static str, &'static str)],
    refused: &'static [(&'static str, &'static str)],
}

const SCHEMA: &str = "schema {
  id: string
  title: string?
  name: string?
  size: int?
  revenue: number?
  flag: bool?
  at: datetime?
  tags: list<string>?
  events: list<{ type: string, at: datetime, url: string?, n: number? }>?
  company: { name: string?, size: int? }?
}
";

const CASES: &[Case] = &[
    Case {
        name: "missing and null make every comparison false",
        rules: "when title == \"VP\" add 1\nwhen title != \"VP\" add 10\nwhen title not in [VP, CEO] add 100\nwhen size != 5 add 1000\nwhen size < 5 add 10000\n",
        leads: r#"{"id":"a"}
{"id":"b","title":null,"size":null}
{"id":"c","title":"vp","size":5}
{"id":"d","title":"Intern","size":3}"#,
        scores: "a=0 b=0 c=1 d=11110",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "text compares ignoring case",
        rules: "when title contains \"vp\" add 1\nwhen title starts with \"SENIOR\" add 10\nwhen title ends with \"Sales\" add 100\nwhen title in [\"senior vp sales\"] add 1000\nwhen name == \"ACME\" add 10000\n",
        leads: r#"{"id":"a","title":"Senior VP Sales","name":"acme"}
{"id":"b","title":"vp","name":"Acme Inc"}
{"id":"c","title":"","name":""}"#,
        scores: "a=11111 b=1 c=0",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "empty needles, empty text",
        rules: "when title contains \"\" add 1\nwhen title starts with \"\" add 10\nwhen title ends with \"\" add 100\nwhen title == \"\" add 1000\n",
        leads: r#"{"id":"a","title":""}
{"id":"b","title":"x"}
{"id":"c"}"#,
        scores: "a=1111 b=111 c=0",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "within: the start is excluded, as_of included, the future excluded",
        rules: "when at within 30 days add 1\nwhen days_since(at) >= 30 add 10\nwhen at > 2026-10-02T02:00:00+02:00 add 100\n",
        leads: r#"{"id":"a","at":"2026-10-02T00:00:00Z"}
{"id":"b","at":"2026-10-02T00:00:01Z"}
{"id":"c","at":"2026-11-01T00:00:00Z"}
{"id":"d","at":"2026-11-01T00:00:01Z"}
{"id":"e","at":"2026-10-01T23:59:59Z"}
{"id":"f"}"#,
        scores: "a=10 b=101 c=101 d=100 e=10 f=0",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "days_since rounds down, also before the epoch and in the future",
        rules: "add days_since(at) as \"days\"\n",
        leads: r#"{"id":"a","at":"2026-10-31T00:00:01Z"}
{"id":"b","at":"1969-12-31T12:00:00Z"}
{"id":"c","at":"2026-11-02T12:00:00Z"}
{"id":"d"}"#,
        scores: "a=0 b=20758 c=-2 d=0",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "group caps, min floors and up to",
        rules: "group g max 15 min -5 {\n  when flag add 10 as \"one\"\n  when flag add 10 as \"two\"\n  when not flag subtract 30\n}\nadd 2 * count(events) up to 5 as \"events\"\nadd size up to 3 as \"size\"\n",
        leads: r#"{"id":"a","flag":true,"events":[{"type":"x","at":"2026-01-01T00:00:00Z"}],"size":2}
{"id":"b","flag":false,"events":[{"type":"x","at":"2026-01-01T00:00:00Z"},{"type":"x","at":"2026-01-01T00:00:00Z"},{"type":"x","at":"2026-01-01T00:00:00Z"}],"size":9}
{"id":"c"}"#,
        scores: "a=19 b=3 c=-5",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "score limits after the group caps",
        rules: "score max 25 min -5\ngroup g max 20 {\n  when flag add 30 as \"a\"\n}\nadd size as \"size\"\nlabel l {\n  top when score == 25\n}\n",
        leads: r#"{"id":"a","flag":true,"size":10}
{"id":"b","flag":false,"size":-9}
{"id":"c","size":3}"#,
        scores: "a=25 b=-5 c=3",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "labels take the first arm that holds; no arm is null",
        rules: "when flag add 50\nlabel tier {\n  hot when score >= 40\n  warm when score >= 10\n}\nlabel again {\n  same when tier == \"HOT\"\n  other otherwise\n}\n",
        leads: r#"{"id":"a","flag":true}
{"id":"b","flag":false}"#,
        scores: "a=50 b=0",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "division by zero gives 0 points, 7/2 is 3.5",
        rules: "add 10 / size as \"ten over size\"\nadd 7 / 2 as \"seven halves\"\nadd revenue / 2 as \"half\"\n",
        leads: r#"{"id":"a","size":0,"revenue":7}
{"id":"b","size":4,"revenue":0.1}
{"id":"c"}"#,
        scores: "a=7 b=6.05 c=3.5",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "points are rounded to whole millionths and added exactly",
        rules: "group g {\n  add revenue as \"r\"\n  add 0.2 as \"a\"\n}\nadd 0.1 as \"b\"\nadd revenue / 3 as \"third\"\nadd -revenue up to 5 as \"never negative\"\n",
        leads: r#"{"id":"a","revenue":0.1}
{"id":"b","revenue":1e-7}
{"id":"c","revenue":0.0000015}
{"id":"d","revenue":-2.5}"#,
        scores: "a=0.433333 b=0.3 c=0.300003 d=-0.533333",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "decay, calendar months and sum over elements",
        rules: "add sum(events, 8 * decay(at, 50% per month)) as \"monthly\"\nadd sum(events where type == \"x\", 10 * decay(at, lifespan: 10 days)) as \"linear\"\nadd sum(events, 1 * decay(at, 50% per 2 days)) as \"steps\"\nwhen at within 1 month add 1000\n",
        leads: r#"{"id":"a","at":"2026-10-01T00:00:00Z","events":[{"type":"x","at":"2026-10-31T00:00:00Z"},{"type":"y","at":"2026-09-30T12:00:00Z"},{"type":"x","at":"2026-12-01T00:00:00Z"}]}
{"id":"b","at":"2026-10-31T12:00:00Z","events":[{"type":"x","at":"2026-08-31T00:00:00Z"}]}
{"id":"c"}"#,
        scores: "a=22.000031 b=1002 c=0",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "decay with a half-life (the C library's pow)",
        rules: "add 4 * decay(at, half_life: 1 day) as \"half\"\nadd 3 * decay(at, half_life: 7 days) as \"week\"\n",
        leads: r#"{"id":"a","at":"2026-10-01T00:00:00Z"}
{"id":"b","at":"2026-10-31T12:00:00Z"}
{"id":"c","at":"2026-10-29T07:13:55Z"}
{"id":"d"}"#,
        scores: "a=0.139312 b=5.683512 c=2.912643 d=0",
        differs: &[],
        refused: &[("spark", "leadscore::sql_decay")],
    },
    Case {
        name: "reasons: escaped labels, points that round to nothing, large and fractional points, both clamps",
        rules: "score min -100\ngroup g max 20 min 0 {\n  when flag add 30 as \"say \\\"hi\\\" \\\\ it's\"\n  add revenue as \"révenue ✓\\nnext\"\n}\nadd revenue / 3 as \"third\"\nadd size * 1000000 + 0.25 as \"big\"\nadd -revenue up to 5 as \"up to\"\nadd 0.0000004 as \"rounds to nothing\"\n",
        leads: r#"{"id":"a","flag":true,"revenue":0.1,"size":123}
{"id":"b","flag":false,"revenue":-2.5}
{"id":"c"}
{"id":"d","revenue":-1000}
{"id":"e","revenue":1e-7}"#,
        scores: "a=123000020.283333 b=1.666667 c=0 d=-100 e=0",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "regex word boundaries and the case flag",
        rules: "when name matches /\\b(test|example)\\b/i add 1\nwhen name matches /^Acme$/ add 10\nwhen name matches /a.c/ add 100\nwhen name matches /[0-9]{3}/ add 1000\n",
        leads: r#"{"id":"a","name":"Test Co"}
{"id":"b","name":"Contest"}
{"id":"c","name":"Acme"}
{"id":"d","name":"acme"}
{"id":"e","name":"a\nc"}
{"id":"f","name":"abc 123"}
{"id":"g","name":"Acme\n"}"#,
        scores: "a=1 b=0 c=10 d=0 e=0 f=1100 g=0",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "regex word boundary next to a non-ASCII letter",
        rules: "when name matches /\\bexample\\b/ add 1\n",
        leads: r#"{"id":"a","name":"éexample"}
{"id":"b","name":"example é"}"#,
        scores: "a=0 b=1",
        differs: &[("duckdb", "a=1")],
        refused: &[],
    },
    Case {
        // PostgreSQL text holds no U+0000, so its regex writes it `\u0000`
        // (before, the character went into the query as is and PostgreSQL
        // refused the query). A lead cannot hold one in PostgreSQL either.
        name: "regex escapes of control characters, U+0000 included",
        rules: "when name matches /a\\x00b|^x/ add 1\nwhen name matches /[\\x00-\\x1f]/ add 10\nwhen name matches /^[^\\u0000]+$/ add 100\n",
        leads: r#"{"id":"a","name":"xy"}
{"id":"b","name":"a\tb"}
{"id":"c","name":"plain"}"#,
        scores: "a=101 b=110 c=100",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "lists: any, all, none, count, sum over filters",
        rules: "when any(events where type == \"demo\") add 1\nwhen all(events where n > 0) add 10\nwhen none(events where url contains \"/careers\") add 100\nadd count(events where at within 30 days) as \"recent\"\nadd sum(events.n) as \"n\"\n",
        leads: r#"{"id":"a","events":[{"type":"Demo","at":"2026-10-30T00:00:00Z","n":1.5},{"type":"x","at":"2026-01-01T00:00:00Z","url":"/careers","n":null}]}
{"id":"b","events":[]}
{"id":"c"}
{"id":"d","events":[{"type":"x","at":"2026-10-30T00:00:00Z","n":-2}]}"#,
        scores: "a=3.5 b=110 c=110 d=99",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "lists of text: membership, overlap, not in a missing list",
        rules: "when tags contains \"VIP\" add 1\nwhen tags contains any [partner, Reseller] add 10\nwhen \"gold\" not in tags add 100\nwhen title in tags add 1000\nwhen len(tags) == 2 add 10000\n",
        leads: r#"{"id":"a","tags":["vip","gold"],"title":"GOLD"}
{"id":"b","tags":["reseller"]}
{"id":"c"}
{"id":"d","tags":[]}"#,
        scores: "a=11001 b=110 c=0 d=100",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "records: fields, presence",
        rules: "when company.size > 10 add 1\nwhen company is missing add 10\nwhen company.name is present add 100\nwhen company.name == name add 1000\n",
        leads: r#"{"id":"a","company":{"name":"Acme","size":20},"name":"ACME"}
{"id":"b"}
{"id":"c","company":{"name":null}}"#,
        scores: "a=1101 b=10 c=0",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "numbers: between, min, max, negation, bools",
        rules: "when size between 10 and 20 add 1\nadd max(size, 3) as \"max\"\nadd -min(size, 100) as \"neg min\"\nwhen flag == false add 1000\nwhen not flag add 10000\n",
        leads: r#"{"id":"a","size":10,"flag":false}
{"id":"b","size":21,"flag":true}
{"id":"c"}"#,
        scores: "a=11001 b=0 c=10000",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "text length in characters",
        rules: "when len(title) == 3 add 100\nadd len(title) as \"length\"\n",
        leads: r#"{"id":"a","title":"Kim"}
{"id":"b","title":"zed"}
{"id":"c","title":"Émile"}
{"id":"d","title":"ßen"}"#,
        scores: "a=103 b=103 c=5 d=103",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "case folding of sharp s and final sigma",
        rules: "when name == \"Straße\" add 1\nwhen name == \"ΟΔΟΣ\" add 10\nwhen name contains \"ss\" add 100\n",
        leads: r#"{"id":"a","name":"STRASSE"}
{"id":"b","name":"straße"}
{"id":"c","name":"οδος"}
{"id":"d","name":"ΟΔΟΣ"}"#,
        scores: "a=101 b=101 c=10 d=10",
        differs: &[
            ("duckdb", "a=100 b=1 c=0"),
            ("postgres", "a=100 b=1 c=0"),
            ("spark", "a=100 b=1"),
        ],
        refused: &[],
    },
    Case {
        name: "count(distinct ...): text ignoring case, missing values skipped, -0 is 0",
        rules: "add count(distinct tags) as \"tags\"\nadd 10 * count(distinct events.type) as \"types\"\nadd 100 * count(distinct day(at) of events where type != \"z\") as \"days\"\nadd 1000 * count(distinct n of events) as \"ns\"\n",
        leads: r#"{"id":"a","tags":["VIP","vip","Gold",null],"events":[{"type":"x","at":"2026-10-01T01:00:00Z","n":0},{"type":"X","at":"2026-10-01T23:00:00Z","n":-0.0},{"type":"y","at":"2026-10-02T00:00:00Z","n":null},{"type":"z","at":"2026-10-03T00:00:00Z","n":2}]}
{"id":"b","tags":[],"events":[]}
{"id":"c"}
{"id":"d","tags":["a"],"events":[{"type":"z","at":"1969-12-31T23:00:00Z"}]}"#,
        scores: "a=2232 b=0 c=0 d=11",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "day, week, month, weekday and hour in UTC, also before 1970",
        rules: "when day(at) == 2026-10-01 add 1\nwhen week(at) == 2026-09-28 add 10\nwhen month(at) == 2026-10-01 add 100\nwhen weekday(at) == \"thursday\" add 1000\nadd hour(at) as \"hour\"\nwhen week(at) == 1969-12-29 add 10000\nwhen month(at) == 1969-12-01 add 100000\nwhen weekday(at) in [Sunday, Saturday] add 1000000\n",
        leads: r#"{"id":"a","at":"2026-10-01T23:59:59Z"}
{"id":"b","at":"2026-10-02T00:00:00+02:00"}
{"id":"c","at":"1969-12-31T23:30:00Z"}
{"id":"d"}
{"id":"e","at":"2026-11-01T00:00:00Z"}"#,
        scores: "a=1134 b=1133 c=110023 d=0 e=1000000",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "first, last, earliest, latest, min, max: list order, ties, empty and missing lists",
        rules: "add first(events.n) as \"first n\"\nadd 10 * last(events where type == \"x\").n as \"last x n\"\nwhen first(events).type == \"demo\" add 100\nadd 1000 * max(events.n) as \"max\"\nadd 10000 * min(events.n) as \"min\"\nwhen latest(events.at) > earliest(events.at) add 100000\nwhen latest((events where type == \"x\").at) == 2026-10-05 add 1000000\nwhen first(tags) == \"VIP\" and last(tags) == \"gold\" add 10000000\n",
        leads: r#"{"id":"a","tags":["vip","x","Gold"],"events":[{"type":"demo","at":"2026-10-03T00:00:00Z","n":2},{"type":"x","at":"2026-10-05T00:00:00Z","n":-1},{"type":"X","at":"2026-10-01T00:00:00Z","n":3},{"type":"y","at":"2026-10-09T00:00:00Z"}]}
{"id":"b","tags":[],"events":[]}
{"id":"c"}
{"id":"d","tags":["gold"],"events":[{"type":"y","at":"2026-10-03T00:00:00Z"},{"type":"x","at":"2026-10-03T00:00:00Z","n":5}]}
{"id":"e","events":[{"type":"x","at":"2026-10-03T00:00:00Z","n":4},{"type":"x","at":"2026-10-03T00:00:00Z","n":4}]}"#,
        scores: "a=11093132 b=0 c=0 d=55050 e=44044",
        differs: &[],
        refused: &[],
    },
    Case {
        name: "frequency caps: the earliest N per day, week or month, ties by list order",
        rules: "add count(events, at most 1 per day) as \"daily\"\nadd 10 * count(events where type == \"x\", at most 2 per week) as \"weekly x\"\nadd sum(events, n, at most 1 per day) as \"daily n\"\nadd 100 * count(events, at most 2 per month) as \"monthly\"\n",
        leads: r#"{"id":"a","events":[{"type":"x","at":"2026-10-05T10:00:00Z","n":1},{"type":"x","at":"2026-10-05T09:00:00Z","n":2},{"type":"y","at":"2026-10-05T09:00:00Z","n":4},{"type":"X","at":"2026-10-06T00:00:00Z","n":8},{"type":"x","at":"2026-10-04T23:59:59Z","n":16}]}
{"id":"b","events":[]}
{"id":"c"}
{"id":"d","events":[{"type":"x","at":"2026-09-30T23:00:00Z","n":null},{"type":"x","at":"2026-10-01T00:00:00Z"}]}"#,
        scores: "a=259 b=0 c=0 d=222",
        differs: &[],
        refused: &[],
    },
];

/// `id=score` pairs as a map.
fn scores(text: &str) -> BTreeMap<String, Value> {
    text.split_whitespace()
        .map(|p| {
            let (id, s) = p.split_once('=').unwrap();
            (format!("\"{id}\""), serde_json::from_str(s).unwrap())
        })
        .collect()
}

fn case_files(case: &Case, dir: &Path) -> (PathBuf, PathBuf) {
    let rules = dir.join("case.rules");
    std::fs::write(&rules, format!("{SCHEMA}\n{}", case.rules)).unwrap();
    let leads = dir.join("case.jsonl");
    std::fs::write(&leads, format!("{}\n", case.leads)).unwrap();
    (rules, leads)
}

/// The scores of `records`, for comparing with a case's pairs.
fn score_column(records: &BTreeMap<String, Value>) -> BTreeMap<String, Value> {
    records
        .iter()
        .map(|(id, r)| (id.clone(), r["score"].clone()))
        .collect()
}

#[test]
fn semantics_cases_on_the_interpreter() {
    let mut failures = Vec::new();
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        let (rules, leads) = case_files(case, dir.path());
        let got = score_column(&interpreter(&rules, &leads, false));
        if got != scores(case.scores) {
            failures.push(format!("{}: {got:?}", case.name));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Every case on `engine`, without and with `--explain` (then the
/// `reasons` column must equal the interpreter's, number text included).
fn semantics_on(engine: Engine) {
    let mut failures = Vec::new();
    for case in CASES {
        for explain in [false, true] {
            match case_on(engine, case, explain) {
                None => return,
                Some(Err(diffs)) => {
                    failures.push(format!("{} (explain: {explain}): {diffs}", case.name))
                }
                Some(Ok(())) => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}: {failures:#?}", engine.name());
}

/// One case on `engine`: `None` when the engine is skipped, the
/// differences from the interpreter as an error.
fn case_on(engine: Engine, case: &Case, explain: bool) -> Option<Result<(), String>> {
    let dir = tempfile::tempdir().unwrap();
    let (rules, leads) = case_files(case, dir.path());
    if let Some((_, code)) = case.refused.iter().find(|(e, _)| *e == engine.name()) {
        let r = rules.to_str().unwrap();
        let mut args = vec!["compile", r, "--target", engine.name()];
        if explain {
            args.push("--explain");
        }
        let (out, err, status) = common::run(&args);
        assert_eq!((out.as_str(), status), ("", 1), "{}: {err}", case.name);
        assert!(err.contains(code), "{}: {err}", case.name);
        return Some(Ok(()));
    }
    let expected = interpreter(&rules, &leads, explain);
    let got = run_engine(engine, &rules, &leads, false, explain)?;
    {
        let pinned = case
            .differs
            .iter()
            .find(|(e, _)| *e == engine.name())
            .map(|(_, s)| scores(s))
            .unwrap_or_default();
        let mut want = expected.clone();
        for (id, score) in &pinned {
            want.get_mut(id).unwrap()["score"] = score.clone();
        }
        // A pinned difference changes the score alone; the rest must agree.
        let strip = |m: &BTreeMap<String, Value>| -> BTreeMap<String, Value> {
            m.iter()
                .map(|(id, r)| {
                    let mut r = r.clone();
                    if pinned.contains_key(id) {
                        r.as_object_mut()
                            .unwrap()
                            .retain(|k, _| k == "id" || k == "score");
                    }
                    (id.clone(), r)
                })
                .collect()
        };
        // Every pinned difference is real: the interpreter gives another score.
        for (id, score) in &pinned {
            assert_ne!(
                &expected[id]["score"], score,
                "{}: {id} pinned in vain",
                case.name
            );
        }
        let diffs = differences(&strip(&want), &strip(&got));
        match diffs.is_empty() {
            true => Some(Ok(())),
            false => Some(Err(format!("{diffs:#?}"))),
        }
    }
}

#[test]
fn semantics_cases_on_duckdb() {
    semantics_on(Engine::DuckDb);
}

#[test]
fn semantics_cases_on_postgres() {
    semantics_on(Engine::Postgres);
}

#[test]
fn semantics_cases_on_spark() {
    semantics_on(Engine::Spark);
}

// ---- the golden test ----

/// 100,000 leads from the benchmark generator (made once per run). The
/// repository carries its own copy of `gen_leads.py` (in `tests/data/calibrate/`,
/// identical to `../shared/bench/`), so the test needs nothing outside the clone.
fn golden_leads() -> &'static (tempfile::TempDir, PathBuf) {
    static LEADS: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    LEADS.get_or_init(|| {
        let gen = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/calibrate/gen_leads.py");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.jsonl");
        let n = std::env::var("LEADSCORE_GOLDEN_LEADS").unwrap_or_else(|_| "100000".into());
        let out = Command::new("python3")
            .arg(&gen)
            .args([&n, "--seed", "7", "--as-of", AS_OF])
            .output()
            .expect("run gen_leads.py");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(&path, out.stdout).unwrap();
        (dir, path)
    })
}

/// The first `n` golden leads (all of them when there are fewer), in a
/// file of their own (made once per `n`).
fn golden_prefix(n: usize) -> &'static Path {
    static FILES: OnceLock<Mutex<BTreeMap<usize, &'static (tempfile::TempDir, PathBuf)>>> =
        OnceLock::new();
    let files = FILES.get_or_init(Default::default);
    let mut f = files.lock().unwrap_or_else(|e| e.into_inner());
    let made = f.entry(n).or_insert_with(|| {
        let all = std::fs::read_to_string(&golden_leads().1).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.jsonl");
        let first: String = all.lines().take(n).map(|l| format!("{l}\n")).collect();
        std::fs::write(&path, first).unwrap();
        Box::leak(Box::new((dir, path)))
    });
    &made.1
}

/// The interpreter's records (with `reasons` when `explain`) for a model on
/// golden leads, computed once per run.
fn golden_expected(rules: &Path, leads: &Path, explain: bool) -> &'static BTreeMap<String, Value> {
    type Key = (PathBuf, PathBuf, bool);
    static CACHE: OnceLock<Mutex<BTreeMap<Key, &'static BTreeMap<String, Value>>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut c = cache.lock().unwrap_or_else(|e| e.into_inner());
    let key = (rules.to_path_buf(), leads.to_path_buf(), explain);
    c.entry(key)
        .or_insert_with(|| Box::leak(Box::new(interpreter(rules, leads, explain))))
}

/// The bundled models checked on every target, each with the number of
/// golden leads it is checked on. hubspot.rules (fields from other keys,
/// declared formats) and b2b_saas.rules (an account block, whose leads
/// compiled on 10,000 leads before the block was added) are refused, see
/// below.
const MODELS: [(&str, usize); 2] = [
    ("rules/bench.rules", usize::MAX),
    ("rules/fit_only.rules", usize::MAX),
];

/// How many golden leads the `--explain` query is checked on (the reasons
/// column is built by one piece of SQL for every model, so a prefix of the
/// golden file shows it; the 100,000 run without it).
const EXPLAIN_LEADS: usize = 5000;

/// The models on the golden leads in `engine`; with `explain`, on the
/// first [`EXPLAIN_LEADS`] of them with the `reasons` column.
fn golden_on(engine: Engine, explain: bool) {
    if driver(engine).is_none() {
        return;
    }
    for (model, n) in MODELS {
        let n = if explain { n.min(EXPLAIN_LEADS) } else { n };
        let leads = match n {
            usize::MAX => golden_leads().1.as_path(),
            n => golden_prefix(n),
        };
        let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join(model);
        let expected = golden_expected(&rules, leads, explain);
        // DuckDB and Spark read the file as their JSON readers infer it.
        let infer = engine != Engine::Postgres;
        let Some(got) = run_engine(engine, &rules, leads, infer, explain) else {
            return;
        };
        assert!(expected.len() >= 1000, "{} leads only", expected.len());
        let diffs = differences(expected, &got);
        assert!(
            diffs.is_empty(),
            "{} on {model}: {} of {} leads differ, e.g. {:#?}",
            engine.name(),
            diffs.len(),
            expected.len(),
            &diffs[..diffs.len().min(3)]
        );
    }
}

#[test]
fn golden_100k_on_duckdb() {
    golden_on(Engine::DuckDb, false);
}

#[test]
fn golden_100k_on_postgres() {
    golden_on(Engine::Postgres, false);
}

#[test]
fn golden_100k_on_spark() {
    golden_on(Engine::Spark, false);
}

#[test]
fn golden_explain_on_duckdb() {
    golden_on(Engine::DuckDb, true);
}

#[test]
fn golden_explain_on_postgres() {
    golden_on(Engine::Postgres, true);
}

#[test]
fn golden_explain_on_spark() {
    golden_on(Engine::Spark, true);
}

/// More reasons than PostgreSQL's 100 function arguments: the column joins
/// them in chunks, and a chunk where nothing fired adds no comma.
fn many_reasons_on(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let mut rules = String::from("schema { id: string, size: int? }\ngroup g max 100 {\n");
    for k in 0..120 {
        rules += &format!("  when size > {k} add 1.5 as \"above {k}\"\n");
    }
    rules += "}\n";
    let path = dir.path().join("many.rules");
    std::fs::write(&path, rules).unwrap();
    let leads = dir.path().join("many.jsonl");
    let sizes = [
        None,
        Some(0),
        Some(1),
        Some(55),
        Some(70),
        Some(119),
        Some(500),
    ];
    let lines: String = sizes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "{}\n",
                serde_json::json!({"id": format!("l{i}"), "size": s})
            )
        })
        .collect();
    std::fs::write(&leads, lines).unwrap();
    let expected = interpreter(&path, &leads, true);
    let Some(got) = run_engine(engine, &path, &leads, false, true) else {
        return;
    };
    let diffs = differences(&expected, &got);
    assert!(diffs.is_empty(), "{}: {diffs:#?}", engine.name());
    let longest = expected
        .values()
        .map(|r| r["reasons"].as_array().unwrap().len());
    assert_eq!(longest.max(), Some(121), "120 rules and the clamp");
}

#[test]
fn many_reasons_on_duckdb() {
    many_reasons_on(Engine::DuckDb);
}

#[test]
fn many_reasons_on_postgres() {
    many_reasons_on(Engine::Postgres);
}

#[test]
fn many_reasons_on_spark() {
    many_reasons_on(Engine::Spark);
}

// ---- refusals (no engine needed) ----

fn refusal(rules: &str, target: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.rules");
    std::fs::write(&path, rules).unwrap();
    let (out, err, code) = common::run_in(dir.path(), &["compile", "r.rules", "--target", target]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "", "nothing is printed when a part is refused");
    err
}

#[test]
fn regex_classes_that_differ_are_refused() {
    let err = refusal(
        "schema { id: string, name: string }\nwhen name matches /\\d+ \\w/ add 5\n",
        "postgres",
    );
    insta::assert_snapshot!(err);
}

#[test]
fn hubspot_model_is_refused_with_the_fields_named() {
    let (out, err, code) = common::run(&["compile", "rules/hubspot.rules", "--target", "duckdb"]);
    assert_eq!((out.as_str(), code), ("", 1));
    for field in ["title", "employees", "created"] {
        assert!(
            err.contains(&format!("`{field}` is read from other keys")),
            "{err}"
        );
    }
    assert!(
        err.contains("`created` is a datetime in declared formats"),
        "{err}"
    );
}

#[test]
fn b2b_saas_model_is_refused_for_its_account_block_alone() {
    let (out, err, code) =
        common::run(&["compile", "rules/b2b_saas.rules", "--target", "postgres"]);
    assert_eq!((out.as_str(), code), ("", 1));
    assert_eq!(
        err.matches("leadscore::sql_").count(),
        1,
        "one refusal: {err}"
    );
    assert!(err.contains("leadscore::sql_accounts"), "{err}");
}

#[test]
fn list_functions_of_a_list_literal_are_refused() {
    let err = refusal(
        "schema { id: string, size: int? }\nadd max([1, 2]) as \"m\"\nwhen count(distinct [a, A]) == 1 add 5\n",
        "duckdb",
    );
    assert!(err.contains("leadscore::sql_not_yet"), "{err}");
    assert_eq!(
        err.matches("first/last/min/max/count(distinct ...) of a list literal has no duckdb SQL translation yet").count(),
        2,
        "{err}"
    );
}

/// The `--explain` query of a small model, one reason of each kind (a
/// rule, a group's `max` and `min`, the score's `max`), as PostgreSQL gets it.
#[test]
fn explain_query_of_a_small_model() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "schema { id: string, flag: bool? }\nscore max 25\ngroup g max 15 min 0 {\n  when flag add 20 as \"flag\"\n}\nwhen not flag subtract 1 as \"no flag\"\n";
    std::fs::write(dir.path().join("r.rules"), rules).unwrap();
    let (sql, err, code) = common::run_in(
        dir.path(),
        &[
            "compile",
            "r.rules",
            "--target",
            "postgres",
            "--explain",
            "--as-of",
            AS_OF,
        ],
    );
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(sql);
}

/// A control character written as is in a string or regex (a raw U+0000
/// went into PostgreSQL's query, which refused it at run time) is an error
/// of the rules on every target (decision 68), `check` and `compile` alike;
/// a raw tab is text.
#[test]
fn a_control_character_in_a_literal_is_refused_on_every_target() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "schema { id: string, title: string }\n\
        add 1 as \"a\0b\"\n\
        when title == \"x\0y\" add 2\n\
        when title matches /x\x1by/ add 3\n\
        when title == \"tab\there\" add 4\n";
    std::fs::write(dir.path().join("r.rules"), rules).unwrap();
    let (out, err, code) = common::run_in(dir.path(), &["check", "r.rules"]);
    assert_eq!((out.as_str(), code), ("", 1), "{err}");
    // Diagnostics show the characters as escapes, never as they are (decision 70).
    assert!(!err.contains(['\0', '\x1b']), "{err}");
    insta::assert_snapshot!(err);
    for target in ["postgres", "duckdb", "spark"] {
        let args = ["compile", "r.rules", "--target", target, "--explain"];
        let (out, err, code) = common::run_in(dir.path(), &args);
        assert_eq!((out.as_str(), code), ("", 1), "{target}: {err}");
        assert_eq!(
            err.matches("leadscore::control_character").count(),
            3,
            "{err}"
        );
    }
}

#[test]
fn explain_keeps_the_refusals_of_the_rules() {
    let (out, err, code) = common::run(&[
        "compile",
        "rules/hubspot.rules",
        "--target",
        "spark",
        "--explain",
    ]);
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.contains("leadscore::sql_field_sources"), "{err}");
}

#[test]
fn ddl_and_view() {
    let ddl = leadscore(&[
        "compile",
        "rules/fit_only.rules",
        "--target",
        "postgres",
        "--ddl",
        "--table",
        "crm.leads",
    ]);
    insta::assert_snapshot!(ddl);
    let view = leadscore(&[
        "compile",
        "rules/fit_only.rules",
        "--target",
        "duckdb",
        "--view",
        "scored",
        "--as-of",
        AS_OF,
    ]);
    assert!(
        view.starts_with(
            "CREATE OR REPLACE VIEW \"scored\" AS\nWITH\n__ls_amounts AS MATERIALIZED ("
        ),
        "{view}"
    );
    assert!(view.contains("FROM \"leads\""), "{view}");
    for other in ["--explain", "--view=v", "--as-of=2026-11-01"] {
        let args = ["compile", "rules/fit_only.rules", "--target", "spark"];
        let (out, err, code) = common::run(&[&args[..], &["--ddl", other]].concat());
        assert_eq!((code, out.as_str()), (2, ""), "--ddl {other}: {err}");
        assert!(err.contains("cannot be used with"), "--ddl {other}: {err}");
    }
}
