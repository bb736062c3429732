//! A list of services: the results of a search, or a theme's or a department's services. The
//! count, facet chips (全程网办, departments, themes — each a toggle), and a row per service that
//! opens its guide; more rows on request.

use leptos::prelude::*;
use shimin_wire::hall::{FacetView, SearchServicesRequest};
use wasm_bindgen::JsCast;

use super::ServiceRows;
use crate::api;
use crate::components::app_bar::AppBar;
use crate::components::status::error_key;
use crate::context::use_app;
use crate::hall_text::count;
use crate::i18n::{Key, t, tf};
use crate::route::{Route, ServiceQuery};

/// Rows per page.
const PAGE: u32 = 30;
/// Rows per page in 长辈版.
const PAGE_ELDER: u32 = 15;
/// Chips per facet.
const CHIPS: usize = 5;

/// A facet's chips: pressing one filters by it, pressing it again lets go.
fn chips(
    facets: Vec<FacetView>,
    chosen: RwSignal<Option<String>>,
    refocus: StoredValue<Option<String>>,
    label: Key,
    kind: &'static str,
) -> impl IntoView {
    let lang = use_app().lang;
    let buttons = facets
        .into_iter()
        .take(CHIPS)
        .map(|f| {
            let key = f.key.clone();
            let pressed = {
                let key = key.clone();
                move || chosen.get().as_deref() == Some(key.as_str())
            };
            let pressed_attr = pressed.clone();
            view! {
                <button type="button" class="facet" data-facet=kind data-key=f.key.clone()
                    aria-pressed=move || pressed_attr().to_string()
                    on:click=move |_| {
                        let next = if pressed() { None } else { Some(key.clone()) };
                        refocus.set_value(Some(format!("[data-facet='{kind}'][data-key='{key}']")));
                        chosen.set(next);
                    }>
                    {format!("{} {}", f.name, count(f.count))}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="facet-group" role="group" aria-label=move || t(lang.get(), label)>
            {buttons}
        </div>
    }
}

/// The list of `query`; back leads to `back`.
#[component]
pub fn HallListPage(query: ServiceQuery, back: Route) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let theme = RwSignal::new(query.theme.clone());
    let department = RwSignal::new(query.department.clone());
    let online = RwSignal::new(query.online);
    let page = if app.elder.get_untracked() { PAGE_ELDER } else { PAGE };
    let limit = RwSignal::new(page);
    // A new filter starts from the first page again.
    Effect::new(move |_| {
        theme.track();
        department.track();
        online.track();
        limit.set(page);
    });
    let fixed_theme = query.theme.is_some();
    let fixed_department = query.department.is_some();
    let (q, title, audience) = (query.q.clone(), query.title.clone(), query.audience);
    let list = LocalResource::new(move || {
        let request = SearchServicesRequest {
            q: q.clone(),
            theme: theme.get(),
            department: department.get(),
            audience,
            online: online.get().then_some(true),
            limit: limit.get(),
            offset: 0,
            language: lang.get(),
        };
        async move { api::search_services(&request).await }
    });
    let back_button = back.clone();
    // The chip just pressed is drawn anew with the list: once it is, it takes the focus back, so
    // the keyboard's place does not fall to the page.
    let refocus = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        if list.get().is_none() {
            return;
        }
        let Some(css) = refocus.try_update_value(Option::take).flatten() else { return };
        request_animation_frame(move || {
            if let Some(el) = document().query_selector(&css).ok().flatten()
                && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = el.focus();
            }
        });
    });
    // Where a row leads back to: this list, with the filters as they are now.
    let here = {
        let query = query.clone();
        move || Route::HallList {
            query: ServiceQuery {
                theme: theme.get_untracked(),
                department: department.get_untracked(),
                online: online.get_untracked(),
                ..query.clone()
            },
            back: Box::new(back.clone()),
        }
    };
    let title = {
        let q = query.q.clone();
        move || {
            let l = lang.get();
            match (&title, q.is_empty()) {
                (Some(name), _) => name.clone(),
                (None, false) => tf(l, Key::HallSearchFor, &[&q]),
                (None, true) => t(l, Key::HallAllServices).to_owned(),
            }
        }
    };
    let q = query.q.clone();
    let body = move || {
        let l = lang.get();
        list.get().map(|r| match r {
            Ok(view) => {
                let facets = view! {
                    <div id="hall-facets" class="facets" role="group" aria-label=t(l, Key::HallFilters)>
                        {(view.online > 0 || online.get_untracked()).then(|| view! {
                            <button id="facet-online" type="button" class="facet"
                                aria-pressed=move || online.get().to_string()
                                on:click=move |_| {
                                    refocus.set_value(Some("#facet-online".to_owned()));
                                    online.update(|o| *o = !*o);
                                }>
                                {format!("{} {}", t(l, Key::FlagOnline), count(view.online))}
                            </button>
                        })}
                        {(!fixed_department && view.departments.len() > 1 || department.get_untracked().is_some() && !fixed_department)
                            .then(|| chips(view.departments.clone(), department, refocus, Key::HallFilterDepartment, "department"))}
                        {(!fixed_theme && view.themes.len() > 1 || theme.get_untracked().is_some() && !fixed_theme)
                            .then(|| chips(view.themes.clone(), theme, refocus, Key::HallFilterTheme, "theme"))}
                    </div>
                };
                let rows = if view.items.is_empty() {
                    let text = if q.is_empty() { t(l, Key::HallListEmpty).to_owned() } else { tf(l, Key::HallNoResults, &[&q]) };
                    view! { <p id="hall-no-results" class="empty" role="status">{text}</p> }.into_any()
                } else {
                    view! { <ServiceRows rows=view.items.clone() id="hall-results" from=here()/> }.into_any()
                };
                let more = (view.total > view.items.len() as u64).then(|| view! {
                    <button id="hall-more" type="button" class="secondary more"
                        on:click=move |_| limit.update(|n| *n += page)>
                        {t(l, Key::HallMore)}
                    </button>
                });
                view! {
                    <p id="hall-count" class="results-count" aria-live="polite">
                        {tf(l, Key::HallResultsCount, &[&count(view.total)])}
                    </p>
                    {facets}
                    {rows}
                    {more}
                }
                .into_any()
            }
            Err(e) => view! { <p class="result bad" role="alert">{t(l, error_key(&e))}</p> }.into_any(),
        })
    };
    view! {
        <main id="hall-list" class="screen">
            <AppBar title=Signal::derive(title)
                back=Callback::new(move |()| app.route.set(back_button.clone())) back_id="hall-list-back"/>
            {body}
        </main>
    }
}
