//! `korpus analyze`: how a text is tokenized, normalized, stopped and stemmed,
//! like Elasticsearch's `_analyze`. The terms shown are exactly what the index
//! stores and what queries are turned into.

use std::io::Write;

use clap::Args;
use serde::Serialize;

use super::{detect::read_input, output, parse_lang, Global, EXIT_OK};
use crate::analysis::Analyzer;
use crate::lang::Lang;

/// Arguments of `korpus analyze`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  korpus analyze --lang de 'Die Kundenservice-Strategien'\n  korpus analyze --lang fa --explain 'می روم'\n  cut -f1 forms.tsv | korpus analyze --lang ru --json -"
)]
pub struct AnalyzeArgs {
    /// Language of the text.
    #[arg(long, value_parser = parse_lang)]
    lang: Lang,
    /// Show which rule produced each term.
    #[arg(long)]
    explain: bool,
    /// The text, or - to read standard input.
    #[arg(default_value = "-")]
    text: String,
}

#[derive(Serialize)]
struct Row<'a> {
    token: &'a str,
    normalized: &'a str,
    term: &'a str,
    start: usize,
    end: usize,
    position: u32,
    /// Not indexed (a stopword).
    stop: bool,
    /// A light verb form: indexed, but left out of statistics.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    light: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    extra: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'static str>,
}

/// Run `korpus analyze`.
pub fn run(g: &Global, a: AnalyzeArgs) -> anyhow::Result<u8> {
    let text = if a.text == "-" {
        read_input(&"-".into())?
    } else {
        a.text
    };
    let analyzer = Analyzer::get(a.lang);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    // Line by line, so a word list (one form per line) is analyzed form by form.
    let mut base = 0;
    let mut table = output::Table::new(&["token", "normalized", "term", "stop", "extra", "rule"]);
    for line in text.split_inclusive('\n') {
        for t in analyzer.analyze(line) {
            let row = Row {
                token: t.surface(line),
                normalized: &t.normalized,
                term: &t.term,
                start: base + t.start,
                end: base + t.end,
                position: t.position,
                stop: !t.indexed(),
                light: t.light,
                extra: &t.extra,
                rule: if a.explain { t.rule } else { None },
            };
            if g.json {
                output::json_line(&mut out, &row)?;
            } else {
                table.row(vec![
                    row.token.to_string(),
                    row.normalized.to_string(),
                    if t.indexed() {
                        row.term.to_string()
                    } else {
                        "-".into()
                    },
                    if t.light {
                        "light".into()
                    } else if t.stop {
                        "stop".into()
                    } else {
                        String::new()
                    },
                    t.extra.join(" "),
                    if a.explain {
                        t.rule.unwrap_or("").to_string()
                    } else {
                        String::new()
                    },
                ]);
            }
        }
        base += line.len();
    }
    if !g.json {
        table.write(&mut out)?;
    }
    out.flush()?;
    Ok(EXIT_OK)
}
