//! What the wallet's use cases need from storage: the [`WalletStore`] trait (implemented on
//! SQLite by `shimin-store`, in memory by core's own tests), the [`ListStore`] trait for the
//! signed lists a device keeps for offline checks, and the records both carry.
//!
//! The traits are small and synchronous: a store is a local database, and the use cases call
//! it between network steps, never across one. Encryption at rest, the PIN-wrapped data key and
//! schema migrations are the store's business, not the use cases'.

use crate::cert::types::names;
use crate::cert::{
    AttributeValue, CertificateId, CertificateType, HolderId, IssuedCertificate, VerifiedCertificate,
};
use crate::crypto::{SigningKey, VerifyingKey};
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

/// A certificate as stored, decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCertificate {
    /// The identifier, with its version.
    pub id: CertificateId,
    /// The certificate type.
    pub certificate_type: CertificateType,
    /// Start of validity (Unix seconds).
    pub valid_from: i64,
    /// End of validity (Unix seconds, exclusive), `None` for no end.
    pub valid_to: Option<i64>,
    /// Whether this is the current version (older versions are kept when renewed).
    pub current: bool,
    /// When it was imported (Unix seconds).
    pub imported_at: i64,
    /// The issuer-signed bytes and every salted attribute.
    pub issued: IssuedCertificate,
}

impl StoredCertificate {
    /// The value of the attribute `name`, if the certificate has it.
    pub fn attribute(&self, name: &str) -> Option<&AttributeValue> {
        self.issued.disclosures.iter().find(|d| d.name == name).map(|d| &d.value)
    }

    /// The holder's name (a person's name, or a company's), if the certificate has one.
    pub fn holder_name(&self) -> Option<&str> {
        match self.attribute(names::NAME) {
            Some(AttributeValue::Text(name)) => Some(name),
            _ => None,
        }
    }

    /// Whether `needle` is contained (case-insensitively) in the type's name or in any text
    /// attribute: the wallet's free-text search.
    pub fn matches_text(&self, needle: &str) -> bool {
        let needle = needle.to_lowercase();
        self.certificate_type.name().contains(&needle)
            || self.issued.disclosures.iter().any(|d| match &d.value {
                AttributeValue::Text(text) => text.to_lowercase().contains(&needle),
                _ => false,
            })
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A certificate the wallet did not have.
    Added,
    /// A newer version of a stored certificate; the previous one is kept, no longer current.
    Renewed {
        /// The version that was current before.
        previous_version: u16,
    },
    /// This exact version was already stored; nothing changed.
    AlreadyStored,
}

/// What to look for among the current certificates; empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Only this type.
    pub certificate_type: Option<CertificateType>,
    /// Only certificates of this holder (ID number or credit code).
    pub holder: Option<HolderId>,
    /// Text contained (case-insensitively) in any text attribute — a name, an address — or in
    /// the type's name ([`StoredCertificate::matches_text`]).
    pub text: Option<String>,
}

/// One presentation the holder made: when, which certificate, which preset and the *names* of
/// the attributes disclosed (never their values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentationRecord {
    /// When (Unix seconds).
    pub presented_at: i64,
    /// The certificate shown (exact version).
    pub certificate_id: CertificateId,
    /// The preset used, e.g. `identity`, `age_over_18`, `full`.
    pub preset: String,
    /// The names of the disclosed attributes.
    pub disclosed: Vec<String>,
}

/// Where this wallet is enrolled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// The backend's base URL, e.g. `http://127.0.0.1:8787`.
    pub backend_url: String,
    /// The device id the backend gave at registration.
    pub device_id: i64,
    /// The national root key, pinned when the device was enrolled; trust lists must verify
    /// under it.
    pub root_key: VerifyingKey,
}

/// A reminder as kept: a certificate expiring soon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderRecord {
    /// The certificate's identifier.
    pub certificate_id: String,
    /// The type's slug.
    pub certificate_type: String,
    /// When it expires (Unix seconds).
    pub expires_at: i64,
}

/// A notification as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    /// The server's number for it.
    pub id: i64,
    /// When it was created (Unix seconds).
    pub created_at: i64,
    /// The text.
    pub message: String,
}

/// An outbox item waiting for the server's receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    /// The idempotency key it was queued with.
    pub idempotency_key: String,
    /// What it is.
    pub kind: String,
    /// JSON text.
    pub payload: String,
}

/// How far sync has come.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncProgress {
    /// The cursor to pull from (`None` before the first pull).
    pub cursor: Option<String>,
    /// When the last complete sync finished.
    pub last_sync_at: Option<i64>,
    /// Items waiting in the outbox.
    pub pending_outbox: u64,
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
}
