//! Showing a certificate as a dynamic QR code: the holder's side of an offline presentation.
//!
//! The holder picks what to disclose ([`Preset`]), the device key signs the choice with the
//! current time, and the result is text for a QR code in alphanumeric mode:
//!
//! ```text
//! SM1:<Base45(zlib(CBOR presentation))>
//! ```
//!
//! # The presentation (CBOR map, integer keys)
//!
//! | key | field | CBOR value |
//! |---|---|---|
//! | 1 | format version | uint: `1` |
//! | 2 | issuer certificate | bstr: the issuer's tagged COSE_Sign1, exactly as issued |
//! | 3 | disclosures | array of `[salt bstr, attribute code uint, value]`: the code stands for the name ([`crate::cert::codes`]) in the array whose digest the issuer signed ([`crate::cert::attributes`]) |
//! | 4 | device signature | bstr: a tagged COSE_Sign1 (ES256) by the holder's device key with a **detached** payload, signed through [`DeviceSigner`] for [`crate::crypto::SigningPurpose::Presentation`], no key id (the key is the one the issuer bound into the certificate) |
//! | 5 | signed at | int: Unix seconds, the holder's `now`; present exactly when 4 is |
//! | 6 | request nonce | bstr 16: the verifier's nonce this code answers (two-way mode, [`PresentationRequest`]); only with 4, absent in a one-way code |
//!
//! # The device-signed payload (CBOR map, integer keys; detached, rebuilt by the verifier)
//!
//! | key | field | CBOR value |
//! |---|---|---|
//! | 1 | issuer payload digest | bstr 32: SHA-256 of the issuer COSE_Sign1's **payload** (the signed CWT claims bytes), not of the whole COSE message |
//! | 2 | disclosed attributes | array of attribute codes, in the order of the disclosures |
//! | 3 | signed at | int: field 5 of the presentation |
//! | 4 | request nonce | bstr 16: field 6 of the presentation; absent when it is absent |
//!
//! The verifier rebuilds this payload from what it received, so a device signature verifies only
//! for this certificate, these disclosures in this order, and this signing time. Leaving it out
//! of the QR code saves what it would repeat (`docs/adr/0002-compact-presentation.md`).
//!
//! The values of the disclosed attributes are bound by the issuer's digests; the device signature
//! binds which certificate, which attributes and when. The app draws a fresh code every
//! [`PRESENTATION_REFRESH_SECS`]; a verifier accepts a signing time at most that long plus the
//! clocks' tolerance before its own clock ([`crate::verifier::VerifierPolicy::max_age_secs`], 60 s)
//! and at most the tolerance after it ([`crate::verifier::VerifierPolicy::clock_tolerance_secs`],
//! 30 s). A screenshot therefore works for up to a minute — long enough to be passed on to someone
//! standing nearby — which is why the verifier remembers the codes it has seen, and why the
//! two-way mode exists.

mod request;
mod session;
mod wire;

pub use request::{
    MAX_REQUEST_TEXT_LEN, PresentationRequest, REQUEST_FORMAT_VERSION, REQUEST_NONCE_LEN, REQUEST_PREFIX,
    RequestError,
};
pub use session::{
    DeviceSigner, DeviceSignerError, Init, PRESENTATION_REFRESH_SECS, PresentError, Presentation, Preset,
    Ready, SignedPresentation, seconds_until_refresh,
};
pub use wire::{
    DeviceSignature, DeviceSignedPayload, MAX_DECOMPRESSED_LEN, PRESENTATION_FORMAT_VERSION,
    PRESENTATION_PREFIX, PresentationWire, WireError,
};
