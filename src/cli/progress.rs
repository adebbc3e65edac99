//! Progress bars on stderr for long runs (`score`, `diff`, `test`, ...).
//!
//! A bar is drawn only when stderr is a terminal and `--quiet` was not
//! given; otherwise [`Progress`] is an empty shell whose methods do nothing,
//! so a command calls it unconditionally. Two shapes:
//! - [`Progress::counting`]: `units` done of a known (or unknown) total;
//! - [`Progress::reading`]: units done while an input of known size is read;
//!   the bar and ETA follow the bytes read ([`ByteCount`]), the count and
//!   rate follow the units.
//!
//! The rate is the units done over the time until the last of them was
//! done, not until now: while a pipe is idle it holds at the rate the units
//! came at, instead of falling toward zero as if the tool had slowed down.
//!
//! The bar is cleared when the [`Progress`] is finished or dropped, so the
//! summary lines that follow stand alone.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::{self, BufRead, IsTerminal, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the bar is redrawn while nothing else happens.
const TICK: Duration = Duration::from_millis(120);

/// A shared count of bytes read from the inputs.
#[derive(Clone, Debug, Default)]
pub struct ByteCount(Arc<AtomicU64>);

impl ByteCount {
    /// The bytes read so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn add(&self, n: usize) {
        self.0.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Wraps `reader` so that every byte it hands out is counted here.
    pub fn wrap<R: BufRead>(&self, reader: R) -> Counted<R> {
        Counted {
            inner: reader,
            count: self.clone(),
        }
    }
}

/// A reader that adds the bytes it hands out to a [`ByteCount`].
pub struct Counted<R> {
    inner: R,
    count: ByteCount,
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.add(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.count.add(amt);
        self.inner.consume(amt);
    }
}

/// Whether progress bars are drawn in this run: stderr is a terminal
/// (and not a `TERM=dumb` one) and `--quiet` was not given.
pub fn shown() -> bool {
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    !super::settings().quiet && io::stderr().is_terminal() && !dumb
}

/// A progress bar on stderr, or nothing (see [`shown`]).
pub struct Progress {
    bar: Option<ProgressBar>,
    done: Arc<AtomicU64>,
    bytes: Option<ByteCount>,
    busy: Arc<Busy>,
}

/// When the bar started, and how long after that the last unit was done.
#[derive(Debug)]
struct Busy {
    start: Instant,
    last_nanos: AtomicU64,
}

impl Busy {
    fn new() -> Busy {
        Busy {
            start: Instant::now(),
            last_nanos: AtomicU64::new(0),
        }
    }

    /// Notes that a unit was just done.
    fn mark(&self) {
        let nanos = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last_nanos.store(nanos, Ordering::Relaxed);
    }

    /// The time from the start to the last unit done.
    fn until_last(&self) -> Duration {
        Duration::from_nanos(self.last_nanos.load(Ordering::Relaxed))
    }
}

/// Units per second: `done` over the time it took (0 before any time passed).
fn rate(done: u64, busy: Duration) -> u64 {
    let secs = busy.as_secs_f64();
    if secs > 0.0 {
        (done as f64 / secs) as u64
    } else {
        0
    }
}

impl Progress {
    /// A bar that counts `unit`s (`"leads"`, `"tests"`) out of `total` when
    /// it is known (a bar and an ETA), or a spinner with the count and rate.
    pub fn counting(unit: &'static str, total: Option<u64>) -> Progress {
        let done = Arc::new(AtomicU64::new(0));
        let busy = Arc::new(Busy::new());
        let template = match total {
            Some(_) => "{spinner} {done} of {total} {unit} · {rate} {unit}/s  [{bar:30}] {percent}% · ETA {eta}",
            None => "{spinner} {done} {unit} · {rate} {unit}/s · {elapsed}",
        };
        let bar = shown().then(|| draw(template, unit, (&done, &busy), total.unwrap_or(0)));
        Progress {
            bar,
            done,
            bytes: None,
            busy,
        }
    }

    /// A bar for reading inputs of `size` bytes in all (when known) while
    /// counting `unit`s: the bar and the ETA follow `bytes`.
    pub fn reading(unit: &'static str, bytes: &ByteCount, size: Option<u64>) -> Progress {
        let Some(size) = size.filter(|&s| s > 0) else {
            return Progress::counting(unit, None);
        };
        let mut progress = Progress::counting(unit, None);
        let template =
            "{spinner} {done} {unit} · {rate} {unit}/s  [{bar:30}] {percent}% · ETA {eta}";
        let counts = (&progress.done, &progress.busy);
        progress.bar = shown().then(|| draw(template, unit, counts, size));
        progress.bytes = Some(bytes.clone());
        progress
    }

    /// Counts `n` more units done.
    pub fn add(&self, n: u64) {
        let Some(bar) = &self.bar else { return };
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        self.busy.mark();
        match &self.bytes {
            Some(bytes) => bar.set_position(bytes.get()),
            None => bar.set_position(done),
        }
    }

    /// Runs `f` with the bar taken off the screen, for output to the same
    /// terminal (a failing test's report) that would otherwise mix with it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Clears the bar (also done on drop).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Whether a bar is drawn.
    pub fn is_shown(&self) -> bool {
        self.bar.is_some()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A bar of length `len` on stderr with the keys `{done}`, `{total}`,
/// `{unit}` and `{rate}` (units per second until the last one was done).
fn draw(
    template: &str,
    unit: &'static str,
    (done, busy): (&Arc<AtomicU64>, &Arc<Busy>),
    len: u64,
) -> ProgressBar {
    let (d1, d2, busy) = (Arc::clone(done), Arc::clone(done), Arc::clone(busy));
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
        .progress_chars("=> ")
        .with_key(
            "unit",
            move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(unit);
            },
        )
        .with_key(
            "done",
            move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&crate::diagnostics::cli::thousands(
                    d1.load(Ordering::Relaxed),
                ));
            },
        )
        .with_key(
            "total",
            move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&crate::diagnostics::cli::thousands(s.len().unwrap_or(0)));
            },
        )
        .with_key(
            "rate",
            move |_: &ProgressState, w: &mut dyn std::fmt::Write| {
                let rate = rate(d2.load(Ordering::Relaxed), busy.until_last());
                let _ = w.write_str(&crate::diagnostics::cli::thousands(rate));
            },
        );
    let len = (len > 0).then_some(len);
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    bar.set_style(style);
    bar.enable_steady_tick(TICK);
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rate counts the time until the last unit, so time spent waiting
    /// on an idle input afterwards does not lower it.
    #[test]
    fn the_rate_holds_while_nothing_arrives() {
        assert_eq!(rate(1_000, Duration::from_secs(2)), 500);
        assert_eq!(rate(5, Duration::ZERO), 0);
        let busy = Busy::new();
        assert_eq!(busy.until_last(), Duration::ZERO);
        busy.last_nanos.store(2_000_000_000, Ordering::Relaxed);
        assert_eq!(rate(1_000, busy.until_last()), 500);
        busy.mark();
        assert!(busy.until_last() <= busy.start.elapsed());
    }
}
