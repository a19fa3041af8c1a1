//! Persian analysis.
//!
//! Normalization: Arabic ي ى → ی, ك → ک, ۀ ة ہ → ه; harakat, tatweel, ZWJ and
//! hamza above (U+0654) removed; digits → ASCII; ZWNJ kept inside words.
//! Stemming: none yet (normalization and stopwords only).

use std::sync::OnceLock;

use super::{push_lower_folded_digits, StopWords};
use crate::analysis::{Language, Stemmed};

/// Persian rules.
pub struct Persian;

const STOPWORDS: &str = "
و در به از که این آن را با است برای تا یک هم بر می نمی شود شد بود باشد کرد کند کنند کرده خود ما من تو او
آنها ایشان شما ها های یا اما اگر نیز هر چه چون پس بی همه وی دیگر چند هیچ همین همان بین روی زیر پیش
بعد قبل نه ولی زیرا وجود دارد دارند داشت است،  هست نیست بودن شده شدن کردن کنیم کنید توان باید
";

fn normalize(word: &str, out: &mut String) {
    for c in word.chars() {
        match c {
            'ي' | 'ى' => out.push('ی'),
            'ك' => out.push('ک'),
            'ۀ' | 'ة' | 'ہ' => out.push('ه'),
            'أ' | 'إ' | 'ٱ' => out.push('ا'),
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{200D}' => {}
            c => push_lower_folded_digits(c.encode_utf8(&mut [0; 4]), out),
        }
    }
}

fn stopwords() -> &'static StopWords {
    static S: OnceLock<StopWords> = OnceLock::new();
    S.get_or_init(|| StopWords::new(STOPWORDS, normalize))
}

impl Language for Persian {
    fn normalize(&self, word: &str, out: &mut String) {
        normalize(word, out)
    }
    fn is_stopword(&self, normalized: &str) -> bool {
        stopwords().contains(normalized)
    }
    fn stem<'a>(&self, normalized: &'a str) -> Stemmed<'a> {
        Stemmed::unchanged(normalized)
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analyzer;
    use crate::lang::Lang;

    #[test]
    fn unifies_arabic_letter_forms_and_keeps_zwnj() {
        let a = Analyzer::get(Lang::Fa);
        assert_eq!(a.analyze("مشتري")[0].term, a.analyze("مشتری")[0].term);
        assert_eq!(a.analyze("سازمان‌ها")[0].normalized, "سازمان\u{200c}ها");
        assert_eq!(a.analyze("۸۰ درصد")[0].term, "80");
    }
}
