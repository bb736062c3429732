//! The presentation's wire format: CBOR (by `ciborium`) → zlib → Base45 → `SM1:` text, both ways.
//! The layout is in the [module documentation](super).

use ciborium::value::Value;

use crate::base45;
use crate::cert::{AttributeValue, Disclosure, codes};
use crate::zlib::{self, InflateError};

use super::request::REQUEST_NONCE_LEN;

/// The text every presentation starts with.
pub const PRESENTATION_PREFIX: &str = "SM1:";
/// The presentation format this module writes and reads.
pub const PRESENTATION_FORMAT_VERSION: u64 = 1;
/// The most bytes a presentation may inflate to (a QR code holds under 3 KB; this refuses a zlib
/// bomb long before it costs memory).
pub const MAX_DECOMPRESSED_LEN: usize = 64 * 1024;

const KEY_VERSION: i64 = 1;
const KEY_ISSUER_SIGNED: i64 = 2;
const KEY_DISCLOSURES: i64 = 3;
const KEY_DEVICE_SIGNATURE: i64 = 4;
const KEY_DEVICE_SIGNED_AT: i64 = 5;
/// Key of the request nonce the device signature covers (two-way mode only).
const KEY_REQUEST_NONCE: i64 = 6;

const KEY_ISSUER_PAYLOAD_DIGEST: i64 = 1;
const KEY_DISCLOSED_NAMES: i64 = 2;
const KEY_SIGNED_AT: i64 = 3;
/// Key of the request nonce in the device-signed payload (two-way mode only).
const KEY_NONCE: i64 = 4;

/// Why presentation text could not be decoded into its parts. Never carries the content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The text does not start with [`PRESENTATION_PREFIX`].
    #[error("the text does not start with SM1:")]
    BadPrefix,
    /// The text after the prefix is not Base45.
    #[error("the text is not valid Base45")]
    BadBase45,
    /// The bytes are not one complete zlib stream.
    #[error("the data is not a valid zlib stream")]
    BadZlib,
    /// The data inflates to more than the limit.
    #[error("the data inflates to more than {limit} bytes")]
    TooLarge {
        /// The limit that was hit.
        limit: usize,
    },
    /// The inflated bytes are not one CBOR item of the presentation's shape.
    #[error("the presentation is not well-formed CBOR: {0}")]
    BadCbor(&'static str),
    /// A disclosure names an attribute code the registry does not know.
    #[error("a disclosure names an unknown attribute")]
    UnknownAttribute,
    /// The format version is not one this code reads.
    #[error("unsupported presentation format version {0}")]
    UnsupportedVersion(u64),
    /// Encoding failed (it does not, writing to memory).
    #[error("the presentation could not be encoded")]
    Encode,
}

/// A presentation's parts, as carried in the QR code. Nothing here is verified yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentationWire {
    /// The issuer's tagged COSE_Sign1, as issued.
    pub issuer_signed: Vec<u8>,
    /// The disclosed attributes with their salts, in order.
    pub disclosures: Vec<Disclosure>,
    /// The holder device's signature, if present.
    pub device_signature: Option<DeviceSignature>,
}

/// The holder device's signature as carried: when it signed, and a tagged COSE_Sign1 (ES256)
/// with a detached payload, the [`DeviceSignedPayload`] the verifier rebuilds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSignature {
    /// When the holder's device signed, Unix seconds.
    pub signed_at: i64,
    /// The COSE_Sign1 bytes, payload `nil`.
    pub cose: Vec<u8>,
    /// The verifier's request nonce this signature covers, when it answers a request
    /// ([`super::PresentationRequest`]); `None` for a one-way code.
    pub request_nonce: Option<[u8; REQUEST_NONCE_LEN]>,
}

/// What the holder's device signs; never carried, rebuilt by the verifier from the issuer
/// payload, the disclosures and [`DeviceSignature::signed_at`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSignedPayload {
    /// SHA-256 of the issuer COSE_Sign1's payload (the signed CWT claims bytes).
    pub issuer_payload_digest: [u8; 32],
    /// The names of the disclosed attributes, in the order of the disclosures.
    pub disclosed_names: Vec<String>,
    /// When the holder made the presentation, Unix seconds.
    pub signed_at: i64,
    /// The request nonce, when answering a request: field 4, absent otherwise.
    pub request_nonce: Option<[u8; REQUEST_NONCE_LEN]>,
}

fn int(i: i64) -> Value {
    Value::Integer(i.into())
}

fn encode_value(value: &Value) -> Result<Vec<u8>, WireError> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).map_err(|_| WireError::Encode)?;
    Ok(out)
}

/// Reads exactly one CBOR item.
fn decode_value(bytes: &[u8]) -> Result<Value, WireError> {
    let mut rest = bytes;
    let value: Value = ciborium::de::from_reader(&mut rest).map_err(|_| WireError::BadCbor("not CBOR"))?;
    if !rest.is_empty() {
        return Err(WireError::BadCbor("extra bytes after the CBOR item"));
    }
    Ok(value)
}

/// The entries of a CBOR map with integer keys, refusing duplicate or non-integer keys.
fn int_map(value: Value, what: &'static str) -> Result<Vec<(i64, Value)>, WireError> {
    let Value::Map(entries) = value else { return Err(WireError::BadCbor(what)) };
    let mut out: Vec<(i64, Value)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let key = k.as_integer().and_then(|i| i64::try_from(i).ok()).ok_or(WireError::BadCbor(what))?;
        if out.iter().any(|(seen, _)| *seen == key) {
            return Err(WireError::BadCbor(what));
        }
        out.push((key, v));
    }
    Ok(out)
}

fn take(map: &mut Vec<(i64, Value)>, key: i64) -> Option<Value> {
    let at = map.iter().position(|(k, _)| *k == key)?;
    Some(map.swap_remove(at).1)
}

fn bytes_of(value: Option<Value>, what: &'static str) -> Result<Vec<u8>, WireError> {
    match value {
        Some(Value::Bytes(b)) => Ok(b),
        _ => Err(WireError::BadCbor(what)),
    }
}

fn code_value(name: &str) -> Result<Value, WireError> {
    codes::code_of(name).map(|c| Value::Integer(c.into())).ok_or(WireError::Encode)
}

fn disclosure_to_value(d: &Disclosure) -> Result<Value, WireError> {
    Ok(Value::Array(vec![Value::Bytes(d.salt.clone()), code_value(&d.name)?, d.value.to_cbor()]))
}

fn disclosure_from_value(value: Value) -> Result<Disclosure, WireError> {
    let bad = WireError::BadCbor("disclosure");
    let Value::Array(items) = value else { return Err(bad) };
    let [salt, code, value] = <[Value; 3]>::try_from(items).map_err(|_| bad.clone())?;
    let (Value::Bytes(salt), Value::Integer(code)) = (salt, code) else { return Err(bad) };
    let name = u16::try_from(code).ok().and_then(codes::name_of).ok_or(WireError::UnknownAttribute)?;
    let value = AttributeValue::from_cbor(&value).map_err(|_| bad)?;
    Ok(Disclosure { name: name.to_owned(), value, salt })
}

impl PresentationWire {
    /// The CBOR bytes of the presentation.
    ///
    /// # Errors
    /// [`WireError::Encode`] if the encoder fails.
    pub fn to_cbor(&self) -> Result<Vec<u8>, WireError> {
        let mut map = vec![
            (int(KEY_VERSION), Value::Integer(PRESENTATION_FORMAT_VERSION.into())),
            (int(KEY_ISSUER_SIGNED), Value::Bytes(self.issuer_signed.clone())),
            (
                int(KEY_DISCLOSURES),
                Value::Array(self.disclosures.iter().map(disclosure_to_value).collect::<Result<_, _>>()?),
            ),
        ];
        if let Some(device) = &self.device_signature {
            map.push((int(KEY_DEVICE_SIGNATURE), Value::Bytes(device.cose.clone())));
            map.push((int(KEY_DEVICE_SIGNED_AT), int(device.signed_at)));
            if let Some(nonce) = device.request_nonce {
                map.push((int(KEY_REQUEST_NONCE), Value::Bytes(nonce.to_vec())));
            }
        }
        encode_value(&Value::Map(map))
    }

    /// Reads a presentation from its CBOR bytes.
    ///
    /// # Errors
    /// [`WireError::BadCbor`] for any shape but the documented one, and
    /// [`WireError::UnsupportedVersion`].
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, WireError> {
        let mut map = int_map(decode_value(bytes)?, "presentation map")?;
        let version = take(&mut map, KEY_VERSION)
            .and_then(|v| v.as_integer())
            .and_then(|i| u64::try_from(i).ok())
            .ok_or(WireError::BadCbor("format version"))?;
        if version != PRESENTATION_FORMAT_VERSION {
            return Err(WireError::UnsupportedVersion(version));
        }
        let issuer_signed = bytes_of(take(&mut map, KEY_ISSUER_SIGNED), "issuer certificate")?;
        let Some(Value::Array(items)) = take(&mut map, KEY_DISCLOSURES) else {
            return Err(WireError::BadCbor("disclosures"));
        };
        let disclosures = items.into_iter().map(disclosure_from_value).collect::<Result<Vec<_>, _>>()?;
        let device_signature = match take(&mut map, KEY_DEVICE_SIGNATURE) {
            None => None,
            some => {
                let cose = bytes_of(some, "device signature")?;
                let signed_at = take(&mut map, KEY_DEVICE_SIGNED_AT)
                    .and_then(|v| v.as_integer())
                    .and_then(|i| i64::try_from(i).ok())
                    .ok_or(WireError::BadCbor("device signing time"))?;
                let request_nonce = match take(&mut map, KEY_REQUEST_NONCE) {
                    None => None,
                    some => Some(
                        <[u8; REQUEST_NONCE_LEN]>::try_from(bytes_of(some, "request nonce")?.as_slice())
                            .map_err(|_| WireError::BadCbor("request nonce"))?,
                    ),
                };
                Some(DeviceSignature { signed_at, cose, request_nonce })
            }
        };
        if !map.is_empty() {
            return Err(WireError::BadCbor("unknown field"));
        }
        Ok(Self { issuer_signed, disclosures, device_signature })
    }

    /// The QR text: `SM1:` + Base45(zlib(CBOR)).
    ///
    /// # Errors
    /// [`WireError::Encode`] if an encoder fails.
    pub fn to_text(&self) -> Result<String, WireError> {
        let compressed = zlib::deflate(&self.to_cbor()?);
        Ok(format!("{PRESENTATION_PREFIX}{}", base45::encode(&compressed)))
    }

    /// Reads the QR text, inflating to at most `max_inflated` bytes.
    ///
    /// # Errors
    /// The first layer that fails: prefix, Base45, zlib (or size), CBOR, version.
    pub fn from_text(text: &str, max_inflated: usize) -> Result<Self, WireError> {
        Self::from_cbor(&Self::cbor_from_text(text, max_inflated)?)
    }

    /// Undoes the text layers only, giving the CBOR bytes (for tools and tests).
    ///
    /// # Errors
    /// [`WireError::BadPrefix`], [`WireError::BadBase45`], [`WireError::BadZlib`] or
    /// [`WireError::TooLarge`].
    pub fn cbor_from_text(text: &str, max_inflated: usize) -> Result<Vec<u8>, WireError> {
        let body = text.strip_prefix(PRESENTATION_PREFIX).ok_or(WireError::BadPrefix)?;
        let compressed = base45::decode(body).map_err(|_| WireError::BadBase45)?;
        zlib::inflate(&compressed, max_inflated).map_err(|e| match e {
            InflateError::Corrupt => WireError::BadZlib,
            InflateError::TooLarge { limit } => WireError::TooLarge { limit },
        })
    }
}

impl DeviceSignedPayload {
    /// The CBOR bytes the device signs: a map of the issuer payload digest (1), the disclosed
    /// attribute codes (2) and the signing time (3).
    ///
    /// # Errors
    /// [`WireError::Encode`] if a name has no code or the encoder fails.
    pub fn to_cbor(&self) -> Result<Vec<u8>, WireError> {
        let mut map = vec![
            (int(KEY_ISSUER_PAYLOAD_DIGEST), Value::Bytes(self.issuer_payload_digest.to_vec())),
            (
                int(KEY_DISCLOSED_NAMES),
                Value::Array(self.disclosed_names.iter().map(|n| code_value(n)).collect::<Result<_, _>>()?),
            ),
            (int(KEY_SIGNED_AT), int(self.signed_at)),
        ];
        if let Some(nonce) = self.request_nonce {
            map.push((int(KEY_NONCE), Value::Bytes(nonce.to_vec())));
        }
        encode_value(&Value::Map(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflation_is_capped_and_streams_must_be_whole() {
        let text = |bytes: &[u8]| format!("{PRESENTATION_PREFIX}{}", base45::encode(bytes));
        let packed = zlib::deflate(&[0u8; 10_000]);
        assert_eq!(PresentationWire::cbor_from_text(&text(&packed), 10_000).map(|v| v.len()), Ok(10_000));
        assert_eq!(
            PresentationWire::cbor_from_text(&text(&packed), 9_999),
            Err(WireError::TooLarge { limit: 9_999 })
        );
        let truncated = &packed[..packed.len() - 1];
        assert_eq!(PresentationWire::cbor_from_text(&text(truncated), 10_000), Err(WireError::BadZlib));
    }

    #[test]
    fn the_device_payload_is_the_documented_map() {
        let p = DeviceSignedPayload {
            issuer_payload_digest: [7; 32],
            disclosed_names: vec![crate::cert::types::names::PHOTO.into()],
            signed_at: 5,
            request_nonce: None,
        };
        let bytes = p.to_cbor().expect("encode");
        // map(3), 1: bstr(32) 7…, 2: [3] (the photo's code), 3: 5
        let mut expected = vec![0xA3, 0x01, 0x58, 0x20];
        expected.extend_from_slice(&[7; 32]);
        expected.extend_from_slice(&[0x02, 0x81, 0x03, 0x03, 0x05]);
        assert_eq!(bytes, expected);
        let unregistered = DeviceSignedPayload { disclosed_names: vec!["nickname".into()], ..p };
        assert_eq!(unregistered.to_cbor(), Err(WireError::Encode));
    }
}
