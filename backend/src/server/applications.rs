//! The applications' routes (issue 17), merged into the router in one line each: the desk's
//! JSON (`/v1/desk/applications/{id}` and its actions) under the staff bearer token, and the
//! citizen's under the device token (`/v1/sync/applications…`: the submission, its uploads, the
//! resubmission after 补正, the list and one application), each a delegation into
//! `service::submission`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use shimin_core::application::material::MAX_UPLOAD_BYTES;
use shimin_core::application::submission::ApplicationId;
use shimin_core::cert::CreditCode;
use shimin_wire::application::{
    ApplicationListResponse, ApplicationSummaryView, SubmissionReceipt, SubmissionRequest,
};
use shimin_wire::error::ErrorCode;
use shimin_wire::workflow::{DeskActionRequest, TimelineView};

use super::error::ApiError;
use super::extract::{ApiJson, Device, Staff};
use super::{ApiResult, AppState};
use crate::now;
use crate::service::applications::{ApplicationError, DeskError, takes_part};
use crate::service::submission::{MAX_PAGE, SubmitError, UploadRefused};
use crate::store::{ApplicationRecord, StaffRecord};

/// The citizen's routes, merged into the `/v1/sync` router (under its device token).
pub(super) fn citizen_routes() -> Router<AppState> {
    // An upload's body may be as large as core takes (10 MiB); a byte more is 413 before it is read.
    let upload_limit = usize::try_from(MAX_UPLOAD_BYTES).unwrap_or(usize::MAX);
    Router::new()
        .route("/applications", post(submit).get(my_applications))
        .route("/applications/{id}", get(my_application))
        .route("/applications/{id}/correction", post(resubmit))
        .route("/applications/{id}/uploads/{sha256}", put(upload).layer(DefaultBodyLimit::max(upload_limit)))
}

/// A submission's body: JSON read here so that every refusal is a 400 with a fixed reason
/// (serde's own messages may quote the input, which is personal).
fn submission_body(body: Result<Bytes, BytesRejection>) -> Result<SubmissionRequest, ApiError> {
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge, "request body too large")
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, "the body could not be read")
        }
    })?;
    let value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadJson, "the body is not JSON"))?;
    serde_json::from_value(value).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidBody,
            "the body is not a submission (application_id, service_code, catalogue_version, values, materials)",
        )
    })
}

impl From<SubmitError> for ApiError {
    fn from(e: SubmitError) -> Self {
        let reason = e.to_string();
        match e {
            SubmitError::Request(_) | SubmitError::OtherId => {
                ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, reason)
            }
            SubmitError::Taken | SubmitError::UploadsMissing | SubmitError::NotCorrecting => {
                ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, reason)
            }
            SubmitError::NotFound => not_found(),
            SubmitError::Application(e) => e.into(),
            SubmitError::Service(e) => e.into(),
        }
    }
}

impl From<UploadRefused> for ApiError {
    fn from(e: UploadRefused) -> Self {
        use shimin_core::application::material::UploadError;
        let e = match e {
            UploadRefused::Application(e) => return e.into(),
            e => e,
        };
        let reason = e.to_string();
        let (status, code) = match &e {
            UploadRefused::Digest
            | UploadRefused::DigestMismatch
            | UploadRefused::Upload(UploadError::Empty) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            UploadRefused::ContentType | UploadRefused::Upload(UploadError::NotAllowed) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType)
            }
            UploadRefused::TotalTooLarge
            | UploadRefused::Upload(UploadError::TooLarge | UploadError::TotalTooLarge) => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
            }
            UploadRefused::Upload(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Unprocessable),
            UploadRefused::Taken => (StatusCode::CONFLICT, ErrorCode::Conflict),
            UploadRefused::Application(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable),
        };
        ApiError::new(status, code, reason)
    }
}

/// `POST /v1/sync/applications`: a submission; the receipt (200 also when the pre-review did
/// not pass: nothing was stored then).
async fn submit(
    State(s): State<AppState>,
    Device(device): Device,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<SubmissionReceipt>> {
    let request = submission_body(body)?;
    Ok(Json(s.backend.submit_application(&device.citizen_id_number, &request, now()).await?))
}

/// `POST /v1/sync/applications/{id}/correction`: the resubmission after 补正.
async fn resubmit(
    State(s): State<AppState>,
    Device(device): Device,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<SubmissionReceipt>> {
    let id = parse_id(&id)?;
    let request = submission_body(body)?;
    Ok(Json(s.backend.resubmit_application(&device.citizen_id_number, id, &request, now()).await?))
}

/// `PUT /v1/sync/applications/{id}/uploads/{sha256}`: an upload's bytes; 200 with no body when
/// held, now or before.
async fn upload(
    State(s): State<AppState>,
    Device(device): Device,
    Path((id, sha256)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let id = parse_id(&id)?;
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                "the file is larger than 10 MiB",
            )
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, "the body could not be read")
        }
    })?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    s.backend.put_upload(&device.citizen_id_number, id, &sha256, content_type, body.to_vec(), now()).await?;
    Ok(StatusCode::OK)
}

/// The query of `GET /v1/sync/applications`.
#[derive(Debug, Deserialize)]
struct PageQuery {
    offset: Option<u64>,
    limit: Option<u64>,
}

/// `GET /v1/sync/applications?offset=&limit=`: the citizen's own applications, newest first.
async fn my_applications(
    State(s): State<AppState>,
    Device(device): Device,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<ApplicationListResponse>> {
    let Query(page) = query.map_err(|_| {
        ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, "offset and limit are whole numbers")
    })?;
    let offset = page.offset.unwrap_or(0);
    let limit = page.limit.unwrap_or(20).clamp(1, MAX_PAGE);
    // One more than asked tells whether another page follows.
    let mut records = s
        .backend
        .store
        .citizen_applications_page(&device.citizen_id_number, offset, limit + 1)
        .await
        .map_err(ApplicationError::from)?;
    let more = records.len() as u64 > limit;
    records.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let applications = records
        .iter()
        .map(|r| ApplicationSummaryView {
            application_id: r.id.to_string(),
            service_code: r.service_code.clone(),
            case_no: r.case_no.clone(),
            phase: r.state.phase(),
            received_at: r.arrived_at,
            next_deadline: r.next_deadline.clone(),
        })
        .collect();
    Ok(Json(ApplicationListResponse { applications, next_offset: more.then_some(offset + limit) }))
}

/// One of the signed-in citizen's applications: its timeline; another citizen's is 404.
async fn my_application(
    State(s): State<AppState>,
    Device(device): Device,
    Path(id): Path<String>,
) -> ApiResult<Json<TimelineView>> {
    let record = s.backend.store.application(parse_id(&id)?).await.map_err(ApplicationError::from)?;
    let record = record.filter(|r| r.citizen == device.citizen_id_number).ok_or_else(not_found)?;
    Ok(Json(timeline(&s, &record).await?))
}

/// The staff routes, to merge into the router.
pub(super) fn application_routes() -> Router<AppState> {
    Router::new()
        .route("/v1/desk/applications/{id}", get(desk_application))
        .route("/v1/desk/applications/{id}/actions", post(desk_action))
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "application not found")
}

impl From<ApplicationError> for ApiError {
    fn from(e: ApplicationError) -> Self {
        // Kinds only: nothing of the application is in the log.
        tracing::error!(error = %e, "application storage or calendar failure");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "applications unavailable, retry later",
        )
    }
}

impl From<DeskError> for ApiError {
    fn from(e: DeskError) -> Self {
        match e {
            DeskError::NotFound => not_found(),
            DeskError::Request(e) => {
                ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, e.to_string())
            }
            DeskError::AlreadyDone => {
                ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, "already done")
            }
            DeskError::Refused(e) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Unprocessable, e.to_string())
            }
            DeskError::Application(e) => e.into(),
        }
    }
}

fn parse_id(text: &str) -> Result<ApplicationId, ApiError> {
    ApplicationId::parse(text).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            "an application id is 32 lower-case hex digits",
        )
    })
}

async fn timeline(s: &AppState, record: &ApplicationRecord) -> ApiResult<TimelineView> {
    Ok(s.backend.application_timeline(record).await?)
}

async fn for_staff(s: &AppState, staff: &StaffRecord, id: ApplicationId) -> ApiResult<ApplicationRecord> {
    let record =
        s.backend.store.application(id).await.map_err(ApplicationError::from)?.ok_or_else(not_found)?;
    let unit = CreditCode::parse(&staff.department_code).map_err(|_| not_found())?;
    if takes_part(&record.state, &unit) { Ok(record) } else { Err(not_found()) }
}

/// One application for staff of a department taking part in it: its timeline.
async fn desk_application(
    State(s): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<TimelineView>> {
    let record = for_staff(&s, &staff, parse_id(&id)?).await?;
    Ok(Json(timeline(&s, &record).await?))
}

/// A desk action; answers the timeline after it.
async fn desk_action(
    State(s): State<AppState>,
    Staff(staff): Staff,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<DeskActionRequest>,
) -> ApiResult<Json<TimelineView>> {
    let record = s.backend.desk_action(&staff, parse_id(&id)?, request, now()).await?;
    Ok(Json(timeline(&s, &record).await?))
}
