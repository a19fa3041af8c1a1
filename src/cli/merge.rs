//! `korpus merge`: join the shard indexes of one corpus into one index.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{output, Global, EXIT_OK};
use crate::pipeline::merge;

/// Arguments of `korpus merge`.
#[derive(Debug, Args)]
#[command(after_help = "The shards are the indexes of `korpus index --shard I/N` (0 ≤ I < N), all N of them; \
--index names the new index (absent or empty). The result equals one `korpus index` over the same files: \
a record whose text an earlier file in another shard has is left out, a repeated id is renamed, as one run does. \
A later `korpus index` on it is incremental.\n\n\
Examples:\n  korpus merge shards/0 shards/1 shards/2 shards/3 --index all\n  korpus merge shards/* --index all --json")]
pub struct MergeArgs {
    /// The shard indexes.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
}

/// Run `korpus merge`.
pub fn run(g: &Global, a: MergeArgs) -> anyhow::Result<u8> {
    let s = merge::merge_shards(&a.shards, &g.index, g.jobs())?;
    let mut out = std::io::stdout().lock();
    if g.json {
        output::json_line(&mut out, &serde_json::to_value(&s)?)?;
    } else {
        writeln!(
            out,
            "Merged {} shards into {}: {} documents ({} records left out as duplicates of a file in another shard, {} ids renamed).",
            s.shards,
            g.index.display(),
            s.documents,
            s.duplicates_across_shards,
            s.ids_renamed
        )?;
        for (l, n) in &s.by_lang {
            writeln!(out, "  {l}  {n}")?;
        }
    }
    Ok(EXIT_OK)
}
