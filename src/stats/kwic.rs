//! `korpus kwic`: concordance lines (key word in context).
//!
//! A token matches when its analyzer term, its normalized form or one of its
//! extra terms equals the query term (analyze the user's word with the
//! document's analyzer first). Contexts are `width` characters (Unicode
//! scalar values) on each side, taken from the body in logical order — right-
//! to-left text is never reversed; the terminal shows it. Line breaks, tabs
//! and other control characters become spaces.
//!
//! Each line also gives where the match is in the source file: the 1-based
//! `line` and `column` (characters) of its first character, from the
//! document's [`crate::ingest::source::SourceMap`]: for a JSONL record the
//! column in the raw line (escapes and entities counted as written), for a
//! CSV/TSV record in the raw record, for a text file in the file. Unknown
//! (None) for text extracted from HTML.

use serde::Serialize;

use crate::corpus::AnalyzedDoc;
use crate::lang::Lang;

/// Default context width (characters on each side).
pub const DEFAULT_WIDTH: usize = 40;

/// One concordance line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KwicLine {
    /// Document id.
    pub doc: String,
    /// Document path.
    pub path: String,
    /// Language of the matched token.
    pub lang: Lang,
    /// Left context (at most `width` characters).
    pub left: String,
    /// The matched text.
    #[serde(rename = "match")]
    pub matched: String,
    /// Right context (at most `width` characters).
    pub right: String,
    /// Byte offset of the match in the body.
    pub start: usize,
    /// Byte offset past the match.
    pub end: usize,
    /// 1-based line of the match in the source file (None if unknown).
    pub line: Option<u64>,
    /// 1-based column (characters) of the match in that line.
    pub column: Option<u64>,
}

impl KwicLine {
    /// `path:line:column` of the match, or `path` when the position is unknown.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path),
            _ => self.path.clone(),
        }
    }
}

fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Concordance lines of `term` in `doc`, in text order.
pub fn kwic_lines(doc: &AnalyzedDoc, term: &str, width: usize) -> Vec<KwicLine> {
    let body = &doc.doc.body;
    let matches: Vec<_> = doc
        .tokens
        .iter()
        .zip(&doc.token_langs)
        .filter(|(t, _)| {
            t.term == term || t.normalized == term || t.extra.iter().any(|e| e == term)
        })
        .collect();
    let offsets: Vec<usize> = matches.iter().map(|(t, _)| t.start).collect();
    let positions = doc.doc.positions(&offsets);
    matches
        .into_iter()
        .zip(positions)
        .map(|((t, &lang), pos)| {
            let before = &body[..t.start];
            let left_start = before
                .char_indices()
                .rev()
                .nth(width.saturating_sub(1))
                .map_or(0, |(i, _)| i);
            let left = if width == 0 {
                ""
            } else {
                &before[left_start..]
            };
            let after = &body[t.end..];
            let right_end = after
                .char_indices()
                .nth(width)
                .map_or(after.len(), |(i, _)| i);
            KwicLine {
                doc: doc.doc.id.clone(),
                path: doc.doc.path.clone(),
                lang,
                left: clean(left),
                matched: clean(&body[t.start..t.end]),
                right: clean(&after[..right_end]),
                start: t.start,
                end: t.end,
                line: pos.map(|p| p.0),
                column: pos.map(|p| p.1),
            }
        })
        .collect()
}

/// The order concordance lines are printed in: by path, then where the
/// match is in the file (line, column), then document and offset.
pub fn sort_lines(lines: &mut [KwicLine]) {
    lines.sort_by(|x, y| {
        (&x.path, x.line, x.column, &x.doc, x.start)
            .cmp(&(&y.path, y.line, y.column, &y.doc, y.start))
    });
}

/// `n` of `lines` (sorted by [`sort_lines`]) drawn evenly across documents:
/// the documents are taken in an order shuffled with `seed`, one match of
/// each (chosen with `seed` too) per round, until `n` are drawn; so no
/// document gives more than one match more than any other. The result is in
/// the order of `lines`. It depends only on `lines` and `seed`, never on the
/// thread count.
pub fn sample(lines: Vec<KwicLine>, n: usize, seed: u64) -> Vec<KwicLine> {
    if n >= lines.len() {
        return lines;
    }
    use crate::themes::cluster::Rng;
    let mut rng = Rng::new(seed);
    let mut shuffle = |v: &mut Vec<usize>| {
        for i in (1..v.len()).rev() {
            v.swap(i, rng.below(i + 1));
        }
    };
    // Groups of line indices per document, in order of first appearance.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_doc: std::collections::HashMap<&str, usize> = Default::default();
    for (i, l) in lines.iter().enumerate() {
        let g = *by_doc.entry(&l.doc).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    shuffle(&mut order);
    for g in &mut groups {
        shuffle(g);
    }
    let mut picked = vec![false; lines.len()];
    let mut left = n;
    let mut round = 0;
    while left > 0 {
        for &g in &order {
            if let Some(&i) = groups[g].get(round) {
                picked[i] = true;
                left -= 1;
                if left == 0 {
                    break;
                }
            }
        }
        round += 1;
    }
    lines
        .into_iter()
        .zip(picked)
        .filter_map(|(l, p)| p.then_some(l))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::testutil::{doc, und};

    #[test]
    fn contexts_are_cut_by_chars_and_cleaned() {
        let d = und("1", "one two\nthree KEY four\tfive six");
        let l = kwic_lines(&d, "key", 6);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].left, "three ");
        assert_eq!(l[0].matched, "KEY");
        assert_eq!(l[0].right, " four ");
        assert_eq!(&d.doc.body[l[0].start..l[0].end], "KEY");
    }

    #[test]
    fn rtl_text_is_kept_in_logical_order() {
        let body = "ما از مشتریان تشکر می‌کنیم";
        let d = doc("1", Lang::Fa, body);
        let t = d
            .tokens
            .iter()
            .find(|t| d.surface(t) == "مشتریان")
            .unwrap()
            .term
            .clone();
        let l = kwic_lines(&d, &t, 100);
        assert_eq!(l.len(), 1);
        assert_eq!(format!("{}{}{}", l[0].left, l[0].matched, l[0].right), body);
        assert_eq!(l[0].lang, Lang::Fa);
    }

    #[test]
    fn sample_is_even_across_documents_and_seeded() {
        let mut lines = Vec::new();
        for d in 0..4 {
            let n = if d == 0 { 50 } else { 2 };
            for k in 0..n {
                let doc = und(&d.to_string(), &"key ".repeat(n));
                let mut l = kwic_lines(&doc, "key", 2).swap_remove(k);
                l.path = format!("{d}.txt");
                lines.push(l);
            }
        }
        sort_lines(&mut lines);
        let s = sample(lines.clone(), 8, 7);
        assert_eq!(s.len(), 8);
        for d in 0..4 {
            assert_eq!(s.iter().filter(|l| l.doc == d.to_string()).count(), 2);
        }
        assert_eq!(s, sample(lines.clone(), 8, 7));
        let other: Vec<_> = (0..20).map(|seed| sample(lines.clone(), 8, seed)).collect();
        assert!(other.iter().any(|o| o != &s));
        assert_eq!(sample(lines.clone(), 500, 1), lines);
    }

    #[test]
    fn edges_of_body() {
        let d = und("1", "key");
        let l = kwic_lines(&d, "key", 10);
        assert_eq!((l[0].left.as_str(), l[0].right.as_str()), ("", ""));
    }
}
