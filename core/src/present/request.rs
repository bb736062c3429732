//! The two-way offline mode: the verifier shows a request, the holder answers it.
//!
//! A one-way code can be screenshotted and shown again for up to a minute. In the two-way mode
//! the verifier first shows a QR code carrying a fresh random nonce; the holder's app scans it
//! and signs its presentation over that nonce, so the answer is good for this request only and a
//! recorded or forwarded one is refused. No network and no Bluetooth: two QR codes, one each way.
//!
//! # The request text
//!
//! ```text
//! SMQ1:<Base45(CBOR request)>
//! ```
//!
//! No zlib: the request is a few dozen bytes of random data, which does not compress.
//!
//! | key | field | CBOR value |
//! |---|---|---|
//! | 1 | format version | uint: `1` |
//! | 2 | nonce | bstr 16: fresh random bytes from the verifier, never reused |
//! | 3 | issued at | int: Unix seconds, the verifier's clock when it drew the request |
//! | 4 | asked for | uint: the [`Preset`] the verifier asks for — `1` identity, `2` age over 18, `3` every attribute |
//!
//! Unknown keys, a nonce of another length, an unknown preset and trailing bytes are refused.
//!
//! The request names what it asks for so that the holder's app can show exactly which of their
//! attributes would leave the phone before they agree, and answer with those and no others. It
//! names no verifier: an offline verifier has no certificate of its own, and a name it chose
//! itself would be a claim nobody checked. The holder's screen and the verifier's instead both
//! show the request's [`PresentationRequest::code`], the first bytes of its nonce, so the holder
//! can see that the request they answer is the one on the screen in front of them. The answer is an
//! ordinary `SM1:` presentation (see [`super`]) whose device signature covers the nonce (field 4
//! of the device-signed payload) and which carries it (field 6 of the presentation); a verifier in
//! request mode refuses an answer without its nonce ([`crate::verifier::Reason::NotThisRequest`]).

use ciborium::value::Value;

use super::Preset;
use crate::base45;
use crate::crypto::{self, CryptoError};

/// The prefix of a request's text.
pub const REQUEST_PREFIX: &str = "SMQ1:";
/// The request format version.
pub const REQUEST_FORMAT_VERSION: u64 = 1;
/// The length of a request's nonce, bytes.
pub const REQUEST_NONCE_LEN: usize = 16;
/// The longest request text read, bytes: far above the ~40 a request takes.
pub const MAX_REQUEST_TEXT_LEN: usize = 256;

const KEY_VERSION: i64 = 1;
const KEY_NONCE: i64 = 2;
const KEY_ISSUED_AT: i64 = 3;
const KEY_ASKED: i64 = 4;

/// The code of `preset` in field 4.
fn preset_code(preset: Preset) -> u64 {
    match preset {
        Preset::Identity => 1,
        Preset::AgeOver18 => 2,
        Preset::Full => 3,
    }
}

/// The preset of code `code` in field 4.
fn preset_of(code: u64) -> Option<Preset> {
    match code {
        1 => Some(Preset::Identity),
        2 => Some(Preset::AgeOver18),
        3 => Some(Preset::Full),
        _ => None,
    }
}

/// Why a scanned text is not a presentation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The text does not start with `SMQ1:`, or is too long to be a request.
    #[error("this is not a Shimin presentation request")]
    NotARequest,
    /// The text after the prefix is not Base45.
    #[error("the request is not valid Base45")]
    BadBase45,
    /// The data is not the documented CBOR map.
    #[error("the request is malformed: {0}")]
    Malformed(&'static str),
    /// Another format version.
    #[error("unsupported request format version {0}")]
    UnsupportedVersion(u64),
    /// No randomness for a nonce.
    #[error("no randomness for a request nonce")]
    Random,
}

impl From<CryptoError> for RequestError {
    fn from(_: CryptoError) -> Self {
        RequestError::Random
    }
}

/// A verifier's request for a presentation bound to a fresh nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresentationRequest {
    /// The verifier's fresh random nonce.
    pub nonce: [u8; REQUEST_NONCE_LEN],
    /// When the verifier drew it, Unix seconds.
    pub issued_at: i64,
    /// What the verifier asks the holder to show.
    pub asked: Preset,
}

impl PresentationRequest {
    /// A new request at `now` for `asked`, with a fresh random nonce.
    ///
    /// # Errors
    /// [`RequestError::Random`].
    pub fn new(now: i64, asked: Preset) -> Result<Self, RequestError> {
        Ok(Self { nonce: crypto::random_bytes()?, issued_at: now, asked })
    }

    /// The request's short code, `XXXX-XXXX` (the first four bytes of the nonce in hexadecimal),
    /// shown on the verifier's screen beside the request and on the holder's before they agree.
    /// It names this request to the people involved; it proves nothing to a machine.
    pub fn code(&self) -> String {
        let hex: String = self.nonce[..4].iter().map(|b| format!("{b:02X}")).collect();
        format!("{}-{}", &hex[..4], &hex[4..])
    }

    /// The text for the verifier's QR code.
    ///
    /// # Errors
    /// [`RequestError::Malformed`] if CBOR encoding fails, which a `Vec` never causes.
    pub fn to_text(&self) -> Result<String, RequestError> {
        let map = Value::Map(vec![
            (Value::Integer(KEY_VERSION.into()), Value::Integer(REQUEST_FORMAT_VERSION.into())),
            (Value::Integer(KEY_NONCE.into()), Value::Bytes(self.nonce.to_vec())),
            (Value::Integer(KEY_ISSUED_AT.into()), Value::Integer(self.issued_at.into())),
            (Value::Integer(KEY_ASKED.into()), Value::Integer(preset_code(self.asked).into())),
        ]);
        let mut cbor = Vec::new();
        ciborium::ser::into_writer(&map, &mut cbor).map_err(|_| RequestError::Malformed("encode"))?;
        Ok(format!("{REQUEST_PREFIX}{}", base45::encode(&cbor)))
    }

    /// Parses a scanned request text.
    ///
    /// # Errors
    /// [`RequestError`] naming what is wrong.
    pub fn from_text(text: &str) -> Result<Self, RequestError> {
        if text.len() > MAX_REQUEST_TEXT_LEN {
            return Err(RequestError::NotARequest);
        }
        let body = text.strip_prefix(REQUEST_PREFIX).ok_or(RequestError::NotARequest)?;
        let cbor = base45::decode(body).map_err(|_| RequestError::BadBase45)?;
        let mut rest = cbor.as_slice();
        let value: Value =
            ciborium::de::from_reader(&mut rest).map_err(|_| RequestError::Malformed("not CBOR"))?;
        if !rest.is_empty() {
            return Err(RequestError::Malformed("extra bytes after the CBOR item"));
        }
        let Value::Map(entries) = value else { return Err(RequestError::Malformed("not a map")) };
        let (mut version, mut nonce, mut issued_at, mut asked) = (None, None, None, None);
        for (key, value) in entries {
            let key = key.as_integer().and_then(|k| i64::try_from(k).ok());
            let slot = match key {
                Some(KEY_VERSION) => &mut version,
                Some(KEY_NONCE) => &mut nonce,
                Some(KEY_ISSUED_AT) => &mut issued_at,
                Some(KEY_ASKED) => &mut asked,
                _ => return Err(RequestError::Malformed("unknown field")),
            };
            if slot.replace(value).is_some() {
                return Err(RequestError::Malformed("repeated field"));
            }
        }
        let version = version
            .and_then(|v| v.as_integer())
            .and_then(|v| u64::try_from(v).ok())
            .ok_or(RequestError::Malformed("format version"))?;
        if version != REQUEST_FORMAT_VERSION {
            return Err(RequestError::UnsupportedVersion(version));
        }
        let nonce = match nonce {
            Some(Value::Bytes(b)) => <[u8; REQUEST_NONCE_LEN]>::try_from(b.as_slice()).ok(),
            _ => None,
        }
        .ok_or(RequestError::Malformed("nonce"))?;
        let issued_at = issued_at
            .and_then(|v| v.as_integer())
            .and_then(|v| i64::try_from(v).ok())
            .ok_or(RequestError::Malformed("issued at"))?;
        let asked = asked
            .and_then(|v| v.as_integer())
            .and_then(|v| u64::try_from(v).ok())
            .and_then(preset_of)
            .ok_or(RequestError::Malformed("asked for"))?;
        Ok(Self { nonce, issued_at, asked })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_round_trips_and_only_its_own_shape_is_read() {
        for asked in [Preset::Identity, Preset::AgeOver18, Preset::Full] {
            let request = PresentationRequest { nonce: [9; 16], issued_at: 1_700_000_000, asked };
            let text = request.to_text().expect("text");
            assert_eq!(PresentationRequest::from_text(&text), Ok(request));
        }
        let request =
            PresentationRequest { nonce: [9; 16], issued_at: 1_700_000_000, asked: Preset::AgeOver18 };
        let text = request.to_text().expect("text");
        assert!(text.starts_with(REQUEST_PREFIX), "{text}");
        assert_eq!(request.code(), "0909-0909");
        assert_ne!(
            PresentationRequest::new(1, Preset::Identity).expect("new").nonce,
            PresentationRequest::new(1, Preset::Identity).expect("new").nonce
        );
        assert_eq!(PresentationRequest::from_text("SM1:ABC"), Err(RequestError::NotARequest));
        assert_eq!(PresentationRequest::from_text("SMQ1:%%"), Err(RequestError::BadBase45));
        for len in REQUEST_PREFIX.len()..text.len() {
            assert!(PresentationRequest::from_text(&text[..len]).is_err(), "{len}");
        }
        let short = Value::Map(vec![
            (Value::Integer(1.into()), Value::Integer(1.into())),
            (Value::Integer(2.into()), Value::Bytes(vec![1; 8])),
            (Value::Integer(3.into()), Value::Integer(5.into())),
            (Value::Integer(4.into()), Value::Integer(1.into())),
        ]);
        let text_of = |value: &Value| {
            let mut cbor = Vec::new();
            ciborium::ser::into_writer(value, &mut cbor).expect("cbor");
            format!("{REQUEST_PREFIX}{}", base45::encode(&cbor))
        };
        assert_eq!(PresentationRequest::from_text(&text_of(&short)), Err(RequestError::Malformed("nonce")));
        let unknown_preset = Value::Map(vec![
            (Value::Integer(1.into()), Value::Integer(1.into())),
            (Value::Integer(2.into()), Value::Bytes(vec![1; 16])),
            (Value::Integer(3.into()), Value::Integer(5.into())),
            (Value::Integer(4.into()), Value::Integer(9.into())),
        ]);
        assert_eq!(
            PresentationRequest::from_text(&text_of(&unknown_preset)),
            Err(RequestError::Malformed("asked for"))
        );
    }
}
