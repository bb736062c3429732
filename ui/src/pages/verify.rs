//! The verifier's mode: scan someone's presentation code with the camera, or open a picture of
//! it, and see at a glance whether it is genuine, current and theirs, with what they disclosed
//! and why, on a result page that fills the screen (the photo large, every field in one column,
//! 核验下一位 to scan the next code). With "ask the holder" on, the screen first shows a request for the holder to answer
//! and takes only an answer to it (the two-way mode); a request scanned here is the holder's
//! side of that mode, asking their consent.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::ipc::JpegPreview;
use shimin_wire::wallet::{OutcomeView, ScannedView, ValueView, VerdictView};
use wasm_bindgen_futures::JsFuture;
use web_sys::MediaStream;

use crate::api::{self, ApiError};
use crate::components::app_bar::AppBar;
use crate::components::attributes::AttributeList;
use crate::components::camera::{grab, open_camera, sleep_ms, stop_camera};
use crate::components::check::{CheckPanel, freshness_text};
use crate::components::status::{data_url, error_key, type_name};
use crate::components::two_way::{AskPanel, Consent, reveal};
use crate::context::{fill_screen, use_app};
use crate::i18n::{Key, t, tf};

async fn read_file(file: web_sys::File) -> Option<Vec<u8>> {
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The verdict on a scanned code, filling the screen: the outcome, the holder's photo large with
/// the name, every disclosed field and the certificate's in one column (a long 签发机关 wraps),
/// and the two ways on: 核验下一位 (scan again) and 关闭. An invalid code's photo and name are not
/// put up as the person's: they stay in the list, under the red verdict.
#[component]
fn VerdictPage(v: VerdictView, on_close: Callback<()>, on_next: Callback<()>) -> impl IntoView {
    let lang = use_app().lang;
    fill_screen();
    let photo = v.attributes.iter().find(|a| a.name == "photo").and_then(|a| match &a.value {
        ValueView::Jpeg { bytes } => Some(data_url("image/jpeg", bytes)),
        _ => None,
    });
    let name = v.attributes.iter().find(|a| a.name == "name").and_then(|a| match &a.value {
        ValueView::Text { text } => Some(text.clone()),
        _ => None,
    });
    let trusted = v.check.outcome != OutcomeView::Invalid;
    let who = (trusted && (photo.is_some() || name.is_some())).then(|| {
        view! {
            <div class="verdict-who">
                {photo.map(|src| view! {
                    <img id="verdict-photo" class="photo-verdict" src=src alt=move || t(lang.get(), Key::ShowPhotoAlt)/>
                })}
                {name.map(|n| view! { <p id="verdict-name" class="verdict-name">{n}</p> })}
            </div>
        }
    });
    let certificate = v.certificate.map(|c| {
        let (slug, printed) = (c.type_slug.clone(), c.type_name.clone());
        let until = c.valid_until.clone();
        view! {
            <dl class="attrs">
                <div class="attr"><dt>{move || t(lang.get(), Key::CertType)}</dt>
                    <dd id="verdict-type">{move || type_name(lang.get(), &slug, &printed)}</dd></div>
                <div class="attr"><dt>{move || t(lang.get(), Key::DetailIssuer)}</dt><dd id="verdict-issuer">{c.issuer_name}</dd></div>
                <div class="attr"><dt>{move || t(lang.get(), Key::ValidUntilLabel)}</dt>
                    <dd>{move || until.clone().unwrap_or_else(|| t(lang.get(), Key::LongTerm).to_owned())}</dd></div>
                <div class="attr"><dt>{move || t(lang.get(), Key::Identifier)}</dt><dd class="mono wrap">{c.identifier}</dd></div>
            </dl>
        }
    });
    let signed_at =
        v.signed_at.map(|at| view! { <p class="muted">{move || tf(lang.get(), Key::SignedAt, &[&at])}</p> });
    let fields: Vec<_> = v.attributes.into_iter().filter(|a| !trusted || a.name != "photo").collect();
    let attributes = (!fields.is_empty()).then(|| {
        view! {
            <h2>{move || t(lang.get(), Key::DisclosedData)}</h2>
            <AttributeList attributes=fields id="verdict-attributes"/>
        }
    });
    view! {
        <div id="verdict-page" class="verdict-page" role="dialog" aria-modal="true" aria-labelledby="verdict-title">
            <div class="verdict-inner">
                <header class="show-bar">
                    <button id="verify-close" type="button" class="show-close" on:click=move |_| on_close.run(())>
                        {move || t(lang.get(), Key::VerifyClose)}
                    </button>
                    <h1 id="verdict-title">{move || t(lang.get(), Key::VerdictTitle)}</h1>
                </header>
                <CheckPanel check=v.check id="verdict"/>
                {who}
                <section class="card fields-stacked">{attributes} {certificate} {signed_at}</section>
                <button id="verify-next" type="button" class="primary" on:click=move |_| on_next.run(())>
                    {move || t(lang.get(), Key::VerifyNext)}
                </button>
            </div>
        </div>
    }
}

/// The verify screen.
#[component]
pub fn Verify() -> impl IntoView {
    let lang = use_app().lang;
    let verdict = RwSignal::new(None::<Result<ScannedView, ApiError>>);
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let scanning = RwSignal::new(false);
    let camera_error = RwSignal::new(false);
    let stream = StoredValue::new_local(None::<MediaStream>);
    // Scanning with the computer's own camera (desktop): the app reads it, the screen shows the
    // frames it sends back.
    let native = RwSignal::new(false);
    let preview = RwSignal::new(None::<JpegPreview>);
    let generation = StoredValue::new(0_u32);
    let video_ref = NodeRef::<html::Video>::new();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let stop = move || {
        generation.update_value(|g| *g += 1);
        if let Some(s) = stream.get_value() {
            stop_camera(&s);
        }
        stream.set_value(None);
        if native.get_untracked() {
            native.set(false);
            preview.set(None);
            spawn_local(async {
                let _ = api::scan_camera_close().await;
            });
        }
        scanning.set(false);
    };
    // Scans until a code is read: a picture with no code in it is not a verdict.
    let scan = move |_: ()| {
        stop();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        verdict.set(None);
        camera_error.set(false);
        scanning.set(true);
        spawn_local(async move {
            sleep_ms(0).await;
            // The computer's own camera first; the webview's when the app cannot read one.
            if api::scan_camera_open().await.unwrap_or(false) {
                if generation.get_value() != mine {
                    let _ = api::scan_camera_close().await;
                    return;
                }
                native.set(true);
                while generation.get_value() == mine {
                    let result = api::scan_camera_frame().await;
                    if generation.get_value() != mine {
                        return;
                    }
                    match result {
                        Ok(frame) => {
                            preview.set(Some(frame.preview));
                            if let Some(found) = frame.scanned {
                                stop();
                                verdict.set(Some(Ok(found)));
                            }
                        }
                        Err(_) => {
                            stop();
                            camera_error.set(true);
                            return;
                        }
                    }
                    sleep_ms(100).await;
                }
                return;
            }
            let Some(video) = video_ref.get_untracked() else { return };
            match open_camera(&video, false).await {
                Some(s) => stream.set_value(Some(s)),
                None => {
                    camera_error.set(true);
                    stop();
                    return;
                }
            }
            while generation.get_value() == mine {
                sleep_ms(300).await;
                let (Some(video), Some(canvas)) = (video_ref.get_untracked(), canvas_ref.get_untracked())
                else {
                    return;
                };
                let Some(jpeg) = grab(&video, &canvas, 1280) else { continue };
                let result = api::scan_image(&jpeg).await;
                if generation.get_value() != mine {
                    return;
                }
                // No code in this frame: keep scanning.
                if let Some(result) = result.transpose() {
                    stop();
                    verdict.set(Some(result));
                }
            }
        });
    };
    on_cleanup(stop);
    // 去设置: the answer about the camera is forgotten, so that the next scan asks again.
    let settings = move |_| {
        spawn_local(async move {
            let _ = api::camera_permission_reset().await;
            camera_error.set(false);
        });
    };
    let close = move |()| verdict.set(None);
    let next = move |()| scan(());
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        busy.set(true);
        spawn_local(async move {
            let result = match read_file(file).await {
                Some(bytes) => api::verify_image(&bytes).await,
                None => Err(ApiError::Bridge),
            };
            busy.set(false);
            verdict.set(Some(result));
        });
    };
    // What was scanned is drawn below the request, which fills the screen: brought into view.
    Effect::new(move |_| {
        if verdict.with(Option::is_some) {
            reveal("verify-result");
        }
    });
    // One line for the data a verdict is checked with: how long ago it was updated.
    let data_age = RwSignal::new(None::<shimin_wire::wallet::ListAgeView>);
    spawn_local(async move {
        if let Ok(age) = api::verify_data_age().await {
            let _ = data_age.try_set(age);
        }
    });
    let on_ask = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        verdict.set(None);
        asking.set(input.checked());
    };
    view! {
        <main id="verify" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::VerifyTitle).to_owned())/>
            <section class="card">
                <label class="choice" for="verify-ask">
                    <input type="checkbox" id="verify-ask" role="switch" prop:checked=move || asking.get() on:change=on_ask/>
                    <span>{move || t(lang.get(), Key::AskSwitch)}</span>
                </label>
                {move || asking.get().then(|| view! { <AskPanel/> })}
                <p class="muted">{move || t(lang.get(), Key::VerifyHint)}</p>
                {move || data_age.get().and_then(|age| freshness_text(lang.get(), &[age])).map(|line| view! {
                    <p id="list-freshness" class="muted">{line}</p>
                })}
                {move || if scanning.get() {
                    view! {
                        <button id="verify-scan-stop" type="button" class="secondary" on:click=move |_| stop()>
                            {t(lang.get(), Key::VerifyScanStop)}
                        </button>
                    }
                    .into_any()
                } else {
                    view! {
                        <button id="verify-scan" type="button" class="primary" on:click=move |_| scan(())>
                            {t(lang.get(), Key::VerifyScanPrimary)}
                        </button>
                    }
                    .into_any()
                }}
                <label for="verify-file" class="file-button file-secondary">
                    {move || t(lang.get(), if busy.get() { Key::Working } else { Key::VerifyChoose })}
                </label>
                <input id="verify-file" class="visually-hidden" type="file" accept="image/png,image/jpeg" on:change=on_file/>
                {move || camera_error.get().then(|| view! {
                    <div class="camera-problem">
                        <p class="result bad" role="alert">{t(lang.get(), Key::VerifyCameraUnavailable)}</p>
                        <button id="verify-settings" type="button" class="secondary" on:click=settings>
                            {t(lang.get(), Key::VerifyGoToSettings)}
                        </button>
                    </div>
                })}
                <div class=move || if scanning.get() { "scanner" } else { "scanner visually-hidden" }>
                    <video id="verify-video" node_ref=video_ref autoplay=true
                        class=move || if native.get() { "visually-hidden" } else { "" }></video>
                    {move || preview.get().map(|p| view! {
                        <img id="verify-preview" alt="" src=p.data_url()/>
                    })}
                    <p class="guidance" role="status">{move || t(lang.get(), Key::VerifyScanning)}</p>
                </div>
                <canvas node_ref=canvas_ref class="visually-hidden" aria-hidden="true"></canvas>
            </section>
            <div id="verify-result">{move || verdict.get().map(|r| match r {
                Ok(ScannedView::Verdict(v)) => {
                    view! { <VerdictPage v on_close=Callback::new(close) on_next=Callback::new(next)/> }.into_any()
                }
                Ok(ScannedView::Request(request)) => view! { <Consent request/> }.into_any(),
                Err(e) => view! { <p class="result bad" role="alert">{t(lang.get(), error_key(&e))}</p> }.into_any(),
            })}</div>
        </main>
    }
}
