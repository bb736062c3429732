//! 好差评 and rectifications over real HTTP (issue 17, item 7), on SQLite and on PostgreSQL: the
//! citizen rates their decided application once; a 差评 opens the department's ticket with its
//! deadlines in working days; the department calls back and reports, scoped to itself; the
//! citizen rates the rectification once. Every refusal — not the applicant, not yet decided, an
//! unknown tag, a second rating, another department, a report before the call-back, a second
//! rectification rating — answers with its reason and changes nothing.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

#[macro_use]
mod common;

use common::{Db, TestServer, call, error};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shimin_backend::seed::{self, POLICE_CODE};
use shimin_backend::server::Limits;
use shimin_backend::service::applications::columns;
use shimin_backend::store::{MaterialRecord, MaterialSource, NewApplication, Submitted};
use shimin_core::application::result::{Decision, ResultDocument};
use shimin_core::application::submission::ApplicationId;
use shimin_core::application::workflow::{
    Action, Actor, Application, Holder, Process, StepRef, china_date, parse_iso_date,
};
use shimin_core::calendar::{Calendar, WorkingDays};
use shimin_core::catalogue::time_limit::{TimeLimit, TimeUnit};
use shimin_core::cert::CreditCode;
use shimin_core::crypto::VerifyingKey;
use shimin_core::trust::TrustList;
use shimin_wire::application::{
    LibraryItemView, RatingLevelDto, RatingView, RectificationRow, RectificationStateDto, RectificationView,
    ResultDocumentView,
};
use shimin_wire::backend::SyncPullResponse;
use shimin_wire::error::ErrorCode;
use shimin_wire::workflow::{ApplicationPhaseDto, TimelineView};

on_both_databases!(
    a_decided_application_is_rated_once_and_only_by_its_citizen,
    a_bad_rating_opens_a_ticket_the_department_works_and_the_citizen_rates_once,
    an_approved_residence_permit_is_issued_once_and_its_materials_enter_the_library,
    a_result_that_is_no_certificate_is_a_signed_document_for_the_citizen,
    a_late_step_is_flagged_then_escalated_once_in_the_timeline
);

/// A seeded citizen, the applicant.
const CITIZEN: &str = "420106199003071238";
/// Another seeded citizen.
const OTHER: &str = "350102198506112347";

/// An application of CITIZEN to the police, in pre-review (put in the store directly).
async fn in_pre_review(server: &TestServer, n: u8) -> ApplicationId {
    applied(server, n, "s", "{}", Vec::new()).await
}

/// The code of the seed's police service named `name`, loaded into the server's catalogue with
/// the other of the two these tests use.
async fn police_service(server: &TestServer, name: &str) -> String {
    let wanted = ["居住证签发", "无犯罪记录证明开具"];
    let services: Vec<_> = shimin_catalogue_seed::catalogue()
        .expect("the seed")
        .into_iter()
        .filter(|s| wanted.contains(&s.name.hans.as_str()))
        .collect();
    assert_eq!(services.len(), 2);
    let code = services.iter().find(|s| s.name.hans == name).expect("a seeded service").code.clone();
    assert!(code.contains(POLICE_CODE), "{name} is the police's");
    server.backend.seed_catalogue(services, shimin_backend::now()).await.expect("the catalogue");
    code
}

/// An application of CITIZEN to the police for `service_code`, in pre-review, with its
/// submission and materials (put in the store directly).
async fn applied(
    server: &TestServer,
    n: u8,
    service_code: &str,
    submission: &str,
    materials: Vec<MaterialRecord>,
) -> ApplicationId {
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
        service_code: service_code.into(),
        catalogue_version: 1,
        department: POLICE_CODE.into(),
        arrived_at: now,
        body_sha256: [n; 32],
        submission: submission.into(),
        next_deadline: columns(&state, china_date(now).expect("a day"), calendar)
            .expect("columns")
            .next_deadline,
        state,
        events: events.iter().map(|e| e.to_view()).collect(),
        materials,
        uploads: Vec::new(),
    };
    let stored = server.backend.store.submit_application(new).await.expect("submit");
    assert!(matches!(stored, Submitted::New(_)));
    id
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
        ("/v1/sync/applications/{id}/result", "get"),
        ("/v1/sync/library", "get"),
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
    // Late ones are flagged: the call-back the day after its due date, the whole ticket after its own.
    let staff = server.backend.store.staff_by_login("police-issuer").await.expect("read").expect("staff");
    let noon_after = |due: &str| {
        let day = parse_iso_date(due).expect("a date").next_day().expect("a day");
        let china = time::UtcOffset::from_hms(8, 0, 0).expect("China Standard Time");
        day.midnight().assume_offset(china).unix_timestamp() + 12 * 3_600
    };
    let flags = |at| {
        let backend = server.backend.clone();
        let staff = staff.clone();
        async move {
            let rows = backend.department_rectifications(&staff, at).await.expect("tickets");
            (rows[0].call_back_overdue, rows[0].overdue)
        }
    };
    assert_eq!(flags(noon_after(&opened.call_back_due)).await, (true, false));
    assert_eq!(flags(noon_after(&opened.due)).await, (true, true));
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
    assert_eq!(flags(noon_after(&opened.call_back_due)).await, (false, false), "called back: not late");
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

fn material(name: &str, source: MaterialSource) -> MaterialRecord {
    MaterialRecord { material: name.into(), source, reference: "ab".repeat(32) }
}

async fn an_approved_residence_permit_is_issued_once_and_its_materials_enter_the_library(db: Db) {
    let server = TestServer::on(db, Limits::default()).await;
    seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
    let http = Client::new();
    let police = server.staff_login(&http, "police-issuer", "demo-police-2024").await;
    let (_, _, mine) = server.enrol_by_code(&http, &police, CITIZEN).await;
    let (_, _, theirs) = server.enrol_by_code(&http, &police, OTHER).await;
    let code = police_service(&server, "居住证签发").await;
    let submission = json!({
        "application_id": "41".repeat(16),
        "service_code": code,
        "catalogue_version": 1,
        "values": {"address": "北京市朝阳区示例路1号", "basis": "home"},
        "materials": [],
    })
    .to_string();
    let materials = vec![
        material("合法稳定住所证明", MaterialSource::Upload),
        material("居住证申领登记表", MaterialSource::Upload),
        material("劳动合同或营业执照等就业证明", MaterialSource::Library),
    ];
    let id = applied(&server, 0x41, &code, &submission, materials).await;
    let permits = || async {
        let held = server.backend.store.certificates_of(CITIZEN).await.expect("certificates");
        held.into_iter().filter(|c| c.type_slug == "residence-permit").count()
    };
    let before = permits().await;

    // Accepted: the uploaded material that may be reused enters the library; the form made for
    // this application (reuse "never") and the material reused from the library do not.
    let actions = format!("/v1/desk/applications/{id}/actions");
    let accept = json!({"action": "accept", "version": 1});
    assert_eq!(call(&http, &server, &actions, Some(&police), Some(accept)).await.status(), StatusCode::OK);
    let library: Vec<LibraryItemView> =
        call(&http, &server, "/v1/sync/library", Some(&mine), None).await.json().await.expect("json");
    assert_eq!(library.len(), 1, "{library:?}");
    assert_eq!(
        (library[0].material.as_str(), library[0].department.as_str()),
        ("合法稳定住所证明", POLICE_CODE)
    );
    assert_eq!(library[0].valid_until, None, "a class-2 copy states no end here");
    let theirs_library: Vec<LibraryItemView> =
        call(&http, &server, "/v1/sync/library", Some(&theirs), None).await.json().await.expect("json");
    assert!(theirs_library.is_empty());
    error(call(&http, &server, "/v1/sync/library", None, None).await, StatusCode::UNAUTHORIZED).await;

    // Approved: the residence permit is issued in the same call, and the result is issued.
    let approve =
        json!({"action": "approve", "at": {"stage": 0, "department": POLICE_CODE, "step": 0, "version": 0}});
    let response = call(&http, &server, &actions, Some(&police), Some(approve.clone())).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: TimelineView = response.json().await.expect("json");
    assert_eq!(view.phase, ApplicationPhaseDto::ResultIssued);
    assert_eq!(permits().await, before + 1, "one permit issued");
    let issued = server.backend.store.certificates_of(CITIZEN).await.expect("certificates");
    assert!(issued.iter().any(|c| c.type_slug == "residence-permit" && c.department_code == POLICE_CODE));
    // It reaches the citizen's wallet by sync.
    let pulled: SyncPullResponse =
        call(&http, &server, "/v1/sync/pull", Some(&mine), None).await.json().await.expect("pull");
    assert!(
        pulled.certificates.iter().any(|c| c.certificate_type == "residence-permit"),
        "{:?}",
        pulled.certificates
    );

    // A double "approve", and the result issued again for the stale decided state (a retry):
    // no second certificate.
    let again = call(&http, &server, &actions, Some(&police), Some(approve)).await;
    assert!(matches!(again.status(), StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY));
    let now = server.backend.store.application(id).await.expect("read").expect("there");
    let mut stale = now.clone();
    stale.state = decided_copy(&now);
    let retried = server.backend.issue_result(&stale, shimin_backend::now()).await.expect("a retry");
    assert_eq!(retried.map(|r| r.state.phase()), Some(ApplicationPhaseDto::ResultIssued));
    assert_eq!(permits().await, before + 1, "the retry issued nothing");
    assert!(server.backend.store.application_result(id).await.expect("read").is_none(), "no document");
    // An application accepted by law (art. 32, the sweep) enters the library too.
    let deemed = applied(
        &server,
        0x44,
        &code,
        &submission,
        vec![material("合法稳定住所证明", MaterialSource::Upload)],
    )
    .await;
    let report = server.backend.sweep_applications(shimin_backend::now() + 8 * 86_400).await.expect("sweep");
    assert_eq!(report.deemed_accepted, [deemed]);
    let items = server.backend.store.library_items(CITIZEN).await.expect("items");
    assert!(items.iter().any(|i| i.item.from_application == deemed), "{items:?}");
    assert_eq!(items.len(), 2);
    // Accepting again adds nothing to the library.
    server.backend.after_acceptance(id, shimin_backend::now()).await;
    server.backend.after_acceptance(deemed, shimin_backend::now()).await;
    assert_eq!(server.backend.store.library_items(CITIZEN).await.expect("items").len(), 2);
    let feed = notices(&server).await;
    assert!(feed.iter().any(|n| n.ends_with("：结果已出")), "{feed:?}");
    server.shutdown().await;
}

/// The application's state as it was when decided (before its result), rebuilt by replaying
/// core's actions: what a follow-up that crashed before its result would retry with.
fn decided_copy(now: &shimin_backend::store::ApplicationRecord) -> Application {
    let calendar = Calendar::official().expect("calendar");
    let organ = CreditCode::parse(POLICE_CODE).expect("a credit code");
    let limit = TimeLimit::Within { amount: 5, unit: TimeUnit::WorkingDays };
    let at = now.arrived_at;
    let (mut state, _) = Application::submitted(organ.clone(), Process::single(organ.clone(), limit), at);
    state.act(&Actor::System, Action::ChecksPassed, at, calendar).expect("checks");
    let case_no = now.state.case_no().cloned().expect("a case number");
    let officer = Actor::Officer(Holder { officer: "police-issuer".into(), unit: organ.clone() });
    state.act(&officer, Action::Accept { version: 1, case_no }, at, calendar).expect("accept");
    let step = StepRef { stage: 0, department: organ, step: 0, version: 0 };
    state.act(&officer, Action::Approve(step), at, calendar).expect("approve");
    assert_eq!(state.phase(), ApplicationPhaseDto::Approved);
    state
}

async fn a_result_that_is_no_certificate_is_a_signed_document_for_the_citizen(db: Db) {
    let server = TestServer::on(db, Limits::default()).await;
    seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
    let http = Client::new();
    let police = server.staff_login(&http, "police-issuer", "demo-police-2024").await;
    let (_, _, mine) = server.enrol_by_code(&http, &police, CITIZEN).await;
    let (_, _, theirs) = server.enrol_by_code(&http, &police, OTHER).await;
    let code = police_service(&server, "无犯罪记录证明开具").await;
    let id = applied(&server, 0x42, &code, "{}", Vec::new()).await;
    let path = format!("/v1/sync/applications/{id}/result");
    error(call(&http, &server, &path, Some(&mine), None).await, StatusCode::NOT_FOUND).await;
    let certificates = server.backend.store.certificates_of(CITIZEN).await.expect("certificates").len();

    decide(&http, &server, &police, id).await;
    let now = server.backend.store.application(id).await.expect("read").expect("there");
    assert_eq!(now.state.phase(), ApplicationPhaseDto::ResultIssued);
    assert_eq!(
        server.backend.store.certificates_of(CITIZEN).await.expect("certificates").len(),
        certificates
    );

    // The citizen fetches the document; it verifies offline against the trust list, bound to
    // its text and the department; another citizen gets 404.
    let response = call(&http, &server, &path, Some(&mine), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let document: ResultDocumentView = response.json().await.expect("json");
    assert_eq!(document.title, "准予行政许可决定书");
    assert!(document.code.starts_with("SMR1:"));
    let case_no = now.case_no.clone().expect("a case number");
    assert!(document.text.contains(&case_no) && document.text.contains("决定：准予"), "{}", document.text);
    assert!(!document.text.contains(CITIZEN), "no personal data");
    let root = VerifyingKey::p256_from_sec1(
        &http.get(server.url("/v1/root-key")).send().await.expect("root").bytes().await.expect("bytes"),
    )
    .expect("root key");
    let list =
        http.get(server.url("/v1/trust-list")).send().await.expect("list").bytes().await.expect("bytes");
    let trust = TrustList::verify(&list, &root, shimin_backend::now()).expect("trust list");
    let verified =
        ResultDocument::verify(&document.code, Some(&document.text), &trust, shimin_backend::now())
            .expect("the document verifies");
    assert_eq!((verified.case_no.as_str(), verified.decision), (case_no.as_str(), Decision::Granted));
    assert_eq!(verified.unit.to_string(), POLICE_CODE);
    assert!(
        ResultDocument::verify(&document.code, Some("another text"), &trust, shimin_backend::now()).is_err(),
        "bound to its text"
    );
    error(call(&http, &server, &path, Some(&theirs), None).await, StatusCode::NOT_FOUND).await;

    // A refusal is a result document too: 不予行政许可决定书, signed and verifiable.
    let refused = applied(&server, 0x43, &code, "{}", Vec::new()).await;
    let actions = format!("/v1/desk/applications/{refused}/actions");
    let accept = json!({"action": "accept", "version": 1});
    assert_eq!(call(&http, &server, &actions, Some(&police), Some(accept)).await.status(), StatusCode::OK);
    let refuse = json!({"action": "refuse", "reason": "材料不实",
        "at": {"stage": 0, "department": POLICE_CODE, "step": 0, "version": 0}});
    let view: TimelineView =
        call(&http, &server, &actions, Some(&police), Some(refuse)).await.json().await.expect("json");
    assert_eq!(view.phase, ApplicationPhaseDto::ResultIssued);
    let path = format!("/v1/sync/applications/{refused}/result");
    let document: ResultDocumentView =
        call(&http, &server, &path, Some(&mine), None).await.json().await.expect("json");
    assert_eq!(document.title, "不予行政许可决定书");
    let verified =
        ResultDocument::verify(&document.code, Some(&document.text), &trust, shimin_backend::now())
            .expect("the document verifies");
    assert_eq!(verified.decision, Decision::Refused);

    // Issued once: a retry with the decided state signs nothing new.
    let stored = server.backend.store.application_result(id).await.expect("read");
    let mut stale = now.clone();
    stale.state = decided_copy(&now);
    server.backend.issue_result(&stale, shimin_backend::now() + 5).await.expect("a retry");
    assert_eq!(server.backend.store.application_result(id).await.expect("read"), stored);
    server.shutdown().await;
}

async fn a_late_step_is_flagged_then_escalated_once_in_the_timeline(db: Db) {
    use shimin_backend::service::applications::desk_act;
    use shimin_backend::service::escalation::ESCALATE_AFTER_WORKING_DAYS;
    use shimin_wire::workflow::{DeskActionRequest, EventActionDto};

    /// Monday 2026-06-01, 10:00 China time; the days after it are plain working days.
    const MONDAY: i64 = 1_780_279_200;
    const DAY: i64 = 86_400;
    let server = TestServer::on(db, Limits::default()).await;
    seed::seed(&server.backend, 5, shimin_backend::now()).await.expect("seed");
    let http = Client::new();
    let police = server.staff_login(&http, "police-issuer", "demo-police-2024").await;
    let calendar = Calendar::official().expect("calendar");
    let organ = CreditCode::parse(POLICE_CODE).expect("a credit code");
    // Five working days from Monday 1 June: due Monday 8 June.
    let limit = TimeLimit::Within { amount: 5, unit: TimeUnit::WorkingDays };
    let (mut state, first) =
        Application::submitted(organ.clone(), Process::single(organ.clone(), limit), MONDAY);
    let mut events = vec![first];
    events.extend(state.act(&Actor::System, Action::ChecksPassed, MONDAY, calendar).expect("checks"));
    let id = ApplicationId::parse(&"45".repeat(16)).expect("an id");
    let new = NewApplication {
        id,
        region: "110105".into(),
        arrival_month: 202_606,
        citizen: CITIZEN.into(),
        service_code: "s".into(),
        catalogue_version: 1,
        department: POLICE_CODE.into(),
        arrived_at: MONDAY,
        body_sha256: [0x45; 32],
        submission: "{}".into(),
        next_deadline: columns(&state, china_date(MONDAY).expect("a day"), calendar)
            .expect("columns")
            .next_deadline,
        state,
        events: events.iter().map(|e| e.to_view()).collect(),
        materials: Vec::new(),
        uploads: Vec::new(),
    };
    assert!(matches!(server.backend.store.submit_application(new).await.expect("submit"), Submitted::New(_)));
    let clerk = Holder { officer: "police-issuer".into(), unit: organ };
    let store = server.backend.store.as_ref();
    desk_act(store, &clerk, id, DeskActionRequest::Accept { version: 1 }, MONDAY, calendar)
        .await
        .expect("accepted");
    let escalations = || async {
        let events = server.backend.store.application_events(id).await.expect("events");
        events.into_iter().filter(|e| e.action == EventActionDto::Escalated).collect::<Vec<_>>()
    };

    // Tuesday 9 June: one working day late — flagged, not escalated.
    let report = server.backend.sweep_applications(MONDAY + 8 * DAY + 7_200).await.expect("sweep");
    assert_eq!(report.flagged_overdue, [id]);
    assert!(escalations().await.is_empty());
    // Thursday 11 June: three working days late — escalated, once, in the timeline.
    assert_eq!(ESCALATE_AFTER_WORKING_DAYS, 3);
    assert_eq!(server.backend.sweep_escalations(MONDAY + 10 * DAY + 7_200).await.expect("sweep"), [id]);
    let escalated = escalations().await;
    assert_eq!(escalated.len(), 1);
    assert_eq!(escalated[0].unit.as_deref(), Some(POLICE_CODE));
    let note = escalated[0].note.clone().unwrap_or_default();
    assert!(note.contains("超期 3 个工作日") && note.contains("2026-06-08"), "{note}");
    let timeline: TimelineView =
        call(&http, &server, &format!("/v1/desk/applications/{id}"), Some(&police), None)
            .await
            .json()
            .await
            .expect("json");
    assert!(timeline.events.iter().any(|e| e.action == EventActionDto::Escalated), "{:?}", timeline.events);
    assert!(server.backend.sweep_escalations(MONDAY + 11 * DAY).await.expect("again").is_empty(), "once");
    server.backend.sweep_applications(MONDAY + 14 * DAY).await.expect("a later round");
    assert_eq!(escalations().await.len(), 1, "still once");
    server.shutdown().await;
}
