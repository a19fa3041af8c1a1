//! Recurring themes within and across languages, deterministic and measured.
//!
//! Pipeline (see the module files for formulas and parameters):
//! 1. [`keyphrase`]: YAKE-style keyphrases per document (language-aware casing).
//! 2. Per language, a TF-IDF unit × term matrix (sparse, pruned vocabulary:
//!    `min_df`, `max_df_ratio`, at most `max_vocab` terms by document frequency)
//!    factorised by NMF with NNDSVD-a initialisation ([`cluster`]); every unit
//!    goes to its largest component. Units are documents; a language with fewer
//!    than [`ThemeOptions::min_docs`] documents (e.g. the bundled corpus, one
//!    document per language) is clustered on **passages** instead: runs of
//!    consecutive sentences of at least [`PASSAGE_MIN_TERMS`] content words.
//!    K is `opts.k`, or chosen from the data: K ∈ 2..=min(max_k, units/5)
//!    maximising `diversity(top-10) × (1 + mean NPMI(top-10))/2 × support`
//!    where support = share of units containing ≥ 1 of their theme's top-10
//!    terms (computed on at most 2,000 units sampled by stride; ties → smaller K).
//! 3. Themes: top terms (analyzer terms, shown as their most frequent surface
//!    form), label from member keyphrases weighted by rank and by keyness
//!    (log-ratio of unit frequency in the theme vs the rest of the language),
//!    representative units (largest NMF weight), size, coverage, NPMI coherence.
//! 4. [`crossling`]: anchors (numbers, URLs, Latin-script names), translation
//!    pairs (weighted Jaccard + LCS order agreement + length ratio), links
//!    between themes of different languages by shared anchors, translation
//!    pairs and an optional [`Lexicon`]; linked themes form cross-lingual themes.
//! 5. [`pairs`]: near-duplicates (MinHash/LSH) and translations.
//! 6. [`quality`]: coherence, diversity, coverage, stability across seeds
//!    (refits on seeded 80 % subsamples of units, greedy matching of top-10
//!    term sets by Jaccard, Greene et al. 2014).
//!
//! Determinism: no hash-map iteration reaches the output unsorted, the only
//! randomness is SplitMix64 seeded from `opts.seed`, and parallel reductions
//! use fixed blocks added in order, so output is byte-identical across runs and
//! rayon pool sizes.
//!
//! Memory: [`ThemeBuilder`] takes documents one at a time (or in batches) and
//! keeps per document only sparse term counts, ≤ `keyphrases_per_doc`
//! keyphrases, ≤ [`MAX_ANCHORS`] anchor ids and a 64-word MinHash signature;
//! passages are kept only while a language has fewer than `min_docs` documents.

pub mod cluster;
pub mod crossling;
mod fit;
mod link;
pub mod keyphrase;
pub mod pairs;
pub mod quality;
pub mod render;
#[cfg(test)]
mod tests;

use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::corpus::AnalyzedDoc;
use crate::lang::Lang;
use cluster::{Csr, Rng};
use fit::{Draft, LangFit};
pub use crossling::{load_lexicon, Lexicon};
pub use keyphrase::Keyphrase;
pub use pairs::{Pair, PairKind};
pub use render::{
    render_jsonl, render_keyphrases_jsonl, render_pairs_jsonl, render_pairs_text, render_text,
};

/// A passage (fallback unit) closes once it holds this many content words.
pub const PASSAGE_MIN_TERMS: usize = 12;
/// Anchors kept per document (in text order).
pub const MAX_ANCHORS: usize = 400;
/// Units sampled (by stride) to choose K.
const K_SAMPLE: usize = 2000;
/// Largest posting list of an anchor used to generate translation candidates.
const MAX_ANCHOR_POSTINGS: usize = 200;
/// Largest LSH bucket used to generate near-duplicate candidates.
const MAX_BUCKET: usize = 100;

/// Options of a themes run.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeOptions {
    /// Only this language (None: all).
    pub lang: Option<Lang>,
    /// Themes per language (None: chosen from the data).
    pub k: Option<usize>,
    /// Largest K tried when choosing K.
    pub max_k: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Extra seeded refits for the stability measure (0: skip).
    pub stability_runs: usize,
    /// Minimum unit frequency of a term in the vocabulary.
    pub min_df: usize,
    /// Maximum unit frequency of a term, as a share of units (applies from 10 units).
    pub max_df_ratio: f64,
    /// Vocabulary cap per language.
    pub max_vocab: usize,
    /// A language with fewer documents is clustered on passages.
    pub min_docs: usize,
    /// Keyphrases kept per document.
    pub keyphrases_per_doc: usize,
    /// Terms shown (and scored for coherence) per theme.
    pub top_terms: usize,
    /// NMF iterations.
    pub nmf_iters: usize,
    /// Near-duplicate threshold on estimated Jaccard.
    pub dup_threshold: f64,
    /// Translation-pair threshold on the combined score.
    pub translation_threshold: f64,
    /// Optional user lexicon.
    #[serde(skip)]
    pub lexicon: Option<Lexicon>,
}

impl Default for ThemeOptions {
    fn default() -> Self {
        ThemeOptions {
            lang: None,
            k: None,
            max_k: 12,
            seed: 42,
            stability_runs: 2,
            min_df: 2,
            max_df_ratio: 0.5,
            max_vocab: 5000,
            min_docs: 20,
            keyphrases_per_doc: 10,
            top_terms: 10,
            nmf_iters: 200,
            dup_threshold: 0.8,
            translation_threshold: 0.5,
            lexicon: None,
        }
    }
}

/// What a theme's units are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    /// Whole documents.
    Document,
    /// Passages (runs of sentences) of documents: the fallback for languages with few documents.
    Passage,
}

/// A theme: within one language, or cross-lingual (several `langs`, `members`).
#[derive(Debug, Clone, Serialize)]
pub struct Theme {
    /// `ar-1`, `de-2`, … for language themes; `x-1`, … for cross-lingual ones.
    pub id: String,
    /// Languages.
    pub langs: Vec<Lang>,
    /// Label: top keyphrases (surface forms).
    pub label: String,
    /// Top terms (most frequent surface form of each analyzer term).
    pub terms: Vec<String>,
    /// The analyzer terms behind `terms`.
    pub stems: Vec<String>,
    /// Representative document ids (largest weight first, at most 10).
    pub docs: Vec<String>,
    /// Paths of `docs`.
    pub paths: Vec<String>,
    /// Where `docs` are: `path:line` for a record of a JSONL, CSV or TSV
    /// file, `path` for a whole file.
    pub locations: Vec<String>,
    /// Representative units (`id` or `id#s3-5` for sentences 3–5), at most 5.
    pub units: Vec<String>,
    /// Unit kind.
    pub unit: UnitKind,
    /// Units assigned.
    pub size: usize,
    /// Share of the language's units assigned to this theme.
    pub coverage: f64,
    /// NPMI coherence of the top terms (mean of members' for cross-lingual themes).
    pub coherence: f64,
    /// Evidence: keyness of top terms; for cross-lingual themes, every link.
    pub evidence: Vec<String>,
    /// For cross-lingual themes: member theme ids per language.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub members: BTreeMap<Lang, Vec<String>>,
}

/// Keyphrases of one document.
#[derive(Debug, Clone, Serialize)]
pub struct DocKeyphrases {
    /// Document id.
    pub id: String,
    /// Language.
    pub lang: Lang,
    /// Best first.
    pub keyphrases: Vec<Keyphrase>,
}

/// The theme of one unit.
#[derive(Debug, Clone, Serialize)]
pub struct Assignment {
    /// Document id.
    pub doc: String,
    /// Unit label (`id` or `id#s3-5`).
    pub unit: String,
    /// Language.
    pub lang: Lang,
    /// Theme id (None: the unit has no vocabulary term).
    pub theme: Option<String>,
}

/// Quality of one language's themes.
#[derive(Debug, Clone, Serialize)]
pub struct LangQuality {
    /// Language.
    pub lang: Lang,
    /// Unit kind.
    pub unit: UnitKind,
    /// Documents.
    pub docs: usize,
    /// Units clustered.
    pub units: usize,
    /// Vocabulary size after pruning.
    pub vocab: usize,
    /// K used.
    pub k: usize,
    /// `"option"` or `"data"`.
    pub k_from: &'static str,
    /// K-selection scores tried: (K, score).
    pub k_scores: Vec<(usize, f64)>,
    /// Share of units assigned to a theme.
    pub coverage: f64,
    /// Mean NPMI of the themes.
    pub coherence: f64,
    /// Topic diversity of the top-25 terms.
    pub diversity: f64,
    /// Mean matched top-10 Jaccard of refits on seeded subsamples (None: not run).
    pub stability: Option<f64>,
}

/// Quality report of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    /// Seed.
    pub seed: u64,
    /// Seeds of the stability refits.
    pub stability_seeds: Vec<u64>,
    /// Options used.
    pub config: ThemeOptions,
    /// Lexicon entries used.
    pub lexicon_entries: usize,
    /// Per language.
    pub langs: Vec<LangQuality>,
    /// Share of all units assigned.
    pub coverage: f64,
    /// Mean NPMI over language themes.
    pub coherence: f64,
    /// Mean per-language topic diversity (top-25).
    pub diversity: f64,
    /// Mean stability over languages.
    pub stability: Option<f64>,
    /// Cross-lingual themes.
    pub crosslingual_themes: usize,
    /// Translation pairs found.
    pub translation_pairs: usize,
    /// Near-duplicate pairs found.
    pub near_duplicates: usize,
}

/// Everything a themes run produces.
#[derive(Debug, Clone, Serialize)]
pub struct ThemeReport {
    /// Language themes (by language, then size), then cross-lingual themes.
    pub themes: Vec<Theme>,
    /// Translation and near-duplicate pairs.
    pub pairs: Vec<Pair>,
    /// Keyphrases per document (input order).
    pub keyphrases: Vec<DocKeyphrases>,
    /// Theme of every unit.
    pub assignments: Vec<Assignment>,
    /// Quality report.
    pub quality: Quality,
}

/// What one document contributes that does not depend on the others:
/// computed in parallel, then added in document order.
struct DocPre<'a> {
    /// The tokens in the document's main language.
    main: std::borrow::Cow<'a, [crate::analysis::Token]>,
    keyphrases: Vec<keyphrase::Keyphrase>,
    hits: Vec<crossling::AnchorHit>,
    minhash: Option<Vec<u64>>,
}

impl<'a> DocPre<'a> {
    fn of(d: &'a AnalyzedDoc, keyphrases_per_doc: usize) -> Self {
        let lang = d.doc.lang;
        let main = d.main_tokens();
        let terms: Vec<&str> = d.tokens.iter().map(|t| t.term.as_str()).collect();
        DocPre {
            keyphrases: keyphrase::extract(&d.doc.body, &main, lang, keyphrases_per_doc),
            hits: crossling::extract(d),
            minhash: pairs::minhash(&terms),
            main,
        }
    }
}

/// Themes of documents (sorted by id, as the index delivers them).
pub fn themes(docs: &[AnalyzedDoc], opts: &ThemeOptions) -> ThemeReport {
    let mut b = ThemeBuilder::new(opts.clone());
    b.add_batch(docs);
    b.finish()
}

/// Near-duplicate and translation pairs of documents.
pub fn pairs(docs: &[AnalyzedDoc], opts: &ThemeOptions) -> Vec<Pair> {
    let mut b = ThemeBuilder::new(opts.clone());
    b.add_batch(docs);
    b.pairs()
}

struct DocInfo {
    id: String,
    path: String,
    line: Option<u64>,
    lang: Lang,
    chars: usize,
    anchors: Vec<u32>,
    minhash: Option<Vec<u64>>,
    keyphrases: Vec<Keyphrase>,
}

struct AnchorInfo {
    key: String,
    kind: crossling::AnchorKind,
    strong_langs: u8,
    weak_langs: u8,
    df: u32,
}

struct Unit {
    doc: u32,
    sents: (u32, u32),
    counts: Vec<(u32, u32)>,
    anchors: Vec<u32>,
    phrases: Vec<u16>,
}

#[derive(Default)]
struct LangAcc {
    term_ids: HashMap<String, u32>,
    terms: Vec<String>,
    surfaces: Vec<Vec<(String, u32)>>,
    doc_units: Vec<Unit>,
    passages: Vec<Unit>,
    n_docs: usize,
}

/// Incremental themes: add documents (in path, line, id order), then [`ThemeBuilder::finish`].
pub struct ThemeBuilder {
    opts: ThemeOptions,
    docs: Vec<DocInfo>,
    anchors: Vec<AnchorInfo>,
    anchor_ids: HashMap<String, u32>,
    langs: BTreeMap<Lang, LangAcc>,
}

fn lang_bit(l: Lang) -> u8 {
    1 << Lang::ALL.iter().position(|&x| x == l).unwrap_or(5)
}

fn is_content(t: &crate::analysis::Token) -> bool {
    !t.stop
        && !keyphrase::is_number(&t.normalized)
        && t.normalized
            .chars()
            .filter(|c| crate::chars::is_alphabetic(*c))
            .count()
            >= 2
}

impl ThemeBuilder {
    /// A builder.
    pub fn new(opts: ThemeOptions) -> Self {
        ThemeBuilder {
            opts,
            docs: Vec::new(),
            anchors: Vec::new(),
            anchor_ids: HashMap::default(),
            langs: BTreeMap::new(),
        }
    }

    /// Add documents (a batch of the id-ordered stream).
    pub fn add_batch(&mut self, docs: &[AnalyzedDoc]) {
        use rayon::prelude::*;
        // The per-document work (key phrases, anchors, MinHash) runs in
        // parallel; the documents are then added in order.
        let n = self.opts.keyphrases_per_doc;
        let pre: Vec<Option<DocPre>> = docs
            .par_iter()
            .map(|d| {
                let lang = d.doc.lang;
                self.opts
                    .lang
                    .is_none_or(|l| l == lang)
                    .then(|| DocPre::of(d, n))
            })
            .collect();
        for (d, p) in docs.iter().zip(pre) {
            if let Some(p) = p {
                self.add_prepared(d, p);
            }
        }
    }

    /// Add one document. Documents outside `opts.lang` are skipped.
    pub fn add(&mut self, d: &AnalyzedDoc) {
        if self.opts.lang.is_some_and(|l| l != d.doc.lang) {
            return;
        }
        let p = DocPre::of(d, self.opts.keyphrases_per_doc);
        self.add_prepared(d, p);
    }

    fn add_prepared(&mut self, d: &AnalyzedDoc, pre: DocPre<'_>) {
        let lang = d.doc.lang;
        let DocPre {
            main,
            keyphrases,
            hits,
            minhash,
        } = pre;
        let di = self.docs.len() as u32;
        let body = &d.doc.body;
        let toks: &[crate::analysis::Token] = &main;
        // Anchors.
        let mut seq = Vec::new();
        let mut hit_sents = Vec::new();
        let mut seen_here: BTreeSet<u32> = BTreeSet::new();
        for h in hits.into_iter().take(MAX_ANCHORS) {
            let next = self.anchors.len() as u32;
            let id = *self.anchor_ids.entry(h.key.clone()).or_insert(next);
            if id == next {
                self.anchors.push(AnchorInfo {
                    key: h.key,
                    kind: h.kind,
                    strong_langs: 0,
                    weak_langs: 0,
                    df: 0,
                });
            }
            let a = &mut self.anchors[id as usize];
            if h.strong {
                a.strong_langs |= lang_bit(lang);
            } else {
                a.weak_langs |= lang_bit(lang);
            }
            if seen_here.insert(id) {
                a.df += 1;
            }
            seq.push(id);
            hit_sents.push(h.sentence);
        }
        // Terms.
        let acc = self.langs.entry(lang).or_default();
        let mut tids = Vec::with_capacity(toks.len());
        for t in toks {
            if !is_content(t) {
                tids.push(u32::MAX);
                continue;
            }
            let next = acc.terms.len() as u32;
            let id = match acc.term_ids.get(t.term.as_str()) {
                Some(&id) => id,
                None => {
                    acc.term_ids.insert(t.term.to_string(), next);
                    next
                }
            };
            if id == next {
                acc.terms.push(t.term.to_string());
                acc.surfaces.push(Vec::new());
            }
            let surface = &body[t.start..t.end];
            let sv = &mut acc.surfaces[id as usize];
            if let Some(e) = sv.iter_mut().find(|(s, _)| s == surface) {
                e.1 += 1;
            } else if sv.len() < 8 {
                sv.push((surface.to_string(), 1));
            }
            tids.push(id);
        }
        let make_unit = |from: usize, to: usize| -> Unit {
            // tokens toks[from..to]
            let mut m: BTreeMap<u32, u32> = BTreeMap::new();
            for &id in &tids[from..to] {
                if id != u32::MAX {
                    *m.entry(id).or_insert(0) += 1;
                }
            }
            let (s0, s1) = if from < to {
                (toks[from].sentence, toks[to - 1].sentence)
            } else {
                (0, 0)
            };
            let mut anchors: Vec<u32> = seq
                .iter()
                .zip(&hit_sents)
                .filter(|(_, &s)| s >= s0 && s <= s1)
                .map(|(&a, _)| a)
                .collect();
            anchors.sort_unstable();
            anchors.dedup();
            let phrases = keyphrases
                .iter()
                .enumerate()
                .filter(|(_, k)| k.sentences.iter().any(|&s| s >= s0 && s <= s1))
                .map(|(i, _)| i as u16)
                .collect();
            Unit {
                doc: di,
                sents: (s0, s1),
                counts: m.into_iter().collect(),
                anchors,
                phrases,
            }
        };
        acc.doc_units.push(make_unit(0, toks.len()));
        if acc.n_docs < self.opts.min_docs {
            let mut start = 0;
            let mut content = 0;
            let mut pieces: Vec<(usize, usize)> = Vec::new();
            for i in 0..toks.len() {
                if tids[i] != u32::MAX {
                    content += 1;
                }
                let ends_sentence = i + 1 == toks.len() || toks[i + 1].sentence != toks[i].sentence;
                if ends_sentence && content >= PASSAGE_MIN_TERMS {
                    pieces.push((start, i + 1));
                    start = i + 1;
                    content = 0;
                }
            }
            if start < toks.len() {
                if content < PASSAGE_MIN_TERMS / 2 && !pieces.is_empty() {
                    pieces.last_mut().unwrap().1 = toks.len();
                } else {
                    pieces.push((start, toks.len()));
                }
            }
            for (a, b) in pieces {
                acc.passages.push(make_unit(a, b));
            }
        } else {
            acc.passages = Vec::new();
        }
        acc.n_docs += 1;
        self.docs.push(DocInfo {
            id: d.doc.id.clone(),
            path: d.doc.path.clone(),
            line: d.doc.line,
            lang,
            chars: body.chars().count(),
            anchors: seq,
            minhash,
            keyphrases,
        });
    }

    fn anchor_valid(&self, a: u32) -> bool {
        let info = &self.anchors[a as usize];
        info.kind != crossling::AnchorKind::Name
            || info.strong_langs != 0
            || (info.strong_langs | info.weak_langs).count_ones() >= 2
    }

    fn anchor_weight(&self, a: u32) -> f64 {
        (1.0 + self.docs.len() as f64 / self.anchors[a as usize].df.max(1) as f64).ln()
    }

    /// Near-duplicate and translation pairs (sorted by kind, then a, b).
    pub fn pairs(&self) -> Vec<Pair> {
        let mut out = self.translation_pairs();
        out.extend(self.near_duplicates());
        out.sort_by(|x, y| {
            x.kind
                .cmp(&y.kind)
                .then_with(|| x.a.cmp(&y.a))
                .then_with(|| x.b.cmp(&y.b))
        });
        out
    }

    /// Compute themes, pairs and the quality report.
    pub fn finish(self) -> ThemeReport {
        let pairs = self.pairs();
        let mut themes = Vec::new();
        let mut assignments = Vec::new();
        let mut lq = Vec::new();
        let mut drafts_all: Vec<(Lang, Vec<Draft>)> = Vec::new();
        let stability_seeds: Vec<u64> = (1..=self.opts.stability_runs as u64)
            .map(|s| self.opts.seed.wrapping_add(s))
            .collect();
        // Languages are fitted independently, in parallel; results are
        // used in language order.
        let langs: Vec<(Lang, &LangAcc)> = self.langs.iter().map(|(&l, a)| (l, a)).collect();
        let fits: Vec<(UnitKind, &Vec<Unit>, LangFit)> = {
            use rayon::prelude::*;
            langs
                .par_iter()
                .map(|&(lang, acc)| {
                    let (kind, units) =
                        if acc.n_docs < self.opts.min_docs && !acc.passages.is_empty() {
                            (UnitKind::Passage, &acc.passages)
                        } else {
                            (UnitKind::Document, &acc.doc_units)
                        };
                    let fit = self.fit_language(lang, acc, units, kind, &stability_seeds);
                    (kind, units, fit)
                })
                .collect()
        };
        for ((lang, _), (kind, units, fit)) in langs.into_iter().zip(fits) {
            for (u, t) in units.iter().zip(&fit.assign) {
                assignments.push(Assignment {
                    doc: self.docs[u.doc as usize].id.clone(),
                    unit: self.unit_label(u, kind),
                    lang,
                    theme: t.map(|t| fit.drafts[t].theme.id.clone()),
                });
            }
            lq.push(fit.quality);
            themes.extend(fit.drafts.iter().map(|d| d.theme.clone()));
            drafts_all.push((lang, fit.drafts));
        }
        let unit_totals: BTreeMap<Lang, usize> = lq.iter().map(|q| (q.lang, q.units)).collect();
        let cross = self.crosslingual(&drafts_all, &pairs, &unit_totals);
        let n_cross = cross.len();
        themes.extend(cross);
        let total_units: usize = lq.iter().map(|q| q.units).sum();
        let assigned: usize = assignments.iter().filter(|a| a.theme.is_some()).count();
        let lang_themes: Vec<&Theme> = themes.iter().filter(|t| t.members.is_empty()).collect();
        let mean = |xs: &[f64]| {
            if xs.is_empty() {
                0.0
            } else {
                xs.iter().sum::<f64>() / xs.len() as f64
            }
        };
        let stab: Vec<f64> = lq.iter().filter_map(|q| q.stability).collect();
        let quality = Quality {
            seed: self.opts.seed,
            stability_seeds,
            config: self.opts.clone(),
            lexicon_entries: self.opts.lexicon.as_ref().map_or(0, |l| l.entries.len()),
            coverage: round(if total_units == 0 {
                0.0
            } else {
                assigned as f64 / total_units as f64
            }),
            coherence: round(mean(
                &lang_themes.iter().map(|t| t.coherence).collect::<Vec<_>>(),
            )),
            diversity: round(mean(&lq.iter().map(|q| q.diversity).collect::<Vec<_>>())),
            stability: if stab.is_empty() {
                None
            } else {
                Some(round(mean(&stab)))
            },
            langs: lq,
            crosslingual_themes: n_cross,
            translation_pairs: pairs
                .iter()
                .filter(|p| p.kind == PairKind::Translation)
                .count(),
            near_duplicates: pairs
                .iter()
                .filter(|p| p.kind == PairKind::NearDuplicate)
                .count(),
        };
        let keyphrases = self
            .docs
            .iter()
            .map(|d| DocKeyphrases {
                id: d.id.clone(),
                lang: d.lang,
                keyphrases: d.keyphrases.clone(),
            })
            .collect();
        ThemeReport {
            themes,
            pairs,
            keyphrases,
            assignments,
            quality,
        }
    }

    fn unit_label(&self, u: &Unit, kind: UnitKind) -> String {
        let id = &self.docs[u.doc as usize].id;
        match kind {
            UnitKind::Document => id.clone(),
            UnitKind::Passage => format!("{id}#s{}-{}", u.sents.0, u.sents.1),
        }
    }
}

/// Round to 4 decimals (stable, readable output).
fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

