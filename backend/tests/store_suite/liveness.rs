//! The liveness area (and the registry photo it compares with): checks, attempts, outcomes,
//! registration cases.

use shimin_backend::store::{
    CaseRecord, DeclineReason, Declined, DeviceRecord, EnrolmentGrant, EventKind, LivenessCheckRecord,
    LivenessOutcome, LivenessPurpose, NewEvent, PartyRecord, PartyRole, Store, StoreError,
};

use super::{DEPT, LI, ZHANG, device, event, new_cert};

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

pub(crate) async fn liveness_checks_and_cases(store: &dyn Store) {
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
    let mut case_check = check(LI, LivenessPurpose::Enrolment, 40, 3_000);
    case_check.purpose = LivenessPurpose::Case(1);
    assert!(
        store.insert_liveness_check(case_check, day, 2).await.expect("case").is_some(),
        "enrolment checks (asked for by anyone) do not count against the citizen's case checks"
    );

    // Unauthenticated asks per source: 2 in the window [1_000, …); older ones are forgotten.
    assert!(store.spend_source_attempt("192.0.2.1", 0, 999, 2).await.expect("old ask"));
    assert!(store.spend_source_attempt("192.0.2.1", day, 1_000, 2).await.expect("1st ask"));
    assert!(store.spend_source_attempt("192.0.2.1", day, 1_500, 2).await.expect("2nd ask"));
    assert!(
        !store.spend_source_attempt("192.0.2.1", day, 2_000, 2).await.expect("3rd ask"),
        "over the limit"
    );
    assert!(
        store.spend_source_attempt("2001:db8:0:1::/64", day, 2_000, 2).await.expect("other"),
        "per source"
    );
    assert!(
        store.spend_source_attempt("192.0.2.1", 1_600, 2_100, 2).await.expect("later"),
        "the window moved"
    );
    // Any ask forgets every source's asks older than the window: the /64's ask at 2_000 is gone.
    assert!(store.spend_source_attempt("198.51.100.9", 2_050, 2_200, 2).await.expect("sweeps"));
    assert!(
        store.spend_source_attempt("2001:db8:0:1::/64", 0, 2_300, 1).await.expect("swept"),
        "forgotten by another source's ask"
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

    // A passed enrolment check is an enrolment's grant: the device is registered with the
    // check's outcome; a taken key registers nothing and records nothing.
    let passed = |id| async move { store.liveness_check(id).await.expect("get").and_then(|c| c.passed) };
    let by_check = |id| EnrolmentGrant::LivenessCheck(id);
    let phone = DeviceRecord { public_key: vec![4, 7, 2], ..device(LI, 0) };
    let enrolled = store
        .enrol_device_with_copies(by_check(first), phone.clone(), Vec::new(), Vec::new(), 100)
        .await
        .expect("enrolled")
        .expect("a device");
    assert_eq!(enrolled, DeviceRecord { id: enrolled.id, ..phone.clone() });
    assert_eq!(passed(first).await, Some(true));
    let tablet = DeviceRecord { public_key: vec![4, 7, 3], ..device(LI, 0) };
    assert_eq!(
        store
            .enrol_device_with_copies(by_check(first), tablet.clone(), Vec::new(), Vec::new(), 100)
            .await
            .expect("refused"),
        None,
        "a check with an outcome enrols no second device"
    );
    store.answer_liveness_check(second, 60).await.expect("answer").expect("second");
    assert!(matches!(
        store.enrol_device_with_copies(by_check(second), phone, Vec::new(), Vec::new(), 100).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(passed(second).await, None, "rolled back");

    // All or nothing: a copy that cannot be stored (the same certificate twice) leaves no
    // device, no copy, no notice and no outcome behind; the check then enrols the device with
    // all of them.
    let certificate = store.insert_certificate(new_cert(LI, 16)).await.expect("certificate");
    let notice = NewEvent {
        message: Some("新设备".into()),
        ..event(LI, Some(enrolled.id), EventKind::Notification, None)
    };
    let feed = || async { store.events(LI, enrolled.id, 0, 1_000).await.expect("events").len() };
    let before = feed().await;
    let twice = vec![(certificate.id, vec![0xc1]), (certificate.id, vec![0xc2])];
    assert!(
        store
            .enrol_device_with_copies(by_check(second), tablet.clone(), twice, vec![notice.clone()], 100)
            .await
            .is_err()
    );
    assert_eq!(
        store.active_devices(LI).await.expect("devices"),
        std::slice::from_ref(&enrolled),
        "no device"
    );
    assert_eq!(passed(second).await, None, "no outcome");
    assert_eq!(feed().await, before, "no notice");
    let copies = vec![(certificate.id, vec![0xc1])];
    let second_device = store
        .enrol_device_with_copies(by_check(second), tablet, copies, vec![notice], 100)
        .await
        .expect("enrolled")
        .expect("a device");
    assert_eq!(passed(second).await, Some(true));
    let own = store.events(LI, second_device.id, 0, 1_000).await.expect("events");
    assert!(
        own.iter().any(
            |e| e.certificate_id == Some(certificate.id) && e.holder_copy.as_deref() == Some(&[0xc1][..])
        ),
        "the copy, with its event"
    );
    let told = store.events(LI, enrolled.id, 0, 1_000).await.expect("events");
    assert_eq!(told.last().and_then(|e| e.message.as_deref()), Some("新设备"), "the notice");

    // A failed check is recorded failed, and enrols nothing.
    let failed = store
        .insert_liveness_check(check(LI, LivenessPurpose::Enrolment, 60, 4_000), day, 99)
        .await
        .expect("3rd")
        .expect("within the limit");
    store.answer_liveness_check(failed, 70).await.expect("answer").expect("third");
    store.record_liveness_outcome(failed, LivenessOutcome::Failed).await.expect("failed");
    assert_eq!(passed(failed).await, Some(false));
    let watch = DeviceRecord { public_key: vec![4, 7, 60], ..device(LI, 0) };
    assert_eq!(
        store
            .enrol_device_with_copies(by_check(failed), watch, Vec::new(), Vec::new(), 100)
            .await
            .expect("refused"),
        None
    );

    // A case: LI is legal representative and shareholder, 林晓燕 supervisor.
    let clerk = store.staff_by_login("clerk").await.expect("staff").expect("clerk").id;
    let party =
        |id: &str, role| PartyRecord { id_number: id.into(), role, confirmed_at: None, declined: None };
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
    assert!(
        !store.decline_case(case_id, LI, DeclineReason::Refused, 902).await.expect("decline"),
        "LI confirmed: no refusal after a confirmation"
    );
    assert!(
        store.case(case_id).await.expect("get").expect("stored").parties.iter().all(|p| p.declined.is_none())
    );

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
    assert!(
        !store.decline_case(case_id, LI, DeclineReason::Refused, 907).await.expect("decline"),
        "a proceeded case is not declined"
    );

    // A second case: LI declines it in both roles at once; then nothing confirms it.
    let second =
        CaseRecord {
            company_name: "福州另一科技有限公司".into(), created_at: 1_000, ..case.clone()
        };
    let second_id = store.insert_case(second).await.expect("case");
    assert!(
        !store.decline_case(second_id, ZHANG, DeclineReason::NotMe, 1_001).await.expect("decline"),
        "someone who is not a party declines nothing"
    );
    assert!(store.decline_case(second_id, LI, DeclineReason::NotMe, 1_002).await.expect("decline"));
    assert!(
        !store.decline_case(second_id, LI, DeclineReason::Refused, 1_003).await.expect("again"),
        "declined once: the first reason stays"
    );
    let stored = store.case(second_id).await.expect("get").expect("stored");
    let li: Vec<&PartyRecord> = stored.parties.iter().filter(|p| p.id_number == LI).collect();
    assert_eq!(li.len(), 2);
    assert!(
        li.iter().all(|p| p.declined == Some(Declined { at: 1_002, reason: DeclineReason::NotMe })),
        "both roles declined, with the reason"
    );
    let lin_party = stored.parties.iter().find(|p| p.id_number == lin).expect("lin");
    assert_eq!(lin_party.declined, None, "only the citizen's own rows");
    let late_check = store
        .insert_liveness_check(check(LI, LivenessPurpose::Case(second_id), 8, 1_100_000), 0, 100)
        .await
        .expect("check")
        .expect("within the limit");
    store.answer_liveness_check(late_check, 1_100).await.expect("answer").expect("open");
    let confirmed = LivenessOutcome::Confirmed { case_id: second_id, id_number: LI.into(), at: 1_101 };
    store.record_liveness_outcome(late_check, confirmed).await.expect("record");
    let stored = store.case(second_id).await.expect("get").expect("stored");
    assert!(
        stored.parties.iter().filter(|p| p.id_number == LI).all(|p| p.confirmed_at.is_none()),
        "a check passed after the refusal confirms nothing"
    );
    assert_eq!(
        store.open_cases_of(LI).await.expect("open").len(),
        1,
        "a declined case stays open, to be seen"
    );
}
