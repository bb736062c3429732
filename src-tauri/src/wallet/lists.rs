//! The trust list and status lists cached in the store, loaded for one operation, and the
//! wallet's own check of a certificate: the verdict a verifier with the same lists would give.

use std::path::Path;

use rusqlite::Connection;
use shimin_core::crypto::{SigningKey, VerifyingKey};
use shimin_core::present::{Presentation, Preset};
use shimin_core::status_list::VerifiedStatusList;
use shimin_core::trust::{CachedCopy, VerifiedTrustList};
use shimin_core::verifier::{Verdict, Verifier, VerifierPolicy};
use shimin_store::{StoredCertificate, cache, schema};

use super::AppError;

/// A verifier over the cached lists.
pub type ListVerifier<'a> = Verifier<'a, Vec<CachedCopy<VerifiedStatusList>>>;

/// The cached lists, each verified again as it was read.
#[derive(Debug, Default)]
pub struct CachedLists {
    trust: Option<CachedCopy<VerifiedTrustList>>,
    status: Vec<CachedCopy<VerifiedStatusList>>,
}

/// The national root key pinned on this device (SEC1), if there is one.
fn read_root_key(path: &Path) -> Option<VerifyingKey> {
    let bytes = std::fs::read(path).ok()?;
    match VerifyingKey::p256_from_sec1(&bytes) {
        Ok(key) => Some(key),
        Err(_) => {
            eprintln!("shimin: the pinned root key is not a P-256 public key; lists are not used");
            None
        }
    }
}

impl CachedLists {
    /// Loads the lists from `conn`, trusting the root key in `root_key_path`. A missing root
    /// key, an empty database or a cached list that no longer verifies gives no lists (every
    /// check then says so); only a database failure is an error.
    ///
    /// # Errors
    /// [`AppError::Store`] when the database cannot be read.
    pub fn load(conn: &Connection, root_key_path: &Path) -> Result<Self, AppError> {
        if schema::user_version(conn)? == 0 {
            return Ok(Self::default());
        }
        // The root key pinned at enrolment; a verifier-only device pins it from a file.
        let pinned = cache::pinned_root_key(conn).unwrap_or_else(|e| {
            eprintln!("shimin: the pinned root key is unreadable: {e}");
            None
        });
        let Some(root) = pinned.or_else(|| read_root_key(root_key_path)) else { return Ok(Self::default()) };
        let trust = match cache::load_trust_list(conn, &root) {
            Ok(trust) => trust,
            Err(e) => {
                eprintln!("shimin: cached trust list ignored: {e}");
                None
            }
        };
        let Some(trust) = trust else { return Ok(Self::default()) };
        // Each status list verified with its signer's key, found by key id on the trust list.
        let status = cache::load_status_lists(conn, trust.list())?;
        Ok(Self { trust: Some(trust), status })
    }

    /// A verifier over these lists, unless no trust list is cached.
    pub fn verifier(&self) -> Option<ListVerifier<'_>> {
        self.trust.as_ref().map(|trust| Verifier::new(trust, &self.status, VerifierPolicy::default()))
    }

    /// What a verifier holding these lists would say at `now` about `certificate` with every
    /// attribute shown by this device; `None` without a trust list.
    pub fn check(&self, certificate: &StoredCertificate, device: &SigningKey, now: i64) -> Option<Verdict> {
        let verifier = self.verifier()?;
        let signed = Presentation::new(&certificate.issued)
            .and_then(|p| p.disclose(&Preset::Full))
            .and_then(|p| p.sign(device, now));
        match signed {
            Ok(signed) => Some(verifier.verify_text(signed.text(), now)),
            Err(e) => {
                eprintln!("shimin: a stored certificate could not be checked: {e}");
                None
            }
        }
    }
}
