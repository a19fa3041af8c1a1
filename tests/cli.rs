//! Every subcommand on the bundled corpus.

use crate::util::*;

const AR: &str = "corpus/000_d7641792b024f9ef.txt";
const DE: &str = "corpus/001_a1b193377a60ba56.txt";
const FA: &str = "corpus/002_a147d0884179ec09.txt";
const RU: &str = "corpus/003_ccfd215703db1abf.txt";
const SL: &str = "corpus/004_e2491033dfca4b44.txt";

fn top_path(query: &str) -> String {
    let o = on_corpus(&["search", query, "--json"]);
    assert!(o.status.success(), "search {query}: {}", stderr(&o));
    let hits = json_lines(&o);
    hits[0]["path"].as_str().unwrap().to_string()
}

#[test]
fn index_labels_the_five_documents() {
    let o = on_corpus(&[
        "search",
        "lang:ar OR lang:de OR lang:fa OR lang:ru OR lang:sl",
        "--json",
        "-n",
        "10",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut got: Vec<(String, String)> = json_lines(&o)
        .iter()
        .map(|h| {
            (
                h["path"].as_str().unwrap().to_string(),
                h["lang"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let want: Vec<(String, String)> = [(AR, "ar"), (DE, "de"), (FA, "fa"), (RU, "ru"), (SL, "sl")]
        .iter()
        .map(|(p, l)| (p.to_string(), l.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn index_prints_a_summary_and_is_idempotent() {
    let t = TestDir::new();
    let o = run(t.cmd(&["index", "corpus"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("Indexed 5 of 5 files"), "{s}");
    for l in ["ar", "de", "fa", "ru", "sl"] {
        assert!(
            s.lines().any(|line| line.starts_with(l)),
            "no {l} row in:\n{s}"
        );
    }
    // A second run replaces documents instead of duplicating them.
    let o = run(t.cmd(&["index", "corpus", "--json"]));
    let v = json_lines(&o);
    assert_eq!(v[0]["documents"], 5);
    assert_eq!(v[0]["files_seen"], 5);
}

#[test]
fn search_finds_each_language_by_an_inflected_form() {
    assert_eq!(top_path("Kunde"), DE); // text has Kunden
    assert_eq!(top_path("клиент"), RU); // text has клиентами, клиентов
    assert_eq!(top_path("العملاء"), AR);
    assert_eq!(top_path("Kundenbeziehung"), DE); // text has Kundenbeziehungen
    assert_eq!(top_path("работника"), RU); // text has работниками, работников
    assert_eq!(top_path("الشركة"), AR); // text has الشركات
    assert_eq!(top_path("مشتری"), FA);
    assert_eq!(top_path("podjetje"), SL);
}

#[test]
fn search_json_has_the_documented_fields() {
    let o = on_corpus(&["search", "Kunden", "--json", "--limit", "1"]);
    let h = &json_lines(&o)[0];
    for k in ["rank", "score", "id", "path", "lang", "snippet"] {
        assert!(h.get(k).is_some(), "missing {k} in {h}");
    }
    assert_eq!(h["rank"], 1);
    assert!(h["snippet"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("kunde"));
}

#[test]
fn search_human_output_marks_matches() {
    let o = on_corpus(&["search", "Facebook"]);
    let s = stdout(&o);
    assert!(s.contains("[Facebook]"), "{s}");
}

#[test]
fn search_lang_filter_and_phrases() {
    let o = on_corpus(&["search", "Facebook", "--lang", "de", "--json"]);
    let hits = json_lines(&o);
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["lang"] == "de"));
    let o = on_corpus(&["search", "\"social media\"", "--json"]);
    assert_eq!(json_lines(&o)[0]["path"], DE);
    let o = on_corpus(&["search", "Kunden AND lang:ru"]);
    assert_eq!(o.status.code(), Some(1), "no hits → exit 1");
}

#[test]
fn search_paging() {
    let all = json_lines(&on_corpus(&["search", "84", "--json"]));
    let second = json_lines(&on_corpus(&[
        "search", "84", "--json", "--offset", "1", "--limit", "1",
    ]));
    assert!(all.len() >= 2);
    assert_eq!(second[0]["id"], all[1]["id"]);
    assert_eq!(second[0]["rank"], 2);
}

#[test]
fn detect_file_stdin_and_per_line() {
    let o = on_corpus(&["detect", SL, "--json"]);
    assert_eq!(json_lines(&o)[0]["lang"], "sl");
    // Segments: the Slovak footer is `und`, most like Slovak, in both forms.
    let o = on_corpus(&["detect", SL, "--segments", "--json"]);
    let v = json_lines(&o);
    assert_eq!(v.len(), 3, "{v:?}");
    assert_eq!(
        (&v[2]["lang"], &v[2]["other"]),
        (&"und".into(), &"sk".into())
    );
    let o = on_corpus(&["detect", SL, "--segments"]);
    let human = stdout(&o);
    assert!(
        human.lines().last().unwrap().ends_with("(most like sk)"),
        "{human}"
    );
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_korpus"));
    c.args(["detect", "--per-line", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Die Studie ergab, dass weibliche Unternehmer fokussiert sind.\nЭти этапы направлены на установление долгосрочных отношений.\n".as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let v = json_lines(&o);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["lang"], "de");
    assert_eq!(v[1]["lang"], "ru");
    assert!(v[0]["confidence"].as_f64().unwrap() > 0.0);
}

#[test]
fn analyze_json_gives_terms_and_byte_offsets() {
    let o = on_corpus(&["analyze", "--lang", "de", "--json", "Die Kunden"]);
    let v = json_lines(&o);
    assert_eq!(v[0]["token"], "Die");
    assert_eq!(v[0]["stop"], true);
    assert_eq!(v[1]["token"], "Kunden");
    assert_eq!(v[1]["start"], 4);
    assert_eq!(v[1]["end"], 10);
    assert_eq!(v[1]["stop"], false);
    let o = on_corpus(&["analyze", "--lang", "ru", "--json", "ёлки"]);
    let v = json_lines(&o);
    assert_eq!(v[0]["end"], "ёлки".len());
    assert!(!v[0]["term"].as_str().unwrap().contains('ё'));
}

#[test]
fn analyze_human_table() {
    let o = on_corpus(&["analyze", "--lang", "ar", "العملاء ١٢٫٥"]);
    let s = stdout(&o);
    assert!(s.contains("12.5"), "{s}");
}

#[test]
fn stats_json_per_language_and_all() {
    let o = on_corpus(&["stats", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_lines(&o);
    let langs: Vec<&str> = v.iter().map(|r| r["lang"].as_str().unwrap()).collect();
    for l in ["ar", "de", "fa", "ru", "sl", "all"] {
        assert!(langs.contains(&l), "{langs:?}");
    }
    let de = v.iter().find(|r| r["lang"] == "de").unwrap();
    assert!(de["tokens"].as_u64().unwrap() > 300);
    let top = de["top_terms"].as_array().unwrap();
    assert!(!top.is_empty());
    // Shown as a surface form, not a bare stem; stopwords are not top terms.
    assert!(top.iter().all(|t| t["surface"].as_str().unwrap() != "der"));
}

#[test]
fn stats_by_segment_counts_each_language_part() {
    // The Slovak comment form at the end of the Slovenian article is its own
    // `und` segment: by segment it counts under `und`, by main language
    // under `sl`; no token is lost or counted twice.
    let tokens = |by: &str| -> Vec<(String, u64, u64)> {
        let o = on_corpus(&["stats", "summary", "--by", by, "--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        json_lines(&o)
            .iter()
            .map(|r| {
                (
                    r["group"].as_str().unwrap().to_string(),
                    r["tokens"].as_u64().unwrap(),
                    r["documents"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let by_lang = tokens("lang");
    let by_segment = tokens("segment");
    let get = |v: &[(String, u64, u64)], g: &str| v.iter().find(|r| r.0 == g).cloned();
    let und = get(&by_segment, "und").expect("an und group");
    assert_eq!(und.2, 1, "one document has an und segment");
    assert!(und.1 > 0);
    assert!(get(&by_lang, "und").is_none());
    let sl_lang = get(&by_lang, "sl").unwrap().1;
    let sl_seg = get(&by_segment, "sl").unwrap().1;
    assert_eq!(sl_seg + und.1, sl_lang);
    for l in ["ar", "de", "fa", "ru"] {
        assert_eq!(get(&by_lang, l), get(&by_segment, l), "{l}");
    }
}

#[test]
fn stats_is_identical_across_thread_counts() {
    let a = stdout(&on_corpus(&["stats", "--json", "--jobs", "1"]));
    let b = stdout(&on_corpus(&["stats", "--json", "--jobs", "2"]));
    assert_eq!(a, b);
}

#[test]
fn info_reports_the_manifest() {
    let o = on_corpus(&["info", "--json"]);
    let v = &json_lines(&o)[0];
    assert_eq!(v["files_seen"], 5);
    assert_eq!(v["files_indexed"], 5);
    assert_eq!(v["files_skipped"], 0);
    assert_eq!(v["documents"], 5);
    assert_eq!(v["by_lang"]["sl"], 1);
}

#[test]
fn help_has_examples() {
    let o = run(std::process::Command::new(env!("CARGO_BIN_EXE_korpus"))
        .arg("--help")
        .to_owned_cmd());
    assert!(stdout(&o).contains("Examples:"));
}

trait Owned {
    fn to_owned_cmd(&mut self) -> std::process::Command;
}
impl Owned for std::process::Command {
    fn to_owned_cmd(&mut self) -> std::process::Command {
        let mut c = std::process::Command::new(self.get_program());
        c.args(self.get_args());
        c
    }
}

#[test]
fn keyness_lists_german_content_terms_first() {
    let o = on_corpus(&[
        "stats", "keyness", "--target", "lang:de", "--json", "--limit", "5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = json_lines(&o);
    assert_eq!(rows.len(), 5);
    let stop = ["der", "die", "und", "das", "in", "zu", "den", "von"];
    for r in &rows {
        let s = r["surface"].as_str().unwrap();
        assert!(
            !stop.contains(&s.to_lowercase().as_str()),
            "stopword {s} in keyness"
        );
        assert!(s.chars().next().unwrap().is_alphabetic(), "{s}");
        assert!(r["significant"].as_bool().unwrap(), "{r}");
    }
}

#[test]
fn stats_subcommands_are_deterministic_across_jobs() {
    for args in [
        vec!["stats", "summary", "--by", "path", "--json"],
        vec!["stats", "summary", "--by", "segment", "--json"],
        vec![
            "stats",
            "freq",
            "--ngram",
            "2",
            "--min-count",
            "2",
            "--json",
        ],
        vec!["stats", "keyness", "--target", "lang:ru", "--json"],
        vec!["stats", "colloc", "клиент", "--json"],
        vec!["stats", "summary", "--numbers", "--csv"],
    ] {
        let mut a1 = args.clone();
        a1.extend(["--jobs", "1"]);
        let mut a2 = args.clone();
        a2.extend(["--jobs", "2"]);
        let o1 = on_corpus(&a1);
        assert!(o1.status.success(), "{args:?}: {}", stderr(&o1));
        assert_eq!(stdout(&o1), stdout(&on_corpus(&a2)), "{args:?}");
        assert!(!stdout(&o1).is_empty(), "{args:?}");
    }
}

#[test]
fn stats_subset_and_csv() {
    let o = on_corpus(&["stats", "summary", "--subset", "lang:sl", "--csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    let lines: Vec<&str> = s.lines().collect();
    assert!(lines[0].contains("tokens"), "{s}");
    assert_eq!(lines.len(), 2, "one group: {s}");
    assert!(lines[1].starts_with("sl,"), "{s}");
}

#[test]
fn numbers_table_finds_percentages_in_every_script() {
    let o = on_corpus(&["stats", "summary", "--numbers", "--json"]);
    let rows = json_lines(&o);
    let has = |g: &str, v: &str| {
        rows.iter()
            .any(|r| r["group"] == g && r["value"] == v && r["kind"] == "percent")
    };
    assert!(has("de", "84"), "84% in German");
    assert!(has("ar", "84"), "٨٤٪ / 84٪ in Arabic");
    assert!(has("fa", "80"), "80 درصد in Persian");
    assert!(has("sl", "66"), "66 % in Slovenian");
}

#[test]
fn kwic_marks_the_word_in_context() {
    let o = on_corpus(&["kwic", "клиент", "--json", "--width", "20"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = json_lines(&o);
    assert!(lines.len() >= 10);
    assert!(lines.iter().all(|l| l["lang"] == "ru"));
    assert!(lines.iter().any(|l| l["match"] == "клиентами"));
    let human = stdout(&on_corpus(&["kwic", "مشتری", "--limit", "2"]));
    assert!(human.contains("[مشتری"), "{human}");
    assert_eq!(on_corpus(&["kwic", "zzzzqx"]).status.code(), Some(1));
}

#[test]
fn dups_reports_none_on_the_bundled_corpus_and_finds_a_copy() {
    let o = on_corpus(&["stats", "dups"]);
    assert!(stdout(&o).contains("no near-duplicate"));
    let t = TestDir::new();
    let text = std::fs::read_to_string(root().join(DE)).unwrap();
    t.write("in/a.txt", &text);
    t.write("in/b.txt", format!("{text}\nGeändert am 3. Mai.\n"));
    t.write(
        "in/c.txt",
        "Ganz anderer Text über Lieferzeiten und Rücksendungen, der nichts gemein hat.",
    );
    let input = t.path().join("in");
    assert!(run(t.cmd(&["index", input.to_str().unwrap()]))
        .status
        .success());
    let v = json_lines(&run(t.cmd(&["stats", "dups", "--json"])));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0]["jaccard"].as_f64().unwrap() > 0.9);
}

#[test]
fn themes_per_language_and_across() {
    let o = on_corpus(&["themes", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = json_lines(&o);
    let themes: Vec<&serde_json::Value> = lines.iter().filter(|l| l.get("id").is_some()).collect();
    for l in ["ar", "de", "fa", "ru", "sl"] {
        assert!(
            themes
                .iter()
                .any(|t| t["langs"].as_array().unwrap().iter().any(|x| x == l)),
            "no {l} theme"
        );
    }
    let cross = themes
        .iter()
        .find(|t| t["langs"].as_array().unwrap().len() >= 2)
        .expect("a cross-lingual theme");
    assert!(!cross["evidence"].as_array().unwrap().is_empty());
    for t in &themes {
        for k in ["label", "terms", "docs", "size", "coherence"] {
            assert!(t.get(k).is_some(), "{k} missing in {t}");
        }
    }
    assert!(
        lines.last().unwrap().get("quality").is_some(),
        "quality report closes the stream"
    );
}

#[test]
fn themes_pairs_find_the_arabic_german_translation() {
    let o = on_corpus(&["themes", "--pairs", "--json"]);
    let pairs = json_lines(&o);
    let p = pairs
        .iter()
        .find(|p| p["kind"] == "translation")
        .expect("a translation pair");
    let paths = [p["a_path"].as_str().unwrap(), p["b_path"].as_str().unwrap()];
    assert!(paths.contains(&AR) && paths.contains(&DE), "{p}");
    let ev = p["evidence"].to_string();
    for n in ["84", "60", "37", "27"] {
        assert!(ev.contains(n), "shared number {n} missing in {ev}");
    }
}

#[test]
fn themes_are_identical_across_runs_and_jobs() {
    let a = stdout(&on_corpus(&["themes", "--json", "--jobs", "1"]));
    let b = stdout(&on_corpus(&["themes", "--json", "--jobs", "2"]));
    let c = stdout(&on_corpus(&["themes", "--json", "--jobs", "2"]));
    assert_eq!(a, b);
    assert_eq!(b, c);
}

#[test]
fn tied_search_results_are_ordered_by_path_whatever_the_threads() {
    // 400 documents of equal length that all score the same for "Kunde":
    // spread over segments differently by one or two indexing threads, they
    // must still come back in one order (path), page by page.
    let t = TestDir::new();
    for i in 0..400 {
        t.write(
            &format!("in/{:03}.txt", (i * 7919) % 400),
            format!("Der Kunde wartet seit Tagen auf Paket Nummer {i:05}."),
        );
    }
    let input = t.path().join("in");
    let mut pages = Vec::new();
    for jobs in ["1", "2"] {
        let idx = t.path().join(format!("idx{jobs}"));
        let cmd = |args: &[&str]| {
            let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_korpus"));
            c.env_remove("KORPUS_INDEX")
                .arg("--index")
                .arg(&idx)
                .args(args);
            c
        };
        let o = run(cmd(&[
            "index",
            input.to_str().unwrap(),
            "--jobs",
            jobs,
            "--json",
        ]));
        assert!(o.status.success(), "{}", stderr(&o));
        let o = run(cmd(&[
            "search", "Kunde", "--json", "-n", "10", "--offset", "195",
        ]));
        assert!(o.status.success(), "{}", stderr(&o));
        let paths: Vec<String> = json_lines(&o)
            .iter()
            .map(|h| h["path"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(paths.len(), 10);
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted, "ties in path order");
        assert!(paths[0].ends_with("195.txt"), "{paths:?}");
        pages.push(paths);
    }
    assert_eq!(pages[0], pages[1]);
}
