//! `korpus search`: ranked hits with highlighted snippets.

use std::io::Write;

use clap::Args;

use super::{output, parse_lang, Global, EXIT_NOTHING, EXIT_OK};
use crate::index::{KorpusIndex, SearchOptions};
use crate::lang::Lang;

/// Arguments of `korpus search`.
#[derive(Debug, Args)]
#[command(
    after_help = "Query syntax: words (all must match), \"a phrase\", a OR b, a AND NOT b, (grouping),\n\
field filters lang:de, path:corpus/x.txt, meta.source:tickets, body:word (every language).\n\
Each word is analyzed in every language, so inflected forms match.\n\
A hit is named path:line for a record of a JSONL, CSV or TSV file (the line it starts on), path for a whole file.\n\n\
Examples:\n  korpus search Kunde\n  korpus search 'клиент OR клиентов' --lang ru --limit 5\n  korpus search '\"social media\"' --json"
)]
pub struct SearchArgs {
    /// The query.
    query: String,
    /// Only documents in this language.
    #[arg(long, value_parser = parse_lang)]
    lang: Option<Lang>,
    /// Number of hits (0: all).
    #[arg(long, short = 'n', default_value_t = 10)]
    limit: usize,
    /// Skip this many hits (paging).
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Ignore the parts of the query that cannot be parsed instead of failing.
    #[arg(long)]
    lenient: bool,
}

/// Run `korpus search`.
pub fn run(g: &Global, a: SearchArgs) -> anyhow::Result<u8> {
    let index = KorpusIndex::open(&g.index)?;
    let opts = SearchOptions {
        lang: a.lang,
        limit: a.limit,
        offset: a.offset,
        lenient: a.lenient,
        ..SearchOptions::default()
    };
    let res = index.search(&a.query, &opts)?;
    let mut out = std::io::stdout().lock();
    if g.json {
        for h in &res.hits {
            output::json_line(&mut out, h)?;
        }
    } else {
        let tty = output::stdout_is_tty();
        writeln!(out, "{} matching documents", res.total)?;
        if res.hits.is_empty() && res.total > 0 {
            writeln!(out, "(none from --offset {}: there are {})", a.offset, res.total)?;
        }
        for h in &res.hits {
            writeln!(
                out,
                "{:>3}. {:>7.3}  {:<3}  {}",
                h.rank,
                h.score,
                h.lang.code(),
                crate::corpus::location(&h.path, h.line)
            )?;
            writeln!(out, "      {}", highlight(&h.snippet, &h.highlights, tty))?;
        }
    }
    out.flush()?;
    // Exit 1 means no document matched (as grep), not an offset past them.
    Ok(if res.total == 0 {
        EXIT_NOTHING
    } else {
        EXIT_OK
    })
}

/// Mark highlighted ranges: bold on a terminal, `[…]` otherwise. Text stays in
/// logical order, so right-to-left scripts display correctly in a bidi terminal.
pub fn highlight(text: &str, ranges: &[(usize, usize)], tty: bool) -> String {
    let (open, close) = if tty {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    let mut s = String::with_capacity(text.len() + ranges.len() * 8);
    let mut last = 0;
    for &(a, b) in ranges {
        if a < last || b > text.len() {
            continue;
        }
        s.push_str(&text[last..a]);
        s.push_str(open);
        s.push_str(&text[a..b]);
        s.push_str(close);
        last = b;
    }
    s.push_str(&text[last..]);
    s
}
