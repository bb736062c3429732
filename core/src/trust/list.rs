//! The national trust list: the root key vouches for every issuer key, for a signing window and
//! a set of certificate types.
//!
//! # Wire format
//! A tagged COSE_Sign1 (ES256) made by [`crate::cose::sign`] for [`SigningPurpose::TrustList`]
//! (the purpose label is the `external_aad`), key id = [`TrustList::root_key_id`]. The payload is a
//! CBOR map with integer keys; unknown keys are refused (the format carries a version instead):
//!
//! | key | field                 | type                                  |
//! |-----|-----------------------|---------------------------------------|
//! | 1   | format version        | uint, [`TRUST_LIST_FORMAT_VERSION`]   |
//! | 2   | sequence number       | uint, grows with every list           |
//! | 3   | issued at             | int, Unix seconds                     |
//! | 4   | next update           | int, Unix seconds (refresh after)     |
//! | 5   | expires at            | int, Unix seconds (hard expiry)       |
//! | 6   | issuer entries        | array of entry maps                   |
//!
//! Entry map:
//!
//! | key | field                          | type                                   |
//! |-----|--------------------------------|----------------------------------------|
//! | 1   | key id                         | bstr, 1..=64 bytes, unique in the list |
//! | 2   | department name                | tstr, not empty                        |
//! | 3   | department code (USCC)         | tstr, 18 characters                    |
//! | 4   | public key                     | bstr, SEC1 uncompressed P-256          |
//! | 5   | signing valid from             | int, Unix seconds (inclusive)          |
//! | 6   | signing valid to               | int, Unix seconds (exclusive)          |
//! | 7   | retired at (optional)          | int, Unix seconds (exclusive end)      |
//! | 8   | allowed certificate type codes | array of tstr                          |
//! | 9   | compromised at (optional)      | int, Unix seconds (when it was found)  |
//!
//! Retirement and compromise differ. A *retired* key signed honestly until its retirement, so
//! what it signed before (by the certificate's `iat`) still verifies. A *compromised* key may
//! have been used by someone else, who chooses any `iat` (back-dating is free), so nothing it
//! signed can be told apart: it is distrusted outright — every certificate and every status list
//! it signed — and the issuer re-issues what it had signed with a new key.

use crate::clock::UnixSeconds;
use crate::cose::{self, CoseError, Sign1, Value};
use crate::crypto::{PublicKeyKind, SigningKey, SigningPurpose, VerifyingKey, sha256};

use super::cache::{CacheableList, ListLifetime};
use super::cbor::{self, MapReader, int, uint};

/// The version of the trust list payload this code reads and writes.
pub const TRUST_LIST_FORMAT_VERSION: u64 = 1;

/// Longest key id accepted in an entry.
const MAX_KEY_ID_LEN: usize = 64;
/// Length of a unified social credit code (统一社会信用代码), in characters.
const CREDIT_CODE_LEN: usize = 18;

/// Why a trust list could not be built, signed or verified. Carries no key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// The bytes are not a COSE_Sign1 we can check (structure, tag or algorithm).
    #[error("the trust list envelope is invalid: {0}")]
    Envelope(CoseError),
    /// The root signature does not verify with the given root key.
    #[error("the trust list signature is not valid for this root key")]
    BadSignature,
    /// The signed payload is not a trust list; names the offending field.
    #[error("the trust list is malformed: {0}")]
    Malformed(&'static str),
    /// The payload has a format version this code does not read.
    #[error("unsupported trust list format version {0}")]
    UnsupportedVersion(u64),
    /// The list is past its hard expiry (`now >= expires_at`).
    #[error("the trust list expired at {expires_at}")]
    Expired {
        /// The list's `expires_at`, Unix seconds.
        expires_at: UnixSeconds,
    },
    /// The list's own times are inconsistent (need `issued_at <= next_update <= expires_at` and
    /// `issued_at < expires_at`).
    #[error("the trust list times are inconsistent")]
    InvalidTimes,
    /// An entry breaks a rule; names the rule.
    #[error("invalid issuer entry: {0}")]
    InvalidEntry(&'static str),
    /// Two entries share a key id.
    #[error("two issuer entries share a key id")]
    DuplicateKeyId,
    /// Signing or encoding the list failed.
    #[error("could not sign the trust list: {0}")]
    Signing(CoseError),
}

/// Why a trust list does not vouch for a key for a given certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IssuerRejection {
    /// No entry has this key id.
    #[error("unknown issuer key id")]
    UnknownKeyId,
    /// The issuer key may not sign certificates of this type.
    #[error("the issuer is not allowed to sign this certificate type")]
    TypeNotAllowed,
    /// The certificate's `iat` is before the key's signing window opens.
    #[error("the certificate was issued before the issuer key became valid")]
    IssuedBeforeKeyValidity,
    /// The certificate's `iat` is at or after the end of the key's signing window.
    #[error("the certificate was issued after the issuer key's validity ended")]
    IssuedAfterKeyValidity,
    /// The certificate's `iat` is at or after the key's retirement.
    #[error("the certificate was issued after the issuer key was retired")]
    IssuedAfterKeyRetirement,
    /// The issuer key is marked compromised: nothing it signed is trusted, whatever its `iat`.
    #[error("the issuer key is compromised")]
    KeyCompromised,
}

impl IssuerRejection {
    /// Whether the certificate was issued outside the key's signing window (including after its
    /// retirement).
    pub fn is_outside_validity(self) -> bool {
        matches!(
            self,
            Self::IssuedBeforeKeyValidity | Self::IssuedAfterKeyValidity | Self::IssuedAfterKeyRetirement
        )
    }
}

/// A government department that issues certificates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    name: String,
    code: String,
}

impl Department {
    /// A department from its name and its 18-character unified social credit code. The code's
    /// check character is validated elsewhere; here only its length is.
    ///
    /// # Errors
    /// [`TrustError::InvalidEntry`] for an empty name or a code that is not 18 characters.
    pub fn new(name: impl Into<String>, code: impl Into<String>) -> Result<Self, TrustError> {
        let (name, code) = (name.into(), code.into());
        if name.trim().is_empty() {
            return Err(TrustError::InvalidEntry("empty department name"));
        }
        if code.chars().count() != CREDIT_CODE_LEN {
            return Err(TrustError::InvalidEntry("department code is not 18 characters"));
        }
        Ok(Self { name, code })
    }

    /// The department's name, e.g. "上海市公安局".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The department's unified social credit code.
    pub fn code(&self) -> &str {
        &self.code
    }
}

/// The window in which a key may sign: `from <= iat < to`, Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyValidity {
    /// First second at which the key may sign.
    pub from: UnixSeconds,
    /// First second at which it may no longer sign.
    pub to: UnixSeconds,
}

/// One issuer key vouched for by the trust list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerEntry {
    key_id: Vec<u8>,
    department: Department,
    public_key: VerifyingKey,
    validity: KeyValidity,
    retired_at: Option<UnixSeconds>,
    compromised_at: Option<UnixSeconds>,
    allowed_types: Vec<String>,
}

impl IssuerEntry {
    /// An active (not retired) issuer key.
    ///
    /// # Errors
    /// [`TrustError::InvalidEntry`] for an empty or over-long key id, a key that is not P-256,
    /// an empty validity window or an empty type code.
    pub fn new(
        key_id: impl Into<Vec<u8>>,
        department: Department,
        public_key: VerifyingKey,
        validity: KeyValidity,
        allowed_types: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<Self, TrustError> {
        let key_id = key_id.into();
        if key_id.is_empty() || key_id.len() > MAX_KEY_ID_LEN {
            return Err(TrustError::InvalidEntry("key id must be 1 to 64 bytes"));
        }
        if public_key.kind() != PublicKeyKind::EcP256 {
            return Err(TrustError::InvalidEntry("issuer key is not P-256"));
        }
        if validity.from >= validity.to {
            return Err(TrustError::InvalidEntry("empty validity window"));
        }
        let allowed_types: Vec<String> = allowed_types.into_iter().map(Into::into).collect();
        if allowed_types.iter().any(|t| t.is_empty()) {
            return Err(TrustError::InvalidEntry("empty certificate type code"));
        }
        Ok(Self {
            key_id,
            department,
            public_key,
            validity,
            retired_at: None,
            compromised_at: None,
            allowed_types,
        })
    }

    /// The same key, retired at `at`: it signs nothing issued from `at` on, while what it signed
    /// before still verifies.
    #[must_use]
    pub fn retired_at(mut self, at: UnixSeconds) -> Self {
        self.retired_at = Some(at);
        self
    }

    /// The same key, found compromised at `at`: distrusted outright, with everything it signed
    /// (certificates of any `iat`, status lists). `at` is kept for the record only.
    #[must_use]
    pub fn compromised_at(mut self, at: UnixSeconds) -> Self {
        self.compromised_at = Some(at);
        self
    }

    /// When the key was found compromised, if it was.
    pub fn compromise(&self) -> Option<UnixSeconds> {
        self.compromised_at
    }

    /// Whether the key is trusted at all (not compromised).
    pub fn is_trusted(&self) -> bool {
        self.compromised_at.is_none()
    }

    /// The key id certificates name in their COSE header.
    pub fn key_id(&self) -> &[u8] {
        &self.key_id
    }
    /// The department that holds the key.
    pub fn department(&self) -> &Department {
        &self.department
    }
    /// The issuer's public key.
    pub fn public_key(&self) -> &VerifyingKey {
        &self.public_key
    }
    /// The signing window before any retirement.
    pub fn validity(&self) -> KeyValidity {
        self.validity
    }
    /// When the key was (or will be) retired, if it is.
    pub fn retirement(&self) -> Option<UnixSeconds> {
        self.retired_at
    }
    /// The certificate type codes this key may sign.
    pub fn allowed_types(&self) -> &[String] {
        &self.allowed_types
    }

    /// Whether this key may have signed a certificate of type `cert_type_code` issued at
    /// `cert_iat`. The type is checked before the time.
    ///
    /// # Errors
    /// [`IssuerRejection`] saying which rule is broken.
    pub fn check(&self, cert_type_code: &str, cert_iat: UnixSeconds) -> Result<(), IssuerRejection> {
        if !self.is_trusted() {
            return Err(IssuerRejection::KeyCompromised);
        }
        if !self.allowed_types.iter().any(|t| t == cert_type_code) {
            return Err(IssuerRejection::TypeNotAllowed);
        }
        if cert_iat < self.validity.from {
            return Err(IssuerRejection::IssuedBeforeKeyValidity);
        }
        let (end, reason) = match self.retired_at {
            Some(retired) if retired < self.validity.to => {
                (retired, IssuerRejection::IssuedAfterKeyRetirement)
            }
            _ => (self.validity.to, IssuerRejection::IssuedAfterKeyValidity),
        };
        if cert_iat >= end {
            return Err(reason);
        }
        Ok(())
    }

    fn to_value(&self) -> Value {
        let mut map = vec![
            (int(1), Value::Bytes(self.key_id.clone())),
            (int(2), Value::Text(self.department.name.clone())),
            (int(3), Value::Text(self.department.code.clone())),
            (int(4), Value::Bytes(self.public_key.as_bytes().to_vec())),
            (int(5), int(self.validity.from)),
            (int(6), int(self.validity.to)),
        ];
        if let Some(retired) = self.retired_at {
            map.push((int(7), int(retired)));
        }
        map.push((int(8), Value::Array(self.allowed_types.iter().cloned().map(Value::Text).collect())));
        if let Some(at) = self.compromised_at {
            map.push((int(9), int(at)));
        }
        Value::Map(map)
    }

    fn from_value(value: Value) -> Result<Self, TrustError> {
        let mut map = MapReader::new(value).map_err(TrustError::Malformed)?;
        let bad = TrustError::Malformed;
        let key_id = map.take_int(1).and_then(cbor::as_bytes).ok_or(bad("entry key id"))?;
        let name = map.take_int(2).and_then(cbor::as_text).ok_or(bad("entry department name"))?;
        let code = map.take_int(3).and_then(cbor::as_text).ok_or(bad("entry department code"))?;
        let public_key = map.take_int(4).and_then(cbor::as_bytes).ok_or(bad("entry public key"))?;
        let from = map.take_int(5).and_then(cbor::as_i64).ok_or(bad("entry valid from"))?;
        let to = map.take_int(6).and_then(cbor::as_i64).ok_or(bad("entry valid to"))?;
        let retired_at = match map.take_int(7) {
            Some(v) => Some(cbor::as_i64(v).ok_or(bad("entry retired at"))?),
            None => None,
        };
        let types = map.take_int(8).and_then(cbor::as_array).ok_or(bad("entry allowed types"))?;
        let compromised_at = match map.take_int(9) {
            Some(v) => Some(cbor::as_i64(v).ok_or(bad("entry compromised at"))?),
            None => None,
        };
        let types =
            types.into_iter().map(cbor::as_text).collect::<Option<Vec<_>>>().ok_or(bad("entry type code"))?;
        map.finish().map_err(TrustError::Malformed)?;
        let public_key = VerifyingKey::p256_from_sec1(&public_key)
            .map_err(|_| TrustError::InvalidEntry("issuer key is not an uncompressed P-256 point"))?;
        let entry =
            Self::new(key_id, Department::new(name, code)?, public_key, KeyValidity { from, to }, types)?;
        let entry = match retired_at {
            Some(at) => entry.retired_at(at),
            None => entry,
        };
        Ok(match compromised_at {
            Some(at) => entry.compromised_at(at),
            None => entry,
        })
    }
}

/// The unsigned header of a trust list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustListInfo {
    /// Grows with every list the root signs, so an older list never replaces a newer one.
    pub sequence: u64,
    /// When the list was signed.
    pub issued_at: UnixSeconds,
    /// When verifiers should fetch a new list (a soft limit: an offline verifier goes on).
    pub next_update: UnixSeconds,
    /// When the list expires (a hard limit).
    pub expires_at: UnixSeconds,
}

impl TrustListInfo {
    fn check(&self) -> Result<(), TrustError> {
        let ordered = self.issued_at <= self.next_update && self.next_update <= self.expires_at;
        if ordered && self.issued_at < self.expires_at { Ok(()) } else { Err(TrustError::InvalidTimes) }
    }
}

/// Signing and verifying the national trust list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustList;

impl TrustList {
    /// The key id the root key signs under: the first 8 bytes of SHA-256 of its SEC1 encoding.
    pub fn root_key_id(root_public_key: &VerifyingKey) -> [u8; 8] {
        let digest = sha256(root_public_key.as_bytes());
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        id
    }

    /// Signs `entries` under the root key.
    ///
    /// # Errors
    /// [`TrustError::InvalidTimes`], [`TrustError::DuplicateKeyId`], or
    /// [`TrustError::Signing`].
    pub fn sign(
        entries: &[IssuerEntry],
        root_key: &SigningKey,
        info: TrustListInfo,
    ) -> Result<Vec<u8>, TrustError> {
        info.check()?;
        check_unique_key_ids(entries)?;
        let payload = Value::Map(vec![
            (int(1), uint(TRUST_LIST_FORMAT_VERSION)),
            (int(2), uint(info.sequence)),
            (int(3), int(info.issued_at)),
            (int(4), int(info.next_update)),
            (int(5), int(info.expires_at)),
            (int(6), Value::Array(entries.iter().map(IssuerEntry::to_value).collect())),
        ]);
        let payload = cbor::encode(&payload).ok_or(TrustError::Signing(CoseError::Encode))?;
        let key_id = Self::root_key_id(&root_key.verifying_key());
        cose::sign(SigningPurpose::TrustList, &payload, &key_id, root_key).map_err(TrustError::Signing)
    }

    /// Verifies a trust list with the root public key and refuses it if it has expired at `now`.
    ///
    /// # Errors
    /// [`TrustError::BadSignature`] for a list not signed by this root (or tampered with),
    /// [`TrustError::Expired`], and the structural errors.
    pub fn verify(
        bytes: &[u8],
        root_public_key: &VerifyingKey,
        now: UnixSeconds,
    ) -> Result<VerifiedTrustList, TrustError> {
        let list = Self::verify_ignoring_expiry(bytes, root_public_key)?;
        if now >= list.info.expires_at {
            return Err(TrustError::Expired { expires_at: list.info.expires_at });
        }
        Ok(list)
    }

    /// Verifies signature and structure but not expiry: for a cached copy that an offline
    /// verifier keeps using, with [`super::CachedCopy::freshness`] saying how old it is.
    ///
    /// # Errors
    /// As [`TrustList::verify`], except [`TrustError::Expired`].
    pub fn verify_ignoring_expiry(
        bytes: &[u8],
        root_public_key: &VerifyingKey,
    ) -> Result<VerifiedTrustList, TrustError> {
        let message = Sign1::decode(bytes).map_err(TrustError::Envelope)?;
        let payload =
            message.verify_own(SigningPurpose::TrustList, root_public_key).map_err(|e| match e {
                CoseError::BadSignature => TrustError::BadSignature,
                other => TrustError::Envelope(other),
            })?;
        let (info, entries) = decode_payload(payload)?;
        Ok(VerifiedTrustList { info, entries, signed: bytes.to_vec() })
    }
}

fn check_unique_key_ids(entries: &[IssuerEntry]) -> Result<(), TrustError> {
    let mut ids: Vec<&[u8]> = entries.iter().map(IssuerEntry::key_id).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|pair| pair[0] == pair[1]) { Err(TrustError::DuplicateKeyId) } else { Ok(()) }
}

fn decode_payload(payload: &[u8]) -> Result<(TrustListInfo, Vec<IssuerEntry>), TrustError> {
    let bad = TrustError::Malformed;
    let value = cbor::decode_one(payload).ok_or(bad("payload is not one CBOR item"))?;
    let mut map = MapReader::new(value).map_err(TrustError::Malformed)?;
    let version = map.take_int(1).and_then(cbor::as_u64).ok_or(bad("format version"))?;
    if version != TRUST_LIST_FORMAT_VERSION {
        return Err(TrustError::UnsupportedVersion(version));
    }
    let info = TrustListInfo {
        sequence: map.take_int(2).and_then(cbor::as_u64).ok_or(bad("sequence"))?,
        issued_at: map.take_int(3).and_then(cbor::as_i64).ok_or(bad("issued at"))?,
        next_update: map.take_int(4).and_then(cbor::as_i64).ok_or(bad("next update"))?,
        expires_at: map.take_int(5).and_then(cbor::as_i64).ok_or(bad("expires at"))?,
    };
    let entries = map.take_int(6).and_then(cbor::as_array).ok_or(bad("entries"))?;
    map.finish().map_err(TrustError::Malformed)?;
    info.check()?;
    let entries = entries.into_iter().map(IssuerEntry::from_value).collect::<Result<Vec<_>, _>>()?;
    check_unique_key_ids(&entries)?;
    Ok((info, entries))
}

/// A trust list whose root signature has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedTrustList {
    info: TrustListInfo,
    entries: Vec<IssuerEntry>,
    signed: Vec<u8>,
}

impl VerifiedTrustList {
    /// The list's header: sequence number and times.
    pub fn info(&self) -> TrustListInfo {
        self.info
    }

    /// Every issuer key on the list.
    pub fn entries(&self) -> &[IssuerEntry] {
        &self.entries
    }

    /// The entry for `key_id`, whatever it may sign.
    pub fn entry(&self, key_id: &[u8]) -> Option<&IssuerEntry> {
        self.entries.iter().find(|e| e.key_id == key_id)
    }

    /// What [`crate::cert::verify_certificate`] needs to know about `key_id`: the key, its
    /// department's credit code and the certificate types it may sign (codes Shimin does not
    /// know are left out). `None` for an unknown key or a department code that is not a valid
    /// credit code.
    pub fn key_info(&self, key_id: &[u8]) -> Option<crate::cert::IssuerKeyInfo> {
        let entry = self.entry(key_id).filter(|e| e.is_trusted())?;
        let issuer_code = crate::cert::CreditCode::parse(entry.department().code()).ok()?;
        let allowed_types = entry
            .allowed_types()
            .iter()
            .filter_map(|code| crate::cert::CertificateType::ALL.into_iter().find(|t| t.code_str() == code))
            .collect();
        Some(crate::cert::IssuerKeyInfo { key: entry.public_key().clone(), issuer_code, allowed_types })
    }

    /// The key that signed the status list `signed` (a COSE_Sign1), found by its key id among
    /// the issuer keys on this list; the caller then verifies the list with it. `None` for a
    /// compromised key: a status list it signed may say anything.
    pub fn status_list_key(&self, signed: &[u8]) -> Option<&VerifyingKey> {
        let message = crate::cose::Sign1::decode(signed).ok()?;
        self.entry(message.key_id()?).filter(|e| e.is_trusted()).map(IssuerEntry::public_key)
    }

    /// The issuer whose key `key_id` may have signed a certificate of type `cert_type_code`
    /// issued at `cert_iat` (the certificate's own `iat`, not the verifier's clock: a retired
    /// key's old certificates stay good).
    ///
    /// # Errors
    /// [`IssuerRejection`] saying why not.
    pub fn issuer_for(
        &self,
        key_id: &[u8],
        cert_type_code: &str,
        cert_iat: UnixSeconds,
    ) -> Result<&IssuerEntry, IssuerRejection> {
        let entry = self.entry(key_id).ok_or(IssuerRejection::UnknownKeyId)?;
        entry.check(cert_type_code, cert_iat)?;
        Ok(entry)
    }

    /// Whether this list should replace `other` (a higher sequence number).
    pub fn supersedes(&self, other: &VerifiedTrustList) -> bool {
        self.info.sequence > other.info.sequence
    }

    /// The signed bytes, as received.
    pub fn signed_bytes(&self) -> &[u8] {
        &self.signed
    }
}

impl CacheableList for VerifiedTrustList {
    type Error = TrustError;

    fn verify_cached(signed: &[u8], key: &VerifyingKey) -> Result<Self, TrustError> {
        TrustList::verify_ignoring_expiry(signed, key)
    }

    fn signed_bytes(&self) -> &[u8] {
        &self.signed
    }

    fn lifetime(&self) -> ListLifetime {
        ListLifetime {
            issued_at: self.info.issued_at,
            ttl_seconds: None,
            next_update: Some(self.info.next_update),
            expires_at: Some(self.info.expires_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "11100000000013127D";

    fn entry(kid: &[u8], key: &SigningKey, from: i64, to: i64) -> IssuerEntry {
        let department = Department::new("公安部", CODE).expect("department");
        IssuerEntry::new(kid.to_vec(), department, key.verifying_key(), KeyValidity { from, to }, ["A", "B"])
            .expect("entry")
    }

    fn info() -> TrustListInfo {
        TrustListInfo { sequence: 7, issued_at: 1_000, next_update: 2_000, expires_at: 5_000 }
    }

    #[test]
    fn window_edges_are_inclusive_then_exclusive() {
        let key = SigningKey::generate_p256().expect("key");
        let e = entry(b"k", &key, 100, 200);
        assert_eq!(e.check("A", 99), Err(IssuerRejection::IssuedBeforeKeyValidity));
        assert_eq!(e.check("A", 100), Ok(()));
        assert_eq!(e.check("A", 199), Ok(()));
        assert_eq!(e.check("A", 200), Err(IssuerRejection::IssuedAfterKeyValidity));
        assert_eq!(e.check("C", 150), Err(IssuerRejection::TypeNotAllowed));
        let retired = e.clone().retired_at(150);
        assert_eq!(retired.check("B", 149), Ok(()));
        assert_eq!(retired.check("B", 150), Err(IssuerRejection::IssuedAfterKeyRetirement));
        assert_eq!(retired.check("B", 250), Err(IssuerRejection::IssuedAfterKeyRetirement));
        // A retirement scheduled after the window changes nothing.
        assert_eq!(e.retired_at(300).check("B", 200), Err(IssuerRejection::IssuedAfterKeyValidity));
        assert!(IssuerRejection::IssuedAfterKeyRetirement.is_outside_validity());
        assert!(!IssuerRejection::TypeNotAllowed.is_outside_validity());
    }

    #[test]
    fn entries_and_headers_are_validated() {
        let key = SigningKey::generate_p256().expect("key");
        assert!(Department::new("x", "too short").is_err());
        assert!(Department::new(" ", CODE).is_err());
        // Eighteen characters, not bytes.
        assert!(Department::new("x", "一二三四五六七八九十一二三四五六七八").is_ok());
        let department = Department::new("x", CODE).expect("department");
        let validity = KeyValidity { from: 5, to: 5 };
        let empty_window =
            IssuerEntry::new(b"k".to_vec(), department.clone(), key.verifying_key(), validity, ["A"]);
        assert_eq!(empty_window, Err(TrustError::InvalidEntry("empty validity window")));
        let validity = KeyValidity { from: 5, to: 6 };
        let no_kid = IssuerEntry::new(Vec::new(), department, key.verifying_key(), validity, ["A"]);
        assert!(matches!(no_kid, Err(TrustError::InvalidEntry(_))));

        let twins = [entry(b"k", &key, 0, 10), entry(b"k", &key, 10, 20)];
        assert_eq!(TrustList::sign(&twins, &key, info()), Err(TrustError::DuplicateKeyId));
        let backwards = TrustListInfo { next_update: 6_000, ..info() };
        assert_eq!(TrustList::sign(&[], &key, backwards), Err(TrustError::InvalidTimes));
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let root = SigningKey::generate_p256().expect("root");
        let issuer = SigningKey::generate_p256().expect("issuer");
        let entries = [entry(b"old", &issuer, 0, 900).retired_at(500), entry(b"new", &issuer, 500, 9_000)];
        let bytes = TrustList::sign(&entries, &root, info()).expect("sign");
        let list = TrustList::verify(&bytes, &root.verifying_key(), 4_999).expect("verify");
        assert_eq!(list.info(), info());
        assert_eq!(list.entries(), entries);
        assert_eq!(list.signed_bytes(), bytes);
        assert_eq!(
            TrustList::verify(&bytes, &root.verifying_key(), 5_000),
            Err(TrustError::Expired { expires_at: 5_000 })
        );
        let message = Sign1::decode(&bytes).expect("cose");
        assert_eq!(message.key_id(), Some(&TrustList::root_key_id(&root.verifying_key())[..]));
    }

    #[test]
    fn unknown_keys_and_versions_are_refused() {
        let root = SigningKey::generate_p256().expect("root");
        let sign_payload = |payload: Value| {
            let bytes = cbor::encode(&payload).expect("cbor");
            cose::sign(SigningPurpose::TrustList, &bytes, b"r", &root).expect("sign")
        };
        let header = |version: u64| {
            vec![
                (int(1), uint(version)),
                (int(2), uint(1)),
                (int(3), int(0)),
                (int(4), int(1)),
                (int(5), int(2)),
                (int(6), Value::Array(vec![])),
            ]
        };
        let public = root.verifying_key();
        assert!(TrustList::verify(&sign_payload(Value::Map(header(1))), &public, 1).is_ok());
        assert_eq!(
            TrustList::verify(&sign_payload(Value::Map(header(2))), &public, 1),
            Err(TrustError::UnsupportedVersion(2))
        );
        let mut extra = header(1);
        extra.push((int(99), int(0)));
        assert_eq!(
            TrustList::verify(&sign_payload(Value::Map(extra)), &public, 1),
            Err(TrustError::Malformed("unknown map key"))
        );
        // Signed for another purpose: refused even with the right key.
        let payload = cbor::encode(&Value::Map(header(1))).expect("cbor");
        let revocation = cose::sign(SigningPurpose::Revocation, &payload, b"r", &root).expect("sign");
        assert_eq!(TrustList::verify(&revocation, &public, 1), Err(TrustError::BadSignature));
    }
}
