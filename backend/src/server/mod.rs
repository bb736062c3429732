//! The HTTP server: routes, shared state, limits, graceful shutdown and TLS. Handlers are thin:
//! parse, call one [`Backend`] method, answer.

mod applications;
pub mod desk;
mod desk_queue;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod ratelimit;
mod ratings;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, RawPathParams, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shimin_wire::backend::{
    CaseView, CertificateView, ChallengeResponse, DeclineRequest, DeviceListResponse, DeviceTokenRequest,
    DeviceTokenResponse, EnrolmentCodeRequest, EnrolmentCodeResponse, HealthResponse, IDEMPOTENCY_KEY_HEADER,
    IdentityRequestView, IssueCertificateRequest, KeyCompromiseRequest, KeyCompromiseResponse,
    KeyRotationResponse, LivenessChallengeResponse, LivenessEnrolmentRequest, LivenessPaceResponse,
    OpenCaseRequest, RegisterDeviceRequest, RegisterDeviceResponse, RemoveDeviceRequest,
    RenewCertificateRequest, StaffLoginRequest, StaffLoginResponse, StatusChangeRequest, SyncPushRequest,
    SyncPushResponse,
};
use shimin_wire::error::ErrorCode;

use self::error::ApiError;
use self::extract::{ApiJson, BinaryBody, Device, Staff, bearer};
use self::ratelimit::{LimitKey, RateLimiter, RouteClass};
use crate::service::calendar::{DaysQuery, DueQuery};
use crate::service::catalogue::{ServiceQuery, feed_params};
use crate::service::issuance::{require_issuer, view_of};
use crate::service::{Backend, ServiceError};
use crate::{now, now_ms};

/// The largest request body accepted, bytes.
pub const MAX_BODY: usize = 256 * 1024;
/// The largest body of the paced liveness check's frame routes: a signed frame batch of up to
/// `shimin_core::liveness::MAX_FRAME_BATCH_BYTES`, and a little for the signature around it.
pub const MAX_FRAME_BATCH_BODY: usize = shimin_core::liveness::MAX_FRAME_BATCH_BYTES + 4 * 1024;

/// Limits of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Requests in a burst on the rate-limited routes, for each class of them (login,
    /// enrolment, device sign-in) and each source address (IPv6: each /64) or account.
    pub auth_burst: u32,
    /// Requests a minute after the burst.
    pub auth_per_minute: u32,
    /// Requests in a burst on the public catalogue's routes, per source (a search as the citizen
    /// types is a request a keystroke).
    pub public_burst: u32,
    /// Requests a minute on the public catalogue's routes after the burst, per source.
    pub public_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self { auth_burst: 20, auth_per_minute: 30, public_burst: 300, public_per_minute: 600 }
    }
}

/// Shared state of the handlers.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The backend.
    pub backend: Backend,
    limiter: Arc<RateLimiter>,
}

type ApiResult<T> = Result<T, ApiError>;

async fn healthz(State(s): State<AppState>) -> ApiResult<Json<HealthResponse>> {
    // A primary-key read proves the database answers without counting anything (a count is
    // both a disclosure and, on a large registry, work an anonymous caller could make us do).
    s.backend.store.department("").await.map_err(ServiceError::from)?;
    Ok(Json(HealthResponse { status: "ok".into() }))
}

/// Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 §13.1.2: `W/"x"` and `"x"`
/// match), or is `*`.
fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let wanted = opaque(etag);
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == "*" || opaque(tag) == wanted)
}

/// Answers with `ETag` and `Cache-Control`: 304 without a body when `If-None-Match` names the
/// tag, else the response `body` makes.
fn cached(headers: &HeaderMap, etag: &str, cache_control: &str, body: impl FnOnce() -> Response) -> Response {
    let mut response =
        if etag_matches(headers, etag) { StatusCode::NOT_MODIFIED.into_response() } else { body() };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        headers.insert(ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(cache_control) {
        headers.insert(CACHE_CONTROL, v);
    }
    response
}

/// Answers a signed document with a strong ETag, `Cache-Control` and 304 on a match.
fn signed_document(headers: &HeaderMap, bytes: Vec<u8>, etag: &str, max_age: i64) -> Response {
    let cache = format!("public, max-age={}, must-revalidate", max_age.max(0));
    cached(headers, etag, &cache, || {
        ([(CONTENT_TYPE, HeaderValue::from_static("application/cose"))], bytes).into_response()
    })
}

/// How long a cache may keep a catalogue answer without asking again.
const CATALOGUE_CACHE: &str = "public, max-age=60";

/// The query string's pairs, or a 400 in the API's error shape.
fn pairs(query: Result<Query<Vec<(String, String)>>, QueryRejection>) -> ApiResult<Vec<(String, String)>> {
    query
        .map(|Query(pairs)| pairs)
        .map_err(|_| ServiceError::BadInput("the query string is not valid").into())
}

/// `GET /v1/services`: the catalogue, or what a query selects, best first. The ETag is the
/// catalogue version (the URL holds the rest of what the answer depends on).
async fn services(
    State(s): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Response> {
    let query = ServiceQuery::parse(&pairs(query)?)?;
    let index = s.backend.catalogue_index().await?;
    let list = index.list(&query)?;
    Ok(cached(&headers, &format!("W/\"cat-{}\"", index.version()), CATALOGUE_CACHE, || {
        Json(list).into_response()
    }))
}

/// `GET /v1/services/{code}`: a service's whole guide.
async fn service_guide(
    State(s): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let service = s.backend.service_guide(&code).await?;
    let etag = format!("W/\"svc-{}\"", service.version);
    Ok(cached(&headers, &etag, CATALOGUE_CACHE, || Json(service.into_document()).into_response()))
}

/// `GET /v1/catalogue/changes?since=V&limit=N`: the feed (`docs/formats/catalogue.md`).
async fn catalogue_changes(
    State(s): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Response> {
    let (since, limit) = feed_params(&pairs(query)?)?;
    let page = s.backend.catalogue_changes(since.as_deref(), limit.as_deref()).await?;
    Ok(cached(&headers, &format!("W/\"cat-{}\"", page.head), CATALOGUE_CACHE, || Json(page).into_response()))
}

/// How long a cache may keep a working-day answer: it changes only when the operator loads
/// another notice and restarts.
const CALENDAR_CACHE: &str = "public, max-age=3600";

/// `GET /v1/calendar/due?from=…&working_days=…` (`docs/formats/calendar.md`).
async fn calendar_due(
    State(s): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Response> {
    let due = s.backend.calendar_due(DueQuery::parse(&pairs(query)?)?)?;
    Ok(([(CACHE_CONTROL, HeaderValue::from_static(CALENDAR_CACHE))], Json(due)).into_response())
}

/// `GET /v1/calendar/days?from=…&to=…` (`docs/formats/calendar.md`).
async fn calendar_days(
    State(s): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> ApiResult<Response> {
    let days = s.backend.calendar_days(DaysQuery::parse(&pairs(query)?)?)?;
    Ok(([(CACHE_CONTROL, HeaderValue::from_static(CALENDAR_CACHE))], Json(days)).into_response())
}

async fn trust_list(State(s): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let doc = s.backend.trust_list(now()).await?;
    Ok(signed_document(&headers, doc.bytes, &doc.etag, 3_600))
}

async fn root_key(State(s): State<AppState>) -> Response {
    let bytes = s.backend.root().verifying_key().as_bytes().to_vec();
    ([(CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
}

async fn status_list(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let at = now();
    let doc = s.backend.status_list(id, at).await?;
    let max_age = doc.published_at + s.backend.config.status_list_ttl - at;
    Ok(signed_document(&headers, doc.bytes, &doc.etag, max_age))
}

/// Refuses a request of a rate-limited route `class` over its budget — its source's (an IPv4
/// address, an IPv6 /64), then that of the account its path names (`{id}`: a device, a
/// liveness check) — before anything of its body is read.
async fn rate_limit(
    State((s, class)): State<(AppState, RouteClass)>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    path: RawPathParams,
    request: Request,
    next: Next,
) -> Response {
    let at = Instant::now();
    // The id as a number, so that `01` and `1` are one account.
    let account = path.iter().find(|(name, _)| *name == "id").and_then(|(_, id)| id.parse::<i64>().ok());
    let allowed = s.limiter.allow(class, LimitKey::Source(addr.ip()), at)
        && account.is_none_or(|id| s.limiter.allow(class, LimitKey::Account(&id.to_string()), at));
    if allowed {
        next.run(request).await
    } else {
        ApiError::from(ServiceError::TooManyRequests).into_response()
    }
}

/// Refuses a request over the budget of the account its body names (an ID number), once the
/// body is parsed; its source's budget was checked before.
fn account_limited(s: &AppState, class: RouteClass, account: &str) -> ApiResult<()> {
    if s.limiter.allow(class, LimitKey::Account(account), Instant::now()) {
        Ok(())
    } else {
        Err(ServiceError::TooManyRequests.into())
    }
}

async fn staff_login(
    State(s): State<AppState>,
    ApiJson(body): ApiJson<StaffLoginRequest>,
) -> ApiResult<Json<StaffLoginResponse>> {
    // The account's own defence is its lock after failed logins (in the service, stored).
    Ok(Json(s.backend.staff_login(&body.login, &body.password, now()).await?))
}

async fn staff_logout(State(s): State<AppState>, Staff(_): Staff, request: Request) -> ApiResult<StatusCode> {
    let (parts, _) = request.into_parts();
    if let Some(token) = bearer(&parts) {
        s.backend.revoke_token(token, now()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn issue(
    State(s): State<AppState>,
    Staff(staff): Staff,
    headers: HeaderMap,
    ApiJson(body): ApiJson<IssueCertificateRequest>,
) -> ApiResult<(StatusCode, Json<CertificateView>)> {
    let key = match headers.get(IDEMPOTENCY_KEY_HEADER) {
        Some(v) => {
            Some(v.to_str().map_err(|_| ServiceError::BadInput("idempotency key must be visible ASCII"))?)
        }
        None => None,
    };
    Ok((StatusCode::CREATED, Json(s.backend.issue_once(&staff, body, key, now()).await?)))
}

async fn staff_certificate(
    State(s): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<i64>,
) -> ApiResult<Json<CertificateView>> {
    Ok(Json(s.backend.certificate_for_staff(&staff, id).await?))
}

async fn change_status(
    State(s): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<StatusChangeRequest>,
) -> ApiResult<Json<CertificateView>> {
    Ok(Json(s.backend.change_status(&staff, id, body.action, now()).await?))
}

async fn renew(
    State(s): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RenewCertificateRequest>,
) -> ApiResult<(StatusCode, Json<CertificateView>)> {
    let view =
        s.backend.renew(&staff, id, body.valid_from.as_deref(), body.valid_until.as_deref(), now()).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn enrolment_code(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiJson(body): ApiJson<EnrolmentCodeRequest>,
) -> ApiResult<(StatusCode, Json<EnrolmentCodeResponse>)> {
    Ok((StatusCode::CREATED, Json(s.backend.enrolment_code(&staff, &body.holder_id_number, now()).await?)))
}

async fn rotate_key(State(s): State<AppState>, Staff(staff): Staff) -> ApiResult<Json<KeyRotationResponse>> {
    require_issuer(&staff)?;
    let at = now();
    let key_id = s.backend.rotate_key(&staff.department_code, at).await?;
    let list = s.backend.trust_list(at).await?;
    Ok(Json(KeyRotationResponse {
        key_id,
        trust_list_sequence: u64::try_from(list.sequence).unwrap_or_default(),
    }))
}

/// The path's key id is only compared with the stored ones: the staff token is checked first
/// (401, then 403 for anyone but the trust-list administrator) before anything is looked up.
async fn compromise_key(
    State(s): State<AppState>,
    Staff(staff): Staff,
    Path(key_id): Path<String>,
    ApiJson(body): ApiJson<KeyCompromiseRequest>,
) -> ApiResult<Json<KeyCompromiseResponse>> {
    Ok(Json(s.backend.compromise_key_for_staff(&staff, &key_id, body.compromised_at, now()).await?))
}

async fn register_device(
    State(s): State<AppState>,
    ApiJson(body): ApiJson<RegisterDeviceRequest>,
) -> ApiResult<(StatusCode, Json<RegisterDeviceResponse>)> {
    // Enrolment codes of one citizen guessed from many addresses meet the citizen's budget. The
    // key is the number as parsed, so spellings of one number are one account.
    if let Ok(id) = shimin_core::IdNumber::parse(&body.id_number) {
        account_limited(&s, RouteClass::Enrolment, id.as_str())?;
    }
    let device_id = s.backend.register_device(body, now()).await?;
    Ok((StatusCode::CREATED, Json(RegisterDeviceResponse { device_id })))
}

async fn challenge(State(s): State<AppState>, Path(id): Path<i64>) -> ApiResult<Json<ChallengeResponse>> {
    Ok(Json(s.backend.challenge(id, now()).await?))
}

async fn device_token(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<DeviceTokenRequest>,
) -> ApiResult<Json<DeviceTokenResponse>> {
    Ok(Json(s.backend.device_token(id, body, now()).await?))
}

async fn liveness_enrolment(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<LivenessEnrolmentRequest>,
) -> ApiResult<(StatusCode, Json<LivenessChallengeResponse>)> {
    Ok((StatusCode::CREATED, Json(s.backend.liveness_enrolment_challenge(body, addr.ip(), now_ms()).await?)))
}

/// A frame batch of a paced enrolment check. Not rate-limited like the other unauthenticated
/// routes: a check streams several batches a second, for as long as it takes (an enrolment
/// budget of 20 would cut an honest stream off mid-check). Only a batch signed by the check's
/// key is measured, and the number of checks streaming at once is bounded; opening a check
/// (`/v1/enrolment/liveness`) is what the enrolment budget and the daily attempts limit.
async fn enrolment_frames(
    State(s): State<AppState>,
    Path(check_id): Path<i64>,
    BinaryBody(batch): BinaryBody,
) -> ApiResult<Json<LivenessPaceResponse>> {
    Ok(Json(s.backend.paced_frames(check_id, None, batch, now_ms()).await?))
}

/// A frame batch of a paced case check of the signed-in device.
async fn case_frames(
    State(s): State<AppState>,
    Device(device): Device,
    Path(check_id): Path<i64>,
    BinaryBody(batch): BinaryBody,
) -> ApiResult<Json<LivenessPaceResponse>> {
    Ok(Json(s.backend.paced_frames(check_id, Some(&device), batch, now_ms()).await?))
}

async fn open_case(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiJson(body): ApiJson<OpenCaseRequest>,
) -> ApiResult<(StatusCode, Json<CaseView>)> {
    Ok((StatusCode::CREATED, Json(s.backend.open_case(&staff, body, now()).await?)))
}

async fn staff_case(
    State(s): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<i64>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(s.backend.case_for_staff(&staff, id).await?))
}

async fn proceed_case(
    State(s): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<i64>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(s.backend.proceed_case(&staff, id, now()).await?))
}

async fn identity_requests(
    State(s): State<AppState>,
    Device(device): Device,
) -> ApiResult<Json<Vec<IdentityRequestView>>> {
    Ok(Json(s.backend.identity_requests(&device, now()).await?))
}

/// The signed-in citizen declines to confirm a case; the registrar sees the refusal.
async fn decline_request(
    State(s): State<AppState>,
    Device(device): Device,
    Path(case_id): Path<i64>,
    ApiJson(body): ApiJson<DeclineRequest>,
) -> ApiResult<Json<IdentityRequestView>> {
    Ok(Json(s.backend.decline_case(&device, case_id, body.reason, now()).await?))
}

async fn case_challenge(
    State(s): State<AppState>,
    Device(device): Device,
    Path(case_id): Path<i64>,
) -> ApiResult<(StatusCode, Json<LivenessChallengeResponse>)> {
    Ok((StatusCode::CREATED, Json(s.backend.case_challenge(&device, case_id, now_ms()).await?)))
}

/// Query of `GET /v1/sync/pull`.
#[derive(Debug, Deserialize)]
struct PullQuery {
    cursor: Option<String>,
}

/// The pull judges its own token ([`require_device`] lets it through): the token and its device
/// are read with the rest of the pull, in one store call. As on every other route of a device,
/// the token is judged before the query.
async fn pull(State(s): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let Some(token) = bearer(&parts) else {
        return ApiError::from(ServiceError::Unauthorized).into_response();
    };
    let query = match Query::<PullQuery>::try_from_uri(&parts.uri) {
        Ok(Query(query)) => query,
        Err(rejection) => {
            return match s.backend.device_for_token(token, now()).await {
                Ok(_) => rejection.into_response(),
                Err(e) => ApiError::from(e).into_response(),
            };
        }
    };
    match s.backend.pull(token, query.cursor.as_deref(), now()).await {
        Ok(response) => Json(response).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn push(
    State(s): State<AppState>,
    Device(device): Device,
    ApiJson(body): ApiJson<SyncPushRequest>,
) -> ApiResult<Json<SyncPushResponse>> {
    Ok(Json(s.backend.push(&device, body, now()).await?))
}

async fn my_certificates(
    State(s): State<AppState>,
    Device(device): Device,
) -> ApiResult<Json<Vec<CertificateView>>> {
    let records =
        s.backend.store.certificates_of(&device.citizen_id_number).await.map_err(ServiceError::from)?;
    Ok(Json(records.iter().map(view_of).collect::<Result<_, _>>()?))
}

async fn my_certificate(
    State(s): State<AppState>,
    Device(device): Device,
    Path(id): Path<i64>,
) -> ApiResult<Json<CertificateView>> {
    let record = s.backend.store.certificate(id).await.map_err(ServiceError::from)?;
    // Another citizen's certificate is "not found": its existence is not disclosed.
    match record {
        Some(r) if r.citizen_id_number == device.citizen_id_number => Ok(Json(view_of(&r)?)),
        _ => Err(ServiceError::NotFound("certificate").into()),
    }
}

async fn my_devices(
    State(s): State<AppState>,
    Device(device): Device,
) -> ApiResult<Json<DeviceListResponse>> {
    Ok(Json(s.backend.my_devices(&device).await?))
}

async fn remove_device(
    State(s): State<AppState>,
    Device(device): Device,
    Path(id): Path<i64>,
    body: Option<ApiJson<RemoveDeviceRequest>>,
) -> ApiResult<StatusCode> {
    s.backend.remove_device(&device, id, body.map(|ApiJson(b)| b), now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn device_logout(State(s): State<AppState>, request: Request) -> ApiResult<StatusCode> {
    let (parts, _) = request.into_parts();
    if let Some(token) = bearer(&parts) {
        s.backend.revoke_token(token, now()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Everything under `/v1/sync` needs a live device token, matched route or not. `GET /pull`
/// (the path inside `/v1/sync`) judges its token itself, read in the same store call as the
/// rest of the pull: a pull is one round trip to PostgreSQL, not one more for the token.
async fn require_device(State(s): State<AppState>, mut request: Request, next: Next) -> Response {
    if request.method() == axum::http::Method::GET && request.uri().path() == "/pull" {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let token = bearer(&parts).map(str::to_owned);
    let device = match token {
        Some(t) => s.backend.device_for_token(&t, now()).await,
        None => Err(ServiceError::Unauthorized),
    };
    match device {
        Ok(device) => {
            parts.extensions.insert(Device(device));
            request = Request::from_parts(parts, body);
            next.run(request).await
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such route")
}

/// The router with every route.
pub fn router(backend: Backend, limits: Limits) -> Router {
    let limiter = RateLimiter::new(limits.auth_burst, limits.auth_per_minute)
        .with_public_budget(limits.public_burst, limits.public_per_minute);
    let state = AppState { backend, limiter: Arc::new(limiter) };
    let limit = |class| middleware::from_fn_with_state((state.clone(), class), rate_limit);
    // The public catalogue: no login, its own rate class, gzip for whoever asks for it.
    let catalogue = Router::new()
        .route("/v1/services", get(services))
        .route("/v1/services/{code}", get(service_guide))
        .route("/v1/catalogue/changes", get(catalogue_changes))
        .layer(limit(RouteClass::PublicCatalogue))
        .layer(tower_http::compression::CompressionLayer::new());
    // The working-day calendar: public, per source under the catalogue's budget.
    let calendar = Router::new()
        .route("/v1/calendar/due", get(calendar_due))
        .route("/v1/calendar/days", get(calendar_days))
        .layer(limit(RouteClass::PublicCatalogue));
    let sync = Router::new()
        .route("/pull", get(pull))
        .route("/push", post(push))
        .route("/certificates", get(my_certificates))
        .route("/certificates/{id}", get(my_certificate))
        .route("/devices", get(my_devices))
        .route("/devices/{id}", delete(remove_device))
        .route("/logout", post(device_logout))
        .route("/identity-requests", get(identity_requests))
        .route("/identity-requests/{id}/liveness", post(case_challenge))
        .route("/identity-requests/{id}/decline", post(decline_request))
        // A liveness check is answered only by streaming frames the server measures itself
        // (issue 15, finding 1); evidence a device assembled is taken by no route.
        .route(
            "/liveness-checks/{id}/frames",
            post(case_frames).layer(DefaultBodyLimit::max(MAX_FRAME_BATCH_BODY)),
        )
        .merge(applications::citizen_routes())
        .merge(ratings::citizen_routes())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), require_device));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi::serve))
        .route("/v1/trust-list", get(trust_list))
        .route("/v1/root-key", get(root_key))
        .route("/v1/status-lists/{id}", get(status_list))
        .route("/v1/staff/login", post(staff_login).layer(limit(RouteClass::Login)))
        .route("/v1/staff/logout", post(staff_logout))
        .route("/v1/staff/certificates", post(issue))
        .route("/v1/staff/certificates/{id}", get(staff_certificate))
        .route("/v1/staff/certificates/{id}/status", post(change_status))
        .route("/v1/staff/certificates/{id}/renew", post(renew))
        .route("/v1/staff/enrolment-codes", post(enrolment_code))
        .route("/v1/staff/key-rotation", post(rotate_key))
        .route("/v1/staff/issuer-keys/{key_id}/compromise", post(compromise_key))
        .route("/v1/devices", post(register_device).layer(limit(RouteClass::Enrolment)))
        .route("/v1/devices/{id}/challenge", post(challenge).layer(limit(RouteClass::DeviceAuth)))
        .route("/v1/devices/{id}/token", post(device_token).layer(limit(RouteClass::DeviceAuth)))
        .route("/v1/enrolment/liveness", post(liveness_enrolment).layer(limit(RouteClass::Enrolment)))
        .route("/v1/staff/cases", post(open_case))
        .route("/v1/staff/cases/{id}", get(staff_case))
        .route("/v1/staff/cases/{id}/proceed", post(proceed_case))
        .route(
            "/v1/enrolment/liveness/{id}/frames",
            post(enrolment_frames).layer(DefaultBodyLimit::max(MAX_FRAME_BATCH_BODY)),
        )
        .nest("/v1/sync", sync)
        .merge(catalogue)
        .merge(calendar)
        .merge(desk::routes(&state))
        .merge(applications::application_routes())
        .merge(desk_queue::routes())
        .merge(ratings::desk_routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(|request: &Request| {
            // The method and the route template only: paths and queries are not logged.
            let route = request
                .extensions()
                .get::<axum::extract::MatchedPath>()
                .map_or("unmatched", axum::extract::MatchedPath::as_str)
                .to_owned();
            tracing::info_span!("request", method = %request.method(), route)
        }))
        .with_state(state)
}

/// Serves plain HTTP on `listener` until `shutdown` completes, then finishes the requests in
/// flight.
///
/// # Errors
/// When the listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    backend: Backend,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(backend, limits).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// Where TLS material is.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// Serves HTTPS (rustls) on `listener` until `shutdown` completes, then lets requests in flight
/// finish for up to 10 seconds.
///
/// # Errors
/// When the certificate or key cannot be loaded or the listener fails.
pub async fn serve_tls(
    listener: std::net::TcpListener,
    tls: TlsFiles,
    backend: Backend,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Several crates may bring a rustls provider; pick ring explicitly, once.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key).await?;
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    let app = router(backend, limits).into_make_service_with_connect_info::<SocketAddr>();
    axum_server::from_tcp_rustls(listener, config)?.handle(handle).serve(app).await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
