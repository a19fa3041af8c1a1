//! `korpus eval`: quality figures on labelled data, side by side with baselines.
//!
//! - `eval analysis DIR`: conflation P/R/F1 of each analyzer on UD gold lemmas
//!   (`DIR/<lang>.tsv`, see `../shared/analysis/METRIC.md`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::{output, Global, EXIT_OK};

/// Arguments of `korpus eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    what: EvalWhat,
}

#[derive(Debug, Subcommand)]
enum EvalWhat {
    /// Conflation precision/recall/F1 of the analyzers vs baselines.
    #[command(after_help = "Example:\n  korpus eval analysis ../shared/analysis/dev")]
    Analysis {
        /// Folder with ar.tsv, ar-clitics.tsv, de.tsv, fa.tsv, ru.tsv, sl.tsv.
        dir: PathBuf,
    },
}

/// Run `korpus eval`.
pub fn run(g: &Global, a: EvalArgs) -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    match a.what {
        EvalWhat::Analysis { dir } => {
            let report = crate::analysis::eval::eval_dir(&dir).with_context(|| format!("{}", dir.display()))?;
            if g.json {
                for r in &report.rows {
                    output::json_line(&mut out, r)?;
                }
            } else {
                write!(out, "{report}")?;
            }
        }
    }
    Ok(EXIT_OK)
}
