//! Slovenian analysis.
//!
//! Normalization: lowercase (č, š, ž kept). Stemming: none yet.

use std::sync::OnceLock;

use super::{push_lower_folded_digits, StopWords};
use crate::analysis::{Language, Stemmed};

/// Slovenian rules.
pub struct Slovenian;

const STOPWORDS: &str = "
a ali in je so sem si smo ste sta bi bil bila bilo bili bile biti bo bom boš bodo da do ga ji jih jo ju kaj
kako kar ki ko kot le me mi na naj ne nas ni nič o od pa po pod pri s se sebi sicer saj še tako tam tega
temu ti tisti to tudi v vse za z že iz med nad pred prek proti skozi zaradi brez ker toda vendar ampak če
njegov njena njen njihov on ona ono oni one mu njej nje njim njo jaz ti mi vi tudi lahko zelo tem ta te
";

fn normalize(word: &str, out: &mut String) {
    push_lower_folded_digits(word, out)
}

fn stopwords() -> &'static StopWords {
    static S: OnceLock<StopWords> = OnceLock::new();
    S.get_or_init(|| StopWords::new(STOPWORDS, normalize))
}

impl Language for Slovenian {
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
    fn keeps_diacritics_and_stops() {
        let toks = Analyzer::get(Lang::Sl).analyze("Če se dandanes kupec počuti");
        assert!(toks.iter().any(|t| t.normalized == "počuti"));
        assert!(toks[0].stop);
    }
}
