//! Attacks on the wallet's first contact with a backend: an impostor backend (its own root key,
//! its own trust list, its own valid enrolment codes) offered to an app that ships the national
//! root key; and backend addresses that would send codes and tokens in the clear. The real
//! backend over real HTTP on loopback, the real wallet database.
#![allow(clippy::expect_used, clippy::panic)]

use shimin_backend::local::LocalBackend;
use shimin_client::{BackendClient, check_url};
use shimin_core::wallet::sync::{RootOfTrust, enrol};
use shimin_core::wallet::{BackendError, SyncFailure};
use shimin_store::{PinWrapper, Wallet, schema};

#[tokio::test]
async fn an_impostor_backend_is_refused_at_enrolment_and_nothing_is_pinned() {
    let dir = tempfile::Builder::new().prefix("shimin-client-root-").tempdir().expect("temp dir");
    let national = LocalBackend::start(&dir.path().join("national"), 3).await.expect("national backend");
    let impostor = LocalBackend::start(&dir.path().join("impostor"), 3).await.expect("impostor backend");
    let shipped = national.backend().root().verifying_key();
    let now = shimin_backend::now();
    let conn = schema::open_file(&dir.path().join("wallet.db")).expect("wallet db");
    let pin = PinWrapper::insecure_low_iterations_for_tests("246810", 10).expect("pin");
    let mut wallet = Wallet::create(conn, &pin, now).expect("wallet");

    // The impostor's code is genuine on the impostor: only the root key can tell them apart.
    let client = BackendClient::new(&impostor.base_url()).expect("client");
    let (id_number, _, code) = &impostor.seed().demo[0];
    let refused = enrol(&mut wallet, &client, RootOfTrust::Shipped(&shipped), id_number, code, "phone").await;
    assert!(matches!(refused, Err(SyncFailure::UntrustedBackend)), "{refused:?}");
    assert_eq!(wallet.enrolment().expect("read"), None, "nothing pinned, nothing recorded");
    assert_eq!(
        impostor.backend().store.active_devices(id_number).await.expect("devices").len(),
        0,
        "the impostor never saw the code"
    );

    let client = BackendClient::new(&national.base_url()).expect("client");
    let (id_number, _, code) = &national.seed().demo[0];
    let enrolment = enrol(&mut wallet, &client, RootOfTrust::Shipped(&shipped), id_number, code, "phone")
        .await
        .expect("the national backend is vouched for by the shipped root");
    assert_eq!(enrolment.root_key, shipped);
}

#[test]
fn plain_http_is_refused_except_to_loopback_in_a_development_build() {
    for url in ["https://shimin.example.cn", "https://127.0.0.1:8443/", "https://[2001:db8::1]/"] {
        assert!(check_url(url, false).is_ok() && check_url(url, true).is_ok(), "{url}");
    }
    for url in ["http://127.0.0.1:8787", "http://127.3.4.5", "http://[::1]:8787", "http://localhost:8787"] {
        assert!(check_url(url, true).is_ok(), "{url} in development");
        assert!(matches!(check_url(url, false), Err(BackendError::InsecureUrl)), "{url} in a release build");
    }
    for url in [
        "http://shimin.example.cn",
        "http://192.168.1.10:8787",
        "http://10.0.0.1",
        "http://[2001:db8::1]/",
        "http://localhost.example.cn",
        "http://127.0.0.1.nip.io",
        "https://user:secret@shimin.example.cn",
        "ftp://127.0.0.1",
        "file:///etc/passwd",
        "shimin.example.cn",
        "",
    ] {
        assert!(matches!(check_url(url, true), Err(BackendError::InsecureUrl)), "{url}");
        assert!(matches!(BackendClient::new(url), Err(BackendError::InsecureUrl)), "{url}");
    }
}
