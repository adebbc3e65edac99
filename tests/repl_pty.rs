//! The real `leadscore repl` in a pseudo-terminal: evaluate, set a lead,
//! explain, then save the rules file twice (once good, once broken) and see
//! the hot reload. Timeouts are generous; nothing here measures speed.

use rexpect::session::{spawn_command, PtySession};
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const TIMEOUT_MS: u64 = 10_000;

const TIERS: &str =
    "label tier {\n  hot when score >= 60\n  warm when score >= 30\n  cold otherwise\n}\n";

fn rules(points: u32) -> String {
    format!("when title contains \"VP\" add {points} as \"vp\"\n{TIERS}")
}

/// Saves like vim or VS Code: write a new file, then rename it over the old one.
fn save(dir: &Path, text: &str) {
    let tmp = dir.join(".m.rules.swp");
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, dir.join("m.rules")).unwrap();
}

fn start(dir: &Path) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadscore"));
    cmd.args(["repl", "m.rules", "--as-of", "2026-11-01"])
        .current_dir(dir)
        .env("LEADSCORE_HISTORY", "0")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    spawn_command(cmd, Some(TIMEOUT_MS)).expect("start leadscore repl")
}

/// Sends a line once the prompt is up, and waits for `expected` in the answer.
/// (Input typed before the prompt may be dropped when the line editor
/// switches the terminal mode, so every line waits for the prompt.)
fn ask(p: &mut PtySession, line: &str, expected: &str) -> String {
    p.exp_string(PROMPT).unwrap();
    p.send_line(line).unwrap();
    p.exp_string(expected).unwrap()
}

/// The prompt as the line editor draws it: `> `, then the cursor put after it.
const PROMPT: &str = "> \r\x1b[2C";

#[test]
fn repl_session_with_hot_reload() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("m.rules"), rules(40)).unwrap();
    let mut p = start(dir.path());
    p.exp_string("loaded m.rules").unwrap();

    ask(&mut p, "2 * 21", "42 : number");
    ask(
        &mut p,
        ":lead {\"id\": \"L9\", \"title\": \"VP Sales\"}",
        "score 40  tier warm",
    );
    ask(&mut p, "title starts with \"vp\"", "true : bool");
    ask(&mut p, ":explain", "lead L9  score 40  tier warm");
    p.exp_string("+40  vp").unwrap();

    p.exp_string(PROMPT).unwrap();
    let saved = Instant::now();
    save(dir.path(), &rules(70));
    // (rexpect reads bytes as Latin-1, so the arrows are matched by `.+`.)
    p.exp_regex("reloaded m.rules: score 40 .+ 70, tier warm .+ hot")
        .unwrap();
    eprintln!("save to notice in the PTY: {:?}", saved.elapsed());
    let between = ask(&mut p, ":score", "score 70  tier hot");
    assert!(!between.contains("reloaded"), "a second reload: {between}");

    p.exp_string(PROMPT).unwrap();
    save(dir.path(), "when title contians \"VP\" add 90\n");
    p.exp_string("m.rules:1:12").unwrap();
    p.exp_string("1 error; the last good rules stay in force")
        .unwrap();
    ask(&mut p, ":score", "score 70  tier hot");

    ask(&mut p, ":quit", "");
    p.exp_eof().unwrap();
}

#[test]
fn ctrl_c_cancels_the_line_and_ctrl_d_leaves() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("m.rules"), rules(40)).unwrap();
    let mut p = start(dir.path());
    p.exp_string(PROMPT).unwrap();
    p.send("1 + ").unwrap();
    p.send_control('c').unwrap();
    ask(&mut p, "5 - 1", "4 : number");
    ask(&mut p, "group g {", "");
    p.send_line("  add 3").unwrap();
    p.send_line("}").unwrap();
    p.exp_string("added group").unwrap();
    p.exp_string(PROMPT).unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

/// The binary with piped standard input and output, `TERM=dumb`: its
/// output comes line by line through a channel.
struct Piped {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Piped {
    fn start(dir: &Path, env: &[(&str, &str)]) -> Piped {
        use std::io::BufRead;
        use std::process::Stdio;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadscore"));
        cmd.args(["repl", "m.rules", "--as-of", "2026-11-01"])
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("TERM", "dumb")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd.spawn().expect("start leadscore repl");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Piped { child, lines }
    }

    fn send(&mut self, line: &str) {
        use std::io::Write;
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for a line that contains `expected`; returns it.
    fn expect(&self, expected: &str) -> String {
        let wait = std::time::Duration::from_millis(TIMEOUT_MS);
        loop {
            match self.lines.recv_timeout(wait) {
                Ok(line) if line.contains(expected) => return line,
                Ok(_) => {}
                Err(e) => panic!("no line with {expected:?}: {e}"),
            }
        }
    }

    fn finish(mut self) {
        drop(self.child.stdin.take());
        assert!(self.child.wait().unwrap().success());
    }
}

#[test]
fn hot_reload_with_a_dumb_terminal_and_piped_input() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("m.rules"), rules(40)).unwrap();
    let mut p = Piped::start(dir.path(), &[("LEADSCORE_HISTORY", "0")]);
    p.expect("loaded m.rules");
    p.send(":lead {\"id\": \"L9\", \"title\": \"VP Sales\"}");
    p.expect("score 40  tier warm");
    save(dir.path(), &rules(70));
    p.expect("reloaded m.rules: score 40 → 70, tier warm → hot");
    p.send(":score");
    p.expect("score 70  tier hot");
    p.finish();
}

#[test]
fn lead_data_stays_out_of_the_history_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("m.rules"), rules(40)).unwrap();
    let data = dir.path().join("data");
    let history = data.join("leadscore/history");
    let xdg = [("XDG_DATA_HOME", data.to_str().unwrap())];
    let mut p = Piped::start(dir.path(), &xdg);
    p.send(":lead {\"id\": \"L9\", \"email\": \"ann@example.com\"}");
    p.send(":set title \"VP Sales\"");
    p.send("title contains \"VP\"");
    p.expect("true : bool");
    p.finish();
    let kept = fs::read_to_string(&history).unwrap();
    assert!(kept.contains("title contains \"VP\""), "{kept}");
    assert!(
        !kept.contains("ann@example.com") && !kept.contains(":set"),
        "{kept}"
    );
}
