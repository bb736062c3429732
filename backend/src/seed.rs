//! Demo data: a few named citizens, a household, a company, four departments with staff and
//! enrolment codes for `make run`; and a fast generator of citizens for load tests.

use std::fmt;

use shimin_core::cert::credit_code;
use shimin_core::cert::issue::china_date_of;
use shimin_core::id_number::check_character;
use shimin_wire::backend::{CertificateFields, EndorsementFields, IssueCertificateRequest, StaffRole};

use crate::service::{Backend, ServiceError};
use crate::store::{CitizenRecord, CompanyRecord, HouseholdRecord};

/// The named demo citizens: (first 17 digits of the identity number, name, address).
const DEMO: &[(&str, &str, &str)] = &[
    ("42010619900307123", "张伟", "湖北省武汉市武昌区中南路1号"),
    ("35010219850611234", "林晓燕", "福建省福州市鼓楼区五四路2号"),
    ("53040219780922345", "李建国", "云南省玉溪市红塔区珊瑚路3号"),
    ("44060420011130456", "陈思敏", "广东省佛山市禅城区祖庙路4号"),
    ("11010519491231002", "王秀兰", "北京市朝阳区某街5号"),
];

const SURNAMES: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡"];
const GIVEN: &[&str] =
    &["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明"];

/// Generated citizens per transaction.
const BATCH: u32 = 10_000;

/// The police department: ID cards, household registers, residence permits, driving licences
/// and travel permits.
pub const POLICE_CODE: &str = "111101050000000017";
/// The company of the demo data (its legal representative is 林晓燕).
pub const DEMO_COMPANY: &str = "91350100M000100Y43";
/// Demo staff: (login, password, department index, role).
const STAFF: &[(&str, &str, usize, StaffRole)] = &[
    ("police-issuer", "demo-police-2024", 0, StaffRole::Issuer),
    ("police-reviewer", "demo-review-2024", 0, StaffRole::Reviewer),
    ("edu-issuer", "demo-degree-2024", 1, StaffRole::Issuer),
    ("civil-issuer", "demo-civil-2024", 2, StaffRole::Issuer),
    ("market-issuer", "demo-market-2024", 3, StaffRole::Issuer),
    // Keeps the trust list (marks keys compromised); the police department is only its home.
    ("trust-admin", "demo-trust-2024", 0, StaffRole::Administrator),
    // The workbench's demo department (an organ of the catalogue seed that issues no certificates):
    // an administrator who keeps its services in the catalogue, and a reviewer who may only read.
    ("chaoyang-civil-admin", "demo-desk-2024", 4, StaffRole::Administrator),
    ("chaoyang-civil-reviewer", "demo-desk-review-2024", 4, StaffRole::Reviewer),
];

/// 北京市朝阳区民政局, an implementing organ of the catalogue seed (`catalogue-seed/data/organs.toml`)
/// whose staff use the workbench; it issues no certificates (its trust-list entry allows no type).
pub const CHAOYANG_CIVIL_AFFAIRS_CODE: &str = "11110105MB0000003J";

/// A department's credit code from its first 17 characters (computed: a valid GB 32100 check
/// character).
fn department_code(first17: &str) -> String {
    credit_code::check_character(first17).map_or_else(|_| String::new(), |c| format!("{first17}{c}"))
}

/// The education department's code.
pub fn education_code() -> String {
    department_code("11350100000000002")
}

/// The civil affairs bureau's code (marriages).
pub fn civil_affairs_code() -> String {
    department_code("11110102000000003")
}

/// The market regulation bureau's code (business licences).
pub fn market_regulation_code() -> String {
    department_code("11350100000000004")
}

/// A full identity number from its first 17 digits.
fn complete(first17: &str) -> Option<String> {
    check_character(first17).ok().map(|c| format!("{first17}{c}"))
}

/// The `n`-th generated citizen: a valid identity number and a plausible name, deterministic in
/// `n` and distinct for every `n` below 18,480,000.
pub fn generated_citizen(n: u32) -> Option<(String, String)> {
    let birth_year = 1950 + n % 55;
    let month = 1 + (n / 55) % 12;
    let day = 1 + (n / 660) % 28;
    let seq = (n / 18480) % 1000;
    let first17 = format!("320102{birth_year:04}{month:02}{day:02}{seq:03}");
    let name = format!(
        "{}{}{}",
        SURNAMES[(n as usize) % SURNAMES.len()],
        GIVEN[(n as usize / 7) % GIVEN.len()],
        GIVEN[(n as usize / 3) % GIVEN.len()]
    );
    complete(&first17).map(|id| (id, name))
}

/// What `seed` did, printed for the person who ran it. Demo data only (fictional people).
#[derive(Debug)]
pub struct SeedReport {
    /// The named demo citizens: (ID number, name, enrolment code).
    pub demo: Vec<(String, String, String)>,
    /// Staff logins: (login, password, department code, role).
    pub staff: Vec<(String, String, String, StaffRole)>,
    /// Citizens in the registry afterwards.
    pub total: u64,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Demo citizens (fictional) and one-time enrolment codes:")?;
        for (id, name, code) in &self.demo {
            writeln!(f, "  {id}  {name}  enrolment code {code}")?;
        }
        writeln!(f, "Staff logins:")?;
        for (login, password, dept, role) in &self.staff {
            writeln!(f, "  {login} / {password}  ({role:?} of {dept})")?;
        }
        write!(f, "Citizens in the registry: {}", self.total)
    }
}

/// Seeds the demo world and generated citizens up to `citizens` in all. Running it again adds
/// nothing that is already there (it hands out fresh enrolment codes).
///
/// # Errors
/// When the store refuses a write.
pub async fn seed(backend: &Backend, citizens: u32, now: i64) -> Result<SeedReport, ServiceError> {
    let store = &backend.store;
    let education = education_code();
    backend
        .put_department(
            POLICE_CODE,
            "北京市公安局西城分局",
            &[
                "resident-id-card",
                "household-register",
                "residence-permit",
                "driving-licence",
                "hk-macau-travel-permit",
            ],
            now,
        )
        .await?;
    backend.put_department(&education, "福建省教育厅", &["degree-certificate"], now).await?;
    let civil = civil_affairs_code();
    backend.put_department(&civil, "北京市西城区民政局", &["marriage-certificate"], now).await?;
    let market = market_regulation_code();
    backend.put_department(&market, "福州市市场监督管理局", &["business-licence"], now).await?;
    // It issues no certificate type: its trust-list entry allows none (every department has one).
    backend.put_department(CHAOYANG_CIVIL_AFFAIRS_CODE, "北京市朝阳区民政局", &[], now).await?;
    let departments =
        [POLICE_CODE.to_owned(), education, civil, market, CHAOYANG_CIVIL_AFFAIRS_CODE.to_owned()];

    let demo_ids: Vec<(String, &str, &str)> = DEMO
        .iter()
        .take(citizens as usize)
        .filter_map(|(d, n, a)| complete(d).map(|id| (id, *n, *a)))
        .collect();
    let household = "110105000001";
    let records = demo_ids
        .iter()
        .enumerate()
        .map(|(i, (id, name, address))| CitizenRecord {
            id_number: id.clone(),
            name: (*name).to_owned(),
            ethnicity: 1,
            address: (*address).to_owned(),
            // 王秀兰 heads the household; 张伟 is registered in it as her son.
            household_number: matches!(i, 0 | 4).then(|| household.to_owned()),
            relation: if i == 0 { "20".into() } else { "01".into() },
            photo: None,
        })
        .collect();
    store.insert_citizens(records).await?;
    if let Some((head, _, address)) = demo_ids.get(4) {
        store
            .put_household(HouseholdRecord {
                number: household.into(),
                address: (*address).to_owned(),
                head_id_number: head.clone(),
            })
            .await?;
    }
    let registered = store.company(DEMO_COMPANY).await?.is_some();
    if let (false, [zhang, lin, li, ..]) = (registered, demo_ids.as_slice()) {
        store
            .insert_company(CompanyRecord {
                credit_code: DEMO_COMPANY.into(),
                name: "福州某某科技有限公司".into(),
                legal_representative: lin.0.clone(),
                supervisor: Some(li.0.clone()),
                shareholders: vec![lin.0.clone(), zhang.0.clone()],
            })
            .await?;
    }

    let extra = citizens.saturating_sub(DEMO.len() as u32);
    let mut n = 0;
    while n < extra {
        let end = (n + BATCH).min(extra);
        let batch = (n..end)
            .filter_map(generated_citizen)
            .map(|(id, name)| CitizenRecord {
                id_number: id,
                name,
                ethnicity: 1,
                address: "江苏省南京市玄武区".into(),
                household_number: None,
                relation: "01".into(),
                photo: None,
            })
            .collect();
        store.insert_citizens(batch).await?;
        n = end;
    }

    let mut staff = Vec::new();
    for (login, password, dept, role) in STAFF {
        let Some(code) = departments.get(*dept) else { continue };
        match backend.create_staff(login, password, code, *role).await {
            Ok(_) | Err(ServiceError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
        staff.push(((*login).to_owned(), (*password).to_owned(), code.clone(), *role));
    }
    // The demo codes come from the police issuer, as a citizen's would at the counter.
    let issuer = store.staff_by_login("police-issuer").await?.ok_or(ServiceError::NotFound("demo staff"))?;
    let mut demo = Vec::new();
    for (id, name, _) in demo_ids {
        let code = backend.enrolment_code(&issuer, &id, now).await?.code;
        demo.push((id, name.to_owned(), code));
    }
    let total = store.count_citizens().await?;
    Ok(SeedReport { demo, staff, total })
}

/// Issues the demo citizens' certificates for `make run`, to those who have none yet: an ID card
/// each, the household register pages of 王秀兰's household, a driving licence for 张伟, a
/// residence permit for 林晓燕 that ends in 12 days (so the app shows a reminder) and her
/// company's business licence, a travel permit with a Hong Kong endorsement and a degree for
/// 陈思敏. They reach a phone when it enrols. Returns how many were issued.
///
/// # Errors
/// When the seed's staff are missing or the store refuses a write.
pub async fn demo_certificates(backend: &Backend, now: i64) -> Result<u32, ServiceError> {
    let staff = |login: &'static str| async move {
        backend.store.staff_by_login(login).await?.ok_or(ServiceError::NotFound("demo staff"))
    };
    let (police, education, market) =
        (staff("police-issuer").await?, staff("edu-issuer").await?, staff("market-issuer").await?);
    let day = |offset_days: i64| {
        china_date_of(now + offset_days * 86_400)
            .map(|d| d.to_string())
            .map_err(|_| ServiceError::BadInput("time out of range"))
    };
    let mut issued = 0;
    for (i, (first17, _, _)) in DEMO.iter().enumerate() {
        let Some(id) = complete(first17) else { continue };
        if !backend.store.certificates_of(&id).await?.is_empty() {
            continue;
        }
        let request = |valid_from: String, valid_until: Option<String>, fields| IssueCertificateRequest {
            holder_id_number: id.clone(),
            valid_from,
            valid_until,
            fields,
        };
        // 王秀兰 (born 1949) holds a long-term card; the others a 20-year one.
        let until = if i == 4 { None } else { Some("2044-05-31".to_owned()) };
        let mut batch =
            vec![(&police, request("2024-06-01".into(), until, CertificateFields::ResidentIdCard))];
        if matches!(i, 0 | 4) {
            batch.push((&police, request("2020-01-15".into(), None, CertificateFields::HouseholdRegister)));
        }
        if i == 1 {
            let fields = CertificateFields::ResidencePermit {
                residence_address: "北京市海淀区中关村大街6号".into(),
            };
            batch.push((&police, request(day(-353)?, Some(day(12)?), fields)));
        }
        if i == 0 {
            let fields = CertificateFields::DrivingLicence {
                classes: "C1".into(),
                first_issue_date: "2012-08-20".into(),
                file_number: "420100123456".into(),
            };
            batch.push((&police, request("2018-08-20".into(), Some("2028-08-20".into()), fields)));
        }
        if i == 1 {
            let fields = CertificateFields::BusinessLicence {
                credit_code: DEMO_COMPANY.into(),
                company_kind: "有限责任公司（自然人投资或控股）".into(),
                registered_capital_yuan: 1_000_000,
                established: "2019-03-12".into(),
                business_term_until: None,
                address: "福建省福州市鼓楼区五四路2号".into(),
                business_scope: "软件开发；信息技术咨询服务".into(),
            };
            batch.push((&market, request("2019-03-12".into(), None, fields)));
        }
        if i == 3 {
            let hong_kong = EndorsementFields { kind: "G".into(), entries: 2, valid_until: day(80)? };
            let fields = CertificateFields::HkMacauTravelPermit {
                name_pinyin: "CHEN SIMIN".into(),
                hong_kong: Some(hong_kong),
                macau: None,
            };
            batch.push((&police, request("2021-05-10".into(), Some("2031-05-09".into()), fields)));
            let fields = CertificateFields::DegreeCertificate {
                level: "bachelor".into(),
                discipline: "工学".into(),
                major: "计算机科学与技术".into(),
                university: "福州大学".into(),
                conferral_date: "2023-06-30".into(),
            };
            batch.push((&education, request("2023-06-30".into(), None, fields)));
        }
        for (staff, request) in batch {
            backend.issue(staff, request, now).await?;
            issued += 1;
        }
    }
    Ok(issued)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shimin_core::IdNumber;
    use shimin_core::cert::CreditCode;

    #[test]
    fn every_seeded_identity_number_and_code_is_valid() {
        for (first17, _, _) in DEMO {
            let id = complete(first17).expect("17 digits");
            assert!(IdNumber::parse(&id).is_ok(), "demo citizen has an invalid number");
        }
        for n in (0..200_000).step_by(997) {
            let (id, _) = generated_citizen(n).expect("generated");
            assert!(IdNumber::parse(&id).is_ok(), "generated citizen {n} is invalid");
        }
        for code in
            [POLICE_CODE, DEMO_COMPANY, &education_code(), &civil_affairs_code(), &market_regulation_code()]
        {
            assert!(CreditCode::parse(code).is_ok(), "{code}");
        }
    }

    #[tokio::test]
    async fn demo_certificates_are_issued_once_with_a_permit_about_to_expire() {
        let dir = tempfile::Builder::new().prefix("shimin-seed-certs-").tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("b.db").display());
        let store = url.parse::<crate::store::DatabaseUrl>().expect("url").open().await.expect("open");
        let config = crate::service::Config {
            password_cost: crate::service::password::PasswordCost::CHEAP,
            ..Default::default()
        };
        let backend = Backend::new(store, config).await.expect("backend");
        let now = crate::now();
        seed(&backend, 5, now).await.expect("seed");
        // Five ID cards, two household pages, a residence permit, a driving licence, a business
        // licence, a travel permit and a degree.
        assert_eq!(demo_certificates(&backend, now).await.expect("issue"), 12);
        assert_eq!(demo_certificates(&backend, now).await.expect("again"), 0, "nothing twice");
        let lin = complete(DEMO[1].0).expect("id");
        let held = backend.store.certificates_of(&lin).await.expect("read");
        let permit = held.iter().find(|c| c.type_slug == "residence-permit").expect("a permit");
        let until = china_date_of(now + 12 * 86_400).expect("date").to_string();
        assert_eq!(permit.valid_until.as_deref(), Some(until.as_str()));
    }

    #[test]
    fn generated_citizens_are_distinct() {
        let ids: std::collections::HashSet<String> =
            (0..60_000).filter_map(generated_citizen).map(|(id, _)| id).collect();
        assert_eq!(ids.len(), 60_000);
    }
}
