//! All cryptography of the core, and the only module that calls `ring`.
//!
//! The API is small on purpose: hashing, signing keys for our own formats (P-256 ECDSA), public
//! keys to verify other people's signatures (ECDSA and RSA-PSS), authenticated encryption with
//! AES-256-GCM, password-based key derivation and random bytes.
//!
//! Signing here is the raw primitive and is only reachable from inside the crate: the formats that
//! sign (see [`crate::cose`]) always bind a [`SigningPurpose`] into what is signed, so a signature
//! made for one purpose can never be accepted for another.

use std::fmt;
use std::num::NonZeroU32;

use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, EcdsaKeyPair, KeyPair, UnparsedPublicKey, VerificationAlgorithm};

use crate::sensitive::Sensitive;

/// Why a cryptographic operation failed. Never carries key material or plaintext.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The signature does not match the message and the public key.
    #[error("the signature is not valid")]
    BadSignature,
    /// The algorithm cannot be used with this kind of key (e.g. RSA-PSS with an EC key).
    #[error("the signature algorithm does not fit the key")]
    AlgorithmKeyMismatch,
    /// The public key bytes are not a key of the announced kind.
    #[error("the public key is malformed")]
    InvalidPublicKey,
    /// A private key could not be read or was rejected as unsafe.
    #[error("the private key is malformed or rejected")]
    InvalidPrivateKey,
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Random,
    /// A symmetric key has the wrong length.
    #[error("the symmetric key has the wrong length")]
    InvalidKeyLength,
    /// Sealed data was too short, tampered with, or opened with the wrong key or associated data.
    #[error("the encrypted data could not be opened")]
    Decrypt,
    /// Encryption failed (input too large for one AES-GCM message).
    #[error("the data could not be encrypted")]
    Encrypt,
}

/// A SHA-256 digest of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// HMAC-SHA256 of `data` under `key`: a keyed hash, for values stored to be recognised later
/// (enrolment codes) that must not be guessable from the stored hash without the key.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let tag = ring::hmac::sign(&key, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// Fills `out` with bytes from the operating system's secure random number generator.
///
/// # Errors
/// [`CryptoError::Random`] when the generator is unavailable.
pub fn fill_random(out: &mut [u8]) -> Result<(), CryptoError> {
    SystemRandom::new().fill(out).map_err(|_| CryptoError::Random)
}

/// `N` secure random bytes.
///
/// # Errors
/// [`CryptoError::Random`] when the generator is unavailable.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    fill_random(&mut out)?;
    Ok(out)
}

/// What a signature made by Shimin is for. Each purpose has its own label, which our formats bind
/// into the signed data (the COSE `external_aad`), so a signature for one purpose never verifies
/// as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningPurpose {
    /// An issuer signing an e-certificate (证照) for a citizen.
    Certificate,
    /// A holder's device signing a presentation shown to a verifier.
    Presentation,
    /// The national backend signing the list of trusted issuers.
    TrustList,
    /// An issuer signing a revocation list.
    Revocation,
    /// A device proving possession of its key when it is bound to an account.
    DeviceBinding,
    /// A holder's device signing the evidence of a liveness check (key frames, trace, nonce).
    LivenessEvidence,
    /// A device signing one batch of the frames it streams during a server-paced liveness check.
    LivenessFrames,
    /// A department signing the QR code of an application (办件二维码).
    CaseQr,
    /// A department signing a result document that is not a certificate (a 决定书, a record).
    ResultDocument,
}

impl SigningPurpose {
    /// Every purpose, for exhaustive tests.
    pub const ALL: [SigningPurpose; 9] = [
        SigningPurpose::Certificate,
        SigningPurpose::Presentation,
        SigningPurpose::TrustList,
        SigningPurpose::Revocation,
        SigningPurpose::DeviceBinding,
        SigningPurpose::LivenessEvidence,
        SigningPurpose::LivenessFrames,
        SigningPurpose::CaseQr,
        SigningPurpose::ResultDocument,
    ];

    /// The byte-string label bound into every signature made for this purpose. Labels are
    /// versioned and none is a prefix of another.
    pub fn label(self) -> &'static [u8] {
        match self {
            SigningPurpose::Certificate => b"shimin/v1/certificate",
            SigningPurpose::Presentation => b"shimin/v1/presentation",
            SigningPurpose::TrustList => b"shimin/v1/trust-list",
            SigningPurpose::Revocation => b"shimin/v1/revocation",
            SigningPurpose::DeviceBinding => b"shimin/v1/device-binding",
            SigningPurpose::LivenessEvidence => b"shimin/v1/liveness-evidence",
            SigningPurpose::LivenessFrames => b"shimin/v1/liveness-frames",
            SigningPurpose::CaseQr => b"shimin/v1/case-qr",
            SigningPurpose::ResultDocument => b"shimin/v1/result-document",
        }
    }
}

/// What a device key is asked to sign: always a COSE `Sig_structure` that binds the label of its
/// [`SigningPurpose`], built only inside this crate (by the presentation session and by the
/// liveness evidence). A signer held outside the crate, such as a platform key store behind
/// [`crate::present::DeviceSigner`], signs [`ToBeSigned::as_bytes`] and can be handed nothing
/// else: holding the signer is not the power to sign chosen bytes with the device key.
///
/// There is no way to make one from chosen bytes outside the crate:
///
/// ```compile_fail
/// use shimin_core::crypto::{SigningPurpose, ToBeSigned};
///
/// let forged = ToBeSigned::new(SigningPurpose::Presentation, b"chosen bytes".to_vec());
/// ```
///
/// ```compile_fail
/// use shimin_core::crypto::{SigningPurpose, ToBeSigned};
///
/// let forged = ToBeSigned { purpose: SigningPurpose::Presentation, bytes: b"chosen bytes".to_vec() };
/// ```
///
/// What a signer outside the crate can do with one is read it:
///
/// ```
/// use shimin_core::crypto::ToBeSigned;
///
/// fn what_a_key_store_sees(tbs: &ToBeSigned) -> (&'static [u8], usize) {
///     (tbs.purpose().label(), tbs.as_bytes().len())
/// }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ToBeSigned {
    purpose: SigningPurpose,
    bytes: Vec<u8>,
}

impl fmt::Debug for ToBeSigned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToBeSigned").field("purpose", &self.purpose).field("len", &self.bytes.len()).finish()
    }
}

impl ToBeSigned {
    /// `sig_structure` (a COSE `Sig_structure` whose `external_aad` is `purpose`'s label), ready
    /// to be signed. Only [`crate::cose`] builds these, as it builds the structure itself.
    pub(crate) fn new(purpose: SigningPurpose, sig_structure: Vec<u8>) -> Self {
        Self { purpose, bytes: sig_structure }
    }

    /// What the signature will be for, e.g. for a key store to name it when asking the user.
    pub fn purpose(&self) -> SigningPurpose {
        self.purpose
    }

    /// The bytes to sign with ES256.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// A signature algorithm as COSE names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SignatureAlgorithm {
    /// ECDSA with SHA-256; the signature is the fixed-size `r || s`.
    Es256,
    /// ECDSA with SHA-384; the signature is the fixed-size `r || s`.
    Es384,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt.
    Ps256,
}

/// The kind of a public key, which decides which algorithms may use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicKeyKind {
    /// An uncompressed point on NIST P-256.
    EcP256,
    /// An uncompressed point on NIST P-384.
    EcP384,
    /// An RSA key of 2048 to 8192 bits.
    Rsa,
}

/// A public key to verify signatures with. Public keys are not secret, so `Debug` shows the kind
/// and length only, which is enough to tell keys apart in a test failure.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    kind: PublicKeyKind,
    bytes: Vec<u8>,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({:?}, {} bytes)", self.kind, self.bytes.len())
    }
}

impl VerifyingKey {
    /// A P-256 key from its uncompressed SEC1 encoding (`0x04 || x || y`, 65 bytes).
    ///
    /// # Errors
    /// [`CryptoError::InvalidPublicKey`] when the length or the leading byte is wrong.
    pub fn p256_from_sec1(sec1: &[u8]) -> Result<Self, CryptoError> {
        Self::ec(PublicKeyKind::EcP256, 32, sec1)
    }

    /// A P-256 key from its compressed SEC1 encoding (`0x02`/`0x03` || x, 33 bytes). The `p256`
    /// crate recovers y, which also proves the point is on the curve; `ring` (which reads only
    /// uncompressed keys) does everything else.
    ///
    /// # Errors
    /// [`CryptoError::InvalidPublicKey`] for another length or prefix, or an x off the curve.
    pub fn p256_from_compressed(sec1: &[u8]) -> Result<Self, CryptoError> {
        use p256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
        if sec1.len() != 33 || !matches!(sec1.first(), Some(0x02 | 0x03)) {
            return Err(CryptoError::InvalidPublicKey);
        }
        let point = p256::EncodedPoint::from_bytes(sec1).map_err(|_| CryptoError::InvalidPublicKey)?;
        let affine: Option<p256::AffinePoint> = p256::AffinePoint::from_encoded_point(&point).into();
        let affine = affine.ok_or(CryptoError::InvalidPublicKey)?;
        Self::p256_from_sec1(affine.to_encoded_point(false).as_bytes())
    }

    /// The compressed SEC1 encoding (33 bytes) of a P-256 key.
    ///
    /// # Errors
    /// [`CryptoError::InvalidPublicKey`] for a key of another kind.
    pub fn p256_compressed(&self) -> Result<[u8; 33], CryptoError> {
        if self.kind != PublicKeyKind::EcP256 || self.bytes.len() != 65 {
            return Err(CryptoError::InvalidPublicKey);
        }
        let mut out = [0u8; 33];
        out[0] = 0x02 | (self.bytes[64] & 1);
        out[1..].copy_from_slice(&self.bytes[1..33]);
        Ok(out)
    }

    /// A P-384 key from its uncompressed SEC1 encoding (`0x04 || x || y`, 97 bytes).
    ///
    /// # Errors
    /// [`CryptoError::InvalidPublicKey`] when the length or the leading byte is wrong.
    pub fn p384_from_sec1(sec1: &[u8]) -> Result<Self, CryptoError> {
        Self::ec(PublicKeyKind::EcP384, 48, sec1)
    }

    /// A P-256 key from its affine coordinates, as found in a COSE or JWK key (32 bytes each).
    ///
    /// # Errors
    /// [`CryptoError::InvalidPublicKey`] when a coordinate is not 32 bytes.
    pub fn p256_from_coordinates(x: &[u8], y: &[u8]) -> Result<Self, CryptoError> {
        let mut sec1 = Vec::with_capacity(65);
        sec1.push(0x04);
        sec1.extend_from_slice(x);
        sec1.extend_from_slice(y);
        Self::p256_from_sec1(&sec1)
    }

    fn ec(kind: PublicKeyKind, coordinate_len: usize, sec1: &[u8]) -> Result<Self, CryptoError> {
        if sec1.len() != 1 + 2 * coordinate_len || sec1.first() != Some(&0x04) {
            return Err(CryptoError::InvalidPublicKey);
        }
        Ok(Self { kind, bytes: sec1.to_vec() })
    }

    /// An RSA key from its `RSAPublicKey` DER (PKCS #1), which is the content of the bit string
    /// of an X.509 `SubjectPublicKeyInfo` for `rsaEncryption`. The key itself is checked when it
    /// is used.
    ///
    /// # Errors
    /// [`CryptoError::InvalidPublicKey`] when the bytes cannot be a DER `SEQUENCE`.
    pub fn rsa_from_pkcs1_der(der: &[u8]) -> Result<Self, CryptoError> {
        if der.first() != Some(&0x30) {
            return Err(CryptoError::InvalidPublicKey);
        }
        Ok(Self { kind: PublicKeyKind::Rsa, bytes: der.to_vec() })
    }

    /// The kind of this key.
    pub fn kind(&self) -> PublicKeyKind {
        self.kind
    }

    /// The encoded key: SEC1 uncompressed point for EC keys, PKCS #1 DER for RSA keys.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Verifies `signature` over `message` with `algorithm`. ECDSA signatures are the COSE
    /// fixed-size `r || s` form; ES256 is also accepted with a P-384 key (ECDSA over P-384 with a
    /// SHA-256 digest), which some EU DCC issuers use.
    ///
    /// # Errors
    /// [`CryptoError::AlgorithmKeyMismatch`] when the algorithm does not fit the key, and
    /// [`CryptoError::BadSignature`] when the signature does not verify.
    pub fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        use PublicKeyKind::{EcP256, EcP384, Rsa};
        use SignatureAlgorithm::{Es256, Es384, Ps256};
        let (ring_alg, asn1_signature): (&'static dyn VerificationAlgorithm, Option<Vec<u8>>) =
            match (algorithm, self.kind) {
                (Es256, EcP256) => (&signature::ECDSA_P256_SHA256_FIXED, None),
                (Es384, EcP384) => (&signature::ECDSA_P384_SHA384_FIXED, None),
                (Es256, EcP384) => (&signature::ECDSA_P384_SHA256_ASN1, Some(fixed_to_der(signature, 48)?)),
                (Es384, EcP256) => (&signature::ECDSA_P256_SHA384_ASN1, Some(fixed_to_der(signature, 32)?)),
                (Ps256, Rsa) => (&signature::RSA_PSS_2048_8192_SHA256, None),
                _ => return Err(CryptoError::AlgorithmKeyMismatch),
            };
        let signature = asn1_signature.as_deref().unwrap_or(signature);
        UnparsedPublicKey::new(ring_alg, &self.bytes)
            .verify(message, signature)
            .map_err(|_| CryptoError::BadSignature)
    }
}

/// Converts a fixed-size ECDSA signature `r || s` (each `scalar_len` bytes) into the DER
/// `SEQUENCE { INTEGER r, INTEGER s }` that ring expects for the mixed curve/hash pairs.
fn fixed_to_der(signature: &[u8], scalar_len: usize) -> Result<Vec<u8>, CryptoError> {
    if signature.len() != 2 * scalar_len {
        return Err(CryptoError::BadSignature);
    }
    let (r, s) = signature.split_at(scalar_len);
    let mut body = Vec::with_capacity(2 * scalar_len + 6);
    der_unsigned_integer(r, &mut body);
    der_unsigned_integer(s, &mut body);
    // Both integers are at most 49 bytes long, so the body stays under 128 bytes (short form).
    let body_len = u8::try_from(body.len()).map_err(|_| CryptoError::BadSignature)?;
    if body_len >= 0x80 {
        return Err(CryptoError::BadSignature);
    }
    let mut out = Vec::with_capacity(body.len() + 2);
    out.push(0x30);
    out.push(body_len);
    out.extend_from_slice(&body);
    Ok(out)
}

/// Appends a DER `INTEGER` holding the unsigned big-endian value `be` (at most 126 bytes).
fn der_unsigned_integer(be: &[u8], out: &mut Vec<u8>) {
    let first_nonzero = be.iter().position(|b| *b != 0).unwrap_or(be.len());
    let trimmed = &be[first_nonzero..];
    let needs_pad = trimmed.first().is_none_or(|b| b & 0x80 != 0);
    out.push(0x02);
    // `trimmed.len() + 1 <= 127` for the scalar sizes used here; see `fixed_to_der`.
    out.push((trimmed.len() + usize::from(needs_pad)) as u8);
    if needs_pad {
        out.push(0);
    }
    out.extend_from_slice(trimmed);
}

/// A P-256 private key for signing our own formats (ES256). `Debug` is redacted.
///
/// Signing itself is crate-private: outside the crate, sign through a format that binds a
/// [`SigningPurpose`], such as [`crate::cose::sign`].
pub struct SigningKey {
    pair: EcdsaKeyPair,
    pkcs8: Sensitive<Vec<u8>>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey([redacted])")
    }
}

impl SigningKey {
    /// A new random P-256 key.
    ///
    /// # Errors
    /// [`CryptoError::Random`] when no randomness is available.
    pub fn generate_p256() -> Result<Self, CryptoError> {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| CryptoError::Random)?;
        Self::from_pkcs8(doc.as_ref())
    }

    /// A P-256 key from its PKCS #8 (v1 or v2) DER encoding.
    ///
    /// # Errors
    /// [`CryptoError::InvalidPrivateKey`] when the bytes are not a valid P-256 PKCS #8 key.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, CryptoError> {
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &rng)
            .map_err(|_| CryptoError::InvalidPrivateKey)?;
        Ok(Self { pair, pkcs8: Sensitive::new(pkcs8.to_vec()) })
    }

    /// The PKCS #8 DER encoding, to hand to a key store. Secret: never log it.
    pub fn to_pkcs8(&self) -> Sensitive<Vec<u8>> {
        self.pkcs8.clone()
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey { kind: PublicKeyKind::EcP256, bytes: self.pair.public_key().as_ref().to_vec() }
    }

    /// The COSE algorithm of signatures made by this key.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::Es256
    }

    /// Signs `message`, giving the fixed-size 64-byte `r || s`. The raw primitive: callers must
    /// bind a [`SigningPurpose`] into `message` themselves, which is why it stays in the crate.
    ///
    /// ```compile_fail
    /// let key = shimin_core::crypto::SigningKey::generate_p256()?;
    /// let signature = key.sign_raw(b"chosen bytes")?;
    /// # Ok::<(), shimin_core::crypto::CryptoError>(())
    /// ```
    pub(crate) fn sign_raw(&self, message: &[u8]) -> Result<[u8; 64], CryptoError> {
        let signature = self.pair.sign(&SystemRandom::new(), message).map_err(|_| CryptoError::Random)?;
        let mut out = [0u8; 64];
        if signature.as_ref().len() != out.len() {
            return Err(CryptoError::InvalidPrivateKey);
        }
        out.copy_from_slice(signature.as_ref());
        Ok(out)
    }
}

/// Length of an AES-GCM nonce in bytes.
pub const NONCE_LEN: usize = 12;
/// Length of an AES-GCM authentication tag in bytes.
pub const TAG_LEN: usize = 16;

/// A 256-bit key for AES-256-GCM. `Debug` is redacted.
#[derive(Clone)]
pub struct AeadKey(Sensitive<[u8; 32]>);

impl Drop for AeadKey {
    /// A key (a data key, a key derived from a PIN) is zeroed when dropped.
    fn drop(&mut self) {
        self.0.wipe();
    }
}

impl fmt::Debug for AeadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AeadKey([redacted])")
    }
}

impl AeadKey {
    /// A new random key.
    ///
    /// # Errors
    /// [`CryptoError::Random`] when no randomness is available.
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self(Sensitive::new(random_bytes()?)))
    }

    /// A key from 32 raw bytes (e.g. from a platform key store).
    ///
    /// # Errors
    /// [`CryptoError::InvalidKeyLength`] unless `bytes` is exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let key: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::InvalidKeyLength)?;
        Ok(Self(Sensitive::new(key)))
    }

    /// Derives a key from a password with PBKDF2-HMAC-SHA256.
    pub fn derive_from_password(password: &[u8], salt: &[u8], iterations: NonZeroU32) -> Self {
        let mut key = [0u8; 32];
        ring::pbkdf2::derive(ring::pbkdf2::PBKDF2_HMAC_SHA256, iterations, salt, password, &mut key);
        Self(Sensitive::new(key))
    }

    /// The raw key bytes, for a key store. Secret: never log them.
    pub fn expose_bytes(&self) -> &[u8; 32] {
        self.0.expose()
    }

    fn ring_key(&self) -> Result<LessSafeKey, CryptoError> {
        let unbound = UnboundKey::new(&aead::AES_256_GCM, self.0.expose())
            .map_err(|_| CryptoError::InvalidKeyLength)?;
        Ok(LessSafeKey::new(unbound))
    }

    /// Encrypts `plaintext` bound to `associated_data`, under a fresh random 96-bit nonce. The
    /// result is `nonce || ciphertext || tag`.
    ///
    /// # Errors
    /// [`CryptoError::Random`] without randomness, [`CryptoError::Encrypt`] if ring refuses.
    pub fn seal(&self, plaintext: &[u8], associated_data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let nonce_bytes: [u8; NONCE_LEN] = random_bytes()?;
        let mut in_out = plaintext.to_vec();
        self.ring_key()?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce_bytes),
                Aad::from(associated_data),
                &mut in_out,
            )
            .map_err(|_| CryptoError::Encrypt)?;
        let mut out = Vec::with_capacity(NONCE_LEN + in_out.len());
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&in_out);
        Ok(out)
    }

    /// Decrypts what [`AeadKey::seal`] produced, checking that `associated_data` is the same.
    ///
    /// # Errors
    /// [`CryptoError::Decrypt`] when the input is too short, tampered with, or the key or the
    /// associated data differ.
    pub fn open(&self, sealed: &[u8], associated_data: &[u8]) -> Result<Sensitive<Vec<u8>>, CryptoError> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Decrypt);
        }
        let (nonce_bytes, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce_bytes).map_err(|_| CryptoError::Decrypt)?;
        let mut in_out = ciphertext.to_vec();
        let plaintext_len = self
            .ring_key()?
            .open_in_place(nonce, Aad::from(associated_data), &mut in_out)
            .map_err(|_| CryptoError::Decrypt)?
            .len();
        in_out.truncate(plaintext_len);
        Ok(Sensitive::new(in_out))
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc_is_the_fips_180_example() {
        assert_eq!(
            hex::encode(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn compressed_p256_keys_round_trip_and_off_curve_points_are_refused() {
        for _ in 0..8 {
            let public = SigningKey::generate_p256().expect("keygen").verifying_key();
            let compressed = public.p256_compressed().expect("compress");
            assert_eq!(VerifyingKey::p256_from_compressed(&compressed), Ok(public.clone()));
            let mut other_parity = compressed;
            other_parity[0] ^= 1;
            assert_ne!(VerifyingKey::p256_from_compressed(&other_parity), Ok(public));
        }
        // About half of all x have no point on the curve: some small x must be refused, and
        // every one accepted must compress back to itself.
        let mut refused = 0;
        for x in 1u8..=20 {
            let mut candidate = [0u8; 33];
            candidate[0] = 0x02;
            candidate[32] = x;
            match VerifyingKey::p256_from_compressed(&candidate) {
                Ok(key) => assert_eq!(key.p256_compressed(), Ok(candidate)),
                Err(e) => {
                    assert_eq!(e, CryptoError::InvalidPublicKey);
                    refused += 1;
                }
            }
        }
        assert!(refused > 0);
        let mut wrong = [0u8; 33];
        assert_eq!(VerifyingKey::p256_from_compressed(&wrong[..32]), Err(CryptoError::InvalidPublicKey));
        wrong[0] = 0x04;
        assert_eq!(VerifyingKey::p256_from_compressed(&wrong), Err(CryptoError::InvalidPublicKey));
    }

    #[test]
    fn es256_round_trip_and_tampering() {
        let key = SigningKey::generate_p256().expect("keygen");
        let public = key.verifying_key();
        assert_eq!(public.as_bytes().len(), 65);
        let sig = key.sign_raw(b"message").expect("sign");
        public.verify(SignatureAlgorithm::Es256, b"message", &sig).expect("verifies");
        assert_eq!(
            public.verify(SignatureAlgorithm::Es256, b"messagf", &sig),
            Err(CryptoError::BadSignature)
        );
        let mut flipped = sig;
        flipped[10] ^= 1;
        assert_eq!(
            public.verify(SignatureAlgorithm::Es256, b"message", &flipped),
            Err(CryptoError::BadSignature)
        );
        let other = SigningKey::generate_p256().expect("keygen").verifying_key();
        assert_eq!(other.verify(SignatureAlgorithm::Es256, b"message", &sig), Err(CryptoError::BadSignature));
    }

    #[test]
    fn pkcs8_round_trip_keeps_the_key() {
        let key = SigningKey::generate_p256().expect("keygen");
        let again = SigningKey::from_pkcs8(key.to_pkcs8().expose()).expect("reload");
        assert_eq!(key.verifying_key(), again.verifying_key());
        assert_eq!(SigningKey::from_pkcs8(b"not a key").err(), Some(CryptoError::InvalidPrivateKey));
    }

    #[test]
    fn algorithm_must_fit_the_key() {
        let key = SigningKey::generate_p256().expect("keygen");
        let sig = key.sign_raw(b"m").expect("sign");
        assert_eq!(
            key.verifying_key().verify(SignatureAlgorithm::Ps256, b"m", &sig),
            Err(CryptoError::AlgorithmKeyMismatch)
        );
    }

    #[test]
    fn fixed_signature_converts_to_the_der_that_ring_accepts() {
        let key = SigningKey::generate_p256().expect("keygen");
        for i in 0..20u8 {
            let message = [i; 7];
            let sig = key.sign_raw(&message).expect("sign");
            let der = fixed_to_der(&sig, 32).expect("convert");
            UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, key.verifying_key().as_bytes())
                .verify(&message, &der)
                .expect("the DER form verifies");
        }
        assert!(fixed_to_der(&[0u8; 63], 32).is_err());
    }

    #[test]
    fn public_key_lengths_are_checked() {
        assert!(VerifyingKey::p256_from_sec1(&[4u8; 64]).is_err());
        assert!(VerifyingKey::p256_from_sec1(&[5u8; 65]).is_err());
        assert!(VerifyingKey::p384_from_sec1(&[4u8; 97]).is_ok());
        assert!(VerifyingKey::rsa_from_pkcs1_der(b"").is_err());
    }

    #[test]
    fn aead_round_trip_and_tampering() {
        let key = AeadKey::generate().expect("key");
        let sealed = key.seal(b"secret", b"row-1").expect("seal");
        assert_eq!(sealed.len(), NONCE_LEN + 6 + TAG_LEN);
        assert_eq!(key.open(&sealed, b"row-1").expect("open").expose(), b"secret");
        assert_eq!(key.open(&sealed, b"row-2").err(), Some(CryptoError::Decrypt));
        let mut tampered = sealed.clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(key.open(&tampered, b"row-1").err(), Some(CryptoError::Decrypt));
        assert_eq!(key.open(&sealed[..10], b"row-1").err(), Some(CryptoError::Decrypt));
        let other = AeadKey::generate().expect("key");
        assert_eq!(other.open(&sealed, b"row-1").err(), Some(CryptoError::Decrypt));
        // A fresh nonce every time.
        assert_ne!(key.seal(b"secret", b"row-1").expect("seal"), sealed);
    }

    #[test]
    fn pbkdf2_matches_the_rfc_7914_vector() {
        // RFC 7914 section 11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1.
        let key = AeadKey::derive_from_password(b"passwd", b"salt", NonZeroU32::MIN);
        assert_eq!(
            hex::encode(key.expose_bytes()),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
    }

    #[test]
    fn debug_of_secret_keys_is_redacted() {
        let key = AeadKey::from_bytes(&[7u8; 32]).expect("key");
        assert_eq!(format!("{key:?}"), "AeadKey([redacted])");
        let signing = SigningKey::generate_p256().expect("keygen");
        assert_eq!(format!("{signing:?}"), "SigningKey([redacted])");
        assert!(AeadKey::from_bytes(&[0u8; 31]).is_err());
    }

    #[test]
    fn purpose_labels_are_distinct_and_prefix_free() {
        for a in SigningPurpose::ALL {
            for b in SigningPurpose::ALL {
                if a != b {
                    assert!(!b.label().starts_with(a.label()), "{a:?} is a prefix of {b:?}");
                }
            }
        }
    }
}
