//! Enrolment and one sync round, driving the backend's API into the wallet. The protocol's rules
//! (cursor saved only after a page is applied, outbox items removed only on their receipt) are in
//! [`shimin_core::sync`]; this is where they meet HTTP and the store.

use std::collections::BTreeSet;

use shimin_core::cert::{CertificatePayload, IssuedCertificate, verify_certificate};
use shimin_core::cose::{CwtClaims, Sign1};
use shimin_core::liveness::Evidence;
use shimin_core::status_list::VerifiedStatusList;
use shimin_core::sync::{PulledPage, SyncError};
use shimin_core::trust::{CachedCopy, TrustList, VerifiedTrustList};
use shimin_store::{
    Enrolment, ImportError, ImportOutcome, NotificationRecord, ReminderRecord, StoreError, Wallet, cache,
};
use shimin_wire::backend::{IdentityRequestView, OutboxItem};

use crate::http::{BackendClient, ClientError, LivenessChallenge};

/// How many outbox items one push sends.
pub const PUSH_BATCH: u32 = 100;
/// The most pages one round pulls (a guard against a server that always says "more").
pub const MAX_PAGES: u32 = 1_000;

/// Why enrolment or a sync round stopped. Never carries personal data.
#[derive(Debug, thiserror::Error)]
pub enum SyncFailure {
    /// The wallet is not enrolled with a backend yet.
    #[error("this wallet is not enrolled with a backend")]
    NotEnrolled,
    /// The wallet is enrolled with another backend than the client talks to.
    #[error("this wallet is enrolled with another backend")]
    OtherBackend,
    /// HTTP failed; [`ClientError::is_transient`] says whether to retry.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The wallet's database failed.
    #[error("wallet: {0}")]
    Store(#[from] StoreError),
    /// A pulled page was unusable.
    #[error("pulled page: {0}")]
    Page(#[from] SyncError),
    /// The trust list did not verify under the pinned root key.
    #[error("the trust list does not verify under the national root key")]
    TrustList,
    /// The server kept saying "more" past [`MAX_PAGES`].
    #[error("too many pages in one round")]
    TooManyPages,
}

impl SyncFailure {
    /// Whether trying the round again later may help.
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncFailure::Client(e) if e.is_transient())
    }
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Pages pulled.
    pub pages: u32,
    /// Certificates stored (new, or a new version).
    pub imported: u32,
    /// Certificates pulled again that the wallet already had.
    pub already_had: u32,
    /// Certificates refused (bad signature, untrusted issuer, another device…), by position.
    pub refused: u32,
    /// Whether a newer trust list was stored.
    pub trust_list_updated: bool,
    /// Status lists fetched and stored.
    pub status_lists: u32,
    /// Outbox items the server acknowledged.
    pub pushed: u32,
}

/// Enrols the wallet's device with the backend using the citizen's ID number and a one-time
/// enrolment code (the liveness check will replace the code), pinning the national root key.
///
/// # Errors
/// [`SyncFailure::Client`] (e.g. a refused code) or [`SyncFailure::Store`].
pub async fn enrol(
    wallet: &mut Wallet,
    client: &BackendClient,
    id_number: &str,
    enrolment_code: &str,
    label: &str,
) -> Result<Enrolment, SyncFailure> {
    let root_key = client.root_key().await?;
    let device_id =
        client.register_device(id_number, enrolment_code, &wallet.device_public_key(), label).await?;
    let enrolment = Enrolment { backend_url: client.base_url().to_owned(), device_id, root_key };
    wallet.set_enrolment(&enrolment)?;
    Ok(enrolment)
}

/// One sync round at `now`: sign in with the device key, pull every page (importing
/// certificates, the trust list when it changed, reminders and notifications), refresh the
/// status lists of every stored certificate, push the outbox. A failure leaves everything that
/// was applied applied; the next round continues from the saved cursor.
///
/// # Errors
/// [`SyncFailure`]; [`SyncFailure::is_transient`] says whether to retry with backoff.
pub async fn sync(wallet: &mut Wallet, client: &BackendClient, now: i64) -> Result<SyncReport, SyncFailure> {
    sync_with_progress(wallet, client, now, |_| {}).await
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

/// [`sync`], telling `progress` each step as it starts.
///
/// # Errors
/// As [`sync`].
pub async fn sync_with_progress(
    wallet: &mut Wallet,
    client: &BackendClient,
    now: i64,
    mut progress: impl FnMut(SyncStep),
) -> Result<SyncReport, SyncFailure> {
    let enrolment = wallet.enrolment()?.ok_or(SyncFailure::NotEnrolled)?;
    if enrolment.backend_url != client.base_url() {
        return Err(SyncFailure::OtherBackend);
    }
    progress(SyncStep::SigningIn);
    let token = client.device_token(enrolment.device_id, wallet.device_key()).await?;
    let mut report = SyncReport::default();
    let mut trust = cache::load_trust_list(wallet.connection(), &enrolment.root_key)?;

    loop {
        if report.pages >= MAX_PAGES {
            return Err(SyncFailure::TooManyPages);
        }
        progress(SyncStep::Pulling(report.pages + 1));
        let cursor = wallet.sync_progress()?.cursor;
        let page = PulledPage::parse(client.pull(&token, cursor.as_deref()).await?)?;
        report.pages += 1;
        let cached_sequence = trust.as_ref().map(|t| t.list().info().sequence);
        let newer = page.trust_list.as_ref().is_some_and(|v| Some(v.sequence) > cached_sequence);
        if trust.is_none() || newer {
            trust = Some(refresh_trust_list(wallet, client, &enrolment, now).await?);
            report.trust_list_updated = true;
        }
        let Some(trust_copy) = trust.as_ref() else { return Err(SyncFailure::TrustList) };
        for issued in &page.certificates {
            match import(wallet, trust_copy.list(), issued, now) {
                Ok(ImportOutcome::AlreadyStored) => report.already_had += 1,
                Ok(_) => report.imported += 1,
                Err(ImportError::Store(
                    e @ (StoreError::Sqlite(_) | StoreError::Key(_) | StoreError::Crypto(_)),
                )) => return Err(e.into()),
                Err(_) => report.refused += 1,
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
        wallet.finish_page(&page.cursor, &reminders, &notifications)?;
        if !page.more {
            break;
        }
    }

    progress(SyncStep::StatusLists);
    if let Some(trust) = trust.as_ref() {
        report.status_lists = refresh_status_lists(wallet, client, trust.list(), now).await?;
    }
    progress(SyncStep::Pushing);
    report.pushed = push_outbox(wallet, client, &token).await?;
    wallet.finish_sync(now)?;
    Ok(report)
}

async fn refresh_trust_list(
    wallet: &mut Wallet,
    client: &BackendClient,
    enrolment: &Enrolment,
    now: i64,
) -> Result<CachedCopy<VerifiedTrustList>, SyncFailure> {
    let document =
        client.trust_list(None).await?.ok_or(ClientError::Malformed("304 without a cached list"))?;
    let list =
        TrustList::verify(&document.bytes, &enrolment.root_key, now).map_err(|_| SyncFailure::TrustList)?;
    let copy = CachedCopy::new(list, now);
    match wallet.save_trust_list(&copy) {
        Ok(()) | Err(StoreError::OlderList(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(copy)
}

fn import(
    wallet: &mut Wallet,
    trust: &VerifiedTrustList,
    issued: &IssuedCertificate,
    now: i64,
) -> Result<ImportOutcome, ImportError<shimin_core::cert::CertificateVerifyError>> {
    wallet.import(
        issued,
        |i| verify_certificate(&i.signed, &i.disclosures, |kid| trust.key_info(kid), now),
        now,
    )
}

/// The status-list URI a stored certificate points at (it was verified when imported).
fn status_uri(issued: &IssuedCertificate) -> Option<String> {
    let message = Sign1::decode(&issued.signed).ok()?;
    let claims = CwtClaims::from_slice(message.unverified_payload()).ok()?;
    CertificatePayload::from_claims(&claims).ok().map(|p| p.status.uri)
}

async fn refresh_status_lists(
    wallet: &mut Wallet,
    client: &BackendClient,
    trust: &VerifiedTrustList,
    now: i64,
) -> Result<u32, SyncFailure> {
    let uris: BTreeSet<String> = wallet.list()?.iter().filter_map(|c| status_uri(&c.issued)).collect();
    let mut stored = 0;
    for uri in uris {
        let document = match client.status_list(&uri).await {
            Ok(d) => d,
            // A list published elsewhere is not ours to fetch; the verdict will say "unchecked".
            Err(ClientError::ForeignUrl) => continue,
            Err(e) => return Err(e.into()),
        };
        let Some(key) = trust.status_list_key(&document.bytes) else { continue };
        let Ok(list) = VerifiedStatusList::verify(&document.bytes, key, now) else { continue };
        if list.claims().uri != uri {
            continue;
        }
        match wallet.save_status_list(&CachedCopy::new(list, now)) {
            Ok(()) => stored += 1,
            Err(StoreError::OlderList(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(stored)
}

async fn push_outbox(wallet: &mut Wallet, client: &BackendClient, token: &str) -> Result<u32, SyncFailure> {
    let mut pushed = 0;
    loop {
        let pending = wallet.pending_outbox(PUSH_BATCH)?;
        if pending.is_empty() {
            return Ok(pushed);
        }
        let items = pending
            .into_iter()
            .map(|r| OutboxItem { idempotency_key: r.idempotency_key, kind: r.kind, payload: r.payload })
            .collect();
        let response = client.push(token, items).await?;
        let keys: Vec<String> = response.receipts.into_iter().map(|r| r.idempotency_key).collect();
        if keys.is_empty() {
            return Err(ClientError::Malformed("push answered no receipts").into());
        }
        pushed += u32::try_from(keys.len()).unwrap_or(u32::MAX);
        wallet.remove_outbox(&keys)?;
    }
}

/// Unregisters this wallet's device from the backend it is enrolled with (signing in with the
/// device key first). The wallet itself is left as it is: erasing it is the caller's step.
///
/// # Errors
/// [`SyncFailure::NotEnrolled`], or [`SyncFailure::Client`] (offline: nothing changed).
pub async fn unregister(wallet: &mut Wallet) -> Result<(), SyncFailure> {
    let enrolment = wallet.enrolment()?.ok_or(SyncFailure::NotEnrolled)?;
    let client = BackendClient::new(&enrolment.backend_url)?;
    let token = client.device_token(enrolment.device_id, wallet.device_key()).await?;
    client.remove_device(&token, enrolment.device_id).await?;
    Ok(())
}

/// Signs liveness evidence with the wallet's device key.
fn sign_evidence(wallet: &Wallet, evidence: &Evidence) -> Result<Vec<u8>, SyncFailure> {
    evidence
        .sign(wallet.device_key(), b"device")
        .map_err(|e| SyncFailure::Client(ClientError::Sign(e.to_string())))
}

/// Signs in with the device key of an enrolled wallet.
async fn sign_in(wallet: &mut Wallet, client: &BackendClient) -> Result<String, SyncFailure> {
    let enrolment = wallet.enrolment()?.ok_or(SyncFailure::NotEnrolled)?;
    if enrolment.backend_url != client.base_url() {
        return Err(SyncFailure::OtherBackend);
    }
    Ok(client.device_token(enrolment.device_id, wallet.device_key()).await?)
}

/// First half of enrolment by the face (identity proofing instead of an enrolment code): a
/// liveness challenge for this wallet's device key. Run the on-device session on it, then call
/// [`finish_liveness_enrolment`] with its evidence.
///
/// # Errors
/// [`SyncFailure::Client`]: unknown citizen, no registry photo, attempts used up, offline.
pub async fn begin_liveness_enrolment(
    wallet: &mut Wallet,
    client: &BackendClient,
    id_number: &str,
    label: &str,
) -> Result<LivenessChallenge, SyncFailure> {
    Ok(client.liveness_enrolment_challenge(id_number, &wallet.device_public_key(), label).await?)
}

/// Second half: signs the session's evidence with the device key and sends it; when the
/// backend's judge passes it, the device is registered, the national root key pinned and the
/// enrolment recorded in the wallet.
///
/// # Errors
/// [`SyncFailure::Client`] with [`crate::http::is_liveness_failure`] when the check did not pass;
/// nothing is recorded then.
pub async fn finish_liveness_enrolment(
    wallet: &mut Wallet,
    client: &BackendClient,
    check_id: i64,
    evidence: &Evidence,
) -> Result<Enrolment, SyncFailure> {
    let signed = sign_evidence(wallet, evidence)?;
    let root_key = client.root_key().await?;
    let device_id = client.answer_liveness_enrolment(check_id, signed).await?;
    let enrolment = Enrolment { backend_url: client.base_url().to_owned(), device_id, root_key };
    wallet.set_enrolment(&enrolment)?;
    Ok(enrolment)
}

/// The verification requests for the wallet's citizen: open registration cases naming them.
///
/// # Errors
/// [`SyncFailure`].
pub async fn identity_requests(
    wallet: &mut Wallet,
    client: &BackendClient,
) -> Result<Vec<IdentityRequestView>, SyncFailure> {
    let token = sign_in(wallet, client).await?;
    Ok(client.identity_requests(&token).await?)
}

/// First half of confirming a registration case: a liveness challenge for it.
///
/// # Errors
/// [`SyncFailure`]: not the citizen's case, confirmed already, offline…
pub async fn begin_case_confirmation(
    wallet: &mut Wallet,
    client: &BackendClient,
    case_id: i64,
) -> Result<LivenessChallenge, SyncFailure> {
    let token = sign_in(wallet, client).await?;
    Ok(client.case_challenge(&token, case_id).await?)
}

/// Second half: signs the evidence and sends it; `Ok` when the backend's judge passed it and the
/// citizen's roles in the case are confirmed.
///
/// # Errors
/// As [`finish_liveness_enrolment`].
pub async fn finish_case_confirmation(
    wallet: &mut Wallet,
    client: &BackendClient,
    check_id: i64,
    evidence: &Evidence,
) -> Result<(), SyncFailure> {
    let signed = sign_evidence(wallet, evidence)?;
    let token = sign_in(wallet, client).await?;
    Ok(client.answer_case(&token, check_id, signed).await?)
}
