//! The wallet: the sync line, the backend's reminders, and a card per certificate in the core's
//! order — the ones that can be shown first, soonest expiry first, an expiring one with its
//! renewal; those that no longer can (expired, withdrawn, replaced) greyed in a closed group
//! "已失效（N）" with the reason — and a search box.

use leptos::prelude::*;
use shimin_wire::liveness::RequestStateView;
use shimin_wire::wallet::{CertificateCardView, StatusBadge};

use crate::api;
use crate::components::app_bar::AppBar;
use crate::components::icon::{Icon, IconName};
use crate::components::status::{Badge, error_key, type_name};
use crate::components::sync_line::SyncLine;
use crate::context::use_app;
use crate::i18n::{Key, Language, t, tf};
use crate::route::Route;

/// Why an inactive card can no longer be shown, with its date where one is known.
fn inactive_reason(lang: Language, c: &CertificateCardView) -> String {
    match c.badge {
        StatusBadge::Replaced => tf(lang, Key::InactiveReplaced, &[c.replaced_on.as_deref().unwrap_or("")]),
        StatusBadge::Expired => tf(lang, Key::InactiveExpired, &[c.valid_until.as_deref().unwrap_or("")]),
        StatusBadge::Cancelled => t(lang, Key::InactiveCancelled).to_owned(),
        StatusBadge::Revoked => t(lang, Key::InactiveRevoked).to_owned(),
        StatusBadge::Suspended => t(lang, Key::InactiveSuspended).to_owned(),
        StatusBadge::Invalid
        | StatusBadge::Valid
        | StatusBadge::ExpiringSoon
        | StatusBadge::UnverifiedOffline => t(lang, Key::InactiveInvalid).to_owned(),
    }
}

fn card_view(c: CertificateCardView) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let id = c.id.clone();
    let (slug, printed) = (c.type_slug.clone(), c.type_name.clone());
    let inactive = c.inactive;
    let class =
        if inactive { format!("cert-card inactive type-{slug}") } else { format!("cert-card type-{slug}") };
    let line = {
        let c = c.clone();
        move || {
            let l = lang.get();
            if c.inactive {
                return inactive_reason(l, &c);
            }
            match (&c.valid_until, c.days_left) {
                (Some(until), Some(days)) if (0..=30).contains(&days) => format!(
                    "{} · {}",
                    tf(l, Key::ValidUntil, &[until]),
                    tf(l, Key::DaysLeft, &[&days.to_string()])
                ),
                (Some(until), _) => tf(l, Key::ValidUntil, &[until]),
                (None, _) => t(l, Key::LongTerm).to_owned(),
            }
        }
    };
    // An expiring card carries its renewal: the detail says what to do.
    let renew = (c.badge == StatusBadge::ExpiringSoon).then(|| {
        let id = id.clone();
        view! {
            <button id=format!("renew-{}", c.id) type="button" class="renew"
                on:click=move |_| app.route.set(Route::Detail(id.clone()))>
                <span>{move || t(lang.get(), Key::Renew)}</span>
                <span aria-hidden="true">"›"</span>
            </button>
        }
    });
    let item_class = if renew.is_some() { "card-item renewable" } else { "card-item" };
    view! {
        <li class=item_class>
            <button
                type="button"
                class=class
                data-id=id.clone()
                data-inactive=inactive.to_string()
                on:click=move |_| app.route.set(Route::Detail(id.clone()))
            >
                <span class="cert-top">
                    <span class="cert-type">{move || type_name(lang.get(), &slug, &printed)}</span>
                    <Badge badge=c.badge/>
                </span>
                <span class="cert-holder">{c.holder_name.clone().unwrap_or_default()}</span>
                <span class="cert-validity">{line}</span>
            </button>
            {renew}
        </li>
    }
}

/// In 长辈版 the search box shows from this many cards on.
const ELDER_SEARCH_FROM: usize = 7;

/// The wallet screen.
#[component]
pub fn Wallet() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let query = RwSignal::new(String::new());
    let search_field = NodeRef::<leptos::html::Input>::new();
    // Bumped by the sync line when a round finished: the cards and reminders are read again.
    let changed = RwSignal::new(0_u64);
    let cards = LocalResource::new(move || {
        let q = query.get();
        changed.track();
        async move { api::list_certificates(q).await }
    });
    let reminders = LocalResource::new(move || {
        changed.track();
        async move { api::reminders().await.unwrap_or_default() }
    });
    // Registrations waiting for this citizen's face check (none when offline or not enrolled).
    let requests = LocalResource::new(move || {
        changed.track();
        async move {
            api::identity_requests()
                .await
                .map(|r| r.iter().filter(|r| r.state == RequestStateView::Pending).count())
                .unwrap_or(0)
        }
    });
    let requests_banner = move || {
        let l = lang.get();
        let waiting = requests.get().unwrap_or(0);
        (waiting > 0).then(|| {
            view! {
                <section id="requests-banner" class="card banner" role="status">
                    <p>{tf(l, Key::RequestsBanner, &[&waiting.to_string()])}</p>
                    <button id="requests-open" type="button" class="primary"
                        on:click=move |_| app.route.set(Route::Requests)>
                        {t(l, Key::RequestsOpen)}
                    </button>
                </section>
            }
        })
    };
    // A new device registered for the citizen: shown until the user says it was them or goes
    // to remove it (finding 3 of issue 15).
    let notices = LocalResource::new(move || {
        changed.track();
        async move { api::device_notices().await.unwrap_or_default() }
    });
    let notice_banner = move || {
        let l = lang.get();
        let items = notices.get().unwrap_or_default();
        let newest = items.first().cloned()?;
        let up_to = newest.id;
        let acknowledge = move |_| {
            leptos::task::spawn_local(async move {
                if api::acknowledge_notices(up_to).await.is_ok() {
                    changed.update(|n| *n += 1);
                }
            });
        };
        Some(view! {
            <section id="new-device-banner" class="card banner alert" role="alert">
                <p>{tf(l, Key::NewDeviceBanner, &[&newest.label, &newest.day])}</p>
                <button id="new-device-open" type="button" class="primary"
                    on:click=move |_| app.route.set(Route::Settings)>
                    {t(l, Key::NewDeviceOpen)}
                </button>
                <button id="new-device-ack" type="button" class="secondary" on:click=acknowledge>
                    {t(l, Key::NewDeviceAcknowledge)}
                </button>
            </section>
        })
    };
    let reminder_list = move || {
        let l = lang.get();
        let items = reminders.get().unwrap_or_default();
        (!items.is_empty()).then(|| {
            let rows = items
                .into_iter()
                .map(|r| {
                    let name = type_name(l, &r.type_slug, &r.type_slug);
                    view! { <li>{tf(l, Key::ReminderExpires, &[&name, &r.days_left.to_string()])}</li> }
                })
                .collect_view();
            view! {
                <section id="reminders" class="card reminders" aria-labelledby="reminders-title">
                    <h2 id="reminders-title">{t(l, Key::RemindersTitle)}</h2>
                    <ul>{rows}</ul>
                </section>
            }
        })
    };
    let list = move || {
        let l = lang.get();
        cards.get().map(|result| match result {
            Ok(cards) if cards.is_empty() => {
                let key = if query.get_untracked().trim().is_empty() {
                    Key::NoCertificates
                } else {
                    Key::NoMatches
                };
                view! { <p id="wallet-empty" class="empty">{t(l, key)}</p> }.into_any()
            }
            Ok(cards) => {
                // The core put the valid ones first; the inactive ones go in a closed group.
                let (active, inactive): (Vec<_>, Vec<_>) = cards.into_iter().partition(|c| !c.inactive);
                let count = inactive.len();
                let group = (count > 0).then(|| {
                    view! {
                        <details id="inactive-cards" class="inactive-cards">
                            <summary>{tf(l, Key::InactiveCards, &[&count.to_string()])}</summary>
                            <ul class="cards">{inactive.into_iter().map(card_view).collect_view()}</ul>
                        </details>
                    }
                });
                view! {
                    <ul id="cards" class="cards">{active.into_iter().map(card_view).collect_view()}</ul>
                    {group}
                }
                .into_any()
            }
            Err(e) => view! { <p class="result bad" role="alert">{t(l, error_key(&e))}</p> }.into_any(),
        })
    };
    // 长辈版 shows fewer items: no search box while every card fits on a screen or two (ADR 0004).
    let searchable = move || {
        !app.elder.get()
            || !query.get().is_empty()
            || cards.get().is_none_or(|r| r.as_ref().map_or(true, |c| c.len() >= ELDER_SEARCH_FROM))
    };
    view! {
        <main id="wallet" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::WalletTitle).to_owned())/>
            <SyncLine changed=changed/>
            {notice_banner}
            {requests_banner}
            {reminder_list}
            <Show when=searchable>
            <div class="search">
                <label for="search" class="visually-hidden">{move || t(lang.get(), Key::SearchLabel)}</label>
                <input
                    id="search"
                    node_ref=search_field
                    type="search"
                    autocomplete="off"
                    placeholder=move || t(lang.get(), Key::SearchPlaceholder)
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                {move || (!query.get().is_empty()).then(|| view! {
                    <button id="search-clear" type="button" class="icon-button"
                        aria-label=move || t(lang.get(), Key::SearchClear)
                        on:click=move |_| {
                            query.set(String::new());
                            // The button goes away: the focus goes back to the field.
                            if let Some(field) = search_field.get_untracked() {
                                let _ = field.focus();
                            }
                        }>
                        <Icon name=IconName::Close/>
                    </button>
                })}
            </div>
            </Show>
            {list}
        </main>
    }
}
