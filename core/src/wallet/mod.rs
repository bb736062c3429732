//! The wallet's use cases: everything the app does with the citizen's certificates, behind two
//! small traits — [`WalletStore`] for storage and [`Backend`] for the national backend — so each
//! rule is tested here, without a database file, a network or a window.
//!
//! The layering rule: **a use case lives in core; the shell adds locking, the clock and the
//! platform.** The Tauri shell (`src-tauri/src/wallet/`) holds the open wallet behind a lock,
//! reads the system clock, opens files, cameras and HTTP clients, and calls these functions one
//! line each; the command-line tool calls the same ones where it does the same thing.
//!
//! | module | use cases |
//! |---|---|
//! | [`pin`] | the one PIN rule: six digits; a malformed PIN never opens a wallet |
//! | [`lists`] | the trust and status lists, verified once and held in memory; the direct check of a held certificate |
//! | [`certificates`] | cards with badges, search, the detail with versions, presenting one as a QR code |
//! | [`two_way`] | the two-way mode: the verifier's request, the holder reading it and answering it once they agree |
//! | [`history`] | the presentation log and its JSON Lines export |
//! | [`sync`] | enrolment, one sync round, unregistering, the schedule of background rounds, reminders |
//! | [`devices`] | my devices, removing another one with a fresh device signature, the notices of new enrolments |
//! | [`liveness`] | the liveness check's exchanges with the backend: challenge, signed evidence, identity requests |
//! | [`store`], [`backend`] | the two traits and what crosses them |

pub mod application_views;
pub mod applications;
pub mod backend;
pub mod certificates;
pub mod devices;
mod error;
pub mod history;
pub mod lists;
pub mod liveness;
pub mod pin;
pub mod store;
pub mod sync;
pub mod two_way;

pub use backend::{Backend, BackendError, LivenessChallenge, PaceAnswer};
pub use error::{SyncFailure, WalletError, enrolment_refusal};
pub use lists::{ListProblem, ListVerifier, Lists, SignedListsError};
pub use store::{ListStore, StorageError, WalletStore};

pub use crate::records::{
    Enrolment, ImportOutcome, NotificationRecord, OutboxRecord, PresentationRecord, Recipient,
    ReminderRecord, Search, StoredCertificate, SyncProgress,
};
pub use sync::{SyncReport, SyncSchedule, SyncStep};

use shimin_wire::sync::ReminderView;

use crate::views;

/// The backend's reminders for certificates still valid at `now`, soonest expiry first.
///
/// # Errors
/// [`WalletError::Store`].
pub fn reminders<S: WalletStore + ?Sized>(store: &S, now: i64) -> Result<Vec<ReminderView>, WalletError> {
    let mut views: Vec<ReminderView> = store
        .reminders()?
        .iter()
        .filter(|r| r.expires_at >= now)
        .map(|r| views::reminder_view(r, now))
        .collect();
    views.sort_by_key(|r| r.expires_at);
    Ok(views)
}
