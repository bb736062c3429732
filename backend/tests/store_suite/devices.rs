//! The devices area: staff and device tokens, enrolment codes, devices, challenges.

use shimin_backend::store::{NewEnrolmentCode, StaffRecord, Store, StoreError, TokenRecord, TokenSubject};

use super::{DEPT, LI, ZHANG, device};

/// An enrolment code whose hash is 32 bytes of `n`, issued at 10 by staff 1.
pub(crate) fn code(n: u8, citizen: &str, expires_at: i64) -> NewEnrolmentCode {
    NewEnrolmentCode {
        hash: vec![n; 32],
        citizen_id_number: citizen.to_owned(),
        issued_by: 1,
        issued_at: 10,
        expires_at,
    }
}

pub(crate) async fn staff_and_tokens(store: &dyn Store) {
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

pub(crate) async fn devices_and_challenges(store: &dyn Store) {
    store.insert_enrolment_code(code(2, ZHANG, 50)).await.expect("short code");
    assert_eq!(store.enrol_device(vec![2; 32], device(ZHANG, 1), 100).await.expect("expired"), None);
    store.insert_enrolment_code(code(1, ZHANG, 1_000)).await.expect("code");
    assert_eq!(
        store.enrol_device(vec![1; 32], device(LI, 1), 100).await.expect("other"),
        None,
        "another's code"
    );
    let phone =
        store.enrol_device(vec![1; 32], device(ZHANG, 1), 100).await.expect("enrol").expect("granted");
    assert!(phone.id > 0);
    assert_eq!(
        store.enrol_device(vec![1; 32], device(ZHANG, 2), 100).await.expect("reuse"),
        None,
        "one time"
    );
    // One outstanding code per citizen: a new code withdraws the one not yet used.
    store.insert_enrolment_code(code(4, ZHANG, 1_000)).await.expect("code");
    store.insert_enrolment_code(code(3, ZHANG, 1_000)).await.expect("code");
    assert_eq!(store.enrol_device(vec![4; 32], device(ZHANG, 4), 100).await.expect("withdrawn"), None);
    let audit = store.enrolment_codes(ZHANG).await.expect("audit");
    assert_eq!(audit.len(), 4);
    assert!(audit.iter().all(|c| c.issued_by == Some(1) && c.issued_at == Some(10)));
    assert_eq!(
        audit.iter().filter(|c| c.withdrawn_at.is_some()).count(),
        2,
        "the expired and the replaced code"
    );
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
    // What a device's bearer token stands for, token and device together.
    let (token, of) = store.token_and_device(&[7; 32]).await.expect("look-up").expect("the token");
    assert_eq!(token.subject, TokenSubject::Device(tablet.id));
    assert_eq!(of, Some(tablet.clone()));
    assert_eq!(store.token_and_device(&[6; 32]).await.expect("unknown"), None);
    let staff_token = TokenRecord {
        hash: vec![5; 32],
        subject: TokenSubject::Staff(phone.id),
        expires_at: 10_000,
        revoked_at: None,
    };
    store.insert_token(staff_token.clone()).await.expect("token");
    assert_eq!(
        store.token_and_device(&[5; 32]).await.expect("look-up"),
        Some((staff_token, None)),
        "a staff token stands for no device, even one whose id is the staff member's"
    );
    store.remove_device(tablet.id, 150).await.expect("remove");
    let (token, of) = store.token_and_device(&[7; 32]).await.expect("look-up").expect("the token");
    assert_eq!(token.revoked_at, Some(150));
    assert_eq!(of.and_then(|d| d.removed_at), Some(150), "the removed device, as it is");
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
