//! German analysis.
//!
//! **Normalization** (index and query side alike): lowercase, then Lucene's
//! `GermanNormalizationFilter` (the German2 heuristics): ß → ss; ä ö ü → a o u;
//! `ae` `oe` → a o; `ue` → u unless after a vowel or q (`blaue`, `queue` keep
//! it). So `Müller`, `Mueller` and `Muller` are one word, as are `Straße` and
//! `Strasse`. Lucene's filter is one left-to-right pass, which is not idempotent
//! (`müe` → `mue` → `mu`); we run it to a fixpoint, so normalization is.
//!
//! **Stopwords**: the Snowball German list (BSD) and the informal function
//! words of [`INFORMAL`], normalized the same way.
//!
//! **Stemming**: Savoy's light stemmer as in Lucene `GermanLightStemmer`
//! (step 1: -ern, -em/-en/-er/-es, -e, -s after b d f g h k l m n t; step 2:
//! -est, -er/-en, -st after b d f g h k l m n t), plus the feminine plural
//! -innen → -in (`Kundinnen` = `Kundin`; Lucene gives `kundinn`/`kundin`):
//! inflection only, no derivation. Rules are named `de:step1-en`, `de:step2-st`, ….
//!
//! **Compounds** (`extra_terms`): a word is split into modifier + head when
//! both are in a small built-in list of frequent noun stems (customer service,
//! commerce, administration), allowing the linking elements -s -es -n -en -e
//! (-er) between them, and each part ≥ 3 letters. The stems of both parts are
//! indexed at the word's position: `Kundenservice` → `kund`, `servic`;
//! `Lieferzeit` → `lieferung`, `zeit` (verbal modifiers are indexed as their
//! -ung noun, so `Lieferzeit` is found by `Lieferung`). No dictionary download.

use std::borrow::Cow;
use std::sync::OnceLock;

use super::{push_lower_folded_digits, StopWords};
use crate::analysis::{Language, Stemmed};

/// German rules.
pub struct German;

/// Snowball German stopword list (snowballstem.org, BSD licence).
const STOPWORDS: &str = "
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anderm andern
anders auch auf aus bei bin bis bist da damit dann der den des dem die das daß dass derselbe derselben
denselben desselben demselben dieselbe dieselben dasselbe dazu dein deine deinem deinen deiner deines denn
derer dessen dich dir du dies diese diesem diesen dieser dieses doch dort durch ein eine einem einen einer
eines einig einige einigem einigen einiger einiges einmal er ihn ihm es etwas euer eure eurem euren eurer
eures für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich mich mir ihr ihre ihrem ihren
ihrer ihres euch im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann
kein keine keinem keinen keiner keines können könnte machen man manche manchem manchen mancher manches mein
meine meinem meinen meiner meines mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein
seine seinem seinen seiner seines selbst sich sie ihnen sind so solche solchem solchen solcher solches soll
sollte sondern sonst über um und uns unsere unserem unseren unser unseres unter viel vom von vor während war
waren warst was weg weil weiter welche welchem welchen welcher welches wenn werde werden wie wieder will wir
wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen
";

/// Function words of informal German, seen among the top terms of real
/// feedback (hotel and shop reviews, posts), by class (after the word classes
/// of a reference grammar): modal particles (mal, schon, ja, halt, eben, eh,
/// wohl, bloß, eigentlich, echt), conjunctive adverbs (jedoch, allerdings,
/// dennoch, trotzdem, deshalb, daher, dabei, zudem, außerdem), degree words
/// (ganz, recht, ziemlich, wirklich, eher, mehr, etwas, bisschen),
/// preposition-article contractions (beim, ans, aufs, ums, übers), the
/// existential light verb geben (es gibt, es gab), auxiliary and modal forms
/// the Snowball list lacks (sei, wäre, hätte, wurde, worden, konnte, müssen,
/// darf, möchte), and chat abbreviations (lg, bzw, usw, zb, ca, evtl, ggf,
/// mfg, vg, u).
const INFORMAL: &str = "
mal schon ja halt eben eh wohl bloß eigentlich echt nunmal naja na ne
jedoch allerdings dennoch trotzdem deshalb daher dabei zudem außerdem sowie sowohl
ganz recht ziemlich wirklich eher mehr bisschen
beim ans aufs ums übers
gibt gibts gab gäbe
sei wäre wären hätte hätten wurde wurden worden konnte konnten müssen musst darf dürfen möchte möchten mag
lg bzw usw zb ca evtl ggf mfg vg u
";

/// The GermanNormalizationFilter pass (one left-to-right pass).
fn german_pass(input: &str, out: &mut String) {
    #[derive(PartialEq)]
    enum S {
        N,
        V,
        U,
    }
    let mut state = S::N;
    for c in input.chars() {
        match c {
            'a' | 'o' => {
                out.push(c);
                state = S::U;
            }
            'u' => {
                out.push(c);
                state = if state == S::N { S::U } else { S::V };
            }
            'e' => {
                if state != S::U {
                    out.push('e');
                }
                state = S::V;
            }
            'i' | 'q' | 'y' => {
                out.push(c);
                state = S::V;
            }
            'ä' => {
                out.push('a');
                state = S::V;
            }
            'ö' => {
                out.push('o');
                state = S::V;
            }
            'ü' => {
                out.push('u');
                state = S::V;
            }
            'ß' => {
                out.push_str("ss");
                state = S::N;
            }
            c => {
                out.push(c);
                state = S::N;
            }
        }
    }
}

fn normalize(word: &str, out: &mut String) {
    let mut cur = String::with_capacity(word.len());
    push_lower_folded_digits(word, &mut cur);
    loop {
        let mut next = String::with_capacity(cur.len());
        german_pass(&cur, &mut next);
        if next == cur {
            break;
        }
        cur = next;
    }
    out.push_str(&cur);
}

fn stopwords() -> &'static StopWords {
    static S: OnceLock<StopWords> = OnceLock::new();
    S.get_or_init(|| StopWords::new(&format!("{STOPWORDS} {INFORMAL}"), normalize))
}

fn st_ending(c: char) -> bool {
    matches!(c, 'b' | 'd' | 'f' | 'g' | 'h' | 'k' | 'l' | 'm' | 'n' | 't')
}

/// GermanLightStemmer (Lucene), on a char vector; returns the new length and rule.
fn light(s: &[char]) -> (usize, Option<&'static str>) {
    let mut len = s.len();
    let mut rule = None;
    let ends = |len: usize, suf: &str| {
        let n = suf.chars().count();
        len >= n && s[len - n..len].iter().copied().eq(suf.chars())
    };
    // step 1
    if len > 5 && ends(len, "ern") {
        len -= 3;
        rule = Some("de:step1-ern");
    } else if len > 4 && s[len - 2] == 'e' && matches!(s[len - 1], 'm' | 'n' | 'r' | 's') {
        len -= 2;
        rule = Some(match s[len + 1] {
            'm' => "de:step1-em",
            'n' => "de:step1-en",
            'r' => "de:step1-er",
            _ => "de:step1-es",
        });
    } else if len > 3 && s[len - 1] == 'e' {
        len -= 1;
        rule = Some("de:step1-e");
    } else if len > 3 && s[len - 1] == 's' && st_ending(s[len - 2]) {
        len -= 1;
        rule = Some("de:step1-s");
    }
    // step 2
    if len > 5 && ends(len, "est") {
        len -= 3;
        rule = Some("de:step2-est");
    } else if len > 4 && s[len - 2] == 'e' && matches!(s[len - 1], 'r' | 'n') {
        len -= 2;
        rule = Some(if s[len + 1] == 'r' {
            "de:step2-er"
        } else {
            "de:step2-en"
        });
    } else if len > 4 && s[len - 2] == 's' && s[len - 1] == 't' && st_ending(s[len - 3]) {
        len -= 2;
        rule = Some("de:step2-st");
    }
    (len, rule)
}

/// Stem a normalized word.
pub fn stem_word(w: &str) -> (String, Option<&'static str>) {
    let mut s: Vec<char> = w
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' => 'a',
            'ò' | 'ó' | 'ô' | 'ö' => 'o',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            c => c,
        })
        .collect();
    let mut rule = None;
    // Feminine -innen / -in (Kundinnen, Kundin → Kund-).
    let n = s.len();
    if n > 8 && s[n - 5..].iter().copied().eq("innen".chars()) {
        s.truncate(n - 3);
        rule = Some("de:suffix-innen");
    }
    let (len, r) = light(&s);
    s.truncate(len);
    (s.into_iter().collect(), r.or(rule))
}

/// Frequent noun (and verb) stems usable as compound parts, as they appear in
/// the modifier/head position; second field: the term to index (the stem of
/// the corresponding noun). Written by hand from general German vocabulary.
const PARTS: &str = "
kunde:kund kunden:kund service:servic dienst:dienst dienstleistung:dienstleistung
liefer:lieferung lieferung:lieferung versand:versand bestell:bestellung bestellung:bestellung
zahl:zahlung zahlung:zahlung rechnung:rechnung konto:konto adresse:adress nummer:numm
zeit:zeit termin:termin frist:frist datum:datum tag:tag woche:woch monat:monat jahr:jahr
preis:preis kosten:kost gebuhr:gebuhr geld:geld betrag:betrag
ware:war waren:war artikel:artikel produkt:produkt paket:paket karton:karton
retour:retour ruck:ruck sendung:sendung etikett:etikett schein:schein
handel:handel markt:markt haus:haus halt:halt stadt:stadt land:land staat:staat
bund:bund burger:burg recht:recht gesetz:gesetz polizei:polizei regierung:regierung
arbeit:arbeit platz:platz stelle:stell amt:amt beamte:beamt behorde:behord
ministerium:ministerium minister:minist partei:partei wahl:wahl
unternehmen:unternehm firma:firma betrieb:betrieb bank:bank post:post
telefon:telefon mail:mail nachricht:nachricht brief:brief
schutz:schutz sicherheit:sicherheit daten:dat system:system netz:netz
wasser:wass strom:strom energie:energi gas:gas
auto:auto bahn:bahn zug:zug flug:flug schiff:schiff fahrt:fahrt strasse:strass
schule:schul kind:kind familie:famili mensch:mensch frau:frau mann:mann
welt:welt krieg:krieg friede:fried frieden:fried vertrag:vertrag
bevolkerung:bevolkerung wachstum:wachstum gruppe:grupp zahlen:zahl
leistung:leistung anlage:anlag maschine:maschin
mitglied:mitglied wirtschaft:wirtschaft politik:polit geschichte:geschicht
gesellschaft:gesellschaft verein:verein sport:sport spiel:spiel musik:musik
information:information problem:problem frage:frag antwort:antwort hilfe:hilf
qualitat:qualitat garantie:garanti umtausch:umtausch erstattung:erstattung
hersteller:herstell verkauf:verkauf einkauf:einkauf kauf:kauf
";

/// Compound parts (normalized) → their term, hashed: splitting one long word
/// looks up dozens of candidate parts.
fn parts() -> &'static rustc_hash::FxHashMap<String, String> {
    static P: OnceLock<rustc_hash::FxHashMap<String, String>> = OnceLock::new();
    P.get_or_init(|| {
        let mut m = rustc_hash::FxHashMap::default();
        for (a, b) in PARTS.split_whitespace().filter_map(|e| e.split_once(':')) {
            let mut n = String::new();
            normalize(a, &mut n);
            // A part listed twice keeps its smallest term (deterministic).
            m.entry(n)
                .and_modify(|t: &mut String| {
                    if b < t.as_str() {
                        *t = b.to_string();
                    }
                })
                .or_insert_with(|| b.to_string());
        }
        m
    })
}

fn part(s: &str) -> Option<&'static str> {
    parts().get(s).map(String::as_str)
}

/// The head of a word: a known part, possibly inflected (`zeiten`, `services`).
fn head(s: &str) -> Option<&'static str> {
    if let Some(t) = part(s) {
        return Some(t);
    }
    for suf in ["en", "n", "s", "es", "e", "er"] {
        if let Some(b) = s.strip_suffix(suf) {
            if let Some(t) = part(b) {
                return Some(t);
            }
        }
    }
    None
}

/// Split a normalized compound into (modifier term, head term).
pub fn split_compound(w: &str) -> Option<(&'static str, &'static str)> {
    let chars: Vec<(usize, char)> = w.char_indices().collect();
    if chars.len() < 7 || !chars.iter().all(|&(_, c)| crate::chars::is_alphabetic(c)) {
        return None;
    }
    // Longest head first.
    for &(at, _) in chars.iter().take(chars.len().saturating_sub(2)).skip(3) {
        let (left, right) = w.split_at(at);
        let Some(h) = head(right) else { continue };
        for link in ["", "s", "es", "n", "en", "e", "er"] {
            if let Some(m) = left.strip_suffix(link) {
                if m.chars().count() >= 3 {
                    if let Some(mt) = part(m) {
                        return Some((mt, h));
                    }
                }
            }
        }
    }
    None
}

impl Language for German {
    fn normalize(&self, word: &str, out: &mut String) {
        normalize(word, out)
    }
    fn is_stopword(&self, normalized: &str) -> bool {
        stopwords().contains(normalized)
    }
    fn stem<'a>(&self, normalized: &'a str) -> Stemmed<'a> {
        let (s, rule) = stem_word(normalized);
        if s == normalized {
            Stemmed::unchanged(normalized)
        } else {
            Stemmed {
                term: Cow::Owned(s),
                rule,
            }
        }
    }
    fn extra_terms(&self, normalized: &str, _term: &str, out: &mut Vec<String>) {
        if let Some((m, h)) = split_compound(normalized) {
            out.push(m.to_string());
            out.push(h.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Analyzer, MAX_TERM_BYTES};
    use crate::lang::Lang;

    fn term(w: &str) -> String {
        Analyzer::get(Lang::De).analyze(w)[0].term.to_string()
    }

    #[test]
    fn informal_function_words_stop_content_words_stay() {
        let a = Analyzer::get(Lang::De);
        for w in ["mal", "schon", "ja", "halt", "eben", "doch", "echt", "gibt", "lg", "bzw", "beim"] {
            assert!(a.analyze(w)[0].stop, "{w}");
        }
        for w in ["gut", "schlecht", "Bank", "Lieferung", "Essen", "Zimmer", "freundlich"] {
            assert!(!a.analyze(w)[0].stop, "{w}");
        }
    }

    #[test]
    fn stems_inflected_nouns() {
        let a = Analyzer::get(Lang::De);
        assert_eq!(term("Kunden"), term("Kunde"));
        assert_eq!(term("Bestellungen"), term("Bestellung"));
        assert_eq!(term("Kundinnen"), term("Kundin"));
        let toks = a.analyze(
            "Die Studie ergab, dass weibliche Unternehmer auf Kundenservice fokussiert sind.",
        );
        assert!(toks.iter().any(|t| t.stop && t.normalized == "dass"));
    }

    #[test]
    fn spelling_variants() {
        assert_eq!(term("Müller"), term("Mueller"));
        assert_eq!(term("Müller"), term("Muller"));
        assert_eq!(term("Straße"), term("Strasse"));
        assert_eq!(term("Häuser"), term("Haeuser"));
        assert_eq!(term("blaue"), "blau");
        assert!(Analyzer::get(Lang::De).analyze("daß")[0].stop);
    }

    #[test]
    fn compounds_give_parts() {
        let t = &Analyzer::get(Lang::De).analyze("Kundenservice")[0];
        assert!(t.extra.contains(&term("Service")), "{:?}", t);
        assert!(t.extra.contains(&term("Kunde")));
        let t = &Analyzer::get(Lang::De).analyze("Lieferzeiten")[0];
        assert!(t.extra.contains(&term("Lieferung")), "{:?}", t);
        assert!(t.extra.contains(&term("Zeit")));
        assert!(Analyzer::get(Lang::De).analyze("Kunde")[0].extra.is_empty());
        assert!(Analyzer::get(Lang::De).analyze("Verwaltung")[0]
            .extra
            .is_empty());
    }

    #[test]
    fn rules_are_named() {
        assert_eq!(
            Analyzer::get(Lang::De).analyze("Kunden")[0].rule,
            Some("de:step1-en")
        );
    }

    #[test]
    fn long_words_kept() {
        let w = "a".repeat(MAX_TERM_BYTES);
        assert_eq!(Analyzer::get(Lang::De).analyze(&w).len(), 1);
    }

    crate::lang::analyzer_properties!(Lang::De, super::normalize, "[a-zA-ZäöüÄÖÜß]");
}
