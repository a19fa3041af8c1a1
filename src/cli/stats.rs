//! `korpus stats`: corpus statistics over the analyzer's terms.
//!
//! `korpus stats` alone prints the summary by language plus the whole corpus;
//! subcommands give frequency lists, keyness, collocations and near-duplicates.
//! Every table is available as a human table, `--json` (JSON lines) or `--csv`,
//! and is computed on a subset with `--subset QUERY` (search syntax).

use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::{parse_lang, Global, EXIT_OK};
use crate::analysis::{Analyzer, Kinds};
use crate::corpus::View;
use crate::index::KorpusIndex;
use crate::lang::Lang;
use crate::stats::{
    self, render, CollocAcc, FreqAcc, GroupBy, KeySort, KeynessConfig, Measure, MinHashAcc,
};

/// Arguments of `korpus stats`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  korpus stats\n  korpus stats summary --by path --csv\n  korpus stats summary --by segment\n  korpus stats freq --ngram 2 --min-count 3 --subset lang:de\n  korpus stats keyness --target lang:de --json\n  korpus stats colloc Kunden --measure logdice\n  korpus stats dups"
)]
pub struct StatsArgs {
    #[command(subcommand)]
    what: Option<StatsWhat>,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args, Clone)]
struct Common {
    /// Only documents matching this query (search syntax: `lang:ru AND доставка`).
    #[arg(long, global = true)]
    subset: Option<String>,
    /// Print CSV.
    #[arg(long, global = true)]
    csv: bool,
    /// Collapse near-duplicate documents (Jaccard ≥ 0.8 of word 5-shingles) first.
    #[arg(long, global = true)]
    dedup: bool,
    /// Count boilerplate too (lines repeated across a source's documents, ad markers).
    #[arg(long, global = true)]
    keep_boilerplate: bool,
    /// Count these token kinds as terms too, beside words (comma-separated:
    /// number, url, email, handle, hashtag, emoji, emoticon, marker, or all).
    #[arg(long, global = true, value_name = "KINDS", value_parser = parse_include)]
    include: Option<Kinds>,
}

impl Common {
    fn view(&self) -> View {
        View {
            keep_boilerplate: self.keep_boilerplate,
            include: self.include.unwrap_or_default(),
        }
    }
}

/// `--include url,emoji` → words plus those kinds.
/// A share: a number from 0 to 1.
fn parse_share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a number from 0 to 1")),
    }
}

pub fn parse_include(s: &str) -> Result<Kinds, String> {
    Kinds::parse_include(s)
}

#[derive(Debug, Subcommand)]
enum StatsWhat {
    /// Documents, tokens, types, hapax, TTR, MATTR, MTLD, Yule's K, lengths, Zipf, Heaps, top terms; and numbers found.
    Summary {
        /// Group by lang (main language of each document), segment (language
        /// of each segment: a mixed document counts in each of its
        /// languages), path, dir, all, or a metadata field name.
        #[arg(long, default_value = "lang")]
        by: String,
        /// Top terms per group.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Print the table of numbers and percentages found in the text instead.
        #[arg(long)]
        numbers: bool,
    },
    /// Frequency list: raw, per million, document frequency, Gries' DP, range.
    Freq {
        /// n-gram length (1–4).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=4))]
        ngram: u8,
        /// Minimum count.
        #[arg(long, default_value_t = 2)]
        min_count: u64,
        /// Rows to print (0: all).
        #[arg(long, short = 'n', default_value_t = 50)]
        limit: usize,
    },
    /// Keyness of a target subset against a reference: G², Log Ratio, LRC, %DIFF.
    Keyness {
        /// Target documents (query).
        #[arg(long)]
        target: String,
        /// Reference documents (query; default: the rest of the corpus).
        #[arg(long)]
        reference: Option<String>,
        /// Use document frequencies instead of token frequencies.
        #[arg(long)]
        by_docs: bool,
        /// Sort by lrc, g2, log-ratio.
        #[arg(long, default_value = "lrc")]
        sort: String,
        /// Rows to print (0: all).
        #[arg(long, short = 'n', default_value_t = 50)]
        limit: usize,
    },
    /// Collocates of a word.
    Colloc {
        /// The word (analyzed like a query, in each language).
        term: String,
        /// Window: words on each side, within the sentence (1 to 50).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=50))]
        span: u32,
        /// logdice, mi, mi3, t or g2.
        #[arg(long, default_value = "logdice")]
        measure: String,
        /// Only this language.
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
        /// Minimum co-occurrence count.
        #[arg(long, default_value_t = 2)]
        min_count: u64,
        /// Rows to print per language.
        #[arg(long, short = 'n', default_value_t = 30)]
        limit: usize,
    },
    /// Near-duplicate documents (same text under another path, or only boilerplate changed).
    Dups {
        /// Minimum Jaccard similarity of word 5-shingles (0 to 1).
        #[arg(long, default_value_t = 0.8, value_parser = parse_share)]
        threshold: f64,
    },
}

fn format(g: &Global, c: &Common) -> render::Format {
    if g.json {
        render::Format::Jsonl
    } else if c.csv {
        render::Format::Csv
    } else {
        render::Format::Human
    }
}

fn group_by(s: &str) -> GroupBy {
    match s {
        "lang" => GroupBy::Lang,
        "segment" => GroupBy::Segment,
        "path" => GroupBy::Path,
        "dir" => GroupBy::Dir,
        "all" => GroupBy::All,
        field => GroupBy::Meta(field.strip_prefix("meta.").unwrap_or(field).to_string()),
    }
}

/// Near-duplicate pairs of a subset.
fn near_duplicates(
    index: &KorpusIndex,
    subset: Option<&str>,
    threshold: f64,
    view: View,
) -> anyhow::Result<Vec<stats::DupPair>> {
    let acc = index.fold(
        subset,
        &HashSet::new(),
        view,
        MinHashAcc::new,
        |a, d| a.add(d),
        MinHashAcc::merge,
    )?;
    let searcher = index.searcher()?;
    Ok(acc.verify(threshold, |id| {
        index
            .get_by_id(&searcher, id)
            .ok()
            .flatten()
            .map(crate::corpus::AnalyzedDoc::new)
    }))
}

fn skip_set(index: &KorpusIndex, c: &Common) -> anyhow::Result<HashSet<String>> {
    if !c.dedup {
        return Ok(HashSet::new());
    }
    let pairs = near_duplicates(index, c.subset.as_deref(), 0.8, c.view())?;
    Ok(stats::dedup(&pairs).into_iter().map(|c| c.id).collect())
}

fn limit<T>(mut rows: Vec<T>, n: usize) -> Vec<T> {
    if n > 0 {
        rows.truncate(n);
    }
    rows
}

/// The summary by language followed by the whole corpus, as `korpus stats` and
/// `korpus index` print it.
pub fn overview(
    index: &KorpusIndex,
    subset: Option<&str>,
    skip: &HashSet<String>,
    view: View,
    top: usize,
) -> anyhow::Result<Vec<stats::SummaryRow>> {
    // One pass: the per-language and the whole-corpus accumulators together.
    let (by, all) = index.fold(
        subset,
        skip,
        view,
        || {
            (
                stats::SummaryAcc::new(GroupBy::Lang).with_top(top),
                stats::SummaryAcc::new(GroupBy::All).with_top(top),
            )
        },
        |(b, a), d| {
            b.add(d);
            a.add(d);
        },
        |(b1, a1), (b2, a2)| (b1.merge(b2), a1.merge(a2)),
    )?;
    let mut rows = by.finish();
    rows.extend(all.finish());
    Ok(rows)
}

/// Print the per-language overview (used after `korpus index`).
pub fn print_overview(index: &KorpusIndex, out: &mut impl Write, top: usize) -> anyhow::Result<()> {
    let rows = overview(index, None, &HashSet::new(), View::default(), top)?;
    write!(out, "{}", overview_human(&rows, top))?;
    Ok(())
}

/// The overview as a compact table plus each language's top terms.
fn overview_human(rows: &[stats::SummaryRow], top: usize) -> String {
    let f = |v: Option<f64>, d: usize| v.map(|x| format!("{x:.d$}")).unwrap_or_else(|| "-".into());
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.group.clone(),
                r.documents.to_string(),
                r.sentences.to_string(),
                r.tokens.to_string(),
                r.types.to_string(),
                f(r.ttr, 3),
                f(r.mattr, 3),
                f(r.mtld, 1),
                f(r.doc_len_mean, 1),
            ]
        })
        .collect();
    let mut s = render::aligned(
        &[
            "lang",
            "docs",
            "sentences",
            "tokens",
            "types",
            "TTR",
            "MATTR",
            "MTLD",
            "mean len",
        ],
        body,
    );
    for r in rows.iter().filter(|r| r.group != "all") {
        let terms: Vec<String> = r
            .top
            .iter()
            .take(top)
            .map(|t| format!("{} ({})", t.surface, t.count))
            .collect();
        s.push_str(&format!("\n{} top terms: {}\n", r.group, terms.join(", ")));
    }
    s
}

/// The overview as JSON lines: one object per language plus `"lang":"all"`,
/// with the summary's measures and `top_terms`.
fn overview_jsonl(rows: &[stats::SummaryRow]) -> anyhow::Result<String> {
    let mut s = String::new();
    for r in rows {
        let mut v = serde_json::to_value(r)?;
        let m = v.as_object_mut().expect("object");
        let group = m.remove("group").unwrap_or_default();
        let top = m.remove("top").unwrap_or_default();
        let mean = m.get("doc_len_mean").cloned().unwrap_or_default();
        let mut o = serde_json::Map::new();
        o.insert("lang".into(), group);
        o.append(m);
        o.insert("mean_doc_length".into(), mean);
        o.insert("top_terms".into(), top);
        s.push_str(&serde_json::to_string(&o)?);
        s.push('\n');
    }
    Ok(s)
}

/// Run `korpus stats`.
pub fn run(g: &Global, a: StatsArgs) -> anyhow::Result<u8> {
    let index = KorpusIndex::open(&g.index)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(g.jobs())
        .build()?;
    let text = pool.install(|| compute(g, &index, a))?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(EXIT_OK)
}

fn compute(g: &Global, index: &KorpusIndex, a: StatsArgs) -> anyhow::Result<String> {
    let c = &a.common;
    let fmt = format(g, c);
    let subset = c.subset.as_deref();
    let skip = skip_set(index, c)?;
    Ok(match a.what {
        None => {
            let rows = overview(index, subset, &skip, c.view(), 20)?;
            match fmt {
                render::Format::Human => overview_human(&rows, 10),
                render::Format::Jsonl => overview_jsonl(&rows)?,
                render::Format::Csv => render::render(&rows, fmt),
            }
        }
        Some(StatsWhat::Summary { by, top, numbers }) => {
            let group = group_by(&by);
            if numbers {
                let acc = index.fold(
                    subset,
                    &skip,
                    c.view(),
                    || stats::NumbersAcc::new(group.clone()),
                    |a, d| a.add(d),
                    stats::NumbersAcc::merge,
                )?;
                render::render(&acc.rows(1), fmt)
            } else {
                let acc = index.fold(
                    subset,
                    &skip,
                    c.view(),
                    || stats::SummaryAcc::new(group.clone()).with_top(top),
                    |a, d| a.add(d),
                    stats::SummaryAcc::merge,
                )?;
                render::render(&acc.finish(), fmt)
            }
        }
        Some(StatsWhat::Freq {
            ngram,
            min_count,
            limit: n,
        }) => {
            let acc = index.fold(
                subset,
                &skip,
                c.view(),
                || FreqAcc::new(ngram as usize),
                |a, d| a.add(d),
                FreqAcc::merge,
            )?;
            render::render(&limit(acc.rows(min_count), n), fmt)
        }
        Some(StatsWhat::Keyness {
            target,
            reference,
            by_docs,
            sort,
            limit: n,
        }) => {
            let (_, target_ids) = index.subset(Some(&target))?;
            let target_ids: HashSet<String> = target_ids.into_iter().map(|(id, _)| id).collect();
            anyhow::ensure!(
                !target_ids.is_empty(),
                "the target query {target:?} matches no document"
            );
            let reference_ids: Option<HashSet<String>> = match &reference {
                Some(r) => Some(
                    index
                        .subset(Some(r))?
                        .1
                        .into_iter()
                        .map(|(id, _)| id)
                        .collect(),
                ),
                None => None,
            };
            let (t, r) = index.fold(
                subset,
                &skip,
                c.view(),
                || {
                    (
                        FreqAcc::new(1).without_dispersion(),
                        FreqAcc::new(1).without_dispersion(),
                    )
                },
                |(t, r), d| {
                    if target_ids.contains(&d.doc.id) {
                        t.add(d);
                    } else if reference_ids
                        .as_ref()
                        .is_none_or(|ids| ids.contains(&d.doc.id))
                    {
                        r.add(d);
                    }
                },
                |(t1, r1), (t2, r2)| (t1.merge(t2), r1.merge(r2)),
            )?;
            anyhow::ensure!(r.tokens() > 0, "the reference is empty (give --reference, or a target that is not the whole corpus)");
            let sort = match sort.as_str() {
                "lrc" => KeySort::Lrc,
                "g2" => KeySort::G2,
                "log-ratio" | "lr" => KeySort::LogRatio,
                other => anyhow::bail!("unknown sort {other:?} (lrc, g2, log-ratio)"),
            };
            let cfg = KeynessConfig {
                by_docs,
                sort,
                ..KeynessConfig::default()
            };
            render::render(&limit(stats::keyness(&t, &r, &cfg), n), fmt)
        }
        Some(StatsWhat::Colloc {
            term,
            span,
            measure,
            lang,
            min_count,
            limit: n,
        }) => {
            let measure: Measure = measure.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            let langs: Vec<Lang> = match lang {
                Some(l) => vec![l],
                None => Lang::ALL.to_vec(),
            };
            let nodes: BTreeMap<Lang, String> = langs
                .iter()
                .filter_map(|&l| {
                    let t = Analyzer::get(l).analyze(&term);
                    t.into_iter()
                        .find(|t| !t.stop)
                        .map(|t| (l, t.term.to_string()))
                })
                .collect();
            anyhow::ensure!(
                !nodes.is_empty(),
                "{term:?} is a stopword or empty in every language"
            );
            let accs = index.fold(
                subset,
                &skip,
                c.view(),
                || {
                    nodes
                        .iter()
                        .map(|(l, t)| (*l, CollocAcc::new(t.clone(), span)))
                        .collect::<BTreeMap<_, _>>()
                },
                |m, d| {
                    if let Some(acc) = m.get_mut(&d.doc.lang) {
                        acc.add(d);
                    }
                },
                |mut x, y| {
                    for (l, acc) in y {
                        let prev = x.remove(&l).expect("same keys");
                        x.insert(l, prev.merge(acc));
                    }
                    x
                },
            )?;
            let mut s = String::new();
            for (l, acc) in accs.iter().filter(|(_, a)| a.node_count() > 0) {
                let rows = limit(acc.rows(measure, min_count), n);
                match fmt {
                    render::Format::Human => {
                        s.push_str(&format!(
                            "{} (node term {:?}, {} occurrences)\n",
                            l,
                            nodes[l],
                            acc.node_count()
                        ));
                        s.push_str(&render::render(&rows, fmt));
                        s.push('\n');
                    }
                    render::Format::Jsonl => {
                        for r in &rows {
                            let mut v = serde_json::to_value(r)?;
                            v["lang"] = serde_json::Value::from(l.code());
                            s.push_str(&serde_json::to_string(&v)?);
                            s.push('\n');
                        }
                    }
                    render::Format::Csv => s.push_str(&render::render(&rows, fmt)),
                }
            }
            s
        }
        Some(StatsWhat::Dups { threshold }) => {
            let searcher = index.searcher()?;
            let pairs = near_duplicates(index, subset, threshold, c.view())?;
            let path_of = |id: &str| -> anyhow::Result<(String, Option<u64>)> {
                index
                    .get_by_id(&searcher, id)?
                    .map(|d| (d.path, d.line))
                    .context("document vanished")
            };
            let rows: Vec<DupRow> = pairs
                .iter()
                .map(|p| {
                    let (a, a_line) = path_of(&p.a)?;
                    let (b, b_line) = path_of(&p.b)?;
                    Ok(DupRow {
                        a,
                        b,
                        a_line,
                        b_line,
                        a_id: p.a.clone(),
                        b_id: p.b.clone(),
                        jaccard: p.jaccard.unwrap_or(p.estimate),
                    })
                })
                .collect::<anyhow::Result<_>>()?;
            match fmt {
                render::Format::Jsonl => render::jsonl(&rows),
                _ => {
                    let body: Vec<Vec<String>> = rows
                        .iter()
                        .map(|r| {
                            vec![
                                format!("{:.3}", r.jaccard),
                                crate::corpus::location(&r.a, r.a_line),
                                crate::corpus::location(&r.b, r.b_line),
                            ]
                        })
                        .collect();
                    if fmt == render::Format::Csv {
                        let mut s = String::from("jaccard,a,b\n");
                        for r in body {
                            s.push_str(&r.join(","));
                            s.push('\n');
                        }
                        s
                    } else if body.is_empty() {
                        "no near-duplicate documents\n".to_string()
                    } else {
                        render::aligned(&["jaccard", "a", "b"], body)
                    }
                }
            }
        }
    })
}

#[derive(serde::Serialize)]
struct DupRow {
    a: String,
    b: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    a_line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    b_line: Option<u64>,
    a_id: String,
    b_id: String,
    jaccard: f64,
}
