//! The wallet: creating it, unlocking it with a [`KeyWrapper`], changing the PIN, and the
//! device's private key. Certificates, the presentation log and cached lists are in their own
//! modules, as further `impl Wallet` blocks.

use std::fmt;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use shimin_core::crypto::{SigningKey, VerifyingKey};

use crate::clear_rows;
use crate::error::{KeyError, StoreError};
use crate::keys::{
    DataKey, HolderIndexSecret, KEY_STORE_SCHEME, KeyStoreWrapper, KeyWrapper, PIN_SCHEME, WrappedKey,
    key_store_alias,
};
use crate::schema;
use crate::sealed::Sealed;

/// An unlocked wallet over one SQLite connection, its only writer. Every write runs in one
/// transaction; `&mut self` on writes keeps them from overlapping. `Debug` shows no key.
pub struct Wallet {
    pub(crate) conn: Connection,
    pub(crate) data_key: DataKey,
    pub(crate) holder_index: HolderIndexSecret,
    device_key: SigningKey,
}

impl fmt::Debug for Wallet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wallet").finish_non_exhaustive()
    }
}

impl Wallet {
    /// Creates a wallet in `conn` (migrating it first): a random data key wrapped by `wrapper`
    /// and a new P-256 device key sealed under the data key, at `now` (Unix seconds).
    ///
    /// # Errors
    /// [`StoreError::AlreadyInitialised`] when the database already holds a wallet; key,
    /// crypto and SQLite errors otherwise.
    pub fn create(mut conn: Connection, wrapper: &dyn KeyWrapper, now: i64) -> Result<Self, StoreError> {
        schema::upgrade(&mut conn)?;
        let data_key = DataKey::generate()?;
        let wrapped = wrapper.wrap(&data_key)?;
        let device_key = SigningKey::generate_p256()?;
        let sealed_device_key = data_key.seal(Sealed::DeviceKey, "", device_key.to_pkcs8().expose())?;
        let tx = conn.transaction()?;
        if read_key_material(&tx)?.is_some() {
            return Err(StoreError::AlreadyInitialised);
        }
        insert_key_material(&tx, &wrapped, &sealed_device_key, now)?;
        tx.commit()?;
        // Nothing to seal in a new wallet; this drops the empty tables migration 007 set aside,
        // so a new wallet has the schema of an upgraded one.
        clear_rows::seal(&mut conn, &data_key)?;
        Ok(Self::assemble(conn, data_key, device_key))
    }

    /// Unlocks the wallet in `conn` (migrating it first) with `wrapper`. The first unlock after
    /// an upgrade from a build that kept the presentation log and notification texts in clear
    /// seals them and rewrites the file (`clear_rows.rs` says why this is not done by the
    /// migration).
    ///
    /// # Errors
    /// [`StoreError::Key`] with [`KeyError::WrongPin`] for a wrong PIN (nothing is changed),
    /// [`StoreError::NotInitialised`] for a database without a wallet,
    /// [`StoreError::Undecryptable`] when the device key does not open.
    pub fn open(conn: Connection, wrapper: &dyn KeyWrapper) -> Result<Self, StoreError> {
        Self::open_wrapped(conn, wrapper).map(|(wallet, _)| wallet)
    }

    /// [`Wallet::open`], and then a data key wrapped under the PIN alone (a wallet made, or
    /// last given a PIN, while no key store answered) is moved into `wrapper`'s key store where
    /// it answers now: re-wrapped under the PIN and a new key-store secret, the PIN-only wrap
    /// replaced in one transaction. A key store that fails leaves the PIN-only wrap as it was
    /// and the wallet open all the same (the next unlock tries again), so a missing key store
    /// never costs the user the wallet.
    ///
    /// # Errors
    /// As [`Wallet::open`]; never for the move.
    pub fn open_with_key_store(
        conn: Connection,
        wrapper: &KeyStoreWrapper<'_>,
        now: i64,
    ) -> Result<Self, StoreError> {
        let (mut wallet, opened) = Self::open_wrapped(conn, wrapper)?;
        if opened.scheme == PIN_SCHEME {
            // Best effort, by design: the wallet opened, and stays openable by the PIN.
            let _moved = wallet.move_into_key_store(wrapper, &opened, now);
        }
        Ok(wallet)
    }

    /// Opens the wallet, and the wrap that opened it.
    fn open_wrapped(
        mut conn: Connection,
        wrapper: &dyn KeyWrapper,
    ) -> Result<(Self, WrappedKey), StoreError> {
        schema::upgrade(&mut conn)?;
        let (wrapped, sealed_device_key) = read_key_material(&conn)?.ok_or(StoreError::NotInitialised)?;
        let data_key = wrapper.unwrap(&wrapped)?;
        let device_key = unseal_device_key(&data_key, &sealed_device_key)?;
        clear_rows::seal(&mut conn, &data_key)?;
        Ok((Self::assemble(conn, data_key, device_key), wrapped))
    }

    /// Replaces the wrap `opened` (which `wrapper`'s PIN opened) by one in the key store;
    /// `false` when there is no key store or the stored wrap is no longer `opened` (another
    /// handle changed the PIN since). A new secret that did not get stored with its wrap is
    /// deleted again.
    fn move_into_key_store(
        &mut self,
        wrapper: &KeyStoreWrapper<'_>,
        opened: &WrappedKey,
        now: i64,
    ) -> Result<bool, StoreError> {
        let Some(store) = wrapper.key_store() else { return Ok(false) };
        let tx = self.conn.transaction()?;
        let (stored, _) = read_key_material(&tx)?.ok_or(StoreError::NotInitialised)?;
        if &stored != opened {
            return Ok(false);
        }
        let moved = wrapper.wrap_in_key_store(&self.data_key)?;
        let written = update_wrapped_key(&tx, &moved, now).and_then(|()| Ok(tx.commit()?));
        if written.is_err() {
            let _ = store.delete(&key_store_alias(&moved.salt));
        }
        written.map(|()| true)
    }

    /// The key-store alias of the wallet in `conn`, read without unlocking it (the salt is not
    /// secret): `Some` when its data key is bound to a secret in the platform key store, so
    /// that erasing the wallet can forget that secret too.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`] when the database cannot be read.
    pub fn key_store_alias(conn: &Connection) -> Result<Option<String>, StoreError> {
        if schema::user_version(conn)? == 0 {
            return Ok(None);
        }
        Ok(read_key_material(conn)?
            .filter(|(wrapped, _)| wrapped.scheme == KEY_STORE_SCHEME)
            .map(|(wrapped, _)| key_store_alias(&wrapped.salt)))
    }

    /// A second handle on this unlocked wallet over `conn`, another connection to the same
    /// database file, with the same keys: a background sync writes through it while the screens
    /// keep reading through this one. SQLite (WAL, busy timeout) orders their transactions.
    ///
    /// # Errors
    /// [`StoreError::NotInitialised`] when `conn` holds no wallet, [`StoreError::Undecryptable`]
    /// when it holds another wallet than this one.
    pub fn second_handle(&self, conn: Connection) -> Result<Self, StoreError> {
        let (_, sealed_device_key) = read_key_material(&conn)?.ok_or(StoreError::NotInitialised)?;
        let device_key = unseal_device_key(&self.data_key, &sealed_device_key)?;
        Ok(Self::assemble(conn, self.data_key.clone(), device_key))
    }

    fn assemble(conn: Connection, data_key: DataKey, device_key: SigningKey) -> Self {
        let holder_index = data_key.holder_index_secret();
        Self { conn, data_key, holder_index, device_key }
    }

    /// Whether `conn` holds a wallet (without migrating or unlocking it).
    ///
    /// # Errors
    /// [`StoreError::Sqlite`] when the database cannot be read.
    pub fn exists(conn: &Connection) -> Result<bool, StoreError> {
        if schema::user_version(conn)? == 0 {
            return Ok(false);
        }
        Ok(read_key_material(conn)?.is_some())
    }

    /// Re-wraps the data key from `current` to `new` in one transaction. Certificates are not
    /// re-encrypted: they stay sealed under the same data key.
    ///
    /// # Errors
    /// [`KeyError::WrongPin`] when `current` does not open the stored key (nothing changes).
    pub fn change_pin(
        &mut self,
        current: &dyn KeyWrapper,
        new: &dyn KeyWrapper,
        now: i64,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let (wrapped, _) = read_key_material(&tx)?.ok_or(StoreError::NotInitialised)?;
        let stored = current.unwrap(&wrapped)?;
        if stored.expose_bytes() != self.data_key.expose_bytes() {
            return Err(KeyError::WrongPin.into());
        }
        let rewrapped = new.wrap(&self.data_key)?;
        update_wrapped_key(&tx, &rewrapped, now)?;
        tx.commit()?;
        Ok(())
    }

    /// The device's private key, which the holder binding of every certificate names.
    pub fn device_key(&self) -> &SigningKey {
        &self.device_key
    }

    /// The device's public key, to send to an issuer.
    pub fn device_public_key(&self) -> VerifyingKey {
        self.device_key.verifying_key()
    }

    /// The connection, for reads (e.g. the cached-list readers, which need no key).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Locks the wallet: the keys are dropped and the connection handed back.
    pub fn lock(self) -> Connection {
        self.conn
    }
}

fn unseal_device_key(data_key: &DataKey, sealed: &[u8]) -> Result<SigningKey, StoreError> {
    let pkcs8 = data_key.open(Sealed::DeviceKey, "", sealed)?;
    SigningKey::from_pkcs8(pkcs8.expose())
        .map_err(|_| StoreError::CorruptRow { table: "key_material", column: "sealed_device_key" })
}

fn insert_key_material(
    tx: &Transaction<'_>,
    wrapped: &WrappedKey,
    sealed_device_key: &[u8],
    now: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO key_material
             (id, scheme, salt, iterations, wrapped_data_key, sealed_device_key, created_at, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![wrapped.scheme, wrapped.salt, wrapped.iterations, wrapped.sealed, sealed_device_key, now],
    )?;
    Ok(())
}

fn update_wrapped_key(tx: &Transaction<'_>, wrapped: &WrappedKey, now: i64) -> Result<(), StoreError> {
    let changed = tx.execute(
        "UPDATE key_material SET scheme = ?1, salt = ?2, iterations = ?3, wrapped_data_key = ?4,
             updated_at = ?5
         WHERE id = 1",
        params![wrapped.scheme, wrapped.salt, wrapped.iterations, wrapped.sealed, now],
    )?;
    if changed == 1 { Ok(()) } else { Err(StoreError::NotInitialised) }
}

/// The wrapped data key and the sealed device key, if the wallet exists.
fn read_key_material(conn: &Connection) -> Result<Option<(WrappedKey, Vec<u8>)>, StoreError> {
    let row = conn
        .query_row(
            "SELECT scheme, salt, iterations, wrapped_data_key, sealed_device_key FROM key_material
             WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                    r.get::<_, Vec<u8>>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((scheme, salt, iterations, sealed, device)) = row else { return Ok(None) };
    let iterations = u32::try_from(iterations)
        .map_err(|_| StoreError::CorruptRow { table: "key_material", column: "iterations" })?;
    Ok(Some((WrappedKey { scheme, salt, iterations, sealed }, device)))
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::keys::PinWrapper;
    use crate::keys::tests::{Broken, Memory};

    fn pin(p: &str) -> PinWrapper {
        PinWrapper::insecure_low_iterations_for_tests(p, 3).expect("wrapper")
    }

    #[test]
    fn a_second_create_is_refused_and_the_first_wallet_survives() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("w.db");
        let first = Wallet::create(schema::open_file(&path).expect("db"), &pin("1111"), 10).expect("create");
        let device = first.device_public_key();
        drop(first);
        assert!(matches!(
            Wallet::create(schema::open_file(&path).expect("db"), &pin("2222"), 11),
            Err(StoreError::AlreadyInitialised)
        ));
        let again = Wallet::open(schema::open_file(&path).expect("db"), &pin("1111")).expect("open");
        assert_eq!(again.device_public_key(), device);
    }

    #[test]
    fn a_second_handle_shares_the_keys_and_refuses_another_wallet() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("w.db");
        let mut first =
            Wallet::create(schema::open_file(&path).expect("db"), &pin("1111"), 10).expect("create");
        let mut second = first.second_handle(schema::open_file(&path).expect("db")).expect("second");
        assert_eq!(second.device_public_key(), first.device_public_key());
        // What one handle writes under the data key, the other reads.
        second.queue_outbox("note", "{}", 20).expect("queue");
        assert_eq!(first.pending_outbox(10).expect("read").len(), 1);
        first.change_pin(&pin("1111"), &pin("2222"), 30).expect("change");
        drop(second);

        let other = dir.path().join("other.db");
        drop(Wallet::create(schema::open_file(&other).expect("db"), &pin("1111"), 10).expect("create"));
        assert!(matches!(
            first.second_handle(schema::open_file(&other).expect("db")),
            Err(StoreError::Undecryptable { .. })
        ));
        assert!(matches!(
            first.second_handle(schema::open_in_memory().expect("db")),
            Err(StoreError::NotInitialised | StoreError::Sqlite(_))
        ));
    }

    /// Issue 15, finding 4: a wallet wrapped under the PIN alone moves into the key store at
    /// the first unlock where one answers; after that the PIN alone no longer opens it, the PIN
    /// with the key store does, and its alias names the one secret the key store holds.
    #[test]
    fn a_pin_only_wallet_moves_into_the_key_store_when_one_answers() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("w.db");
        let wallet = Wallet::create(schema::open_file(&path).expect("db"), &pin("1111"), 10).expect("create");
        let device = wallet.device_public_key();
        let conn = wallet.lock();
        assert_eq!(Wallet::key_store_alias(&conn).expect("alias"), None, "the PIN alone");
        drop(conn);
        let store = Memory::default();
        let wrapper = KeyStoreWrapper::new(pin("1111"), Some(&store));
        let wallet =
            Wallet::open_with_key_store(schema::open_file(&path).expect("db"), &wrapper, 20).expect("open");
        let conn = wallet.lock();
        let (wrapped, _) = read_key_material(&conn).expect("read").expect("wallet");
        assert_eq!(wrapped.scheme, KEY_STORE_SCHEME);
        let alias = Wallet::key_store_alias(&conn).expect("alias").expect("in the key store");
        assert_eq!(store.aliases(), vec![alias]);
        drop(conn);
        assert!(matches!(
            Wallet::open(schema::open_file(&path).expect("db"), &pin("1111")),
            Err(StoreError::Key(KeyError::WrongScheme))
        ));
        let again = Wallet::open(schema::open_file(&path).expect("db"), &wrapper).expect("PIN and key store");
        assert_eq!(again.device_public_key(), device, "the same wallet");
    }

    /// A key store that fails blocks neither the unlock nor the next one: the PIN-only wrap
    /// stays as it was, and nothing is left in a key store that took the secret only halfway.
    #[test]
    fn a_failing_key_store_leaves_the_pin_only_wallet_as_it_was() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("w.db");
        drop(Wallet::create(schema::open_file(&path).expect("db"), &pin("1111"), 10).expect("create"));
        let before = read_key_material(&schema::open_file(&path).expect("db")).expect("read");
        let wrapper = KeyStoreWrapper::new(pin("1111"), Some(&Broken));
        let wallet =
            Wallet::open_with_key_store(schema::open_file(&path).expect("db"), &wrapper, 20).expect("opens");
        let conn = wallet.lock();
        assert_eq!(read_key_material(&conn).expect("read"), before, "the PIN-only wrap, untouched");
        drop(conn);
        Wallet::open(schema::open_file(&path).expect("db"), &pin("1111")).expect("the PIN alone opens it");
        // A wrong PIN moves nothing either: it does not open.
        let store = Memory::default();
        let wrong = KeyStoreWrapper::new(pin("2222"), Some(&store));
        assert!(Wallet::open_with_key_store(schema::open_file(&path).expect("db"), &wrong, 30).is_err());
        assert!(store.aliases().is_empty());
    }

    /// A key store that takes secrets and never gives them back.
    #[derive(Default)]
    struct Forgetful(Memory);

    impl crate::keys::PlatformKeyStore for Forgetful {
        fn put(&self, alias: &str, secret: &[u8]) -> Result<(), crate::keys::KeyStoreError> {
            self.0.put(alias, secret)
        }
        fn get(&self, _: &str) -> Result<Vec<u8>, crate::keys::KeyStoreError> {
            Err(crate::keys::KeyStoreError("gone".into()))
        }
        fn delete(&self, alias: &str) -> Result<(), crate::keys::KeyStoreError> {
            self.0.delete(alias)
        }
    }

    /// A key store that takes the secret but cannot give it back is not trusted with the
    /// wallet: the PIN-only wrap stays, and the secret it took is deleted again.
    #[test]
    fn a_key_store_that_loses_secrets_is_not_moved_into() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("w.db");
        drop(Wallet::create(schema::open_file(&path).expect("db"), &pin("1111"), 10).expect("create"));
        let store = Forgetful::default();
        let wrapper = KeyStoreWrapper::new(pin("1111"), Some(&store));
        let wallet =
            Wallet::open_with_key_store(schema::open_file(&path).expect("db"), &wrapper, 20).expect("opens");
        let conn = wallet.lock();
        assert_eq!(read_key_material(&conn).expect("read").expect("wallet").0.scheme, PIN_SCHEME);
        assert!(store.0.aliases().is_empty(), "the secret it took is deleted again");
        drop(conn);
        Wallet::open(schema::open_file(&path).expect("db"), &pin("1111")).expect("the PIN alone opens it");
    }

    #[test]
    fn a_fresh_database_holds_no_wallet() {
        let conn = schema::open_in_memory().expect("db");
        assert!(!Wallet::exists(&conn).expect("exists"));
        assert!(matches!(Wallet::open(conn, &pin("1")), Err(StoreError::NotInitialised)));
    }

    #[test]
    fn a_corrupt_iteration_count_is_a_typed_error() {
        let wallet = Wallet::create(schema::open_in_memory().expect("db"), &pin("1"), 1).expect("create");
        let conn = wallet.lock();
        conn.execute("UPDATE key_material SET iterations = 5000000000", []).expect("corrupt");
        assert!(matches!(
            Wallet::open(conn, &pin("1")),
            Err(StoreError::CorruptRow { table: "key_material", column: "iterations" })
        ));
    }

    #[test]
    fn a_damaged_device_key_is_a_typed_error() {
        let wallet = Wallet::create(schema::open_in_memory().expect("db"), &pin("1"), 1).expect("create");
        let conn = wallet.lock();
        conn.execute("UPDATE key_material SET sealed_device_key = zeroblob(60)", []).expect("corrupt");
        assert!(matches!(
            Wallet::open(conn, &pin("1")),
            Err(StoreError::Undecryptable { table: "key_material" })
        ));
    }
}
