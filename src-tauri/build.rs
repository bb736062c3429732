//! The Tauri configuration lives at the workspace root (`../tauri.conf.json`), as the project's
//! layout asks; point tauri-build at it. `ui/dist` must exist: `make` builds it first.

fn main() {
    let attributes = tauri_build::Attributes::new().config_path("../tauri.conf.json");
    if let Err(error) = tauri_build::try_build(attributes) {
        println!("cargo::error=tauri-build failed: {error:#}. Build the UI first (`make ui`).");
    }
}
