//! The progress bar and streaming, with the real binary: on a terminal
//! (a pseudo-terminal) `score` draws a bar on stderr; piped or `--quiet` it
//! draws none; records from a slow pipe come out before the pipe closes.
//! Leads arrive through a named pipe the test writes to, so the run lasts
//! as long as the test wants; nothing here measures time.

mod common;

use rexpect::session::{spawn_command, PtySession};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const TIMEOUT_MS: u64 = 20_000;
const RULES: &str = "when title contains \"VP\" add 50 as \"vp\"\nlabel tier {\n  hot when score >= 50\n  cold otherwise\n}\n";
const LEAD: &str = "{\"id\": \"L1\", \"title\": \"VP Sales\"}\n";

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success(), "mkfifo");
}

/// `leadscore score m.rules leads.fifo -o out.jsonl ARGS` in a PTY.
fn spawn_score(dir: &Path, args: &[&str]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadscore"));
    cmd.args(["score", "m.rules", "leads.fifo", "-o", "out.jsonl"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    spawn_command(cmd, Some(TIMEOUT_MS)).expect("start leadscore score")
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("m.rules"), RULES).unwrap();
    mkfifo(&dir.path().join("leads.fifo"));
    dir
}

#[test]
fn a_terminal_sees_the_progress_bar_then_the_summary() {
    let dir = setup();
    let mut p = spawn_score(dir.path(), &[]);
    let mut fifo = fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("leads.fifo"))
        .unwrap();
    fifo.write_all(LEAD.repeat(3).as_bytes()).unwrap();
    fifo.flush().unwrap();
    // The bar is redrawn while the run waits for more leads. (rexpect reads
    // bytes as Latin-1, so the `·` between the fields is matched by `.+`.)
    let (_, first) = p.exp_regex("3 leads [^\r]+ leads/s").unwrap();
    // While the pipe stays idle the rate holds: it counts the time until the
    // last lead, not until now. (The elapsed field reads `2s` some redraws later.)
    let (_, later) = p.exp_regex("3 leads [^\r]+ leads/s [^\r]+ 2s").unwrap();
    let rate = |line: &str| {
        let before = &line[..line.find(" leads/s").unwrap()];
        before.rsplit(' ').next().unwrap().to_string()
    };
    assert_eq!(rate(&first), rate(&later), "{first:?} then {later:?}");
    drop(fifo);
    p.exp_string("scored 3 leads, 0 failed").unwrap();
    p.exp_regex("tier: hot 100.0% .+ cold 0.0%").unwrap();
    p.exp_regex("score: min 50 .+ q1 50 .+ median 50 .+ q3 50 .+ max 50")
        .unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn quiet_on_a_terminal_draws_no_bar_and_no_summary() {
    let dir = setup();
    let mut p = spawn_score(dir.path(), &["--quiet"]);
    let mut fifo = fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("leads.fifo"))
        .unwrap();
    fifo.write_all(LEAD.as_bytes()).unwrap();
    drop(fifo);
    let all = p.exp_eof().unwrap();
    assert!(!all.contains("leads/s"), "a bar under --quiet: {all:?}");
    assert!(!all.contains("scored"), "a summary under --quiet: {all:?}");
    let out = fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    assert!(out.contains("\"id\":\"L1\""), "{out}");
}

#[test]
fn piped_stderr_gets_the_summary_but_no_bar() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("m.rules"), RULES).unwrap();
    fs::write(dir.path().join("leads.jsonl"), LEAD.repeat(5)).unwrap();
    let (out, err, code) = common::run_in(dir.path(), &["score", "m.rules", "leads.jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 5);
    assert!(!err.contains("leads/s") && !err.contains('\r'), "{err:?}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("scored 5 leads, 0 failed in "),
        "{err}"
    );
    assert_eq!(lines[1], "tier: hot 100.0% · cold 0.0%");
    assert_eq!(
        lines[2],
        "score: min 50 · q1 50 · median 50 · q3 50 · max 50"
    );
}

#[test]
fn a_record_from_a_slow_pipe_comes_out_before_the_pipe_closes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("m.rules"), RULES).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_leadscore"))
        .args(["score", "m.rules", "--as-of", "2026-11-01"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    stdin.write_all(LEAD.as_bytes()).unwrap();
    stdin.flush().unwrap();
    // The pipe is still open: the record must come out anyway. (The wait
    // only turns a hang into a failure; it measures nothing.)
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("no record while the pipe was open");
    assert_eq!(first, "{\"id\":\"L1\",\"score\":50,\"tier\":\"hot\"}");
    stdin
        .write_all(b"{\"id\": \"L2\", \"title\": \"Intern\"}\n")
        .unwrap();
    drop(stdin);
    let second = rx.recv_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(second, "{\"id\":\"L2\",\"score\":0,\"tier\":\"cold\"}");
    assert!(child.wait().unwrap().success());
}

#[test]
fn score_on_a_terminal_says_it_reads_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("m.rules"), RULES).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadscore"));
    cmd.args(["score", "m.rules"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(TIMEOUT_MS)).unwrap();
    p.exp_string("reading leads from standard input").unwrap();
    p.send_line(LEAD.trim()).unwrap();
    p.exp_string("\"score\":50").unwrap();
    p.send_control('d').unwrap();
    p.exp_string("scored 1 lead, 0 failed").unwrap();
    p.exp_eof().unwrap();
}
