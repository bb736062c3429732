//! What the backend's integration tests share: a real PostgreSQL started from Debian's
//! packages, a real server on a loopback port, and a device that signs challenges.

#![allow(clippy::expect_used, clippy::panic, dead_code)] // Test code.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use shimin_backend::server::{self, Limits};
use shimin_backend::service::{Backend, Config};
use shimin_backend::store::Store;
use shimin_core::cose;
use shimin_core::crypto::{SigningKey, SigningPurpose};
use shimin_wire::backend::{ErrorResponse, StaffLoginResponse};
use shimin_wire::error::ErrorCode;

pub mod catalogue;
pub mod paced;

/// Where Debian's PostgreSQL 15 server binaries are.
pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh temporary directory, removed when the returned guard is dropped (also when a test
/// fails): hold it for as long as anything uses the directory.
pub fn temp_dir(what: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("shimin-backend-{what}-")).tempdir().expect("create temp dir")
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A real PostgreSQL server in a temporary directory on a free loopback port, stopped (and its
/// directory removed) when dropped, also when a test fails.
pub struct Postgres {
    /// Removed after `Drop::drop` has stopped the server.
    dir: tempfile::TempDir,
    data: PathBuf,
    as_postgres_user: bool,
    port: u16,
    /// The connection URL (of the `postgres` database).
    pub url: String,
}

impl Postgres {
    fn command(&self, program: &str) -> Command {
        command_as(self.as_postgres_user, &Path::new(PG_BIN).join(program))
    }

    /// Creates a cluster and starts it. Fails (never skips) when the binaries are missing.
    pub fn start() -> Self {
        let bin = Path::new(PG_BIN);
        for tool in ["initdb", "pg_ctl", "postgres"] {
            assert!(
                bin.join(tool).exists(),
                "PostgreSQL 15 server binaries are missing ({PG_BIN}/{tool}): install Debian's `postgresql-15` \
                 package (scripts/setup.sh does) — this test needs a real PostgreSQL"
            );
        }
        let as_postgres_user = running_as_root();
        let dir = temp_dir("pg");
        let data = dir.path().join("data");
        if as_postgres_user {
            // PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user.
            let status =
                Command::new("chown").arg("postgres:postgres").arg(dir.path()).status().expect("run chown");
            assert!(status.success(), "chown of the temporary PostgreSQL directory failed");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut pg = Self { dir, data: data.clone(), as_postgres_user, port, url: String::new() };
        let dir = pg.dir.path().to_owned();
        let out = pg
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "shimin", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"])
            .output()
            .expect("run initdb");
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off",
            dir.display()
        );
        let out = pg
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("server.log"))
            .args(["-o", &options, "-w", "-t", "60", "start"])
            .output()
            .expect("run pg_ctl start");
        let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
        assert!(out.status.success(), "pg_ctl start failed: {}\n{log}", String::from_utf8_lossy(&out.stderr));
        pg.url = pg.database_url("postgres");
        pg
    }

    /// The URL of database `name` of this cluster.
    pub fn database_url(&self, name: &str) -> String {
        format!("postgres://shimin@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates a fresh, empty database and returns its URL.
    pub async fn create_database(&self) -> String {
        let name = format!("test_{}", COUNTER.fetch_add(1, Ordering::SeqCst));
        let (client, connection) =
            tokio_postgres::connect(&self.url, tokio_postgres::NoTls).await.expect("connect to postgres");
        let connection = tokio::spawn(connection);
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create database");
        drop(client);
        let _ = connection.await;
        self.database_url(&name)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ =
            self.command("pg_ctl").arg("-D").arg(&self.data).args(["-m", "immediate", "-w", "stop"]).output();
        // `self.dir` is removed when the fields are dropped, after this.
    }
}

fn command_as(as_postgres_user: bool, program: &Path) -> Command {
    if as_postgres_user {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// Settings that keep tests quick: cheap password hashing, no seed catalogue. Liveness challenges draw from the
/// actions the test film can show (`shimin_testkit::film::FILMABLE`: no head shake).
pub fn test_config(public_url: &str) -> Config {
    Config {
        public_url: public_url.to_owned(),
        password_cost: shimin_backend::service::password::PasswordCost::CHEAP,
        liveness_actions: shimin_testkit::film::FILMABLE.to_vec(),
        // Tests of the catalogue load the seed (or their own) themselves.
        catalogue_seed: false,
        ..Config::default()
    }
}

/// The database a test's server runs on.
#[derive(Debug, Clone, Copy)]
pub enum Db {
    /// A fresh SQLite file.
    Sqlite,
    /// A fresh database in a PostgreSQL cluster of the test's own.
    Postgres,
}

/// Every test named, once on each database: `sqlite::NAME` and `postgres::NAME`. Each is an
/// `async fn NAME(db: Db)` beside the macro call, with `Db` in scope there.
#[allow(unused_macros)]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                super::$name(super::Db::Sqlite).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                super::$name(super::Db::Postgres).await;
            })*
        }
    };
}

/// A real server on 127.0.0.1:0, stopped gracefully when dropped.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The backend behind it (for seeding and checking the store directly).
    pub backend: Backend,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// The SQLite database's directory, kept as long as the server.
    dir: Option<tempfile::TempDir>,
    /// Kept running as long as the server.
    postgres: Option<Arc<Postgres>>,
}

impl TestServer {
    /// A server on a fresh SQLite file.
    pub async fn sqlite() -> Self {
        Self::sqlite_with(Limits::default()).await
    }

    /// A server on a fresh SQLite file with these limits.
    pub async fn sqlite_with(limits: Limits) -> Self {
        Self::sqlite_configured(limits, test_config("")).await
    }

    /// A server on a fresh SQLite file with these limits and settings (its URL set on start).
    async fn sqlite_configured(limits: Limits, config: Config) -> Self {
        let dir = temp_dir("http");
        let url = format!("sqlite://{}", dir.path().join("backend.db").display());
        let store =
            url.parse::<shimin_backend::store::DatabaseUrl>().expect("url").open().await.expect("open");
        let mut server = Self::start_configured(store, limits, config).await;
        server.dir = Some(dir);
        server
    }

    /// A server on a fresh database of its own PostgreSQL cluster, with these limits.
    pub async fn postgres_with(limits: Limits) -> Self {
        Self::postgres_configured(limits, test_config("")).await
    }

    /// A server on a fresh PostgreSQL database with these limits and settings.
    async fn postgres_configured(limits: Limits, config: Config) -> Self {
        // A cluster of its own: a cluster shared between tests and stopped by the last one
        // holding it raced with tests starting meanwhile (connections closed under them).
        let postgres = Arc::new(Postgres::start());
        let url = postgres.create_database().await;
        let store = url
            .parse::<shimin_backend::store::DatabaseUrl>()
            .expect("url")
            .open()
            .await
            .expect("connect and migrate");
        let mut server = Self::start_configured(store, limits, config).await;
        server.postgres = Some(postgres);
        server
    }

    /// A server on a fresh database of the kind `db`, with these limits.
    pub async fn on(db: Db, limits: Limits) -> Self {
        Self::on_configured(db, limits, |_| {}).await
    }

    /// A server on a fresh database of the kind `db`, with these limits and the test settings
    /// changed by `configure`.
    pub async fn on_configured(db: Db, limits: Limits, configure: impl FnOnce(&mut Config)) -> Self {
        let mut config = test_config("");
        configure(&mut config);
        match db {
            Db::Sqlite => Self::sqlite_configured(limits, config).await,
            Db::Postgres => Self::postgres_configured(limits, config).await,
        }
    }

    /// Signs a member of staff in over HTTP and returns their token; the login must succeed.
    pub async fn staff_login(&self, http: &reqwest::Client, login: &str, password: &str) -> String {
        let response = http
            .post(self.url("/v1/staff/login"))
            .json(&serde_json::json!({"login": login, "password": password}))
            .send()
            .await
            .expect("login");
        assert_eq!(response.status(), reqwest::StatusCode::OK, "login {login}");
        response.json::<StaffLoginResponse>().await.expect("login json").token
    }

    /// Signs `phone` in as device `device_id` (challenge, signature, token) over HTTP.
    pub async fn device_token(&self, http: &reqwest::Client, phone: &Phone, device_id: i64) -> String {
        device_token_at(http, &self.base, phone, device_id).await
    }

    /// Enrols a new phone for `holder` with an enrolment code from `staff_token` (an issuer's),
    /// and signs it in: the phone, its device id and its token.
    pub async fn enrol_by_code(
        &self,
        http: &reqwest::Client,
        staff_token: &str,
        holder: &str,
    ) -> (Phone, i64, String) {
        enrol_by_code_at(http, &self.base, staff_token, holder).await
    }

    /// A server on `store`.
    pub async fn start(store: Arc<dyn Store>, limits: Limits) -> Self {
        Self::start_configured(store, limits, test_config("")).await
    }

    /// A server on `store` with these settings; their `public_url` is set to the server's.
    pub async fn start_configured(store: Arc<dyn Store>, limits: Limits, config: Config) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let backend =
            Backend::new(store, Config { public_url: base.clone(), ..config }).await.expect("backend");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(listener, backend.clone(), limits, async {
            let _ = stopped.await;
        }));
        Self { base, backend, stop: Some(stop), task: Some(task), dir: None, postgres: None }
    }

    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops the server and waits for a graceful shutdown.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("join").expect("graceful shutdown");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A citizen's phone: its device key.
pub struct Phone {
    /// The device key.
    pub key: SigningKey,
}

impl Phone {
    /// A new phone with a fresh key.
    pub fn new() -> Self {
        Self { key: SigningKey::generate_p256().expect("key") }
    }

    /// The public key as the API takes it.
    pub fn public_key_b64(&self) -> String {
        b64(self.key.verifying_key().as_bytes())
    }

    /// Signs a challenge as the API expects.
    pub fn sign(&self, challenge: &[u8]) -> Vec<u8> {
        cose::sign(SigningPurpose::DeviceBinding, challenge, b"device", &self.key).expect("sign")
    }
}

/// The status and the error code of an answer ([`ErrorCode::Unknown`] without a readable
/// error body).
pub async fn error_code(response: reqwest::Response) -> (reqwest::StatusCode, ErrorCode) {
    let status = response.status();
    (status, response.json::<ErrorResponse>().await.map_or(ErrorCode::Unknown, |e| e.error))
}

/// Base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding.
pub fn unb64(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).expect("base64url")
}

/// Signs `phone` in as device `device_id` (challenge, signature, token) over HTTP, to the server at `base`.
pub async fn device_token_at(http: &reqwest::Client, base: &str, phone: &Phone, device_id: i64) -> String {
    let challenge: serde_json::Value = http
        .post(format!("{base}/v1/devices/{device_id}/challenge"))
        .send()
        .await
        .expect("challenge")
        .json()
        .await
        .expect("challenge json");
    let challenge = challenge["challenge_b64"].as_str().expect("challenge_b64").to_owned();
    let signature = phone.sign(&unb64(&challenge));
    let response = http
        .post(format!("{base}/v1/devices/{device_id}/token"))
        .json(&serde_json::json!({"challenge_b64": challenge, "signature_b64": b64(&signature)}))
        .send()
        .await
        .expect("token");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let body: serde_json::Value = response.json().await.expect("token json");
    body["token"].as_str().expect("token").to_owned()
}

/// Enrols a new phone for `holder` with an enrolment code from `staff_token` (an issuer's),
/// and signs it in, at the server at `base`: the phone, its device id and its token.
pub async fn enrol_by_code_at(
    http: &reqwest::Client,
    base: &str,
    staff_token: &str,
    holder: &str,
) -> (Phone, i64, String) {
    let code = enrolment_code_at(http, base, staff_token, holder).await.expect("code");
    let phone = Phone::new();
    let (status, body) =
        register_device_at(http, base, holder, &code, &phone, "phone").await.expect("register");
    assert_eq!(status, reqwest::StatusCode::CREATED);
    let device_id = body["device_id"].as_i64().expect("device_id");
    let token = device_token_at(http, base, &phone, device_id).await;
    (phone, device_id, token)
}

/// A one-time enrolment code for `holder` from `staff_token` (an issuer's); `None` when no
/// answer came (the crash test kills the server under it).
pub async fn enrolment_code_at(
    http: &reqwest::Client,
    base: &str,
    staff_token: &str,
    holder: &str,
) -> Option<String> {
    let response = http
        .post(format!("{base}/v1/staff/enrolment-codes"))
        .bearer_auth(staff_token)
        .json(&serde_json::json!({"holder_id_number": holder}))
        .send()
        .await
        .ok()?;
    assert!(response.status().is_success(), "enrolment code refused: {}", response.status());
    let body: serde_json::Value = response.json().await.ok()?;
    Some(body["code"].as_str().expect("code").to_owned())
}

/// Registers `phone` for `holder` with enrolment `code` under `label`: the answer's status and
/// body (`null` when the body is not JSON), or `None` when no answer came.
pub async fn register_device_at(
    http: &reqwest::Client,
    base: &str,
    holder: &str,
    code: &str,
    phone: &Phone,
    label: &str,
) -> Option<(reqwest::StatusCode, serde_json::Value)> {
    let response = http
        .post(format!("{base}/v1/devices"))
        .json(&serde_json::json!({"id_number": holder, "enrolment_code": code, "public_key_b64": phone.public_key_b64(), "label": label}))
        .send()
        .await
        .ok()?;
    let status = response.status();
    let body = response.bytes().await.ok()?;
    Some((status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null)))
}

/// A request to `server` as the applications' tests make them: GET, or POST with a JSON body,
/// with a bearer token when given.
pub async fn call(
    http: &reqwest::Client,
    server: &TestServer,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let url = server.url(path);
    let mut request = match body {
        Some(body) => http.post(url).json(&body),
        None => http.get(url),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request")
}

/// The error body of a refusal, which must have `status`.
pub async fn error(response: reqwest::Response, status: reqwest::StatusCode) -> ErrorResponse {
    assert_eq!(response.status(), status);
    response.json().await.expect("an error body")
}
