#!/bin/bash
# Run the crash test (kill -9 at 7 moments of an index run, then rerun and
# compare with a clean run) N times alone while a release build of korpus
# loads every core, to show it does not depend on timing.
#   bash contrib/crash-under-load.sh [N]      (from the repository root; default 20)
set -u
n=${1:-20}
test_name=robust::crash_at_any_moment_then_rerun_equals_clean_run
cargo test --release -q --test integration --no-run || exit 2
load_dir=$(mktemp -d)
( while true; do
    CARGO_TARGET_DIR=$load_dir cargo build --release -q 2>/dev/null
    CARGO_TARGET_DIR=$load_dir cargo clean -q -p korpus --release 2>/dev/null
  done ) &
load=$!
trap 'kill $load 2>/dev/null; pkill -f "$load_dir" 2>/dev/null; rm -rf "$load_dir"' EXIT
sleep 20
pass=0
for i in $(seq 1 "$n"); do
  if timeout 900 cargo test --release -q --test integration "$test_name" -- --exact >/dev/null 2>&1; then
    pass=$((pass + 1))
  fi
  echo "run $i: $pass passed, load average $(cut -d' ' -f1 /proc/loadavg)"
done
echo "crash test: $pass of $n passed under load"
[ "$pass" -eq "$n" ]
