//! Numbers and percentages found in the text, normalized across scripts,
//! separators and words: `84%`, `84 %`, `٨٤٪`, `۸۴٪`, `84 Prozent`,
//! `84 процентов`, `80 درصد`, `66 odstotkov`, `٨٤ في المئة` all become
//! value `84` (`80`, `66`), kind `percent`.
//!
//! - A number is a token whose normalized form (digits already ASCII-folded
//!   by the analyzer; Arabic ٫ → `.`) is digits with `.`/`,` separators.
//! - It is a percentage when followed (after optional spaces, incl. no-break
//!   spaces) by `%`, `٪`, `％`, `﹪`, or by a percent word: German `prozent…`,
//!   Russian `процент…`, Slovenian `odstot…`/`procent…`, Persian `درصد`,
//!   Arabic `بالمئة`/`بالمائة` or `في المئة`/`في المائة`.
//! - Separators: with both `.` and `,`, the last one is the decimal mark;
//!   a separator occurring twice groups thousands; a single separator
//!   followed by exactly three digits groups thousands when it is `.` in
//!   de/ru/sl or `,` in ar/fa/und, else it is the decimal mark. Values are
//!   printed canonically (`.` decimal, no leading or trailing zeros).
//! - `count` = occurrences, `docs` = documents containing the value;
//!   `surface` = its most frequent written form.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{GroupBy, Surfaces};
use crate::analysis::Token;
use crate::corpus::AnalyzedDoc;
use crate::lang::Lang;

/// Kind of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberKind {
    /// A percentage.
    Percent,
    /// Any other number.
    Number,
}

impl NumberKind {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberKind::Percent => "percent",
            NumberKind::Number => "number",
        }
    }
}

#[derive(Debug, Clone, Default)]
struct NumStat {
    count: u64,
    docs: u64,
    surfaces: Surfaces,
}

/// Accumulates numbers per group.
#[derive(Debug, Clone)]
pub struct NumbersAcc {
    group: GroupBy,
    map: BTreeMap<(String, NumberKind, String), NumStat>,
}

/// One row of the numbers table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumbersRow {
    /// Group key.
    pub group: String,
    /// Canonical value (`.` decimal mark).
    pub value: String,
    /// percent | number.
    pub kind: NumberKind,
    /// Occurrences.
    pub count: u64,
    /// Documents containing it.
    pub docs: u64,
    /// Most frequent written form.
    pub surface: String,
}

/// A number found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Canonical value.
    pub value: String,
    /// Kind.
    pub kind: NumberKind,
    /// Byte range of the whole expression (number + sign or word).
    pub start: usize,
    /// End of the expression.
    pub end: usize,
}

fn is_numeric(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_digit()
        && b[b.len() - 1].is_ascii_digit()
        && b.iter()
            .all(|c| c.is_ascii_digit() || *c == b'.' || *c == b',')
}

/// Canonical value of a numeric string (see module doc).
pub fn canonical(s: &str, lang: Lang) -> String {
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    let decimal: Option<char> = if dots > 0 && commas > 0 {
        if s.rfind('.') > s.rfind(',') {
            Some('.')
        } else {
            Some(',')
        }
    } else if dots + commas == 0 || dots > 1 || commas > 1 {
        // no separator, or repeated separators: thousands groups
        None
    } else {
        let sep = if dots == 1 { '.' } else { ',' };
        let after = s.len() - s.find(sep).unwrap() - 1;
        let thousands_sep = match lang {
            Lang::De | Lang::Ru | Lang::Sl => '.',
            Lang::Ar | Lang::Fa | Lang::Und => ',',
        };
        if after == 3 && sep == thousands_sep {
            None
        } else {
            Some(sep)
        }
    };
    let mut int = String::new();
    let mut frac = String::new();
    let mut in_frac = false;
    for c in s.chars() {
        if Some(c) == decimal {
            in_frac = true;
        } else if c.is_ascii_digit() {
            if in_frac {
                frac.push(c)
            } else {
                int.push(c)
            }
        }
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

fn is_percent_word(w: &str) -> bool {
    w.starts_with("prozent")
        || w.starts_with("процент")
        || w.starts_with("odstot")
        || w.starts_with("procent")
        || matches!(w, "درصد" | "بالمئه" | "بالمائه" | "بالمئة" | "بالمائة")
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}'
}

/// The numbers of a document, in text order.
pub fn find_numbers(doc: &AnalyzedDoc) -> Vec<Found> {
    let body = &doc.doc.body;
    let all = doc.all_tokens();
    let toks: Vec<&Token> = all.iter().map(|(t, _)| *t).collect();
    let mut out = Vec::new();
    for (i, &(t, lang)) in all.iter().enumerate() {
        if !is_numeric(&t.normalized) {
            continue;
        }
        let value = canonical(&t.normalized, lang);
        let rest = &body[t.end..];
        let trimmed = rest.trim_start_matches(is_space);
        let skipped = rest.len() - trimmed.len();
        let mut kind = NumberKind::Number;
        let mut end = t.end;
        if let Some(c) = trimmed
            .chars()
            .next()
            .filter(|c| matches!(c, '%' | '٪' | '％' | '﹪'))
        {
            kind = NumberKind::Percent;
            end = t.end + skipped + c.len_utf8();
        } else if let Some(n) = toks.get(i + 1) {
            let gap_ok = |a: usize, b: usize| body[a..b].chars().all(is_space);
            if gap_ok(t.end, n.start) {
                if is_percent_word(&n.normalized) {
                    kind = NumberKind::Percent;
                    end = n.end;
                } else if n.normalized == "في" {
                    if let Some(m) = toks.get(i + 2) {
                        if gap_ok(n.end, m.start)
                            && matches!(
                                m.normalized.as_str(),
                                "المئه" | "المائه" | "المئة" | "المائة"
                            )
                        {
                            kind = NumberKind::Percent;
                            end = m.end;
                        }
                    }
                }
            }
        }
        out.push(Found {
            value,
            kind,
            start: t.start,
            end,
        });
    }
    out
}

impl NumbersAcc {
    /// A new accumulator.
    pub fn new(group: GroupBy) -> Self {
        NumbersAcc {
            group,
            map: BTreeMap::new(),
        }
    }

    /// Add one document (with [`GroupBy::Segment`], each of its parts in
    /// one language).
    pub fn add(&mut self, doc: &AnalyzedDoc) {
        for (key, part) in self.group.parts(doc) {
            self.add_to(key, &part);
        }
    }

    fn add_to(&mut self, g: String, doc: &AnalyzedDoc) {
        let mut seen = BTreeSet::new();
        for f in find_numbers(doc) {
            let surface: String = doc.doc.body[f.start..f.end]
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let key = (g.clone(), f.kind, f.value);
            let e = self.map.entry(key.clone()).or_default();
            e.count += 1;
            e.surfaces.add(&surface, 1);
            if seen.insert(key) {
                e.docs += 1;
            }
        }
    }

    /// Add several documents.
    pub fn extend<'a>(&mut self, docs: impl IntoIterator<Item = &'a AnalyzedDoc>) {
        for d in docs {
            self.add(d);
        }
    }

    /// Merge the accumulator of the documents that come after ours.
    pub fn merge(mut self, later: NumbersAcc) -> NumbersAcc {
        for (k, l) in later.map {
            let e = self.map.entry(k).or_default();
            e.count += l.count;
            e.docs += l.docs;
            e.surfaces.merge(l.surfaces);
        }
        self
    }

    /// Rows with count ≥ `min_count`: by group, percentages first, count desc, value.
    pub fn rows(&self, min_count: u64) -> Vec<NumbersRow> {
        let mut rows: Vec<NumbersRow> = self
            .map
            .iter()
            .filter(|(_, s)| s.count >= min_count)
            .map(|((g, kind, value), s)| NumbersRow {
                group: g.clone(),
                value: value.clone(),
                kind: *kind,
                count: s.count,
                docs: s.docs,
                surface: s.surfaces.best(),
            })
            .collect();
        rows.sort_by(|a, b| {
            a.group
                .cmp(&b.group)
                .then(a.kind.cmp(&b.kind))
                .then(b.count.cmp(&a.count))
                .then_with(|| a.value.cmp(&b.value))
        });
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::testutil::doc;

    fn found(lang: Lang, body: &str) -> Vec<(String, NumberKind)> {
        find_numbers(&doc("1", lang, body))
            .into_iter()
            .map(|f| (f.value, f.kind))
            .collect()
    }

    #[test]
    fn percent_across_scripts_and_words() {
        let p = |v: &str| vec![(v.to_string(), NumberKind::Percent)];
        assert_eq!(found(Lang::De, "Es sind 84% der Kunden."), p("84"));
        assert_eq!(found(Lang::De, "Es sind 84 % der Kunden."), p("84"));
        assert_eq!(found(Lang::De, "84 Prozent der Kunden"), p("84"));
        assert_eq!(found(Lang::Ar, "رضا ٨٤٪ من العملاء"), p("84"));
        assert_eq!(found(Lang::Ar, "٨٤ في المئة من العملاء"), p("84"));
        assert_eq!(found(Lang::Fa, "۸۴٪ مشتریان"), p("84"));
        assert_eq!(found(Lang::Fa, "۸۰ درصد مشتریان"), p("80"));
        assert_eq!(found(Lang::Ru, "84 процентов клиентов"), p("84"));
        assert_eq!(found(Lang::Ru, "82 процента клиентов"), p("82"));
        assert_eq!(found(Lang::Sl, "66 odstotkov strank"), p("66"));
        assert_eq!(found(Lang::Sl, "66 % strank"), p("66"));
    }

    #[test]
    fn separators() {
        assert_eq!(canonical("84,50", Lang::De), "84.5");
        assert_eq!(canonical("1.000", Lang::De), "1000");
        assert_eq!(canonical("1,000", Lang::Ar), "1000");
        assert_eq!(canonical("1.000", Lang::Ar), "1");
        assert_eq!(canonical("1.234.567,8", Lang::De), "1234567.8");
        assert_eq!(canonical("1,234,567.80", Lang::Und), "1234567.8");
        assert_eq!(canonical("007", Lang::Ru), "7");
        assert_eq!(canonical("3.5", Lang::De), "3.5");
        // Arabic decimal separator ٫ is folded to '.' by the analyzer
        assert_eq!(
            found(Lang::Ar, "١٢٫٥"),
            vec![("12.5".to_string(), NumberKind::Number)]
        );
    }

    #[test]
    fn table_counts_docs() {
        let a = doc("1", Lang::De, "84% und 84 Prozent, 2024");
        let b = doc("2", Lang::Fa, "۸۴٪");
        let mut acc = NumbersAcc::new(GroupBy::All);
        acc.extend([&a, &b]);
        let rows = acc.rows(1);
        assert_eq!(rows[0].value, "84");
        assert_eq!((rows[0].count, rows[0].docs), (3, 2));
        assert_eq!(rows[0].kind, NumberKind::Percent);
        assert_eq!(rows[1].value, "2024");
        assert_eq!(rows[1].kind, NumberKind::Number);
    }
}
