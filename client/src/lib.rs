//! `shimin-client`: the app's side of the national backend over real HTTP (reqwest).
//!
//! - [`http`]: every API call the app makes, typed with `shimin_wire::backend`, with errors that
//!   say whether a retry may help.
//! - [`staff`]: the staff calls a console or command line makes (sign in, issue, mark a key
//!   compromised), an issuance sent again after a lost answer under the same idempotency key.
//! - [`BackendClient`] implements the core's [`shimin_core::wallet::Backend`], so the wallet's
//!   use cases (enrolment, a sync round, the liveness exchanges — `shimin_core::wallet`) run over
//!   it.
//!
//! Personal data never reaches a log or an error text here.

mod backend;
pub mod http;
pub mod staff;

pub use http::{BackendClient, ClientError, SignedDocument, check_url, is_liveness_failure};
pub use shimin_core::wallet::LivenessChallenge;
