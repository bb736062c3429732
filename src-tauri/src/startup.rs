//! Startup time to first paint: the process records when it started; the UI reports when its
//! first screen has been painted (two animation frames after mounting). With
//! `SHIMIN_STARTUP_PROBE=1` the app prints the time and exits, which is what
//! `scripts/bench-startup.sh` measures.

use std::sync::OnceLock;
use std::time::Instant;

use tauri::{AppHandle, Runtime};

/// The environment variable that makes the app print its first-paint time and exit.
pub const PROBE_ENV: &str = "SHIMIN_STARTUP_PROBE";

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Records the start of the process (the first thing `run` does).
pub fn mark_start() {
    let _ = STARTED.set(Instant::now());
}

/// The UI painted its first screen: under the probe, print the time since start and exit.
pub fn painted<R: Runtime>(app: &AppHandle<R>) {
    if std::env::var_os(PROBE_ENV).is_none_or(|v| v != "1") {
        return;
    }
    let ms = STARTED.get().map_or(0.0, |t| t.elapsed().as_secs_f64() * 1_000.0);
    println!("first-paint-ms {ms:.1}");
    app.exit(0);
}
