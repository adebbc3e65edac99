//! Watching the rules files (and their includes) for saves.
//!
//! The folders holding the files are watched, not the files: editors that
//! save by writing a new file and renaming it over the old one (vim, VS
//! Code) replace the file watched, but not its folder. A save is a burst of
//! events (create, write, rename, …); the burst is over once [`QUIET`] has
//! passed without another event on a watched file, and then the callback
//! runs once.

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How long a burst of events must have been quiet before a reload.
pub const QUIET: Duration = Duration::from_millis(40);

/// A running watch; dropping it stops the watching.
pub struct Watch {
    watcher: RecommendedWatcher,
    dirs: HashSet<PathBuf>,
    files: Arc<Mutex<HashSet<PathBuf>>>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch").field("dirs", &self.dirs).finish()
    }
}

/// Starts watching (no files yet); `on_save` runs on the watch thread once per burst.
pub fn start(on_save: impl Fn() + Send + 'static) -> notify::Result<Watch> {
    let (tx, rx) = channel();
    let watcher = notify::recommended_watcher(tx)?;
    let files = Arc::new(Mutex::new(HashSet::new()));
    let seen = Arc::clone(&files);
    thread::spawn(move || debounce(&rx, &seen, on_save));
    Ok(Watch {
        watcher,
        dirs: HashSet::new(),
        files,
    })
}

impl Watch {
    /// Watches exactly `files` from now on (their folders are watched).
    pub fn set(&mut self, files: &[PathBuf]) {
        let files: HashSet<PathBuf> = files.iter().map(|f| absolute(f)).collect();
        let dirs: HashSet<PathBuf> = files
            .iter()
            .filter_map(|f| f.parent())
            .map(Path::to_path_buf)
            .collect();
        for gone in self.dirs.difference(&dirs) {
            let _ = self.watcher.unwatch(gone);
        }
        for new in dirs.difference(&self.dirs) {
            let _ = self.watcher.watch(new, RecursiveMode::NonRecursive);
        }
        self.dirs = dirs;
        *self.files.lock().unwrap_or_else(|e| e.into_inner()) = files;
    }
}

/// `path` made absolute against the working directory (symbolic links kept,
/// since events name the path that was watched).
fn absolute(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    let joined = cwd.join(path);
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

type Events = Receiver<notify::Result<notify::Event>>;

/// Waits for an event on a watched file, lets the burst finish, calls `on_save`; repeats.
fn debounce(rx: &Events, files: &Mutex<HashSet<PathBuf>>, on_save: impl Fn()) {
    let relevant = |event: &notify::Result<notify::Event>| match event {
        Ok(e) if !matches!(e.kind, EventKind::Access(_)) => {
            let files = files.lock().unwrap_or_else(|e| e.into_inner());
            e.paths.iter().any(|p| files.contains(p))
        }
        _ => false,
    };
    while let Ok(event) = rx.recv() {
        if !relevant(&event) {
            continue;
        }
        loop {
            match rx.recv_timeout(QUIET) {
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        on_save();
    }
}
