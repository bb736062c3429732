//! Settings: language, locking the wallet, about (versions and licences), and the ID-number check.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::app::{refresh_wallet_status, use_app};
use crate::i18n::{Key, Lang, t};
use crate::pages::id_check::IdCheck;

/// The settings screen.
#[component]
pub fn Settings() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let info = LocalResource::new(|| async { api::app_info().await.ok() });
    let unlocked = move || app.wallet.get().is_some_and(|w| w.unlocked);
    let lock = move |_| {
        spawn_local(async move {
            let _ = api::lock_wallet().await;
            refresh_wallet_status(app.wallet);
        });
    };
    let about = move || {
        info.get().flatten().map(|i| {
            let licences = i
                .licences
                .into_iter()
                .map(|l| view! { <li>{l.component} " — " <span class="mono">{l.licence}</span></li> })
                .collect_view();
            view! {
                <dl class="attrs">
                    <div class="attr"><dt>{move || t(lang.get(), Key::AboutCore)}</dt><dd id="core-version">{i.core_version}</dd></div>
                    <div class="attr"><dt>{move || t(lang.get(), Key::AppVersion)}</dt><dd id="app-version">{i.app_version}</dd></div>
                </dl>
                <h3>{move || t(lang.get(), Key::Licences)}</h3>
                <ul id="licences" class="licences">{licences}</ul>
            }
        })
    };
    view! {
        <main id="settings" class="screen">
            <header class="app-bar">
                <h1>{move || t(lang.get(), Key::SettingsTitle)}</h1>
            </header>
            <section class="card">
                <div class="row">
                    <label for="lang-select">{move || t(lang.get(), Key::Language)}</label>
                    <select
                        id="lang-select"
                        on:change=move |ev| {
                            if let Some(l) = Lang::from_tag(&event_target_value(&ev)) {
                                lang.set(l);
                            }
                        }
                    >
                        {Lang::ALL
                            .into_iter()
                            .map(|l| view! { <option value=l.tag() selected=move || lang.get() == l>{l.native_name()}</option> })
                            .collect_view()}
                    </select>
                </div>
                {move || unlocked().then(|| view! {
                    <button id="lock-wallet" type="button" class="secondary" on:click=lock>{move || t(lang.get(), Key::LockButton)}</button>
                })}
            </section>
            <section class="card" aria-labelledby="about-title">
                <h2 id="about-title">{move || t(lang.get(), Key::About)}</h2>
                {about}
            </section>
            <IdCheck/>
        </main>
    }
}
