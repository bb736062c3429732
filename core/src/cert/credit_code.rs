//! The unified social credit code of GB 32100-2015 (统一社会信用代码).
//!
//! Eighteen characters from the 31-character alphabet `0-9 A-H J-N P-R T-U W-Y` (no `I`, `O`,
//! `Z`, `S`, `V`): the registration authority, the organisation kind, a six-digit administrative
//! division code, the nine-character organisation code of GB 11714 and a check character.
//!
//! The check character is MOD 31: with `v(c)` the position of a character in the alphabet and the
//! weights `w = 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28` (3^i mod 31), the
//! check is the character of value `31 - (Σ v(cᵢ)·wᵢ mod 31)`, where 31 counts as 0.
//!
//! Only the structure checked here is enforced: the nine-character organisation code is not
//! checked against GB 11714's own check character, because codes issued to sole proprietors do
//! not always carry a valid one.

use std::fmt;
use std::str::FromStr;

/// The alphabet of GB 32100-2015, in value order.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The weights of positions 1 to 17.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Why a string is not a unified social credit code. Never contains the code itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    /// The code does not have exactly 18 characters.
    #[error("a unified social credit code has 18 characters, this one has {0}")]
    WrongLength(usize),
    /// A character outside the alphabet `0-9 A-H J-N P-R T-U W-Y` (lowercase included).
    #[error("character {position} of the credit code is not in the GB 32100 alphabet")]
    InvalidCharacter {
        /// One-based position of the offending character.
        position: usize,
    },
    /// Characters 3 to 8, the administrative division code, are not all digits.
    #[error("the administrative division code inside the credit code is not six digits")]
    InvalidDivisionCode,
    /// The check character does not match the first 17 characters.
    #[error("the check character of the credit code is wrong")]
    ChecksumMismatch,
}

/// The value of `c` in the GB 32100 alphabet.
fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|a| *a == c).and_then(|p| u32::try_from(p).ok())
}

/// The check character for the first 17 characters of a credit code.
///
/// # Errors
/// [`CreditCodeError::WrongLength`] when `first17` is not 17 characters and
/// [`CreditCodeError::InvalidCharacter`] for a character outside the alphabet.
pub fn check_character(first17: &str) -> Result<char, CreditCodeError> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return Err(CreditCodeError::WrongLength(first17.chars().count()));
    }
    let mut sum = 0u32;
    for (i, (c, w)) in bytes.iter().zip(WEIGHTS).enumerate() {
        let v = value_of(*c).ok_or(CreditCodeError::InvalidCharacter { position: i + 1 })?;
        sum += v * w;
    }
    let check = (31 - sum % 31) % 31;
    Ok(char::from(ALPHABET[check as usize]))
}

/// A unified social credit code whose length, alphabet, division digits and check character have
/// been checked. Credit codes name organisations and are public, so `Debug` shows them.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses and checks a credit code. No normalisation: lowercase letters are refused.
    ///
    /// # Errors
    /// The first problem found, in the order length, characters, division code, check character.
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let bytes = input.as_bytes();
        if bytes.len() != 18 {
            return Err(CreditCodeError::WrongLength(input.chars().count()));
        }
        if let Some(i) = bytes.iter().position(|c| value_of(*c).is_none()) {
            return Err(CreditCodeError::InvalidCharacter { position: i + 1 });
        }
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::InvalidDivisionCode);
        }
        // All bytes are ASCII here, so slicing at 17 is on a character boundary.
        if check_character(&input[..17])? != char::from(bytes[17]) {
            return Err(CreditCodeError::ChecksumMismatch);
        }
        Ok(Self(input.to_owned()))
    }

    /// A code from a table compiled into the crate, checked by unit tests instead of at run time.
    pub(super) fn from_table(code: &'static str) -> Self {
        Self::parse(code).unwrap_or_else(|_| Self(code.to_owned()))
    }

    /// The code itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit administrative division code (characters 3 to 8).
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CreditCode({})", self.0)
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CreditCode> for String {
    fn from(code: CreditCode) -> Self {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published codes: the example of GB 32100-2015 itself and codes printed on the business
    /// licences of large companies. Their check characters were not computed by this module.
    const PUBLISHED: [&str; 5] = [
        "91350100M000100Y43",
        "914403001922038216",
        "91440300708461136T",
        "91330100716105852F",
        "91110000802100433B",
    ];

    #[test]
    fn published_codes_are_accepted() {
        for code in PUBLISHED {
            let parsed = CreditCode::parse(code).expect(code);
            assert_eq!(parsed.as_str(), code);
        }
        assert_eq!(CreditCode::parse(PUBLISHED[0]).expect("valid").division_code(), "350100");
    }

    #[test]
    fn hand_computed_check_character() {
        // 1·1 + 1·3 + 1·9 + 0… + 1·28 (positions 1, 2, 3 and 17 are `1`) = 41; 41 mod 31 = 10;
        // 31 - 10 = 21, and the 22nd character of the alphabet is `M`.
        assert_eq!(check_character("11100000000000001"), Ok('M'));
        assert!(CreditCode::parse("11100000000000001M").is_ok());
    }

    #[test]
    fn every_wrong_check_character_is_rejected() {
        for code in PUBLISHED {
            for c in ALPHABET.iter().map(|b| char::from(*b)).filter(|c| !code.ends_with(*c)) {
                let candidate = format!("{}{c}", &code[..17]);
                assert_eq!(CreditCode::parse(&candidate), Err(CreditCodeError::ChecksumMismatch), "{c}");
            }
        }
    }

    #[test]
    fn each_kind_of_mistake_has_its_own_reason() {
        assert_eq!(CreditCode::parse("9135010"), Err(CreditCodeError::WrongLength(7)));
        assert_eq!(CreditCode::parse("91350100M000100Y4"), Err(CreditCodeError::WrongLength(17)));
        // `I`, `O`, `S`, `V`, `Z` and lowercase letters are outside the alphabet.
        for bad in ["91350100I000100Y43", "91350100O000100Y43", "91350100S000100Y43", "91350100m000100Y43"] {
            assert_eq!(CreditCode::parse(bad), Err(CreditCodeError::InvalidCharacter { position: 9 }));
        }
        assert_eq!(
            CreditCode::parse("913501中000100Y43"),
            Err(CreditCodeError::InvalidCharacter { position: 7 })
        );
        assert_eq!(CreditCode::parse("9135A100M000100Y43"), Err(CreditCodeError::InvalidDivisionCode));
    }

    #[test]
    fn serde_parses_instead_of_trusting() {
        let ok: CreditCode = serde_json::from_str("\"914403001922038216\"").expect("valid");
        assert_eq!(ok.as_str(), "914403001922038216");
        assert!(serde_json::from_str::<CreditCode>("\"914403001922038217\"").is_err());
    }
}
