//! The liveness check screen: the camera preview under a face outline, what to do now, the
//! actions asked for with the ones done ticked, and the outcome. Used to register this device
//! and to confirm an identity request. The frames come from the webview's camera
//! (`getUserMedia`, one JPEG at a time over IPC, as raw bytes) or from a source the app reads
//! itself (a desktop camera, recorded frames); the app streams them to the backend, which
//! measures every one, reveals each action in turn and decides.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::liveness::{CameraSourceView, LivenessPhaseView, LivenessPurposeView, LivenessStatusView};
use web_sys::MediaStream;

use crate::api;
use crate::components::camera::{grab, open_camera, sleep_ms, stop_camera};
use crate::components::speaker;
use crate::components::status::error_key;
use crate::context::use_app;
use crate::i18n::{Key, Language, action_key, failure_key, guidance_key, t, tf};

/// Between two frames sent from the camera, ms (about 10 frames a second with the measuring).
const CAMERA_INTERVAL_MS: i32 = 60;
/// Camera frames are scaled to at most this width before they are sent.
const FRAME_WIDTH: u32 = 640;
/// Between two recorded frames asked for, ms.
const RECORDED_INTERVAL_MS: i32 = 40;
/// How long starting a check may take before the screen says it failed, ms: a start that never
/// answers is an error the user can act on, never a spinner without end.
const START_TIMEOUT_MS: i32 = 20_000;

/// Failures after which trying again cannot help: the registry has no photo, the day's attempts
/// are used up, it was done already, or the time to answer has passed.
fn final_failure(key: Key) -> bool {
    matches!(
        key,
        Key::ErrorNoRegistryPhoto
            | Key::ErrorTooManyAttempts
            | Key::ErrorAlreadyDone
            | Key::ErrorRequestExpired
    )
}

/// Where the check is, in words and as a bar: "第 2 步，共 3 步" (the step being done; the last
/// once all are done).
fn progress(l: Language, status: &LivenessStatusView) -> impl IntoView + use<> {
    let steps = usize::from(status.steps).max(1);
    let current = (status.done + 1).min(steps);
    view! {
        <div id="liveness-progress" class="liveness-progress">
            <p class="progress-text">{tf(l, Key::LivenessStepOf, &[&current.to_string(), &steps.to_string()])}</p>
            <progress max=steps.to_string() value=status.done.min(steps).to_string() aria-hidden="true"></progress>
        </div>
    }
}

/// The check's steps: the actions the backend revealed so far (it reveals each only after it saw
/// the one before done), the ones done ticked, and the steps still to come unnamed.
fn steps(l: Language, status: &LivenessStatusView) -> impl IntoView + use<> {
    let done = status.done;
    let items = (0..usize::from(status.steps))
        .map(|i| {
            let state = if i < done {
                "done"
            } else if i == done {
                "current"
            } else {
                "todo"
            };
            let mark = if i < done { "✓" } else { "" };
            let name = match status.actions.get(i) {
                Some(action) => t(l, action_key(*action)).to_owned(),
                None => tf(l, Key::LivenessStepHidden, &[&(i + 1).to_string()]),
            };
            view! {
                <li class=format!("liveness-step {state}")>
                    <span class="step-mark" aria-hidden="true">{mark}</span>
                    {name}
                </li>
            }
        })
        .collect_view();
    view! {
        <ol id="liveness-steps" class="liveness-steps"
            aria-label=tf(l, Key::LivenessProgress, &[&done.to_string(), &status.steps.to_string()])>
            {items}
        </ol>
    }
}

/// The check. `on_passed` runs when the backend accepted it; `alternative`, when given, is
/// offered throughout, during the check too (e.g. "use an enrolment code instead") with its
/// label; `on_cancel`, when given, is the cancel button shown throughout; `on_final`, when
/// given, is told a failure that trying again cannot mend (instead of the retry button).
#[component]
pub fn LivenessCheck(
    purpose: LivenessPurposeView,
    #[prop(into)] on_passed: Callback<()>,
    #[prop(optional)] alternative: Option<(Key, Callback<()>)>,
    #[prop(optional, into)] on_cancel: Option<Callback<()>>,
    #[prop(optional, into)] on_final: Option<Callback<Key>>,
) -> impl IntoView {
    crate::context::fill_screen();
    let lang = use_app().lang;
    let purpose = StoredValue::new(purpose);
    let status = RwSignal::new(None::<LivenessStatusView>);
    let error = RwSignal::new(None::<Key>);
    let submitting = RwSignal::new(false);
    let generation = StoredValue::new(0_u32);
    let stream = StoredValue::new_local(None::<MediaStream>);
    let video_ref = NodeRef::<html::Video>::new();
    let canvas_ref = NodeRef::<html::Canvas>::new();

    let release = move || {
        if let Some(s) = stream.get_value() {
            stop_camera(&s);
        }
        stream.set_value(None);
    };
    // Every failure passes here: a final one goes to the page when it takes it.
    let fail = move |key: Key| match on_final {
        Some(cb) if final_failure(key) => cb.run(key),
        _ => error.set(Some(key)),
    };
    let run = move || {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let live = move || generation.get_value() == mine;
        release();
        status.set(None);
        error.set(None);
        submitting.set(false);
        let purpose = purpose.get_value();
        spawn_local(async move {
            sleep_ms(START_TIMEOUT_MS).await;
            if live() && status.get_untracked().is_none() && error.get_untracked().is_none() {
                // The start never answered: this generation is over (a late answer is dropped).
                generation.update_value(|g| *g += 1);
                error.set(Some(Key::LivenessStartTimeout));
            }
        });
        spawn_local(async move {
            let first = match api::liveness_start(purpose).await {
                Ok(s) if live() => s,
                Ok(_) => return,
                Err(e) => {
                    if live() {
                        fail(error_key(&e));
                    }
                    return;
                }
            };
            let camera = !first.source.pulled_by_app();
            status.set(Some(first));
            if camera {
                // The <video> exists once the status is shown.
                sleep_ms(0).await;
                let Some(video) = video_ref.get_untracked() else { return };
                match open_camera(&video, true).await {
                    Some(s) => stream.set_value(Some(s)),
                    None => {
                        error.set(Some(Key::ErrorCameraUnavailable));
                        return;
                    }
                }
            }
            let started = js_sys::Date::now();
            loop {
                if !live() {
                    return;
                }
                match status.get_untracked().map(|s| s.phase) {
                    Some(LivenessPhaseView::Capturing) => {}
                    Some(LivenessPhaseView::Failed { reason }) => {
                        release();
                        error.set(Some(failure_key(reason)));
                        return;
                    }
                    _ => break,
                }
                let next = if camera {
                    let (Some(video), Some(canvas)) = (video_ref.get_untracked(), canvas_ref.get_untracked())
                    else {
                        return;
                    };
                    match grab(&video, &canvas, FRAME_WIDTH) {
                        Some(jpeg) => {
                            Some(api::liveness_frame(&jpeg, (js_sys::Date::now() - started) as u64).await)
                        }
                        None => None,
                    }
                } else {
                    Some(api::liveness_next_frame().await)
                };
                match next {
                    Some(Ok(s)) if live() => status.set(Some(s)),
                    Some(Err(e)) if live() => {
                        release();
                        fail(error_key(&e));
                        return;
                    }
                    _ => {}
                }
                sleep_ms(if camera { CAMERA_INTERVAL_MS } else { RECORDED_INTERVAL_MS }).await;
            }
            release();
            if !live() {
                return;
            }
            submitting.set(true);
            match api::liveness_submit().await {
                Ok(s) if live() => {
                    status.set(Some(s));
                    on_passed.run(());
                }
                Err(e) if live() => {
                    submitting.set(false);
                    fail(error_key(&e));
                }
                _ => {}
            }
        });
    };
    run();
    on_cleanup(move || {
        generation.update_value(|g| *g += 1);
        release();
        spawn_local(async {
            let _ = api::liveness_cancel().await;
        });
    });

    // What to say aloud now (when the user wants spoken guidance): the outcome, or what to do.
    let prompt = Signal::derive(move || {
        if let Some(key) = error.get() {
            return Some(key);
        }
        let s = status.get()?;
        Some(match s.phase {
            LivenessPhaseView::Passed => Key::LivenessPassedSpoken,
            _ if submitting.get() => Key::LivenessChecking,
            _ => guidance_key(s.guidance),
        })
    });
    speaker::follow(prompt);

    let picture = move || {
        let s = status.get()?;
        Some(match s.source {
            CameraSourceView::Camera => view! {
                <video id="liveness-video" node_ref=video_ref autoplay=true></video>
            }
            .into_any(),
            CameraSourceView::Files | CameraSourceView::Native => view! {
                <img id="liveness-preview" alt=""
                    src=s.preview.map(|p| p.data_url()).unwrap_or_default()/>
            }
            .into_any(),
        })
    };
    let guidance = move || {
        let l = lang.get();
        if submitting.get() {
            return view! {
                <p id="liveness-guidance" class="guidance working" role="status">
                    <span class="spinner" aria-hidden="true"></span>{t(l, Key::LivenessChecking)}
                </p>
            }
            .into_any();
        }
        match status.get() {
            Some(s) if error.get().is_none() => view! {
                <p id="liveness-guidance" class="guidance" role="status" aria-live="polite">
                    {t(l, guidance_key(s.guidance))}
                </p>
            }
            .into_any(),
            None if error.get().is_none() => view! {
                <p id="liveness-guidance" class="guidance working" role="status">
                    <span class="spinner" aria-hidden="true"></span>{t(l, Key::LivenessStarting)}
                </p>
            }
            .into_any(),
            _ => ().into_any(),
        }
    };
    let failure = move || {
        let l = lang.get();
        error.get().map(|key| {
            view! {
                <div id="liveness-failed" class="liveness-failed">
                    <p id="liveness-error" class="result bad" role="alert">{t(l, key)}</p>
                    // Trying again cannot help when the registry has no photo, the day's attempts
                    // are used up, it was done already or its time has passed.
                    {(!final_failure(key)).then(|| view! {
                        <button id="liveness-retry" type="button" class="primary" on:click=move |_| run()>
                            {t(l, Key::LivenessRetry)}
                        </button>
                    })}
                </div>
            }
        })
    };
    view! {
        <div id="liveness" class="liveness">
            // The picture once a check has started (before, or when it could not start, only
            // the words).
            {move || status.with(Option::is_some).then(|| view! {
                <div class="camera" aria-hidden="true">
                    {picture}
                    <div class="face-outline"></div>
                </div>
            })}
            <canvas node_ref=canvas_ref class="visually-hidden" aria-hidden="true"></canvas>
            {guidance}
            {move || status.get().map(|s| view! { {progress(lang.get(), &s)} {steps(lang.get(), &s)} })}
            {failure}
            // The way out and the other way in, during the check too: never only a spinner.
            {(alternative.is_some() || on_cancel.is_some()).then(|| view! {
                <div class="liveness-actions">
                    {alternative.map(|(label, cb)| view! {
                        <button id="liveness-alternative" type="button" class="secondary" on:click=move |_| cb.run(())>
                            {move || t(lang.get(), label)}
                        </button>
                    })}
                    {on_cancel.map(|cb| view! {
                        <button id="liveness-cancel" type="button" class="secondary" on:click=move |_| cb.run(())>
                            {move || t(lang.get(), Key::LivenessCancel)}
                        </button>
                    })}
                </div>
            })}
            <p class="muted small">{move || t(lang.get(), Key::LivenessPrivacy)}</p>
        </div>
    }
}
