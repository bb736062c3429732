//! The app's service hall against the real backend on loopback: the first catalogue round brings
//! the whole seed catalogue; the app's offline search answers exactly what `GET /v1/services`
//! answers for the same queries at the same version; a one-service change on the backend reaches
//! the app as that one change; and with the backend gone the search still answers while the
//! catalogue line says offline.
#![allow(clippy::expect_used, clippy::panic)]

use std::time::Duration;

use shimin_app::wallet::WalletState;
use shimin_backend::local::LocalBackend;
use shimin_backend::service::catalogue::CatalogueEdit;
use shimin_wire::catalogue::ServiceListResponse;
use shimin_wire::hall::{GuideRequest, SearchServicesRequest};
use shimin_wire::sync::SyncProblemView;
use shimin_wire::wallet::Language;

fn request(q: &str) -> SearchServicesRequest {
    SearchServicesRequest {
        q: q.to_owned(),
        theme: None,
        department: None,
        audience: None,
        online: None,
        limit: 10,
        offset: 0,
        language: Language::ZhHans,
    }
}

/// Every tenth query of the search evaluation (colloquial, Traditional, English, pinyin, typos).
fn queries() -> Vec<String> {
    include_str!("../../search/tests/eval/queries.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next().map(str::to_owned))
        .step_by(10)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogue_syncs_searches_as_online_and_works_offline() {
    let dir = tempfile::Builder::new().prefix("shimin-app-hall-").tempdir().expect("temp dir");
    let mut server = LocalBackend::start(dir.path(), 2).await.expect("backend");
    let state = WalletState::in_dir(dir.path().join("app"), None)
        .with_backend(&server.base_url(), Duration::from_secs(3_600));

    let before = state.catalogue_status().expect("status");
    assert_eq!((before.version, before.services), (0, 0), "nothing before the first round");
    let first = state.refresh_catalogue().await.expect("first round");
    assert_eq!(first.problem, None, "{first:?}");
    assert!(first.services >= 1_000, "{first:?}");

    // Offline results equal online results, query by query, at the same catalogue version.
    let http = reqwest::Client::new();
    let queries = queries();
    assert!(queries.len() >= 40, "{} queries", queries.len());
    for q in &queries {
        let online: ServiceListResponse = http
            .get(format!("{}/v1/services", server.base_url()))
            .query(&[("q", q.as_str()), ("limit", "10")])
            .send()
            .await
            .expect("GET /v1/services")
            .json()
            .await
            .expect("a listing");
        assert_eq!(online.catalogue_version, first.version, "{q}");
        let offline = state.search_services(&request(q)).expect("offline search");
        let codes = |items: Vec<String>| items;
        assert_eq!(
            codes(offline.items.iter().map(|i| i.code.clone()).collect()),
            codes(online.items.iter().map(|i| i.code.clone()).collect()),
            "{q}"
        );
        assert_eq!(offline.total, online.total, "{q}");
    }
    let licence = state.search_services(&request("驾照")).expect("search");
    assert_eq!(licence.items.first().map(|i| i.name.as_str()), Some("机动车驾驶证换证"));

    // One change on the backend arrives as that one change.
    let code = licence.items[0].code.clone();
    let mut document = server.backend().service_guide(&code).await.expect("the guide").into_document();
    document.name.hans = "机动车驾驶证换证（到期换证）".into();
    server.backend().change_service(CatalogueEdit::Change(document), 1_800_000_000).await.expect("changed");
    let second = state.refresh_catalogue().await.expect("second round");
    assert_eq!(second.version, first.version + 1, "{second:?}");
    assert_eq!(second.services, first.services);
    let guide =
        state.service_guide(&GuideRequest { code: code.clone(), language: Language::ZhHans }).expect("guide");
    assert_eq!(guide.name, "机动车驾驶证换证（到期换证）");

    // The backend gone: the catalogue line says offline, the search still answers.
    server.stop().await.expect("stopped");
    let offline = state.refresh_catalogue().await.expect("a round that fails is not an error");
    assert_eq!(offline.problem, Some(SyncProblemView::Offline), "{offline:?}");
    assert_eq!(offline.version, second.version, "nothing lost");
    let passport =
        state.search_services(&SearchServicesRequest { language: Language::En, ..request("passport") });
    assert!(
        passport.expect("search").items.iter().any(|i| i.name.contains("passport")),
        "offline search in English"
    );
}
