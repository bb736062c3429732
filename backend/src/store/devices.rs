//! The devices area: the citizens' registered devices, the one-time enrolment codes that
//! register them, the challenges they sign to sign in, and the bearer tokens of devices and
//! staff.

use async_trait::async_trait;

use super::StoreError;

/// A registered device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    /// Row id.
    pub id: i64,
    /// The owner.
    pub citizen_id_number: String,
    /// SEC1 P-256 public key.
    pub public_key: Vec<u8>,
    /// Label.
    pub label: String,
    /// When it was registered.
    pub created_at: i64,
    /// When it was removed, if it was.
    pub removed_at: Option<i64>,
}

/// A new one-time enrolment code, stored by its keyed hash: the code itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnrolmentCode {
    /// HMAC-SHA256 of the normalised code under the server's code key.
    pub hash: Vec<u8>,
    /// The citizen it enrols a device for.
    pub citizen_id_number: String,
    /// The staff account that issued it (the audit's "who").
    pub issued_by: i64,
    /// When it was issued.
    pub issued_at: i64,
    /// When it expires.
    pub expires_at: i64,
}

/// An enrolment code as the audit sees it: who issued it, when, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentCodeRecord {
    /// The staff account that issued it; `None` for codes issued before issuers were recorded.
    pub issued_by: Option<i64>,
    /// When it was issued; `None` for codes issued before this was recorded.
    pub issued_at: Option<i64>,
    /// When it expires.
    pub expires_at: i64,
    /// When a device was enrolled with it, if one was.
    pub used_at: Option<i64>,
    /// When a newer code for the same citizen replaced it, if one did.
    pub withdrawn_at: Option<i64>,
}

/// What entitles a new device to be enrolled, spent in the transaction that stores the device:
/// the one grant of either enrolment path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrolmentGrant {
    /// A one-time enrolment code, by its keyed hash: it must be the citizen's, unexpired, unused
    /// and not withdrawn, and is marked used.
    Code(Vec<u8>),
    /// A liveness check (by id) that the citizen's new device passed: it must be an enrolment
    /// check of the citizen, answered and without an outcome yet, and its outcome — passed — is
    /// recorded with the device.
    LivenessCheck(i64),
}

/// The feed event that tells a newly enrolled device its copy of a certificate is there.
pub(crate) fn copy_event(device: &DeviceRecord, certificate_id: i64, at: i64) -> super::NewEvent {
    super::NewEvent {
        citizen_id_number: device.citizen_id_number.clone(),
        device_id: Some(device.id),
        kind: super::EventKind::CertificateCopy,
        certificate_id: Some(certificate_id),
        status: None,
        message: None,
        created_at: at,
    }
}

/// Who a bearer token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSubject {
    /// A staff account by id.
    Staff(i64),
    /// A device by id.
    Device(i64),
}

/// A bearer token, stored by the SHA-256 of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// SHA-256 of the token.
    pub hash: Vec<u8>,
    /// Whom it stands for.
    pub subject: TokenSubject,
    /// Expiry.
    pub expires_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
}

/// Devices, enrolment codes, sign-in challenges and tokens.
#[async_trait]
pub trait DeviceStore: Send + Sync {
    /// Stores a one-time enrolment code and, in the same transaction, withdraws the citizen's
    /// code that is still outstanding (unused and not withdrawn), so that at most one code per
    /// citizen can enrol a device at any time.
    async fn insert_enrolment_code(&self, code: NewEnrolmentCode) -> Result<(), StoreError>;
    /// Every enrolment code issued for the citizen, oldest first: the audit of who issued what.
    async fn enrolment_codes(&self, citizen_id_number: &str) -> Result<Vec<EnrolmentCodeRecord>, StoreError>;
    /// Consumes an unexpired, unused, not withdrawn code of this citizen and registers the
    /// device, atomically; `None` when the code is unknown, used, expired, withdrawn or another
    /// citizen's.
    async fn enrol_device(
        &self,
        code_hash: Vec<u8>,
        device: DeviceRecord,
        now: i64,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        self.enrol_device_with_copies(EnrolmentGrant::Code(code_hash), device, Vec::new(), Vec::new(), now)
            .await
    }
    /// Spends `grant` and registers the device, and in the same transaction stores `copies` —
    /// each a certificate's row id and its holder copy signed for the new device — with their
    /// feed events, and appends `events` (the notice to the citizen's other devices): the grant
    /// is spent only if all of it is stored, and nothing is stored unless it is spent. `None`
    /// when the grant is not good (see [`EnrolmentGrant`]); [`StoreError::Conflict`] when the
    /// device key is registered already. A device id other than 0 is kept (the service draws
    /// random ids); 0 lets the database number it.
    async fn enrol_device_with_copies(
        &self,
        grant: EnrolmentGrant,
        device: DeviceRecord,
        copies: Vec<(i64, Vec<u8>)>,
        events: Vec<super::NewEvent>,
        now: i64,
    ) -> Result<Option<DeviceRecord>, StoreError>;
    /// The device with this id.
    async fn device(&self, id: i64) -> Result<Option<DeviceRecord>, StoreError>;
    /// The citizen's devices that are not removed.
    async fn active_devices(&self, citizen_id_number: &str) -> Result<Vec<DeviceRecord>, StoreError>;
    /// Marks a device removed and revokes its tokens.
    async fn remove_device(&self, id: i64, at: i64) -> Result<(), StoreError>;
    /// Stores a challenge for a device.
    async fn insert_challenge(
        &self,
        device_id: i64,
        nonce: Vec<u8>,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// Deletes the challenge and says whether it existed for this device and had not expired.
    async fn take_challenge(&self, device_id: i64, nonce: &[u8], now: i64) -> Result<bool, StoreError>;
    /// Stores a token.
    async fn insert_token(&self, token: TokenRecord) -> Result<(), StoreError>;
    /// The token with this hash.
    async fn token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError>;
    /// The token with this hash and, for a device token, its device (absent when no such
    /// device): what a device's bearer token stands for, asked on every request a device makes.
    /// A store that can join the two answers in one statement.
    async fn token_and_device(
        &self,
        hash: &[u8],
    ) -> Result<Option<(TokenRecord, Option<DeviceRecord>)>, StoreError> {
        let Some(token) = self.token(hash).await? else { return Ok(None) };
        let device = match token.subject {
            TokenSubject::Device(id) => self.device(id).await?,
            TokenSubject::Staff(_) => None,
        };
        Ok(Some((token, device)))
    }
    /// Revokes one token; returns whether it existed unrevoked.
    async fn revoke_token(&self, hash: &[u8], at: i64) -> Result<bool, StoreError>;
}
