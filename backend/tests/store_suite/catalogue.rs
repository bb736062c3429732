//! The catalogue area: the version counter, services written at their versions, the feed with
//! its snapshot, and the compare-and-set that loads a seed once.

use shimin_backend::store::{CatalogueOp, NewCatalogueChange, Store, StoreError};
use shimin_core::catalogue::guide::ServiceStatus;
use shimin_wire::catalogue::ServiceStatusDto;

use crate::common::catalogue::parsed;

fn add(n: usize) -> NewCatalogueChange {
    NewCatalogueChange { op: CatalogueOp::Add, service: parsed(n) }
}

/// (version, op, code) of a page, to compare in one line.
fn page_of(page: &shimin_backend::store::CataloguePage) -> Vec<(u64, CatalogueOp, String)> {
    page.changes.iter().map(|c| (c.version, c.op, c.service.code.to_string())).collect()
}

pub(crate) async fn catalogue_versions_and_feed(store: &dyn Store) {
    assert_eq!(store.catalogue_head().await.expect("head"), 0, "a new catalogue is at version 0");
    assert!(store.catalogue_services().await.expect("services").is_empty());
    let empty = store.catalogue_changes(0, 10, true).await.expect("empty feed");
    assert_eq!((empty.head, empty.changes.len()), (0, 0));

    // The seed: three adds in one transaction, only while the head is 0.
    let head = store.apply_catalogue_changes(vec![add(0), add(1), add(2)], Some(0), 100).await.expect("seed");
    assert_eq!(head, Some(3), "one version per service");
    let again = store.apply_catalogue_changes(vec![add(3)], Some(0), 100).await.expect("seed again");
    assert_eq!(again, None, "a second seed finds the head moved and writes nothing");
    assert_eq!(store.catalogue_head().await.expect("head"), 3);
    assert_eq!(store.catalogue_service(&parsed(3).code.to_string()).await.expect("read"), None);

    let (s0, s1, s2) = (parsed(0).code.to_string(), parsed(1).code.to_string(), parsed(2).code.to_string());
    let stored = store.catalogue_service(&s1).await.expect("read").expect("stored");
    assert_eq!(stored.version, 2, "written at its version");
    assert_eq!(stored.document().version, 2, "the document carries it too");
    assert_eq!(stored.clone().at_version(0), parsed(1), "and is otherwise the service as given");
    let all = store.catalogue_services().await.expect("all");
    assert_eq!(all.len(), 3);

    // A change writes the service at a new version; the feed shows it once, at its newest.
    let mut changed = parsed(1).into_document();
    changed.popularity = 999_999;
    let changed = shimin_core::catalogue::guide::Service::parse(changed).expect("valid");
    let head = store
        .apply_catalogue_changes(
            vec![NewCatalogueChange { op: CatalogueOp::Change, service: changed }],
            None,
            200,
        )
        .await
        .expect("change");
    assert_eq!(head, Some(4));
    let feed = store.catalogue_changes(0, 10, false).await.expect("feed");
    assert_eq!(feed.head, 4);
    assert_eq!(
        page_of(&feed),
        [
            (1, CatalogueOp::Add, s0.clone()),
            (3, CatalogueOp::Add, s2.clone()),
            (4, CatalogueOp::Change, s1.clone())
        ],
        "the add of version 2 was overwritten by the change of version 4"
    );
    assert_eq!(feed.changes[2].service.popularity, 999_999);
    assert_eq!(
        page_of(&store.catalogue_changes(3, 10, false).await.expect("since 3")),
        [(4, CatalogueOp::Change, s1.clone())]
    );
    assert_eq!(
        page_of(&store.catalogue_changes(0, 1, false).await.expect("one")),
        [(1, CatalogueOp::Add, s0.clone())]
    );
    assert!(store.catalogue_changes(4, 10, false).await.expect("up to date").changes.is_empty());

    // A cancel: in the feed as a cancel, left out of a snapshot.
    let mut cancelled = parsed(2).into_document();
    cancelled.status = ServiceStatusDto::Cancelled;
    let cancelled = shimin_core::catalogue::guide::Service::parse(cancelled).expect("valid");
    store
        .apply_catalogue_changes(
            vec![NewCatalogueChange { op: CatalogueOp::Cancel, service: cancelled }],
            Some(4),
            300,
        )
        .await
        .expect("cancel");
    let since = store.catalogue_changes(4, 10, false).await.expect("since 4");
    assert_eq!(page_of(&since), [(5, CatalogueOp::Cancel, s2.clone())]);
    assert_eq!(since.changes[0].service.status, ServiceStatus::Cancelled);
    let snapshot = store.catalogue_changes(0, 10, true).await.expect("snapshot");
    assert_eq!(snapshot.head, 5);
    assert_eq!(
        page_of(&snapshot),
        [(1, CatalogueOp::Add, s0), (4, CatalogueOp::Add, s1)],
        "a snapshot: the services that are not cancelled, each as an add at its version"
    );
}

/// After the suite: a row the test spoiled by hand is an error, never a service.
pub(crate) async fn a_corrupt_row_is_an_error(store: &dyn Store) {
    let code = parsed(0).code.to_string();
    assert!(matches!(store.catalogue_service(&code).await, Err(StoreError::Corrupt(_))), "read by code");
    assert!(matches!(store.catalogue_services().await, Err(StoreError::Corrupt(_))), "read whole");
    assert!(matches!(store.catalogue_changes(0, 10, false).await, Err(StoreError::Corrupt(_))), "the feed");
}

/// The statement that spoils the fixture's first service (its document no longer parses).
pub(crate) const SPOIL: &str =
    "UPDATE catalogue_service SET document = '{\"code\": \"nonsense\"}' WHERE version = 1";
