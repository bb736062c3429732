//! Inline SVG icons: drawn with `currentColor`, sized by the `--icon` token (24 px, 32 px in
//! 长辈版), hidden from screen readers (the control around them carries the name).

use leptos::prelude::*;

/// The icons the app draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconName {
    /// A card: the wallet tab.
    Wallet,
    /// A scan frame: the verify tab.
    Scan,
    /// A clock: the history tab.
    History,
    /// Sliders: the settings tab.
    Settings,
    /// A cross: clearing or closing.
    Close,
    /// A chevron to the left: back.
    Back,
}

impl IconName {
    /// The outline, one path on a 24 × 24 grid.
    fn path(self) -> &'static str {
        match self {
            IconName::Wallet => {
                "M4 6h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1zM3 10h18M7 15h5"
            }
            IconName::Scan => "M4 9V5h4M16 5h4v4M20 15v4h-4M8 19H4v-4M4 12h16",
            IconName::History => "M20 12a8 8 0 1 1-16 0a8 8 0 1 1 16 0zM12 8v4l3 2",
            IconName::Settings => {
                "M4 7h9M17 7h3M4 17h3M11 17h9M15 5a2 2 0 1 1 0 4a2 2 0 1 1 0-4zM9 15a2 2 0 1 1 0 4a2 2 0 1 1 0-4z"
            }
            IconName::Close => "M6 6l12 12M18 6L6 18",
            IconName::Back => "M15 5l-7 7l7 7",
        }
    }
}

/// One icon.
#[component]
pub fn Icon(name: IconName) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none"
            stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d=name.path()/>
        </svg>
    }
}
