//! The holder's copy of an issued certificate as bytes — what the wallet seals at rest and what a
//! development issuer writes to a file: a CBOR array `[1, signed, [[name, value, salt], ...]]`,
//! the layout version, the issuer's COSE_Sign1 bytes, and every disclosure with its value in the
//! attribute encoding of [`crate::cert::attributes`].

use ciborium::value::Value;

use crate::cert::{AttributeValue, Disclosure, IssuedCertificate};

/// The layout version written first.
const LAYOUT_VERSION: u64 = 1;

/// The bytes are not a holder's copy. Which part is wrong is not said: it may be personal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a holder's copy of a certificate")]
pub struct HolderCopyError;

impl IssuedCertificate {
    /// The holder's copy as bytes; `None` only if CBOR encoding fails (it cannot for a `Vec`).
    pub fn to_holder_copy(&self) -> Option<Vec<u8>> {
        let disclosures = self
            .disclosures
            .iter()
            .map(|d| {
                Value::Array(vec![
                    Value::Text(d.name.clone()),
                    d.value.to_cbor(),
                    Value::Bytes(d.salt.clone()),
                ])
            })
            .collect();
        let item = Value::Array(vec![
            Value::Integer(LAYOUT_VERSION.into()),
            Value::Bytes(self.signed.clone()),
            Value::Array(disclosures),
        ]);
        let mut out = Vec::new();
        ciborium::ser::into_writer(&item, &mut out).ok()?;
        Some(out)
    }

    /// Reads bytes written by [`IssuedCertificate::to_holder_copy`]. Nothing is verified here.
    ///
    /// # Errors
    /// [`HolderCopyError`] for anything else, including another layout version.
    pub fn from_holder_copy(bytes: &[u8]) -> Result<Self, HolderCopyError> {
        let item: Value = ciborium::de::from_reader(bytes).map_err(|_| HolderCopyError)?;
        let Value::Array(parts) = item else { return Err(HolderCopyError) };
        let [version, signed, disclosures] = <[Value; 3]>::try_from(parts).map_err(|_| HolderCopyError)?;
        match version {
            Value::Integer(v) if u64::try_from(v) == Ok(LAYOUT_VERSION) => {}
            _ => return Err(HolderCopyError),
        }
        let (Value::Bytes(signed), Value::Array(disclosures)) = (signed, disclosures) else {
            return Err(HolderCopyError);
        };
        let disclosures = disclosures.into_iter().map(decode_disclosure).collect::<Result<_, _>>()?;
        Ok(IssuedCertificate { signed, disclosures })
    }
}

fn decode_disclosure(item: Value) -> Result<Disclosure, HolderCopyError> {
    let Value::Array(parts) = item else { return Err(HolderCopyError) };
    let [name, value, salt] = <[Value; 3]>::try_from(parts).map_err(|_| HolderCopyError)?;
    let (Value::Text(name), Value::Bytes(salt)) = (name, salt) else { return Err(HolderCopyError) };
    let value = AttributeValue::from_cbor(&value).map_err(|_| HolderCopyError)?;
    Ok(Disclosure { name, value, salt })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> IssuedCertificate {
        IssuedCertificate {
            signed: vec![0xd2, 1, 2, 3],
            disclosures: vec![
                Disclosure::with_random_salt("name", AttributeValue::Text("李四".into())).expect("salt"),
                Disclosure::with_random_salt("age_over_18", AttributeValue::Bool(true)).expect("salt"),
                Disclosure::with_random_salt("photo", AttributeValue::Bytes(vec![9; 40])).expect("salt"),
                Disclosure::with_random_salt("capital", AttributeValue::Integer(-5)).expect("salt"),
            ],
        }
    }

    #[test]
    fn round_trip_keeps_everything() {
        let issued = sample();
        let bytes = issued.to_holder_copy().expect("encode");
        assert_eq!(IssuedCertificate::from_holder_copy(&bytes), Ok(issued));
    }

    #[test]
    fn anything_else_is_refused_not_a_panic() {
        let good = sample().to_holder_copy().expect("encode");
        for len in 0..good.len() {
            assert_eq!(
                IssuedCertificate::from_holder_copy(&good[..len]),
                Err(HolderCopyError),
                "cut at {len}"
            );
        }
        let mut other_version = Vec::new();
        let item = Value::Array(vec![Value::Integer(2.into()), Value::Bytes(vec![]), Value::Array(vec![])]);
        ciborium::ser::into_writer(&item, &mut other_version).expect("encode");
        assert_eq!(IssuedCertificate::from_holder_copy(&other_version), Err(HolderCopyError));
        for junk in [&b"\xff\x00garbage"[..], b"\x83\x01\x40\x81\x83\x01\x02\x03"] {
            assert_eq!(IssuedCertificate::from_holder_copy(junk), Err(HolderCopyError));
        }
    }
}
