//! The store's errors. None of them carries personal data: no names, ID numbers, attribute
//! values or key material, only which table or step went wrong.

use shimin_core::crypto::CryptoError;

/// Why the key material could not be wrapped or unwrapped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The PIN is wrong (or the wrapped key was damaged): the AES-GCM tag did not verify.
    #[error("the PIN is wrong or the wrapped key is damaged")]
    WrongPin,
    /// The stored key was wrapped by another scheme than the wrapper offered to open it.
    #[error("the data key is wrapped by another scheme")]
    WrongScheme,
    /// The iteration count is below the accepted minimum (or zero).
    #[error("{found} PBKDF2 iterations is below the minimum of {minimum}")]
    TooFewIterations {
        /// The iteration count asked for or found.
        found: u32,
        /// The smallest count this wrapper accepts.
        minimum: u32,
    },
    /// The PIN is empty.
    #[error("the PIN is empty")]
    EmptyPin,
    /// Randomness or encryption failed.
    #[error("cryptographic failure: {0}")]
    Crypto(#[from] CryptoError),
    /// The data key is bound to a secret in the platform key store, and the key store did not
    /// answer (locked, gone, or not on this machine).
    #[error("the platform key store did not answer")]
    KeyStoreUnavailable,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Unlocking or re-wrapping the data key failed.
    #[error("key error: {0}")]
    Key(#[from] KeyError),
    /// Encryption, decryption of key material or randomness failed.
    #[error("cryptographic failure: {0}")]
    Crypto(#[from] CryptoError),
    /// The database was written by a newer version of the app.
    #[error("the database has schema version {found}, this build supports up to {supported}")]
    SchemaTooNew {
        /// The version found (or asked for).
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
    /// The database holds no wallet yet: create one first.
    #[error("the database holds no wallet")]
    NotInitialised,
    /// The database already holds a wallet.
    #[error("the database already holds a wallet")]
    AlreadyInitialised,
    /// A row holds a value that does not parse.
    #[error("corrupt value in {table}.{column}")]
    CorruptRow {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
    },
    /// An encrypted value does not open under the data key: it was tampered with or damaged.
    #[error("an encrypted value in {table} could not be decrypted")]
    Undecryptable {
        /// The table.
        table: &'static str,
    },
    /// No certificate has this identifier.
    #[error("no such certificate")]
    NotFound,
    /// A newer version of this certificate is already stored.
    #[error("a newer version ({current}) of this certificate is already stored")]
    NotNewer {
        /// The version that is current in the wallet.
        current: u16,
    },
    /// The verification returned fewer disclosures than the certificate carries, so part of
    /// what would be stored was not checked.
    #[error("not every attribute of the certificate was verified")]
    IncompleteVerification,
    /// The certificate is bound to another device key than this wallet's.
    #[error("the certificate is bound to another device")]
    WrongDevice,
    /// The certificate names no holder (no `id_number` or `credit_code` attribute).
    #[error("the certificate names no holder")]
    NoHolder,
    /// The certificate type code is not one this build knows.
    #[error("unknown certificate type")]
    UnknownType,
    /// A value could not be encoded for storage or export.
    #[error("could not encode {0}")]
    Encode(&'static str),
    /// A list older than the cached one (a lower trust-list sequence, an earlier status list) was
    /// offered; the cached one is kept.
    #[error("the {0} offered is older than the cached one")]
    OlderList(&'static str),
    /// A cached list did not verify again when read back.
    #[error("the cached {0} does not verify")]
    CachedList(&'static str),
    /// Writing an export failed.
    #[error("could not write the export: {0}")]
    Io(#[from] std::io::Error),
}

/// Why an import was refused: the caller's verification said no, or the store could not keep
/// the certificate. Either way nothing stored was changed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError<E> {
    /// The caller's verification (signature, trust, validity) refused the certificate.
    #[error("the certificate did not verify: {0}")]
    Refused(E),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
