//! German analysis.
//!
//! Normalization: lowercase. Stemming: Snowball German (rust-stemmers).

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::{push_lower_folded_digits, StopWords};
use crate::analysis::{Language, Stemmed};

/// German rules.
pub struct German;

const STOPWORDS: &str = "
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anderm andern
auch auf aus bei bin bis bist da damit dann das dass daß dein deine dem den der des dessen deshalb die dies
diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines einig einige er es
etwas euer eure für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre
ihrem ihren ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt
kann kein keine keinem keinen keiner keines können könnte machen man manche mein meine mich mir mit muss
musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner sich sie sind so
solche soll sollte sondern sonst über um und uns unser unsere unter viel vom von vor während war waren warst
was weg weil weiter welche welchem welchen welcher welches wenn werde werden wie wieder will wir wird wirst
wo wollen wollte würde würden zu zum zur zwar zwischen
";

fn normalize(word: &str, out: &mut String) {
    push_lower_folded_digits(word, out)
}

fn stopwords() -> &'static StopWords {
    static S: OnceLock<StopWords> = OnceLock::new();
    S.get_or_init(|| StopWords::new(STOPWORDS, normalize))
}

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::German))
}

impl Language for German {
    fn normalize(&self, word: &str, out: &mut String) {
        normalize(word, out)
    }
    fn is_stopword(&self, normalized: &str) -> bool {
        stopwords().contains(normalized)
    }
    fn stem<'a>(&self, normalized: &'a str) -> Stemmed<'a> {
        let term = stemmer().stem(normalized);
        let rule = if term != normalized {
            Some("snowball-german")
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
    fn stems_inflected_nouns() {
        let a = Analyzer::get(Lang::De);
        assert_eq!(a.analyze("Kunden")[0].term, a.analyze("Kunde")[0].term);
        let toks = a.analyze(
            "Die Studie ergab, dass weibliche Unternehmer auf Kundenservice fokussiert sind.",
        );
        assert!(toks.iter().any(|t| t.stop && t.normalized == "dass"));
    }
}
