//! The certificate identifier in the style of GB/T 36904 (电子证照标识).
//!
//! ```text
//! 1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>
//! ```
//!
//! - `1.2.156.3005.2` is the fixed root (the e-certificate arc under China's `1.2.156`);
//! - the **type code** is the 18-character unified social credit code of the ministry that
//!   defines the certificate type followed by three digits (21 characters);
//! - the **issuer code** is the 18-character unified social credit code of the issuing department;
//! - the **serial** is 1 to 20 decimal digits chosen by the issuer; leading zeros are significant
//!   (`007` and `7` are different serials);
//! - the **version** is three digits, `000` to `999`; a renewed certificate keeps its serial and
//!   takes the next version;
//! - the **check** character is ISO 7064 MOD 37,36 (the hybrid system over the 36 characters
//!   `0-9 A-Z`) computed over **every character before the last dot, with the dots removed**:
//!   `1215630052` + type code + issuer code + serial + version.
//!
//! Identifiers are not normalised: lowercase letters are refused, as are spaces.

use std::fmt;
use std::str::FromStr;

use super::credit_code::{CreditCode, CreditCodeError};

/// The fixed root of every identifier, with its trailing dot.
pub const ROOT: &str = "1.2.156.3005.2.";

/// The longest serial allowed, in digits.
pub const MAX_SERIAL_DIGITS: usize = 20;

/// The ISO 7064 MOD 37,36 alphabet, in value order.
const ALPHABET_36: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Why a string is not a valid certificate identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CertificateIdError {
    /// A character outside ASCII.
    #[error("the identifier contains a non-ASCII character")]
    NotAscii,
    /// The identifier does not start with `1.2.156.3005.2.`.
    #[error("the identifier does not start with the e-certificate root 1.2.156.3005.2")]
    WrongRoot,
    /// After the root there are not exactly five dot-separated parts.
    #[error("the identifier has {0} parts after the root, expected 5")]
    WrongPartCount(usize),
    /// The type code is not 21 characters long.
    #[error("the type code has {0} characters, expected 21")]
    TypeCodeLength(usize),
    /// The ministry's credit code inside the type code is not valid.
    #[error("the ministry code inside the type code is not valid: {0}")]
    TypeCodeMinistry(CreditCodeError),
    /// The last three characters of the type code are not digits.
    #[error("the type code does not end with three digits")]
    TypeCodeNumber,
    /// The issuer's credit code is not valid.
    #[error("the issuer code is not valid: {0}")]
    IssuerCode(CreditCodeError),
    /// The serial is empty or longer than [`MAX_SERIAL_DIGITS`].
    #[error("the serial has {0} characters, expected 1 to 20 digits")]
    SerialLength(usize),
    /// The serial contains something other than digits.
    #[error("the serial contains a character other than a digit")]
    SerialCharacter,
    /// The version is not exactly three digits.
    #[error("the version is not three digits")]
    Version,
    /// There is no next version after `999`.
    #[error("the certificate has reached its last version")]
    VersionExhausted,
    /// The check part is not one character of `0-9 A-Z`.
    #[error("the check part is not a single character of 0-9 A-Z")]
    CheckCharacterFormat,
    /// The check character does not match the rest of the identifier.
    #[error("the check character of the identifier is wrong")]
    ChecksumMismatch,
}

/// The ISO 7064 MOD 37,36 check character of `data`, or `None` when `data` holds a character
/// outside `0-9 A-Z`.
///
/// The hybrid system with `M = 36`: start with `p = 36`; for each character of value `v`, take
/// `s = (p + v) mod 36` (0 counting as 36) and `p = 2s mod 37`; the check is the character of
/// value `(37 - p) mod 36`, the one that makes a final step land on `s = 1`.
pub fn mod37_36_check(data: &str) -> Option<char> {
    let mut p: u32 = 36;
    for c in data.bytes() {
        let v = ALPHABET_36.iter().position(|a| *a == c)?;
        let v = u32::try_from(v).ok()?;
        let s = match (p + v) % 36 {
            0 => 36,
            s => s,
        };
        p = (2 * s) % 37;
    }
    Some(char::from(ALPHABET_36[((37 - p) % 36) as usize]))
}

/// The code of a certificate type: the defining ministry's credit code and a three-digit number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeCode {
    ministry: CreditCode,
    number: u16,
}

impl TypeCode {
    /// A type code from its parts; `None` when `number` exceeds 999.
    pub fn new(ministry: CreditCode, number: u16) -> Option<Self> {
        (number <= 999).then_some(Self { ministry, number })
    }

    /// Parses the 21-character form.
    ///
    /// # Errors
    /// [`CertificateIdError::TypeCodeLength`], [`CertificateIdError::TypeCodeMinistry`] or
    /// [`CertificateIdError::TypeCodeNumber`]; [`CertificateIdError::NotAscii`] for non-ASCII.
    pub fn parse(input: &str) -> Result<Self, CertificateIdError> {
        if !input.is_ascii() {
            return Err(CertificateIdError::NotAscii);
        }
        if input.len() != 21 {
            return Err(CertificateIdError::TypeCodeLength(input.len()));
        }
        let ministry = CreditCode::parse(&input[..18]).map_err(CertificateIdError::TypeCodeMinistry)?;
        let number = three_digits(&input[18..]).ok_or(CertificateIdError::TypeCodeNumber)?;
        Ok(Self { ministry, number })
    }

    /// A type code from a table compiled into the crate, checked by unit tests instead of at run
    /// time.
    pub(super) fn from_table(code: &'static str) -> Self {
        Self::parse(code).unwrap_or_else(|_| Self {
            ministry: CreditCode::from_table(code.get(..18).unwrap_or_default()),
            number: code.get(18..).and_then(|n| n.parse().ok()).unwrap_or(0),
        })
    }

    /// The ministry that defines the type.
    pub fn ministry(&self) -> &CreditCode {
        &self.ministry
    }

    /// The three-digit number of the type within the ministry.
    pub fn number(&self) -> u16 {
        self.number
    }
}

impl fmt::Display for TypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:03}", self.ministry, self.number)
    }
}

impl fmt::Debug for TypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TypeCode({self})")
    }
}

/// Exactly three ASCII digits as a number.
fn three_digits(s: &str) -> Option<u16> {
    if s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
}

/// A serial number: 1 to 20 decimal digits, leading zeros significant.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Serial(String);

impl Serial {
    /// Parses a serial.
    ///
    /// # Errors
    /// [`CertificateIdError::SerialLength`] or [`CertificateIdError::SerialCharacter`].
    pub fn parse(input: &str) -> Result<Self, CertificateIdError> {
        if input.is_empty() || input.len() > MAX_SERIAL_DIGITS {
            return Err(CertificateIdError::SerialLength(input.chars().count()));
        }
        if !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CertificateIdError::SerialCharacter);
        }
        Ok(Self(input.to_owned()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Serial({})", self.0)
    }
}

/// A parsed certificate identifier whose every part and check character have been checked.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateId {
    type_code: TypeCode,
    issuer: CreditCode,
    serial: Serial,
    version: u16,
    check: char,
}

impl CertificateId {
    /// Builds an identifier from its parts, computing the check character.
    ///
    /// # Errors
    /// [`CertificateIdError::Version`] when `version` exceeds 999.
    pub fn new(
        type_code: TypeCode,
        issuer: CreditCode,
        serial: Serial,
        version: u16,
    ) -> Result<Self, CertificateIdError> {
        if version > 999 {
            return Err(CertificateIdError::Version);
        }
        let mut id = Self { type_code, issuer, serial, version, check: '0' };
        id.check = mod37_36_check(&id.check_input()).ok_or(CertificateIdError::CheckCharacterFormat)?;
        Ok(id)
    }

    /// Parses and checks an identifier.
    ///
    /// # Errors
    /// The first problem found, in the order: ASCII, root, number of parts, type code, issuer
    /// code, serial, version, check character format, check character value.
    pub fn parse(input: &str) -> Result<Self, CertificateIdError> {
        if !input.is_ascii() {
            return Err(CertificateIdError::NotAscii);
        }
        let rest = input.strip_prefix(ROOT).ok_or(CertificateIdError::WrongRoot)?;
        let parts: Vec<&str> = rest.split('.').collect();
        let [type_code, issuer, serial, version, check] = parts[..] else {
            return Err(CertificateIdError::WrongPartCount(parts.len()));
        };
        let type_code = TypeCode::parse(type_code)?;
        let issuer = CreditCode::parse(issuer).map_err(CertificateIdError::IssuerCode)?;
        let serial = Serial::parse(serial)?;
        let version = three_digits(version).ok_or(CertificateIdError::Version)?;
        let check = match check.as_bytes() {
            [c] if ALPHABET_36.contains(c) => char::from(*c),
            _ => return Err(CertificateIdError::CheckCharacterFormat),
        };
        let id = Self::new(type_code, issuer, serial, version)?;
        if id.check != check {
            return Err(CertificateIdError::ChecksumMismatch);
        }
        Ok(id)
    }

    /// The characters the check character is computed over: everything before the last dot,
    /// without the dots.
    fn check_input(&self) -> String {
        format!(
            "{}{}{}{}{:03}",
            ROOT.replace('.', ""),
            self.type_code,
            self.issuer,
            self.serial.as_str(),
            self.version
        )
    }

    /// The identifier of the next version of the same certificate: same type, issuer and serial,
    /// version plus one, new check character.
    ///
    /// # Errors
    /// [`CertificateIdError::VersionExhausted`] after version 999.
    pub fn next_version(&self) -> Result<Self, CertificateIdError> {
        if self.version >= 999 {
            return Err(CertificateIdError::VersionExhausted);
        }
        Self::new(self.type_code.clone(), self.issuer.clone(), self.serial.clone(), self.version + 1)
    }

    /// The certificate type's code.
    pub fn type_code(&self) -> &TypeCode {
        &self.type_code
    }

    /// The issuing department's credit code.
    pub fn issuer(&self) -> &CreditCode {
        &self.issuer
    }

    /// The serial.
    pub fn serial(&self) -> &Serial {
        &self.serial
    }

    /// The version, 0 to 999.
    pub fn version(&self) -> u16 {
        self.version
    }

    /// The check character.
    pub fn check_character(&self) -> char {
        self.check
    }
}

impl fmt::Display for CertificateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{ROOT}{}.{}.{}.{:03}.{}",
            self.type_code,
            self.issuer,
            self.serial.as_str(),
            self.version,
            self.check
        )
    }
}

impl fmt::Debug for CertificateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertificateId({self})")
    }
}

impl FromStr for CertificateId {
    type Err = CertificateIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for CertificateId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CertificateId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_example_of_mod_37_36() {
        // The Global Release Identifier example A1-2425G-ABC1234002-M uses ISO 7064 MOD 37,36.
        assert_eq!(mod37_36_check("A12425GABC1234002"), Some('M'));
    }

    #[test]
    fn hand_computed_mod_37_36() {
        // "0": s = 36 (0 counts as 36), p = 72 mod 37 = 35; check = (37 - 35) mod 36 = 2.
        assert_eq!(mod37_36_check("0"), Some('2'));
        // "Z" (35): s = 71 mod 36 = 35, p = 70 mod 37 = 33; check = 4.
        assert_eq!(mod37_36_check("Z"), Some('4'));
        // "": p stays 36; check = 1.
        assert_eq!(mod37_36_check(""), Some('1'));
        assert_eq!(mod37_36_check("a"), None);
    }

    /// The final step of the hybrid system over data plus check lands on `s = 1`.
    fn lands_on_one(data_and_check: &str) -> bool {
        let mut p: u32 = 36;
        let mut last_s = 0;
        for c in data_and_check.bytes() {
            let v = ALPHABET_36.iter().position(|a| *a == c).expect("alphabet") as u32;
            last_s = (p + v) % 36;
            let s = if last_s == 0 { 36 } else { last_s };
            p = (2 * s) % 37;
        }
        last_s == 1
    }

    #[test]
    fn every_single_substitution_changes_the_check() {
        let data = "1215630052111000000000000001M00191110000802100433B00004200001";
        let check = mod37_36_check(data).expect("alphabet");
        assert!(lands_on_one(&format!("{data}{check}")));
        let bytes = data.as_bytes();
        for i in 0..bytes.len() {
            for &c in ALPHABET_36.iter().filter(|c| **c != bytes[i]) {
                let mut changed = bytes.to_vec();
                changed[i] = c;
                let changed = String::from_utf8(changed).expect("ascii");
                assert_ne!(mod37_36_check(&changed), Some(check), "substitution at {i}");
                assert!(!lands_on_one(&format!("{changed}{check}")));
            }
        }
    }

    #[test]
    fn adjacent_transpositions_are_almost_always_detected() {
        // The hybrid system does not catch every adjacent transposition: the reduction modulo 36
        // can map both orders to the same state. In this very identifier, swapping the "10" at
        // positions 43 and 44 keeps the check (verified independently). Over every ordered pair
        // of distinct characters after a few prefixes, fewer than 1% go unnoticed.
        let data = "1215630052111000000000000001M00191110000802100433B00004200001";
        let swapped = "1215630052111000000000000001M00191110000802010433B00004200001";
        assert_eq!(mod37_36_check(data), mod37_36_check(swapped));
        let (mut missed, mut total) = (0, 0);
        for prefix in ["", "1", "Z", "12", "A7Q", "1215630052"] {
            for &a in ALPHABET_36 {
                for &b in ALPHABET_36.iter().filter(|b| **b != a) {
                    let one = format!("{prefix}{}{}5", char::from(a), char::from(b));
                    let other = format!("{prefix}{}{}5", char::from(b), char::from(a));
                    total += 1;
                    if mod37_36_check(&one) == mod37_36_check(&other) {
                        missed += 1;
                    }
                }
            }
        }
        assert!(missed > 0, "the hybrid system is known not to be perfect");
        assert!(missed * 100 < total, "{missed} of {total} transpositions missed");
    }

    fn sample() -> CertificateId {
        let ministry = CreditCode::parse("11100000000000001M").expect("code");
        CertificateId::new(
            TypeCode::new(ministry, 1).expect("type"),
            CreditCode::parse("91110000802100433B").expect("code"),
            Serial::parse("4200001").expect("serial"),
            0,
        )
        .expect("id")
    }

    #[test]
    fn display_parses_back() {
        let id = sample();
        let text = id.to_string();
        assert!(text.starts_with("1.2.156.3005.2.11100000000000001M001.91110000802100433B.4200001.000."));
        assert_eq!(CertificateId::parse(&text), Ok(id));
    }

    #[test]
    fn next_version_keeps_the_serial_and_recomputes_the_check() {
        let id = sample();
        let next = id.next_version().expect("next");
        assert_eq!(next.version(), 1);
        assert_eq!(next.serial(), id.serial());
        assert_eq!(CertificateId::parse(&next.to_string()), Ok(next.clone()));
        let mut last = next;
        while last.version() < 999 {
            last = last.next_version().expect("next");
        }
        assert_eq!(last.next_version(), Err(CertificateIdError::VersionExhausted));
    }
}
