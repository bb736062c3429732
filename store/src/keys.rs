//! Key material: the wallet's random data key, and the wrappers that protect it at rest.
//!
//! The data key (256 random bits) encrypts every certificate and the device's private key. It is
//! itself stored only wrapped: by default under a key derived from the user's PIN with
//! PBKDF2-HMAC-SHA256 ([`PinWrapper`]), later perhaps by Android Keystore or the Secure Enclave
//! behind the same [`KeyWrapper`] trait. Changing the PIN re-wraps the data key and nothing else.

use std::fmt;
use std::num::NonZeroU32;

use shimin_core::crypto::{self, AeadKey};
use shimin_core::sensitive::Sensitive;

use crate::error::KeyError;

/// PBKDF2 iterations a new PIN-wrapped wallet uses (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).
pub const DEFAULT_PIN_ITERATIONS: u32 = 600_000;
/// The fewest PBKDF2 iterations a real wallet accepts, when wrapping and when unlocking.
pub const MIN_PIN_ITERATIONS: u32 = 600_000;
/// The scheme name stored with a PIN-wrapped data key.
pub const PIN_SCHEME: &str = "pin-pbkdf2-sha256-v1";
/// Length of the random PBKDF2 salt, in bytes.
pub const PIN_SALT_LEN: usize = 16;

const DATA_KEY_LABEL: &[u8] = b"shimin/store/v1/data-key";
const HOLDER_INDEX_LABEL: &[u8] = b"shimin/store/v1/holder-index";

/// The wallet's data key. `Debug` is redacted.
#[derive(Clone)]
pub struct DataKey(AeadKey);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey([redacted])")
    }
}

impl DataKey {
    /// A new random data key.
    ///
    /// # Errors
    /// [`KeyError::Crypto`] when no randomness is available.
    pub fn generate() -> Result<Self, KeyError> {
        Ok(Self(AeadKey::generate()?))
    }

    /// A data key from the 32 bytes a platform key store unwrapped.
    ///
    /// # Errors
    /// [`KeyError::Crypto`] unless `bytes` is 32 bytes long.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        Ok(Self(AeadKey::from_bytes(bytes)?))
    }

    /// The raw key, for a platform key store to wrap. Secret: never log it.
    pub fn expose_bytes(&self) -> &[u8; 32] {
        self.0.expose_bytes()
    }

    pub(crate) fn aead(&self) -> &AeadKey {
        &self.0
    }

    /// The secret that keys the holder index, derived from (and only as secret as) the data key.
    pub(crate) fn holder_index_secret(&self) -> HolderIndexSecret {
        let mut input = HOLDER_INDEX_LABEL.to_vec();
        input.extend_from_slice(self.expose_bytes());
        HolderIndexSecret(Sensitive::new(crypto::sha256(&input)))
    }
}

/// Keys the holder index: `SHA-256(secret || code type || ":" || holder number)`. The secret is a
/// fixed-length prefix, and the index is only compared for equality, so the length-extension
/// property of plain SHA-256 does not matter here. `Debug` is redacted.
#[derive(Clone)]
pub(crate) struct HolderIndexSecret(Sensitive<[u8; 32]>);

impl fmt::Debug for HolderIndexSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HolderIndexSecret([redacted])")
    }
}

impl HolderIndexSecret {
    /// The index key of the holder with `code_type` (`111` person, `001` organisation) and `number`.
    pub(crate) fn index(&self, code_type: &str, number: &str) -> [u8; 32] {
        let mut input = self.0.expose().to_vec();
        input.extend_from_slice(code_type.as_bytes());
        input.push(b':');
        input.extend_from_slice(number.as_bytes());
        crypto::sha256(&input)
    }
}

/// A data key as stored: which scheme wrapped it, that scheme's parameters and the sealed key
/// (`nonce || ciphertext || tag`). Nothing in it is secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    /// The wrapping scheme, e.g. [`PIN_SCHEME`].
    pub scheme: String,
    /// The PBKDF2 salt (a platform scheme may leave it empty or store a key alias).
    pub salt: Vec<u8>,
    /// The PBKDF2 iteration count (0 for schemes that do not derive from a PIN).
    pub iterations: u32,
    /// The sealed data key.
    pub sealed: Vec<u8>,
}

/// Protects the data key at rest. The PIN wrapper is the default; a platform key store
/// (Android Keystore, Secure Enclave) implements the same trait.
pub trait KeyWrapper {
    /// Wraps `data_key` for storage.
    ///
    /// # Errors
    /// [`KeyError`] when the wrapper cannot wrap (no randomness, a key store failure).
    fn wrap(&self, data_key: &DataKey) -> Result<WrappedKey, KeyError>;

    /// Unwraps a stored data key.
    ///
    /// # Errors
    /// [`KeyError::WrongPin`] when the secret does not open the key, and other [`KeyError`]s for
    /// another scheme or weak parameters.
    fn unwrap(&self, wrapped: &WrappedKey) -> Result<DataKey, KeyError>;
}

/// Wraps the data key under `PBKDF2-HMAC-SHA256(PIN, salt, iterations)` with AES-256-GCM. The
/// scheme, salt and iteration count are bound as associated data, so changing any of them in
/// the database makes unwrapping fail. `Debug` is redacted.
#[derive(Clone)]
pub struct PinWrapper {
    pin: Sensitive<Vec<u8>>,
    iterations: NonZeroU32,
    min_iterations: u32,
}

impl Drop for PinWrapper {
    /// The PIN is zeroed when the wrapper is dropped.
    fn drop(&mut self) {
        self.pin.wipe();
    }
}

impl fmt::Debug for PinWrapper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinWrapper")
            .field("pin", &"[redacted]")
            .field("iterations", &self.iterations)
            .finish()
    }
}

impl PinWrapper {
    /// A wrapper for `pin` with [`DEFAULT_PIN_ITERATIONS`].
    ///
    /// # Errors
    /// [`KeyError::EmptyPin`] for an empty PIN.
    pub fn new(pin: &str) -> Result<Self, KeyError> {
        Self::with_iterations(pin, DEFAULT_PIN_ITERATIONS)
    }

    /// A wrapper for `pin` with more than the default iterations.
    ///
    /// # Errors
    /// [`KeyError::TooFewIterations`] below [`MIN_PIN_ITERATIONS`], [`KeyError::EmptyPin`].
    pub fn with_iterations(pin: &str, iterations: u32) -> Result<Self, KeyError> {
        if iterations < MIN_PIN_ITERATIONS {
            return Err(KeyError::TooFewIterations { found: iterations, minimum: MIN_PIN_ITERATIONS });
        }
        Self::build(pin, iterations, MIN_PIN_ITERATIONS)
    }

    /// **Tests only**: a wrapper that wraps with `iterations` and also unlocks wallets wrapped
    /// with as few, so tests need not pay 600,000 iterations each time. Never use it for a real
    /// wallet: it weakens the PIN's protection by the same factor.
    ///
    /// # Errors
    /// [`KeyError::TooFewIterations`] for zero, [`KeyError::EmptyPin`].
    pub fn insecure_low_iterations_for_tests(pin: &str, iterations: u32) -> Result<Self, KeyError> {
        Self::build(pin, iterations, 1)
    }

    fn build(pin: &str, iterations: u32, min_iterations: u32) -> Result<Self, KeyError> {
        if pin.is_empty() {
            return Err(KeyError::EmptyPin);
        }
        let iterations = NonZeroU32::new(iterations)
            .ok_or(KeyError::TooFewIterations { found: 0, minimum: min_iterations })?;
        Ok(Self { pin: Sensitive::new(pin.as_bytes().to_vec()), iterations, min_iterations })
    }

    /// The iteration count new wraps use.
    pub fn iterations(&self) -> u32 {
        self.iterations.get()
    }

    fn associated_data(scheme: &str, iterations: u32, salt: &[u8]) -> Vec<u8> {
        let mut aad = DATA_KEY_LABEL.to_vec();
        aad.push(0);
        aad.extend_from_slice(scheme.as_bytes());
        aad.push(0);
        aad.extend_from_slice(&iterations.to_be_bytes());
        aad.extend_from_slice(salt);
        aad
    }
}

impl KeyWrapper for PinWrapper {
    fn wrap(&self, data_key: &DataKey) -> Result<WrappedKey, KeyError> {
        let salt = crypto::random_bytes::<PIN_SALT_LEN>()?.to_vec();
        let kek = AeadKey::derive_from_password(self.pin.expose(), &salt, self.iterations);
        let aad = Self::associated_data(PIN_SCHEME, self.iterations.get(), &salt);
        let sealed = kek.seal(data_key.expose_bytes(), &aad)?;
        Ok(WrappedKey { scheme: PIN_SCHEME.to_owned(), salt, iterations: self.iterations.get(), sealed })
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Result<DataKey, KeyError> {
        if wrapped.scheme != PIN_SCHEME {
            return Err(KeyError::WrongScheme);
        }
        let too_few = KeyError::TooFewIterations { found: wrapped.iterations, minimum: self.min_iterations };
        if wrapped.iterations < self.min_iterations {
            return Err(too_few);
        }
        let iterations = NonZeroU32::new(wrapped.iterations).ok_or(too_few)?;
        let kek = AeadKey::derive_from_password(self.pin.expose(), &wrapped.salt, iterations);
        let aad = Self::associated_data(&wrapped.scheme, wrapped.iterations, &wrapped.salt);
        let raw = kek.open(&wrapped.sealed, &aad).map_err(|_| KeyError::WrongPin)?;
        DataKey::from_bytes(raw.expose())
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn fast(pin: &str) -> PinWrapper {
        PinWrapper::insecure_low_iterations_for_tests(pin, 2).expect("wrapper")
    }

    #[test]
    fn wrap_then_unwrap_gives_the_same_key_and_a_wrong_pin_fails() {
        let key = DataKey::generate().expect("key");
        let wrapped = fast("123456").wrap(&key).expect("wrap");
        assert_eq!(wrapped.iterations, 2);
        assert_eq!(wrapped.salt.len(), PIN_SALT_LEN);
        let back = fast("123456").unwrap(&wrapped).expect("unwrap");
        assert_eq!(back.expose_bytes(), key.expose_bytes());
        assert_eq!(fast("654321").unwrap(&wrapped).err(), Some(KeyError::WrongPin));
    }

    #[test]
    fn changing_the_stored_parameters_breaks_the_tag() {
        let key = DataKey::generate().expect("key");
        let wrapped = fast("1234").wrap(&key).expect("wrap");
        let more = WrappedKey { iterations: 3, ..wrapped.clone() };
        assert_eq!(fast("1234").unwrap(&more).err(), Some(KeyError::WrongPin));
        let mut salt = wrapped.clone();
        salt.salt[0] ^= 1;
        assert_eq!(fast("1234").unwrap(&salt).err(), Some(KeyError::WrongPin));
        let other = WrappedKey { scheme: "keystore".into(), ..wrapped };
        assert_eq!(fast("1234").unwrap(&other).err(), Some(KeyError::WrongScheme));
    }

    #[test]
    fn real_wrappers_refuse_weak_parameters() {
        assert!(matches!(
            PinWrapper::with_iterations("1234", MIN_PIN_ITERATIONS - 1),
            Err(KeyError::TooFewIterations { .. })
        ));
        assert_eq!(PinWrapper::new("").err(), Some(KeyError::EmptyPin));
        assert_eq!(PinWrapper::new("1234").expect("default").iterations(), DEFAULT_PIN_ITERATIONS);
        // A real wrapper will not unlock a wallet wrapped with few iterations, even with the PIN.
        let key = DataKey::generate().expect("key");
        let weak = fast("1234").wrap(&key).expect("wrap");
        assert!(matches!(
            PinWrapper::new("1234").expect("real").unwrap(&weak),
            Err(KeyError::TooFewIterations { found: 2, .. })
        ));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let key = DataKey::from_bytes(&[0x5a; 32]).expect("key");
        let wrapper = fast("987654");
        let printed = format!("{key:?} {wrapper:?} {:?}", key.holder_index_secret());
        assert!(!printed.contains("987654") && !printed.contains("90"), "{printed}");
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn the_holder_index_depends_on_the_key_and_the_holder() {
        let a = DataKey::generate().expect("key").holder_index_secret();
        let b = DataKey::generate().expect("key").holder_index_secret();
        assert_eq!(a.index("111", "X"), a.index("111", "X"));
        assert_ne!(a.index("111", "X"), b.index("111", "X"));
        assert_ne!(a.index("111", "X"), a.index("111", "Y"));
        assert_ne!(a.index("111", "X"), a.index("001", "X"));
    }
}
