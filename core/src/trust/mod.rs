//! Trust: which issuer keys may sign which certificates, and whether a certificate is still good.
//!
//! - [`TrustList`]: the national root key signs a list of issuer keys ([`IssuerEntry`]): the
//!   department, the key's signing window, its retirement and the certificate types it may sign.
//!   [`VerifiedTrustList::issuer_for`] answers "may this key have signed this certificate?".
//! - Status lists (revoked / suspended) live in [`crate::status_list`].
//! - [`CachedCopy`] keeps either list for offline use and says how old it is ([`Freshness`]).
//!
//! Everything here is pure: bytes in, verdicts out, `now` always a parameter.

mod cache;
pub(crate) mod cbor;
mod list;

pub use cache::{CacheError, CacheableList, CachedCopy, Freshness, ListLifetime};
pub use list::{
    Department, IssuerEntry, IssuerRejection, KeyValidity, TRUST_LIST_FORMAT_VERSION, TrustError, TrustList,
    TrustListInfo, VerifiedTrustList,
};
