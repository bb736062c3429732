//! 好差评 and rectifications over real HTTP (issue 17, item 7), on SQLite and on PostgreSQL: the
//! citizen rates their decided application once; a 差评 opens the department's ticket with its
//! deadlines in working days; the department calls back and reports, scoped to itself; the
//! citizen rates the rectification once. Every refusal — not the applicant, not yet decided, an
//! unknown tag, a second rating, another department, a report before the call-back, a second
//! rectification rating — answers with its reason and changes nothing.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use common::{Db, TestServer};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed::{self, POLICE_CODE};
use shimin_backend::server::Limits;
use shimin_backend::store::{NewApplication, Submitted};
use shimin_core::application::submission::ApplicationId;
use shimin_core::application::workflow::{Action, Actor, Application, Process, china_date};
use shimin_core::calendar::{Calendar, WorkingDays};
use shimin_core::catalogue::time_limit::{TimeLimit, TimeUnit};
use shimin_core::cert::CreditCode;
use shimin_wire::application::{
    RatingLevelDto, RatingView, RectificationRow, RectificationStateDto, RectificationView,
};
use shimin_wire::backend::ErrorResponse;
use shimin_wire::error::ErrorCode;
use shimin_wire::workflow::{ApplicationPhaseDto, TimelineView};

on_both_databases!(
    a_decided_application_is_rated_once_and_only_by_its_citizen,
    a_bad_rating_opens_a_ticket_the_department_works_and_the_citizen_rates_once
);

/// A seeded citizen, the applicant.
const CITIZEN: &str = "420106199003071238";
/// Another seeded citizen.
const OTHER: &str = "350102198506112347";

/// An application of CITIZEN to the police, in pre-review (put in the store directly).
async fn in_pre_review(server: &TestServer, n: u8) -> ApplicationId {
    let now = shimin_backend::now();
    let organ = CreditCode::parse(POLICE_CODE).expect("a credit code");
    let limit = TimeLimit::Within { amount: 5, unit: TimeUnit::WorkingDays };
    let (mut state, first) = Application::submitted(organ.clone(), Process::single(organ, limit), now);
    let mut events = vec![first];
    let calendar = Calendar::official().expect("calendar");
    events.extend(state.act(&Actor::System, Action::ChecksPassed, now, calendar).expect("checks"));
    let id = ApplicationId::parse(&format!("{n:02x}").repeat(16)).expect("an id");
    let new = NewApplication {
        id,
        region: "110105".into(),
        arrival_month: 202_612,
        citizen: CITIZEN.into(),
        service_code: "s".into(),
        catalogue_version: 1,
        department: POLICE_CODE.into(),
        arrived_at: now,
        body_sha256: [n; 32],
        submission: "{}".into(),
        state,
        next_deadline: None,
        events: events.iter().map(|e| e.to_view()).collect(),
        materials: Vec::new(),
        uploads: Vec::new(),
    };
    let stored = server.backend.store.submit_application(new).await.expect("submit");
    assert!(matches!(stored, Submitted::New(_)));
    id
}

async fn call(
    http: &Client,
    server: &TestServer,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let url = server.url(path);
    let mut request = match body {
        Some(body) => http.post(url).json(&body),
        None => http.get(url),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request")
}

async fn error(response: reqwest::Response, status: StatusCode) -> ErrorResponse {
    assert_eq!(response.status(), status);
    response.json().await.expect("error body")
}

/// The police accept and approve the application at the desk.
async fn decide(http: &Client, server: &TestServer, police: &str, id: ApplicationId) {
    let actions = format!("/v1/desk/applications/{id}/actions");
    let accept = json!({"action": "accept", "version": 1});
    assert_eq!(call(http, server, &actions, Some(police), Some(accept)).await.status(), StatusCode::OK);
    let approve =
        json!({"action": "approve", "at": {"stage": 0, "department": POLICE_CODE, "step": 0, "version": 0}});
    let response = call(http, server, &actions, Some(police), Some(approve)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: TimelineView = response.json().await.expect("json");
    assert!(
        matches!(
            view.phase,
            ApplicationPhaseDto::Approved | ApplicationPhaseDto::ResultIssued | ApplicationPhaseDto::Closed
        ),
        "{:?}",
        view.phase
    );
}

/// The citizen's sync notices.
async fn notices(server: &TestServer) -> Vec<String> {
    let feed = server.backend.store.events(CITIZEN, 1, 0, 100).await.expect("feed");
    feed.into_iter().filter_map(|e| e.message).collect()
}

async fn a_decided_application_is_rated_once_and_only_by_its_citizen(db: Db) {
    let server = TestServer::on(db, Limits::default()).await;
    seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
    let http = Client::new();
    let police = server.staff_login(&http, "police-issuer", "demo-police-2024").await;
    let (_, _, mine) = server.enrol_by_code(&http, &police, CITIZEN).await;
    let (_, _, theirs) = server.enrol_by_code(&http, &police, OTHER).await;
    let id = in_pre_review(&server, 0x31).await;
    let path = format!("/v1/sync/applications/{id}/rating");
    let rating = |level: &str, tags: &[&str]| json!({"application_id": id.to_string(), "level": level, "tags": tags, "text": "窗口很耐心"});
    let stored = || async { server.backend.store.application_rating(id).await.expect("read") };

    // Before the decision: refused, nothing stored.
    let early = error(
        call(&http, &server, &path, Some(&mine), Some(rating("satisfied", &[]))).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(
        (early.error, early.message.as_str()),
        (ErrorCode::Conflict, "the application is not decided yet")
    );
    assert!(stored().await.is_none());
    error(call(&http, &server, &path, Some(&mine), None).await, StatusCode::NOT_FOUND).await;

    decide(&http, &server, &police, id).await;

    // Not the applicant: the same answer as no application; a staff token is no device token.
    let stranger = error(
        call(&http, &server, &path, Some(&theirs), Some(rating("very_dissatisfied", &[]))).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(stranger.error, ErrorCode::NotFound);
    error(call(&http, &server, &path, Some(&theirs), None).await, StatusCode::NOT_FOUND).await;
    error(
        call(&http, &server, &path, Some(&police), Some(rating("satisfied", &[]))).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // An unknown tag, a complaint on a good level, another application's id in the body.
    let unknown = error(
        call(&http, &server, &path, Some(&mine), Some(rating("satisfied", &["fast-ish"]))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!((unknown.error, unknown.message.as_str()), (ErrorCode::Unprocessable, "an unknown tag"));
    error(
        call(&http, &server, &path, Some(&mine), Some(rating("very_satisfied", &["slow"]))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut elsewhere = rating("satisfied", &[]);
    elsewhere["application_id"] = json!("ab".repeat(16));
    error(call(&http, &server, &path, Some(&mine), Some(elsewhere)).await, StatusCode::BAD_REQUEST).await;
    assert!(stored().await.is_none(), "nothing stored by a refusal");

    // The citizen rates once.
    let response =
        call(&http, &server, &path, Some(&mine), Some(rating("satisfied", &["efficient", "one_trip"]))).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let view: RatingView = response.json().await.expect("json");
    assert_eq!(view.level, RatingLevelDto::Satisfied);
    assert_eq!(view.tags, ["efficient", "one_trip"]);
    assert_eq!(view.text, "窗口很耐心");
    assert!(view.rectification.is_none(), "a good rating opens no ticket");
    let first = stored().await.expect("stored");
    let again = error(
        call(&http, &server, &path, Some(&mine), Some(rating("very_dissatisfied", &["slow"]))).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!((again.error, again.message.as_str()), (ErrorCode::Conflict, "already rated"));
    assert!(stored().await == Some(first), "the second rating changed nothing");
    assert!(server.backend.store.rectification(id).await.expect("read").is_none());
    let shown: RatingView = call(&http, &server, &path, Some(&mine), None).await.json().await.expect("json");
    assert_eq!(shown, view);
    // The routes are in the OpenAPI document.
    let doc: Value =
        http.get(server.url("/openapi.json")).send().await.expect("doc").json().await.expect("json");
    for (route, method) in [
        ("/v1/sync/applications/{id}/rating", "post"),
        ("/v1/sync/applications/{id}/rectification/rating", "post"),
        ("/v1/desk/rectifications", "get"),
        ("/v1/desk/rectifications/{id}/call-back", "post"),
        ("/v1/desk/rectifications/{id}/report", "post"),
    ] {
        assert!(doc["paths"][route][method]["security"].is_array(), "{route} in /openapi.json");
    }
    assert!(
        notices(&server).await.iter().any(|n| n.ends_with("：已收到您的评价")),
        "{:?}",
        notices(&server).await
    );
    server.shutdown().await;
}

async fn a_bad_rating_opens_a_ticket_the_department_works_and_the_citizen_rates_once(db: Db) {
    let server = TestServer::on(db, Limits::default()).await;
    seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
    let http = Client::new();
    let police = server.staff_login(&http, "police-issuer", "demo-police-2024").await;
    let education = server.staff_login(&http, "edu-issuer", "demo-degree-2024").await;
    let (_, _, mine) = server.enrol_by_code(&http, &police, CITIZEN).await;
    let (_, _, theirs) = server.enrol_by_code(&http, &police, OTHER).await;
    let id = in_pre_review(&server, 0x32).await;
    decide(&http, &server, &police, id).await;
    let ticket = format!("/v1/desk/rectifications/{id}");
    let call_back = format!("{ticket}/call-back");
    let report = format!("{ticket}/report");
    let verdict = format!("/v1/sync/applications/{id}/rectification/rating");
    let stored = || async { server.backend.store.rectification(id).await.expect("read").expect("a ticket") };

    // A 差评 opens the ticket, due in working days by the backend's calendar.
    let bad = json!({"application_id": id.to_string(), "level": "dissatisfied", "tags": ["many_trips"]});
    let response =
        call(&http, &server, &format!("/v1/sync/applications/{id}/rating"), Some(&mine), Some(bad)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let view: RatingView = response.json().await.expect("json");
    let opened = view.rectification.expect("a 差评 opens a rectification");
    let today = china_date(view.rated_at).expect("a day");
    let calendar = server.backend.calendar();
    let iso = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    assert_eq!(opened.state, RectificationStateDto::Open);
    assert_eq!(opened.call_back_due, iso(calendar.due(today, 1).expect("due")));
    assert_eq!(opened.due, iso(calendar.due(today, 15).expect("due")));
    assert_eq!(stored().await.due, opened.due);

    // The department sees it; another department does not and cannot act.
    let rows: Vec<RectificationRow> = call(&http, &server, "/v1/desk/rectifications", Some(&police), None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].application_id, id.to_string());
    assert_eq!(rows[0].rating.tags, ["many_trips"]);
    assert!(rows[0].case_no.is_some() && !rows[0].overdue && !rows[0].call_back_overdue);
    let theirs_rows: Vec<RectificationRow> =
        call(&http, &server, "/v1/desk/rectifications", Some(&education), None)
            .await
            .json()
            .await
            .expect("json");
    assert!(theirs_rows.is_empty());
    let before = stored().await;
    error(call(&http, &server, &call_back, Some(&education), Some(json!({}))).await, StatusCode::NOT_FOUND)
        .await;
    error(call(&http, &server, "/v1/desk/rectifications", None, None).await, StatusCode::UNAUTHORIZED).await;

    // Out of order: a report before the call-back, the citizen's verdict before the report.
    let outcome = json!({"outcome": "已约谈窗口人员并调整排班"});
    let early = error(
        call(&http, &server, &report, Some(&police), Some(outcome.clone())).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(early.message, "the rectification is not at that step");
    let satisfied = json!({"application_id": id.to_string(), "satisfied": true});
    error(call(&http, &server, &verdict, Some(&mine), Some(satisfied.clone())).await, StatusCode::CONFLICT)
        .await;
    assert_eq!(stored().await, before, "refusals changed nothing");

    // Called back once.
    let response = call(&http, &server, &call_back, Some(&police), Some(json!({}))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: RectificationView = response.json().await.expect("json");
    assert_eq!(view.state, RectificationStateDto::CalledBack);
    let called = stored().await;
    assert!(called.called_back_at.is_some());
    error(call(&http, &server, &call_back, Some(&police), Some(json!({}))).await, StatusCode::CONFLICT).await;
    assert_eq!(stored().await, called);

    // A blank report is refused; the report is taken once.
    error(
        call(&http, &server, &report, Some(&police), Some(json!({"outcome": "  "}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    error(
        call(&http, &server, &report, Some(&education), Some(outcome.clone())).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(stored().await, called);
    let response = call(&http, &server, &report, Some(&police), Some(outcome.clone())).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: RectificationView = response.json().await.expect("json");
    assert_eq!(
        (view.state, view.outcome.as_deref()),
        (RectificationStateDto::Done, Some("已约谈窗口人员并调整排班"))
    );
    error(call(&http, &server, &report, Some(&police), Some(outcome)).await, StatusCode::CONFLICT).await;

    // The citizen rates the rectification once; not another citizen.
    error(
        call(&http, &server, &verdict, Some(&theirs), Some(satisfied.clone())).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let response = call(&http, &server, &verdict, Some(&mine), Some(satisfied)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: RectificationView = response.json().await.expect("json");
    assert_eq!((view.state, view.satisfied), (RectificationStateDto::Rated, Some(true)));
    let rated = stored().await;
    let second = error(
        call(
            &http,
            &server,
            &verdict,
            Some(&mine),
            Some(json!({"application_id": id.to_string(), "satisfied": false})),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(second.message, "the rectification is not at that step");
    assert_eq!(stored().await, rated);
    assert_eq!(rated.satisfied, Some(true));

    // The citizen's rating shows the ticket's outcome, and each step reached their feed.
    let shown: RatingView =
        call(&http, &server, &format!("/v1/sync/applications/{id}/rating"), Some(&mine), None)
            .await
            .json()
            .await
            .expect("json");
    assert_eq!(shown.rectification.map(|r| r.state), Some(RectificationStateDto::Rated));
    let feed = notices(&server).await;
    for text in
        ["已收到您的评价，整改单已转办理部门", "办理部门已就您的评价回访", "整改结果已反馈，请评价整改"]
    {
        assert!(feed.iter().any(|n| n.ends_with(text)), "{text} in {feed:?}");
    }
    server.shutdown().await;
}
