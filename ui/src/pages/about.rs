//! 关于: what a developer or a curious citizen looks for, kept out of the settings — the core's
//! and the app's versions, the open-source licences, and the ID-number check.

use leptos::prelude::*;

use crate::api;
use crate::components::app_bar::AppBar;
use crate::context::use_app;
use crate::i18n::{Key, t};
use crate::pages::id_check::IdCheck;
use crate::route::Route;

/// The About screen, reached from Settings.
#[component]
pub fn About() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let info = LocalResource::new(|| async { api::app_info().await.ok() });
    let versions = move || {
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
        <main id="about" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::AboutOpen).to_owned())
                back=Callback::new(move |()| app.route.set(Route::Settings)) back_id="about-back"/>
            <section class="card" aria-labelledby="about-title">
                <h2 id="about-title">{move || t(lang.get(), Key::About)}</h2>
                {versions}
            </section>
            <IdCheck/>
        </main>
    }
}
