#![doc = include_str!("../README.md")]

mod blob;
pub mod cache;
mod certificates;
pub mod error;
pub mod keys;
mod log;
pub mod schema;
mod sync;
mod wallet;

pub use certificates::{ImportOutcome, Search, StoredCertificate};
pub use error::{ImportError, KeyError, StoreError};
pub use keys::{DataKey, KeyWrapper, PinWrapper, WrappedKey};
pub use log::PresentationRecord;
pub use sync::{Enrolment, NotificationRecord, OutboxRecord, ReminderRecord, SyncProgress};
pub use wallet::Wallet;
