//! `leadscore score`: one record per input lead, in input order, then a
//! one-line summary on stderr.

use super::fit;
use super::input::{self, Lead, Leads, Source, Stream};
use super::load;
use super::output::{self, OutputFile, Scored, Writer};
use super::{note, OutputFormat, ScoreArgs, Status, Stop};
use crate::datafit::RunFacts;
use crate::eval::{Census, EvalOptions, Program};
use serde_json::Value;
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, Instant};

mod lines;

/// Scores every lead of every input and writes the records.
pub fn run(args: &ScoreArgs) -> Result<Status, Stop> {
    if args.explain && args.format == OutputFormat::Csv {
        return Err(Stop::Trouble(
            "--explain needs --format jsonl: reasons do not fit in a CSV cell".into(),
        ));
    }
    refuse_overwrite(args)?;
    let started = Instant::now();
    let program = load::program(&args.rules)?;
    let sources = open_all(&args.input.leads)?;
    let (out, file) = destination(args.output.as_deref())?;
    let config = output::Config {
        format: args.format,
        explain: args.explain,
    };
    let mut writer = Writer::new(out, &program, config).map_err(Stop::write)?;
    let mut ctx = Context::new(&program, &args.input);
    let mut tally = Tally::new(&program);
    let mut columns = Vec::new();
    let many = sources.len() > 1;
    let pipeline = lines::Config {
        threads: args.threads.map_or_else(lines::all_cores, usize::from),
        explain: args.explain,
        chunk_bytes: lines::CHUNK_BYTES,
    };
    for source in sources {
        ctx.file = many.then(|| source.name.clone());
        let name = source.name.clone();
        let read = args.input.reading(program.ruleset());
        let stream = input::stream(source, &read).map_err(Stop::Trouble)?;
        match stream {
            Stream::Leads(leads) => score_stream(&ctx, leads, &mut writer, &mut tally),
            Stream::Csv { header, leads } => {
                fit::header_supplies_some(&program, &header, &ctx.id, &name)?;
                fit::add_columns(&mut columns, header);
                score_stream(&ctx, leads, &mut writer, &mut tally)
            }
            Stream::Lines(reader) => lines::score(&ctx, reader, &pipeline, &mut writer, &mut tally),
        }
        .map_err(|e| read_error(&name, e))?;
    }
    writer.finish().map_err(Stop::write)?;
    if let Some(file) = file {
        file.commit()
            .map_err(|e| Stop::Trouble(format!("cannot write output: {e}")))?;
    }
    let elapsed = started.elapsed();
    note(&tally.summary(elapsed));
    let facts = RunFacts {
        columns,
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
    let fit = fit::finish(&program, &tally.census, &facts, counts, &args.fit)?;
    Ok(tally.status().max(fit))
}

/// The read → score → write loop over leads already read (a JSON array,
/// CSV); JSON Lines go through [`lines::score`].
fn score_stream(
    ctx: &Context,
    leads: Leads,
    out: &mut Writer,
    tally: &mut Tally,
) -> Result<(), Failure> {
    for lead in leads {
        let scored = score_one(ctx, lead.map_err(Failure::Read)?, &mut tally.census);
        tally.add(&scored);
        out.write(ctx.program, &scored).map_err(Failure::Write)?;
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
        Failure::Read(e) => Stop::Trouble(format!("cannot read {name}: {e}")),
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
    match lead.value {
        Err(bad) => Scored {
            id: bad.partial.map_or(Value::Null, |p| lead_id(&p, &ctx.id)),
            result: Err(format!("{place}: {}", bad.message)),
        },
        Ok(value) => Scored {
            id: lead_id(&value, &ctx.id),
            result: ctx
                .program
                .score_counted(&value, &ctx.opts, census)
                .map_err(|e| format!("{place}: {}", e.message)),
        },
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
            let cannot = |e| Stop::Trouble(format!("cannot write {}: {e}", p.display()));
            let file = OutputFile::create(p).map_err(cannot)?;
            let handle = file.handle().map_err(cannot)?;
            Ok((Box::new(handle), Some(file)))
        }
    }
}

/// Refuses (exit 2, before anything is read) an `-o` file that is one of
/// the inputs or the rules file, also through a link.
fn refuse_overwrite(args: &ScoreArgs) -> Result<(), Stop> {
    let Some(output) = args.output.as_deref() else {
        return Ok(());
    };
    let mut inputs: Vec<&Path> = args.input.leads.iter().map(Path::new).collect();
    if inputs.is_empty() {
        inputs.push(Path::new("-"));
    }
    inputs.push(&args.rules);
    match output::same_files(output, &inputs).first() {
        Some(input) => Err(Stop::Trouble(crate::diagnostics::io::output_is_input(
            output, input,
        ))),
        None => Ok(()),
    }
}

/// Counts for the summary line and the end-of-run report.
#[derive(Debug, Clone)]
struct Tally {
    leads: u64,
    failed: u64,
    mismatches: u64,
    /// Leads without a value at the `--id` path.
    without_id: u64,
    /// Per field and rule counts of the leads scored.
    census: Census,
}

impl Tally {
    fn new(program: &Program) -> Tally {
        Tally {
            leads: 0,
            failed: 0,
            mismatches: 0,
            without_id: 0,
            census: program.census(),
        }
    }

    /// Counts a record (its lead is already in the census when it was scored).
    fn add(&mut self, scored: &Scored) {
        let mismatches = scored.result.as_ref().ok().map(|o| o.mismatches);
        self.add_result(&scored.id, mismatches);
    }

    /// Counts a lead with its id: `Some(mismatches)` when scored, `None` when it failed.
    fn add_result(&mut self, id: &Value, mismatches: Option<u32>) {
        self.leads += 1;
        self.without_id += u64::from(id.is_null());
        match mismatches {
            Some(m) => self.mismatches += u64::from(m),
            None => self.failed += 1,
        }
    }

    fn merge(&mut self, other: &Tally) {
        self.leads += other.leads;
        self.failed += other.failed;
        self.mismatches += other.mismatches;
        self.without_id += other.without_id;
        self.census.merge(&other.census);
    }

    /// `scored 3 leads, 1 failed in 0.12s` (with `, K type mismatches` when any).
    fn summary(&self, elapsed: Duration) -> String {
        let leads = if self.leads == 1 { "lead" } else { "leads" };
        let mut line = format!("scored {} {leads}, {} failed", self.leads, self.failed);
        if self.mismatches > 0 {
            let noun = if self.mismatches == 1 {
                "mismatch"
            } else {
                "mismatches"
            };
            line.push_str(&format!(", {} type {noun}", self.mismatches));
        }
        line.push_str(&format!(" in {:.2}s", elapsed.as_secs_f64()));
        line
    }

    fn status(&self) -> Status {
        if self.failed > 0 {
            Status::LeadErrors
        } else {
            Status::Success
        }
    }
}
