//! Status lists, after the IETF OAuth Token Status List draft (`draft-ietf-oauth-status-list`):
//! is a certificate still valid, revoked or suspended?
//!
//! A status list is a byte array holding one status of `bits` bits (1, 2, 4 or 8) per index.
//! Statuses are packed least significant bit first: index `i` lives in byte `i * bits / 8`, at
//! bit offset `(i * bits) % 8`. The byte array travels zlib-compressed (DEFLATE in the ZLIB data
//! format) inside a signed CWT.
//!
//! # Wire format
//! A tagged COSE_Sign1 (ES256) made by [`crate::cose::sign`] for [`SigningPurpose::Revocation`]
//! (the purpose label is the `external_aad`, which also does the job of the draft's `typ`
//! header: nothing signed for another purpose verifies as a status list). The payload is a CWT
//! claims map with the draft's claim keys; other claims are ignored:
//!
//! | key   | claim         | type                                                  |
//! |-------|---------------|-------------------------------------------------------|
//! | 2     | `sub`         | tstr, the URI the list is published at (required)     |
//! | 6     | `iat`         | int, Unix seconds (required)                          |
//! | 4     | `exp`         | int, Unix seconds (optional, hard expiry)             |
//! | 65534 | `ttl`         | uint, seconds after `iat` a copy may be used (optional) |
//! | 65533 | `status_list` | map `{"bits": uint, "lst": bstr (zlib)}` (required)   |
//!
//! Decompression is capped at [`MAX_DECOMPRESSED_LEN`] so a zlib bomb is refused, not inflated.

use std::fmt;

use crate::clock::UnixSeconds;
use crate::cose::{self, CoseError, Sign1, Value};
use crate::crypto::{SigningKey, SigningPurpose, VerifyingKey};
use crate::trust::cbor::{self, MapReader, int, uint};
use crate::trust::{CacheableList, ListLifetime};
use crate::zlib::{self, InflateError};

/// The largest decompressed status list accepted: 16 MiB, i.e. 134 million 1-bit statuses.
pub const MAX_DECOMPRESSED_LEN: usize = 16 * 1024 * 1024;

/// CWT claim key of the subject (the list's URI).
pub const CLAIM_SUB: i64 = 2;
/// CWT claim key of the issue time.
pub const CLAIM_IAT: i64 = 6;
/// CWT claim key of the expiry.
pub const CLAIM_EXP: i64 = 4;
/// CWT claim key of the time to live, from the Token Status List draft.
pub const CLAIM_TTL: i64 = 65534;
/// CWT claim key of the status list itself, from the Token Status List draft.
pub const CLAIM_STATUS_LIST: i64 = 65533;

/// Why a status list could not be built, read, verified or queried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusListError {
    /// The index is past the end of the list.
    #[error("status index {index} is out of range (the list holds {len})")]
    IndexOutOfRange {
        /// The index asked for.
        index: usize,
        /// How many statuses the list holds.
        len: usize,
    },
    /// `bits` is not 1, 2, 4 or 8.
    #[error("unsupported bits per status: {0}")]
    BadBits(u64),
    /// A status value does not fit in the list's bits per status.
    #[error("status value {status} does not fit in {bits} bits")]
    StatusDoesNotFit {
        /// The value.
        status: u8,
        /// The list's bits per status.
        bits: u8,
    },
    /// The compressed list is not a complete, valid zlib stream.
    #[error("the compressed status list is corrupt")]
    CorruptCompression,
    /// The list inflates to more than [`MAX_DECOMPRESSED_LEN`] bytes.
    #[error("the status list inflates to more than {limit} bytes")]
    TooLarge {
        /// The limit that was hit.
        limit: usize,
    },
    /// The signature does not verify with the given key.
    #[error("the status list signature is not valid for this key")]
    BadSignature,
    /// The list is past its `exp` at the time of verification.
    #[error("the status list expired at {expires_at}")]
    Expired {
        /// The list's `exp`, Unix seconds.
        expires_at: UnixSeconds,
    },
    /// The bytes are not a COSE_Sign1 we can check (structure, tag or algorithm).
    #[error("the status list envelope is invalid: {0}")]
    Envelope(CoseError),
    /// The signed claims are not a status list token; names the offending claim.
    #[error("the status list token is malformed: {0}")]
    Malformed(&'static str),
    /// The list was published under another URI than the certificate refers to.
    #[error("the status list is not the one the certificate refers to")]
    UriMismatch,
    /// Compressing, encoding or signing failed.
    #[error("could not sign the status list: {0}")]
    Signing(CoseError),
}

/// Bits per status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bits {
    /// One bit: valid or invalid.
    One,
    /// Two bits: valid, invalid, suspended or application-specific.
    Two,
    /// Four bits.
    Four,
    /// Eight bits.
    Eight,
}

impl Bits {
    /// The number of bits.
    pub fn get(self) -> u8 {
        match self {
            Bits::One => 1,
            Bits::Two => 2,
            Bits::Four => 4,
            Bits::Eight => 8,
        }
    }

    /// Bits from their number.
    ///
    /// # Errors
    /// [`StatusListError::BadBits`] for anything but 1, 2, 4 or 8.
    pub fn from_number(bits: u64) -> Result<Self, StatusListError> {
        match bits {
            1 => Ok(Bits::One),
            2 => Ok(Bits::Two),
            4 => Ok(Bits::Four),
            8 => Ok(Bits::Eight),
            other => Err(StatusListError::BadBits(other)),
        }
    }

    fn mask(self) -> u8 {
        u8::MAX >> (8 - self.get())
    }
}

/// The status of one referenced certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// 0: valid.
    Valid,
    /// 1: invalid, i.e. revoked for good.
    Invalid,
    /// 2: suspended, temporarily invalid.
    Suspended,
    /// 3 and above: application-specific or reserved values, read as they are.
    Other(u8),
}

impl Status {
    /// The status for a value.
    pub fn from_value(value: u8) -> Self {
        match value {
            0 => Status::Valid,
            1 => Status::Invalid,
            2 => Status::Suspended,
            other => Status::Other(other),
        }
    }

    /// The value of this status.
    pub fn value(self) -> u8 {
        match self {
            Status::Valid => 0,
            Status::Invalid => 1,
            Status::Suspended => 2,
            Status::Other(v) => v,
        }
    }
}

/// An uncompressed status list: packed statuses of `bits` bits each. `Debug` shows the shape
/// only, as a list may hold millions of statuses.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: Bits,
    bytes: Vec<u8>,
}

impl fmt::Debug for StatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusList").field("bits", &self.bits.get()).field("len", &self.len()).finish()
    }
}

impl StatusList {
    /// A list of at least `len` statuses, all valid (rounded up to whole bytes).
    pub fn new(bits: Bits, len: usize) -> Self {
        let bytes = len.saturating_mul(usize::from(bits.get())).div_ceil(8);
        Self { bits, bytes: vec![0; bytes] }
    }

    /// A list holding `statuses` in order (padded with valid statuses to whole bytes).
    ///
    /// # Errors
    /// [`StatusListError::StatusDoesNotFit`] when a status needs more than `bits` bits.
    pub fn from_statuses(bits: Bits, statuses: &[Status]) -> Result<Self, StatusListError> {
        let mut list = Self::new(bits, statuses.len());
        for (index, status) in statuses.iter().enumerate() {
            list.set(index, *status)?;
        }
        Ok(list)
    }

    /// A list from its packed bytes.
    pub fn from_packed(bits: Bits, bytes: Vec<u8>) -> Self {
        Self { bits, bytes }
    }

    /// Bits per status.
    pub fn bits(&self) -> Bits {
        self.bits
    }

    /// The packed bytes.
    pub fn as_packed(&self) -> &[u8] {
        &self.bytes
    }

    /// How many statuses the list holds (including padding at the end of the last byte).
    pub fn len(&self) -> usize {
        self.bytes.len() * 8 / usize::from(self.bits.get())
    }

    /// Whether the list holds no status at all.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Where status `index` lives: byte position and bit shift.
    fn locate(&self, index: usize) -> Result<(usize, u32), StatusListError> {
        let len = self.len();
        if index >= len {
            return Err(StatusListError::IndexOutOfRange { index, len });
        }
        let bits = usize::from(self.bits.get());
        // `index < len` keeps `index * bits` below `bytes.len() * 8`.
        let bit = index * bits;
        Ok((bit / 8, (bit % 8) as u32))
    }

    /// The status at `index`.
    ///
    /// # Errors
    /// [`StatusListError::IndexOutOfRange`].
    pub fn get(&self, index: usize) -> Result<Status, StatusListError> {
        let (byte, shift) = self.locate(index)?;
        let packed = self.bytes.get(byte).copied().unwrap_or_default();
        Ok(Status::from_value((packed >> shift) & self.bits.mask()))
    }

    /// Sets the status at `index`.
    ///
    /// # Errors
    /// [`StatusListError::IndexOutOfRange`] or [`StatusListError::StatusDoesNotFit`].
    pub fn set(&mut self, index: usize, status: Status) -> Result<(), StatusListError> {
        let value = status.value();
        let mask = self.bits.mask();
        if value > mask {
            return Err(StatusListError::StatusDoesNotFit { status: value, bits: self.bits.get() });
        }
        let (byte, shift) = self.locate(index)?;
        if let Some(packed) = self.bytes.get_mut(byte) {
            *packed = (*packed & !(mask << shift)) | (value << shift);
        }
        Ok(())
    }

    /// The packed bytes, zlib-compressed (the draft's `lst`).
    ///
    /// # Errors
    /// [`StatusListError::Signing`] with [`CoseError::Encode`], which a `Vec` never causes.
    pub fn compress(&self) -> Result<Vec<u8>, StatusListError> {
        Ok(zlib::deflate(&self.bytes))
    }

    /// A list from its zlib-compressed bytes, refusing to inflate past [`MAX_DECOMPRESSED_LEN`].
    ///
    /// # Errors
    /// [`StatusListError::CorruptCompression`] or [`StatusListError::TooLarge`].
    pub fn decompress(bits: Bits, lst: &[u8]) -> Result<Self, StatusListError> {
        let bytes = zlib::inflate(lst, MAX_DECOMPRESSED_LEN).map_err(|e| match e {
            InflateError::Corrupt => StatusListError::CorruptCompression,
            InflateError::TooLarge { limit } => StatusListError::TooLarge { limit },
        })?;
        Ok(Self { bits, bytes })
    }

    /// Signs the list as a status list token with `claims`, under `key_id`.
    ///
    /// # Errors
    /// [`StatusListError::Signing`].
    pub fn sign(
        &self,
        claims: &StatusListClaims,
        key_id: &[u8],
        key: &SigningKey,
    ) -> Result<Vec<u8>, StatusListError> {
        let mut map =
            vec![(int(CLAIM_SUB), Value::Text(claims.uri.clone())), (int(CLAIM_IAT), int(claims.issued_at))];
        if let Some(exp) = claims.expires_at {
            map.push((int(CLAIM_EXP), int(exp)));
        }
        if let Some(ttl) = claims.ttl_seconds {
            map.push((int(CLAIM_TTL), uint(ttl)));
        }
        let list = Value::Map(vec![
            (Value::Text("bits".into()), uint(u64::from(self.bits.get()))),
            (Value::Text("lst".into()), Value::Bytes(self.compress()?)),
        ]);
        map.push((int(CLAIM_STATUS_LIST), list));
        let payload = cbor::encode(&Value::Map(map)).ok_or(StatusListError::Signing(CoseError::Encode))?;
        cose::sign(SigningPurpose::Revocation, &payload, key_id, key).map_err(StatusListError::Signing)
    }
}

/// The claims of a status list token besides the list itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListClaims {
    /// The URI the list is published at (`sub`); certificates refer to it.
    pub uri: String,
    /// When the list was signed (`iat`).
    pub issued_at: UnixSeconds,
    /// The hard expiry (`exp`).
    pub expires_at: Option<UnixSeconds>,
    /// How long after `iat` a copy may be used before fetching again (`ttl`), in seconds: counted
    /// from the signed issue time, so a list kept and handed over later is no fresher for it.
    pub ttl_seconds: Option<u64>,
}

/// A status list token whose signature has been checked.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedStatusList {
    claims: StatusListClaims,
    list: StatusList,
    signed: Vec<u8>,
}

impl fmt::Debug for VerifiedStatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedStatusList")
            .field("claims", &self.claims)
            .field("list", &self.list)
            .field("signed_len", &self.signed.len())
            .finish()
    }
}

impl VerifiedStatusList {
    /// Verifies a status list token with the issuer's (or the national status) key and refuses
    /// it if it is past its `exp` at `now`.
    ///
    /// # Errors
    /// [`StatusListError::BadSignature`], [`StatusListError::Expired`], and the structural and
    /// decompression errors.
    pub fn verify(bytes: &[u8], key: &VerifyingKey, now: UnixSeconds) -> Result<Self, StatusListError> {
        let verified = Self::verify_ignoring_expiry(bytes, key)?;
        match verified.claims.expires_at {
            Some(expires_at) if now >= expires_at => Err(StatusListError::Expired { expires_at }),
            _ => Ok(verified),
        }
    }

    /// Verifies signature and structure but not expiry: for a cached copy, with
    /// [`crate::trust::CachedCopy::freshness`] saying how old it is.
    ///
    /// # Errors
    /// As [`VerifiedStatusList::verify`], except [`StatusListError::Expired`].
    pub fn verify_ignoring_expiry(bytes: &[u8], key: &VerifyingKey) -> Result<Self, StatusListError> {
        let message = Sign1::decode(bytes).map_err(StatusListError::Envelope)?;
        let payload = message.verify_own(SigningPurpose::Revocation, key).map_err(|e| match e {
            CoseError::BadSignature => StatusListError::BadSignature,
            other => StatusListError::Envelope(other),
        })?;
        let (claims, list) = decode_claims(payload)?;
        Ok(Self { claims, list, signed: bytes.to_vec() })
    }

    /// The token's claims.
    pub fn claims(&self) -> &StatusListClaims {
        &self.claims
    }

    /// The decompressed list.
    pub fn list(&self) -> &StatusList {
        &self.list
    }

    /// The status at `index`.
    ///
    /// # Errors
    /// [`StatusListError::IndexOutOfRange`].
    pub fn status_at(&self, index: usize) -> Result<Status, StatusListError> {
        self.list.get(index)
    }

    /// The status a certificate's reference (list URI + index) points at, checking that this
    /// is the list it names.
    ///
    /// # Errors
    /// [`StatusListError::UriMismatch`] or [`StatusListError::IndexOutOfRange`].
    pub fn status_for(&self, uri: &str, index: usize) -> Result<Status, StatusListError> {
        if uri != self.claims.uri {
            return Err(StatusListError::UriMismatch);
        }
        self.status_at(index)
    }

    /// The signed bytes, as received.
    pub fn signed_bytes(&self) -> &[u8] {
        &self.signed
    }
}

fn decode_claims(payload: &[u8]) -> Result<(StatusListClaims, StatusList), StatusListError> {
    let bad = StatusListError::Malformed;
    let value = cbor::decode_one(payload).ok_or(bad("payload is not one CBOR item"))?;
    let mut map = MapReader::new(value).map_err(StatusListError::Malformed)?;
    let uri = map.take_int(CLAIM_SUB).and_then(cbor::as_text).ok_or(bad("sub"))?;
    let issued_at = map.take_int(CLAIM_IAT).and_then(cbor::as_i64).ok_or(bad("iat"))?;
    let expires_at = match map.take_int(CLAIM_EXP) {
        Some(v) => Some(cbor::as_i64(v).ok_or(bad("exp"))?),
        None => None,
    };
    let ttl_seconds = match map.take_int(CLAIM_TTL) {
        Some(v) => Some(cbor::as_u64(v).ok_or(bad("ttl"))?),
        None => None,
    };
    let status_list = map.take_int(CLAIM_STATUS_LIST).ok_or(bad("status_list"))?;
    let mut status_list = MapReader::new(status_list).map_err(|_| bad("status_list"))?;
    let bits = status_list.take_text("bits").and_then(cbor::as_u64).ok_or(bad("bits"))?;
    let lst = status_list.take_text("lst").and_then(cbor::as_bytes).ok_or(bad("lst"))?;
    let list = StatusList::decompress(Bits::from_number(bits)?, &lst)?;
    Ok((StatusListClaims { uri, issued_at, expires_at, ttl_seconds }, list))
}

impl CacheableList for VerifiedStatusList {
    type Error = StatusListError;

    fn verify_cached(signed: &[u8], key: &VerifyingKey) -> Result<Self, StatusListError> {
        Self::verify_ignoring_expiry(signed, key)
    }

    fn signed_bytes(&self) -> &[u8] {
        &self.signed
    }

    fn lifetime(&self) -> ListLifetime {
        ListLifetime {
            issued_at: self.claims.issued_at,
            ttl_seconds: self.claims.ttl_seconds,
            next_update: None,
            expires_at: self.claims.expires_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zlib(data: &[u8]) -> Vec<u8> {
        crate::zlib::deflate(data)
    }

    #[test]
    fn packing_is_lsb_first_for_every_width() {
        // One status per width at index 1 with all bits set: it must land just above index 0.
        for (bits, expected_first_byte) in
            [(Bits::One, 0b0000_0010), (Bits::Two, 0b0000_1100), (Bits::Four, 0b1111_0000)]
        {
            let mut list = StatusList::new(bits, 8);
            list.set(1, Status::from_value(bits.mask())).expect("set");
            assert_eq!(list.as_packed()[0], expected_first_byte, "{bits:?}");
            assert_eq!(list.get(0), Ok(Status::Valid));
        }
        let mut list = StatusList::new(Bits::Eight, 2);
        list.set(1, Status::Other(200)).expect("set");
        assert_eq!(list.as_packed(), [0, 200]);
        // Setting back to valid clears only that status.
        let mut list = StatusList::from_packed(Bits::Two, vec![0xff]);
        list.set(2, Status::Valid).expect("set");
        assert_eq!(list.as_packed(), [0b1100_1111]);
    }

    #[test]
    fn lengths_round_up_and_values_must_fit() {
        assert_eq!(StatusList::new(Bits::One, 9).as_packed().len(), 2);
        assert_eq!(StatusList::new(Bits::One, 9).len(), 16);
        assert_eq!(StatusList::new(Bits::Two, 5).len(), 8);
        assert!(StatusList::new(Bits::Four, 0).is_empty());
        let mut one = StatusList::new(Bits::One, 8);
        assert_eq!(
            one.set(0, Status::Suspended),
            Err(StatusListError::StatusDoesNotFit { status: 2, bits: 1 })
        );
        assert_eq!(one.set(8, Status::Invalid), Err(StatusListError::IndexOutOfRange { index: 8, len: 8 }));
        assert_eq!(one.get(usize::MAX), Err(StatusListError::IndexOutOfRange { index: usize::MAX, len: 8 }));
        assert_eq!(Bits::from_number(3), Err(StatusListError::BadBits(3)));
        assert_eq!(Status::from_value(3), Status::Other(3));
    }

    #[test]
    fn the_drafts_compressed_example_inflates() {
        // `lst` of the draft's 1-bit example, base64url "eNrbuRgAAhcBXQ" decoded to hex by hand
        // (its Adler-32 trailer 0x0217015D is that of the bytes B9 A3).
        let lst = hex::decode("78dadbb918000217015d").expect("hex");
        let list = StatusList::decompress(Bits::One, &lst).expect("inflate");
        assert_eq!(list.as_packed(), [0xb9, 0xa3]);
        assert_eq!(StatusList::decompress(Bits::One, &list.compress().expect("zlib")), Ok(list));
    }

    #[test]
    fn truncated_padded_and_bomb_streams_are_refused() {
        let inflate =
            |bytes: &[u8]| StatusList::decompress(Bits::Eight, bytes).map(|l| l.as_packed().to_vec());
        let good = zlib(&[7; 1_000]);
        assert_eq!(inflate(&good), Ok(vec![7; 1_000]));
        for len in 0..good.len() {
            assert_eq!(inflate(&good[..len]), Err(StatusListError::CorruptCompression), "{len}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(inflate(&trailing), Err(StatusListError::CorruptCompression));
        // Raw deflate without the zlib header is not accepted.
        assert_eq!(inflate(&good[2..]), Err(StatusListError::CorruptCompression));
        assert_eq!(inflate(&[]), Err(StatusListError::CorruptCompression));
    }

    #[test]
    fn the_limit_is_exact() {
        let at_limit = zlib(&vec![0; MAX_DECOMPRESSED_LEN]);
        assert!(at_limit.len() < 64 * 1024, "a bomb is small");
        let list = StatusList::decompress(Bits::One, &at_limit).expect("16 MiB is accepted");
        assert_eq!(list.len(), MAX_DECOMPRESSED_LEN * 8);
        let over = zlib(&vec![0; MAX_DECOMPRESSED_LEN + 1]);
        assert_eq!(
            StatusList::decompress(Bits::One, &over),
            Err(StatusListError::TooLarge { limit: MAX_DECOMPRESSED_LEN })
        );
    }

    #[test]
    fn token_claims_round_trip_and_uri_is_checked() {
        let key = SigningKey::generate_p256().expect("key");
        let claims = StatusListClaims {
            uri: "https://status.example.cn/lists/7".into(),
            issued_at: 100,
            expires_at: None,
            ttl_seconds: None,
        };
        let list = StatusList::from_statuses(Bits::Two, &[Status::Valid, Status::Suspended]).expect("list");
        let bytes = list.sign(&claims, b"kid", &key).expect("sign");
        let verified = VerifiedStatusList::verify(&bytes, &key.verifying_key(), i64::MAX).expect("no exp");
        assert_eq!(verified.claims(), &claims);
        assert_eq!(verified.list(), &list);
        assert_eq!(verified.status_for(&claims.uri, 1), Ok(Status::Suspended));
        assert_eq!(
            verified.status_for("https://status.example.cn/lists/8", 1),
            Err(StatusListError::UriMismatch)
        );
        assert_eq!(verified.lifetime().ttl_seconds, None);
        let debug = format!("{verified:?}");
        assert!(debug.contains("bits: 2, len: 4") && debug.contains("signed_len"), "{debug}");
    }
}
