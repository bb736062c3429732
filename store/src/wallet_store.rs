//! The store as the wallet's use cases see it: [`Wallet`] implements
//! [`shimin_core::wallet::WalletStore`], and [`CachedLists`] lets a verifier read the signed lists
//! of a database without unlocking it. Each method is the inherent one of the same name; the
//! store's errors become the use cases' [`StorageError`].

use rusqlite::Connection;
use shimin_core::cert::{CertificateId, IssuedCertificate, VerifiedCertificate};
use shimin_core::crypto::{SigningKey, VerifyingKey};
use shimin_core::status_list::VerifiedStatusList;
use shimin_core::trust::{CachedCopy, VerifiedTrustList};
use shimin_core::wallet::applications::ApplicationRecord;
use shimin_core::wallet::{
    Enrolment, ImportOutcome, ListStore, NotificationRecord, OutboxRecord, PresentationRecord,
    ReminderRecord, Search, StorageError, StoredCertificate, SyncProgress, WalletStore,
};

use crate::cache;
use crate::error::{ImportError, StoreError};
use crate::wallet::Wallet;

impl From<StoreError> for StorageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => StorageError::NotFound,
            StoreError::OlderList(what) => StorageError::OlderList(what),
            StoreError::NotInitialised => StorageError::NotEnrolled,
            StoreError::NotNewer { .. } => StorageError::NotKept("a newer version is stored"),
            StoreError::IncompleteVerification => StorageError::NotKept("not every attribute was verified"),
            StoreError::WrongDevice => StorageError::NotKept("bound to another device"),
            StoreError::NoHolder => StorageError::NotKept("names no holder"),
            StoreError::UnknownType => StorageError::NotKept("unknown certificate type"),
            StoreError::Encode(_) => StorageError::NotKept("cannot be encoded"),
            other => StorageError::Failed(Box::new(other)),
        }
    }
}

/// The signed lists cached in a wallet database, read without its PIN (they are not secret): a
/// verifier-only device, or the verify screen of a locked wallet.
#[derive(Debug, Clone, Copy)]
pub struct CachedLists<'a>(pub &'a Connection);

impl ListStore for CachedLists<'_> {
    fn pinned_root_key(&self) -> Result<Option<VerifyingKey>, StorageError> {
        Ok(cache::pinned_root_key(self.0)?)
    }

    fn trust_list_bytes(&self) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(cache::trust_list_bytes(self.0)?)
    }

    fn status_list_bytes(&self) -> Result<Vec<Vec<u8>>, StorageError> {
        Ok(cache::status_list_bytes(self.0)?)
    }
}

impl ListStore for Wallet {
    fn pinned_root_key(&self) -> Result<Option<VerifyingKey>, StorageError> {
        CachedLists(self.connection()).pinned_root_key()
    }

    fn trust_list_bytes(&self) -> Result<Option<Vec<u8>>, StorageError> {
        CachedLists(self.connection()).trust_list_bytes()
    }

    fn status_list_bytes(&self) -> Result<Vec<Vec<u8>>, StorageError> {
        CachedLists(self.connection()).status_list_bytes()
    }
}

impl WalletStore for Wallet {
    fn device_key(&self) -> &SigningKey {
        Wallet::device_key(self)
    }

    fn certificates(&self) -> Result<Vec<StoredCertificate>, StorageError> {
        Ok(self.list()?)
    }

    fn search(&self, search: &Search) -> Result<Vec<StoredCertificate>, StorageError> {
        Ok(Wallet::search(self, search)?)
    }

    fn certificate(&self, id: &CertificateId) -> Result<StoredCertificate, StorageError> {
        Ok(self.get(id)?)
    }

    fn versions(&self, id: &CertificateId) -> Result<Vec<StoredCertificate>, StorageError> {
        Ok(self.history(id)?)
    }

    fn import(
        &mut self,
        issued: &IssuedCertificate,
        verified: VerifiedCertificate,
        now: i64,
    ) -> Result<ImportOutcome, StorageError> {
        Wallet::import(self, issued, |_| Ok::<_, std::convert::Infallible>(verified), now).map_err(
            |e| match e {
                ImportError::Store(e) => e.into(),
                ImportError::Refused(never) => match never {},
            },
        )
    }

    fn log_presentation(&mut self, record: &PresentationRecord) -> Result<(), StorageError> {
        Ok(Wallet::log_presentation(self, record)?)
    }

    fn presentation_log(&self) -> Result<Vec<PresentationRecord>, StorageError> {
        Ok(Wallet::presentation_log(self)?)
    }

    fn save_trust_list(&mut self, copy: &CachedCopy<VerifiedTrustList>) -> Result<(), StorageError> {
        Ok(Wallet::save_trust_list(self, copy)?)
    }

    fn save_status_list(&mut self, copy: &CachedCopy<VerifiedStatusList>) -> Result<(), StorageError> {
        Ok(Wallet::save_status_list(self, copy)?)
    }

    fn enrolment(&self) -> Result<Option<Enrolment>, StorageError> {
        Ok(Wallet::enrolment(self)?)
    }

    fn set_enrolment(&mut self, enrolment: &Enrolment) -> Result<(), StorageError> {
        Ok(Wallet::set_enrolment(self, enrolment)?)
    }

    fn sync_progress(&self) -> Result<SyncProgress, StorageError> {
        Ok(Wallet::sync_progress(self)?)
    }

    fn finish_page(
        &mut self,
        cursor: &str,
        reminders: &[ReminderRecord],
        notifications: &[NotificationRecord],
    ) -> Result<(), StorageError> {
        Ok(Wallet::finish_page(self, cursor, reminders, notifications)?)
    }

    fn unacknowledged_notifications(&self) -> Result<Vec<NotificationRecord>, StorageError> {
        Ok(Wallet::unacknowledged_notifications(self)?)
    }

    fn acknowledge_notifications(&mut self, up_to: i64) -> Result<(), StorageError> {
        Ok(Wallet::acknowledge_notifications(self, up_to)?)
    }

    fn finish_sync(&mut self, now: i64) -> Result<(), StorageError> {
        Ok(Wallet::finish_sync(self, now)?)
    }

    fn reminders(&self) -> Result<Vec<ReminderRecord>, StorageError> {
        Ok(Wallet::reminders(self)?)
    }

    fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxRecord>, StorageError> {
        Ok(Wallet::pending_outbox(self, limit)?)
    }

    fn remove_outbox(&mut self, keys: &[String]) -> Result<(), StorageError> {
        Ok(Wallet::remove_outbox(self, keys)?)
    }

    fn applications(&self) -> Result<Vec<ApplicationRecord>, StorageError> {
        Ok(Wallet::applications(self)?)
    }

    fn queue_application(
        &mut self,
        record: &ApplicationRecord,
        uploads: &[(String, Vec<u8>)],
    ) -> Result<(), StorageError> {
        Ok(Wallet::queue_application(self, record, uploads)?)
    }

    fn save_application(&mut self, record: &ApplicationRecord) -> Result<(), StorageError> {
        Ok(Wallet::save_application(self, record)?)
    }

    fn application_upload(
        &self,
        application_id: &str,
        sha256: &str,
    ) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(Wallet::application_upload(self, application_id, sha256)?)
    }
}

impl From<StoreError> for shimin_core::wallet::WalletError {
    fn from(e: StoreError) -> Self {
        use shimin_core::wallet::WalletError;
        match e {
            StoreError::Key(crate::KeyError::WrongPin) => WalletError::WrongPin { tries_left: None },
            StoreError::NotInitialised => WalletError::NoWallet,
            StoreError::AlreadyInitialised => WalletError::WalletExists,
            other => StorageError::from(other).into(),
        }
    }
}
