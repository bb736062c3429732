//! The server-paced liveness check's frame batch (`FrameBatch::verify`, `FrameBatch::from_cbor`)
//! on arbitrary input: bytes the backend reads from anyone who opened a check. The input is
//! taken as the signed batch a device posts, and its payload (when it decodes as a COSE_Sign1,
//! or else the input itself) as the CBOR behind the signature, read directly and signed by the
//! key the reader trusts. The seed is the golden batch (`make fuzz` writes it to the corpus).
//! The properties: no input panics; bytes nobody signed with the trusted key never verify; a
//! payload that reads as a batch encodes back to a batch equal to it, and reads the same signed
//! as unsigned.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shimin_core::cose::{self, Sign1};
use shimin_core::crypto::{SigningKey, SigningPurpose, VerifyingKey};
use shimin_core::liveness::{FrameBatch, MAX_FRAME_BATCH_BYTES};

struct Keys {
    device: SigningKey,
    device_public: VerifyingKey,
}

static KEYS: OnceLock<Keys> = OnceLock::new();

fn keys() -> &'static Keys {
    KEYS.get_or_init(|| {
        let device = SigningKey::generate_p256().expect("a P-256 key");
        let device_public = device.verifying_key();
        Keys { device, device_public }
    })
}

fuzz_target!(|data: &[u8]| {
    let k = keys();
    assert!(FrameBatch::verify(data, &k.device_public).is_err(), "bytes not signed by the key verified");
    let decoded = Sign1::decode(data).ok();
    let payload = decoded.as_ref().map_or(data, Sign1::unverified_payload);
    let read = FrameBatch::from_cbor(payload);
    if let Ok(batch) = &read {
        let again = batch.to_cbor().expect("a batch that was read encodes");
        assert_eq!(FrameBatch::from_cbor(&again).as_ref(), Ok(batch), "a batch does not read back as itself");
    }
    let signed = cose::sign(SigningPurpose::LivenessFrames, payload, b"fuzz-device", &k.device);
    if let Ok(signed) = signed.as_deref()
        && signed.len() <= MAX_FRAME_BATCH_BYTES
    {
        assert_eq!(
            FrameBatch::verify(signed, &k.device_public),
            read,
            "signed and unsigned read differently"
        );
    }
});
