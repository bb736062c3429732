//! One answer of a form checked against its field's kind ([`super`]): the typed value, or
//! the typed reason it was refused. No answer ever appears in a reason.

use std::cmp::Ordering;
use std::fmt;

use shimin_wire::application::{FieldProblemDto, FieldValueDto};
use time::Date;

use super::{self as form, FieldKind};
use crate::cert::attributes::{format_date, parse_date};
use crate::cert::{AttributeValue, CreditCode};
use crate::id_number::IdNumber;

/// The most digits a decimal answer may have (before and after the point).
const MAX_DECIMAL_DIGITS: usize = 18;

/// A decimal number: `units` × 10^-`places`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    units: i128,
    places: u8,
}

impl Decimal {
    /// Parses `-?digits(.digits)?` with at most `places` digits after the point.
    ///
    /// # Errors
    /// [`Problem::NotANumber`] or [`Problem::TooManyPlaces`].
    pub fn parse(text: &str, places: u8) -> Result<Self, Problem> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !digits(whole)
            || !digits(fraction)
            || (body.contains('.') && fraction.is_empty())
            || whole.len() + fraction.len() > MAX_DECIMAL_DIGITS
        {
            return Err(Problem::NotANumber);
        }
        if fraction.len() > usize::from(places) {
            return Err(Problem::TooManyPlaces { places });
        }
        let padded = format!("{whole}{fraction:0<width$}", width = usize::from(places));
        let units: i128 = padded.parse().map_err(|_| Problem::NotANumber)?;
        Ok(Self { units: if negative { -units } else { units }, places })
    }

    fn scaled(self, places: u8) -> i128 {
        self.units * 10i128.pow(u32::from(places.saturating_sub(self.places)))
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let places = self.places.max(other.places);
        self.scaled(places).cmp(&other.scaled(places))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.units < 0 { "-" } else { "" };
        let digits = format!("{:0>width$}", self.units.unsigned_abs(), width = usize::from(self.places) + 1);
        let (whole, fraction) = digits.split_at(digits.len() - usize::from(self.places));
        if fraction.is_empty() { write!(f, "{sign}{whole}") } else { write!(f, "{sign}{whole}.{fraction}") }
    }
}

/// A checked answer. `Debug` shows the kind only: answers are personal data.
#[derive(Clone, PartialEq, Eq)]
pub enum Value {
    /// Text, trimmed.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A decimal number.
    Decimal(Decimal),
    /// A date.
    Date(Date),
    /// One code.
    Choice(String),
    /// Several codes.
    Choices(Vec<String>),
    /// A resident ID number.
    IdNumber(IdNumber),
    /// A credit code.
    CreditCode(CreditCode),
    /// A phone number, digits (and the landline's `-`).
    Phone(String),
    /// An address, trimmed.
    Address(String),
    /// Yes or no.
    YesNo(bool),
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Value::Text(_) => "Text",
            Value::Integer(_) => "Integer",
            Value::Decimal(_) => "Decimal",
            Value::Date(_) => "Date",
            Value::Choice(_) => "Choice",
            Value::Choices(_) => "Choices",
            Value::IdNumber(_) => "IdNumber",
            Value::CreditCode(_) => "CreditCode",
            Value::Phone(_) => "Phone",
            Value::Address(_) => "Address",
            Value::YesNo(_) => "YesNo",
        };
        write!(f, "{kind}([redacted])")
    }
}

impl Value {
    /// The answer as the wire carries it.
    pub fn to_dto(&self) -> FieldValueDto {
        let text = |s: &str| FieldValueDto::Text(s.to_owned());
        match self {
            Value::Text(s) | Value::Choice(s) | Value::Phone(s) | Value::Address(s) => text(s),
            Value::Integer(n) => FieldValueDto::Text(n.to_string()),
            Value::Decimal(d) => FieldValueDto::Text(d.to_string()),
            Value::Date(d) => FieldValueDto::Text(format_date(*d)),
            Value::Choices(codes) => FieldValueDto::Codes(codes.clone()),
            Value::IdNumber(id) => text(id.as_str()),
            Value::CreditCode(code) => text(code.as_str()),
            Value::YesNo(b) => FieldValueDto::YesNo(*b),
        }
    }
}

/// Why an answer was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Required and not answered.
    Missing,
    /// No such field in the form.
    Unknown,
    /// An answer of the wrong shape.
    WrongType,
    /// Fewer characters than `min`.
    TooShort {
        /// The fewest.
        min: u16,
    },
    /// More characters than `max`.
    TooLong {
        /// The most.
        max: u16,
    },
    /// Control characters in text.
    BadCharacters,
    /// Not a number.
    NotANumber,
    /// More digits after the point than `places`.
    TooManyPlaces {
        /// The most.
        places: u8,
    },
    /// Below the least value.
    BelowMinimum {
        /// The least value, as text.
        min: String,
    },
    /// Above the greatest value.
    AboveMaximum {
        /// The greatest value, as text.
        max: String,
    },
    /// Not a date.
    NotADate,
    /// Before the earliest day.
    TooEarly {
        /// The earliest day.
        earliest: Date,
    },
    /// After the latest day.
    TooLate {
        /// The latest day.
        latest: Date,
    },
    /// Not a code of the list.
    NotAnOption,
    /// A code twice.
    RepeatedChoice,
    /// Fewer codes than `min`.
    TooFewChoices {
        /// The fewest.
        min: u8,
    },
    /// More codes than `max`.
    TooManyChoices {
        /// The most.
        max: u8,
    },
    /// Not a valid ID number.
    BadIdNumber,
    /// Not a valid credit code.
    BadCreditCode,
    /// Not a mainland phone number of the kind asked.
    BadPhone,
    /// Comes before the field `after`.
    OutOfOrder {
        /// The field it must not precede.
        after: String,
    },
}

impl From<&Problem> for FieldProblemDto {
    fn from(p: &Problem) -> Self {
        match p.clone() {
            Problem::Missing => FieldProblemDto::Missing,
            Problem::Unknown => FieldProblemDto::Unknown,
            Problem::WrongType => FieldProblemDto::WrongType,
            Problem::TooShort { min } => FieldProblemDto::TooShort { min },
            Problem::TooLong { max } => FieldProblemDto::TooLong { max },
            Problem::BadCharacters => FieldProblemDto::BadCharacters,
            Problem::NotANumber => FieldProblemDto::NotANumber,
            Problem::TooManyPlaces { places } => FieldProblemDto::TooManyPlaces { places },
            Problem::BelowMinimum { min } => FieldProblemDto::BelowMinimum { min },
            Problem::AboveMaximum { max } => FieldProblemDto::AboveMaximum { max },
            Problem::NotADate => FieldProblemDto::NotADate,
            Problem::TooEarly { earliest } => FieldProblemDto::TooEarly { earliest: format_date(earliest) },
            Problem::TooLate { latest } => FieldProblemDto::TooLate { latest: format_date(latest) },
            Problem::NotAnOption => FieldProblemDto::NotAnOption,
            Problem::RepeatedChoice => FieldProblemDto::RepeatedChoice,
            Problem::TooFewChoices { min } => FieldProblemDto::TooFewChoices { min },
            Problem::TooManyChoices { max } => FieldProblemDto::TooManyChoices { max },
            Problem::BadIdNumber => FieldProblemDto::BadIdNumber,
            Problem::BadCreditCode => FieldProblemDto::BadCreditCode,
            Problem::BadPhone => FieldProblemDto::BadPhone,
            Problem::OutOfOrder { after } => FieldProblemDto::OutOfOrder { after },
        }
    }
}

/// A wallet attribute's value as a form's first answer (for [`super::Form::prefill`]):
/// text as text, a date as `YYYY-MM-DD`, a number as its digits, yes/no as itself; bytes (a
/// photo) prefill nothing.
pub fn from_attribute(value: &AttributeValue) -> Option<FieldValueDto> {
    match value {
        AttributeValue::Text(t) => Some(FieldValueDto::Text(t.clone())),
        AttributeValue::Date(d) => Some(FieldValueDto::Text(format_date(*d))),
        AttributeValue::Integer(n) => Some(FieldValueDto::Text(n.to_string())),
        AttributeValue::Bool(b) => Some(FieldValueDto::YesNo(*b)),
        AttributeValue::Bytes(_) => None,
    }
}

/// Whether an answer is empty (blank text, no codes): the same as no answer.
pub(crate) fn is_blank(answer: &FieldValueDto) -> bool {
    match answer {
        FieldValueDto::Text(t) => t.trim().is_empty(),
        FieldValueDto::Codes(c) => c.is_empty(),
        FieldValueDto::YesNo(_) => false,
    }
}

/// How two checked answers of comparable kinds compare (`None` for other kinds).
pub(crate) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        (Value::Integer(a), Value::Integer(b)) => Some(a.cmp(b)),
        (Value::Decimal(a), Value::Decimal(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// Checks a non-blank `answer` against `kind` on `today`.
pub(crate) fn check(kind: &FieldKind, answer: &FieldValueDto, today: Date) -> Result<Value, Problem> {
    match (kind, answer) {
        (FieldKind::YesNo, FieldValueDto::YesNo(b)) => Ok(Value::YesNo(*b)),
        (FieldKind::MultiChoice { options, min, max }, FieldValueDto::Codes(codes)) => {
            for (i, code) in codes.iter().enumerate() {
                if !options.iter().any(|o| o.code == *code) {
                    return Err(Problem::NotAnOption);
                }
                if codes[..i].contains(code) {
                    return Err(Problem::RepeatedChoice);
                }
            }
            let count = codes.len();
            if count < usize::from(*min) {
                return Err(Problem::TooFewChoices { min: *min });
            }
            if count > usize::from(*max) {
                return Err(Problem::TooManyChoices { max: *max });
            }
            Ok(Value::Choices(codes.clone()))
        }
        (FieldKind::YesNo | FieldKind::MultiChoice { .. }, _) => Err(Problem::WrongType),
        (kind, FieldValueDto::Text(raw)) => check_text(kind, raw.trim(), today),
        (_, _) => Err(Problem::WrongType),
    }
}

fn check_text(kind: &FieldKind, text: &str, today: Date) -> Result<Value, Problem> {
    match kind {
        FieldKind::Text { min_len, max_len } => {
            plain(text, *min_len, *max_len)?;
            Ok(Value::Text(text.to_owned()))
        }
        FieldKind::Address { max_len } => {
            plain(text, 1, *max_len)?;
            Ok(Value::Address(text.to_owned()))
        }
        FieldKind::Integer { min, max } => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Problem::NotANumber);
            }
            let n: i64 = text.parse().map_err(|_| Problem::NotANumber)?;
            in_range(n, *min, *max)?;
            Ok(Value::Integer(n))
        }
        FieldKind::Decimal { places, min, max } => {
            let d = Decimal::parse(text, *places)?;
            in_range(d, *min, *max)?;
            Ok(Value::Decimal(d))
        }
        FieldKind::Date { earliest, latest } => {
            let day = parse_date(text).ok_or(Problem::NotADate)?;
            if let Some(earliest) = earliest.and_then(|b| b.resolve(today))
                && day < earliest
            {
                return Err(Problem::TooEarly { earliest });
            }
            if let Some(latest) = latest.and_then(|b| b.resolve(today))
                && day > latest
            {
                return Err(Problem::TooLate { latest });
            }
            Ok(Value::Date(day))
        }
        FieldKind::Choice { options } => {
            if options.iter().any(|o| o.code == text) {
                Ok(Value::Choice(text.to_owned()))
            } else {
                Err(Problem::NotAnOption)
            }
        }
        FieldKind::IdNumber => form::parse_id_number(text).map(Value::IdNumber).ok_or(Problem::BadIdNumber),
        FieldKind::CreditCode => {
            form::parse_credit_code(text).map(Value::CreditCode).ok_or(Problem::BadCreditCode)
        }
        FieldKind::Phone { mobile_only } => {
            phone(text, *mobile_only).map(Value::Phone).ok_or(Problem::BadPhone)
        }
        FieldKind::YesNo | FieldKind::MultiChoice { .. } => Err(Problem::WrongType),
    }
}

fn plain(text: &str, min: u16, max: u16) -> Result<(), Problem> {
    if text.chars().any(char::is_control) {
        return Err(Problem::BadCharacters);
    }
    let count = text.chars().count();
    if count < usize::from(min) {
        return Err(Problem::TooShort { min });
    }
    if count > usize::from(max) {
        return Err(Problem::TooLong { max });
    }
    Ok(())
}

fn in_range<T: PartialOrd + ToString>(v: T, min: Option<T>, max: Option<T>) -> Result<(), Problem> {
    if let Some(min) = min
        && v < min
    {
        return Err(Problem::BelowMinimum { min: min.to_string() });
    }
    if let Some(max) = max
        && v > max
    {
        return Err(Problem::AboveMaximum { max: max.to_string() });
    }
    Ok(())
}

/// A mainland phone number, normalised: spaces dropped, a `+86` or `86` before a mobile number
/// dropped. Mobile: `1`, then `3`–`9`, then nine digits. Landline: `010` or `02x` and 8 digits,
/// or `0` and a three-digit area code and 7–8 digits; the local number does not start with `0`
/// or `1`; a `-` may separate the two.
pub fn phone(text: &str, mobile_only: bool) -> Option<String> {
    let compact: String = text.chars().filter(|c| *c != ' ').collect();
    let mobile = compact.strip_prefix("+86").or_else(|| compact.strip_prefix("86")).unwrap_or(&compact);
    let b = mobile.as_bytes();
    if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit) {
        return Some(mobile.to_owned());
    }
    if mobile_only {
        return None;
    }
    let (area, local) = match compact.split_once('-') {
        Some((area, local)) => (area.to_owned(), local.to_owned()),
        None => {
            let area_len = if compact.starts_with("010") || compact.starts_with("02") { 3 } else { 4 };
            let area = compact.get(..area_len)?.to_owned();
            (area, compact.get(area_len..)?.to_owned())
        }
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let short_area = area == "010" || (area.len() == 3 && area.starts_with("02"));
    let area_ok = digits(&area)
        && (short_area || (area.len() == 4 && area.starts_with('0') && !area.starts_with("00")));
    let local_ok = digits(&local)
        && !local.starts_with('0')
        && !local.starts_with('1')
        && if short_area { local.len() == 8 } else { (7..=8).contains(&local.len()) };
    (area_ok && local_ok).then(|| format!("{area}-{local}"))
}
