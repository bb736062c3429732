//! The public catalogue over real HTTP (issue 16): the listing and its paging, facets and
//! errors, a service's guide, caching (ETag, 304, `Cache-Control`), gzip, and the versioned
//! changes feed applied by a model client — every test on SQLite and on a real PostgreSQL.
//!
//! The catalogue is the test fixture of `common::catalogue` (45 services) until the seed crate
//! lands; the figures test prints the first-download size for whatever catalogue it loads.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use std::collections::BTreeMap;
use std::io::Read;

use common::catalogue::{service, services};
use common::{Db, TestServer};
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, ETAG, IF_NONE_MATCH};
use reqwest::{Client, StatusCode};
use shimin_backend::server::Limits;
use shimin_backend::service::catalogue::CatalogueEdit;
use shimin_wire::backend::ErrorResponse;
use shimin_wire::catalogue::{
    CatalogueChangesResponse, ChangeOpDto, ServiceDocument, ServiceListResponse, ServiceStatusDto,
};
use shimin_wire::error::ErrorCode;

/// The fixture's size.
const SIZE: usize = 45;

on_both_databases!(
    the_listing_pages_through_the_whole_catalogue_best_first,
    facets_filter_and_count,
    bad_queries_get_a_400_that_says_why,
    a_guide_by_its_code,
    answers_are_cached_by_version_and_gzipped_on_request,
    the_feed_gives_a_snapshot_then_only_what_changed,
    splits_merges_suspensions_and_cancellations_reach_the_feed,
    the_public_routes_have_their_own_rate_limit,
);

struct Hall {
    server: TestServer,
    http: Client,
}

impl Hall {
    async fn new(db: Db) -> Self {
        Self::with(db, Limits::default()).await
    }

    async fn with(db: Db, limits: Limits) -> Self {
        let server = TestServer::on_configured(db, limits, |c| c.catalogue_seed = false).await;
        let loaded = server.backend.seed_catalogue(services(SIZE), 1).await.expect("load the fixture");
        assert!(loaded);
        assert!(
            !server.backend.seed_catalogue(services(SIZE), 2).await.expect("again"),
            "a second load adds nothing"
        );
        // Bodies as sent: the compressed bytes are what these tests measure and decode.
        let http = Client::builder().no_gzip().build().expect("client");
        Self { server, http }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.server.url(path)).send().await.expect("request")
    }

    async fn json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("json")
    }

    async fn list(&self, query: &str) -> ServiceListResponse {
        self.json(&format!("/v1/services?{query}")).await
    }

    async fn changes(&self, since: u64, limit: u64) -> CatalogueChangesResponse {
        self.json(&format!("/v1/catalogue/changes?since={since}&limit={limit}")).await
    }

    /// The status and message of a refused request.
    async fn refused(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        let body: ErrorResponse = response.json().await.expect("an error body");
        assert!(matches!(body.error, ErrorCode::BadRequest | ErrorCode::NotFound | ErrorCode::Unavailable));
        (status, body.message)
    }

    async fn edit(&self, edit: CatalogueEdit) -> u64 {
        self.server.backend.change_service(edit, 10).await.expect("edit")
    }
}

/// A client's copy of the catalogue, kept as `docs/formats/catalogue.md` says: a reset empties
/// it; a change is applied only when its version is newer than the held one's.
#[derive(Debug, Default, Clone, PartialEq)]
struct ClientCopy {
    services: BTreeMap<String, ServiceDocument>,
    version: u64,
}

impl ClientCopy {
    fn apply(&mut self, page: &CatalogueChangesResponse) {
        if page.reset {
            self.services.clear();
        }
        for change in &page.changes {
            let held = self.services.get(&change.service.code).map_or(0, |s| s.version);
            if change.version > held {
                self.services.insert(change.service.code.clone(), change.service.clone());
            }
        }
        self.version = page.to;
    }

    /// Pulls until no more pages follow; returns the pages.
    async fn sync(&mut self, hall: &Hall, limit: u64) -> Vec<CatalogueChangesResponse> {
        let mut pages = Vec::new();
        loop {
            let page = hall.changes(self.version, limit).await;
            self.apply(&page);
            let more = page.more;
            pages.push(page);
            if !more {
                return pages;
            }
        }
    }

    /// The services that are not cancelled.
    fn live(&self) -> BTreeMap<String, ServiceDocument> {
        self.services
            .iter()
            .filter(|(_, s)| s.status != ServiceStatusDto::Cancelled)
            .map(|(c, s)| (c.clone(), s.clone()))
            .collect()
    }
}

async fn the_listing_pages_through_the_whole_catalogue_best_first(db: Db) {
    let hall = Hall::new(db).await;
    let mut seen = Vec::new();
    for offset in (0..SIZE + 20).step_by(20) {
        let page = hall.list(&format!("limit=20&offset={offset}")).await;
        assert_eq!(page.total, SIZE as u64, "total is the catalogue's size on every page");
        assert_eq!(page.catalogue_version, SIZE as u64);
        assert!(page.items.len() <= 20);
        seen.extend(page.items);
    }
    let mut codes: Vec<_> = seen.iter().map(|s| s.code.clone()).collect();
    assert_eq!(codes.len(), SIZE, "the pages together hold every service");
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), SIZE, "and none twice");
    let popularity = |code: &str| {
        services(SIZE).into_iter().find(|s| s.code == code).map(|s| s.popularity).expect("known")
    };
    for pair in seen.windows(2) {
        let (a, b) = (popularity(&pair[0].code), popularity(&pair[1].code));
        assert!(a > b || (a == b && pair[0].code < pair[1].code), "most popular first, then by code");
    }
    assert_eq!(seen[0].code, service(0).code, "the licence renewal is the most popular");
    assert_eq!(seen[0].name, "机动车驾驶证换证");
    assert_eq!(seen[0].department_key, "traffic");
    assert_eq!(seen[0].theme, "交通出行");
    assert_eq!(seen[0].item_type, "01");

    let hant = hall.list("lang=zh-Hant&limit=1").await;
    assert_eq!((hant.items[0].name.as_str(), hant.items[0].theme.as_str()), ("機動車駕駛證換證", "交通出行"));
    let en = hall.list("lang=en&limit=1").await;
    assert_eq!(en.items[0].name, "Driving licence renewal");
    assert_eq!(en.items[0].department, "Chaoyang Branch, Beijing Public Security Bureau");
    assert_eq!(en.items[0].theme, "Transport and driving");
    let past = hall.list("offset=1000").await;
    assert_eq!((past.total, past.items.len()), (SIZE as u64, 0), "past the end: an empty page, same total");
}

async fn facets_filter_and_count(db: Db) {
    let hall = Hall::new(db).await;
    let fixture = services(SIZE);
    let count = |f: &dyn Fn(&ServiceDocument) -> bool| fixture.iter().filter(|s| f(s)).count() as u64;

    let marriage = hall.list("theme=person:060&limit=100").await;
    assert_eq!(marriage.total, count(&|s| s.themes.contains(&"person:060".to_owned())));
    assert!(marriage.total > 0 && marriage.items.iter().all(|s| s.themes == ["person:060"]));
    let legal = hall.list("object=legal&limit=100").await;
    assert_eq!(legal.total, count(&|s| s.objects.contains(&2)));
    let online = hall.list("online=true&department=civil-affairs&limit=100").await;
    assert_eq!(online.total, count(&|s| s.flags.fully_online && s.organ.key == "civil-affairs"));
    assert!(online.items.iter().all(|s| s.online && s.department_key == "civil-affairs"));

    let all = hall.list("limit=1&lang=en").await;
    let facet = |list: &[shimin_wire::catalogue::FacetCount], key: &str| {
        list.iter().find(|f| f.key == key).map(|f| (f.name.clone(), f.count))
    };
    assert_eq!(
        facet(&all.facets.department, "traffic").map(|f| f.1),
        Some(count(&|s| s.organ.key == "traffic"))
    );
    assert_eq!(facet(&all.facets.theme, "person:060"), Some(("Marriage".to_owned(), marriage.total)));
    assert_eq!(facet(&all.facets.object, "legal").map(|f| f.1), Some(legal.total));
    assert_eq!(facet(&all.facets.online, "true").map(|f| f.1), Some(count(&|s| s.flags.fully_online)));
    let sum: u64 = all.facets.online.iter().map(|f| f.count).sum();
    assert_eq!(sum, SIZE as u64, "online and not online count every service once");
    let none = hall.list("theme=person:005").await;
    assert_eq!((none.total, none.items.len()), (0, 0), "a known theme with no services is an empty answer");
}

async fn bad_queries_get_a_400_that_says_why(db: Db) {
    let hall = Hall::new(db).await;
    let long = "驾".repeat(101);
    for (path, message) in [
        (format!("/v1/services?q={long}"), "q is longer than 100 characters"),
        ("/v1/services?theme=nope".to_owned(), "unknown theme"),
        ("/v1/services?theme=person:080".to_owned(), "unknown theme"),
        ("/v1/services?department=space-agency".to_owned(), "unknown department"),
        ("/v1/services?lang=fr".to_owned(), "lang must be zh-Hans, zh-Hant or en"),
        ("/v1/services?object=robot".to_owned(), "object must be person or legal"),
        ("/v1/services?online=yes".to_owned(), "online must be true or false"),
        ("/v1/services?limit=0".to_owned(), "limit must be a whole number from 1 to 100"),
        ("/v1/services?limit=101".to_owned(), "limit must be a whole number from 1 to 100"),
        ("/v1/services?offset=-1".to_owned(), "offset must be a whole number"),
        ("/v1/services?colour=red".to_owned(), "unknown query parameter"),
        ("/v1/services?theme=person:060&theme=person:095".to_owned(), "a query parameter is given twice"),
        ("/v1/catalogue/changes?since=abc".to_owned(), "since must be a catalogue version"),
        ("/v1/catalogue/changes?since=-1".to_owned(), "since must be a catalogue version"),
        ("/v1/catalogue/changes?since=007".to_owned(), "since must be a catalogue version"),
        ("/v1/catalogue/changes?since=46".to_owned(), "since is newer than the catalogue's version"),
        ("/v1/catalogue/changes?limit=0".to_owned(), "limit must be a plain decimal number from 1 to 1000"),
        ("/v1/catalogue/changes?cursor=1".to_owned(), "unknown query parameter"),
        ("/v1/services/not-a-code".to_owned(), "malformed service code"),
    ] {
        let (status, text) = hall.refused(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(text.starts_with(message), "{path}: {text}");
    }
    let exactly = hall.get(&format!("/v1/services?q={}", "驾".repeat(100))).await;
    assert_ne!(exactly.status(), StatusCode::BAD_REQUEST, "100 characters are allowed");
}

async fn a_guide_by_its_code(db: Db) {
    let hall = Hall::new(db).await;
    let guide: ServiceDocument = hall.json(&format!("/v1/services/{}", service(7).code)).await;
    assert_eq!(guide.version, 8, "the eighth service added");
    assert_eq!(ServiceDocument { version: 0, ..guide }, service(7), "the whole guide, as loaded");
    let unknown = format!("0109999000-110105-{}", service(0).organ.code);
    let (status, message) = hall.refused(&format!("/v1/services/{unknown}")).await;
    assert_eq!((status, message.as_str()), (StatusCode::NOT_FOUND, "service not found"));
    let wrong_check = service(0).code.replace("0017", "0018");
    let (status, _) = hall.refused(&format!("/v1/services/{wrong_check}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a credit code with a wrong check character is malformed");
}

async fn answers_are_cached_by_version_and_gzipped_on_request(db: Db) {
    let hall = Hall::new(db).await;
    for path in [
        "/v1/services?limit=5".to_owned(),
        format!("/v1/services/{}", service(3).code),
        "/v1/catalogue/changes?since=0".to_owned(),
    ] {
        let first = hall.get(&path).await;
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.headers()[CACHE_CONTROL], "public, max-age=60", "{path}");
        let etag = first.headers()[ETAG].to_str().expect("ascii").to_owned();
        assert!(etag.starts_with("W/\""), "{path}: {etag}");
        let again =
            hall.http.get(hall.server.url(&path)).header(IF_NONE_MATCH, &etag).send().await.expect("again");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.headers()[ETAG], etag.as_str());
        assert!(again.bytes().await.expect("body").is_empty());
        let other = hall
            .http
            .get(hall.server.url(&path))
            .header(IF_NONE_MATCH, "W/\"cat-1\"")
            .send()
            .await
            .expect("x");
        assert_eq!(other.status(), StatusCode::OK, "another tag is not a match");
    }
    // A change moves the listing's tag on.
    let before = hall.get("/v1/services").await.headers()[ETAG].clone();
    let mut changed = service(3);
    changed.popularity += 1;
    hall.edit(CatalogueEdit::Change(changed)).await;
    let after = hall
        .http
        .get(hall.server.url("/v1/services"))
        .header(IF_NONE_MATCH, before.clone())
        .send()
        .await
        .expect("after");
    assert_eq!(after.status(), StatusCode::OK, "a changed catalogue is sent again");
    assert_ne!(after.headers()[ETAG], before);

    // gzip for whoever asks, the same JSON inside.
    let plain = hall.get("/v1/catalogue/changes?since=0").await;
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    let plain = plain.bytes().await.expect("plain");
    let zipped = hall
        .http
        .get(hall.server.url("/v1/catalogue/changes?since=0"))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("gzip");
    assert_eq!(zipped.headers()[CONTENT_ENCODING], "gzip");
    let zipped = zipped.bytes().await.expect("gzip body");
    assert!(zipped.len() * 3 < plain.len(), "compressed: {} of {} bytes", zipped.len(), plain.len());
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..]).read_to_end(&mut unzipped).expect("a gzip stream");
    assert_eq!(unzipped, plain.to_vec());
}

async fn the_feed_gives_a_snapshot_then_only_what_changed(db: Db) {
    let hall = Hall::new(db).await;
    let first = hall.changes(0, 200).await;
    assert!(first.reset && !first.more);
    assert_eq!((first.since, first.to, first.head), (0, SIZE as u64, SIZE as u64));
    assert_eq!(first.changes.len(), SIZE);
    assert!(first.changes.iter().all(|c| c.op == ChangeOpDto::Add && c.service.version == c.version));

    // Pages of 10: the same copy as one page, and applying every page twice changes nothing.
    let mut paged = ClientCopy::default();
    let pages = paged.sync(&hall, 10).await;
    assert_eq!(pages.len(), 5, "45 services in pages of 10");
    assert!(pages[0].reset && pages[1..].iter().all(|p| !p.reset), "only the first page resets");
    let mut whole = ClientCopy::default();
    whole.apply(&first);
    assert_eq!(paged, whole);
    let mut twice = paged.clone();
    for page in &pages[1..] {
        twice.apply(page);
    }
    assert_eq!(twice, paged, "pages applied again change nothing");

    // One change: exactly that change after the held version.
    let mut changed = service(12);
    changed.popularity = 7;
    let head = hall.edit(CatalogueEdit::Change(changed.clone())).await;
    assert_eq!(head, SIZE as u64 + 1);
    let delta = hall.changes(head - 1, 200).await;
    assert!(!delta.reset && !delta.more);
    assert_eq!((delta.since, delta.to, delta.head), (head - 1, head, head));
    assert_eq!(delta.changes.len(), 1, "only the one change");
    assert_eq!((delta.changes[0].version, delta.changes[0].op), (head, ChangeOpDto::Change));
    assert_eq!(ServiceDocument { version: 0, ..delta.changes[0].service.clone() }, changed);
    // An old page after the new one does not undo it.
    paged.sync(&hall, 10).await;
    let held = paged.clone();
    paged.apply(&pages[2]);
    assert_eq!(paged.services, held.services, "an older change never overwrites a newer one");
    let up_to_date = hall.changes(head, 200).await;
    assert!(up_to_date.changes.is_empty() && up_to_date.to == head && !up_to_date.more);
}

async fn splits_merges_suspensions_and_cancellations_reach_the_feed(db: Db) {
    let hall = Hall::new(db).await;
    let mut client = ClientCopy::default();
    client.sync(&hall, 200).await;
    let start = client.version;

    let (a, b, c) = (service(100), service(101), service(102));
    hall.edit(CatalogueEdit::Split { code: service(3).code, into: vec![a.clone(), b.clone()] }).await;
    hall.edit(CatalogueEdit::Merge { codes: vec![service(4).code, service(5).code], into: c.clone() }).await;
    hall.edit(CatalogueEdit::Suspend(service(6).code)).await;
    let head = hall.edit(CatalogueEdit::Cancel(service(7).code)).await;
    assert_eq!(head, start + 8, "2 adds and a split, an add and two merges, a suspension, a cancellation");

    let feed = hall.changes(start, 200).await;
    let ops: Vec<_> = feed.changes.iter().map(|c| (c.op, c.service.code.clone())).collect();
    assert_eq!(
        ops,
        [
            (ChangeOpDto::Add, a.code.clone()),
            (ChangeOpDto::Add, b.code.clone()),
            (ChangeOpDto::Split, service(3).code),
            (ChangeOpDto::Add, c.code.clone()),
            (ChangeOpDto::Merge, service(4).code),
            (ChangeOpDto::Merge, service(5).code),
            (ChangeOpDto::Suspend, service(6).code),
            (ChangeOpDto::Cancel, service(7).code),
        ]
    );
    let split = &feed.changes[2].service;
    assert_eq!(
        (split.status, split.replaced_by.clone()),
        (ServiceStatusDto::Cancelled, vec![a.code.clone(), b.code.clone()])
    );
    assert_eq!(feed.changes[4].service.replaced_by, std::slice::from_ref(&c.code));
    assert_eq!(feed.changes[6].service.status, ServiceStatusDto::Suspended);
    assert_eq!(
        (feed.changes[7].service.status, feed.changes[7].service.replaced_by.len()),
        (ServiceStatusDto::Cancelled, 0)
    );

    // The client's copy after the changes equals a fresh snapshot; the listing shows the active.
    client.apply(&feed);
    let mut fresh = ClientCopy::default();
    fresh.sync(&hall, 200).await;
    assert_eq!(client.live(), fresh.services, "incremental and from scratch agree");
    assert_eq!(client.version, fresh.version);
    let listing = hall.list("limit=100").await;
    assert_eq!(listing.total, SIZE as u64 - 1 + 2 - 2 + 1 - 1 - 1);
    assert!(!listing.items.iter().any(|s| s.code == service(6).code), "a suspended service is not listed");
    let replaced: ServiceDocument = hall.json(&format!("/v1/services/{}", service(3).code)).await;
    assert_eq!(replaced.replaced_by, [a.code.clone(), b.code.clone()], "a replaced guide says by what");

    // Refused edits: a code taken, a service cancelled, a code unknown.
    let refused =
        |edit| async { hall.server.backend.change_service(edit, 11).await.expect_err("refused").to_string() };
    assert!(refused(CatalogueEdit::Add(a.clone())).await.contains("exists already"));
    assert!(refused(CatalogueEdit::Suspend(service(7).code)).await.contains("cancelled"));
    assert!(refused(CatalogueEdit::Cancel(service(200).code)).await.contains("not found"));
    assert_eq!(hall.server.backend.store.catalogue_head().await.expect("head"), head, "nothing written");
}

async fn the_public_routes_have_their_own_rate_limit(db: Db) {
    let limits = Limits { public_burst: 3, public_per_minute: 1, ..Limits::default() };
    let hall = Hall::with(db, limits).await;
    for _ in 0..3 {
        assert_eq!(hall.get("/v1/services?limit=1").await.status(), StatusCode::OK);
    }
    assert_eq!(hall.get("/v1/catalogue/changes").await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(hall.get("/healthz").await.status(), StatusCode::OK, "other routes are not limited by it");
    let doc: serde_json::Value = hall.json("/openapi.json").await;
    for path in ["/v1/services", "/v1/services/{code}", "/v1/catalogue/changes"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} is described");
        assert!(
            doc["paths"][path]["get"]
                .get("security")
                .is_none_or(|s| s.as_array().is_some_and(|a| a.is_empty())),
            "{path} is public"
        );
    }
}

/// The figures of issue 16: the first download of the whole catalogue, gzipped, over all its
/// pages, and the bytes of a one-service change. Run with `--nocapture` to read them.
#[tokio::test]
async fn first_download_and_one_change_figures() {
    let hall = Hall::new(Db::Sqlite).await;
    let gzipped = |path: String| {
        let http = hall.http.clone();
        let url = hall.server.url(&path);
        async move {
            let response = http.get(url).header(ACCEPT_ENCODING, "gzip").send().await.expect("get");
            assert_eq!(response.status(), StatusCode::OK);
            let zipped = response.bytes().await.expect("body").to_vec();
            let mut json = Vec::new();
            flate2::read::GzDecoder::new(&zipped[..]).read_to_end(&mut json).expect("gzip");
            (zipped.len(), serde_json::from_slice::<CatalogueChangesResponse>(&json).expect("a page"))
        }
    };
    let (mut since, mut total, mut services, mut pages) = (0, 0, 0, 0);
    loop {
        let (bytes, page) = gzipped(format!("/v1/catalogue/changes?since={since}")).await;
        total += bytes;
        services += page.changes.len();
        pages += 1;
        since = page.to;
        if !page.more {
            break;
        }
    }
    println!("first download: {services} services in {pages} pages, {total} bytes gzipped");
    assert_eq!(services, SIZE);
    assert!(total < 2_000_000, "the first download is {total} bytes");
    let mut changed = service(9);
    changed.popularity += 1;
    let head = hall.edit(CatalogueEdit::Change(changed)).await;
    let (bytes, page) = gzipped(format!("/v1/catalogue/changes?since={}", head - 1)).await;
    assert_eq!(page.changes.len(), 1);
    println!("one-service change: {bytes} bytes gzipped");
}
