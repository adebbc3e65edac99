//! Measures the REPL's hot reload: time from a save (write a new file, rename
//! it over the rules file, as vim and VS Code do) to the reload notice being
//! ready to print, through the same watcher and session the REPL uses.
//!
//! ```text
//! cargo run --release --example repl_reload_latency [-- SAVES]
//! ```

use leadscore::repl::session::{Session, SessionConfig};
use leadscore::repl::watch;
use std::fs;
use std::path::Path;
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MODEL: &str = "rules/b2b_saas.rules";

fn main() {
    let saves: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let dir = tempfile_dir();
    let rules = dir.join("m.rules");
    let base = fs::read_to_string(MODEL).expect("run from the repository root");
    fs::write(&rules, &base).unwrap();
    let (mut session, _) = Session::new(SessionConfig {
        rules: vec![rules.clone()],
        as_of: "2026-11-01T00:00:00Z".parse().unwrap(),
        color: false,
        zone: None,
    });
    session.eval_line(r#":lead {"id": "L1", "email": "a@b.io", "title": "VP Sales", "company": {"name": "B", "size": 800, "industry": "SaaS", "revenue": 1}, "source": "web", "unsubscribed": false, "created_at": "2026-10-01T00:00:00Z", "events": []}"#);
    let session = Arc::new(Mutex::new(session));
    let (tx, rx) = channel();
    let s = Arc::clone(&session);
    let mut w = watch::start(move || {
        let text = s.lock().unwrap().reload().text;
        let _ = tx.send((Instant::now(), text));
    })
    .expect("start the watcher");
    w.set(session.lock().unwrap().watched());
    let mut latencies = Vec::new();
    let mut extra = 0;
    for i in 0..saves {
        std::thread::sleep(Duration::from_millis(300));
        extra += rx.try_iter().count();
        let text = format!(
            "{base}\nwhen title contains \"VP\" add {} as \"bump\"\n",
            i + 1
        );
        let saved = save(&dir, &rules, &text);
        let (at, notice) = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("a reload notice");
        assert!(notice.starts_with("reloaded "), "{notice}");
        latencies.push(at - saved);
    }
    std::thread::sleep(Duration::from_millis(300));
    extra += rx.try_iter().count();
    report(&mut latencies, extra);
}

/// Writes `text` to a temporary file and renames it over `rules`; returns when.
fn save(dir: &Path, rules: &Path, text: &str) -> Instant {
    let tmp = dir.join(".m.rules.swp");
    fs::write(&tmp, text).unwrap();
    let at = Instant::now();
    fs::rename(&tmp, rules).unwrap();
    at
}

fn report(latencies: &mut [Duration], extra: usize) {
    latencies.sort();
    let n = latencies.len();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{n} saves: median {:.1} ms, max {:.1} ms (quiet period {} ms); extra reloads: {extra}",
        ms(latencies[n / 2]),
        ms(latencies[n - 1]),
        watch::QUIET.as_millis()
    );
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("leadscore-latency-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    dir
}
