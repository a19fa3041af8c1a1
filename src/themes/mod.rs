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

    fn translation_pairs(&self) -> Vec<Pair> {
        let mut postings: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (i, d) in self.docs.iter().enumerate() {
            let mut ids: Vec<u32> = d
                .anchors
                .iter()
                .copied()
                .filter(|&a| self.anchor_valid(a))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            for a in ids {
                postings.entry(a).or_default().push(i as u32);
            }
        }
        let mut shared: BTreeMap<(u32, u32), u32> = BTreeMap::new();
        for docs in postings.values() {
            if docs.len() > MAX_ANCHOR_POSTINGS {
                continue;
            }
            for (x, &i) in docs.iter().enumerate() {
                for &j in &docs[x + 1..] {
                    if self.docs[i as usize].lang != self.docs[j as usize].lang {
                        *shared.entry((i, j)).or_insert(0) += 1;
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (&(i, j), &n) in &shared {
            if n < 3 {
                continue;
            }
            if let Some(p) = self.score_translation(i as usize, j as usize) {
                out.push(p);
            }
        }
        out
    }

    fn score_translation(&self, i: usize, j: usize) -> Option<Pair> {
        let (da, db) = (&self.docs[i], &self.docs[j]);
        let sa: Vec<u32> = da
            .anchors
            .iter()
            .copied()
            .filter(|&a| self.anchor_valid(a))
            .collect();
        let sb: Vec<u32> = db
            .anchors
            .iter()
            .copied()
            .filter(|&a| self.anchor_valid(a))
            .collect();
        let (ba, bb) = (crossling::bag(&sa), crossling::bag(&sb));
        let (mut num, mut den) = (0.0, 0.0);
        let (mut x, mut y) = (0, 0);
        let mut common: BTreeSet<u32> = BTreeSet::new();
        while x < ba.len() || y < bb.len() {
            let (ka, kb) = (ba.get(x).map(|p| p.0), bb.get(y).map(|p| p.0));
            match (ka, kb) {
                (Some(a), Some(b)) if a == b => {
                    let w = self.anchor_weight(a);
                    num += w * ba[x].1.min(bb[y].1) as f64;
                    den += w * ba[x].1.max(bb[y].1) as f64;
                    common.insert(a);
                    x += 1;
                    y += 1;
                }
                (Some(a), Some(b)) if a < b => {
                    den += self.anchor_weight(a) * ba[x].1 as f64;
                    x += 1;
                }
                (Some(a), None) => {
                    den += self.anchor_weight(a) * ba[x].1 as f64;
                    x += 1;
                }
                (_, Some(b)) => {
                    den += self.anchor_weight(b) * bb[y].1 as f64;
                    y += 1;
                }
                (None, None) => break,
            }
        }
        if common.len() < 3 || den == 0.0 {
            return None;
        }
        let wj = num / den;
        let fa: Vec<u32> = sa.iter().copied().filter(|a| common.contains(a)).collect();
        let fb: Vec<u32> = sb.iter().copied().filter(|a| common.contains(a)).collect();
        let order = crossling::lcs(&fa, &fb) as f64 / fa.len().max(fb.len()).max(1) as f64;
        let lr = da.chars.min(db.chars) as f64 / da.chars.max(db.chars).max(1) as f64;
        let score = 0.5 * wj + 0.3 * order + 0.2 * lr;
        if score < self.opts.translation_threshold {
            return None;
        }
        let mut evidence = Vec::new();
        let mut seen = BTreeSet::new();
        let mut by_kind: BTreeMap<crossling::AnchorKind, Vec<&str>> = BTreeMap::new();
        for &a in &fa {
            if seen.insert(a) {
                let info = &self.anchors[a as usize];
                let shown = info
                    .key
                    .split_once(':')
                    .map(|(_, v)| v)
                    .unwrap_or(&info.key);
                by_kind.entry(info.kind).or_default().push(shown);
            }
        }
        for (kind, vals) in by_kind {
            let what = match kind {
                crossling::AnchorKind::Num => "shared numbers",
                crossling::AnchorKind::Url => "shared urls",
                crossling::AnchorKind::Name => "shared names",
            };
            evidence.push(format!("{what}: {}", vals.join(", ")));
        }
        evidence.push(format!("weighted Jaccard of anchors {wj:.3}"));
        evidence.push(format!("anchor order agreement (LCS) {order:.3}"));
        evidence.push(format!("length ratio {lr:.3}"));
        Some(Pair {
            a: da.id.clone(),
            b: db.id.clone(),
            a_path: da.path.clone(),
            b_path: db.path.clone(),
            a_line: da.line,
            b_line: db.line,
            langs: [da.lang, db.lang],
            kind: PairKind::Translation,
            score: round(score),
            evidence,
        })
    }

    fn near_duplicates(&self) -> Vec<Pair> {
        let mut buckets: BTreeMap<(Lang, usize, u64), Vec<u32>> = BTreeMap::new();
        for (i, d) in self.docs.iter().enumerate() {
            if let Some(sig) = &d.minhash {
                for (b, key) in pairs::bands(sig) {
                    buckets.entry((d.lang, b, key)).or_default().push(i as u32);
                }
            }
        }
        let mut cands: BTreeSet<(u32, u32)> = BTreeSet::new();
        for docs in buckets.values() {
            for (x, &i) in docs.iter().take(MAX_BUCKET).enumerate() {
                for &j in docs.iter().take(MAX_BUCKET).skip(x + 1) {
                    cands.insert((i, j));
                }
            }
        }
        let mut out = Vec::new();
        for (i, j) in cands {
            let (da, db) = (&self.docs[i as usize], &self.docs[j as usize]);
            let est = pairs::estimate(da.minhash.as_ref().unwrap(), db.minhash.as_ref().unwrap());
            if est >= self.opts.dup_threshold {
                out.push(Pair {
                    a: da.id.clone(),
                    b: db.id.clone(),
                    a_path: da.path.clone(),
                    b_path: db.path.clone(),
                    a_line: da.line,
                    b_line: db.line,
                    langs: [da.lang, db.lang],
                    kind: PairKind::NearDuplicate,
                    score: round(est),
                    evidence: vec![format!(
                        "estimated Jaccard of analyzer-term {}-shingles {est:.3} (MinHash, {} hashes)",
                        pairs::SHINGLE,
                        pairs::NUM_HASHES
                    )],
                });
            }
        }
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

struct Draft {
    theme: Theme,
    /// Ranked keyphrase labels of the members (at most 10).
    phrases: Vec<String>,
    /// Valid anchors of member units with counts.
    anchors: BTreeMap<u32, u32>,
    /// Member document indices.
    docs: BTreeSet<u32>,
}

struct LangFit {
    drafts: Vec<Draft>,
    assign: Vec<Option<usize>>,
    quality: LangQuality,
}

impl ThemeBuilder {
    fn build_matrix(&self, units: &[Unit], acc: &LangAcc) -> (Csr, Vec<u32>) {
        let n = units.len();
        let mut df: HashMap<u32, u32> = HashMap::default();
        for u in units {
            for &(t, _) in &u.counts {
                *df.entry(t).or_insert(0) += 1;
            }
        }
        let max_df = if n >= 10 {
            ((self.opts.max_df_ratio * n as f64).floor() as u32).max(2)
        } else {
            n as u32
        };
        let select = |min_df: u32| {
            let mut v: Vec<(u32, u32)> = df
                .iter()
                .filter(|(_, &d)| d >= min_df && d <= max_df)
                .map(|(&t, &d)| (t, d))
                .collect();
            v.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| acc.terms[a.0 as usize].cmp(&acc.terms[b.0 as usize]))
            });
            v.truncate(self.opts.max_vocab);
            v
        };
        let mut vocab = select(self.opts.min_df as u32);
        if vocab.len() < 10 {
            vocab = select(1);
        }
        vocab.sort_by(|a, b| acc.terms[a.0 as usize].cmp(&acc.terms[b.0 as usize]));
        let col: HashMap<u32, (u32, f64)> = vocab
            .iter()
            .enumerate()
            .map(|(c, &(t, d))| {
                (
                    t,
                    (c as u32, ((1.0 + n as f64) / (1.0 + d as f64)).ln() + 1.0),
                )
            })
            .collect();
        let mut x = Csr::new(vocab.len());
        let mut row: Vec<(u32, f64)> = Vec::new();
        for u in units {
            row.clear();
            for &(t, c) in &u.counts {
                if let Some(&(ci, idf)) = col.get(&t) {
                    row.push((ci, (1.0 + (c as f64).ln()) * idf));
                }
            }
            row.sort_by_key(|p| p.0);
            let norm = row.iter().map(|p| p.1 * p.1).sum::<f64>().sqrt();
            for p in row.iter_mut() {
                p.1 /= norm;
            }
            x.push_row(&row);
        }
        (x, vocab.into_iter().map(|p| p.0).collect())
    }

    fn fit_language(
        &self,
        lang: Lang,
        acc: &LangAcc,
        units: &[Unit],
        kind: UnitKind,
        stab_seeds: &[u64],
    ) -> LangFit {
        let n = units.len();
        let (x, cols) = self.build_matrix(units, acc);
        let rows: Vec<Vec<u32>> = (0..n).map(|i| x.row(i).0.to_vec()).collect();
        let top_n = self.opts.top_terms.max(1);
        let tops_of =
            |f: &cluster::Nmf, n: usize| (0..f.k).map(|a| f.top_terms(a, n)).collect::<Vec<_>>();
        // Choose K.
        let mut k_scores = Vec::new();
        let (k, k_from) = match self.opts.k {
            Some(k) => (k.clamp(1, n.max(1)), "option"),
            None => {
                let kmax = self.opts.max_k.min(n / 5).max(2).min(n.max(1));
                if n < 4 || x.ncols < 2 {
                    (1, "data")
                } else {
                    let stride = n.div_ceil(K_SAMPLE).max(1);
                    let sample: Vec<usize> = (0..n).step_by(stride).collect();
                    let xs = x.select(&sample);
                    let srows: Vec<Vec<u32>> = sample.iter().map(|&i| rows[i].clone()).collect();
                    let mut best = (2usize, f64::MIN);
                    for k in 2..=kmax {
                        let f = cluster::nmf(&xs, k, self.opts.seed, self.opts.nmf_iters.min(80));
                        let tops = tops_of(&f, 10);
                        let coh: Vec<f64> = tops
                            .iter()
                            .map(|t| {
                                quality::npmi(
                                    &t.iter().map(|&c| c as u32).collect::<Vec<_>>(),
                                    &srows,
                                )
                            })
                            .collect();
                        let mean_coh = coh.iter().sum::<f64>() / coh.len().max(1) as f64;
                        let div = quality::diversity(
                            &tops
                                .iter()
                                .map(|t| t.iter().map(|c| c.to_string()).collect())
                                .collect::<Vec<_>>(),
                            10,
                        );
                        // Support: share of sampled units containing at least one
                        // top-10 term of their own theme (catches merged themes,
                        // which top-term coherence cannot see).
                        let mut sup = 0usize;
                        let mut tot = 0usize;
                        for (r, row) in srows.iter().enumerate() {
                            if let Some(a) = f.assign(r) {
                                tot += 1;
                                if tops[a]
                                    .iter()
                                    .any(|&c| row.binary_search(&(c as u32)).is_ok())
                                {
                                    sup += 1;
                                }
                            }
                        }
                        let support = if tot == 0 {
                            0.0
                        } else {
                            sup as f64 / tot as f64
                        };
                        let score = div * (1.0 + mean_coh) / 2.0 * support;
                        k_scores.push((k, round(score)));
                        if score > best.1 + 1e-9 {
                            best = (k, score);
                        }
                    }
                    (best.0, "data")
                }
            }
        };
        // Stability: refits on seeded 80 % subsamples, run in parallel with
        // the main fit (they need only its number of components).
        let k_eff = k.max(1).min(x.rows().max(1)).min(x.ncols.max(1));
        let with_stability = !stab_seeds.is_empty() && n >= 4;
        let (f, refits) = rayon::join(
            || cluster::nmf(&x, k, self.opts.seed, self.opts.nmf_iters),
            || {
                use rayon::prelude::*;
                if !with_stability {
                    return Vec::new();
                }
                stab_seeds
                    .par_iter()
                    .map(|&seed| {
                        let mut rng = Rng::new(seed);
                        let sub: Vec<usize> = (0..n).filter(|_| rng.f64() < 0.8).collect();
                        cluster::nmf(&x.select(&sub), k_eff, seed, self.opts.nmf_iters)
                    })
                    .collect::<Vec<_>>()
            },
        );
        debug_assert_eq!(f.k, k_eff);
        let assign_raw: Vec<Option<usize>> = (0..n).map(|i| f.assign(i)).collect();
        let full_tops = tops_of(&f, top_n);
        let stability = if with_stability {
            let mut s = 0.0;
            for g in &refits {
                s += quality::matched_overlap(&full_tops, &tops_of(g, top_n));
            }
            Some(round(s / stab_seeds.len() as f64))
        } else {
            None
        };
        // Phrase statistics of this language's units.
        let mut phrase_units: HashMap<&str, u32> = HashMap::default();
        for u in units {
            for &p in &u.phrases {
                *phrase_units
                    .entry(
                        self.docs[u.doc as usize].keyphrases[p as usize]
                            .key
                            .as_str(),
                    )
                    .or_insert(0) += 1;
            }
        }
        // Drafts.
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); f.k];
        for (i, a) in assign_raw.iter().enumerate() {
            if let Some(a) = a {
                members[*a].push(i);
            }
        }
        let mut drafts: Vec<(usize, Draft)> = Vec::new();
        for a in 0..f.k {
            if members[a].is_empty() {
                continue;
            }
            let mem = &members[a];
            let top = &full_tops[a];
            let stems: Vec<String> = top
                .iter()
                .map(|&c| acc.terms[cols[c] as usize].clone())
                .collect();
            let terms: Vec<String> = top
                .iter()
                .map(|&c| {
                    let sv = &acc.surfaces[cols[c] as usize];
                    sv.iter()
                        .max_by(|p, q| p.1.cmp(&q.1).then_with(|| q.0.cmp(&p.0)))
                        .map(|p| p.0.clone())
                        .unwrap_or_default()
                })
                .collect();
            let coherence = round(quality::npmi(
                &top.iter().map(|&c| c as u32).collect::<Vec<_>>(),
                &rows,
            ));
            // Keyness of top terms: unit frequency in theme vs rest (log-ratio, +0.5 smoothing).
            let in_theme = mem.len() as f64;
            let rest = (n - mem.len()) as f64;
            let mut is_member = vec![false; n];
            for &i in mem {
                is_member[i] = true;
            }
            let lr = |inside: f64, outside: f64| {
                if rest == 0.0 {
                    0.0
                } else {
                    (((inside + 0.5) / in_theme) / ((outside + 0.5) / rest)).log2()
                }
            };
            let mut key_ev = Vec::new();
            for (&c, term) in top.iter().zip(&terms).take(5) {
                let inside = mem
                    .iter()
                    .filter(|&&i| rows[i].binary_search(&(c as u32)).is_ok())
                    .count() as f64;
                let total = (0..n)
                    .filter(|&i| rows[i].binary_search(&(c as u32)).is_ok())
                    .count() as f64;
                key_ev.push(format!("{term} {:+.2}", lr(inside, total - inside)));
            }
            // Label from keyphrases.
            let mut pscore: HashMap<&str, (f64, u32)> = HashMap::default();
            let mut plabels: HashMap<&str, HashMap<String, u32>> = HashMap::default();
            for &i in mem {
                let u = &units[i];
                for &p in &u.phrases {
                    let kp = &self.docs[u.doc as usize].keyphrases[p as usize];
                    let e = pscore.entry(kp.key.as_str()).or_insert((0.0, 0));
                    e.0 += 1.0 / (1.0 + p as f64);
                    e.1 += 1;
                    *plabels
                        .entry(kp.key.as_str())
                        .or_default()
                        .entry(kp.label.clone())
                        .or_insert(0) += 1;
                }
            }
            let mut ranked: Vec<(&str, f64)> = pscore
                .iter()
                .map(|(&k, &(s, inside))| {
                    let total = phrase_units[k] as f64;
                    let key = lr(inside as f64, total - inside as f64);
                    (k, s * if key > 0.0 { key } else { 0.05 })
                })
                .collect();
            ranked.sort_by(|p, q| q.1.total_cmp(&p.1).then_with(|| p.0.cmp(q.0)));
            let mut phrases: Vec<String> = Vec::new();
            for (k, _) in &ranked {
                let l = keyphrase::best_surface(&plabels[k]);
                if !phrases.iter().any(|p| p.to_lowercase() == l.to_lowercase()) {
                    phrases.push(l);
                }
                if phrases.len() == 10 {
                    break;
                }
            }
            // Final labels are picked after sorting (unique within the language).
            let label = if phrases.is_empty() {
                terms
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" / ")
            } else {
                String::new()
            };
            // Representatives.
            let mut by_w: Vec<usize> = mem.clone();
            by_w.sort_by(|&i, &j| {
                f.w[j * f.k + a]
                    .total_cmp(&f.w[i * f.k + a])
                    .then(i.cmp(&j))
            });
            let mut docs = Vec::new();
            let mut paths = Vec::new();
            let mut locations = Vec::new();
            let mut doc_set = BTreeSet::new();
            for &i in &by_w {
                let d = units[i].doc;
                if doc_set.insert(d) && docs.len() < 10 {
                    let info = &self.docs[d as usize];
                    docs.push(info.id.clone());
                    paths.push(info.path.clone());
                    locations.push(crate::corpus::location(&info.path, info.line));
                }
            }
            let reps = by_w
                .iter()
                .take(5)
                .map(|&i| self.unit_label(&units[i], kind))
                .collect();
            let mut anchors = BTreeMap::new();
            for &i in mem {
                for &an in &units[i].anchors {
                    if self.anchor_valid(an) {
                        *anchors.entry(an).or_insert(0) += 1;
                    }
                }
            }
            let what = match kind {
                UnitKind::Document => "documents",
                UnitKind::Passage => "passages",
            };
            let evidence = vec![format!(
                "keyness (log2 ratio, {what} in theme vs rest of {}): {}",
                lang.code(),
                key_ev.join(", ")
            )];
            drafts.push((
                a,
                Draft {
                    theme: Theme {
                        id: String::new(),
                        langs: vec![lang],
                        label,
                        terms,
                        stems,
                        docs,
                        paths,
                        locations,
                        units: reps,
                        unit: kind,
                        size: mem.len(),
                        coverage: round(mem.len() as f64 / n as f64),
                        coherence,
                        evidence,
                        members: BTreeMap::new(),
                    },
                    anchors,
                    phrases,
                    docs: doc_set,
                },
            ));
        }
        drafts.sort_by(|(_, p), (_, q)| {
            q.theme
                .size
                .cmp(&p.theme.size)
                .then_with(|| p.theme.stems.cmp(&q.theme.stems))
        });
        // Labels: top 3 member keyphrases not already used by a larger theme
        // of the language (falls back to the top terms).
        let mut used: BTreeSet<String> = BTreeSet::new();
        for (_, d) in drafts.iter_mut() {
            // Skip phrases contained in (or containing) a label phrase of a
            // larger theme, and phrases sharing a word with one already picked.
            let mut pick: Vec<String> = Vec::new();
            for p in &d.phrases {
                let lp = p.to_lowercase();
                let words: Vec<&str> = lp.split(' ').collect();
                let clash_used = used
                    .iter()
                    .any(|u| u.contains(&lp) || lp.contains(u.as_str()));
                let clash_pick = pick
                    .iter()
                    .any(|q| q.to_lowercase().split(' ').any(|w| words.contains(&w)));
                if clash_used || clash_pick {
                    continue;
                }
                pick.push(p.clone());
                if pick.len() == 3 {
                    break;
                }
            }
            if !pick.is_empty() {
                used.extend(pick.iter().map(|p| p.to_lowercase()));
                d.theme.label = pick.join(" / ");
            } else {
                d.theme.label = d
                    .theme
                    .terms
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" / ");
            }
        }
        let mut comp_to_draft = vec![None; f.k];
        for (i, (a, d)) in drafts.iter_mut().enumerate() {
            d.theme.id = format!("{}-{}", lang.code(), i + 1);
            comp_to_draft[*a] = Some(i);
        }
        let assign: Vec<Option<usize>> = assign_raw
            .iter()
            .map(|a| a.and_then(|a| comp_to_draft[a]))
            .collect();
        let drafts: Vec<Draft> = drafts.into_iter().map(|(_, d)| d).collect();
        let assigned = assign.iter().filter(|a| a.is_some()).count();
        let tops25: Vec<Vec<String>> = (0..f.k)
            .filter(|&a| !members[a].is_empty())
            .map(|a| {
                f.top_terms(a, 25)
                    .iter()
                    .map(|&c| acc.terms[cols[c] as usize].clone())
                    .collect()
            })
            .collect();
        let coh: Vec<f64> = drafts.iter().map(|d| d.theme.coherence).collect();
        let quality = LangQuality {
            lang,
            unit: kind,
            docs: acc.n_docs,
            units: n,
            vocab: x.ncols,
            k: f.k,
            k_from,
            k_scores,
            coverage: round(if n == 0 {
                0.0
            } else {
                assigned as f64 / n as f64
            }),
            coherence: round(if coh.is_empty() {
                0.0
            } else {
                coh.iter().sum::<f64>() / coh.len() as f64
            }),
            diversity: round(quality::diversity(&tops25, 25)),
            stability,
        };
        LangFit {
            drafts,
            assign,
            quality,
        }
    }

    /// Link themes of different languages; linked groups become cross-lingual themes.
    fn crosslingual(
        &self,
        drafts: &[(Lang, Vec<Draft>)],
        pairs: &[Pair],
        unit_totals: &BTreeMap<Lang, usize>,
    ) -> Vec<Theme> {
        let flat: Vec<(Lang, &Draft)> = drafts
            .iter()
            .flat_map(|(l, ds)| ds.iter().map(move |d| (*l, d)))
            .collect();
        let id_of: HashMap<&str, u32> = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i as u32))
            .collect();
        let trans: Vec<(u32, u32)> = pairs
            .iter()
            .filter(|p| p.kind == PairKind::Translation)
            .filter_map(|p| Some((*id_of.get(p.a.as_str())?, *id_of.get(p.b.as_str())?)))
            .collect();
        // Best link of every theme towards every other language.
        struct Link {
            score: f64,
            evidence: String,
        }
        let mut links: BTreeMap<(usize, usize), Link> = BTreeMap::new();
        for i in 0..flat.len() {
            for j in i + 1..flat.len() {
                let ((la, a), (lb, b)) = (flat[i], flat[j]);
                if la == lb {
                    continue;
                }
                let mut shared: Vec<u32> = a
                    .anchors
                    .keys()
                    .filter(|k| b.anchors.contains_key(k))
                    .copied()
                    .collect();
                let (mut num, mut den) = (0.0, 0.0);
                for (&k, &c) in &a.anchors {
                    let w = self.anchor_weight(k);
                    let d = b.anchors.get(&k).copied().unwrap_or(0);
                    num += w * c.min(d) as f64;
                    den += w * c.max(d) as f64;
                }
                for (&k, &c) in &b.anchors {
                    if !a.anchors.contains_key(&k) {
                        den += self.anchor_weight(k) * c as f64;
                    }
                }
                let wj = if den > 0.0 { num / den } else { 0.0 };
                let unit_docs =
                    a.theme.unit == UnitKind::Document && b.theme.unit == UnitKind::Document;
                let tp: Vec<String> = if unit_docs {
                    trans
                        .iter()
                        .filter(|(x, y)| {
                            (a.docs.contains(x) && b.docs.contains(y))
                                || (a.docs.contains(y) && b.docs.contains(x))
                        })
                        .map(|&(x, y)| {
                            format!(
                                "{} ~ {}",
                                self.docs[x as usize].id, self.docs[y as usize].id
                            )
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                let lex = match &self.opts.lexicon {
                    Some(l) => l.matches(la, &a.theme.stems, lb, &b.theme.stems),
                    None => Vec::new(),
                };
                let anchor_ok = shared.len() >= 2 && wj >= 0.1;
                if !(anchor_ok || !tp.is_empty() || lex.len() >= 2) {
                    continue;
                }
                shared.sort_by(|&p, &q| {
                    let (cp, cq) = (a.anchors[&p] + b.anchors[&p], a.anchors[&q] + b.anchors[&q]);
                    cq.cmp(&cp).then_with(|| {
                        self.anchors[p as usize]
                            .key
                            .cmp(&self.anchors[q as usize].key)
                    })
                });
                let mut parts = Vec::new();
                if !shared.is_empty() {
                    let shown: Vec<&str> = shared
                        .iter()
                        .take(12)
                        .map(|&k| self.anchors[k as usize].key.as_str())
                        .collect();
                    parts.push(format!(
                        "{} shared anchors (weighted Jaccard {wj:.3}): {}",
                        shared.len(),
                        shown.join(", ")
                    ));
                }
                if !tp.is_empty() {
                    parts.push(format!("translation pairs: {}", tp.join(", ")));
                }
                if !lex.is_empty() {
                    parts.push(format!("lexicon: {}", lex.join(", ")));
                }
                let score = if anchor_ok { wj } else { 0.0 }
                    + 0.5 * tp.len() as f64
                    + 0.2 * lex.len() as f64;
                links.insert(
                    (i, j),
                    Link {
                        score,
                        evidence: format!("{} ↔ {}: {}", a.theme.id, b.theme.id, parts.join("; ")),
                    },
                );
            }
        }
        // Keep, per theme and other language, only the best link (ties: lower index).
        let mut keep: BTreeSet<(usize, usize)> = BTreeSet::new();
        for i in 0..flat.len() {
            let mut best: BTreeMap<Lang, ((usize, usize), f64)> = BTreeMap::new();
            for (&(p, q), l) in &links {
                if p != i && q != i {
                    continue;
                }
                let other = if p == i { q } else { p };
                let e = best.entry(flat[other].0).or_insert(((p, q), f64::MIN));
                if l.score > e.1 {
                    *e = ((p, q), l.score);
                }
            }
            for (_, (k, _)) in best {
                keep.insert(k);
            }
        }
        // Union-find.
        let mut parent: Vec<usize> = (0..flat.len()).collect();
        fn find(p: &mut [usize], x: usize) -> usize {
            let mut r = x;
            while p[r] != r {
                r = p[r];
            }
            let mut y = x;
            while p[y] != r {
                let nx = p[y];
                p[y] = r;
                y = nx;
            }
            r
        }
        for &(p, q) in &keep {
            let (rp, rq) = (find(&mut parent, p), find(&mut parent, q));
            if rp != rq {
                parent[rp.max(rq)] = rp.min(rq);
            }
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..flat.len() {
            let r = find(&mut parent, i);
            groups.entry(r).or_default().push(i);
        }
        let mut out = Vec::new();
        for (_, g) in groups {
            if g.len() < 2 {
                continue;
            }
            let mut members: BTreeMap<Lang, Vec<String>> = BTreeMap::new();
            let mut terms = Vec::new();
            let mut stems = Vec::new();
            let mut docs = Vec::new();
            let mut paths = Vec::new();
            let mut locations = Vec::new();
            let mut units = Vec::new();
            let mut labels = Vec::new();
            let mut size = 0;
            let mut coh = 0.0;
            for &i in &g {
                let (l, d) = flat[i];
                members.entry(l).or_default().push(d.theme.id.clone());
                terms.extend(d.theme.terms.iter().take(5).cloned());
                stems.extend(d.theme.stems.iter().take(5).cloned());
                docs.extend(d.theme.docs.iter().take(3).cloned());
                paths.extend(d.theme.paths.iter().take(3).cloned());
                locations.extend(d.theme.locations.iter().take(3).cloned());
                units.extend(d.theme.units.iter().take(2).cloned());
                labels.push(format!("[{}] {}", l.code(), d.theme.label));
                size += d.theme.size;
                coh += d.theme.coherence;
            }
            let mut seen = BTreeSet::new();
            let keep_idx: Vec<bool> = docs
                .iter()
                .map(|d: &String| seen.insert(d.clone()))
                .collect();
            let mut it = keep_idx.iter();
            docs.retain(|_| *it.next().unwrap());
            let mut it = keep_idx.iter();
            paths.retain(|_| *it.next().unwrap());
            let mut it = keep_idx.iter();
            locations.retain(|_| *it.next().unwrap());
            let lang_units: usize = members
                .keys()
                .map(|l| unit_totals.get(l).copied().unwrap_or(0))
                .sum();
            let evidence: Vec<String> = keep
                .iter()
                .filter(|(p, q)| g.contains(p) && g.contains(q))
                .map(|k| links[k].evidence.clone())
                .collect();
            let langs: Vec<Lang> = members.keys().copied().collect();
            out.push(Theme {
                id: String::new(),
                langs,
                label: labels.join(" | "),
                terms,
                stems,
                docs,
                paths,
                locations,
                units,
                unit: flat[g[0]].1.theme.unit,
                size,
                coverage: round(size as f64 / lang_units.max(1) as f64),
                coherence: round(coh / g.len() as f64),
                evidence,
                members,
            });
        }
        for (i, t) in out.iter_mut().enumerate() {
            t.id = format!("x-{}", i + 1);
        }
        out
    }
}
