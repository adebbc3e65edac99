//! `leadscore test [PATHS...]`: runs the `test` blocks of rules files.
//!
//! Each failure is printed with what was expected, what was found and the
//! explanation of the lead's score; the last line is `N passed, N failed`.
//! Exit status 1 when a test fails, a ruleset has errors, coverage is
//! below `--min-coverage`, or no test ran (none found, or `--filter`
//! picked none).

use super::explain::{self, explanation};
use super::load::{print_diagnostics, summary, unreadable_rules, FsReader};
use super::output::{self, format_number, Scored};
use super::progress::Progress;
use super::{fit, note, FitArgs, Status, Stop};
use crate::datafit::{self, Scope, Scoped};
use crate::diagnostics::io::{cannot_read, cannot_write, FileProblem};
use crate::diagnostics::visible::visible;
use crate::eval::Program;
use crate::syntax::SourceReader;
use crate::testing::{self, junit, report, CaseResult, RunConfig, Suite};
use chrono::{DateTime, Utc};
use clap::Args;
use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Options of `leadscore test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Rules files or folders to search for `*.rules` files (default: ./rules).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Run only the tests whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Report which rules no test fired, and the share that some test fired.
    #[arg(long)]
    pub coverage: bool,
    /// Fail when less than this percentage of the rules was fired by some test.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,
    /// The clock of tests without `as_of` (RFC 3339 or a date); default now.
    #[arg(long, value_name = "TIME", value_parser = super::parse_as_of)]
    pub as_of: Option<DateTime<Utc>>,
    /// The time zone of lead times written without an offset, for datetime
    /// fields that declare no `zone:` (an IANA name like `Europe/Berlin`); default UTC.
    #[arg(long, value_name = "ZONE", value_parser = crate::cli::parse_timezone)]
    pub timezone: Option<jiff::tz::TimeZone>,
    /// `--strict` (exit 4 when a test's lead does not meet the rules) and
    /// `--summary-json`, as for `score`.
    #[command(flatten)]
    pub fit: FitArgs,
}

fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err("expected a percentage from 0 to 100".into()),
    }
}

/// Runs every test found under the paths.
pub fn run(args: &TestArgs) -> Result<Status, Stop> {
    let files = rooted_files(&args.paths)?;
    if let Some(junit) = &args.junit {
        let inputs: Vec<&Path> = files.iter().map(|(f, _)| f.as_path()).collect();
        if let Some(input) = output::same_files(junit, &inputs).first() {
            let message = crate::diagnostics::io::output_is_input(junit, input);
            return Err(Stop::Trouble(message));
        }
    }
    let config = RunConfig {
        filter: args.filter.clone(),
        default_as_of: args.as_of.unwrap_or_else(Utc::now),
        zone: args.timezone.clone(),
    };
    let mut run = Run::new();
    let progress = Progress::counting("files", Some(files.len() as u64));
    for (file, root) in &files {
        progress.suspend(|| run.suite(file, root, &config))?;
        progress.add(1);
    }
    progress.finish();
    let mut out = std::io::stdout().lock();
    let mut status = run.status;
    if args.coverage || args.min_coverage.is_some() {
        let (text, pct) = run.coverage_report();
        write!(out, "{}", visible(&text)).map_err(Stop::write)?;
        if let Some(min) = args.min_coverage.filter(|&min| pct < min) {
            let _ = writeln!(
                out,
                "coverage {}% is below --min-coverage {}%",
                format_pct(pct),
                format_number(min)
            );
            status = status.max(Status::RulesFailed);
        }
    }
    if let Some(path) = &args.junit {
        write_junit(path, &run.junit)?;
    }
    writeln!(out, "{} passed, {} failed", run.passed, run.failed).map_err(Stop::write)?;
    out.flush().map_err(Stop::write)?;
    if run.passed + run.failed == 0 && run.status == Status::Success {
        // A run that tests nothing must not pass a CI job.
        note(&format!(
            "error: {}",
            no_tests(args, files.len(), run.found)
        ));
        status = status.max(Status::RulesFailed);
    }
    let counts = serde_json::json!({"passed": run.passed, "failed": run.failed});
    let fit = fit::finish(&run.findings, counts, &args.fit)?;
    Ok(status.max(fit))
}

/// The state of a run across rulesets.
struct Run {
    passed: usize,
    failed: usize,
    status: Status,
    /// Tests already run, by (canonical file, offset): a test file included twice runs once.
    seen: HashSet<(PathBuf, u32)>,
    /// Tests found, before `--filter` picks among them.
    found: usize,
    /// Per rule (canonical file, offset): its label, location and whether a test fired it.
    rules: BTreeMap<(PathBuf, u32), (String, String, bool)>,
    junit: Vec<junit::SuiteReport>,
    /// Where the tests' leads and the rules did not meet.
    findings: Vec<Scoped>,
}

impl Run {
    fn new() -> Run {
        Run {
            passed: 0,
            failed: 0,
            status: Status::Success,
            seen: HashSet::new(),
            found: 0,
            rules: BTreeMap::new(),
            junit: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// Loads one rules file and runs its tests; a file without tests is
    /// skipped. Includes may reach anywhere under `root`.
    fn suite(&mut self, file: &Path, root: &Path, config: &RunConfig) -> Result<(), Stop> {
        let name = file.to_string_lossy();
        let mut suite =
            testing::suite(&name, Some(root), &FsReader).map_err(|e| unreadable_rules(file, &e))?;
        let is_test_file = name.ends_with(".test.rules");
        suite.tests.retain(|t| {
            let path = canonical(&suite.loaded.sources.get(t.span.file).name);
            self.seen.insert((path, t.span.start))
        });
        if suite.tests.is_empty() && !(is_test_file && suite.loaded.has_errors()) {
            return Ok(());
        }
        self.found += suite.tests.len();
        let program = match &suite.loaded.ruleset {
            Some(rs) if !suite.loaded.has_errors() => Program::compile_in(rs, config.zone.as_ref()),
            _ => {
                print_diagnostics(&suite.loaded);
                note(&summary(file, &suite.loaded.diagnostics));
                note(&format!("the tests of {} did not run", file.display()));
                self.status = self.status.max(Status::RulesFailed);
                return Ok(());
            }
        };
        let cases = testing::run(&suite, &program, &FsReader, config);
        self.record(&suite, &program, &cases)
    }

    fn record(
        &mut self,
        suite: &Suite,
        program: &Program,
        cases: &[CaseResult],
    ) -> Result<(), Stop> {
        let sources = &suite.loaded.sources;
        let mut out = std::io::stdout().lock();
        let mut report = junit::SuiteReport {
            name: suite.name.clone(),
            cases: Vec::new(),
        };
        for case in cases {
            let location = report::location(sources, case);
            let failure = (!case.passed()).then(|| failure_text(program, sources, case));
            if let Some(text) = &failure {
                let shown = format!("FAIL {location} {}\n{text}\n", quoted(&case.name));
                write!(out, "{}", visible(&shown)).map_err(Stop::write)?;
            }
            let scope = Scope::Test {
                name: case.name.clone(),
                at: location.clone(),
            };
            self.findings
                .extend(datafit::scoped(case.misfits.clone(), &scope));
            let (file, line) = report::place(sources, case);
            report.cases.push(junit::Case {
                name: case.name.clone(),
                file,
                line,
                failure: failure.map(|text| (first_line(&text), text)),
            });
        }
        self.failed += report.cases.iter().filter(|c| c.failure.is_some()).count();
        self.passed += report.cases.iter().filter(|c| c.failure.is_none()).count();
        if self.failed > 0 {
            self.status = self.status.max(Status::RulesFailed);
        }
        self.junit.push(report);
        self.cover(suite, program, cases);
        Ok(())
    }

    /// Notes which rules of the suite some test fired.
    fn cover(&mut self, suite: &Suite, program: &Program, cases: &[CaseResult]) {
        let rules = program.ruleset();
        let fired = testing::fired_rules(rules, cases);
        let sources = &suite.loaded.sources;
        for (rule, fired) in rules.rules.iter().zip(fired) {
            let file = &sources.get(rule.span.file).name;
            let (line, _) = sources.line_col(rule.span);
            let entry = self
                .rules
                .entry((canonical(file), rule.span.start))
                .or_insert_with(|| (rule.label.clone(), format!("{file}:{line}"), false));
            entry.2 |= fired;
        }
    }

    /// The coverage lines, and the percentage of rules fired.
    fn coverage_report(&self) -> (String, f64) {
        let total = self.rules.len();
        let fired = self.rules.values().filter(|r| r.2).count();
        let pct = if total == 0 {
            100.0
        } else {
            100.0 * fired as f64 / total as f64
        };
        let mut text = format!(
            "coverage: {fired} of {total} rules fired in some test ({}%)\n",
            format_pct(pct)
        );
        for (label, at, _) in self.rules.values().filter(|r| !r.2) {
            text += &format!("  never fired: {at} {}\n", quoted(label));
        }
        (text, pct)
    }
}

/// What a test that did not pass prints: why, then the explanation of
/// its account (a test with `expect account`) or else of its lead.
fn failure_text(
    program: &Program,
    sources: &crate::source::SourceMap,
    case: &CaseResult,
) -> String {
    let mut text = report::why(sources, case);
    let account_rules = program.ruleset().account.as_deref().map(|a| &a.rules);
    if let (Some((key, outcome)), Some(rules)) = (&case.account, account_rules) {
        for line in explain::account_explanation(rules, key, None, outcome).lines() {
            text += &format!("  {line}\n");
        }
        return text;
    }
    if let Some(outcome) = &case.outcome {
        let id = case
            .lead
            .as_ref()
            .and_then(|l| l.get("id"))
            .cloned()
            .unwrap_or_default();
        let scored = Scored {
            id,
            kept: Vec::new(),
            result: Ok(outcome.clone()),
        };
        for line in explanation(program.ruleset(), &scored, None).lines() {
            text += &format!("  {line}\n");
        }
    }
    text
}

/// Why no test ran: the paths searched (of `files` rules files), the
/// filter and the `found` tests it left out, and the test file beside a
/// rules file given by itself.
fn no_tests(args: &TestArgs, files: usize, found: usize) -> String {
    let places: Vec<String> = match args.paths.is_empty() {
        true => vec!["rules".to_string()],
        false => args.paths.iter().map(|p| p.display().to_string()).collect(),
    };
    let siblings: Vec<(String, String)> = args
        .paths
        .iter()
        .filter_map(|p| Some((p.display().to_string(), test_file_beside(p)?)))
        .collect();
    let filter = args.filter.as_deref().filter(|_| found > 0);
    crate::diagnostics::testing::no_tests(&places, files, filter, found, &siblings)
}

/// `x.test.rules` next to the rules file `x.rules`, when it exists.
fn test_file_beside(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(".rules")
        .filter(|s| !s.ends_with(".test"))?;
    let beside = path.with_file_name(format!("{stem}.test.rules"));
    beside.is_file().then(|| beside.display().to_string())
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

fn quoted(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// `96.4`, `100`.
fn format_pct(pct: f64) -> String {
    format_number((pct * 10.0).floor() / 10.0)
}

fn canonical(name: &str) -> PathBuf {
    FsReader
        .canonicalize(Path::new(name))
        .unwrap_or_else(|_| PathBuf::from(name))
}

fn write_junit(path: &Path, suites: &[junit::SuiteReport]) -> Result<(), Stop> {
    let trouble = |e: std::io::Error| Stop::Trouble(cannot_write(path, &e));
    output::write_file(path, junit::render(suites).as_bytes()).map_err(trouble)
}

/// Like [`rules_files`], each file with the folder its includes may reach:
/// the folder given on the command line that holds it (a file given by
/// itself: its own folder). So `rules/tests/x.test.rules` may include
/// `../model.rules` when `test` is given `rules`.
fn rooted_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, PathBuf)>, Stop> {
    let default = [PathBuf::from("rules")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for path in paths {
        let root = if path.is_dir() {
            path.clone()
        } else {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            parent.map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        };
        for file in rules_files(std::slice::from_ref(path))? {
            out.push((file, root.clone()));
        }
    }
    Ok(out)
}

/// The `*.rules` files under the paths (folders searched recursively, in
/// name order); with no paths, under `./rules`.
pub fn rules_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Stop> {
    let default = [PathBuf::from("rules")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files).map_err(|e| {
                Stop::Trouble(cannot_read("folder", path, &FileProblem::of(path, &e)))
            })?;
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(Stop::Trouble(cannot_read(
                "rules file",
                path,
                &FileProblem::Missing,
            )));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "rules") {
            files.push(path);
        }
    }
    Ok(())
}
