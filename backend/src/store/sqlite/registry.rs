//! [`RegistryStore`] on SQLite.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, Row, params};

use super::{SqliteStore, conflict};
use crate::store::{
    CitizenRecord, CompanyRecord, DepartmentRecord, HouseholdRecord, RegistryStore, StaffRecord, StoreError,
};

#[async_trait]
impl RegistryStore for SqliteStore {
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

    async fn set_citizen_photo(&self, id_number: &str, photo: Option<Vec<u8>>) -> Result<bool, StoreError> {
        let id = id_number.to_owned();
        self.tx(move |tx| {
            Ok(tx.execute("UPDATE citizen SET photo = ?2 WHERE id_number = ?1", params![id, photo])? == 1)
        })
        .await
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

    async fn insert_company(&self, co: CompanyRecord) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO company (credit_code, name, legal_representative, supervisor) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![co.credit_code, co.name, co.legal_representative, co.supervisor],
            )
            .map_err(conflict)?;
            put_shareholders(tx, &co)
        })
        .await
    }

    async fn change_company(&self, current: &CompanyRecord, co: CompanyRecord) -> Result<bool, StoreError> {
        let (was_legal, was_supervisor) = (current.legal_representative.clone(), current.supervisor.clone());
        self.tx(move |tx| {
            let changed = tx.execute(
                "UPDATE company SET name = ?2, legal_representative = ?3, supervisor = ?4 \
                 WHERE credit_code = ?1 AND legal_representative = ?5 AND supervisor IS ?6",
                params![
                    co.credit_code,
                    co.name,
                    co.legal_representative,
                    co.supervisor,
                    was_legal,
                    was_supervisor
                ],
            )?;
            if changed != 1 {
                return Ok(false);
            }
            tx.execute("DELETE FROM company_shareholder WHERE credit_code = ?1", [&co.credit_code])?;
            put_shareholders(tx, &co)?;
            Ok(true)
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

    async fn set_staff_password(&self, id: i64, salt: Vec<u8>, hash: Vec<u8>) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "UPDATE staff SET password_salt = ?2, password_hash = ?3 WHERE id = ?1",
                params![id, salt, hash],
            )?;
            Ok(())
        })
        .await
    }

    async fn staff_locked_until(&self, id: i64, now: i64) -> Result<Option<i64>, StoreError> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT locked_until FROM staff_login_failure WHERE staff_id = ?1 AND locked_until > ?2",
                params![id, now],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await
    }

    async fn count_failed_login(
        &self,
        id: i64,
        now: i64,
        max_failures: i64,
        lock_for: i64,
    ) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute(
                "INSERT INTO staff_login_failure (staff_id, failures, locked_until) VALUES (?1, 1, NULL) \
                 ON CONFLICT (staff_id) DO UPDATE SET failures = failures + 1",
                [id],
            )?;
            tx.execute(
                "UPDATE staff_login_failure SET failures = 0, locked_until = ?2 \
                 WHERE staff_id = ?1 AND failures >= ?3",
                params![id, now + lock_for, max_failures],
            )?;
            Ok(())
        })
        .await
    }

    async fn clear_failed_logins(&self, id: i64) -> Result<(), StoreError> {
        self.tx(move |tx| {
            tx.execute("DELETE FROM staff_login_failure WHERE staff_id = ?1", [id])?;
            Ok(())
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

fn dept_row(r: &Row<'_>) -> rusqlite::Result<DepartmentRecord> {
    let types: String = r.get(2)?;
    Ok(DepartmentRecord {
        code: r.get(0)?,
        name: r.get(1)?,
        allowed_types: types.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
    })
}

/// A company's shareholders, inside the caller's transaction.
fn put_shareholders(tx: &rusqlite::Transaction<'_>, co: &CompanyRecord) -> Result<(), StoreError> {
    for s in &co.shareholders {
        tx.execute(
            "INSERT OR IGNORE INTO company_shareholder (credit_code, id_number) VALUES (?1, ?2)",
            params![co.credit_code, s],
        )?;
    }
    Ok(())
}
