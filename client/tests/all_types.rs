//! Every certificate type the backend issues reaches a phone and verifies: the demo citizens'
//! certificates (ID cards, household pages, a driving licence, a residence permit, a business
//! licence, a travel permit with an endorsement, a degree) and a marriage certificate for each
//! spouse are issued by their departments, each citizen enrols a wallet and syncs, and a "full"
//! presentation of every certificate verifies with the wallet's lists. Requests a department may
//! not make, or that the registry contradicts, are refused with the right error.
#![allow(clippy::expect_used, clippy::panic)]

use shimin_backend::local::LocalBackend;
use shimin_backend::seed;
use shimin_backend::service::ServiceError;
use shimin_client::BackendClient;
use shimin_core::present::{Presentation, Preset};
use shimin_core::verifier::{Outcome, Verifier, VerifierPolicy};
use shimin_core::wallet::sync::{RootOfTrust, enrol, round};
use shimin_store::{PinWrapper, Wallet, cache, schema};
use shimin_wire::backend::{CertificateFields, IssueCertificateRequest};

fn now() -> i64 {
    shimin_backend::now()
}

/// A fresh temporary directory, removed when dropped (also when the test fails).
fn temp_dir(what: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("shimin-types-{what}-")).tempdir().expect("temp dir")
}

fn request(holder: &str, fields: CertificateFields) -> IssueCertificateRequest {
    IssueCertificateRequest {
        holder_id_number: holder.to_owned(),
        valid_from: "2024-01-01".into(),
        valid_until: None,
        fields,
    }
}

fn marriage(spouse: &str) -> CertificateFields {
    CertificateFields::MarriageCertificate {
        spouse_id_number: spouse.to_owned(),
        registration_date: "2024-05-20".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_reaches_the_wallet_and_verifies() {
    let dir = temp_dir("all");
    let server = LocalBackend::start(dir.path(), 5).await.expect("backend");
    let issued = seed::demo_certificates(server.backend(), now()).await.expect("demo certificates");
    let demo = server.seed().demo.clone();
    let (li, chen) = (&demo[2].0, &demo[3].0);
    // Each spouse holds their own copy of the marriage certificate.
    server.issue_as("civil-issuer", request(li, marriage(chen))).await.expect("his copy");
    server.issue_as("civil-issuer", request(chen, marriage(li))).await.expect("her copy");
    let issued = issued + 2;

    let client = BackendClient::new(&server.base_url()).expect("client");
    let root = server.backend().root().verifying_key();
    let mut types = std::collections::BTreeSet::new();
    let mut stored = 0;
    for (i, (id_number, _, code)) in demo.iter().enumerate() {
        let conn = schema::open_file(&dir.path().join(format!("wallet-{i}.db"))).expect("db");
        let pin = PinWrapper::insecure_low_iterations_for_tests("246810", 10).expect("pin");
        let mut wallet = Wallet::create(conn, &pin, now()).expect("wallet");
        enrol(&mut wallet, &client, RootOfTrust::Shipped(&root), id_number, code, "phone")
            .await
            .expect("enrol");
        let report = round(&mut wallet, &client, now(), |_| {}).await.expect("sync");
        assert_eq!(report.refused, 0, "citizen {i}: {report:?}");

        let enrolment = wallet.enrolment().expect("read").expect("enrolled");
        let conn = wallet.connection();
        let trust = cache::load_trust_list(conn, &enrolment.root_key).expect("load").expect("trust list");
        let lists = cache::load_status_lists(conn, trust.list()).expect("status lists");
        let verifier = Verifier::new(&trust, lists.as_slice(), VerifierPolicy::default());
        for certificate in wallet.list().expect("list") {
            let signed = Presentation::new(&certificate.issued)
                .expect("a presentation")
                .disclose(&Preset::Full)
                .expect("full")
                .sign(wallet.device_key(), now())
                .expect("signed");
            let verdict = verifier.verify_text(signed.text(), now());
            assert_eq!(verdict.outcome, Outcome::Valid, "citizen {i}: {:?}", verdict.reasons);
            types.insert(verdict.certificate.as_ref().expect("a certificate").type_code.clone());
            stored += 1;
        }
    }
    assert_eq!(stored, issued, "every certificate issued is in a wallet, once");
    assert_eq!(types.len(), 8, "all eight types: {types:?}");
}

#[tokio::test]
async fn requests_the_registry_or_the_department_rules_out_are_refused() {
    let dir = temp_dir("refused");
    let server = LocalBackend::start(dir.path(), 5).await.expect("backend");
    let demo = server.seed().demo.clone();
    let (zhang, lin) = (&demo[0].0, &demo[1].0);
    let licence = |credit_code: &str| CertificateFields::BusinessLicence {
        credit_code: credit_code.to_owned(),
        company_kind: "有限责任公司".into(),
        registered_capital_yuan: 100,
        established: "2020-01-01".into(),
        business_term_until: None,
        address: "福州".into(),
        business_scope: "软件".into(),
    };
    // Only the legal representative receives the business licence.
    let not_rep = server.issue_as("market-issuer", request(zhang, licence(seed::DEMO_COMPANY))).await;
    assert!(matches!(not_rep, Err(ServiceError::Unprocessable(_))), "{not_rep:?}");
    let unknown = server.issue_as("market-issuer", request(lin, licence("91350100M000100Y4X"))).await;
    assert!(matches!(unknown, Err(ServiceError::BadInput(_) | ServiceError::NotFound(_))), "{unknown:?}");
    // The market regulator issues no ID cards; the police no marriages.
    let id_card = server.issue_as("market-issuer", request(lin, CertificateFields::ResidentIdCard)).await;
    assert!(matches!(id_card, Err(ServiceError::Forbidden(_))), "{id_card:?}");
    let wed = server.issue_as("police-issuer", request(zhang, marriage(lin))).await;
    assert!(matches!(wed, Err(ServiceError::Forbidden(_))), "{wed:?}");
    // A marriage to oneself, or to someone not in the registry.
    let alone = server.issue_as("civil-issuer", request(zhang, marriage(zhang))).await;
    assert!(matches!(alone, Err(ServiceError::BadInput(_))), "{alone:?}");
    let first17 = "11010519800101001";
    let nobody = format!("{first17}{}", shimin_core::id_number::check_character(first17).expect("digits"));
    let stranger = server.issue_as("civil-issuer", request(zhang, marriage(&nobody))).await;
    assert!(matches!(stranger, Err(ServiceError::NotFound(_))), "{stranger:?}");
    // Vehicle classes and endorsements are parsed, not stored as given.
    for classes in ["C1C1", "X9", "", "C7"] {
        let fields = CertificateFields::DrivingLicence {
            classes: classes.into(),
            first_issue_date: "2010-01-01".into(),
            file_number: "1".into(),
        };
        let bad = server.issue_as("police-issuer", request(zhang, fields)).await;
        assert!(matches!(bad, Err(ServiceError::BadInput(_))), "{classes}: {bad:?}");
    }
    let bad_endorsement = CertificateFields::HkMacauTravelPermit {
        name_pinyin: "ZHANG WEI".into(),
        hong_kong: Some(shimin_wire::backend::EndorsementFields {
            kind: "Z".into(),
            entries: 1,
            valid_until: "2030-01-01".into(),
        }),
        macau: None,
    };
    let bad = server.issue_as("police-issuer", request(zhang, bad_endorsement)).await;
    assert!(matches!(bad, Err(ServiceError::BadInput(_))), "{bad:?}");
    assert!(server.backend().store.certificates_of(zhang).await.expect("read").is_empty(), "nothing stored");
}
