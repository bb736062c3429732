//! Search latency over real HTTP (issue 16's figure: backend search p95 < 10 ms over 10,000
//! services): `GET /v1/services?q=…` on loopback, one client after the other, the server on
//! its own two-thread runtime over an SQLite store holding `CAT_SERVICES` services.
//!
//! ```sh
//! cargo bench -p shimin-backend --bench catalogue_search
//! CAT_SERVICES=10000 CAT_ROUNDS=20 cargo bench -p shimin-backend --bench catalogue_search
//! ```
//!
//! Each round sends every query of [`QUERIES`] once (citizens' words, Traditional characters,
//! English, pinyin, initials, a typo) and the listing without a query, with and without facets;
//! the figures are p50 and p95 of the request's whole time as the client sees it (connection
//! kept alive), per kind. Loading the catalogue and building the index are not measured, only
//! reported.
#![allow(clippy::expect_used, clippy::panic, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use shimin_backend::server::{self, Limits};
use shimin_backend::service::{Backend, Config};
use shimin_backend::store::{DatabaseUrl, Store};
use shimin_wire::catalogue::ServiceDocument;

/// What a citizen types.
const QUERIES: &[&str] = &[
    "驾照",
    "换驾照",
    "驾照到期了怎么办",
    "护照",
    "办护照",
    "身份证丢了",
    "结婚登记",
    "结婚要带什么",
    "离婚",
    "社保卡丢了",
    "公积金取出来",
    "上户口",
    "孩子上户口",
    "生孩子要办什么",
    "退休金怎么领",
    "低保",
    "开个小吃店",
    "营业执照",
    "去香港",
    "居住证",
    "無犯罪記錄證明",
    "護照",
    "駕照",
    "passport",
    "driving licence",
    "marriage",
    "jiazhao",
    "huzhao",
    "hz",
    "jsz",
    "架照",
    "户扣",
    "护找",
    "不动产登记",
    "医保报销",
    "异地就医",
];

/// The catalogue the bench serves: `n` services.
fn documents(n: usize) -> Vec<ServiceDocument> {
    shimin_catalogue_seed::generated(n).expect("the generated catalogue")
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1_000.0
}

/// Percent-encodes a query value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn main() {
    // `cargo test` runs benches with `--bench` absent: do nothing then (this is no test).
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let services = env_or("CAT_SERVICES", 10_000);
    let rounds = env_or("CAT_ROUNDS", 20);

    let server_rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let dir = common::temp_dir("catalogue-bench");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store: std::sync::Arc<dyn Store> =
        server_rt.block_on(url.parse::<DatabaseUrl>().expect("url").open()).expect("open");
    let listener = server_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let config = Config { public_url: base.clone(), catalogue_seed: false, ..Config::default() };
    let backend = server_rt.block_on(Backend::new(store, config)).expect("backend");

    let started = Instant::now();
    let loaded = server_rt.block_on(backend.seed_catalogue(documents(services), 1)).expect("load");
    assert!(loaded, "a fresh store takes the catalogue");
    let load_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let index = server_rt.block_on(backend.catalogue_index()).expect("index");
    let index_seconds = started.elapsed().as_secs_f64();
    assert_eq!(index.len(), services);

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let limits = Limits { public_burst: 1_000_000, public_per_minute: 1_000_000, ..Limits::default() };
    let serving = server_rt.spawn(server::serve(listener, backend.clone(), limits, async {
        let _ = stopped.await;
    }));

    let client_rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
    let http = reqwest::Client::new();
    let kinds: Vec<(&str, Vec<String>)> = vec![
        ("q", QUERIES.iter().map(|q| format!("/v1/services?q={}&limit=20", encode(q))).collect()),
        ("no q", vec!["/v1/services?limit=20".to_owned(), "/v1/services?limit=20&offset=500".to_owned()]),
        (
            "facets",
            vec![
                "/v1/services?theme=person:095&limit=20".to_owned(),
                "/v1/services?online=true&object=person&limit=20&lang=en".to_owned(),
            ],
        ),
    ];
    println!("| requests | services | statuses | p50 | p95 | max |");
    println!("|---|---|---|---|---|---|");
    client_rt.block_on(async {
        // Warm the connection and the server.
        let _ = http.get(format!("{base}/v1/services?limit=1")).send().await;
        for (kind, paths) in &kinds {
            let mut times = Vec::new();
            let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
            for _ in 0..rounds {
                for path in paths {
                    let at = Instant::now();
                    let response = http.get(format!("{base}{path}")).send().await.expect("request");
                    let status = response.status().as_u16();
                    let _ = response.bytes().await.expect("body");
                    times.push(at.elapsed());
                    *statuses.entry(status).or_default() += 1;
                }
            }
            times.sort();
            println!(
                "| {kind} ({}) | {services} | {statuses:?} | {:.2} ms | {:.2} ms | {:.2} ms |",
                times.len(),
                percentile(&times, 50.0),
                percentile(&times, 95.0),
                percentile(&times, 100.0)
            );
        }
    });
    println!("loading {services} services: {load_seconds:.1} s; building the listing: {index_seconds:.2} s");
    let _ = stop.send(());
    server_rt.block_on(serving).expect("join").expect("serve");
}
