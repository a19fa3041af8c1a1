//! The command line: arguments (clap) → validated config → one function per
//! subcommand. Errors become one line on stderr and an exit code:
//! 0 success, 1 nothing found (search, kwic), 2 error, 3 `--strict` and files
//! were skipped.

mod analyze;
mod check;
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
    /// cores).
    #[arg(long, short = 'j', global = true)]
    jobs: Option<usize>,
}

impl Global {
    fn jobs(&self) -> usize {
        self.jobs
            .unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1)
            })
            .max(1)
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
    /// Evaluate analysis or language identification on labelled data.
    Eval(eval::EvalArgs),
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
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if output::is_broken_pipe(&e) {
                return ExitCode::from(EXIT_OK);
            }
            eprintln!("korpus: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let g = &cli.global;
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
        Command::Eval(a) => eval::run(g, a),
    }
}
