//! The service hall (办事, issue 16): the home (`home.rs`: search as you type, 个人/法人, life
//! events, departments, favourites and recently viewed, the offline catalogue's line), a list of
//! services (`list.rs`: search results or a theme's or department's services, with facets) and a
//! service's guide (`guide.rs`). None needs the wallet open: the catalogue is public and held
//! offline. Their words are host-tested in `hall_text.rs`.

pub mod applications;
pub mod apply;
pub mod guide;
pub mod home;
pub mod list;

use leptos::prelude::*;
use shimin_wire::hall::{AudienceView, ServiceRowView};

use crate::components::icon::{Icon, IconName};
use crate::context::use_app;
use crate::hall_text::row_flags;
use crate::route::Route;

/// The audience of the 个人/法人 switch.
pub fn audience(legal: bool) -> AudienceView {
    if legal { AudienceView::Legal } else { AudienceView::Person }
}

/// The icon of a theme, by its key (`person:095`): one per life event the citizen meets most,
/// a page for the rest.
pub fn theme_icon(key: &str) -> IconName {
    match key {
        "person:005" => IconName::Baby,
        "person:010" | "person:075" => IconName::House,
        "person:105" | "person:100" => IconName::Plane,
        "person:060" => IconName::Heart,
        "person:085" | "person:115" | "legal:035" | "legal:145" | "legal:150" => IconName::Shield,
        "person:030" | "person:035" | "person:040" | "legal:010" | "legal:030" => IconName::Briefcase,
        "person:095" | "legal:090" => IconName::Car,
        "person:020" | "person:050" | "legal:120" => IconName::Book,
        "person:145" | "legal:110" => IconName::Medical,
        "person:150" | "person:065" => IconName::Sunset,
        "person:155" => IconName::Candle,
        "person:090" => IconName::Wallet,
        "person:070" | "legal:005" | "legal:085" | "legal:165" => IconName::Building,
        _ => IconName::Document,
    }
}

/// Rows of services, each a button that opens its guide (back leads to `from`); the list's
/// element id is `id`.
#[component]
pub fn ServiceRows(rows: Vec<ServiceRowView>, id: &'static str, from: Route) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let items = rows
        .into_iter()
        .map(|row| {
            let code = row.code.clone();
            let from = from.clone();
            let (name, department) = (row.name.clone(), row.department.clone());
            let flags = move || {
                row_flags(lang.get(), &row)
                    .into_iter()
                    .map(|f| view! { <span class="tag">{f}</span> })
                    .collect_view()
            };
            view! {
                <li>
                    <button type="button" class="service-row" data-code=code.clone()
                        on:click=move |_| app.route.set(Route::Guide {
                            code: code.clone(),
                            back: Box::new(from.clone()),
                        })>
                        <span class="service-text">
                            <span class="service-name">{name}</span>
                            <span class="service-department">{department}</span>
                            <span class="tags">{flags}</span>
                        </span>
                        <Icon name=IconName::Forward/>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! { <ul id=id class="services">{items}</ul> }
}
