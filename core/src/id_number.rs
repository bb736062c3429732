//! The citizen identity number of GB 11643-1999 (公民身份号码), the key of the 一号 index.
//!
//! Eighteen characters: a six-digit administrative division code, the birth date as `YYYYMMDD`,
//! a three-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character
//! (`0`–`9` or `X`).

use std::fmt;
use std::str::FromStr;

use time::{Date, Month};

use crate::sensitive::Sensitive;

/// Why a string is not a valid citizen identity number. Never contains the number itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// The number does not have exactly 18 characters.
    #[error("an identity number has 18 characters, this one has {0}")]
    WrongLength(usize),
    /// A character other than a digit, or other than a digit or `X` in the last place.
    #[error("character {position} of the identity number is not allowed there")]
    InvalidCharacter {
        /// One-based position of the offending character.
        position: usize,
    },
    /// The first two digits are not a province-level division code.
    #[error("the identity number does not start with a known province code")]
    UnknownProvince,
    /// Characters 7–14 are not a real calendar date.
    #[error("the birth date inside the identity number is not a real date")]
    InvalidBirthDate,
    /// The check character does not match the first 17 digits.
    #[error("the check character of the identity number is wrong")]
    ChecksumMismatch,
}

/// A citizen identity number whose length, characters, province, birth date and check character
/// have all been checked. Its `Debug` is redacted; read it with [`IdNumber::as_str`].
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(Sensitive<String>);

/// Weights of ISO 7064 MOD 11-2 for positions 1..=17 (2^(17-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Province-level division codes (GB/T 2260 first two digits) in use on identity numbers.
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54,
    61, 62, 63, 64, 65, 71, 81, 82,
];

/// The check character for the first 17 digits of an identity number.
///
/// # Errors
/// [`IdNumberError::WrongLength`] when `first17` is not 17 characters and
/// [`IdNumberError::InvalidCharacter`] when one of them is not a digit.
pub fn check_character(first17: &str) -> Result<char, IdNumberError> {
    let chars: Vec<char> = first17.chars().collect();
    if chars.len() != 17 {
        return Err(IdNumberError::WrongLength(chars.len()));
    }
    let mut sum = 0u32;
    for (i, (c, w)) in chars.iter().zip(WEIGHTS).enumerate() {
        let d = c.to_digit(10).ok_or(IdNumberError::InvalidCharacter { position: i + 1 })?;
        sum += d * w;
    }
    let value = (12 - sum % 11) % 11;
    Ok(match value {
        10 => 'X',
        v => char::from_digit(v, 10).unwrap_or('0'),
    })
}

impl IdNumber {
    /// Parses and checks an identity number. A lowercase `x` is accepted and stored uppercase.
    ///
    /// # Errors
    /// The first problem found, in the order length, characters, province, birth date, checksum.
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        let s = input.trim().to_ascii_uppercase();
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(IdNumberError::WrongLength(chars.len()));
        }
        for (i, c) in chars.iter().enumerate() {
            let ok = c.is_ascii_digit() || (i == 17 && *c == 'X');
            if !ok {
                return Err(IdNumberError::InvalidCharacter { position: i + 1 });
            }
        }
        let province: u8 = s[0..2].parse().map_err(|_| IdNumberError::UnknownProvince)?;
        if !PROVINCES.contains(&province) {
            return Err(IdNumberError::UnknownProvince);
        }
        birth_date_of(&s)?;
        if check_character(&s[..17])? != chars[17] {
            return Err(IdNumberError::ChecksumMismatch);
        }
        Ok(Self(Sensitive::new(s)))
    }

    /// The number itself (personal data: do not log it).
    pub fn as_str(&self) -> &str {
        self.0.expose()
    }

    /// The holder's date of birth.
    pub fn birth_date(&self) -> Date {
        // Checked in `parse`; the fallback is never reached.
        birth_date_of(self.as_str()).unwrap_or(Date::MIN)
    }

    /// The holder's age in whole years on `today`.
    pub fn age_on(&self, today: Date) -> i32 {
        let born = self.birth_date();
        let mut age = today.year() - born.year();
        if (today.month() as u8, today.day()) < (born.month() as u8, born.day()) {
            age -= 1;
        }
        age
    }

    /// The number with everything but the first four and last four characters hidden, the form
    /// shown on a presentation or a screen: `1101**********0015`.
    pub fn masked(&self) -> String {
        let s = self.as_str();
        format!("{}{}{}", &s[..4], "*".repeat(10), &s[14..])
    }
}

fn birth_date_of(s: &str) -> Result<Date, IdNumberError> {
    let year: i32 = s[6..10].parse().map_err(|_| IdNumberError::InvalidBirthDate)?;
    let month: u8 = s[10..12].parse().map_err(|_| IdNumberError::InvalidBirthDate)?;
    let day: u8 = s[12..14].parse().map_err(|_| IdNumberError::InvalidBirthDate)?;
    if year < 1880 {
        return Err(IdNumberError::InvalidBirthDate);
    }
    let month = Month::try_from(month).map_err(|_| IdNumberError::InvalidBirthDate)?;
    Date::from_calendar_date(year, month, day).map_err(|_| IdNumberError::InvalidBirthDate)
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdNumber([redacted])")
    }
}

impl FromStr for IdNumber {
    type Err = IdNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for IdNumber {
    type Error = IdNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> Self {
        id.0.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example printed in GB 11643-1999 itself.
    const STANDARD_EXAMPLE: &str = "11010519491231002X";

    #[test]
    fn accepts_the_example_of_the_standard() {
        let id = IdNumber::parse(STANDARD_EXAMPLE).expect("valid");
        assert_eq!(id.as_str(), STANDARD_EXAMPLE);
        assert_eq!(id.birth_date(), Date::from_calendar_date(1949, Month::December, 31).expect("date"));
        assert_eq!(id.masked(), "1101**********002X");
    }

    #[test]
    fn lowercase_x_is_normalised() {
        let id = IdNumber::parse("11010519491231002x").expect("valid");
        assert_eq!(id.as_str(), STANDARD_EXAMPLE);
    }

    #[test]
    fn every_wrong_check_character_is_rejected() {
        for c in "0123456789X".chars().filter(|c| *c != 'X') {
            let candidate = format!("{}{c}", &STANDARD_EXAMPLE[..17]);
            assert_eq!(IdNumber::parse(&candidate), Err(IdNumberError::ChecksumMismatch));
        }
    }

    #[test]
    fn each_kind_of_mistake_has_its_own_reason() {
        assert_eq!(IdNumber::parse("1101051949"), Err(IdNumberError::WrongLength(10)));
        assert_eq!(
            IdNumber::parse("11010519491231A02X"),
            Err(IdNumberError::InvalidCharacter { position: 15 })
        );
        assert_eq!(IdNumber::parse("99010519491231002X"), Err(IdNumberError::UnknownProvince));
        let feb30 = format!("11010519490230002{}", check_character("11010519490230002").expect("17"));
        assert_eq!(IdNumber::parse(&feb30), Err(IdNumberError::InvalidBirthDate));
    }

    #[test]
    fn age_counts_whole_years() {
        let id = IdNumber::parse(STANDARD_EXAMPLE).expect("valid");
        let day_before = Date::from_calendar_date(1967, Month::December, 30).expect("date");
        let birthday = Date::from_calendar_date(1967, Month::December, 31).expect("date");
        assert_eq!(id.age_on(day_before), 17);
        assert_eq!(id.age_on(birthday), 18);
    }

    #[test]
    fn debug_and_errors_never_show_the_number() {
        let id = IdNumber::parse(STANDARD_EXAMPLE).expect("valid");
        assert!(!format!("{id:?}").contains("1949"));
        let err = IdNumber::parse("11010519491231002 1").expect_err("invalid");
        assert!(!err.to_string().contains("1949"));
    }

    #[test]
    fn serde_parses_instead_of_trusting() {
        let ok: IdNumber = serde_json::from_str(&format!("\"{STANDARD_EXAMPLE}\"")).expect("valid");
        assert_eq!(ok.as_str(), STANDARD_EXAMPLE);
        assert!(serde_json::from_str::<IdNumber>("\"110105194912310021\"").is_err());
    }
}
