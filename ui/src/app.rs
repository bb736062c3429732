//! The root component: language context and the current page.

use leptos::prelude::*;

use crate::i18n::Lang;
use crate::pages::home::Home;

/// The language the user chose, shared with every component.
#[derive(Debug, Clone, Copy)]
pub struct LangContext(pub RwSignal<Lang>);

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(Lang::default());
    provide_context(LangContext(lang));
    Effect::new(move |_| {
        if let Some(el) = document().document_element() {
            let _ = el.set_attribute("lang", lang.get().tag());
        }
    });
    view! { <Home/> }
}

/// The current language, for components.
pub fn use_lang() -> RwSignal<Lang> {
    use_context::<LangContext>().map(|c| c.0).unwrap_or_else(|| RwSignal::new(Lang::default()))
}
