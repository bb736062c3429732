//! A list of attributes with translated labels; photos drawn as images.

use leptos::prelude::*;
use shimin_wire::wallet::{AttributeView, ValueView};

use crate::components::status::data_url;
use crate::context::use_lang;
use crate::i18n::{Key, Language, attribute_label, t};

fn value_text(lang: Language, name: &str, value: &ValueView) -> String {
    match value {
        ValueView::Text { text } if name == "sex" || name == "spouse_sex" => match text.as_str() {
            "1" => t(lang, Key::Male).to_owned(),
            "2" => t(lang, Key::Female).to_owned(),
            other => other.to_owned(),
        },
        ValueView::Text { text } => text.clone(),
        ValueView::Date { date } => date.clone(),
        ValueView::Bool { value } => t(lang, if *value { Key::Yes } else { Key::No }).to_owned(),
        ValueView::Integer { value } => value.to_string(),
        ValueView::Jpeg { .. } | ValueView::Bytes { .. } => String::new(),
    }
}

/// The attributes as a definition list.
#[component]
pub fn AttributeList(attributes: Vec<AttributeView>, #[prop(into)] id: String) -> impl IntoView {
    let lang = use_lang();
    let rows = attributes
        .into_iter()
        .map(|a| {
            let label = {
                let name = a.name.clone();
                move || attribute_label(lang.get(), &name)
            };
            let value = match &a.value {
                ValueView::Jpeg { bytes } => {
                    let src = data_url("image/jpeg", bytes);
                    let alt = move || t(lang.get(), Key::AttrPhoto);
                    view! { <img class="photo" src=src alt=alt/> }.into_any()
                }
                other => {
                    let (name, other) = (a.name.clone(), other.clone());
                    view! { <span>{move || value_text(lang.get(), &name, &other)}</span> }.into_any()
                }
            };
            view! {
                <div class="attr" data-name=a.name.clone()>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                </div>
            }
        })
        .collect_view();
    view! { <dl id=id class="attrs">{rows}</dl> }
}
