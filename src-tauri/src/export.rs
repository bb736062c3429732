//! Where an export goes: the platform's save dialog (tauri-plugin-dialog, called from Rust
//! only, so the webview gets no dialog permission), starting in the downloads folder with the
//! offered name. Only the chosen file's name goes back to the screen, never its folder.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

/// Asks the user where to save `file_name`; `None` when they cancel.
pub async fn ask_where<R: Runtime>(app: &AppHandle<R>, file_name: &str) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app.dialog().file().set_file_name(file_name).add_filter("JSON Lines", &["jsonl"]);
    if let Ok(downloads) = app.path().download_dir() {
        dialog = dialog.set_directory(downloads);
    }
    dialog.save_file(move |chosen| {
        let _ = tx.send(chosen);
    });
    rx.await.ok().flatten().and_then(|chosen| chosen.into_path().ok())
}

/// The name of the file at `path`, for the screen.
pub fn shown_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_file_name_is_shown() {
        let name = shown_name(Path::new("/home/someone/下载/市民通出示记录-2024-06-01.jsonl"));
        assert_eq!(name, "市民通出示记录-2024-06-01.jsonl");
        assert!(!name.contains('/'));
    }
}
