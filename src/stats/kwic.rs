//! `korpus kwic`: concordance lines (key word in context).
//!
//! A token matches when its analyzer term, its normalized form or one of its
//! extra terms equals the query term (analyze the user's word with the
//! document's analyzer first). Contexts are `width` characters (Unicode
//! scalar values) on each side, taken from the body in logical order — right-
//! to-left text is never reversed; the terminal shows it. Line breaks, tabs
//! and other control characters become spaces.

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
}

fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Concordance lines of `term` in `doc`, in text order.
pub fn kwic_lines(doc: &AnalyzedDoc, term: &str, width: usize) -> Vec<KwicLine> {
    let body = &doc.doc.body;
    doc.tokens
        .iter()
        .zip(&doc.token_langs)
        .filter(|(t, _)| {
            t.term == term || t.normalized == term || t.extra.iter().any(|e| e == term)
        })
        .map(|(t, &lang)| {
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
            }
        })
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
    fn edges_of_body() {
        let d = und("1", "key");
        let l = kwic_lines(&d, "key", 10);
        assert_eq!((l[0].left.as_str(), l[0].right.as_str()), ("", ""));
    }
}
