//! The app's preferences (language, auto-lock), kept in `settings.json` beside the wallet and not
//! inside it: they apply before the wallet is unlocked. A missing or damaged file gives the
//! defaults; a save is written to a temporary file and renamed, so a crash never leaves half a
//! file.

use std::path::Path;

use shimin_wire::wallet::SettingsView;

use super::AppError;

/// The preferences file in the data directory.
pub const SETTINGS_FILE: &str = "settings.json";
/// The languages the app speaks.
const LANGUAGES: [&str; 3] = ["zh-Hans", "zh-Hant", "en"];
/// The auto-lock choices, in minutes (0: never).
pub const AUTO_LOCK_CHOICES: [u32; 6] = [0, 1, 2, 5, 10, 30];

/// Checks a preferences value from the UI or the file.
fn parse(view: SettingsView) -> Option<SettingsView> {
    (LANGUAGES.contains(&view.language.as_str()) && AUTO_LOCK_CHOICES.contains(&view.auto_lock_minutes))
        .then_some(view)
}

/// The preferences in `dir`, or the defaults when there are none or they do not parse.
pub fn load(dir: &Path) -> SettingsView {
    let Ok(bytes) = std::fs::read(dir.join(SETTINGS_FILE)) else { return SettingsView::default() };
    match serde_json::from_slice::<SettingsView>(&bytes).ok().and_then(parse) {
        Some(view) => view,
        None => {
            eprintln!("shimin: {SETTINGS_FILE} is damaged; using the defaults");
            SettingsView::default()
        }
    }
}

/// Saves `view` in `dir`.
///
/// # Errors
/// [`AppError::BadRequest`] for a language or auto-lock value the app does not offer,
/// [`AppError::Io`] when the file cannot be written.
pub fn save(dir: &Path, view: SettingsView) -> Result<(), AppError> {
    let view = parse(view).ok_or(AppError::BadRequest)?;
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_vec_pretty(&view).map_err(|_| AppError::Internal("settings JSON"))?;
    let tmp = dir.join(format!("{SETTINGS_FILE}.tmp"));
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, dir.join(SETTINGS_FILE))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_come_back_and_bad_ones_change_nothing() {
        let dir = std::env::temp_dir().join(format!("shimin-settings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(load(&dir), SettingsView::default());
        let english = SettingsView { language: "en".into(), auto_lock_minutes: 10 };
        save(&dir, english.clone()).expect("save");
        assert_eq!(load(&dir), english);
        for bad in [
            SettingsView { language: "fr".into(), auto_lock_minutes: 5 },
            SettingsView { language: "en".into(), auto_lock_minutes: 7 },
        ] {
            assert!(matches!(save(&dir, bad), Err(AppError::BadRequest)));
        }
        assert_eq!(load(&dir), english, "a refused save leaves the file as it was");
        std::fs::write(dir.join(SETTINGS_FILE), b"{not json").expect("damage");
        assert_eq!(load(&dir), SettingsView::default());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
