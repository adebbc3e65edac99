//! `leadscore score`: one record per input lead, in input order, then a
//! one-line summary on stderr.

use super::fit;
use super::input::{self, Lead, Leads, Source, Stream};
use super::load;
use super::output::{self, Keep, OutputFile, Scored, Shape, Writer};
use super::progress::{ByteCount, Progress};
use super::{note, OutputFormat, ScoreArgs, Status, Stop};
use crate::datafit::RunFacts;
use crate::diagnostics::io as io_words;
use crate::eval::{id_as_written, Census, EvalOptions, Program, RecordNames};
use serde_json::Value;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

mod accounts;
mod lines;
mod tally;
mod write_back;

use accounts::Roll;
use write_back::{Columns, Spool};

use tally::Tally;

/// Scores every lead of every input and writes the records.
pub fn run(args: &ScoreArgs) -> Result<Status, Stop> {
    let format = output::format_for(args.format, args.output.as_deref()).map_err(Stop::Trouble)?;
    if args.explain && format != OutputFormat::Jsonl {
        return Err(Stop::Trouble(
            crate::diagnostics::output::explain_needs_jsonl(),
        ));
    }
    super::swap::check_score(&args.rules, &args.input.leads)?;
    refuse_overwrite(args)?;
    let started = Instant::now();
    let program = load::program(&args.rules, args.input.timezone.as_ref())?;
    let (program, roll) = Roll::of(args, program)?;
    let shape = shape(&program, args)?;
    let mut columns = match (&roll, args.account_columns) {
        (Some(roll), true) => Some(Columns::new(roll.program.ruleset(), &shape)?),
        (Some(_) | None, _) => None,
    };
    let spool = columns.as_ref().map(|_| Spool::new()).transpose()?;
    let read = ByteCount::default();
    let sources = open_all(&args.input.leads)?;
    let sources: Vec<Source> = sources.into_iter().map(|s| s.counted(&read)).collect();
    let size = sources.iter().map(|s| s.size).sum::<Option<u64>>();
    let (out, file) = destination(args.output.as_deref())?;
    let (out, mut held) = match &spool {
        Some(spool) => (spool.records_out()?, Some(out)),
        None => (out, None),
    };
    let config = output::Config {
        format,
        explain: args.explain,
    };
    let mut ctx = Context::new(&program, &args.input);
    ctx.keep = shape.keep.clone();
    ctx.roll = roll.as_ref();
    ctx.account_columns = spool.is_some();
    let writer = Writer::new(out, shape.clone(), config).map_err(Stop::write)?;
    let mut sink = Sink {
        out: writer,
        tally: ctx.tally(),
        progress: Progress::reading("leads", &read, size),
        flush_each: false,
        keys: spool.as_ref().map(Spool::keys_out).transpose()?,
    };
    let mut header_columns = Vec::new();
    let many = sources.len() > 1;
    let pipeline = lines::Config {
        threads: args.threads.map_or_else(lines::all_cores, usize::from),
        explain: args.explain,
        chunk_bytes: lines::CHUNK_BYTES,
    };
    for source in sources {
        ctx.file = many.then(|| source.name.clone());
        sink.flush_each = source.streaming;
        let chunks = lines::Config {
            chunk_bytes: if source.streaming {
                1
            } else {
                pipeline.chunk_bytes
            },
            ..pipeline
        };
        let name = source.name.clone();
        if source.is_terminal && !super::settings().quiet {
            note(crate::diagnostics::cli::reading_stdin());
        }
        let read = args.input.reading(program.ruleset());
        let stream = input::stream(source, &read).map_err(Stop::Trouble)?;
        match stream {
            Stream::Leads(leads) => score_stream(&ctx, leads, &mut sink),
            Stream::Table { header, leads } => {
                fit::header_supplies_some(&program, &header, &ctx.id, &name)?;
                let unkept = header.into_iter().filter(|c| !ctx.keep.reads_column(c));
                fit::add_columns(&mut header_columns, unkept.collect());
                score_stream(&ctx, leads, &mut sink)
            }
            Stream::Lines(reader) => lines::score(&ctx, reader, &chunks, &mut sink),
        }
        .map_err(|e| read_error(&name, e))?;
    }
    sink.progress.finish();
    sink.out.finish().map_err(Stop::write)?;
    if let Some(keys) = &mut sink.keys {
        keys.flush().map_err(Stop::write)?;
    }
    let mut tally = sink.tally;
    let mut failed_accounts = 0;
    if let Some(roll) = &roll {
        let accounts = tally.accounts.take().unwrap_or_default();
        failed_accounts = roll.finish(args, accounts, &ctx.opts, columns.as_mut())?;
    }
    if let (Some(spool), Some(columns), Some(out)) = (spool, &columns, held.as_mut()) {
        spool
            .copy(columns, &shape, format, out)
            .map_err(Stop::write)?;
    }
    drop(held);
    if let Some(file) = file {
        file.commit()
            .map_err(|e| Stop::Trouble(io_words::output_failed(&e)))?;
    }
    let elapsed = started.elapsed();
    if !super::settings().quiet {
        for line in tally.summary(program.ruleset(), elapsed) {
            note(&line);
        }
    }
    let facts = RunFacts {
        columns: header_columns,
        id: ctx.id.clone(),
        leads: tally.leads,
        without_id: tally.without_id,
    };
    let counts = serde_json::json!({
        "leads": tally.leads,
        "failed": tally.failed,
        "type_mismatches": tally.mismatches,
        "seconds": elapsed.as_secs_f64(),
    });
    let findings = fit::of_run(&program, &tally.census, &facts);
    let fit = fit::finish(&findings, counts, &args.fit)?;
    let status = if failed_accounts > 0 {
        Status::LeadErrors
    } else {
        tally.status()
    };
    Ok(status.max(fit))
}

/// The output columns `--keep`, `--rename` and `--csv-raw` ask for.
fn shape(program: &Program, args: &ScoreArgs) -> Result<Shape, Stop> {
    let asked = output::Asked {
        keep: &args.keep,
        rename: &args.rename,
        csv_raw: args.csv_raw,
    };
    let names = RecordNames::of(program.ruleset());
    Shape::new(names, &program.ruleset().lead_type, asked).map_err(Stop::Trouble)
}

/// Where scored leads go: the writer, the counts for the summary, the
/// progress bar; `flush_each` writes each record (or chunk) through at once
/// (for an input that arrives slowly, such as a pipe).
pub(super) struct Sink {
    out: Writer,
    tally: Tally,
    progress: Progress,
    flush_each: bool,
    /// With `--account-columns`, where each record's account key goes.
    keys: Option<std::io::BufWriter<std::fs::File>>,
}

impl Sink {
    /// Writes one record and counts it (its lead is already in the census).
    fn record(&mut self, program: &Program, scored: &Scored) -> Result<(), Failure> {
        self.tally.add(&scored.id, scored.result.as_ref().ok());
        self.out.write(program, scored).map_err(Failure::Write)?;
        self.write_keys()?;
        self.progress.add(1);
        self.flush()
    }

    /// Writes the account keys noted so far to their file.
    fn write_keys(&mut self) -> Result<(), Failure> {
        if let (Some(out), Some(keys)) = (&mut self.keys, &mut self.tally.keys) {
            out.write_all(keys).map_err(Failure::Write)?;
            keys.clear();
        }
        Ok(())
    }

    /// Writes the rest of the output through when records should not wait.
    fn flush(&mut self) -> Result<(), Failure> {
        if self.flush_each {
            self.out.flush().map_err(Failure::Write)?;
        }
        Ok(())
    }
}

/// The read → score → write loop over leads already read (a JSON array,
/// CSV); JSON Lines go through [`lines::score`].
fn score_stream(ctx: &Context, leads: Leads, sink: &mut Sink) -> Result<(), Failure> {
    for lead in leads {
        let lead = lead.map_err(Failure::Read)?;
        let needs_lead = ctx.roll.is_some_and(Roll::needs_lead);
        let value = needs_lead.then(|| lead.value.as_ref().ok().cloned());
        let mut scored = score_one(ctx, lead, &mut sink.tally.census);
        if let Ok(outcome) = &mut scored.result {
            ctx.add_to_account(&mut sink.tally, outcome, value.flatten().as_ref());
        }
        sink.record(ctx.program, &scored)?;
    }
    Ok(())
}

/// What stopped a stream: reading the input or writing the output.
enum Failure {
    Read(io::Error),
    Write(io::Error),
}

fn read_error(name: &str, failure: Failure) -> Stop {
    match failure {
        Failure::Read(e) => Stop::Trouble(io_words::read_failed(name, &e)),
        Failure::Write(e) => Stop::write(e),
    }
}

/// What scoring one lead needs besides the lead.
pub struct Context<'p> {
    /// The compiled rules.
    pub program: &'p Program,
    /// The clock.
    pub opts: EvalOptions,
    /// The `--id` field path.
    pub id: Vec<String>,
    /// The input's name, shown in error messages when there are several inputs.
    pub file: Option<String>,
    /// The fields copied into each record (`--keep`).
    pub keep: Keep,
    /// The account roll-up (`--accounts`, `--account-columns`).
    pub roll: Option<&'p Roll>,
    /// `--account-columns`: each lead's account key is noted in its tally.
    pub account_columns: bool,
}

impl<'p> Context<'p> {
    /// The context for `program` with the options of `args`.
    pub fn new(program: &'p Program, args: &super::LeadsArgs) -> Context<'p> {
        Context {
            program,
            opts: EvalOptions {
                as_of: args.as_of(),
            },
            id: args.id_path(),
            file: None,
            keep: Keep::default(),
            roll: None,
            account_columns: false,
        }
    }

    /// Empty counts for a part of the input (noting account keys with
    /// `--account-columns`).
    pub(super) fn tally(&self) -> Tally {
        Tally::noting_keys(self.program, self.account_columns)
    }

    /// Adds a scored lead to its account, when accounts are rolled up.
    /// `lead` is the lead itself when the roll-up needs it.
    fn add_to_account(
        &self,
        tally: &mut Tally,
        outcome: &mut crate::eval::Outcome,
        lead: Option<&Value>,
    ) {
        let Some(roll) = self.roll else { return };
        let mut key = None;
        let noting = self.account_columns;
        roll.add(&mut tally.accounts, outcome, lead, |k| {
            if noting {
                key = Some(k.to_string());
            }
        });
        if let Some(key) = key {
            tally.note_key(&key);
        }
    }

    /// `line 7`, or `leads.jsonl line 7` when there are several inputs.
    pub fn place(&self, at: input::Loc) -> String {
        match &self.file {
            Some(file) => format!("{file} {at}"),
            None => at.to_string(),
        }
    }
}

/// Scores one lead as read and counts it into `census`; a lead that could
/// not be read or scored gives an error record (with its id when it has one).
pub fn score_one(ctx: &Context, lead: Lead, census: &mut Census) -> Scored {
    let place = ctx.place(lead.at);
    let kept = |lead: &Value| {
        if ctx.keep.is_empty() {
            Vec::new()
        } else {
            ctx.keep.values(lead)
        }
    };
    match lead.value {
        Err(bad) => Scored {
            id: bad
                .partial
                .as_ref()
                .map_or(Value::Null, |p| lead_id(p, &ctx.id)),
            kept: kept(bad.partial.as_ref().unwrap_or(&Value::Null)),
            result: Err(format!("{place}: {}", bad.message)),
        },
        Ok(value) => Scored {
            id: written_id(&value, lead.text.as_deref(), &ctx.id),
            kept: kept(&value),
            result: ctx
                .program
                .score_counted(&value, &ctx.opts, census)
                .map_err(|e| format!("{place}: {e}")),
        },
    }
}

/// The id at the dotted field path `path`, echoed as written in the lead's
/// `text` when the reader kept it (see [`id_as_written`]), so that `1e2`
/// stays `1e2` in every command.
pub fn written_id(value: &Value, text: Option<&str>, path: &[String]) -> Value {
    let id = lead_id(value, path);
    match text {
        Some(text) => id_as_written(id, text.as_bytes(), path),
        None => id,
    }
}

/// The value at a dotted field path, or null.
pub fn lead_id(lead: &Value, path: &[String]) -> Value {
    crate::eval::value_at(lead, path)
}

/// Opens every input before anything is written, so a missing file stops the
/// run cleanly. No inputs means stdin.
pub fn open_all(names: &[String]) -> Result<Vec<Source>, Stop> {
    if names.is_empty() {
        return Ok(vec![input::open("-").map_err(Stop::Trouble)?]);
    }
    names
        .iter()
        .map(|n| input::open(n).map_err(Stop::Trouble))
        .collect()
}

/// Stdout, or `path` through an [`OutputFile`].
fn destination(path: Option<&Path>) -> Result<(Box<dyn Write + Send>, Option<OutputFile>), Stop> {
    match path {
        None => Ok((Box::new(io::stdout()), None)),
        Some(p) if p == Path::new("-") => Ok((Box::new(io::stdout()), None)),
        Some(p) => {
            let cannot = |e| Stop::Trouble(io_words::cannot_write(p, &e));
            let file = OutputFile::create(p).map_err(cannot)?;
            let handle = file.handle().map_err(cannot)?;
            Ok((Box::new(handle), Some(file)))
        }
    }
}

/// Refuses (exit 2, before anything is read) an `-o` file that is one of
/// the inputs or the rules file, also through a link.
fn refuse_overwrite(args: &ScoreArgs) -> Result<(), Stop> {
    let mut inputs: Vec<&Path> = args.input.leads.iter().map(Path::new).collect();
    if inputs.is_empty() {
        inputs.push(Path::new("-"));
    }
    inputs.push(&args.rules);
    if let Some(output) = args.output.as_deref() {
        refuse_same(output, &inputs)?;
        inputs.push(output);
    }
    let Some(accounts) = args.accounts.as_deref() else {
        return Ok(());
    };
    if args.output.as_deref() == Some(accounts) {
        return Err(Stop::Trouble(crate::diagnostics::io::output_is_input(
            accounts, accounts,
        )));
    }
    refuse_same(accounts, &inputs)
}

/// Refuses an output file that is one of `inputs`.
fn refuse_same(output: &Path, inputs: &[&Path]) -> Result<(), Stop> {
    match output::same_files(output, inputs).first() {
        Some(input) => Err(Stop::Trouble(crate::diagnostics::io::output_is_input(
            output, input,
        ))),
        None => Ok(()),
    }
}

impl Tally {
    fn status(&self) -> Status {
        if self.failed > 0 {
            Status::LeadErrors
        } else {
            Status::Success
        }
    }
}
