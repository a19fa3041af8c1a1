//! Sets `cfg(korpus_shared)` when the development data (`../shared/`, beside
//! the clone) is present. Tests that need it are `#[ignore]`d without it, with
//! the reason, so `cargo test` lists them as ignored instead of passing them
//! silently; with it they run as any other test.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(korpus_shared)");
    println!("cargo::rerun-if-env-changed=KORPUS_SHARED");
    let shared = std::path::Path::new("../shared");
    if shared.is_dir() && std::env::var_os("KORPUS_SHARED").is_none_or(|v| v != "0") {
        println!("cargo::rustc-cfg=korpus_shared");
        println!("cargo::rerun-if-changed=../shared");
    } else {
        // Without the data, look again when this file changes (`touch
        // build.rs` after putting `../shared/` in place).
        println!("cargo::rerun-if-changed=build.rs");
    }
}
