//! `korpus themes`: recurring themes per language and across languages, with
//! the evidence for every cross-language link and a quality report.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{parse_lang, Global, EXIT_OK};
use crate::index::KorpusIndex;
use crate::lang::Lang;
use crate::themes::{self, render, ThemeBuilder, ThemeOptions};

/// Arguments of `korpus themes`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  korpus themes\n  korpus themes --lang de --json\n  korpus themes --pairs            # translations and near-duplicates\n  korpus themes --lexicon de-sl.tsv --seed 7"
)]
pub struct ThemesArgs {
    /// Only this language.
    #[arg(long, value_parser = parse_lang)]
    lang: Option<Lang>,
    /// List near-duplicate documents and probable translations instead of themes.
    #[arg(long)]
    pairs: bool,
    /// Themes per language, 1 to 200 (default: chosen from the data; never
    /// more than the language has documents or passages).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=200))]
    k: Option<u64>,
    /// Seed of every random choice (results are identical for the same seed).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// A TSV of word pairs in two languages (word_a<TAB>word_b) that adds cross-language links.
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Only documents matching this query.
    #[arg(long)]
    subset: Option<String>,
    /// Keep boilerplate (lines repeated across a source's documents, ad markers).
    #[arg(long)]
    keep_boilerplate: bool,
    /// Let these token kinds into themes beside words (comma-separated:
    /// number, url, email, handle, hashtag, emoji, emoticon, marker, or all).
    #[arg(long, value_name = "KINDS", value_parser = super::stats::parse_include)]
    include: Option<crate::analysis::Kinds>,
}

/// Run `korpus themes`.
pub fn run(g: &Global, a: ThemesArgs) -> anyhow::Result<u8> {
    let index = KorpusIndex::open(&g.index)?;
    let mut opts = ThemeOptions {
        lang: a.lang,
        k: a.k.map(|k| k as usize),
        seed: a.seed,
        ..ThemeOptions::default()
    };
    if let Some(p) = &a.lexicon {
        opts.lexicon = Some(themes::load_lexicon(p)?);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(g.jobs())
        .build()?;
    let text = pool.install(|| -> anyhow::Result<String> {
        let mut builder = ThemeBuilder::new(opts);
        let view = crate::corpus::View {
            keep_boilerplate: a.keep_boilerplate,
            include: a.include.unwrap_or_default(),
        };
        index.for_each_clean_batch(a.subset.as_deref(), 1024, view, |docs| {
            builder.add_batch(&docs);
            Ok(())
        })?;
        Ok(if a.pairs {
            let pairs = builder.pairs();
            if g.json {
                render::render_pairs_jsonl(&pairs)
            } else {
                render::render_pairs_text(&pairs)
            }
        } else {
            let report = builder.finish();
            if g.json {
                render::render_jsonl(&report)
            } else {
                render::render_text(&report)
            }
        })
    })?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(EXIT_OK)
}
