//! Boilerplate lines: lines repeated across many documents of one source
//! (site chrome, ticket templates, signatures) and known ad/CMS markers
//! such as `[ad_1]` or `$config[code] not found`.
//!
//! Nothing is removed from the text: the functions return byte ranges, so
//! the index can keep the full text searchable while statistics and themes
//! skip the ranges. Results are deterministic (no randomness, no iteration
//! over hash-map order leaks into the output).

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

/// A line is boilerplate when it appears in at least this many documents of
/// its source …
pub const MIN_DOCS: usize = 3;
/// … and in at least this share (percent) of them.
pub const MIN_PERCENT: usize = 5;

/// Counts, per source, in how many documents each (normalised) line occurs.
/// Feed every document with [`LineCounts::observe`], then ask for
/// [`LineCounts::ranges`]; suitable for streaming (memory: one 16-byte key
/// per distinct line).
#[derive(Debug, Default, Clone)]
pub struct LineCounts {
    docs: usize,
    counts: HashMap<u128, u32>,
}

impl LineCounts {
    /// An empty counter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Count the distinct lines of one document.
    pub fn observe(&mut self, text: &str) {
        self.docs += 1;
        let mut seen: Vec<u128> = lines(text).filter_map(|(_, l)| key(l)).collect();
        seen.sort_unstable();
        seen.dedup();
        for k in seen {
            *self.counts.entry(k).or_insert(0) += 1;
        }
    }

    /// Documents observed so far.
    pub fn documents(&self) -> usize {
        self.docs
    }

    /// Documents a line must occur in to be boilerplate:
    /// `max(MIN_DOCS, ceil(MIN_PERCENT % of documents))`.
    pub fn threshold(&self) -> usize {
        MIN_DOCS.max((self.docs * MIN_PERCENT).div_ceil(100))
    }

    /// Byte ranges (line content, without the line break) of the
    /// boilerplate lines of `text`, in order.
    pub fn ranges(&self, text: &str) -> Vec<Range<usize>> {
        let threshold = self.threshold();
        lines(text)
            .filter(|(_, l)| {
                is_marker_line(l)
                    || key(l).is_some_and(|k| {
                        self.counts
                            .get(&k)
                            .is_some_and(|n| *n as usize >= threshold)
                    })
            })
            .map(|(start, l)| start..start + l.len())
            .collect()
    }
}

/// Boilerplate ranges for documents of one source (e.g. one folder): for
/// each document, the byte ranges of its boilerplate lines.
pub fn boilerplate_ranges(docs: &[&str]) -> Vec<Vec<Range<usize>>> {
    let mut counts = LineCounts::new();
    for d in docs {
        counts.observe(d);
    }
    docs.iter().map(|d| counts.ranges(d)).collect()
}

/// Boilerplate ranges for documents from many sources, given as
/// `(path, text)`; documents are grouped by [`source_of`] their path.
/// The result is in input order.
pub fn boilerplate_ranges_by_source(docs: &[(&str, &str)]) -> Vec<Vec<Range<usize>>> {
    let mut sources: HashMap<&str, LineCounts> = HashMap::default();
    for (path, text) in docs {
        sources.entry(source_of(path)).or_default().observe(text);
    }
    docs.iter()
        .map(|(path, text)| sources[source_of(path)].ranges(text))
        .collect()
}

/// The source of a document: the folder its file is in (`""` for a bare
/// file name).
pub fn source_of(path: &str) -> &str {
    match path.rfind(['/', '\\']) {
        Some(i) => &path[..i],
        None => "",
    }
}

/// Known markers that are boilerplate wherever they occur: WordPress ad
/// shortcodes (`[ad_1]`), unexpanded template placeholders
/// (`$config[code] not found`) and anonymous-author bylines (`Anonim`,
/// `Anonymous`, `Аноним`, `Anonym`).
pub fn is_marker_line(line: &str) -> bool {
    let l = line.trim();
    if l.is_empty() {
        return false;
    }
    if let Some(inner) = l.strip_prefix("[ad_").and_then(|r| r.strip_suffix(']')) {
        return !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit());
    }
    if l.starts_with('$') && l.ends_with("not found") {
        return true;
    }
    let author = l
        .trim_start_matches("By ")
        .trim_start_matches("by ")
        .trim_end_matches(['.', ':']);
    matches!(
        author,
        "Anonim" | "Anonymous" | "Anonym" | "Аноним" | "Anónimo" | "ناشناس" | "مجهول"
    )
}

/// `(byte offset, line)` for every line, without `\n` / `\r\n`.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |raw| {
        let s = start;
        start += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        (s, line.strip_suffix('\r').unwrap_or(line))
    })
}

/// Key of a line: hash of its words (whitespace collapsed), or `None` for a
/// blank line.
fn key(line: &str) -> Option<u128> {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut any = false;
    for w in line.split_whitespace() {
        if any {
            h.update(b" ");
        }
        h.update(w.as_bytes());
        any = true;
    }
    any.then(|| h.digest128())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert!(is_marker_line("[ad_1]"));
        assert!(is_marker_line("  [ad_2] "));
        assert!(is_marker_line("$config[code] not found"));
        assert!(is_marker_line("Anonim"));
        assert!(!is_marker_line("[ad_x]"));
        assert!(!is_marker_line("Anonim schreibt, dass alles gut ist"));
        assert!(!is_marker_line(""));
    }

    #[test]
    fn bundled_corpus_markers_are_found() {
        let ar = include_str!("../../corpus/000_d7641792b024f9ef.txt");
        let fa = include_str!("../../corpus/002_a147d0884179ec09.txt");
        let r = boilerplate_ranges(&[ar, fa]);
        let lines = |t: &str, rs: &[Range<usize>]| {
            rs.iter()
                .map(|r| t[r.clone()].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(ar, &r[0]), ["Anonim", "$config[code] not found"]);
        assert_eq!(lines(fa, &r[1]), ["[ad_1]", "[ad_2]"]);
    }

    #[test]
    fn repeated_lines_per_source() {
        let mut docs = Vec::new();
        for i in 0..40 {
            docs.push(format!(
                "Text {i} über etwas.\r\nMit freundlichen  Grüßen\nIhr Team\n"
            ));
        }
        docs.push("Mit freundlichen Grüßen\nanders".to_string());
        let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
        let r = boilerplate_ranges(&refs);
        assert_eq!(r[0].len(), 2);
        assert_eq!(&docs[0][r[0][0].clone()], "Mit freundlichen  Grüßen");
        assert_eq!(&docs[0][r[0][1].clone()], "Ihr Team");
        assert_eq!(&docs[40][r[40][0].clone()], "Mit freundlichen Grüßen");
        assert_eq!(r[40].len(), 1);

        // Two copies are not enough (MIN_DOCS = 3); other sources don't count.
        let by_src = boilerplate_ranges_by_source(&[
            ("a/1.txt", "Hallo\nx"),
            ("a/2.txt", "Hallo\ny"),
            ("b/3.txt", "Hallo\nz"),
        ]);
        assert!(by_src.iter().all(Vec::is_empty));
        assert_eq!(source_of("a/b/c.txt"), "a/b");
    }

    #[test]
    fn threshold_is_five_percent_above_sixty_documents() {
        let mut c = LineCounts::new();
        for _ in 0..100 {
            c.observe("x");
        }
        assert_eq!(c.threshold(), 5);
        assert_eq!(c.documents(), 100);
    }
}
