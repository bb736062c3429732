#!/usr/bin/env bash
# Builds the Leptos UI to wasm32 with Debian's rustc-web (build-std) and writes ui/dist.
# Usage: scripts/build-ui.sh [--release]   (release is the default; the wasm is always optimised)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=ui/dist
WASM_TARGET_DIR=$ROOT/target/wasm

# Debian's cargo/rustc 1.96 carry the wasm32 std sources; build std with the crate.
PATH=/usr/bin:$PATH \
RUSTC_BOOTSTRAP=1 \
CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld \
CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
CARGO_PROFILE_RELEASE_OPT_LEVEL=3 \
CARGO_PROFILE_RELEASE_LTO=true \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
CARGO_PROFILE_RELEASE_PANIC=abort \
  /usr/bin/cargo build --locked -p shimin-ui --target wasm32-unknown-unknown --release

WASM="$WASM_TARGET_DIR/wasm32-unknown-unknown/release/shimin-ui.wasm"
rm -rf "$OUT.tmp"
mkdir -p "$OUT.tmp"
"$HOME/.cargo/bin/wasm-bindgen" --target web --no-typescript --out-dir "$OUT.tmp" --out-name shimin_ui "$WASM"
cp ui/index.html ui/style.css ui/boot.js "$OUT.tmp/"
# The face check's spoken prompts, recorded from the UI's texts (ADR 0004).
scripts/voice-prompts.sh "$OUT.tmp"
# Replace ui/dist only when something in it changed: the app's build script watches it, so new
# files with the same bytes would rebuild the app for nothing (`make run` after `make test`).
if [ -d "$OUT" ] && diff -rq "$OUT.tmp" "$OUT" >/dev/null; then
  rm -rf "$OUT.tmp"
else
  rm -rf "$OUT"
  mv "$OUT.tmp" "$OUT"
fi
printf 'ui: %s (%s bytes wasm, %s gzipped)\n' "$OUT" \
  "$(stat -c %s "$OUT/shimin_ui_bg.wasm")" "$(gzip -9c "$OUT/shimin_ui_bg.wasm" | wc -c)"
