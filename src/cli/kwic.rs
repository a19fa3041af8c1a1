//! `korpus kwic`: keyword-in-context concordance lines.

use std::io::Write;

use clap::Args;

use super::{parse_lang, Global, EXIT_NOTHING, EXIT_OK};
use crate::analysis::Analyzer;
use crate::index::KorpusIndex;
use crate::lang::Lang;
use crate::stats::kwic::{sample, sort_lines};
use crate::stats::{kwic_lines, render, KwicLine};

/// Arguments of `korpus kwic`.
#[derive(Debug, Args)]
#[command(
    after_help = "Each line starts with path:line:column of the match in the source file \
(1-based; the column counts characters in the raw line, so for a JSONL record it is the column \
inside the JSON as written, escapes included). Text extracted from HTML shows the path only.\n\n\
Examples:\n  korpus kwic Kunden\n  korpus kwic مشتری --width 30 --json\n  korpus kwic клиент --subset 'lang:ru'\n  korpus kwic Lieferung --sample 20 --seed 3"
)]
pub struct KwicArgs {
    /// The word: every inflected form with the same analyzer term matches.
    term: String,
    /// Characters of context on each side (1 to 10000).
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    width: u64,
    /// Only documents in this language.
    #[arg(long, value_parser = parse_lang)]
    lang: Option<Lang>,
    /// Only documents matching this query.
    #[arg(long)]
    subset: Option<String>,
    /// Print CSV.
    #[arg(long)]
    csv: bool,
    /// Lines to print (0: all): the first N, in file order.
    #[arg(long, short = 'n', default_value_t = 0)]
    limit: usize,
    /// Print N matches drawn evenly across documents (a seeded draw, the
    /// same for every --jobs), instead of the first ones.
    #[arg(long, value_name = "N", conflicts_with = "limit")]
    sample: Option<usize>,
    /// Seed of --sample.
    #[arg(long, default_value_t = 1, requires = "sample")]
    seed: u64,
}

/// Run `korpus kwic`.
pub fn run(g: &Global, a: KwicArgs) -> anyhow::Result<u8> {
    let index = KorpusIndex::open(&g.index)?;
    // The index preselects documents that contain the word in any language.
    let mut query = format!("\"{}\"", a.term.replace('"', " "));
    if let Some(s) = &a.subset {
        query = format!("({query}) AND ({s})");
    }
    if let Some(l) = a.lang {
        query = format!("({query}) AND lang:{}", l.code());
    }
    let mut lines: Vec<KwicLine> = Vec::new();
    index.for_each_batch(Some(&query), 256, |docs| {
        for d in &docs {
            let mut langs = d.token_langs.clone();
            langs.dedup();
            langs.sort();
            langs.dedup();
            // A match found in two languages' terms is one line.
            let mut starts = std::collections::HashSet::new();
            for l in langs {
                if let Some(t) = Analyzer::get(l).analyze(&a.term).into_iter().next() {
                    for line in kwic_lines(d, &t.term, a.width as usize) {
                        if starts.insert(line.start) {
                            lines.push(line);
                        }
                    }
                }
            }
        }
        Ok(())
    })?;
    sort_lines(&mut lines);
    if let Some(n) = a.sample {
        lines = sample(lines, n, a.seed);
    } else if a.limit > 0 {
        lines.truncate(a.limit);
    }
    let fmt = if g.json {
        render::Format::Jsonl
    } else if a.csv {
        render::Format::Csv
    } else {
        render::Format::Human
    };
    let mut out = std::io::stdout().lock();
    out.write_all(render::render(&lines, fmt).as_bytes())?;
    Ok(if lines.is_empty() {
        EXIT_NOTHING
    } else {
        EXIT_OK
    })
}
