//! Scoring JSON Lines in chunks, on one thread or several.
//!
//! The input is read in chunks of about [`CHUNK_BYTES`] that end at a line
//! end. Each chunk is scored as a unit: every line is parsed and scored by
//! [`Program::score_bytes`] straight from its bytes (falling back to
//! `serde_json::Value` and [`score_one`] for a line the fast path gives up
//! on, which yields the exact error record), and its output records are
//! rendered into one buffer. With `threads > 1`, `threads` workers each
//! take the next chunk from the input in turn, read it into a buffer of
//! their own (so its bytes are still in the core's cache when they are
//! parsed) and score it, and this thread writes the finished chunks
//! strictly in input order. A worker needs an output buffer from a fixed
//! pool, which only the writer refills, to take a chunk, so at most
//! `POOL_PER_THREAD * threads` chunks are in memory at once whatever the
//! size of the input. One thread runs the same chunk function in a loop,
//! so the output is the same bytes for any thread count.

use super::{score_one, Context, Failure, Sink, Tally};
use crate::cli::input::{self, Lead, Loc};
use crate::cli::output::{self, Scored, Shape, Writer};
use crate::eval::{id_as_written, Head, Outcome, Program, Scratch};
use std::collections::BTreeMap;
use std::io::{self, BufRead};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Condvar, Mutex};

/// The size a chunk is read up to (it then runs on to the next line end).
pub const CHUNK_BYTES: usize = 1 << 20;

/// The read size once a chunk is full but its last line has not ended.
const READ_STEP: usize = 64 << 10;

/// Output buffers (so chunks in flight) per worker thread: enough to keep
/// every worker busy while the writer waits for the oldest chunk.
const POOL_PER_THREAD: usize = 3;

/// How JSON Lines are scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Worker threads; 1 scores on the calling thread.
    pub threads: usize,
    /// Render `reasons` (JSON Lines output).
    pub explain: bool,
    /// Chunk size in bytes.
    pub chunk_bytes: usize,
}

/// The number of cores this process may use.
pub fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// A piece of the input that ends at a line end (or at the end of input).
struct Chunk {
    /// Position in the input, from 0.
    seq: u64,
    /// The line number of its first line.
    first_line: u64,
    text: Vec<u8>,
}

/// A scored chunk: its records, ready to write.
struct Done {
    seq: u64,
    records: Records,
    tally: Tally,
}

/// Records rendered as JSON Lines, or kept for the CSV writer.
enum Records {
    Jsonl(String),
    Csv(Vec<Scored>),
}

/// Scores every line of `reader` and writes the records in input order.
pub(super) fn score(
    ctx: &Context,
    reader: Box<dyn BufRead + Send>,
    config: &Config,
    sink: &mut Sink,
) -> Result<(), Failure> {
    if config.threads <= 1 {
        return score_here(ctx, reader, config, sink);
    }
    score_parallel(ctx, reader, config, sink)
}

/// One thread: read, score, write, chunk after chunk.
fn score_here(
    ctx: &Context,
    mut reader: Box<dyn BufRead + Send>,
    config: &Config,
    sink: &mut Sink,
) -> Result<(), Failure> {
    let mut chunks = Chunker::new(config.chunk_bytes);
    let mut worker = Worker::new(&sink.out, config.explain);
    // One input and one output buffer for every chunk: a new input buffer
    // would be zeroed again for every read.
    let (mut buf, mut out) = (Vec::new(), String::new());
    while let Some(chunk) = chunks.next(&mut reader, buf).map_err(Failure::Read)? {
        let done = worker.score(ctx, &chunk, out, ctx.tally());
        buf = chunk.text;
        out = write(ctx.program, sink, done)?;
    }
    Ok(())
}

/// Several threads: `threads` workers that each read and score chunks, and
/// this thread writing. Each worker reads into a buffer of its own, which
/// so never leaves its core; the pool holds the output buffers, whose
/// number bounds the chunks in flight.
fn score_parallel(
    ctx: &Context,
    reader: Box<dyn BufRead + Send>,
    config: &Config,
    sink: &mut Sink,
) -> Result<(), Failure> {
    let pool = Pool::new(POOL_PER_THREAD * config.threads);
    let source = Mutex::new(Source {
        reader,
        chunks: Chunker::new(config.chunk_bytes),
        ended: None,
    });
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let worker = Worker::new(&sink.out, config.explain);
    std::thread::scope(|s| {
        for _ in 0..config.threads {
            let (source, pool, done_tx) = (&source, &pool, done_tx.clone());
            let worker = worker.clone();
            s.spawn(move || work(ctx, worker, source, pool, done_tx));
        }
        drop(done_tx);
        let written = write_in_order(ctx.program, sink, done_rx, &pool);
        // After a write error, workers waiting for a buffer stop.
        pool.close();
        written
    })?;
    let source = source.into_inner().expect("no worker panics");
    match source.ended {
        Some(Ended::Failed(e)) => Err(Failure::Read(e)),
        Some(Ended::Done) | None => Ok(()),
    }
}

/// The input, shared by the workers: each takes the next chunk under its
/// lock, so a chunk is read on the core that scores it, while its bytes are
/// still in that core's cache.
struct Source {
    reader: Box<dyn BufRead + Send>,
    chunks: Chunker,
    /// Why reading stopped, once it has.
    ended: Option<Ended>,
}

/// How the input ended.
enum Ended {
    Done,
    Failed(io::Error),
}

impl Source {
    /// The next chunk, read into `buf`, or `None` once the input has ended
    /// (or failed).
    fn next(&mut self, buf: Vec<u8>) -> Option<Chunk> {
        if self.ended.is_some() {
            return None;
        }
        match self.chunks.next(&mut self.reader, buf) {
            Ok(Some(chunk)) => Some(chunk),
            Ok(None) => {
                self.ended = Some(Ended::Done);
                None
            }
            Err(e) => {
                self.ended = Some(Ended::Failed(e));
                None
            }
        }
    }
}

/// A worker thread: reads and scores chunks until there are no more.
fn work(
    ctx: &Context,
    mut worker: Worker,
    source: &Mutex<Source>,
    pool: &Pool,
    done: mpsc::Sender<Done>,
) {
    let mut buf = Vec::new();
    // A closed pool means the writer stopped (a write error).
    while let Some(out) = pool.take() {
        let next = source.lock().expect("no worker panics").next(buf);
        let Some(chunk) = next else { return };
        let scored = worker.score(ctx, &chunk, out, ctx.tally());
        buf = chunk.text;
        if done.send(scored).is_err() {
            return;
        }
    }
}

/// Writes finished chunks in input order, returning their output buffers to
/// the pool.
fn write_in_order(
    program: &Program,
    sink: &mut Sink,
    done: Receiver<Done>,
    pool: &Pool,
) -> Result<(), Failure> {
    let mut waiting = BTreeMap::new();
    let mut next = 0u64;
    for chunk in done {
        waiting.insert(chunk.seq, chunk);
        while let Some(chunk) = waiting.remove(&next) {
            pool.give(write(program, sink, chunk)?);
            next += 1;
        }
    }
    Ok(())
}

/// The output buffers of a run on several threads: a fixed number, and a
/// worker needs one to take a chunk, so memory stays bounded whatever the
/// input's size. The buffer given back last is taken first: the buffers in
/// use stay few and warm in the cache, where taking them in turn would
/// cycle through every one of them.
struct Pool {
    free: Mutex<Free>,
    given: Condvar,
}

struct Free {
    bufs: Vec<String>,
    /// The writer stopped: no more chunks are wanted.
    closed: bool,
}

impl Pool {
    fn new(size: usize) -> Pool {
        Pool {
            free: Mutex::new(Free {
                bufs: (0..size).map(|_| String::new()).collect(),
                closed: false,
            }),
            given: Condvar::new(),
        }
    }

    /// A free buffer, once there is one; `None` once the pool is closed.
    fn take(&self) -> Option<String> {
        let mut free = self.free.lock().expect("no worker panics");
        loop {
            if free.closed {
                return None;
            }
            if let Some(buf) = free.bufs.pop() {
                return Some(buf);
            }
            free = self.given.wait(free).expect("no worker panics");
        }
    }

    /// Gives a buffer back.
    fn give(&self, buf: String) {
        self.free.lock().expect("no worker panics").bufs.push(buf);
        self.given.notify_one();
    }

    /// Wakes every thread waiting for a buffer, to stop.
    fn close(&self) {
        self.free.lock().expect("no worker panics").closed = true;
        self.given.notify_all();
    }
}

/// Writes one scored chunk and counts its leads; gives back its output
/// buffer, emptied (a new one for CSV records).
fn write(program: &Program, sink: &mut Sink, done: Done) -> Result<String, Failure> {
    let leads = done.tally.leads;
    sink.tally.merge(done.tally);
    write_records(program, &mut sink.out, &done.records).map_err(Failure::Write)?;
    sink.write_keys()?;
    sink.progress.add(leads);
    sink.flush()?;
    Ok(match done.records {
        Records::Jsonl(mut out) => {
            out.clear();
            out
        }
        Records::Csv(_) => String::new(),
    })
}

fn write_records(program: &Program, out: &mut Writer, records: &Records) -> io::Result<()> {
    match records {
        Records::Jsonl(text) => out
            .jsonl_sink()
            .expect("JSON Lines records go to a JSON Lines writer")
            .write_all(text.as_bytes()),
        Records::Csv(records) => records.iter().try_for_each(|r| out.write(program, r)),
    }
}

/// Cuts the input into chunks that end at a line end.
struct Chunker {
    chunk_bytes: usize,
    /// The start of a line cut off by the previous chunk.
    carry: Vec<u8>,
    seq: u64,
    /// Lines before the next chunk.
    lines: u64,
    /// A read error held back while the whole lines read before it go out
    /// as a last chunk.
    failed: Option<io::Error>,
}

impl Chunker {
    fn new(chunk_bytes: usize) -> Chunker {
        Chunker {
            chunk_bytes: chunk_bytes.max(1),
            carry: Vec::new(),
            seq: 0,
            lines: 0,
            failed: None,
        }
    }

    /// The next chunk, read into `buf`; `None` at the end of input.
    ///
    /// The bytes are read straight into `buf` (a read at least as large as
    /// the reader's own buffer bypasses it), not copied out of the reader's
    /// buffer. `buf` comes back from a finished chunk with its length
    /// intact, so the bytes a read needs initialised are zeroed only once.
    ///
    /// When a read fails, the whole lines read before it still come out as
    /// a chunk (a line the failure cut short does not), and the error comes
    /// on the next call.
    fn next(&mut self, reader: &mut dyn BufRead, mut buf: Vec<u8>) -> io::Result<Option<Chunk>> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let mut filled = self.carry.len();
        if buf.len() < filled {
            buf.resize(filled, 0);
        }
        buf[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        loop {
            // Up to the chunk size; past it (a line longer than what is
            // left), a step at a time until a line ends.
            let want = match self.chunk_bytes.checked_sub(filled) {
                Some(left) if left > 0 => left,
                _ => self.chunk_bytes.min(READ_STEP),
            };
            if buf.len() < filled + want {
                buf.resize(filled + want, 0);
            }
            let n = match reader.read(&mut buf[filled..filled + want]) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => match memchr::memrchr(b'\n', &buf[..filled]) {
                    Some(end) => {
                        self.failed = Some(e);
                        filled = end + 1;
                        break;
                    }
                    None => return Err(e),
                },
            };
            if n == 0 {
                break;
            }
            let before = filled;
            filled += n;
            if filled >= self.chunk_bytes {
                // Past the chunk size, the bytes before `before` were searched
                // already: search only the new ones, so a long line stays linear.
                let from = if before >= self.chunk_bytes {
                    before
                } else {
                    0
                };
                if let Some(end) = memchr::memrchr(b'\n', &buf[from..filled]).map(|p| from + p) {
                    self.carry.extend_from_slice(&buf[end + 1..filled]);
                    filled = end + 1;
                    break;
                }
            }
        }
        buf.truncate(filled);
        if buf.is_empty() {
            return Ok(None);
        }
        let chunk = Chunk {
            seq: self.seq,
            first_line: self.lines + 1,
            text: buf,
        };
        self.seq += 1;
        self.lines += count_newlines(&chunk.text);
        Ok(Some(chunk))
    }
}

/// One thread's buffers for scoring chunks.
#[derive(Clone)]
struct Worker {
    scratch: Scratch,
    outcome: Outcome,
    /// The output columns (JSON Lines records are rendered here).
    shape: Shape,
    jsonl: bool,
    explain: bool,
}

impl Worker {
    fn new(out: &Writer, explain: bool) -> Worker {
        Worker {
            scratch: Scratch::default(),
            outcome: Outcome::default(),
            shape: out.shape().clone(),
            jsonl: out.is_jsonl(),
            explain,
        }
    }

    /// Scores every line of a chunk, counting into `tally` (empty);
    /// JSON Lines records are rendered into `out` (empty).
    fn score(&mut self, ctx: &Context, chunk: &Chunk, mut out: String, mut tally: Tally) -> Done {
        let mut records = if self.jsonl {
            out.reserve(chunk.text.len() / 4);
            Records::Jsonl(out)
        } else {
            Records::Csv(Vec::new())
        };
        let mut rest = &chunk.text[..];
        let mut n = chunk.first_line;
        while !rest.is_empty() {
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
            if let Some(text) = input::line_text(&rest[..end]) {
                self.line(ctx, text, n, &mut records, &mut tally);
            }
            rest = &rest[end..];
            n += 1;
        }
        Done {
            seq: chunk.seq,
            records,
            tally,
        }
    }

    /// Scores one line into `records`.
    fn line(
        &mut self,
        ctx: &Context,
        text: &[u8],
        n: u64,
        records: &mut Records,
        tally: &mut Tally,
    ) {
        let (program, outcome) = (ctx.program, &mut self.outcome);
        let Some(id) = program.score_bytes(text, &ctx.id, &ctx.opts, &mut self.scratch, outcome)
        else {
            let lead = Lead {
                at: Loc::Line(n),
                value: input::parse_line(text),
                text: None,
            };
            let mut scored = score_one(ctx, lead, &mut tally.census);
            scored.id = id_as_written(scored.id, text, &ctx.id);
            if let (Some(_), Ok(outcome)) = (ctx.roll, &mut scored.result) {
                add_line(ctx, tally, text, outcome);
            }
            self.push(program, records, scored, tally);
            return;
        };
        let id = id_as_written(id, text, &ctx.id);
        program.count(&mut tally.census, &self.scratch, outcome);
        if ctx.roll.is_some() {
            add_line(ctx, tally, text, outcome);
        }
        let kept = if ctx.keep.is_empty() {
            Vec::new()
        } else {
            ctx.keep.values_of_json(text)
        };
        if let Records::Jsonl(out) = records {
            tally.add(&id, Some(outcome));
            let head = Head {
                keys: &self.shape.keys,
                id: &id,
                kept: &kept,
            };
            program.render_record_as(out, &head, outcome, self.explain);
            return;
        }
        let scored = Scored {
            id,
            kept,
            result: Ok(outcome.clone()),
        };
        self.push(program, records, scored, tally);
    }

    /// Counts a record and adds it to `records`.
    fn push(&self, program: &Program, records: &mut Records, scored: Scored, tally: &mut Tally) {
        tally.add(&scored.id, scored.result.as_ref().ok());
        match records {
            Records::Jsonl(out) => {
                output::render_jsonl(program, &self.shape, out, &scored, self.explain);
            }
            Records::Csv(out) => out.push(scored),
        }
    }
}

/// Adds the lead of a line that was scored to its account. The outcome
/// holds what the account keeps of the lead; only an account block that
/// reads a list or record of its leads whole needs the line parsed again.
fn add_line(ctx: &Context, tally: &mut Tally, text: &[u8], outcome: &mut Outcome) {
    let Some(roll) = ctx.roll else { return };
    let lead = roll.needs_lead().then(|| input::parse_line(text).ok());
    ctx.add_to_account(tally, outcome, lead.flatten().as_ref());
}

/// The number of `\n` bytes, 64 bytes at a time (the inner loop vectorises).
fn count_newlines(text: &[u8]) -> u64 {
    let mut blocks = text.chunks_exact(64);
    let mut n = 0u64;
    for block in &mut blocks {
        let mut k = 0u8;
        for &b in block {
            k += u8::from(b == b'\n');
        }
        n += u64::from(k);
    }
    n + blocks.remainder().iter().filter(|&&b| b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_are_counted_at_every_offset() {
        for len in 0..80 {
            for at in 0..len {
                let mut text = vec![b'x'; len];
                text[at] = b'\n';
                assert_eq!(count_newlines(&text), 1);
                text[len - 1] = b'\n';
                assert_eq!(count_newlines(&text), 1 + u64::from(at != len - 1));
            }
            assert_eq!(count_newlines(&vec![0x8a; len]), 0);
        }
    }

    /// Gives `text`, then fails instead of ending.
    struct FailsAtEnd(io::Cursor<Vec<u8>>);

    impl io::Read for FailsAtEnd {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(io::Error::other("the disk went away")),
                n => Ok(n),
            }
        }
    }

    /// Output that the test can read after the run; with `room`, writing
    /// past that many bytes fails.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<Mutex<Vec<u8>>>, Option<usize>);

    impl io::Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let mut out = self.0.lock().unwrap();
            if self.1.is_some_and(|room| out.len() + buf.len() > room) {
                return Err(io::Error::other("the disk is full"));
            }
            out.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[derive(clap::Parser)]
    struct Args {
        #[command(flatten)]
        score: crate::cli::ScoreArgs,
    }

    /// Scores `text` from `reader` on `threads` threads in chunks of
    /// `chunk_bytes`: the output and how the run ended.
    fn run(
        reader: Box<dyn BufRead + Send>,
        threads: usize,
        chunk_bytes: usize,
    ) -> (String, Result<(), Failure>) {
        run_into(Shared::default(), reader, threads, chunk_bytes)
    }

    /// [`run`] writing to `out`.
    fn run_into(
        out: Shared,
        reader: Box<dyn BufRead + Send>,
        threads: usize,
        chunk_bytes: usize,
    ) -> (String, Result<(), Failure>) {
        use clap::Parser;
        let rules = "when title contains \"VP\" add 50 as \"vp\"\n";
        let loaded = crate::load_str("t.rules", rules, &crate::syntax::MemReader::default());
        let program = Program::compile(loaded.ruleset.as_ref().expect("rules without errors"));
        let args = Args::parse_from(["t", "t.rules", "-", "--as-of", "2026-11-01"]).score;
        let shape = super::super::shape(&program, &args).expect("a shape");
        let ctx = Context::new(&program, &args.input);
        let config = output::Config {
            format: crate::cli::OutputFormat::Jsonl,
            explain: false,
        };
        let writer = Writer::new(Box::new(out.clone()), shape, config).unwrap();
        let mut sink = Sink {
            out: writer,
            tally: ctx.tally(),
            progress: crate::cli::progress::Progress::counting("leads", None),
            flush_each: false,
            keys: None,
        };
        let config = Config {
            threads,
            explain: false,
            chunk_bytes,
        };
        let ended = score(&ctx, reader, &config, &mut sink);
        // After a write error the rest may not go out either.
        let _ = sink.out.finish();
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        (text, ended)
    }

    /// A read that fails part way: every lead read before it is scored and
    /// written, in order, and the run ends with the read error, on any
    /// number of threads.
    /// `n` leads, each with a `VP` title.
    fn vp_leads(n: usize) -> String {
        (0..n)
            .map(|i| format!("{{\"id\":\"L{i}\",\"title\":\"VP {i}\"}}\n"))
            .collect()
    }

    /// How a run that should have failed ended: a read error (`true`) or a
    /// write error, and its message.
    fn failure(ended: Result<(), Failure>, threads: usize) -> (bool, String) {
        match ended {
            Err(Failure::Read(e)) => (true, e.to_string()),
            Err(Failure::Write(e)) => (false, e.to_string()),
            Ok(()) => panic!("{threads} threads: the error was lost"),
        }
    }

    #[test]
    fn a_failed_read_keeps_the_leads_before_it_and_is_reported() {
        let leads = vp_leads(40);
        let whole = Box::new(io::Cursor::new(leads.clone().into_bytes()));
        let (want, ended) = run(whole, 1, 64);
        assert!(ended.is_ok());
        assert_eq!(want.lines().count(), 40, "{want}");
        for threads in [1, 2, 3] {
            let failing = FailsAtEnd(io::Cursor::new(leads.clone().into_bytes()));
            let (got, ended) = run(Box::new(io::BufReader::new(failing)), threads, 64);
            assert_eq!(got, want, "{threads} threads");
            let read = (true, "the disk went away".to_string());
            assert_eq!(failure(ended, threads), read, "{threads} threads");
        }
    }

    /// Output that fails while many small chunks are in flight: the run
    /// stops with the write error, on any number of threads, and no
    /// worker is left waiting for a buffer (the run would not end).
    #[test]
    fn a_failed_write_stops_every_thread() {
        let leads = vp_leads(3000);
        for threads in [1, 2, 3] {
            let (tx, rx) = mpsc::channel();
            let leads = leads.clone();
            std::thread::spawn(move || {
                let reader = Box::new(io::Cursor::new(leads.into_bytes()));
                let out = Shared(Default::default(), Some(100));
                tx.send(run_into(out, reader, threads, 32)).unwrap();
            });
            let (text, ended) = rx
                .recv_timeout(std::time::Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("{threads} threads: the run did not end"));
            assert!(text.len() <= 100, "{text}");
            let write = (false, "the disk is full".to_string());
            assert_eq!(failure(ended, threads), write, "{threads} threads");
        }
    }

    #[test]
    fn chunks_end_at_line_ends_and_count_lines() {
        let text = b"{\"a\":1}\n\n{\"b\":2}\nlast".to_vec();
        for (chunk_bytes, capacity) in [(3, 4), (1, 1), (8, 2), (9, 100), (100, 4)] {
            let reader = io::BufReader::with_capacity(capacity, io::Cursor::new(text.clone()));
            let mut reader: Box<dyn BufRead + Send> = Box::new(reader);
            let mut chunks = Chunker::new(chunk_bytes);
            let (mut joined, mut line, mut buf) = (Vec::new(), 1, Vec::new());
            while let Some(c) = chunks.next(&mut reader, buf).unwrap() {
                let at = (chunk_bytes, capacity);
                assert_eq!(c.first_line, line, "{at:?}");
                let newlines = count_newlines(&c.text);
                line += newlines;
                // Every chunk but the last ends a line.
                let whole = text.len() - joined.len() == c.text.len();
                assert!(whole || c.text.ends_with(b"\n"), "{at:?}");
                joined.extend_from_slice(&c.text);
                // The buffer goes back with bytes of its last use in it.
                buf = c.text;
            }
            assert_eq!(joined, text, "{chunk_bytes} {capacity}");
            assert_eq!(line, 4);
        }
    }
}
