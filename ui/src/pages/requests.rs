//! Identity requests: the company registrations that name this citizen (as legal
//! representative, shareholder or supervisor), each with where the citizen's answer stands
//! (待确认 / 已确认 / 已拒绝 / 已过期). A request opens on its consent page (`pages::consent`),
//! where the citizen confirms with the face check or declines.

use leptos::prelude::*;
use shimin_wire::liveness::{IdentityRequestView, RequestStateView};

use crate::api;
use crate::components::app_bar::AppBar;
use crate::components::pill::Pill;
use crate::components::status::error_key;
use crate::consent_text::{matter_text, respond_by_text, roles_text, state_key, state_tone};
use crate::context::use_app;
use crate::i18n::{Key, t};
use crate::pages::consent::Consent;
use crate::route::Route;

/// The identity requests screen.
#[component]
pub fn Requests() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let reload = RwSignal::new(0_u32);
    // The request open on its consent page, if one is.
    let open = RwSignal::new(None::<IdentityRequestView>);
    let requests = LocalResource::new(move || {
        reload.track();
        async move { api::identity_requests().await }
    });
    let row = move |r: IdentityRequestView| {
        let l = lang.get();
        let (case_id, button_case) = (r.case_id.to_string(), r.case_id.to_string());
        let pending = r.state == RequestStateView::Pending;
        let label = if pending { Key::RequestConfirm } else { Key::RequestsOpen };
        let opened = r.clone();
        view! {
            <li class="card request" data-case=case_id>
                <div class="request-top">
                    <h3 class="request-company">{r.company_name.clone()}</h3>
                    <Pill tone=state_tone(r.state) text=t(l, state_key(r.state)).to_owned()/>
                </div>
                <p class="muted">{r.department_name.clone()}</p>
                <p class="request-matter">{matter_text(l, &r)}</p>
                <p class="request-roles">{roles_text(l, &r.roles)}</p>
                {pending.then(|| view! { <p class="muted request-by">{respond_by_text(l, &r)}</p> })}
                <button type="button" class=if pending { "primary request-open" } else { "secondary request-open" }
                    data-case=button_case on:click=move |_| open.set(Some(opened.clone()))>
                    {t(l, label)}
                </button>
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
    move || match open.get() {
        Some(request) => view! {
            <Consent request=request on_close=move |()| {
                open.set(None);
                reload.update(|n| *n += 1);
            }/>
        }
        .into_any(),
        None => view! {
            <main id="requests-screen" class="screen">
                <AppBar title=Signal::derive(move || t(lang.get(), Key::RequestsTitle).to_owned())
                    back=Callback::new(move |()| app.route.set(Route::Wallet))/>
                <p class="muted intro">{move || t(lang.get(), Key::RequestsIntro)}</p>
                {list}
            </main>
        }
        .into_any(),
    }
}
