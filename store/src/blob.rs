//! The plaintext of a stored certificate before it is sealed: a CBOR array
//! `[1, signed, [[name, value, salt], ...]]` — the layout version, the issuer's COSE_Sign1 bytes,
//! and every disclosure with the value in the attribute encoding of
//! [`shimin_core::cert::attributes`].

use ciborium::value::Value;
use shimin_core::cert::{AttributeValue, Disclosure, IssuedCertificate};

/// The layout version written first in every blob.
const BLOB_VERSION: u64 = 1;

/// The blob could not be read back; which part is not said (it may be personal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadBlob;

pub(crate) fn encode(issued: &IssuedCertificate) -> Option<Vec<u8>> {
    let disclosures = issued
        .disclosures
        .iter()
        .map(|d| {
            Value::Array(vec![Value::Text(d.name.clone()), d.value.to_cbor(), Value::Bytes(d.salt.clone())])
        })
        .collect();
    let item = Value::Array(vec![
        Value::Integer(BLOB_VERSION.into()),
        Value::Bytes(issued.signed.clone()),
        Value::Array(disclosures),
    ]);
    let mut out = Vec::new();
    ciborium::ser::into_writer(&item, &mut out).ok()?;
    Some(out)
}

pub(crate) fn decode(bytes: &[u8]) -> Result<IssuedCertificate, BadBlob> {
    let item: Value = ciborium::de::from_reader(bytes).map_err(|_| BadBlob)?;
    let Value::Array(parts) = item else { return Err(BadBlob) };
    let [version, signed, disclosures] = <[Value; 3]>::try_from(parts).map_err(|_| BadBlob)?;
    let version = match version {
        Value::Integer(v) => u64::try_from(v).map_err(|_| BadBlob)?,
        _ => return Err(BadBlob),
    };
    if version != BLOB_VERSION {
        return Err(BadBlob);
    }
    let (Value::Bytes(signed), Value::Array(disclosures)) = (signed, disclosures) else {
        return Err(BadBlob);
    };
    let disclosures = disclosures.into_iter().map(decode_disclosure).collect::<Result<_, _>>()?;
    Ok(IssuedCertificate { signed, disclosures })
}

fn decode_disclosure(item: Value) -> Result<Disclosure, BadBlob> {
    let Value::Array(parts) = item else { return Err(BadBlob) };
    let [name, value, salt] = <[Value; 3]>::try_from(parts).map_err(|_| BadBlob)?;
    let (Value::Text(name), Value::Bytes(salt)) = (name, salt) else { return Err(BadBlob) };
    let value = AttributeValue::from_cbor(&value).map_err(|_| BadBlob)?;
    Ok(Disclosure { name, value, salt })
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
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
        let bytes = encode(&issued).expect("encode");
        assert_eq!(decode(&bytes), Ok(issued));
    }

    #[test]
    fn anything_else_is_a_bad_blob_not_a_panic() {
        let good = encode(&sample()).expect("encode");
        for len in 0..good.len() {
            assert_eq!(decode(&good[..len]), Err(BadBlob), "truncated at {len}");
        }
        let mut other_version = Vec::new();
        let item = Value::Array(vec![Value::Integer(2.into()), Value::Bytes(vec![]), Value::Array(vec![])]);
        ciborium::ser::into_writer(&item, &mut other_version).expect("encode");
        assert_eq!(decode(&other_version), Err(BadBlob));
        assert_eq!(decode(b"\xff\x00garbage"), Err(BadBlob));
    }
}
