//! The bar at the top of a screen, and its one back button: a chevron and the word 返回, as
//! large as any control, at the start of the bar. Every screen that leads back uses it, so back
//! looks and reads the same everywhere.

use leptos::prelude::*;

use crate::components::icon::{Icon, IconName};
use crate::context::use_app;
use crate::i18n::{Key, t};

/// A screen's title bar; with `back`, a back button before the title.
#[component]
pub fn AppBar(
    /// The screen's title.
    #[prop(into)]
    title: Signal<String>,
    /// Where back leads; no back button without it.
    #[prop(optional, into)]
    back: Option<Callback<()>>,
    /// The back button's element id, for the screens whose tests name it.
    #[prop(optional)]
    back_id: Option<&'static str>,
) -> impl IntoView {
    let lang = use_app().lang;
    let with_back = back.is_some();
    view! {
        <header class="app-bar" class:with-back=with_back>
            {back.map(|go| view! {
                <button id=back_id type="button" class="back" on:click=move |_| go.run(())>
                    <Icon name=IconName::Back/>
                    <span>{move || t(lang.get(), Key::Back)}</span>
                </button>
            })}
            <h1>{move || title.get()}</h1>
        </header>
    }
}
