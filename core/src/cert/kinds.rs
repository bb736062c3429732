//! The eight certificate types with their own typed fields, and how each becomes the ordered
//! attributes that the issuer signs digests of.
//!
//! A person's sex and birth date are not separate fields: they follow from the GB 11643 ID number
//! (sequence parity, birth date digits), so a certificate cannot contradict its own ID number.

use std::fmt;
use std::num::NonZeroU8;

use time::Date;

use super::attributes::{AttributeValue, Attributes, DuplicateAttribute};
use super::credit_code::CreditCode;
use super::types::{CertificateType, HolderId, Metadata, names};
use crate::id_number::IdNumber;
use crate::sensitive::Sensitive;

/// The largest photo thumbnail a certificate carries, in bytes (it must fit a presentation QR).
pub const MAX_PHOTO_BYTES: usize = 1_200;

/// Sex, as coded by GB/T 2261.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    /// `1`.
    Male,
    /// `2`.
    Female,
}

impl Sex {
    /// The GB/T 2261.1 code.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "1",
            Sex::Female => "2",
        }
    }
}

/// A natural person as certificates name them. `Debug` is redacted field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Full name.
    pub name: Sensitive<String>,
    /// Resident ID number.
    pub id_number: IdNumber,
}

impl Person {
    /// A person from a name and an ID number.
    pub fn new(name: impl Into<String>, id_number: IdNumber) -> Self {
        Self { name: Sensitive::new(name.into()), id_number }
    }

    /// Sex, from the parity of the 17th digit of the ID number (odd: male).
    pub fn sex(&self) -> Sex {
        let odd = self.id_number.as_str().as_bytes().get(16).is_some_and(|d| d % 2 == 1);
        if odd { Sex::Male } else { Sex::Female }
    }

    /// Date of birth, from the ID number.
    pub fn birth_date(&self) -> Date {
        self.id_number.birth_date()
    }
}

/// An ethnic group by its GB 3304 code: `01` to `56`, `97` (other) or `98` (foreign origin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ethnicity(u8);

impl Ethnicity {
    /// The group with this code, if it is one.
    pub fn from_code(code: u8) -> Option<Self> {
        matches!(code, 1..=56 | 97 | 98).then_some(Self(code))
    }

    /// The two-digit code.
    pub fn code(self) -> String {
        format!("{:02}", self.0)
    }
}

/// A grey photo thumbnail ([`crate::photo::Thumbnail`] bytes) of at most [`MAX_PHOTO_BYTES`].
/// `Debug` is redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo(Sensitive<Vec<u8>>);

impl Photo {
    /// The thumbnail, if the bytes are one and small enough.
    pub fn new(bytes: Vec<u8>) -> Option<Self> {
        let ok = bytes.len() <= MAX_PHOTO_BYTES && crate::photo::Thumbnail::from_bytes(&bytes).is_ok();
        ok.then(|| Self(Sensitive::new(bytes)))
    }

    /// The photo of a thumbnail, if it is small enough.
    pub fn from_thumbnail(thumbnail: &crate::photo::Thumbnail) -> Option<Self> {
        Self::new(thumbnail.to_bytes())
    }

    /// The image bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.expose()
    }
}

/// 居民身份证. The issuing authority and validity are in the [`Metadata`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentIdCard {
    /// The card holder.
    pub person: Person,
    /// Ethnic group (民族).
    pub ethnicity: Ethnicity,
    /// Registered address (住址).
    pub address: Sensitive<String>,
    /// Photo thumbnail.
    pub photo: Option<Photo>,
}

/// How a member relates to the head of the household (与户主关系), a few GB/T 4761 groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The head of household themself: `01`, which GB/T 4761 names 本人 (self).
    Head,
    /// 配偶, `10`.
    Spouse,
    /// 子, `20`.
    Son,
    /// 女, `30`.
    Daughter,
    /// 父母, `50`.
    Parent,
    /// Any other: `99`, which GB/T 4761 names 非亲属 (not a relative).
    Other,
}

impl Relation {
    /// Every relation, for exhaustive tests.
    pub const ALL: [Relation; 6] = [
        Relation::Head,
        Relation::Spouse,
        Relation::Son,
        Relation::Daughter,
        Relation::Parent,
        Relation::Other,
    ];

    /// The GB/T 4761 code.
    pub fn code(self) -> &'static str {
        match self {
            Relation::Head => "01",
            Relation::Spouse => "10",
            Relation::Son => "20",
            Relation::Daughter => "30",
            Relation::Parent => "50",
            Relation::Other => "99",
        }
    }
}

/// 居民户口簿, the page of one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdRegister {
    /// Household number (户号).
    pub household_number: Sensitive<String>,
    /// Name of the head of household (户主姓名).
    pub head_of_household: Sensitive<String>,
    /// The household's address (住址).
    pub address: Sensitive<String>,
    /// The member this page is about.
    pub member: Person,
    /// The member's relation to the head of household.
    pub relation: Relation,
    /// The member's ethnic group.
    pub ethnicity: Ethnicity,
    /// The member's birthplace (出生地).
    pub birthplace: Sensitive<String>,
}

/// 居住证.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidencePermit {
    /// The permit holder.
    pub person: Person,
    /// Address of residence in the issuing city (居住地址).
    pub residence_address: Sensitive<String>,
    /// Photo thumbnail.
    pub photo: Option<Photo>,
}

/// The kind of an endorsement (签注种类) with the letter printed on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndorsementKind {
    /// 个人旅游, `G`.
    IndividualTourism,
    /// 团队旅游, `L`.
    GroupTourism,
    /// 探亲, `T`.
    VisitingRelatives,
    /// 商务, `S`.
    Business,
    /// 逗留, `D`.
    Stay,
    /// 其他, `Q`.
    Other,
}

impl EndorsementKind {
    /// Every kind, for exhaustive tests.
    pub const ALL: [EndorsementKind; 6] = [
        EndorsementKind::IndividualTourism,
        EndorsementKind::GroupTourism,
        EndorsementKind::VisitingRelatives,
        EndorsementKind::Business,
        EndorsementKind::Stay,
        EndorsementKind::Other,
    ];

    /// The letter printed on the endorsement.
    pub fn code(self) -> &'static str {
        match self {
            EndorsementKind::IndividualTourism => "G",
            EndorsementKind::GroupTourism => "L",
            EndorsementKind::VisitingRelatives => "T",
            EndorsementKind::Business => "S",
            EndorsementKind::Stay => "D",
            EndorsementKind::Other => "Q",
        }
    }
}

/// How many entries an endorsement allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entries {
    /// A fixed number of entries (一次, 二次…).
    Limited(NonZeroU8),
    /// Multiple entries (多次).
    Multiple,
}

impl Entries {
    /// The attribute form: the number in decimal, or `M` for multiple.
    pub fn code(self) -> String {
        match self {
            Entries::Limited(n) => n.to_string(),
            Entries::Multiple => "M".into(),
        }
    }
}

/// An endorsement (签注) for one destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endorsement {
    /// The kind.
    pub kind: EndorsementKind,
    /// The entries allowed.
    pub entries: Entries,
    /// The last day it may be used.
    pub valid_until: Date,
}

/// 往来港澳通行证 with its endorsements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HkMacauTravelPermit {
    /// The permit holder.
    pub person: Person,
    /// The holder's name in pinyin as printed.
    pub name_pinyin: Sensitive<String>,
    /// The endorsement for Hong Kong, if any.
    pub hong_kong: Option<Endorsement>,
    /// The endorsement for Macau, if any.
    pub macau: Option<Endorsement>,
    /// Photo thumbnail.
    pub photo: Option<Photo>,
}

/// A vehicle class a driving licence allows (准驾车型).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum VehicleClass {
    A1,
    A2,
    A3,
    B1,
    B2,
    C1,
    C2,
    C3,
    C4,
    C5,
    C6,
    D,
    E,
    F,
    M,
    N,
    P,
}

impl VehicleClass {
    /// The class as printed.
    pub fn code(self) -> String {
        format!("{self:?}")
    }
}

/// 机动车驾驶证. The licence number is the ID number, in the [`Metadata`] as well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrivingLicence {
    /// The driver.
    pub person: Person,
    /// Nationality, ISO 3166-1 alpha-3 (`CHN`).
    pub nationality: String,
    /// Address.
    pub address: Sensitive<String>,
    /// Classes allowed, printed together (e.g. `C1E`).
    pub classes: Vec<VehicleClass>,
    /// The date the driver first got a licence (初次领证日期).
    pub first_issue_date: Date,
    /// The file number (档案编号).
    pub file_number: Sensitive<String>,
    /// Photo thumbnail.
    pub photo: Option<Photo>,
}

/// 结婚证. Each party holds their own copy; `holder` is the party holding this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarriageCertificate {
    /// The party holding this copy.
    pub holder: Person,
    /// The other party.
    pub spouse: Person,
    /// The registration date (登记日期).
    pub registration_date: Date,
}

/// 营业执照. The holder is the company, by its credit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessLicence {
    /// The company's name (名称).
    pub company_name: String,
    /// The company's unified social credit code.
    pub credit_code: CreditCode,
    /// The kind of company (类型), e.g. 有限责任公司.
    pub company_kind: String,
    /// The legal representative's name (法定代表人).
    pub legal_representative: Sensitive<String>,
    /// Registered capital in yuan (注册资本); non-negative.
    pub registered_capital_yuan: u32,
    /// Date of establishment (成立日期).
    pub established: Date,
    /// Last day of the business term (营业期限), `None` for long-term.
    pub business_term_until: Option<Date>,
    /// Registered address (住所).
    pub address: String,
    /// Business scope (经营范围).
    pub business_scope: String,
}

/// The level of a degree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DegreeLevel {
    /// 学士.
    Bachelor,
    /// 硕士.
    Master,
    /// 博士.
    Doctor,
}

impl DegreeLevel {
    /// Every level, for exhaustive tests.
    pub const ALL: [DegreeLevel; 3] = [DegreeLevel::Bachelor, DegreeLevel::Master, DegreeLevel::Doctor];

    /// The level's attribute form.
    pub fn code(self) -> &'static str {
        match self {
            DegreeLevel::Bachelor => "bachelor",
            DegreeLevel::Master => "master",
            DegreeLevel::Doctor => "doctor",
        }
    }
}

/// 学位证书.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DegreeCertificate {
    /// The graduate.
    pub person: Person,
    /// The degree's level.
    pub level: DegreeLevel,
    /// The discipline (学科门类), e.g. 工学.
    pub discipline: String,
    /// The major (专业).
    pub major: String,
    /// The university that conferred it.
    pub university: String,
    /// The conferral date.
    pub conferral_date: Date,
}

/// The type-specific part of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum CertificateBody {
    ResidentIdCard(ResidentIdCard),
    HouseholdRegister(HouseholdRegister),
    ResidencePermit(ResidencePermit),
    HkMacauTravelPermit(HkMacauTravelPermit),
    DrivingLicence(DrivingLicence),
    MarriageCertificate(MarriageCertificate),
    BusinessLicence(BusinessLicence),
    DegreeCertificate(DegreeCertificate),
}

/// A certificate before issuance: common metadata and the type's own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The metadata of GB/T 36903.
    pub metadata: Metadata,
    /// The type's own fields.
    pub body: CertificateBody,
}

impl CertificateBody {
    /// The certificate type.
    pub fn certificate_type(&self) -> CertificateType {
        match self {
            CertificateBody::ResidentIdCard(_) => CertificateType::ResidentIdCard,
            CertificateBody::HouseholdRegister(_) => CertificateType::HouseholdRegister,
            CertificateBody::ResidencePermit(_) => CertificateType::ResidencePermit,
            CertificateBody::HkMacauTravelPermit(_) => CertificateType::HkMacauTravelPermit,
            CertificateBody::DrivingLicence(_) => CertificateType::DrivingLicence,
            CertificateBody::MarriageCertificate(_) => CertificateType::MarriageCertificate,
            CertificateBody::BusinessLicence(_) => CertificateType::BusinessLicence,
            CertificateBody::DegreeCertificate(_) => CertificateType::DegreeCertificate,
        }
    }

    /// The person or company holding the certificate.
    fn holder(&self) -> Result<&Person, &CreditCode> {
        match self {
            CertificateBody::ResidentIdCard(c) => Ok(&c.person),
            CertificateBody::HouseholdRegister(c) => Ok(&c.member),
            CertificateBody::ResidencePermit(c) => Ok(&c.person),
            CertificateBody::HkMacauTravelPermit(c) => Ok(&c.person),
            CertificateBody::DrivingLicence(c) => Ok(&c.person),
            CertificateBody::MarriageCertificate(c) => Ok(&c.holder),
            CertificateBody::BusinessLicence(c) => Err(&c.credit_code),
            CertificateBody::DegreeCertificate(c) => Ok(&c.person),
        }
    }

    /// The person holding the certificate, or `None` for a business licence.
    pub fn holder_person(&self) -> Option<&Person> {
        self.holder().ok()
    }

    /// The holder's identification: an ID number (`111`) or a credit code (`001`).
    pub fn holder_id(&self) -> HolderId {
        match self.holder() {
            Ok(person) => HolderId::Resident(person.id_number.clone()),
            Err(code) => HolderId::Organisation(code.clone()),
        }
    }
}

impl Certificate {
    /// The certificate type.
    pub fn certificate_type(&self) -> CertificateType {
        self.body.certificate_type()
    }

    /// The key of the 一号 index: the holder's ID number, or a company's credit code.
    pub fn holder_key(&self) -> HolderId {
        self.body.holder_id()
    }

    /// The attributes the issuer signs, in display order, including the derived ones:
    /// `id_number_masked` and the type's `age_over_18`, computed for `issued_on`, the calendar day
    /// (China Standard Time) of the issue time.
    ///
    /// # Errors
    /// [`DuplicateAttribute`] if two fields map to one name (a bug, caught by tests).
    pub fn attributes(&self, issued_on: Date) -> Result<Attributes, DuplicateAttribute> {
        let mut a = Builder(Attributes::new());
        let m = &self.metadata;
        a.text(names::CERTIFICATE_NUMBER, m.number.expose())?;
        if let Some(person) = self.body.holder_person() {
            a.person("", person)?;
            a.text(names::ID_NUMBER_MASKED, &person.id_number.masked())?;
            if let Some(name) = self.certificate_type().age_over_18_attribute() {
                a.add(name, AttributeValue::Bool(person.id_number.age_on(issued_on) >= 18))?;
            }
        }
        self.body_attributes(&mut a)?;
        a.text(names::ISSUER_NAME, &m.issuer_name)?;
        a.date(names::ISSUE_DATE, m.issue_date)?;
        Ok(a.0)
    }

    fn body_attributes(&self, a: &mut Builder) -> Result<(), DuplicateAttribute> {
        match &self.body {
            CertificateBody::ResidentIdCard(c) => {
                a.text(names::ETHNICITY, &c.ethnicity.code())?;
                a.text(names::ADDRESS, c.address.expose())?;
                a.photo(c.photo.as_ref())
            }
            CertificateBody::HouseholdRegister(c) => {
                a.text("household_number", c.household_number.expose())?;
                a.text("head_of_household", c.head_of_household.expose())?;
                a.text(names::ADDRESS, c.address.expose())?;
                a.text("relation_to_head", c.relation.code())?;
                a.text(names::ETHNICITY, &c.ethnicity.code())?;
                a.text("birthplace", c.birthplace.expose())
            }
            CertificateBody::ResidencePermit(c) => {
                a.text("residence_address", c.residence_address.expose())?;
                a.photo(c.photo.as_ref())
            }
            CertificateBody::HkMacauTravelPermit(c) => {
                a.text("name_pinyin", c.name_pinyin.expose())?;
                a.endorsement("hk", c.hong_kong.as_ref())?;
                a.endorsement("macau", c.macau.as_ref())?;
                a.photo(c.photo.as_ref())
            }
            CertificateBody::DrivingLicence(c) => {
                a.text("nationality", &c.nationality)?;
                a.text(names::ADDRESS, c.address.expose())?;
                let classes: String = c.classes.iter().map(|v| v.code()).collect();
                a.text("vehicle_classes", &classes)?;
                a.date("first_issue_date", c.first_issue_date)?;
                a.text("file_number", c.file_number.expose())?;
                a.photo(c.photo.as_ref())
            }
            CertificateBody::MarriageCertificate(c) => {
                a.person("spouse_", &c.spouse)?;
                a.date("registration_date", c.registration_date)
            }
            CertificateBody::BusinessLicence(c) => {
                a.text(names::NAME, &c.company_name)?;
                a.text("credit_code", c.credit_code.as_str())?;
                a.text("company_kind", &c.company_kind)?;
                a.text("legal_representative", c.legal_representative.expose())?;
                a.add("registered_capital_yuan", AttributeValue::Integer(c.registered_capital_yuan.into()))?;
                a.date("established", c.established)?;
                if let Some(until) = c.business_term_until {
                    a.date("business_term_until", until)?;
                }
                a.text(names::ADDRESS, &c.address)?;
                a.text("business_scope", &c.business_scope)
            }
            CertificateBody::DegreeCertificate(c) => {
                a.text("degree_level", c.level.code())?;
                a.text("discipline", &c.discipline)?;
                a.text("major", &c.major)?;
                a.text("university", &c.university)?;
                a.date("conferral_date", c.conferral_date)
            }
        }
    }
}

/// Appends attributes with less noise.
struct Builder(Attributes);

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Builder {
    fn add(&mut self, name: &str, value: AttributeValue) -> Result<(), DuplicateAttribute> {
        self.0.insert(name, value)
    }
    fn text(&mut self, name: &str, value: &str) -> Result<(), DuplicateAttribute> {
        self.add(name, AttributeValue::Text(value.to_owned()))
    }
    fn date(&mut self, name: &str, value: Date) -> Result<(), DuplicateAttribute> {
        self.add(name, AttributeValue::Date(value))
    }
    /// Name, ID number, sex and birth date, each name prefixed with `prefix`.
    fn person(&mut self, prefix: &str, p: &Person) -> Result<(), DuplicateAttribute> {
        self.text(&format!("{prefix}{}", names::NAME), p.name.expose())?;
        self.text(&format!("{prefix}{}", names::ID_NUMBER), p.id_number.as_str())?;
        self.text(&format!("{prefix}{}", names::SEX), p.sex().code())?;
        self.date(&format!("{prefix}{}", names::BIRTH_DATE), p.birth_date())
    }
    fn photo(&mut self, photo: Option<&Photo>) -> Result<(), DuplicateAttribute> {
        match photo {
            Some(p) => self.add(names::PHOTO, AttributeValue::Bytes(p.as_bytes().to_vec())),
            None => Ok(()),
        }
    }
    /// `<place>_endorsement_kind`, `_entries` and `_valid_until`.
    fn endorsement(&mut self, place: &str, e: Option<&Endorsement>) -> Result<(), DuplicateAttribute> {
        let Some(e) = e else { return Ok(()) };
        self.text(&format!("{place}_endorsement_kind"), e.kind.code())?;
        self.text(&format!("{place}_endorsement_entries"), &e.entries.code())?;
        self.date(&format!("{place}_endorsement_valid_until"), e.valid_until)
    }
}
