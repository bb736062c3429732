//! Departments and their issuer keys, key rotation, the root-signed trust list and the signed
//! status lists.

use shimin_core::cert::{CertificateType, CreditCode};
use shimin_core::crypto::{SigningKey, VerifyingKey, sha256};
use shimin_core::status_list::{Bits, Status, StatusList, StatusListClaims};
use shimin_core::trust::{Department, IssuerEntry, KeyValidity, TrustList, TrustListInfo};

use shimin_wire::backend::KeyCompromiseResponse;

use super::{Backend, ServiceError, random};
use crate::store::{DepartmentRecord, IssuerKeyRecord, PublishedDoc, StaffRecord};

/// How long an issuer key may sign: three years.
const KEY_LIFETIME: i64 = 3 * 365 * 86_400;
/// The trust list asks verifiers to refresh after a day and expires after a week.
const TRUST_NEXT_UPDATE: i64 = 86_400;
const TRUST_EXPIRES: i64 = 7 * 86_400;
/// A status list expires a day after it was signed.
const STATUS_EXPIRES: i64 = 86_400;
/// The name under which the trust list is published.
pub const TRUST_LIST: &str = "trust-list";

/// A strong ETag for `bytes`.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = sha256(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn status_doc_name(id: i64) -> String {
    format!("status-list/{id}")
}

/// Only the trust-list administrator may mark an issuer key compromised: the mark switches a
/// key off for every verifier, so a department's own staff (or someone holding one of their
/// passwords) must not be able to do it to their own or to another department's keys.
///
/// # Errors
/// 403 for issuer and reviewer staff.
pub fn require_administrator(staff: &StaffRecord) -> Result<(), ServiceError> {
    if staff.role == "administrator" {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("only the trust-list administrator may do this"))
    }
}

impl Backend {
    /// Creates (or updates) a department allowed to issue `types` (slugs), gives it an issuer
    /// key if it has none, and re-signs the trust list.
    ///
    /// # Errors
    /// [`ServiceError::BadInput`] for an invalid credit code, empty name or unknown type.
    pub async fn put_department(
        &self,
        code: &str,
        name: &str,
        types: &[&str],
        now: i64,
    ) -> Result<(), ServiceError> {
        CreditCode::parse(code).map_err(|_| ServiceError::BadInput("invalid department credit code"))?;
        if name.trim().is_empty() {
            return Err(ServiceError::BadInput("empty department name"));
        }
        if types.iter().any(|t| CertificateType::from_slug(t).is_none()) {
            return Err(ServiceError::BadInput("unknown certificate type"));
        }
        self.store
            .put_department(DepartmentRecord {
                code: code.to_owned(),
                name: name.to_owned(),
                allowed_types: types.iter().map(|t| (*t).to_owned()).collect(),
            })
            .await?;
        let has_key = self
            .store
            .issuer_keys()
            .await?
            .iter()
            .any(|k| k.department_code == code && k.retired_at.is_none());
        if !has_key {
            self.add_key(code, now).await?;
        }
        self.publish_trust_list(now).await?;
        Ok(())
    }

    async fn add_key(&self, code: &str, now: i64) -> Result<String, ServiceError> {
        let key = SigningKey::generate_p256().map_err(|_| ServiceError::Signing("no randomness"))?;
        let suffix: String = random::<6>()?.iter().map(|b| format!("{b:02x}")).collect();
        let key_id = format!("{code}-{suffix}");
        // The private half goes to the key file (synced) before the public half is recorded:
        // a crash in between leaves an unused key in the file, never a key that cannot sign.
        self.keys()?.put_issuer(&key_id, &key)?;
        self.store
            .add_issuer_key(IssuerKeyRecord {
                key_id: key_id.clone(),
                department_code: code.to_owned(),
                public_key: key.verifying_key().as_bytes().to_vec(),
                valid_from: now - 60,
                valid_to: now + KEY_LIFETIME,
                retired_at: None,
                compromised_at: None,
            })
            .await?;
        Ok(key_id)
    }

    /// Rotates a department's key: the current key is retired now (what it signed still
    /// verifies), a new one signs from now on, and the trust list is re-signed. Returns the new
    /// key id.
    ///
    /// # Errors
    /// [`ServiceError::NotFound`] for an unknown department.
    pub async fn rotate_key(&self, code: &str, now: i64) -> Result<String, ServiceError> {
        if self.store.department(code).await?.is_none() {
            return Err(ServiceError::NotFound("department"));
        }
        self.store.retire_issuer_keys(code, now).await?;
        let key_id = self.add_key(code, now).await?;
        self.publish_trust_list(now).await?;
        Ok(key_id)
    }

    /// Marks issuer key `key_id` compromised at `at` (when it was found; a time in the past is
    /// allowed): it is retired now, its private half leaves the key file, a new key is rotated
    /// in if it was the department's current one, the trust list is re-signed with the
    /// compromise marker (verifiers then distrust the key outright, whatever a certificate's
    /// `iat` says, and its status lists too), and the department's status lists are re-signed
    /// with its new key. Returns the department's key now signing.
    ///
    /// # Errors
    /// [`ServiceError::NotFound`] for an unknown key, [`ServiceError::Conflict`] for a key
    /// marked compromised already, [`ServiceError::BadInput`] for a time after `now`.
    pub async fn mark_key_compromised(
        &self,
        key_id: &str,
        at: i64,
        now: i64,
    ) -> Result<String, ServiceError> {
        if at > now {
            return Err(ServiceError::BadInput("a compromise cannot be found in the future"));
        }
        let keys = self.store.issuer_keys().await?;
        let record = keys.iter().find(|k| k.key_id == key_id).ok_or(ServiceError::NotFound("issuer key"))?;
        let code = record.department_code.clone();
        let was_current = record.retired_at.is_none();
        if !self.store.compromise_issuer_key(key_id, at, now).await? {
            return Err(ServiceError::Conflict("the key is marked compromised already"));
        }
        self.keys()?.remove_issuer(key_id)?;
        if was_current {
            self.store.retire_issuer_keys(&code, now).await?;
            self.add_key(&code, now).await?;
        }
        self.publish_trust_list(now).await?;
        for id in self.store.status_list_ids(&code).await? {
            self.publish_status_list(id, now).await?;
        }
        Ok(self.current_key(&code).await?.0)
    }

    /// [`Backend::mark_key_compromised`] asked for by a member of staff (the HTTP route): the
    /// trust-list administrator only, found at `at` or else now. Every attempt is logged with
    /// the staff account and its department (the audit trail), refused ones too.
    ///
    /// # Errors
    /// 403 for anyone but the administrator; otherwise as [`Backend::mark_key_compromised`].
    pub async fn compromise_key_for_staff(
        &self,
        staff: &StaffRecord,
        key_id: &str,
        at: Option<i64>,
        now: i64,
    ) -> Result<KeyCompromiseResponse, ServiceError> {
        if let Err(e) = require_administrator(staff) {
            tracing::warn!(
                staff = staff.id,
                department = %staff.department_code,
                "issuer key compromise refused: not the trust-list administrator"
            );
            return Err(e);
        }
        let at = at.unwrap_or(now);
        let signing = self.mark_key_compromised(key_id, at, now).await?;
        // A key id is public (it is on the trust list) and, here, one the store knows.
        tracing::info!(
            staff = staff.id,
            department = %staff.department_code,
            key = key_id,
            compromised_at = at,
            "issuer key marked compromised"
        );
        let department_code = self
            .store
            .issuer_keys()
            .await?
            .into_iter()
            .find(|k| k.key_id == key_id)
            .map(|k| k.department_code)
            .ok_or(ServiceError::NotFound("issuer key"))?;
        let list = self.trust_list(now).await?;
        Ok(KeyCompromiseResponse {
            department_code,
            key_id: signing,
            trust_list_sequence: u64::try_from(list.sequence).unwrap_or_default(),
        })
    }

    /// The department's current (unretired, uncompromised) signing key and its id, from the
    /// key file.
    ///
    /// # Errors
    /// [`ServiceError::Unprocessable`] when it has none; [`ServiceError::Signing`] when the
    /// key file lacks its private half.
    pub async fn current_key(&self, code: &str) -> Result<(String, SigningKey), ServiceError> {
        let keys = self.store.issuer_keys().await?;
        let record = keys
            .iter()
            .rev()
            .find(|k| k.department_code == code && k.retired_at.is_none() && k.compromised_at.is_none())
            .ok_or(ServiceError::Unprocessable("the department has no active issuer key"))?;
        let key = self
            .keys()?
            .issuer(&record.key_id)
            .ok_or(ServiceError::Signing("issuer key not in the key file"))?;
        Ok((record.key_id.clone(), key))
    }

    /// Signs and publishes a new trust list of every issuer key (retired ones included, so
    /// that what they signed before retirement still verifies).
    ///
    /// # Errors
    /// When the store fails or a stored key is unusable.
    pub async fn publish_trust_list(&self, now: i64) -> Result<PublishedDoc, ServiceError> {
        let _guard = self.publish_lock.lock().await;
        let departments = self.store.departments().await?;
        let keys = self.store.issuer_keys().await?;
        let mut entries = Vec::with_capacity(keys.len());
        for k in &keys {
            let Some(d) = departments.iter().find(|d| d.code == k.department_code) else { continue };
            let department = Department::new(d.name.clone(), d.code.clone())
                .map_err(|_| ServiceError::Signing("department"))?;
            let public = VerifyingKey::p256_from_sec1(&k.public_key)
                .map_err(|_| ServiceError::Signing("issuer key"))?;
            let types =
                d.allowed_types.iter().filter_map(|s| CertificateType::from_slug(s)).map(|t| t.code_str());
            let mut entry = IssuerEntry::new(
                k.key_id.as_bytes().to_vec(),
                department,
                public,
                KeyValidity { from: k.valid_from, to: k.valid_to },
                types,
            )
            .map_err(|_| ServiceError::Signing("trust list entry"))?;
            if let Some(at) = k.retired_at {
                entry = entry.retired_at(at);
            }
            if let Some(at) = k.compromised_at {
                entry = entry.compromised_at(at);
            }
            entries.push(entry);
        }
        let sequence = self.store.published(TRUST_LIST).await?.map_or(0, |d| d.sequence) + 1;
        let info = TrustListInfo {
            sequence: u64::try_from(sequence).map_err(|_| ServiceError::Signing("sequence"))?,
            issued_at: now,
            next_update: now + TRUST_NEXT_UPDATE,
            expires_at: now + TRUST_EXPIRES,
        };
        let bytes =
            TrustList::sign(&entries, self.root(), info).map_err(|_| ServiceError::Signing("trust list"))?;
        let doc = PublishedDoc {
            name: TRUST_LIST.into(),
            etag: etag_of(&bytes),
            bytes,
            sequence,
            published_at: now,
        };
        self.store.publish(doc.clone()).await?;
        Ok(doc)
    }

    /// The current trust list, re-signed first if it is due for an update.
    ///
    /// # Errors
    /// When the store fails or signing does.
    pub async fn trust_list(&self, now: i64) -> Result<PublishedDoc, ServiceError> {
        match self.store.published(TRUST_LIST).await? {
            Some(doc) if now < doc.published_at + TRUST_NEXT_UPDATE => Ok(doc),
            _ => self.publish_trust_list(now).await,
        }
    }

    /// The URI of a status list, as certificates name it.
    pub fn status_list_uri(&self, id: i64) -> String {
        status_list_uri(&self.config.public_url, id)
    }

    /// Signs and publishes status list `id` from the stored statuses.
    ///
    /// # Errors
    /// [`ServiceError::NotFound`] for an unknown list.
    pub async fn publish_status_list(&self, id: i64, now: i64) -> Result<PublishedDoc, ServiceError> {
        let _guard = self.publish_lock.lock().await;
        let record = self.store.status_list(id).await?.ok_or(ServiceError::NotFound("status list"))?;
        let capacity = usize::try_from(record.capacity).map_err(|_| ServiceError::Signing("capacity"))?;
        let mut list = StatusList::new(Bits::Two, capacity);
        for (index, value) in self.store.status_entries(id).await? {
            let index = usize::try_from(index).map_err(|_| ServiceError::Signing("status index"))?;
            let value = u8::try_from(value).map_err(|_| ServiceError::Signing("status value"))?;
            list.set(index, Status::from_value(value)).map_err(|_| ServiceError::Signing("status index"))?;
        }
        let (key_id, key) = self.current_key(&record.department_code).await?;
        let claims = StatusListClaims {
            uri: self.status_list_uri(id),
            issued_at: now,
            expires_at: Some(now + STATUS_EXPIRES),
            ttl_seconds: u64::try_from(self.config.status_list_ttl).ok(),
        };
        let bytes =
            list.sign(&claims, key_id.as_bytes(), &key).map_err(|_| ServiceError::Signing("status list"))?;
        let doc = PublishedDoc {
            name: status_doc_name(id),
            etag: etag_of(&bytes),
            bytes,
            sequence: 0,
            published_at: now,
        };
        self.store.publish(doc.clone()).await?;
        Ok(doc)
    }

    /// Status list `id`, re-signed first if its `ttl` has passed.
    ///
    /// # Errors
    /// [`ServiceError::NotFound`] for an unknown list.
    pub async fn status_list(&self, id: i64, now: i64) -> Result<PublishedDoc, ServiceError> {
        match self.store.published(&status_doc_name(id)).await? {
            Some(doc) if now < doc.published_at + self.config.status_list_ttl => Ok(doc),
            _ => self.publish_status_list(id, now).await,
        }
    }
}

/// The URI of status list `id` of the backend at `public_url`.
pub fn status_list_uri(public_url: &str, id: i64) -> String {
    format!("{public_url}/v1/status-lists/{id}")
}
