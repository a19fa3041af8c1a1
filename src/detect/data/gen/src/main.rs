//! Derives korpus's compact character n-gram tables from lingua's language
//! models (crates `lingua-<language>-language-model` 1.3, Apache-2.0).
//! Run from this folder: `cargo run --release -- .. 20000` (writes
//! `../<script>.bin`; 20000 = n-grams of each order 3–5 kept per language).
use fst::{Map, Streamer};
use include_dir::Dir;
use std::collections::{HashMap, HashSet};

/// Hash of an n-gram, folded from its last char to its first (the detector
/// extends it char by char backwards from the current position).
fn hash_rev(chars: &[char]) -> u64 {
    let mut h = SEED;
    for &c in chars.iter().rev() {
        h = step(h, c);
    }
    h
}
const SEED: u64 = 0x243F_6A88_85A3_08D3;
fn step(h: u64, c: char) -> u64 {
    let x = (h ^ c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

struct Lang {
    code: &'static str,
    dir: &'static Dir<'static>,
    latin_translit: bool,
    /// Kept only to tell texts in it from the targets' neighbours: a
    /// quarter of `top` n-grams of orders 3..5.
    small: bool,
}

fn load(dir: &Dir) -> HashMap<String, f64> {
    let f = dir.get_file("ngrams.fst").expect("ngrams.fst");
    let m = Map::new(f.contents().to_vec()).expect("fst");
    let mut s = m.stream();
    let mut out = HashMap::new();
    while let Some((k, v)) = s.next() {
        out.insert(String::from_utf8(k.to_vec()).unwrap(), f64::from_bits(v));
    }
    out
}

fn serbian_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'ђ' => "đ",
        'е' => "e",
        'ж' => "ž",
        'з' => "z",
        'и' => "i",
        'ј' => "j",
        'к' => "k",
        'л' => "l",
        'љ' => "lj",
        'м' => "m",
        'н' => "n",
        'њ' => "nj",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'ћ' => "ć",
        'у' => "u",
        'ф' => "f",
        'х' => "h",
        'ц' => "c",
        'ч' => "č",
        'џ' => "dž",
        'ш' => "š",
        _ => return None,
    })
}

/// Serbian Cyrillic n-grams mapped to Latin (љ→lj, …); n-grams that grow
/// past five letters are dropped; of several that map to one key, the
/// likeliest stays.
fn transliterate(m: &HashMap<String, f64>) -> HashMap<String, f64> {
    let mut out: HashMap<String, f64> = HashMap::new();
    'next: for (k, &v) in m {
        let mut s = String::new();
        for c in k.chars() {
            match serbian_latin(c) {
                Some(l) => s.push_str(l),
                None => continue 'next,
            }
        }
        if s.chars().count() > 5 {
            continue;
        }
        let e = out.entry(s).or_insert(f64::NEG_INFINITY);
        if v > *e {
            *e = v;
        }
    }
    out
}

fn in_script(c: char, script: &str) -> bool {
    let u = c as u32;
    match script {
        "latin" => c.is_ascii_lowercase() || (0xC0..=0x24F).contains(&u),
        "cyrillic" => (0x400..=0x52F).contains(&u),
        "arabic" => (0x600..=0x6FF).contains(&u) || (0x750..=0x77F).contains(&u) || u == 0x200C,
        _ => false,
    }
}

/// Kept per language and order (by joint probability): n-grams of orders
/// 1 and 2 all, of orders 3..5 the `top` likeliest.
fn main() {
    let out_dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let top: usize = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(20000);
    let groups: Vec<(&str, Vec<Lang>)> = vec![
        (
            "latin",
            vec![
                Lang {
                    code: "de",
                    dir: &lingua_german_language_model::GERMAN_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "sl",
                    dir: &lingua_slovene_language_model::SLOVENE_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "hr",
                    dir: &lingua_croatian_language_model::CROATIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "bs",
                    dir: &lingua_bosnian_language_model::BOSNIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "sr",
                    dir: &lingua_serbian_language_model::SERBIAN_MODELS_DIRECTORY,
                    latin_translit: true,
                    small: false,
                },
                Lang {
                    code: "cs",
                    dir: &lingua_czech_language_model::CZECH_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "sk",
                    dir: &lingua_slovak_language_model::SLOVAK_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "nl",
                    dir: &lingua_dutch_language_model::DUTCH_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "en",
                    dir: &lingua_english_language_model::ENGLISH_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "la",
                    dir: &lingua_latin_language_model::LATIN_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: true,
                },
                Lang {
                    code: "hu",
                    dir: &lingua_hungarian_language_model::HUNGARIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: true,
                },
                Lang {
                    code: "pl",
                    dir: &lingua_polish_language_model::POLISH_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: true,
                },
            ],
        ),
        (
            "cyrillic",
            vec![
                Lang {
                    code: "ru",
                    dir: &lingua_russian_language_model::RUSSIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "uk",
                    dir: &lingua_ukrainian_language_model::UKRAINIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "bg",
                    dir: &lingua_bulgarian_language_model::BULGARIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "be",
                    dir: &lingua_belarusian_language_model::BELARUSIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "sr",
                    dir: &lingua_serbian_language_model::SERBIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
            ],
        ),
        (
            "arabic",
            vec![
                Lang {
                    code: "ar",
                    dir: &lingua_arabic_language_model::ARABIC_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "fa",
                    dir: &lingua_persian_language_model::PERSIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
                Lang {
                    code: "ur",
                    dir: &lingua_urdu_language_model::URDU_MODELS_DIRECTORY,
                    latin_translit: false,
                    small: false,
                },
            ],
        ),
    ];
    for (script, langs) in &groups {
        let models: Vec<HashMap<String, f64>> = langs
            .iter()
            .map(|l| {
                let m = load(l.dir);
                let m = if l.latin_translit {
                    transliterate(&m)
                } else {
                    m
                };
                m.into_iter()
                    .filter(|(k, _)| k.chars().all(|c| in_script(c, script)))
                    .collect()
            })
            .collect();
        let codes: Vec<&str> = langs.iter().map(|l| l.code).collect();
        let tops: Vec<usize> = langs
            .iter()
            .map(|l| if l.small { top / 4 } else { top })
            .collect();
        write_table(&format!("{out_dir}/{script}.bin"), &codes, &models, &tops);
        if *script == "latin" {
            // The same languages typed without diacritics (č → c, ä → a…),
            // with two fifths of the n-grams.
            let folded: Vec<HashMap<String, f64>> = models.iter().map(fold_model).collect();
            let tops: Vec<usize> = tops.iter().map(|t| t * 2 / 5).collect();
            write_table(&format!("{out_dir}/latin-ascii.bin"), &codes, &folded, &tops);
        }
    }
}

/// A Latin letter without its diacritics (`č` → `c`), or `None` for a
/// letter that has no one-letter ASCII form (ß, æ, œ).
fn fold(c: char) -> Option<char> {
    if c.is_ascii_lowercase() {
        return Some(c);
    }
    match c {
        'đ' => return Some('d'),
        'ł' => return Some('l'),
        'ø' => return Some('o'),
        'ı' => return Some('i'),
        _ => {}
    }
    use unicode_normalization::UnicodeNormalization;
    let base = std::iter::once(c).nfd().next()?;
    base.is_ascii_lowercase().then_some(base)
}

/// Joint log-probability of an n-gram: the chain of its conditionals.
fn joint(m: &HashMap<String, f64>, cs: &[char]) -> f64 {
    (1..=cs.len())
        .map(|n| {
            let p: String = cs[..n].iter().collect();
            m.get(&p).copied().unwrap_or(-20.0)
        })
        .sum()
}

fn log_add(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY {
        hi
    } else {
        hi + (lo - hi).exp().ln_1p()
    }
}

/// A model of text typed without diacritics: the joint probability of a
/// folded n-gram is the sum over the n-grams that fold to it, and its
/// conditional the ratio of that to its folded prefix's.
fn fold_model(m: &HashMap<String, f64>) -> HashMap<String, f64> {
    let mut joints: HashMap<String, f64> = HashMap::new();
    // In a fixed order, so the sums come out the same on every run.
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    for k in keys {
        let cs: Vec<char> = k.chars().collect();
        let Some(f) = cs.iter().map(|&c| fold(c)).collect::<Option<String>>() else {
            continue;
        };
        let j = joint(m, &cs);
        let e = joints.entry(f).or_insert(f64::NEG_INFINITY);
        *e = log_add(*e, j);
    }
    joints
        .iter()
        .filter_map(|(k, &j)| {
            let cs: Vec<char> = k.chars().collect();
            let cond = if cs.len() == 1 {
                j
            } else {
                let p: String = cs[..cs.len() - 1].iter().collect();
                j - joints.get(&p)?
            };
            Some((k.clone(), cond.min(0.0)))
        })
        .collect()
}

/// Selects each language's n-grams (orders 1 and 2 all, of orders 3..5 its
/// `tops` likeliest) and writes their union with every language's value.
fn write_table(path: &str, codes: &[&str], models: &[HashMap<String, f64>], tops: &[usize]) {
    let mut keys: HashSet<String> = HashSet::new();
    for (m, &top) in models.iter().zip(tops) {
        for n in 1..=5usize {
            let mut v: Vec<(f64, &String)> = m
                .keys()
                .filter(|k| k.chars().count() == n)
                .map(|k| (joint(m, &k.chars().collect::<Vec<_>>()), k))
                .collect();
            v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            let keep = if n <= 2 { v.len() } else { top.min(v.len()) };
            keys.extend(v[..keep].iter().map(|(_, k)| (*k).clone()));
        }
    }
    let mut rows: Vec<(u64, Vec<u8>)> = keys
        .iter()
        .map(|k| {
            let cs: Vec<char> = k.chars().collect();
            let vals = models
                .iter()
                .map(|m| match m.get(k) {
                    Some(&lp) => (-lp * 10.0).round().clamp(0.0, 254.0) as u8,
                    None => 255,
                })
                .collect();
            (hash_rev(&cs), vals)
        })
        .collect();
    rows.sort_by_key(|r| r.0);
    for w in rows.windows(2) {
        assert_ne!(w[0].0, w[1].0, "hash collision");
    }
    // The lookup table itself, as the detector probes it: open addressing,
    // three fifths full, home slot from the hash's low 32 bits, linear
    // probing; each slot (high 32 bits of the hash, row), row u32::MAX =
    // empty. Stored prebuilt so that nothing is built or copied at start-up.
    let n = rows.len();
    let cap = (n + n * 2 / 3).max(16);
    let mut slots = vec![(0u32, u32::MAX); cap];
    for (row, (h, _)) in rows.iter().enumerate() {
        let mut i = (((h & 0xFFFF_FFFF) * cap as u64) >> 32) as usize;
        while slots[i].1 != u32::MAX {
            i = if i + 1 == cap { 0 } else { i + 1 };
        }
        slots[i] = ((h >> 32) as u32, row as u32);
    }
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"KNG2");
    bytes.push(codes.len() as u8);
    for c in codes {
        bytes.extend_from_slice(c.as_bytes());
    }
    bytes.extend_from_slice(&(n as u32).to_le_bytes());
    bytes.extend_from_slice(&(cap as u32).to_le_bytes());
    for (fp, row) in &slots {
        bytes.extend_from_slice(&fp.to_le_bytes());
        bytes.extend_from_slice(&row.to_le_bytes());
    }
    for (_, v) in &rows {
        bytes.extend_from_slice(v);
    }
    std::fs::write(path, &bytes).unwrap();
    eprintln!("{path}: {} n-grams, {} bytes", rows.len(), bytes.len());
}
