//! The app's preferences (language, auto-lock, the wipe, 长辈版), kept in `settings.json` beside the wallet and not
//! inside it: they apply before the wallet is unlocked. The values the app offers are the
//! `wire` enums' (`Language`, `AutoLock`), so a value it does not offer never parses: a missing
//! or damaged file gives the defaults. A save is written to a temporary file and renamed, so a
//! crash never leaves half a file.

use std::path::Path;

use shimin_wire::wallet::SettingsView;

use super::AppError;

/// The preferences file in the data directory.
pub const SETTINGS_FILE: &str = "settings.json";

/// The preferences in `dir`, or the defaults when there are none or they do not parse.
pub fn load(dir: &Path) -> SettingsView {
    let Ok(bytes) = std::fs::read(dir.join(SETTINGS_FILE)) else { return SettingsView::default() };
    match serde_json::from_slice::<SettingsView>(&bytes) {
        Ok(view) => view,
        Err(_) => {
            eprintln!("shimin: {SETTINGS_FILE} is damaged; using the defaults");
            SettingsView::default()
        }
    }
}

/// Saves `view` in `dir`.
///
/// # Errors
/// [`AppError::Io`] when the file cannot be written.
pub fn save(dir: &Path, view: SettingsView) -> Result<(), AppError> {
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_vec_pretty(&view).map_err(|_| AppError::Internal("settings JSON"))?;
    let tmp = dir.join(format!("{SETTINGS_FILE}.tmp"));
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, dir.join(SETTINGS_FILE))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use shimin_wire::wallet::{AutoLock, Language};

    use super::*;

    #[test]
    fn saved_settings_come_back_and_bad_ones_change_nothing() {
        let temp = tempfile::Builder::new().prefix("shimin-settings-").tempdir().expect("temp dir");
        // Not made yet, as on a first start: `save` makes it.
        let dir = temp.path().join("data");
        assert_eq!(load(&dir), SettingsView::default());
        let english = SettingsView {
            language: Language::En,
            auto_lock: AutoLock::TenMinutes,
            wipe_after_wrong_pins: false,
            elder_mode: true,
            voice_guidance: Some(false),
        };
        save(&dir, english).expect("save");
        assert_eq!(load(&dir), english);
        // A value the app does not offer cannot be saved: it does not parse into a
        // `SettingsView` (the IPC refuses it: `lib.rs`'s tests), and a file holding one reads
        // as the defaults.
        for bad in
            [r#"{"language":"fr","auto_lock_minutes":5}"#, r#"{"language":"en","auto_lock_minutes":7}"#]
        {
            assert!(serde_json::from_str::<SettingsView>(bad).is_err(), "{bad}");
        }
        assert_eq!(load(&dir), english, "a refused save leaves the file as it was");
        std::fs::write(dir.join(SETTINGS_FILE), br#"{"language":"fr","auto_lock_minutes":5}"#)
            .expect("write");
        assert_eq!(load(&dir), SettingsView::default(), "a language the app does not speak");
        std::fs::write(dir.join(SETTINGS_FILE), br#"{"language":"en","auto_lock_minutes":7}"#)
            .expect("write");
        assert_eq!(load(&dir), SettingsView::default(), "an auto-lock the app does not offer");
        std::fs::write(dir.join(SETTINGS_FILE), b"{not json").expect("damage");
        assert_eq!(load(&dir), SettingsView::default());
    }
}
