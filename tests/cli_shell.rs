//! Shell and editor integration: completion scripts, the manual page,
//! `--color`, and `check -` / `fmt -` reading standard input.

mod common;

use assert_cmd::Command;
use common::{run, run_in};
use std::fs;

const BIN: &str = env!("CARGO_BIN_EXE_leadscore");

#[test]
fn bash_completions_load_in_bash() {
    let script = format!("source <('{BIN}' completions bash); complete -p leadscore");
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("complete ") && stdout.contains(" -F _leadscore "),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("leadscore"), "{stdout}");
}

#[test]
fn every_shell_gets_a_script_naming_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (out, err, code) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for command in ["score", "check", "fmt", "completions"] {
            assert!(out.contains(command), "{shell} script lacks {command}");
        }
    }
    let (_, err, code) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'tcsh'"), "{err}");
}

#[test]
fn the_man_page_renders_with_man() {
    let dir = tempfile::tempdir().unwrap();
    let (page, _, code) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq"),
        "not roff: {page:.80}"
    );
    let path = dir.path().join("leadscore.1");
    fs::write(&path, &page).unwrap();
    let out = std::process::Command::new("man")
        .arg("-l")
        .arg(&path)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
        .expect("man-db is installed (see .ci/run)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("NAME"), "{text}");
    assert!(text.contains("leadscore - A rules language"), "{text}");
    assert!(text.contains("SUBCOMMANDS"), "{text}");
    assert!(text.contains("leadscore-score(1)"), "{text}");
    let (sub, _, code) = run(&["man", "score"]);
    assert_eq!(code, 0);
    assert!(sub.contains("leadscore\\-score"), "{sub:.300}");
    let (_, err, code) = run(&["man", "scroe"]);
    assert_eq!(code, 2);
    assert!(err.contains("there is no command `scroe`"), "{err}");
}

const BROKEN: &str = "when title contians \"VP\" add 50\n";

#[test]
fn color_always_colours_diagnostics_even_into_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("b.rules"), BROKEN).unwrap();
    let (_, plain, code) = run_in(dir.path(), &["check", "b.rules"]);
    assert_eq!(code, 1);
    assert!(!plain.contains('\x1b'), "{plain}");
    let (_, auto, _) = run_in(dir.path(), &["--color", "auto", "check", "b.rules"]);
    assert!(!auto.contains('\x1b'), "auto into a pipe: {auto}");
    let (_, always, _) = run_in(dir.path(), &["check", "b.rules", "--color", "always"]);
    assert!(always.contains("\x1b["), "{always}");
    let (_, never, _) = run_in(dir.path(), &["--color=never", "check", "b.rules"]);
    assert!(!never.contains('\x1b'), "{never}");
}

#[test]
fn check_dash_reads_the_rules_from_standard_input() {
    let out = Command::new(BIN)
        .args(["check", "-"])
        .env("NO_COLOR", "1")
        .write_stdin(BROKEN)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("<stdin>:1:12"), "{err}");
    let out = Command::new(BIN)
        .args(["check", "-", "--format", "json"])
        .write_stdin("when title contains \"VP\" add 50\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json}");
}

#[test]
fn fmt_dash_writes_the_formatted_text_to_standard_output() {
    let messy = "when   title contains \"VP\"   add 50\n";
    let out = Command::new(BIN)
        .args(["fmt", "-"])
        .write_stdin(messy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "when title contains \"VP\" add 50\n"
    );
    let out = Command::new(BIN)
        .args(["fmt", "--check", "-"])
        .write_stdin(messy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("+when title contains"));
    let out = Command::new(BIN)
        .args(["fmt", "-"])
        .env("NO_COLOR", "1")
        .write_stdin(BROKEN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "broken rules print nothing on stdout"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>:1:12"));
}

#[test]
fn the_pre_commit_hooks_name_real_commands() {
    let text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    for id in [
        "id: leadscore-check",
        "id: leadscore-fmt",
        "id: leadscore-test",
    ] {
        assert!(text.contains(id), "{id} missing");
    }
    for entry in [
        "entry: leadscore check",
        "entry: leadscore fmt",
        "entry: leadscore test",
    ] {
        assert!(text.contains(entry), "{entry} missing");
    }
}

#[test]
fn every_command_help_ends_with_an_example() {
    let commands = [
        "check",
        "score",
        "explain",
        "diff",
        "test",
        "fmt",
        "repl",
        "completions",
        "man",
    ];
    for command in commands {
        let (out, err, code) = run(&[command, "--help"]);
        assert_eq!(code, 0, "{command}: {err}");
        let tail = out.rsplit("Example").next().unwrap_or_default();
        assert!(
            out.contains("\nExample"),
            "{command} --help has no example:\n{out}"
        );
        assert!(
            tail.contains(&format!("leadscore {command}")),
            "{command}: {tail}"
        );
    }
}
