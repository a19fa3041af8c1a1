//! Splitting a document into runs of one language.
//!
//! Units are lines (a line keeps the newlines that follow it). Each unit with
//! enough letters is detected on its own; long lines are further split into
//! sentences when a sentence is confidently in another language than its
//! line. Short units (headings, "[ad_1]", a lone brand name) are unreliable,
//! so they take the label of their surroundings unless they are confidently
//! different; then neighbours with the same label are merged.

use super::model::is_letter;
use super::{Detection, Detector, ScriptCounts, Segment};
use crate::lang::Lang;

/// Units with fewer letters than this are "short": they follow their
/// neighbours unless confidently detected otherwise.
const SHORT_LETTERS: usize = 30;
/// Confidence a short unit needs to keep a label of its own.
const SHORT_CONFIDENCE: f64 = 0.999;
/// A unit detected with less confidence than this follows its neighbours.
const WEAK_CONFIDENCE: f64 = 0.8;
/// A sentence needs this many letters to split off its line.
const SENTENCE_LETTERS: usize = 40;

struct Unit {
    start: usize,
    end: usize,
    letters: usize,
    det: Option<Detection>,
    /// A short unit's script counts, when it has enough letters to detect:
    /// it is detected only if its context leaves its label open.
    counts: Option<ScriptCounts>,
}

fn letters(s: &str) -> usize {
    s.chars().filter(|&c| is_letter(c)).count()
}

/// Byte ranges of the lines of `text`, each with its trailing newlines.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' {
            let mut j = i;
            while j < b.len() && (b[j] == b'\n' || b[j] == b'\r' || b[j] == b' ' || b[j] == b'\t') {
                j += 1;
            }
            // Keep trailing blanks of the last line with it; do not split
            // leading spaces of the next line off a non-blank line start.
            out.push((start, j));
            start = j;
            i = j;
        } else {
            i += 1;
        }
    }
    if start < b.len() {
        out.push((start, b.len()));
    }
    out
}

/// Byte ranges of the sentences of a line (split after `.!?…` + space).
fn sentences(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let s = &text[start..end];
    let mut out = Vec::new();
    let mut from = 0;
    let mut prev_end_punct = false;
    for (i, c) in s.char_indices() {
        if prev_end_punct && c.is_whitespace() {
            let cut = i + c.len_utf8();
            out.push((start + from, start + cut));
            from = cut;
        }
        prev_end_punct = matches!(c, '.' | '!' | '?' | '…' | '؟' | '۔');
    }
    if from < s.len() {
        out.push((start + from, end));
    }
    out
}

/// Slots of the per-thread line cache (direct-mapped, 32 bytes each: 256 KB).
/// On bench50 with 4096 slots 7 % of lookups hit; with 65,536 24 % (most
/// repeats there are far apart); 8192 took `segments_throughput` from
/// 34.3 to 36.9-37.1 MB/s (16,384: no better).
const LINE_SLOTS: usize = 8192;
/// Lines shorter than this (bytes) are not cached: cheap to detect, and
/// rarely the same twice.
const LINE_MIN_BYTES: usize = 48;

/// A cached detection: the text's key, the detector, the result.
#[derive(Clone, Copy)]
struct Cached {
    key: u128,
    detector: u32,
    lang: Lang,
    confidence: f64,
}

thread_local! {
    /// Detections of recent lines and sentences by (detector, 128-bit XXH3
    /// of the text): the same line recurs across documents (signatures, templates,
    /// "Was this article helpful?", quoted text). A hit returns what
    /// detecting the text again would, since detection is a function of the
    /// detector and the text alone. `und` results naming another language
    /// are not kept (32 bytes a slot).
    static LINE_CACHE: std::cell::RefCell<Vec<Option<Cached>>> =
        std::cell::RefCell::new(vec![None; LINE_SLOTS]);
}

/// Bytes of one thread's line cache (for the memory test).
#[cfg(test)]
pub(crate) fn line_cache_bytes() -> usize {
    LINE_SLOTS * std::mem::size_of::<Option<Cached>>()
}

/// `detect()` of `text`, through [`LINE_CACHE`].
fn cached(det: &Detector, text: &str, detect: impl FnOnce() -> Detection) -> Detection {
    if text.len() < LINE_MIN_BYTES {
        return detect();
    }
    let key = xxhash_rust::xxh3::xxh3_128(text.as_bytes());
    let slot = key as usize % LINE_SLOTS;
    let hit = LINE_CACHE.with(|c| match c.borrow()[slot] {
        Some(e) if e.key == key && e.detector == det.id => Some(Detection {
            lang: e.lang,
            confidence: e.confidence,
            other: None,
        }),
        _ => None,
    });
    if let Some(d) = hit {
        return d;
    }
    let d = detect();
    if d.other.is_none() {
        LINE_CACHE.with(|c| {
            c.borrow_mut()[slot] = Some(Cached {
                key,
                detector: det.id,
                lang: d.lang,
                confidence: d.confidence,
            })
        });
    }
    d
}

fn same(a: &Detection, b: &Detection) -> bool {
    a.lang == b.lang
}

/// Line confidence above which its sentences are not checked one by one.
const CONFIDENT_LINE: f64 = 0.97;

pub(super) fn segments(det: &Detector, text: &str) -> Vec<Segment> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut units: Vec<Unit> = Vec::new();
    for (ls, le) in lines(text) {
        let (counts, n) = ScriptCounts::with_letters(&text[ls..le]);
        if n < SHORT_LETTERS {
            units.push(Unit {
                start: ls,
                end: le,
                letters: n,
                det: None,
                counts: (n >= super::MIN_LETTERS).then_some(counts),
            });
            continue;
        }
        let line_det = cached(det, &text[ls..le], || {
            det.detect_counted(&text[ls..le], counts)
        });
        // A line detected with high confidence is one language: checking its
        // sentences again would double the cost of detection for nothing
        // (nor are they split then).
        let whole = n < 2 * SENTENCE_LETTERS || line_det.confidence >= CONFIDENT_LINE;
        let sents = if whole {
            Vec::new()
        } else {
            sentences(text, ls, le)
        };
        if whole || sents.len() < 2 {
            units.push(Unit {
                start: ls,
                end: le,
                letters: n,
                det: Some(line_det),
                counts: None,
            });
            continue;
        }
        for (ss, se) in sents {
            let m = letters(&text[ss..se]);
            let d = if m >= SENTENCE_LETTERS {
                let d = cached(det, &text[ss..se], || det.detect(&text[ss..se]));
                if d.lang != line_det.lang && d.confidence >= SHORT_CONFIDENCE {
                    d
                } else {
                    line_det.clone()
                }
            } else {
                line_det.clone()
            };
            units.push(Unit {
                start: ss,
                end: se,
                letters: m.max(SHORT_LETTERS),
                det: Some(d),
                counts: None,
            });
        }
    }

    // Labels of the long units; short ones resolved from their neighbours.
    let long: Vec<Option<Detection>> = units
        .iter()
        .map(|u| {
            u.det
                .clone()
                .filter(|d| u.letters >= SHORT_LETTERS && d.confidence >= WEAK_CONFIDENCE)
        })
        .collect();
    // The whole text's label, for short units with no long neighbour:
    // detected once, however many such units there are.
    let doc_det = std::cell::OnceCell::new();
    let doc = || doc_det.get_or_init(|| det.detect(text)).clone();
    let mut labels: Vec<Detection> = Vec::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        if let Some(d) = &long[i] {
            labels.push(d.clone());
            continue;
        }
        let prev = long[..i].iter().rev().flatten().next();
        let next = long[i + 1..].iter().flatten().next();
        // Inside a run of one language a unit takes the run's label whatever
        // it is detected as, so it is not detected.
        let inside = matches!((prev, next), (Some(p), Some(n)) if same(p, n));
        let own = match (&u.det, u.counts) {
            (Some(d), _) => Some(d.clone()),
            (None, Some(counts)) if !inside => {
                Some(det.detect_counted(&text[u.start..u.end], counts))
            }
            _ => None,
        };
        let context = match (prev, next) {
            (Some(p), Some(n)) if same(p, n) => p.clone(),
            // A heading belongs to what follows it.
            (_, Some(n)) => n.clone(),
            (Some(p), None) => p.clone(),
            (None, None) => doc(),
        };
        let label = match &own {
            Some(d) if !same(d, &context) && d.confidence >= SHORT_CONFIDENCE => {
                // Only trust a short unit against its context when it is
                // between two different languages (a boundary), never inside
                // a run of one language.
                match (prev, next) {
                    (Some(p), Some(n)) if same(p, n) => context,
                    _ => d.clone(),
                }
            }
            _ => context,
        };
        labels.push(label);
    }

    let mut out: Vec<Segment> = Vec::new();
    for (u, d) in units.iter().zip(labels) {
        match out.last_mut() {
            Some(last) if last.detection.lang == d.lang => {
                last.end = u.end;
                if d.lang == Lang::Und && last.detection.other.is_none() {
                    last.detection.other = d.other;
                }
            }
            _ => out.push(Segment {
                start: u.start,
                end: u.end,
                detection: d,
            }),
        }
    }
    if let Some(first) = out.first_mut() {
        first.start = 0;
    }
    if let Some(last) = out.last_mut() {
        last.end = text.len();
    }
    out
}
