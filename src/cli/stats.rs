//! `korpus stats`: statistics per language over the analyzer's terms.

use std::collections::BTreeMap;
use std::io::Write;

use clap::Args;
use serde::Serialize;

use super::{output, Global, EXIT_OK};
use crate::corpus::AnalyzedDoc;
use crate::index::KorpusIndex;

/// Arguments of `korpus stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Only documents matching this query (search syntax, e.g. `lang:de`).
    #[arg(long)]
    subset: Option<String>,
    /// Number of top terms per language.
    #[arg(long, default_value_t = 20)]
    top: usize,
}

#[derive(Default)]
struct Acc {
    documents: u64,
    tokens: u64,
    stopwords: u64,
    counts: BTreeMap<String, (u64, BTreeMap<String, u64>)>,
}

impl Acc {
    fn add(&mut self, d: &AnalyzedDoc, lang_filter: Option<crate::Lang>) {
        let mut any = false;
        for (t, &l) in d.tokens.iter().zip(&d.token_langs) {
            if lang_filter.is_some_and(|f| f != l) {
                continue;
            }
            any = true;
            self.tokens += 1;
            if t.stop {
                self.stopwords += 1;
            }
            let e = self.counts.entry(t.term.clone()).or_default();
            e.0 += 1;
            if !t.stop {
                *e.1.entry(d.surface(t).to_string()).or_default() += 1;
            }
        }
        if any || lang_filter.is_none() {
            self.documents += 1;
        }
    }
}

#[derive(Serialize)]
struct TopTerm {
    term: String,
    surface: String,
    count: u64,
}

#[derive(Serialize)]
struct LangStats {
    lang: String,
    documents: u64,
    tokens: u64,
    types: u64,
    ttr: f64,
    mean_doc_length: f64,
    top_terms: Vec<TopTerm>,
}

fn finish(lang: &str, a: &Acc, top: usize) -> LangStats {
    let types = a.counts.len() as u64;
    let mut terms: Vec<(&String, &(u64, BTreeMap<String, u64>))> = a
        .counts
        .iter()
        .filter(|(_, (_, s))| !s.is_empty())
        .collect();
    terms.sort_by(|x, y| y.1 .0.cmp(&x.1 .0).then(x.0.cmp(y.0)));
    let top_terms = terms
        .into_iter()
        .take(top)
        .map(|(term, (count, surfaces))| {
            let surface = surfaces
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(s, _)| s.clone())
                .unwrap_or_default();
            TopTerm {
                term: term.clone(),
                surface,
                count: *count,
            }
        })
        .collect();
    LangStats {
        lang: lang.to_string(),
        documents: a.documents,
        tokens: a.tokens,
        types,
        ttr: if a.tokens > 0 {
            types as f64 / a.tokens as f64
        } else {
            0.0
        },
        mean_doc_length: if a.documents > 0 {
            a.tokens as f64 / a.documents as f64
        } else {
            0.0
        },
        top_terms,
    }
}

fn compute(
    index: &KorpusIndex,
    subset: Option<&str>,
    top: usize,
) -> anyhow::Result<Vec<LangStats>> {
    let mut by_lang: BTreeMap<crate::Lang, Acc> = BTreeMap::new();
    let mut all = Acc::default();
    index.for_each_batch(subset, 512, |docs| {
        for d in &docs {
            let mut langs: Vec<_> = d.token_langs.clone();
            langs.sort();
            langs.dedup();
            if langs.is_empty() {
                langs.push(d.doc.lang);
            }
            for l in langs {
                by_lang.entry(l).or_default().add(d, Some(l));
            }
            all.add(d, None);
        }
        Ok(())
    })?;
    let mut rows: Vec<LangStats> = by_lang
        .iter()
        .map(|(l, a)| finish(l.code(), a, top))
        .collect();
    rows.push(finish("all", &all, top));
    Ok(rows)
}

/// Print the per-language overview (used after `korpus index` too).
pub fn print_overview(index: &KorpusIndex, out: &mut impl Write, top: usize) -> anyhow::Result<()> {
    let rows = compute(index, None, top)?;
    write_human(&rows, out)
}

fn write_human(rows: &[LangStats], out: &mut impl Write) -> anyhow::Result<()> {
    let mut t = output::Table::new(&["lang", "docs", "tokens", "types", "TTR", "mean len"])
        .right_align(&[1, 2, 3, 4, 5]);
    for r in rows {
        t.row(vec![
            r.lang.clone(),
            r.documents.to_string(),
            r.tokens.to_string(),
            r.types.to_string(),
            format!("{:.3}", r.ttr),
            format!("{:.1}", r.mean_doc_length),
        ]);
    }
    t.write(out)?;
    for r in rows.iter().filter(|r| r.lang != "all") {
        let terms: Vec<String> = r
            .top_terms
            .iter()
            .map(|t| format!("{} ({})", t.surface, t.count))
            .collect();
        writeln!(out, "\n{} top terms: {}", r.lang, terms.join(", "))?;
    }
    Ok(())
}

/// Run `korpus stats`.
pub fn run(g: &Global, a: StatsArgs) -> anyhow::Result<u8> {
    let index = KorpusIndex::open(&g.index)?;
    let rows = rayon::ThreadPoolBuilder::new()
        .num_threads(g.jobs())
        .build()?
        .install(|| compute(&index, a.subset.as_deref(), a.top))?;
    let mut out = std::io::stdout().lock();
    if g.json {
        for r in &rows {
            output::json_line(&mut out, r)?;
        }
    } else {
        write_human(&rows, &mut out)?;
    }
    Ok(EXIT_OK)
}
