//! A thin, strict layer over `ciborium` values for the formats of this module: one item per
//! buffer, maps without duplicate keys, and typed accessors that name the field that is wrong
//! (never its content).

use crate::cose::Value;

/// Decodes exactly one CBOR item; trailing bytes are an error. Nesting depth is bounded by
/// `ciborium`'s recursion limit, so hostile input cannot overflow the stack.
pub(crate) fn decode_one(bytes: &[u8]) -> Option<Value> {
    let mut rest = bytes;
    let value: Value = ciborium::de::from_reader(&mut rest).ok()?;
    rest.is_empty().then_some(value)
}

/// Encodes a value; `None` only if the writer fails, which a `Vec` never does.
pub(crate) fn encode(value: &Value) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).ok()?;
    Some(out)
}

/// An integer-valued CBOR map key or value.
pub(crate) fn int(i: i64) -> Value {
    Value::Integer(i.into())
}

/// An unsigned CBOR integer.
pub(crate) fn uint(u: u64) -> Value {
    Value::Integer(u.into())
}

/// The entries of a CBOR map, taken out one key at a time.
#[derive(Debug)]
pub(crate) struct MapReader {
    entries: Vec<(Value, Value)>,
}

impl MapReader {
    /// Reads a map, refusing anything else and any duplicate key.
    pub(crate) fn new(value: Value) -> Result<Self, &'static str> {
        let Value::Map(entries) = value else { return Err("not a map") };
        for (i, (key, _)) in entries.iter().enumerate() {
            if entries[..i].iter().any(|(earlier, _)| earlier == key) {
                return Err("duplicate map key");
            }
        }
        Ok(Self { entries })
    }

    fn take(&mut self, wanted: &Value) -> Option<Value> {
        let position = self.entries.iter().position(|(key, _)| key == wanted)?;
        Some(self.entries.swap_remove(position).1)
    }

    /// Removes and returns the value under the integer key `key`.
    pub(crate) fn take_int(&mut self, key: i64) -> Option<Value> {
        self.take(&int(key))
    }

    /// Removes and returns the value under the text key `key`.
    pub(crate) fn take_text(&mut self, key: &str) -> Option<Value> {
        self.take(&Value::Text(key.to_owned()))
    }

    /// Succeeds only if every key was taken (for our own, strictly versioned formats).
    pub(crate) fn finish(self) -> Result<(), &'static str> {
        if self.entries.is_empty() { Ok(()) } else { Err("unknown map key") }
    }
}

/// The value as an `i64`.
pub(crate) fn as_i64(value: Value) -> Option<i64> {
    match value {
        Value::Integer(i) => i64::try_from(i).ok(),
        _ => None,
    }
}

/// The value as a `u64`.
pub(crate) fn as_u64(value: Value) -> Option<u64> {
    match value {
        Value::Integer(i) => u64::try_from(i).ok(),
        _ => None,
    }
}

/// The value as a text string.
pub(crate) fn as_text(value: Value) -> Option<String> {
    match value {
        Value::Text(t) => Some(t),
        _ => None,
    }
}

/// The value as a byte string.
pub(crate) fn as_bytes(value: Value) -> Option<Vec<u8>> {
    match value {
        Value::Bytes(b) => Some(b),
        _ => None,
    }
}

/// The value as an array.
pub(crate) fn as_array(value: Value) -> Option<Vec<Value>> {
    match value {
        Value::Array(a) => Some(a),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_item_only_and_no_duplicate_keys() {
        assert_eq!(decode_one(&[0x01]), Some(int(1)));
        assert_eq!(decode_one(&[0x01, 0x02]), None);
        assert_eq!(decode_one(&[]), None);
        // {1: 2, 1: 3}
        let duplicate = decode_one(&[0xa2, 0x01, 0x02, 0x01, 0x03]).expect("cbor");
        assert_eq!(MapReader::new(duplicate).err(), Some("duplicate map key"));
        // {1: 2, "a": 3}
        let map = decode_one(&[0xa2, 0x01, 0x02, 0x61, b'a', 0x03]).expect("cbor");
        let mut reader = MapReader::new(map).expect("map");
        assert_eq!(reader.take_int(1).and_then(as_i64), Some(2));
        assert_eq!(reader.take_int(1), None);
        assert_eq!(reader.take_text("a").and_then(as_u64), Some(3));
        assert_eq!(reader.finish(), Ok(()));
        assert_eq!(MapReader::new(int(1)).err(), Some("not a map"));
    }
}
