//! The plaintext of a stored certificate before it is sealed: the holder's copy of
//! [`shimin_core::cert::holder_copy`] (`[1, signed, [[name, value, salt], ...]]`).

use shimin_core::cert::IssuedCertificate;

/// The blob could not be read back; which part is not said (it may be personal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadBlob;

pub(crate) fn encode(issued: &IssuedCertificate) -> Option<Vec<u8>> {
    issued.to_holder_copy()
}

pub(crate) fn decode(bytes: &[u8]) -> Result<IssuedCertificate, BadBlob> {
    IssuedCertificate::from_holder_copy(bytes).map_err(|_| BadBlob)
}
