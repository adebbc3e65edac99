//! CRM exports as they come: CSV dialects (delimiter, decimal comma,
//! encoding, BOM, CRLF), boolean spellings, the header check before
//! scoring, and source names bound in the schema. Each test writes its
//! files to a temporary folder and runs the binary there.

mod common;

use common::run_in;
use std::path::Path;

const AS_OF: &str = "--as-of=2026-11-01T00:00:00Z";

const RULES: &str = r#"schema {
  id: string
  title: string? from "Job Title"
  employees: int? from "Number of Employees"
  revenue: number? from "Annual Revenue"
  newsletter: bool? from "Newsletter"
}
when title contains "VP" add 50 as "exec"
when employees >= 200 add 20 as "mid-market"
when revenue >= 1000000.5 add 10 as "revenue"
when newsletter add 5 as "newsletter"
"#;

/// A folder holding `crm.rules` and the given files.
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("crm.rules"), RULES).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn score(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let mut all = vec!["score", "crm.rules", AS_OF];
    all.extend(args);
    run_in(dir, &all)
}

/// The `score` of each output line, in order (`E` for an error record).
fn scores(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.get("score").map_or("E".to_string(), |s| s.to_string())
        })
        .collect()
}

const COMMA: &str = "id,Job Title,Number of Employees,Annual Revenue,Newsletter\nL1,VP Sales,300,1000000.75,yes\nL2,Intern,12,,no\n";
const SEMI: &str = "id;Job Title;Number of Employees;Annual Revenue;Newsletter\nL1;VP Sales;300;1000000,75;ja\nL2;Intern;12;;nein\n";

#[test]
fn comma_and_semicolon_exports_score_alike() {
    let dir = folder(&[("a.csv", COMMA.as_bytes()), ("b.csv", SEMI.as_bytes())]);
    let (a, err, status) = score(dir.path(), &["a.csv"]);
    assert_eq!(
        (status, scores(&a)),
        (0, vec!["85".into(), "0".into()]),
        "{err}"
    );
    let (b, err, status) = score(dir.path(), &["b.csv"]);
    assert_eq!(status, 0, "{err}");
    assert_eq!(a, b);
}

#[test]
fn decimal_commas_on_request_and_a_forced_delimiter() {
    let tabbed = COMMA.replace(',', "\t").replace("1000000.75", "1000000,75");
    let dir = folder(&[("t.txt", tabbed.as_bytes())]);
    let args = ["t.txt", "--input-format", "csv", "--decimal-comma"];
    let (out, err, status) = score(dir.path(), &args);
    assert_eq!(
        (status, scores(&out)),
        (0, vec!["85".into(), "0".into()]),
        "{err}"
    );
    // Without --decimal-comma a comma in a number is a data error naming field and value.
    let (out, _, status) = score(dir.path(), &args[..3]);
    assert_eq!(status, 3);
    assert!(
        out.contains(r#"column `Annual Revenue`: expected number, found \"1000000,75\""#),
        "{out}"
    );
    // A forced delimiter that is wrong leaves one column: stopped before scoring.
    let (out, err, status) = score(
        dir.path(),
        &["t.txt", "--input-format", "csv", "--delimiter", ";"],
    );
    assert_eq!((status, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("no column for any field"), "{err}");
}

#[test]
fn every_boolean_spelling_in_a_bool_column() {
    let spellings = [
        ("true", 5),
        ("false", 0),
        ("yes", 5),
        ("no", 0),
        ("ja", 5),
        ("nein", 0),
        ("wahr", 5),
        ("falsch", 0),
        ("oui", 5),
        ("non", 0),
        ("sí", 5),
        ("SI", 5),
        ("x", 5),
        ("X", 5),
        ("", 0),
        ("1", 5),
        ("0", 0),
        ("Yes", 5),
        ("NEIN", 0),
    ];
    let mut csv = String::from("id,Newsletter\n");
    for (i, (s, _)) in spellings.iter().enumerate() {
        csv += &format!("L{i},{s}\n");
    }
    csv += "bad,maybe\n";
    let dir = folder(&[("b.csv", csv.as_bytes())]);
    let (out, _, status) = score(dir.path(), &["b.csv"]);
    assert_eq!(status, 3);
    let mut want: Vec<String> = spellings.iter().map(|(_, p)| p.to_string()).collect();
    want.push("E".into());
    assert_eq!(scores(&out), want, "{out}");
    assert!(out.contains("expected bool (true/false, yes/no"), "{out}");
}

#[test]
fn crlf_rows_report_their_own_line() {
    let csv = "id,Number of Employees\r\nL1,5\r\nL2,big\r\n\r\nL3,7\r\nL4,\"a\r\nb\"\r\nL5,x\r\n";
    let dir = folder(&[("c.csv", csv.as_bytes())]);
    let (out, _, status) = score(dir.path(), &["c.csv"]);
    assert_eq!(status, 3);
    let errors: Vec<&str> = out.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 3, "{out}");
    assert!(errors[0].contains("\"line 3: "), "{out}");
    assert!(errors[1].contains("\"line 6: "), "{out}");
    assert!(errors[2].contains("\"line 8: "), "{out}");
}

#[test]
fn latin1_and_bom_files_are_read() {
    let latin1 = b"id,Job Title\nL1,VP M\xfcnchen\n";
    let bom = "\u{feff}id,Job Title\nL1,VP München\n";
    let rules = format!("{RULES}when title contains \"münchen\" add 1 as \"munich\"\n");
    let dir = folder(&[("l.csv", latin1), ("b.csv", bom.as_bytes())]);
    std::fs::write(dir.path().join("crm.rules"), rules).unwrap();
    let (a, err, status) = score(dir.path(), &["l.csv"]);
    assert_eq!((status, scores(&a)), (0, vec!["51".into()]), "{err}");
    let (b, _, _) = score(dir.path(), &["b.csv"]);
    assert_eq!(a, b);
    // Declared the wrong way round, UTF-8 read as Latin-1 does not match.
    let (c, _, _) = score(dir.path(), &["b.csv", "--encoding", "latin1"]);
    assert_eq!(scores(&c), vec!["50".to_string()]);
    let (_, err, status) = score(dir.path(), &["b.csv", "--encoding", "klingon"]);
    assert_eq!(status, 2);
    assert!(err.contains("unknown encoding `klingon`"), "{err}");
}

#[test]
fn a_header_without_the_fields_is_reported_before_scoring() {
    let typo = "id,Job Titel,Number of Employes\nL1,VP,300\n";
    let dir = folder(&[
        ("t.csv", typo.as_bytes()),
        ("p.csv", b"id,Job Title\nL1,VP\n"),
    ]);
    let (out, err, status) = score(dir.path(), &["t.csv"]);
    assert_eq!((status, out.as_str()), (2, ""));
    assert!(
        err.contains("no column for any field the rules read"),
        "{err}"
    );
    assert!(err.contains("`Job Titel` for title"), "{err}");
    assert!(err.contains("`Number of Employes` for employees"), "{err}");
    // Some fields present: scored, and the run report names the others.
    let (out, err, status) = score(dir.path(), &["p.csv"]);
    assert_eq!((status, scores(&out)), (0, vec!["50".into()]));
    assert!(
        err.contains("`employees`: missing or null in 1 of 1"),
        "{err}"
    );
    assert!(
        err.contains("`newsletter`: missing or null in 1 of 1"),
        "{err}"
    );
}

#[test]
fn a_header_without_a_required_field_stops_before_any_row_fails() {
    let rules = r#"schema {
  id: string
  title: string from "Job Title"
  company: { size: int? }
  events: list<{ type: string }>
}
when title contains "VP" add 50 as "exec"
when company.size >= 200 add 20 as "mid-market"
when any(events where type == "demo") add 30 as "demo"
"#;
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("strict.rules", rules),
        // No `events` column, no `company.*` column: both are required.
        ("bare.csv", "id,Job Title\nL1,VP\n"),
        // A typo of a required column: named with a did-you-mean.
        (
            "typo.csv",
            "id,Job Titel,company.size,events\nL1,VP,300,[]\n",
        ),
        // Everything there: `events` as JSON in one cell, `title` by its `from` name.
        (
            "full.csv",
            "id,Job Title,company.size,events\nL1,VP,300,\"[{\"\"type\"\":\"\"demo\"\"}]\"\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let run = |csv: &str| run_in(dir.path(), &["score", "strict.rules", AS_OF, csv]);
    let (out, err, status) = run("bare.csv");
    assert_eq!((status, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("no column for `company`, `events`"), "{err}");
    assert!(err.contains("written as JSON in one cell"), "{err}");
    let (out, err, status) = run("typo.csv");
    assert_eq!((status, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("no column for `title`"), "{err}");
    assert!(
        err.contains("did you mean column `Job Titel` for `title`?"),
        "{err}"
    );
    assert!(err.contains("(`title: string?`)"), "{err}");
    let (out, err, status) = run("full.csv");
    assert_eq!((status, scores(&out)), (0, vec!["100".into()]), "{err}");
    // `diff` reads its leads the same way and stops the same way.
    let diff = [
        "diff",
        "strict.rules",
        "strict.rules",
        "--leads",
        "bare.csv",
        AS_OF,
    ];
    let (out, err, status) = run_in(dir.path(), &diff);
    assert_eq!((status, out.as_str()), (2, ""), "{err}");
    assert!(
        err.contains("bare.csv: the header row has no column for `company`"),
        "{err}"
    );
}

#[test]
fn json_strings_and_source_names_score_like_csv() {
    let jsonl = r#"{"id":"L1","Job Title":"VP Sales","Number of Employees":"300","Annual Revenue":"1000000.75","Newsletter":"true"}
{"id":"L2","title":"Intern","employees":12,"revenue":"","newsletter":false}
"#;
    let dir = folder(&[("a.csv", COMMA.as_bytes()), ("a.jsonl", jsonl.as_bytes())]);
    let (csv, _, _) = score(dir.path(), &["a.csv"]);
    let (json, err, status) = score(dir.path(), &["a.jsonl"]);
    assert_eq!(status, 0, "{err}");
    assert_eq!(csv, json);
}

const DATED: &str = r#"schema {
  id: string
  created: datetime("%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y", "%s")? from "Create Date"
  seen: datetime? from "Last Seen"
}
when created within 30 days add 10 as "new"
when days_since(created) >= 100 add 1 as "old"
when seen is present add 100 as "seen"
"#;

#[test]
fn datetimes_in_declared_formats() {
    let csv = "id,Create Date,Last Seen\n\
        us,10/19/2026 14:03,\n\
        iso,2026-10-05 14:03,\n\
        de,05.10.2026,\n\
        epoch,1791072000,\n\
        rfc,2026-10-20T00:00:00Z,\n\
        old,01/02/2026 09:00,\n\
        empty,,\n\
        bad,19/10/2026 14:03,\n\
        ambiguous,,05/10/2026\n\
        us_seen,,10/19/2026\n";
    let dir = folder(&[("d.csv", csv.as_bytes())]);
    std::fs::write(dir.path().join("crm.rules"), DATED).unwrap();
    let (out, _, status) = score(dir.path(), &["d.csv"]);
    assert_eq!(status, 3);
    let want = ["10", "10", "10", "10", "10", "1", "0", "E", "E", "E"];
    assert_eq!(scores(&out), want, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[7].contains("not in the declared formats"),
        "{}",
        lines[7]
    );
    assert!(lines[8].contains("ambiguous"), "{}", lines[8]);
    assert!(
        lines[8].contains(r#"\"%m/%d/%Y\""#) && lines[8].contains(r#"\"%d/%m/%Y\""#),
        "{}",
        lines[8]
    );
    assert!(
        lines[9].contains(r#"declare its format in the schema: datetime(\"%m/%d/%Y\")"#),
        "{}",
        lines[9]
    );
}

/// The bundled exports: every row of the `,` and `;` HubSpot exports and the
/// Salesforce report scores without an error record, the two HubSpot
/// exports give the same scores, and so does the API's JSON Lines.
#[test]
fn the_bundled_crm_exports_score_as_they_come() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |files: &[&str]| {
        let mut args = vec!["score", "rules/hubspot.rules", AS_OF];
        args.extend(files);
        let (out, err, status) = run_in(root, &args);
        assert_eq!(status, 0, "{files:?}: {err}");
        assert!(!out.contains("\"error\""), "{out}");
        scores(&out)
    };
    let comma = run(&["examples/crm/hubspot_contacts.csv"]);
    assert_eq!(comma.len(), 6);
    assert_eq!(run(&["examples/crm/hubspot_contacts_eu.csv"]), comma);
    assert_eq!(run(&["examples/crm/hubspot_contacts.jsonl"]), comma);
    assert_eq!(run(&["examples/crm/salesforce_leads.csv"]).len(), 3);
    assert!(comma.iter().any(|s| s != "0"), "{comma:?}");
}

const ZONED: &str = r#"schema {
  id: string
  created: datetime("%Y-%m-%d %H:%M")? from "Create Date"
  utc_created: datetime("%Y-%m-%d %H:%M", zone: "UTC")? from "Create Date"
}
when created == 2026-03-29T01:30:00Z add 1 as "gap"
when created == 2026-10-25T00:30:00Z add 2 as "fold"
when created == 2026-10-05T12:03:00Z add 4 as "summer"
when utc_created == 2026-10-05T14:03:00Z add 8 as "declared utc"
"#;

/// Berlin, 2026: the clocks skip 02:00-03:00 on 29 March and show
/// 02:00-03:00 twice on 25 October. A skipped time reads with the offset
/// before the change (02:30 is 01:30 UTC), a repeated one as the first
/// (summer time: 02:30 is 00:30 UTC); a field's own zone beats `--timezone`.
#[test]
fn naive_times_read_in_the_timezone_across_daylight_saving() {
    let csv =
        "id,Create Date\ngap,2026-03-29 02:30\nfold,2026-10-25 02:30\nsummer,2026-10-05 14:03\n";
    let jsonl = r#"{"id":"gap","Create Date":"2026-03-29 02:30"}
{"id":"fold","Create Date":"2026-10-25 02:30"}
{"id":"summer","Create Date":"2026-10-05 14:03"}
"#;
    let dir = folder(&[("z.csv", csv.as_bytes()), ("z.jsonl", jsonl.as_bytes())]);
    std::fs::write(dir.path().join("crm.rules"), ZONED).unwrap();
    let berlin = ["--timezone", "Europe/Berlin"];
    let (out, err, status) = score(dir.path(), &[&berlin[..], &["z.csv"]].concat());
    assert_eq!(status, 0, "{err}");
    assert_eq!(scores(&out), ["1", "2", "12"], "{out}");
    let (json, _, _) = score(dir.path(), &[&berlin[..], &["z.jsonl"]].concat());
    assert_eq!(json, out);
    // Without a zone, times without an offset are UTC, as documented.
    let (utc, err, status) = score(dir.path(), &["z.csv"]);
    assert_eq!(status, 0, "{err}");
    assert_eq!(scores(&utc), ["0", "0", "8"], "{utc}");
}

#[test]
fn an_unknown_timezone_is_refused_with_the_closest_name() {
    let dir = folder(&[("a.csv", COMMA.as_bytes())]);
    let (out, err, status) = score(dir.path(), &["--timezone", "Europe/Berln", "a.csv"]);
    assert_eq!(status, 2, "{out}");
    assert!(err.contains("did you mean `Europe/Berlin`?"), "{err}");
    let (_, err, status) = run_in(dir.path(), &["test", "crm.rules", "--timezone", "Berlin"]);
    assert_eq!(status, 2);
    assert!(err.contains("did you mean `Europe/Berlin`?"), "{err}");
}

const EPOCH: &str = r#"schema {
  id: string
  s: datetime("epoch_s")?
  ms: datetime("epoch_ms")? from "Created (ms)"
  plain: datetime?
  us: datetime("%m/%d/%Y")?
}
when s == 2026-10-05T12:03:00Z add 1
when ms == 2026-10-05T12:03:00Z add 2
when plain is present add 4
when us is present add 8
"#;

/// Unix times in seconds and milliseconds, as CSV cells, JSON numbers and
/// JSON strings; a number in a field without an epoch format is a data
/// error that names the fix.
#[test]
fn epoch_seconds_and_milliseconds() {
    let csv = "id,s,Created (ms)\nc,1791201780,1791201780000\n";
    let jsonl = r#"{"id":"n","s":1791201780,"Created (ms)":1791201780000}
{"id":"t","s":"1791201780","Created (ms)":"1791201780000"}
{"id":"unit","s":1791201780000}
{"id":"plain","plain":1791201780}
{"id":"us","us":1791201780}
"#;
    let dir = folder(&[("e.csv", csv.as_bytes()), ("e.jsonl", jsonl.as_bytes())]);
    std::fs::write(dir.path().join("crm.rules"), EPOCH).unwrap();
    let (out, err, status) = score(dir.path(), &["e.csv"]);
    assert_eq!((status, scores(&out)), (0, vec!["3".to_string()]), "{err}");
    let (out, _, status) = score(dir.path(), &["e.jsonl"]);
    assert_eq!(status, 3);
    assert_eq!(scores(&out), ["3", "3", "E", "E", "E"], "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[2].contains("s: expected datetime, found number 1791201780000"),
        "{}",
        lines[2]
    );
    let fix = r#"declare its unit in the schema: datetime(\"epoch_s\") or datetime(\"epoch_ms\")"#;
    for line in &lines[3..] {
        let number = line.contains(": expected datetime, found number 1791201780;");
        assert!(number && line.contains(fix), "{line}");
    }
}

/// Without a declared format, a text two common formats read differently
/// is a data error naming the field and both formats.
#[test]
fn an_ambiguous_date_without_a_format_names_the_field_and_the_formats() {
    let rules = "schema {\n  id: string\n  seen: datetime? from \"Last Seen\"\n}\nwhen seen is present add 1\n";
    let dir = folder(&[("a.csv", b"id,Last Seen\nx,05/10/2026\n")]);
    std::fs::write(dir.path().join("crm.rules"), rules).unwrap();
    let (out, _, status) = score(dir.path(), &["a.csv"]);
    assert_eq!(status, 3);
    let want = r#"seen: expected datetime, found string \"05/10/2026\"; it is ambiguous: declare which format it is in the schema, one of datetime(\"%m/%d/%Y\", \"%d/%m/%Y\")"#;
    assert!(out.contains(want), "{out}");
}

/// The bundled HubSpot exports write local times in the portal's zone
/// (Europe/Berlin in `rules/hubspot.rules`) and the API writes UTC: read as
/// declared, every contact's create date is the same instant in all three,
/// on both sides of the change back to CET on 25 October 2026.
#[test]
fn the_bundled_exports_agree_on_each_instant() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hubspot = std::fs::read_to_string(root.join("rules/hubspot.rules")).unwrap();
    let schema_end = hubspot.find("\n}\n").unwrap() + 3;
    let rules = format!(
        "{}when created == 2026-10-19T12:03:00Z add 1\nwhen created == 2026-10-28T16:45:00Z add 2\n",
        &hubspot[..schema_end]
    );
    let dir = folder(&[]);
    std::fs::write(dir.path().join("crm.rules"), rules).unwrap();
    let crm = root.join("examples/crm");
    let run = |file: &str| {
        let path = crm.join(file);
        let (out, err, status) = score(dir.path(), &[path.to_str().unwrap()]);
        assert_eq!(status, 0, "{file}: {err}");
        scores(&out)
    };
    let comma = run("hubspot_contacts.csv");
    assert_eq!(&comma[..4], ["1", "0", "0", "2"], "{comma:?}");
    assert_eq!(run("hubspot_contacts_eu.csv"), comma);
    assert_eq!(run("hubspot_contacts.jsonl"), comma);
}
