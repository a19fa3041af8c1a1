//! `korpus check`: verify an index. Checks tantivy's file checksums, the
//! schema version in `korpus.json`, that every document can be opened, and
//! that `manifest.json` agrees with the last commit (totals add up, document
//! counts equal the index's, per-file state matches). Prints `OK …` and exits
//! 0, or one line per problem and exits 2.

use std::io::Write;

use clap::Args;

use super::{output, Global, EXIT_ERROR, EXIT_OK};
use crate::index::{state, KorpusIndex, MANIFEST};
use crate::pipeline::IndexSummary;

/// Arguments of `korpus check`.
#[derive(Debug, Args)]
#[command(after_help = "Exit codes: 0 the index is sound, 2 problems were found.")]
pub struct CheckArgs {}

/// The problems found in the index at `dir` (empty = sound), and its
/// document count if it could be opened.
pub fn problems(dir: &std::path::Path) -> (Vec<String>, Option<u64>) {
    let mut p = Vec::new();
    let index = match KorpusIndex::open(dir) {
        Ok(i) => i,
        Err(e) => {
            let why = match e.damage() {
                Some(what) => format!("{what} (rebuild with `korpus index --force`)"),
                None => e.to_string(),
            };
            return (vec![format!("cannot open: {why}")], None);
        }
    };
    match index.tantivy().validate_checksum() {
        Ok(bad) => {
            let mut bad: Vec<_> = bad.into_iter().collect();
            bad.sort();
            for f in bad {
                p.push(format!(
                    "checksum mismatch in {} (corrupted; rebuild with `korpus index --force`)",
                    f.display()
                ));
            }
        }
        Err(e) => p.push(format!("cannot verify checksums: {e}")),
    }
    let searcher = match index.searcher() {
        Ok(s) => s,
        Err(e) => {
            p.push(format!("cannot open a reader: {e}"));
            return (p, None);
        }
    };
    let num_docs = searcher.num_docs();
    let metas = index.tantivy().load_metas();
    let opstamp = metas.as_ref().map(|m| m.opstamp).unwrap_or(0);
    let state = state::load_state(&index).unwrap_or_default();
    let state_docs: u64 = state.files.values().map(|f| f.documents as u64).sum();
    let has_state = metas.as_ref().is_ok_and(|m| m.payload.is_some());
    if has_state && state_docs != num_docs {
        p.push(format!(
            "file state lists {state_docs} documents but the index has {num_docs}"
        ));
    }
    let path = dir.join(MANIFEST);
    match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && num_docs == 0 => {}
        Err(e) => p.push(format!("{}: {e}", path.display())),
        Ok(raw) => match serde_json::from_str::<IndexSummary>(&raw) {
            Err(e) => p.push(format!("{}: invalid manifest: {e}", path.display())),
            Ok(m) => {
                let sum = m.files_indexed + m.files_skipped + m.files_unchanged;
                if m.files_seen != sum {
                    p.push(format!(
                        "manifest: files_seen {} != indexed {} + skipped {} + unchanged {}",
                        m.files_seen, m.files_indexed, m.files_skipped, m.files_unchanged
                    ));
                }
                if m.files.len() != m.files_seen {
                    p.push(format!(
                        "manifest: files_seen {} but {} files listed",
                        m.files_seen,
                        m.files.len()
                    ));
                }
                let by_lang: u64 = m.by_lang.values().sum();
                if by_lang != m.documents {
                    p.push(format!(
                        "manifest: documents {} but by_lang sums to {by_lang}",
                        m.documents
                    ));
                }
                if m.opstamp != opstamp {
                    p.push(format!(
                        "manifest describes commit {} but the index is at commit {opstamp} (interrupted run?); run `korpus index` again",
                        m.opstamp
                    ));
                } else if m.documents != num_docs {
                    p.push(format!(
                        "manifest: {} documents but the index has {num_docs}",
                        m.documents
                    ));
                }
                if !m.complete {
                    p.push(
                        "manifest: the last run did not finish; run `korpus index` again".into(),
                    );
                }
            }
        },
    }
    (p, Some(num_docs))
}

/// Run `korpus check`.
pub fn run(g: &Global, _a: CheckArgs) -> anyhow::Result<u8> {
    let (problems, docs) = problems(&g.index);
    let mut out = std::io::stdout().lock();
    if g.json {
        output::json_line(
            &mut out,
            &serde_json::json!({
                "ok": problems.is_empty(),
                "documents": docs,
                "problems": problems,
            }),
        )?;
    } else if problems.is_empty() {
        writeln!(
            out,
            "OK {}: {} documents, checksums and manifest verified",
            g.index.display(),
            docs.unwrap_or(0)
        )?;
    } else {
        for p in &problems {
            writeln!(out, "problem: {p}")?;
        }
    }
    out.flush()?;
    if problems.is_empty() {
        Ok(EXIT_OK)
    } else {
        eprintln!(
            "korpus: error: {}: {} problem(s) found; first: {}",
            g.index.display(),
            problems.len(),
            problems[0]
        );
        Ok(EXIT_ERROR)
    }
}
