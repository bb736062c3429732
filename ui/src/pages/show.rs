//! 亮证: one certificate shown full screen to the person checking it. The card face with the
//! holder's photo large, under a moving watermark; the QR code drawn with whole pixels per module,
//! signed again every 30 seconds with a countdown ring; a live clock and a ticker, so that a
//! screenshot or a photo of the screen is visibly not live; the choice of what to show as chips,
//! each saying what it discloses of this certificate. No tab bar, and the screen is kept awake
//! while the page is open.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::wallet::{CertificateDetailView, PresentationView, PresetOptionView, PresetView, ValueView};

use crate::api::{self, ApiError};
use crate::clock::china_clock;
use crate::components::card_face::CardFace;
use crate::components::status::{data_url, error_key, type_name};
use crate::context::{fill_screen, use_app};
use crate::i18n::{Key, Language, attribute_label, t, tf};
use crate::qr_size::{modules_across, qr_side_px};
use crate::route::Route;

/// The countdown ring's radius, in SVG units (the ring is 48 × 48).
const RING_R: f64 = 20.0;
/// The widest the page is drawn (as every screen), and the margin around the code.
const PAGE_MAX_PX: f64 = 480.0;
const QR_MARGIN_PX: f64 = 16.0;

/// A chip's id and short name.
fn chip_parts(preset: PresetView) -> (&'static str, Key) {
    match preset {
        PresetView::Identity => ("chip-identity", Key::PresetIdentityShort),
        PresetView::AgeOver18 => ("chip-age", Key::PresetAgeShort),
        PresetView::Full => ("chip-full", Key::PresetFullShort),
    }
}

/// Attribute names as the user reads them, joined.
fn labels(lang: Language, names: &[String]) -> String {
    names.iter().map(|n| attribute_label(lang, n)).collect::<Vec<_>>().join("、")
}

/// The photo of a certificate's detail, if it has one.
fn photo_of(detail: &CertificateDetailView) -> Option<Vec<u8>> {
    detail.attributes.iter().find(|a| a.name == "photo").and_then(|a| match &a.value {
        ValueView::Jpeg { bytes } => Some(bytes.clone()),
        _ => None,
    })
}

/// The window's width in CSS pixels.
fn window_width() -> f64 {
    window().inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(PAGE_MAX_PX)
}

/// The 亮证 screen for certificate `id`.
#[component]
pub fn Show(id: String) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    fill_screen();
    let detail = RwSignal::new(None::<Result<CertificateDetailView, ApiError>>);
    let preset = RwSignal::new(None::<PresetView>);
    let shown = RwSignal::new(None::<Result<PresentationView, ApiError>>);
    let left = RwSignal::new(0_u64);
    let period = RwSignal::new(30_u64);
    let now = RwSignal::new(js_sys::Date::now());
    let awake = RwSignal::new(None::<bool>);
    let width = RwSignal::new(window_width());

    // The screen stays on while the page is open; the answer is on the page for the record.
    spawn_local(async move {
        let answer = api::screen_for_showing(true).await.map(|v| v.awake).unwrap_or(false);
        let _ = awake.try_set(Some(answer));
    });
    on_cleanup(|| {
        spawn_local(async {
            let _ = api::screen_for_showing(false).await;
        });
    });
    let resize = window_event_listener(ev::resize, move |_| {
        let _ = width.try_set(window_width());
    });
    on_cleanup(move || resize.remove());

    // The card face and the presets this certificate offers; the identity preset first when it
    // is one of them.
    {
        let id = id.clone();
        spawn_local(async move {
            let result = api::certificate_detail(id).await;
            if let Ok(d) = &result {
                let first = d
                    .presets
                    .iter()
                    .map(|p| p.preset)
                    .find(|p| *p == PresetView::Identity)
                    .or_else(|| d.presets.first().map(|p| p.preset));
                let _ = preset.try_set(first);
            }
            let _ = detail.try_set(Some(result));
        });
    }

    let fetch = {
        let id = id.clone();
        move |refresh: bool| {
            let Some(p) = preset.get_untracked() else { return };
            let id = id.clone();
            spawn_local(async move {
                let result = api::present(id, p, refresh).await;
                if let Ok(view) = &result {
                    let _ = left.try_set(view.refresh_in_secs);
                    if !refresh && view.refresh_in_secs > 0 {
                        let _ = period.try_set(view.refresh_in_secs);
                    }
                }
                let _ = shown.try_set(Some(result));
            });
        }
    };
    // A new choice of preset is a new presentation (logged); the 30-second redraws are not.
    let first = fetch.clone();
    Effect::new(move |_| {
        if preset.get().is_some() {
            first(false);
        }
    });
    let tick = fetch;
    if let Ok(handle) = set_interval_with_handle(
        move || {
            now.set(js_sys::Date::now());
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

    let clock = move || china_clock(now.get()).1;
    let stamp = Signal::derive(move || {
        let (date, time) = china_clock(now.get());
        format!("{} {date} {time}", t(lang.get(), Key::ShowWatermark))
    });

    let face = move || {
        detail.get().map(|r| match r {
            Ok(d) => {
                let photo = photo_of(&d);
                view! { <CardFace card=d.card.clone() photo=photo stamp=stamp/> }.into_any()
            }
            Err(e) => view! { <p id="show-error" class="result bad" role="alert">{t(lang.get(), error_key(&e))}</p> }
                .into_any(),
        })
    };

    let ring = move || {
        let circumference = 2.0 * std::f64::consts::PI * RING_R;
        let part = left.get() as f64 / period.get().max(1) as f64;
        let dash = format!("{:.2} {circumference:.2}", circumference * part.clamp(0.0, 1.0));
        view! {
            <div id="show-ring" class="ring" role="timer" aria-label=move || tf(lang.get(), Key::ShowRefreshIn, &[&left.get().to_string()])>
                <svg viewBox="0 0 48 48" width="48" height="48" aria-hidden="true">
                    <circle class="ring-track" cx="24" cy="24" r=RING_R/>
                    <circle class="ring-left" cx="24" cy="24" r=RING_R stroke-dasharray=dash transform="rotate(-90 24 24)"/>
                </svg>
                <span class="ring-number" aria-hidden="true">{move || left.get()}</span>
            </div>
        }
    };

    let code = move || {
        let l = lang.get();
        shown.get().map(|r| match r {
            Ok(p) => {
                let src = data_url("image/svg+xml", p.qr_svg.as_bytes());
                let available = (width.get().min(PAGE_MAX_PX) - QR_MARGIN_PX).max(0.0) as u32;
                let side = qr_side_px(p.qr_version, available);
                let style = format!("width: {side}px; height: {side}px");
                view! {
                    <div class="show-qr-wrap">
                        <img id="show-qr" class="show-qr" src=src alt=t(l, Key::QrAlt) style=style
                            data-modules=modules_across(p.qr_version).to_string()/>
                    </div>
                }
                .into_any()
            }
            Err(e) => {
                view! { <p id="show-code-error" class="result bad" role="alert">{t(l, error_key(&e))}</p> }
                    .into_any()
            }
        })
    };

    let ticker = move || {
        detail.get().and_then(Result::ok).map(|d| {
            let (slug, printed) = (d.card.type_slug.clone(), d.card.type_name.clone());
            let holder = d.card.holder_name.clone().unwrap_or_default();
            let text = move || {
                let l = lang.get();
                format!("{holder} · {} · {}", type_name(l, &slug, &printed), t(l, Key::ShowLive))
            };
            view! {
                <div id="show-ticker" class="ticker">
                    <span class="ticker-text">{text.clone()} " · " {text}</span>
                </div>
            }
        })
    };

    let chips = move || {
        detail.get().and_then(Result::ok).map(|d| {
            let options = d
                .presets
                .into_iter()
                .map(|PresetOptionView { preset: value, disclosed }| {
                    let (id, key) = chip_parts(value);
                    view! {
                        <button type="button" role="radio" id=id class="chip"
                            aria-checked=move || (preset.get() == Some(value)).to_string()
                            on:click=move |_| preset.set(Some(value))>
                            <span class="chip-name">{move || t(lang.get(), key)}</span>
                            <span class="chip-what">{move || labels(lang.get(), &disclosed)}</span>
                        </button>
                    }
                })
                .collect_view();
            view! {
                <div id="show-chips" class="chips" role="radiogroup" aria-label=move || t(lang.get(), Key::ShowChips)>
                    {options}
                </div>
            }
        })
    };

    let disclosed = move || {
        let l = lang.get();
        let photo = detail.with(|d| d.as_ref().and_then(|d| d.as_ref().ok()).and_then(photo_of));
        shown.get().and_then(Result::ok).map(|p| {
            let thumbnail = p.disclosed.iter().any(|n| n == "photo").then_some(photo).flatten().map(|bytes| {
                view! { <img class="disclosed-photo" src=data_url("image/jpeg", &bytes) alt=t(l, Key::ShowPhotoAlt)/> }
            });
            view! {
                <p id="show-disclosed" class="disclosed">
                    <strong>{t(l, Key::Disclosed)}</strong> " " <span>{labels(l, &p.disclosed)}</span> {thumbnail}
                </p>
            }
        })
    };

    view! {
        <main id="show" class="show" data-awake=move || awake.get().map(|a| a.to_string())>
            <div class="show-inner">
                <header class="show-bar">
                    <button id="show-close" type="button" class="show-close"
                        on:click=move |_| app.route.set(Route::Detail(id.clone()))>
                        {move || t(lang.get(), Key::ShowDone)}
                    </button>
                    <h1>{move || t(lang.get(), Key::ShowTitle)}</h1>
                </header>
                {face}
                {code}
                <div class="show-live">
                    <span id="show-clock" class="show-clock" aria-hidden="true">{clock}</span>
                    {ring}
                </div>
                {ticker}
                {chips}
                {disclosed}
                <p class="muted show-hint">{move || t(lang.get(), Key::ShowHint)}</p>
            </div>
        </main>
    }
}
