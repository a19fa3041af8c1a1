//! korpus benchmark harness (issue 8).
//!
//! ```text
//! cargo bench --bench harness -- /tmp/bench200            # full run
//! cargo bench --bench harness -- /tmp/bench5 --smoke      # CI smoke (~5 MB corpus)
//! cargo bench --bench harness -- CORPUS [--jobs 1,2] [--json FILE] [--rounds N]
//!                                       [--index-rounds N] [--queries N] [--keep DIR]
//! ```
//!
//! In one invocation, on the corpus folder CORPUS (as written by
//! `../shared/bench/generate.py`; every subfolder is indexed, files at the top
//! level such as `manifest.jsonl` are not):
//!
//! * first, every file read once (not timed against anything; the time is
//!   printed), so that the runs below all start with the corpus in the page
//!   cache and the first of them does not pay alone for bringing it in;
//! * `korpus index` end to end (the release binary, as a subprocess) for each
//!   `--jobs` value: wall time, MB/s of input bytes on disk, docs/s, peak RSS
//!   (`wait4` rusage of that child);
//! * the baseline: the same files indexed by plain tantivy (default tokenizer,
//!   one TEXT field, lossy UTF-8, one document per file, same writer heap) with
//!   the largest `--jobs` value, in a child process of this harness (so its RSS
//!   is measured the same way); ratio korpus/baseline throughput;
//! * the indexing runs go in `--index-rounds` alternating rounds (default 3;
//!   1 with `--smoke`): each round runs every `--jobs` value, then the
//!   baseline. The table shows each configuration's run of median wall time
//!   (peak RSS: the highest of its runs); each ratio is computed within each
//!   round, and the median of the rounds is reported (this machine's speed
//!   drifts by 10–30 % over minutes);
//! * search latency p50/p99 in-process through `KorpusIndex::search`, for
//!   single-term, two-term and phrase queries drawn deterministically from
//!   documents of each language, after a warm-up round;
//! * `korpus stats` (and `korpus themes` when the binary has it) wall time and
//!   peak RSS on the index;
//! * speed-up of the largest `--jobs` value over `--jobs 1`, and over
//!   `--jobs 1` with the whole process held to one CPU (`sched_setaffinity`,
//!   run in the same rounds). Since korpus writes its segments on its own
//!   workers, `--jobs 1` keeps one core busy and the two figures agree; the
//!   held run checks that (a korpus that let tantivy's indexing thread run
//!   beside the one worker kept 1.24 cores busy).
//!
//! A table goes to stdout, everything to a JSON file (default
//! `target/bench-results/harness-<corpus name>.json`).
//!
//! The korpus binary is `$KORPUS_BIN` if set, else the one cargo built with
//! this bench (`CARGO_BIN_EXE_korpus`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use korpus::index::{KorpusIndex, SearchOptions};

type Res<T> = Result<T, String>;

/// Writer heap of the baseline: the same as korpus's default.
const BASELINE_HEAP: usize = 200 << 20;
const INPUT_EXTS: [&str; 4] = ["txt", "md", "jsonl", "csv"];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--baseline-child") {
        std::process::exit(match baseline_child(&args[1..]) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("baseline: error: {e}");
                2
            }
        });
    }
    match run(&args) {
        Ok(()) => {}
        Err(e) => {
            eprintln!("harness: error: {e}");
            std::process::exit(2);
        }
    }
}

#[derive(Debug)]
struct Config {
    corpus: PathBuf,
    jobs: Vec<usize>,
    json: Option<PathBuf>,
    smoke: bool,
    rounds: usize,
    /// Alternating rounds of the indexing runs.
    index_rounds: usize,
    queries_per_kind: usize,
    keep: Option<PathBuf>,
}

fn parse_args(args: &[String]) -> Res<Config> {
    let mut corpus = None;
    let mut jobs = vec![1, 2];
    let mut json = None;
    let mut smoke = false;
    let mut rounds = None;
    let mut index_rounds = None;
    let mut queries = None;
    let mut keep = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> Res<String> {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match a.as_str() {
            // cargo bench passes --bench to harness = false targets.
            "--bench" => {}
            "--smoke" => smoke = true,
            "--jobs" => {
                jobs = value("--jobs")?
                    .split(',')
                    .map(|s| {
                        s.trim()
                            .parse::<usize>()
                            .map_err(|e| format!("--jobs: {e}"))
                    })
                    .collect::<Res<Vec<_>>>()?;
                if jobs.is_empty() || jobs.contains(&0) {
                    return Err("--jobs: give positive numbers, e.g. 1,2".into());
                }
            }
            "--json" => json = Some(PathBuf::from(value("--json")?)),
            "--rounds" => {
                rounds = Some(
                    value("--rounds")?
                        .parse()
                        .map_err(|e| format!("--rounds: {e}"))?,
                )
            }
            "--index-rounds" => {
                let n: usize = value("--index-rounds")?
                    .parse()
                    .map_err(|e| format!("--index-rounds: {e}"))?;
                if n == 0 {
                    return Err("--index-rounds: at least 1".into());
                }
                index_rounds = Some(n);
            }
            "--queries" => {
                queries = Some(
                    value("--queries")?
                        .parse()
                        .map_err(|e| format!("--queries: {e}"))?,
                )
            }
            "--keep" => keep = Some(PathBuf::from(value("--keep")?)),
            "-h" | "--help" => {
                println!("usage: cargo bench --bench harness -- CORPUS [--smoke] [--jobs 1,2] [--json FILE] [--rounds N] [--index-rounds N] [--queries N] [--keep DIR]");
                std::process::exit(0);
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => {
                if corpus.is_some() {
                    return Err(format!("one corpus folder only (got also {s})"));
                }
                corpus = Some(PathBuf::from(s));
            }
        }
    }
    let corpus = corpus.ok_or(
        "give a corpus folder, e.g. `cargo bench --bench harness -- /tmp/bench200` \
         (generate one with python3 ../shared/bench/generate.py --src ../shared/bench \
         --out /tmp/bench200 --size-mb 200 --seed 42)",
    )?;
    jobs.sort();
    jobs.dedup();
    Ok(Config {
        corpus,
        jobs,
        json,
        smoke,
        rounds: rounds.unwrap_or(if smoke { 1 } else { 5 }),
        index_rounds: index_rounds.unwrap_or(if smoke { 1 } else { 3 }),
        queries_per_kind: queries.unwrap_or(if smoke { 4 } else { 20 }),
        keep,
    })
}

// ---------------------------------------------------------------- processes

struct Measured {
    wall: Duration,
    /// User + system CPU time of the child.
    cpu: Duration,
    peak_rss_kb: u64,
    status: i32,
    stdout: String,
    stderr: String,
}

/// Run a command to completion; wall time and that child's peak RSS (wait4).
fn measure(cmd: &mut Command) -> Res<Measured> {
    let out_file = tempfile_path("stdout");
    let err_file = tempfile_path("stderr");
    let out = std::fs::File::create(&out_file).map_err(|e| e.to_string())?;
    let err = std::fs::File::create(&err_file).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = loop {
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        break r;
    };
    let wall = start.elapsed();
    // The child is reaped: do not let `Child` wait again.
    std::mem::forget(child);
    if r != pid {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    let stdout = std::fs::read_to_string(&out_file).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_file).unwrap_or_default();
    let _ = std::fs::remove_file(&out_file);
    let _ = std::fs::remove_file(&err_file);
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Ok(Measured {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        peak_rss_kb: usage.ru_maxrss as u64, // kilobytes on Linux
        status: code,
        stdout,
        stderr,
    })
}

/// The first CPU this process may run on, if it may run on more than one.
fn first_cpu() -> Option<usize> {
    // SAFETY: cpu_set_t is plain data; sched_getaffinity fills it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return None;
        }
        let cpus: Vec<usize> = (0..libc::CPU_SETSIZE as usize)
            .filter(|&c| libc::CPU_ISSET(c, &set))
            .collect();
        (cpus.len() > 1).then(|| cpus[0])
    }
}

fn tempfile_path(what: &str) -> PathBuf {
    std::env::temp_dir().join(format!("korpus-bench-{}-{what}", std::process::id()))
}

fn korpus_bin() -> Res<PathBuf> {
    let p = match std::env::var_os("KORPUS_BIN") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_BIN_EXE_korpus")),
    };
    if !p.is_file() {
        return Err(format!(
            "korpus binary not found at {} (build it with `cargo build --release` or set KORPUS_BIN)",
            p.display()
        ));
    }
    Ok(p)
}

// ---------------------------------------------------------------- corpus

struct Corpus {
    /// Subfolders passed to `korpus index`.
    roots: Vec<PathBuf>,
    /// Input files, sorted.
    files: Vec<PathBuf>,
    bytes: u64,
}

fn scan(corpus: &Path) -> Res<Corpus> {
    let rd = std::fs::read_dir(corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let mut roots: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    roots.sort();
    if roots.is_empty() {
        return Err(format!(
            "{} has no subfolders: expected a corpus from ../shared/bench/generate.py",
            corpus.display()
        ));
    }
    let mut files = Vec::new();
    let mut stack = roots.clone();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let p = e.map_err(|e| e.to_string())?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| INPUT_EXTS.contains(&x.to_ascii_lowercase().as_str()))
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let bytes = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    if files.is_empty() {
        return Err(format!("no input files under {}", corpus.display()));
    }
    Ok(Corpus {
        roots,
        files,
        bytes,
    })
}

// ---------------------------------------------------------------- baseline

/// One `korpus index` run into `dir`: a row of the indexing table.
/// One `korpus index` run into `dir`; with `pin`, the child may run on that
/// CPU only (all its threads, tantivy's included).
fn index_korpus(
    bin: &Path,
    corpus: &Corpus,
    jobs: usize,
    pin: Option<usize>,
    dir: &Path,
) -> Res<serde_json::Value> {
    let mut cmd = Command::new(bin);
    cmd.arg("index")
        .args(&corpus.roots)
        .args(["--jobs", &jobs.to_string(), "--json", "--index"])
        .arg(dir);
    if let Some(cpu) = pin {
        use std::os::unix::process::CommandExt;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(cpu, &mut set);
                if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let m = measure(&mut cmd)?;
    if m.status != 0 && m.status != 3 {
        return Err(format!(
            "korpus index --jobs {jobs} failed (exit {}): {}",
            m.status,
            m.stderr.trim()
        ));
    }
    let summary: serde_json::Value = m
        .stdout
        .lines()
        .find_map(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| format!("korpus index printed no JSON summary: {}", m.stdout))?;
    let docs = summary["documents"].as_u64().unwrap_or(0);
    let what = match pin {
        Some(_) => format!("korpus --jobs {jobs} on 1 CPU"),
        None => format!("korpus index --jobs {jobs}"),
    };
    let mut row = index_row(what, jobs, &m, corpus, docs, dir);
    row["files_skipped"] = summary["files_skipped"].clone();
    Ok(row)
}

/// A row of the indexing table for one measured run.
fn index_row(
    what: String,
    jobs: usize,
    m: &Measured,
    corpus: &Corpus,
    docs: u64,
    dir: &Path,
) -> serde_json::Value {
    let secs = m.wall.as_secs_f64();
    serde_json::json!({
        "what": what,
        "jobs": jobs,
        "wall_s": secs,
        "cpu_s": m.cpu.as_secs_f64(),
        "mb_per_s": mb(corpus.bytes) / secs,
        "docs": docs,
        "docs_per_s": docs as f64 / secs,
        "peak_rss_mb": m.peak_rss_kb as f64 / 1024.0,
        "index_mb": mb(dir_size(dir)),
    })
}

/// One baseline run (this binary as `--baseline-child`) into `dir`.
fn index_baseline(
    exe: &Path,
    corpus: &Corpus,
    list: &Path,
    jobs: usize,
    dir: &Path,
) -> Res<serde_json::Value> {
    let m = measure(
        Command::new(exe)
            .arg("--baseline-child")
            .arg(dir)
            .arg(list)
            .arg(jobs.to_string()),
    )?;
    if m.status != 0 {
        return Err(format!("baseline failed: {}", m.stderr.trim()));
    }
    let docs: u64 = m
        .stdout
        .trim()
        .strip_prefix("docs=")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(index_row(
        format!("plain tantivy --jobs {jobs}"),
        jobs,
        &m,
        corpus,
        docs,
        dir,
    ))
}

/// Child mode: `--baseline-child INDEX_DIR FILE_LIST JOBS`. Prints `docs=N`.
fn baseline_child(args: &[String]) -> Res<()> {
    use tantivy::schema::{Schema, TEXT};
    let [dir, list, jobs] = args else {
        return Err("usage: --baseline-child INDEX_DIR FILE_LIST JOBS".into());
    };
    let jobs: usize = jobs.parse().map_err(|e| format!("jobs: {e}"))?;
    let list = std::fs::read_to_string(list).map_err(|e| format!("{list}: {e}"))?;
    let mut b = Schema::builder();
    let body = b.add_text_field("body", TEXT);
    let schema = b.build();
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let index = tantivy::Index::create_in_dir(dir, schema).map_err(|e| e.to_string())?;
    let mut writer: tantivy::IndexWriter = index
        .writer_with_num_threads(jobs, BASELINE_HEAP)
        .map_err(|e| e.to_string())?;
    let mut docs = 0u64;
    for f in list.lines().filter(|l| !l.is_empty()) {
        let bytes = std::fs::read(f).map_err(|e| format!("{f}: {e}"))?;
        let text = String::from_utf8_lossy(&bytes);
        writer
            .add_document(tantivy::doc!(body => text.as_ref()))
            .map_err(|e| e.to_string())?;
        docs += 1;
    }
    writer.commit().map_err(|e| e.to_string())?;
    writer.wait_merging_threads().map_err(|e| e.to_string())?;
    println!("docs={docs}");
    Ok(())
}

// ---------------------------------------------------------------- queries

/// A small deterministic generator (SplitMix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Words of a text usable in a query: letters only, 4 to 20 characters, and
/// content words (not a stopword in any target language, as queries a
/// researcher types; a query of stopwords only is rejected by korpus).
fn query_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 4 && w.chars().count() <= 20)
        .filter(|w| {
            !korpus::Lang::TARGETS.iter().any(|&l| {
                korpus::analysis::Analyzer::get(l)
                    .analyze(w)
                    .iter()
                    .any(|t| t.stop)
            })
        })
        .collect()
}

/// `n` queries of each kind per language, from documents of `<corpus>/<lang>/`.
fn make_queries(corpus: &Corpus, n: usize) -> BTreeMap<&'static str, Vec<(String, String)>> {
    let mut out: BTreeMap<&'static str, Vec<(String, String)>> = BTreeMap::new();
    let mut rng = Rng(42);
    for lang in ["ar", "de", "fa", "ru", "sl"] {
        let marker = format!(
            "{}{lang}{}",
            std::path::MAIN_SEPARATOR,
            std::path::MAIN_SEPARATOR
        );
        let files: Vec<&PathBuf> = corpus
            .files
            .iter()
            .filter(|f| f.to_string_lossy().contains(&marker))
            .collect();
        if files.is_empty() {
            continue;
        }
        let mut made = [0usize; 3];
        let mut tries = 0;
        while made.iter().any(|&m| m < n) && tries < 50 * n + 100 {
            tries += 1;
            let f = files[rng.below(files.len())];
            let Ok(bytes) = std::fs::read(f) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let words = query_words(&text);
            if words.len() < 4 {
                continue;
            }
            let i = rng.below(words.len() - 1);
            let kind = made.iter().enumerate().min_by_key(|(_, m)| **m).unwrap().0;
            let q = match kind {
                0 => words[i].to_string(),
                1 => format!("{} {}", words[i], words[rng.below(words.len())]),
                _ => {
                    // Two words next to each other in the text (a real phrase).
                    let (a, b) = (words[i], words[i + 1]);
                    let pa = text.find(a);
                    let adjacent = pa.is_some_and(|p| {
                        let rest = &text[p + a.len()..];
                        rest.trim_start_matches([' ', '\u{200c}']).starts_with(b)
                            && rest.len() - rest.trim_start_matches([' ', '\u{200c}']).len() <= 2
                    });
                    if !adjacent {
                        continue;
                    }
                    format!("\"{a} {b}\"")
                }
            };
            let name = ["single", "two-term", "phrase"][kind];
            out.entry(name).or_default().push((lang.to_string(), q));
            made[kind] += 1;
        }
    }
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

// ---------------------------------------------------------------- run

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn dir_size(p: &Path) -> u64 {
    let mut n = 0;
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let p = e.path();
            n += if p.is_dir() {
                dir_size(&p)
            } else {
                std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0)
            };
        }
    }
    n
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn run(args: &[String]) -> Res<()> {
    let cfg = parse_args(args)?;
    let bin = korpus_bin()?;
    let corpus = scan(&cfg.corpus)?;
    let work = match &cfg.keep {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("korpus-bench-{}", std::process::id())),
    };
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    }
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let result = run_in(&cfg, &bin, &corpus, &work);
    if cfg.keep.is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
    result
}

fn run_in(cfg: &Config, bin: &Path, corpus: &Corpus, work: &Path) -> Res<()> {
    let load_start = load();
    eprintln!(
        "corpus {}: {} files, {:.1} MB; korpus binary {}; load {}",
        cfg.corpus.display(),
        corpus.files.len(),
        mb(corpus.bytes),
        bin.display(),
        load_start
    );
    let mut json = serde_json::Map::new();
    json.insert("corpus".into(), cfg.corpus.display().to_string().into());
    json.insert("files".into(), corpus.files.len().into());
    json.insert("input_bytes".into(), corpus.bytes.into());
    json.insert("smoke".into(), cfg.smoke.into());
    json.insert("load_start".into(), load_start.into());
    json.insert(
        "cpus".into(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .into(),
    );

    // Every file read once before anything is timed, so the first timed run
    // (--jobs 1) does not pay alone for bringing the corpus into the page
    // cache; the time is itself a figure (plain reading, one thread).
    let t = Instant::now();
    let mut read = 0u64;
    for f in &corpus.files {
        read += std::fs::read(f)
            .map_err(|e| format!("{}: {e}", f.display()))?
            .len() as u64;
    }
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "read every file once (warm-up, one thread): {secs:.2} s, {:.0} MB/s",
        mb(read) / secs
    );
    json.insert("warmup_read_s".into(), secs.into());

    // a, b. korpus index per --jobs value, then the baseline (plain tantivy
    // with the largest --jobs value), in alternating rounds: drift of the
    // machine over a minute then touches every configuration alike, and each
    // round gives its own ratios.
    let max_jobs = *cfg.jobs.last().expect("jobs");
    let list = work.join("files.txt");
    let listing: String = corpus
        .files
        .iter()
        .map(|p| format!("{}\n", p.display()))
        .collect();
    std::fs::write(&list, listing).map_err(|e| e.to_string())?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // The scaling from one core to two is measured against `--jobs 1` held
    // to one CPU too, in the same rounds, so a `--jobs 1` that keeps more
    // than one core busy shows (as it did when tantivy indexed on a thread of
    // its own).
    let one_core = (cfg.jobs[0] == 1 && max_jobs > 1).then(first_cpu).flatten();
    let mut runs: Vec<Vec<serde_json::Value>> = vec![Vec::new(); cfg.jobs.len() + 2];
    let one_core_k = cfg.jobs.len() + 1;
    let index_dir = work.join(format!("korpus-j{max_jobs}"));
    for round in 0..cfg.index_rounds {
        if let Some(cpu) = one_core {
            let dir = work.join("korpus-1core");
            let _ = std::fs::remove_dir_all(&dir);
            eprintln!(
                "round {}: korpus index --jobs 1 on one core (CPU {cpu}) ...",
                round + 1
            );
            runs[one_core_k].push(index_korpus(bin, corpus, 1, Some(cpu), &dir)?);
            let _ = std::fs::remove_dir_all(&dir);
        }
        for (k, &jobs) in cfg.jobs.iter().enumerate() {
            let dir = work.join(format!("korpus-j{jobs}"));
            let _ = std::fs::remove_dir_all(&dir);
            eprintln!("round {}: korpus index --jobs {jobs} ...", round + 1);
            runs[k].push(index_korpus(bin, corpus, jobs, None, &dir)?);
            if jobs != max_jobs {
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
        let bdir = work.join("baseline");
        eprintln!(
            "round {}: baseline (plain tantivy) --jobs {max_jobs} ...",
            round + 1
        );
        runs[cfg.jobs.len()].push(index_baseline(&exe, corpus, &list, max_jobs, &bdir)?);
        let _ = std::fs::remove_dir_all(&bdir);
    }
    // Per configuration: the run of median wall time, with the peak RSS of
    // all its runs and every run's wall time.
    let summarize = |rows: &[serde_json::Value]| -> serde_json::Value {
        let wall = |r: &serde_json::Value| r["wall_s"].as_f64().unwrap_or(f64::NAN);
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| wall(&rows[a]).total_cmp(&wall(&rows[b])));
        let mut out = rows[order[order.len() / 2]].clone();
        let rss = rows
            .iter()
            .filter_map(|r| r["peak_rss_mb"].as_f64())
            .fold(0.0, f64::max);
        out["peak_rss_mb"] = rss.into();
        out["runs_wall_s"] = rows.iter().map(wall).collect::<Vec<_>>().into();
        out
    };
    let mut index_rows: Vec<serde_json::Value> = runs[..cfg.jobs.len()]
        .iter()
        .map(|r| summarize(r))
        .collect();
    if one_core.is_some() {
        index_rows.insert(0, summarize(&runs[one_core_k]));
    }
    let baseline = summarize(&runs[cfg.jobs.len()]);

    // c. search latency, in-process.
    eprintln!("search latency ...");
    let queries = make_queries(corpus, cfg.queries_per_kind);
    let index = KorpusIndex::open(&index_dir).map_err(|e| format!("open index: {e}"))?;
    let opts = SearchOptions::default();
    let mut search_rows = Vec::new();
    let mut all: Vec<f64> = Vec::new();
    // Warm-up: every query once.
    for qs in queries.values() {
        for (_, q) in qs {
            index
                .search(q, &opts)
                .map_err(|e| format!("search {q:?}: {e}"))?;
        }
    }
    let mut zero_hits = 0usize;
    for (kind, qs) in &queries {
        let mut times = Vec::new();
        let mut per_query = vec![(0.0f64, 0usize); qs.len()];
        for round in 0..cfg.rounds {
            for (i, (_, q)) in qs.iter().enumerate() {
                let t = Instant::now();
                let r = index
                    .search(q, &opts)
                    .map_err(|e| format!("search {q:?}: {e}"))?;
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                times.push(ms);
                per_query[i].0 = per_query[i].0.max(ms);
                per_query[i].1 = r.total;
                if round == 0 && r.total == 0 {
                    zero_hits += 1;
                }
            }
        }
        all.extend(&times);
        times.sort_by(|a, b| a.total_cmp(b));
        let mut slowest: Vec<(f64, usize, &(String, String))> = per_query
            .iter()
            .zip(qs)
            .map(|(&(ms, total), q)| (ms, total, q))
            .collect();
        slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        let slowest: Vec<String> = slowest
            .iter()
            .take(5)
            .map(|(ms, total, (l, q))| format!("{ms:.1} ms, {total} hits: {l}: {q}"))
            .collect();
        search_rows.push(serde_json::json!({
            "kind": kind,
            "queries": qs.len(),
            "runs": times.len(),
            "p50_ms": percentile(&times, 50.0),
            "p99_ms": percentile(&times, 99.0),
            "max_ms": times.last().copied().unwrap_or(f64::NAN),
            "slowest": slowest,
            "examples": qs.iter().take(5).map(|(l, q)| format!("{l}: {q}")).collect::<Vec<_>>(),
        }));
    }
    all.sort_by(|a, b| a.total_cmp(b));
    drop(index);

    // d. stats (and themes if present).
    let mut cmd_rows = Vec::new();
    let mut subcommands = vec!["stats"];
    let themes = Command::new(bin)
        .args(["themes", "--help"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if themes {
        subcommands.push("themes");
    }
    for sub in subcommands {
        eprintln!("korpus {sub} ...");
        let m = measure(
            Command::new(bin)
                .arg(sub)
                .args(["--jobs", &max_jobs.to_string(), "--index"])
                .arg(&index_dir),
        )?;
        cmd_rows.push(serde_json::json!({
            "what": format!("korpus {sub} --jobs {max_jobs}"),
            "exit": m.status,
            "wall_s": m.wall.as_secs_f64(),
            "cpu_s": m.cpu.as_secs_f64(),
            "peak_rss_mb": m.peak_rss_kb as f64 / 1024.0,
        }));
        if m.status != 0 {
            eprintln!("korpus {sub} exited {}: {}", m.status, m.stderr.trim());
        }
    }

    // e. ratios, per round (runs of the same round are minutes apart at
    // most), then their median.
    let per_round = |a: usize, b: usize| -> Vec<f64> {
        // Throughput of b over a = wall of a over wall of b.
        runs[a]
            .iter()
            .zip(&runs[b])
            .map(|(x, y)| {
                x["wall_s"].as_f64().unwrap_or(f64::NAN) / y["wall_s"].as_f64().unwrap_or(f64::NAN)
            })
            .collect()
    };
    let median = |mut v: Vec<f64>| -> f64 {
        v.sort_by(|a, b| a.total_cmp(b));
        percentile(&v, 50.0)
    };
    let mut ratios = serde_json::Map::new();
    let mut ratio_runs = serde_json::Map::new();
    let kmax = cfg.jobs.len() - 1;
    let r = per_round(cfg.jobs.len(), kmax);
    ratios.insert(
        format!("korpus_over_baseline_j{max_jobs}"),
        median(r.clone()).into(),
    );
    ratio_runs.insert(format!("korpus_over_baseline_j{max_jobs}"), r.into());
    if max_jobs > 1 && cfg.jobs[0] == 1 {
        let r = per_round(0, kmax);
        ratios.insert(
            format!("speedup_j1_to_j{max_jobs}"),
            median(r.clone()).into(),
        );
        ratio_runs.insert(format!("speedup_j1_to_j{max_jobs}"), r.into());
    }
    if one_core.is_some() {
        let r = per_round(one_core_k, kmax);
        let name = format!("speedup_1core_to_j{max_jobs}");
        ratios.insert(name.clone(), median(r.clone()).into());
        ratio_runs.insert(name, r.into());
    }
    let load_end = load();

    // Table.
    println!();
    println!(
        "corpus {} — {} files, {:.1} MB; load at start {}, at end {}",
        cfg.corpus.display(),
        corpus.files.len(),
        mb(corpus.bytes),
        json["load_start"].as_str().unwrap_or("?"),
        load_end
    );
    println!();
    println!(
        "| {:<28} | {:>8} | {:>8} | {:>7} | {:>8} | {:>9} | {:>9} | {:>8} |",
        "indexing", "wall s", "cpu s", "MB/s", "docs", "docs/s", "peak RSS", "index MB"
    );
    println!(
        "|{:-<30}|{:->10}|{:->10}|{:->9}|{:->10}|{:->11}|{:->11}|{:->10}|",
        "", "", "", "", "", "", "", ""
    );
    for r in index_rows.iter().chain(std::iter::once(&baseline)) {
        println!(
            "| {:<28} | {:>8.2} | {:>8.2} | {:>7.2} | {:>8} | {:>9.0} | {:>6.0} MB | {:>8.1} |",
            r["what"].as_str().unwrap_or(""),
            r["wall_s"].as_f64().unwrap_or(f64::NAN),
            r["cpu_s"].as_f64().unwrap_or(f64::NAN),
            r["mb_per_s"].as_f64().unwrap_or(f64::NAN),
            r["docs"].as_u64().unwrap_or(0),
            r["docs_per_s"].as_f64().unwrap_or(f64::NAN),
            r["peak_rss_mb"].as_f64().unwrap_or(f64::NAN),
            r["index_mb"].as_f64().unwrap_or(f64::NAN),
        );
    }
    println!();
    for (k, v) in &ratios {
        let each: Vec<String> = ratio_runs[k]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| format!("{:.2}", x.as_f64().unwrap_or(f64::NAN)))
                    .collect()
            })
            .unwrap_or_default();
        println!(
            "{k}: {:.2} (median of {} rounds: {})",
            v.as_f64().unwrap_or(f64::NAN),
            each.len(),
            each.join(", ")
        );
    }
    println!();
    println!(
        "| {:<10} | {:>7} | {:>5} | {:>8} | {:>8} | {:>8} |",
        "search", "queries", "runs", "p50 ms", "p99 ms", "max ms"
    );
    println!(
        "|{:-<12}|{:->9}|{:->7}|{:->10}|{:->10}|{:->10}|",
        "", "", "", "", "", ""
    );
    for r in &search_rows {
        println!(
            "| {:<10} | {:>7} | {:>5} | {:>8.2} | {:>8.2} | {:>8.2} |",
            r["kind"].as_str().unwrap_or(""),
            r["queries"].as_u64().unwrap_or(0),
            r["runs"].as_u64().unwrap_or(0),
            r["p50_ms"].as_f64().unwrap_or(f64::NAN),
            r["p99_ms"].as_f64().unwrap_or(f64::NAN),
            r["max_ms"].as_f64().unwrap_or(f64::NAN),
        );
    }
    println!(
        "| {:<10} | {:>7} | {:>5} | {:>8.2} | {:>8.2} | {:>8.2} |",
        "all",
        queries.values().map(Vec::len).sum::<usize>(),
        all.len(),
        percentile(&all, 50.0),
        percentile(&all, 99.0),
        all.last().copied().unwrap_or(f64::NAN)
    );
    if zero_hits > 0 {
        println!("({zero_hits} queries found nothing)");
    }
    println!();
    println!(
        "| {:<28} | {:>4} | {:>8} | {:>8} | {:>9} |",
        "command", "exit", "wall s", "cpu s", "peak RSS"
    );
    println!(
        "|{:-<30}|{:->6}|{:->10}|{:->10}|{:->11}|",
        "", "", "", "", ""
    );
    for r in &cmd_rows {
        println!(
            "| {:<28} | {:>4} | {:>8.2} | {:>8.2} | {:>6.0} MB |",
            r["what"].as_str().unwrap_or(""),
            r["exit"].as_i64().unwrap_or(-1),
            r["wall_s"].as_f64().unwrap_or(f64::NAN),
            r["cpu_s"].as_f64().unwrap_or(f64::NAN),
            r["peak_rss_mb"].as_f64().unwrap_or(f64::NAN),
        );
    }

    json.insert("load_end".into(), load_end.into());
    json.insert("index".into(), index_rows.into());
    json.insert("baseline".into(), baseline);
    json.insert("ratios".into(), ratios.into());
    json.insert("ratios_per_round".into(), ratio_runs.into());
    json.insert("index_rounds".into(), cfg.index_rounds.into());
    json.insert("search".into(), search_rows.into());
    json.insert("search_zero_hit_queries".into(), zero_hits.into());
    json.insert("commands".into(), cmd_rows.into());
    let path = match &cfg.json {
        Some(p) => p.clone(),
        None => {
            let name = cfg
                .corpus
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "corpus".into());
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/bench-results")
                .join(format!("harness-{name}.json"))
        }
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let text = serde_json::to_string_pretty(&serde_json::Value::Object(json)).expect("json");
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!();
    println!("JSON: {}", path.display());
    Ok(())
}
