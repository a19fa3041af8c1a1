//! Word and sentence segmentation shared by every language.
//!
//! Words follow Unicode word boundaries (UAX #29), which keep ZWNJ (U+200C)
//! and ZWJ inside words (they are `Extend` characters), keep Arabic decimal
//! and thousands separators inside numbers (`١٢٫٥`, `١٢٬٥٠٠`), and keep
//! apostrophes and periods inside words and numbers (`3.5`). A segment is a
//! word when it holds at least one letter or digit.

use unicode_segmentation::UnicodeSegmentation;

/// Byte ranges `(start, end)` of the words of `text`, in order.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    text.split_word_bound_indices().filter_map(|(start, w)| {
        if w.chars().any(crate::chars::is_alphanumeric) {
            // Trim joiners at the edges: they belong to no word.
            let trimmed_start = w.len() - w.trim_start_matches(is_joiner).len();
            let inner = w.trim_matches(is_joiner);
            if inner.is_empty() {
                None
            } else {
                Some((start + trimmed_start, start + trimmed_start + inner.len()))
            }
        } else {
            None
        }
    })
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

    #[test]
    fn sentence_breaks() {
        assert!(has_sentence_break(". "));
        assert!(has_sentence_break(" ؟ "));
        assert!(has_sentence_break("\n"));
        assert!(!has_sentence_break(", "));
    }
}
