#![doc = include_str!("../README.md")]

mod applications;
mod blob;
pub mod cache;
pub mod catalogue;
mod certificates;
mod clear_rows;
pub mod error;
pub mod hall_marks;
pub mod keys;
mod log;
pub mod schema;
mod sealed;
mod sealed_rows;
mod sync;
mod wallet;
mod wallet_store;

pub use error::{ImportError, KeyError, StoreError};
pub use keys::{
    DataKey, KeyStoreError, KeyStoreWrapper, KeyWrapper, PinWrapper, PlatformKeyStore, WrappedKey,
};
pub use shimin_core::wallet::{
    Enrolment, ImportOutcome, NotificationRecord, OutboxRecord, PresentationRecord, ReminderRecord, Search,
    StoredCertificate, SyncProgress,
};
pub use wallet::Wallet;
pub use wallet_store::CachedLists;
