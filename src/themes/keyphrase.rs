//! YAKE-style keyphrases per document (Campos et al. 2020), on the analyzer's
//! tokens.
//!
//! Per non-stop word term (the analyzer term, i.e. the stem):
//! `H = WPos·WRel / (WCase + WFreq/WRel + WSpread/WRel)` with
//! `WPos = ln(ln(3 + median sentence))`, `WFreq = TF/(mean TF + sd TF)`,
//! `WRel = (0.5 + PWL·TF/maxTF) + (0.5 + PWR·TF/maxTF)` (PWL/PWR = distinct
//! left/right neighbours ÷ neighbour occurrences, window 1),
//! `WSpread = sentences with the term / sentences`.
//!
//! **Casing** (`WCase`): YAKE's `max(TF_upper, TF_capitalised)/(1 + ln TF)`
//! distorts our languages: Arabic and Persian have no case (always 0), German
//! capitalises every noun. So: ar/fa → `WCase = 0`; de → only ALL-CAPS
//! occurrences of ≥ 2 letters count (acronyms, emphasis: `CRM`, `KEINE`), never
//! initial capitals; ru/sl (and undetermined) → YAKE's definition, counting
//! initial capitals only when the word is not the first of its sentence.
//!
//! Candidates: 1–3 consecutive tokens of one sentence with no punctuation
//! between them, no stopword at either edge, no number. Variants merge by
//! their analyzer-term sequence; the label is the most frequent surface form
//! (ties: lexicographically smallest). Score
//! `S = Π H_t / (TF(kw)·(1 + Σ H_t))` over the non-stop words (stopwords inside
//! a phrase are neutral: a simplification of YAKE's stopword weighting);
//! lower is better, ties broken by the term sequence.

use rustc_hash::FxHashMap as HashMap;

use crate::analysis::Token;
use crate::lang::Lang;

/// One keyphrase of a document.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Keyphrase {
    /// Analyzer terms joined with a space (the merge key).
    pub key: String,
    /// Most frequent surface form.
    pub label: String,
    /// YAKE score (lower is better).
    pub score: f64,
    /// Occurrences in the document.
    pub count: u32,
    /// Sentences (0-based) where it occurs, ascending, deduplicated.
    #[serde(skip)]
    pub sentences: Vec<u32>,
}

/// Whether a normalized word is a number (digits with separators).
pub fn is_number(normalized: &str) -> bool {
    normalized.chars().any(|c| c.is_ascii_digit())
        && normalized
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '٫' | '٬' | '\''))
}

fn is_candidate_word(t: &Token) -> bool {
    !t.stop && !is_number(&t.normalized) && t.normalized.chars().any(crate::chars::is_alphabetic)
}

/// Whether only spaces, joiners or hyphens separate two tokens (no punctuation).
fn adjacent(body: &str, a: &Token, b: &Token) -> bool {
    a.sentence == b.sentence
        && b.start >= a.end
        && body[a.end..b.start]
            .chars()
            .all(|c| c.is_whitespace() && c != '\n' || matches!(c, '\u{200c}' | '\u{200d}' | '-'))
}

#[derive(Default)]
struct TermStat {
    tf: u32,
    upper: u32,
    cap: u32,
    sentences: Vec<u32>,
    left: HashMap<u32, u32>,
    right: HashMap<u32, u32>,
}

/// The top `n` keyphrases of a document (tokens of one language `lang`).
pub fn extract(body: &str, tokens: &[Token], lang: Lang, n: usize) -> Vec<Keyphrase> {
    if tokens.is_empty() || n == 0 {
        return Vec::new();
    }
    // Intern terms (order of first appearance: deterministic).
    let mut ids: HashMap<&str, u32> = HashMap::default();
    let mut tid = Vec::with_capacity(tokens.len());
    for t in tokens {
        let next = ids.len() as u32;
        tid.push(*ids.entry(t.term.as_str()).or_insert(next));
    }
    let mut stats: Vec<TermStat> = (0..ids.len()).map(|_| TermStat::default()).collect();
    let n_sent = tokens.iter().map(|t| t.sentence).max().unwrap_or(0) as usize + 1;
    for (i, t) in tokens.iter().enumerate() {
        let s = &mut stats[tid[i] as usize];
        s.tf += 1;
        if s.sentences.last() != Some(&t.sentence) {
            s.sentences.push(t.sentence);
        }
        let surface = &body[t.start..t.end];
        let letters = surface
            .chars()
            .filter(|c| crate::chars::is_alphabetic(*c))
            .count();
        let all_upper = letters >= 2
            && surface
                .chars()
                .filter(|c| crate::chars::is_alphabetic(*c))
                .all(char::is_uppercase);
        let first_of_sentence = i == 0 || tokens[i - 1].sentence != t.sentence;
        let init_cap = surface.chars().next().is_some_and(char::is_uppercase);
        match lang {
            Lang::Ar | Lang::Fa => {}
            Lang::De => {
                if all_upper {
                    s.upper += 1
                }
            }
            _ => {
                if all_upper {
                    s.upper += 1
                } else if init_cap && !first_of_sentence {
                    s.cap += 1
                }
            }
        }
        if i > 0 && tokens[i - 1].sentence == t.sentence {
            let l = tid[i - 1];
            *stats[tid[i] as usize].left.entry(l).or_insert(0) += 1;
            let r = tid[i];
            *stats[tid[i - 1] as usize].right.entry(r).or_insert(0) += 1;
        }
    }
    // Frequency statistics over non-stop candidate words.
    let mut cand_tf = Vec::new();
    let mut is_cand = vec![false; stats.len()];
    for (i, t) in tokens.iter().enumerate() {
        if is_candidate_word(t) && !is_cand[tid[i] as usize] {
            is_cand[tid[i] as usize] = true;
            cand_tf.push(stats[tid[i] as usize].tf as f64);
        }
    }
    if cand_tf.is_empty() {
        return Vec::new();
    }
    let mean = cand_tf.iter().sum::<f64>() / cand_tf.len() as f64;
    let sd = (cand_tf.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / cand_tf.len() as f64)
        .sqrt();
    let max_tf = cand_tf.iter().cloned().fold(0.0, f64::max);
    let h: Vec<f64> = stats
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if !is_cand[i] {
                return 0.0;
            }
            let tf = s.tf as f64;
            let wcase = s.upper.max(s.cap) as f64 / (1.0 + tf.ln());
            let med = {
                let v = &s.sentences; // ascending, one entry per sentence
                if v.len() % 2 == 1 {
                    v[v.len() / 2] as f64
                } else {
                    (v[v.len() / 2 - 1] as f64 + v[v.len() / 2] as f64) / 2.0
                }
            };
            let wpos = (3.0 + med).ln().ln();
            let wfreq = tf / (mean + sd);
            let pw = |m: &HashMap<u32, u32>| {
                let occ: u32 = m.values().sum();
                if occ == 0 {
                    0.0
                } else {
                    m.len() as f64 / occ as f64
                }
            };
            let wrel = (0.5 + pw(&s.left) * tf / max_tf) + (0.5 + pw(&s.right) * tf / max_tf);
            let wspread = s.sentences.len() as f64 / n_sent as f64;
            wpos * wrel / (wcase + wfreq / wrel + wspread / wrel)
        })
        .collect();
    // Candidate n-grams.
    struct Cand {
        count: u32,
        surfaces: HashMap<String, u32>,
        sentences: Vec<u32>,
        terms: Vec<u32>,
    }
    let mut cands: HashMap<String, Cand> = HashMap::default();
    for i in 0..tokens.len() {
        if !is_candidate_word(&tokens[i]) {
            continue;
        }
        for len in 1..=3usize {
            let j = i + len - 1;
            if j >= tokens.len() {
                break;
            }
            if len > 1 {
                let (a, b) = (&tokens[j - 1], &tokens[j]);
                if !adjacent(body, a, b) || is_number(&b.normalized) {
                    break;
                }
            }
            if !is_candidate_word(&tokens[j]) {
                continue; // stopword at the right edge: extend further
            }
            let key = tokens[i..=j]
                .iter()
                .map(|t| t.term.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let surface = body[tokens[i].start..tokens[j].end].to_string();
            let c = cands.entry(key).or_insert_with(|| Cand {
                count: 0,
                surfaces: HashMap::default(),
                sentences: Vec::new(),
                terms: tid[i..=j].to_vec(),
            });
            c.count += 1;
            *c.surfaces.entry(surface).or_insert(0) += 1;
            if c.sentences.last() != Some(&tokens[i].sentence) {
                c.sentences.push(tokens[i].sentence);
            }
        }
    }
    let mut out: Vec<Keyphrase> = cands
        .into_iter()
        .map(|(key, c)| {
            let mut prod = 1.0;
            let mut sum = 0.0;
            for &t in &c.terms {
                if is_cand[t as usize] {
                    prod *= h[t as usize];
                    sum += h[t as usize];
                }
            }
            let score = prod / (c.count as f64 * (1.0 + sum));
            let label = best_surface(&c.surfaces);
            Keyphrase {
                key,
                label,
                score,
                count: c.count,
                sentences: c.sentences,
            }
        })
        .collect();
    out.sort_by(|a, b| a.score.total_cmp(&b.score).then_with(|| a.key.cmp(&b.key)));
    // Drop reorderings of an already kept phrase (same multiset of terms).
    let mut seen: Vec<Vec<&str>> = Vec::new();
    let mut kept = Vec::with_capacity(n);
    for kp in &out {
        let mut bag: Vec<&str> = kp.key.split(' ').collect();
        bag.sort_unstable();
        if seen.contains(&bag) {
            continue;
        }
        seen.push(bag);
        kept.push(kp.clone());
        if kept.len() == n {
            break;
        }
    }
    kept
}

/// The most frequent surface form (ties: lexicographically smallest).
pub fn best_surface(m: &HashMap<String, u32>) -> String {
    m.iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(s, _)| s.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;

    #[test]
    fn phrases_are_merged_by_terms_and_exclude_stop_edges() {
        let text = "Der Kundenservice ist wichtig. Guter Kundenservice bindet Kunden. \
                    Die Kunden lieben guten Kundenservice und soziale Medien. Soziale Medien helfen.";
        let toks = Analyzer::get(Lang::De).analyze(text);
        let kps = extract(text, &toks, Lang::De, 10);
        assert!(!kps.is_empty());
        for k in &kps {
            assert!(!k.label.starts_with("Der ") && !k.label.starts_with("und"));
        }
        let sm = kps
            .iter()
            .find(|k| k.label.to_lowercase() == "soziale medien")
            .expect("bigram");
        assert_eq!(sm.count, 2);
        assert_eq!(extract(text, &toks, Lang::De, 10), kps, "deterministic");
    }
}
