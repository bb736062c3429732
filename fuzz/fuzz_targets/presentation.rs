//! The verifier on arbitrary input: as scanned text, and wrapped so that the bytes reach the
//! CBOR layer directly. The property: no input panics, and none verifies.
#![no_main]

#[path = "../../core/tests/present_common/mod.rs"]
mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shimin_core::verifier::Outcome;
use shimin_core::{base45, zlib};

static WORLD: OnceLock<common::World> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let world = WORLD.get_or_init(common::World::new);
    if let Ok(text) = std::str::from_utf8(data) {
        assert_ne!(world.verify(text, common::NOW).outcome, Outcome::Valid);
    }
    let wrapped = format!("SM1:{}", base45::encode(&zlib::deflate(data)));
    assert_ne!(world.verify(&wrapped, common::NOW).outcome, Outcome::Valid);
});
