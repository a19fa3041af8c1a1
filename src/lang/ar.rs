//! Arabic analysis.
//!
//! Normalization (after Lucene's `ArabicNormalizer`): harakat U+064B–U+065F,
//! superscript alef U+0670 and tatweel U+0640 removed; أ إ آ ٱ → ا; ى → ي;
//! ة → ه; Arabic-Indic and Persian digits → ASCII. Stemming: Snowball Arabic
//! (rust-stemmers).

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::{push_lower_folded_digits, StopWords};
use crate::analysis::{Language, Stemmed};

/// Arabic rules.
pub struct Arabic;

const STOPWORDS: &str = "
في من على إلى الى عن مع هذا هذه ذلك تلك التي الذي الذين اللذين اللتين اللواتي هو هي هم هن أنا نحن أنت أنتم
كان كانت كانوا يكون تكون أن إن أنه إنه أنها لا لم لن ما ماذا لماذا كيف متى أين هل قد لقد كل بعض غير بين
حتى ثم أو أم بل لكن لكنه إذا اذا إذ عند عندما منذ خلال بعد قبل حول دون فوق تحت أي أيضا ايضا كما مثل
و ف ب ل ك يا ليس ليست هناك هنا فقط أكثر اكثر جدا التى الى عليه عليها فيه فيها منه منها به بها له لها
لهم لهن عنه عنها ذات وهو وهي وقد ولا وما ومن وفي وعلى وأن فإن فان إنما ضمن لدى لدي حيث وكان وكانت
";

fn normalize_char(c: char, out: &mut String) {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
        'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
        'ى' => out.push('ي'),
        'ة' => out.push('ه'),
        c => push_lower_folded_digits(c.encode_utf8(&mut [0; 4]), out),
    }
}

fn normalize(word: &str, out: &mut String) {
    for c in word.chars() {
        normalize_char(c, out);
    }
}

fn stopwords() -> &'static StopWords {
    static S: OnceLock<StopWords> = OnceLock::new();
    S.get_or_init(|| StopWords::new(STOPWORDS, normalize))
}

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::Arabic))
}

impl Language for Arabic {
    fn normalize(&self, word: &str, out: &mut String) {
        normalize(word, out)
    }
    fn is_stopword(&self, normalized: &str) -> bool {
        stopwords().contains(normalized)
    }
    fn stem<'a>(&self, normalized: &'a str) -> Stemmed<'a> {
        if normalized.chars().all(|c| c.is_ascii()) {
            return Stemmed::unchanged(normalized);
        }
        let term = stemmer().stem(normalized);
        let rule = if term != normalized {
            Some("snowball-arabic")
        } else {
            None
        };
        Stemmed { term, rule }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analyzer;
    use crate::lang::Lang;

    #[test]
    fn normalizes_and_stems_real_sentence() {
        let text = "قال 84٪ من المستجيبين أن علاقات العملاء هي جوهر عملهم";
        let toks = Analyzer::get(Lang::Ar).analyze(text);
        let terms: Vec<_> = toks
            .iter()
            .filter(|t| !t.stop)
            .map(|t| t.term.as_str())
            .collect();
        assert!(terms.contains(&"84"));
        let client = Analyzer::get(Lang::Ar).analyze("العميل");
        let clients = Analyzer::get(Lang::Ar).analyze("العملاء");
        assert!(!client[0].term.is_empty() && !clients[0].term.is_empty());
        assert!(toks.iter().any(|t| t.stop && t.normalized == "من"));
    }

    #[test]
    fn folds_digits_and_diacritics() {
        let toks = Analyzer::get(Lang::Ar).analyze("١٢٫٥ مُعَلِّم");
        assert_eq!(toks[0].term, "12.5");
        assert_eq!(toks[1].normalized, "معلم");
    }
}
