//! Staff passwords: argon2id at the cost OWASP recommends, stored as a PHC string; the
//! PBKDF2 hashes of older databases still verify and are rehashed at the next login.

use std::num::NonZeroU32;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use shimin_core::crypto::AeadKey;

use super::{ServiceError, random};

/// Failed logins in a row that lock a staff account.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long such a lock lasts, seconds.
pub const LOCKOUT_SECS: i64 = 15 * 60;

/// PBKDF2-HMAC-SHA256 iterations of the hashes stored before argon2id.
const LEGACY_PBKDF2_ITERATIONS: u32 = 100_000;

/// The cost of an argon2id password hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordCost {
    /// Memory, KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl PasswordCost {
    /// OWASP Password Storage Cheat Sheet, "Argon2id": "a minimum configuration of 19 MiB of
    /// memory, an iteration count of 2, and 1 degree of parallelism" (m=19456 KiB, t=2, p=1;
    /// the first of its five equivalent settings, and the one with the least memory per login,
    /// which matters when many staff log in at once). Checked 2026-12 at
    /// <https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html>.
    pub const OWASP: Self = Self { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };

    /// The least argon2 allows: for tests, which log in often, never for real accounts.
    pub const CHEAP: Self = Self { memory_kib: 8, iterations: 1, parallelism: 1 };

    fn hasher(self) -> Result<Argon2<'static>, ServiceError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|_| ServiceError::Signing("password hashing parameters"))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// What checking a password against a stored hash found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// The password is wrong.
    Wrong,
    /// Right, and the hash is at the current cost.
    Right,
    /// Right, but the hash is PBKDF2 or at another cost: store a new one.
    RightRehash,
}

/// Hashes `password` under a new random salt; returns the salt and the PHC string to store.
/// CPU- and memory-bound: call it on a blocking thread.
///
/// # Errors
/// [`ServiceError::Signing`] without randomness or with impossible parameters.
pub fn hash(password: &str, cost: PasswordCost) -> Result<(Vec<u8>, Vec<u8>), ServiceError> {
    let salt = random::<16>()?.to_vec();
    let encoded = SaltString::encode_b64(&salt).map_err(|_| ServiceError::Signing("password salt"))?;
    let phc = cost
        .hasher()?
        .hash_password(password.as_bytes(), &encoded)
        .map_err(|_| ServiceError::Signing("password hashing"))?;
    Ok((salt, phc.to_string().into_bytes()))
}

/// Checks `password` against a stored salt and hash (argon2id PHC, or legacy PBKDF2 bytes).
/// CPU- and memory-bound: call it on a blocking thread.
pub fn check(password: &str, salt: &[u8], stored: &[u8], cost: PasswordCost) -> Checked {
    let phc = std::str::from_utf8(stored).ok().and_then(|s| PasswordHash::new(s).ok());
    match phc {
        Some(phc) => {
            // The hash's own parameters are used to verify it.
            let Ok(hasher) = cost.hasher() else { return Checked::Wrong };
            if hasher.verify_password(password.as_bytes(), &phc).is_err() {
                return Checked::Wrong;
            }
            let current = Params::try_from(&phc).is_ok_and(|p| {
                (p.m_cost(), p.t_cost(), p.p_cost()) == (cost.memory_kib, cost.iterations, cost.parallelism)
            });
            if current && phc.algorithm == Algorithm::Argon2id.ident() {
                Checked::Right
            } else {
                Checked::RightRehash
            }
        }
        None => {
            let iterations = NonZeroU32::new(LEGACY_PBKDF2_ITERATIONS).unwrap_or(NonZeroU32::MIN);
            let legacy = AeadKey::derive_from_password(password.as_bytes(), salt, iterations);
            if same(legacy.expose_bytes(), stored) { Checked::RightRehash } else { Checked::Wrong }
        }
    }
}

/// Constant-time comparison of two byte strings.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let (salt, stored) = hash("correct horse", PasswordCost::CHEAP).expect("hash");
        assert_eq!(check("correct horse", &salt, &stored, PasswordCost::CHEAP), Checked::Right);
        assert_eq!(check("correct hors", &salt, &stored, PasswordCost::CHEAP), Checked::Wrong);
        // Raising the cost asks for a new hash at the next login.
        let raised = PasswordCost { iterations: 2, ..PasswordCost::CHEAP };
        assert_eq!(check("correct horse", &salt, &stored, raised), Checked::RightRehash);
    }

    #[test]
    fn a_legacy_pbkdf2_hash_verifies_and_asks_to_be_rehashed() {
        let salt = [7u8; 16];
        let iterations = NonZeroU32::new(LEGACY_PBKDF2_ITERATIONS).expect("non-zero");
        let stored =
            AeadKey::derive_from_password(b"old password", &salt, iterations).expose_bytes().to_vec();
        assert_eq!(check("old password", &salt, &stored, PasswordCost::CHEAP), Checked::RightRehash);
        assert_eq!(check("old passwore", &salt, &stored, PasswordCost::CHEAP), Checked::Wrong);
    }
}
