//! Certificates in the wallet: import (after the caller's verification), renewal history, list
//! by expiry, search and lookup.
//!
//! Only what is needed to find and sort is stored in clear: the identifier (type code, issuer
//! code, serial, version), the validity window, the `current` flag and a keyed hash of the
//! holder's ID number. Names and every attribute value are inside the sealed blob, so a search by
//! text decrypts the candidates and filters them in memory, which is fine for a wallet of tens of
//! certificates.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use shimin_core::cert::{
    AttributeValue, CertificateId, CertificateType, IssuedCertificate, VerifiedCertificate,
};
use shimin_core::wallet::{ImportOutcome, Search, StoredCertificate};

use crate::blob;
use crate::error::{ImportError, StoreError};
use crate::sealed::Sealed;
use crate::wallet::Wallet;

const TABLE: &str = "certificates";
const COLUMNS: &str = "id, valid_from, valid_to, is_current, imported_at, sealed";
/// Soonest expiry first; certificates that never expire last.
const BY_EXPIRY: &str = "ORDER BY valid_to IS NULL, valid_to, id";

/// A row about to be written; built from a verified certificate.
#[derive(Debug)]
pub(crate) struct NewRow {
    pub id: String,
    pub holder_key: [u8; 32],
    pub type_code: String,
    pub issuer_code: String,
    pub serial: String,
    pub version: u16,
    pub valid_from: i64,
    pub valid_to: Option<i64>,
    pub imported_at: i64,
    pub sealed: Vec<u8>,
}

impl Wallet {
    /// Imports `issued` after `verify` accepted it (signature, trust and validity are the
    /// caller's policy, e.g. [`shimin_core::cert::verify_certificate`] with a trust list). A
    /// renewal (same type, issuer and serial, higher version) keeps the older version as history.
    ///
    /// The store also refuses a verification that did not cover every attribute it would store,
    /// and a certificate bound to another device key. On any refusal nothing stored changes.
    ///
    /// # Errors
    /// [`ImportError::Refused`] with the verifier's reason; [`ImportError::Store`] with
    /// [`StoreError::NotNewer`], [`StoreError::IncompleteVerification`],
    /// [`StoreError::WrongDevice`], [`StoreError::NoHolder`] or a database error.
    pub fn import<E>(
        &mut self,
        issued: &IssuedCertificate,
        verify: impl FnOnce(&IssuedCertificate) -> Result<VerifiedCertificate, E>,
        now: i64,
    ) -> Result<ImportOutcome, ImportError<E>> {
        let verified = verify(issued).map_err(ImportError::Refused)?;
        let row = self.new_row(issued, &verified, now)?;
        let tx = self.conn.transaction().map_err(StoreError::from)?;
        let outcome = write_import(&tx, &row)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(outcome)
    }

    fn new_row(
        &self,
        issued: &IssuedCertificate,
        verified: &VerifiedCertificate,
        now: i64,
    ) -> Result<NewRow, StoreError> {
        let complete = verified.disclosed.len() == issued.disclosures.len()
            && issued.disclosures.iter().all(|d| verified.disclosed.get(&d.name) == Some(&d.value));
        if !complete {
            return Err(StoreError::IncompleteVerification);
        }
        let payload = &verified.payload;
        if payload.device_key != self.device_public_key() {
            return Err(StoreError::WrongDevice);
        }
        let holder = holder_of(issued, payload.certificate_type).ok_or(StoreError::NoHolder)?;
        let id = payload.id.to_string();
        let plaintext = blob::encode(issued).ok_or(StoreError::Encode("certificate"))?;
        // Bound to its identifier, so blobs cannot be swapped between rows.
        let sealed = self.data_key.seal(Sealed::Certificate, &id, &plaintext)?;
        Ok(NewRow {
            holder_key: self.holder_index.index(holder.0, holder.1),
            type_code: payload.id.type_code().to_string(),
            issuer_code: payload.id.issuer().as_str().to_owned(),
            serial: payload.id.serial().as_str().to_owned(),
            version: payload.id.version(),
            valid_from: payload.not_before,
            valid_to: payload.expires_at,
            imported_at: now,
            sealed,
            id,
        })
    }

    /// The current version of every certificate, soonest expiry first (no expiry last).
    ///
    /// # Errors
    /// [`StoreError::Undecryptable`] or [`StoreError::CorruptRow`] for a damaged row.
    pub fn list(&self) -> Result<Vec<StoredCertificate>, StoreError> {
        self.query(&format!("SELECT {COLUMNS} FROM certificates WHERE is_current = 1 {BY_EXPIRY}"), [])
    }

    /// The current certificates matching `search`, soonest expiry first.
    ///
    /// # Errors
    /// As [`Wallet::list`].
    pub fn search(&self, search: &Search) -> Result<Vec<StoredCertificate>, StoreError> {
        let type_code = search.certificate_type.map(|t| t.type_code().to_string());
        let holder_key =
            search.holder.as_ref().map(|h| self.holder_index.index(h.code_type(), h.as_str()).to_vec());
        let found = self.query(
            &format!(
                "SELECT {COLUMNS} FROM certificates WHERE is_current = 1
                   AND (?1 IS NULL OR type_code = ?1) AND (?2 IS NULL OR holder_key = ?2) {BY_EXPIRY}"
            ),
            params![type_code, holder_key],
        )?;
        Ok(match &search.text {
            Some(text) => found.into_iter().filter(|c| c.matches_text(text)).collect(),
            None => found,
        })
    }

    /// The certificate with exactly this identifier (any version).
    ///
    /// # Errors
    /// [`StoreError::NotFound`], or as [`Wallet::list`].
    pub fn get(&self, id: &CertificateId) -> Result<StoredCertificate, StoreError> {
        self.query(&format!("SELECT {COLUMNS} FROM certificates WHERE id = ?1"), [id.to_string()])?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// Every stored version of the certificate `id` belongs to (same type, issuer and serial),
    /// newest first.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when no version is stored, or as [`Wallet::list`].
    pub fn history(&self, id: &CertificateId) -> Result<Vec<StoredCertificate>, StoreError> {
        let versions = self.query(
            &format!(
                "SELECT {COLUMNS} FROM certificates
                 WHERE type_code = ?1 AND issuer_code = ?2 AND serial = ?3 ORDER BY version DESC"
            ),
            params![id.type_code().to_string(), id.issuer().as_str(), id.serial().as_str()],
        )?;
        if versions.is_empty() { Err(StoreError::NotFound) } else { Ok(versions) }
    }

    fn query(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<StoredCertificate>, StoreError> {
        read_rows(&self.conn, sql, params)?.into_iter().map(|raw| self.decrypt(raw)).collect()
    }

    fn decrypt(&self, raw: RawRow) -> Result<StoredCertificate, StoreError> {
        let corrupt = |column| StoreError::CorruptRow { table: TABLE, column };
        let id = CertificateId::parse(&raw.id).map_err(|_| corrupt("id"))?;
        let certificate_type = CertificateType::from_type_code(id.type_code()).ok_or(corrupt("id"))?;
        let current = match raw.is_current {
            0 => false,
            1 => true,
            _ => return Err(corrupt("is_current")),
        };
        let plaintext = self.data_key.open(Sealed::Certificate, &raw.id, &raw.sealed)?;
        let issued = blob::decode(plaintext.expose()).map_err(|_| corrupt("sealed"))?;
        Ok(StoredCertificate {
            id,
            certificate_type,
            valid_from: raw.valid_from,
            valid_to: raw.valid_to,
            current,
            imported_at: raw.imported_at,
            issued,
        })
    }
}

/// The holder's code type and number: the attribute the certificate type names for it.
fn holder_of(issued: &IssuedCertificate, t: CertificateType) -> Option<(&'static str, &str)> {
    let (code_type, attribute) = t.holder_attribute();
    issued.disclosures.iter().find(|d| d.name == attribute).and_then(|d| match &d.value {
        AttributeValue::Text(number) => Some((code_type, number.as_str())),
        _ => None,
    })
}

/// A row as read, before parsing and decryption.
struct RawRow {
    id: String,
    valid_from: i64,
    valid_to: Option<i64>,
    is_current: i64,
    imported_at: i64,
    sealed: Vec<u8>,
}

impl RawRow {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            valid_from: r.get(1)?,
            valid_to: r.get(2)?,
            is_current: r.get(3)?,
            imported_at: r.get(4)?,
            sealed: r.get(5)?,
        })
    }
}

fn read_rows(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<RawRow>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params, RawRow::from_row)?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Writes one imported certificate: adds it, or adds a renewal and demotes the previous current
/// version. Either both happen or, if the transaction is not committed, neither.
pub(crate) fn write_import(tx: &Transaction<'_>, row: &NewRow) -> Result<ImportOutcome, StoreError> {
    let exists =
        tx.query_row("SELECT 1 FROM certificates WHERE id = ?1", [&row.id], |_| Ok(())).optional()?.is_some();
    if exists {
        return Ok(ImportOutcome::AlreadyStored);
    }
    let lineage = params![row.type_code, row.issuer_code, row.serial];
    let current: Option<i64> = tx
        .query_row(
            "SELECT version FROM certificates
             WHERE type_code = ?1 AND issuer_code = ?2 AND serial = ?3 AND is_current = 1",
            lineage,
            |r| r.get(0),
        )
        .optional()?;
    let current = current
        .map(|v| u16::try_from(v).map_err(|_| StoreError::CorruptRow { table: TABLE, column: "version" }))
        .transpose()?;
    let outcome = match current {
        Some(v) if v > row.version => return Err(StoreError::NotNewer { current: v }),
        Some(v) => {
            tx.execute(
                "UPDATE certificates SET is_current = 0
                 WHERE type_code = ?1 AND issuer_code = ?2 AND serial = ?3 AND is_current = 1",
                lineage,
            )?;
            ImportOutcome::Renewed { previous_version: v }
        }
        None => ImportOutcome::Added,
    };
    tx.execute(
        "INSERT INTO certificates (id, holder_key, type_code, issuer_code, serial, version, valid_from,
             valid_to, is_current, imported_at, sealed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10)",
        params![
            row.id,
            row.holder_key,
            row.type_code,
            row.issuer_code,
            row.serial,
            row.version,
            row.valid_from,
            row.valid_to,
            row.imported_at,
            row.sealed
        ],
    )?;
    Ok(outcome)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::keys::PinWrapper;
    use crate::schema;

    fn wallet() -> Wallet {
        let pin = PinWrapper::insecure_low_iterations_for_tests("1234", 2).expect("pin");
        Wallet::create(schema::open_in_memory().expect("db"), &pin, 0).expect("wallet")
    }

    fn row(version: u16) -> NewRow {
        NewRow {
            id: format!("test-id-v{version}"),
            holder_key: [7; 32],
            type_code: "T".into(),
            issuer_code: "I".into(),
            serial: "S".into(),
            version,
            valid_from: 0,
            valid_to: Some(100),
            imported_at: 1,
            sealed: vec![1, 2, 3],
        }
    }

    fn versions(w: &Wallet) -> Vec<(String, i64)> {
        let mut stmt = w.conn.prepare("SELECT id, is_current FROM certificates ORDER BY id").expect("prep");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("rows")
    }

    #[test]
    fn an_uncommitted_import_leaves_nothing_behind() {
        let mut w = wallet();
        let tx = w.conn.transaction().expect("tx");
        assert_eq!(write_import(&tx, &row(1)).expect("write"), ImportOutcome::Added);
        drop(tx); // the app is killed before commit
        assert!(versions(&w).is_empty());
    }

    #[test]
    fn an_uncommitted_renewal_keeps_the_old_version_current() {
        let mut w = wallet();
        let tx = w.conn.transaction().expect("tx");
        write_import(&tx, &row(1)).expect("v1");
        tx.commit().expect("commit");
        let tx = w.conn.transaction().expect("tx");
        assert_eq!(write_import(&tx, &row(2)).expect("v2"), ImportOutcome::Renewed { previous_version: 1 });
        drop(tx);
        assert_eq!(versions(&w), vec![("test-id-v1".to_owned(), 1)]);
    }

    #[test]
    fn an_older_version_is_refused_and_the_same_one_is_a_no_op() {
        let mut w = wallet();
        let tx = w.conn.transaction().expect("tx");
        write_import(&tx, &row(2)).expect("v2");
        assert!(matches!(write_import(&tx, &row(1)), Err(StoreError::NotNewer { current: 2 })));
        assert_eq!(write_import(&tx, &row(2)).expect("again"), ImportOutcome::AlreadyStored);
        tx.commit().expect("commit");
        assert_eq!(versions(&w), vec![("test-id-v2".to_owned(), 1)]);
    }

    #[test]
    fn an_unparsable_row_is_a_typed_error_not_a_panic() {
        let mut w = wallet();
        let tx = w.conn.transaction().expect("tx");
        write_import(&tx, &row(1)).expect("v1");
        tx.commit().expect("commit");
        assert!(matches!(w.list(), Err(StoreError::CorruptRow { table: "certificates", column: "id" })));
    }
}
