//! A temp dir per test and a command builder for the `korpus` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository root (where `corpus/` is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh temporary folder for one test.
pub struct TestDir {
    pub dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> Self {
        TestDir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("idx")
    }

    /// A `korpus` command with `--index` pointing into this folder.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_korpus"));
        c.current_dir(root())
            .env_remove("KORPUS_INDEX")
            .arg("--index")
            .arg(self.index())
            .args(args);
        c
    }

    /// Write a file under this folder.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

/// Run and capture; panics with the output if the process could not start.
pub fn run(mut c: Command) -> Output {
    c.output().expect("run korpus")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Parse JSON lines.
pub fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// An index of the bundled corpus, built once per test run and shared
/// read-only by the tests that only query it.
pub fn corpus_index() -> &'static Path {
    static DIR: OnceLock<TestDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let t = TestDir::new();
        let o = run(t.cmd(&["index", "corpus"]));
        assert!(o.status.success(), "index failed: {}", stderr(&o));
        t
    })
    .index()
    .leak_path()
}

trait Leak {
    fn leak_path(self) -> &'static Path;
}

impl Leak for PathBuf {
    fn leak_path(self) -> &'static Path {
        Box::leak(self.into_boxed_path())
    }
}

/// A `korpus` command on the shared corpus index.
pub fn on_corpus(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_korpus"));
    c.current_dir(root())
        .arg("--index")
        .arg(corpus_index())
        .args(args);
    run(c)
}
