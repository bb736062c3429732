//! Crash safety of the real server: `shimin-backend serve` runs as a child process on SQLite and
//! on a real PostgreSQL, is killed with SIGKILL at random moments while staff issue and change
//! certificates or a device pushes its outbox, and is started again on the same database. After
//! each restart: nothing the client saw acknowledged is lost, nothing half-done is visible (a
//! certificate without its device copy or without its entry in the served status list; an
//! outbox item stored twice), and every retried request takes effect exactly once.
//!
//! Bounded: `KILLS` kills per scenario, loopback only. The randomness is seeded and the seed
//! printed; `SHIMIN_CRASH_SEED=N` replays a run.
//!
//! Enrolment by code is killed the same way while a citizen mints codes and enrols phone after
//! phone: after each restart every device the client saw acknowledged is there, every stored
//! device holds a copy of each current certificate of the citizen, each earlier device has
//! exactly one notice of each later one, one code is spent per device, and the database passes
//! its integrity check (SQLite's `PRAGMA integrity_check` and `foreign_key_check`, PostgreSQL's
//! `amcheck` on every index). An enrolment whose answer was lost is either all there (its code
//! then refuses another phone) or not at all (the same code then enrols the same phone).
//!
//! Liveness judgement is killed while a new phone enrols by the face: the test film streamed
//! in real time to a server-paced check judged with the real face models, the kill placed
//! anywhere in the check (before its first batch, mid-stream while frames are measured, during
//! the face match, around the enrolling transaction). After each restart, before any retry:
//! the check is either never answered, or has an outcome — passed with its device and the
//! device's certificate copies, or failed with no device — never answered and left undecided
//! (the start-up recovery records a stream the stop cut off as failed); a batch sent on for the
//! cut-off stream is refused and enrols nothing; the devices, copies, notices and the
//! database's integrity hold as for enrolment by code; and after every kill an honest check
//! still passes.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // Test code.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Postgres, paced};
use shimin_backend::service::issuance::certificate_id_of;
use shimin_backend::store::{DatabaseUrl, EventKind, Store, StoredStatus};
use shimin_client::LivenessChallenge;
use shimin_core::crypto::VerifyingKey;
use shimin_core::liveness::Action;
use shimin_core::status_list::{Status, VerifiedStatusList};
use shimin_wire::backend::{CertificateView, SyncPullResponse, SyncPushResponse};
use shimin_wire::backend::{LivenessChallengeResponse, LivenessPaceResponse};

/// Kills per scenario.
const KILLS: usize = 20;
/// Kills during liveness judgement (each round streams a check of several seconds).
const LIVENESS_KILLS: usize = 6;
/// The demo police issuer the `seed` command creates.
const STAFF: (&str, &str) = ("police-issuer", "demo-police-2024");
/// The header that carries a client-chosen issuance key.
const IDEMPOTENCY_KEY: &str = shimin_wire::backend::IDEMPOTENCY_KEY_HEADER;

/// A small seeded generator (SplitMix64): enough to place kills and pick actions reproducibly.
struct Rng(u64);

impl Rng {
    fn from_env(scenario: &str) -> Self {
        let seed =
            std::env::var("SHIMIN_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        eprintln!("{scenario}: SHIMIN_CRASH_SEED={seed} replays this run");
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Where the server's data lives: a SQLite file or a database of a PostgreSQL of the test's own.
struct Database {
    url: String,
    /// The server's key file (the private keys never sit in the database), kept across restarts.
    key_file: String,
    _dir: tempfile::TempDir,
    _postgres: Option<Postgres>,
}

impl Database {
    async fn new(postgres: bool) -> Self {
        let dir = common::temp_dir("crash");
        let key_file = dir.path().join("backend.keys").display().to_string();
        if postgres {
            let pg = Postgres::start();
            let url = pg.create_database().await;
            Self { url, key_file, _dir: dir, _postgres: Some(pg) }
        } else {
            let url = format!("sqlite://{}", dir.path().join("backend.db").display());
            Self { url, key_file, _dir: dir, _postgres: None }
        }
    }

    /// The store, opened beside the running server, for checks the API does not answer.
    async fn store(&self) -> Arc<dyn Store> {
        self.url.parse::<DatabaseUrl>().expect("url").open().await.expect("open the store")
    }
}

/// The real server binary as a child process on a fixed loopback port.
struct Server {
    child: Option<Child>,
    database: String,
    key_file: String,
    port: u16,
    base: String,
    /// Settings given to `serve` besides the database, address and key file.
    serve_args: Vec<String>,
}

impl Server {
    fn binary() -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_shimin-backend"));
        c.env("RUST_LOG", "warn").stdin(Stdio::null()).stdout(Stdio::null());
        c
    }

    /// Seeds the demo world (staff, citizens) with the real `seed` command, then starts serving.
    async fn seeded(database: &Database) -> Self {
        Self::seeded_with(database, &[]).await
    }

    /// [`Server::seeded`], served with `serve_args` too.
    async fn seeded_with(database: &Database, serve_args: &[&str]) -> Self {
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
        let base = format!("http://127.0.0.1:{port}");
        let out = Self::binary()
            .args(["seed", "--citizens", "5", "--database", &database.url, "--public-url", &base])
            .args(["--key-file", &database.key_file])
            .stdout(Stdio::piped())
            .output()
            .expect("run seed");
        assert!(out.status.success(), "seed failed: {}", String::from_utf8_lossy(&out.stderr));
        let mut server = Self {
            child: None,
            database: database.url.clone(),
            key_file: database.key_file.clone(),
            port,
            base,
            serve_args: serve_args.iter().map(|a| (*a).to_owned()).collect(),
        };
        server.start().await;
        server
    }

    /// Starts the server and waits until it answers.
    async fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = Self::binary()
            .args(["serve", "--database", &self.database, "--listen", &format!("127.0.0.1:{}", self.port)])
            .args(["--public-url", &self.base, "--key-file", &self.key_file])
            .args(&self.serve_args)
            .spawn()
            .expect("spawn shimin-backend serve");
        self.child = Some(child);
        let http = client();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = http.get(format!("{}/v1/trust-list", self.base)).send().await
                && r.status().is_success()
            {
                return;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("the server exited at start: {status}");
            }
            assert!(Instant::now() < deadline, "the server did not answer within 30 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no shutdown, no flush, no destructor runs.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("kill -9");
            child.wait().expect("reap");
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A client that keeps no idle connection: every request after a restart opens a fresh one, so
/// none goes out on a connection the killed server left behind.
fn client() -> reqwest::Client {
    reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("client")
}

/// A staff bearer token for the demo police issuer. Tokens are stored, so one outlives restarts.
async fn staff_token(http: &reqwest::Client, server: &Server) -> String {
    let body: serde_json::Value = http
        .post(server.url("/v1/staff/login"))
        .json(&serde_json::json!({"login": STAFF.0, "password": STAFF.1}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login json");
    body["token"].as_str().expect("token").to_owned()
}

/// A demo citizen's full ID number (the first of `seed`'s named citizens).
fn holder() -> String {
    let first17 = "42010619900307123";
    let check = shimin_core::id_number::check_character(first17).expect("check character");
    format!("{first17}{check}")
}

/// Waits a random time up to 400 ms, then kills the server; the workload meanwhile runs until
/// its requests fail.
async fn kill_during<T>(
    server: &mut Server,
    rng: &mut Rng,
    workload: impl std::future::Future<Output = T>,
) -> T {
    kill_after(server, Duration::from_millis(10 + rng.below(400)), workload).await
}

/// Kills the server `delay` from now, or when `workload` ends if sooner; the workload
/// meanwhile runs until its requests fail.
async fn kill_after<T>(
    server: &mut Server,
    delay: Duration,
    workload: impl std::future::Future<Output = T>,
) -> T {
    let mut workload = std::pin::pin!(workload);
    tokio::select! {
        out = &mut workload => {
            server.kill();
            return out;
        }
        () = tokio::time::sleep(delay) => {}
    }
    server.kill();
    workload.await
}

// ---- Issuance ----------------------------------------------------------------------------

/// What the staff client knows: requests it saw answered, and requests whose answer it lost.
#[derive(Default)]
struct IssuanceLedger {
    /// Issuance request number → the certificate acknowledged for it.
    issued: BTreeMap<u64, CertificateView>,
    /// Issuance requests sent without an answer (to retry with the same key).
    unanswered: BTreeSet<u64>,
    /// Certificate row id → the status the client last saw acknowledged, or the one it asked
    /// for without an answer (retried after the restart).
    status: BTreeMap<i64, (StoredStatus, bool)>,
    /// The next request number.
    next: u64,
}

fn issue_body(holder: &str, n: u64) -> serde_json::Value {
    serde_json::json!({
        "holder_id_number": holder,
        "valid_from": "2026-01-01",
        "valid_until": "2036-01-01",
        "fields": {"type": "residence-permit", "residence_address": format!("崩溃测试路{n}号")},
    })
}

/// Issues request `n` (with its key); `None` when no answer came.
async fn issue(
    http: &reqwest::Client,
    server_url: &str,
    staff: &str,
    holder: &str,
    key: &str,
    n: u64,
) -> Option<CertificateView> {
    let response = http
        .post(format!("{server_url}/v1/staff/certificates"))
        .bearer_auth(staff)
        .header(IDEMPOTENCY_KEY, key)
        .json(&issue_body(holder, n))
        .send()
        .await
        .ok()?;
    let status = response.status();
    let body = response.bytes().await.ok()?;
    assert!(status.is_success(), "issuance {n} refused: {status} {}", String::from_utf8_lossy(&body));
    Some(serde_json::from_slice(&body).expect("certificate view"))
}

/// Suspends or reinstates; `Some(true)` when acknowledged, `Some(false)` when the certificate was
/// already in that state (a retry whose first attempt landed), `None` when no answer came.
async fn change(
    http: &reqwest::Client,
    server_url: &str,
    staff: &str,
    id: i64,
    to: StoredStatus,
) -> Option<bool> {
    let action = if to == StoredStatus::Suspended { "suspend" } else { "reinstate" };
    let response = http
        .post(format!("{server_url}/v1/staff/certificates/{id}/status"))
        .bearer_auth(staff)
        .json(&serde_json::json!({"action": action}))
        .send()
        .await
        .ok()?;
    let status = response.status();
    let body = response.bytes().await.ok()?;
    match status {
        s if s.is_success() => Some(true),
        reqwest::StatusCode::CONFLICT => Some(false),
        s => panic!("status change refused: {s} {}", String::from_utf8_lossy(&body)),
    }
}

fn key_of(seed: u64, n: u64) -> String {
    format!("crash-{seed:x}-{n}")
}

/// The staff workload between two kills: issue, and now and then suspend or reinstate one of
/// the acknowledged certificates, until the server is gone.
async fn issuance_workload(
    http: &reqwest::Client,
    base: &str,
    staff: &str,
    holder: &str,
    seed: u64,
    ledger: &mut IssuanceLedger,
    rng: &mut Rng,
) {
    loop {
        if rng.below(3) == 0 && !ledger.status.is_empty() {
            let ids: Vec<i64> = ledger.status.keys().copied().collect();
            let id = ids[rng.below(ids.len() as u64) as usize];
            let (current, _) = ledger.status[&id];
            let to =
                if current == StoredStatus::Valid { StoredStatus::Suspended } else { StoredStatus::Valid };
            match change(http, base, staff, id, to).await {
                Some(true) => {
                    ledger.status.insert(id, (to, true));
                }
                Some(false) => {
                    panic!("certificate {id}: the client saw {current:?} acknowledged, the server disagrees")
                }
                None => {
                    ledger.status.insert(id, (to, false));
                    return;
                }
            }
        } else {
            let n = ledger.next;
            ledger.next += 1;
            match issue(http, base, staff, holder, &key_of(seed, n), n).await {
                Some(view) => {
                    ledger.status.insert(view.id, (StoredStatus::Valid, true));
                    ledger.issued.insert(n, view);
                }
                None => {
                    ledger.unanswered.insert(n);
                    return;
                }
            }
        }
    }
}

/// Retries what was left unanswered, with the same keys.
async fn retry_issuance(
    http: &reqwest::Client,
    server: &Server,
    staff: &str,
    holder: &str,
    seed: u64,
    ledger: &mut IssuanceLedger,
) {
    for n in std::mem::take(&mut ledger.unanswered) {
        let view =
            issue(http, &server.base, staff, holder, &key_of(seed, n), n).await.expect("retry answered");
        ledger.status.entry(view.id).or_insert((StoredStatus::Valid, true));
        ledger.issued.insert(n, view);
    }
    let pending: Vec<(i64, StoredStatus)> =
        ledger.status.iter().filter(|(_, (_, acked))| !acked).map(|(id, (s, _))| (*id, *s)).collect();
    for (id, to) in pending {
        change(http, &server.base, staff, id, to).await.expect("retry answered");
        ledger.status.insert(id, (to, true));
    }
}

/// Everything the device has been sent, from the start of its feed.
async fn pull_all(http: &reqwest::Client, server: &Server, token: &str) -> BTreeSet<String> {
    let mut cursor = String::new();
    let mut certificates = BTreeSet::new();
    loop {
        let page: SyncPullResponse = http
            .get(server.url("/v1/sync/pull"))
            .query(&[("cursor", &cursor)])
            .bearer_auth(token)
            .send()
            .await
            .expect("pull")
            .json()
            .await
            .expect("pull json");
        certificates.extend(page.certificates.into_iter().map(|c| c.certificate_id));
        cursor = page.cursor;
        if !page.more {
            return certificates;
        }
    }
}

/// The invariants after a restart (and the retries).
#[allow(clippy::too_many_arguments)] // The test's whole state, spelled out.
async fn check_issuance(
    http: &reqwest::Client,
    server: &Server,
    store: &Arc<dyn Store>,
    staff: &str,
    device_token: &str,
    holder: &str,
    before: usize,
    ledger: &IssuanceLedger,
    round: usize,
) {
    // Acknowledged certificates are there, in the status last acknowledged.
    for (n, view) in &ledger.issued {
        let now: CertificateView = http
            .get(server.url(&format!("/v1/staff/certificates/{}", view.id)))
            .bearer_auth(staff)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .unwrap_or_else(|e| {
                panic!("round {round}: acknowledged certificate of request {n} is gone: {e}")
            });
        assert_eq!(now.certificate_id, view.certificate_id, "round {round}: request {n}");
    }
    // Each request made exactly one certificate.
    let records = store.certificates_of(holder).await.expect("certificates");
    assert_eq!(
        records.len(),
        before + ledger.issued.len(),
        "round {round}: {} issuance requests, {} new certificates (a retried issuance took effect twice, or an \
         acknowledged one was lost)",
        ledger.issued.len(),
        records.len() - before,
    );
    // Every certificate reached the device, and the served status list says what the store says.
    let sent = pull_all(http, server, device_token).await;
    let keys: Vec<VerifyingKey> = store
        .issuer_keys()
        .await
        .expect("keys")
        .iter()
        .filter_map(|k| VerifyingKey::p256_from_sec1(&k.public_key).ok())
        .collect();
    let mut lists = BTreeMap::new();
    for record in &records {
        if record.replaced_by.is_some() {
            continue;
        }
        let id = certificate_id_of(record).expect("certificate id").to_string();
        assert!(sent.contains(&id), "round {round}: certificate row {} has no copy on the device", record.id);
        if let std::collections::btree_map::Entry::Vacant(vacant) = lists.entry(record.status_list_id) {
            let bytes = http
                .get(server.url(&format!("/v1/status-lists/{}", record.status_list_id)))
                .send()
                .await
                .expect("status list")
                .bytes()
                .await
                .expect("status list bytes");
            let list = keys
                .iter()
                .find_map(|k| VerifiedStatusList::verify_ignoring_expiry(&bytes, k).ok())
                .expect("a status list signed by the department");
            vacant.insert(list);
        }
        let served = lists[&record.status_list_id].status_at(record.status_index as usize).expect("index");
        let stored = match record.status {
            StoredStatus::Valid => Status::Valid,
            StoredStatus::Revoked => Status::Invalid,
            StoredStatus::Suspended => Status::Suspended,
        };
        assert_eq!(
            served, stored,
            "round {round}: certificate row {}: the served status list disagrees",
            record.id
        );
        if let Some((expected, true)) = ledger.status.get(&record.id) {
            assert_eq!(
                record.status, *expected,
                "round {round}: certificate row {}: acknowledged status lost",
                record.id
            );
        }
    }
}

async fn issuance_under_kills(postgres: bool) {
    let started = Instant::now();
    let mut rng = Rng::from_env(if postgres { "issuance/postgres" } else { "issuance/sqlite" });
    let seed = rng.0;
    let database = Database::new(postgres).await;
    let mut server = Server::seeded(&database).await;
    let http = client();
    let staff = staff_token(&http, &server).await;
    let holder = holder();
    let (_phone, _device_id, device_token) =
        common::enrol_by_code_at(&http, &server.base, &staff, &holder).await;
    let store = database.store().await;
    let before = store.certificates_of(&holder).await.expect("certificates").len();
    let mut ledger = IssuanceLedger::default();
    for round in 0..KILLS {
        let base = server.base.clone();
        kill_during(&mut server, &mut rng.clone_state(), async {
            issuance_workload(&http, &base, &staff, &holder, seed, &mut ledger, &mut rng).await;
        })
        .await;
        server.start().await;
        retry_issuance(&http, &server, &staff, &holder, seed, &mut ledger).await;
        check_issuance(&http, &server, &store, &staff, &device_token, &holder, before, &ledger, round).await;
    }
    eprintln!(
        "{} issuance requests over {KILLS} kills in {:.1} s",
        ledger.next,
        started.elapsed().as_secs_f64()
    );
}

/// The retry the crash test relies on, made deterministic: the same request under the same key
/// issues once and answers the first certificate; the key under another request is refused.
async fn issuance_retried_with_its_key_happens_once(postgres: bool) {
    let database = Database::new(postgres).await;
    let server = Server::seeded(&database).await;
    let http = client();
    let staff = staff_token(&http, &server).await;
    let holder = holder();
    let store = database.store().await;
    let before = store.certificates_of(&holder).await.expect("certificates").len();
    let first = issue(&http, &server.base, &staff, &holder, "retry-1", 1).await.expect("answered");
    let again = issue(&http, &server.base, &staff, &holder, "retry-1", 1).await.expect("answered");
    assert_eq!(again, first, "the retry answers the first certificate");
    let response = http
        .post(server.url("/v1/staff/certificates"))
        .bearer_auth(&staff)
        .header(IDEMPOTENCY_KEY, "retry-1")
        .json(&issue_body(&holder, 2))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), reqwest::StatusCode::CONFLICT, "a key names one request");
    let other = issue(&http, &server.base, &staff, &holder, "retry-2", 2).await.expect("answered");
    assert_ne!(other.id, first.id);
    let after = store.certificates_of(&holder).await.expect("certificates").len();
    assert_eq!(after, before + 2, "two keys, two certificates");
}

/// The served status list's entry for `view`.
async fn served_status(
    http: &reqwest::Client,
    server: &Server,
    store: &Arc<dyn Store>,
    view: &CertificateView,
) -> Status {
    let bytes = http
        .get(server.url(&format!("/v1/status-lists/{}", view.status_list_id)))
        .send()
        .await
        .expect("status list")
        .bytes()
        .await
        .expect("status list bytes");
    let keys = store.issuer_keys().await.expect("keys");
    let list = keys
        .iter()
        .filter_map(|k| VerifyingKey::p256_from_sec1(&k.public_key).ok())
        .find_map(|k| VerifiedStatusList::verify_ignoring_expiry(&bytes, &k).ok())
        .expect("a status list signed by the department");
    list.status_at(view.status_index as usize).expect("index")
}

/// A status change commits, then its status list is re-signed: the kill the random test found
/// between the two, made deterministic. The change is committed in the store as the server
/// would have, the server killed before it re-signed; after the restart the served list must
/// say what the store says (a retried suspension finds nothing to change and re-signs nothing,
/// so without recovery at start the list stayed wrong until its ttl ran out).
async fn status_change_committed_before_a_kill_is_served_after_restart(postgres: bool) {
    let database = Database::new(postgres).await;
    let mut server = Server::seeded(&database).await;
    let http = client();
    let staff = staff_token(&http, &server).await;
    let holder = holder();
    let store = database.store().await;
    let view = issue(&http, &server.base, &staff, &holder, "suspend-1", 1).await.expect("answered");
    assert_eq!(served_status(&http, &server, &store, &view).await, Status::Valid);
    server.kill();
    assert!(
        store
            .set_status(view.id, StoredStatus::Valid, StoredStatus::Suspended, Vec::new())
            .await
            .expect("commit the change")
    );
    server.start().await;
    assert_eq!(
        served_status(&http, &server, &store, &view).await,
        Status::Suspended,
        "the served list says what was committed before the kill"
    );
    assert_eq!(change(&http, &server.base, &staff, view.id, StoredStatus::Suspended).await, Some(false));
}

// ---- Sync push ---------------------------------------------------------------------------

/// The device's view: items acknowledged (key → receipt id and time) and items pushed without an
/// answer.
#[derive(Default)]
struct OutboxLedger {
    acknowledged: BTreeMap<String, (i64, i64)>,
    unanswered: BTreeSet<String>,
    next: u64,
}

fn item(key: &str) -> serde_json::Value {
    serde_json::json!({"idempotency_key": key, "kind": "presentation-log", "payload": format!("{{\"key\":\"{key}\"}}")})
}

/// Pushes `keys`; the receipts, or `None` when no answer came.
async fn push(http: &reqwest::Client, base: &str, token: &str, keys: &[String]) -> Option<SyncPushResponse> {
    let items: Vec<_> = keys.iter().map(|k| item(k)).collect();
    let response = http
        .post(format!("{base}/v1/sync/push"))
        .bearer_auth(token)
        .json(&serde_json::json!({"items": items}))
        .send()
        .await
        .ok()?;
    let status = response.status();
    let body = response.bytes().await.ok()?;
    assert!(status.is_success(), "push refused: {status} {}", String::from_utf8_lossy(&body));
    Some(serde_json::from_slice(&body).expect("push json"))
}

fn record_receipts(ledger: &mut OutboxLedger, receipts: SyncPushResponse, round: usize) {
    for r in receipts.receipts {
        ledger.unanswered.remove(&r.idempotency_key);
        if let Some(first) =
            ledger.acknowledged.insert(r.idempotency_key.clone(), (r.receipt_id, r.received_at))
        {
            assert_eq!(
                first,
                (r.receipt_id, r.received_at),
                "round {round}: a re-pushed item got a new receipt"
            );
        }
    }
}

async fn push_workload(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    seed: u64,
    ledger: &mut OutboxLedger,
    rng: &mut Rng,
    round: usize,
) {
    loop {
        let mut keys: Vec<String> = (0..1 + rng.below(20))
            .map(|_| {
                ledger.next += 1;
                format!("outbox-{seed:x}-{}", ledger.next)
            })
            .collect();
        // Now and then an already acknowledged item again, as a device does that lost its answer.
        if rng.below(4) == 0
            && let Some(k) =
                ledger.acknowledged.keys().nth(rng.below(ledger.acknowledged.len() as u64) as usize)
        {
            keys.push(k.clone());
        }
        match push(http, base, token, &keys).await {
            Some(receipts) => record_receipts(ledger, receipts, round),
            None => {
                ledger.unanswered.extend(keys.into_iter().filter(|k| !ledger.acknowledged.contains_key(k)));
                return;
            }
        }
    }
}

async fn push_under_kills(postgres: bool) {
    let started = Instant::now();
    let mut rng = Rng::from_env(if postgres { "push/postgres" } else { "push/sqlite" });
    let seed = rng.0;
    let database = Database::new(postgres).await;
    let mut server = Server::seeded(&database).await;
    let http = client();
    let staff = staff_token(&http, &server).await;
    let (_phone, device_id, token) = common::enrol_by_code_at(&http, &server.base, &staff, &holder()).await;
    let store = database.store().await;
    let mut ledger = OutboxLedger::default();
    for round in 0..KILLS {
        let base = server.base.clone();
        kill_during(&mut server, &mut rng.clone_state(), async {
            push_workload(&http, &base, &token, seed, &mut ledger, &mut rng, round).await;
        })
        .await;
        server.start().await;
        // The device retries what it did not see acknowledged, with the same keys, and once more
        // a sample of what it did (each must come back with its first receipt).
        let mut again: Vec<String> = ledger.unanswered.iter().cloned().collect();
        let step = (ledger.acknowledged.len() / 200).max(1);
        again.extend(ledger.acknowledged.keys().skip(rng.below(step as u64) as usize).step_by(step).cloned());
        for chunk in again.chunks(shimin_backend::service::sync::MAX_PUSH_ITEMS) {
            let receipts = push(&http, &server.base, &token, chunk).await.expect("retry answered");
            record_receipts(&mut ledger, receipts, round);
        }
        assert!(ledger.unanswered.is_empty(), "round {round}: retried items without a receipt");
        let stored = store.count_outbox(device_id).await.expect("count");
        assert_eq!(
            stored,
            ledger.acknowledged.len() as u64,
            "round {round}: the outbox holds {stored} items for {} distinct keys",
            ledger.acknowledged.len()
        );
    }
    eprintln!("{} outbox items over {KILLS} kills in {:.1} s", ledger.next, started.elapsed().as_secs_f64());
}

// ---- Enrolment by code -------------------------------------------------------------------

/// A device the citizen enrolled: its key, the label that names it in the other devices'
/// notices, and its id once known.
struct Enrolled {
    phone: common::Phone,
    label: String,
    id: i64,
}

/// An enrolment sent without an answer: the code it spent or did not, and the phone it is for.
struct Unanswered {
    code: String,
    phone: common::Phone,
    label: String,
}

/// What the citizen knows: the devices enrolled, in the order they were (the first enrolled
/// before the kills began), and the enrolment whose answer was lost.
#[derive(Default)]
struct EnrolmentLedger {
    devices: Vec<Enrolled>,
    unanswered: Option<Unanswered>,
    next: u64,
}

/// The workload between two kills: mint a code, enrol a new phone with it, again, until the
/// server is gone.
async fn enrolment_workload(
    http: &reqwest::Client,
    base: &str,
    staff: &str,
    holder: &str,
    ledger: &mut EnrolmentLedger,
    rng: &mut Rng,
) {
    loop {
        // A code minted without an answer is never used: the next one withdraws it.
        let Some(code) = common::enrolment_code_at(http, base, staff, holder).await else { return };
        ledger.next += 1;
        let label = format!("crash-{}", ledger.next);
        let phone = common::Phone::new();
        // Paced, so that the kill falls as often between enrolments as inside one, and a round
        // stays within the enrolment rate limit's burst (the limiter starts afresh with the server).
        tokio::time::sleep(Duration::from_millis(rng.below(40))).await;
        let mut answer = common::register_device_at(http, base, holder, &code, &phone, &label).await;
        while let Some((reqwest::StatusCode::TOO_MANY_REQUESTS, _)) = answer {
            // Refused before it reached the code: the same code, later.
            tokio::time::sleep(Duration::from_millis(200)).await;
            answer = common::register_device_at(http, base, holder, &code, &phone, &label).await;
        }
        match answer {
            Some((status, body)) => {
                assert_eq!(status, reqwest::StatusCode::CREATED, "enrolment {label} refused: {body}");
                let id = body["device_id"].as_i64().expect("device_id");
                ledger.devices.push(Enrolled { phone, label, id });
            }
            None => {
                ledger.unanswered = Some(Unanswered { code, phone, label });
                return;
            }
        }
    }
}

/// What a device's feed holds: the certificates it has a copy of, and its notices.
async fn feed_of(store: &Arc<dyn Store>, holder: &str, device_id: i64) -> (BTreeSet<i64>, Vec<String>) {
    let (mut copies, mut notices, mut after) = (BTreeSet::new(), Vec::new(), 0);
    loop {
        let events = store.events(holder, device_id, after, 1000).await.expect("events");
        let Some(last) = events.last() else { return (copies, notices) };
        after = last.seq;
        for event in events {
            match event.kind {
                EventKind::CertificateCopy => {
                    copies.insert(event.certificate_id.expect("a copy names its certificate"));
                }
                EventKind::Notification => notices.extend(event.message),
                EventKind::StatusChange => {}
            }
        }
    }
}

/// `PRAGMA integrity_check` on the SQLite file; on PostgreSQL, `amcheck`'s `bt_index_check` on
/// every B-tree index of the schema (PostgreSQL has no whole-database check).
async fn check_integrity(database: &Database, round: usize) {
    if let Some(path) = database.url.strip_prefix("sqlite://") {
        let connection = rusqlite::Connection::open(path).expect("open the SQLite file");
        let verdict: String =
            connection.query_row("PRAGMA integrity_check", [], |row| row.get(0)).expect("integrity_check");
        assert_eq!(verdict, "ok", "round {round}: the SQLite file is damaged");
        let orphans: i64 = connection
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| row.get(0))
            .expect("foreign_key_check");
        assert_eq!(orphans, 0, "round {round}: rows whose foreign key points nowhere");
    } else {
        let (client, connection) =
            tokio_postgres::connect(&database.url, tokio_postgres::NoTls).await.expect("connect");
        let connection = tokio::spawn(connection);
        client.batch_execute("CREATE EXTENSION IF NOT EXISTS amcheck").await.expect("amcheck");
        let checked = client
            .query(
                "SELECT bt_index_check(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                 JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE a.amname = 'btree' AND n.nspname = current_schema()",
                &[],
            )
            .await
            .unwrap_or_else(|e| panic!("round {round}: an index is damaged: {e}"));
        assert!(!checked.is_empty(), "round {round}: no index checked");
        drop(client);
        let _ = connection.await;
    }
}

/// The invariants after a restart, before any retry: every device the store holds is one the
/// citizen enrolled (the acknowledged ones all there), each holds a copy of every current
/// certificate, each earlier device got exactly one notice of each later one, and one code is
/// spent per device.
async fn check_enrolments(
    database: &Database,
    store: &Arc<dyn Store>,
    holder: &str,
    codes_spent: usize,
    ledger: &EnrolmentLedger,
    round: usize,
) {
    let stored: BTreeSet<i64> =
        store.active_devices(holder).await.expect("devices").iter().map(|d| d.id).collect();
    let enrolled: BTreeSet<i64> = ledger.devices.iter().map(|d| d.id).collect();
    assert_eq!(stored, enrolled, "round {round}: the stored devices are not the ones enrolled");
    let current: BTreeSet<i64> = store
        .certificates_of(holder)
        .await
        .expect("certificates")
        .iter()
        .filter(|c| c.replaced_by.is_none() && c.status != StoredStatus::Revoked)
        .map(|c| c.id)
        .collect();
    assert!(!current.is_empty(), "the citizen has certificates to copy");
    for (i, device) in ledger.devices.iter().enumerate() {
        let (copies, notices) = feed_of(store, holder, device.id).await;
        let mut notices: Vec<String> =
            notices.into_iter().filter(|n| n.starts_with(shimin_wire::sync::NEW_DEVICE_NOTICE)).collect();
        let missing: Vec<_> = current.difference(&copies).collect();
        assert!(missing.is_empty(), "round {round}: device {} lacks copies of {missing:?}", device.label);
        let mut expected: Vec<String> = ledger.devices[i + 1..]
            .iter()
            .map(|later| format!("{}{}", shimin_wire::sync::NEW_DEVICE_NOTICE, later.label))
            .collect();
        notices.sort();
        expected.sort();
        assert_eq!(notices, expected, "round {round}: the notices device {} got", device.label);
    }
    let spent =
        store.enrolment_codes(holder).await.expect("codes").iter().filter(|c| c.used_at.is_some()).count();
    assert_eq!(
        spent,
        codes_spent,
        "round {round}: {} devices enrolled, {spent} codes spent",
        ledger.devices.len()
    );
    check_integrity(database, round).await;
}

/// Settles the enrolment whose answer was lost, by what the store holds: landed, it joins the
/// ledger; not landed, nothing of it is there. Called before the checks.
async fn settle_unanswered(
    store: &Arc<dyn Store>,
    holder: &str,
    ledger: &mut EnrolmentLedger,
) -> Option<Unanswered> {
    let pending = ledger.unanswered.take()?;
    let key = pending.phone.key.verifying_key().as_bytes().to_vec();
    let landed =
        store.active_devices(holder).await.expect("devices").into_iter().find(|d| d.public_key == key);
    match landed {
        Some(device) => {
            ledger.devices.push(Enrolled { phone: pending.phone, label: pending.label, id: device.id });
            // The code to probe with: spent, it must enrol nothing more.
            Some(Unanswered { code: pending.code, phone: common::Phone::new(), label: "spent".to_owned() })
        }
        None => Some(pending),
    }
}

async fn enrolment_under_kills(postgres: bool) {
    let started = Instant::now();
    let mut rng = Rng::from_env(if postgres { "enrolment/postgres" } else { "enrolment/sqlite" });
    let database = Database::new(postgres).await;
    let mut server = Server::seeded(&database).await;
    let http = client();
    let staff = staff_token(&http, &server).await;
    let holder = holder();
    let store = database.store().await;
    // A certificate of the citizen's own, so that every new device has a copy to receive.
    issue(&http, &server.base, &staff, &holder, "enrolment-1", 1).await.expect("answered");
    assert!(store.active_devices(&holder).await.expect("devices").is_empty(), "seed enrols no device");
    let codes_spent_before =
        store.enrolment_codes(&holder).await.expect("codes").iter().filter(|c| c.used_at.is_some()).count();
    let (phone, id, _token) = common::enrol_by_code_at(&http, &server.base, &staff, &holder).await;
    let mut ledger = EnrolmentLedger::default();
    ledger.devices.push(Enrolled { phone, label: "phone".to_owned(), id });
    let (mut landed_unanswered, mut lost_unanswered) = (0, 0);
    for round in 0..KILLS {
        let base = server.base.clone();
        kill_during(&mut server, &mut rng.clone_state(), async {
            enrolment_workload(&http, &base, &staff, &holder, &mut ledger, &mut rng).await;
        })
        .await;
        server.start().await;
        let before = ledger.devices.len();
        let pending = settle_unanswered(&store, &holder, &mut ledger).await;
        let codes_spent = codes_spent_before + ledger.devices.len();
        check_enrolments(&database, &store, &holder, codes_spent, &ledger, round).await;
        let Some(pending) = pending else { continue };
        let answer = common::register_device_at(
            &http,
            &server.base,
            &holder,
            &pending.code,
            &pending.phone,
            &pending.label,
        )
        .await
        .expect("retry answered");
        if ledger.devices.len() > before {
            // Landed: the code is spent, another phone cannot use it.
            landed_unanswered += 1;
            assert_eq!(
                answer.0,
                reqwest::StatusCode::UNAUTHORIZED,
                "round {round}: a spent code enrolled again"
            );
        } else {
            // Not landed: nothing was spent, the same code enrols the same phone.
            lost_unanswered += 1;
            assert_eq!(answer.0, reqwest::StatusCode::CREATED, "round {round}: the unspent code was refused");
            let id = answer.1["device_id"].as_i64().expect("device_id");
            ledger.devices.push(Enrolled { phone: pending.phone, label: pending.label, id });
        }
    }
    let codes_spent = codes_spent_before + ledger.devices.len();
    check_enrolments(&database, &store, &holder, codes_spent, &ledger, KILLS).await;
    // The devices enrolled are real: the last one signs in with its key.
    let last = ledger.devices.last().expect("a device");
    common::device_token_at(&http, &server.base, &last.phone, last.id).await;
    eprintln!(
        "{} enrolments over {KILLS} kills in {:.1} s ({landed_unanswered} unanswered ones had landed, \
         {lost_unanswered} had not)",
        ledger.devices.len(),
        started.elapsed().as_secs_f64()
    );
}

// ---- Liveness judgement ---------------------------------------------------------------------

/// How a phone's check ended, as the phone saw it.
#[derive(Debug)]
enum Heard {
    /// Passed: enrolled as this device.
    Enrolled(i64),
    /// No answer to its last request: the server was killed.
    Lost,
}

/// A phone's attempt at enrolling by the face: its check (if one was opened) and how it ended.
struct Attempt {
    check: Option<LivenessChallenge>,
    heard: Heard,
    /// The sequence number and capture time its next batch would carry.
    next: (u64, u64),
}

/// Streams the test film to a new enrolment check of `holder` in real time, doing what each
/// answer says, until it passes or the server is gone. An honest check is never refused.
async fn enrol_by_face(http: &reqwest::Client, base: &str, holder: &str, phone: &common::Phone) -> Attempt {
    let lost = |check, next| Attempt { check, heard: Heard::Lost, next };
    let Some(opened) = paced::ask_enrolment_at(base, http, holder, phone).await else {
        return lost(None, (0, 0));
    };
    assert_eq!(opened.status(), reqwest::StatusCode::CREATED, "the check was not opened");
    let Ok(body) = opened.json::<LivenessChallengeResponse>().await else { return lost(None, (0, 0)) };
    let check = LivenessChallenge::parse(body).expect("a well-formed challenge");
    let mut stream = paced::Stream::at(base, http, phone, check.clone(), None);
    let mut shots = paced::calibration();
    // Calibration, the actions, and room for an action or two the film shows again.
    for _ in 0..8 {
        let mut told = None;
        for chunk in shots.chunks(5) {
            tokio::time::sleep(Duration::from_millis(paced::FRAME_MS * chunk.len() as u64)).await;
            let signed = stream.batch(chunk, stream.seq, stream.captured);
            stream.seq += 1;
            stream.captured += paced::FRAME_MS * chunk.len() as u64;
            let next = (stream.seq, stream.captured);
            let Some(response) = stream.try_post(signed).await else { return lost(Some(check), next) };
            let status = response.status();
            let Ok(text) = response.text().await else { return lost(Some(check), next) };
            assert_eq!(status, reqwest::StatusCode::OK, "an honest check was refused: {text}");
            told = Some(serde_json::from_str::<LivenessPaceResponse>(&text).expect("a pace answer"));
        }
        let next = (stream.seq, stream.captured);
        shots = match told.expect("a batch was sent") {
            LivenessPaceResponse::Passed { device_id } => {
                let id = device_id.expect("an enrolment check enrols a device");
                return Attempt { check: Some(check), heard: Heard::Enrolled(id), next };
            }
            LivenessPaceResponse::Calibrating => paced::calibration(),
            LivenessPaceResponse::Act { action, .. } => {
                paced::shots_of(Action::parse(&action).expect("an action the server knows"))
            }
        };
    }
    panic!("the check neither passed nor failed");
}

/// Settles `attempt`, made with `phone`, after a restart, before any retry, by what the store
/// holds — and checks that its check is not left half-done: never answered, or answered with
/// an outcome, passed only with the phone enrolled. A batch sent on for a stream the kill cut
/// off is refused and enrols nothing.
async fn settle_face_attempt(
    http: &reqwest::Client,
    base: &str,
    store: &Arc<dyn Store>,
    holder: &str,
    (phone, attempt): (common::Phone, Attempt),
    ledger: &mut EnrolmentLedger,
    round: usize,
) {
    let key = phone.key.verifying_key().as_bytes().to_vec();
    let landed =
        store.active_devices(holder).await.expect("devices").into_iter().find(|d| d.public_key == key);
    let Some(check) = attempt.check else {
        assert!(landed.is_none(), "round {round}: a device enrolled without a check");
        return;
    };
    let stored =
        store.liveness_check(check.check_id).await.expect("read").expect("the check opened is stored");
    match (&attempt.heard, stored.answered_at, stored.passed) {
        (Heard::Enrolled(id), _, passed) => {
            assert_eq!(passed, Some(true), "round {round}: the phone was told it passed");
            assert_eq!(landed.as_ref().map(|d| d.id), Some(*id), "round {round}: the device it was told");
        }
        (Heard::Lost, None, passed) => {
            assert_eq!(passed, None, "round {round}: an outcome for a check never streamed");
            assert!(landed.is_none(), "round {round}: a device from a check never streamed");
        }
        (Heard::Lost, Some(_), None) => panic!("round {round}: the check was left answered and undecided"),
        (Heard::Lost, Some(_), Some(true)) => {
            assert!(landed.is_some(), "round {round}: passed, but its device is not there");
        }
        (Heard::Lost, Some(_), Some(false)) => {
            assert!(landed.is_none(), "round {round}: failed, but a device is there");
        }
    }
    // The stream goes on after the restart: refused, and nothing more enrolled.
    let mut stream = paced::Stream::at(base, http, &phone, check, None);
    (stream.seq, stream.captured) = attempt.next;
    let next = stream.batch(&paced::calibration(), stream.seq, stream.captured);
    let answer = stream.post(next).await.status();
    assert!(
        answer == reqwest::StatusCode::UNPROCESSABLE_ENTITY || answer == reqwest::StatusCode::CONFLICT,
        "round {round}: a batch after the restart was answered {answer}"
    );
    let after = store
        .active_devices(holder)
        .await
        .expect("devices")
        .into_iter()
        .filter(|d| d.public_key == key)
        .count();
    drop(stream);
    if let Some(device) = &landed {
        ledger.devices.push(Enrolled { phone, label: "新手机".to_owned(), id: device.id });
    }
    assert_eq!(after, usize::from(landed.is_some()), "round {round}: the cut-off stream enrolled a device");
}

async fn liveness_under_kills(postgres: bool) {
    let started = Instant::now();
    let mut rng = Rng::from_env(if postgres { "liveness/postgres" } else { "liveness/sqlite" });
    let database = Database::new(postgres).await;
    let holder = holder();
    let photo = database._dir.path().join("registry.jpg");
    std::fs::write(&photo, &shimin_testkit::film::scene().registry).expect("write the registry photo");
    // The actions the film can show; room for every check this test opens.
    let mut server = Server::seeded_with(
        &database,
        &[
            "--liveness-actions",
            "blink,mouth,nod",
            "--liveness-enrolment-attempts-per-day",
            "1000",
            "--liveness-source-attempts-per-day",
            "1000",
        ],
    )
    .await;
    // The film's face as the citizen's registry photo, put with the operator's command.
    let out = Server::binary()
        .args(["registry-photo", "--database", &database.url, "--id-number", &holder])
        .arg("--photo")
        .arg(&photo)
        .output()
        .expect("run registry-photo");
    assert!(out.status.success(), "registry-photo failed: {}", String::from_utf8_lossy(&out.stderr));
    let http = client();
    let staff = staff_token(&http, &server).await;
    let store = database.store().await;
    issue(&http, &server.base, &staff, &holder, "liveness-1", 1).await.expect("answered");
    let codes_spent_before =
        store.enrolment_codes(&holder).await.expect("codes").iter().filter(|c| c.used_at.is_some()).count();
    // The citizen's first phone, by code: it is told of every phone enrolled by the face after.
    let (phone, id, _token) = common::enrol_by_code_at(&http, &server.base, &staff, &holder).await;
    let mut ledger = EnrolmentLedger::default();
    ledger.devices.push(Enrolled { phone, label: "phone".to_owned(), id });
    let codes_spent = codes_spent_before + 1;

    // A check with no kill: it passes, and says how long one takes here.
    let timed = Instant::now();
    let phone = common::Phone::new();
    let attempt = enrol_by_face(&http, &server.base, &holder, &phone).await;
    let Heard::Enrolled(id) = attempt.heard else {
        panic!("an honest check did not pass: {:?}", attempt.heard)
    };
    ledger.devices.push(Enrolled { phone, label: "新手机".to_owned(), id });
    let whole = timed.elapsed();
    let (mut passed, mut failed, mut unanswered) = (0, 0, 0);
    for round in 0..LIVENESS_KILLS {
        let phone = common::Phone::new();
        let delay =
            Duration::from_millis(rng.below(u64::try_from(whole.as_millis()).unwrap_or(10_000) + 500));
        let base = server.base.clone();
        let attempt = kill_after(&mut server, delay, enrol_by_face(&http, &base, &holder, &phone)).await;
        server.start().await;
        let before = ledger.devices.len();
        let check_id = attempt.check.as_ref().map(|c| c.check_id);
        settle_face_attempt(&http, &server.base, &store, &holder, (phone, attempt), &mut ledger, round).await;
        let answered = match check_id {
            Some(id) => {
                store.liveness_check(id).await.expect("read").is_some_and(|c| c.answered_at.is_some())
            }
            None => false,
        };
        match (ledger.devices.len() > before, answered) {
            (true, _) => passed += 1,
            (false, true) => failed += 1,
            (false, false) => unanswered += 1,
        }
        check_enrolments(&database, &store, &holder, codes_spent, &ledger, round).await;
    }
    // After the kills an honest check still passes and enrols.
    let phone = common::Phone::new();
    let attempt = enrol_by_face(&http, &server.base, &holder, &phone).await;
    let Heard::Enrolled(id) = attempt.heard else {
        panic!("no check passes after the kills: {:?}", attempt.heard)
    };
    ledger.devices.push(Enrolled { phone, label: "新手机".to_owned(), id });
    check_enrolments(&database, &store, &holder, codes_spent, &ledger, LIVENESS_KILLS).await;
    let last = ledger.devices.last().expect("a device");
    common::device_token_at(&http, &server.base, &last.phone, last.id).await;
    eprintln!(
        "{LIVENESS_KILLS} kills during liveness checks of {:.1} s: {passed} had passed and enrolled, {failed} \
         were cut off mid-stream and recorded failed, {unanswered} were not streamed yet; {:.1} s in all",
        whole.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

impl Rng {
    /// A generator of its own for the kill timer, so the workload's draws stay reproducible.
    fn clone_state(&mut self) -> Rng {
        Rng(self.next())
    }
}

mod sqlite {
    #[tokio::test]
    async fn status_change_committed_before_a_kill_is_served_after_restart() {
        super::status_change_committed_before_a_kill_is_served_after_restart(false).await;
    }

    #[tokio::test]
    async fn issuance_retried_with_its_key_happens_once() {
        super::issuance_retried_with_its_key_happens_once(false).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn issuance_survives_kill_9() {
        super::issuance_under_kills(false).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sync_push_survives_kill_9() {
        super::push_under_kills(false).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn enrolment_by_code_survives_kill_9() {
        super::enrolment_under_kills(false).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn liveness_judgement_survives_kill_9() {
        super::liveness_under_kills(false).await;
    }
}

mod postgres {
    #[tokio::test]
    async fn status_change_committed_before_a_kill_is_served_after_restart() {
        super::status_change_committed_before_a_kill_is_served_after_restart(true).await;
    }

    #[tokio::test]
    async fn issuance_retried_with_its_key_happens_once() {
        super::issuance_retried_with_its_key_happens_once(true).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn issuance_survives_kill_9() {
        super::issuance_under_kills(true).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sync_push_survives_kill_9() {
        super::push_under_kills(true).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn enrolment_by_code_survives_kill_9() {
        super::enrolment_under_kills(true).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn liveness_judgement_survives_kill_9() {
        super::liveness_under_kills(true).await;
    }
}
