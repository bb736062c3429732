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

/// The scheme name stored with a data key wrapped under the PIN *and* a secret kept in the
/// platform key store.
pub const KEY_STORE_SCHEME: &str = "pin+keystore-pbkdf2-sha256-v1";
/// Length of the secret a wallet keeps in the platform key store, in bytes.
pub const KEY_STORE_SECRET_LEN: usize = 32;

/// Why the platform key store did not do what was asked. Says nothing of the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("platform key store: {0}")]
pub struct KeyStoreError(pub String);

/// The platform's key store: a place for small secrets that a copy of the app's files does not
/// carry. On desktop, the Secret Service (Linux), the Keychain (macOS) or the Windows Credential
/// Manager (the app's `keyring`-backed implementation); on mobile, Android Keystore or the iOS
/// Secure Enclave/Keychain behind the same three calls. The wallet keeps one random secret
/// there, under an alias derived from the wrap's salt.
pub trait PlatformKeyStore: Send + Sync {
    /// Stores `secret` under `alias`, replacing any.
    ///
    /// # Errors
    /// [`KeyStoreError`] when the key store is absent, locked or refuses.
    fn put(&self, alias: &str, secret: &[u8]) -> Result<(), KeyStoreError>;

    /// The secret under `alias`.
    ///
    /// # Errors
    /// [`KeyStoreError`] when it is not there or the key store does not answer.
    fn get(&self, alias: &str) -> Result<Vec<u8>, KeyStoreError>;

    /// Forgets the secret under `alias` (erasing the wallet).
    ///
    /// # Errors
    /// [`KeyStoreError`] when the key store does not answer.
    fn delete(&self, alias: &str) -> Result<(), KeyStoreError>;
}

/// The key-store alias of a wrap with `salt`.
pub fn key_store_alias(salt: &[u8]) -> String {
    let hex: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    format!("shimin-wallet-{hex}")
}

/// Wraps the data key under the PIN and a random secret kept in the platform key store, so a
/// copy of `wallet.db` alone cannot be guessed offline: every guess needs the key store's
/// secret too. When there is no key store, or it fails when the key is wrapped, the data key is
/// wrapped under the PIN alone ([`PinWrapper`], the fallback); a key wrapped either way is
/// opened by the scheme stored with it.
pub struct KeyStoreWrapper<'a> {
    pin: PinWrapper,
    store: Option<&'a dyn PlatformKeyStore>,
}

impl fmt::Debug for KeyStoreWrapper<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyStoreWrapper").field("key_store", &self.store.is_some()).finish_non_exhaustive()
    }
}

impl<'a> KeyStoreWrapper<'a> {
    /// The PIN wrapper `pin`, with the key store `store` where the platform has one.
    pub fn new(pin: PinWrapper, store: Option<&'a dyn PlatformKeyStore>) -> Self {
        Self { pin, store }
    }

    fn kek(&self, secret: &[u8], salt: &[u8], iterations: NonZeroU32) -> AeadKey {
        let mut joined = self.pin.pin.expose().clone();
        joined.extend_from_slice(secret);
        let mut password = Sensitive::new(joined);
        let kek = AeadKey::derive_from_password(password.expose(), salt, iterations);
        password.wipe();
        kek
    }

    /// The key store, where there is one.
    pub(crate) fn key_store(&self) -> Option<&'a dyn PlatformKeyStore> {
        self.store
    }

    /// Wraps `data_key` under the PIN and a new key-store secret, with no fallback to the PIN
    /// alone: for moving a PIN-only wallet in, where the PIN-only wrap is kept when this fails.
    ///
    /// # Errors
    /// [`KeyError::KeyStoreUnavailable`] when there is no key store or it fails.
    pub(crate) fn wrap_in_key_store(&self, data_key: &DataKey) -> Result<WrappedKey, KeyError> {
        self.wrap_in_store(self.store.ok_or(KeyError::KeyStoreUnavailable)?, data_key)
    }

    fn wrap_in_store(
        &self,
        store: &dyn PlatformKeyStore,
        data_key: &DataKey,
    ) -> Result<WrappedKey, KeyError> {
        let salt = crypto::random_bytes::<PIN_SALT_LEN>()?.to_vec();
        let secret = crypto::random_bytes::<KEY_STORE_SECRET_LEN>()?;
        let alias = key_store_alias(&salt);
        store.put(&alias, &secret).map_err(|_| KeyError::KeyStoreUnavailable)?;
        // Read back before it is relied on: a key store that takes secrets but does not give
        // them back would lock the wallet. What it did take is deleted again.
        if store.get(&alias).ok().as_deref() != Some(secret.as_slice()) {
            let _ = store.delete(&alias);
            return Err(KeyError::KeyStoreUnavailable);
        }
        let kek = self.kek(&secret, &salt, self.pin.iterations);
        let aad = PinWrapper::associated_data(KEY_STORE_SCHEME, self.pin.iterations.get(), &salt);
        let sealed = kek.seal(data_key.expose_bytes(), &aad)?;
        Ok(WrappedKey {
            scheme: KEY_STORE_SCHEME.to_owned(),
            salt,
            iterations: self.pin.iterations.get(),
            sealed,
        })
    }
}

impl KeyWrapper for KeyStoreWrapper<'_> {
    fn wrap(&self, data_key: &DataKey) -> Result<WrappedKey, KeyError> {
        match self.store.map(|store| self.wrap_in_store(store, data_key)) {
            Some(Ok(wrapped)) => Ok(wrapped),
            // No key store, or it failed: the PIN alone, rather than no wallet.
            None | Some(Err(_)) => self.pin.wrap(data_key),
        }
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Result<DataKey, KeyError> {
        if wrapped.scheme != KEY_STORE_SCHEME {
            return self.pin.unwrap(wrapped);
        }
        let too_few =
            KeyError::TooFewIterations { found: wrapped.iterations, minimum: self.pin.min_iterations };
        if wrapped.iterations < self.pin.min_iterations {
            return Err(too_few);
        }
        let iterations = NonZeroU32::new(wrapped.iterations).ok_or(too_few)?;
        let store = self.store.ok_or(KeyError::KeyStoreUnavailable)?;
        let secret = store.get(&key_store_alias(&wrapped.salt)).map_err(|_| KeyError::KeyStoreUnavailable)?;
        let kek = self.kek(&secret, &wrapped.salt, iterations);
        let aad = PinWrapper::associated_data(&wrapped.scheme, wrapped.iterations, &wrapped.salt);
        let raw = kek.open(&wrapped.sealed, &aad).map_err(|_| KeyError::WrongPin)?;
        DataKey::from_bytes(raw.expose())
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
pub(crate) mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;

    /// A key store that always fails, as on a desktop with no Secret Service running.
    pub(crate) struct Broken;

    impl PlatformKeyStore for Broken {
        fn put(&self, _: &str, _: &[u8]) -> Result<(), KeyStoreError> {
            Err(KeyStoreError("no Secret Service".into()))
        }
        fn get(&self, _: &str) -> Result<Vec<u8>, KeyStoreError> {
            Err(KeyStoreError("no Secret Service".into()))
        }
        fn delete(&self, _: &str) -> Result<(), KeyStoreError> {
            Err(KeyStoreError("no Secret Service".into()))
        }
    }

    /// A key store in memory.
    #[derive(Default)]
    pub(crate) struct Memory(Mutex<HashMap<String, Vec<u8>>>);

    impl Memory {
        /// The aliases it holds a secret under.
        pub(crate) fn aliases(&self) -> Vec<String> {
            self.0.lock().expect("lock").keys().cloned().collect()
        }
    }

    impl PlatformKeyStore for Memory {
        fn put(&self, alias: &str, secret: &[u8]) -> Result<(), KeyStoreError> {
            self.0.lock().expect("lock").insert(alias.to_owned(), secret.to_vec());
            Ok(())
        }
        fn get(&self, alias: &str) -> Result<Vec<u8>, KeyStoreError> {
            self.0.lock().expect("lock").get(alias).cloned().ok_or(KeyStoreError("no such secret".into()))
        }
        fn delete(&self, alias: &str) -> Result<(), KeyStoreError> {
            self.0.lock().expect("lock").remove(alias);
            Ok(())
        }
    }

    #[test]
    fn a_failing_key_store_falls_back_to_the_pin_wrapped_key() {
        let key = DataKey::generate().expect("key");
        let wrapper = KeyStoreWrapper::new(fast("123456"), Some(&Broken));
        let wrapped = wrapper.wrap(&key).expect("wrapped all the same");
        assert_eq!(wrapped.scheme, PIN_SCHEME, "the PIN alone, when the key store fails");
        let back = KeyStoreWrapper::new(fast("123456"), Some(&Broken)).unwrap(&wrapped).expect("opens");
        assert_eq!(back.expose_bytes(), key.expose_bytes());
        assert_eq!(
            fast("123456").unwrap(&wrapped).expect("a plain PIN wrapper opens it").expose_bytes(),
            key.expose_bytes()
        );
        let none = KeyStoreWrapper::new(fast("123456"), None).wrap(&key).expect("no key store");
        assert_eq!(none.scheme, PIN_SCHEME);
    }

    /// Issue 15, finding 4: with a key store, a copy of the database and the right PIN are not
    /// enough — the offline guesser lacks the key store's secret.
    #[test]
    fn a_key_in_the_key_store_needs_the_key_store_and_the_pin() {
        let key = DataKey::generate().expect("key");
        let store = Memory::default();
        let wrapped = KeyStoreWrapper::new(fast("123456"), Some(&store)).wrap(&key).expect("wrap");
        assert_eq!(wrapped.scheme, KEY_STORE_SCHEME);
        let back = KeyStoreWrapper::new(fast("123456"), Some(&store)).unwrap(&wrapped).expect("opens");
        assert_eq!(back.expose_bytes(), key.expose_bytes());
        assert_eq!(
            KeyStoreWrapper::new(fast("654321"), Some(&store)).unwrap(&wrapped).err(),
            Some(KeyError::WrongPin)
        );
        // The right PIN on another machine (the file copied), or with the key store gone.
        assert_eq!(fast("123456").unwrap(&wrapped).err(), Some(KeyError::WrongScheme));
        assert_eq!(
            KeyStoreWrapper::new(fast("123456"), None).unwrap(&wrapped).err(),
            Some(KeyError::KeyStoreUnavailable)
        );
        assert_eq!(
            KeyStoreWrapper::new(fast("123456"), Some(&Broken)).unwrap(&wrapped).err(),
            Some(KeyError::KeyStoreUnavailable)
        );
        assert_eq!(
            KeyStoreWrapper::new(fast("123456"), Some(&Memory::default())).unwrap(&wrapped).err(),
            Some(KeyError::KeyStoreUnavailable),
            "another machine's key store does not hold the secret"
        );
    }

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
