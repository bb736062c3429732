//! Attack tests of issue 15, finding 10 (backend side): the attacker steals a copy of the
//! serving database — the SQLite file with its WAL, or every row of every PostgreSQL table —
//! and looks in it for the national root key or an issuer key, to sign trust lists or
//! certificates of their own. The private keys live in the key file only; a database made
//! before the key file gives its keys to it on the first start and keeps nothing of them.
//! Real SQLite and PostgreSQL.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{Db, Phone, Postgres, temp_dir, test_config};
use shimin_backend::seed::{self, POLICE_CODE};
use shimin_backend::service::Backend;
use shimin_backend::store::{DatabaseUrl, Store};
use shimin_core::crypto::SigningKey;
use shimin_wire::backend::RegisterDeviceRequest;

on_both_databases!(
    a_stolen_copy_of_the_database_holds_no_private_key,
    an_old_database_gives_its_keys_to_the_key_file_once_and_keeps_none,
);

/// A database under test: its URL, what keeps it alive, and how to read all of it.
struct Database {
    url: String,
    dir: tempfile::TempDir,
    postgres: Option<Arc<Postgres>>,
}

impl Database {
    async fn fresh(db: Db) -> Self {
        let dir = temp_dir("keys");
        match db {
            Db::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("backend.db").display());
                Self { url, dir, postgres: None }
            }
            Db::Postgres => {
                let postgres = Arc::new(Postgres::start());
                let url = postgres.create_database().await;
                Self { url, dir, postgres: Some(postgres) }
            }
        }
    }

    fn key_file(&self) -> PathBuf {
        self.dir.path().join("backend.keys")
    }

    async fn store(&self) -> Arc<dyn Store> {
        self.url.parse::<DatabaseUrl>().expect("url").open().await.expect("open and migrate")
    }

    async fn backend(&self) -> Backend {
        let config = shimin_backend::service::Config {
            key_file: Some(self.key_file()),
            ..test_config("http://127.0.0.1:9")
        };
        Backend::new(self.store().await, config).await.expect("backend")
    }

    /// What a thief of the database gets, as one byte string: the SQLite files (database,
    /// WAL, shared memory) byte for byte, or every row of every PostgreSQL table as JSON (bytea
    /// as hex).
    async fn stolen_copy(&self) -> Vec<u8> {
        if self.postgres.is_none() {
            let mut bytes = Vec::new();
            for entry in std::fs::read_dir(self.dir.path()).expect("dir") {
                let path = entry.expect("entry").path();
                if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("backend.db")) {
                    bytes.extend(std::fs::read(&path).expect("read database file"));
                }
            }
            assert!(bytes.len() > 4096, "the database file was read");
            return bytes;
        }
        let (client, connection) =
            tokio_postgres::connect(&self.url, tokio_postgres::NoTls).await.expect("connect");
        let connection = tokio::spawn(connection);
        let tables = client
            .query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
                &[],
            )
            .await
            .expect("tables");
        assert!(tables.len() > 10, "every table is read");
        let mut dump = String::new();
        for table in tables {
            let name: String = table.get(0);
            let rows: String = client
                .query_one(
                    &format!(
                        "SELECT coalesce(string_agg(row_to_json(t)::text, E'\\n'), '') FROM \"{name}\" t"
                    ),
                    &[],
                )
                .await
                .expect("dump table")
                .get(0);
            dump.push_str(&rows);
        }
        drop(client);
        let _ = connection.await;
        assert!(dump.contains("issuer_key") || dump.contains("key_id"), "the issuer keys' rows were read");
        dump.into_bytes()
    }
}

/// The private keys in the key file, as PKCS #8; also checks the file is its owner's alone.
fn keys_in(path: &Path) -> Vec<Vec<u8>> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).expect("the key file exists").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the key file is created 0600");
    std::fs::read_to_string(path)
        .expect("key file")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| URL_SAFE_NO_PAD.decode(l.split_whitespace().last().expect("key")).expect("base64"))
        .collect()
}

/// The 32-byte private scalar inside a P-256 PKCS #8 (the `ECPrivateKey`'s octet string).
fn scalar(pkcs8: &[u8]) -> Vec<u8> {
    let at = pkcs8.windows(5).position(|w| w == [0x02, 0x01, 0x01, 0x04, 0x20]).expect("ECPrivateKey") + 5;
    pkcs8[at..at + 32].to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `copy` holds `pkcs8` or its scalar, raw, in hex or in base64url.
fn holds(copy: &[u8], pkcs8: &[u8]) -> bool {
    let s = scalar(pkcs8);
    let needles = [
        pkcs8.to_vec(),
        s.clone(),
        hex(&s).into_bytes(),
        hex(pkcs8).into_bytes(),
        URL_SAFE_NO_PAD.encode(pkcs8).into_bytes(),
    ];
    needles.iter().any(|n| copy.windows(n.len()).any(|w| w == n.as_slice()))
}

async fn a_stolen_copy_of_the_database_holds_no_private_key(db: Db) {
    let database = Database::fresh(db).await;
    let backend = database.backend().await;
    let now = shimin_backend::now();
    seed::seed(&backend, 5, now).await.expect("seed");
    seed::demo_certificates(&backend, now).await.expect("certificates signed");
    backend.rotate_key(POLICE_CODE, now).await.expect("rotate");
    let keys = keys_in(&database.key_file());
    assert!(keys.len() >= 4, "the root and the issuer keys are in the key file, {} there", keys.len());
    let root = backend.root().to_pkcs8().expose().clone();
    assert!(keys.contains(&root), "the root key is the key file's");

    let copy = database.stolen_copy().await;
    for key in &keys {
        assert!(!holds(&copy, key), "a private key is in the stolen copy of the database");
    }
}

/// Builds the database as it was before migration 011 — migrations 001–009, the root key in
/// the `root-key` setting, an issuer key's PKCS #8 in its row — and returns the two keys.
async fn old_database(database: &Database) -> (SigningKey, SigningKey, String) {
    let root = SigningKey::generate_p256().expect("root");
    let issuer = SigningKey::generate_p256().expect("issuer");
    let key_id = format!("{POLICE_CODE}-0ld0ld");
    let kind = if database.postgres.is_some() { "postgres" } else { "sqlite" };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().as_ref() < "010"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 9, "migrations 001–009");
    let now = shimin_backend::now();
    let (root_pkcs8, issuer_pkcs8) = (root.to_pkcs8().expose().clone(), issuer.to_pkcs8().expose().clone());
    let public = issuer.verifying_key().as_bytes().to_vec();
    if database.postgres.is_none() {
        let path = database.dir.path().join("backend.db");
        let conn = rusqlite::Connection::open(path).expect("open");
        conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
        for file in &files {
            conn.execute_batch(&std::fs::read_to_string(file).expect("sql")).expect("old migration");
        }
        conn.pragma_update(None, "user_version", 9).expect("version");
        conn.execute(
            "INSERT INTO department (code, name, allowed_types) VALUES (?1, '公安局', 'resident-id-card')",
            [POLICE_CODE],
        )
        .expect("department");
        conn.execute(
            "INSERT INTO issuer_key (key_id, department_code, pkcs8, public_key, valid_from, valid_to, seq) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)",
            rusqlite::params![key_id, POLICE_CODE, issuer_pkcs8, public, now - 60, now + 86_400],
        )
        .expect("issuer key");
        conn.execute("INSERT INTO setting (name, value) VALUES ('root-key', ?1)", [root_pkcs8])
            .expect("root");
    } else {
        let (client, connection) =
            tokio_postgres::connect(&database.url, tokio_postgres::NoTls).await.expect("connect");
        let connection = tokio::spawn(connection);
        client
            .batch_execute("CREATE TABLE schema_migration (version BIGINT PRIMARY KEY NOT NULL)")
            .await
            .expect("schema_migration");
        for (i, file) in files.iter().enumerate() {
            client.batch_execute(&std::fs::read_to_string(file).expect("sql")).await.expect("old migration");
            client
                .execute("INSERT INTO schema_migration (version) VALUES ($1)", &[&(i as i64 + 1)])
                .await
                .expect("version");
        }
        client
            .execute(
                "INSERT INTO department (code, name, allowed_types) VALUES ($1, '公安局', 'resident-id-card')",
                &[&POLICE_CODE],
            )
            .await
            .expect("department");
        client
            .execute(
                "INSERT INTO issuer_key (key_id, department_code, pkcs8, public_key, valid_from, valid_to, seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1)",
                &[&key_id, &POLICE_CODE, &issuer_pkcs8, &public, &(now - 60), &(now + 86_400)],
            )
            .await
            .expect("issuer key");
        client
            .execute("INSERT INTO setting (name, value) VALUES ('root-key', $1)", &[&root_pkcs8])
            .await
            .expect("root");
        drop(client);
        let _ = connection.await;
    }
    (root, issuer, key_id)
}

async fn an_old_database_gives_its_keys_to_the_key_file_once_and_keeps_none(db: Db) {
    let database = Database::fresh(db).await;
    let (root, issuer, key_id) = old_database(&database).await;
    assert!(
        holds(&database.stolen_copy().await, root.to_pkcs8().expose()),
        "the old database holds the root key (else this test proves nothing)"
    );

    let backend = database.backend().await;
    let keys = keys_in(&database.key_file());
    assert!(keys.contains(root.to_pkcs8().expose()), "the root key moved to the key file");
    assert!(keys.contains(issuer.to_pkcs8().expose()), "the issuer key moved to the key file");
    assert_eq!(backend.root().verifying_key(), root.verifying_key(), "the same root signs on");
    let (current, _) = backend.current_key(POLICE_CODE).await.expect("the old key signs from the key file");
    assert_eq!(current, key_id);
    let copy = database.stolen_copy().await;
    assert!(!holds(&copy, root.to_pkcs8().expose()), "the root key is gone from the database");
    assert!(!holds(&copy, issuer.to_pkcs8().expose()), "the issuer key is gone from the database");

    // Enrolment codes are hashed with a key derived from the root key: a code made now still
    // matches after a restart that reads the root key from the key file alone.
    let now = shimin_backend::now();
    let report = seed::seed(&backend, 5, now).await.expect("seed");
    drop(backend);
    let backend = database.backend().await;
    let (holder, _, code) = report.demo.first().expect("a demo citizen").clone();
    backend
        .register_device(
            RegisterDeviceRequest {
                id_number: holder,
                enrolment_code: code,
                public_key_b64: Phone::new().public_key_b64(),
                label: "phone".into(),
            },
            now,
        )
        .await
        .expect("the enrolment code still matches after the restart");
    assert!(
        backend.store.legacy_private_keys().await.expect("legacy").is_empty(),
        "nothing to move a second time"
    );
    let copy = database.stolen_copy().await;
    for key in keys_in(&database.key_file()) {
        assert!(!holds(&copy, &key), "no private key in the database after seeding either");
    }
}
