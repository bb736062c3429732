//! One storage test suite, run against SQLite and against a real PostgreSQL: one part per
//! area of the store, in the file of that name, run in one order on one database.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

mod applications;
mod catalogue;
#[path = "../common/mod.rs"]
mod common;
mod devices;
mod issuance;
mod liveness;
mod registry;
mod sync;

use std::sync::Arc;

use shimin_backend::store::{CitizenRecord, DeviceRecord, EventKind, NewCertificate, NewEvent, Store};

use self::applications::{
    a_corrupt_application_is_an_error, applications_and_their_queues, applications_awaiting_a_due_date,
};
use self::catalogue::{a_corrupt_row_is_an_error, catalogue_versions_and_feed};
use self::devices::{devices_and_challenges, staff_and_tokens};
use self::issuance::{certificates_and_status_lists, departments_keys_and_documents};
use self::liveness::liveness_checks_and_cases;
use self::registry::registry;
use self::sync::feed_and_outbox;

const ZHANG: &str = "11010519491231002X";
const LI: &str = "420106199003071234";
const DEPT: &str = "111101050000000017";

fn citizen(id: &str, name: &str) -> CitizenRecord {
    CitizenRecord {
        id_number: id.into(),
        name: name.into(),
        ethnicity: 1,
        address: "某街1号".into(),
        household_number: None,
        relation: "01".into(),
        photo: None,
    }
}

fn new_cert(holder: &str, capacity: i64) -> NewCertificate {
    NewCertificate {
        request_key: None,
        citizen_id_number: holder.into(),
        department_code: DEPT.into(),
        type_slug: "resident-id-card".into(),
        serial: None,
        version: 0,
        valid_from: "2024-06-01".into(),
        valid_until: Some("2034-05-31".into()),
        expires_at: Some(2_032_358_400),
        fields_json: "{\"type\":\"resident-id-card\"}".into(),
        issued_at: 1_717_200_000,
        replaces: None,
        status_list_capacity: capacity,
    }
}

fn device(holder: &str, key: u8) -> DeviceRecord {
    DeviceRecord {
        id: 0,
        citizen_id_number: holder.into(),
        public_key: vec![4, key, key],
        label: "phone".into(),
        created_at: 100,
        removed_at: None,
    }
}

fn event(holder: &str, device_id: Option<i64>, kind: EventKind, certificate_id: Option<i64>) -> NewEvent {
    NewEvent {
        citizen_id_number: holder.into(),
        device_id,
        kind,
        certificate_id,
        status: None,
        message: Some("消息".into()),
        created_at: 200,
    }
}

/// The whole suite, in an order where each part finds what the previous parts left.
async fn suite(store: Arc<dyn Store>) {
    registry(store.as_ref()).await;
    departments_keys_and_documents(store.as_ref()).await;
    staff_and_tokens(store.as_ref()).await;
    certificates_and_status_lists(store.as_ref()).await;
    devices_and_challenges(store.as_ref()).await;
    feed_and_outbox(store.as_ref()).await;
    liveness_checks_and_cases(store.as_ref()).await;
    catalogue_versions_and_feed(store.as_ref()).await;
    applications_and_their_queues(store.as_ref()).await;
    applications_awaiting_a_due_date(store.as_ref()).await;
}

#[tokio::test]
async fn sqlite_store_passes_the_suite() {
    let dir = common::temp_dir("suite");
    let url = format!("sqlite://{}", dir.path().join("suite.db").display());
    let store = url.parse::<shimin_backend::store::DatabaseUrl>().expect("url").open().await.expect("open");
    suite(store.clone()).await;
    let spoil = rusqlite::Connection::open(dir.path().join("suite.db")).expect("open the file");
    spoil.execute(catalogue::SPOIL, []).expect("spoil a row");
    a_corrupt_row_is_an_error(store.as_ref()).await;
    spoil.execute(applications::SPOIL, []).expect("spoil an application");
    a_corrupt_application_is_an_error(store.as_ref()).await;
}

#[tokio::test]
async fn postgres_store_passes_the_suite() {
    let pg = common::Postgres::start();
    let url = pg.url.parse::<shimin_backend::store::DatabaseUrl>().expect("url");
    let store = url.open().await.expect("connect and migrate");
    // Opening again migrates nothing and keeps working.
    let again = url.open().await.expect("reopen");
    suite(store.clone()).await;
    assert_eq!(again.count_citizens().await.expect("count"), 3);
    let (client, connection) =
        tokio_postgres::connect(&pg.url, tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(connection);
    client.execute(catalogue::SPOIL, &[]).await.expect("spoil a row");
    a_corrupt_row_is_an_error(store.as_ref()).await;
    client.execute(applications::SPOIL, &[]).await.expect("spoil an application");
    a_corrupt_application_is_an_error(store.as_ref()).await;
}
