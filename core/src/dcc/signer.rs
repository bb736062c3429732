//! The Document Signer Certificate (DSC) of an EU DCC: its key id, its public key and the
//! certificate types its extended key usage allows.

use x509_cert::Certificate;
use x509_cert::der::Decode;
use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::ExtendedKeyUsage;

use crate::crypto::{self, VerifyingKey};

/// `id-ecPublicKey` (RFC 5480).
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// The NIST P-256 curve, `prime256v1`.
const CURVE_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// The NIST P-384 curve, `secp384r1`.
const CURVE_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// `rsaEncryption` (RFC 8017).
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-RSASSA-PSS` (RFC 4055), a key restricted to PSS.
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// Extended key usage OIDs of the DCC specification, as (OID, type). Each type has the OID of the
/// specification and the variant with an extra `0` arc after the enterprise arc, which several
/// countries issued (and which the EU test certificates carry).
const DCC_KEY_USAGES: [(ObjectIdentifier, CertificateType); 6] = [
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.1847.2021.1.1"), CertificateType::Test),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.1847.2021.1.2"), CertificateType::Vaccination),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.1847.2021.1.3"), CertificateType::Recovery),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.0.1847.2021.1.1"), CertificateType::Test),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.0.1847.2021.1.2"), CertificateType::Vaccination),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.0.1847.2021.1.3"), CertificateType::Recovery),
];

/// The kind of an EU DCC, from the array present in its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateType {
    /// A test result (`t`).
    Test,
    /// A vaccination (`v`).
    Vaccination,
    /// A recovery (`r`).
    Recovery,
}

/// Why a signer certificate cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignerError {
    /// The bytes are not a DER X.509 certificate.
    #[error("the signer certificate is not a valid X.509 certificate")]
    Malformed,
    /// The public key is of a kind or curve we do not verify with.
    #[error("the signer certificate's public key type is not supported")]
    UnsupportedKey,
    /// The public key bytes are malformed.
    #[error("the signer certificate's public key is malformed")]
    InvalidKey,
    /// The extended key usage extension is present but malformed, or present twice.
    #[error("the signer certificate's extended key usage is malformed")]
    InvalidKeyUsage,
}

/// A parsed signer certificate: what verification needs from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerCertificate {
    key_id: [u8; 8],
    key: VerifyingKey,
    /// The DCC types named in the extended key usage; empty when it names none.
    usages: Vec<CertificateType>,
}

impl SignerCertificate {
    /// Parses a DER X.509 certificate.
    ///
    /// # Errors
    /// [`SignerError`] when the certificate, its key or its extended key usage cannot be read.
    pub fn from_der(der: &[u8]) -> Result<Self, SignerError> {
        let certificate = Certificate::from_der(der).map_err(|_| SignerError::Malformed)?;
        let tbs = certificate.tbs_certificate();
        let spki = tbs.subject_public_key_info();
        let key_bits = spki.subject_public_key.as_bytes().ok_or(SignerError::InvalidKey)?;
        let key = match spki.algorithm.oid {
            EC_PUBLIC_KEY => {
                let curve: ObjectIdentifier = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .ok_or(SignerError::UnsupportedKey)?
                    .decode_as()
                    .map_err(|_| SignerError::UnsupportedKey)?;
                match curve {
                    CURVE_P256 => VerifyingKey::p256_from_sec1(key_bits),
                    CURVE_P384 => VerifyingKey::p384_from_sec1(key_bits),
                    _ => return Err(SignerError::UnsupportedKey),
                }
            }
            RSA_ENCRYPTION | RSASSA_PSS => VerifyingKey::rsa_from_pkcs1_der(key_bits),
            _ => return Err(SignerError::UnsupportedKey),
        }
        .map_err(|_| SignerError::InvalidKey)?;

        let usages = match tbs.get_extension::<ExtendedKeyUsage>() {
            Ok(Some((_critical, ExtendedKeyUsage(oids)))) => {
                DCC_KEY_USAGES.iter().filter(|(oid, _)| oids.contains(oid)).map(|(_, kind)| *kind).collect()
            }
            Ok(None) => Vec::new(),
            Err(_) => return Err(SignerError::InvalidKeyUsage),
        };

        Ok(Self { key_id: key_id_of(der), key, usages })
    }

    /// The DCC key id: the first 8 bytes of the SHA-256 of the certificate's DER.
    pub fn key_id(&self) -> [u8; 8] {
        self.key_id
    }

    /// The public key to verify signatures with.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Whether this signer may sign certificates of `kind`: a certificate whose extended key
    /// usage names none of the DCC OIDs may sign every kind; otherwise only the kinds named.
    pub fn allows(&self, kind: CertificateType) -> bool {
        self.usages.is_empty() || self.usages.contains(&kind)
    }
}

/// The DCC key id of a DER certificate: the first 8 bytes of its SHA-256.
pub fn key_id_of(der: &[u8]) -> [u8; 8] {
    let digest = crypto::sha256(der);
    let mut kid = [0u8; 8];
    kid.copy_from_slice(&digest[..8]);
    kid
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_certificate() {
        assert_eq!(SignerCertificate::from_der(b""), Err(SignerError::Malformed));
        assert_eq!(SignerCertificate::from_der(&[0x30, 0x03, 0x02, 0x01, 0x00]), Err(SignerError::Malformed));
    }

    #[test]
    fn key_id_is_a_sha256_prefix() {
        // SHA-256("abc") starts with ba7816bf8f01cfea.
        assert_eq!(key_id_of(b"abc"), [0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea]);
    }

    #[test]
    fn no_dcc_usage_allows_everything_and_a_named_one_restricts() {
        let key = crypto::SigningKey::generate_p256().expect("keygen").verifying_key();
        let open = SignerCertificate { key_id: [0; 8], key: key.clone(), usages: vec![] };
        let test_only = SignerCertificate { key_id: [0; 8], key, usages: vec![CertificateType::Test] };
        for kind in [CertificateType::Test, CertificateType::Vaccination, CertificateType::Recovery] {
            assert!(open.allows(kind));
            assert_eq!(test_only.allows(kind), kind == CertificateType::Test);
        }
    }
}
