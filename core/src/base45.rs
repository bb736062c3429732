//! Base45 (RFC 9285): the QR-friendly text encoding of the presentation and of EU DCC "HC1".
//!
//! Every two bytes become three characters of a 45-character alphabet (a trailing odd byte becomes
//! two), least significant digit first, so the text fits the QR alphanumeric mode.

/// The Base45 alphabet, indexed by digit value.
const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Why a text is not valid Base45. Carries positions only, never the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Base45Error {
    /// A character outside the Base45 alphabet.
    #[error("character {position} is not in the Base45 alphabet")]
    InvalidCharacter {
        /// Zero-based byte offset of the character.
        position: usize,
    },
    /// The length leaves a single character at the end, which encodes nothing.
    #[error("the Base45 text ends with a dangling character")]
    DanglingCharacter,
    /// A group decodes to a value too large for its bytes (over 65535 for three characters,
    /// over 255 for a final pair).
    #[error("the Base45 group at {position} is out of range")]
    ValueOutOfRange {
        /// Zero-based byte offset of the group.
        position: usize,
    },
}

/// Encodes bytes as Base45 text.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(2) * 3);
    let mut push = |digit: u32| {
        // `digit < 45` by construction, so the index is in bounds.
        out.push(char::from(ALPHABET[(digit % 45) as usize]));
    };
    for chunk in data.chunks(2) {
        match *chunk {
            [a, b] => {
                let n = u32::from(a) * 256 + u32::from(b);
                push(n % 45);
                push(n / 45 % 45);
                push(n / (45 * 45));
            }
            [a] => {
                let n = u32::from(a);
                push(n % 45);
                push(n / 45);
            }
            _ => {}
        }
    }
    out
}

/// Decodes Base45 text into bytes.
///
/// # Errors
/// [`Base45Error`] for a character outside the alphabet, a dangling final character, or a group
/// whose value does not fit its bytes.
pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    for (index, group) in bytes.chunks(3).enumerate() {
        let position = index * 3;
        // Least significant digit first: c + d*45 + e*45^2.
        let mut value = 0u32;
        let mut weight = 1u32;
        for (offset, c) in group.iter().enumerate() {
            let digit = ALPHABET
                .iter()
                .position(|a| a == c)
                .ok_or(Base45Error::InvalidCharacter { position: position + offset })?;
            value += digit as u32 * weight;
            weight *= 45;
        }
        match group.len() {
            3 => {
                let pair = u16::try_from(value).map_err(|_| Base45Error::ValueOutOfRange { position })?;
                out.extend_from_slice(&pair.to_be_bytes());
            }
            2 => out.push(u8::try_from(value).map_err(|_| Base45Error::ValueOutOfRange { position })?),
            _ => return Err(Base45Error::DanglingCharacter),
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// The examples of RFC 9285 section 4.
    const RFC_VECTORS: [(&str, &str); 4] =
        [("AB", "BB8"), ("Hello!!", "%69 VD92EX0"), ("base-45", "UJCLQE7W581"), ("ietf!", "QED8WEX0")];

    #[test]
    fn rfc_9285_vectors_encode_and_decode() {
        for (plain, encoded) in RFC_VECTORS {
            assert_eq!(encode(plain.as_bytes()), encoded, "encoding {plain}");
            assert_eq!(decode(encoded).expect("valid"), plain.as_bytes(), "decoding {encoded}");
        }
    }

    #[test]
    fn a_group_over_65535_is_rejected() {
        // "GGW" is 16 + 16*45 + 32*45^2 = 65536.
        assert_eq!(decode("GGW"), Err(Base45Error::ValueOutOfRange { position: 0 }));
        assert_eq!(decode("FGW").expect("65535"), [0xff, 0xff]);
    }

    #[test]
    fn a_final_pair_over_255_is_rejected() {
        assert_eq!(decode("BB8::"), Err(Base45Error::ValueOutOfRange { position: 3 }));
    }

    #[test]
    fn bad_characters_and_dangling_length_are_rejected() {
        assert_eq!(decode("BB8a"), Err(Base45Error::InvalidCharacter { position: 3 }));
        assert_eq!(decode("BB8é"), Err(Base45Error::InvalidCharacter { position: 3 }));
        assert_eq!(decode("BB8B"), Err(Base45Error::DanglingCharacter));
        assert_eq!(decode("").expect("empty"), Vec::<u8>::new());
    }

    #[test]
    fn every_byte_pair_round_trips() {
        let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).chain([7]).collect();
        assert_eq!(decode(&encode(&data)).expect("round trip"), data);
    }
}
