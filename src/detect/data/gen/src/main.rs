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
                },
                Lang {
                    code: "sl",
                    dir: &lingua_slovene_language_model::SLOVENE_MODELS_DIRECTORY,
                    latin_translit: false,
                },
                Lang {
                    code: "hr",
                    dir: &lingua_croatian_language_model::CROATIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                },
                Lang {
                    code: "bs",
                    dir: &lingua_bosnian_language_model::BOSNIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                },
                Lang {
                    code: "sr",
                    dir: &lingua_serbian_language_model::SERBIAN_MODELS_DIRECTORY,
                    latin_translit: true,
                },
                Lang {
                    code: "cs",
                    dir: &lingua_czech_language_model::CZECH_MODELS_DIRECTORY,
                    latin_translit: false,
                },
                Lang {
                    code: "sk",
                    dir: &lingua_slovak_language_model::SLOVAK_MODELS_DIRECTORY,
                    latin_translit: false,
                },
                Lang {
                    code: "nl",
                    dir: &lingua_dutch_language_model::DUTCH_MODELS_DIRECTORY,
                    latin_translit: false,
                },
                Lang {
                    code: "en",
                    dir: &lingua_english_language_model::ENGLISH_MODELS_DIRECTORY,
                    latin_translit: false,
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
                },
                Lang {
                    code: "uk",
                    dir: &lingua_ukrainian_language_model::UKRAINIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                },
                Lang {
                    code: "bg",
                    dir: &lingua_bulgarian_language_model::BULGARIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                },
                Lang {
                    code: "be",
                    dir: &lingua_belarusian_language_model::BELARUSIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                },
                Lang {
                    code: "sr",
                    dir: &lingua_serbian_language_model::SERBIAN_MODELS_DIRECTORY,
                    latin_translit: false,
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
                },
                Lang {
                    code: "fa",
                    dir: &lingua_persian_language_model::PERSIAN_MODELS_DIRECTORY,
                    latin_translit: false,
                },
                Lang {
                    code: "ur",
                    dir: &lingua_urdu_language_model::URDU_MODELS_DIRECTORY,
                    latin_translit: false,
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
        let mut keys: HashSet<String> = HashSet::new();
        for m in &models {
            // Joint log-probability: the chain of conditionals over prefixes.
            let joint = |k: &str| -> f64 {
                let cs: Vec<char> = k.chars().collect();
                (1..=cs.len())
                    .map(|n| {
                        let p: String = cs[..n].iter().collect();
                        m.get(&p).copied().unwrap_or(-20.0)
                    })
                    .sum()
            };
            for n in 1..=5usize {
                let mut v: Vec<(f64, &String)> = m
                    .keys()
                    .filter(|k| k.chars().count() == n)
                    .map(|k| (joint(k), k))
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
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"KNG1");
        bytes.push(langs.len() as u8);
        for l in langs {
            bytes.extend_from_slice(l.code.as_bytes());
        }
        bytes.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        for (h, _) in &rows {
            bytes.extend_from_slice(&h.to_le_bytes());
        }
        for (_, v) in &rows {
            bytes.extend_from_slice(v);
        }
        let path = format!("{out_dir}/{script}.bin");
        std::fs::write(&path, &bytes).unwrap();
        eprintln!("{path}: {} n-grams, {} bytes", rows.len(), bytes.len());
    }
}
