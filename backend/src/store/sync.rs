//! The sync area: each citizen's feed of events (certificate copies, status changes,
//! notifications) read from a cursor, and the receipts of the items devices push through their
//! outbox. Reminders are not stored: the service derives them from the certificates.

use std::fmt;

use async_trait::async_trait;

use super::{CertificateRecord, DeviceRecord, StoreError, TokenRecord};

/// What a device sees in its feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A (new or renewed) certificate copy for one device.
    CertificateCopy,
    /// A status change of a certificate.
    StatusChange,
    /// A message.
    Notification,
}

impl EventKind {
    /// The stored name.
    pub(super) fn as_str(&self) -> &'static str {
        match self {
            EventKind::CertificateCopy => "certificate-copy",
            EventKind::StatusChange => "status-change",
            EventKind::Notification => "notification",
        }
    }

    /// The kind with this stored name; [`StoreError::Corrupt`] for anything else.
    pub(super) fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "certificate-copy" => Ok(EventKind::CertificateCopy),
            "status-change" => Ok(EventKind::StatusChange),
            "notification" => Ok(EventKind::Notification),
            _ => Err(StoreError::Corrupt("event kind")),
        }
    }
}

/// An event of a citizen's feed, in `seq` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Increasing number: the cursor.
    pub seq: i64,
    /// Kind.
    pub kind: EventKind,
    /// The certificate concerned.
    pub certificate_id: Option<i64>,
    /// For a copy: the signed holder copy for this device.
    pub holder_copy: Option<Vec<u8>>,
    /// For a status change: the new status value.
    pub status: Option<i64>,
    /// For a notification: the text.
    pub message: Option<String>,
    /// When.
    pub created_at: i64,
}

/// An event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The citizen whose feed it goes to.
    pub citizen_id_number: String,
    /// Only this device sees it (certificate copies); `None`: all the citizen's devices.
    pub device_id: Option<i64>,
    /// Kind.
    pub kind: EventKind,
    /// The certificate concerned.
    pub certificate_id: Option<i64>,
    /// Status value for status changes.
    pub status: Option<i64>,
    /// Text for notifications.
    pub message: Option<String>,
    /// When.
    pub created_at: i64,
}

/// A stored outbox item's receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    /// Row id.
    pub id: i64,
    /// The device that pushed it.
    pub device_id: i64,
    /// Its idempotency key.
    pub idempotency_key: String,
    /// Kind.
    pub kind: String,
    /// Payload.
    pub payload: String,
    /// First reception.
    pub received_at: i64,
}

/// Everything one pull reads, from the device's bearer token (see [`SyncStore::pull`]).
#[derive(Clone, PartialEq, Eq)]
pub struct PullRecord {
    /// The token with the hash asked for.
    pub token: TokenRecord,
    /// For a device token, its device (absent when no such device).
    pub device: Option<DeviceRecord>,
    /// The device's feed page: the events after the cursor it sees, in `seq` order, at most
    /// the limit asked for. Empty without a device.
    pub events: Vec<EventRecord>,
    /// The sequence number and ETag of the published trust list, if one was published.
    /// `None` without a device.
    pub trust_list: Option<(i64, String)>,
    /// The device's citizen's certificates, newest first (the reminders are derived from them
    /// and the feed's certificate events resolved against them). Empty without a device.
    pub certificates: Vec<CertificateRecord>,
}

/// Counts only: the record holds the citizen's ID number and certificates.
impl fmt::Debug for PullRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PullRecord")
            .field("device", &self.device.as_ref().map(|d| d.id))
            .field("events", &self.events.len())
            .field("trust_list", &self.trust_list.as_ref().map(|(sequence, _)| sequence))
            .field("certificates", &self.certificates.len())
            .finish_non_exhaustive()
    }
}

/// The feed and the outbox.
#[async_trait]
pub trait SyncStore: Send + Sync {
    /// Appends an event to a citizen's feed.
    async fn append_event(&self, event: NewEvent) -> Result<i64, StoreError>;
    /// The events after `after` that `device_id` of the citizen sees, at most `limit`.
    async fn events(
        &self,
        citizen_id_number: &str,
        device_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError>;
    /// Everything a pull reads, in one call: the token with this hash and, for a device token,
    /// its device (as [`DeviceStore::token_and_device`](super::DeviceStore::token_and_device));
    /// when there is such a device, also its feed page after `after` (as [`SyncStore::events`]
    /// with `limit`), the sequence and ETag of the published document `trust_list`, and its
    /// citizen's certificates (as
    /// [`IssuanceStore::certificates_of`](super::IssuanceStore::certificates_of)). `None`
    /// when no token has this hash. Whether the token is live is the caller's question.
    ///
    /// A pull runs on every sync of every device: PostgreSQL answers it in one statement (one
    /// round trip, one snapshot), SQLite in one visit to a reader connection.
    async fn pull(
        &self,
        token_hash: &[u8],
        after: i64,
        limit: i64,
        trust_list: &str,
    ) -> Result<Option<PullRecord>, StoreError>;
    /// Records an outbox item once: a second call with the same device and key returns the
    /// first record unchanged and stores nothing.
    async fn push_outbox(
        &self,
        device_id: i64,
        idempotency_key: &str,
        kind: &str,
        payload: &str,
        now: i64,
    ) -> Result<OutboxRecord, StoreError>;
    /// Number of outbox items of a device.
    async fn count_outbox(&self, device_id: i64) -> Result<u64, StoreError>;
}
