//! Language identification: which target language a text is in, or `und`.
//!
//! Script first (Arabic → ar/fa/other, Cyrillic → ru/other, Latin →
//! de/sl/other), then, within the script, a score per language that adds up
//! trigram statistics (whatlang's profiles, including the confusable
//! neighbours), alphabet evidence and function words, then a character
//! n-gram model among the confusable languages; see `model.rs`. A text
//! whose best language is not a selected target is `Und`, with the best
//! language's code in `other`.

use serde::Serialize;

use crate::lang::Lang;

pub mod eval;
mod evidence;
mod model;
mod ngrams;
mod params;
mod profiles;
mod script;
mod tables;

use model::{char_script, Model, Script};

/// The language of a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    /// A target language, or `Und`.
    pub lang: Lang,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// For `Und`: the most likely other language (ISO 639-1/3 code), if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
}

impl Detection {
    /// An undetermined result.
    pub fn und(other: Option<String>) -> Self {
        Detection {
            lang: Lang::Und,
            confidence: 0.0,
            other,
        }
    }
}

/// A span of a document with its own language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// Byte offset of the segment start.
    pub start: usize,
    /// Byte offset just past the segment end.
    pub end: usize,
    /// The segment's language.
    #[serde(flatten)]
    pub detection: Detection,
}

/// [`Detector::detect`] reads at most this many bytes of a text.
pub const MAX_DETECT_BYTES: usize = 2048;

/// The longest prefix of `text` of at most `max` bytes ending at a char
/// boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A word's UTF-8 bytes as an exact, fixed-size key for the detector's
/// per-thread caches (the first stage's word memo in `model.rs`, the
/// n-gram word cache in `ngrams.rs`): up to [`WordKey::MAX`] bytes, so 12
/// Cyrillic or Arabic letters.
#[derive(Debug, Clone, Copy, Eq)]
pub(crate) struct WordKey {
    len: u8,
    bytes: [u8; WordKey::MAX],
}

impl PartialEq for WordKey {
    /// Every byte equal, as the derived comparison, but in three 8-byte
    /// words instead of a call to `memcmp` (a key is compared on every
    /// lookup of both caches).
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        let w = |b: &[u8; WordKey::MAX], i: usize| {
            u64::from_ne_bytes(b[8 * i..8 * i + 8].try_into().expect("8 bytes"))
        };
        let (a, b) = (&self.bytes, &other.bytes);
        self.len == other.len
            && ((w(a, 0) ^ w(b, 0)) | (w(a, 1) ^ w(b, 1)) | (w(a, 2) ^ w(b, 2))) == 0
    }
}

impl WordKey {
    /// Most bytes of a key.
    pub const MAX: usize = 24;
    const TOO_LONG: u8 = u8::MAX;
    /// The key of the empty word (and the start of every key).
    pub const EMPTY: WordKey = WordKey {
        len: 0,
        bytes: [0; WordKey::MAX],
    };

    /// Append a letter. A word that outgrows the key stays too long.
    #[inline]
    pub fn push(&mut self, c: char) {
        if self.len == Self::TOO_LONG {
            return;
        }
        let at = self.len as usize;
        if at + c.len_utf8() > Self::MAX {
            self.len = Self::TOO_LONG;
            return;
        }
        c.encode_utf8(&mut self.bytes[at..]);
        self.len = (at + c.len_utf8()) as u8;
    }

    /// Whether the word fits, so this is its key.
    #[inline]
    pub fn fits(&self) -> bool {
        self.len != Self::TOO_LONG
    }

    /// The key of a word, if it fits.
    pub fn of(word: &[char]) -> Option<WordKey> {
        let mut k = WordKey::EMPTY;
        for &c in word {
            k.push(c);
        }
        k.fits().then_some(k)
    }
}

pub(crate) use crate::hint::prefetch;

/// Fewer letters than this give `Und`.
pub const MIN_LETTERS: usize = 3;

/// A language detector restricted to a set of target languages.
#[derive(Debug, Clone)]
pub struct Detector {
    targets: Vec<Lang>,
    model: &'static Model,
    /// Which detector this is (targets and model), for the per-thread line
    /// cache of [`Detector::segments`].
    id: u32,
}

/// A fresh [`Detector::id`].
fn next_detector_id() -> u32 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Model")
    }
}

/// Counts of letters per script.
#[derive(Debug, Default, Clone, Copy)]
struct ScriptCounts {
    latin: usize,
    cyrillic: usize,
    arabic: usize,
    other: usize,
}

impl ScriptCounts {
    fn of(text: &str) -> Self {
        let mut n = ScriptCounts::default();
        for c in text.chars() {
            n.add(c);
        }
        n
    }

    /// The counts of `text` and its letters (`is_letter`), in one pass.
    fn with_letters(text: &str) -> (Self, usize) {
        let mut n = ScriptCounts::default();
        let mut letters = 0;
        for c in text.chars() {
            n.add(c);
            letters += model::is_letter(c) as usize;
        }
        (n, letters)
    }

    #[inline]
    fn add(&mut self, c: char) {
        match char_script(c) {
            Some(Script::Latin) => self.latin += 1,
            Some(Script::Cyrillic) => self.cyrillic += 1,
            Some(Script::Arabic) => self.arabic += 1,
            Some(Script::Other) => self.other += 1,
            None => {}
        }
    }
    fn total(&self) -> usize {
        self.latin + self.cyrillic + self.arabic + self.other
    }
    fn main(&self) -> Script {
        let best = self
            .latin
            .max(self.cyrillic)
            .max(self.arabic)
            .max(self.other);
        if best == self.arabic {
            Script::Arabic
        } else if best == self.cyrillic {
            Script::Cyrillic
        } else if best == self.latin {
            Script::Latin
        } else {
            Script::Other
        }
    }
}

impl Detector {
    /// A detector for the given targets (`Und` in the list is ignored).
    pub fn new(targets: &[Lang]) -> Self {
        let mut targets: Vec<Lang> = targets
            .iter()
            .copied()
            .filter(|&l| l != Lang::Und)
            .collect();
        targets.sort();
        targets.dedup();
        Detector {
            targets,
            model: Model::get(),
            id: next_detector_id(),
        }
    }

    /// A detector with its own weights (for tuning experiments).
    #[cfg(test)]
    pub(crate) fn with_params(targets: &[Lang], p: model::Params) -> Self {
        let d = Detector::new(targets);
        Detector {
            model: Box::leak(Box::new(Model::build(p))),
            id: next_detector_id(),
            ..d
        }
    }

    /// The target languages.
    pub fn targets(&self) -> &[Lang] {
        &self.targets
    }

    /// Scores of every language of the text's main script, best first:
    /// `(code, target, log-score)`. Empty for other scripts or too few letters.
    pub fn scores(&self, text: &str) -> Vec<(&'static str, Option<Lang>, f32)> {
        let counts = ScriptCounts::of(text);
        if counts.total() < MIN_LETTERS {
            return Vec::new();
        }
        let script = counts.main();
        let Some(m) = self.model.for_script(script) else {
            return Vec::new();
        };
        let s = m.score(text, script);
        let mut out: Vec<_> = (0..s.len())
            .map(|i| (m.codes[i], m.targets[i], s[i]))
            .collect();
        out.sort_by(|a, b| b.2.total_cmp(&a.2));
        out
    }

    /// Detect the language of a text. Long texts are judged on their first
    /// [`MAX_DETECT_BYTES`] bytes: the evidence is long conclusive by then
    /// (use [`Detector::segments`] for mixed documents).
    pub fn detect(&self, text: &str) -> Detection {
        let text = prefix(text, MAX_DETECT_BYTES);
        if has_links(text) {
            return self.detect_clean(&strip_links(text));
        }
        self.detect_clean(text)
    }

    /// [`Detector::detect`] of a text whose script counts are known
    /// (counted by the caller in a pass it makes anyway).
    fn detect_counted(&self, text: &str, counts: ScriptCounts) -> Detection {
        if text.len() > MAX_DETECT_BYTES || has_links(text) {
            return self.detect(text);
        }
        self.detect_clean_with(text, counts)
    }

    fn detect_clean(&self, text: &str) -> Detection {
        self.detect_clean_with(text, ScriptCounts::of(text))
    }

    fn detect_clean_with(&self, text: &str, counts: ScriptCounts) -> Detection {
        if counts.total() < MIN_LETTERS || self.targets.is_empty() {
            return Detection::und(None);
        }
        let script = counts.main();
        let Some(m) = self.model.for_script(script) else {
            // Greek, Hebrew, CJK, Devanagari…: never a target; ask whatlang
            // which language it is, for `other`.
            let other = whatlang::detect_lang(text).map(|l| l.code().to_string());
            return Detection::und(other);
        };
        let s = m.score(text, script);
        let (mut best, mut second) = (0usize, usize::MAX);
        for i in 1..s.len() {
            if s[i] > s[best] {
                second = best;
                best = i;
            } else if second == usize::MAX || s[i] > s[second] {
                second = i;
            }
        }
        let margin = if second == usize::MAX {
            10.0
        } else {
            (s[best] - s[second]) as f64
        };
        let confidence = 1.0 - (-margin / 2.0).exp();
        match m.targets[best] {
            Some(l) if self.targets.contains(&l) => Detection {
                lang: l,
                confidence,
                other: None,
            },
            _ => Detection {
                lang: Lang::Und,
                confidence,
                other: Some(m.codes[best].to_string()),
            },
        }
    }

    /// Split a document into segments (paragraphs) with their own language,
    /// merging neighbours of the same language. Covers the whole text.
    pub fn segments(&self, text: &str) -> Vec<Segment> {
        segment::segments(self, text)
    }
}

mod segment;

/// Whether the text may contain URLs, e-mail addresses or handles.
fn has_links(text: &str) -> bool {
    text.contains("://") || text.contains("www.") || text.contains('@')
}

/// The text with URLs, e-mail addresses and @handles blanked out: their
/// letters say nothing about the language of the text around them.
fn strip_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, tok) in text.split(char::is_whitespace).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if tok.contains("://") || tok.starts_with("www.") || tok.contains('@') {
            continue;
        }
        out.push_str(tok);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_keys_are_exact_and_bounded() {
        let chars = |w: &str| w.chars().collect::<Vec<_>>();
        assert_eq!(WordKey::of(&chars("je")), WordKey::of(&chars("je")));
        assert_ne!(WordKey::of(&chars("je")), WordKey::of(&chars("jé")));
        // 12 two-byte letters fit; 13 do not.
        assert!(WordKey::of(&chars("привтпривтпр")).is_some());
        assert!(WordKey::of(&chars("привтпривтпри")).is_none());
        // A word that outgrew the key stays too long, even if a shorter
        // letter would still fit the bytes left.
        let mut k = WordKey::EMPTY;
        for c in "aaaaaaaaaaaaaaaaaaaaaaa".chars().chain(['ж', 'a']) {
            k.push(c);
        }
        assert!(!k.fits());
    }

    #[test]
    fn detects_each_target_on_a_sentence() {
        let d = Detector::new(&Lang::TARGETS);
        let cases = [
            ("نشرنا في الأسبوع الماضي بيانًا صحفيًا حول دراسة", Lang::Ar),
            (
                "Die Studie ergab, dass weibliche Unternehmer auf Kundenservice fokussiert sind.",
                Lang::De,
            ),
            (
                "سازمان ها معتقدند که این دقیقاً همان چیزی است که مشتری می خواهد",
                Lang::Fa,
            ),
            (
                "Эти этапы направлены на установление долгосрочных отношений",
                Lang::Ru,
            ),
            (
                "Biti osredotočen na stranke pomeni vedeti naj stranka postane osrednja točka",
                Lang::Sl,
            ),
        ];
        for (text, lang) in cases {
            assert_eq!(d.detect(text).lang, lang, "{text}");
        }
    }

    #[test]
    fn line_cache_gives_what_detection_gives() {
        // Lines long enough for the cache, each twice, under two detectors
        // with different targets: every answer equals a cold detection.
        let lines = [
            "Včeraj sem bil v mestu in sem tam videl svoje prijatelje in znance.\n",
            "Die Studie ergab, dass weibliche Unternehmer auf Kundenservice achten.\n",
            "Эти этапы направлены на установление долгосрочных отношений с клиентами.\n",
        ];
        let text: String = lines.iter().chain(lines.iter()).copied().collect();
        let all = Detector::new(&Lang::TARGETS);
        let few = Detector::new(&[Lang::De, Lang::Ru]);
        for d in [&all, &few, &all, &few] {
            for line in lines {
                let seg = d.segments(line);
                assert_eq!(seg[0].detection, d.detect(line), "{line}");
            }
            let segs = d.segments(&text);
            let langs: Vec<Lang> = segs.iter().map(|s| s.detection.lang).collect();
            if d.targets.contains(&Lang::Sl) {
                assert_eq!(
                    langs,
                    [Lang::Sl, Lang::De, Lang::Ru, Lang::Sl, Lang::De, Lang::Ru]
                );
            } else {
                assert_eq!(
                    langs,
                    [Lang::Und, Lang::De, Lang::Ru, Lang::Und, Lang::De, Lang::Ru]
                );
            }
        }
    }

    #[test]
    fn too_short_is_und() {
        assert_eq!(Detector::new(&Lang::TARGETS).detect("ok").lang, Lang::Und);
    }

    /// Detect with all targets; `Und` results carry the other language.
    fn label(text: &str) -> String {
        label_with(&Detector::new(&Lang::TARGETS), text)
    }

    /// The score of language `code` in `d.scores(text)`.
    fn score(scores: &[(&str, Option<Lang>, f32)], code: &str) -> f32 {
        scores.iter().find(|x| x.0 == code).map(|x| x.2).unwrap()
    }

    /// [`label`] with a given detector.
    fn label_with(d: &Detector, text: &str) -> String {
        let d = d.detect(text);
        match (d.lang, d.other) {
            (Lang::Und, Some(o)) => format!("und({o})"),
            (l, _) => l.code().to_string(),
        }
    }

    #[test]
    fn bcs_letters_and_participles_are_not_slovenian() {
        // ć đ and the -o participle (bio, vidio) vs Slovenian bil, videl.
        assert_eq!(
            label("Predsjednik će sutra posjetiti Zagreb i razgovarati o suradnji."),
            "und(hr)"
        );
        assert_eq!(
            label("Jučer sam bio u gradu i vidio sam svoje prijatelje."),
            "und(hr)"
        );
        assert_eq!(
            label("Včeraj sem bil v mestu in sem tam videl svoje prijatelje."),
            "sl"
        );
    }

    #[test]
    fn czech_and_slovak_letters_are_not_slovenian() {
        assert_eq!(
            label("Včera jsem byl v obchodě a koupil jsem tři rohlíky."),
            "und(cs)"
        );
        assert_eq!(
            label("Včera som bol v obchode a kúpil som si chlieb a mäso."),
            "und(sk)"
        );
    }

    #[test]
    fn typed_without_diacritics() {
        // Czech typed without diacritics is Czech, not Slovenian.
        assert_eq!(
            label("Zitra pujdeme do kina, protoze mame volno."),
            "und(cs)"
        );
        assert_eq!(
            label("Dekuji za rychlou odpoved, objednavka prisla vcas."),
            "und(cs)"
        );
        assert_eq!(
            label("Dziekuje bardzo za szybka odpowiedz, paczka juz dotarla."),
            "und(pl)"
        );
        // The targets typed the same way keep their label.
        assert_eq!(
            label("Hvala za hitro pomoc, paket je prisel pravocasno."),
            "sl"
        );
        assert_eq!(
            label("Danke fuer die schnelle Antwort, das Paket ist angekommen."),
            "de"
        );
    }

    #[test]
    fn latin_hungarian_and_polish_are_not_targets() {
        assert_eq!(label("Gallia est omnis divisa in partes tres."), "und(la)");
        assert_eq!(
            label("Köszönöm szépen a gyors választ, a csomag megérkezett."),
            "und(hu)"
        );
        assert_eq!(
            label("Dziękuję bardzo za szybką odpowiedź, paczka już dotarła."),
            "und(pl)"
        );
    }

    #[test]
    fn lone_letters_glued_to_digits_or_dots_are_not_words() {
        // Slovenian has the one-letter prepositions h, s, v, k, z: in "5h"
        // or "s.r.o." they are units and abbreviations, and must not count.
        let d = Detector::new(&Lang::TARGETS);
        let plain = d.scores("Rektascenzija objekta je 5h 30m, deklinacija 12,0");
        let spaced = d.scores("Rektascenzija objekta je 5 30, deklinacija 12,0");
        assert_eq!(plain, spaced);
        assert_eq!(label("Ulica Kabel d.o.o."), label("Ulica Kabel"));
    }

    #[test]
    fn croatian_needs_evidence_of_its_own_to_take_short_slovenian() {
        // Short Slovenian UI strings with no function word: what they share
        // with Croatian is no evidence for Croatian.
        let with = Detector::new(&Lang::TARGETS);
        let without = Detector::with_params(
            &Lang::TARGETS,
            super::model::Params {
                missing_evidence_latin: 0.0,
                ..Default::default()
            },
        );
        let margin = |d: &Detector, t: &str| {
            let s = d.scores(t);
            score(&s, "sl") - score(&s, "hr")
        };
        for t in [
            "Zahtevana je prijava",
            "Vrsta datoteke",
            "Prikaži skrite datoteke",
        ] {
            assert!(margin(&with, t) > margin(&without, t) + 0.5, "{t}");
            assert_eq!(label_with(&with, t), "sl", "{t}");
        }
        assert_eq!(label_with(&without, "Zahtevana je prijava"), "und(hr)");
        // Croatian with its own letters, words or endings stays Croatian.
        for t in [
            "Promijeni veličinu fonta",
            "Otvori vezu u novoj kartici",
            "Očisti povijest pregledavanja",
        ] {
            assert_eq!(label_with(&with, t), "und(hr)", "{t}");
        }
    }

    #[test]
    fn czech_and_slovak_legal_forms_and_titles_are_evidence() {
        // `s.r.o.` and the titles RNDr., CSc. are written only in Czech and
        // Slovak: they move a short name line towards them and out of the
        // targets, however the legal form is spaced.
        let d = Detector::new(&Lang::TARGETS);
        let cs = |t: &str| {
            let s = d.scores(t);
            score(&s, "cs").max(score(&s, "sk")) - score(&s, "de").max(score(&s, "sl"))
        };
        for (with, without) in [
            ("CDL Kabel s. r. o.", "CDL Kabel"),
            ("Nazev: NETWATCH, s.r.o.", "Nazev: NETWATCH"),
            ("RNDr. Jan Novak, CSc.", "Jan Novak"),
        ] {
            assert!(cs(with) > cs(without) + 2.0, "{with}");
        }
        assert!(label("CDL Kabel s. r. o.").starts_with("und"));
        assert!(label("Nazev: NETWATCH, s.r.o.").starts_with("und"));
        // A Slovenian sentence about a Czech company stays Slovenian.
        assert_eq!(
            label("Paket je poslalo podjetje Kabel s.r.o. iz Prage, prišel je včeraj."),
            "sl"
        );
    }

    #[test]
    fn east_slavic_and_bulgarian_are_not_russian() {
        assert_eq!(
            label("Вчора я був у місті і бачив там своїх друзів."),
            "und(uk)"
        );
        assert_eq!(
            label("Учора я быў у горадзе і бачыў там сваіх сяброў."),
            "und(be)"
        );
        assert_eq!(
            label("Вчера бях в града и видях там своите приятели, които не са се променили."),
            "und(bg)"
        );
        assert_eq!(
            label("Вчера я был в городе и видел там своих друзей."),
            "ru"
        );
    }

    #[test]
    fn urdu_and_arabic_are_told_from_persian() {
        assert_eq!(
            label("میں کل بازار گیا تھا اور وہاں سے کتابیں خریدیں۔"),
            "und(ur)"
        );
        assert_eq!(
            label("من دیروز به بازار رفتم و از آنجا چند کتاب خریدم."),
            "fa"
        );
        assert_eq!(label("ذهبت أمس إلى السوق واشتريت بعض الكتب من هناك."), "ar");
    }

    #[test]
    fn dutch_and_english_are_not_german() {
        assert_eq!(
            label("Gisteren ben ik naar de stad gegaan en heb ik mijn vrienden gezien."),
            "und(nl)"
        );
        assert_eq!(
            label("Yesterday I went to the city and saw my friends there."),
            "und(en)"
        );
        assert_eq!(
            label("Gestern bin ich in die Stadt gegangen und habe meine Freunde gesehen."),
            "de"
        );
    }

    #[test]
    fn unselected_target_is_und() {
        let d = Detector::new(&[Lang::De]).detect("Вчера я был в городе и видел там своих друзей.");
        assert_eq!((d.lang, d.other.as_deref()), (Lang::Und, Some("ru")));
    }

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");

    fn corpus_doc(prefix: &str) -> Option<String> {
        let dir = std::fs::read_dir(CORPUS).ok()?;
        let path = dir.flatten().map(|e| e.path()).find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })?;
        std::fs::read_to_string(path).ok()
    }

    #[test]
    fn bundled_documents() {
        if !std::path::Path::new(CORPUS).is_dir() {
            eprintln!("skip: {CORPUS} not found");
            return;
        }
        let d = Detector::new(&Lang::TARGETS);
        for (prefix, lang) in [
            ("000", Lang::Ar),
            ("001", Lang::De),
            ("002", Lang::Fa),
            ("003", Lang::Ru),
            ("004", Lang::Sl),
        ] {
            let text = corpus_doc(prefix).expect("bundled document");
            assert_eq!(d.detect(&text).lang, lang, "document {prefix}");
            let segs = d.segments(&text);
            assert_eq!(segs.first().map(|s| s.start), Some(0));
            assert_eq!(segs.last().map(|s| s.end), Some(text.len()));
            assert!(
                segs.windows(2).all(|w| w[0].end == w[1].start),
                "{prefix}: gaps"
            );
            if prefix != "004" {
                assert_eq!(segs.len(), 1, "{prefix}: {segs:?}");
            }
        }
    }

    #[test]
    fn slovak_footer_is_a_separate_und_segment() {
        let Some(text) = corpus_doc("004") else {
            eprintln!("skip: {CORPUS} not found");
            return;
        };
        let segs = Detector::new(&Lang::TARGETS).segments(&text);
        assert_eq!(segs.len(), 2, "{segs:#?}");
        assert_eq!(segs[0].detection.lang, Lang::Sl);
        assert_eq!(segs[1].detection.lang, Lang::Und);
        let footer = &text[segs[1].start..segs[1].end];
        assert!(footer.contains("Pridaj komentár"), "{footer}");
        assert!(!footer.contains("strank"), "{footer}");
    }

    #[test]
    fn brand_names_do_not_break_persian() {
        let text = "ما قدرت و عملکرد CRM را به چالش نمی کشیم.\n\niPhone\n\nشرکت پوشاک Crocs با تبلیغات بسیار اندک یک میلیارد دلار سرمایه گذاری کرده است.\n";
        let segs = Detector::new(&Lang::TARGETS).segments(text);
        assert_eq!(segs.len(), 1, "{segs:#?}");
        assert_eq!(segs[0].detection.lang, Lang::Fa);
    }

    fn rss_kb() -> Option<usize> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// Held by tests that allocate a lot (the dev evaluations), so that the
    /// memory test measures the model alone.
    pub(crate) static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn model_memory_is_small() {
        let _heavy = HEAVY.lock().unwrap_or_else(|e| e.into_inner());
        let Some(before) = rss_kb() else {
            eprintln!("skip: no /proc/self/status");
            return;
        };
        let m = Box::leak(Box::new(Model::build(model::Params::default())));
        let d = Detector {
            targets: Lang::TARGETS.to_vec(),
            model: m,
            id: next_detector_id(),
        };
        // The n-gram tables (`ngrams.rs`) are parsed with the model; their
        // rows stay in the binary's pages, resident once read.
        for (text, lang) in [
            ("Вчера я был в городе и видел там своих друзей.", Lang::Ru),
            (
                "Včeraj sem bil v mestu in sem tam videl prijatelje.",
                Lang::Sl,
            ),
            ("من دیروز به بازار رفتم و از آنجا چند کتاب خریدم.", Lang::Fa),
            // All ASCII: the table of text typed without diacritics.
            (
                "Vceraj sem bil v mestu in sem tam videl prijatelje.",
                Lang::Sl,
            ),
        ] {
            assert_eq!(d.detect(text).lang, lang);
            // Through the line cache of `segments` too, so it is counted.
            assert_eq!(d.segments(text)[0].detection.lang, lang);
        }
        // In a long run every page of the tables is read sooner or later.
        ngrams::touch_tables();
        let after = rss_kb().unwrap_or(before);
        // Other tests may have loaded the shared n-gram tables and this
        // thread's caches already: then count them by their sizes (a floor:
        // the model's own maps come on top).
        let rss = after.saturating_sub(before) as f64 / 1024.0;
        let mib = |b: usize| b as f64 / (1024.0 * 1024.0);
        let tables = mib(ngrams::table_bytes());
        let caches = mib(ngrams::cache_bytes() + m.memo_bytes() + segment::line_cache_bytes());
        let mb = rss.max(tables + caches);
        println!(
            "detector model resident memory: {rss:.2} MB (n-gram tables {tables:.2} MB, \
             per-thread caches {caches:.2} MB)"
        );
        assert!(mb < 20.0, "{mb} MB");
    }

    #[test]
    #[ignore]
    fn show_bundled_segments() {
        let d = Detector::new(&Lang::TARGETS);
        for p in ["000", "001", "002", "003", "004"] {
            let Some(text) = corpus_doc(p) else { return };
            let segs: Vec<String> = d
                .segments(&text)
                .iter()
                .map(|s| {
                    format!(
                        "{}..{} {} {:.2} {:?}",
                        s.start, s.end, s.detection.lang, s.detection.confidence, s.detection.other
                    )
                })
                .collect();
            println!("{p}: detect={} segments={segs:?}", d.detect(&text).lang);
        }
    }
}

#[cfg(test)]
mod bench {
    use super::*;

    /// Single-thread throughput of [`Detector::segments`] on a folder of
    /// documents (default `/tmp/bench50`, made by `shared/bench/generate.py`):
    /// `cargo test --release --lib segments_throughput -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn segments_throughput() {
        let dir = std::env::var("KORPUS_BENCH_DIR").unwrap_or_else(|_| "/tmp/bench50".into());
        let mut docs = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(&dir)];
        while let Some(p) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&p) else {
                continue;
            };
            for e in rd.flatten() {
                let path = e.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|x| x == "txt") {
                    if let Ok(t) = std::fs::read_to_string(&path) {
                        docs.push(t);
                    }
                }
            }
        }
        if docs.is_empty() {
            eprintln!("skip: no documents in {dir}");
            return;
        }
        docs.sort();
        let d = Detector::new(&Lang::TARGETS);
        let bytes: usize = docs.iter().map(|t| t.len()).sum();
        let t0 = std::time::Instant::now();
        let mut segs = Vec::with_capacity(docs.len());
        for t in &docs {
            segs.push(d.segments(t));
        }
        let s = t0.elapsed().as_secs_f64();
        // A fingerprint of every boundary and label, to tell a change that
        // only saves time from one that changes results.
        let mut h = blake3::Hasher::new();
        for seg in segs.iter().flatten() {
            h.update(
                format!("{} {} {}\n", seg.start, seg.end, seg.detection.lang.code()).as_bytes(),
            );
        }
        println!(
            "segments: {} docs, {:.1} MB, {} segments, {s:.2} s, {:.1} MB/s, labels {}",
            docs.len(),
            bytes as f64 / 1e6,
            segs.iter().map(Vec::len).sum::<usize>(),
            bytes as f64 / 1e6 / s,
            &h.finalize().to_hex()[..16]
        );
    }
}
