//! Arabic analysis.
//!
//! **Normalization** (Lucene `ArabicNormalizer`, extended): harakat
//! U+064B–U+065F (which includes hamza above/below U+0654/U+0655), superscript
//! alef U+0670 and tatweel U+0640 are deleted; أ إ آ and wasla ٱ (U+0671,
//! Quranic and some web text; Lucene leaves it) → ا; ى → ي; ة → ه;
//! Arabic-Indic and Persian digits → ASCII, with `١٢٫٥` → `12.5` and
//! `١٢٬٥٠٠` → `12500` (one number, see [`push_lower_folded_digits`]).
//!
//! **Normalization** also folds presentation forms (`ﺍﻟﺴﻼﻡ`, `ﻻ`) to letters
//! first ([`fold_presentation_forms`]).
//!
//! **Stopwords**: function words only (prepositions, pronouns, conjunctions,
//! particles, relative and demonstrative pronouns, کان-type auxiliaries), after
//! the Savoy/Lucene list; the same classes in the dialects of customer
//! feedback; prepositions with attached pronouns; و/ف + a function word. All
//! passed through the same normalizer.
//!
//! **Guard**: a stem that is a function word's form is not used (the word is
//! kept whole): الله is not له, كأنه not كان.
//!
//! **Stemming**: a light stemmer in the spirit of Larkey et al.'s light10
//! (Lucene `ArabicStemmer`), which leaves clitic chains such as `والكتاب`
//! unstemmed in Snowball and misses pronoun suffixes:
//! 1. one proclitic chain, longest first: conjunction و/ف + preposition ب/ك/ل +
//!    article ال (`وبال`, `وال`, `بال`, `لل`, `ال`, …), leaving ≥ 2 letters;
//!    without article, a conjunction + preposition (`وب`, `ول`, `فب`, …) only
//!    when ≥ 4 letters stay, and a bare و only when ≥ 3 letters stay and the next
//!    letter is not ا (so `واحد` keeps its root و); a bare preposition ل or ب
//!    only when ≥ 4 letters stay (`برئيس`, `لمجلس`; not `بحر`, `بلد`). The
//!    future/verbal س and ك are never stripped alone (Snowball's `سيارتي` →
//!    `يارت`; `كتاب`).
//! 2. one enclitic pronoun (`هما كما هم هن كم ها نا`), leaving ≥ 3 letters; a
//!    stem then ending in ت (ta marbuta before a suffix: `سيارتها`) gets ت → ه
//!    back when ≥ 3 letters precede it. `ي` is *not* stripped: in running text
//!    it is far more often the nisba adjective ending (`شخصي` ≠ `شخص`, distinct
//!    lemmas) than the 1st-person possessive; only `تي` after ≥ 4 letters is
//!    read as ta marbuta + my (`سيارتي` → `سياره`, = `سيارة`; `الكويتي` kept).
//! 3. light10's suffixes, sequentially, each when ≥ 3 letters stay (a root
//!    has three; light10's 2 gave مكان → مك, عشان → عش): `ات ان ون ين`, the accusative tanwin alef `ا` (`عدداً` →
//!    `عددا` → `عدد`) and ta marbuta `ه`; after the dual `ان`/`ين` or `ا`, a
//!    final ت is ta marbuta again (`فترتين` → `فتره` → `فتر`). Unlike light10,
//!    nisba `ي`/`يه` are kept (adjective ≠ noun lemma).
//!
//! Each step names its rule for `--explain` (`ar:prefix-wal`, `ar:suffix-hum`).

use std::borrow::Cow;
use std::sync::OnceLock;

use super::{fold_presentation_forms, push_lower_folded_digits, StopWords};
use crate::analysis::{Language, Stemmed};

/// Arabic rules.
pub struct Arabic;

/// Function words of Modern Standard Arabic, after the Savoy list shipped by
/// Lucene (BSD) with additions of other particles; normalized at load.
const STOPWORDS: &str = "
في من على إلى الى عن مع هذا هذه ذلك تلك هؤلاء أولئك التي الذي الذين اللذين اللتين اللواتي اللتان اللذان
هو هي هم هن هما أنا نحن أنت أنتم أنتما أنتن إياه إياها إياهم
كان كانت كانوا يكون تكون أن إن أنه إنه أنها إنها لأن لا لم لن ما ماذا لماذا كيف متى أين هل قد لقد كل بعض غير بين
حتى ثم أو أم بل لكن لكنه إذا اذا إذ عند عندما منذ خلال بعد قبل حول دون فوق تحت أي أيضا ايضا كما مثل
و ف ب ل ك يا ليس ليست هناك هنا فقط جدا التى عليه عليها عليهم فيه فيها فيهم منه منها منهم به بها بهم له لها
لهم لهن عنه عنها عنهم ذات وهو وهي وقد ولا وما ومن وفي وعلى وأن فإن فان إنما ضمن لدى لدي حيث وكان وكانت
إلا الا أما إما كلا كلتا لو لولا سوف عن عليك إليه إليها إليهم معه معها معهم بينما بينهم لذلك وذلك كذلك
هذان هاتان هكذا ثمة وإن وإذا ولم ولن فلا فقد كي لكي
كأن لعل ليت نعم بلى
";

/// Function words of the dialects (Egyptian, Levantine, Gulf) that customer
/// feedback is written in: the same classes as above, seen among the top terms
/// of real feedback (reviews, tweets): demonstratives (ده دي دول هاد هيك),
/// the relative اللي, interrogatives (ايه ايش شو ليش فين وين), negation (مش
/// مو مب, as لا لم لن are above), particles and conjunctions (بس كده عشان
/// يعني كمان برضو زي), intensifiers and quantifiers (اوي مره 'very', شويه
/// 'a bit', كثير/كتير 'a lot', as جدا above), colloquial pronouns (احنا
/// انتي), the existential يوجد/توجد, auxiliaries (كنت صار بقى), the reporting
/// verb قال (a light verb of narration; its forms are among the top terms of
/// news text), and the discourse formulas والله/بصراحه/طبعا ('honestly', 'of
/// course'; الله alone stays a term), and the prepositional بالنسبة
/// 'as for'.
const COLLOQUIAL: &str = "
ده دي دا دول ديه هاد هادا هادي هدا هذي هاي هيدا هيدي هذول هاذا هاذي هيك هيكي
اللي الي
ايه ايش شو وش ليش ليه فين وين امتى ازاي اشلون شلون كام
مش مو مب موش مفيش مافي ماكو
بس كده كدا كدة عشان علشان يعني كمان برضو برضه بردو زي زيي لما
اوي مره شويه شوي كثير كتير
احنا انتي انتو اني هوه هيه همه
يوجد توجد
كنت كنا كنتم كانو كانوا يكونوا صار صارت صاروا بقى بقت بقوا
قال قالت قالوا يقول تقول يقولون
والله بصراحه صراحه طبعا
بالنسبه بالنسبة
";

/// Prepositions and quantifiers that take a pronoun suffix (عليكم, فيك,
/// عندنا, كلها): the suffixed forms are function words like their base, and
/// the stemmer would otherwise give some of them the base's form as a term
/// (عليكم → علي).
const PRONOUN_HOSTS: [&str; 16] = [
    "في", "من", "عن", "مع", "ل", "ب", "على", "إلى", "لدى", "عند", "بين", "كل", "بعض", "كأن", "لعل",
    "ليت",
];

/// Attached pronouns (`ي` my/me, `ك` your, `ه` his, `ها` her, `نا` our, …).
const PRONOUN_SUFFIXES: [&str; 11] = ["ي", "ك", "كم", "كما", "كن", "ه", "ها", "هم", "هما", "هن", "نا"];

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
    for c in fold_presentation_forms(word).chars() {
        normalize_char(c, out);
    }
}

fn stopwords() -> &'static StopWords {
    static S: OnceLock<StopWords> = OnceLock::new();
    S.get_or_init(|| {
        let mut words = format!("{STOPWORDS} {COLLOQUIAL}");
        for host in PRONOUN_HOSTS {
            // The normalized host: على → علي, إلى → الي, لدى → لدي.
            let mut h = String::new();
            normalize(host, &mut h);
            for suf in PRONOUN_SUFFIXES {
                words.push(' ');
                // ن + نا is written with one ن (منا, عنا).
                if h.ends_with('ن') && suf == "نا" {
                    words.push_str(&h);
                    words.push('ا');
                } else {
                    words.push_str(&h);
                    words.push_str(suf);
                }
            }
        }
        StopWords::new(&words, normalize)
    })
}

/// Whether a normalized word is a function word: in the lists, or the
/// conjunction و/ف attached to a listed function word of ≥ 3 letters (وهذا,
/// ولكن, فعندما, وعشان), which the lists cannot enumerate. Two-letter bases
/// are left out: ف + هم is also فهم 'understanding', و + لي also ولي.
fn is_function_word(w: &str) -> bool {
    let s = stopwords();
    s.contains(w)
        || ['و', 'ف'].iter().any(|&c| {
            w.strip_prefix(c)
                .is_some_and(|rest| nchars(rest) >= 3 && s.contains(rest))
        })
}

/// Article-bearing proclitic chains, longest first, with their rule names.
const ARTICLE_PREFIXES: [(&str, &str); 10] = [
    ("وبال", "ar:prefix-wbal"),
    ("وكال", "ar:prefix-wkal"),
    ("فبال", "ar:prefix-fbal"),
    ("ولل", "ar:prefix-wll"),
    ("فلل", "ar:prefix-fll"),
    ("وال", "ar:prefix-wal"),
    ("فال", "ar:prefix-fal"),
    ("بال", "ar:prefix-bal"),
    ("كال", "ar:prefix-kal"),
    ("لل", "ar:prefix-ll"),
];

/// Conjunction + preposition without article.
const CHAIN_PREFIXES: [(&str, &str); 6] = [
    ("وب", "ar:prefix-wb"),
    ("ول", "ar:prefix-wl"),
    ("وك", "ar:prefix-wk"),
    ("فب", "ar:prefix-fb"),
    ("فل", "ar:prefix-fl"),
    ("فك", "ar:prefix-fk"),
];

const PRONOUNS: [(&str, &str); 7] = [
    ("هما", "ar:suffix-huma"),
    ("كما", "ar:suffix-kuma"),
    ("هم", "ar:suffix-hum"),
    ("هن", "ar:suffix-hunna"),
    ("كم", "ar:suffix-kum"),
    ("ها", "ar:suffix-ha"),
    ("نا", "ar:suffix-na"),
];

const SUFFIXES: [(&str, &str); 6] = [
    ("ات", "ar:suffix-at"),
    ("ان", "ar:suffix-an"),
    ("ون", "ar:suffix-un"),
    ("ين", "ar:suffix-in"),
    ("ا", "ar:suffix-tanwin-a"),
    ("ه", "ar:suffix-h"),
];

/// Letters a suffix must leave. Arabic roots are mostly three consonants, so a
/// two-letter stem is almost always a root cut short (مكان → مك, which
/// المكونات → مكون → مك also reached; عشان → عش, بدون → بد).
const MIN_STEM: usize = 3;


fn nchars(s: &str) -> usize {
    s.chars().count()
}

/// A content word's stem is never a function word's form: a strip that would
/// leave one (الله → له, كأنه → كان, النعمه → نعم 'yes', عليكم → علي) is not
/// made, since the letters it would strip belong to the word.
fn is_stop(stem: &str) -> bool {
    stopwords().contains(stem)
}

/// Light stem of a normalized word; returns the stem and the last rule.
pub fn light_stem(word: &str) -> (&str, Option<&'static str>) {
    let mut w = word;
    let mut rule = None;
    // 1. proclitics
    let mut done = false;
    for (p, r) in ARTICLE_PREFIXES {
        if let Some(rest) = w.strip_prefix(p) {
            if nchars(rest) >= 2 && !is_stop(rest) {
                w = rest;
                rule = Some(r);
                done = true;
                break;
            }
        }
    }
    if !done {
        if let Some(rest) = w.strip_prefix("ال") {
            if nchars(rest) >= 2 && !is_stop(rest) {
                w = rest;
                rule = Some("ar:prefix-al");
                done = true;
            }
        }
    }
    if !done {
        for (p, r) in CHAIN_PREFIXES {
            if let Some(rest) = w.strip_prefix(p) {
                if nchars(rest) >= 4 && !is_stop(rest) {
                    w = rest;
                    rule = Some(r);
                    done = true;
                    break;
                }
            }
        }
    }
    if !done {
        for (p, r) in [('ل', "ar:prefix-l"), ('ب', "ar:prefix-b")] {
            if let Some(rest) = w.strip_prefix(p) {
                if nchars(rest) >= 4 && !is_stop(rest) {
                    w = rest;
                    rule = Some(r);
                    done = true;
                    break;
                }
            }
        }
    }
    if !done {
        if let Some(rest) = w.strip_prefix('و') {
            if nchars(rest) >= 3
                && !rest.starts_with('ا')
                && !rest.starts_with('و')
                && !is_stop(rest)
            {
                w = rest;
                rule = Some("ar:prefix-w");
            }
        }
    }
    (w, rule)
}

fn stem_suffixes(w: &str, mut rule: Option<&'static str>) -> (String, Option<&'static str>) {
    let mut s: String = w.to_string();
    // 2. one enclitic pronoun
    for (p, r) in PRONOUNS {
        if s.ends_with(p) && nchars(&s) >= nchars(p) + 3 && !is_stop(&s[..s.len() - p.len()]) {
            s.truncate(s.len() - p.len());
            rule = Some(r);
            if s.ends_with('ت') && nchars(&s) >= 4 {
                s.truncate(s.len() - 'ت'.len_utf8());
                s.push('ه');
            }
            break;
        }
    }
    // 2b. ta marbuta + 1st-person ي (سيارتي → سياره), ≥ 4 letters before ت.
    if !rule.is_some_and(|r| PRONOUNS.iter().any(|(_, n)| *n == r)) {
        if let Some(st) = s.strip_suffix("تي") {
            if nchars(st) >= 4 {
                s = format!("{st}ه");
                rule = Some("ar:suffix-ti");
            }
        }
    }
    // 3. light10 suffixes, sequentially
    for (p, r) in SUFFIXES {
        let min = MIN_STEM;
        if s.ends_with(p) && nchars(&s) >= nchars(p) + min && !is_stop(&s[..s.len() - p.len()]) {
            s.truncate(s.len() - p.len());
            rule = Some(r);
            // Dual/accusative after ta marbuta: فترتين, منطقتا → فتره.
            if matches!(p, "ان" | "ين" | "ا") && s.ends_with('ت') && nchars(&s) >= 4 {
                s.truncate(s.len() - 'ت'.len_utf8());
                s.push('ه');
            }
        }
    }
    (s, rule)
}

impl Language for Arabic {
    fn normalize(&self, word: &str, out: &mut String) {
        normalize(word, out)
    }
    fn is_stopword(&self, normalized: &str) -> bool {
        is_function_word(normalized)
    }
    fn stem<'a>(&self, normalized: &'a str) -> Stemmed<'a> {
        if !normalized
            .chars()
            .any(|c| ('\u{0621}'..='\u{064A}').contains(&c))
        {
            return Stemmed::unchanged(normalized);
        }
        // ال before a function word's letters is no article (الله, اللهم):
        // the word is one unit, and its final ه is no ta marbuta either.
        if normalized.strip_prefix("ال").is_some_and(is_stop) {
            return Stemmed::unchanged(normalized);
        }
        let (w, rule) = light_stem(normalized);
        let (s, rule) = stem_suffixes(w, rule);
        if s == normalized {
            Stemmed::unchanged(normalized)
        } else {
            Stemmed {
                term: Cow::Owned(s),
                rule,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Analyzer, MAX_TERM_BYTES};
    use crate::lang::Lang;

    fn term(w: &str) -> String {
        Analyzer::get(Lang::Ar).analyze(w)[0].term.to_string()
    }

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
        assert_eq!(term("العلاقات"), term("علاقات"));
        assert_eq!(term("عملهم"), term("عمل"));
        assert!(toks.iter().any(|t| t.stop && t.normalized == "من"));
    }

    #[test]
    fn folds_digits_and_diacritics() {
        let toks = Analyzer::get(Lang::Ar).analyze("١٢٫٥ مُعَلِّم ١٢٬٥٠٠ ۱۲");
        assert_eq!(toks[0].term, "12.5");
        assert_eq!(toks[1].normalized, "معلم");
        assert_eq!(toks[2].term, "12500");
        assert_eq!(toks[3].term, "12");
        assert_eq!(
            Analyzer::get(Lang::Ar).analyze("ٱلْكِتَٰب")[0].normalized,
            "الكتب"
        );
    }

    #[test]
    fn clitic_chains() {
        let k = term("كتاب");
        assert_eq!(term("والكتاب"), k);
        assert_eq!(term("الكتاب"), k);
        assert_eq!(term("بالكتاب"), k);
        assert_eq!(term("وبالكتاب"), k);
        assert_eq!(term("للكتاب"), k);
        assert_eq!(term("بالسيارة"), term("سيارة"));
        assert_eq!(term("سيارتي"), term("سيارة"));
        assert_ne!(term("سيارتي"), "يارت");
        assert_eq!(term("كتابهم"), k);
        assert_eq!(term("المكتبات"), term("مكتبة"));
        let t = Analyzer::get(Lang::Ar).analyze("والكتاب");
        assert_eq!(t[0].rule, Some("ar:prefix-wal"));
    }

    #[test]
    fn short_roots_survive() {
        assert_eq!(term("واحد"), "واحد");
        assert_eq!(term("بيت"), "بيت");
        assert_eq!(term("ولد"), "ولد");
    }

    #[test]
    fn roots_keep_three_letters() {
        // light10's two-letter minimum cut مكان to مك, the stem المكونات
        // (ingredients) reached too; مكانه kept مكان.
        assert_eq!(term("مكان"), "مكان");
        assert_eq!(term("المكان"), "مكان");
        assert_eq!(term("مكانه"), "مكان");
        assert_ne!(term("المكونات"), term("مكان"));
        assert_eq!(term("المكونات"), "مكون");
        // A stem that is a function word is not a stem.
        assert_eq!(term("الله"), "الله");
        assert_ne!(term("النعمه"), "نعم");
        assert_eq!(term("النعمة"), term("نعمة"));
        let a = Analyzer::get(Lang::Ar);
        assert!(a.analyze("كأنه")[0].stop);
        assert!(a.analyze("عليكم")[0].stop);
    }

    #[test]
    fn colloquial_function_words_stop_content_words_stay() {
        let a = Analyzer::get(Lang::Ar);
        for w in ["بس", "اللي", "مره", "ده", "دي", "كده", "عشان", "يعني", "قال", "وعشان", "وهذا"] {
            assert!(a.analyze(w)[0].stop, "{w}");
        }
        for w in ["حلو", "المنتج", "ممتاز", "السعر", "الاكل", "الله", "فهم", "ولد"] {
            assert!(!a.analyze(w)[0].stop, "{w}");
        }
    }

    #[test]
    fn presentation_forms_fold_to_letters() {
        let a = Analyzer::get(Lang::Ar);
        let shown = a.analyze("ﺍﻟﺴﻼﻡ ﻋﻠﻴﻜﻢ ﺍﻟﻤﻨﺘﺞ");
        let letters = a.analyze("السلام عليكم المنتج");
        assert_eq!(shown.len(), letters.len());
        for (x, y) in shown.iter().zip(&letters) {
            assert_eq!((&x.normalized, &x.term, x.stop), (&y.normalized, &y.term, y.stop));
        }
        // The lam-alef ligature is two letters: ﻻ is the stopword لا.
        assert!(a.analyze("ﻻ")[0].stop);
        assert_eq!(a.analyze("ﻻ")[0].normalized, "لا");
    }

    #[test]
    fn long_words_kept() {
        let w = "ب".repeat(MAX_TERM_BYTES / 2);
        assert_eq!(Analyzer::get(Lang::Ar).analyze(&w).len(), 1);
    }

    crate::lang::analyzer_properties!(
        Lang::Ar,
        super::normalize,
        "[\\u0600-\\u06FF\\u0660-\\u0669a-zA-Z]"
    );
}
