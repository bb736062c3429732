//! One storage test suite, run against SQLite and against a real PostgreSQL.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod common;

use std::sync::Arc;

use shimin_backend::store::{
    CaseRecord, CitizenRecord, CompanyRecord, DepartmentRecord, DeviceRecord, EventKind, HouseholdRecord,
    IssuerKeyRecord, LivenessCheckRecord, LivenessOutcome, LivenessPurpose, NewCertificate, NewEvent,
    PartyRecord, PartyRole, PublishedDoc, StaffRecord, Store, StoreError, StoredStatus, TokenRecord,
    TokenSubject,
};

const ZHANG: &str = "11010519491231002X";
const LI: &str = "420106199003071234";
const DEPT: &str = "111101050000000017";

fn citizen(id: &str, name: &str) -> CitizenRecord {
    CitizenRecord {
        id_number: id.into(),
        name: name.into(),
        ethnicity: 1,
        address: "某街1号".into(),
        household_number: None,
        relation: "01".into(),
        photo: None,
    }
}

fn new_cert(holder: &str, capacity: i64) -> NewCertificate {
    NewCertificate {
        citizen_id_number: holder.into(),
        department_code: DEPT.into(),
        type_slug: "resident-id-card".into(),
        serial: None,
        version: 0,
        valid_from: "2024-06-01".into(),
        valid_until: Some("2034-05-31".into()),
        expires_at: Some(2_032_358_400),
        fields_json: "{\"type\":\"resident-id-card\"}".into(),
        issued_at: 1_717_200_000,
        replaces: None,
        status_list_capacity: capacity,
    }
}

fn device(holder: &str, key: u8) -> DeviceRecord {
    DeviceRecord {
        id: 0,
        citizen_id_number: holder.into(),
        public_key: vec![4, key, key],
        label: "phone".into(),
        created_at: 100,
        removed_at: None,
    }
}

fn event(holder: &str, device_id: Option<i64>, kind: EventKind, certificate_id: Option<i64>) -> NewEvent {
    NewEvent {
        citizen_id_number: holder.into(),
        device_id,
        kind,
        certificate_id,
        status: None,
        message: Some("消息".into()),
        created_at: 200,
    }
}

async fn registry(store: &dyn Store) {
    let mut photographed = citizen(ZHANG, "王秀兰");
    photographed.photo = Some(vec![0xff, 0xd8, 0, 1, 2]);
    photographed.household_number = Some("110105000001".into());
    assert_eq!(
        store.insert_citizens(vec![photographed.clone(), citizen(LI, "张伟")]).await.expect("insert"),
        2
    );
    // Again, with one new citizen: only that one is added, nothing is overwritten.
    let again = vec![citizen(ZHANG, "someone else"), citizen("350102198506112341", "林晓燕")];
    assert_eq!(store.insert_citizens(again).await.expect("insert again"), 1);
    assert_eq!(store.count_citizens().await.expect("count"), 3);
    assert_eq!(store.citizen(ZHANG).await.expect("get"), Some(photographed));
    assert_eq!(store.citizen("110105194912310037").await.expect("get"), None);

    let household = HouseholdRecord {
        number: "110105000001".into(),
        address: "北京".into(),
        head_id_number: ZHANG.into(),
    };
    store.put_household(household.clone()).await.expect("household");
    assert_eq!(store.household("110105000001").await.expect("get"), Some(household));

    let mut company = CompanyRecord {
        credit_code: "91350100M000100Y43".into(),
        name: "某某公司".into(),
        legal_representative: ZHANG.into(),
        supervisor: Some(LI.into()),
        shareholders: vec![LI.into(), ZHANG.into()],
    };
    store.put_company(company.clone()).await.expect("company");
    company.shareholders.sort();
    assert_eq!(store.company("91350100M000100Y43").await.expect("get"), Some(company.clone()));
    company.shareholders = vec![LI.into()];
    company.supervisor = None;
    store.put_company(company.clone()).await.expect("replace company");
    assert_eq!(store.company("91350100M000100Y43").await.expect("get"), Some(company));
    assert_eq!(store.company("91350100M000100Y44").await.expect("get"), None);
}

async fn departments_keys_and_documents(store: &dyn Store) {
    let mut dept = DepartmentRecord {
        code: DEPT.into(),
        name: "公安局".into(),
        allowed_types: vec!["resident-id-card".into()],
    };
    store.put_department(dept.clone()).await.expect("department");
    dept.allowed_types.push("household-register".into());
    store.put_department(dept.clone()).await.expect("update department");
    assert_eq!(store.department(DEPT).await.expect("get"), Some(dept.clone()));
    assert_eq!(store.departments().await.expect("list"), vec![dept]);

    let key = |id: &str| IssuerKeyRecord {
        key_id: id.into(),
        department_code: DEPT.into(),
        pkcs8: vec![1, 2, 3],
        public_key: vec![4, 5],
        valid_from: 10,
        valid_to: 20,
        retired_at: None,
    };
    store.add_issuer_key(key("k1")).await.expect("k1");
    assert!(matches!(store.add_issuer_key(key("k1")).await, Err(StoreError::Conflict)));
    assert_eq!(store.retire_issuer_keys(DEPT, 15).await.expect("retire"), 1);
    store.add_issuer_key(key("k2")).await.expect("k2");
    let keys = store.issuer_keys().await.expect("keys");
    assert_eq!(
        keys.iter().map(|k| (k.key_id.as_str(), k.retired_at)).collect::<Vec<_>>(),
        [("k1", Some(15)), ("k2", None)]
    );

    assert_eq!(store.setting_or_insert("root-key", vec![1]).await.expect("first"), vec![1]);
    assert_eq!(
        store.setting_or_insert("root-key", vec![2]).await.expect("second"),
        vec![1],
        "the first value stays"
    );

    assert_eq!(store.published("trust-list").await.expect("none yet"), None);
    for sequence in [1, 2] {
        let doc = PublishedDoc {
            name: "trust-list".into(),
            bytes: vec![sequence as u8; 3],
            etag: format!("\"{sequence}\""),
            sequence,
            published_at: 100 + sequence,
        };
        store.publish(doc.clone()).await.expect("publish");
        assert_eq!(store.published("trust-list").await.expect("get"), Some(doc));
    }
}

async fn staff_and_tokens(store: &dyn Store) {
    let staff = StaffRecord {
        id: 0,
        login: "clerk".into(),
        department_code: DEPT.into(),
        role: "issuer".into(),
        password_salt: vec![1; 16],
        password_hash: vec![2; 32],
    };
    let id = store.insert_staff(staff.clone()).await.expect("staff");
    assert!(matches!(store.insert_staff(staff.clone()).await, Err(StoreError::Conflict)), "login is unique");
    let stored = StaffRecord { id, ..staff };
    assert_eq!(store.staff_by_login("clerk").await.expect("by login"), Some(stored.clone()));
    assert_eq!(store.staff(id).await.expect("by id"), Some(stored));
    assert_eq!(store.staff_by_login("nobody").await.expect("unknown"), None);

    let token = TokenRecord {
        hash: vec![9; 32],
        subject: TokenSubject::Staff(id),
        expires_at: 500,
        revoked_at: None,
    };
    store.insert_token(token.clone()).await.expect("token");
    assert_eq!(store.token(&[9; 32]).await.expect("get"), Some(token));
    assert!(store.revoke_token(&[9; 32], 300).await.expect("revoke"));
    assert!(!store.revoke_token(&[9; 32], 301).await.expect("revoke twice"));
    assert_eq!(store.token(&[9; 32]).await.expect("get").and_then(|t| t.revoked_at), Some(300));
    assert_eq!(store.token(&[8; 32]).await.expect("unknown"), None);
}

async fn certificates_and_status_lists(store: &dyn Store) {
    let first = store.insert_certificate(new_cert(ZHANG, 2)).await.expect("first");
    let second = store.insert_certificate(new_cert(LI, 2)).await.expect("second");
    let third = store.insert_certificate(new_cert(ZHANG, 2)).await.expect("third");
    assert_eq!((first.status_index, second.status_index), (0, 1));
    assert_eq!(first.status_list_id, second.status_list_id);
    assert_ne!(third.status_list_id, first.status_list_id, "a full list starts a new one");
    assert_eq!(third.status_index, 0);
    assert_eq!(first.serial, first.id, "a first version takes its row id as serial");
    assert_eq!(first.status, StoredStatus::Valid);
    let list = store.status_list(first.status_list_id).await.expect("list").expect("exists");
    assert_eq!((list.department_code.as_str(), list.capacity), (DEPT, 2));

    // Renewal: same serial, next version, the old one revoked and pointing at the new.
    let renewal = NewCertificate {
        serial: Some(first.serial),
        version: 1,
        replaces: Some(first.id),
        ..new_cert(ZHANG, 2)
    };
    let renewed = store.insert_certificate(renewal).await.expect("renew");
    assert_eq!((renewed.serial, renewed.version), (first.serial, 1));
    let old = store.certificate(first.id).await.expect("get").expect("exists");
    assert_eq!((old.status, old.replaced_by), (StoredStatus::Revoked, Some(renewed.id)));
    let again = NewCertificate { serial: Some(first.serial), version: 1, ..new_cert(ZHANG, 2) };
    assert!(
        matches!(store.insert_certificate(again).await, Err(StoreError::Conflict)),
        "a version exists once"
    );

    store
        .set_status(
            second.id,
            StoredStatus::Suspended,
            vec![event(LI, None, EventKind::StatusChange, Some(second.id))],
        )
        .await
        .expect("suspend");
    assert_eq!(store.status_entries(first.status_list_id).await.expect("entries"), vec![(0, 1), (1, 2)]);
    let mine: Vec<i64> = store.certificates_of(ZHANG).await.expect("mine").iter().map(|c| c.id).collect();
    assert_eq!(mine, vec![renewed.id, third.id, first.id], "newest first, only the holder's");
    assert_eq!(store.certificate(i64::MAX).await.expect("unknown"), None);
}

async fn devices_and_challenges(store: &dyn Store) {
    store.insert_enrolment_code(vec![1; 32], ZHANG, 1_000).await.expect("code");
    store.insert_enrolment_code(vec![2; 32], ZHANG, 50).await.expect("short code");
    assert_eq!(
        store.enrol_device(vec![1; 32], device(LI, 1), 100).await.expect("other"),
        None,
        "another's code"
    );
    assert_eq!(store.enrol_device(vec![2; 32], device(ZHANG, 1), 100).await.expect("expired"), None);
    let phone =
        store.enrol_device(vec![1; 32], device(ZHANG, 1), 100).await.expect("enrol").expect("granted");
    assert!(phone.id > 0);
    assert_eq!(
        store.enrol_device(vec![1; 32], device(ZHANG, 2), 100).await.expect("reuse"),
        None,
        "one time"
    );
    store.insert_enrolment_code(vec![3; 32], ZHANG, 1_000).await.expect("code");
    assert!(
        matches!(store.enrol_device(vec![3; 32], device(ZHANG, 1), 100).await, Err(StoreError::Conflict)),
        "a device key is registered once"
    );
    // The failed registration did not spend the code.
    let tablet =
        store.enrol_device(vec![3; 32], device(ZHANG, 3), 100).await.expect("enrol").expect("granted");
    assert_eq!(store.device(phone.id).await.expect("get"), Some(phone.clone()));

    store
        .insert_token(TokenRecord {
            hash: vec![7; 32],
            subject: TokenSubject::Device(tablet.id),
            expires_at: 10_000,
            revoked_at: None,
        })
        .await
        .expect("token");
    store.remove_device(tablet.id, 150).await.expect("remove");
    assert_eq!(store.active_devices(ZHANG).await.expect("active"), vec![phone.clone()]);
    assert_eq!(store.token(&[7; 32]).await.expect("token").and_then(|t| t.revoked_at), Some(150));

    store.insert_challenge(phone.id, vec![5; 32], 200).await.expect("challenge");
    assert!(!store.take_challenge(tablet.id, &[5; 32], 100).await.expect("wrong device"));
    assert!(store.take_challenge(phone.id, &[5; 32], 100).await.expect("take"));
    assert!(
        !store.take_challenge(phone.id, &[5; 32], 100).await.expect("take twice"),
        "a challenge is used once"
    );
    store.insert_challenge(phone.id, vec![6; 32], 200).await.expect("challenge");
    assert!(!store.take_challenge(phone.id, &[6; 32], 200).await.expect("expired"));
}

async fn feed_and_outbox(store: &dyn Store) {
    let cert = store.insert_certificate(new_cert(ZHANG, 10)).await.expect("cert");
    store.insert_enrolment_code(vec![11; 32], ZHANG, 1_000).await.expect("code");
    store.insert_enrolment_code(vec![12; 32], ZHANG, 1_000).await.expect("code");
    let a = store.enrol_device(vec![11; 32], device(ZHANG, 11), 100).await.expect("a").expect("a");
    let b = store.enrol_device(vec![12; 32], device(ZHANG, 12), 100).await.expect("b").expect("b");
    let start = store.events(ZHANG, a.id, 0, 1_000).await.expect("events").last().map_or(0, |e| e.seq);

    store
        .put_copy(
            cert.id,
            a.id,
            vec![0xa0],
            event(ZHANG, Some(a.id), EventKind::CertificateCopy, Some(cert.id)),
        )
        .await
        .expect("copy a");
    store
        .put_copy(
            cert.id,
            b.id,
            vec![0xb0],
            event(ZHANG, Some(b.id), EventKind::CertificateCopy, Some(cert.id)),
        )
        .await
        .expect("copy b");
    store.append_event(event(ZHANG, None, EventKind::Notification, None)).await.expect("note");
    store.append_event(event(LI, None, EventKind::Notification, None)).await.expect("someone else's");

    let seen = store.events(ZHANG, a.id, start, 100).await.expect("events");
    assert_eq!(seen.len(), 2, "a's copy and the citizen's notification; not b's copy, not LI's");
    assert_eq!(seen[0].kind, EventKind::CertificateCopy);
    assert_eq!(seen[0].holder_copy.as_deref(), Some(&[0xa0][..]), "a gets its own copy");
    assert_eq!(seen[1].kind, EventKind::Notification);
    assert!(seen[0].seq < seen[1].seq);
    let page = store.events(ZHANG, a.id, start, 1).await.expect("page");
    assert_eq!(page.len(), 1);
    let rest = store.events(ZHANG, a.id, page[0].seq, 100).await.expect("rest");
    assert_eq!(rest, seen[1..].to_vec(), "the cursor resumes where it stopped");

    let first = store.push_outbox(a.id, "key-1", "feedback", "{\"x\":1}", 300).await.expect("push");
    let retry = store.push_outbox(a.id, "key-1", "feedback", "{\"x\":2}", 400).await.expect("retry");
    assert_eq!(retry, first, "a retry returns the first record unchanged");
    let other = store.push_outbox(b.id, "key-1", "feedback", "{}", 400).await.expect("other device");
    assert_ne!(other.id, first.id, "keys are per device");
    assert_eq!(store.count_outbox(a.id).await.expect("count"), 1);
    assert_eq!(store.count_outbox(b.id).await.expect("count"), 1);
}

fn check(holder: &str, purpose: LivenessPurpose, nonce: u8, issued_at_ms: i64) -> LivenessCheckRecord {
    LivenessCheckRecord {
        id: 0,
        citizen_id_number: holder.into(),
        purpose,
        device_id: None,
        device_key: vec![4, 7, nonce],
        device_label: "new phone".into(),
        nonce: vec![nonce; 32],
        actions: "blink,mouth,nod".into(),
        time_limit_ms: 60_000,
        issued_at_ms,
        answered_at: None,
        passed: None,
    }
}

async fn liveness_checks_and_cases(store: &dyn Store) {
    let lin = "350102198506112341";
    assert!(store.set_citizen_photo(LI, Some(vec![0xff, 0xd8, 9])).await.expect("photo"));
    assert_eq!(store.citizen(LI).await.expect("get").and_then(|c| c.photo), Some(vec![0xff, 0xd8, 9]));
    assert!(!store.set_citizen_photo("110105194912310021", None).await.expect("unknown"), "no such citizen");

    // The daily limit: 2 in the window [1_000, …); the check issued before it does not count.
    let day = 1_000;
    assert!(
        store
            .insert_liveness_check(check(LI, LivenessPurpose::Enrolment, 1, 999), day, 2)
            .await
            .expect("old")
            .is_some()
    );
    let first = store
        .insert_liveness_check(check(LI, LivenessPurpose::Enrolment, 2, 1_000), day, 2)
        .await
        .expect("1st");
    let second = store
        .insert_liveness_check(check(LI, LivenessPurpose::Enrolment, 3, 2_000), day, 2)
        .await
        .expect("2nd");
    let (Some(first), Some(second)) = (first, second) else { panic!("two checks within the limit") };
    assert_eq!(
        store
            .insert_liveness_check(check(LI, LivenessPurpose::Enrolment, 4, 3_000), day, 2)
            .await
            .expect("3rd"),
        None,
        "the third in the window is over the limit"
    );
    assert!(
        store
            .insert_liveness_check(check(lin, LivenessPurpose::Enrolment, 5, 3_000), day, 2)
            .await
            .expect("other")
            .is_some(),
        "the limit is per citizen"
    );
    assert!(
        matches!(
            store.insert_liveness_check(check(lin, LivenessPurpose::Enrolment, 5, 3_000), day, 9).await,
            Err(StoreError::Conflict)
        ),
        "a nonce is unique"
    );

    // One answer per check.
    let stored = store.liveness_check(first).await.expect("get").expect("stored");
    assert_eq!(stored, LivenessCheckRecord { id: first, ..check(LI, LivenessPurpose::Enrolment, 2, 1_000) });
    let answered = store.answer_liveness_check(first, 50).await.expect("answer").expect("first answer");
    assert_eq!(answered.answered_at, Some(50));
    assert_eq!(store.answer_liveness_check(first, 51).await.expect("again"), None, "answered once");
    assert_eq!(store.answer_liveness_check(9_999, 51).await.expect("unknown"), None);

    // A passed enrolment registers the device with the outcome; a taken key registers nothing.
    let phone = DeviceRecord { public_key: vec![4, 7, 2], ..device(LI, 0) };
    let enrolled = store
        .record_liveness_outcome(first, LivenessOutcome::Enrolled(phone.clone()))
        .await
        .expect("enrolled")
        .expect("a device");
    assert_eq!(enrolled, DeviceRecord { id: enrolled.id, ..phone.clone() });
    assert_eq!(store.liveness_check(first).await.expect("get").and_then(|c| c.passed), Some(true));
    store.answer_liveness_check(second, 60).await.expect("answer").expect("second");
    assert!(matches!(
        store.record_liveness_outcome(second, LivenessOutcome::Enrolled(phone)).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(store.liveness_check(second).await.expect("get").and_then(|c| c.passed), None, "rolled back");
    assert_eq!(store.record_liveness_outcome(second, LivenessOutcome::Failed).await.expect("failed"), None);
    assert_eq!(store.liveness_check(second).await.expect("get").and_then(|c| c.passed), Some(false));

    // A case: LI is legal representative and shareholder, 林晓燕 supervisor.
    let clerk = store.staff_by_login("clerk").await.expect("staff").expect("clerk").id;
    let party = |id: &str, role| PartyRecord { id_number: id.into(), role, confirmed_at: None };
    let case = CaseRecord {
        id: 0,
        department_code: DEPT.into(),
        company_name: "福州某科技有限公司".into(),
        credit_code: None,
        created_by: clerk,
        created_at: 700,
        proceeded_at: None,
        parties: vec![
            party(lin, PartyRole::Supervisor),
            party(LI, PartyRole::Shareholder),
            party(LI, PartyRole::LegalRepresentative),
        ],
    };
    let case_id = store.insert_case(case.clone()).await.expect("case");
    let stored = store.case(case_id).await.expect("get").expect("stored");
    assert_eq!(stored.company_name, case.company_name);
    let roles: Vec<(String, PartyRole)> =
        stored.parties.iter().map(|p| (p.id_number.clone(), p.role)).collect();
    assert_eq!(
        roles,
        vec![
            (LI.to_owned(), PartyRole::LegalRepresentative),
            (LI.to_owned(), PartyRole::Shareholder),
            (lin.to_owned(), PartyRole::Supervisor)
        ]
    );
    assert_eq!(store.open_cases_of(LI).await.expect("open").len(), 1);
    assert_eq!(store.open_cases_of(ZHANG).await.expect("open"), vec![], "not a party");
    assert!(!store.proceed_case(case_id, 800).await.expect("proceed"), "no one has confirmed");

    let case_check = store
        .insert_liveness_check(check(LI, LivenessPurpose::Case(case_id), 6, 900_000), 0, 100)
        .await
        .expect("case check")
        .expect("within the limit");
    assert_eq!(
        store.liveness_check(case_check).await.expect("get").map(|c| c.purpose),
        Some(LivenessPurpose::Case(case_id))
    );
    store.answer_liveness_check(case_check, 900).await.expect("answer").expect("open");
    let confirmed = LivenessOutcome::Confirmed { case_id, id_number: LI.into(), at: 901 };
    store.record_liveness_outcome(case_check, confirmed).await.expect("confirm");
    let stored = store.case(case_id).await.expect("get").expect("stored");
    assert!(
        stored.parties.iter().filter(|p| p.id_number == LI).all(|p| p.confirmed_at == Some(901)),
        "both roles"
    );
    assert!(!stored.all_confirmed());
    assert!(!store.proceed_case(case_id, 902).await.expect("proceed"), "林晓燕 has not confirmed");

    let lin_check = store
        .insert_liveness_check(check(lin, LivenessPurpose::Case(case_id), 7, 900_000), 0, 100)
        .await
        .expect("check")
        .expect("within the limit");
    store.answer_liveness_check(lin_check, 903).await.expect("answer").expect("open");
    let confirmed = LivenessOutcome::Confirmed { case_id, id_number: lin.into(), at: 904 };
    store.record_liveness_outcome(lin_check, confirmed).await.expect("confirm");
    assert!(store.proceed_case(case_id, 905).await.expect("proceed"), "everyone confirmed");
    assert!(!store.proceed_case(case_id, 906).await.expect("again"), "once");
    assert_eq!(store.case(case_id).await.expect("get").and_then(|c| c.proceeded_at), Some(905));
    assert_eq!(store.open_cases_of(LI).await.expect("open"), vec![], "a proceeded case is closed");
    assert_eq!(store.case(9_999).await.expect("unknown"), None);
}

/// The whole suite, in an order where each part finds what the previous parts left.
async fn suite(store: Arc<dyn Store>) {
    registry(store.as_ref()).await;
    departments_keys_and_documents(store.as_ref()).await;
    staff_and_tokens(store.as_ref()).await;
    certificates_and_status_lists(store.as_ref()).await;
    devices_and_challenges(store.as_ref()).await;
    feed_and_outbox(store.as_ref()).await;
    liveness_checks_and_cases(store.as_ref()).await;
}

#[tokio::test]
async fn sqlite_store_passes_the_suite() {
    let dir = common::temp_dir("suite");
    let url = format!("sqlite://{}", dir.join("suite.db").display());
    let store = url.parse::<shimin_backend::store::DatabaseUrl>().expect("url").open().await.expect("open");
    suite(store).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn postgres_store_passes_the_suite() {
    let pg = common::Postgres::start();
    let url = pg.url.parse::<shimin_backend::store::DatabaseUrl>().expect("url");
    let store = url.open().await.expect("connect and migrate");
    // Opening again migrates nothing and keeps working.
    let again = url.open().await.expect("reopen");
    suite(store).await;
    assert_eq!(again.count_citizens().await.expect("count"), 3);
}
