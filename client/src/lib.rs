//! `shimin-client`: the app's side of the national backend over real HTTP (reqwest).
//!
//! - [`http`]: every API call the app makes, typed with `shimin_wire::backend`, with errors that
//!   say whether a retry may help.
//! - [`sync`]: enrolment of the wallet's device and one sync round into a
//!   [`shimin_store::Wallet`] — trust list, certificates (verified before they are stored),
//!   status lists, reminders, notifications and the outbox.
//!
//! Personal data never reaches a log or an error text here.

pub mod http;
pub mod sync;

pub use http::{BackendClient, ClientError, LivenessChallenge, SignedDocument, is_liveness_failure};
pub use sync::{
    SyncFailure, SyncReport, SyncStep, begin_case_confirmation, begin_liveness_enrolment, enrol,
    finish_case_confirmation, finish_liveness_enrolment, identity_requests, sync, sync_with_progress,
    unregister,
};
