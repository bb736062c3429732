//! The department's workbench over real HTTP (issue 17 item 8, ADR 0007): the session cookie's
//! flags, sign-in and sign-out, the idle timeout, CSRF on every POST, the security headers, and
//! the department scope of the catalogue pages and actions — against the seeded backend (the
//! catalogue seed and the demo staff of 北京市朝阳区民政局).

#![allow(clippy::expect_used, clippy::panic)] // Test code.

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{Client, StatusCode, redirect};
use shimin_backend::local::{DEMO_UPLOAD_PNG, demo_application, demo_application_with};
use shimin_backend::seed::{self, CHAOYANG_CIVIL_AFFAIRS_CODE, POLICE_CODE};
use shimin_backend::server::{self, Limits};
use shimin_backend::service::password::PasswordCost;
use shimin_backend::service::{Backend, Config};
use shimin_backend::store::{DatabaseUrl, StaffRecord};
use shimin_core::application::workflow::Phase;
use shimin_core::catalogue::guide::ServiceStatus;
use shimin_wire::workflow::{ApplicationPhaseDto, DeskActionRequest, QueuePageView};

const ADMIN: (&str, &str) = ("chaoyang-civil-admin", "demo-desk-2024");
const REVIEWER: (&str, &str) = ("chaoyang-civil-reviewer", "demo-desk-review-2024");
const POLICE: (&str, &str) = ("police-issuer", "demo-police-2024");
/// A seeded citizen, the applicant.
const CITIZEN: &str = "420106199003071238";

/// A seeded backend served on a loopback port, and a client that follows no redirect and keeps
/// no cookies (each test reads and sends them itself).
struct Desk {
    base: String,
    backend: Backend,
    http: Client,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Desk {
    async fn start(public_url: Option<&str>, idle_secs: i64, limits: Limits) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("backend.db").display());
        let store = url.parse::<DatabaseUrl>().expect("url").open().await.expect("open");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let config = Config {
            public_url: public_url.map_or_else(|| base.clone(), str::to_owned),
            password_cost: PasswordCost::CHEAP,
            desk_idle_secs: idle_secs,
            ..Config::default()
        };
        let backend = Backend::new(store, config).await.expect("backend");
        seed::seed(&backend, 5, shimin_backend::now()).await.expect("seed");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = server::router(backend.clone(), limits).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move {
            let _ = axum_serve(listener, app, stopped).await;
        });
        let http = Client::builder().redirect(redirect::Policy::none()).build().expect("client");
        Self { base, backend, http, _dir: dir, _stop: stop }
    }

    async fn default() -> Self {
        Self::start(None, 15 * 60, Limits::default()).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn get(&self, path: &str, cookies: &str) -> reqwest::Response {
        self.http.get(self.url(path)).header(COOKIE, cookies).send().await.expect("GET")
    }

    async fn post(&self, path: &str, cookies: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http.post(self.url(path)).header(COOKIE, cookies).form(form).send().await.expect("POST")
    }

    /// The sign-in page's pre-session cookie (`name=value`) and CSRF token.
    async fn pre_session(&self) -> (String, String) {
        let response = self.get("/desk/login", "").await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = set_cookie(&response, "shimin_desk_pre").expect("a pre-session cookie");
        let csrf = csrf_of(&response.text().await.expect("body"));
        (cookie_pair(&cookie), csrf)
    }

    /// Signs in; the response to the form.
    async fn sign_in_response(&self, login: &str, password: &str) -> reqwest::Response {
        let (pre, csrf) = self.pre_session().await;
        self.post("/desk/login", &pre, &[("csrf", &csrf), ("login", login), ("password", password)]).await
    }

    /// Signs in (it must succeed): the session cookie (`name=value`) and the session's CSRF
    /// token, read from the queue page.
    async fn sign_in(&self, (login, password): (&str, &str)) -> (String, String) {
        let response = self.sign_in_response(login, password).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-in of {login}");
        assert_eq!(location(&response), "/desk/queue");
        let session = cookie_pair(&set_cookie(&response, "shimin_desk").expect("a session cookie"));
        let page = self.get("/desk/queue", &session).await;
        assert_eq!(page.status(), StatusCode::OK);
        let csrf = csrf_of(&page.text().await.expect("body"));
        (session, csrf)
    }

    async fn staff(&self, login: &str) -> StaffRecord {
        self.backend.store.staff_by_login(login).await.expect("store").expect("seeded staff")
    }

    /// The code of a service of `department` in the catalogue seed, in state `status`.
    async fn service_of(&self, department: &str, status: ServiceStatus) -> String {
        let services = self.backend.store.catalogue_services().await.expect("catalogue");
        services
            .iter()
            .find(|s| s.organ.code.as_str() == department && s.status == status)
            .map(|s| s.code.to_string())
            .expect("the seed has such a service")
    }

    async fn status_of(&self, code: &str) -> ServiceStatus {
        self.backend.service_guide(code).await.expect("guide").status
    }
}

async fn axum_serve(
    listener: tokio::net::TcpListener,
    app: axum::extract::connect_info::IntoMakeServiceWithConnectInfo<axum::Router, SocketAddr>,
    stopped: tokio::sync::oneshot::Receiver<()>,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await
}

fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The first form's CSRF token in a page.
fn csrf_of(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("a form with a CSRF token") + marker.len();
    page[start..].split('"').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_session_that_signing_out_ends() {
    let desk = Desk::default().await;

    let refused = desk.sign_in_response(ADMIN.0, "not-the-password").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(set_cookie(&refused, "shimin_desk").is_none(), "no session for a wrong password");
    let body = refused.text().await.expect("body");
    assert!(body.contains("账号或密码不正确"), "the refusal in Chinese by default");
    assert!(!body.contains("not-the-password"), "the typed password is never echoed");

    let response = desk.sign_in_response(ADMIN.0, ADMIN.1).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookie(&response, "shimin_desk").expect("session cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/desk"] {
        assert!(cookie.contains(flag), "{cookie} lacks {flag}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP on loopback: not Secure");
    assert!(!cookie.contains("Max-Age") && !cookie.contains("Expires"), "a browser-session cookie");
    let session = cookie_pair(&cookie);
    let token = session.trim_start_matches("shimin_desk=").to_owned();
    assert!(desk.backend.staff_for_token(&token, shimin_backend::now()).await.is_ok(), "a staff token");

    let queue = desk.get("/desk/queue", &session).await;
    assert_eq!(queue.status(), StatusCode::OK);
    let csp = queue.headers().get("content-security-policy").expect("CSP").to_str().expect("text").to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("script-src"), "no script may run");
    assert_eq!(queue.headers().get("cache-control").expect("cache-control"), "no-store");
    assert_eq!(queue.headers().get("x-frame-options").expect("x-frame-options"), "DENY");
    assert_eq!(queue.headers().get("referrer-policy").expect("referrer-policy"), "same-origin");
    let page = queue.text().await.expect("body");
    assert!(page.contains("北京市朝阳区民政局"), "the department's name in the header");
    assert!(page.contains("chaoyang-civil-admin") && page.contains("管理员"), "the officer and role");
    assert!(page.contains("办件队列") && page.contains("事项目录") && page.contains("退出"));
    assert!(page.contains("此分类下没有办件"), "the queue says it is empty; no rows are made up");

    let csrf = csrf_of(&page);
    let out = desk.post("/desk/logout", &session, &[("csrf", &csrf)]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&out, "shimin_desk").expect("cleared").contains("Max-Age=0"));
    assert!(desk.backend.staff_for_token(&token, shimin_backend::now()).await.is_err(), "token revoked");
    let after = desk.get("/desk/queue", &session).await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "the old cookie opens nothing");
    assert_eq!(location(&after), "/desk/login?ended=1");
}

#[tokio::test]
async fn behind_tls_the_cookies_are_secure() {
    let desk = Desk::start(Some("https://desk.example"), 15 * 60, Limits::default()).await;
    let (pre, _) = desk.pre_session().await;
    assert!(pre.starts_with("shimin_desk_pre="));
    let response = desk.get("/desk/login", "").await;
    assert!(set_cookie(&response, "shimin_desk_pre").expect("pre").contains("Secure"));
    let response = desk.sign_in_response(ADMIN.0, ADMIN.1).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&response, "shimin_desk").expect("session").contains("; Secure"));
}

#[tokio::test]
async fn a_session_left_idle_ends_and_its_token_with_it() {
    let desk = Desk::start(None, 1, Limits::default()).await;
    let (session, _) = desk.sign_in(ADMIN).await;
    let token = session.trim_start_matches("shimin_desk=").to_owned();
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let response = desk.get("/desk/services", &session).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/desk/login?ended=1");
    assert!(desk.backend.staff_for_token(&token, shimin_backend::now()).await.is_err(), "token revoked");
    let notice = desk.get("/desk/login?ended=1", "").await.text().await.expect("body");
    assert!(notice.contains("登录已失效"));
}

#[tokio::test]
async fn every_post_needs_the_sessions_csrf_token() {
    let desk = Desk::default().await;
    let code = desk.service_of(CHAOYANG_CIVIL_AFFAIRS_CODE, ServiceStatus::Active).await;
    let path = format!("/desk/services/{code}/suspend");
    let (session, csrf) = desk.sign_in(ADMIN).await;
    let (_, other_csrf) = desk.sign_in(ADMIN).await;

    for form in [vec![], vec![("csrf", "")], vec![("csrf", other_csrf.as_str())]] {
        let response = desk.post(&path, &session, &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "form {form:?}");
        assert!(response.text().await.expect("body").contains("安全校验"));
        assert_eq!(desk.status_of(&code).await, ServiceStatus::Active, "nothing changed");
    }
    // The right token from another site's page.
    let response = desk
        .http
        .post(desk.url(&path))
        .header(COOKIE, &session)
        .header(ORIGIN, "https://evil.example")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(desk.status_of(&code).await, ServiceStatus::Active);
    // Sign-out and the language switch are POSTs too.
    assert_eq!(desk.post("/desk/logout", &session, &[]).await.status(), StatusCode::FORBIDDEN);
    let switch = desk.post("/desk/language", &session, &[("lang", "en"), ("back", "/desk/queue")]).await;
    assert_eq!(switch.status(), StatusCode::FORBIDDEN);
    // The sign-in form without its pre-session.
    let response = desk.post("/desk/login", "", &[("login", ADMIN.0), ("password", ADMIN.1)]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&response, "shimin_desk").is_none());

    let response = desk.post(&path, &session, &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "with the token it is done");
    assert_eq!(location(&response), format!("/desk/services/{code}?done=1"));
    assert_eq!(desk.status_of(&code).await, ServiceStatus::Suspended);
}

#[tokio::test]
async fn staff_see_and_act_on_their_own_departments_services_only() {
    let desk = Desk::default().await;
    let own = desk.service_of(CHAOYANG_CIVIL_AFFAIRS_CODE, ServiceStatus::Active).await;
    let police = desk.service_of(POLICE_CODE, ServiceStatus::Active).await;
    let (session, csrf) = desk.sign_in(ADMIN).await;

    let list = desk.get("/desk/services", &session).await.text().await.expect("body");
    let staff = desk.staff(ADMIN.0).await;
    let expected = desk.backend.department_services(&staff).await.expect("services");
    assert!(!expected.is_empty());
    assert_eq!(list.matches("<tr data-code=").count(), expected.len(), "every service of the department");
    assert!(list.contains(&own) && !list.contains(&police), "and no other department's");

    let guide = desk.get(&format!("/desk/services/{police}"), &session).await;
    assert_eq!(guide.status(), StatusCode::FORBIDDEN);
    assert!(guide.text().await.expect("body").contains("不属于本部门"));
    let act = desk.post(&format!("/desk/services/{police}/suspend"), &session, &[("csrf", &csrf)]).await;
    assert_eq!(act.status(), StatusCode::FORBIDDEN);
    assert_eq!(desk.status_of(&police).await, ServiceStatus::Active, "another department's is untouched");

    // A reviewer reads the guide but may not act, and is told so.
    let (reviewer, reviewer_csrf) = desk.sign_in(REVIEWER).await;
    let guide = desk.get(&format!("/desk/services/{own}"), &reviewer).await;
    assert_eq!(guide.status(), StatusCode::OK);
    let page = guide.text().await.expect("body");
    assert!(page.contains("只有本部门的管理员") && !page.contains("data-test=\"suspend\""));
    let confirm = desk.get(&format!("/desk/services/{own}/suspend"), &reviewer).await;
    assert_eq!(confirm.status(), StatusCode::FORBIDDEN);
    let act =
        desk.post(&format!("/desk/services/{own}/suspend"), &reviewer, &[("csrf", &reviewer_csrf)]).await;
    assert_eq!(act.status(), StatusCode::FORBIDDEN);
    assert_eq!(desk.status_of(&own).await, ServiceStatus::Active);

    // The administrator suspends, resumes and is refused a second resume: each a new version.
    let before = desk.backend.store.catalogue_head().await.expect("head");
    let path = |a: &str| format!("/desk/services/{own}/{a}");
    assert_eq!(
        desk.post(&path("suspend"), &session, &[("csrf", &csrf)]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(desk.status_of(&own).await, ServiceStatus::Suspended);
    assert_eq!(
        desk.post(&path("resume"), &session, &[("csrf", &csrf)]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(desk.status_of(&own).await, ServiceStatus::Active);
    assert_eq!(desk.backend.store.catalogue_head().await.expect("head"), before + 2);
    let again = desk.post(&path("resume"), &session, &[("csrf", &csrf)]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(
        desk.post(&path("delete"), &session, &[("csrf", &csrf)]).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_language_follows_the_switch() {
    let desk = Desk::default().await;
    let (session, csrf) = desk.sign_in(ADMIN).await;
    let response = desk
        .post("/desk/language", &session, &[("csrf", &csrf), ("lang", "en"), ("back", "/desk/services")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/desk/services");
    let lang = cookie_pair(&set_cookie(&response, "shimin_desk_lang").expect("language cookie"));
    let page = desk.get("/desk/services", &format!("{session}; {lang}")).await.text().await.expect("body");
    assert!(
        page.contains("<html lang=\"en\">")
            && page.contains("Service catalogue")
            && page.contains("Sign out")
    );
    // A way back that leaves the workbench is not followed.
    let response = desk
        .post(
            "/desk/language",
            &session,
            &[("csrf", &csrf), ("lang", "zh-Hant"), ("back", "https://evil.example/")],
        )
        .await;
    assert_eq!(location(&response), "/desk/");
}

#[tokio::test]
async fn the_sign_in_form_is_rate_limited_with_the_login_class() {
    let limits = Limits { auth_burst: 3, auth_per_minute: 1, ..Limits::default() };
    let desk = Desk::start(None, 15 * 60, limits).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(desk.sign_in_response(ADMIN.0, "wrong-password").await.status());
    }
    assert_eq!(statuses[..3], [StatusCode::UNAUTHORIZED; 3]);
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);
    // The API's login shares the budget of the source.
    let api = desk
        .http
        .post(desk.url("/v1/staff/login"))
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"login":"chaoyang-civil-admin","password":"demo-desk-2024"}"#)
        .send()
        .await
        .expect("POST");
    assert_eq!(api.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// The token of a session cookie (`shimin_desk=…`): a staff bearer token for the JSON routes.
fn token_of(session: &str) -> &str {
    session.trim_start_matches("shimin_desk=")
}

async fn queue_json(desk: &Desk, session: &str, tab: &str) -> QueuePageView {
    let response = desk
        .http
        .get(desk.url(&format!("/v1/desk/queue?tab={tab}")))
        .bearer_auth(token_of(session))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("a queue page")
}

#[tokio::test]
async fn the_queue_and_the_application_page_are_the_departments_and_each_action_is_taken_once() {
    let desk = Desk::default().await;
    let id =
        demo_application(&desk.backend, 0x5a, CITIZEN, CHAOYANG_CIVIL_AFFAIRS_CODE, shimin_backend::now())
            .await
            .expect("a demo application");
    let page_path = format!("/desk/applications/{id}");
    let phase = || async { desk.backend.store.application(id).await.expect("read").expect("there") };
    let (session, csrf) = desk.sign_in(ADMIN).await;

    // 待预审: the row, in the page and in the JSON, due on the art. 32 day.
    let queue = desk.get("/desk/queue", &session).await.text().await.expect("body");
    assert!(queue.contains(&format!("data-id=\"{id}\"")), "the application is in the queue");
    let json = queue_json(&desk, &session, "pre_review").await;
    assert_eq!(json.rows.len(), 1);
    let row = &json.rows[0];
    assert_eq!(
        (row.id.as_str(), row.phase, row.case_no.as_deref()),
        (id.to_string().as_str(), ApplicationPhaseDto::PreReview, None)
    );
    assert_eq!(row.step.as_ref().map(|s| s.hans.as_str()), Some("预审"));
    assert_eq!(row.due, phase().await.next_deadline, "the art. 32 day");
    assert!(queue_json(&desk, &session, "in_approval").await.rows.is_empty());

    // Another department sees nothing of it.
    let (police, police_csrf) = desk.sign_in(POLICE).await;
    assert!(queue_json(&desk, &police, "pre_review").await.rows.is_empty());
    assert!(!desk.get("/desk/queue", &police).await.text().await.expect("body").contains(&id.to_string()));
    assert_eq!(desk.get(&page_path, &police).await.status(), StatusCode::NOT_FOUND);
    let accept_by_police = desk
        .post(&page_path, &police, &[("csrf", &police_csrf), ("action", "accept"), ("version", "1")])
        .await;
    assert_eq!(accept_by_police.status(), StatusCode::NOT_FOUND);

    // The page: the number masked until asked, the material's file served as stored.
    let page = desk.get(&page_path, &session).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.expect("body");
    assert!(page.contains("4201**********1238") && !page.contains(CITIZEN), "masked");
    assert!(page.contains("data-test=\"accept\"") && page.contains("data-test=\"correction\""));
    let revealed = desk.get(&format!("{page_path}?reveal=id"), &session).await.text().await.expect("body");
    assert!(revealed.contains(CITIZEN), "shown whole when the officer asks");
    let digest: String =
        shimin_core::crypto::sha256(DEMO_UPLOAD_PNG).iter().map(|b| format!("{b:02x}")).collect();
    let upload_path = format!("{page_path}/uploads/{digest}");
    assert!(page.contains(&upload_path), "a link to the uploaded file");
    let file = desk.get(&upload_path, &session).await;
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(file.headers().get(CONTENT_TYPE).expect("type"), "image/png");
    assert_eq!(file.headers().get("content-disposition").expect("disposition"), "inline");
    assert_eq!(file.headers().get("x-content-type-options").expect("nosniff"), "nosniff");
    assert_eq!(file.bytes().await.expect("bytes").as_ref(), DEMO_UPLOAD_PNG);
    assert_eq!(
        desk.get(&upload_path, &police).await.status(),
        StatusCode::NOT_FOUND,
        "not another department's"
    );
    let unknown = format!("{page_path}/uploads/{}", "0".repeat(64));
    assert_eq!(desk.get(&unknown, &session).await.status(), StatusCode::NOT_FOUND);

    // 受理 without the CSRF token: refused, nothing changed.
    let before = phase().await;
    let forged = desk.post(&page_path, &session, &[("action", "accept"), ("version", "1")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(phase().await, before);

    // 受理 once; the double submit is "already done" and changes nothing.
    let accept = [("csrf", csrf.as_str()), ("action", "accept"), ("version", "1")];
    let done = desk.post(&page_path, &session, &accept).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), format!("{page_path}?done=1"));
    let accepted = phase().await;
    assert_eq!(accepted.state.phase(), Phase::InApproval);
    let twice = desk.post(&page_path, &session, &accept).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    assert!(twice.text().await.expect("body").contains("已处理"));
    assert_eq!(phase().await, accepted, "nothing done twice");

    // Another officer's page read before the acceptance is stale.
    let (reviewer, reviewer_csrf) = desk.sign_in(REVIEWER).await;
    let stale = desk
        .post(&page_path, &reviewer, &[("csrf", &reviewer_csrf), ("action", "accept"), ("version", "1")])
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert!(stale.text().await.expect("body").contains("该办件已被他人处理，请刷新"));
    assert_eq!(phase().await, accepted);

    // 审批中: the row with its case number and step; then 通过 closes it.
    let json = queue_json(&desk, &session, "in_approval").await;
    assert_eq!(json.rows.len(), 1);
    assert_eq!(json.rows[0].case_no, accepted.case_no);
    assert!(json.rows[0].due.is_some() && !json.rows[0].overdue);
    assert!(queue_json(&desk, &session, "pre_review").await.rows.is_empty());
    let staff = desk.staff(ADMIN.0).await;
    let file = desk.backend.desk_case(&staff, &id.to_string(), false).await.expect("file");
    let step = &file.timeline.steps[0];
    let (stage, number, version) = (step.stage.to_string(), step.step.to_string(), step.version.to_string());
    let approve = [
        ("csrf", csrf.as_str()),
        ("action", "approve"),
        ("stage", stage.as_str()),
        ("department", step.department.as_str()),
        ("step", number.as_str()),
        ("branch_version", version.as_str()),
    ];
    let refused_without_reason = desk
        .post(
            &page_path,
            &session,
            &[
                ("csrf", csrf.as_str()),
                ("action", "refuse"),
                ("stage", &stage),
                ("department", &step.department),
                ("step", &number),
                ("branch_version", &version),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(refused_without_reason.status(), StatusCode::UNPROCESSABLE_ENTITY, "不予许可 needs a reason");
    assert_eq!(phase().await, accepted);
    assert_eq!(desk.post(&page_path, &session, &approve).await.status(), StatusCode::SEE_OTHER);
    // The approval's result follows at once (this service's is a signed document, no certificate).
    assert_eq!(phase().await.state.phase(), Phase::ResultIssued);
    let closed = queue_json(&desk, &session, "closed").await;
    assert_eq!(closed.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), [id.to_string()]);
    assert!(queue_json(&desk, &session, "in_approval").await.rows.is_empty());
    let again = desk.post(&page_path, &session, &approve).await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "the second 通过 is already done");
}

#[tokio::test]
async fn the_hall_window_shows_progress_for_a_genuine_case_qr_and_refuses_a_forged_one() {
    let desk = Desk::default().await;
    let now = shimin_backend::now();
    let id =
        demo_application(&desk.backend, 0x6b, CITIZEN, CHAOYANG_CIVIL_AFFAIRS_CODE, now).await.expect("demo");
    let staff = desk.staff(ADMIN.0).await;
    let accepted = desk
        .backend
        .desk_action(&staff, id, DeskActionRequest::Accept { version: 1 }, now)
        .await
        .expect("accepted");
    let code = desk.backend.case_qr_text(&accepted, now).await.expect("a signed case QR");
    assert!(code.starts_with("SMC1:"));

    // Any department's staff may look up progress.
    let (police, csrf) = desk.sign_in(POLICE).await;
    let found = desk.post("/desk/hall", &police, &[("csrf", &csrf), ("code", &code)]).await;
    assert_eq!(found.status(), StatusCode::OK);
    let page = found.text().await.expect("body");
    let case_no = accepted.case_no.clone().expect("a case number");
    assert!(page.contains(&case_no) && page.contains("审批中"), "the case's progress");
    assert!(!page.contains("申请材料") && !page.contains(CITIZEN), "never the materials or the citizen");

    // An altered code, a made-up one, and one without the CSRF token.
    let mut altered = code.clone().into_bytes();
    let at = altered.len() / 2;
    altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).expect("text");
    for bad in [altered.as_str(), "SMC1:NOTACODE", "hello"] {
        let response = desk.post("/desk/hall", &police, &[("csrf", &csrf), ("code", bad)]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(response.text().await.expect("body").contains("二维码无效"));
    }
    assert_eq!(desk.post("/desk/hall", &police, &[("code", &code)]).await.status(), StatusCode::FORBIDDEN);

    // The rectification tickets: none yet, read-only.
    let (session, _) = desk.sign_in(ADMIN).await;
    let tickets = desk.get("/desk/rectifications", &session).await;
    assert_eq!(tickets.status(), StatusCode::OK);
    assert!(tickets.text().await.expect("body").contains("没有整改工单"));
}

#[tokio::test]
async fn a_wallet_presentation_is_verified_again_and_a_forged_one_shown_invalid() {
    let desk = Desk::default().await;
    let forged = "SM1:6BFOXN*TS0BI$ZD.P9N3K3".to_owned();
    let id = demo_application_with(
        &desk.backend,
        0x7c,
        CITIZEN,
        CHAOYANG_CIVIL_AFFAIRS_CODE,
        shimin_backend::now(),
        Some(forged),
    )
    .await
    .expect("demo");
    let staff = desk.staff(ADMIN.0).await;
    let file = desk.backend.desk_case(&staff, &id.to_string(), false).await.expect("file");
    assert_eq!(file.presentations.len(), 1);
    assert_eq!(file.presentations[0].1.outcome, shimin_core::verifier::Outcome::Invalid);
    let (session, _) = desk.sign_in(ADMIN).await;
    let page = desk.get(&format!("/desk/applications/{id}"), &session).await.text().await.expect("body");
    assert!(page.contains("电子证照核验") && page.contains("无效"), "the verdict is shown");
}

/// The step form's fields of the department's first step of application `id`, as its page has
/// them.
async fn step_form(desk: &Desk, id: &str) -> Vec<(String, String)> {
    let staff = desk.staff(ADMIN.0).await;
    let file = desk.backend.desk_case(&staff, id, false).await.expect("file");
    let step = &file.timeline.steps[0];
    vec![
        ("stage".into(), step.stage.to_string()),
        ("department".into(), step.department.clone()),
        ("step".into(), step.step.to_string()),
        ("branch_version".into(), step.version.to_string()),
    ]
}

async fn post_pairs(desk: &Desk, path: &str, session: &str, pairs: &[(String, String)]) -> reqwest::Response {
    desk.http.post(desk.url(path)).header(COOKIE, session).form(pairs).send().await.expect("POST")
}

#[tokio::test]
async fn correction_in_one_request_the_clock_stopped_and_restarted_a_forward_and_the_overdue_tab() {
    let desk = Desk::default().await;
    let now = shimin_backend::now();
    let (session, csrf) = desk.sign_in(ADMIN).await;
    let with_csrf = |pairs: &[(&str, &str)]| {
        let mut all = vec![("csrf".to_owned(), csrf.clone())];
        all.extend(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        all
    };

    // 补正: every ticked item with its reason, in one request; none ticked is refused.
    let first =
        demo_application(&desk.backend, 0x11, CITIZEN, CHAOYANG_CIVIL_AFFAIRS_CODE, now).await.expect("demo");
    let path = format!("/desk/applications/{first}");
    let empty =
        post_pairs(&desk, &path, &session, &with_csrf(&[("action", "correction"), ("version", "1")])).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY, "nothing to fix is no correction request");
    let before_events = desk.backend.store.application_events(first).await.expect("events").len();
    let form = with_csrf(&[
        ("action", "correction"),
        ("version", "1"),
        ("fix", "m0"),
        ("reason-m0", "照片不清晰"),
        ("fix", "f-address"),
        ("reason-f-address", "地址不完整"),
    ]);
    assert_eq!(post_pairs(&desk, &path, &session, &form).await.status(), StatusCode::SEE_OTHER);
    let record = desk.backend.store.application(first).await.expect("read").expect("there");
    assert_eq!(record.state.phase(), Phase::CorrectionRequested);
    assert_eq!(record.state.correction().map(<[_]>::len), Some(2), "both items at once");
    assert_eq!(desk.backend.store.application_events(first).await.expect("events").len(), before_events + 1);

    // 中止计时 and 恢复计时 on an accepted one; the queue shows the stopped clock.
    let second =
        demo_application(&desk.backend, 0x22, CITIZEN, CHAOYANG_CIVIL_AFFAIRS_CODE, now).await.expect("demo");
    let path = format!("/desk/applications/{second}");
    let accept = with_csrf(&[("action", "accept"), ("version", "1")]);
    assert_eq!(post_pairs(&desk, &path, &session, &accept).await.status(), StatusCode::SEE_OTHER);
    let mut stop = with_csrf(&[("action", "stop_clock"), ("procedure", "hearing")]);
    stop.extend(step_form(&desk, &second.to_string()).await);
    assert_eq!(post_pairs(&desk, &path, &session, &stop).await.status(), StatusCode::SEE_OTHER);
    let row = queue_json(&desk, &session, "in_approval")
        .await
        .rows
        .into_iter()
        .find(|r| r.id == second.to_string());
    assert_eq!(row.expect("in the queue").due, None, "a stopped clock has no due date");
    let page = desk.get("/desk/queue?tab=in_approval", &session).await.text().await.expect("body");
    assert!(page.contains("计时中止"));
    let mut restart = with_csrf(&[("action", "restart_clock")]);
    restart.extend(step_form(&desk, &second.to_string()).await);
    assert_eq!(post_pairs(&desk, &path, &session, &restart).await.status(), StatusCode::SEE_OTHER);
    let row = queue_json(&desk, &session, "in_approval")
        .await
        .rows
        .into_iter()
        .find(|r| r.id == second.to_string());
    assert!(row.expect("in the queue").due.is_some(), "counting again");

    // 转办 to the reviewer: the step's holder.
    let mut forward =
        with_csrf(&[("action", "forward"), ("officer", REVIEWER.0), ("unit", CHAOYANG_CIVIL_AFFAIRS_CODE)]);
    forward.extend(step_form(&desk, &second.to_string()).await);
    assert_eq!(post_pairs(&desk, &path, &session, &forward).await.status(), StatusCode::SEE_OTHER);
    let staff = desk.staff(ADMIN.0).await;
    let file = desk.backend.desk_case(&staff, &second.to_string(), false).await.expect("file");
    assert_eq!(file.timeline.steps[0].holder.as_deref(), Some(REVIEWER.0));

    // Three weeks on, the overdue sweep flags it: the 已逾期 tab, red with its text.
    assert!(queue_json(&desk, &session, "overdue").await.rows.is_empty());
    desk.backend.sweep_applications(now + 21 * 86_400).await.expect("sweep");
    let overdue = queue_json(&desk, &session, "overdue").await;
    assert_eq!(overdue.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), [second.to_string()]);
    assert!(overdue.rows[0].overdue);
    let page = desk.get("/desk/queue?tab=overdue", &session).await.text().await.expect("body");
    assert!(page.contains("data-test=\"overdue\"") && page.contains("⚠ 已逾期"), "flagged with text");

    // The pages in English.
    let english = format!("shimin_desk_lang=en; {session}");
    let page = desk.get("/desk/queue?tab=overdue", &english).await.text().await.expect("body");
    assert!(page.contains("In approval") && page.contains("Overdue"));
    let page = desk.get(&path, &english).await.text().await.expect("body");
    assert!(page.contains("Timeline") && page.contains("Approve"));
}
