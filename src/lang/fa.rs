//! Persian analysis.
//!
//! * **Normalization** (one canonical orthography, hazm/Snowball style):
//!   Arabic ي ى → Persian ی; ك → ک; ۀ ة ہ → ه; أ إ ٱ → ا; ؤ → و; harakat
//!   U+064B–U+065F (incl. hamza above U+0654, as in `همهٔ`), superscript alef,
//!   tatweel and ZWJ deleted; digits → ASCII; ZWNJ kept inside words (UAX#29
//!   keeps it; splitting there costs F1, BASELINES.md), but runs of ZWNJ are
//!   collapsed and a ZWNJ next to a non-letter or at an edge is dropped.
//! * **Joining** (`join`): `می`/`نمی` followed by a word, and a word followed by
//!   `ها های هایی تر ترین تری`, written with a space, are one word: the pipeline
//!   joins them with a ZWNJ, so `می روم` = `می‌روم`, `کتاب ها` = `کتاب‌ها`.
//! * **Stopwords**: function words (prepositions, conjunctions, pronouns,
//!   copula and auxiliary forms), after the Savoy list (Lucene, BSD) and hazm
//!   (MIT), and colloquial function words; normalized the same way.
//!   Presentation forms are folded to letters first.
//! * **Light verbs**: the positive forms of کردن شدن بودن داشتن (see
//!   [`LIGHT_VERBS`]) are stemmed and indexed, but statistics and themes
//!   leave them out like stopwords ([`Language::is_light`]).
//! * **Negation** is kept: a negated verb's term is `ن` + the positive stem
//!   (`نمی‌خرم`, `نخریدم` → `نخرید`, `نبود` → `نبود`), and the positive stem is
//!   an extra term at the same position, as German compound parts are, so
//!   `خوب نبود` is not counted as `خوب بود` but a search for `خرید` finds
//!   `نخریدم`.
//! * **Stemming** (ZWNJ-aware light stemmer; the term has no ZWNJ, so
//!   `میروم` = `می‌روم` and `کتابها` = `کتاب‌ها`):
//!   1. verbal prefixes `می‌`/`نمی‌` (with ZWNJ, always; written solid, only
//!      when ≥ 3 letters follow and the word does not start with a noun such as
//!      `میدان میزان میان میلیون …`); `ب`/`ن` only before a known verb stem;
//!   2. ZWNJ-attached suffixes (`‌ها ‌های ‌تر ‌ترین ‌ام ‌اند ‌ای …`);
//!   3. solid suffixes, guarded: plural/possessive `های(ش|م|ت|شان|مان|تان) ها`,
//!      comparative `ترین تر`, plurals `ات یان گان ان` (not after `ستان سان …`,
//!      nor on nouns such as `سازمان ساختمان پایان زمان`), ezafe/indefinite `یی ی`;
//!   4. verbs: person endings after a past stem (`کردند` → `کرد`), past
//!      participle `-ده/-ته` → past stem (`کرده` → `کرد`), and present stems of
//!      the ~50 most common irregular verbs mapped to their past stem (a
//!      grammar-book table: `کن`→`کرد`, `شو`→`شد`, `گو`→`گفت`…), so
//!      `می‌کند`, `کرد` and `کرده` share one term as their lemma does.
//!
//! Rule names: `fa:prefix-mi`, `fa:plural-ha`, `fa:verb-present`, ….

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::{fold_presentation_forms, push_lower_folded_digits, StopWords};
use crate::analysis::{Join, Language, Stemmed};

/// Persian rules.
pub struct Persian;

const ZWNJ: char = '\u{200c}';

const STOPWORDS: &str = "
و در به از که این آن را با است برای تا یک هم بر یا اما اگر نیز هر چه چون پس بی همه وی دیگر
چند هیچ همین همان بین روی زیر پیش بعد قبل نه ولی زیرا هست نیست هستند نیستند بود بودند باشد باشند
خود ما من تو او آنها ایشان شما ها های می نمی اینکه آنکه چنین چنان آیا حتی نزد درباره مگر جز بدون
ای ام اش ات اند ایم اید ان شان مان تان کو کی چی کجا چرا کدام وقتیکه تر ترین
";

/// Function words of informal Persian, seen among the top terms of real
/// feedback (app and shop reviews), by class: colloquial spellings of the
/// words above (رو = را, یه = یک, اون = آن, اگه = اگر, دیگه = دیگر, اینو =
/// این را; توی = در, واسه = برای, and the colloquial prepositions with a
/// pronoun suffix ازش, بهش, باهاش), particles and conjunctions (فقط, البته, مثل, وقتی), intensifiers
/// and degree adverbs (خیلی, بسیار, واقعا, اصلا, زیاد), the modals باید and
/// شاید, and the future auxiliary خواه-. The light verbs are in
/// [`light_verb_forms`].
const COLLOQUIAL: &str = "
رو یه یک اون اونا اینا اینو اونو اینه اونه اگه دیگه دیگر چیه کیه
کل توی تو واسه ازش بهش باهاش براش واسش توش روش ازشون بهشون باهاشون براشون
فقط البته مثل مثلا وقتی ولیکن بلکه
خیلی بسیار واقعا اصلا زیاد کاملا حتما
باید شاید
خواهم خواهی خواهد خواهیم خواهید خواهند
";

/// The light verbs and auxiliaries (past stem, present stem): کردن 'do',
/// شدن 'become' and دادن 'give' form most Persian verbs (استفاده کرد, خراب
/// شد, جواب داد 'it worked'), بودن is
/// the copula and داشتن 'have' the auxiliary of the progressive. Their
/// positive inflected forms are light by form, not by stem: the check is
/// on the normalized word before stemming, and a stem test would also stop the
/// negated forms (نشد 'it did not work' is the main complaint of a review) and
/// the nouns that share the letters ([`LIGHT_LOOK_ALIKES`]).
const LIGHT_VERBS: [(&str, &str); 5] =
    [("کرد", "کن"), ("شد", "شو"), ("بود", "باش"), ("داشت", "دار"), ("داد", "ده")];

/// Forms of the light verbs that are also nouns or adjectives: کند 'slow',
/// داد 'cry; justice', ده 'ten; village'.
const LIGHT_LOOK_ALIKES: [&str; 3] = ["کند", "داد", "ده"];

/// The positive forms of the light verbs, formal and colloquial, with the
/// prefix می written with a ZWNJ and solid (a space is joined to a ZWNJ
/// before the check): past کردم…کردند, participle کرده (+ ‌ام ‌اند …),
/// infinitive کردن, present (می)کنم…, subjunctive بکنم/بشود, colloquial 3sg
/// -ه and 3pl -ن (میکنه, میشه, داره, میکنن).
fn light_verb_forms() -> String {
    let mut out = String::new();
    let mut push = |w: String| {
        if !LIGHT_LOOK_ALIKES.contains(&w.as_str()) {
            out.push_str(&w);
            out.push(' ');
        }
    };
    for (past, present) in LIGHT_VERBS {
        for e in ["م", "ی", "", "یم", "ید", "ند", "ن"] {
            push(format!("{past}{e}"));
            for mi in ["می\u{200c}", "می"] {
                push(format!("{mi}{past}{e}"));
            }
        }
        push(format!("{past}ه"));
        for e in ["ام", "ای", "است", "ایم", "اید", "اند"] {
            push(format!("{past}ه\u{200c}{e}"));
        }
        // داشتن and بودن take no می in the present (دارم, باشم).
        let pres_mi: &[&str] = if present == "دار" || present == "باش" {
            &[""]
        } else {
            &["", "می\u{200c}", "می", "ب"]
        };
        for e in ["م", "ی", "د", "یم", "ید", "ند", "ه", "ن", "ین"] {
            for mi in pres_mi {
                push(format!("{mi}{present}{e}"));
            }
        }
    }
    // Colloquial شدن: میشه, بشه, شه (the present stem ش-).
    // Colloquial دادن: میده, میدن, میدم (the present stem د-).
    for w in [
        "میشه", "می\u{200c}شه", "بشه", "شه", "میشن", "می\u{200c}شن", "میشم", "می\u{200c}شم", "میده",
        "می\u{200c}ده", "میدن", "می\u{200c}دن", "میدم", "می\u{200c}دم",
    ] {
        push(w.to_string());
    }
    out
}

fn normalize(word: &str, out: &mut String) {
    let start = out.len();
    for c in fold_presentation_forms(word).chars() {
        match c {
            'ي' | 'ى' => out.push('ی'),
            'ك' => out.push('ک'),
            'ۀ' | 'ة' | 'ہ' => out.push('ه'),
            'أ' | 'إ' | 'ٱ' => out.push('ا'),
            'ؤ' => out.push('و'),
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{200D}' => {}
            ZWNJ => {
                let prev = out[start..].chars().last();
                if prev.is_some_and(crate::chars::is_alphabetic) {
                    out.push(ZWNJ);
                }
            }
            c => {
                if !crate::chars::is_alphabetic(c) && out[start..].ends_with(ZWNJ) {
                    out.pop();
                }
                push_lower_folded_digits(c.encode_utf8(&mut [0; 4]), out);
            }
        }
    }
    while out[start..].ends_with(ZWNJ) {
        out.pop();
    }
}

fn stopwords() -> &'static StopWords {
    static S: OnceLock<StopWords> = OnceLock::new();
    S.get_or_init(|| StopWords::new(&format!("{STOPWORDS} {COLLOQUIAL}"), normalize))
}

fn light_verbs() -> &'static StopWords {
    static S: OnceLock<StopWords> = OnceLock::new();
    S.get_or_init(|| StopWords::new(&light_verb_forms(), normalize))
}

/// Present stem : past stem of common (mostly irregular) verbs.
const VERBS: &str = "
کن:کرد شو:شد ده:داد گو:گفت گوی:گفت رو:رفت آ:آمد آی:آمد دان:دانست خواه:خواست توان:توانست
بین:دید گیر:گرفت دار:داشت زن:زد آور:آورد یاب:یافت ساز:ساخت نویس:نوشت خوان:خواند گذار:گذاشت
گذر:گذشت رس:رسید بر:برد پذیر:پذیرفت شناس:شناخت نشین:نشست کش:کشید فرست:فرستاد پرس:پرسید
افت:افتاد انداز:انداخت ایست:ایستاد باش:بود خور:خورد بند:بست فروش:فروخت خر:خرید گرد:گشت
شکن:شکست نما:نمود نمای:نمود جو:جست جوی:جست کوش:کوشید زی:زیست ریز:ریخت آموز:آموخت
گشا:گشود گشای:گشود فرما:فرمود فرمای:فرمود ده:داد بخش:بخشید پرداز:پرداخت گریز:گریخت
نه:نهاد شمار:شمرد میر:مرد گزین:گزید آفرین:آفرید بار:بارید خیز:خاست کاه:کاست افزا:افزود افزای:افزود
سپار:سپرد شو:شست پوش:پوشید دو:دوید ماند:ماند گذر:گذشت
";

fn verbs() -> &'static (HashMap<String, String>, Vec<String>) {
    static V: OnceLock<(HashMap<String, String>, Vec<String>)> = OnceLock::new();
    V.get_or_init(|| {
        let mut present = HashMap::new();
        let mut past = Vec::new();
        for e in VERBS.split_whitespace() {
            if let Some((p, q)) = e.split_once(':') {
                present
                    .entry(p.to_string())
                    .or_insert_with(|| q.to_string());
                past.push(q.to_string());
            }
        }
        past.sort();
        past.dedup();
        (present, past)
    })
}

fn present_to_past(stem: &str) -> Option<&'static str> {
    verbs().0.get(stem).map(String::as_str)
}

fn is_known_past(stem: &str) -> bool {
    verbs().1.binary_search_by(|x| x.as_str().cmp(stem)).is_ok()
}

/// Present stems too ambiguous with nouns to map without a verbal prefix.
const AMBIGUOUS_BARE: [&str; 8] = ["زن", "رو", "دو", "جو", "خر", "بر", "آ", "ده"];

/// Nouns (and their derivatives) that begin with the letters of می.
const MI_NOUNS: [&str; 16] = [
    "میدان",
    "میزان",
    "میان",
    "میلیون",
    "میلیارد",
    "میلاد",
    "میراث",
    "میهمان",
    "میوه",
    "میهن",
    "میز",
    "میل",
    "میرزا",
    "میخ",
    "میش",
    "مینا",
];

/// Nouns ending in ان that are not plurals.
const AN_NOUNS: [&str; 34] = [
    "سازمان",
    "ساختمان",
    "پایان",
    "زمان",
    "زبان",
    "میدان",
    "میزان",
    "ایران",
    "تهران",
    "جوان",
    "انسان",
    "آسمان",
    "باران",
    "خیابان",
    "کاروان",
    "داستان",
    "دوران",
    "امکان",
    "مکان",
    "میهمان",
    "جهان",
    "قرآن",
    "نان",
    "جان",
    "پیمان",
    "فرمان",
    "درمان",
    "گمان",
    "آبان",
    "بیان",
    "جریان",
    "میان",
    "دندان",
    "ایمان",
];

fn nchars(s: &str) -> usize {
    s.chars().count()
}

/// How a present form was prefixed, which decides the endings and stems
/// [`parse_present`] accepts.
#[derive(Clone, Copy, PartialEq)]
enum Prefix {
    /// No prefix: formal endings only, stems that double as nouns refused.
    Bare,
    /// After ب or ن: formal and colloquial endings.
    Mood,
    /// After می / نمی: also the one-letter colloquial stems (میشه, میره, میگه).
    Mi,
}

/// Colloquial present stems (past stem), written as spoken: میشه, میره,
/// میگه, میده. One letter each, so only after می/نمی (and ش after ب/ن:
/// بشه, نشه), never bare.
const COLLOQUIAL_PRESENT: [(&str, &str); 4] = [("ش", "شد"), ("ر", "رفت"), ("گ", "گفت"), ("د", "داد")];

/// Strip a present-tense person ending (formal, or colloquial 3sg -ه, 3pl
/// -ن, 2pl -ین) and map a known present stem.
fn parse_present(rest: &str, prefix: Prefix) -> Option<&'static str> {
    let endings: &[&str] = if prefix == Prefix::Bare {
        &["ند", "ید", "یم", "د", "م"]
    } else {
        &["ند", "ید", "یم", "ین", "د", "م", "ی", "ه", "ن", ""]
    };
    for e in endings {
        if let Some(st) = rest.strip_suffix(e) {
            if prefix == Prefix::Bare && (AMBIGUOUS_BARE.contains(&st) || nchars(rest) < 3) {
                continue;
            }
            if let Some(p) = present_to_past(st) {
                return Some(p);
            }
            let colloquial = match prefix {
                Prefix::Bare => None,
                Prefix::Mood => COLLOQUIAL_PRESENT[..1].iter().find(|(c, _)| *c == st),
                Prefix::Mi => COLLOQUIAL_PRESENT.iter().find(|(c, _)| *c == st),
            };
            if let Some((_, past)) = colloquial.filter(|_| !e.is_empty()) {
                return Some(past);
            }
        }
    }
    // داشتن takes no prefix in the present: colloquial داره, دارن, دارین.
    if prefix == Prefix::Bare {
        for e in ["ه", "ن", "ین"] {
            if rest.strip_suffix(e) == Some("دار") {
                return Some("داشت");
            }
        }
    }
    None
}

/// Strip a person ending after a past stem (کردند → کرد).
fn parse_past(w: &str) -> Option<&str> {
    if is_known_past(w) {
        return Some(w);
    }
    for e in ["ند", "یم", "ید", "م", "ی"] {
        if let Some(st) = w.strip_suffix(e) {
            if is_known_past(st)
                || ((st.ends_with('د') || st.ends_with('ت')) && nchars(st) >= 3 && e != "ی")
            {
                return Some(st);
            }
        }
    }
    None
}

const ZWNJ_SUFFIXES: [(&str, &str); 20] = [
    ("هایشان", "fa:plural-ha"),
    ("هایتان", "fa:plural-ha"),
    ("هایمان", "fa:plural-ha"),
    ("هایش", "fa:plural-ha"),
    ("هایم", "fa:plural-ha"),
    ("هایت", "fa:plural-ha"),
    ("هایی", "fa:plural-ha"),
    ("های", "fa:plural-ha"),
    ("ها", "fa:plural-ha"),
    ("ترین", "fa:superlative"),
    ("تری", "fa:comparative"),
    ("تر", "fa:comparative"),
    ("اند", "fa:clitic-and"),
    ("ایم", "fa:clitic-im"),
    ("اید", "fa:clitic-id"),
    ("ام", "fa:clitic-am"),
    ("ای", "fa:clitic-i"),
    ("اش", "fa:clitic-ash"),
    ("است", "fa:clitic-ast"),
    ("ی", "fa:ezafe"),
];

const SOLID_SUFFIXES: [(&str, &str, usize); 12] = [
    ("هایشان", "fa:plural-ha", 2),
    ("هایتان", "fa:plural-ha", 2),
    ("هایمان", "fa:plural-ha", 2),
    ("هایش", "fa:plural-ha", 2),
    ("هایم", "fa:plural-ha", 2),
    ("هایت", "fa:plural-ha", 2),
    ("هایی", "fa:plural-ha", 2),
    ("های", "fa:plural-ha", 2),
    ("ها", "fa:plural-ha", 2),
    ("ترین", "fa:superlative", 3),
    ("تری", "fa:comparative", 3),
    ("تر", "fa:comparative", 3),
];

/// Stem a normalized word. A negated verb keeps its negation: its term is
/// `ن` + the positive stem (`نمی‌خرم`, `نخریدم` → `نخرید`; `نبود` → `نبود`),
/// so `خوب بود` and `خوب نبود` stay apart in statistics; the positive stem
/// is an extra term ([`positive_stem`]), so a search for `خرید` finds both.
pub fn stem_word(word: &str) -> (String, Option<&'static str>) {
    let (s, rule, negated) = stem_parts(word);
    if negated {
        (format!("ن{s}"), Some("fa:verb-neg"))
    } else {
        (s, rule)
    }
}

/// The positive stem of a negated verb (`نمی‌خرم` → `خرید`), None for any
/// other word.
pub fn positive_stem(word: &str) -> Option<String> {
    let (s, _, negated) = stem_parts(word);
    negated.then_some(s)
}

/// The stem of a word, its rule, and whether the word is a negated verb
/// (the stem is then the positive one).
fn stem_parts(word: &str) -> (String, Option<&'static str>, bool) {
    let mut rule: Option<&'static str> = None;
    let mut negated = false;
    let mut w: &str = word;
    if !w.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)) {
        return (w.to_string(), None, false);
    }
    // 1. verbal prefix
    let mut verbal = false;
    for p in ["نمی\u{200c}", "می\u{200c}"] {
        if let Some(r) = w.strip_prefix(p) {
            if nchars(r) >= 1 {
                w = r;
                verbal = true;
                negated = p.starts_with('ن');
                rule = Some(if negated { "fa:prefix-nemi" } else { "fa:prefix-mi" });
                break;
            }
        }
    }
    // میشه, میشن… are شدن, not میش 'ewe'.
    let mi_noun = MI_NOUNS.iter().any(|n| w.starts_with(n))
        && !matches!(w, "میشه" | "میشن" | "میشم" | "میشی" | "میشیم" | "میشین");
    if !verbal && !mi_noun {
        for p in ["نمی", "می"] {
            if let Some(r) = w.strip_prefix(p) {
                if nchars(r) >= 3 || (nchars(r) >= 2 && parse_present(r, Prefix::Mi).is_some()) {
                    w = r;
                    verbal = true;
                    negated = p.starts_with('ن');
                    rule = Some(if negated { "fa:prefix-nemi" } else { "fa:prefix-mi" });
                    break;
                }
            }
        }
    }
    // 2. ZWNJ-attached suffixes, right to left
    let mut s = w.to_string();
    while let Some(i) = s.rfind(ZWNJ) {
        let tail = &s[i + ZWNJ.len_utf8()..];
        if let Some((_, r)) = ZWNJ_SUFFIXES.iter().find(|(x, _)| *x == tail) {
            rule = Some(r);
            s.truncate(i);
        } else {
            break;
        }
    }
    // Remaining ZWNJ (compounds): deleted in the term.
    s.retain(|c| c != ZWNJ);
    // 4a. verbs
    if verbal {
        if let Some(p) = parse_present(&s, Prefix::Mi) {
            return (p.to_string(), Some("fa:verb-present"), negated);
        }
        if let Some(p) = parse_past(&s) {
            return (p.to_string(), Some("fa:verb-past"), negated);
        }
        return (s, rule, negated);
    }
    // 3. solid suffixes
    for (suf, r, min) in SOLID_SUFFIXES {
        if let Some(st) = s.strip_suffix(suf) {
            if nchars(st) >= min && !(suf.starts_with('ت') && is_known_past(st)) {
                s.truncate(st.len());
                rule = Some(r);
                break;
            }
        }
    }
    // 4b. bare verbs: a negated known past stem (نخریدم, not نشست 'sat',
    // itself a known past), past stem + person ending, participle, present
    // stems
    if let Some(rest) = s.strip_prefix('ن') {
        let rest = rest.strip_suffix('ه').unwrap_or(rest);
        if let Some(p) = parse_past(rest).filter(|p| is_known_past(p)) {
            if !parse_past(&s).is_some_and(is_known_past) {
                return (p.to_string(), Some("fa:verb-neg"), true);
            }
        }
    }
    if let Some(p) = parse_past(&s) {
        let p = p.to_string();
        if p != s {
            return (p, Some("fa:verb-past"), false);
        }
    }
    if let Some(p) = parse_present(&s, Prefix::Bare) {
        return (p.to_string(), Some("fa:verb-present"), false);
    }
    for (pre, r) in [("ن", "fa:verb-neg"), ("ب", "fa:verb-subj")] {
        // نشست 'sat' is a past stem of its own, not ن + شست 'washed'.
        if pre == "ن" && is_known_past(&s) {
            continue;
        }
        if let Some(rest) = s.strip_prefix(pre) {
            let neg = pre == "ن";
            if let Some(p) = parse_present(rest, Prefix::Mood) {
                return (p.to_string(), Some(r), neg);
            }
            let rest = rest.strip_suffix('ه').unwrap_or(rest);
            if let Some(p) = parse_past(rest) {
                if is_known_past(p) {
                    return (p.to_string(), Some(r), neg);
                }
            }
        }
    }
    if let Some(st) = s.strip_suffix('ه') {
        if (st.ends_with('د') || st.ends_with('ت')) && (nchars(st) >= 3 || is_known_past(st)) {
            return (st.to_string(), Some("fa:participle"), false);
        }
    }
    // plurals in ان/ات
    if !AN_NOUNS.contains(&s.as_str()) {
        for (suf, r, repl) in [
            ("گان", "fa:plural-gan", "ه"),
            ("یان", "fa:plural-yan", ""),
            ("ات", "fa:plural-at", ""),
            ("ان", "fa:plural-an", ""),
        ] {
            if let Some(st) = s.strip_suffix(suf) {
                let protected =
                    suf == "ان" && ["ست", "س", "ر", "و", "ا"].iter().any(|e| st.ends_with(e));
                if nchars(st) >= 3 && !protected {
                    s = format!("{st}{repl}");
                    rule = Some(r);
                    break;
                }
            }
        }
    }
    // ezafe / indefinite / nisba ی
    if let Some(st) = s.strip_suffix("یی") {
        if nchars(st) >= 2 {
            s.truncate(st.len());
            rule = Some("fa:ezafe-yi");
        }
    } else if let Some(st) = s.strip_suffix('ی') {
        if nchars(st) >= 3 {
            s.truncate(st.len());
            rule = Some("fa:ezafe-i");
        }
    }
    (s, rule, false)
}

const JOIN_AFTER: [&str; 6] = ["ها", "های", "هایی", "تر", "ترین", "تری"];

impl Language for Persian {
    fn normalize(&self, word: &str, out: &mut String) {
        normalize(word, out)
    }
    fn is_stopword(&self, normalized: &str) -> bool {
        stopwords().contains(normalized)
    }
    fn is_light(&self, normalized: &str) -> bool {
        light_verbs().contains(normalized)
    }
    fn extra_terms(&self, normalized: &str, _term: &str, out: &mut Vec<String>) {
        out.extend(positive_stem(normalized));
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
    fn joins(&self) -> bool {
        true
    }
    fn join(&self, prev: &str, next: &str) -> Join {
        let letters = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| crate::chars::is_alphabetic(c) || c == ZWNJ)
        };
        if !letters(prev) || !letters(next) {
            return Join::No;
        }
        if (prev == "می" || prev == "نمی") && nchars(next) >= 2 && !stopwords().contains(next)
        {
            return Join::Join;
        }
        if JOIN_AFTER.contains(&next) && nchars(prev) >= 2 && !stopwords().contains(prev) {
            return Join::Join;
        }
        Join::No
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Analyzer, MAX_TERM_BYTES};
    use crate::lang::Lang;

    fn terms(s: &str) -> Vec<String> {
        Analyzer::get(Lang::Fa)
            .analyze(s)
            .into_iter()
            .filter(|t| !t.stop)
            .map(|t| t.term.to_string())
            .collect()
    }

    #[test]
    fn unifies_arabic_letter_forms_and_keeps_zwnj() {
        let a = Analyzer::get(Lang::Fa);
        assert_eq!(a.analyze("مشتري")[0].term, a.analyze("مشتری")[0].term);
        assert_eq!(a.analyze("سازمان‌ها")[0].normalized, "سازمان\u{200c}ها");
        assert_eq!(a.analyze("۸۰ درصد")[0].term, "80");
        assert_eq!(a.analyze("همهٔ")[0].normalized, "همه");
    }

    #[test]
    fn spacing_variants_conflate() {
        let mi = terms("می‌روم");
        assert_eq!(mi.len(), 1);
        assert_eq!(terms("می روم"), mi);
        assert_eq!(terms("میروم"), mi);
        let k = terms("کتاب");
        assert_eq!(terms("کتاب‌ها"), k);
        assert_eq!(terms("کتاب ها"), k);
        assert_eq!(terms("کتابها"), k);
        assert_eq!(terms("کتاب‌های"), k);
        assert_eq!(terms("بزرگ‌ترین"), terms("بزرگ"));
        assert_eq!(terms("بزرگ تر"), terms("بزرگ"));
        let toks = Analyzer::get(Lang::Fa).analyze("من می روم");
        assert_eq!(toks.len(), 2);
        assert_eq!(toks[1].rule, Some("fa:verb-present"));
        assert_eq!(Analyzer::get(Lang::Fa).analyze("می‌روی")[0].term, "رفت");
    }

    #[test]
    fn verbs_share_the_past_stem() {
        let k = terms("خرید");
        assert_eq!(k, vec!["خرید"]);
        for w in [
            "خریدند",
            "خریده",
            "می‌خرد",
            "می‌خرند",
            "خریده‌اند",
            "بخرد",
        ] {
            assert_eq!(terms(w), k, "{w}");
        }
    }

    #[test]
    fn light_verbs_stop_by_form() {
        let a = Analyzer::get(Lang::Fa);
        for w in [
            "کردم", "کرده", "می کند", "می‌کند", "میکنه", "شود", "شده", "میشه", "دارد", "داره",
            "بود", "کردن", "رو", "یه", "هم", "اینو", "خیلی",
        ] {
            let t = a.analyze(w);
            assert!(t.iter().all(|t| t.stop), "{w}: {t:?}");
        }
        // Content words stay terms, and so does کند 'slow'.
        for w in ["خوب", "بد", "بانک", "غذا", "کیفیت", "کند", "ارسال"] {
            assert_eq!(terms(w).len(), 1, "{w}");
        }
    }

    #[test]
    fn light_verbs_are_indexed_and_share_a_term() {
        let a = Analyzer::get(Lang::Fa);
        let term = |w: &str| {
            let t = a.analyze(w);
            assert!(t[0].light && t[0].indexed(), "{w}: {t:?}");
            t[0].term.to_string()
        };
        assert_eq!(term("کردم"), "کرد");
        assert_eq!(term("می‌کنند"), "کرد");
        assert_eq!(term("شده"), "شد");
    }

    #[test]
    fn negation_is_kept_and_the_positive_stem_is_an_extra_term() {
        let a = Analyzer::get(Lang::Fa);
        let one = |w: &str| a.analyze(w).remove(0);
        for (neg, pos) in [
            ("نبود", "بود"),
            ("نداشت", "داشت"),
            ("نمی‌خرم", "خریدم"),
            ("نخریدم", "خریدم"),
            ("نشد", "شد"),
            ("نمیشه", "میشه"),
            ("نمی‌کنند", "می‌کنند"),
        ] {
            let (n, p) = (one(neg), one(pos));
            assert!(n.indexed() && !n.stop, "{neg}: {n:?}");
            assert_ne!(n.term, p.term, "{neg} / {pos}");
            assert_eq!(n.extra, vec![p.term.to_string()], "{neg}");
        }
        // Both spellings of one negated verb share the term.
        assert_eq!(one("نمی‌خرم").term, one("نخریدم").term);
        assert_eq!(one("نمی خرم").term, one("نخرید").term);
        // Words that start with ن are not negated verbs.
        for w in ["نوشت", "نشست", "نان", "نظر", "نسبت"] {
            assert!(one(w).extra.is_empty(), "{w}: {:?}", one(w));
        }
    }

    #[test]
    fn presentation_forms_fold_to_letters() {
        // ﯼ (U+FBFC) is the Persian yeh, ﮐ (U+FB90) the keheh.
        assert_eq!(terms("ﮐﯿﻔﯿﺖ"), terms("کیفیت"));
        assert_eq!(terms("ﺳﻼﻡ"), terms("سلام"));
    }

    #[test]
    fn guards_protect_look_alikes() {
        assert_eq!(terms("سازمان"), vec!["سازمان"]);
        assert_eq!(terms("ساختمان"), vec!["ساختمان"]);
        assert_eq!(terms("پایان"), vec!["پایان"]);
        assert_eq!(terms("میدان"), vec!["میدان"]);
        assert_eq!(terms("درختان"), terms("درخت"));
        assert_eq!(terms("سازمان‌ها"), terms("سازمان"));
    }

    #[test]
    fn long_words_kept() {
        let w = "ب".repeat(MAX_TERM_BYTES / 2);
        assert_eq!(Analyzer::get(Lang::Fa).analyze(&w).len(), 1);
    }

    crate::lang::analyzer_properties!(
        Lang::Fa,
        super::normalize,
        "[\\u0600-\\u06FF\\u200c\\u200d]"
    );
}
