//! The verifier's mode: open a picture of someone's presentation code and see at a glance
//! whether it is genuine, current and theirs, with what they disclosed and why.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::wallet::VerdictView;
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiError};
use crate::app::use_app;
use crate::components::attributes::AttributeList;
use crate::components::check::CheckPanel;
use crate::components::status::{error_key, type_name};
use crate::i18n::{Key, t, tf};

async fn read_file(file: web_sys::File) -> Option<Vec<u8>> {
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn verdict_view(v: VerdictView) -> impl IntoView {
    let lang = use_app().lang;
    let certificate = v.certificate.map(|c| {
        let (slug, printed) = (c.type_slug.clone(), c.type_name.clone());
        let until = c.valid_until.clone();
        view! {
            <dl class="attrs">
                <div class="attr"><dt>{move || t(lang.get(), Key::CertType)}</dt>
                    <dd id="verdict-type">{move || type_name(lang.get(), &slug, &printed)}</dd></div>
                <div class="attr"><dt>{move || t(lang.get(), Key::DetailIssuer)}</dt><dd>{c.issuer_name}</dd></div>
                <div class="attr"><dt>{move || t(lang.get(), Key::ValidUntilLabel)}</dt>
                    <dd>{move || until.clone().unwrap_or_else(|| t(lang.get(), Key::LongTerm).to_owned())}</dd></div>
                <div class="attr"><dt>{move || t(lang.get(), Key::Identifier)}</dt><dd class="mono wrap">{c.identifier}</dd></div>
            </dl>
        }
    });
    let signed_at =
        v.signed_at.map(|at| view! { <p class="muted">{move || tf(lang.get(), Key::SignedAt, &[&at])}</p> });
    let attributes = (!v.attributes.is_empty()).then(|| {
        view! {
            <h2>{move || t(lang.get(), Key::DisclosedData)}</h2>
            <AttributeList attributes=v.attributes id="verdict-attributes"/>
        }
    });
    view! {
        <CheckPanel check=v.check id="verdict"/>
        <section class="card">{attributes} {certificate} {signed_at}</section>
    }
}

/// The verify screen.
#[component]
pub fn Verify() -> impl IntoView {
    let lang = use_app().lang;
    let verdict = RwSignal::new(None::<Result<VerdictView, ApiError>>);
    let busy = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        busy.set(true);
        spawn_local(async move {
            let result = match read_file(file).await {
                Some(bytes) => api::verify_image(bytes).await,
                None => Err(ApiError::Bridge),
            };
            busy.set(false);
            verdict.set(Some(result));
        });
    };
    view! {
        <main id="verify" class="screen">
            <header class="app-bar">
                <h1>{move || t(lang.get(), Key::VerifyTitle)}</h1>
            </header>
            <section class="card">
                <p class="muted">{move || t(lang.get(), Key::VerifyHint)}</p>
                <label for="verify-file" class="file-button">
                    {move || t(lang.get(), if busy.get() { Key::Working } else { Key::VerifyChoose })}
                </label>
                <input id="verify-file" class="visually-hidden" type="file" accept="image/png,image/jpeg" on:change=on_file/>
            </section>
            {move || verdict.get().map(|r| match r {
                Ok(v) => verdict_view(v).into_any(),
                Err(e) => view! { <p class="result bad" role="alert">{t(lang.get(), error_key(&e))}</p> }.into_any(),
            })}
        </main>
    }
}
