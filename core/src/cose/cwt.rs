//! CWT claims sets (RFC 8392), the payload of a CWT, and signing them as a COSE_Sign1.

use std::fmt;

use coset::cwt::{ClaimsSet, Timestamp};
use coset::iana::{self, EnumI64};
use coset::{AsCborValue, CborSerializable, RegisteredLabelWithPrivate};

use super::sign1::sign;
use super::{CoseError, Value, read_one_item};
use crate::crypto::{SigningKey, SigningPurpose};

/// Signs CWT `claims` for `purpose`; see [`sign`].
///
/// # Errors
/// As [`sign`], and [`CoseError::Encode`] when the claims cannot be encoded.
pub fn sign_cwt(
    purpose: SigningPurpose,
    claims: &CwtClaims,
    key_id: &[u8],
    key: &SigningKey,
) -> Result<Vec<u8>, CoseError> {
    sign(purpose, &claims.to_vec()?, key_id, key)
}

/// A CWT claims set (RFC 8392): iss=1, sub=2, aud=3, exp=4, nbf=5, iat=6, cti=7, and private
/// claims. `Debug` is redacted because claims carry personal data.
#[derive(Clone, Default, PartialEq)]
pub struct CwtClaims(ClaimsSet);

impl fmt::Debug for CwtClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CwtClaims([redacted])")
    }
}

/// Why a CWT is not valid at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClaimsTimeError {
    /// `now` is before `nbf` or before `iat`.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// `now` is at or after `exp`.
    #[error("the token has expired")]
    Expired,
    /// A time claim the check requires is absent.
    #[error("the token has no {0} claim")]
    Missing(&'static str),
}

fn timestamp_seconds(t: &Timestamp) -> Option<i64> {
    match *t {
        Timestamp::WholeSeconds(s) => Some(s),
        // `as` saturates; NaN becomes 0, so reject non-finite values explicitly.
        Timestamp::FractionalSeconds(f) if f.is_finite() => Some(f.floor() as i64),
        Timestamp::FractionalSeconds(_) => None,
    }
}

impl CwtClaims {
    /// An empty claims set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes a claims set from CBOR (the payload of a CWT).
    ///
    /// # Errors
    /// [`CoseError::Claims`] when the bytes are not one CBOR map of valid claims.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CoseError> {
        let value = read_one_item(bytes).map_err(CoseError::Claims)?;
        ClaimsSet::from_cbor_value(value).map(Self).map_err(|e| CoseError::Claims(e.to_string()))
    }

    /// Encodes the claims set as CBOR.
    ///
    /// # Errors
    /// [`CoseError::Encode`] when a claim cannot be encoded (e.g. a duplicate private claim).
    pub fn to_vec(&self) -> Result<Vec<u8>, CoseError> {
        self.0.clone().to_vec().map_err(|_| CoseError::Encode)
    }

    /// Sets the issuer (`iss`).
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.0.issuer = Some(issuer.into());
        self
    }
    /// Sets the subject (`sub`).
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.0.subject = Some(subject.into());
        self
    }
    /// Sets the audience (`aud`).
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.0.audience = Some(audience.into());
        self
    }
    /// Sets the expiry (`exp`), in Unix seconds.
    pub fn with_expires_at(mut self, at: i64) -> Self {
        self.0.expiration_time = Some(Timestamp::WholeSeconds(at));
        self
    }
    /// Sets the start of validity (`nbf`), in Unix seconds.
    pub fn with_not_before(mut self, at: i64) -> Self {
        self.0.not_before = Some(Timestamp::WholeSeconds(at));
        self
    }
    /// Sets the issue time (`iat`), in Unix seconds.
    pub fn with_issued_at(mut self, at: i64) -> Self {
        self.0.issued_at = Some(Timestamp::WholeSeconds(at));
        self
    }
    /// Sets the token id (`cti`).
    pub fn with_cwt_id(mut self, id: impl Into<Vec<u8>>) -> Self {
        self.0.cwt_id = Some(id.into());
        self
    }
    /// Adds or replaces a claim under an integer label outside 1..=7 (e.g. -260 for hcert).
    pub fn with_private_claim(mut self, label: i64, value: Value) -> Self {
        self.0.rest.retain(|(l, _)| claim_label_int(l) != Some(label));
        let name = match iana::CwtClaimName::from_i64(label) {
            Some(assigned) => RegisteredLabelWithPrivate::Assigned(assigned),
            None => RegisteredLabelWithPrivate::PrivateUse(label),
        };
        self.0.rest.push((name, value));
        self
    }

    /// The issuer (`iss`).
    pub fn issuer(&self) -> Option<&str> {
        self.0.issuer.as_deref()
    }
    /// The subject (`sub`); personal data in most formats.
    pub fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }
    /// The audience (`aud`).
    pub fn audience(&self) -> Option<&str> {
        self.0.audience.as_deref()
    }
    /// The expiry (`exp`) in Unix seconds; fractional times are rounded down.
    pub fn expires_at(&self) -> Option<i64> {
        self.0.expiration_time.as_ref().and_then(timestamp_seconds)
    }
    /// The start of validity (`nbf`) in Unix seconds.
    pub fn not_before(&self) -> Option<i64> {
        self.0.not_before.as_ref().and_then(timestamp_seconds)
    }
    /// The issue time (`iat`) in Unix seconds.
    pub fn issued_at(&self) -> Option<i64> {
        self.0.issued_at.as_ref().and_then(timestamp_seconds)
    }
    /// The token id (`cti`).
    pub fn cwt_id(&self) -> Option<&[u8]> {
        self.0.cwt_id.as_deref()
    }
    /// The claim under an integer label other than the registered 1..=7.
    pub fn claim(&self, label: i64) -> Option<&Value> {
        self.0.rest.iter().find(|(l, _)| claim_label_int(l) == Some(label)).map(|(_, v)| v)
    }

    /// Checks `nbf`, `iat` and `exp` against `now`: valid from `max(nbf, iat)` until just before
    /// `exp`. Absent claims are not checked unless listed in `required` (of "iat", "exp", "nbf").
    ///
    /// # Errors
    /// [`ClaimsTimeError`] saying which bound is broken or which required claim is missing.
    pub fn check_time(&self, now: i64, required: &[&'static str]) -> Result<(), ClaimsTimeError> {
        let claims = [("iat", self.issued_at()), ("nbf", self.not_before()), ("exp", self.expires_at())];
        for (name, value) in claims {
            if value.is_none() && required.contains(&name) {
                return Err(ClaimsTimeError::Missing(name));
            }
        }
        if self.not_before().is_some_and(|t| now < t) || self.issued_at().is_some_and(|t| now < t) {
            return Err(ClaimsTimeError::NotYetValid);
        }
        if self.expires_at().is_some_and(|t| now >= t) {
            return Err(ClaimsTimeError::Expired);
        }
        Ok(())
    }
}

fn claim_label_int(label: &coset::cwt::ClaimName) -> Option<i64> {
    match label {
        RegisteredLabelWithPrivate::Assigned(a) => Some(a.to_i64()),
        RegisteredLabelWithPrivate::PrivateUse(i) => Some(*i),
        RegisteredLabelWithPrivate::Text(_) => None,
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::cose::Sign1;
    use crate::cose::test_keys::{key, lookup_for};

    #[test]
    fn cwt_claims_round_trip_and_time_checks() {
        let claims = CwtClaims::new()
            .with_issuer("CN")
            .with_subject("holder")
            .with_audience("verifier")
            .with_issued_at(1_000)
            .with_not_before(1_100)
            .with_expires_at(2_000)
            .with_cwt_id(b"id".to_vec())
            .with_private_claim(-260, Value::Text("old".into()))
            .with_private_claim(-260, Value::Text("hcert".into()))
            .with_private_claim(-70_000, Value::Integer(5.into()));
        let key = key();
        let bytes = sign_cwt(SigningPurpose::Certificate, &claims, b"k", &key).expect("sign");
        let message = Sign1::decode(&bytes).expect("decode");
        let payload =
            message.verify_for(SigningPurpose::Certificate, lookup_for(b"k", &key)).expect("verify");
        let decoded = CwtClaims::from_slice(payload).expect("claims");
        assert_eq!(decoded, claims);
        assert_eq!(decoded.issuer(), Some("CN"));
        assert_eq!(decoded.subject(), Some("holder"));
        assert_eq!(decoded.audience(), Some("verifier"));
        assert_eq!(
            (decoded.issued_at(), decoded.not_before(), decoded.expires_at()),
            (Some(1_000), Some(1_100), Some(2_000))
        );
        assert_eq!(decoded.cwt_id(), Some(&b"id"[..]));
        assert_eq!(decoded.claim(-260), Some(&Value::Text("hcert".into())));
        assert_eq!(decoded.claim(-70_000), Some(&Value::Integer(5.into())));
        assert_eq!(decoded.claim(-261), None);

        assert_eq!(decoded.check_time(1_050, &[]), Err(ClaimsTimeError::NotYetValid));
        assert_eq!(decoded.check_time(1_100, &["exp"]), Ok(()));
        assert_eq!(decoded.check_time(1_999, &[]), Ok(()));
        assert_eq!(decoded.check_time(2_000, &[]), Err(ClaimsTimeError::Expired));
        let open_ended = CwtClaims::new().with_issued_at(10);
        assert_eq!(open_ended.check_time(20, &[]), Ok(()));
        assert_eq!(open_ended.check_time(20, &["iat", "exp"]), Err(ClaimsTimeError::Missing("exp")));
        assert!(!format!("{decoded:?}").contains("holder"));
    }

    #[test]
    fn claims_that_are_not_a_map_are_rejected() {
        assert!(matches!(CwtClaims::from_slice(&[0x01]), Err(CoseError::Claims(_))));
        assert!(matches!(CwtClaims::from_slice(&[0xa0, 0x00]), Err(CoseError::Claims(_))));
        assert!(matches!(CwtClaims::from_slice(&[]), Err(CoseError::Claims(_))));
    }

    #[test]
    fn garbage_never_panics() {
        let key = key();
        let public = key.verifying_key();
        let claims = CwtClaims::new().with_issuer("X").with_expires_at(5);
        let valid = sign_cwt(SigningPurpose::Certificate, &claims, b"kid", &key).expect("sign");
        // Returns whether the bytes were accepted as a validly signed message.
        let try_bytes = |bytes: &[u8]| -> bool {
            let _ = CwtClaims::from_slice(bytes);
            let Ok(message) = Sign1::decode(bytes) else { return false };
            let _ = message.key_id();
            let _ = format!("{message:?}");
            match message.verify_with_key(SigningPurpose::Certificate.label(), &public) {
                Ok(payload) => {
                    let _ = CwtClaims::from_slice(payload);
                    true
                }
                Err(_) => false,
            }
        };
        assert!(try_bytes(&valid));
        for len in 0..valid.len() {
            assert!(!try_bytes(&valid[..len]), "truncated to {len} bytes");
        }
        for bit in 0..valid.len() * 8 {
            let mut flipped = valid.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(!try_bytes(&flipped), "bit {bit} flipped");
        }
        // Deep nesting must not overflow the stack.
        assert!(!try_bytes(&[0x81; 100_000]));
        assert!(!try_bytes(&[0xd8, 0x3d].repeat(50_000)));
    }
}
