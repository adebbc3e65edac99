//! No partial output: a scoring run with `-o FILE` killed midway leaves FILE
//! as it was (absent or with its old contents), Ctrl-C removes the temporary
//! file, and a reader that goes away (`| head -1`) ends the run quietly.
//!
//! The runs read their leads from a pipe that the test keeps open, so the
//! process is always still running when it is stopped: no timing involved.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

const RULES: &str = "rules/bench.rules";
const AS_OF: &str = "--as-of=2026-11-01T00:00:00Z";

/// A `leadscore score` run reading stdin, with the given extra arguments.
fn spawn(args: &[&str], stdout: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_leadscore"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(["score", RULES, AS_OF, "--threads", "1"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Writes `n` leads of the bench sample (cycled) into the run's stdin.
fn feed(stdin: &mut ChildStdin, n: usize) {
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bench/leads.jsonl"),
    )
    .unwrap();
    let lines: Vec<&str> = sample.lines().collect();
    let mut text = String::new();
    for i in 0..n {
        text.push_str(lines[i % lines.len()]);
        text.push('\n');
    }
    stdin.write_all(text.as_bytes()).unwrap();
    stdin.flush().unwrap();
}

/// The hidden temporary files beside `target` (`.NAME.PID.tmp`).
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tmp"))
        .collect()
}

/// Feeds leads until the run has written records into its temporary file.
fn feed_until_writing(child: &mut Child, dir: &Path) -> PathBuf {
    let stdin = child.stdin.as_mut().unwrap();
    for _ in 0..10_000 {
        feed(stdin, 2_000);
        let temps = temp_files(dir);
        if let Some(temp) = temps.first() {
            if std::fs::metadata(temp).unwrap().len() > 0 {
                return temp.clone();
            }
        }
    }
    panic!("the run never wrote to its temporary file");
}

fn kill(child: &mut Child, signal: &str) -> Option<i32> {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let status = child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    status.code().or(status.signal().map(|s| 128 + s))
}

#[test]
fn a_killed_run_does_not_create_its_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("scores.jsonl");
    let mut child = spawn(&["-o", target.to_str().unwrap()], Stdio::null());
    let temp = feed_until_writing(&mut child, dir.path());
    assert_eq!(kill(&mut child, "KILL"), Some(128 + 9));
    assert!(!target.exists(), "a partial output was put in place");
    // SIGKILL leaves the temporary file; its name cannot be taken for the output.
    let name = temp.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(".scores.jsonl.") && name.ends_with(".tmp"),
        "{name}"
    );
}

#[test]
fn a_killed_run_leaves_an_existing_output_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("scores.jsonl");
    std::fs::write(&target, "yesterday's scores\n").unwrap();
    let mut child = spawn(&["-o", target.to_str().unwrap()], Stdio::null());
    feed_until_writing(&mut child, dir.path());
    kill(&mut child, "KILL");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "yesterday's scores\n"
    );
}

#[test]
fn ctrl_c_stops_cleanly_and_removes_the_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("scores.jsonl");
    std::fs::write(&target, "old\n").unwrap();
    let mut child = spawn(&["-o", target.to_str().unwrap()], Stdio::null());
    feed_until_writing(&mut child, dir.path());
    let mut stderr = child.stderr.take().unwrap();
    assert_eq!(kill(&mut child, "INT"), Some(130));
    let mut text = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
    assert!(!text.contains("panicked"), "{text}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
    assert_eq!(temp_files(dir.path()), Vec::<PathBuf>::new());
}

#[test]
fn a_completed_run_replaces_the_output_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("scores.jsonl");
    std::fs::write(&target, "old\n").unwrap();
    let mut child = spawn(&["-o", target.to_str().unwrap()], Stdio::null());
    feed(child.stdin.as_mut().unwrap(), 500);
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    let text = std::fs::read_to_string(&target).unwrap();
    assert_eq!(text.lines().count(), 500);
    assert!(text.lines().all(|l| l.starts_with("{\"id\":")));
    assert_eq!(temp_files(dir.path()), Vec::<PathBuf>::new());
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    let mut child = spawn(&[], Stdio::piped());
    let out = BufReader::new(child.stdout.take().unwrap());
    let mut stdin = child.stdin.take().unwrap();
    // Leads keep coming until the run stops reading (the pipe then breaks).
    let feeder = std::thread::spawn(move || {
        let line = "{\"id\":\"y\",\"email\":\"a@b.c\"}\n".repeat(2_000);
        while stdin.write_all(line.as_bytes()).is_ok() {}
    });
    // Like `| head -1`: read one record, then close the pipe.
    let first = out.lines().next().unwrap().unwrap();
    assert!(first.starts_with("{\"id\":"), "{first}");
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
