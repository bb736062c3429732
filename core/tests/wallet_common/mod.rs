//! Test doubles for the wallet's use cases: a wallet store in memory and a scripted backend.
//! They live in the tests only; the app uses `shimin-store` (SQLite) and `shimin-client` (HTTP).

#![allow(clippy::expect_used, clippy::panic, dead_code)] // Test code.

use std::collections::VecDeque;
use std::sync::Mutex;

use shimin_core::cert::types::names;
use shimin_core::cert::{AttributeValue, CertificateId, IssuedCertificate, VerifiedCertificate};
use shimin_core::crypto::{SigningKey, VerifyingKey};
use shimin_core::status_list::VerifiedStatusList;
use shimin_core::trust::{CachedCopy, VerifiedTrustList};
use shimin_core::wallet::applications::{ApplicationRecord, LocalPhase};
use shimin_core::wallet::{
    Backend, BackendError, Enrolment, ImportOutcome, ListStore, LivenessChallenge, NotificationRecord,
    OutboxRecord, PaceAnswer, PresentationRecord, ReminderRecord, Search, StorageError, StoredCertificate,
    SyncProgress, WalletStore,
};
use shimin_wire::application::{SubmissionReceipt, SubmissionRequest, UploadTypeDto};
use shimin_wire::backend::{
    DeclineReasonView, DeviceListResponse, DeviceView, IdentityRequestView, OutboxItem, SyncPullResponse,
    SyncPushResponse,
};
use shimin_wire::workflow::TimelineView;

/// A wallet store in memory: the same rules as the SQLite store where the use cases depend on
/// them (order by expiry, renewals keep history, a certificate bound to another device is not
/// kept, a page needs an enrolment, an older list never replaces a newer one).
pub struct MemoryStore {
    pub device_key: SigningKey,
    pub certificates: Vec<StoredCertificate>,
    pub log: Vec<PresentationRecord>,
    pub trust_list: Option<(Vec<u8>, u64)>,
    pub status_lists: Vec<(String, Vec<u8>, i64)>,
    pub enrolment: Option<Enrolment>,
    pub progress: SyncProgress,
    pub reminders: Vec<ReminderRecord>,
    pub notifications: Vec<NotificationRecord>,
    /// The newest notification acknowledged.
    pub acknowledged: i64,
    pub outbox: Vec<OutboxRecord>,
    /// Applications, newest first, and the uploads of those waiting (id, digest, bytes).
    pub applications: Vec<ApplicationRecord>,
    pub uploads: Vec<(String, String, Vec<u8>)>,
    /// When set, every write fails as a broken disk would.
    pub broken: bool,
}

impl MemoryStore {
    pub fn new(device_key: SigningKey) -> Self {
        Self {
            device_key,
            certificates: Vec::new(),
            log: Vec::new(),
            trust_list: None,
            status_lists: Vec::new(),
            enrolment: None,
            progress: SyncProgress::default(),
            reminders: Vec::new(),
            notifications: Vec::new(),
            acknowledged: 0,
            outbox: Vec::new(),
            applications: Vec::new(),
            uploads: Vec::new(),
            broken: false,
        }
    }

    fn write(&self) -> Result<(), StorageError> {
        if self.broken { Err(StorageError::Failed("the disk is gone".into())) } else { Ok(()) }
    }

    fn sorted(mut found: Vec<StoredCertificate>) -> Vec<StoredCertificate> {
        found.sort_by(|a, b| {
            (a.valid_to.is_none(), a.valid_to, a.id.to_string()).cmp(&(
                b.valid_to.is_none(),
                b.valid_to,
                b.id.to_string(),
            ))
        });
        found
    }

    /// Keeps `issued` as the store would after the caller verified it (tests prepare wallets
    /// with it).
    pub fn put(&mut self, issued: &IssuedCertificate, verified: VerifiedCertificate, now: i64) {
        self.import(issued, verified, now).expect("kept");
    }

    pub fn queue(&mut self, key: &str, kind: &str, payload: &str) {
        self.outbox.push(OutboxRecord {
            idempotency_key: key.into(),
            kind: kind.into(),
            payload: payload.into(),
        });
        self.progress.pending_outbox = self.outbox.len() as u64;
    }
}

impl ListStore for MemoryStore {
    fn pinned_root_key(&self) -> Result<Option<VerifyingKey>, StorageError> {
        Ok(self.enrolment.as_ref().map(|e| e.root_key.clone()))
    }

    fn trust_list_bytes(&self) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.trust_list.as_ref().map(|(bytes, _)| bytes.clone()))
    }

    fn status_list_bytes(&self) -> Result<Vec<Vec<u8>>, StorageError> {
        Ok(self.status_lists.iter().map(|(_, bytes, _)| bytes.clone()).collect())
    }
}

impl WalletStore for MemoryStore {
    fn device_key(&self) -> &SigningKey {
        &self.device_key
    }

    fn certificates(&self) -> Result<Vec<StoredCertificate>, StorageError> {
        Ok(Self::sorted(self.certificates.iter().filter(|c| c.current).cloned().collect()))
    }

    fn search(&self, search: &Search) -> Result<Vec<StoredCertificate>, StorageError> {
        let holder_matches = |c: &StoredCertificate| match &search.holder {
            None => true,
            Some(holder) => [names::ID_NUMBER, "credit_code"].iter().any(
                |name| matches!(c.attribute(name), Some(AttributeValue::Text(t)) if t == holder.as_str()),
            ),
        };
        Ok(self
            .certificates()?
            .into_iter()
            .filter(|c| search.certificate_type.is_none_or(|t| t == c.certificate_type))
            .filter(holder_matches)
            .filter(|c| search.text.as_deref().is_none_or(|t| c.matches_text(t)))
            .collect())
    }

    fn certificate(&self, id: &CertificateId) -> Result<StoredCertificate, StorageError> {
        self.certificates.iter().find(|c| c.id == *id).cloned().ok_or(StorageError::NotFound)
    }

    fn versions(&self, id: &CertificateId) -> Result<Vec<StoredCertificate>, StorageError> {
        let mut versions: Vec<StoredCertificate> =
            self.certificates.iter().filter(|c| same_certificate(&c.id, id)).cloned().collect();
        versions.sort_by_key(|c| std::cmp::Reverse(c.id.version()));
        if versions.is_empty() { Err(StorageError::NotFound) } else { Ok(versions) }
    }

    fn import(
        &mut self,
        issued: &IssuedCertificate,
        verified: VerifiedCertificate,
        now: i64,
    ) -> Result<ImportOutcome, StorageError> {
        self.write()?;
        let payload = verified.payload;
        if payload.device_key != self.device_key.verifying_key() {
            return Err(StorageError::NotKept("bound to another device"));
        }
        if self.certificates.iter().any(|c| c.id == payload.id) {
            return Ok(ImportOutcome::AlreadyStored);
        }
        let current =
            self.certificates.iter_mut().find(|c| c.current && same_certificate(&c.id, &payload.id));
        let outcome = match current {
            Some(c) if c.id.version() > payload.id.version() => {
                return Err(StorageError::NotKept("a newer version is stored"));
            }
            Some(c) => {
                c.current = false;
                ImportOutcome::Renewed { previous_version: c.id.version() }
            }
            None => ImportOutcome::Added,
        };
        self.certificates.push(StoredCertificate {
            certificate_type: payload.certificate_type,
            valid_from: payload.not_before,
            valid_to: payload.expires_at,
            current: true,
            imported_at: now,
            issued: issued.clone(),
            id: payload.id,
        });
        Ok(outcome)
    }

    fn log_presentation(&mut self, record: &PresentationRecord) -> Result<(), StorageError> {
        self.write()?;
        if !self.certificates.iter().any(|c| c.id == record.certificate_id) {
            return Err(StorageError::NotFound);
        }
        self.log.push(record.clone());
        self.log.sort_by_key(|r| r.presented_at);
        Ok(())
    }

    fn presentation_log(&self) -> Result<Vec<PresentationRecord>, StorageError> {
        Ok(self.log.clone())
    }

    fn save_trust_list(&mut self, copy: &CachedCopy<VerifiedTrustList>) -> Result<(), StorageError> {
        self.write()?;
        let sequence = copy.list().info().sequence;
        if self.trust_list.as_ref().is_some_and(|(_, cached)| *cached > sequence) {
            return Err(StorageError::OlderList("trust list"));
        }
        self.trust_list = Some((copy.to_bytes().expect("encodes"), sequence));
        Ok(())
    }

    fn save_status_list(&mut self, copy: &CachedCopy<VerifiedStatusList>) -> Result<(), StorageError> {
        self.write()?;
        let claims = copy.list().claims();
        let bytes = copy.to_bytes().expect("encodes");
        match self.status_lists.iter_mut().find(|(uri, _, _)| *uri == claims.uri) {
            Some((_, _, issued_at)) if *issued_at > claims.issued_at => {
                Err(StorageError::OlderList("status list"))
            }
            Some(entry) => {
                *entry = (claims.uri.clone(), bytes, claims.issued_at);
                Ok(())
            }
            None => {
                self.status_lists.push((claims.uri.clone(), bytes, claims.issued_at));
                Ok(())
            }
        }
    }

    fn enrolment(&self) -> Result<Option<Enrolment>, StorageError> {
        Ok(self.enrolment.clone())
    }

    fn set_enrolment(&mut self, enrolment: &Enrolment) -> Result<(), StorageError> {
        self.write()?;
        self.enrolment = Some(enrolment.clone());
        self.progress.cursor = None;
        self.progress.last_sync_at = None;
        Ok(())
    }

    fn sync_progress(&self) -> Result<SyncProgress, StorageError> {
        Ok(self.progress.clone())
    }

    fn finish_page(
        &mut self,
        cursor: &str,
        reminders: &[ReminderRecord],
        notifications: &[NotificationRecord],
    ) -> Result<(), StorageError> {
        self.write()?;
        if self.enrolment.is_none() {
            return Err(StorageError::NotEnrolled);
        }
        self.progress.cursor = Some(cursor.to_owned());
        self.reminders = reminders.to_vec();
        for n in notifications {
            if !self.notifications.iter().any(|kept| kept.id == n.id) {
                self.notifications.push(n.clone());
            }
        }
        Ok(())
    }

    fn unacknowledged_notifications(&self) -> Result<Vec<NotificationRecord>, StorageError> {
        let mut found: Vec<_> =
            self.notifications.iter().filter(|n| n.id > self.acknowledged).cloned().collect();
        found.sort_by_key(|n| std::cmp::Reverse(n.id));
        Ok(found)
    }

    fn acknowledge_notifications(&mut self, up_to: i64) -> Result<(), StorageError> {
        self.write()?;
        self.acknowledged = self.acknowledged.max(up_to);
        Ok(())
    }

    fn finish_sync(&mut self, now: i64) -> Result<(), StorageError> {
        self.write()?;
        self.progress.last_sync_at = Some(now);
        Ok(())
    }

    fn reminders(&self) -> Result<Vec<ReminderRecord>, StorageError> {
        let mut reminders = self.reminders.clone();
        reminders.sort_by_key(|r| r.expires_at);
        Ok(reminders)
    }

    fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxRecord>, StorageError> {
        Ok(self.outbox.iter().take(limit as usize).cloned().collect())
    }

    fn remove_outbox(&mut self, keys: &[String]) -> Result<(), StorageError> {
        self.write()?;
        self.outbox.retain(|r| !keys.contains(&r.idempotency_key));
        self.progress.pending_outbox = self.outbox.len() as u64;
        Ok(())
    }

    fn applications(&self) -> Result<Vec<ApplicationRecord>, StorageError> {
        Ok(self.applications.clone())
    }

    fn queue_application(
        &mut self,
        record: &ApplicationRecord,
        uploads: &[(String, Vec<u8>)],
    ) -> Result<(), StorageError> {
        self.write()?;
        self.applications.insert(0, record.clone());
        for (sha, bytes) in uploads {
            self.uploads.push((record.id.clone(), sha.clone(), bytes.clone()));
        }
        Ok(())
    }

    fn save_application(&mut self, record: &ApplicationRecord) -> Result<(), StorageError> {
        self.write()?;
        let slot = self.applications.iter_mut().find(|a| a.id == record.id).ok_or(StorageError::NotFound)?;
        *slot = record.clone();
        if record.phase != LocalPhase::Waiting {
            self.uploads.retain(|(id, _, _)| *id != record.id);
        }
        Ok(())
    }

    fn application_upload(
        &self,
        application_id: &str,
        sha256: &str,
    ) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self
            .uploads
            .iter()
            .find(|(id, sha, _)| id == application_id && sha == sha256)
            .map(|(_, _, bytes)| bytes.clone()))
    }
}

/// Two identifiers of versions of the same certificate (same type, issuer and serial).
fn same_certificate(a: &CertificateId, b: &CertificateId) -> bool {
    a.type_code() == b.type_code() && a.issuer() == b.issuer() && a.serial() == b.serial()
}

/// One call the scripted backend saw, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    RootKey,
    TrustList,
    StatusList(String),
    Register {
        code: String,
    },
    SignIn(i64),
    Pull(Option<String>),
    Push(Vec<String>),
    RemoveDevice(i64),
    MyDevices,
    DeviceChallenge(i64),
    /// Removing another device: its id and the signature sent.
    RemoveOther(i64, Vec<u8>),
    LivenessEnrolment,
    IdentityRequests,
    CaseChallenge(i64),
    /// Declining a case: its id and the reason sent.
    Decline(i64, DeclineReasonView),
    /// A frame batch of an enrolment check, and its signed bytes.
    StreamEnrolment(i64, Vec<u8>),
    /// A frame batch of a case check, the token it was sent with, and its signed bytes.
    StreamCase(i64, String, Vec<u8>),
    /// An upload of an application: its id and digest.
    Upload(String, String),
    /// A submission: its application id.
    Submit(String),
    /// A resubmission: its application id.
    Resubmit(String),
    /// A timeline asked for.
    Timeline(String),
}

/// A backend that answers from a script and records what it was asked.
pub struct ScriptedBackend {
    pub base_url: String,
    pub root_key: VerifyingKey,
    pub trust_list: Vec<u8>,
    pub status_lists: Vec<(String, Vec<u8>)>,
    /// Pages answered in order; an `Err` answers that error instead.
    pub pages: Mutex<VecDeque<Result<SyncPullResponse, BackendError>>>,
    /// What a push answers: the receipts of every item (`true`) or none (`false`).
    pub acknowledge_pushes: bool,
    /// The device id registration answers, or the refusal.
    pub register: Mutex<Option<Result<i64, BackendError>>>,
    pub challenge: Option<LivenessChallenge>,
    /// What declining a case answers: the request as it then stands, or the refusal.
    pub decline: Mutex<Option<Result<IdentityRequestView, BackendError>>>,
    /// What each streamed frame batch answers, in order (then `Calibrating`).
    pub paced: Mutex<VecDeque<Result<PaceAnswer, BackendError>>>,
    pub calls: Mutex<Vec<Call>>,
    /// What "my devices" answers.
    pub devices: Vec<DeviceView>,
    /// What each submission answers, in order (then a network failure: offline).
    pub receipts: Mutex<VecDeque<Result<SubmissionReceipt, BackendError>>>,
    /// What each upload answers, in order (then success).
    pub upload_answers: Mutex<VecDeque<Result<(), BackendError>>>,
    /// What a timeline answers.
    pub timeline: Mutex<Option<Result<TimelineView, BackendError>>>,
}

/// The challenge the scripted backend hands out for a device signature.
pub const SCRIPTED_CHALLENGE: &[u8] = b"scripted challenge";

impl ScriptedBackend {
    pub fn new(root_key: VerifyingKey, trust_list: Vec<u8>) -> Self {
        Self {
            base_url: "https://backend.example.invalid".into(),
            root_key,
            trust_list,
            status_lists: Vec::new(),
            pages: Mutex::new(VecDeque::new()),
            acknowledge_pushes: true,
            register: Mutex::new(None),
            challenge: None,
            decline: Mutex::new(None),
            paced: Mutex::new(VecDeque::new()),
            calls: Mutex::new(Vec::new()),
            devices: Vec::new(),
            receipts: Mutex::new(VecDeque::new()),
            upload_answers: Mutex::new(VecDeque::new()),
            timeline: Mutex::new(None),
        }
    }

    fn record(&self, call: Call) {
        self.calls.lock().expect("calls").push(call);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().expect("calls").clone()
    }

    pub fn page(&self, page: Result<SyncPullResponse, BackendError>) {
        self.pages.lock().expect("pages").push_back(page);
    }
}

impl Backend for ScriptedBackend {
    fn base_url(&self) -> &str {
        &self.base_url
    }

    async fn root_key(&self) -> Result<VerifyingKey, BackendError> {
        self.record(Call::RootKey);
        Ok(self.root_key.clone())
    }

    async fn trust_list(&self) -> Result<Vec<u8>, BackendError> {
        self.record(Call::TrustList);
        Ok(self.trust_list.clone())
    }

    async fn status_list(&self, uri: &str) -> Result<Vec<u8>, BackendError> {
        self.record(Call::StatusList(uri.to_owned()));
        self.status_lists
            .iter()
            .find(|(u, _)| u == uri)
            .map(|(_, bytes)| bytes.clone())
            .ok_or(BackendError::ForeignUrl)
    }

    async fn register_device(
        &self,
        _id_number: &str,
        enrolment_code: &str,
        _device_key: &VerifyingKey,
        _label: &str,
    ) -> Result<i64, BackendError> {
        self.record(Call::Register { code: enrolment_code.to_owned() });
        self.register.lock().expect("register").take().unwrap_or(Ok(1))
    }

    async fn sign_in(&self, device_id: i64, _device_key: &SigningKey) -> Result<String, BackendError> {
        self.record(Call::SignIn(device_id));
        Ok(format!("token-{device_id}"))
    }

    async fn pull(&self, _token: &str, cursor: Option<&str>) -> Result<SyncPullResponse, BackendError> {
        self.record(Call::Pull(cursor.map(str::to_owned)));
        self.pages
            .lock()
            .expect("pages")
            .pop_front()
            .unwrap_or(Err(BackendError::Malformed("no page scripted")))
    }

    async fn push(&self, _token: &str, items: Vec<OutboxItem>) -> Result<SyncPushResponse, BackendError> {
        let keys: Vec<String> = items.iter().map(|i| i.idempotency_key.clone()).collect();
        self.record(Call::Push(keys.clone()));
        let receipts = if self.acknowledge_pushes {
            keys.into_iter()
                .enumerate()
                .map(|(i, idempotency_key)| shimin_wire::backend::OutboxReceipt {
                    idempotency_key,
                    receipt_id: i as i64,
                    received_at: 0,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(SyncPushResponse { receipts })
    }

    async fn remove_device(&self, _token: &str, device_id: i64) -> Result<(), BackendError> {
        self.record(Call::RemoveDevice(device_id));
        Ok(())
    }

    async fn my_devices(&self, _token: &str) -> Result<DeviceListResponse, BackendError> {
        self.record(Call::MyDevices);
        Ok(DeviceListResponse { devices: self.devices.clone() })
    }

    async fn device_challenge(&self, device_id: i64) -> Result<Vec<u8>, BackendError> {
        self.record(Call::DeviceChallenge(device_id));
        Ok(SCRIPTED_CHALLENGE.to_vec())
    }

    async fn remove_other_device(
        &self,
        _token: &str,
        device_id: i64,
        _challenge: &[u8],
        signature: &[u8],
    ) -> Result<(), BackendError> {
        self.record(Call::RemoveOther(device_id, signature.to_vec()));
        Ok(())
    }

    async fn liveness_enrolment_challenge(
        &self,
        _id_number: &str,
        _device_key: &VerifyingKey,
        _label: &str,
    ) -> Result<LivenessChallenge, BackendError> {
        self.record(Call::LivenessEnrolment);
        self.challenge.clone().ok_or(BackendError::Malformed("no challenge scripted"))
    }

    async fn stream_enrolment_frames(
        &self,
        check_id: i64,
        signed: Vec<u8>,
    ) -> Result<PaceAnswer, BackendError> {
        self.record(Call::StreamEnrolment(check_id, signed));
        self.paced.lock().expect("paced").pop_front().unwrap_or(Ok(PaceAnswer::Calibrating))
    }

    async fn stream_case_frames(
        &self,
        token: &str,
        check_id: i64,
        signed: Vec<u8>,
    ) -> Result<PaceAnswer, BackendError> {
        self.record(Call::StreamCase(check_id, token.to_owned(), signed));
        self.paced.lock().expect("paced").pop_front().unwrap_or(Ok(PaceAnswer::Calibrating))
    }

    async fn identity_requests(&self, _token: &str) -> Result<Vec<IdentityRequestView>, BackendError> {
        self.record(Call::IdentityRequests);
        Ok(Vec::new())
    }

    async fn case_challenge(&self, _token: &str, case_id: i64) -> Result<LivenessChallenge, BackendError> {
        self.record(Call::CaseChallenge(case_id));
        self.challenge.clone().ok_or(BackendError::Malformed("no challenge scripted"))
    }

    async fn decline_case(
        &self,
        _token: &str,
        case_id: i64,
        reason: DeclineReasonView,
    ) -> Result<IdentityRequestView, BackendError> {
        self.record(Call::Decline(case_id, reason));
        self.decline
            .lock()
            .expect("decline")
            .take()
            .unwrap_or(Err(BackendError::Malformed("no decline scripted")))
    }

    async fn upload_application_file(
        &self,
        _token: &str,
        application_id: &str,
        sha256: &str,
        _media_type: UploadTypeDto,
        _bytes: Vec<u8>,
    ) -> Result<(), BackendError> {
        self.record(Call::Upload(application_id.to_owned(), sha256.to_owned()));
        self.upload_answers.lock().expect("uploads").pop_front().unwrap_or(Ok(()))
    }

    async fn submit_application(
        &self,
        _token: &str,
        request: &SubmissionRequest,
    ) -> Result<SubmissionReceipt, BackendError> {
        self.record(Call::Submit(request.application_id.clone()));
        self.receipts
            .lock()
            .expect("receipts")
            .pop_front()
            .unwrap_or(Err(BackendError::Network("offline".into())))
    }

    async fn resubmit_application(
        &self,
        _token: &str,
        request: &SubmissionRequest,
    ) -> Result<SubmissionReceipt, BackendError> {
        self.record(Call::Resubmit(request.application_id.clone()));
        self.receipts
            .lock()
            .expect("receipts")
            .pop_front()
            .unwrap_or(Err(BackendError::Network("offline".into())))
    }

    async fn application_timeline(
        &self,
        _token: &str,
        application_id: &str,
    ) -> Result<TimelineView, BackendError> {
        self.record(Call::Timeline(application_id.to_owned()));
        self.timeline.lock().expect("timeline").take().unwrap_or(Err(BackendError::Network("offline".into())))
    }
}

/// The same key again (keys are not `Clone`: a copy is a deliberate act).
pub fn copy_of(key: &SigningKey) -> SigningKey {
    SigningKey::from_pkcs8(key.to_pkcs8().expose()).expect("the same key")
}

/// Runs a future to completion on the current thread (the use cases need no runtime: the
/// scripted backend never waits).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let waker = std::task::Waker::noop();
    let mut context = std::task::Context::from_waker(waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut context) {
            return out;
        }
    }
}
