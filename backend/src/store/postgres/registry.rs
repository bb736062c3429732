//! [`RegistryStore`] on PostgreSQL.

use async_trait::async_trait;
use tokio_postgres::Row;

use super::{Cached, PgStore, conflict};
use crate::store::{
    CitizenRecord, CompanyRecord, DepartmentRecord, HouseholdRecord, RegistryStore, StaffRecord, StoreError,
};

/// Rows per multi-row insert when seeding citizens.
const CITIZEN_BATCH: usize = 5_000;

#[async_trait]
impl RegistryStore for PgStore {
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
            .cached_query_opt(
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
        let n: i64 = client.cached_query_one("SELECT count(*) FROM citizen", &[]).await?.try_get(0)?;
        u64::try_from(n).map_err(|_| StoreError::Corrupt("count"))
    }

    async fn set_citizen_photo(&self, id_number: &str, photo: Option<Vec<u8>>) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .cached_execute("UPDATE citizen SET photo = $2 WHERE id_number = $1", &[&id_number, &photo])
            .await?
            == 1)
    }

    async fn put_household(&self, h: HouseholdRecord) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .cached_execute(
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
            .cached_query_opt(
                "SELECT number, address, head_id_number FROM household WHERE number = $1",
                &[&number],
            )
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

    async fn insert_company(&self, co: CompanyRecord) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.cached_execute(
            "INSERT INTO company (credit_code, name, legal_representative, supervisor) VALUES ($1, $2, $3, $4)",
            &[&co.credit_code, &co.name, &co.legal_representative, &co.supervisor],
        )
        .await
        .map_err(conflict)?;
        put_shareholders(&tx, &co).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn change_company(&self, current: &CompanyRecord, co: CompanyRecord) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let changed = tx
            .cached_execute(
                "UPDATE company SET name = $2, legal_representative = $3, supervisor = $4 \
                 WHERE credit_code = $1 AND legal_representative = $5 AND supervisor IS NOT DISTINCT FROM $6",
                &[
                    &co.credit_code,
                    &co.name,
                    &co.legal_representative,
                    &co.supervisor,
                    &current.legal_representative,
                    &current.supervisor,
                ],
            )
            .await?;
        if changed != 1 {
            return Ok(false);
        }
        tx.cached_execute("DELETE FROM company_shareholder WHERE credit_code = $1", &[&co.credit_code])
            .await?;
        put_shareholders(&tx, &co).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn company(&self, credit_code: &str) -> Result<Option<CompanyRecord>, StoreError> {
        let client = self.client().await?;
        let Some(r) = client
            .cached_query_opt(
                "SELECT credit_code, name, legal_representative, supervisor FROM company WHERE credit_code = $1",
                &[&credit_code],
            )
            .await?
        else {
            return Ok(None);
        };
        let shareholders = client
            .cached_query(
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
            .cached_execute(
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
            .cached_query_opt("SELECT code, name, allowed_types FROM department WHERE code = $1", &[&code])
            .await?
            .as_ref()
            .map(dept_row)
            .transpose()
    }

    async fn departments(&self) -> Result<Vec<DepartmentRecord>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query("SELECT code, name, allowed_types FROM department ORDER BY code", &[])
            .await?
            .iter()
            .map(dept_row)
            .collect()
    }

    async fn insert_staff(&self, s: StaffRecord) -> Result<i64, StoreError> {
        let client = self.client().await?;
        let row = client
            .cached_query_one(
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
            .cached_query_opt(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE login = $1"), &[&login])
            .await?
            .as_ref()
            .map(staff_row)
            .transpose()
    }

    async fn set_staff_password(&self, id: i64, salt: Vec<u8>, hash: Vec<u8>) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .cached_execute(
                "UPDATE staff SET password_salt = $2, password_hash = $3 WHERE id = $1",
                &[&id, &salt, &hash],
            )
            .await?;
        Ok(())
    }

    async fn staff_locked_until(&self, id: i64, now: i64) -> Result<Option<i64>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .cached_query_opt(
                "SELECT locked_until FROM staff_login_failure WHERE staff_id = $1 AND locked_until > $2",
                &[&id, &now],
            )
            .await?
            .map(|r| r.try_get(0))
            .transpose()?)
    }

    async fn count_failed_login(
        &self,
        id: i64,
        now: i64,
        max_failures: i64,
        lock_for: i64,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // The upsert locks the row: concurrent failures are counted one after the other.
        tx.cached_execute(
            "INSERT INTO staff_login_failure (staff_id, failures, locked_until) VALUES ($1, 1, NULL) \
             ON CONFLICT (staff_id) DO UPDATE SET failures = staff_login_failure.failures + 1",
            &[&id],
        )
        .await?;
        tx.cached_execute(
            "UPDATE staff_login_failure SET failures = 0, locked_until = $2 WHERE staff_id = $1 AND failures >= $3",
            &[&id, &(now + lock_for), &max_failures],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn clear_failed_logins(&self, id: i64) -> Result<(), StoreError> {
        let client = self.client().await?;
        client.cached_execute("DELETE FROM staff_login_failure WHERE staff_id = $1", &[&id]).await?;
        Ok(())
    }

    async fn staff(&self, id: i64) -> Result<Option<StaffRecord>, StoreError> {
        let client = self.client().await?;
        client
            .cached_query_opt(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1"), &[&id])
            .await?
            .as_ref()
            .map(staff_row)
            .transpose()
    }
}

const STAFF_COLUMNS: &str = "id, login, department_code, role, password_salt, password_hash";

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

fn dept_row(r: &Row) -> Result<DepartmentRecord, StoreError> {
    let types: String = r.try_get(2)?;
    Ok(DepartmentRecord {
        code: r.try_get(0)?,
        name: r.try_get(1)?,
        allowed_types: types.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
    })
}

/// A company's shareholders, inside the caller's transaction.
async fn put_shareholders(
    tx: &deadpool_postgres::Transaction<'_>,
    co: &CompanyRecord,
) -> Result<(), StoreError> {
    for s in &co.shareholders {
        tx.cached_execute(
            "INSERT INTO company_shareholder (credit_code, id_number) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&co.credit_code, s],
        )
        .await?;
    }
    Ok(())
}
