//! What the wallet's use cases need from storage: the [`WalletStore`] trait (implemented on
//! SQLite by `shimin-store`, in memory by core's own tests) and the [`ListStore`] trait for the
//! signed lists a device keeps for offline checks. The records they carry are in
//! [`crate::records`].
//!
//! The traits are small and synchronous: a store is a local database, and the use cases call
//! it between network steps, never across one. Encryption at rest, the PIN-wrapped data key and
//! schema migrations are the store's business, not the use cases'.

use crate::cert::{CertificateId, IssuedCertificate, VerifiedCertificate};
use crate::crypto::{SigningKey, VerifyingKey};
use crate::records::{
    ApplicationRecord, Enrolment, ImportOutcome, NotificationRecord, OutboxRecord, PresentationRecord,
    ReminderRecord, Search, StoredCertificate, SyncProgress,
};
use crate::status_list::VerifiedStatusList;
use crate::trust::{CachedCopy, VerifiedTrustList};

/// Why a store call failed. Carries table and step names, never personal data.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No certificate has this identifier.
    #[error("no such certificate")]
    NotFound,
    /// A list older than the cached one was offered; the cached one is kept.
    #[error("the {0} offered is older than the cached one")]
    OlderList(&'static str),
    /// The store will not keep this certificate (a newer version is held, it is bound to
    /// another device, it names no holder…); nothing stored changed.
    #[error("the certificate is not kept: {0}")]
    NotKept(&'static str),
    /// The wallet is not enrolled with a backend, so there is no sync state to write.
    #[error("the wallet is not enrolled")]
    NotEnrolled,
    /// The storage itself failed (database, keys, encryption): the operation cannot go on.
    #[error("storage failure: {0}")]
    Failed(Box<dyn std::error::Error + Send + Sync>),
}

/// The signed lists a device keeps for offline checks, as the bytes [`CachedCopy::to_bytes`]
/// gave. Nothing here is secret: a verifier reads them without the holder's PIN. The use cases
/// verify the bytes again when they load them ([`super::Lists::load`]), so a copy altered at rest
/// is refused, not trusted.
pub trait ListStore {
    /// The national root key pinned when this wallet was enrolled, if it was.
    ///
    /// # Errors
    /// [`StorageError::Failed`] when it cannot be read or does not parse.
    fn pinned_root_key(&self) -> Result<Option<VerifyingKey>, StorageError>;

    /// The cached trust list, if there is one.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn trust_list_bytes(&self) -> Result<Option<Vec<u8>>, StorageError>;

    /// Every cached status list.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn status_list_bytes(&self) -> Result<Vec<Vec<u8>>, StorageError>;
}

/// An unlocked wallet's storage. Reads take `&self`, writes `&mut self`; each write is one
/// transaction, so a crash leaves either all of it or none.
pub trait WalletStore: ListStore {
    /// The device's private key, which the holder binding of every certificate names.
    fn device_key(&self) -> &SigningKey;

    /// The current version of every certificate, soonest expiry first (no expiry last).
    ///
    /// # Errors
    /// [`StorageError::Failed`] for a damaged row.
    fn certificates(&self) -> Result<Vec<StoredCertificate>, StorageError>;

    /// The current certificates matching `search`, soonest expiry first.
    ///
    /// # Errors
    /// As [`WalletStore::certificates`].
    fn search(&self, search: &Search) -> Result<Vec<StoredCertificate>, StorageError>;

    /// The certificate with exactly this identifier (any version).
    ///
    /// # Errors
    /// [`StorageError::NotFound`], or as [`WalletStore::certificates`].
    fn certificate(&self, id: &CertificateId) -> Result<StoredCertificate, StorageError>;

    /// Every stored version of the certificate `id` belongs to, newest first.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] when no version is stored.
    fn versions(&self, id: &CertificateId) -> Result<Vec<StoredCertificate>, StorageError>;

    /// Keeps `issued`, which the caller verified as `verified` (signature, trust, validity are
    /// the caller's policy). A renewal keeps the older version as history.
    ///
    /// # Errors
    /// [`StorageError::NotKept`] (nothing changed), or [`StorageError::Failed`].
    fn import(
        &mut self,
        issued: &IssuedCertificate,
        verified: VerifiedCertificate,
        now: i64,
    ) -> Result<ImportOutcome, StorageError>;

    /// Appends `record` to the presentation log.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] when the certificate is not in the wallet.
    fn log_presentation(&mut self, record: &PresentationRecord) -> Result<(), StorageError>;

    /// The whole presentation log, oldest first.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn presentation_log(&self) -> Result<Vec<PresentationRecord>, StorageError>;

    /// Replaces the cached trust list, unless the cached one is newer.
    ///
    /// # Errors
    /// [`StorageError::OlderList`], or [`StorageError::Failed`].
    fn save_trust_list(&mut self, copy: &CachedCopy<VerifiedTrustList>) -> Result<(), StorageError>;

    /// Replaces the cached copy of the status list at the list's own URI, unless the cached one
    /// was issued later.
    ///
    /// # Errors
    /// [`StorageError::OlderList`], or [`StorageError::Failed`].
    fn save_status_list(&mut self, copy: &CachedCopy<VerifiedStatusList>) -> Result<(), StorageError>;

    /// Where this wallet is enrolled, if it is.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn enrolment(&self) -> Result<Option<Enrolment>, StorageError>;

    /// Records (or replaces) where this wallet is enrolled; a new enrolment pulls from the
    /// beginning.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn set_enrolment(&mut self, enrolment: &Enrolment) -> Result<(), StorageError>;

    /// The cursor, the last sync time and the outbox's length.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn sync_progress(&self) -> Result<SyncProgress, StorageError>;

    /// Saves what a pulled page leaves behind, in one transaction: the new cursor, the
    /// reminders (replacing the old ones) and new notifications (one with a known id is kept
    /// once). Called only after the page's certificates were imported.
    ///
    /// # Errors
    /// [`StorageError::NotEnrolled`], or [`StorageError::Failed`].
    fn finish_page(
        &mut self,
        cursor: &str,
        reminders: &[ReminderRecord],
        notifications: &[NotificationRecord],
    ) -> Result<(), StorageError>;

    /// The notifications not yet acknowledged, newest first.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn unacknowledged_notifications(&self) -> Result<Vec<NotificationRecord>, StorageError>;

    /// Marks every notification up to and including id `up_to` acknowledged.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn acknowledge_notifications(&mut self, up_to: i64) -> Result<(), StorageError>;

    /// Records that a whole sync round finished at `now`.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn finish_sync(&mut self, now: i64) -> Result<(), StorageError>;

    /// The reminders from the last pull, soonest expiry first.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn reminders(&self) -> Result<Vec<ReminderRecord>, StorageError>;

    /// Up to `limit` outbox items, oldest first.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxRecord>, StorageError>;

    /// Removes the outbox items whose receipts came back.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn remove_outbox(&mut self, keys: &[String]) -> Result<(), StorageError>;

    /// Every application the wallet knows, newest first (see [`super::applications`]).
    ///
    /// # Errors
    /// [`StorageError::Failed`] for a damaged row.
    fn applications(&self) -> Result<Vec<ApplicationRecord>, StorageError>;

    /// Stores a new application in the outbox together with its uploads (digest in hex, bytes),
    /// in one transaction.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn queue_application(
        &mut self,
        record: &ApplicationRecord,
        uploads: &[(String, Vec<u8>)],
    ) -> Result<(), StorageError>;

    /// Replaces a known application's record; once it is no longer waiting its uploads are
    /// let go.
    ///
    /// # Errors
    /// [`StorageError::NotFound`] for an unknown id, or [`StorageError::Failed`].
    fn save_application(&mut self, record: &ApplicationRecord) -> Result<(), StorageError>;

    /// The bytes of an upload of a waiting application, by its digest in hex.
    ///
    /// # Errors
    /// [`StorageError::Failed`].
    fn application_upload(&self, application_id: &str, sha256: &str)
    -> Result<Option<Vec<u8>>, StorageError>;
}
