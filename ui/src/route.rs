//! The screens, as one enum: what the root component shows and what pages navigate to.

/// The screens. Detail and present belong to the wallet tab.
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
}

impl Route {
    /// Whether the screen shows the wallet's contents, so that it needs the wallet open.
    pub fn needs_wallet(&self) -> bool {
        matches!(
            self,
            Route::Wallet
                | Route::Detail(_)
                | Route::Show(_)
                | Route::History
                | Route::Enrol
                | Route::Requests
        )
    }
}
