//! Conflation evaluation of the analyzers against gold lemmas.
//!
//! Implements `../shared/analysis/METRIC.md` exactly (the same counts as
//! `conflation.py`): over the forms of a `form<TAB>lemma<TAB>upos<TAB>count`
//! file, every unordered pair of distinct forms is a true merge (same lemma,
//! same term), a missed merge, a false merge or a correct split. Forms whose
//! analyzer output is empty (stopwords) are dropped and counted.
//!
//! * P = true pairs / pairs with the same term (None when no pair shares a term),
//! * R = true pairs / pairs with the same lemma, F1 = 2PR/(P+R) (0 when P or R is
//!   0 or undefined), and the token-weighted variants (a pair weighs
//!   `count(a) × count(b)`).
//!
//! [`eval_dir`] scores korpus and the baselines that can be run in Rust
//! (rust-stemmers Snowball for ar/de/ru; lower-case only) on each dev file, and
//! its `Display` also quotes the BASELINES.md figures of the engines that cannot
//! be run here (Lucene, Snowball 3).

use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufRead, Write};
use std::path::Path;

use rust_stemmers::{Algorithm, Stemmer};

use super::Analyzer;
use crate::lang::Lang;

/// One analyzer under evaluation: surface form → indexed term.
type TermFn = Box<dyn Fn(&str) -> Option<String>>;

/// Conflation scores of one analyzer on one gold file (see METRIC.md).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Score {
    /// Conflation precision (None: no pair shares a term).
    pub p: Option<f64>,
    /// Conflation recall (None: no pair shares a lemma).
    pub r: Option<f64>,
    /// F1 of P and R (0 when either is 0 or undefined).
    pub f1: f64,
    /// Token-weighted precision.
    pub p_tok: Option<f64>,
    /// Token-weighted recall.
    pub r_tok: Option<f64>,
    /// Token-weighted F1.
    pub f1_tok: f64,
    /// Forms in the file (after the UPOS filter).
    pub forms: usize,
    /// Forms with a non-empty term.
    pub scored_forms: usize,
    /// Forms whose output was empty (stopped).
    pub dropped_forms: usize,
    /// Tokens of the dropped forms.
    pub dropped_tokens: u64,
    /// Distinct lemmas of the scored forms.
    pub lemmas: usize,
    /// Distinct terms of the scored forms.
    pub terms: usize,
    /// Pairs of scored forms with the same lemma.
    pub lemma_pairs: u64,
    /// Pairs of scored forms with the same term.
    pub term_pairs: u64,
    /// Pairs with the same lemma and the same term.
    pub true_pairs: u64,
}

/// One gold row.
#[derive(Debug, Clone)]
struct Row {
    form: String,
    lemma: String,
    upos: String,
    count: u64,
}

fn read_tsv(tsv: &Path) -> io::Result<Vec<Row>> {
    let f = std::fs::File::open(tsv)?;
    let mut rows = Vec::new();
    for (n, line) in io::BufReader::new(f).lines().enumerate() {
        let line = line?;
        if line.is_empty() {
            continue;
        }
        let p: Vec<&str> = line.split('\t').collect();
        let bad = || {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}:{}: expected form<TAB>lemma<TAB>upos<TAB>count",
                    tsv.display(),
                    n + 1
                ),
            )
        };
        if p.len() != 4 {
            return Err(bad());
        }
        let count = p[3].trim().parse().map_err(|_| bad())?;
        rows.push(Row {
            form: p[0].into(),
            lemma: p[1].into(),
            upos: p[2].into(),
            count,
        });
    }
    Ok(rows)
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

fn wpairs(counts: &[u64]) -> u64 {
    let s: u128 = counts.iter().map(|&c| c as u128).sum();
    let sq: u128 = counts.iter().map(|&c| (c as u128) * (c as u128)).sum();
    ((s * s - sq) / 2) as u64
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn prf(b: u64, t: u64, l: u64) -> (Option<f64>, Option<f64>, f64) {
    let p = (t > 0).then(|| b as f64 / t as f64);
    let r = (l > 0).then(|| b as f64 / l as f64);
    let f1 = match (p, r) {
        (Some(p), Some(r)) if p > 0.0 && r > 0.0 => 2.0 * p * r / (p + r),
        _ => 0.0,
    };
    (p.map(round4), r.map(round4), round4(f1))
}

/// Score a mapping `(form, lemma, count, term)`; `term` None = dropped.
fn score(rows: &[(Row, Option<String>)]) -> Score {
    let mut by_l: HashMap<&str, Vec<u64>> = HashMap::new();
    let mut by_t: HashMap<&str, Vec<u64>> = HashMap::new();
    let mut by_lt: HashMap<(&str, &str), Vec<u64>> = HashMap::new();
    let (mut dropped_forms, mut dropped_tokens) = (0usize, 0u64);
    for (row, term) in rows {
        match term.as_deref() {
            Some(t) if !t.is_empty() => {
                by_l.entry(&row.lemma).or_default().push(row.count);
                by_t.entry(t).or_default().push(row.count);
                by_lt.entry((&row.lemma, t)).or_default().push(row.count);
            }
            _ => {
                dropped_forms += 1;
                dropped_tokens += row.count;
            }
        }
    }
    let n = |m: &dyn Fn() -> Vec<u64>| m().into_iter().sum::<u64>();
    let l = n(&|| by_l.values().map(|v| pairs(v.len() as u64)).collect());
    let t = n(&|| by_t.values().map(|v| pairs(v.len() as u64)).collect());
    let b = n(&|| by_lt.values().map(|v| pairs(v.len() as u64)).collect());
    let lw = n(&|| by_l.values().map(|v| wpairs(v)).collect());
    let tw = n(&|| by_t.values().map(|v| wpairs(v)).collect());
    let bw = n(&|| by_lt.values().map(|v| wpairs(v)).collect());
    let (p, r, f1) = prf(b, t, l);
    let (p_tok, r_tok, f1_tok) = prf(bw, tw, lw);
    Score {
        p,
        r,
        f1,
        p_tok,
        r_tok,
        f1_tok,
        forms: rows.len(),
        scored_forms: rows.len() - dropped_forms,
        dropped_forms,
        dropped_tokens,
        lemmas: by_l.len(),
        terms: by_t.len(),
        lemma_pairs: l,
        term_pairs: t,
        true_pairs: b,
    }
}

/// Score `analyzer` (form → term, None or empty = dropped) on a gold file,
/// optionally keeping only the forms whose UPOS is in `upos`. `lang` names the
/// language of the file (kept for symmetry with the CLI; the analyzer decides).
pub fn conflation(
    tsv: &Path,
    lang: Lang,
    upos: Option<&[&str]>,
    analyzer: &dyn Fn(&str) -> Option<String>,
) -> io::Result<Score> {
    let _ = lang;
    let rows = read_tsv(tsv)?;
    let mapped: Vec<(Row, Option<String>)> = rows
        .into_iter()
        .filter(|r| upos.is_none_or(|u| u.contains(&r.upos.as_str())))
        .map(|r| {
            let t = analyzer(&r.form).filter(|t| !t.is_empty());
            (r, t)
        })
        .collect();
    Ok(score(&mapped))
}

/// korpus's term for a form: the indexed terms of its tokens joined with one
/// space (METRIC.md), None when every token is stopped.
pub fn korpus_term(lang: Lang, form: &str) -> Option<String> {
    let terms: Vec<String> = Analyzer::get(lang)
        .analyze(form)
        .into_iter()
        .filter(|t| t.indexed())
        .map(|t| t.term.to_string())
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

/// Write the `form<TAB>term` mapping of `analyzer` for a gold file (the
/// `--map` input of `conflation.py`, to cross-check the figures).
pub fn write_map(
    tsv: &Path,
    analyzer: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for r in read_tsv(tsv)? {
        writeln!(out, "{}\t{}", r.form, analyzer(&r.form).unwrap_or_default())?;
    }
    Ok(())
}

/// The dev files [`eval_dir`] looks for, with their language.
pub const DEV_FILES: [(&str, Lang); 6] = [
    ("ar", Lang::Ar),
    ("ar-clitics", Lang::Ar),
    ("de", Lang::De),
    ("fa", Lang::Fa),
    ("ru", Lang::Ru),
    ("sl", Lang::Sl),
];

/// Nominal UPOS tags for F1nom.
pub const NOMINAL: [&str; 3] = ["NOUN", "PROPN", "ADJ"];

/// One analyzer on one dev file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EvalRow {
    /// Dev file stem (`ar`, `ar-clitics`, …).
    pub file: String,
    /// Analyzer label.
    pub analyzer: String,
    /// All forms.
    pub all: Score,
    /// Nouns, proper nouns and adjectives only.
    pub nom: Score,
}

/// A baseline figure quoted from BASELINES.md (not run here).
#[derive(Debug, Clone, Copy)]
pub struct QuotedBaseline {
    /// Dev file stem.
    pub file: &'static str,
    /// Analyzer, as BASELINES.md names it.
    pub analyzer: &'static str,
    /// Precision.
    pub p: f64,
    /// Recall.
    pub r: f64,
    /// F1.
    pub f1: f64,
    /// F1 on nominal forms.
    pub f1nom: f64,
    /// Whether BASELINES.md marks it as the best F1 for the file.
    pub best: bool,
}

/// BASELINES.md, verbatim figures.
pub const BASELINES: [QuotedBaseline; 14] = [
    qb(
        "ar",
        "Snowball Arabic (rust-stemmers 1.2)",
        0.600,
        0.516,
        0.555,
        0.603,
        true,
    ),
    qb(
        "ar",
        "Lucene ArabicNormalizer + light10",
        0.600,
        0.477,
        0.531,
        0.602,
        false,
    ),
    qb(
        "ar-clitics",
        "Snowball Arabic (rust-stemmers 1.2)",
        0.643,
        0.470,
        0.543,
        0.585,
        true,
    ),
    qb(
        "ar-clitics",
        "Lucene light10",
        0.637,
        0.410,
        0.499,
        0.559,
        false,
    ),
    qb(
        "de",
        "Snowball German (rust-stemmers 1.2)",
        0.669,
        0.592,
        0.628,
        0.809,
        false,
    ),
    qb(
        "de",
        "Snowball German2 (snowball_stemmers_rs)",
        0.648,
        0.611,
        0.629,
        0.809,
        false,
    ),
    qb(
        "de",
        "Lucene GermanNormalization + LightStemmer",
        0.764,
        0.586,
        0.663,
        0.855,
        true,
    ),
    qb(
        "fa",
        "Snowball 3.1.1 Persian",
        0.614,
        0.123,
        0.206,
        0.454,
        true,
    ),
    qb(
        "fa",
        "Lucene Arabic+Persian normalizers + stemmer",
        0.669,
        0.113,
        0.193,
        0.674,
        false,
    ),
    qb(
        "fa",
        "Lucene, ZWNJ split (PersianCharFilter)",
        0.595,
        0.074,
        0.132,
        0.507,
        false,
    ),
    qb(
        "ru",
        "Snowball Russian (rust-stemmers 1.2)",
        0.778,
        0.827,
        0.802,
        0.884,
        false,
    ),
    qb(
        "ru",
        "Snowball 3 Russian (folds ё)",
        0.776,
        0.848,
        0.811,
        0.894,
        true,
    ),
    qb("sl", "Snowball Serbian", 0.917, 0.424, 0.580, 0.738, false),
    qb(
        "sl",
        "light suffix stemmer (ANCHORS §5)",
        0.767,
        0.634,
        0.695,
        0.883,
        true,
    ),
];

const fn qb(
    file: &'static str,
    analyzer: &'static str,
    p: f64,
    r: f64,
    f1: f64,
    f1nom: f64,
    best: bool,
) -> QuotedBaseline {
    QuotedBaseline {
        file,
        analyzer,
        p,
        r,
        f1,
        f1nom,
        best,
    }
}

/// The best quoted baseline (by F1) for a dev file.
pub fn best_baseline(file: &str) -> Option<&'static QuotedBaseline> {
    BASELINES.iter().find(|b| b.file == file && b.best)
}

/// Results of [`eval_dir`].
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    /// Measured rows, file by file (korpus first, then runnable baselines).
    pub rows: Vec<EvalRow>,
}

impl EvalReport {
    /// The measured row of an analyzer on a file.
    pub fn get(&self, file: &str, analyzer: &str) -> Option<&EvalRow> {
        self.rows
            .iter()
            .find(|r| r.file == file && r.analyzer == analyzer)
    }
}

fn snowball(alg: Algorithm) -> impl Fn(&str) -> Option<String> {
    let s = Stemmer::create(alg);
    move |form: &str| Some(s.stem(&form.to_lowercase()).into_owned())
}

/// [`korpus_term`], but a negated verb (rule `fa:verb-neg`) counts as its
/// positive stem, the extra term indexed beside it.
pub fn korpus_term_positive(lang: Lang, form: &str) -> Option<String> {
    let terms: Vec<String> = Analyzer::get(lang)
        .analyze(form)
        .into_iter()
        .filter(|t| t.indexed())
        .map(|t| match (t.rule, t.extra.first()) {
            (Some("fa:verb-neg"), Some(positive)) => positive.clone(),
            _ => t.term.to_string(),
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Run korpus and the Rust-runnable baselines on every dev file present in `dir`
/// (`ar.tsv`, `ar-clitics.tsv`, `de.tsv`, `fa.tsv`, `ru.tsv`, `sl.tsv`).
pub fn eval_dir(dir: &Path) -> io::Result<EvalReport> {
    let mut report = EvalReport::default();
    for (file, lang) in DEV_FILES {
        let tsv = dir.join(format!("{file}.tsv"));
        if !tsv.exists() {
            continue;
        }
        let mut analyzers: Vec<(String, TermFn)> = vec![(
            "korpus".into(),
            Box::new(move |f: &str| korpus_term(lang, f)),
        )];
        if lang == Lang::Fa {
            // UD lemmas erase polarity (نخریدم has the lemma of خریدم), while
            // korpus gives a negated verb a term of its own and the positive
            // stem as an extra term. This row scores that extra term, so the
            // rest of the analysis can be compared with the row above.
            analyzers.push((
                "korpus, negation as its lemma".into(),
                Box::new(|f: &str| korpus_term_positive(Lang::Fa, f)),
            ));
        }
        let alg = match lang {
            Lang::Ar => Some((Algorithm::Arabic, "Snowball Arabic (rust-stemmers)")),
            Lang::De => Some((Algorithm::German, "Snowball German (rust-stemmers)")),
            Lang::Ru => Some((Algorithm::Russian, "Snowball Russian (rust-stemmers)")),
            _ => None,
        };
        if let Some((alg, name)) = alg {
            analyzers.push((name.into(), Box::new(snowball(alg))));
        }
        analyzers.push((
            "lower-case only".into(),
            Box::new(|f: &str| Some(f.to_lowercase())),
        ));
        for (name, an) in analyzers {
            let all = conflation(&tsv, lang, None, &*an)?;
            let nom = conflation(&tsv, lang, Some(&NOMINAL), &*an)?;
            report.rows.push(EvalRow {
                file: file.into(),
                analyzer: name,
                all,
                nom,
            });
        }
    }
    Ok(report)
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "  -  ".into(), |v| format!("{v:.3}"))
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<11} {:<56} {:>5} {:>5} {:>5} {:>6} {:>8}",
            "file", "analyzer", "P", "R", "F1", "F1nom", "dropped"
        )?;
        let mut files: Vec<&str> = Vec::new();
        for r in &self.rows {
            if !files.contains(&r.file.as_str()) {
                files.push(&r.file);
            }
        }
        for file in files {
            for r in self.rows.iter().filter(|r| r.file == file) {
                writeln!(
                    f,
                    "{:<11} {:<56} {:>5} {:>5} {:>5.3} {:>6.3} {:>8}",
                    r.file,
                    r.analyzer,
                    opt(r.all.p),
                    opt(r.all.r),
                    r.all.f1,
                    r.nom.f1,
                    r.all.dropped_forms
                )?;
            }
            for b in BASELINES.iter().filter(|b| b.file == file) {
                let label = format!("{}{} [quoted]", b.analyzer, if b.best { " *" } else { "" });
                writeln!(
                    f,
                    "{:<11} {:<56} {:>5.3} {:>5.3} {:>5.3} {:>6.3} {:>8}",
                    b.file, label, b.p, b.r, b.f1, b.f1nom, 0
                )?;
            }
        }
        writeln!(
            f,
            "[quoted] = figures quoted from ../shared/analysis/BASELINES.md (not run here); * = best F1 there."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev_dir() -> Option<&'static Path> {
        let p = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/analysis/dev"
        ));
        if p.is_dir() {
            Some(p)
        } else {
            eprintln!("skip: {} not found", p.display());
            None
        }
    }

    #[test]
    fn score_counts_pairs_like_metric_md() {
        let row = |f: &str, l: &str| Row {
            form: f.into(),
            lemma: l.into(),
            upos: "NOUN".into(),
            count: 1,
        };
        let m = vec![
            (row("a1", "a"), Some("x".to_string())),
            (row("a2", "a"), Some("x".to_string())),
            (row("a3", "a"), Some("y".to_string())),
            (row("b1", "b"), Some("y".to_string())),
            (row("b2", "b"), None),
        ];
        let s = score(&m);
        assert_eq!((s.lemma_pairs, s.term_pairs, s.true_pairs), (3, 2, 1));
        assert_eq!(s.p, Some(0.5));
        assert_eq!(s.dropped_forms, 1);
        let none = score(&[
            (row("a1", "a"), Some("p".into())),
            (row("a2", "a"), Some("q".into())),
        ]);
        assert_eq!((none.p, none.f1), (None, 0.0));
    }

    /// Dump korpus maps to `$KORPUS_MAP_DIR` (default /tmp/korpus-maps) for
    /// `conflation.py --map`: `cargo test --lib eval::tests::dump_maps -- --ignored`.
    #[test]
    #[ignore]
    fn dump_maps() {
        let Some(dir) = dev_dir() else { return };
        let out = std::env::var("KORPUS_MAP_DIR").unwrap_or_else(|_| "/tmp/korpus-maps".into());
        std::fs::create_dir_all(&out).unwrap();
        let only = std::env::var("KORPUS_EVAL_ONLY").ok();
        for (file, lang) in DEV_FILES {
            if only
                .as_deref()
                .is_some_and(|o| !o.split(',').any(|x| x == file))
            {
                continue;
            }
            let tsv = dir.join(format!("{file}.tsv"));
            let mut f = std::fs::File::create(format!("{out}/{file}.map")).unwrap();
            write_map(&tsv, &|w| korpus_term(lang, w), &mut f).unwrap();
            let s = conflation(&tsv, lang, None, &|w| korpus_term(lang, w)).unwrap();
            let n = conflation(&tsv, lang, Some(&NOMINAL), &|w| korpus_term(lang, w)).unwrap();
            println!(
                "{file}: P {:?} R {:?} F1 {} F1nom {} dropped {}",
                s.p, s.r, s.f1, n.f1, s.dropped_forms
            );
        }
    }

    #[test]
    #[cfg_attr(not(korpus_shared), ignore = "needs ../shared/analysis/dev (development data, not in a clone)")]
    fn korpus_beats_best_baseline_on_dev() {
        let Some(dir) = dev_dir() else { return };
        let report = eval_dir(dir).unwrap();
        println!("{report}");
        for (file, _) in DEV_FILES {
            let Some(k) = report.get(file, "korpus") else {
                continue;
            };
            let best = best_baseline(file).unwrap();
            let p = k.all.p.unwrap_or(0.0);
            assert!(
                k.all.f1 > best.f1,
                "{file}: korpus F1 {} <= baseline {}",
                k.all.f1,
                best.f1
            );
            assert!(
                p >= best.p - 0.05,
                "{file}: korpus P {p} < baseline P {} - .05",
                best.p
            );
        }
    }
}
