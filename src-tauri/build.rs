//! The Tauri configuration lives at the workspace root (`../tauri.conf.json`), as the project's
//! layout asks; point tauri-build at it. `ui/dist` must exist: `make` builds it first.
//!
//! The national root public key is pinned here, at build time, from the file named by
//! `SHIMIN_ROOT_KEY_FILE` (SEC1, raw or hex): the app trusts only a backend whose trust list that
//! key signed, and nothing a backend says about its own root. A release build without a root key
//! is refused. A development build without one reads the same variable when it starts (`make
//! run` points it at the demo backend's root, `var/demo/root.pub`, so that the one build serves
//! `make run` and `make test`), and without that trusts the backend's answer on first use.

use std::path::PathBuf;

#[path = "src/root_key.rs"]
mod root_key;

use root_key::{ROOT_KEY_FILE_ENV, sec1};

fn main() {
    let attributes = tauri_build::Attributes::new().config_path("../tauri.conf.json");
    if let Err(error) = tauri_build::try_build(attributes) {
        println!("cargo::error=tauri-build failed: {error:#}. Build the UI first (`make ui`).");
    }
    pin_root_key();
}

/// Writes `$OUT_DIR/shipped_root.rs`: `SHIPPED_ROOT`, the root key's SEC1 bytes or `None`.
fn pin_root_key() {
    println!("cargo::rerun-if-env-changed={ROOT_KEY_FILE_ENV}");
    let root = match std::env::var(ROOT_KEY_FILE_ENV) {
        Ok(path) if !path.trim().is_empty() => {
            println!("cargo::rerun-if-changed={path}");
            match std::fs::read(&path).map(|bytes| sec1(&bytes)) {
                Ok(Some(key)) => Some(key),
                Ok(None) => {
                    println!("cargo::error={ROOT_KEY_FILE_ENV}={path} is not a P-256 public key (SEC1)");
                    None
                }
                Err(e) => {
                    println!("cargo::error=cannot read {ROOT_KEY_FILE_ENV}={path}: {e}");
                    None
                }
            }
        }
        _ => None,
    };
    if root.is_none() && std::env::var("PROFILE").is_ok_and(|p| p == "release") {
        println!(
            "cargo::error=a release build must pin the national root key: set {ROOT_KEY_FILE_ENV} to its \
             public key (SEC1)"
        );
    }
    let code = match root {
        Some(key) => format!("Some(&{key:?})"),
        None => "None".to_owned(),
    };
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("shipped_root.rs");
    let text = format!(
        "/// The national root public key (SEC1) this build was made with, if any.\n\
         pub const SHIPPED_ROOT: Option<&[u8]> = {code};\n"
    );
    if let Err(e) = std::fs::write(&out, text) {
        println!("cargo::error=cannot write {}: {e}", out.display());
    }
}
