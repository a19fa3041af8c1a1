//! Text analysis: segmentation → per-language normalization → stopwords → stemming.
//!
//! One [`Analyzer`] per [`Lang`], built once and shared. The same analyzer runs
//! at index time (through [`tokenizer::KorpusTokenizer`], registered in tantivy
//! under [`Lang::analyzer_name`]), at query time (tantivy's query parser uses the
//! registered tokenizer), and in statistics and themes (through
//! [`Analyzer::analyze`]). The terms search sees are the terms statistics count.
//!
//! Each language plugs in through the [`Language`] trait in `lang/<code>.rs`.

pub mod eval;
pub mod hygiene;
mod memo;
pub mod segment;
pub mod tokenizer;

use std::borrow::Cow;

pub use compact_str::CompactString;
use std::sync::OnceLock;

use serde::Serialize;

use crate::lang::{self, Lang};
use hygiene::Special;
pub use hygiene::{Kind, Kinds};
use memo::WordMemo;

/// Words longer than this many bytes are not indexed (they are URLs, base64
/// or garbage). 200 bytes keeps every real word of every language: a 40-letter
/// German compound is < 50 bytes, a 30-letter Russian or Arabic word 60.
pub const MAX_TERM_BYTES: usize = 200;

/// What a stemmer did to a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stemmed<'a> {
    /// The term to index.
    pub term: Cow<'a, str>,
    /// The rule that fired, for `analyze --explain` (None: unchanged).
    pub rule: Option<&'static str>,
}

impl<'a> Stemmed<'a> {
    /// The word unchanged.
    pub fn unchanged(word: &'a str) -> Self {
        Stemmed {
            term: Cow::Borrowed(word),
            rule: None,
        }
    }
}

/// How a word joins its neighbour (Persian writes prefixes and suffixes with a
/// space, a ZWNJ or nothing: `می روم` / `می‌روم` / `میروم`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// Separate words.
    No,
    /// The two words are one word, written with a space.
    Join,
}

/// One language's analysis rules. Implemented in `lang/<code>.rs`.
pub trait Language: Send + Sync {
    /// Lowercase and normalize one word (orthography, digits, diacritics),
    /// appending the result to `out`. Must be idempotent.
    fn normalize(&self, word: &str, out: &mut String);
    /// Whether a normalized word is a stopword.
    fn is_stopword(&self, normalized: &str) -> bool;
    /// Whether a normalized word is a light verb or auxiliary form (Persian
    /// کردم, شده): stemmed and indexed like any word, so search finds it and
    /// its forms share a term, but left out of statistics and themes like a
    /// stopword. Default: none.
    fn is_light(&self, _normalized: &str) -> bool {
        false
    }
    /// Stem a normalized word that is not a stopword.
    fn stem<'a>(&self, normalized: &'a str) -> Stemmed<'a>;
    /// Extra terms indexed at the same position (compound parts, diacritic-folded
    /// forms). Default: none.
    fn extra_terms(&self, _normalized: &str, _term: &str, _out: &mut Vec<String>) {}
    /// Whether normalized word `prev` and normalized word `next`, separated only
    /// by spaces, form one word. Default: never.
    fn join(&self, _prev: &str, _next: &str) -> Join {
        Join::No
    }
    /// Whether [`Language::join`] may ever join two words. Default: no, so
    /// a word's analysis depends on its surface form alone.
    fn joins(&self) -> bool {
        false
    }
}

/// One analyzed word of a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Token {
    /// Byte offset of the word's start in the analyzed text.
    pub start: usize,
    /// Byte offset just past the word's end.
    pub end: usize,
    /// Word position (counts stopwords too, so phrase queries line up).
    pub position: u32,
    /// Sentence number within the text (0-based).
    pub sentence: u32,
    /// The normalized form (inline up to 24 bytes: no allocation per token).
    pub normalized: CompactString,
    /// Whether the word is left out of statistics: a stopword (not indexed)
    /// or a light verb form (indexed, see `light`).
    pub stop: bool,
    /// Whether the word is a light verb form ([`Language::is_light`]):
    /// `stop` for statistics, yet indexed and searchable.
    pub light: bool,
    /// The indexed term (the stem; the normalized form for stopwords).
    pub term: CompactString,
    /// Extra terms indexed at the same position.
    pub extra: Vec<String>,
    /// The stemming rule that fired, if any.
    pub rule: Option<&'static str>,
    /// What the token is: a word, a number, or a token of informal text
    /// (URL, handle, hashtag, emoji…; see [`hygiene`]).
    pub kind: Kind,
}

impl Token {
    /// Whether the index holds the token's terms (not a stopword).
    pub fn indexed(&self) -> bool {
        !self.stop || self.light
    }

    /// The surface form in `text` (the text this token was analyzed from).
    pub fn surface<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// The analyzer for one language.
pub struct Analyzer {
    lang: Lang,
    rules: &'static dyn Language,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Analyzer({})", self.lang)
    }
}

/// Undetermined text: lowercase and fold digits, no stopwords, no stemming.
struct Neutral;

impl Language for Neutral {
    fn normalize(&self, word: &str, out: &mut String) {
        lang::push_lower_folded_digits(word, out);
    }
    fn is_stopword(&self, _normalized: &str) -> bool {
        false
    }
    fn stem<'a>(&self, normalized: &'a str) -> Stemmed<'a> {
        Stemmed::unchanged(normalized)
    }
}

static NEUTRAL: Neutral = Neutral;

impl Analyzer {
    /// The shared analyzer of a language.
    pub fn get(lang: Lang) -> &'static Analyzer {
        static ANALYZERS: OnceLock<Vec<Analyzer>> = OnceLock::new();
        let all = ANALYZERS.get_or_init(|| {
            Lang::ALL
                .iter()
                .map(|&l| Analyzer {
                    lang: l,
                    rules: rules_for(l),
                })
                .collect()
        });
        &all[Lang::ALL
            .iter()
            .position(|&l| l == lang)
            .expect("every Lang is in ALL")]
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The language's rules.
    pub fn rules(&self) -> &'static dyn Language {
        self.rules
    }

    /// Analyze a text into tokens (stopwords included, marked `stop`).
    pub fn analyze(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.analyze_into(text, &mut out);
        out
    }

    /// Analyze a text, appending to `out` (lets callers reuse the buffer).
    pub fn analyze_into(&self, text: &str, out: &mut Vec<Token>) {
        let mut scratch = Scratch::default();
        let first = out.len();
        self.walk(text, &mut scratch, first > 0, |w| {
            out.push(Token {
                start: w.start,
                end: w.end,
                position: w.position,
                sentence: w.sentence,
                normalized: CompactString::from(w.normalized),
                stop: w.stop,
                light: w.light,
                term: CompactString::from(w.term),
                extra: w.extra.to_vec(),
                rule: w.rule,
                kind: w.kind,
            })
        });
    }

    /// The analysis itself: calls `emit` with each word, in order, borrowing
    /// from `scratch` (reused across words and calls, so a word costs no
    /// allocation here). `had_tokens`: whether the output already holds
    /// tokens (a sentence break before the first word then counts).
    pub(crate) fn walk(
        &self,
        text: &str,
        scratch: &mut Scratch,
        had_tokens: bool,
        mut emit: impl FnMut(Word<'_>),
    ) {
        // The memos are borrowed once per text. An `emit` that analyzes
        // finds them in use and goes without (see `walk_with`).
        SURFACE.with(|surface| {
            MEMO.with(|memo| {
                let mut surface = surface.try_borrow_mut().ok();
                let mut memo = memo.try_borrow_mut().ok();
                let l = self.lang as usize;
                let surface = match &mut surface {
                    Some(s) if !self.rules.joins() => {
                        Some(s[l].get_or_insert_with(|| WordMemo::new(MEMO_SETS)))
                    }
                    _ => None,
                };
                let memo = memo.as_deref_mut().map(|m| &mut m[l]);
                self.walk_with(text, scratch, had_tokens, surface, memo, &mut emit)
            })
        })
    }

    /// [`Analyzer::walk`] with the memos it may use: `surface` (for a
    /// language that never joins words) by surface form, else `memo` by
    /// normalized form, else none.
    fn walk_with(
        &self,
        text: &str,
        scratch: &mut Scratch,
        had_tokens: bool,
        mut surface: Option<&mut SurfaceMemo>,
        mut memo: Option<&mut Option<WordMemo<Analyzed>>>,
        emit: &mut impl FnMut(Word<'_>),
    ) {
        let rules = self.rules;
        let Scratch {
            normalized,
            next,
            again,
            extra,
            specials,
            special,
            special_extra,
        } = scratch;
        hygiene::specials(text, specials);
        let mut emitted = had_tokens;
        let mut position = 0u32;
        let mut sentence = 0u32;
        let mut prev_end = 0usize;
        let mut pending_break = false;
        // The word whose normalized form `next` holds (looked at to decide
        // a join, and not joined).
        let mut peeked: Option<(usize, usize)> = None;
        // The start and memo hash of the next two words, their sets
        // prefetched.
        let mut ahead: [Option<(usize, u64)>; 2] = [None, None];
        let mut words = Lookahead::new(Merged::new(text, segment::words(text), specials));
        while let Some((start, mut end, kind)) = words.next() {
            if emitted && segment::has_sentence_break(&text[prev_end..start]) {
                pending_break = true;
            }
            if pending_break {
                sentence += 1;
                pending_break = false;
            }
            let word = &text[start..end];
            if let Some(kind) = kind {
                special.clear();
                special_extra.clear();
                if kind == Kind::Hashtag {
                    // `#Kundenservice`: the tag normalized as a word of the
                    // language, and the word's own term beside it, so that
                    // searching the word finds the tag too.
                    normalized.clear();
                    normalize_surface(rules, &word[1..], normalized);
                    special.push('#');
                    special.push_str(normalized);
                    if !normalized.is_empty() {
                        let a = self.analyze_word(normalized, extra);
                        if !a.stop {
                            special_extra.push(a.term.to_string());
                        }
                    }
                } else {
                    hygiene::special_term(kind, word, special);
                }
                if special.len() > MAX_TERM_BYTES {
                    let mut cut = MAX_TERM_BYTES;
                    while !special.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    special.truncate(cut);
                }
                emit(Word {
                    start,
                    end,
                    position,
                    sentence,
                    normalized: special,
                    stop: false,
                    light: false,
                    term: special,
                    extra: special_extra,
                    rule: None,
                    kind,
                });
                emitted = true;
                position += 1;
                prev_end = end;
                continue;
            }
            if word.len() > MAX_TERM_BYTES {
                prev_end = end;
                position += 1;
                continue;
            }
            if let Some(sm) = surface.as_deref_mut() {
                // The analysis is a function of the surface form: look it up
                // by that, and normalize only on a miss. The next word's set
                // after next is prefetched first, so its likely cache miss
                // overlaps the two words before it.
                let h = match ahead[0] {
                    Some((s, h)) if s == start => h,
                    _ => memo::hash(word),
                };
                ahead[0] = match (ahead[1], words.peek()) {
                    (Some((s, h)), Some(&(ns, _, _))) if s == ns => Some((s, h)),
                    (_, Some(&(ns, ne, _))) => {
                        let nh = memo::hash(&text[ns..ne]);
                        sm.prefetch(nh);
                        Some((ns, nh))
                    }
                    _ => None,
                };
                ahead[1] = words.peek2().map(|&(ns, ne, _)| {
                    let nh = memo::hash(&text[ns..ne]);
                    sm.prefetch(nh);
                    (ns, nh)
                });
                let shown = match sm.get(h, word) {
                    Some((n, a)) => {
                        if let Some(a) = a {
                            emit(a.word(start, end, position, sentence, n));
                        }
                        a.is_some()
                    }
                    None => {
                        normalized.clear();
                        normalize_surface(rules, word, normalized);
                        let a =
                            (!normalized.is_empty()).then(|| self.analyze_word(normalized, extra));
                        if let Some(a) = &a {
                            emit(a.word(start, end, position, sentence, normalized));
                        }
                        let shown = a.is_some();
                        sm.insert(h, word, (CompactString::from(normalized.as_str()), a));
                        shown
                    }
                };
                if shown {
                    emitted = true;
                    position += 1;
                }
                prev_end = end;
                continue;
            }
            if peeked == Some((start, end)) {
                // Normalized already, as the word after the last one.
                std::mem::swap(normalized, next);
            } else {
                normalized.clear();
                normalize_surface(rules, word, normalized);
            }
            peeked = None;
            // Join words written apart (Persian می روم, کتاب ها).
            while let Some(&(nstart, nend, None)) = words.peek() {
                let gap = &text[end..nstart];
                if !gap.chars().all(|c| c == ' ' || c == '\u{200c}') || gap.is_empty() {
                    break;
                }
                next.clear();
                normalize_surface(rules, &text[nstart..nend], next);
                if rules.join(normalized, next) == Join::No {
                    peeked = Some((nstart, nend));
                    break;
                }
                normalized.push('\u{200c}');
                normalized.push_str(next);
                again.clear();
                rules.normalize(normalized, again);
                std::mem::swap(normalized, again);
                end = nend;
                words.next();
            }
            if normalized.is_empty() {
                prev_end = end;
                continue;
            }
            match memo.as_deref_mut() {
                Some(m) => {
                    let m = m.get_or_insert_with(|| WordMemo::new(MEMO_SETS));
                    let h = memo::hash(normalized);
                    if let Some(a) = m.get(h, normalized) {
                        emit(a.word(start, end, position, sentence, normalized));
                    } else {
                        let a = self.analyze_word(normalized, extra);
                        emit(a.word(start, end, position, sentence, normalized));
                        m.insert(h, normalized, a);
                    }
                }
                None => {
                    // The memo is in use further up this thread's stack (an
                    // `emit` that analyzes): analyze without it.
                    let a = self.analyze_word(normalized, extra);
                    emit(a.word(start, end, position, sentence, normalized));
                }
            }
            emitted = true;
            position += 1;
            prev_end = end;
        }
    }

    /// Stopword test, stem and extra terms of a normalized word: a function
    /// of the word alone, so [`MEMO`] may keep it. `extra` is scratch space.
    fn analyze_word(&self, normalized: &str, extra: &mut Vec<String>) -> Analyzed {
        let rules = self.rules;
        let kind = if normalized.chars().any(crate::chars::is_alphabetic) {
            Kind::Word
        } else {
            Kind::Number
        };
        if rules.is_stopword(normalized) {
            return Analyzed {
                stop: true,
                light: false,
                term: normalized.into(),
                rule: None,
                extra: Vec::new(),
                kind,
            };
        }
        extra.clear();
        let s = rules.stem(normalized);
        rules.extra_terms(normalized, &s.term, extra);
        extra.retain(|e| *e != *s.term && !e.is_empty());
        let light = rules.is_light(normalized);
        Analyzed {
            stop: light,
            light,
            term: CompactString::from(s.term.as_ref()),
            rule: s.rule,
            extra: std::mem::take(extra),
            kind,
        }
    }
}

/// Normalize a word as written: stretched letters folded first
/// ([`hygiene::fold_stretched`]), so `suuuper` and `super` are one term
/// while the text keeps its surface form.
fn normalize_surface(rules: &dyn Language, word: &str, out: &mut String) {
    match hygiene::fold_stretched(word) {
        Some(folded) => rules.normalize(&folded, out),
        None => rules.normalize(word, out),
    }
}

/// Word ranges merged with the text's special tokens ([`hygiene::specials`]):
/// words inside a special token are left out, and a word that runs into one
/// (`siehe:https` is one word by UAX #29) keeps its letters before it.
struct Merged<'s, I> {
    text: &'s str,
    words: I,
    specials: &'s [Special],
    next: usize,
    pending: Option<(usize, usize)>,
}

impl<'s, I: Iterator<Item = (usize, usize)>> Merged<'s, I> {
    fn new(text: &'s str, words: I, specials: &'s [Special]) -> Self {
        Merged {
            text,
            words,
            specials,
            next: 0,
            pending: None,
        }
    }
}

impl<I: Iterator<Item = (usize, usize)>> Iterator for Merged<'_, I> {
    type Item = (usize, usize, Option<Kind>);

    fn next(&mut self) -> Option<Self::Item> {
        let w = self.pending.take().or_else(|| self.words.next());
        let Some(s) = self.specials.get(self.next).copied() else {
            return w.map(|(a, b)| (a, b, None));
        };
        if let Some((a, b)) = w {
            if b <= s.start {
                return Some((a, b, None));
            }
        }
        // Words starting before the special's end are inside it.
        let mut rest = w;
        while let Some((a, _)) = rest {
            if a < s.end {
                rest = self.words.next();
            } else {
                break;
            }
        }
        self.pending = rest;
        if let Some((a, _)) = w.filter(|&(a, _)| a < s.start) {
            let head = self.text[a..s.start]
                .trim_end_matches(|c: char| !crate::chars::is_alphanumeric(c));
            if !head.is_empty() {
                // The special comes at the next call: `pending` starts
                // after it.
                return Some((a, a + head.len(), None));
            }
        }
        self.next += 1;
        Some((s.start, s.end, Some(s.kind)))
    }
}

/// What a normalized word analyzes to (see [`Analyzer::analyze_word`]).
#[derive(Debug, Default)]
struct Analyzed {
    stop: bool,
    light: bool,
    term: CompactString,
    rule: Option<&'static str>,
    extra: Vec<String>,
    kind: Kind,
}

impl Analyzed {
    fn word<'a>(
        &'a self,
        start: usize,
        end: usize,
        position: u32,
        sentence: u32,
        normalized: &'a str,
    ) -> Word<'a> {
        Word {
            start,
            end,
            position,
            sentence,
            normalized,
            stop: self.stop,
            light: self.light,
            term: &self.term,
            extra: &self.extra,
            rule: self.rule,
            kind: self.kind,
        }
    }
}

/// Sets of a thread's [`MEMO`] (and [`SURFACE`]) per language: it holds the
/// two most recently used words of each, 65,536 words in all (128 bytes
/// each, 8 MB). Word frequencies are Zipfian: a few ten thousand words of a
/// language cover most running words of a corpus. Simulated on the words of
/// bench50 with the earlier memo (a hash map that starts afresh when
/// full), the share of words missing from the memo is, for 16,384 / 28,672
/// / 57,344 words: German 15 / 12 / 8 %, Slovenian 12 / 7 / 4 %, Russian 23
/// / 17 / 9 %, Arabic 16 / 11 / 6 %.
const MEMO_SETS: usize = 32_768;

/// Surface word → normalized form and analysis (`None`: normalizes to
/// nothing).
type SurfaceMemo = WordMemo<(CompactString, Option<Analyzed>)>;

thread_local! {
    /// Per thread and language: normalized word → its analysis. Stemming and
    /// compound splitting dominate analysis, and the same few thousand words
    /// make up most of any text. Exact (a pure function of the word), so it
    /// changes no output; it only saves the work. Keyed by language alone,
    /// which is sound because the only analyzers are the shared ones of
    /// [`Analyzer::get`], one per language. Made on first use.
    static MEMO: std::cell::RefCell<[Option<WordMemo<Analyzed>>; 6]> = Default::default();

    /// The same for languages that never join words ([`Language::joins`]),
    /// keyed by the surface form. A hit skips normalization too.
    static SURFACE: std::cell::RefCell<[Option<SurfaceMemo>; 6]> = Default::default();
}

/// An iterator that shows its next two items.
struct Lookahead<I: Iterator> {
    it: I,
    next: [Option<I::Item>; 2],
}

impl<I: Iterator> Lookahead<I> {
    fn new(mut it: I) -> Self {
        let a = it.next();
        let b = it.next();
        Lookahead { it, next: [a, b] }
    }

    fn peek(&self) -> Option<&I::Item> {
        self.next[0].as_ref()
    }

    fn peek2(&self) -> Option<&I::Item> {
        self.next[1].as_ref()
    }
}

impl<I: Iterator> Iterator for Lookahead<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let out = self.next[0].take();
        self.next[0] = self.next[1].take();
        self.next[1] = self.it.next();
        out
    }
}

/// Buffers [`Analyzer::walk`] reuses from word to word.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    normalized: String,
    next: String,
    again: String,
    extra: Vec<String>,
    specials: Vec<Special>,
    special: String,
    special_extra: Vec<String>,
}

/// One analyzed word, borrowed: what [`Token`] holds, without allocating.
#[derive(Debug)]
pub(crate) struct Word<'a> {
    pub start: usize,
    pub end: usize,
    pub position: u32,
    pub sentence: u32,
    pub normalized: &'a str,
    pub stop: bool,
    pub light: bool,
    pub term: &'a str,
    pub extra: &'a [String],
    pub rule: Option<&'static str>,
    pub kind: Kind,
}

impl Word<'_> {
    /// Whether the index holds the word's terms (see [`Token::indexed`]).
    pub fn indexed(&self) -> bool {
        !self.stop || self.light
    }
}

fn rules_for(l: Lang) -> &'static dyn Language {
    match l {
        Lang::Ar => &lang::ar::Arabic,
        Lang::De => &lang::de::German,
        Lang::Fa => &lang::fa::Persian,
        Lang::Ru => &lang::ru::Russian,
        Lang::Sl => &lang::sl::Slovenian,
        Lang::Und => &NEUTRAL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The memos (by surface form, and by normalized word for Persian)
    /// change no token: a text analyzed with both memos busy (the fallback
    /// path), with them cold and again with them warm gives the same tokens.
    #[test]
    fn memos_change_no_token() {
        let texts = [
            (
                Lang::De,
                "Kunden KUNDEN kunden Kundenzufriedenheit, Straße STRASSE 12 12",
            ),
            (Lang::Ru, "Ёжик ЁЖИК ежик клиенты Клиенты ٣٤ 34"),
            (Lang::Sl, "Stranke STRANKE stranke čakajo ČAKAJO, že že"),
            (Lang::Ar, "العملاء العملاء راضون ٣٤٥ 345"),
            (Lang::Fa, "کتاب ها کتاب‌ها می خوانم می‌خوانم ۱۲۳"),
            (Lang::Und, "Brand X-200 brand x-200"),
        ];
        for (lang, text) in texts {
            let a = Analyzer::get(lang);
            let busy = SURFACE.with(|s| {
                let _s = s.borrow_mut();
                MEMO.with(|m| {
                    let _m = m.borrow_mut();
                    a.analyze(text)
                })
            });
            let cold = a.analyze(text);
            let warm = a.analyze(text);
            assert!(!busy.is_empty(), "{lang}");
            assert_eq!(busy, cold, "{lang}: {text}");
            assert_eq!(cold, warm, "{lang}: {text}");
        }
    }

    #[test]
    fn positions_count_stopwords_and_sentences_advance() {
        let toks = Analyzer::get(Lang::De).analyze("Die Kunden sind da. Neue Kunden!");
        assert_eq!(toks[0].position, 0);
        assert!(toks[0].stop);
        let neue = toks.iter().find(|t| t.normalized == "neue").unwrap();
        assert_eq!(neue.sentence, 1);
    }

    #[test]
    fn offsets_point_at_surface() {
        let text = "Привет, ёжик! Клиенты довольны.";
        for t in Analyzer::get(Lang::Ru).analyze(text) {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            assert!(!t.surface(text).is_empty());
        }
    }

    /// Single-thread throughput of the indexing analysis on a bench corpus
    /// folder (default `/tmp/bench50`, made by `shared/bench/generate.py`),
    /// each document analyzed in the language of its folder, with a
    /// fingerprint of every emitted value:
    /// `cargo test --release --lib analysis_throughput -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn analysis_throughput() {
        let dir = std::env::var("KORPUS_BENCH_DIR").unwrap_or_else(|_| "/tmp/bench50".into());
        let mut docs = Vec::new();
        for l in Lang::TARGETS {
            let Ok(walk) = std::fs::read_dir(format!("{dir}/{}", l.code())) else {
                continue;
            };
            let mut paths: Vec<_> = walk
                .flatten()
                .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect();
            paths.sort();
            for p in paths {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    docs.push((l, t));
                }
            }
        }
        if docs.is_empty() {
            eprintln!("skip: no documents in {dir}");
            return;
        }
        let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
        let mut scratch = Scratch::default();
        let mut out = String::new();
        let mut h = blake3::Hasher::new();
        let t0 = std::time::Instant::now();
        for (l, t) in &docs {
            out.clear();
            tokenizer::pre_analyze(*l, t, &mut scratch, &mut out, &mut Default::default());
            h.update(out.as_bytes());
        }
        let s = t0.elapsed().as_secs_f64();
        println!(
            "analysis: {} docs, {:.1} MB, {s:.2} s, {:.1} MB/s, output {}",
            docs.len(),
            bytes as f64 / 1e6,
            bytes as f64 / 1e6 / s,
            &h.finalize().to_hex()[..16]
        );
    }
}
