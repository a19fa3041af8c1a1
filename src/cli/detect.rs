//! `korpus detect`: the language of a text, a file, or each line of stdin.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::{output, Global, EXIT_OK};
use crate::detect::Detector;
use crate::lang::Lang;

/// Arguments of `korpus detect`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  korpus detect corpus/004_e2491033dfca4b44.txt\n  echo 'Hvala za pomoč' | korpus detect --json\n  korpus detect --per-line --json < sentences.txt"
)]
pub struct DetectArgs {
    /// File to read, or - for standard input.
    #[arg(default_value = "-")]
    input: PathBuf,
    /// One result per input line.
    #[arg(long)]
    per_line: bool,
    /// Also print the language segments of the text.
    #[arg(long)]
    segments: bool,
    /// Target languages (comma-separated).
    #[arg(long, default_value = "ar,de,fa,ru,sl")]
    languages: String,
}

/// Read a file or stdin as text (lossy UTF-8 decoding is not used: input must decode).
pub fn read_input(path: &PathBuf) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
    } else {
        bytes = std::fs::read(path).with_context(|| format!("{}", path.display()))?;
    }
    match crate::ingest::decode::decode(&bytes, None) {
        Ok(d) => Ok(d.text),
        Err(crate::ingest::decode::DecodeSkip::Empty) => Ok(String::new()),
        Err(e) => anyhow::bail!("{}: {e}", path.display()),
    }
}

/// Run `korpus detect`.
pub fn run(g: &Global, a: DetectArgs) -> anyhow::Result<u8> {
    let targets = Lang::parse_list(&a.languages)?;
    let detector = Detector::new(&targets);
    let text = read_input(&a.input)?;
    let mut out = std::io::stdout().lock();
    let units: Vec<&str> = if a.per_line {
        text.lines().collect()
    } else {
        vec![text.as_str()]
    };
    // `und` says which other language the text is most like, if any.
    let most_like = |d: &crate::detect::Detection| {
        d.other
            .as_deref()
            .map(|o| format!(" (most like {o})"))
            .unwrap_or_default()
    };
    for unit in units {
        let d = detector.detect(unit);
        if g.json {
            output::json_line(&mut out, &d)?;
        } else {
            writeln!(
                out,
                "{}\t{:.2}{}",
                d.lang.code(),
                d.confidence,
                most_like(&d)
            )?;
        }
        if a.segments {
            for s in detector.segments(unit) {
                if g.json {
                    output::json_line(&mut out, &s)?;
                } else {
                    let d = &s.detection;
                    writeln!(
                        out,
                        "  {}..{}\t{}\t{:.2}{}",
                        s.start,
                        s.end,
                        d.lang,
                        d.confidence,
                        most_like(d)
                    )?;
                }
            }
        }
    }
    Ok(EXIT_OK)
}
