//! [`Store`] on SQLite: WAL, one writer connection and a few read-only connections, each on a
//! thread of its own behind a fair queue (module `pool`), so no rusqlite call ever runs on a
//! tokio worker.

mod pool;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, Transaction, params};

use self::pool::Connections;

use super::{
    CaseRecord, CertificateRecord, CitizenRecord, CompanyRecord, DepartmentRecord, DeviceRecord, EventKind,
    EventRecord, HouseholdRecord, IssuerKeyRecord, LivenessCheckRecord, LivenessOutcome, LivenessPurpose,
    NewCertificate, NewEvent, OutboxRecord, PartyRecord, PartyRole, PublishedDoc, StaffRecord,
    StatusListRecord, Store, StoreError, StoredStatus, TokenRecord, TokenSubject,
};

/// Migrations in order; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/sqlite/001_citizens.sql"),
    include_str!("../../migrations/sqlite/002_registry.sql"),
    include_str!("../../migrations/sqlite/003_issuers.sql"),
    include_str!("../../migrations/sqlite/004_certificates.sql"),
    include_str!("../../migrations/sqlite/005_devices_sync.sql"),
    include_str!("../../migrations/sqlite/006_liveness_cases.sql"),
];

/// Runs the migrations that have not run yet, one transaction each.
///
/// # Errors
/// When a migration fails; the database stays at the last one that succeeded.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let done: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The number of migrations.
pub fn migration_count() -> usize {
    MIGRATIONS.len()
}

/// How an SQLite store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Read-only connections opened beside the one writer; the reads of the [`Store`] trait run
    /// on them, in parallel with each other and with the writer (WAL). 0 sends reads to the
    /// writer, and so does an in-memory database, whose connections cannot share it.
    pub readers: usize,
    /// How long a statement waits for a lock held by another connection or process before it
    /// fails with "database is locked".
    pub busy_timeout: Duration,
}

impl SqliteOptions {
    /// The default number of readers: the available parallelism, at least 2.
    pub fn default_readers() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get()).max(2)
    }
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self { readers: Self::default_readers(), busy_timeout: Duration::from_secs(5) }
    }
}

/// The SQLite store: one writer connection for every write (and every read-then-write
/// transaction), and a small pool of read-only connections for the pure reads.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: Arc<Connections>,
    /// `None`: reads go to the writer (in-memory database, or no readers asked for).
    readers: Option<Arc<Connections>>,
}

impl SqliteStore {
    /// Opens (creating) and migrates the file at `path`, with the default options.
    ///
    /// # Errors
    /// When the file cannot be created or migrated.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// Opens (creating) and migrates the file at `path`, then opens the readers.
    ///
    /// # Errors
    /// When the file cannot be created, migrated or opened again for reading.
    pub fn open_with(path: &Path, options: SqliteOptions) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        Self::from_writer(Connection::open(path)?, options)
    }

    /// An in-memory database, for tests. It has no readers: every call runs on its one connection.
    ///
    /// # Errors
    /// When migrating fails.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::from_writer(Connection::open_in_memory()?, SqliteOptions::default())
    }

    /// How many read-only connections serve reads (0: the writer does).
    pub fn reader_count(&self) -> usize {
        self.readers.as_ref().map_or(0, |r| r.size())
    }

    fn from_writer(mut conn: Connection, options: SqliteOptions) -> Result<Self, StoreError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(options.busy_timeout)?;
        migrate(&mut conn)?;
        // SQLite names the file it opened; an in-memory database has none ("").
        let file = conn.path().filter(|p| !p.is_empty()).map(PathBuf::from);
        let readers = match file {
            Some(file) if options.readers > 0 => {
                let readers =
                    (0..options.readers).map(|_| open_reader(&file, options)).collect::<Result<_, _>>()?;
                Some(Arc::new(Connections::start("reader", readers)?))
            }
            _ => None,
        };
        Ok(Self { writer: Arc::new(Connections::start("writer", vec![conn])?), readers })
    }

    /// Runs a pure read on a reader (or on the writer when there are none).
    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.readers.as_ref().unwrap_or(&self.writer).run(move |conn| f(conn)).await
    }

    /// Runs `f` in one immediate transaction on the writer.
    async fn tx<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        self.writer
            .run(move |conn| {
                let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let out = f(&tx)?;
                tx.commit()?;
                Ok(out)
            })
            .await
    }
}

/// A read-only connection to the (already migrated, WAL) file.
fn open_reader(file: &Path, options: SqliteOptions) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(options.busy_timeout)?;
    Ok(conn)
}

fn conflict(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            StoreError::Conflict
        }
        other => StoreError::Sqlite(other),
    }
}

fn citizen_row(r: &Row<'_>) -> rusqlite::Result<(CitizenRecord, i64)> {
    Ok((
        CitizenRecord {
            id_number: r.get(0)?,
            name: r.get(1)?,
            ethnicity: 0,
            address: r.get(3)?,
            household_number: r.get(4)?,
            relation: r.get(5)?,
            photo: r.get(6)?,
        },
        r.get(2)?,
    ))
}

fn key_row(r: &Row<'_>) -> rusqlite::Result<IssuerKeyRecord> {
    Ok(IssuerKeyRecord {
        key_id: r.get(0)?,
        department_code: r.get(1)?,
        pkcs8: r.get(2)?,
        public_key: r.get(3)?,
        valid_from: r.get(4)?,
        valid_to: r.get(5)?,
        retired_at: r.get(6)?,
    })
}

fn staff_row(r: &Row<'_>) -> rusqlite::Result<StaffRecord> {
    Ok(StaffRecord {
        id: r.get(0)?,
        login: r.get(1)?,
        department_code: r.get(2)?,
        role: r.get(3)?,
        password_salt: r.get(4)?,
        password_hash: r.get(5)?,
    })
}

const CERT_COLUMNS: &str = "id, citizen_id_number, department_code, type_slug, serial, version, status_list_id, \
     status_index, status, valid_from, valid_until, expires_at, fields_json, issued_at, replaced_by";

type RawCert = (CertificateRecord, i64, i64);

fn cert_row(r: &Row<'_>) -> rusqlite::Result<RawCert> {
    Ok((
        CertificateRecord {
            id: r.get(0)?,
            citizen_id_number: r.get(1)?,
            department_code: r.get(2)?,
            type_slug: r.get(3)?,
            serial: r.get(4)?,
            version: 0,
            status_list_id: r.get(6)?,
            status_index: r.get(7)?,
            status: StoredStatus::Valid,
            valid_from: r.get(9)?,
            valid_until: r.get(10)?,
            expires_at: r.get(11)?,
            fields_json: r.get(12)?,
            issued_at: r.get(13)?,
            replaced_by: r.get(14)?,
        },
        r.get(5)?,
        r.get(8)?,
    ))
}

fn finish_cert((mut c, version, status): RawCert) -> Result<CertificateRecord, StoreError> {
    c.version = u16::try_from(version).map_err(|_| StoreError::Corrupt("version"))?;
    c.status = StoredStatus::from_value(status)?;
    Ok(c)
}

fn device_row(r: &Row<'_>) -> rusqlite::Result<DeviceRecord> {
    Ok(DeviceRecord {
        id: r.get(0)?,
        citizen_id_number: r.get(1)?,
        public_key: r.get(2)?,
        label: r.get(3)?,
        created_at: r.get(4)?,
        removed_at: r.get(5)?,
    })
}

fn insert_event(tx: &Connection, e: &NewEvent) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO event (citizen_id_number, device_id, kind, certificate_id, status, message, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            e.citizen_id_number,
            e.device_id,
            e.kind.as_str(),
            e.certificate_id,
            e.status,
            e.message,
            e.created_at
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn get_cert(conn: &Connection, id: i64) -> Result<Option<CertificateRecord>, StoreError> {
    conn.prepare_cached(&format!("SELECT {CERT_COLUMNS} FROM certificate WHERE id = ?1"))?
        .query_row([id], cert_row)
        .optional()?
        .map(finish_cert)
        .transpose()
}

#[async_trait]
impl Store for SqliteStore {
    async fn insert_citizens(&self, citizens: Vec<CitizenRecord>) -> Result<u64, StoreError> {
        self.tx(move |tx| {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO citizen \
                 (id_number, name, created_at, ethnicity, address, household_number, relation, photo) \
                 VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut added = 0u64;
            for c in &citizens {
                added += insert.execute(params![
                    c.id_number,
                    c.name,
                    c.ethnicity,
                    c.address,
                    c.household_number,
                    c.relation,
                    c.photo
                ])? as u64;
            }
            Ok(added)
        })
        .await
    }

    async fn citizen(&self, id_number: &str) -> Result<Option<CitizenRecord>, StoreError> {
        let id = id_number.to_owned();
        self.read(move |c| {
            let row = c
                .query_row(
                    "SELECT id_number, name, ethnicity, address, household_number, relation, photo \
                     FROM citizen WHERE id_number = ?1",
                    [id],
                    citizen_row,
                )
                .optional()?;
            row.map(|(mut rec, ethnicity)| {
                rec.ethnicity = u8::try_from(ethnicity).map_err(|_| StoreError::Corrupt("ethnicity"))?;
                Ok(rec)
            })
            .transpose()
        })
        .await
    }

    async fn count_citizens(&self) -> Result<u64, StoreError> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM citizen", [], |r| r.get::<_, u64>(0))?)).await
    }

    async fn put_household(&self, h: HouseholdRecord) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT OR REPLACE INTO household (number, address, head_id_number) VALUES (?1, ?2, ?3)",
                params![h.number, h.address, h.head_id_number],
            )?;
            Ok(())
        })
        .await
    }

    async fn household(&self, number: &str) -> Result<Option<HouseholdRecord>, StoreError> {
        let number = number.to_owned();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT number, address, head_id_number FROM household WHERE number = ?1",
                [number],
                |r| Ok(HouseholdRecord { number: r.get(0)?, address: r.get(1)?, head_id_number: r.get(2)? }),
            )
            .optional()?)
        })
        .await
    }

    async fn put_company(&self, co: CompanyRecord) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute("DELETE FROM company_shareholder WHERE credit_code = ?1", [&co.credit_code])?;
            tx.execute(
                "INSERT OR REPLACE INTO company (credit_code, name, legal_representative, supervisor) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![co.credit_code, co.name, co.legal_representative, co.supervisor],
            )?;
            for s in &co.shareholders {
                tx.execute(
                    "INSERT OR IGNORE INTO company_shareholder (credit_code, id_number) VALUES (?1, ?2)",
                    params![co.credit_code, s],
                )?;
            }
            Ok(())
        })
        .await
    }

    async fn company(&self, credit_code: &str) -> Result<Option<CompanyRecord>, StoreError> {
        let code = credit_code.to_owned();
        self.read(move |c| {
            // Two statements, one snapshot.
            let c = c.unchecked_transaction()?;
            let Some(mut co) = c
                .query_row(
                    "SELECT credit_code, name, legal_representative, supervisor FROM company WHERE credit_code = ?1",
                    [&code],
                    |r| {
                        Ok(CompanyRecord {
                            credit_code: r.get(0)?,
                            name: r.get(1)?,
                            legal_representative: r.get(2)?,
                            supervisor: r.get(3)?,
                            shareholders: Vec::new(),
                        })
                    },
                )
                .optional()?
            else {
                return Ok(None);
            };
            let mut stmt = c.prepare(
                "SELECT id_number FROM company_shareholder WHERE credit_code = ?1 ORDER BY id_number",
            )?;
            co.shareholders = stmt.query_map([&code], |r| r.get(0))?.collect::<Result<_, _>>()?;
            drop(stmt);
            c.commit()?;
            Ok(Some(co))
        })
        .await
    }

    async fn put_department(&self, d: DepartmentRecord) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO department (code, name, allowed_types) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, allowed_types = excluded.allowed_types",
                params![d.code, d.name, d.allowed_types.join(",")],
            )?;
            Ok(())
        })
        .await
    }

    async fn department(&self, code: &str) -> Result<Option<DepartmentRecord>, StoreError> {
        let code = code.to_owned();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT code, name, allowed_types FROM department WHERE code = ?1",
                [code],
                dept_row,
            )
            .optional()?)
        })
        .await
    }

    async fn departments(&self) -> Result<Vec<DepartmentRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT code, name, allowed_types FROM department ORDER BY code")?;
            Ok(stmt.query_map([], dept_row)?.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn add_issuer_key(&self, k: IssuerKeyRecord) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO issuer_key \
                 (key_id, department_code, pkcs8, public_key, valid_from, valid_to, retired_at, seq) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT coalesce(max(seq), 0) + 1 FROM issuer_key))",
                params![
                    k.key_id,
                    k.department_code,
                    k.pkcs8,
                    k.public_key,
                    k.valid_from,
                    k.valid_to,
                    k.retired_at
                ],
            )
            .map_err(conflict)?;
            Ok(())
        })
        .await
    }

    async fn retire_issuer_keys(&self, department_code: &str, at: i64) -> Result<u64, StoreError> {
        let code = department_code.to_owned();
        self.tx(move |tx| {
            Ok(tx.execute(
                "UPDATE issuer_key SET retired_at = ?2 WHERE department_code = ?1 AND retired_at IS NULL",
                params![code, at],
            )? as u64)
        })
        .await
    }

    async fn issuer_keys(&self) -> Result<Vec<IssuerKeyRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT key_id, department_code, pkcs8, public_key, valid_from, valid_to, retired_at \
                 FROM issuer_key ORDER BY seq",
            )?;
            Ok(stmt.query_map([], key_row)?.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn setting_or_insert(&self, name: &str, value: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        let name = name.to_owned();
        self.tx(move |tx| {
            tx.execute("INSERT OR IGNORE INTO setting (name, value) VALUES (?1, ?2)", params![name, value])?;
            Ok(tx.query_row("SELECT value FROM setting WHERE name = ?1", [name], |r| r.get(0))?)
        })
        .await
    }

    async fn publish(&self, d: PublishedDoc) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT OR REPLACE INTO published (name, bytes, etag, sequence, published_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![d.name, d.bytes, d.etag, d.sequence, d.published_at],
            )?;
            Ok(())
        })
        .await
    }

    async fn published(&self, name: &str) -> Result<Option<PublishedDoc>, StoreError> {
        let name = name.to_owned();
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT name, bytes, etag, sequence, published_at FROM published WHERE name = ?1",
            )?
            .query_row([name], |r| {
                Ok(PublishedDoc {
                    name: r.get(0)?,
                    bytes: r.get(1)?,
                    etag: r.get(2)?,
                    sequence: r.get(3)?,
                    published_at: r.get(4)?,
                })
            })
            .optional()?)
        })
        .await
    }

    async fn insert_staff(&self, s: StaffRecord) -> Result<i64, StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO staff (login, department_code, role, password_salt, password_hash) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.login, s.department_code, s.role, s.password_salt, s.password_hash],
            )
            .map_err(conflict)?;
            Ok(tx.last_insert_rowid())
        })
        .await
    }

    async fn staff_by_login(&self, login: &str) -> Result<Option<StaffRecord>, StoreError> {
        let login = login.to_owned();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT id, login, department_code, role, password_salt, password_hash FROM staff WHERE login = ?1",
                [login],
                staff_row,
            )
            .optional()?)
        })
        .await
    }

    async fn staff(&self, id: i64) -> Result<Option<StaffRecord>, StoreError> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT id, login, department_code, role, password_salt, password_hash FROM staff WHERE id = ?1",
                [id],
                staff_row,
            )
            .optional()?)
        })
        .await
    }

    async fn insert_token(&self, t: TokenRecord) -> Result<(), StoreError> {
        let (kind, subject) = match t.subject {
            TokenSubject::Staff(id) => ("staff", id),
            TokenSubject::Device(id) => ("device", id),
        };
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO token (hash, kind, subject, expires_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![t.hash, kind, subject, t.expires_at, t.revoked_at],
            )
            .map_err(conflict)?;
            Ok(())
        })
        .await
    }

    async fn token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError> {
        let hash = hash.to_vec();
        self.read(move |c| {
            let row = c
                .prepare_cached(
                    "SELECT hash, kind, subject, expires_at, revoked_at FROM token WHERE hash = ?1",
                )?
                .query_row([hash], |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                    ))
                })
                .optional()?;
            row.map(|(hash, kind, subject, expires_at, revoked_at)| {
                let subject = match kind.as_str() {
                    "staff" => TokenSubject::Staff(subject),
                    "device" => TokenSubject::Device(subject),
                    _ => return Err(StoreError::Corrupt("token kind")),
                };
                Ok(TokenRecord { hash, subject, expires_at, revoked_at })
            })
            .transpose()
        })
        .await
    }

    async fn revoke_token(&self, hash: &[u8], at: i64) -> Result<bool, StoreError> {
        let hash = hash.to_vec();
        self.tx(move |tx| {
            Ok(tx.execute(
                "UPDATE token SET revoked_at = ?2 WHERE hash = ?1 AND revoked_at IS NULL",
                params![hash, at],
            )? > 0)
        })
        .await
    }

    async fn insert_certificate(&self, n: NewCertificate) -> Result<CertificateRecord, StoreError> {
        self.tx(move |tx| {
            let current: Option<(i64, i64, i64)> = tx
                .query_row(
                    "SELECT id, capacity, next_index FROM status_list WHERE department_code = ?1 \
                     ORDER BY id DESC LIMIT 1",
                    [&n.department_code],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let (list_id, index) = match current {
                Some((id, capacity, next)) if next < capacity => (id, next),
                _ => {
                    tx.execute(
                        "INSERT INTO status_list (department_code, capacity, next_index) VALUES (?1, ?2, 0)",
                        params![n.department_code, n.status_list_capacity],
                    )?;
                    (tx.last_insert_rowid(), 0)
                }
            };
            tx.execute("UPDATE status_list SET next_index = ?2 WHERE id = ?1", params![list_id, index + 1])?;
            tx.execute(
                "INSERT INTO certificate (citizen_id_number, department_code, type_slug, serial, version, \
                 status_list_id, status_index, status, valid_from, valid_until, expires_at, fields_json, issued_at) \
                 VALUES (?1, ?2, ?3, coalesce(?4, 0), ?5, ?6, ?7, 0, ?8, ?9, ?10, ?11, ?12)",
                params![
                    n.citizen_id_number,
                    n.department_code,
                    n.type_slug,
                    n.serial,
                    n.version,
                    list_id,
                    index,
                    n.valid_from,
                    n.valid_until,
                    n.expires_at,
                    n.fields_json,
                    n.issued_at
                ],
            )
            .map_err(conflict)?;
            let id = tx.last_insert_rowid();
            if n.serial.is_none() {
                tx.execute("UPDATE certificate SET serial = id WHERE id = ?1", [id])?;
            }
            if let Some(old) = n.replaces {
                tx.execute("UPDATE certificate SET status = 1, replaced_by = ?2 WHERE id = ?1", params![old, id])?;
            }
            get_cert(tx, id)?.ok_or(StoreError::Corrupt("inserted certificate"))
        })
        .await
    }

    async fn certificate(&self, id: i64) -> Result<Option<CertificateRecord>, StoreError> {
        self.read(move |c| get_cert(c, id)).await
    }

    async fn certificates_of(&self, citizen_id_number: &str) -> Result<Vec<CertificateRecord>, StoreError> {
        let id = citizen_id_number.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {CERT_COLUMNS} FROM certificate WHERE citizen_id_number = ?1 ORDER BY id DESC"
            ))?;
            let rows: Vec<RawCert> = stmt.query_map([id], cert_row)?.collect::<Result<_, _>>()?;
            rows.into_iter().map(finish_cert).collect()
        })
        .await
    }

    async fn set_status(
        &self,
        id: i64,
        status: StoredStatus,
        events: Vec<NewEvent>,
    ) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute("UPDATE certificate SET status = ?2 WHERE id = ?1", params![id, status.value()])?;
            for e in &events {
                insert_event(tx, e)?;
            }
            Ok(())
        })
        .await
    }

    async fn status_list(&self, id: i64) -> Result<Option<StatusListRecord>, StoreError> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT id, department_code, capacity FROM status_list WHERE id = ?1",
                [id],
                |r| Ok(StatusListRecord { id: r.get(0)?, department_code: r.get(1)?, capacity: r.get(2)? }),
            )
            .optional()?)
        })
        .await
    }

    async fn status_entries(&self, list_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        self.read(move |c| {
            let mut stmt = c.prepare(
                "SELECT status_index, status FROM certificate WHERE status_list_id = ?1 AND status <> 0 \
                 ORDER BY status_index",
            )?;
            Ok(stmt.query_map([list_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn put_copy(
        &self,
        certificate_id: i64,
        device_id: i64,
        holder_copy: Vec<u8>,
        event: NewEvent,
    ) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT OR REPLACE INTO certificate_copy (certificate_id, device_id, holder_copy) VALUES (?1, ?2, ?3)",
                params![certificate_id, device_id, holder_copy],
            )?;
            insert_event(tx, &event)?;
            Ok(())
        })
        .await
    }

    async fn insert_enrolment_code(
        &self,
        hash: Vec<u8>,
        citizen_id_number: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let id = citizen_id_number.to_owned();
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO enrolment_code (hash, citizen_id_number, expires_at) VALUES (?1, ?2, ?3)",
                params![hash, id, expires_at],
            )
            .map_err(conflict)?;
            Ok(())
        })
        .await
    }

    async fn enrol_device(
        &self,
        code_hash: Vec<u8>,
        device: DeviceRecord,
        now: i64,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        self.tx(move |tx| {
            let used = tx.execute(
                "UPDATE enrolment_code SET used_at = ?3 WHERE hash = ?1 AND citizen_id_number = ?2 \
                 AND used_at IS NULL AND expires_at > ?3",
                params![code_hash, device.citizen_id_number, now],
            )?;
            if used == 0 {
                return Ok(None);
            }
            tx.execute(
                "INSERT INTO device (citizen_id_number, public_key, label, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![device.citizen_id_number, device.public_key, device.label, device.created_at],
            )
            .map_err(conflict)?;
            Ok(Some(DeviceRecord { id: tx.last_insert_rowid(), ..device }))
        })
        .await
    }

    async fn device(&self, id: i64) -> Result<Option<DeviceRecord>, StoreError> {
        self.read(move |c| {
            Ok(c.prepare_cached(
                "SELECT id, citizen_id_number, public_key, label, created_at, removed_at FROM device WHERE id = ?1",
            )?
            .query_row([id], device_row)
            .optional()?)
        })
        .await
    }

    async fn active_devices(&self, citizen_id_number: &str) -> Result<Vec<DeviceRecord>, StoreError> {
        let id = citizen_id_number.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare(
                "SELECT id, citizen_id_number, public_key, label, created_at, removed_at FROM device \
                 WHERE citizen_id_number = ?1 AND removed_at IS NULL ORDER BY id",
            )?;
            Ok(stmt.query_map([id], device_row)?.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn remove_device(&self, id: i64, at: i64) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute("UPDATE device SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL", params![id, at])?;
            tx.execute(
                "UPDATE token SET revoked_at = ?2 WHERE kind = 'device' AND subject = ?1 AND revoked_at IS NULL",
                params![id, at],
            )?;
            Ok(())
        })
        .await
    }

    async fn insert_challenge(
        &self,
        device_id: i64,
        nonce: Vec<u8>,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO challenge (nonce, device_id, expires_at) VALUES (?1, ?2, ?3)",
                params![nonce, device_id, expires_at],
            )
            .map_err(conflict)?;
            Ok(())
        })
        .await
    }

    async fn take_challenge(&self, device_id: i64, nonce: &[u8], now: i64) -> Result<bool, StoreError> {
        let nonce = nonce.to_vec();
        self.tx(move |tx| {
            let expires: Option<i64> = tx
                .query_row(
                    "DELETE FROM challenge WHERE nonce = ?1 AND device_id = ?2 RETURNING expires_at",
                    params![nonce, device_id],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute("DELETE FROM challenge WHERE expires_at <= ?1", [now])?;
            Ok(expires.is_some_and(|e| e > now))
        })
        .await
    }

    async fn append_event(&self, event: NewEvent) -> Result<i64, StoreError> {
        self.tx(move |tx| insert_event(tx, &event)).await
    }

    async fn events(
        &self,
        citizen_id_number: &str,
        device_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let id = citizen_id_number.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT e.seq, e.kind, e.certificate_id, cc.holder_copy, e.status, e.message, e.created_at \
                 FROM event e LEFT JOIN certificate_copy cc \
                   ON e.kind = 'certificate-copy' AND cc.certificate_id = e.certificate_id AND cc.device_id = ?2 \
                 WHERE e.citizen_id_number = ?1 AND (e.device_id IS NULL OR e.device_id = ?2) AND e.seq > ?3 \
                 ORDER BY e.seq LIMIT ?4",
            )?;
            let rows = stmt
                .query_map(params![id, device_id, after, limit], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(seq, kind, certificate_id, holder_copy, status, message, created_at)| {
                    Ok(EventRecord {
                        seq,
                        kind: EventKind::parse(&kind)?,
                        certificate_id,
                        holder_copy,
                        status,
                        message,
                        created_at,
                    })
                })
                .collect()
        })
        .await
    }

    async fn push_outbox(
        &self,
        device_id: i64,
        idempotency_key: &str,
        kind: &str,
        payload: &str,
        now: i64,
    ) -> Result<OutboxRecord, StoreError> {
        let (key, kind, payload) = (idempotency_key.to_owned(), kind.to_owned(), payload.to_owned());
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO outbox (device_id, idempotency_key, kind, payload, received_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (device_id, idempotency_key) DO NOTHING",
                params![device_id, key, kind, payload, now],
            )?;
            Ok(tx.query_row(
                "SELECT id, device_id, idempotency_key, kind, payload, received_at FROM outbox \
                 WHERE device_id = ?1 AND idempotency_key = ?2",
                params![device_id, key],
                |r| {
                    Ok(OutboxRecord {
                        id: r.get(0)?,
                        device_id: r.get(1)?,
                        idempotency_key: r.get(2)?,
                        kind: r.get(3)?,
                        payload: r.get(4)?,
                        received_at: r.get(5)?,
                    })
                },
            )?)
        })
        .await
    }

    async fn count_outbox(&self, device_id: i64) -> Result<u64, StoreError> {
        self.read(move |c| {
            Ok(c.query_row("SELECT count(*) FROM outbox WHERE device_id = ?1", [device_id], |r| r.get(0))?)
        })
        .await
    }

    async fn set_citizen_photo(&self, id_number: &str, photo: Option<Vec<u8>>) -> Result<bool, StoreError> {
        let id = id_number.to_owned();
        self.tx(move |tx| {
            Ok(tx.execute("UPDATE citizen SET photo = ?2 WHERE id_number = ?1", params![id, photo])? == 1)
        })
        .await
    }

    async fn insert_liveness_check(
        &self,
        check: LivenessCheckRecord,
        since_ms: i64,
        max_attempts: i64,
    ) -> Result<Option<i64>, StoreError> {
        self.tx(move |tx| {
            let issued: i64 = tx.query_row(
                "SELECT count(*) FROM liveness_check WHERE citizen_id_number = ?1 AND issued_at_ms >= ?2",
                params![check.citizen_id_number, since_ms],
                |r| r.get(0),
            )?;
            if issued >= max_attempts {
                return Ok(None);
            }
            let (purpose, case_id) = super::purpose_columns(check.purpose);
            tx.execute(
                "INSERT INTO liveness_check (citizen_id_number, purpose, case_id, device_id, device_key, \
                 device_label, nonce, actions, time_limit_ms, issued_at_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    check.citizen_id_number,
                    purpose,
                    case_id,
                    check.device_id,
                    check.device_key,
                    check.device_label,
                    check.nonce,
                    check.actions,
                    check.time_limit_ms,
                    check.issued_at_ms
                ],
            )
            .map_err(conflict)?;
            Ok(Some(tx.last_insert_rowid()))
        })
        .await
    }

    async fn liveness_check(&self, id: i64) -> Result<Option<LivenessCheckRecord>, StoreError> {
        self.read(move |c| {
            let row = c
                .query_row(
                    &format!("SELECT {LIVENESS_COLUMNS} FROM liveness_check WHERE id = ?1"),
                    [id],
                    liveness_row,
                )
                .optional()?;
            row.map(parse_liveness_row).transpose()
        })
        .await
    }

    async fn answer_liveness_check(
        &self,
        id: i64,
        now: i64,
    ) -> Result<Option<LivenessCheckRecord>, StoreError> {
        self.tx(move |tx| {
            let row = tx
                .query_row(
                    &format!(
                        "UPDATE liveness_check SET answered_at = ?2 WHERE id = ?1 AND answered_at IS NULL \
                         RETURNING {LIVENESS_COLUMNS}"
                    ),
                    params![id, now],
                    liveness_row,
                )
                .optional()?;
            row.map(parse_liveness_row).transpose()
        })
        .await
    }

    async fn record_liveness_outcome(
        &self,
        id: i64,
        outcome: LivenessOutcome,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        self.tx(move |tx| {
            let passed = !matches!(outcome, LivenessOutcome::Failed);
            tx.execute("UPDATE liveness_check SET passed = ?2 WHERE id = ?1", params![id, passed])?;
            match outcome {
                LivenessOutcome::Failed => Ok(None),
                LivenessOutcome::Enrolled(device) => {
                    tx.execute(
                        "INSERT INTO device (citizen_id_number, public_key, label, created_at) \
                         VALUES (?1, ?2, ?3, ?4)",
                        params![device.citizen_id_number, device.public_key, device.label, device.created_at],
                    )
                    .map_err(conflict)?;
                    Ok(Some(DeviceRecord { id: tx.last_insert_rowid(), ..device }))
                }
                LivenessOutcome::Confirmed { case_id, id_number, at } => {
                    tx.execute(
                        "UPDATE case_party SET confirmed_at = ?3 \
                         WHERE case_id = ?1 AND id_number = ?2 AND confirmed_at IS NULL",
                        params![case_id, id_number, at],
                    )?;
                    Ok(None)
                }
            }
        })
        .await
    }

    async fn insert_case(&self, case: CaseRecord) -> Result<i64, StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO registration_case (department_code, company_name, credit_code, created_by, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![case.department_code, case.company_name, case.credit_code, case.created_by, case.created_at],
            )?;
            let id = tx.last_insert_rowid();
            let mut stmt = tx.prepare("INSERT INTO case_party (case_id, id_number, role) VALUES (?1, ?2, ?3)")?;
            for party in &case.parties {
                stmt.execute(params![id, party.id_number, party.role.as_str()]).map_err(conflict)?;
            }
            Ok(id)
        })
        .await
    }

    async fn case(&self, id: i64) -> Result<Option<CaseRecord>, StoreError> {
        self.read(move |c| {
            let Some(case) = c
                .query_row(
                    &format!("SELECT {CASE_COLUMNS} FROM registration_case WHERE id = ?1"),
                    [id],
                    case_row,
                )
                .optional()?
            else {
                return Ok(None);
            };
            Ok(Some(with_parties(c, case)?))
        })
        .await
    }

    async fn open_cases_of(&self, id_number: &str) -> Result<Vec<CaseRecord>, StoreError> {
        let id = id_number.to_owned();
        self.read(move |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {CASE_COLUMNS} FROM registration_case WHERE proceeded_at IS NULL AND id IN \
                 (SELECT case_id FROM case_party WHERE id_number = ?1) ORDER BY id DESC"
            ))?;
            let cases: Vec<CaseRecord> = stmt.query_map([id], case_row)?.collect::<Result<_, _>>()?;
            cases.into_iter().map(|case| with_parties(c, case)).collect()
        })
        .await
    }

    async fn proceed_case(&self, id: i64, at: i64) -> Result<bool, StoreError> {
        self.tx(move |tx| {
            Ok(tx.execute(
                "UPDATE registration_case SET proceeded_at = ?2 WHERE id = ?1 AND proceeded_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM case_party WHERE case_id = ?1 AND confirmed_at IS NULL)",
                params![id, at],
            )? == 1)
        })
        .await
    }
}

const LIVENESS_COLUMNS: &str = "id, citizen_id_number, purpose, case_id, device_id, device_key, device_label, \
     nonce, actions, time_limit_ms, issued_at_ms, answered_at, passed";

/// A `liveness_check` row with its purpose still as stored.
type LivenessRow = (LivenessCheckRecord, String, Option<i64>);

fn liveness_row(r: &Row<'_>) -> rusqlite::Result<LivenessRow> {
    Ok((
        LivenessCheckRecord {
            id: r.get(0)?,
            citizen_id_number: r.get(1)?,
            purpose: LivenessPurpose::Enrolment,
            device_id: r.get(4)?,
            device_key: r.get(5)?,
            device_label: r.get(6)?,
            nonce: r.get(7)?,
            actions: r.get(8)?,
            time_limit_ms: r.get(9)?,
            issued_at_ms: r.get(10)?,
            answered_at: r.get(11)?,
            passed: r.get(12)?,
        },
        r.get(2)?,
        r.get(3)?,
    ))
}

fn parse_liveness_row((record, purpose, case_id): LivenessRow) -> Result<LivenessCheckRecord, StoreError> {
    Ok(LivenessCheckRecord { purpose: super::parse_purpose(&purpose, case_id)?, ..record })
}

const CASE_COLUMNS: &str =
    "id, department_code, company_name, credit_code, created_by, created_at, proceeded_at";

fn case_row(r: &Row<'_>) -> rusqlite::Result<CaseRecord> {
    Ok(CaseRecord {
        id: r.get(0)?,
        department_code: r.get(1)?,
        company_name: r.get(2)?,
        credit_code: r.get(3)?,
        created_by: r.get(4)?,
        created_at: r.get(5)?,
        proceeded_at: r.get(6)?,
        parties: Vec::new(),
    })
}

fn with_parties(c: &Connection, case: CaseRecord) -> Result<CaseRecord, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT id_number, role, confirmed_at FROM case_party WHERE case_id = ?1 ORDER BY role, id_number",
    )?;
    let rows: Vec<(String, String, Option<i64>)> =
        stmt.query_map([case.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    let parties = rows
        .into_iter()
        .map(|(id_number, role, confirmed_at)| {
            let role = PartyRole::parse(&role).ok_or(StoreError::Corrupt("party role"))?;
            Ok(PartyRecord { id_number, role, confirmed_at })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(CaseRecord { parties, ..case })
}

fn dept_row(r: &Row<'_>) -> rusqlite::Result<DepartmentRecord> {
    let types: String = r.get(2)?;
    Ok(DepartmentRecord {
        code: r.get(0)?,
        name: r.get(1)?,
        allowed_types: types.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::store::DatabaseUrl;

    /// A database file in a fresh temporary directory.
    fn temp_db(what: &str) -> PathBuf {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("shimin-sqlite-{what}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("store.db")
    }

    fn person(n: u32) -> CitizenRecord {
        CitizenRecord {
            id_number: format!("11010519491231{n:04}"),
            name: "测试".into(),
            ethnicity: 1,
            address: "某街1号".into(),
            household_number: None,
            relation: "01".into(),
            photo: None,
        }
    }

    fn note(n: u32) -> NewEvent {
        NewEvent {
            citizen_id_number: person(n).id_number,
            device_id: None,
            kind: EventKind::Notification,
            certificate_id: None,
            status: None,
            message: None,
            created_at: 1,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_run_on_read_only_connections_while_the_writer_is_busy() {
        let path = temp_db("readers");
        let store = SqliteStore::open_with(&path, SqliteOptions { readers: 3, ..SqliteOptions::default() })
            .expect("open");
        assert_eq!(store.reader_count(), 3);
        store.insert_citizens(vec![person(1)]).await.expect("insert");

        // Keep the writer busy until told to stop.
        let (release, released) = std::sync::mpsc::channel::<()>();
        let writer = Arc::clone(&store.writer);
        let busy =
            tokio::spawn(
                async move { writer.run(move |_| released.recv().map_err(|_| StoreError::Task)).await },
            );
        let read = tokio::time::timeout(Duration::from_secs(10), store.citizen(&person(1).id_number))
            .await
            .expect("a read does not wait for the writer")
            .expect("read");
        assert_eq!(read, Some(person(1)));
        let write = tokio::time::timeout(Duration::from_millis(100), store.append_event(note(1))).await;
        assert!(write.is_err(), "a write waits for the writer");
        release.send(()).expect("release");
        busy.await.expect("join").expect("the busy job");
        store.append_event(note(2)).await.expect("the writer is free again");

        let readers = store.readers.clone().expect("readers");
        let refused = readers.run(|c| Ok(c.execute("DELETE FROM citizen", [])?)).await;
        assert!(
            matches!(&refused, Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)))
                if f.code == rusqlite::ErrorCode::ReadOnly),
            "readers are read-only: {refused:?}"
        );
        let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_sees_every_write_that_finished_before_it() {
        let path = temp_db("visibility");
        let store = SqliteStore::open_with(&path, SqliteOptions { readers: 2, ..SqliteOptions::default() })
            .expect("open");
        let tasks: Vec<_> = (0..64)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    store.insert_citizens(vec![person(n)]).await.expect("insert");
                    assert_eq!(store.citizen(&person(n).id_number).await.expect("read"), Some(person(n)));
                    store.append_event(note(n)).await.expect("event");
                    let events = store.events(&person(n).id_number, 0, 0, 10).await.expect("events");
                    assert_eq!(events.len(), 1);
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("task");
        }
        assert_eq!(store.count_citizens().await.expect("count"), 64);
        let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
    }

    #[tokio::test]
    async fn a_job_that_panics_gives_its_connection_back() {
        let path = temp_db("panic");
        let store = SqliteStore::open_with(&path, SqliteOptions { readers: 1, ..SqliteOptions::default() })
            .expect("open");
        let readers = store.readers.clone().expect("readers");
        let failed = readers.run(|_| -> Result<(), StoreError> { panic!("a bug in a job") }).await;
        assert!(matches!(failed, Err(StoreError::Task)));
        assert_eq!(store.count_citizens().await.expect("the one reader still serves"), 0);
        let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
    }

    #[tokio::test]
    async fn an_in_memory_database_reads_through_its_writer() {
        let store = SqliteStore::open_in_memory().expect("open");
        assert_eq!(store.reader_count(), 0, "other connections would see another, empty database");
        store.insert_citizens(vec![person(1)]).await.expect("insert");
        assert_eq!(store.citizen(&person(1).id_number).await.expect("read"), Some(person(1)));

        // The same through the URL the server takes.
        let store = "sqlite://:memory:".parse::<DatabaseUrl>().expect("url").open().await.expect("open");
        assert_eq!(store.count_citizens().await.expect("count"), 0);
        store.insert_citizens(vec![person(1), person(2)]).await.expect("insert");
        assert_eq!(store.count_citizens().await.expect("count"), 2);
        assert_eq!(store.citizen(&person(2).id_number).await.expect("read"), Some(person(2)));
    }

    #[tokio::test]
    async fn without_readers_the_writer_serves_reads() {
        let path = temp_db("no-readers");
        let store = SqliteStore::open_with(&path, SqliteOptions { readers: 0, ..SqliteOptions::default() })
            .expect("open");
        assert_eq!(store.reader_count(), 0);
        store.insert_citizens(vec![person(1)]).await.expect("insert");
        assert_eq!(store.count_citizens().await.expect("count"), 1);
        let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate(&mut conn).expect("first");
        migrate(&mut conn).expect("second");
        let v: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0)).expect("pragma");
        assert_eq!(v, MIGRATIONS.len());
    }
}
