//! Attack (issue 15, crash safety, from the staff client's side): the answer to an issuance is
//! lost after the server committed it — a dropped connection, a proxy that gives up, a server
//! killed before it wrote the answer — and the staff client sends the request again, as any
//! client does. The citizen must get one certificate, not two. A proxy on 127.0.0.1 in front of
//! the real backend (SQLite) plays the lost answer: it forwards the first request, waits until
//! the server starts answering (so the issuance is committed), and closes the connection
//! without passing the answer on.
#![allow(clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use shimin_backend::local::LocalBackend;
use shimin_backend::seed::POLICE_CODE;
use shimin_client::BackendClient;
use shimin_wire::backend::{CertificateFields, IssueCertificateRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// 张伟 of the demo data.
const ZHANG: &str = "420106199003071238";

/// A proxy to `upstream` that loses the answer on its first `lose` connections and forwards
/// every later one whole. Returns its base URL and the number of connections it accepted.
async fn losing_proxy(upstream: String, lose: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let connections = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let n = count.fetch_add(1, Ordering::SeqCst);
            let mut server = TcpStream::connect(&upstream).await.expect("connect upstream");
            tokio::spawn(async move {
                if n < lose {
                    // Pass the request on; once the server has begun its answer, hang up on
                    // the client with nothing sent.
                    let (mut from_client, _to_client) = client.split();
                    let (mut from_server, mut to_server) = server.split();
                    let mut buf = vec![0u8; 64 * 1024];
                    let forward = async {
                        loop {
                            match from_client.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => {
                                    if to_server.write_all(&buf[..n]).await.is_err() {
                                        break;
                                    }
                                }
                            }
                        }
                    };
                    let mut answer = [0u8; 1];
                    tokio::select! {
                        () = forward => {}
                        _ = from_server.read(&mut answer) => {}
                    }
                    drop(client);
                } else {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                }
            });
        }
    });
    (url, connections)
}

fn residence_permit(street: &str) -> IssueCertificateRequest {
    IssueCertificateRequest {
        holder_id_number: ZHANG.into(),
        valid_from: "2026-01-01".into(),
        valid_until: Some("2036-01-01".into()),
        fields: CertificateFields::ResidencePermit {
            residence_address: format!("福建省福州市鼓楼区{street}"),
        },
    }
}

async fn police_certificates(server: &LocalBackend) -> usize {
    let all = server.backend().store.certificates_of(ZHANG).await.expect("certificates");
    all.iter().filter(|c| c.department_code == POLICE_CODE).count()
}

#[tokio::test]
async fn an_issuance_whose_answer_was_lost_is_sent_again_and_issues_once() {
    let dir = tempfile::tempdir().expect("dir");
    let server = LocalBackend::start(dir.path(), 5).await.expect("backend");
    let upstream = server.base_url().trim_start_matches("http://").to_owned();
    let (url, connections) = losing_proxy(upstream, 1).await;
    // Signed in directly; only the issuances go through the proxy.
    let direct = BackendClient::new(&server.base_url()).expect("client");
    let token = direct.staff_login("police-issuer", "demo-police-2024").await.expect("login").token;
    let client = BackendClient::new(&url).expect("client");
    let before = police_certificates(&server).await;

    // Two logical operations: the first loses its answer once and is sent again; the second is
    // another issuance (of the same data), which must not be taken for a retry of the first.
    let first = client.issue_certificate(&token, &residence_permit("某路1号")).await.expect("issued");
    assert_eq!(connections.load(Ordering::SeqCst), 2, "the lost attempt and the retry");
    assert_eq!(police_certificates(&server).await, before + 1, "the retry issued nothing more");
    let second = client.issue_certificate(&token, &residence_permit("某路1号")).await.expect("issued");
    assert_ne!(first.id, second.id, "a new operation is a new issuance");
    assert_eq!(police_certificates(&server).await, before + 2);

    // The key of one operation kept by the caller: the same request under it answers the same
    // certificate, another request under it is refused.
    let key = shimin_client::staff::new_idempotency_key().expect("key");
    let third =
        client.issue_certificate_with_key(&token, &residence_permit("某路3号"), &key).await.expect("issued");
    let again = client
        .issue_certificate_with_key(&token, &residence_permit("某路3号"), &key)
        .await
        .expect("answered");
    assert_eq!(third, again);
    let other = client.issue_certificate_with_key(&token, &residence_permit("某路4号"), &key).await;
    assert!(matches!(other, Err(shimin_client::ClientError::Refused { status: 409, .. })), "{other:?}");
    assert_eq!(police_certificates(&server).await, before + 3);
}

/// The trust-list administrator's call, as a console makes it: a department's issuer is refused,
/// the administrator's mark is taken and names the department's new key, a second is refused.
#[tokio::test]
async fn only_the_administrator_marks_a_key_compromised_through_the_client() {
    let dir = tempfile::tempdir().expect("dir");
    let server = LocalBackend::start(dir.path(), 5).await.expect("backend");
    let client = BackendClient::new(&server.base_url()).expect("client");
    let (key_id, _) = server.backend().current_key(POLICE_CODE).await.expect("police key");
    let issuer = client.staff_login("police-issuer", "demo-police-2024").await.expect("login").token;
    let refused = client.compromise_key(&issuer, &key_id, None).await;
    assert!(matches!(refused, Err(shimin_client::ClientError::Refused { status: 403, .. })), "{refused:?}");
    let admin = client.staff_login("trust-admin", "demo-trust-2024").await.expect("login");
    assert_eq!(admin.role, shimin_wire::backend::StaffRole::Administrator);
    let marked = client.compromise_key(&admin.token, &key_id, None).await.expect("marked");
    assert_eq!(marked.department_code, POLICE_CODE);
    assert_ne!(marked.key_id, key_id);
    assert_eq!(marked.key_id, server.backend().current_key(POLICE_CODE).await.expect("new key").0);
    let again = client.compromise_key(&admin.token, &key_id, None).await;
    assert!(matches!(again, Err(shimin_client::ClientError::Refused { status: 409, .. })), "{again:?}");
}
