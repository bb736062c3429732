//! The holder's copy of an issued certificate as a file: a CBOR array
//! `[1, signed, [[name, value, salt], ...]]` — the layout version, the issuer's COSE_Sign1
//! bytes, and every disclosure with its value in the attribute encoding of
//! [`shimin_core::cert::attributes`]. The same layout the wallet store seals.

use ciborium::value::Value;
use shimin_core::cert::{AttributeValue, Disclosure, IssuedCertificate};

/// The layout version written first.
const VERSION: u64 = 1;

/// The file is not a holder's copy; which part is wrong is not said (it may be personal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadHolderCopy;

/// The file's bytes.
pub fn encode(issued: &IssuedCertificate) -> Option<Vec<u8>> {
    let disclosures = issued
        .disclosures
        .iter()
        .map(|d| {
            Value::Array(vec![Value::Text(d.name.clone()), d.value.to_cbor(), Value::Bytes(d.salt.clone())])
        })
        .collect();
    let item = Value::Array(vec![
        Value::Integer(VERSION.into()),
        Value::Bytes(issued.signed.clone()),
        Value::Array(disclosures),
    ]);
    let mut out = Vec::new();
    ciborium::ser::into_writer(&item, &mut out).ok()?;
    Some(out)
}

/// Reads a file written by [`encode`].
pub fn decode(bytes: &[u8]) -> Result<IssuedCertificate, BadHolderCopy> {
    let item: Value = ciborium::de::from_reader(bytes).map_err(|_| BadHolderCopy)?;
    let Value::Array(parts) = item else { return Err(BadHolderCopy) };
    let [version, signed, disclosures] = <[Value; 3]>::try_from(parts).map_err(|_| BadHolderCopy)?;
    match version {
        Value::Integer(v) if u64::try_from(v) == Ok(VERSION) => {}
        _ => return Err(BadHolderCopy),
    }
    let (Value::Bytes(signed), Value::Array(disclosures)) = (signed, disclosures) else {
        return Err(BadHolderCopy);
    };
    let disclosures = disclosures.into_iter().map(decode_disclosure).collect::<Result<_, _>>()?;
    Ok(IssuedCertificate { signed, disclosures })
}

fn decode_disclosure(item: Value) -> Result<Disclosure, BadHolderCopy> {
    let Value::Array(parts) = item else { return Err(BadHolderCopy) };
    let [name, value, salt] = <[Value; 3]>::try_from(parts).map_err(|_| BadHolderCopy)?;
    let (Value::Text(name), Value::Bytes(salt)) = (name, salt) else { return Err(BadHolderCopy) };
    let value = AttributeValue::from_cbor(&value).map_err(|_| BadHolderCopy)?;
    Ok(Disclosure { name, value, salt })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)] // test code

    use super::*;

    #[test]
    fn a_holder_copy_reads_back_and_junk_is_refused() {
        let issued = IssuedCertificate {
            signed: vec![0xd2, 0x84],
            disclosures: vec![
                Disclosure {
                    name: "name".into(),
                    value: AttributeValue::Text("x".into()),
                    salt: vec![7; 32],
                },
                Disclosure {
                    name: "age_over_18".into(),
                    value: AttributeValue::Bool(true),
                    salt: vec![8; 32],
                },
            ],
        };
        let bytes = encode(&issued).expect("encode");
        assert_eq!(decode(&bytes), Ok(issued));
        for junk in
            [&b""[..], b"\x83\x02\x40\x80", b"\x83\x01\x40\x81\x83\x01\x02\x03", &bytes[..bytes.len() - 1]]
        {
            assert_eq!(decode(junk), Err(BadHolderCopy));
        }
    }
}
