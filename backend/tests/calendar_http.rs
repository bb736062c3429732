//! The working-day calendar over real HTTP (issue 17, item 4): `GET /v1/calendar/due` and
//! `GET /v1/calendar/days` on a server on 127.0.0.1, their refusals, their rate limit, and a
//! year's notice loaded from the operator's directory at start. The calendar reads no database:
//! these run on SQLite only.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use common::{Db, TestServer};
use reqwest::header::CACHE_CONTROL;
use reqwest::{Client, StatusCode};
use shimin_backend::server::Limits;
use shimin_wire::backend::ErrorResponse;
use shimin_wire::calendar::{CalendarDaysResponse, DayKindView, DueResponse};
use shimin_wire::error::ErrorCode;

async fn server_with(configure: impl FnOnce(&mut shimin_backend::service::Config)) -> TestServer {
    TestServer::on_configured(Db::Sqlite, Limits::default(), |c| {
        c.catalogue_seed = false;
        configure(c);
    })
    .await
}

async fn get(server: &TestServer, path: &str) -> reqwest::Response {
    Client::new().get(server.url(path)).send().await.expect("request")
}

async fn ok<T: serde::de::DeserializeOwned>(server: &TestServer, path: &str) -> T {
    let response = get(server, path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.json().await.expect("json")
}

async fn refused(server: &TestServer, path: &str) -> String {
    let response = get(server, path).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "GET {path}");
    let body: ErrorResponse = response.json().await.expect("error body");
    assert_eq!(body.error, ErrorCode::BadRequest, "GET {path}");
    body.message
}

#[tokio::test]
async fn the_issues_example_and_counts_across_a_year_end() {
    let server = server_with(|_| {}).await;
    let response = get(&server, "/v1/calendar/due?from=2026-02-13&working_days=5").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get(CACHE_CONTROL).and_then(|v| v.to_str().ok()),
        Some("public, max-age=3600")
    );
    let due: DueResponse = response.json().await.expect("json");
    assert_eq!(due, DueResponse { from: "2026-02-13".into(), working_days: 5, due: "2026-02-27".into() });

    // The raw JSON, as a client in another language sees it.
    let raw: serde_json::Value = ok(&server, "/v1/calendar/due?working_days=2&from=2018-12-28").await;
    assert_eq!(raw, serde_json::json!({"from": "2018-12-28", "working_days": 2, "due": "2019-01-02"}));
    let zero: DueResponse = ok(&server, "/v1/calendar/due?from=2026-02-15&working_days=0").await;
    assert_eq!(zero.due, "2026-02-15");
    let long: DueResponse = ok(&server, "/v1/calendar/due?from=2004-01-02&working_days=1000").await;
    assert_eq!(long.due, "2007-12-27");

    // Both routes are described, as public, in the OpenAPI document.
    let doc: serde_json::Value = ok(&server, "/openapi.json").await;
    for route in ["/v1/calendar/due", "/v1/calendar/days"] {
        let get = &doc["paths"][route]["get"];
        assert!(get.is_object(), "{route} in /openapi.json");
        assert!(get["security"].as_array().is_none_or(Vec::is_empty), "{route} is public: {get}");
    }
}

#[tokio::test]
async fn the_days_of_a_span_say_what_each_day_is() {
    let server = server_with(|_| {}).await;
    let days: CalendarDaysResponse = ok(&server, "/v1/calendar/days?from=2026-02-13&to=2026-02-24").await;
    assert_eq!((days.from.as_str(), days.to.as_str(), days.days.len()), ("2026-02-13", "2026-02-24", 12));
    let kinds: Vec<(&str, bool, DayKindView)> =
        days.days.iter().map(|d| (d.date.as_str(), d.working, d.kind)).collect();
    assert_eq!(kinds[0], ("2026-02-13", true, DayKindView::Workday));
    assert_eq!(kinds[1], ("2026-02-14", true, DayKindView::Makeup));
    for day in &days.days[2..11] {
        assert_eq!((day.working, day.kind), (false, DayKindView::Holiday), "{}", day.date);
        let name = day.holiday.as_ref().expect("named");
        assert_eq!(
            (name.hans.as_str(), name.hant.as_deref(), name.en.as_deref()),
            ("春节", Some("春節"), Some("Spring Festival"))
        );
    }
    assert_eq!(kinds[11], ("2026-02-24", true, DayKindView::Workday));
    assert_eq!(
        days.days[1].holiday.as_ref().map(|h| h.hans.as_str()),
        Some("春节"),
        "the make-up day's holiday"
    );
    let weekend: CalendarDaysResponse = ok(&server, "/v1/calendar/days?from=2026-03-07&to=2026-03-07").await;
    assert_eq!((weekend.days[0].working, weekend.days[0].kind), (false, DayKindView::Weekend));
    assert!(weekend.days[0].holiday.is_none());
    // A whole leap year is within the cap.
    let year: CalendarDaysResponse = ok(&server, "/v1/calendar/days?from=2024-01-01&to=2024-12-31").await;
    assert_eq!(year.days.len(), 366);
    assert_eq!(year.days.iter().filter(|d| d.working).count(), 251);
}

#[tokio::test]
async fn bad_questions_get_a_400_naming_the_parameter() {
    let server = server_with(|_| {}).await;
    let due = "/v1/calendar/due";
    for (query, message) in [
        ("from=2026-02-13", "working_days is missing"),
        ("working_days=5", "from is missing"),
        ("from=2026-02-13&working_days=5&from=2026-02-14", "from is given twice"),
        ("from=2026-02-13&working_days=5&working_days=6", "working_days is given twice"),
        ("from=2026-02-13&working_days=5&lang=en", "unknown parameter: only from and working_days are read"),
        ("from=2026-2-13&working_days=5", "from must be a date YYYY-MM-DD"),
        ("from=2026-02-30&working_days=5", "from must be a date YYYY-MM-DD"),
        ("from=yesterday&working_days=5", "from must be a date YYYY-MM-DD"),
        ("from=2026-02-13&working_days=-1", "working_days must be a whole number from 0 to 1000"),
        ("from=2026-02-13&working_days=five", "working_days must be a whole number from 0 to 1000"),
        ("from=2026-02-13&working_days=1001", "working_days must be a whole number from 0 to 1000"),
        (
            "from=2026-02-13&working_days=18446744073709551617",
            "working_days must be a whole number from 0 to 1000",
        ),
        ("from=2026-02-13&working_days=2.5", "working_days must be a whole number from 0 to 1000"),
        ("from=2003-12-31&working_days=1", "from is in a year the working-day calendar does not cover"),
        ("from=2027-01-04&working_days=1", "from is in a year the working-day calendar does not cover"),
        (
            "from=2026-12-01&working_days=100",
            "working_days: the count runs past the years the working-day calendar covers",
        ),
    ] {
        assert_eq!(refused(&server, &format!("{due}?{query}")).await, message, "{query}");
    }
    let days = "/v1/calendar/days";
    for (query, message) in [
        ("from=2026-02-13", "to is missing"),
        ("from=2026-02-13&to=2026-02-12", "to is before from"),
        ("from=2025-01-01&to=2026-01-02", "from and to span more than 366 days"),
        ("from=2026-12-30&to=2027-01-02", "to is in a year the working-day calendar does not cover"),
        ("from=2003-12-30&to=2004-01-02", "from is in a year the working-day calendar does not cover"),
        ("from=2026-02-13&to=2026-02-14&working_days=1", "unknown parameter: only from and to are read"),
    ] {
        assert_eq!(refused(&server, &format!("{days}?{query}")).await, message, "{query}");
    }
}

/// A 2027 notice as an operator would drop it into the directory (a test file, shared with
/// core's loader test).
const NOTICE_2027: &str = include_str!("../../core/tests/vectors/calendar/test-notice-2027.toml");

#[tokio::test]
async fn a_year_loaded_from_the_directory_answers() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("2027.toml"), NOTICE_2027).expect("write");
    std::fs::write(dir.path().join("README.txt"), "not a notice: ignored").expect("write");
    let path = dir.path().to_path_buf();
    let server = server_with(|c| c.calendar_dir = Some(path)).await;
    let due: DueResponse = ok(&server, "/v1/calendar/due?from=2026-12-31&working_days=1").await;
    assert_eq!(due.due, "2027-01-04");
    let days: CalendarDaysResponse = ok(&server, "/v1/calendar/days?from=2026-12-26&to=2027-01-01").await;
    assert_eq!(days.days[0].kind, DayKindView::Makeup, "the 2027 notice reaches back into December 2026");
    assert_eq!(days.days[6].kind, DayKindView::Holiday);
    // The embedded years still answer as before.
    let example: DueResponse = ok(&server, "/v1/calendar/due?from=2026-02-13&working_days=5").await;
    assert_eq!(example.due, "2026-02-27");
    // And the backend's own deadlines count with the same calendar.
    use shimin_core::calendar::WorkingDays;
    let d = |y, m, d| {
        time::Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), d).expect("date")
    };
    assert_eq!(server.backend.calendar().due(d(2026, 12, 31), 1), Ok(d(2027, 1, 4)));
}

#[tokio::test]
async fn a_refused_or_replacing_file_in_the_directory_stops_the_start() {
    use shimin_backend::service::{Backend, Config};
    let store = || async {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
        let store =
            url.parse::<shimin_backend::store::DatabaseUrl>().expect("url").open().await.expect("open");
        (dir, store)
    };
    // A make-up "working day" on a Friday: refused, and the backend does not start.
    let bad = tempfile::tempdir().expect("dir");
    std::fs::write(bad.path().join("2027.toml"), NOTICE_2027.replace("2026-12-26", "2026-12-25"))
        .expect("write");
    let (_db, s) = store().await;
    let config =
        Config { calendar_dir: Some(bad.path().to_path_buf()), catalogue_seed: false, ..Config::default() };
    assert!(Backend::new(s, config).await.is_err(), "a refused notice file stops the start");
    // A second file for an embedded year, without `supersedes = true`: refused too.
    let again = tempfile::tempdir().expect("dir");
    let text_2026 = include_str!("../../core/data/calendar/2026.toml");
    std::fs::write(again.path().join("2026.toml"), text_2026).expect("write");
    let (_db, s) = store().await;
    let config =
        Config { calendar_dir: Some(again.path().to_path_buf()), catalogue_seed: false, ..Config::default() };
    assert!(Backend::new(s, config).await.is_err(), "an embedded year is not silently replaced");
    // With `supersedes = true` it replaces the year: here, a corrected 2026 without the make-up
    // Saturday of 14 February.
    let corrected = text_2026.replacen("format = 1", "format = 1\nsupersedes = true", 1).replacen(
        "[[makeup]]\ndate = 2026-02-14  # 星期六\nholiday = \"春节\"\n",
        "",
        1,
    );
    std::fs::write(again.path().join("2026.toml"), corrected).expect("write");
    let path = again.path().to_path_buf();
    let server = server_with(|c| c.calendar_dir = Some(path)).await;
    let due: DueResponse = ok(&server, "/v1/calendar/due?from=2026-02-13&working_days=5").await;
    // Without Saturday 14 February the fifth working day is the next one after Friday 27
    // February: Saturday 28 February, the notice's other make-up day.
    assert_eq!(due.due, "2026-02-28");
}

#[tokio::test]
async fn the_calendar_is_rate_limited_per_source() {
    let limits = Limits { public_burst: 3, public_per_minute: 1, ..Limits::default() };
    let server = TestServer::on_configured(Db::Sqlite, limits, |c| c.catalogue_seed = false).await;
    for _ in 0..3 {
        assert_eq!(
            get(&server, "/v1/calendar/due?from=2026-02-13&working_days=5").await.status(),
            StatusCode::OK
        );
    }
    let response = get(&server, "/v1/calendar/days?from=2026-02-13&to=2026-02-14").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}
