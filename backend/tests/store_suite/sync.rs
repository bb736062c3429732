//! The sync area: the feed, its cursor, and the outbox.

use shimin_backend::store::{EventKind, Store, TokenRecord, TokenSubject};

use super::devices::code;
use super::{LI, ZHANG, device, event, new_cert};

pub(crate) async fn feed_and_outbox(store: &dyn Store) {
    let cert = store.insert_certificate(new_cert(ZHANG, 10)).await.expect("cert");
    store.insert_enrolment_code(code(11, ZHANG, 1_000)).await.expect("code");
    let a = store.enrol_device(vec![11; 32], device(ZHANG, 11), 100).await.expect("a").expect("a");
    store.insert_enrolment_code(code(12, ZHANG, 1_000)).await.expect("code");
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

    // The whole pull in one call: the same token, device, feed page, trust list and certificates
    // as the calls it stands for.
    let tokens = [(vec![0x5a; 32], TokenSubject::Device(a.id)), (vec![0x5b; 32], TokenSubject::Device(b.id))];
    for (hash, subject) in &tokens {
        let token =
            TokenRecord { hash: hash.clone(), subject: *subject, expires_at: 10_000, revoked_at: None };
        store.insert_token(token).await.expect("token");
    }
    let pulled = store.pull(&[0x5a; 32], start, 100, "trust-list").await.expect("pull").expect("the token");
    assert_eq!(pulled.token.subject, TokenSubject::Device(a.id));
    assert_eq!(pulled.device, Some(a.clone()));
    assert_eq!(pulled.events, seen, "the feed page of `events`: a's own copy and the notification");
    assert_eq!(pulled.trust_list, Some((2, "\"2\"".to_owned())), "the trust list published last");
    let certificates = store.certificates_of(ZHANG).await.expect("certificates");
    assert!(certificates.iter().any(|c| c.id == cert.id));
    assert_eq!(pulled.certificates, certificates, "the citizen's certificates, newest first");
    let first_page = store.pull(&[0x5a; 32], start, 1, "trust-list").await.expect("pull").expect("token");
    assert_eq!(first_page.events, page, "the page size");
    let rest = store.pull(&[0x5a; 32], page[0].seq, 100, "trust-list").await.expect("pull").expect("token");
    assert_eq!(rest.events, seen[1..].to_vec(), "the cursor resumes where it stopped");
    let of_b = store.pull(&[0x5b; 32], start, 100, "no-such-document").await.expect("pull").expect("token");
    assert_eq!(of_b.device, Some(b.clone()));
    assert_eq!(of_b.events[0].holder_copy.as_deref(), Some(&[0xb0][..]), "b gets its own copy, not a's");
    assert_eq!(of_b.events, store.events(ZHANG, b.id, start, 100).await.expect("events"));
    assert_eq!(of_b.trust_list, None, "nothing published under that name");
    assert_eq!(store.pull(&[0x5c; 32], 0, 100, "trust-list").await.expect("pull"), None, "no such token");
    let staff = TokenRecord {
        hash: vec![0x5d; 32],
        subject: TokenSubject::Staff(a.id),
        expires_at: 10_000,
        revoked_at: None,
    };
    store.insert_token(staff.clone()).await.expect("staff token");
    let of_staff = store.pull(&[0x5d; 32], 0, 100, "trust-list").await.expect("pull").expect("token");
    assert_eq!(of_staff.token, staff);
    assert_eq!(
        (of_staff.device, of_staff.events.len(), of_staff.trust_list, of_staff.certificates.len()),
        (None, 0, None, 0),
        "a staff token stands for no device, so for no feed"
    );

    let first = store.push_outbox(a.id, "key-1", "feedback", "{\"x\":1}", 300).await.expect("push");
    let retry = store.push_outbox(a.id, "key-1", "feedback", "{\"x\":2}", 400).await.expect("retry");
    assert_eq!(retry, first, "a retry returns the first record unchanged");
    let other = store.push_outbox(b.id, "key-1", "feedback", "{}", 400).await.expect("other device");
    assert_ne!(other.id, first.id, "keys are per device");
    assert_eq!(store.count_outbox(a.id).await.expect("count"), 1);
    assert_eq!(store.count_outbox(b.id).await.expect("count"), 1);
}
