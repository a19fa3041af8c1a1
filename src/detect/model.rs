//! The scoring model behind [`super::Detector`].
//!
//! Script first: a text is scored only against the languages of its main
//! script (Latin, Cyrillic or Arabic). Within a script every language gets a
//! log-score that adds up three independent kinds of evidence:
//!
//! 1. character trigrams, against whatlang's 300-trigram profiles
//!    (`profiles.rs`), read as a naive-Bayes model whose trigram probability
//!    falls with the trigram's rank in the profile (Zipf);
//! 2. letters: a letter outside a language's alphabet costs that language
//!    (`evidence.rs`), e.g. `ě` for Slovenian, `ы` for Ukrainian, `ے` for
//!    Persian;
//! 3. function words that tell neighbours apart (`evidence.rs`).
//!
//! When the best language is one of the confusable languages of the script
//! (or one of them is within [`Params::ngram_gate`] of an unknown best), a
//! character 1–5-gram model (`ngrams.rs`) decides among those languages:
//! their scores become `evidence_scale` × the above + `ngram_scale` × the
//! n-gram log-likelihood, and the other languages drop out.
//!
//! The model is built once per process and shared by all detectors.

use std::sync::OnceLock;

use super::evidence::{
    has_sro, Alphabet, ARABIC_ALPHABETS, CYRILLIC_ALPHABETS, EVIDENCE_SUFFIXES, LATIN_ALPHABETS,
    MARKERS, NO_EVIDENCE_NEEDED, SIGNATURES, SPECIFIC_WORDS, SRO_LANGS, SUFFIXES, WORDS,
};
use super::ngrams::{self, NgramModel};
use super::profiles;
use super::tables::{key, key_step, CharTable, Deltas, FastMap, FlatDeltas, KEY_SEED};
use super::script::{is_mark, lower};
pub(crate) use super::params::Params;
pub(crate) use super::script::{char_script, is_letter, Script};
use super::WordKey;
use crate::lang::Lang;

/// What a word says.
#[derive(Default)]
struct WordInfo {
    /// Function word of these languages.
    deltas: Deltas,
    /// Marker ids it belongs to.
    markers: Vec<u16>,
    /// Languages it is evidence of: marker words of non-targets that are
    /// not also words of a target.
    evidence: Vec<u16>,
}

/// The languages of one script and their evidence tables.
pub(crate) struct ScriptModel {
    /// Unique per built model (the word memo's key).
    id: u32,
    /// Output code of each language (ISO 639-1), index = language id.
    pub codes: Vec<&'static str>,
    /// The target each language stands for, if any.
    pub targets: Vec<Option<Lang>>,
    trigrams: FlatDeltas,
    /// Constant added per trigram to every language (the unseen score).
    letters: CharTable<Deltas>,
    ascii: [Deltas; 26],
    unknown_letter: Deltas,
    /// Function, marker and evidence words by [`key`] of the word.
    words: FastMap<u64, WordInfo>,
    max_word_chars: usize,
    /// Signature letters: letter → signature ids; per id (language, rate).
    sig_letters: CharTable<Vec<u16>>,
    sigs: Vec<(u16, f32)>,
    /// Word endings of 2–4 letters → deltas.
    /// Word endings (by [`key`]): deltas, and the language they are
    /// evidence of.
    suffixes: FastMap<u64, (Deltas, Option<u16>)>,
    /// Prior log-score per language.
    prior: Vec<f32>,
    /// What naming a company `s.r.o.` adds; it is also evidence of each of
    /// these languages.
    sro: Deltas,
    /// Per marker id (language, rate).
    markers: Vec<(u16, f32)>,
    /// Non-target languages that need positive evidence (signature letter
    /// or marker word) to win a short text, with the cost of having none.
    need_evidence: Vec<(u16, bool)>,
    missing_evidence: f32,
    /// The n-gram model of the script, with the language slot of each of
    /// its columns (Bosnian and Serbian in Latin script share Croatian's).
    ngram: Option<(&'static NgramModel, Vec<u16>)>,
    /// The same languages typed without diacritics (same columns), for a
    /// text whose letters are all ASCII.
    ngram_ascii: Option<&'static NgramModel>,
    /// Whether a language slot is scored by the n-gram model.
    ngram_slot: Vec<bool>,
    ngram_scale: f32,
    evidence_scale: f32,
    ngram_backoff: f32,
    ngram_letters: usize,
    ngram_gate: f32,
    short_prior: f32,
    ngram_fit: f32,
    ngram_skip: f32,
}

/// Prior probability that a text in a language written with diacritics was
/// typed without them (a round figure, not fitted: such typing is common in
/// quick feedback, but a minority).
const ASCII_TYPED: f32 = 0.1;

/// Most languages of one script model.
const MAX_CODES: usize = 40;
/// Slots of each per-thread word memo (direct-mapped; one memo per script,
/// each slot a key, the evidence flags and one score per language: 1.5 MB
/// for Latin's 36 languages, under 0.7 MB for Cyrillic or Arabic). On
/// bench50, 26 % of lookups missed with 4096 slots, 15 % with 16384.
const MEMO_SLOTS: usize = 8192;

/// The evidence one word shows (bit sets over signature, marker and
/// language ids).
#[derive(Clone, Copy, Default)]
struct Flags {
    letters: u32,
    non_ascii: bool,
    sigs: u64,
    markers: u64,
    evidence: u64,
}

/// What one word adds to the scores of a script's languages.
#[derive(Clone, Copy)]
struct WordScore {
    deltas: [f32; MAX_CODES],
    flags: Flags,
}

impl WordScore {
    const EMPTY: WordScore = WordScore {
        deltas: [0.0; MAX_CODES],
        flags: Flags {
            letters: 0,
            non_ascii: false,
            sigs: 0,
            markers: 0,
            evidence: 0,
        },
    };
}

/// The evidence of a whole text, summed over its words.
#[derive(Default)]
struct Seen {
    letters: usize,
    words: usize,
    non_ascii: bool,
    sigs: u64,
    markers: u64,
    evidence: u64,
}

impl Seen {
    fn add(&mut self, f: &Flags) {
        self.letters += f.letters as usize;
        self.words += 1;
        self.non_ascii |= f.non_ascii;
        self.sigs |= f.sigs;
        self.markers |= f.markers;
        self.evidence |= f.evidence;
    }
}

/// A word of [`ScriptModel::score`] not yet looked up: its memo slot
/// (`None`: too long for a key), key, and the trigram across the gap after
/// it, once the next word has begun.
struct Pending {
    slot: Option<usize>,
    key: MemoKey,
    trigram_after: Option<u64>,
}

/// A memoized word: the model, and the word.
#[derive(Clone, Copy, PartialEq, Eq)]
struct MemoKey {
    model: u32,
    word: WordKey,
}

impl MemoKey {
    const EMPTY: MemoKey = MemoKey {
        model: u32::MAX,
        word: WordKey::EMPTY,
    };
}

/// A memo slot's key and flags: 64 bytes, one cache line, so a lookup
/// reads one line for both (and one or two for the scores).
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Head {
    key: MemoKey,
    flags: Flags,
}
const _: () = assert!(std::mem::size_of::<Head>() == 64);

/// One script's word memo: per slot a key, flags and `stride` scores.
struct Memo {
    stride: usize,
    /// Key and flags of a slot, in one cache line.
    heads: Vec<Head>,
    deltas: Vec<f32>,
}

impl Memo {
    fn new(stride: usize) -> Memo {
        Memo {
            stride,
            heads: vec![
                Head {
                    key: MemoKey::EMPTY,
                    flags: Flags::default(),
                };
                MEMO_SLOTS
            ],
            deltas: vec![0.0; MEMO_SLOTS * stride],
        }
    }
}

thread_local! {
    /// Word scores by script, model and word, made on first use. The key
    /// is exact, so a hit gives the very numbers [`ScriptModel::word_score`]
    /// would; the same few thousand words make up most running text.
    static WORD_MEMO: [std::cell::RefCell<Option<Memo>>; 3] = Default::default();
}

/// Whether a character next to a lone letter makes it a unit or markup
/// ("5h", "{s}", "x-y", "12,0-{s}-"), not a word: prepositions and
/// conjunctions of one letter (Slovenian v k h s z, Croatian i u a) stand
/// between spaces. Both stages skip such letters.
fn is_glue(c: char) -> bool {
    c.is_ascii_digit() || ".{}[]<>-_/\\|=+*&^%$#~".contains(c)
}

/// Which of [`WORD_MEMO`]'s memos serves a script.
fn memo_index(script: Script) -> Option<usize> {
    match script {
        Script::Latin => Some(0),
        Script::Cyrillic => Some(1),
        Script::Arabic => Some(2),
        Script::Other => None,
    }
}

/// A fresh id for each built [`ScriptModel`] (models built with other
/// parameters must not share memo entries).
fn next_model_id() -> u32 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Map whatlang's ISO 639-3 codes to ISO 639-1.
fn iso1(code3: &'static str) -> &'static str {
    match code3 {
        "spa" => "es",
        "eng" => "en",
        "por" => "pt",
        "ind" => "id",
        "fra" => "fr",
        "deu" => "de",
        "jav" => "jv",
        "vie" => "vi",
        "ita" => "it",
        "tur" => "tr",
        "pol" => "pl",
        "ron" => "ro",
        "hrv" => "hr",
        "nld" => "nl",
        "uzb" => "uz",
        "tgl" => "tl",
        "hun" => "hu",
        "aze" => "az",
        "ces" => "cs",
        "zul" => "zu",
        "swe" => "sv",
        "aka" => "ak",
        "sna" => "sn",
        "afr" => "af",
        "fin" => "fi",
        "slk" => "sk",
        "tuk" => "tk",
        "dan" => "da",
        "nob" => "nb",
        "cat" => "ca",
        "lit" => "lt",
        "slv" => "sl",
        "epo" => "eo",
        "lav" => "lv",
        "est" => "et",
        "lat" => "la",
        "cym" => "cy",
        "rus" => "ru",
        "ukr" => "uk",
        "srp" => "sr",
        "bel" => "be",
        "bul" => "bg",
        "mkd" => "mk",
        "ara" => "ar",
        "urd" => "ur",
        "pes" => "fa",
        other => other,
    }
}

#[inline]
fn pack(a: char, b: char, c: char) -> u64 {
    ((a as u64) << 42) | ((b as u64) << 21) | c as u64
}

impl ScriptModel {
    fn build(
        script: Script,
        profiles: &[(&'static str, &'static str)],
        alphabets: &[Alphabet],
        p: Params,
        missing_evidence: f32,
    ) -> Self {
        let codes: Vec<&'static str> = profiles.iter().map(|(c, _)| iso1(c)).collect();
        let targets = codes.iter().map(|c| c.parse::<Lang>().ok()).collect();
        let id = |code: &str| codes.iter().position(|c| *c == code).map(|i| i as u16);

        let mut trigrams: FastMap<u64, Deltas> = FastMap::default();
        for (li, (_, prof)) in profiles.iter().enumerate() {
            let chars: Vec<char> = prof.chars().collect();
            for (rank, t) in chars.chunks(3).enumerate() {
                let w = (((300.0 + p.rank_k) / (rank as f32 + p.rank_k)).ln() + p.unseen)
                    * p.trigram_scale;
                trigrams
                    .entry(pack(t[0], t[1], t[2]))
                    .or_default()
                    .push((li as u16, w));
            }
        }

        // Letters: every letter listed in any alphabet gets, for each language
        // with an alphabet, a penalty if it is outside that alphabet.
        let mut sets: Vec<(u16, Vec<char>, &str)> = alphabets
            .iter()
            .filter_map(|a| id(a.code).map(|i| (i, a.extra.chars().collect(), a.ascii_out)))
            .collect();
        // Languages without a hand-written alphabet: the non-ASCII letters of
        // their trigram profile stand for it.
        for (li, (_, prof)) in profiles.iter().enumerate() {
            if sets.iter().any(|(i, _, _)| *i as usize == li) {
                continue;
            }
            let mut extra: Vec<char> = prof
                .chars()
                .filter(|c| c.is_alphabetic() && !c.is_ascii())
                .collect();
            extra.sort_unstable();
            extra.dedup();
            sets.push((li as u16, extra, ""));
        }
        let mut letters: FastMap<char, Deltas> = FastMap::default();
        for (_, extra, _) in &sets {
            for &c in extra {
                letters.entry(c).or_insert_with(|| {
                    sets.iter()
                        .filter(|(_, e, _)| !e.contains(&c))
                        .map(|(i, _, _)| (*i, -p.letter_penalty))
                        .collect()
                });
            }
        }
        let unknown_letter = sets
            .iter()
            .map(|(i, _, _)| (*i, -p.letter_penalty))
            .collect();
        let ascii: [Deltas; 26] = std::array::from_fn(|k| {
            let c = (b'a' + k as u8) as char;
            sets.iter()
                .filter(|(_, _, out)| out.contains(c))
                .map(|(i, _, _)| (*i, -p.ascii_penalty))
                .collect()
        });

        let mut words: FastMap<&'static str, Deltas> = FastMap::default();
        let mut max_word_chars = 0;
        for (code, list) in WORDS {
            let Some(i) = id(code) else { continue };
            for w in list.split_whitespace() {
                max_word_chars = max_word_chars.max(w.chars().count());
                let d = words.entry(w).or_default();
                if !d.iter().any(|(j, _)| *j == i) {
                    d.push((i, p.word_bonus));
                }
            }
        }
        // Words only one language group writes: a bonus here, and evidence
        // below.
        for (code, list) in SPECIFIC_WORDS {
            let Some(i) = id(code) else { continue };
            for w in list.split_whitespace() {
                max_word_chars = max_word_chars.max(w.chars().count());
                words.entry(w).or_default().push((i, p.specific_bonus));
            }
        }
        let sro: Deltas = SRO_LANGS
            .iter()
            .filter_map(|c| id(c))
            .map(|i| (i, p.specific_bonus))
            .collect();
        let mut sig_letters: FastMap<char, Vec<u16>> = FastMap::default();
        let mut sigs = Vec::new();
        for (code, letters, rate) in SIGNATURES {
            let Some(i) = id(code) else { continue };
            let k = sigs.len() as u16;
            sigs.push((i, rate * p.signature_scale));
            for c in letters.chars() {
                sig_letters.entry(c).or_default().push(k);
            }
        }
        let mut suffixes: FastMap<&'static str, Deltas> = FastMap::default();
        for (code, list) in SUFFIXES {
            let Some(i) = id(code) else { continue };
            for w in list.split_whitespace() {
                suffixes.entry(w).or_default().push((i, p.suffix_bonus));
            }
        }
        let prior = (0..codes.len())
            .map(|i| {
                let listed = alphabets.iter().any(|a| id(a.code) == Some(i as u16));
                let target = codes[i].parse::<Lang>().is_ok();
                match (listed, target) {
                    (_, true) => p.target_prior,
                    (true, false) => 0.0,
                    (false, false) => -p.unlisted_prior,
                }
            })
            .collect();
        let mut marker_words: FastMap<&'static str, Vec<u16>> = FastMap::default();
        let mut markers = Vec::new();
        for (code, list, rate) in MARKERS {
            let Some(i) = id(code) else { continue };
            let k = markers.len() as u16;
            markers.push((i, rate * p.marker_scale));
            for w in list.split_whitespace() {
                max_word_chars = max_word_chars.max(w.chars().count());
                marker_words.entry(w).or_default().push(k);
            }
        }
        // Languages with marker words must show some evidence of their own:
        // non-targets always, targets when a non-target shows some.
        let mut need_evidence: Vec<(u16, bool)> = markers
            .iter()
            .filter(|&&(i, _)| !NO_EVIDENCE_NEEDED.contains(&codes[i as usize]))
            .map(|&(i, _)| (i, codes[i as usize].parse::<Lang>().is_ok()))
            .collect();
        need_evidence.dedup();
        let target_words: Vec<&str> = WORDS
            .iter()
            .filter(|(code, _)| code.parse::<Lang>().is_ok() && id(code).is_some())
            .flat_map(|(_, list)| list.split_whitespace())
            .collect();
        let mut evidence_words: FastMap<&'static str, Vec<u16>> = FastMap::default();
        for (code, list, _) in MARKERS {
            let Some(i) = id(code) else { continue };
            let target = code.parse::<Lang>().is_ok();
            for w in list.split_whitespace() {
                if target || !target_words.contains(&w) {
                    evidence_words.entry(w).or_default().push(i);
                }
            }
        }
        for (code, list) in SPECIFIC_WORDS {
            let Some(i) = id(code) else { continue };
            for w in list.split_whitespace() {
                evidence_words.entry(w).or_default().push(i);
            }
        }
        let mut evidence_suffixes: FastMap<&'static str, u16> = FastMap::default();
        for (code, list) in EVIDENCE_SUFFIXES {
            let Some(i) = id(code) else { continue };
            for w in list.split_whitespace() {
                evidence_suffixes.insert(w, i);
            }
        }
        let ngram = ngrams::model(script).map(|m| {
            let hr = id("hr");
            let cols = m
                .codes
                .iter()
                .map(|c| id(c).or(hr).expect("n-gram language has a slot"))
                .collect::<Vec<u16>>();
            (m, cols)
        });
        let ngram_ascii = ngrams::ascii_model(script);
        if let (Some(a), Some((m, _))) = (ngram_ascii, &ngram) {
            assert_eq!(a.codes, m.codes, "ASCII n-gram table has the same columns");
        }
        let mut ngram_slot = vec![false; codes.len()];
        if let Some((_, cols)) = &ngram {
            for &i in cols {
                ngram_slot[i as usize] = true;
            }
        }
        let mut word_info: FastMap<u64, WordInfo> = FastMap::default();
        for (w, d) in words {
            word_info.entry(key(w)).or_default().deltas = d;
        }
        for (w, ks) in marker_words {
            word_info.entry(key(w)).or_default().markers = ks;
        }
        for (w, ls) in evidence_words {
            word_info.entry(key(w)).or_default().evidence = ls;
        }
        let mut suffix_info: FastMap<u64, (Deltas, Option<u16>)> = FastMap::default();
        for (w, d) in suffixes {
            suffix_info.entry(key(w)).or_default().0 = d;
        }
        for (w, i) in evidence_suffixes {
            suffix_info.entry(key(w)).or_default().1 = Some(i);
        }
        assert!(codes.len() <= MAX_CODES, "{} languages", codes.len());
        assert!(sigs.len() <= 64 && markers.len() <= 64, "evidence bit sets");
        ScriptModel {
            id: next_model_id(),
            ngram,
            ngram_ascii,
            ngram_slot,
            ngram_scale: p.ngram_scale,
            evidence_scale: p.evidence_scale,
            ngram_backoff: p.ngram_backoff,
            ngram_letters: p.ngram_letters,
            ngram_gate: p.ngram_gate,
            short_prior: p.short_prior,
            ngram_fit: p.ngram_fit,
            ngram_skip: if script == Script::Arabic {
                p.ngram_skip_arabic
            } else {
                p.ngram_skip
            },
            need_evidence,
            missing_evidence,
            markers,
            prior,
            sro,
            codes,
            targets,
            trigrams: FlatDeltas::from(trigrams),
            letters: CharTable::from(letters),
            ascii,
            unknown_letter,
            words: word_info,
            max_word_chars,
            sig_letters: CharTable::from(sig_letters),
            sigs,
            suffixes: suffix_info,
        }
    }

    /// Per-language log-scores of a text (higher is better).
    ///
    /// Everything but the trigram across a single space between two words
    /// ("n d") is a function of one word: its letters, the trigrams from
    /// " ab" to "yz ", the word itself and its endings. A word's part is
    /// computed by [`ScriptModel::word_score`] and, for words of up to
    /// [`WordKey::MAX`] bytes, kept in a per-thread memo.
    pub fn score(&self, text: &str, script: Script) -> Vec<f32> {
        let n = self.codes.len();
        let mut s = self.prior.clone();
        let mut seen = Seen::default();
        let mut word: Vec<char> = Vec::with_capacity(32);
        // The last letter of the previous word, and the non-letters since.
        let mut last = ' ';
        let mut gap = 2usize;
        let mut one = WordScore::EMPTY;
        // The current word's memo key and slot, built letter by letter.
        let mut key = MemoKey {
            model: self.id,
            word: WordKey::EMPTY,
        };
        let mut hash = self.id as u64;
        // The memo is borrowed once per text, not once per word.
        let which = memo_index(script).expect("scored scripts have a memo");
        WORD_MEMO.with(|memos| {
            let mut memo = memos[which].borrow_mut();
            let memo = match &mut *memo {
                Some(m) if m.stride == n => m,
                other => other.insert(Memo::new(n)),
            };
            // Each word is looked up one word late: its memo slot is
            // prefetched when the word ends and read when the next one ends,
            // so the likely cache miss overlaps the next word's letters. The
            // trigram across the gap after a pending word waits with it, so
            // every sum is made in the order of the text: the scores are
            // exactly those of looking each word up at once.
            let mut pending: Option<Pending> = None;
            let mut pword: Vec<char> = Vec::with_capacity(32);
            let mut settle =
                |p: Pending, word: &[char], memo: &mut Memo, s: &mut [f32], seen: &mut Seen| {
                    match p.slot {
                        Some(slot) => {
                            let d = &mut memo.deltas[slot * n..slot * n + n];
                            let head = &mut memo.heads[slot];
                            if head.key != p.key {
                                self.word_score(word, script, &mut one);
                                d.copy_from_slice(&one.deltas[..n]);
                                head.flags = one.flags;
                                head.key = p.key;
                            }
                            for (x, d) in s.iter_mut().zip(d.iter()) {
                                *x += d;
                            }
                            seen.add(&head.flags);
                        }
                        None => {
                            self.word_score(word, script, &mut one);
                            for (x, d) in s.iter_mut().zip(&one.deltas[..n]) {
                                *x += d;
                            }
                            seen.add(&one.flags);
                        }
                    }
                    if let Some(t) = p.trigram_after {
                        for &(i, w) in self.trigrams.get(t) {
                            s[i as usize] += w;
                        }
                    }
                };
            // The character before the current word.
            let mut before = ' ';
            let mut prev = ' ';
            for ch in text.chars().chain(std::iter::once(' ')) {
                let lc = if ch.is_ascii() {
                    ch.to_ascii_lowercase()
                } else {
                    lower(ch)
                };
                if is_letter(lc) || lc == '\u{200c}' {
                    if word.is_empty() {
                        before = prev;
                    }
                    prev = ch;
                    if word.is_empty() && gap == 1 {
                        let t = pack(last, ' ', lc);
                        match &mut pending {
                            Some(p) if p.trigram_after.is_none() => p.trigram_after = Some(t),
                            _ => {
                                // No word pending, or a second trigram since
                                // it (after a skipped lone letter).
                                if let Some(p) = pending.take() {
                                    settle(p, &pword, memo, &mut s, &mut seen);
                                }
                                for &(i, w) in self.trigrams.get(t) {
                                    s[i as usize] += w;
                                }
                            }
                        }
                    }
                    word.push(lc);
                    key.word.push(lc);
                    hash = key_step(hash, lc);
                    continue;
                }
                prev = ch;
                if let Some(&l) = word.last() {
                    if word.len() == 1 && (is_glue(before) || is_glue(ch)) {
                        // Not a word: see [`is_glue`].
                    } else {
                        let slot = key.word.fits().then_some(hash as usize % MEMO_SLOTS);
                        if let Some(slot) = slot {
                            super::prefetch(&memo.heads[slot]);
                            super::prefetch(&memo.deltas[slot * n]);
                        }
                        if let Some(p) = pending.take() {
                            settle(p, &pword, memo, &mut s, &mut seen);
                        }
                        std::mem::swap(&mut word, &mut pword);
                        pending = Some(Pending {
                            slot,
                            key,
                            trigram_after: None,
                        });
                    }
                    last = l;
                    word.clear();
                    key.word = WordKey::EMPTY;
                    hash = self.id as u64;
                    gap = 0;
                }
                gap += 1;
            }
            if let Some(p) = pending.take() {
                settle(p, &pword, memo, &mut s, &mut seen);
            }
        });
        let Seen {
            letters: n_letters,
            words: n_words,
            non_ascii: has_non_ascii,
            sigs: sig_hit,
            markers: marker_hit,
            evidence: mut evidence_hit,
        } = seen;
        if !self.sro.is_empty() && has_sro(text) {
            for &(i, w) in &self.sro {
                s[i as usize] += w;
                evidence_hit |= 1 << i;
            }
        }
        let sig_hit = |k: usize| sig_hit >> k & 1 == 1;
        let marker_hit = |k: usize| marker_hit >> k & 1 == 1;
        let evidence_hit = |i: usize| evidence_hit >> i & 1 == 1;
        // Text written without any diacritics (common for Czech and Slovak
        // on the web) says nothing about signature letters.
        if has_non_ascii {
            for (k, &(i, rate)) in self.sigs.iter().enumerate() {
                if !sig_hit(k) {
                    s[i as usize] -= rate * n_letters as f32;
                }
            }
        }
        for (k, &(i, rate)) in self.markers.iter().enumerate() {
            if !marker_hit(k) {
                s[i as usize] -= rate * n_words as f32;
            }
        }
        // A non-target neighbour needs positive evidence of its own (say ъ or
        // "са" for Bulgarian, і for Ukrainian, ј for Serbian) to take a short
        // text from a target: what such a text shares with the target (no ы,
        // no "что") is no evidence for the neighbour. The cost fades with
        // length, where trigrams and missing markers are conclusive.
        if self.missing_evidence > 0.0 && n_letters > 0 {
            let cost = self.missing_evidence * (30.0 / n_letters as f32).min(1.0);
            let seen = |i: u16| {
                evidence_hit(i as usize)
                    || self
                        .sigs
                        .iter()
                        .enumerate()
                        .any(|(k, &(j, _))| j == i && sig_hit(k))
            };
            let other_seen = self
                .need_evidence
                .iter()
                .any(|&(i, target)| !target && seen(i));
            for &(i, target) in &self.need_evidence {
                if !seen(i) && (!target || other_seen) {
                    s[i as usize] -= cost;
                }
            }
        }
        self.rescore_ngrams(text, !has_non_ascii, &mut s);
        s
    }

    /// What one word (lowercase letters) adds to the scores, into `out`.
    fn word_score(&self, word: &[char], script: Script, out: &mut WordScore) {
        let n = self.codes.len();
        *out = WordScore::EMPTY;
        let d = &mut out.deltas[..n];
        let add = |d: &mut [f32], ds: &[(u16, f32)]| {
            for &(i, w) in ds {
                d[i as usize] += w;
            }
        };
        // Trigrams " ab" … "yz " (a word of one letter: " a ").
        let (mut c1, mut c2) = (' ', ' ');
        for &lc in word.iter().chain(std::iter::once(&' ')) {
            if lc != ' ' {
                if lc.is_ascii() {
                    add(d, &self.ascii[(lc as u8 - b'a') as usize]);
                } else if let Some(ds) = self.letters.get(&lc) {
                    add(d, ds);
                } else if char_script(lc) == Some(script) && !is_mark(lc) {
                    add(d, &self.unknown_letter);
                }
                if !lc.is_ascii() {
                    out.flags.non_ascii = true;
                    if let Some(ks) = self.sig_letters.get(&lc) {
                        for &k in ks {
                            out.flags.sigs |= 1 << k;
                        }
                    }
                }
            }
            if c2 != ' ' {
                add(d, self.trigrams.get(pack(c1, c2, lc)));
            }
            c1 = c2;
            c2 = lc;
        }
        if word.len() <= self.max_word_chars {
            let k = word.iter().fold(KEY_SEED, |h, &c| key_step(h, c));
            if let Some(w) = self.words.get(&k) {
                add(d, &w.deltas);
                for &k in &w.markers {
                    out.flags.markers |= 1 << k;
                }
                for &i in &w.evidence {
                    out.flags.evidence |= 1 << i;
                }
            }
        }
        if word.len() >= 3 {
            for k in 2..=4usize.min(word.len() - 1) {
                let end = word[word.len() - k..]
                    .iter()
                    .fold(KEY_SEED, |h, &c| key_step(h, c));
                if let Some((ds, ev)) = self.suffixes.get(&end) {
                    add(d, ds);
                    if let Some(i) = ev {
                        out.flags.evidence |= 1 << *i;
                    }
                }
            }
        }
        out.flags.letters = word.len() as u32;
    }

    /// The words the n-gram stage scores: the first [`Params::ngram_letters`]
    /// letters of `text`, lowercase, into `chars`, word `i` ending at
    /// `ends[i]`; returns how many letters they have.
    fn ngram_words(&self, text: &str, chars: &mut Vec<char>, ends: &mut Vec<usize>) -> usize {
        let mut start = 0;
        let mut letters = 0;
        let mut before = ' ';
        for ch in text.chars().chain(std::iter::once(' ')) {
            let lc = if ch.is_ascii() {
                ch.to_ascii_lowercase()
            } else {
                lower(ch)
            };
            if is_letter(lc) && !is_mark(lc) {
                chars.push(lc);
                continue;
            }
            if chars.len() > start {
                let len = chars.len() - start;
                if len > 1 || !(is_glue(before) || is_glue(ch)) {
                    ends.push(chars.len());
                    start = chars.len();
                    letters += len;
                } else {
                    chars.truncate(start);
                }
                if letters >= self.ngram_letters {
                    break;
                }
            }
            before = ch;
        }
        letters
    }

    /// Where the evidence so far points to a language of the n-gram model,
    /// the n-gram model decides among its languages (others drop out).
    fn rescore_ngrams(&self, text: &str, ascii: bool, s: &mut [f32]) {
        let Some((m, cols)) = &self.ngram else {
            return;
        };
        let best = (0..s.len())
            .max_by(|&a, &b| s[a].total_cmp(&s[b]))
            .unwrap_or(0);
        let second = (0..s.len())
            .filter(|&i| i != best)
            .map(|i| s[i])
            .fold(f32::NEG_INFINITY, f32::max);
        if s[best] - second > self.ngram_skip {
            return;
        }
        let gated = !self.ngram_slot[best];
        if gated {
            let best_slot = (0..s.len())
                .filter(|&i| self.ngram_slot[i])
                .map(|i| s[i])
                .fold(f32::NEG_INFINITY, f32::max);
            if best_slot < s[best] - self.ngram_gate {
                return;
            }
        }
        let mut ll = [0f32; 16];
        let ll = &mut ll[..m.codes.len()];
        // The words are found once, and scored against the plain table and,
        // below, the folded one (see [`NgramModel::score_words`]).
        let mut chars: Vec<char> = Vec::with_capacity(self.ngram_letters + 32);
        let mut ends: Vec<usize> = Vec::with_capacity(32);
        let letters = self.ngram_words(text, &mut chars, &mut ends);
        m.score_words(&chars, &ends, self.ngram_backoff, ll);
        // A text without diacritics may be typed without them: each
        // language's likelihood is then a mixture of the language as written
        // and as typed without diacritics (Czech `pujde` for `půjde`), with
        // the prior [`ASCII_TYPED`] on the second.
        if let (true, Some(a)) = (ascii, self.ngram_ascii) {
            let mut folded = [0f32; 16];
            let folded = &mut folded[..m.codes.len()];
            a.score_words(&chars, &ends, self.ngram_backoff, folded);
            let (p_raw, p_fold) = ((1.0 - ASCII_TYPED).ln(), ASCII_TYPED.ln());
            for (x, f) in ll.iter_mut().zip(folded.iter()) {
                let (a, b) = (*x + p_raw, *f + p_fold);
                let hi = a.max(b);
                *x = hi + ((a - hi).exp() + (b - hi).exp()).ln();
            }
        }
        let mut best_ll = vec![f32::NEG_INFINITY; s.len()];
        for (k, &i) in cols.iter().enumerate() {
            best_ll[i as usize] = best_ll[i as usize].max(ll[k]);
        }
        // A text that none of the n-gram languages predicts well stays with
        // the language the other evidence found (Latin, Hungarian…).
        let top = best_ll.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        if gated && top < self.ngram_fit * letters.max(1) as f32 {
            return;
        }
        let prior = self.short_prior * ((32.0 - letters as f32) / 16.0).clamp(0.0, 1.0);
        for (i, v) in s.iter_mut().enumerate() {
            if self.ngram_slot[i] {
                *v = *v * self.evidence_scale + best_ll[i] * self.ngram_scale;
                if self.targets[i].is_some() {
                    *v += prior;
                }
            } else {
                *v = -1e6;
            }
        }
    }
}

/// All three script models.
pub(crate) struct Model {
    pub latin: ScriptModel,
    pub cyrillic: ScriptModel,
    pub arabic: ScriptModel,
}

impl Model {
    /// The shared model (built on first use).
    pub fn get() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| Model::build(Params::default()))
    }

    /// A model with the given weights.
    pub fn build(p: Params) -> Model {
        Model {
            latin: ScriptModel::build(
                Script::Latin,
                profiles::LATIN,
                LATIN_ALPHABETS,
                p,
                p.missing_evidence_latin,
            ),
            cyrillic: ScriptModel::build(
                Script::Cyrillic,
                profiles::CYRILLIC,
                CYRILLIC_ALPHABETS,
                p,
                p.missing_evidence,
            ),
            arabic: ScriptModel::build(Script::Arabic, profiles::ARABIC, ARABIC_ALPHABETS, p, 0.0),
        }
    }

    /// Bytes of one thread's first-stage word memos, one per script, once
    /// each has been used (for the memory test).
    #[cfg(test)]
    pub(crate) fn memo_bytes(&self) -> usize {
        [&self.latin, &self.cyrillic, &self.arabic]
            .iter()
            .map(|m| MEMO_SLOTS * (std::mem::size_of::<Head>() + 4 * m.codes.len()))
            .sum()
    }

    /// The model for a script, if we have one.
    pub fn for_script(&self, script: Script) -> Option<&ScriptModel> {
        match script {
            Script::Latin => Some(&self.latin),
            Script::Cyrillic => Some(&self.cyrillic),
            Script::Arabic => Some(&self.arabic),
            Script::Other => None,
        }
    }
}
