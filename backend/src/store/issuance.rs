//! The issuance area: the departments' issuer keys (public halves: the private ones are in the
//! key file, [`crate::service::keyfile`]), the server's settings (the root public key), the
//! documents it publishes (trust list, status lists), and certificates with their status and
//! the signed copies made for each device.

use std::fmt;

use async_trait::async_trait;

use super::{NewEvent, StoreError};

/// An issuer key of a department: its public half only (the private half is in the key file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerKeyRecord {
    /// Key id on the trust list.
    pub key_id: String,
    /// The department.
    pub department_code: String,
    /// SEC1 public key.
    pub public_key: Vec<u8>,
    /// Window in which it may sign.
    pub valid_from: i64,
    /// End of that window.
    pub valid_to: i64,
    /// When it was retired, if it was.
    pub retired_at: Option<i64>,
    /// When it was found compromised, if it was: then nothing it signed is trusted.
    pub compromised_at: Option<i64>,
}

/// A private key a database made before the key file still holds: `None` for the root key,
/// else the issuer key id, and the PKCS #8. `Debug` hides the key.
pub struct LegacyPrivateKey {
    /// The issuer key id, `None` for the national root key.
    pub key_id: Option<String>,
    /// PKCS #8 of the private key. Secret.
    pub pkcs8: Vec<u8>,
}

impl fmt::Debug for LegacyPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LegacyPrivateKey").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

/// A signed document the server publishes (the trust list, each status list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedDoc {
    /// `trust-list` or `status-list/{id}`.
    pub name: String,
    /// The signed bytes.
    pub bytes: Vec<u8>,
    /// Strong ETag, quoted.
    pub etag: String,
    /// Sequence number of the document (trust list) or 0.
    pub sequence: i64,
    /// When it was signed.
    pub published_at: i64,
}

/// A certificate's status in the store (the values of the status list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredStatus {
    /// 0.
    Valid,
    /// 1.
    Revoked,
    /// 2.
    Suspended,
}

impl StoredStatus {
    /// The status-list value.
    pub fn value(self) -> i64 {
        match self {
            StoredStatus::Valid => 0,
            StoredStatus::Revoked => 1,
            StoredStatus::Suspended => 2,
        }
    }

    /// From a status-list value.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] for anything else.
    pub fn from_value(v: i64) -> Result<Self, StoreError> {
        match v {
            0 => Ok(StoredStatus::Valid),
            1 => Ok(StoredStatus::Revoked),
            2 => Ok(StoredStatus::Suspended),
            _ => Err(StoreError::Corrupt("certificate status")),
        }
    }
}

/// A certificate to insert: the store gives it a row id, a serial and a status index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCertificate {
    /// The holder.
    pub citizen_id_number: String,
    /// The issuing department.
    pub department_code: String,
    /// Type slug.
    pub type_slug: String,
    /// For a renewal: the serial number of the certificate renewed; `None` takes the new row id.
    pub serial: Option<i64>,
    /// Version.
    pub version: u16,
    /// First valid day `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last valid day.
    pub valid_until: Option<String>,
    /// End of validity, Unix seconds.
    pub expires_at: Option<i64>,
    /// The type-specific fields as JSON (wire `CertificateFields`), to re-sign for new devices.
    pub fields_json: String,
    /// Issue time.
    pub issued_at: i64,
    /// For a renewal: the row replaced, which is revoked in the same transaction — only if it is
    /// still valid and not replaced, checked in that transaction; otherwise nothing is stored and
    /// the answer is [`StoreError::Conflict`] (a revocation, suspension or renewal got there first).
    pub replaces: Option<i64>,
    /// How many entries a department's status list holds before a new one is started.
    pub status_list_capacity: i64,
    /// The idempotency key the staff client chose for this issuance, if it chose one: unique per
    /// department, so a second insert with it is a [`StoreError::Conflict`].
    pub request_key: Option<String>,
}

/// A stored certificate (its record, not its signed copies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRecord {
    /// Row id.
    pub id: i64,
    /// The holder.
    pub citizen_id_number: String,
    /// The issuing department.
    pub department_code: String,
    /// Type slug.
    pub type_slug: String,
    /// Serial number.
    pub serial: i64,
    /// Version.
    pub version: u16,
    /// Status list.
    pub status_list_id: i64,
    /// Index in it.
    pub status_index: i64,
    /// Status.
    pub status: StoredStatus,
    /// First valid day.
    pub valid_from: String,
    /// Last valid day.
    pub valid_until: Option<String>,
    /// End of validity.
    pub expires_at: Option<i64>,
    /// Type-specific fields (JSON).
    pub fields_json: String,
    /// Issue time.
    pub issued_at: i64,
    /// The renewal that replaced it, if any.
    pub replaced_by: Option<i64>,
}

/// A signed copy of a certificate for one device, stored with its feed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCopy {
    /// The device it is bound to.
    pub device_id: i64,
    /// The holder copy's bytes.
    pub holder_copy: Vec<u8>,
}

/// The feed event that tells one device its copy of a certificate is there.
pub fn copy_event(record: &CertificateRecord, device_id: i64, at: i64) -> NewEvent {
    NewEvent {
        citizen_id_number: record.citizen_id_number.clone(),
        device_id: Some(device_id),
        kind: super::EventKind::CertificateCopy,
        certificate_id: Some(record.id),
        status: None,
        message: None,
        created_at: at,
    }
}

/// What is signed for a certificate inside the transaction that inserts it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificateCopies {
    /// The certificate as issued (a holder copy bound to no device of the citizen's), from which
    /// copies for devices enrolled later are made; empty to keep none.
    pub template: Vec<u8>,
    /// A copy for each of the citizen's devices.
    pub copies: Vec<NewCopy>,
    /// Feed events beside the copies' own (the "issued" notification).
    pub events: Vec<NewEvent>,
}

/// Signs what [`IssuanceStore::issue_certificate`] stores with a certificate, given the
/// certificate's record (its serial and status entry are only known inside the transaction).
/// An error rolls the whole issuance back.
pub type SignCopies = Box<dyn FnOnce(&CertificateRecord) -> Result<CertificateCopies, StoreError> + Send>;

/// A status list's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListRecord {
    /// Id (in the URL).
    pub id: i64,
    /// The department whose key signs it.
    pub department_code: String,
    /// Number of entries.
    pub capacity: i64,
}

/// Issuer keys, published documents and certificates.
#[async_trait]
pub trait IssuanceStore: Send + Sync {
    /// Adds an issuer key.
    async fn add_issuer_key(&self, key: IssuerKeyRecord) -> Result<(), StoreError>;
    /// Retires every unretired key of `department_code` at `at`; returns how many.
    async fn retire_issuer_keys(&self, department_code: &str, at: i64) -> Result<u64, StoreError>;
    /// Every issuer key, oldest first.
    async fn issuer_keys(&self) -> Result<Vec<IssuerKeyRecord>, StoreError>;
    /// Marks issuer key `key_id` compromised at `at` and retires it at `now` (unless it was
    /// retired already); `false` when there is no such key or it was marked already.
    async fn compromise_issuer_key(&self, key_id: &str, at: i64, now: i64) -> Result<bool, StoreError>;
    /// The private keys a database from before the key file still holds (issuer keys' PKCS #8
    /// and the `root-key` setting), to be moved to the key file.
    async fn legacy_private_keys(&self) -> Result<Vec<LegacyPrivateKey>, StoreError>;
    /// Empties every private-key column and deletes the `root-key` setting, then rewrites the
    /// storage so that no freed page, WAL frame or dead row still holds the old bytes.
    async fn forget_private_keys(&self) -> Result<(), StoreError>;
    /// The ids of department `department_code`'s status lists.
    async fn status_list_ids(&self, department_code: &str) -> Result<Vec<i64>, StoreError>;
    /// Stores `value` under `name` unless something is there; returns what is stored.
    async fn setting_or_insert(&self, name: &str, value: Vec<u8>) -> Result<Vec<u8>, StoreError>;
    /// Publishes (replaces) a signed document.
    async fn publish(&self, doc: PublishedDoc) -> Result<(), StoreError>;
    /// A published document.
    async fn published(&self, name: &str) -> Result<Option<PublishedDoc>, StoreError>;
    /// Inserts a certificate, allocating a status index in the department's current list
    /// (starting a new list when it is full); revokes `replaces` in the same transaction, and
    /// refuses with [`StoreError::Conflict`] when `replaces` is no longer valid or was replaced.
    async fn insert_certificate(&self, certificate: NewCertificate) -> Result<CertificateRecord, StoreError> {
        self.issue_certificate(certificate, Box::new(|_| Ok(CertificateCopies::default()))).await
    }
    /// As [`IssuanceStore::insert_certificate`], and in the same transaction stores what `sign`
    /// makes of the new record: the template, a copy for each device with its feed event, and
    /// the other events. Either all of it is stored or nothing is.
    async fn issue_certificate(
        &self,
        certificate: NewCertificate,
        sign: SignCopies,
    ) -> Result<CertificateRecord, StoreError>;
    /// The certificate as issued, from which copies for new devices are made (`None` for a
    /// certificate issued before templates were kept).
    async fn certificate_template(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError>;
    /// The certificate with this row id.
    async fn certificate(&self, id: i64) -> Result<Option<CertificateRecord>, StoreError>;
    /// The certificate the department issued under the client's idempotency key `request_key`.
    async fn certificate_by_request_key(
        &self,
        department_code: &str,
        request_key: &str,
    ) -> Result<Option<CertificateRecord>, StoreError>;
    /// The citizen's certificates, newest first.
    async fn certificates_of(&self, citizen_id_number: &str) -> Result<Vec<CertificateRecord>, StoreError>;
    /// Sets a certificate's status to `status` and appends `events`, atomically, only if its
    /// status is still `expected` and it was not replaced (compare-and-set: two staff changing
    /// the same certificate at once cannot undo each other); `false`, storing nothing, otherwise.
    async fn set_status(
        &self,
        id: i64,
        expected: StoredStatus,
        status: StoredStatus,
        events: Vec<NewEvent>,
    ) -> Result<bool, StoreError>;
    /// A status list's shape.
    async fn status_list(&self, id: i64) -> Result<Option<StatusListRecord>, StoreError>;
    /// The ids of every status list, oldest first.
    async fn all_status_list_ids(&self) -> Result<Vec<i64>, StoreError>;
    /// The `(index, status value)` of every entry of a list that is not valid.
    async fn status_entries(&self, list_id: i64) -> Result<Vec<(i64, i64)>, StoreError>;
    /// Stores the signed copy of a certificate for a device and its feed event, atomically.
    async fn put_copy(
        &self,
        certificate_id: i64,
        device_id: i64,
        holder_copy: Vec<u8>,
        event: NewEvent,
    ) -> Result<(), StoreError>;
}
