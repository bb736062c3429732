//! Government e-certificates (电子证照): identifiers, the certificate model, issuance with
//! selective disclosure and verification.
//!
//! - [`identifier`]: the GB/T 36904-style identifier `1.2.156.3005.2.…` with its ISO 7064
//!   MOD 37,36 check character, and [`credit_code`]: the GB 32100 unified social credit code.
//! - [`types`] and [`kinds`]: the eight certificate types, each with its own typed fields, and
//!   the common metadata of GB/T 36903; [`attributes`]: the ordered, typed attributes a
//!   certificate becomes; [`codes`]: the small integer each attribute name travels as;
//!   [`code_names`]: the names, in three languages, of the values that are codes (民族 `01`).
//! - [`issue`]: the issuer signs a COSE_Sign1 CWT holding a salted (truncated) SHA-256 digest of every
//!   attribute (never the attributes), the holder's device key and a status-list reference;
//!   the layout is in [`payload`].
//! - [`verify`]: the signature, validity at an explicit `now`, and every disclosed attribute
//!   against its digest, with a typed reason for each failure.
//!
//! Nothing here reads a clock or does I/O, and nothing panics on untrusted bytes.

pub mod attributes;
pub mod code_names;
pub mod codes;
pub mod credit_code;
pub mod holder_copy;
pub mod identifier;
pub mod issue;
pub mod kinds;
pub mod payload;
pub mod types;
pub mod verify;

pub use attributes::{AttributeValue, Attributes, Disclosure};
pub use credit_code::{CreditCode, CreditCodeError};
pub use holder_copy::HolderCopyError;
pub use identifier::{CertificateId, CertificateIdError, Serial, TypeCode};
pub use issue::{CertificateIssuer, IssueError, IssuedCertificate};
pub use kinds::{Certificate, CertificateBody, Person};
pub use payload::{CertificatePayload, StatusReference};
pub use types::{CertificateStatus, CertificateType, DivisionCode, HolderId, Metadata, Validity};
pub use verify::{CertificateVerifyError, IssuerKeyInfo, VerifiedCertificate, verify_certificate};
