//! The search evaluation: citizen queries (colloquial, Traditional, English, pinyin, initials, one
//! typo, official) against the catalogue, top-3 ≥ 95 % on the tuning set and on the held-out set.
//!
//! `SHIMIN_EVAL_REPORT=1 cargo test -p shimin-search --test eval -- --nocapture` prints the tables
//! and every miss.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use shimin_search::eval::{EvalQuery, Report, evaluate, parse_corpus, parse_queries};
use shimin_search::{Document, Index, Synonyms};

/// The catalogue the evaluation runs on: the seed catalogue the backend serves (1,000 services
/// with realistic near-duplicates of the named ones), each parsed as the backend and the app
/// parse it and mapped into the index by the one shared mapping.
fn catalogue() -> Vec<Document> {
    let seed = shimin_catalogue_seed::catalogue().expect("the seed catalogue loads");
    seed.into_iter()
        .map(|d| {
            Document::from_service(
                &shimin_core::catalogue::guide::Service::parse(d).expect("a seed service parses"),
            )
        })
        .collect()
}

fn queries(file: &str) -> Vec<EvalQuery> {
    parse_queries(file).unwrap_or_default()
}

fn run(title: &str, file: &str, min_queries: usize) -> Report {
    let docs = catalogue();
    assert!(docs.len() >= 1_000, "the catalogue has {} services", docs.len());
    let qs = queries(file);
    assert!(qs.len() >= min_queries, "{title}: {} queries", qs.len());
    // Every expected name is a service of the catalogue: a typo in the file is not a miss.
    for q in &qs {
        for name in &q.expected {
            assert!(docs.iter().any(|d| d.name_hans == *name), "{title}: no service named {name}");
        }
    }
    let index = Index::build(docs.clone(), &Synonyms::builtin());
    let report = evaluate(&index, &docs, &qs);
    if std::env::var_os("SHIMIN_EVAL_REPORT").is_some() {
        println!("\n{}", report.markdown(title));
        for (q, got) in &report.misses {
            println!("miss: {q} → {}", got.join(" / "));
        }
    }
    for (category, rate) in &report.categories {
        println!(
            "{title} {category}: {} queries, top-1 {:.1} %, top-3 {:.1} %",
            rate.queries,
            100.0 * rate.top1_rate(),
            100.0 * rate.top3_rate()
        );
    }
    report
}

#[test]
fn the_files_parse() {
    assert!(parse_corpus(include_str!("eval/corpus.tsv")).is_ok());
    assert!(parse_queries(include_str!("eval/queries.tsv")).is_ok());
    assert!(parse_queries(include_str!("eval/heldout.tsv")).is_ok());
}

#[test]
fn tuning_set_top3_at_least_95_percent() {
    let report = run("queries", include_str!("eval/queries.tsv"), 300);
    assert!(
        report.overall.top3_rate() >= 0.95,
        "top-3 {:.3}: {:?}",
        report.overall.top3_rate(),
        report.misses
    );
}

#[test]
fn held_out_set_top3_at_least_95_percent() {
    let report = run("held-out", include_str!("eval/heldout.tsv"), 100);
    assert!(
        report.overall.top3_rate() >= 0.95,
        "top-3 {:.3}: {:?}",
        report.overall.top3_rate(),
        report.misses
    );
}
