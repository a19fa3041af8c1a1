//! The `korpus` binary: parse arguments, run, turn errors into exit codes.
use std::process::ExitCode;

fn main() -> ExitCode {
    korpus::cli::main()
}
