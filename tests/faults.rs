//! Faults korpus must survive without losing data, panicking or misleading:
//! repeated record ids, huge numeric arguments, read-only and damaged
//! indexes, two runs creating one index. Each test is named after what it
//! guards and reproduces the fault itself (no mock of it).

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use crate::util::{json_lines, run, stderr, stdout, TestDir};

fn index_ok(t: &TestDir, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["index"];
    a.extend_from_slice(args);
    a.push("--json");
    let o = run(t.cmd(&a));
    assert!(o.status.success(), "{}", stderr(&o));
    json_lines(&o).remove(0)
}

fn jsonl(records: &[(&str, String)]) -> String {
    records
        .iter()
        .map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string() + "\n")
        .collect()
}

/// Two shops number their reviews 1..N: the same ids with other texts in two
/// files are two sets of documents, none dropped as a duplicate.
#[test]
fn repeated_ids_across_files_keep_every_record() {
    let t = TestDir::new();
    for shop in ["A", "B"] {
        let recs: Vec<(String, String)> = (1..=30)
            .map(|i| (i.to_string(), format!("Kunde {shop} schreibt Bewertung {i} zur Lieferung.")))
            .collect();
        let recs: Vec<(&str, String)> = recs.iter().map(|(a, b)| (a.as_str(), b.clone())).collect();
        t.write(&format!("in/shop{shop}.jsonl"), jsonl(&recs));
    }
    let v = index_ok(&t, &[t.path().join("in").to_str().unwrap()]);
    assert_eq!(v["documents"], 60, "{v}");
    assert_eq!(v["files_indexed"], 2, "{v}");
    let o = run(t.cmd(&["check"]));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// Same id twice in one file: same text is a duplicate (counted), another
/// text is a second document (kept, renamed, with a warning).
#[test]
fn same_id_in_one_file_is_a_duplicate_only_with_the_same_text() {
    let t = TestDir::new();
    t.write(
        "in/a.jsonl",
        jsonl(&[
            ("x", "Erster Text über die Lieferung.".into()),
            ("x", "Zweiter, ganz anderer Text über den Kunden.".into()),
            ("y", "Erster Text über die Lieferung.".into()),
        ]),
    );
    let v = index_ok(&t, &[t.path().join("in").to_str().unwrap()]);
    assert_eq!(v["documents"], 2, "{v}");
    assert_eq!(v["duplicate_records"], 1, "{v}");
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("both kept"), "{warnings}");
    let o = run(t.cmd(&["search", "Kunden", "--json"]));
    let hits = json_lines(&o);
    assert_eq!(hits.len(), 1);
    assert_ne!(hits[0]["id"], "x", "the second x has an id of its own");
}

/// `--limit` and `--offset` at the ends of their range neither panic nor
/// allocate; 0 hits means all, as in `stats` and `kwic`; an offset past the
/// hits is not "nothing found".
#[test]
fn huge_limit_and_offset_do_not_panic_and_zero_means_all() {
    let t = TestDir::new();
    index_ok(&t, &["corpus"]);
    let max = u64::MAX.to_string();
    let half = (u64::MAX / 2).to_string();
    let near = (u64::MAX - 1).to_string();
    for args in [
        vec!["-n", max.as_str()],
        vec!["-n", half.as_str()],
        vec!["--offset", near.as_str(), "-n", "2"],
        vec!["-n", half.as_str(), "--offset", half.as_str()],
    ] {
        let mut a = vec!["search", "Kunde OR клиент OR مشتری", "--json"];
        a.extend_from_slice(&args);
        let o = run(t.cmd(&a));
        assert!(
            o.status.code() == Some(0),
            "{args:?}: exit {:?} {}",
            o.status.code(),
            stderr(&o)
        );
    }
    let all = json_lines(&run(t.cmd(&["search", "Kunde OR клиент OR مشتری", "--json", "-n", "0"])));
    let ten = json_lines(&run(t.cmd(&["search", "Kunde OR клиент OR مشتری", "--json", "-n", "100"])));
    assert!(all.len() > 1 && all.len() == ten.len(), "{} vs {}", all.len(), ten.len());
    let o = run(t.cmd(&["search", "Kunde", "--offset", "1000"]));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("none from --offset 1000"), "{}", stdout(&o));
}

/// `--jobs` beyond what the machine can use is lowered with a warning;
/// `--jobs 0`, `--k` beyond 200 and a share outside 0..1 are refused at once.
#[test]
fn numeric_arguments_are_bounded() {
    let t = TestDir::new();
    index_ok(&t, &["corpus"]);
    let o = run(t.cmd(&["stats", "summary", "-j", "18446744073709551615"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("lowered to"), "{}", stderr(&o));
    for args in [
        vec!["stats", "summary", "-j", "0"],
        vec!["themes", "--k", "100000"],
        vec!["stats", "dups", "--threshold", "2"],
        vec!["stats", "colloc", "Kunde", "--span", "100000"],
        vec!["kwic", "Kunde", "--width", "0"],
    ] {
        let o = run(t.cmd(&args));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("invalid value"), "{args:?}: {}", stderr(&o));
    }
}

/// Run `korpus` as a user without write permission on the index: as root,
/// the child drops to `nobody`; otherwise the folder is made read-only.
fn read_only_cmd(t: &TestDir, args: &[&str]) -> Command {
    let mut c = t.cmd(args);
    if unsafe { libc::geteuid() } == 0 {
        use std::os::unix::process::CommandExt;
        unsafe {
            c.pre_exec(|| {
                if libc::setgid(65534) != 0 || libc::setuid(65534) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    c
}

fn make_read_only(dir: &std::path::Path) {
    for e in walk(dir) {
        let mode = if e.is_dir() { 0o555 } else { 0o444 };
        std::fs::set_permissions(&e, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

/// A committed index in a folder the user cannot write is read by every
/// read command; `index` says there is no write permission (not "locked").
#[test]
fn read_only_index_can_be_read_and_index_says_no_write_permission() {
    let t = TestDir::new();
    index_ok(&t, &["corpus"]);
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    make_read_only(&t.index());
    for args in [
        vec!["search", "Kunde"],
        vec!["stats", "summary"],
        vec!["kwic", "Kunde"],
        vec!["themes"],
        vec!["check"],
        vec!["info"],
    ] {
        let o = run(read_only_cmd(&t, &args));
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    let o = run(read_only_cmd(&t, &["index", "corpus"]));
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("no write permission") && !e.contains("locked"), "{e}");
    std::fs::set_permissions(t.index(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn flip(path: &std::path::Path, at: std::ops::Range<usize>) {
    let mut b = std::fs::read(path).unwrap();
    for i in at {
        if i < b.len() {
            b[i] ^= 0x55;
        }
    }
    std::fs::write(path, b).unwrap();
}

/// A flipped byte in `meta.json` or in a segment's store: read commands say
/// the index is damaged (no raw tantivy message), `check` names the damage,
/// and `index --force` rebuilds whatever is in the folder.
#[test]
fn damaged_index_is_reported_and_force_rebuilds_it() {
    for target in ["meta.json", ".store"] {
        let t = TestDir::new();
        index_ok(&t, &["corpus"]);
        let file = walk(&t.index())
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(target))
            .max_by_key(|p| std::fs::metadata(p).unwrap().len())
            .unwrap();
        flip(&file, if target == "meta.json" { 10..11 } else { 100..600 });
        let o = run(t.cmd(&["search", "Kunde"]));
        assert_eq!(o.status.code(), Some(2), "{target}");
        let e = stderr(&o);
        assert!(e.contains("the index is damaged") && !e.contains("index error"), "{target}: {e}");
        let o = run(t.cmd(&["check"]));
        assert_eq!(o.status.code(), Some(2), "{target}");
        let v = index_ok(&t, &["corpus", "--force"]);
        assert_eq!(v["documents"], 5, "{target}: {v}");
        let o = run(t.cmd(&["check"]));
        assert_eq!(o.status.code(), Some(0), "{target}: {}", stdout(&o));
    }
}

/// Two runs creating the same new index at once: one builds it, the other
/// is told the index is locked (never a missing `korpus.json` or "already
/// exists").
#[test]
fn two_runs_creating_one_index_meet_at_the_lock() {
    for _ in 0..5 {
        let t = TestDir::new();
        let children: Vec<_> = (0..2)
            .map(|_| {
                t.cmd(&["index", "corpus"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
        let ok = outs.iter().filter(|o| o.status.success()).count();
        assert!(ok >= 1, "{:?}", outs.iter().map(stderr).collect::<Vec<_>>());
        for o in outs.iter().filter(|o| !o.status.success()) {
            assert!(stderr(o).contains("locked by another korpus process"), "{}", stderr(o));
        }
        let o = run(t.cmd(&["check"]));
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    }
}

/// File names that differ only in bytes that are not UTF-8 are two files:
/// both indexed, `check` passes, a rerun changes nothing.
#[test]
fn file_names_differing_in_invalid_utf8_bytes_stay_apart() {
    use std::os::unix::ffi::OsStrExt;
    let t = TestDir::new();
    let dir = t.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    for (b, text) in [(0xffu8, "Der Kunde wartet auf die Lieferung."), (0xfe, "Die Lieferung kam nie an.")] {
        let bytes = [b'n', b, b'.', b't', b'x', b't'];
        std::fs::write(dir.join(std::ffi::OsStr::from_bytes(&bytes)), text).unwrap();
    }
    let v = index_ok(&t, &[dir.to_str().unwrap()]);
    assert_eq!(v["documents"], 2, "{v}");
    let o = run(t.cmd(&["check"]));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v = index_ok(&t, &[dir.to_str().unwrap()]);
    assert_eq!((v["documents"].clone(), v["files_unchanged"].clone()), (2.into(), 2.into()), "{v}");
    let o = run(t.cmd(&["search", "Lieferung", "--json"]));
    let paths: Vec<String> = json_lines(&o).iter().map(|h| h["path"].as_str().unwrap().to_string()).collect();
    assert!(paths.iter().any(|p| p.ends_with("n\\xFF.txt")) && paths.iter().any(|p| p.ends_with("n\\xFE.txt")), "{paths:?}");
}

/// The same folder given by a relative and then an absolute path is one set
/// of documents: the second run replaces the first's, nothing stays twice.
#[test]
fn same_folder_by_relative_and_absolute_path_is_one_set_of_documents() {
    let t = TestDir::new();
    for (i, text) in ["Der Kunde wartet.", "Die Lieferung kam nie an."].iter().enumerate() {
        t.write(&format!("in/{i}.txt"), text);
    }
    let rel = |args: &[&str]| {
        let mut c = t.cmd(args);
        c.current_dir(t.path());
        run(c)
    };
    let o = rel(&["index", "in", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    t.write("in/1.txt", "Die Lieferung kam heute doch noch an.");
    let abs = t.path().join("in");
    let o = rel(&["index", abs.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_lines(&o).remove(0);
    assert_eq!(v["documents"], 2, "{v}");
    let o = rel(&["search", "Lieferung", "--json"]);
    let hits = json_lines(&o);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0]["path"].as_str().unwrap().starts_with('/'), "{hits:?}");
    let o = rel(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// HTML that declares UTF-8 but is written in cp1251 is decoded by
/// detection (readable Russian, language `ru`), with a warning in the
/// manifest; a CSV quote that is never closed is a warning too.
#[test]
fn a_declared_charset_that_lies_falls_back_to_detection_and_says_so() {
    let t = TestDir::new();
    let html = "<html><head><meta charset=\"utf-8\"><title>Отзыв</title></head><body><p>Клиент ждёт доставку уже неделю, оператор не отвечает на звонки.</p></body></html>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(html);
    t.write("in/lie.html", &bytes);
    t.write("in/q.csv", "id,text\n1,Gut\n2,\"Schlecht, und dann\n3,Nichts\n4,Mehr\n5,Ende\n");
    let v = index_ok(&t, &[t.path().join("in").to_str().unwrap()]);
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("declares charset UTF-8"), "{warnings}");
    assert!(warnings.contains("never closed"), "{warnings}");
    let o = run(t.cmd(&["search", "доставку", "--json"]));
    let hits = json_lines(&o);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["lang"], "ru");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.index().join("manifest.json")).unwrap()).unwrap();
    let f = m["files"].as_array().unwrap().iter().find(|f| f["path"].as_str().unwrap().ends_with("lie.html")).unwrap();
    assert_eq!(f["encoding"], "windows-1251", "{f}");
}

/// A JSONL record longer than a record may be is one record skipped, for
/// its size; the records around it are read.
#[test]
fn an_oversized_jsonl_record_is_one_record_skipped_for_its_size() {
    let t = TestDir::new();
    let long = "Lieferung kommt nie an. ".repeat(2000);
    let text = jsonl(&[
        ("a", "Der Kunde wartet.".into()),
        ("huge", long),
        ("b", "Die Lieferung ist da.".into()),
    ]);
    let p = t.write("big.jsonl", text);
    let opts = korpus::ingest::IngestOptions {
        max_file_bytes: 0,
        chunk_bytes: 4096,
        ..Default::default()
    };
    let mut docs = Vec::new();
    let report = korpus::ingest::read_file_with(&p, &opts, &mut |d| docs.push(d));
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"], "{report:?}");
    let why = report.skipped.unwrap_or_default();
    assert!(why.starts_with("1 record skipped") && why.contains("line 2: a record of 0.0"), "{why}");
}

/// Text of `n` pseudo-random words (letters that compress badly, so an
/// index of it is about as large as the text).
fn noise(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut s = String::with_capacity(n * 8);
    for _ in 0..n {
        let len = 3 + (x % 8) as usize;
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.push((b'a' + (x % 26) as u8) as char);
        }
        s.push(' ');
    }
    s
}

/// A full disk (a 6 MB tmpfs when the test may mount one, as root; else
/// a 1 MB file size limit, `RLIMIT_FSIZE`, on the indexing child): one
/// clear error, exit 2, no panic, the last commit intact, and the next run
/// removes the orphan files of the failed one before it writes, so it has
/// their room.
#[test]
fn full_disk_is_one_clear_error_and_the_next_run_cleans_up() {
    let t = TestDir::new();
    let mnt = t.path().join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    // KORPUS_TEST_NO_MOUNT=1 takes the RLIMIT_FSIZE path where mounting works.
    let mounted = unsafe { libc::geteuid() } == 0
        && std::env::var_os("KORPUS_TEST_NO_MOUNT").is_none()
        && Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=6m", "tmpfs"])
            .arg(&mnt)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    eprintln!(
        "full disk by {}",
        if mounted { "a 6 MB tmpfs" } else { "a 1 MB RLIMIT_FSIZE" }
    );
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    let idx = mnt.join("idx");
    let small = t.path().join("small");
    let big = t.path().join("big");
    for i in 0..3 {
        t.write(&format!("small/{i}.txt"), format!("Der Kunde {i} wartet auf die Lieferung."));
    }
    for i in 0..120 {
        t.write(&format!("big/{i:03}.txt"), noise(i, 10_000));
    }
    let korpus_limited = |args: &[&str], limited: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_korpus"));
        c.arg("--index").arg(&idx).args(args);
        if limited && !mounted {
            use std::os::unix::process::CommandExt;
            unsafe {
                c.pre_exec(|| {
                    // Writes past the limit fail with EFBIG instead of
                    // killing the process with SIGXFSZ.
                    libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                    let lim = libc::rlimit {
                        rlim_cur: 1 << 20,
                        rlim_max: 1 << 20,
                    };
                    if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        run(c)
    };
    let korpus = |args: &[&str]| korpus_limited(args, false);
    let o = korpus(&["index", small.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for round in 0..3 {
        let o = korpus_limited(&["index", big.to_str().unwrap(), "--commit-every", "40", "-j", "2"], true);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "round {round}: {e}");
        assert!(!e.contains("panicked"), "round {round}: {e}");
        assert!(e.contains("no space left on the device") && e.lines().count() == 1, "round {round}: {e}");
        let o = korpus(&["check"]);
        assert_eq!(o.status.code(), Some(0), "round {round}: {}", stdout(&o));
    }
    // The small files alone fit again once the orphans are gone.
    let o = korpus(&["index", small.to_str().unwrap(), "--prune"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = korpus(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let used: u64 = walk(&idx).iter().filter_map(|p| std::fs::metadata(p).ok()).filter(|m| m.is_file()).map(|m| m.len()).sum();
    assert!(used < 2 << 20, "orphans left: {used} bytes");
}

/// During an incremental run that changes every file, with commits every 25
/// documents, a reader sees every file at all times: its old version or its
/// new one, never neither (each file's deletes and adds share a commit).
#[test]
fn changed_files_stay_searchable_during_an_incremental_run() {
    let t = TestDir::new();
    let n = 400;
    for i in 0..n {
        t.write(&format!("in/{i:03}.txt"), format!("Der Kunde {i} wartet auf die Lieferung, Fassung alt."));
    }
    let dir = t.path().join("in");
    index_ok(&t, &[dir.to_str().unwrap()]);
    for i in 0..n {
        t.write(&format!("in/{i:03}.txt"), format!("Der Kunde {i} wartet nicht mehr, Fassung neu."));
    }
    let mut child = t
        .cmd(&["index", dir.to_str().unwrap(), "--commit-every", "25", "-j", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    while child.try_wait().unwrap().is_none() {
        let o = run(t.cmd(&["search", "Kunde", "--json", "-n", "1"]));
        let count = stdout(&run(t.cmd(&["search", "Kunde", "-n", "1"])))
            .lines()
            .next()
            .and_then(|l| l.split(' ').next().map(str::to_string))
            .unwrap_or_default();
        assert!(o.status.code() == Some(0), "{}", stderr(&o));
        seen.push(count);
    }
    assert!(child.wait().unwrap().success());
    assert!(seen.len() >= 2, "the run ended before any search: {seen:?}");
    assert!(seen.iter().all(|c| c == "400"), "documents missing during the run: {seen:?}");
    let o = run(t.cmd(&["search", "neu", "-n", "1"]));
    assert!(stdout(&o).starts_with("400 matching"), "{}", stdout(&o));
}

/// Fault injection over every write operation of a small incremental run
/// (files changed, added and deleted, `--prune`, a commit every 2
/// documents), as SQLite's I/O error tests do: for every N, the Nth write
/// (open for writing, write, close, atomic write, delete, sync, korpus's
/// state and manifest) fails once (`KORPUS_FAULT_AFTER=N`). After each: one
/// error line, exit 2, no panic; the index opens at its last commit, `check`
/// finds nothing but an unfinished run (or a manifest a commit behind, when
/// the fault hits the manifest written after the last commit); a rerun
/// equals a clean run.
#[test]
fn every_failed_write_of_an_incremental_run_leaves_a_sound_index() {
    let started = std::time::Instant::now();
    let t = TestDir::new();
    let dir = t.path().join("in");
    for i in 0..6 {
        t.write(&format!("in/{i}.txt"), format!("Der Kunde {i} wartet auf die Lieferung. Клиент {i} ждёт доставку."));
    }
    let base = t.path().join("base");
    let at = |idx: &std::path::Path, args: &[&str], fault: Option<usize>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_korpus"));
        c.arg("--index").arg(idx).args(args);
        if let Some(n) = fault {
            c.env("KORPUS_FAULT_AFTER", n.to_string());
        }
        run(c)
    };
    let d = dir.to_str().unwrap();
    assert!(at(&base, &["index", d], None).status.success());
    t.write("in/1.txt", "Neue Fassung eins, der Kunde ist zufrieden.");
    t.write("in/2.txt", "Новая версия два: доставка пришла.");
    std::fs::remove_file(dir.join("5.txt")).unwrap();
    t.write("in/6.txt", "Datei sechs: die Lieferung kam heute.");
    let copy = |to: &std::path::Path| {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(&base).unwrap().flatten() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    };
    let fingerprint = |idx: &std::path::Path| {
        let o = at(idx, &["stats", "freq", "--json", "-n", "0"], None);
        assert!(o.status.success(), "{}", stderr(&o));
        let docs = json_lines(&at(idx, &["info", "--json"], None))[0]["documents"].clone();
        (stdout(&o), docs)
    };
    let clean = t.path().join("clean");
    copy(&clean);
    assert!(at(&clean, &["index", d, "--prune"], None).status.success());
    let want = fingerprint(&clean);
    let args = ["index", d, "--prune", "--commit-every", "2", "-j", "1"];
    // N from 1 until a run meets no fault, on two threads.
    let next = std::sync::atomic::AtomicUsize::new(1);
    let end = std::sync::atomic::AtomicUsize::new(usize::MAX);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if n >= end.load(std::sync::atomic::Ordering::SeqCst) || n > 2000 {
                    break;
                }
                let w = t.path().join(format!("w{n}"));
                copy(&w);
                let o = at(&w, &args, Some(n));
                let e = stderr(&o);
                if !e.contains("injected fault") {
                    assert!(o.status.success(), "n={n}: {e}");
                    end.fetch_min(n, std::sync::atomic::Ordering::SeqCst);
                    break;
                }
                let mut bad = Vec::new();
                if e.contains("panicked") || (!o.status.success() && o.status.code() != Some(2)) {
                    bad.push(format!("exit {:?}: {e}", o.status.code()));
                }
                let errors = e.lines().filter(|l| l.starts_with("korpus: error")).count();
                if o.status.code() == Some(2) && errors != 1 {
                    bad.push(format!("{errors} error lines: {e}"));
                }
                let c = at(&w, &["check"], None);
                let problems: Vec<String> = stdout(&c)
                    .lines()
                    // A run that failed after a commit is reported as
                    // unfinished (or its manifest as one commit behind):
                    // that is what check must say; the rerun repairs it.
                    .filter(|l| {
                        l.starts_with("problem:")
                            && !l.contains("the last run did not finish")
                            && !l.contains("(interrupted run?)")
                    })
                    .map(str::to_string)
                    .collect();
                if !problems.is_empty() {
                    bad.push(format!("check: {problems:?}"));
                }
                let r = at(&w, &["index", d, "--prune"], None);
                if !r.status.success() {
                    bad.push(format!("rerun: {}", stderr(&r)));
                } else if fingerprint(&w) != want {
                    bad.push("rerun differs from a clean run".into());
                }
                if !bad.is_empty() {
                    failures.lock().unwrap().push(format!("n={n}: {bad:?}"));
                }
                let _ = std::fs::remove_dir_all(&w);
            });
        }
    });
    let end = end.into_inner();
    let failures = failures.into_inner().unwrap();
    eprintln!(
        "fault sweep: N = 1..{} write operations, {:.1} s",
        end - 1,
        started.elapsed().as_secs_f64()
    );
    assert!(end > 50 && end < usize::MAX, "the sweep did not reach the end: {end}");
    assert!(failures.is_empty(), "{failures:#?}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    /// Any `--limit`/`--offset` pair of `search` and any `--jobs`: exit 0
    /// or 1 (never a panic, never an error), at most the hits there are.
    #[test]
    fn numeric_arguments_never_panic(
        limit in proptest::prelude::any::<u64>(),
        offset in proptest::prelude::prop_oneof![proptest::prelude::Just(0u64), 0u64..20, proptest::prelude::any::<u64>()],
        jobs in 1u64..u64::MAX,
    ) {
        let (l, o, j) = (limit.to_string(), offset.to_string(), jobs.to_string());
        let out = crate::util::on_corpus(&["search", "Kunde OR клиент", "--json", "-n", &l, "--offset", &o, "-j", &j]);
        proptest::prop_assert!(matches!(out.status.code(), Some(0) | Some(1)), "{}", stderr(&out));
        proptest::prop_assert!(json_lines(&out).len() <= 5);
    }
}

/// A library user whose other threads spawn processes: between fork and exec
/// a child shares the writer lock file that creation has just released, so
/// the writer must not take that moment for another run's lock.
#[test]
fn lock_survives_children_spawned_by_other_threads() {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let spawner = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = Command::new("true").status();
            }
        })
    };
    let mut failures = Vec::new();
    for i in 0..60 {
        let t = TestDir::new();
        let f = t.write(
            "in/x.txt",
            format!("Das ist ein kurzer deutscher Satz Nummer {i}.").as_bytes(),
        );
        let result = korpus::index::KorpusIndex::open_or_create(&t.index()).and_then(|idx| {
            let opts = korpus::pipeline::IndexOptions {
                jobs: 1,
                heap_bytes: 15 << 20,
                ..Default::default()
            };
            korpus::pipeline::index_paths(&idx, &[f], &opts, &|_, _| {}).map(|_| ())
        });
        if let Err(e) = result {
            failures.push(format!("run {i}: {e}"));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    spawner.join().unwrap();
    assert!(failures.is_empty(), "{failures:?}");
}
