//! The command line: arguments (clap) → validated config → one function per
//! subcommand. Errors become one line on stderr and an exit code:
//! 0 success, 1 nothing found (search, kwic), 2 error, 3 `--strict` and files
//! were skipped.

mod analyze;
mod check;
mod merge;
mod detect;
mod eval;
mod index;
mod info;
mod kwic;
mod output;
mod search;
mod stats;
mod themes;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::lang::Lang;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command ran but found nothing.
pub const EXIT_NOTHING: u8 = 1;
/// Exit code: the command failed.
pub const EXIT_ERROR: u8 = 2;
/// Exit code: `--strict` and some input was skipped.
pub const EXIT_SKIPPED: u8 = 3;

const AFTER_HELP: &str = "\
Examples:
  korpus index                         index ./corpus into ./korpus-index
  korpus search Kunden                 ranked hits with snippets
  korpus search '\"social media\" AND lang:de' --json
  korpus stats                         per-language summary and top terms
  korpus themes                        recurring themes per language and across
  korpus detect --per-line --json < sentences.txt
  korpus analyze --lang fa 'می روم'    how a text is tokenized and stemmed
  korpus index --prune                 re-index changed files, drop deleted ones
  korpus check                         verify checksums, schema and manifest

Exit codes: 0 ok, 1 nothing found, 2 error, 3 --strict and files were skipped.";

/// korpus: index a multilingual corpus (ar, de, fa, ru, sl) and ask it questions.
#[derive(Debug, Parser)]
#[command(name = "korpus", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Index folder.
    #[arg(
        long,
        global = true,
        env = "KORPUS_INDEX",
        default_value = "korpus-index"
    )]
    index: PathBuf,
    /// Print JSON lines instead of tables.
    #[arg(long, global = true)]
    json: bool,
    /// Threads that do the work (reading, detection, analysis, indexing,
    /// statistics): korpus keeps about this many cores busy (default: all
    /// cores; at most 4 × the cores, more is lowered with a warning).
    #[arg(long, short = 'j', global = true, value_parser = parse_jobs)]
    jobs: Option<u64>,
}

/// Threads per core `--jobs` may ask for: more only costs memory (a segment
/// writer and a memo per thread) and time.
const MAX_JOBS_PER_CORE: usize = 4;

impl Global {
    fn jobs(&self) -> usize {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        match self.jobs {
            None => cores,
            Some(j) => (j.min(usize::MAX as u64) as usize).min(cores * MAX_JOBS_PER_CORE),
        }
    }

    /// Warn once if `--jobs` asks for more threads than [`Global::jobs`] gives.
    fn warn_jobs(&self) {
        if let Some(j) = self.jobs {
            let n = self.jobs();
            if j as u128 > n as u128 {
                eprintln!(
                    "korpus: warning: --jobs {j} lowered to {n} ({MAX_JOBS_PER_CORE} per core on this machine)"
                );
            }
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Index files or folders (default: ./corpus), then print a summary.
    Index(index::IndexArgs),
    /// Search the index: ranked hits with snippets.
    Search(search::SearchArgs),
    /// Corpus statistics per language.
    Stats(stats::StatsArgs),
    /// Recurring themes per language and across languages.
    Themes(themes::ThemesArgs),
    /// Keyword-in-context concordance lines of a word.
    Kwic(kwic::KwicArgs),
    /// Detect the language of a text (file, or - for stdin).
    Detect(detect::DetectArgs),
    /// Show how a text is analyzed: tokens, normalized forms, stopwords, terms.
    Analyze(analyze::AnalyzeArgs),
    /// Show what is in the index and what happened to every input file.
    Info(info::InfoArgs),
    /// Verify the index: checksums, schema version, manifest consistency.
    Check(check::CheckArgs),
    /// Join the shard indexes of `index --shard I/N` into one index.
    Merge(merge::MergeArgs),
    /// Evaluate analysis or language identification on labelled data.
    Eval(eval::EvalArgs),
}

/// Parse a `--jobs` value: a whole number from 1 (larger than the machine
/// can use is lowered later, with a warning).
fn parse_jobs(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => Ok(u64::MAX),
        Err(_) => Err(format!("{s:?} is not a whole number")),
    }
}

/// Parse a `--lang` value.
fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse::<Lang>().map_err(|e| e.to_string())
}

/// Run the command line; the whole program.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let index = cli.global.index.clone();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if output::is_broken_pipe(&e) {
                return ExitCode::from(EXIT_OK);
            }
            let damage = e
                .chain()
                .find_map(|c| c.downcast_ref::<crate::Error>().and_then(|k| k.damage()));
            let full = e
                .chain()
                .any(|c| c.downcast_ref::<crate::Error>().is_some_and(|k| k.is_disk_full()));
            match damage {
                _ if full => eprintln!(
                    "korpus: error: {}: no space left on the device (or a quota or file size limit reached); the index stays at its last commit: free space and run `korpus index` again",
                    index.display()
                ),
                Some(what) => eprintln!(
                    "korpus: error: {}: the index is damaged ({what}); run `korpus check`, and `korpus index --force` to rebuild it",
                    index.display()
                ),
                None => eprintln!("korpus: error: {e:#}"),
            }
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let g = &cli.global;
    g.warn_jobs();
    match cli.command {
        Command::Index(a) => index::run(g, a),
        Command::Search(a) => search::run(g, a),
        Command::Stats(a) => stats::run(g, a),
        Command::Themes(a) => themes::run(g, a),
        Command::Kwic(a) => kwic::run(g, a),
        Command::Detect(a) => detect::run(g, a),
        Command::Analyze(a) => analyze::run(g, a),
        Command::Info(a) => info::run(g, a),
        Command::Check(a) => check::run(g, a),
        Command::Merge(a) => merge::run(g, a),
        Command::Eval(a) => eval::run(g, a),
    }
}
