//! `korpus index`: index files and folders, then print what a researcher wants
//! to see first: what was indexed, documents per language, what was skipped,
//! and each language's summary.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::{output, stats, Global, EXIT_OK, EXIT_SKIPPED};
use crate::index::KorpusIndex;
use crate::pipeline::{self, IndexOptions};
use crate::ingest::IngestOptions;
use crate::lang::Lang;

/// Above this size of the compressed document store, `index` does not
/// compute the statistics overview (it re-analyzes every document; up to
/// this size that takes a few seconds) and prints documents per language.
/// By bytes, not documents: 50,000 short feedback records are less text
/// than one long article folder.
const OVERVIEW_MAX_STORE_BYTES: u64 = 24 << 20;

/// Arguments of `korpus index`.
#[derive(Debug, Args)]
#[command(
    after_help = "Records of JSONL, CSV and TSV files are named path:line in every output \
(the 1-based line the record starts on); whole files (.txt, .md, .html) by their path.\n\n\
Examples:\n  korpus index\n  korpus index feedback.jsonl articles/ --index /tmp/idx\n  korpus index export.csv --text-column message --strict\n  korpus index corpus/ --shard 2/8 --index shards/2   (then: korpus merge shards/* --index all)"
)]
pub struct IndexArgs {
    /// Files or folders to index (.txt, .md, .html, .jsonl, .csv, .tsv/.tab).
    #[arg(default_value = "corpus")]
    paths: Vec<PathBuf>,
    /// Target languages for detection (comma-separated).
    #[arg(long, default_value = "ar,de,fa,ru,sl")]
    languages: String,
    /// CSV/TSV column that holds the text.
    #[arg(long, default_value = "text")]
    text_column: String,
    /// Decode every file with this encoding (e.g. windows-1256) instead of detecting.
    #[arg(long)]
    encoding: Option<String>,
    /// Exit with code 3 if any file was skipped.
    #[arg(long)]
    strict: bool,
    /// Delete documents of files under the given paths that no longer exist.
    #[arg(long)]
    prune: bool,
    /// Rebuild from scratch: delete every document (or, for an index made by
    /// an incompatible korpus version, its files) and index all files again.
    #[arg(long)]
    force: bool,
    /// Commit after every N added documents (at file boundaries), so a killed
    /// run resumes from there; 0 = commit only at the end.
    #[arg(long, value_name = "N", default_value_t = pipeline::DEFAULT_COMMIT_EVERY)]
    commit_every: usize,
    /// List every skipped file, duplicate and warning (else counts per reason).
    #[arg(long, short = 'v')]
    verbose: bool,
    /// Index only shard I of N (0-based) of the files: a file's shard is a
    /// hash of its path under the given root, so every process agrees.
    /// `auto` reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (or
    /// _MIN/_MAX). Join the shards with `korpus merge`.
    #[arg(long, value_name = "I/N|auto")]
    shard: Option<String>,
}

/// Run `korpus index`.
pub fn run(g: &Global, a: IndexArgs) -> anyhow::Result<u8> {
    let targets = Lang::parse_list(&a.languages)?;
    let encoding = match &a.encoding {
        Some(name) => Some(
            encoding_rs::Encoding::for_label(name.as_bytes())
                .with_context(|| format!("unknown encoding '{name}'"))?,
        ),
        None => None,
    };
    let opts = IndexOptions {
        jobs: g.jobs(),
        targets: targets.into_iter().filter(|l| *l != Lang::Und).collect(),
        ingest: IngestOptions {
            text_column: a.text_column,
            encoding,
            ..IngestOptions::default()
        },
        commit_every: a.commit_every,
        prune: a.prune,
        force: a.force,
        shard: match a.shard.as_deref() {
            None => None,
            Some("auto") => Some(
                pipeline::shard::Shard::from_env(|k| std::env::var(k).ok()).map_err(anyhow::Error::msg)?,
            ),
            Some(spec) => Some(spec.parse::<pipeline::shard::Shard>().map_err(anyhow::Error::msg)?),
        },
        ..IndexOptions::default()
    };
    crate::ingest::check_roots(&a.paths)?;
    let index = if a.force {
        KorpusIndex::open_or_recreate(&g.index)?
    } else {
        KorpusIndex::open_or_create(&g.index)?
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} indexing [{bar:30}] {pos}/{len} files ({elapsed})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let summary = pipeline::index_paths(&index, &a.paths, &opts, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    let mut out = std::io::stdout().lock();
    if g.json {
        let mut v = serde_json::to_value(&summary)?;
        v.as_object_mut().expect("object").remove("files");
        output::json_line(&mut out, &v)?;
    } else {
        use std::io::Write;
        writeln!(
            out,
            "Indexed {} of {} files into {}: {} documents added, {} in the index.",
            summary.files_indexed,
            summary.files_seen,
            g.index.display(),
            summary.documents_added,
            summary.documents
        )?;
        if summary.files_unchanged > 0 || summary.documents_removed > 0 {
            writeln!(
                out,
                "  {} files unchanged, {} documents removed (changed or pruned files).",
                summary.files_unchanged, summary.documents_removed
            )?;
        }
        if let Some(sh) = summary.shard {
            writeln!(
                out,
                "  shard {sh}: {} files belong to other shards (join them with `korpus merge`).",
                summary.files_other_shards
            )?;
        }
        if summary.files_pruned > 0 {
            writeln!(out, "  {} files pruned.", summary.files_pruned)?;
        }
        if summary.files_missing > 0 {
            writeln!(
                out,
                "  {} files indexed earlier no longer exist (their documents stay; use --prune).",
                summary.files_missing
            )?;
        }
        write_notes(&mut out, &summary, a.verbose)?;
        writeln!(out)?;
        if index.stored_bytes()? <= OVERVIEW_MAX_STORE_BYTES {
            stats::print_overview(&index, &mut out, 10)?;
        } else {
            // Statistics re-analyze every document: on a large corpus that
            // would double the run. Show the languages and point to `stats`.
            let mut t = output::Table::new(&["lang", "documents"]).right_align(&[1]);
            for (l, n) in &summary.by_lang {
                t.row(vec![l.clone(), n.to_string()]);
            }
            t.row(vec!["all".into(), summary.documents.to_string()]);
            t.write(&mut out)?;
            writeln!(
                out,
                "\nFor statistics run `korpus stats`; for themes `korpus themes`."
            )?;
        }
    }
    Ok(if a.strict && !summary.skipped.is_empty() {
        EXIT_SKIPPED
    } else {
        EXIT_OK
    })
}

/// Duplicates, warnings and skips of a run: one line per reason with its
/// counts, or (`verbose`) one line per file. `korpus info` prints the same.
pub fn write_notes(
    out: &mut impl std::io::Write,
    summary: &pipeline::IndexSummary,
    verbose: bool,
) -> std::io::Result<()> {
    let dups: Vec<_> = summary
        .files
        .iter()
        .filter(|f| f.notes.duplicates > 0)
        .collect();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    if verbose || dups.len() <= 5 {
        for f in &dups {
            writeln!(
                out,
                "  duplicates: {} of {}, kept the first",
                plural(f.notes.duplicates, "record", "records"),
                f.path
            )?;
        }
    } else {
        writeln!(
            out,
            "  duplicates: {} in {} files, kept the first of each (--verbose lists them)",
            plural(summary.duplicate_records, "record", "records"),
            dups.len()
        )?;
    }
    if verbose {
        for f in &summary.files {
            if f.notes.duplicates_elsewhere > 0 && f.documents > 0 {
                writeln!(
                    out,
                    "  merged {}: {} with the text of a record of another file (first: {})",
                    f.path,
                    plural(f.notes.duplicates_elsewhere, "record", "records"),
                    f.notes.duplicate_of.as_deref().unwrap_or("?")
                )?;
            }
        }
        for s in &summary.skipped {
            writeln!(out, "  skipped {}: {}", s.path, s.reason)?;
        }
        for w in &summary.warnings {
            writeln!(out, "  warning: {}", w.reason)?;
        }
        return Ok(());
    }
    for c in &summary.skip_counts {
        let what = match (c.files, c.records) {
            (f, 0) => plural(f, "file", "files"),
            (0, r) => plural(r, "record", "records"),
            (f, r) => format!(
                "{} ({})",
                plural(f, "file", "files"),
                plural(r, "record", "records")
            ),
        };
        writeln!(out, "  skipped {what}: {}", c.reason)?;
    }
    match summary.warnings.len() {
        0 => {}
        1 => writeln!(out, "  warning: {}", summary.warnings[0].reason)?,
        n => writeln!(
            out,
            "  {n} warnings (first: {}; --verbose lists them)",
            summary.warnings[0].reason
        )?,
    }
    if !summary.skipped.is_empty() {
        writeln!(out, "  (--verbose or `korpus info` lists every file)")?;
    }
    Ok(())
}
