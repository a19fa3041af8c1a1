//! Slovenian analysis.
//!
//! No search engine ships a Slovene analyzer (ANCHORS.md §5); this is a light
//! inflectional suffix stripper after the design of Lucene's `CzechStemmer`
//! (Dolamic & Savoy) with Slovene endings (Popovič's list, trimmed to
//! inflection):
//!
//! * **Normalization**: lowercase, digits → ASCII; č š ž are kept (they are
//!   phonemic: `kos`/`koš`, `čas`/`cas`).
//! * **Stopwords**: function words (auxiliary `biti` forms, pronouns,
//!   prepositions, conjunctions, particles), from stopwords-iso `sl` (MIT)
//!   trimmed to closed-class words, and the informal function words of
//!   [`INFORMAL`].
//! * **Stemming**: first match among 3-, then 2-, then 1-letter endings
//!   (`-ega -emu -ima -ami …`, and the l-participle of e-verbs `-ela -ele -eli
//!   -elo` (`videla`/`videl`), `-om -em -ih -ov -ja -jo …`, `-a -e -i -o -u`),
//!   keeping a stem of ≥ 3 letters (≥ 4 before a 1-letter ending that follows a
//!   vowel); then the fleeting vowel: stem ending in consonant + `e` + `k c n r l`
//!   loses the `e` (`izdelek`/`izdelka` → `izdelk`, `zadovoljen`/`zadovoljna`).
//!   `-eti` and `-ti` are not endings (`paketi` → `paket`). Rule names:
//!   `sl:suffix-ega`, `sl:fleeting-e`, ….
//! * **Diacritic-free search** (`extra_terms`): the č/š/ž-folded stem is
//!   indexed as an extra term when it differs, so a query typed without
//!   diacritics (`cakajo`, whose own term is already folded) finds `čakajo`.

use std::borrow::Cow;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::{push_lower_folded_digits, StopWords};
use crate::analysis::{Language, Stemmed};

/// Slovenian rules.
pub struct Slovenian;

const STOPWORDS: &str = "
a ali in je so sem si smo ste sta bi bil bila bilo bili bile biti bo bom boš bodo bova bomo boste bosta
nisem nisi ni nismo niste nisva nista niso da do ga ji jih jo ju kaj kako kar ki ko kot le me mi na naj ne
nas ni nič o od pa po pod pri s se sebi sebe sicer saj še tako tam tega temu ti tisti tista tisto to tudi
v vse vsi vsa za z že iz med nad pred prek preko proti skozi zaradi brez ker toda vendar ampak če njegov
njegova njegovo njena njen njeno njihov njihova njihovo on ona ono oni one mu njej nje njim njo jaz vi tem
ta te tej teh tiste tistih k h ob nam vam vas njih jim mene meni tebe tebi moj moja moje tvoj tvoja tvoje
naš naša naše vaš vaša vaše ter oziroma ali pa niti
";

/// Function words of informal Slovene, seen among the top terms of real
/// feedback (reader comments, posts), by class: particles and sentence
/// adverbs (samo, sej, pač, itak, sploh, seveda, res, prav, vsaj, zato,
/// potem, zdaj/sedaj), degree words and quantifiers (zelo, bolj, več, malo,
/// veliko, nekaj), pronoun adjectives in their case forms (kateri, svoj, vsak,
/// nek, drug, tak, naš, noben, takšen, isti), the modals and light verbs lahko, mora(ti), imeti, iti
/// (gre 'it is about'), and colloquial spellings and chat abbreviations (tud,
/// kr, sm, mal, ja, no, lp).
const INFORMAL: &str = "
samo sej pač itak sploh seveda res prav vsaj zato potem zdaj sedaj tudi kje kjer kdo zakaj kdaj glede torej celo
zelo bolj več malo veliko nekaj precej
kateri katera katero katere katerih kateremu katerim kaj
svoj svoja svoje svojo svojega svojih svojim svojimi svoji
vsak vsaka vsako vsakega vsakemu vsake vsi vseh vsem vsemi vso vsega vsemu
nek neka neko neke nekega nekih
drug druga drugo drugi druge drugega drugih
tak taka take taki takega takih kakšen kakšna kakšno kakšne kakšni
lahko mora moram moramo morajo morali moral morala mogoče more moremo morete morejo treba
ima imam imaš imamo imate imajo imel imela imelo imeli imele imeti nima nimam nimamo nimajo
gre grem
tud kr sm mal ja no lp pa
naši našega našemu našem našim naših našimi našo vaši vašega vašem vašim vaših
noben nobena nobeno nobene nobenega nobenemu nobeni nobenih
takšen takšna takšno takšne takšni takšnega takšnih isti ista isto iste istega istih
toliko spet manj sam sama sami same
";

fn normalize(word: &str, out: &mut String) {
    push_lower_folded_digits(word, out)
}

fn stopwords() -> &'static StopWords {
    static S: OnceLock<StopWords> = OnceLock::new();
    S.get_or_init(|| StopWords::new(&format!("{STOPWORDS} {INFORMAL}"), normalize))
}

const SUF3: [&str; 35] = [
    "ega", "emu", "ima", "imi", "ama", "ami", "ema", "emi", "oma", "amo", "ate", "ajo", "emo",
    "ete", "ejo", "imo", "ite", "ijo", "iti", "ati", "ova", "ovi", "ove", "ala", "ali", "alo",
    "ale", "ila", "ili", "ilo", "ile", "ela", "ele", "eli", "elo",
];
const SUF2: [&str; 21] = [
    "om", "em", "ih", "ah", "eh", "am", "im", "ov", "ev", "mi", "jo", "ju", "ja", "je", "ji", "aš",
    "eš", "iš", "al", "il", "el",
];
const SUF1: [&str; 5] = ["a", "e", "i", "o", "u"];

fn rule_name(suf: &str) -> &'static str {
    // Every suffix in the tables, named for --explain.
    const NAMES: [(&str, &str); 61] = [
        ("ega", "sl:suffix-ega"),
        ("emu", "sl:suffix-emu"),
        ("ima", "sl:suffix-ima"),
        ("imi", "sl:suffix-imi"),
        ("ama", "sl:suffix-ama"),
        ("ami", "sl:suffix-ami"),
        ("ema", "sl:suffix-ema"),
        ("emi", "sl:suffix-emi"),
        ("oma", "sl:suffix-oma"),
        ("amo", "sl:suffix-amo"),
        ("ate", "sl:suffix-ate"),
        ("ajo", "sl:suffix-ajo"),
        ("emo", "sl:suffix-emo"),
        ("ete", "sl:suffix-ete"),
        ("ejo", "sl:suffix-ejo"),
        ("imo", "sl:suffix-imo"),
        ("ite", "sl:suffix-ite"),
        ("ijo", "sl:suffix-ijo"),
        ("iti", "sl:suffix-iti"),
        ("ati", "sl:suffix-ati"),
        ("ova", "sl:suffix-ova"),
        ("ovi", "sl:suffix-ovi"),
        ("ove", "sl:suffix-ove"),
        ("ala", "sl:suffix-ala"),
        ("ali", "sl:suffix-ali"),
        ("alo", "sl:suffix-alo"),
        ("ale", "sl:suffix-ale"),
        ("ila", "sl:suffix-ila"),
        ("ili", "sl:suffix-ili"),
        ("ilo", "sl:suffix-ilo"),
        ("ile", "sl:suffix-ile"),
        ("ela", "sl:suffix-ela"),
        ("ele", "sl:suffix-ele"),
        ("eli", "sl:suffix-eli"),
        ("elo", "sl:suffix-elo"),
        ("om", "sl:suffix-om"),
        ("em", "sl:suffix-em"),
        ("ih", "sl:suffix-ih"),
        ("ah", "sl:suffix-ah"),
        ("eh", "sl:suffix-eh"),
        ("am", "sl:suffix-am"),
        ("im", "sl:suffix-im"),
        ("ov", "sl:suffix-ov"),
        ("ev", "sl:suffix-ev"),
        ("mi", "sl:suffix-mi"),
        ("jo", "sl:suffix-jo"),
        ("ju", "sl:suffix-ju"),
        ("ja", "sl:suffix-ja"),
        ("je", "sl:suffix-je"),
        ("ji", "sl:suffix-ji"),
        ("aš", "sl:suffix-as"),
        ("eš", "sl:suffix-es"),
        ("iš", "sl:suffix-is"),
        ("al", "sl:suffix-al"),
        ("il", "sl:suffix-il"),
        ("el", "sl:suffix-el"),
        ("a", "sl:suffix-a"),
        ("e", "sl:suffix-e"),
        ("i", "sl:suffix-i"),
        ("o", "sl:suffix-o"),
        ("u", "sl:suffix-u"),
    ];
    NAMES
        .iter()
        .find(|(s, _)| *s == suf)
        .map_or("sl:suffix", |(_, n)| n)
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// The rule name of each ending of the three tiers, by ending.
fn endings() -> &'static FxHashMap<&'static str, &'static str> {
    static E: OnceLock<FxHashMap<&'static str, &'static str>> = OnceLock::new();
    E.get_or_init(|| {
        SUF3.iter()
            .chain(&SUF2)
            .chain(&SUF1)
            .map(|&suf| (suf, rule_name(suf)))
            .collect()
    })
}

/// Strip one inflectional ending; returns the stem and the rule. The
/// longest ending wins (three letters, then two, then one), as long as the
/// stem keeps three letters (four before a one-vowel ending after a vowel).
fn strip_ending(w: &str) -> Option<(&str, &'static str)> {
    let n = w.chars().count();
    let ends = endings();
    for k in [3usize, 2, 1] {
        if n <= k {
            continue;
        }
        let at = w.char_indices().rev().nth(k - 1).map_or(0, |(i, _)| i);
        let (stem, suf) = w.split_at(at);
        let Some(&rule) = ends.get(suf) else {
            continue;
        };
        let min = if k == 1 && stem.chars().last().is_some_and(is_vowel) {
            4
        } else {
            3
        };
        if n - k >= min {
            return Some((stem, rule));
        }
    }
    None
}

/// The thematic vowel a verb ending keeps: i or a before the infinitive
/// -ti, the l-participle -l -la -lo -li -le and the present -mo -te -jo -š
/// (zamuditi, zamudil, zamudimo → zamudi; delati, delal → dela). Nouns of
/// the same root (zamuda, delo) have other endings, so the two do not share
/// a term; the ambiguous -i and -im (also noun and adjective endings) are
/// left to the general rule.
fn verb_vowel(ending: &str) -> Option<char> {
    let mut c = ending.chars();
    let first = c.next().filter(|v| matches!(v, 'i' | 'a'))?;
    matches!(c.as_str(), "ti" | "l" | "la" | "lo" | "li" | "le" | "mo" | "te" | "jo" | "š")
        .then_some(first)
}

/// Stem a normalized word.
pub fn stem_word(w: &str) -> (String, Option<&'static str>) {
    if !w.chars().all(crate::chars::is_alphabetic) {
        return (w.to_string(), None);
    }
    let mut rule = None;
    let mut s = w;
    if let Some((st, r)) = strip_ending(s) {
        s = st;
        rule = Some(r);
        // The infinitive and the l-participle keep their thematic vowel, so
        // a verb (zamuditi, zamudil) does not share a term with the noun of
        // its root (zamuda 'delay').
        let ending = &w[st.len()..];
        if let Some(v) = verb_vowel(ending) {
            s = &w[..st.len() + v.len_utf8()];
            rule = Some("sl:verb-theme");
        }
    }
    let mut s: Vec<char> = s.chars().collect();
    let n = s.len();
    if n >= 5
        && s[n - 2] == 'e'
        && matches!(s[n - 1], 'k' | 'c' | 'n' | 'r' | 'l')
        && !is_vowel(s[n - 3])
    {
        s.remove(n - 2);
        rule = Some("sl:fleeting-e");
    }
    (s.into_iter().collect(), rule)
}

/// č š ž (and ć đ from neighbouring languages) folded to c s z (d).
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'č' | 'ć' => 'c',
            'š' => 's',
            'ž' => 'z',
            'đ' => 'd',
            c => c,
        })
        .collect()
}

impl Language for Slovenian {
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
    fn extra_terms(&self, _normalized: &str, term: &str, out: &mut Vec<String>) {
        let f = fold(term);
        if f != term {
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Analyzer, MAX_TERM_BYTES};
    use crate::lang::Lang;

    /// The ending rule as first written: every ending of each tier tried
    /// in turn.
    fn strip_ending_reference(w: &str) -> Option<(&str, &'static str)> {
        let n = w.chars().count();
        for tier in [&super::SUF3[..], &super::SUF2[..], &super::SUF1[..]] {
            for &suf in tier {
                if let Some(stem) = w.strip_suffix(suf) {
                    let k = suf.chars().count();
                    let min = if k == 1 && stem.chars().last().is_some_and(super::is_vowel) {
                        4
                    } else {
                        3
                    };
                    if n - k >= min {
                        return Some((stem, super::rule_name(suf)));
                    }
                }
            }
        }
        None
    }

    #[test]
    fn ending_lookup_matches_the_reference() {
        let stems = [
            "", "a", "ž", "pe", "iš", "hiš", "miza", "človek", "delavc", "kupc", "ljubezn",
        ];
        let mut n = 0;
        for stem in stems {
            for a in super::endings().keys() {
                for b in ["", "a", "e", "š", "i", "mi", "ega"] {
                    let w = format!("{stem}{b}{a}");
                    assert_eq!(super::strip_ending(&w), strip_ending_reference(&w), "{w}");
                    n += 1;
                }
            }
        }
        assert!(n > 4000);
    }

    fn term(w: &str) -> String {
        Analyzer::get(Lang::Sl).analyze(w)[0].term.to_string()
    }

    #[test]
    fn verbs_and_nouns_of_one_root_stay_apart() {
        // zamuda 'delay' is not zamuditi 'to miss'.
        for noun in ["zamuda", "zamude", "zamudo", "zamudi"] {
            assert_eq!(term(noun), "zamud", "{noun}");
        }
        for verb in ["zamuditi", "zamudil", "zamudila", "zamudili", "zamudimo", "zamudiš"] {
            assert_eq!(term(verb), "zamudi", "{verb}");
        }
        assert_eq!(term("delati"), term("delal"));
        assert_ne!(term("delati"), term("delo"));
    }

    #[test]
    fn keeps_diacritics_and_stops() {
        let toks = Analyzer::get(Lang::Sl).analyze("Če se dandanes kupec počuti");
        assert!(toks.iter().any(|t| t.normalized == "počuti"));
        assert!(toks[0].stop);
    }

    #[test]
    fn families_conflate() {
        for fam in [
            &["naročilo", "naročila", "naročili"][..],
            &["račun", "računa", "računi", "računom", "računih"],
            &["dostava", "dostave", "dostavo", "dostavi"],
            &["izdelek", "izdelka", "izdelki", "izdelkov"],
            &["paket", "paketa", "paketi", "paketom"],
            &["stranka", "stranke", "stranko", "strankam"],
        ] {
            let t = term(fam[0]);
            for w in fam {
                assert_eq!(term(w), t, "{w}");
            }
        }
    }

    #[test]
    fn diacritic_free_query_finds_word() {
        let a = Analyzer::get(Lang::Sl);
        let indexed = &a.analyze("čakajo")[0];
        let query = &a.analyze("cakajo")[0];
        assert!(indexed.term == query.term || indexed.extra.iter().any(|e| *e == query.term));
        assert_eq!(indexed.rule, Some("sl:verb-theme"));
        assert_eq!(a.analyze("košarica")[0].normalized, "košarica");
    }

    #[test]
    fn informal_function_words_stop_content_words_stay() {
        let a = Analyzer::get(Lang::Sl);
        for w in ["samo", "sej", "lahko", "pač", "itak", "zelo", "svoje", "kateri"] {
            assert!(a.analyze(w)[0].stop, "{w}");
        }
        for w in ["dobro", "slabo", "banka", "dostava", "hrana", "cene"] {
            assert!(!a.analyze(w)[0].stop, "{w}");
        }
    }

    #[test]
    fn long_words_kept() {
        let w = "č".repeat(MAX_TERM_BYTES / 2);
        assert_eq!(Analyzer::get(Lang::Sl).analyze(&w).len(), 1);
    }

    crate::lang::analyzer_properties!(Lang::Sl, super::normalize, "[a-zA-ZčšžČŠŽćđ]");
}
