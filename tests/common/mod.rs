//! Helpers shared by the black-box tests (each test file uses some of them).
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// Runs `leadscore ARGS` in `dir` with colours off; returns stdout, stderr and the exit status.
pub fn run_in(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_leadscore"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (
        text(out.stdout),
        text(out.stderr),
        out.status.code().unwrap_or(-1),
    )
}

/// Runs `leadscore ARGS` from the crate root.
pub fn run(args: &[&str]) -> (String, String, i32) {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Every `*.rules` file under `dir` (searched recursively; a missing folder has none).
pub fn rules_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rules_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rules") {
            out.push(path);
        }
    }
}
