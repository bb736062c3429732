//! Identity requests: the company registrations that name this citizen (as legal
//! representative, shareholder or supervisor) and wait for them to confirm with the face check.

use leptos::prelude::*;
use shimin_wire::liveness::{IdentityRequestView, LivenessPurposeView, PartyRoleView};

use crate::api;
use crate::components::liveness::LivenessCheck;
use crate::components::status::error_key;
use crate::context::use_app;
use crate::i18n::{Key, Language, t};
use crate::route::Route;

fn role_key(role: PartyRoleView) -> Key {
    match role {
        PartyRoleView::LegalRepresentative => Key::RoleLegalRepresentative,
        PartyRoleView::Shareholder => Key::RoleShareholder,
        PartyRoleView::Supervisor => Key::RoleSupervisor,
    }
}

fn roles_text(l: Language, roles: &[PartyRoleView]) -> String {
    roles.iter().map(|r| t(l, role_key(*r))).collect::<Vec<_>>().join(" · ")
}

/// The identity requests screen.
#[component]
pub fn Requests() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let reload = RwSignal::new(0_u32);
    // The case being confirmed, and the one confirmed last (for the message).
    let confirming = RwSignal::new(None::<i64>);
    let confirmed = RwSignal::new(None::<i64>);
    let requests = LocalResource::new(move || {
        reload.track();
        async move { api::identity_requests().await }
    });
    let row = move |r: IdentityRequestView| {
        let l = lang.get();
        let case_id = r.case_id;
        let done = r.confirmed_at.is_some();
        let action = move || {
            let l = lang.get();
            if done {
                return view! { <p class="result ok">{t(l, Key::RequestConfirmed)}</p> }.into_any();
            }
            if confirming.get() == Some(case_id) {
                return view! {
                    <LivenessCheck
                        purpose=LivenessPurposeView::Case { case_id }
                        on_passed=move |()| {
                            confirming.set(None);
                            confirmed.set(Some(case_id));
                            reload.update(|n| *n += 1);
                        }
                    />
                }
                .into_any();
            }
            view! {
                <button type="button" class="primary request-confirm" data-case=case_id.to_string()
                    on:click=move |_| confirming.set(Some(case_id))>
                    {t(l, Key::RequestConfirm)}
                </button>
            }
            .into_any()
        };
        view! {
            <li class="card request" data-case=case_id.to_string()>
                <h3 class="request-company">{r.company_name.clone()}</h3>
                <p class="muted">{r.department_name.clone()}</p>
                <p class="request-roles">{roles_text(l, &r.roles)}</p>
                {(!done).then(|| view! { <p class="request-state">{t(l, Key::RequestPending)}</p> })}
                {action}
            </li>
        }
    };
    let list = move || {
        let l = lang.get();
        requests.get().map(|result| match result {
            Ok(items) if items.is_empty() => {
                view! { <p id="requests-empty" class="empty">{t(l, Key::RequestsEmpty)}</p> }.into_any()
            }
            Ok(items) => {
                view! { <ul id="requests" class="requests">{items.into_iter().map(row).collect_view()}</ul> }
                    .into_any()
            }
            Err(e) => view! { <p class="result bad" role="alert">{t(l, error_key(&e))}</p> }.into_any(),
        })
    };
    view! {
        <main id="requests-screen" class="screen">
            <header class="app-bar with-back">
                <button type="button" class="back" aria-label=move || t(lang.get(), Key::Back)
                    on:click=move |_| app.route.set(Route::Wallet)>"‹"</button>
                <h1>{move || t(lang.get(), Key::RequestsTitle)}</h1>
            </header>
            <p class="muted intro">{move || t(lang.get(), Key::RequestsIntro)}</p>
            {move || confirmed.get().map(|_| view! {
                <p id="request-done" class="result ok" role="status">{t(lang.get(), Key::RequestDone)}</p>
            })}
            {list}
        </main>
    }
}
