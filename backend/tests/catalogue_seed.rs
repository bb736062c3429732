//! The seed catalogue served and searched over real HTTP (issue 16), on SQLite and PostgreSQL:
//! a new backend loads it once, the listing pages through all of it, the search finds what
//! citizens type, and the first download stays small.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use std::collections::BTreeSet;
use std::io::Read;

use common::{Db, TestServer};
use reqwest::StatusCode;
use reqwest::header::ACCEPT_ENCODING;
use shimin_backend::server::Limits;
use shimin_core::catalogue::guide::Service;
use shimin_search::{Document, Index, Query, Synonyms};
use shimin_wire::catalogue::{CatalogueChangesResponse, ServiceListResponse};

on_both_databases!(the_seed_is_loaded_once_listed_whole_and_searched);

async fn list(http: &reqwest::Client, server: &TestServer, query: &str) -> ServiceListResponse {
    let response = http.get(server.url(&format!("/v1/services?{query}"))).send().await.expect("get");
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.expect("json")
}

async fn the_seed_is_loaded_once_listed_whole_and_searched(db: Db) {
    // Some 600 searches from one address: more than the public routes' default burst.
    let limits = Limits { public_burst: 10_000, public_per_minute: 10_000, ..Limits::default() };
    let server = TestServer::on_configured(db, limits, |c| c.catalogue_seed = true).await;
    let seed = shimin_catalogue_seed::catalogue().expect("the seed");
    let size = seed.len() as u64;
    assert!(size >= 1_000);
    assert_eq!(server.backend.store.catalogue_head().await.expect("head"), size, "one add per service");
    // What a restart does (`Backend::new` over the same database) adds nothing.
    let again = server.backend.seed_catalogue(seed.clone(), 2).await.expect("seed again");
    assert!(!again, "the seed is loaded once");
    assert_eq!(server.backend.store.catalogue_head().await.expect("head"), size, "a restart adds nothing");

    let http = reqwest::Client::new();
    let mut seen = BTreeSet::new();
    let mut offset = 0;
    loop {
        let page = list(&http, &server, &format!("limit=100&offset={offset}")).await;
        assert_eq!(page.total, size, "without q, total is the catalogue's size");
        if page.items.is_empty() {
            break;
        }
        for item in &page.items {
            assert!(seen.insert(item.code.clone()), "{} listed twice", item.code);
        }
        offset += 100;
    }
    let codes: BTreeSet<String> = seed.iter().map(|s| s.code.clone()).collect();
    assert_eq!(seen, codes, "the pages together list every service exactly once");

    let licence = list(&http, &server, "q=%E9%A9%BE%E7%85%A7").await; // 驾照
    assert_eq!(licence.items.first().map(|s| s.name.as_str()), Some("机动车驾驶证换证"), "驾照");
    let hant = list(&http, &server, "q=%E9%A9%BE%E7%85%A7&lang=zh-Hant").await;
    assert_eq!(hant.items.first().map(|s| s.name.as_str()), Some("機動車駕駛證換證"), "names in zh-Hant");
    let passport = list(&http, &server, "q=passport&lang=en").await;
    let first = passport.items.first().map(|s| s.name.to_lowercase()).unwrap_or_default();
    assert!(first.contains("passport"), "passport: {first}");

    // One ranking: for every query of the search's evaluation sets, the backend answers the
    // codes, in the order, that the search crate gives offline over the same catalogue (what the
    // app runs).
    let active: Vec<Document> = seed
        .into_iter()
        .map(|d| Service::parse(d).expect("a valid seed service"))
        .filter(Service::is_active)
        .map(|s| Document::from_service(&s))
        .collect();
    let offline = Index::build(active, &Synonyms::builtin());
    let queries = [
        include_str!("../../search/tests/eval/queries.tsv"),
        include_str!("../../search/tests/eval/heldout.tsv"),
    ];
    let mut compared = 0;
    for line in
        queries.iter().flat_map(|file| file.lines()).filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let text = line.split('\t').next().unwrap_or_default();
        let response = http
            .get(server.url("/v1/services"))
            .query(&[("q", text), ("limit", "10")])
            .send()
            .await
            .expect("search");
        assert_eq!(response.status(), StatusCode::OK, "{text}");
        let online: ServiceListResponse = response.json().await.expect("json");
        let page = offline
            .search(&Query { text: text.to_owned(), limit: 10, ..Query::default() })
            .expect("the offline search");
        let codes: Vec<&str> = online.items.iter().map(|s| s.code.as_str()).collect();
        let expected: Vec<&str> = page.hits.iter().map(|h| h.code.as_str()).collect();
        assert_eq!(codes, expected, "{text}: online and offline differ");
        assert_eq!(online.total, page.total as u64, "{text}");
        compared += 1;
    }
    assert!(compared >= 600, "{compared} queries compared");
}

/// The figures of issue 16 on the seed: the first download, gzipped, over all its pages, and a
/// one-service change. `--nocapture` prints them.
#[tokio::test]
async fn the_first_download_of_the_seed_is_under_two_megabytes() {
    let server = TestServer::on_configured(Db::Sqlite, Limits::default(), |c| c.catalogue_seed = true).await;
    // Bodies as sent: the compressed bytes are the figure.
    let http = reqwest::Client::builder().no_gzip().build().expect("client");
    let get = |since: u64| {
        let request = http
            .get(server.url(&format!("/v1/catalogue/changes?since={since}")))
            .header(ACCEPT_ENCODING, "gzip");
        async move {
            let response = request.send().await.expect("get");
            assert_eq!(response.status(), StatusCode::OK);
            let zipped = response.bytes().await.expect("body").to_vec();
            let mut json = Vec::new();
            flate2::read::GzDecoder::new(&zipped[..]).read_to_end(&mut json).expect("gzip");
            (
                zipped.len(),
                json.len(),
                serde_json::from_slice::<CatalogueChangesResponse>(&json).expect("a page"),
            )
        }
    };
    let (mut since, mut zipped, mut plain, mut services, mut pages) = (0, 0, 0, 0, 0);
    loop {
        let (z, p, page) = get(since).await;
        zipped += z;
        plain += p;
        services += page.changes.len();
        pages += 1;
        since = page.to;
        if !page.more {
            break;
        }
    }
    println!(
        "first download of the seed: {services} services, {pages} pages, {zipped} bytes gzipped ({plain} bytes of JSON)"
    );
    assert_eq!(services as u64, server.backend.store.catalogue_head().await.expect("head"));
    assert!(zipped < 2_000_000, "the first download is {zipped} bytes");
    let mut changed = shimin_catalogue_seed::catalogue().expect("seed").swap_remove(0);
    changed.popularity += 1;
    let head = server
        .backend
        .change_service(shimin_backend::service::catalogue::CatalogueEdit::Change(changed), 1)
        .await
        .expect("change");
    let (z, p, page) = get(head - 1).await;
    assert_eq!(page.changes.len(), 1, "a one-service change downloads only that change");
    println!("one-service change: {z} bytes gzipped ({p} bytes of JSON)");
}
