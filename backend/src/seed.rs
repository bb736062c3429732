//! Demo data: a few named citizens for `make run`, and generated ones for load tests.

use std::fmt;

use rusqlite::{Connection, params};
use shimin_core::id_number::check_character;

use crate::db::DbError;

/// The named demo citizens: (first 17 digits of the identity number, name).
const DEMO: &[(&str, &str)] = &[
    ("42010619900307123", "张伟"),
    ("35010219850611234", "林晓燕"),
    ("53040219780922345", "李建国"),
    ("44060420011130456", "陈思敏"),
    ("11010519491231002", "王秀兰"),
];

const SURNAMES: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡"];
const GIVEN: &[&str] =
    &["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明"];

/// A full identity number from its first 17 digits.
fn complete(first17: &str) -> Option<String> {
    check_character(first17).ok().map(|c| format!("{first17}{c}"))
}

/// The `n`-th generated citizen: a valid identity number and a plausible name, deterministic in `n`.
pub fn generated_citizen(n: u32) -> Option<(String, String)> {
    let birth_year = 1950 + n % 55;
    let month = 1 + (n / 55) % 12;
    let day = 1 + (n / 660) % 28;
    let seq = (n / 18480) % 1000;
    let first17 = format!("320102{birth_year:04}{month:02}{day:02}{seq:03}");
    let name = format!(
        "{}{}{}",
        SURNAMES[(n as usize) % SURNAMES.len()],
        GIVEN[(n as usize / 7) % GIVEN.len()],
        GIVEN[(n as usize / 3) % GIVEN.len()]
    );
    complete(&first17).map(|id| (id, name))
}

/// What `seed` did, printed for the person who ran it.
#[derive(Debug)]
pub struct SeedReport {
    /// The named demo citizens, with their full identity numbers (demo data, not real people).
    pub demo: Vec<(String, String)>,
    /// Citizens in the registry afterwards.
    pub total: u64,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Demo citizens (fictional):")?;
        for (id, name) in &self.demo {
            writeln!(f, "  {id}  {name}")?;
        }
        write!(f, "Citizens in the registry: {}", self.total)
    }
}

/// Inserts the demo citizens and generated ones up to `citizens` in all. Running it again adds
/// nothing that is already there.
///
/// # Errors
/// When the database refuses a write.
pub fn seed(conn: &mut Connection, citizens: u32, now: i64) -> Result<SeedReport, DbError> {
    let tx = conn.transaction()?;
    let mut demo = Vec::new();
    {
        let mut insert =
            tx.prepare("INSERT OR IGNORE INTO citizen (id_number, name, created_at) VALUES (?1, ?2, ?3)")?;
        for (first17, name) in DEMO.iter().take(citizens as usize) {
            if let Some(id) = complete(first17) {
                insert.execute(params![id, name, now])?;
                demo.push((id, (*name).to_owned()));
            }
        }
        let extra = citizens.saturating_sub(DEMO.len() as u32);
        for n in 0..extra {
            if let Some((id, name)) = generated_citizen(n) {
                insert.execute(params![id, name, now])?;
            }
        }
    }
    tx.commit()?;
    let total: u64 = conn.query_row("SELECT count(*) FROM citizen", [], |r| r.get(0))?;
    Ok(SeedReport { demo, total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shimin_core::IdNumber;

    #[test]
    fn every_seeded_identity_number_is_valid() {
        for (first17, _) in DEMO {
            let id = complete(first17).expect("17 digits");
            assert!(IdNumber::parse(&id).is_ok(), "demo citizen has an invalid number");
        }
        for n in (0..200_000).step_by(997) {
            let (id, _) = generated_citizen(n).expect("generated");
            assert!(IdNumber::parse(&id).is_ok(), "generated citizen {n} is invalid");
        }
    }

    #[test]
    fn seeding_is_idempotent() {
        let mut conn = Connection::open_in_memory().expect("open");
        crate::db::migrate(&mut conn).expect("migrate");
        let first = seed(&mut conn, 50, 0).expect("seed");
        let second = seed(&mut conn, 50, 0).expect("seed again");
        assert_eq!(first.total, 50);
        assert_eq!(second.total, 50);
    }
}
