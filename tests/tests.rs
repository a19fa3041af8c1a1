//! End-to-end tests of the `korpus` binary. One test binary, one module per area.

// Helpers: a temp dir per test and a command builder for the binary.
mod util;
// Every subcommand on the bundled corpus, human and --json output.
mod cli;
// Bad input: clear one-line errors, exit codes, never a panic.
mod errors;
// Incremental runs, crash safety, locking, check, malformed queries, proptests.
mod robust;
// Informal text (URLs, handles, emoji…) and real feedback.
mod feedback;
// Records of JSONL/CSV/TSV files: path:line names, kwic positions, entities, duplicates.
mod records;
// Faults: repeated ids, huge arguments, read-only and damaged indexes, races.
mod faults;
// Sharded indexing and merge.
mod shards;
