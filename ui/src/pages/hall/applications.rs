//! 我的办件 (issue 17): the citizen's applications with where each stands (待发送 while in the
//! outbox, 已提交, then the backend's phase), and one application's page: its case number, the
//! steps with who holds them and by when, the pre-review's findings, and — offline — the last
//! known copy, said so.

use leptos::prelude::*;
use shimin_wire::apply::ApplicationRowView;

use crate::api;
use crate::apply_text::{finding_text, state_pill};
use crate::components::app_bar::AppBar;
use crate::components::pill::Pill;
use crate::components::status::error_key;
use crate::context::use_app;
use crate::i18n::{Key, Language, t, tf};
use crate::route::{HallHome, Route};

fn row(l: Language, r: ApplicationRowView) -> impl IntoView {
    let app = use_app();
    let (key, tone) = state_pill(r.state);
    let id = r.id.clone();
    view! {
        <li>
            <button type="button" class="service-row application-row" data-id=r.id.clone()
                on:click=move |_| app.route.set(Route::Application(id.clone()))>
                <span class="service-text">
                    <span class="service-name">{r.service.clone()}</span>
                    <span class="service-department">{tf(l, Key::ApplicationCreated, &[&r.created])}</span>
                </span>
                <Pill tone=tone text=t(l, key).to_owned()/>
            </button>
        </li>
    }
}

/// 我的办件.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let rows = LocalResource::new(move || {
        let language = lang.get();
        async move { api::my_applications(language).await }
    });
    let body = move || {
        let l = lang.get();
        rows.get().map(|r| match r {
            Ok(rows) if rows.is_empty() => {
                view! { <p class="empty">{t(l, Key::MyApplicationsEmpty)}</p> }.into_any()
            }
            Ok(rows) => {
                let waiting =
                    rows.iter().any(|r| r.state == shimin_wire::apply::ApplicationStateView::Waiting);
                let note = waiting
                    .then(|| view! { <p class="hint" role="status">{t(l, Key::ApplicationStored)}</p> });
                let items = rows.into_iter().map(|r| row(l, r)).collect_view();
                view! { {note}<ul id="applications-list" class="service-rows">{items}</ul> }.into_any()
            }
            Err(e) => view! { <p class="result bad" role="alert">{t(l, error_key(&e))}</p> }.into_any(),
        })
    };
    view! {
        <main id="applications" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::MyApplications).to_owned())
                back=Callback::new(move |()| app.route.set(Route::Hall(HallHome::default()))) back_id="applications-back"/>
            {body}
        </main>
    }
}

/// One application.
#[component]
pub fn ApplicationPage(id: String) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let detail = LocalResource::new(move || {
        let (id, language) = (id.clone(), lang.get());
        async move { api::application(id, language).await }
    });
    let body = move || {
        let l = lang.get();
        detail.get().map(|r| match r {
            Ok(d) => {
                let (key, tone) = state_pill(d.row.state);
                let case_no = d.row.case_no.clone().map(|c| view! { <p id="application-case-no">{tf(l, Key::ApplicationCaseNo, &[&c])}</p> });
                let offline = d.offline.then(|| view! { <p class="banner warn" role="status">{t(l, Key::ApplicationOffline)}</p> });
                let findings = d
                    .findings
                    .iter()
                    .map(|f| view! { <li>{finding_text(l, f, |m| m.to_string(), |k| k.to_owned())}</li> })
                    .collect_view();
                let steps = if d.steps.is_empty() {
                    view! { <p class="hint">{t(l, Key::ApplicationNoTimeline)}</p> }.into_any()
                } else {
                    let items = d
                        .steps
                        .iter()
                        .map(|s| {
                            let name = match l {
                                Language::ZhHans => s.name.hans.clone(),
                                Language::ZhHant => s.name.hant.clone().unwrap_or_else(|| s.name.hans.clone()),
                                Language::En => s.name.en.clone().unwrap_or_else(|| s.name.hans.clone()),
                            };
                            let holder = s.holder.clone().map(|h| view! { <span class="hint">{tf(l, Key::ApplicationHolder, &[&h])}</span> });
                            let due = s.due.clone().map(|d| view! { <span class="hint">{tf(l, Key::ApplicationDue, &[&d])}</span> });
                            view! { <li><span>{name}</span>{holder}{due}</li> }
                        })
                        .collect_view();
                    view! { <ol class="timeline">{items}</ol> }.into_any()
                };
                view! {
                    {offline}
                    <section class="card" aria-labelledby="application-title">
                        <h2 id="application-title">{d.row.service.clone()}</h2>
                        <Pill tone=tone text=t(l, key).to_owned()/>
                        <p>{tf(l, Key::ApplicationCreated, &[&d.row.created])}</p>
                        {case_no}
                        <ul class="findings">{findings}</ul>
                    </section>
                    <section class="card" aria-labelledby="application-timeline-title">
                        <h2 id="application-timeline-title">{t(l, Key::ApplicationTimeline)}</h2>
                        {steps}
                    </section>
                }
                .into_any()
            }
            Err(e) => view! { <p class="result bad" role="alert">{t(l, error_key(&e))}</p> }.into_any(),
        })
    };
    view! {
        <main id="application" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::MyApplications).to_owned())
                back=Callback::new(move |()| app.route.set(Route::Applications)) back_id="application-back"/>
            {body}
        </main>
    }
}
