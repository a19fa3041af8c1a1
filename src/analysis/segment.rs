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
/// Fast path: most whitespace-separated chunks are letters of our scripts,
/// maybe with quotes or brackets before and punctuation after; UAX #29 puts
/// exactly the letters in one word there, so they are taken without running
/// the segmenter. Any other chunk is segmented by UAX #29 together with the
/// whitespace before it (a word boundary always falls before ASCII
/// whitespace, so the result is the same as segmenting the whole text; the
/// tests check this against the segmenter).
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    Words {
        text,
        pos: 0,
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
    pos: usize,
    fallback: Option<(usize, unicode_segmentation::UWordBoundIndices<'a>)>,
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
            if let Some((s, e)) = simple_word(&self.text[chunk_start..i]) {
                return Some((chunk_start + s, chunk_start + e));
            }
            let region = &self.text[sep_start..i];
            self.fallback = Some((sep_start, region.split_word_bound_indices()));
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

/// Letters that UAX #29 classes as `ALetter` (not `Extend`/`Format`): basic
/// and extended Latin, Cyrillic, Arabic-script letters.
fn is_simple_letter(c: char) -> bool {
    matches!(c as u32,
        0x41..=0x5A | 0x61..=0x7A
        | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x17F
        | 0x400..=0x481 | 0x48A..=0x52F
        | 0x620..=0x63F | 0x641..=0x64A | 0x671..=0x6D3 | 0x6D5)
}

/// Punctuation that UAX #29 never joins to a neighbouring letter when it
/// opens or closes a chunk.
fn is_open_punct(c: char) -> bool {
    matches!(c, '(' | '[' | '"' | '«' | '„' | '“')
}

fn is_close_punct(c: char) -> bool {
    matches!(
        c,
        ',' | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | ')'
            | ']'
            | '"'
            | '»'
            | '“'
            | '”'
            | '،'
            | '؛'
            | '؟'
            | '…'
    )
}

/// The letters of a chunk `open* letter+ close*`, or `None` for any other
/// chunk.
fn simple_word(chunk: &str) -> Option<(usize, usize)> {
    let mut start = None;
    let mut end = 0;
    for (i, c) in chunk.char_indices() {
        if is_simple_letter(c) {
            if end > 0 && end != i {
                return None; // letters after closing punctuation
            }
            start.get_or_insert(i);
            end = i + c.len_utf8();
        } else if !((start.is_none() && is_open_punct(c)) || (start.is_some() && is_close_punct(c)))
        {
            // Only opening punctuation before the word and closing after it.
            return None;
        }
    }
    start.map(|s| (s, end))
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
    fn fast_path_agrees_with_uax29_for_every_simple_letter() {
        let mut text = String::new();
        for u in 0..0x700u32 {
            let Some(c) = char::from_u32(u) else { continue };
            if is_simple_letter(c) || is_open_punct(c) || is_close_punct(c) {
                for t in [
                    format!("{c}"),
                    format!("{c}{c}"),
                    format!("a{c}b"),
                    format!("({c}{c}), "),
                    format!("{c}.{c} "),
                    format!("\u{200c}{c}"),
                    format!("{c}\u{64b}"),
                    format!("1{c}"),
                    format!("{c}'{c}"),
                ] {
                    assert_eq!(words(&t).collect::<Vec<_>>(), uax(&t), "{t:?}");
                    text.push_str(&t);
                    text.push(' ');
                }
            }
        }
        assert_eq!(words(&text).collect::<Vec<_>>(), uax(&text));
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
            s in r#"[a-zA-ZäöüßčšžćđЁёа-яА-Яіїєґ\u0600-\u06FF\u200c\u200d\u00a0 \t\n\r0-9٠-٩۰-۹.,;:!?'"()«»„“”،؛؟…\-_/@#%&*+=\u0301\u064b]{0,40}"#
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
