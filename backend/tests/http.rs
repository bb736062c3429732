//! The real server on a loopback port, driven over real HTTP.

use shimin_backend::{db::DatabaseUrl, seed, server};

#[tokio::test]
async fn healthz_answers_with_the_number_of_citizens() {
    let dir = std::env::temp_dir().join(format!("shimin-backend-test-{}", std::process::id()));
    let url: DatabaseUrl = format!("sqlite://{}", dir.join("t.db").display()).parse().expect("url");
    let mut db = url.open().expect("open");
    seed::seed(&mut db, 7, 0).expect("seed");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(listener, db, async {
        let _ = stopped.await;
    }));

    let body: serde_json::Value =
        reqwest::get(format!("http://{addr}/healthz")).await.expect("get").json().await.expect("json");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["citizens"], 7);

    let missing = reqwest::get(format!("http://{addr}/nope")).await.expect("get");
    assert_eq!(missing.status(), 404);

    stop.send(()).expect("stop");
    server.await.expect("join").expect("graceful shutdown");
    let _ = std::fs::remove_dir_all(dir);
}
