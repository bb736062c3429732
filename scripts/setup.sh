#!/usr/bin/env bash
# Installs what building, running and testing Shimin need on Debian 12. Idempotent: what is
# already there is not installed again, and a second run installs nothing.
#   scripts/setup.sh          everything
#   SETUP_QUIET=1 ...         less chatter
set -euo pipefail
cd "$(dirname "$0")/.."

say() { [ "${SETUP_QUIET:-}" = 1 ] || echo "setup: $*"; }

# --- Debian packages ---------------------------------------------------------------------------
APT_PACKAGES=(
  # wasm32 toolchain for the UI (rustup here has no wasm32 target): rustc 1.96 with std sources
  rustc-web cargo-web rust-web-src lld
  # Tauri 2 on Linux
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev libssl-dev
  pkg-config build-essential libayatana-appindicator3-dev
  # end-to-end tests: WebKitWebDriver and a virtual display
  webkit2gtk-driver xvfb xauth
  # fonts so that Chinese renders in the window and in screenshots
  fonts-noto-cjk
  # PostgreSQL server for the backend's second storage implementation
  postgresql
  # `make run` on a machine without a display: screenshot of the Xvfb screen, backend health check
  imagemagick curl
  # shimin-facematch (the backend's 1:1 face match): dlib and the BLAS/LAPACK it links. OpenBLAS
  # (chosen by Debian's alternatives once installed) runs its ResNet ~8x faster than the reference
  # BLAS. unzip takes the test photo out of a wheel.
  libdlib-dev libblas-dev liblapack-dev libopenblas0-pthread unzip
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages: all present"
fi

# --- Cargo tools -------------------------------------------------------------------------------
export PATH="$HOME/.cargo/bin:$PATH"
# wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock.
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$WBG_VERSION" ]; then
  echo "setup: cannot find wasm-bindgen in Cargo.lock" >&2; exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG_VERSION\$"; then
  say "installing wasm-bindgen-cli $WBG_VERSION"
  # Not --locked: its lockfile pins a crate version the registry does not have.
  cargo install -q wasm-bindgen-cli --version "$WBG_VERSION" --force
else
  say "wasm-bindgen-cli $WBG_VERSION: present"
fi
if ! command -v tauri-driver >/dev/null; then
  say "installing tauri-driver"
  cargo install -q tauri-driver --locked
else
  say "tauri-driver: present"
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install -q cargo-fuzz --locked
else
  say "cargo-fuzz: present"
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "setup: the rustup nightly toolchain is missing (needed by cargo fuzz)" >&2; exit 1
fi
# --- Files kept out of the repository ----------------------------------------------------------
# shimin-facematch's dlib models (~31 MB, CC0) and its test photo, sha256-checked, into
# ~/.cache/shimin; a second run finds them and downloads nothing.
say "face match models: $(scripts/fetch-face-match-models.sh)"
say "done"
