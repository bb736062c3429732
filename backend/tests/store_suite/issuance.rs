//! The issuance area: departments, issuer keys, settings, published documents, certificates
//! and status lists.

use shimin_backend::store::{
    DepartmentRecord, EventKind, IssuerKeyRecord, NewCertificate, PublishedDoc, Store, StoreError,
    StoredStatus,
};

use super::{DEPT, LI, ZHANG, event, new_cert};

pub(crate) async fn departments_keys_and_documents(store: &dyn Store) {
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
        public_key: vec![4, 5],
        valid_from: 10,
        valid_to: 20,
        retired_at: None,
        compromised_at: None,
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
    assert!(store.compromise_issuer_key("k2", 12, 16).await.expect("compromise"));
    assert!(!store.compromise_issuer_key("k2", 13, 17).await.expect("twice"), "marked once");
    assert!(!store.compromise_issuer_key("k9", 13, 17).await.expect("unknown"));
    let keys = store.issuer_keys().await.expect("keys");
    assert_eq!(
        keys.iter().map(|k| (k.key_id.as_str(), k.retired_at, k.compromised_at)).collect::<Vec<_>>(),
        [("k1", Some(15), None), ("k2", Some(16), Some(12))],
        "compromised at the time given, retired now"
    );
    assert!(store.legacy_private_keys().await.expect("legacy").is_empty(), "new keys hold no private half");

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

pub(crate) async fn certificates_and_status_lists(store: &dyn Store) {
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

    let suspend = |expected| {
        store.set_status(
            second.id,
            expected,
            StoredStatus::Suspended,
            vec![event(LI, None, EventKind::StatusChange, Some(second.id))],
        )
    };
    assert!(suspend(StoredStatus::Valid).await.expect("suspend"));
    assert!(!suspend(StoredStatus::Valid).await.expect("compare"), "no longer valid: nothing changes");
    assert_eq!(store.status_entries(first.status_list_id).await.expect("entries"), vec![(0, 1), (1, 2)]);
    let mine: Vec<i64> = store.certificates_of(ZHANG).await.expect("mine").iter().map(|c| c.id).collect();
    assert_eq!(mine, vec![renewed.id, third.id, first.id], "newest first, only the holder's");
    assert_eq!(store.certificate(i64::MAX).await.expect("unknown"), None);
}
