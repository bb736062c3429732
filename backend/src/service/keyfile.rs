//! The server's private keys — the national root key and every department's issuer keys —
//! kept out of the serving database, in a key file the server reads at start.
//!
//! A stolen copy of the database (a backup, a replica, an SQL injection, a read-only dump of
//! the tables) then holds public keys and key ids only: the attacker can neither sign a trust
//! list nor a certificate with it. The file is written whole to a temporary file created with
//! mode 0600, synced and renamed over the old one, so a crash leaves the old file or the new
//! one, never half of either; a key file that others may read is refused at start.
//!
//! The format is text, one key a line: `root BASE64URL` or `issuer KEY-ID BASE64URL`, the
//! base64url being the key's PKCS #8 DER. Lines starting with `#` are comments.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use shimin_core::crypto::SigningKey;
use shimin_core::sensitive::Sensitive;

use super::{b64, unb64};

/// Why the key file could not be read or written. The texts never hold key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// Reading or writing the file failed.
    #[error("key file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The file is not in the key-file format, or a key in it is not a P-256 PKCS #8 key.
    #[error("key file {path}: line {line} is not a key")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The line (from 1).
        line: usize,
    },
    /// The file may be read by others than its owner.
    #[error("key file {path}: readable by others than its owner (chmod 600 it)")]
    TooOpen {
        /// The file.
        path: PathBuf,
    },
}

/// Which key a line holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum KeyName {
    Root,
    Issuer(String),
}

/// The private keys, in memory, and the file they are kept in (none: in memory only, for
/// tests and benchmarks that never restart over the same database).
#[derive(Debug)]
pub struct KeyFile {
    path: Option<PathBuf>,
    keys: BTreeMap<KeyName, Sensitive<Vec<u8>>>,
}

impl KeyFile {
    /// Keys kept in memory only: lost when the process ends.
    pub fn in_memory() -> Self {
        Self { path: None, keys: BTreeMap::new() }
    }

    /// Reads the key file at `path`, or starts an empty one if there is none yet (it is
    /// written when the first key is put).
    ///
    /// # Errors
    /// [`KeyFileError`] when the file is unreadable, malformed or readable by others.
    pub fn open(path: &Path) -> Result<Self, KeyFileError> {
        let io = |source| KeyFileError::Io { path: path.to_owned(), source };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => Sensitive::new(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self { path: Some(path.to_owned()), keys: BTreeMap::new() });
            }
            Err(e) => return Err(io(e)),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_err(io)?.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(KeyFileError::TooOpen { path: path.to_owned() });
            }
        }
        let mut keys = BTreeMap::new();
        for (i, line) in text.expose().lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = || KeyFileError::Malformed { path: path.to_owned(), line: i + 1 };
            let parts: Vec<&str> = line.split_ascii_whitespace().collect();
            let (name, encoded) = match parts.as_slice() {
                ["root", key] => (KeyName::Root, *key),
                ["issuer", id, key] => (KeyName::Issuer((*id).to_owned()), *key),
                _ => return Err(bad()),
            };
            let pkcs8 = Sensitive::new(unb64(encoded, "key").map_err(|_| bad())?);
            SigningKey::from_pkcs8(pkcs8.expose()).map_err(|_| bad())?;
            keys.insert(name, pkcs8);
        }
        Ok(Self { path: Some(path.to_owned()), keys })
    }

    /// Where the keys are kept, if in a file.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The national root key, if the file holds one.
    pub fn root(&self) -> Option<SigningKey> {
        self.get(&KeyName::Root)
    }

    /// Issuer key `key_id`, if the file holds it.
    pub fn issuer(&self, key_id: &str) -> Option<SigningKey> {
        self.get(&KeyName::Issuer(key_id.to_owned()))
    }

    fn get(&self, name: &KeyName) -> Option<SigningKey> {
        self.keys.get(name).and_then(|pkcs8| SigningKey::from_pkcs8(pkcs8.expose()).ok())
    }

    /// Puts the root key and writes the file.
    ///
    /// # Errors
    /// When the file cannot be written; the key is then not kept.
    pub fn put_root(&mut self, key: &SigningKey) -> Result<(), KeyFileError> {
        self.put(KeyName::Root, key.to_pkcs8())
    }

    /// Puts issuer key `key_id` and writes the file.
    ///
    /// # Errors
    /// When the file cannot be written; the key is then not kept.
    pub fn put_issuer(&mut self, key_id: &str, key: &SigningKey) -> Result<(), KeyFileError> {
        self.put(KeyName::Issuer(key_id.to_owned()), key.to_pkcs8())
    }

    /// Puts keys given as PKCS #8 (a database's legacy columns), all in one write: `root` for
    /// the root key, else an issuer key id. Keys already in the file are kept as they are.
    ///
    /// # Errors
    /// When the file cannot be written; nothing is then kept.
    pub fn put_pkcs8(&mut self, keys: Vec<(Option<String>, Sensitive<Vec<u8>>)>) -> Result<(), KeyFileError> {
        let before = self.keys.clone();
        for (id, pkcs8) in keys {
            let name = id.map_or(KeyName::Root, KeyName::Issuer);
            self.keys.entry(name).or_insert(pkcs8);
        }
        self.save().inspect_err(|_| self.keys = before)
    }

    /// Forgets issuer key `key_id` (a compromised key is never to sign again) and writes the
    /// file.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn remove_issuer(&mut self, key_id: &str) -> Result<(), KeyFileError> {
        if self.keys.remove(&KeyName::Issuer(key_id.to_owned())).is_some() {
            self.save()?;
        }
        Ok(())
    }

    fn put(&mut self, name: KeyName, pkcs8: Sensitive<Vec<u8>>) -> Result<(), KeyFileError> {
        let old = self.keys.insert(name.clone(), pkcs8);
        self.save().inspect_err(|_| {
            match old {
                Some(old) => self.keys.insert(name, old),
                None => self.keys.remove(&name),
            };
        })
    }

    /// Writes every key to a fresh 0600 file beside the old one, syncs it, renames it over the
    /// old one and syncs the directory.
    fn save(&self) -> Result<(), KeyFileError> {
        let Some(path) = &self.path else { return Ok(()) };
        let io = |source| KeyFileError::Io { path: path.clone(), source };
        let mut out = String::from(
            "# shimin-backend private keys: the national root key and the issuer keys.\n\
             # Secret. Keep this file 0600, back it up apart from the database.\n",
        );
        for (name, pkcs8) in &self.keys {
            match name {
                KeyName::Root => out.push_str("root "),
                KeyName::Issuer(id) => out.push_str(&format!("issuer {id} ")),
            }
            out.push_str(&b64(pkcs8.expose()));
            out.push('\n');
        }
        let mut text = Sensitive::new(out);
        let tmp = path.with_extension("tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // `mode` applies only when the file is created; a leftover temporary file is
            // narrowed here before anything secret is written to it.
            file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(io)?;
        }
        let written = file.write_all(text.expose().as_bytes());
        text.wipe();
        written.map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(io)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        }
        Ok(())
    }
}
