//! The trust list and the status list readers on arbitrary input: as the signed bytes a backend
//! or a cache hands over, and as a payload correctly signed by the key the reader trusts, so that
//! the bytes reach the CBOR and list parsers behind the signature check. The property: no input
//! panics; unsigned bytes never verify.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shimin_core::cose;
use shimin_core::crypto::{SigningKey, SigningPurpose, VerifyingKey};
use shimin_core::status_list::VerifiedStatusList;
use shimin_core::trust::TrustList;

struct Keys {
    root: SigningKey,
    root_public: VerifyingKey,
    root_kid: [u8; 8],
}

static KEYS: OnceLock<Keys> = OnceLock::new();

fn keys() -> &'static Keys {
    KEYS.get_or_init(|| {
        let root = SigningKey::generate_p256().expect("a P-256 key");
        let root_public = root.verifying_key();
        let root_kid = TrustList::root_key_id(&root_public);
        Keys { root, root_public, root_kid }
    })
}

fuzz_target!(|data: &[u8]| {
    let k = keys();
    assert!(TrustList::verify_ignoring_expiry(data, &k.root_public).is_err(), "unsigned bytes verified");
    assert!(VerifiedStatusList::verify_ignoring_expiry(data, &k.root_public).is_err(), "unsigned bytes verified");
    if let Ok(signed) = cose::sign(SigningPurpose::TrustList, data, &k.root_kid, &k.root) {
        let _ = TrustList::verify(&signed, &k.root_public, 1_700_000_000);
    }
    if let Ok(signed) = cose::sign(SigningPurpose::Revocation, data, &k.root_kid, &k.root) {
        let _ = VerifiedStatusList::verify(&signed, &k.root_public, 1_700_000_000);
    }
});
