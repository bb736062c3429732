//! A service and its guide (办事指南), parsed: the wire's [`ServiceDocument`] comes from the
//! backend, a seed file or a database row, and none of it is trusted until [`Service::parse`]
//! has checked every code, enumeration, limit and size. What the app shows and the search
//! indexes is a [`Service`], never a raw document.

use shimin_wire::catalogue::{
    FaqDto, FlagsDto, LegalBasisDto, Localized, MaterialDto, MaterialFormDto, PhonesDto, PlaceDto,
    RequirementDto, ReuseClassDto, ServiceDocument, ServiceStatusDto, TimeLimitDto, TimeUnitDto,
};

use super::code::{CodeError, ServiceCode};
use super::codes::{CaseKind, CrossRegion, ExerciseLevel, HandlingForm, OrganNature, ServiceObject, Theme};
use super::form::{Form, FormError};
use super::material::ReuseClass;
use super::process::{Process, ProcessError};
use super::time_limit::{TimeLimit, TimeUnit};
use crate::cert::CertificateType;
use crate::cert::credit_code::CreditCode;

/// The most bytes a service's JSON may have (a guide is a few kilobytes).
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;
/// The most characters of a name (GB/T 39046 Table 4 #1: an..200).
const MAX_NAME: usize = 200;
/// The most characters of any other text.
const MAX_TEXT: usize = 2_000;
/// The most entries of any list (materials, steps, questions …).
const MAX_LIST: usize = 60;

/// Why a document is not a service. Names the field; never echoes the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuideError {
    /// The JSON is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("a service document is larger than {MAX_DOCUMENT_BYTES} bytes")]
    TooLarge,
    /// The JSON does not have the document's shape.
    #[error("a service document does not have the expected shape: {0}")]
    Shape(String),
    /// The service code does not parse.
    #[error("the service code: {0}")]
    Code(CodeError),
    /// A code that replaces this service does not parse.
    #[error("a replacing service code: {0}")]
    ReplacedBy(CodeError),
    /// The organ's credit code does not parse or is not the one in the service code.
    #[error("the implementing organ's code is not valid or not the one in the service code")]
    Organ,
    /// A required text is empty.
    #[error("{0} is empty")]
    Empty(&'static str),
    /// A text is longer than allowed.
    #[error("{0} is too long")]
    TooLong(&'static str),
    /// A list has more entries than allowed, or none where one is needed.
    #[error("{0} has too many entries, or none")]
    Count(&'static str),
    /// A code is not one of its code set.
    #[error("{0} is not a known code")]
    UnknownCode(&'static str),
    /// A wallet certificate type Shimin does not know.
    #[error("{0} names an unknown certificate type")]
    UnknownCertificate(&'static str),
    /// A time limit is not one.
    #[error("{0} is not a valid time limit")]
    Limit(&'static str),
    /// The promised limit is longer than the statutory one.
    #[error("the promised time limit is longer than the statutory one")]
    PromiseExceedsStatute,
    /// A 即办件 whose promised limit is not 即办.
    #[error("an on-the-spot service must promise to decide on the spot")]
    ImmediateNotImmediate,
    /// A conditional material without its condition.
    #[error("a conditional material does not say when it is needed")]
    ConditionMissing,
    /// A cancelled service without being cancelled, or an active one with replacements.
    #[error("the replacing services do not fit the service's state")]
    Replacement,
    /// The application form is not a valid one.
    #[error("the application form: {0}")]
    Form(FormError),
    /// The approval process is not one.
    #[error("the process: {0}")]
    Process(ProcessError),
}

/// The implementing organ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organ {
    /// Its credit code.
    pub code: CreditCode,
    /// The department facet's key.
    pub key: String,
    /// Its name.
    pub name: Localized,
    /// What kind of organ it is.
    pub nature: OrganNature,
}

/// One step of the procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Its name.
    pub name: Localized,
    /// What happens.
    pub detail: Localized,
    /// Its own limit.
    pub limit: Option<TimeLimit>,
}

/// One fee item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    /// The item.
    pub item: Localized,
    /// The amount in fen.
    pub amount_fen: u64,
    /// Its basis.
    pub basis: String,
}

/// Whether a material is always needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// Always.
    Required,
    /// Only in the case stated.
    Conditional(Localized),
}

/// One material the service asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    /// Its name.
    pub name: Localized,
    /// Who issues it.
    pub issuer: Localized,
    /// 原件份数.
    pub originals: u8,
    /// 复印件份数.
    pub copies: u8,
    /// Always or in a case.
    pub requirement: Requirement,
    /// Paper, electronic or either.
    pub form: MaterialFormDto,
    /// A blank form's address.
    pub blank_form: Option<String>,
    /// A filled sample's address.
    pub sample: Option<String>,
    /// How a copy given before may be reused.
    pub reuse: ReuseClass,
    /// The wallet certificate that satisfies it.
    pub satisfied_by: Option<CertificateType>,
    /// Notes.
    pub notes: Option<Localized>,
}

/// The result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceResult {
    /// What the citizen receives.
    pub name: Localized,
    /// The wallet certificate it becomes.
    pub e_certificate: Option<CertificateType>,
}

/// A service's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceStatus {
    /// In force.
    Active,
    /// Suspended.
    Suspended,
    /// Cancelled, or replaced.
    Cancelled,
}

/// A parsed service and its guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Its code.
    pub code: ServiceCode,
    /// Its name.
    pub name: Localized,
    /// What citizens call it.
    pub aliases: Vec<String>,
    /// 行使层级.
    pub level: ExerciseLevel,
    /// The implementing organ.
    pub organ: Organ,
    /// Whom it serves (at least one).
    pub objects: Vec<ServiceObject>,
    /// Its themes (at least one).
    pub themes: Vec<Theme>,
    /// How it can be applied for.
    pub forms: Vec<HandlingForm>,
    /// 即办件 or 承诺件.
    pub case_kind: CaseKind,
    /// 通办范围.
    pub cross_region: CrossRegion,
    /// 设定依据 (at least one).
    pub legal_basis: Vec<LegalBasisDto>,
    /// 受理条件.
    pub conditions: Vec<Localized>,
    /// 办理流程 (at least one step).
    pub steps: Vec<Step>,
    /// 法定办结时限.
    pub statutory_limit: TimeLimit,
    /// 承诺办结时限 (never longer than the statutory one in the same unit).
    pub promised_limit: TimeLimit,
    /// Fees (none: free).
    pub fees: Vec<Fee>,
    /// Where and when.
    pub places: Vec<PlaceDto>,
    /// Phones.
    pub phones: PhonesDto,
    /// Frequent questions.
    pub faq: Vec<FaqDto>,
    /// Flags.
    pub flags: FlagsDto,
    /// 网办地址.
    pub online_url: Option<String>,
    /// The result.
    pub result: ServiceResult,
    /// The materials.
    pub materials: Vec<Material>,
    /// 特别程序.
    pub special_procedures: Vec<Localized>,
    /// Annual case volume.
    pub popularity: u64,
    /// Its state.
    pub status: ServiceStatus,
    /// What replaces it.
    pub replaced_by: Vec<ServiceCode>,
    /// The catalogue version that last changed it.
    pub version: u64,
    /// The online application's form, where the service has one.
    pub form: Option<Form>,
    /// The approval process: the guide's own, or one stage with one branch at the organ limited
    /// by the promised limit ([`Process::single`]).
    pub process: Process,
    document: ServiceDocument,
}

impl Service {
    /// Parses a service from its JSON (a stored row, a response body).
    ///
    /// # Errors
    /// [`GuideError::TooLarge`], [`GuideError::Shape`] or what [`Service::parse`] finds.
    pub fn from_json(json: &[u8]) -> Result<Self, GuideError> {
        if json.len() > MAX_DOCUMENT_BYTES {
            return Err(GuideError::TooLarge);
        }
        let document: ServiceDocument =
            serde_json::from_slice(json).map_err(|e| GuideError::Shape(shape_error(&e)))?;
        Self::parse(document)
    }

    /// Checks a document and gives the service it describes.
    ///
    /// # Errors
    /// The first [`GuideError`] found.
    pub fn parse(document: ServiceDocument) -> Result<Self, GuideError> {
        let d = &document;
        let code = ServiceCode::parse(&d.code).map_err(GuideError::Code)?;
        let organ_code = CreditCode::parse(&d.organ.code).map_err(|_| GuideError::Organ)?;
        if &organ_code != code.organ() {
            return Err(GuideError::Organ);
        }
        name(&d.name, "the service's name")?;
        list(&d.aliases, "the aliases", 0)?;
        for alias in &d.aliases {
            short(alias, "an alias")?;
        }
        short(&d.organ.key, "the department key")?;
        name(&d.organ.name, "the organ's name")?;
        let organ = Organ {
            code: organ_code,
            key: d.organ.key.clone(),
            name: d.organ.name.clone(),
            nature: OrganNature::from_code(d.organ.nature)
                .ok_or(GuideError::UnknownCode("the organ's nature"))?,
        };
        let objects = codes(&d.objects, ServiceObject::from_code, "a service object")?;
        let themes = d
            .themes
            .iter()
            .map(|t| Theme::parse(t).ok_or(GuideError::UnknownCode("a theme")))
            .collect::<Result<Vec<_>, _>>()?;
        list(&themes, "the themes", 1)?;
        let forms = codes(&d.forms, HandlingForm::from_code, "a handling form")?;
        list(&d.legal_basis, "the legal basis", 1)?;
        for basis in &d.legal_basis {
            text(&basis.title, "a legal basis")?;
        }
        list(&d.conditions, "the conditions", 0)?;
        for condition in &d.conditions {
            localized(condition, "a condition")?;
        }
        list(&d.steps, "the steps", 1)?;
        let steps = d
            .steps
            .iter()
            .map(|s| {
                name(&s.name, "a step's name")?;
                localized(&s.detail, "a step's detail")?;
                let limit = s.limit.map(|l| limit(l, "a step's time limit")).transpose()?;
                Ok(Step { name: s.name.clone(), detail: s.detail.clone(), limit })
            })
            .collect::<Result<Vec<_>, GuideError>>()?;
        let statutory_limit = limit(d.statutory_limit, "the statutory time limit")?;
        let promised_limit = limit(d.promised_limit, "the promised time limit")?;
        if promised_limit.at_most(statutory_limit) == Some(false) {
            return Err(GuideError::PromiseExceedsStatute);
        }
        let case_kind = CaseKind::from_code(d.case_kind).ok_or(GuideError::UnknownCode("the case kind"))?;
        if case_kind == CaseKind::Immediate && promised_limit != TimeLimit::Immediate {
            return Err(GuideError::ImmediateNotImmediate);
        }
        list(&d.fees, "the fees", 0)?;
        let fees = d
            .fees
            .iter()
            .map(|f| {
                name(&f.item, "a fee item")?;
                text(&f.basis, "a fee's basis")?;
                Ok(Fee { item: f.item.clone(), amount_fen: f.amount_fen, basis: f.basis.clone() })
            })
            .collect::<Result<Vec<_>, GuideError>>()?;
        list(&d.places, "the places", 0)?;
        for place in &d.places {
            name(&place.name, "a place's name")?;
            localized(&place.address, "a place's address")?;
            localized(&place.hours, "a place's hours")?;
            short(&place.windows, "a place's windows")?;
        }
        short(&d.phones.consult, "the consulting phone")?;
        short(&d.phones.supervise, "the complaints phone")?;
        list(&d.faq, "the questions", 0)?;
        for faq in &d.faq {
            localized(&faq.q, "a question")?;
            localized(&faq.a, "an answer")?;
        }
        if let Some(url) = &d.online_url {
            short(url, "the online address")?;
        }
        name(&d.result.name, "the result's name")?;
        let result = ServiceResult {
            name: d.result.name.clone(),
            e_certificate: certificate(d.result.e_certificate.as_deref(), "the result")?,
        };
        list(&d.materials, "the materials", 0)?;
        let materials = d.materials.iter().map(material).collect::<Result<Vec<_>, _>>()?;
        list(&d.special_procedures, "the special procedures", 0)?;
        for procedure in &d.special_procedures {
            localized(procedure, "a special procedure")?;
        }
        let status = match d.status {
            ServiceStatusDto::Active => ServiceStatus::Active,
            ServiceStatusDto::Suspended => ServiceStatus::Suspended,
            ServiceStatusDto::Cancelled => ServiceStatus::Cancelled,
        };
        list(&d.replaced_by, "the replacing services", 0)?;
        let replaced_by = d
            .replaced_by
            .iter()
            .map(|c| ServiceCode::parse(c).map_err(GuideError::ReplacedBy))
            .collect::<Result<Vec<_>, _>>()?;
        if !replaced_by.is_empty() && status != ServiceStatus::Cancelled {
            return Err(GuideError::Replacement);
        }
        let conditional: Vec<bool> =
            materials.iter().map(|m| matches!(m.requirement, Requirement::Conditional(_))).collect();
        let form =
            d.form.as_ref().map(|f| Form::parse(f, &conditional)).transpose().map_err(GuideError::Form)?;
        let process = match &d.process {
            Some(process) => Process::parse(process).map_err(GuideError::Process)?,
            None => Process::single(organ.code.clone(), promised_limit),
        };
        Ok(Service {
            code,
            name: d.name.clone(),
            aliases: d.aliases.clone(),
            level: ExerciseLevel::from_code(d.level).ok_or(GuideError::UnknownCode("the exercise level"))?,
            organ,
            objects,
            themes,
            forms,
            case_kind,
            cross_region: CrossRegion::from_code(d.cross_region)
                .ok_or(GuideError::UnknownCode("the cross-region scope"))?,
            legal_basis: d.legal_basis.clone(),
            conditions: d.conditions.clone(),
            steps,
            statutory_limit,
            promised_limit,
            fees,
            places: d.places.clone(),
            phones: d.phones.clone(),
            faq: d.faq.clone(),
            flags: d.flags,
            online_url: d.online_url.clone(),
            result,
            materials,
            special_procedures: d.special_procedures.clone(),
            popularity: d.popularity,
            status,
            replaced_by,
            version: d.version,
            form,
            process,
            document,
        })
    }

    /// The document this service was parsed from.
    pub fn document(&self) -> &ServiceDocument {
        &self.document
    }

    /// The document, to store or send.
    pub fn into_document(self) -> ServiceDocument {
        self.document
    }

    /// The JSON of the document (what a store row or a response body holds).
    pub fn to_json(&self) -> String {
        // A document of strings, numbers and lists always serialises.
        serde_json::to_string(&self.document).unwrap_or_default()
    }

    /// Whether it is in the catalogue's active list (shown in listings and search).
    pub fn is_active(&self) -> bool {
        self.status == ServiceStatus::Active
    }

    /// Whether it serves persons (自然人).
    pub fn serves_persons(&self) -> bool {
        self.objects.contains(&ServiceObject::NaturalPerson)
    }

    /// The same service at another catalogue version (the version is the catalogue's to set).
    pub fn at_version(mut self, version: u64) -> Self {
        self.version = version;
        self.document.version = version;
        self
    }
}

/// A serde error without the input's text (positions only: the text may be anyone's).
fn shape_error(e: &serde_json::Error) -> String {
    format!("{:?} error at line {} column {}", e.classify(), e.line(), e.column())
}

fn name(text: &Localized, field: &'static str) -> Result<(), GuideError> {
    bounded(text, field, MAX_NAME)
}

fn localized(text: &Localized, field: &'static str) -> Result<(), GuideError> {
    bounded(text, field, MAX_TEXT)
}

fn bounded(text: &Localized, field: &'static str, most: usize) -> Result<(), GuideError> {
    if text.hans.trim().is_empty() {
        return Err(GuideError::Empty(field));
    }
    for t in [Some(&text.hans), text.hant.as_ref(), text.en.as_ref()].into_iter().flatten() {
        if t.chars().count() > most {
            return Err(GuideError::TooLong(field));
        }
    }
    Ok(())
}

fn text(t: &str, field: &'static str) -> Result<(), GuideError> {
    bounded(&Localized { hans: t.to_owned(), hant: None, en: None }, field, MAX_TEXT)
}

fn short(t: &str, field: &'static str) -> Result<(), GuideError> {
    if t.chars().count() > MAX_NAME { Err(GuideError::TooLong(field)) } else { Ok(()) }
}

fn list<T>(items: &[T], field: &'static str, least: usize) -> Result<(), GuideError> {
    if items.len() < least || items.len() > MAX_LIST { Err(GuideError::Count(field)) } else { Ok(()) }
}

fn codes<T: PartialEq>(
    raw: &[u8],
    parse: impl Fn(u8) -> Option<T>,
    field: &'static str,
) -> Result<Vec<T>, GuideError> {
    let mut out = Vec::with_capacity(raw.len());
    for code in raw {
        let value = parse(*code).ok_or(GuideError::UnknownCode(field))?;
        if !out.contains(&value) {
            out.push(value);
        }
    }
    if out.is_empty() || out.len() > MAX_LIST {
        return Err(GuideError::Count(field));
    }
    Ok(out)
}

fn limit(dto: TimeLimitDto, field: &'static str) -> Result<TimeLimit, GuideError> {
    let unit = match dto.unit {
        TimeUnitDto::Immediate => {
            return match dto.amount {
                None => Ok(TimeLimit::Immediate),
                Some(_) => Err(GuideError::Limit(field)),
            };
        }
        TimeUnitDto::WorkingDays => TimeUnit::WorkingDays,
        TimeUnitDto::CalendarDays => TimeUnit::CalendarDays,
        TimeUnitDto::Hours => TimeUnit::Hours,
        TimeUnitDto::Months => TimeUnit::Months,
    };
    let amount = dto.amount.ok_or(GuideError::Limit(field))?;
    TimeLimit::within(amount, unit).map_err(|_| GuideError::Limit(field))
}

fn certificate(slug: Option<&str>, field: &'static str) -> Result<Option<CertificateType>, GuideError> {
    slug.map(|s| CertificateType::from_slug(s).ok_or(GuideError::UnknownCertificate(field))).transpose()
}

fn material(m: &MaterialDto) -> Result<Material, GuideError> {
    name(&m.name, "a material's name")?;
    name(&m.issuer, "a material's issuer")?;
    let requirement = match (m.requirement, &m.condition) {
        (RequirementDto::Required, _) => Requirement::Required,
        (RequirementDto::Conditional, Some(condition)) => {
            localized(condition, "a material's condition")?;
            Requirement::Conditional(condition.clone())
        }
        (RequirementDto::Conditional, None) => return Err(GuideError::ConditionMissing),
    };
    for url in [&m.blank_form, &m.sample].into_iter().flatten() {
        short(url, "a material's form address")?;
    }
    if let Some(notes) = &m.notes {
        localized(notes, "a material's notes")?;
    }
    let reuse = match m.reuse {
        ReuseClassDto::Unconditional => ReuseClass::Unconditional,
        ReuseClassDto::WithinValidity => ReuseClass::WithinValidity,
        ReuseClassDto::WithoutLimit => ReuseClass::WithoutLimit,
        ReuseClassDto::Never => ReuseClass::Never,
    };
    Ok(Material {
        name: m.name.clone(),
        issuer: m.issuer.clone(),
        originals: m.originals,
        copies: m.copies,
        requirement,
        form: m.form,
        blank_form: m.blank_form.clone(),
        sample: m.sample.clone(),
        reuse,
        satisfied_by: certificate(m.satisfied_by.as_deref(), "a material")?,
        notes: m.notes.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A complete guide from the test vectors.
    fn document() -> ServiceDocument {
        let json = include_str!("../../tests/vectors/catalogue/driving-licence-renewal.json");
        serde_json::from_str(json).expect("the test vector is a document")
    }

    fn refused(change: impl FnOnce(&mut ServiceDocument)) -> GuideError {
        let mut d = document();
        change(&mut d);
        Service::parse(d).expect_err("refused")
    }

    #[test]
    fn a_complete_guide_parses_into_its_typed_parts() {
        let service = Service::parse(document()).expect("a valid guide");
        assert_eq!(service.code.to_string(), document().code);
        assert_eq!(service.level, ExerciseLevel::Municipal);
        assert_eq!(service.themes.iter().map(|t| t.key()).collect::<Vec<_>>(), ["person:095"]);
        assert_eq!(service.case_kind, CaseKind::Immediate);
        assert_eq!(service.promised_limit, TimeLimit::Immediate);
        assert_eq!(service.result.e_certificate, Some(CertificateType::DrivingLicence));
        let held: Vec<_> = service.materials.iter().filter_map(|m| m.satisfied_by).collect();
        assert_eq!(held, [CertificateType::ResidentIdCard, CertificateType::DrivingLicence]);
        assert_eq!(service.materials.last().map(|m| m.reuse), Some(ReuseClass::Never));
        assert!(service.is_active() && service.serves_persons());
        let again = Service::from_json(service.to_json().as_bytes()).expect("its JSON parses again");
        assert_eq!(again, service);
    }

    #[test]
    fn each_wrong_field_is_refused_by_name() {
        assert_eq!(refused(|d| d.code = "0100461000-110105-111101050000000018".into()), {
            GuideError::Code(CodeError::Organ(crate::cert::credit_code::CreditCodeError::ChecksumMismatch))
        });
        let other_organ = "11110105MB0000001".to_owned();
        let check = crate::cert::credit_code::check_character(&other_organ).expect("a check character");
        assert_eq!(refused(|d| d.organ.code = format!("{other_organ}{check}")), GuideError::Organ);
        assert_eq!(refused(|d| d.name.hans = " ".into()), GuideError::Empty("the service's name"));
        assert_eq!(refused(|d| d.name.en = Some("x".repeat(201))), GuideError::TooLong("the service's name"));
        assert_eq!(refused(|d| d.level = 8), GuideError::UnknownCode("the exercise level"));
        assert_eq!(refused(|d| d.objects.clear()), GuideError::Count("a service object"));
        assert_eq!(refused(|d| d.objects = vec![7]), GuideError::UnknownCode("a service object"));
        assert_eq!(refused(|d| d.themes = vec!["person:080".into()]), GuideError::UnknownCode("a theme"));
        assert_eq!(refused(|d| d.themes.clear()), GuideError::Count("the themes"));
        assert_eq!(refused(|d| d.steps.clear()), GuideError::Count("the steps"));
        assert_eq!(refused(|d| d.legal_basis.clear()), GuideError::Count("the legal basis"));
        assert_eq!(
            refused(|d| d.statutory_limit = TimeLimitDto { amount: Some(0), unit: TimeUnitDto::WorkingDays }),
            GuideError::Limit("the statutory time limit")
        );
        assert_eq!(
            refused(|d| d.promised_limit = TimeLimitDto { amount: Some(3), unit: TimeUnitDto::Immediate }),
            GuideError::Limit("the promised time limit")
        );
        assert_eq!(
            refused(|d| {
                d.case_kind = 2;
                d.promised_limit = TimeLimitDto { amount: Some(21), unit: TimeUnitDto::WorkingDays };
            }),
            GuideError::PromiseExceedsStatute
        );
        assert_eq!(
            refused(|d| d.promised_limit = TimeLimitDto { amount: Some(5), unit: TimeUnitDto::WorkingDays }),
            GuideError::ImmediateNotImmediate
        );
        assert_eq!(refused(|d| d.materials[0].satisfied_by = Some("library-card".into())), {
            GuideError::UnknownCertificate("a material")
        });
        assert_eq!(
            refused(|d| d.result.e_certificate = Some("".into())),
            GuideError::UnknownCertificate("the result")
        );
        assert_eq!(
            refused(|d| {
                d.materials[0].requirement = RequirementDto::Conditional;
                d.materials[0].condition = None;
            }),
            GuideError::ConditionMissing
        );
        assert_eq!(
            refused(|d| d.materials = vec![d.materials[0].clone(); 61]),
            GuideError::Count("the materials")
        );
        let code = document().code;
        assert_eq!(refused(|d| d.replaced_by = vec![code]), GuideError::Replacement);
        assert!(matches!(refused(|d| d.replaced_by = vec!["nope".into()]), GuideError::ReplacedBy(_)));
    }

    #[test]
    fn the_process_is_the_guides_own_or_one_branch_at_the_organ() {
        let service = Service::parse(document()).expect("a valid guide");
        assert_eq!(service.process, Process::single(service.organ.code.clone(), TimeLimit::Immediate));
        assert_eq!(service.process.limit(), 1, "即办: one working day");

        let newborn: shimin_wire::workflow::ProcessDto =
            serde_json::from_str(include_str!("../../tests/vectors/workflow/newborn-process.json"))
                .expect("JSON");
        let mut d = document();
        d.process = Some(newborn.clone());
        let service = Service::parse(d).expect("a guide with a process");
        assert_eq!(service.process.stages()[0].branches.len(), 4);
        assert_eq!(Service::from_json(service.to_json().as_bytes()).map(|s| s.process), Ok(service.process));

        let mut twice = newborn;
        twice.stages[0].branches[3].department = twice.stages[0].branches[0].department.clone();
        assert_eq!(
            refused(|d| d.process = Some(twice)),
            GuideError::Process(ProcessError::DepartmentTwice { stage: 0 })
        );
    }

    #[test]
    fn raw_json_is_refused_when_too_large_or_misshapen_without_echoing_it() {
        let big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        assert_eq!(Service::from_json(&big), Err(GuideError::TooLarge));
        let secret = r#"{"code": "110105194912310021 王秀兰"}"#;
        let err = Service::from_json(secret.as_bytes()).expect_err("not a document");
        assert!(matches!(err, GuideError::Shape(_)));
        let message = err.to_string();
        assert!(!message.contains("王秀兰") && !message.contains("110105194912310021"), "{message}");
        let mut unknown = serde_json::to_value(document()).expect("JSON");
        unknown["extra"] = serde_json::json!(1);
        let json = serde_json::to_vec(&unknown).expect("JSON");
        assert!(matches!(Service::from_json(&json), Err(GuideError::Shape(_))), "unknown fields are refused");
    }
}
