//! The root component: provides the context, loads the preferences, locks the wallet when idle,
//! and shows the current page above the tab bar. It imports the pages; they import only
//! [`crate::context`] and [`crate::route`].

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::tab_bar::TabBar;
use crate::context::{AppContext, refresh_wallet_status};
use crate::pages::{
    about, detail, hall, history, onboarding, requests, settings, show, unlock, verify, wallet,
};
use crate::route::Route;

/// Locks the wallet after `ctx.auto_lock` without a touch or a key press.
fn lock_when_idle(ctx: AppContext) {
    let last_activity = StoredValue::new(js_sys::Date::now());
    let touched = move || last_activity.set_value(js_sys::Date::now());
    let _ = window_event_listener(ev::pointerdown, move |_| touched());
    let _ = window_event_listener(ev::keydown, move |_| touched());
    let check = move || {
        let Some(minutes) = ctx.auto_lock.get_untracked().minutes() else { return };
        let unlocked = ctx.wallet.get_untracked().is_some_and(|w| w.unlocked);
        let idle_ms = js_sys::Date::now() - last_activity.get_value();
        if unlocked && idle_ms > f64::from(minutes) * 60_000.0 {
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

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let ctx = AppContext::default();
    provide_context(ctx);
    // The preferences come from the app's data directory (not webview storage, which every
    // data directory shares).
    spawn_local(async move {
        if let Ok(saved) = api::settings().await {
            ctx.lang.set(saved.language);
            ctx.auto_lock.set(saved.auto_lock);
            ctx.wipe_after_wrong_pins.set(saved.wipe_after_wrong_pins);
            ctx.elder.set(saved.elder_mode);
            ctx.voice.set(saved.voice_guidance);
        }
    });
    refresh_wallet_status(ctx.wallet);
    lock_when_idle(ctx);
    Effect::new(move |_| {
        let l = ctx.lang.get();
        if let Some(el) = document().document_element() {
            let _ = el.set_attribute("lang", l.tag());
        }
    });
    // The stylesheet's tokens follow the mode (`ui/style.css`, ADR 0004).
    Effect::new(move |_| {
        let mode = if ctx.elder.get() { "elder" } else { "standard" };
        if let Some(el) = document().document_element() {
            let _ = el.set_attribute("data-mode", mode);
        }
    });
    let unlocked = move || ctx.wallet.get().is_some_and(|w| w.unlocked);
    // The wallet's screens wait behind the first start or the unlock.
    let gated = move || ctx.route.get().needs_wallet() && !unlocked();
    let page = move || {
        let route = ctx.route.get();
        if gated() {
            return match ctx.wallet.get() {
                Some(status) if status.exists => view! { <unlock::Unlock/> }.into_any(),
                Some(_) => view! { <onboarding::Onboarding/> }.into_any(),
                None => ().into_any(),
            };
        }
        match route {
            Route::Wallet => view! { <wallet::Wallet/> }.into_any(),
            Route::Detail(id) => view! { <detail::Detail id=id/> }.into_any(),
            Route::Show(id) => view! { <show::Show id=id/> }.into_any(),
            Route::Verify => view! { <verify::Verify/> }.into_any(),
            Route::History => view! { <history::History/> }.into_any(),
            Route::Settings => view! { <settings::Settings/> }.into_any(),
            Route::About => view! { <about::About/> }.into_any(),
            Route::Enrol => view! { <onboarding::Enrol/> }.into_any(),
            Route::Requests => view! { <requests::Requests/> }.into_any(),
            Route::Hall(start) => view! { <hall::home::HallHomePage start=start/> }.into_any(),
            Route::HallList { query, back } => {
                view! { <hall::list::HallListPage query=query back=*back/> }.into_any()
            }
            Route::Guide { code, back } => {
                view! { <hall::guide::GuidePage code=code back=*back/> }.into_any()
            }
            Route::Apply { code, back } => {
                view! { <hall::apply::ApplyPage code=code back=*back/> }.into_any()
            }
            Route::Applications => view! { <hall::applications::ApplicationsPage/> }.into_any(),
            Route::Application(id) => view! { <hall::applications::ApplicationPage id=id/> }.into_any(),
        }
    };
    // No tab bar before the wallet is open (the first start and the unlock lead on by themselves)
    // nor on a page that fills the screen.
    let tabs = move || !ctx.focus.get() && !gated();
    view! {
        <div class="shell">
            <div class="page" class:with-tabs=tabs>{page}</div>
            <Show when=tabs>
                <TabBar/>
            </Show>
        </div>
    }
}
