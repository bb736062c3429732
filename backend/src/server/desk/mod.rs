//! The department's workbench (工作台, ADR 0007): server-rendered pages under `/desk/` for
//! staff, signed in with their staff account. Handlers are thin: read the session, parse the
//! form, call one `Backend` method (`service::desk`), render a page or redirect.
//!
//! Every POST carries a CSRF token tied to the session (`session.rs`); every page is answered with
//! a strict Content-Security-Policy and is never cached; everything shown or acted on is the
//! staff member's department's.

pub mod case_pages;
pub mod case_texts;
pub mod i18n;
pub mod pages;
pub mod session;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::Markup;
use serde::Deserialize;

use self::i18n::DeskLang;
use self::pages::{Frame, Nav, Who};
use self::session::{
    LANG_COOKIE, PRE_COOKIE, SESSION_COOKIE, Sessions, cookie, csrf_matches, csrf_token, same_origin,
    set_cookie,
};
use super::AppState;
use super::ratelimit::{LimitKey, RouteClass};
use crate::now;
use crate::service::desk::{DeskError, DeskRole, ServiceAction};
use crate::service::{ServiceError, b64, random};
use crate::store::StaffRecord;

/// The Content-Security-Policy of every workbench response: nothing but this server's own
/// stylesheet, no script at all, forms only to this server, never in a frame.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                       frame-ancestors 'none'; base-uri 'none'";

/// The state of the workbench's handlers.
#[derive(Debug, Clone)]
struct Desk {
    app: AppState,
    sessions: Arc<Sessions>,
    /// Whether cookies are marked Secure: the backend's public URL is HTTPS.
    secure: bool,
}

/// The workbench's routes, to be merged into the server's router.
pub fn routes(state: &AppState) -> Router<AppState> {
    let desk = Desk {
        app: state.clone(),
        sessions: Arc::new(Sessions::new(state.backend.config.desk_idle_secs)),
        secure: state.backend.config.public_url.starts_with("https://"),
    };
    Router::new()
        .route("/desk", get(home))
        .route("/desk/", get(home))
        .route("/desk/login", get(sign_in_page).post(sign_in))
        .route("/desk/logout", post(sign_out))
        .route("/desk/language", post(language))
        .route("/desk/queue", get(cases::queue))
        .route("/desk/applications/{id}", get(cases::application).post(cases::act))
        .route("/desk/applications/{id}/uploads/{sha256}", get(cases::upload))
        .route("/desk/rectifications", get(cases::rectifications))
        .route("/desk/hall", get(cases::hall_page).post(cases::hall_lookup))
        .route("/desk/services", get(services))
        .route("/desk/services/{code}", get(guide))
        .route("/desk/services/{code}/{action}", get(confirm).post(act))
        .route("/desk/static/desk.css", get(stylesheet))
        .layer(middleware::map_response(security_headers))
        .with_state(desk)
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert("content-security-policy", HeaderValue::from_static(CSP));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

async fn stylesheet() -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")),
            (CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        include_str!("desk.css"),
    )
        .into_response()
}

/// The language the browser chose (the default: 简体中文).
fn language_of(headers: &HeaderMap) -> DeskLang {
    cookie(headers, LANG_COOKIE).and_then(DeskLang::parse).unwrap_or_default()
}

/// A signed-in staff member, with their session token and its CSRF token.
struct Signed {
    staff: StaffRecord,
    who: Who,
    token: String,
    csrf: String,
}

/// Why a request has no live session.
enum NoSession {
    /// No session cookie.
    Absent,
    /// A cookie whose session ended (idle, expired, signed out elsewhere, the server restarted).
    Ended,
}

impl Desk {
    /// The session of the request, if it is alive (each request counts as activity).
    async fn signed(&self, headers: &HeaderMap) -> Result<Result<Signed, NoSession>, ServiceError> {
        let Some(token) = cookie(headers, SESSION_COOKIE) else { return Ok(Err(NoSession::Absent)) };
        let now = now();
        if !self.sessions.touch(token, now) {
            // Idle too long (or unknown here): the token ends in the store too.
            self.app.backend.revoke_token(token, now).await?;
            return Ok(Err(NoSession::Ended));
        }
        let staff = match self.app.backend.staff_for_token(token, now).await {
            Ok(staff) => staff,
            Err(ServiceError::Unauthorized) => {
                self.sessions.end(token);
                return Ok(Err(NoSession::Ended));
            }
            Err(e) => return Err(e),
        };
        let who = Who {
            department: self.app.backend.department_name(&staff).await?,
            login: staff.login.clone(),
            role: DeskRole::of(&staff),
        };
        Ok(Ok(Signed { staff, who, token: token.to_owned(), csrf: csrf_token(token) }))
    }

    fn clear_session(&self) -> String {
        set_cookie(SESSION_COOKIE, "", self.secure, Some(0))
    }
}

fn html(status: StatusCode, markup: Markup) -> Response {
    (status, markup).into_response()
}

/// Where a request without a live session goes.
fn to_sign_in(why: &NoSession, desk: &Desk) -> Response {
    match why {
        NoSession::Absent => Redirect::to("/desk/login").into_response(),
        NoSession::Ended => {
            ([(SET_COOKIE, desk.clear_session())], Redirect::to("/desk/login?ended=1")).into_response()
        }
    }
}

/// A failure of ours: logged by its fixed text, shown as the generic refusal.
fn failed(lang: DeskLang, error: &ServiceError, signed: Option<&Signed>, path: &str) -> Response {
    tracing::error!(error = %error, "workbench request failed");
    let csrf = signed.map_or("", |s| s.csrf.as_str());
    let frame = Frame { lang, csrf, who: signed.map(|s| &s.who), nav: Nav::None, path };
    html(StatusCode::INTERNAL_SERVER_ERROR, pages::refused(frame, lang.t().failed))
}

/// Resolves the session or answers for the handler (redirect to sign-in, or failure).
macro_rules! signed_or_answer {
    ($desk:expr, $headers:expr, $lang:expr, $path:expr) => {
        match $desk.signed(&$headers).await {
            Ok(Ok(signed)) => signed,
            Ok(Err(why)) => return to_sign_in(&why, &$desk),
            Err(e) => return failed($lang, &e, None, $path),
        }
    };
}

// After the macro it uses.
mod cases;

async fn home(State(desk): State<Desk>, headers: HeaderMap) -> Response {
    let lang = language_of(&headers);
    let _signed = signed_or_answer!(desk, headers, lang, "/desk/");
    Redirect::to("/desk/queue").into_response()
}

async fn sign_in_page(State(desk): State<Desk>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let lang = language_of(&headers);
    if let Ok(Ok(_)) = desk.signed(&headers).await {
        return Redirect::to("/desk/queue").into_response();
    }
    let notice = (query.as_deref() == Some("ended=1")).then_some(lang.t().session_ended);
    sign_in_with(&desk, &headers, lang, StatusCode::OK, notice)
}

/// The sign-in page with its pre-session cookie (kept if the browser has one).
fn sign_in_with(
    desk: &Desk,
    headers: &HeaderMap,
    lang: DeskLang,
    status: StatusCode,
    notice: Option<&str>,
) -> Response {
    let pre = match cookie(headers, PRE_COOKIE) {
        Some(pre) => pre.to_owned(),
        None => match random::<32>() {
            Ok(bytes) => b64(&bytes),
            Err(e) => return failed(lang, &e, None, "/desk/login"),
        },
    };
    let csrf = csrf_token(&pre);
    let frame = Frame { lang, csrf: &csrf, who: None, nav: Nav::None, path: "/desk/login" };
    let page = pages::sign_in(frame, notice);
    ([(SET_COOKIE, set_cookie(PRE_COOKIE, &pre, desk.secure, None))], html(status, page)).into_response()
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
struct SignInForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

async fn sign_in(
    State(desk): State<Desk>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let lang = language_of(&headers);
    let t = lang.t();
    let limiter = &desk.app.limiter;
    if !limiter.allow(RouteClass::Login, LimitKey::Source(addr.ip()), Instant::now()) {
        return sign_in_with(&desk, &headers, lang, StatusCode::TOO_MANY_REQUESTS, Some(t.too_many));
    }
    let pre = cookie(&headers, PRE_COOKIE).unwrap_or_default();
    if pre.is_empty() || !same_origin(&headers) || !csrf_matches(pre, form.csrf.as_deref()) {
        return sign_in_with(&desk, &headers, lang, StatusCode::FORBIDDEN, Some(t.forged));
    }
    // No account has a longer login (`create_staff`): refused before it could key a bucket.
    if form.login.is_empty() || form.login.len() > 64 {
        return sign_in_with(&desk, &headers, lang, StatusCode::UNAUTHORIZED, Some(t.sign_in_refused));
    }
    if !limiter.allow(RouteClass::Login, LimitKey::Account(&form.login), Instant::now()) {
        return sign_in_with(&desk, &headers, lang, StatusCode::TOO_MANY_REQUESTS, Some(t.too_many));
    }
    let now = now();
    match desk.app.backend.staff_session(&form.login, &form.password, now).await {
        Ok((_, token, _)) => {
            desk.sessions.begin(&token, now);
            let session = set_cookie(SESSION_COOKIE, &token, desk.secure, None);
            let pre = set_cookie(PRE_COOKIE, "", desk.secure, Some(0));
            let mut response = Redirect::to("/desk/queue").into_response();
            for value in [session, pre] {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    response.headers_mut().append(SET_COOKIE, v);
                }
            }
            response
        }
        Err(ServiceError::Unauthorized | ServiceError::BadInput(_)) => {
            sign_in_with(&desk, &headers, lang, StatusCode::UNAUTHORIZED, Some(t.sign_in_refused))
        }
        Err(e) => failed(lang, &e, None, "/desk/login"),
    }
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: Option<String>,
}

/// The refusal of a form whose CSRF token (or origin) is not the session's.
fn forged(lang: DeskLang, signed: Option<&Signed>) -> Response {
    let csrf = signed.map_or("", |s| s.csrf.as_str());
    let frame = Frame { lang, csrf, who: signed.map(|s| &s.who), nav: Nav::None, path: "/desk/" };
    html(StatusCode::FORBIDDEN, pages::refused(frame, lang.t().forged))
}

fn csrf_ok(headers: &HeaderMap, signed: &Signed, given: Option<&str>) -> bool {
    same_origin(headers) && csrf_matches(&signed.token, given)
}

async fn sign_out(State(desk): State<Desk>, headers: HeaderMap, Form(form): Form<CsrfForm>) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/");
    if !csrf_ok(&headers, &signed, form.csrf.as_deref()) {
        return forged(lang, Some(&signed));
    }
    desk.sessions.end(&signed.token);
    if let Err(e) = desk.app.backend.revoke_token(&signed.token, now()).await {
        return failed(lang, &e, Some(&signed), "/desk/");
    }
    ([(SET_COOKIE, desk.clear_session())], Redirect::to("/desk/login")).into_response()
}

/// The language switch.
#[derive(Debug, Deserialize)]
struct LanguageForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
}

/// Whether `path` is a workbench page to send the browser back to (nothing else: no open
/// redirect).
fn is_desk_path(path: &str) -> bool {
    path.starts_with("/desk/")
        && path.len() <= 200
        && path.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_'))
        && !path.contains("//")
}

async fn language(State(desk): State<Desk>, headers: HeaderMap, Form(form): Form<LanguageForm>) -> Response {
    let lang = language_of(&headers);
    // Signed in: the session's token; before sign-in: the pre-session's.
    let signed = match desk.signed(&headers).await {
        Ok(Ok(signed)) => Some(signed),
        Ok(Err(_)) => None,
        Err(e) => return failed(lang, &e, None, "/desk/"),
    };
    let secret = match &signed {
        Some(s) => s.token.clone(),
        None => cookie(&headers, PRE_COOKIE).unwrap_or_default().to_owned(),
    };
    if secret.is_empty() || !same_origin(&headers) || !csrf_matches(&secret, form.csrf.as_deref()) {
        return forged(lang, signed.as_ref());
    }
    let chosen = DeskLang::parse(&form.lang).unwrap_or_default();
    let back = if is_desk_path(&form.back) { form.back } else { "/desk/".to_owned() };
    let cookie = set_cookie(LANG_COOKIE, chosen.tag(), desk.secure, Some(365 * 24 * 3_600));
    ([(SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

async fn services(State(desk): State<Desk>, headers: HeaderMap) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/services");
    match desk.app.backend.department_services(&signed.staff).await {
        Ok(list) => {
            let frame = Frame {
                lang,
                csrf: &signed.csrf,
                who: Some(&signed.who),
                nav: Nav::Catalogue,
                path: "/desk/services",
            };
            html(StatusCode::OK, pages::catalogue(frame, &list))
        }
        Err(e) => failed(lang, &e, Some(&signed), "/desk/services"),
    }
}

/// A refusal of the workbench's service layer as a page with its status.
fn refusal(lang: DeskLang, error: &DeskError, signed: &Signed, path: &str) -> Response {
    let status = match error {
        DeskError::OtherDepartment | DeskError::NotAdministrator => StatusCode::FORBIDDEN,
        DeskError::UnknownService => StatusCode::NOT_FOUND,
        DeskError::WrongState => StatusCode::CONFLICT,
        DeskError::Service(e) => return failed(lang, e, Some(signed), path),
    };
    let frame = Frame { lang, csrf: &signed.csrf, who: Some(&signed.who), nav: Nav::Catalogue, path };
    html(status, pages::refused(frame, lang.t().refusal(error)))
}

/// The page path of a service (its code is checked before it is ever put in a path).
fn service_path(code: &str) -> String {
    format!("/desk/services/{code}")
}

async fn guide(
    State(desk): State<Desk>,
    headers: HeaderMap,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/services");
    match desk.app.backend.department_service(&signed.staff, &code).await {
        Ok(service) => {
            let path = service_path(&service.code.to_string());
            let frame =
                Frame { lang, csrf: &signed.csrf, who: Some(&signed.who), nav: Nav::Catalogue, path: &path };
            let done = query.as_deref() == Some("done=1");
            html(StatusCode::OK, pages::guide(frame, &service, signed.who.role, done))
        }
        Err(e) => refusal(lang, &e, &signed, "/desk/services"),
    }
}

async fn confirm(
    State(desk): State<Desk>,
    headers: HeaderMap,
    Path((code, action)): Path<(String, String)>,
) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/services");
    let Some(action) = ServiceAction::parse(&action) else {
        return refusal(lang, &DeskError::UnknownService, &signed, "/desk/services");
    };
    let service = match desk.app.backend.department_service(&signed.staff, &code).await {
        Ok(service) => service,
        Err(e) => return refusal(lang, &e, &signed, "/desk/services"),
    };
    let path = service_path(&service.code.to_string());
    if signed.who.role != DeskRole::Administrator {
        return refusal(lang, &DeskError::NotAdministrator, &signed, &path);
    }
    if !action.applies_to(service.status) {
        return refusal(lang, &DeskError::WrongState, &signed, &path);
    }
    let frame = Frame { lang, csrf: &signed.csrf, who: Some(&signed.who), nav: Nav::Catalogue, path: &path };
    html(StatusCode::OK, pages::confirm(frame, &service, action))
}

async fn act(
    State(desk): State<Desk>,
    headers: HeaderMap,
    Path((code, action)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let lang = language_of(&headers);
    let signed = signed_or_answer!(desk, headers, lang, "/desk/services");
    if !csrf_ok(&headers, &signed, form.csrf.as_deref()) {
        return forged(lang, Some(&signed));
    }
    let Some(action) = ServiceAction::parse(&action) else {
        return refusal(lang, &DeskError::UnknownService, &signed, "/desk/services");
    };
    match desk.app.backend.act_on_service(&signed.staff, &code, action, now()).await {
        Ok(service) => {
            Redirect::to(&format!("{}?done=1", service_path(&service.code.to_string()))).into_response()
        }
        Err(e) => refusal(lang, &e, &signed, "/desk/services"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_workbench_paths_are_returned_to() {
        assert!(is_desk_path("/desk/services/11110105MB0000003J0001"));
        assert!(is_desk_path("/desk/login"));
        for bad in
            ["https://evil.example/", "//evil.example", "/desk//evil", "/v1/staff", "/desk/a?b", "/desk/%2f"]
        {
            assert!(!is_desk_path(bad), "{bad} must not be a way back");
        }
    }
}
