//! The sync protocol: pull what changed since an opaque cursor; push outbox items with
//! idempotency keys.

use shimin_core::cert::CertificateType;
use shimin_wire::backend::{
    CertificateStatusView, Notification, OutboxReceipt, Reminder, SyncCertificate, SyncPullResponse,
    SyncPushRequest, SyncPushResponse, SyncStatusChange, TrustListVersion,
};

use shimin_core::crypto::sha256;

use super::devices::live_device;
use super::issuance::certificate_id_of;
use super::keys::TRUST_LIST;
use super::{Backend, ServiceError, b64, unb64};
use crate::store::{CertificateRecord, DeviceRecord, EventKind, EventRecord, StoredStatus};

/// Events per pull.
const PAGE: i64 = 100;
/// Outbox items per push.
pub const MAX_PUSH_ITEMS: usize = 100;
/// A reminder is due this long before expiry.
const REMIND_BEFORE: i64 = 30 * 86_400;

/// Encodes a feed position as an opaque cursor.
pub fn encode_cursor(seq: i64) -> String {
    b64(format!("v1:{seq}").as_bytes())
}

/// Decodes a cursor; absent means the beginning.
///
/// # Errors
/// [`ServiceError::BadInput`] for anything not made by [`encode_cursor`].
pub fn decode_cursor(cursor: Option<&str>) -> Result<i64, ServiceError> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else { return Ok(0) };
    let bytes = unb64(cursor, "invalid cursor")?;
    let text = std::str::from_utf8(&bytes).map_err(|_| ServiceError::BadInput("invalid cursor"))?;
    text.strip_prefix("v1:")
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or(ServiceError::BadInput("invalid cursor"))
}

impl Backend {
    /// What changed since `cursor` for the device whose bearer token this is: the token, its
    /// device and everything the answer is made of in one store call ([`SyncStore::pull`]: one
    /// round trip on PostgreSQL), then checked and assembled here.
    ///
    /// # Errors
    /// 401 for anything but a live device token of a device that is not removed (as
    /// [`Backend::device_for_token`]); then 400 for a bad cursor.
    ///
    /// [`SyncStore::pull`]: crate::store::SyncStore::pull
    pub async fn pull(
        &self,
        token: &str,
        cursor: Option<&str>,
        now: i64,
    ) -> Result<SyncPullResponse, ServiceError> {
        let after = match decode_cursor(cursor) {
            Ok(after) => after,
            Err(bad_cursor) => {
                // The token is judged first, as on every route of a device.
                self.device_for_token(token, now).await?;
                return Err(bad_cursor);
            }
        };
        let record = self
            .store
            .pull(&sha256(token.as_bytes()), after, PAGE, TRUST_LIST)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        let device = live_device(record.token, record.device, now)?;
        page(&device, after, record.events, record.trust_list, &record.certificates, now)
    }

    /// Records the device's outbox items, each once.
    ///
    /// # Errors
    /// 400 for too many items, an empty or over-long key or kind, or a payload that is not JSON.
    pub async fn push(
        &self,
        device: &DeviceRecord,
        request: SyncPushRequest,
        now: i64,
    ) -> Result<SyncPushResponse, ServiceError> {
        if request.items.len() > MAX_PUSH_ITEMS {
            return Err(ServiceError::BadInput("too many outbox items in one push"));
        }
        for item in &request.items {
            if item.idempotency_key.is_empty() || item.idempotency_key.len() > 128 {
                return Err(ServiceError::BadInput("idempotency key must be 1 to 128 bytes"));
            }
            if item.kind.is_empty() || item.kind.len() > 64 {
                return Err(ServiceError::BadInput("kind must be 1 to 64 bytes"));
            }
            if serde_json::from_str::<serde_json::Value>(&item.payload).is_err() {
                return Err(ServiceError::BadInput("payload is not JSON"));
            }
        }
        let mut receipts = Vec::with_capacity(request.items.len());
        for item in request.items {
            let record = self
                .store
                .push_outbox(device.id, &item.idempotency_key, &item.kind, &item.payload, now)
                .await?;
            receipts.push(OutboxReceipt {
                idempotency_key: record.idempotency_key,
                receipt_id: record.id,
                received_at: record.received_at,
            });
        }
        Ok(SyncPushResponse { receipts })
    }
}

/// The answer to a pull from what the store read: the feed page's events (their certificates
/// looked up among the citizen's own, so another citizen's never shows), the trust list's
/// version, and the reminders of the citizen's current certificates that expire within
/// [`REMIND_BEFORE`].
fn page(
    device: &DeviceRecord,
    after: i64,
    events: Vec<EventRecord>,
    trust_list: Option<(i64, String)>,
    certificates: &[CertificateRecord],
    now: i64,
) -> Result<SyncPullResponse, ServiceError> {
    let more = events.len() as i64 == PAGE;
    let last = events.last().map_or(after, |e| e.seq);
    let own =
        |id: i64| certificates.iter().find(|c| c.id == id && c.citizen_id_number == device.citizen_id_number);
    let mut response = SyncPullResponse {
        cursor: encode_cursor(last),
        more,
        certificates: Vec::new(),
        status_changes: Vec::new(),
        trust_list: None,
        reminders: Vec::new(),
        notifications: Vec::new(),
    };
    for event in events {
        match event.kind {
            EventKind::CertificateCopy => {
                let (Some(cert_id), Some(copy)) = (event.certificate_id, event.holder_copy) else { continue };
                let Some(record) = own(cert_id) else { continue };
                response.certificates.push(SyncCertificate {
                    certificate_id: certificate_id_of(record)?.to_string(),
                    certificate_type: record.type_slug.clone(),
                    version: record.version,
                    holder_copy_b64: b64(&copy),
                });
            }
            EventKind::StatusChange => {
                let (Some(cert_id), Some(value)) = (event.certificate_id, event.status) else { continue };
                let Some(record) = own(cert_id) else { continue };
                let status = match StoredStatus::from_value(value)? {
                    StoredStatus::Valid => CertificateStatusView::Valid,
                    StoredStatus::Revoked => CertificateStatusView::Revoked,
                    StoredStatus::Suspended => CertificateStatusView::Suspended,
                };
                response.status_changes.push(SyncStatusChange {
                    certificate_id: certificate_id_of(record)?.to_string(),
                    status,
                    changed_at: event.created_at,
                });
            }
            EventKind::Notification => {
                if let Some(message) = event.message {
                    response.notifications.push(Notification {
                        id: event.seq,
                        created_at: event.created_at,
                        message,
                    });
                }
            }
        }
    }
    if let Some((sequence, etag)) = trust_list {
        response.trust_list =
            Some(TrustListVersion { sequence: u64::try_from(sequence).unwrap_or_default(), etag });
    }
    for record in certificates {
        let Some(expires_at) = record.expires_at else { continue };
        let current = record.status == StoredStatus::Valid && record.replaced_by.is_none();
        if current && expires_at > now && expires_at - now <= REMIND_BEFORE {
            response.reminders.push(Reminder {
                certificate_id: certificate_id_of(record)?.to_string(),
                certificate_type: CertificateType::from_slug(&record.type_slug)
                    .map_or_else(|| record.type_slug.clone(), |t| t.slug().to_owned()),
                expires_at,
                days_left: (expires_at - now) / 86_400,
            });
        }
    }
    Ok(response)
}
