//! Attack test of issue 15, finding 13: on PostgreSQL a feed event's `seq` comes from an
//! identity column, drawn when the row is inserted, not when its transaction commits. Two
//! transactions writing to one citizen's feed can commit in the reverse order of their numbers;
//! a device that pulls between the two commits moves its cursor past the number of the event
//! not yet visible, and never sees it. Whoever can make one write slow (a busy disk, a long
//! issuance) makes a revocation or a new certificate silently miss a device.
//!
//! The test stalls the first of two real store transactions between its insert and its commit
//! (a trigger waits for a lock the test holds), lets the second commit, pulls, releases the
//! first, and pulls again from the cursor: both events must have been seen. SQLite has one
//! writer, so its transactions cannot overlap and the race does not exist there.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod common;

use std::time::Duration;

use common::Postgres;
use shimin_backend::store::{EventKind, NewEvent, Store};

/// 张伟 of the demo data.
const ZHANG: &str = "420106199003071238";
/// The advisory lock the stalling trigger waits for.
const STALL_LOCK: i64 = 4_242;

fn notification(message: &str) -> NewEvent {
    NewEvent {
        citizen_id_number: ZHANG.to_owned(),
        device_id: None,
        kind: EventKind::Notification,
        certificate_id: None,
        status: None,
        message: Some(message.to_owned()),
        created_at: 1_700_000_000,
    }
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(connection);
    client
}

/// Waits until `n` lock requests of the database are waiting.
async fn waiting_locks(probe: &tokio_postgres::Client, n: i64) {
    for _ in 0..500 {
        let waiting: i64 = probe
            .query_one("SELECT count(*) FROM pg_locks WHERE NOT granted", &[])
            .await
            .expect("pg_locks")
            .get(0);
        if waiting >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{n} waiting lock requests never appeared");
}

async fn messages(store: &dyn Store, after: i64) -> (Vec<String>, i64) {
    let events = store.events(ZHANG, 1, after, 100).await.expect("events");
    let cursor = events.last().map_or(after, |e| e.seq);
    (events.into_iter().filter_map(|e| e.message).collect(), cursor)
}

#[tokio::test]
async fn events_committed_out_of_order_are_not_skipped_by_the_cursor() {
    let postgres = Postgres::start();
    let url = postgres.create_database().await;
    let store = url.parse::<shimin_backend::store::DatabaseUrl>().expect("url").open().await.expect("open");

    // Fault injection: an event whose text is "stalled" waits, inside its transaction and after
    // its insert, for a lock the test holds — a slow commit.
    let control = connect(&url).await;
    control
        .batch_execute(&format!(
            "CREATE FUNCTION stall_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
               IF NEW.message = 'stalled' THEN PERFORM pg_advisory_xact_lock_shared({STALL_LOCK}); END IF; \
               RETURN NEW; END $$; \
             CREATE TRIGGER stall_event AFTER INSERT ON event FOR EACH ROW EXECUTE FUNCTION stall_event(); \
             SELECT pg_advisory_lock({STALL_LOCK});"
        ))
        .await
        .expect("install the stall");
    let probe = connect(&url).await;

    let first = tokio::spawn({
        let store = store.clone();
        async move { store.append_event(notification("stalled")).await }
    });
    waiting_locks(&probe, 1).await;
    let second = tokio::spawn({
        let store = store.clone();
        async move { store.append_event(notification("quick")).await }
    });
    // The second write either commits now (numbered after the stalled one) or waits its turn.
    for _ in 0..500 {
        let waiting: i64 = probe
            .query_one("SELECT count(*) FROM pg_locks WHERE NOT granted", &[])
            .await
            .expect("pg_locks")
            .get(0);
        if second.is_finished() || waiting >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // A device pulls while the first transaction is still open.
    let (early, cursor) = messages(store.as_ref(), 0).await;

    control.execute("SELECT pg_advisory_unlock($1)", &[&STALL_LOCK]).await.expect("release");
    first.await.expect("join").expect("stalled append");
    second.await.expect("join").expect("quick append");

    let (late, _) = messages(store.as_ref(), cursor).await;
    let mut seen: Vec<String> = early.iter().chain(&late).cloned().collect();
    seen.sort();
    assert_eq!(
        seen,
        ["quick", "stalled"],
        "the device saw {early:?} first, then {late:?} after its cursor: an event was skipped"
    );
}
