//! The sync status line at the top of the wallet: one sentence the core decided
//! ([`SyncLineView`]: "上次同步 08:21", "上次同步 08:21 · 离线可出示", "正在同步…"), what waits to
//! upload, and "sync now"; a problem only the user can resolve (the device refused, bad data,
//! storage) as a banner that says what to do. Nothing on it counts seconds: the text changes only
//! when the status does. It polls the app every two seconds while shown and bumps `changed`
//! whenever a round finished, so the wallet re-reads its cards.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::sync::SyncStatusView;

use crate::api;
use crate::components::status::error_key;
use crate::context::use_app;
use crate::i18n::{Key, t};
use crate::route::Route;
use crate::sync_text::{attention_texts, line_text};

/// The sync status line; `changed` is bumped after every finished round.
#[component]
pub fn SyncLine(changed: RwSignal<u64>) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let status = RwSignal::new(None::<SyncStatusView>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Key>);

    let apply = move |next: SyncStatusView| {
        let before = status.get_untracked();
        let finished = before.as_ref().is_some_and(|b| {
            b.last_sync_at != next.last_sync_at || (b.running.is_some() && next.running.is_none())
        });
        if finished {
            changed.update(|n| *n += 1);
        }
        // The same status again changes nothing on screen.
        if before.as_ref() != Some(&next) {
            status.set(Some(next));
        }
    };
    let poll = move || {
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
        let running = s.running.is_some() || busy.get();
        let line = line_text(l, &s, busy.get());
        let attention = s.attention.map(|problem| {
            let (title, action, settings) = attention_texts(problem);
            view! {
                <section id="sync-attention" class="card banner alert sync-attention" role="alert"
                    data-problem=format!("{problem:?}")>
                    <p class="sync-attention-title">{t(l, title)}</p>
                    <p>{t(l, action)}</p>
                    {settings.then(|| view! {
                        <button id="sync-attention-open" type="button" class="primary"
                            on:click=move |_| app.route.set(Route::Settings)>
                            {t(l, Key::SyncOpenSettings)}
                        </button>
                    })}
                </section>
            }
        });
        Some(
            view! {
                <section id="sync-line" class="sync-line" aria-live="polite">
                    <div class="sync-text">
                        <span id="sync-state">{line}</span>
                        {error.get().map(|k| view! { <span id="sync-error" class="sync-problem" role="alert">{t(l, k)}</span> })}
                    </div>
                    <button id="sync-now" type="button" class="small" disabled=running on:click=sync_now>
                        {if running { t(l, Key::Working) } else { t(l, Key::SyncNow) }}
                    </button>
                </section>
                {attention}
            }
            .into_any(),
        )
    }
}
