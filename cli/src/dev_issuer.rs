//! `shimin issue …`: a development issuer kept in one directory. Everything here is for demos and
//! tests: the keys sit in plain PKCS#8 files (mode 0600), never in a key store.
//!
//! The directory holds `root.pk8`, `issuer.pk8`, `status.pk8`, `device.pk8` (the demo holder's
//! device key), `root.pub` (SEC1), `trust.cbor` (trust list signed by the root), `status.cbor`
//! (status list signed by the status key) and `next-index` (the next free status-list index).

use std::num::NonZeroU8;
use std::path::{Path, PathBuf};

use shimin_core::IdNumber;
use shimin_core::cert::credit_code::check_character;
use shimin_core::cert::issue::china_date_of;
use shimin_core::cert::kinds::{
    BusinessLicence, DegreeCertificate, DegreeLevel, DrivingLicence, Endorsement, EndorsementKind, Entries,
    Ethnicity, HkMacauTravelPermit, HouseholdRegister, MarriageCertificate, Relation, ResidencePermit,
    ResidentIdCard, VehicleClass,
};
use shimin_core::cert::{
    Certificate, CertificateBody, CertificateId, CertificateIssuer, CertificateStatus, CertificateType,
    CreditCode, DivisionCode, Metadata, Person, Serial, StatusReference, Validity,
};
use shimin_core::crypto::SigningKey;
use shimin_core::sensitive::Sensitive;
use shimin_core::status_list::{Bits, Status, StatusList, StatusListClaims, VerifiedStatusList};
use shimin_core::trust::{Department, IssuerEntry, KeyValidity, TrustList, TrustListInfo};
use time::{Date, Duration};

use crate::{Exit, holder_copy, read};

const DAY: i64 = 86_400;
/// The demo department's name.
pub const DEPARTMENT: &str = "演示市公安局（开发用）";
/// The first 17 characters of the demo department's credit code; the check character is computed.
const DEPARTMENT_CODE_17: &str = "11110000MA0000001";
/// The key id certificates name.
pub const ISSUER_KID: &[u8] = b"demo-issuer-1";
/// The key id the status list is signed under; the key is on the trust list with no certificate type.
pub const STATUS_KID: &[u8] = b"demo-status-1";
/// Where the demo status list claims to be published.
pub const STATUS_URI: &str = "https://status.example.invalid/shimin-demo/1";
/// Entries in the demo status list.
const STATUS_LEN: usize = 4_096;

/// The files of a development issuer directory.
pub struct DevDir(PathBuf);

impl DevDir {
    pub fn new(dir: PathBuf) -> Self {
        Self(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    pub fn key(&self, name: &str) -> Result<SigningKey, Exit> {
        let path = self.path(&format!("{name}.pk8"));
        SigningKey::from_pkcs8(&read(&path)?)
            .map_err(|_| Exit(3, format!("{} is not a PKCS#8 P-256 key", path.display())))
    }
}

/// The demo department's credit code.
pub fn department_code() -> Result<CreditCode, Exit> {
    let check = check_character(DEPARTMENT_CODE_17).map_err(|e| Exit(1, format!("demo credit code: {e}")))?;
    CreditCode::parse(&format!("{DEPARTMENT_CODE_17}{check}"))
        .map_err(|e| Exit(1, format!("demo credit code: {e}")))
}

fn write_file(path: &Path, bytes: &[u8], secret: bool) -> Result<(), Exit> {
    use std::io::Write as _;
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let fail = |e: std::io::Error| Exit(3, format!("cannot write {}: {e}", path.display()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    if secret {
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    if secret {
        file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
    }
    file.write_all(bytes).map_err(fail)
}

fn new_key() -> Result<SigningKey, Exit> {
    SigningKey::generate_p256().map_err(|e| Exit(1, format!("cannot generate a key: {e}")))
}

fn sign_status(list: &StatusList, key: &SigningKey, now: i64) -> Result<Vec<u8>, Exit> {
    let claims = StatusListClaims {
        uri: STATUS_URI.into(),
        issued_at: now,
        expires_at: Some(now + 365 * DAY),
        ttl_seconds: Some(DAY as u64),
    };
    list.sign(&claims, STATUS_KID, key).map_err(|e| Exit(1, format!("cannot sign the status list: {e}")))
}

/// `shimin issue init`: writes fresh keys and lists; returns the paths written.
pub fn init(dir: &DevDir, now: i64, force: bool) -> Result<Vec<PathBuf>, Exit> {
    std::fs::create_dir_all(&dir.0)
        .map_err(|e| Exit(3, format!("cannot create {}: {e}", dir.0.display())))?;
    if !force && dir.path("issuer.pk8").exists() {
        return Err(Exit(
            3,
            format!("{} already holds an issuer (use --force to replace it)", dir.0.display()),
        ));
    }
    let mut written = Vec::new();
    let mut write = |name: &str, bytes: &[u8], secret: bool| -> Result<(), Exit> {
        let path = dir.path(name);
        write_file(&path, bytes, secret)?;
        written.push(path);
        Ok(())
    };
    let (root, issuer, status, device) = (new_key()?, new_key()?, new_key()?, new_key()?);
    for (name, key) in [("root", &root), ("issuer", &issuer), ("status", &status), ("device", &device)] {
        write(&format!("{name}.pk8"), key.to_pkcs8().expose(), true)?;
    }
    write("root.pub", root.verifying_key().as_bytes(), false)?;

    let code = department_code()?;
    let department = Department::new(DEPARTMENT, code.as_str()).map_err(|e| Exit(1, format!("{e}")))?;
    let validity = KeyValidity { from: now - DAY, to: now + 3 * 365 * DAY };
    let types = CertificateType::ALL.map(CertificateType::code_str);
    let entries = [
        IssuerEntry::new(ISSUER_KID.to_vec(), department.clone(), issuer.verifying_key(), validity, types),
        IssuerEntry::new(
            STATUS_KID.to_vec(),
            department,
            status.verifying_key(),
            validity,
            Vec::<String>::new(),
        ),
    ]
    .into_iter()
    .collect::<Result<Vec<_>, _>>()
    .map_err(|e| Exit(1, format!("cannot build the trust list: {e}")))?;
    let info = TrustListInfo {
        sequence: 1,
        issued_at: now,
        next_update: now + 7 * DAY,
        expires_at: now + 365 * DAY,
    };
    let trust = TrustList::sign(&entries, &root, info)
        .map_err(|e| Exit(1, format!("cannot sign the trust list: {e}")))?;
    write("trust.cbor", &trust, false)?;
    write("status.cbor", &sign_status(&StatusList::new(Bits::Two, STATUS_LEN), &status, now)?, false)?;
    write("next-index", b"0\n", false)?;
    Ok(written)
}

/// `shimin issue revoke`: marks `index` revoked and re-signs the status list.
pub fn revoke(dir: &DevDir, index: usize, now: i64) -> Result<PathBuf, Exit> {
    let key = dir.key("status")?;
    let path = dir.path("status.cbor");
    let current = VerifiedStatusList::verify_ignoring_expiry(&read(&path)?, &key.verifying_key())
        .map_err(|e| Exit(3, format!("{} is not this issuer's status list: {e}", path.display())))?;
    let mut list = current.list().clone();
    list.set(index, Status::Invalid).map_err(|e| Exit(2, format!("--index: {e}")))?;
    write_file(&path, &sign_status(&list, &key, now)?, false)?;
    Ok(path)
}

/// The status-list index to use: `--index`, or the next free one from `next-index`.
fn take_index(dir: &DevDir, index: Option<u64>) -> Result<u64, Exit> {
    let path = dir.path("next-index");
    let next = std::fs::read_to_string(&path).ok().and_then(|s| s.trim().parse::<u64>().ok()).unwrap_or(0);
    let chosen = index.unwrap_or(next);
    if chosen >= STATUS_LEN as u64 {
        return Err(Exit(2, format!("--index must be below {STATUS_LEN}")));
    }
    write_file(&path, format!("{}\n", next.max(chosen + 1)).as_bytes(), false)?;
    Ok(chosen)
}

/// What `shimin issue cert` is asked for.
pub struct CertRequest {
    pub certificate_type: CertificateType,
    pub holder_id: String,
    pub name: String,
    pub index: Option<u64>,
    pub out: PathBuf,
}

/// `shimin issue cert`: issues to the demo device key and writes the holder's copy.
/// Returns the status-list index used.
pub fn issue_cert(dir: &DevDir, req: &CertRequest, now: i64) -> Result<u64, Exit> {
    let (issuer_key, device_key) = (dir.key("issuer")?, dir.key("device")?);
    let code = department_code()?;
    let today = china_date_of(now).map_err(|e| Exit(2, format!("--at: {e}")))?;
    let certificate = demo_certificate(req, &code, today)?;
    let index = take_index(dir, req.index)?;
    let serial = format!("{}{index:06}", today.year());
    let serial = Serial::parse(&serial).map_err(|e| Exit(1, format!("serial: {e}")))?;
    let id = CertificateId::new(req.certificate_type.type_code(), code.clone(), serial, 0)
        .map_err(|e| Exit(1, format!("identifier: {e}")))?;
    let status = StatusReference { uri: STATUS_URI.into(), index };
    let issued = CertificateIssuer::new(&issuer_key, ISSUER_KID, code)
        .issue(&certificate, &id, &device_key.verifying_key(), &status, now)
        .map_err(|e| Exit(1, format!("cannot issue: {e}")))?;
    let bytes =
        holder_copy::encode(&issued).ok_or_else(|| Exit(1, "cannot encode the certificate".into()))?;
    write_file(&req.out, &bytes, true)?;
    Ok(index)
}

fn date_after(day: Date, days: i64) -> Date {
    day.checked_add(Duration::days(days)).unwrap_or(day)
}

/// A certificate of the requested type for the named holder, with demo values for the rest.
fn demo_certificate(req: &CertRequest, code: &CreditCode, today: Date) -> Result<Certificate, Exit> {
    let t = req.certificate_type;
    let person = || -> Result<Person, Exit> {
        let id = IdNumber::parse(&req.holder_id).map_err(|e| Exit(2, format!("--holder-id: {e}")))?;
        Ok(Person::new(req.name.clone(), id))
    };
    let text = |s: &str| Sensitive::new(s.to_owned());
    let han = Ethnicity::from_code(1).ok_or_else(|| Exit(1, "ethnicity table".into()))?;
    let address = || text("演示省演示市演示区某街1号");
    let body = match t {
        CertificateType::ResidentIdCard => CertificateBody::ResidentIdCard(ResidentIdCard {
            person: person()?,
            ethnicity: han,
            address: address(),
            photo: None,
        }),
        CertificateType::HouseholdRegister => CertificateBody::HouseholdRegister(HouseholdRegister {
            household_number: text("110102000001"),
            head_of_household: Sensitive::new(req.name.clone()),
            address: address(),
            member: person()?,
            relation: Relation::Head,
            ethnicity: han,
            birthplace: text("演示省演示市"),
        }),
        CertificateType::ResidencePermit => CertificateBody::ResidencePermit(ResidencePermit {
            person: person()?,
            residence_address: address(),
            photo: None,
        }),
        CertificateType::HkMacauTravelPermit => CertificateBody::HkMacauTravelPermit(HkMacauTravelPermit {
            person: person()?,
            name_pinyin: text("DEMO, HOLDER"),
            hong_kong: Some(Endorsement {
                kind: EndorsementKind::IndividualTourism,
                entries: Entries::Limited(NonZeroU8::MIN),
                valid_until: date_after(today, 365),
            }),
            macau: None,
            photo: None,
        }),
        CertificateType::DrivingLicence => CertificateBody::DrivingLicence(DrivingLicence {
            person: person()?,
            nationality: "CHN".into(),
            address: address(),
            classes: vec![VehicleClass::C1],
            first_issue_date: today,
            file_number: text("110000000001"),
            photo: None,
        }),
        CertificateType::MarriageCertificate => {
            let first17 = "11010519920808002";
            let spouse = shimin_core::id_number::check_character(first17)
                .ok()
                .and_then(|check| IdNumber::parse(&format!("{first17}{check}")).ok())
                .ok_or_else(|| Exit(1, "demo spouse ID number".into()))?;
            CertificateBody::MarriageCertificate(MarriageCertificate {
                holder: person()?,
                spouse: Person::new("演示配偶", spouse),
                registration_date: today,
            })
        }
        CertificateType::BusinessLicence => CertificateBody::BusinessLicence(BusinessLicence {
            company_name: req.name.clone(),
            credit_code: CreditCode::parse(&req.holder_id)
                .map_err(|e| Exit(2, format!("--holder-id (a credit code for a business licence): {e}")))?,
            company_kind: "有限责任公司".into(),
            legal_representative: text("演示法人"),
            registered_capital_yuan: 1_000_000,
            established: today,
            business_term_until: None,
            address: "演示省演示市演示区某街1号".into(),
            business_scope: "软件开发（演示）。".into(),
        }),
        CertificateType::DegreeCertificate => CertificateBody::DegreeCertificate(DegreeCertificate {
            person: person()?,
            level: DegreeLevel::Bachelor,
            discipline: "工学".into(),
            major: "计算机科学与技术".into(),
            university: "演示大学".into(),
            conferral_date: today,
        }),
    };
    let validity = Validity::new(today, Some(date_after(today, 10 * 365)))
        .map_err(|e| Exit(1, format!("validity: {e}")))?;
    let metadata = Metadata {
        number: Sensitive::new(format!("DEMO{}", today.year())),
        issuer_name: DEPARTMENT.into(),
        issuer_code: code.clone(),
        issue_date: today,
        validity,
        jurisdiction: DivisionCode::parse(code.division_code())
            .map_err(|e| Exit(1, format!("jurisdiction: {e}")))?,
        status: CertificateStatus::Valid,
    };
    Ok(Certificate { metadata, body })
}
