//! The platform key store the wallet's data key is bound to (issue 15, finding 4): on desktop
//! the Secret Service (Linux), the Keychain (macOS) or the Credential Manager (Windows), through
//! the `keyring` crate. A wallet created while the key store answers needs its secret and the
//! PIN to open, so a copy of `wallet.db` cannot be guessed offline; when it does not answer (no
//! Secret Service daemon, a locked keychain) the data key is wrapped under the PIN alone
//! (`shimin_store::KeyStoreWrapper` falls back). Android Keystore and the iOS Secure Enclave
//! would implement the same `PlatformKeyStore` in the mobile shells; there is none here yet.

use shimin_store::{KeyStoreError, PlatformKeyStore};

/// The service name the wallet's secrets are filed under.
const SERVICE: &str = "shimin-wallet";

/// The desktop key store over `keyring`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DesktopKeyStore;

#[cfg(not(any(target_os = "android", target_os = "ios")))]
impl DesktopKeyStore {
    fn entry(alias: &str) -> Result<keyring::Entry, KeyStoreError> {
        keyring::Entry::new(SERVICE, alias).map_err(failed)
    }
}

/// A `keyring` error as the store's: its kind only (it never carries the secret).
#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn failed(e: keyring::Error) -> KeyStoreError {
    KeyStoreError(e.to_string())
}

#[cfg(not(any(target_os = "android", target_os = "ios")))]
impl PlatformKeyStore for DesktopKeyStore {
    fn put(&self, alias: &str, secret: &[u8]) -> Result<(), KeyStoreError> {
        Self::entry(alias)?.set_secret(secret).map_err(failed)
    }

    fn get(&self, alias: &str) -> Result<Vec<u8>, KeyStoreError> {
        Self::entry(alias)?.get_secret().map_err(failed)
    }

    fn delete(&self, alias: &str) -> Result<(), KeyStoreError> {
        Self::entry(alias)?.delete_credential().map_err(failed)
    }
}

/// The platform's key store, if this build has one.
pub fn platform() -> Option<&'static dyn PlatformKeyStore> {
    #[cfg(not(any(target_os = "android", target_os = "ios")))]
    {
        static STORE: DesktopKeyStore = DesktopKeyStore;
        Some(&STORE)
    }
    #[cfg(any(target_os = "android", target_os = "ios"))]
    {
        None
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use shimin_store::keys::{KEY_STORE_SCHEME, PIN_SCHEME};

    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use shimin_core::wallet::pin;

    use super::*;
    use crate::wallet::{AppError, DATABASE_FILE, WalletState};

    /// A key store in memory: the tests' stand-in for the platform's. With `forgets` false it
    /// refuses to delete, as a key store that stopped answering after the wallet was opened.
    struct Memory {
        secrets: Mutex<HashMap<String, Vec<u8>>>,
        forgets: bool,
    }

    impl Memory {
        /// A new one, leaked: the wallet holds its key store for the life of the app.
        fn leaked(forgets: bool) -> &'static Self {
            Box::leak(Box::new(Self { secrets: Mutex::new(HashMap::new()), forgets }))
        }

        fn aliases(&self) -> Vec<String> {
            self.secrets.lock().expect("lock").keys().cloned().collect()
        }
    }

    impl PlatformKeyStore for Memory {
        fn put(&self, alias: &str, secret: &[u8]) -> Result<(), KeyStoreError> {
            self.secrets.lock().expect("lock").insert(alias.to_owned(), secret.to_vec());
            Ok(())
        }
        fn get(&self, alias: &str) -> Result<Vec<u8>, KeyStoreError> {
            self.secrets
                .lock()
                .expect("lock")
                .get(alias)
                .cloned()
                .ok_or(KeyStoreError("no such secret".into()))
        }
        fn delete(&self, alias: &str) -> Result<(), KeyStoreError> {
            if !self.forgets {
                return Err(KeyStoreError("locked".into()));
            }
            self.secrets.lock().expect("lock").remove(alias);
            Ok(())
        }
    }

    /// A key store that never answers, as a desktop with no Secret Service daemon.
    struct Silent;

    impl PlatformKeyStore for Silent {
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

    /// The stored wrap's scheme and the key-store alias its salt names.
    fn stored_wrap(dir: &std::path::Path) -> (String, String) {
        let conn = rusqlite::Connection::open(dir.join(DATABASE_FILE)).expect("open");
        let (scheme, salt): (String, Vec<u8>) = conn
            .query_row("SELECT scheme, salt FROM key_material", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("key material");
        (scheme, shimin_store::keys::key_store_alias(&salt))
    }

    /// Issue 15, finding 4, the wallet made while no key store answered: it stays openable by
    /// the PIN while the key store keeps failing, and moves into the key store at the first
    /// unlock where one answers — after which a copy of the file and the PIN no longer open it.
    #[test]
    fn a_wallet_wrapped_under_the_pin_alone_moves_into_the_key_store_at_the_next_unlock() {
        let dir = tempfile::tempdir().expect("dir");
        let silent = WalletState::in_dir(dir.path().to_path_buf(), None).with_key_store(Some(&Silent));
        silent.create("246810").expect("created under the PIN alone");
        assert_eq!(stored_wrap(dir.path()).0, PIN_SCHEME);
        silent.lock().expect("lock");
        silent.unlock("246810").expect("a key store that does not answer does not block the unlock");
        assert_eq!(stored_wrap(dir.path()).0, PIN_SCHEME, "nothing moved, nothing lost");
        silent.lock().expect("lock");

        let memory = Memory::leaked(true);
        let state = WalletState::in_dir(dir.path().to_path_buf(), None).with_key_store(Some(memory));
        state.unlock("246810").expect("unlock");
        let (scheme, alias) = stored_wrap(dir.path());
        assert_eq!(scheme, KEY_STORE_SCHEME, "moved into the key store at the unlock");
        assert_eq!(memory.aliases(), vec![alias], "one secret, the one the stored wrap names");
        state.lock().expect("lock");
        assert!(matches!(state.unlock("135790"), Err(AppError::WrongPin { .. })));
        state.unlock("246810").expect("the PIN opens it, with the key store");
        state.lock().expect("lock");
        let copy = WalletState::in_dir(dir.path().to_path_buf(), None).with_key_store(None);
        assert!(copy.unlock("246810").is_err(), "without the key store the PIN alone no longer opens it");
    }

    /// Issue 15, finding 4: the user's erase forgets the wallet's key-store secret, and a key
    /// store that will not forget does not block the erase.
    #[tokio::test]
    async fn erasing_the_wallet_forgets_its_key_store_secret() {
        for forgets in [true, false] {
            let dir = tempfile::tempdir().expect("dir");
            let memory = Memory::leaked(forgets);
            let state = WalletState::in_dir(dir.path().to_path_buf(), None).with_key_store(Some(memory));
            state.create("246810").expect("create");
            assert_eq!(stored_wrap(dir.path()).0, KEY_STORE_SCHEME);
            assert_eq!(memory.aliases().len(), 1);
            state.remove_device().await.expect("an unenrolled wallet is erased without the backend");
            assert!(!dir.path().join(DATABASE_FILE).exists(), "erased (key store forgets: {forgets})");
            assert_eq!(
                memory.aliases().is_empty(),
                forgets,
                "the secret is gone where the key store forgets"
            );
        }
    }

    /// Issue 15, finding 4: the wipe after too many wrong PINs forgets the key-store secret too,
    /// and a key store that will not forget does not stop the wipe.
    #[test]
    fn the_wipe_after_too_many_wrong_pins_forgets_the_key_store_secret() {
        for forgets in [true, false] {
            let dir = tempfile::tempdir().expect("dir");
            let memory = Memory::leaked(forgets);
            let at = |now: i64| {
                WalletState::in_dir(dir.path().to_path_buf(), None)
                    .with_key_store(Some(memory))
                    .with_clock(Arc::new(shimin_core::clock::FixedClock(now)))
            };
            let mut now = 1_800_000_000;
            at(now).create("246810").expect("create");
            assert_eq!(memory.aliases().len(), 1);
            for guess in 1..=pin::DEFAULT_WIPE_AFTER {
                assert!(matches!(at(now).unlock("111111"), Err(AppError::WrongPin { .. })), "guess {guess}");
                now += pin::delay_after(guess);
            }
            assert!(!dir.path().join(DATABASE_FILE).exists(), "wiped (key store forgets: {forgets})");
            assert_eq!(
                memory.aliases().is_empty(),
                forgets,
                "the secret is gone where the key store forgets"
            );
        }
    }

    /// The wallet the app makes is bound to the desktop key store when one answers, and falls
    /// back to the PIN-wrapped key when none does (as on the test machine, which runs no Secret
    /// Service daemon); either way the PIN opens it again and a wrong one does not.
    #[test]
    fn the_wallet_uses_the_key_store_that_answers_and_the_pin_alone_otherwise() {
        let dir = tempfile::tempdir().expect("dir");
        let state = WalletState::in_dir(dir.path().to_path_buf(), None);
        state.create("246810").expect("created whatever the key store does");
        let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).expect("open");
        let (scheme, salt): (String, Vec<u8>) = conn
            .query_row("SELECT scheme, salt FROM key_material", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("key material");
        let alias = shimin_store::keys::key_store_alias(&salt);
        let answers = DesktopKeyStore.get(&alias).is_ok();
        let expected = if answers { KEY_STORE_SCHEME } else { PIN_SCHEME };
        assert_eq!(scheme, expected, "key store answers: {answers}");
        state.lock().expect("lock");
        assert!(state.unlock("135790").is_err());
        state.unlock("246810").expect("the PIN opens it");
        if answers {
            DesktopKeyStore.delete(&alias).expect("forget the test's secret");
        }
    }
}
