//! Presenting a certificate: choose what to show, then a large QR code that is signed again
//! every 30 seconds, with a countdown.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::wallet::{PresentationView, PresetView};

use crate::api::{self, ApiError};
use crate::components::status::{data_url, error_key};
use crate::context::use_app;
use crate::i18n::{Key, attribute_label, t, tf};
use crate::route::Route;

const PRESETS: [(PresetView, &str, Key); 3] = [
    (PresetView::Identity, "preset-identity", Key::PresetIdentity),
    (PresetView::AgeOver18, "preset-age", Key::PresetAge),
    (PresetView::Full, "preset-full", Key::PresetFull),
];

/// The present screen for certificate `id`.
#[component]
pub fn Present(id: String) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let preset = RwSignal::new(PresetView::Identity);
    let shown = RwSignal::new(None::<Result<PresentationView, ApiError>>);
    let left = RwSignal::new(0u64);

    let fetch = {
        let id = id.clone();
        move |refresh: bool| {
            let (id, p) = (id.clone(), preset.get_untracked());
            spawn_local(async move {
                let result = api::present(id, p, refresh).await;
                if let Ok(view) = &result {
                    left.set(view.refresh_in_secs);
                }
                shown.set(Some(result));
            });
        }
    };
    // A new choice of preset is a new presentation (logged); the 30-second redraws are not.
    let first = fetch.clone();
    Effect::new(move |_| {
        preset.track();
        first(false);
    });
    let tick = fetch.clone();
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if !matches!(shown.get_untracked(), Some(Ok(_))) {
                return;
            }
            match left.get_untracked() {
                0 | 1 => {
                    left.set(0);
                    tick(true);
                }
                n => left.set(n - 1),
            }
        },
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }

    let choices = PRESETS
        .into_iter()
        .map(|(value, id, key)| {
            view! {
                <label class="choice" for=id>
                    <input
                        type="radio"
                        id=id
                        name="preset"
                        prop:checked=move || preset.get() == value
                        on:change=move |_| preset.set(value)
                    />
                    <span>{move || t(lang.get(), key)}</span>
                </label>
            }
        })
        .collect_view();

    let code = move || {
        let l = lang.get();
        shown.get().map(|r| match r {
            Ok(p) => {
                let src = data_url("image/svg+xml", p.qr_svg.as_bytes());
                let disclosed =
                    p.disclosed.iter().map(|n| attribute_label(l, n)).collect::<Vec<_>>().join("、");
                view! {
                    <div class="qr-wrap">
                        <img id="present-qr" class="qr" src=src alt=t(l, Key::QrAlt)/>
                    </div>
                    <p id="present-countdown" class="countdown" aria-live="polite">
                        {move || tf(lang.get(), Key::RefreshIn, &[&left.get().to_string()])}
                    </p>
                    <p class="disclosed"><strong>{t(l, Key::Disclosed)}</strong> " " {disclosed}</p>
                    <p class="muted">{t(l, Key::PresentHint)}</p>
                }
                .into_any()
            }
            Err(e) => {
                view! { <p id="present-error" class="result bad" role="alert">{t(l, error_key(&e))}</p> }
                    .into_any()
            }
        })
    };

    view! {
        <main id="present" class="screen">
            <header class="app-bar with-back">
                <button type="button" class="back" on:click=move |_| app.route.set(Route::Detail(id.clone()))>
                    {move || format!("‹ {}", t(lang.get(), Key::Back))}
                </button>
                <h1>{move || t(lang.get(), Key::PresentTitle)}</h1>
            </header>
            <section class="card">
                <fieldset class="presets">
                    <legend>{move || t(lang.get(), Key::PresetLegend)}</legend>
                    {choices}
                </fieldset>
            </section>
            <section class="card present-code">{code}</section>
        </main>
    }
}
