//! [`Store`] on PostgreSQL: tokio-postgres with a deadpool connection pool.

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio_postgres::error::SqlState;
use tokio_postgres::{NoTls, Row, Transaction};

use super::{
    CaseRecord, CertificateRecord, CitizenRecord, CompanyRecord, DepartmentRecord, DeviceRecord, EventKind,
    EventRecord, HouseholdRecord, IssuerKeyRecord, LivenessCheckRecord, LivenessOutcome, NewCertificate,
    NewEvent, OutboxRecord, PartyRecord, PartyRole, PublishedDoc, StaffRecord, StatusListRecord, Store,
    StoreError, StoredStatus, TokenRecord, TokenSubject,
};

/// Migrations in order; the table `schema_migration` records which have run.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/001_citizens.sql"),
    include_str!("../../migrations/postgres/002_registry.sql"),
    include_str!("../../migrations/postgres/003_issuers.sql"),
    include_str!("../../migrations/postgres/004_certificates.sql"),
    include_str!("../../migrations/postgres/005_devices_sync.sql"),
    include_str!("../../migrations/postgres/006_liveness_cases.sql"),
];

/// Rows per multi-row insert when seeding citizens.
const CITIZEN_BATCH: usize = 5_000;

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("pool_size", &self.pool.status().max_size).finish()
    }
}

fn conflict(e: tokio_postgres::Error) -> StoreError {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) { StoreError::Conflict } else { StoreError::Postgres(e) }
}

impl PgStore {
    /// Connects to `url`, and migrates.
    ///
    /// # Errors
    /// When the URL is malformed, the server cannot be reached, or a migration fails.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(StoreError::Postgres)?;
        let manager =
            Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool =
            Pool::builder(manager).max_size(16).build().map_err(|e| StoreError::Pool(e.to_string()))?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn client(&self) -> Result<Object, StoreError> {
        self.pool.get().await.map_err(|e| match e {
            deadpool_postgres::PoolError::Backend(e) => StoreError::Postgres(e),
            other => StoreError::Pool(other.to_string()),
        })
    }

    /// Runs the migrations that have not run yet, one transaction each, under an advisory lock
    /// so that two servers starting together do not both migrate.
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY NOT NULL)",
            )
            .await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock(7340001)", &[]).await?;
        let done: i64 =
            tx.query_one("SELECT coalesce(max(version), 0) FROM schema_migration", &[]).await?.get(0);
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            let version = i as i64 + 1;
            if version <= done {
                continue;
            }
            tx.batch_execute(sql).await?;
            tx.execute("INSERT INTO schema_migration (version) VALUES ($1)", &[&version]).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The number of migrations applied.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn migration_version(&self) -> Result<i64, StoreError> {
        let client = self.client().await?;
        Ok(client.query_one("SELECT coalesce(max(version), 0) FROM schema_migration", &[]).await?.get(0))
    }
}

const CERT_COLUMNS: &str = "id, citizen_id_number, department_code, type_slug, serial, version, status_list_id, \
     status_index, status, valid_from, valid_until, expires_at, fields_json, issued_at, replaced_by";

fn cert_row(r: &Row) -> Result<CertificateRecord, StoreError> {
    Ok(CertificateRecord {
        id: r.try_get(0)?,
        citizen_id_number: r.try_get(1)?,
        department_code: r.try_get(2)?,
        type_slug: r.try_get(3)?,
        serial: r.try_get(4)?,
        version: u16::try_from(r.try_get::<_, i64>(5)?).map_err(|_| StoreError::Corrupt("version"))?,
        status_list_id: r.try_get(6)?,
        status_index: r.try_get(7)?,
        status: StoredStatus::from_value(r.try_get(8)?)?,
        valid_from: r.try_get(9)?,
        valid_until: r.try_get(10)?,
        expires_at: r.try_get(11)?,
        fields_json: r.try_get(12)?,
        issued_at: r.try_get(13)?,
        replaced_by: r.try_get(14)?,
    })
}

fn staff_row(r: &Row) -> Result<StaffRecord, StoreError> {
    Ok(StaffRecord {
        id: r.try_get(0)?,
        login: r.try_get(1)?,
        department_code: r.try_get(2)?,
        role: r.try_get(3)?,
        password_salt: r.try_get(4)?,
        password_hash: r.try_get(5)?,
    })
}

fn device_row(r: &Row) -> Result<DeviceRecord, StoreError> {
    Ok(DeviceRecord {
        id: r.try_get(0)?,
        citizen_id_number: r.try_get(1)?,
        public_key: r.try_get(2)?,
        label: r.try_get(3)?,
        created_at: r.try_get(4)?,
        removed_at: r.try_get(5)?,
    })
}

fn dept_row(r: &Row) -> Result<DepartmentRecord, StoreError> {
    let types: String = r.try_get(2)?;
    Ok(DepartmentRecord {
        code: r.try_get(0)?,
        name: r.try_get(1)?,
        allowed_types: types.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
    })
}

async fn insert_event(tx: &Transaction<'_>, e: &NewEvent) -> Result<i64, StoreError> {
    let row = tx
        .query_one(
            "INSERT INTO event (citizen_id_number, device_id, kind, certificate_id, status, message, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
            &[
                &e.citizen_id_number,
                &e.device_id,
                &e.kind.as_str(),
                &e.certificate_id,
                &e.status,
                &e.message,
                &e.created_at,
            ],
        )
        .await?;
    Ok(row.try_get(0)?)
}

const DEVICE_COLUMNS: &str = "id, citizen_id_number, public_key, label, created_at, removed_at";
const STAFF_COLUMNS: &str = "id, login, department_code, role, password_salt, password_hash";

#[async_trait]
impl Store for PgStore {
    async fn insert_citizens(&self, citizens: Vec<CitizenRecord>) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let stmt = tx
            .prepare(
                "INSERT INTO citizen (id_number, name, created_at, ethnicity, address, household_number, relation, photo) \
                 SELECT id, n, 0, e, a, h, r, p FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], \
                 $5::text[], $6::text[], $7::bytea[]) AS t(id, n, e, a, h, r, p) ON CONFLICT (id_number) DO NOTHING",
            )
            .await?;
        let mut added = 0;
        for chunk in citizens.chunks(CITIZEN_BATCH) {
            let ids: Vec<&str> = chunk.iter().map(|c| c.id_number.as_str()).collect();
            let names: Vec<&str> = chunk.iter().map(|c| c.name.as_str()).collect();
            let eth: Vec<i64> = chunk.iter().map(|c| i64::from(c.ethnicity)).collect();
            let addr: Vec<&str> = chunk.iter().map(|c| c.address.as_str()).collect();
            let hh: Vec<Option<&str>> = chunk.iter().map(|c| c.household_number.as_deref()).collect();
            let rel: Vec<&str> = chunk.iter().map(|c| c.relation.as_str()).collect();
            let photo: Vec<Option<&[u8]>> = chunk.iter().map(|c| c.photo.as_deref()).collect();
            added += tx.execute(&stmt, &[&ids, &names, &eth, &addr, &hh, &rel, &photo]).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn citizen(&self, id_number: &str) -> Result<Option<CitizenRecord>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT id_number, name, ethnicity, address, household_number, relation, photo \
                 FROM citizen WHERE id_number = $1",
                &[&id_number],
            )
            .await?;
        row.map(|r| {
            Ok(CitizenRecord {
                id_number: r.try_get(0)?,
                name: r.try_get(1)?,
                ethnicity: u8::try_from(r.try_get::<_, i64>(2)?)
                    .map_err(|_| StoreError::Corrupt("ethnicity"))?,
                address: r.try_get(3)?,
                household_number: r.try_get(4)?,
                relation: r.try_get(5)?,
                photo: r.try_get(6)?,
            })
        })
        .transpose()
    }

    async fn count_citizens(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let n: i64 = client.query_one("SELECT count(*) FROM citizen", &[]).await?.try_get(0)?;
        u64::try_from(n).map_err(|_| StoreError::Corrupt("count"))
    }

    async fn put_household(&self, h: HouseholdRecord) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO household (number, address, head_id_number) VALUES ($1, $2, $3) \
                 ON CONFLICT (number) DO UPDATE SET address = excluded.address, head_id_number = excluded.head_id_number",
                &[&h.number, &h.address, &h.head_id_number],
            )
            .await?;
        Ok(())
    }

    async fn household(&self, number: &str) -> Result<Option<HouseholdRecord>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT number, address, head_id_number FROM household WHERE number = $1", &[&number])
            .await?;
        row.map(|r| {
            Ok(HouseholdRecord {
                number: r.try_get(0)?,
                address: r.try_get(1)?,
                head_id_number: r.try_get(2)?,
            })
        })
        .transpose()
    }

    async fn put_company(&self, co: CompanyRecord) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("DELETE FROM company_shareholder WHERE credit_code = $1", &[&co.credit_code]).await?;
        tx.execute(
            "INSERT INTO company (credit_code, name, legal_representative, supervisor) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (credit_code) DO UPDATE SET name = excluded.name, \
             legal_representative = excluded.legal_representative, supervisor = excluded.supervisor",
            &[&co.credit_code, &co.name, &co.legal_representative, &co.supervisor],
        )
        .await?;
        for s in &co.shareholders {
            tx.execute(
                "INSERT INTO company_shareholder (credit_code, id_number) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&co.credit_code, s],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn company(&self, credit_code: &str) -> Result<Option<CompanyRecord>, StoreError> {
        let client = self.client().await?;
        let Some(r) = client
            .query_opt(
                "SELECT credit_code, name, legal_representative, supervisor FROM company WHERE credit_code = $1",
                &[&credit_code],
            )
            .await?
        else {
            return Ok(None);
        };
        let shareholders = client
            .query(
                "SELECT id_number FROM company_shareholder WHERE credit_code = $1 ORDER BY id_number",
                &[&credit_code],
            )
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        Ok(Some(CompanyRecord {
            credit_code: r.try_get(0)?,
            name: r.try_get(1)?,
            legal_representative: r.try_get(2)?,
            supervisor: r.try_get(3)?,
            shareholders,
        }))
    }

    async fn put_department(&self, d: DepartmentRecord) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO department (code, name, allowed_types) VALUES ($1, $2, $3) \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, allowed_types = excluded.allowed_types",
                &[&d.code, &d.name, &d.allowed_types.join(",")],
            )
            .await?;
        Ok(())
    }

    async fn department(&self, code: &str) -> Result<Option<DepartmentRecord>, StoreError> {
        let client = self.client().await?;
        client
            .query_opt("SELECT code, name, allowed_types FROM department WHERE code = $1", &[&code])
            .await?
            .as_ref()
            .map(dept_row)
            .transpose()
    }

    async fn departments(&self) -> Result<Vec<DepartmentRecord>, StoreError> {
        let client = self.client().await?;
        client
            .query("SELECT code, name, allowed_types FROM department ORDER BY code", &[])
            .await?
            .iter()
            .map(dept_row)
            .collect()
    }

    async fn add_issuer_key(&self, k: IssuerKeyRecord) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("LOCK TABLE issuer_key IN EXCLUSIVE MODE", &[]).await?;
        tx.execute(
            "INSERT INTO issuer_key (key_id, department_code, pkcs8, public_key, valid_from, valid_to, retired_at, seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT coalesce(max(seq), 0) + 1 FROM issuer_key))",
            &[&k.key_id, &k.department_code, &k.pkcs8, &k.public_key, &k.valid_from, &k.valid_to, &k.retired_at],
        )
        .await
        .map_err(conflict)?;
        tx.commit().await?;
        Ok(())
    }

    async fn retire_issuer_keys(&self, department_code: &str, at: i64) -> Result<u64, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute(
                "UPDATE issuer_key SET retired_at = $2 WHERE department_code = $1 AND retired_at IS NULL",
                &[&department_code, &at],
            )
            .await?)
    }

    async fn issuer_keys(&self) -> Result<Vec<IssuerKeyRecord>, StoreError> {
        let client = self.client().await?;
        client
            .query(
                "SELECT key_id, department_code, pkcs8, public_key, valid_from, valid_to, retired_at \
                 FROM issuer_key ORDER BY seq",
                &[],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(IssuerKeyRecord {
                    key_id: r.try_get(0)?,
                    department_code: r.try_get(1)?,
                    pkcs8: r.try_get(2)?,
                    public_key: r.try_get(3)?,
                    valid_from: r.try_get(4)?,
                    valid_to: r.try_get(5)?,
                    retired_at: r.try_get(6)?,
                })
            })
            .collect()
    }

    async fn setting_or_insert(&self, name: &str, value: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO setting (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &value],
            )
            .await?;
        Ok(client.query_one("SELECT value FROM setting WHERE name = $1", &[&name]).await?.try_get(0)?)
    }

    async fn publish(&self, d: PublishedDoc) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO published (name, bytes, etag, sequence, published_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (name) DO UPDATE SET bytes = excluded.bytes, etag = excluded.etag, \
                 sequence = excluded.sequence, published_at = excluded.published_at",
                &[&d.name, &d.bytes, &d.etag, &d.sequence, &d.published_at],
            )
            .await?;
        Ok(())
    }

    async fn published(&self, name: &str) -> Result<Option<PublishedDoc>, StoreError> {
        let client = self.client().await?;
        client
            .query_opt(
                "SELECT name, bytes, etag, sequence, published_at FROM published WHERE name = $1",
                &[&name],
            )
            .await?
            .map(|r| {
                Ok(PublishedDoc {
                    name: r.try_get(0)?,
                    bytes: r.try_get(1)?,
                    etag: r.try_get(2)?,
                    sequence: r.try_get(3)?,
                    published_at: r.try_get(4)?,
                })
            })
            .transpose()
    }

    async fn insert_staff(&self, s: StaffRecord) -> Result<i64, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "INSERT INTO staff (login, department_code, role, password_salt, password_hash) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[&s.login, &s.department_code, &s.role, &s.password_salt, &s.password_hash],
            )
            .await
            .map_err(conflict)?;
        Ok(row.try_get(0)?)
    }

    async fn staff_by_login(&self, login: &str) -> Result<Option<StaffRecord>, StoreError> {
        let client = self.client().await?;
        client
            .query_opt(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE login = $1"), &[&login])
            .await?
            .as_ref()
            .map(staff_row)
            .transpose()
    }

    async fn staff(&self, id: i64) -> Result<Option<StaffRecord>, StoreError> {
        let client = self.client().await?;
        client
            .query_opt(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1"), &[&id])
            .await?
            .as_ref()
            .map(staff_row)
            .transpose()
    }

    async fn insert_token(&self, t: TokenRecord) -> Result<(), StoreError> {
        let (kind, subject) = match t.subject {
            TokenSubject::Staff(id) => ("staff", id),
            TokenSubject::Device(id) => ("device", id),
        };
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO token (hash, kind, subject, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5)",
                &[&t.hash, &kind, &subject, &t.expires_at, &t.revoked_at],
            )
            .await
            .map_err(conflict)?;
        Ok(())
    }

    async fn token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError> {
        let client = self.client().await?;
        let Some(r) = client
            .query_opt(
                "SELECT hash, kind, subject, expires_at, revoked_at FROM token WHERE hash = $1",
                &[&hash],
            )
            .await?
        else {
            return Ok(None);
        };
        let kind: String = r.try_get(1)?;
        let subject: i64 = r.try_get(2)?;
        let subject = match kind.as_str() {
            "staff" => TokenSubject::Staff(subject),
            "device" => TokenSubject::Device(subject),
            _ => return Err(StoreError::Corrupt("token kind")),
        };
        Ok(Some(TokenRecord {
            hash: r.try_get(0)?,
            subject,
            expires_at: r.try_get(3)?,
            revoked_at: r.try_get(4)?,
        }))
    }

    async fn revoke_token(&self, hash: &[u8], at: i64) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute("UPDATE token SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL", &[&hash, &at])
            .await?
            > 0)
    }

    async fn insert_certificate(&self, n: NewCertificate) -> Result<CertificateRecord, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // One allocation at a time per department: lock the department's row.
        tx.execute("SELECT 1 FROM department WHERE code = $1 FOR UPDATE", &[&n.department_code]).await?;
        let current = tx
            .query_opt(
                "SELECT id, capacity, next_index FROM status_list WHERE department_code = $1 ORDER BY id DESC LIMIT 1",
                &[&n.department_code],
            )
            .await?;
        let current = match current {
            Some(r) => Some((r.try_get::<_, i64>(0)?, r.try_get::<_, i64>(1)?, r.try_get::<_, i64>(2)?)),
            None => None,
        };
        let (list_id, index) = match current {
            Some((id, capacity, next)) if next < capacity => (id, next),
            _ => {
                let r = tx
                    .query_one(
                        "INSERT INTO status_list (department_code, capacity, next_index) VALUES ($1, $2, 0) RETURNING id",
                        &[&n.department_code, &n.status_list_capacity],
                    )
                    .await?;
                (r.try_get(0)?, 0)
            }
        };
        tx.execute("UPDATE status_list SET next_index = $2 WHERE id = $1", &[&list_id, &(index + 1)]).await?;
        let version = i64::from(n.version);
        let row = tx
            .query_one(
                "INSERT INTO certificate (citizen_id_number, department_code, type_slug, serial, version, \
                 status_list_id, status_index, status, valid_from, valid_until, expires_at, fields_json, issued_at) \
                 VALUES ($1, $2, $3, coalesce($4::bigint, 0), $5, $6, $7, 0, $8, $9, $10, $11, $12) RETURNING id",
                &[
                    &n.citizen_id_number,
                    &n.department_code,
                    &n.type_slug,
                    &n.serial,
                    &version,
                    &list_id,
                    &index,
                    &n.valid_from,
                    &n.valid_until,
                    &n.expires_at,
                    &n.fields_json,
                    &n.issued_at,
                ],
            )
            .await
            .map_err(conflict)?;
        let id: i64 = row.try_get(0)?;
        if n.serial.is_none() {
            tx.execute("UPDATE certificate SET serial = id WHERE id = $1", &[&id]).await?;
        }
        if let Some(old) = n.replaces {
            tx.execute("UPDATE certificate SET status = 1, replaced_by = $2 WHERE id = $1", &[&old, &id])
                .await?;
        }
        let row =
            tx.query_one(&format!("SELECT {CERT_COLUMNS} FROM certificate WHERE id = $1"), &[&id]).await?;
        let record = cert_row(&row)?;
        tx.commit().await?;
        Ok(record)
    }

    async fn certificate(&self, id: i64) -> Result<Option<CertificateRecord>, StoreError> {
        let client = self.client().await?;
        client
            .query_opt(&format!("SELECT {CERT_COLUMNS} FROM certificate WHERE id = $1"), &[&id])
            .await?
            .as_ref()
            .map(cert_row)
            .transpose()
    }

    async fn certificates_of(&self, citizen_id_number: &str) -> Result<Vec<CertificateRecord>, StoreError> {
        let client = self.client().await?;
        client
            .query(
                &format!(
                    "SELECT {CERT_COLUMNS} FROM certificate WHERE citizen_id_number = $1 ORDER BY id DESC"
                ),
                &[&citizen_id_number],
            )
            .await?
            .iter()
            .map(cert_row)
            .collect()
    }

    async fn set_status(
        &self,
        id: i64,
        status: StoredStatus,
        events: Vec<NewEvent>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("UPDATE certificate SET status = $2 WHERE id = $1", &[&id, &status.value()]).await?;
        for e in &events {
            insert_event(&tx, e).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn status_list(&self, id: i64) -> Result<Option<StatusListRecord>, StoreError> {
        let client = self.client().await?;
        client
            .query_opt("SELECT id, department_code, capacity FROM status_list WHERE id = $1", &[&id])
            .await?
            .map(|r| {
                Ok(StatusListRecord {
                    id: r.try_get(0)?,
                    department_code: r.try_get(1)?,
                    capacity: r.try_get(2)?,
                })
            })
            .transpose()
    }

    async fn status_entries(&self, list_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        let client = self.client().await?;
        client
            .query(
                "SELECT status_index, status FROM certificate WHERE status_list_id = $1 AND status <> 0 \
                 ORDER BY status_index",
                &[&list_id],
            )
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    async fn put_copy(
        &self,
        certificate_id: i64,
        device_id: i64,
        holder_copy: Vec<u8>,
        event: NewEvent,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "INSERT INTO certificate_copy (certificate_id, device_id, holder_copy) VALUES ($1, $2, $3) \
             ON CONFLICT (certificate_id, device_id) DO UPDATE SET holder_copy = excluded.holder_copy",
            &[&certificate_id, &device_id, &holder_copy],
        )
        .await?;
        insert_event(&tx, &event).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_enrolment_code(
        &self,
        hash: Vec<u8>,
        citizen_id_number: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO enrolment_code (hash, citizen_id_number, expires_at) VALUES ($1, $2, $3)",
                &[&hash, &citizen_id_number, &expires_at],
            )
            .await
            .map_err(conflict)?;
        Ok(())
    }

    async fn enrol_device(
        &self,
        code_hash: Vec<u8>,
        device: DeviceRecord,
        now: i64,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let used = tx
            .execute(
                "UPDATE enrolment_code SET used_at = $3 WHERE hash = $1 AND citizen_id_number = $2 \
                 AND used_at IS NULL AND expires_at > $3",
                &[&code_hash, &device.citizen_id_number, &now],
            )
            .await?;
        if used == 0 {
            return Ok(None);
        }
        let row = tx
            .query_one(
                "INSERT INTO device (citizen_id_number, public_key, label, created_at) VALUES ($1, $2, $3, $4) \
                 RETURNING id",
                &[&device.citizen_id_number, &device.public_key, &device.label, &device.created_at],
            )
            .await
            .map_err(conflict)?;
        let id = row.try_get(0)?;
        tx.commit().await?;
        Ok(Some(DeviceRecord { id, ..device }))
    }

    async fn device(&self, id: i64) -> Result<Option<DeviceRecord>, StoreError> {
        let client = self.client().await?;
        client
            .query_opt(&format!("SELECT {DEVICE_COLUMNS} FROM device WHERE id = $1"), &[&id])
            .await?
            .as_ref()
            .map(device_row)
            .transpose()
    }

    async fn active_devices(&self, citizen_id_number: &str) -> Result<Vec<DeviceRecord>, StoreError> {
        let client = self.client().await?;
        client
            .query(
                &format!(
                    "SELECT {DEVICE_COLUMNS} FROM device WHERE citizen_id_number = $1 AND removed_at IS NULL ORDER BY id"
                ),
                &[&citizen_id_number],
            )
            .await?
            .iter()
            .map(device_row)
            .collect()
    }

    async fn remove_device(&self, id: i64, at: i64) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("UPDATE device SET removed_at = $2 WHERE id = $1 AND removed_at IS NULL", &[&id, &at])
            .await?;
        tx.execute(
            "UPDATE token SET revoked_at = $2 WHERE kind = 'device' AND subject = $1 AND revoked_at IS NULL",
            &[&id, &at],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_challenge(
        &self,
        device_id: i64,
        nonce: Vec<u8>,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO challenge (nonce, device_id, expires_at) VALUES ($1, $2, $3)",
                &[&nonce, &device_id, &expires_at],
            )
            .await
            .map_err(conflict)?;
        Ok(())
    }

    async fn take_challenge(&self, device_id: i64, nonce: &[u8], now: i64) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let row = tx
            .query_opt(
                "DELETE FROM challenge WHERE nonce = $1 AND device_id = $2 RETURNING expires_at",
                &[&nonce, &device_id],
            )
            .await?;
        tx.execute("DELETE FROM challenge WHERE expires_at <= $1", &[&now]).await?;
        tx.commit().await?;
        Ok(match row {
            Some(r) => r.try_get::<_, i64>(0)? > now,
            None => false,
        })
    }

    async fn append_event(&self, event: NewEvent) -> Result<i64, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let seq = insert_event(&tx, &event).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn events(
        &self,
        citizen_id_number: &str,
        device_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT e.seq, e.kind, e.certificate_id, cc.holder_copy, e.status, e.message, e.created_at \
                 FROM event e LEFT JOIN certificate_copy cc \
                   ON e.kind = 'certificate-copy' AND cc.certificate_id = e.certificate_id AND cc.device_id = $2 \
                 WHERE e.citizen_id_number = $1 AND (e.device_id IS NULL OR e.device_id = $2) AND e.seq > $3 \
                 ORDER BY e.seq LIMIT $4",
                &[&citizen_id_number, &device_id, &after, &limit],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(EventRecord {
                    seq: r.try_get(0)?,
                    kind: EventKind::parse(r.try_get(1)?)?,
                    certificate_id: r.try_get(2)?,
                    holder_copy: r.try_get(3)?,
                    status: r.try_get(4)?,
                    message: r.try_get(5)?,
                    created_at: r.try_get(6)?,
                })
            })
            .collect()
    }

    async fn push_outbox(
        &self,
        device_id: i64,
        idempotency_key: &str,
        kind: &str,
        payload: &str,
        now: i64,
    ) -> Result<OutboxRecord, StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO outbox (device_id, idempotency_key, kind, payload, received_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id, idempotency_key) DO NOTHING",
                &[&device_id, &idempotency_key, &kind, &payload, &now],
            )
            .await?;
        let r = client
            .query_one(
                "SELECT id, device_id, idempotency_key, kind, payload, received_at FROM outbox \
                 WHERE device_id = $1 AND idempotency_key = $2",
                &[&device_id, &idempotency_key],
            )
            .await?;
        Ok(OutboxRecord {
            id: r.try_get(0)?,
            device_id: r.try_get(1)?,
            idempotency_key: r.try_get(2)?,
            kind: r.try_get(3)?,
            payload: r.try_get(4)?,
            received_at: r.try_get(5)?,
        })
    }

    async fn count_outbox(&self, device_id: i64) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let n: i64 = client
            .query_one("SELECT count(*) FROM outbox WHERE device_id = $1", &[&device_id])
            .await?
            .try_get(0)?;
        u64::try_from(n).map_err(|_| StoreError::Corrupt("count"))
    }

    async fn set_citizen_photo(&self, id_number: &str, photo: Option<Vec<u8>>) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute("UPDATE citizen SET photo = $2 WHERE id_number = $1", &[&id_number, &photo])
            .await?
            == 1)
    }

    async fn insert_liveness_check(
        &self,
        check: LivenessCheckRecord,
        since_ms: i64,
        max_attempts: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The citizen's row lock serialises concurrent requests for the same citizen, so the
        // count and the insert cannot interleave with another's.
        tx.execute("SELECT 1 FROM citizen WHERE id_number = $1 FOR UPDATE", &[&check.citizen_id_number])
            .await?;
        let issued: i64 = tx
            .query_one(
                "SELECT count(*) FROM liveness_check WHERE citizen_id_number = $1 AND issued_at_ms >= $2",
                &[&check.citizen_id_number, &since_ms],
            )
            .await?
            .try_get(0)?;
        if issued >= max_attempts {
            return Ok(None);
        }
        let (purpose, case_id) = super::purpose_columns(check.purpose);
        let id: i64 = tx
            .query_one(
                "INSERT INTO liveness_check (citizen_id_number, purpose, case_id, device_id, device_key, \
                 device_label, nonce, actions, time_limit_ms, issued_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[
                    &check.citizen_id_number,
                    &purpose,
                    &case_id,
                    &check.device_id,
                    &check.device_key,
                    &check.device_label,
                    &check.nonce,
                    &check.actions,
                    &check.time_limit_ms,
                    &check.issued_at_ms,
                ],
            )
            .await
            .map_err(conflict)?
            .try_get(0)?;
        tx.commit().await?;
        Ok(Some(id))
    }

    async fn liveness_check(&self, id: i64) -> Result<Option<LivenessCheckRecord>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(&format!("SELECT {LIVENESS_COLUMNS} FROM liveness_check WHERE id = $1"), &[&id])
            .await?;
        row.as_ref().map(liveness_row).transpose()
    }

    async fn answer_liveness_check(
        &self,
        id: i64,
        now: i64,
    ) -> Result<Option<LivenessCheckRecord>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!(
                    "UPDATE liveness_check SET answered_at = $2 WHERE id = $1 AND answered_at IS NULL \
                     RETURNING {LIVENESS_COLUMNS}"
                ),
                &[&id, &now],
            )
            .await?;
        row.as_ref().map(liveness_row).transpose()
    }

    async fn record_liveness_outcome(
        &self,
        id: i64,
        outcome: LivenessOutcome,
    ) -> Result<Option<DeviceRecord>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let passed = !matches!(outcome, LivenessOutcome::Failed);
        tx.execute("UPDATE liveness_check SET passed = $2 WHERE id = $1", &[&id, &passed]).await?;
        let device = match outcome {
            LivenessOutcome::Failed => None,
            LivenessOutcome::Enrolled(device) => {
                let id: i64 = tx
                    .query_one(
                        "INSERT INTO device (citizen_id_number, public_key, label, created_at) \
                         VALUES ($1, $2, $3, $4) RETURNING id",
                        &[&device.citizen_id_number, &device.public_key, &device.label, &device.created_at],
                    )
                    .await
                    .map_err(conflict)?
                    .try_get(0)?;
                Some(DeviceRecord { id, ..device })
            }
            LivenessOutcome::Confirmed { case_id, id_number, at } => {
                tx.execute(
                    "UPDATE case_party SET confirmed_at = $3 \
                     WHERE case_id = $1 AND id_number = $2 AND confirmed_at IS NULL",
                    &[&case_id, &id_number, &at],
                )
                .await?;
                None
            }
        };
        tx.commit().await?;
        Ok(device)
    }

    async fn insert_case(&self, case: CaseRecord) -> Result<i64, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO registration_case (department_code, company_name, credit_code, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[&case.department_code, &case.company_name, &case.credit_code, &case.created_by, &case.created_at],
            )
            .await?
            .try_get(0)?;
        let stmt =
            tx.prepare("INSERT INTO case_party (case_id, id_number, role) VALUES ($1, $2, $3)").await?;
        for party in &case.parties {
            tx.execute(&stmt, &[&id, &party.id_number, &party.role.as_str()]).await.map_err(conflict)?;
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn case(&self, id: i64) -> Result<Option<CaseRecord>, StoreError> {
        let client = self.client().await?;
        let Some(row) = client
            .query_opt(&format!("SELECT {CASE_COLUMNS} FROM registration_case WHERE id = $1"), &[&id])
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(with_parties(&client, case_row(&row)?).await?))
    }

    async fn open_cases_of(&self, id_number: &str) -> Result<Vec<CaseRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {CASE_COLUMNS} FROM registration_case WHERE proceeded_at IS NULL AND id IN \
                     (SELECT case_id FROM case_party WHERE id_number = $1) ORDER BY id DESC"
                ),
                &[&id_number],
            )
            .await?;
        let mut cases = Vec::with_capacity(rows.len());
        for row in &rows {
            cases.push(with_parties(&client, case_row(row)?).await?);
        }
        Ok(cases)
    }

    async fn proceed_case(&self, id: i64, at: i64) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute(
                "UPDATE registration_case SET proceeded_at = $2 WHERE id = $1 AND proceeded_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM case_party WHERE case_id = $1 AND confirmed_at IS NULL)",
                &[&id, &at],
            )
            .await?
            == 1)
    }
}

const LIVENESS_COLUMNS: &str = "id, citizen_id_number, purpose, case_id, device_id, device_key, device_label, \
     nonce, actions, time_limit_ms, issued_at_ms, answered_at, passed";

fn liveness_row(r: &Row) -> Result<LivenessCheckRecord, StoreError> {
    let purpose: String = r.try_get(2)?;
    Ok(LivenessCheckRecord {
        id: r.try_get(0)?,
        citizen_id_number: r.try_get(1)?,
        purpose: super::parse_purpose(&purpose, r.try_get(3)?)?,
        device_id: r.try_get(4)?,
        device_key: r.try_get(5)?,
        device_label: r.try_get(6)?,
        nonce: r.try_get(7)?,
        actions: r.try_get(8)?,
        time_limit_ms: r.try_get(9)?,
        issued_at_ms: r.try_get(10)?,
        answered_at: r.try_get(11)?,
        passed: r.try_get(12)?,
    })
}

const CASE_COLUMNS: &str =
    "id, department_code, company_name, credit_code, created_by, created_at, proceeded_at";

fn case_row(r: &Row) -> Result<CaseRecord, StoreError> {
    Ok(CaseRecord {
        id: r.try_get(0)?,
        department_code: r.try_get(1)?,
        company_name: r.try_get(2)?,
        credit_code: r.try_get(3)?,
        created_by: r.try_get(4)?,
        created_at: r.try_get(5)?,
        proceeded_at: r.try_get(6)?,
        parties: Vec::new(),
    })
}

async fn with_parties(client: &Object, case: CaseRecord) -> Result<CaseRecord, StoreError> {
    let rows = client
        .query(
            "SELECT id_number, role, confirmed_at FROM case_party WHERE case_id = $1 ORDER BY role, id_number",
            &[&case.id],
        )
        .await?;
    let parties = rows
        .iter()
        .map(|r| {
            let role: String = r.try_get(1)?;
            Ok(PartyRecord {
                id_number: r.try_get(0)?,
                role: PartyRole::parse(&role).ok_or(StoreError::Corrupt("party role"))?,
                confirmed_at: r.try_get(2)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(CaseRecord { parties, ..case })
}
