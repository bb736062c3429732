//! The catalogue feed's cursor against commit order (issue 16, in the spirit of
//! `sync_cursor.rs`): a client that holds version V asks for the changes after V, and must
//! never step over a version that commits later. On PostgreSQL two changes can be in flight at
//! once; if a later version could become visible before an earlier one, a client reading
//! between the two commits would move its cursor past the earlier version and never see that
//! change (a service changed for everyone but the app).
//!
//! The test stalls the first of two real store transactions after it drew its version and
//! wrote its rows (a trigger waits for a lock the test holds), starts the second, reads the
//! feed, releases the first, and reads again from the cursor: both changes must have been
//! seen. SQLite has one writer, so its transactions cannot overlap and the race does not exist
//! there.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod common;

use std::time::Duration;

use common::Postgres;
use common::catalogue::parsed;
use shimin_backend::store::{CatalogueOp, NewCatalogueChange, Store};

/// The advisory lock the stalling trigger waits for.
const STALL_LOCK: i64 = 4_243;

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
}

async fn waiting_locks(probe: &tokio_postgres::Client) -> i64 {
    probe.query_one("SELECT count(*) FROM pg_locks WHERE NOT granted", &[]).await.expect("pg_locks").get(0)
}

/// The codes the feed shows after `since`, and the cursor a client keeps (the page's head: the
/// page is never full here).
async fn pull(store: &dyn Store, since: u64) -> (Vec<String>, u64) {
    let page = store.catalogue_changes(since, 1_000, false).await.expect("feed");
    (page.changes.iter().map(|c| c.service.code.to_string()).collect(), page.head)
}

fn add(n: usize) -> NewCatalogueChange {
    NewCatalogueChange { op: CatalogueOp::Add, service: parsed(n) }
}

#[tokio::test]
async fn changes_committed_out_of_order_are_not_skipped_by_the_cursor() {
    let postgres = Postgres::start();
    let url = postgres.create_database().await;
    let store = url.parse::<shimin_backend::store::DatabaseUrl>().expect("url").open().await.expect("open");
    store.apply_catalogue_changes(vec![add(0)], Some(0), 1).await.expect("a first service");
    let (_, cursor) = pull(store.as_ref(), 0).await;
    assert_eq!(cursor, 1);

    let stalled = parsed(1).code.to_string();
    let quick = parsed(2).code.to_string();
    // Fault injection: the change of the "stalled" service waits, inside its transaction and
    // after its version is drawn and its rows written, for a lock the test holds.
    let control = connect(&url).await;
    control
        .batch_execute(&format!(
            "CREATE FUNCTION stall_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
               IF NEW.code = '{stalled}' THEN PERFORM pg_advisory_xact_lock_shared({STALL_LOCK}); END IF; \
               RETURN NEW; END $$; \
             CREATE TRIGGER stall_change AFTER INSERT ON catalogue_change FOR EACH ROW \
               EXECUTE FUNCTION stall_change(); \
             SELECT pg_advisory_lock({STALL_LOCK});"
        ))
        .await
        .expect("install the stall");
    let probe = connect(&url).await;

    let first = tokio::spawn({
        let store = store.clone();
        async move { store.apply_catalogue_changes(vec![add(1)], None, 2).await }
    });
    for _ in 0..500 {
        if waiting_locks(&probe).await >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(waiting_locks(&probe).await >= 1, "the first change never stalled");
    let second = tokio::spawn({
        let store = store.clone();
        async move { store.apply_catalogue_changes(vec![add(2)], None, 3).await }
    });
    // The second change either commits now (a version after the stalled one's) or waits its turn.
    for _ in 0..500 {
        if second.is_finished() || waiting_locks(&probe).await >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // A client pulls while the first transaction is still open.
    let (early, cursor) = pull(store.as_ref(), cursor).await;

    control.execute("SELECT pg_advisory_unlock($1)", &[&STALL_LOCK]).await.expect("release");
    assert_eq!(first.await.expect("join").expect("stalled change"), Some(2));
    assert_eq!(second.await.expect("join").expect("quick change"), Some(3));

    let (late, head) = pull(store.as_ref(), cursor).await;
    let mut seen: Vec<String> = early.iter().chain(&late).cloned().collect();
    seen.sort();
    let mut both = vec![stalled, quick];
    both.sort();
    assert_eq!(
        seen, both,
        "the client saw {early:?} first, then {late:?} after its cursor: a change was skipped"
    );
    assert_eq!(head, 3);
}
