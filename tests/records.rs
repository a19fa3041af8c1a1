//! Records of JSONL, CSV and TSV files: named `path:line` everywhere, kwic
//! positions that point at the word in the file, entities and presentation
//! forms cleaned at ingest, duplicate records counted.

use crate::util::{json_lines, run, stderr, stdout, TestDir};

/// The text at 1-based `line`, `col` (characters) of a file.
fn at(path: &std::path::Path, line: u64, col: u64) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let l = text
        .split('\n')
        .nth(line as usize - 1)
        .unwrap_or_else(|| panic!("{} has no line {line}", path.display()));
    l.chars().skip(col as usize - 1).collect()
}

const JSONL: &str = concat!(
    r#"{"id":"r1","text":"Первый отзыв о заказе."}"#,
    "\n",
    r#"{"id":"r2","meta":"x","text":"Он сказал: \"ужасно\"\n\u00abклиент\u00bb &amp; ждёт доставку"}"#,
    "\n",
    "\n",
    r#"{"text":"Der Kunde wartet &quot;lange&quot; auf die Lieferung.","id":7}"#,
    "\n",
    r#"{"id":"r4","text":"العميل ينتظر التوصيل منذ أسبوع"}"#,
    "\n",
);

const CSV: &str = "id,text,rating\n\
1,\"Сначала \"\"плохо\"\", потом\nклиент доволен\",5\n\
2,Lieferung &amp; Kunde,3\n";

const TXT: &str = "Заголовок\n\nالعميل سعيد.\nВторая строка, где клиент ждёт.\n";

fn records_index(t: &TestDir) {
    t.write("in/a.jsonl", JSONL);
    t.write("in/b.csv", CSV);
    t.write("in/c.txt", TXT);
    let o = run(t.cmd(&["index", t.path().join("in").to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn kwic_line_and_column_point_at_the_word_in_the_file() {
    let t = TestDir::new();
    records_index(&t);
    let mut checked = std::collections::BTreeSet::new();
    for word in ["клиент", "العميل", "Kunde", "доставку", "Lieferung"] {
        let o = run(t.cmd(&["kwic", word, "--json"]));
        assert!(o.status.success(), "{word}: {}", stderr(&o));
        let human = stdout(&run(t.cmd(&["kwic", word])));
        for v in json_lines(&o) {
            let path = std::path::PathBuf::from(v["path"].as_str().unwrap());
            let (line, col) = (v["line"].as_u64().unwrap(), v["column"].as_u64().unwrap());
            let m = v["match"].as_str().unwrap();
            let there = at(&path, line, col);
            assert!(
                there.starts_with(m),
                "{word}: {}:{line}:{col} shows {there:?}, not {m:?}",
                path.display()
            );
            let loc = format!("{}:{line}:{col}", path.display());
            assert!(human.contains(&loc), "{loc} not in\n{human}");
            checked.insert(path.extension().unwrap().to_str().unwrap().to_string());
            // Byte offsets still index the stored text.
            assert!(v["end"].as_u64() > v["start"].as_u64());
        }
    }
    assert_eq!(
        checked.into_iter().collect::<Vec<_>>(),
        ["csv", "jsonl", "txt"]
    );
    // The escaped record: the match is on the record's line (2), after the
    // raw `\"`, `\n` and `\u00ab` escapes.
    let v = json_lines(&run(t.cmd(&["kwic", "клиент", "--json"])));
    let j: Vec<_> = v
        .iter()
        .filter(|v| v["path"].as_str().unwrap().ends_with("a.jsonl"))
        .collect();
    assert_eq!(j.len(), 1, "{v:?}");
    assert_eq!(j[0]["line"], 2);
    // The CSV record starts on line 2; its match is on line 3.
    let c: Vec<_> = v
        .iter()
        .filter(|v| v["path"].as_str().unwrap().ends_with("b.csv"))
        .collect();
    assert_eq!(c[0]["line"], 3);
}

#[test]
fn records_are_named_path_line_in_search() {
    let t = TestDir::new();
    records_index(&t);
    let o = run(t.cmd(&["search", "Kunde"]));
    let s = stdout(&o);
    assert!(s.contains("a.jsonl:4\n"), "{s}");
    assert!(s.contains("b.csv:4\n"), "{s}");
    let o = run(t.cmd(&["search", "Заголовок"]));
    let s = stdout(&o);
    assert!(
        s.contains("c.txt\n"),
        "a whole file shows its path only: {s}"
    );
    let v = json_lines(&run(t.cmd(&["search", "Kunde", "--json"])));
    assert!(v.iter().any(|h| h["line"] == 4));
}

#[test]
fn entities_are_decoded_once_in_jsonl_and_csv() {
    let t = TestDir::new();
    records_index(&t);
    let v = json_lines(&run(t.cmd(&["kwic", "Kunde", "--json", "--width", "60"])));
    let all: String = v
        .iter()
        .map(|l| {
            format!(
                "{}{}{}\n",
                l["left"].as_str().unwrap(),
                l["match"].as_str().unwrap(),
                l["right"].as_str().unwrap()
            )
        })
        .collect();
    assert!(all.contains("wartet \"lange\" auf"), "{all}");
    assert!(all.contains("Lieferung & Kunde"), "{all}");
    assert!(!all.contains("&amp;") && !all.contains("&quot;"), "{all}");
    let t2 = TestDir::new();
    t2.write(
        "x.csv",
        "text\nA &amp;amp; B &#1082;&#1083;&#1080;&#1077;&#1085;&#1090;&#x44B; warten\n",
    );
    assert!(
        run(t2.cmd(&["index", t2.path().join("x.csv").to_str().unwrap()]))
            .status
            .success()
    );
    let v = json_lines(&run(t2.cmd(&[
        "kwic",
        "клиенты",
        "--json",
        "--width",
        "20",
    ])));
    assert_eq!(v.len(), 1, "numeric entities decode to a searchable word");
    assert_eq!(v[0]["left"], "A &amp; B ", "decoded once, not twice");
    // The column points at the entity the word starts with.
    assert!(at(
        &t2.path().join("x.csv"),
        2,
        v[0]["column"].as_u64().unwrap()
    )
    .starts_with("&#1082;"));
}

#[test]
fn presentation_forms_are_folded_and_detected_as_arabic() {
    let t = TestDir::new();
    // "العميل ينتظر التوصيل منذ أسبوع والخدمة سيئة" in presentation forms.
    let forms = "ﺍﻟﻌﻤﻴﻞ ﻳﻨﺘﻈﺮ ﺍﻟﺘﻮﺻﻴﻞ ﻣﻨﺬ ﺃﺳﺒﻮﻉ ﻭﺍﻟﺨﺪﻣﺔ ﺳﻴﺌﺔ";
    assert!(forms
        .chars()
        .all(|c| c == ' ' || ('\u{FE70}'..='\u{FEFF}').contains(&c)));
    t.write("p.jsonl", format!("{{\"text\":\"{forms}\"}}\n"));
    assert!(
        run(t.cmd(&["index", t.path().join("p.jsonl").to_str().unwrap()]))
            .status
            .success()
    );
    let v = json_lines(&run(t.cmd(&["search", "التوصيل", "--json"])));
    assert_eq!(v.len(), 1, "found by the word in letters");
    assert_eq!(v[0]["lang"], "ar");
    assert!(v[0]["snippet"].as_str().unwrap().contains("التوصيل"));
    let k = json_lines(&run(t.cmd(&["kwic", "التوصيل", "--json"])));
    let col = k[0]["column"].as_u64().unwrap();
    assert!(at(&t.path().join("p.jsonl"), 1, col).starts_with("ﺍﻟﺘﻮﺻﻴﻞ"));
}

#[test]
fn tsv_and_tab_files_with_text_column() {
    let t = TestDir::new();
    t.write(
        "in/f.tsv",
        "id\tmessage\tstars\n1\tКлиент ждёт доставку уже неделю\t1\n2\t\"Kunde mit\tTab\"\t5\n",
    );
    t.write("in/g.tab", "message\nمشتری از تحویل راضی بود\n");
    let o = run(t.cmd(&[
        "index",
        t.path().join("in").to_str().unwrap(),
        "--text-column",
        "message",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Indexed 2 of 2 files"),
        "{}",
        stdout(&o)
    );
    let v = json_lines(&run(t.cmd(&["search", "доставка", "--json"])));
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["line"], 2);
    assert_eq!(v[0]["id"], "1");
    let v = json_lines(&run(t.cmd(&["kwic", "Tab", "--json"])));
    let p = t.path().join("in/f.tsv");
    assert!(at(&p, 3, v[0]["column"].as_u64().unwrap()).starts_with("Tab"));
    let v = json_lines(&run(t.cmd(&["search", "تحویل", "--json"])));
    assert_eq!(v[0]["lang"], "fa");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.index().join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["files_skipped"], 0);
}

#[test]
fn duplicate_records_are_counted_not_skipped() {
    let t = TestDir::new();
    let mut csv = String::from("id,text\n");
    for i in 0..6 {
        csv.push_str(&format!("{i},Die Lieferung kam zu spät\n"));
    }
    csv.push_str("7,Der Kunde ist zufrieden\n");
    csv.push_str("7,Ein anderer Text mit derselben Nummer\n");
    let p = t.write("digikala.csv", &csv);
    let o = run(t.cmd(&["index", p.to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("duplicates: 5 records of ") && out.contains("digikala.csv, kept the first"),
        "{out}"
    );
    assert!(!out.contains("skipped"), "{out}");
    assert!(
        out.contains("warning: ") && out.contains("both kept"),
        "{out}"
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.index().join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["files_skipped"], 0);
    assert_eq!(m["files_indexed"], 1);
    assert_eq!(m["documents"], 3);
    assert_eq!(m["duplicate_records"], 5);
    assert_eq!(m["files"][0]["duplicates"], 5);
    assert_eq!(m["files"][0]["documents"], 3);
    assert_eq!(m["warnings"].as_array().unwrap().len(), 1);
    assert!(m["skipped"].as_array().unwrap().is_empty());
    let info = stdout(&run(t.cmd(&["info"])));
    assert!(
        info.contains("duplicates: 5 records of") && info.contains("kept the first"),
        "{info}"
    );
    assert!(info.contains("both kept"), "{info}");
    // Both records with id 7 are searchable; ids stay unique.
    let v = json_lines(&run(t.cmd(&["search", "Nummer OR zufrieden", "--json"])));
    assert_eq!(v.len(), 2);
    assert_ne!(v[0]["id"], v[1]["id"]);
    // Every input record is accounted for: 8 rows = 3 documents + 5 duplicates.
}

#[test]
fn index_counts_skips_per_reason_and_lists_them_with_verbose() {
    let t = TestDir::new();
    for i in 0..4 {
        t.write(&format!("in/x{i}.pdf"), "x");
    }
    t.write("in/e.txt", " \n");
    t.write(
        "in/ok.jsonl",
        "{\"text\":\"Kunde\"}\nnot json\n{\"title\":\"no text\"}\n",
    );
    let dir = t.path().join("in");
    let out = stdout(&run(t.cmd(&["index", dir.to_str().unwrap()])));
    assert!(
        out.contains("skipped 4 files: unsupported file type\n"),
        "{out}"
    );
    assert!(out.contains("skipped 1 file: empty file\n"), "{out}");
    assert!(
        out.contains("skipped 2 records: bad or empty records\n"),
        "{out}"
    );
    assert!(!out.contains("x0.pdf"), "{out}");
    assert!(
        out.contains("lang"),
        "the per-language table is printed: {out}"
    );
    let out = stdout(&run(t.cmd(&["index", dir.to_str().unwrap(), "--verbose"])));
    assert!(out.contains("x0.pdf: unsupported file type"), "{out}");
}

#[test]
fn kwic_sample_draws_evenly_and_deterministically() {
    let t = TestDir::new();
    let mut jl = String::new();
    for i in 0..30 {
        let n = if i == 0 { 40 } else { 1 };
        jl.push_str(&format!(
            "{{\"text\":\"Nummer {i}: {}\"}}\n",
            "Lieferung kam spät. ".repeat(n)
        ));
    }
    let p = t.write("s.jsonl", &jl);
    assert!(run(t.cmd(&["index", p.to_str().unwrap()])).status.success());
    let first = json_lines(&run(t.cmd(&[
        "kwic",
        "Lieferung",
        "--json",
        "--limit",
        "10",
    ])));
    assert!(
        first.iter().all(|l| l["line"] == 1),
        "--limit takes the first"
    );
    let s = |seed: &str, jobs: &str| {
        stdout(&run(t.cmd(&[
            "--jobs",
            jobs,
            "kwic",
            "Lieferung",
            "--json",
            "--sample",
            "10",
            "--seed",
            seed,
        ])))
    };
    let a = s("3", "1");
    assert_eq!(a, s("3", "2"), "the same for every --jobs");
    assert_eq!(a, s("3", "1"));
    assert_ne!(a, s("4", "1"));
    let lines: Vec<serde_json::Value> = a
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 10);
    let docs: std::collections::BTreeSet<_> = lines.iter().map(|l| l["doc"].to_string()).collect();
    assert_eq!(
        docs.len(),
        10,
        "one match per document while documents last"
    );
}

#[test]
fn an_index_of_an_older_schema_asks_for_a_reindex() {
    let t = TestDir::new();
    let p = t.write("a.txt", "Kunde");
    assert!(run(t.cmd(&["index", p.to_str().unwrap()])).status.success());
    let meta = t.index().join("korpus.json");
    let raw = std::fs::read_to_string(&meta).unwrap();
    let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let old = (v["schema_version"].as_u64().unwrap() - 1).to_string();
    std::fs::write(&meta, raw.replace(&v["schema_version"].to_string(), &old)).unwrap();
    for args in [
        &["search", "Kunde"][..],
        &["kwic", "Kunde"],
        &["index", p.to_str().unwrap()],
    ] {
        let o = run(t.cmd(args));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert!(
            e.contains("korpus index --force") && !e.contains("panicked"),
            "{e}"
        );
        assert_eq!(e.trim().lines().count(), 1, "{e}");
    }
    let o = run(t.cmd(&["index", p.to_str().unwrap(), "--force"]));
    assert!(o.status.success(), "{}", stderr(&o));
}
