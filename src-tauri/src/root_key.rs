//! Reading the national root public key from a configuration file: an uncompressed P-256 point
//! (SEC1, 65 bytes starting 0x04), given raw or as hex text. Shared by `build.rs`, which pins the
//! key into a build, and by a development build that takes it at start instead.

/// The environment variable naming the root key file: read by `build.rs` when building (a
/// release build must have it), and by a development build at start when none was built in.
pub const ROOT_KEY_FILE_ENV: &str = "SHIMIN_ROOT_KEY_FILE";

/// The key's SEC1 bytes, or `None` when `bytes` are neither the raw point nor its hex text.
pub fn sec1(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() == 65 && bytes[0] == 4 {
        return Some(bytes.to_vec());
    }
    let text = std::str::from_utf8(bytes).ok()?.trim();
    let decoded = (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()?;
    (decoded.len() == 65 && decoded[0] == 4).then_some(decoded)
}
