#!/usr/bin/env bash
# Startup time to first paint and the wasm bundle size.
#
# Runs the app RUNS times (default 10) under a virtual display with a fresh data directory and
# SHIMIN_STARTUP_PROBE=1: the app prints the time from process start until the UI reports its
# first screen painted (two animation frames after mounting), then exits. Prints each run, the
# median, and the wasm size (raw and gzipped).
#
# Usage: scripts/bench-startup.sh [--release]   (default: the debug build `make app` makes;
#        --release builds and measures `cargo build --release --features custom-protocol`)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-10}"
APP=target/debug/shimin-app
if [[ "${1:-}" == "--release" ]]; then
  # A release build must pin a national root key (src-tauri/build.rs): the demo one `make run` wrote.
  export SHIMIN_ROOT_KEY_FILE="${SHIMIN_ROOT_KEY_FILE:-$PWD/var/demo/root.pub}"
  cargo build --locked --release -p shimin-app --features custom-protocol >&2
  APP=target/release/shimin-app
fi
[[ -x "$APP" ]] || { echo "bench-startup: $APP is missing; run make app" >&2; exit 1; }

n=$(( 150 + RANDOM % 100 ))
while [ -e "/tmp/.X${n}-lock" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
data=$(mktemp -d)

times=()
for i in $(seq 1 "$RUNS"); do
  rm -rf "$data/run"
  line=$(DISPLAY=":$n" LIBGL_ALWAYS_SOFTWARE=1 SHIMIN_STARTUP_PROBE=1 SHIMIN_DATA_DIR="$data/run" \
    timeout 30 "$APP" 2>/dev/null | grep -m1 '^first-paint-ms ' || true)
  ms=${line#first-paint-ms }
  [[ -n "$line" ]] || { echo "bench-startup: run $i did not report a first paint" >&2; exit 1; }
  echo "run $i: $ms ms"
  times+=("$ms")
done
median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "first paint ($APP, $RUNS runs): median $median ms, min $(printf '%s\n' "${times[@]}" | sort -g | head -1) ms, max $(printf '%s\n' "${times[@]}" | sort -g | tail -1) ms"
wasm=ui/dist/shimin_ui_bg.wasm
echo "wasm: $(stat -c %s "$wasm") bytes, $(gzip -9c "$wasm" | wc -c) bytes gzipped"
