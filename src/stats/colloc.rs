//! `stats colloc TERM`: collocates of a node term.
//!
//! Window: tokens whose position is within `span` (default 5) of a node
//! occurrence, on either side, **within the same sentence** (windows do not
//! cross sentence or document boundaries). Stopwords are skipped as
//! collocates but still take up window positions. The node itself counts as
//! a collocate when it recurs within the window. A collocate token that
//! falls in the windows of several node tokens counts once (so f_xy ≤ f_y).
//!
//! f_xy = co-occurrences (each collocate token in each node window),
//! f_x = node frequency, f_y = collocate frequency, N = word tokens
//! (stopwords included), all over the whole corpus:
//! - logDice = 14 + log2(2 f_xy/(f_x + f_y)) (Rychlý 2008)
//! - MI = log2(f_xy N/(f_x f_y)) (Church & Hanks 1990); MI3 = log2(f_xy³ N/(f_x f_y))
//! - t = (f_xy − f_x f_y/N)/√f_xy
//! - G² on the 2×2 table O11 = f_xy, O12 = f_x − f_xy, O21 = f_y − f_xy,
//!   O22 = N − O11 − O12 − O21 (cells clamped at 0), signed negative when
//!   O11 < E11.

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use super::Surfaces;
use crate::corpus::AnalyzedDoc;

/// Association measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// logDice (default).
    #[default]
    LogDice,
    /// Pointwise mutual information.
    Mi,
    /// MI³.
    Mi3,
    /// t-score.
    T,
    /// Signed log-likelihood.
    G2,
}

impl std::str::FromStr for Measure {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "logdice" => Ok(Measure::LogDice),
            "mi" => Ok(Measure::Mi),
            "mi3" => Ok(Measure::Mi3),
            "t" => Ok(Measure::T),
            "g2" | "ll" => Ok(Measure::G2),
            _ => Err(format!("unknown measure {s:?} (logdice|mi|mi3|t|g2)")),
        }
    }
}

impl Measure {
    /// The score for f_xy, f_x, f_y, N.
    pub fn score(self, fxy: u64, fx: u64, fy: u64, n: u64) -> f64 {
        let (a, x, y, n) = (fxy as f64, fx as f64, fy as f64, n as f64);
        match self {
            Measure::LogDice => 14.0 + (2.0 * a / (x + y)).log2(),
            Measure::Mi => (a * n / (x * y)).log2(),
            Measure::Mi3 => (a * a * a * n / (x * y)).log2(),
            Measure::T => (a - x * y / n) / a.sqrt(),
            Measure::G2 => {
                let o11 = a;
                let o12 = (x - a).max(0.0);
                let o21 = (y - a).max(0.0);
                let o22 = (n - o11 - o12 - o21).max(0.0);
                let t = o11 + o12 + o21 + o22;
                let cell = |o: f64, r: f64, c: f64| {
                    let e = r * c / t;
                    if o > 0.0 && e > 0.0 {
                        o * (o / e).ln()
                    } else {
                        0.0
                    }
                };
                let (r1, r2, c1, c2) = (o11 + o12, o21 + o22, o11 + o21, o12 + o22);
                let g = 2.0
                    * (cell(o11, r1, c1)
                        + cell(o12, r1, c2)
                        + cell(o21, r2, c1)
                        + cell(o22, r2, c2));
                if o11 < r1 * c1 / t {
                    -g
                } else {
                    g
                }
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
struct TermInfo {
    count: u64,
    stop: bool,
    surfaces: Surfaces,
}

/// Accumulates collocates of one node term.
#[derive(Debug, Clone)]
pub struct CollocAcc {
    node: String,
    span: u32,
    terms: HashMap<String, TermInfo>,
    pairs: HashMap<String, u64>,
    tokens: u64,
}

/// One collocate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollocRow {
    /// Collocate term.
    pub term: String,
    /// Its most frequent surface form.
    pub surface: String,
    /// Co-occurrences within the span.
    pub f_xy: u64,
    /// Node frequency.
    pub f_x: u64,
    /// Collocate frequency.
    pub f_y: u64,
    /// Score of the chosen measure.
    pub score: f64,
}

impl CollocAcc {
    /// Collocates of `node` (an analyzer term: analyze the user's word first)
    /// within `span` positions.
    pub fn new(node: impl Into<String>, span: u32) -> Self {
        CollocAcc {
            node: node.into(),
            span,
            terms: HashMap::default(),
            pairs: HashMap::default(),
            tokens: 0,
        }
    }

    /// Add one document.
    pub fn add(&mut self, doc: &AnalyzedDoc) {
        let toks = &doc.tokens;
        self.tokens += toks.len() as u64;
        for t in toks {
            let e = match self.terms.get_mut(t.term.as_str()) {
                Some(e) => e,
                None => self.terms.entry(t.term.to_string()).or_default(),
            };
            e.count += 1;
            e.stop |= t.stop;
            e.surfaces.add(doc.surface(t), 1);
        }
        // A collocate token inside the windows of two nearby node tokens
        // counts once, so f_xy ≤ f_y and logDice ≤ 14.
        let mut counted = vec![false; toks.len()];
        for (i, t) in toks.iter().enumerate() {
            if t.term != self.node {
                continue;
            }
            let (p, s) = (t.position, t.sentence);
            let lo = (0..i)
                .rev()
                .take_while(|&j| toks[j].sentence == s && toks[j].position.abs_diff(p) <= self.span)
                .last()
                .unwrap_or(i);
            let hi = (i + 1..toks.len())
                .take_while(|&j| toks[j].sentence == s && toks[j].position.abs_diff(p) <= self.span)
                .last()
                .unwrap_or(i);
            for j in lo..=hi {
                if j == i || counted[j] || toks[j].stop {
                    continue;
                }
                counted[j] = true;
                match self.pairs.get_mut(toks[j].term.as_str()) {
                    Some(c) => *c += 1,
                    None => {
                        self.pairs.insert(toks[j].term.to_string(), 1);
                    }
                }
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
    pub fn merge(mut self, later: CollocAcc) -> CollocAcc {
        for (k, l) in later.terms {
            let e = self.terms.entry(k).or_default();
            e.count += l.count;
            e.stop |= l.stop;
            e.surfaces.merge(l.surfaces);
        }
        for (k, v) in later.pairs {
            *self.pairs.entry(k).or_insert(0) += v;
        }
        self.tokens += later.tokens;
        self
    }

    /// Node frequency.
    pub fn node_count(&self) -> u64 {
        self.terms.get(&self.node).map_or(0, |t| t.count)
    }

    /// Collocates with f_xy ≥ `min_pair`, by score desc, then term.
    pub fn rows(&self, measure: Measure, min_pair: u64) -> Vec<CollocRow> {
        let fx = self.node_count();
        let mut rows: Vec<CollocRow> = self
            .pairs
            .iter()
            .filter(|(k, &f)| f >= min_pair.max(1) && !self.terms.get(*k).is_some_and(|t| t.stop))
            .map(|(k, &f)| {
                let info = &self.terms[k];
                CollocRow {
                    term: k.clone(),
                    surface: info.surfaces.best(),
                    f_xy: f,
                    f_x: fx,
                    f_y: info.count,
                    score: measure.score(f, fx, info.count, self.tokens),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.term.cmp(&b.term))
        });
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::stats::testutil::{doc, und};

    #[test]
    fn measures_by_definition() {
        // Rychlý 2008: logDice = 14 + log2(2·10/(20 + 20)) = 13
        assert!((Measure::LogDice.score(10, 20, 20, 1000) - 13.0).abs() < 1e-12);
        // max 14 when x and y always co-occur
        assert!((Measure::LogDice.score(5, 5, 5, 1000) - 14.0).abs() < 1e-12);
        // MI = log2(10·1000/(20·50)) = log2 10
        assert!((Measure::Mi.score(10, 20, 50, 1000) - 10f64.log2()).abs() < 1e-12);
        // MI3 = log2(10³·1000/(20·50)) = log2 1000
        assert!((Measure::Mi3.score(10, 20, 50, 1000) - 1000f64.log2()).abs() < 1e-12);
        // t = (10 − 1)/√10
        assert!((Measure::T.score(10, 20, 50, 1000) - 9.0 / 10f64.sqrt()).abs() < 1e-12);
        assert!(Measure::G2.score(10, 20, 50, 1000) > 0.0);
        assert!(Measure::G2.score(1, 100, 100, 1000) < 0.0);
    }

    #[test]
    fn window_stays_in_sentence() {
        // node "k"; span 2; "f" is 3 away; "f" is 2 before the second "k"
        // but in the previous sentence; "e" is in the node's sentence
        let d = und("1", "a b k c d f. e k");
        let mut acc = CollocAcc::new("k", 2);
        acc.add(&d);
        let rows = acc.rows(Measure::LogDice, 1);
        let mut terms: Vec<_> = rows.iter().map(|r| (r.term.as_str(), r.f_xy)).collect();
        terms.sort();
        assert_eq!(terms, [("a", 1), ("b", 1), ("c", 1), ("d", 1), ("e", 1)]);
        assert_eq!(acc.node_count(), 2);
        assert_eq!(rows[0].f_x, 2);
    }

    #[test]
    fn overlapping_windows_count_a_token_once() {
        // "y" is within 2 of both nodes: one co-occurrence, not two
        let d = und("1", "k y k");
        let mut acc = CollocAcc::new("k", 2);
        acc.add(&d);
        let rows = acc.rows(Measure::LogDice, 1);
        let y = rows.iter().find(|r| r.term == "y").unwrap();
        assert_eq!((y.f_xy, y.f_x, y.f_y), (1, 2, 1));
        // each node is in the other's window: the node counts as its own collocate
        let k = rows.iter().find(|r| r.term == "k").unwrap();
        assert_eq!(k.f_xy, 2);
    }

    #[test]
    fn stopwords_are_not_collocates() {
        let d = doc("1", Lang::De, "Die Kunden warten und die Kunden fragen");
        let node = &d.tokens[1].term.clone();
        let mut acc = CollocAcc::new(node.clone(), 5);
        acc.add(&d);
        let rows = acc.rows(Measure::Mi, 1);
        assert!(
            rows.iter()
                .all(|r| r.surface != "die" && r.surface != "und"),
            "{rows:?}"
        );
        assert!(rows.iter().any(|r| r.surface == "warten"));
    }
}
