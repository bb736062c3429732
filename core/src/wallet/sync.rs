//! The wallet's link with the national backend as use cases: enrolling this device, one sync
//! round, unregistering, and the schedule of background rounds. The page-level rules are in
//! [`crate::sync`]; the transport is whatever implements [`Backend`].
//!
//! A round: sign in with the device key; pull every page (each page's certificates verified
//! against the trust list and imported, the trust list fetched again when the page names a newer
//! one, then the cursor, reminders and notifications saved); refresh the status list of every
//! stored certificate; push the outbox (an item leaves only when its receipt came back). A failure
//! leaves everything applied applied; the next round continues from the saved cursor.

use std::collections::BTreeSet;
use std::time::Duration;

use shimin_wire::backend::OutboxItem;
use shimin_wire::sync::{SyncProblemView, SyncStatusView, SyncStepView};

use super::backend::{Backend, BackendError};
pub use super::error::SyncFailure;
use super::error::WalletError;
use super::store::{StorageError, WalletStore};
use crate::IdNumber;
use crate::cert::{CertificatePayload, IssuedCertificate, verify_certificate};
use crate::cose::{CwtClaims, Sign1};
use crate::crypto::VerifyingKey;
use crate::records::{Enrolment, ImportOutcome, NotificationRecord, ReminderRecord, SyncProgress};
use crate::status_list::VerifiedStatusList;
use crate::sync::{Backoff, PulledPage};
use crate::trust::{CachedCopy, TrustList, VerifiedTrustList};
use crate::views;

/// How many outbox items one push sends.
pub const PUSH_BATCH: u32 = 100;
/// The most pages one round pulls (a guard against a server that always says "more").
pub const MAX_PAGES: u32 = 1_000;
/// How far past its refresh time a list just fetched may already be: the backend re-signs a list
/// when it falls due, so only the difference between its clock and the device's (and a cache on
/// the way) can make a genuine one look overdue. A list overdue by more was kept and handed over
/// again — a replay, which could hide a revocation made since — and is not stored.
pub const FETCHED_LIST_TOLERANCE_SECS: u64 = 10 * 60;

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Pages pulled.
    pub pages: u32,
    /// Certificates stored (new, or a new version).
    pub imported: u32,
    /// Certificates pulled again that the wallet already had.
    pub already_had: u32,
    /// Certificates refused (bad signature, untrusted issuer, another device…).
    pub refused: u32,
    /// Whether a newer trust list was stored.
    pub trust_list_updated: bool,
    /// Status lists fetched and stored.
    pub status_lists: u32,
    /// Outbox items the server acknowledged.
    pub pushed: u32,
    /// What sending the waiting applications did.
    pub applications: super::applications::SendReport,
}

/// Where a sync round is, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStep {
    /// Signing in with the device key.
    SigningIn,
    /// Pulling page `n` (from 1).
    Pulling(u32),
    /// Refreshing the status lists.
    StatusLists,
    /// Pushing the outbox.
    Pushing,
}

impl SyncStep {
    /// The step as the status line shows it.
    pub fn view(self) -> SyncStepView {
        match self {
            SyncStep::SigningIn => SyncStepView::SigningIn,
            SyncStep::Pulling(page) => SyncStepView::Pulling { page },
            SyncStep::StatusLists => SyncStepView::StatusLists,
            SyncStep::Pushing => SyncStepView::Pushing,
        }
    }
}

/// The longest one-time enrolment code accepted, in bytes (the backend's are far shorter).
pub const MAX_ENROLMENT_CODE_LEN: usize = 64;

/// What the citizen typed to enrol with a one-time code, parsed: the ID number, and the code
/// trimmed. A code that cannot be one (empty, longer than [`MAX_ENROLMENT_CODE_LEN`]) is refused
/// here as the backend would refuse it, without asking.
///
/// # Errors
/// [`WalletError::InvalidIdNumber`], [`WalletError::EnrolmentRefused`].
pub fn parse_enrolment<'a>(id_number: &str, code: &'a str) -> Result<(IdNumber, &'a str), WalletError> {
    let id = IdNumber::parse(id_number.trim()).map_err(|_| WalletError::InvalidIdNumber)?;
    let code = code.trim();
    if code.is_empty() || code.len() > MAX_ENROLMENT_CODE_LEN {
        return Err(WalletError::EnrolmentRefused);
    }
    Ok((id, code))
}

/// Where the national root key a wallet pins at enrolment comes from.
#[derive(Debug, Clone, Copy)]
pub enum RootOfTrust<'a> {
    /// The key this app was built with (see the app's build configuration): the backend must
    /// publish a trust list signed by it, and what the backend says its root is counts for
    /// nothing.
    Shipped(&'a VerifyingKey),
    /// No key was built in: the backend's own answer is pinned (trust on first use). Only a
    /// development build against a backend it started itself may do this; a release build of
    /// the app cannot be made without a shipped key.
    FirstUseForDevelopment,
}

/// Enrols the wallet's device with `backend` using the citizen's ID number and a one-time
/// enrolment code, pinning the national root key given by `root`. With a shipped root, the
/// backend's trust list is checked against it before the device is registered, so a wallet is
/// never enrolled with (nor tells its enrolment code to) a backend the national root does not
/// vouch for.
///
/// # Errors
/// [`SyncFailure::UntrustedBackend`], [`SyncFailure::Backend`] (e.g. a refused code) or
/// [`SyncFailure::Store`]; nothing is recorded then.
pub async fn enrol<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    root: RootOfTrust<'_>,
    id_number: &str,
    enrolment_code: &str,
    label: &str,
) -> Result<Enrolment, SyncFailure> {
    let root_key = match root {
        RootOfTrust::Shipped(key) => {
            let trust = backend.trust_list().await?;
            TrustList::verify_ignoring_expiry(&trust, key).map_err(|_| SyncFailure::UntrustedBackend)?;
            key.clone()
        }
        RootOfTrust::FirstUseForDevelopment => backend.root_key().await?,
    };
    let device_key = store.device_key().verifying_key();
    let device_id = backend.register_device(id_number, enrolment_code, &device_key, label).await?;
    let enrolment = Enrolment { backend_url: backend.base_url().to_owned(), device_id, root_key };
    store.set_enrolment(&enrolment)?;
    Ok(enrolment)
}

/// Signs in with the device key of a wallet enrolled with `backend`.
///
/// # Errors
/// [`SyncFailure::NotEnrolled`], [`SyncFailure::OtherBackend`], [`SyncFailure::Backend`].
pub async fn sign_in<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
) -> Result<(Enrolment, String), SyncFailure> {
    let enrolment = store.enrolment()?.ok_or(SyncFailure::NotEnrolled)?;
    if enrolment.backend_url != backend.base_url() {
        return Err(SyncFailure::OtherBackend);
    }
    let token = backend.sign_in(enrolment.device_id, store.device_key()).await?;
    Ok((enrolment, token))
}

/// One sync round at `now` (see the module documentation), telling `progress` each step as it
/// starts.
///
/// # Errors
/// [`SyncFailure`]; [`SyncFailure::is_transient`] says whether to retry with backoff.
pub async fn round<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    now: i64,
    mut progress: impl FnMut(SyncStep) + Send,
) -> Result<SyncReport, SyncFailure> {
    progress(SyncStep::SigningIn);
    let (enrolment, token) = sign_in(store, backend).await?;
    let mut report = SyncReport::default();
    let mut trust = cached_trust_list(store, &enrolment)?;

    loop {
        if report.pages >= MAX_PAGES {
            return Err(SyncFailure::TooManyPages);
        }
        progress(SyncStep::Pulling(report.pages + 1));
        let cursor = store.sync_progress()?.cursor;
        let page = PulledPage::parse(backend.pull(&token, cursor.as_deref()).await?)?;
        report.pages += 1;
        let cached_sequence = trust.as_ref().map(|t| t.list().info().sequence);
        let newer = page.trust_list.as_ref().is_some_and(|v| Some(v.sequence) > cached_sequence);
        if trust.is_none() || newer {
            trust = Some(refresh_trust_list(store, backend, &enrolment, now).await?);
            report.trust_list_updated = true;
        }
        let Some(trust_copy) = trust.as_ref() else { return Err(SyncFailure::TrustList) };
        for issued in &page.certificates {
            match import(store, trust_copy.list(), issued, now) {
                Ok(ImportOutcome::AlreadyStored) => report.already_had += 1,
                Ok(_) => report.imported += 1,
                Err(Refusal::Storage(e)) => return Err(e.into()),
                Err(Refusal::Certificate) => report.refused += 1,
            }
        }
        let reminders: Vec<ReminderRecord> = page
            .reminders
            .iter()
            .map(|r| ReminderRecord {
                certificate_id: r.certificate_id.clone(),
                certificate_type: r.certificate_type.clone(),
                expires_at: r.expires_at,
            })
            .collect();
        let notifications: Vec<NotificationRecord> = page
            .notifications
            .iter()
            .map(|n| NotificationRecord { id: n.id, created_at: n.created_at, message: n.message.clone() })
            .collect();
        store.finish_page(&page.cursor, &reminders, &notifications)?;
        if !page.more {
            break;
        }
    }

    progress(SyncStep::StatusLists);
    if let Some(trust) = trust.as_ref() {
        report.status_lists = refresh_status_lists(store, backend, trust.list(), now).await?;
    }
    progress(SyncStep::Pushing);
    report.pushed = push_outbox(store, backend, &token).await?;
    report.applications = super::applications::send_pending(store, backend, &token, now).await?;
    store.finish_sync(now)?;
    Ok(report)
}

/// The trust list cached in `store`, verified again under the pinned root key; a cached copy
/// that no longer verifies counts as none (the round fetches a fresh one).
fn cached_trust_list<S: WalletStore + ?Sized>(
    store: &S,
    enrolment: &Enrolment,
) -> Result<Option<CachedCopy<VerifiedTrustList>>, SyncFailure> {
    Ok(store.trust_list_bytes()?.and_then(|bytes| CachedCopy::from_bytes(&bytes, &enrolment.root_key).ok()))
}

async fn refresh_trust_list<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    enrolment: &Enrolment,
    now: i64,
) -> Result<CachedCopy<VerifiedTrustList>, SyncFailure> {
    let bytes = backend.trust_list().await?;
    let list = TrustList::verify(&bytes, &enrolment.root_key, now).map_err(|_| SyncFailure::TrustList)?;
    let copy = CachedCopy::new(list, now);
    if copy.overdue_at(now) > FETCHED_LIST_TOLERANCE_SECS {
        return Err(SyncFailure::TrustList);
    }
    match store.save_trust_list(&copy) {
        Ok(()) | Err(StorageError::OlderList(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(copy)
}

/// How far ahead of the device's clock a pulled certificate's signing time may be. A phone
/// whose clock runs behind the server's (set by hand, not synced for a while) must not refuse a
/// certificate issued a moment ago: a refused certificate is skipped and the cursor moves past
/// it, so it would be lost until issued again. The cost: a certificate that expires within this
/// window is refused as expired.
pub const IMPORT_CLOCK_TOLERANCE_SECS: i64 = 300;

/// Why one pulled certificate was not imported.
enum Refusal {
    /// The certificate does not verify, or the store will not keep it: count it, go on.
    Certificate,
    /// The storage failed: stop the round.
    Storage(StorageError),
}

fn import<S: WalletStore + ?Sized>(
    store: &mut S,
    trust: &VerifiedTrustList,
    issued: &IssuedCertificate,
    now: i64,
) -> Result<ImportOutcome, Refusal> {
    let at = now.saturating_add(IMPORT_CLOCK_TOLERANCE_SECS);
    let verified = verify_certificate(&issued.signed, &issued.disclosures, |kid| trust.key_info(kid), at)
        .map_err(|_| Refusal::Certificate)?;
    store.import(issued, verified, now).map_err(|e| match e {
        StorageError::Failed(_) => Refusal::Storage(e),
        _ => Refusal::Certificate,
    })
}

/// The status-list URI a stored certificate points at (it was verified when imported).
fn status_uri(issued: &IssuedCertificate) -> Option<String> {
    let message = Sign1::decode(&issued.signed).ok()?;
    let claims = CwtClaims::from_slice(message.unverified_payload()).ok()?;
    CertificatePayload::from_claims(&claims).ok().map(|p| p.status.uri)
}

async fn refresh_status_lists<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    trust: &VerifiedTrustList,
    now: i64,
) -> Result<u32, SyncFailure> {
    let uris: BTreeSet<String> = store.certificates()?.iter().filter_map(|c| status_uri(&c.issued)).collect();
    let mut stored = 0;
    for uri in uris {
        let bytes = match backend.status_list(&uri).await {
            Ok(bytes) => bytes,
            // A list published elsewhere is not ours to fetch; the verdict will say "unchecked".
            Err(BackendError::ForeignUrl) => continue,
            Err(e) => return Err(e.into()),
        };
        let Some(key) = trust.status_list_key(&bytes) else { continue };
        let Ok(list) = VerifiedStatusList::verify(&bytes, key, now) else { continue };
        let copy = CachedCopy::new(list, now);
        if copy.list().claims().uri != uri || copy.overdue_at(now) > FETCHED_LIST_TOLERANCE_SECS {
            continue;
        }
        match store.save_status_list(&copy) {
            Ok(()) => stored += 1,
            Err(StorageError::OlderList(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(stored)
}

async fn push_outbox<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    token: &str,
) -> Result<u32, SyncFailure> {
    let mut pushed = 0;
    loop {
        let pending = store.pending_outbox(PUSH_BATCH)?;
        if pending.is_empty() {
            return Ok(pushed);
        }
        let items = pending
            .into_iter()
            .map(|r| OutboxItem { idempotency_key: r.idempotency_key, kind: r.kind, payload: r.payload })
            .collect();
        let response = backend.push(token, items).await?;
        let keys: Vec<String> = response.receipts.into_iter().map(|r| r.idempotency_key).collect();
        if keys.is_empty() {
            return Err(BackendError::Malformed("push answered no receipts").into());
        }
        pushed += u32::try_from(keys.len()).unwrap_or(u32::MAX);
        store.remove_outbox(&keys)?;
    }
}

/// Unregisters this wallet's device from the backend it is enrolled with (signing in with the
/// device key first). The wallet itself is left as it is: erasing it is the caller's step.
///
/// # Errors
/// [`SyncFailure::NotEnrolled`], or [`SyncFailure::Backend`] (offline: nothing changed).
pub async fn unregister<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
) -> Result<(), SyncFailure> {
    let (enrolment, token) = sign_in(store, backend).await?;
    backend.remove_device(&token, enrolment.device_id).await?;
    Ok(())
}

/// What the app remembers of sync rounds while it runs (the rest is in the wallet), and the
/// rules of when the next round is due: at once when asked for, after a transient failure when
/// the backoff says, otherwise an interval after the last round whether it succeeded or not (a
/// refused device is not retried at once).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncSchedule {
    running: Option<SyncStep>,
    problem: Option<SyncProblemView>,
    failures: u32,
    next_attempt_at: Option<i64>,
    last_attempt_at: Option<i64>,
    last_imported: u32,
    requested: bool,
}

impl SyncSchedule {
    /// Asks for a round as soon as possible (unlocking, "sync now" from elsewhere).
    pub fn request(&mut self) {
        self.requested = true;
    }

    /// A round starts at `now`.
    pub fn started(&mut self, now: i64) {
        self.requested = false;
        self.last_attempt_at = Some(now);
    }

    /// The running round reached `step`.
    pub fn step(&mut self, step: SyncStep) {
        self.running = Some(step);
    }

    /// The round could not even start (the wallet's storage failed).
    pub fn storage_failed(&mut self, failure: &SyncFailure) {
        self.problem = Some(failure.problem());
    }

    /// The round ended at `now` with `result`; `jitter` in `[0, 1)` spreads the retries of many
    /// devices.
    pub fn finished(&mut self, result: &Result<SyncReport, SyncFailure>, now: i64, jitter: f64) {
        self.running = None;
        match result {
            Ok(report) => {
                *self = Self {
                    last_imported: report.imported,
                    last_attempt_at: self.last_attempt_at,
                    requested: self.requested,
                    ..Self::default()
                };
            }
            Err(failure) => {
                self.failures = self.failures.saturating_add(1);
                self.problem = Some(failure.problem());
                self.next_attempt_at = failure
                    .is_transient()
                    .then(|| now.saturating_add(secs(Backoff::default().delay(self.failures, jitter))));
            }
        }
    }

    /// Seconds until the next round is due at `now` for a wallet whose progress is `progress`,
    /// syncing every `interval`: 0 for at once.
    pub fn due_in(&self, progress: &SyncProgress, interval: Duration, now: i64) -> i64 {
        if self.requested {
            return 0;
        }
        let due =
            self.next_attempt_at.unwrap_or_else(|| match progress.last_sync_at.max(self.last_attempt_at) {
                Some(last) => last.saturating_add(secs(interval)),
                None => now,
            });
        (due - now).max(0)
    }

    /// The status line at `now` for a wallet whose progress is `progress`.
    pub fn view(
        &self,
        backend_configured: bool,
        enrolled: bool,
        progress: &SyncProgress,
        now: i64,
    ) -> SyncStatusView {
        SyncStatusView {
            line: views::sync_line_view(self.running.is_some(), progress.last_sync_at, self.problem, now),
            attention: views::sync_attention(self.problem),
            backend_configured,
            enrolled,
            running: self.running.map(SyncStep::view),
            last_sync_at: progress.last_sync_at,
            pending_outbox: progress.pending_outbox,
            problem: self.problem,
            next_attempt_at: self.next_attempt_at,
            last_imported: self.last_imported,
        }
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}
