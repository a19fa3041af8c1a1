//! The `korpus` binary: parse arguments, run, turn errors into exit codes.
use std::process::ExitCode;

/// mimalloc instead of the system allocator: documents and tokens are
/// allocated on one thread and often freed on another (a chunk is read by
/// one worker and indexed by another), where glibc's cross-thread frees are
/// slow. Measured (docs/HISTORY.md, Benchmarks): `index -j2` on
/// 200 MB uses 9 % less CPU, `stats` 16 % and `themes` 8 % less wall time on
/// 50 MB, for 7 % more peak RSS; the JSON output is byte-identical.
///
/// Built with `no_thp`: mimalloc otherwise asks for transparent huge pages,
/// and every arena it purges and touches again is re-faulted and zeroed 2 MB
/// at a time (`clear_page_erms` was 8 % of `index -j2` in `perf`). Without:
/// on 50 MB, system time 0.9 → 0.4 s and peak RSS 240 → 160 MB.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    korpus::cli::main()
}
