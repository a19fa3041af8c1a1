//! `index --shard I/N` and `merge`: shards joined equal one run.

use std::path::Path;
use std::process::Command;

use crate::util::{root, run, stderr, stdout, TestDir};

fn korpus(index: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_korpus"));
    c.current_dir(root()).env_remove("KORPUS_INDEX").arg("--index").arg(index).args(args);
    c
}

fn ok(c: Command) -> String {
    let o = run(c);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    stdout(&o)
}

/// A corpus of paragraphs of the bundled documents, one per file, with
/// files repeated under other names (cross-file duplicates) and two JSONL
/// exports that give the same ids 1..12 to different texts.
fn write_corpus(t: &TestDir) -> std::path::PathBuf {
    let mut paras = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(root().join("corpus")).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for p in names {
        let text = std::fs::read_to_string(p).unwrap();
        paras.extend(text.split("\n\n").map(str::trim).filter(|s| s.chars().count() > 40).map(String::from));
    }
    assert!(paras.len() > 40, "{}", paras.len());
    for (i, p) in paras.iter().enumerate() {
        t.write(&format!("in/p{}/{i:03}.txt", i % 7), p);
        if i % 9 == 0 {
            t.write(&format!("in/copies/{i:03}-again.txt"), p);
        }
    }
    for (shop, off) in [("a", 0), ("b", 12)] {
        let lines: String = (1..=12)
            .map(|k| serde_json::json!({"id": k.to_string(), "text": format!("{} ({shop})", paras[(off + k) % paras.len()])}).to_string() + "\n")
            .collect();
        t.write(&format!("in/shop-{shop}.jsonl"), lines);
    }
    t.path().join("in")
}

#[test]
fn four_shards_merged_equal_one_run() {
    let t = TestDir::new();
    let input = write_corpus(&t);
    let input = input.to_str().unwrap();
    let single = t.path().join("single");
    ok(korpus(&single, &["index", input, "-j", "2"]));
    let shard = |i: usize| t.path().join(format!("shard{i}"));
    for i in 0..4 {
        let out = ok(korpus(&shard(i), &["index", input, "--shard", &format!("{i}/4"), "-j", "1"]));
        assert!(out.contains(&format!("shard {i}/4")), "{out}");
    }
    let merged = t.path().join("merged");
    let mut c = korpus(&merged, &["merge", "--json"]);
    c.args((0..4).map(shard));
    let m: serde_json::Value = serde_json::from_str(ok(c).trim()).unwrap();
    assert!(m["duplicates_across_shards"].as_u64().unwrap() + m["ids_renamed"].as_u64().unwrap() > 0, "{m}");

    for args in [
        vec!["stats", "summary", "--json"],
        vec!["stats", "freq", "-n", "200", "--json"],
        vec!["info", "--json"],
    ] {
        let a = ok(korpus(&single, &args));
        let b = ok(korpus(&merged, &args));
        if args[0] == "info" {
            // Paths of the indexes differ; compare documents per language.
            let v = |s: &str| serde_json::from_str::<serde_json::Value>(s.lines().next().unwrap()).unwrap();
            assert_eq!(v(&a)["by_lang"], v(&b)["by_lang"], "{a}\n{b}");
        } else {
            assert_eq!(a, b, "{args:?}");
        }
    }
    // The same documents (ids, renamed ids included) answer a query made of
    // the 30 most frequent terms.
    let query = ok(korpus(&single, &["stats", "freq", "-n", "30", "--json"]))
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["surface"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join(" OR ");
    let ids = |dir: &Path| -> Vec<String> {
        let out = ok(korpus(dir, &["search", &query, "-n", "0", "--json"]));
        let mut v: Vec<String> = out
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&single), ids(&merged));
    // Ranked top 10 with scores, byte for byte, for 20 one-term queries: the
    // BM25 statistics are exact over the live documents however the
    // segments were made.
    for term in query.split(" OR ").filter(|t| t.chars().count() >= 3).take(20) {
        let a = ok(korpus(&single, &["search", term, "-n", "10", "--json"]));
        let b = ok(korpus(&merged, &["search", term, "-n", "10", "--json"]));
        assert!(a.contains("\"score\""), "{a}");
        assert_eq!(a, b, "{term}");
    }
    assert!(ids(&merged).iter().any(|i| i.contains('@')), "a repeated id is renamed");
    let check = ok(korpus(&merged, &["check"]));
    assert!(check.starts_with("OK"), "{check}");
    // A later run on the merged index is incremental: nothing to do.
    let again = ok(korpus(&merged, &["index", input, "--json"]));
    let v: serde_json::Value = serde_json::from_str(again.trim()).unwrap();
    assert_eq!(v["documents_added"], 0, "{v}");
}

#[test]
fn merge_refuses_what_it_cannot_join() {
    let t = TestDir::new();
    let input = write_corpus(&t);
    let input = input.to_str().unwrap();
    let shard = |i: usize| t.path().join(format!("s{i}"));
    for i in 0..3 {
        ok(korpus(&shard(i), &["index", input, "--shard", &format!("{i}/3"), "-j", "1"]));
    }
    let refuse = |dirs: &[std::path::PathBuf], out: &str, want: &str| {
        let mut c = korpus(&t.path().join(out), &["merge"]);
        c.args(dirs);
        let o = run(c);
        assert_eq!(o.status.code(), Some(2), "{want}: {}", stdout(&o));
        let e = stderr(&o);
        assert!(e.contains(want) && e.lines().count() == 1, "{want}: {e}");
    };
    refuse(&[shard(0), shard(2)], "o1", "shard is 1 of 3 missing");
    refuse(&[shard(0), shard(1), shard(1), shard(2)], "o2", "overlapping shards");
    let plain = t.path().join("plain");
    ok(korpus(&plain, &["index", input]));
    refuse(&[shard(0), plain.clone()], "o3", "is not a shard");
    std::fs::create_dir_all(t.path().join("full")).unwrap();
    std::fs::write(t.path().join("full/x"), "x").unwrap();
    refuse(&[shard(0), shard(1), shard(2)], "full", "is not empty");
    // A shard index is only ever that shard.
    let o = run(korpus(&shard(0), &["index", input, "--shard", "1/3"]));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("holds shard 0/3, this run is shard 1/3"), "{}", stderr(&o));
    let o = run(korpus(&shard(0), &["index", input, "--shard", "3/3"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // `auto` reads the Slurm array variables.
    let mut c = korpus(&t.path().join("auto"), &["index", input, "--shard", "auto"]);
    c.env("SLURM_ARRAY_TASK_ID", "1").env("SLURM_ARRAY_TASK_COUNT", "3");
    assert!(ok(c).contains("shard 1/3"));
    let mut c = korpus(&t.path().join("auto2"), &["index", input, "--shard", "auto"]);
    c.env_remove("SLURM_ARRAY_TASK_ID");
    let o = run(c);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("SLURM_ARRAY_TASK_ID"), "{}", stderr(&o));
}
