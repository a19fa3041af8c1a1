//! Bad input gets a clear one-line error and a non-zero exit, never a panic.

use crate::util::*;

fn assert_clean_error(o: &std::process::Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.trim().lines().count() == 1, "not one line: {err}");
    assert!(
        err.to_lowercase().contains(&needle.to_lowercase()),
        "expected '{needle}' in: {err}"
    );
}

#[test]
fn missing_path() {
    let t = TestDir::new();
    assert_clean_error(&run(t.cmd(&["index", "no/such/folder"])), "no such file");
}

#[test]
fn folder_that_is_not_an_index() {
    let t = TestDir::new();
    t.write("idx/notes.txt", "hello");
    assert_clean_error(&run(t.cmd(&["search", "x"])), "not a korpus index");
    assert_clean_error(&run(t.cmd(&["index", "corpus"])), "not a korpus index");
    assert!(t.index().join("notes.txt").exists(), "never overwritten");
}

#[test]
fn missing_index() {
    let t = TestDir::new();
    assert_clean_error(&run(t.cmd(&["stats"])), "not a korpus index");
}

#[test]
fn malformed_queries() {
    corpus_index();
    for q in ["\"unclosed", "(a OR", "nosuchfield:x"] {
        let o = on_corpus(&["search", q]);
        assert_clean_error(&o, "query");
    }
}

#[test]
fn unknown_lang() {
    let o = on_corpus(&["search", "x", "--lang", "xx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown language"));
    let t = TestDir::new();
    assert_clean_error(
        &run(t.cmd(&["index", "corpus", "--languages", "de,xx"])),
        "unknown language",
    );
}

#[test]
fn skipped_files_are_reported_and_strict_fails() {
    let t = TestDir::new();
    t.write("in/empty.txt", "");
    t.write("in/bin.txt", [0u8, 1, 2, 3, 0, 255]);
    t.write(
        "in/ok.txt",
        "Die Kunden sind sehr zufrieden mit dem Service.",
    );
    let input = t.path().join("in");
    let o = run(t.cmd(&["index", input.to_str().unwrap(), "--json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let v = &json_lines(&o)[0];
    assert_eq!(v["files_seen"], 3);
    assert_eq!(v["files_indexed"], 1);
    assert_eq!(v["files_skipped"], 2);
    let reasons: Vec<String> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap().to_string())
        .collect();
    assert!(reasons.iter().any(|r| r.contains("empty")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("binary")), "{reasons:?}");
    let o = run(t.cmd(&["index", input.to_str().unwrap(), "--strict"]));
    assert_eq!(o.status.code(), Some(3));
}
