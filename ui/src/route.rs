//! The screens, as one enum: what the root component shows and what pages navigate to.

use shimin_wire::hall::AudienceView;

/// What the hall's home was showing: what was typed and for whom, so that back from a guide or
/// a list finds it as it was left.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HallHome {
    /// The search box's text.
    pub q: String,
    /// 法人办事 rather than 个人办事.
    pub legal: bool,
}

/// A list of services: a search, or a theme's or a department's services, with the filters the
/// citizen chose on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceQuery {
    /// What was typed (empty: browse).
    pub q: String,
    /// Only this theme (its key, `person:095`).
    pub theme: Option<String>,
    /// Only this department (its key).
    pub department: Option<String>,
    /// Only services done wholly online.
    pub online: bool,
    /// Only services for this audience (a department browsed from 个人办事 or 法人办事).
    pub audience: Option<AudienceView>,
    /// The list's title when it browses a theme or a department (its name, as the home showed it).
    pub title: Option<String>,
}

/// The screens. Detail and present belong to the wallet tab; the list and the guide to the hall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The certificates.
    Wallet,
    /// One certificate, by identifier.
    Detail(String),
    /// Showing one certificate full screen (亮证), by identifier.
    Show(String),
    /// Verifying someone else's code.
    Verify,
    /// The presentation log.
    History,
    /// Language, 长辈版, security, devices, and the way to About.
    Settings,
    /// Versions, licences and the ID-number check, under Settings.
    About,
    /// Registering this device with the backend.
    Enrol,
    /// The registrations asking this citizen to confirm their identity.
    Requests,
    /// The service hall's home (办事): search, themes, departments, favourites.
    Hall(HallHome),
    /// A list of services; back leads to `back`.
    HallList {
        /// What is listed.
        query: ServiceQuery,
        /// Where back leads.
        back: Box<Route>,
    },
    /// A service's guide (办事指南), by code; back leads to `back`.
    Guide {
        /// The service's code.
        code: String,
        /// Where back leads.
        back: Box<Route>,
    },
    /// Applying online for a service (在线办理), by code; back leads to `back`.
    Apply {
        /// The service's code.
        code: String,
        /// Where back leads.
        back: Box<Route>,
    },
    /// 我的办件: the citizen's applications.
    Applications,
    /// One application, by id.
    Application(String),
}

impl Route {
    /// Whether the screen shows the wallet's contents, so that it needs the wallet open. The
    /// hall's screens do not: the catalogue is public and offline.
    pub fn needs_wallet(&self) -> bool {
        matches!(
            self,
            Route::Wallet
                | Route::Detail(_)
                | Route::Show(_)
                | Route::History
                | Route::Enrol
                | Route::Requests
                | Route::Apply { .. }
                | Route::Applications
                | Route::Application(_)
        )
    }
}
