//! Renderers: exactly what `korpus stats …` and `korpus kwic` print.
//!
//! - [`Format::Human`]: aligned columns (numbers right-aligned, widths in
//!   characters), floats with 4 decimals, p-values in scientific notation,
//!   `-` for undefined values. Summaries print one block per group; KWIC
//!   prints `path:line:column  left [match] right`.
//! - [`Format::Jsonl`]: one JSON object per row (per group for summaries),
//!   the `Serialize` form of the row struct; undefined floats are `null`.
//! - [`Format::Csv`]: a header line and one record per row (RFC 4180 quoting);
//!   a summary's top list is one cell `surface:count | …`.
//!
//! Every output ends with a newline unless there are no rows (human tables
//! still print their header).

use serde::Serialize;

use super::{fmt_f, fmt_o};
use super::{Collapse, CollocRow, DupPair, FreqRow, KeynessRow, KwicLine, NumbersRow, SummaryRow};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned columns.
    #[default]
    Human,
    /// JSON lines.
    Jsonl,
    /// CSV.
    Csv,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "human" | "table" => Ok(Format::Human),
            "jsonl" | "json" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            _ => Err(format!("unknown format {s:?} (human|jsonl|csv)")),
        }
    }
}

/// A row type that can be rendered.
pub trait Table: Serialize + Sized {
    /// Column names (CSV header and human header).
    fn header() -> Vec<&'static str>;
    /// Cells, as strings, in header order (CSV form).
    fn cells(&self) -> Vec<String>;
    /// Human rendering (default: aligned table of `cells`).
    fn human(rows: &[Self]) -> String {
        aligned(&Self::header(), rows.iter().map(|r| r.cells()).collect())
    }
}

/// Render rows in a format.
pub fn render<T: Table>(rows: &[T], format: Format) -> String {
    match format {
        Format::Human => human(rows),
        Format::Jsonl => jsonl(rows),
        Format::Csv => csv(rows),
    }
}

/// Human-readable table.
pub fn human<T: Table>(rows: &[T]) -> String {
    T::human(rows)
}

/// JSON lines.
pub fn jsonl<T: Serialize>(rows: &[T]) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(&serde_json::to_string(r).expect("rows serialize"));
        out.push('\n');
    }
    out
}

/// CSV with a header.
pub fn csv<T: Table>(rows: &[T]) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(T::header()).expect("write to Vec");
    for r in rows {
        w.write_record(r.cells()).expect("write to Vec");
    }
    String::from_utf8(w.into_inner().expect("flush Vec")).expect("UTF-8 in, UTF-8 out")
}

fn is_num(s: &str) -> bool {
    s == "-" || s.parse::<f64>().is_ok() || s == "inf" || s == "-inf"
}

/// Align cells in columns: numeric columns right, others left.
pub fn aligned(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let n = header.len();
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    let mut numeric = vec![true; n];
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            width[i] = width[i].max(c.chars().count());
            numeric[i] &= is_num(c);
        }
    }
    if rows.is_empty() {
        numeric = vec![false; n];
    }
    let line = |cells: Vec<String>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = width[i] - c.chars().count();
            if numeric[i] {
                s.extend(std::iter::repeat_n(' ', pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                s.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let mut s = s.trim_end().to_string();
        s.push('\n');
        s
    };
    let mut out = line(header.iter().map(|h| h.to_string()).collect());
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

fn p_fmt(p: f64) -> String {
    format!("{p:.3e}")
}

impl Table for SummaryRow {
    fn header() -> Vec<&'static str> {
        vec![
            "group",
            "documents",
            "sentences",
            "tokens",
            "types",
            "hapax",
            "dis_legomena",
            "ttr",
            "mattr",
            "mtld",
            "yule_k",
            "sentence_len_mean",
            "sentence_len_median",
            "doc_len_mean",
            "doc_len_median",
            "zipf_alpha",
            "zipf_s",
            "heaps_beta",
            "heaps_k",
            "kind:number",
            "kind:url",
            "kind:email",
            "kind:handle",
            "kind:hashtag",
            "kind:emoji",
            "kind:emoticon",
            "kind:marker",
            "top",
        ]
    }
    fn cells(&self) -> Vec<String> {
        let top: Vec<String> = self
            .top
            .iter()
            .map(|t| format!("{}:{}", t.surface, t.count))
            .collect();
        vec![
            self.group.clone(),
            self.documents.to_string(),
            self.sentences.to_string(),
            self.tokens.to_string(),
            self.types.to_string(),
            self.hapax.to_string(),
            self.dis_legomena.to_string(),
            fmt_o(self.ttr, 4),
            fmt_o(self.mattr, 4),
            fmt_o(self.mtld, 4),
            fmt_o(self.yule_k, 4),
            fmt_o(self.sentence_len_mean, 4),
            fmt_o(self.sentence_len_median, 4),
            fmt_o(self.doc_len_mean, 4),
            fmt_o(self.doc_len_median, 4),
            fmt_o(self.zipf_alpha, 4),
            fmt_o(self.zipf_s, 4),
            fmt_o(self.heaps_beta, 4),
            fmt_o(self.heaps_k, 4),
        ]
        .into_iter()
        .chain(
            crate::analysis::Kind::SPECIAL
                .iter()
                .map(|k| self.kinds.get(k.name()).copied().unwrap_or(0).to_string()),
        )
        .chain(std::iter::once(top.join(" | ")))
        .collect()
    }
    fn human(rows: &[Self]) -> String {
        let mut out = String::new();
        for (i, r) in rows.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("== {} ==\n", r.group));
            let names = Self::header();
            let cells = r.cells();
            let kv: Vec<Vec<String>> = names[1..names.len() - 1]
                .iter()
                .zip(&cells[1..cells.len() - 1])
                .map(|(k, v)| vec![k.to_string(), v.clone()])
                .collect();
            out.push_str(&aligned(&["measure", "value"], kv));
            if !r.top.is_empty() {
                out.push('\n');
                let top = r
                    .top
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        vec![
                            (i + 1).to_string(),
                            t.surface.clone(),
                            t.term.clone(),
                            t.count.to_string(),
                        ]
                    })
                    .collect();
                out.push_str(&aligned(&["rank", "surface", "term", "count"], top));
            }
        }
        out
    }
}

impl Table for FreqRow {
    fn header() -> Vec<&'static str> {
        vec![
            "term",
            "surface",
            "count",
            "per_million",
            "docs",
            "range",
            "dp",
            "dp_norm",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.term.clone(),
            self.surface.clone(),
            self.count.to_string(),
            fmt_f(self.per_million, 4),
            self.docs.to_string(),
            fmt_f(self.range, 4),
            fmt_o(self.dp, 4),
            fmt_o(self.dp_norm, 4),
        ]
    }
}

impl Table for KeynessRow {
    fn header() -> Vec<&'static str> {
        vec![
            "term",
            "surface",
            "a",
            "b",
            "rel_target",
            "rel_ref",
            "g2",
            "p",
            "p_bonferroni",
            "significant",
            "log_ratio",
            "lrc",
            "pct_diff",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.term.clone(),
            self.surface.clone(),
            self.a.to_string(),
            self.b.to_string(),
            fmt_f(self.rel_target, 4),
            fmt_f(self.rel_ref, 4),
            fmt_f(self.g2, 4),
            p_fmt(self.p),
            p_fmt(self.p_bonferroni),
            if self.significant { "yes" } else { "no" }.to_string(),
            fmt_f(self.log_ratio, 4),
            fmt_f(self.lrc, 4),
            fmt_f(self.pct_diff, 4),
        ]
    }
}

impl Table for CollocRow {
    fn header() -> Vec<&'static str> {
        vec!["term", "surface", "f_xy", "f_x", "f_y", "score"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.term.clone(),
            self.surface.clone(),
            self.f_xy.to_string(),
            self.f_x.to_string(),
            self.f_y.to_string(),
            fmt_f(self.score, 4),
        ]
    }
}

impl Table for NumbersRow {
    fn header() -> Vec<&'static str> {
        vec!["group", "value", "kind", "count", "docs", "surface"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.group.clone(),
            self.value.clone(),
            self.kind.as_str().to_string(),
            self.count.to_string(),
            self.docs.to_string(),
            self.surface.clone(),
        ]
    }
}

impl Table for KwicLine {
    fn header() -> Vec<&'static str> {
        vec![
            "doc", "path", "lang", "left", "match", "right", "start", "end", "line", "column",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.doc.clone(),
            self.path.clone(),
            self.lang.code().to_string(),
            self.left.clone(),
            self.matched.clone(),
            self.right.clone(),
            self.start.to_string(),
            self.end.to_string(),
            self.line.map_or(String::new(), |l| l.to_string()),
            self.column.map_or(String::new(), |c| c.to_string()),
        ]
    }
    /// `path:line:column  left [match] right` (line and column of the match
    /// in the file; `path` alone when unknown), left contexts right-aligned.
    fn human(rows: &[Self]) -> String {
        let locs: Vec<String> = rows.iter().map(KwicLine::location).collect();
        let lw = locs.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let cw = rows
            .iter()
            .map(|r| r.left.chars().count())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for (r, loc) in rows.iter().zip(locs) {
            let pad1 = lw - loc.chars().count();
            let pad2 = cw - r.left.chars().count();
            let line = format!(
                "{loc}{}  {}{}[{}]{}",
                " ".repeat(pad1),
                " ".repeat(pad2),
                r.left,
                r.matched,
                r.right
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

impl Table for DupPair {
    fn header() -> Vec<&'static str> {
        vec!["a", "b", "estimate", "jaccard"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.a.clone(),
            self.b.clone(),
            fmt_f(self.estimate, 4),
            fmt_o(self.jaccard, 4),
        ]
    }
}

impl Table for Collapse {
    fn header() -> Vec<&'static str> {
        vec!["id", "keep"]
    }
    fn cells(&self) -> Vec<String> {
        vec![self.id.clone(), self.keep.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn freq_in_three_formats() {
        let rows = vec![
            FreqRow {
                term: "kund".into(),
                surface: "Kunden".into(),
                count: 12,
                per_million: 1500.0,
                docs: 3,
                range: 0.75,
                dp: Some(0.25),
                dp_norm: None,
            },
            FreqRow {
                term: "a,b".into(),
                surface: "\"q\"".into(),
                count: 7,
                per_million: 875.0,
                docs: 1,
                range: 0.25,
                dp: Some(0.5),
                dp_norm: Some(0.6),
            },
        ];
        assert_eq!(
            human(&rows),
            "term  surface  count  per_million  docs   range      dp  dp_norm\n\
             kund  Kunden      12    1500.0000     3  0.7500  0.2500        -\n\
             a,b   \"q\"          7     875.0000     1  0.2500  0.5000   0.6000\n"
        );
        assert_eq!(
            csv(&rows),
            "term,surface,count,per_million,docs,range,dp,dp_norm\n\
             kund,Kunden,12,1500.0000,3,0.7500,0.2500,-\n\
             \"a,b\",\"\"\"q\"\"\",7,875.0000,1,0.2500,0.5000,0.6000\n"
        );
        let j = jsonl(&rows[..1]);
        assert_eq!(
            j,
            "{\"term\":\"kund\",\"surface\":\"Kunden\",\"count\":12,\"per_million\":1500.0,\"docs\":3,\"range\":0.75,\"dp\":0.25,\"dp_norm\":null}\n"
        );
    }

    #[test]
    fn kwic_human_marks_match() {
        let l = vec![KwicLine {
            doc: "1".into(),
            path: "a.txt".into(),
            lang: Lang::De,
            left: "die ".into(),
            matched: "Kunden".into(),
            right: " warten".into(),
            start: 4,
            end: 10,
            line: Some(1),
            column: Some(5),
        }];
        assert_eq!(human(&l), "a.txt:1:5  die [Kunden] warten\n");
        assert!(jsonl(&l).contains("\"match\":\"Kunden\""));
        assert!(jsonl(&l).contains("\"lang\":\"de\""));
    }
}
