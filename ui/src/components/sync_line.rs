//! The sync status line at the top of the wallet: last sync, what waits to upload, offline or
//! failing with the next retry, the step of a running round, and "sync now". It polls the app
//! every two seconds while shown and bumps `changed` whenever a round finished, so the wallet
//! re-reads its cards.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::sync::{SyncProblemView, SyncStatusView, SyncStepView};

use crate::api;
use crate::components::status::error_key;
use crate::context::use_app;
use crate::i18n::{Key, Language, age_text, t, tf};
use crate::route::Route;

/// Unix seconds now, from the webview's clock.
pub fn unix_now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn running_text(lang: Language, step: SyncStepView) -> String {
    match step {
        SyncStepView::SigningIn => t(lang, Key::SyncRunningSignIn).to_owned(),
        SyncStepView::Pulling { page } => tf(lang, Key::SyncRunningPull, &[&page.to_string()]),
        SyncStepView::StatusLists => t(lang, Key::SyncRunningStatus).to_owned(),
        SyncStepView::Pushing => t(lang, Key::SyncRunningPush).to_owned(),
    }
}

fn problem_key(problem: SyncProblemView) -> Key {
    match problem {
        SyncProblemView::Offline => Key::SyncOffline,
        SyncProblemView::ServerUnavailable => Key::SyncServerDown,
        SyncProblemView::DeviceRefused => Key::SyncDeviceRefused,
        SyncProblemView::BadData => Key::SyncBadData,
        SyncProblemView::Storage => Key::SyncStorageProblem,
    }
}

/// The line's sentences: what happened last, and what is wrong (if anything).
fn lines(lang: Language, s: &SyncStatusView, now: i64) -> (String, Option<String>) {
    let mut first = match (s.running, s.last_sync_at) {
        (Some(step), _) => running_text(lang, step),
        (None, None) => t(lang, Key::SyncNever).to_owned(),
        (None, Some(at)) if now - at < 60 => t(lang, Key::SyncLastJustNow).to_owned(),
        (None, Some(at)) => tf(lang, Key::SyncLast, &[&age_text(lang, (now - at).max(0) as u64)]),
    };
    if s.pending_outbox > 0 {
        first.push_str(" · ");
        first.push_str(&tf(lang, Key::SyncPending, &[&s.pending_outbox.to_string()]));
    }
    let problem = s.problem.filter(|_| s.running.is_none()).map(|p| {
        let mut text = t(lang, problem_key(p)).to_owned();
        if let Some(at) = s.next_attempt_at {
            text.push_str(" · ");
            text.push_str(&tf(lang, Key::SyncRetryIn, &[&age_text(lang, (at - now).max(0) as u64)]));
        }
        text
    });
    (first, problem)
}

/// The sync status line; `changed` is bumped after every finished round.
#[component]
pub fn SyncLine(changed: RwSignal<u64>) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let status = RwSignal::new(None::<SyncStatusView>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Key>);
    let now = RwSignal::new(unix_now());

    let apply = move |next: SyncStatusView| {
        let before = status.get_untracked();
        let finished = before.as_ref().is_some_and(|b| {
            b.last_sync_at != next.last_sync_at || (b.running.is_some() && next.running.is_none())
        });
        if finished {
            changed.update(|n| *n += 1);
        }
        status.set(Some(next));
    };
    let poll = move || {
        now.set(unix_now());
        spawn_local(async move {
            if let Ok(next) = api::sync_status().await {
                apply(next);
            }
        });
    };
    poll();
    if let Ok(handle) = set_interval_with_handle(poll, std::time::Duration::from_secs(2)) {
        on_cleanup(move || handle.clear());
    }
    let sync_now = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::sync_now().await {
                Ok(next) => {
                    apply(next);
                    // Asked for by the user: what depends on the backend is read again even when
                    // the round finished within the second of the last one.
                    changed.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(error_key(&e))),
            }
            busy.set(false);
        });
    };

    move || {
        let l = lang.get();
        let s = status.get()?;
        if !s.backend_configured {
            return None;
        }
        if !s.enrolled {
            return Some(
                view! {
                    <section id="enrol-banner" class="card banner" role="status">
                        <p>{t(l, Key::EnrolBanner)}</p>
                        <button id="enrol-open" type="button" on:click=move |_| app.route.set(Route::Enrol)>
                            {t(l, Key::EnrolTitle)}
                        </button>
                    </section>
                }
                .into_any(),
            );
        }
        let (first, problem) = lines(l, &s, now.get());
        let running = s.running.is_some() || busy.get();
        Some(
            view! {
                <section id="sync-line" class="sync-line" aria-live="polite">
                    <div class="sync-text">
                        <span id="sync-state">{first}</span>
                        {problem.map(|p| view! { <span id="sync-problem" class="sync-problem">{p}</span> })}
                        {error.get().map(|k| view! { <span id="sync-error" class="sync-problem" role="alert">{t(l, k)}</span> })}
                    </div>
                    <button id="sync-now" type="button" class="small" disabled=running on:click=sync_now>
                        {if running { t(l, Key::Working) } else { t(l, Key::SyncNow) }}
                    </button>
                </section>
            }
            .into_any(),
        )
    }
}
