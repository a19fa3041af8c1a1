//! Corpus statistics over the analyzer's terms.
//!
//! Every statistic counts [`Token::term`](crate::analysis::Token) — the term
//! the index holds (a stem; the normalized form for stopwords) — and shows it
//! with its most frequent surface form (ties → the lexicographically smallest).
//!
//! # Accumulators
//! Documents arrive sorted by id, in batches. Each statistic is an
//! accumulator with `add(&mut self, &AnalyzedDoc)` and `merge(self, later)`:
//! fold each batch into its own accumulator (on any thread), then merge the
//! accumulators **in document order** (`merge` takes the accumulator of the
//! documents that come later). Accumulators hold integers only; floats are
//! computed once in `finish`/`rows`, and every list is sorted with ties broken
//! by term, so output is byte-identical whatever the batching and thread count.
//!
//! ```
//! use korpus::corpus::{AnalyzedDoc, StoredDoc};
//! use korpus::stats::{GroupBy, SummaryAcc};
//! use korpus::Lang;
//! let doc = AnalyzedDoc::new(StoredDoc {
//!     id: "1".into(), path: "a.txt".into(), lang: Lang::De, title: None,
//!     body: "Kunden warten. Die Kunden warten lange.".into(),
//!     spans: vec![], meta: Default::default(), line: None, source: Default::default(),
//! });
//! let mut a = SummaryAcc::new(GroupBy::Lang);
//! a.add(&doc);
//! let mut b = SummaryAcc::new(GroupBy::Lang);   // another batch
//! b.add(&doc);
//! let rows = a.merge(b).finish();
//! assert_eq!(rows[0].tokens, 12);
//! ```
//!
//! # Conventions
//! - **N** counts every word token, stopwords included (they are words of the
//!   text); types, hapaxes and diversity measures use all tokens too.
//! - **Stopwords** are left out of top lists, frequency lists (unless
//!   `include_stop`), keyness candidates, collocates and n-gram edges.
//!   A term is a stopword if any of its tokens was marked `stop`.
//! - Tokens longer than the analyzer's limit never reach us, but leave a gap
//!   in positions: n-grams and collocation windows do not bridge such gaps.

pub mod colloc;
pub mod dedup;
pub mod freq;
pub mod keyness;
pub mod kwic;
pub mod math;
pub mod numbers;
pub mod render;
pub mod summary;

use serde::Serialize;

use std::borrow::Cow;

use crate::corpus::{AnalyzedDoc, StoredDoc};
use crate::lang::Lang;

pub use colloc::{CollocAcc, CollocRow, Measure};
pub use dedup::{dedup, jaccard, near_duplicates, Collapse, DupPair, MinHashAcc};
pub use freq::{FreqAcc, FreqRow};
pub use keyness::{keyness, KeySort, KeynessConfig, KeynessRow};
pub use kwic::{kwic_lines, KwicLine};
pub use numbers::{NumberKind, NumbersAcc, NumbersRow};
pub use render::{Format, Table};
pub use summary::{summary, SummaryAcc, SummaryRow, TopTerm};

/// How to group documents in a summary or numbers table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum GroupBy {
    /// One group for the whole corpus (key `all`).
    All,
    /// The document's main language (`doc.lang`; spans in other languages
    /// count toward the main language).
    Lang,
    /// The language of each segment: a document in two languages counts in
    /// both groups, each time with only its tokens in that language (the
    /// Slovak footer of a Slovenian article counts under `und`).
    Segment,
    /// Each document on its own (key: its path).
    Path,
    /// The directory holding the document (path up to the last `/` or `\`).
    Dir,
    /// A metadata field (missing → `(none)`; non-string values as JSON).
    Meta(String),
}

impl GroupBy {
    /// The group key of a document.
    pub fn key(&self, doc: &AnalyzedDoc) -> String {
        let d = &doc.doc;
        match self {
            GroupBy::All => "all".to_string(),
            GroupBy::Lang | GroupBy::Segment => d.lang.code().to_string(),
            GroupBy::Path => d.path.clone(),
            GroupBy::Dir => match d.path.rfind(['/', '\\']) {
                Some(i) => d.path[..i].to_string(),
                None => ".".to_string(),
            },
            GroupBy::Meta(field) => match d.meta.get(field) {
                None | Some(serde_json::Value::Null) => "(none)".to_string(),
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            },
        }
    }

    /// The parts of a document to count, each with its group key: the
    /// document itself, or for [`GroupBy::Segment`] one part per language of
    /// its tokens (in order of first appearance), holding only those tokens.
    pub fn parts<'a>(&self, doc: &'a AnalyzedDoc) -> Vec<(String, Cow<'a, AnalyzedDoc>)> {
        let first = doc.token_langs.first().copied();
        let single = doc.token_langs.iter().all(|&l| Some(l) == first);
        if *self != GroupBy::Segment || single {
            let key = match (self, first) {
                (GroupBy::Segment, Some(l)) => l.code().to_string(),
                _ => self.key(doc),
            };
            return vec![(key, Cow::Borrowed(doc))];
        }
        let mut langs: Vec<Lang> = Vec::new();
        for &l in &doc.token_langs {
            if !langs.contains(&l) {
                langs.push(l);
            }
        }
        let langs_have_main = langs.contains(&doc.doc.lang);
        let first_lang = langs[0];
        langs
            .into_iter()
            .map(|l| {
                let tokens: Vec<_> = doc
                    .tokens
                    .iter()
                    .zip(&doc.token_langs)
                    .filter(|(_, &tl)| tl == l)
                    .map(|(t, _)| t.clone())
                    .collect();
                // Kind counts are per document: they go with the part in
                // the document's main language (or its first part).
                let main = if langs_have_main { doc.doc.lang } else { first_lang };
                let part = AnalyzedDoc {
                    doc: StoredDoc {
                        lang: l,
                        ..doc.doc.clone()
                    },
                    token_langs: vec![l; tokens.len()],
                    tokens,
                    kind_counts: if l == main {
                        doc.kind_counts
                    } else {
                        Default::default()
                    },
                    aside: doc.aside.iter().filter(|(_, tl)| *tl == l).cloned().collect(),
                };
                (l.code().to_string(), Cow::Owned(part))
            })
            .collect()
    }
}

/// Surface forms seen for a term, with counts. A term has few forms (most
/// one to three), so a short list searched in order beats a hash map per
/// term: no table to allocate, and merging stays cheap.
#[derive(Debug, Clone, Default)]
pub(crate) struct Surfaces(Vec<(Box<str>, u64)>);

impl Surfaces {
    pub(crate) fn add(&mut self, s: &str, n: u64) {
        match self.0.iter_mut().find(|(f, _)| **f == *s) {
            Some((_, c)) => *c += n,
            None => self.0.push((s.into(), n)),
        }
    }
    pub(crate) fn merge(&mut self, other: Surfaces) {
        if self.0.is_empty() {
            self.0 = other.0;
            return;
        }
        for (s, n) in other.0 {
            match self.0.iter_mut().find(|(f, _)| *f == s) {
                Some((_, c)) => *c += n,
                None => self.0.push((s, n)),
            }
        }
    }
    /// The most frequent form; ties → lexicographically smallest.
    pub(crate) fn best(&self) -> String {
        self.0
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(s, _)| s.to_string())
            .unwrap_or_default()
    }
}

/// Round half away from zero to `d` decimals, for stable human/CSV output.
pub(crate) fn fmt_f(x: f64, d: usize) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        let s = format!("{x:.d$}");
        if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s[1..].to_string()
        } else {
            s
        }
    }
}

/// Format an optional float (`-` when undefined).
pub(crate) fn fmt_o(x: Option<f64>, d: usize) -> String {
    x.map(|x| fmt_f(x, d)).unwrap_or_else(|| "-".to_string())
}

#[cfg(test)]
mod group_tests {
    use super::*;
    use crate::stats::testutil::und;

    #[test]
    fn parts_by_segment_split_a_mixed_document() {
        use crate::corpus::{AnalyzedDoc, LangSpan, StoredDoc};
        let body = "Hvala za hitro pomoč. Dakujem za rychlu pomoc.";
        let cut = body.find("Dakujem").unwrap();
        let doc = AnalyzedDoc::new(StoredDoc {
            line: None,
            source: Default::default(),
            id: "1".into(),
            path: "a.txt".into(),
            lang: Lang::Sl,
            title: None,
            body: body.into(),
            spans: vec![
                LangSpan {
                    start: 0,
                    end: cut,
                    lang: Lang::Sl,
                },
                LangSpan {
                    start: cut,
                    end: body.len(),
                    lang: Lang::Und,
                },
            ],
            meta: Default::default(),
        });
        let lang = GroupBy::Lang.parts(&doc);
        assert_eq!(lang.len(), 1);
        assert_eq!(lang[0].0, "sl");
        let seg = GroupBy::Segment.parts(&doc);
        let keys: Vec<&str> = seg.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["sl", "und"]);
        assert_eq!(
            seg[0].1.tokens.len() + seg[1].1.tokens.len(),
            doc.tokens.len()
        );
        assert!(seg[1].1.tokens.iter().all(|t| t.start >= cut));
        assert!(seg.iter().all(|(k, p)| p.doc.lang.code() == k));
        // A document in one language is not copied.
        let one = AnalyzedDoc::new(StoredDoc {
            spans: vec![],
            ..doc.doc.clone()
        });
        assert!(matches!(
            GroupBy::Segment.parts(&one)[0].1,
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn group_keys() {
        let mut d = und("1", "x");
        d.doc.path = "corpus/help/a.txt".into();
        d.doc.meta.insert("site".into(), serde_json::json!("help"));
        d.doc.meta.insert("year".into(), serde_json::json!(2024));
        assert_eq!(GroupBy::All.key(&d), "all");
        assert_eq!(GroupBy::Lang.key(&d), "und");
        assert_eq!(GroupBy::Path.key(&d), "corpus/help/a.txt");
        assert_eq!(GroupBy::Dir.key(&d), "corpus/help");
        assert_eq!(GroupBy::Meta("site".into()).key(&d), "help");
        assert_eq!(GroupBy::Meta("year".into()).key(&d), "2024");
        assert_eq!(GroupBy::Meta("none".into()).key(&d), "(none)");
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    use serde_json::Map;

    use crate::corpus::{AnalyzedDoc, StoredDoc};
    use crate::lang::Lang;

    pub fn doc(id: &str, lang: Lang, body: &str) -> AnalyzedDoc {
        AnalyzedDoc::new(StoredDoc {
            line: None,
            source: Default::default(),
            id: id.into(),
            path: format!("{id}.txt"),
            lang,
            title: None,
            body: body.into(),
            spans: vec![],
            meta: Map::new(),
        })
    }

    /// A document in the neutral analyzer (`Und`: no stopwords, no stemming),
    /// so hand-computed values are easy to check.
    pub fn und(id: &str, body: &str) -> AnalyzedDoc {
        doc(id, Lang::Und, body)
    }
}

#[cfg(test)]
mod determinism {
    use super::render::{jsonl, Table};
    use super::*;
    use crate::lang::Lang;
    use crate::stats::testutil::doc;

    fn corpus() -> Vec<AnalyzedDoc> {
        let texts = [
            (
                Lang::De,
                "Die Kunden warten auf Hilfe für Kunden. 84 % der Kunden sind zufrieden.",
            ),
            (
                Lang::De,
                "Hilfe für Kunden gibt es online. Kunden fragen, Kunden warten. 84 Prozent!",
            ),
            (
                Lang::Ru,
                "Клиенты ждут помощи. 84 процента клиентов довольны. Клиенты пишут.",
            ),
            (Lang::Fa, "مشتریان منتظر کمک هستند. ۸۴٪ مشتریان راضی هستند."),
            (Lang::Ar, "العملاء ينتظرون المساعدة. ٨٤٪ من العملاء راضون."),
            (
                Lang::Sl,
                "Stranke čakajo na pomoč. 66 odstotkov strank je zadovoljnih.",
            ),
            (
                Lang::De,
                "Die Kunden warten auf Hilfe für Kunden. 84 % der Kunden sind zufrieden.",
            ),
        ];
        texts
            .iter()
            .enumerate()
            .map(|(i, (l, t))| doc(&format!("d{i}"), *l, t))
            .collect()
    }

    fn all_outputs(batches: &[&[AnalyzedDoc]]) -> String {
        fn fold<A>(
            batches: &[&[AnalyzedDoc]],
            new: impl Fn() -> A,
            add: impl Fn(&mut A, &AnalyzedDoc),
            merge: impl Fn(A, A) -> A,
        ) -> A {
            let accs: Vec<A> = batches
                .iter()
                .map(|b| {
                    let mut a = new();
                    for d in *b {
                        add(&mut a, d);
                    }
                    a
                })
                .collect();
            accs.into_iter().reduce(merge).unwrap()
        }
        let mut out = String::new();
        let s = fold(
            batches,
            || SummaryAcc::new(GroupBy::Lang),
            SummaryAcc::add,
            SummaryAcc::merge,
        );
        out += &jsonl(&s.finish());
        let s = fold(
            batches,
            || SummaryAcc::new(GroupBy::All),
            SummaryAcc::add,
            SummaryAcc::merge,
        );
        out += &jsonl(&s.finish());
        for n in 1..=3 {
            let f = fold(batches, || FreqAcc::new(n), FreqAcc::add, FreqAcc::merge);
            out += &jsonl(&f.rows(1));
            out += &render::csv(&f.rows(1));
        }
        let f = fold(batches, || FreqAcc::new(1), FreqAcc::add, FreqAcc::merge);
        let r = fold(
            &[&batches[0][..1]],
            || FreqAcc::new(1),
            FreqAcc::add,
            FreqAcc::merge,
        );
        out += &jsonl(&keyness(&f, &r, &KeynessConfig::default()));
        let node = batches[0][0].tokens[1].term.clone();
        let c = fold(
            batches,
            || CollocAcc::new(node.clone(), 5),
            CollocAcc::add,
            CollocAcc::merge,
        );
        out += &jsonl(&c.rows(Measure::LogDice, 1));
        let nb = fold(
            batches,
            || NumbersAcc::new(GroupBy::Lang),
            NumbersAcc::add,
            NumbersAcc::merge,
        );
        out += &jsonl(&nb.rows(1));
        let m = fold(batches, MinHashAcc::new, MinHashAcc::add, MinHashAcc::merge);
        out += &jsonl(&m.candidates(0.8));
        out += &SummaryRow::human(&s.finish());
        out
    }

    #[test]
    fn one_batch_equals_three_batches() {
        let docs = corpus();
        let one = all_outputs(&[&docs[..]]);
        let three = all_outputs(&[&docs[..2], &docs[2..5], &docs[5..]]);
        assert_eq!(one, three);
        let again = all_outputs(&[&docs[..1], &docs[1..]]);
        assert_eq!(one, again);
        assert!(one.contains("\"value\":\"84\""));
    }
}
