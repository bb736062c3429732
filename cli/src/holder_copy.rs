//! The holder's copy of an issued certificate as a file: the layout of
//! [`shimin_core::cert::holder_copy`], the same the wallet store seals.

use shimin_core::cert::IssuedCertificate;

/// The file is not a holder's copy; which part is wrong is not said (it may be personal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadHolderCopy;

/// The file's bytes.
pub fn encode(issued: &IssuedCertificate) -> Option<Vec<u8>> {
    issued.to_holder_copy()
}

/// Reads a file written by [`encode`].
pub fn decode(bytes: &[u8]) -> Result<IssuedCertificate, BadHolderCopy> {
    IssuedCertificate::from_holder_copy(bytes).map_err(|_| BadHolderCopy)
}
