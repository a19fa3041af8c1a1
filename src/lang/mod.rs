//! The closed set of languages korpus analyzes, and one file per language.
//!
//! `Lang` is an enum with an exhaustive `match` everywhere it is used, so adding
//! a language makes the compiler list every place to update. `Und` labels text
//! that is in none of the target languages (or too short to tell): such text is
//! still indexed, with a language-neutral analyzer.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub mod ar;
pub mod de;
pub mod fa;
pub mod ru;
pub mod sl;

/// A language korpus knows how to analyze, or `Und` for undetermined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Arabic
    Ar,
    /// German
    De,
    /// Persian (Farsi)
    Fa,
    /// Russian
    Ru,
    /// Slovenian
    Sl,
    /// Undetermined: none of the targets, or not enough evidence.
    Und,
}

impl Lang {
    /// The five target languages, in code order.
    pub const TARGETS: [Lang; 5] = [Lang::Ar, Lang::De, Lang::Fa, Lang::Ru, Lang::Sl];
    /// Every language label, including `Und`.
    pub const ALL: [Lang; 6] = [Lang::Ar, Lang::De, Lang::Fa, Lang::Ru, Lang::Sl, Lang::Und];

    /// ISO 639-1 code (`und` for undetermined).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::De => "de",
            Lang::Fa => "fa",
            Lang::Ru => "ru",
            Lang::Sl => "sl",
            Lang::Und => "und",
        }
    }

    /// English name, for human output.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Ar => "Arabic",
            Lang::De => "German",
            Lang::Fa => "Persian",
            Lang::Ru => "Russian",
            Lang::Sl => "Slovenian",
            Lang::Und => "undetermined",
        }
    }

    /// The whatlang language for a target (None for `Und`).
    pub fn whatlang(self) -> Option<whatlang::Lang> {
        match self {
            Lang::Ar => Some(whatlang::Lang::Ara),
            Lang::De => Some(whatlang::Lang::Deu),
            Lang::Fa => Some(whatlang::Lang::Pes),
            Lang::Ru => Some(whatlang::Lang::Rus),
            Lang::Sl => Some(whatlang::Lang::Slv),
            Lang::Und => None,
        }
    }

    /// The target language for a whatlang language, if it is one.
    pub fn from_whatlang(l: whatlang::Lang) -> Option<Lang> {
        match l {
            whatlang::Lang::Ara => Some(Lang::Ar),
            whatlang::Lang::Deu => Some(Lang::De),
            whatlang::Lang::Pes => Some(Lang::Fa),
            whatlang::Lang::Rus => Some(Lang::Ru),
            whatlang::Lang::Slv => Some(Lang::Sl),
            _ => None,
        }
    }

    /// Name of the tantivy analyzer registered for this language.
    pub fn analyzer_name(self) -> &'static str {
        match self {
            Lang::Ar => "korpus_ar",
            Lang::De => "korpus_de",
            Lang::Fa => "korpus_fa",
            Lang::Ru => "korpus_ru",
            Lang::Sl => "korpus_sl",
            Lang::Und => "korpus_und",
        }
    }

    /// Parse a comma-separated list such as `ar,de,fa`.
    pub fn parse_list(s: &str) -> Result<Vec<Lang>, UnknownLang> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let l: Lang = part.parse()?;
            if !out.contains(&l) {
                out.push(l);
            }
        }
        out.sort();
        Ok(out)
    }
}

/// Error for a language code korpus does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language '{0}' (expected one of: ar, de, fa, ru, sl, und)")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ar" | "ara" | "arabic" => Ok(Lang::Ar),
            "de" | "deu" | "ger" | "german" => Ok(Lang::De),
            "fa" | "fas" | "per" | "pes" | "persian" | "farsi" => Ok(Lang::Fa),
            "ru" | "rus" | "russian" => Ok(Lang::Ru),
            "sl" | "slv" | "slovenian" | "slovene" => Ok(Lang::Sl),
            "und" => Ok(Lang::Und),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Property tests every language shares, expanded in each language's test
/// module: analysis never panics and its offsets fall on char boundaries, on
/// any text and on the language's own letters; normalization is idempotent.
#[cfg(test)]
macro_rules! analyzer_properties {
    ($lang:expr, $normalize:path, $letters:literal) => {
        fn normalize_twice(s: &str) -> (String, String) {
            let mut a = String::new();
            $normalize(s, &mut a);
            let mut b = String::new();
            $normalize(&a, &mut b);
            (a, b)
        }

        fn offsets_on_boundaries(s: &str) -> bool {
            $crate::analysis::Analyzer::get($lang)
                .analyze(s)
                .iter()
                .all(|t| s.is_char_boundary(t.start) && s.is_char_boundary(t.end))
        }

        proptest::proptest! {
            #[test]
            fn never_panics_offsets_on_boundaries(s in "\\PC{0,40}") {
                proptest::prop_assert!(offsets_on_boundaries(&s));
            }

            #[test]
            fn never_panics_own_letters(s in concat!("(", $letters, "| ){0,30}")) {
                proptest::prop_assert!(offsets_on_boundaries(&s));
            }

            #[test]
            fn normalize_idempotent(s in concat!($letters, "{0,12}")) {
                let (a, b) = normalize_twice(&s);
                proptest::prop_assert_eq!(a, b);
            }

            #[test]
            fn normalize_idempotent_any(s in "\\PC{0,12}") {
                let (a, b) = normalize_twice(&s);
                proptest::prop_assert_eq!(a, b);
            }
        }
    };
}
#[cfg(test)]
pub(crate) use analyzer_properties;

#[cfg(test)]
mod lower_tests {
    #[test]
    fn lower_fast_agrees_with_std() {
        for u in 0..0x800u32 {
            let Some(c) = char::from_u32(u) else { continue };
            if let Some(l) = super::lower_fast(c) {
                assert_eq!(c.to_lowercase().collect::<String>(), l.to_string(), "{u:x}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for l in Lang::ALL {
            assert_eq!(l.code().parse::<Lang>().unwrap(), l);
        }
    }

    #[test]
    fn parse_list_dedups_and_rejects_unknown() {
        assert_eq!(
            Lang::parse_list("sl,de,sl").unwrap(),
            vec![Lang::De, Lang::Sl]
        );
        assert!(Lang::parse_list("de,xx").is_err());
    }
}

/// Map Arabic-Indic (U+0660–0669) and Persian (U+06F0–06F9) digits to ASCII.
pub fn fold_digit(c: char) -> char {
    match c {
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        _ => c,
    }
}

/// Lowercase a word and fold Arabic-Indic/Persian digits and separators to
/// ASCII (`١٢٫٥` → `12.5`, `١٢٬٥٠٠` → `12500`), appending to `out`.
pub fn push_lower_folded_digits(word: &str, out: &mut String) {
    for c in word.chars() {
        match c {
            '\u{066B}' => out.push('.'), // Arabic decimal separator
            '\u{066C}' => {}             // Arabic thousands separator
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => {
                let d = fold_digit(c);
                if d != c {
                    out.push(d);
                } else if let Some(l) = lower_fast(c) {
                    out.push(l);
                } else {
                    out.extend(c.to_lowercase());
                }
            }
        }
    }
}

/// `c.to_lowercase()` for the blocks of our scripts where it is one char and
/// simple arithmetic (Arabic has no case); `None` elsewhere (ask std).
#[inline]
fn lower_fast(c: char) -> Option<char> {
    let u = c as u32;
    match u {
        0x600..=0x6FF | 0x430..=0x45F | 0xDF..=0xFF => Some(c),
        0x410..=0x42F => char::from_u32(u + 0x20),
        0x400..=0x40F => char::from_u32(u + 0x50),
        0xC0..=0xDE if u != 0xD7 => char::from_u32(u + 0x20),
        _ => None,
    }
}

/// Whether `c` is an Arabic presentation form (Presentation Forms-A
/// U+FB50–U+FDFF, -B U+FE70–U+FEFF): contextual glyphs (`ﺍﻟﺴﻼﻡ`) and
/// ligatures (`ﻻ`) that old encoders, PDF extraction and some keyboards emit
/// instead of the letters.
pub fn is_arabic_presentation_form(c: char) -> bool {
    matches!(c, '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Fold Arabic presentation forms to the letters they show (NFKC of those
/// characters only, so nothing else in the word changes), for the Arabic and
/// Persian normalizers: a word typed in presentation forms must get the term
/// of the same word in letters. The isolated haraka forms (U+FE70…) decompose
/// to a space + haraka; the space is an artefact of the compatibility mapping
/// and is dropped. The two phrase ligatures (ﷺ, ﷻ: several words) are left as
/// they are: one symbol, not one word. Borrowed when there is nothing to fold.
pub fn fold_presentation_forms(word: &str) -> Cow<'_, str> {
    if !word.chars().any(is_arabic_presentation_form) {
        return Cow::Borrowed(word);
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match fold_presentation_char(c) {
            Some(f) => out.push_str(&f),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The letters an Arabic presentation form shows (see
/// [`fold_presentation_forms`]); None for any other character, for U+FEFF
/// and for the phrase ligatures, which stay as they are.
pub fn fold_presentation_char(c: char) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    if !is_arabic_presentation_form(c) {
        return None;
    }
    let d: String = std::iter::once(c).nfkc().collect();
    if d.trim_start_matches(' ').contains(' ') {
        return None;
    }
    let f: String = d.chars().filter(|&x| x != ' ').collect();
    (f != c.to_string() && !f.is_empty()).then_some(f)
}

/// A stopword list of normalized words, in a hash set (Fx hash: a lookup per
/// token is one hash and at most one comparison).
pub struct StopWords(rustc_hash::FxHashSet<Box<str>>);

impl StopWords {
    /// Build from raw words, normalizing each with the language's normalizer
    /// (published lists mix letter forms; the text is normalized the same way).
    pub fn new(words: &str, normalize: impl Fn(&str, &mut String)) -> Self {
        StopWords(
            words
                .split_whitespace()
                .map(|w| {
                    let mut s = String::new();
                    normalize(w, &mut s);
                    s.into_boxed_str()
                })
                .filter(|s| !s.is_empty())
                .collect(),
        )
    }

    /// Whether a normalized word is in the list.
    pub fn contains(&self, w: &str) -> bool {
        self.0.contains(w)
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
