//! What every component can reach: the language, the current screen and the wallet's state, with
//! the small actions on them that several screens share. The root component provides it; pages
//! and components use it, so they never import the root.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::wallet::{AutoLock, Language, SettingsView, WalletStatusView};

use crate::api;
use crate::route::Route;

/// The app's shared state.
#[derive(Debug, Clone, Copy)]
pub struct AppContext {
    /// The language the user chose.
    pub lang: RwSignal<Language>,
    /// The current screen.
    pub route: RwSignal<Route>,
    /// Whether a wallet exists and is open; `None` until the app answered.
    pub wallet: RwSignal<Option<WalletStatusView>>,
    /// When the open wallet locks itself.
    pub auto_lock: RwSignal<AutoLock>,
    /// Whether the tenth wrong PIN in a row erases the wallet.
    pub wipe_after_wrong_pins: RwSignal<bool>,
    /// 长辈版: larger text and controls, fewer items per screen (`data-mode="elder"` on the
    /// document, which the stylesheet's elder block reads).
    pub elder: RwSignal<bool>,
    /// Whether a page fills the whole screen (the face check, 亮证, a verdict): the tab bar hides
    /// while it is set. The page sets it on mount and clears it on cleanup ([`fill_screen`]).
    pub focus: RwSignal<bool>,
    /// Spoken guidance during the face check: the user's choice, `None` follows [`Self::elder`].
    pub voice: RwSignal<Option<bool>>,
}

impl AppContext {
    /// Whether the face check says each action aloud.
    pub fn speaks(&self) -> bool {
        self.voice.get_untracked().unwrap_or(self.elder.get_untracked())
    }
}

impl Default for AppContext {
    /// A fresh context: the default language and auto-lock, the wallet tab, the wallet's state
    /// not known yet.
    fn default() -> Self {
        let defaults = SettingsView::default();
        Self {
            lang: RwSignal::new(defaults.language),
            route: RwSignal::new(Route::Wallet),
            wallet: RwSignal::new(None),
            auto_lock: RwSignal::new(defaults.auto_lock),
            wipe_after_wrong_pins: RwSignal::new(defaults.wipe_after_wrong_pins),
            elder: RwSignal::new(defaults.elder_mode),
            focus: RwSignal::new(false),
            voice: RwSignal::new(defaults.voice_guidance),
        }
    }
}

/// The app context, for components.
pub fn use_app() -> AppContext {
    use_context::<AppContext>().unwrap_or_default()
}

/// The current language, for components.
pub fn use_lang() -> RwSignal<Language> {
    use_app().lang
}

/// Hides the tab bar while the calling component is mounted: for pages that fill the screen.
pub fn fill_screen() {
    let ctx = use_app();
    ctx.focus.set(true);
    on_cleanup(move || ctx.focus.set(false));
}

/// Saves the preferences (they are kept outside the wallet).
pub fn save_preferences(ctx: AppContext) {
    let view = SettingsView {
        language: ctx.lang.get_untracked(),
        auto_lock: ctx.auto_lock.get_untracked(),
        wipe_after_wrong_pins: ctx.wipe_after_wrong_pins.get_untracked(),
        elder_mode: ctx.elder.get_untracked(),
        voice_guidance: ctx.voice.get_untracked(),
    };
    spawn_local(async move {
        let _ = api::save_settings(view).await;
    });
}

/// Re-reads whether a wallet exists and is open.
pub fn refresh_wallet_status(wallet: RwSignal<Option<WalletStatusView>>) {
    spawn_local(async move {
        if let Ok(status) = api::wallet_status().await {
            wallet.set(Some(status));
        }
    });
}
