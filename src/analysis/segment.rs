//! Word and sentence segmentation shared by every language.
//!
//! Words follow Unicode word boundaries (UAX #29), which keep ZWNJ (U+200C)
//! and ZWJ inside words (they are `Extend` characters), keep Arabic decimal
//! and thousands separators inside numbers (`١٢٫٥`, `١٢٬٥٠٠`), and keep
//! apostrophes and periods inside words and numbers (`3.5`). A segment is a
//! word when it holds at least one letter or digit.

use unicode_segmentation::UnicodeSegmentation;

/// Byte ranges `(start, end)` of the words of `text`, in order.
///
/// Fast path: most whitespace-separated chunks are words of our scripts
/// (letters, digits, combining marks and ZWNJ) separated by punctuation that
/// UAX #29 never joins to a neighbour, such as brackets, quotes, hyphens and
/// slashes, maybe followed by a period or comma; there the words are taken
/// without running the segmenter. From the first spot of a chunk where that
/// does not hold (`3.5`, `e.g`, `don't`, `snake_case`, a letter of another
/// script, an emoji), the rest of the chunk is segmented by UAX #29, starting
/// right after the last word taken, or with the whitespace before the chunk
/// if none was (a word boundary always falls before ASCII whitespace, and a
/// word is taken only when no rule of UAX #29 can join it to what follows, so
/// the result is the same as segmenting the whole text; the tests check this
/// against the segmenter).
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    Words {
        text,
        pos: 0,
        cur: 0,
        cend: 0,
        restart: 0,
        fallback: None,
    }
}

/// Words by UAX #29 alone (what [`words`] must agree with).
pub fn words_uax29(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    text.split_word_bound_indices()
        .filter_map(|(start, w)| word_range(start, w))
}

struct Words<'a> {
    text: &'a str,
    /// Where the next chunk's search starts (the end of the current chunk).
    pos: usize,
    /// The rest of the current chunk, `cur..cend`, still to scan.
    cur: usize,
    cend: usize,
    /// Where the segmenter starts if the current chunk needs it.
    restart: usize,
    fallback: Option<(usize, unicode_segmentation::UWordBoundIndices<'a>)>,
}

/// What the fast path found in the rest of a chunk.
enum Scan {
    /// A word `start..end`; the scan goes on at `next`.
    Word(usize, usize, usize),
    /// No word is left in the chunk.
    Done,
    /// The segmenter must decide.
    Hard,
}

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        loop {
            if let Some((base, it)) = &mut self.fallback {
                for (s, w) in it.by_ref() {
                    if let Some((a, b)) = word_range(s, w) {
                        return Some((*base + a, *base + b));
                    }
                }
                self.fallback = None;
            }
            if self.cur < self.cend {
                match scan(self.text.as_bytes(), self.cur, self.cend) {
                    Scan::Word(s, e, next) => {
                        self.cur = next;
                        self.restart = next;
                        return Some((s, e));
                    }
                    Scan::Done => self.cur = self.cend,
                    Scan::Hard => {
                        let region = &self.text[self.restart..self.cend];
                        self.fallback = Some((self.restart, region.split_word_bound_indices()));
                        self.cur = self.cend;
                    }
                }
                continue;
            }
            let b = self.text.as_bytes();
            let sep_start = self.pos;
            let mut i = self.pos;
            while i < b.len() && is_ascii_space(b[i]) {
                i += 1;
            }
            if i >= b.len() {
                self.pos = i;
                return None;
            }
            let chunk_start = i;
            while i < b.len() && !is_ascii_space(b[i]) {
                i += 1;
            }
            self.pos = i;
            self.cur = chunk_start;
            self.cend = i;
            self.restart = sep_start;
        }
    }
}

fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// A segment is a word when it holds a letter or digit; joiners at its
/// edges are trimmed.
fn word_range(start: usize, w: &str) -> Option<(usize, usize)> {
    if !w.chars().any(crate::chars::is_alphanumeric) {
        return None;
    }
    let trimmed_start = w.len() - w.trim_start_matches(is_joiner).len();
    let inner = w.trim_matches(is_joiner);
    if inner.is_empty() {
        None
    } else {
        Some((start + trimmed_start, start + trimmed_start + inner.len()))
    }
}

/// How the fast path treats a character (its UAX #29 word-break property,
/// for the characters it knows).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    /// `ALetter`: basic and extended Latin, Cyrillic, Arabic-script letters.
    Letter,
    /// `Numeric`: ASCII, Arabic-Indic and extended Arabic-Indic digits.
    Digit,
    /// `Extend`: combining accents and Arabic harakat.
    Mark,
    /// ZWNJ (`Extend` too, but trimmed from a word's edges).
    Zwnj,
    /// `MidLetter`, `MidNum`, `MidNumLet`, `Single_Quote`: they join letters
    /// or digits on both sides into one word, and break anywhere else.
    Mid,
    /// Punctuation with no joining rule (`Other`): a boundary on both sides.
    Break,
    /// Anything else: the segmenter decides.
    Other,
}

/// [`class`] of the characters below U+0700, looked up.
static CLASSES: [Class; 0x700] = {
    let mut t = [Class::Other; 0x700];
    let mut u = 0;
    while u < 0x700 {
        t[u] = class(u as u32);
        u += 1;
    }
    t
};

const fn class(u: u32) -> Class {
    match u {
        0x41..=0x5A | 0x61..=0x7A => Class::Letter,
        0x30..=0x39 => Class::Digit,
        0x27 | 0x2C | 0x2E | 0x3A | 0x3B => Class::Mid,
        0x21..=0x26
        | 0x28..=0x2B
        | 0x2D
        | 0x2F
        | 0x3C..=0x40
        | 0x5B..=0x5E
        | 0x60
        | 0x7B..=0x7E => Class::Break,
        0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x17F => Class::Letter,
        0xAB | 0xBB => Class::Break,
        0xB7 => Class::Mid,
        0x300..=0x36F => Class::Mark,
        0x400..=0x481 | 0x48A..=0x52F => Class::Letter,
        0x620..=0x63F | 0x641..=0x64A | 0x671..=0x6D3 | 0x6D5 => Class::Letter,
        0x64B..=0x65F | 0x670 => Class::Mark,
        0x660..=0x669 | 0x6F0..=0x6F9 => Class::Digit,
        0x60C | 0x66C => Class::Mid,
        0x61B | 0x61F => Class::Break,
        0x200C => Class::Zwnj,
        0x2013 | 0x2014 | 0x201C..=0x201E | 0x2026 => Class::Break,
        0x2018 | 0x2019 => Class::Mid,
        _ => Class::Other,
    }
}

/// The class and length of the character at byte `i` of `b`, the bytes of a
/// `str`, `i` a char boundary.
#[inline]
fn class_at(b: &[u8], i: usize) -> (Class, usize) {
    let x = b[i] as u32;
    if x < 0x80 {
        return (CLASSES[x as usize], 1);
    }
    let cont = |k: usize| (b[i + k] & 0x3F) as u32;
    if x < 0xE0 {
        // Two-byte characters are below U+0800; the table ends at U+0700.
        let u = (x & 0x1F) << 6 | cont(1);
        (CLASSES.get(u as usize).copied().unwrap_or(Class::Other), 2)
    } else if x < 0xF0 {
        (class((x & 0x0F) << 12 | cont(1) << 6 | cont(2)), 3)
    } else {
        (Class::Other, 4)
    }
}

/// Scan the chunk bytes `from..end` for the next word (see [`words`]).
fn scan(b: &[u8], from: usize, end: usize) -> Scan {
    let mut i = from;
    // Punctuation before the word. Whatever precedes `from` was checked not
    // to join what follows.
    loop {
        if i >= end {
            return Scan::Done;
        }
        let (c, n) = class_at(b, i);
        match c {
            Class::Break | Class::Mid => i += n,
            Class::Letter | Class::Digit => break,
            _ => return Scan::Hard,
        }
    }
    let start = i;
    // Letters, digits and marks; ZWNJ at the end is trimmed.
    let mut word_end = i;
    while i < end {
        let (c, n) = class_at(b, i);
        match c {
            Class::Letter | Class::Digit => {
                i += n;
                word_end = i;
            }
            Class::Mark => {
                i += n;
                word_end = i;
            }
            Class::Zwnj => i += n,
            _ => break,
        }
    }
    // What follows must break: the chunk's end, a `Break`, or a `Mid` that
    // is not followed by a letter, digit, mark or other character.
    if i < end {
        let (c, n) = class_at(b, i);
        match c {
            Class::Break => {}
            Class::Mid => {
                if i + n < end && !matches!(class_at(b, i + n).0, Class::Break | Class::Mid) {
                    return Scan::Hard;
                }
            }
            _ => return Scan::Hard,
        }
    }
    Scan::Word(start, word_end, i)
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200c}' | '\u{200d}' | '\u{200b}' | '\u{feff}')
}

/// Whether the text between two words ends a sentence: terminal punctuation
/// of any of our scripts (`. ! ? … ؟ ۔`) or a line break.
pub fn has_sentence_break(gap: &str) -> bool {
    gap.chars()
        .any(|c| matches!(c, '.' | '!' | '?' | '…' | '؟' | '۔' | '\n' | '\u{2029}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(text: &str) -> Vec<&str> {
        words(text).map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn persian_zwnj_stays_inside_words() {
        assert_eq!(ws("می‌روم به خانه‌ها"), vec!["می‌روم", "به", "خانه‌ها"]);
    }

    #[test]
    fn arabic_numbers_stay_whole() {
        assert_eq!(
            ws("قال ٨٤٪ من ١٢٫٥ و ١٢٬٥٠٠"),
            vec!["قال", "٨٤", "من", "١٢٫٥", "و", "١٢٬٥٠٠"]
        );
    }

    #[test]
    fn punctuation_is_not_a_word() {
        assert_eq!(
            ws("Kunden, (Service) – 37 %"),
            vec!["Kunden", "Service", "37"]
        );
    }

    fn uax(text: &str) -> Vec<(usize, usize)> {
        words_uax29(text).collect()
    }

    #[test]
    fn fast_path_agrees_with_uax29_on_the_corpus() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        for e in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            assert_eq!(words(&text).collect::<Vec<_>>(), uax(&text));
        }
    }

    #[test]
    fn fast_path_agrees_with_uax29_for_every_known_character() {
        let mut text = String::new();
        let mut known = 0;
        for u in 0..0x2100u32 {
            let Some(c) = char::from_u32(u) else { continue };
            if class(u) == Class::Other {
                continue;
            }
            known += 1;
            for t in [
                format!("{c}"),
                format!("{c}{c}"),
                format!("a{c}b"),
                format!("a{c}"),
                format!("{c}b"),
                format!("1{c}2"),
                format!("({c}{c}), "),
                format!("{c}.{c} "),
                format!("\u{200c}{c}"),
                format!("{c}\u{200c}"),
                format!("ب\u{200c}{c}ب"),
                format!("{c}\u{64b}"),
                format!("-{c}\u{301}"),
                format!("1{c}"),
                format!("{c}'{c}"),
                format!("a-{c}.b"),
                format!("x{c}_y"),
                format!("x.{c}\u{5d0}"),
            ] {
                assert_eq!(words(&t).collect::<Vec<_>>(), uax(&t), "{t:?}");
                text.push_str(&t);
                text.push(' ');
            }
        }
        assert!(known > 700, "{known}");
        assert_eq!(words(&text).collect::<Vec<_>>(), uax(&text));
    }

    /// Many short random strings over the characters the fast path knows,
    /// their neighbours, and some it does not know.
    #[test]
    fn fast_path_agrees_with_uax29_on_random_strings() {
        let alphabet: Vec<char> = "aZäßčžЁёжіب ی پ ة ک ٠۵9 .,;:'’‘·،٬ -–—/()«»„“”\"!?…؛؟#*_@\u{200c}\u{200d}\u{64b}\u{670}\u{301}\u{640}\u{66b}\u{5d0}😀\u{fe0f}\u{a0}\t\n"
            .chars()
            .collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut t = String::new();
        for _ in 0..200_000 {
            t.clear();
            for _ in 0..(next() % 12) {
                t.push(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            assert_eq!(words(&t).collect::<Vec<_>>(), uax(&t), "{t:?}");
        }
    }

    /// `KORPUS_SEGMENT_DIR=/tmp/bench5 cargo test --release --lib
    /// fast_path_agrees_on_a_folder -- --ignored`: every text file below.
    #[test]
    #[ignore = "needs KORPUS_SEGMENT_DIR"]
    fn fast_path_agrees_on_a_folder() {
        let Ok(dir) = std::env::var("KORPUS_SEGMENT_DIR") else {
            eprintln!("skipped: KORPUS_SEGMENT_DIR not set");
            return;
        };
        let mut n = 0;
        for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
            let Ok(bytes) = std::fs::read(e.path()) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            assert_eq!(
                words(&text).collect::<Vec<_>>(),
                uax(&text),
                "{}",
                e.path().display()
            );
            n += 1;
        }
        eprintln!("{n} files agree");
    }

    proptest::proptest! {
        #[test]
        fn fast_path_agrees_with_uax29(
            s in r#"[a-zA-ZäöüßčšžćđЁёа-яА-Яіїєґ\u0600-\u06FF\u200c\u200d\u00a0 \t\n\r0-9٠-٩۰-۹.,;:!?'"()«»„“”‘’·،؛؟…–—\-_/@#%&*+=\u0301\u064b\u05d0]{0,40}"#
        ) {
            proptest::prop_assert_eq!(words(&s).collect::<Vec<_>>(), uax(&s));
        }
    }

    #[test]
    fn sentence_breaks() {
        assert!(has_sentence_break(". "));
        assert!(has_sentence_break(" ؟ "));
        assert!(has_sentence_break("\n"));
        assert!(!has_sentence_break(", "));
    }
}
