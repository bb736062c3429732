//! The bottom tab bar: wallet, the service hall (办事), verify, history, settings.

use leptos::prelude::*;

use crate::components::icon::{Icon, IconName};
use crate::context::use_app;
use crate::i18n::{Key, t};
use crate::route::{HallHome, Route};

/// The tab a route belongs to.
fn tab_of(route: &Route) -> Route {
    match route {
        Route::Detail(_) | Route::Show(_) | Route::Requests => Route::Wallet,
        Route::About => Route::Settings,
        Route::Hall(_)
        | Route::HallList { .. }
        | Route::Guide { .. }
        | Route::Apply { .. }
        | Route::Applications
        | Route::Application(_) => Route::Hall(HallHome::default()),
        other => other.clone(),
    }
}

/// The bottom navigation.
#[component]
pub fn TabBar() -> impl IntoView {
    let app = use_app();
    let tabs = [
        (Route::Wallet, "tab-wallet", Key::TabWallet, IconName::Wallet),
        (Route::Hall(HallHome::default()), "tab-hall", Key::TabHall, IconName::Hall),
        (Route::Verify, "tab-verify", Key::TabVerify, IconName::Scan),
        (Route::History, "tab-history", Key::TabHistory, IconName::History),
        (Route::Settings, "tab-settings", Key::TabSettings, IconName::Settings),
    ];
    view! {
        <nav class="tab-bar" aria-label=move || t(app.lang.get(), Key::NavLabel)>
            {tabs
                .into_iter()
                .map(|(route, id, key, icon)| {
                    let target = route.clone();
                    let current = move || tab_of(&app.route.get()) == route;
                    view! {
                        <button
                            id=id
                            type="button"
                            class="tab"
                            class:active=current.clone()
                            aria-current=move || if current() { Some("page") } else { None }
                            on:click=move |_| app.route.set(target.clone())
                        >
                            <Icon name=icon/>
                            <span class="tab-label">{move || t(app.lang.get(), key)}</span>
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}
