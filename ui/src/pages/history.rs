//! The presentation log as people read it: a heading per day (今天, 昨天, a date), and for each
//! showing its time, the certificate, to whom it went and which fields — the same shown again
//! within minutes counted on one line. Exported through the save dialog; only the file's name
//! comes back to the screen.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::wallet::{DayView, ExportView, HistoryDayView, HistoryEntryView, RecipientView};

use crate::api::{self, ApiError};
use crate::components::app_bar::AppBar;
use crate::components::status::{error_key, type_name};
use crate::context::use_app;
use crate::i18n::{Key, Language, attribute_label, t, tf};

/// "出示给扫码的核验方：姓名、照片": to whom, then what.
fn shown_text(lang: Language, e: &HistoryEntryView) -> String {
    let fields = e.disclosed.iter().map(|n| attribute_label(lang, n)).collect::<Vec<_>>();
    let fields = fields.join(if lang == Language::En { ", " } else { "、" });
    match &e.recipient {
        RecipientView::Scanned => tf(lang, Key::RecipientScanned, &[&fields]),
        RecipientView::Request { code } => tf(lang, Key::RecipientRequest, &[code, &fields]),
        RecipientView::Case { department } => tf(lang, Key::RecipientCase, &[department, &fields]),
    }
}

fn entry_view(e: HistoryEntryView) -> impl IntoView {
    let lang = use_app().lang;
    let slug = e.type_slug.clone().unwrap_or_default();
    let id = e.certificate_id.clone();
    let times = e.times;
    view! {
        <li class="history-entry" data-times=times.to_string()>
            <div class="cert-top">
                <strong>{e.time.clone()} " " {move || type_name(lang.get(), &slug, &id)}</strong>
                {(times > 1).then(|| view! {
                    <span class="muted history-times">{move || tf(lang.get(), Key::HistoryTimes, &[&times.to_string()])}</span>
                })}
            </div>
            <p class="history-line">{move || shown_text(lang.get(), &e)}</p>
        </li>
    }
}

fn day_view(d: HistoryDayView) -> impl IntoView {
    let lang = use_app().lang;
    let (date, day) = (d.date.clone(), d.day);
    let heading = move || match day {
        DayView::Today => t(lang.get(), Key::HistoryToday).to_owned(),
        DayView::Yesterday => t(lang.get(), Key::HistoryYesterday).to_owned(),
        DayView::Earlier => date.clone(),
    };
    view! {
        <section class="history-group" data-date=d.date.clone()>
            <h2 class="history-day">{heading}</h2>
            <ul class="history">{d.entries.into_iter().map(entry_view).collect_view()}</ul>
        </section>
    }
}

/// The history screen.
#[component]
pub fn History() -> impl IntoView {
    let lang = use_app().lang;
    let days = LocalResource::new(|| async { api::presentation_history().await });
    let exported = RwSignal::new(None::<Result<ExportView, ApiError>>);
    let export = move |_| {
        spawn_local(async move { exported.set(Some(api::export_history().await)) });
    };
    view! {
        <main id="history" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::HistoryTitle).to_owned())/>
            <section class="card">
                <button id="export-history" type="button" on:click=export>{move || t(lang.get(), Key::ExportButton)}</button>
                {move || exported.get().map(|r| match r {
                    Ok(ExportView::Saved { file_name, lines }) => view! {
                        <p id="export-result" class="result ok wrap" role="status">
                            {tf(lang.get(), Key::Exported, &[&lines.to_string(), &file_name])}
                        </p>
                    }.into_any(),
                    Ok(ExportView::Cancelled) => view! {
                        <p id="export-result" class="result" role="status">{t(lang.get(), Key::ExportCancelled)}</p>
                    }.into_any(),
                    Err(e) => view! { <p class="result bad" role="alert">{t(lang.get(), error_key(&e))}</p> }.into_any(),
                })}
            </section>
            {move || days.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="empty">{t(lang.get(), Key::HistoryEmpty)}</p> }.into_any(),
                Ok(list) => view! { <div id="history-list">{list.into_iter().map(day_view).collect_view()}</div> }.into_any(),
                Err(e) => view! { <p class="result bad" role="alert">{t(lang.get(), error_key(&e))}</p> }.into_any(),
            })}
        </main>
    }
}
