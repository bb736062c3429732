//! The app's offline search, in the app process: a `catalogue.db` holding 10,000 services (the
//! seed catalogue copied over Beijing's districts), opened by the app's own `WalletState`, then
//! every query of the search evaluation (colloquial, Traditional, English, pinyin, typos, 610 in
//! all) through `search_services` — the whole command: the shared index, paging, facet names and
//! the rows in the user's language. Prints p50/p95/max per query and what loading took.
//!
//! `cargo bench -p shimin-app --bench hall_search` (goal: p95 < 30 ms)

#![allow(clippy::expect_used, clippy::panic)] // Benchmark code.

use std::time::{Duration, Instant};

use shimin_app::wallet::{CATALOGUE_FILE, WalletState};
use shimin_core::catalogue::guide::Service;
use shimin_core::catalogue::sync::{CataloguePage, CatalogueStore, ChangeOp};
use shimin_store::catalogue::CatalogueDb;
use shimin_store::schema;
use shimin_wire::hall::SearchServicesRequest;
use shimin_wire::wallet::Language;

const SERVICES: usize = 10_000;
const ROUNDS: usize = 5;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let dir = tempfile::tempdir().expect("dir");
    let started = Instant::now();
    let services: Vec<Service> = shimin_catalogue_seed::generated(SERVICES)
        .expect("generated services")
        .into_iter()
        .enumerate()
        .map(|(i, mut d)| {
            d.version = i as u64 + 1;
            Service::parse(d).expect("a service")
        })
        .collect();
    let conn = schema::open_file(&dir.path().join(CATALOGUE_FILE)).expect("file");
    let mut db = CatalogueDb::open(conn).expect("catalogue");
    let page = CataloguePage {
        to: SERVICES as u64,
        head: SERVICES as u64,
        more: false,
        reset: true,
        changes: services.into_iter().map(|s| (ChangeOp::Add, s)).collect(),
    };
    db.apply_catalogue_page(&page).expect("stored");
    drop(db);
    println!("stored {SERVICES} services in {:.1} s", started.elapsed().as_secs_f64());

    let state = WalletState::in_dir(dir.path().to_owned(), None);
    let queries: Vec<String> = [
        include_str!("../../search/tests/eval/queries.tsv"),
        include_str!("../../search/tests/eval/heldout.tsv"),
    ]
    .iter()
    .flat_map(|f| f.lines())
    .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    .filter_map(|l| l.split('\t').next().map(str::to_owned))
    .collect();
    let request = |q: &str| SearchServicesRequest {
        q: q.to_owned(),
        theme: None,
        department: None,
        audience: None,
        online: None,
        limit: 20,
        offset: 0,
        language: Language::ZhHans,
    };
    let loading = Instant::now();
    let first = state.search_services(&request("驾照")).expect("first search");
    println!(
        "first search (loading the file, parsing every guide, building the index): {:.2} s, {} matches",
        loading.elapsed().as_secs_f64(),
        first.total
    );

    let mut times = Vec::with_capacity(queries.len() * ROUNDS);
    for _ in 0..ROUNDS {
        for q in &queries {
            let t = Instant::now();
            let page = state.search_services(&request(q)).expect("search");
            times.push(t.elapsed());
            std::hint::black_box(page);
        }
    }
    times.sort();
    println!(
        "search_services over {SERVICES} services, {} queries × {ROUNDS}: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        queries.len(),
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    );
}
