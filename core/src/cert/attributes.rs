//! Certificate attributes: an ordered map from name to typed value, and the salted disclosures
//! whose digests the issuer signs (ISO 18013-5 style selective disclosure).
//!
//! The digest of an attribute is the first [`DIGEST_LEN`] bytes of `SHA-256(CBOR([salt, name,
//! value]))`: a three-element array of the salt (byte string), the name (text string) and the
//! value, encoded by `ciborium` (definite lengths, shortest integer forms). SHA-256 truncated to
//! 128 bits keeps 2^128 second-preimage resistance, which is what binding a disclosed value to the
//! signed digest needs (the issuer draws the salt, so a holder cannot mount a birthday attack on
//! its own certificate); it halves what every attribute costs in a presentation QR code (see
//! `docs/adr/0002-compact-presentation.md`). A value is encoded as:
//!
//! | value | CBOR |
//! |---|---|
//! | text | text string |
//! | date | tag 1004 (RFC 8943 full-date) over the text `YYYY-MM-DD` |
//! | bool | `true` / `false` |
//! | integer | integer |
//! | bytes | byte string |

use std::fmt;

use ciborium::value::Value;
use time::{Date, Month};

use crate::crypto::{self, CryptoError};

/// CBOR tag of an RFC 8943 full-date text string.
pub const TAG_FULL_DATE: u64 = 1004;

/// Length of the random salt the issuer draws for each attribute, in bytes.
pub const SALT_LEN: usize = 16;
/// Length of an attribute digest: SHA-256 truncated to its first 16 bytes.
pub const DIGEST_LEN: usize = 16;

/// The digest the issuer signs for one attribute.
pub type AttributeDigest = [u8; DIGEST_LEN];

/// The value of one attribute. `Debug` shows the kind, never the value.
#[derive(Clone, PartialEq, Eq)]
pub enum AttributeValue {
    /// Text, e.g. a name or an address.
    Text(String),
    /// A calendar date, e.g. a birth date.
    Date(Date),
    /// A yes/no fact, e.g. the derived `age_over_18`.
    Bool(bool),
    /// A whole number, e.g. a registered capital in yuan.
    Integer(i64),
    /// Raw bytes, e.g. a photo thumbnail.
    Bytes(Vec<u8>),
}

impl fmt::Debug for AttributeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            AttributeValue::Text(_) => "Text",
            AttributeValue::Date(_) => "Date",
            AttributeValue::Bool(_) => "Bool",
            AttributeValue::Integer(_) => "Integer",
            AttributeValue::Bytes(_) => "Bytes",
        };
        write!(f, "{kind}([redacted])")
    }
}

/// Why a CBOR value is not an attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AttributeValueError {
    /// A CBOR type that attributes do not use (float, array, map, null, another tag…).
    #[error("unsupported CBOR type for an attribute value")]
    UnsupportedType,
    /// A full-date that is not `YYYY-MM-DD` or not a real date.
    #[error("malformed full-date")]
    BadDate,
    /// An integer outside the signed 64-bit range.
    #[error("integer out of range")]
    IntegerRange,
}

impl AttributeValue {
    /// The value as CBOR, in the encoding described in the module documentation.
    pub fn to_cbor(&self) -> Value {
        match self {
            AttributeValue::Text(s) => Value::Text(s.clone()),
            AttributeValue::Date(d) => Value::Tag(TAG_FULL_DATE, Box::new(Value::Text(format_date(*d)))),
            AttributeValue::Bool(b) => Value::Bool(*b),
            AttributeValue::Integer(i) => Value::Integer((*i).into()),
            AttributeValue::Bytes(b) => Value::Bytes(b.clone()),
        }
    }

    /// Reads a value from CBOR.
    ///
    /// # Errors
    /// [`AttributeValueError`] for a CBOR shape attributes do not use.
    pub fn from_cbor(value: &Value) -> Result<Self, AttributeValueError> {
        Ok(match value {
            Value::Text(s) => AttributeValue::Text(s.clone()),
            Value::Tag(TAG_FULL_DATE, inner) => match inner.as_ref() {
                Value::Text(s) => AttributeValue::Date(parse_date(s).ok_or(AttributeValueError::BadDate)?),
                _ => return Err(AttributeValueError::BadDate),
            },
            Value::Bool(b) => AttributeValue::Bool(*b),
            Value::Integer(i) => {
                AttributeValue::Integer(i64::try_from(*i).map_err(|_| AttributeValueError::IntegerRange)?)
            }
            Value::Bytes(b) => AttributeValue::Bytes(b.clone()),
            _ => return Err(AttributeValueError::UnsupportedType),
        })
    }
}

/// `YYYY-MM-DD`. A year outside 0..=9999 gives a string that [`parse_date`] refuses, so such a
/// date never survives a round trip; certificate dates are far inside that range.
pub(crate) fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses exactly `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(digits(5..7)?).ok()?).ok()?;
    let day = u8::try_from(digits(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Attributes in a fixed order with unique names. `Debug` lists the names only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Attributes(Vec<(String, AttributeValue)>);

/// An attribute name was used twice.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the attribute {0} is given twice")]
pub struct DuplicateAttribute(pub String);

impl Attributes {
    /// No attributes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an attribute.
    ///
    /// # Errors
    /// [`DuplicateAttribute`] when the name is already present.
    pub fn insert(
        &mut self,
        name: impl Into<String>,
        value: AttributeValue,
    ) -> Result<(), DuplicateAttribute> {
        let name = name.into();
        if self.get(&name).is_some() {
            return Err(DuplicateAttribute(name));
        }
        self.0.push((name, value));
        Ok(())
    }

    /// The value of the attribute `name`.
    pub fn get(&self, name: &str) -> Option<&AttributeValue> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }

    /// Name–value pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &AttributeValue)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// How many attributes there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Attributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Attributes").field(&self.names().collect::<Vec<_>>()).finish()
    }
}

/// One attribute as the holder keeps it: name, value and the salt the issuer drew for it.
/// Disclosing it lets a verifier recompute the digest the issuer signed. `Debug` shows the
/// name only.
#[derive(Clone, PartialEq, Eq)]
pub struct Disclosure {
    /// The attribute's name.
    pub name: String,
    /// The attribute's value.
    pub value: AttributeValue,
    /// The random salt (at least 16 bytes when made by this crate).
    pub salt: Vec<u8>,
}

impl fmt::Debug for Disclosure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Disclosure").field("name", &self.name).finish_non_exhaustive()
    }
}

/// A disclosure could not be encoded for hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the disclosure could not be encoded as CBOR")]
pub struct DisclosureEncodeError;

impl Disclosure {
    /// A disclosure with a fresh random salt of [`SALT_LEN`] bytes.
    ///
    /// # Errors
    /// [`CryptoError::Random`] when no randomness is available.
    pub fn with_random_salt(name: impl Into<String>, value: AttributeValue) -> Result<Self, CryptoError> {
        let salt = crypto::random_bytes::<SALT_LEN>()?.to_vec();
        Ok(Self { name: name.into(), value, salt })
    }

    /// The CBOR bytes that are hashed: `[salt, name, value]`.
    ///
    /// # Errors
    /// [`DisclosureEncodeError`] if the encoder fails (it does not for in-memory output).
    pub fn to_be_hashed(&self) -> Result<Vec<u8>, DisclosureEncodeError> {
        let item = Value::Array(vec![
            Value::Bytes(self.salt.clone()),
            Value::Text(self.name.clone()),
            self.value.to_cbor(),
        ]);
        let mut out = Vec::new();
        ciborium::ser::into_writer(&item, &mut out).map_err(|_| DisclosureEncodeError)?;
        Ok(out)
    }

    /// The first [`DIGEST_LEN`] bytes of `SHA-256(CBOR([salt, name, value]))`.
    ///
    /// # Errors
    /// As [`Disclosure::to_be_hashed`].
    pub fn digest(&self) -> Result<AttributeDigest, DisclosureEncodeError> {
        let full = crypto::sha256(&self.to_be_hashed()?);
        let mut out = [0u8; DIGEST_LEN];
        out.copy_from_slice(&full[..DIGEST_LEN]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: Month, d: u8) -> Date {
        Date::from_calendar_date(y, m, d).expect("date")
    }

    #[test]
    fn values_round_trip_through_cbor() {
        let values = [
            AttributeValue::Text("张三".into()),
            AttributeValue::Date(date(2007, Month::March, 9)),
            AttributeValue::Bool(true),
            AttributeValue::Integer(-5),
            AttributeValue::Bytes(vec![1, 2, 3]),
        ];
        for v in values {
            assert_eq!(AttributeValue::from_cbor(&v.to_cbor()), Ok(v));
        }
        assert_eq!(AttributeValue::from_cbor(&Value::Float(1.0)), Err(AttributeValueError::UnsupportedType));
        let bad = Value::Tag(TAG_FULL_DATE, Box::new(Value::Text("2007-02-30".into())));
        assert_eq!(AttributeValue::from_cbor(&bad), Err(AttributeValueError::BadDate));
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(parse_date("2007-03-09"), Some(date(2007, Month::March, 9)));
        for bad in ["2007-3-09", "2007/03/09", "20070309", "+007-03-09", "2007-03-9x", "2007-13-01", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(format_date(date(987, Month::January, 2)), "0987-01-02");
    }

    #[test]
    fn the_hashed_bytes_are_the_documented_cbor() {
        let d = Disclosure { name: "a".into(), value: AttributeValue::Bool(true), salt: vec![0xAB] };
        // 0x83 array(3), 0x41 0xAB bstr(1), 0x61 'a' tstr(1), 0xF5 true.
        assert_eq!(d.to_be_hashed().expect("encode"), [0x83, 0x41, 0xAB, 0x61, b'a', 0xF5]);
        let date = Disclosure {
            name: "d".into(),
            value: AttributeValue::Date(date(2000, Month::January, 1)),
            salt: vec![],
        };
        // 0xD9 0x03EC is tag 1004 followed by the ten-character text.
        let mut expected = vec![0x83, 0x40, 0x61, b'd', 0xD9, 0x03, 0xEC, 0x6A];
        expected.extend_from_slice(b"2000-01-01");
        assert_eq!(date.to_be_hashed().expect("encode"), expected);
    }

    #[test]
    fn salts_are_fresh_and_change_the_digest() {
        let a = Disclosure::with_random_salt("x", AttributeValue::Integer(1)).expect("salt");
        let b = Disclosure::with_random_salt("x", AttributeValue::Integer(1)).expect("salt");
        assert_eq!(a.salt.len(), SALT_LEN);
        assert_ne!(a.salt, b.salt);
        assert_ne!(a.digest(), b.digest());
    }

    #[test]
    fn names_are_unique_and_debug_hides_values() {
        let mut attrs = Attributes::new();
        attrs.insert("name", AttributeValue::Text("张三".into())).expect("first");
        assert_eq!(
            attrs.insert("name", AttributeValue::Text("李四".into())),
            Err(DuplicateAttribute("name".into()))
        );
        let printed = format!("{attrs:?} {:?}", attrs.get("name"));
        assert!(!printed.contains("张三") && printed.contains("name"), "{printed}");
    }
}
