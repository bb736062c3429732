//! Issuance: a staff member of a department issues, renews, revokes, suspends and reinstates
//! certificates; every device of the holder gets its own signed copy (the certificate binds the
//! device key), and the status list is re-signed on every change.

use shimin_core::IdNumber;
use shimin_core::cert::issue::{china_date_of, china_midnight};
use shimin_core::cert::kinds::{
    BusinessLicence, DegreeCertificate, DegreeLevel, DrivingLicence, Endorsement, EndorsementKind, Entries,
    Ethnicity, HkMacauTravelPermit, HouseholdRegister, MarriageCertificate, Photo, Relation, ResidencePermit,
    ResidentIdCard, VehicleClass,
};
use shimin_core::cert::{
    Certificate, CertificateBody, CertificateId, CertificateIssuer, CertificateStatus, CertificateType,
    CreditCode, DivisionCode, IssuedCertificate, Metadata, Person, Serial, StatusReference, Validity,
};
use shimin_core::crypto::VerifyingKey;
use shimin_core::photo::Thumbnail;
use shimin_core::sensitive::Sensitive;
use shimin_wire::backend::{
    CertificateFields, CertificateStatusView, CertificateView, EndorsementFields, IssueCertificateRequest,
    StatusAction,
};
use time::Date;
use time::macros::format_description;

use super::{Backend, ServiceError};
use crate::store::{
    CertificateCopies, CertificateRecord, CitizenRecord, CompanyRecord, DepartmentRecord, EventKind,
    NewCertificate, NewCopy, NewEvent, SignCopies, StaffRecord, StoreError, StoredStatus,
};

/// Parses `YYYY-MM-DD`.
///
/// # Errors
/// [`ServiceError::BadInput`].
pub fn parse_date(text: &str) -> Result<Date, ServiceError> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| ServiceError::BadInput("invalid date"))
}

fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses a resident ID number from a request.
///
/// # Errors
/// [`ServiceError::BadInput`] when the number or its check digit is wrong.
pub fn parse_id_number(text: &str) -> Result<IdNumber, ServiceError> {
    IdNumber::parse(text).map_err(|_| ServiceError::BadInput("invalid resident ID number"))
}

fn slug_of(fields: &CertificateFields) -> &'static str {
    match fields {
        CertificateFields::ResidentIdCard => CertificateType::ResidentIdCard.slug(),
        CertificateFields::HouseholdRegister => CertificateType::HouseholdRegister.slug(),
        CertificateFields::ResidencePermit { .. } => CertificateType::ResidencePermit.slug(),
        CertificateFields::DegreeCertificate { .. } => CertificateType::DegreeCertificate.slug(),
        CertificateFields::DrivingLicence { .. } => CertificateType::DrivingLicence.slug(),
        CertificateFields::HkMacauTravelPermit { .. } => CertificateType::HkMacauTravelPermit.slug(),
        CertificateFields::MarriageCertificate { .. } => CertificateType::MarriageCertificate.slug(),
        CertificateFields::BusinessLicence { .. } => CertificateType::BusinessLicence.slug(),
    }
}

/// The vehicle classes printed together, e.g. `C1E` → C1 and E; each at most once.
fn vehicle_classes(printed: &str) -> Result<Vec<VehicleClass>, ServiceError> {
    use VehicleClass::*;
    // Two-character classes first, so `C1` is not read as `C` + `1`.
    const ALL: [VehicleClass; 17] = [A1, A2, A3, B1, B2, C1, C2, C3, C4, C5, C6, D, E, F, M, N, P];
    let bad = || ServiceError::BadInput("vehicle classes must be like C1 or C1E");
    let mut rest = printed.trim();
    let mut classes = Vec::new();
    while !rest.is_empty() {
        let class = ALL.iter().copied().find(|c| rest.starts_with(c.code().as_str())).ok_or_else(bad)?;
        if classes.contains(&class) {
            return Err(bad());
        }
        rest = &rest[class.code().len()..];
        classes.push(class);
    }
    if classes.is_empty() { Err(bad()) } else { Ok(classes) }
}

/// A travel permit endorsement from the request.
fn endorsement(fields: &EndorsementFields) -> Result<Endorsement, ServiceError> {
    let kind = match fields.kind.as_str() {
        "G" => EndorsementKind::IndividualTourism,
        "L" => EndorsementKind::GroupTourism,
        "T" => EndorsementKind::VisitingRelatives,
        "S" => EndorsementKind::Business,
        "D" => EndorsementKind::Stay,
        "Q" => EndorsementKind::Other,
        _ => return Err(ServiceError::BadInput("endorsement kind must be one of G L T S D Q")),
    };
    let entries = match std::num::NonZeroU8::new(fields.entries) {
        Some(n) => Entries::Limited(n),
        None => Entries::Multiple,
    };
    Ok(Endorsement { kind, entries, valid_until: parse_date(&fields.valid_until)? })
}

fn relation_of(code: &str) -> Relation {
    match code {
        "01" => Relation::Head,
        "10" => Relation::Spouse,
        "20" => Relation::Son,
        "30" => Relation::Daughter,
        "50" => Relation::Parent,
        _ => Relation::Other,
    }
}

fn status_view(s: StoredStatus) -> CertificateStatusView {
    match s {
        StoredStatus::Valid => CertificateStatusView::Valid,
        StoredStatus::Revoked => CertificateStatusView::Revoked,
        StoredStatus::Suspended => CertificateStatusView::Suspended,
    }
}

/// Everything a certificate is built from, checked.
#[derive(Clone)]
struct Draft {
    certificate_type: CertificateType,
    citizen: CitizenRecord,
    department: DepartmentRecord,
    validity: Validity,
    fields: CertificateFields,
    head_name: Option<String>,
    household: Option<crate::store::HouseholdRecord>,
    /// The other party of a marriage certificate.
    spouse: Option<CitizenRecord>,
    /// The company of a business licence.
    company: Option<CompanyRecord>,
}

impl Draft {
    /// The domain certificate with number `serial`, issued at `issued_at`.
    fn build(&self, serial: i64, issued_at: i64) -> Result<Certificate, ServiceError> {
        let id_number = parse_id_number(&self.citizen.id_number)?;
        let person = Person::new(self.citizen.name.clone(), id_number);
        let issuer_code =
            CreditCode::parse(&self.department.code).map_err(|_| ServiceError::Signing("department code"))?;
        let jurisdiction = DivisionCode::parse(issuer_code.division_code())
            .map_err(|_| ServiceError::Unprocessable("the department's code has no valid division"))?;
        let ethnicity = || {
            Ethnicity::from_code(self.citizen.ethnicity)
                .ok_or(ServiceError::Unprocessable("registry ethnicity code"))
        };
        // The registry keeps the full photo (for the face match); certificates carry the compact
        // grey thumbnail made from it. A registry photo that is not an image gives no thumbnail.
        let photo = self
            .citizen
            .photo
            .as_deref()
            .and_then(|bytes| Thumbnail::from_image_bytes(bytes).ok())
            .and_then(|t| Photo::from_thumbnail(&t));
        let body = match &self.fields {
            CertificateFields::ResidentIdCard => CertificateBody::ResidentIdCard(ResidentIdCard {
                person,
                ethnicity: ethnicity()?,
                address: Sensitive::new(self.citizen.address.clone()),
                photo,
            }),
            CertificateFields::HouseholdRegister => {
                let household = self
                    .household
                    .as_ref()
                    .ok_or(ServiceError::Unprocessable("the citizen has no registered household"))?;
                CertificateBody::HouseholdRegister(HouseholdRegister {
                    household_number: Sensitive::new(household.number.clone()),
                    head_of_household: Sensitive::new(self.head_name.clone().unwrap_or_default()),
                    address: Sensitive::new(household.address.clone()),
                    member: person,
                    relation: relation_of(&self.citizen.relation),
                    ethnicity: ethnicity()?,
                    birthplace: Sensitive::new(self.citizen.address.clone()),
                })
            }
            CertificateFields::ResidencePermit { residence_address } => {
                CertificateBody::ResidencePermit(ResidencePermit {
                    person,
                    residence_address: Sensitive::new(residence_address.clone()),
                    photo,
                })
            }
            CertificateFields::DrivingLicence { classes, first_issue_date, file_number } => {
                if file_number.trim().is_empty() || file_number.len() > 32 {
                    return Err(ServiceError::BadInput("a file number has 1–32 characters"));
                }
                CertificateBody::DrivingLicence(DrivingLicence {
                    person,
                    nationality: "CHN".into(),
                    address: Sensitive::new(self.citizen.address.clone()),
                    classes: vehicle_classes(classes)?,
                    first_issue_date: parse_date(first_issue_date)?,
                    file_number: Sensitive::new(file_number.trim().to_owned()),
                    photo,
                })
            }
            CertificateFields::HkMacauTravelPermit { name_pinyin, hong_kong, macau } => {
                let pinyin = name_pinyin.trim();
                if pinyin.is_empty()
                    || pinyin.len() > 64
                    || !pinyin.chars().all(|c| c.is_ascii_uppercase() || c == ' ')
                {
                    return Err(ServiceError::BadInput("the pinyin name is capital letters and spaces"));
                }
                CertificateBody::HkMacauTravelPermit(HkMacauTravelPermit {
                    person,
                    name_pinyin: Sensitive::new(pinyin.to_owned()),
                    hong_kong: hong_kong.as_ref().map(endorsement).transpose()?,
                    macau: macau.as_ref().map(endorsement).transpose()?,
                    photo,
                })
            }
            CertificateFields::MarriageCertificate { registration_date, .. } => {
                let spouse = self.spouse.as_ref().ok_or(ServiceError::NotFound("spouse"))?;
                if spouse.id_number == self.citizen.id_number {
                    return Err(ServiceError::BadInput("the spouse is the holder"));
                }
                CertificateBody::MarriageCertificate(MarriageCertificate {
                    holder: person,
                    spouse: Person::new(spouse.name.clone(), parse_id_number(&spouse.id_number)?),
                    registration_date: parse_date(registration_date)?,
                })
            }
            CertificateFields::BusinessLicence {
                company_kind,
                registered_capital_yuan,
                established,
                business_term_until,
                address,
                business_scope,
                ..
            } => {
                let company = self.company.as_ref().ok_or(ServiceError::NotFound("company"))?;
                if company.legal_representative != self.citizen.id_number {
                    return Err(ServiceError::Unprocessable(
                        "a business licence goes to the company's legal representative",
                    ));
                }
                CertificateBody::BusinessLicence(BusinessLicence {
                    company_name: company.name.clone(),
                    credit_code: CreditCode::parse(&company.credit_code)
                        .map_err(|_| ServiceError::Unprocessable("the registry's credit code"))?,
                    company_kind: company_kind.clone(),
                    legal_representative: Sensitive::new(self.citizen.name.clone()),
                    registered_capital_yuan: *registered_capital_yuan,
                    established: parse_date(established)?,
                    business_term_until: business_term_until.as_deref().map(parse_date).transpose()?,
                    address: address.clone(),
                    business_scope: business_scope.clone(),
                })
            }
            CertificateFields::DegreeCertificate { level, discipline, major, university, conferral_date } => {
                let level = match level.as_str() {
                    "bachelor" => DegreeLevel::Bachelor,
                    "master" => DegreeLevel::Master,
                    "doctor" => DegreeLevel::Doctor,
                    _ => {
                        return Err(ServiceError::BadInput(
                            "degree level must be bachelor, master or doctor",
                        ));
                    }
                };
                CertificateBody::DegreeCertificate(DegreeCertificate {
                    person,
                    level,
                    discipline: discipline.clone(),
                    major: major.clone(),
                    university: university.clone(),
                    conferral_date: parse_date(conferral_date)?,
                })
            }
        };
        let certificate = Certificate {
            metadata: Metadata {
                number: Sensitive::new(format!("{serial:012}")),
                issuer_name: self.department.name.clone(),
                issuer_code,
                issue_date: china_date_of(issued_at)
                    .map_err(|_| ServiceError::BadInput("time out of range"))?,
                validity: self.validity,
                jurisdiction,
                status: CertificateStatus::Valid,
            },
            body,
        };
        // Catches duplicate attributes and dates the calendar cannot hold before anything is stored.
        certificate
            .attributes(china_date_of(issued_at).map_err(|_| ServiceError::BadInput("time out of range"))?)
            .map_err(|_| ServiceError::Unprocessable("the certificate's attributes clash"))?;
        Ok(certificate)
    }
}

/// The record as staff and holders see it.
///
/// # Errors
/// [`ServiceError::Signing`] when the stored record does not make an identifier.
pub fn view_of(record: &CertificateRecord) -> Result<CertificateView, ServiceError> {
    Ok(CertificateView {
        id: record.id,
        certificate_id: certificate_id_of(record)?.to_string(),
        certificate_type: record.type_slug.clone(),
        version: record.version,
        status: status_view(record.status),
        status_list_id: record.status_list_id,
        status_index: u64::try_from(record.status_index).unwrap_or_default(),
        valid_from: record.valid_from.clone(),
        valid_until: record.valid_until.clone(),
        issued_at: record.issued_at,
    })
}

/// The GB/T 36904 identifier of a stored certificate.
///
/// # Errors
/// [`ServiceError::Signing`] for a record that does not make one.
pub fn certificate_id_of(record: &CertificateRecord) -> Result<CertificateId, ServiceError> {
    let t = CertificateType::from_slug(&record.type_slug).ok_or(ServiceError::Signing("stored type"))?;
    let issuer =
        CreditCode::parse(&record.department_code).map_err(|_| ServiceError::Signing("stored issuer"))?;
    let serial =
        Serial::parse(&format!("{:012}", record.serial)).map_err(|_| ServiceError::Signing("serial"))?;
    CertificateId::new(t.type_code(), issuer, serial, record.version)
        .map_err(|_| ServiceError::Signing("identifier"))
}

/// How often a status change is re-read and retried when another change of the same
/// certificate committed between its read and its write.
const MAX_STATUS_ATTEMPTS: u32 = 3;

/// Only issuer staff may issue, change statuses, hand out enrolment codes, rotate keys and
/// proceed with cases; reviewers read.
///
/// # Errors
/// 403 for a reviewer.
pub fn require_issuer(staff: &StaffRecord) -> Result<(), ServiceError> {
    if staff.role == "issuer" {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("only issuer staff may do this"))
    }
}

impl Backend {
    async fn draft(
        &self,
        staff: &StaffRecord,
        holder: &str,
        fields: CertificateFields,
        valid_from: Date,
        valid_until: Option<Date>,
    ) -> Result<Draft, ServiceError> {
        let department = self
            .store
            .department(&staff.department_code)
            .await?
            .ok_or(ServiceError::Forbidden("no department"))?;
        let slug = slug_of(&fields);
        if !department.allowed_types.iter().any(|t| t == slug) {
            return Err(ServiceError::Forbidden("the department may not issue this certificate type"));
        }
        let certificate_type =
            CertificateType::from_slug(slug).ok_or(ServiceError::BadInput("certificate type"))?;
        let validity = Validity::new(valid_from, valid_until)
            .map_err(|_| ServiceError::BadInput("validity ends before it starts"))?;
        let citizen = self.store.citizen(holder).await?.ok_or(ServiceError::UnknownCitizen)?;
        let household = match &citizen.household_number {
            Some(n) => self.store.household(n).await?,
            None => None,
        };
        let head_name = match &household {
            Some(h) => self.store.citizen(&h.head_id_number).await?.map(|c| c.name),
            None => None,
        };
        let spouse = match &fields {
            CertificateFields::MarriageCertificate { spouse_id_number, .. } => {
                let id = parse_id_number(spouse_id_number)?;
                Some(self.store.citizen(id.as_str()).await?.ok_or(ServiceError::NotFound("spouse"))?)
            }
            _ => None,
        };
        let company = match &fields {
            CertificateFields::BusinessLicence { credit_code, .. } => {
                let code = CreditCode::parse(credit_code)
                    .map_err(|_| ServiceError::BadInput("invalid credit code"))?;
                Some(self.store.company(code.as_str()).await?.ok_or(ServiceError::NotFound("company"))?)
            }
            _ => None,
        };
        Ok(Draft {
            certificate_type,
            citizen,
            department,
            validity,
            fields,
            head_name,
            household,
            spouse,
            company,
        })
    }

    /// Issues a certificate of the staff member's department to a citizen, and a signed copy to
    /// each of the citizen's devices.
    ///
    /// # Errors
    /// 400 for bad input, 403 for a type the department may not issue or a reviewer, 404
    /// `unknown_citizen` for a holder not in the registry, 422 when the registry lacks what the
    /// type needs.
    pub async fn issue(
        &self,
        staff: &StaffRecord,
        request: IssueCertificateRequest,
        now: i64,
    ) -> Result<CertificateView, ServiceError> {
        self.issue_once(staff, request, None, now).await
    }

    /// As [`Backend::issue`], under the idempotency key the client chose
    /// ([`shimin_wire::backend::IDEMPOTENCY_KEY_HEADER`]): when the department already issued a
    /// certificate under `request_key` (the client lost the answer and retries), that certificate
    /// is answered and nothing new is issued. The key and the certificate are stored in one
    /// transaction, so a crash leaves either both or neither.
    ///
    /// # Errors
    /// As [`Backend::issue`]; 400 for a key that is empty, longer than 128 characters or not
    /// visible ASCII; 409 when the key was used for a different request.
    pub async fn issue_once(
        &self,
        staff: &StaffRecord,
        request: IssueCertificateRequest,
        request_key: Option<&str>,
        now: i64,
    ) -> Result<CertificateView, ServiceError> {
        require_issuer(staff)?;
        if let Some(key) = request_key
            && (key.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()))
        {
            return Err(ServiceError::BadInput("idempotency key must be 1 to 128 visible ASCII characters"));
        }
        let holder = parse_id_number(&request.holder_id_number)?;
        let valid_from = parse_date(&request.valid_from)?;
        let valid_until = request.valid_until.as_deref().map(parse_date).transpose()?;
        if let Some(done) = self.issued_under(staff, request_key, &request, holder.as_str()).await? {
            return Ok(done);
        }
        let draft =
            self.draft(staff, holder.as_str(), request.fields.clone(), valid_from, valid_until).await?;
        draft.build(0, now)?;
        match self.store_and_sign(&draft, None, request_key, now).await {
            // A concurrent request with the same key stored first.
            Err(ServiceError::Store(StoreError::Conflict)) => self
                .issued_under(staff, request_key, &request, holder.as_str())
                .await?
                .ok_or(ServiceError::Conflict("the certificate clashes with a stored one")),
            other => other,
        }
    }

    /// The certificate the staff member's department issued under `request_key`, when that
    /// request was this one; 409 when the key was used for another.
    async fn issued_under(
        &self,
        staff: &StaffRecord,
        request_key: Option<&str>,
        request: &IssueCertificateRequest,
        holder: &str,
    ) -> Result<Option<CertificateView>, ServiceError> {
        let Some(key) = request_key else { return Ok(None) };
        let Some(record) = self.store.certificate_by_request_key(&staff.department_code, key).await? else {
            return Ok(None);
        };
        let fields_json =
            serde_json::to_string(&request.fields).map_err(|_| ServiceError::Signing("fields encoding"))?;
        let same = record.citizen_id_number == holder
            && record.fields_json == fields_json
            && record.valid_from == request.valid_from
            && record.valid_until == request.valid_until;
        if !same {
            return Err(ServiceError::Conflict("the idempotency key was used for another certificate"));
        }
        view_of(&record).map(Some)
    }

    async fn store_and_sign(
        &self,
        draft: &Draft,
        previous: Option<&CertificateRecord>,
        request_key: Option<&str>,
        now: i64,
    ) -> Result<CertificateView, ServiceError> {
        let expires_at = match draft.validity.until() {
            Some(last) => Some(
                china_midnight(last.next_day().ok_or(ServiceError::BadInput("date out of range"))?)
                    .map_err(|_| ServiceError::BadInput("date out of range"))?,
            ),
            None => None,
        };
        let fields_json =
            serde_json::to_string(&draft.fields).map_err(|_| ServiceError::Signing("fields encoding"))?;
        let version = match previous {
            Some(p) => p
                .version
                .checked_add(1)
                .filter(|v| *v <= 999)
                .ok_or(ServiceError::Conflict("no version left"))?,
            None => 0,
        };
        // Everything the copies need is read before the transaction; the signing itself runs
        // inside it, once the serial and the status entry are known, so a failure leaves no
        // certificate without its copies.
        let devices = self.store.active_devices(&draft.citizen.id_number).await?;
        let (key_id, key) = self.current_key(&draft.department.code).await?;
        let public_url = self.config.public_url.clone();
        let signer = draft.clone();
        let message = format!("{}已签发", draft.certificate_type.name());
        let sign: SignCopies = Box::new(move |record| {
            let certificate =
                signer.build(record.serial, record.issued_at).map_err(|_| StoreError::Signing)?;
            let id = certificate_id_of(record).map_err(|_| StoreError::Signing)?;
            let code = CreditCode::parse(&record.department_code).map_err(|_| StoreError::Signing)?;
            let issuer = CertificateIssuer::new(&key, key_id.as_bytes().to_vec(), code);
            let status = StatusReference {
                uri: super::keys::status_list_uri(&public_url, record.status_list_id),
                index: u64::try_from(record.status_index).map_err(|_| StoreError::Signing)?,
            };
            // The template is bound to the department's own key, which no device holds.
            let template = issuer
                .issue(&certificate, &id, &key.verifying_key(), &status, record.issued_at)
                .map_err(|_| StoreError::Signing)?;
            let mut copies = Vec::with_capacity(devices.len());
            for device in &devices {
                let device_key =
                    VerifyingKey::p256_from_sec1(&device.public_key).map_err(|_| StoreError::Signing)?;
                let issued = issuer.rebind(&template, &device_key).map_err(|_| StoreError::Signing)?;
                let holder_copy = issued.to_holder_copy().ok_or(StoreError::Signing)?;
                copies.push(NewCopy { device_id: device.id, holder_copy });
            }
            Ok(CertificateCopies {
                template: template.to_holder_copy().ok_or(StoreError::Signing)?,
                copies,
                events: vec![NewEvent {
                    citizen_id_number: record.citizen_id_number.clone(),
                    device_id: None,
                    kind: EventKind::Notification,
                    certificate_id: Some(record.id),
                    status: None,
                    message: Some(message),
                    created_at: record.issued_at,
                }],
            })
        });
        let record = self
            .store
            .issue_certificate(
                NewCertificate {
                    citizen_id_number: draft.citizen.id_number.clone(),
                    department_code: draft.department.code.clone(),
                    type_slug: draft.certificate_type.slug().to_owned(),
                    serial: previous.map(|p| p.serial),
                    version,
                    valid_from: format_date(draft.validity.from()),
                    valid_until: draft.validity.until().map(format_date),
                    expires_at,
                    fields_json,
                    issued_at: now,
                    replaces: previous.map(|p| p.id),
                    status_list_capacity: self.config.status_list_capacity,
                    request_key: request_key.map(str::to_owned),
                },
                sign,
            )
            .await?;
        self.publish_status_list(record.status_list_id, now).await?;
        if let Some(p) = previous.filter(|p| p.status_list_id != record.status_list_id) {
            self.publish_status_list(p.status_list_id, now).await?;
        }
        view_of(&record)
    }

    /// Signs a copy of every current certificate of the owner for a device about to be
    /// registered: each made from the certificate as issued (its stored template), so no
    /// authorisation is run again against today's registry. Returns (certificate row id,
    /// holder copy) pairs for [`crate::store::DeviceStore::enrol_device_with_copies`].
    ///
    /// # Errors
    /// When the store fails or signing does.
    pub async fn copies_for_new_device(
        &self,
        citizen_id_number: &str,
        device_key: &VerifyingKey,
    ) -> Result<Vec<(i64, Vec<u8>)>, ServiceError> {
        let mut copies = Vec::new();
        for record in self.store.certificates_of(citizen_id_number).await? {
            if record.replaced_by.is_some() || record.status == StoredStatus::Revoked {
                continue;
            }
            let (key_id, key) = self.current_key(&record.department_code).await?;
            let code =
                CreditCode::parse(&record.department_code).map_err(|_| ServiceError::Signing("issuer"))?;
            let issuer = CertificateIssuer::new(&key, key_id.as_bytes().to_vec(), code);
            let issued = match self.store.certificate_template(record.id).await? {
                Some(template) => {
                    let template = IssuedCertificate::from_holder_copy(&template)
                        .map_err(|_| ServiceError::Signing("stored certificate"))?;
                    issuer.rebind(&template, device_key).map_err(|_| ServiceError::Signing("certificate"))?
                }
                // Issued before templates were kept: rebuilt from its stored fields.
                None => {
                    let draft = self.redraft(&record).await?;
                    let certificate = draft.build(record.serial, record.issued_at)?;
                    let status = StatusReference {
                        uri: self.status_list_uri(record.status_list_id),
                        index: u64::try_from(record.status_index)
                            .map_err(|_| ServiceError::Signing("index"))?,
                    };
                    issuer
                        .issue(
                            &certificate,
                            &certificate_id_of(&record)?,
                            device_key,
                            &status,
                            record.issued_at,
                        )
                        .map_err(|_| ServiceError::Signing("certificate"))?
                }
            };
            copies.push((record.id, issued.to_holder_copy().ok_or(ServiceError::Signing("holder copy"))?));
        }
        Ok(copies)
    }

    /// Rebuilds the draft of a stored certificate from the registry and its stored fields.
    async fn redraft(&self, record: &CertificateRecord) -> Result<Draft, ServiceError> {
        let fields: CertificateFields =
            serde_json::from_str(&record.fields_json).map_err(|_| ServiceError::Signing("stored fields"))?;
        let department = self
            .store
            .department(&record.department_code)
            .await?
            .ok_or(ServiceError::Signing("stored department"))?;
        let staff = StaffRecord {
            id: 0,
            login: String::new(),
            department_code: department.code.clone(),
            role: "issuer".into(),
            password_salt: Vec::new(),
            password_hash: Vec::new(),
        };
        let valid_from = parse_date(&record.valid_from)?;
        let valid_until = record.valid_until.as_deref().map(parse_date).transpose()?;
        self.draft(&staff, &record.citizen_id_number, fields, valid_from, valid_until).await
    }

    /// A certificate of the staff member's department. Another department's is "not found",
    /// like an id nobody has: certificate ids are numbered in order, and a different answer
    /// would let staff map out every department's issuance.
    async fn own_certificate(&self, staff: &StaffRecord, id: i64) -> Result<CertificateRecord, ServiceError> {
        self.store
            .certificate(id)
            .await?
            .filter(|record| record.department_code == staff.department_code)
            .ok_or(ServiceError::NotFound("certificate"))
    }

    /// A certificate record, for staff of its department.
    ///
    /// # Errors
    /// 404 unknown or another department's.
    pub async fn certificate_for_staff(
        &self,
        staff: &StaffRecord,
        id: i64,
    ) -> Result<CertificateView, ServiceError> {
        view_of(&self.own_certificate(staff, id).await?)
    }

    /// Revokes, suspends or reinstates; re-signs the status list; tells the holder's devices.
    ///
    /// # Errors
    /// 403 a reviewer; 404 another department's; 409 for a change that does not apply, also when
    /// another change of the same certificate got there first.
    pub async fn change_status(
        &self,
        staff: &StaffRecord,
        id: i64,
        action: StatusAction,
        now: i64,
    ) -> Result<CertificateView, ServiceError> {
        require_issuer(staff)?;
        // Compare-and-set against the status just read, retried on a fresh read when another
        // change got there first: the decision is always taken on the state it changes, so a
        // reinstatement cannot undo a revocation that committed meanwhile, and a revocation
        // still applies to a certificate that was suspended or reinstated meanwhile.
        let mut attempts = 0;
        let record = loop {
            let record = self.own_certificate(staff, id).await?;
            let new = match (record.status, action) {
                (StoredStatus::Revoked, _) => {
                    return Err(ServiceError::Conflict("the certificate is revoked"));
                }
                (_, StatusAction::Revoke) => StoredStatus::Revoked,
                (StoredStatus::Valid, StatusAction::Suspend) => StoredStatus::Suspended,
                (StoredStatus::Suspended, StatusAction::Reinstate) => StoredStatus::Valid,
                _ => return Err(ServiceError::Conflict("the certificate is already in that state")),
            };
            let type_name =
                CertificateType::from_slug(&record.type_slug).map_or("证照", CertificateType::name);
            let message = match new {
                StoredStatus::Revoked => format!("您的{type_name}已被吊销"),
                StoredStatus::Suspended => format!("您的{type_name}已被暂停使用"),
                StoredStatus::Valid => format!("您的{type_name}已恢复有效"),
            };
            let event = |kind, status, message| NewEvent {
                citizen_id_number: record.citizen_id_number.clone(),
                device_id: None,
                kind,
                certificate_id: Some(record.id),
                status,
                message,
                created_at: now,
            };
            let events = vec![
                event(EventKind::StatusChange, Some(new.value()), None),
                event(EventKind::Notification, None, Some(message)),
            ];
            if self.store.set_status(record.id, record.status, new, events).await? {
                break record;
            }
            attempts += 1;
            if attempts == MAX_STATUS_ATTEMPTS {
                return Err(ServiceError::Conflict("the certificate keeps changing; reload it"));
            }
        };
        self.publish_status_list(record.status_list_id, now).await?;
        let updated = self.store.certificate(id).await?.ok_or(ServiceError::NotFound("certificate"))?;
        view_of(&updated)
    }

    /// Renews: the next version, same serial, optionally new validity; the old version is
    /// revoked in the same transaction.
    ///
    /// # Errors
    /// As [`Backend::issue`], and 409 for a revoked, suspended or already renewed certificate,
    /// also when that changed while this renewal was being signed.
    pub async fn renew(
        &self,
        staff: &StaffRecord,
        id: i64,
        valid_from: Option<&str>,
        valid_until: Option<&str>,
        now: i64,
    ) -> Result<CertificateView, ServiceError> {
        require_issuer(staff)?;
        let record = self.own_certificate(staff, id).await?;
        // Only a valid certificate is renewed: renewing a suspended one would hand the holder a
        // valid successor and so lift the suspension. The store checks it again when it revokes
        // the old version, in the transaction that inserts the new one.
        if record.replaced_by.is_some() || record.status != StoredStatus::Valid {
            return Err(ServiceError::Conflict("only a valid certificate that was not renewed is renewed"));
        }
        let mut draft = self.redraft(&record).await?;
        let from = match valid_from {
            Some(f) => parse_date(f)?,
            None => draft.validity.from(),
        };
        let until = match valid_until {
            Some(u) => Some(parse_date(u)?),
            None => draft.validity.until(),
        };
        draft.validity = Validity::new(from, until)
            .map_err(|_| ServiceError::BadInput("validity ends before it starts"))?;
        draft.build(record.serial, now)?;
        let view = self.store_and_sign(&draft, Some(&record), None, now).await.map_err(|e| match e {
            ServiceError::Store(StoreError::Conflict) => {
                ServiceError::Conflict("the certificate changed meanwhile; reload it")
            }
            other => other,
        })?;
        self.store
            .append_event(NewEvent {
                citizen_id_number: record.citizen_id_number.clone(),
                device_id: None,
                kind: EventKind::StatusChange,
                certificate_id: Some(record.id),
                status: Some(StoredStatus::Revoked.value()),
                message: None,
                created_at: now,
            })
            .await?;
        Ok(view)
    }
}
