//! Small shared views: the status badge, a translated command error, and data URLs for images.

use leptos::prelude::*;
use shimin_wire::ipc::CommandError;
use shimin_wire::wallet::StatusBadge;

use crate::api::ApiError;
use crate::components::pill::{Pill, Tone};
use crate::context::use_lang;
use crate::i18n::{Key, Language, t, type_key};

/// The words and the pill's tone of a certificate's status.
pub fn badge_parts(badge: StatusBadge) -> (Key, Tone) {
    match badge {
        StatusBadge::Valid => (Key::BadgeValid, Tone::Ok),
        StatusBadge::ExpiringSoon => (Key::BadgeExpiringSoon, Tone::Warn),
        StatusBadge::Expired => (Key::BadgeExpired, Tone::Neutral),
        StatusBadge::Revoked => (Key::BadgeRevoked, Tone::Bad),
        StatusBadge::Suspended => (Key::BadgeSuspended, Tone::Bad),
        StatusBadge::UnverifiedOffline => (Key::BadgeUnverified, Tone::Info),
        StatusBadge::Invalid => (Key::BadgeInvalid, Tone::Bad),
        StatusBadge::Cancelled => (Key::BadgeCancelled, Tone::Bad),
        StatusBadge::Replaced => (Key::BadgeReplaced, Tone::Neutral),
    }
}

/// A certificate's status badge.
#[component]
pub fn Badge(badge: StatusBadge) -> impl IntoView {
    let lang = use_lang();
    let (key, tone) = badge_parts(badge);
    view! { <Pill tone=tone text=Signal::derive(move || t(lang.get(), key).to_owned())/> }
}

/// The translated name of a certificate type, or the printed one for an unknown slug.
pub fn type_name(lang: Language, slug: &str, printed: &str) -> String {
    type_key(slug).map_or_else(|| printed.to_owned(), |k| t(lang, k).to_owned())
}

/// The sentence for a failed call.
pub fn error_key(error: &ApiError) -> Key {
    match error {
        ApiError::Command(CommandError::WrongPin { .. }) => Key::WrongPin,
        ApiError::Command(CommandError::InvalidPin) => Key::PinNotSixDigits,
        ApiError::Command(CommandError::Locked) => Key::ErrorLocked,
        ApiError::Command(CommandError::NotFound) => Key::ErrorNotFound,
        ApiError::Command(CommandError::Storage) => Key::ErrorStorage,
        ApiError::Command(CommandError::NoWallet) => Key::ErrorNoWallet,
        ApiError::Command(CommandError::WalletExists) => Key::ErrorWalletExists,
        ApiError::Command(CommandError::PresetNotApplicable) => Key::ErrorPresetNotApplicable,
        ApiError::Command(CommandError::InvalidIdNumber) => Key::ErrorInvalidIdNumber,
        ApiError::Command(CommandError::NoBackend) => Key::ErrorNoBackend,
        ApiError::Command(CommandError::NotEnrolled) => Key::ErrorNotEnrolled,
        ApiError::Command(CommandError::EnrolmentRefused) => Key::ErrorEnrolmentRefused,
        ApiError::Command(CommandError::Offline) => Key::ErrorOffline,
        ApiError::Command(CommandError::ServerUnavailable) => Key::ErrorServerUnavailable,
        ApiError::Command(CommandError::BadData) => Key::ErrorBadData,
        ApiError::Command(CommandError::LivenessRejected) => Key::ErrorLivenessRejected,
        ApiError::Command(CommandError::NoRegistryPhoto) => Key::ErrorNoRegistryPhoto,
        ApiError::Command(CommandError::TooManyAttempts) => Key::ErrorTooManyAttempts,
        ApiError::Command(CommandError::AlreadyDone) => Key::ErrorAlreadyDone,
        ApiError::Command(CommandError::RequestExpired) => Key::ErrorRequestExpired,
        ApiError::Command(CommandError::NoLivenessCheck | CommandError::BadFrame) => {
            Key::LivenessFailedCamera
        }
        ApiError::Command(CommandError::BadRequest | CommandError::Internal) | ApiError::Bridge => {
            Key::ErrorInternal
        }
    }
}

/// A `data:` URL for `bytes` of type `mime`, base64-encoded by the browser.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    // `btoa` takes a "binary string": one char per byte.
    let binary: String = bytes.iter().map(|&b| char::from(b)).collect();
    let encoded = window().btoa(&binary).unwrap_or_default();
    format!("data:{mime};base64,{encoded}")
}
