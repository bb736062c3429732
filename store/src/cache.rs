//! Signed lists kept for offline verification: the national trust list and issuers' status
//! lists, persisted as [`CachedCopy::to_bytes`] gives them with the time they were fetched.
//! Reading one back verifies its signature again, so a tampered cache is refused, not trusted.
//!
//! Nothing here is secret, so the readers take a bare [`Connection`] and work on a locked wallet
//! (a verifier needs them without the holder's PIN).

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use shimin_core::crypto::VerifyingKey;
use shimin_core::status_list::VerifiedStatusList;
use shimin_core::trust::{CachedCopy, VerifiedTrustList};

use crate::error::StoreError;
use crate::wallet::Wallet;

impl Wallet {
    /// Replaces the cached trust list, unless the cached one is newer (a higher sequence number);
    /// the same list again only refreshes when it was fetched.
    ///
    /// # Errors
    /// [`StoreError::OlderList`], [`StoreError::Encode`] or a database error.
    pub fn save_trust_list(&mut self, copy: &CachedCopy<VerifiedTrustList>) -> Result<(), StoreError> {
        let bytes = copy.to_bytes().map_err(|_| StoreError::Encode("trust list"))?;
        let tx = self.conn.transaction()?;
        let sequence =
            i64::try_from(copy.list().info().sequence).map_err(|_| StoreError::Encode("trust list"))?;
        put_trust_list(&tx, &bytes, copy.fetched_at(), sequence)?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces the cached copy of the status list published at the list's own URI, unless the
    /// cached one was issued later.
    ///
    /// # Errors
    /// [`StoreError::OlderList`], [`StoreError::Encode`] or a database error.
    pub fn save_status_list(&mut self, copy: &CachedCopy<VerifiedStatusList>) -> Result<(), StoreError> {
        let bytes = copy.to_bytes().map_err(|_| StoreError::Encode("status list"))?;
        let tx = self.conn.transaction()?;
        let claims = copy.list().claims();
        let changed = tx.execute(
            "INSERT INTO status_lists (uri, bytes, fetched_at, issued_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (uri) DO UPDATE SET
                 bytes = excluded.bytes, fetched_at = excluded.fetched_at, issued_at = excluded.issued_at
             WHERE excluded.issued_at >= status_lists.issued_at",
            params![claims.uri, bytes, copy.fetched_at(), claims.issued_at],
        )?;
        if changed == 0 {
            return Err(StoreError::OlderList("status list"));
        }
        tx.commit()?;
        Ok(())
    }
}

fn put_trust_list(
    tx: &Transaction<'_>,
    bytes: &[u8],
    fetched_at: i64,
    sequence: i64,
) -> Result<(), StoreError> {
    let changed = tx.execute(
        "INSERT INTO trust_list (id, bytes, fetched_at, sequence) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET
             bytes = excluded.bytes, fetched_at = excluded.fetched_at, sequence = excluded.sequence
         WHERE excluded.sequence >= trust_list.sequence",
        params![bytes, fetched_at, sequence],
    )?;
    if changed == 0 {
        return Err(StoreError::OlderList("trust list"));
    }
    Ok(())
}

/// The national root key pinned when this wallet was enrolled with a backend, if it was. Not a
/// secret: readable without the PIN, for the verifier.
///
/// # Errors
/// [`StoreError::CorruptRow`] for stored bytes that are not a P-256 key, or a database error.
pub fn pinned_root_key(conn: &Connection) -> Result<Option<VerifyingKey>, StoreError> {
    let has_table: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'sync_state'",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(None);
    }
    let bytes: Option<Vec<u8>> =
        conn.query_row("SELECT root_key FROM sync_state WHERE id = 1", [], |r| r.get(0)).optional()?;
    bytes
        .map(|b| {
            VerifyingKey::p256_from_sec1(&b)
                .map_err(|_| StoreError::CorruptRow { table: "sync_state", column: "root_key" })
        })
        .transpose()
}

/// The cached trust list as persisted, unverified; `None` if none is cached.
///
/// # Errors
/// A database error.
pub fn trust_list_bytes(conn: &Connection) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn.query_row("SELECT bytes FROM trust_list WHERE id = 1", [], |r| r.get(0)).optional()?)
}

/// Every cached status list as persisted, unverified, by URI.
///
/// # Errors
/// A database error.
pub fn status_list_bytes(conn: &Connection) -> Result<Vec<Vec<u8>>, StoreError> {
    let mut stmt = conn.prepare("SELECT bytes FROM status_lists ORDER BY uri")?;
    let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The cached trust list, verified again with the national `root_key`; `None` if none is cached.
///
/// # Errors
/// [`StoreError::CachedList`] when the cached bytes do not verify.
pub fn load_trust_list(
    conn: &Connection,
    root_key: &VerifyingKey,
) -> Result<Option<CachedCopy<VerifiedTrustList>>, StoreError> {
    trust_list_bytes(conn)?
        .map(|b| CachedCopy::from_bytes(&b, root_key).map_err(|_| StoreError::CachedList("trust list")))
        .transpose()
}

/// The cached status list published at `uri`, verified again with the issuer's `key`; `None` if
/// none is cached.
///
/// # Errors
/// [`StoreError::CachedList`] when the cached bytes do not verify.
pub fn load_status_list(
    conn: &Connection,
    uri: &str,
    key: &VerifyingKey,
) -> Result<Option<CachedCopy<VerifiedStatusList>>, StoreError> {
    let bytes: Option<Vec<u8>> =
        conn.query_row("SELECT bytes FROM status_lists WHERE uri = ?1", [uri], |r| r.get(0)).optional()?;
    bytes
        .map(|b| CachedCopy::from_bytes(&b, key).map_err(|_| StoreError::CachedList("status list")))
        .transpose()
}

/// Every cached status list whose signer is an issuer key on `trust`, verified again with that
/// key; lists that no longer verify are left out (the verdict then says "not checked").
///
/// # Errors
/// A database error.
pub fn load_status_lists(
    conn: &Connection,
    trust: &shimin_core::trust::VerifiedTrustList,
) -> Result<Vec<CachedCopy<VerifiedStatusList>>, StoreError> {
    Ok(status_list_bytes(conn)?
        .iter()
        .filter_map(|bytes| CachedCopy::from_bytes_with(bytes, |signed| trust.status_list_key(signed)).ok())
        .collect())
}

/// The URIs of the cached status lists with when each was fetched, oldest fetch first (the
/// order to refresh them in).
///
/// # Errors
/// A database error.
pub fn cached_status_lists(conn: &Connection) -> Result<Vec<(String, i64)>, StoreError> {
    let mut stmt = conn.prepare("SELECT uri, fetched_at FROM status_lists ORDER BY fetched_at, uri")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
