//! What a wallet keeps, as its store hands it over: the records the wallet's use cases
//! (`crate::wallet`) read and write through `WalletStore`, and that [`crate::views`] shows. Plain
//! data, below both.

use std::fmt;

use serde::{Deserialize, Serialize};
use shimin_wire::application::{FindingDto, SubmissionRequest};
use shimin_wire::catalogue::Localized;
use shimin_wire::workflow::TimelineView;

use crate::cert::types::names;
use crate::cert::{AttributeValue, CertificateId, CertificateType, HolderId, IssuedCertificate};
use crate::crypto::VerifyingKey;

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

/// To whom a presentation went, as far as the wallet knows: the history says it in words.
/// Kept in the sealed log; an entry written before it was kept reads as [`Recipient::Scanned`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recipient {
    /// Whoever scanned the code on the holder's screen (the code does not say who).
    #[default]
    Scanned,
    /// A verifier's request, answered; its short code (`XXXX-XXXX`), as both screens showed it.
    Request {
        /// The request's code.
        code: String,
    },
    /// A department to which the holder confirmed their identity for a registration case.
    Case {
        /// The department's name.
        department: String,
    },
}

/// One presentation the holder made: when, which certificate, which preset, to whom, and the
/// *names* of the attributes disclosed (never their values).
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
    /// To whom.
    pub recipient: Recipient,
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

/// Where an application stands on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalPhase {
    /// In the outbox, not yet answered by the backend.
    Waiting,
    /// Stored by the backend.
    Sent,
    /// Refused by the backend's automatic pre-review: nothing was stored there.
    Refused,
}

/// An application the wallet knows: what it sent (or will send), and the last answer. Sealed at
/// rest by the store; `Debug` shows no answer and no presentation.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationRecord {
    /// The application id (32 hex digits).
    pub id: String,
    /// The service's name, for the list while offline.
    pub service_name: Localized,
    /// When the citizen submitted it on the device (Unix seconds).
    pub created_at: i64,
    /// Where it stands.
    pub phase: LocalPhase,
    /// The request, as it is sent (and sent again, unchanged).
    pub request: SubmissionRequest,
    /// The digests of the uploads the backend acknowledged.
    #[serde(default)]
    pub uploads_sent: Vec<String>,
    /// The findings of the backend's pre-review, when it answered.
    #[serde(default)]
    pub findings: Vec<FindingDto>,
    /// The last known timeline.
    #[serde(default)]
    pub timeline: Option<TimelineView>,
    /// When the last answer came (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<i64>,
}

impl fmt::Debug for ApplicationRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplicationRecord")
            .field("id", &self.id)
            .field("service", &self.request.service_code)
            .field("phase", &self.phase)
            .field("materials", &self.request.materials.len())
            .finish_non_exhaustive()
    }
}

impl ApplicationRecord {
    /// The digests and types of the uploads the request names.
    pub fn uploads(&self) -> Vec<(String, shimin_wire::application::UploadTypeDto)> {
        self.request
            .materials
            .iter()
            .filter_map(|m| match &m.source {
                shimin_wire::application::MaterialSourceDto::Upload { sha256, media_type, .. } => {
                    Some((sha256.clone(), *media_type))
                }
                _ => None,
            })
            .collect()
    }
}
