//! Applications over real HTTP (issue 17), on SQLite and on PostgreSQL: the desk's JSON under
//! the staff token — one application for its department only, actions as compare-and-sets (a
//! double click is 409 "already done" and changes nothing), refusals leaving the rows as they
//! were. The application is put in the store directly (the citizen's routes are still to come).

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use common::{Db, TestServer, call, error};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed::{self, POLICE_CODE};
use shimin_backend::server::Limits;
use shimin_backend::store::{NewApplication, Submitted};
use shimin_core::application::submission::ApplicationId;
use shimin_core::application::workflow::{Action, Actor, Application, Process};
use shimin_core::calendar::Calendar;
use shimin_core::catalogue::time_limit::{TimeLimit, TimeUnit};
use shimin_core::cert::CreditCode;
use shimin_wire::error::ErrorCode;
use shimin_wire::workflow::{ApplicationPhaseDto, TimelineView};

on_both_databases!(
    the_desk_sees_and_acts_on_its_own_department_s_applications_once,
    the_citizen_sees_only_their_own_application
);

/// A seeded citizen, the applicant.
const CITIZEN: &str = "420106199003071238";
/// Another seeded citizen.
const OTHER: &str = "350102198506112347";

async fn in_pre_review(server: &TestServer) -> ApplicationId {
    let now = shimin_backend::now();
    let organ = CreditCode::parse(POLICE_CODE).expect("a credit code");
    // Five working days: the step's due date stays inside the years the embedded calendar
    // covers (a limit reaching past them is refused with 503 until the next notice is loaded).
    let limit = TimeLimit::Within { amount: 5, unit: TimeUnit::WorkingDays };
    let (mut state, first) = Application::submitted(organ.clone(), Process::single(organ, limit), now);
    let mut events = vec![first];
    let calendar = Calendar::official().expect("calendar");
    events.extend(state.act(&Actor::System, Action::ChecksPassed, now, calendar).expect("checks"));
    let id = ApplicationId::parse(&"5a".repeat(16)).expect("an id");
    let new = NewApplication {
        id,
        region: "110105".into(),
        arrival_month: 202_612,
        citizen: CITIZEN.into(),
        service_code: "s".into(),
        catalogue_version: 1,
        department: POLICE_CODE.into(),
        arrived_at: now,
        body_sha256: [7; 32],
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

async fn the_desk_sees_and_acts_on_its_own_department_s_applications_once(db: Db) {
    let server = TestServer::on(db, Limits::default()).await;
    seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
    let http = Client::new();
    let police = server.staff_login(&http, "police-issuer", "demo-police-2024").await;
    let education = server.staff_login(&http, "edu-issuer", "demo-degree-2024").await;
    let id = in_pre_review(&server).await;
    let path = format!("/v1/desk/applications/{id}");
    let actions = format!("{path}/actions");
    let stored = || async { server.backend.store.application(id).await.expect("read").expect("there") };
    let before = stored().await;

    // Its department sees it; another department, no token or a bad id do not.
    let response = call(&http, &server, &path, Some(&police), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: TimelineView = response.json().await.expect("json");
    assert_eq!(
        (view.phase, view.version, view.case_no.as_deref()),
        (ApplicationPhaseDto::PreReview, 1, None)
    );
    assert_eq!(view.events.len(), 2, "submitted and checks passed");
    let other = error(call(&http, &server, &path, Some(&education), None).await, StatusCode::NOT_FOUND).await;
    assert_eq!(other.error, ErrorCode::NotFound);
    error(call(&http, &server, &path, None, None).await, StatusCode::UNAUTHORIZED).await;
    let bad = error(
        call(&http, &server, "/v1/desk/applications/XYZ", Some(&police), None).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(bad.error, ErrorCode::BadRequest);

    // Another department cannot act, and nothing changes.
    let accept = json!({"action": "accept", "version": 1});
    error(
        call(&http, &server, &actions, Some(&education), Some(accept.clone())).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(stored().await, before);

    // Accepted once, with a case number; the double click is 409 "already done".
    let response = call(&http, &server, &actions, Some(&police), Some(accept.clone())).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: TimelineView = response.json().await.expect("json");
    assert_eq!(view.phase, ApplicationPhaseDto::InApproval);
    let case_no = view.case_no.clone().expect("a case number");
    assert!(case_no.starts_with(&format!("{POLICE_CODE}-")) && case_no.ends_with("-000001"), "{case_no}");
    let accepted = stored().await;
    let twice =
        error(call(&http, &server, &actions, Some(&police), Some(accept)).await, StatusCode::CONFLICT).await;
    assert_eq!((twice.error, twice.message.as_str()), (ErrorCode::Conflict, "already done"));
    assert_eq!(stored().await, accepted, "the double click changed nothing");

    // A request that does not parse is refused (422, the body's shape) and changes nothing.
    let nonsense = json!({"action": "accept"});
    error(
        call(&http, &server, &actions, Some(&police), Some(nonsense)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(stored().await, accepted);

    // Approving the one step decides it; the same click again changes nothing.
    let approve =
        json!({"action": "approve", "at": {"stage": 0, "department": POLICE_CODE, "step": 0, "version": 0}});
    let response = call(&http, &server, &actions, Some(&police), Some(approve.clone())).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: TimelineView = response.json().await.expect("json");
    assert_eq!(view.phase, ApplicationPhaseDto::Approved);
    let approved = stored().await;
    let again = call(&http, &server, &actions, Some(&police), Some(approve)).await;
    assert!(
        matches!(again.status(), StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY),
        "{}",
        again.status()
    );
    assert_eq!(stored().await, approved);

    // The routes are in the OpenAPI document, for staff.
    let doc: Value =
        http.get(server.url("/openapi.json")).send().await.expect("doc").json().await.expect("json");
    assert!(doc["paths"]["/v1/desk/applications/{id}"]["get"]["security"].is_array());
    assert!(doc["paths"]["/v1/desk/applications/{id}/actions"]["post"]["security"].is_array());
    server.shutdown().await;
}

async fn the_citizen_sees_only_their_own_application(db: Db) {
    let server = TestServer::on(db, Limits::default()).await;
    seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
    let http = Client::new();
    let police = server.staff_login(&http, "police-issuer", "demo-police-2024").await;
    let (_, _, mine) = server.enrol_by_code(&http, &police, CITIZEN).await;
    let (_, _, theirs) = server.enrol_by_code(&http, &police, OTHER).await;
    let id = in_pre_review(&server).await;
    let path = format!("/v1/sync/applications/{id}");

    let response = call(&http, &server, &path, Some(&mine), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: TimelineView = response.json().await.expect("json");
    assert_eq!((view.phase, view.events.len()), (ApplicationPhaseDto::PreReview, 2));
    let other = error(call(&http, &server, &path, Some(&theirs), None).await, StatusCode::NOT_FOUND).await;
    assert_eq!(other.error, ErrorCode::NotFound);
    error(call(&http, &server, &path, None, None).await, StatusCode::UNAUTHORIZED).await;
    // A staff token is not a device token.
    error(call(&http, &server, &path, Some(&police), None).await, StatusCode::UNAUTHORIZED).await;
    let unknown = format!("/v1/sync/applications/{}", "ab".repeat(16));
    error(call(&http, &server, &unknown, Some(&mine), None).await, StatusCode::NOT_FOUND).await;
    server.shutdown().await;
}
