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

    use super::*;
    use crate::wallet::{DATABASE_FILE, WalletState};

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
