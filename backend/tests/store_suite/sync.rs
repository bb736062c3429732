//! The sync area: the feed, its cursor, and the outbox.

use shimin_backend::store::{EventKind, Store};

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

    let first = store.push_outbox(a.id, "key-1", "feedback", "{\"x\":1}", 300).await.expect("push");
    let retry = store.push_outbox(a.id, "key-1", "feedback", "{\"x\":2}", 400).await.expect("retry");
    assert_eq!(retry, first, "a retry returns the first record unchanged");
    let other = store.push_outbox(b.id, "key-1", "feedback", "{}", 400).await.expect("other device");
    assert_ne!(other.id, first.id, "keys are per device");
    assert_eq!(store.count_outbox(a.id).await.expect("count"), 1);
    assert_eq!(store.count_outbox(b.id).await.expect("count"), 1);
}
