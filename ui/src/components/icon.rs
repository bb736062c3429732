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
    /// A folder with a seal: the hall tab (办事).
    Hall,
    /// A star: a favourite (filled by the stylesheet when pressed).
    Star,
    /// A chevron to the right: a row that opens.
    Forward,
    /// A small figure: birth and adoption.
    Baby,
    /// A house: household registration, housing.
    House,
    /// A paper plane: travel abroad.
    Plane,
    /// A heart: marriage.
    Heart,
    /// A shield: social security, safety.
    Shield,
    /// A briefcase: jobs, business.
    Briefcase,
    /// A car: transport and driving.
    Car,
    /// An open book: education, qualifications.
    Book,
    /// A cross: health care.
    Medical,
    /// A setting sun: retirement and old age.
    Sunset,
    /// A candle: death and funerals.
    Candle,
    /// A building: legal persons, planning and building.
    Building,
    /// A page: any other theme.
    Document,
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
            IconName::Hall => {
                "M3 7V5a1 1 0 0 1 1-1h5l2 2h9a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1zM3 9h18M9 14l2 2l4-4"
            }
            IconName::Star => "M12 3l2.6 5.6l6.1.7l-4.5 4.2l1.2 6L12 16.5l-5.4 3l1.2-6L3.3 9.3l6.1-.7z",
            IconName::Forward => "M9 5l7 7l-7 7",
            IconName::Baby => {
                "M12 3a3 3 0 1 1 0 6a3 3 0 1 1 0-6zM7 21v-5a5 5 0 0 1 10 0v5M9 12L6 10M15 12l3-2"
            }
            IconName::House => "M3 11l9-7l9 7M5 10v10h14V10M10 20v-6h4v6",
            IconName::Plane => "M3 11l18-7l-7 18l-3-8zM11 14l10-10",
            IconName::Heart => "M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5a4 4 0 0 1 7 2.5c0 5.5-7 10-7 10z",
            IconName::Shield => "M12 3l8 3v6c0 5-3.5 8-8 9c-4.5-1-8-4-8-9V6zM9 12l2 2l4-4",
            IconName::Briefcase => "M4 8h16v11H4zM9 8V5h6v3M4 13h16",
            IconName::Car => "M4 16v-4l2-5h12l2 5v4zM4 12h16M6 16v3M18 16v3M8 14h1M15 14h1",
            IconName::Book => {
                "M4 5h6a2 2 0 0 1 2 2v13a2 2 0 0 0-2-2H4zM20 5h-6a2 2 0 0 0-2 2v13a2 2 0 0 1 2-2h6z"
            }
            IconName::Medical => "M9 4h6v5h5v6h-5v5H9v-5H4V9h5z",
            IconName::Sunset => "M3 18h18M7 18a5 5 0 0 1 10 0M12 6v3M5 10l2 2M19 10l-2 2",
            IconName::Candle => "M12 3c1.5 2 1.5 3.5 0 5c-1.5-1.5-1.5-3 0-5zM9 10h6v11H9z",
            IconName::Building => "M4 21V5l8-3v19M12 8h8v13M2 21h20M7 8h2M7 12h2M7 16h2M15 12h2M15 16h2",
            IconName::Document => "M6 3h9l4 4v14H6zM14 3v5h5M9 13h7M9 17h7",
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
