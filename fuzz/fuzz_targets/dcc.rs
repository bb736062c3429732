//! The EU DCC decoding stack on arbitrary input: as "HC1:" text, and as the COSE bytes inside.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shimin_core::{base45, dcc, zlib};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = dcc::verify_hc1(&text, data, 1_700_000_000);
    let wrapped = format!("HC1:{}", base45::encode(&zlib::deflate(data)));
    let _ = dcc::verify_hc1(&wrapped, &[], 1_700_000_000);
    let _ = dcc::decode(data);
});
