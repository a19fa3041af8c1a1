//! Informal text: URLs, handles, RT markers, hashtags and emoji are token
//! kinds of their own, counted in `stats summary`, searchable, and left out
//! of word statistics unless `--include` names them.

use std::path::{Path, PathBuf};

use crate::util::{json_lines, run, stdout, TestDir};

/// Terms that are pieces of URLs, handles, retweet markers or HTML entities.
const NOISE: [&str; 9] = ["http", "https", "t.co", "www", "rt", "quot", "amp", "nbsp", "co"];

fn is_noise(term: &str) -> bool {
    let t = term.to_lowercase();
    NOISE.contains(&t.as_str()) || t.contains("http") || t.contains("t.co/")
}

/// Tweets and comments written for this test, in the five languages.
const POSTS: &str = r#"{"id": "t1", "text": "RT @bank_help: Карта снова не работает https://t.co/AbC123 #банк 😡😡"}
{"id": "t2", "text": "RT @bank_help: Приложение не работает второй день, деньги списали https://t.co/XyZ789 😡"}
{"id": "t3", "text": "Kredit wurde endlich bewilligt, danke @KundenService :) http://www.beispiel.de/kredit #zufrieden 👍🏽"}
{"id": "t4", "text": "Kredit abgelehnt, keine Begründung. Sehr enttäuschend https://t.co/Qq11 via @Verbraucher 👎"}
{"id": "t5", "text": "Dostava je zamudila tri dni, zamuda je nesprejemljiva https://t.co/Zz99 @trgovina 😡"}
{"id": "t6", "text": "Paket je prišel hitro, prijazna dostava, priporočam! www.trgovina.si #hvala 😍😍😍"}
{"id": "t7", "text": "التطبيق ممتاز والتوصيل سريع جدا https://t.co/Ar12 #خدمة_العملاء 😍"}
{"id": "t8", "text": "الطلب اتأخر اسبوع والدعم مبيردش @support_eg 😡 https://t.co/Ar34"}
{"id": "t9", "text": "کیفیت گوشی عالیه ولی ارسال خیلی دیر بود https://t.co/Fa56 #دیجی‌کالا 😍"}
{"id": "t10", "text": "پشتیبانی جواب نداد، اصلا راضی نیستم @digi_support 😡 https://t.co/Fa78"}
"#;

fn posts_index() -> TestDir {
    let t = TestDir::new();
    let input = t.write("posts/posts.jsonl", POSTS);
    let o = run(t.cmd(&["index", input.parent().unwrap().to_str().unwrap()]));
    assert!(o.status.success(), "{}", crate::util::stderr(&o));
    t
}

/// The token kinds of `stats summary`, summed over its rows (languages).
fn summary_kinds(t: &TestDir) -> std::collections::BTreeMap<String, u64> {
    let o = run(t.cmd(&["stats", "summary", "--json"]));
    assert!(o.status.success(), "{}", crate::util::stderr(&o));
    let mut sum = std::collections::BTreeMap::new();
    for row in json_lines(&o) {
        for (k, v) in row["kinds"].as_object().expect("kinds") {
            *sum.entry(k.clone()).or_insert(0) += v.as_u64().unwrap();
        }
    }
    sum
}

#[test]
fn informal_tokens_are_counted_not_words() {
    let t = posts_index();
    let k = summary_kinds(&t);
    let n = |kind: &str| k[kind];
    // Every URL of the posts: eight t.co links, one with a scheme, one bare host.
    assert_eq!(n("url"), 10, "{k:?}");
    assert_eq!(n("handle"), 7, "{k:?}");
    assert_eq!(n("hashtag"), 5, "{k:?}");
    assert_eq!(n("marker"), 3, "RT RT via: {k:?}");
    assert_eq!(n("emoticon"), 1, "{k:?}");
    // 😡😡 😡 👍🏽 👎 😡 😍😍😍 😍 😡 😍 😡, the skin tone joined to its emoji.
    assert_eq!(n("emoji"), 13, "{k:?}");

    // Word statistics see none of them.
    let o = run(t.cmd(&["stats", "freq", "--json", "-n", "0", "--min-count", "1"]));
    let terms: Vec<String> = json_lines(&o)
        .iter()
        .map(|r| r["term"].as_str().unwrap().to_string())
        .collect();
    assert!(terms.iter().any(|t| t == "kredit"), "{terms:?}");
    for term in &terms {
        assert!(!is_noise(term), "{term} in {terms:?}");
        assert!(!term.starts_with('@') && !term.starts_with('#'), "{term}");
        assert!(!term.contains("bank_help") && !term.contains("trgovina.si"), "{term}");
    }

    // --include emoji counts emoji as terms: 😡 is the most frequent.
    let o = run(t.cmd(&["stats", "freq", "--json", "--include", "emoji", "-n", "1"]));
    assert_eq!(json_lines(&o)[0]["term"], "😡", "{}", stdout(&o));
}

#[test]
fn informal_tokens_are_searchable() {
    let t = posts_index();
    let hits = |q: &str| {
        let o = run(t.cmd(&["search", q, "--json", "-n", "100"]));
        assert!(o.status.success(), "{q}: {}", crate::util::stderr(&o));
        json_lines(&o).len()
    };
    assert_eq!(hits("kind:emoji"), 10);
    assert_eq!(hits("kind:url"), 10);
    assert_eq!(hits("url:t.co"), 8);
    assert_eq!(hits("url:trgovina.si"), 1);
    assert_eq!(hits("@bank_help"), 2);
    assert_eq!(hits("#hvala"), 1);
    assert_eq!(hits("😍"), 3);
    assert_eq!(hits("kind:emoji AND lang:sl"), 2);
}

fn feedback_dev() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/feedback/dev");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skip: {} not found (real feedback dev set)", p.display());
        None
    }
}

/// On real feedback (../shared/feedback/dev), what a researcher sees first is
/// clean: no URL, handle, RT or entity fragment among the top 100 terms of any
/// language, in theme labels or in collocates; none of the function words the
/// first users reported among the top 50; every token kind counted.
#[test]
#[cfg_attr(not(korpus_shared), ignore = "needs ../shared/feedback/dev (development data, not in a clone)")]
fn real_feedback_top_terms_are_clean() {
    let Some(dev) = feedback_dev() else { return };
    let t = TestDir::new();
    let o = run(t.cmd(&["index", dev.to_str().unwrap()]));
    assert!(o.status.success(), "{}", crate::util::stderr(&o));
    let reported: &[(&str, &[&str])] = &[
        ("ar", &["بس", "اللي", "مره", "قال", "ده", "مش"]),
        ("de", &["mal", "schon", "ja", "halt", "eben"]),
        ("fa", &["رو", "یه", "شده", "کردم", "می‌کند", "شود", "دارد", "خیلی"]),
        ("ru", &["очень", "просто", "вообще", "который", "свой"]),
        ("sl", &["samo", "sej", "lahko", "pač", "zelo"]),
    ];
    for (lang, function_words) in reported {
        let subset = format!("lang:{lang}");
        let o = run(t.cmd(&["stats", "freq", "--subset", &subset, "-n", "100", "--json"]));
        assert!(o.status.success(), "{}", crate::util::stderr(&o));
        let rows = json_lines(&o);
        assert_eq!(rows.len(), 100, "{lang}");
        for (rank, r) in rows.iter().enumerate() {
            let (term, surface) = (r["term"].as_str().unwrap(), r["surface"].as_str().unwrap());
            assert!(!is_noise(term) && !is_noise(surface), "{lang} #{rank}: {surface}");
            if rank < 50 {
                assert!(!function_words.contains(&surface), "{lang} #{rank}: {surface}");
            }
        }
    }
    let o = run(t.cmd(&["themes", "--json"]));
    assert!(o.status.success(), "{}", crate::util::stderr(&o));
    for theme in json_lines(&o).iter().filter(|l| l.get("quality").is_none()) {
        let label = theme["label"].as_str().unwrap();
        for w in label.split([' ', '/']) {
            assert!(!is_noise(w), "theme label {label}");
        }
        for term in theme["terms"].as_array().unwrap() {
            assert!(!is_noise(term.as_str().unwrap()), "theme {label}: {term}");
        }
    }
    let o = run(t.cmd(&["stats", "colloc", "кредит", "--lang", "ru", "--json"]));
    assert!(o.status.success(), "{}", crate::util::stderr(&o));
    let collocates = json_lines(&o);
    assert!(!collocates.is_empty());
    for r in collocates {
        assert!(!is_noise(r["term"].as_str().unwrap()), "collocate {r}");
    }
    let o = run(t.cmd(&["stats", "summary", "--json"]));
    for row in json_lines(&o) {
        let kinds = row["kinds"].as_object().unwrap();
        assert_eq!(kinds.len(), 8, "{kinds:?}");
    }
}
