//! The hall's home: the search box (results replace the rest as the citizen types, 120 ms after
//! the last key; Enter opens the full list), the offline catalogue's line with 刷新, favourites and
//! recently viewed (while the wallet is open), the 个人办事 / 法人办事 switch with its life events,
//! and the departments.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::hall::{CatalogueStatusView, FacetView, HallHomeView, SearchServicesRequest};

use super::{ServiceRows, audience, theme_icon};
use crate::api::{self, ApiError};
use crate::components::app_bar::AppBar;
use crate::components::icon::{Icon, IconName};
use crate::components::status::error_key;
use crate::context::use_app;
use crate::hall_text::{catalogue_line, count};
use crate::i18n::{Key, t, tf};
use crate::route::{HallHome, Route, ServiceQuery};

/// How long after the last key the search runs.
const DEBOUNCE: Duration = Duration::from_millis(120);
/// How many results show under the box (the rest are one tap away).
const PREVIEW: u32 = 8;
/// How many results show under the box in 长辈版.
const PREVIEW_ELDER: u32 = 5;
/// How often the home is read again while the catalogue downloads.
const SYNC_POLL: Duration = Duration::from_secs(2);

/// The offline catalogue's line and its 刷新; `changed` is bumped once a refresh finished.
#[component]
fn CatalogueLine(status: CatalogueStatusView, changed: RwSignal<u64>) -> impl IntoView {
    let lang = use_app().lang;
    let status = RwSignal::new(status);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Key>);
    let refresh = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::refresh_catalogue().await {
                Ok(next) => {
                    status.set(next);
                    changed.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(error_key(&e))),
            }
            busy.set(false);
        });
    };
    move || {
        let l = lang.get();
        let s = status.get();
        let (text, offer) = catalogue_line(l, &s);
        let working = busy.get();
        view! {
            <section id="catalogue-line" class="sync-line" aria-live="polite"
                data-version=s.version.to_string() data-syncing=s.syncing.to_string()>
                <div class="sync-text">
                    <span id="catalogue-state">{if working { t(l, Key::CatalogueSyncing).to_owned() } else { text }}</span>
                    {error.get().map(|k| view! { <span id="catalogue-error" class="sync-problem" role="alert">{t(l, k)}</span> })}
                </div>
                {offer.then(|| view! {
                    <button id="catalogue-refresh" type="button" class="small" disabled=working on:click=refresh>
                        {if working { t(l, Key::Working) } else { t(l, Key::CatalogueRefresh) }}
                    </button>
                })}
            </section>
        }
    }
}

/// The life events of the chosen audience, each a tile with its icon and count.
fn theme_tiles(themes: Vec<FacetView>, here: HallHome) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    themes
        .into_iter()
        .map(|theme| {
            let icon = theme_icon(&theme.key);
            let here = here.clone();
            let (key, name) = (theme.key.clone(), theme.name.clone());
            view! {
                <li>
                    <button type="button" class="theme-tile" data-theme=theme.key.clone()
                        on:click=move |_| app.route.set(Route::HallList {
                            query: ServiceQuery {
                                theme: Some(key.clone()),
                                title: Some(name.clone()),
                                ..ServiceQuery::default()
                            },
                            back: Box::new(Route::Hall(here.clone())),
                        })>
                        <Icon name=icon/>
                        <span class="theme-name">{theme.name.clone()}</span>
                        <span class="theme-count">
                            {move || tf(lang.get(), Key::HallServiceCount, &[&count(theme.count)])}
                        </span>
                    </button>
                </li>
            }
        })
        .collect_view()
}

/// The departments, most services first, folded.
fn department_list(departments: Vec<FacetView>, here: HallHome) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let total = departments.len();
    let rows = departments
        .into_iter()
        .map(|d| {
            let here = here.clone();
            let (key, name) = (d.key.clone(), d.name.clone());
            view! {
                <li>
                    <button type="button" class="row-link department" data-department=d.key.clone()
                        on:click=move |_| app.route.set(Route::HallList {
                            query: ServiceQuery {
                                department: Some(key.clone()),
                                title: Some(name.clone()),
                                audience: Some(audience(here.legal)),
                                ..ServiceQuery::default()
                            },
                            back: Box::new(Route::Hall(here.clone())),
                        })>
                        <span>{d.name.clone()}</span>
                        <span class="muted">{move || tf(lang.get(), Key::HallServiceCount, &[&count(d.count)])}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <details id="hall-departments" class="card departments">
            <summary>{move || tf(lang.get(), Key::HallDepartments, &[&total.to_string()])}</summary>
            <ul class="department-list">{rows}</ul>
        </details>
    }
}

/// Above the switch while nothing is typed: the catalogue's line, then favourites and recently
/// viewed (while the wallet is open).
fn personal_view(home: &HallHomeView, here: HallHome, changed: RwSignal<u64>) -> impl IntoView {
    let app = use_app();
    let l = app.lang.get_untracked();
    let held = home.catalogue.services > 0;
    let wallet = app.wallet.get_untracked();
    let unlocked = wallet.as_ref().is_some_and(|w| w.unlocked);
    let exists = wallet.as_ref().is_some_and(|w| w.exists);
    let back = Route::Hall(here);
    let recent_max = if app.elder.get_untracked() { 3 } else { 5 };
    let personal = if unlocked {
        let favourites = (!home.favourites.is_empty()).then(|| {
            view! {
                <section class="hall-section" aria-labelledby="hall-favourites-title">
                    <h2 id="hall-favourites-title">{t(l, Key::HallFavourites)}</h2>
                    <ServiceRows rows=home.favourites.clone() id="hall-favourites" from=back.clone()/>
                </section>
            }
        });
        let recent = (!home.recent.is_empty()).then(|| {
            let rows: Vec<_> = home.recent.iter().take(recent_max).cloned().collect();
            view! {
                <section class="hall-section" aria-labelledby="hall-recent-title">
                    <h2 id="hall-recent-title">{t(l, Key::HallRecent)}</h2>
                    <ServiceRows rows=rows id="hall-recent" from=back.clone()/>
                </section>
            }
        });
        let hint = (held && home.favourites.is_empty()).then(
            || view! { <p id="hall-favourites-empty" class="hint">{t(l, Key::HallFavouritesEmpty)}</p> },
        );
        view! { {favourites} {recent} {hint} }.into_any()
    } else if exists && held {
        view! { <p id="hall-locked" class="hint">{t(l, Key::HallLockedHint)}</p> }.into_any()
    } else {
        ().into_any()
    };
    view! {
        <CatalogueLine status=home.catalogue.clone() changed=changed/>
        {personal}
    }
}

/// Below the switch: the audience's life events and the departments, or what to do while the
/// catalogue is empty.
fn browse_view(home: HallHomeView, here: HallHome) -> impl IntoView {
    let l = use_app().lang.get_untracked();
    let themes = if home.themes.is_empty() {
        let key = if home.catalogue.configured { Key::HallEmptyCatalogue } else { Key::HallEmptyNoBackend };
        view! { <p id="hall-empty" class="empty">{t(l, key)}</p> }.into_any()
    } else {
        view! {
            <section class="hall-section" aria-labelledby="hall-themes-title">
                <h2 id="hall-themes-title">{t(l, Key::HallThemes)}</h2>
                <ul id="hall-themes" class="theme-tiles">{theme_tiles(home.themes, here.clone())}</ul>
            </section>
        }
        .into_any()
    };
    let departments = (!home.departments.is_empty()).then(|| department_list(home.departments, here));
    view! {
        {themes}
        {departments}
    }
}

/// The hall's home, as `start` left it.
#[component]
pub fn HallHomePage(start: HallHome) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    // What the box shows, and what was searched for (the box's text once typing paused).
    let typed = RwSignal::new(start.q.clone());
    let query = RwSignal::new(start.q.trim().to_owned());
    let legal = RwSignal::new(start.legal);
    let changed = RwSignal::new(0_u64);
    let keystrokes = StoredValue::new(0_u64);
    let field = NodeRef::<leptos::html::Input>::new();
    let here = move || HallHome { q: typed.get_untracked(), legal: legal.get_untracked() };

    let home = LocalResource::new(move || {
        let (l, a) = (lang.get(), audience(legal.get()));
        changed.track();
        async move { api::hall_home(l, a).await }
    });
    // The home as last read: the screen is drawn again only when it changed (a poll that finds
    // the same keeps the keyboard's place).
    let home = Memo::new(move |_| home.get());
    // While the catalogue downloads, or before its first download (the app's round at start may
    // not have begun yet), read the home again until it is there.
    Effect::new(move |_| {
        let waiting = home.get().is_some_and(|r| {
            r.is_ok_and(|h| h.catalogue.syncing || (h.catalogue.configured && h.catalogue.services == 0))
        });
        if waiting {
            set_timeout(
                move || {
                    let _ = changed.try_update(|n| *n += 1);
                },
                SYNC_POLL,
            );
        }
    });
    let results = LocalResource::new(move || {
        let q = query.get();
        let language = lang.get();
        let limit = if app.elder.get() { PREVIEW_ELDER } else { PREVIEW };
        async move {
            if q.is_empty() {
                return None;
            }
            let request = SearchServicesRequest {
                q,
                theme: None,
                department: None,
                audience: None,
                online: None,
                limit,
                offset: 0,
                language,
            };
            Some(api::search_services(&request).await)
        }
    });

    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        typed.set(text.clone());
        let mine = keystrokes.get_value() + 1;
        keystrokes.set_value(mine);
        if text.trim().is_empty() {
            query.set(String::new());
            return;
        }
        set_timeout(
            move || {
                if keystrokes.try_get_value() == Some(mine) {
                    let _ = query.try_set(text.trim().to_owned());
                }
            },
            DEBOUNCE,
        );
    };
    let open_list = move || {
        let q = typed.get_untracked().trim().to_owned();
        if q.is_empty() {
            return;
        }
        app.route.set(Route::HallList {
            query: ServiceQuery { q, ..ServiceQuery::default() },
            back: Box::new(Route::Hall(here())),
        });
    };

    let searching = move || !typed.get().trim().is_empty();
    let result_view = move || {
        let l = lang.get();
        let q = query.get();
        results.get().flatten().map(|r: Result<_, ApiError>| match r {
            Ok(list) if list.total == 0 => view! {
                <p id="hall-no-results" class="empty" role="status">{tf(l, Key::HallNoResults, &[&q])}</p>
            }
            .into_any(),
            Ok(list) => {
                let shown = list.items.len() as u64;
                let more = (list.total > shown).then(|| {
                    view! {
                        <button id="hall-see-all" type="button" class="secondary" on:click=move |_| open_list()>
                            {tf(l, Key::HallSeeAll, &[&count(list.total)])}
                        </button>
                    }
                });
                view! {
                    <section class="hall-section" aria-labelledby="hall-results-count">
                        <h2 id="hall-results-count" class="results-count" aria-live="polite">
                            {tf(l, Key::HallResultsCount, &[&count(list.total)])}
                        </h2>
                        <ServiceRows rows=list.items id="hall-results" from=Route::Hall(here())/>
                        {more}
                    </section>
                }
                .into_any()
            }
            Err(e) => view! { <p class="result bad" role="alert">{t(l, error_key(&e))}</p> }.into_any(),
        })
    };
    let personal = move || {
        lang.track();
        home.get().map(|r| match r {
            Ok(h) => personal_view(&h, here(), changed).into_any(),
            Err(e) => {
                view! { <p class="result bad" role="alert">{t(lang.get(), error_key(&e))}</p> }.into_any()
            }
        })
    };
    let browse = move || {
        lang.track();
        home.get().and_then(|r| r.ok()).map(|h| browse_view(h, here()))
    };
    let switch = move |to_legal: bool, id: &'static str, key: Key| {
        view! {
            <button id=id type="button" aria-pressed=move || (legal.get() == to_legal).to_string()
                on:click=move |_| legal.set(to_legal)>
                {move || t(lang.get(), key)}
            </button>
        }
    };

    view! {
        <main id="hall" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::HallTitle).to_owned())/>
            <button id="hall-my-applications" type="button" class="service-row my-applications"
                on:click=move |_| app.route.set(Route::Applications)>
                <span class="service-name">{move || t(lang.get(), Key::MyApplications)}</span>
                <Icon name=IconName::Forward/>
            </button>
            <form class="search hall-search" role="search"
                on:submit=move |ev| { ev.prevent_default(); open_list(); }>
                <label for="hall-search" class="visually-hidden">{move || t(lang.get(), Key::HallSearchLabel)}</label>
                <input
                    id="hall-search"
                    node_ref=field
                    type="search"
                    autocomplete="off"
                    enterkeyhint="search"
                    placeholder=move || t(lang.get(), Key::HallSearchPlaceholder)
                    prop:value=move || typed.get()
                    on:input=on_input
                />
                {move || searching().then(|| view! {
                    <button id="hall-search-clear" type="button" class="icon-button"
                        aria-label=move || t(lang.get(), Key::SearchClear)
                        on:click=move |_| {
                            typed.set(String::new());
                            query.set(String::new());
                            keystrokes.update_value(|n| *n += 1);
                            if let Some(input) = field.get_untracked() {
                                let _ = input.focus();
                            }
                        }>
                        <Icon name=IconName::Close/>
                    </button>
                })}
            </form>
            <Show when=searching fallback=move || view! {
                {personal}
                <div class="equal-pair audience" role="group"
                    aria-label=move || t(lang.get(), Key::HallAudienceLabel)>
                    {switch(false, "hall-person", Key::HallPerson)}
                    {switch(true, "hall-legal", Key::HallLegal)}
                </div>
                {browse}
            }>
                {result_view}
            </Show>
        </main>
    }
}
