//! The presentation log: what I showed, when, and with which preset; exportable.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::wallet::{ExportView, HistoryEntryView};

use crate::api::{self, ApiError};
use crate::components::status::{error_key, type_name};
use crate::context::use_app;
use crate::i18n::{Key, Language, attribute_label, t, tf};

fn preset_text(lang: Language, preset: &str) -> String {
    match preset {
        "identity" => t(lang, Key::PresetIdentityShort).to_owned(),
        "age_over_18" => t(lang, Key::PresetAgeShort).to_owned(),
        "full" => t(lang, Key::PresetFullShort).to_owned(),
        other => other.to_owned(),
    }
}

fn entry_view(e: HistoryEntryView) -> impl IntoView {
    let lang = use_app().lang;
    let slug = e.type_slug.clone().unwrap_or_default();
    let id = e.certificate_id.clone();
    view! {
        <li class="history-entry">
            <div class="cert-top">
                <strong>{move || type_name(lang.get(), &slug, &id)}</strong>
                <span class="muted">{e.presented_at.clone()}</span>
            </div>
            <div>{move || {
                let l = lang.get();
                let names = e.disclosed.iter().map(|n| attribute_label(l, n)).collect::<Vec<_>>().join("、");
                format!("{} · {}", preset_text(l, &e.preset), names)
            }}</div>
        </li>
    }
}

/// The history screen.
#[component]
pub fn History() -> impl IntoView {
    let lang = use_app().lang;
    let entries = LocalResource::new(|| async { api::presentation_history().await });
    let exported = RwSignal::new(None::<Result<ExportView, ApiError>>);
    let export = move |_| {
        spawn_local(async move { exported.set(Some(api::export_history().await)) });
    };
    view! {
        <main id="history" class="screen">
            <header class="app-bar">
                <h1>{move || t(lang.get(), Key::HistoryTitle)}</h1>
            </header>
            <section class="card">
                <button id="export-history" type="button" on:click=export>{move || t(lang.get(), Key::ExportButton)}</button>
                {move || exported.get().map(|r| match r {
                    Ok(x) => view! {
                        <p id="export-result" class="result ok wrap" role="status">
                            {tf(lang.get(), Key::Exported, &[&x.lines.to_string(), &x.path])}
                        </p>
                    }.into_any(),
                    Err(e) => view! { <p class="result bad" role="alert">{t(lang.get(), error_key(&e))}</p> }.into_any(),
                })}
            </section>
            {move || entries.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="empty">{t(lang.get(), Key::HistoryEmpty)}</p> }.into_any(),
                Ok(list) => view! { <ul id="history-list" class="history">{list.into_iter().map(entry_view).collect_view()}</ul> }.into_any(),
                Err(e) => view! { <p class="result bad" role="alert">{t(lang.get(), error_key(&e))}</p> }.into_any(),
            })}
        </main>
    }
}
