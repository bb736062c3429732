//! Cached copies of signed lists for offline use, and how fresh they are.
//!
//! A verifier without network keeps using the last trust list and status lists it fetched. The
//! verdict then says how old the copy is ("status list is 3 h old"): past its refresh time (`iat +
//! ttl` or `next_update`) a copy is only *due for refresh*; past its hard `exp` it is *stale*.
//!
//! Every age is measured from the list's signed issue time (`iat`), never from when this device
//! fetched it: whoever sits between the device and the backend can hand over an old list at any
//! time (a replay), so the fetch time says nothing about what the list knows. A list signed 23 h
//! ago is 23 h old however recently it arrived.
//!
//! The cache is pure data: [`CachedCopy::to_bytes`] gives what a store persists, and
//! [`CachedCopy::from_bytes`] checks the signature again when it is read back, so a copy altered
//! at rest is refused. Only `fetched_at` is unsigned, and it is kept for the record only (no age
//! or verdict depends on it); everything else comes from the signed list.
//!
//! Persisted layout: CBOR array `[1 (layout version), fetched_at (int), signed list (bstr)]`.

use std::fmt;

use crate::clock::UnixSeconds;
use crate::cose::Value;
use crate::crypto::VerifyingKey;

use super::cbor::{self, int, uint};

/// Version of the persisted layout.
const CACHE_LAYOUT_VERSION: u64 = 1;

/// The times a signed list declares about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListLifetime {
    /// When the list was signed.
    pub issued_at: UnixSeconds,
    /// How long after its issue time a copy may be used before fetching again (status list
    /// `ttl`).
    pub ttl_seconds: Option<u64>,
    /// When a new list should be fetched, as an absolute time (trust list `next_update`).
    pub next_update: Option<UnixSeconds>,
    /// The hard expiry (`exp`).
    pub expires_at: Option<UnixSeconds>,
}

/// A verified signed list that can be cached: it keeps its signed bytes and can be checked
/// again from them.
pub trait CacheableList: Sized {
    /// Why the signed bytes were refused.
    type Error: std::error::Error;

    /// Verifies signature and structure but not expiry, which the cache reports instead.
    ///
    /// # Errors
    /// Whatever the list's own verification reports.
    fn verify_cached(signed: &[u8], key: &VerifyingKey) -> Result<Self, Self::Error>;

    /// The signed bytes as received.
    fn signed_bytes(&self) -> &[u8];

    /// The list's own times.
    fn lifetime(&self) -> ListLifetime;
}

/// Why a persisted cached copy could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheError<E: std::error::Error> {
    /// The persisted bytes are not a cached copy of this layout.
    #[error("the cached copy is malformed")]
    Malformed,
    /// The copy could not be encoded.
    #[error("the cached copy could not be encoded")]
    Encode,
    /// The signed list inside no longer verifies.
    #[error("the cached list is invalid: {0}")]
    List(E),
}

/// How old a cached copy is at a given `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// Seconds since the list was signed (its `iat`; 0 if the clock says it was signed in the
    /// future).
    pub age_seconds: u64,
    /// Past the list's refresh time (`iat + ttl` or `next_update`): fetch a new one when online,
    /// but the copy is still usable.
    pub refresh_due: bool,
    /// Past the list's hard expiry (`exp`): a verdict based on it must say so.
    pub stale: bool,
}

impl Freshness {
    /// The age in a short human form: "42 s", "5 min", "3 h", "2 d" (rounded down).
    pub fn age_text(&self) -> String {
        let s = self.age_seconds;
        match s {
            0..60 => format!("{s} s"),
            60..3_600 => format!("{} min", s / 60),
            3_600..86_400 => format!("{} h", s / 3_600),
            _ => format!("{} d", s / 86_400),
        }
    }
}

impl fmt::Display for Freshness {
    /// E.g. "3 h old, due for refresh" or "2 d old, stale (past its expiry)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} old", self.age_text())?;
        if self.stale {
            f.write_str(", stale (past its expiry)")
        } else if self.refresh_due {
            f.write_str(", due for refresh")
        } else {
            Ok(())
        }
    }
}

/// A verified list kept for offline use, with the time it was fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedCopy<T> {
    list: T,
    fetched_at: UnixSeconds,
}

impl<T: CacheableList> CachedCopy<T> {
    /// Caches `list`, fetched at `fetched_at`.
    pub fn new(list: T, fetched_at: UnixSeconds) -> Self {
        Self { list, fetched_at }
    }

    /// The cached list.
    pub fn list(&self) -> &T {
        &self.list
    }

    /// When the copy was fetched.
    pub fn fetched_at(&self) -> UnixSeconds {
        self.fetched_at
    }

    /// The list's own times.
    pub fn lifetime(&self) -> ListLifetime {
        self.list.lifetime()
    }

    /// When a fresh copy should be fetched: the earlier of `iat + ttl` and `next_update`, both
    /// signed by the list's issuer.
    pub fn refresh_at(&self) -> Option<UnixSeconds> {
        let lifetime = self.lifetime();
        let by_ttl = lifetime
            .ttl_seconds
            .map(|ttl| lifetime.issued_at.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX)));
        match (by_ttl, lifetime.next_update) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// How old the list is at `now` (since it was signed), and whether it is due for refresh or
    /// stale.
    pub fn freshness(&self, now: UnixSeconds) -> Freshness {
        let age = now.saturating_sub(self.lifetime().issued_at).max(0);
        Freshness {
            age_seconds: u64::try_from(age).unwrap_or(0),
            refresh_due: self.refresh_at().is_some_and(|at| now >= at),
            stale: self.lifetime().expires_at.is_some_and(|exp| now >= exp),
        }
    }

    /// The bytes a store persists (see the module documentation for the layout).
    ///
    /// # Errors
    /// [`CacheError::Encode`], which does not happen in practice.
    pub fn to_bytes(&self) -> Result<Vec<u8>, CacheError<T::Error>> {
        let value = Value::Array(vec![
            uint(CACHE_LAYOUT_VERSION),
            int(self.fetched_at),
            Value::Bytes(self.list.signed_bytes().to_vec()),
        ]);
        cbor::encode(&value).ok_or(CacheError::Encode)
    }

    /// How many seconds past its refresh time the list already is at `now`; 0 when it is not due
    /// or declares no refresh time. A list just fetched from its publisher, who re-signs it when
    /// it falls due, is never overdue by more than the clocks' difference: one overdue by more
    /// was kept and handed over again (a replay).
    pub fn overdue_at(&self, now: UnixSeconds) -> u64 {
        self.refresh_at().map_or(0, |at| u64::try_from(now.saturating_sub(at)).unwrap_or(0))
    }

    /// Reads back a persisted copy, verifying the list's signature with `key` again.
    ///
    /// # Errors
    /// [`CacheError::Malformed`] for bytes of another layout, [`CacheError::List`] when the list
    /// inside does not verify.
    pub fn from_bytes(bytes: &[u8], key: &VerifyingKey) -> Result<Self, CacheError<T::Error>> {
        Self::from_bytes_with(bytes, |_| Some(key))
    }

    /// Reads back a persisted copy whose key is found from the signed list itself (e.g. a status
    /// list's signer, looked up by key id in a trust list).
    ///
    /// # Errors
    /// As [`CachedCopy::from_bytes`], and [`CacheError::Malformed`] when `key_for` finds no key.
    pub fn from_bytes_with<'k>(
        bytes: &[u8],
        key_for: impl FnOnce(&[u8]) -> Option<&'k VerifyingKey>,
    ) -> Result<Self, CacheError<T::Error>> {
        let items = cbor::decode_one(bytes).and_then(cbor::as_array).ok_or(CacheError::Malformed)?;
        let [version, fetched_at, signed] =
            <[Value; 3]>::try_from(items).map_err(|_| CacheError::Malformed)?;
        if cbor::as_u64(version) != Some(CACHE_LAYOUT_VERSION) {
            return Err(CacheError::Malformed);
        }
        let fetched_at = cbor::as_i64(fetched_at).ok_or(CacheError::Malformed)?;
        let signed = cbor::as_bytes(signed).ok_or(CacheError::Malformed)?;
        let key = key_for(&signed).ok_or(CacheError::Malformed)?;
        let list = T::verify_cached(&signed, key).map_err(CacheError::List)?;
        Ok(Self { list, fetched_at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in list whose "signature" is the key's bytes, to test the cache alone.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct FakeList {
        signed: Vec<u8>,
        lifetime: ListLifetime,
    }

    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    #[error("fake list refused")]
    struct Refused;

    impl CacheableList for FakeList {
        type Error = Refused;
        fn verify_cached(signed: &[u8], key: &VerifyingKey) -> Result<Self, Refused> {
            if signed != key.as_bytes() {
                return Err(Refused);
            }
            Ok(FakeList { signed: signed.to_vec(), lifetime: lifetime() })
        }
        fn signed_bytes(&self) -> &[u8] {
            &self.signed
        }
        fn lifetime(&self) -> ListLifetime {
            self.lifetime
        }
    }

    fn lifetime() -> ListLifetime {
        ListLifetime { issued_at: 900, ttl_seconds: Some(3_600), next_update: None, expires_at: Some(10_000) }
    }

    fn key(byte: u8) -> VerifyingKey {
        let mut sec1 = vec![byte; 65];
        sec1[0] = 4;
        VerifyingKey::p256_from_sec1(&sec1).expect("key")
    }

    #[test]
    fn freshness_follows_ttl_then_exp_from_the_signed_issue_time() {
        // Signed at 900, fetched at 1_000: every age counts from 900.
        let list = FakeList { signed: key(1).as_bytes().to_vec(), lifetime: lifetime() };
        let copy = CachedCopy::new(list, 1_000);
        assert_eq!(copy.refresh_at(), Some(4_500));
        let at = |now| copy.freshness(now);
        assert_eq!(at(900), Freshness { age_seconds: 0, refresh_due: false, stale: false });
        assert_eq!(at(4_499), Freshness { age_seconds: 3_599, refresh_due: false, stale: false });
        assert_eq!(at(4_500), Freshness { age_seconds: 3_600, refresh_due: true, stale: false });
        assert_eq!(at(10_000), Freshness { age_seconds: 9_100, refresh_due: true, stale: true });
        assert_eq!(at(500).age_seconds, 0, "a clock behind iat gives age 0");
        assert_eq!(at(4_500).to_string(), "1 h old, due for refresh");
        assert_eq!(at(10_000).to_string(), "2 h old, stale (past its expiry)");
        assert_eq!(at(959).to_string(), "59 s old");
        assert_eq!(at(900 + 2 * 86_400 + 5).age_text(), "2 d");
        assert_eq!(at(900 + 150).age_text(), "2 min");
        assert_eq!((copy.overdue_at(4_500), copy.overdue_at(4_560), copy.overdue_at(100)), (0, 60, 0));
    }

    #[test]
    fn next_update_and_ttl_take_the_earlier() {
        let with_next_update = ListLifetime { next_update: Some(2_000), ..lifetime() };
        let list = FakeList { signed: vec![], lifetime: with_next_update };
        assert_eq!(CachedCopy::new(list.clone(), 1_000).refresh_at(), Some(2_000));
        assert_eq!(CachedCopy::new(list, -5_000).refresh_at(), Some(2_000), "fetch time plays no part");
        let huge = ListLifetime { ttl_seconds: Some(u64::MAX), next_update: None, ..lifetime() };
        let list = FakeList { signed: vec![], lifetime: huge };
        assert_eq!(CachedCopy::new(list, 1).refresh_at(), Some(i64::MAX));
        let without = ListLifetime { ttl_seconds: None, next_update: None, ..lifetime() };
        let list = FakeList { signed: vec![], lifetime: without };
        assert_eq!(CachedCopy::new(list, 1).overdue_at(i64::MAX), 0);
    }

    #[test]
    fn persisted_copies_are_checked_again() {
        let list = FakeList { signed: key(1).as_bytes().to_vec(), lifetime: lifetime() };
        let copy = CachedCopy::new(list, 1_234);
        let bytes = copy.to_bytes().expect("encode");
        let back = CachedCopy::<FakeList>::from_bytes(&bytes, &key(1)).expect("decode");
        assert_eq!(back, copy);
        assert_eq!(CachedCopy::<FakeList>::from_bytes(&bytes, &key(2)), Err(CacheError::List(Refused)));
        for len in 0..bytes.len() {
            assert!(CachedCopy::<FakeList>::from_bytes(&bytes[..len], &key(1)).is_err());
        }
        let other_version = cbor::encode(&Value::Array(vec![uint(2), int(1), Value::Bytes(vec![])]));
        let other_version = other_version.expect("cbor");
        assert_eq!(CachedCopy::<FakeList>::from_bytes(&other_version, &key(1)), Err(CacheError::Malformed));
    }
}
