//! `korpus info`: what is in the index, and what happened to every input file
//! in the last indexing run (the manifest).

use std::io::Write;

use anyhow::Context;
use clap::Args;

use super::{output, Global, EXIT_OK};
use crate::index::{KorpusIndex, MANIFEST};

/// Arguments of `korpus info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Also list every file's outcome.
    #[arg(long)]
    files: bool,
}

/// Run `korpus info`.
pub fn run(g: &Global, a: InfoArgs) -> anyhow::Result<u8> {
    let index = KorpusIndex::open(&g.index)?;
    let path = index.dir().join(MANIFEST);
    let raw = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let mut manifest: serde_json::Value = serde_json::from_str(&raw)
        .with_context(|| format!("{}: invalid manifest", path.display()))?;
    let mut out = std::io::stdout().lock();
    if g.json {
        if !a.files {
            manifest.as_object_mut().map(|m| m.remove("files"));
        }
        output::json_line(&mut out, &manifest)?;
        return Ok(EXIT_OK);
    }
    let n = |k: &str| manifest[k].as_u64().unwrap_or(0);
    writeln!(out, "Index {}", index.dir().display())?;
    writeln!(
        out,
        "files: {} seen, {} indexed, {} skipped, {} unchanged; documents: {}",
        n("files_seen"),
        n("files_indexed"),
        n("files_skipped"),
        n("files_unchanged"),
        n("documents")
    )?;
    if manifest["complete"] == serde_json::Value::Bool(false) {
        writeln!(
            out,
            "last run did not finish: the index holds its last commit; run `korpus index` again"
        )?;
    }
    let mut t = output::Table::new(&["lang", "documents"]).right_align(&[1]);
    if let Some(by) = manifest["by_lang"].as_object() {
        for (l, c) in by {
            t.row(vec![l.clone(), c.to_string()]);
        }
    }
    t.write(&mut out)?;
    // Manifests of older runs lack some fields; what cannot be read is left out.
    if let Ok(summary) = serde_json::from_value::<crate::pipeline::IndexSummary>(manifest.clone()) {
        super::index::write_notes(&mut out, &summary, true)?;
    }
    if a.files {
        if let Some(files) = manifest["files"].as_array() {
            for f in files {
                writeln!(
                    out,
                    "{}\t{} docs\t{}",
                    f["path"].as_str().unwrap_or(""),
                    f["documents"],
                    f["encoding"].as_str().unwrap_or("-")
                )?;
            }
        }
    }
    Ok(EXIT_OK)
}
