//! The two-way mode's two sides on the verify screen: the verifier's request on show
//! ([`AskPanel`]), and the holder's consent to a request they scanned, then their answer
//! ([`Consent`]). Nothing is signed or shown for the holder before they agree.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::wallet::{AskView, PresentationView, PresetView, RequestView};

use crate::api::{self, ApiError};
use crate::components::camera::sleep_ms;
use crate::components::status::{data_url, error_key, type_name};
use crate::context::use_app;
use crate::i18n::{Key, Language, attribute_label, t, tf};

/// Brings the element `id` into view once it is drawn: a consent, an answer or a verdict drawn
/// below the request, which fills the screen.
pub fn reveal(id: &'static str) {
    spawn_local(async move {
        sleep_ms(0).await;
        if let Some(element) = document().get_element_by_id(id) {
            element.scroll_into_view();
        }
    });
}

/// What a verifier may ask for: the presets, by their short names.
const ASKS: [(PresetView, &str, Key); 3] = [
    (PresetView::Identity, "ask-identity", Key::PresetIdentityShort),
    (PresetView::AgeOver18, "ask-age", Key::PresetAgeShort),
    (PresetView::Full, "ask-full", Key::PresetFullShort),
];

/// What a request asks for, in the holder's words.
fn asked(lang: Language, preset: PresetView) -> &'static str {
    t(
        lang,
        match preset {
            PresetView::Identity => Key::PresetIdentity,
            PresetView::AgeOver18 => Key::PresetAge,
            PresetView::Full => Key::PresetFull,
        },
    )
}

/// The attributes `disclosed` by their names in `lang`, joined.
fn labels(lang: Language, disclosed: &[String]) -> String {
    disclosed.iter().map(|n| attribute_label(lang, n)).collect::<Vec<_>>().join("、")
}

/// The verifier's request on show: what to ask for, and the request's QR code with its number.
/// A new choice draws a new request; leaving lets go of it, so scanned codes are one-way again.
#[component]
pub fn AskPanel() -> impl IntoView {
    let lang = use_app().lang;
    let preset = RwSignal::new(PresetView::Identity);
    let shown = RwSignal::new(None::<Result<AskView, ApiError>>);
    // Only the request asked last is shown: an earlier answer arriving late is dropped.
    let generation = StoredValue::new(0_u32);
    Effect::new(move |_| {
        let p = preset.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        spawn_local(async move {
            let drawn = api::ask_presentation(p).await;
            if generation.get_value() == mine {
                shown.set(Some(drawn));
            }
        });
    });
    // Leaving lets go of the request shown last; one answered late is not in force either way.
    on_cleanup(move || {
        if let Some(Ok(ask)) = shown.get_untracked() {
            spawn_local(async move {
                let _ = api::stop_asking(ask.code).await;
            });
        }
    });
    let choices = ASKS
        .into_iter()
        .map(|(value, id, key)| {
            view! {
                <label class="choice" for=id>
                    <input type="radio" id=id name="ask"
                        prop:checked=move || preset.get() == value
                        on:change=move |_| preset.set(value)/>
                    <span>{move || t(lang.get(), key)}</span>
                </label>
            }
        })
        .collect_view();
    let code = move || {
        let l = lang.get();
        shown.get().map(|r| match r {
            Ok(ask) => view! {
                <div class="qr-wrap">
                    <img id="ask-qr" class="qr" src=data_url("image/svg+xml", ask.qr_svg.as_bytes()) alt=t(l, Key::AskQrAlt)/>
                </div>
                <p id="ask-code" class="countdown">{tf(l, Key::AskCode, &[&ask.code])}</p>
                <p class="muted">{t(l, Key::AskHint)}</p>
            }
            .into_any(),
            Err(e) => view! { <p class="result bad" role="alert">{t(l, error_key(&e))}</p> }.into_any(),
        })
    };
    view! {
        <div id="ask" class="present-code">
            <fieldset class="presets">
                <legend>{move || t(lang.get(), Key::AskLegend)}</legend>
                {choices}
            </fieldset>
            {code}
        </div>
    }
}

/// The holder's side of a request they scanned: who asks (the request's number, to compare
/// with the verifier's screen), what, and exactly what each certificate that can answer would
/// show; "agree" and "refuse" side by side with the same weight. Only "agree" signs.
#[component]
pub fn Consent(request: RequestView) -> impl IntoView {
    let lang = use_app().lang;
    let chosen = RwSignal::new(request.choices.first().map(|c| c.id.clone()));
    let answered = RwSignal::new(None::<Result<PresentationView, ApiError>>);
    let refused = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let (text, code, preset, at) = (request.text, request.code, request.preset, request.asked_at);
    let can_answer = !request.choices.is_empty();
    let choices = request
        .choices
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let id = format!("consent-choice-{i}");
            let value = c.id.clone();
            let checked = c.id.clone();
            let (slug, printed, disclosed) = (c.type_slug, c.type_name, c.disclosed);
            view! {
                <label class="choice" for=id.clone()>
                    <input type="radio" id=id.clone() name="consent-choice"
                        prop:checked=move || chosen.get().as_deref() == Some(checked.as_str())
                        on:change=move |_| chosen.set(Some(value.clone()))/>
                    <span>
                        <strong>{move || type_name(lang.get(), &slug, &printed)}</strong>
                        " " {move || labels(lang.get(), &disclosed)}
                    </span>
                </label>
            }
        })
        .collect_view();
    let agree = {
        let text = text.clone();
        move |_| {
            let Some(id) = chosen.get_untracked() else { return };
            let request = text.clone();
            busy.set(true);
            spawn_local(async move {
                answered.set(Some(api::answer_request(request, id).await));
                busy.set(false);
                reveal("answer");
            });
        }
    };
    let code_for_answer = code.clone();
    let answer = move || {
        let l = lang.get();
        answered.get().map(|r| match r {
            Ok(p) => view! {
                <div class="qr-wrap">
                    <img id="answer-qr" class="qr" src=data_url("image/svg+xml", p.qr_svg.as_bytes()) alt=t(l, Key::AnswerQrAlt)/>
                </div>
                <p class="disclosed"><strong>{t(l, Key::Disclosed)}</strong> " " {labels(l, &p.disclosed)}</p>
                <p class="muted">{tf(l, Key::AnswerHint, &[&code_for_answer])}</p>
            }
            .into_any(),
            Err(e) => view! { <p id="answer-error" class="result bad" role="alert">{t(l, error_key(&e))}</p> }.into_any(),
        })
    };
    let decided = move || answered.get().is_some_and(|r| r.is_ok()) || refused.get();
    view! {
        <section id="consent" class="card">
            <h2>{move || t(lang.get(), Key::ConsentTitle)}</h2>
            <p id="consent-who">{move || tf(lang.get(), Key::ConsentWho, &[&code, &at])}</p>
            <p class="muted">{move || t(lang.get(), Key::ConsentUnverified)}</p>
            <p id="consent-asks"><strong>{move || t(lang.get(), Key::ConsentAsks)}</strong> " "
                {move || asked(lang.get(), preset)}</p>
            <div class=move || if decided() { "visually-hidden" } else { "" }>
                {if can_answer {
                    view! {
                        <fieldset class="presets">
                            <legend>{move || t(lang.get(), Key::ConsentWith)}</legend>
                            {choices}
                        </fieldset>
                    }
                    .into_any()
                } else {
                    view! { <p id="consent-none" class="result bad">{move || t(lang.get(), Key::ConsentNone)}</p> }
                        .into_any()
                }}
            </div>
            {move || (!decided()).then(|| view! {
                <div class="consent-buttons">
                    <button id="consent-refuse" type="button" class="secondary" on:click=move |_| refused.set(true)>
                        {move || t(lang.get(), Key::ConsentRefuse)}
                    </button>
                    <button id="consent-agree" type="button" class="secondary"
                        disabled=move || !can_answer || busy.get() on:click=agree.clone()>
                        {move || t(lang.get(), Key::ConsentAgree)}
                    </button>
                </div>
            })}
            {move || refused.get().then(|| view! {
                <p id="consent-refused" class="result" role="status">{t(lang.get(), Key::ConsentRefused)}</p>
            })}
            <div id="answer" class="present-code">{answer}</div>
        </section>
    }
}
