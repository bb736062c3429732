//! The building blocks of the certificate model: certificate types with their codes, status,
//! administrative division, holder, validity and the common metadata of GB/T 36903.

use std::fmt;

use time::Date;

use super::credit_code::CreditCode;
use super::identifier::TypeCode;
use crate::id_number::IdNumber;
use crate::sensitive::Sensitive;

/// Names of the attributes, shared by issuers, wallets and presentation presets.
pub mod names {
    /// The certificate's own number (证照编号).
    pub const CERTIFICATE_NUMBER: &str = "certificate_number";
    /// The name of the issuing department (签发机关).
    pub const ISSUER_NAME: &str = "issuer_name";
    /// The date printed as the issue date.
    pub const ISSUE_DATE: &str = "issue_date";
    /// The holder's name (a person's or a company's).
    pub const NAME: &str = "name";
    /// The holder's resident ID number.
    pub const ID_NUMBER: &str = "id_number";
    /// The holder's ID number with all but the first and last four characters hidden, signed by
    /// the issuer so that an "identity" presentation need not reveal the full number.
    pub const ID_NUMBER_MASKED: &str = "id_number_masked";
    /// Sex as the GB/T 2261.1 code: `1` male, `2` female.
    pub const SEX: &str = "sex";
    /// Date of birth.
    pub const BIRTH_DATE: &str = "birth_date";
    /// Derived at issuance: whether the holder was at least 18 at the issue time.
    pub const AGE_OVER_18: &str = "age_over_18";
    /// Ethnic group as the two-digit GB 3304 code.
    pub const ETHNICITY: &str = "ethnicity";
    /// An address.
    pub const ADDRESS: &str = "address";
    /// A grey photo thumbnail.
    pub const PHOTO: &str = "photo";
}

/// Where on the calendar certificates live: China Standard Time, UTC+8.
pub const CHINA_UTC_OFFSET_HOURS: i8 = 8;

/// The certificate types Shimin knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CertificateType {
    /// 居民身份证.
    ResidentIdCard,
    /// 户口簿 (one member's page).
    HouseholdRegister,
    /// 居住证.
    ResidencePermit,
    /// 往来港澳通行证, with its endorsements (签注).
    HkMacauTravelPermit,
    /// 机动车驾驶证.
    DrivingLicence,
    /// 结婚证.
    MarriageCertificate,
    /// 营业执照.
    BusinessLicence,
    /// 学位证书.
    DegreeCertificate,
}

/// The 21-character type codes. The ministry codes are development placeholders with valid
/// GB 32100 check characters, not the real ministries' codes.
const TYPE_CODES: [(CertificateType, &str); 8] = [
    (CertificateType::ResidentIdCard, "11100000000000001M001"),
    (CertificateType::HouseholdRegister, "11100000000000001M002"),
    (CertificateType::ResidencePermit, "11100000000000001M003"),
    (CertificateType::DrivingLicence, "11100000000000001M004"),
    (CertificateType::HkMacauTravelPermit, "11100000000000002Q001"),
    (CertificateType::MarriageCertificate, "11100000000000003U001"),
    (CertificateType::BusinessLicence, "11100000000000004Y001"),
    (CertificateType::DegreeCertificate, "111000000000000052001"),
];

impl CertificateType {
    /// Every type, for exhaustive tests and menus.
    pub const ALL: [CertificateType; 8] = [
        CertificateType::ResidentIdCard,
        CertificateType::HouseholdRegister,
        CertificateType::ResidencePermit,
        CertificateType::HkMacauTravelPermit,
        CertificateType::DrivingLicence,
        CertificateType::MarriageCertificate,
        CertificateType::BusinessLicence,
        CertificateType::DegreeCertificate,
    ];

    /// The type's name as printed (证照类型名称).
    pub fn name(self) -> &'static str {
        match self {
            CertificateType::ResidentIdCard => "居民身份证",
            CertificateType::HouseholdRegister => "居民户口簿",
            CertificateType::ResidencePermit => "居住证",
            CertificateType::HkMacauTravelPermit => "往来港澳通行证",
            CertificateType::DrivingLicence => "机动车驾驶证",
            CertificateType::MarriageCertificate => "结婚证",
            CertificateType::BusinessLicence => "营业执照",
            CertificateType::DegreeCertificate => "学位证书",
        }
    }

    /// A short ASCII name for command lines and file names, e.g. `resident-id-card`.
    pub fn slug(self) -> &'static str {
        match self {
            CertificateType::ResidentIdCard => "resident-id-card",
            CertificateType::HouseholdRegister => "household-register",
            CertificateType::ResidencePermit => "residence-permit",
            CertificateType::HkMacauTravelPermit => "hk-macau-travel-permit",
            CertificateType::DrivingLicence => "driving-licence",
            CertificateType::MarriageCertificate => "marriage-certificate",
            CertificateType::BusinessLicence => "business-licence",
            CertificateType::DegreeCertificate => "degree-certificate",
        }
    }

    /// The type with this [`CertificateType::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.slug() == slug)
    }

    /// The 21-character type code as text.
    pub fn code_str(self) -> &'static str {
        TYPE_CODES.iter().find(|(t, _)| *t == self).map_or("", |(_, c)| c)
    }

    /// The type code (证照类型代码).
    pub fn type_code(self) -> TypeCode {
        TypeCode::from_table(self.code_str())
    }

    /// The type with this code, if Shimin knows it.
    pub fn from_type_code(code: &TypeCode) -> Option<Self> {
        let text = code.to_string();
        TYPE_CODES.iter().find(|(_, c)| *c == text).map(|(t, _)| *t)
    }

    /// How the holder is identified (the 一号 index): the GB/T 36903 code type (`111` resident ID
    /// number, `001` credit code) and the attribute that carries the number.
    pub fn holder_attribute(self) -> (&'static str, &'static str) {
        match self {
            CertificateType::BusinessLicence => ("001", "credit_code"),
            _ => ("111", names::ID_NUMBER),
        }
    }

    /// The attribute that carries the issuer-signed, derived "age ≥ 18" boolean, or `None` for
    /// a type whose holder is not a person.
    pub fn age_over_18_attribute(self) -> Option<&'static str> {
        match self {
            CertificateType::BusinessLicence => None,
            _ => Some(names::AGE_OVER_18),
        }
    }
}

/// The status of a certificate, with the codes of GB/T 36903.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateStatus {
    /// 有效, `01`.
    Valid,
    /// 吊销, `03`.
    Revoked,
    /// 注销, `04`.
    Cancelled,
    /// 作废, `05`.
    Invalid,
    /// 撤回, `07`.
    Withdrawn,
}

impl CertificateStatus {
    /// Every status.
    pub const ALL: [CertificateStatus; 5] = [
        CertificateStatus::Valid,
        CertificateStatus::Revoked,
        CertificateStatus::Cancelled,
        CertificateStatus::Invalid,
        CertificateStatus::Withdrawn,
    ];

    /// The two-digit code.
    pub fn code(self) -> &'static str {
        match self {
            CertificateStatus::Valid => "01",
            CertificateStatus::Revoked => "03",
            CertificateStatus::Cancelled => "04",
            CertificateStatus::Invalid => "05",
            CertificateStatus::Withdrawn => "07",
        }
    }

    /// The status with this code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A six-digit administrative division code (GB/T 2260), the certificate's jurisdiction.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode(String);

/// A string is not a six-digit division code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an administrative division code is six digits not starting with 00")]
pub struct DivisionCodeError;

impl DivisionCode {
    /// Parses six ASCII digits whose first two (the province) are not `00`.
    ///
    /// # Errors
    /// [`DivisionCodeError`] otherwise.
    pub fn parse(input: &str) -> Result<Self, DivisionCodeError> {
        let ok = input.len() == 6 && input.bytes().all(|b| b.is_ascii_digit()) && !input.starts_with("00");
        if ok { Ok(Self(input.to_owned())) } else { Err(DivisionCodeError) }
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DivisionCode({})", self.0)
    }
}

/// Who holds a certificate, and the key of the 一号 index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HolderId {
    /// A person, by resident ID number (code type `111`).
    Resident(IdNumber),
    /// An organisation, by unified social credit code (code type `001`).
    Organisation(CreditCode),
}

impl HolderId {
    /// The holder code type of GB/T 36903.
    pub fn code_type(&self) -> &'static str {
        match self {
            HolderId::Resident(_) => "111",
            HolderId::Organisation(_) => "001",
        }
    }

    /// The number itself (personal data for a person: do not log it).
    pub fn as_str(&self) -> &str {
        match self {
            HolderId::Resident(id) => id.as_str(),
            HolderId::Organisation(code) => code.as_str(),
        }
    }
}

/// A certificate's validity in calendar days (China Standard Time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    from: Date,
    until: Option<Date>,
}

/// The last day of validity is before the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the validity ends before it starts")]
pub struct ValidityError;

impl Validity {
    /// Valid from `from` through `until` inclusive; `until = None` is long-term (长期).
    ///
    /// # Errors
    /// [`ValidityError`] when `until` is before `from`.
    pub fn new(from: Date, until: Option<Date>) -> Result<Self, ValidityError> {
        if until.is_some_and(|u| u < from) { Err(ValidityError) } else { Ok(Self { from, until }) }
    }

    /// The first valid day.
    pub fn from(&self) -> Date {
        self.from
    }

    /// The last valid day, or `None` for long-term.
    pub fn until(&self) -> Option<Date> {
        self.until
    }
}

/// The common metadata of GB/T 36903. The type and the holder are not here: they follow from
/// the certificate's body, so they cannot disagree with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The certificate's own number (证照编号); for a driving licence it is the ID number, so it
    /// is treated as personal data.
    pub number: Sensitive<String>,
    /// The issuing department's name (签发机关).
    pub issuer_name: String,
    /// The issuing department's credit code.
    pub issuer_code: CreditCode,
    /// The issue date printed on the certificate.
    pub issue_date: Date,
    /// The validity.
    pub validity: Validity,
    /// The jurisdiction.
    pub jurisdiction: DivisionCode,
    /// The status as last known.
    pub status: CertificateStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_a_unique_ascii_slug_that_maps_back() {
        let mut seen = std::collections::HashSet::new();
        for t in CertificateType::ALL {
            assert!(t.slug().bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{t:?}");
            assert!(seen.insert(t.slug()), "{t:?} shares its slug");
            assert_eq!(CertificateType::from_slug(t.slug()), Some(t));
        }
        assert_eq!(CertificateType::from_slug("Resident-Id-Card"), None);
    }

    #[test]
    fn every_type_has_a_valid_unique_code_that_maps_back() {
        let mut seen = std::collections::HashSet::new();
        for t in CertificateType::ALL {
            let code = TypeCode::parse(t.code_str()).expect("valid type code");
            assert_eq!(t.type_code(), code);
            assert_eq!(CertificateType::from_type_code(&code), Some(t));
            assert!(seen.insert(t.code_str()), "{t:?}");
        }
        assert_eq!(TYPE_CODES.len(), CertificateType::ALL.len());
    }

    #[test]
    fn status_codes_round_trip() {
        let codes: Vec<_> = CertificateStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, ["01", "03", "04", "05", "07"]);
        for s in CertificateStatus::ALL {
            assert_eq!(CertificateStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(CertificateStatus::from_code("02"), None);
    }

    #[test]
    fn division_codes_are_six_digits() {
        assert!(DivisionCode::parse("110105").is_ok());
        for bad in ["11010", "1101055", "11010a", "000000", "１１０１０５"] {
            assert_eq!(DivisionCode::parse(bad), Err(DivisionCodeError), "{bad}");
        }
    }

    #[test]
    fn validity_must_not_end_before_it_starts() {
        let a = Date::from_calendar_date(2020, time::Month::January, 1).expect("date");
        let b = a.next_day().expect("date");
        assert!(Validity::new(a, Some(a)).is_ok());
        assert!(Validity::new(a, None).is_ok());
        assert_eq!(Validity::new(b, Some(a)), Err(ValidityError));
    }
}
