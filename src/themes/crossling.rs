//! Cross-lingual evidence found in the corpus itself: anchors (numbers, URLs
//! and e-mail addresses, Latin-script names), translation-pair scoring, and an
//! optional user lexicon.
//!
//! Anchors of a document, in text order:
//! - `num:N`: a number (tokens' `normalized` already fold Arabic-Indic and
//!   Persian digits); single digits are skipped (list numbering noise);
//!   separators are dropped except a decimal part (`12,5` → `12.5`).
//! - `url:host/path`: `http(s)://…`, `www.…` and `x@y.z` found in the body,
//!   lower-cased, scheme and `www.` removed, trailing punctuation trimmed.
//! - `name:foo`: a Latin-script word (lower-cased) that is
//!   *strong* evidence of a name when it sits in non-Latin-script text (ar, fa,
//!   ru), is CamelCase or ALL-CAPS (≥ 2 letters) or mixes letters and digits
//!   (`LinkedIn`, `CRM`, `Key4Women`), or is capitalised inside a Slovenian
//!   sentence (Slovenian capitalises names only). A German capitalised word is
//!   only *weak* evidence (German capitalises every noun); it counts once the
//!   same word occurs in a document of another language.

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

use crate::analysis::Analyzer;
use crate::corpus::AnalyzedDoc;
use crate::lang::Lang;

/// Kind of an anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AnchorKind {
    /// A number.
    Num,
    /// A URL or e-mail address.
    Url,
    /// A Latin-script name or brand.
    Name,
}

/// One anchor occurrence: key (`num:84`), kind, strength, sentence.
#[derive(Debug, Clone)]
pub struct AnchorHit {
    /// The key (`num:84`, `url:example.com`, `name:facebook`).
    pub key: String,
    /// Kind.
    pub kind: AnchorKind,
    /// Strong evidence (see module docs); numbers and URLs always are.
    pub strong: bool,
    /// Sentence of the occurrence.
    pub sentence: u32,
}

fn is_latin_word(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '\'')
}

fn number_key(normalized: &str) -> Option<String> {
    let digits: String = normalized.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || !crate::themes::keyphrase::is_number(normalized) {
        return None;
    }
    // Keep a decimal part written with one separator followed by 1–2 digits.
    let seps: Vec<usize> = normalized
        .char_indices()
        .filter(|(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    let key = if seps.len() == 1 {
        let (a, b) = normalized.split_at(seps[0]);
        let b: String = b.chars().skip(1).collect();
        if !b.is_empty() && b.len() <= 2 && !a.is_empty() {
            format!("{a}.{b}")
        } else {
            digits
        }
    } else {
        digits
    };
    let trimmed = key.trim_start_matches('0');
    let key = if trimmed.is_empty() || trimmed.starts_with('.') {
        format!("0{trimmed}")
    } else {
        trimmed.to_string()
    };
    if key.len() < 2 {
        return None;
    }
    Some(format!("num:{key}"))
}

/// The anchors of a document, in text order.
pub fn extract(d: &AnalyzedDoc) -> Vec<AnchorHit> {
    let body = &d.doc.body;
    let mut out = Vec::new();
    let non_latin = matches!(d.doc.lang, Lang::Ar | Lang::Fa | Lang::Ru);
    // URLs and e-mails from the raw body.
    let mut urls: Vec<(usize, usize)> = Vec::new();
    for (start, w) in split_ws(body) {
        let lw = w.to_lowercase();
        let is_url =
            lw.starts_with("http://") || lw.starts_with("https://") || lw.starts_with("www.");
        let is_mail =
            !is_url && w.contains('@') && w.split('@').nth(1).is_some_and(|h| h.contains('.'));
        if !(is_url || is_mail) {
            continue;
        }
        let t = lw.trim_end_matches(|c: char| !crate::chars::is_alphanumeric(c) && c != '/');
        let t = t
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("www.");
        let t = t.trim_end_matches('/');
        if t.len() < 4 {
            continue;
        }
        urls.push((start, start + w.len()));
        let sentence = d
            .tokens
            .iter()
            .find(|tk| tk.start >= start)
            .map(|tk| tk.sentence)
            .unwrap_or(0);
        out.push((
            start,
            AnchorHit {
                key: format!("url:{t}"),
                kind: AnchorKind::Url,
                strong: true,
                sentence,
            },
        ));
    }
    let all = d.all_tokens();
    for (i, &(t, span_lang)) in all.iter().enumerate() {
        if urls.iter().any(|&(a, b)| t.start >= a && t.end <= b) {
            continue;
        }
        if let Some(key) = number_key(&t.normalized) {
            out.push((
                t.start,
                AnchorHit {
                    key,
                    kind: AnchorKind::Num,
                    strong: true,
                    sentence: t.sentence,
                },
            ));
            continue;
        }
        let surface = &body[t.start..t.end];
        if !is_latin_word(surface) || surface.len() < 2 {
            continue;
        }
        let letters: Vec<char> = surface
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect();
        let all_caps = letters.len() >= 2 && letters.iter().all(char::is_ascii_uppercase);
        let camel = letters.len() >= 3
            && letters[1..].iter().any(char::is_ascii_uppercase)
            && letters.iter().any(char::is_ascii_lowercase);
        let alnum = surface.chars().any(|c| c.is_ascii_digit());
        let cap = letters[0].is_ascii_uppercase();
        let first = i == 0 || all[i - 1].0.sentence != t.sentence;
        let in_non_latin = non_latin || matches!(span_lang, Lang::Ar | Lang::Fa | Lang::Ru);
        let strong =
            in_non_latin || all_caps || camel || alnum || (span_lang == Lang::Sl && cap && !first);
        let weak = !strong && cap && !t.stop && letters.len() >= 3;
        if strong || weak {
            out.push((
                t.start,
                AnchorHit {
                    key: format!("name:{}", surface.to_ascii_lowercase()),
                    kind: AnchorKind::Name,
                    strong,
                    sentence: t.sentence,
                },
            ));
        }
    }
    out.sort_by_key(|(s, _)| *s);
    out.into_iter().map(|(_, h)| h).collect()
}

fn split_ws(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split_inclusive(char::is_whitespace)
        .scan(0usize, |pos, piece| {
            let start = *pos;
            *pos += piece.len();
            let w = piece.trim_end();
            Some((start, w))
        })
}

/// Longest common subsequence length (O(|a|·|b|), inputs are capped).
pub fn lcs(a: &[u32], b: &[u32]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for &x in a {
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                cur[j].max(prev[j + 1])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// A user lexicon of translation pairs (`word_a<TAB>word_b` per line).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    /// The entries, in file order.
    pub entries: Vec<(String, String)>,
}

impl Lexicon {
    /// A lexicon from pairs.
    pub fn from_pairs<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        Lexicon {
            entries: pairs.into_iter().collect(),
        }
    }

    /// Matches between two term sets: each word is analyzed with the language
    /// of the side it is matched against (both directions). Returns the
    /// matching entries `word_a=word_b`, sorted.
    pub fn matches(
        &self,
        la: Lang,
        terms_a: &[String],
        lb: Lang,
        terms_b: &[String],
    ) -> Vec<String> {
        let term = |l: Lang, w: &str| {
            Analyzer::get(l)
                .analyze(w)
                .into_iter()
                .find(|t| !t.stop)
                .map(|t| t.term.to_string())
        };
        let mut out = Vec::new();
        for (x, y) in &self.entries {
            let fwd = term(la, x).is_some_and(|t| terms_a.contains(&t))
                && term(lb, y).is_some_and(|t| terms_b.contains(&t));
            let back = term(la, y).is_some_and(|t| terms_a.contains(&t))
                && term(lb, x).is_some_and(|t| terms_b.contains(&t));
            if fwd || back {
                out.push(format!("{x}={y}"));
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Load a lexicon: UTF-8 TSV, `word_a<TAB>word_b` per line; empty lines and
/// lines starting with `#` are skipped; extra columns are ignored.
pub fn load_lexicon(path: impl AsRef<Path>) -> crate::Result<Lexicon> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?;
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        match (cols.next(), cols.next()) {
            (Some(a), Some(b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
                entries.push((a.trim().to_string(), b.trim().to_string()))
            }
            _ => {
                return Err(crate::Error::Invalid(format!(
                    "{}:{}: expected word_a<TAB>word_b",
                    path.display(),
                    n + 1
                )))
            }
        }
    }
    Ok(Lexicon { entries })
}

/// Counts of anchors (by id) in a sequence, sorted by id.
pub fn bag(seq: &[u32]) -> Vec<(u32, u32)> {
    let mut m: HashMap<u32, u32> = HashMap::default();
    for &a in seq {
        *m.entry(a).or_insert(0) += 1;
    }
    let mut v: Vec<(u32, u32)> = m.into_iter().collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_keys() {
        assert_eq!(number_key("84").as_deref(), Some("num:84"));
        assert_eq!(number_key("7"), None);
        assert_eq!(number_key("12,5").as_deref(), Some("num:12.5"));
        assert_eq!(number_key("12.500").as_deref(), Some("num:12500"));
        assert_eq!(number_key("abc"), None);
    }

    #[test]
    fn lcs_works() {
        assert_eq!(lcs(&[1, 2, 3, 4], &[1, 3, 4, 2]), 3);
    }

    #[test]
    fn lexicon_roundtrip() {
        let dir = std::env::temp_dir().join(format!("korpus-lex-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("lex.tsv");
        std::fs::write(&p, "# de\tsl\nKunden\tstranke\n\n").unwrap();
        let lex = load_lexicon(&p).unwrap();
        assert_eq!(
            lex.entries,
            vec![("Kunden".to_string(), "stranke".to_string())]
        );
        std::fs::write(&p, "bad line\n").unwrap();
        assert!(load_lexicon(&p).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
