//! The root component: language and navigation context, the current page and the tab bar.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::wallet::{SettingsView, WalletStatusView};

use crate::api;
use crate::components::tab_bar::TabBar;
use crate::i18n::Lang;
use crate::pages::{detail, history, onboarding, present, requests, settings, unlock, verify, wallet};

/// The screens. Detail and present belong to the wallet tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The certificates.
    Wallet,
    /// One certificate, by identifier.
    Detail(String),
    /// Presenting one certificate, by identifier.
    Present(String),
    /// Verifying someone else's code.
    Verify,
    /// The presentation log.
    History,
    /// Language and about.
    Settings,
    /// Registering this device with the backend.
    Enrol,
    /// The registrations asking this citizen to confirm their identity.
    Requests,
}

/// What every component can reach: the language, the route and the wallet's state.
#[derive(Debug, Clone, Copy)]
pub struct AppContext {
    /// The language the user chose.
    pub lang: RwSignal<Lang>,
    /// The current screen.
    pub route: RwSignal<Route>,
    /// Whether a wallet exists and is open; `None` until the app answered.
    pub wallet: RwSignal<Option<WalletStatusView>>,
    /// Minutes without a touch or a key before the wallet locks itself; 0 never.
    pub auto_lock: RwSignal<u32>,
}

/// Saves the language and auto-lock choices (they are kept outside the wallet).
pub fn save_preferences(ctx: AppContext) {
    let view = SettingsView {
        language: ctx.lang.get_untracked().tag().to_owned(),
        auto_lock_minutes: ctx.auto_lock.get_untracked(),
    };
    spawn_local(async move {
        let _ = api::save_settings(view).await;
    });
}

/// Locks the wallet after `ctx.auto_lock` minutes without a touch or a key press.
fn lock_when_idle(ctx: AppContext) {
    let last_activity = StoredValue::new(js_sys::Date::now());
    let touched = move || last_activity.set_value(js_sys::Date::now());
    let _ = window_event_listener(ev::pointerdown, move |_| touched());
    let _ = window_event_listener(ev::keydown, move |_| touched());
    let check = move || {
        let minutes = ctx.auto_lock.get_untracked();
        let unlocked = ctx.wallet.get_untracked().is_some_and(|w| w.unlocked);
        let idle_ms = js_sys::Date::now() - last_activity.get_value();
        if unlocked && minutes > 0 && idle_ms > f64::from(minutes) * 60_000.0 {
            spawn_local(async move {
                let _ = api::lock_wallet().await;
                refresh_wallet_status(ctx.wallet);
            });
        }
    };
    if let Ok(handle) = set_interval_with_handle(check, std::time::Duration::from_secs(5)) {
        on_cleanup(move || handle.clear());
    }
}

/// Re-reads whether a wallet exists and is open.
pub fn refresh_wallet_status(wallet: RwSignal<Option<WalletStatusView>>) {
    spawn_local(async move {
        if let Ok(status) = api::wallet_status().await {
            wallet.set(Some(status));
        }
    });
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(Lang::default());
    let ctx = AppContext {
        lang,
        route: RwSignal::new(Route::Wallet),
        wallet: RwSignal::new(None),
        auto_lock: RwSignal::new(SettingsView::default().auto_lock_minutes),
    };
    provide_context(ctx);
    // The preferences come from the app's data directory (not webview storage, which every
    // data directory shares).
    spawn_local(async move {
        if let Ok(saved) = api::settings().await {
            if let Some(l) = Lang::from_tag(&saved.language) {
                lang.set(l);
            }
            ctx.auto_lock.set(saved.auto_lock_minutes);
        }
    });
    refresh_wallet_status(ctx.wallet);
    lock_when_idle(ctx);
    Effect::new(move |_| {
        let l = lang.get();
        if let Some(el) = document().document_element() {
            let _ = el.set_attribute("lang", l.tag());
        }
    });
    let unlocked = move || ctx.wallet.get().is_some_and(|w| w.unlocked);
    let page = move || {
        let route = ctx.route.get();
        let needs_wallet = matches!(
            route,
            Route::Wallet
                | Route::Detail(_)
                | Route::Present(_)
                | Route::History
                | Route::Enrol
                | Route::Requests
        );
        if needs_wallet && !unlocked() {
            return match ctx.wallet.get() {
                Some(status) if status.exists => view! { <unlock::Unlock/> }.into_any(),
                Some(_) => view! { <onboarding::Onboarding/> }.into_any(),
                None => ().into_any(),
            };
        }
        match route {
            Route::Wallet => view! { <wallet::Wallet/> }.into_any(),
            Route::Detail(id) => view! { <detail::Detail id=id/> }.into_any(),
            Route::Present(id) => view! { <present::Present id=id/> }.into_any(),
            Route::Verify => view! { <verify::Verify/> }.into_any(),
            Route::History => view! { <history::History/> }.into_any(),
            Route::Settings => view! { <settings::Settings/> }.into_any(),
            Route::Enrol => view! { <onboarding::Enrol/> }.into_any(),
            Route::Requests => view! { <requests::Requests/> }.into_any(),
        }
    };
    view! {
        <div class="shell">
            <div class="page">{page}</div>
            <TabBar/>
        </div>
    }
}

/// The app context, for components.
pub fn use_app() -> AppContext {
    use_context::<AppContext>().unwrap_or_else(|| AppContext {
        lang: RwSignal::new(Lang::default()),
        route: RwSignal::new(Route::Wallet),
        wallet: RwSignal::new(None),
        auto_lock: RwSignal::new(SettingsView::default().auto_lock_minutes),
    })
}

/// The current language, for components.
pub fn use_lang() -> RwSignal<Lang> {
    use_app().lang
}
