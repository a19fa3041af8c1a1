//! Character n-gram language models (orders 1–5, within words) for the
//! confusable languages of each script, derived from lingua's models; see
//! `data/README.md` for their source, licence and how they were made.
//!
//! Each table maps an n-gram (by a 64-bit hash, folded from its last letter
//! back to its first) to the conditional log-probability of its last letter
//! given the letters before it, per language, quantized to 0.1 nat (255 =
//! never seen in that language). A text is scored as a back-off model: each
//! letter is predicted from the longest context (up to four letters of its
//! word) that the table has; a language that lacks that context pays
//! [`Params::ngram_backoff`](super::model::Params) per order it falls back.

use std::cell::RefCell;
use std::sync::OnceLock;

use super::{prefetch, WordKey};

const SEED: u64 = 0x243F_6A88_85A3_08D3;

/// One step of the n-gram hash (must match the generator in `data/gen`).
#[inline]
fn step(h: u64, c: char) -> u64 {
    let x = (h ^ c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

/// The first slot to probe for a hash: its low 32 bits scaled to the table.
#[inline]
fn home(h: u64, cap: usize) -> usize {
    (((h & 0xFFFF_FFFF) * cap as u64) >> 32) as usize
}

/// Longest n-gram in the tables.
pub(crate) const MAX_ORDER: usize = 5;
/// Log-probability of a letter a language has never seen at all.
const FLOOR: f32 = -14.0;

/// The n-gram table of one script.
pub(crate) struct NgramModel {
    /// Language codes (ISO 639-1), in column order.
    pub codes: Vec<&'static str>,
    /// Open-addressing table, in the binary as the generator built it:
    /// slots of 8 bytes (high 32 bits of the hash, row; little-endian), row
    /// = u32::MAX for empty. The low bits of the hash pick the slot; a false
    /// match of the high bits on a probe is a 2^-32 chance.
    slots: &'static [u8],
    /// Number of slots.
    cap: usize,
    /// Rows of `codes.len()` quantized log-probabilities (in the binary).
    values: &'static [u8],
    /// Which table this is (part of the word cache's key).
    id: u8,
}

/// Most languages in one table.
const MAX_LANGS: usize = 16;
/// Languages a cache entry holds (the largest tables, Latin, have 12).
const CACHE_LANGS: usize = 12;
/// Slots of the per-thread word cache (direct-mapped, 80 bytes each since
/// the Latin tables have 12 languages: 1.3 MB). On bench50, 14 % of lookups
/// missed with 16384 slots (18 % with 8192); before misses prefetched, 32768 took
/// `segments_throughput` from 26.7 to 27.6–28.0 MB/s. Since a miss
/// prefetches its probes (`word_ll`), 32768 gains nothing measurable (best
/// of 8 alternating: 1.26 against 1.28 s), and its 1.3 MB more took
/// `model_memory_is_small` over its 20 MB bound in some runs (19.87–20.09
/// MB; 18.77–19.03 MB with 16384).
const CACHE_SLOTS: usize = 16384;

/// A word's log-probabilities per language, as [`NgramModel::score_word`]
/// computed them. The key is exact (table, back-off, letters), so a hit
/// gives the very same numbers.
#[derive(Clone, Copy)]
struct CacheEntry {
    id: u8,
    backoff: u32,
    word: WordKey,
    ll: [f32; CACHE_LANGS],
}

impl CacheEntry {
    const EMPTY: CacheEntry = CacheEntry {
        id: u8::MAX,
        backoff: 0,
        word: WordKey::EMPTY,
        ll: [0.0; CACHE_LANGS],
    };
}

thread_local! {
    /// Frequent words (function words, the domain's vocabulary) come back
    /// on nearly every line; scoring one costs five table probes a letter.
    static WORD_CACHE: RefCell<Vec<CacheEntry>> =
        RefCell::new(vec![CacheEntry::EMPTY; CACHE_SLOTS]);
}

impl NgramModel {
    fn parse(bytes: &'static [u8], id: u8) -> Self {
        assert_eq!(&bytes[..4], b"KNG2", "n-gram table header");
        let nlang = bytes[4] as usize;
        assert!(nlang <= MAX_LANGS, "n-gram table with {nlang} languages");
        let mut pos = 5;
        let codes = (0..nlang)
            .map(|k| std::str::from_utf8(&bytes[pos + 2 * k..pos + 2 * k + 2]).unwrap_or("??"))
            .collect();
        pos += 2 * nlang;
        let u32_at =
            |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
        let n = u32_at(pos) as usize;
        let cap = u32_at(pos + 4) as usize;
        pos += 8;
        let slots = &bytes[pos..pos + 8 * cap];
        pos += 8 * cap;
        let values = &bytes[pos..pos + n * nlang];
        assert!(cap > n, "n-gram table has an empty slot");
        NgramModel {
            codes,
            slots,
            cap,
            values,
            id,
        }
    }

    #[inline]
    fn row(&self, h: u64) -> Option<&[u8]> {
        let cap = self.cap;
        let mut i = home(h, cap);
        let fp = (h >> 32) as u32;
        loop {
            let slot = &self.slots[8 * i..8 * i + 8];
            let k = u32::from_le_bytes([slot[0], slot[1], slot[2], slot[3]]);
            let r = u32::from_le_bytes([slot[4], slot[5], slot[6], slot[7]]);
            if r == u32::MAX {
                return None;
            }
            if k == fp {
                let n = self.codes.len();
                let r = r as usize * n;
                return Some(&self.values[r..r + n]);
            }
            i = if i + 1 == cap { 0 } else { i + 1 };
        }
    }

    /// Adds the log-probability of `word`'s letters (lowercase) to `out`
    /// (one entry per language).
    #[cfg(test)]
    pub fn score_word(&self, word: &[char], backoff: f32, out: &mut [f32]) {
        self.score_words(word, &[word.len()], backoff, out);
    }

    /// [`NgramModel::score_word`] of each word of `chars` in turn, where
    /// word `i` ends at `ends[i]` (and starts where the one before ended).
    /// The words' cache slots are prefetched first: each is likely a cache
    /// miss, and they do not depend on each other. The sums are made in the
    /// same order as word by word, so the result is the same.
    pub fn score_words(&self, chars: &[char], ends: &[usize], backoff: f32, out: &mut [f32]) {
        let n = self.codes.len();
        let cached = n <= CACHE_LANGS;
        let slot_of = |word: &[char]| {
            word.iter().fold(SEED ^ self.id as u64, |h, &c| step(h, c)) as usize % CACHE_SLOTS
        };
        let words = || {
            ends.iter().scan(0, |from, &to| {
                let w = &chars[*from..to];
                *from = to;
                Some(w)
            })
        };
        WORD_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cached {
                for w in words() {
                    prefetch(&cache[slot_of(w)]);
                }
            }
            let mut ll = [0f32; MAX_LANGS];
            for word in words() {
                let ll = &mut ll[..n];
                ll.fill(0.0);
                match WordKey::of(word).filter(|_| cached) {
                    Some(key) => {
                        let e = &mut cache[slot_of(word)];
                        if e.id == self.id && e.backoff == backoff.to_bits() && e.word == key {
                            ll.copy_from_slice(&e.ll[..n]);
                        } else {
                            self.word_ll(word, backoff, ll);
                            *e = CacheEntry {
                                id: self.id,
                                backoff: backoff.to_bits(),
                                word: key,
                                ll: [0.0; CACHE_LANGS],
                            };
                            e.ll[..n].copy_from_slice(ll);
                        }
                    }
                    None => self.word_ll(word, backoff, ll),
                }
                for (o, x) in out.iter_mut().zip(ll.iter()) {
                    *o += x;
                }
            }
        });
    }

    /// The log-probability of `word`'s letters, per language, into `ll`.
    ///
    /// The tables are megabytes, so nearly every probe of a word missing
    /// from the word cache is a cache miss; the probes of one word do not
    /// depend on each other. So the letters go in blocks, in three passes:
    /// hash every n-gram and prefetch its slot; find the rows and prefetch
    /// them; then add up. The result is that of probing letter by letter.
    fn word_ll(&self, word: &[char], backoff: f32, ll: &mut [f32]) {
        const BLOCK: usize = 16;
        let n = self.codes.len();
        for from in (0..word.len()).step_by(BLOCK) {
            let to = (from + BLOCK).min(word.len());
            let mut hashes = [[0u64; MAX_ORDER]; BLOCK];
            for i in from..to {
                let mut h = SEED;
                for k in 0..MAX_ORDER.min(i + 1) {
                    h = step(h, word[i - k]);
                    hashes[i - from][k] = h;
                    prefetch(&self.slots[8 * home(h, self.cap)]);
                }
            }
            // rows[i][k] = the (k+1)-gram ending at i, as long as each
            // shorter one is in the table; avail[i] of them.
            let mut rows: [[&[u8]; MAX_ORDER]; BLOCK] = [[&[]; MAX_ORDER]; BLOCK];
            let mut avail = [0usize; BLOCK];
            for i in from..to {
                for k in 0..MAX_ORDER.min(i + 1) {
                    match self.row(hashes[i - from][k]) {
                        Some(r) => {
                            prefetch(&r[0]);
                            rows[i - from][k] = r;
                            avail[i - from] = k + 1;
                        }
                        None => break,
                    }
                }
            }
            for (rows, &avail) in rows.iter().zip(&avail).take(to - from) {
                for (l, o) in ll.iter_mut().enumerate().take(n) {
                    let mut lp = FLOOR;
                    for k in (0..avail).rev() {
                        let v = rows[k][l];
                        if v != 255 {
                            lp = -(v as f32) * 0.1 - backoff * (avail - 1 - k) as f32;
                            break;
                        }
                    }
                    *o += lp;
                }
            }
        }
    }
}

static LATIN: &[u8] = include_bytes!("data/latin.bin");
static CYRILLIC: &[u8] = include_bytes!("data/cyrillic.bin");
static ARABIC: &[u8] = include_bytes!("data/arabic.bin");
static LATIN_ASCII: &[u8] = include_bytes!("data/latin-ascii.bin");

/// The table for a script (`"latin"`, `"cyrillic"`, `"arabic"`), parsed on
/// first use.
pub(crate) fn model(script: super::model::Script) -> Option<&'static NgramModel> {
    use super::model::Script;
    static L: OnceLock<NgramModel> = OnceLock::new();
    static C: OnceLock<NgramModel> = OnceLock::new();
    static A: OnceLock<NgramModel> = OnceLock::new();
    match script {
        Script::Latin => Some(L.get_or_init(|| NgramModel::parse(LATIN, 0))),
        Script::Cyrillic => Some(C.get_or_init(|| NgramModel::parse(CYRILLIC, 1))),
        Script::Arabic => Some(A.get_or_init(|| NgramModel::parse(ARABIC, 2))),
        Script::Other => None,
    }
}

/// The table for a script's text typed without diacritics, where the
/// script has one (Latin: the same languages, each n-gram's probability
/// summed over the n-grams that fold to it, `č` → `c`, `ä` → `a`).
pub(crate) fn ascii_model(script: super::model::Script) -> Option<&'static NgramModel> {
    use super::model::Script;
    static L: OnceLock<NgramModel> = OnceLock::new();
    match script {
        Script::Latin => Some(L.get_or_init(|| NgramModel::parse(LATIN_ASCII, 3))),
        _ => None,
    }
}

/// Every table, plain and folded.
#[cfg(test)]
fn all_models() -> impl Iterator<Item = &'static NgramModel> {
    use super::model::Script;
    [Script::Latin, Script::Cyrillic, Script::Arabic]
        .into_iter()
        .flat_map(|s| [model(s), ascii_model(s)])
        .flatten()
}

/// Reads every byte of every table, so that all their pages are resident
/// (as they become in a long run), for the memory test.
#[cfg(test)]
pub(crate) fn touch_tables() -> u64 {
    all_models()
        .map(|m| {
            let sum = |b: &[u8]| b.iter().step_by(512).map(|&x| x as u64).sum::<u64>();
            std::hint::black_box(sum(m.slots) + sum(m.values))
        })
        .sum()
}

/// Bytes of one thread's word cache (for the memory test).
#[cfg(test)]
pub(crate) fn cache_bytes() -> usize {
    CACHE_SLOTS * std::mem::size_of::<CacheEntry>()
}

/// Memory of the tables: their slots and rows, in the binary (resident
/// once read).
#[cfg(test)]
pub(crate) fn table_bytes() -> usize {
    all_models().map(|m| m.slots.len() + m.values.len()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::model::Script;

    fn ll(script: Script, text: &str) -> Vec<(&'static str, f32)> {
        let m = model(script).unwrap();
        let mut out = vec![0.0; m.codes.len()];
        for w in text.split(|c: char| !c.is_alphabetic()) {
            let cs: Vec<char> = w.chars().flat_map(char::to_lowercase).collect();
            m.score_word(&cs, 1.0, &mut out);
        }
        let mut v: Vec<_> = m.codes.iter().copied().zip(out).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v
    }

    #[test]
    fn cached_word_scores_equal_computed_ones() {
        let m = model(Script::Latin).unwrap();
        let n = m.codes.len();
        for w in [
            "je",
            "podjetje",
            "zelo",
            "je",
            "kundenbeziehungen",
            "podjetje",
            "x",
        ] {
            let cs: Vec<char> = w.chars().collect();
            let mut direct = vec![0.0; n];
            m.word_ll(&cs, 1.0, &mut direct);
            // Twice: a miss that fills the slot, then a hit.
            for _ in 0..2 {
                let mut out = vec![0.0; n];
                m.score_word(&cs, 1.0, &mut out);
                assert_eq!(out, direct, "{w}");
            }
            // Another back-off must not be served from the cache.
            let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
            m.score_word(&cs, 2.0, &mut a);
            m.word_ll(&cs, 2.0, &mut b);
            assert_eq!(a, b, "{w}");
        }
        // Same letters in another script's table: a different key.
        let c = model(Script::Cyrillic).unwrap();
        let cs: Vec<char> = "je".chars().collect();
        let (mut a, mut b) = (vec![0.0; c.codes.len()], vec![0.0; c.codes.len()]);
        c.score_word(&cs, 1.0, &mut a);
        c.word_ll(&cs, 1.0, &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn tables_tell_neighbours_apart() {
        assert_eq!(ll(Script::Latin, "je bil zelo lep dan")[0].0, "sl");
        assert_eq!(ll(Script::Latin, "bio je vrlo lijep dan")[0].0, "hr");
        assert_eq!(
            ll(Script::Cyrillic, "это был очень хороший день")[0].0,
            "ru"
        );
        assert_eq!(ll(Script::Cyrillic, "це був дуже гарний день")[0].0, "uk");
        assert_eq!(ll(Script::Arabic, "این یک روز خوب بود")[0].0, "fa");
    }
}
