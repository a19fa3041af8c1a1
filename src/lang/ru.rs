//! Russian analysis.
//!
//! * **Normalization**: lowercase, ё → е and combining stress marks removed
//!   (before stopwords and stemming, so `её`/`ее`, `ёлка`/`елка` are one word;
//!   rust-stemmers 1.2 predates Snowball's own ё folding).
//! * **Stopwords**: the Snowball Russian list (BSD), ё-folded like the text.
//! * **Stemming**: Snowball Russian (rust-stemmers), rule `ru:snowball`.

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::{push_lower_folded_digits, StopWords};
use crate::analysis::{Language, Stemmed};

/// Russian rules.
pub struct Russian;

const STOPWORDS: &str = "
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от
меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж
вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без
будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один
почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после
над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед
иногда лучше чуть том нельзя такой им более всегда конечно всю между это также являются является
";

fn normalize(word: &str, out: &mut String) {
    for c in word.chars() {
        match c {
            'ё' | 'Ё' => out.push('е'),
            '\u{0301}' => {} // combining acute (stress mark)
            c => push_lower_folded_digits(c.encode_utf8(&mut [0; 4]), out),
        }
    }
}

fn stopwords() -> &'static StopWords {
    static S: OnceLock<StopWords> = OnceLock::new();
    S.get_or_init(|| StopWords::new(STOPWORDS, normalize))
}

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::Russian))
}

impl Language for Russian {
    fn normalize(&self, word: &str, out: &mut String) {
        normalize(word, out)
    }
    fn is_stopword(&self, normalized: &str) -> bool {
        stopwords().contains(normalized)
    }
    fn stem<'a>(&self, normalized: &'a str) -> Stemmed<'a> {
        let term = stemmer().stem(normalized);
        let rule = if term != normalized {
            Some("ru:snowball")
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
    fn folds_yo_and_stems_inflections() {
        let a = Analyzer::get(Lang::Ru);
        assert_eq!(a.analyze("ёлка")[0].term, a.analyze("елки")[0].term);
        assert_eq!(a.analyze("клиентами")[0].term, a.analyze("клиент")[0].term);
        let toks = a.analyze("Этапы взаимодействия бизнеса с клиентами");
        assert!(toks.iter().any(|t| t.stop && t.normalized == "с"));
    }

    crate::lang::analyzer_properties!(Lang::Ru, super::normalize, "[а-яА-ЯёЁ]");
}
